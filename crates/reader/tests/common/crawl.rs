//! A crawler's view of a report (issue 14, class 1): the page's text with every tag and
//! separator gone, the whole page on one line, cells run together, here and there a stray space
//! left where a cell ended.

use gongkai_reader::{Block, Document};

/// Where a cell, a line or a block ended in the source: a crawler drops it, or leaves a space.
pub const END: char = '\u{1}';

/// The text of an HTML page as a crawler keeps it: no tags, no scripts or styles, entities
/// decoded, an [`END`] wherever a cell or a block ended.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&entities(&rest[..lt]));
        rest = &rest[lt..];
        let lower: String = rest
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        for skip in ["<script", "<style"] {
            if lower.starts_with(skip) {
                let close = format!("</{}", &skip[1..]);
                let at = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
                rest = &rest[at..];
            }
        }
        let end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = rest[..end].to_ascii_lowercase();
        if [
            "</td", "</th", "</p", "</div", "</tr", "<br", "</h", "</li", "</title",
        ]
        .iter()
        .any(|t| tag.starts_with(t))
        {
            out.push(END);
        }
        rest = &rest[end..];
    }
    out.push_str(&entities(rest));
    out
}

fn entities(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Plain text or Markdown with its separators (line ends, tabs, `|`, runs of spaces between
/// aligned columns) marked as [`END`].
pub fn text_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    // Rules under headers (`----`, `|---|---|`) are drawn, not text: a page has none.
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !(l.contains("---") && l.chars().all(|c| matches!(c, '-' | '|' | ':' | ' '))))
        .collect();
    let text = kept.join("\n");
    for c in text.chars() {
        if c == '|' || c == '\t' || c == '\n' || c == ' ' || c == '\u{3000}' {
            if !in_space {
                out.push(END);
            }
            in_space = true;
        } else {
            in_space = false;
            out.push(c);
        }
    }
    out
}

/// The text of a document read by the reader's own front-end (for PDFs): paragraphs and cells
/// in reading order, each followed by an [`END`].
pub fn document_text(doc: &Document) -> String {
    let mut out = String::new();
    for b in &doc.blocks {
        match b {
            Block::Paragraph(p) => {
                out.push_str(&p.text);
                out.push(END);
            }
            Block::Table(t) => {
                for c in t.rows.iter().flatten().filter(|c| !c.covered) {
                    out.push_str(&c.text);
                    out.push(END);
                }
            }
        }
    }
    out
}

/// The crawled form: one line, no white space, each [`END`] dropped or, where `space` says
/// so, kept as a stray space.
pub fn squash(text: &str, mut space: impl FnMut() -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == END {
            if space() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// A page saved with a line per paragraph and per table row, the cells of a row run together:
/// a crawl that kept line breaks but dropped the cells' separators.
pub fn document_rows(doc: &Document) -> String {
    let mut out = String::new();
    let mut line = |text: &mut dyn Iterator<Item = &str>| {
        for t in text {
            out.extend(t.chars().filter(|c| !c.is_whitespace()));
        }
        out.push('\n');
    };
    for b in &doc.blocks {
        match b {
            Block::Paragraph(p) => line(&mut std::iter::once(p.text.as_str())),
            Block::Table(t) => {
                for row in &t.rows {
                    line(&mut row.iter().filter(|c| !c.covered).map(|c| c.text.as_str()));
                }
            }
        }
    }
    out
}
