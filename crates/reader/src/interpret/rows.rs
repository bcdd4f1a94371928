//! The rows of tables 二, 三 and 四: each row is recognised by the distinctive core of its
//! label and its position, and its figures are put in the cells the header (when it can be read)
//! or the template orders.

use super::cells::{C, Row, leaf_of, trim_blanks};
use super::headers::{header_slots, valid};
use super::stray::{Pending, Short, Stray, Target};
use crate::document::Source;
use crate::norm;
use gongkai_report::template;
use gongkai_report::{Applicant, CellKey, Report, T2Col, T3Row, T4Col};
use std::collections::{BTreeMap, VecDeque};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    T2,
    T3,
    T4,
}

/// What the reader has read so far, and the table it is in.
pub(super) struct State<'a> {
    pub report: Report,
    pub provenance: BTreeMap<CellKey, Source>,
    pub warnings: Vec<String>,
    pub ctx: Option<Ctx>,
    pub t2_block: Option<u32>,
    pub t2_header: Vec<T2Col>,
    pub t3_header: Vec<Vec<&'a str>>,
    pub t3_header_done: bool,
    pub t3_slots: Option<Vec<Option<Applicant>>>,
    pub t4_header: Vec<Vec<&'a str>>,
    pub t4_slots: Option<Vec<Option<T4Col>>>,
    pub last_t3: Option<T3Row>,
    /// Lone figures printed in section 二 outside any table row, oldest first.
    pub t2_strays: VecDeque<Stray<'a>>,
    /// The last row read short, waiting for the rest of its figures (class 6).
    pub pending: Option<Pending<'a>>,
    /// Table 二 rows one figure short, waiting for figures printed below their table.
    pub t2_short: Vec<Short<'a>>,
}

impl<'a> State<'a> {
    pub fn new(report: Report, warnings: Vec<String>) -> State<'a> {
        State {
            report,
            provenance: BTreeMap::new(),
            warnings,
            ctx: None,
            t2_block: None,
            t2_header: Vec::new(),
            t3_header: Vec::new(),
            t3_header_done: false,
            t3_slots: None,
            t4_header: Vec::new(),
            t4_slots: None,
            last_t3: None,
            t2_strays: VecDeque::new(),
            pending: None,
            t2_short: Vec::new(),
        }
    }
}

impl<'a> State<'a> {
    /// Reads one row; whether it was table content.
    pub fn row(&mut self, row: Row<'a>) -> bool {
        if row.cells.iter().all(|c| c.n.is_empty()) {
            return false;
        }
        let Some(row) = self.continue_pending(row) else {
            return true;
        };
        let Some(row) = self.collect_stray(row) else {
            return false;
        };
        let labels = row.labels();
        let label: String = labels.iter().map(|c| c.n.as_str()).collect();
        if let Some(k) = norm::t2_caption(&label) {
            self.ctx = Some(Ctx::T2);
            self.t2_block = Some(k);
            self.t2_header.clear();
            return true;
        }
        let leaf = labels.last().map(|c| leaf_of(c)).unwrap_or_default();
        if !row.has_figure() {
            if labels.is_empty() {
                return false;
            }
            if norm::is_t3_header(&label) {
                if self.ctx != Some(Ctx::T3) || self.t3_header_done {
                    self.t3_header.clear();
                    self.t3_slots = None;
                    self.t3_header_done = false;
                }
                self.ctx = Some(Ctx::T3);
                if row.from_table {
                    self.t3_header
                        .push(row.cells.iter().map(|c| c.raw).collect());
                }
                return true;
            }
            if norm::is_t4_header(&label) && norm::t3_row(&leaf, true).is_none() {
                if self.ctx != Some(Ctx::T4) {
                    self.t4_header.clear();
                    self.t4_slots = None;
                }
                self.ctx = Some(Ctx::T4);
                if row.from_table {
                    self.t4_header
                        .push(row.cells.iter().map(|c| c.raw).collect());
                }
                return true;
            }
            let cols = norm::t2_cols(&label.replace("信息内容", ""));
            if label.contains("信息内容") || (self.ctx == Some(Ctx::T2) && !cols.is_empty()) {
                self.ctx = Some(Ctx::T2);
                self.t2_header = cols;
                return true;
            }
            // A label without figures: a group label or a wrapped fragment; blank rows of a
            // table still count when they have the row's width.
            if !row.from_table || row.values().is_empty() {
                return false;
            }
        }
        if labels.is_empty() {
            return self.unlabeled(&row);
        }
        let t2 = norm::t2_row(&leaf).or_else(|| norm::t2_row(&label));
        // A leaf label wrapped over two or three lines (`3.其` over `他`) is tried joined.
        let t3 = norm::t3_row(&leaf, true)
            .or_else(|| norm::t3_row(&label, false))
            .or_else(|| wrapped_leaf(&labels, 2).and_then(|l| norm::t3_row(&l, true)))
            .or_else(|| wrapped_leaf(&labels, 3).and_then(|l| norm::t3_row(&l, true)));
        match (self.ctx, t2, t3) {
            (Some(Ctx::T2) | None, Some(r), _) => {
                self.ctx = Some(Ctx::T2);
                self.t2_row(r, &row);
                true
            }
            (_, _, Some(r)) if self.ctx != Some(Ctx::T2) || row.values().len() >= 7 => {
                self.ctx = Some(Ctx::T3);
                self.t3_header_done = true;
                self.t3_row(r, &row);
                true
            }
            _ => {
                if self.ctx == Some(Ctx::T3)
                    && row.from_table
                    && row.has_figure()
                    && norm::t3_row(&label, true).is_none()
                {
                    return self.unlabeled(&row);
                }
                false
            }
        }
    }

    fn unlabeled(&mut self, row: &Row<'a>) -> bool {
        let vals = trim_blanks(row.values(), 15);
        if vals.len() == 15 && vals.iter().any(C::has_figure) {
            self.ctx = Some(Ctx::T4);
            self.t4_row(row);
            return true;
        }
        if self.ctx == Some(Ctx::T3) && trim_blanks(row.values(), 7).len() == 7 {
            let rows = self.report.t3_rows();
            let after = self
                .last_t3
                .and_then(|l| rows.iter().position(|&r| r == l))
                .map_or(0, |p| p + 1);
            let next = rows[after.min(rows.len())..].iter().copied().find(|&r| {
                !self
                    .provenance
                    .contains_key(&CellKey::T3(r, Applicant::Total))
            });
            if let Some(r) = next {
                self.t3_header_done = true;
                self.warnings.push(format!(
                    "表三中{}的一行没有可识别的行名，按位置读作“{}”",
                    row.cells
                        .first()
                        .map_or(String::new(), |c| c.source.to_string()),
                    template::t3_row_short_label(r)
                ));
                self.t3_row(r, row);
                return true;
            }
        }
        false
    }

    pub fn put(&mut self, key: CellKey, cell: &C<'_>) {
        if self.provenance.contains_key(&key) {
            return;
        }
        if !template::allows(self.report.format, key) {
            self.warnings.push(format!(
                "{}：{key} 不属于 {} 格式，已忽略",
                cell.source, self.report.format
            ));
            return;
        }
        let value = match &cell.fig {
            Some(f) => match norm::value(f, key.kind()) {
                Ok(v) => v,
                Err(e) => {
                    self.warnings
                        .push(format!("{}：“{}” {e}，按空白处理", cell.source, cell.raw));
                    None
                }
            },
            None => None,
        };
        if self.report.set(key, value).is_ok() {
            self.provenance.insert(key, cell.source);
        }
    }

    fn t2_row(&mut self, r: gongkai_report::T2Row, row: &Row<'a>) {
        let format = self.report.format;
        let Some(block) = template::t2_blocks(format)
            .iter()
            .find(|b| b.rows.contains(&r))
        else {
            self.warnings.push(format!(
                "表二“{}”不属于 {format} 格式，已忽略",
                template::t2_row_label(format, r)
            ));
            return;
        };
        let mut vals: Vec<&C<'_>> = Vec::new();
        for c in row.values() {
            if !c.covered {
                vals.push(c);
            }
        }
        while vals.len() > block.columns.len() && vals.last().is_some_and(|c| c.n.is_empty()) {
            vals.pop();
        }
        let header_ok = !self.t2_header.is_empty()
            && self.t2_header.iter().all(|c| block.columns.contains(c))
            && self.t2_header.len() == vals.len();
        let cols: Vec<T2Col> = if header_ok {
            self.t2_header.clone()
        } else {
            block.columns.to_vec()
        };
        self.next_t2_row(vals.len() + 1 == cols.len());
        if let Some((at, stray)) = self.take_stray(r, &cols, vals.len()) {
            vals.insert(at, &stray.cell);
            for (&col, cell) in cols.iter().zip(vals) {
                self.put(CellKey::T2(r, col), cell);
            }
            return;
        }
        if vals.len() < cols.len() {
            let figures = vals.into_iter().cloned().collect();
            self.short_row(Target::T2(r, cols), figures);
            return;
        }
        if vals.len() != cols.len() {
            self.warnings.push(format!(
                "表二“{}”有{}个数字，应为{}个，未读取",
                template::t2_row_label(format, r),
                vals.len(),
                cols.len()
            ));
            return;
        }
        for (&col, cell) in cols.iter().zip(vals) {
            self.put(CellKey::T2(r, col), cell);
        }
    }

    fn t3_row(&mut self, r: T3Row, row: &Row<'a>) {
        self.last_t3 = Some(r);
        if self.t3_slots.is_none() {
            self.t3_slots = Some(header_slots(&self.t3_header, norm::applicant));
        }
        if let Some(slots) = &self.t3_slots
            && row.from_table
            && valid(slots, 7)
            && slots.len() == row.cells.len()
            && slots[..row.first_value].iter().all(Option::is_none)
        {
            let pairs: Vec<(Applicant, usize)> = slots
                .iter()
                .enumerate()
                .filter_map(|(i, a)| a.map(|a| (a, i)))
                .collect();
            for (a, i) in pairs {
                self.put(CellKey::T3(r, a), &row.cells[i]);
            }
            return;
        }
        let vals = trim_blanks(row.values(), 7);
        if vals.len() < 7 {
            self.short_row(Target::T3(r), vals.to_vec());
            return;
        }
        if vals.len() != 7 {
            self.warnings.push(format!(
                "表三“{}”有{}个数字，应为7个，未读取",
                template::t3_row_short_label(r),
                vals.len()
            ));
            return;
        }
        for (&a, c) in Applicant::ALL.iter().zip(vals) {
            self.put(CellKey::T3(r, a), c);
        }
    }

    fn t4_row(&mut self, row: &Row<'a>) {
        if self.t4_slots.is_none() {
            self.t4_slots = Some(header_slots(&self.t4_header, norm::t4_col));
        }
        if let Some(slots) = &self.t4_slots
            && row.from_table
            && valid(slots, 15)
            && slots.len() == row.cells.len()
        {
            let pairs: Vec<(T4Col, usize)> = slots
                .iter()
                .enumerate()
                .filter_map(|(i, a)| a.map(|a| (a, i)))
                .collect();
            for (c, i) in pairs {
                self.put(CellKey::T4(c), &row.cells[i]);
            }
            return;
        }
        let vals = trim_blanks(row.values(), 15);
        for (&c, cell) in T4Col::ALL.iter().zip(vals) {
            self.put(CellKey::T4(c), cell);
        }
    }
}

/// The last `k` label cells joined: a leaf label wrapped over `k` lines, when there are more
/// labels than that.
fn wrapped_leaf(labels: &[&C<'_>], k: usize) -> Option<String> {
    (labels.len() >= k).then(|| {
        labels[labels.len() - k..]
            .iter()
            .map(|c| c.n.as_str())
            .collect()
    })
}
