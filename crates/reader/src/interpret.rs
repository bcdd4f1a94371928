//! The back-end: a [`Document`] to a report. It finds the six sections by ordinal and key
//! words, the title (agency and year), the format from the labels, and every figure of tables
//! 二, 三 and 四 by the distinctive core of its row label and its position, with the column
//! order of the header when the header can be read and the template's otherwise.

use crate::document::{Block, Document, Source};
use crate::norm::{self, Figure, clean, figure, norm};
use crate::{InputKind, Parsed, ReadError};
use gongkai_report::template::{self, Format};
use gongkai_report::{Applicant, CellKey, Report, Section, T2Col, T3Row, T4Col};
use std::collections::{BTreeMap, VecDeque};

/// One cell as the back-end sees it.
#[derive(Debug)]
struct C<'a> {
    raw: &'a str,
    n: String,
    source: Source,
    fig: Option<Figure>,
    /// A copy of a spanning cell.
    covered: bool,
}

impl C<'_> {
    fn is_label(&self) -> bool {
        self.fig.is_none()
    }

    fn has_figure(&self) -> bool {
        matches!(self.fig, Some(Figure::Number { .. }))
    }
}

/// A row: cells in slot order, with where its label ends.
struct Row<'a> {
    cells: Vec<C<'a>>,
    /// Index of the first value slot (after the last label cell).
    first_value: usize,
    from_table: bool,
}

impl<'a> Row<'a> {
    fn new(cells: Vec<C<'a>>, from_table: bool) -> Row<'a> {
        let first_value = cells.iter().rposition(C::is_label).map_or(0, |i| i + 1);
        Row {
            cells,
            first_value,
            from_table,
        }
    }

    /// Label cells, spanned copies collapsed.
    fn labels(&self) -> Vec<&C<'a>> {
        let mut out: Vec<&C<'a>> = Vec::new();
        for c in &self.cells[..self.first_value] {
            if c.n.is_empty() || c.fig.is_some() || c.covered {
                continue;
            }
            out.push(c);
        }
        out
    }

    fn values(&self) -> &[C<'a>] {
        &self.cells[self.first_value..]
    }

    fn has_figure(&self) -> bool {
        self.values().iter().any(C::has_figure)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    T2,
    T3,
    T4,
}

struct State<'a> {
    report: Report,
    provenance: BTreeMap<CellKey, Source>,
    warnings: Vec<String>,
    ctx: Option<Ctx>,
    t2_block: Option<u32>,
    t2_header: Vec<T2Col>,
    t3_header: Vec<Vec<&'a str>>,
    t3_header_done: bool,
    t3_slots: Option<Vec<Option<Applicant>>>,
    t4_header: Vec<Vec<&'a str>>,
    t4_slots: Option<Vec<Option<T4Col>>>,
    last_t3: Option<T3Row>,
    /// Lone figures printed in section 二 outside any table row, oldest first.
    t2_strays: VecDeque<Stray<'a>>,
}

/// A figure a PDF conversion pushed out of its table 二 row: when a cell wraps (`55` over
/// `（含自然失效29件）`), some converters print the whole cell as lines of text above the
/// table and leave the row one figure short. The note under the figure names its column.
struct Stray<'a> {
    cell: C<'a>,
    note: String,
}

/// Reads a report out of a document.
pub fn interpret(doc: &Document, kind: InputKind) -> Result<Parsed, ReadError> {
    let paras: Vec<(usize, &str, String)> = doc
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Paragraph(p) => Some((
                i,
                p.text.as_str(),
                if p.text.len() <= 600 {
                    norm(&p.text)
                } else {
                    String::new()
                },
            )),
            Block::Table(_) => None,
        })
        .collect();

    // Sections.
    let mut heads: [Option<usize>; 6] = [None; 6];
    let mut next = 0;
    for (i, _, n) in &paras {
        if let Some(k) = heading(n)
            && k >= next
        {
            heads[k] = Some(*i);
            next = k + 1;
        }
    }
    let first_head = heads.iter().flatten().min().copied();
    let first_table = doc.blocks.iter().position(|b| matches!(b, Block::Table(_)));
    let front_end = heads[0]
        .or(first_head)
        .or(first_table)
        .unwrap_or(doc.blocks.len());

    // Title, agency, year, preamble.
    let front: Vec<&(usize, &str, String)> =
        paras.iter().filter(|(i, _, _)| *i < front_end).collect();
    let title = find_title(&front);
    let (mut agency, mut year) = (String::new(), None);
    let mut preamble = Vec::new();
    match &title {
        Some((pos, t, rest)) => {
            (agency, year) = agency_year(t);
            if !rest.is_empty() {
                preamble.push(rest.clone());
            }
            preamble.extend(front[pos + 1..].iter().map(|p| clean(p.1).to_owned()));
        }
        None => {
            if heads[0].is_some() {
                preamble.extend(front.iter().map(|p| clean(p.1).to_owned()));
            }
            if let Some(t) = doc.title.as_deref() {
                let n = norm(t);
                let cut = n.find("年度报告").map_or(n.len(), |i| i + "年度报告".len());
                (agency, year) = agency_year(&n[..cut]);
            }
        }
    }
    let mut warnings = doc.warnings.clone();
    if year.is_none() {
        year = paras
            .iter()
            .find_map(|(_, _, n)| find_year(n).map(|(y, _, _)| y));
    }
    if agency.is_empty() {
        warnings.push("未能从标题中识别机关名称".to_owned());
    }

    // Format from the labels.
    let mut score = [0usize; 2];
    let mut op_rows = false;
    let mut scan = |n: &str| {
        for m in [
            "本年新制作",
            "上一年项目",
            "采购总金额",
            "采购项目",
            "对外公开总",
        ] {
            score[0] += usize::from(n.contains(m));
        }
        for m in [
            "本年制发",
            "本年废止",
            "现行有效",
            "收费金额",
            "本年处理决定",
        ] {
            score[1] += usize::from(n.contains(m));
        }
        op_rows |= n.contains("不补正") || n.contains("缴纳费用");
    };
    for b in &doc.blocks {
        match b {
            Block::Paragraph(p) => {
                if p.text.chars().count() <= 60 {
                    scan(&norm(&p.text));
                }
            }
            Block::Table(t) => {
                for c in t.rows.iter().flatten().filter(|c| !c.covered) {
                    scan(&norm(&c.text));
                }
            }
        }
    }
    let format = if score[0] > score[1] {
        Format::F2019
    } else if score[1] > score[0] || op_rows {
        Format::F2021
    } else if let Some(y) = year {
        Format::for_year(y)
    } else {
        Format::F2021
    };
    let Some(year) = year else {
        return Err(ReadError::NotAReport("未找到报告年度".into()));
    };

    let mut report = Report::blank(format, year, agency);
    report.preamble = preamble
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n");

    // Tables.
    let mut st = State {
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
    };
    let section_of =
        |i: usize| -> Option<usize> { (0..6).rev().find(|&k| heads[k].is_some_and(|h| h <= i)) };
    let mut last_table_block: [Option<usize>; 6] = [None; 6];
    for (i, block) in doc.blocks.iter().enumerate() {
        let sec = section_of(i);
        if heads.contains(&Some(i)) {
            st.ctx = match sec {
                Some(1) => Some(Ctx::T2),
                Some(2) => Some(Ctx::T3),
                Some(3) => Some(Ctx::T4),
                _ => None,
            };
            continue;
        }
        let table_region = match sec {
            Some(k) => (1..=3).contains(&k),
            None => first_head.is_none(),
        };
        match block {
            Block::Table(t) => {
                if let Some(k) = sec {
                    last_table_block[k] = Some(i);
                }
                for r in &t.rows {
                    let cells = r
                        .iter()
                        .map(|c| {
                            let n = norm(&c.text);
                            C {
                                raw: &c.text,
                                fig: figure(&n),
                                n,
                                source: c.source,
                                covered: c.covered,
                            }
                        })
                        .collect();
                    st.row(Row::new(cells, true));
                }
            }
            Block::Paragraph(p) if table_region => {
                if st.row(paragraph_row(&p.text, p.source))
                    && let Some(k) = sec
                {
                    last_table_block[k] = Some(i);
                }
            }
            Block::Paragraph(_) => {}
        }
    }

    // Section text.
    let found: Vec<usize> = heads.iter().flatten().copied().collect();
    let mut s5_from_s4 = None;
    for k in 0..6 {
        let Some(h) = heads[k] else { continue };
        let end = found
            .iter()
            .copied()
            .filter(|&x| x > h)
            .min()
            .unwrap_or(doc.blocks.len());
        let mut start = h + 1;
        if k == 3
            && heads[4].is_none()
            && let Some(t) = last_table_block[3]
        {
            s5_from_s4 = Some((t + 1, end));
            start = h + 1;
            let text = section_text(doc, start, t + 1, false);
            st.report.set_section(Section::ALL[k], text);
            continue;
        }
        let all = matches!(k, 0 | 4 | 5);
        let mut text = section_text(doc, start, end, all);
        if k == 5 || found.last() == Some(&h) {
            text = strip_signature(&text, &st.report.agency);
        }
        st.report.set_section(Section::ALL[k], text);
    }
    if let Some((a, b)) = s5_from_s4 {
        let text = section_text(doc, a, b, true);
        st.report.set_section(Section::S5Problems, text);
    }

    if st.provenance.is_empty() {
        if title.is_none() && found.is_empty() {
            return Err(ReadError::NotAReport(
                "既没有年度报告标题，也没有年度报告的章节和表格".into(),
            ));
        }
        return Err(ReadError::NoTable);
    }
    for key in st.report.printed_cells() {
        if !st.provenance.contains_key(&key) {
            st.warnings.push(format!(
                "未找到{}",
                template::cell_name(st.report.format, key)
            ));
        }
    }
    Ok(Parsed {
        report: st.report,
        provenance: st.provenance,
        kind,
        warnings: st.warnings,
    })
}

/// A paragraph read as a table row: trailing figures are values, the rest is the label.
fn paragraph_row(text: &str, source: Source) -> Row<'_> {
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
        let raw = text;
        let label: String = tokens[..split].concat();
        cells.push(C {
            raw,
            n: norm(&label),
            source,
            fig: None,
            covered: false,
        });
    }
    for t in &tokens[split..] {
        let n = norm(t);
        cells.push(C {
            raw: t,
            fig: figure(&n),
            n,
            source,
            covered: false,
        });
    }
    let mut row = Row::new(cells, false);
    if split == 0 {
        row.first_value = 0;
    }
    row
}

impl<'a> State<'a> {
    /// Reads one row; whether it was table content.
    fn row(&mut self, row: Row<'a>) -> bool {
        if row.cells.iter().all(|c| c.n.is_empty()) {
            return false;
        }
        if self.ctx == Some(Ctx::T2) && !row.from_table && row.cells.len() == 1 {
            let cell = &row.cells[0];
            if cell.has_figure() {
                self.t2_strays
                    .extend(row.cells.into_iter().map(|cell| Stray {
                        cell,
                        note: String::new(),
                    }));
                return false;
            }
            if cell.n.starts_with('(')
                && let Some(last) = self.t2_strays.back_mut()
                && last.note.is_empty()
            {
                last.note.clone_from(&cell.n);
                return false;
            }
        }
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
        let t3 = norm::t3_row(&leaf, true).or_else(|| norm::t3_row(&label, false));
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

    fn put(&mut self, key: CellKey, cell: &C<'_>) {
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
        if vals.len() + 1 == cols.len()
            && let Some(col) = self
                .t2_strays
                .iter()
                .find_map(|s| norm::note_column(&s.note))
            && let Some(at) = cols.iter().position(|&c| c == col)
            && let Some(stray) = self.t2_strays.pop_front()
        {
            // The row is one figure short and a stray figure's note names the missing column
            // (the converter pushed out the same column of every row, so one note names it for
            // all): the oldest stray fills it and the row's figures fill the others in order.
            // Said in a warning, so that the officer sees where the figure was taken from.
            self.warnings.push(format!(
                "表二“{}”只有{}个数字；“{}”取自表格外{}的“{}”{}",
                template::t2_row_label(format, r),
                vals.len(),
                template::t2_col_label(format, col),
                stray.cell.source,
                stray.cell.raw,
                stray.note
            ));
            vals.insert(at, &stray.cell);
            for (&col, cell) in cols.iter().zip(vals) {
                self.put(CellKey::T2(r, col), cell);
            }
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

/// The leaf of a label cell: the last segment of a `a / b / c` label path.
fn leaf_of(c: &C<'_>) -> String {
    match c.raw.rsplit_once(" / ") {
        Some((_, leaf)) => norm(leaf),
        None => c.n.clone(),
    }
}

/// Drops blank cells at the ends until `want` remain.
fn trim_blanks<'b, 'a>(vals: &'b [C<'a>], want: usize) -> &'b [C<'a>] {
    let mut v = vals;
    while v.len() > want && v.last().is_some_and(|c| c.n.is_empty()) {
        v = &v[..v.len() - 1];
    }
    while v.len() > want && v.first().is_some_and(|c| c.n.is_empty()) {
        v = &v[1..];
    }
    v
}

/// The column key of every slot, from the header rows stacked slot by slot.
fn header_slots<T>(rows: &[Vec<&str>], f: impl Fn(&str) -> Option<T>) -> Vec<Option<T>> {
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

fn valid<T: PartialEq>(slots: &[Option<T>], n: usize) -> bool {
    let keys: Vec<&T> = slots.iter().flatten().collect();
    keys.len() == n && keys.iter().enumerate().all(|(i, k)| !keys[..i].contains(k))
}

/// The section a heading paragraph opens.
fn heading(n: &str) -> Option<usize> {
    if n.starts_with('(') {
        return None;
    }
    let mut chars = n.chars();
    let c = chars.next()?;
    let k = "一二三四五六"
        .chars()
        .position(|x| x == c)
        .or_else(|| "123456".chars().position(|x| x == c))?;
    let sep = chars.next()?;
    if !matches!(sep, '、' | '.' | ',') {
        return None;
    }
    let rest = chars.as_str();
    if rest.chars().count() > 32 {
        return None;
    }
    let has = |words: &[&str]| words.iter().any(|w| rest.contains(w));
    let ok = match k {
        0 => has(&["总体情况", "概述", "基本情况", "概况", "总体"]),
        1 => has(&["主动公开"]),
        2 => has(&["收到", "依申请"]) && has(&["申请"]),
        3 => has(&["复议", "诉讼"]),
        4 => has(&["问题", "改进", "整改"]),
        _ => has(&["其他"]),
    };
    ok.then_some(k)
}

/// The last title-like paragraph before section 一: (index in `front`, title, text after it).
fn find_title(front: &[&(usize, &str, String)]) -> Option<(usize, String, String)> {
    let mut found = None;
    for (i, (_, raw, _)) in front.iter().enumerate() {
        let Some(end) = raw.find("年度报告") else {
            continue;
        };
        let end = end + "年度报告".len();
        let mut t = norm(&raw[..end]);
        if (find_year(&t).is_none() || agency_year(&t).0.is_empty())
            && i > 0
            && front[i - 1].2.chars().count() <= 40
            && !front[i - 1].2.contains('。')
        {
            t = format!("{}{t}", front[i - 1].2);
        }
        let sentence = t.contains(['。', ',', '《', '；', ';']);
        if !sentence
            && t.chars().count() <= 80
            && t.contains("政府信息公开")
            && find_year(&t).is_some()
        {
            found = Some((i, t, clean(&raw[end..]).to_owned()));
        }
    }
    found
}

/// The first `2020年` in a text: (year, byte start, byte end after `年`/`年度`).
fn find_year(n: &str) -> Option<(i32, usize, usize)> {
    let b = n.as_bytes();
    let mut i = 0;
    while i + 4 < b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && (b[i] == b'1' && b[i + 1] == b'9' || b[i] == b'2' && b[i + 1] == b'0')
            && n[i + 4..].starts_with('年')
        {
            let y: i32 = n[i..i + 4].parse().ok()?;
            let mut end = i + 4 + '年'.len_utf8();
            if n[end..].starts_with('度') {
                end += '度'.len_utf8();
            }
            return Some((y, i, end));
        }
        i += 1;
    }
    None
}

/// Agency and year from a (normalised) title; with the year first, the agency follows it.
fn agency_year(t: &str) -> (String, Option<i32>) {
    let Some((y, start, end)) = find_year(t) else {
        return (String::new(), None);
    };
    let stop = t[end..].find("政府信息公开").map_or(t.len(), |i| end + i);
    let after = t[end..stop].trim_start_matches("度");
    let agency = if after.is_empty() { &t[..start] } else { after };
    let agency = agency
        .trim_start_matches("关于")
        .trim_end_matches("关于")
        .trim_end_matches(['_', '-', '|']);
    (agency.to_owned(), Some(y))
}

/// The text of blocks `start..end`: every paragraph for text sections, only sentences (not
/// table fragments) for the table sections.
fn section_text(doc: &Document, start: usize, end: usize, all: bool) -> String {
    let end = end.min(doc.blocks.len());
    let start = start.min(end);
    doc.blocks[start..end]
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(clean(&p.text)),
            Block::Table(_) => None,
        })
        .filter(|t| !t.is_empty())
        .filter(|t| all || (t.ends_with('。') && t.chars().count() >= 8))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Drops a closing signature (落款): a date line and the agency line before it, or a last line
/// that is the agency's name alone (gongkai prints that when no signing date is given).
fn strip_signature(text: &str, agency: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let is_date = |l: &str| {
        let n = norm(l);
        find_year(&n).is_some_and(|(_, s, _)| s == 0)
            && n.ends_with('日')
            && n.chars().count() <= 14
    };
    if lines.last().is_some_and(|l| is_date(l)) {
        lines.pop();
        if lines
            .last()
            .is_some_and(|l| l.chars().count() <= 30 && !l.contains(['。', '，', '；', '：']))
        {
            lines.pop();
        }
    } else if !agency.is_empty() && lines.last().is_some_and(|l| norm(l) == norm(agency)) {
        lines.pop();
    }
    lines.join("\n")
}
