//! 消息模板: the back office's editor of the agency's message templates (issue 16 §3), one per
//! milestone and channel, each saved on its own form and checked before it is saved (unknown
//! variable, SMS too long, a literal that looks like an identity number: the error next to the
//! field); and the lines of a request's delivery status on its page.

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
use gongkai_services::ServiceError;
use gongkai_services::notify::{Audience, Channel, Delivery, Milestone, NotificationState};
use serde::Deserialize;

/// One line of a request's delivery status.
#[derive(Debug, Clone)]
pub struct DeliveryLine {
    pub milestone: &'static str,
    pub channel: &'static str,
    pub address: String,
    pub state: &'static str,
    pub state_key: &'static str,
    /// China time.
    pub at: String,
    pub attempts: u32,
    pub error: String,
}

impl DeliveryLine {
    pub fn of(d: &Delivery) -> DeliveryLine {
        DeliveryLine {
            milestone: d.milestone.label(),
            channel: d.channel.label(),
            address: d.address.clone(),
            state: d.state.label(),
            state_key: d.state.key(),
            at: gongkai_services::in_china(d.at)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            attempts: d.attempts,
            error: match d.state {
                NotificationState::Sent => String::new(),
                _ => d.last_error.clone().unwrap_or_default(),
            },
        }
    }
}

/// One template on the page.
#[derive(Debug, Clone)]
pub struct TemplateField {
    /// `received.sms`: the field's id.
    pub key: String,
    pub milestone: &'static str,
    pub channel: &'static str,
    pub title: String,
    pub audience: &'static str,
    /// `{{ agency }}`（机关名称）, …
    pub variables: Vec<(&'static str, &'static str)>,
    pub body: String,
    pub custom: bool,
    pub error: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "office/notify_templates.html")]
pub struct TemplatesPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub agency: String,
    pub fields: Vec<TemplateField>,
    pub max_segments: usize,
    /// The field with an error, for the summary at the top.
    pub failed: Option<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct TemplatesQuery {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub saved: Option<String>,
    #[serde(default)]
    pub reset: Option<String>,
}

/// The page for `agency` (the first the caller handles), with `posted` (key, body, error) on
/// its field.
async fn page_with<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
    agency: &str,
    posted: Option<(String, String, String)>,
) -> WebResult<TemplatesPage> {
    let mut agencies = agency_choices(app, caller, agency, Some(Capability::Handle)).await?;
    let chosen = selected_or_first(&mut agencies);
    let settings = app.settings();
    let templates = if chosen.is_empty() {
        Vec::new()
    } else {
        caller
            .ctx(app, &settings)
            .notify_templates(&chosen)
            .await?
            .1
    };
    let fields = templates
        .into_iter()
        .map(|t| {
            let key = format!("{}.{}", t.milestone.key(), t.channel.key());
            let mine = posted.as_ref().filter(|(k, _, _)| *k == key);
            TemplateField {
                title: format!("{}（{}）", t.milestone.label(), t.channel.label()),
                audience: match t.milestone.audience() {
                    Audience::Applicant => "发给申请人",
                    Audience::Staff => "发给工作人员",
                },
                milestone: t.milestone.key(),
                channel: t.channel.key(),
                variables: t.milestone.variables().to_vec(),
                body: mine.map_or(t.body, |(_, body, _)| body.clone()),
                custom: t.custom,
                error: mine.map(|(_, _, e)| e.clone()),
                key,
            }
        })
        .collect();
    Ok(TemplatesPage {
        layout: Layout::new(caller, Section::Guide),
        agencies,
        agency: chosen,
        fields,
        max_segments: settings.notify.sms_max_segments,
        failed: posted.map(|(k, _, e)| (k, e)),
    })
}

/// `GET /office/notifications/templates?agency=…`.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(query): Query<TemplatesQuery>,
) -> WebResult<Html<String>> {
    let mut page = page_with(&app, &caller, &query.agency, None).await?;
    if query.saved.is_some() {
        page.layout = page.layout.with_notice("消息模板已保存");
    } else if query.reset.is_some() {
        page.layout = page.layout.with_notice("已恢复默认模板");
    }
    render(&page)
}

#[derive(Debug, Deserialize)]
pub struct TemplateForm {
    pub agency: String,
    pub milestone: String,
    pub channel: String,
    #[serde(default)]
    pub body: String,
    /// `reset` goes back to the default.
    #[serde(default)]
    pub action: String,
}

/// `POST /office/notifications/templates`: saves (or resets) one template; a template refused
/// shows the page again with the reason next to its field (422).
pub async fn save<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<TemplateForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let milestone = Milestone::parse(&form.milestone)
        .ok_or_else(|| WebError::bad_request(format!("没有“{}”这种消息", form.milestone)))?;
    let channel = Channel::parse(&form.channel)
        .ok_or_else(|| WebError::bad_request(format!("没有“{}”这种发送方式", form.channel)))?;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let back = |what: &str| {
        format!(
            "/office/notifications/templates?agency={}&{what}=1#{}.{}",
            crate::auth::form_urlencoded_component(&form.agency),
            milestone.key(),
            channel.key()
        )
    };
    if form.action == "reset" {
        ctx.reset_notify_template(&form.agency, milestone, channel)
            .await?;
        return Ok(Redirect::to(&back("reset")).into_response());
    }
    match ctx
        .set_notify_template(&form.agency, milestone, channel, &form.body)
        .await
    {
        Ok(()) => Ok(Redirect::to(&back("saved")).into_response()),
        Err(ServiceError::Invalid(message)) => {
            let key = format!("{}.{}", milestone.key(), channel.key());
            let page =
                page_with(&app, &caller, &form.agency, Some((key, form.body, message))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
