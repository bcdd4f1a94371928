//! 申请登记 and 申请详情: registering a request from any channel, and following it with its
//! timeline, its deadline explained step by step and the next events as forms.

use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::office::{Choice, agency_choices};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gongkai_access::Capability;
use gongkai_calendar::Deadline;
use gongkai_cases::lifecycle::State as RequestState;
use gongkai_cases::vocab::{
    CHANNEL_LABELS, EventKind, parse_applicant, parse_channel, parse_date_text,
};
use gongkai_cases::{Outcome, RequestId};
use gongkai_report::Applicant;
use gongkai_report::template::applicant_label;
use gongkai_services::letters::Kind as LetterKind;
use gongkai_services::requests::{RegisterRequest, RequestView};
use gongkai_services::{ServiceError, Warning};
use serde::Deserialize;

/// The receipt-date rule of each channel (第三十一条), shown beside the date.
pub const RECEIPT_RULES: [(&str, &str); 4] = [
    ("当面提交", "以提交之日为收到申请之日"),
    (
        "邮寄",
        "以签收之日为收到申请之日；平常信函等无需签收的，以双方确认之日为收到申请之日",
    ),
    ("网上、电子邮件、传真", "以双方确认之日为收到申请之日"),
    ("口头、其他", "以登记之日为收到申请之日（如实记录）"),
];

fn choices<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>, selected: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: value == selected,
        })
        .collect()
}

/// What the registration form was filled with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub applicant: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub received: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub id_kind: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub delivery: String,
}

#[derive(Debug, Template)]
#[template(path = "request_new.html")]
pub struct NewPage {
    pub layout: Layout,
    pub values: RegisterForm,
    pub agencies: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub rules: Vec<(&'static str, &'static str)>,
    /// (field, message): next to the field and in the summary.
    pub errors: Vec<(String, String)>,
}

impl NewPage {
    /// The message of a field, if it has one.
    pub fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

async fn new_page_with<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
    values: RegisterForm,
    errors: Vec<(String, String)>,
) -> WebResult<Html<String>> {
    let agencies = agency_choices(app, caller, &values.agency, Some(Capability::Handle)).await?;
    let kind_labels: Vec<&str> = Applicant::KINDS
        .iter()
        .map(|k| applicant_label(*k))
        .collect();
    render(&NewPage {
        layout: Layout::new(caller, Section::Register),
        agencies,
        kinds: choices(kind_labels.iter().map(|k| (*k, *k)), &values.kind),
        channels: choices(
            CHANNEL_LABELS.iter().map(|(l, _)| (*l, *l)),
            &values.channel,
        ),
        rules: RECEIPT_RULES.to_vec(),
        values,
        errors,
    })
}

/// `GET /office/requests/new`.
pub async fn new_page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
) -> WebResult<Html<String>> {
    let values = RegisterForm {
        received: app.settings().today.to_string(),
        ..RegisterForm::default()
    };
    new_page_with(&app, &caller, values, Vec::new()).await
}

/// Reads a date as officers type it (`2024-09-27`, `2024/9/27`, `2024年9月27日`).
pub fn parse_date(
    field: &str,
    text: &str,
    errors: &mut Vec<(String, String)>,
) -> Option<NaiveDate> {
    let parsed = parse_date_text(text.trim());
    if parsed.is_none() {
        errors.push((field.to_owned(), "请填写日期，如 2024-09-27".to_owned()));
    }
    parsed
}

/// `POST /office/requests`: registers the request and opens its page; a mistake shows the
/// form again with every message next to its field.
pub async fn register<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<RegisterForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let mut errors = Vec::new();
    let kind = parse_applicant(&form.kind);
    if kind.is_none() {
        errors.push(("kind".to_owned(), "请选择申请人类型".to_owned()));
    }
    let channel = parse_channel(&form.channel);
    if channel.is_none() {
        errors.push(("channel".to_owned(), "请选择申请方式".to_owned()));
    }
    let received = parse_date("received", &form.received, &mut errors);
    for (field, value, what) in [
        ("agency", &form.agency, "机关"),
        ("reference", &form.reference, "受理编号"),
        ("applicant", &form.applicant, "申请人姓名或名称"),
        ("description", &form.description, "申请内容"),
    ] {
        if value.trim().is_empty() {
            errors.push((field.to_owned(), format!("请填写{what}")));
        }
    }
    let (Some(kind), Some(channel), Some(received), true) =
        (kind, channel, received, errors.is_empty())
    else {
        let page = new_page_with(&app, &caller, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let settings = app.settings();
    let result = caller
        .ctx(&app, &settings)
        .register_request(RegisterRequest {
            agency: form.agency.clone(),
            reference: form.reference.clone(),
            applicant: form.applicant.clone(),
            kind,
            channel,
            received,
            description: form.description.clone(),
            form: form.form.clone(),
            contact: gongkai_cases::Contact {
                id_kind: form.id_kind.clone(),
                id_number: form.id_number.clone(),
                phone: form.phone.clone(),
                address: form.address.clone(),
                email: form.email.clone(),
                delivery: form.delivery.clone(),
            },
        })
        .await;
    match result {
        Ok(view) => Ok(Redirect::to(&format!(
            "/office/requests/{}?registered=1",
            view.request.id.0
        ))
        .into_response()),
        // What the officer can fix is shown on the form; access and backend failures are not.
        Err(
            e @ (ServiceError::Invalid(_)
            | ServiceError::Store(
                gongkai_store::StoreError::Conflict(_) | gongkai_store::StoreError::Invalid(_),
            )),
        ) => {
            let page =
                new_page_with(&app, &caller, form, vec![(String::new(), e.to_string())]).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    page: Option<usize>,
}

#[derive(Debug, Template)]
#[template(path = "requests.html")]
pub struct ListPage {
    pub layout: Layout,
    pub agency: String,
    pub items: Vec<gongkai_services::requests::WorkItem>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub due_soon_days: i64,
}

/// `GET /office/requests?agency=…&page=N`: the whole work list of an agency and its subtree,
/// most urgent first, a page of [`crate::office::DESK_ROWS`] at a time.
pub async fn list<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    axum::extract::Query(q): axum::extract::Query<ListQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let desk = caller
        .ctx(&app, &settings)
        .desk(&app.desks, &q.agency)
        .await?;
    let items = &desk.open;
    let per = crate::office::DESK_ROWS;
    let pages = items.len().div_ceil(per).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let total = items.len();
    let items = items
        .iter()
        .skip((page - 1) * per)
        .take(per)
        .cloned()
        .collect();
    render(&ListPage {
        layout: Layout::new(&caller, Section::Dashboard),
        agency: q.agency,
        items,
        total,
        page,
        pages,
        due_soon_days: i64::from(settings.deadline.due_soon_days),
    })
}

/// A timeline line as shown.
#[derive(Debug, Clone)]
pub struct TimelineLine {
    pub date: NaiveDate,
    pub what: String,
    pub note: String,
}

/// An event form offered in the request's current state.
#[derive(Debug, Clone)]
pub struct EventOffer {
    pub name: &'static str,
    pub label: &'static str,
    /// Only the head of the agency (负责人) may approve an extension.
    pub approver_only: bool,
}

/// The outcomes grouped by their statutory category, as table 三 groups them.
#[derive(Debug, Clone)]
pub struct OutcomeGroup {
    pub label: &'static str,
    pub outcomes: Vec<(String, &'static str)>,
}

#[derive(Debug, Template)]
#[template(path = "request.html")]
pub struct DetailPage {
    pub layout: Layout,
    /// The messages about the request and how their delivery went (addresses masked).
    pub deliveries: Vec<crate::office::notifications::DeliveryLine>,
    pub view: RequestView,
    /// When an online application was submitted, China time.
    pub submitted: String,
    pub applicant: String,
    pub kind: String,
    pub channel: String,
    /// The identity document and contact details, masked for those who do not handle the
    /// agency's requests (docs/web.md §4).
    pub contact: gongkai_cases::Contact,
    pub state: String,
    pub timeline: Vec<TimelineLine>,
    pub deadline: Option<Deadline>,
    pub no_deadline: String,
    pub warnings: Vec<String>,
    pub offers: Vec<EventOffer>,
    pub outcomes: Vec<OutcomeGroup>,
    pub today: String,
    pub can_handle: bool,
    pub can_approve: bool,
    /// The caller handles the registering agency's requests: corrections, remedy cases.
    pub can_correct: bool,
    /// Routing (转办, 签收, 退回, 协办) and other requests like this one.
    pub routing: super::routing::RoutingPart,
    /// The applicant kinds and channels, for the correction form.
    pub kind_labels: Vec<&'static str>,
    pub channel_labels: Vec<&'static str>,
    /// Whether an event may be withdrawn (the receipt never is).
    pub can_withdraw: bool,
    /// The reconsideration and litigation cases brought against the request.
    pub remedies: Vec<RemedyLine>,
    pub remedy_kinds: Vec<&'static str>,
    pub remedy_results: Vec<&'static str>,
    /// The kinds of letter `(key, label)`, and the one that fits the request's state.
    pub letters: Vec<(&'static str, &'static str)>,
    pub letter_kind: &'static str,
    /// The public message linked to the request (id, number), if any.
    pub message: Option<(i64, String)>,
    /// Answered as a 信访举报投诉 (第三十九条): it may be turned into a message.
    pub petition: bool,
    /// The request's entry in the portal's public log, if published.
    pub disclosure: Option<gongkai_store::disclosures::Disclosure>,
    /// Decided: it may be published to the log.
    pub decided: bool,
    /// The online application came with an identity-document photo.
    pub id_photo: bool,
}

/// A reconsideration or litigation case on 申请详情.
#[derive(Debug)]
pub struct RemedyLine {
    pub case: String,
    pub kind: &'static str,
    pub received: NaiveDate,
    /// The result and date once closed.
    pub closed: Option<(&'static str, NaiveDate)>,
}

/// The cases of `reference` among an agency's cases.
fn remedy_lines(all: Vec<gongkai_cases::Remedy>, reference: &str) -> Vec<RemedyLine> {
    use gongkai_cases::vocab::{remedy_kind_label, remedy_result_label};
    all.into_iter()
        .filter(|r| r.data.requests.iter().any(|q| q == reference))
        .map(|r| RemedyLine {
            case: r.data.reference,
            kind: remedy_kind_label(r.data.kind),
            received: r.data.received,
            closed: r
                .data
                .closed
                .map(|(on, result)| (remedy_result_label(Some(result)), on)),
        })
        .collect()
}

/// The events that make sense in a state; the state machine has the last word (it refuses
/// the impossible with its article).
fn offers(state: &RequestState) -> Vec<EventOffer> {
    use EventKind::*;
    let kinds: &[EventKind] = match state {
        RequestState::Open => &[
            CorrectionRequested,
            ConsultationStarted,
            FeeNoticeSent,
            ExtensionApproved,
            Decided,
        ],
        RequestState::AwaitingCorrection => &[CorrectedReceived, CorrectionLapsed],
        RequestState::Consulting => &[ConsultationEnded, ExtensionApproved, Decided],
        RequestState::AwaitingFee => &[FeePaid, Decided],
        RequestState::Closed { .. } => &[],
    };
    kinds
        .iter()
        .filter(|k| **k != Decided)
        .map(|k| EventOffer {
            name: k.name(),
            label: k.label(),
            approver_only: *k == ExtensionApproved,
        })
        .collect()
}

/// The statutory categories of the answer (第三十六条), in table 三's order.
fn outcome_groups() -> Vec<OutcomeGroup> {
    let group = |label, range: std::ops::Range<usize>| OutcomeGroup {
        label,
        outcomes: Outcome::ALL[range]
            .iter()
            .map(|o| (o.label().to_owned(), o.label()))
            .collect(),
    };
    vec![
        group("予以公开", 0..1),
        group("部分公开", 1..2),
        group("不予公开", 2..10),
        group("无法提供", 10..13),
        group("不予处理", 13..18),
        group("其他处理", 18..21),
    ]
}

fn warning_text(w: &Warning) -> String {
    match w {
        Warning::YearNotInCalendar { year, known } => match known {
            Some((a, b)) => format!(
                "{year} 年不在已知的工作日历（{a}–{b} 年）内，期限为临时计算，请管理员导入当年的放假安排"
            ),
            None => format!("{year} 年不在已知的工作日历内，期限为临时计算"),
        },
        Warning::RepeatWithoutLink => gongkai_services::similar::REPEAT_WITHOUT_LINK.to_owned(),
        Warning::NotQueued(why) => format!("已记录，但通知申请人的消息未能加入发送队列：{why}"),
    }
}

/// `GET /office/requests/{id}`.
pub async fn detail<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let view = ctx.request_by_id(RequestId(id), None).await?;
    let tree = ctx.agency_tree().await?;
    let all: Vec<gongkai_cases::Agency> = tree.iter().map(|r| r.agency.clone()).collect();
    // The caller acts as the registering agency, or as the unit handling the request after a
    // dispatch (转办); corrections and remedy cases stay with the registering agency.
    let can_handle = caller
        .scope
        .allows(view.acting.id, &all, Capability::Handle);
    let can_approve = caller
        .scope
        .allows(view.acting.id, &all, Capability::ApproveExtension);
    let can_correct = caller
        .scope
        .allows(view.agency.id, &all, Capability::Handle);
    let routing = super::routing::RoutingPart::of(&ctx, &caller.scope, &view, &all).await?;
    let first = view.request.data.applicants.first();
    let timeline = view
        .request
        .events
        .iter()
        .map(|e| TimelineLine {
            date: e.event.date(),
            what: match e.outcome {
                Some(o) => format!(
                    "{}：{}",
                    gongkai_cases::lifecycle::event_name(e.event),
                    o.label()
                ),
                None => gongkai_cases::lifecycle::event_name(e.event).to_owned(),
            },
            note: e.note.clone(),
        })
        .collect();
    let (deadline, no_deadline) = match &view.deadline {
        Ok(d) => (Some(d.clone()), String::new()),
        Err(why) => (None, why.clone()),
    };
    let notice = [
        ("registered", "申请已登记"),
        ("recorded", "已记录"),
        (
            "repeat_unlinked",
            gongkai_services::similar::REPEAT_WITHOUT_LINK,
        ),
        ("dispatched", "已转办，待承办单位签收"),
        ("signed", "已签收，本单位为承办单位"),
        ("returned", "已退回转办单位"),
        ("subtask", "已发起协办"),
        ("answered", "已答复协办事项"),
        ("linked", "已关联为同一申请"),
        ("unlinked", "已取消关联"),
        (
            "referral",
            "负责公开的机关已保存，答复告知书将写明其名称和联系方式",
        ),
        ("amended", "已更正，理由已记入审计日志"),
        ("withdrawn", "已撤回最后一个事件，理由已记入审计日志"),
        ("remedy", "复议诉讼案件已保存"),
        ("confirmed", "已确认收到申请"),
        ("reply_added", "答复文件已上传，尚未发布给申请人"),
        ("letter_added", "文书已生成并存入答复文件，尚未发布给申请人"),
        (
            "reply_released",
            "答复文件已发布，申请人可在申请查询页面下载",
        ),
        ("disclosed", "已公开到门户网站的“依申请公开答复”"),
        ("undisclosed", "已从门户网站的“依申请公开答复”撤回"),
    ]
    .into_iter()
    .find(|(key, _)| q.contains_key(*key))
    .map_or("", |(_, text)| text);
    // A unit that sees the request through routing alone does not see its agency's cases.
    let remedies = if caller.scope.reaches(view.agency.id, &all) {
        remedy_lines(
            ctx.list_remedies(&view.agency.name, None).await?,
            &view.request.data.reference,
        )
    } else {
        Vec::new()
    };
    let message = ctx
        .message_of_request(view.request.id)
        .await?
        .map(|(id, number)| (id.0, number));
    let petition = view
        .request
        .events
        .iter()
        .any(|e| e.outcome == Some(gongkai_cases::Outcome::NpPetition));
    let disclosure = ctx.disclosure_of(view.request.id).await?;
    let decided = gongkai_cases::lifecycle::outcome(&view.request.events).is_some();
    let id_photo = can_handle
        && view
            .application
            .as_ref()
            .is_some_and(|a| a.id_photo.is_some());
    let deliveries = ctx
        .request_deliveries(view.request.id)
        .await?
        .iter()
        .map(crate::office::notifications::DeliveryLine::of)
        .collect();
    render(&DetailPage {
        layout: Layout::new(&caller, Section::Dashboard).with_notice(notice),
        deliveries,
        applicant: first.map_or_else(String::new, |a| a.name.clone()),
        kind: first.map_or_else(String::new, |a| applicant_label(a.kind).to_owned()),
        channel: gongkai_cases::vocab::channel_label(view.request.data.channel).to_owned(),
        contact: view.contact.clone(),
        state: view.state_label().to_owned(),
        timeline,
        deadline,
        no_deadline,
        warnings: view.warnings.iter().map(warning_text).collect(),
        // Nothing is recorded on an online application before its receipt is confirmed.
        offers: if can_handle && !view.request.confirmation.is_awaiting() {
            offers(&view.state)
        } else {
            Vec::new()
        },
        outcomes: outcome_groups(),
        today: settings.today.to_string(),
        can_handle,
        can_approve,
        can_correct,
        routing,
        kind_labels: Applicant::KINDS
            .iter()
            .map(|k| applicant_label(*k))
            .collect(),
        channel_labels: CHANNEL_LABELS.iter().map(|(l, _)| *l).collect(),
        can_withdraw: view.request.events.len() > 1,
        submitted: view.application.as_ref().map_or_else(String::new, |a| {
            gongkai_services::in_china(a.submitted_at)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        }),
        letters: LetterKind::ALL
            .iter()
            .map(|k| (k.key(), k.label()))
            .collect(),
        letter_kind: LetterKind::for_request(&view.request.events).key(),
        remedies,
        message,
        petition,
        disclosure,
        decided,
        id_photo,
        remedy_kinds: gongkai_cases::vocab::REMEDY_KIND_LABELS
            .iter()
            .map(|(l, _)| *l)
            .collect(),
        remedy_results: gongkai_cases::vocab::REMEDY_RESULT_LABELS
            .iter()
            .filter(|(_, r)| r.is_some())
            .map(|(l, _)| *l)
            .collect(),
        view,
    })
}

#[derive(Debug, Deserialize)]
pub struct EventForm {
    event: String,
    date: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

/// `POST /office/requests/{id}/events`: records an event; an impossible one is refused with
/// the article it breaks.
pub async fn add_event<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<EventForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let kind = EventKind::parse(&form.event)
        .ok_or_else(|| WebError::invalid(format!("不认识的事件“{}”", form.event)))?;
    let date = parse_date_text(form.date.trim())
        .ok_or_else(|| WebError::invalid("请填写日期，如 2024-09-27"))?;
    let outcome = match (kind, form.outcome.trim()) {
        (EventKind::Decided, "") => return Err(WebError::invalid("作出答复须选择办理结果")),
        (EventKind::Decided, label) => Some(
            gongkai_cases::vocab::parse_outcome(label)
                .ok_or_else(|| WebError::invalid(format!("不认识的办理结果“{label}”")))?,
        ),
        _ => None,
    };
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let (_, _, warnings) = ctx
        .record_event_by_id(RequestId(id), kind.on(date), outcome, &form.note)
        .await?;
    // 第三十六条第（六）项: a repeat without a link to the earlier request is recorded, with a
    // warning on the page.
    let flag = if warnings.contains(&Warning::RepeatWithoutLink) {
        "repeat_unlinked"
    } else {
        "recorded"
    };
    Ok(Redirect::to(&format!("/office/requests/{id}?{flag}=1")).into_response())
}
