//! Routing inside a government through the API (转办 `dispatchRequest`, 签收 `signRequest`, 退回
//! `returnRequest`, 协办 `openSubtask` / `answerSubtask`), and other requests like one
//! (`listSimilarRequests`, `linkRequests`). Each answers the request as `getRequest` shows it:
//! its `handling_agency`, its routing steps, and its `due`, which no step moves.

use super::requests::RequestOut;
use super::{Always, ApiJson, ApiPath, JsonBody, OnRecords, api_err, date};
use crate::auth::{ApiCaller, Caller};
use crate::error::{ErrorBody, WebResult};
use crate::{App, Shared, WebStore};
use axum::Json;
use axum::extract::State;
use gongkai_cases::RequestId;
use gongkai_services::similar::{SimilarLine, SimilarView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where to dispatch a request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchIn {
    /// The unit's name (as `listAgencies` names it): a unit of the handling unit's subtree.
    #[serde(default)]
    pub to_agency: String,
}

/// Why a request is returned.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnIn {
    /// Required: why the request is not this unit's.
    #[serde(default)]
    pub reason: String,
}

/// A sub-task (协办) to open.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubtaskIn {
    /// The helping unit's name: another unit of the same government.
    #[serde(default)]
    pub to_agency: String,
    /// `YYYY-MM-DD`, on or before the request's statutory `due` (第三十三条).
    pub due: String,
    /// What is asked of the helping unit.
    #[serde(default)]
    pub ask: String,
}

/// The answer of a sub-task.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerIn {
    /// The sub-task's number (its step's `seq`).
    pub task: i32,
    #[serde(default)]
    pub answer: String,
}

/// Two requests to link as the same request (同一申请), or to unlink.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIn {
    /// The other request's id.
    pub other: i64,
    /// `true` links, `false` unlinks.
    #[serde(default = "yes")]
    pub linked: bool,
}

fn yes() -> bool {
    true
}

/// Another request like one.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarOut {
    pub id: i64,
    pub reference: String,
    pub agency: String,
    pub applicant: String,
    pub received: String,
    pub description: String,
    /// The outcome once decided.
    pub outcome: Option<String>,
    /// How alike the descriptions are (0–1), for near-identical requests.
    pub similarity: Option<f64>,
    /// Linked as the same request.
    pub linked: bool,
}

impl From<&SimilarLine> for SimilarOut {
    fn from(l: &SimilarLine) -> Self {
        SimilarOut {
            id: l.id.0,
            reference: l.reference.clone(),
            agency: l.agency.clone(),
            applicant: l.applicant.clone(),
            received: l.received.to_string(),
            description: l.description.clone(),
            outcome: l.outcome.clone(),
            similarity: l.similarity,
            linked: l.linked,
        }
    }
}

/// The other requests like one.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarRequestsOut {
    /// The same applicant's other requests (identity number, else name and phone).
    pub same_applicant: Vec<SimilarOut>,
    /// Near-identical requests of others, most alike first.
    pub near: Vec<SimilarOut>,
    /// The ids of the requests linked as the same request.
    pub linked: Vec<i64>,
    /// A linked, answered, earlier request of the same applicant: this request may be decided
    /// as 重复申请 (np_repeat, 第三十六条第（六）项).
    pub repeat_of: Option<i64>,
}

impl From<&SimilarView> for SimilarRequestsOut {
    fn from(v: &SimilarView) -> Self {
        SimilarRequestsOut {
            same_applicant: v.same_applicant.iter().map(SimilarOut::from).collect(),
            near: v.near.iter().map(SimilarOut::from).collect(),
            linked: v.links.iter().map(|l| l.other.0).collect(),
            repeat_of: v.repeat_of.map(|r| r.0),
        }
    }
}

/// The request as it now is.
async fn answer<S: WebStore>(
    app: &App<S>,
    caller: &Caller,
    id: i64,
) -> WebResult<Json<RequestOut>> {
    let settings = app.settings();
    let view = caller
        .ctx(app, &settings)
        .request_by_id(RequestId(id), None)
        .await
        .map_err(api_err)?;
    Ok(Json(RequestOut::from(&view)))
}

/// `POST /api/v1/requests/{id}/dispatch`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/dispatch",
    operation_id = "dispatchRequest",
    tag = "requests",
    summary = "转办（交办）申请给本单位的下级单位；不改变答复期限",
    params(("id" = i64, Path, description = "申请的编号")),
    request_body = DispatchIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "转办后的申请", body = RequestOut),
        (status = 409, description = "当前状态不能转办（已转办待签收、已办结，或不是下级单位）", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn dispatch_request<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<DispatchIn>,
) -> WebResult<Json<RequestOut>> {
    let settings = app.settings();
    caller
        .ctx(&app, &settings)
        .dispatch_request(RequestId(id), &body.to_agency)
        .await
        .map_err(api_err)?;
    answer(&app, &caller, id).await
}

/// `POST /api/v1/requests/{id}/sign`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/sign",
    operation_id = "signRequest",
    tag = "requests",
    summary = "签收转办来的申请，本单位成为承办单位；不改变答复期限",
    params(("id" = i64, Path, description = "申请的编号")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "签收后的申请", body = RequestOut),
        (status = 409, description = "没有待本单位签收的转办", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn sign_request<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> WebResult<Json<RequestOut>> {
    let settings = app.settings();
    caller
        .ctx(&app, &settings)
        .sign_request(RequestId(id))
        .await
        .map_err(api_err)?;
    answer(&app, &caller, id).await
}

/// `POST /api/v1/requests/{id}/return`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/return",
    operation_id = "returnRequest",
    tag = "requests",
    summary = "退回转办来的申请并说明理由，申请回到转办单位",
    params(("id" = i64, Path, description = "申请的编号")),
    request_body = ReturnIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "退回后的申请", body = RequestOut),
        (status = 409, description = "没有待本单位签收的转办", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn return_request<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReturnIn>,
) -> WebResult<Json<RequestOut>> {
    let settings = app.settings();
    caller
        .ctx(&app, &settings)
        .return_request(RequestId(id), &body.reason)
        .await
        .map_err(api_err)?;
    answer(&app, &caller, id).await
}

/// `POST /api/v1/requests/{id}/subtasks`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/subtasks",
    operation_id = "openSubtask",
    tag = "requests",
    summary = "发起协办：请同一政府的其他单位在期限内协助，期限不得晚于法定答复期限",
    params(("id" = i64, Path, description = "申请的编号")),
    request_body = SubtaskIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "发起协办后的申请", body = RequestOut),
        (status = 409, description = "协办期限晚于法定答复期限（第三十三条），或当前状态不能发起协办", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn open_subtask<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SubtaskIn>,
) -> WebResult<Json<RequestOut>> {
    let due = date("due", &body.due)?;
    let settings = app.settings();
    caller
        .ctx(&app, &settings)
        .open_subtask(RequestId(id), &body.to_agency, due, &body.ask)
        .await
        .map_err(api_err)?;
    answer(&app, &caller, id).await
}

/// `POST /api/v1/requests/{id}/answer`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/answer",
    operation_id = "answerSubtask",
    tag = "requests",
    summary = "协办单位答复协办事项",
    params(("id" = i64, Path, description = "申请的编号")),
    request_body = AnswerIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "答复后的申请", body = RequestOut),
        (status = 409, description = "没有这个协办事项，或已答复", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn answer_subtask<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AnswerIn>,
) -> WebResult<Json<RequestOut>> {
    let settings = app.settings();
    caller
        .ctx(&app, &settings)
        .answer_subtask(RequestId(id), body.task, &body.answer)
        .await
        .map_err(api_err)?;
    answer(&app, &caller, id).await
}

/// `GET /api/v1/requests/{id}/similar`.
#[utoipa::path(
    get,
    path = "/api/v1/requests/{id}/similar",
    operation_id = "listSimilarRequests",
    tag = "requests",
    summary = "同一申请人的其他申请、内容相近的申请和关联为同一申请的申请",
    params(("id" = i64, Path, description = "申请的编号")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "相似的申请", body = SimilarRequestsOut),
        (status = 404, description = "没有这件申请，或无权查看", body = ErrorBody),
        Always,
    )
)]
pub async fn list_similar_requests<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> WebResult<Json<SimilarRequestsOut>> {
    let settings = app.settings();
    let view = caller
        .ctx(&app, &settings)
        .similar_requests(RequestId(id))
        .await
        .map_err(api_err)?;
    Ok(Json(SimilarRequestsOut::from(&view)))
}

/// `POST /api/v1/requests/{id}/links`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/links",
    operation_id = "linkRequests",
    tag = "requests",
    summary = "把两件申请关联为同一申请，或取消关联",
    params(("id" = i64, Path, description = "申请的编号")),
    request_body = LinkIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "关联后的相似申请", body = SimilarRequestsOut),
        (status = 409, description = "已关联（或没有关联可取消）", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn link_requests<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<LinkIn>,
) -> WebResult<Json<SimilarRequestsOut>> {
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    ctx.link_requests(RequestId(id), RequestId(body.other), body.linked)
        .await
        .map_err(api_err)?;
    let view = ctx.similar_requests(RequestId(id)).await.map_err(api_err)?;
    Ok(Json(SimilarRequestsOut::from(&view)))
}
