//! `submitApplication` and `trackApplication`: applying online and following the application,
//! for anyone (第二十七–二十九条), the same use cases as the portal's pages. Rate-limited per
//! client address like the pages; a wrong tracking code and a wrong second factor answer the
//! same 404.

use super::idempotency::IdempotencyKey;
use super::{ApiJson, JsonBody, api_err};
use crate::error::{ErrorBody, WebError, WebResult};
use crate::portal::{abuse, public};
use crate::{Shared, WebStore, now};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use gongkai_services::portal::applications::ApplicationInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An online application (第二十九条).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationIn {
    /// The id of the agency applied to (`listAgencies`, or the portal's agency pages).
    pub agency: i64,
    /// 申请人姓名或者名称.
    pub applicant: String,
    /// One of the six table 三 kinds: `natural_person`, `org_commercial`, `org_research`,
    /// `org_public_welfare`, `org_legal_service`, `org_other` (or their Chinese names).
    pub kind: String,
    /// 居民身份证, 护照, 港澳居民来往内地通行证, 台湾居民来往大陆通行证, 外国人永久居留身份证,
    /// 统一社会信用代码 or 其他.
    pub id_type: String,
    /// Checked by its check digit for a 居民身份证 (GB 11643) and a 统一社会信用代码 (GB 32100).
    pub id_number: String,
    /// 7 to 15 digits; its last four are the second factor of `trackApplication`.
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    /// 所需政府信息的名称、文号或者便于查询的其他特征性描述.
    pub description: String,
    /// 纸质, 电子邮件, 邮寄, 当面领取 or 网上获取 (the agency's guide may narrow the list).
    pub form: String,
}

/// The receipt of `submitApplication`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationReceipt {
    /// 查询码: shown this once and never stored in clear; with the phone's last four digits it
    /// opens `trackApplication`.
    pub tracking_code: String,
    /// 申请编号 (受理编号).
    pub reference: String,
    pub agency: String,
    /// The date of receipt (第三十一条第（三）项); `null` while it awaits an officer's
    /// confirmation.
    #[schema(value_type = Option<String>, format = Date)]
    pub received: Option<NaiveDate>,
    /// The answer deadline the receipt starts (第三十三条); `null` while the receipt awaits
    /// confirmation.
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<NaiveDate>,
    /// `awaiting_confirmation`.
    pub state: String,
}

/// The second factor and the code of `trackApplication` (in the body, never in the address,
/// which logs and browser histories keep).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackIn {
    pub tracking_code: String,
    /// The last four digits of the phone number given with the application.
    pub phone_last4: String,
}

/// A reply document released to the applicant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplyDocumentOut {
    pub id: i64,
    pub name: String,
    pub media_type: String,
    pub size: u64,
}

/// Where an application stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationStatus {
    pub reference: String,
    pub agency: String,
    #[schema(value_type = String, format = Date)]
    pub submitted: NaiveDate,
    /// `null` while the receipt awaits confirmation.
    #[schema(value_type = Option<String>, format = Date)]
    pub received: Option<NaiveDate>,
    /// `awaiting_confirmation`, `open`, `awaiting_correction`, `consulting`, `awaiting_fee` or
    /// `closed`.
    pub state: String,
    /// 待确认收到, 办理中, …
    pub state_label: String,
    /// The answer deadline while one runs.
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub decided: Option<NaiveDate>,
    /// The outcome's category (第三十六–三十九条) once decided.
    pub outcome: Option<String>,
    pub documents: Vec<ReplyDocumentOut>,
}

/// A JSON body, within the client's rate limit for `action`.
async fn limited_json<S: WebStore, T: serde::de::DeserializeOwned>(
    app: &Shared<S>,
    req: Request,
    action: &str,
) -> WebResult<T> {
    use axum::extract::FromRequest;
    let (parts, body) = req.into_parts();
    let client = abuse::client(app, &parts);
    let req = Request::from_parts(parts, body);
    let ApiJson(body) = ApiJson::<T>::from_request(req, app).await?;
    abuse::limit(app, action, &client)
        .await
        .map_err(WebError::api)?;
    Ok(body)
}

/// `POST /api/v1/applications`.
#[utoipa::path(
    post,
    path = "/api/v1/applications",
    operation_id = "submitApplication",
    tag = "portal",
    summary = "在线提出政府信息公开申请（第二十七–二十九条），得到查询码",
    params(("Idempotency-Key" = Option<String>, Header, description = "可选，用随机值（如 UUID）。以同一键、同一内容重试时，返回第一次的回执（同一查询码、同一申请），不再重复提交；同一键用于内容不同的申请：422")),
    request_body = ApplicationIn,
    security(()),
    responses(
        (status = 201, description = "已提交：回执和查询码（以同一 Idempotency-Key 重试时为第一次的回执）", body = ApplicationReceipt),
        (status = 409, description = "同一申请正在同时提交", body = ErrorBody),
        (status = 429, description = "提交过于频繁（Retry-After）", body = ErrorBody),
        (status = 500, description = "服务器内部错误", body = ErrorBody),
        JsonBody,
    )
)]
pub async fn submit_application<S: WebStore>(
    State(app): State<Shared<S>>,
    IdempotencyKey(key): IdempotencyKey,
    req: Request,
) -> WebResult<Response> {
    let body: ApplicationIn = limited_json(&app, req, "apply").await?;
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let input = ApplicationInput {
        agency: AgencyId(body.agency),
        applicant: body.applicant,
        kind: body.kind,
        id_type: body.id_type,
        id_number: body.id_number,
        phone: body.phone,
        email: body.email,
        address: body.address,
        description: body.description,
        form: body.form,
        // The public has no account to keep keys under: the key is the submission's one-time
        // token, as the form's token is on the page (docs/web.md §2).
        nonce: key.map(|k| format!("Idempotency-Key:{k}")),
        files: Vec::new(),
        // The JSON API carries no files; an agency that asks for a photo takes applications
        // with it on the portal's form (the check says so, on the field `id_photo`).
        id_photo: None,
    };
    let receipt = public(&app, &settings)
        .map_err(WebError::api)?
        .submit_application(&blobs, input, now())
        .await
        .map_err(api_err)?;
    let out = ApplicationReceipt {
        tracking_code: receipt.tracking_code,
        reference: receipt.reference,
        agency: receipt.agency,
        received: receipt.received,
        due: receipt.due,
        state: "awaiting_confirmation".to_owned(),
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// `POST /api/v1/applications/track`.
#[utoipa::path(
    post,
    path = "/api/v1/applications/track",
    operation_id = "trackApplication",
    tag = "portal",
    summary = "凭查询码和联系电话后四位查询申请的办理情况",
    request_body = TrackIn,
    security(()),
    responses(
        (status = 200, description = "办理情况和已发布的答复文件", body = ApplicationStatus),
        (status = 404, description = "查询码或电话后四位不正确（两者不加区分）", body = ErrorBody),
        (status = 429, description = "查询过于频繁（Retry-After）", body = ErrorBody),
        (status = 500, description = "服务器内部错误", body = ErrorBody),
        JsonBody,
    )
)]
pub async fn track_application<S: WebStore>(
    State(app): State<Shared<S>>,
    req: Request,
) -> WebResult<Json<ApplicationStatus>> {
    let body: TrackIn = limited_json(&app, req, "track").await?;
    let settings = app.settings();
    let tracked = public(&app, &settings)
        .map_err(WebError::api)?
        .track(&body.tracking_code, &body.phone_last4)
        .await
        .map_err(api_err)?
        .ok_or_else(|| WebError::not_found("没有找到申请：查询码或联系电话后四位不正确").api())?;
    Ok(Json(ApplicationStatus {
        reference: tracked.reference,
        agency: tracked.agency,
        submitted: tracked.submitted,
        received: tracked.received,
        state: tracked.state.to_owned(),
        state_label: tracked.state_label.to_owned(),
        due: tracked.due,
        decided: tracked.decided.map(|d| d.0),
        outcome: tracked.decided.map(|d| d.1.to_owned()),
        documents: tracked
            .documents
            .into_iter()
            .map(|(id, f)| ReplyDocumentOut {
                id: id.0,
                name: f.name,
                media_type: f.media_type,
                size: f.size,
            })
            .collect(),
    }))
}
