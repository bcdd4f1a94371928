//! The text front-end: text copied from a page or converted from a PDF, including Markdown.
//!
//! Tables come in several shapes, told apart line by line:
//! - one cell per line with a leading tab, blank lines between rows (text copied from a
//!   browser; a line holding only a tab is an empty cell standing for a merged one);
//! - `|`-separated rows (Markdown, also broken tables), tab-separated rows;
//! - rows aligned with runs of spaces (text renderings), recognised when they hold a figure;
//!   under a header line ruled off with dashes, each figure goes to the header column it is
//!   aligned with, so that a blank cell keeps its place.
//!
//! Other lines are paragraphs. Page footers (`— 3 —`) are dropped, and when the text is
//! hard-wrapped (a PDF conversion) wrapped lines are joined back into paragraphs.

use crate::document::{Block, Cell, Document, Paragraph, Source, Table};
use crate::norm::{clean, is_figure, norm, width};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Tabbed,
    Rows,
    /// One cell per line without tabs, rows between blank lines (see [`stacked_rows`]).
    Stacked,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    rows: Vec<Vec<Cell>>,
    row: Vec<Cell>,
    mode: Option<Mode>,
    /// Index in `blocks` of paragraphs that directly follow another paragraph line.
    continues: Vec<bool>,
    /// The columns of the aligned table being read: the fields of the header line above the
    /// rule, as display-width spans.
    columns: Option<Vec<Span>>,
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
        self.columns = None;
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
    // The raw text of the line just read when it became a paragraph: a possible table header.
    let mut header: Option<&str> = None;
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    // A copy that kept its tabs (dozens of tab-led lines) has its rows in that form.
    let tabbed = text.matches("\n\t").take(20).count() >= 20;
    let stacked = if tabbed {
        Vec::new()
    } else {
        stacked_rows(&lines)
    };
    let mut next_stacked = stacked.iter().peekable();
    let mut skip_to = 0;
    for (i, &raw) in lines.iter().enumerate() {
        let line_no = i + 1;
        let source = Source::Line { line: line_no };
        if i < skip_to || is_footer(raw) {
            continue;
        }
        while next_stacked.peek().is_some_and(|r| r.start < i) {
            next_stacked.next();
        }
        if let Some(r) = next_stacked.peek().filter(|r| r.start == i) {
            b.start(Mode::Stacked);
            b.rows.push(
                (r.start..r.end)
                    .map(|k| Cell::new(clean(lines[k]), Source::Line { line: k + 1 }))
                    .collect(),
            );
            skip_to = r.end;
            header = None;
            after_para = false;
            continue;
        }
        let last_paragraph = header.take();
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
                Some(Mode::Stacked) | None => {}
            }
            after_para = false;
            continue;
        }
        if let Some(columns) = &b.columns {
            b.rows.push(
                aligned_row(raw, columns)
                    .into_iter()
                    .map(|c| Cell::new(c, source))
                    .collect(),
            );
            continue;
        }
        // A rule under a line of two or more fields: that line, read as a paragraph (the last
        // block), is the header of an aligned table and its first row.
        if is_rule(trimmed)
            && let Some(line) = last_paragraph
            && let columns = spans(line)
            && columns.len() >= 2
            && let Some(Block::Paragraph(p)) = b.blocks.pop()
        {
            b.continues.pop();
            b.start(Mode::Rows);
            let cells = columns.iter().map(|c| Cell::new(c.text.clone(), p.source));
            b.rows.push(cells.collect());
            b.columns = Some(columns);
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
        header = Some(raw);
    }
    b.end_table();
    let blocks = join_wrapped(b.blocks, &b.continues);
    Document {
        title: None,
        blocks,
        warnings: Vec::new(),
    }
}

/// Rows printed one cell per line without tabs (a copy that lost them): runs of lines between
/// blank lines made of one to four short labels followed by one or more lines that each hold a
/// single figure (or a blank mark such as `/`), and nothing after the figures; or fifteen
/// figures alone (table 四). A run of prose,
/// or figures followed by more text (a note), is left as paragraphs. The line ranges, in order.
fn stacked_rows(lines: &[&str]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if clean(lines[i]).is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && !clean(lines[i]).is_empty() {
            i += 1;
        }
        let run = &lines[start..i];
        let plain = |l: &str| !l.starts_with('\t') && !clean(l).starts_with('|');
        // Cheap tests first: most runs are prose or another table form, and this runs over
        // every line of every text.
        let figure_like = |l: &str| {
            let t = clean(l);
            t.len() <= 40
                && t.chars().next().is_some_and(|c| {
                    c.is_ascii_digit()
                        || matches!(c, '-' | '/' | '—' | '–' | '―' | '无' | '／' | '空')
                })
        };
        if run.len() < 2
            || !run.iter().all(|l| plain(l))
            || !run.last().is_some_and(|l| figure_like(l))
        {
            continue;
        }
        let single_figure = |l: &str| {
            let t = clean(l);
            split_aligned(t).len() == 1 && !t.contains(' ') && is_figure(&norm(t))
        };
        let labels = run.iter().take_while(|l| !single_figure(l)).count();
        let figures = run.len() - labels;
        // Labels, not prose: short, without a sentence's punctuation.
        let short = run[..labels]
            .iter()
            .all(|l| width(clean(l)) <= 120 && !clean(l).contains(['。', '：', '；', ':', ';']));
        // Table 四's row has no label: its fifteen figures alone make it.
        if ((1..=4).contains(&labels) && figures >= 1 || labels == 0 && figures == 15)
            && short
            && run.iter().all(|l| plain(l) && !is_footer(l))
            && run[labels..].iter().all(|l| single_figure(l))
        {
            out.push(start..i);
        }
    }
    out
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
    if is_rule(trimmed) {
        return Some(Vec::new());
    }
    if raw.contains('\t') {
        let cells: Vec<String> = trimmed.split('\t').map(|c| clean(c).to_owned()).collect();
        if cells.iter().filter(|c| !c.is_empty()).count() >= 2 {
            return Some(cells);
        }
    }
    // Aligned columns: fields separated by two or more spaces, at least one a figure. Without
    // two spaces in a row or an ideographic space there is one field (most lines: prose).
    if !trimmed.contains("  ") && !trimmed.contains('\u{3000}') {
        return None;
    }
    let fields = split_aligned(trimmed);
    if fields.len() >= 2 && fields.iter().any(|f| is_figure(&norm(f))) {
        return Some(fields);
    }
    None
}

/// `-----`, `=====`, `+---+---+`: a rule between table rows.
fn is_rule(trimmed: &str) -> bool {
    trimmed.chars().count() >= 3
        && trimmed
            .chars()
            .all(|c| matches!(c, '-' | '=' | '─' | '—' | '━' | ' ' | '+' | '|'))
}

/// A field of an aligned line and the display columns it occupies.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    text: String,
    start: usize,
    end: usize,
}

/// The fields of a line separated by two or more spaces, with their display columns.
fn spans(line: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let (mut col, mut spaces) = (0usize, 0usize);
    for c in line.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if c == ' ' || c == '\u{3000}' || c == '\t' {
            spaces += w;
        } else {
            match out.last_mut() {
                Some(last) if spaces < 2 && last.end + spaces == col => {
                    if spaces > 0 {
                        last.text.push(' ');
                    }
                    last.text.push(c);
                    last.end = col + w;
                }
                _ => out.push(Span {
                    text: c.to_string(),
                    start: col,
                    end: col + w,
                }),
            }
            spaces = 0;
        }
        col += w;
    }
    out
}

/// A row of an aligned table: its label, then one cell per value column with each figure in
/// the column it is aligned with (blank where nothing is printed). Figures sit flush with
/// their column's right edge (or left edge) but the whole row may be shifted a little when its
/// label was retyped with characters of another width (`（` → `(`), so the shift and the edge
/// that place every figure closest to its column, in order, win.
fn aligned_row(raw: &str, columns: &[Span]) -> Vec<String> {
    let fields = spans(raw);
    let labels = fields
        .iter()
        .take_while(|f| !is_figure(&norm(&f.text)))
        .count();
    let label_column = columns.first().is_some_and(|c| c.start == 0) && labels > 0;
    let value_columns = &columns[usize::from(label_column)..];
    let values = &fields[labels..];
    let mut best: Option<(usize, usize, Vec<usize>)> = None;
    for edge in [true, false] {
        let at = |s: &Span| if edge { s.end } else { s.start };
        for shift in -12i64..=12 {
            let mut cost = 0usize;
            let mut placed = Vec::with_capacity(values.len());
            for v in values {
                let pos = at(v) as i64 + shift;
                let Some((k, d)) = value_columns
                    .iter()
                    .enumerate()
                    .map(|(k, c)| (k, (at(c) as i64 - pos).unsigned_abs() as usize))
                    .min_by_key(|&(_, d)| d)
                else {
                    break;
                };
                cost += d;
                placed.push(k);
            }
            let ordered = placed.len() == values.len() && placed.windows(2).all(|w| w[0] < w[1]);
            let better = best
                .as_ref()
                .is_none_or(|(c, s, _)| (cost, shift.unsigned_abs() as usize) < (*c, *s));
            if ordered && better {
                best = Some((cost, shift.unsigned_abs() as usize, placed));
            }
        }
    }
    let mut cells: Vec<String> = Vec::new();
    if labels > 0 {
        let label: Vec<&str> = fields[..labels].iter().map(|f| f.text.as_str()).collect();
        cells.push(label.join(" "));
    }
    match best {
        Some((_, _, placed)) => {
            let mut row = vec![String::new(); value_columns.len()];
            for (v, k) in values.iter().zip(placed) {
                row[k].clone_from(&v.text);
            }
            cells.extend(row);
        }
        // More figures than columns, or out of order: as printed.
        None => cells.extend(values.iter().map(|v| v.text.clone())),
    }
    cells
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
    // Every footer has a figure: a line whose normal form can hold no ASCII digit is none. Its
    // characters are ASCII (kept), Chinese characters and punctuation (kept), full-width forms
    // (made ASCII: a digit only from a full-width digit) and quotes (dropped); anything else
    // may become a digit under NFKC (`①`).
    let may_hold_digit = raw.chars().any(|c| {
        let u = c as u32;
        c.is_ascii_digit()
            || (0xff10..=0xff19).contains(&u)
            || (u >= 0x80
                && !(0x4e00..=0x9fff).contains(&u)
                && !(0x3001..=0x303f).contains(&u)
                && !(0xff01..=0xff5e).contains(&u)
                && !matches!(c, '“' | '”' | '‘' | '’'))
    });
    if !may_hold_digit {
        return false;
    }
    // This runs on every line: the normal form is built only for a line that may be short
    // enough. `norm` maps each character on its own, so the normal form of the line's first
    // thirteen characters it keeps is the start of the line's, and decides most lines.
    let head = raw
        .char_indices()
        .filter(|&(_, c)| !c.is_whitespace())
        .nth(12)
        .map_or(raw.len(), |(i, c)| i + c.len_utf8());
    if head < raw.len() && norm(&raw[..head]).chars().count() > 12 {
        return false;
    }
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
    if s.contains("**") {
        clean(&s.replace("**", "")).to_owned()
    } else {
        clean(s).to_owned()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(doc: &Document) -> Vec<&Table> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                Block::Paragraph(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_ruled_header_gives_the_columns_of_the_rows_below() {
        let doc =
            parse("名称      甲    乙    丙\n----------------------\n规章       1           3\n");
        let t = tables(&doc);
        assert_eq!(t.len(), 1);
        let texts: Vec<&str> = t[0].rows[1].iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["规章", "1", "", "3"]);
    }

    /// Page footers in their printed forms, full-width and circled digits included; a line
    /// with no figure, or too long, is none.
    #[test]
    fn footers_are_told_from_text() {
        for f in [
            "— 3 —",
            "- 12 -",
            "第 3 页",
            "第３页",
            "－４－",
            "— ③ —",
            "  —  7  —  ",
        ] {
            assert!(is_footer(f), "{f}");
        }
        for t in [
            "规章",
            "——",
            "第三页",
            "— 3 — 说明文字很长很长很长很长",
            "（一）予以公开",
            "",
        ] {
            assert!(!is_footer(t), "{t}");
        }
    }

    /// Only the line just before the rule, read as a paragraph, can be a header: a rule after
    /// a tabbed table keeps the table and the paragraph before it.
    #[test]
    fn a_rule_after_a_table_takes_nothing_away() {
        let doc = parse("说明  甲  乙\n\t规章\n\t1\n\t2\n----------\n");
        assert!(matches!(&doc.blocks[0], Block::Paragraph(p) if p.text == "说明  甲  乙"));
        let t = tables(&doc);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].rows[0].len(), 3);
    }
}

#[cfg(test)]
mod stacked_tests {
    use super::*;

    /// A copy without tabs: a label, then one figure per line, rows between blank lines.
    #[test]
    fn cells_one_per_line_without_tabs_are_rows() {
        let lines = [
            "规章",
            "0",
            "1",
            "",
            "行政规范",
            "性文件",
            "2",
            "/",
            "",
            "说明",
            "22",
            "（含 1 件）",
        ];
        assert_eq!(stacked_rows(&lines), vec![0..3, 4..8]);
        let doc = parse(&lines.join("\n"));
        assert!(
            matches!(&doc.blocks[0], Block::Table(t) if t.rows.len() == 2 && t.rows[1].len() == 4)
        );
    }
}
