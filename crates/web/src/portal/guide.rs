//! An agency's 政府信息公开指南 (第十二条) on the portal: anyone reads it without logging in,
//! and prints it. An agency that has published none says so plainly, with what is known of it.

use super::{PortalLayout, PortalSection, public};
use crate::error::{WebError, WebResult};
use crate::pages::render;
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use gongkai_cases::AgencyId;
use gongkai_cases::guide::{Guide, paragraphs};

/// A section of the guide with its paragraphs.
#[derive(Debug, Clone)]
pub struct Part {
    pub heading: &'static str,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Template)]
#[template(path = "portal/guide.html")]
pub struct GuidePage {
    pub layout: PortalLayout,
    pub agency_id: i64,
    pub agency: String,
    /// The contacts that are filled in: (label, value, kind) where kind is `tel`, `mail`,
    /// `web` or empty.
    pub contacts: Vec<(&'static str, String, &'static str)>,
    pub channels: Vec<&'static str>,
    pub forms: Vec<&'static str>,
    pub parts: Vec<Part>,
    /// Whether the agency has published a guide.
    pub published: bool,
}

/// `GET /agencies/{id}/guide`.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    let id: i64 = id
        .parse()
        .map_err(|_| WebError::not_found("没有这个机关"))?;
    let settings = app.settings();
    let found = public(&app, &settings)?.guide(AgencyId(id)).await?;
    let guide = found.guide.clone().unwrap_or_default();
    let kind = |name: &str| match name {
        "phone" | "fax" => "tel",
        "email" => "mail",
        "website" => "web",
        _ => "",
    };
    render(&GuidePage {
        layout: PortalLayout::new(
            format!("{}政府信息公开指南", found.agency.name),
            PortalSection::None,
        ),
        agency_id: found.agency.id.0,
        agency: found.agency.name.clone(),
        contacts: Guide::LINES
            .iter()
            .filter(|(name, _, _)| !guide.field(name).is_empty())
            .map(|(name, label, _)| (*label, guide.field(name).to_owned(), kind(name)))
            .collect(),
        channels: guide.channels.iter().map(|c| c.label()).collect(),
        forms: guide.forms.iter().map(|f| f.label()).collect(),
        parts: Guide::SECTIONS
            .iter()
            .filter(|(name, _)| !guide.field(name).is_empty())
            .map(|(name, heading)| Part {
                heading,
                paragraphs: paragraphs(guide.field(name))
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            })
            .collect(),
        published: found.guide.is_some(),
    })
}
