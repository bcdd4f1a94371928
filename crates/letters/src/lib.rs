//! The letters of disclosure work, from templates that are data: the 答复告知书 of every
//! statutory outcome (第三十六条 (一)–(七), 第三十七、三十八、三十九条), the 补正通知书
//! (第三十条), the 延期答复告知书 (第三十三条), the 第三方意见征询函 (第三十二条), the 收费通知
//! (国办函〔2020〕109号) and the 申请登记回执.
//!
//! A template is [minijinja](https://docs.rs/minijinja) text; each kind has a default
//! shipped here ([`default_template`]) and an agency may replace it, once it passes
//! [`validate`] (it parses, and renders a sample request without touching an undefined
//! value). The rendered text is read line by line ([`Letter::parse`]):
//!
//! - `# 标题`: the title (one, first);
//! - `= 〔2025〕第12号`: a line centred under the title;
//! - `> 张三：`: a line flush left (the addressee);
//! - any other non-empty line: a body paragraph.
//!
//! The signature block (the agency and the date of the letter) is the layout's, not the
//! template's, so that every letter is signed alike.
#![forbid(unsafe_code)]

mod kind;

pub use kind::{Kind, ground_article, reason, reply_article};

use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::lifecycle;
use gongkai_cases::{Outcome, Request};
use gongkai_render::gongwen::{self, Block};
use gongkai_render::{DocumentMeta, RenderError, signature_date};
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

/// Days to apply for 行政复议 after the applicant learns of the act (《行政复议法》第二十条).
pub const RECONSIDERATION_DAYS: u32 = 60;
/// Months to bring 行政诉讼 after learning of the act (《行政诉讼法》第四十六条).
pub const LITIGATION_MONTHS: u32 = 6;

/// The bodies the applicant may turn to (configured as `[letters]`); empty names print as the
/// general words the law uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remedies {
    /// 行政复议机关, e.g. `某某县人民政府`.
    pub reconsideration_body: String,
    /// The court of first instance, e.g. `某某县人民法院`.
    pub court: String,
}

/// What a letter is filled from, besides the request.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// The agency's name, which also signs the letter.
    pub agency: &'a str,
    /// The date the answer is due (第三十三条, extension included), if a period runs or ran.
    pub due: Option<NaiveDate>,
    /// The date of the letter.
    pub date: NaiveDate,
    pub remedies: &'a Remedies,
    /// The agency responsible for the information and its contact (电话、地址), when this
    /// agency does not hold it and knows who does (第三十六条第（五）项).
    pub responsible: Option<(&'a str, &'a str)>,
}

/// The values a template sees. Every field is always present (an empty text where the
/// request has none), so a template may print any of them without failing.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    /// The agency answering.
    pub agency: String,
    /// The applicants' names, `、`-separated.
    pub applicant: String,
    /// 受理编号.
    pub reference: String,
    /// 收到申请之日 (第三十一条), as `2025年1月6日`.
    pub received: String,
    /// The answer's due date (第三十三条), extension included; empty when none runs.
    pub due: String,
    /// 答复日期; empty before the decision.
    pub decided: String,
    /// The date of the letter.
    pub date: String,
    /// 申请内容.
    pub content: String,
    /// 获取信息的方式 the applicant asked for.
    pub requested_form: String,
    /// The channel the request came by (`当面`, `挂号信`, …).
    pub channel: String,
    /// The outcome's label (`属于国家秘密`); empty before the decision.
    pub outcome: String,
    /// The outcome's key (`nd_state_secret`), for templates that word outcomes apart.
    pub outcome_key: String,
    /// The article of the reply (`第三十六条第（三）项`, `第三十七条`).
    pub reply_article: String,
    /// The article of a refusal's ground (`第十四条`); empty when nothing is refused on one.
    pub ground_article: String,
    /// Why the request ends as it does, as a clause after `经审查，` (`您申请公开的信息属于国家
    /// 秘密`); empty before the decision.
    pub reason: String,
    /// The officer's note on the event the letter follows: what to correct, why the period is
    /// extended, the fee, the reasons of the decision.
    pub note: String,
    /// The agency responsible for the information (第三十六条第（五）项); empty when none is
    /// named.
    pub responsible: String,
    /// Its contact (电话、地址); empty when none is named.
    pub responsible_contact: String,
    pub remedies: RemedyContext,
}

/// The applicant's remedies as a template sees them.
#[derive(Debug, Clone, Serialize)]
pub struct RemedyContext {
    /// The paragraph every reply ends with: where and within what time to apply.
    pub sentence: String,
    pub reconsideration_body: String,
    pub court: String,
    pub reconsideration_days: u32,
    pub litigation_months: u32,
}

impl RemedyContext {
    /// The remedies with the configured bodies, or the law's general words where none is.
    fn new(remedies: &Remedies) -> RemedyContext {
        let or = |text: &str, general: &str| {
            let text = text.trim();
            if text.is_empty() { general } else { text }.to_owned()
        };
        let body = or(&remedies.reconsideration_body, "有管辖权的行政复议机关");
        let court = or(&remedies.court, "有管辖权的人民法院");
        RemedyContext {
            // 《行政复议法》第二十条, 《行政诉讼法》第四十六条.
            sentence: format!(
                "如对本答复不服，可以自收到本告知书之日起{RECONSIDERATION_DAYS}日内向{body}申请行政复议，\
                 或者自收到本告知书之日起{LITIGATION_MONTHS}个月内向{court}提起行政诉讼。"
            ),
            reconsideration_body: body,
            court,
            reconsideration_days: RECONSIDERATION_DAYS,
            litigation_months: LITIGATION_MONTHS,
        }
    }
}

impl Context {
    /// The context of a letter of `kind` on `request`.
    pub fn new(kind: Kind, request: &Request, facts: &Facts<'_>) -> Context {
        let data = &request.data;
        let date = |d: Option<NaiveDate>| d.map(signature_date).unwrap_or_default();
        let decision = lifecycle::outcome(&request.events);
        let outcome = decision.map(|(_, o)| o);
        Context {
            agency: facts.agency.to_owned(),
            applicant: data
                .applicants
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            reference: data.reference.clone(),
            received: signature_date(data.received),
            due: date(facts.due),
            decided: date(decision.map(|(d, _)| d)),
            date: signature_date(facts.date),
            content: data.description.clone(),
            requested_form: data.requested_form.clone(),
            channel: gongkai_cases::vocab::channel_label(data.channel).to_owned(),
            outcome: outcome.map(Outcome::label).unwrap_or_default().to_owned(),
            outcome_key: outcome.map(outcome_key).unwrap_or_default(),
            reply_article: outcome.map(reply_article).unwrap_or_default().to_owned(),
            ground_article: outcome.map(ground_article).unwrap_or_default().to_owned(),
            note: event_of(kind, request)
                .map(|e| e.note.trim().to_owned())
                .unwrap_or_default(),
            reason: outcome.map(reason).unwrap_or_default().to_owned(),
            responsible: facts
                .responsible
                .map(|(a, _)| a.trim().to_owned())
                .unwrap_or_default(),
            responsible_contact: facts
                .responsible
                .map(|(_, c)| c.trim().to_owned())
                .unwrap_or_default(),
            remedies: RemedyContext::new(facts.remedies),
        }
    }

    /// A made-up request of every field, for previews.
    pub fn sample(kind: Kind) -> Context {
        Context::samples(kind).swap_remove(0)
    }

    /// The made-up requests a template of `kind` is tried on before it is saved: one for each
    /// outcome whose reply it is (a template may word outcomes apart with `outcome_key`), each
    /// with every field filled, and one with the optional fields empty (no note, no due date),
    /// so that a branch only some requests take is tried too.
    pub fn samples(kind: Kind) -> Vec<Context> {
        let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap_or_default();
        let outcomes: Vec<Outcome> = if kind.is_reply() {
            Outcome::ALL
                .into_iter()
                .filter(|o| Kind::reply(*o) == kind)
                .collect()
        } else {
            vec![Outcome::Disclosed]
        };
        let request = |outcome: Outcome| gongkai_cases::Request {
            id: gongkai_cases::RequestId(0),
            data: gongkai_cases::NewRequest {
                agency: gongkai_cases::AgencyId(0),
                reference: "2025-001".into(),
                applicants: vec![gongkai_cases::ApplicantRecord {
                    name: "张三".into(),
                    kind: gongkai_report::Applicant::NaturalPerson,
                }],
                channel: gongkai_cases::Channel::InPerson,
                received: day(3, 3),
                description: "某某路段道路改造工程的立项批复文件".into(),
                requested_form: "纸质".into(),
                contact: gongkai_cases::Contact::default(),
            },
            events: vec![
                gongkai_cases::TimelineEvent {
                    event: Event::Received(day(3, 3)),
                    outcome: None,
                    note: String::new(),
                },
                gongkai_cases::TimelineEvent {
                    event: Event::Decided(day(3, 24)),
                    outcome: Some(outcome),
                    note: "示例说明".into(),
                },
            ],
            confirmation: gongkai_cases::Confirmation::Confirmed,
        };
        let remedies = Remedies::default();
        let facts = Facts {
            agency: "某某县交通运输局",
            due: Some(day(3, 31)),
            date: day(3, 24),
            remedies: &remedies,
            responsible: Some((
                "某某市自然资源局",
                "电话 0000-12345678，地址 某某市某某路1号",
            )),
        };
        let mut out: Vec<Context> = outcomes
            .into_iter()
            .map(|o| {
                let mut context = Context::new(kind, &request(o), &facts);
                // The sample's only event besides the receipt is the decision: the other
                // letters get a note of their own.
                context.note = "示例说明".into();
                context
            })
            .collect();
        if let Some(first) = out.first() {
            out.push(Context {
                note: String::new(),
                due: String::new(),
                responsible: String::new(),
                responsible_contact: String::new(),
                requested_form: String::new(),
                ..first.clone()
            });
        }
        out
    }
}

/// The outcome's key as serde writes it (`nd_state_secret`).
fn outcome_key(outcome: Outcome) -> String {
    serde_json_key(&outcome)
}

fn serde_json_key<T: Serialize>(value: &T) -> String {
    // A unit variant serialises to its name; minijinja's value conversion gives it as text.
    minijinja::Value::from_serialize(value)
        .as_str()
        .map(str::to_owned)
        .unwrap_or_default()
}

/// The last event of the request that a letter of `kind` follows (the decision for a reply,
/// the correction notice for a 补正通知书, …): its date is the letter's date, its note the
/// officer's words in it.
pub fn event_of(kind: Kind, request: &Request) -> Option<&gongkai_cases::TimelineEvent> {
    let wanted = |e: &Event| match kind {
        Kind::Correction => matches!(e, Event::CorrectionRequested(_)),
        Kind::Extension => matches!(e, Event::ExtensionApproved(_)),
        Kind::Consultation => matches!(e, Event::ConsultationStarted(_)),
        Kind::Fee => matches!(e, Event::FeeNoticeSent(_)),
        Kind::Receipt => matches!(e, Event::Received(_)),
        _ => matches!(e, Event::Decided(_) | Event::CorrectionLapsed(_)),
    };
    request.events.iter().rev().find(|e| wanted(&e.event))
}

/// The date a letter of `kind` bears: the day of the event it follows, if recorded.
pub fn letter_date(kind: Kind, request: &Request) -> Option<NaiveDate> {
    event_of(kind, request).map(|e| e.event.date())
}

/// The default template of a kind, shipped with gongkai.
pub fn default_template(kind: Kind) -> &'static str {
    match kind {
        Kind::Receipt => include_str!("templates/receipt.txt"),
        Kind::Correction => include_str!("templates/correction.txt"),
        Kind::Extension => include_str!("templates/extension.txt"),
        Kind::Consultation => include_str!("templates/consultation.txt"),
        Kind::Fee => include_str!("templates/fee.txt"),
        Kind::ReplyDisclosed => include_str!("templates/reply-disclosed.txt"),
        Kind::ReplyWithheld => include_str!("templates/reply-withheld.txt"),
        Kind::ReplyNotHeld => include_str!("templates/reply-not-held.txt"),
        Kind::ReplyRepeat => include_str!("templates/reply-repeat.txt"),
        Kind::ReplySpecialProcedure => include_str!("templates/reply-special-procedure.txt"),
        Kind::ReplyPartial => include_str!("templates/reply-partial.txt"),
        Kind::ReplyNeedsCreation => include_str!("templates/reply-needs-creation.txt"),
        Kind::ReplyNotHandled => include_str!("templates/reply-not-handled.txt"),
        Kind::ReplyOther => include_str!("templates/reply-other.txt"),
    }
}

/// Why a template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The template does not parse, or fails on the sample request (an unknown value, a
    /// filter misused): the line of the template and what is wrong.
    #[error("模板第 {line} 行有误：{message}")]
    Syntax { line: usize, message: String },
    /// The template has an error whose line minijinja does not know.
    #[error("模板有误：{0}")]
    Other(String),
    /// The rendered text has no `# 标题` line first.
    #[error("模板应以标题行开头（以“# ”开头的一行）")]
    NoTitle,
    /// The template is longer than [`MAX_TEMPLATE_CHARS`].
    #[error("模板过长：最多 {MAX_TEMPLATE_CHARS} 个字符")]
    TooLong,
}

/// The instructions a template may run for one letter, far above what a letter needs.
const FUEL: u64 = 100_000;

/// The longest template accepted.
pub const MAX_TEMPLATE_CHARS: usize = 20_000;

impl From<minijinja::Error> for TemplateError {
    fn from(e: minijinja::Error) -> Self {
        // The message without minijinja's own "(in letter:3)" suffix, which names our
        // internal template name.
        let message = match e.detail() {
            Some(detail) => format!("{}：{}", kind_text(e.kind()), detail_text(detail)),
            None => kind_text(e.kind()).to_owned(),
        };
        match e.line() {
            Some(line) => TemplateError::Syntax { line, message },
            None => TemplateError::Other(message),
        }
    }
}

/// The words of minijinja's most frequent syntax errors in Chinese, longest first; what is
/// not in the list stays as minijinja says it (a name, a token).
const DETAIL_WORDS: [(&str, &str); 8] = [
    ("unexpected end of input", "模板在此意外结束"),
    ("expected end of variable block", "缺少“}}”"),
    (
        "expected end of block",
        "缺少“%}”或结束标签（如 {% endif %}）",
    ),
    ("unknown block", "未知的块"),
    ("unknown filter", "未知的过滤器"),
    ("unexpected", "意外的"),
    ("expected", "应为"),
    ("undefined value", "未定义的值"),
];

fn detail_text(detail: &str) -> String {
    DETAIL_WORDS
        .iter()
        .fold(detail.to_owned(), |text, (en, zh)| text.replace(en, zh))
}

/// minijinja's kinds of error in Chinese.
fn kind_text(kind: minijinja::ErrorKind) -> &'static str {
    use minijinja::ErrorKind::*;
    match kind {
        SyntaxError => "语法错误",
        UndefinedError => "使用了未定义的值",
        UnknownFilter => "未知的过滤器",
        UnknownFunction => "未知的函数",
        UnknownTest => "未知的测试",
        InvalidOperation => "无效的操作",
        MissingArgument | TooManyArguments => "参数个数不对",
        _ => "无法渲染",
    }
}

/// Renders a template with a context into the letter's text.
///
/// # Errors
/// When the template does not parse or fails to render.
pub fn render_text(template: &str, context: &Context) -> Result<String, TemplateError> {
    if template.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(TemplateError::TooLong);
    }
    let mut env = Environment::new();
    // A misspelt value fails the trial render instead of printing nothing in a letter.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    // An agency's template runs on the server: a loop that never ends is cut short.
    env.set_fuel(Some(FUEL));
    env.add_template("letter", template)?;
    Ok(env.get_template("letter")?.render(context)?)
}

/// Checks a template before it is saved: it parses, renders every sample request of its kind
/// ([`Context::samples`]) with every value it names defined, and gives a letter with a title.
///
/// # Errors
/// The first problem, with the template's line where minijinja knows it.
pub fn validate(kind: Kind, template: &str) -> Result<(), TemplateError> {
    for context in Context::samples(kind) {
        Letter::parse(&render_text(template, &context)?)?;
    }
    Ok(())
}

/// A letter's text read into its title and paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Letter {
    /// Reads rendered text (see the crate's documentation for the markers).
    ///
    /// # Errors
    /// [`TemplateError::NoTitle`] when the first non-empty line is not a title.
    pub fn parse(text: &str) -> Result<Letter, TemplateError> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let title = lines
            .next()
            .and_then(|l| l.strip_prefix('#'))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or(TemplateError::NoTitle)?;
        let blocks = lines
            .map(|l| {
                let rest = |p: char| l.strip_prefix(p).map(|t| t.trim().to_owned());
                rest('=')
                    .map(Block::Centred)
                    .or_else(|| rest('>').map(Block::Flush))
                    .unwrap_or_else(|| Block::Body(l.to_owned()))
            })
            .collect();
        Ok(Letter { title, blocks })
    }

    /// The letter as a Word document on the 公文 page, signed by `agency` on `date`.
    ///
    /// # Errors
    /// When the document cannot be packed.
    pub fn docx(&self, agency: &str, meta: &DocumentMeta) -> Result<Vec<u8>, RenderError> {
        gongwen::letter(&self.title, &self.blocks, agency, meta)
    }
}

/// Why a letter could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Renders a letter of `kind` on `request` with `template` as a DOCX document dated
/// `facts.date`.
///
/// # Errors
/// When the template fails on this request, or the document cannot be packed.
pub fn render_docx(
    kind: Kind,
    template: &str,
    request: &Request,
    facts: &Facts<'_>,
) -> Result<Vec<u8>, LetterError> {
    let context = Context::new(kind, request, facts);
    let letter = Letter::parse(&render_text(template, &context)?)?;
    let meta = DocumentMeta {
        signed_on: Some(facts.date),
        created: None,
    };
    Ok(letter.docx(facts.agency, &meta)?)
}
