//! The public log through the API (issue 16 §4): `publishDisclosure` puts an answered request
//! on the portal's log under a title fit for the public, with documents chosen among those
//! released to the applicant (their redacted copies); `withdrawDisclosure` takes it off. The
//! same use cases as the request page's forms (`gongkai_services::disclosures`).

use super::idempotency::{self, IdempotencyKey, idempotent};
use super::{Always, ApiJson, ApiPath, JsonBody, OnRecords, api_err};
use crate::auth::{ApiCaller, Caller};
use crate::error::{ErrorBody, WebError, WebResult};
use crate::{App, Shared, WebStore, now};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_cases::RequestId;
use gongkai_store::applications::ReplyDocumentId;
use gongkai_store::disclosures::Disclosure;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What to publish.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisclosureIn {
    /// What was asked, in words fit for the public: no applicant's name, no identity or phone
    /// number (refused with 422).
    #[serde(default)]
    pub title: String,
    /// Reply documents (`uploadDocument` ids) released to the applicant on this request;
    /// the log shows their released copies. May be empty.
    #[serde(default)]
    pub documents: Vec<i64>,
}

/// A document shown with an entry of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosedDocumentOut {
    pub id: i64,
    /// Its download on the portal: the released copy, never the original.
    pub url: String,
}

/// An entry of the public log.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisclosureOut {
    pub id: i64,
    pub request_id: i64,
    pub title: String,
    /// The entry's page on the portal.
    pub url: String,
    pub documents: Vec<DisclosedDocumentOut>,
    /// RFC 3339, China time.
    pub published_at: String,
    pub published_by: String,
}

impl From<&Disclosure> for DisclosureOut {
    fn from(d: &Disclosure) -> Self {
        let url = format!("/disclosures/{}", d.id.0);
        DisclosureOut {
            id: d.id.0,
            request_id: d.request.0,
            title: d.title.clone(),
            documents: d
                .documents
                .iter()
                .map(|doc| DisclosedDocumentOut {
                    id: doc.0,
                    url: format!("{url}/documents/{}", doc.0),
                })
                .collect(),
            url,
            published_at: gongkai_services::in_china(d.published_at).to_rfc3339(),
            published_by: d.published_by.clone(),
        }
    }
}

/// `POST /api/v1/requests/{id}/disclosure`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/disclosure",
    operation_id = "publishDisclosure",
    tag = "requests",
    summary = "把已答复的申请公开到门户的答复公开栏（申请人匿名，只附已发布给申请人的文件）",
    params(
        ("id" = i64, Path, description = "申请的编号"),
        ("Idempotency-Key" = Option<String>, Header, description = idempotency::DESCRIBED),
    ),
    request_body = DisclosureIn,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "已公开的条目", body = DisclosureOut),
        (status = 409, description = "申请尚未答复，或已经公开", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn publish_disclosure<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    key: IdempotencyKey,
    ApiJson(body): ApiJson<DisclosureIn>,
) -> WebResult<Response> {
    let asked = serde_json::to_vec(&body).map_err(|e| WebError::internal(&e).api())?;
    let operation = format!("publishDisclosure {id}");
    let call = publish(&app, &caller, id, body);
    idempotent(&app, &caller, key, (&operation, &asked), call).await
}

async fn publish<S: WebStore>(
    app: &App<S>,
    caller: &Caller,
    id: i64,
    body: DisclosureIn,
) -> WebResult<(StatusCode, Json<DisclosureOut>)> {
    let documents: Vec<ReplyDocumentId> = body.documents.into_iter().map(ReplyDocumentId).collect();
    let settings = app.settings();
    let entry = caller
        .ctx(app, &settings)
        .publish_disclosure(RequestId(id), &body.title, &documents, now())
        .await
        .map_err(api_err)?;
    Ok((StatusCode::CREATED, Json(DisclosureOut::from(&entry))))
}

/// `DELETE /api/v1/requests/{id}/disclosure`.
#[utoipa::path(
    delete,
    path = "/api/v1/requests/{id}/disclosure",
    operation_id = "withdrawDisclosure",
    tag = "requests",
    summary = "把申请从答复公开栏撤下（不在公开栏中的，同样答复 204）",
    params(("id" = i64, Path, description = "申请的编号")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "申请不在答复公开栏中"),
        Always,
        OnRecords,
    )
)]
pub async fn withdraw_disclosure<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<i64>,
) -> WebResult<StatusCode> {
    let settings = app.settings();
    // Idempotent: whether it was in the log or not, it is not now.
    caller
        .ctx(&app, &settings)
        .withdraw_disclosure(RequestId(id))
        .await
        .map_err(api_err)?;
    Ok(StatusCode::NO_CONTENT)
}
