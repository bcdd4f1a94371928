//! The back office in a real browser (headless Chromium driven by ChromeDriver): an officer
//! logs in, registers a request, records a correction and a decision, generates the annual
//! report and downloads it as Word. Screenshots of the main pages are saved under
//! `target/screenshots/` to be looked at. Skipped, with a message, where Chromium or
//! ChromeDriver is not installed (`.ci/run` installs both).
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "common/chrome.rs"]
mod chrome;
mod common;

use chrome::{
    browser, click, fill, page_with, screenshots, select, shot, start_driver, submit, which,
};
use common::{A, Who};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_does_the_whole_job_in_a_browser() {
    let (Some(chromedriver), Some(chromium)) = (which("chromedriver"), which("chromium")) else {
        eprintln!("skipped: Chromium or ChromeDriver not installed");
        return;
    };
    common::on_sqlite(|server| async move {
        let driver = start_driver(&chromedriver);
        let c = browser(&driver, &chromium).await;
        let year = chrono::Datelike::year(&gongkai_web::china_today()).to_string();

        // Log in: the login page, then the 工作台.
        c.goto(&server.url("/office")).await.unwrap();
        shot(&c, "01-login").await;
        fill(&c, "name", Who::OfficerA.user().unwrap()).await;
        fill(&c, "password", common::PASSWORD).await;
        submit(&c, "form.card button[type=submit]").await;
        page_with(&c, "未办结").await;

        // Register a request received today by registered post.
        c.goto(&server.url("/office/requests/new")).await.unwrap();
        fill(&c, "reference", "E2E-001").await;
        fill(&c, "applicant", "王五").await;
        select(&c, "kind", "自然人").await;
        select(&c, "channel", "挂号信").await;
        fill(&c, "id_kind", "居民身份证").await;
        fill(&c, "id_number", "11010519491231002X").await;
        fill(&c, "phone", "13800001234").await;
        fill(&c, "delivery", "邮寄").await;
        fill(&c, "description", "某镇2024年财政预算执行情况").await;
        shot(&c, "02-register").await;
        submit(&c, "form.card button[type=submit]").await;
        let detail = page_with(&c, "申请已登记").await;
        assert!(detail.contains("E2E-001"), "{detail}");
        assert!(detail.contains("11010519491231002X") && detail.contains("13800001234"));
        shot(&c, "03-request").await;

        // A correction notice, the corrected request, then the answer.
        for event in ["correction-requested", "corrected-received"] {
            submit(
                &c,
                &format!("input[name=event][value={event}] ~ fieldset button[type=submit]"),
            )
            .await;
            let label = if event == "correction-requested" {
                "· 待补正"
            } else {
                "· 办理中"
            };
            page_with(&c, label).await;
        }
        select(&c, "outcome", "予以公开").await;
        submit(&c, "input[name=event][value=decided] ~ div.actions button").await;
        let decided = page_with(&c, "作出答复：予以公开").await;
        assert!(decided.contains("发出补正通知") && decided.contains("收到补正后的申请"));
        shot(&c, "04-decided").await;

        // The applicant asks for reconsideration; the case is registered, then closed.
        click(&c, "#h-remedies ~ details summary").await;
        fill(&c, "remedy-case", "复议〔2026〕7号").await;
        select(&c, "remedy-kind", "行政复议").await;
        submit(&c, "form[action$='/remedies'] button[type=submit]").await;
        page_with(&c, "尚未审结").await;
        select(&c, "result-1", "结果维持").await;
        submit(&c, "form[action$='/remedies/close'] button[type=submit]").await;
        page_with(&c, "结果维持（").await;
        // And a correction of the applicant's name, with its reason.
        click(&c, "#h-corrections ~ details summary").await;
        fill(&c, "amend-applicant", "王五（更正）").await;
        fill(&c, "amend-reason", "登记时姓名笔误").await;
        submit(&c, "form[action$='/amend'] button[type=submit]").await;
        page_with(&c, "王五（更正）").await;
        c.set_window_size(1280, 2600).await.unwrap();
        shot(&c, "07-remedies-corrections").await;
        c.set_window_size(1280, 1000).await.unwrap();
        // The agency's cases, each linked to its request.
        c.goto(&server.url("/office/remedies")).await.unwrap();
        page_with(&c, "复议〔2026〕7号").await;
        shot(&c, "09-remedies-list").await;
        c.find(Locator::LinkText("E2E-001"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        page_with(&c, "王五（更正）").await;

        // The portal's page views of the year, as the server writes them: section 二's figure.
        if let Some(common::TestStore::Sqlite(store)) = &server.store {
            use gongkai_store::{Agencies, PageViews};
            let a = store.agency_by_name(A).await.unwrap().unwrap().id;
            let day = gongkai_web::china_today();
            store.add_page_views(&[(a, day, 1234)]).await.unwrap();
        }
        // The annual report from the records: the request is counted and links back.
        c.goto(&server.url("/office/reports")).await.unwrap();
        select(&c, "agency", A).await;
        fill(&c, "year", &year).await;
        submit(&c, "form.card button[type=submit]").await;
        page_with(&c, "cell=t3.r_disclosed.natural_person").await;
        // The report's text, written in the page: section 一 no longer lacks it.
        fill(
            &c,
            "prose",
            "## 一、总体情况\n\n本局认真贯彻落实《条例》，依法做好政府信息公开工作。\n",
        )
        .await;
        submit(
            &c,
            "form[action='/office/reports/prose'] button[type=submit]",
        )
        .await;
        let report = page_with(&c, "本局认真贯彻落实").await;
        // Section 二's paragraph and its figure, linked to the records behind it.
        assert!(
            report.contains("政府信息公开平台全年页面访问量1234次"),
            "paragraph"
        );
        assert!(report.contains("cell=s2.page_views"), "figure linked");
        assert!(
            !report.contains("“一、总体情况”没有正文"),
            "the warning is gone"
        );
        c.set_window_size(1280, 4200).await.unwrap();
        shot(&c, "05-report").await;
        c.set_window_size(1280, 1000).await.unwrap();

        // The Word document, downloaded with the browser's session.
        let href = c
            .find(Locator::LinkText("下载 Word"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        let cookie = c.get_named_cookie("gongkai_session").await.unwrap();
        let docx = reqwest::Client::new()
            .get(server.url(&href))
            .header("cookie", format!("gongkai_session={}", cookie.value()))
            .send()
            .await
            .unwrap();
        assert_eq!(docx.status(), 200);
        let bytes = docx.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "a DOCX package");
        std::fs::write(screenshots().join("report.docx"), &bytes).unwrap();

        // The dashboard shows nothing open any more.
        c.goto(&server.url("/office")).await.unwrap();
        page_with(&c, "没有未办结的申请").await;
        shot(&c, "06-dashboard").await;

        // A published report checked against the previous year's.
        let dir = tempfile::tempdir().unwrap();
        let seed = include_str!("../../../fixtures/reports/yanhu-2020.json");
        let mut before: serde_json::Value = serde_json::from_str(seed).unwrap();
        before["year"] = 2019.into();
        before["tables"]["t3"]["carried_out"]["natural_person"] = 9.into();
        let (this, last) = (dir.path().join("2020.json"), dir.path().join("2019.json"));
        std::fs::write(&this, seed).unwrap();
        std::fs::write(&last, before.to_string()).unwrap();
        c.goto(&server.url("/office/check")).await.unwrap();
        for (id, file) in [("file", &this), ("previous", &last)] {
            let input = c.find(Locator::Id(id)).await.unwrap();
            input.send_keys(&file.display().to_string()).await.unwrap();
        }
        submit(&c, "form.card button[type=submit]").await;
        page_with(&c, "与上一年度报告比较").await;
        c.set_window_size(1280, 1800).await.unwrap();
        shot(&c, "08-check-previous-year").await;
        c.set_window_size(1280, 1000).await.unwrap();
        c.close().await.unwrap();
        drop(driver);
        server
    })
    .await;
}
