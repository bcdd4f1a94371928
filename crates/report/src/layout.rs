//! The three tables as grids of positioned cells with their row and column spans, exactly as
//! the official template draws them (table 三's corner note, table 四's three header levels).
//! Every renderer walks these grids, so the statutory layout is written down once.

use crate::keys::{Applicant, CellKey, T3Row, T4Col};
use crate::model::Report;
use crate::template::{self, Format, T2_VALUE_COLUMNS, T3Group};

/// Which table a grid draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableId {
    T2,
    T3,
    T4,
}

impl TableId {
    /// All tables, in report order.
    pub const ALL: [TableId; 3] = [TableId::T2, TableId::T3, TableId::T4];

    /// `t2`, `t3`, `t4`.
    pub fn key(self) -> &'static str {
        match self {
            TableId::T2 => "t2",
            TableId::T3 => "t3",
            TableId::T4 => "t4",
        }
    }

    /// The section heading under which the table is printed.
    pub fn section(self) -> crate::keys::Section {
        use crate::keys::Section;
        match self {
            TableId::T2 => Section::S2Proactive,
            TableId::T3 => Section::S3Requests,
            TableId::T4 => Section::S4ReviewLitigation,
        }
    }
}

/// What a grid cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Fixed template text.
    Text(&'static str),
    /// A figure of the report.
    Value(CellKey),
    /// An empty template cell.
    Empty,
}

/// The part a cell plays, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A block caption such as `第二十条第（一）项`.
    Caption,
    /// A column header.
    Header,
    /// A row label.
    RowHeader,
    /// A figure.
    Data,
    /// Table 三's corner note.
    Note,
}

/// One origin cell of a grid; the cells it covers are not listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridCell {
    pub row: usize,
    pub col: usize,
    pub row_span: usize,
    pub col_span: usize,
    pub content: Content,
    pub role: Role,
}

/// What occupies one slot of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The top-left slot of cell `i`.
    Origin(usize),
    /// A slot covered by cell `i`'s spans.
    Covered(usize),
}

/// A table laid out as the template draws it.
#[derive(Debug, Clone)]
pub struct Grid {
    pub table: TableId,
    pub rows: usize,
    pub columns: usize,
    /// Origin cells, sorted by row, then column.
    pub cells: Vec<GridCell>,
}

impl Grid {
    /// The cells whose origin is on row `r`, left to right.
    pub fn row(&self, r: usize) -> impl Iterator<Item = &GridCell> {
        self.cells.iter().filter(move |c| c.row == r)
    }

    /// Every slot of the grid, `rows × columns`, for writers that need covered cells too
    /// (Word's `vMerge`, spreadsheets' merged ranges).
    pub fn slots(&self) -> Vec<Vec<Slot>> {
        let mut slots = vec![vec![None; self.columns]; self.rows];
        for (i, c) in self.cells.iter().enumerate() {
            for row in &mut slots[c.row..c.row + c.row_span] {
                for slot in &mut row[c.col..c.col + c.col_span] {
                    *slot = Some(Slot::Covered(i));
                }
            }
            slots[c.row][c.col] = Some(Slot::Origin(i));
        }
        slots
            .into_iter()
            .map(|row| {
                row.into_iter()
                    // Every slot is covered by construction; a hole would be a template bug,
                    // caught by the layout tests below.
                    .map(|s| s.unwrap_or(Slot::Covered(usize::MAX)))
                    .collect()
            })
            .collect()
    }
}

/// Builds grids cell by cell, tracking the current row.
struct Builder {
    table: TableId,
    columns: usize,
    row: usize,
    cells: Vec<GridCell>,
}

impl Builder {
    fn new(table: TableId, columns: usize) -> Self {
        Builder {
            table,
            columns,
            row: 0,
            cells: Vec::new(),
        }
    }

    fn put(&mut self, col: usize, row_span: usize, col_span: usize, content: Content, role: Role) {
        self.put_at(self.row, col, row_span, col_span, content, role);
    }

    fn put_at(
        &mut self,
        row: usize,
        col: usize,
        row_span: usize,
        col_span: usize,
        content: Content,
        role: Role,
    ) {
        self.cells.push(GridCell {
            row,
            col,
            row_span,
            col_span,
            content,
            role,
        });
    }

    fn next_row(&mut self) {
        self.row += 1;
    }

    fn finish(mut self) -> Grid {
        self.cells.sort_by_key(|c| (c.row, c.col));
        Grid {
            table: self.table,
            rows: self.row,
            columns: self.columns,
            cells: self.cells,
        }
    }
}

/// The grid of one table in a format's template.
pub fn grid(format: Format, table: TableId) -> Grid {
    match table {
        TableId::T2 => t2_grid(format),
        TableId::T3 => t3_grid(&template::t3_rows(format)),
        TableId::T4 => t4_grid(),
    }
}

/// The grid of one table as this report prints it: its format's template, except a 2021 report
/// printed with the 2019 `（六）其他处理` row (spec §6), whose grid keeps that row.
pub fn report_grid(report: &Report, table: TableId) -> Grid {
    match table {
        TableId::T3 => t3_grid(&report.t3_rows()),
        _ => grid(report.format, table),
    }
}

/// Table 二: four columns; each block is a caption row, a header row and its data rows. A
/// block with fewer than three value columns lets its last column span the rest.
fn t2_grid(format: Format) -> Grid {
    let mut b = Builder::new(TableId::T2, 1 + T2_VALUE_COLUMNS);
    for block in template::t2_blocks(format) {
        b.put(
            0,
            1,
            1 + T2_VALUE_COLUMNS,
            Content::Text(block.caption),
            Role::Caption,
        );
        b.next_row();
        let last = block.columns.len() - 1;
        let span = |i: usize| {
            if i == last {
                T2_VALUE_COLUMNS - last
            } else {
                1
            }
        };
        b.put(0, 1, 1, Content::Text("信息内容"), Role::Header);
        for (i, &col) in block.columns.iter().enumerate() {
            let label = template::t2_col_label(format, col);
            b.put(1 + i, 1, span(i), Content::Text(label), Role::Header);
        }
        b.next_row();
        for &row in block.rows {
            b.put(
                0,
                1,
                1,
                Content::Text(template::t2_row_label(format, row)),
                Role::RowHeader,
            );
            for (i, &col) in block.columns.iter().enumerate() {
                b.put(
                    1 + i,
                    1,
                    span(i),
                    Content::Value(CellKey::T2(row, col)),
                    Role::Data,
                );
            }
            b.next_row();
        }
    }
    b.finish()
}

/// Table 三: three label columns (row group, sub-group, item) and seven figure columns under a
/// two-level header, with the corner note in the top-left block.
fn t3_grid(rows: &[T3Row]) -> Grid {
    const LABELS: usize = 3;
    let mut b = Builder::new(TableId::T3, LABELS + Applicant::ALL.len());
    b.put(
        0,
        3,
        LABELS,
        Content::Text(template::T3_CORNER_NOTE),
        Role::Note,
    );
    b.put(
        LABELS,
        1,
        7,
        Content::Text(template::T3_APPLICANT_HEADER),
        Role::Header,
    );
    b.next_row();
    let natural = Content::Text(template::applicant_label(Applicant::NaturalPerson));
    b.put(LABELS, 2, 1, natural, Role::Header);
    b.put(
        LABELS + 1,
        1,
        5,
        Content::Text(template::T3_ORG_HEADER),
        Role::Header,
    );
    b.put(
        LABELS + 6,
        2,
        1,
        Content::Text(template::applicant_label(Applicant::Total)),
        Role::Header,
    );
    b.next_row();
    for (i, &kind) in Applicant::KINDS[1..].iter().enumerate() {
        b.put(
            LABELS + 1 + i,
            1,
            1,
            Content::Text(template::applicant_label(kind)),
            Role::Header,
        );
    }
    b.next_row();

    let first_result = rows
        .iter()
        .position(|&r| r == T3Row::RDisclosed)
        .unwrap_or(2);
    let results = rows
        .iter()
        .filter(|&&r| !matches!(r, T3Row::NewReceived | T3Row::CarriedIn | T3Row::CarriedOut))
        .count();
    let mut group_started: Option<T3Group> = None;
    for (i, &row) in rows.iter().enumerate() {
        let label = Content::Text(template::t3_row_label(row));
        match row {
            T3Row::NewReceived | T3Row::CarriedIn | T3Row::CarriedOut => {
                b.put(0, 1, LABELS, label, Role::RowHeader);
            }
            _ => {
                if i == first_result {
                    let text = Content::Text(template::T3_RESULTS_LABEL);
                    b.put(0, results, 1, text, Role::RowHeader);
                }
                match T3Group::of(row) {
                    Some(group) => {
                        if group_started != Some(group) {
                            let size = rows
                                .iter()
                                .filter(|&&r| T3Group::of(r) == Some(group))
                                .count();
                            b.put(1, size, 1, Content::Text(group.label()), Role::RowHeader);
                            group_started = Some(group);
                        }
                        b.put(2, 1, 1, label, Role::RowHeader);
                    }
                    None => b.put(1, 1, 2, label, Role::RowHeader),
                }
            }
        }
        for (k, &col) in Applicant::ALL.iter().enumerate() {
            b.put(
                LABELS + k,
                1,
                1,
                Content::Value(CellKey::T3(row, col)),
                Role::Data,
            );
        }
        b.next_row();
    }
    b.finish()
}

/// Table 四: one row of 15 figures under three header levels.
fn t4_grid() -> Grid {
    let mut b = Builder::new(TableId::T4, 15);
    b.put(
        0,
        1,
        5,
        Content::Text(template::T4_REVIEW_HEADER),
        Role::Header,
    );
    b.put(
        5,
        1,
        10,
        Content::Text(template::T4_LITIGATION_HEADER),
        Role::Header,
    );
    b.next_row();
    for (i, &col) in T4Col::ALL[..5].iter().enumerate() {
        b.put(
            i,
            2,
            1,
            Content::Text(template::t4_col_label(col)),
            Role::Header,
        );
    }
    b.put(
        5,
        1,
        5,
        Content::Text(template::T4_LIT_DIRECT_HEADER),
        Role::Header,
    );
    b.put(
        10,
        1,
        5,
        Content::Text(template::T4_LIT_AFTER_REV_HEADER),
        Role::Header,
    );
    b.next_row();
    for (i, &col) in T4Col::ALL[5..].iter().enumerate() {
        b.put(
            5 + i,
            1,
            1,
            Content::Text(template::t4_col_label(col)),
            Role::Header,
        );
    }
    b.next_row();
    for (i, &col) in T4Col::ALL.iter().enumerate() {
        b.put(i, 1, 1, Content::Value(CellKey::T4(col)), Role::Data);
    }
    b.next_row();
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every slot is covered exactly once, and every cell of the format appears exactly once.
    #[test]
    fn grids_tile_the_table_and_hold_every_cell_once() {
        for format in Format::ALL {
            let mut seen = Vec::new();
            for table in TableId::ALL {
                let g = grid(format, table);
                let mut count = vec![vec![0; g.columns]; g.rows];
                for c in &g.cells {
                    assert!(
                        c.row + c.row_span <= g.rows && c.col + c.col_span <= g.columns,
                        "{c:?}"
                    );
                    for row in &mut count[c.row..c.row + c.row_span] {
                        for n in &mut row[c.col..c.col + c.col_span] {
                            *n += 1;
                        }
                    }
                    if let Content::Value(key) = c.content {
                        seen.push(key);
                    }
                }
                for (r, row) in count.iter().enumerate() {
                    for (k, &n) in row.iter().enumerate() {
                        assert_eq!(n, 1, "{format} {table:?} slot ({r},{k}) covered {n} times");
                    }
                }
            }
            assert_eq!(seen, template::cells(format), "{format}");
        }
    }

    #[test]
    fn a_2021_report_in_the_2019_other_row_layout_keeps_that_row() {
        let mut r = Report::blank(Format::F2021, 2022, "某局");
        let key = CellKey::T3(T3Row::ROther, Applicant::Total);
        r.set(key, Some(crate::Value::Int(3)))
            .expect("r_other is allowed in 2021");
        let values: Vec<CellKey> = TableId::ALL
            .iter()
            .flat_map(|&t| report_grid(&r, t).cells)
            .filter_map(|c| match c.content {
                Content::Value(k) => Some(k),
                _ => None,
            })
            .collect();
        let expected: Vec<CellKey> = r
            .cell_keys()
            .into_iter()
            .filter(|k| {
                !matches!(
                    k,
                    CellKey::T3(
                        T3Row::OpNoCorrection | T3Row::OpFeeUnpaid | T3Row::OpOther,
                        _
                    )
                )
            })
            .collect();
        assert!(values.contains(&key));
        let mut sorted = values.clone();
        sorted.sort();
        assert_eq!(sorted, expected);
    }

    #[test]
    fn table_three_has_the_statutory_shape() {
        let g = grid(Format::F2021, TableId::T3);
        // 3 header rows + 2 + 18 outcomes + 3 other + total + carried out.
        assert_eq!((g.rows, g.columns), (3 + 2 + 18 + 3 + 2, 10));
        let note = &g.cells[0];
        assert_eq!(
            (note.row_span, note.col_span, note.role),
            (3, 3, Role::Note)
        );
        let results = g
            .cells
            .iter()
            .find(|c| c.content == Content::Text(template::T3_RESULTS_LABEL));
        assert_eq!(results.map(|c| (c.row, c.row_span)), Some((5, 18 + 3 + 1)));
        let g19 = grid(Format::F2019, TableId::T3);
        assert_eq!(g19.rows, 3 + 2 + 18 + 1 + 2);
    }
}
