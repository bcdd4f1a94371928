//! The request ledger (台账) most agencies keep in a spreadsheet: importing it into request and
//! remedy records, and the blank XLSX template to keep it in.
//!
//! - [`read_ledger`]: an XLSX workbook or CSV file → [`Ledger`], all or nothing, with every
//!   wrong row reported in Chinese by sheet, row number as Excel shows it, and column header
//!   ([`LedgerErrors`]).
//! - [`template`]: the blank workbook, with drop-down lists and date checks;
//!   [`write_ledger`]: the same workbook filled with records (reads back to the same records).
//!
//! The ledger sheet `台账` has the columns [`REQUEST_HEADERS`], in any order; the sheet
//! `复议诉讼` (or a separate CSV file) has [`REMEDY_HEADERS`].
//!
//! Decisions:
//! - One applicant per row: `申请人姓名或名称` is taken as one name, even if it lists several
//!   people (table 三 counts a request under its first-named applicant's kind anyway).
//! - `关联受理编号` must name at least one request, but a request need not be in the same file:
//!   a case filed this year often concerns last year's request. [`Ledger::unlinked_references`]
//!   lists the references the caller must find elsewhere (in the store).
//! - A ledger row gives the request's `Received` event and, when decided, its `Decided` event
//!   with the outcome; the ledger has no columns for corrections, consultations, fees or
//!   extensions. `requested_form` is empty.
//! - Nothing in the file decides the year: every row is imported.
//!
//! This crate does no file-system I/O: it takes bytes and returns bytes or values.
#![forbid(unsafe_code)]

mod read;
mod template;
mod text;

use std::fmt;

use gongkai_cases::{NewRemedy, NewRequest, TimelineEvent};

pub use read::read_ledger;
pub use template::{TemplateError, template, write_ledger};

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

/// Every problem found in a ledger file, in sheet, row and column order. Display: one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerErrors(pub Vec<LedgerError>);

impl fmt::Display for LedgerErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LedgerErrors {}
