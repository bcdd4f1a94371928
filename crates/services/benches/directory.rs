//! The supervising office's coverage of the standard item directory (`directory_coverage` with
//! `subtree`): a government with 60 units (`GONGKAI_BENCH_UNITS`) whose directories hold 2,000
//! items in all (`GONGKAI_BENCH_ITEMS`, spread evenly), each item published three times in the
//! year but every fifth never and every seventh only once, in May (4,380 linked catalogue
//! documents), on SQLite (a temporary file) and, when `GONGKAI_TEST_POSTGRES_URL` is
//! set, PostgreSQL (a fresh schema, dropped afterwards). What is timed is the whole use case:
//! the tree, the directories, the year's links and the coverage of every unit.
//!
//! Run: `cargo bench -p gongkai-services --bench directory`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use gongkai_catalogue::{IndexNumber, NewDocument, Validity};
use gongkai_directory::StandardItem;
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_store::Store;
use gongkai_store_postgres::PgStore;
use gongkai_store_sqlite::SqliteStore;
use std::sync::LazyLock;
use tokio::runtime::Runtime;

const GOVERNMENT: &str = "某县人民政府";
const YEAR: i32 = 2025;

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
    LazyLock::new(|| Settings::new(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()));

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).map_or(default, |v| v.parse().unwrap())
}

fn units() -> usize {
    env("GONGKAI_BENCH_UNITS", 60)
}

fn items() -> usize {
    env("GONGKAI_BENCH_ITEMS", 2000)
}

async fn seed<S: Store>(store: &S) {
    let ctx = Ctx::new(store, &SCOPE, &SETTINGS);
    ctx.add_agency(GOVERNMENT, None).await.unwrap();
    let grant = SCOPE.installation().unwrap();
    let limits = [
        "每年3月31日前",
        "信息形成或变更之日起20个工作日内",
        "常态化公开",
        "实时",
        "按上级要求",
    ];
    let per_unit = items().div_ceil(units());
    for u in 0..units() {
        let name = format!("某县第{u}局");
        let agency = ctx.add_agency(&name, Some(GOVERNMENT)).await.unwrap().id;
        let list: Vec<StandardItem> = (0..per_unit)
            .map(|i| StandardItem {
                code: format!("U{u}-{i:04}"),
                domain: format!("领域{}", i % 12),
                name: format!("事项{i}"),
                content: "公开内容".into(),
                basis: "《政府信息公开条例》".into(),
                time_limit: limits[i % limits.len()].into(),
                body: name.clone(),
                channels: "政府网站".into(),
            })
            .collect();
        let draft = gongkai_audit::Draft::new(&grant, "bench", "目录");
        store.replace_directory(agency, list, draft).await.unwrap();
        let mut docs = Vec::new();
        for i in (0..per_unit).filter(|i| i % 5 != 0) {
            // Every seventh yearly item only in May; the others in March, June and October.
            let months: &[u32] = if i % 7 == 0 { &[5] } else { &[3, 6, 10] };
            for (k, m) in months.iter().enumerate() {
                let published = NaiveDate::from_ymd_opt(YEAR, *m, 1 + (i % 27) as u32).unwrap();
                docs.push(NewDocument {
                    agency,
                    index_number: IndexNumber::parse(&format!("U{u}/{YEAR}-{i:04}{k}")),
                    title: format!("事项{i}的公开信息{k}"),
                    doc_number: None,
                    written: published.checked_sub_days(chrono::Days::new(10)),
                    published,
                    category: None,
                    item: None,
                    topic: String::new(),
                    genre: "通知".into(),
                    method: "政府网站".into(),
                    scope: "面向社会".into(),
                    validity: Validity::InForce,
                    interprets: None,
                    body_html: String::new(),
                    body_text: String::new(),
                    attachments: Vec::new(),
                    items: vec![format!("U{u}-{i:04}")],
                    channels: Vec::new(),
                });
            }
        }
        let draft = gongkai_audit::Draft::new(&grant, "bench", "目录");
        store.upsert_documents(docs, draft).await.unwrap();
    }
}

static SQLITE: LazyLock<(tempfile::TempDir, SqliteStore)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("directory.db").display());
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
        let schema = format!("gk_directory_{}", std::process::id());
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

fn bench_coverage<S: Store>(bencher: divan::Bencher, store: &S) {
    let ctx = Ctx::new(store, &SCOPE, &SETTINGS);
    let c = RT
        .block_on(ctx.directory_coverage(GOVERNMENT, YEAR, true))
        .unwrap();
    assert_eq!(c.units.len(), units() + 1);
    let total: usize = c.units.iter().map(|u| u.coverage.items.len()).sum();
    assert!(total >= items(), "{total}");
    assert!(c.gaps() > 0);
    bencher.bench_local(|| {
        RT.block_on(ctx.directory_coverage(GOVERNMENT, YEAR, true))
            .unwrap()
    });
}

#[divan::bench_group(sample_count = 10)]
mod sqlite {
    use super::*;

    #[divan::bench]
    fn coverage(b: divan::Bencher) {
        bench_coverage(b, &SQLITE.1);
    }
}

#[divan::bench_group(sample_count = 10)]
mod postgres {
    use super::*;

    #[divan::bench]
    fn coverage(b: divan::Bencher) {
        match PG.as_ref() {
            Some(pg) => bench_coverage(b, &pg.0),
            None => b.bench_local(|| ()),
        }
    }
}
