//! 互动交流 in a real browser (headless Chromium driven by ChromeDriver), on SQLite: a citizen
//! leaves a message with the form and gets the receipt with its tracking code; the officer opens
//! the message from the back office's list and replies publicly; the reply is on the agency's
//! page of published replies. The form, the receipt, the office's message page and the replies
//! are checked with axe-core (where `target/axe/` has it: serious and critical findings fail)
//! and saved as screenshots under `target/screenshots/messages-*.png`. Skipped, with a message,
//! where Chromium or ChromeDriver is not installed.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "common/chrome.rs"]
mod chrome;
mod common;

use chrome::{fill, page_with, select, shots, submit};
use common::{A, Who};
use fantoccini::{Client, Locator};

/// Checks the current page with axe-core, if fetched, and saves its screenshots.
async fn audit(c: &Client, name: &str, findings: &mut Vec<String>) {
    shots(c, &format!("messages-{name}")).await;
    if let Some(source) = chrome::axe_source() {
        for v in chrome::axe_violations(c, &source).await {
            findings.push(format!("{name}: {v}"));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_leaves_a_message_in_a_browser_and_reads_the_reply() {
    let Some((chromedriver, chromium)) = chrome::installed() else {
        eprintln!("skipped: Chromium or ChromeDriver not installed");
        return;
    };
    common::on_sqlite(|server| async move {
        let driver = chrome::start_driver(&chromedriver);
        let c = chrome::browser(&driver, &chromium).await;
        let mut findings = Vec::new();
        c.goto(&server.url("/messages")).await.unwrap();
        page_with(&c, "互动交流").await;
        audit(&c, "form", &mut findings).await;
        select(&c, "agency", &format!("\u{3000}{A}")).await;
        select(&c, "kind", "建议").await;
        fill(&c, "title", "建议延长政务服务大厅周末开放时间").await;
        fill(
            &c,
            "body",
            "目前大厅周六上午开放，上班族办事不便，建议周六全天开放。",
        )
        .await;
        fill(&c, "name", "周八").await;
        fill(&c, "phone", "13912345678").await;
        submit(&c, "form.card button[type=submit]").await;
        let receipt = page_with(&c, "留言已提交").await;
        assert!(receipt.contains("139****5678"), "{receipt}");
        audit(&c, "receipt", &mut findings).await;

        // The officer: the list, the message, a public reply.
        let officer = chrome::browser(&driver, &chromium).await;
        officer.goto(&server.url("/office")).await.unwrap();
        fill(&officer, "name", Who::OfficerA.user().unwrap()).await;
        fill(&officer, "password", common::PASSWORD).await;
        submit(&officer, "form.card button[type=submit]").await;
        page_with(&officer, "工作台").await;
        officer
            .goto(&server.url(&format!(
                "/office/messages?agency={}",
                gongkai_web::auth::form_urlencoded_component(A)
            )))
            .await
            .unwrap();
        page_with(&officer, "建议延长政务服务大厅").await;
        audit(&officer, "office-list", &mut findings).await;
        officer
            .find(Locator::LinkText("建议延长政务服务大厅周末开放时间"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let page = page_with(&officer, "保存答复").await;
        assert!(page.contains("13912345678"), "{page}");
        audit(&officer, "office-message", &mut findings).await;
        fill(
            &officer,
            "reply-body",
            "感谢建议。自下月起，大厅周六全天开放。",
        )
        .await;
        officer
            .find(Locator::Css("input[name=public]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        submit(&officer, "form[action$='/reply'] button[type=submit]").await;
        page_with(&officer, "已在门户网站公开").await;

        // The published reply on the portal.
        let a = server.agency_id(A).await;
        c.goto(&server.url(&format!("/agencies/{a}/replies")))
            .await
            .unwrap();
        let replies = page_with(&c, "大厅周六全天开放").await;
        assert!(!replies.contains("周八"), "{replies}");
        audit(&c, "replies", &mut findings).await;
        assert!(
            findings.is_empty(),
            "axe-core findings:\n{}",
            findings.join("\n")
        );
        c.close().await.unwrap();
        officer.close().await.unwrap();
        server
    })
    .await;
}
