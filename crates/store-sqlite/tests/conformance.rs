//! The backend-independent suite of `gongkai_store::conformance`, each test on a fresh
//! database file in a temporary directory.
#![allow(clippy::unwrap_used)]

use gongkai_store::Requests;
use gongkai_store_sql::Backend;
use gongkai_store_sqlite::SqliteStore;
use std::future::Future;

async fn harness<F, Fut>(test: F)
where
    F: FnOnce(SqliteStore) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("gongkai.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    test(store.clone()).await;
    assert_eq!(store.integrity_check().await.unwrap(), ["ok"]);
    store.close().await;
}

gongkai_store::conformance_tests!(harness);

/// The whole suite on one shared database, in sequence (the per-test runs use fresh ones).
#[tokio::test]
async fn whole_suite_on_one_database() {
    harness(|store| async move { gongkai_store::conformance::run_all(&store).await }).await;
}

/// Reopening a file keeps its data and does not re-run migrations destructively.
#[tokio::test]
async fn reopen_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("g.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    gongkai_store::conformance::agencies_hierarchy(&store).await;
    store.close().await;
    let again = SqliteStore::open(&url).await.unwrap();
    let agencies = gongkai_store::Agencies::agencies(&again).await.unwrap();
    assert_eq!(agencies.len(), 3);
    assert!(again.case_facts(&[], 2024).await.unwrap().is_empty());
}

/// An in-memory database works too (one connection).
#[tokio::test]
async fn in_memory() {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap();
    gongkai_store::conformance::run_all(&store).await;
}

/// A copy into another file holds every row of every table, accounts included.
#[tokio::test]
async fn copy_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let url = |name: &str| format!("sqlite:{}", dir.path().join(name).display());
    let source = SqliteStore::open(&url("source.db")).await.unwrap();
    let target = SqliteStore::open(&url("target.db")).await.unwrap();
    gongkai_store::conformance::run_all(&source).await;
    gongkai_store::conformance::copy_keeps_every_row(&source, &target).await;
}

/// Every table and column the migrations make is in the schema a copy walks.
#[tokio::test]
async fn schema_lists_every_table() {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap();
    let found: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.name, c.name FROM sqlite_master AS t, pragma_table_info(t.name) AS c \
         WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%' AND t.name <> '_sqlx_migrations'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    gongkai_store::conformance::check_schema_lists(found);
}

/// Bytes of the `blobs` table that no longer match their SHA-256 are an error, never returned.
#[tokio::test]
async fn damaged_blob_is_refused() {
    use gongkai_store::{Blobs, StoreError};
    let store = SqliteStore::open("sqlite::memory:").await.unwrap();
    let sha = store.put(b"original content").await.unwrap();
    sqlx::query("UPDATE blobs SET bytes = $1 WHERE sha256 = $2")
        .bind(&b"tampered content"[..])
        .bind(sha.as_str())
        .execute(store.pool())
        .await
        .unwrap();
    match store.get(&sha).await {
        Err(StoreError::Backend(message)) => assert!(message.contains(&sha), "{message}"),
        other => panic!("expected a damaged blob to be refused, got {other:?}"),
    }
    assert!(
        store.has(&sha).await.unwrap(),
        "still there, for the operator to repair"
    );
}
