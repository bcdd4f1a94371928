//! The tables flattened for the formats without spans (Markdown, plain text): one label column
//! and one header path per figure column. Also the splitting of section text into paragraphs,
//! which every text-bearing format shares.
//!
//! Row label paths and column header paths are read from the layout grids (the labels whose
//! spans cover a row or a column), never from a second list of labels, so a change of the
//! statutory layout reaches every format at once.

use crate::cell_text;
use gongkai_report::Report;
use gongkai_report::layout::{self, Content, Grid, GridCell, Role, Slot, TableId};
use std::collections::BTreeSet;
use std::ops::Range;

/// Joins the levels of a row label path: `三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密`.
const ROW_PATH_SEP: &str = " / ";

/// A table (or, for table 二, one block of it) without spans.
#[derive(Debug)]
pub(crate) struct FlatTable {
    pub table: TableId,
    /// The block caption of table 二, e.g. `第二十条第（一）项`.
    pub caption: Option<&'static str>,
    /// The header of the label column; `None` when the table has no row labels (table 四).
    pub label_header: Option<String>,
    /// The header path of each figure column, outermost first: `[行政诉讼, 未经复议直接起诉,
    /// 结果维持]`. Levels stay apart so that plain text can stack them and Markdown join them.
    pub columns: Vec<Vec<&'static str>>,
    pub rows: Vec<FlatRow>,
}

/// One data row: its full label path and its figures as printed.
#[derive(Debug)]
pub(crate) struct FlatRow {
    pub label: String,
    pub values: Vec<String>,
}

/// Every table of the report flattened, in report order; table 二 gives one table per block
/// because its blocks have different columns.
pub(crate) fn flat_tables(report: &Report) -> Vec<FlatTable> {
    TableId::ALL
        .iter()
        .flat_map(|&table| flatten(report, &layout::report_grid(report, table)))
        .collect()
}

/// The non-empty lines of a section's text, trimmed (including the full-width spaces that
/// published reports use as paragraph indent, which each format adds back its own way).
pub(crate) fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty())
}

/// Whether a paragraph is a numbered sub-heading of a section (`（一）重点任务全完成。`,
/// `二、…`): a short line opening with a Chinese enumeration. Printed documents keep it on
/// the page of the paragraph after it, as they keep section headings.
pub(crate) fn is_subheading(paragraph: &str) -> bool {
    const NUMERALS: &str = "一二三四五六七八九十";
    const MAX_CHARS: usize = 30;
    if paragraph.chars().count() > MAX_CHARS {
        return false;
    }
    let numeral = |c: char| NUMERALS.contains(c);
    if let Some(rest) = paragraph.strip_prefix(['（', '(']) {
        let n = rest.chars().take_while(|&c| numeral(c)).count();
        return n > 0 && rest.chars().nth(n).is_some_and(|c| matches!(c, '）' | ')'));
    }
    let n = paragraph.chars().take_while(|&c| numeral(c)).count();
    n > 0 && paragraph.chars().nth(n) == Some('、')
}

/// A grid with its slots resolved, to ask which cells cover a position.
struct Resolved<'a> {
    grid: &'a Grid,
    slots: Vec<Vec<Slot>>,
}

impl Resolved<'_> {
    /// The cell covering slot (`row`, `col`), if any.
    fn at(&self, row: usize, col: usize) -> Option<&GridCell> {
        match self.slots[row][col] {
            Slot::Origin(i) | Slot::Covered(i) => self.grid.cells.get(i),
        }
    }

    /// The distinct cells of the given roles covering the positions, in the order first met.
    fn covering(
        &self,
        positions: impl IntoIterator<Item = (usize, usize)>,
        roles: &[Role],
    ) -> Vec<&GridCell> {
        let mut cells: Vec<&GridCell> = Vec::new();
        for (r, c) in positions {
            if let Some(cell) = self.at(r, c)
                && roles.contains(&cell.role)
                && !cells.iter().any(|seen| std::ptr::eq(*seen, cell))
            {
                cells.push(cell);
            }
        }
        cells
    }
}

fn text(content: Content) -> &'static str {
    match content {
        Content::Text(s) => s,
        Content::Value(_) | Content::Empty => "",
    }
}

fn join(cells: &[&GridCell], sep: &str) -> String {
    cells
        .iter()
        .map(|c| text(c.content))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Flattens one grid: it splits at caption rows (table 二's blocks); in each part, the rows
/// holding figures are data rows and the others form the header band above them.
fn flatten(report: &Report, grid: &Grid) -> Vec<FlatTable> {
    let resolved = Resolved {
        grid,
        slots: grid.slots(),
    };
    let is_caption_row = |r: usize| grid.row(r).any(|c| c.role == Role::Caption);
    let mut parts: Vec<Range<usize>> = Vec::new();
    for r in 0..grid.rows {
        match parts.last_mut() {
            Some(part) if !is_caption_row(r) => part.end = r + 1,
            _ => parts.push(r..r + 1),
        }
    }
    parts
        .into_iter()
        .map(|part| flatten_part(report, &resolved, part))
        .collect()
}

fn flatten_part(report: &Report, g: &Resolved<'_>, part: Range<usize>) -> FlatTable {
    let grid = g.grid;
    let caption = part.clone().find_map(|r| {
        grid.row(r)
            .find(|c| c.role == Role::Caption)
            .map(|c| text(c.content))
    });
    let (data_rows, head_rows): (Vec<usize>, Vec<usize>) = part
        .filter(|&r| grid.row(r).all(|c| c.role != Role::Caption))
        .partition(|&r| grid.row(r).any(|c| c.role == Role::Data));
    let in_data_rows = |c: &&GridCell| data_rows.contains(&c.row);
    let value_cols: Vec<usize> = grid
        .cells
        .iter()
        .filter(in_data_rows)
        .filter(|c| c.role == Role::Data)
        .map(|c| c.col)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let label_cols: Vec<usize> = grid
        .cells
        .iter()
        .filter(in_data_rows)
        .filter(|c| c.role == Role::RowHeader)
        .flat_map(|c| c.col..c.col + c.col_span)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (first, last) = (
        value_cols.first().copied().unwrap_or(0),
        value_cols.last().copied().unwrap_or(0),
    );
    let spans_all = |c: &GridCell| c.col <= first && c.col + c.col_span > last;

    let label_header = (!label_cols.is_empty()).then(|| {
        let positions = head_rows
            .iter()
            .flat_map(|&r| label_cols.iter().map(move |&c| (r, c)));
        join(
            &g.covering(positions, &[Role::Header, Role::Note]),
            ROW_PATH_SEP,
        )
    });
    let columns = value_cols
        .iter()
        .map(|&c| {
            let mut path = g.covering(head_rows.iter().map(|&r| (r, c)), &[Role::Header]);
            // A header over every figure column (`申请人情况`) says nothing about any one of
            // them; the leaf is kept even then (a block with a single column).
            let leaf = path.pop();
            path.retain(|h| !spans_all(h));
            path.extend(leaf);
            path.iter().map(|h| text(h.content)).collect()
        })
        .collect();
    let rows = data_rows
        .iter()
        .map(|&r| FlatRow {
            label: join(
                &g.covering(label_cols.iter().map(|&c| (r, c)), &[Role::RowHeader]),
                ROW_PATH_SEP,
            ),
            values: value_cols
                .iter()
                .map(|&c| match g.at(r, c).map(|cell| cell.content) {
                    Some(Content::Value(key)) => cell_text(key, report.get(key)),
                    Some(content) => text(content).to_owned(),
                    None => String::new(),
                })
                .collect(),
        })
        .collect();
    FlatTable {
        table: grid.table,
        caption,
        label_header,
        columns,
        rows,
    }
}
