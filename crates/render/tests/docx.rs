//! Read-back tests of the DOCX renderer: the bytes are re-opened with `docx_rs::read_docx`, the
//! Word tables are resolved (gridSpan, vMerge restart/continue) into a grid, and every cell of
//! the statutory layout is checked at its place with its spans; then page setup, fonts and the
//! order of the document.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate};
use gongkai_render::{DocumentMeta, Target, cell_text, render, render_with, title};
use gongkai_report::keys::Section;
use gongkai_report::layout::{self, Content, Grid, Role, TableId};
use gongkai_report::template::{self, CellKind, Format};
use gongkai_report::{CellKey, Report, json};
use proptest::prelude::*;
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

fn seed() -> Report {
    json::from_str(include_str!("../../../fixtures/reports/yanhu-2020.json")).unwrap()
}

/// The document as docx-rs reads it back, in docx-rs's own JSON form (its structures keep
/// their fields private; the JSON is their public view).
fn read_back(report: &Report) -> Json {
    let bytes = render(report, &[], Target::Docx).unwrap();
    assert!(bytes.starts_with(b"PK"), "a DOCX is a ZIP package");
    let docx = docx_rs::read_docx(&bytes).expect("the DOCX must parse");
    serde_json::from_str(&docx.json()).unwrap()
}

fn children(doc: &Json) -> &Vec<Json> {
    doc["document"]["children"].as_array().unwrap()
}

/// The text of a paragraph: its runs' texts joined.
fn paragraph_text(p: &Json) -> String {
    let mut s = String::new();
    for child in p["data"]["children"].as_array().into_iter().flatten() {
        if child["type"] == "run" {
            for t in child["data"]["children"].as_array().into_iter().flatten() {
                if t["type"] == "text" {
                    s.push_str(t["data"]["text"].as_str().unwrap_or_default());
                }
            }
        }
    }
    s
}

/// The runs of a paragraph.
fn runs(p: &Json) -> Vec<&Json> {
    p["data"]["children"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["type"] == "run")
        .collect()
}

/// One `w:tc` as read back.
#[derive(Debug)]
struct ReadCell<'a> {
    text: String,
    col_span: usize,
    vmerge: Option<String>,
    paragraphs: Vec<&'a Json>,
}

/// An origin cell of the resolved Word table.
#[derive(Debug)]
struct Resolved<'a> {
    text: String,
    row_span: usize,
    col_span: usize,
    paragraphs: Vec<&'a Json>,
}

/// Resolves a Word table into origin cells keyed by (row, col): `gridSpan` advances the grid
/// column, a `vMerge` continue cell extends the origin above it by one row.
fn resolve(table: &Json, columns: usize) -> BTreeMap<(usize, usize), Resolved<'_>> {
    let rows = table["data"]["rows"].as_array().unwrap();
    let mut read: Vec<BTreeMap<usize, ReadCell<'_>>> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let mut c = 0;
        let mut cells = BTreeMap::new();
        for tc in row["data"]["cells"].as_array().unwrap() {
            let data = &tc["data"];
            let col_span = data["property"]["gridSpan"].as_u64().unwrap_or(1) as usize;
            let vmerge = data["property"]["verticalMerge"]
                .as_str()
                .map(str::to_owned);
            let paragraphs: Vec<&Json> = data["children"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["type"] == "paragraph")
                .collect();
            assert!(
                !paragraphs.is_empty(),
                "row {r}: every w:tc needs a paragraph"
            );
            let text = paragraphs
                .iter()
                .map(|p| paragraph_text(p))
                .collect::<Vec<_>>()
                .join("\n");
            cells.insert(
                c,
                ReadCell {
                    text,
                    col_span,
                    vmerge,
                    paragraphs,
                },
            );
            c += col_span;
        }
        assert_eq!(c, columns, "row {r} spans {c} grid columns, not {columns}");
        read.push(cells);
    }
    let mut out = BTreeMap::new();
    for (r, cells) in read.iter().enumerate() {
        for (&c, cell) in cells {
            match cell.vmerge.as_deref() {
                Some("continue") => {
                    // A continue cell must sit under an origin or another continue cell with
                    // the same horizontal extent.
                    let above = r
                        .checked_sub(1)
                        .and_then(|a| read[a].get(&c))
                        .unwrap_or_else(|| panic!("({r},{c}): continue cell with nothing above"));
                    assert!(
                        matches!(above.vmerge.as_deref(), Some("restart" | "continue")),
                        "({r},{c}): continue under an unmerged cell"
                    );
                    assert_eq!(above.col_span, cell.col_span, "({r},{c}): gridSpan differs");
                    assert_eq!(cell.text, "", "({r},{c}): continue cells are empty");
                }
                vm => {
                    let mut row_span = 1;
                    while read
                        .get(r + row_span)
                        .and_then(|row| row.get(&c))
                        .is_some_and(|below| below.vmerge.as_deref() == Some("continue"))
                    {
                        row_span += 1;
                    }
                    match vm {
                        Some("restart") => {
                            assert!(row_span > 1, "({r},{c}): restart without continue")
                        }
                        None => assert_eq!(row_span, 1, "({r},{c}): continue under a plain cell"),
                        Some(other) => panic!("({r},{c}): vMerge {other}"),
                    }
                    out.insert(
                        (r, c),
                        Resolved {
                            text: cell.text.clone(),
                            row_span,
                            col_span: cell.col_span,
                            paragraphs: cell.paragraphs.clone(),
                        },
                    );
                }
            }
        }
    }
    out
}

fn expected_text(report: &Report, content: Content) -> String {
    match content {
        Content::Text(t) => t.to_owned(),
        Content::Value(key) => cell_text(key, report.get(key)),
        Content::Empty => String::new(),
    }
}

/// Every cell of the template grid is at its (row, col) with its text and spans, and nothing
/// else is in the Word table.
fn assert_table_matches(report: &Report, table: &Json, grid: &Grid) {
    let rows = table["data"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), grid.rows, "{:?}: row count", grid.table);
    let resolved = resolve(table, grid.columns);
    let positions: Vec<(usize, usize)> = grid.cells.iter().map(|c| (c.row, c.col)).collect();
    let found: Vec<(usize, usize)> = resolved.keys().copied().collect();
    assert_eq!(found, positions, "{:?}: origin cells", grid.table);
    for cell in &grid.cells {
        let got = &resolved[&(cell.row, cell.col)];
        let want = expected_text(report, cell.content);
        assert_eq!(
            got.text, want,
            "{:?} ({},{}) {:?}",
            grid.table, cell.row, cell.col, cell.content
        );
        assert_eq!(
            (got.row_span, got.col_span),
            (cell.row_span, cell.col_span),
            "{:?} ({},{}) spans",
            grid.table,
            cell.row,
            cell.col
        );
        // Styling follows the role: headers bold and centred, figures centred, all in
        // 仿宋_GB2312 at 五号 (小五 for table 三's labels and headers).
        let p = got.paragraphs[0];
        let align = p["data"]["property"]["alignment"].as_str();
        if matches!(cell.role, Role::Header | Role::Caption | Role::Data) {
            assert_eq!(align, Some("center"), "{:?} {:?}", grid.table, cell);
        }
        for run in runs(p) {
            let rp = &run["data"]["runProperty"];
            assert_eq!(rp["fonts"]["eastAsia"], "仿宋_GB2312");
            let small = grid.table == TableId::T3
                && matches!(cell.role, Role::RowHeader | Role::Note | Role::Header);
            assert_eq!(rp["sz"], if small { 18 } else { 21 }, "{cell:?}");
            let bold = rp["bold"].as_bool().unwrap_or(false);
            assert_eq!(
                bold,
                matches!(cell.role, Role::Header | Role::Caption),
                "{cell:?}"
            );
        }
    }
}

fn tables(doc: &Json) -> Vec<&Json> {
    children(doc)
        .iter()
        .filter(|c| c["type"] == "table")
        .collect()
}

/// All three tables of a report match their grids.
fn assert_all_tables(report: &Report, doc: &Json) {
    let found = tables(doc);
    assert_eq!(found.len(), 3);
    for (table, id) in found.into_iter().zip(TableId::ALL) {
        assert_table_matches(report, table, &layout::grid(report.format, id));
    }
}

#[test]
fn every_template_cell_is_in_place_with_its_spans() {
    let report = seed();
    let doc = read_back(&report);
    assert_all_tables(&report, &doc);
    // Spot checks that do not go through the helpers above.
    let t2 = tables(&doc)[0];
    let text = serde_json::to_string(t2).unwrap();
    assert!(text.contains("\"45241\""));
    // 336337896300元 printed in 万元, the point moved, not rounded.
    assert!(text.contains("\"33633789.63万元\""));
    assert!(!text.contains("336337896300"));
    assert!(text.contains("\"-4\""));
}

#[test]
fn tables_fill_the_text_width_with_sensible_columns() {
    let doc = read_back(&seed());
    let text_width = 11906 - 1587 - 1474;
    for (table, id) in tables(&doc).into_iter().zip(TableId::ALL) {
        let data = &table["data"];
        assert_eq!(data["property"]["width"]["width"], text_width, "{id:?}");
        assert_eq!(data["property"]["width"]["widthType"], "dxa");
        let grid: Vec<u64> = data["grid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_u64().unwrap())
            .collect();
        assert_eq!(grid.len(), layout::grid(Format::F2019, id).columns);
        assert_eq!(grid.iter().sum::<u64>(), text_width, "{id:?}");
        for pos in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            assert_eq!(
                data["property"]["borders"][pos]["borderType"], "single",
                "{id:?} {pos}"
            );
        }
        match id {
            TableId::T3 => {
                let widest_figure = grid[3..].iter().max().unwrap();
                assert!(grid[2] > 3 * widest_figure, "{grid:?}");
            }
            TableId::T4 => {
                let (min, max) = (grid.iter().min().unwrap(), grid.iter().max().unwrap());
                assert!(max - min <= 15, "15 equal columns: {grid:?}");
            }
            TableId::T2 => assert!(grid[0] >= grid[1], "{grid:?}"),
        }
    }
}

#[test]
fn page_is_a4_with_official_document_margins() {
    let doc = read_back(&seed());
    let sp = &doc["document"]["sectionProperty"];
    assert_eq!(sp["pageSize"]["w"], 11906);
    assert_eq!(sp["pageSize"]["h"], 16838);
    // 37, 35, 28 and 26 mm in twips.
    assert_eq!(sp["pageMargin"]["top"], 2098);
    assert_eq!(sp["pageMargin"]["bottom"], 1984);
    assert_eq!(sp["pageMargin"]["left"], 1587);
    assert_eq!(sp["pageMargin"]["right"], 1474);
}

/// What the body of the document says, in order: non-empty paragraphs and tables.
#[derive(Debug, PartialEq)]
enum Item {
    Para(String),
    Table,
}

#[test]
fn document_reads_title_preamble_sections_and_tables_in_order() {
    let report = seed();
    let doc = read_back(&report);
    let got: Vec<Item> = children(&doc)
        .iter()
        .filter_map(|c| match c["type"].as_str() {
            Some("table") => Some(Item::Table),
            Some("paragraph") => Some(paragraph_text(c))
                .filter(|t| !t.is_empty())
                .map(Item::Para),
            _ => None,
        })
        .collect();
    let lines = |s: &str| -> Vec<Item> {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Item::Para(l.to_owned()))
            .collect()
    };
    let mut want = vec![Item::Para(title(&report))];
    want.extend(lines(&report.preamble));
    for &section in Section::ALL {
        want.push(Item::Para(template::section_heading(section).to_owned()));
        want.extend(lines(report.section(section)));
        if TableId::ALL.iter().any(|t| t.section() == section) {
            want.push(Item::Table);
        }
    }
    // The signature block: without a date, the agency alone.
    want.push(Item::Para(report.agency.clone()));
    assert_eq!(got, want);
    // The seed has several paragraphs per section: splitting on newlines is exercised.
    assert!(lines(report.section(Section::S1Overview)).len() > 3);
}

#[test]
fn fonts_and_sizes_follow_the_official_document_style() {
    let report = seed();
    let doc = read_back(&report);
    let paragraphs: Vec<&Json> = children(&doc)
        .iter()
        .filter(|c| c["type"] == "paragraph" && !paragraph_text(c).is_empty())
        .collect();
    let style = |p: &Json| {
        let r = runs(p);
        let rp = &r[0]["data"]["runProperty"];
        (
            rp["fonts"]["eastAsia"].as_str().unwrap().to_owned(),
            rp["fonts"]["ascii"].as_str().unwrap().to_owned(),
            rp["sz"].as_u64().unwrap(),
        )
    };
    let title_p = paragraphs[0];
    assert_eq!(paragraph_text(title_p), title(&report));
    assert_eq!(
        style(title_p),
        ("方正小标宋简体".into(), "Times New Roman".into(), 44)
    );
    assert_eq!(title_p["data"]["property"]["alignment"], "center");
    let headings: Vec<&str> = Section::ALL
        .iter()
        .map(|&s| template::section_heading(s))
        .collect();
    let mut seen = (0, 0);
    // The last paragraph is the signature block's agency, right-aligned (tested below).
    let (signature, paragraphs) = paragraphs.split_last().unwrap();
    assert_eq!(paragraph_text(signature), report.agency);
    assert_eq!(signature["data"]["property"]["alignment"], "right");
    assert_eq!(
        style(signature),
        ("仿宋_GB2312".into(), "Times New Roman".into(), 32)
    );
    for p in &paragraphs[1..] {
        let text = paragraph_text(p);
        if headings.contains(&text.as_str()) {
            seen.0 += 1;
            assert_eq!(
                style(p),
                ("黑体".into(), "Times New Roman".into(), 32),
                "{text}"
            );
        } else {
            seen.1 += 1;
            assert_eq!(
                style(p),
                ("仿宋_GB2312".into(), "Times New Roman".into(), 32),
                "{text}"
            );
            // Justified, but a paragraph with a web address is flush left (justifying would
            // spread the line before the address letter by letter).
            let align = if text.contains("www.yanhu.gov.cn") {
                "left"
            } else {
                "both"
            };
            assert_eq!(p["data"]["property"]["alignment"], align, "{text}");
            let indent = &p["data"]["property"]["indent"]["specialIndent"];
            // Two characters of 三号 (16 pt = 320 twips).
            assert_eq!(indent["type"], "firstLine", "{text}");
            assert_eq!(indent["val"], 640, "{text}");
        }
    }
    assert_eq!(seen.0, 6);
    assert!(seen.1 > 10);
    // The document defaults name the body font too, so text typed later inherits it.
    let defaults = &doc["styles"]["docDefaults"]["runPropertyDefault"]["runProperty"];
    assert_eq!(defaults["fonts"]["eastAsia"], "仿宋_GB2312");
}

#[test]
fn blank_report_has_empty_figure_cells_not_zeros() {
    let report = Report::blank(Format::F2021, 2023, "某某县交通运输局");
    let doc = read_back(&report);
    assert_all_tables(&report, &doc);
    let text = serde_json::to_string(&tables(&doc)).unwrap();
    assert!(!text.contains("\"text\":\"0\""));
}

/// Builds a report through canonical JSON (money is a decimal string there, so no decimal
/// crate is needed here): counts possibly negative, signed changes, money with 0–2 decimals.
fn report_from(f2021: bool, values: &[Option<(u64, u32)>]) -> Report {
    let format = if f2021 { Format::F2021 } else { Format::F2019 };
    let mut tables = json!({ "t2": {}, "t3": {}, "t4": {} });
    for (key, v) in template::cells(format).into_iter().zip(values) {
        let value = match (v, key.kind()) {
            (None, _) => Json::Null,
            (Some((n, _)), CellKind::Count) => json!(*n as i64 - 5),
            (Some((n, _)), CellKind::SignedCount) => json!((n % 2001) as i64 - 1000),
            (Some((n, scale)), CellKind::Money(_)) => {
                let p = 10u64.pow(*scale);
                if *scale == 0 {
                    json!(n.to_string())
                } else {
                    json!(format!("{}.{:0w$}", n / p, n % p, w = *scale as usize))
                }
            }
        };
        let path = key.to_string();
        let parts: Vec<&str> = path.split('.').collect();
        match key {
            CellKey::T4(_) => tables["t4"][parts[1]] = value,
            _ => {
                let table = &mut tables[parts[0]];
                if table.get(parts[1]).is_none() {
                    table[parts[1]] = json!({});
                }
                table[parts[1]][parts[2]] = value;
            }
        }
    }
    let doc = json!({
        "format": format.as_str(),
        "year": if f2021 { 2022 } else { 2020 },
        "agency": "某某市生态环境局",
        "preamble": "根据《中华人民共和国政府信息公开条例》编制本报告。",
        "tables": tables,
        "sections": { "s1_overview": "第一段。\n第二段。" },
    });
    json::from_value(&doc).unwrap()
}

fn arb_values() -> impl Strategy<Value = (bool, Vec<Option<(u64, u32)>>)> {
    (
        any::<bool>(),
        prop::collection::vec(
            prop::option::weighted(0.8, (0u64..20_000_000, 0u32..3)),
            200,
        ),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any report, either format: every figure is read back from its statutory place.
    #[test]
    fn random_reports_read_back_cell_by_cell((f2021, values) in arb_values()) {
        let report = report_from(f2021, &values);
        // The generator really fills the report (guards against a silently empty strategy).
        let present = report.values().count();
        let expected = values.iter().take(report.cell_keys().len()).filter(|v| v.is_some()).count();
        prop_assert_eq!(present, expected);
        let doc = read_back(&report);
        assert_all_tables(&report, &doc);
    }
}

/// The parts of a DOCX package by name. docx-rs stores its parts uncompressed (method 0), so
/// the central directory is enough to find them; anything else fails the test.
fn parts(docx: &[u8]) -> BTreeMap<String, String> {
    let u16_at = |i: usize| u16::from_le_bytes([docx[i], docx[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes(docx[i..i + 4].try_into().unwrap()) as usize;
    let eocd = (0..docx.len() - 21)
        .rev()
        .find(|&i| docx[i..].starts_with(b"PK\x05\x06"))
        .expect("end of central directory");
    let (count, mut at) = (u16_at(eocd + 10), u32_at(eocd + 16));
    let mut out = BTreeMap::new();
    for _ in 0..count {
        assert!(docx[at..].starts_with(b"PK\x01\x02"));
        assert_eq!(u16_at(at + 10), 0, "part not stored uncompressed");
        let size = u32_at(at + 20);
        let (name_len, extra, comment) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let name = String::from_utf8(docx[at + 46..at + 46 + name_len].to_vec()).unwrap();
        let local = u32_at(at + 42);
        let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        out.insert(
            name,
            String::from_utf8(docx[data..data + size].to_vec()).unwrap(),
        );
        at += 46 + name_len + extra + comment;
    }
    out
}

fn meta() -> DocumentMeta {
    DocumentMeta {
        signed_on: NaiveDate::from_ymd_opt(2021, 1, 20),
        created: DateTime::parse_from_rfc3339("2021-01-20T09:30:00+08:00").ok(),
    }
}

/// The `<w:tr>` elements of each `<w:tbl>` of the document part.
fn table_rows(document: &str) -> Vec<Vec<&str>> {
    document
        .split("<w:tbl>")
        .skip(1)
        .map(|t| {
            let table = t.split("</w:tbl>").next().unwrap();
            table.split("<w:tr>").skip(1).collect()
        })
        .collect()
}

#[test]
fn rows_never_split_and_headers_repeat() {
    let xml = &parts(&render(&seed(), &[], Target::Docx).unwrap())["word/document.xml"];
    let tables = table_rows(xml);
    assert_eq!(tables.len(), 3);
    for rows in &tables {
        assert!(rows.iter().all(|r| r.contains("<w:cantSplit />")));
    }
    let headers = |rows: &Vec<&str>| -> Vec<bool> {
        rows.iter().map(|r| r.contains("<w:tblHeader />")).collect()
    };
    // Table 二 has a caption and header per block: nothing repeats. Tables 三 and 四 repeat
    // their three header rows, and only those.
    assert!(headers(&tables[0]).iter().all(|h| !h));
    for rows in &tables[1..] {
        let h = headers(rows);
        assert_eq!(h[..3], [true, true, true]);
        assert!(h[3..].iter().all(|h| !h));
    }
}

/// Whether each row of a table keeps with the next (keepNext on its paragraphs).
fn keeps(rows: &[&str]) -> Vec<bool> {
    rows.iter().map(|r| r.contains("<w:keepNext />")).collect()
}

#[test]
fn keep_chains_are_short_and_no_row_is_left_alone() {
    for report in [seed(), Report::blank(Format::F2021, 2023, "某某局")] {
        let xml = &parts(&render(&report, &[], Target::Docx).unwrap())["word/document.xml"];
        let tables = table_rows(xml);
        for (rows, id) in tables.iter().zip(TableId::ALL) {
            let keep = keeps(rows);
            let n = keep.len();
            // The last row lets the next section go; the one before it holds on to it.
            assert!(!keep[n - 1], "{id:?}: last row keeps with what follows");
            assert!(keep[n - 2], "{id:?}: the last row could be left alone");
            // No chain longer than a third of a page of rows: a table never jumps whole to
            // the next page (table 三 breaks between rows).
            let longest = keep.split(|k| !k).map(<[bool]>::len).max().unwrap_or(0);
            match id {
                TableId::T3 => {
                    // Header (3) + two rows, and （三）不予公开's eight items, at most.
                    assert!(keep[..4].iter().all(|k| *k), "{id:?}: header");
                    assert!(longest <= 8, "{id:?}: a chain of {longest} rows");
                    assert!(keep.iter().any(|k| !k), "{id:?}: no break allowed");
                }
                TableId::T4 => assert_eq!(keep, [true, true, true, false]),
                TableId::T2 => {
                    // Blocks stay whole: a caption row always keeps with its header row.
                    for (r, row) in rows.iter().enumerate() {
                        if row.contains("第二十条第") {
                            assert!(keep[r] && keep[r + 1], "{id:?}: block split at {r}");
                        }
                    }
                    assert!(keep.iter().any(|k| !k), "{id:?}: no break allowed");
                }
            }
        }
    }
}

/// The properties of the paragraph holding `needle`: from its `<w:p` to the text.
fn paragraph_before<'a>(body: &'a str, needle: &str) -> &'a str {
    let at = body
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not found"));
    let start = ["<w:p>", "<w:p "]
        .iter()
        .filter_map(|tag| body[..at].rfind(tag))
        .max()
        .unwrap();
    &body[start..at]
}

#[test]
fn headings_stay_with_their_text_and_tables() {
    let xml = &parts(&render(&seed(), &[], Target::Docx).unwrap())["word/document.xml"];
    let body = xml.split("<w:sectPr").next().unwrap();
    for needle in ["二、主动公开政府信息情况", "（一）重点任务全完成。"] {
        let p = paragraph_before(body, needle);
        assert!(
            p.contains("<w:keepNext />"),
            "{needle} does not keep with next"
        );
    }
    // A long body paragraph does not (Word would chain it to the next one).
    let p = paragraph_before(body, "我区以基层政务公开标准化规范化为抓手");
    assert!(!p.contains("<w:keepNext />"), "{p}");
}

#[test]
fn text_is_chinese_for_word_and_wps() {
    let styles = &parts(&render(&seed(), &[], Target::Docx).unwrap())["word/styles.xml"];
    let defaults = styles.split("</w:rPrDefault>").next().unwrap();
    assert!(
        defaults.contains(r#"<w:lang w:val="en-US" w:eastAsia="zh-CN""#),
        "{defaults}"
    );
}

#[test]
fn footer_prints_the_page_number_from_a_field() {
    let parts = parts(&render(&seed(), &[], Target::Docx).unwrap());
    let footer = parts
        .iter()
        .find(|(name, _)| name.starts_with("word/footer"))
        .map(|(_, xml)| xml.as_str())
        .expect("a footer part");
    let begin = footer.find(r#"w:fldCharType="begin""#).unwrap();
    let instr = footer.find("PAGE</w:instrText>").unwrap();
    let end = footer.find(r#"w:fldCharType="end""#).unwrap();
    assert!(begin < instr && instr < end);
    // 一字线 either side, centred.
    assert!(footer[..begin].contains("— "));
    assert!(footer[end..].contains(" —"));
    assert!(footer.contains(r#"<w:jc w:val="center" />"#));
    // The section refers to it as its default footer.
    let document = &parts["word/document.xml"];
    assert!(document.contains(r#"<w:footerReference w:type="default""#));
}

#[test]
fn core_properties_name_the_agency_title_and_time() {
    let report = seed();
    let core =
        &parts(&render_with(&report, &[], Target::Docx, &meta()).unwrap())["docProps/core.xml"];
    assert!(core.contains(&format!("<dc:title>{}</dc:title>", title(&report))));
    assert!(core.contains("<dc:creator>盐湖区人民政府办公室</dc:creator>"));
    assert!(core.contains("<dc:language>zh-CN</dc:language>"));
    // 09:30 in Beijing is 01:30 UTC.
    for element in ["created", "modified"] {
        assert!(
            core.contains(&format!(
                r#"<dcterms:{element} xsi:type="dcterms:W3CDTF">2021-01-20T01:30:00Z</dcterms:{element}>"#
            )),
            "{core}"
        );
    }
    // Without a time none is claimed (docx-rs would write 1970-01-01), so output stays
    // deterministic.
    let plain = &parts(&render(&report, &[], Target::Docx).unwrap())["docProps/core.xml"];
    assert!(!plain.contains("dcterms:created") && !plain.contains("1970"));
    assert_eq!(
        render(&report, &[], Target::Docx).unwrap(),
        render(&report, &[], Target::Docx).unwrap()
    );
}

#[test]
fn agency_names_are_escaped_in_properties() {
    let mut report = seed();
    report.agency = String::from("某局<&>\u{1}");
    let core = &parts(&render(&report, &[], Target::Docx).unwrap())["docProps/core.xml"];
    assert!(
        core.contains("<dc:creator>某局&lt;&amp;&gt;</dc:creator>"),
        "{core}"
    );
    // The package still opens.
    docx_rs::read_docx(&render(&report, &[], Target::Docx).unwrap()).unwrap();
}

#[test]
fn signature_block_ends_the_document() {
    let report = seed();
    let bytes = render_with(&report, &[], Target::Docx, &meta()).unwrap();
    let doc: Json = serde_json::from_str(&docx_rs::read_docx(&bytes).unwrap().json()).unwrap();
    let texts: Vec<(String, &Json)> = children(&doc)
        .iter()
        .filter(|c| c["type"] == "paragraph")
        .map(|p| (paragraph_text(p), p))
        .collect();
    let n = texts.len();
    let (agency, date) = (&texts[n - 2], &texts[n - 1]);
    assert_eq!(agency.0, "盐湖区人民政府办公室");
    assert_eq!(date.0, "2021年1月20日");
    // One blank line between the text of section 六 and the signature.
    assert_eq!(texts[n - 3].0, "");
    assert_eq!(texts[n - 4].0, "无其他需要报告的事项。");
    // GB/T 9704: the agency right-aligned two characters (640 twips) from the margin, the
    // date starting two characters right of the agency's start.
    assert_eq!(agency.1["data"]["property"]["alignment"], "right");
    assert_eq!(agency.1["data"]["property"]["indent"]["end"], 640);
    let text_width = 11906 - 1587 - 1474;
    let agency_start = text_width - 640 - 10 * 320;
    assert_eq!(
        date.1["data"]["property"]["indent"]["start"],
        agency_start + 640
    );
    // The block holds together.
    assert_eq!(texts[n - 3].1["data"]["property"]["keepNext"], true);
    assert_eq!(agency.1["data"]["property"]["keepNext"], true);
}

/// A letter is laid out on the report's 公文 page (the same section properties: A4, margins,
/// page number footer): the title in 方正小标宋简体, the number centred, the addressee flush left
/// without an indent, body paragraphs indented two characters, then the agency right-aligned
/// over the date, and Chinese as the text's language.
#[test]
fn a_letter_shares_the_page_of_the_report() {
    use gongkai_render::gongwen::{Block, letter};
    let meta = DocumentMeta {
        signed_on: NaiveDate::from_ymd_opt(2025, 3, 24),
        created: None,
    };
    let blocks = [
        Block::Centred("受理编号：2025-001".into()),
        Block::Flush("张三：".into()),
        Block::Body("本机关于2025年3月3日收到您的申请。".into()),
    ];
    let parts_of_letter = parts(&letter("答复告知书", &blocks, "某某县交通运输局", &meta).unwrap());
    let report = parts(&render(&seed(), &[], Target::Docx).unwrap());
    let section = |xml: &str| xml[xml.find("<w:sectPr").unwrap()..].to_owned();
    let document = &parts_of_letter["word/document.xml"];
    assert_eq!(section(document), section(&report["word/document.xml"]));
    let paragraph = |text: &str| {
        document
            .split("</w:p>")
            .find(|p| p.contains(text))
            .unwrap_or_else(|| panic!("{text} in {document}"))
            .to_owned()
    };
    assert!(paragraph("答复告知书").contains("方正小标宋简体"));
    assert!(paragraph("受理编号").contains(r#"<w:jc w:val="center""#));
    let addressee = paragraph("张三：");
    assert!(addressee.contains(r#"<w:jc w:val="left""#) && !addressee.contains("w:firstLine"));
    assert!(paragraph("收到您的申请").contains(r#"w:firstLine="640""#));
    assert!(paragraph("某某县交通运输局").contains(r#"<w:jc w:val="right""#));
    assert!(document.contains("2025年3月24日"));
    assert!(parts_of_letter["word/styles.xml"].contains(r#"w:eastAsia="zh-CN""#));
    assert!(
        parts_of_letter["docProps/core.xml"].contains("<dc:creator>某某县交通运输局</dc:creator>")
    );
}
