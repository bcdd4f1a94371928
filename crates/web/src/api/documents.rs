//! The documents provided to an applicant and their redaction (区分处理, 第三十七条): upload to
//! a request, mark the parts to withhold (with the pattern pass), release the rebuilt copy (the
//! approver's). The same use cases as the back office's page.

use super::{Always, ApiCaller, ApiJson, ApiPath, JsonBody, OnRecords, api_err};
use crate::auth::read_multipart;
use crate::error::{ErrorBody, FieldError, WebError, WebResult};
use crate::{Shared, WebStore, now};
use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use gongkai_cases::RequestId;
use gongkai_redact::{Area, Reason, Rect};
use gongkai_services::redaction::Redaction;
use gongkai_store::applications::ReplyDocumentId;
use gongkai_store::redactions::RedactionBox;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The document created.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentCreated {
    pub id: i64,
}

/// A box to withhold: a page (from 1) and a rectangle in fractions of the page from its top
/// left corner, with the article that exempts it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BoxIn {
    pub page: u32,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// The article: `第十四条`, `第十五条`, `第十六条第一款`, `第十六条第二款`,
    /// `第十六条第二款（执法案卷）`.
    pub reason: String,
}

/// The boxes of a document, replacing those it had; `patterns` adds the pattern pass's boxes
/// (identity, mobile and bank card numbers, 第十五条).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedactionIn {
    #[serde(default)]
    pub boxes: Vec<BoxIn>,
    #[serde(default)]
    pub patterns: bool,
}

/// A stored box.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoxOut {
    pub page: u32,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub reason: String,
    /// What the article exempts.
    pub reason_label: String,
    /// Marked by the pattern pass rather than drawn.
    pub pattern: bool,
    /// RFC 3339, China time.
    pub added_at: String,
    pub added_by: String,
}

impl From<&RedactionBox> for BoxOut {
    fn from(b: &RedactionBox) -> Self {
        let r = Rect::from_millionths([b.x, b.y, b.w, b.h]);
        BoxOut {
            page: b.page,
            x: r.x,
            y: r.y,
            w: r.w,
            h: r.h,
            reason: b.reason.clone(),
            reason_label: Reason::label_of(&b.reason).to_owned(),
            pattern: b.pattern,
            added_at: gongkai_services::in_china(b.added_at).to_rfc3339(),
            added_by: b.added_by.clone(),
        }
    }
}

/// The boxes of a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoxesOut {
    pub boxes: Vec<BoxOut>,
}

/// The released copy's address for the applicant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleasedOut {
    /// The tracking page's download (posted with the tracking code and the phone's last four
    /// digits, `code` and `last4`).
    pub url: String,
    pub name: String,
    pub size: u64,
}

/// A reply document with its boxes.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    pub id: i64,
    pub request_id: i64,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// The original's pages (`null` for a kind that cannot be redacted).
    pub pages: Option<u32>,
    pub added_at: String,
    pub added_by: String,
    pub released_at: Option<String>,
    pub released_by: Option<String>,
    /// The released copy, once an approver released it.
    pub released_copy: Option<ReleasedOut>,
    pub boxes: Vec<BoxOut>,
}

/// Where the applicant downloads a released document.
pub fn applicant_url(id: ReplyDocumentId) -> String {
    format!("/track/documents/{}", id.0)
}

impl From<Redaction> for DocumentOut {
    fn from(r: Redaction) -> Self {
        let d = r.document;
        DocumentOut {
            id: d.id.0,
            request_id: d.request.0,
            released_copy: d.copy.as_ref().map(|c| ReleasedOut {
                url: applicant_url(d.id),
                name: c.name.clone(),
                size: c.size,
            }),
            name: d.file.name,
            media_type: d.file.media_type,
            size: d.file.size,
            pages: r.pages,
            added_at: gongkai_services::in_china(d.added_at).to_rfc3339(),
            added_by: d.added_by,
            released_at: d
                .released
                .as_ref()
                .map(|(at, _)| gongkai_services::in_china(*at).to_rfc3339()),
            released_by: d.released.map(|(_, by)| by),
            boxes: r.boxes.iter().map(BoxOut::from).collect(),
        }
    }
}

/// The boxes as the redaction crate reads them; an unknown reason is a 422 naming the box.
pub fn areas(boxes: &[BoxIn]) -> WebResult<Vec<Area>> {
    let mut bad = Vec::new();
    let areas = boxes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match Reason::parse(&b.reason) {
            Some(reason) => Some(Area {
                page: b.page,
                rect: Rect {
                    x: b.x,
                    y: b.y,
                    w: b.w,
                    h: b.h,
                },
                reason,
            }),
            None => {
                bad.push(FieldError {
                    field: format!("boxes[{i}].reason"),
                    message: format!(
                        "理由“{}”不是可引用的条款（{}）",
                        b.reason,
                        Reason::ALL.map(Reason::article).join("、")
                    ),
                });
                None
            }
        })
        .collect();
    if bad.is_empty() {
        Ok(areas)
    } else {
        Err(WebError::invalid("区分处理理由有误").with_details(bad))
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/documents",
    operation_id = "uploadDocument",
    tag = "requests",
    summary = "上传拟向申请人提供的文件（PDF、DOCX、PNG、JPEG），待区分处理后发布",
    params(("id" = i64, Path, description = "申请的 id")),
    request_body(content = Vec<u8>, content_type = "multipart/form-data", description = "字段 file：文件"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "已上传，尚未发布", body = DocumentCreated),
        (status = 400, description = "不是 multipart 表单或没有 file 字段", body = ErrorBody),
        (status = 413, description = "文件过大", body = ErrorBody),
        (status = 415, description = "文件类型（按内容判断）不能作区分处理", body = ErrorBody),
        (status = 422, description = "文件无法接受（空文件、含宏等）", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn upload_document<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    req: Request,
) -> WebResult<(StatusCode, Json<DocumentCreated>)> {
    let multipart = axum::extract::Multipart::from_request(req, &app)
        .await
        .map_err(|e| WebError::bad_request(format!("上传内容须为 multipart 表单：{e}")).api())?;
    let (_, files) = read_multipart(multipart, app.options.upload_max)
        .await
        .map_err(|e| (*e).api())?;
    let (_, file) = files
        .into_iter()
        .find(|(k, f)| k == "file" && !f.bytes.is_empty())
        .ok_or_else(|| WebError::bad_request("缺少文件字段 file").api())?;
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let document = caller
        .ctx(&app, &settings)
        .upload_document(&blobs, RequestId(id), &file.name, &file.bytes, now())
        .await
        .map_err(api_err)?;
    Ok((
        StatusCode::CREATED,
        Json(DocumentCreated { id: document.id.0 }),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/documents/{id}",
    operation_id = "getDocument",
    tag = "requests",
    summary = "答复文件及其区分处理标记",
    params(("id" = i64, Path, description = "答复文件的 id（uploadDocument 返回的 id）")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "文件、页数、标记和发布状态", body = DocumentOut),
        (status = 503, description = "服务器缺少读取文件的程序", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn get_document<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> WebResult<Json<DocumentOut>> {
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let redaction = caller
        .ctx(&app, &settings)
        .redaction(&blobs, ReplyDocumentId(id), true)
        .await
        .map_err(api_err)?;
    Ok(Json(redaction.into()))
}

#[utoipa::path(
    post,
    path = "/api/v1/documents/{id}/redaction",
    operation_id = "redactDocument",
    tag = "requests",
    summary = "保存区分处理标记（替换原有标记）；patterns 为 true 时自动标记身份证号、手机号和银行卡号（第十五条）",
    params(("id" = i64, Path, description = "答复文件的 id")),
    request_body = RedactionIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "保存后的全部标记（含自动标记）", body = BoxesOut),
        (status = 409, description = "文件已发布，标记不能再改", body = ErrorBody),
        (status = 503, description = "服务器缺少读取文件的程序", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn redact_document<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RedactionIn>,
) -> WebResult<Json<BoxesOut>> {
    let areas = areas(&body.boxes).map_err(WebError::api)?;
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let boxes = caller
        .ctx(&app, &settings)
        .redact_document(&blobs, ReplyDocumentId(id), areas, body.patterns, now())
        .await
        .map_err(api_err)?;
    Ok(Json(BoxesOut {
        boxes: boxes.iter().map(BoxOut::from).collect(),
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/documents/{id}/release",
    operation_id = "releaseDocument",
    tag = "requests",
    summary = "发布区分处理后的文件（负责人）：各页重新生成为图像，遮盖标记部分，附区分处理说明，申请人可在申请查询页下载",
    params(("id" = i64, Path, description = "答复文件的 id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "已发布：申请人下载的地址", body = ReleasedOut),
        (status = 409, description = "文件已发布", body = ErrorBody),
        (status = 422, description = "文件无法处理", body = ErrorBody),
        (status = 503, description = "服务器缺少读取文件的程序", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn release_document<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> WebResult<Json<ReleasedOut>> {
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let document = caller
        .ctx(&app, &settings)
        .release_document(&blobs, ReplyDocumentId(id), now())
        .await
        .map_err(api_err)?;
    let copy = document.provided();
    Ok(Json(ReleasedOut {
        url: applicant_url(document.id),
        name: copy.name.clone(),
        size: copy.size,
    }))
}
