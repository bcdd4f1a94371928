//! Many applicants at once against the real server (`gongkai serve`, the binary) on loopback:
//! 200 clients submit online applications (`submitApplication`) for `APPLY_LOAD_SECONDS`
//! seconds (default 10; the README's figures are the 60-second runs; not `GONGKAI_…`, which the
//! server would read as configuration), with the rate limit
//! raised by configuration. Every submission that got its tracking code must then be stored
//! and trackable with its code, none lost, none stored twice. On SQLite with one server; on
//! PostgreSQL (when `GONGKAI_TEST_POSTGRES_URL` names a server) with two server processes on
//! one fresh database, the clients alternating between them. Throughput and latency are
//! printed (run with `--nocapture`).
#![allow(clippy::unwrap_used)]

mod common;

use common::{command_in, ok};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const AGENCY: &str = "网上申请负载测试局";
const CLIENTS: usize = 200;

fn seconds() -> u64 {
    std::env::var("APPLY_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
}

/// `gongkai` on `data`, on the database `url` when given (else the default SQLite file).
fn command(data: &Path, url: Option<&str>, args: &[&str]) -> Command {
    let mut c = command_in(data, args);
    if let Some(url) = url {
        c.env("GONGKAI_DATABASE_URL", url);
    }
    c
}

/// Starts a server and returns it with its base URL (read from the line it prints).
fn serve(data: &Path, url: Option<&str>) -> (Child, String) {
    let mut child = command(data, url, &["serve", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .env("GONGKAI_PORTAL__RATE_LIMIT_PER_MINUTE", "100000000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let base = loop {
        assert!(Instant::now() < deadline, "the server did not start");
        let line = lines.next().expect("the server exited").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap());
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// The agency's id, from the portal's application form.
fn agency_id(base: &str) -> i64 {
    let page = agent()
        .get(format!("{base}/apply"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let before = &page[..page.find(AGENCY).unwrap()];
    before
        .rsplit("value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// What one submission got: its tracking code, its reference, its phone's last four digits.
struct Submitted {
    code: String,
    reference: String,
    last4: String,
}

/// The load: `CLIENTS` threads submitting until the deadline, each to the server of its turn.
fn run(bases: &[String], agency: i64) -> (Vec<Submitted>, Vec<Duration>, usize) {
    let done = Arc::new(Mutex::new((Vec::new(), Vec::new(), 0usize)));
    let stop = Instant::now() + Duration::from_secs(seconds());
    let threads: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let done = Arc::clone(&done);
            let bases = bases.to_vec();
            std::thread::spawn(move || {
                let agent = agent();
                let mut n = 0usize;
                while Instant::now() < stop {
                    let base = &bases[(client + n) % bases.len()];
                    let last4 = format!("{:04}", (client * 7 + n) % 10_000);
                    let body = serde_json::json!({
                        "agency": agency, "applicant": format!("申请人{client}"),
                        "kind": "natural_person", "id_type": "护照",
                        "id_number": format!("E{client:04}{n:05}"),
                        "phone": format!("139{client:04}{last4}"),
                        "description": format!("第{client}位申请人的第{n}件申请"),
                        "form": "电子邮件", "email": "a@example.cn",
                    });
                    let started = Instant::now();
                    let r = agent
                        .post(format!("{base}/api/v1/applications"))
                        .send_json(&body);
                    let took = started.elapsed();
                    let mut done = done.lock().unwrap();
                    match r {
                        Ok(mut r) if r.status() == 201 => {
                            let v: serde_json::Value = r.body_mut().read_json().unwrap();
                            done.0.push(Submitted {
                                code: v["tracking_code"].as_str().unwrap().to_owned(),
                                reference: v["reference"].as_str().unwrap().to_owned(),
                                last4,
                            });
                            done.1.push(took);
                        }
                        _ => done.2 += 1,
                    }
                    n += 1;
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    Arc::try_unwrap(done).ok().unwrap().into_inner().unwrap()
}

/// Runs the load on `servers` and checks every acknowledged submission.
fn load_and_check(data: &Path, url: Option<&str>, servers: usize, what: &str) {
    ok(command(data, url, &["agency", "add", AGENCY])
        .output()
        .unwrap());
    let started: Vec<(Child, String)> = (0..servers).map(|_| serve(data, url)).collect();
    let bases: Vec<String> = started.iter().map(|(_, b)| b.clone()).collect();
    let agency = agency_id(&bases[0]);
    let (submitted, mut latencies, failed) = run(&bases, agency);
    let secs = seconds() as f64;
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{what}: {} applications in {secs} s ({:.0}/s) from {CLIENTS} clients, {failed} failed; \
         latency p50 {:?}, p99 {:?}, max {:?}",
        submitted.len(),
        submitted.len() as f64 / secs,
        p(0.50),
        p(0.99),
        latencies.last().unwrap()
    );
    assert_eq!(failed, 0, "every submission answered 201");
    assert!(!submitted.is_empty());
    // Each acknowledged submission is trackable with its code, on any server.
    let agent = agent();
    for (i, s) in submitted.iter().enumerate() {
        let base = &bases[i % bases.len()];
        let mut r = agent
            .post(format!("{base}/api/v1/applications/track"))
            .send_json(serde_json::json!({"tracking_code": s.code, "phone_last4": s.last4}))
            .unwrap();
        assert_eq!(r.status(), 200, "{}", s.code);
        let v: serde_json::Value = r.body_mut().read_json().unwrap();
        assert_eq!(v["reference"], s.reference.as_str());
    }
    for (mut child, _) in started {
        let _ = child.kill();
        let _ = child.wait();
    }
    // Stored once each: the agency holds exactly the acknowledged references.
    let listed = ok(command(
        data,
        url,
        &["request", "list", "--agency", AGENCY, "--json"],
    )
    .output()
    .unwrap());
    let v: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let stored: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    let acknowledged: HashSet<&str> = submitted.iter().map(|s| s.reference.as_str()).collect();
    assert_eq!(
        acknowledged.len(),
        submitted.len(),
        "no reference given twice"
    );
    assert_eq!(
        stored.len(),
        submitted.len(),
        "none lost, none stored twice"
    );
    assert!(stored.iter().all(|r| acknowledged.contains(r)));
}

#[test]
fn applicants_at_once_on_sqlite_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    load_and_check(dir.path(), None, 1, "SQLite, one server");
}

#[test]
fn applicants_at_once_on_two_servers_on_postgres_lose_nothing() {
    let Some(url) = std::env::var("GONGKAI_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped: GONGKAI_TEST_POSTGRES_URL not set");
        return;
    };
    let name = format!("gk_apply_load_{}", std::process::id());
    let psql = |sql: &str| {
        Command::new("psql")
            .args([url.as_str(), "-q", "-c", sql])
            .output()
    };
    match psql(&format!("CREATE DATABASE {name}")) {
        Ok(o) if o.status.success() => {}
        other => {
            eprintln!("skipped: cannot create a database with psql: {other:?}");
            return;
        }
    }
    let db = match url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => unreachable!("a PostgreSQL URL names its database"),
    };
    let dir = tempfile::tempdir().unwrap();
    let outcome = std::panic::catch_unwind(|| {
        load_and_check(dir.path(), Some(&db), 2, "PostgreSQL, two servers")
    });
    let _ = psql(&format!("DROP DATABASE {name} WITH (FORCE)"));
    if let Err(e) = outcome {
        std::panic::resume_unwind(e);
    }
}
