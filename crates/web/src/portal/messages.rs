//! 互动交流 on the portal: the message form (咨询, 建议, 投诉), the receipt with its tracking code,
//! the tracking page behind the code and the phone number's last four digits, and each agency's
//! published replies (公开答复) with their search. Without JavaScript; the form carries the
//! portal's form token and honeypot, and submissions and look-ups are rate-limited per client
//! address like applications ([`super::abuse`]).

use super::abuse::{self, HONEYPOT};
use super::apply::{agency_options, no_store, tracking_form};
use super::catalogue::agency_id;
use super::{PortalLayout, PortalSection, public};
use crate::error::{WebError, WebResult};
use crate::office::Choice;
use crate::pages::render;
use crate::{Shared, WebStore, now};
use askama::Template;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_cases::AgencyId;
use gongkai_services::ServiceError;
use gongkai_services::portal::messages::{
    MessageInput, MessageReceipt, PublicReply, TrackedMessage,
};
use gongkai_store::messages::{MessageId, MessageKind};
use serde::Deserialize;

/// What the message form holds (every field a text, as posted).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MessageForm {
    pub agency: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub name: String,
    pub phone: String,
    pub token: String,
    #[serde(rename = "website")]
    pub honeypot: String,
}

impl MessageForm {
    fn agency_id(&self) -> Option<AgencyId> {
        self.agency.trim().parse().ok().map(AgencyId)
    }

    fn input(&self) -> MessageInput {
        MessageInput {
            agency: self.agency_id().unwrap_or(AgencyId(0)),
            kind: self.kind.clone(),
            title: self.title.clone(),
            body: self.body.clone(),
            name: self.name.clone(),
            phone: self.phone.clone(),
            nonce: Some(self.token.clone()),
        }
    }
}

#[derive(Debug, Template)]
#[template(path = "portal/message.html")]
pub struct MessagePage {
    pub layout: PortalLayout,
    pub values: MessageForm,
    pub agencies: Vec<Choice>,
    pub kinds: Vec<Choice>,
    /// (field, message).
    pub errors: Vec<(String, String)>,
    pub honeypot: &'static str,
    pub reply_days: u32,
}

impl MessagePage {
    pub fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[derive(Debug, Template)]
#[template(path = "portal/message_receipt.html")]
pub struct ReceiptPage {
    pub layout: PortalLayout,
    pub receipt: MessageReceipt,
}

#[derive(Debug, Template)]
#[template(path = "portal/message_track.html")]
pub struct TrackPage {
    pub layout: PortalLayout,
    pub code: String,
    pub not_found: bool,
}

impl TrackPage {
    /// Where the tracking form posts (`templates/portal/tracking_form.html`).
    pub fn action(&self) -> &'static str {
        "/messages/track"
    }
}

#[derive(Debug, Template)]
#[template(path = "portal/message_tracked.html")]
pub struct TrackedPage {
    pub layout: PortalLayout,
    pub tracked: TrackedMessage,
}

#[derive(Debug, Template)]
#[template(path = "portal/replies.html")]
pub struct RepliesPage {
    pub layout: PortalLayout,
    pub agency: AgencyId,
    pub agency_name: String,
    pub q: String,
    pub replies: Vec<PublicReply>,
    /// The `before` of the next page.
    pub next: Option<i64>,
}

/// The form page of `values` with `errors`.
async fn message_page<S: WebStore>(
    app: &Shared<S>,
    values: MessageForm,
    errors: Vec<(String, String)>,
) -> WebResult<MessagePage> {
    let settings = app.settings();
    let portal = public(app, &settings)?;
    let selected = values.agency_id();
    let agencies = agency_options(&portal, selected).await?;
    let kinds = MessageKind::ALL
        .into_iter()
        .map(|k| Choice {
            selected: MessageKind::parse(&values.kind) == Some(k),
            value: k.key().to_owned(),
            label: k.label().to_owned(),
        })
        .collect();
    Ok(MessagePage {
        layout: PortalLayout::new("互动交流", PortalSection::Messages),
        values,
        agencies,
        kinds,
        errors,
        honeypot: HONEYPOT,
        reply_days: settings.messages.reply_days,
    })
}

/// `GET /messages`: the message form (`?agency=` preselects the agency).
pub async fn form<S: WebStore>(
    State(app): State<Shared<S>>,
    Query(q): Query<crate::portal::apply::AgencyQuery>,
) -> WebResult<Html<String>> {
    let values = MessageForm {
        agency: q.agency,
        token: abuse::form_token(&app)?,
        ..MessageForm::default()
    };
    render(&message_page(&app, values, Vec::new()).await?)
}

/// `POST /messages`: stores the message and answers the receipt with its tracking code (201),
/// or the form again with its errors (422).
pub async fn submit<S: WebStore>(
    State(app): State<Shared<S>>,
    req: Request,
) -> WebResult<Response> {
    let (parts, body) = req.into_parts();
    abuse::same_origin(&app, &parts.headers)?;
    let client = abuse::client(&app, &parts);
    let req = Request::from_parts(parts, body);
    let axum::Form(values) = axum::Form::<MessageForm>::from_request(req, &app)
        .await
        .map_err(|e| WebError::bad_request(format!("表单内容有误：{}", e.body_text())))?;
    abuse::honeypot(Some(&values.honeypot))?;
    abuse::check_token(&app, &values.token)?;
    abuse::limit(&app, "message", &client).await?;
    let settings = app.settings();
    match public(&app, &settings)?
        .submit_message(values.input(), now())
        .await
    {
        Ok(receipt) => {
            let page = ReceiptPage {
                layout: PortalLayout::new("留言已提交", PortalSection::Messages),
                receipt,
            };
            let mut response = no_store(render(&page)?);
            *response.status_mut() = StatusCode::CREATED;
            Ok(response)
        }
        Err(ServiceError::Fields(list)) => {
            let errors = list
                .iter()
                .map(|p| (p.field.to_owned(), p.message.clone()))
                .collect();
            let page = message_page(&app, values, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /messages/track`: the tracking form.
pub async fn track_form<S: WebStore>(State(_app): State<Shared<S>>) -> WebResult<Html<String>> {
    render(&TrackPage {
        layout: PortalLayout::new("留言查询", PortalSection::Messages),
        code: String::new(),
        not_found: false,
    })
}

/// `POST /messages/track`: the message behind the code and the phone's last four digits, with
/// its reply; a wrong pair is answered exactly like an unknown code (404).
pub async fn track<S: WebStore>(State(app): State<Shared<S>>, req: Request) -> WebResult<Response> {
    let form = tracking_form(&app, req).await?;
    let settings = app.settings();
    match public(&app, &settings)?
        .track_message(&form.code, &form.last4)
        .await?
    {
        Some(tracked) => Ok(no_store(render(&TrackedPage {
            layout: PortalLayout::new("留言查询结果", PortalSection::Messages),
            tracked,
        })?)),
        None => {
            let page = TrackPage {
                layout: PortalLayout::new("留言查询", PortalSection::Messages),
                code: form.code.trim().to_owned(),
                not_found: true,
            };
            Ok((StatusCode::NOT_FOUND, render(&page)?).into_response())
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RepliesQuery {
    #[serde(default)]
    pub q: String,
    /// The `before` of the page (a message id); empty: the newest.
    #[serde(default)]
    pub before: String,
}

/// Replies per page on the portal.
const PAGE: usize = 20;

/// `GET /agencies/{id}/replies`: the agency's published replies, newest first, searched with
/// `?q=`.
pub async fn replies<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
    Query(q): Query<RepliesQuery>,
) -> WebResult<Html<String>> {
    let id = agency_id(&id)?;
    let before = match q.before.trim() {
        "" => None,
        b => Some(MessageId(
            b.parse()
                .map_err(|_| WebError::invalid("before 应为留言编号"))?,
        )),
    };
    let settings = app.settings();
    let portal = public(&app, &settings)?;
    let agency_name = portal
        .agencies()
        .await?
        .into_iter()
        .find(|r| r.agency.id == id)
        .map(|r| r.agency.name)
        .ok_or_else(|| WebError::not_found("没有这个机关"))?;
    let (replies, next) = portal.public_replies(id, &q.q, before, PAGE).await?;
    let mut layout = PortalLayout::new(format!("{agency_name} 公开答复"), PortalSection::Messages);
    layout.query = String::new();
    render(&RepliesPage {
        layout,
        agency: id,
        agency_name,
        q: q.q.trim().to_owned(),
        replies,
        next: next.map(|n| n.0),
    })
}
