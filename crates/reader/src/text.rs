//! The text front-end: text copied from a page or converted from a PDF, including Markdown.
//!
//! Tables come in several shapes, told apart line by line:
//! - one cell per line with a leading tab, blank lines between rows (text copied from a
//!   browser; a line holding only a tab is an empty cell standing for a merged one);
//! - `|`-separated rows (Markdown, also broken tables), tab-separated rows;
//! - rows aligned with runs of spaces (text renderings), recognised when they hold a figure.
//!
//! Other lines are paragraphs. Page footers (`— 3 —`) are dropped, and when the text is
//! hard-wrapped (a PDF conversion) wrapped lines are joined back into paragraphs.

use crate::document::{Block, Cell, Document, Paragraph, Source, Table};
use crate::norm::{clean, is_figure, norm, width};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Tabbed,
    Rows,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    rows: Vec<Vec<Cell>>,
    row: Vec<Cell>,
    mode: Option<Mode>,
    /// Index in `blocks` of paragraphs that directly follow another paragraph line.
    continues: Vec<bool>,
}

impl Builder {
    fn end_row(&mut self) {
        if !self.row.is_empty() {
            let row = std::mem::take(&mut self.row);
            self.rows.push(row);
        }
    }

    fn end_table(&mut self) {
        self.end_row();
        if !self.rows.is_empty() {
            let rows = std::mem::take(&mut self.rows);
            self.blocks.push(Block::Table(Table { rows }));
            self.continues.push(false);
        }
        self.mode = None;
    }

    fn start(&mut self, mode: Mode) {
        if self.mode != Some(mode) {
            self.end_table();
            self.mode = Some(mode);
        }
    }
}

/// Parses text (plain or Markdown).
pub fn parse(text: &str) -> Document {
    let mut b = Builder::default();
    let mut after_para = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let source = Source::Line { line: line_no };
        if is_footer(raw) {
            continue;
        }
        if raw.starts_with('\t') {
            b.start(Mode::Tabbed);
            for part in raw.trim_start_matches('\t').split('\t') {
                b.row.push(Cell::new(clean(part), source));
            }
            after_para = false;
            continue;
        }
        let trimmed = clean(raw);
        if trimmed.is_empty() {
            match b.mode {
                Some(Mode::Tabbed) => b.end_row(),
                Some(Mode::Rows) => b.end_table(),
                None => {}
            }
            after_para = false;
            continue;
        }
        if let Some(cells) = row_cells(raw, trimmed) {
            b.start(Mode::Rows);
            if !cells.is_empty() {
                b.rows
                    .push(cells.into_iter().map(|c| Cell::new(c, source)).collect());
            }
            after_para = false;
            continue;
        }
        b.end_table();
        let text = markdown_inline(trimmed);
        if text.is_empty() {
            continue;
        }
        b.blocks.push(Block::Paragraph(Paragraph { text, source }));
        b.continues.push(after_para);
        after_para = true;
    }
    b.end_table();
    let blocks = join_wrapped(b.blocks, &b.continues);
    Document {
        title: None,
        blocks,
    }
}

/// The cells of a table row line, `Some(vec![])` for a separator line, `None` for a paragraph.
fn row_cells(raw: &str, trimmed: &str) -> Option<Vec<String>> {
    if trimmed.starts_with('|') && trimmed.matches('|').count() >= 2 {
        let inner = trimmed.trim_start_matches('|');
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        if inner
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
        {
            return Some(Vec::new());
        }
        return Some(inner.split('|').map(|c| clean(c).to_owned()).collect());
    }
    if trimmed.chars().count() >= 3
        && trimmed
            .chars()
            .all(|c| matches!(c, '-' | '=' | '─' | '—' | '━' | ' ' | '+' | '|'))
    {
        return Some(Vec::new());
    }
    if raw.contains('\t') {
        let cells: Vec<String> = trimmed.split('\t').map(|c| clean(c).to_owned()).collect();
        if cells.iter().filter(|c| !c.is_empty()).count() >= 2 {
            return Some(cells);
        }
    }
    // Aligned columns: fields separated by two or more spaces, at least one a figure.
    let fields = split_aligned(trimmed);
    if fields.len() >= 2 && fields.iter().any(|f| is_figure(&norm(f))) {
        return Some(fields);
    }
    None
}

fn split_aligned(s: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut spaces = 0;
    for c in s.chars() {
        if c == ' ' || c == '\u{3000}' {
            spaces += if c == ' ' { 1 } else { 2 };
        } else {
            if spaces >= 2 && !cur.is_empty() {
                fields.push(std::mem::take(&mut cur));
            } else if spaces > 0 && !cur.is_empty() {
                cur.push(' ');
            }
            spaces = 0;
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        fields.push(cur);
    }
    fields
}

/// `— 3 —`, `- 3 -`, `第 3 页`, `3/7`: page furniture of a converted PDF.
fn is_footer(raw: &str) -> bool {
    let n = norm(raw);
    if n.is_empty() || n.chars().count() > 12 {
        return false;
    }
    let dash = |c: char| matches!(c, '—' | '-' | '–' | '―' | '一');
    if let Some(inner) = n.strip_prefix('第').and_then(|s| s.strip_suffix('页')) {
        return !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit());
    }
    let both = n.starts_with(dash) && n.ends_with(dash);
    let inner = n.trim_matches(dash);
    both && !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit())
}

/// Strips Markdown decoration from a paragraph line (`## `, `**`, `> `).
fn markdown_inline(s: &str) -> String {
    let s = s.trim_start_matches('#').trim_start_matches('>');
    clean(&s.replace("**", "")).to_owned()
}

/// Joins hard-wrapped lines back into paragraphs when the text looks like a PDF conversion:
/// most long lines have nearly the same width. A line continues the previous one when the
/// previous one is full width and the line does not open with an ordinal (`（一）`, `一、`).
fn join_wrapped(blocks: Vec<Block>, continues: &[bool]) -> Vec<Block> {
    let mut widths: Vec<usize> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(width(&p.text)),
            Block::Table(_) => None,
        })
        .filter(|&w| w >= 20)
        .collect();
    if widths.len() < 8 {
        return blocks;
    }
    widths.sort_unstable();
    let p90 = widths[widths.len() * 9 / 10];
    let full = p90 * 85 / 100;
    let near = widths.iter().filter(|&&w| w >= full).count();
    if p90 > 140 || near * 10 < widths.len() * 4 {
        return blocks;
    }
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut last_line = 0;
    for (block, &cont) in blocks.into_iter().zip(continues) {
        if let (Block::Paragraph(p), true) = (&block, cont)
            && let Some(Block::Paragraph(prev)) = out.last_mut()
            && last_line >= full
            && !starts_with_ordinal(&p.text)
        {
            prev.text.push_str(&p.text);
            last_line = width(&p.text);
            continue;
        }
        last_line = match &block {
            Block::Paragraph(p) => width(&p.text),
            Block::Table(_) => 0,
        };
        out.push(block);
    }
    out
}

/// `（一）`, `一、`, `1.`, `(1)`: a line that opens a paragraph of its own.
fn starts_with_ordinal(s: &str) -> bool {
    let n = norm(s);
    crate::norm::strip_ordinal(&n).len() < n.len()
}
