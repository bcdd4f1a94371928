//! CSV (RFC 4180): the whole report as `cell,value` records, for spreadsheets and scripts, in
//! an order that keeps the figures together near the top of a spreadsheet:
//!
//! 1. the header `cell,value`;
//! 2. `format` (`2019`/`2021`), `year`, `agency`;
//! 3. one record per cell of the report's layout in canonical order (`t2.regulations.made_new`);
//! 4. `preamble`, then the six sections by their keys (`s1_overview` … `s6_other`), every one
//!    written even when empty, the text quoted with its line breaks.
//!
//! Figures are the canonical values (plain integers, money as a plain decimal in the column's
//! unit, no unit text) so that they parse back exactly; an absent cell has an empty value, never
//! `0`. Text that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, a tab
//! or a carriage return) gets a leading `'` ([`gongkai_report::spreadsheet::guard`]); figures such as `-4` are numbers
//! and are written as they are. `gongkai-reader` reads this file back to the same report.

use gongkai_report::spreadsheet::guard;
use gongkai_report::{Report, Section};

/// Excel reads a UTF-8 file as the local code page unless it starts with a byte order mark.
const BOM: char = '\u{feff}';

/// RFC 4180 ends every record with CRLF.
const EOL: &str = "\r\n";

/// Renders the report as a CSV table.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    out.push(BOM);
    push_record(&mut out, "cell", "value");
    push_record(&mut out, "format", report.format.as_str());
    push_record(&mut out, "year", &report.year.to_string());
    push_record(&mut out, "agency", &guard(&report.agency));
    for (key, value) in report.cells() {
        let value = value.map(|v| v.to_string()).unwrap_or_default();
        push_record(&mut out, &key.to_string(), &value);
    }
    push_record(&mut out, "preamble", &guard(&report.preamble));
    for &section in Section::ALL {
        push_record(&mut out, section.key(), &guard(report.section(section)));
    }
    out
}

fn push_record(out: &mut String, cell: &str, value: &str) {
    out.push_str(&field(cell));
    out.push(',');
    out.push_str(&field(value));
    out.push_str(EOL);
}

/// A field, quoted (with inner quotes doubled) when it holds a separator, a quote or a line
/// break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
