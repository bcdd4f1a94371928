//! Class 6 of issue 14, stray figures: Markdown or OCR output where a row's figures are printed
//! as lines of their own above or below the table. A figure is put back only when its position
//! is determined, with a warning naming the line it was taken from.
//!
//! The known case (the Shanghai fixture): when a table 二 cell wraps (`55` over
//! `（含自然失效29件）`), some converters print the whole cell as lines of text above the table
//! and leave the row one figure short. The note under the figure names its column.

use super::cells::{C, Row};
use super::rows::{Ctx, State};
use crate::norm;
use gongkai_report::template;
use gongkai_report::{T2Col, T2Row};

/// A lone figure printed in section 二 outside any table row, with the note printed under it.
pub(super) struct Stray<'a> {
    pub cell: C<'a>,
    pub note: String,
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
        let format = self.report.format;
        self.warnings.push(format!(
            "表二“{}”只有{}个数字；“{}”取自表格外{}的“{}”{}",
            template::t2_row_label(format, r),
            have,
            template::t2_col_label(format, col),
            stray.cell.source,
            stray.cell.raw,
            stray.note
        ));
        Some((at, stray))
    }
}
