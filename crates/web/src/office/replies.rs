//! What follows an online application in the back office: confirming its receipt
//! (第三十一条第（三）项), and the reply documents an officer adds to a request and releases to
//! the applicant's tracking page.

use crate::auth::{OfficeCaller, SecureForm, SecureMultipart};
use crate::error::{WebError, WebResult};
use crate::{Shared, WebStore, now};
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_cases::RequestId;
use gongkai_store::applications::ReplyDocumentId;
use serde::Deserialize;

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct Empty {}

pub(crate) fn back_to(request: RequestId, notice: &str) -> Response {
    Redirect::to(&format!("/office/requests/{}?{notice}", request.0)).into_response()
}

/// `POST /office/requests/{id}/confirm`: confirms today the receipt of an online application.
pub async fn confirm<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<Empty>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    let request = ctx.confirm_receipt(RequestId(id), now()).await?;
    Ok(back_to(request.id, "confirmed"))
}

/// `POST /office/requests/{id}/replies` (multipart, the field `file`): adds a reply document,
/// not yet released.
pub async fn upload<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    form: SecureMultipart,
) -> WebResult<Response> {
    let file = form
        .file("file")
        .ok_or_else(|| WebError::invalid("请选择要上传的答复文件"))?;
    let settings = app.settings();
    let ctx = form.caller.ctx(&app, &settings);
    let blobs = app.attachments.of(&app.store);
    ctx.add_reply_document(&blobs, RequestId(id), &file.name, &file.bytes, now())
        .await?;
    Ok(back_to(RequestId(id), "reply_added"))
}

/// `POST /office/replies/{id}/release`: releases a reply document to the applicant.
pub async fn release<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<Empty>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    let document = ctx
        .release_reply_document(ReplyDocumentId(id), now())
        .await?;
    Ok(back_to(document.request, "reply_released"))
}

/// `GET /office/replies/{id}`: a reply document, for those who see its request.
pub async fn download<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let blobs = app.attachments.of(&app.store);
    let (document, bytes) = ctx
        .reply_document_bytes(&blobs, ReplyDocumentId(id))
        .await?;
    // An original may hold what is withheld from the public: kept by no cache.
    Ok(crate::portal::catalogue::file_response(
        &document.file,
        bytes,
        HeaderValue::from_static("private, no-store"),
    ))
}
