//! The directory table and the channel counts table: read from XLSX or CSV with the catalogue
//! import's cells (`gongkai_catalogue_import::cells`), every bad row reported by row and
//! column, all or nothing; and the blank directory template.

use std::collections::HashMap;

use chrono::Datelike;
use gongkai_cases::limits::check_text;
use gongkai_catalogue_import::cells::{Cell, Row, csv_rows, xlsx_sheets};
use gongkai_catalogue_import::{ImportError, ImportErrors, TableKind, header_key, split_list};
use gongkai_sheet::ErrorLog;
use gongkai_sheet::xlsx::Formats;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::{MAX_CODE_CHARS, StandardItem};

/// The directory's columns, in template order.
pub const HEADERS: [&str; 8] = [
    "事项编号",
    "领域",
    "事项名称",
    "公开内容",
    "公开依据",
    "公开时限",
    "公开主体",
    "公开渠道",
];
/// The columns a directory must fill (事项编号, 领域, 事项名称).
const REQUIRED: usize = 3;

/// The channel counts table's columns: the channel's name as registered, the month
/// (`2025-03`, `2025年3月`), the number of posts not in the catalogue.
pub const COUNT_HEADERS: [&str; 3] = ["渠道名称", "月份", "发布条数"];

/// The directory sheet of the template.
const SHEET: &str = "标准目录";
const INSTRUCTIONS: &str = "说明";
/// The longest text of a cell other than 事项编号.
const MAX_TEXT_CHARS: usize = 4000;
/// How far down the header row is looked for (a title row may sit above it).
const HEADER_SEARCH_ROWS: usize = 10;

/// A row of the counts table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostCountRow {
    /// The row number as Excel shows it.
    pub row: u32,
    /// 渠道名称.
    pub channel: String,
    pub year: i32,
    pub month: u32,
    pub posts: i64,
}

fn file_error(message: impl Into<String>) -> ImportErrors {
    ImportErrors::from(ImportError {
        row: None,
        column: None,
        message: message.into(),
    })
}

/// A file's rows, where its header row is, and the column of each expected header.
type Table = (Vec<Row>, usize, Vec<Option<usize>>);

/// The rows of the file: the sheet named `sheet` of a workbook (else the first sheet whose
/// first rows hold `headers[0]`), or a CSV file; and where each of `headers` is in the header
/// row, which must hold the first `required` of them.
fn table(
    bytes: &[u8],
    kind: TableKind,
    sheet: &str,
    headers: &[&str],
    required: usize,
) -> Result<Table, ImportErrors> {
    let header_at = |rows: &[Row]| {
        rows.iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .take(HEADER_SEARCH_ROWS)
            .find(|(_, r)| {
                r.cells
                    .iter()
                    .any(|c| header_key(&c.text()) == header_key(headers[0]))
            })
            .map(|(i, _)| i)
    };
    let rows = match kind {
        TableKind::Csv => csv_rows(bytes).map_err(file_error)?,
        TableKind::Xlsx => {
            let mut sheets = xlsx_sheets(bytes).map_err(file_error)?;
            let i = sheets
                .iter()
                .position(|(n, _)| n == sheet)
                .or_else(|| sheets.iter().position(|(_, r)| header_at(r).is_some()))
                .unwrap_or(0);
            if sheets.is_empty() {
                return Err(file_error("工作簿中没有工作表"));
            }
            sheets.swap_remove(i).1
        }
    };
    let Some(at) = header_at(&rows) else {
        return Err(file_error(format!(
            "找不到表头：前{HEADER_SEARCH_ROWS}行中没有“{}”列（表头应为：{}）",
            headers[0],
            headers.join("、")
        )));
    };
    let cols: Vec<Option<usize>> = headers
        .iter()
        .map(|h| {
            rows[at]
                .cells
                .iter()
                .position(|c| header_key(&c.text()) == header_key(h))
        })
        .collect();
    let missing: Vec<&str> = headers[..required]
        .iter()
        .zip(&cols)
        .filter(|(_, c)| c.is_none())
        .map(|(h, _)| *h)
        .collect();
    if !missing.is_empty() {
        return Err(file_error(format!("缺少必需的列：{}", missing.join("、"))));
    }
    Ok((rows, at, cols))
}

/// Reads a standard directory: the sheet `标准目录` of a workbook (else the first sheet with a
/// `事项编号` column), or a CSV file (UTF-8, UTF-16 or GBK). Columns in any order; 事项编号, 领域
/// and 事项名称 required in every row; a 事项编号 unique, at most [`MAX_CODE_CHARS`] characters,
/// without the separators of a catalogue's 标准目录事项 (`、` `;` `,`).
///
/// # Errors
/// Every problem, by row and column; nothing is returned unless every row is right.
pub fn read_directory(bytes: &[u8], kind: TableKind) -> Result<Vec<StandardItem>, ImportErrors> {
    let (rows, at, cols) = table(bytes, kind, SHEET, &HEADERS, REQUIRED)?;
    let mut log = ErrorLog::default();
    let mut items = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in rows.iter().skip(at + 1).filter(|r| !r.is_empty()) {
        let mut err = |col: usize, message: String| {
            log.push(ImportError {
                row: Some(row.number),
                column: Some(HEADERS[col].to_string()),
                message,
            });
        };
        let mut values: Vec<String> = Vec::with_capacity(HEADERS.len());
        for (i, col) in cols.iter().enumerate() {
            let cell = col.map_or(&Cell::Empty, |c| row.get(c));
            let text = match cell {
                Cell::Other(raw) => {
                    err(i, format!("无法识别的值“{raw}”"));
                    String::new()
                }
                cell => cell.text().trim().to_string(),
            };
            let max = if i == 0 {
                MAX_CODE_CHARS
            } else {
                MAX_TEXT_CHARS
            };
            if let Err(m) = check_text(HEADERS[i], &text, max, i > 2) {
                err(i, m);
            }
            if i < REQUIRED && text.is_empty() && !matches!(cell, Cell::Other(_)) {
                err(i, format!("必须填写{}", HEADERS[i]));
            }
            values.push(text);
        }
        let code = &values[0];
        if split_list(code).len() > 1 {
            err(
                0,
                format!("事项编号“{code}”含有分隔符（、；，）：目录信息以这些符号分隔多个事项编号"),
            );
        } else if !code.is_empty() {
            match seen.get(code) {
                Some(first) => err(0, format!("事项编号“{code}”与第{first}行重复")),
                None => {
                    seen.insert(code.clone(), row.number);
                }
            }
        }
        let mut v = values.into_iter();
        let mut next = || v.next().unwrap_or_default();
        items.push(StandardItem {
            code: next(),
            domain: next(),
            name: next(),
            content: next(),
            basis: next(),
            time_limit: next(),
            body: next(),
            channels: next(),
        });
    }
    match log.into_errors() {
        Some(errors) => Err(errors),
        None => Ok(items),
    }
}

/// Reads a month: `2025-03`, `2025/3`, `2025.3`, `2025年3月`, `202503`, or a date cell (its
/// month).
fn month_of(cell: &Cell) -> Result<(i32, u32), String> {
    let text = match cell {
        Cell::Date(Some(d), _) => return Ok((d.year(), d.month())),
        Cell::Number(n) if n.fract() == 0.0 && (190_001.0..=299_912.0).contains(n) => {
            format!("{n:.0}")
        }
        other => other.text(),
    };
    let t = text.trim().trim_end_matches('月').trim_end_matches("份");
    let (y, m) = if let Some((y, m)) = t.split_once(['-', '/', '.', '年']) {
        (y.trim(), m.trim())
    } else if t.len() == 6 && t.chars().all(|c| c.is_ascii_digit()) {
        t.split_at(4)
    } else {
        ("", "")
    };
    let y: Option<i32> = y.parse().ok().filter(|y| (1990..=2100).contains(y));
    let m: Option<u32> = m.parse().ok().filter(|m| (1..=12).contains(m));
    match (y, m) {
        (Some(y), Some(m)) => Ok((y, m)),
        _ => Err(format!(
            "无法识别的月份“{text}”，应写作如 2025-03 或 2025年3月"
        )),
    }
}

/// Reads the monthly counts of posts not in the catalogue: columns [`COUNT_HEADERS`], one row
/// per channel and month, each (channel, month) once.
///
/// # Errors
/// Every problem, by row and column; nothing is returned unless every row is right.
pub fn read_post_counts(bytes: &[u8], kind: TableKind) -> Result<Vec<PostCountRow>, ImportErrors> {
    let (rows, at, cols) = table(bytes, kind, "发布条数", &COUNT_HEADERS, 3)?;
    let mut log = ErrorLog::default();
    let mut out = Vec::new();
    let mut seen: HashMap<(String, i32, u32), u32> = HashMap::new();
    for row in rows.iter().skip(at + 1).filter(|r| !r.is_empty()) {
        let mut err = |col: usize, message: String| {
            log.push(ImportError {
                row: Some(row.number),
                column: Some(COUNT_HEADERS[col].to_string()),
                message,
            });
        };
        let cell = |i: usize| cols[i].map_or(&Cell::Empty, |c| row.get(c));
        let channel = cell(0).text().trim().to_string();
        if channel.is_empty() {
            err(0, "必须填写渠道名称".to_string());
        }
        let month = month_of(cell(1)).map_err(|m| err(1, m)).ok();
        let posts = match cell(2) {
            Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e12 => Some(*n as i64),
            Cell::Text(t) => t.trim().parse::<i64>().ok().filter(|n| *n >= 0),
            _ => None,
        };
        if posts.is_none() {
            err(
                2,
                format!("发布条数应为不小于 0 的整数，而不是“{}”", cell(2).text()),
            );
        }
        if let (Some((year, month)), Some(posts), false) = (month, posts, channel.is_empty()) {
            match seen.get(&(channel.clone(), year, month)) {
                Some(first) => err(
                    1,
                    format!("渠道“{channel}”{year}年{month}月的条数与第{first}行重复"),
                ),
                None => {
                    seen.insert((channel.clone(), year, month), row.number);
                    out.push(PostCountRow {
                        row: row.number,
                        channel,
                        year,
                        month,
                        posts,
                    });
                }
            }
        }
    }
    match log.into_errors() {
        Some(errors) => Err(errors),
        None => Ok(out),
    }
}

/// The blank directory template: sheet `标准目录` with [`HEADERS`] (bold, frozen, 事项编号 as
/// text), and sheet `说明` explaining every column with an example row. It reads back as no
/// items.
///
/// # Errors
/// Only if the XLSX writer fails.
pub fn template() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let Formats {
        header, text, wrap, ..
    } = Formats::default();
    let ws = wb.add_worksheet().set_name(SHEET)?;
    for (i, name) in HEADERS.iter().enumerate() {
        let c = u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(0, c, *name, &header)?;
        ws.set_column_width(c, if i < 3 { 16.0 } else { 30.0 })?;
        if i > 2 {
            ws.set_column_format(c, &wrap)?;
        }
    }
    ws.set_column_format(0, &text)?;
    ws.set_freeze_panes(1, 0)?;
    let help = wb.add_worksheet().set_name(INSTRUCTIONS)?;
    let notes: [(&str, &str, &str); 8] = [
        (
            "事项编号",
            "必填；本机关目录内唯一，目录信息的“标准目录事项”列填写它",
            "CZ-001",
        ),
        (
            "领域",
            "必填；如 财政预决算、义务教育、社会救助",
            "财政预决算",
        ),
        ("事项名称", "必填", "部门预算"),
        ("公开内容", "公开内容（要素）", "部门预算报表及说明"),
        (
            "公开依据",
            "法律、法规、规章或文件",
            "《中华人民共和国预算法》第十四条",
        ),
        (
            "公开时限",
            "如“信息形成或变更之日起20个工作日内”（第二十六条）、“每年3月31日前”、“常态化公开”；\
             无法识别的写法照录，只检查本年度有无公开",
            "批复后20日内",
        ),
        ("公开主体", "负责公开的机关或内设机构", "区财政局"),
        (
            "公开渠道",
            "如 政府网站、政务新媒体、公开查阅点",
            "政府网站",
        ),
    ];
    for (i, h) in ["列名", "填写说明", "示例"].iter().enumerate() {
        let c = u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
        help.write_string_with_format(0, c, *h, &header)?;
    }
    for (r, (name, note, example)) in notes.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        help.write_string(r, 0, *name)?;
        help.write_string_with_format(r, 1, *note, &wrap)?;
        help.write_string(r, 2, *example)?;
    }
    help.set_column_width(0, 12.0)?;
    help.set_column_width(1, 60.0)?;
    help.set_column_width(2, 30.0)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_directory_reads_and_every_bad_row_is_reported() {
        let csv = "标准目录（2025版）\n\
            事项编号,领域,事项名称,公开时限\n\
            CZ-1,财政,部门预算,每年3月31日前\n\
            CZ-2,财政,部门决算,\n";
        let items = read_directory(csv.as_bytes(), TableKind::Csv).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].time_limit, "每年3月31日前");
        assert_eq!(items[1].content, "");
        let bad = "事项编号,领域,事项名称\nCZ-1,财政,部门预算\nCZ-1,,部门决算\n\"A、B\",财政,x\n";
        let e = read_directory(bad.as_bytes(), TableKind::Csv).unwrap_err();
        let text = e.to_string();
        assert_eq!(e.total, 3, "{text}");
        assert!(
            text.contains("第3行“事项编号”：事项编号“CZ-1”与第2行重复"),
            "{text}"
        );
        assert!(text.contains("第3行“领域”：必须填写领域"), "{text}");
        assert!(text.contains("第4行“事项编号”"), "{text}");
        let e = read_directory("领域,事项名称\n".as_bytes(), TableKind::Csv).unwrap_err();
        assert!(e.to_string().contains("找不到表头"), "{e}");
        let e = read_directory("事项编号,事项名称\n".as_bytes(), TableKind::Csv).unwrap_err();
        assert!(e.to_string().contains("缺少必需的列：领域"), "{e}");
    }

    #[test]
    fn the_template_reads_back_empty() {
        let bytes = template().unwrap();
        assert!(read_directory(&bytes, TableKind::Xlsx).unwrap().is_empty());
    }

    #[test]
    fn counts() {
        let csv = "渠道名称,月份,发布条数\n区政府微信,2025-03,12\n区政府微信,2025年4月,0\n区政府微博,202501,7\n";
        let rows = read_post_counts(csv.as_bytes(), TableKind::Csv).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[1].year, rows[1].month, rows[1].posts), (2025, 4, 0));
        assert_eq!((rows[2].year, rows[2].month), (2025, 1));
        let bad =
            "渠道名称,月份,发布条数\n,2025-13,-1\n区政府微信,2025-03,1\n区政府微信,2025/3,2\n";
        let e = read_post_counts(bad.as_bytes(), TableKind::Csv).unwrap_err();
        assert_eq!(e.total, 4, "{e}");
        assert!(e.to_string().contains("第4行“月份”"), "{e}");
    }
}
