//! Cost of table 二's register cells: one pass over the entries plus sorting the id lists.
//! A district has a few thousand normative documents; a province's consolidated report a few
//! hundred thousand. The baseline is the bare pass over the same entries (counting only), so
//! the ratio shows what the drill-down lists cost.
#![allow(clippy::unwrap_used)]

use chrono::{Datelike, NaiveDate};
use divan::black_box;
use gongkai_cases::AgencyId;
use gongkai_catalogue::{Category, DocumentId, RegisterEntry, Validity, table2};
use gongkai_report::Format;

fn main() {
    divan::main();
}

/// `n` entries over 2005–2024 from a fixed linear congruential sequence: 70 % normative
/// documents, 10 % regulations, the rest uncategorised; a quarter repealed or expired.
fn entries(n: usize) -> Vec<RegisterEntry> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x >> 33
    };
    let start = NaiveDate::from_ymd_opt(2005, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            let written = start + chrono::Days::new(next() % 7300);
            let published = written + chrono::Days::new(next() % 40);
            let category = match next() % 10 {
                0..=6 => Some(Category::NormativeDocument),
                7 => Some(Category::Regulation),
                _ => None,
            };
            let validity = match next() % 8 {
                0 => Validity::Repealed {
                    on: written + chrono::Days::new(next() % 3000),
                    by: None,
                },
                1 => Validity::Expired {
                    on: written + chrono::Days::new(365 * 2),
                },
                _ => Validity::InForce,
            };
            RegisterEntry {
                id: DocumentId(i as i64 + 1),
                agency: AgencyId((next() % 60) as i64 + 1),
                category,
                written: Some(written),
                published,
                validity,
                interprets: None,
            }
        })
        .collect()
}

#[divan::bench(args = [Format::F2019, Format::F2021])]
fn table2_100k(bencher: divan::Bencher, format: Format) {
    let entries = entries(100_000);
    bencher.bench(|| table2(black_box(&entries), black_box(2021), format));
}

/// The floor: one pass counting the 2021 format's issued cell without lists.
#[divan::bench]
fn count_only_100k(bencher: divan::Bencher) {
    let entries = entries(100_000);
    bencher.bench(|| {
        black_box(&entries)
            .iter()
            .filter(|e| e.category.is_some() && e.issue_date().year() == black_box(2021))
            .count()
    });
}
