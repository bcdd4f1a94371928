//! Cells and rows as read, the sheets of a file told apart by their first rows, and each row
//! turned into a record or into errors.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::limits::{
    MAX_NAME_CHARS, MAX_REFERENCE_CHARS, MAX_TEXT_CHARS, check_date, check_text,
};
use gongkai_cases::vocab::{
    OutcomeTable, key, parse_applicant, parse_channel, parse_date_text, parse_remedy_kind,
    parse_remedy_result,
};
use gongkai_cases::{AgencyId, ApplicantRecord, NewRemedy, NewRequest, TimelineEvent};

use crate::text::{header_key, shown, today_in_china};
use crate::{
    Ledger, LedgerError, LedgerErrors, LedgerReader, REMEDY_HEADERS, REQUEST_HEADERS,
    REQUEST_SHEET, ReadOptions, RemedyRow, RequestRow,
};
use gongkai_report::spreadsheet::unguard;

pub(crate) use gongkai_sheet::{Cell, MAX_COLUMNS};

/// A row as read: its number as Excel shows it, and its non-empty cells by column (0 is `A`),
/// in increasing column order. A row without cells is empty and skipped everywhere.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub(crate) number: u32,
    pub(crate) cells: Vec<(u32, Cell)>,
}

impl Row {
    fn get(&self, col: u32) -> &Cell {
        self.cells
            .iter()
            .find(|(c, _)| *c == col)
            .map_or(&Cell::Empty, |(_, cell)| cell)
    }
}

/// How far down a sheet the header row is looked for (a title row may sit above it), in
/// non-empty rows.
pub(crate) const HEADER_SEARCH_ROWS: usize = 10;

/// The first rows of a sheet: all that is needed to tell what it holds and where its header is.
#[derive(Debug, Clone)]
pub(crate) struct Peeked {
    pub(crate) name: String,
    /// The first [`HEADER_SEARCH_ROWS`] non-empty rows (fewer if the sheet has fewer).
    pub(crate) rows: Vec<Row>,
}

impl Peeked {
    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Reads the first [`HEADER_SEARCH_ROWS`] non-empty rows from `next`.
pub(crate) fn peek_rows<E>(
    mut next: impl FnMut() -> Result<Option<Row>, E>,
) -> Result<Vec<Row>, E> {
    let mut rows = Vec::new();
    while rows.len() < HEADER_SEARCH_ROWS {
        match next()? {
            Some(row) if row.cells.is_empty() => {}
            Some(row) => rows.push(row),
            None => break,
        }
    }
    Ok(rows)
}

pub(crate) fn sheet_error(
    sheet: &str,
    row: Option<u32>,
    column: Option<&str>,
    message: impl Into<String>,
) -> LedgerError {
    LedgerError {
        sheet: sheet.to_string(),
        row,
        column: column.map(str::to_string),
        message: message.into(),
    }
}

pub(crate) fn file_error(sheet: &str, message: impl Into<String>) -> LedgerErrors {
    LedgerErrors::from(sheet_error(sheet, None, None, message))
}

/// The header row of a table: its row number and the column of each wanted header.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub(crate) row: u32,
    cols: HashMap<&'static str, u32>,
}

/// Finds the row holding `anchor` among the first rows.
fn anchor_row(rows: &[Row], anchor: &str) -> Option<usize> {
    let anchor = header_key(anchor);
    rows.iter()
        .position(|r| r.cells.iter().any(|(_, c)| header_key(&c.text()) == anchor))
}

/// Reads the header row (the row with `wanted[0]`, else the first non-empty row), or explains
/// what is missing. Returns the header's index among `rows`.
fn header(
    sheet: &str,
    rows: &[Row],
    wanted: &[&'static str],
) -> Result<(usize, Header), Vec<LedgerError>> {
    let index = anchor_row(rows, wanted[0]).unwrap_or(0);
    let Some(row) = rows.get(index) else {
        return Err(vec![sheet_error(
            sheet,
            None,
            None,
            format!("缺少表头：{}", quoted_list(wanted)),
        )]);
    };
    let mut cols: HashMap<&'static str, u32> = HashMap::new();
    let mut errors = Vec::new();
    for (i, cell) in &row.cells {
        let k = header_key(&cell.text());
        if let Some(h) = wanted.iter().find(|h| header_key(h) == k) {
            if let Some(first) = cols.get(h) {
                errors.push(sheet_error(
                    sheet,
                    Some(row.number),
                    None,
                    format!(
                        "表头“{h}”重复出现（第{}列和第{}列）",
                        column_letters(*first),
                        column_letters(*i)
                    ),
                ));
            } else {
                cols.insert(h, *i);
            }
        }
    }
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|h| !cols.contains_key(h))
        .collect();
    if !missing.is_empty() {
        errors.push(sheet_error(
            sheet,
            Some(row.number),
            None,
            format!("缺少表头：{}", quoted_list(&missing)),
        ));
    }
    if errors.is_empty() {
        Ok((
            index,
            Header {
                row: row.number,
                cols,
            },
        ))
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

/// `0` → `A`, `26` → `AA`: column names as Excel shows them.
fn column_letters(i: u32) -> String {
    let mut i = i;
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

/// What a sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Requests,
    Remedies,
}

/// A sheet to read, in reading order.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    /// Its index among the peeked sheets.
    pub(crate) sheet: usize,
    pub(crate) kind: Kind,
    /// The header's index among the peeked rows and the header, or what is wrong with it (the
    /// sheet is then not read further).
    pub(crate) header: Result<(usize, Header), Vec<LedgerError>>,
}

fn is_remedy_sheet(p: &Peeked) -> bool {
    let name = key(&p.name);
    name.contains("复议") || name.contains("诉讼") || {
        anchor_row(&p.rows, REMEDY_HEADERS[0]).is_some()
            && anchor_row(&p.rows, REQUEST_HEADERS[0]).is_none()
    }
}

/// The sheets to read, in order: every ledger sheet (a CSV file is one, whatever it holds),
/// then every non-empty remedy sheet. In a workbook, a sheet whose header row (within its first
/// ten non-empty rows) has `受理编号` holds requests; one whose name contains `复议` or `诉讼`,
/// or whose header row has `案件编号` but not `受理编号`, holds remedies; others are ignored.
/// The XLSX worker and the reader both call this on the same rows, so they agree on the order.
pub(crate) fn plan(peeks: &[Peeked], is_csv: bool) -> Vec<Planned> {
    let mut requests = Vec::new();
    let mut remedies = Vec::new();
    for (i, p) in peeks.iter().enumerate() {
        if is_csv {
            requests.push((i, Kind::Requests));
        } else if is_remedy_sheet(p) {
            if !p.is_empty() {
                remedies.push((i, Kind::Remedies));
            }
        } else if anchor_row(&p.rows, REQUEST_HEADERS[0]).is_some() {
            requests.push((i, Kind::Requests));
        }
    }
    requests
        .into_iter()
        .chain(remedies)
        .map(|(sheet, kind)| Planned {
            sheet,
            kind,
            header: table_header(&peeks[sheet], kind),
        })
        .collect()
}

/// The header of a sheet of `kind`, with its index among the peeked rows.
pub(crate) fn table_header(p: &Peeked, kind: Kind) -> Result<(usize, Header), Vec<LedgerError>> {
    let wanted: &[&'static str] = match kind {
        Kind::Requests => &REQUEST_HEADERS,
        Kind::Remedies => &REMEDY_HEADERS,
    };
    header(&p.name, &p.rows, wanted)
}

/// When no sheet holds requests: what to tell the officer, against the sheet most likely meant
/// to be the ledger.
pub(crate) fn missing_ledger(
    peeks: &[Peeked],
    planned: &[Planned],
    file_label: &str,
) -> Vec<LedgerError> {
    if planned.iter().any(|p| p.kind == Kind::Requests) {
        return Vec::new();
    }
    let other = peeks.iter().enumerate().find(|(i, p)| {
        !p.is_empty() && !planned.iter().any(|q| q.sheet == *i) && !is_remedy_sheet(p)
    });
    match other {
        Some((_, p)) => header(&p.name, &p.rows, &REQUEST_HEADERS)
            .err()
            .unwrap_or_default(),
        None => vec![sheet_error(
            file_label,
            None,
            None,
            format!(
                "没有找到台账：文件中没有含表头“{}”的工作表",
                REQUEST_HEADERS[0]
            ),
        )],
    }
}

/// The errors of a file: the first [`crate::MAX_KEPT_ERRORS`] and the count.
pub(crate) type ErrorLog = gongkai_sheet::ErrorLog<LedgerError>;

/// Where a reference was first seen, for duplicate messages: the sheet (an index into
/// [`Rules::sheets`]) and the row. Kept small: a million-row ledger keeps a million of them.
type Seen = (u32, u32);

/// Turns rows into records, checking every rule that needs only the row, and the duplicates
/// and links that need the references seen so far.
#[derive(Debug)]
pub(crate) struct Rules {
    agency: AgencyId,
    today: NaiveDate,
    outcomes: OutcomeTable,
    /// The names of the sheets read so far, for duplicate messages.
    sheets: Vec<String>,
    requests_seen: HashMap<Box<str>, Seen>,
    remedies_seen: HashMap<Box<str>, Seen>,
    unlinked: Vec<String>,
    unlinked_set: HashSet<String>,
    pub(crate) errors: ErrorLog,
}

/// The table a row belongs to.
#[derive(Debug)]
pub(crate) struct TableCtx<'h> {
    /// Index into [`Rules::sheets`].
    pub(crate) sheet: u32,
    /// A CSV table: text cells may carry [`crate::write_ledger_csv`]'s formula guard.
    pub(crate) csv: bool,
    pub(crate) header: &'h Header,
}

impl TableCtx<'_> {
    /// The cell of column `h` in `row` (empty when the table has no such column).
    fn cell<'r>(&self, row: &'r Row, h: &str) -> &'r Cell {
        self.header
            .cols
            .get(h)
            .map_or(&Cell::Empty, |c| row.get(*c))
    }

    /// A text column: in a CSV table the cell loses the formula guard of `write_ledger_csv`.
    fn text(&self, row: &Row, h: &str) -> String {
        let s = self.cell(row, h).text();
        if self.csv { unguard(&s).to_owned() } else { s }
    }
}

impl Rules {
    pub(crate) fn new(agency: AgencyId, today: NaiveDate) -> Self {
        Rules {
            agency,
            today,
            outcomes: OutcomeTable::new(),
            sheets: Vec::new(),
            requests_seen: HashMap::new(),
            remedies_seen: HashMap::new(),
            unlinked: Vec::new(),
            unlinked_set: HashSet::new(),
            errors: ErrorLog::default(),
        }
    }

    /// Registers a sheet name; returns its index for [`TableCtx::sheet`].
    pub(crate) fn sheet(&mut self, name: &str) -> u32 {
        if let Some(i) = self.sheets.iter().position(|s| s == name) {
            return u32::try_from(i).unwrap_or(u32::MAX);
        }
        self.sheets.push(name.to_string());
        u32::try_from(self.sheets.len() - 1).unwrap_or(u32::MAX)
    }

    pub(crate) fn sheet_name(&self, i: u32) -> &str {
        name_of(&self.sheets, i)
    }

    /// Logs the errors of a row of sheet `sheet` (an index into [`Rules::sheets`]).
    fn log_row(&mut self, sheet: u32, row: u32, errors: Vec<(&str, String)>) {
        let sheet = name_of(&self.sheets, sheet);
        // Nothing is allocated for an error once the log is full.
        for (column, message) in errors {
            self.errors
                .push_with(|| sheet_error(sheet, Some(row), Some(column), message));
        }
    }

    pub(crate) fn take_unlinked(&mut self) -> Vec<String> {
        std::mem::take(&mut self.unlinked)
    }

    fn duplicate_message(&self, what: &str, value: &str, seen: Seen, sheet: u32) -> String {
        let (first_sheet, row) = seen;
        if first_sheet == sheet {
            format!("{what}“{value}”与第{row}行重复")
        } else {
            format!(
                "{what}“{value}”与“{}”第{row}行重复",
                self.sheet_name(first_sheet)
            )
        }
    }

    /// A record's number (受理编号, 案件编号) at `(sheet, row)`: an error when it is empty, too
    /// long, or already used in this import, wherever; else it is remembered.
    fn first_use(
        &mut self,
        numbered: Numbered,
        reference: &str,
        at: Seen,
        err: &mut impl FnMut(&'static str, String),
    ) {
        let (h, what) = match numbered {
            Numbered::Request => (REQUEST_HEADERS[0], "受理编号"),
            Numbered::Remedy => (REMEDY_HEADERS[0], "案件编号"),
        };
        if reference.is_empty() {
            return err(h, EMPTY.to_string());
        }
        if let Err(m) = check_text(h, reference, MAX_REFERENCE_CHARS, false) {
            return err(h, m);
        }
        let seen = match numbered {
            Numbered::Request => &self.requests_seen,
            Numbered::Remedy => &self.remedies_seen,
        };
        if let Some(&first) = seen.get(reference) {
            return err(h, self.duplicate_message(what, reference, first, at.0));
        }
        let seen = match numbered {
            Numbered::Request => &mut self.requests_seen,
            Numbered::Remedy => &mut self.remedies_seen,
        };
        seen.insert(reference.into(), at);
    }

    /// A date cell that must be filled (see [`Rules::date`]).
    fn required_date(
        &self,
        h: &'static str,
        cell: &Cell,
        err: &mut impl FnMut(&'static str, String),
    ) -> Option<NaiveDate> {
        match self.date(h, cell, err) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                err(h, EMPTY.to_string());
                None
            }
            Err(()) => None,
        }
    }

    /// A request row: the record, or `None` with its errors logged.
    pub(crate) fn request(&mut self, t: &TableCtx<'_>, row: &Row) -> Option<RequestRow> {
        let number = row.number;
        let cell = |h: &str| t.cell(row, h);
        let text = |h: &str| t.text(row, h);
        let mut row_errors: Vec<(&str, String)> = Vec::new();
        let mut err = |h: &'static str, m: String| row_errors.push((h, m));
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

        let reference = text(h_ref);
        self.first_use(Numbered::Request, &reference, (t.sheet, number), &mut err);
        let name = text(h_name);
        required_text(h_name, &name, (MAX_NAME_CHARS, false), &mut err);
        let kind = word(
            h_kind,
            &cell(h_kind).text(),
            true,
            parse_applicant,
            &mut err,
            |t| {
                format!(
                    "无法识别的申请人类型“{t}”（应为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他）"
                )
            },
        );
        let channel_text = cell(h_channel).text();
        let channel = word(
            h_channel,
            &channel_text,
            true,
            parse_channel,
            &mut err,
            |t| {
                format!(
                    "无法识别的申请方式“{t}”（应为：当面、挂号信、平信、网上、电子邮件、传真、口头、其他）"
                )
            },
        );
        let received = self.required_date(h_received, cell(h_received), &mut err);
        let description = text(h_description);
        required_text(
            h_description,
            &description,
            (MAX_TEXT_CHARS, true),
            &mut err,
        );
        let outcome_text = cell(h_outcome).text();
        let outcomes = &self.outcomes;
        let outcome = word(
            h_outcome,
            &outcome_text,
            false,
            |t| outcomes.parse(t),
            &mut err,
            |t| {
                format!(
                    "无法识别的办理结果“{t}”（应为表三中的办理结果，如“予以公开”“本机关不掌握相关政府信息”“重复申请”）"
                )
            },
        );
        let decided = self
            .date(h_decided, cell(h_decided), &mut err)
            .unwrap_or(None);
        let decided_given = !cell(h_decided).is_empty();
        match (outcome_text.is_empty(), decided_given) {
            (false, false) => err(h_decided, "已填写办理结果，答复日期不能为空".to_string()),
            (true, true) => err(h_outcome, "已填写答复日期，办理结果不能为空".to_string()),
            _ => {}
        }
        not_before_receipt((h_decided, "答复日期"), decided, received, &mut err);

        if !row_errors.is_empty() {
            self.log_row(t.sheet, number, row_errors);
            return None;
        }
        let (Some(kind), Some(channel), Some(received)) = (kind, channel, received) else {
            return None;
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
        Some(RequestRow {
            row: number,
            request: NewRequest {
                agency: self.agency,
                reference,
                applicants: vec![ApplicantRecord { name, kind }],
                channel,
                received,
                description,
                requested_form: String::new(),
                contact: Default::default(),
            },
            events,
        })
    }

    /// A date cell: `Ok(None)` when empty, `Err(())` when wrong (the error is given to `err`):
    /// not a date, or outside the 条例's time (`check_date`).
    fn date(
        &self,
        h: &'static str,
        cell: &Cell,
        err: &mut impl FnMut(&'static str, String),
    ) -> Result<Option<NaiveDate>, ()> {
        if let Cell::Text(s) = cell
            && let Err(m) = check_text(h, s.trim(), MAX_NAME_CHARS, false)
        {
            err(h, m);
            return Err(());
        }
        match cell.date(parse_date_text) {
            Ok(Some(d)) => match check_date(h, d, self.today) {
                Ok(()) => Ok(Some(d)),
                Err(m) => {
                    err(h, m);
                    Err(())
                }
            },
            Ok(None) => Ok(None),
            Err(raw) => {
                err(h, format!("无法识别的日期“{}”", shown(&raw)));
                Err(())
            }
        }
    }

    /// A remedy row: the record, or `None` with its errors logged. Remedy sheets are read after
    /// every ledger sheet, so a reference not among the requests seen is not in the file.
    pub(crate) fn remedy(&mut self, t: &TableCtx<'_>, row: &Row) -> Option<RemedyRow> {
        let number = row.number;
        let cell = |h: &str| t.cell(row, h);
        let text = |h: &str| t.text(row, h);
        let mut row_errors: Vec<(&str, String)> = Vec::new();
        let mut err = |h: &'static str, m: String| row_errors.push((h, m));
        let [h_ref, h_requests, h_kind, h_result, h_received, h_closed] = REMEDY_HEADERS;

        let reference = text(h_ref);
        self.first_use(Numbered::Remedy, &reference, (t.sheet, number), &mut err);
        let requests_text = text(h_requests);
        // Line breaks separate references, like the other separators.
        let requests = match check_text(h_requests, &requests_text, MAX_TEXT_CHARS, true) {
            Err(m) => {
                err(h_requests, m);
                None
            }
            Ok(()) => {
                let requests = split_references(&requests_text);
                if requests.is_empty() {
                    err(h_requests, EMPTY.to_string());
                }
                match requests
                    .iter()
                    .find_map(|r| check_text(h_requests, r, MAX_REFERENCE_CHARS, false).err())
                {
                    Some(m) => {
                        err(h_requests, m);
                        None
                    }
                    None => Some(requests),
                }
            }
        };
        let kind = word(
            h_kind,
            &cell(h_kind).text(),
            true,
            parse_remedy_kind,
            &mut err,
            |t| format!("无法识别的类型“{t}”（应为：行政复议、未经复议直接起诉、复议后起诉）"),
        );
        let result = word(
            h_result,
            &cell(h_result).text(),
            true,
            parse_remedy_result,
            &mut err,
            |t| format!("无法识别的结果“{t}”（应为：结果维持、结果纠正、其他结果、尚未审结）"),
        );
        let received = self.required_date(h_received, cell(h_received), &mut err);
        let closed = self
            .date(h_closed, cell(h_closed), &mut err)
            .unwrap_or(None);
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
        not_before_receipt((h_closed, "结案日期"), closed, received, &mut err);

        if !row_errors.is_empty() {
            self.log_row(t.sheet, number, row_errors);
            return None;
        }
        let (Some(requests), Some(kind), Some(result), Some(received)) =
            (requests, kind, result, received)
        else {
            return None;
        };
        for r in &requests {
            if !self.requests_seen.contains_key(r.as_str()) && self.unlinked_set.insert(r.clone()) {
                self.unlinked.push(r.clone());
            }
        }
        Some(RemedyRow {
            row: number,
            remedy: NewRemedy {
                agency: self.agency,
                reference,
                requests,
                kind,
                received,
                closed: closed.zip(result),
            },
        })
    }
}

/// The name of sheet `i` of `sheets`.
fn name_of(sheets: &[String], i: u32) -> &str {
    usize::try_from(i)
        .ok()
        .and_then(|i| sheets.get(i))
        .map_or("", String::as_str)
}

/// Which numbering a reference belongs to, for [`Rules::first_use`].
#[derive(Debug, Clone, Copy)]
enum Numbered {
    /// 受理编号 of a request.
    Request,
    /// 案件编号 of a remedy case.
    Remedy,
}

/// The message of a required cell left empty.
const EMPTY: &str = "不能为空";

/// A required text cell: an error when it is empty or breaks `check_text`'s limits
/// (`(max_chars, line_breaks_allowed)`).
fn required_text(
    h: &'static str,
    text: &str,
    (max, lines): (usize, bool),
    err: &mut impl FnMut(&'static str, String),
) {
    if text.is_empty() {
        err(h, EMPTY.to_string());
    } else if let Err(m) = check_text(h, text, max, lines) {
        err(h, m);
    }
}

/// A cell holding one word of a closed list (申请人类型, 申请方式, 办理结果, 类型, 结果): `None`,
/// with the error given to `err`, when it is empty and `required`, breaks the limits of a
/// word, or is not in the list (`unknown` words the message from the value as shown).
fn word<T>(
    h: &'static str,
    text: &str,
    required: bool,
    parse: impl FnOnce(&str) -> Option<T>,
    err: &mut impl FnMut(&'static str, String),
    unknown: impl FnOnce(&str) -> String,
) -> Option<T> {
    if text.is_empty() {
        if required {
            err(h, EMPTY.to_string());
        }
        return None;
    }
    if let Err(m) = check_text(h, text, MAX_NAME_CHARS, false) {
        err(h, m);
        return None;
    }
    let parsed = parse(text);
    if parsed.is_none() {
        err(h, unknown(&shown(text)));
    }
    parsed
}

/// A date of a decision or a closing cannot come before the receipt (`(column, its name)`).
fn not_before_receipt(
    (h, what): (&'static str, &str),
    date: Option<NaiveDate>,
    received: Option<NaiveDate>,
    err: &mut impl FnMut(&'static str, String),
) {
    if let (Some(r), Some(d)) = (received, date)
        && d < r
    {
        err(
            h,
            format!(
                "{what}“{}”早于收到日期“{}”",
                d.format("%Y-%m-%d"),
                r.format("%Y-%m-%d")
            ),
        );
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

/// The name a file is reported under: its base name, or the sheet name a CSV gets in Excel
/// (the base name without extension).
pub(crate) fn labels(file_name: &str) -> (String, String) {
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
    let csv_sheet = if stem.is_empty() { REQUEST_SHEET } else { stem };
    (file_label.to_string(), csv_sheet.to_string())
}

/// Reads an agency's ledger (台账) whole: [`LedgerReader`] with [`ReadOptions::default`] (dates
/// up to today in China), every chunk collected.
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
/// All or nothing: if any row is wrong, the errors are returned (the first
/// [`crate::MAX_KEPT_ERRORS`] and the count) and no record.
pub fn read_ledger(
    bytes: &[u8],
    file_name: &str,
    remedies_csv: Option<&[u8]>,
    agency: AgencyId,
) -> Result<Ledger, LedgerErrors> {
    let options = ReadOptions::new(today_in_china());
    let mut reader =
        LedgerReader::open_borrowed(Cursor::new(bytes), file_name, remedies_csv, agency, options)?;
    let mut ledger = Ledger::default();
    while let Some(chunk) = reader.next_chunk() {
        // Once a row is wrong nothing will be returned: stop holding records.
        if reader.has_errors() {
            ledger = Ledger::default();
            continue;
        }
        let (requests, remedies) = chunk.into_records();
        ledger.requests.extend(requests);
        ledger.remedies.extend(remedies);
    }
    reader.finish()?;
    Ok(ledger)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_KEPT_ERRORS;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn references() {
        assert_eq!(
            split_references(" A1、A2，A3;A4；A5 A6,A1 "),
            ["A1", "A2", "A3", "A4", "A5", "A6"]
        );
        assert!(split_references(" 、 ").is_empty());
    }

    #[test]
    fn errors_are_capped_and_counted() {
        let mut log = ErrorLog::default();
        for i in 0..250u32 {
            log.push(sheet_error(
                "台账",
                Some(i + 2),
                Some("受理编号"),
                "不能为空",
            ));
        }
        let e = log
            .into_errors()
            .unwrap_or_else(|| LedgerErrors::new(vec![]));
        assert_eq!(e.total, 250);
        assert_eq!(e.errors.len(), MAX_KEPT_ERRORS);
        assert_eq!(e.errors[99].row, Some(101), "the first errors, in order");
        let text = e.to_string();
        assert_eq!(text.lines().count(), MAX_KEPT_ERRORS + 1);
        assert!(
            text.ends_with("\n……另有 150 处错误未列出（共 250 处）"),
            "{text}"
        );
    }
}
