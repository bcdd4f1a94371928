//! `renderLetter`: a request's letter (答复告知书, 补正通知书, …) as a Word document.

use super::{Always, ApiPath, ApiQuery, api_err};
use crate::auth::ApiCaller;
use crate::error::{ErrorBody, WebResult};
use crate::office::ledger::download;
use crate::office::letters::KindQuery;
use crate::portal::reports::DOCX;
use crate::{Shared, WebStore};
use axum::extract::State;
use axum::response::Response;
use gongkai_cases::RequestId;
use serde::Deserialize;
use utoipa::IntoParams;

/// The kind of letter of `renderLetter`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LetterQuery {
    /// `receipt`, `correction`, `extension`, `consultation`, `fee`, `reply-disclosed`,
    /// `reply-withheld`, `reply-not-held`, `reply-repeat`, `reply-special-procedure`,
    /// `reply-partial`, `reply-needs-creation`, `reply-not-handled` or `reply-other`; absent
    /// for the one that fits the request's state (补正通知书 while a correction is awaited,
    /// 延期答复告知书 after an extension, the 答复告知书 of its outcome once decided, the
    /// 申请登记回执 otherwise).
    pub kind: Option<String>,
}

/// `GET /api/v1/requests/{id}/letter`.
#[utoipa::path(
    get,
    path = "/api/v1/requests/{id}/letter",
    operation_id = "renderLetter",
    tag = "requests",
    summary = "生成申请的文书（答复告知书、补正通知书、延期答复告知书、登记回执等）Word 文档",
    params(("id" = i64, Path, description = "申请的编号"), LetterQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Word 文档", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>),
        (status = 400, description = "编号不是数字", body = ErrorBody),
        (status = 422, description = "文书种类未知，或机关的模板不适用于这件申请", body = ErrorBody),
        (status = 404, description = "没有这件申请，或无权查看", body = ErrorBody),
        Always,
    )
)]
pub async fn render_letter<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<LetterQuery>,
) -> WebResult<Response> {
    let kind = KindQuery { kind: query.kind }.kind().map_err(api_err)?;
    let settings = app.settings();
    let letter = caller
        .ctx(&app, &settings)
        .render_letter_by_id(RequestId(id), kind)
        .await
        .map_err(api_err)?;
    Ok(download(letter.bytes, DOCX, &letter.file_name))
}
