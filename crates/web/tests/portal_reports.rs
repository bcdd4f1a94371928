//! The published annual reports (第四十九条、第五十条), from the back office to the portal, on
//! SQLite and PostgreSQL: A's officer files the report generated from the records, the
//! supervising office clears and publishes it, and anyone reads it as the statutory page with
//! its Word and Excel downloads; a correction is version 2 with its 更正说明 and the first stays
//! listed; a report with an error the checks find is refused with the rule named, on the page
//! and in the API; the findings are shown only when the
//! installation says so; hostile text in the agency's name and the report's text comes back
//! escaped.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use chrono::Datelike;
use common::{A, Server, TestStore, Who};
use gongkai_report::template::{self, CellKind};
use gongkai_report::{CellKey, Format, Report, Value};
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_store::Store;

on_both!(
    an_officer_publishes_and_anyone_reads_the_report,
    a_correction_is_a_new_version_with_its_note,
    a_report_with_an_error_is_refused_naming_the_rule,
    findings_are_shown_only_when_configured,
    hostile_text_in_a_published_report_comes_back_escaped,
);

/// The year of the requests: the year before today's, over by now.
fn year() -> i32 {
    gongkai_web::china_today().year() - 1
}

/// Registers a request of A received in [`year`] through the API.
async fn request(server: &Server, reference: &str) {
    let r = server
        .api()
        .post(server.url("/api/v1/requests"))
        .bearer_auth(server.token(Who::OfficerA).unwrap())
        .json(&serde_json::json!({
            "agency": A, "reference": reference, "applicant": "张三", "kind": "自然人",
            "channel": "网上", "received": format!("{}-03-05", year()),
            "description": "某文件",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

/// A portal page as an anonymous visitor gets it.
async fn portal(server: &Server, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(server.url(path))
        .send()
        .await
        .unwrap()
}

async fn portal_text(server: &Server, path: &str) -> (u16, String) {
    let r = portal(server, path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The report generated from the records, as the back office downloads its canonical JSON.
async fn generated(server: &Server) -> Report {
    let officer = server.browser(Who::OfficerA).await;
    let r = officer
        .get(&format!(
            "/office/reports/download?agency={}&year={}&format=json",
            gongkai_web::auth::form_urlencoded_component(A),
            year()
        ))
        .await;
    assert_eq!(r.status(), 200);
    gongkai_report::json::from_str(&r.text().await.unwrap()).unwrap()
}

/// The text of the figure cell `key` in a statutory HTML page.
fn cell_text(page: &str, key: &str) -> String {
    let marker = format!("data-cell=\"{key}\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("{key} not on the page"));
    let rest = &page[at..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find("</td>").unwrap();
    rest[open..close].trim().to_owned()
}

const RECEIVED: &str = "t3.new_received.total";

async fn an_officer_publishes_and_anyone_reads_the_report(server: Server) -> Server {
    for r in ["RP-1", "RP-2", "RP-3"] {
        request(&server, r).await;
    }
    let id = server.agency_id(A).await;
    let (status, page) = portal_text(&server, &format!("/agencies/{id}/reports")).await;
    assert_eq!(status, 200);
    assert!(page.contains("尚未在本平台发布年度报告"), "{page}");
    let path = format!("/agencies/{id}/reports/{}", year());
    assert_eq!(portal(&server, &path).await.status(), 404);

    let report = generated(&server).await;
    assert_eq!(report.get(RECEIVED.parse().unwrap()), Some(Value::Int(3)));
    assert_eq!(server.file_and_publish(A, year(), None).await, 1);
    // The back office says so and links the portal's page.
    let officer = server.browser(Who::OfficerA).await;
    let office = officer
        .get_text(&format!(
            "/office/filing?agency={}&year={}",
            gongkai_web::auth::form_urlencoded_component(A),
            year()
        ))
        .await;
    assert!(office.contains("id=\"filing-state\">已发布"), "{office}");
    assert!(office.contains(&format!("href=\"{path}\"")), "{office}");

    let (status, list) = portal_text(&server, &format!("/agencies/{id}/reports")).await;
    assert_eq!(status, 200);
    assert!(list.contains(&format!("href=\"{path}\"")), "{list}");
    assert!(list.contains(&format!("{}年度报告", year())), "{list}");

    let (status, page) = portal_text(&server, &path).await;
    assert_eq!(status, 200);
    assert!(page.contains(&gongkai_render::title(&report)), "{page}");
    assert!(page.contains("portal-nav"), "in the portal's layout");
    assert_eq!(
        page.matches("<html").count(),
        1,
        "one document, not one inside another"
    );
    // Each table scrolls sideways in its box on a phone.
    assert!(
        page.contains("<div class=\"table-wrap\"><table class=\"t3\">"),
        "{page}"
    );
    // A few figures as generated, and every figure of the snapshot on the page.
    for key in [
        RECEIVED,
        "t3.new_received.natural_person",
        "t3.carried_out.total",
    ] {
        let key: CellKey = key.parse().unwrap();
        assert_eq!(
            cell_text(&page, &key.to_string()),
            gongkai_render::cell_text(key, report.get(key)),
            "{key}"
        );
    }
    assert_eq!(cell_text(&page, RECEIVED), "3");
    // No findings by default, and no earlier version.
    assert!(!page.contains("报告检查结果"), "{page}");
    assert!(!page.contains("此前发布的版本"));

    // The downloads: real files of the right kind, named per RFC 6266, read back as the report.
    for (ext, media) in [
        ("docx", gongkai_web::portal::reports::DOCX),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        assert!(page.contains(&format!("href=\"{path}.{ext}\"")), "{page}");
        let r = portal(&server, &format!("{path}.{ext}")).await;
        assert_eq!(r.status(), 200, "{ext}");
        assert_eq!(r.headers()["content-type"], media);
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.starts_with(&format!(
                "attachment; filename=\"attachment.{ext}\"; filename*=UTF-8''%"
            )),
            "{disposition}"
        );
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[..4], b"PK\x03\x04", "{ext} is a zip");
        let read = gongkai_reader::read(&bytes).unwrap().report;
        for key in template::cells(report.format) {
            assert_eq!(read.get(key), report.get(key), "{ext} {key}");
        }
    }
    assert_eq!(portal(&server, &format!("{path}.pdf")).await.status(), 404);
    assert_eq!(
        portal(&server, &format!("/agencies/{id}/reports/{}", year() - 1))
            .await
            .status(),
        404
    );
    assert_eq!(
        portal(&server, "/agencies/999999/reports").await.status(),
        404
    );
    server
}

async fn a_correction_is_a_new_version_with_its_note(server: Server) -> Server {
    request(&server, "RC-1").await;
    assert_eq!(server.file_and_publish(A, year(), None).await, 1);
    // Records change after publication: the published version does not.
    request(&server, "RC-2").await;
    let id = server.agency_id(A).await;
    let path = format!("/agencies/{id}/reports/{}", year());
    let (_, page) = portal_text(&server, &path).await;
    assert_eq!(cell_text(&page, RECEIVED), "1");
    // The officer's form now asks for the 更正说明.
    let officer = server.browser(Who::OfficerA).await;
    let office = officer
        .get_text(&format!(
            "/office/filing?agency={}&year={}",
            gongkai_web::auth::form_urlencoded_component(A),
            year()
        ))
        .await;
    assert!(
        office.contains("id=\"submit-note\" name=\"note\""),
        "{office}"
    );

    assert_eq!(
        server
            .file_and_publish(A, year(), Some("补录申请 RC-2，表三相应更正。"))
            .await,
        2
    );
    let (status, page) = portal_text(&server, &path).await;
    assert_eq!(status, 200);
    assert_eq!(cell_text(&page, RECEIVED), "2");
    assert!(page.contains("第 2 版"), "{page}");
    assert!(page.contains("补录申请 RC-2，表三相应更正。"), "{page}");
    assert!(page.contains("此前发布的版本"));
    assert!(
        page.contains(&format!("<a href=\"{path}?version=1\">第 1 版</a>，发布于")),
        "{page}"
    );
    // The first version stays readable as it was published, marked as corrected.
    let (status, first) = portal_text(&server, &format!("{path}?version=1")).await;
    assert_eq!(status, 200);
    assert_eq!(cell_text(&first, RECEIVED), "1");
    assert!(first.contains("已被更正"), "{first}");
    assert!(
        first.contains(&format!("<a href=\"{path}\">第 2 版</a>（最新）")),
        "{first}"
    );
    assert!(first.contains(&format!("{path}.xlsx?version=1")), "{first}");
    let bytes = portal(&server, &format!("{path}.xlsx?version=1"))
        .await
        .bytes()
        .await
        .unwrap();
    let read = gongkai_reader::read(&bytes).unwrap().report;
    assert_eq!(read.get(RECEIVED.parse().unwrap()), Some(Value::Int(1)));
    for missing in ["?version=3", "?version=x"] {
        assert_eq!(
            portal(&server, &format!("{path}{missing}")).await.status(),
            404
        );
    }
    // The listing names the year once, with its latest version.
    let (_, list) = portal_text(&server, &format!("/agencies/{id}/reports")).await;
    assert_eq!(
        list.matches(&format!("href=\"{path}\"")).count(),
        1,
        "{list}"
    );
    assert!(list.contains("第 2 版（已更正）"), "{list}");
    // The download is the latest version's.
    let bytes = portal(&server, &format!("{path}.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let read = gongkai_reader::read(&bytes).unwrap().report;
    assert_eq!(read.get(RECEIVED.parse().unwrap()), Some(Value::Int(2)));
    server
}

/// Writes table 二 figures of A straight into the store, past the use case's checks: a
/// negative count, which the checks' R7 calls an error.
async fn negative_figure<S: Store>(store: &S) {
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let agency = Ctx::new(store, &scope, &settings).agency(A).await.unwrap();
    let format = Format::for_year(year());
    let key = template::cells(format)
        .into_iter()
        .find(|k| {
            matches!(k, CellKey::T2(..))
                && k.kind() == CellKind::Count
                && !gongkai_services::reports::from_catalogue(*k)
        })
        .unwrap();
    let grant = scope.installation().unwrap();
    store
        .set_figures(
            gongkai_cases::YearFigures {
                agency: agency.id,
                year: year(),
                cells: vec![(key, Value::Int(-2))],
                reasons: Vec::new(),
            },
            gongkai_store::Draft::new(&grant, "test.figures", "负数"),
        )
        .await
        .unwrap();
}

async fn a_report_with_an_error_is_refused_naming_the_rule(server: Server) -> Server {
    request(&server, "RE-1").await;
    match server.store.clone().unwrap() {
        TestStore::Sqlite(s) => negative_figure(&s).await,
        TestStore::Postgres(s) => negative_figure(&s).await,
    }
    let officer = server.browser(Who::OfficerA).await;
    let last = year().to_string();
    let r = officer
        .post("/office/filing/submit", &[("agency", A), ("year", &last)])
        .await;
    assert_eq!(r.status(), 409);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"filing-error\""), "{page}");
    assert!(page.contains("须改正后才能报送"), "{page}");
    assert!(page.contains("R7"), "the rule is named: {page}");
    assert!(page.contains("不能为负数"), "{page}");
    // The API says the same, with the findings.
    let submit = format!(
        "/api/v1/filings/{}/{last}/submit",
        gongkai_web::auth::form_urlencoded_component(A)
    );
    let (status, answer) = server
        .post_json(&submit, Who::OfficerA, &serde_json::json!({}))
        .await;
    assert_eq!(status, 409);
    assert_eq!(answer["error"]["code"], "checks_failed", "{answer}");
    let findings = answer["error"]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f["severity"] == "error" && f["rule"] == "R7"),
        "{answer}"
    );
    let id = server.agency_id(A).await;
    let (_, list) = portal_text(&server, &format!("/agencies/{id}/reports")).await;
    assert!(list.contains("尚未在本平台发布年度报告"), "{list}");
    // The year not over yet, and callers who may not file A's report.
    let this_year = gongkai_web::china_today().year().to_string();
    let r = officer
        .post(
            "/office/filing/submit",
            &[("agency", A), ("year", this_year.as_str())],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("尚未结束"));
    for (who, status) in [
        (Who::OfficerB, 404),
        (Who::Supervisor, 403),
        (Who::Admin, 403),
    ] {
        let b = server.browser(who).await;
        let r = b
            .post("/office/filing/submit", &[("agency", A), ("year", &last)])
            .await;
        assert_eq!(r.status(), status, "{who:?}");
    }
    server
}

/// A second server on the same store with `portal.show_findings` on; returns its address and
/// what stops it.
async fn server_showing_findings(
    store: TestStore,
    dir: &std::path::Path,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = gongkai_web::server::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let mut options = common::options();
    options.show_findings = true;
    let catalogue = common::Catalogue::in_dir(dir);
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = rx.await;
        };
        match store {
            TestStore::Sqlite(s) => gongkai_web::server::serve(
                listener,
                s,
                catalogue.search,
                catalogue.attachments,
                options,
                shutdown,
            )
            .await
            .unwrap(),
            TestStore::Postgres(s) => gongkai_web::server::serve(
                listener,
                s,
                catalogue.search,
                catalogue.attachments,
                options,
                shutdown,
            )
            .await
            .unwrap(),
        }
    });
    (base, stop, task)
}

async fn findings_are_shown_only_when_configured(server: Server) -> Server {
    // No text written: R10 warns of the empty sections, a finding that does not stop
    // publication.
    request(&server, "RF-1").await;
    assert_eq!(server.file_and_publish(A, year(), None).await, 1);
    let id = server.agency_id(A).await;
    let path = format!("/agencies/{id}/reports/{}", year());
    let (_, hidden) = portal_text(&server, &path).await;
    assert!(!hidden.contains("报告检查结果"), "{hidden}");
    assert!(!hidden.contains("R10"), "{hidden}");
    let dir = tempfile::tempdir().unwrap();
    let (base, stop, task) =
        server_showing_findings(server.store.clone().unwrap(), dir.path()).await;
    let shown = reqwest::get(format!("{base}{path}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("报告检查结果"), "{shown}");
    assert!(shown.contains("R10"), "{shown}");
    let _ = stop.send(());
    task.await.unwrap();
    server
}

async fn hostile_text_in_a_published_report_comes_back_escaped(server: Server) -> Server {
    let hostile = "<script>alert(1)</script>";
    let name = format!("测试县{hostile}局");
    let prose = format!("## 一、总体情况\n\n本机关{hostile}依法公开。\n");
    async fn publish_hostile<S: Store>(store: &S, name: &str, prose: &str) {
        let scope = Scope::operator(Actor::new("测试").unwrap());
        let settings = Settings::new(gongkai_web::china_today());
        let ctx = Ctx::new(store, &scope, &settings);
        ctx.add_agency(name, Some(common::GOV)).await.unwrap();
        ctx.set_prose(name, year(), prose).await.unwrap();
        assert_eq!(
            common::publish_as_operator(store, name, year(), None).await,
            1
        );
    }
    match server.store.clone().unwrap() {
        TestStore::Sqlite(s) => publish_hostile(&s, &name, &prose).await,
        TestStore::Postgres(s) => publish_hostile(&s, &name, &prose).await,
    }
    let id = server.agency_id(&name).await;
    for path in [
        format!("/agencies/{id}/reports"),
        format!("/agencies/{id}/reports/{}", year()),
    ] {
        let (status, page) = portal_text(&server, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!page.contains(hostile), "{path}: {page}");
        assert!(
            page.contains("&lt;script&gt;") || page.contains("&#60;script&#62;"),
            "{path}: {page}"
        );
    }
    server
}
