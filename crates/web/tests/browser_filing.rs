//! The filing season in a real browser (headless Chromium driven by ChromeDriver), on SQLite
//! (第四十九条): A's officer submits A's report, explaining each warning; the supervising office
//! returns it with a comment; the officer writes the missing text and submits again; the office
//! clears and publishes it; it appears on the portal. The pages are saved as screenshots under
//! `target/screenshots/filing-*.png` to be looked at. Skipped, with a message, where Chromium
//! or ChromeDriver is not installed (`.ci/run` installs both).
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "common/chrome.rs"]
mod chrome;
mod common;

use chrome::{fill, page_with, shots, submit};
use chrono::Datelike;
use common::{A, Who};
use fantoccini::{Client, Locator};

/// Logs in as `who` (after leaving any session).
async fn log_in(c: &Client, base: &str, who: Who) {
    c.goto(&format!("{base}/office")).await.unwrap();
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/office")).await.unwrap();
    fill(c, "name", who.user().unwrap()).await;
    fill(c, "password", common::PASSWORD).await;
    submit(c, "form.card button[type=submit]").await;
    page_with(c, "工作台").await;
}

/// Explains every warning the submit form asks about.
async fn explain_all(c: &Client, text: &str) {
    for field in c
        .find_all(Locator::Css("textarea[name^=explain_]"))
        .await
        .unwrap()
    {
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_goes_from_the_department_to_the_portal() {
    let Some((chromedriver, chromium)) = chrome::installed() else {
        eprintln!("skipped: Chromium or ChromeDriver not installed");
        return;
    };
    common::on_sqlite(|server| async move {
        let year = gongkai_web::china_today().year() - 1;
        let (status, answer) = server
            .post_json(
                "/api/v1/requests",
                Who::OfficerA,
                &serde_json::json!({
                    "agency": A, "reference": "BF-1", "applicant": "张三", "kind": "自然人",
                    "channel": "网上", "received": format!("{year}-03-05"),
                    "description": "某文件",
                }),
            )
            .await;
        assert_eq!(status, 201, "{answer}");
        let driver = chrome::start_driver(&chromedriver);
        let c = chrome::browser(&driver, &chromium).await;
        let base = server.base.clone();
        let filing = format!(
            "{base}/office/filing?agency={}&year={year}",
            gongkai_web::auth::form_urlencoded_component(A)
        );

        // The department submits, explaining the warnings.
        log_in(&c, &base, Who::OfficerA).await;
        c.goto(&filing).await.unwrap();
        page_with(&c, "报送政务公开办审核").await;
        shots(&c, "filing-draft").await;
        explain_all(&c, "正文另行印发").await;
        submit(&c, "form[action='/office/filing/submit'] button[type=submit]").await;
        page_with(&c, "年度报告已报送").await;

        // The supervising office returns it with a comment.
        log_in(&c, &base, Who::Supervisor).await;
        c.goto(&format!("{base}/office/filings?year={year}"))
            .await
            .unwrap();
        page_with(&c, "已报送待审核").await;
        shots(&c, "filing-overview").await;
        c.goto(&filing).await.unwrap();
        page_with(&c, "退回修改").await;
        shots(&c, "filing-review").await;
        fill(&c, "return-comment-field", "请补写总体情况、存在的问题和其他事项").await;
        fill(&c, "return-remarks", "s1_overview：不能为空").await;
        submit(&c, "form[action='/office/filing/return'] button[type=submit]").await;
        page_with(&c, "年度报告已退回").await;

        // The department reads the comment, writes the text and submits again.
        log_in(&c, &base, Who::OfficerA).await;
        c.goto(&filing).await.unwrap();
        let page = page_with(&c, "请补写总体情况").await;
        assert!(page.contains("不能为空"), "{page}");
        shots(&c, "filing-returned").await;
        c.goto(&format!(
            "{base}/office/reports?agency={}&year={year}",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await
        .unwrap();
        page_with(&c, "报送与发布").await;
        fill(
            &c,
            "prose",
            "## 一、总体情况\n\n本机关依法做好政府信息公开工作。\n\n## 五、存在的主要问题及改进情况\n\n公开时效有待提高。\n\n## 六、其他需要报告的事项\n\n本年度未收取信息处理费。\n",
        )
        .await;
        submit(&c, "form[action='/office/reports/prose'] button[type=submit]").await;
        c.goto(&filing).await.unwrap();
        page_with(&c, "报送政务公开办审核").await;
        explain_all(&c, "已核对").await;
        submit(&c, "form[action='/office/filing/submit'] button[type=submit]").await;
        page_with(&c, "年度报告已报送").await;

        // The office clears and publishes it.
        log_in(&c, &base, Who::Supervisor).await;
        c.goto(&filing).await.unwrap();
        submit(&c, "form[action='/office/filing/clear'] button[type=submit]").await;
        page_with(&c, "已审核通过，可以发布").await;
        submit(&c, "form[action='/office/filing/publish'] button[type=submit]").await;
        page_with(&c, "年度报告已发布").await;
        shots(&c, "filing-published").await;

        // On the portal, as anyone reads it.
        c.delete_all_cookies().await.unwrap();
        let id = server.agency_id(A).await;
        c.goto(&format!("{base}/agencies/{id}/reports/{year}"))
            .await
            .unwrap();
        page_with(&c, "本机关依法做好政府信息公开工作。").await;
        c.close().await.unwrap();
        server
    })
    .await;
}
