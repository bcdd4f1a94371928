//! Text normalisation, figures and the distinctive cores of the template's labels (spec §6).

use gongkai_report::template::{CellKind, MoneyUnit};
use gongkai_report::{Applicant, T2Col, T2Row, T3Row, T4Col, Value};
use rust_decimal::Decimal;
use std::str::FromStr;
use unicode_normalization::UnicodeNormalization;

/// NFKC, without any white space or quotation marks: the form labels are matched in.
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        if c.is_whitespace()
            || matches!(
                c,
                '“' | '”' | '"' | '‘' | '’' | '\'' | '\u{200b}' | '\u{feff}' | '\u{00ad}'
            )
        {
            continue;
        }
        // Fast paths for what reports are made of; NFKC for everything else.
        if u < 0x80 || (0x4e00..=0x9fff).contains(&u) || (0x3001..=0x303f).contains(&u) {
            out.push(c);
        } else if (0xff01..=0xff5e).contains(&u) {
            out.push(char::from_u32(u - 0xfee0).unwrap_or(c));
        } else {
            out.extend(std::iter::once(c).nfkc().filter(|c| !c.is_whitespace()));
        }
    }
    out
}

/// Trims white space, including ideographic spaces and no-break spaces.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
}

/// A figure as printed in a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    /// Blank, `/`, `-`, `—`, `无`: the cell is present but holds no figure (`null`).
    Blank,
    Number {
        negative: bool,
        /// Digits, with at most one `.`, no separators.
        digits: String,
        unit: Unit,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    None,
    Count,
    Yuan,
    Wan,
    Yi,
}

const BLANKS: &[&str] = &[
    "", "/", "-", "--", "—", "——", "–", "―", "无", "\\", "_", "／", "一", "∕", "0/", "空",
];

/// Parses a normalised cell text as a figure; `None` when it is not one (a label).
pub fn figure(n: &str) -> Option<Figure> {
    if BLANKS.contains(&n) {
        return Some(Figure::Blank);
    }
    let (negative, rest) = match n.as_bytes().first() {
        Some(b'+') => (false, &n[1..]),
        Some(b'-') => (true, &n[1..]),
        _ => (false, n),
    };
    let num_end = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .map_or(rest.len(), |(i, _)| i);
    let (num, unit) = rest.split_at(num_end);
    if !num.starts_with(|c: char| c.is_ascii_digit()) || num.ends_with(',') {
        return None;
    }
    let mut digits = String::with_capacity(num.len());
    let mut dots = 0;
    let mut prev = ' ';
    for c in num.chars() {
        match c {
            ',' if prev.is_ascii_digit() => {}
            ',' => return None,
            '.' => {
                dots += 1;
                digits.push('.');
            }
            _ => digits.push(c),
        }
        prev = c;
    }
    if dots > 1 || digits.ends_with('.') && !unit.is_empty() {
        return None;
    }
    let digits = digits.trim_end_matches('.').to_owned();
    let unit = match unit {
        "" => Unit::None,
        "元" => Unit::Yuan,
        "万" | "万元" => Unit::Wan,
        "亿" | "亿元" => Unit::Yi,
        "件" | "个" | "项" | "条" | "次" | "人" | "家" | "宗" => Unit::Count,
        _ => return None,
    };
    Some(Figure::Number {
        negative,
        digits,
        unit,
    })
}

/// Whether a normalised text is a figure (or a blank standing for one).
pub fn is_figure(n: &str) -> bool {
    figure(n).is_some()
}

/// The value of a figure for a cell of `kind`: `Ok(None)` for a blank, `Err` when the figure
/// does not fit the cell (a fraction in a count, a money unit on a count).
pub fn value(fig: &Figure, kind: CellKind) -> Result<Option<Value>, String> {
    let Figure::Number {
        negative,
        digits,
        unit,
    } = fig
    else {
        return Ok(None);
    };
    match kind {
        CellKind::Count | CellKind::SignedCount => {
            if matches!(unit, Unit::Yuan | Unit::Wan | Unit::Yi) {
                return Err("计数单元格中出现金额单位".into());
            }
            let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
            if frac.chars().any(|c| c != '0') {
                return Err("计数不是整数".into());
            }
            let n: i64 = int.parse().map_err(|_| "数字过大".to_owned())?;
            Ok(Some(Value::Int(if *negative { -n } else { n })))
        }
        CellKind::Money(canonical) => {
            let mut d = Decimal::from_str(digits).map_err(|_| "金额无法识别".to_owned())?;
            if *negative {
                d.set_sign_negative(true);
            }
            let factor: i64 = match (canonical, unit) {
                (_, Unit::Count) => return Err("金额单元格中出现计数单位".into()),
                (MoneyUnit::Yuan, Unit::None | Unit::Yuan) => 1,
                (MoneyUnit::Yuan, Unit::Wan) => 10_000,
                (MoneyUnit::Yuan, Unit::Yi) => 100_000_000,
                (MoneyUnit::WanYuan, Unit::None | Unit::Wan) => 1,
                (MoneyUnit::WanYuan, Unit::Yi) => 10_000,
                (MoneyUnit::WanYuan, Unit::Yuan) => {
                    let d = d
                        .checked_div(Decimal::from(10_000))
                        .ok_or_else(|| "金额过大".to_owned())?;
                    return Ok(Some(Value::Money(d.normalize())));
                }
            };
            let d = d
                .checked_mul(Decimal::from(factor))
                .ok_or_else(|| "金额过大".to_owned())?;
            Ok(Some(Value::Money(d.normalize())))
        }
    }
}

/// Removes a leading ordinal: `一、`, `(一)`, `1.`, `1、`, `(1)`, `第一`, repeatedly.
pub fn strip_ordinal(mut s: &str) -> &str {
    const CN: &str = "一二三四五六七八九十";
    loop {
        let before = s;
        if let Some(rest) = s.strip_prefix('(') {
            if let Some(end) = rest.find(')') {
                let inner = &rest[..end];
                if !inner.is_empty()
                    && inner.chars().count() <= 3
                    && inner.chars().all(|c| CN.contains(c) || c.is_ascii_digit())
                {
                    s = &rest[end + 1..];
                }
            }
        } else {
            let end = s
                .char_indices()
                .find(|&(_, c)| !(CN.contains(c) || c.is_ascii_digit()))
                .map_or(s.len(), |(i, _)| i);
            if end > 0 && end <= 9 {
                let rest = &s[end..];
                if let Some(r) = rest
                    .strip_prefix('、')
                    .or_else(|| rest.strip_prefix('.'))
                    .or_else(|| rest.strip_prefix(','))
                {
                    s = r;
                }
            }
        }
        if s == before {
            return s;
        }
    }
}

/// The table 二 row a label stands for.
pub fn t2_row(n: &str) -> Option<T2Row> {
    if n.chars().count() > 24 {
        return None;
    }
    let n = strip_ordinal(n);
    let table: &[(&[&str], T2Row)] = &[
        (&["对外管理服务"], T2Row::OtherExternalServices),
        (&["行政许可"], T2Row::AdminLicensing),
        (&["行政处罚"], T2Row::AdminPenalty),
        (&["行政强制"], T2Row::AdminCompulsion),
        (&["事业性收费"], T2Row::AdminFees),
        (&["集中采购", "政府采购"], T2Row::CentralProcurement),
        (&["规范性文件"], T2Row::NormativeDocs),
        (&["规章"], T2Row::Regulations),
    ];
    table
        .iter()
        .find(|(cores, _)| cores.iter().any(|c| n.contains(c)))
        .map(|&(_, r)| r)
}

/// The table 二 columns named in a header text, in the order they appear.
pub fn t2_cols(n: &str) -> Vec<T2Col> {
    let table: &[(&[&str], T2Col)] = &[
        (&["新制作"], T2Col::MadeNew),
        (&["新公开"], T2Col::PublishedNew),
        (&["公开总"], T2Col::PublishedTotal),
        (&["上一年", "上年项目"], T2Col::ItemsPrevYear),
        (&["增/减", "增减", "增(减)"], T2Col::ItemsChange),
        (&["处理决定"], T2Col::Decisions),
        (&["采购项目"], T2Col::ProcurementItems),
        (&["总金额", "采购金额"], T2Col::ProcurementAmount),
        (&["制发"], T2Col::Issued),
        (&["废止"], T2Col::Repealed),
        (&["现行有效"], T2Col::InForce),
        (&["收费金额"], T2Col::AmountWanYuan),
    ];
    let mut found: Vec<(usize, T2Col)> = Vec::new();
    for (cores, col) in table {
        if let Some(pos) = cores.iter().filter_map(|c| n.find(c)).min() {
            found.push((pos, *col));
        }
    }
    found.sort();
    found.into_iter().map(|(_, c)| c).collect()
}

/// The table 二 column a note printed under a figure belongs to: `（含自然失效29件）` can only
/// qualify a count of repealed documents; otherwise the column the note names, if exactly one.
pub fn note_column(n: &str) -> Option<T2Col> {
    if ["失效", "废止", "撤销"].iter().any(|w| n.contains(w)) {
        return Some(T2Col::Repealed);
    }
    match t2_cols(n)[..] {
        [c] => Some(c),
        _ => None,
    }
}

/// The caption ordinal of a table 二 block (`第二十条第（五）项` ⇒ 5).
pub fn t2_caption(n: &str) -> Option<u32> {
    let i = n.find("第二十条")?;
    let rest = &n[i + "第二十条".len()..];
    let rest = rest.strip_prefix('第').unwrap_or(rest);
    let rest = rest.strip_prefix('(').unwrap_or(rest);
    let c = rest.chars().next()?;
    "一二三四五六七八九十"
        .chars()
        .position(|x| x == c)
        .map(|p| p as u32 + 1)
}

/// The table 三 row a label stands for. `strong` cores only are tried on a whole (joined) label;
/// the weak ones (`其他`, `其他处理`, `总计`) need the leaf label itself.
pub fn t3_row(n: &str, weak: bool) -> Option<T3Row> {
    if n.chars().count() > 80 {
        return None;
    }
    let table: &[(&[&str], T3Row)] = &[
        (&["本年新收", "新收政府信息"], T3Row::NewReceived),
        (&["上年结转"], T3Row::CarriedIn),
        (&["结转下年", "下年度继续", "转下年"], T3Row::CarriedOut),
        (&["予以公开"], T3Row::RDisclosed),
        (&["部分公开"], T3Row::RPartial),
        (&["国家秘密"], T3Row::NdStateSecret),
        (&["禁止公开"], T3Row::NdLawProhibited),
        (&["三安全一稳定", "危及"], T3Row::NdSecurityStability),
        (&["第三方"], T3Row::NdThirdParty),
        (&["内部事务"], T3Row::NdInternalAffairs),
        (&["过程性"], T3Row::NdProcessInfo),
        (&["执法案卷"], T3Row::NdEnforcementFile),
        (&["行政查询"], T3Row::NdAdminInquiry),
        (&["不掌握"], T3Row::NaNotHeld),
        (&["另行制作", "没有现成"], T3Row::NaNeedsCreation),
        (&["不补正"], T3Row::OpNoCorrection),
        (&["补正后", "仍不明确"], T3Row::NaUnclearAfterFix),
        (&["信访"], T3Row::NpPetition),
        (&["重复申请"], T3Row::NpRepeat),
        (&["出版物"], T3Row::NpPublication),
        (&["大量反复"], T3Row::NpMassUnjustified),
        (&["重新出具", "确认或"], T3Row::NpConfirmReissue),
        (&["缴纳费用", "收费通知"], T3Row::OpFeeUnpaid),
    ];
    if let Some(&(_, r)) = table
        .iter()
        .find(|(cores, _)| cores.iter().any(|c| n.contains(c)))
    {
        return Some(r);
    }
    if !weak {
        return None;
    }
    let leaf = strip_ordinal(n);
    match leaf {
        "其他处理" | "其它处理" => Some(T3Row::ROther),
        "其他" | "其它" => Some(T3Row::OpOther),
        "总计" | "合计" => Some(T3Row::RTotal),
        _ => None,
    }
}

/// Whether a header text names table 三 columns.
pub fn is_t3_header(n: &str) -> bool {
    [
        "自然人",
        "申请人情况",
        "商业企业",
        "科研机构",
        "法人或其他组织",
        "勾稽",
        "公益组织",
    ]
    .iter()
    .any(|c| n.contains(c))
}

/// The table 三 column a header slot names.
pub fn applicant(n: &str) -> Option<Applicant> {
    let table: &[(&str, Applicant)] = &[
        ("自然人", Applicant::NaturalPerson),
        ("商业", Applicant::OrgCommercial),
        ("科研", Applicant::OrgResearch),
        ("公益", Applicant::OrgPublicWelfare),
        ("法律", Applicant::OrgLegalService),
        ("总计", Applicant::Total),
        ("合计", Applicant::Total),
    ];
    if let Some(&(_, a)) = table.iter().find(|(c, _)| n.contains(c)) {
        return Some(a);
    }
    let rest = n.replace("法人或其他组织", "").replace("申请人情况", "");
    (rest.contains("其他") || rest.contains("其它")).then_some(Applicant::OrgOther)
}

/// Whether a header text names table 四 columns.
pub fn is_t4_header(n: &str) -> bool {
    [
        "行政复议",
        "行政诉讼",
        "结果维持",
        "结果纠正",
        "尚未审结",
        "直接起诉",
        "复议后起诉",
    ]
    .iter()
    .any(|c| n.contains(c))
}

/// The table 四 column a header slot (group path + leaf) names.
pub fn t4_col(n: &str) -> Option<T4Col> {
    let group = if n.contains("未经复议") || n.contains("直接起诉") {
        1
    } else if n.contains("复议后") {
        2
    } else if n.contains("复议") {
        0
    } else {
        return None;
    };
    let leaf = if n.ends_with("维持") {
        0
    } else if n.ends_with("纠正") {
        1
    } else if n.ends_with("其他结果") || n.ends_with("其他") {
        2
    } else if n.ends_with("尚未审结") || n.ends_with("审结") {
        3
    } else if n.ends_with("总计") || n.ends_with("合计") {
        4
    } else {
        return None;
    };
    Some(gongkai_report::keys::T4_GROUPS[group][leaf])
}

/// Display width of a line: CJK and full-width characters count 2.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) < 0x1100 { 1 } else { 2 })
        .sum()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn figures() {
        assert!(figure(&norm(" 1,234 ")).is_some());
        assert_eq!(figure("3.其他"), None);
        assert_eq!(figure("/"), Some(Figure::Blank));
        let f = figure(&norm("33633789.63万")).unwrap();
        assert_eq!(
            value(&f, CellKind::Money(MoneyUnit::Yuan)).unwrap(),
            Some(Value::Money(Decimal::from(336_337_896_300_i64)))
        );
        let f = figure("+0").unwrap();
        assert_eq!(
            value(&f, CellKind::SignedCount).unwrap(),
            Some(Value::Int(0))
        );
        let f = figure("-4").unwrap();
        assert_eq!(
            value(&f, CellKind::SignedCount).unwrap(),
            Some(Value::Int(-4))
        );
        assert!(figure("2024年").is_none());
    }

    #[test]
    fn ordinals_and_cores() {
        assert_eq!(strip_ordinal("(七)总计"), "总计");
        assert_eq!(strip_ordinal("3.其他"), "其他");
        assert_eq!(
            t3_row(&norm("3.危及“三安全一稳定”"), true),
            Some(T3Row::NdSecurityStability)
        );
        assert_eq!(
            t3_row(
                &norm("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
                true
            ),
            Some(T3Row::RPartial)
        );
        assert_eq!(t3_row(&norm("（六）其他处理"), true), Some(T3Row::ROther));
        assert_eq!(t3_row(&norm("(三)不予公开"), true), None);
        assert_eq!(t2_caption(&norm("第二十条第（九）项")), Some(9));
        assert_eq!(
            t2_row(&norm("其他对外管理服务事项")),
            Some(T2Row::OtherExternalServices)
        );
        assert_eq!(
            applicant(&norm("法人或其他组织其他")),
            Some(Applicant::OrgOther)
        );
        assert_eq!(
            t4_col(&norm("行政诉讼复议后起诉尚未审结")),
            Some(T4Col::LitAfterRevPending)
        );
        assert_eq!(t4_col(&norm("行政复议总计")), Some(T4Col::RevTotal));
    }
}
