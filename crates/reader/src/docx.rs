//! The DOCX front-end: Word and WPS documents (`word/document.xml` of the package) read
//! tolerantly with `zip` and `quick-xml`, not through a strict document model.
//!
//! - Paragraphs become [`Source::Paragraph`]s; a soft line break (`w:br`, `w:cr`) ends a
//!   paragraph as `<br>` does in the HTML front-end; `w:tab` is a tab.
//! - Tables become grids: `w:gridBefore` skips slots, `w:gridSpan` spans columns, `w:vMerge`
//!   `restart`/`continue` (and the legacy `w:hMerge`) span rows; covered slots repeat the
//!   spanning cell with `covered` set, as [`crate::document::Cell`] describes. A table that holds
//!   another table is a layout table: its cells are read as blocks in order, so only the inner
//!   (data) tables are tables.
//! - Content controls (`w:sdt`), hyperlinks, smart tags, fields and tracked insertions are read
//!   through; tracked deletions (`w:del`, `w:moveFrom`), field instructions and the VML fallback
//!   of a drawing are dropped. Text boxes are read as blocks after the paragraph anchoring them.
//! - Malformed XML ends the document where it breaks; what was read before is kept.

use crate::ReadError;
use crate::document::{Block, Cell, Document, Paragraph, Source, Table};
use quick_xml::events::Event;
use std::io::{Cursor, Read};

/// Upper bound on the decompressed size of the main document part.
const MAX_PART: u64 = 64 << 20;
/// Upper bound on element nesting; deeper elements are flattened into their ancestor.
const MAX_DEPTH: usize = 200;
/// Upper bound on the slots of one table grid.
const MAX_SLOTS: usize = 100_000;
/// Upper bound on one cell's column span.
const MAX_SPAN: usize = 64;

/// Whether `bytes` is a ZIP package holding a Word document (`word/document.xml`).
pub fn is_docx(bytes: &[u8]) -> bool {
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(zip) => zip.file_names().any(|n| n == "word/document.xml"),
        // A package whose central directory is damaged: look for the part name in the local
        // file headers.
        Err(_) => bytes.windows(17).any(|w| w == b"word/document.xml"),
    }
}

/// Parses a DOCX package.
pub fn parse(bytes: &[u8]) -> Result<Document, ReadError> {
    let (xml, mut warnings) = main_part(bytes)?;
    let mut doc = parse_xml(&xml);
    warnings.append(&mut doc.warnings);
    doc.warnings = warnings;
    Ok(doc)
}

/// The main document part, decompressed.
fn main_part(bytes: &[u8]) -> Result<(Vec<u8>, Vec<String>), ReadError> {
    let bad = |m: &str| ReadError::Unreadable(format!("DOCX 文件无法打开：{m}"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e.to_string()))?;
    let name = if zip.file_names().any(|n| n == "word/document.xml") {
        "word/document.xml".to_owned()
    } else {
        zip.file_names()
            .filter(|n| n.ends_with(".xml") && n.contains("document"))
            .min()
            .map(str::to_owned)
            .ok_or_else(|| bad("没有 word/document.xml"))?
    };
    let file = zip.by_name(&name).map_err(|e| bad(&e.to_string()))?;
    let declared = file.size();
    let mut xml = Vec::new();
    // A damaged deflate stream or a wrong CRC still leaves what was decompressed. The limit
    // keeps a decompression bomb out of memory; what lies past it is not read, and said so.
    let _ = file.take(MAX_PART + 1).read_to_end(&mut xml);
    if xml.is_empty() {
        return Err(bad("word/document.xml 为空"));
    }
    let mut warnings = Vec::new();
    if xml.len() as u64 > MAX_PART {
        xml.truncate(MAX_PART as usize);
        warnings.push(format!(
            "Word 文档的正文部分（{name}）有 {:.1} MB，只读取了前 {} MB，其后的内容未读取",
            declared.max(MAX_PART + 1) as f64 / (1 << 20) as f64,
            MAX_PART >> 20
        ));
    }
    Ok((xml, warnings))
}

/// An element of the document part: local name, the attributes the reader needs, children.
#[derive(Debug, Default)]
struct El {
    name: String,
    /// `w:val` (or `val` in any namespace).
    val: Option<String>,
    /// `w:type` (of `w:br`).
    kind: Option<String>,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    El(El),
    Text(String),
}

impl El {
    fn els(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|c| match c {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    fn child(&self, name: &str) -> Option<&El> {
        self.els().find(|e| e.name == name)
    }

    /// Whether any descendant is a `name` element.
    fn contains(&self, name: &str) -> bool {
        self.els().any(|e| e.name == name || e.contains(name))
    }
}

fn local(name: &[u8]) -> String {
    let l = match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    String::from_utf8_lossy(l).into_owned()
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> El {
    let mut el = El {
        name: local(e.name().as_ref()),
        ..El::default()
    };
    for a in e.attributes().flatten() {
        let key = local(a.key.as_ref());
        let value = || String::from_utf8_lossy(&a.value).into_owned();
        match key.as_str() {
            "val" => el.val = Some(value()),
            "type" => el.kind = Some(value()),
            _ => {}
        }
    }
    el
}

/// Elements whose content is not document text.
const SKIP: &[&str] = &[
    "del",
    "moveFrom",
    "delText",
    "instrText",
    "delInstrText",
    "Fallback",
    "rPr",
    "pPr",
    "tblPr",
    "sectPr",
    "footnoteReference",
    "endnoteReference",
    "commentReference",
];

/// Parses the XML of the part into a tree, keeping only text nodes inside `w:t`.
fn tree(xml: &[u8]) -> (El, usize) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    let mut stack: Vec<El> = vec![El::default()];
    // Depth of skipped or too-deep elements being passed over.
    let mut skipping = 0usize;
    let mut flattened = 0usize;
    let mut flattened_total = 0usize;
    let mut buf = Vec::new();
    let in_text = |stack: &[El]| stack.last().is_some_and(|e| e.name == "t");
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        match event {
            Event::Start(e) => {
                if skipping > 0 {
                    skipping += 1;
                    continue;
                }
                let el = element(&e);
                if SKIP.contains(&el.name.as_str()) {
                    skipping = 1;
                } else if stack.len() >= MAX_DEPTH {
                    flattened += 1;
                    flattened_total += 1;
                } else {
                    stack.push(el);
                }
            }
            Event::Empty(e) => {
                if skipping > 0 {
                    continue;
                }
                let el = element(&e);
                if !SKIP.contains(&el.name.as_str())
                    && let Some(top) = stack.last_mut()
                {
                    top.children.push(Node::El(el));
                }
            }
            Event::End(_) => {
                if skipping > 0 {
                    skipping -= 1;
                } else if flattened > 0 {
                    flattened -= 1;
                } else if stack.len() > 1
                    && let Some(el) = stack.pop()
                    && let Some(top) = stack.last_mut()
                {
                    top.children.push(Node::El(el));
                }
            }
            Event::Text(t) if skipping == 0 && in_text(&stack) => {
                if let Ok(s) = t.decode() {
                    push_text(&mut stack, &s);
                }
            }
            Event::CData(t) if skipping == 0 && in_text(&stack) => {
                push_text(&mut stack, &String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if skipping == 0 && in_text(&stack) => {
                let c = if let Ok(Some(c)) = r.resolve_char_ref() {
                    Some(c)
                } else {
                    match r.decode().as_deref() {
                        Ok("amp") => Some('&'),
                        Ok("lt") => Some('<'),
                        Ok("gt") => Some('>'),
                        Ok("quot") => Some('"'),
                        Ok("apos") => Some('\''),
                        _ => None,
                    }
                };
                if let Some(c) = c {
                    push_text(&mut stack, c.encode_utf8(&mut [0; 4]));
                }
            }
            _ => {}
        }
    }
    while stack.len() > 1 {
        if let Some(el) = stack.pop()
            && let Some(top) = stack.last_mut()
        {
            top.children.push(Node::El(el));
        }
    }
    (stack.pop().unwrap_or_default(), flattened_total)
}

fn push_text(stack: &mut [El], s: &str) {
    if let Some(top) = stack.last_mut() {
        match top.children.last_mut() {
            Some(Node::Text(t)) => t.push_str(s),
            _ => top.children.push(Node::Text(s.to_owned())),
        }
    }
}

/// Parses the XML of a main document part.
pub fn parse_xml(xml: &[u8]) -> Document {
    let (root, flattened) = tree(xml);
    let mut w = Walker::default();
    w.blocks_of(&root);
    let mut warnings = Vec::new();
    if flattened > 0 {
        warnings.push(format!(
            "Word 文档中有 {flattened} 个元素嵌套超过 {MAX_DEPTH} 层，其结构未读取（其中的文字仍按顺序读取）"
        ));
    }
    Document {
        title: None,
        blocks: w.blocks,
        warnings,
    }
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    paragraphs: usize,
    tables: usize,
}

impl Walker {
    fn paragraph(&mut self, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.blocks.push(Block::Paragraph(Paragraph {
                text: text.to_owned(),
                source: Source::Paragraph {
                    index: self.paragraphs,
                },
            }));
            self.paragraphs += 1;
        }
    }

    /// Reads the block-level content of an element (body, cell of a layout table, text box,
    /// content control).
    fn blocks_of(&mut self, el: &El) {
        for c in el.els() {
            self.block(c);
        }
    }

    fn block(&mut self, c: &El) {
        match c.name.as_str() {
            "p" => {
                let mut lines = vec![String::new()];
                let mut boxes = Vec::new();
                inline(c, &mut lines, &mut boxes);
                for l in &lines {
                    self.paragraph(l);
                }
                for b in boxes {
                    self.block(b);
                }
            }
            "tbl" => {
                if c.els().any(|e| e.contains("tbl")) {
                    // A layout table: its cells' content in reading order.
                    for tc in cells_in(c) {
                        self.blocks_of(tc);
                    }
                } else {
                    self.table(c);
                }
            }
            _ => self.blocks_of(c),
        }
    }

    fn table(&mut self, tbl: &El) {
        let index = self.tables;
        let mut grid: Vec<Vec<Cell>> = Vec::new();
        let mut slots = 0usize;
        for (r, tr) in rows_in(tbl).into_iter().enumerate() {
            let mut row: Vec<Cell> = Vec::new();
            let blank = |row: usize, col: usize| {
                Cell::new(
                    "",
                    Source::Table {
                        table: index,
                        row,
                        col,
                    },
                )
            };
            let before = tr
                .child("trPr")
                .and_then(|p| p.child("gridBefore"))
                .and_then(|g| g.val.as_deref())
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0)
                .min(MAX_SPAN);
            for c in 0..before {
                row.push(blank(r, c));
            }
            for tc in cells_in(tr) {
                let pr = tc.child("tcPr");
                let span = pr
                    .and_then(|p| p.child("gridSpan"))
                    .and_then(|g| g.val.as_deref())
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, MAX_SPAN);
                slots += span;
                if slots > MAX_SLOTS {
                    break;
                }
                let merge = |name: &str| {
                    pr.and_then(|p| p.child(name))
                        .map(|m| m.val.as_deref().unwrap_or("continue") != "restart")
                };
                let c = row.len();
                let above = grid
                    .last()
                    .and_then(|prev| prev.get(c))
                    .filter(|_| merge("vMerge") == Some(true));
                let left = row.last().filter(|_| merge("hMerge") == Some(true));
                let (text, source) = match above.or(left) {
                    Some(cell) => (cell.text.clone(), Some(cell.source)),
                    None => (cell_text(tc), None),
                };
                let origin = Source::Table {
                    table: index,
                    row: r,
                    col: c,
                };
                for dc in 0..span {
                    row.push(Cell {
                        text: text.clone(),
                        source: source.unwrap_or(origin),
                        covered: source.is_some() || dc > 0,
                    });
                }
            }
            grid.push(row);
        }
        let rows: Vec<Vec<Cell>> = grid.into_iter().filter(|r| !r.is_empty()).collect();
        if !rows.is_empty() {
            self.blocks.push(Block::Table(Table { rows }));
            self.tables += 1;
        }
    }
}

/// The rows of a table, through content controls and custom XML around them.
fn rows_in(tbl: &El) -> Vec<&El> {
    let mut out = Vec::new();
    collect(tbl, "tr", &mut out);
    out
}

/// The cells of a row (or of every row of a table), through wrappers, not into nested tables.
fn cells_in(el: &El) -> Vec<&El> {
    let mut out = Vec::new();
    collect(el, "tc", &mut out);
    out
}

fn collect<'a>(el: &'a El, name: &str, out: &mut Vec<&'a El>) {
    for c in el.els() {
        if c.name == name {
            out.push(c);
        } else if c.name != "tbl" && c.name != "p" {
            collect(c, name, out);
        }
    }
}

/// The text of a cell: its paragraphs (and nested content) joined by line breaks.
fn cell_text(tc: &El) -> String {
    let mut w = Walker::default();
    w.blocks_of(tc);
    let mut parts = Vec::new();
    for b in &w.blocks {
        match b {
            Block::Paragraph(p) => parts.push(p.text.clone()),
            Block::Table(t) => {
                for c in t.rows.iter().flatten().filter(|c| !c.covered) {
                    parts.push(c.text.clone());
                }
            }
        }
    }
    parts.join("\n")
}

/// The inline content of a paragraph: text into `lines` (a new line at each soft break), text
/// boxes into `boxes`.
fn inline<'a>(el: &'a El, lines: &mut Vec<String>, boxes: &mut Vec<&'a El>) {
    for c in &el.children {
        match c {
            Node::Text(t) => {
                if let Some(l) = lines.last_mut() {
                    l.push_str(t);
                }
            }
            Node::El(e) => match e.name.as_str() {
                "tab" | "ptab" => {
                    if let Some(l) = lines.last_mut() {
                        l.push('\t');
                    }
                }
                "br" | "cr" => {
                    if e.kind.as_deref() != Some("page") && e.kind.as_deref() != Some("column") {
                        lines.push(String::new());
                    }
                }
                "noBreakHyphen" => {
                    if let Some(l) = lines.last_mut() {
                        l.push('-');
                    }
                }
                "txbxContent" => boxes.push(e),
                // A paragraph or table inside inline content (malformed, or an inline
                // content control holding blocks): read as a text box.
                "p" | "tbl" => boxes.push(e),
                _ => inline(e, lines, boxes),
            },
        }
    }
}
