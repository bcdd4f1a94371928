//! The words of disclosure work as officers type them, for every front end (ledger import, the
//! command line, later the web forms): applicant kinds, channels, outcome labels, remedy kinds
//! and results, and the date notations seen in ledgers. Normalises full-width characters,
//! spaces, quotes, brackets and ordinals before matching.

use crate::model::{Channel, Outcome, RemedyKind, RemedyResult};
use chrono::NaiveDate;
use gongkai_report::Applicant;
use gongkai_report::template::{applicant_label, t3_row_label, t3_row_short_label};

/// Full-width ASCII forms become ASCII; the ideographic space becomes a space.
pub fn halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '〝' | '〞' | '`'
    )
}

/// The comparison key of a label: half-width, without whitespace or quotes, brackets as `()`,
/// lower case.
pub fn key(s: &str) -> String {
    halfwidth(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !is_quote(*c))
        .map(|c| match c {
            '[' | '【' | '〔' | '〖' | '{' => '(',
            ']' | '】' | '〕' | '〗' | '}' => ')',
            '。' | '·' => '.',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
}

/// Removes leading ordinals such as `(一)`, `1.`, `一、`, `(1)` from a key.
pub fn strip_ordinal(mut k: &str) -> &str {
    loop {
        let before = k;
        if let Some(rest) = k.strip_prefix('(')
            && let Some(end) = rest.find(')')
            && end > 0
            && rest[..end].chars().all(is_numeral)
        {
            k = &rest[end + 1..];
        } else {
            let digits: usize = k
                .chars()
                .take_while(|c| is_numeral(*c))
                .map(char::len_utf8)
                .sum();
            if digits > 0 {
                let rest = &k[digits..];
                if let Some(r) = rest.strip_prefix('.').or_else(|| rest.strip_prefix('、')) {
                    k = r;
                }
            }
        }
        if k == before || k.is_empty() {
            return k;
        }
    }
}

/// The applicant column from its label (`自然人`, `商业企业`, …); `公民` and `个人` are read as
/// `自然人`.
pub fn parse_applicant(s: &str) -> Option<Applicant> {
    let k = key(s);
    if k == "公民" || k == "个人" {
        return Some(Applicant::NaturalPerson);
    }
    Applicant::KINDS
        .into_iter()
        .find(|a| key(applicant_label(*a)) == k)
}

/// Channel labels as the template offers them, in order.
pub const CHANNEL_LABELS: [(&str, Channel); 8] = [
    ("当面", Channel::InPerson),
    ("挂号信", Channel::RegisteredPost),
    ("平信", Channel::OrdinaryPost),
    ("网上", Channel::Online),
    ("电子邮件", Channel::Email),
    ("传真", Channel::Fax),
    ("口头", Channel::Oral),
    ("其他", Channel::Other),
];

const CHANNEL_ALIASES: [(&str, Channel); 16] = [
    ("现场", Channel::InPerson),
    ("当面提交", Channel::InPerson),
    ("现场提交", Channel::InPerson),
    ("挂号", Channel::RegisteredPost),
    ("邮寄", Channel::OrdinaryPost),
    ("信函", Channel::OrdinaryPost),
    ("在线", Channel::Online),
    ("网站", Channel::Online),
    ("网络", Channel::Online),
    ("在线平台", Channel::Online),
    ("邮箱", Channel::Email),
    ("电子邮箱", Channel::Email),
    ("email", Channel::Email),
    ("e-mail", Channel::Email),
    ("口头申请", Channel::Oral),
    ("口头提出", Channel::Oral),
];

/// The channel from the 申请方式 cell. A trailing `申请` (`网上申请`) is ignored.
pub fn parse_channel(s: &str) -> Option<Channel> {
    let k = key(s);
    let short = k.strip_suffix("申请").unwrap_or(&k);
    CHANNEL_LABELS
        .iter()
        .chain(CHANNEL_ALIASES.iter())
        .find(|(label, _)| key(label) == k || key(label) == short)
        .map(|(_, c)| *c)
}

/// The label of a channel as the template writes it.
pub fn channel_label(channel: Channel) -> &'static str {
    CHANNEL_LABELS
        .iter()
        .find(|(_, c)| *c == channel)
        .map_or("其他", |(l, _)| l)
}

/// The outcome from a 办理结果 label as officers write it (`予以公开`, `（一）予以公开`,
/// `1.属于国家秘密`, `申请人无正当理由逾期不补正`).
pub fn parse_outcome(s: &str) -> Option<Outcome> {
    OutcomeTable::new().parse(s)
}

/// Looks outcomes up by any of their accepted spellings.
#[derive(Debug)]
pub struct OutcomeTable(Vec<(String, Outcome)>);

impl Default for OutcomeTable {
    fn default() -> Self {
        Self::new()
    }
}

impl OutcomeTable {
    /// Every accepted spelling of every outcome.
    pub fn new() -> Self {
        let mut v = Vec::new();
        for o in Outcome::ALL {
            let row = o.row(gongkai_report::Format::F2021);
            for s in [o.label(), t3_row_label(row), t3_row_short_label(row)] {
                v.push((strip_ordinal(&key(s)).to_string(), o));
            }
        }
        // The 2019 format's single （六） row.
        v.push(("其他处理".to_string(), Outcome::OpOther));
        Self(v)
    }

    pub fn parse(&self, s: &str) -> Option<Outcome> {
        let k = key(s);
        let k = strip_ordinal(&k);
        let find = |k: &str| self.0.iter().find(|(l, _)| l == k).map(|(_, o)| *o);
        find(k).or_else(|| {
            // `部分公开（区分处理）`: a trailing explanation in brackets.
            let open = k.find('(')?;
            (open > 0 && k.ends_with(')'))
                .then(|| find(&k[..open]))
                .flatten()
        })
    }
}

pub const REMEDY_KIND_LABELS: [(&str, RemedyKind); 3] = [
    ("行政复议", RemedyKind::Reconsideration),
    ("未经复议直接起诉", RemedyKind::LitigationDirect),
    ("复议后起诉", RemedyKind::LitigationAfterReconsideration),
];

/// The remedy kind; `行政诉讼（未经复议直接起诉）` and `复议` are accepted too.
pub fn parse_remedy_kind(s: &str) -> Option<RemedyKind> {
    let k: String = key(s)
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '-' | ':' | '—' | '/'))
        .collect();
    let k = k.strip_prefix("行政诉讼").unwrap_or(&k);
    match k {
        "行政复议" | "复议" => Some(RemedyKind::Reconsideration),
        "未经复议直接起诉" | "直接起诉" => Some(RemedyKind::LitigationDirect),
        "复议后起诉" | "经复议后起诉" => {
            Some(RemedyKind::LitigationAfterReconsideration)
        }
        _ => None,
    }
}

/// The label of a remedy kind as the template writes it.
pub fn remedy_kind_label(kind: RemedyKind) -> &'static str {
    REMEDY_KIND_LABELS
        .iter()
        .find(|(_, k)| *k == kind)
        .map_or("行政复议", |(l, _)| l)
}

/// The result of a remedy case; `None` inside means 尚未审结.
pub const REMEDY_RESULT_LABELS: [(&str, Option<RemedyResult>); 4] = [
    ("结果维持", Some(RemedyResult::Upheld)),
    ("结果纠正", Some(RemedyResult::Corrected)),
    ("其他结果", Some(RemedyResult::Other)),
    ("尚未审结", None),
];

/// `Some(None)` is 尚未审结; `None` is not recognised.
pub fn parse_remedy_result(s: &str) -> Option<Option<RemedyResult>> {
    let k = key(s);
    match k.as_str() {
        "结果维持" | "维持" => Some(Some(RemedyResult::Upheld)),
        "结果纠正" | "纠正" => Some(Some(RemedyResult::Corrected)),
        "其他结果" | "其他" | "结果其他" => Some(Some(RemedyResult::Other)),
        "尚未审结" | "未审结" | "审理中" => Some(None),
        _ => None,
    }
}

/// The label of a remedy result as the template writes it (`None` is 尚未审结).
pub fn remedy_result_label(result: Option<RemedyResult>) -> &'static str {
    REMEDY_RESULT_LABELS
        .iter()
        .find(|(_, r)| *r == result)
        .map_or("尚未审结", |(l, _)| l)
}

/// A date written as text: `2024-03-05`, `2024/3/5`, `2024.3.5`, `2024年3月5日`, `20240305`,
/// optionally followed by a time (`2024-03-05 00:00:00`, `2024-03-05T00:00`), which is ignored.
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = halfwidth(s);
    let s = s.trim();
    let s = s.split([' ', '\t', 'T']).next()?;
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y = s[..4].parse().ok()?;
        let m = s[4..6].parse().ok()?;
        let d = s[6..].parse().ok()?;
        return NaiveDate::from_ymd_opt(y, m, d);
    }
    let s = if s.contains('年') {
        let t = s
            .strip_suffix('日')
            .or_else(|| s.strip_suffix('号'))
            .unwrap_or(s);
        let t = t.replacen('年', "-", 1).replacen('月', "-", 1);
        if t.contains(['-', '/', '.']) && t.matches('-').count() == 2 {
            t
        } else {
            return None;
        }
    } else {
        s.to_string()
    };
    let sep = s.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let parts: Vec<&str> = s.split(sep).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let ok = |p: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !(ok(y, 4, 4) && ok(m, 1, 2) && ok(d, 1, 2)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates() {
        for s in [
            "2024-03-05",
            "2024/3/5",
            "2024年3月5日",
            "2024.3.5",
            " 2024-3-05 ",
            "20240305",
            "2024-03-05 00:00:00",
            "２０２４－０３－０５",
            "2024年03月05号",
        ] {
            assert_eq!(parse_date_text(s), Some(d(2024, 3, 5)), "{s}");
        }
        for s in [
            "2024-13-01",
            "2024-02-30",
            "24-3-5",
            "2024-3",
            "2024/3-5",
            "abc",
            "",
            "2024年3月",
            "2024-03-05-01",
        ] {
            assert_eq!(parse_date_text(s), None, "{s}");
        }
    }

    #[test]
    fn ordinals_and_outcomes() {
        assert_eq!(strip_ordinal("(一)予以公开"), "予以公开");
        assert_eq!(strip_ordinal("1.属于国家秘密"), "属于国家秘密");
        assert_eq!(strip_ordinal("三类"), "三类");
        let t = OutcomeTable::new();
        for o in Outcome::ALL {
            assert_eq!(t.parse(o.label()), Some(o), "{}", o.label());
            let row = o.row(gongkai_report::Format::F2021);
            assert_eq!(t.parse(t3_row_label(row)), Some(o));
        }
        assert_eq!(t.parse("（一）予以公开"), Some(Outcome::Disclosed));
        assert_eq!(t.parse("1. 属于国家秘密"), Some(Outcome::NdStateSecret));
        assert_eq!(
            t.parse("危及\"三安全一稳定\""),
            Some(Outcome::NdSecurityStability)
        );
        assert_eq!(
            t.parse("危及三安全一稳定"),
            Some(Outcome::NdSecurityStability)
        );
        assert_eq!(t.parse("部分公开（区分处理）"), Some(Outcome::Partial));
        assert_eq!(t.parse("予以 公开"), Some(Outcome::Disclosed));
        assert_eq!(t.parse("公开"), None);
        assert_eq!(t.parse("其他处理"), Some(Outcome::OpOther));
    }

    #[test]
    fn channels_and_labels() {
        assert_eq!(parse_channel("网上申请"), Some(Channel::Online));
        assert_eq!(parse_channel("Ｅｍａｉｌ"), Some(Channel::Email));
        assert_eq!(parse_channel("快递"), None);
        for (label, c) in CHANNEL_LABELS {
            assert_eq!(parse_channel(label), Some(c));
            assert_eq!(channel_label(c), label);
        }
        for (label, k) in REMEDY_KIND_LABELS {
            assert_eq!(parse_remedy_kind(label), Some(k));
        }
        assert_eq!(
            parse_remedy_kind("行政诉讼（复议后起诉）"),
            Some(RemedyKind::LitigationAfterReconsideration)
        );
        for (label, r) in REMEDY_RESULT_LABELS {
            assert_eq!(parse_remedy_result(label), Some(r));
        }
        assert_eq!(parse_applicant(" 自然人 "), Some(Applicant::NaturalPerson));
        assert_eq!(parse_applicant("总计"), None);
    }
}

/// The events an officer records after the receipt, with the names the command line and the
/// API use (`correction-requested`) and the words pages show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// 发出补正通知（第三十条）.
    CorrectionRequested,
    /// 收到补正后的申请: the period starts again (第三十条).
    CorrectedReceived,
    /// 补正期限届满未补正: closed as 申请人无正当理由逾期不补正.
    CorrectionLapsed,
    /// 开始征求意见（第三十二条、第三十四条）.
    ConsultationStarted,
    /// 征求意见结束.
    ConsultationEnded,
    /// 发出收费通知（国办函〔2020〕109号）.
    FeeNoticeSent,
    /// 缴纳信息处理费.
    FeePaid,
    /// 批准延期（第三十三条第二款）.
    ExtensionApproved,
    /// 作出答复, with the outcome.
    Decided,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        EventKind::CorrectionRequested,
        EventKind::CorrectedReceived,
        EventKind::CorrectionLapsed,
        EventKind::ConsultationStarted,
        EventKind::ConsultationEnded,
        EventKind::FeeNoticeSent,
        EventKind::FeePaid,
        EventKind::ExtensionApproved,
        EventKind::Decided,
    ];

    /// The name on the command line and in the API.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::CorrectionRequested => "correction-requested",
            EventKind::CorrectedReceived => "corrected-received",
            EventKind::CorrectionLapsed => "correction-lapsed",
            EventKind::ConsultationStarted => "consultation-started",
            EventKind::ConsultationEnded => "consultation-ended",
            EventKind::FeeNoticeSent => "fee-notice-sent",
            EventKind::FeePaid => "fee-paid",
            EventKind::ExtensionApproved => "extension-approved",
            EventKind::Decided => "decided",
        }
    }

    /// What the event is, with the article it follows.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::CorrectionRequested => "发出补正通知（第三十条）",
            EventKind::CorrectedReceived => "收到补正后的申请，期限重新起算（第三十条）",
            EventKind::CorrectionLapsed => "补正期限届满未补正",
            EventKind::ConsultationStarted => "开始征求意见（第三十二条、第三十四条）",
            EventKind::ConsultationEnded => "征求意见结束",
            EventKind::FeeNoticeSent => "发出收费通知（国办函〔2020〕109号）",
            EventKind::FeePaid => "缴纳信息处理费",
            EventKind::ExtensionApproved => "批准延期答复（第三十三条第二款）",
            EventKind::Decided => "作出答复",
        }
    }

    /// The kind a name means.
    pub fn parse(name: &str) -> Option<EventKind> {
        let name = name.trim();
        EventKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The clock event of this kind on `date`.
    pub fn on(self, date: NaiveDate) -> gongkai_calendar::Event {
        use gongkai_calendar::Event;
        match self {
            EventKind::CorrectionRequested => Event::CorrectionRequested(date),
            EventKind::CorrectedReceived => Event::CorrectedReceived(date),
            EventKind::CorrectionLapsed => Event::CorrectionLapsed(date),
            EventKind::ConsultationStarted => Event::ConsultationStarted(date),
            EventKind::ConsultationEnded => Event::ConsultationEnded(date),
            EventKind::FeeNoticeSent => Event::FeeNoticeSent(date),
            EventKind::FeePaid => Event::FeePaid(date),
            EventKind::ExtensionApproved => Event::ExtensionApproved(date),
            EventKind::Decided => Event::Decided(date),
        }
    }
}
