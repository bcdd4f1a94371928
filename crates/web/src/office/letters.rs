//! The letters of a request in the back office: the officer picks a kind (the one that fits
//! the request's state is preselected) and downloads the Word document, or stores it with the
//! request as a reply document, which is released to the applicant's tracking page like any
//! other (`office::replies`).

use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::office::ledger::download;
use crate::portal::reports::DOCX;
use crate::{Shared, WebStore, now};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_cases::RequestId;
use gongkai_services::letters::{Kind, parse_kind};
use serde::Deserialize;

/// The kind asked for: empty or absent for the one that fits the request's state.
#[derive(Debug, Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    pub kind: Option<String>,
}

impl KindQuery {
    /// The kind named, `None` for the fitting one.
    pub fn kind(&self) -> WebResult<Option<Kind>> {
        self.kind
            .as_deref()
            .filter(|k| !k.trim().is_empty())
            .map(parse_kind)
            .transpose()
            .map_err(WebError::from)
    }
}

/// `GET /office/requests/{id}/letter?kind=`: the letter as a Word document.
pub async fn letter<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Path(id): Path<i64>,
    Query(query): Query<KindQuery>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let letter = ctx
        .render_letter_by_id(RequestId(id), query.kind()?)
        .await?;
    Ok(download(letter.bytes, DOCX, &letter.file_name))
}

/// `POST /office/requests/{id}/letters` (the field `kind`): renders the letter and stores it
/// with the request as a reply document, not yet released.
pub async fn store<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<KindQuery>,
) -> WebResult<Response> {
    let kind = posted.form.kind()?;
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    let blobs = app.attachments.of(&app.store);
    ctx.store_letter(&blobs, RequestId(id), kind, now()).await?;
    Ok(Redirect::to(&format!("/office/requests/{id}?letter_added")).into_response())
}
