//! Killing the process in the middle of a ledger import loses nothing that was committed and
//! keeps nothing that was not: every batch is in the database whole or not at all, the file
//! passes `PRAGMA integrity_check`, and the next import works.
//!
//! The test re-executes its own test binary as a child running the ignored test
//! `crash_child`, which imports batches in a loop until it is killed with SIGKILL after a short
//! random delay.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::{AgencyId, ApplicantRecord, Channel, NewRequest, Outcome, TimelineEvent};
use gongkai_report::Applicant;
use gongkai_store::{Agencies, LedgerImport};
use gongkai_store_sqlite::SqliteStore;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const DB_VAR: &str = "GONGKAI_CRASH_CHILD_DB";
const BATCH: usize = 1500;
const AGENCY: &str = "崩溃测试局";

fn batch(agency: AgencyId, number: u32) -> Vec<(NewRequest, Vec<TimelineEvent>)> {
    let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    (0..BATCH)
        .map(|i| {
            let r = NewRequest {
                agency,
                reference: format!("B{number}-{i}"),
                applicants: vec![ApplicantRecord {
                    name: format!("申请人{i}"),
                    kind: Applicant::NaturalPerson,
                }],
                channel: Channel::Online,
                received: day,
                description: "某某文件".into(),
                requested_form: "电子邮件".into(),
                contact: Default::default(),
            };
            let events = vec![
                TimelineEvent {
                    event: Event::Received(day),
                    outcome: None,
                    note: String::new(),
                },
                TimelineEvent {
                    event: Event::Decided(day),
                    outcome: Some(Outcome::Disclosed),
                    note: String::new(),
                },
            ];
            (r, events)
        })
        .collect()
}

async fn agency(store: &SqliteStore) -> AgencyId {
    match store.agency_by_name(AGENCY).await.unwrap() {
        Some(a) => a.id,
        None => {
            store
                .create_agency(AGENCY, None, gongkai_store::conformance::audit())
                .await
                .unwrap()
                .id
        }
    }
}

/// Pseudo-random milliseconds in `lo..hi` (no rand dependency needed for a jitter).
fn jitter(lo: u64, hi: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    lo + u64::from(nanos.wrapping_mul(2_654_435_761)) % (hi - lo)
}

/// Batches in the database: (batch number, requests, events, applicants).
async fn batches(url: &str) -> Vec<(String, i64, i64, i64)> {
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT substr(r.reference, 1, instr(r.reference, '-') - 1) AS b, count(*), \
         (SELECT count(*) FROM events e JOIN requests q ON q.id = e.request_id \
          WHERE substr(q.reference, 1, instr(q.reference, '-') - 1) = \
                substr(r.reference, 1, instr(r.reference, '-') - 1)), \
         (SELECT count(*) FROM applicants a JOIN requests q ON q.id = a.request_id \
          WHERE substr(q.reference, 1, instr(q.reference, '-') - 1) = \
                substr(r.reference, 1, instr(r.reference, '-') - 1)) \
         FROM requests r GROUP BY b ORDER BY b",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

#[tokio::test]
async fn killed_mid_import_keeps_whole_batches() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("gongkai.db").display());
    let exe = std::env::current_exe().unwrap();
    let mut total = 0;
    for round in 0..4 {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child", "--nocapture", "--include-ignored"])
            .env(DB_VAR, &url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the child has committed its first batch, then let it run into the middle
        // of a later one.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            let line = lines
                .next()
                .expect("child ended before committing")
                .unwrap();
            if line.starts_with("committed") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(jitter(30, 400)));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "round {round}: the child was killed");

        let store = SqliteStore::open(&url).await.unwrap();
        assert_eq!(
            store.integrity_check().await.unwrap(),
            ["ok"],
            "round {round}"
        );
        store.close().await;
        let found = batches(&url).await;
        for (b, requests, events, applicants) in &found {
            let n = BATCH as i64;
            assert_eq!(
                (*requests, *events, *applicants),
                (n, 2 * n, n),
                "round {round}: batch {b} is partial"
            );
        }
        assert!(
            found.len() > total,
            "round {round}: the child committed a batch"
        );
        total = found.len();
    }

    // The database takes a further import after the crashes.
    let store = SqliteStore::open(&url).await.unwrap();
    let a = agency(&store).await;
    let summary = store
        .import(
            batch(a, 999_999),
            vec![],
            Default::default(),
            gongkai_store::conformance::audit(),
        )
        .await
        .unwrap()
        .summary;
    assert_eq!(summary.created, BATCH);
    assert_eq!(store.integrity_check().await.unwrap(), ["ok"]);
}

/// The child of `killed_mid_import_keeps_whole_batches`: imports batches until killed. Does
/// nothing unless run by it (the environment variable names the database).
#[tokio::test]
#[ignore = "run as a child process by killed_mid_import_keeps_whole_batches"]
async fn crash_child() {
    let Ok(url) = std::env::var(DB_VAR) else {
        return;
    };
    let store = SqliteStore::open(&url).await.unwrap();
    let a = agency(&store).await;
    // Continue after the batches of earlier rounds; stop on its own after a while in case the
    // parent is gone.
    let start = first_free(&url).await;
    for number in start..start + 500 {
        store
            .import(
                batch(a, number),
                vec![],
                Default::default(),
                gongkai_store::conformance::audit(),
            )
            .await
            .unwrap();
        println!("committed {number}");
    }
}

async fn first_free(url: &str) -> u32 {
    batches(url)
        .await
        .iter()
        .filter_map(|(b, ..)| b.trim_start_matches('B').parse::<u32>().ok())
        .max()
        .map_or(0, |m| m + 1)
}
