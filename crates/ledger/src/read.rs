//! Reading a ledger file into tables of cells, and the tables into records.

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::{AgencyId, ApplicantRecord, NewRemedy, NewRequest, TimelineEvent};

use gongkai_cases::vocab::{
    OutcomeTable, key, parse_applicant, parse_channel, parse_date_text, parse_remedy_kind,
    parse_remedy_result,
};

use crate::text::{date_from_number, header_key};
use crate::{
    INSTRUCTIONS_SHEET, Ledger, LedgerError, LedgerErrors, OPTIONS_SHEET, REMEDY_HEADERS,
    REMEDY_SHEET, REQUEST_HEADERS, REQUEST_SHEET,
};

/// One cell as read, before it is interpreted by its column.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell Excel stores as a date: the date if it is a valid calendar date, and the raw
    /// value for messages.
    Date(Option<NaiveDate>, String),
    /// Booleans, errors (`#N/A`), durations: never a valid value in a ledger.
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
            Data::DateTimeIso(s) => Cell::Date(parse_date_text(s), s.clone()),
            Data::DurationIso(s) => Cell::Other(s.clone()),
            Data::Error(e) => Cell::Other(e.to_string()),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, trimmed. Integral numbers print without a decimal point (a 受理编号
    /// typed as `2024001` is read as `"2024001"`).
    fn text(&self) -> String {
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

    /// `Ok(None)` when empty; `Err(raw)` when not a date.
    fn date(&self) -> Result<Option<NaiveDate>, String> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Text(s) if s.trim().is_empty() => Ok(None),
            Cell::Text(s) => parse_date_text(s)
                .map(Some)
                .ok_or_else(|| s.trim().to_string()),
            Cell::Number(f) => date_from_number(*f).map(Some).ok_or_else(|| self.text()),
            Cell::Date(d, raw) => d.map(Some).ok_or_else(|| raw.clone()),
            Cell::Other(raw) => Err(raw.clone()),
        }
    }
}

/// A sheet (or CSV file) as rows of cells, each row with its number as Excel shows it.
#[derive(Debug)]
struct Table {
    name: String,
    rows: Vec<(u32, Vec<Cell>)>,
}

impl Table {
    fn non_empty_rows(&self) -> impl Iterator<Item = &(u32, Vec<Cell>)> {
        self.rows
            .iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
    }

    fn is_empty(&self) -> bool {
        self.non_empty_rows().next().is_none()
    }

    fn err(
        &self,
        row: Option<u32>,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> LedgerError {
        LedgerError {
            sheet: self.name.clone(),
            row,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// How far down a sheet the header row is looked for (a title row may sit above it).
const HEADER_SEARCH_ROWS: usize = 10;

fn file_error(sheet: &str, message: impl Into<String>) -> LedgerErrors {
    LedgerErrors(vec![LedgerError {
        sheet: sheet.to_string(),
        row: None,
        column: None,
        message: message.into(),
    }])
}

fn load_xlsx(bytes: &[u8], file_label: &str) -> Result<Vec<Table>, LedgerErrors> {
    // calamine parses untrusted zip and XML; a panic inside it must not escape.
    let loaded = catch_unwind(AssertUnwindSafe(|| -> Result<Vec<Table>, String> {
        let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let mut tables = Vec::new();
        for name in wb.sheet_names() {
            if name == INSTRUCTIONS_SHEET || name == OPTIONS_SHEET {
                continue;
            }
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| format!("无法读取工作表“{name}”：{e}"))?;
            let mut rows = Vec::new();
            if let Some((first_row, _)) = range.start() {
                for (i, row) in range.rows().enumerate() {
                    let number = u32::try_from(i)
                        .unwrap_or(u32::MAX)
                        .saturating_add(first_row)
                        .saturating_add(1);
                    rows.push((number, row.iter().map(Cell::from_data).collect()));
                }
            }
            tables.push(Table { name, rows });
        }
        Ok(tables)
    }));
    match loaded {
        Ok(Ok(tables)) => Ok(tables),
        Ok(Err(e)) => Err(file_error(
            file_label,
            format!("无法读取 XLSX 文件（{e}），请确认文件未损坏"),
        )),
        Err(_) => Err(file_error(
            file_label,
            "无法读取 XLSX 文件（文件内容损坏），请用 Excel 打开后重新保存",
        )),
    }
}

/// Decodes CSV text: UTF-8 with or without BOM, UTF-16 with BOM, otherwise GB18030 (a superset
/// of GBK, what Excel writes as "CSV" on Chinese Windows).
fn decode_csv(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).ok();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(|c| c.into_owned());
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(|c| c.into_owned());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|c| c.into_owned())
}

fn load_csv(bytes: &[u8], name: &str) -> Result<Table, LedgerErrors> {
    let text = decode_csv(bytes).ok_or_else(|| {
        file_error(
            name,
            "无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV 文件",
        )
    })?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() {
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
    for (i, record) in reader.records().enumerate() {
        let number = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        match record {
            Ok(r) => rows.push((
                number,
                r.iter()
                    .map(|s| {
                        if s.trim().is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(s.to_string())
                        }
                    })
                    .collect(),
            )),
            Err(e) => {
                return Err(LedgerErrors(vec![LedgerError {
                    sheet: name.to_string(),
                    row: Some(number),
                    column: None,
                    message: format!("CSV 格式错误：{e}"),
                }]));
            }
        }
    }
    Ok(Table {
        name: name.to_string(),
        rows,
    })
}

/// The header row of a table: the column index of each wanted header.
#[derive(Debug)]
struct Header {
    cols: HashMap<&'static str, usize>,
}

/// Finds the row holding `anchor` among the first rows of `table`.
fn anchor_row(table: &Table, anchor: &str) -> Option<usize> {
    let anchor = header_key(anchor);
    table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, (_, cells))| cells.iter().any(|c| !c.is_empty()))
        .take(HEADER_SEARCH_ROWS)
        .find(|(_, (_, cells))| cells.iter().any(|c| header_key(&c.text()) == anchor))
        .map(|(i, _)| i)
}

/// Reads the header row (the row with `wanted[0]`), or explains what is missing.
fn header(table: &Table, wanted: &[&'static str]) -> Result<(usize, Header), Vec<LedgerError>> {
    let index = anchor_row(table, wanted[0]).or_else(|| {
        table
            .rows
            .iter()
            .position(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
    });
    let Some(index) = index else {
        return Err(vec![table.err(
            None,
            None,
            format!("缺少表头：{}", quoted_list(wanted)),
        )]);
    };
    let (row, cells) = &table.rows[index];
    let mut cols: HashMap<&'static str, usize> = HashMap::new();
    let mut errors = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        let k = header_key(&cell.text());
        if let Some(h) = wanted.iter().find(|h| header_key(h) == k) {
            if let Some(first) = cols.get(h) {
                errors.push(table.err(
                    Some(*row),
                    None,
                    format!(
                        "表头“{h}”重复出现（第{}列和第{}列）",
                        column_letters(*first),
                        column_letters(i)
                    ),
                ));
            } else {
                cols.insert(h, i);
            }
        }
    }
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|h| !cols.contains_key(h))
        .collect();
    if !missing.is_empty() {
        errors.push(table.err(
            Some(*row),
            None,
            format!("缺少表头：{}", quoted_list(&missing)),
        ));
    }
    if errors.is_empty() {
        Ok((index, Header { cols }))
    } else {
        Err(errors)
    }
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|h| format!("“{h}”"))
        .collect::<Vec<_>>()
        .join("、")
}

/// `0` → `A`, `26` → `AA`: column names as Excel shows them (relative to the sheet's used
/// range, which starts in column A in every ledger seen).
fn column_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(char::from(b'A' + u8::try_from(i % 26).unwrap_or(0)));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.iter().rev().collect()
}

/// Where a reference was first seen, for duplicate messages.
#[derive(Debug, Clone)]
struct Seen {
    sheet: String,
    row: u32,
}

fn duplicate_message(what: &str, value: &str, seen: &Seen, sheet: &str) -> String {
    if seen.sheet == sheet {
        format!("{what}“{value}”与第{}行重复", seen.row)
    } else {
        format!("{what}“{value}”与“{}”第{}行重复", seen.sheet, seen.row)
    }
}

fn read_requests(
    table: &Table,
    agency: AgencyId,
    outcomes: &OutcomeTable,
    seen: &mut HashMap<String, Seen>,
    out: &mut Vec<(NewRequest, Vec<TimelineEvent>)>,
    errors: &mut Vec<LedgerError>,
) {
    let (index, header) = match header(table, &REQUEST_HEADERS) {
        Ok(h) => h,
        Err(e) => {
            errors.extend(e);
            return;
        }
    };
    let [
        h_ref,
        h_name,
        h_kind,
        h_channel,
        h_received,
        h_description,
        h_outcome,
        h_decided,
    ] = REQUEST_HEADERS;
    for (row, cells) in table.rows.iter().skip(index + 1) {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let row = *row;
        let cell = |h: &str| {
            header
                .cols
                .get(h)
                .and_then(|i| cells.get(*i))
                .unwrap_or(&Cell::Empty)
        };
        let mut row_errors = Vec::new();
        let mut err = |h: &str, m: String| row_errors.push(table.err(Some(row), Some(h), m));
        let required = |h: &str, err: &mut dyn FnMut(&str, String)| {
            let t = cell(h).text();
            if t.is_empty() {
                err(h, "不能为空".to_string());
            }
            t
        };

        let reference = required(h_ref, &mut err);
        if !reference.is_empty() {
            if let Some(first) = seen.get(&reference) {
                err(
                    h_ref,
                    duplicate_message("受理编号", &reference, first, &table.name),
                );
            } else {
                seen.insert(
                    reference.clone(),
                    Seen {
                        sheet: table.name.clone(),
                        row,
                    },
                );
            }
        }
        let name = required(h_name, &mut err);
        let kind_text = required(h_kind, &mut err);
        let kind = parse_applicant(&kind_text);
        if kind.is_none() && !kind_text.is_empty() {
            err(
                h_kind,
                format!(
                    "无法识别的申请人类型“{kind_text}”（应为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他）"
                ),
            );
        }
        let channel_text = required(h_channel, &mut err);
        let channel = parse_channel(&channel_text);
        if channel.is_none() && !channel_text.is_empty() {
            err(
                h_channel,
                format!(
                    "无法识别的申请方式“{channel_text}”（应为：当面、挂号信、平信、网上、电子邮件、传真、口头、其他）"
                ),
            );
        }
        let received = match cell(h_received).date() {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                err(h_received, "不能为空".to_string());
                None
            }
            Err(raw) => {
                err(h_received, format!("无法识别的日期“{raw}”"));
                None
            }
        };
        let description = required(h_description, &mut err);
        let outcome_text = cell(h_outcome).text();
        let outcome = outcomes.parse(&outcome_text);
        if outcome.is_none() && !outcome_text.is_empty() {
            err(
                h_outcome,
                format!(
                    "无法识别的办理结果“{outcome_text}”（应为表三中的办理结果，如“予以公开”“本机关不掌握相关政府信息”“重复申请”）"
                ),
            );
        }
        let decided = match cell(h_decided).date() {
            Ok(d) => d,
            Err(raw) => {
                err(h_decided, format!("无法识别的日期“{raw}”"));
                None
            }
        };
        let decided_given = !cell(h_decided).is_empty();
        match (outcome_text.is_empty(), decided_given) {
            (false, false) => err(h_decided, "已填写办理结果，答复日期不能为空".to_string()),
            (true, true) => err(h_outcome, "已填写答复日期，办理结果不能为空".to_string()),
            _ => {}
        }
        if let (Some(r), Some(d)) = (received, decided)
            && d < r
        {
            err(
                h_decided,
                format!(
                    "答复日期“{}”早于收到日期“{}”",
                    d.format("%Y-%m-%d"),
                    r.format("%Y-%m-%d")
                ),
            );
        }

        if !row_errors.is_empty() {
            errors.extend(row_errors);
            continue;
        }
        let (Some(kind), Some(channel), Some(received)) = (kind, channel, received) else {
            continue;
        };
        let mut events = vec![TimelineEvent {
            event: Event::Received(received),
            outcome: None,
            note: String::new(),
        }];
        if let (Some(outcome), Some(decided)) = (outcome, decided) {
            events.push(TimelineEvent {
                event: Event::Decided(decided),
                outcome: Some(outcome),
                note: String::new(),
            });
        }
        out.push((
            NewRequest {
                agency,
                reference,
                applicants: vec![ApplicantRecord { name, kind }],
                channel,
                received,
                description,
                requested_form: String::new(),
            },
            events,
        ));
    }
}

/// Splits 关联受理编号 on `、` `,` `，` `;` `；` and whitespace; duplicates are dropped.
fn split_references(s: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for part in s.split(|c: char| matches!(c, '、' | ',' | '，' | ';' | '；') || c.is_whitespace())
    {
        if !part.is_empty() && !v.iter().any(|p| p == part) {
            v.push(part.to_string());
        }
    }
    v
}

fn read_remedies(
    table: &Table,
    agency: AgencyId,
    seen: &mut HashMap<String, Seen>,
    out: &mut Vec<NewRemedy>,
    errors: &mut Vec<LedgerError>,
) {
    let (index, header) = match header(table, &REMEDY_HEADERS) {
        Ok(h) => h,
        Err(e) => {
            errors.extend(e);
            return;
        }
    };
    let [h_ref, h_requests, h_kind, h_result, h_received, h_closed] = REMEDY_HEADERS;
    for (row, cells) in table.rows.iter().skip(index + 1) {
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        let row = *row;
        let cell = |h: &str| {
            header
                .cols
                .get(h)
                .and_then(|i| cells.get(*i))
                .unwrap_or(&Cell::Empty)
        };
        let mut row_errors = Vec::new();
        let mut err = |h: &str, m: String| row_errors.push(table.err(Some(row), Some(h), m));

        let reference = cell(h_ref).text();
        if reference.is_empty() {
            err(h_ref, "不能为空".to_string());
        } else if let Some(first) = seen.get(&reference) {
            err(
                h_ref,
                duplicate_message("案件编号", &reference, first, &table.name),
            );
        } else {
            seen.insert(
                reference.clone(),
                Seen {
                    sheet: table.name.clone(),
                    row,
                },
            );
        }
        let requests = split_references(&cell(h_requests).text());
        if requests.is_empty() {
            err(h_requests, "不能为空".to_string());
        }
        let kind_text = cell(h_kind).text();
        let kind = parse_remedy_kind(&kind_text);
        if kind_text.is_empty() {
            err(h_kind, "不能为空".to_string());
        } else if kind.is_none() {
            err(
                h_kind,
                format!(
                    "无法识别的类型“{kind_text}”（应为：行政复议、未经复议直接起诉、复议后起诉）"
                ),
            );
        }
        let result_text = cell(h_result).text();
        let result = parse_remedy_result(&result_text);
        if result_text.is_empty() {
            err(h_result, "不能为空".to_string());
        } else if result.is_none() {
            err(
                h_result,
                format!(
                    "无法识别的结果“{result_text}”（应为：结果维持、结果纠正、其他结果、尚未审结）"
                ),
            );
        }
        let received = match cell(h_received).date() {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                err(h_received, "不能为空".to_string());
                None
            }
            Err(raw) => {
                err(h_received, format!("无法识别的日期“{raw}”"));
                None
            }
        };
        let closed = match cell(h_closed).date() {
            Ok(d) => d,
            Err(raw) => {
                err(h_closed, format!("无法识别的日期“{raw}”"));
                None
            }
        };
        let closed_given = !cell(h_closed).is_empty();
        match result {
            Some(None) if closed_given => {
                err(h_closed, "尚未审结的案件不应填写结案日期".to_string());
            }
            Some(Some(_)) if !closed_given => {
                err(h_closed, "已审结的案件结案日期不能为空".to_string());
            }
            _ => {}
        }
        if let (Some(r), Some(c)) = (received, closed)
            && c < r
        {
            err(
                h_closed,
                format!(
                    "结案日期“{}”早于收到日期“{}”",
                    c.format("%Y-%m-%d"),
                    r.format("%Y-%m-%d")
                ),
            );
        }

        if !row_errors.is_empty() {
            errors.extend(row_errors);
            continue;
        }
        let (Some(kind), Some(result), Some(received)) = (kind, result, received) else {
            continue;
        };
        out.push(NewRemedy {
            agency,
            reference,
            requests,
            kind,
            received,
            closed: closed.zip(result),
        });
    }
}

/// What a sheet holds.
fn is_remedy_table(table: &Table) -> bool {
    let name = key(&table.name);
    name.contains("复议") || name.contains("诉讼") || {
        anchor_row(table, REMEDY_HEADERS[0]).is_some()
            && anchor_row(table, REQUEST_HEADERS[0]).is_none()
    }
}

/// Reads an agency's ledger (台账).
///
/// `bytes` is an XLSX workbook (recognised by its zip signature, whatever `file_name` says)
/// or a CSV file (UTF-8 with or without BOM, UTF-16 with BOM, or GBK/GB18030; comma- or
/// tab-separated). `file_name` only names the source in messages: a CSV's rows are reported
/// under the file name without extension, which is the sheet name Excel shows for it.
///
/// In a workbook, every sheet whose header row (within its first ten non-empty rows) has
/// `受理编号` holds requests; every sheet whose name contains `复议` or `诉讼`, or whose
/// header row has `案件编号` but not `受理编号`, holds remedies; the sheets `说明` and `选项`
/// of the template, and any other sheet, are ignored. `remedies_csv`, when given, holds
/// further remedies in a CSV file of the same columns (reported as sheet `复议诉讼`).
///
/// All or nothing: if any row is wrong, every error is returned and no record.
pub fn read_ledger(
    bytes: &[u8],
    file_name: &str,
    remedies_csv: Option<&[u8]>,
    agency: AgencyId,
) -> Result<Ledger, LedgerErrors> {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    let file_label = if base.is_empty() { REQUEST_SHEET } else { base };

    let is_csv = !bytes.starts_with(ZIP_MAGIC);
    let tables = if !is_csv {
        load_xlsx(bytes, file_label)?
    } else if bytes.starts_with(OLE_MAGIC) {
        return Err(file_error(
            file_label,
            "不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入",
        ));
    } else {
        let name = if stem.is_empty() { REQUEST_SHEET } else { stem };
        vec![load_csv(bytes, name)?]
    };

    let mut request_tables = Vec::new();
    let mut remedy_tables = Vec::new();
    let mut others = Vec::new();
    for t in &tables {
        if is_csv {
            // A CSV file is one sheet: the requests, whatever it is called.
            request_tables.push(t);
        } else if is_remedy_table(t) {
            if !t.is_empty() {
                remedy_tables.push(t);
            }
        } else if anchor_row(t, REQUEST_HEADERS[0]).is_some() {
            request_tables.push(t);
        } else {
            others.push(t);
        }
    }
    let remedy_csv_table = match remedies_csv {
        Some(b) => {
            let t = load_csv(b, REMEDY_SHEET)?;
            (!t.is_empty()).then_some(t)
        }
        None => None,
    };
    remedy_tables.extend(remedy_csv_table.as_ref());

    let mut errors = Vec::new();
    if request_tables.is_empty() {
        // Report the missing headers against the sheet most likely meant to be the ledger.
        match others.iter().find(|t| !t.is_empty()) {
            Some(t) => {
                if let Err(e) = header(t, &REQUEST_HEADERS) {
                    errors.extend(e);
                }
            }
            None => errors.push(LedgerError {
                sheet: file_label.to_string(),
                row: None,
                column: None,
                message: format!(
                    "没有找到台账：文件中没有含表头“{}”的工作表",
                    REQUEST_HEADERS[0]
                ),
            }),
        }
    }

    let outcomes = OutcomeTable::new();
    let mut ledger = Ledger::default();
    let mut seen = HashMap::new();
    for t in request_tables {
        read_requests(
            t,
            agency,
            &outcomes,
            &mut seen,
            &mut ledger.requests,
            &mut errors,
        );
    }
    let mut seen = HashMap::new();
    for t in remedy_tables {
        read_remedies(t, agency, &mut seen, &mut ledger.remedies, &mut errors);
    }
    if errors.is_empty() {
        Ok(ledger)
    } else {
        Err(LedgerErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn references() {
        assert_eq!(
            split_references(" A1、A2，A3;A4；A5 A6,A1 "),
            ["A1", "A2", "A3", "A4", "A5", "A6"]
        );
        assert!(split_references(" 、 ").is_empty());
    }
}
