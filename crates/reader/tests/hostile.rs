//! Hostile inputs never overflow the stack: every reader bounds or flattens nesting, so each
//! input here returns (a report, or a clean error) on a thread with a 1 MiB stack — half what a
//! batch worker of rayon gets by default. Before the bound, 20,000 nested `<div>`s aborted the
//! whole process (exit 134). And a DOCX part past the size limit is read with a warning.
#![allow(clippy::unwrap_used)]

mod common;

use common::docx_package;
use gongkai_reader::{ReadError, read, read_any};

/// Runs `f` on a thread with a 1 MiB stack; a stack overflow would abort the test binary.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

const SEED: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");

fn nested(open: &str, close: &str, depth: usize, inner: &str) -> String {
    let mut s = String::with_capacity(depth * (open.len() + close.len()) + inner.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(inner);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

#[test]
fn deeply_nested_html_returns() {
    for depth in [20_000, 200_000] {
        let html = format!(
            "<html><body>{}</body></html>",
            nested(
                "<div>",
                "</div>",
                depth,
                "<p>盐湖区2020年政府信息公开工作年度报告</p>"
            )
        );
        let result = small_stack(move || read(html.as_bytes()));
        assert!(
            matches!(
                result,
                Ok(_) | Err(ReadError::NoTable | ReadError::NotAReport(_))
            ),
            "{depth}: {result:?}"
        );
    }
}

#[test]
fn tables_nested_in_cells_return() {
    let html = format!(
        "<html><body><p>某县2024年政府信息公开工作年度报告</p>{}</body></html>",
        nested("<table><tr><td>", "</td></tr></table>", 5_000, "自然人")
    );
    // One table cell saying 自然人 is not a report: a clean error, after returning at all.
    let result = small_stack(move || read(html.as_bytes()));
    assert!(
        matches!(result, Err(ReadError::NoTable | ReadError::NotAReport(_))),
        "{result:?}"
    );
}

/// The report's own page, deep inside the nesting, is still read cell for cell, with a
/// warning that the nesting was cut.
#[test]
fn a_report_inside_deep_nesting_is_still_read() {
    let seed = gongkai_report::json::from_str(SEED).unwrap();
    let page = String::from_utf8(
        gongkai_render::render(&seed, &[], gongkai_render::Target::Html).unwrap(),
    )
    .unwrap();
    let body = &page[page.find("<body").unwrap()..page.rfind("</body>").unwrap()];
    let body = &body[body.find('>').unwrap() + 1..];
    let html = format!(
        "<html><body>{}</body></html>",
        nested("<div>", "</div>", 30_000, body)
    );
    let parsed = small_stack(move || read(html.as_bytes())).unwrap();
    assert_eq!(parsed.report, seed);
    assert!(
        parsed.warnings.iter().any(|w| w.contains("嵌套超过")),
        "{:?}",
        parsed.warnings
    );
}

#[test]
fn html_inside_deeply_nested_json_returns() {
    let html = "<html><body><table><tr><td>自然人</td></tr></table></body></html>";
    let json = nested("[", "]", 10_000, &serde_json::to_string(html).unwrap());
    // Past serde_json's recursion limit the page is still found (by a flat scan of the
    // strings); one cell is no report, so a clean error, never a stack overflow.
    let result = small_stack(move || read_any(json.as_bytes()));
    assert!(result.is_err(), "{result:?}");
    let deep_object = nested("{\"a\":", "}", 10_000, "1");
    let result = small_stack(move || read_any(deep_object.as_bytes()));
    assert!(result.is_err(), "{result:?}");
}

fn document(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    )
}

#[test]
fn deeply_nested_docx_returns_and_says_so() {
    let para = "<w:p><w:r><w:t>某县2024年政府信息公开工作年度报告</w:t></w:r></w:p>";
    let xml = document(&nested(
        "<w:sdt><w:sdtContent>",
        "</w:sdtContent></w:sdt>",
        20_000,
        para,
    ));
    let bytes = docx_package(&xml);
    let result = small_stack(move || read(&bytes));
    match result {
        Ok(p) => assert!(
            p.warnings.iter().any(|w| w.contains("嵌套")),
            "{:?}",
            p.warnings
        ),
        Err(e) => assert!(
            matches!(e, ReadError::NoTable | ReadError::NotAReport(_)),
            "{e:?}"
        ),
    }
    let doc = gongkai_reader::docx::parse(&docx_package(&xml)).unwrap();
    assert!(
        doc.warnings.iter().any(|w| w.contains("嵌套超过")),
        "{:?}",
        doc.warnings
    );
}

/// A part just over the limit: what is past it is not read, and a warning says so.
#[test]
fn a_docx_part_past_the_size_limit_is_cut_with_a_warning() {
    let para = "<w:p><w:r><w:t>某县2024年政府信息公开工作年度报告</w:t></w:r></w:p>";
    let filler = "<w:p><w:r><w:t>".to_owned() + &"填".repeat(1000) + "</w:t></w:r></w:p>";
    let mut body = String::from(para);
    while body.len() <= (64 << 20) + 10_000 {
        body.push_str(&filler);
    }
    let doc = gongkai_reader::docx::parse(&docx_package(&document(&body))).unwrap();
    assert!(
        doc.warnings.iter().any(|w| w.contains("只读取了前 64 MB")),
        "{:?}",
        doc.warnings
    );
    let small = gongkai_reader::docx::parse(&docx_package(&document(para))).unwrap();
    assert!(small.warnings.is_empty());
}

#[cfg(feature = "pdf")]
#[test]
fn deeply_nested_pdf_objects_return() {
    let obj = nested("[", "]", 100_000, "1");
    let pdf = format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /X {obj} >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    );
    let result = small_stack(move || read(pdf.as_bytes()));
    assert!(result.is_err(), "{result:?}");
}
