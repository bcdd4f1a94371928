//! Notifications in the back office and the API, on SQLite and PostgreSQL: the templates page
//! refuses a bad template with the reason next to its field and saves a good one, which the
//! next message says; a request's messages are listed by `listNotifications` and on its page
//! with masked addresses; and `gongkai serve` sends the queued messages itself (into the
//! outbox when nothing is configured) and stops gracefully. In a browser (where Chromium is
//! installed): the templates page with a refused template, and a request's page with its
//! messages (screenshots `target/screenshots/notify-*.png`).
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "common/chrome.rs"]
mod chrome;
mod common;

use common::{A, Server, Who};
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_store_sqlite::SqliteStore;

on_both!(templates_are_checked_and_deliveries_are_shown);

fn templates_path() -> String {
    format!(
        "/office/notifications/templates?agency={}",
        gongkai_web::auth::form_urlencoded_component(A)
    )
}

/// Registers a request of A through the API, with a phone, an e-mail and an identity number;
/// its id.
async fn register(server: &Server, reference: &str) -> i64 {
    let (status, body) = server
        .post_json(
            "/api/v1/requests",
            Who::OfficerA,
            &serde_json::json!({
                "agency": A,
                "reference": reference,
                "applicant": "李四",
                "kind": "自然人",
                "channel": "网上",
                "received": gongkai_web::china_today().to_string(),
                "description": "某文件",
                "id_kind": "居民身份证",
                "id_number": "11010519491231002X",
                "phone": "13912345678",
                "email": "lisi@example.cn",
            }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

async fn templates_are_checked_and_deliveries_are_shown(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let page = officer.get_text(&templates_path()).await;
    assert!(page.contains("收到申请（短信）"), "{page}");
    assert!(page.contains(r#"<label for="received.sms">"#), "{page}");
    for (body, why) in [
        ("请联系 11010519491231002X", "身份证号码"),
        ("{{ id_number }}", "未知变量"),
    ] {
        let r = officer
            .post(
                "/office/notifications/templates",
                &[
                    ("agency", A),
                    ("milestone", "received"),
                    ("channel", "sms"),
                    ("body", body),
                ],
            )
            .await;
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        // The reason next to the field, the refused text kept in it, and summarised at the top.
        let at = page.find(r#"id="received.sms-error""#).unwrap();
        let field = page.find(r#"<textarea id="received.sms""#).unwrap();
        assert!(at < field && page[at..field].contains(why), "{page}");
        assert!(page.contains(r##"<a href="#received.sms">"##), "{page}");
    }
    let r = officer
        .post(
            "/office/notifications/templates",
            &[
                ("agency", A),
                ("milestone", "received"),
                ("channel", "sms"),
                ("body", "【{{ agency }}】已收到您的申请{{ reference }}。"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let id = register(&server, "TZ-WEB-1").await;
    let list = server
        .get_json(
            &format!("/api/v1/requests/{id}/notifications"),
            Who::OfficerA,
        )
        .await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    assert_eq!(items[0]["channel"], "sms");
    assert_eq!(items[0]["address"], "139****5678");
    assert_eq!(items[0]["milestone"], "received");
    assert_eq!(items[0]["state"], "queued");
    assert_eq!(items[1]["address"], "l****@example.cn");
    assert!(list["next_cursor"].is_null());
    // The supervising office sees the status; the sibling's officer does not see the request.
    let seen = server
        .get_json(
            &format!("/api/v1/requests/{id}/notifications"),
            Who::Supervisor,
        )
        .await;
    assert_eq!(seen["items"].as_array().unwrap().len(), 2);
    let page = officer.get_text(&format!("/office/requests/{id}")).await;
    assert!(page.contains("消息通知"), "{page}");
    assert!(page.contains("139****5678"), "{page}");
    assert!(page.contains("待发送"), "{page}");
    assert!(!page.contains("lisi@example.cn</td>"), "{page}");
    server
}

/// `gongkai serve` runs the worker: a request registered while it runs has its messages
/// written to the outbox within a few polls, and stopping the server ends the worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_sends_the_queued_messages_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("web.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    common::seed(&store).await;
    let outbox = dir.path().join("outbox");
    let mut options = common::options();
    options.settings.notify.quiet = None;
    options.notify = Some(gongkai_web::NotifyWorker {
        transports: gongkai_services::notify::send::Transports {
            sms: None,
            smtp: None,
            from: "gk@example.gov.cn".into(),
            outbox: outbox.clone(),
        },
        every: std::time::Duration::from_millis(100),
    });
    let listener = gongkai_web::server::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let catalogue = common::Catalogue::in_dir(dir.path());
    let served = tokio::spawn(gongkai_web::server::serve(
        listener,
        store.clone(),
        catalogue.search,
        catalogue.attachments,
        options,
        async {
            let _ = stopped.await;
        },
    ));
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let mut settings = Settings::new(gongkai_web::china_today());
    settings.notify.quiet = None;
    let ctx = Ctx::new(&store, &scope, &settings);
    let mut r = gongkai_services::requests::RegisterRequest {
        agency: A.into(),
        reference: "TZ-SERVE-1".into(),
        applicant: "王五".into(),
        kind: gongkai_report::Applicant::NaturalPerson,
        channel: gongkai_cases::Channel::InPerson,
        received: gongkai_web::china_today(),
        description: "某文件".into(),
        form: "纸质".into(),
        contact: gongkai_cases::Contact::default(),
    };
    r.contact.phone = "13700001111".into();
    r.contact.email = "wangwu@example.cn".into();
    ctx.register_request(r).await.unwrap();
    let mut files = Vec::new();
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        files = std::fs::read_dir(&outbox)
            .map(|d| d.filter_map(|e| e.ok()).collect::<Vec<_>>())
            .unwrap_or_default();
        if files.len() == 2 {
            break;
        }
    }
    assert_eq!(files.len(), 2, "an SMS and an e-mail in the outbox");
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), served)
        .await
        .expect("the server and its worker stop")
        .unwrap()
        .unwrap();
    store.close().await;
}

/// The templates page with a refused template, and a request's page with its messages, in a
/// real browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_templates_and_a_requests_messages_in_a_browser() {
    let Some((chromedriver, chromium)) = chrome::installed() else {
        eprintln!("skipped: Chromium or ChromeDriver not installed");
        return;
    };
    common::on_sqlite(|server| async move {
        let id = register(&server, "TZ-BROWSER-1").await;
        let driver = chrome::start_driver(&chromedriver);
        let c = chrome::browser(&driver, &chromium).await;
        c.goto(&server.url("/office")).await.unwrap();
        chrome::fill(&c, "name", Who::OfficerA.user().unwrap()).await;
        chrome::fill(&c, "password", common::PASSWORD).await;
        chrome::submit(&c, "form.card button[type=submit]").await;
        chrome::page_with(&c, "工作台").await;
        c.goto(&server.url(&templates_path())).await.unwrap();
        chrome::page_with(&c, "消息模板").await;
        let field = c
            .find(fantoccini::Locator::Id("replied.sms"))
            .await
            .unwrap();
        field.clear().await.unwrap();
        field
            .send_keys("【{{ agency }}】已答复，请联系 11010519491231002X")
            .await
            .unwrap();
        let form = c
            .find(fantoccini::Locator::XPath(
                "//textarea[@id='replied.sms']/ancestor::form",
            ))
            .await
            .unwrap();
        form.find(fantoccini::Locator::Css("button[value=save]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let page = chrome::page_with(&c, "模板未保存").await;
        assert!(page.contains("疑似身份证号码"), "{page}");
        c.find(fantoccini::Locator::Id("replied.sms-error"))
            .await
            .unwrap();
        chrome::shots(&c, "notify-templates-refused").await;
        c.goto(&server.url(&format!("/office/requests/{id}")))
            .await
            .unwrap();
        let page = chrome::page_with(&c, "消息通知").await;
        assert!(page.contains("139****5678"), "{page}");
        c.find(fantoccini::Locator::Id("h-deliveries"))
            .await
            .unwrap()
            .click()
            .await
            .ok();
        chrome::shots(&c, "notify-request").await;
        server
    })
    .await;
}
