//! Writes a corpus of published-looking reports for measuring batch work:
//! `cargo run --release -p gongkai-reader --example corpus -- DIR N`.
//!
//! Each report starts from one of the real fixtures (their prose, so sizes are typical), gets
//! its own agency, year and figures (deterministic, so every run writes the same corpus), and is
//! rendered as HTML, Markdown, aligned text, DOCX or canonical JSON in turn; every 50th file is
//! a copy of a real published file (HTML pages, the seed text, the Markdown, the PDFs). Agencies
//! get consecutive years, so the cross-year rules have series to compare.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gongkai_render::Target;
use gongkai_report::template::CellKind;
use gongkai_report::{Report, Value, json};
use rust_decimal::Decimal;
use std::path::PathBuf;

const BASES: &[&str] = &[
    include_str!("../../../fixtures/reports/yanhu-2020.json"),
    include_str!("../../../fixtures/reports/shuyang-fgj-2023.json"),
    include_str!("../../../fixtures/reports/pingtan-2019.json"),
    include_str!("../../../fixtures/reports/shanghai-office-2025.json"),
];

const REAL: &[(&str, &[u8])] = &[
    (
        "html",
        include_bytes!("../../../fixtures/reports/shuyang-fgj-2023.html"),
    ),
    (
        "html",
        include_bytes!("../../../fixtures/reports/pingtan-2019.html"),
    ),
    (
        "txt",
        include_bytes!("../../../fixtures/reports/yanhu-2020.txt"),
    ),
    (
        "md",
        include_bytes!("../../../fixtures/reports/shanghai-office-2025.md"),
    ),
    (
        "pdf",
        include_bytes!("../../../fixtures/reports/huaian-2024.pdf"),
    ),
    (
        "pdf",
        include_bytes!("../../../fixtures/reports/huaian-hongze-2023.pdf"),
    ),
];

const TARGETS: &[(Target, &str)] = &[
    (Target::Html, "html"),
    (Target::Markdown, "md"),
    (Target::Text, "txt"),
    (Target::Docx, "docx"),
    (Target::Json, "json"),
];

/// A small deterministic generator (xorshift), so the corpus is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: corpus DIR N"));
    let n: usize = args
        .next()
        .expect("usage: corpus DIR N")
        .parse()
        .expect("N is a number");
    std::fs::create_dir_all(&dir).unwrap();
    let bases: Vec<Report> = BASES.iter().map(|s| json::from_str(s).unwrap()).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut bytes = 0usize;
    for i in 0..n {
        let path = |ext: &str| dir.join(format!("{:02}/{i:05}.{ext}", i % 97));
        if i % 50 == 49 {
            let (ext, data) = REAL[(i / 50) % REAL.len()];
            let p = path(ext);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, data).unwrap();
            bytes += data.len();
            continue;
        }
        // Five consecutive years per agency, in its base report's format.
        let agency = i / 5;
        let base = &bases[agency % bases.len()];
        let year = base.year + (i % 5) as i32;
        let mut r = Report::blank(base.format, year, format!("第{agency}号样本单位"));
        r.preamble.clone_from(&base.preamble);
        r.sections.clone_from(&base.sections);
        for key in base.cell_keys() {
            let x = rng.next();
            let v = match key.kind() {
                CellKind::Count if x.is_multiple_of(11) => None,
                CellKind::Count => Some(Value::Int((x % 3_000) as i64)),
                CellKind::SignedCount => Some(Value::Int((x % 41) as i64 - 20)),
                CellKind::Money(_) => Some(Value::Money(Decimal::new((x % 10_000_000) as i64, 2))),
            };
            r.set(key, v).unwrap();
        }
        let (target, ext) = TARGETS[i % TARGETS.len()];
        let data = gongkai_render::render(&r, &[], target).unwrap();
        let p = path(ext);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &data).unwrap();
        bytes += data.len();
    }
    eprintln!(
        "{n} files, {:.1} MB, in {}",
        bytes as f64 / 1e6,
        dir.display()
    );
}
