//! Documents rendered from the report model, faithful to the statutory layout: every tabular
//! format walks the grids of [`gongkai_report::layout`], so row and column spans are written down
//! once. Pure: each renderer returns the document's bytes; writing them is the caller's job.
#![forbid(unsafe_code)]

mod csv;
mod docx;
mod flat;
pub mod gongwen;
mod html;
pub mod listing;
mod markdown;
mod text;
mod xlsx;

pub use html::{Decoration, table as html_table};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use gongkai_report::layout::{Grid, Role, TableId};
use gongkai_report::template::{CellKind, MoneyUnit};
use gongkai_report::{CellKey, Finding, Report, Value, json};
use rust_decimal::Decimal;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// The document formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Html,
    Docx,
    Xlsx,
    Markdown,
    Text,
    Csv,
    Json,
}

impl Target {
    /// Every target, with its command-line name.
    pub const ALL: [(Target, &'static str); 7] = [
        (Target::Html, "html"),
        (Target::Docx, "docx"),
        (Target::Xlsx, "xlsx"),
        (Target::Markdown, "md"),
        (Target::Text, "txt"),
        (Target::Csv, "csv"),
        (Target::Json, "json"),
    ];

    /// The command-line name, which is also the file extension.
    pub fn name(self) -> &'static str {
        Target::ALL
            .iter()
            .find(|(t, _)| *t == self)
            .map_or("", |(_, n)| n)
    }

    /// Whether the document is binary (not to be printed on a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Target::Docx | Target::Xlsx)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Target::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(t, _)| *t)
            .ok_or_else(|| {
                format!("未知的输出格式 {s}：应为 html、docx、xlsx、md、txt、csv 或 json")
            })
    }
}

/// A document that could not be produced (only the binary writers can fail).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("生成 Word 文档失败：{0}")]
    Docx(String),
    #[error("生成 Excel 工作簿失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// What a printed document needs that the report does not hold. The default prints no date
/// and records no creation time, so that [`render`] is deterministic (snapshot tests, batch
/// corpora); the command line passes today's date and the current time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocumentMeta {
    /// The date of the signature block (落款日期), printed under the agency's name at the end
    /// of the DOCX and HTML documents as `2025年1月20日`. `None` prints the agency alone.
    pub signed_on: Option<NaiveDate>,
    /// When the document was made: the DOCX core properties `dcterms:created` and
    /// `dcterms:modified`, the HTML `dcterms.created` meta. `None` writes neither.
    pub created: Option<DateTime<FixedOffset>>,
}

/// Renders a report (with its findings, which JSON includes) to a document, with no
/// signature date and no creation time (see [`DocumentMeta`]).
pub fn render(
    report: &Report,
    findings: &[Finding],
    target: Target,
) -> Result<Vec<u8>, RenderError> {
    render_with(report, findings, target, &DocumentMeta::default())
}

/// Renders a report to a document with the signature date and creation time of `meta`.
/// Formats without a signature block or properties (XLSX, Markdown, text, CSV, JSON) ignore
/// `meta`.
pub fn render_with(
    report: &Report,
    findings: &[Finding],
    target: Target,
    meta: &DocumentMeta,
) -> Result<Vec<u8>, RenderError> {
    Ok(match target {
        Target::Html => html::render(report, meta).into_bytes(),
        Target::Docx => docx::render(report, meta)?,
        Target::Xlsx => xlsx::render(report)?,
        Target::Markdown => markdown::render(report).into_bytes(),
        Target::Text => text::render(report).into_bytes(),
        Target::Csv => csv::render(report).into_bytes(),
        Target::Json => json::to_string(report, Some(findings)).into_bytes(),
    })
}

/// The date of a signature block as 公文 print it: `2025年1月20日` (Arabic figures, no
/// leading zeros, GB/T 9704-2012 7.3.5.1 成文日期).
pub fn signature_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// Text escaped for HTML and XML element content and quoted attribute values. Control
/// characters XML 1.0 forbids (all below U+0020 but tab and line breaks) are dropped: they
/// would make a DOCX package unreadable, and input never holds them (the limits refuse them).
pub(crate) fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if u32::from(c) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The title of the report as printed: `盐湖区人民政府办公室2020年政府信息公开工作年度报告`; a
/// report read without its year says so instead of printing a year (read back, it is unknown
/// again).
pub fn title(report: &Report) -> String {
    match report.known_year() {
        Some(year) => format!("{}{year}年政府信息公开工作年度报告", report.agency),
        None => format!("{}政府信息公开工作年度报告（年度未能确定）", report.agency),
    }
}

/// The number of header rows at the top of a grid, repeated on every page (`w:tblHeader`):
/// the rows above the first figure in tables 三 and 四. Table 二 has none: each of its blocks
/// has its own caption and header row, and Word repeats only rows at the top of a table.
pub(crate) fn head_rows(grid: &Grid) -> usize {
    if grid.cells.iter().any(|c| c.role == Role::Caption) {
        return 0;
    }
    (0..grid.rows)
        .take_while(|&r| grid.row(r).all(|c| c.role != Role::Data))
        .count()
}

/// Row groups of a table that should stay on one page, by the row spans of their labels:
/// （三）不予公开 and its eight items, for instance. The group of all of 三、本年度办理结果
/// (20 rows) is longer than this and may break.
const MAX_KEPT_GROUP: usize = 8;

/// Whether each row keeps with the next one (in DOCX keep-with-next on its paragraphs,
/// which Word and LibreOffice honour between table rows; in HTML `break-after: avoid`).
/// Chains stay short, so that a table never jumps whole to the next page leaving a
/// half-blank page behind, yet no row is ever alone:
/// - the header rows stay with the first two data rows (a page never ends with a header or
///   with one row under it);
/// - the second-to-last row stays with the last (a page never holds the last row alone);
/// - table 二's blocks (caption, header, figures) are kept whole, and breaks fall between
///   them, but never before the last block;
/// - rows under one row-span label of at most [`MAX_KEPT_GROUP`] rows stay together;
/// - under a longer one (三、本年度办理结果, 20 rows) the first two rows stay together, so
///   that the label, three lines in its column, is never cut by a page break.
///
/// The last row does not keep with what follows. Rows never split (`w:cantSplit`).
pub(crate) fn keep_with_next(grid: &Grid) -> Vec<bool> {
    let n = grid.rows;
    let is_caption_row = |r: usize| grid.row(r).any(|c| c.role == Role::Caption);
    let heads = head_rows(grid);
    let row_spans = || {
        grid.cells
            .iter()
            .filter(|c| c.role == Role::RowHeader && c.row_span > 1)
    };
    let groups: Vec<Range<usize>> = row_spans()
        .filter(|c| c.row_span <= MAX_KEPT_GROUP)
        .map(|c| c.row..c.row + c.row_span)
        .collect();
    let long_starts: Vec<usize> = row_spans()
        .filter(|c| c.row_span > MAX_KEPT_GROUP)
        .map(|c| c.row)
        .collect();
    let last_caption = (0..n).rev().find(|&r| is_caption_row(r));
    (0..n)
        .map(|r| {
            let last = r + 1 >= n;
            if last {
                return false;
            }
            if grid.table == TableId::T2 {
                // Breaks fall before a caption, except before the last one: the last block
                // (a single row in both formats) never stands alone on a page.
                return !is_caption_row(r + 1) || Some(r + 1) == last_caption;
            }
            r < heads + 1
                || r + 2 == n
                || long_starts.contains(&r)
                || groups
                    .iter()
                    .any(|g| g.contains(&r) && g.contains(&(r + 1)))
        })
        .collect()
}

/// How a figure is printed in a document: counts as integers, signed counts with their sign
/// (`+3`, `0`, `-4`), money as an exact decimal with its unit where the label has none.
///
/// The 2019 `采购总金额` is stored in 元 (canonical JSON, spec §4) but printed in 万元, as
/// agencies print that cell (`33633789.63万元`): the decimal point moves four places left,
/// digit for digit, and trailing zeros after it are dropped, so nothing is ever rounded (an
/// amount in whole 元 has at most four decimals in 万元, one with 分 at most six). The 2021
/// `本年收费金额（单位：万元）` is stored in 万元 and its label names the unit: the number alone.
/// Absent cells print empty.
pub fn cell_text(key: CellKey, value: Option<Value>) -> String {
    match (value, key.kind()) {
        (None, _) => String::new(),
        (Some(Value::Int(n)), CellKind::SignedCount) if n > 0 => format!("+{n}"),
        (Some(Value::Money(yuan)), CellKind::Money(MoneyUnit::Yuan)) => {
            match yuan_to_wan_yuan(yuan) {
                Some(wan) => format!("{wan}{}", MoneyUnit::WanYuan.label()),
                None => format!("{yuan}{}", MoneyUnit::Yuan.label()),
            }
        }
        (Some(v), _) => v.to_string(),
    }
}

/// An amount in 元 as 万元, exactly: the decimal point moves four places and trailing zeros
/// are dropped (`336337896300` → `33633789.63`), so nothing is ever rounded. `None` only when
/// the amount already has more decimals than a decimal holds (28 - 4).
pub(crate) fn yuan_to_wan_yuan(yuan: Decimal) -> Option<Decimal> {
    let mut wan = yuan;
    wan.set_scale(yuan.scale() + 4).ok()?;
    Some(wan.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_to_wan_yuan_moves_the_point_exactly() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        for (yuan, wan) in [
            ("336337896300", "33633789.63"),
            ("251000", "25.1"),
            ("10000", "1"),
            ("0", "0"),
            ("1", "0.0001"),
            ("0.01", "0.000001"),
            ("12345.67", "1.234567"),
            ("-25000", "-2.5"),
            ("-0.00", "0"),
            ("99999999999999999999.99", "9999999999999999.999999"),
        ] {
            assert_eq!(
                yuan_to_wan_yuan(d(yuan)).map(|w| w.to_string()),
                Some(wan.into()),
                "{yuan}元"
            );
        }
        // Too many decimals to move the point: no guess.
        assert_eq!(yuan_to_wan_yuan(Decimal::new(1, 26)), None);
    }

    #[test]
    fn signature_dates_have_no_leading_zeros() {
        let date = NaiveDate::from_ymd_opt(2025, 1, 5).unwrap_or_default();
        assert_eq!(signature_date(date), "2025年1月5日");
    }
}
