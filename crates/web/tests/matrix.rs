//! The authorization matrix: every route of the router's own list × {anonymous, officer of A,
//! officer of A's sibling B, supervising office of their parent, admin of the parent} → the
//! status `docs/web.md` §1 calls for, on SQLite and PostgreSQL. A route added without an entry
//! here fails the test.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Browser, GOV, Server, Who};
use gongkai_store_sqlite::SqliteStore;
use gongkai_web::routes::{Audience, Route};
use reqwest::Method;
use std::collections::HashMap;

on_both!(every_route_answers_every_caller_as_the_rules_say);

/// What the routes act on.
struct Fixture {
    /// A request of A for the pages, and one for the API.
    page_request: i64,
    api_request: i64,
    year: i32,
    /// A reply document of the page request.
    reply: i64,
    /// A PNG uploaded for redaction (an image needs no external program to read).
    redacted: i64,
    /// A catalogue document of A.
    document: i64,
    /// A throwaway account of A that admin routes act on.
    temp_user: &'static str,
    asset: String,
    /// Agency A's id, for the portal's pages of an agency.
    agency_a: i64,
    /// Public messages to A: for the pages' routes, the one merged, the one turned into a
    /// request, and the API's.
    message: i64,
    merged_message: i64,
    converted_message: i64,
    api_message: i64,
}

const SEED: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");

/// The year of the fixture's requests, whose report of A the fixture publishes.
const PUBLISHED_YEAR: &str = "2024";

/// An explanation of every rule, as the filing forms send them: those of rules without a
/// finding are ignored, so a submission explains whatever the checks warn of.
const EXPLAINED: [(&str, &str); 10] = [
    ("explain_R1", "矩阵测试说明"),
    ("explain_R2", "矩阵测试说明"),
    ("explain_R3", "矩阵测试说明"),
    ("explain_R4", "矩阵测试说明"),
    ("explain_R5", "矩阵测试说明"),
    ("explain_R6", "矩阵测试说明"),
    ("explain_R7", "矩阵测试说明"),
    ("explain_R8", "矩阵测试说明"),
    ("explain_R9", "矩阵测试说明"),
    ("explain_R10", "矩阵测试说明"),
];

/// [`EXPLAINED`] as the API takes it.
fn every_rule_explained() -> serde_json::Value {
    EXPLAINED
        .iter()
        .map(|(k, v)| {
            (
                k.trim_start_matches("explain_").to_owned(),
                serde_json::json!(v),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn ledger_csv(prefix: &str) -> String {
    format!(
        "受理编号,申请人姓名或名称,申请人类型,申请方式,收到日期,申请内容,办理结果,答复日期\n{prefix}-1,张三,自然人,网上,2024-03-05,某文件,予以公开,2024-03-20\n"
    )
}

/// What the portal's application and tracking routes answer anyone (see [`expected`]).
fn portal_forms(m: &str, p: &str) -> Option<u16> {
    Some(match (m, p) {
        ("GET", "/apply" | "/track") => 200,
        // Triage (issue 16 §5): suggestions for an empty text are none, for anyone.
        ("GET", "/apply/suggest") => 200,
        // 答复公开: the log for anyone; the fixture publishes no entry, so an entry and its
        // documents are not found, for everyone alike.
        ("GET", "/disclosures") => 200,
        ("GET", "/disclosures/{id}" | "/disclosures/{id}/documents/{doc}") => 404,
        ("POST", "/apply") => 403,
        ("POST", "/apply/submit") => 400,
        ("POST", "/track" | "/track/documents/{id}") => 404,
        ("POST", "/api/v1/applications" | "/api/v1/applications/track") => 415,
        _ => return None,
    })
}

/// What the portal's message routes answer anyone, logged in or not: the forms and the
/// published replies; an empty message form did not come from the form page (403); tracking
/// with no code finds nothing (404); the API wants JSON (415).
fn portal_messages(m: &str, p: &str) -> Option<u16> {
    Some(match (m, p) {
        ("GET", "/messages" | "/messages/track" | "/agencies/{id}/replies" | "/api/v1/replies") => {
            200
        }
        ("POST", "/messages") => 403,
        ("POST", "/messages/track") => 404,
        ("POST", "/api/v1/messages") => 415,
        _ => return None,
    })
}

/// The status a caller must get.
fn expected(route: &Route, who: Who) -> u16 {
    use Who::*;
    let (m, p) = (route.method.as_str(), route.path);
    // Anonymous callers: pages send them to the login page, the API says 401.
    // The portal's application and tracking: the same for everyone, logged in or not (they
    // never read a session). Empty forms: the preview and the submission refuse a form that did
    // not come from the form page (403), or is no multipart form (400); tracking with no code
    // finds nothing (404); the API wants JSON (415).
    if let Some(status) = portal_forms(m, p).or_else(|| portal_messages(m, p)) {
        return status;
    }
    if who == Anonymous {
        return match (route.audience, m, p) {
            (Audience::Public, "POST", "/office/login") => 401,
            (Audience::Public, _, "/documents/{id}" | "/documents/{id}/attachments/{sha256}") => {
                404
            }
            // A calendar feed's address that no feed has: as if it did not exist.
            (Audience::Public, _, "/ical/{file}") => 404,
            (Audience::Public, _, _) => 200,
            (Audience::Office, _, _) => 303,
            (Audience::Api, _, _) => 401,
        };
    }
    // Reads of A's records: everyone who sees A (not the sibling's officer).
    let reads_a = |w: Who| if w == OfficerB { 404 } else { 200 };
    // Handling A's requests: A's officer; the sibling does not even see A; the supervising
    // office and the admin see A but may not handle (403).
    let handles_a = |w: Who, ok: u16| match w {
        OfficerA => ok,
        OfficerB => 404,
        _ => 403,
    };
    // Clearing, returning and publishing A's report: the supervising office above A only;
    // the others see A (or not) and may not.
    let supervises_a = |w: Who, ok: u16| match w {
        Supervisor => ok,
        OfficerB => 404,
        _ => 403,
    };
    // Administering in the government's subtree: the admin only; the officers of A and B and
    // the supervising office see what they see and may not administer.
    let administers = |w: Who, ok: u16, on_gov: bool| match w {
        Admin => ok,
        Supervisor => 403,
        OfficerA if on_gov => 404,
        OfficerA => 403,
        _ => 404,
    };
    match (m, p) {
        ("GET", "/healthz" | "/static/{name}" | "/office/login" | "/api/v1/openapi.json") => 200,
        // The portal's pages: anyone. The fixture has no catalogue document: its pages are
        // not found, for everyone alike.
        (
            "GET",
            "/"
            | "/search"
            | "/agencies/{id}"
            | "/agencies/{id}/catalogue"
            | "/agencies/{id}/feed.atom"
            | "/api/v1/catalogue/search",
        ) => 200,
        ("GET", "/documents/{id}" | "/documents/{id}/attachments/{sha256}") => 404,
        ("POST", "/office/login") => 401,
        ("POST", "/office/logout") => 303,
        (
            "GET",
            "/office"
            | "/office/password"
            | "/office/requests/new"
            | "/office/ledger"
            | "/office/ledger/template"
            | "/office/reports"
            | "/office/check"
            | "/office/guide"
            | "/office/agencies"
            | "/office/users"
            | "/office/calendar"
            | "/office/notifications/templates",
        ) => 200,
        ("POST", "/office/password") => 422,
        ("POST", "/office/requests") => handles_a(who, 303),
        ("GET", "/office/requests/{id}" | "/office/requests" | "/office/remedies") => reads_a(who),
        (
            "POST",
            "/office/requests/{id}/events"
            | "/office/requests/{id}/amend"
            | "/office/requests/{id}/withdraw"
            | "/office/requests/{id}/remedies"
            | "/office/requests/{id}/remedies/close",
        ) => handles_a(who, 303),
        // Routing (转办, 签收, 退回, 协办) on A's request, which A registered and handles: A's
        // officer finds no unit below A to dispatch to (B is a sibling), no dispatch to sign or
        // return, no sub-task numbered 999 (409); it asks the government for help (协办, the
        // government sees A's requests already, so B still sees nothing). The others see it
        // and may not (403) or do not see it (404).
        (
            "POST",
            "/office/requests/{id}/dispatch"
            | "/office/requests/{id}/sign"
            | "/office/requests/{id}/return"
            | "/office/requests/{id}/answer",
        ) => handles_a(who, 409),
        // A's officer links the page request with the API's as the same request (同一申请) and
        // names the agency responsible for the information (第三十六条第（五）项).
        (
            "POST",
            "/office/requests/{id}/subtasks"
            | "/office/requests/{id}/links"
            | "/office/requests/{id}/referral",
        ) => handles_a(who, 303),
        (
            "POST",
            "/api/v1/requests/{id}/dispatch"
            | "/api/v1/requests/{id}/sign"
            | "/api/v1/requests/{id}/return"
            | "/api/v1/requests/{id}/answer",
        ) => handles_a(who, 409),
        // The API's request asks the government for help; the link the page made is undone.
        ("POST", "/api/v1/requests/{id}/subtasks" | "/api/v1/requests/{id}/links") => {
            handles_a(who, 200)
        }
        ("GET", "/api/v1/requests/{id}/similar") => reads_a(who),
        ("POST", "/office/ledger") => handles_a(who, 200),
        // The fixture's request is no online application: its receipt needs no confirmation.
        ("POST", "/office/requests/{id}/confirm") => handles_a(who, 409),
        ("POST", "/office/requests/{id}/replies" | "/office/replies/{id}/release") => {
            handles_a(who, 303)
        }
        ("GET", "/office/replies/{id}") => reads_a(who),
        // Redaction (区分处理, 第三十七条): the document read by those who see A, its page images
        // and its marking by those who handle A; its release by an approver alone (none of the
        // matrix's callers: A's officer is refused).
        ("GET", "/office/documents/{id}" | "/api/v1/documents/{id}") => reads_a(who),
        ("GET", "/office/documents/{id}/pages/{page}") => handles_a(who, 200),
        ("POST", "/office/documents/{id}/redaction") => handles_a(who, 303),
        ("POST", "/api/v1/documents/{id}/redaction") => handles_a(who, 200),
        ("POST", "/api/v1/requests/{id}/documents") => handles_a(who, 201),
        ("POST", "/office/documents/{id}/release" | "/api/v1/documents/{id}/release") => {
            handles_a(who, 403)
        }
        ("GET", "/office/reports/download" | "/office/reports/explain") => reads_a(who),
        ("POST", "/office/reports/figures" | "/office/reports/prose") => handles_a(who, 303),
        // The filing workflow (第四十九条) of A's report, which the fixture published as version
        // 1. The steps run in the routes' order: A's officer submits a correction, the
        // supervising office clears and publishes it, and then finds nothing to return. The
        // overview: anyone logged in, each seeing their own subtree.
        // Information asked for by several applicants (第四十四条): those who see A.
        ("GET", "/office/repeated") => reads_a(who),
        ("GET", "/office/directory" | "/office/channels") => reads_a(who),
        ("GET", "/office/filings") => 200,
        ("GET", "/office/filing") => reads_a(who),
        ("POST", "/office/filing/submit") => handles_a(who, 303),
        ("POST", "/office/filing/clear" | "/office/filing/publish") => supervises_a(who, 303),
        ("POST", "/office/filing/return") => supervises_a(who, 409),
        // The dashboard and the assessment: anyone logged in, each seeing the rows of their
        // own subtree (web.md §1: who sees an agency's requests sees its figures); A's officer
        // gets A's row alone, the supervising office every unit below the government.
        ("GET", "/office/supervision" | "/office/assessment") => 200,
        ("POST", "/office/assessment") => 200,
        // The published reports on the portal: anyone.
        ("GET", "/agencies/{id}/reports" | "/agencies/{id}/reports/{year}") => 200,
        ("POST", "/office/check") => 200,
        // The catalogue in the back office: read by those who see A, written by those who
        // handle it.
        ("GET", "/office/catalogue/new") => 200,
        ("GET", "/office/catalogue" | "/office/catalogue/{id}") => reads_a(who),
        (
            "POST",
            "/office/catalogue" | "/office/catalogue/{id}" | "/office/catalogue/{id}/repeal",
        ) => handles_a(who, 303),
        // The guide (第十二条): edited by those who handle A.
        ("POST", "/office/guide") => handles_a(who, 303),
        ("GET", "/agencies/{id}/guide") => 200,
        ("POST", "/office/agencies") => administers(who, 303, true),
        ("POST", "/office/users") => administers(who, 303, false),
        (
            "POST",
            "/office/users/{name}/roles"
            | "/office/users/{name}/status"
            | "/office/users/{name}/password",
        ) => administers(who, 303, false),
        // The calendar is the installation's: an admin of a top-level agency keeps it.
        ("POST", "/office/calendar") => {
            if who == Admin {
                303
            } else {
                403
            }
        }
        // The audit log: the supervising office and admins.
        ("GET", "/office/audit") => match who {
            Supervisor | Admin => 200,
            _ => 403,
        },
        ("GET", "/api/v1/agencies" | "/api/v1/deadline") => 200,
        ("POST", "/api/v1/requests") => handles_a(who, 201),
        ("GET", "/api/v1/requests" | "/api/v1/requests/{id}" | "/api/v1/reports/explain") => {
            reads_a(who)
        }
        ("POST", "/api/v1/requests/{id}/events") => handles_a(who, 200),
        ("POST", "/api/v1/ledger") => handles_a(who, 200),
        ("POST", "/api/v1/reports/generate") => reads_a(who),
        ("POST", "/api/v1/reports/check") => 200,
        ("GET", "/api/v1/repeated-requests") => reads_a(who),
        ("GET", "/api/v1/directory/coverage") => reads_a(who),
        // The same steps through the API, after those of the pages.
        ("GET", "/api/v1/filings") => 200,
        ("GET", "/api/v1/filings/{agency}/{year}") => reads_a(who),
        ("POST", "/api/v1/filings/{agency}/{year}/submit") => handles_a(who, 200),
        (
            "POST",
            "/api/v1/filings/{agency}/{year}/clear" | "/api/v1/filings/{agency}/{year}/publish",
        ) => supervises_a(who, 200),
        ("POST", "/api/v1/filings/{agency}/{year}/return") => supervises_a(who, 409),
        // Reminders: everyone keeps their own calendar feed (the new address is shown in the
        // answer, once); a revocation goes back to the page; an unknown address is not found.
        ("GET", "/office/feed") | ("POST", "/office/feed") => 200,
        ("POST", "/office/feed/revoke") => 303,
        ("GET", "/ical/{file}") => 404,
        // The letters of a request: read by those who see A, stored with it by those who
        // handle it.
        ("GET", "/office/requests/{id}/letter" | "/api/v1/requests/{id}/letter") => reads_a(who),
        ("POST", "/office/requests/{id}/letters") => handles_a(who, 303),
        // Messages: the agency's templates are edited by those who handle it; a request's
        // delivery status is read by those who see it.
        ("POST", "/office/notifications/templates") => handles_a(who, 303),
        ("GET", "/api/v1/requests/{id}/notifications") => reads_a(who),
        ("GET", "/api/v1/supervision") => 200,
        // 互动交流: read by those who see A; triaged, replied and published by those who handle
        // it. The routes run in order on the fixture's message: assigned to A itself, its
        // (absent) abuse mark taken back, replied, published; another merged into it; a third
        // turned into a request. The fixture's request was not answered as 信访举报投诉: 409.
        ("GET", "/office/messages" | "/office/messages/{id}" | "/api/v1/messages") => reads_a(who),
        (
            "POST",
            "/office/messages/{id}/assign"
            | "/office/messages/{id}/abusive"
            | "/office/messages/{id}/reply"
            | "/office/messages/{id}/publish"
            | "/office/messages/{id}/merge"
            | "/office/messages/{id}/request",
        ) => handles_a(who, 303),
        ("POST", "/office/requests/{id}/message") => handles_a(who, 409),
        // The public log (issue 16 §4): an empty title is refused (422) once the access check
        // passed; withdrawing what was never published goes back to the page. The photo:
        // those who handle A; the fixture's request has none.
        ("POST", "/office/requests/{id}/disclosure") => handles_a(who, 422),
        ("POST", "/office/requests/{id}/disclosure/withdraw") => handles_a(who, 303),
        ("GET", "/office/requests/{id}/id-photo") => handles_a(who, 404),
        // The API's request is not answered: it cannot be published (409); withdrawing it
        // from the log, where it is not, answers as if it had been (204).
        ("POST", "/api/v1/requests/{id}/disclosure") => handles_a(who, 409),
        ("DELETE", "/api/v1/requests/{id}/disclosure") => handles_a(who, 204),
        ("POST", "/api/v1/messages/{id}/reply") => handles_a(who, 200),
        _ => panic!("{m} {p} has no entry in the authorization matrix: say what each caller gets"),
    }
}

/// Sends the request a route is tested with, as `who`.
async fn call(
    server: &Server,
    browser: &Browser,
    who: Who,
    route: &Route,
    fx: &Fixture,
) -> reqwest::Response {
    let year = fx.year.to_string();
    let unique = format!("{who:?}-{}", route.path.len());
    let path = route
        .path
        .replace(
            "{id}",
            &match route.audience {
                Audience::Api if route.path.starts_with("/api/v1/messages/") => {
                    fx.api_message.to_string()
                }
                Audience::Api if route.path.starts_with("/api/v1/documents/") => {
                    fx.redacted.to_string()
                }
                Audience::Api => fx.api_request.to_string(),
                _ if route.path.ends_with("/messages/{id}/merge") => fx.merged_message.to_string(),
                _ if route.path.ends_with("/messages/{id}/request") => {
                    fx.converted_message.to_string()
                }
                _ if route.path.starts_with("/office/messages/") => fx.message.to_string(),
                _ if route.path.starts_with("/agencies/") => fx.agency_a.to_string(),
                _ if route.path.starts_with("/office/catalogue/") => fx.document.to_string(),
                // An unknown document (the fixture's document is id 1, like the request).
                _ if route.path.starts_with("/documents/") => "999999".to_owned(),
                _ if route.path.starts_with("/office/replies/") => fx.reply.to_string(),
                _ if route.path.starts_with("/office/documents/") => fx.redacted.to_string(),
                _ => fx.page_request.to_string(),
            },
        )
        .replace("{sha256}", &"0".repeat(64))
        // A document of an unknown entry of the public log.
        .replace("{doc}", "999999")
        .replace("{page}", "1")
        .replace("{year}", PUBLISHED_YEAR)
        .replace("{agency}", &gongkai_web::auth::form_urlencoded_component(A))
        .replace(
            "{name}",
            if route.path.starts_with("/static") {
                &fx.asset
            } else {
                fx.temp_user
            },
        );
    let query = |q: &str| format!("{path}?{q}");
    let a = gongkai_web::auth::form_urlencoded_component(A);
    let gov = GOV;
    match (route.audience, route.method.as_str(), route.path) {
        (Audience::Api, m, p) => {
            let client = server.api();
            let url = match p {
                "/api/v1/requests" if m == "GET" => query(&format!("agency={a}")),
                "/api/v1/ledger" => query(&format!("agency={a}&name=t.csv")),
                "/api/v1/reports/explain" => query(&format!(
                    "agency={a}&year={year}&cell=t3.new_received.total"
                )),
                "/api/v1/deadline" => query("received=2024-03-05"),
                "/api/v1/filings" | "/api/v1/supervision" => {
                    query(&format!("year={PUBLISHED_YEAR}"))
                }
                "/api/v1/repeated-requests" => query(&format!("agency={a}&year=2024")),
                "/api/v1/directory/coverage" => {
                    query(&format!("agency={a}&year=2024&subtree=true"))
                }
                "/api/v1/messages" if m == "GET" => query(&format!("agency={a}")),
                _ => path.clone(),
            };
            let mut req = client.request(route.method.clone(), server.url(&url));
            if let Some(t) = server.token(who) {
                req = req.bearer_auth(t);
            }
            req = match (m, p) {
                ("POST", "/api/v1/requests") => req.json(&serde_json::json!({
                    "agency": A, "reference": format!("API-{unique}"), "applicant": "张三",
                    "kind": "自然人", "channel": "网上", "received": "2024-03-05",
                    "description": "某文件",
                })),
                ("POST", "/api/v1/requests/{id}/events") => req.json(&serde_json::json!({
                    "event": "consultation-started", "date": "2024-03-06",
                })),
                ("POST", "/api/v1/ledger") => req.body(ledger_csv(&format!("L-{unique}"))),
                ("POST", "/api/v1/requests/{id}/dispatch") => {
                    req.json(&serde_json::json!({"to_agency": common::B}))
                }
                ("POST", "/api/v1/requests/{id}/return") => {
                    req.json(&serde_json::json!({"reason": "矩阵测试退回"}))
                }
                ("POST", "/api/v1/requests/{id}/subtasks") => req.json(&serde_json::json!({
                    "to_agency": GOV, "due": "2024-03-20", "ask": "矩阵测试协办",
                })),
                ("POST", "/api/v1/requests/{id}/answer") => {
                    req.json(&serde_json::json!({"task": 999, "answer": "矩阵测试答复"}))
                }
                ("POST", "/api/v1/requests/{id}/links") => req.json(&serde_json::json!({
                    "other": fx.page_request, "linked": false,
                })),
                ("POST", "/api/v1/reports/generate") => {
                    req.json(&serde_json::json!({"agency": A, "year": fx.year}))
                }
                ("POST", "/api/v1/reports/check") => req.body(SEED),
                ("POST", "/api/v1/filings/{agency}/{year}/submit") => {
                    req.json(&serde_json::json!({
                        "note": "矩阵测试更正（接口）", "explanations": every_rule_explained(),
                    }))
                }
                ("POST", "/api/v1/filings/{agency}/{year}/publish") => {
                    req.json(&serde_json::json!({}))
                }
                ("POST", "/api/v1/filings/{agency}/{year}/return") => {
                    req.json(&serde_json::json!({"comment": "矩阵测试退回"}))
                }
                ("POST", "/api/v1/messages/{id}/reply") => {
                    req.json(&serde_json::json!({"body": "矩阵测试答复", "public": true}))
                }
                ("POST", "/api/v1/requests/{id}/documents") => req.multipart(png_form()),
                ("POST", "/api/v1/requests/{id}/disclosure") => {
                    req.json(&serde_json::json!({"title": "矩阵测试公开", "documents": []}))
                }
                ("POST", "/api/v1/documents/{id}/redaction") => req.json(&serde_json::json!({
                    "boxes": [{"page": 1, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.1,
                               "reason": "第十五条"}],
                    "patterns": true,
                })),
                _ => req,
            };
            req.send().await.unwrap()
        }
        (_, "GET", p) => {
            let url = match p {
                "/office/reports/download" => query(&format!("agency={a}&year={year}&format=json")),
                "/office/filing" => query(&format!("agency={a}&year={PUBLISHED_YEAR}")),
                "/office/filings" | "/office/supervision" => {
                    query(&format!("year={PUBLISHED_YEAR}"))
                }
                "/office/repeated" => query(&format!("agency={a}&year=2024")),
                "/office/directory" | "/office/channels" => {
                    query(&format!("agency={a}&year=2024&subtree=1"))
                }
                "/office/requests" | "/office/remedies" | "/office/catalogue"
                | "/office/messages" => query(&format!("agency={a}")),
                "/api/v1/replies" => query(&format!("agency={}", fx.agency_a)),
                "/office/reports/explain" => query(&format!(
                    "agency={a}&year={year}&cell=t3.new_received.total"
                )),
                _ => path.clone(),
            };
            browser.get(&url).await
        }
        (_, "POST", "/office/ledger") => {
            multipart(
                browser,
                &path,
                ledger_csv(&format!("P-{unique}")),
                &[("agency", A)],
            )
            .await
        }
        (_, "POST", "/office/check") => multipart(browser, &path, SEED.to_owned(), &[]).await,
        (_, "POST", "/office/catalogue" | "/office/catalogue/{id}") => {
            let index = format!("M-DOC-{unique}");
            let fields = [
                ("agency", A),
                ("index_number", index.as_str()),
                ("title", "矩阵测试文件"),
                ("published", "2024-03-05"),
                ("body", "正文"),
            ];
            multipart(browser, &path, String::new(), &fields).await
        }
        (_, "POST", "/office/requests/{id}/replies") => {
            multipart(browser, &path, "答复书".to_owned(), &[]).await
        }
        (_, "POST", p) => {
            let reference = format!("PAGE-{unique}");
            let message = fx.message.to_string();
            let api_request = fx.api_request.to_string();
            let fields: Vec<(&str, &str)> = match p {
                "/office/login" => vec![("name", "nobody"), ("password", "wrong-password-1")],
                "/office/password" => vec![("current", "wrong"), ("new", "x"), ("repeat", "x")],
                "/office/requests" => vec![
                    ("agency", A),
                    ("reference", &reference),
                    ("applicant", "张三"),
                    ("kind", "自然人"),
                    ("channel", "网上"),
                    ("received", "2024-03-05"),
                    ("description", "某文件"),
                ],
                "/office/requests/{id}/events" => {
                    vec![("event", "fee-notice-sent"), ("date", "2024-03-06")]
                }
                "/office/requests/{id}/amend" => {
                    vec![("reason", "笔误"), ("applicant", &reference)]
                }
                // The fee notice that the events route recorded.
                "/office/requests/{id}/withdraw" => vec![("reason", "误录")],
                "/office/requests/{id}/dispatch" => vec![("to_agency", common::B)],
                "/office/requests/{id}/return" => vec![("reason", "矩阵测试退回")],
                "/office/requests/{id}/subtasks" => vec![
                    ("to_agency", gov),
                    ("due", "2024-03-20"),
                    ("ask", "矩阵测试协办"),
                ],
                "/office/requests/{id}/answer" => vec![("task", "999"), ("answer", "矩阵测试答复")],
                "/office/requests/{id}/links" => {
                    vec![("other", api_request.as_str()), ("action", "link")]
                }
                "/office/requests/{id}/referral" => vec![
                    ("agency", "测试市自然资源局"),
                    ("contact", "电话 0517-1234567"),
                ],
                // A's officer registers the case; everyone then tries to close it.
                "/office/requests/{id}/remedies" => vec![
                    ("case", "M-CASE"),
                    ("kind", "行政复议"),
                    ("received", "2024-04-01"),
                ],
                "/office/requests/{id}/remedies/close" => vec![
                    ("case", "M-CASE"),
                    ("result", "结果维持"),
                    ("date", "2024-05-06"),
                ],
                "/office/reports/prose" => vec![
                    ("agency", A),
                    ("year", &year),
                    (
                        "prose",
                        "## 一、总体情况\n\n本机关依法做好政府信息公开工作。\n",
                    ),
                ],
                "/office/reports/figures" => vec![
                    ("agency", A),
                    ("year", &year),
                    ("t2.normative_docs.issued", "3"),
                    ("reason", "目录尚未录入"),
                ],
                "/office/filing/submit" => {
                    let mut f = vec![
                        ("agency", A),
                        ("year", PUBLISHED_YEAR),
                        ("note", "矩阵测试更正"),
                    ];
                    f.extend(EXPLAINED);
                    f
                }
                "/office/assessment" => {
                    vec![("year", PUBLISHED_YEAR), ("scheme", gongkai_assess::SAMPLE)]
                }
                "/office/filing/clear" | "/office/filing/publish" => {
                    vec![("agency", A), ("year", PUBLISHED_YEAR)]
                }
                "/office/filing/return" => vec![
                    ("agency", A),
                    ("year", PUBLISHED_YEAR),
                    ("comment", "矩阵测试退回"),
                ],
                "/office/catalogue/{id}/repeal" => {
                    vec![("state", "repealed"), ("on", "2024-06-01")]
                }
                "/office/notifications/templates" => vec![
                    ("agency", A),
                    ("milestone", "replied"),
                    ("channel", "sms"),
                    ("body", "【{{ agency }}】您的申请{{ reference }}已答复。"),
                ],
                "/office/guide" => vec![
                    ("agency", A),
                    ("office", "办公室"),
                    ("address", "人民路1号"),
                    ("hours", "工作日"),
                    ("phone", "0517-1234567"),
                    ("channels", "online"),
                    ("forms", "paper"),
                ],
                "/office/agencies" => vec![("name", &reference), ("parent", gov)],
                "/office/users" => vec![
                    ("name", &reference),
                    ("password", common::PASSWORD),
                    ("agency", A),
                    ("role", "officer"),
                ],
                "/office/users/{name}/roles" => {
                    vec![("agency", A), ("role", "approver"), ("action", "grant")]
                }
                "/office/users/{name}/status" => vec![("action", "enable")],
                "/office/users/{name}/password" => vec![("password", common::PASSWORD)],
                "/office/calendar" => {
                    vec![("toml", "[2098]\noff = [\"2098-01-01\"]\nworkday = []\n")]
                }
                "/office/messages/{id}/assign" => vec![("agency", A)],
                "/office/messages/{id}/abusive" => vec![("abusive", "0")],
                "/office/messages/{id}/reply" => vec![("body", "矩阵测试答复"), ("public", "1")],
                "/office/messages/{id}/publish" => vec![("public", "1")],
                "/office/messages/{id}/merge" => vec![("into", message.as_str())],
                "/office/requests/{id}/message" => vec![("kind", "投诉")],
                "/office/documents/{id}/redaction" => vec![
                    ("new_page", "1"),
                    ("new_x", "10"),
                    ("new_y", "10"),
                    ("new_w", "20"),
                    ("new_h", "10"),
                    ("new_reason", "第十四条"),
                ],
                _ => vec![],
            };
            browser.post(&path, &fields).await
        }
        (_, m, p) => panic!("no request written for {m} {p}"),
    }
}

/// A multipart form with a PNG in the field `file`, as `uploadDocument` takes it.
fn png_form() -> reqwest::multipart::Form {
    common::file_form(gongkai_redact::fixtures::png_with_metadata(), "scan.png")
}

async fn multipart(
    browser: &Browser,
    path: &str,
    file: String,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("csrf", browser.csrf.clone());
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(file.into_bytes()).file_name("upload.csv"),
    );
    browser
        .client
        .post(format!("{}{path}", browser.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn fixture(server: &Server) -> Fixture {
    let client = server.api();
    let token = server.token(Who::OfficerA).unwrap();
    let mut ids = Vec::new();
    for reference in ["M-PAGE", "M-API"] {
        let r = client
            .post(server.url("/api/v1/requests"))
            .bearer_auth(token)
            .json(&serde_json::json!({
                "agency": A, "reference": reference, "applicant": "李四", "kind": "自然人",
                "channel": "网上", "received": "2024-03-05", "description": "某文件",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        ids.push(v["id"].as_i64().unwrap());
    }
    // A reply document of the page request, for the routes on reply documents.
    let officer = server.browser(Who::OfficerA).await;
    let r = multipart(
        &officer,
        &format!("/office/requests/{}/replies", ids[0]),
        "答复书".to_owned(),
        &[],
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = officer
        .get_text(&format!("/office/requests/{}", ids[0]))
        .await;
    let reply = page
        .split("/office/replies/")
        .nth(1)
        .and_then(|s| s.split(['"', '/']).next())
        .and_then(|id| id.parse().ok())
        .unwrap();
    // A document to redact, uploaded through the API.
    let r = client
        .post(server.url(&format!("/api/v1/requests/{}/documents", ids[0])))
        .bearer_auth(token)
        .multipart(png_form())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let redacted = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let admin = server.browser(Who::Admin).await;
    let r = admin
        .post(
            "/office/users",
            &[
                ("name", "temp-user"),
                ("password", common::PASSWORD),
                ("agency", A),
                ("role", "officer"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let officer = server.browser(Who::OfficerA).await;
    let r = multipart(
        &officer,
        "/office/catalogue",
        String::new(),
        &[
            ("agency", A),
            ("index_number", "M-DOC"),
            ("title", "矩阵测试文件"),
            ("published", "2024-03-05"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let document = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/office/catalogue/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        server
            .file_and_publish(A, PUBLISHED_YEAR.parse().unwrap(), None)
            .await,
        1
    );
    let page = admin.get_text("/office").await;
    let asset = page
        .split("/static/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let agency_a = server.agency_id(A).await;
    let mut messages = Vec::new();
    for title in ["页面留言", "重复留言", "实为申请", "接口留言"] {
        let r = client
            .post(server.url("/api/v1/messages"))
            .json(&serde_json::json!({
                "agency": agency_a, "kind": "咨询", "title": title, "body": "矩阵测试留言",
                "name": "王五", "phone": "13800138000",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let list = server
            .get_json(
                &format!(
                    "/api/v1/messages?agency={}",
                    gongkai_web::auth::form_urlencoded_component(A)
                ),
                Who::OfficerA,
            )
            .await;
        messages.push(
            list["items"].as_array().unwrap().last().unwrap()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    Fixture {
        message: messages[0],
        merged_message: messages[1],
        converted_message: messages[2],
        api_message: messages[3],
        agency_a,
        page_request: ids[0],
        reply,
        redacted,
        api_request: ids[1],
        year: chrono::Datelike::year(&gongkai_web::china_today()),
        document,
        temp_user: "temp-user",
        asset,
    }
}

async fn every_route_answers_every_caller_as_the_rules_say(server: Server) -> Server {
    let fx = fixture(&server).await;
    let mut browsers = HashMap::new();
    for who in Who::ALL {
        browsers.insert(who, server.browser(who).await);
    }
    let mut routes = gongkai_web::routes::list::<SqliteStore>();
    // Logging out ends the session the other routes need: last.
    routes.sort_by_key(|r| r.path == "/office/logout");
    let mut wrong = Vec::new();
    for route in &routes {
        for who in Who::ALL {
            let want = expected(route, who);
            let r = call(&server, &browsers[&who], who, route, &fx).await;
            let got = r.status().as_u16();
            if got != want {
                let body = r.text().await.unwrap_or_default();
                let body: String = body.chars().take(300).collect();
                wrong.push(format!(
                    "{} {} as {who:?}: {got}, want {want}: {body}",
                    route.method, route.path
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // The matrix knows every route: a route of another method on a known path is refused.
    let r = server
        .api()
        .delete(server.url("/api/v1/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    let _ = Method::GET;
    server
}
