//! Redaction (区分处理, 第三十七条) in a real browser (headless Chromium driven by
//! ChromeDriver), on SQLite: the officer opens a reply document from the request page, draws a
//! box on its first page with the mouse, picks its reason, runs the pattern pass and saves; the
//! approver releases it. The pages are saved as `target/screenshots/redact-*.png`, and the
//! released copy's first page as rendered by poppler as `redact-released-page1.png`, whose
//! pixels under the drawn box must be black. Skipped, with a message, where Chromium,
//! ChromeDriver or poppler is not installed.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "common/chrome.rs"]
mod chrome;
mod common;

use chrome::{fill, page_with, shots, submit};
use common::{A, Who};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, Locator};
use gongkai_store::Blobs;
use std::time::Duration;

async fn login(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/office")).await.unwrap();
    fill(c, "name", user).await;
    fill(c, "password", common::PASSWORD).await;
    submit(c, "form.card button[type=submit]").await;
    page_with(c, "工作台").await;
}

/// The released copy's bytes, from the server's attachment store.
async fn released_copy(server: &common::Server, id: i64) -> Vec<u8> {
    let doc = server
        .get_json(&format!("/api/v1/documents/{id}"), Who::OfficerA)
        .await;
    assert!(doc["released_copy"].is_object(), "{doc}");
    let Some(common::TestStore::Sqlite(store)) = server.store.as_ref() else {
        panic!("on SQLite")
    };
    let settings = gongkai_services::Settings::new(gongkai_web::china_today());
    let scope = gongkai_services::Scope::operator(gongkai_services::Actor::new("测试").unwrap());
    let ctx = gongkai_services::Ctx::new(store, &scope, &settings);
    let document = ctx
        .reply_document(gongkai_store::applications::ReplyDocumentId(id))
        .await
        .unwrap();
    server
        .attachments
        .of(store)
        .get(&document.provided().sha256)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_draws_a_box_and_the_approver_releases() {
    let Some((chromedriver, chromium)) = chrome::installed() else {
        eprintln!("skipped: Chromium or ChromeDriver not installed");
        return;
    };
    let tools = gongkai_redact::Tools::default();
    if !tools.available(gongkai_redact::Kind::Pdf.programs()) {
        eprintln!("skipped: poppler is not installed");
        return;
    }
    common::on_sqlite(|server| async move {
        server.approver_of_a().await;
        let api = server.api();
        let token = server.token(Who::OfficerA).unwrap().to_owned();
        let r = api
            .post(server.url("/api/v1/requests"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "agency": A, "reference": "QF-B1", "applicant": "赵六", "kind": "自然人",
                "channel": "网上", "received": "2024-03-05", "description": "环评材料",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let request = r.json::<serde_json::Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();
        let r = api
            .post(server.url(&format!("/api/v1/requests/{request}/documents")))
            .bearer_auth(&token)
            .multipart(common::file_form(
                gongkai_redact::fixtures::text_pdf(1),
                "环评材料.pdf",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let id = r.json::<serde_json::Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap();

        // The officer: from the request page to the document's page.
        let driver = chrome::start_driver(&chromedriver);
        let c = chrome::browser(&driver, &chromium).await;
        login(&c, &server.base, Who::OfficerA.user().unwrap()).await;
        c.goto(&server.url(&format!("/office/requests/{request}")))
            .await
            .unwrap();
        page_with(&c, "环评材料.pdf").await;
        c.find(Locator::LinkText("区分处理"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        page_with(&c, "页面（共 1 页）").await;
        // Wait for the page image.
        let mut loaded = false;
        for _ in 0..100 {
            let v = c
                .execute(
                    "var i = document.querySelector('.redact-sheet img'); return !!i && i.complete && i.naturalWidth > 0;",
                    vec![],
                )
                .await
                .unwrap();
            if v.as_bool() == Some(true) {
                loaded = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(loaded, "the page image never loaded");
        shots(&c, "redact-page").await;

        // Draw a box across the page's upper half: from left of the centre to the right.
        let sheet = c.find(Locator::Css(".redact-sheet")).await.unwrap();
        // In view, its centre on the screen: the pointer moves relative to the visible part.
        c.execute(
            "document.querySelector('.redact-sheet').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement {
                element: sheet.clone(),
                duration: None,
                x: -150.0,
                y: -200.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveToElement {
                element: sheet.clone(),
                duration: Some(Duration::from_millis(300)),
                x: 100.0,
                y: -150.0,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        c.perform_actions(drag).await.unwrap();
        let page = page_with(&c, "新画（未保存）").await;
        assert!(page.contains("name=\"b0_x\""), "the drawn box is row b0");
        c.find(Locator::Id("b0_reason"))
            .await
            .unwrap()
            .select_by_value("第十四条")
            .await
            .unwrap();
        c.find(Locator::Id("patterns"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        submit(&c, "#redaction-form button[type=submit]").await;
        let page = page_with(&c, "已保存区分处理标记").await;
        assert!(page.contains("不予公开的部分（6 处）"), "{page}");
        shots(&c, "redact-marked").await;
        // An officer is offered no release.
        assert!(page.contains("区分处理后的文件由负责人发布"));
        let boxes = server
            .get_json(&format!("/api/v1/documents/{id}"), Who::OfficerA)
            .await["boxes"]
            .clone();
        let drawn = boxes
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["reason"] == "第十四条")
            .unwrap()
            .clone();
        assert_eq!(drawn["pattern"], false);

        // The approver releases.
        let head = chrome::browser(&driver, &chromium).await;
        login(&head, &server.base, "approver-a").await;
        head.goto(&server.url(&format!("/office/documents/{id}")))
            .await
            .unwrap();
        page_with(&head, "发布后，申请人可在申请查询页面下载").await;
        head.find(Locator::Id("release"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The form asks before an irreversible step.
        head.accept_alert().await.unwrap();
        let page = page_with(&head, "已发布区分处理后的文件").await;
        assert!(page.contains("环评材料（区分处理）.pdf"), "{page}");
        shots(&head, "redact-released").await;

        // The released copy as poppler renders it: the drawn box is black.
        let copy = released_copy(&server, id).await;
        let png = tools.page_png(&copy, 1, 100).unwrap();
        std::fs::write(chrome::screenshots().join("redact-released-page1.png"), &png).unwrap();
        std::fs::write(
            chrome::screenshots().join("redact-released-log.png"),
            tools.page_png(&copy, 2, 100).unwrap(),
        )
        .unwrap();
        let page1 = tools.rasterize(&copy, 72, Some((1, 1))).unwrap().remove(0);
        let rect = gongkai_redact::Rect {
            x: drawn["x"].as_f64().unwrap(),
            y: drawn["y"].as_f64().unwrap(),
            w: drawn["w"].as_f64().unwrap(),
            h: drawn["h"].as_f64().unwrap(),
        };
        let (x0, y0, x1, y1) = rect.pixels(page1.width(), page1.height());
        assert!(x1 > x0 + 2 && y1 > y0 + 2, "{rect:?}");
        for y in y0 + 1..y1 - 1 {
            for x in x0 + 1..x1 - 1 {
                assert!(page1.get_pixel(x, y).0.iter().all(|&v| v < 16), "({x}, {y})");
            }
        }
        c.close().await.unwrap();
        head.close().await.unwrap();
        server
    })
    .await;
}
