//! The public portal (issue 12): the pages anyone reads without logging in, in Chinese, with a
//! layout of their own ([`PortalLayout`], `templates/portal/base.html`). A handler parses,
//! calls one use case of [`gongkai_services::portal::Public`] — the public's context, which has
//! no way to reach requests, applicants or accounts — and renders.
//!
//! - [`catalogue`]: the home page's agency tree, each agency's page, the catalogue with its
//!   search, document pages, attachments, the Atom feed and the `searchCatalogue` operation;
//! - [`apply`]: the online application, its preview and receipt, and the tracking page;
//! - [`messages`]: 互动交流 — the message form, its receipt and tracking, and each agency's
//!   published replies with their search;
//! - [`abuse`]: rate limits, form tokens and the honeypot of the public forms;
//! - [`reports`]: the published annual reports, their downloads and versions;
//! - [`guide`]: each agency's 政府信息公开指南, printable;
//! - [`error_pages`]: an error on a public path shown in the portal's layout.

pub mod abuse;
pub mod apply;
pub mod catalogue;
pub mod disclosures;
pub mod guide;
pub mod messages;
pub mod reports;

use crate::error::{FieldError, ShownError, WebResult};
use crate::{App, WebStore};
use askama::Template;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gongkai_services::Settings;
use gongkai_services::portal::Public;

/// The sections of the portal, for its navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalSection {
    Home,
    Apply,
    Track,
    /// 互动交流: the message form, its tracking, the published replies.
    Messages,
    /// The public log of answered requests.
    Disclosures,
    /// A page of no section (an agency's pages, a document).
    None,
}

/// One entry of the portal's navigation.
#[derive(Debug, Clone)]
pub struct PortalNav {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What `templates/portal/base.html` needs.
#[derive(Debug, Clone)]
pub struct PortalLayout {
    /// The stylesheets: the shared one and the portal's own.
    pub css: String,
    pub portal_css: String,
    pub js: String,
    /// The page's title (before the site's name in `<title>`).
    pub title: String,
    /// A confirmation or a caution shown at the top.
    pub notice: String,
    /// The text in the header's search box (the current query).
    pub query: String,
    pub nav: Vec<PortalNav>,
    /// `<link rel="alternate">` feeds of the page: (title, href).
    pub feeds: Vec<(String, String)>,
}

impl PortalLayout {
    /// The layout of a portal page titled `title`, `current` marked in the navigation.
    pub fn new(title: impl Into<String>, current: PortalSection) -> PortalLayout {
        let entries = [
            (PortalSection::Home, "/", "首页"),
            (PortalSection::Apply, "/apply", "依申请公开"),
            (PortalSection::Track, "/track", "申请查询"),
            (PortalSection::Messages, "/messages", "互动交流"),
            (PortalSection::Disclosures, "/disclosures", "答复公开"),
        ];
        PortalLayout {
            css: crate::assets::css(),
            portal_css: crate::assets::portal_css(),
            js: crate::assets::js(),
            title: title.into(),
            notice: String::new(),
            query: String::new(),
            nav: entries
                .into_iter()
                .map(|(s, href, label)| PortalNav {
                    href,
                    label,
                    current: s == current,
                })
                .collect(),
            feeds: Vec::new(),
        }
    }

    /// The same layout with a notice at the top.
    pub fn with_notice(mut self, notice: impl Into<String>) -> PortalLayout {
        self.notice = notice.into();
        self
    }
}

/// The public's context for a request to `app`, with `settings` of the day.
pub fn public<'a, S: WebStore>(
    app: &'a App<S>,
    settings: &'a Settings,
) -> WebResult<Public<'a, S>> {
    Ok(Public::new(&app.store, settings)?)
}

/// An error page in the portal's layout.
#[derive(Debug, Template)]
#[template(path = "portal/error.html")]
pub struct PortalErrorPage {
    pub layout: PortalLayout,
    pub heading: String,
    pub message: String,
    pub details: Vec<FieldError>,
}

/// Whether `path` is one of the portal's: anything but the back office and the API.
pub fn is_portal_path(path: &str) -> bool {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    !under("/office") && !under("/api")
}

/// The layer that shows an error page of a portal path (a 404, a 422, a 429 …) in the portal's
/// layout: the error was rendered in the back office's, with what it said kept beside it
/// ([`ShownError`]); here the path tells which layout the reader is in. The status and the
/// headers (`Retry-After`, …) stay.
pub async fn error_pages(req: Request, next: Next) -> Response {
    let portal = is_portal_path(req.uri().path());
    let response = next.run(req).await;
    if !portal {
        return response;
    }
    let Some(shown) = response.extensions().get::<ShownError>().cloned() else {
        return response;
    };
    let office = crate::pages::ErrorPage::new(shown.status, shown.message, shown.details);
    let page = PortalErrorPage {
        layout: PortalLayout::new(office.heading.clone(), PortalSection::None),
        heading: office.heading,
        message: office.message,
        details: office.details,
    };
    let Ok(html) = crate::pages::render(&page) else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = html.into_response().into_body();
    Response::from_parts(parts, body)
}
