//! The DOCX front-end: reports rendered as Word documents by `gongkai-render` are read back
//! cell for cell; Word/WPS constructs (merged cells, content controls, tracked changes, text
//! boxes, nested tables, soft breaks) are read; damaged packages are errors, never panics.
#![allow(clippy::unwrap_used)]

mod common;

use gongkai_reader::{Block, InputKind, Source, docx, read, sniff};
use gongkai_render::{Target, render};
use gongkai_report::template::{self, CellKind, Format};
use gongkai_report::{Report, Section, Value, json};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/reports")
        .join(name)
}

#[test]
fn seed_rendered_as_docx_reads_back_as_its_canonical_json() {
    let want =
        json::from_str(&std::fs::read_to_string(fixture("yanhu-2020.json")).unwrap()).unwrap();
    let bytes = render(&want, &[], Target::Docx).unwrap();
    assert_eq!(sniff(&bytes), InputKind::Docx);
    let parsed = read(&bytes).unwrap();
    assert_eq!(parsed.kind, InputKind::Docx);
    for key in want.cell_keys() {
        assert_eq!(parsed.report.get(key), want.get(key), "{key}");
    }
    assert_eq!(parsed.report, want);
    let c = parsed.completeness();
    assert_eq!(c.found, c.total);
    assert!(
        parsed
            .provenance
            .values()
            .all(|s| matches!(s, Source::Table { .. }))
    );
}

/// A package with the given `word/document.xml` body.
fn docx(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}</w:body></w:document>"#
    );
    common::docx_package(&xml)
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn tc(props: &str, text: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(text))
}

#[test]
fn word_constructs_are_read() {
    let body = [
        // Tracked changes: insertion kept, deletion dropped; a soft break splits; a tab.
        "<w:p><w:r><w:t>某某局</w:t></w:r><w:ins><w:r><w:t>2023年</w:t></w:r></w:ins>\
         <w:del><w:r><w:delText>2022年</w:delText></w:r></w:del>\
         <w:r><w:t>政府信息公开工作年度报告</w:t><w:br/><w:t>第二行</w:t><w:tab/><w:t>A&amp;B</w:t></w:r></w:p>"
            .to_owned(),
        // A content control around a paragraph; a text box in a paragraph, with its VML
        // fallback dropped.
        format!("<w:sdt><w:sdtPr/><w:sdtContent>{}</w:sdtContent></w:sdt>", p("控件内容")),
        "<w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>\
         <w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>\
         <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>\
         </w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
            .to_owned(),
        // A data table: gridSpan, vMerge restart/continue, gridBefore.
        format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}{}</w:tr></w:tbl>",
            tc("<w:gridSpan w:val=\"2\"/>", "跨两列"),
            tc("<w:vMerge w:val=\"restart\"/>", "跨两行"),
            tc("", "a"),
            tc("", "b"),
            tc("<w:vMerge/>", ""),
            tc("", "c"),
            tc("", "d"),
        ),
        // A layout table holding a data table: only the inner one is a table.
        format!(
            "<w:tbl><w:tr><w:tc>{}<w:tbl><w:tr>{}{}</w:tr></w:tbl></w:tc></w:tr></w:tbl>",
            p("外层"),
            tc("", "内1"),
            tc("", "内2")
        ),
    ]
    .concat();
    let doc = docx::parse(&docx(&body)).unwrap();
    let paras: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.as_str()),
            Block::Table(_) => None,
        })
        .collect();
    assert_eq!(
        paras,
        [
            "某某局2023年政府信息公开工作年度报告",
            "第二行\tA&B",
            "控件内容",
            "文本框",
            "外层"
        ]
    );
    let tables: Vec<&gongkai_reader::Table> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Paragraph(_) => None,
        })
        .collect();
    assert_eq!(tables.len(), 2);
    let grid: Vec<Vec<(&str, bool)>> = tables[0]
        .rows
        .iter()
        .map(|r| r.iter().map(|c| (c.text.as_str(), c.covered)).collect())
        .collect();
    assert_eq!(
        grid,
        [
            vec![("跨两列", false), ("跨两列", true), ("跨两行", false)],
            vec![("a", false), ("b", false), ("跨两行", true)],
            vec![("", false), ("c", false), ("d", false)],
        ]
    );
    assert_eq!(
        tables[0].rows[1][2].source,
        Source::Table {
            table: 0,
            row: 0,
            col: 2
        }
    );
    let inner: Vec<&str> = tables[1].rows[0].iter().map(|c| c.text.as_str()).collect();
    assert_eq!(inner, ["内1", "内2"]);
}

#[test]
fn damaged_packages_are_errors() {
    let good = render(
        &json::from_str(&std::fs::read_to_string(fixture("yanhu-2020.json")).unwrap()).unwrap(),
        &[],
        Target::Docx,
    )
    .unwrap();
    // Truncated: still sniffed as DOCX by its local headers, read as an error or a partial
    // document, never a panic.
    for cut in [30, 100, good.len() / 2, good.len() - 10] {
        let _ = read(&good[..cut]);
    }
    assert!(read(&docx("<w:p><w:r><w:t>未完")).is_err());
    assert!(docx::parse(b"PK\x03\x04garbage").is_err());
}

fn report(format: Format, seeds: &[u32], agency: &str) -> Report {
    let year = if format == Format::F2021 { 2023 } else { 2019 };
    let mut r = Report::blank(format, year, agency);
    r.preamble = "根据《中华人民共和国政府信息公开条例》要求，现公布本年度报告。".into();
    for (i, s) in Section::ALL.iter().enumerate() {
        r.set_section(*s, format!("第{}部分的内容。", i + 1));
    }
    for (i, key) in template::cells(format).into_iter().enumerate() {
        let seed = seeds[i % seeds.len()].wrapping_mul(i as u32 + 1);
        let v = match key.kind() {
            CellKind::Count if seed.is_multiple_of(7) => None,
            CellKind::Count => Some(Value::Int(i64::from(seed % 2_000_000))),
            CellKind::SignedCount => Some(Value::Int(i64::from(seed % 41) - 20)),
            CellKind::Money(_) => Some(Value::Money(
                Decimal::new(i64::from(seed % 100_000_000), 2).normalize(),
            )),
        };
        r.set(key, v).unwrap();
    }
    r
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Both formats rendered as DOCX: every cell recovered, blanks as blanks.
    #[test]
    fn rendered_docx_reads_back_every_cell(
        new in any::<bool>(),
        seeds in prop::collection::vec(any::<u32>(), 1..40),
        agency in prop::sample::select(vec!["某某市生态环境局", "平潭综合实验区", "上海市人民政府办公厅"]),
    ) {
        let format = if new { Format::F2021 } else { Format::F2019 };
        let want = report(format, &seeds, agency);
        let bytes = render(&want, &[], Target::Docx).unwrap();
        let got = read(&bytes).unwrap();
        prop_assert_eq!(got.kind, InputKind::Docx);
        prop_assert_eq!(got.report.format, want.format);
        prop_assert_eq!(got.report.year, want.year);
        prop_assert_eq!(&got.report.agency, &want.agency);
        for key in want.cell_keys() {
            prop_assert_eq!(got.report.get(key), want.get(key), "{}", key);
        }
        let c = got.completeness();
        prop_assert_eq!(c.found, c.total);
    }

    /// Bytes of a rendered DOCX changed at random: never a panic.
    #[test]
    fn mutated_docx_never_panics(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..20)) {
        let mut bytes = render(&report(Format::F2021, &[7, 11, 13], "某某局"), &[], Target::Docx).unwrap();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = read(&bytes);
    }

    /// Random XML-ish document parts: never a panic.
    #[test]
    fn random_document_xml_never_panics(body in "(<w:(p|r|t|tbl|tr|tc|tcPr|vMerge|gridSpan|sdt|ins|del|br|tab)( w:val=\"(restart|2|99999|x)\")?/?>|</w:(p|r|t|tbl|tr|tc)>|[一二三0-9 &;<>]){0,80}") {
        let _ = docx::parse(&docx(&body));
        let _ = docx::parse_xml(body.as_bytes());
    }
}
