//! CSV (RFC 4180): one `cell,value` record per cell of the report in canonical order, for
//! spreadsheets and scripts. Values are the canonical ones (plain integers, money as a plain
//! decimal in the column's unit, no unit text) so that they parse back exactly; an absent cell
//! has an empty value, never `0`.

use gongkai_report::Report;

/// Excel reads a UTF-8 file as the local code page unless it starts with a byte order mark.
const BOM: char = '\u{feff}';

/// RFC 4180 ends every record with CRLF.
const EOL: &str = "\r\n";

/// Renders every cell of the report as a CSV table.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    out.push(BOM);
    push_record(&mut out, "cell", "value");
    for (key, value) in report.cells() {
        let value = value.map(|v| v.to_string()).unwrap_or_default();
        push_record(&mut out, &key.to_string(), &value);
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
