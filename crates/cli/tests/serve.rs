//! `gongkai serve` as it runs in production: the real binary on a free loopback port.
//!
//! - Killed with SIGKILL under write load, it loses no write it acknowledged: every request
//!   the API answered 201 for is stored after the kill, and the audit chain is intact.
//! - Stopped with SIGTERM, it finishes and exits 0; a session made before the restart still
//!   works after it (sessions live in the database).
#![allow(clippy::unwrap_used)]

mod common;

use common::{command_in, gongkai_in, ok};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const AGENCY: &str = "压力测试局";
const PASSWORD: &str = "correct-horse-battery";

/// An installation with one agency, one officer and the officer's token.
fn installation(data: &Path) -> String {
    ok(gongkai_in(data, &["agency", "add", AGENCY]));
    common::add_officer(data, "officer", AGENCY, PASSWORD);
    ok(gongkai_in(data, &["token", "create", "--user", "officer"]))
        .trim()
        .to_owned()
}

/// Starts `gongkai serve` on a free port and returns it with its base URL, read from the line
/// it prints when it listens.
fn serve(data: &Path) -> (Child, String) {
    let mut child = command_in(data, &["serve", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let base = loop {
        assert!(Instant::now() < deadline, "the server did not start");
        let line = lines.next().expect("the server exited").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break format!("http://{}", rest.split("/office").next().unwrap());
        }
    };
    // Keep draining its log so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// The references of the agency's stored requests, read through the command line.
fn stored(data: &Path) -> Vec<String> {
    let out = ok(gongkai_in(
        data,
        &["request", "list", "--agency", AGENCY, "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["reference"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_killed_server_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let token = installation(data);
    let (mut server, base) = serve(data);
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (ack, stop, base, token) = (
                Arc::clone(&acknowledged),
                Arc::clone(&stop),
                base.clone(),
                token.clone(),
            );
            std::thread::spawn(move || {
                let agent = agent();
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let reference = format!("K{w}-{i}");
                    let body = serde_json::json!({
                        "agency": AGENCY, "reference": reference, "applicant": "张三",
                        "kind": "自然人", "channel": "网上", "received": "2024-03-05",
                        "description": "压力测试",
                    });
                    let sent = agent
                        .post(&format!("{base}/api/v1/requests"))
                        .header("authorization", &format!("Bearer {token}"))
                        .send_json(&body);
                    match sent {
                        // Acknowledged only when the whole answer arrived.
                        Ok(mut r) if r.status() == 201 => {
                            if r.body_mut().read_to_string().is_ok() {
                                ack.lock().unwrap().push(reference);
                            }
                        }
                        Ok(r) => panic!("unexpected answer {}", r.status()),
                        // The server is gone: stop writing.
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    // Let the writes run, then kill the server without warning while they are in flight.
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().unwrap();
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 20,
        "the load wrote {} requests",
        acknowledged.len()
    );
    let stored = stored(data);
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|r| !stored.contains(r))
        .collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    // Every write carried its audit entry in its transaction: the chain is whole.
    ok(gongkai_in(data, &["audit", "verify"]));
}

#[test]
fn sigterm_stops_the_server_and_sessions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    installation(data);
    let (server, base) = serve(data);
    let agent = agent();
    let r = agent
        .post(&format!("{base}/office/login"))
        .header("origin", &base)
        .send_form([("name", "officer"), ("password", PASSWORD)])
        .unwrap();
    // The agent follows the redirect to /office: a logged-in page.
    assert_eq!(r.status(), 200);
    assert!(r.into_body().read_to_string().unwrap().contains("工作台"));
    terminate(server);
    let (server, base2) = serve(data);
    // The same agent, its cookie from the first process, on the second.
    let page = agent
        .get(&format!("{base2}/office"))
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    let _ = base;
    assert!(page.contains("officer"), "still logged in:\n{page}");
    terminate(server);
}

/// Sends SIGTERM and waits for a clean exit.
fn terminate(mut server: Child) {
    let pid = server.id().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.try_wait().unwrap() {
            assert!(status.success(), "exit status after SIGTERM: {status}");
            return;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}
