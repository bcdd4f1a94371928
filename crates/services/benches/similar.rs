//! Duplicates at registration: the other requests like one (the same applicant's, and the
//! near-identical ones of others by their jieba words) among 100,000 earlier requests
//! (`GONGKAI_BENCH_REQUESTS`), on SQLite (a temporary file) and, when
//! `GONGKAI_TEST_POSTGRES_URL` is set, PostgreSQL (a fresh schema, dropped afterwards). The
//! requests are imported as a ledger (which indexes their words); one in ten rewords an earlier
//! one, and applicants come back now and then.
//!
//! - `similar_requests`: what the request page and `listSimilarRequests` compute for one
//!   request (the look-up is done for a different request each time);
//! - `near_identical`: the word index's look-up alone.
//!
//! Run: `cargo bench -p gongkai-services --bench similar`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gongkai_cases::RequestId;
use gongkai_services::ledger::LedgerFile;
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_store::Store;
use gongkai_store_postgres::PgStore;
use gongkai_store_sqlite::SqliteStore;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::runtime::Runtime;

const AGENCY: &str = "某市人民政府办公室";

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

fn requests() -> usize {
    std::env::var("GONGKAI_BENCH_REQUESTS").map_or(100_000, |v| v.parse().unwrap())
}

/// The description of request `i`: a place, a village or road, a year and a subject, a 文号 now
/// and then; every tenth rewords the one before it.
fn description(i: usize) -> String {
    const PLACES: [&str; 12] = [
        "城关镇",
        "河口镇",
        "新集乡",
        "王营镇",
        "马坝镇",
        "高良涧街道",
        "黄集街道",
        "老子山镇",
        "蒋坝镇",
        "岔河镇",
        "西顺河镇",
        "淮河镇",
    ];
    const SUBJECTS: [&str; 16] = [
        "土地征收补偿安置方案",
        "农村危房改造补助名单",
        "财政预算执行情况",
        "房屋拆迁评估报告",
        "建设工程规划许可证",
        "环境影响评价批复",
        "道路改造工程立项批复",
        "最低生活保障对象名单",
        "招商引资合同",
        "河道整治工程验收报告",
        "集体土地所有权登记",
        "项目招标投标文件",
        "征地听证笔录",
        "学校新建工程可行性研究报告",
        "养殖场关停补偿标准",
        "高标准农田建设资金使用情况",
    ];
    const SYLLABLES: [&str; 24] = [
        "东", "西", "南", "北", "前", "后", "新", "老", "大", "小", "王", "李", "张", "刘", "陈",
        "杨", "黄", "周", "吴", "徐", "孙", "朱", "马", "胡",
    ];
    let named = |k: usize| {
        format!(
            "{}{}{}",
            SYLLABLES[k % 24],
            SYLLABLES[(k / 24) % 24],
            if k.is_multiple_of(2) { "村" } else { "路" }
        )
    };
    let base = |j: usize| {
        let place = PLACES[(j * 7) % PLACES.len()];
        let subject = SUBJECTS[(j / 3) % SUBJECTS.len()];
        let year = 2015 + (j * 13) % 11;
        (place, named(j * 31 % 576), year, subject)
    };
    if i % 10 == 9 {
        let (place, name, year, subject) = base(i - 1);
        format!("请提供{place}{name}{year}年{subject}全文")
    } else {
        let (place, name, year, subject) = base(i);
        let number = if i.is_multiple_of(3) {
            format!("（政发〔{year}〕{}号）", i % 97 + 1)
        } else {
            String::new()
        };
        format!("申请公开{place}{name}{year}年{subject}{number}")
    }
}

/// A ledger of `n` answered requests; applicant `i % 40,000` comes back.
fn ledger(n: usize) -> Vec<u8> {
    let mut csv = String::from(
        "受理编号,申请人姓名或名称,申请人类型,申请方式,收到日期,申请内容,办理结果,答复日期\n",
    );
    for i in 0..n {
        let received = chrono::NaiveDate::from_ymd_opt(2020, 1, 2).unwrap()
            + chrono::Days::new((i % 1800) as u64);
        let decided = received + chrono::Days::new(10);
        let who = i % 40_000;
        csv.push_str(&format!(
            "S-{i:06},申请人{who},自然人,网上,{received},{},予以公开,{decided}\n",
            description(i)
        ));
    }
    csv.into_bytes()
}

async fn seed<S: Store>(store: &S) {
    let ctx = Ctx::new(store, &SCOPE, &SETTINGS);
    ctx.add_agency(AGENCY, None).await.unwrap();
    let bytes = ledger(requests());
    ctx.import_ledger(AGENCY, LedgerFile::bytes("s.csv", &bytes), false)
        .await
        .unwrap();
    // Every request's words are indexed by the import.
    assert_eq!(ctx.index_words().await.unwrap(), 0);
}

/// A ledger gives no identity numbers: the returning applicants get theirs here, behind the
/// store's back (the same number for the same applicant).
const ID_NUMBERS: &str =
    "UPDATE {t}requests SET id_kind = '居民身份证', id_number = 'B' || (id % 40000)";

static SQLITE: LazyLock<(tempfile::TempDir, SqliteStore)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("similar.db").display());
    let store = RT.block_on(async {
        let store = SqliteStore::open(&url).await.unwrap();
        seed(&store).await;
        let raw = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query(&ID_NUMBERS.replace("{t}", ""))
            .execute(&raw)
            .await
            .unwrap();
        raw.close().await;
        store
    });
    (dir, store)
});

static PG: LazyLock<Option<(PgStore, String, sqlx::PgPool)>> = LazyLock::new(|| {
    let url = std::env::var("GONGKAI_TEST_POSTGRES_URL").ok()?;
    RT.block_on(async {
        let schema = format!("gk_similar_{}", std::process::id());
        let admin = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let store = PgStore::connect_schema(&url, &schema).await.unwrap();
        seed(&store).await;
        sqlx::query(&ID_NUMBERS.replace("{t}", &format!("{schema}.")))
            .execute(&admin)
            .await
            .unwrap();
        // The 100,000 requests were written a moment ago: VACUUM ANALYZE does at once what
        // autovacuum does to the table over the years they would take to arrive (statistics
        // and the visibility map that lets the postings be read from the index alone).
        // `GONGKAI_BENCH_NO_VACUUM` measures the table as just written.
        if std::env::var_os("GONGKAI_BENCH_NO_VACUUM").is_none() {
            sqlx::query(&format!(
                "VACUUM ANALYZE {schema}.request_words, {schema}.requests"
            ))
            .execute(&admin)
            .await
            .unwrap();
        }
        Some((store, schema, admin))
    })
});

/// The ids of the requests looked up in turn: the newest thousand.
fn looked_up<S: Store>(store: &S) -> Vec<RequestId> {
    RT.block_on(async {
        let agency = store.agency_by_name(AGENCY).await.unwrap().unwrap();
        let ids = store.request_ids(&[agency.id], false).await.unwrap();
        ids[ids.len() - 1000..].to_vec()
    })
}

fn bench_similar<S: Store>(bencher: divan::Bencher, store: &S) {
    let ctx = Ctx::new(store, &SCOPE, &SETTINGS);
    let ids = looked_up(store);
    // A reworded request finds the one it rewords.
    let found = RT
        .block_on(ctx.similar_requests(ids[ids.len() - 1]))
        .unwrap();
    assert!(!found.near.is_empty() && !found.same_applicant.is_empty());
    let next = AtomicUsize::new(0);
    bencher.bench_local(|| {
        let id = ids[next.fetch_add(1, Ordering::Relaxed) % ids.len()];
        RT.block_on(ctx.similar_requests(id)).unwrap()
    });
}

fn bench_near<S: Store>(bencher: divan::Bencher, store: &S) {
    let ctx = Ctx::new(store, &SCOPE, &SETTINGS);
    let next = AtomicUsize::new(0);
    bencher.bench_local(|| {
        let i = next.fetch_add(1, Ordering::Relaxed) % 1000;
        RT.block_on(ctx.near_identical(&description(i * 97), RequestId(0)))
            .unwrap()
    });
}

#[divan::bench_group(sample_count = 50)]
mod sqlite {
    use super::*;

    #[divan::bench]
    fn similar_requests(b: divan::Bencher) {
        bench_similar(b, &SQLITE.1);
    }
    #[divan::bench]
    fn near_identical(b: divan::Bencher) {
        bench_near(b, &SQLITE.1);
    }
}

#[divan::bench_group(sample_count = 50)]
mod postgres {
    use super::*;

    #[divan::bench]
    fn similar_requests(b: divan::Bencher) {
        if let Some(pg) = PG.as_ref() {
            bench_similar(b, &pg.0);
        }
    }
    #[divan::bench]
    fn near_identical(b: divan::Bencher) {
        if let Some(pg) = PG.as_ref() {
            bench_near(b, &pg.0);
        }
    }
}
