//! The supervising office's dashboard and the assessment through the server, on SQLite and
//! PostgreSQL: who sees which rows (web.md §1), the XLSX export read back, a broken scheme
//! refused with its line, and the page measured on a 60-unit subtree.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "common/chrome.rs"]
mod chrome;
mod common;

use calamine::Reader;
use chrono::Datelike;
use common::{A, B, GOV, Server, TestStore, Who};
use gongkai_services::requests::RegisterRequest;
use gongkai_services::{Actor, Ctx, Scope, Settings};

on_both!(
    each_caller_sees_the_rows_of_their_subtree_and_the_export_reads_back,
    a_sixty_unit_dashboard_is_measured,
);

fn last_year() -> i32 {
    gongkai_web::china_today().year() - 1
}

/// Registers `n` requests of `agency`, received on 3 March of last year (long overdue now).
async fn requests<S: gongkai_store::Store>(store: &S, agency: &str, n: usize) {
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let ctx = Ctx::new(store, &scope, &settings);
    if ctx.agency(agency).await.is_err() {
        ctx.add_agency(agency, Some(GOV)).await.unwrap();
    }
    for i in 0..n {
        ctx.register_request(RegisterRequest {
            agency: agency.into(),
            reference: format!("DB-{i}"),
            applicant: "张三".into(),
            kind: gongkai_report::Applicant::NaturalPerson,
            channel: gongkai_cases::Channel::Online,
            received: chrono::NaiveDate::from_ymd_opt(last_year(), 3, 3).unwrap(),
            description: "某文件".into(),
            form: "电子".into(),
            contact: gongkai_cases::Contact::default(),
        })
        .await
        .unwrap();
    }
}

async fn with_requests(server: &Server, agency: &str, n: usize) {
    match server.store.clone().unwrap() {
        TestStore::Sqlite(s) => requests(&s, agency, n).await,
        TestStore::Postgres(s) => requests(&s, agency, n).await,
    }
}

async fn each_caller_sees_the_rows_of_their_subtree_and_the_export_reads_back(
    server: Server,
) -> Server {
    with_requests(&server, A, 2).await;
    let year = last_year();
    let path = format!("/api/v1/supervision?year={year}");
    let rows = |v: serde_json::Value| -> Vec<(String, u64, u64)> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["agency"].as_str().unwrap().to_owned(),
                    r["open"].as_u64().unwrap(),
                    r["overdue"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let all = rows(server.get_json(&path, Who::Supervisor).await);
    assert_eq!(
        all,
        [
            (GOV.to_owned(), 0, 0),
            (A.to_owned(), 2, 2),
            (B.to_owned(), 0, 0)
        ]
    );
    // An officer sees their own agency's row alone (they see its requests, nothing beside it).
    assert_eq!(
        rows(server.get_json(&path, Who::OfficerA).await),
        [(A.to_owned(), 2, 2)]
    );
    assert_eq!(
        rows(server.get_json(&path, Who::OfficerB).await),
        [(B.to_owned(), 0, 0)]
    );

    let office = server.browser(Who::Supervisor).await;
    let page = office
        .get_text(&format!("/office/supervision?year={year}&only=overdue"))
        .await;
    assert!(
        page.contains(A) && !page.contains(&format!(">{B}<")),
        "{page}"
    );
    assert!(
        page.contains("consolidated=1"),
        "the consolidated report: {page}"
    );
    let xlsx = office
        .get(&format!(
            "/office/supervision?year={year}&sort=open&desc=1&format=xlsx"
        ))
        .await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("督查").unwrap();
    // Sorted by open requests, most first: A (2) heads the rows after title and headers.
    assert_eq!(sheet.get_value((2, 0)).unwrap().to_string(), A);
    assert_eq!(sheet.get_value((2, 2)).unwrap().to_string(), "2");
    assert_eq!(sheet.height(), 2 + 3);

    // The assessment page: the sample scheme ranks; a broken one is refused with its line.
    let year_text = year.to_string();
    let r = office
        .post(
            "/office/assessment",
            &[("year", &year_text), ("scheme", gongkai_assess::SAMPLE)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("不参与排名") && page.contains(A), "{page}");
    let r = office
        .post(
            "/office/assessment",
            &[
                ("year", &year_text),
                ("scheme", "[[item]]\nname = \"x\"\nfigure = \"speed\"\n"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("考核方案第"), "{page}");
    let r = office
        .post(
            "/office/assessment",
            &[
                ("year", &year_text),
                ("scheme", gongkai_assess::SAMPLE),
                ("format", "docx"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    server
}

/// The dashboard of the government with 60 units below it, five requests each: the time of
/// the page is printed (`cargo test … -- --nocapture`) for the README's figure.
async fn a_sixty_unit_dashboard_is_measured(server: Server) -> Server {
    for i in 0..58 {
        with_requests(&server, &format!("测试县第{i}局"), 5).await;
    }
    with_requests(&server, A, 5).await;
    with_requests(&server, B, 5).await;
    let office = server.browser(Who::Supervisor).await;
    let url = format!("/office/supervision?year={}", last_year());
    let mut times = Vec::new();
    for _ in 0..3 {
        let start = std::time::Instant::now();
        let page = office.get_text(&url).await;
        times.push(start.elapsed());
        assert_eq!(page.matches("<th scope=\"row\">").count(), 61, "{page}");
    }
    times.sort();
    eprintln!(
        "supervision page, 61 units, 300 requests: median {:?} (of {:?})",
        times[1], times
    );
    server
}

/// The dashboard in headless Chromium, saved as `target/screenshots/supervision-*.png` to be
/// looked at; skipped where Chromium or ChromeDriver is not installed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_a_browser() {
    let Some((chromedriver, chromium)) = chrome::installed() else {
        eprintln!("skipped: Chromium or ChromeDriver not installed");
        return;
    };
    common::on_sqlite(|server| async move {
        with_requests(&server, A, 3).await;
        with_requests(&server, "测试县丙镇", 1).await;
        let driver = chrome::start_driver(&chromedriver);
        let c = chrome::browser(&driver, &chromium).await;
        c.goto(&server.url("/office")).await.unwrap();
        chrome::fill(&c, "name", Who::Supervisor.user().unwrap()).await;
        chrome::fill(&c, "password", common::PASSWORD).await;
        chrome::submit(&c, "form.card button[type=submit]").await;
        chrome::page_with(&c, "督查考核").await;
        c.goto(&server.url(&format!(
            "/office/supervision?year={}&sort=open&desc=1",
            last_year()
        )))
        .await
        .unwrap();
        let page = chrome::page_with(&c, "年度政务公开督查").await;
        assert!(page.contains(A));
        chrome::shots(&c, "supervision").await;
        if let Some(axe) = chrome::axe_source() {
            let violations = chrome::axe_violations(&c, &axe).await;
            assert!(violations.is_empty(), "{violations:?}");
        }
        c.close().await.unwrap();
        server
    })
    .await;
}
