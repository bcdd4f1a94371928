//! Cost of tables 三/四 of one year over many requests. `tables()` walks the facts once and
//! counts into a fixed array of cells, so time grows linearly: compare the 100k and 1M rows
//! (expect ×10), and the per-fact baseline `cells_only` (the classification alone, no counting).
//!
//! Measured (release, shared 2-core machine, median of 10): `tables_one_year` 100k 2.35 ms,
//! 1M 23.7 ms (×10.1: linear, ~24 ns per request); `cells_only` 100k 2.33 ms, 1M 24.6 ms, so
//! the counting itself costs next to nothing beyond classifying each request.
#![allow(clippy::unwrap_used)]

use chrono::{Days, NaiveDate};
use divan::black_box;
use gongkai_cases::tables::{self, CaseFacts, RemedyFacts};
use gongkai_cases::{AgencyId, Outcome, RemedyId, RemedyKind, RemedyResult, RequestId};
use gongkai_report::{Applicant, Format};

fn main() {
    divan::main();
}

/// A deterministic spread of requests over 2019–2025 (a simple LCG, no RNG dependency).
fn facts(n: usize) -> Vec<CaseFacts> {
    let base = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |m: u64| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) % m
    };
    (0..n)
        .map(|i| {
            let received = base + Days::new(next(7 * 365));
            let decided = (next(10) < 8).then(|| {
                (
                    received + Days::new(next(60)),
                    Outcome::ALL[next(Outcome::ALL.len() as u64) as usize],
                )
            });
            CaseFacts {
                id: RequestId(i as i64),
                agency: AgencyId(next(60) as i64),
                kind: Applicant::KINDS[next(6) as usize],
                received,
                decided,
            }
        })
        .collect()
}

fn remedies(n: usize) -> Vec<RemedyFacts> {
    let base = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    (0..n)
        .map(|i| RemedyFacts {
            id: RemedyId(i as i64),
            agency: AgencyId(1),
            reference: format!("复{i}"),
            kind: [
                RemedyKind::Reconsideration,
                RemedyKind::LitigationDirect,
                RemedyKind::LitigationAfterReconsideration,
            ][i % 3],
            received: base + Days::new((i * 37 % 2500) as u64),
            closed: (i % 4 != 0).then(|| {
                (
                    base + Days::new((i * 37 % 2500 + 90) as u64),
                    RemedyResult::Upheld,
                )
            }),
        })
        .collect()
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 10)]
fn tables_one_year(bencher: divan::Bencher, n: usize) {
    let f = facts(n);
    let r = remedies(n / 100);
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| tables::tables(black_box(&f), black_box(&r), black_box(2023), Format::F2021));
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 10)]
fn cells_only(bencher: divan::Bencher, n: usize) {
    let f = facts(n);
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| {
            black_box(&f)
                .iter()
                .map(|x| tables::cells(x, 2023, Format::F2021).count())
                .sum::<usize>()
        });
}
