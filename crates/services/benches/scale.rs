//! Scale: 1,000,000 requests over a district government and 20 subordinate agencies, 2020–2024,
//! on SQLite (a temporary file) and PostgreSQL (a fresh schema, when
//! `GONGKAI_TEST_POSTGRES_URL` is set; dropped afterwards).
//!
//! Each backend's database is built once, lazily, by importing one ledger (台账) per
//! agency-year through `LedgerImport::import` (105 ledgers of ~9,500 requests, each one
//! transaction); the build prints its time and rate on stderr. The benches then measure:
//!
//! - `import_ledger`: one more agency-year ledger (same size, fresh references, an agency
//!   outside the consolidated subtree) into the full database: the import rate at scale;
//! - `report_agency_year`: `services::generate_report` of one agency for one year;
//! - `report_consolidated`: the consolidated report of the government and its 20 agencies for
//!   one year (every request of the year plus those carried over: ~1/5 of the store);
//! - `explain_cell`: `services::explain` of one table 三 cell of one agency-year (the records
//!   behind 予以公开/总计, ~40% of the agency-year's requests).
//!
//! Size: `GONGKAI_BENCH_REQUESTS` (default 1000000); e.g. 100000 for a quick run.
//!
//! Run: `GONGKAI_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p
//! gongkai-services --bench scale`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, Days, NaiveDate};
use gongkai_audit::Draft;
use gongkai_calendar::Event;
use gongkai_cases::{
    AgencyId, ApplicantRecord, Channel, NewRemedy, NewRequest, Outcome, RemedyKind, RemedyResult,
    TimelineEvent,
};
use gongkai_report::{Applicant, CellKey, T3Row, Value};
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_store::{ImportPolicy, Store};
use gongkai_store_postgres::PgStore;
use gongkai_store_sqlite::SqliteStore;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, OnceLock};
use std::time::Instant;
use tokio::runtime::Runtime;

const GOVERNMENT: &str = "某区人民政府";
const SUBORDINATES: [&str; 20] = [
    "某区发展和改革局",
    "某区教育局",
    "某区科学技术局",
    "某区公安分局",
    "某区民政局",
    "某区司法局",
    "某区财政局",
    "某区人力资源和社会保障局",
    "某区规划和自然资源局",
    "某区生态环境局",
    "某区住房和城乡建设局",
    "某区交通运输局",
    "某区水务局",
    "某区农业农村局",
    "某区商务局",
    "某区卫生健康委员会",
    "某区应急管理局",
    "某区市场监督管理局",
    "某区城市管理局",
    "某区某某街道办事处",
];
/// An agency outside the government's subtree that `import_ledger` imports into, so that the
/// repeated imports do not change the reports measured.
const IMPORT_AGENCY: &str = "某市另一机关";
const YEARS: std::ops::RangeInclusive<i32> = 2020..=2024;
/// The agency-year of `report_agency_year` and `explain_cell`, and the year of the
/// consolidated report.
const AGENCY: &str = SUBORDINATES[0];
const YEAR: i32 = 2023;
const CONSOLIDATED_YEAR: i32 = 2024;

fn main() {
    divan::main();
    cleanup();
}

/// The number of requests to generate.
fn requests_total() -> usize {
    std::env::var("GONGKAI_BENCH_REQUESTS")
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(1_000_000)
}

/// Who the benchmark acts as, and its settings: the command line's operator.
static SCOPE: LazyLock<Scope> =
    LazyLock::new(|| Scope::operator(Actor::new("bench").unwrap_or_else(|e| panic!("{e}"))));
static SETTINGS: LazyLock<Settings> =
    LazyLock::new(|| Settings::new(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default()));

fn ctx<S: Store>(store: &S) -> Ctx<'_, S> {
    Ctx::new(store, &SCOPE, &SETTINGS)
}

/// The audit entry of a write of the benchmark.
fn audit(action: &'static str) -> Draft {
    let grant = SCOPE.installation().unwrap_or_else(|e| panic!("{e}"));
    Draft::new(&grant, action, "bench")
}

static RT: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// SplitMix64: a small deterministic generator, enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent`/100 (in tenths of a percent: `permille`).
    fn chance(&mut self, permille: u64) -> bool {
        self.below(1000) < permille
    }

    /// An item by integer weights.
    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total);
        for &(item, w) in items {
            if x < w {
                return item;
            }
            x -= w;
        }
        items[0].0
    }
}

const KINDS: [(Applicant, u64); 6] = [
    (Applicant::NaturalPerson, 850),
    (Applicant::OrgCommercial, 80),
    (Applicant::OrgResearch, 10),
    (Applicant::OrgPublicWelfare, 10),
    (Applicant::OrgLegalService, 40),
    (Applicant::OrgOther, 10),
];

const CHANNELS: [(Channel, u64); 6] = [
    (Channel::Online, 60),
    (Channel::RegisteredPost, 20),
    (Channel::InPerson, 10),
    (Channel::Email, 5),
    (Channel::OrdinaryPost, 3),
    (Channel::Fax, 2),
];

/// Outcomes: about 40% disclosed, 10% partial, 20% not held, the rest spread.
fn outcome(rng: &mut Rng) -> Outcome {
    match rng.below(100) {
        0..40 => Outcome::Disclosed,
        40..50 => Outcome::Partial,
        50..70 => Outcome::NaNotHeld,
        _ => Outcome::ALL[rng.below(Outcome::ALL.len() as u64) as usize],
    }
}

fn event(event: Event, outcome: Option<Outcome>) -> TimelineEvent {
    TimelineEvent {
        event,
        outcome,
        note: String::new(),
    }
}

/// One agency-year ledger: `n` requests received in `year` (about 3% still open on
/// 31 December: decided the next January, or open if `year` is the last one) and about one
/// reconsideration or litigation case per 100 requests. `prefix` makes references unique.
fn ledger(
    agency: AgencyId,
    year: i32,
    n: usize,
    prefix: &str,
    seed: u64,
) -> (Vec<(NewRequest, Vec<TimelineEvent>)>, Vec<NewRemedy>) {
    let mut rng = Rng(seed);
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
    let days = dec31.ordinal() as u64;
    let last_year = *YEARS.end();
    let mut requests = Vec::with_capacity(n);
    let mut remedies = Vec::new();
    for i in 0..n {
        let reference = format!("{prefix}{year}-{i:06}");
        let carried = rng.chance(30);
        let (received, decided) = if carried {
            let received = dec31 - Days::new(rng.below(40));
            let decided = (year < last_year).then(|| dec31 + Days::new(1 + rng.below(30)));
            (received, decided)
        } else {
            let received = jan1 + Days::new(rng.below(days));
            (
                received,
                Some((received + Days::new(1 + rng.below(20))).min(dec31)),
            )
        };
        let kind = rng.weighted(&KINDS);
        let mut applicants = vec![ApplicantRecord {
            name: format!("申请人{}", rng.below(100_000)),
            kind,
        }];
        if rng.chance(50) {
            applicants.push(ApplicantRecord {
                name: format!("共同申请人{}", rng.below(100_000)),
                kind: Applicant::NaturalPerson,
            });
        }
        let mut events = vec![event(Event::Received(received), None)];
        let decided = decided.map(|d| (d, outcome(&mut rng)));
        if let Some((d, o)) = decided {
            if rng.chance(80) && d > received + Days::new(2) {
                events.push(event(
                    Event::ExtensionApproved(received + Days::new(1)),
                    None,
                ));
            }
            events.push(event(Event::Decided(d), Some(o)));
            if rng.chance(10) {
                let kind = rng.weighted(&[
                    (RemedyKind::Reconsideration, 70),
                    (RemedyKind::LitigationDirect, 20),
                    (RemedyKind::LitigationAfterReconsideration, 10),
                ]);
                let filed = d + Days::new(5 + rng.below(55));
                let closed = rng.chance(750).then(|| {
                    let result = rng.weighted(&[
                        (RemedyResult::Upheld, 70),
                        (RemedyResult::Corrected, 15),
                        (RemedyResult::Other, 15),
                    ]);
                    (filed + Days::new(30 + rng.below(150)), result)
                });
                remedies.push(NewRemedy {
                    agency,
                    reference: format!("{prefix}复{year}-{i:06}"),
                    requests: vec![reference.clone()],
                    kind,
                    received: filed,
                    closed,
                });
            }
        }
        requests.push((
            NewRequest {
                agency,
                reference,
                applicants,
                channel: rng.weighted(&CHANNELS),
                received,
                description: format!("申请公开{year}年度某项目的审批文件及相关材料（第{i}项）"),
                requested_form: "电子邮件".to_owned(),
                contact: Default::default(),
            },
            events,
        ));
    }
    (requests, remedies)
}

/// Requests per agency-year ledger.
fn per_ledger() -> usize {
    let ledgers = (SUBORDINATES.len() + 1) * YEARS.count();
    requests_total().div_ceil(ledgers)
}

/// Creates the agencies and imports every agency-year ledger, in year order; prints the time.
async fn populate<S: Store>(store: &S, backend: &str) {
    let government = store
        .create_agency(GOVERNMENT, None, audit("agency.add"))
        .await
        .unwrap()
        .id;
    let mut agencies = vec![government];
    for name in SUBORDINATES {
        agencies.push(
            store
                .create_agency(name, Some(government), audit("agency.add"))
                .await
                .unwrap()
                .id,
        );
    }
    store
        .create_agency(IMPORT_AGENCY, None, audit("agency.add"))
        .await
        .unwrap();
    let n = per_ledger();
    let (mut requests, mut remedies, mut generating) = (0usize, 0usize, 0.0f64);
    let start = Instant::now();
    for year in YEARS {
        for &agency in &agencies {
            let t = Instant::now();
            let (reqs, rems) = ledger(agency, year, n, "", (agency.0 as u64) << 16 | year as u64);
            generating += t.elapsed().as_secs_f64();
            requests += reqs.len();
            remedies += rems.len();
            let report = store
                .import(reqs, rems, ImportPolicy::default(), audit("ledger.import"))
                .await
                .unwrap();
            assert_eq!(report.summary.created, n);
        }
    }
    let secs = start.elapsed().as_secs_f64() - generating;
    eprintln!(
        "[{backend}] imported {requests} requests and {remedies} remedy cases in {} ledgers: \
         {secs:.1} s of import ({:.0} requests/s; generating the data took {generating:.1} s more)",
        agencies.len() * YEARS.count(),
        requests as f64 / secs,
    );
}

/// A populated store and what it takes to tidy it away.
struct Fixture<S> {
    store: S,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Schema { url: String, schema: String },
}

static SQLITE: OnceLock<Fixture<SqliteStore>> = OnceLock::new();
static POSTGRES: OnceLock<Option<Fixture<PgStore>>> = OnceLock::new();

fn sqlite() -> &'static SqliteStore {
    &SQLITE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap().keep();
            let url = format!("sqlite:{}", dir.join("scale.db").display());
            let store = RT.block_on(async {
                let store = SqliteStore::open(&url).await.unwrap();
                populate(&store, "sqlite").await;
                store
            });
            Fixture {
                store,
                cleanup: Cleanup::Dir(dir),
            }
        })
        .store
}

fn postgres() -> Option<&'static PgStore> {
    POSTGRES
        .get_or_init(|| {
            let url = std::env::var("GONGKAI_TEST_POSTGRES_URL")
                .ok()
                .filter(|u| !u.is_empty());
            let Some(url) = url else {
                eprintln!("[postgres] skipped: GONGKAI_TEST_POSTGRES_URL not set");
                return None;
            };
            let schema = format!("gk_bench_{}", std::process::id());
            let store = RT.block_on(async {
                let admin = sqlx::PgPool::connect(&url).await.unwrap();
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin)
                    .await
                    .unwrap();
                let store = PgStore::connect_schema(&url, &schema).await.unwrap();
                populate(&store, "postgres").await;
                // What autovacuum does after a bulk load, done now so that the figures do not
                // depend on when it runs: statistics and the visibility map (index-only scans).
                let t = Instant::now();
                for table in ["requests", "applicants", "events", "remedies"] {
                    sqlx::query(&format!("VACUUM ANALYZE {schema}.{table}"))
                        .execute(&admin)
                        .await
                        .unwrap();
                }
                eprintln!(
                    "[postgres] VACUUM ANALYZE after the load: {:.1} s",
                    t.elapsed().as_secs_f64()
                );
                admin.close().await;
                store
            });
            Some(Fixture {
                store,
                cleanup: Cleanup::Schema { url, schema },
            })
        })
        .as_ref()
        .map(|f| &f.store)
}

/// Removes the SQLite file and drops the PostgreSQL schema, if they were built (kept, and
/// named, when `GONGKAI_BENCH_KEEP` is set: for `EXPLAIN` by hand).
fn cleanup() {
    if std::env::var_os("GONGKAI_BENCH_KEEP").is_some() {
        for cleanup in [
            SQLITE.get().map(|f| &f.cleanup),
            POSTGRES.get().and_then(Option::as_ref).map(|f| &f.cleanup),
        ]
        .into_iter()
        .flatten()
        {
            match cleanup {
                Cleanup::Dir(dir) => eprintln!("kept {}", dir.display()),
                Cleanup::Schema { schema, .. } => eprintln!("kept schema {schema}"),
            }
        }
        return;
    }
    let sqlite = SQLITE.get().map(|f| (f.store.clone(), &f.cleanup));
    let pg = POSTGRES
        .get()
        .and_then(Option::as_ref)
        .map(|f| (f.store.clone(), &f.cleanup));
    RT.block_on(async {
        if let Some((store, _)) = &sqlite {
            store.close().await;
        }
        if let Some((store, _)) = &pg {
            store.close().await;
        }
        for cleanup in [sqlite.map(|s| s.1), pg.map(|p| p.1)].into_iter().flatten() {
            match cleanup {
                Cleanup::Dir(dir) => {
                    std::fs::remove_dir_all(dir).ok();
                }
                Cleanup::Schema { url, schema } => {
                    let admin = sqlx::PgPool::connect(url).await.unwrap();
                    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                        .execute(&admin)
                        .await
                        .unwrap();
                    admin.close().await;
                }
            }
        }
    });
}

static IMPORTS: AtomicU64 = AtomicU64::new(0);

/// One agency-year ledger with references not used before.
fn fresh_ledger(agency: AgencyId) -> (Vec<(NewRequest, Vec<TimelineEvent>)>, Vec<NewRemedy>) {
    let k = IMPORTS.fetch_add(1, Ordering::Relaxed);
    ledger(agency, YEAR, per_ledger(), &format!("I{k}-"), 0xABCD + k)
}

fn bench_import<S: Store>(bencher: divan::Bencher, store: &S) {
    let agency = RT
        .block_on(store.agency_by_name(IMPORT_AGENCY))
        .unwrap()
        .unwrap()
        .id;
    bencher
        .counter(divan::counter::ItemsCount::new(per_ledger()))
        .with_inputs(|| fresh_ledger(agency))
        .bench_local_values(|(reqs, rems)| {
            RT.block_on(store.import(reqs, rems, ImportPolicy::default(), audit("ledger.import")))
                .unwrap()
        });
}

fn bench_report<S: Store>(bencher: divan::Bencher, store: &S, name: &str, year: i32, all: bool) {
    let report = RT
        .block_on(ctx(store).generate_report(name, year, all))
        .unwrap()
        .report;
    let received = report.get(CellKey::T3(T3Row::NewReceived, Applicant::Total));
    eprintln!(
        "({name} {year}{}: 新收 {received:?})",
        if all { " consolidated" } else { "" }
    );
    assert!(matches!(received, Some(Value::Int(n)) if n > 0));
    bencher.bench_local(|| {
        RT.block_on(ctx(store).generate_report(name, year, all))
            .unwrap()
    });
}

fn bench_explain<S: Store>(bencher: divan::Bencher, store: &S) {
    let cell = CellKey::T3(T3Row::RDisclosed, Applicant::Total);
    let rows = RT
        .block_on(ctx(store).explain(AGENCY, YEAR, cell, false))
        .unwrap();
    eprintln!("(explain {cell}: {} records)", rows.len());
    bencher.counter(rows.len()).bench_local(|| {
        RT.block_on(ctx(store).explain(AGENCY, YEAR, cell, false))
            .unwrap()
    });
}

#[divan::bench_group(sample_count = 5, sample_size = 1)]
mod sqlite {
    use super::*;

    #[divan::bench]
    fn import_ledger(bencher: divan::Bencher) {
        bench_import(bencher, sqlite());
    }

    #[divan::bench]
    fn report_agency_year(bencher: divan::Bencher) {
        bench_report(bencher, sqlite(), AGENCY, YEAR, false);
    }

    #[divan::bench]
    fn report_consolidated(bencher: divan::Bencher) {
        bench_report(bencher, sqlite(), GOVERNMENT, CONSOLIDATED_YEAR, true);
    }

    #[divan::bench]
    fn explain_cell(bencher: divan::Bencher) {
        bench_explain(bencher, sqlite());
    }
}

#[divan::bench_group(sample_count = 5, sample_size = 1)]
mod postgres {
    use super::*;

    #[divan::bench]
    fn import_ledger(bencher: divan::Bencher) {
        match postgres() {
            Some(store) => bench_import(bencher, store),
            None => bencher.bench(|| ()),
        }
    }

    #[divan::bench]
    fn report_agency_year(bencher: divan::Bencher) {
        match postgres() {
            Some(store) => bench_report(bencher, store, AGENCY, YEAR, false),
            None => bencher.bench(|| ()),
        }
    }

    #[divan::bench]
    fn report_consolidated(bencher: divan::Bencher) {
        match postgres() {
            Some(store) => bench_report(bencher, store, GOVERNMENT, CONSOLIDATED_YEAR, true),
            None => bencher.bench(|| ()),
        }
    }

    #[divan::bench]
    fn explain_cell(bencher: divan::Bencher) {
        match postgres() {
            Some(store) => bench_explain(bencher, store),
            None => bencher.bench(|| ()),
        }
    }
}
