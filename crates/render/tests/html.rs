//! The HTML page: every figure is recoverable from its `data-cell`, and — read back the way a
//! browser lays the table out from `rowspan`/`colspan` — sits in the row of its label and under
//! its column headers, for both formats.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate};
use gongkai_render::{DocumentMeta, Target, cell_text, render, render_with, title};
use gongkai_report::layout::TableId;
use gongkai_report::template::{self, CellKind, Format, MoneyUnit};
use gongkai_report::{CellKey, Report, Section, T4Col, Value, json};
use proptest::prelude::*;
use scraper::{ElementRef, Html, Selector};
use std::collections::HashMap;

fn seed() -> Report {
    json::from_str(include_str!("../../../fixtures/reports/yanhu-2020.json"))
        .expect("the seed report is valid canonical JSON")
}

fn html_of(report: &Report) -> String {
    let bytes = render(report, &[], Target::Html).expect("HTML cannot fail");
    String::from_utf8(bytes).expect("HTML is UTF-8")
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("valid selector")
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect()
}

/// A 2021 report with every figure set to a distinct number, so that a figure in the wrong
/// slot cannot go unnoticed.
fn distinct_2021() -> Report {
    let mut report = Report::blank(Format::F2021, 2022, "某县人民政府办公室");
    for (i, key) in template::cells(Format::F2021).into_iter().enumerate() {
        let value = match key.kind() {
            // Money can only be built from its decimal text, through canonical JSON.
            CellKind::Money(_) => None,
            _ => Some(Value::Int(1000 + i as i64)),
        };
        report.set(key, value).expect("a cell of the format");
    }
    report
}

/// One `<th>`/`<td>` of a table as read from the page.
#[derive(Debug)]
struct HtmlCell {
    header: bool,
    text: String,
    class: Option<String>,
    data_cell: Option<String>,
    rowspan: usize,
    colspan: usize,
}

/// A table laid out as a browser does (HTML table model): each cell takes the next free slot
/// of its row and covers `rowspan × colspan` slots.
#[derive(Debug)]
struct VisualTable {
    cells: Vec<HtmlCell>,
    /// `slots[row][col]`: index into `cells`.
    slots: Vec<Vec<Option<usize>>>,
    /// The rows of `<thead>`.
    head_rows: usize,
}

impl VisualTable {
    fn read(table: ElementRef<'_>) -> VisualTable {
        let span = |e: ElementRef<'_>, name: &str| {
            e.attr(name)
                .map_or(1, |v| v.parse::<usize>().expect("numeric span"))
        };
        let mut cells = Vec::new();
        let mut slots: Vec<Vec<Option<usize>>> = Vec::new();
        for (r, tr) in table.select(&selector("tr")).enumerate() {
            let mut c = 0;
            for e in tr.child_elements() {
                let (rowspan, colspan) = (span(e, "rowspan"), span(e, "colspan"));
                if slots.len() < r + rowspan {
                    slots.resize(r + rowspan, Vec::new());
                }
                while slots[r].get(c).copied().flatten().is_some() {
                    c += 1;
                }
                for row in &mut slots[r..r + rowspan] {
                    if row.len() < c + colspan {
                        row.resize(c + colspan, None);
                    }
                    for slot in &mut row[c..c + colspan] {
                        assert!(slot.is_none(), "overlapping cells at row {r}");
                        *slot = Some(cells.len());
                    }
                }
                cells.push(HtmlCell {
                    header: e.value().name() == "th",
                    text: text(e),
                    class: e.attr("class").map(str::to_owned),
                    data_cell: e.attr("data-cell").map(str::to_owned),
                    rowspan,
                    colspan,
                });
                c += colspan;
            }
        }
        let head_rows = table.select(&selector("thead > tr")).count();
        VisualTable {
            cells,
            slots,
            head_rows,
        }
    }

    fn columns(&self) -> usize {
        self.slots.iter().map(Vec::len).max().unwrap_or(0)
    }

    fn at(&self, row: usize, col: usize) -> Option<&HtmlCell> {
        self.slots
            .get(row)?
            .get(col)
            .copied()
            .flatten()
            .map(|i| &self.cells[i])
    }

    /// Where the cell with `data-cell = key` sits.
    fn position(&self, key: &str) -> Option<(usize, usize)> {
        (0..self.slots.len()).find_map(|r| {
            (0..self.columns()).find_map(|c| {
                let cell = self.at(r, c)?;
                (cell.data_cell.as_deref() == Some(key)).then_some((r, c))
            })
        })
    }

    /// The distinct texts of the header cells covering column `col` in rows `rows`.
    fn column_headers(&self, rows: std::ops::Range<usize>, col: usize) -> Vec<&str> {
        let mut texts: Vec<&str> = Vec::new();
        for r in rows {
            if let Some(cell) = self.at(r, col).filter(|c| c.header)
                && texts.last() != Some(&cell.text.as_str())
            {
                texts.push(&cell.text);
            }
        }
        texts
    }

    /// The distinct texts of the header cells covering row `row` left of column `col`.
    fn row_headers(&self, row: usize, col: usize) -> Vec<&str> {
        let mut texts: Vec<&str> = Vec::new();
        for c in 0..col {
            if let Some(cell) = self.at(row, c).filter(|c| c.header)
                && texts.last() != Some(&cell.text.as_str())
            {
                texts.push(&cell.text);
            }
        }
        texts
    }

    /// The figure in the row labelled `row_label` and the column headed `col_header`, taking
    /// the header nearest above the row (table 二 repeats its header row in every block).
    fn figure(&self, row_label: &str, col_header: &str) -> &HtmlCell {
        let r = (0..self.slots.len())
            .find(|&r| self.row_headers(r, self.columns()).contains(&row_label))
            .unwrap_or_else(|| panic!("no row labelled {row_label}"));
        let c = (0..self.columns())
            .filter_map(|c| {
                (0..r)
                    .rev()
                    .find(|&h| {
                        self.at(h, c)
                            .is_some_and(|x| x.header && x.text == col_header)
                    })
                    .map(|h| (h, c))
            })
            .max()
            .map(|(_, c)| c)
            .unwrap_or_else(|| panic!("no column headed {col_header} above {row_label}"));
        let cell = self.at(r, c).expect("a cell at the crossing");
        assert!(
            !cell.header,
            "{row_label} × {col_header} is a header: {cell:?}"
        );
        cell
    }
}

/// The page's tables by class (`t2`, `t3`, `t4`).
fn tables(doc: &Html) -> HashMap<String, VisualTable> {
    doc.select(&selector("table"))
        .map(|t| {
            let class = t.attr("class").expect("tables carry their id").to_owned();
            (class, VisualTable::read(t))
        })
        .collect()
}

/// The figures of the page by `data-cell`, each key present exactly once.
fn figures(doc: &Html) -> HashMap<String, String> {
    let mut figures = HashMap::new();
    for td in doc.select(&selector("td[data-cell]")) {
        let key = td.attr("data-cell").expect("selected by it").to_owned();
        assert!(
            figures.insert(key.clone(), text(td)).is_none(),
            "{key} twice"
        );
    }
    figures
}

#[test]
fn seed_html_snapshot() {
    insta::assert_snapshot!("seed_html", html_of(&seed()));
}

#[test]
fn every_cell_of_the_seed_is_in_its_data_cell() {
    let report = seed();
    let figures = figures(&Html::parse_document(&html_of(&report)));
    assert_eq!(figures.len(), report.cells().len());
    for (key, value) in report.cells() {
        assert_eq!(
            figures.get(&key.to_string()),
            Some(&cell_text(key, value)),
            "{key}"
        );
    }
}

/// Sample figures of the seed, found as a reader finds them: by row label and column header
/// in the laid-out table (values from fixtures/reports/yanhu-2020.txt).
#[test]
fn seed_figures_sit_at_their_labels() {
    let doc = Html::parse_document(&html_of(&seed()));
    let tables = tables(&doc);
    let t2 = &tables["t2"];
    let t3 = &tables["t3"];
    let cases = [
        (
            t3,
            "一、本年新收政府信息公开申请数量",
            "自然人",
            "2",
            "t3.new_received.natural_person",
        ),
        (
            t3,
            "一、本年新收政府信息公开申请数量",
            "总计",
            "2",
            "t3.new_received.total",
        ),
        (
            t3,
            "（一）予以公开",
            "商业企业",
            "0",
            "t3.r_disclosed.org_commercial",
        ),
        (t3, "（七）总计", "自然人", "2", "t3.r_total.natural_person"),
        (
            t3,
            "3.危及“三安全一稳定”",
            "其他",
            "0",
            "t3.nd_security_stability.org_other",
        ),
        (
            t2,
            "规范性文件",
            "对外公开总数量",
            "10",
            "t2.normative_docs.published_total",
        ),
        (
            t2,
            "行政许可",
            "本年增/减",
            "-4",
            "t2.admin_licensing.items_change",
        ),
        (
            t2,
            "行政许可",
            "处理决定数量",
            "45241",
            "t2.admin_licensing.decisions",
        ),
        (
            t2,
            "其他对外管理服务事项",
            "上一年项目数量",
            "52",
            "t2.other_external_services.items_prev_year",
        ),
        (
            t2,
            "政府集中采购",
            "采购总金额",
            // Stored in 元, printed in 万元 as agencies print it.
            "33633789.63万元",
            "t2.central_procurement.procurement_amount",
        ),
    ];
    for (table, row, col, figure, key) in cases {
        let cell = table.figure(row, col);
        assert_eq!(
            (cell.text.as_str(), cell.data_cell.as_deref()),
            (figure, Some(key)),
            "{row} × {col}"
        );
    }
    // The group labels cover the rows of their items.
    let (r, c) = t3
        .position("t3.nd_state_secret.total")
        .expect("nd_state_secret");
    assert_eq!(
        t3.row_headers(r, c),
        ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    );
    // Table 四: the one 1 of the seed is 行政复议 · 其他结果, and its total.
    let t4 = &tables["t4"];
    let under = |headers: &[&str]| {
        let c = (0..t4.columns())
            .find(|&c| t4.column_headers(0..t4.head_rows, c) == headers)
            .unwrap_or_else(|| panic!("no column {headers:?}"));
        t4.at(t4.head_rows, c).expect("data row")
    };
    let other = under(&["行政复议", "其他结果"]);
    assert_eq!(
        (other.text.as_str(), other.data_cell.as_deref()),
        ("1", Some("t4.rev_other"))
    );
    let total = under(&["行政复议", "总计"]);
    assert_eq!(
        (total.text.as_str(), total.data_cell.as_deref()),
        ("1", Some("t4.rev_total"))
    );
    let direct = under(&["行政诉讼", "未经复议直接起诉", "结果维持"]);
    assert_eq!(direct.data_cell.as_deref(), Some("t4.lit_direct_upheld"));
}

/// The labels a figure must sit under, from the template: its row label path and its column
/// header path, as printed.
fn expected_labels(format: Format, key: CellKey) -> (Option<&'static str>, Vec<&'static str>) {
    match key {
        CellKey::T2(row, col) => (
            Some(template::t2_row_label(format, row)),
            vec![template::t2_col_label(format, col)],
        ),
        CellKey::T3(row, col) => (
            Some(template::t3_row_label(row)),
            vec![template::applicant_label(col)],
        ),
        CellKey::T4(col) => {
            let mut path = match col as usize / 5 {
                0 => vec![template::T4_REVIEW_HEADER],
                1 => vec![
                    template::T4_LITIGATION_HEADER,
                    template::T4_LIT_DIRECT_HEADER,
                ],
                _ => vec![
                    template::T4_LITIGATION_HEADER,
                    template::T4_LIT_AFTER_REV_HEADER,
                ],
            };
            path.push(template::t4_col_label(col));
            (None, path)
        }
    }
}

/// Every figure of both formats is in the row whose innermost label is its row's and under
/// the column whose innermost headers are its column's.
#[test]
fn every_figure_sits_under_its_labels_in_both_formats() {
    for report in [seed(), distinct_2021()] {
        let doc = Html::parse_document(&html_of(&report));
        let tables = tables(&doc);
        for key in report.cell_keys() {
            let table = &tables[key.to_string().split('.').next().expect("table prefix")];
            let (r, c) = table
                .position(&key.to_string())
                .unwrap_or_else(|| panic!("{key} not in its table"));
            let (row_label, col_path) = expected_labels(report.format, key);
            if let Some(label) = row_label {
                assert_eq!(table.row_headers(r, c).last(), Some(&label), "{key}");
            }
            let headers: Vec<&str> = if matches!(key, CellKey::T2(..)) {
                // Table 二: the header row of the figure's own block, the nearest above.
                let h = (0..r)
                    .rev()
                    .find(|&h| table.at(h, 0).is_some_and(|x| x.text == "信息内容"))
                    .expect("a block header above");
                table.column_headers(h..h + 1, c)
            } else {
                table.column_headers(0..table.head_rows, c)
            };
            assert!(headers.ends_with(&col_path), "{key}: {headers:?}");
        }
    }
}

#[test]
fn table_three_corner_note_and_table_four_header_rows() {
    for report in [seed(), distinct_2021()] {
        let doc = Html::parse_document(&html_of(&report));
        let tables = tables(&doc);
        let t3 = &tables["t3"];
        let note = t3.at(0, 0).expect("corner");
        assert_eq!(note.text, template::T3_CORNER_NOTE);
        assert_eq!((note.rowspan, note.colspan), (3, 3));
        assert_eq!(note.class.as_deref(), Some("note"));
        for r in 0..t3.slots.len() {
            for c in 0..t3.columns() {
                let is_note = std::ptr::eq(t3.at(r, c).expect("no hole"), note);
                assert_eq!(is_note, r < 3 && c < 3, "slot ({r},{c})");
            }
        }
        assert_eq!(t3.head_rows, 3);
        assert_eq!(t3.slots.len(), 3 + template::t3_rows(report.format).len());

        let t4 = &tables["t4"];
        assert_eq!(t4.head_rows, 3, "table 四 has three header rows");
        assert_eq!((t4.slots.len(), t4.columns()), (4, T4Col::ALL.len()));
        for c in 0..t4.columns() {
            for r in 0..3 {
                assert!(t4.at(r, c).expect("no hole").header, "({r},{c})");
            }
            assert!(!t4.at(3, c).expect("no hole").header);
        }
    }
}

#[test]
fn page_is_standalone_and_printable() {
    let report = seed();
    let html = html_of(&report);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("@page {\n  size: A4;\n  margin: 37mm 26mm 35mm 28mm;"));
    for font in [
        "方正小标宋简体",
        "黑体",
        "SimHei",
        "仿宋_GB2312",
        "FangSong",
    ] {
        assert!(html.contains(font), "{font}");
    }
    assert!(html.contains("border: 1px solid"));
    assert!(html.contains("border-collapse: collapse"));
    assert!(html.contains("break-inside: avoid"));
    for external in ["<script", "<link", " src=", "url(", "@import", "http"] {
        assert!(!html.contains(external), "{external}");
    }
    let doc = Html::parse_document(&html);
    let one = |css: &str| {
        let found: Vec<String> = doc.select(&selector(css)).map(text).collect();
        assert_eq!(found.len(), 1, "{css}");
        found[0].clone()
    };
    assert_eq!(one("head > title"), title(&report));
    assert_eq!(one("h1"), title(&report));
    let headings: Vec<String> = doc.select(&selector("section > h2")).map(text).collect();
    let expected: Vec<&str> = Section::ALL
        .iter()
        .map(|&s| template::section_heading(s))
        .collect();
    assert_eq!(headings, expected);
    for table in TableId::ALL {
        let css = format!("section#{} > table.{}", table.section().key(), table.key());
        assert_eq!(doc.select(&selector(&css)).count(), 1, "{css}");
    }
    // Paragraphs: the preamble before section 一, then section text split on new lines.
    let preamble = doc
        .select(&selector("main > p"))
        .map(text)
        .collect::<Vec<_>>();
    assert_eq!(preamble, [report.preamble.as_str()]);
    let s1: Vec<String> = doc
        .select(&selector("section#s1_overview > p"))
        .map(text)
        .collect();
    assert_eq!(s1.len(), 8, "one paragraph per line of the text");
    assert_eq!(s1[1], "（一）重点任务全完成。");
    assert_eq!(one("section#s6_other > p"), "无其他需要报告的事项。");
}

#[test]
fn text_is_escaped() {
    let mut report = seed();
    report.agency = "<script>&\"'机关".to_owned();
    report.set_section(Section::S5Problems, "a < b && c > d\n<b>\"不加粗\"</b>");
    let html = html_of(&report);
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<b>"));
    assert!(html.contains("&lt;script&gt;&amp;&quot;&#39;机关"));
    let doc = Html::parse_document(&html);
    assert_eq!(doc.select(&selector("script, b")).count(), 0);
    let title_text: String = doc.select(&selector("title")).map(text).collect();
    assert_eq!(title_text, title(&report));
    let s5: Vec<String> = doc
        .select(&selector("section#s5_problems > p"))
        .map(text)
        .collect();
    assert_eq!(s5, ["a < b && c > d", "<b>\"不加粗\"</b>"]);
}

/// A decimal written with up to four fraction digits, possibly with trailing zeros.
fn decimal_text(int: u64, frac: u32, scale: usize) -> String {
    if scale == 0 {
        int.to_string()
    } else {
        let frac = frac % 10_u32.pow(scale as u32);
        format!("{int}.{frac:0scale$}")
    }
}

/// The same number without trailing fraction zeros: what a reader of the page sees.
fn normalised(decimal: &str) -> &str {
    if decimal.contains('.') {
        decimal.trim_end_matches('0').trim_end_matches('.')
    } else {
        decimal
    }
}

/// A random report of a random format, as canonical JSON (the only way in for money), with the
/// figure expected back for every cell (`None` when absent).
fn arbitrary_report() -> impl Strategy<Value = (Report, Vec<(CellKey, Option<String>)>)> {
    let agency = "[盐湖区<>&\"' a-z|]{1,12}";
    (
        prop_oneof![Just(Format::F2019), Just(Format::F2021)],
        agency,
    )
        .prop_flat_map(|(format, agency)| {
            let keys = template::cells(format);
            let figure = (
                prop::option::weighted(0.9, -1_000_i64..100_000_000),
                0_u64..10_000_000_000_000,
                any::<u32>(),
                0_usize..5,
            );
            prop::collection::vec(figure, keys.len()).prop_map(move |figures| {
                let mut tables = serde_json::Map::new();
                let mut expected = Vec::new();
                for (&key, (n, int, frac, scale)) in keys.iter().zip(figures) {
                    let (json, text) = match (n, key.kind()) {
                        (None, _) => (serde_json::Value::Null, None),
                        (Some(_), CellKind::Money(_)) => {
                            let d = decimal_text(int, frac, scale);
                            let back = normalised(&d).to_owned();
                            (serde_json::Value::String(d), Some(back))
                        }
                        (Some(n), _) => (serde_json::Value::from(n), Some(n.to_string())),
                    };
                    let key_text = key.to_string();
                    let mut path = key_text.split('.').collect::<Vec<_>>();
                    let leaf = path.pop().expect("column");
                    let mut node = &mut tables;
                    for part in path {
                        node = node
                            .entry(part)
                            .or_insert_with(|| serde_json::Value::Object(Default::default()))
                            .as_object_mut()
                            .expect("object");
                    }
                    node.insert(leaf.to_owned(), json);
                    expected.push((key, text));
                }
                let doc = serde_json::json!({
                    "format": format.as_str(),
                    "year": 2024,
                    "agency": agency.clone(),
                    "tables": tables,
                });
                let report = json::from_value(&doc).expect("generated canonical JSON");
                (report, expected)
            })
        })
}

/// A decimal multiplied by 10^4 by moving its point (万元 back to 元), normalised.
fn times_ten_thousand(wan: &str) -> String {
    let (int, frac) = wan.split_once('.').unwrap_or((wan, ""));
    let frac = format!("{frac:0<4}");
    let (moved, rest) = frac.split_at(4);
    let int = format!("{int}{moved}");
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let rest = rest.trim_end_matches('0');
    if rest.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{rest}")
    }
}

/// The number a reader takes from a printed figure: without the unit the renderer adds (the
/// 2019 amount, canonical in 元, is printed in 万元), and without the plus sign of a signed
/// count.
fn read_back(key: CellKey, printed: &str) -> String {
    match key.kind() {
        CellKind::Money(MoneyUnit::Yuan) => {
            let wan = printed
                .strip_suffix(MoneyUnit::WanYuan.label())
                .unwrap_or_else(|| panic!("{key}: 万元 expected in {printed}"));
            // Exact: at most four more decimals than the amount in 元, never a rounding.
            let decimals = wan.split_once('.').map_or(0, |(_, f)| f.len());
            assert!(decimals <= 4 + 4, "{key}: {printed}");
            assert!(
                !wan.ends_with('0') || !wan.contains('.'),
                "{key}: {printed}"
            );
            times_ten_thousand(wan)
        }
        CellKind::SignedCount => printed.strip_prefix('+').unwrap_or(printed).to_owned(),
        _ => printed.to_owned(),
    }
}

#[test]
fn ten_thousands_move_the_point() {
    assert_eq!(times_ten_thousand("33633789.63"), "336337896300");
    assert_eq!(times_ten_thousand("0.000001"), "0.01");
    assert_eq!(times_ten_thousand("25.1"), "251000");
    assert_eq!(times_ten_thousand("0"), "0");
}

fn with_meta(report: &Report, meta: &DocumentMeta) -> String {
    String::from_utf8(render_with(report, &[], Target::Html, meta).unwrap()).unwrap()
}

#[test]
fn signature_block_follows_section_six() {
    let report = seed();
    let meta = DocumentMeta {
        signed_on: NaiveDate::from_ymd_opt(2021, 1, 20),
        created: DateTime::parse_from_rfc3339("2021-01-20T09:30:00+08:00").ok(),
    };
    let doc = Html::parse_document(&with_meta(&report, &meta));
    let lines: Vec<String> = doc
        .select(&selector("main > section#s6_other + div.signature > p"))
        .map(text)
        .collect();
    assert_eq!(lines, ["盐湖区人民政府办公室", "2021年1月20日"]);
    let created: Vec<&str> = doc
        .select(&selector("meta[name=\"dcterms.created\"]"))
        .filter_map(|m| m.value().attr("content"))
        .collect();
    assert_eq!(created, ["2021-01-20T09:30:00+08:00"]);
    // Without a date, the agency alone, and no time is claimed.
    let plain = html_of(&report);
    let doc = Html::parse_document(&plain);
    let lines: Vec<String> = doc
        .select(&selector("div.signature > p"))
        .map(text)
        .collect();
    assert_eq!(lines, ["盐湖区人民政府办公室"]);
    assert!(!plain.contains("dcterms.created"));
    let author: Vec<&str> = doc
        .select(&selector("meta[name=author]"))
        .filter_map(|m| m.value().attr("content"))
        .collect();
    assert_eq!(author, ["盐湖区人民政府办公室"]);
}

#[test]
fn print_rules_repeat_headers_and_keep_rows_together() {
    let html = html_of(&seed());
    let print = &html[html.find("@media print").unwrap()..];
    for rule in [
        "thead { display: table-header-group; }",
        "tr { page-break-inside: avoid; break-inside: avoid; }",
        "tr.keep { break-after: avoid; }",
        "content: \"— \" counter(page) \" —\";",
    ] {
        assert!(html.contains(rule), "{rule}");
    }
    assert!(print.contains("h2, p.subheading, p:has(+ table) {"));
    let doc = Html::parse_document(&html);
    // Tables 三 and 四 carry their header rows in thead; table 二 has none to repeat.
    assert_eq!(doc.select(&selector("table.t3 > thead > tr")).count(), 3);
    assert_eq!(doc.select(&selector("table.t4 > thead > tr")).count(), 3);
    assert_eq!(doc.select(&selector("table.t2 > thead")).count(), 0);
    // Every column has a width class: three label levels and seven figures in table 三.
    let classes = |t: &str| -> Vec<String> {
        doc.select(&selector(&format!("table.{t} > colgroup > col")))
            .filter_map(|c| c.value().attr("class").map(str::to_owned))
            .collect()
    };
    let mut t3 = vec!["group", "subgroup", "label"];
    t3.extend(["fig"; 7]);
    assert_eq!(classes("t3"), t3);
    assert_eq!(classes("t4"), ["fig"; 15]);
    assert_eq!(classes("t2"), ["label", "fig", "fig", "fig"]);
    // Keeps: table 三's first data row with the second, the second-to-last with the last,
    // the last with nothing.
    let rows: Vec<bool> = doc
        .select(&selector("table.t3 > tbody > tr"))
        .map(|r| r.value().attr("class") == Some("keep"))
        .collect();
    let n = rows.len();
    assert!(rows[0] && rows[n - 2] && !rows[n - 1]);
    assert!(rows.iter().any(|k| !k), "table 三 must be allowed to break");
    // Numbered sub-headings keep with their text.
    assert_eq!(
        doc.select(&selector("p.subheading"))
            .map(text)
            .next()
            .as_deref(),
        Some("（一）重点任务全完成。")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_value_is_recovered_from_its_data_cell((report, expected) in arbitrary_report()) {
        let doc = Html::parse_document(&html_of(&report));
        let figures = figures(&doc);
        prop_assert_eq!(figures.len(), expected.len());
        for (key, value) in expected {
            let printed = figures.get(&key.to_string()).expect("every cell printed");
            match value {
                None => prop_assert_eq!(printed, "", "{}", key),
                Some(v) => prop_assert_eq!(read_back(key, printed), v, "{}", key),
            }
        }
        let title_text: String = doc.select(&selector("title")).map(text).collect();
        prop_assert_eq!(title_text, title(&report));
    }
}

/// A page that shows the tables (the back office) decorates figures: a link to the records
/// behind one, a class and a tooltip on a flagged one; the text is escaped, the other cells
/// are as in the document.
#[test]
fn decorated_tables_link_and_flag_figures() {
    use gongkai_render::{Decoration, html_table};
    use gongkai_report::{Applicant, CellKey, T3Row};
    let report = seed();
    let flagged = CellKey::T3(T3Row::NewReceived, Applicant::NaturalPerson);
    let html = html_table(&report, gongkai_report::layout::TableId::T3, &|key| {
        if key == flagged {
            Decoration {
                href: Some(format!("/explain?cell={key}&x=\"1\"")),
                class: Some("flagged"),
                title: Some("R1 <不平衡>".to_owned()),
            }
        } else {
            Decoration::default()
        }
    });
    let cell = format!("data-cell=\"{flagged}\"");
    let at = html.find(&cell).unwrap();
    let td = &html[html[..at].rfind("<td").unwrap()..];
    let td = &td[..td.find("</td>").unwrap()];
    assert!(td.contains("class=\"num flagged\""), "{td}");
    assert!(td.contains("title=\"R1 &lt;不平衡&gt;\""), "{td}");
    assert!(
        td.contains(
            "<a href=\"/explain?cell=t3.new_received.natural_person&amp;x=&quot;1&quot;\">2</a>"
        ),
        "{td}"
    );
    // Exactly one link: undecorated figures are plain.
    assert_eq!(html.matches("<a href=").count(), 1);
    assert_eq!(
        html.matches("class=\"num\"").count() + 1,
        html.matches("class=\"num").count()
    );
}
