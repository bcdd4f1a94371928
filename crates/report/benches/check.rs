//! Throughput of reading and checking reports: `cargo bench -p gongkai-report --bench check`.
//! One iteration handles one report, so divan's time per iteration is 1 / (reports per second).
#![allow(clippy::unwrap_used)]

use gongkai_report::{Report, json, rules};

const SEED: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");

fn main() {
    divan::main();
}

fn seed() -> Report {
    json::from_str(SEED).unwrap()
}

#[divan::bench]
fn parse_canonical_json(b: divan::Bencher) {
    b.counter(divan::counter::BytesCount::of_str(SEED))
        .bench(|| json::from_str(divan::black_box(SEED)).unwrap());
}

#[divan::bench]
fn check_r1_to_r10(b: divan::Bencher) {
    let report = seed();
    b.bench(|| rules::check(divan::black_box(&report)));
}

#[divan::bench]
fn write_canonical_json(b: divan::Bencher) {
    let report = seed();
    let findings = rules::check(&report);
    b.bench(|| json::to_string(divan::black_box(&report), Some(&findings)));
}

/// Cross-year rules over n reports (n/10 agencies × 10 years): how the cost grows with the set.
#[divan::bench(args = [100, 1000, 10000])]
fn check_series(b: divan::Bencher, n: usize) {
    let base = seed();
    let reports: Vec<Report> = (0..n)
        .map(|i| {
            let mut r = base.clone();
            r.agency = format!("机关{}", i / 10);
            r.year = 2015 + (i % 10) as i32;
            r
        })
        .collect();
    let refs: Vec<&Report> = reports.iter().collect();
    b.bench(|| rules::check_series(divan::black_box(&refs)));
}
