//! Cells run together with no separator (issue 14, class 1): page text saved by a crawler or by
//! "copy all" in a browser puts the whole page on one line, so that a table 三 row reads
//! `二、上年结转政府信息公开申请数量1200003` and table 四 is one run of fifteen digits.
//!
//! [`rejoin`] is a document-to-document pre-pass run before [`crate::interpret()`]: it finds the
//! statutory row labels followed directly by a run of figures, splits every run into cells only
//! where the statutory structure determines the split, and puts real [`Table`] rows in place of
//! the paragraph, so that the interpreter reads them like any table. A cell that the structure
//! does not determine is left empty (read as `null`) with a warning saying how many splits fit.
//!
//! The structure used (spec §3, §5): every cell a non-negative integer without leading zeros
//! (a 2019 `本年增/减` may be signed; money may hold a decimal point and a unit), each table 三
//! row's 总计 the sum of its six applicant columns (R2), table 四's totals the sums of their four
//! cells (R4), and across the rows of table 三, 一 + 二 = 三 + 四 (R1) and 本年度办理结果 = the
//! sum of its sub-rows (R3), column by column. A split that only the lengths allow (seven digits
//! for seven cells) is the printed figures and is kept even when its arithmetic is wrong: the
//! checks report that, the reader never corrects a figure.
//!
//! The search is bounded ([`ROW_NODES`], [`DOC_NODES`]); beyond its bound a row is left empty
//! with a warning. Detection is one byte scan that rejects a normal document at once.

use crate::document::{Block, Cell, Document, Paragraph, Source, Table};
use crate::norm::{self, norm};
use gongkai_report::template::{self, Format};
use gongkai_report::{Applicant, CellKey, T2Col, T2Row, T3Row, T4Col};
use std::collections::HashMap;

/// Search nodes one run may use before it is given up (left empty, with a warning). A
/// realistic row takes a few hundred; a table 四 of figures up to seven digits, searched group
/// by group ([`grouped`]), at most about 7,200.
pub(crate) const ROW_NODES: u64 = 20_000;
/// Search nodes one document may use in all: the bound of any page's search time (a node is
/// some 30 ns, so about 2 ms; the `crawled_search_bound` bench is a page that spends it all).
pub(crate) const DOC_NODES: u64 = 60_000;
/// Splits kept per run; more than this and the run is "at least this many" ways ambiguous.
const ROW_SPLITS: usize = 256;
/// Partial sums kept per step of the cross-row search of table 三.
const DP_STATES: usize = 20_000;
/// Partial sums of one column kept per step of the column-wise pass of table 三.
const COLUMN_STATES: usize = 2_000;
/// Digits of one count (table 二 licensing counts reach tens of millions).
const MAX_DIGITS: usize = 12;
/// Characters of one money figure, decimal point included.
const MAX_MONEY: usize = 20;

/// Rebuilds the tables of paragraphs whose cells run together, in place. A document without
/// such a paragraph is left untouched after one scan of its paragraphs.
pub(crate) fn rejoin(doc: &mut Document) {
    let mut budget = Budget::new(DOC_NODES);
    rejoin_with(doc, &mut budget);
}

/// [`rejoin`] with the caller's budget, so that tests can see how much search it took.
pub(crate) fn rejoin_with(doc: &mut Document, budget: &mut Budget) {
    let suspects: Vec<usize> = doc
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Paragraph(p) if suspect(&p.text) => Some(i),
            _ => None,
        })
        .collect();
    if suspects.is_empty() {
        return;
    }
    let existing = existing_tables(doc);
    let mut scan = Scan {
        existing,
        ..Scan::default()
    };
    let mut pieces: Vec<(usize, Vec<Piece>)> = Vec::new();
    let mut next = suspects.iter().peekable();
    for (i, block) in doc.blocks.iter().enumerate() {
        let Block::Paragraph(p) = block else {
            continue;
        };
        let glued = next.next_if(|&&s| s == i).is_some() || glued_run(&p.text, |_| true);
        if !glued {
            // A crawl that kept a line per row has the tables' headers and captions on lines
            // of their own, before the rows they name, and table 四's figures on a line of
            // their own under its header.
            if might_mark(&p.text) {
                scan.mark(&spaced_norm(&p.text));
            } else if let Some(piece) = scan.bare_t4(&p.text, p.source) {
                pieces.push((i, vec![piece]));
            }
            continue;
        }
        let n = spaced_norm(&p.text);
        let ps = scan.paragraph(&n, p.source);
        if ps.iter().any(|p| matches!(p, Piece::Row(_))) {
            pieces.push((i, ps));
        }
    }
    if scan.rows.is_empty() {
        return;
    }
    let format = scan.format();
    let mut warnings = Vec::new();
    let cells = solve(&scan.rows, format, budget, &mut warnings);
    let determined = cells.iter().flatten().filter(|c| c.is_some()).count();
    let total: usize = cells.iter().map(Vec::len).sum();
    doc.warnings.push(
        format!(
            "表格的单元格连在一起，没有分隔（网页抓取或“全选复制”的文字）：按表格结构拆分了{}行，确定{total}个单元格中的{determined}个",
            scan.rows.len()
        ),
    );
    doc.warnings.append(&mut warnings);
    // Replace each paragraph by its pieces, from the last so that indices stay valid.
    for (i, ps) in pieces.into_iter().rev() {
        let source = match &doc.blocks[i] {
            Block::Paragraph(p) => p.source,
            Block::Table(_) => continue,
        };
        let blocks = rebuild(ps, &scan.rows, &cells, source);
        doc.blocks.splice(i..=i, blocks);
    }
}

/// The search budget: nodes of the current run and of the whole document.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    pub(crate) nodes: u64,
    limit: u64,
    row: u64,
}

impl Budget {
    pub(crate) fn new(limit: u64) -> Budget {
        Budget {
            nodes: 0,
            limit,
            row: 0,
        }
    }

    fn start_row(&mut self) {
        self.row = 0;
    }

    /// Counts one node; false once either bound is reached.
    fn tick(&mut self) -> bool {
        if self.nodes >= self.limit || self.row >= ROW_NODES {
            return false;
        }
        self.nodes += 1;
        self.row += 1;
        true
    }
}

// ---------------------------------------------------------------------------------------------
// Detection and scanning.

/// Label endings that a crawled row glues its figures to.
const GLUED: &[&str] = &[
    "申请数量",
    "予以公开",
    "国家秘密",
    "总计",
    "合计",
    "继续办理",
    "规章",
    "规范性文件",
    "行政许可",
    "行政处罚",
    "行政强制",
    "收费",
    "集中采购",
];

/// Whether a paragraph may hold a row whose figures are glued to its label: one pass over the
/// bytes, and only where a run of figures starts right after a non-ASCII character, whether a
/// label ending is right before it (a clean document pays one byte loop per paragraph, not a
/// search per ending).
fn suspect(text: &str) -> bool {
    glued_run(text, |before| GLUED.iter().any(|g| before.ends_with(g)))
}

/// Whether a run of figures starts right after a non-ASCII character whose text before it
/// passes `label`. On a page known to hold glued rows, every such paragraph is scanned (a
/// crawl that kept a line per row has rows whose label ends in no word of [`GLUED`]).
fn glued_run(text: &str, label: impl Fn(&str) -> bool) -> bool {
    let b = text.as_bytes();
    // The first byte of a run, tested first: it rules out almost every position.
    (1..b.len()).any(|i| {
        matches!(b[i], b'0'..=b'9' | b'/' | b'-' | 0xEF | 0xE2)
            && b[i - 1] >= 0x80
            && run_starts(&b[i..])
            && label(&text[..i])
    })
}

/// Whether a paragraph without a run may name a table for [`Scan::mark`]: a line of a header
/// or a caption (short: a paragraph of prose that mentions 尚未审结 is not one) with a word
/// of one that normalising leaves as it is, tested before anything is normalised.
fn might_mark(text: &str) -> bool {
    text.len() <= 600
        && [
            "第二十条",
            "信息内容",
            "申请人情况",
            "自然人",
            "勾稽",
            "维持",
            "审结",
            "起诉",
        ]
        .iter()
        .any(|w| text.contains(w))
}

/// Whether a run of figures starts at the beginning of `b`: a digit, or blank markers (`/`,
/// `-`, `—`, `–`, full-width `／`) and spaces before one, as when a row's first cells are not
/// applicable (`行政许可//1523`); digits may be full width. A marker with no digit after it is
/// no run (`规章/规范性文件`). A space right after the label is not a run's start: prose
/// (`规章 22 件`) and table rows already split (`行政许可 0`) have it, and a crawled page
/// that kept such spaces has other runs glued to their labels.
fn run_starts(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        match b[i..] {
            [d, ..] if d.is_ascii_digit() => return true,
            // Full-width digits.
            [0xEF, 0xBC, 0x90..=0x99, ..] => return true,
            [b' ', ..] if i == 0 => return false,
            [b'/' | b'-' | b' ', ..] => i += 1,
            // `／`, `–`, `—`.
            [0xEF, 0xBC, 0x8F, ..] | [0xE2, 0x80, 0x93 | 0x94, ..] => i += 3,
            _ => return false,
        }
    }
    false
}

/// The tables the document already has as tables: their rows are not taken from text.
fn existing_tables(doc: &Document) -> [bool; 3] {
    let mut have = [false; 3];
    for b in &doc.blocks {
        let Block::Table(t) = b else { continue };
        for c in t.rows.iter().flatten() {
            let n = norm(&c.text);
            if n.len() > 200 {
                continue;
            }
            have[0] |= norm::t2_caption(&n).is_some() || norm::t2_row(&n).is_some();
            have[1] |= n.contains("予以公开") || n.contains("上年结转");
            have[2] |= n.contains("结果维持") || n.contains("尚未审结");
        }
    }
    have
}

/// The normal form labels are matched in ([`norm`]), but with runs of white space kept as one
/// space: a space left between two figures is a cell boundary.
fn spaced_norm(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        let n = norm(w);
        if n.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&n);
    }
    out
}

/// Which table a run belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    T2(T2Row),
    T3(T3Row),
    T4,
}

impl Target {
    fn table(self) -> usize {
        match self {
            Target::T2(_) => 0,
            Target::T3(_) => 1,
            Target::T4 => 2,
        }
    }
}

/// A row found in the text: its label, its run of figures as printed and where it was.
#[derive(Debug, Clone)]
struct Found {
    target: Target,
    label: String,
    run: String,
    unit: Option<&'static str>,
    source: Source,
    /// Table 二 columns named by the header text before the row's block, if any.
    header: Vec<T2Col>,
}

#[derive(Debug)]
enum Piece {
    Text(String),
    Row(usize),
}

#[derive(Debug, Default)]
struct Scan {
    existing: [bool; 3],
    /// The table whose header or caption was seen last (0, 1, 2), if any.
    region: Option<usize>,
    /// Table 四's header was seen since its run was last looked for.
    t4_header: bool,
    t2_header: Vec<T2Col>,
    rows: Vec<Found>,
    /// Evidence for the format: (2019, 2021).
    votes: [usize; 2],
}

fn is_run_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ' ' | '/' | '-' | '—' | '–' | '+' | '.')
}

const UNITS: &[&str] = &["万元", "亿元", "万", "亿", "元"];

impl Scan {
    /// Splits one (normalised) paragraph into text and rows.
    fn paragraph(&mut self, n: &str, source: Source) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let mut seg = 0;
        let mut marked = 0;
        let mut i = 0;
        while i < n.len() {
            let Some(off) =
                n[i..].find(|c: char| c.is_ascii_digit() || matches!(c, '/' | '-' | '—' | '–'))
            else {
                break;
            };
            let start = i + off;
            // A run starts right after a label character (spaces between are allowed).
            let before = n[..start].trim_end_matches(' ');
            let glued = before.chars().next_back().is_some_and(|c| !is_run_char(c));
            let mut end = start
                + n[start..]
                    .find(|c: char| !is_run_char(c))
                    .unwrap_or(n.len() - start);
            if !glued {
                i = end.max(start + 1);
                continue;
            }
            // An ordinal of the next label (`2.其他法律…`, `3、…`) ends the run: the run's last
            // digit belongs to the label after it.
            let mut run_end = n[start..end].trim_end_matches(' ').len() + start;
            let next = n[end..].chars().next();
            if n[start..run_end].ends_with('.') || next == Some('、') {
                let body = n[start..run_end].trim_end_matches('.');
                if body.ends_with(|c: char| c.is_ascii_digit()) {
                    run_end = start + body.len() - 1;
                    end = run_end;
                }
            }
            let run = n[start..run_end].trim_end_matches(' ');
            // Blank markers alone are no row: a label path's `/`, a dash in prose.
            if !run.chars().any(|c| c.is_ascii_digit()) {
                i = end.max(start + 1);
                continue;
            }
            // Region markers in the text since the last look.
            self.mark(&n[marked.max(seg)..start]);
            marked = start;
            let rest = &n[start + run.len()..];
            let unit = UNITS.iter().copied().find(|u| rest.starts_with(u));
            let prose = rest.starts_with([
                '件', '个', '项', '条', '次', '人', '家', '宗', '年', '月', '日', '%', '名', '份',
                '余',
            ]);
            let label_end = before.len();
            let accepted = if prose || label_end < seg {
                None
            } else {
                self.label(&n[seg..label_end], unit.is_some())
                    .map(|(t, rel)| (t, seg + rel))
            };
            match accepted {
                Some((target, label_start)) => {
                    if label_start > seg {
                        pieces.push(Piece::Text(n[seg..label_start].to_owned()));
                    }
                    let label = n[label_start..label_end].to_owned();
                    let header = match target {
                        Target::T2(_) => self.t2_header.clone(),
                        _ => Vec::new(),
                    };
                    pieces.push(Piece::Row(self.rows.len()));
                    self.rows.push(Found {
                        target,
                        label,
                        run: run.to_owned(),
                        unit,
                        source,
                        header,
                    });
                    let after = start + run.len() + unit.map_or(0, str::len);
                    seg = after;
                    marked = after;
                    i = after;
                }
                None => i = end.max(start + 1),
            }
        }
        if seg < n.len() {
            pieces.push(Piece::Text(n[seg..].to_owned()));
        }
        pieces
    }

    /// Table 四's run on a line of its own right under its header (no label glued to it: the
    /// header is its label).
    fn bare_t4(&mut self, text: &str, source: Source) -> Option<Piece> {
        let t = text.trim();
        if !t.starts_with(|c: char| c.is_ascii_digit() || c == '/' || c == '-')
            || self.region != Some(2)
            || !self.t4_header
            || self.existing[2]
            || self.rows.iter().any(|r| r.target == Target::T4)
        {
            return None;
        }
        let n = spaced_norm(t);
        if !n.chars().all(is_run_char) || !n.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        self.t4_header = false;
        self.rows.push(Found {
            target: Target::T4,
            label: String::new(),
            run: n.trim().to_owned(),
            unit: None,
            source,
            header: Vec::new(),
        });
        Some(Piece::Row(self.rows.len() - 1))
    }

    /// Notes the table headers and captions a stretch of text names.
    fn mark(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        if norm::t2_caption(t).is_some() || t.contains("信息内容") {
            if self.region.is_none_or(|r| r == 0) {
                self.region = Some(0);
            }
            let cols = norm::t2_cols(t);
            if !cols.is_empty() {
                for &c in &cols {
                    for (k, f) in Format::ALL.iter().enumerate() {
                        if template::t2_blocks(*f)
                            .iter()
                            .any(|b| b.columns.contains(&c))
                            && !template::t2_blocks(Format::ALL[1 - k])
                                .iter()
                                .any(|b| b.columns.contains(&c))
                        {
                            self.votes[k] += 1;
                        }
                    }
                }
                self.t2_header = cols;
            }
        }
        // `自然人` alone is common in prose (为自然人、法人和其他组织…): table 三's header
        // names its columns together.
        let t3_header = t.contains("申请人情况")
            || t.contains("勾稽")
            || (t.contains("自然人") && (t.contains("商业企业") || t.contains("科研机构")));
        if t3_header && self.region.is_none_or(|r| r <= 1) {
            self.region = Some(1);
        }
        if ["结果维持", "尚未审结", "直接起诉", "复议后起诉"]
            .iter()
            .any(|w| t.contains(w))
        {
            self.region = Some(2);
            self.t4_header = true;
        }
    }

    /// The row a label before a run names: (target, byte start of the label). The label is the
    /// shortest end of the text that names a row, so text before it stays text.
    fn label(&mut self, text: &str, has_unit: bool) -> Option<(Target, usize)> {
        let region = self.region?;
        if self.existing[region] {
            return None;
        }
        if region == 2 {
            if !self.t4_header || has_unit || self.rows.iter().any(|r| r.target == Target::T4) {
                return None;
            }
            self.t4_header = false;
            let ends = ["总计", "合计", "审结", "结果"];
            return ends
                .iter()
                .any(|e| text.ends_with(e))
                .then_some((Target::T4, text.len()));
        }
        let bounds: Vec<usize> = text.char_indices().rev().map(|(i, _)| i).take(40).collect();
        for &b in &bounds {
            let suffix = &text[b..];
            let target = if region == 0 {
                norm::t2_row(suffix).map(Target::T2)
            } else {
                if has_unit {
                    return None;
                }
                norm::t3_row(suffix, true).map(Target::T3)
            };
            let Some(target) = target else { continue };
            if self.rows.iter().any(|r| r.target == target) || !label_tail(target, suffix) {
                return None;
            }
            match target {
                Target::T2(T2Row::OtherExternalServices | T2Row::CentralProcurement) => {
                    self.votes[0] += 1;
                }
                Target::T3(T3Row::ROther) => self.votes[0] += 1,
                Target::T3(T3Row::OpNoCorrection | T3Row::OpFeeUnpaid) => self.votes[1] += 1,
                _ => {}
            }
            if target == Target::T2(T2Row::NormativeDocs) && suffix.ends_with("行政规范性文件")
            {
                self.votes[1] += 1;
            }
            // The whole printed label when the text has it, then its ordinal.
            let printed = match target {
                Target::T2(r) => template::t2_row_label(Format::F2021, r),
                Target::T3(r) => template::t3_row_label(r),
                Target::T4 => "",
            };
            let printed = norm(printed);
            let printed = norm::strip_ordinal(&printed);
            let b =
                if !printed.is_empty() && text.ends_with(printed) && text.len() - printed.len() < b
                {
                    text.len() - printed.len()
                } else {
                    b
                };
            return Some((target, with_ordinal(text, b)));
        }
        None
    }

    fn format(&self) -> Option<Format> {
        match self.votes {
            [a, b] if a > b => Some(Format::F2019),
            [a, b] if b > a => Some(Format::F2021),
            _ => None,
        }
    }
}

/// Whether the text after a label's distinctive core, up to the run, is still the label: the
/// printed label's own end, or a few characters of drift, not a sentence (`政府采购项目信息
/// 2536条。(10)` is prose, not the 政府集中采购 row).
fn label_tail(target: Target, suffix: &str) -> bool {
    let printed = match target {
        Target::T2(r) => {
            norm(template::t2_row_label(Format::F2019, r))
                + "|"
                + &norm(template::t2_row_label(Format::F2021, r))
        }
        Target::T3(r) => norm(template::t3_row_label(r)),
        Target::T4 => return true,
    };
    if printed.split('|').any(|p| p.ends_with(suffix)) {
        return true;
    }
    suffix.chars().count() <= 12
        && !suffix.contains(|c: char| {
            c.is_ascii_digit() || matches!(c, '。' | ';' | ':' | '!' | '?' | '(' | ')' | ',')
        })
}

/// Moves a label's start back over its ordinal (`（一）`, `一、`, `1.`), for the label cell.
fn with_ordinal(text: &str, start: usize) -> usize {
    let head = &text[..start];
    if let Some(h) = head.strip_suffix(')')
        && let Some(open) = h.rfind('(')
        && h.len() - open <= 1 + 3 * 3
    {
        return open;
    }
    if let Some(h) = head.strip_suffix('、').or_else(|| head.strip_suffix('.')) {
        let ord = h
            .char_indices()
            .rev()
            .take_while(|&(_, c)| "一二三四五六七八九十".contains(c) || c.is_ascii_digit())
            .last()
            .map(|(i, _)| i);
        if let Some(o) = ord {
            return o;
        }
    }
    start
}

// ---------------------------------------------------------------------------------------------
// Runs and their splits.

/// What a cell may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spec {
    Count,
    /// 2019 `本年增/减`: a count that may carry a sign.
    Signed,
    /// A decimal amount; the run's unit goes with it when it is the last cell.
    Money,
    /// A count equal to the sum of the cells `a..b` when they all hold figures.
    Sum(usize, usize),
}

/// A piece of a run: figures between separators, or blank markers (`/`, `-`, `——`). A `/` is
/// always a cell (the statutory blank, spec §4: 不适用 or nothing to report), never a separator
/// between figures: a page that printed one between every two figures would give more cells
/// than the row has, and no split fits.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Digits { s: String, sign: Option<char> },
    Blank { min: usize, max: usize },
}

/// One cell of a split: a figure (token, byte range in it, whether the token's sign is part of
/// it, and its value when a count) or a blank marker (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cv {
    tok: usize,
    start: usize,
    end: usize,
    sign: bool,
    val: i128,
}

type Split = Vec<Option<Cv>>;

/// The tokens of a run; `None` when it holds something no cell can (a `+` without a figure).
fn tokens(run: &str, signed: bool) -> Option<Vec<Tok>> {
    let mut toks = Vec::new();
    let chars: Vec<char> = run.chars().collect();
    let mut i = 0;
    let mut sign = None;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || c == '.' {
            let mut s = String::new();
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                s.push(chars[i]);
                i += 1;
            }
            toks.push(Tok::Digits {
                s,
                sign: sign.take(),
            });
            continue;
        }
        if sign.is_some() {
            return None;
        }
        match c {
            ' ' => i += 1,
            '/' => {
                toks.push(Tok::Blank { min: 1, max: 1 });
                i += 1;
            }
            '+' => {
                if !signed || !chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                    return None;
                }
                sign = Some('+');
                i += 1;
            }
            _ => {
                let k = chars[i..]
                    .iter()
                    .take_while(|c| matches!(c, '-' | '—' | '–'))
                    .count();
                if signed
                    && k == 1
                    && c == '-'
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    sign = Some('-');
                } else {
                    toks.push(Tok::Blank {
                        min: k.div_ceil(2),
                        max: k,
                    });
                }
                i += k;
            }
        }
    }
    Some(toks)
}

struct Search<'a> {
    toks: &'a [Tok],
    specs: &'a [Spec],
    out: Vec<Split>,
    cap: usize,
    budget: &'a mut Budget,
    /// The cap or the budget was reached: the splits found are not all of them.
    overflow: bool,
    /// Fewest and most cells the tokens from each index on can fill.
    min_after: Vec<usize>,
    max_after: Vec<usize>,
    /// Digits of the tokens from each index on, and whether a blank marker is among them.
    digits_after: Vec<usize>,
    blank_after: Vec<bool>,
}

impl<'a> Search<'a> {
    fn new(toks: &'a [Tok], specs: &'a [Spec], cap: usize, budget: &'a mut Budget) -> Self {
        let mut min_after = vec![0; toks.len() + 1];
        let mut max_after = vec![0; toks.len() + 1];
        let mut digits_after = vec![0; toks.len() + 1];
        let mut blank_after = vec![false; toks.len() + 1];
        for (i, t) in toks.iter().enumerate().rev() {
            let (lo, hi) = match t {
                Tok::Digits { s, .. } => (1, s.len()),
                Tok::Blank { min, max } => (*min, *max),
            };
            min_after[i] = min_after[i + 1] + lo;
            max_after[i] = max_after[i + 1] + hi;
            digits_after[i] = digits_after[i + 1] + if let Tok::Digits { .. } = t { hi } else { 0 };
            blank_after[i] = blank_after[i + 1] || matches!(t, Tok::Blank { .. });
        }
        Search {
            toks,
            specs,
            out: Vec::new(),
            cap,
            budget,
            overflow: false,
            min_after,
            max_after,
            digits_after,
            blank_after,
        }
    }

    fn run(mut self) -> (Vec<Split>, bool) {
        let mut cur = vec![None; self.specs.len()];
        self.dfs(0, 0, 0, &mut cur);
        (self.out, self.overflow)
    }

    fn dfs(&mut self, ti: usize, pos: usize, ci: usize, cur: &mut Split) {
        if self.overflow {
            return;
        }
        if !self.budget.tick() {
            self.overflow = true;
            return;
        }
        let n = self.specs.len();
        if ti == self.toks.len() {
            if ci == n {
                if self.out.len() >= self.cap {
                    self.overflow = true;
                } else {
                    self.out.push(cur.clone());
                }
            }
            return;
        }
        let left = n - ci;
        let (lo, hi) = match &self.toks[ti] {
            Tok::Digits { s, .. } => (1, s.len() - pos),
            Tok::Blank { min, max } => (*min, *max),
        };
        if left < lo + self.min_after[ti + 1] || left > hi + self.max_after[ti + 1] {
            return;
        }
        match &self.toks[ti] {
            Tok::Blank { min, max } => {
                for k in *min..=*max {
                    if ci + k > n {
                        break;
                    }
                    for c in &mut cur[ci..ci + k] {
                        *c = None;
                    }
                    self.dfs(ti + 1, 0, ci + k, cur);
                }
            }
            Tok::Digits { s, sign } => {
                let spec = self.specs[ci];
                let signed_here = pos == 0 && sign.is_some();
                if signed_here && spec != Spec::Signed {
                    return;
                }
                if let Spec::Sum(a, b) = spec
                    && let Some(sum) = sum_of(&cur[a..b])
                {
                    // The total is the sum: its digits are fixed, nothing to choose.
                    let want = sum.to_string();
                    if s[pos..].starts_with(&want) {
                        let end = pos + want.len();
                        cur[ci] = Some(Cv {
                            tok: ti,
                            start: pos,
                            end,
                            sign: false,
                            val: sum,
                        });
                        let (nt, np) = if end == s.len() {
                            (ti + 1, 0)
                        } else {
                            (ti, end)
                        };
                        self.dfs(nt, np, ci + 1, cur);
                    }
                    return;
                }
                let max = if spec == Spec::Money {
                    MAX_MONEY
                } else {
                    MAX_DIGITS
                };
                for len in 1..=max.min(s.len() - pos) {
                    let piece = &s[pos..pos + len];
                    let Some(val) = piece_value(piece, spec) else {
                        if piece.contains('.') && spec != Spec::Money {
                            break;
                        }
                        continue;
                    };
                    let val = if signed_here && *sign == Some('-') {
                        -val
                    } else {
                        val
                    };
                    let end = pos + len;
                    cur[ci] = Some(Cv {
                        tok: ti,
                        start: pos,
                        end,
                        sign: signed_here,
                        val,
                    });
                    // A group's total is at least the sum of its cells so far: when no blank
                    // marker is left to stand for it, the digits left must hold it (as many
                    // digits as that sum) and one digit for every other cell still to come.
                    // Longer cells only make this worse, hence the break.
                    if let Some(sum_at) =
                        (ci + 1..n).find(|&k| matches!(self.specs[k], Spec::Sum(a, _) if a <= ci))
                        && !self.blank_after[ti]
                        && let Spec::Sum(a, _) = self.specs[sum_at]
                        && let Some(p) = sum_of(&cur[a..=ci])
                        && p >= 0
                    {
                        let left = s.len() - end + self.digits_after[ti + 1];
                        let p_len = p.checked_ilog10().map_or(1, |l| l as usize + 1);
                        if left < (n - ci - 2) + p_len {
                            break;
                        }
                    }
                    let (nt, np) = if end == s.len() {
                        (ti + 1, 0)
                    } else {
                        (ti, end)
                    };
                    self.dfs(nt, np, ci + 1, cur);
                    if self.overflow {
                        return;
                    }
                }
            }
        }
    }
}

/// The value of a cell's text for its kind (0 for money, which takes part in no sum); `None`
/// when the text cannot be that cell: a leading zero, a misplaced decimal point.
fn piece_value(piece: &str, spec: Spec) -> Option<i128> {
    let b = piece.as_bytes();
    if b.first() == Some(&b'.') || b.last() == Some(&b'.') {
        return None;
    }
    if spec == Spec::Money {
        let dots = b.iter().filter(|&&c| c == b'.').count();
        if dots > 1 || (b[0] == b'0' && b.len() > 1 && b[1] != b'.') {
            return None;
        }
        return Some(0);
    }
    if b.contains(&b'.') || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    piece.parse().ok()
}

fn sum_of(cells: &[Option<Cv>]) -> Option<i128> {
    cells
        .iter()
        .try_fold(0i128, |acc, c| c.map(|c| acc + c.val))
}

/// All splits of a run into cells of `specs`, capped: (splits, whether some were not found).
/// A row with totals is split only where its totals add up, even when the lengths alone allow
/// one split (seven digits for seven cells): a dropped empty cell would make that split wrong.
fn splits(run: &str, specs: &[Spec], unit: bool, budget: &mut Budget) -> (Vec<Split>, bool) {
    budget.start_row();
    if unit && specs.last() != Some(&Spec::Money) {
        return (Vec::new(), false);
    }
    let signed = specs.contains(&Spec::Signed);
    let Some(toks) = tokens(run, signed) else {
        return (Vec::new(), false);
    };
    if let Some(found) = grouped(&toks, specs, budget) {
        return found;
    }
    Search::new(&toks, specs, ROW_SPLITS, budget).run()
}

/// A run of digits only, its blocks joined: stray spaces between blocks are certain cell
/// boundaries, so no cell spans the start of a block.
struct Blocks {
    s: Vec<u8>,
    /// Where each block starts in `s`.
    starts: Vec<usize>,
    /// For each position, the first block start after it (or the end): a cell from there ends
    /// no later.
    next_cut: Vec<usize>,
    /// For each position, the last block start before it: a cell ending there starts no
    /// earlier.
    prev_cut: Vec<usize>,
    /// Digit sums of each prefix, modulo 9.
    ds9: Vec<u32>,
}

impl Blocks {
    /// `None` unless every token is a block of digits without a sign.
    fn new(toks: &[Tok]) -> Option<Blocks> {
        let mut s: Vec<u8> = Vec::new();
        let mut starts: Vec<usize> = Vec::with_capacity(toks.len());
        for t in toks {
            let Tok::Digits { s: d, sign: None } = t else {
                return None;
            };
            starts.push(s.len());
            s.extend_from_slice(d.as_bytes());
        }
        if starts.is_empty() {
            return None;
        }
        let n = s.len();
        let mut next_cut = vec![n; n + 1];
        let mut prev_cut = vec![0; n + 1];
        for i in (0..n).rev() {
            next_cut[i] = if starts.contains(&(i + 1)) {
                i + 1
            } else {
                next_cut[i + 1]
            };
        }
        for i in 1..=n {
            prev_cut[i] = if starts.contains(&(i - 1)) && i > 1 {
                i - 1
            } else {
                prev_cut[i - 1]
            };
        }
        let mut ds9 = vec![0u32; n + 1];
        for i in 0..n {
            ds9[i + 1] = (ds9[i] + u32::from(s[i].wrapping_sub(b'0'))) % 9;
        }
        Some(Blocks {
            s,
            starts,
            next_cut,
            prev_cut,
            ds9,
        })
    }

    /// The count `s[a..b]`, `None` with a leading zero.
    fn value(&self, a: usize, b: usize) -> Option<i128> {
        if b - a > 1 && self.s[a] == b'0' {
            return None;
        }
        Some(
            self.s[a..b]
                .iter()
                .fold(0i128, |v, &d| v * 10 + i128::from(d - b'0')),
        )
    }

    /// The digit sum of `s[a..b]` modulo 9.
    fn ds9(&self, a: usize, b: usize) -> i128 {
        i128::from((self.ds9[b] + 9 - self.ds9[a]) % 9)
    }

    fn cv(&self, a: usize, b: usize, val: i128) -> Cv {
        let tok = self.starts.partition_point(|&st| st <= a) - 1;
        Cv {
            tok,
            start: a - self.starts[tok],
            end: b - self.starts[tok],
            sign: false,
            val,
        }
    }
}

/// One group's cells and total found at a start: the cells' bounds, `[start, cuts…, total's
/// start, end]` (`k + 2` of them for `k` cells).
type GroupSplit = [u16; 9];

/// The splits of a row made of groups, each some counts followed by their total (table 三's
/// row: six columns and 总计; table 四: three groups of four cells and a total), when all its
/// figures are run together (one block of digits, or a few blocks where stray spaces are
/// certain cell boundaries). `None` when the row is not of that shape.
///
/// Each group is searched from its total: each place and length of the total fixes the sum its
/// cells must reach. Three facts keep this to a few hundred steps a group where a plain search
/// takes tens of thousands (a large agency's five-digit counts):
/// - a number is congruent to its digit sum modulo 9, so whatever the split, a group's cells
///   add up to the digit sum of their digits modulo 9: most places of the total fail this at
///   once;
/// - no cell is longer than its total (it is at most the total);
/// - meet in the middle: the first half of the cells and the second half are enumerated apart
///   and joined where they meet at the same digit with sums adding up to the total, so the
///   cost grows with the square (table 四) or cube (table 三) of the total's length, not its
///   fourth or sixth power.
///
/// The groups are chained by where each ends, and the splits of a group from a given start are
/// found once however many splits of the groups before end there.
fn grouped(toks: &[Tok], specs: &[Spec], budget: &mut Budget) -> Option<(Vec<Split>, bool)> {
    // The groups: (index of the first cell, number of cells before the total).
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < specs.len() {
        let k = specs[i..].iter().take_while(|&&s| s == Spec::Count).count();
        if !(2..=7).contains(&k) || specs.get(i + k) != Some(&Spec::Sum(i, i + k)) {
            return None;
        }
        groups.push((i, k));
        i += k + 1;
    }
    let b = Blocks::new(toks)?;
    let n = b.s.len();
    // A decimal point is in no count; more digits than the cells can hold fits no split.
    if b.s.contains(&b'.') || n > specs.len() * MAX_DIGITS {
        return Some((Vec::new(), false));
    }
    // Digits the groups from each one on need at least.
    let mut min_from = vec![0; groups.len() + 1];
    for g in (0..groups.len()).rev() {
        min_from[g] = min_from[g + 1] + groups[g].1 + 1;
    }
    let mut chain = Chain {
        b: &b,
        groups: &groups,
        min_from: &min_from,
        memo: HashMap::new(),
        path: Vec::with_capacity(groups.len()),
        out: Vec::new(),
        overflow: false,
        budget,
    };
    chain.from(0, 0);
    Some((chain.out, chain.overflow))
}

/// The groups of a row chained by where each ends.
struct Chain<'a> {
    b: &'a Blocks,
    /// (index of the first cell, number of cells before the total).
    groups: &'a [(usize, usize)],
    /// Digits the groups from each one on need at least.
    min_from: &'a [usize],
    /// The splits of group `g` from digit `p`, found once.
    memo: HashMap<(usize, usize), Vec<GroupSplit>>,
    /// The splits of the groups before the current one.
    path: Vec<GroupSplit>,
    out: Vec<Split>,
    /// The cap or the budget was reached: the splits found are not all of them.
    overflow: bool,
    budget: &'a mut Budget,
}

impl Chain<'_> {
    /// The splits of the groups from `g` on, starting at digit `p`, after the groups of
    /// `path`: each complete one is pushed to `out` as a row's split.
    fn from(&mut self, g: usize, p: usize) {
        let b = self.b;
        let n = b.s.len();
        if self.overflow {
            return;
        }
        if g == self.groups.len() {
            if p == n {
                if self.out.len() >= ROW_SPLITS {
                    self.overflow = true;
                    return;
                }
                let mut split: Split = Vec::new();
                for (gs, &(_, k)) in self.path.iter().zip(self.groups) {
                    for w in gs[..k + 2].windows(2) {
                        let (x, y) = (usize::from(w[0]), usize::from(w[1]));
                        split.push(Some(b.cv(x, y, b.value(x, y).unwrap_or_default())));
                    }
                }
                self.out.push(split);
            }
            return;
        }
        let k = self.groups[g].1;
        let ends = match self.memo.entry((g, p)) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(e) => {
                // This group ends where the groups after it still fit.
                let (lo, hi) = if g + 1 == self.groups.len() {
                    (n, n)
                } else {
                    (p + k + 1, n.saturating_sub(self.min_from[g + 1]))
                };
                let mut found = Vec::new();
                if !group_splits(b, p, k, lo, hi, self.budget, &mut found) {
                    self.overflow = true;
                    return;
                }
                e.insert(found).clone()
            }
        };
        for gs in ends {
            self.path.push(gs);
            self.from(g + 1, usize::from(gs[k + 1]));
            self.path.pop();
        }
    }
}

/// Half of a group's cells: where they end (or start, laid backwards), their sum, their bounds.
type Half = (usize, i128, GroupSplit);

/// Every way to lay `cells` cells from `seed` (a digit and the bounds so far), depth first:
/// `grow` gives the ways to lay one more cell after a partial one (position, cells laid, sum,
/// bounds). False when the budget ran out.
fn lay(
    seed: (usize, GroupSplit),
    cells: usize,
    budget: &mut Budget,
    out: &mut Vec<Half>,
    grow: impl Fn(usize, usize, i128, GroupSplit, &mut Vec<(usize, usize, i128, GroupSplit)>),
) -> bool {
    let mut stack = vec![(seed.0, 0, 0, seed.1)];
    while let Some((pos, j, sum, cuts)) = stack.pop() {
        if !budget.tick() {
            return false;
        }
        if j == cells {
            out.push((pos, sum, cuts));
        } else {
            grow(pos, j, sum, cuts, &mut stack);
        }
    }
    true
}

/// Every split of one group of `k` cells and their total starting at digit `p` and ending
/// between `lo` and `hi` (inclusive), into `found`; false when the budget ran out.
fn group_splits(
    b: &Blocks,
    p: usize,
    k: usize,
    lo: usize,
    hi: usize,
    budget: &mut Budget,
    found: &mut Vec<GroupSplit>,
) -> bool {
    let h = k / 2;
    let r = k - h;
    for t in 1..=MAX_DIGITS {
        // The first `h` cells from the start, at most `t` digits each: (end, sum, cuts). The
        // same for every place of a total of `t` digits.
        let mut left: Vec<Half> = Vec::new();
        let mut start = [0u16; 9];
        start[0] = p as u16;
        let mut built = false;
        // The total `[ts, e)`: `t` digits, the cells before it at least one digit and at most
        // `t` each.
        let e_lo = lo.max(p + k + t);
        let e_hi = hi.min(p + k * t + t);
        if e_lo > e_hi {
            continue;
        }
        let (ts_lo, ts_hi) = (e_lo - t, e_hi - t);
        for e in e_lo..=e_hi {
            let ts = e - t;
            if e > b.next_cut[ts] {
                continue;
            }
            let Some(total) = b.value(ts, e) else {
                continue;
            };
            if b.ds9(p, ts) != total % 9 {
                continue;
            }
            if !built {
                built = true;
                // The sums no total can reach: this one's when it is the only place (the last
                // group), else any of `t` digits.
                let ceiling = if e_lo == e_hi {
                    total + 1
                } else {
                    10i128.pow(t as u32)
                };
                let grow =
                    |pos: usize, j: usize, sum: i128, cuts: GroupSplit, next: &mut Vec<_>| {
                        // The cells after this one need at least a digit and at most `t` each
                        // before the total starts.
                        let after = k - j - 1;
                        for e in pos + 1..=b.next_cut[pos].min(pos + t).min(ts_hi - after) {
                            let Some(v) = b.value(pos, e) else { break };
                            // Longer cells only make the sum larger.
                            if sum + v >= ceiling {
                                break;
                            }
                            if ts_lo > e + after * t {
                                continue;
                            }
                            let mut c = cuts;
                            c[j + 1] = e as u16;
                            next.push((e, j + 1, sum + v, c));
                        }
                    };
                if !lay((p, start), h, budget, &mut left, grow) {
                    return false;
                }
                left.sort_unstable_by_key(|&(e, sum, _)| (e, sum));
            }
            // The last `r` cells back from the total: (start, sum, cuts).
            let mut right: Vec<Half> = Vec::new();
            let mut end = [0u16; 9];
            end[k] = ts as u16;
            end[k + 1] = e as u16;
            let grow = |pos: usize, j: usize, sum: i128, cuts: GroupSplit, next: &mut Vec<_>| {
                // The cells still to the left need at least one digit and at most `t` each.
                let before = k - j - 1;
                let start_min = b.prev_cut[pos].max(pos.saturating_sub(t)).max(p + before);
                let start_max = pos.min(p + before * t + 1);
                for st in (start_min..start_max).rev() {
                    let Some(v) = b.value(st, pos) else { continue };
                    if sum + v > total {
                        break;
                    }
                    let mut c = cuts;
                    c[k - j - 1] = st as u16;
                    next.push((st, j + 1, sum + v, c));
                }
            };
            if !lay((ts, end), r, budget, &mut right, grow) {
                return false;
            }
            for &(q, sr, rc) in &right {
                let need = (q, total - sr);
                let at = left.partition_point(|&(e, sum, _)| (e, sum) < need);
                for &(_, _, lc) in left[at..]
                    .iter()
                    .take_while(|&&(e, sum, _)| (e, sum) == need)
                {
                    if !budget.tick() {
                        return false;
                    }
                    let mut gs = rc;
                    gs[..=h].copy_from_slice(&lc[..=h]);
                    found.push(gs);
                }
            }
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Solving the tables.

/// What each cell of each row is: `Some(text)` when every consistent split agrees on it
/// (`"/"` for a blank marker), `None` when it is undetermined.
type Cells = Vec<Vec<Option<String>>>;

fn specs_of(found: &Found, format: Option<Format>) -> Option<(Vec<Spec>, Vec<CellKey>)> {
    match found.target {
        Target::T3(r) => {
            let mut specs = vec![Spec::Count; 6];
            specs.push(Spec::Sum(0, 6));
            let keys = Applicant::ALL.iter().map(|&a| CellKey::T3(r, a)).collect();
            Some((specs, keys))
        }
        Target::T4 => {
            let mut specs = Vec::with_capacity(15);
            for g in 0..3 {
                specs.extend([Spec::Count; 4]);
                specs.push(Spec::Sum(5 * g, 5 * g + 4));
            }
            let keys = T4Col::ALL.iter().map(|&c| CellKey::T4(c)).collect();
            Some((specs, keys))
        }
        Target::T2(r) => {
            let block = template::t2_blocks(format?)
                .iter()
                .find(|b| b.rows.contains(&r))?;
            let cols: Vec<T2Col> = if found.header.len() == block.columns.len()
                && found.header.iter().all(|c| block.columns.contains(c))
            {
                found.header.clone()
            } else {
                block.columns.to_vec()
            };
            let specs = cols
                .iter()
                .map(|&c| match CellKey::T2(r, c).kind() {
                    template::CellKind::Count => Spec::Count,
                    template::CellKind::SignedCount => Spec::Signed,
                    template::CellKind::Money(_) => Spec::Money,
                })
                .collect();
            Some((specs, cols.iter().map(|&c| CellKey::T2(r, c)).collect()))
        }
    }
}

/// The text of a cell of a split.
fn cell_text(run_toks: &[Tok], cv: Option<Cv>, unit: Option<&str>, last: bool) -> String {
    let Some(cv) = cv else {
        return "/".to_owned();
    };
    let Tok::Digits { s, sign } = &run_toks[cv.tok] else {
        return String::new();
    };
    let mut t = String::new();
    if cv.sign
        && let Some(c) = sign
    {
        t.push(*c);
    }
    t.push_str(&s[cv.start..cv.end]);
    if last && let Some(u) = unit {
        t.push_str(u);
    }
    t
}

/// Splits every row, then narrows table 三's rows by its cross-row equalities, and says in a
/// warning what stays undetermined.
fn solve(
    rows: &[Found],
    format: Option<Format>,
    budget: &mut Budget,
    warnings: &mut Vec<String>,
) -> Cells {
    let shown = format.unwrap_or(Format::F2021);
    let mut cands: Vec<Option<Candidates>> = Vec::with_capacity(rows.len());
    for f in rows {
        let Some((specs, keys)) = specs_of(f, format) else {
            warnings.push(format!(
                "{}：表二“{}”后的数字“{}”：未能确定报告格式，未拆分",
                f.source, f.label, f.run
            ));
            cands.push(None);
            continue;
        };
        cands.push(Some(candidates(f, specs, keys, budget)));
    }
    // Doubt. A crawler drops an empty cell without a trace (`77|空|5` becomes `775`), and then
    // a split that adds up may still be wrong. A run too short for its cells shows that the
    // page drops empty cells: no table of it is split.
    //
    // The rule is never a wrong figure, and every doubt below is only that a cell may have
    // vanished. A row whose run cannot be laid out as fewer cells than it has lost none,
    // whatever the rest of the page did ([`no_cell_vanished`]): a row that lost a cell is its
    // other figures run together, a laying of fewer cells, and the fewest cells a run can hold
    // (each leading 0 of a block a cell of its own, since no figure but 0 and money such as
    // 0.5 starts with 0, the rest of the block one figure) is at most that. With no cell
    // vanished, what the page printed is a laying of the run as the row's cells, so it is among
    // the splits found (those of a row with totals, of table 三 or 四, still add up), and a cell
    // on which they all agree is the printed one, as on a page that vouches for itself. So a
    // row left empty only because its table is in doubt is read on its own when its run cannot
    // hold fewer cells (and only then: otherwise the row is split as usual); `alone` marks it.
    // Table 三's `0000000` (seven zeros, one laying) is read on a page in doubt; `0000099` is
    // not (0|0|空|0|0|0|99 runs so, and adds up as 0|0|0|0|0|9|9).
    let mut short = None;
    let mut alone = vec![false; rows.len()];
    let mut alone_in = [false; 5];
    for (i, (f, c)) in rows.iter().zip(&cands).enumerate() {
        let Some(c) = c else { continue };
        let signed = c.specs.contains(&Spec::Signed);
        let toks = tokens(&f.run, signed);
        let room: usize = toks
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|t| match t {
                Tok::Digits { s, .. } => s.len(),
                Tok::Blank { max, .. } => *max,
            })
            .sum();
        if room < c.keys.len() {
            short.get_or_insert((f, room, c.keys.len()));
        }
        alone[i] = toks.is_some_and(|t| no_cell_vanished(&t, c.keys.len()));
        // Which tables have such rows (of table 二, rows of more than one cell: one cell is
        // read anyway unless every table is in doubt).
        alone_in[f.target.table()] |= alone[i];
        alone_in[3] |= alone[i];
        alone_in[4] |= alone[i] && f.target.table() == 0 && c.keys.len() > 1;
    }
    // The clause of a warning that leaves a table (or every table) empty when some of its rows
    // are read on their own (named in a warning of their own below): `alone_in` by table, 3
    // for any table, 4 for table 二's rows of more than one cell.
    let except = |i: usize| {
        if alone_in[i] {
            "（数字不能拆分成更少单元格的行除外，见下）"
        } else {
            ""
        }
    };
    let mut doubt = [false; 3];
    if let Some((f, room, n)) = short {
        doubt = [true; 3];
        warnings.push(format!(
            "{}：{}的数字“{}”只够{room}个单元格，少于{n}个：抓取时丢掉了空白单元格，其余各行的拆分也就无法确定，表格各格留空{}",
            f.source,
            row_name(f, shown),
            f.run,
            except(3)
        ));
    }
    // A row of table 三 or 四 that no split makes add up is a dropped cell or figures printed
    // wrong; table 三's rows that cannot be reconciled likewise.
    let unsplit = |t: Target| {
        rows.iter().zip(&cands).any(|(f, c)| {
            f.target.table() == t.table()
                && c.as_ref()
                    .is_some_and(|c| c.values.is_empty() && !c.overflow)
        })
    };
    let t3_found = rows.iter().any(|f| matches!(f.target, Target::T3(_)));
    let t4_found = rows.iter().any(|f| f.target == Target::T4);
    let t3_unsplit = unsplit(Target::T3(T3Row::RTotal));
    let t4_unsplit = unsplit(Target::T4);
    let t3_over = rows
        .iter()
        .zip(&cands)
        .any(|(f, c)| matches!(f.target, Target::T3(_)) && c.as_ref().is_some_and(|c| c.overflow));
    let cross = if short.is_none() && t3_found {
        cross_rows(rows, &mut cands, budget)
    } else {
        Cross::Done { checked: false }
    };
    // The assumption everything below rests on: a page prints an empty cell the same way in
    // every table. Table 三 split row by row with every cell present, each row's total holding
    // (R2) and R1 and R3 holding across its rows, shows that no cell of this page vanished:
    // with a dropped cell some sum would fail (a run one cell short that still adds up, and
    // in every column, does not happen by chance). Table 四 split with its three totals
    // holding is not such evidence: a table 四 with a vanished cell adds up by chance about
    // one run in a hundred (why it is not read below when table 三 is in doubt), so it vouches
    // only when no cell of it can have vanished ([`no_cell_vanished`]). What the assumption
    // cannot see: a page whose tables 三 and 四 have no empty cell while table 二 has one that
    // vanished.
    let t3_whole = short.is_none()
        && t3_found
        && !t3_unsplit
        && !t3_over
        && cross == Cross::Done { checked: true };
    let t4_whole = short.is_none()
        && t4_found
        && !t4_unsplit
        && rows
            .iter()
            .zip(&cands)
            .any(|(f, c)| f.target == Target::T4 && c.as_ref().is_some_and(|c| !c.overflow));
    if cross == Cross::Cut {
        warnings.push(cut_warning());
    }
    // Table 三 that does not balance: with table 四 showing that the page prints every cell,
    // each row keeps what its own total determines (the cross-row checks cannot narrow it);
    // without that evidence a row that adds up may be one with a dropped cell, and only the
    // rows that cannot hide one (`alone`) are split.
    if short.is_none() && (t3_unsplit || cross == Cross::Unbalanced) {
        if cross == Cross::Unbalanced {
            warnings.push(unbalanced_warning());
        }
        // The rule: never a wrong figure. Table 四 adding up vouches for table 三's rows only
        // when its run cannot hold a vanished cell: otherwise its totals may hold by chance
        // while a table 三 row with a vanished cell adds up by chance too (the two accidents
        // are not independent: both come from the page dropping its empty cells), and that row
        // is read wrong (about one generated page in 30,000: `0000099` read 0|0|0|0|0|9|9 for
        // 0|0|空|0|0|0|99 beside a table 四 `000000000000088` holding 0|0|0|空|88).
        let t4_vouches = t4_whole
            && rows
                .iter()
                .zip(&alone)
                .any(|(f, &a)| f.target == Target::T4 && a);
        if t4_vouches {
            warnings.push(
                "表三本身不平衡：各行只按本行的总计拆分，本行各种拆分一致的单元格照读，其余留空"
                    .to_owned(),
            );
        } else {
            doubt[1] = true;
            warnings.push(format!(
                "表三有一行的数字无法拆分成加总正确的单元格，或各行无法同时满足勾稽关系（可能抓取时丢掉了空白单元格，也可能报告本身的数字不平衡），表四也不能证明本页印出了每个单元格，表三各格留空{}",
                except(1)
            ));
        }
    }
    // Table 四 that adds up while table 三 shows a sign of a dropped cell: fifteen cells and
    // three totals are too few to rule out a dropped cell that happens to add up (about one
    // run in a hundred), so table 四 is not read (nor does it vouch for table 三's rows above),
    // unless no cell of it can have vanished (`alone`).
    if short.is_none() && (t3_unsplit || cross == Cross::Unbalanced) && t4_whole {
        doubt[2] = true;
        warnings.push(format!(
            "表三有一行无法拆分或各行不平衡，可能抓取时丢掉了空白单元格；表四虽能拆分成加总正确的单元格，也可能出于巧合，表四各格留空{}",
            except(2)
        ));
    }
    // Table 四 whose totals do not hold: with table 三 showing that the page prints every cell,
    // the run holds exactly fifteen printed figures, and the splits the lengths allow (no
    // leading zeros) are kept where they all agree.
    if t4_unsplit && short.is_none() {
        if t3_whole {
            for (f, c) in rows.iter().zip(cands.iter_mut()) {
                if f.target == Target::T4 {
                    let keys = T4Col::ALL.iter().map(|&c| CellKey::T4(c)).collect();
                    *c = Some(candidates(f, vec![Spec::Count; 15], keys, budget));
                    warnings.push(format!(
                        "{}：表四的数字“{}”无法拆分成各组总计等于四项之和的单元格（报告本身不平衡）；表三证明本页印出了每个单元格，按数字位数拆分，各种拆分一致的单元格照读",
                        f.source, f.run
                    ));
                }
            }
        } else {
            doubt[2] = true;
            warnings.push(format!(
                "表四的数字无法拆分成加总正确的单元格（可能抓取时丢掉了空白单元格，也可能报告本身的数字不平衡），表三也不能证明本页印出了每个单元格，表四各格留空{}",
                except(2)
            ));
        }
    }
    // Table 二 has no sums: a vanished empty cell cannot be seen in it at all (`77|空|5` reads
    // `7|7|5`). Its runs are split only when table 三 shows that the page prints every cell,
    // or when the run itself cannot hide a vanished cell (`alone`: `规章000`).
    // A row of one cell is its run whatever the page does (a vanished cell leaves no run).
    // `read_alone`: the rows left empty by a doubt but for `alone`, named in a warning.
    let mut read_alone = vec![false; rows.len()];
    if short.is_none() && !t3_whole {
        let mut any = false;
        for (i, (f, c)) in rows.iter().zip(cands.iter_mut()).enumerate() {
            if let (Target::T2(_), Some(c)) = (f.target, c.as_mut())
                && c.keys.len() > 1
            {
                if alone[i] {
                    read_alone[i] = true;
                    continue;
                }
                c.viable.iter_mut().for_each(|v| *v = false);
                c.doubted = true;
                any = true;
            }
        }
        if any {
            warnings.push(format!(
                "表二：空白单元格在抓取文本中无痕迹，无法确定（表三未能完整拆分并满足各项勾稽关系，不能证明本页印出了每个单元格，如“77、空白、5”抓取后成为“775”），表二多格的行留空{}",
                except(4)
            ));
        }
    }
    if doubt.iter().any(|&d| d) {
        for (i, (f, c)) in rows.iter().zip(cands.iter_mut()).enumerate() {
            if doubt[f.target.table()]
                && let Some(c) = c
            {
                if alone[i] {
                    read_alone[i] = true;
                    continue;
                }
                c.viable.iter_mut().for_each(|v| *v = false);
                c.doubted = true;
            }
        }
    }
    if read_alone.contains(&true) {
        let names: Vec<String> = rows
            .iter()
            .zip(&read_alone)
            .filter(|&(_, &a)| a)
            .map(|(f, _)| row_name(f, shown))
            .collect();
        warnings.push(format!(
            "{}的数字不能拆分成更少的单元格（数字除0和0.5之类外不以0开头，开头的每个0只能自成一格），而丢掉了空白单元格的行总能拆分成更少的格：这些行没有丢掉单元格，不论本页其他行如何，照读（表三、表四的行仍须本行的总计成立）",
            names.join("、")
        ));
    }
    let mut out = Vec::with_capacity(rows.len());
    for (f, c) in rows.iter().zip(&cands) {
        let Some(c) = c else {
            out.push(Vec::new());
            continue;
        };
        let n = c.keys.len();
        let live: Vec<usize> = (0..c.texts.len()).filter(|&i| c.viable[i]).collect();
        let mut cells = vec![None; n];
        if !c.overflow && !live.is_empty() {
            for (j, cell) in cells.iter_mut().enumerate() {
                let first = &c.texts[live[0]][j];
                if live.iter().all(|&i| &c.texts[i][j] == first) {
                    *cell = Some(first.clone());
                }
            }
        }
        let open: Vec<CellKey> = (0..n)
            .filter(|&j| cells[j].is_none())
            .map(|j| c.keys[j])
            .collect();
        if !open.is_empty() && !c.doubted {
            let what = row_name(f, shown);
            let names = open
                .iter()
                .map(|&k| format!("“{}”", column_name(shown, k)))
                .collect::<Vec<_>>()
                .join("");
            let why = if c.overflow && c.texts.len() > 1 {
                format!("至少有{}种拆分", c.texts.len())
            } else if c.overflow {
                "拆分的搜索超出了上限".to_owned()
            } else if live.is_empty() {
                "没有一种拆分符合表格结构（每格一个不以0开头的数、行列的总计等于各项之和）"
                    .to_owned()
            } else {
                format!("有{}种拆分都符合表格结构", live.len())
            };
            warnings.push(format!(
                "{}：{what}的数字“{}”连在一起，{why}，无法确定{names}，留空",
                f.source, f.run
            ));
        }
        out.push(cells);
    }
    out
}

/// Whether no cell of a run (its tokens) of `cells` cells can have vanished: it cannot be laid
/// out as fewer cells. A run whose printed cells lost one is a laying of fewer cells (each
/// figure at least a digit, none with a leading zero but `0` itself and money such as `0.5`),
/// so when the fewest cells the run can hold is `cells`, every cell was printed.
fn no_cell_vanished(toks: &[Tok], cells: usize) -> bool {
    fewest_cells(toks) >= cells
}

/// The fewest cells tokens can be laid out as: each leading `0` of a block of digits a cell of
/// its own (the last one not when a `.` follows it: `0.5`), the rest of the block one figure
/// (the digit bound ignored: a lower bound), a blank marker its fewest cells.
fn fewest_cells(toks: &[Tok]) -> usize {
    toks.iter()
        .map(|t| match t {
            Tok::Digits { s, .. } => {
                let zeros = s.bytes().take_while(|&b| b == b'0').count();
                match s.as_bytes().get(zeros) {
                    None => zeros,
                    Some(b'.') => zeros.max(1),
                    Some(_) => zeros + 1,
                }
            }
            Tok::Blank { min, .. } => *min,
        })
        .sum()
}

/// The splits of one row's run into cells of `specs`.
fn candidates(f: &Found, specs: Vec<Spec>, keys: Vec<CellKey>, budget: &mut Budget) -> Candidates {
    let signed = specs.contains(&Spec::Signed);
    let toks = tokens(&f.run, signed).unwrap_or_default();
    let (list, overflow) = splits(&f.run, &specs, f.unit.is_some(), budget);
    let texts: Vec<Vec<String>> = list
        .iter()
        .map(|sp| {
            sp.iter()
                .enumerate()
                .map(|(i, &cv)| cell_text(&toks, cv, f.unit, i + 1 == sp.len()))
                .collect()
        })
        .collect();
    Candidates {
        specs,
        doubted: false,
        keys,
        values: list
            .iter()
            .map(|sp| sp.iter().map(|c| c.map(|c| c.val)).collect())
            .collect(),
        texts,
        overflow,
        viable: vec![true; list.len()],
    }
}

#[derive(Debug)]
struct Candidates {
    specs: Vec<Spec>,
    /// The row's table is not split at all (see the doubt in [`solve`]).
    doubted: bool,
    keys: Vec<CellKey>,
    /// Each split's values (`None` for a blank marker; 0 for money).
    values: Vec<Vec<Option<i128>>>,
    texts: Vec<Vec<String>>,
    overflow: bool,
    /// Whether a split takes part in some split of the whole table.
    viable: Vec<bool>,
}

fn row_name(f: &Found, format: Format) -> String {
    match f.target {
        Target::T2(r) => format!("表二“{}”行", template::t2_row_label(format, r)),
        Target::T3(r) => format!("表三“{}”行", template::t3_row_short_label(r)),
        Target::T4 => "表四".to_owned(),
    }
}

fn column_name(format: Format, key: CellKey) -> String {
    match key {
        CellKey::T2(_, c) => template::t2_col_label(format, c).to_owned(),
        CellKey::T3(_, a) => template::applicant_label(a).to_owned(),
        CellKey::T4(_) => template::cell_name(format, key)
            .trim_start_matches("表四")
            .trim_matches(['“', '”'])
            .to_owned(),
    }
}

type Vec7 = [i128; 7];

/// Narrows the splits of table 三's rows to those that take part in a split of the whole table
/// satisfying R1 and R3 on every column where all the rows involved hold figures. Returns a
/// warning when the rows cannot be reconciled (the published figures do not add up) or the
/// search was cut: the rows then keep every split that fits them alone.
fn cross_rows(rows: &[Found], cands: &mut [Option<Candidates>], budget: &mut Budget) -> Cross {
    let index = |r: T3Row| {
        rows.iter()
            .position(|f| f.target == Target::T3(r))
            .filter(|&i| {
                cands[i]
                    .as_ref()
                    .is_some_and(|c| !c.overflow && !c.values.is_empty())
            })
    };
    let found: Vec<T3Row> = rows
        .iter()
        .filter_map(|f| match f.target {
            Target::T3(r) => Some(r),
            _ => None,
        })
        .collect();
    if found.len() < 2 {
        return Cross::Done { checked: false };
    }
    // The outcome rows of the layout the text prints.
    let mut outcomes: Vec<T3Row> = template::T3_OUTCOMES_COMMON.to_vec();
    let has_other = found.contains(&T3Row::ROther);
    let has_op = found
        .iter()
        .any(|r| template::t3_other_rows(Format::F2021).contains(r));
    match (has_other, has_op) {
        (true, false) => outcomes.push(T3Row::ROther),
        (false, true) => outcomes.extend_from_slice(template::t3_other_rows(Format::F2021)),
        _ => outcomes.clear(),
    }
    let outcome_idx: Option<Vec<usize>> = outcomes.iter().map(|&r| index(r)).collect();
    let total = index(T3Row::RTotal);
    let r1: Option<[usize; 4]> = [
        index(T3Row::NewReceived),
        index(T3Row::CarriedIn),
        total,
        index(T3Row::CarriedOut),
    ]
    .into_iter()
    .collect::<Option<Vec<_>>>()
    .and_then(|v| v.try_into().ok());
    let r3 = outcome_idx.filter(|o| !o.is_empty()).zip(total);
    if r1.is_none() && r3.is_none() {
        return Cross::Done { checked: false };
    }
    // R1 is what vouches for the page (four rows, seven columns); R3 too when all its rows
    // were found (a PDF's text may garble a label, leaving its row unread).
    let checked = r1.is_some();
    let mut involved: Vec<usize> = Vec::new();
    if let Some(r) = r1 {
        involved.extend(r);
    }
    if let Some((o, t)) = &r3 {
        involved.extend(o);
        involved.push(*t);
    }
    involved.sort_unstable();
    involved.dedup();
    // Rows with one split each are still checked: whether the table balances is what says
    // that the page printed every cell (see the doubt in [`solve`]).
    // Columns where every split of every involved row holds a figure.
    let mut cols = [true; 7];
    for &i in &involved {
        if let Some(c) = &cands[i] {
            for v in &c.values {
                for (j, x) in v.iter().enumerate() {
                    cols[j] &= x.is_some();
                }
            }
        }
    }
    let proj = |v: &[Option<i128>]| -> Vec7 {
        let mut out = [0; 7];
        for j in 0..7 {
            if cols[j] {
                out[j] = v[j].unwrap_or(0);
            }
        }
        out
    };
    let vecs: HashMap<usize, Vec<Vec7>> = involved
        .iter()
        .map(|&i| {
            let c = cands[i]
                .as_ref()
                .map_or(Vec::new(), |c| c.values.iter().map(|v| proj(v)).collect());
            (i, c)
        })
        .collect();
    // Column by column first: cheap, and it leaves the joint search below a few splits per row
    // where it would otherwise multiply hundreds (a large agency's figures split many ways).
    let outs: Vec<usize> = r3.as_ref().map_or(Vec::new(), |(o, _)| o.clone());
    let r3_rows = r3.as_ref().map(|(_, t)| (&outs[..], *t));
    let alive = match column_prune(r1, r3_rows, &cols, &vecs, budget) {
        Pruned::Alive(a) => a,
        Pruned::Unbalanced => return Cross::Unbalanced,
        Pruned::Cut => return Cross::Cut,
    };
    // The splits left, by their index among the row's splits.
    let ids: HashMap<usize, Vec<usize>> = alive
        .iter()
        .map(|(&i, a)| (i, (0..a.len()).filter(|&k| a[k]).collect()))
        .collect();
    let vecs: HashMap<usize, Vec<Vec7>> = ids
        .iter()
        .map(|(&i, ks)| (i, ks.iter().map(|&k| vecs[&i][k]).collect()))
        .collect();
    // What is decided from here on is kept in `cands` only when the search ends: a cut search
    // keeps what the columns alone ruled out (they rule out only splits that take part in no
    // split of the whole table).
    let settle = |cands: &mut [Option<Candidates>]| {
        for (i, a) in &alive {
            if let Some(c) = cands[*i].as_mut() {
                for (v, k) in c.viable.iter_mut().zip(a) {
                    *v &= k;
                }
            }
        }
    };
    let add = |a: &Vec7, b: &Vec7| -> Vec7 { std::array::from_fn(|j| a[j] + b[j]) };
    let sub = |a: &Vec7, b: &Vec7| -> Vec7 { std::array::from_fn(|j| a[j] - b[j]) };

    // R1: every combination of the four rows (each has few splits: most have one).
    let totals: &[Vec7] = total.map_or(&[][..], |t| &vecs[&t]);
    let mut total_ok = vec![true; totals.len()];
    let mut r1_viable: HashMap<usize, Vec<bool>> = HashMap::new();
    if let Some([a, b, t, o]) = r1 {
        total_ok = vec![false; totals.len()];
        let mut keep = [
            vec![false; vecs[&a].len()],
            vec![false; vecs[&b].len()],
            vec![false; vecs[&o].len()],
        ];
        for (ia, va) in vecs[&a].iter().enumerate() {
            for (ib, vb) in vecs[&b].iter().enumerate() {
                let s = add(va, vb);
                for (it, vt) in vecs[&t].iter().enumerate() {
                    for (io, vo) in vecs[&o].iter().enumerate() {
                        if !budget.tick_doc() {
                            {
                                settle(cands);
                                return Cross::Cut;
                            }
                        }
                        if s == add(vt, vo) {
                            total_ok[it] = true;
                            keep[0][ia] = true;
                            keep[1][ib] = true;
                            keep[2][io] = true;
                        }
                    }
                }
            }
        }
        // A total that R3 rules out also rules out the R1 combinations that used it; done
        // again below once R3 is known.
        r1_viable.insert(a, keep[0].clone());
        r1_viable.insert(b, keep[1].clone());
        r1_viable.insert(o, keep[2].clone());
    }

    // R3: forward and backward partial sums over the outcome rows with several splits.
    let mut r3_viable: HashMap<usize, Vec<bool>> = HashMap::new();
    if let Some((outs, _)) = &r3 {
        let mut base = [0i128; 7];
        let mut amb: Vec<usize> = Vec::new();
        for &i in outs {
            if vecs[&i].len() == 1 {
                base = add(&base, &vecs[&i][0]);
            } else {
                amb.push(i);
            }
        }
        // Every figure is non-negative: a partial sum beyond every total in some column
        // leads nowhere, and is dropped (this keeps the layers as small as the totals allow).
        let mut ceiling = [i128::MIN; 7];
        for vt in totals {
            for j in 0..7 {
                ceiling[j] = ceiling[j].max(vt[j] - base[j]);
            }
        }
        let step = |layer: &HashMap<Vec7, u64>, opts: &[Vec7], budget: &mut Budget| {
            let mut next: HashMap<Vec7, u64> = HashMap::new();
            for (s, &n) in layer {
                for x in opts {
                    if !budget.tick_joint() {
                        return None;
                    }
                    let sum = add(s, x);
                    if (0..7).any(|j| sum[j] > ceiling[j]) {
                        continue;
                    }
                    let e = next.entry(sum).or_insert(0);
                    *e = e.saturating_add(n);
                }
                if next.len() > DP_STATES {
                    return None;
                }
            }
            Some(next)
        };
        let start: HashMap<Vec7, u64> = HashMap::from([([0; 7], 1)]);
        let mut fwd = vec![start.clone()];
        for &i in &amb {
            let Some(n) = step(&fwd[fwd.len() - 1], &vecs[&i], budget) else {
                {
                    settle(cands);
                    return Cross::Cut;
                }
            };
            fwd.push(n);
        }
        let mut bwd = vec![start];
        for &i in amb.iter().rev() {
            let Some(n) = step(&bwd[bwd.len() - 1], &vecs[&i], budget) else {
                {
                    settle(cands);
                    return Cross::Cut;
                }
            };
            bwd.push(n);
        }
        bwd.reverse();
        // Totals reachable by the outcome rows.
        let all = &fwd[amb.len()];
        for (it, vt) in totals.iter().enumerate() {
            if total_ok[it] && !all.contains_key(&sub(vt, &base)) {
                total_ok[it] = false;
            }
        }
        for (k, &i) in amb.iter().enumerate() {
            let mut keep = vec![false; vecs[&i].len()];
            for (ix, x) in vecs[&i].iter().enumerate() {
                't: for (it, vt) in totals.iter().enumerate() {
                    if !total_ok[it] {
                        continue;
                    }
                    let need = sub(&sub(vt, &base), x);
                    for f in fwd[k].keys() {
                        if !budget.tick_joint() {
                            {
                                settle(cands);
                                return Cross::Cut;
                            }
                        }
                        if bwd[k + 1].contains_key(&sub(&need, f)) {
                            keep[ix] = true;
                            break 't;
                        }
                    }
                }
            }
            r3_viable.insert(i, keep);
        }
        if totals.iter().zip(&total_ok).all(|(_, &ok)| !ok) {
            return Cross::Unbalanced;
        }
    }
    // With R3 known, R1 again over the totals left.
    if let Some([a, b, t, o]) = r1 {
        let mut keep = [
            vec![false; vecs[&a].len()],
            vec![false; vecs[&b].len()],
            vec![false; vecs[&o].len()],
        ];
        let mut any = false;
        for (ia, va) in vecs[&a].iter().enumerate() {
            for (ib, vb) in vecs[&b].iter().enumerate() {
                let s = add(va, vb);
                for (it, vt) in vecs[&t].iter().enumerate() {
                    if !total_ok[it] {
                        continue;
                    }
                    for (io, vo) in vecs[&o].iter().enumerate() {
                        if !budget.tick_doc() {
                            {
                                settle(cands);
                                return Cross::Cut;
                            }
                        }
                        if s == add(vt, vo) {
                            any = true;
                            keep[0][ia] = true;
                            keep[1][ib] = true;
                            keep[2][io] = true;
                        }
                    }
                }
            }
        }
        if !any {
            return Cross::Unbalanced;
        }
        r1_viable.insert(a, keep[0].clone());
        r1_viable.insert(b, keep[1].clone());
        r1_viable.insert(o, keep[2].clone());
    }
    // Apply: a split stays when every rule it takes part in has a place for it.
    settle(cands);
    let total_keep = total.map(|t| (t, total_ok));
    for (i, keep) in r1_viable.into_iter().chain(r3_viable).chain(total_keep) {
        if let Some(c) = cands[i].as_mut() {
            for (&k, ok) in ids[&i].iter().zip(keep) {
                c.viable[k] &= ok;
            }
        }
    }
    Cross::Done { checked }
}

/// What [`column_prune`] left of each row's splits.
enum Pruned {
    /// Per involved row, whether each of its splits is still possible.
    Alive(HashMap<usize, Vec<bool>>),
    /// Some row has no split left: R1 or R3 fails in some column whatever the splits.
    Unbalanced,
    /// The budget ran out: nothing was ruled out.
    Cut,
}

/// R1 and R3 column by column: a split of a row stays only when, in every column, its figure
/// takes part in some choice of the other rows' figures for that column that satisfies R1 and
/// R3 there. Each column is a sum of single numbers, so its partial sums are few, where the
/// joint search's partial sums are vectors of seven that multiply. This keeps every split that
/// takes part in a split of the whole table (those satisfy every column at once): it only
/// rules out, never decides; the joint search after it decides. Repeated until nothing
/// changes, as ruling out one split of a row can take away the support of another row's.
fn column_prune(
    r1: Option<[usize; 4]>,
    r3: Option<(&[usize], usize)>,
    cols: &[bool; 7],
    vecs: &HashMap<usize, Vec<Vec7>>,
    budget: &mut Budget,
) -> Pruned {
    use std::collections::HashSet;
    let mut alive: HashMap<usize, Vec<bool>> = vecs
        .iter()
        .map(|(&i, v)| (i, vec![true; v.len()]))
        .collect();
    let values =
        |alive: &HashMap<usize, Vec<bool>>, i: usize, j: usize| column_values(vecs, alive, i, j);
    for _round in 0..8 {
        let mut changed = false;
        for j in (0..7).filter(|&j| cols[j]) {
            // Per row, the figures of column `j` that some choice of the others supports.
            let mut ok: HashMap<usize, HashSet<i128>> = HashMap::new();
            if let Some([a, b, t, o]) = r1 {
                let [va, vb, vt, vo] = [a, b, t, o].map(|i| values(&alive, i, j));
                let mut ab: HashSet<i128> = HashSet::new();
                let mut to: HashSet<i128> = HashSet::new();
                for (x, y, set) in [(&va, &vb, &mut ab), (&vt, &vo, &mut to)] {
                    for p in x {
                        for q in y {
                            if !budget.tick_doc() {
                                return Pruned::Cut;
                            }
                            set.insert(p + q);
                        }
                    }
                }
                // a + b = t + o: a stays when some b makes a sum that some t + o reaches.
                for (row, mine, other, sums) in [
                    (a, &va, &vb, &to),
                    (b, &vb, &va, &to),
                    (t, &vt, &vo, &ab),
                    (o, &vo, &vt, &ab),
                ] {
                    let mut keep = HashSet::new();
                    for &x in mine {
                        for &y in other {
                            if !budget.tick_doc() {
                                return Pruned::Cut;
                            }
                            if sums.contains(&(x + y)) {
                                keep.insert(x);
                                break;
                            }
                        }
                    }
                    ok.entry(row).or_insert(keep);
                }
            }
            if let Some((outs, t)) = r3 {
                match r3_column(outs, t, j, &alive, vecs, budget) {
                    Column::Cut => return Pruned::Cut,
                    Column::Open => {}
                    Column::Keep(keeps) => {
                        for (i, keep) in keeps {
                            merge(&mut ok, i, keep);
                        }
                    }
                }
            }
            for (i, keep) in ok {
                let a = alive.get_mut(&i).expect("involved row");
                for (live, v) in a.iter_mut().zip(&vecs[&i]) {
                    if *live && !keep.contains(&v[j]) {
                        *live = false;
                        changed = true;
                    }
                }
                if !a.iter().any(|&l| l) {
                    return Pruned::Unbalanced;
                }
            }
        }
        if !changed {
            break;
        }
    }
    Pruned::Alive(alive)
}

/// The distinct figures a row's live splits put in column `j`.
fn column_values(
    vecs: &HashMap<usize, Vec<Vec7>>,
    alive: &HashMap<usize, Vec<bool>>,
    i: usize,
    j: usize,
) -> Vec<i128> {
    let mut v: Vec<i128> = vecs[&i]
        .iter()
        .zip(&alive[&i])
        .filter(|(_, a)| **a)
        .map(|(x, _)| x[j])
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// What R3 says of one column.
enum Column {
    /// Per row (outcome rows and the total), the figures some choice of the others supports.
    Keep(Vec<(usize, std::collections::HashSet<i128>)>),
    /// Too many partial sums: this column rules nothing out.
    Open,
    /// The budget ran out.
    Cut,
}

/// R3 in column `j`: the outcome rows' figures add up to the total's. Rows with one figure
/// are a constant; the others are summed forward and backward, partial sums beyond the
/// largest total dropped (every figure is non-negative), so the sets stay as small as the
/// totals allow.
fn r3_column(
    outs: &[usize],
    t: usize,
    j: usize,
    alive: &HashMap<usize, Vec<bool>>,
    vecs: &HashMap<usize, Vec<Vec7>>,
    budget: &mut Budget,
) -> Column {
    use std::collections::HashSet;
    let vs: Vec<Vec<i128>> = outs
        .iter()
        .map(|&i| column_values(vecs, alive, i, j))
        .collect();
    let vt = column_values(vecs, alive, t, j);
    let base: i128 = vs.iter().filter(|v| v.len() == 1).map(|v| v[0]).sum();
    let amb: Vec<usize> = (0..vs.len()).filter(|&k| vs[k].len() > 1).collect();
    let targets: Vec<i128> = vt.iter().map(|x| x - base).filter(|&x| x >= 0).collect();
    let Some(&max) = targets.iter().max() else {
        // No total is reached even by the fixed rows alone.
        let mut keeps: Vec<(usize, HashSet<i128>)> =
            outs.iter().map(|&i| (i, HashSet::new())).collect();
        keeps.push((t, HashSet::new()));
        return Column::Keep(keeps);
    };
    let step = |set: &HashSet<i128>, opts: &[i128], budget: &mut Budget| -> Option<HashSet<i128>> {
        let mut next = HashSet::new();
        for s in set {
            for x in opts {
                if !budget.tick_doc() {
                    return None;
                }
                if s + x <= max {
                    next.insert(s + x);
                }
            }
            if next.len() > COLUMN_STATES {
                return None;
            }
        }
        Some(next)
    };
    let zero: HashSet<i128> = HashSet::from([0]);
    let mut fwd = vec![zero.clone()];
    for &k in &amb {
        match step(&fwd[fwd.len() - 1], &vs[k], budget) {
            Some(n) => fwd.push(n),
            None if budget.nodes >= budget.limit => return Column::Cut,
            None => return Column::Open,
        }
    }
    let mut bwd = vec![zero];
    for &k in amb.iter().rev() {
        match step(&bwd[bwd.len() - 1], &vs[k], budget) {
            Some(n) => bwd.push(n),
            None if budget.nodes >= budget.limit => return Column::Cut,
            None => return Column::Open,
        }
    }
    bwd.reverse();
    let all = &fwd[amb.len()];
    let ok_t: Vec<i128> = targets
        .iter()
        .copied()
        .filter(|x| all.contains(x))
        .collect();
    let mut keeps = Vec::with_capacity(outs.len() + 1);
    keeps.push((t, ok_t.iter().map(|x| x + base).collect::<HashSet<i128>>()));
    for (k, &i) in outs.iter().enumerate() {
        let keep: HashSet<i128> = if vs[k].len() == 1 {
            if ok_t.is_empty() {
                HashSet::new()
            } else {
                HashSet::from([vs[k][0]])
            }
        } else {
            let p = amb.iter().position(|&a| a == k).unwrap_or_default();
            // The figure x stays when t - x - f is a backward sum for some total t and
            // forward sum f: the loop runs over the smaller of the two sets it can pair.
            let mut keep = HashSet::new();
            for &x in &vs[k] {
                let hit = ok_t.iter().any(|&tv| {
                    fwd[p]
                        .iter()
                        .any(|f| budget.tick_doc() && bwd[p + 1].contains(&(tv - x - f)))
                });
                if hit {
                    keep.insert(x);
                }
                if budget.nodes >= budget.limit {
                    return Column::Cut;
                }
            }
            keep
        };
        keeps.push((i, keep));
    }
    Column::Keep(keeps)
}

/// A row's figures supported by one rule, intersected with those another rule supports.
fn merge(
    ok: &mut HashMap<usize, std::collections::HashSet<i128>>,
    row: usize,
    keep: std::collections::HashSet<i128>,
) {
    match ok.get_mut(&row) {
        Some(k) => k.retain(|x| keep.contains(x)),
        None => {
            ok.insert(row, keep);
        }
    }
}

/// How the cross-row search of table 三 ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cross {
    /// The rows' splits were narrowed (or there was nothing to narrow); `checked` when both
    /// R1 applied (and R3 if its rows are there) and some split of the whole table satisfies
    /// them.
    Done { checked: bool },
    /// Too many combinations: the rows keep the splits that fit them alone.
    Cut,
    /// No combination satisfies R1 and R3.
    Unbalanced,
}

fn cut_warning() -> String {
    "表三各行的拆分组合过多，行与行之间的勾稽关系（R1、R3）只逐列用来排除了不可能的拆分，未能对整张表验证，其余按各行自身的总计拆分"
        .to_owned()
}

fn unbalanced_warning() -> String {
    "表三各行的拆分无法同时满足第一项加第二项等于第三项加第四项（R1）和办理结果之和等于总计（R3）"
        .to_owned()
}

impl Budget {
    /// Counts one node of the cross-row search, which has only the document's bound.
    fn tick_doc(&mut self) -> bool {
        if self.nodes >= self.limit {
            return false;
        }
        self.nodes += 1;
        true
    }

    /// Counts a step of the joint search of table 三 (a hash of seven figures), which takes
    /// about four times a step of the row search: the bound stays a bound on time.
    fn tick_joint(&mut self) -> bool {
        if self.nodes >= self.limit {
            return false;
        }
        self.nodes += 4;
        true
    }
}

// ---------------------------------------------------------------------------------------------
// Rebuilding the document.

/// The blocks of a paragraph: its text cut at the section headings it holds, and its rows as
/// tables (consecutive rows of one table in one table).
fn rebuild(pieces: Vec<Piece>, rows: &[Found], cells: &Cells, source: Source) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut last_table: Option<usize> = None;
    for p in pieces {
        match p {
            Piece::Text(t) => {
                for part in split_headings(&t) {
                    let part = part.trim();
                    if !part.is_empty() {
                        out.push(Block::Paragraph(Paragraph {
                            text: part.to_owned(),
                            source,
                        }));
                        last_table = None;
                    }
                }
            }
            Piece::Row(i) => {
                let f = &rows[i];
                let mut row = Vec::new();
                if f.target != Target::T4 {
                    row.push(Cell::new(f.label.clone(), source));
                }
                if cells[i].is_empty() {
                    // No layout to split by: the run stays text for the interpreter.
                    out.push(Block::Paragraph(Paragraph {
                        text: format!("{}{}{}", f.label, f.run, f.unit.unwrap_or("")),
                        source,
                    }));
                    last_table = None;
                    continue;
                }
                row.extend(
                    cells[i]
                        .iter()
                        .map(|c| Cell::new(c.clone().unwrap_or_default(), source)),
                );
                let table = f.target.table();
                match (last_table, out.last_mut()) {
                    (Some(t), Some(Block::Table(tb))) if t == table => tb.rows.push(row),
                    _ => {
                        out.push(Block::Table(Table { rows: vec![row] }));
                        last_table = Some(table);
                    }
                }
            }
        }
    }
    out
}

/// Where the text runs a section heading into its section (`一、总体情况…`), the heading becomes
/// a paragraph of its own, as the interpreter expects; a heading is what the interpreter takes
/// for one.
fn split_headings(t: &str) -> Vec<&str> {
    let mut cuts = Vec::new();
    for (k, ord) in ["一、", "二、", "三、", "四、", "五、", "六、"]
        .iter()
        .enumerate()
    {
        for (i, _) in t.match_indices(ord) {
            let after = &t[i + ord.len()..];
            let head: String = after.chars().take(32).collect();
            let Some(end) = ["情况", "事项"]
                .iter()
                .filter_map(|e| head.find(e).map(|p| p + e.len()))
                .min()
            else {
                continue;
            };
            let title = &head[..end];
            if crate::interpret::heading(&norm(&format!("{ord}{title}"))) == Some(k)
                && !title.contains('。')
                && !title.contains("数量")
            {
                cuts.push(i);
                cuts.push(i + ord.len() + end);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut parts = Vec::new();
    let mut prev = 0;
    for c in cuts {
        if c > prev && t.is_char_boundary(c) {
            parts.push(&t[prev..c]);
            prev = c;
        }
    }
    parts.push(&t[prev..]);
    parts
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::strategy::Strategy;

    fn t3_specs() -> Vec<Spec> {
        let mut s = vec![Spec::Count; 6];
        s.push(Spec::Sum(0, 6));
        s
    }

    fn texts(run: &str, specs: &[Spec], unit: Option<&str>) -> (Vec<Vec<String>>, bool) {
        let mut b = Budget::new(DOC_NODES);
        let (list, over) = splits(run, specs, unit.is_some(), &mut b);
        let toks = tokens(run, specs.contains(&Spec::Signed)).unwrap();
        let t = list
            .iter()
            .map(|sp| {
                sp.iter()
                    .enumerate()
                    .map(|(i, &c)| cell_text(&toks, c, unit, i + 1 == sp.len()))
                    .collect()
            })
            .collect();
        (t, over)
    }

    /// Every composition of `s` into `n` counts without leading zeros whose last is the sum of
    /// the others: the plain definition, to hold the pruned search to.
    fn brute(s: &str, n: usize) -> Vec<Vec<String>> {
        brute_groups(s, 1, n)
    }

    /// Every composition of `s` into `groups` groups of `size` counts without leading zeros,
    /// each group's last the sum of the others (a table 三 row: one group of seven; table 四:
    /// three of five). A group is checked as soon as it is complete.
    fn brute_groups(s: &str, groups: usize, size: usize) -> Vec<Vec<String>> {
        fn go(
            s: &str,
            size: usize,
            end: usize,
            cells: &mut Vec<String>,
            out: &mut Vec<Vec<String>>,
        ) {
            let n = cells.len();
            if n == end {
                if s.is_empty() {
                    out.push(cells.clone());
                }
                return;
            }
            for len in 1..=s.len().min(MAX_DIGITS) {
                let p = &s[..len];
                if p.len() > 1 && p.starts_with('0') {
                    break;
                }
                if n % size == size - 1 {
                    let sum: i128 = cells[n + 1 - size..]
                        .iter()
                        .map(|c| c.parse::<i128>().unwrap())
                        .sum();
                    if p.parse::<i128>().unwrap() != sum {
                        continue;
                    }
                }
                cells.push(p.to_owned());
                go(&s[len..], size, end, cells, out);
                cells.pop();
            }
        }
        let mut out = Vec::new();
        go(s, size, groups * size, &mut Vec::new(), &mut out);
        out
    }

    #[test]
    fn the_issue_row_is_determined() {
        let (t, over) = texts("1200003", &t3_specs(), None);
        assert!(!over);
        assert_eq!(t, vec![vec!["1", "2", "0", "0", "0", "0", "3"]]);
    }

    #[test]
    fn leading_zeros_prune_splits() {
        // 10|0|0|0|0|0|10 is the only split: `0` cannot start a longer figure, and the six
        // columns must add up to the total.
        let (t, _) = texts("100000010", &t3_specs(), None);
        assert_eq!(t, vec![vec!["10", "0", "0", "0", "0", "0", "10"]]);
        assert_eq!(brute("100000010", 7).len(), 1);
    }

    #[test]
    fn an_ambiguous_row_keeps_every_split_that_fits() {
        // 1|1|0|0|0|10|12 and 11|0|0|0|0|1|12 both add up.
        let (t, _) = texts("110001012", &t3_specs(), None);
        assert!(t.len() >= 2, "{t:?}");
        assert_eq!(t.len(), brute("110001012", 7).len());
    }

    #[test]
    fn seven_digits_that_do_not_add_up_are_not_split() {
        // 1|2|3|4|5|6|7 is what the lengths allow, but 1+…+6 is not 7: a dropped empty cell
        // (12|3|4|5|6|∅|7…) cannot be ruled out, so nothing is read.
        let (t, _) = texts("1234567", &t3_specs(), None);
        assert!(t.is_empty());
    }

    #[test]
    fn spaces_and_blank_markers_are_boundaries() {
        let (t, _) = texts("12 3////15", &t3_specs(), None);
        assert_eq!(t, vec![vec!["12", "3", "/", "/", "/", "/", "15"]]);
    }

    #[test]
    fn money_is_split_only_when_determined() {
        let specs = [Spec::Count, Spec::Money];
        let (t, _) = texts("13575394432.52", &specs, Some("元"));
        assert!(t.len() > 1);
        let (t, _) = texts("10.5", &specs, Some("万"));
        assert_eq!(t, vec![vec!["1", "0.5万"]]);
        let (t, _) = texts("0123.4", &specs, None);
        assert_eq!(t, vec![vec!["0", "123.4"]]);
    }

    #[test]
    fn signed_changes() {
        let specs = [Spec::Count, Spec::Signed, Spec::Count];
        let (t, _) = texts("12-45", &specs, None);
        assert_eq!(t, vec![vec!["12", "-4", "5"]]);
        let (t, _) = texts("3+05", &specs, None);
        assert_eq!(t, vec![vec!["3", "+0", "5"]]);
    }

    #[test]
    fn table_four_groups_add_up() {
        let specs = t4_specs();
        let (t, _) = texts("000000000000000", &specs, None);
        assert_eq!(t.len(), 1);
        // 1|0|1|0|2, five zeros, 10|0|0|0|10: the only split whose groups add up.
        let (t, _) = texts("10102000001000010", &specs, None);
        assert_eq!(
            t,
            vec![vec![
                "1", "0", "1", "0", "2", "0", "0", "0", "0", "0", "10", "0", "0", "0", "10"
            ]]
        );
    }

    #[test]
    fn a_run_that_can_hold_fewer_cells_may_have_lost_one() {
        let no_cell_vanished =
            |run: &str, cells| no_cell_vanished(&tokens(run, false).unwrap(), cells);
        // Fifteen zeros are fifteen cells whatever the page did.
        assert!(no_cell_vanished("000000000000000", 15));
        assert!(no_cell_vanished("0 0 0 0/0000000000", 15));
        // `88` may be one figure: 0|0|0|空|88 printed as fourteen cells adds up as fifteen.
        assert!(!no_cell_vanished("000000000000088", 15));
        assert!(!no_cell_vanished("10102000001000010", 15));
        // A space is a certain boundary, a run of dashes at least half its length in cells.
        assert!(no_cell_vanished("0000000000000 8 8", 15));
        assert!(no_cell_vanished("0000000000000——8", 15));
        assert!(!no_cell_vanished("000000000000——88", 15));
        assert!(no_cell_vanished("0000000", 7));
        assert!(!no_cell_vanished("0000099", 7));
        assert!(!no_cell_vanished("1000099", 7));
    }

    #[test]
    fn the_fewest_cells_of_a_run_bound_every_laying() {
        let fewest = |run: &str, signed: bool| fewest_cells(&tokens(run, signed).unwrap());
        // Each leading 0 a cell, the rest of a block one figure.
        assert_eq!(fewest("0000000", false), 7);
        assert_eq!(fewest("0000099", false), 6);
        assert_eq!(fewest("000", false), 3);
        assert_eq!(fewest("1000099", false), 1);
        // Money may start with `0.`: `00.5` may be 0|0.5, two cells, not three.
        assert_eq!(fewest("00.5", false), 2);
        assert_eq!(fewest("0.5", false), 1);
        assert_eq!(fewest("10.5", false), 1);
        // A sign belongs to its figure: `3+05` is at least 3|+0|5.
        assert_eq!(fewest("3+05", true), 3);
        // A space or `/` is a boundary, a run of dashes at least half its length in cells.
        assert_eq!(fewest("0 0/0——0", false), 6);
    }

    #[test]
    fn the_total_first_search_finds_what_the_plain_definition_finds() {
        for s in [
            "1200003",
            "110001012",
            "2010003",
            "12345678901234567890150",
            "9999999999954",
            "10101010101060",
            "5000005",
            "123450000000012345",
        ] {
            let (mut got, over) = texts(s, &t3_specs(), None);
            assert!(!over, "{s}");
            let mut want = brute(s, 7);
            got.sort();
            want.sort();
            assert_eq!(got, want, "{s}");
        }
    }

    #[test]
    fn normal_text_is_not_suspect() {
        assert!(!suspect("本年新收政府信息公开申请8件，上年结转0件。"));
        assert!(!suspect("（一）予以公开"));
        assert!(suspect("（一）予以公开1200003"));
        assert!(suspect("二、上年结转政府信息公开申请数量1200003"));
    }

    /// A row whose first cells are not applicable starts its run with blank markers; a marker
    /// in prose, with no figure after it, is no run.
    #[test]
    fn runs_that_start_with_a_blank_marker_are_suspect() {
        assert!(suspect("行政许可//1523"));
        assert!(suspect("规章/ /0"));
        assert!(suspect("行政许可——12"));
        assert!(suspect("行政许可／／１５２３"));
        assert!(!suspect("行政许可 12"));
        assert!(!suspect("全年主动公开市政府规章 22 件"));
        assert!(!suspect("规章/规范性文件"));
        assert!(!suspect("规章//"));
        assert!(!suspect("行政许可——本年"));
    }

    /// Table 三 of a large agency, five-digit figures in every cell, balanced: every cell is
    /// read, within the document's budget.
    #[test]
    fn a_balanced_five_digit_table_is_read_whole_within_budget() {
        let rows = template::t3_rows(Format::F2021);
        let outcomes: Vec<T3Row> = rows
            .iter()
            .copied()
            .filter(|r| {
                !matches!(
                    r,
                    T3Row::NewReceived | T3Row::CarriedIn | T3Row::RTotal | T3Row::CarriedOut
                )
            })
            .collect();
        let mut val: HashMap<(T3Row, usize), u64> = HashMap::new();
        for j in 0..6u64 {
            let mut total = 0;
            for (i, &r) in outcomes.iter().enumerate() {
                let v = 10_000 + (i as u64 * 7_919 + j * 104_729) % 89_999;
                total += v;
                val.insert((r, j as usize), v);
            }
            let out = 10_000 + (j * 31_337) % 89_999;
            let carried = 10_000 + (j * 27_183) % 89_999;
            val.insert((T3Row::RTotal, j as usize), total);
            val.insert((T3Row::CarriedOut, j as usize), out);
            val.insert((T3Row::CarriedIn, j as usize), carried);
            val.insert((T3Row::NewReceived, j as usize), total + out - carried);
        }
        let mut text = String::from(
            "三、收到和处理政府信息公开申请情况申请人情况自然人商业企业科研机构社会公益组织法律服务机构其他总计",
        );
        let mut want = Vec::new();
        for &r in &rows {
            text.push_str(template::t3_row_label(r));
            let cells: Vec<u64> = (0..6).map(|j| val[&(r, j)]).collect();
            for c in &cells {
                text.push_str(&c.to_string());
            }
            text.push_str(&cells.iter().sum::<u64>().to_string());
            want.push(
                cells
                    .iter()
                    .chain([&cells.iter().sum::<u64>()])
                    .map(u64::to_string)
                    .collect::<Vec<_>>(),
            );
        }
        let mut doc = Document {
            title: None,
            blocks: vec![Block::Paragraph(Paragraph {
                text,
                source: Source::Line { line: 1 },
            })],
            warnings: Vec::new(),
        };
        let mut budget = Budget::new(DOC_NODES);
        rejoin_with(&mut doc, &mut budget);
        let got: Vec<Vec<String>> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(
                    t.rows
                        .iter()
                        .map(|r| r[1..].iter().map(|c| c.text.clone()).collect()),
                ),
                Block::Paragraph(_) => None,
            })
            .flatten()
            .collect();
        assert_eq!(got, want, "{:#?}", doc.warnings);
        assert!(budget.nodes < DOC_NODES / 2, "{}", budget.nodes);
    }

    /// Every split of table 四's run whose groups add up, by the plain definition.
    fn brute_t4(s: &str) -> Vec<Vec<String>> {
        brute_groups(s, 3, 5)
    }

    fn t4_specs() -> Vec<Spec> {
        let mut specs = Vec::new();
        for g in 0..3 {
            specs.extend([Spec::Count; 4]);
            specs.push(Spec::Sum(5 * g, 5 * g + 4));
        }
        specs
    }

    /// Table 四 of a large agency's figures (up to seven digits a cell), run together: the
    /// search ends within a third of a row's budget on every run, finds what the plain
    /// definition finds, and the printed split is among them. Before the search went group by
    /// group from each total, four runs in ten of five-digit figures ran out of budget.
    #[test]
    fn table_four_of_large_figures_is_searched_to_the_end() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let specs = t4_specs();
        let mut most = 0;
        for i in 0..300 {
            let digits = 1 + i % 7;
            let mut run = String::new();
            let mut truth = Vec::new();
            for _ in 0..3 {
                let cells: Vec<u64> = (0..4)
                    .map(|_| {
                        let d = 1 + rnd() % digits;
                        let lo = if d == 1 { 0 } else { 10u64.pow(d as u32 - 1) };
                        lo + rnd() % (10u64.pow(d as u32) - lo)
                    })
                    .collect();
                let total = cells.iter().sum::<u64>();
                truth.extend(cells.iter().chain([&total]).map(u64::to_string));
            }
            run.extend(truth.iter().map(String::as_str));
            let mut b = Budget::new(DOC_NODES);
            let (list, over) = splits(&run, &specs, false, &mut b);
            assert!(!over, "{run}: {} nodes", b.nodes);
            most = most.max(b.nodes);
            let toks = tokens(&run, false).unwrap();
            let mut got: Vec<Vec<String>> = list
                .iter()
                .map(|sp| {
                    sp.iter()
                        .map(|&c| cell_text(&toks, c, None, false))
                        .collect()
                })
                .collect();
            assert!(got.contains(&truth), "{run}");
            if i % 10 == 0 {
                let mut want = brute_t4(&run);
                got.sort();
                want.sort();
                assert_eq!(got, want, "{run}");
            }
        }
        assert!(most < ROW_NODES / 3, "{most}");
    }

    type Key = Vec<Option<(usize, usize, usize, i128)>>;

    /// The figures printed with a space before those `spaces` marks, split by the grouped
    /// search and by the plain search over the same tokens, sorted; `None` when the plain
    /// search runs out of nodes (it is the one that does; the grouped one must not).
    fn grouped_and_plain(
        figures: &[u32],
        spaces: &[bool],
        specs: &[Spec],
    ) -> Option<(Vec<Key>, Vec<Key>)> {
        let mut run = String::new();
        for (i, c) in figures.iter().enumerate() {
            if i > 0 && spaces[i] {
                run.push(' ');
            }
            run.push_str(&c.to_string());
        }
        let toks = tokens(&run, false).unwrap();
        let (fast, over) = grouped(&toks, specs, &mut Budget::new(DOC_NODES)).unwrap();
        assert!(!over, "{run}");
        let (plain, plain_over) =
            Search::new(&toks, specs, usize::MAX, &mut Budget::new(DOC_NODES)).run();
        if plain_over {
            return None;
        }
        let keys = |list: Vec<Split>| {
            let mut k: Vec<Key> = list
                .iter()
                .map(|v| {
                    v.iter()
                        .map(|c| c.map(|c| (c.tok, c.start, c.end, c.val)))
                        .collect()
                })
                .collect();
            k.sort();
            k
        };
        Some((keys(fast), keys(plain)))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        /// The meet-in-the-middle search with stray spaces (certain cell boundaries) finds what
        /// the plain search over the same tokens finds.
        #[test]
        fn the_total_first_search_agrees_with_the_plain_search_across_spaces(
            cells in proptest::collection::vec(0u32..3000, 6),
            spaces in proptest::collection::vec(proptest::bool::weighted(0.3), 7),
        ) {
            let mut figures = cells.clone();
            figures.push(cells.iter().sum());
            if let Some((fast, plain)) = grouped_and_plain(&figures, &spaces, &t3_specs()) {
                proptest::prop_assert_eq!(fast, plain);
            }
        }

        /// Table 四's group-by-group search with stray spaces (certain cell boundaries) finds
        /// what the plain search over the same tokens finds.
        #[test]
        fn table_four_group_search_agrees_with_the_plain_search_across_spaces(
            cells in proptest::collection::vec(proptest::prop_oneof![6 => 0u32..10, 3 => 0u32..400, 1 => 0u32..60_000], 12),
            spaces in proptest::collection::vec(proptest::bool::weighted(0.2), 15),
        ) {
            let mut figures = Vec::new();
            for g in cells.chunks(4) {
                figures.extend(g.iter().copied());
                figures.push(g.iter().sum::<u32>());
            }
            if let Some((fast, plain)) = grouped_and_plain(&figures, &spaces, &t4_specs()) {
                proptest::prop_assert_eq!(fast, plain);
            }
        }

        /// Table 四's search, pruned by the digits a group's total needs, finds what the plain
        /// definition finds.
        #[test]
        fn table_four_search_agrees_with_the_plain_definition(cells in proptest::collection::vec(
            proptest::prop_oneof![6 => 0u32..10, 3 => 0u32..400, 1 => 0u32..60_000], 12)) {
            let mut run = String::new();
            for g in cells.chunks(4) {
                for c in g {
                    run.push_str(&c.to_string());
                }
                run.push_str(&g.iter().sum::<u32>().to_string());
            }
            let specs = t4_specs();
            let (mut got, over) = texts(&run, &specs, None);
            let mut want = brute_t4(&run);
            // A search cut by its bound leaves the row empty (tested elsewhere); one that ends
            // must have found every split.
            proptest::prop_assume!(!over);
            got.sort();
            want.sort();
            if want.len() <= ROW_SPLITS {
                proptest::prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn the_search_agrees_with_the_plain_definition(cells in proptest::collection::vec(0u32..120, 6)) {
            let total: u32 = cells.iter().sum();
            let s: String = cells.iter().chain(std::iter::once(&total)).map(u32::to_string).collect();
            let (mut got, over) = texts(&s, &t3_specs(), None);
            proptest::prop_assert!(!over);
            let mut want = brute(&s, 7);
            got.sort();
            want.sort();
            proptest::prop_assert_eq!(&got, &want);
            let truth: Vec<String> = cells.iter().chain(std::iter::once(&total)).map(u32::to_string).collect();
            proptest::prop_assert!(got.contains(&truth));
        }

        /// Any text of labels and figures: no panic, and the search stays within its bound.
        #[test]
        fn arbitrary_label_and_digit_soup_stays_bounded(parts in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(vec![
                    "第二十条第（一）项", "信息内容本年制发件数本年废止件数现行有效件数", "规章", "行政规范性文件",
                    "行政许可", "政府集中采购", "行政事业性收费", "申请人情况自然人", "一、本年新收政府信息公开申请数量",
                    "二、上年结转政府信息公开申请数量", "（一）予以公开", "1.属于国家秘密", "（七）总计", "四、结转下年度继续办理",
                    "3.其他", "（六）其他处理", "行政复议结果维持尚未审结总计", "元", "万", " ", "/", "-", "+", ".", "、",
                    "一、总体情况", "二、主动公开政府信息情况",
                ]).prop_map(str::to_owned),
                "[0-9]{1,40}",
            ],
            0..60,
        )) {
            let text: String = parts.concat();
            let mut doc = Document {
                title: None,
                blocks: vec![Block::Paragraph(Paragraph { text, source: Source::Line { line: 1 } })],
                warnings: Vec::new(),
            };
            let mut budget = Budget::new(DOC_NODES);
            rejoin_with(&mut doc, &mut budget);
            proptest::prop_assert!(budget.nodes <= DOC_NODES);
        }
    }
}
