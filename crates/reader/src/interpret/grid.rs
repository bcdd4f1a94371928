//! Class 4 of issue 14, grids that do not match their header: Word-pasted HTML whose data rows
//! carry an empty spacer cell (typically under 自然人) that the header does not have, so a
//! table 三 row holds eight value cells for seven columns (sixteen for table 四's fifteen).
//! The rows are aligned by the structure of the data, never by raw cell counts: a column is
//! dropped only when it is empty in every such row, and only when every choice of the empty
//! columns to drop gives the same figures in the same places (so the figures read cannot
//! depend on the choice). Otherwise the rows stay as they are and are not read.

use super::cells::{C, Row};
use crate::norm::Figure;

/// The value cells of a data row of table 三 and of table 四.
const WIDTHS: [usize; 2] = [7, 15];

/// At most this many spacer cells per row are looked for.
const MAX_EXTRA: usize = 2;

/// Drops the spacer columns of a table's rows, when determined; a warning saying so.
pub(super) fn drop_spacers(rows: &mut Vec<Row<'_>>) -> Option<String> {
    for want in WIDTHS {
        let group: Vec<usize> = (0..rows.len())
            .filter(|&i| {
                let v = rows[i].values().len();
                rows[i].has_figure() && v > want && v <= want + MAX_EXTRA
            })
            .collect();
        let Some(&first) = group.first() else {
            continue;
        };
        let width = rows[first].cells.len();
        let values = rows[first].values().len();
        if group
            .iter()
            .any(|&i| rows[i].cells.len() != width || rows[i].values().len() != values)
        {
            continue;
        }
        let extra = values - want;
        let candidates: Vec<usize> = (width - values..width)
            .filter(|&s| group.iter().all(|&i| rows[i].cells[s].n.is_empty()))
            .collect();
        let choices = combinations(&candidates, extra);
        let Some(chosen) = choices.first() else {
            continue;
        };
        let same = |choice: &Vec<usize>| {
            group
                .iter()
                .all(|&i| projected(&rows[i].cells, chosen).eq(projected(&rows[i].cells, choice)))
        };
        if !choices.iter().all(same) {
            return Some(format!(
                "{}起的表格数据行比表头多 {extra} 个空白单元格，无法确定多出的是哪一列，这些行未读取",
                rows[first].cells[0].source
            ));
        }
        let chosen = chosen.clone();
        let source = rows[first].cells[chosen[0]].source;
        for row in rows.iter_mut() {
            if row.cells.len() != width || chosen.iter().any(|&s| !row.cells[s].n.is_empty()) {
                continue;
            }
            let from_table = row.from_table;
            let mut cells = std::mem::take(&mut row.cells);
            for &s in chosen.iter().rev() {
                cells.remove(s);
            }
            *row = Row::new(cells, from_table);
        }
        return Some(format!(
            "表格的数据行比表头多 {extra} 个空白单元格（如{source}），已按每行 {want} 个数字对齐"
        ));
    }
    None
}

/// The figures of a row without the slots `drop`: what reading it would give.
fn projected<'c>(
    cells: &'c [C<'_>],
    drop: &'c [usize],
) -> impl Iterator<Item = Option<&'c Figure>> + 'c {
    cells
        .iter()
        .enumerate()
        .filter(move |(s, _)| !drop.contains(s))
        .map(|(_, c)| {
            c.fig
                .as_ref()
                .filter(|f| matches!(f, Figure::Number { .. }))
        })
}

/// Every choice of `k` of `items` (k ≤ 2), in order.
fn combinations(items: &[usize], k: usize) -> Vec<Vec<usize>> {
    match k {
        1 => items.iter().map(|&a| vec![a]).collect(),
        2 => items
            .iter()
            .enumerate()
            .flat_map(|(i, &a)| items[i + 1..].iter().map(move |&b| vec![a, b]))
            .collect(),
        _ => Vec::new(),
    }
}
