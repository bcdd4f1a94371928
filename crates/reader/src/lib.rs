//! The reader of published annual reports (政府信息公开工作年度报告): a page, a text copied from
//! one, or a Markdown conversion, into the report model of [`gongkai_report`], with where every
//! figure was found.
//!
//! Two halves with a clean boundary, so that more input forms (DOCX, PDF) plug in:
//! - front-ends turn bytes into a [`Document`] of paragraphs and tables whose every text
//!   carries its [`Source`] ([`html`], [`text`], [`docx`], [`pdf`]);
//! - the back-end, [`interpret()`], reads the report out of any document (spec §6).
//!
//! Pure: bytes in, values out. Never panics on any input.
#![forbid(unsafe_code)]

pub mod decode;
pub mod document;
pub mod docx;
pub mod html;
mod interpret;
pub mod norm;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod text;

pub use document::{Block, Cell, Document, Paragraph, Source, Table};
pub use interpret::interpret;

use gongkai_report::{CellKey, Report};
use std::collections::BTreeMap;

/// What an input is, judged by its content (never by a file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// An HTML page or fragment (UTF-8, GBK or GB18030).
    Html,
    /// A JSON document (a CMS API answer) with the page's HTML in a string value.
    HtmlInJson,
    /// Text with Markdown tables (`| a | b |` with a `|---|` separator line).
    Markdown,
    /// Plain text: copied from a page (one cell per line, tab- or `|`-separated or aligned rows).
    Text,
    /// Canonical report JSON (spec §4): already a report.
    CanonicalJson,
    /// A Word or WPS document (a ZIP package with `word/document.xml`).
    Docx,
    /// A PDF with a text layer.
    Pdf,
}

impl InputKind {
    /// A short name for summaries.
    pub fn name(self) -> &'static str {
        match self {
            InputKind::Html => "html",
            InputKind::HtmlInJson => "html-in-json",
            InputKind::Markdown => "markdown",
            InputKind::Text => "text",
            InputKind::CanonicalJson => "json",
            InputKind::Docx => "docx",
            InputKind::Pdf => "pdf",
        }
    }
}

/// Why an input could not be read as a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("无法解码：既不是 UTF-8，也不是 GBK/GB18030 编码的文本")]
    Undecodable,
    #[error("不是政府信息公开工作年度报告：{0}")]
    NotAReport(String),
    #[error("未找到年度报告的统计表格（表二、表三、表四）")]
    NoTable,
    #[error("年度报告 JSON 无效：{0}")]
    Json(String),
    /// A DOCX or PDF file that could not be opened or whose text could not be extracted
    /// (damaged, encrypted, too slow, or PDF support not built in).
    #[error("无法读取文件：{0}")]
    Unreadable(String),
}

impl ReadError {
    /// Whether the input is no report at all (an image, a README, a page without the report's
    /// tables), rather than a report that could not be read (a damaged document, bad canonical
    /// JSON): a batch over a directory skips the first kind with a note.
    pub fn is_not_a_report(&self) -> bool {
        matches!(
            self,
            ReadError::Undecodable | ReadError::NotAReport(_) | ReadError::NoTable
        )
    }
}

/// A report read from an input, with the source of every cell found and what was doubtful.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub report: Report,
    /// Where each cell was found, including cells found blank (`null`).
    pub provenance: BTreeMap<CellKey, Source>,
    pub kind: InputKind,
    /// Doubts and omissions, in Chinese, for a person to check.
    pub warnings: Vec<String>,
}

/// How much of the format's tables was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completeness {
    /// Cells located in the input (with a figure or blank).
    pub found: usize,
    /// Cells of the report's layout.
    pub total: usize,
}

impl Completeness {
    /// `found / total`, 0 to 1.
    pub fn ratio(self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.found as f64 / self.total as f64
        }
    }
}

impl Parsed {
    /// Cells found over cells of the report's layout, for batch summaries. Canonical JSON
    /// states every cell (a `null` is stated too), so it counts as complete.
    pub fn completeness(&self) -> Completeness {
        let keys = self.report.printed_cells();
        let found = if self.kind == InputKind::CanonicalJson {
            keys.len()
        } else {
            keys.iter()
                .filter(|k| self.provenance.contains_key(k))
                .count()
        };
        Completeness {
            found,
            total: keys.len(),
        }
    }
}

/// Judges what an input is by its content.
pub fn sniff(bytes: &[u8]) -> InputKind {
    if let Some(kind) = sniff_binary(bytes) {
        return kind;
    }
    match decode::decode(bytes) {
        Some(text) => sniff_text(&text).0,
        None => InputKind::Text,
    }
}

/// DOCX (a ZIP package with `word/document.xml`) or PDF (`%PDF-` in the first kilobyte, where
/// readers accept it).
fn sniff_binary(bytes: &[u8]) -> Option<InputKind> {
    if docx::is_docx(bytes) {
        return Some(InputKind::Docx);
    }
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5)
        .any(|w| w == b"%PDF-")
        .then_some(InputKind::Pdf)
}

/// The document of a binary input.
fn binary_document(kind: InputKind, bytes: &[u8]) -> Result<Document, ReadError> {
    match kind {
        InputKind::Docx => docx::parse(bytes),
        #[cfg(feature = "pdf")]
        InputKind::Pdf => pdf::parse(bytes),
        #[cfg(not(feature = "pdf"))]
        InputKind::Pdf => Err(ReadError::Unreadable(
            "本程序未启用 PDF 支持（pdf 功能）".into(),
        )),
        _ => Err(ReadError::Unreadable(format!(
            "{} 不是二进制格式",
            kind.name()
        ))),
    }
}

/// The kind of a decoded text, with the embedded HTML of a JSON document.
fn sniff_text(text: &str) -> (InputKind, Option<String>) {
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if (t.starts_with('{') || t.starts_with('['))
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(t)
    {
        if value.get("format").is_some() && value.get("tables").is_some() {
            return (InputKind::CanonicalJson, None);
        }
        if let Some(s) = longest_string(&value)
            && looks_html(s)
        {
            return (InputKind::HtmlInJson, Some(s.to_owned()));
        }
    }
    if looks_html(t) {
        return (InputKind::Html, None);
    }
    let md = t.lines().any(|l| {
        let l = l.trim();
        l.starts_with('|')
            && l.contains("---")
            && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
    });
    if md {
        (InputKind::Markdown, None)
    } else {
        (InputKind::Text, None)
    }
}

fn looks_html(s: &str) -> bool {
    // A tag that only HTML has, near the start (case-insensitive, without copying the text).
    let head = &s.as_bytes()[..s.len().min(60_000)];
    const TAGS: &[&[u8]] = &[
        b"<html",
        b"<body",
        b"<table",
        b"<!doctype html",
        b"<div",
        b"<p>",
        b"<p ",
    ];
    head.iter().enumerate().any(|(i, &b)| {
        b == b'<'
            && TAGS.iter().any(|t| {
                head.get(i..i + t.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(t))
            })
    })
}

fn longest_string(v: &serde_json::Value) -> Option<&str> {
    match v {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Array(a) => a.iter().filter_map(longest_string).max_by_key(|s| s.len()),
        serde_json::Value::Object(o) => o
            .values()
            .filter_map(longest_string)
            .max_by_key(|s| s.len()),
        _ => None,
    }
}

/// Reads a report in any form, judging it by its content: canonical JSON strictly (a bad
/// canonical document is an error whose message names the JSON path), a JSON document holding a
/// page's HTML (a CMS answer) as that page, anything else as [`read`] does.
pub fn read_any(bytes: &[u8]) -> Result<Parsed, ReadError> {
    let b = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let json = b
        .iter()
        .find(|c| !c.is_ascii_whitespace())
        .is_some_and(|&c| c == b'{' || c == b'[');
    if !json {
        return read(bytes);
    }
    let text = match std::str::from_utf8(b) {
        Ok(t) => t,
        Err(e) => {
            return Err(ReadError::Json(format!(
                "不是 UTF-8 编码的文本（第 {} 字节处）",
                e.valid_up_to()
            )));
        }
    };
    match gongkai_report::json::from_str(text) {
        Ok(report) => Ok(Parsed {
            report,
            provenance: BTreeMap::new(),
            kind: InputKind::CanonicalJson,
            warnings: Vec::new(),
        }),
        // A CMS answer with the page's HTML inside is a published report, not a bad canonical
        // document.
        Err(_) if sniff(bytes) == InputKind::HtmlInJson => read(bytes),
        Err(e) => Err(ReadError::Json(e.to_string())),
    }
}

/// Reads a report, judging the kind of input by its content.
pub fn read(bytes: &[u8]) -> Result<Parsed, ReadError> {
    if let Some(kind) = sniff_binary(bytes) {
        return interpret(&binary_document(kind, bytes)?, kind);
    }
    let text = decode::decode(bytes).ok_or(ReadError::Undecodable)?;
    let (kind, embedded) = sniff_text(&text);
    read_text(kind, &text, embedded.as_deref())
}

/// Reads a report as the given kind of input.
pub fn read_as(kind: InputKind, bytes: &[u8]) -> Result<Parsed, ReadError> {
    if matches!(kind, InputKind::Docx | InputKind::Pdf) {
        return interpret(&binary_document(kind, bytes)?, kind);
    }
    let text = decode::decode(bytes).ok_or(ReadError::Undecodable)?;
    let embedded = match kind {
        InputKind::HtmlInJson => match sniff_text(&text) {
            (InputKind::HtmlInJson, Some(html)) => Some(html),
            _ => return Err(ReadError::NotAReport("JSON 中没有 HTML 内容".into())),
        },
        _ => None,
    };
    read_text(kind, &text, embedded.as_deref())
}

/// The document of an input (the front-end only), for inspection and other back-ends.
pub fn document(kind: InputKind, bytes: &[u8]) -> Result<Document, ReadError> {
    if matches!(kind, InputKind::Docx | InputKind::Pdf) {
        return binary_document(kind, bytes);
    }
    let text = decode::decode(bytes).ok_or(ReadError::Undecodable)?;
    Ok(match kind {
        InputKind::Html => html::parse(&text),
        InputKind::HtmlInJson => match sniff_text(&text) {
            (_, Some(h)) => html::parse(&h),
            _ => return Err(ReadError::NotAReport("JSON 中没有 HTML 内容".into())),
        },
        InputKind::Markdown | InputKind::Text => text::parse(&text),
        InputKind::CanonicalJson => Document::default(),
        InputKind::Docx | InputKind::Pdf => return binary_document(kind, bytes),
    })
}

fn read_text(kind: InputKind, text: &str, embedded: Option<&str>) -> Result<Parsed, ReadError> {
    let doc = match kind {
        InputKind::CanonicalJson => {
            let report =
                gongkai_report::json::from_str(text).map_err(|e| ReadError::Json(e.to_string()))?;
            return Ok(Parsed {
                report,
                provenance: BTreeMap::new(),
                kind,
                warnings: Vec::new(),
            });
        }
        InputKind::Html => html::parse(text),
        InputKind::HtmlInJson => html::parse(embedded.unwrap_or(text)),
        InputKind::Markdown | InputKind::Text => text::parse(text),
        InputKind::Docx | InputKind::Pdf => {
            return Err(ReadError::Unreadable(format!("{} 不是文本", kind.name())));
        }
    };
    interpret(&doc, kind)
}
