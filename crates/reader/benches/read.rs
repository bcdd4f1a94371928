//! Throughput of the reader: `cargo bench -p gongkai-reader --bench read`. One iteration reads
//! one report, so divan's time per iteration is 1 / (reports per second); the byte counter
//! gives MB/s.
#![allow(clippy::unwrap_used)]

use divan::counter::{BytesCount, ItemsCount};
use gongkai_render::Target;

const SEED_TXT: &[u8] = include_bytes!("../../../fixtures/reports/yanhu-2020.txt");
const SEED_JSON: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");
const PINGTAN: &[u8] = include_bytes!("../../../fixtures/reports/pingtan-2019.html");
const SHUYANG: &[u8] = include_bytes!("../../../fixtures/reports/shuyang-fgj-2023.html");
const SHANGHAI: &[u8] = include_bytes!("../../../fixtures/reports/shanghai-office-2025.md");

fn main() {
    divan::main();
}

fn rendered(target: Target) -> Vec<u8> {
    let report = gongkai_report::json::from_str(SEED_JSON).unwrap();
    gongkai_render::render(&report, &[], target).unwrap()
}

fn bench_bytes(b: divan::Bencher, bytes: &[u8]) {
    b.counter(BytesCount::new(bytes.len()))
        .counter(ItemsCount::new(1usize))
        .bench(|| gongkai_reader::read(divan::black_box(bytes)).unwrap());
}

/// The seed as copied text (8 KB, one cell per line).
#[divan::bench]
fn seed_text(b: divan::Bencher) {
    bench_bytes(b, SEED_TXT);
}

/// The seed rendered as an HTML page (25 KB).
#[divan::bench]
fn seed_rendered_html(b: divan::Bencher) {
    let html = rendered(Target::Html);
    bench_bytes(b, &html);
}

/// The seed rendered as Markdown.
#[divan::bench]
fn seed_rendered_markdown(b: divan::Bencher) {
    let md = rendered(Target::Markdown);
    bench_bytes(b, &md);
}

/// A CMS page of 111 KB with Word-pasted markup.
#[divan::bench]
fn shuyang_cms_page(b: divan::Bencher) {
    bench_bytes(b, SHUYANG);
}

/// A CMS page of 225 KB, mostly site navigation.
#[divan::bench]
fn pingtan_cms_page(b: divan::Bencher) {
    bench_bytes(b, PINGTAN);
}

/// Broken Markdown converted from a PDF (11 KB).
#[divan::bench]
fn shanghai_markdown(b: divan::Bencher) {
    bench_bytes(b, SHANGHAI);
}
