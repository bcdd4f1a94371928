//! The calendar feed (issue 13): the page where a user creates, sees once and revokes the
//! secret address of their own feed, and the feed itself, served at that address without a
//! login (the address is the credential; a calendar program cannot log in).

use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_services::reminders::{ALARM_DAYS_BEFORE, calendar_feed};
use serde::Deserialize;

#[derive(Debug, Template)]
#[template(path = "feed.html")]
pub struct FeedPage {
    pub layout: Layout,
    /// When the feed was created (China time), if there is one.
    pub created: Option<String>,
    /// The address just created: shown this once, never stored.
    pub url: Option<String>,
    pub alarm_days: i64,
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct Empty {}

/// When the caller's feed was created, as the page shows it.
async fn created<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
) -> WebResult<Option<String>> {
    let settings = app.settings();
    let at = caller.ctx(app, &settings).feed_created().await?;
    Ok(at.map(|t| {
        gongkai_services::in_china(t)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }))
}

/// `GET /office/feed`: whether the user has a feed, and the buttons to create or revoke it.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
) -> WebResult<Html<String>> {
    render(&FeedPage {
        created: created(&app, &caller).await?,
        layout: Layout::new(&caller, Section::None),
        url: None,
        alarm_days: ALARM_DAYS_BEFORE,
    })
}

/// `POST /office/feed`: a new address (the old one, if any, stops working), shown in the
/// answer this once: in the body of a POST, it stays out of the browser's history.
pub async fn create<S: WebStore>(
    State(app): State<Shared<S>>,
    headers: HeaderMap,
    posted: SecureForm<Empty>,
) -> WebResult<Response> {
    let caller = posted.caller;
    let settings = app.settings();
    let token = caller.ctx(&app, &settings).create_feed().await?;
    let origin = crate::portal::catalogue::origin(&app, &headers);
    let url = format!("{origin}/ical/{token}.ics");
    let page = render(&FeedPage {
        created: created(&app, &caller).await?,
        layout: Layout::new(&caller, Section::None).with_notice(
            "已生成新的日历订阅地址，原地址（如有）已失效。请立即复制，离开本页后不再显示。",
        ),
        url: Some(url),
        alarm_days: ALARM_DAYS_BEFORE,
    })?;
    Ok(page.into_response())
}

/// `POST /office/feed/revoke`: the address answers 404 from now on. Revoking when there is
/// no feed (another tab revoked it) is no error: the outcome is the one asked for.
pub async fn revoke<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<Empty>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    if ctx.feed_created().await?.is_some() {
        ctx.revoke_feed().await?;
    }
    Ok(Redirect::to("/office/feed").into_response())
}

/// `GET /ical/{token}.ics`: the feed of the account whose token this is; 404 for an unknown,
/// revoked or malformed token, or a disabled account, alike.
pub async fn ical<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(file): Path<String>,
) -> WebResult<Response> {
    let gone = || WebError::not_found("没有这个日历订阅地址，或已被撤销");
    let token = file.strip_suffix(".ics").ok_or_else(gone)?;
    let settings = app.settings();
    let text = calendar_feed(&app.store, &settings, token)
        .await?
        .ok_or_else(gone)?;
    let mut response = text.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    // The feed is one person's: no shared cache may keep it.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
