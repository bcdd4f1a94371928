//! Markdown (GitHub flavour): the report as headings, paragraphs and pipe tables. Pipe tables
//! have no spans, so the tables are the flattened ones of [`crate::flat`].

use crate::flat::{FlatTable, flat_tables, paragraphs};
use gongkai_report::template::section_heading;
use gongkai_report::{Report, Section};

/// Joins the levels of a column header path: `行政诉讼·未经复议直接起诉·结果维持`.
const COL_PATH_SEP: &str = "·";

/// Renders the report as a Markdown document.
pub fn render(report: &Report) -> String {
    let tables = flat_tables(report);
    let mut out = format!("# {}\n\n", escape(&crate::title(report)));
    push_paragraphs(&mut out, &report.preamble);
    for &section in Section::ALL {
        out.push_str(&format!("## {}\n\n", escape(section_heading(section))));
        push_paragraphs(&mut out, report.section(section));
        for table in tables.iter().filter(|t| t.table.section() == section) {
            push_table(&mut out, table);
        }
    }
    out
}

fn push_paragraphs(out: &mut String, text: &str) {
    for paragraph in paragraphs(text) {
        out.push_str(&escape(paragraph));
        out.push_str("\n\n");
    }
}

fn push_table(out: &mut String, table: &FlatTable) {
    if let Some(caption) = table.caption {
        out.push_str(&format!("**{}**\n\n", escape(caption)));
    }
    let labelled = table.label_header.is_some();
    let header: Vec<String> = table
        .label_header
        .iter()
        .cloned()
        .chain(table.columns.iter().map(|path| path.join(COL_PATH_SEP)))
        .collect();
    push_row(out, &header);
    // Labels left-aligned, figures right-aligned.
    let align: Vec<&str> = table
        .label_header
        .iter()
        .map(|_| ":---")
        .chain(table.columns.iter().map(|_| "---:"))
        .collect();
    out.push_str(&format!("| {} |\n", align.join(" | ")));
    for row in &table.rows {
        let cells: Vec<&str> = labelled
            .then_some(row.label.as_str())
            .into_iter()
            .chain(row.values.iter().map(String::as_str))
            .collect();
        push_row(out, &cells);
    }
    out.push('\n');
}

fn push_row(out: &mut String, cells: &[impl AsRef<str>]) {
    let cells: Vec<String> = cells.iter().map(|c| escape(c.as_ref())).collect();
    out.push_str(&format!("| {} |\n", cells.join(" | ")));
}

/// Backslash-escapes the ASCII punctuation that Markdown would read as markup (emphasis, code,
/// links, raw HTML, headings, table cell borders), so report text always prints as written.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}
