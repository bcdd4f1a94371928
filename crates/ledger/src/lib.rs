//! The request ledger (台账) most agencies keep in a spreadsheet: importing it into request and
//! remedy records, and the blank XLSX template to keep it in.
//!
//! - [`LedgerReader`]: an XLSX workbook or CSV file read as a stream of [`Chunk`]s of at most
//!   [`ReadOptions::chunk_size`] records, each with its row number; wrong rows are collected
//!   without stopping the reading, and [`LedgerReader::finish`] returns them all (the first
//!   [`MAX_KEPT_ERRORS`] and the count, [`LedgerErrors`]) or a [`Summary`]. A caller that stores
//!   the chunks inside one transaction and rolls back when `finish` fails keeps the import all
//!   or nothing without holding the whole file in memory.
//! - [`read_ledger`]: the same, collected into one [`Ledger`] (all or nothing).
//! - [`template`]: the blank workbook, with drop-down lists and date checks;
//!   [`write_ledger`] / [`write_ledger_csv`]: the same columns filled with records (they read
//!   back to the same records).
//!
//! The ledger sheet `台账` has the columns [`REQUEST_HEADERS`], in any order; the sheet
//! `复议诉讼` (or a separate CSV file) has [`REMEDY_HEADERS`].
//!
//! Decisions:
//! - One applicant per row: `申请人姓名或名称` is taken as one name, even if it lists several
//!   people (table 三 counts a request under its first-named applicant's kind anyway).
//! - `关联受理编号` must name at least one request, but a request need not be in the same file:
//!   a case filed this year often concerns last year's request. [`Ledger::unlinked_references`]
//!   and [`Summary::unlinked_references`] list the references the caller must find elsewhere
//!   (in the store).
//! - A ledger row gives the request's `Received` event and, when decided, its `Decided` event
//!   with the outcome; the ledger has no columns for corrections, consultations, fees or
//!   extensions. `requested_form` is empty.
//! - Nothing in the file decides the year: every row is imported.
//! - Every imported cell is held to `gongkai_cases::limits`, as on the command line: no control
//!   characters (a tab is allowed; line breaks only in `申请内容` and `关联受理编号`, where
//!   they separate references), 受理编号/案件编号 at most 64 characters, the applicant's name
//!   200, 申请内容 10,000, and every date from 2008-05-01 (the 条例 took effect) to
//!   [`ReadOptions::today`]. Columns the ledger does not import are not looked at.
//! - In a CSV file a text cell starting with `'` followed by `=` `+` `-` `@` tab, CR or `'` loses
//!   the `'`: it is how [`write_ledger_csv`] keeps a spreadsheet from taking a cell for a
//!   formula (CSV injection).
//!
//! This crate does no file-system I/O of its own: it reads what it is given (a `Read + Seek`
//! such as an open file, or bytes) and returns bytes or values.
#![forbid(unsafe_code)]

mod csv_source;
mod read;
mod stream;
mod template;
mod text;
mod xlsx_source;

use std::fmt;

use chrono::NaiveDate;
use gongkai_cases::{NewRemedy, NewRequest, TimelineEvent};

pub use read::read_ledger;
pub use stream::LedgerReader;
pub use template::{LedgerCsv, TemplateError, template, write_ledger, write_ledger_csv};

/// The sheet of requests in the template.
pub const REQUEST_SHEET: &str = "台账";
/// The sheet of reconsideration and litigation cases in the template.
pub const REMEDY_SHEET: &str = "复议诉讼";
/// The instructions sheet of the template (ignored when reading).
pub const INSTRUCTIONS_SHEET: &str = "说明";
/// The hidden sheet holding the drop-down lists of the template (ignored when reading).
pub const OPTIONS_SHEET: &str = "选项";

/// The columns of the ledger sheet, in template order.
pub const REQUEST_HEADERS: [&str; 8] = [
    "受理编号",
    "申请人姓名或名称",
    "申请人类型",
    "申请方式",
    "收到日期",
    "申请内容",
    "办理结果",
    "答复日期",
];

/// The columns of the remedy sheet, in template order.
pub const REMEDY_HEADERS: [&str; 6] = [
    "案件编号",
    "关联受理编号",
    "类型",
    "结果",
    "收到日期",
    "结案日期",
];

/// The records of a ledger, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ledger {
    /// Each request with its timeline: `Received`, then `Decided` (with the outcome) if the
    /// ledger gives a result.
    pub requests: Vec<(NewRequest, Vec<TimelineEvent>)>,
    pub remedies: Vec<NewRemedy>,
}

impl Ledger {
    /// The `关联受理编号` of remedies that are not a `受理编号` of this ledger, each once, in
    /// order of appearance: the caller must find them among stored requests.
    pub fn unlinked_references(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in self.remedies.iter().flat_map(|r| &r.requests) {
            if !self.requests.iter().any(|(q, _)| &q.reference == r) && !out.contains(&r.as_str()) {
                out.push(r);
            }
        }
        out
    }
}

/// One problem in a ledger file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerError {
    /// The sheet as Excel shows it (for a CSV file: the file name without extension; for the
    /// separate remedies CSV: `复议诉讼`); for a file that cannot be read at all, the file name.
    pub sheet: String,
    /// The row number as Excel shows it (the header is row 1 when it is the first row);
    /// `None` for problems of the whole sheet or file.
    pub row: Option<u32>,
    /// The column header, as in [`REQUEST_HEADERS`] / [`REMEDY_HEADERS`].
    pub column: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for LedgerError {
    /// `台账 第7行“收到日期”：无法识别的日期“2024-13-01”`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sheet)?;
        if let Some(row) = self.row {
            write!(f, " 第{row}行")?;
        }
        if let Some(column) = &self.column {
            write!(f, "“{column}”")?;
        }
        write!(f, "：{}", self.message)
    }
}

/// How many errors [`LedgerErrors`] keeps: enough to fix a file, few enough to print. A file of
/// a million bad rows is still counted to the end.
pub use gongkai_sheet::MAX_KEPT_ERRORS;

/// The problems found in a ledger file: the first [`MAX_KEPT_ERRORS`] in file order (sheet, row,
/// column), and how many there are in all (`errors`, `total`, `new`, `left_out()`, `From` one
/// error). Display: each kept error on its own line, then `……另有 N 处错误未列出（共 M 处）` when
/// some were left out. The same list as the catalogue import's ([`gongkai_sheet::ErrorList`]).
pub type LedgerErrors = gongkai_sheet::ErrorList<LedgerError>;

/// The default [`ReadOptions::chunk_size`]: large enough that a store adds rows in big
/// batches, small enough that a chunk of the longest rows stays within a few tens of MB.
pub const DEFAULT_CHUNK_SIZE: usize = 5_000;

/// How a ledger is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// At most this many records in a [`Chunk`] (at least 1).
    pub chunk_size: usize,
    /// The date of the import: no request can have been received, decided or appealed after it.
    pub today: NaiveDate,
}

impl ReadOptions {
    /// [`DEFAULT_CHUNK_SIZE`] records per chunk, dates up to `today`.
    pub fn new(today: NaiveDate) -> Self {
        ReadOptions {
            chunk_size: DEFAULT_CHUNK_SIZE,
            today,
        }
    }
}

impl Default for ReadOptions {
    /// [`ReadOptions::new`] with today's date in China (UTC+8, the time zone of the 条例's
    /// deadlines) from the system clock.
    fn default() -> Self {
        ReadOptions::new(text::today_in_china())
    }
}

/// A request read from the ledger, with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    /// The row number as Excel shows it, in [`Chunk::sheet`].
    pub row: u32,
    pub request: NewRequest,
    /// `Received`, then `Decided` (with the outcome) if the ledger gives a result.
    pub events: Vec<TimelineEvent>,
}

/// A remedy case read from the ledger, with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemedyRow {
    /// The row number as Excel shows it, in [`Chunk::sheet`].
    pub row: u32,
    pub remedy: NewRemedy,
}

/// Records of one sheet, in file order: the requests of a ledger sheet, or the cases of a
/// remedy sheet (the other list is empty). Only rows without any error are in a chunk.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chunk {
    /// The sheet as Excel shows it (for a CSV file: the file name without extension; for the
    /// separate remedies CSV: `复议诉讼`), as in [`LedgerError::sheet`].
    pub sheet: String,
    pub requests: Vec<RequestRow>,
    pub remedies: Vec<RemedyRow>,
}

impl Chunk {
    /// How many records the chunk holds.
    pub fn len(&self) -> usize {
        self.requests.len() + self.remedies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The records without their row numbers, as a store takes them.
    pub fn into_records(self) -> (Vec<(NewRequest, Vec<TimelineEvent>)>, Vec<NewRemedy>) {
        (
            self.requests
                .into_iter()
                .map(|r| (r.request, r.events))
                .collect(),
            self.remedies.into_iter().map(|r| r.remedy).collect(),
        )
    }
}

/// What a ledger without errors held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// Requests read.
    pub requests: usize,
    /// Remedy cases read.
    pub remedies: usize,
    /// The `关联受理编号` of remedies that are not a `受理编号` of this ledger, each once, in order
    /// of appearance: the caller must find them among stored requests.
    pub unlinked_references: Vec<String>,
}
