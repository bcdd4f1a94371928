//! A CSV or XLSX file as rows of cells, before any cell is interpreted by its column.
//!
//! A catalogue is read whole (tens of thousands of rows at most, unlike a province's request
//! ledger), so this is the plain form of `gongkai-ledger`'s streaming readers.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use gongkai_report::spreadsheet::unguard;

use crate::values::{date_from_number, date_from_text};

/// Columns from this one on are ignored: a CSV row of a million commas must not become a million
/// cells (Excel has 16,384 columns).
pub(crate) const MAX_COLUMNS: usize = 16_384;

/// One cell as read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell Excel stores as a date: the date if it is a valid calendar date, and the raw value
    /// for messages.
    Date(Option<NaiveDate>, String),
    /// Booleans and errors (`#N/A`): never a valid catalogue value.
    Other(String),
}

impl Cell {
    fn from_data(d: &Data) -> Cell {
        match d {
            Data::Empty => Cell::Empty,
            Data::String(s) if s.trim().is_empty() => Cell::Empty,
            Data::String(s) => Cell::Text(s.clone()),
            #[allow(clippy::cast_precision_loss)]
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::Bool(b) => Cell::Other(if *b { "TRUE" } else { "FALSE" }.to_string()),
            Data::DateTime(dt) => {
                let v = dt.as_f64();
                let date = if dt.is_datetime() && (0.0..2_958_466.0).contains(&v) {
                    let (y, m, day, ..) = dt.to_ymd_hms_milli();
                    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))
                } else {
                    None
                };
                Cell::Date(date, v.to_string())
            }
            Data::DateTimeIso(s) => Cell::Date(date_from_text(s), s.clone()),
            Data::DurationIso(s) => Cell::Other(s.clone()),
            Data::Error(e) => Cell::Other(e.to_string()),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, trimmed. Integral numbers print without a decimal point (an 索引号
    /// typed as `2020001` is read as `"2020001"`).
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(f) => {
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    format!("{f:.0}")
                } else {
                    f.to_string()
                }
            }
            Cell::Date(Some(d), _) => d.format("%Y-%m-%d").to_string(),
            Cell::Date(None, raw) | Cell::Other(raw) => raw.clone(),
        }
    }

    /// The cell as text, untrimmed: a 正文 keeps its HTML exactly as written.
    pub(crate) fn raw_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            _ => self.text(),
        }
    }

    /// `Ok(None)` when empty; `Err(raw)` when not a date.
    pub(crate) fn date(&self) -> Result<Option<NaiveDate>, String> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Text(s) if s.trim().is_empty() => Ok(None),
            Cell::Text(s) => date_from_text(s)
                .map(Some)
                .ok_or_else(|| s.trim().to_string()),
            Cell::Number(f) => date_from_number(*f).map(Some).ok_or_else(|| self.text()),
            Cell::Date(d, raw) => d.map(Some).ok_or_else(|| raw.clone()),
            Cell::Other(raw) => Err(raw.clone()),
        }
    }
}

/// A row as read: its number as Excel shows it, and its cells by column (0 is `A`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) number: u32,
    pub(crate) cells: Vec<Cell>,
}

impl Row {
    pub(crate) fn get(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&Cell::Empty)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.cells.iter().all(Cell::is_empty)
    }
}

/// Decodes a CSV file: UTF-8 with or without BOM, UTF-16 with BOM, otherwise GB18030 (a
/// superset of GBK, what Excel writes as "CSV" on Chinese Windows). `None`: no encoding decodes
/// it.
pub(crate) fn decode_csv(bytes: &[u8]) -> Option<(String, &'static Encoding)> {
    let (encoding, rest): (&'static Encoding, &[u8]) =
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            (UTF_8, rest)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            (UTF_16LE, rest)
        } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            (UTF_16BE, rest)
        } else if std::str::from_utf8(bytes).is_ok() {
            (UTF_8, bytes)
        } else {
            (GB18030, bytes)
        };
    encoding
        .decode_without_bom_handling_and_without_replacement(rest)
        .map(|text| (text.into_owned(), encoding))
}

/// The rows of a CSV file: comma- or tab-separated, whichever the first line has more of. Rows
/// are numbered by record from 1, as Excel numbers a CSV's rows.
pub(crate) fn csv_rows(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let Some((text, _)) = decode_csv(bytes) else {
        return Err("无法识别文件的编码：请另存为 UTF-8 或 GBK 编码的 CSV 文件".to_string());
    };
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut number: u32 = 0;
    loop {
        number = number.saturating_add(1);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut cells: Vec<Cell> = record
                    .iter()
                    .take(MAX_COLUMNS)
                    .map(|s| {
                        if s.trim().is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(unguard(s).to_string())
                        }
                    })
                    .collect();
                while cells.last().is_some_and(Cell::is_empty) {
                    cells.pop();
                }
                rows.push(Row { number, cells });
            }
            Err(e) => return Err(format!("第{number}行 CSV 格式错误：{e}")),
        }
    }
    Ok(rows)
}

/// The sheets of an XLSX workbook, by name, each as rows.
pub(crate) fn xlsx_sheets(bytes: &[u8]) -> Result<Vec<(String, Vec<Row>)>, String> {
    // calamine parses untrusted zip and XML; a panic inside it must not escape.
    catch_unwind(AssertUnwindSafe(|| read_xlsx(bytes))).unwrap_or_else(|_| {
        Err("无法读取 XLSX 文件（文件内容损坏），请用 Excel 打开后重新保存".to_string())
    })
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<(String, Vec<Row>)>, String> {
    let unreadable =
        |e: &dyn std::fmt::Display| format!("无法读取 XLSX 文件（{e}），请确认文件未损坏");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = match wb.worksheet_range(&name) {
            Ok(r) => r,
            // A chart sheet holds no cells.
            Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(unreadable(&e)),
        };
        let (top, left) = range.start().unwrap_or((0, 0));
        let left = usize::try_from(left).unwrap_or(usize::MAX);
        let mut rows = Vec::new();
        for (i, r) in range.rows().enumerate() {
            let number = u32::try_from(i)
                .ok()
                .and_then(|i| i.checked_add(top))
                .and_then(|n| n.checked_add(1))
                .unwrap_or(u32::MAX);
            let mut cells = vec![Cell::Empty; left.min(MAX_COLUMNS)];
            cells.extend(
                r.iter()
                    .take(MAX_COLUMNS.saturating_sub(left))
                    .map(Cell::from_data),
            );
            while cells.last().is_some_and(Cell::is_empty) {
                cells.pop();
            }
            rows.push(Row { number, cells });
        }
        sheets.push((name, rows));
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encodings() {
        let (gbk, _, _) =
            GB18030.encode("索引号,信息名称\n1,关于印发《盐湖区政务公开工作方案》的通知\n");
        let rows = csv_rows(&gbk).unwrap();
        assert_eq!(
            rows[1].get(1).text(),
            "关于印发《盐湖区政务公开工作方案》的通知"
        );
        let mut le = vec![0xFF, 0xFE];
        for u in "a\tb\n甲\t乙\n".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let rows = csv_rows(&le).unwrap();
        assert_eq!(rows[1].get(0).text(), "甲");
        assert_eq!(rows[1].get(1).text(), "乙");
        assert!(csv_rows(b"\xEF\xBB\xBF\xFF").is_err());
    }

    #[test]
    fn guarded_cells_lose_their_quote() {
        let rows = csv_rows("索引号,信息名称\nA1,'=HYPERLINK(1)\n".as_bytes()).unwrap();
        assert_eq!(rows[1].get(1).text(), "=HYPERLINK(1)");
        assert_eq!(rows[1].number, 2);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(xlsx_sheets(b"PK\x03\x04 not really a zip").is_err());
        assert!(xlsx_sheets(b"").is_err());
    }
}
