//! A CSV or XLSX file as rows of cells, before any cell is interpreted by its column.
//!
//! A catalogue is read whole (tens of thousands of rows at most, unlike a province's request
//! ledger), so this is the plain form of `gongkai-ledger`'s streaming readers.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Reader, Xlsx};
use gongkai_report::spreadsheet::unguard;

use crate::values::date_from_text;

pub use gongkai_sheet::{Cell, MAX_COLUMNS};

/// A row as read: its number as Excel shows it, and its cells by column (0 is `A`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn get(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&Cell::Empty)
    }

    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(Cell::is_empty)
    }
}

/// The rows of a CSV file: comma- or tab-separated, whichever the first line has more of. Rows
/// are numbered by record from 1, as Excel numbers a CSV's rows.
pub fn csv_rows(bytes: &[u8]) -> Result<Vec<Row>, String> {
    // UTF-8 with or without BOM, UTF-16 with BOM, otherwise GB18030: see `gongkai_sheet::decode`.
    let Some((text, _)) = gongkai_sheet::decode(bytes) else {
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
pub fn xlsx_sheets(bytes: &[u8]) -> Result<Vec<(String, Vec<Row>)>, String> {
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
                    .map(|d| Cell::from_data(d, date_from_text)),
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
    use encoding_rs::GB18030;

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
