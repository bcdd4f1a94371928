//! Public messages (互动交流) in the back office: the list of an agency's messages with their reply
//! time limit, filtered (open, overdue, replied), and a message's page with what an officer does
//! to it — assign, merge a duplicate, mark abuse, reply (公开答复 or privately), publish or
//! withdraw the reply, turn it into a request — and, from a request answered as 信访举报投诉
//! (第三十九条), the message made of it.

use super::{Choice, agency_choices};
use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore, now};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_cases::RequestId;
use gongkai_report::Applicant;
use gongkai_report::template::applicant_label;
use gongkai_services::messages::{MessageFilter, MessageItem, MessageQuery, MessageView};
use gongkai_store::messages::{MessageId, MessageKind};
use serde::Deserialize;

#[derive(Debug, Template)]
#[template(path = "office/messages.html")]
pub struct ListPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub agency: String,
    pub subtree: bool,
    pub filter: &'static str,
    pub filters: Vec<(&'static str, &'static str)>,
    pub items: Vec<MessageItem>,
    pub overdue: usize,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub subtree: String,
}

/// The filters of the list: (key, label).
const FILTERS: [(&str, &str); 4] = [
    ("", "全部"),
    ("open", "办理中"),
    ("overdue", "已超期"),
    ("replied", "已答复"),
];

/// `GET /office/messages`: an agency's messages (and its subtree's), oldest first.
pub async fn list<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<ListQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let mut agencies = agency_choices(&app, &caller, q.agency.trim(), None).await?;
    let first = super::selected_or_first(&mut agencies);
    // An agency asked for by name is the one listed: one the caller does not see is not found
    // (rather than silently replaced by the caller's first).
    let agency = match q.agency.trim() {
        "" => first,
        asked => asked.to_owned(),
    };
    let subtree = q.subtree == "1";
    let filter = MessageFilter::parse(&q.state);
    let items = if agency.is_empty() {
        Vec::new()
    } else {
        ctx.message_list(&MessageQuery {
            agency: agency.clone(),
            subtree,
            filter,
        })
        .await?
    };
    let overdue = items.iter().filter(|i| i.overdue).count();
    render(&ListPage {
        layout: Layout::new(&caller, Section::Messages),
        agencies,
        agency,
        subtree,
        filter: FILTERS
            .iter()
            .find(|(k, _)| MessageFilter::parse(k) == filter)
            .map_or("", |(k, _)| k),
        filters: FILTERS.to_vec(),
        items,
        overdue,
    })
}

#[derive(Debug, Template)]
#[template(path = "office/message.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub view: MessageView,
    pub kinds: Vec<(&'static str, &'static str)>,
}

/// `GET /office/messages/{id}`: a message with its time limit, links and forms.
pub async fn detail<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Path(id): Path<i64>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let view = caller
        .ctx(&app, &settings)
        .message_view(MessageId(id))
        .await?;
    let notice = [
        ("assigned", "已交办"),
        ("merged", "已合并到另一条留言"),
        ("abusive", "已标记为不当留言"),
        ("unmarked", "已取消不当留言标记"),
        ("replied", "已答复"),
        ("published", "答复已在门户网站公开"),
        ("withdrawn", "答复已撤回公开"),
        ("to_request", "已转为政府信息公开申请"),
    ]
    .into_iter()
    .find(|(key, _)| q.contains_key(*key))
    .map_or("", |(_, text)| text);
    render(&DetailPage {
        layout: Layout::new(&caller, Section::Messages).with_notice(notice),
        view,
        kinds: Applicant::KINDS
            .iter()
            .map(|k| (k.key(), applicant_label(*k)))
            .collect(),
    })
}

fn back_to(id: i64, notice: &str) -> Response {
    Redirect::to(&format!("/office/messages/{id}?{notice}=1")).into_response()
}

#[derive(Debug, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    agency: String,
}

/// `POST /office/messages/{id}/assign`: hands the message to an agency of the subtree.
pub async fn assign<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<AssignForm>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    ctx.assign_message(MessageId(id), &posted.form.agency)
        .await?;
    Ok(back_to(id, "assigned"))
}

#[derive(Debug, Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
}

/// `POST /office/messages/{id}/merge`: closes the message as a duplicate of another (its
/// number, `LY000042`, or its id).
pub async fn merge<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<MergeForm>,
) -> WebResult<Response> {
    let into = posted.form.into.trim();
    let digits = into
        .strip_prefix("LY")
        .or_else(|| into.strip_prefix("ly"))
        .unwrap_or(into);
    let into: i64 = digits
        .parse()
        .map_err(|_| WebError::invalid("请填写要合并到的留言编号，如 LY000042"))?;
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    ctx.merge_message(MessageId(id), MessageId(into)).await?;
    Ok(back_to(id, "merged"))
}

#[derive(Debug, Deserialize)]
pub struct AbusiveForm {
    /// `1` to mark, `0` to take the mark back.
    #[serde(default)]
    abusive: String,
    #[serde(default)]
    reason: String,
}

/// `POST /office/messages/{id}/abusive`: marks the message as abusive with a reason, or takes
/// the mark back.
pub async fn abusive<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<AbusiveForm>,
) -> WebResult<Response> {
    let mark = posted.form.abusive.trim() != "0";
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    ctx.mark_abusive(MessageId(id), mark.then_some(posted.form.reason.as_str()))
        .await?;
    Ok(back_to(id, if mark { "abusive" } else { "unmarked" }))
}

#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
    /// `1`: publish on the portal.
    #[serde(default)]
    public: String,
}

/// `POST /office/messages/{id}/reply`: replies (or corrects the reply), published or not.
pub async fn reply<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<ReplyForm>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    ctx.reply_message(
        MessageId(id),
        &posted.form.body,
        posted.form.public == "1",
        now(),
    )
    .await?;
    Ok(back_to(id, "replied"))
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    /// `1` to publish, `0` to withdraw.
    #[serde(default)]
    public: String,
}

/// `POST /office/messages/{id}/publish`: publishes the reply on the portal, or withdraws it.
pub async fn publish<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<PublishForm>,
) -> WebResult<Response> {
    let public = posted.form.public.trim() != "0";
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    ctx.publish_reply(MessageId(id), public).await?;
    Ok(back_to(id, if public { "published" } else { "withdrawn" }))
}

#[derive(Debug, Deserialize)]
pub struct ToRequestForm {
    #[serde(default)]
    reference: String,
    /// The applicant's kind (`natural_person`, …); default a natural person.
    #[serde(default)]
    kind: String,
}

/// `POST /office/messages/{id}/request`: turns the message into a request (channel online,
/// received by the online rule), linked both ways; goes to the new request.
pub async fn to_request<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<ToRequestForm>,
) -> WebResult<Response> {
    let kind = match posted.form.kind.trim() {
        "" => Applicant::NaturalPerson,
        k => Applicant::from_key(k)
            .filter(|k| Applicant::KINDS.contains(k))
            .or_else(|| gongkai_cases::vocab::parse_applicant(k))
            .ok_or_else(|| WebError::invalid(format!("不认识的申请人类型“{k}”")))?,
    };
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    let (_, view) = ctx
        .message_to_request(MessageId(id), &posted.form.reference, kind)
        .await?;
    Ok(Redirect::to(&format!(
        "/office/requests/{}?registered=1",
        view.request.id.0
    ))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct FromRequestForm {
    /// 咨询, 建议 or 投诉 (their keys too); default 投诉.
    #[serde(default)]
    kind: String,
}

/// `POST /office/requests/{id}/message`: turns a request answered as 信访举报投诉 (第三十九条)
/// into a message, linked both ways; goes to the message.
pub async fn from_request<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<FromRequestForm>,
) -> WebResult<Response> {
    let kind = match posted.form.kind.trim() {
        "" => MessageKind::Complaint,
        k => MessageKind::parse(k)
            .ok_or_else(|| WebError::invalid(format!("不认识的留言类型“{k}”")))?,
    };
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    let message = ctx.request_to_message(RequestId(id), kind).await?;
    Ok(Redirect::to(&format!("/office/messages/{}?from_request=1", message.id.0)).into_response())
}
