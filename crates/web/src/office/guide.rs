//! 政府信息公开指南 (第十二条): the guide editor of the back office. An officer or approver
//! chooses one of the agencies they handle, sees its guide filled in, and publishes the edited
//! guide; a mistake shows the form again with each message next to its field and summarised at
//! the top (docs/web.md §3).

use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::office::{Choice, agency_choices, selected_or_first};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_access::Capability;
use gongkai_cases::guide::{ApplyChannel, Guide, ProvisionForm};
use serde::Deserialize;

/// A one-line field or a section of the form.
#[derive(Debug, Clone)]
pub struct TextField {
    pub name: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub value: String,
}

/// A checkbox of the channels or forms.
#[derive(Debug, Clone)]
pub struct Tick {
    pub key: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Debug, Template)]
#[template(path = "office/guide.html")]
pub struct GuidePage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    /// The agency whose guide is on the form (empty when the caller handles none).
    pub agency: String,
    /// Whether the agency has published a guide yet.
    pub published: bool,
    /// Its id, for the link to the public page.
    pub agency_id: i64,
    pub lines: Vec<TextField>,
    pub sections: Vec<TextField>,
    pub channels: Vec<Tick>,
    pub forms: Vec<Tick>,
    /// The online application asks for an identity-document photo.
    pub id_photo: bool,
    /// (field, message); an empty field for a message about the whole form.
    pub errors: Vec<(String, String)>,
}

impl GuidePage {
    /// The message for `field`, if any.
    pub fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct GuideQuery {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub saved: Option<String>,
}

/// The page with `guide` on the form.
async fn page_with<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
    agency: &str,
    guide: Option<Guide>,
    errors: Vec<(String, String)>,
) -> WebResult<GuidePage> {
    let mut agencies = agency_choices(app, caller, agency, Some(Capability::Handle)).await?;
    let chosen = selected_or_first(&mut agencies);
    let settings = app.settings();
    let (view, published) = if chosen.is_empty() {
        (None, false)
    } else {
        let view = caller.ctx(app, &settings).guide(&chosen).await?;
        let published = view.guide.is_some();
        (Some(view), published)
    };
    let agency_id = view.as_ref().map_or(0, |v| v.agency.id.0);
    let shown = guide
        .or_else(|| view.and_then(|v| v.guide))
        .unwrap_or_default();
    Ok(GuidePage {
        layout: Layout::new(caller, Section::Guide),
        agencies,
        agency: chosen,
        published,
        agency_id,
        lines: Guide::LINES
            .iter()
            .map(|(name, label, required)| TextField {
                name,
                label,
                required: *required,
                value: shown.field(name).to_owned(),
            })
            .collect(),
        sections: Guide::SECTIONS
            .iter()
            .map(|(name, label)| TextField {
                name,
                label,
                required: false,
                value: shown.field(name).to_owned(),
            })
            .collect(),
        channels: ApplyChannel::ALL
            .iter()
            .map(|c| Tick {
                key: c.key(),
                label: c.label(),
                checked: shown.channels.contains(c),
            })
            .collect(),
        forms: ProvisionForm::ALL
            .iter()
            .map(|f| Tick {
                key: f.key(),
                label: f.label(),
                checked: shown.forms.contains(f),
            })
            .collect(),
        id_photo: shown.id_photo,
        errors,
    })
}

/// `GET /office/guide?agency=…`: the guide of the chosen agency (the first the caller handles)
/// on the form.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(query): Query<GuideQuery>,
) -> WebResult<Html<String>> {
    let mut page = page_with(&app, &caller, &query.agency, None, Vec::new()).await?;
    if query.saved.is_some() {
        page.layout = page.layout.with_notice("政府信息公开指南已发布");
    }
    render(&page)
}

/// The guide and the agency of a posted form; a channel or form the page never offers is a
/// malformed form (400).
fn read_form(fields: &[(String, String)]) -> WebResult<(String, Guide)> {
    let mut agency = String::new();
    let mut guide = Guide::default();
    for (key, value) in fields {
        match key.as_str() {
            "agency" => agency.clone_from(value),
            "channels" => match ApplyChannel::parse(value) {
                Some(c) if !guide.channels.contains(&c) => guide.channels.push(c),
                Some(_) => {}
                None => return Err(WebError::bad_request(format!("没有“{value}”这种受理方式"))),
            },
            "forms" => match ProvisionForm::parse(value) {
                Some(f) if !guide.forms.contains(&f) => guide.forms.push(f),
                Some(_) => {}
                None => return Err(WebError::bad_request(format!("没有“{value}”这种提供形式"))),
            },
            "id_photo" => guide.id_photo = value == "1",
            other => {
                if let Some(field) = guide.field_mut(other) {
                    field.clone_from(value);
                }
            }
        }
    }
    Ok((agency, guide))
}

/// `POST /office/guide`: publishes the guide and shows it again; a mistake shows the form with
/// every message next to its field.
pub async fn save<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<Vec<(String, String)>>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let (agency, guide) = read_form(&form)?;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    // The access check comes first (in the use case): a caller who may not edit the agency's
    // guide is refused whatever the form holds.
    let problems = match ctx.set_guide(&agency, guide.clone()).await? {
        Ok(_) => {
            return Ok(Redirect::to(&format!(
                "/office/guide?agency={}&saved=1",
                crate::auth::form_urlencoded_component(&agency)
            ))
            .into_response());
        }
        Err(problems) => problems,
    };
    let errors = problems
        .into_iter()
        .map(|(f, m)| (f.to_owned(), m))
        .collect();
    let page = page_with(&app, &caller, &agency, Some(guide.normalised()), errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
