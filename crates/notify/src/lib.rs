//! The messages gongkai sends about a request (issue 16 §3), as pure rules: what each
//! milestone says ([`Milestone`], [`default_template`]), an agency's own templates checked
//! before they are saved ([`validate`]), a message rendered with every identity-number-looking
//! sequence scrubbed ([`render`], [`scrub`]), SMS segments counted ([`sms_segments`]), the quiet
//! hours in China time ([`QuietHours`]) and the back-off of a failed attempt ([`backoff`]).
//!
//! To the applicant: the receipt (with the tracking code of an online application), the
//! correction notice (补正, 第三十条), the extension (延期, 第三十三条第二款) and the reply
//! (答复, 第三十六条), by SMS and by e-mail. To staff: a request dispatched to their unit, and
//! their requests due soon or overdue (第三十三条), by e-mail.
#![forbid(unsafe_code)]

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Offset, TimeZone, Utc};
use minijinja::{Environment, UndefinedBehavior};
use std::collections::BTreeMap;

/// Who a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Applicant,
    Staff,
}

/// What a message tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Milestone {
    /// The request was received (第三十一条): its reference, and for an online application the
    /// tracking code, known in clear only at submission.
    Received,
    /// The applicant is asked to correct the request (补正, 第三十条).
    CorrectionRequested,
    /// The answer deadline was extended by 20 working days (第三十三条第二款: the applicant
    /// must be told).
    Extended,
    /// The agency replied (第三十六条).
    Replied,
    /// A request was dispatched to the staff's unit (转办).
    Dispatched,
    /// The staff's requests due within the due-soon threshold (第三十三条).
    DueSoon,
    /// The staff's requests past their deadline (第三十三条).
    Overdue,
}

/// How a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Sms, Channel::Email];

    pub fn key(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Sms => "短信",
            Channel::Email => "电子邮件",
        }
    }

    pub fn parse(key: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.key() == key.trim())
    }
}

/// The variables of the applicant's messages.
const APPLICANT_VARS: &[(&str, &str)] = &[
    ("agency", "机关名称"),
    ("reference", "受理编号"),
    ("applicant", "申请人姓名或者名称"),
    ("date", "事项发生的日期"),
    ("due", "答复期限（无期限时为空）"),
];

/// [`APPLICANT_VARS`] and the tracking code.
const RECEIVED_VARS: &[(&str, &str)] = &[
    ("agency", "机关名称"),
    ("reference", "受理编号"),
    ("applicant", "申请人姓名或者名称"),
    ("date", "事项发生的日期"),
    ("due", "答复期限（无期限时为空）"),
    ("tracking_code", "查询码（仅网上申请提交时有，否则为空）"),
];

const DISPATCHED_VARS: &[(&str, &str)] = &[
    ("user", "收件人账号"),
    ("agency", "承办机关"),
    ("reference", "受理编号"),
    ("due", "答复期限（无期限时为空）"),
];

const DIGEST_VARS: &[(&str, &str)] = &[
    ("user", "收件人账号"),
    ("date", "统计日期"),
    ("count", "件数"),
    ("list", "申请清单（每行一件：机关、受理编号、答复期限）"),
];

impl Milestone {
    pub const ALL: [Milestone; 7] = [
        Milestone::Received,
        Milestone::CorrectionRequested,
        Milestone::Extended,
        Milestone::Replied,
        Milestone::Dispatched,
        Milestone::DueSoon,
        Milestone::Overdue,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Milestone::Received => "received",
            Milestone::CorrectionRequested => "correction",
            Milestone::Extended => "extended",
            Milestone::Replied => "replied",
            Milestone::Dispatched => "dispatched",
            Milestone::DueSoon => "due_soon",
            Milestone::Overdue => "overdue",
        }
    }

    pub fn parse(key: &str) -> Option<Milestone> {
        Milestone::ALL.into_iter().find(|m| m.key() == key.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Milestone::Received => "收到申请",
            Milestone::CorrectionRequested => "补正通知",
            Milestone::Extended => "延期答复",
            Milestone::Replied => "作出答复",
            Milestone::Dispatched => "转办至本单位",
            Milestone::DueSoon => "即将到期",
            Milestone::Overdue => "已逾期",
        }
    }

    pub fn audience(self) -> Audience {
        match self {
            Milestone::Received
            | Milestone::CorrectionRequested
            | Milestone::Extended
            | Milestone::Replied => Audience::Applicant,
            Milestone::Dispatched | Milestone::DueSoon | Milestone::Overdue => Audience::Staff,
        }
    }

    /// The channels a milestone's messages go by: the applicant's by SMS and e-mail (each
    /// where the contact has one), staff's by e-mail (an account has no phone).
    pub fn channels(self) -> &'static [Channel] {
        match self.audience() {
            Audience::Applicant => &Channel::ALL,
            Audience::Staff => &[Channel::Email],
        }
    }

    /// The variables a template of this milestone may name, with what each holds. No variable
    /// ever holds an identity number.
    pub fn variables(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Milestone::Received => RECEIVED_VARS,
            Milestone::CorrectionRequested | Milestone::Extended | Milestone::Replied => {
                APPLICANT_VARS
            }
            Milestone::Dispatched => DISPATCHED_VARS,
            Milestone::DueSoon | Milestone::Overdue => DIGEST_VARS,
        }
    }

    /// Every (milestone, channel) that has a template, in the order pages list them.
    pub fn templates() -> Vec<(Milestone, Channel)> {
        Milestone::ALL
            .into_iter()
            .flat_map(|m| m.channels().iter().map(move |c| (m, *c)))
            .collect()
    }
}

/// The template gongkai ships for a milestone and channel. An e-mail template's first line is
/// the subject.
pub fn default_template(milestone: Milestone, channel: Channel) -> &'static str {
    use Channel::{Email, Sms};
    use Milestone::*;
    match (milestone, channel) {
        (Received, Sms) => {
            "【{{ agency }}】您的政府信息公开申请已收到，受理编号{{ reference }}{% if tracking_code %}，查询码{{ tracking_code }}{% endif %}{% if due %}，答复期限{{ due }}{% endif %}。"
        }
        (Received, Email) => {
            "政府信息公开申请已收到（{{ reference }}）\n{{ applicant }}：\n\n{{ agency }}已于 {{ date }} 收到您的政府信息公开申请，受理编号 {{ reference }}。\n{% if tracking_code %}查询码：{{ tracking_code }}（请妥善保存，凭查询码和联系电话后四位可在门户网站查询办理进度）。\n{% endif %}{% if due %}我机关将于 {{ due }} 前答复（《政府信息公开条例》第三十三条）。\n{% endif %}\n本邮件由政府信息公开系统自动发送，请勿直接回复。\n"
        }
        (CorrectionRequested, Sms) => {
            "【{{ agency }}】您的政府信息公开申请（{{ reference }}）需要补正，补正通知书已于{{ date }}发出，请按通知在规定期限内补正（条例第三十条）。"
        }
        (CorrectionRequested, Email) => {
            "政府信息公开申请需要补正（{{ reference }}）\n{{ applicant }}：\n\n您向{{ agency }}提出的政府信息公开申请（受理编号 {{ reference }}）内容不够明确，我机关已于 {{ date }} 发出补正通知书，请按通知书的要求在规定期限内补正。答复期限自收到补正后的申请之日起计算（《政府信息公开条例》第三十条）。\n\n本邮件由政府信息公开系统自动发送，请勿直接回复。\n"
        }
        (Extended, Sms) => {
            "【{{ agency }}】您的政府信息公开申请（{{ reference }}）经批准延长答复期限{% if due %}，将于{{ due }}前答复{% endif %}（条例第三十三条第二款）。"
        }
        (Extended, Email) => {
            "政府信息公开申请延期答复（{{ reference }}）\n{{ applicant }}：\n\n您向{{ agency }}提出的政府信息公开申请（受理编号 {{ reference }}）不能在 20 个工作日内答复，经政府信息公开工作机构负责人同意，已于 {{ date }} 延长答复期限 20 个工作日{% if due %}，我机关将于 {{ due }} 前答复{% endif %}（《政府信息公开条例》第三十三条第二款）。\n\n本邮件由政府信息公开系统自动发送，请勿直接回复。\n"
        }
        (Replied, Sms) => {
            "【{{ agency }}】您的政府信息公开申请（{{ reference }}）已于{{ date }}作出答复，请查收答复告知书。"
        }
        (Replied, Email) => {
            "政府信息公开申请已答复（{{ reference }}）\n{{ applicant }}：\n\n{{ agency }}已于 {{ date }} 对您的政府信息公开申请（受理编号 {{ reference }}）作出答复，请查收答复告知书；网上申请的答复文件可在门户网站凭查询码查看。\n\n本邮件由政府信息公开系统自动发送，请勿直接回复。\n"
        }
        (Dispatched, _) => {
            "政府信息公开申请转办：{{ reference }}\n{{ user }}：\n\n受理编号 {{ reference }} 的政府信息公开申请已转至{{ agency }}办理，请及时签收{% if due %}，答复期限 {{ due }}（《政府信息公开条例》第三十三条）{% endif %}。\n\n本邮件由政府信息公开系统自动发送。\n"
        }
        (DueSoon, _) => {
            "政府信息公开申请即将到期：{{ count }} 件\n{{ user }}：\n\n截至 {{ date }}，您办理的以下 {{ count }} 件政府信息公开申请即将到期（《政府信息公开条例》第三十三条）：\n\n{{ list }}\n\n本邮件由政府信息公开系统自动发送。\n"
        }
        (Overdue, _) => {
            "政府信息公开申请已逾期：{{ count }} 件\n{{ user }}：\n\n截至 {{ date }}，您办理的以下 {{ count }} 件政府信息公开申请已超过答复期限（《政府信息公开条例》第三十三条）：\n\n{{ list }}\n\n逾期未答复的，申请人可以依法申请行政复议或者提起行政诉讼（第五十一条）。\n本邮件由政府信息公开系统自动发送。\n"
        }
    }
}

/// The values a message is rendered with, by variable name.
pub type Vars = BTreeMap<&'static str, String>;

/// Values of the longest plausible kind for every variable of a milestone: what a template is
/// tried with before it is saved.
pub fn sample(milestone: Milestone) -> Vars {
    milestone
        .variables()
        .iter()
        .map(|(name, _)| {
            let value = match *name {
                "agency" => "某某市某某区人力资源和社会保障局",
                "reference" => "WS-20261203-0001",
                "applicant" => "某某科技有限公司",
                "date" | "due" => "2026-12-31",
                "tracking_code" => "K7F3-Q2MX-9RTD-HW4P",
                "user" => "王芳",
                "count" => "3",
                _ => "某某县教育局 WS-20261203-0001 答复期限 2026-12-31",
            };
            (*name, value.to_owned())
        })
        .collect()
}

/// Characters per SMS segment (a 70-character UCS-2 message, as Chinese text is sent).
pub const SMS_SEGMENT_CHARS: usize = 70;

/// The longest template accepted.
pub const MAX_TEMPLATE_CHARS: usize = 5_000;

/// The instructions a template may run for one message, far above what a message needs.
const FUEL: u64 = 50_000;

/// How many segments an SMS of `text` takes.
pub fn sms_segments(text: &str) -> usize {
    text.chars().count().div_ceil(SMS_SEGMENT_CHARS)
}

/// Why a template is refused, or a message could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("模板第 {line} 行有误：{message}")]
    Syntax { line: usize, message: String },
    #[error("模板有误：{0}")]
    Other(String),
    #[error("模板使用了未知变量“{name}”，可用的变量：{known}")]
    UnknownVariable { name: String, known: String },
    #[error(
        "短信过长：按示例内容共 {chars} 个字，需 {segments} 条短信（每条 {SMS_SEGMENT_CHARS} 字），最多允许 {max} 条"
    )]
    TooLong {
        chars: usize,
        segments: usize,
        max: usize,
    },
    /// A literal that looks like an identity number: a message never carries one.
    #[error("模板中含有疑似身份证号码的数字“{0}”：消息中不得出现身份证号码")]
    IdentityNumber(String),
    #[error("电子邮件模板的第一行是邮件主题，不能为空，其后应有正文")]
    NoSubject,
    #[error("模板不能为空")]
    Empty,
    #[error("模板过长：最多 {MAX_TEMPLATE_CHARS} 个字符")]
    TemplateTooLong,
}

impl From<minijinja::Error> for TemplateError {
    fn from(e: minijinja::Error) -> Self {
        let message = e
            .detail()
            .map_or_else(|| e.kind().to_string(), str::to_owned);
        match e.line() {
            Some(line) => TemplateError::Syntax { line, message },
            None => TemplateError::Other(message),
        }
    }
}

/// A rendered message: an SMS has no subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub text: String,
}

/// Checks a template before it is saved: not empty, not too long, no identity-number-looking
/// literal, every variable it names known to its milestone, and rendered with the longest
/// sample values an SMS fits in `max_segments` segments and an e-mail has a subject line and a
/// body.
///
/// # Errors
/// The first problem.
pub fn validate(
    milestone: Milestone,
    channel: Channel,
    template: &str,
    max_segments: usize,
) -> Result<(), TemplateError> {
    if template.trim().is_empty() {
        return Err(TemplateError::Empty);
    }
    if let Some(found) = id_numbers(template).into_iter().next() {
        return Err(TemplateError::IdentityNumber(template[found].to_owned()));
    }
    let env = environment();
    let parsed = env.template_from_str(template)?;
    let known: Vec<&str> = milestone.variables().iter().map(|(n, _)| *n).collect();
    let mut unknown: Vec<String> = parsed
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !known.contains(&v.as_str()))
        .collect();
    unknown.sort();
    if let Some(name) = unknown.into_iter().next() {
        return Err(TemplateError::UnknownVariable {
            name,
            known: known.join("、"),
        });
    }
    let message = render(channel, template, &sample(milestone))?;
    if channel == Channel::Sms {
        let segments = sms_segments(&message.text);
        if segments > max_segments {
            return Err(TemplateError::TooLong {
                chars: message.text.chars().count(),
                segments,
                max: max_segments,
            });
        }
    }
    Ok(())
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // A misspelt value fails the trial render instead of sending a message with a gap.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    // An agency's template runs on the server: a loop that never ends is cut short.
    env.set_fuel(Some(FUEL));
    env
}

/// Renders a template with `vars`, then scrubs every identity-number-looking sequence from the
/// result ([`scrub`]): whatever a value holds (an applicant who typed their number into their
/// name), no message carries one. An e-mail's first line is its subject.
///
/// # Errors
/// The template does not parse or names a value `vars` lacks; an e-mail without a subject.
pub fn render(channel: Channel, template: &str, vars: &Vars) -> Result<Message, TemplateError> {
    if template.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(TemplateError::TemplateTooLong);
    }
    let env = environment();
    let text = scrub(&env.render_str(template, vars)?);
    match channel {
        Channel::Sms => Ok(Message {
            subject: String::new(),
            // One line: a phone shows the text as it comes.
            text: text.split_whitespace().collect::<Vec<_>>().join(" "),
        }),
        Channel::Email => {
            let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
            if subject.trim().is_empty() || body.trim().is_empty() {
                return Err(TemplateError::NoSubject);
            }
            Ok(Message {
                subject: subject.trim().to_owned(),
                text: body.trim_start_matches('\n').to_owned(),
            })
        }
    }
}

/// The byte ranges of `text` that look like a 居民身份证 number (GB 11643): 18 characters, 17
/// digits and a digit or `X`, or the old 15 digits; the digits may be grouped by single spaces
/// or hyphens (`110105 19491231 002X`). A run of more digits (a bank card, an account) is not
/// one. The check digit is not required: a mistyped number is still personal data.
pub fn id_numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_run =
            chars[i].1.is_ascii_digit() && (i == 0 || !chars[i - 1].1.is_ascii_digit());
        if !starts_run {
            i += 1;
            continue;
        }
        // Take digits, each group separated from the next by one space or hyphen.
        let mut digits = 0;
        let mut j = i;
        let mut last_digit = i;
        let mut x_end = false;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_ascii_digit() {
                digits += 1;
                last_digit = j;
                j += 1;
            } else if (c == 'X' || c == 'x') && digits == 17 {
                digits += 1;
                last_digit = j;
                x_end = true;
                break;
            } else if (c == ' ' || c == '-')
                && j + 1 < chars.len()
                && chars[j + 1].1.is_ascii_digit()
                && digits > 0
            {
                j += 1;
            } else {
                break;
            }
        }
        let next = chars.get(last_digit + 1).map(|(_, c)| *c);
        let ends_clean = next.is_none_or(|c| !c.is_ascii_digit());
        if ends_clean && (digits == 18 || (digits == 15 && !x_end)) {
            let end = chars.get(last_digit + 1).map_or(text.len(), |(b, _)| *b);
            out.push(chars[i].0..end);
        }
        i = last_digit + 1;
    }
    out
}

/// `text` with every identity-number-looking sequence ([`id_numbers`]) masked as the back
/// office masks one (`110***********1234`, docs/web.md §4).
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for range in id_numbers(text) {
        out.push_str(&text[at..range.start]);
        let digits: Vec<char> = text[range.clone()]
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        for (i, c) in digits.iter().enumerate() {
            out.push(if i < 3 || i + 4 >= digits.len() {
                *c
            } else {
                '*'
            });
        }
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// China time (UTC+8), where quiet hours are counted.
fn china() -> FixedOffset {
    // Eight hours is within the range `east_opt` accepts: UTC is a fallback never taken.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Hours of the night (China time) when no message is sent: from `start` to `end`, over
/// midnight when `end` is earlier (`22:00-08:00`). Equal times: no quiet hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    /// Reads `HH:MM-HH:MM`; an empty text is no quiet hours (`None`).
    ///
    /// # Errors
    /// A message naming the expected form.
    pub fn parse(text: &str) -> Result<Option<QuietHours>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || format!("免打扰时段“{text}”应写作“22:00-08:00”（中国时间）");
        let (a, b) = text.split_once('-').ok_or_else(bad)?;
        let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| bad());
        Ok(Some(QuietHours {
            start: time(a)?,
            end: time(b)?,
        }))
    }

    /// Whether `t` (China time) is quiet.
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// The first moment at or after `at` that is not quiet: `at` itself outside the quiet
    /// hours, else their end (the same night's end, the next morning's after midnight).
    pub fn next_allowed(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let tz = china();
        let local = at.with_timezone(&tz);
        let t = local.time();
        if !self.contains(t) {
            return at;
        }
        let day = local.date_naive();
        let end_day = if t < self.end {
            day
        } else {
            day + Duration::days(1)
        };
        tz.from_local_datetime(&end_day.and_time(self.end))
            .single()
            .map_or(at, |d| d.with_timezone(&Utc))
    }
}

/// When a message due at `at` may be sent under `quiet` (none: at once).
pub fn send_time(quiet: Option<&QuietHours>, at: DateTime<Utc>) -> DateTime<Utc> {
    quiet.map_or(at, |q| q.next_allowed(at))
}

/// The wait before attempt `attempts + 1` after `attempts` failed ones: 30 seconds, doubling,
/// at most six hours (a gateway down for the night is tried again through the morning, not
/// hammered).
pub fn backoff(attempts: u32) -> Duration {
    const FIRST_SECONDS: i64 = 30;
    const CAP_SECONDS: i64 = 6 * 3600;
    let doublings = attempts.saturating_sub(1).min(20);
    Duration::seconds((FIRST_SECONDS << doublings).min(CAP_SECONDS))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn identity_numbers_are_found_and_scrubbed() {
        let text = "申请人 11010519491231002X，电话 13800138000，另 110105194912310 与 110105 19491231 002x。";
        let found: Vec<&str> = id_numbers(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            [
                "11010519491231002X",
                "110105194912310",
                "110105 19491231 002x"
            ]
        );
        let clean = scrub(text);
        assert!(!clean.contains("11010519491231002X"), "{clean}");
        assert!(clean.contains("110***********002X"), "{clean}");
        assert!(clean.contains("13800138000"), "a phone stays: {clean}");
        // A bank card (19 digits), a date and a tracking code are no identity numbers.
        for other in [
            "6222021234567890123",
            "2026-12-03",
            "K7F3-Q2MX-9RTD-HW4P",
            "WS-20261203-0001",
        ] {
            assert!(id_numbers(other).is_empty(), "{other}");
            assert_eq!(scrub(other), other);
        }
    }

    #[test]
    fn every_default_template_is_valid_and_fits() {
        for (m, c) in Milestone::templates() {
            validate(m, c, default_template(m, c), 3)
                .unwrap_or_else(|e| panic!("{m:?} {c:?}: {e}"));
        }
    }

    #[test]
    fn bad_templates_are_refused_with_the_reason() {
        let sms = Channel::Sms;
        assert!(matches!(
            validate(Milestone::Replied, sms, "{{ id_number }} 已答复", 3),
            Err(TemplateError::UnknownVariable { name, .. }) if name == "id_number"
        ));
        // The tracking code exists only with the receipt.
        assert!(matches!(
            validate(Milestone::Replied, sms, "{{ tracking_code }}", 3),
            Err(TemplateError::UnknownVariable { .. })
        ));
        let long = format!("{{{{ agency }}}}{}", "很".repeat(200));
        assert!(matches!(
            validate(Milestone::Replied, sms, &long, 3),
            Err(TemplateError::TooLong {
                segments: 4,
                max: 3,
                ..
            })
        ));
        assert!(validate(Milestone::Replied, sms, &long, 4).is_ok());
        assert!(matches!(
            validate(Milestone::Replied, sms, "请联系 11010519491231002X", 3),
            Err(TemplateError::IdentityNumber(n)) if n == "11010519491231002X"
        ));
        assert!(matches!(
            validate(Milestone::Replied, sms, "{% if %}", 3),
            Err(TemplateError::Syntax { line: 1, .. })
        ));
        assert!(matches!(
            validate(Milestone::Replied, Channel::Email, "只有主题", 3),
            Err(TemplateError::NoSubject)
        ));
        assert_eq!(
            validate(Milestone::Replied, sms, "  ", 3),
            Err(TemplateError::Empty)
        );
    }

    #[test]
    fn a_value_holding_an_identity_number_is_scrubbed_in_the_message() {
        let mut vars = sample(Milestone::Replied);
        vars.insert("applicant", "张三 11010519491231002X".into());
        let m = render(
            Channel::Email,
            default_template(Milestone::Replied, Channel::Email),
            &vars,
        )
        .unwrap();
        assert!(!m.text.contains("11010519491231002X"), "{}", m.text);
        assert_eq!(m.subject, "政府信息公开申请已答复（WS-20261203-0001）");
    }

    #[test]
    fn quiet_hours_parse_and_a_message_at_23_waits_until_8() {
        let q = QuietHours::parse("22:00-08:00").unwrap().unwrap();
        assert_eq!(QuietHours::parse(" ").unwrap(), None);
        assert!(QuietHours::parse("22-8").is_err());
        // 23:00 China time is 15:00 UTC; 08:00 next morning China time is 00:00 UTC.
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 15, 0, 0).unwrap();
        assert_eq!(
            q.next_allowed(at),
            Utc.with_ymd_and_hms(2026, 12, 4, 0, 0, 0).unwrap()
        );
        // 03:00 China time waits for the same morning's 08:00.
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 19, 0, 0).unwrap();
        assert_eq!(
            q.next_allowed(at),
            Utc.with_ymd_and_hms(2026, 12, 4, 0, 0, 0).unwrap()
        );
        // 10:00 China time goes at once.
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 2, 0, 0).unwrap();
        assert_eq!(q.next_allowed(at), at);
    }

    #[test]
    fn back_off_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(40), Duration::hours(6));
    }

    proptest! {
        /// The moment a message may go is never before it was due, never quiet, less than a day
        /// later, and the earliest such: the minute before it is quiet (unless it is `at`).
        #[test]
        fn next_allowed_is_the_first_moment_outside_quiet_hours(
            secs in 0i64..(400 * 86_400),
            start in 0u32..1440,
            end in 0u32..1440,
        ) {
            let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(secs);
            let time = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap();
            let q = QuietHours { start: time(start), end: time(end) };
            let next = q.next_allowed(at);
            let local = |t: DateTime<Utc>| t.with_timezone(&china()).time();
            prop_assert!(next >= at);
            prop_assert!(next - at < Duration::days(1));
            prop_assert!(!q.contains(local(next)));
            if next > at {
                prop_assert!(q.contains(local(at)));
                prop_assert!(q.contains(local(next - Duration::seconds(1))));
            }
        }

        /// Scrubbing leaves no identity number and changes nothing else's length.
        #[test]
        fn scrubbed_text_holds_no_identity_number(
            before in "[a-zX\u{4e00}-\u{4e10} ,]{0,20}",
            id in "[1-9][0-9]{16}[0-9X]",
            after in "[a-z\u{4e00}-\u{4e10} ,]{0,20}",
        ) {
            let text = format!("{before}{id}{after}");
            let clean = scrub(&text);
            prop_assert!(!clean.contains(&id));
            prop_assert!(id_numbers(&clean).is_empty());
            prop_assert_eq!(clean.chars().count(), text.chars().count());
        }
    }
}
