//! Documents rendered from the report model, faithful to the statutory layout: every tabular
//! format walks the grids of [`gongkai_report::layout`], so row and column spans are written down
//! once. Pure: each renderer returns the document's bytes; writing them is the caller's job.
#![forbid(unsafe_code)]

mod csv;
mod docx;
mod flat;
mod html;
mod markdown;
mod text;
mod xlsx;

use gongkai_report::template::{CellKind, MoneyUnit};
use gongkai_report::{CellKey, Finding, Report, Value, json};
use std::fmt;
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

/// Renders a report (with its findings, which JSON includes) to a document.
pub fn render(
    report: &Report,
    findings: &[Finding],
    target: Target,
) -> Result<Vec<u8>, RenderError> {
    Ok(match target {
        Target::Html => html::render(report).into_bytes(),
        Target::Docx => docx::render(report)?,
        Target::Xlsx => xlsx::render(report)?,
        Target::Markdown => markdown::render(report).into_bytes(),
        Target::Text => text::render(report).into_bytes(),
        Target::Csv => csv::render(report).into_bytes(),
        Target::Json => json::to_string(report, Some(findings)).into_bytes(),
    })
}

/// The title of the report as printed: `盐湖区人民政府办公室2020年政府信息公开工作年度报告`.
pub fn title(report: &Report) -> String {
    format!("{}{}年政府信息公开工作年度报告", report.agency, report.year)
}

/// How a figure is printed in a document: counts as integers, signed counts with their sign
/// (`+3`, `0`, `-4`), money as an exact decimal with the unit where the label has none (2019
/// `采购总金额` is in 元; the 2021 fee label already says 万元). Absent cells print empty.
pub fn cell_text(key: CellKey, value: Option<Value>) -> String {
    match (value, key.kind()) {
        (None, _) => String::new(),
        (Some(Value::Int(n)), CellKind::SignedCount) if n > 0 => format!("+{n}"),
        (Some(v), CellKind::Money(MoneyUnit::Yuan)) => format!("{v}{}", MoneyUnit::Yuan.label()),
        (Some(v), _) => v.to_string(),
    }
}
