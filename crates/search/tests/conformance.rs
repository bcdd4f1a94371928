//! The conformance suite on the tantivy index (in a temporary directory) and, when
//! `GONGKAI_TEST_POSTGRES_URL` names a server, on PostgreSQL in a fresh schema dropped
//! afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gongkai_search::conformance;
use gongkai_search::{PgSearch, Query, Search, TantivySearch};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

const URL_VAR: &str = "GONGKAI_TEST_POSTGRES_URL";

fn tantivy() -> (tempfile::TempDir, TantivySearch) {
    let dir = tempfile::tempdir().unwrap();
    let search = TantivySearch::open(dir.path().join("search")).unwrap();
    (dir, search)
}

fn schema_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "search_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs `test` on a PgSearch in a fresh schema, then drops the schema and re-raises a failure.
async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(PgSearch) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let url = match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => {
            eprintln!("skipped: {URL_VAR} not set");
            return;
        }
    };
    let schema = schema_name();
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    let outcome = match PgSearch::connect(&url, Some(&schema)).await {
        Ok(search) => {
            let result = tokio::spawn(test(search.clone())).await;
            search.pool().close().await;
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

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod tantivy_index {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (_dir, s) = tantivy();
                    conformance::$name(&s).await;
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    on_postgres(|s| async move { conformance::$name(&s).await }).await;
                }
            )*
        }
        /// The same with walks of the date index of two rows: a corpus of a few dozen
        /// documents then takes the GIN index's way, as a rare word does among a million.
        mod postgres_short_walks {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    on_postgres(|s| async move {
                        conformance::$name(&s.with_walk_rows(2)).await
                    })
                    .await;
                }
            )*
        }
    };
}

suite!(recall, filters, pagination, totals, revisions, listing);

/// The index and its revision outlive the process that wrote them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tantivy_reopened_keeps_documents_and_revision() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let s = TantivySearch::open(&path).unwrap();
        s.apply(&conformance::planted(), 42).await.unwrap();
    }
    let s = TantivySearch::open(&path).unwrap();
    assert_eq!(s.revision().await.unwrap(), 42);
    let page = s.search(&Query::new("政务公开")).await.unwrap();
    assert_eq!(page.hits.len(), 1);
    assert_eq!(page.hits[0].title.text, conformance::YANHU_TITLE);
}

/// A second process cannot open the same index for writing: the error says to use PostgreSQL.
#[tokio::test]
async fn tantivy_is_one_process_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let _first = TantivySearch::open(dir.path()).unwrap();
    let err = TantivySearch::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("PostgreSQL"), "{err}");
}

/// Several processes opening the PostgreSQL index at once all succeed (the advisory lock).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_open() {
    on_postgres(|s| async move {
        let pool = s.pool().clone();
        let opens = (0..6).map(|_| PgSearch::open(pool.clone()));
        for r in futures_join(opens).await {
            r.unwrap();
        }
        assert_eq!(s.revision().await.unwrap(), 0);
    })
    .await;
}

/// Rows cut by another segmentation format are emptied when the index is opened, at revision
/// 0, so that the catch-up rebuilds them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_rows_of_another_format_are_rebuilt() {
    on_postgres(|s| async move {
        let docs = gongkai_search::corpus::Corpus::documents(7, 5);
        s.apply(&docs, 5).await.unwrap();
        let pool = s.pool().clone();
        let reopened = PgSearch::open(pool.clone()).await.unwrap();
        assert_eq!(reopened.revision().await.unwrap(), 5, "same format: kept");
        sqlx::query("UPDATE catalogue_search_state SET format = 'gongkai-search/1'")
            .execute(&pool)
            .await
            .unwrap();
        let reopened = PgSearch::open(pool.clone()).await.unwrap();
        assert_eq!(reopened.revision().await.unwrap(), 0);
        let all = reopened.search(&Query::new("")).await.unwrap();
        assert_eq!(all.total, 0, "{all:?}");
    })
    .await;
}

async fn futures_join<F: Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
