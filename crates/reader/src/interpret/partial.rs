//! Class 2 of issue 14, partial reports: one page of a flip-book PDF, a copy cut off mid-table,
//! a report that prints only some tables or drops table 四 because no case occurred. Every
//! table and row that is there is read; every other cell of the layout stays `null` (absent
//! from the provenance, so that completeness says how much was read) with a warning naming
//! it. The checks skip a rule whose cells are absent (not applicable), so a partial report has
//! no error for what it does not print. Only a text with no table at all is unreadable.

use super::rows::State;
use crate::ReadError;
use gongkai_report::{CellKey, template};

/// Whether anything was read at all; otherwise why the input is no report.
pub(super) fn unreadable(st: &State<'_>, titled: bool, sections: usize) -> Option<ReadError> {
    if !st.provenance.is_empty() {
        return None;
    }
    Some(if !titled && sections == 0 {
        ReadError::NotAReport("既没有年度报告标题，也没有年度报告的章节和表格".into())
    } else {
        ReadError::NoTable
    })
}

/// A warning for every cell of the layout not found, in the layout's order; whole tables that
/// are absent are said once.
pub(super) fn missing(st: &mut State<'_>) {
    let format = st.report.format;
    // One pass over the layout's cells: how many of each table were found, and which were not.
    let mut total = [0usize; 3];
    let mut absent: [Vec<CellKey>; 3] = Default::default();
    for k in st.report.printed_cells() {
        let t = match k {
            CellKey::T2(..) => 0,
            CellKey::T3(..) => 1,
            CellKey::T4(..) => 2,
        };
        total[t] += 1;
        if !st.provenance.contains_key(&k) {
            absent[t].push(k);
        }
    }
    for (t, keys) in absent.iter().enumerate() {
        if keys.is_empty() {
            continue;
        }
        if keys.len() == total[t] {
            let name = ["表二", "表三", "表四"][t];
            st.warnings
                .push(format!("未找到{name}（{} 个单元格均记为空）", total[t]));
            continue;
        }
        for &k in keys {
            st.warnings
                .push(format!("未找到{}", template::cell_name(format, k)));
        }
    }
}
