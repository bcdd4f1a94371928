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

/// The seed crawled to one line, cells run together (8 KB): every row is split by the
/// statutory structure (issue 14, class 1).
#[divan::bench]
fn seed_crawled_one_line(b: divan::Bencher) {
    let line: String = String::from_utf8_lossy(SEED_TXT)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    bench_bytes(b, line.as_bytes());
}

/// A crawled table 三 of a large agency, five-digit counts in every cell (the search's worst
/// realistic case): 25 rows of about 35 digits each.
#[divan::bench]
fn crawled_five_digit_table(b: divan::Bencher) {
    let page = five_digit_table_three();
    b.counter(BytesCount::new(page.len()))
        .bench(|| gongkai_reader::read(divan::black_box(page.as_bytes())));
}

/// The same page with table 四 of five-digit figures run together after it (fifteen cells,
/// 77 digits): before the search went group by group, such a run exhausted its budget.
#[divan::bench]
fn crawled_five_digit_tables_three_and_four(b: divan::Bencher) {
    let mut page = five_digit_table_three();
    page.push_str(
        "四、政府信息公开行政复议、行政诉讼情况行政复议结果维持结果纠正其他结果尚未审结总计",
    );
    for g in 0..3u64 {
        let cells: Vec<u64> = (0..4)
            .map(|j| 10_000 + (g * 52_711 + j * 30_011) % 89_999)
            .collect();
        for c in &cells {
            page.push_str(&c.to_string());
        }
        page.push_str(&cells.iter().sum::<u64>().to_string());
    }
    b.counter(BytesCount::new(page.len()))
        .bench(|| gongkai_reader::read(divan::black_box(page.as_bytes())));
}

fn five_digit_table_three() -> String {
    use gongkai_report::template::{Format, t3_row_label, t3_rows};
    let mut page = String::from(
        "某某市人民政府2023年政府信息公开工作年度报告三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计",
    );
    for (i, row) in t3_rows(Format::F2021).into_iter().enumerate() {
        let cells: Vec<u64> = (0..6)
            .map(|j| 10_000 + (i as u64 * 7_919 + j * 104_729) % 89_999)
            .collect();
        page.push_str(t3_row_label(row));
        for c in &cells {
            page.push_str(&c.to_string());
        }
        page.push_str(&cells.iter().sum::<u64>().to_string());
    }
    page
}

/// A crawled page made to exhaust the search: every table 三 row and table 四 a run (found by a
/// random search for the costliest) where a blank marker frees the total, so that the split
/// search runs to its bound on every row. Its time is the bound of any page's search (issue 14:
/// a few milliseconds a report).
#[divan::bench]
fn crawled_search_bound(b: divan::Bencher) {
    use gongkai_report::template::{Format, t3_row_label, t3_rows};
    let mut page = String::from(
        "某某市人民政府2023年政府信息公开工作年度报告三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织商业企业科研机构社会公益组织法律服务机构其他总计",
    );
    for row in t3_rows(Format::F2021) {
        page.push_str(t3_row_label(row));
        page.push_str("9010914514/6804740600416219110023107002");
    }
    page.push_str(
        "四、政府信息公开行政复议、行政诉讼情况行政复议结果维持结果纠正其他结果尚未审结总计",
    );
    page.push_str("22010/008005001800309445006499171/70002800068050000606");
    b.counter(BytesCount::new(page.len()))
        .bench(|| gongkai_reader::read(divan::black_box(page.as_bytes())));
}
