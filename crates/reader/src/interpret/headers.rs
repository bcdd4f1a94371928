//! Class 3 of issue 14, headers broken up: the column of every slot of a table's header, read
//! from the header rows stacked slot by slot, so that a label split across lines or cells
//! (`本年新` over `制作数量`, `自` / `然` / `人` one character per paragraph) is read as one
//! label. The header is used only when it names every column exactly once; otherwise the
//! template's order is. Headers that are no table rows at all (table 四's vertical headers of a
//! PDF's text, `结 结 其 尚` one line per character row) are read as paragraphs and skipped: the
//! row of fifteen figures is then placed in the template's order, which every layout shares.

use crate::norm::norm;

/// The column key of every slot, from the header rows stacked slot by slot.
pub(super) fn header_slots<T>(rows: &[Vec<&str>], f: impl Fn(&str) -> Option<T>) -> Vec<Option<T>> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    (0..width)
        .map(|s| {
            let text: String = rows
                .iter()
                .filter_map(|r| r.get(s))
                .map(|t| norm(t))
                .collect();
            f(&text)
        })
        .collect()
}

/// Whether the slots name `n` distinct columns.
pub(super) fn valid<T: PartialEq>(slots: &[Option<T>], n: usize) -> bool {
    let keys: Vec<&T> = slots.iter().flatten().collect();
    keys.len() == n && keys.iter().enumerate().all(|(i, k)| !keys[..i].contains(k))
}
