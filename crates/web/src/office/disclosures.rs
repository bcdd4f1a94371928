//! The request page's forms for the portal's public log (issue 16 §4): publish an answered
//! request under a title fit for the public with the released documents chosen, or withdraw
//! it; and the applicant's identity-document photo, decrypted for those who handle the
//! agency's requests.

use super::replies::Empty;
use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::{Shared, WebStore, now};
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_cases::RequestId;
use gongkai_store::applications::ReplyDocumentId;

/// `POST /office/requests/{id}/disclosure`: `title` and the ticked `documents`.
pub async fn publish<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<Vec<(String, String)>>,
) -> WebResult<Response> {
    let mut title = String::new();
    let mut documents = Vec::new();
    for (key, value) in &posted.form {
        match key.as_str() {
            "title" => title.clone_from(value),
            "documents" => documents.push(ReplyDocumentId(
                value
                    .parse()
                    .map_err(|_| WebError::bad_request("文件编号有误"))?,
            )),
            _ => {}
        }
    }
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    ctx.publish_disclosure(RequestId(id), &title, &documents, now())
        .await?;
    Ok(Redirect::to(&format!("/office/requests/{id}?disclosed")).into_response())
}

/// `POST /office/requests/{id}/disclosure/withdraw`.
pub async fn withdraw<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<Empty>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    ctx.withdraw_disclosure(RequestId(id)).await?;
    Ok(Redirect::to(&format!("/office/requests/{id}?undisclosed")).into_response())
}

/// `GET /office/requests/{id}/id-photo`: the photo, never cached, shown inline.
pub async fn id_photo<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let blobs = app.attachments.of(&app.store);
    let (photo, bytes) = ctx
        .id_photo(&blobs, RequestId(id))
        .await?
        .ok_or_else(|| WebError::not_found("该申请没有身份证明照片"))?;
    // Personal data: no copy kept by a browser or a proxy.
    Ok(crate::portal::catalogue::file_response(
        &photo,
        bytes,
        HeaderValue::from_static("no-store"),
    ))
}
