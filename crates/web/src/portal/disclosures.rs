//! 答复公开 on the portal (issue 16 §4): the answered requests agencies published, newest first,
//! searched with the catalogue's query language, each with its outcome and the documents the
//! agency released with it. Without JavaScript.

use super::catalogue::{agency_id, file_response};
use super::{PortalLayout, PortalSection, public};
use crate::error::{WebError, WebResult};
use crate::pages::render;
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderValue;
use axum::response::{Html, Response};
use gongkai_services::portal::disclosures::PublicDisclosure;
use gongkai_store::applications::ReplyDocumentId;
use gongkai_store::disclosures::DisclosureId;
use serde::Deserialize;

/// Entries per page.
const PAGE: usize = 20;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LogQuery {
    pub q: String,
    /// Only this agency's (its id).
    pub agency: String,
    /// The page after the entry of this number.
    pub before: String,
}

#[derive(Debug, Template)]
#[template(path = "portal/disclosures.html")]
pub struct LogPage {
    pub layout: PortalLayout,
    pub q: String,
    /// The agency chosen: (id, name).
    pub agency: Option<(i64, String)>,
    pub entries: Vec<PublicDisclosure>,
    pub next: Option<i64>,
}

#[derive(Debug, Template)]
#[template(path = "portal/disclosure.html")]
pub struct EntryPage {
    pub layout: PortalLayout,
    pub entry: PublicDisclosure,
}

fn number(text: &str, what: &str) -> WebResult<Option<i64>> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| WebError::invalid(format!("{what}应为数字"))),
    }
}

/// `GET /disclosures`: the log, searched (`q`), of one agency (`agency`) or all.
pub async fn list<S: WebStore>(
    State(app): State<Shared<S>>,
    Query(q): Query<LogQuery>,
) -> WebResult<Html<String>> {
    let before = number(&q.before, "before ")?.map(DisclosureId);
    let agency = match q.agency.trim() {
        "" => None,
        a => Some(agency_id(a)?),
    };
    let settings = app.settings();
    let portal = public(&app, &settings)?;
    let chosen = match agency {
        Some(id) => Some((id.0, portal.agency_by_id(id).await?.name)),
        None => None,
    };
    let (entries, next) = portal.disclosure_log(agency, &q.q, before, PAGE).await?;
    let mut layout = PortalLayout::new("答复公开", PortalSection::Disclosures);
    layout.query = String::new();
    render(&LogPage {
        layout,
        q: q.q.trim().to_owned(),
        agency: chosen,
        entries,
        next: next.map(|n| n.0),
    })
}

/// `GET /disclosures/{id}`.
pub async fn entry<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    let id = number(&id, "编号")?.ok_or_else(|| WebError::not_found("没有这条公开的答复"))?;
    let settings = app.settings();
    let entry = public(&app, &settings)?
        .public_disclosure(DisclosureId(id))
        .await?;
    render(&EntryPage {
        layout: PortalLayout::new(entry.title.clone(), PortalSection::Disclosures),
        entry,
    })
}

/// `GET /disclosures/{id}/documents/{doc}`: a document the agency published with the entry.
pub async fn document<S: WebStore>(
    State(app): State<Shared<S>>,
    Path((id, doc)): Path<(String, String)>,
) -> WebResult<Response> {
    let not_found = || WebError::not_found("没有这个文件");
    let id = number(&id, "编号")?.ok_or_else(not_found)?;
    let doc = number(&doc, "文件编号")?.ok_or_else(not_found)?;
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let (file, bytes) = public(&app, &settings)?
        .disclosure_document(&blobs, DisclosureId(id), ReplyDocumentId(doc))
        .await?;
    // Not kept long: an agency may withdraw the entry.
    Ok(file_response(
        &file,
        bytes,
        HeaderValue::from_static("public, max-age=300"),
    ))
}
