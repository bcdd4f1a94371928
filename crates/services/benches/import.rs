//! A ledger (台账) imported end to end, as `gongkai import ledger` does it: a generated
//! 100,000-row CSV or XLSX file streamed through `Ctx::import_ledger` (parsing, the store's checks, the
//! rows, ONE audit entry, the commit) into a fresh SQLite file each time. The README gives the
//! rows/s; the target is ≥ 20,000 rows/s on one core.
//!
//! Run: `cargo bench -p gongkai-services --bench import`. The 1,000,000-row figure of the
//! README is the release binary on a generated file (see the README).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use divan::{Bencher, counter::ItemsCount};
use gongkai_services::ledger::{LedgerFile, LedgerSource};
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_store_sqlite::SqliteStore;

#[path = "../../ledger/benches/support/generate.rs"]
mod generate;

const ROWS: u64 = 100_000;

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn csv_100k_into_sqlite(bencher: Bencher) {
    let mut csv = Vec::new();
    generate::write_csv(&mut csv, ROWS, false).unwrap();
    import(bencher, "台账.csv", &csv);
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn xlsx_100k_into_sqlite(bencher: Bencher) {
    import(bencher, "台账.xlsx", &generate::xlsx(ROWS, false).unwrap());
}

/// Imports the file `name` holding `bytes`, read from disk, into a fresh database each time.
fn import(bencher: Bencher, name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let scope = Scope::operator(Actor::new("bench").unwrap());
    let settings = Settings::new(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    let mut run = 0;
    bencher
        .counter(ItemsCount::new(ROWS))
        .with_inputs(|| {
            run += 1;
            let url = format!("sqlite:{}", dir.path().join(format!("{run}.db")).display());
            let store = runtime.block_on(SqliteStore::open(&url)).unwrap();
            let ctx = Ctx::new(&store, &scope, &settings);
            runtime.block_on(ctx.add_agency("某局", None)).unwrap();
            (store, std::fs::File::open(&path).unwrap())
        })
        .bench_local_values(|(store, file)| {
            let ctx = Ctx::new(&store, &scope, &settings);
            let done = runtime
                .block_on(ctx.import_ledger(
                    "某局",
                    LedgerFile {
                        name,
                        source: LedgerSource::File(file),
                        remedies: None,
                        progress: None,
                    },
                    false,
                ))
                .unwrap();
            assert_eq!(done.summary.created, 100_000);
            store
        });
}
