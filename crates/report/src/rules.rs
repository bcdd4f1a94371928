//! The checks R1–R10 of spec §5. Each finding names its rule, its severity, the cells involved
//! and a Chinese message with the actual figures, so an officer can find and fix the cell.
//!
//! Arithmetic rules only judge what is printed: a rule whose cells are not all present is not
//! applied (R10 reports the missing cells instead), and nothing is ever "corrected".

use crate::keys::{Applicant, CellKey, Section, T2Col, T2Row, T3Row, T4_GROUPS, T4Col};
use crate::model::{Report, Value};
use crate::prose;
use crate::template::{self, CellKind, Format, MoneyUnit};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// The rules of spec §5, with stable ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The report is wrong: the statutory arithmetic does not hold.
    Error,
    /// Worth a look: implausible, inconsistent across years or incomplete.
    Warning,
}

impl Rule {
    /// Every rule in order.
    pub const ALL: [Rule; 10] = [
        Rule::R1,
        Rule::R2,
        Rule::R3,
        Rule::R4,
        Rule::R5,
        Rule::R6,
        Rule::R7,
        Rule::R8,
        Rule::R9,
        Rule::R10,
    ];

    /// The severity fixed for the rule (spec §5).
    pub fn severity(self) -> Severity {
        match self {
            Rule::R1 | Rule::R2 | Rule::R3 | Rule::R4 | Rule::R7 => Severity::Error,
            Rule::R5 | Rule::R6 | Rule::R8 | Rule::R9 | Rule::R10 => Severity::Warning,
        }
    }

    /// What the rule checks, in Chinese, for listings.
    pub fn description(self) -> &'static str {
        match self {
            Rule::R1 => "表三各列：第一项加第二项之和等于第三项加第四项之和",
            Rule::R2 => "表三各行：六类申请人之和等于总计",
            Rule::R3 => "表三各列：各项办理结果之和等于（七）总计",
            Rule::R4 => "表四：各组总计等于结果维持、结果纠正、其他结果、尚未审结之和",
            Rule::R5 => "跨年度：本年上年结转数等于上年结转下年度数",
            Rule::R6 => "跨年度：现行有效件数等于上年现行有效件数加本年制发减本年废止",
            Rule::R7 => "数量为非负整数，金额为非负数",
            Rule::R8 => "正文所写数字与表格一致",
            Rule::R9 => "数值合理性（金额及单位、跨年度异常增减、新公开数大于公开总数）",
            Rule::R10 => "完整性（表格单元格、必需章节）",
        }
    }

    /// Whether the rule compares several reports of one agency.
    pub fn is_cross_year(self) -> bool {
        matches!(self, Rule::R5 | Rule::R6)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{self:?}"))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        })
    }
}

/// One thing wrong with a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub cells: Vec<CellKey>,
    pub message: String,
}

impl Finding {
    fn new(rule: Rule, cells: Vec<CellKey>, message: String) -> Finding {
        Finding {
            rule,
            severity: rule.severity(),
            cells,
            message,
        }
    }
}

/// The single-report rules (R1–R4, R7–R10) on one report, in rule order.
pub fn check(report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    r1_balance(report, &mut out);
    r2_row_sums(report, &mut out);
    r3_outcome_sums(report, &mut out);
    r4_remedy_totals(report, &mut out);
    r7_ranges(report, &mut out);
    r8_prose(report, &mut out);
    r9_plausibility(report, &mut out);
    r10_completeness(report, &mut out);
    out
}

/// The cross-year rules (R5, R6, and R9's year-on-year jumps) over any set of reports, pairing
/// reports whose agency names are identical. Each finding is returned with the index (in
/// `reports`) of the later report, which is where it belongs.
pub fn check_series(reports: &[&Report]) -> Vec<(usize, Finding)> {
    let agencies: std::collections::HashMap<&str, usize> = reports
        .iter()
        .enumerate()
        .map(|(i, r)| (r.agency.as_str(), i))
        .collect();
    let groups: Vec<usize> = reports
        .iter()
        .map(|r| agencies[r.agency.as_str()])
        .collect();
    check_series_by(reports, &groups)
}

/// The cross-year rules over reports grouped by agency: `groups[i]` names the agency of
/// `reports[i]` (equal numbers, same agency: see [`crate::names::groups`], which matches
/// name variants), and each report is compared with its group's report of the previous year.
pub fn check_series_by(reports: &[&Report], groups: &[usize]) -> Vec<(usize, Finding)> {
    // Index by (agency, year) so the cost grows as n log n with the number of reports; with
    // duplicates of one agency-year the last given wins. A report whose year is unknown has no
    // previous or next year: the rules are not applicable to it.
    let index: std::collections::HashMap<(usize, i32), usize> = reports
        .iter()
        .zip(groups)
        .enumerate()
        .filter_map(|(i, (r, &g))| Some(((g, r.known_year()?), i)))
        .collect();
    let mut out = Vec::new();
    for (i, (cur, &g)) in reports.iter().zip(groups).enumerate() {
        if let Some(year) = cur.known_year()
            && let Some(&p) = index.get(&(g, year - 1))
        {
            let prev = reports[p];
            let mut found = Vec::new();
            r5_carry_over(prev, cur, &mut found);
            r6_in_force(prev, cur, &mut found);
            r9_jumps(prev, cur, &mut found);
            out.extend(found.into_iter().map(|f| (i, f)));
        }
    }
    out
}

/// Every cell the cross-year rules read, of either report and either format: what a batch
/// must keep of each report to apply them at the end. Built from the rules' own cell lists
/// ([`r5_pairs`], [`r6_rows`], [`r9_jump_cells`]), so that it cannot drift from them.
pub fn series_cells() -> Vec<CellKey> {
    let mut keys: Vec<CellKey> = r5_pairs().flat_map(|(was, now)| [was, now]).collect();
    for row in r6_rows() {
        keys.extend(R6_COLUMNS.iter().map(|&c| CellKey::T2(row, c)));
    }
    for format in Format::ALL {
        keys.extend(r9_jump_cells(format));
    }
    keys.sort();
    keys.dedup();
    keys
}

fn t3(row: T3Row, col: Applicant) -> CellKey {
    CellKey::T3(row, col)
}

/// Sum of the cells if all are present.
fn sum(report: &Report, keys: &[CellKey]) -> Option<i64> {
    keys.iter()
        .map(|&k| report.int(k))
        .try_fold(0i64, |acc, v| Some(acc.saturating_add(v?)))
}

/// R1 (the rule printed in the format's corner note): new + carried in = results + carried out.
fn r1_balance(report: &Report, out: &mut Vec<Finding>) {
    for &col in Applicant::ALL {
        let left = [t3(T3Row::NewReceived, col), t3(T3Row::CarriedIn, col)];
        let right = [t3(T3Row::RTotal, col), t3(T3Row::CarriedOut, col)];
        if let (Some(a), Some(b)) = (sum(report, &left), sum(report, &right))
            && a != b
        {
            out.push(Finding::new(
                Rule::R1,
                left.into_iter().chain(right).collect(),
                format!(
                    "表三“{}”列：第一项加第二项之和（{a}）不等于第三项加第四项之和（{b}）",
                    template::applicant_label(col)
                ),
            ));
        }
    }
}

/// R2: the six applicant columns add up to the total, row by row.
fn r2_row_sums(report: &Report, out: &mut Vec<Finding>) {
    for row in report.t3_rows() {
        let parts: Vec<CellKey> = Applicant::KINDS.iter().map(|&c| t3(row, c)).collect();
        let total = t3(row, Applicant::Total);
        if let (Some(s), Some(t)) = (sum(report, &parts), report.int(total))
            && s != t
        {
            let mut cells = parts;
            cells.push(total);
            out.push(Finding::new(
                Rule::R2,
                cells,
                format!(
                    "表三“{}”行：六类申请人之和（{s}）不等于总计（{t}）",
                    template::t3_row_short_label(row)
                ),
            ));
        }
    }
}

/// The rows that add up to `r_total` in this report's layout (R3).
pub fn outcome_rows(report: &Report) -> Vec<T3Row> {
    report
        .t3_rows()
        .into_iter()
        .filter(|r| {
            !matches!(
                r,
                T3Row::NewReceived | T3Row::CarriedIn | T3Row::RTotal | T3Row::CarriedOut
            )
        })
        .collect()
}

/// R3: the outcome rows add up to `（七）总计`, column by column.
fn r3_outcome_sums(report: &Report, out: &mut Vec<Finding>) {
    let rows = outcome_rows(report);
    for &col in Applicant::ALL {
        let parts: Vec<CellKey> = rows.iter().map(|&r| t3(r, col)).collect();
        let total = t3(T3Row::RTotal, col);
        if let (Some(s), Some(t)) = (sum(report, &parts), report.int(total))
            && s != t
        {
            let mut cells = parts;
            cells.push(total);
            out.push(Finding::new(
                Rule::R3,
                cells,
                format!(
                    "表三“{}”列：各项办理结果之和（{s}）不等于（七）总计（{t}）",
                    template::applicant_label(col)
                ),
            ));
        }
    }
}

/// R4: each table 四 group total is the sum of its four outcomes.
fn r4_remedy_totals(report: &Report, out: &mut Vec<Finding>) {
    for group in T4_GROUPS {
        let parts: Vec<CellKey> = group[..4].iter().map(|&c| CellKey::T4(c)).collect();
        let total = CellKey::T4(group[4]);
        if let (Some(s), Some(t)) = (sum(report, &parts), report.int(total))
            && s != t
        {
            let name = match group[4] {
                T4Col::RevTotal => template::T4_REVIEW_HEADER,
                T4Col::LitDirectTotal => "行政诉讼（未经复议直接起诉）",
                _ => "行政诉讼（复议后起诉）",
            };
            let mut cells = parts;
            cells.push(total);
            out.push(Finding::new(
                Rule::R4,
                cells,
                format!("表四“{name}”：结果维持、结果纠正、其他结果、尚未审结之和（{s}）不等于总计（{t}）"),
            ));
        }
    }
}

/// R7: counts are non-negative integers (except 2019 `本年增/减`), money is non-negative.
fn r7_ranges(report: &Report, out: &mut Vec<Finding>) {
    for (key, value) in report.values() {
        let bad = match (key.kind(), value) {
            (CellKind::Count, Value::Int(n)) => n < 0,
            (CellKind::Money(_), Value::Money(d)) => d.is_sign_negative() && !d.is_zero(),
            _ => false,
        };
        if bad {
            let what = if matches!(key.kind(), CellKind::Money(_)) {
                "金额"
            } else {
                "数量"
            };
            out.push(Finding::new(
                Rule::R7,
                vec![key],
                format!(
                    "{}为 {value}：{what}不能为负数",
                    template::cell_name(report.format, key)
                ),
            ));
        }
    }
}

/// R8: figures written in the text agree with the tables.
fn r8_prose(report: &Report, out: &mut Vec<Finding>) {
    let texts =
        std::iter::once(report.preamble.as_str()).chain(report.sections.iter().map(String::as_str));
    let mut seen = Vec::new();
    for text in texts {
        for mention in prose::figures(text) {
            let table = sum(report, mention.cells);
            if let Some(t) = table
                && t != mention.value
                && !seen.contains(&(mention.cells, mention.value))
            {
                seen.push((mention.cells, mention.value));
                let names: Vec<String> = mention
                    .cells
                    .iter()
                    .map(|&k| template::cell_name(report.format, k))
                    .collect();
                out.push(Finding::new(
                    Rule::R8,
                    mention.cells.to_vec(),
                    format!(
                        "正文写“{}”（{}），但{}为 {t}",
                        mention.quote,
                        mention.value,
                        names.join("与")
                    ),
                ));
            }
        }
    }
}

/// Above this, an average centralised-procurement project is implausible: 10 亿元.
const PROCUREMENT_PER_ITEM_MAX_YUAN: i64 = 1_000_000_000;
/// Above this, a year's centralised procurement of one agency is implausible: 1000 亿元.
const PROCUREMENT_TOTAL_MAX_YUAN: i64 = 100_000_000_000;
/// Above this, an agency's administrative fees are implausible: 100 亿元 = 1,000,000 万元.
const FEES_MAX_WAN_YUAN: i64 = 1_000_000;

/// R9: implausible amounts and units, and `published_new > published_total`.
fn r9_plausibility(report: &Report, out: &mut Vec<Finding>) {
    let amount_key = CellKey::T2(T2Row::CentralProcurement, T2Col::ProcurementAmount);
    let items_key = CellKey::T2(T2Row::CentralProcurement, T2Col::ProcurementItems);
    if let Some(Value::Money(amount)) = report.get(amount_key) {
        let items = report.int(items_key).filter(|&n| n > 0);
        let per_item = items.map(|n| amount / Decimal::from(n));
        let too_big = amount > Decimal::from(PROCUREMENT_TOTAL_MAX_YUAN)
            || per_item.is_some_and(|p| p > Decimal::from(PROCUREMENT_PER_ITEM_MAX_YUAN));
        if too_big {
            let mut msg = format!(
                "表二“政府集中采购”行“采购总金额”为 {} 元（约 {} 亿元）",
                amount.normalize(),
                yi(amount)
            );
            if let (Some(n), Some(p)) = (items, per_item) {
                msg.push_str(&format!("，共 {n} 个项目，平均每个项目约 {} 亿元", yi(p)));
            }
            msg.push_str("，金额或单位可能有误（例如把“元”写成了“万”）");
            let mut cells = vec![amount_key];
            cells.extend(items.map(|_| items_key));
            out.push(Finding::new(Rule::R9, cells, msg));
        }
    }
    let fees_key = CellKey::T2(T2Row::AdminFees, T2Col::AmountWanYuan);
    if let Some(Value::Money(fees)) = report.get(fees_key)
        && fees > Decimal::from(FEES_MAX_WAN_YUAN)
    {
        out.push(Finding::new(
            Rule::R9,
            vec![fees_key],
            format!(
                "表二“行政事业性收费”本年收费金额为 {} 万元（约 {} 亿元），单位可能有误（本栏以万元为单位）",
                fees.normalize(),
                (fees / Decimal::from(10_000)).round_dp(2).normalize()
            ),
        ));
    }
    for row in [T2Row::Regulations, T2Row::NormativeDocs] {
        let new = CellKey::T2(row, T2Col::PublishedNew);
        let total = CellKey::T2(row, T2Col::PublishedTotal);
        if let (Some(n), Some(t)) = (report.int(new), report.int(total))
            && n > t
        {
            out.push(Finding::new(
                Rule::R9,
                vec![new, total],
                format!(
                    "表二“{}”行：本年新公开数量（{n}）大于对外公开总数量（{t}）",
                    template::t2_row_label(report.format, row)
                ),
            ));
        }
    }
}

fn yi(yuan: Decimal) -> Decimal {
    (yuan / Decimal::from(100_000_000)).round_dp(2).normalize()
}

/// Counts below this in both years are too small for a ×5 jump to mean anything.
const JUMP_MIN: i64 = 100;
/// A year-on-year ratio at or beyond this is flagged (R9).
const JUMP_RATIO: i64 = 5;

/// R9 across years: a large count that grows or shrinks fivefold or more.
fn r9_jumps(prev: &Report, cur: &Report, out: &mut Vec<Finding>) {
    for key in r9_jump_cells(cur.format) {
        if let (Some(a), Some(b)) = (prev.int(key), cur.int(key))
            && a.max(b) >= JUMP_MIN
            && (b >= a.saturating_mul(JUMP_RATIO) || a >= b.saturating_mul(JUMP_RATIO))
        {
            out.push(Finding::new(
                Rule::R9,
                vec![key],
                format!(
                    "{}从 {} 年的 {a} 变为 {} 年的 {b}，变化超过 {JUMP_RATIO} 倍，请核对",
                    template::cell_name(cur.format, key),
                    prev.year,
                    cur.year
                ),
            ));
        }
    }
}

/// The large counts whose year-on-year jumps R9 questions in a report of `format`: requests
/// received and decided, remedy totals, table 二 decisions, documents published and in force.
fn r9_jump_cells(format: Format) -> Vec<CellKey> {
    let mut keys: Vec<CellKey> = vec![
        t3(T3Row::NewReceived, Applicant::Total),
        t3(T3Row::RTotal, Applicant::Total),
    ];
    keys.extend(T4_GROUPS.iter().map(|g| CellKey::T4(g[4])));
    keys.extend(template::cells(format).into_iter().filter(|k| {
        matches!(k, CellKey::T2(_, c) if matches!(c, T2Col::Decisions | T2Col::PublishedTotal | T2Col::InForce))
    }));
    keys
}

/// R5: this year's `carried_in` equals last year's `carried_out`, column by column.
fn r5_carry_over(prev: &Report, cur: &Report, out: &mut Vec<Finding>) {
    for (col, (was, now)) in Applicant::ALL.iter().zip(r5_pairs()) {
        if let (Some(a), Some(b)) = (prev.int(was), cur.int(now))
            && a != b
        {
            out.push(Finding::new(
                Rule::R5,
                vec![now],
                format!(
                    "表三“{}”列：{} 年“上年结转”为 {b}，而 {} 年报告“结转下年度继续办理”为 {a}",
                    template::applicant_label(*col),
                    cur.year,
                    prev.year
                ),
            ));
        }
    }
}

/// The cells R5 compares, column by column of [`Applicant::ALL`]: last year's `carried_out`
/// and this year's `carried_in`.
fn r5_pairs() -> impl Iterator<Item = (CellKey, CellKey)> {
    Applicant::ALL
        .iter()
        .map(|&col| (t3(T3Row::CarriedOut, col), t3(T3Row::CarriedIn, col)))
}

/// The table 二 rows R6 follows from year to year, and the columns it reads of them.
fn r6_rows() -> [T2Row; 2] {
    [T2Row::Regulations, T2Row::NormativeDocs]
}

/// See [`r6_rows`].
const R6_COLUMNS: [T2Col; 3] = [T2Col::InForce, T2Col::Issued, T2Col::Repealed];

/// R6 (2021 format): in force this year = in force last year + issued − repealed.
fn r6_in_force(prev: &Report, cur: &Report, out: &mut Vec<Finding>) {
    if cur.format != Format::F2021 || prev.format != Format::F2021 {
        return;
    }
    for row in r6_rows() {
        let k = |c| CellKey::T2(row, c);
        let figures = (
            prev.int(k(T2Col::InForce)),
            cur.int(k(T2Col::Issued)),
            cur.int(k(T2Col::Repealed)),
            cur.int(k(T2Col::InForce)),
        );
        if let (Some(before), Some(issued), Some(repealed), Some(now)) = figures {
            let expected = before + issued - repealed;
            if expected != now {
                out.push(Finding::new(
                    Rule::R6,
                    vec![k(T2Col::Issued), k(T2Col::Repealed), k(T2Col::InForce)],
                    format!(
                        "表二“{}”：上年现行有效 {before} 件 + 本年制发 {issued} 件 − 本年废止 {repealed} 件 = {expected} 件，而本年现行有效为 {now} 件",
                        template::t2_row_label(cur.format, row)
                    ),
                ));
            }
        }
    }
}

/// How many missing cells a message lists by name before summarising.
const MISSING_LISTED: usize = 5;

/// R10: missing cells of the layout (one finding per table; the cells completeness counts),
/// empty required sections, fees not explained.
fn r10_completeness(report: &Report, out: &mut Vec<Finding>) {
    for (table, name) in [("t2", "表二"), ("t3", "表三"), ("t4", "表四")] {
        let missing: Vec<CellKey> = report
            .printed_cells()
            .into_iter()
            .filter(|&k| report.get(k).is_none() && table_of(k) == table)
            .collect();
        if !missing.is_empty() {
            let mut names: Vec<String> = missing
                .iter()
                .take(MISSING_LISTED)
                .map(|&k| template::cell_name(report.format, k))
                .collect();
            if missing.len() > MISSING_LISTED {
                names.push("等".to_owned());
            }
            out.push(Finding::new(
                Rule::R10,
                missing.clone(),
                format!(
                    "{name}有 {} 个单元格为空或无法识别：{}",
                    missing.len(),
                    names.join("、")
                ),
            ));
        }
    }
    for section in [Section::S1Overview, Section::S5Problems, Section::S6Other] {
        if report.section(section).trim().is_empty() {
            out.push(Finding::new(
                Rule::R10,
                vec![],
                format!(
                    "第{}部分“{}”内容为空",
                    ordinal(section),
                    section_title(section)
                ),
            ));
        }
    }
    let s5: String = report
        .section(Section::S5Problems)
        .chars()
        .filter(|c| !c.is_whitespace() && !"。.，,".contains(*c))
        .collect();
    if is_government(&report.agency) && matches!(s5.as_str(), "无" | "暂无" | "没有") {
        out.push(Finding::new(
            Rule::R10,
            vec![],
            "人民政府的年度报告须写明存在的主要问题及改进情况（第五部分），不能只写“无”".to_owned(),
        ));
    }
    let fees_key = CellKey::T2(T2Row::AdminFees, T2Col::AmountWanYuan);
    if let Some(Value::Money(fees)) = report.get(fees_key)
        && fees > Decimal::ZERO
        && !report.section(Section::S6Other).contains('费')
    {
        out.push(Finding::new(
            Rule::R10,
            vec![fees_key],
            format!(
                "表二报告了行政事业性收费 {} {}，但第六部分“其他需要报告的事项”未提及收费情况",
                fees.normalize(),
                MoneyUnit::WanYuan.label()
            ),
        ));
    }
}

fn table_of(key: CellKey) -> &'static str {
    match key {
        CellKey::T2(..) => "t2",
        CellKey::T3(..) => "t3",
        CellKey::T4(_) => "t4",
    }
}

/// The heading without its ordinal: `总体情况`.
fn section_title(section: Section) -> &'static str {
    let heading = template::section_heading(section);
    heading.split_once('、').map_or(heading, |(_, title)| title)
}

fn ordinal(section: Section) -> &'static str {
    ["一", "二", "三", "四", "五", "六"][section as usize]
}

/// A people's government itself, not one of its offices or departments (第五十条 asks more of
/// governments' reports).
pub fn is_government(agency: &str) -> bool {
    agency.ends_with("人民政府")
}
