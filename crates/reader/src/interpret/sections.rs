//! The report around its tables: the six sections found by ordinal and key words, the title
//! (agency and year), and the text of each section.

use crate::document::{Block, Document};
use crate::norm::{clean, norm};

/// The section a heading paragraph opens.
pub(crate) fn heading(n: &str) -> Option<usize> {
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
pub(super) fn find_title(front: &[&(usize, &str, String)]) -> Option<(usize, String, String)> {
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
pub(super) fn find_year(n: &str) -> Option<(i32, usize, usize)> {
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

/// Words that open the statistics period of the preamble.
const PERIOD: &[&str] = &["统计期限", "统计时限", "统计期间"];

/// The year of the statistics period a (normalised) preamble states, when it is one whole
/// calendar year: `统计期限自2023年1月1日起至2023年12月31日止`, `统计时限为2025年1月1日至12月31日`.
/// The report covers exactly that year, so it determines the report's year where no title does;
/// any other date (a signing date, `2024年1月` in the text) does not.
pub(super) fn period_year(n: &str) -> Option<i32> {
    PERIOD.iter().find_map(|key| {
        let at = n.find(key)? + key.len();
        let rest = &n[at..];
        let (y, start, end) = find_year(rest)?;
        if !matches!(
            &rest[..start],
            "" | "自" | "为" | "是" | ":" | "从" | "为自"
        ) {
            return None;
        }
        let rest = rest[end..].strip_prefix("1月1日")?;
        let rest = rest.strip_prefix('起').unwrap_or(rest);
        let rest = ["至", "到", "-", "~", "—"]
            .iter()
            .find_map(|s| rest.strip_prefix(s))?;
        // The end's year, when printed, must be the start's: a period over two years is no
        // report year.
        let rest = match find_year(rest) {
            Some((y2, 0, e)) if y2 == y => &rest[e..],
            Some((_, 0, _)) => return None,
            _ => rest,
        };
        rest.starts_with("12月31日").then_some(y)
    })
}

/// The year of the first phrase of a (normalised) text in which the report names itself,
/// `某某县人民政府办公室2020年政府信息公开工作年度报告` or `现公布本办2020年政府信息公开工作年度报告`:
/// a year, at most [`NAMED_GAP`] characters of name (no punctuation), then
/// `政府信息公开（工作）年度报告`. Used on the text before section 一 only, where no other report
/// is cited (section 五 may cite last year's report by the same phrase).
pub(super) fn named_year(n: &str) -> Option<i32> {
    const KEY: &str = "政府信息公开";
    n.match_indices(KEY).find_map(|(at, _)| {
        let after = &n[at + KEY.len()..];
        if !after.starts_with("年度报告") && !after.starts_with("工作年度报告") {
            return None;
        }
        let before = &n[..at];
        let from = before
            .char_indices()
            .rev()
            .take(NAMED_GAP + 5)
            .take_while(|&(_, c)| !matches!(c, '。' | ',' | ';' | ':' | '《' | '》' | '“' | '”'))
            .last()
            .map_or(at, |(i, _)| i);
        find_year(&before[from..]).map(|(y, _, _)| y)
    })
}

/// Characters of agency name allowed between a year and `政府信息公开` in [`named_year`]
/// (`2023年度淮安市洪泽区人民政府办公室政府信息公开…`).
const NAMED_GAP: usize = 30;

/// Agency and year from a (normalised) title; with the year first, the agency follows it.
pub(super) fn agency_year(t: &str) -> (String, Option<i32>) {
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
pub(super) fn section_text(doc: &Document, start: usize, end: usize, all: bool) -> String {
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
pub(super) fn strip_signature(text: &str, agency: &str) -> String {
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
