//! Cells and rows as the back-end sees them: every front-end's table row and every paragraph
//! that may be one, normalised once.

use crate::document::Source;
use crate::norm::{Figure, figure, norm};

/// One cell as the back-end sees it.
#[derive(Debug, Clone)]
pub(super) struct C<'a> {
    pub raw: &'a str,
    pub n: String,
    pub source: Source,
    pub fig: Option<Figure>,
    /// A copy of a spanning cell.
    pub covered: bool,
}

impl<'a> C<'a> {
    pub fn new(raw: &'a str, source: Source, covered: bool) -> C<'a> {
        let n = norm(raw);
        C {
            raw,
            fig: figure(&n),
            n,
            source,
            covered,
        }
    }

    pub fn is_label(&self) -> bool {
        self.fig.is_none()
    }

    pub fn has_figure(&self) -> bool {
        matches!(self.fig, Some(Figure::Number { .. }))
    }
}

/// A row: cells in slot order, with where its label ends.
pub(super) struct Row<'a> {
    pub cells: Vec<C<'a>>,
    /// Index of the first value slot (after the last label cell).
    pub first_value: usize,
    pub from_table: bool,
}

impl<'a> Row<'a> {
    pub fn new(cells: Vec<C<'a>>, from_table: bool) -> Row<'a> {
        let first_value = cells.iter().rposition(C::is_label).map_or(0, |i| i + 1);
        Row {
            cells,
            first_value,
            from_table,
        }
    }

    /// Label cells, spanned copies collapsed.
    pub fn labels(&self) -> Vec<&C<'a>> {
        let mut out: Vec<&C<'a>> = Vec::new();
        for c in &self.cells[..self.first_value] {
            if c.n.is_empty() || c.fig.is_some() || c.covered {
                continue;
            }
            out.push(c);
        }
        out
    }

    pub fn values(&self) -> &[C<'a>] {
        &self.cells[self.first_value..]
    }

    pub fn has_figure(&self) -> bool {
        self.values().iter().any(C::has_figure)
    }
}

/// A paragraph read as a table row: trailing figures are values, the rest is the label.
pub(super) fn paragraph_row(text: &str, source: Source) -> Row<'_> {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let figs = tokens
        .iter()
        .rev()
        .take_while(|t| figure(&norm(t)).is_some())
        .count();
    let split = tokens.len() - figs;
    let mut cells = Vec::new();
    if split > 0 {
        let label: String = tokens[..split].concat();
        cells.push(C {
            raw: text,
            n: norm(&label),
            source,
            fig: None,
            covered: false,
        });
    }
    for t in &tokens[split..] {
        cells.push(C::new(t, source, false));
    }
    let mut row = Row::new(cells, false);
    if split == 0 {
        row.first_value = 0;
    }
    row
}

/// The leaf of a label cell: the last segment of a `a / b / c` label path.
pub(super) fn leaf_of(c: &C<'_>) -> String {
    match c.raw.rsplit_once(" / ") {
        Some((_, leaf)) => norm(leaf),
        None => c.n.clone(),
    }
}

/// Drops blank cells at the ends until `want` remain.
pub(super) fn trim_blanks<'b, 'a>(vals: &'b [C<'a>], want: usize) -> &'b [C<'a>] {
    let mut v = vals;
    while v.len() > want && v.last().is_some_and(|c| c.n.is_empty()) {
        v = &v[..v.len() - 1];
    }
    while v.len() > want && v.first().is_some_and(|c| c.n.is_empty()) {
        v = &v[1..];
    }
    v
}
