//! Several processes on one database file: writers wait their turn and never fail within the
//! busy timeout (every write begins with `BEGIN IMMEDIATE`), four processes opening a
//! brand-new file at once all succeed (migrations run one process at a time), the audit chain
//! holds every write, and a missing directory is an error rather than a new tree.
//!
//! The test re-executes its own binary as children running the ignored test `writer_child`.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::{ApplicantRecord, Channel, NewRequest, TimelineEvent};
use gongkai_report::Applicant;
use gongkai_store::conformance::audit;
use gongkai_store::{Agencies, AuditLog, Installation, Requests};
use gongkai_store_sqlite::SqliteStore;
use std::process::{Command, Stdio};

const DB_VAR: &str = "GONGKAI_WRITER_CHILD_DB";
const NAME_VAR: &str = "GONGKAI_WRITER_CHILD_NAME";
const WRITES: usize = 25;

#[tokio::test]
async fn four_processes_on_a_new_file_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("new.db").display());
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..4)
        .map(|i| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "writer_child",
                    "--nocapture",
                    "--include-ignored",
                ])
                .env(DB_VAR, &url)
                .env(NAME_VAR, format!("并发局{i}"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a writer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let store = SqliteStore::open(&url).await.unwrap();
    let agencies = store.agencies().await.unwrap();
    assert_eq!(agencies.len(), 4);
    for a in &agencies {
        assert_eq!(
            store.request_ids(&[a.id], false).await.unwrap().len(),
            WRITES
        );
    }
    let log = store.audit_page(0, 10_000).await.unwrap();
    assert_eq!(log.len(), 4 * (WRITES + 1), "every write has its entry");
    assert!(gongkai_audit::verify(&log, None).is_ok());
    assert_eq!(store.integrity_check().await.unwrap(), ["ok"]);
}

/// A child: opens the database (new or not), registers its agency and `WRITES` requests, each
/// in its own transaction, as `gongkai request add` does.
#[tokio::test]
#[ignore = "run as a child process by four_processes_on_a_new_file_all_succeed"]
async fn writer_child() {
    let (Ok(url), Ok(name)) = (std::env::var(DB_VAR), std::env::var(NAME_VAR)) else {
        return;
    };
    let store = SqliteStore::open(&url).await.unwrap();
    let agency = store.create_agency(&name, None, audit()).await.unwrap().id;
    let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    for i in 0..WRITES {
        let new = NewRequest {
            agency,
            reference: format!("W-{i}"),
            applicants: vec![ApplicantRecord {
                name: "甲".into(),
                kind: Applicant::NaturalPerson,
            }],
            channel: Channel::InPerson,
            received: day,
            description: String::new(),
            requested_form: String::new(),
            contact: Default::default(),
        };
        let first = TimelineEvent {
            event: Event::Received(day),
            outcome: None,
            note: String::new(),
        };
        store.create_request(new, first, audit()).await.unwrap();
    }
    store.close().await;
}

#[tokio::test]
async fn a_missing_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("no/such/dir/g.db").display());
    let e = SqliteStore::open(&url).await.unwrap_err();
    assert!(e.to_string().contains("数据库目录不存在"), "{e}");
    assert!(!dir.path().join("no").exists(), "no directory was created");
}

/// A consistent copy while the store is in use, which opens as a database of its own; an
/// existing file is never overwritten.
#[tokio::test]
async fn snapshot_is_a_whole_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("g.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    store.create_agency("备份局", None, audit()).await.unwrap();
    let copy = dir.path().join("copy.db");
    assert!(store.snapshot_into(&copy).await.unwrap());
    assert!(store.snapshot_into(&copy).await.is_err());
    let restored = SqliteStore::open(&format!("sqlite:{}", copy.display()))
        .await
        .unwrap();
    assert_eq!(restored.agencies().await.unwrap().len(), 1);
    assert_eq!(restored.audit_page(0, 10).await.unwrap().len(), 1);
}
