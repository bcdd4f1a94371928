//! Every route of the server in one list. The router is built from it, and the authorization
//! matrix test walks the same list, so a route added without its expected answers for every
//! kind of caller fails that test.

use crate::{Shared, WebStore, api, assets, office, portal};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};

/// Who a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone: the health check, assets, the login page.
    Public,
    /// The back office: a session cookie.
    Office,
    /// The JSON API: a bearer token.
    Api,
}

/// One route: its method, its path (axum's syntax, `{id}` for a parameter) and audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub audience: Audience,
}

/// A route with its handler.
#[derive(Debug)]
pub struct Entry<S> {
    pub route: Route,
    pub handler: MethodRouter<Shared<S>>,
}

fn entry<S>(
    method: Method,
    path: &'static str,
    audience: Audience,
    handler: MethodRouter<Shared<S>>,
) -> Entry<S> {
    Entry {
        route: Route {
            method,
            path,
            audience,
        },
        handler,
    }
}

/// Every route with its handler.
pub fn entries<S: WebStore>() -> Vec<Entry<S>> {
    use Audience::{Api, Office, Public};
    let (g, p) = (Method::GET, Method::POST);
    vec![
        entry(g.clone(), "/healthz", Public, get(office::health::<S>)),
        entry(g.clone(), "/static/{name}", Public, get(assets::serve)),
        entry(g.clone(), "/", Public, get(portal::catalogue::home::<S>)),
        entry(
            g.clone(),
            "/search",
            Public,
            get(portal::catalogue::search::<S>),
        ),
        entry(
            g.clone(),
            "/agencies/{id}",
            Public,
            get(portal::catalogue::agency::<S>),
        ),
        entry(
            g.clone(),
            "/agencies/{id}/catalogue",
            Public,
            get(portal::catalogue::agency_catalogue::<S>),
        ),
        entry(
            g.clone(),
            "/agencies/{id}/feed.atom",
            Public,
            get(portal::catalogue::feed::<S>),
        ),
        entry(
            g.clone(),
            "/documents/{id}",
            Public,
            get(portal::catalogue::document::<S>),
        ),
        entry(
            g.clone(),
            "/documents/{id}/attachments/{sha256}",
            Public,
            get(portal::catalogue::attachment::<S>),
        ),
        // 依申请公开 on the portal (第二十七–二十九条): form, preview, submission, tracking.
        entry(g.clone(), "/apply", Public, get(portal::apply::form::<S>)),
        entry(
            p.clone(),
            "/apply",
            Public,
            post(portal::apply::preview::<S>),
        ),
        entry(
            p.clone(),
            "/apply/submit",
            Public,
            post(portal::apply::submit::<S>),
        ),
        entry(
            g.clone(),
            "/track",
            Public,
            get(portal::apply::track_form::<S>),
        ),
        entry(p.clone(), "/track", Public, post(portal::apply::track::<S>)),
        entry(
            p.clone(),
            "/track/documents/{id}",
            Public,
            post(portal::apply::document::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/applications",
            Public,
            post(api::submit_application::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/applications/track",
            Public,
            post(api::track_application::<S>),
        ),
        // What follows an online application in the back office.
        entry(
            p.clone(),
            "/office/requests/{id}/confirm",
            Office,
            post(office::replies::confirm::<S>),
        ),
        entry(
            p.clone(),
            "/office/requests/{id}/replies",
            Office,
            post(office::replies::upload::<S>),
        ),
        entry(
            g.clone(),
            "/office/replies/{id}",
            Office,
            get(office::replies::download::<S>),
        ),
        entry(
            p.clone(),
            "/office/replies/{id}/release",
            Office,
            post(office::replies::release::<S>),
        ),
        // The letters of a request (gongkai_letters).
        entry(
            g.clone(),
            "/office/requests/{id}/letter",
            Office,
            get(office::letters::letter::<S>),
        ),
        entry(
            p.clone(),
            "/office/requests/{id}/letters",
            Office,
            post(office::letters::store::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/requests/{id}/letter",
            Api,
            get(api::render_letter::<S>),
        ),
        entry(
            g.clone(),
            "/agencies/{id}/guide",
            Public,
            get(portal::guide::page::<S>),
        ),
        entry(
            g.clone(),
            "/agencies/{id}/reports",
            Public,
            get(portal::reports::list::<S>),
        ),
        entry(
            g.clone(),
            "/agencies/{id}/reports/{year}",
            Public,
            get(portal::reports::report::<S>),
        ),
        entry(g.clone(), "/office/login", Public, get(office::login_page)),
        entry(p.clone(), "/office/login", Public, post(office::login::<S>)),
        entry(
            p.clone(),
            "/office/logout",
            Office,
            post(office::logout::<S>),
        ),
        entry(g.clone(), "/office", Office, get(office::dashboard::<S>)),
        entry(
            g.clone(),
            "/office/password",
            Office,
            get(office::password_page::<S>),
        ),
        entry(
            p.clone(),
            "/office/password",
            Office,
            post(office::change_password::<S>),
        ),
        entry(
            g.clone(),
            "/office/requests/new",
            Office,
            get(office::requests::new_page::<S>),
        ),
        entry(
            p.clone(),
            "/office/requests",
            Office,
            post(office::requests::register::<S>),
        ),
        entry(
            g.clone(),
            "/office/requests",
            Office,
            get(office::requests::list::<S>),
        ),
        entry(
            g.clone(),
            "/office/requests/{id}",
            Office,
            get(office::requests::detail::<S>),
        ),
        entry(
            p.clone(),
            "/office/requests/{id}/events",
            Office,
            post(office::requests::add_event::<S>),
        ),
        // After the events route: the authorization matrix withdraws the event it recorded.
        entry(
            p.clone(),
            "/office/requests/{id}/amend",
            Office,
            post(office::corrections::amend::<S>),
        ),
        entry(
            p.clone(),
            "/office/requests/{id}/withdraw",
            Office,
            post(office::corrections::withdraw::<S>),
        ),
        entry(
            p.clone(),
            "/office/requests/{id}/remedies",
            Office,
            post(office::corrections::add_remedy::<S>),
        ),
        entry(
            p.clone(),
            "/office/requests/{id}/remedies/close",
            Office,
            post(office::corrections::close_remedy::<S>),
        ),
        entry(
            g.clone(),
            "/office/remedies",
            Office,
            get(office::corrections::remedies::<S>),
        ),
        entry(
            g.clone(),
            "/office/ledger",
            Office,
            get(office::ledger::page::<S>),
        ),
        entry(
            p.clone(),
            "/office/ledger",
            Office,
            post(office::ledger::import::<S>),
        ),
        entry(
            g.clone(),
            "/office/ledger/template",
            Office,
            get(office::ledger::template::<S>),
        ),
        entry(
            g.clone(),
            "/office/reports",
            Office,
            get(office::reports::page::<S>),
        ),
        entry(
            g.clone(),
            "/office/reports/download",
            Office,
            get(office::reports::download::<S>),
        ),
        entry(
            g.clone(),
            "/office/reports/explain",
            Office,
            get(office::reports::explain::<S>),
        ),
        entry(
            p.clone(),
            "/office/reports/figures",
            Office,
            post(office::reports::set_figures::<S>),
        ),
        entry(
            p.clone(),
            "/office/reports/prose",
            Office,
            post(office::reports::set_prose::<S>),
        ),
        // Information asked for by several applicants (第四十四条).
        entry(
            g.clone(),
            "/office/repeated",
            Office,
            get(office::repeated::page::<S>),
        ),
        // The standard item directory's coverage and the channel register (read only).
        entry(
            g.clone(),
            "/office/directory",
            Office,
            get(office::directory::page::<S>),
        ),
        entry(
            g.clone(),
            "/office/channels",
            Office,
            get(office::directory::channels::<S>),
        ),
        // The annual reports' filing workflow (第四十九条).
        entry(
            g.clone(),
            "/office/filings",
            Office,
            get(office::filing::overview::<S>),
        ),
        entry(
            g.clone(),
            "/office/filing",
            Office,
            get(office::filing::page::<S>),
        ),
        entry(
            p.clone(),
            "/office/filing/submit",
            Office,
            post(office::filing::submit::<S>),
        ),
        entry(
            p.clone(),
            "/office/filing/clear",
            Office,
            post(office::filing::clear::<S>),
        ),
        entry(
            p.clone(),
            "/office/filing/publish",
            Office,
            post(office::filing::publish::<S>),
        ),
        // After the other steps: the authorization matrix runs them in this order.
        entry(
            p.clone(),
            "/office/filing/return",
            Office,
            post(office::filing::give_back::<S>),
        ),
        // The supervising office's dashboard and assessment (考核, 第四十六条).
        entry(
            g.clone(),
            "/office/supervision",
            Office,
            get(office::supervision::page::<S>),
        ),
        entry(
            g.clone(),
            "/office/assessment",
            Office,
            get(office::supervision::assessment_form::<S>),
        ),
        entry(
            p.clone(),
            "/office/assessment",
            Office,
            post(office::supervision::assess::<S>),
        ),
        entry(
            g.clone(),
            "/office/catalogue",
            Office,
            get(office::catalogue::list::<S>),
        ),
        entry(
            p.clone(),
            "/office/catalogue",
            Office,
            post(office::catalogue::create::<S>),
        ),
        entry(
            g.clone(),
            "/office/catalogue/new",
            Office,
            get(office::catalogue::new_page::<S>),
        ),
        entry(
            g.clone(),
            "/office/catalogue/{id}",
            Office,
            get(office::catalogue::edit_page::<S>),
        ),
        entry(
            p.clone(),
            "/office/catalogue/{id}",
            Office,
            post(office::catalogue::update::<S>),
        ),
        entry(
            p.clone(),
            "/office/catalogue/{id}/repeal",
            Office,
            post(office::catalogue::repeal::<S>),
        ),
        entry(
            g.clone(),
            "/office/guide",
            Office,
            get(office::guide::page::<S>),
        ),
        entry(
            p.clone(),
            "/office/guide",
            Office,
            post(office::guide::save::<S>),
        ),
        entry(
            g.clone(),
            "/office/check",
            Office,
            get(office::check::page::<S>),
        ),
        entry(
            p.clone(),
            "/office/check",
            Office,
            post(office::check::check::<S>),
        ),
        entry(
            g.clone(),
            "/office/agencies",
            Office,
            get(office::admin::agencies::<S>),
        ),
        entry(
            p.clone(),
            "/office/agencies",
            Office,
            post(office::admin::add_agency::<S>),
        ),
        entry(
            g.clone(),
            "/office/users",
            Office,
            get(office::admin::users::<S>),
        ),
        entry(
            p.clone(),
            "/office/users",
            Office,
            post(office::admin::add_user::<S>),
        ),
        entry(
            p.clone(),
            "/office/users/{name}/roles",
            Office,
            post(office::admin::change_role::<S>),
        ),
        entry(
            p.clone(),
            "/office/users/{name}/status",
            Office,
            post(office::admin::set_status::<S>),
        ),
        entry(
            p.clone(),
            "/office/users/{name}/password",
            Office,
            post(office::admin::reset_password::<S>),
        ),
        entry(
            g.clone(),
            "/office/calendar",
            Office,
            get(office::admin::calendar::<S>),
        ),
        entry(
            p.clone(),
            "/office/calendar",
            Office,
            post(office::admin::import_calendar::<S>),
        ),
        entry(
            g.clone(),
            "/office/audit",
            Office,
            get(office::admin::audit::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/openapi.json",
            Public,
            get(api::openapi_json),
        ),
        entry(
            g.clone(),
            "/api/v1/agencies",
            Api,
            get(api::list_agencies::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/requests",
            Api,
            post(api::create_request::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/requests",
            Api,
            get(api::list_requests::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/requests/{id}",
            Api,
            get(api::get_request::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/requests/{id}/events",
            Api,
            post(api::add_request_event::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/ledger",
            Api,
            post(api::import_ledger::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/reports/generate",
            Api,
            post(api::generate_report::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/reports/check",
            Api,
            post(api::check_report::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/reports/explain",
            Api,
            get(api::explain_cell::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/repeated-requests",
            Api,
            get(api::list_repeated_requests::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/supervision",
            Api,
            get(api::get_supervision::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/directory/coverage",
            Api,
            get(api::get_directory_coverage::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/filings",
            Api,
            get(api::list_filings::<S>),
        ),
        entry(
            g.clone(),
            "/api/v1/filings/{agency}/{year}",
            Api,
            get(api::get_filing::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/filings/{agency}/{year}/submit",
            Api,
            post(api::submit_report::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/filings/{agency}/{year}/clear",
            Api,
            post(api::clear_report::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/filings/{agency}/{year}/publish",
            Api,
            post(api::publish_report::<S>),
        ),
        entry(
            p.clone(),
            "/api/v1/filings/{agency}/{year}/return",
            Api,
            post(api::return_report::<S>),
        ),
        entry(g.clone(), "/api/v1/deadline", Api, get(api::deadline::<S>)),
        entry(
            g.clone(),
            "/api/v1/catalogue/search",
            Public,
            get(api::search_catalogue::<S>),
        ),
        // Reminders (issue 13): the calendar feed, its page, and the feed at its secret address.
        entry(
            g.clone(),
            "/office/feed",
            Office,
            get(office::reminders::page::<S>),
        ),
        entry(
            p.clone(),
            "/office/feed",
            Office,
            post(office::reminders::create::<S>),
        ),
        entry(
            p.clone(),
            "/office/feed/revoke",
            Office,
            post(office::reminders::revoke::<S>),
        ),
        entry(g, "/ical/{file}", Public, get(office::reminders::ical::<S>)),
    ]
}

/// Every route, without handlers: what the authorization matrix covers.
pub fn list<S: WebStore>() -> Vec<Route> {
    entries::<S>().into_iter().map(|e| e.route).collect()
}

/// The router of the whole server.
pub fn router<S: WebStore>(app: Shared<S>) -> Router {
    let limit = app.options.upload_max.saturating_add(1 << 16);
    let mut router: Router<Shared<S>> = Router::new();
    for e in entries::<S>() {
        router = router.route(e.route.path, e.handler);
    }
    router
        .fallback(office::not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::cache::pages::<S>,
        ))
        // Outside the cache, so that a page served from it is counted too.
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::views::count::<S>,
        ))
        .layer(axum::middleware::from_fn(crate::portal::error_pages))
        .layer(axum::middleware::from_fn(crate::security::observe))
        .with_state(app)
}
