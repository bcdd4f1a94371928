//! Class 6 of issue 14, stray figures: Markdown or OCR output where a row's figures are printed
//! as lines of their own above or below the table, or a figure on a line of its own inside a
//! row. A figure is put back only when its position is determined, with a warning naming the
//! line it was taken from.
//!
//! - Above or below the table (the Shanghai fixture): when a table 二 cell wraps (`55` over
//!   `（含自然失效29件）`), some converters print the whole cell as lines of text outside the
//!   table and leave the row one figure short. The note under the figure names its column;
//!   the order of the figures is the order of the short rows, so they are put back only when
//!   their count is the number of short rows. Figures between two tables whose rows are both
//!   short could belong to either: neither gets them.
//! - Inside a row: `| 行政许可 | 12 |`, `5`, `| 30 |`: a short row, lone figures and the rest
//!   of the row without a label. The text order is the column order, so the figures are put
//!   back when the pieces hold exactly the row's number of figures. Lone figures after a short
//!   row with no rest of the row after them are not inside it (they may be figures pushed below
//!   the table): they are strays.

use super::cells::{C, Row};
use super::rows::{Ctx, State};
use crate::norm;
use gongkai_report::template;
use gongkai_report::{Applicant, CellKey, T2Col, T2Row, T3Row};

/// A lone figure printed in section 二 outside any table row, with the note printed under it.
pub(super) struct Stray<'a> {
    pub cell: C<'a>,
    pub note: String,
}

/// The row a short row stands for, and the columns its figures fill in order.
#[derive(Clone)]
pub(super) enum Target {
    T2(T2Row, Vec<T2Col>),
    T3(T3Row),
}

impl Target {
    fn keys(&self) -> Vec<CellKey> {
        match self {
            Target::T2(r, cols) => cols.iter().map(|&c| CellKey::T2(*r, c)).collect(),
            Target::T3(r) => Applicant::ALL.iter().map(|&a| CellKey::T3(*r, a)).collect(),
        }
    }

    fn label(&self, format: template::Format) -> String {
        match self {
            Target::T2(r, _) => format!("表二“{}”", template::t2_row_label(format, *r)),
            Target::T3(r) => format!("表三“{}”", template::t3_row_short_label(*r)),
        }
    }
}

/// A row printed short, and the lone figures printed after it, until the rest of the row (a
/// piece without a label) says they were inside it.
pub(super) struct Pending<'a> {
    target: Target,
    /// The table 二 block of the row (its caption's ordinal).
    block: Option<u32>,
    figures: Vec<C<'a>>,
    lone: Vec<C<'a>>,
}

/// A table 二 row one figure short with no figure outside the table before it: figures printed
/// below the table may complete it.
pub(super) struct Short<'a> {
    target: Target,
    block: Option<u32>,
    figures: Vec<C<'a>>,
}

/// The warning of a stray figure put back: which row, how many figures it had, which column the
/// figure fills and the line it was taken from (`place`: above or below the table).
fn put_back(
    format: template::Format,
    r: T2Row,
    have: usize,
    col: T2Col,
    stray: &Stray<'_>,
    place: &str,
) -> String {
    format!(
        "表二“{}”只有{}个数字；“{}”取自{place}{}的“{}”{}",
        template::t2_row_label(format, r),
        have,
        template::t2_col_label(format, col),
        stray.cell.source,
        stray.cell.raw,
        stray.note
    )
}

impl<'a> State<'a> {
    /// Keeps a lone figure (or the note under one) of section 二 for later; the row back when
    /// it is neither.
    pub(super) fn collect_stray(&mut self, row: Row<'a>) -> Option<Row<'a>> {
        if self.ctx != Some(Ctx::T2) || row.from_table || row.cells.len() != 1 {
            return Some(row);
        }
        let cell = &row.cells[0];
        if cell.has_figure() {
            self.t2_strays
                .extend(row.cells.into_iter().map(|cell| Stray {
                    cell,
                    note: String::new(),
                }));
            return None;
        }
        if cell.n.starts_with('(')
            && let Some(last) = self.t2_strays.back_mut()
            && last.note.is_empty()
        {
            last.note.clone_from(&cell.n);
            return None;
        }
        Some(row)
    }

    /// A table 二 row one figure short, completed by the oldest stray figure when a stray's
    /// note names the missing column (the converter pushed out the same column of every row,
    /// so one note names it for all): the stray fills that column and the row's figures fill
    /// the others in order. Said in a warning, so that the officer sees where the figure was
    /// taken from.
    pub(super) fn take_stray(
        &mut self,
        r: T2Row,
        cols: &[T2Col],
        have: usize,
    ) -> Option<(usize, Stray<'a>)> {
        if have + 1 != cols.len() {
            return None;
        }
        let col = self
            .t2_strays
            .iter()
            .find_map(|s| norm::note_column(&s.note))?;
        let at = cols.iter().position(|&c| c == col)?;
        let stray = self.t2_strays.pop_front()?;
        let told = put_back(self.report.format, r, have, col, &stray, "表格外");
        self.warnings.push(told);
        Some((at, stray))
    }
}

impl<'a> State<'a> {
    /// Before the first row of another table 二 block: the short rows of the last block are
    /// settled, with `short` (this row would take a stray) saying whether the strays between
    /// the blocks could be this block's.
    pub(super) fn next_t2_row(&mut self, short: bool) {
        if self
            .t2_short
            .first()
            .is_some_and(|s| s.block != self.t2_block)
        {
            self.settle_short(short);
        }
    }

    /// A row short of figures: kept until the rows after it say whether its figures are inside
    /// the row (lone lines and the rest of the row) or outside the table.
    pub(super) fn short_row(&mut self, target: Target, figures: Vec<C<'a>>) {
        self.settle_pending();
        self.pending = Some(Pending {
            target,
            block: self.t2_block,
            figures,
            lone: Vec::new(),
        });
    }

    /// Feeds a row to the short row waiting for its figures; the row back when it is not part
    /// of it.
    pub(super) fn continue_pending(&mut self, row: Row<'a>) -> Option<Row<'a>> {
        let Some(p) = &mut self.pending else {
            return Some(row);
        };
        let unlabeled = row.first_value == 0
            && row.cells.iter().all(|c| c.n.is_empty() || c.has_figure())
            && row.has_figure();
        if !unlabeled {
            self.settle_pending();
            return Some(row);
        }
        if !row.from_table && row.cells.len() == 1 {
            p.lone.extend(row.cells);
            return None;
        }
        if p.lone.is_empty() {
            self.settle_pending();
            return Some(row);
        }
        // The rest of the row: the pieces in text order are the row's figures.
        let Some(p) = self.pending.take() else {
            return Some(row);
        };
        let rest = row
            .cells
            .into_iter()
            .filter(|c| !c.covered && !c.n.is_empty());
        let lines: Vec<String> = p
            .lone
            .iter()
            .map(|c| format!("{}的“{}”", c.source, c.raw))
            .collect();
        let keys = p.target.keys();
        let all: Vec<C<'a>> = p.figures.into_iter().chain(p.lone).chain(rest).collect();
        let label = p.target.label(self.report.format);
        if all.len() == keys.len() {
            self.warnings.push(format!(
                "{label}的数字被拆成几行，{}单独成行，按行内的顺序放回",
                lines.join("、")
            ));
            for (k, c) in keys.into_iter().zip(&all) {
                self.put(k, c);
            }
        } else {
            self.warnings.push(format!(
                "{label}拆成几行后有{}个数字，应为{}个，未读取",
                all.len(),
                keys.len()
            ));
        }
        None
    }

    /// Ends the short row waiting for its figures without the rest of the row: its lone
    /// figures were not inside it and become strays; a table 二 row one figure short waits for
    /// figures below the table, any other is not read.
    pub(super) fn settle_pending(&mut self) {
        let Some(p) = self.pending.take() else {
            return;
        };
        let need = p.target.keys().len();
        match p.target {
            Target::T2(..) if p.figures.len() + 1 == need => self.t2_short.push(Short {
                target: p.target,
                block: p.block,
                figures: p.figures,
            }),
            _ => self.warnings.push(format!(
                "{}有{}个数字，应为{}个，未读取",
                p.target.label(self.report.format),
                p.figures.len(),
                need
            )),
        }
        for c in p.lone {
            let _ = self.collect_stray(Row::new(vec![c], false));
        }
    }

    /// Puts the strays printed below a table back into its short rows (one each, in order) when
    /// their count is the number of short rows and a note names the column; otherwise the rows
    /// are not read. `next_short`: the first row of the next table is short too, so that the
    /// figures between the tables could be either's (neither gets them).
    pub(super) fn settle_short(&mut self, next_short: bool) {
        self.settle_pending();
        if self.t2_short.is_empty() {
            return;
        }
        let shorts = std::mem::take(&mut self.t2_short);
        let format = self.report.format;
        let col = self
            .t2_strays
            .iter()
            .find_map(|s| norm::note_column(&s.note));
        let fits = |s: &Short<'_>| match (&s.target, col) {
            (Target::T2(_, cols), Some(c)) => cols.contains(&c),
            _ => false,
        };
        let determined =
            !next_short && self.t2_strays.len() == shorts.len() && shorts.iter().all(fits);
        if next_short && !self.t2_strays.is_empty() {
            self.warnings.push(format!(
                "表格之间的{}个单独成行的数字既可能属于上一个表格，也可能属于下一个表格，未放回",
                self.t2_strays.len()
            ));
            self.t2_strays.clear();
        }
        for s in shorts {
            let Target::T2(r, cols) = &s.target else {
                continue;
            };
            let stray = if determined {
                self.t2_strays.pop_front()
            } else {
                None
            };
            let (Some(stray), Some(col)) = (stray, col) else {
                self.warnings.push(format!(
                    "{}有{}个数字，应为{}个，未读取",
                    s.target.label(format),
                    s.figures.len(),
                    cols.len()
                ));
                continue;
            };
            let at = cols.iter().position(|&c| c == col).unwrap_or(cols.len());
            let mut figures = s.figures;
            let told = put_back(format, *r, figures.len(), col, &stray, "表格下方");
            self.warnings.push(told);
            figures.insert(at.min(figures.len()), stray.cell);
            for (&c, cell) in cols.iter().zip(&figures) {
                self.put(CellKey::T2(*r, c), cell);
            }
        }
    }
}
