//! The 工作台 of an agency with many open requests (10,000 by default,
//! `GONGKAI_BENCH_OPEN`), on SQLite (a temporary file) and, when `GONGKAI_TEST_POSTGRES_URL` is
//! set, PostgreSQL (a fresh schema, dropped afterwards):
//!
//! - `work_list`: the whole list computed from the records (the timelines read in bulk, every
//!   deadline walked on the official calendar), as after a write;
//! - `desk_cached`: what the 工作台 shows (that list and the year's late answers) when nothing
//!   was written since it was last computed (one look at the audit log's version);
//! - `timelines`: the bulk read alone.
//!
//! Run: `cargo bench -p gongkai-services --bench desk`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gongkai_services::ledger::LedgerFile;
use gongkai_services::requests::{DeskCache, WorkQuery};
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_store::Store;
use gongkai_store_postgres::PgStore;
use gongkai_store_sqlite::SqliteStore;
use std::sync::LazyLock;
use tokio::runtime::Runtime;

const AGENCY: &str = "某县自然资源局";

fn main() {
    divan::main();
    if let Some(pg) = PG.as_ref() {
        RT.block_on(async {
            sqlx::query(&format!("DROP SCHEMA {} CASCADE", pg.1))
                .execute(&pg.2)
                .await
                .unwrap();
        });
    }
}

static RT: LazyLock<Runtime> = LazyLock::new(|| Runtime::new().unwrap());
static SCOPE: LazyLock<Scope> = LazyLock::new(|| Scope::operator(Actor::new("bench").unwrap()));
static SETTINGS: LazyLock<Settings> =
    LazyLock::new(|| Settings::new(chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()));

fn open() -> usize {
    std::env::var("GONGKAI_BENCH_OPEN").map_or(10_000, |v| v.parse().unwrap())
}

/// A ledger of open requests received over the last eight weeks, some of them extended.
fn ledger(n: usize) -> Vec<u8> {
    let mut csv = String::from(
        "受理编号,申请人姓名或名称,申请人类型,申请方式,收到日期,申请内容,办理结果,答复日期\n",
    );
    for i in 0..n {
        let received = SETTINGS.today - chrono::Days::new((i % 56) as u64);
        csv.push_str(&format!(
            "OPEN-{i:06},申请人{i},自然人,网上,{received},某文件（第{i}项）,,\n"
        ));
    }
    csv.into_bytes()
}

async fn seed<S: Store>(store: &S) {
    let ctx = Ctx::new(store, &SCOPE, &SETTINGS);
    ctx.add_agency(AGENCY, None).await.unwrap();
    let bytes = ledger(open());
    ctx.import_ledger(AGENCY, LedgerFile::bytes("open.csv", &bytes), false)
        .await
        .unwrap();
}

static SQLITE: LazyLock<(tempfile::TempDir, SqliteStore)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("desk.db").display());
    let store = RT.block_on(async {
        let store = SqliteStore::open(&url).await.unwrap();
        seed(&store).await;
        store
    });
    (dir, store)
});

static PG: LazyLock<Option<(PgStore, String, sqlx::PgPool)>> = LazyLock::new(|| {
    let url = std::env::var("GONGKAI_TEST_POSTGRES_URL").ok()?;
    RT.block_on(async {
        let schema = format!("gk_desk_{}", std::process::id());
        let admin = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let store = PgStore::connect_schema(&url, &schema).await.unwrap();
        seed(&store).await;
        Some((store, schema, admin))
    })
});

fn query() -> WorkQuery {
    WorkQuery {
        agency: AGENCY.to_owned(),
        subtree: true,
        open_only: true,
        ..WorkQuery::default()
    }
}

fn bench_work_list<S: Store>(bencher: divan::Bencher, store: &S) {
    let ctx = Ctx::new(store, &SCOPE, &SETTINGS);
    let q = query();
    assert_eq!(RT.block_on(ctx.work_list(&q)).unwrap().len(), open());
    bencher.bench_local(|| RT.block_on(ctx.work_list(&q)).unwrap());
}

fn bench_cached<S: Store>(bencher: divan::Bencher, store: &S) {
    let ctx = Ctx::new(store, &SCOPE, &SETTINGS);
    let cache = DeskCache::default();
    RT.block_on(ctx.desk(&cache, AGENCY)).unwrap();
    bencher.bench_local(|| RT.block_on(ctx.desk(&cache, AGENCY)).unwrap());
}

fn bench_timelines<S: Store>(bencher: divan::Bencher, store: &S) {
    let ids = RT.block_on(async {
        let agency = store.agency_by_name(AGENCY).await.unwrap().unwrap();
        store.request_ids(&[agency.id], true).await.unwrap()
    });
    bencher.bench_local(|| RT.block_on(store.timelines(&ids)).unwrap());
}

#[divan::bench_group(sample_count = 20)]
mod sqlite {
    use super::*;

    #[divan::bench]
    fn work_list(b: divan::Bencher) {
        bench_work_list(b, &SQLITE.1);
    }
    #[divan::bench]
    fn desk_cached(b: divan::Bencher) {
        bench_cached(b, &SQLITE.1);
    }
    #[divan::bench]
    fn timelines(b: divan::Bencher) {
        bench_timelines(b, &SQLITE.1);
    }
}

#[divan::bench_group(sample_count = 20)]
mod postgres {
    use super::*;

    #[divan::bench]
    fn work_list(b: divan::Bencher) {
        if let Some(pg) = PG.as_ref() {
            bench_work_list(b, &pg.0);
        }
    }
    #[divan::bench]
    fn desk_cached(b: divan::Bencher) {
        if let Some(pg) = PG.as_ref() {
            bench_cached(b, &pg.0);
        }
    }
    #[divan::bench]
    fn timelines(b: divan::Bencher) {
        if let Some(pg) = PG.as_ref() {
            bench_timelines(b, &pg.0);
        }
    }
}
