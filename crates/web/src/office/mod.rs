//! The back office (`/office`): the pages an officer, an approver, a supervising office and an
//! admin work in. Each handler parses its input, calls one use case and renders a template.

pub mod admin;
pub mod catalogue;
pub mod check;
pub mod corrections;
pub mod directory;
pub mod disclosures;
pub mod documents;
pub mod filing;
pub mod guide;
pub mod ledger;
pub mod letters;
pub mod messages;
pub mod notifications;
pub mod reminders;
pub mod repeated;
pub mod replies;
pub mod reports;
pub mod requests;
pub mod routing;
pub mod supervision;

use crate::auth::{OfficeCaller, SecureForm, expired_cookie, session_cookie};
use crate::error::{WebError, WebResult};
use crate::pages::{Layout, LoginPage, Section, render};
use crate::{Shared, WebStore, now};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use gongkai_access::Role;
use gongkai_services::accounts::{Auth, LoginError};
use gongkai_services::requests::WorkItem;
use serde::Deserialize;
use std::collections::BTreeMap;

/// An option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The agencies of the caller's tree for a select, indented by depth, `selected` marked; with
/// `capability`, only those the caller may do it on and that still file their own records (not
/// merged into another).
pub async fn agency_choices<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
    selected: &str,
    capability: Option<gongkai_access::Capability>,
) -> WebResult<Vec<Choice>> {
    let settings = app.settings();
    let tree = caller.ctx(app, &settings).agency_tree().await?;
    let all: Vec<gongkai_cases::Agency> = tree.iter().map(|r| r.agency.clone()).collect();
    Ok(tree
        .into_iter()
        .filter(|r| {
            capability.is_none_or(|c| {
                r.merged_into.is_none() && caller.scope.allows(r.agency.id, &all, c)
            })
        })
        .map(|r| Choice {
            selected: r.agency.name == selected,
            label: format!("{}{}", "\u{3000}".repeat(r.depth), r.agency.name),
            value: r.agency.name,
        })
        .collect())
}

/// The value of the selected choice, selecting the first when none is (a page that shows one
/// agency at a time opens on the caller's first); empty when there are none.
pub fn selected_or_first(choices: &mut [Choice]) -> String {
    if !choices.iter().any(|c| c.selected)
        && let Some(first) = choices.first_mut()
    {
        first.selected = true;
    }
    choices
        .iter()
        .find(|c| c.selected)
        .map(|c| c.value.clone())
        .unwrap_or_default()
}

/// `GET /healthz`: 200 once the database answers, 503 while it does not.
pub async fn health<S: WebStore>(State(app): State<Shared<S>>) -> Response {
    match app.store.installation_key().await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// Any other path.
pub async fn not_found() -> WebError {
    WebError::not_found("没有这个页面")
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after logging in: a path of the back office, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/office") && !n.starts_with("//") && !n.contains('\\') => {
            n.to_owned()
        }
        _ => "/office".to_owned(),
    }
}

/// `GET /office/login`.
pub async fn login_page(Query(q): Query<NextQuery>) -> WebResult<Html<String>> {
    render(&LoginPage {
        layout: Layout::anonymous(),
        next: safe_next(q.next.as_deref()),
        name: String::new(),
        error: String::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    next: Option<String>,
}

/// `POST /office/login`: a session cookie and back to where the user was going; a failed
/// login shows the form again with one message for a wrong name or password.
pub async fn login<S: WebStore>(
    State(app): State<Shared<S>>,
    headers: HeaderMap,
    jar: CookieJar,
    axum::Form(form): axum::Form<LoginForm>,
) -> WebResult<Response> {
    if !crate::auth::same_origin(&headers, app.options.public_origin.as_deref()) {
        return Err(WebError::forbidden(
            "请求来源不是本系统的页面，已拒绝（跨站请求）",
        ));
    }
    let next = safe_next(form.next.as_deref());
    let auth = Auth::new(&app.store, app.options.sessions);
    match auth.login(&form.name, &form.password, now()).await? {
        Ok(logged_in) => {
            tracing::info!(user = %logged_in.user.name, "login");
            let jar = jar.add(session_cookie(logged_in.secret, app.options.secure_cookies));
            Ok((jar, Redirect::to(&next)).into_response())
        }
        Err(e) => {
            tracing::info!(reason = ?std::mem::discriminant(&e), "login refused");
            let status = match e {
                LoginError::Locked(_) => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            let page = render(&LoginPage {
                layout: Layout::anonymous(),
                next,
                name: form.name,
                error: e.to_string(),
            })?;
            Ok((status, page).into_response())
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Empty {}

/// `POST /office/logout`.
pub async fn logout<S: WebStore>(
    State(app): State<Shared<S>>,
    jar: CookieJar,
    posted: SecureForm<Empty>,
) -> WebResult<Response> {
    if let Some(secret) = &posted.caller.session {
        Auth::new(&app.store, app.options.sessions)
            .logout(secret)
            .await?;
    }
    let jar = jar.add(expired_cookie(app.options.secure_cookies));
    Ok((jar, Redirect::to("/office/login")).into_response())
}

/// One agency's part of the 工作台.
#[derive(Debug)]
pub struct Desk {
    pub agency: String,
    /// How many requests are open.
    pub open_count: usize,
    /// The most urgent of them ([`DESK_ROWS`] at most).
    pub open: Vec<WorkItem>,
    pub soon: usize,
    pub overdue: usize,
    pub closed_late: Vec<WorkItem>,
    /// Per agency of the subtree: open, due soon, overdue (for a supervisor).
    pub per_agency: Vec<(String, usize, usize, usize)>,
    /// Dispatches to sign, overdue and open sub-tasks, requests handled after a dispatch.
    pub routing: gongkai_services::routing::RoutingDesk,
}

#[derive(Debug, Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub desks: Vec<Desk>,
    pub due_soon_days: i64,
    pub year: i32,
}

/// The lines of the work list a 工作台 shows; the rest are a click away.
pub const DESK_ROWS: usize = 100;

/// A moment as pages show it: China time to the minute.
pub fn china_minute(at: &chrono::DateTime<chrono::Utc>) -> String {
    gongkai_services::in_china(*at)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// How a line of the work list is marked.
pub fn urgency(item: &WorkItem, due_soon_days: i64) -> (&'static str, String) {
    match (item.state.is_closed(), item.days_left) {
        (true, Some(d)) if d < 0 => ("overdue", format!("逾期 {} 个工作日办结", -d)),
        (true, _) => ("closed", "已办结".to_owned()),
        (false, Some(d)) if d < 0 => ("overdue", format!("已逾期 {} 个工作日", -d)),
        (false, Some(d)) if d <= due_soon_days => ("soon", format!("剩 {d} 个工作日")),
        (false, Some(d)) => ("ok", format!("剩 {d} 个工作日")),
        (false, None) => ("closed", "期限暂停".to_owned()),
    }
}

/// `GET /office`: the 工作台 of every agency the user holds a role on (each with its subtree):
/// open requests by days left, 即将逾期 and 已逾期 counts, 逾期办结 of the year, and for a
/// supervisor the counts per agency.
pub async fn dashboard<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let tree = ctx.agency_tree().await?;
    // The agencies the user's roles start from (each shown with its subtree): for the
    // operator, the top-level agencies.
    let mut roots: Vec<String> = Vec::new();
    for node in &tree {
        let granted = caller.scope.is_operator() && node.agency.parent.is_none()
            || caller
                .scope
                .granted()
                .iter()
                .any(|(id, _)| *id == node.agency.id);
        if granted && !roots.contains(&node.agency.name) {
            roots.push(node.agency.name.clone());
        }
    }
    let due_soon = i64::from(settings.deadline.due_soon_days);
    let supervises = caller.scope.is_operator()
        || caller
            .scope
            .granted()
            .iter()
            .any(|(_, r)| matches!(r, Role::Supervisor | Role::Admin));
    let year = chrono::Datelike::year(&settings.today);
    let mut desks = Vec::new();
    for agency in roots {
        let lists = ctx.desk(&app.desks, &agency).await?;
        let open = &lists.open;
        let is_soon = |i: &WorkItem| i.days_left.is_some_and(|d| (0..=due_soon).contains(&d));
        let is_overdue = |i: &WorkItem| i.days_left.is_some_and(|d| d < 0);
        let mut per_agency: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
        if supervises {
            for i in open {
                let counts = per_agency.entry(i.agency.as_str()).or_default();
                counts.0 += 1;
                counts.1 += usize::from(is_soon(i));
                counts.2 += usize::from(is_overdue(i));
            }
        }
        desks.push(Desk {
            open_count: open.len(),
            open: open.iter().take(DESK_ROWS).cloned().collect(),
            soon: open.iter().filter(|i| is_soon(i)).count(),
            overdue: open.iter().filter(|i| is_overdue(i)).count(),
            closed_late: lists.closed_late.clone(),
            routing: ctx.routing_desk(&agency).await?,
            per_agency: per_agency
                .into_iter()
                .map(|(name, (open, soon, overdue))| (name.to_owned(), open, soon, overdue))
                .collect(),
            agency,
        });
    }
    render(&DashboardPage {
        layout: Layout::new(&caller, Section::Dashboard),
        desks,
        due_soon_days: due_soon,
        year,
    })
}

#[derive(Debug, Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub layout: Layout,
    pub error: String,
}

/// `GET /office/password`.
pub async fn password_page<S: WebStore>(
    OfficeCaller(caller): OfficeCaller,
) -> WebResult<Html<String>> {
    render(&PasswordPage {
        layout: Layout::new(&caller, Section::None),
        error: String::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

/// `POST /office/password`: the user's own password; the user's other sessions end.
pub async fn change_password<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<PasswordForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let result = if form.new == form.repeat {
        caller
            .ctx(&app, &settings)
            .change_password(&form.current, &form.new, caller.session.as_deref())
            .await
            .map_err(|e| e.to_string())
    } else {
        Err("两次输入的新密码不一致".to_owned())
    };
    match result {
        Ok(()) => Ok(render(&PasswordPage {
            layout: Layout::new(&caller, Section::None)
                .with_notice("密码已修改，其他设备上的登录已退出"),
            error: String::new(),
        })?
        .into_response()),
        Err(error) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&PasswordPage {
                layout: Layout::new(&caller, Section::None),
                error,
            })?,
        )
            .into_response()),
    }
}

/// A year typed in a page's query: `None` when left empty; anything but a year is a 422 that
/// names it.
pub(crate) fn query_year(text: Option<&str>) -> WebResult<Option<i32>> {
    match text.map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(None),
        Some(y) => y
            .parse()
            .map(Some)
            .map_err(|_| WebError::invalid(format!("年度“{y}”不是年份"))),
    }
}
