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
pub mod export;
pub mod html;
mod interpret;
pub mod norm;
#[cfg(feature = "pdf")]
pub mod pdf;
mod runs;
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
    /// gongkai's own CSV (`cell,value` records; see [`export`]).
    Csv,
    /// gongkai's own Excel workbook, read from its `单元格` sheet (see [`export`]).
    Xlsx,
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
            InputKind::Csv => "csv",
            InputKind::Xlsx => "xlsx",
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
        Some(text) => sniff_text(&text).kind,
        None => InputKind::Text,
    }
}

/// DOCX (a ZIP package with `word/document.xml`), XLSX (one with `xl/workbook.xml`) or PDF
/// (`%PDF-` in the first kilobyte, where readers accept it).
fn sniff_binary(bytes: &[u8]) -> Option<InputKind> {
    if docx::is_docx(bytes) {
        return Some(InputKind::Docx);
    }
    if export::is_xlsx(bytes) {
        return Some(InputKind::Xlsx);
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

/// What a decoded text is: its kind, the embedded HTML of a JSON document, and what the
/// sniffing had to cut.
struct Sniffed {
    kind: InputKind,
    embedded: Option<String>,
    warning: Option<String>,
}

impl Sniffed {
    fn kind(kind: InputKind) -> Sniffed {
        Sniffed {
            kind,
            embedded: None,
            warning: None,
        }
    }
}

/// How deep `serde_json` nests before it gives up (its recursion limit).
const JSON_DEPTH: usize = 128;

/// The kind of a decoded text, with the embedded HTML of a JSON document.
fn sniff_text(text: &str) -> Sniffed {
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    // gongkai's own CSV first: its sections may hold anything, HTML tags included.
    if export::is_csv(t) {
        return Sniffed::kind(InputKind::Csv);
    }
    if t.starts_with('{') || t.starts_with('[') {
        match serde_json::from_str::<serde_json::Value>(t) {
            Ok(value) => {
                if value.get("format").is_some() && value.get("tables").is_some() {
                    return Sniffed::kind(InputKind::CanonicalJson);
                }
                if let Some(s) = longest_string(&value)
                    && looks_html(s)
                {
                    return Sniffed {
                        kind: InputKind::HtmlInJson,
                        embedded: Some(s.to_owned()),
                        warning: None,
                    };
                }
            }
            // Nesting past serde_json's limit: no tree is built, but the string values are
            // still found by a flat scan, so a page inside a deeply nested answer is read.
            Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
                if let Some(s) = longest_json_string(t)
                    && looks_html(&s)
                {
                    return Sniffed {
                        kind: InputKind::HtmlInJson,
                        embedded: Some(s),
                        warning: Some(format!(
                            "JSON 嵌套超过 {JSON_DEPTH} 层，未解析其结构，只取出了其中最长的 HTML 文字"
                        )),
                    };
                }
            }
            Err(_) => {}
        }
    }
    if looks_html(t) {
        return Sniffed::kind(InputKind::Html);
    }
    let md = t.lines().any(|l| {
        let l = l.trim();
        l.starts_with('|')
            && l.contains("---")
            && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
    });
    Sniffed::kind(if md {
        InputKind::Markdown
    } else {
        InputKind::Text
    })
}

/// The longest string value (not an object key) of a JSON text, by a flat scan that needs no
/// tree and no recursion: for JSON nested deeper than a parser takes.
fn longest_json_string(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < b.len() && b[i] != b'"' {
            i += if b[i] == b'\\' { 2 } else { 1 };
        }
        let end = i.min(b.len() - 1);
        i += 1;
        let key = b[i.min(b.len())..]
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            .is_some_and(|&c| c == b':');
        if !key && best.is_none_or(|(s, e)| end - start > e - s) {
            best = Some((start, end));
        }
    }
    let (s, e) = best?;
    serde_json::from_str::<String>(t.get(s..=e)?).ok()
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
        return read_binary(kind, bytes);
    }
    let text = decode::decode(bytes).ok_or(ReadError::Undecodable)?;
    read_text(sniff_text(&text), &text)
}

/// Reads a report as the given kind of input.
pub fn read_as(kind: InputKind, bytes: &[u8]) -> Result<Parsed, ReadError> {
    if is_binary(kind) {
        return read_binary(kind, bytes);
    }
    let text = decode::decode(bytes).ok_or(ReadError::Undecodable)?;
    let sniffed = match kind {
        InputKind::HtmlInJson => match sniff_text(&text) {
            s @ Sniffed {
                kind: InputKind::HtmlInJson,
                ..
            } => s,
            _ => return Err(ReadError::NotAReport("JSON 中没有 HTML 内容".into())),
        },
        _ => Sniffed::kind(kind),
    };
    read_text(sniffed, &text)
}

fn is_binary(kind: InputKind) -> bool {
    matches!(kind, InputKind::Docx | InputKind::Pdf | InputKind::Xlsx)
}

fn read_binary(kind: InputKind, bytes: &[u8]) -> Result<Parsed, ReadError> {
    match kind {
        InputKind::Xlsx => export::read_xlsx(bytes),
        _ => interpret(&binary_document(kind, bytes)?, kind),
    }
}

/// The document of an input (the front-end only), for inspection and other back-ends. Canonical
/// JSON and gongkai's CSV and XLSX are read straight into a report, not through a document:
/// their document is empty.
pub fn document(kind: InputKind, bytes: &[u8]) -> Result<Document, ReadError> {
    if matches!(kind, InputKind::Docx | InputKind::Pdf) {
        return binary_document(kind, bytes);
    }
    if kind == InputKind::Xlsx {
        return Ok(Document::default());
    }
    let text = decode::decode(bytes).ok_or(ReadError::Undecodable)?;
    Ok(match kind {
        InputKind::Html => html::parse(&text),
        InputKind::HtmlInJson => match sniff_text(&text) {
            Sniffed {
                embedded: Some(h),
                warning,
                ..
            } => {
                let mut doc = html::parse(&h);
                doc.warnings.splice(0..0, warning);
                doc
            }
            _ => return Err(ReadError::NotAReport("JSON 中没有 HTML 内容".into())),
        },
        InputKind::Markdown | InputKind::Text => text::parse(&text),
        InputKind::CanonicalJson | InputKind::Csv | InputKind::Xlsx => Document::default(),
        InputKind::Docx | InputKind::Pdf => return binary_document(kind, bytes),
    })
}

fn read_text(sniffed: Sniffed, text: &str) -> Result<Parsed, ReadError> {
    let kind = sniffed.kind;
    let mut doc = match kind {
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
        InputKind::Csv => return export::read_csv(text),
        InputKind::Html => html::parse(text),
        InputKind::HtmlInJson => html::parse(sniffed.embedded.as_deref().unwrap_or(text)),
        InputKind::Markdown | InputKind::Text => text::parse(text),
        InputKind::Docx | InputKind::Pdf | InputKind::Xlsx => {
            return Err(ReadError::Unreadable(format!("{} 不是文本", kind.name())));
        }
    };
    doc.warnings.splice(0..0, sniffed.warning);
    runs::rejoin(&mut doc);
    interpret(&doc, kind)
}
