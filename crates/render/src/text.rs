//! Plain text for a terminal: the title centred, the sections as indented paragraphs and the
//! flattened tables of [`crate::flat`] as columns aligned by display width, since a CJK
//! character takes two terminal cells.

use crate::flat::{FlatTable, flat_tables, paragraphs};
use gongkai_report::template::section_heading;
use gongkai_report::{Report, Section};
use std::ops::Range;
use unicode_width::UnicodeWidthStr;

/// The width the title is centred in: a classic terminal line.
const PAGE_WIDTH: usize = 80;

/// The paragraph indent of Chinese documents: two full-width spaces.
const INDENT: &str = "\u{3000}\u{3000}";

/// Between two table columns.
const GAP: &str = "  ";

/// Renders the report as plain text.
pub fn render(report: &Report) -> String {
    let tables = flat_tables(report);
    let title = crate::title(report);
    let pad = PAGE_WIDTH.saturating_sub(title.width()) / 2;
    let mut out = format!("{}{title}\n\n", " ".repeat(pad));
    push_paragraphs(&mut out, &report.preamble);
    for &section in Section::ALL {
        out.push_str(section_heading(section));
        out.push_str("\n\n");
        push_paragraphs(&mut out, report.section(section));
        for table in tables.iter().filter(|t| t.table.section() == section) {
            push_table(&mut out, table);
        }
    }
    out
}

fn push_paragraphs(out: &mut String, text: &str) {
    let mut any = false;
    for paragraph in paragraphs(text) {
        out.push_str(INDENT);
        out.push_str(paragraph);
        out.push('\n');
        any = true;
    }
    if any {
        out.push('\n');
    }
}

/// How a piece of text sits in its width.
#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
    Centre,
}

fn pad(text: &str, width: usize, align: Align) -> String {
    let fill = width.saturating_sub(text.width());
    let left = match align {
        Align::Left => 0,
        Align::Right => fill,
        Align::Centre => fill / 2,
    };
    format!("{}{text}{}", " ".repeat(left), " ".repeat(fill - left))
}

/// The header text of column path `path` on header line `level` of `levels`: the leaf always
/// on the last line, next to the figures, and the groups from the top line down, as in the
/// statutory tables.
fn header_text<'a>(path: &[&'a str], levels: usize, level: usize) -> &'a str {
    let leaf = path.len().saturating_sub(1);
    match path.last() {
        Some(&text) if level + 1 == levels => text,
        _ if level < leaf => path[level],
        _ => "",
    }
}

/// The runs of adjacent figure columns that share a group header on line `level` (a span in
/// the template); leaves and blanks are runs of one column.
fn header_runs<'a>(
    columns: &[Vec<&'a str>],
    levels: usize,
    level: usize,
) -> Vec<(Range<usize>, &'a str)> {
    // A column's group header on this line, identified by the path down to it; `None` on the
    // leaf line and where the column has no group this high.
    let group = |k: usize| {
        let path = &columns[k];
        (level + 1 < path.len()).then(|| &path[..=level])
    };
    let mut runs: Vec<(Range<usize>, &str)> = Vec::new();
    for (k, path) in columns.iter().enumerate() {
        match runs.last_mut() {
            Some((range, _)) if group(k).is_some() && group(k) == group(range.start) => {
                range.end = k + 1;
            }
            _ => runs.push((k..k + 1, header_text(path, levels, level))),
        }
    }
    runs
}

/// Writes a table: the label column left-aligned, figure columns right-aligned, the header
/// paths stacked over as many lines as they have levels with each group centred over its
/// columns, then a rule; every line has the same display width.
fn push_table(out: &mut String, table: &FlatTable) {
    if let Some(caption) = table.caption {
        out.push_str(caption);
        out.push('\n');
    }
    let levels = table.columns.iter().map(Vec::len).max().unwrap_or(0);
    let label_width = table.label_header.as_ref().map(|header| {
        table
            .rows
            .iter()
            .map(|row| row.label.width())
            .chain([header.width()])
            .max()
            .unwrap_or(0)
    });
    let mut widths: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .map(|(k, path)| {
            table
                .rows
                .iter()
                .map(|row| row.values[k].width())
                .chain([header_text(path, levels, levels.saturating_sub(1)).width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let run_width = |widths: &[usize], range: &Range<usize>| {
        widths[range.clone()].iter().sum::<usize>() + GAP.len() * range.len().saturating_sub(1)
    };
    // A group wider than its columns widens the last of them; widening only ever makes other
    // runs wider, so one pass suffices.
    for level in 0..levels {
        for (range, text) in header_runs(&table.columns, levels, level) {
            let missing = text.width().saturating_sub(run_width(&widths, &range));
            widths[range.end - 1] += missing;
        }
    }

    let mut lines: Vec<String> = Vec::new();
    let line = |label: Option<&str>, pieces: Vec<String>| {
        let label = label_width.map(|w| pad(label.unwrap_or(""), w, Align::Left));
        label
            .into_iter()
            .chain(pieces)
            .collect::<Vec<_>>()
            .join(GAP)
    };
    for level in 0..levels {
        let pieces = header_runs(&table.columns, levels, level)
            .into_iter()
            .map(|(range, text)| {
                let align = if range.len() > 1 {
                    Align::Centre
                } else {
                    Align::Right
                };
                pad(text, run_width(&widths, &range), align)
            })
            .collect();
        let label = (level == 0)
            .then_some(table.label_header.as_deref())
            .flatten();
        lines.push(line(label, pieces));
    }
    let total = label_width.map_or(0, |w| w + GAP.len()) + run_width(&widths, &(0..widths.len()));
    lines.push("-".repeat(total));
    for row in &table.rows {
        let pieces = row
            .values
            .iter()
            .zip(&widths)
            .map(|(value, &w)| pad(value, w, Align::Right))
            .collect();
        lines.push(line(Some(&row.label), pieces));
    }
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
}
