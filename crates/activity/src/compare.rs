//! The figures an agency wrote in its own section 二 ("主动公开政府信息3327条", "公开答复留言14件",
//! "开设政务新媒体12个，全年发布信息1815条", "网站访问量2000余万次"), read back and compared with the
//! computed ones: rule R8 (the text agrees with the figures) for section 二.
//!
//! A figure written approximately is compared at the precision it is written with: "2012万次"
//! agrees with anything from 20,110,001 to 20,129,999 (one 万 either way: rounded or cut);
//! "约1800条" with 1,701–1,899 (its last non-zero digit is the hundreds); "1800余条" with
//! 1,800–1,899; "近2000条" with 1,001–2,000; "超过2000万次" with anything from 20,000,000 up.

use crate::figures::Activity;
use crate::keys::ActivityKey;
use gongkai_report::{Finding, Rule, prose};

/// How a figure is qualified in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// As written, at the precision of its unit (万, 亿, a decimal).
    Exact,
    /// 约: about.
    About,
    /// 余, 多, 超过, 逾: at least.
    AtLeast,
    /// 近: nearly, at most.
    AtMost,
}

/// A figure found in section 二's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub key: ActivityKey,
    /// The value in units (2000万 is 20,000,000).
    pub value: i64,
    /// The value of the last digit written: 1 for "1815", 10,000 for "2012万", 1,000 for
    /// "2012.3万".
    pub unit: i64,
    /// The value of the last non-zero digit written: 100 for "1800", 10,000,000 for "2000万".
    pub significant: i64,
    pub qualifier: Qualifier,
    /// The words as written.
    pub quote: String,
}

impl Mention {
    /// Whether the computed figure agrees with the one written.
    pub fn agrees(&self, computed: i64) -> bool {
        let (w, c) = (self.value, computed);
        match self.qualifier {
            Qualifier::Exact => (c - w).abs() < self.unit,
            Qualifier::About => (c - w).abs() < self.significant.max(self.unit),
            Qualifier::AtLeast => c >= w && c - w < self.significant.max(self.unit),
            Qualifier::AtMost => c <= w && w - c < self.significant.max(self.unit),
        }
    }
}

/// Where a phrase counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Anywhere,
    /// Only in a sentence that speaks of 新媒体 ("开设政务新媒体12个，全年发布信息1815条").
    NewMedia,
}

/// Phrases that introduce a figure, longest first where one starts another.
const PHRASES: &[(&str, ActivityKey, Context)] = &[
    (
        "主动公开政府信息",
        ActivityKey::Published,
        Context::Anywhere,
    ),
    (
        "主动公开各类政府信息",
        ActivityKey::Published,
        Context::Anywhere,
    ),
    (
        "主动公开各类信息",
        ActivityKey::Published,
        Context::Anywhere,
    ),
    ("主动公开信息", ActivityKey::Published, Context::Anywhere),
    ("政策解读", ActivityKey::Interpretations, Context::Anywhere),
    ("解读材料", ActivityKey::Interpretations, Context::Anywhere),
    (
        "收到公众留言",
        ActivityKey::MessagesReceived,
        Context::Anywhere,
    ),
    (
        "收到网民留言",
        ActivityKey::MessagesReceived,
        Context::Anywhere,
    ),
    (
        "收到群众留言",
        ActivityKey::MessagesReceived,
        Context::Anywhere,
    ),
    ("收到留言", ActivityKey::MessagesReceived, Context::Anywhere),
    ("受理留言", ActivityKey::MessagesReceived, Context::Anywhere),
    (
        "答复公众留言",
        ActivityKey::MessagesAnswered,
        Context::Anywhere,
    ),
    (
        "答复网民留言",
        ActivityKey::MessagesAnswered,
        Context::Anywhere,
    ),
    ("答复留言", ActivityKey::MessagesAnswered, Context::Anywhere),
    ("回复留言", ActivityKey::MessagesAnswered, Context::Anywhere),
    ("办结留言", ActivityKey::MessagesAnswered, Context::Anywhere),
    ("公开答复", ActivityKey::RepliesPublic, Context::Anywhere),
    ("政务新媒体", ActivityKey::Channels, Context::Anywhere),
    ("新媒体账号", ActivityKey::Channels, Context::Anywhere),
    ("发布信息", ActivityKey::ChannelPosts, Context::NewMedia),
    ("发布各类信息", ActivityKey::ChannelPosts, Context::NewMedia),
    ("推送信息", ActivityKey::ChannelPosts, Context::NewMedia),
    ("页面访问量", ActivityKey::PageViews, Context::Anywhere),
    ("访问量", ActivityKey::PageViews, Context::Anywhere),
    ("浏览量", ActivityKey::PageViews, Context::Anywhere),
    ("点击量", ActivityKey::PageViews, Context::Anywhere),
];

/// Words that may stand between a phrase and its number.
const FILLERS: &[&str] = &[
    "共计", "累计", "总计", "合计", "共", "计", "数量", "数", "为", "达到", "达", "了", "：", ":",
    "材料", "稿件", "文章", "留言", "账号", "平台", "全年", "信息", "件数", "条数",
];

/// Qualifiers before the number.
const BEFORE: &[(&str, Qualifier)] = &[
    ("超过", Qualifier::AtLeast),
    ("逾", Qualifier::AtLeast),
    ("约", Qualifier::About),
    ("近", Qualifier::AtMost),
];

/// The units each figure may be counted in.
fn units(key: ActivityKey) -> &'static [&'static str] {
    use ActivityKey::*;
    match key {
        Published | PublishedItem(_) => &["条", "件", "篇", "份"],
        Interpretations => &["篇", "件", "条", "期", "份"],
        MessagesReceived | MessagesAnswered | RepliesPublic => &["件", "条", "个", "次"],
        Channels => &["个", "家"],
        ChannelPosts => &["条", "篇", "次"],
        PageViews => &["人次", "次"],
    }
}

/// Every figure section 二's text states, in order of appearance.
pub fn mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    // Sentences end at 。；; and line breaks: the context of a phrase is its sentence.
    for sentence in text.split(['。', '；', ';', '\n']) {
        let new_media = sentence.contains("新媒体");
        let mut i = 0;
        while i < sentence.len() {
            let rest = &sentence[i..];
            let found = PHRASES.iter().find(|(p, _, ctx)| {
                rest.starts_with(p) && (*ctx == Context::Anywhere || new_media)
            });
            let Some(&(phrase, key, _)) = found else {
                i += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            };
            if let Some((mut m, used)) = figure_after(&rest[phrase.len()..], key) {
                m.quote = format!("{phrase}{}", &rest[phrase.len()..phrase.len() + used]);
                out.push(m);
            }
            i += phrase.len();
        }
    }
    out
}

/// Reads fillers, a qualifier, a number (Arabic with thousands separators and a decimal part,
/// or Chinese numerals), 余/多, 万/亿 and a unit of `key`.
fn figure_after(text: &str, key: ActivityKey) -> Option<(Mention, usize)> {
    let mut pos = 0;
    let mut qualifier = Qualifier::Exact;
    loop {
        let rest = &text[pos..];
        if let Some(f) = FILLERS.iter().find(|f| rest.starts_with(**f)) {
            pos += f.len();
        } else if let Some((q, ql)) = BEFORE.iter().find(|(q, _)| rest.starts_with(q)) {
            pos += q.len();
            qualifier = *ql;
        } else {
            break;
        }
    }
    let (mantissa, decimals, len) = number(&text[pos..])?;
    pos += len;
    let mut significant_digits = mantissa;
    let mut zeros = 0u32;
    while significant_digits != 0 && significant_digits % 10 == 0 {
        significant_digits /= 10;
        zeros += 1;
    }
    let mut after = |s: &str| -> bool {
        if text[pos..].starts_with(s) {
            pos += s.len();
            true
        } else {
            false
        }
    };
    if after("余") || after("多") {
        qualifier = Qualifier::AtLeast;
    }
    let multiplier: i64 = if after("亿") {
        100_000_000
    } else if after("万") {
        10_000
    } else {
        1
    };
    if after("余") || after("多") {
        qualifier = Qualifier::AtLeast;
    }
    let unit_word = units(key).iter().find(|u| text[pos..].starts_with(**u));
    match unit_word {
        Some(u) => pos += u.len(),
        // "访问量2000万" without 次: the 万 makes it a count.
        None if multiplier > 1 && key == ActivityKey::PageViews => {}
        None => return None,
    }
    let scale = 10i64.checked_pow(decimals)?;
    let unit = (multiplier / scale).max(1);
    let value = mantissa.checked_mul(multiplier)? / scale;
    let significant = 10i64
        .checked_pow(zeros)
        .and_then(|z| z.checked_mul(unit))
        .unwrap_or(i64::MAX);
    Some((
        Mention {
            key,
            value,
            unit,
            significant,
            qualifier,
            quote: String::new(),
        },
        pos,
    ))
}

/// A number at the start of `text`: Arabic digits with thousands separators and an optional
/// decimal part (the mantissa without the point, the number of decimals), or Chinese numerals.
fn number(text: &str) -> Option<(i64, u32, usize)> {
    let mut digits = String::new();
    let mut decimals = 0u32;
    let mut point = false;
    let mut len = 0;
    for (i, c) in text.char_indices() {
        match c {
            '0'..='9' => {
                digits.push(c);
                decimals += u32::from(point);
            }
            ',' | '，' if i > 0 && !point => {
                // A thousands separator only when three digits follow ("1,815"); a Chinese
                // comma after a figure ends it ("12个，全年…" is not reached here, but
                // "3327，其中" is).
                let next: String = text[i + c.len_utf8()..].chars().take(4).collect();
                let three = next.chars().take(3).all(|d| d.is_ascii_digit())
                    && !next.chars().nth(3).is_some_and(|d| d.is_ascii_digit());
                if !three || c == '，' {
                    break;
                }
            }
            '.' if !point && i > 0 && text[i + 1..].starts_with(|d: char| d.is_ascii_digit()) => {
                point = true;
            }
            _ => break,
        }
        len = i + c.len_utf8();
    }
    if !digits.is_empty() {
        return Some((digits.parse().ok()?, decimals, len));
    }
    let (v, len) = prose::number_at(text)?;
    Some((v, 0, len))
}

/// R8 for section 二: every figure the agency wrote in `text` that disagrees with the computed
/// one, for the kinds of records the scope keeps (a figure of a kind gongkai has no records of
/// cannot be checked and is not reported). One finding per figure and value written.
pub fn compare(text: &str, activity: &Activity) -> Vec<Finding> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for m in mentions(text) {
        if !activity.kept(m.key) {
            continue;
        }
        let computed = activity.value(m.key);
        if m.agrees(computed) || seen.contains(&(m.key, m.value)) {
            continue;
        }
        seen.push((m.key, m.value));
        out.push(Finding {
            rule: Rule::R8,
            severity: Rule::R8.severity(),
            cells: Vec::new(),
            message: format!(
                "第二部分正文写“{}”，但系统记录的{}为 {computed}（{}，可逐条追溯）",
                m.quote,
                m.key.label(),
                m.key
            ),
        });
    }
    out
}
