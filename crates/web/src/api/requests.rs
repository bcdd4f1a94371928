//! Requests through the API: register, list, read, record events, import a ledger.

use super::idempotency::{self, IdempotencyKey, idempotent};
use super::{Always, ApiBytes, ApiJson, ApiPath, ApiQuery, JsonBody, OnRecords, api_err, date};
use crate::auth::{ApiCaller, Caller};
use crate::error::{ErrorBody, FieldError, WebError, WebResult};
use crate::{App, Shared, WebStore};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_cases::vocab::{
    EventKind, channel_label, parse_applicant, parse_channel, parse_outcome,
};
use gongkai_cases::{Contact, RequestId};
use gongkai_report::template::applicant_label;
use gongkai_services::ledger::{LedgerFile, LedgerSource};
use gongkai_services::requests::{RegisterRequest, RequestView, WorkItem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A request to register, with the command line's names.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestIn {
    /// The agency's name (or alias, or former name).
    pub agency: String,
    /// 受理编号, unique within the agency.
    pub reference: String,
    /// The first-named applicant.
    pub applicant: String,
    /// One of the six table 三 kinds: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他.
    pub kind: String,
    /// 当面, 挂号信, 平信, 网上, 电子邮件, 传真, 口头 or 其他.
    pub channel: String,
    /// The date of receipt by the channel's rule (第三十一条), `YYYY-MM-DD`.
    pub received: String,
    /// What information is asked for.
    pub description: String,
    /// How the applicant asked to receive it.
    #[serde(default)]
    pub form: String,
    /// The identity document (第二十九条第一项): its kind (居民身份证, 护照, 统一社会信用代码, …)
    /// and number (a 居民身份证 number's check digit is checked).
    #[serde(default)]
    pub id_kind: String,
    #[serde(default)]
    pub id_number: String,
    /// Contact details (第二十九条第一项).
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub email: String,
    /// The channel of delivery asked for (第二十九条第三项): 邮寄, 电子邮件, 当面领取, ….
    #[serde(default)]
    pub delivery: String,
}

/// An event of a request's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    /// `received`, `correction-requested`, …, `decided`.
    pub event: String,
    pub date: String,
    /// The outcome of `decided`, as table 三 words it.
    pub outcome: Option<String>,
    pub note: String,
}

/// A request with where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestOut {
    pub id: i64,
    pub agency: String,
    pub reference: String,
    pub applicant: String,
    pub kind: String,
    pub channel: String,
    pub received: String,
    pub description: String,
    pub form: String,
    /// `awaiting_confirmation` (an online application whose receipt an officer has still to
    /// confirm), `open`, `awaiting_correction`, `consulting`, `awaiting_fee` or `closed`.
    pub state: String,
    /// The state in Chinese.
    pub state_label: String,
    /// The answer deadline (第三十三条); `null` while none runs.
    pub due: Option<String>,
    /// Working days left today, negative when overdue.
    pub days_left: Option<i64>,
    pub events: Vec<EventOut>,
    /// The identity document, contact details and channel of delivery (第二十九条): in full
    /// to those who handle the agency's requests, masked to others (`110***********1234`).
    pub contact: ContactOut,
    /// The unit handling the request now: the registering agency until a unit signs for a
    /// dispatch (转办). No routing step moves `due`.
    pub handling_agency: String,
    /// The unit a dispatch awaits (not yet signed for nor returned), if any.
    pub awaiting_agency: Option<String>,
    /// The routing steps (转办, 签收, 退回, 协办, 协办答复) in order, with who and when.
    pub routing: Vec<RoutingStepOut>,
}

/// A routing step of a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingStepOut {
    /// 1, 2, … in order; a sub-task's number is its step's.
    pub seq: i32,
    /// `dispatch`, `sign`, `return`, `subtask` or `answer`.
    pub action: String,
    /// The unit that took the step.
    pub by: String,
    /// The unit it went to (dispatch, return, sub-task).
    pub to: Option<String>,
    /// A return's reason, what a sub-task asks, an answer.
    pub text: String,
    /// A sub-task's due date.
    pub due: Option<String>,
    /// The sub-task an answer answers.
    pub task: Option<i32>,
    /// When, RFC 3339.
    pub at: String,
    /// The account that took it.
    pub actor: String,
}

/// The applicant's identity and contact (第二十九条第一项) and the channel of delivery asked
/// for (第二十九条第三项); empty texts where not given.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactOut {
    pub id_kind: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub email: String,
    pub delivery: String,
}

impl From<Contact> for ContactOut {
    fn from(c: Contact) -> Self {
        ContactOut {
            id_kind: c.id_kind,
            id_number: c.id_number,
            phone: c.phone,
            address: c.address,
            email: c.email,
            delivery: c.delivery,
        }
    }
}

fn event_key(event: gongkai_calendar::Event) -> &'static str {
    use gongkai_calendar::Event;
    match event {
        Event::Received(_) => "received",
        other => EventKind::ALL
            .into_iter()
            .find(|k| k.on(other.date()) == other)
            .map_or("received", EventKind::name),
    }
}

impl From<&RequestView> for RequestOut {
    /// The request of `v`, with its contact as the caller may see it.
    fn from(v: &RequestView) -> Self {
        let r = &v.request;
        let first = r.data.applicants.first();
        let deadline = v.deadline.as_ref().ok();
        RequestOut {
            id: r.id.0,
            agency: v.agency.name.clone(),
            reference: r.data.reference.clone(),
            applicant: first.map_or_else(String::new, |a| a.name.clone()),
            kind: first.map_or_else(String::new, |a| applicant_label(a.kind).to_owned()),
            channel: channel_label(r.data.channel).to_owned(),
            received: r.data.received.to_string(),
            description: r.data.description.clone(),
            form: r.data.requested_form.clone(),
            state: v.state_key().to_owned(),
            state_label: v.state_label().to_owned(),
            due: deadline.map(|d| d.due.to_string()),
            days_left: deadline.and_then(|d| d.days_left),
            events: r
                .events
                .iter()
                .map(|e| EventOut {
                    event: event_key(e.event).to_owned(),
                    date: e.event.date().to_string(),
                    outcome: e.outcome.map(|o| o.label().to_owned()),
                    note: e.note.clone(),
                })
                .collect(),
            contact: v.contact.clone().into(),
            handling_agency: v.routing.handling.name.clone(),
            awaiting_agency: v.routing.awaiting.as_ref().map(|a| a.name.clone()),
            routing: v
                .routing
                .steps
                .iter()
                .map(|s| RoutingStepOut {
                    seq: s.seq,
                    action: s.action.key().to_owned(),
                    by: s.by.clone(),
                    to: s.to.clone(),
                    text: s.text.clone(),
                    due: s.due.map(|d| d.to_string()),
                    task: s.task,
                    at: gongkai_services::in_china(s.at).to_rfc3339(),
                    actor: s.actor.clone(),
                })
                .collect(),
        }
    }
}

/// Collects the fields that cannot be read, for one 422 answer naming each.
#[derive(Default)]
struct Fields(Vec<FieldError>);

impl Fields {
    fn bad(&mut self, field: &str, message: &str) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.to_owned(),
        });
    }

    fn finish(self) -> WebResult<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = self.0.iter().map(|f| f.field.as_str()).collect();
        Err(WebError::invalid(format!("字段有误：{}", names.join("、")))
            .with_details(self.0)
            .api())
    }
}

/// `POST /api/v1/requests`.
#[utoipa::path(
    post,
    path = "/api/v1/requests",
    operation_id = "createRequest",
    tag = "requests",
    summary = "登记申请（第二十九条、第三十一条）",
    params(("Idempotency-Key" = Option<String>, Header, description = idempotency::DESCRIBED)),
    request_body = NewRequestIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "已登记的申请", body = RequestOut),
        (status = 409, description = "受理编号已存在", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn create_request<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<NewRequestIn>,
) -> WebResult<Response> {
    let asked = serde_json::to_vec(&body).map_err(|e| WebError::internal(&e).api())?;
    let call = register(&app, &caller, body);
    idempotent(&app, &caller, key, ("createRequest", &asked), call).await
}

async fn register<S: WebStore>(
    app: &App<S>,
    caller: &Caller,
    body: NewRequestIn,
) -> WebResult<(StatusCode, Json<RequestOut>)> {
    let mut fields = Fields::default();
    let kind = parse_applicant(&body.kind);
    if kind.is_none() {
        fields.bad(
            "kind",
            "应为 自然人、商业企业、科研机构、社会公益组织、法律服务机构 或 其他",
        );
    }
    let channel = parse_channel(&body.channel);
    if channel.is_none() {
        fields.bad(
            "channel",
            "应为 当面、挂号信、平信、网上、电子邮件、传真、口头 或 其他",
        );
    }
    let received = gongkai_cases::vocab::parse_date_text(body.received.trim());
    if received.is_none() {
        fields.bad("received", "应为 YYYY-MM-DD");
    }
    fields.finish()?;
    let (Some(kind), Some(channel), Some(received)) = (kind, channel, received) else {
        return Err(WebError::invalid("字段有误").api());
    };
    let settings = app.settings();
    let ctx = caller.ctx(app, &settings);
    let view = ctx
        .register_request(RegisterRequest {
            agency: body.agency,
            reference: body.reference,
            applicant: body.applicant,
            kind,
            channel,
            received,
            description: body.description,
            form: body.form,
            contact: Contact {
                id_kind: body.id_kind,
                id_number: body.id_number,
                phone: body.phone,
                address: body.address,
                email: body.email,
                delivery: body.delivery,
            },
        })
        .await
        .map_err(api_err)?;
    Ok((StatusCode::CREATED, Json(RequestOut::from(&view))))
}

/// The page asked of `listRequests`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The agency whose requests are listed.
    pub agency: String,
    /// At most this many items (default 100, at most 1,000).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One line of a list of requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestItem {
    pub id: i64,
    pub reference: String,
    pub agency: String,
    pub state: String,
    pub received: String,
    pub due: Option<String>,
    pub days_left: Option<i64>,
}

impl From<WorkItem> for RequestItem {
    fn from(i: WorkItem) -> Self {
        RequestItem {
            state: i.state_key().to_owned(),
            id: i.id.0,
            reference: i.reference,
            agency: i.agency,
            received: i.received.to_string(),
            due: i.due.map(|d| d.to_string()),
            days_left: i.days_left,
        }
    }
}

/// A page of requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestPage {
    pub items: Vec<RequestItem>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// The largest page.
const MAX_LIMIT: usize = 1_000;

/// `GET /api/v1/requests?agency=…`.
#[utoipa::path(
    get,
    path = "/api/v1/requests",
    operation_id = "listRequests",
    tag = "requests",
    summary = "按登记顺序分页列出一个机关的申请",
    params(ListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "一页申请", body = RequestPage),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 404, description = "没有这个机关，或无权查看", body = ErrorBody),
        (status = 422, description = "limit 或 cursor 无效", body = ErrorBody),
        Always,
    )
)]
pub async fn list_requests<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> WebResult<Json<RequestPage>> {
    let limit = q.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(WebError::invalid(format!("limit 应在 1 到 {MAX_LIMIT} 之间")).api());
    }
    let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(RequestId(c.parse().map_err(|_| {
            WebError::invalid("cursor 无效：请使用上一页返回的 next_cursor").api()
        })?)),
    };
    let settings = app.settings();
    let (items, next) = caller
        .ctx(&app, &settings)
        .request_page(&q.agency, after, limit)
        .await
        .map_err(api_err)?;
    Ok(Json(RequestPage {
        items: items.into_iter().map(RequestItem::from).collect(),
        next_cursor: next.map(|id| id.0.to_string()),
    }))
}

/// `GET /api/v1/requests/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/requests/{id}",
    operation_id = "getRequest",
    tag = "requests",
    summary = "查看申请：申请人、经过、状态和答复期限",
    params(("id" = i64, Path, description = "申请的编号（createRequest 返回的 id）")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "申请", body = RequestOut),
        (status = 400, description = "编号不是数字", body = ErrorBody),
        (status = 404, description = "没有这件申请，或无权查看", body = ErrorBody),
        Always,
    )
)]
pub async fn get_request<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> WebResult<Json<RequestOut>> {
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let view = ctx
        .request_by_id(RequestId(id), None)
        .await
        .map_err(api_err)?;
    Ok(Json(RequestOut::from(&view)))
}

/// An event to record.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventIn {
    /// `correction-requested`, `corrected-received`, `correction-lapsed`,
    /// `consultation-started`, `consultation-ended`, `fee-notice-sent`, `fee-paid`,
    /// `extension-approved` (an approver's) or `decided`.
    pub event: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// For `decided`: the outcome as table 三 words it (予以公开, 属于国家秘密, 重复申请, …).
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// `POST /api/v1/requests/{id}/events`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/events",
    operation_id = "addRequestEvent",
    tag = "requests",
    summary = "记录办理事件；不可能的顺序以所违反的条款拒绝",
    params(
        ("id" = i64, Path, description = "申请的编号"),
        ("Idempotency-Key" = Option<String>, Header, description = idempotency::DESCRIBED),
    ),
    request_body = EventIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "记录后的申请", body = RequestOut),
        (status = 409, description = "办理流程不允许这个事件（说明所违反的条款）", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn add_request_event<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<EventIn>,
) -> WebResult<Response> {
    let asked = serde_json::to_vec(&body).map_err(|e| WebError::internal(&e).api())?;
    let operation = format!("addRequestEvent {id}");
    let call = record(&app, &caller, id, body);
    idempotent(&app, &caller, key, (&operation, &asked), call).await
}

async fn record<S: WebStore>(
    app: &App<S>,
    caller: &Caller,
    id: i64,
    body: EventIn,
) -> WebResult<Json<RequestOut>> {
    let kind = EventKind::parse(&body.event)
        .ok_or_else(|| WebError::invalid(format!("不认识的事件“{}”", body.event)).api())?;
    let on = date("date", &body.date)?;
    let outcome = match (kind, body.outcome.as_deref().map(str::trim)) {
        (EventKind::Decided, None | Some("")) => {
            return Err(WebError::invalid("decided 须给出 outcome（办理结果）").api());
        }
        (EventKind::Decided, Some(label)) => Some(
            parse_outcome(label)
                .ok_or_else(|| WebError::invalid(format!("不认识的办理结果“{label}”")).api())?,
        ),
        _ => None,
    };
    let settings = app.settings();
    let ctx = caller.ctx(app, &settings);
    ctx.record_event_by_id(RequestId(id), kind.on(on), outcome, &body.note)
        .await
        .map_err(api_err)?;
    let view = ctx
        .request_by_id(RequestId(id), None)
        .await
        .map_err(api_err)?;
    Ok(Json(RequestOut::from(&view)))
}

/// Where a ledger goes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// The agency whose ledger it is.
    pub agency: String,
    /// The file's name, for messages (`台账.xlsx`).
    pub name: Option<String>,
    /// Apply the values the file gives differently from the records.
    pub apply_changes: Option<bool>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    pub agency: String,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub remedies_created: usize,
    /// SHA-256 of the file, as the audit log records it.
    pub sha256: String,
}

/// `POST /api/v1/ledger?agency=…`: the body is the XLSX or CSV file itself.
#[utoipa::path(
    post,
    path = "/api/v1/ledger",
    operation_id = "importLedger",
    tag = "requests",
    summary = "导入台账（XLSX 或 CSV，请求体即文件）；任何一行有误则全部不导入",
    params(LedgerQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "台账文件"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "已导入", body = ImportOut),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 409, description = "与已登记记录不同，未导入（details 列出每处不同）", body = ErrorBody),
        (status = 413, description = "文件过大", body = ErrorBody),
        (status = 422, description = "台账有误，未导入（details 列出行和列）", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn import_ledger<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<LedgerQuery>,
    ApiBytes(body): ApiBytes,
) -> WebResult<Json<ImportOut>> {
    if body.is_empty() {
        return Err(WebError::invalid("请求体为空：请把台账文件作为请求体发送").api());
    }
    let name = q.name.unwrap_or_else(|| "台账".to_owned());
    let settings = app.settings();
    let done = caller
        .ctx(&app, &settings)
        .import_ledger(
            &q.agency,
            LedgerFile {
                name: &name,
                source: LedgerSource::Bytes(&body),
                remedies: None,
                progress: None,
            },
            q.apply_changes.unwrap_or(false),
        )
        .await
        .map_err(api_err)?;
    Ok(Json(ImportOut {
        agency: done.agency.name,
        rows: done.rows,
        created: done.summary.created,
        updated: done.summary.updated,
        changed: done.summary.changed,
        unchanged: done.summary.unchanged,
        remedies_created: done.summary.remedies.created,
        sha256: done.sha256,
    }))
}

/// The agency and year of `listRepeatedRequests`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RepeatedQuery {
    /// The agency (with every agency below it).
    pub agency: String,
    /// The year the requests were received.
    pub year: i32,
}

/// A request of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct AskedOut {
    pub id: i64,
    pub reference: String,
    pub applicant: String,
    pub received: String,
    pub description: String,
    /// The outcome's label once decided.
    pub outcome: Option<String>,
}

/// Information asked for by several applicants.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepeatedOut {
    /// The 文号 or 《title》 the requests name, or the first request's description.
    pub subject: String,
    pub doc_number: Option<String>,
    pub applicants: usize,
    /// One of the requests was answered with disclosure (予以公开 or 部分公开).
    pub disclosable: bool,
    pub requests: Vec<AskedOut>,
}

/// The groups found.
#[derive(Debug, Serialize, ToSchema)]
pub struct RepeatedList {
    pub items: Vec<RepeatedOut>,
}

/// `GET /api/v1/repeated-requests`.
#[utoipa::path(
    get,
    path = "/api/v1/repeated-requests",
    operation_id = "listRepeatedRequests",
    tag = "requests",
    summary = "多人申请的相同信息（第四十四条）：同一文号或标题，或申请内容几乎相同",
    params(RepeatedQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "被两个以上申请人申请的信息及其申请", body = RepeatedList),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 422, description = "年度无效", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn list_repeated_requests<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<RepeatedQuery>,
) -> WebResult<Json<RepeatedList>> {
    let settings = app.settings();
    let found = caller
        .ctx(&app, &settings)
        .repeated_requests(&q.agency, q.year)
        .await
        .map_err(api_err)?;
    Ok(Json(RepeatedList {
        items: found
            .into_iter()
            .map(|g| RepeatedOut {
                subject: g.subject,
                doc_number: g.doc_number,
                applicants: g.applicants,
                disclosable: g.disclosable,
                requests: g
                    .requests
                    .into_iter()
                    .map(|r| AskedOut {
                        id: r.id,
                        reference: r.reference,
                        applicant: r.applicant,
                        received: r.received.to_string(),
                        description: r.description,
                        outcome: r.outcome,
                    })
                    .collect(),
            })
            .collect(),
    }))
}
