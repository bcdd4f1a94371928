//! Real published reports against their canonical JSON, written by hand from the sources.
#![allow(clippy::unwrap_used)]

use gongkai_reader::{InputKind, read};
use gongkai_report::{CellKey, Report, json};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/reports")
        .join(name)
}

fn expected(name: &str) -> Report {
    json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

/// The cells that differ, over the cells of both layouts.
fn diff(got: &Report, want: &Report) -> Vec<(CellKey, String, String)> {
    let mut keys = want.cell_keys();
    keys.extend(got.cell_keys());
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|&k| got.get(k) != want.get(k))
        .map(|k| (k, format!("{:?}", got.get(k)), format!("{:?}", want.get(k))))
        .collect()
}

fn check_meta(got: &Report, want: &Report) {
    assert_eq!(got.format, want.format);
    assert_eq!(got.year, want.year);
    assert_eq!(got.agency, want.agency);
    assert_eq!(got.preamble, want.preamble);
    for (i, (g, w)) in got.sections.iter().zip(&want.sections).enumerate() {
        assert_eq!(g, w, "section {}", i + 1);
    }
}

#[test]
fn seed_text_reads_exactly_as_its_canonical_json() {
    let parsed = read(&std::fs::read(fixture("yanhu-2020.txt")).unwrap()).unwrap();
    let want = expected("yanhu-2020.json");
    assert_eq!(parsed.kind, InputKind::Text);
    assert_eq!(diff(&parsed.report, &want), vec![]);
    check_meta(&parsed.report, &want);
    assert_eq!(parsed.report, want);
    let c = parsed.completeness();
    assert_eq!((c.found, c.total), (198, 198));
    // Provenance points at the printed line: 采购总金额 `33633789.63万` is on line 97.
    let key: CellKey = "t2.central_procurement.procurement_amount".parse().unwrap();
    assert_eq!(
        parsed.provenance[&key],
        gongkai_reader::Source::Line { line: 97 }
    );
}

#[test]
fn shuyang_cms_page_2021_format_with_blank_cells() {
    let parsed = read(&std::fs::read(fixture("shuyang-fgj-2023.html")).unwrap()).unwrap();
    let want = expected("shuyang-fgj-2023.json");
    assert_eq!(parsed.kind, InputKind::Html);
    assert_eq!(diff(&parsed.report, &want), vec![]);
    check_meta(&parsed.report, &want);
    assert_eq!(parsed.report, want);
    // Blank legal-person cells were found (they are in the provenance) and are null.
    let key: CellKey = "t3.new_received.org_commercial".parse().unwrap();
    assert!(parsed.provenance.contains_key(&key));
    assert_eq!(parsed.report.get(key), None);
    assert_eq!(parsed.completeness().found, parsed.completeness().total);
}

#[test]
fn pingtan_cms_page_2019_format() {
    let parsed = read(&std::fs::read(fixture("pingtan-2019.html")).unwrap()).unwrap();
    let want = expected("pingtan-2019.json");
    assert_eq!(diff(&parsed.report, &want), vec![]);
    check_meta(&parsed.report, &want);
    assert_eq!(parsed.report, want);
}

#[test]
fn pingtan_in_gbk_and_inside_json_reads_the_same() {
    let html = std::fs::read_to_string(fixture("pingtan-2019.html")).unwrap();
    let want = expected("pingtan-2019.json");
    let gbk_html = html.replace("<meta charset=\"utf-8\"", "<meta charset=\"gbk\"");
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_html);
    assert_eq!(read(&gbk).unwrap().report, want);
    let wrapped = serde_json::json!({ "code": 200, "data": { "title": "年报", "content": html } });
    let parsed = read(wrapped.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.kind, InputKind::HtmlInJson);
    assert_eq!(parsed.report, want);
}

/// The broken Markdown of a PDF conversion. Table 二's first block lost its `本年废止件数`
/// column: the wrapped cells `22（其中修订 16 件）` and `55（含自然失效 29 件）` were printed as
/// lines above the table and each row holds two figures for three columns. The note
/// `含自然失效` names the column; the figures are taken from their lines, with a warning.
#[test]
fn shanghai_broken_markdown() {
    let parsed = read(&std::fs::read(fixture("shanghai-office-2025.md")).unwrap()).unwrap();
    let want = expected("shanghai-office-2025.json");
    assert_eq!(parsed.kind, InputKind::Markdown);
    check_meta(&parsed.report, &want);
    assert_eq!(diff(&parsed.report, &want), vec![]);
    assert_eq!(parsed.report, want);
    let c = parsed.completeness();
    assert_eq!((c.found, c.total), (200, 200));
    let source = |k: &str| parsed.provenance[&k.parse::<CellKey>().unwrap()];
    use gongkai_reader::Source;
    assert_eq!(source("t2.regulations.repealed"), Source::Line { line: 79 });
    assert_eq!(
        source("t2.normative_docs.repealed"),
        Source::Line { line: 81 }
    );
    let moved: Vec<&String> = parsed
        .warnings
        .iter()
        .filter(|w| w.contains("取自表格外"))
        .collect();
    assert_eq!(moved.len(), 2, "{moved:?}");
    assert!(
        moved[1].contains("第81行") && moved[1].contains("含自然失效"),
        "{moved:?}"
    );
}

/// Without a note naming the column, a short row stays unread: the reader does not guess.
#[test]
fn a_short_row_without_a_naming_note_is_left_null() {
    let md = std::fs::read_to_string(fixture("shanghai-office-2025.md"))
        .unwrap()
        .replace("（含自然失效 29 件）", "（其中 29 件）");
    let parsed = read(md.as_bytes()).unwrap();
    for k in ["t2.regulations.repealed", "t2.normative_docs.in_force"] {
        let key: CellKey = k.parse().unwrap();
        assert_eq!(parsed.report.get(key), None, "{k}");
        assert!(!parsed.provenance.contains_key(&key), "{k}");
    }
    assert!(
        parsed
            .warnings
            .iter()
            .any(|w| w.contains("有2个数字，应为3个"))
    );
}

#[test]
fn canonical_json_is_recognised() {
    let bytes = std::fs::read(fixture("yanhu-2020.json")).unwrap();
    assert_eq!(gongkai_reader::sniff(&bytes), InputKind::CanonicalJson);
    assert_eq!(read(&bytes).unwrap().report, expected("yanhu-2020.json"));
}

#[test]
fn errors_are_named() {
    use gongkai_reader::ReadError;
    assert!(matches!(read(b""), Err(ReadError::NotAReport(_))));
    assert!(matches!(
        read("<html><body><p>你好</p></body></html>".as_bytes()),
        Err(ReadError::NotAReport(_))
    ));
    assert!(matches!(read(&[0xff; 16]), Err(ReadError::Undecodable)));
    let no_table =
        "某某局2023年政府信息公开工作年度报告\n一、总体情况\n无。\n六、其他需要报告的事项\n无。";
    assert_eq!(read(no_table.as_bytes()), Err(ReadError::NoTable));
}

/// Reads a PDF fixture: (cells right, cells of the layout, parsed).
#[cfg(feature = "pdf")]
fn pdf_accuracy(name: &str) -> (usize, usize, gongkai_reader::Parsed) {
    let parsed = read(&std::fs::read(fixture(&format!("{name}.pdf"))).unwrap()).unwrap();
    let want = expected(&format!("{name}.json"));
    assert_eq!(parsed.kind, InputKind::Pdf);
    assert_eq!(parsed.report.format, want.format);
    assert_eq!(parsed.report.year, want.year);
    assert_eq!(parsed.report.agency, want.agency);
    let wrong = diff(&parsed.report, &want);
    for (k, got, want) in &wrong {
        eprintln!("{name}: {k} read {got}, printed {want}");
    }
    let total = want.cell_keys().len();
    (total - wrong.len().min(total), total, parsed)
}

/// The PDF fixtures (WPS exports, Identity-H fonts with ToUnicode, wrapped row labels, a
/// vertical row header, page footers) read cell for cell.
#[cfg(feature = "pdf")]
#[test]
fn pdf_fixtures_read_every_cell() {
    for name in ["huaian-hongze-2023", "huaian-hongze-2024", "huaian-2024"] {
        let (right, total, parsed) = pdf_accuracy(name);
        eprintln!("{name}: {right}/{total} cells");
        let want = expected(&format!("{name}.json"));
        for (i, (g, w)) in parsed
            .report
            .sections
            .iter()
            .zip(&want.sections)
            .enumerate()
        {
            if g != w {
                eprintln!(
                    "{name}: section {} differs:\n  got  {g:?}\n  want {w:?}",
                    i + 1
                );
            }
        }
        assert_eq!((right, total), (total, total), "{name}");
        // Every cell its layout prints was found: for Hongze 2023, which prints the single
        // `（六）其他处理` row, that is 186 cells, not the 2021 format's 207.
        let c = parsed.completeness();
        assert_eq!(c.found, c.total, "{name}");
        if name == "huaian-hongze-2023" {
            assert!(parsed.report.uses_mixed_other_row());
            assert_eq!(c.total, 186);
            assert!(!parsed.warnings.iter().any(|w| w.contains("逾期不补正")));
        }
        check_meta(&parsed.report, &want);
        assert_eq!(parsed.report, want, "{name}");
        // Every figure points at a page line.
        assert!(
            parsed
                .provenance
                .values()
                .all(|s| matches!(s, gongkai_reader::Source::Page { .. }))
        );
    }
}

/// A report with many blank cells (Shuyang leaves the legal-person columns empty) rendered as
/// space-aligned text: every blank keeps its column, so every cell reads back.
#[test]
fn aligned_text_keeps_blank_cells_in_their_columns() {
    for name in [
        "shuyang-fgj-2023.json",
        "pingtan-2019.json",
        "yanhu-2020.json",
    ] {
        let want = expected(name);
        let txt = gongkai_render::render(&want, &[], gongkai_render::Target::Text).unwrap();
        let parsed = read(&txt).unwrap();
        assert_eq!(parsed.kind, InputKind::Text, "{name}");
        assert_eq!(diff(&parsed.report, &want), vec![], "{name}");
        let c = parsed.completeness();
        assert_eq!(c.found, c.total, "{name}");
    }
}
