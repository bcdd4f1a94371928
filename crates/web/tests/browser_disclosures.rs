//! 答复公开 and triage in a real browser (headless Chromium driven by ChromeDriver), on SQLite:
//! an answered request published to the log is found by a citizen, read and its released
//! document offered; on the application form, typing a description that holds a complaint's
//! wording and the log's words brings the suggestion of the published answer and the notice of
//! 第三十九条 while the form stays usable. The pages are checked with axe-core (where
//! `target/axe/` has it) and saved as `target/screenshots/disclosures-*.png`. Skipped, with a
//! message, where Chromium or ChromeDriver is not installed.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "common/chrome.rs"]
mod chrome;
mod common;

use chrome::{fill, page_with, select, shots};
use common::{A, TestStore};
use gongkai_calendar::Event;
use gongkai_cases::Outcome;
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_web::{AttachmentPlace, WebStore};

/// A's answered request with its released data file, published to the log.
async fn published<S: WebStore>(store: &S, attachments: &AttachmentPlace) {
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let today = gongkai_web::china_today();
    let settings = Settings::new(today);
    let ctx = Ctx::new(store, &scope, &settings);
    let request = ctx
        .register_request(gongkai_services::requests::RegisterRequest {
            agency: A.into(),
            reference: "GK-BROWSER-1".into(),
            applicant: "钱七".into(),
            kind: gongkai_report::Applicant::NaturalPerson,
            channel: gongkai_cases::Channel::Online,
            received: today,
            description: "某水库除险加固工程的批复".into(),
            form: "电子邮件".into(),
            contact: gongkai_cases::Contact::default(),
        })
        .await
        .unwrap()
        .request;
    ctx.record_event_by_id(
        request.id,
        Event::Decided(today),
        Some(Outcome::Disclosed),
        "",
    )
    .await
    .unwrap();
    let blobs = attachments.of(store);
    let now = chrono::Utc::now();
    let document = ctx
        .add_reply_document(
            &blobs,
            request.id,
            "除险加固批复清单.csv",
            "工程,批复\n某水库除险加固,同意\n".as_bytes(),
            now,
        )
        .await
        .unwrap();
    ctx.release_reply_document(document.id, now).await.unwrap();
    ctx.publish_disclosure(
        request.id,
        "某水库除险加固工程批复的公开答复",
        &[document.id],
        now,
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_finds_a_published_answer_and_is_steered_while_applying() {
    let Some((chromedriver, chromium)) = chrome::installed() else {
        eprintln!("skipped: Chromium or ChromeDriver not installed");
        return;
    };
    common::on_sqlite(|server| async move {
        match server.store.as_ref().unwrap() {
            TestStore::Sqlite(s) => published(s, &server.attachments).await,
            TestStore::Postgres(s) => published(s, &server.attachments).await,
        }
        let driver = chrome::start_driver(&chromedriver);
        let c = chrome::browser(&driver, &chromium).await;
        let mut findings = Vec::new();
        let mut audit = async |name: &str| {
            shots(&c, &format!("disclosures-{name}")).await;
            if let Some(source) = chrome::axe_source() {
                for v in chrome::axe_violations(&c, &source).await {
                    findings.push(format!("{name}: {v}"));
                }
            }
        };

        // The log, searched, then the entry with its document.
        c.goto(&server.url("/disclosures?q=%E9%99%A4%E9%99%A9"))
            .await
            .unwrap();
        let log = page_with(&c, "某水库除险加固工程批复的公开答复").await;
        assert!(!log.contains("钱七"), "{log}");
        audit("log").await;
        c.find(fantoccini::Locator::LinkText(
            "某水库除险加固工程批复的公开答复",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        let entry = page_with(&c, "除险加固批复清单.csv").await;
        assert!(entry.contains("予以公开"), "{entry}");
        audit("entry").await;

        // The portal's one search box: the catalogue's documents and the log's answers.
        c.goto(&server.url("/search?q=%E9%99%A4%E9%99%A9"))
            .await
            .unwrap();
        let search = page_with(&c, "答复公开中的结果").await;
        assert!(
            search.contains("某水库除险加固工程批复的公开答复") && !search.contains("钱七"),
            "{search}"
        );
        audit("search").await;

        // The application form: the description brings the suggestion and the notice.
        c.goto(&server.url("/apply")).await.unwrap();
        page_with(&c, "下一步：确认内容").await;
        select(&c, "agency", &format!("\u{3000}{A}")).await;
        fill(&c, "description", "我要举报，某水库除险加固工程的批复").await;
        let suggested = page_with(&c, "已主动公开，可直接查阅").await;
        assert!(
            suggested.contains("某水库除险加固工程批复的公开答复"),
            "{suggested}"
        );
        assert!(suggested.contains("举报请通过"), "{suggested}");
        audit("apply-suggestions").await;
        assert!(
            findings.is_empty(),
            "axe-core findings:\n{}",
            findings.join("\n")
        );
        c.close().await.unwrap();
        server
    })
    .await;
}
