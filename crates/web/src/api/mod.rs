//! The JSON API under `/api/v1` (`docs/web.md` §2): the same use cases as the pages and the
//! command line, authenticated by bearer tokens, described by an OpenAPI 3.1 document that
//! declares every answer an operation can give (the error body included), served at
//! `/api/v1/openapi.json` and committed as `schema/openapi.json`.
//!
//! Input is read by [`ApiJson`], [`ApiQuery`] and [`ApiPath`], which answer a malformed body,
//! query or path with the API's error body instead of axum's plain text.

mod applications;
mod catalogue;
mod directory;
mod disclosures;
mod documents;
mod filing;
mod idempotency;
mod letters;
mod messages;
mod notifications;
mod reports;
mod requests;
mod routing;
mod supervision;

pub use applications::{submit_application, track_application};
pub use catalogue::search_catalogue;
pub use directory::get_directory_coverage;
pub use disclosures::{publish_disclosure, withdraw_disclosure};
pub use documents::{
    applicant_url, get_document, redact_document, release_document, upload_document,
};
pub use filing::{
    clear_report, get_filing, list_filings, publish_report, return_report, submit_report,
};
pub use letters::render_letter;
pub use messages::{list_messages, list_public_replies, reply_message, submit_message};
pub use notifications::list_notifications;
pub use reports::{check_report, explain_cell, generate_report};
pub use requests::{
    add_request_event, create_request, get_request, import_ledger, list_repeated_requests,
    list_requests,
};
pub use routing::{
    answer_subtask, dispatch_request, link_requests, list_similar_requests, open_subtask,
    return_request, sign_request,
};
pub use supervision::get_supervision;

use crate::auth::ApiCaller;
use crate::error::{ErrorBody, WebError, WebResult};
use crate::{Shared, WebStore};
use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

/// A JSON body; a malformed one is a 400 (or 415 without a JSON content type, 422 when the
/// fields do not fit) in the API's error format.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        use axum::extract::rejection::JsonRejection;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(WebError::unsupported(
                "请求体须为 JSON（Content-Type: application/json）",
            )
            .api()),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(WebError::invalid(format!("请求内容的字段有误：{}", e.body_text())).api())
            }
            Err(JsonRejection::BytesRejection(_)) => {
                Err(WebError::too_large("请求体过大或无法读取").api())
            }
            Err(e) => Err(WebError::bad_request(format!(
                "请求体不是有效的 JSON：{}",
                e.body_text()
            ))
            .api()),
        }
    }
}

/// A query string; a malformed one is a 400 in the API's error format.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| WebError::bad_request(format!("查询参数有误：{}", e.body_text())).api())
    }
}

/// A path parameter; a malformed one (a request id that is not a number) is a 400.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| WebError::bad_request(format!("路径参数有误：{}", e.body_text())).api())
    }
}

/// A raw body (an uploaded file); one past the upload limit is a 413 in the API's format.
#[derive(Debug)]
pub struct ApiBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        axum::body::Bytes::from_request(req, state)
            .await
            .map(ApiBytes)
            .map_err(|_| WebError::too_large("请求体过大").api())
    }
}

/// Maps an error of a use case to the API's error answer.
pub(crate) fn api_err(e: impl Into<WebError>) -> WebError {
    e.into().api()
}

/// A date the law counts, `YYYY-MM-DD` (the ledger's other forms are accepted too).
pub(crate) fn date(field: &str, text: &str) -> WebResult<NaiveDate> {
    gongkai_cases::vocab::parse_date_text(text.trim()).ok_or_else(|| {
        WebError::invalid(format!("{field} 不是日期（应为 YYYY-MM-DD）"))
            .with_details(vec![crate::error::FieldError {
                field: field.to_owned(),
                message: "应为 YYYY-MM-DD".to_owned(),
            }])
            .api()
    })
}

/// The answers every operation can give besides its own.
#[derive(Debug, utoipa::IntoResponses)]
pub enum Always {
    #[response(status = 401, description = "没有或无效的访问令牌")]
    Unauthorized(ErrorBody),
    #[response(status = 500, description = "服务器内部错误")]
    Internal(ErrorBody),
}

/// The answers of an operation on an agency's records.
#[derive(Debug, utoipa::IntoResponses)]
pub enum OnRecords {
    #[response(status = 403, description = "有权查看但无权进行此操作")]
    Forbidden(ErrorBody),
    #[response(status = 404, description = "没有这个机关或记录，或无权查看")]
    NotFound(ErrorBody),
}

/// The answers of an operation that reads a JSON body.
#[derive(Debug, utoipa::IntoResponses)]
pub enum JsonBody {
    #[response(status = 400, description = "请求体不是有效的 JSON")]
    BadRequest(ErrorBody),
    #[response(status = 413, description = "请求体过大")]
    TooLarge(ErrorBody),
    #[response(status = 415, description = "请求体不是 JSON")]
    Unsupported(ErrorBody),
    #[response(status = 422, description = "字段有误（details 逐一列出）")]
    Invalid(ErrorBody),
}

/// An agency as the API lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyOut {
    pub id: i64,
    pub name: String,
    /// The parent agency's id; `null` for a top-level agency.
    pub parent: Option<i64>,
    /// Depth below the caller's top agencies (0 for a top).
    pub depth: usize,
    /// The agency it was merged into (机构改革), if any.
    pub merged_into: Option<String>,
}

/// `GET /api/v1/agencies`.
#[utoipa::path(
    get,
    path = "/api/v1/agencies",
    operation_id = "listAgencies",
    tag = "agencies",
    summary = "列出调用者可见的机关（按层级）",
    security(("bearer" = [])),
    responses((status = 200, description = "机关列表", body = Vec<AgencyOut>), Always)
)]
pub async fn list_agencies<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
) -> WebResult<Json<Vec<AgencyOut>>> {
    let settings = app.settings();
    let tree = caller
        .ctx(&app, &settings)
        .agency_tree()
        .await
        .map_err(api_err)?;
    Ok(Json(
        tree.into_iter()
            .map(|r| AgencyOut {
                id: r.agency.id.0,
                name: r.agency.name,
                parent: r.agency.parent.map(|p| p.0),
                depth: r.depth,
                merged_into: r.merged_into,
            })
            .collect(),
    ))
}

/// The dates of `computeDeadline`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// 收到申请之日, `YYYY-MM-DD`.
    pub received: String,
    /// 收到补正后申请之日（第三十条）, if corrected.
    pub corrected: Option<String>,
    /// An extension was approved (第三十三条第二款).
    pub extended: Option<bool>,
    /// Count the days used and left as of this date.
    pub as_of: Option<String>,
}

/// `GET /api/v1/deadline`: the statutory answer deadline, explained step by step.
#[utoipa::path(
    get,
    path = "/api/v1/deadline",
    operation_id = "computeDeadline",
    tag = "requests",
    summary = "按官方工作日历计算法定答复期限（第三十三条）并逐步说明",
    params(DeadlineQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "期限及其计算步骤", body = serde_json::Value),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 422, description = "日期无效", body = ErrorBody),
        Always,
    )
)]
pub async fn deadline<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<DeadlineQuery>,
) -> WebResult<Json<serde_json::Value>> {
    let mut input = gongkai_calendar::DeadlineInput::new(date("received", &q.received)?);
    input.corrected = q
        .corrected
        .as_deref()
        .map(|d| date("corrected", d))
        .transpose()?;
    input.as_of = q.as_of.as_deref().map(|d| date("as_of", d)).transpose()?;
    input.extended = q.extended.unwrap_or(false);
    let settings = app.settings();
    let cal = caller
        .ctx(&app, &settings)
        .calendar()
        .await
        .map_err(api_err)?;
    let deadline = gongkai_services::calendar::deadline(&cal, &input).map_err(api_err)?;
    let value = serde_json::to_value(&deadline).map_err(|e| WebError::internal(&e).api())?;
    Ok(Json(value))
}

/// The bearer token scheme of every operation.
#[derive(Debug)]
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "gongkai token create --user NAME 生成的访问令牌，以 Authorization: Bearer <令牌> 发送",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai API",
        description = "政府信息公开工作平台的 JSON 接口：申请的登记和办理、台账导入、年度报告的生成和检查。错误一律为 {\"error\": {\"code\", \"message\", \"details\"}}。",
        version = "1"
    ),
    paths(
        list_agencies,
        requests::create_request,
        requests::list_requests,
        requests::get_request,
        requests::add_request_event,
        requests::import_ledger,
        requests::list_repeated_requests,
        routing::dispatch_request,
        routing::sign_request,
        routing::return_request,
        routing::open_subtask,
        routing::answer_subtask,
        routing::list_similar_requests,
        routing::link_requests,
        reports::generate_report,
        reports::check_report,
        reports::explain_cell,
        filing::list_filings,
        filing::get_filing,
        filing::submit_report,
        filing::return_report,
        filing::clear_report,
        filing::publish_report,
        supervision::get_supervision,
        directory::get_directory_coverage,
        deadline,
        catalogue::search_catalogue,
        applications::submit_application,
        applications::track_application,
        letters::render_letter,
        documents::upload_document,
        documents::get_document,
        documents::redact_document,
        documents::release_document,
        disclosures::publish_disclosure,
        disclosures::withdraw_disclosure,
        notifications::list_notifications,
        messages::submit_message,
        messages::list_messages,
        messages::reply_message,
        messages::list_public_replies,
    ),
    modifiers(&Security),
    tags(
        (name = "agencies", description = "机关"),
        (name = "requests", description = "依申请公开"),
        (name = "reports", description = "年度报告"),
        (name = "catalogue", description = "政府信息公开目录（公开）"),
        (name = "catalogue-office", description = "政务公开事项标准目录和发布渠道（工作人员）"),
        (name = "portal", description = "在线申请和申请查询、留言和公开答复（公开，无须令牌）"),
        (name = "messages", description = "互动交流：留言的办理和答复"),
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

/// The OpenAPI document as pretty JSON (what is committed as `schema/openapi.json`).
pub fn openapi_text() -> String {
    let mut doc = ApiDoc::openapi();
    // utoipa writes 3.1.0 already; the servers entry tells clients where the API lives.
    doc.servers = Some(vec![utoipa::openapi::Server::new("/")]);
    doc.to_pretty_json().unwrap_or_default() + "\n"
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi_text(),
    )
        .into_response()
}
