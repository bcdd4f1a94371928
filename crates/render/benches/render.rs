//! Render throughput per format: `cargo bench -p gongkai-render --bench render`. One iteration
//! renders the seed report once, so the time per iteration is 1 / (reports per second).
#![allow(clippy::unwrap_used)]

use gongkai_render::{Target, render};
use gongkai_report::{json, rules};

const SEED: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");

fn main() {
    divan::main();
}

#[divan::bench(args = ["html", "docx", "xlsx", "md", "txt", "csv", "json"])]
fn render_seed(b: divan::Bencher, target: &str) {
    let report = json::from_str(SEED).unwrap();
    let findings = rules::check(&report);
    let target: Target = target.parse().unwrap();
    b.bench(|| render(divan::black_box(&report), &findings, target).unwrap());
}
