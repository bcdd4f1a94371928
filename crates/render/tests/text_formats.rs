//! Markdown, plain text and CSV of the seed report: snapshots (reviewed against the source text
//! fixtures/reports/yanhu-2020.txt) and structural properties that hold for any report.
#![allow(clippy::unwrap_used)]

use gongkai_render::{Target, cell_text, render};
use gongkai_report::layout::TableId;
use gongkai_report::template::{self, Format, T3_CORNER_NOTE};
use gongkai_report::{Applicant, CellKey, Report, Section, T3Row, T4Col, Value, json};
use std::collections::HashMap;
use unicode_width::UnicodeWidthStr;

const SEED_JSON: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");

fn seed() -> Report {
    json::from_str(SEED_JSON).expect("the seed report is valid canonical JSON")
}

fn render_str(report: &Report, target: Target) -> String {
    let bytes = render(report, &[], target).expect("text formats cannot fail");
    String::from_utf8(bytes).expect("text formats are UTF-8")
}

/// A 2021 report with figures of very different widths and some absent cells, so that
/// alignment and empty cells are exercised.
fn ragged_2021() -> Report {
    let mut report = Report::blank(Format::F2021, 2023, "某市|人民政府办公室");
    for (i, key) in template::cells(Format::F2021).into_iter().enumerate() {
        let value = match (i % 4, key.kind()) {
            (0, _) => None,
            (_, template::CellKind::Money(_)) => None,
            (k, _) => Some(Value::Int(10_i64.pow(k as u32 * 2) + i as i64)),
        };
        report.set(key, value).expect("a cell of the format");
    }
    // Wider than its header `自然人`, so alignment cannot come from the header alone.
    let key = CellKey::T3(T3Row::NewReceived, Applicant::NaturalPerson);
    report
        .set(key, Some(Value::Int(12_345_678)))
        .expect("a count");
    report.set_section(Section::S1Overview, "第一段 | 含竖线\n\n　　第二段 *强调*");
    report
}

#[test]
fn seed_markdown_snapshot() {
    insta::assert_snapshot!("seed_markdown", render_str(&seed(), Target::Markdown));
}

#[test]
fn seed_text_snapshot() {
    insta::assert_snapshot!("seed_text", render_str(&seed(), Target::Text));
}

#[test]
fn seed_csv_snapshot() {
    let csv = render_str(&seed(), Target::Csv);
    // The BOM and CRLF are checked by `csv_is_excel_friendly_rfc4180`; the snapshot shows the
    // records only, so that the .snap file reads (and diffs) as plain lines.
    let records = csv.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    insta::assert_snapshot!("seed_csv", records);
}

/// The records between the header and the cells: `format`, `year`, `agency`.
const METADATA: usize = 3;

/// The records of the report's cells, after the header and the metadata.
fn cell_records(records: &[Vec<String>], report: &Report) -> Vec<Vec<String>> {
    records[1 + METADATA..1 + METADATA + report.cells().len()].to_vec()
}

/// Splits CSV text into records of fields (RFC 4180: quoted fields, doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, _) => field.push(ch),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CR must be followed by LF"),
            (false, '\n') => panic!("bare LF: RFC 4180 ends records with CRLF"),
            (false, _) => field.push(ch),
        }
        if !quoted && ch == '\r' {
            record.push(std::mem::take(&mut field));
            records.push(std::mem::take(&mut record));
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "last record must end with CRLF"
    );
    records
}

#[test]
fn csv_is_excel_friendly_rfc4180() {
    for report in [seed(), ragged_2021()] {
        let csv = render_str(&report, Target::Csv);
        let body = csv.strip_prefix('\u{feff}').expect("CSV starts with a BOM");
        let records = parse_csv(body);
        // Header, format/year/agency, the cells, the preamble and the six sections.
        assert_eq!(
            records.len(),
            1 + METADATA + report.cells().len() + 1 + Section::ALL.len()
        );
        assert_eq!(records[0], ["cell", "value"]);
        assert_eq!(records[1], ["format", report.format.as_str()]);
        assert_eq!(records[2], ["year".to_string(), report.year.to_string()]);
        assert_eq!(records[3], ["agency", report.agency.as_str()]);
        assert!(records.iter().all(|r| r.len() == 2));
        let texts = &records[1 + METADATA + report.cells().len()..];
        assert_eq!(texts[0], ["preamble", report.preamble.as_str()]);
        for (record, &section) in texts[1..].iter().zip(Section::ALL) {
            assert_eq!(record, &[section.key(), report.section(section)]);
        }
    }
}

/// Every value of the seed's CSV equals the figure of the hand-written JSON fixture, read
/// straight from the JSON text (not through the model): integers as written, money as the
/// decimal string without unit, `null` as empty.
#[test]
fn csv_parses_back_to_the_fixture_values() {
    let fixture: serde_json::Value = serde_json::from_str(SEED_JSON).expect("JSON");
    let mut expected = HashMap::new();
    let tables = fixture["tables"].as_object().expect("tables");
    for (table, rows) in tables {
        for (row, cols) in rows.as_object().expect("object") {
            let cells: Vec<(String, &serde_json::Value)> = match cols.as_object() {
                Some(cols) => cols
                    .iter()
                    .map(|(col, v)| (format!("{table}.{row}.{col}"), v))
                    .collect(),
                None => vec![(format!("{table}.{row}"), cols)],
            };
            for (key, v) in cells {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                expected.insert(key, text);
            }
        }
    }
    let report = seed();
    let records = parse_csv(render_str(&report, Target::Csv).trim_start_matches('\u{feff}'));
    let cells = cell_records(&records, &report);
    let keys: Vec<String> = cells.iter().map(|r| r[0].clone()).collect();
    let canonical: Vec<String> = report.cells().iter().map(|(k, _)| k.to_string()).collect();
    assert_eq!(keys, canonical, "one record per cell, in canonical order");
    assert_eq!(cells.len(), expected.len());
    for record in &cells {
        assert_eq!(Some(&record[1]), expected.get(&record[0]), "{}", record[0]);
    }
    let amount = records
        .iter()
        .find(|r| r[0] == "t2.central_procurement.procurement_amount");
    assert_eq!(amount.map(|r| r[1].as_str()), Some("336337896300"));
}

#[test]
fn csv_leaves_absent_cells_empty() {
    let report = ragged_2021();
    let records = parse_csv(render_str(&report, Target::Csv).trim_start_matches('\u{feff}'));
    for (record, (key, value)) in cell_records(&records, &report).iter().zip(report.cells()) {
        assert_eq!(record[0], key.to_string());
        match value {
            None => assert_eq!(record[1], "", "{key}"),
            Some(v) => assert_eq!(record[1].parse::<i64>().ok(), v.as_int(), "{key}"),
        }
    }
    assert!(records.iter().any(|r| r[1].is_empty()));
}

/// The lines of the text table whose header starts with `header`: header, rule and rows, up
/// to the blank line that ends it.
fn text_table<'a>(text: &'a str, header: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| !l.starts_with(header))
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn text_table_three_is_aligned_by_display_width() {
    for report in [seed(), ragged_2021()] {
        let text = render_str(&report, Target::Text);
        let lines = text_table(&text, T3_CORNER_NOTE);
        let rule = lines
            .iter()
            .position(|l| !l.is_empty() && l.chars().all(|c| c == '-'))
            .expect("a rule under the header");
        assert_eq!(
            rule, 2,
            "two header lines: 法人或其他组织 over its five columns"
        );
        let rows = &lines[rule + 1..];
        assert_eq!(rows.len(), template::t3_rows(report.format).len());
        let width = lines[rule].width();
        for line in &lines {
            assert_eq!(line.width(), width, "{line}");
        }
        // Figures are right-aligned under their header: the natural-person figure of
        // `一、本年新收…` ends where the header `自然人` ends.
        let header_end = lines[..rule]
            .iter()
            .find_map(|l| l.find("自然人").map(|at| l[..at + "自然人".len()].width()))
            .expect("自然人 column");
        let label = template::t3_row_label(T3Row::NewReceived);
        let row = rows
            .iter()
            .find(|l| l.starts_with(label))
            .expect("new_received row");
        let key = CellKey::T3(T3Row::NewReceived, Applicant::NaturalPerson);
        let figure = cell_text(key, report.get(key));
        let after_label = row[label.len()..].trim_start();
        let figure_end = row.len() - after_label.len() + figure.len();
        assert!(after_label.starts_with(&figure), "{row}");
        assert_eq!(row[..figure_end].width(), header_end, "{row}");
    }
}

#[test]
fn text_title_is_centred() {
    let report = seed();
    let text = render_str(&report, Target::Text);
    let first = text.lines().next().expect("title line");
    let title = gongkai_render::title(&report);
    let pad = first.len() - first.trim_start().len();
    assert_eq!(first.trim_start(), title);
    assert_eq!(pad, (80 - title.width()) / 2);
}

/// Splits Markdown into its pipe tables (runs of lines starting with `|`).
fn markdown_tables(md: &str) -> Vec<Vec<&str>> {
    let mut tables: Vec<Vec<&str>> = Vec::new();
    let mut previous_was_row = false;
    for line in md.lines() {
        let is_row = line.starts_with('|');
        if is_row && !previous_was_row {
            tables.push(Vec::new());
        }
        if let Some(table) = tables.last_mut().filter(|_| is_row) {
            table.push(line);
        }
        previous_was_row = is_row;
    }
    tables
}

/// Cell borders: `|` not escaped with a backslash.
fn borders(line: &str) -> usize {
    let bytes = line.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

#[test]
fn markdown_tables_are_rectangular_and_flattened_from_the_grid() {
    for report in [seed(), ragged_2021()] {
        let md = render_str(&report, Target::Markdown);
        let tables = markdown_tables(&md);
        let t2_blocks = template::t2_blocks(report.format).len();
        assert_eq!(
            tables.len(),
            t2_blocks + 2,
            "one table per 表二 block, 表三, 表四"
        );
        for table in &tables {
            let n = borders(table[0]);
            assert!(table.iter().all(|l| borders(l) == n), "{table:#?}");
        }
        let t3 = &tables[t2_blocks];
        assert_eq!(borders(t3[0]), 1 + 1 + Applicant::ALL.len());
        assert_eq!(t3.len(), 2 + template::t3_rows(report.format).len());
        assert!(
            t3.iter()
                .any(|l| l.starts_with("| 三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密 |"))
        );
        let t4 = &tables[t2_blocks + 1];
        assert_eq!(borders(t4[0]), 1 + T4Col::ALL.len());
        assert!(t4[0].starts_with("| 行政复议·结果维持 | 行政复议·结果纠正 |"));
        assert!(t4[0].contains("| 行政诉讼·未经复议直接起诉·结果维持 |"));
        assert!(t4[0].ends_with("| 行政诉讼·复议后起诉·总计 |"));
        // The only data row: every figure in template order.
        let figures: Vec<String> = T4Col::ALL
            .iter()
            .map(|&c| cell_text(CellKey::T4(c), report.get(CellKey::T4(c))))
            .collect();
        assert_eq!(t4[2], format!("| {} |", figures.join(" | ")));
    }
}

#[test]
fn markdown_escapes_markup_in_report_text() {
    let md = render_str(&ragged_2021(), Target::Markdown);
    assert!(md.starts_with("# 某市\\|人民政府办公室2023年政府信息公开工作年度报告\n"));
    assert!(md.contains("\n第一段 \\| 含竖线\n\n第二段 \\*强调\\*\n\n"));
}

/// The tables sit in their sections: in every span-less format, each table follows the
/// heading of its own section and precedes the next heading.
#[test]
fn tables_sit_in_their_sections() {
    let report = seed();
    for target in [Target::Markdown, Target::Text] {
        let out = render_str(&report, target);
        let heading = |s: Section| {
            out.find(template::section_heading(s))
                .expect("every section heading is printed")
        };
        let positions: Vec<usize> = Section::ALL.iter().map(|&s| heading(s)).collect();
        assert!(positions.is_sorted(), "{target}: sections in order");
        for table in TableId::ALL {
            let marker = match table {
                TableId::T2 => "第二十条第（一）项",
                TableId::T3 => T3_CORNER_NOTE,
                TableId::T4 => "尚未审结",
            };
            let at = out.find(marker).expect("table printed");
            let section = table.section() as usize;
            assert!(
                positions[section] < at && at < positions[section + 1],
                "{target} {table:?}"
            );
        }
    }
}
