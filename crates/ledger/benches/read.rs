//! Reading a generated 100,000-row ledger (see `support/generate.rs`) as CSV and as XLSX,
//! through the stream; throughput in rows.
#![allow(clippy::unwrap_used)]

use divan::{Bencher, counter::ItemsCount};
use gongkai_cases::AgencyId;
use gongkai_ledger::{LedgerReader, ReadOptions};

#[path = "support/generate.rs"]
mod generate;

const ROWS: u64 = 100_000;

fn main() {
    divan::main();
}

fn stream(bytes: &[u8], name: &str) -> usize {
    let mut reader =
        LedgerReader::from_bytes(bytes, name, None, AgencyId(1), ReadOptions::default()).unwrap();
    let mut n = 0;
    while let Some(c) = reader.next_chunk() {
        n += c.len();
    }
    reader.finish().unwrap();
    n
}

#[divan::bench(sample_count = 5)]
fn csv_100k(bencher: Bencher) {
    let mut bytes = Vec::new();
    generate::write_csv(&mut bytes, ROWS, false).unwrap();
    bencher
        .counter(ItemsCount::new(ROWS))
        .bench(|| assert_eq!(stream(&bytes, "台账.csv"), 100_000));
}

#[divan::bench(sample_count = 5)]
fn xlsx_100k(bencher: Bencher) {
    let bytes = generate::xlsx(ROWS, false).unwrap();
    bencher
        .counter(ItemsCount::new(ROWS))
        .bench(|| assert_eq!(stream(&bytes, "台账.xlsx"), 100_000));
}
