//! The backend-independent suite of `gongkai_store::conformance` on PostgreSQL, when
//! `GONGKAI_TEST_POSTGRES_URL` names a server (CI: `postgres://postgres@127.0.0.1:5432/test`).
//! Each test runs in a fresh schema, dropped afterwards even when the test fails.
#![allow(clippy::unwrap_used)]

use gongkai_store::conformance::{copy_keeps_every_row, run_all};
use gongkai_store_postgres::PgStore;
use gongkai_store_sql::Backend;
use gongkai_store_sqlite::SqliteStore;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

const URL_VAR: &str = "GONGKAI_TEST_POSTGRES_URL";

fn url() -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("skipped: {URL_VAR} not set");
            None
        }
    }
}

fn schema_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "gk_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs `test` on a store in a fresh schema, then drops the schema and re-raises a failure.
async fn harness<F, Fut>(test: F)
where
    F: FnOnce(PgStore) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(url) = url() else { return };
    let schema = schema_name();
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    let outcome = match PgStore::connect_schema(&url, &schema).await {
        Ok(store) => {
            let result = tokio::spawn(test(store.clone())).await;
            store.close().await;
            result.map_err(|e| e.into_panic())
        }
        Err(e) => Err(Box::new(format!("connect: {e}")) as Box<dyn std::any::Any + Send>),
    };
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

gongkai_store::conformance_tests!(harness);

/// The whole suite on one shared schema, in sequence.
#[tokio::test]
async fn whole_suite_on_one_schema() {
    harness(|store| async move { gongkai_store::conformance::run_all(&store).await }).await;
}

use gongkai_store::conformance::audit;

/// Writers racing on several connections append to one audit chain, never forking it: every
/// write has its entry and the chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_writers_keep_one_audit_chain() {
    harness(|store| async move {
        use gongkai_store::{Agencies, AuditLog};
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .create_agency(&format!("并发审计局{i}"), None, audit())
                        .await
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let log = store.audit_page(0, 1000).await.unwrap();
        assert_eq!(log.len(), 16);
        assert_eq!(gongkai_audit::verify(&log, None).unwrap().0, 16);
    })
    .await;
}

/// Two appends racing on one request: the row lock makes the second see the first, so exactly
/// one decision is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_decisions_one_wins() {
    harness(|store| async move {
        use gongkai_calendar::Event;
        use gongkai_cases::{ApplicantRecord, Channel, NewRequest, Outcome, TimelineEvent};
        use gongkai_store::{Agencies, Requests};
        let agency = store
            .create_agency("并发局", None, audit())
            .await
            .unwrap()
            .id;
        let day = chrono::NaiveDate::from_ymd_opt(2024, 5, 6).unwrap();
        let new = NewRequest {
            agency,
            reference: "RACE".into(),
            applicants: vec![ApplicantRecord {
                name: "甲".into(),
                kind: gongkai_report::Applicant::NaturalPerson,
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
        let id = store.create_request(new, first, audit()).await.unwrap().id;
        let decide = |o: Outcome| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .append_event(
                        id,
                        TimelineEvent {
                            event: Event::Decided(day),
                            outcome: Some(o),
                            note: String::new(),
                        },
                        audit(),
                    )
                    .await
            })
        };
        let (a, b) = (decide(Outcome::Disclosed), decide(Outcome::NaNotHeld));
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        assert!(a.is_ok() != b.is_ok(), "exactly one wins: {a:?} {b:?}");
        assert_eq!(store.request(id).await.unwrap().unwrap().events.len(), 2);
    })
    .await;
}

/// An installation copied from SQLite and back (a backup) keeps every row of every table,
/// accounts included, and the identity sequences continue after the copied ids.
#[tokio::test]
async fn copies_between_backends_keep_every_row() {
    harness(|store| async move {
        let from = SqliteStore::open("sqlite::memory:").await.unwrap();
        let back = SqliteStore::open("sqlite::memory:").await.unwrap();
        run_all(&from).await;
        copy_keeps_every_row(&from, &store).await;
        copy_keeps_every_row(&store, &back).await;
    })
    .await;
}

/// Every table and column the migrations make is in the schema a copy walks.
#[tokio::test]
async fn schema_lists_every_table() {
    harness(|store| async move {
        let found: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        gongkai_store::conformance::check_schema_lists(found);
    })
    .await;
}

/// Catalogue writers racing on several connections from several threads, while a reader
/// follows `documents_since` as a search index does: every revision the reader sees continues
/// the one before it (revisions become visible in order, none is skipped), and at the end it
/// has seen every document exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_catalogue_writers_are_seen_in_revision_order() {
    harness(|store| async move {
        use gongkai_catalogue::{IndexNumber, NewDocument, Validity};
        use gongkai_store::{Agencies, Catalogue};
        let agency = store
            .create_agency("并发目录局", None, audit())
            .await
            .unwrap()
            .id;
        let day = chrono::NaiveDate::from_ymd_opt(2024, 5, 6).unwrap();
        let doc = move |i: usize| NewDocument {
            agency,
            index_number: IndexNumber::parse(&format!("RACE/2024-{i:05}")),
            title: format!("并发{i}"),
            doc_number: None,
            written: None,
            published: day,
            category: None,
            item: None,
            topic: String::new(),
            genre: String::new(),
            method: String::new(),
            scope: String::new(),
            validity: Validity::InForce,
            interprets: None,
            body_html: String::new(),
            body_text: String::new(),
            attachments: vec![],
            items: Vec::new(),
            channels: Vec::new(),
        };
        const WRITERS: usize = 4;
        const EACH: usize = 15;
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let store = store.clone();
                tokio::spawn(async move {
                    for i in 0..EACH {
                        store
                            .create_document(doc(w * EACH + i), audit())
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        let reader = {
            let store = store.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut last = 0;
                while seen.len() < WRITERS * EACH {
                    for d in store.documents_since(last, 7).await.unwrap() {
                        assert_eq!(d.revision, last + 1, "a revision skipped or out of order");
                        last = d.revision;
                        seen.push(d.id);
                    }
                    tokio::task::yield_now().await;
                }
                seen
            })
        };
        for w in writers {
            w.await.unwrap();
        }
        let mut seen = reader.await.unwrap();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), WRITERS * EACH);
        assert_eq!(
            store.catalogue_revision().await.unwrap(),
            (WRITERS * EACH) as i64
        );
    })
    .await;
}
