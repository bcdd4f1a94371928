//! Import into the disclosure catalogue (政府信息公开目录, 条例 第十九–二十六条): the three shapes in
//! which an agency's published documents arrive.
//!
//! - [`template`]: gongkai's blank XLSX workbook (sheet `目录` with [`HEADERS`], drop-down lists,
//!   date checks, and an explained example row in sheet `说明`); [`write_table`] /
//!   [`write_table_csv`] fill the same columns with documents (an export that reads back to the
//!   same documents).
//! - [`read_table`]: that template, or a CMS's catalogue export, as XLSX or CSV (UTF-8, UTF-16 or
//!   GBK/GB18030). Columns may come in any order and under other names through a
//!   [`HeaderMapping`] (a built-in set of the names CMS exports use, plus the user's own
//!   `标题=信息名称,发文字号=文号`). Every bad row is reported by row and column
//!   ([`ImportErrors`], the first [`MAX_KEPT_ERRORS`] and the count), and nothing is returned
//!   unless every row is right: all or nothing.
//! - [`read_page`] / [`read_pages`]: saved article pages of a government portal (the metadata
//!   block of 索引号, 发布机构, 成文日期 … above the article, in a table, a `<dl>` or a list),
//!   GBK or UTF-8, each with a [`PageReport`] of what was read and what was not.
//!
//! Decisions:
//! - Required in a table: 索引号, 信息名称, 发布日期 (the catalogue's key, its name, and the date
//!   from which 第二十六条's twenty working days are counted). An empty 发布机构 is the
//!   [`ReadOptions::default_agency`]; a 发布机构 the caller's `resolve_agency` does not know is an
//!   error, never a silent fallback.
//! - 有效性 empty is 有效. 废止 and 失效 need the date in 废止日期 (the model keeps the date: the
//!   register counts a repeal in the year of its date). The repealing document is not a column.
//! - Dates: `2020-03-05`, `2020/3/5`, `2020.3.5`, `2020年3月5日`, `20200305`, Excel date cells and
//!   serial numbers, with or without a time of day (ignored). No date before 1949 nor after
//!   [`ReadOptions::today`]; 成文日期 not after 发布日期; 废止日期 not before 成文日期.
//! - 正文 with markup (`<p>`, `<br>`, …) is HTML and is sanitised
//!   ([`gongkai_catalogue::body::sanitise`]); otherwise it is plain text, a paragraph per line.
//! - 解读对象 is the 索引号 of the document a 政策解读 explains, kept as text
//!   ([`ImportedDocument::interprets_index`]): the use case finds its id among stored documents
//!   or in the same file.
//! - 标准目录事项 names the items of the agency's 政务公开事项标准目录 the document publishes (their
//!   事项编号) and 发布渠道 the registered channels it was published on (their names), several
//!   separated by `、` or `;` ([`split_list`]): [`NewDocument::items`] and
//!   [`NewDocument::channels`]. The store checks that they exist.
//! - In a CSV file a text cell starting with `'` before `=` `+` `-` `@` tab, CR or `'` loses the
//!   `'`: [`write_table_csv`] writes it so that a spreadsheet does not take the cell for a
//!   formula (CSV injection, [`gongkai_report::spreadsheet::guard`]).
//!
//! Pure: no file-system or network I/O; bytes in, values out.
#![forbid(unsafe_code)]

pub mod cells;
mod columns;
mod page;
mod table;
mod template;
mod values;

use std::fmt;

use gongkai_catalogue::NewDocument;

pub use columns::{Column, HEADERS, HeaderMapping, MappingError, header_key};
pub use page::{PageField, PageReport, read_page, read_pages};
pub use table::{ReadOptions, TableKind, read_table};
pub use template::{
    CATALOGUE_SHEET, ExportRow, INSTRUCTIONS_SHEET, OPTIONS_SHEET, TemplateError, template,
    write_table, write_table_csv,
};

/// A document read from a table or a page, with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedDocument {
    /// The row number as Excel shows it (the header is row 1 when it is the first row); for a
    /// page, its position in the list given to [`read_pages`], from 1.
    pub row: usize,
    pub document: NewDocument,
    /// 解读对象: the 索引号 of the document this 政策解读 explains (`document.interprets` is
    /// `None` until the use case resolves it).
    pub interprets_index: Option<String>,
}

/// The entries of a list cell (标准目录事项, 发布渠道): separated by `、` `;` `；` `,` `，` or line
/// breaks, trimmed, empty ones dropped, each once, in order.
pub fn split_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(['、', ';', '；', ',', '，', '\n', '\r']) {
        let part = part.trim();
        if !part.is_empty() && !out.iter().any(|p| p == part) {
            out.push(part.to_string());
        }
    }
    out
}

/// One problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The row number as Excel shows it; `None` for problems of the whole file.
    pub row: Option<u32>,
    /// The column header as written in the file, followed by the template's name in brackets
    /// when the file used another one (`发文日期（成文日期）`).
    pub column: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for ImportError {
    /// `第7行“发布日期”：无法识别的日期“2024-13-01”`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(row) = self.row {
            write!(f, "第{row}行")?;
        }
        if let Some(column) = &self.column {
            write!(f, "“{column}”")?;
        }
        if self.row.is_some() || self.column.is_some() {
            f.write_str("：")?;
        }
        f.write_str(&self.message)
    }
}

/// How many errors [`ImportErrors`] keeps: enough to fix a file, few enough to print.
pub use gongkai_sheet::MAX_KEPT_ERRORS;

/// The problems found in a file: the first [`MAX_KEPT_ERRORS`] in file order, and how many there
/// are in all (`errors`, `total`, `left_out()`). Display: each kept error on its own line, then
/// `……另有 N 处错误未列出（共 M 处）` when some were left out. The same list as the ledger's
/// ([`gongkai_sheet::ErrorList`]).
pub type ImportErrors = gongkai_sheet::ErrorList<ImportError>;

/// Collects errors: the first [`MAX_KEPT_ERRORS`] and the count.
pub(crate) type ErrorLog = gongkai_sheet::ErrorLog<ImportError>;

/// A problem of the whole file.
pub(crate) fn file_error(message: impl Into<String>) -> ImportErrors {
    ImportErrors::from(ImportError {
        row: None,
        column: None,
        message: message.into(),
    })
}

/// Logs a problem at `row` and `column`.
pub(crate) fn log_error(
    log: &mut ErrorLog,
    row: Option<u32>,
    column: Option<String>,
    message: String,
) {
    log.push(ImportError {
        row,
        column,
        message,
    });
}
