//! Public messages (互动交流) through the API: `submitMessage` and `listPublicReplies` for anyone
//! (rate-limited per client address like the portal's forms), `listMessages` and
//! `replyMessage` for staff — the same use cases as the pages.

use super::idempotency::IdempotencyKey;
use super::{Always, ApiJson, ApiPath, ApiQuery, JsonBody, OnRecords, api_err};
use crate::auth::ApiCaller;
use crate::error::{ErrorBody, WebError, WebResult};
use crate::portal::{abuse, public};
use crate::{Shared, WebStore, now};
use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use gongkai_services::messages::MessageItem;
use gongkai_services::portal::messages::{MessageInput, PublicReply};
use gongkai_store::messages::{Message, MessageId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A message to an agency (互动交流).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageIn {
    /// The id of the agency (`listAgencies`, or the portal's agency pages).
    pub agency: i64,
    /// `consultation` (咨询), `suggestion` (建议) or `complaint` (投诉), or the Chinese word.
    pub kind: String,
    /// At most 100 characters.
    pub title: String,
    pub body: String,
    /// The sender's name: never published.
    pub name: String,
    /// 7 to 15 digits; its last four open the tracking page. Never published.
    pub phone: String,
}

/// The receipt of `submitMessage`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageReceiptOut {
    /// 查询码: shown this once and never stored in clear; with the phone's last four digits it
    /// opens the portal's tracking page (`/messages/track`).
    pub tracking_code: String,
    /// The message's number (`LY000042`).
    pub number: String,
    pub agency: String,
    pub kind: String,
    #[schema(value_type = String, format = Date)]
    pub received: NaiveDate,
    /// The reply time limit (`messages.reply_days` working days on the official calendar).
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<NaiveDate>,
}

/// `POST /api/v1/messages`.
#[utoipa::path(
    post,
    path = "/api/v1/messages",
    operation_id = "submitMessage",
    tag = "portal",
    summary = "向机关留言（咨询、建议、投诉），得到查询码",
    params(("Idempotency-Key" = Option<String>, Header, description = "可选，用随机值（如 UUID）。以同一键、同一内容重试时，返回第一次的回执（同一查询码、同一留言）；同一键用于内容不同的留言：422")),
    request_body = MessageIn,
    security(()),
    responses(
        (status = 201, description = "已提交：回执和查询码", body = MessageReceiptOut),
        (status = 409, description = "同一留言正在同时提交", body = ErrorBody),
        (status = 429, description = "提交过于频繁（Retry-After）", body = ErrorBody),
        (status = 500, description = "服务器内部错误", body = ErrorBody),
        JsonBody,
    )
)]
pub async fn submit_message<S: WebStore>(
    State(app): State<Shared<S>>,
    IdempotencyKey(key): IdempotencyKey,
    req: Request,
) -> WebResult<Response> {
    let (parts, body) = req.into_parts();
    let client = abuse::client(&app, &parts);
    let req = Request::from_parts(parts, body);
    let ApiJson(body) = ApiJson::<MessageIn>::from_request(req, &app).await?;
    abuse::limit(&app, "message", &client)
        .await
        .map_err(WebError::api)?;
    let settings = app.settings();
    let input = MessageInput {
        agency: AgencyId(body.agency),
        kind: body.kind,
        title: body.title,
        body: body.body,
        name: body.name,
        phone: body.phone,
        nonce: key.map(|k| format!("Idempotency-Key:{k}")),
    };
    let receipt = public(&app, &settings)
        .map_err(WebError::api)?
        .submit_message(input, now())
        .await
        .map_err(api_err)?;
    let out = MessageReceiptOut {
        tracking_code: receipt.tracking_code,
        number: receipt.number,
        agency: receipt.agency,
        kind: receipt.kind.key().to_owned(),
        received: receipt.received,
        due: receipt.due,
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// The page asked of `listMessages`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageListQuery {
    /// The agency whose messages are listed (its name, alias or former name).
    pub agency: String,
    /// Its subordinate agencies' messages too.
    pub subtree: Option<bool>,
    /// At most this many items (default 100, at most 1,000).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One message of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageItemOut {
    pub id: i64,
    /// `LY000042`.
    pub number: String,
    /// The agency handling it.
    pub agency: String,
    /// `consultation`, `suggestion` or `complaint`.
    pub kind: String,
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub received: NaiveDate,
    /// The reply time limit.
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<NaiveDate>,
    /// Working days left while open, negative when overdue.
    pub days_left: Option<i64>,
    pub overdue: bool,
    /// `open`, `replied`, `merged`, `abusive` or `to_request`.
    pub state: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub replied: Option<NaiveDate>,
    /// The reply is published (公开答复).
    pub public: bool,
}

impl From<MessageItem> for MessageItemOut {
    fn from(i: MessageItem) -> Self {
        MessageItemOut {
            id: i.id.0,
            number: i.number,
            agency: i.agency,
            kind: i.kind.key().to_owned(),
            title: i.title,
            received: i.received,
            due: i.due,
            days_left: i.days_left,
            overdue: i.overdue,
            state: i.state.to_owned(),
            replied: i.replied,
            public: i.public,
        }
    }
}

/// A page of messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessagePage {
    pub items: Vec<MessageItemOut>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// The largest page.
const MAX_LIMIT: usize = 1_000;

/// The page size and the cursor of a listing (web.md §2).
fn paging(limit: Option<usize>, cursor: Option<&str>) -> WebResult<(usize, Option<MessageId>)> {
    let limit = limit.unwrap_or(100);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(WebError::invalid(format!("limit 应在 1 到 {MAX_LIMIT} 之间")).api());
    }
    let cursor = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(MessageId(c.parse().map_err(|_| {
            WebError::invalid("cursor 无效：请使用上一页返回的 next_cursor").api()
        })?)),
    };
    Ok((limit, cursor))
}

/// `GET /api/v1/messages?agency=…`.
#[utoipa::path(
    get,
    path = "/api/v1/messages",
    operation_id = "listMessages",
    tag = "messages",
    summary = "按收到顺序分页列出一个机关的留言（含答复期限）",
    params(MessageListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "一页留言", body = MessagePage),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 404, description = "没有这个机关，或无权查看", body = ErrorBody),
        (status = 422, description = "limit 或 cursor 无效", body = ErrorBody),
        Always,
    )
)]
pub async fn list_messages<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<MessageListQuery>,
) -> WebResult<Json<MessagePage>> {
    let (limit, after) = paging(q.limit, q.cursor.as_deref())?;
    let settings = app.settings();
    let (items, next) = caller
        .ctx(&app, &settings)
        .message_page(&q.agency, q.subtree.unwrap_or(false), after, limit)
        .await
        .map_err(api_err)?;
    Ok(Json(MessagePage {
        items: items.into_iter().map(MessageItemOut::from).collect(),
        next_cursor: next.map(|id| id.0.to_string()),
    }))
}

/// A reply to a message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyIn {
    pub body: String,
    /// Publish the reply on the portal (公开答复); otherwise only the sender sees it.
    #[serde(default)]
    pub public: bool,
}

/// A message after a reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageOut {
    pub id: i64,
    pub number: String,
    /// `open`, `replied`, `merged`, `abusive` or `to_request`.
    pub state: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub replied: Option<NaiveDate>,
    pub reply: Option<String>,
    pub public: bool,
}

impl From<Message> for MessageOut {
    fn from(m: Message) -> Self {
        MessageOut {
            id: m.id.0,
            number: gongkai_store::messages::message_number(m.id),
            state: m.state_key().to_owned(),
            replied: m.reply.as_ref().map(|r| r.on),
            public: m.reply.as_ref().is_some_and(|r| r.public),
            reply: m.reply.map(|r| r.body),
        }
    }
}

/// `POST /api/v1/messages/{id}/reply`.
#[utoipa::path(
    post,
    path = "/api/v1/messages/{id}/reply",
    operation_id = "replyMessage",
    tag = "messages",
    summary = "答复留言（或更正答复），选择公开答复或不公开",
    params(("id" = i64, Path, description = "留言的 id（listMessages 返回的 id）")),
    request_body = ReplyIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "答复后的留言", body = MessageOut),
        (status = 409, description = "留言已合并、已标记为不当留言或已转为申请", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn reply_message<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReplyIn>,
) -> WebResult<Json<MessageOut>> {
    let settings = app.settings();
    let message = caller
        .ctx(&app, &settings)
        .reply_message(MessageId(id), &body.body, body.public, now())
        .await
        .map_err(api_err)?;
    Ok(Json(MessageOut::from(message)))
}

/// The page asked of `listPublicReplies`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RepliesQuery {
    /// The agency's id.
    pub agency: i64,
    /// Words that must all occur (quoted phrases as a whole), as in the catalogue's search.
    pub q: Option<String>,
    /// At most this many items (default 100, at most 1,000).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A published reply: no name, no phone.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReplyOut {
    pub id: i64,
    pub number: String,
    pub agency: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    #[schema(value_type = String, format = Date)]
    pub received: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub replied: NaiveDate,
    pub reply: String,
}

impl From<PublicReply> for PublicReplyOut {
    fn from(r: PublicReply) -> Self {
        PublicReplyOut {
            id: r.id.0,
            number: r.number,
            agency: r.agency,
            kind: r.kind.key().to_owned(),
            title: r.title,
            body: r.body,
            received: r.received,
            replied: r.replied,
            reply: r.reply,
        }
    }
}

/// A page of published replies.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReplyPage {
    pub items: Vec<PublicReplyOut>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/replies?agency=…`.
#[utoipa::path(
    get,
    path = "/api/v1/replies",
    operation_id = "listPublicReplies",
    tag = "portal",
    summary = "分页列出（并检索）一个机关公开的留言答复，最新的在前",
    params(RepliesQuery),
    security(()),
    responses(
        (status = 200, description = "一页公开答复", body = PublicReplyPage),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 404, description = "没有这个机关", body = ErrorBody),
        (status = 422, description = "limit 或 cursor 无效", body = ErrorBody),
        (status = 500, description = "服务器内部错误", body = ErrorBody),
    )
)]
pub async fn list_public_replies<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiQuery(q): ApiQuery<RepliesQuery>,
) -> WebResult<Json<PublicReplyPage>> {
    let (limit, before) = paging(q.limit, q.cursor.as_deref())?;
    let settings = app.settings();
    let (items, next) = public(&app, &settings)
        .map_err(WebError::api)?
        .public_replies(
            AgencyId(q.agency),
            q.q.as_deref().unwrap_or(""),
            before,
            limit,
        )
        .await
        .map_err(api_err)?;
    Ok(Json(PublicReplyPage {
        items: items.into_iter().map(PublicReplyOut::from).collect(),
        next_cursor: next.map(|id| id.0.to_string()),
    }))
}
