//! A catalogue table (gongkai's template or a CMS export) read into documents.

use std::collections::HashMap;

use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use gongkai_cases::limits::{MAX_AGENCY_CHARS, check_text};
use gongkai_catalogue::{DocNumber, IndexNumber, NewDocument, Validity};

use crate::cells::{Cell, Row, csv_rows, xlsx_sheets};
use crate::columns::{Column, HeaderMapping};
use crate::template::{CATALOGUE_SHEET, INSTRUCTIONS_SHEET, OPTIONS_SHEET};
use crate::values::{body_of, check_date, date_from_text};
use crate::{ErrorLog, ImportErrors, ImportedDocument, file_error, log_error};
use gongkai_catalogue::vocab::{ValidityWord, parse_category, parse_item, parse_validity, shown};

/// The kind of a table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Csv,
    Xlsx,
}

/// How a table is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// How the file's headers map onto the template's columns.
    pub mapping: HeaderMapping,
    /// The date of the import: no document can have been written, published or repealed after
    /// it.
    pub today: NaiveDate,
    /// The 发布机构 of rows that leave it empty (the CLI's `--agency`).
    pub default_agency: Option<String>,
}

impl ReadOptions {
    /// The built-in header mapping, no default agency.
    pub fn new(today: NaiveDate) -> Self {
        ReadOptions {
            mapping: HeaderMapping::builtin(),
            today,
            default_agency: None,
        }
    }
}

/// The longest texts a catalogue cell may hold, in characters: far beyond any real value, short
/// enough that a pasted file in a cell is refused rather than stored.
const MAX_INDEX_CHARS: usize = 100;
const MAX_TITLE_CHARS: usize = 500;
const MAX_SHORT_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 2_000_000;
/// 标准目录事项 and 发布渠道: lists of short names.
const MAX_LIST_CHARS: usize = 2000;

/// How far down a sheet the header row is looked for (a title row may sit above it), in
/// non-empty rows.
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads a catalogue table: the sheet `目录` of an XLSX workbook (else the first sheet with a
/// header row of catalogue columns), or a CSV file. Returns every document in file order, or
/// every problem found (all or nothing).
///
/// `resolve_agency` finds the agency of a 发布机构 name (an empty cell is
/// [`ReadOptions::default_agency`]); each distinct name is asked once.
///
/// # Errors
/// [`ImportErrors`]: the file cannot be read, has no header row or lacks a required column, or
/// rows are wrong (each error with its row and column).
pub fn read_table(
    bytes: &[u8],
    kind: TableKind,
    options: &ReadOptions,
    resolve_agency: &dyn Fn(&str) -> Option<AgencyId>,
) -> Result<Vec<ImportedDocument>, ImportErrors> {
    let rows = match kind {
        TableKind::Csv => csv_rows(bytes).map_err(file_error)?,
        TableKind::Xlsx => pick_sheet(xlsx_sheets(bytes).map_err(file_error)?, &options.mapping)?,
    };
    let (header_at, header) = find_header(&rows, &options.mapping)?;
    let mut reader = RowReader {
        header: &header,
        options,
        resolve_agency,
        agencies: HashMap::new(),
    };
    let mut log = ErrorLog::default();
    let mut docs = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for row in rows.iter().skip(header_at + 1).filter(|r| !r.is_empty()) {
        match reader.read(row) {
            Ok(doc) => {
                let key = doc.document.index_number.key();
                if let Some(first) = seen.get(&key) {
                    log_error(
                        &mut log,
                        Some(row.number),
                        Some(header.label(Column::IndexNumber)),
                        format!(
                            "索引号“{}”与第{first}行重复",
                            shown(&doc.document.index_number.raw)
                        ),
                    );
                } else {
                    seen.insert(key, row.number);
                }
                // Once a row is wrong nothing will be returned: stop holding documents.
                if log.is_empty() {
                    docs.push(doc);
                }
            }
            Err(errors) => {
                docs.clear();
                for (column, message) in errors {
                    log_error(&mut log, Some(row.number), Some(column), message);
                }
            }
        }
    }
    log.into_errors().map_or(Ok(docs), Err)
}

/// The sheet holding the catalogue: `目录`, else the first sheet (but the template's `说明` and
/// `选项`) with a header row.
fn pick_sheet(
    sheets: Vec<(String, Vec<Row>)>,
    mapping: &HeaderMapping,
) -> Result<Vec<Row>, ImportErrors> {
    let mut candidates: Vec<(String, Vec<Row>)> = sheets
        .into_iter()
        .filter(|(n, _)| n != INSTRUCTIONS_SHEET && n != OPTIONS_SHEET)
        .collect();
    if let Some(i) = candidates.iter().position(|(n, _)| n == CATALOGUE_SHEET) {
        return Ok(candidates.swap_remove(i).1);
    }
    let found = candidates
        .iter()
        .position(|(_, rows)| find_header(rows, mapping).is_ok());
    match found {
        Some(i) => Ok(candidates.swap_remove(i).1),
        // The first sheet's own complaint is the most useful message.
        None => match candidates.into_iter().next() {
            Some((_, rows)) => Ok(rows),
            None => Err(file_error("工作簿中没有工作表")),
        },
    }
}

/// The header row of a table: where each column is, and what the file calls it.
#[derive(Debug)]
struct Header {
    /// Column → (index in the row, the file's header text).
    cols: HashMap<Column, (usize, String)>,
}

impl Header {
    fn get<'r>(&self, row: &'r Row, column: Column) -> &'r Cell {
        self.cols
            .get(&column)
            .map_or(&Cell::Empty, |(i, _)| row.get(*i))
    }

    /// How messages name a column: the file's header, with the template's name in brackets
    /// when the file calls it otherwise.
    fn label(&self, column: Column) -> String {
        match self.cols.get(&column) {
            Some((_, h))
                if crate::columns::header_key(h) != crate::columns::header_key(column.header()) =>
            {
                format!("{h}（{}）", column.header())
            }
            Some((_, h)) => h.clone(),
            None => column.header().to_string(),
        }
    }
}

/// Finds the header row among the first non-empty rows: the one naming the most catalogue
/// columns. Returns its index in `rows`.
fn find_header(rows: &[Row], mapping: &HeaderMapping) -> Result<(usize, Header), ImportErrors> {
    let recognised = |row: &Row| {
        row.cells
            .iter()
            .filter(|c| matches!(mapping.column(&c.text()), Some(Some(_))))
            .count()
    };
    let best = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .take(HEADER_SEARCH_ROWS)
        .map(|(i, r)| (i, recognised(r)))
        .filter(|(_, n)| *n > 0)
        // The first of the rows naming the most columns.
        .fold(None, |best: Option<(usize, usize)>, (i, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((i, n)),
        });
    let Some((at, _)) = best else {
        return Err(file_error(format!(
            "找不到表头：前{HEADER_SEARCH_ROWS}行中没有“{}”“{}”等目录的列名；其他系统导出的文件请提供表头映射（如“标题=信息名称”）",
            Column::IndexNumber.header(),
            Column::Title.header()
        )));
    };
    let row = &rows[at];
    let mut log = ErrorLog::default();
    let mut cols: HashMap<Column, (usize, String)> = HashMap::new();
    for (i, cell) in row.cells.iter().enumerate() {
        let text = cell.text();
        let Some(Some(column)) = mapping.column(&text) else {
            continue;
        };
        match cols.get(&column) {
            Some((_, first)) => log_error(
                &mut log,
                Some(row.number),
                None,
                format!(
                    "表头“{first}”和“{text}”都对应“{}”：请在表头映射中指定其一，或写“{text}=”忽略该列",
                    column.header()
                ),
            ),
            None => {
                cols.insert(column, (i, text));
            }
        }
    }
    let missing: Vec<String> = Column::ALL
        .iter()
        .filter(|c| c.required() && !cols.contains_key(c))
        .map(|c| format!("“{}”", c.header()))
        .collect();
    if !missing.is_empty() {
        log_error(
            &mut log,
            Some(row.number),
            None,
            format!("缺少必填列：{}", missing.join("、")),
        );
    }
    log.into_errors().map_or(Ok((at, Header { cols })), Err)
}

struct RowReader<'a> {
    header: &'a Header,
    options: &'a ReadOptions,
    resolve_agency: &'a dyn Fn(&str) -> Option<AgencyId>,
    /// Names already resolved.
    agencies: HashMap<String, Option<AgencyId>>,
}

/// A single-line text: the lines of a cell typed with Alt+Enter joined (Chinese text needs no
/// space between them), trimmed.
fn one_line(s: &str) -> String {
    s.lines().map(str::trim).collect::<Vec<_>>().join("")
}

impl RowReader<'_> {
    /// The document of a row, or its errors as (column label, message).
    fn read(&mut self, row: &Row) -> Result<ImportedDocument, Vec<(String, String)>> {
        let h = self.header;
        let today = self.options.today;
        let mut errors: Vec<(String, String)> = Vec::new();
        let mut err = |column: Column, message: String| errors.push((h.label(column), message));
        let text = |column: Column| one_line(&h.get(row, column).text());
        // A text cell, checked for its length and control characters.
        let checked = |column: Column, max: usize, err: &mut dyn FnMut(Column, String)| {
            let value = text(column);
            match check_text(column.header(), &value, max, false) {
                Ok(()) => value,
                Err(m) => {
                    err(column, m);
                    String::new()
                }
            }
        };

        let index_text = checked(Column::IndexNumber, MAX_INDEX_CHARS, &mut err);
        let index_number = IndexNumber::parse(&index_text);
        if index_text.is_empty() {
            err(Column::IndexNumber, "必须填写索引号".to_string());
        } else if let Err(e) = index_number.check() {
            err(Column::IndexNumber, e.to_string());
        }
        let title = checked(Column::Title, MAX_TITLE_CHARS, &mut err);
        if title.is_empty() && h.get(row, Column::Title).is_empty() {
            err(Column::Title, "必须填写信息名称".to_string());
        }
        let agency_name = checked(Column::Agency, MAX_AGENCY_CHARS, &mut err);
        let agency = self.agency(&agency_name, &mut err);
        let doc_number = DocNumber::parse(&checked(Column::DocNumber, MAX_SHORT_CHARS, &mut err));

        let date = |column: Column, err: &mut dyn FnMut(Column, String)| match h
            .get(row, column)
            .date(date_from_text)
        {
            Ok(None) => None,
            Ok(Some(d)) => match check_date(d, today) {
                Ok(d) => Some(d),
                Err(m) => {
                    err(column, m);
                    None
                }
            },
            Err(raw) => {
                err(
                    column,
                    format!("无法识别的日期“{}”，应写作如 2020-03-05", shown(&raw)),
                );
                None
            }
        };
        let written = date(Column::Written, &mut err);
        let published_cell_empty = h.get(row, Column::Published).is_empty();
        let published = date(Column::Published, &mut err);
        if published_cell_empty {
            err(Column::Published, "必须填写发布日期".to_string());
        }
        let repealed = date(Column::Repealed, &mut err);
        // 第二十六条 counts from the day a document is formed to its publication: a document
        // cannot be published before it was written.
        if let (Some(w), Some(p)) = (written, published)
            && w > p
        {
            err(Column::Written, format!("成文日期 {w} 晚于发布日期 {p}"));
        }
        if let (Some(w), Some(r)) = (written, repealed)
            && r < w
        {
            err(Column::Repealed, format!("废止日期 {r} 早于成文日期 {w}"));
        }

        let category = parse_category(&text(Column::Category)).unwrap_or_else(|m| {
            err(Column::Category, m);
            None
        });
        let item = parse_item(&text(Column::Item)).unwrap_or_else(|m| {
            err(Column::Item, m);
            None
        });
        if let Some(gongkai_catalogue::Item::Article21(name)) = &item
            && let Err(m) = check_text(Column::Item.header(), name, MAX_SHORT_CHARS, false)
        {
            err(Column::Item, m);
        }
        let validity_text = text(Column::Validity);
        let validity = match parse_validity(&validity_text) {
            Ok(ValidityWord::InForce) => {
                if let Some(r) = repealed {
                    err(
                        Column::Repealed,
                        format!("有效性为“有效”，却填写了废止日期 {r}"),
                    );
                }
                Some(Validity::InForce)
            }
            // 第二十条第（一）项 and table 二 count a repeal in the year of its date: the date
            // is not optional.
            Ok(word) => match repealed {
                Some(on) if word == ValidityWord::Repealed => {
                    Some(Validity::Repealed { on, by: None })
                }
                Some(on) => Some(Validity::Expired { on }),
                None => {
                    if h.get(row, Column::Repealed).is_empty() {
                        err(
                            Column::Repealed,
                            format!("有效性为“{}”时必须填写废止日期", shown(&validity_text)),
                        );
                    }
                    None
                }
            },
            Err(m) => {
                err(Column::Validity, m);
                None
            }
        };
        let topic = checked(Column::Topic, MAX_SHORT_CHARS, &mut err);
        let genre = checked(Column::Genre, MAX_SHORT_CHARS, &mut err);
        let method = checked(Column::Method, MAX_SHORT_CHARS, &mut err);
        let scope = checked(Column::Scope, MAX_SHORT_CHARS, &mut err);
        let interprets = checked(Column::Interprets, MAX_INDEX_CHARS, &mut err);
        if !interprets.is_empty() && IndexNumber::parse(&interprets).key() == index_number.key() {
            err(
                Column::Interprets,
                "解读对象不能是本文件自己的索引号".to_string(),
            );
        }
        let items = crate::split_list(&checked(Column::StandardItem, MAX_LIST_CHARS, &mut err));
        let channels = crate::split_list(&checked(Column::Channels, MAX_LIST_CHARS, &mut err));
        let body_text = h.get(row, Column::Body).raw_text();
        if let Err(m) = check_text(Column::Body.header(), &body_text, MAX_BODY_CHARS, true) {
            err(Column::Body, m);
        }

        let (Some(agency), Some(published), Some(validity), true) =
            (agency, published, validity, errors.is_empty())
        else {
            return Err(errors);
        };
        let body = body_of(&body_text);
        Ok(ImportedDocument {
            row: usize::try_from(row.number).unwrap_or(usize::MAX),
            document: NewDocument {
                agency,
                index_number,
                title,
                doc_number,
                written,
                published,
                category,
                item,
                topic,
                genre,
                method,
                scope,
                validity,
                interprets: None,
                body_html: body.html,
                body_text: body.text,
                attachments: Vec::new(),
                items,
                channels,
            },
            interprets_index: (!interprets.is_empty()).then_some(interprets),
        })
    }

    /// The agency of a row: its 发布机构, or the default when empty.
    fn agency(&mut self, name: &str, err: &mut dyn FnMut(Column, String)) -> Option<AgencyId> {
        let name = if name.is_empty() {
            match &self.options.default_agency {
                Some(d) => d.trim().to_string(),
                None => {
                    err(
                        Column::Agency,
                        "未填写发布机构，且导入时未指定默认机关".to_string(),
                    );
                    return None;
                }
            }
        } else {
            name.to_string()
        };
        let resolve = self.resolve_agency;
        let found = *self
            .agencies
            .entry(name.clone())
            .or_insert_with(|| resolve(&name));
        if found.is_none() {
            err(
                Column::Agency,
                format!(
                    "未登记的机关“{}”：请先登记该机关，或改为已登记的名称",
                    shown(&name)
                ),
            );
        }
        found
    }
}
