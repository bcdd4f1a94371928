//! gongkai's own exports read back: the CSV document (`gongkai report render --to csv`) and the
//! `单元格` sheet of the XLSX workbook (`--to xlsx`). Both are `cell,value` rows in the order
//! the renderer documents: the header `cell,value`, then `format`, `year`, `agency`, one row per
//! cell of the layout (`t2.regulations.made_new`, canonical values, empty for `null`),
//! `preamble` and the six sections (`s1_overview` … `s6_other`).
//!
//! - The CSV is sniffed by content: a first record `cell,value` (with or without a BOM, quoted
//!   or not, in any encoding [`crate::decode`] takes). Records follow RFC 4180 (quoted fields,
//!   doubled quotes, line breaks inside quotes); a bare LF ends a record too, as after a
//!   spreadsheet saved the file. Text fields lose the leading `'` the renderer put before a
//!   formula character (a field starting `'=`, `'+`, `'-`, `'@`, `'` + tab or CR, or `''`
//!   loses its first `'`), which undoes exactly what the renderer did.
//! - The XLSX is a ZIP package with `xl/workbook.xml`; its `单元格` sheet is read with
//!   `calamine`, cell by cell (never as one rectangular range, which a hostile sheet could make
//!   huge), and its texts are taken as they are (string cells are never formulas, so the
//!   renderer does not escape them). A workbook without that sheet is
//!   [`ReadError::NotAReport`]. A part whose declared size is over [`MAX_PART`] is not opened,
//!   and `calamine` runs under `catch_unwind`.
//! - Rows with the same text key one after another are one text (the renderer continues a text
//!   longer than a cell on the next rows). Every cell row is provenance: the CSV's line where its
//!   record starts ([`Source::Line`]), the sheet's row ([`Source::Sheet`]).
//! - A figure is read exactly (`i64` and decimal); a file edited in a spreadsheet may have
//!   `1,234` or a unit, which are read as published tables are; anything else (`3.4E+11`, a
//!   word) is a warning and the cell is blank (`null`), never a guess. Unknown keys and keys
//!   outside the format are warnings. No `year` row is [`ReadError::NotAReport`], as for a page
//!   without a year; without a `format` row the format comes from the cell keys (or the year).

use crate::norm::{self, norm};
use crate::{InputKind, Parsed, ReadError, Source};
use gongkai_report::template::{self, CellKind, Format};
use gongkai_report::{CellKey, Report, Section, Value};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::str::FromStr;

/// The sheet of `cell,value` rows in gongkai's workbook.
pub const CELLS_SHEET: &str = "单元格";

/// Upper bound on the declared (decompressed) size of one part of a workbook, and a quarter of
/// the bound on all of them: `calamine` reads parts whole.
pub const MAX_PART: u64 = 64 << 20;

/// Upper bound on the rows read (gongkai writes about 200, plus a few for very long texts).
const MAX_ROWS: usize = 100_000;

/// Whether a decoded text is gongkai's CSV: its first record is `cell,value`.
pub fn is_csv(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}');
    let first = t.split(['\r', '\n']).next().unwrap_or("");
    matches!(
        first.trim_end_matches(',').trim(),
        "cell,value" | "\"cell\",\"value\"" | "cell,\"value\"" | "\"cell\",value"
    )
}

/// Whether `bytes` is a ZIP package holding a workbook (`xl/workbook.xml`).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(zip) => zip.file_names().any(|n| n == "xl/workbook.xml"),
        Err(_) => false,
    }
}

/// One `cell,value` row: where it is, the key, and the value as text or a spreadsheet number.
struct Row {
    source: Source,
    key: String,
    value: Field,
}

enum Field {
    Text(String),
    Number(f64),
}

impl Field {
    /// The value as text: a number in its shortest exact decimal form (how the renderer
    /// decides that a number holds a figure exactly).
    fn text(&self) -> String {
        match self {
            Field::Text(s) => s.clone(),
            Field::Number(n) => n.to_string(),
        }
    }
}

/// Reads gongkai's CSV (already decoded).
pub fn read_csv(text: &str) -> Result<Parsed, ReadError> {
    let mut warnings = Vec::new();
    let records = csv_records(text.trim_start_matches('\u{feff}'), &mut warnings);
    let rows = records
        .into_iter()
        .skip(1)
        .filter(|(_, fields)| fields.iter().any(|f| !f.is_empty()))
        .map(|(line, mut fields)| {
            let value = if fields.len() > 1 {
                std::mem::take(&mut fields[1])
            } else {
                String::new()
            };
            let key = fields.into_iter().next().unwrap_or_default();
            Row {
                source: Source::Line { line },
                key: key.trim().to_owned(),
                value: Field::Text(value),
            }
        });
    build(rows, InputKind::Csv, true, warnings)
}

/// Splits CSV text into records of fields (RFC 4180, with the `csv` crate), each with the
/// (1-based) line where it starts.
fn csv_records(text: &str, warnings: &mut Vec<String>) -> Vec<(usize, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let (mut line, mut counted) = (1usize, 0usize);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                warnings.push(format!("CSV 在读取中出错（{e}），其后的内容未读取"));
                break;
            }
        };
        if records.len() >= MAX_ROWS {
            warnings.push(format!("CSV 超过 {MAX_ROWS} 行，其后的内容未读取"));
            break;
        }
        // The crate's own line number lags behind a CRLF (it counts the LF only once it reads
        // on), so the line is counted here: the record starts after the line breaks that
        // follow the byte offset the crate gives.
        let at = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        let rest = text.get(at..).unwrap_or("");
        let start = at + (rest.len() - rest.trim_start_matches(['\r', '\n']).len());
        line += line_feeds(text.get(counted..start).unwrap_or(""));
        counted = start.max(counted);
        records.push((line, record.iter().map(str::to_owned).collect()));
    }
    records
}

/// How many line feeds a text holds.
fn line_feeds(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count()
}

/// Reads the `单元格` sheet of gongkai's workbook.
pub fn read_xlsx(bytes: &[u8]) -> Result<Parsed, ReadError> {
    check_sizes(bytes)?;
    let rows = std::panic::catch_unwind(|| sheet_rows(bytes))
        .unwrap_or_else(|_| Err(bad("解析器内部错误")))?;
    let (rows, warnings) = rows;
    build(rows.into_iter(), InputKind::Xlsx, false, warnings)
}

fn bad(m: &str) -> ReadError {
    ReadError::Unreadable(format!("Excel 工作簿无法打开：{m}"))
}

/// Refuses a package whose parts declare more than [`MAX_PART`] each (or four times that in
/// all), before `calamine` decompresses them; a part cannot give more than it declares.
fn check_sizes(bytes: &[u8]) -> Result<(), ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e.to_string()))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(file) = zip.by_index_raw(i) else {
            continue;
        };
        let size = file.size();
        total = total.saturating_add(size);
        if size > MAX_PART || total > 4 * MAX_PART {
            return Err(ReadError::Unreadable(format!(
                "Excel 工作簿过大：{} 解压后有 {:.1} MB，超过 {} MB 的上限",
                file.name(),
                size as f64 / f64::from(1 << 20),
                MAX_PART >> 20
            )));
        }
    }
    Ok(())
}

/// The rows of the `单元格` sheet (columns A and B), in row order.
fn sheet_rows(bytes: &[u8]) -> Result<(Vec<Row>, Vec<String>), ReadError> {
    use calamine::{DataRef, Reader, Xlsx};
    let mut wb: Xlsx<Cursor<&[u8]>> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| bad(&e.to_string()))?;
    if !wb.sheet_names().iter().any(|n| n == CELLS_SHEET) {
        return Err(ReadError::NotAReport(format!(
            "Excel 工作簿中没有“{CELLS_SHEET}”工作表（gongkai 导出的年度报告才有）"
        )));
    }
    let sheet = wb
        .sheet_names()
        .iter()
        .position(|n| n == CELLS_SHEET)
        .unwrap_or(0);
    let mut warnings = Vec::new();
    let mut cells: BTreeMap<u32, (Option<Field>, Option<Field>)> = BTreeMap::new();
    let mut reader = wb
        .worksheet_cells_reader(CELLS_SHEET)
        .map_err(|e| bad(&e.to_string()))?;
    let mut seen = 0usize;
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                warnings.push(format!(
                    "“{CELLS_SHEET}”工作表在读取中出错（{e}），其后的内容未读取"
                ));
                break;
            }
        };
        seen += 1;
        if seen > 2 * MAX_ROWS + 2 {
            warnings.push(format!(
                "“{CELLS_SHEET}”工作表超过 {MAX_ROWS} 行，其后的内容未读取"
            ));
            break;
        }
        let (row, col) = cell.get_position();
        if col > 1 {
            continue;
        }
        let field = match cell.get_value() {
            DataRef::Int(n) => Some(Field::Text(n.to_string())),
            DataRef::Float(f) => Some(Field::Number(*f)),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                Some(Field::Text(s.clone()))
            }
            DataRef::SharedString(s) => Some(Field::Text((*s).to_owned())),
            DataRef::Bool(b) => Some(Field::Text(b.to_string())),
            DataRef::DateTime(d) => Some(Field::Number(d.as_f64())),
            DataRef::Error(e) => Some(Field::Text(format!("#{e}"))),
            DataRef::Empty => None,
        };
        let entry = cells.entry(row).or_insert((None, None));
        if col == 0 {
            entry.0 = field;
        } else {
            entry.1 = field;
        }
    }
    let mut rows = cells.into_iter();
    let header = rows.next();
    let is_header =
        |f: &Option<Field>, want: &str| matches!(f, Some(Field::Text(s)) if s.trim() == want);
    if !header.is_some_and(|(_, (k, v))| is_header(&k, "cell") && is_header(&v, "value")) {
        return Err(ReadError::NotAReport(format!(
            "“{CELLS_SHEET}”工作表的第一行不是 cell、value"
        )));
    }
    let rows = rows
        .filter_map(|(row, (key, value))| {
            let key = match key? {
                Field::Text(s) => s.trim().to_owned(),
                Field::Number(n) => n.to_string(),
            };
            Some(Row {
                source: Source::Sheet {
                    sheet,
                    row: row as usize + 1,
                },
                key,
                value: value.unwrap_or(Field::Text(String::new())),
            })
        })
        .collect();
    Ok((rows, warnings))
}

/// The key of a text row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextKey {
    Agency,
    Preamble,
    Section(Section),
}

impl TextKey {
    fn of(key: &str) -> Option<TextKey> {
        match key {
            "agency" => Some(TextKey::Agency),
            "preamble" => Some(TextKey::Preamble),
            _ => Section::from_key(key).map(TextKey::Section),
        }
    }
}

/// The report of the rows. `escaped`: text fields carry the CSV renderer's formula escaping.
fn build(
    rows: impl Iterator<Item = Row>,
    kind: InputKind,
    escaped: bool,
    mut warnings: Vec<String>,
) -> Result<Parsed, ReadError> {
    let mut format = None;
    let mut year = None;
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut figures: Vec<(CellKey, Source, Field)> = Vec::new();
    let mut last_text: Option<TextKey> = None;
    for row in rows {
        let text_key = TextKey::of(&row.key);
        let continued = text_key.is_some() && text_key == last_text;
        last_text = text_key;
        if let Some(k) = text_key {
            let mut value = row.value.text();
            if escaped {
                value = gongkai_report::spreadsheet::unguard(&value).to_owned();
            }
            let name = match k {
                TextKey::Agency => "agency".to_owned(),
                TextKey::Preamble => "preamble".to_owned(),
                TextKey::Section(s) => s.key().to_owned(),
            };
            match texts.get_mut(&name) {
                Some(t) if continued => t.push_str(&value),
                Some(_) => warnings.push(format!("{}：{name} 重复，已忽略", row.source)),
                None => {
                    texts.insert(name, value);
                }
            }
            continue;
        }
        match row.key.as_str() {
            "format" => {
                let v = row.value.text();
                match Format::parse(v.trim()) {
                    Some(f) if format.is_none() => format = Some(f),
                    Some(_) => warnings.push(format!("{}：format 重复，已忽略", row.source)),
                    None => warnings.push(format!(
                        "{}：格式“{v}”应为 2019 或 2021，已忽略",
                        row.source
                    )),
                }
            }
            "year" => {
                let v = row.value.text();
                match v.trim().parse::<i32>() {
                    Ok(y) if year.is_none() => year = Some(y),
                    Ok(_) => warnings.push(format!("{}：year 重复，已忽略", row.source)),
                    Err(_) => warnings.push(format!("{}：年度“{v}”不是整数，已忽略", row.source)),
                }
            }
            key => match CellKey::from_str(key) {
                Ok(k) => figures.push((k, row.source, row.value)),
                Err(_) => warnings.push(format!("{}：未知的键“{key}”，已忽略", row.source)),
            },
        }
    }
    let Some(year) = year else {
        return Err(ReadError::NotAReport(
            "gongkai 导出的单元格表中没有年度（year 行）".into(),
        ));
    };
    // Without a `format` row (an export of an earlier version): the keys say it when only one
    // format has them, else the year does.
    let format = format.unwrap_or_else(|| {
        let only = |f: Format, other: Format| {
            figures
                .iter()
                .any(|(k, _, _)| template::allows(f, *k) && !template::allows(other, *k))
        };
        if only(Format::F2021, Format::F2019) {
            Format::F2021
        } else if only(Format::F2019, Format::F2021) {
            Format::F2019
        } else {
            Format::for_year(year)
        }
    });
    let agency = texts.remove("agency").unwrap_or_default();
    if agency.trim().is_empty() {
        warnings.push("未找到机关名称（agency 行）".to_owned());
    }
    let mut report = Report::blank(format, year, agency);
    report.preamble = texts.remove("preamble").unwrap_or_default();
    for &s in Section::ALL {
        if let Some(t) = texts.remove(s.key()) {
            report.set_section(s, t);
        }
    }
    let mut provenance = BTreeMap::new();
    for (key, source, field) in figures {
        if provenance.contains_key(&key) {
            warnings.push(format!("{source}：{key} 重复，已忽略"));
            continue;
        }
        if !template::allows(format, key) {
            warnings.push(format!("{source}：{key} 不属于 {format} 格式，已忽略"));
            continue;
        }
        let value = match figure(&field, key.kind()) {
            Ok(v) => v,
            Err(e) => {
                warnings.push(format!("{source}：“{}” {e}，按空白处理", field.text()));
                None
            }
        };
        // The key and the value's kind are checked: this cannot fail.
        let _ = report.set(key, value);
        provenance.insert(key, source);
    }
    for key in report.printed_cells() {
        if !provenance.contains_key(&key) {
            warnings.push(format!("未找到{}", template::cell_name(format, key)));
        }
    }
    Ok(Parsed {
        report,
        provenance,
        kind,
        warnings,
    })
}

/// A figure's value: the canonical text exactly (an integer; a decimal in the column's unit),
/// else as a published table prints it (`1,234`, a unit); an empty value is `null`.
fn figure(field: &Field, kind: CellKind) -> Result<Option<Value>, String> {
    let text = field.text();
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let exact = match kind {
        CellKind::Count | CellKind::SignedCount => t.parse::<i64>().ok().map(Value::Int),
        CellKind::Money(_) => t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
            .then(|| Decimal::from_str(t).ok())
            .flatten()
            .map(|d| Value::Money(d.normalize())),
    };
    if let Some(v) = exact {
        return Ok(Some(v));
    }
    match norm::figure(&norm(t)) {
        Some(f) => norm::value(&f, kind),
        None => Err("不是数字".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_records_follow_rfc4180_and_count_lines() {
        let mut w = Vec::new();
        let r = csv_records("cell,value\r\na,\"x\r\ny\"\"\"\r\nb,2\n", &mut w);
        assert_eq!(r.len(), 3);
        assert_eq!(r[1], (2, vec!["a".to_owned(), "x\r\ny\"".to_owned()]));
        assert_eq!(r[2], (4, vec!["b".to_owned(), "2".to_owned()]));
        assert!(w.is_empty());
        // Blank lines are skipped and still counted; a bare LF ends a record.
        let r = csv_records("cell,value\n\n\r\nt2.x,1\nt2.y,2", &mut w);
        assert_eq!(r[1], (4, vec!["t2.x".to_owned(), "1".to_owned()]));
        assert_eq!(r[2], (5, vec!["t2.y".to_owned(), "2".to_owned()]));
    }

    #[test]
    fn sniffs_the_header_only() {
        assert!(is_csv("\u{feff}cell,value\r\nformat,2019\r\n"));
        assert!(is_csv("\"cell\",\"value\"\n"));
        assert!(!is_csv("cell,value,extra\n"));
        assert!(!is_csv("key,value\n"));
    }
}
