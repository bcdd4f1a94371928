//! The HTML front-end: a page (a whole CMS page, an article fragment, a rendered report) to a
//! [`Document`]. Data tables are the innermost `<table>` elements; tables that contain tables
//! are layout and are read as containers. Row and column spans are resolved into a grid. Site
//! navigation around the article is cut off by keeping only the smallest element that holds the
//! report's tables and its first and last sections.

use crate::document::{Block, Cell, Document, Paragraph, Source, Table};
use crate::norm::norm;
use scraper::{ElementRef, Html, Node};

/// Elements whose content is never report text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "head", "iframe", "object", "svg", "select",
    "textarea", "button", "input", "img", "video", "audio", "canvas", "map", "option",
];

/// Elements that end a paragraph.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "form",
    "center",
    "hr",
    "caption",
    "body",
    "html",
    "address",
    "figure",
    "figcaption",
    "tbody",
    "thead",
    "tfoot",
    "table",
];

/// Words that only the report's own tables hold.
const TABLE_MARKS: &[&str] = &["第二十条", "信息内容", "自然人", "行政复议", "予以公开"];

/// Upper bound on the slots of one table grid (hostile `rowspan`/`colspan`).
const MAX_SLOTS: usize = 100_000;

/// How deep wrapper elements may nest before the ones further in are dropped (real pages nest
/// a few dozen deep; html5ever's scope checks cost time in proportion to the depth, so a page of
/// 200,000 nested `<div>`s would take minutes).
pub const MAX_WRAPPER_DEPTH: usize = 256;

/// Parses an HTML page.
pub fn parse(html: &str) -> Document {
    let (bounded, dropped) = bound_nesting(html, MAX_WRAPPER_DEPTH);
    let mut doc = parse_bounded(&bounded);
    if dropped > 0 {
        doc.warnings.push(format!(
            "网页中有 {dropped} 个元素嵌套超过 {MAX_WRAPPER_DEPTH} 层，已去掉这些外层标签（其中的文字和表格仍按顺序读取）"
        ));
    }
    doc
}

/// Elements that shape a report's text: kept at any depth, so that paragraphs and tables deep
/// inside wrappers are still read.
const STRUCTURAL: &[&str] = &[
    "p", "br", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "h1", "h2", "h3",
    "h4", "h5", "h6", "li", "ul", "ol", "title", "head", "body", "html",
];

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The page without the opening and closing tags of wrapper elements nested deeper than
/// `limit`, and how many were dropped: a cheap scan of the markup before the real parse. Text,
/// comments and the content of `script`/`style` pass unchanged.
pub fn bound_nesting(html: &str, limit: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let b = html.as_bytes();
    // Quick exit: a page cannot nest deeper than it has tags (counted only up to the limit:
    // a real page has more, and counting them all cost a quarter of this scan).
    if b.iter().filter(|&&x| x == b'<').take(limit + 1).count() <= limit {
        return (std::borrow::Cow::Borrowed(html), 0);
    }
    let mut out = String::with_capacity(html.len());
    let mut depth = 0usize;
    // Per open wrapper beyond the limit: dropped (true) or kept.
    let mut wrappers: Vec<bool> = Vec::new();
    let mut dropped = 0usize;
    let mut i = 0;
    let mut last = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off;
        let rest = &html[start..];
        // Comments and declarations pass as they are.
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[1..end];
        let closing = tag.starts_with('/');
        // The name as printed (ASCII, compared without case): no copy per tag.
        let bare = tag.trim_start_matches('/');
        let name = &bare[..bare
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b':' | b'-'))
            .count()];
        i = start + end + 1;
        if name.is_empty() || tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let is = |list: &[&str]| list.iter().any(|t| t.eq_ignore_ascii_case(name));
        if is(&["script", "style"]) {
            // Raw text: skip to its end tag, found without case and without copying the page.
            // The end tag itself closes no wrapper.
            if !closing {
                let close = format!("</{name}");
                if let Some(e) = find_ci(&b[i..], close.as_bytes()) {
                    i += e;
                }
            }
            continue;
        }
        if is(STRUCTURAL) || is(VOID) {
            continue;
        }
        if closing {
            match wrappers.pop() {
                Some(true) => {
                    out.push_str(&html[last..start]);
                    last = i;
                }
                Some(false) => depth = depth.saturating_sub(1),
                None => {}
            }
        } else if tag.ends_with('/') {
            continue;
        } else if depth >= limit {
            wrappers.push(true);
            dropped += 1;
            out.push_str(&html[last..start]);
            last = i;
        } else {
            wrappers.push(false);
            depth += 1;
        }
    }
    if dropped == 0 {
        return (std::borrow::Cow::Borrowed(html), 0);
    }
    out.push_str(&html[last..]);
    (std::borrow::Cow::Owned(out), dropped)
}

/// Where `needle` (which starts with `<`) first occurs in `hay`, ASCII case ignored.
fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..hay.len()).filter(|&j| hay[j] == b'<').find(|&j| {
        hay[j..]
            .get(..needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

fn parse_bounded(html: &str) -> Document {
    let dom = Html::parse_document(html);
    let root = dom.root_element();
    let title = root
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "title")
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .filter(|t| !t.is_empty());
    let content = content_root(root);
    let mut w = Walker::default();
    w.walk(content);
    w.flush();
    Document {
        title,
        blocks: w.blocks,
        warnings: Vec::new(),
    }
}

fn has_nested_table(table: ElementRef<'_>) -> bool {
    table
        .descendants()
        .skip(1)
        .filter_map(ElementRef::wrap)
        .any(|e| e.value().name() == "table")
}

/// The element holding the report: the lowest common ancestor of the data tables with figures,
/// widened until it also holds section 一 and section 六 when the page has them.
fn content_root(root: ElementRef<'_>) -> ElementRef<'_> {
    let tables: Vec<ElementRef<'_>> = root
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "table" && !has_nested_table(*e))
        .filter(|t| {
            // The raw text first: normalising every table of a large page costs more than
            // parsing it, and only tables with spaced-out labels (`自 然 人`) need it.
            let raw: String = t.text().collect();
            let marked = |n: &str| TABLE_MARKS.iter().any(|m| n.contains(m));
            marked(&raw) || marked(&norm(&raw))
        })
        .collect();
    let body = root
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "body")
        .unwrap_or(root);
    let Some(first) = tables.first() else {
        return body;
    };
    let chain: Vec<ElementRef<'_>> = std::iter::once(*first)
        .chain(first.ancestors().filter_map(ElementRef::wrap))
        .collect();
    let mut depth = 0;
    for t in &tables[1..] {
        let ids: Vec<_> = std::iter::once(t.id())
            .chain(t.ancestors().map(|a| a.id()))
            .collect();
        while depth < chain.len() && !ids.contains(&chain[depth].id()) {
            depth += 1;
        }
    }
    let page: String = body.text().collect();
    let wants_first = page.contains("总体情况");
    let wants_last = page.contains("其他需要报告");
    // A partial report (one page, one table) has neither section 一 nor 六: the element must
    // still hold the title, and never be the table itself (its rows would be read as text).
    let wants_title = !wants_first && !wants_last && page.contains("年度报告");
    const TABLE_PARTS: &[&str] = &["table", "tbody", "thead", "tfoot", "tr", "td", "th"];
    for el in chain.iter().skip(depth) {
        if TABLE_PARTS.contains(&el.value().name()) {
            continue;
        }
        let n: String = el.text().collect();
        if (!wants_first || n.contains("总体情况"))
            && (!wants_last || n.contains("其他需要报告"))
            && (!wants_title || n.contains("年度报告"))
        {
            return *el;
        }
    }
    body
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    para: String,
    paragraphs: usize,
    tables: usize,
}

impl Walker {
    fn flush(&mut self) {
        let text = collapse(&self.para);
        self.para.clear();
        if !text.is_empty() {
            self.blocks.push(Block::Paragraph(Paragraph {
                text,
                source: Source::Paragraph {
                    index: self.paragraphs,
                },
            }));
            self.paragraphs += 1;
        }
    }

    /// Walks the element's content in document order with an explicit stack: a page may nest
    /// elements tens of thousands deep, which recursion would not survive.
    fn walk(&mut self, el: ElementRef<'_>) {
        // Each entry: the children still to visit, and whether the element ends a paragraph.
        let mut stack = vec![(el.children(), false)];
        while let Some((children, _)) = stack.last_mut() {
            let Some(child) = children.next() else {
                if let Some((_, true)) = stack.pop() {
                    self.flush();
                }
                continue;
            };
            match child.value() {
                Node::Text(t) => self.para.push_str(t),
                Node::Element(e) => {
                    let name = e.name();
                    if SKIP.contains(&name) {
                        continue;
                    }
                    let Some(ce) = ElementRef::wrap(child) else {
                        continue;
                    };
                    if name == "br" {
                        self.flush();
                    } else if name == "table" && !has_nested_table(ce) {
                        self.flush();
                        self.table(ce);
                    } else {
                        let block = BLOCK.contains(&name);
                        if block {
                            self.flush();
                        }
                        stack.push((ce.children(), block));
                    }
                }
                _ => {}
            }
        }
    }

    fn table(&mut self, table: ElementRef<'_>) {
        let trs: Vec<ElementRef<'_>> = table
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| e.value().name() == "tr")
            .collect();
        let index = self.tables;
        let mut grid: Vec<Vec<Option<Cell>>> = vec![Vec::new(); trs.len()];
        let mut slots = 0usize;
        for (r, tr) in trs.iter().enumerate() {
            let mut c = 0usize;
            for td in tr
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|e| matches!(e.value().name(), "td" | "th"))
            {
                while grid[r].get(c).is_some_and(Option::is_some) {
                    c += 1;
                }
                let rs = span(td.value().attr("rowspan"), 500).min(trs.len() - r);
                let cs = span(td.value().attr("colspan"), 100);
                slots += rs * cs;
                if slots > MAX_SLOTS {
                    break;
                }
                let text = cell_text(td);
                let source = Source::Table {
                    table: index,
                    row: r,
                    col: c,
                };
                for dr in 0..rs {
                    let row = &mut grid[r + dr];
                    if row.len() < c + cs {
                        row.resize(c + cs, None);
                    }
                    for dc in 0..cs {
                        row[c + dc] = Some(Cell {
                            text: text.clone(),
                            source,
                            covered: dr > 0 || dc > 0,
                        });
                    }
                }
                c += cs;
            }
        }
        let rows: Vec<Vec<Cell>> = grid
            .into_iter()
            .enumerate()
            .map(|(r, row)| {
                row.into_iter()
                    .enumerate()
                    .map(|(c, cell)| {
                        cell.unwrap_or_else(|| {
                            Cell::new(
                                "",
                                Source::Table {
                                    table: index,
                                    row: r,
                                    col: c,
                                },
                            )
                        })
                    })
                    .collect()
            })
            .filter(|row: &Vec<Cell>| !row.is_empty())
            .collect();
        if !rows.is_empty() {
            self.blocks.push(Block::Table(Table { rows }));
            self.tables += 1;
        }
    }
}

fn span(attr: Option<&str>, max: usize) -> usize {
    let digits: String = attr
        .unwrap_or("1")
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.parse::<usize>().unwrap_or(1).clamp(1, max)
}

fn cell_text(td: ElementRef<'_>) -> String {
    // Iterative, like `Walker::walk`: a cell may nest elements without bound.
    let mut out = String::new();
    let mut stack = vec![(td.children(), false)];
    while let Some((children, _)) = stack.last_mut() {
        let Some(child) = children.next() else {
            if let Some((_, true)) = stack.pop() {
                out.push('\n');
            }
            continue;
        };
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                if let Some(ce) = ElementRef::wrap(child) {
                    let block = name == "br" || BLOCK.contains(&name);
                    if block {
                        out.push('\n');
                    }
                    stack.push((ce.children(), block));
                }
            }
            _ => {}
        }
    }
    let mut text = String::with_capacity(out.len());
    for line in out.split('\n') {
        let line = collapse(line);
        if !line.is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&line);
        }
    }
    text
}

/// Collapses runs of spaces (ASCII white space, no-break spaces) to one and trims.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() || c == '\u{a0}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    crate::norm::clean(&out).to_owned()
}

#[cfg(test)]
mod nesting_tests {
    /// Wrappers beyond the limit are dropped; tags inside a script (its end tag in any case)
    /// are text, not wrappers.
    #[test]
    fn wrappers_beyond_the_limit_are_dropped_and_scripts_are_text() {
        let page = format!(
            "<html><body>{}<SCRIPT>var s = '<div><div>';</Script><p>正文</p>{}</body></html>",
            "<div>".repeat(300),
            "</div>".repeat(300)
        );
        let (out, dropped) = super::bound_nesting(&page, 256);
        assert_eq!(dropped, 44);
        assert!(out.contains("<SCRIPT>var s = '<div><div>';</Script><p>正文</p>"));
        assert_eq!(out.matches("<div>").count(), 256 + 2);
    }
}
