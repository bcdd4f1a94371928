//! The public portal in a real browser (headless Chromium driven by ChromeDriver), on SQLite:
//! a citizen reads the catalogue, applies online with the keyboard-reachable form, previews,
//! attaches a file and gets the receipt with its tracking code; an officer finds the
//! application on the 工作台 awaiting confirmation, confirms it, records the decision, uploads
//! the reply and releases it; the citizen tracks the request and downloads the reply.
//!
//! Each main page is checked with axe-core (violations of impact `serious` or `critical` fail
//! the test, all of them printed) and saved as screenshots at a desktop's and a phone's width
//! under `target/screenshots/portal-*.png` to be looked at; the receipt prints without the
//! navigation and the search box. Skipped, with a message, where Chromium or ChromeDriver is
//! not installed; the accessibility checks skip loudly where axe-core was not fetched into
//! `target/axe/` (`.ci/run` fetches both).
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "common/chrome.rs"]
mod chrome;
mod common;

use chrome::{fill, page_with, shots, submit};
use chrono::{Datelike, NaiveDate};
use common::{A, Server, TestStore, Who};
use fantoccini::{Client, Locator};
use gongkai_catalogue::{Category, Item};
use gongkai_search::AnySearch;
use gongkai_services::catalogue::{BodyInput, DocumentInput};
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_web::{AttachmentPlace, WebStore};

/// A small but real PDF: what the content checks of attachments and replies accept.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// A document of A's under item (二) of 第二十条, with its text.
fn document(index: &str, title: &str, published: NaiveDate, body: &str) -> DocumentInput {
    let mut doc = common::document(A, index, title, published);
    doc.item = Some(Item::Article20(2));
    doc.body = BodyInput::Text(body.into());
    doc
}

/// A's catalogue: a normative document with its attachment and interpretation, and notices.
async fn seed<S: WebStore>(store: &S, attachments: &AttachmentPlace) {
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let ctx = Ctx::new(store, &scope, &settings);
    let dir = tempfile::tempdir().unwrap();
    let index = AnySearch::tantivy(dir.path()).unwrap();
    let blobs = attachments.of(store);
    let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
    let mut rules = document(
        "TESTA/2024-00001",
        "关于印发《测试县耕地保护管理办法》的通知",
        d(3, 5),
        "",
    );
    rules.doc_number = Some("测自然资规〔2024〕1号".into());
    rules.written = Some(d(3, 1));
    rules.category = Some(Category::NormativeDocument);
    rules.item = Some(Item::Article20(1));
    rules.topic = "国土资源".into();
    rules.body = BodyInput::Html(
        "<p>为加强<b>耕地占补平衡</b>管理，根据有关法律法规，制定本办法。</p><p>第一条 本办法适用于本县行政区域内的耕地保护工作。</p>".into(),
    );
    rules.attachments = vec![("管理办法 全文.pdf".into(), PDF.to_vec())];
    let mut interpretation = document(
        "TESTA/2024-00002",
        "《测试县耕地保护管理办法》政策解读",
        d(3, 6),
        "一、制定背景\n二、主要内容：耕地保护的责任",
    );
    interpretation.interprets = Some("TESTA/2024-00001".into());
    interpretation.item = Some(Item::Article20(1));
    let mut all = vec![rules, interpretation];
    for n in 1..=3 {
        all.push(document(
            &format!("TESTA/2024-1000{n}"),
            &format!("测试县自然资源局耕地保护工作动态第{n}期"),
            d(4, n),
            &format!("本期介绍耕地保护的第{n}项工作"),
        ));
    }
    for doc in all {
        ctx.add_document(&index, &blobs, 1 << 20, doc)
            .await
            .unwrap();
    }
    // Last year's annual report, published and then corrected.
    let year = gongkai_web::china_today().year() - 1;
    assert_eq!(common::publish_as_operator(store, A, year, None).await, 1);
    let note = "补录一件申请，表三相应更正。";
    assert_eq!(
        common::publish_as_operator(store, A, year, Some(note)).await,
        2
    );
}

/// A's 政府信息公开指南, published by its officer through the back office's form.
async fn publish_guide(server: &Server) {
    let officer = server.browser(Who::OfficerA).await;
    let mut f: Vec<(&str, &str)> = vec![
        ("agency", A),
        ("office", "测试县自然资源局办公室"),
        ("address", "测试县人民路1号"),
        ("postcode", "223100"),
        ("hours", "工作日 9:00-12:00，13:30-17:00"),
        ("phone", "0517-1234567"),
        ("fax", "0517-7654321"),
        ("email", "gk@example.gov.cn"),
        ("website", "https://example.gov.cn/"),
        (
            "proactive",
            "本机关主动公开的政府信息按第二十条的事项分类。",
        ),
        (
            "how_to_apply",
            "可以在本网站在线提交申请，或者当面、邮寄提交申请表。",
        ),
        ("time_limits", "自收到申请之日起二十个工作日内答复。"),
        ("fees", "不收取费用。"),
        ("remedies", "可以依法申请行政复议或者提起行政诉讼。"),
    ];
    f.extend([
        ("channels", "in_person"),
        ("channels", "online"),
        ("forms", "paper"),
        ("forms", "email"),
    ]);
    let r = officer.post("/office/guide", &f).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
}

/// axe-core's serious and critical findings, page by page.
struct Audit {
    source: Option<String>,
    findings: Vec<String>,
    pages: usize,
}

impl Audit {
    /// Checks the current page (`name` in the report) and saves its screenshots.
    async fn page(&mut self, c: &Client, name: &str) {
        shots(c, &format!("portal-{name}")).await;
        if let Some(source) = &self.source {
            self.pages += 1;
            for v in chrome::axe_violations(c, source).await {
                self.findings.push(format!("{name}: {v}"));
            }
        }
    }
}

/// The ids (or tag names) of the elements the Tab key reaches from the focused one, in order.
async fn tab_order(c: &Client, steps: usize) -> Vec<String> {
    let mut order = Vec::new();
    for _ in 0..steps {
        let active = c.active_element().await.unwrap();
        active.send_keys("\u{E004}").await.unwrap();
        let id = c
            .execute(
                "return document.activeElement.id || document.activeElement.tagName;",
                vec![],
            )
            .await
            .unwrap();
        order.push(id.as_str().unwrap_or_default().to_owned());
    }
    order
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_applies_in_a_browser_and_downloads_the_reply() {
    let Some((chromedriver, chromium)) = chrome::installed() else {
        eprintln!("skipped: Chromium or ChromeDriver not installed");
        return;
    };
    common::on_sqlite(|server| async move {
        match server.store.clone().unwrap() {
            TestStore::Sqlite(s) => seed(&s, &server.attachments).await,
            TestStore::Postgres(s) => seed(&s, &server.attachments).await,
        }
        publish_guide(&server).await;
        let driver = chrome::start_driver(&chromedriver);
        let c = chrome::browser(&driver, &chromium).await;
        let mut audit = Audit {
            source: chrome::axe_source(),
            findings: Vec::new(),
            pages: 0,
        };

        // axe-core finds what it should: a page without a language, an image without text.
        if let Some(source) = &audit.source {
            c.goto("data:text/html,<title>t</title><img src=x.png><input type=text>")
                .await
                .unwrap();
            let found = chrome::axe_violations(&c, source).await.join("\n");
            for rule in ["html-has-lang", "image-alt", "label"] {
                assert!(found.contains(rule), "axe-core missed {rule}: {found}");
            }
        }

        // The home page, A's page, a search and a document.
        c.goto(&server.url("/")).await.unwrap();
        page_with(&c, A).await;
        audit.page(&c, "home").await;
        c.find(Locator::LinkText(A))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        page_with(&c, "法定主动公开内容").await;
        audit.page(&c, "agency").await;
        let agency_url = c.current_url().await.unwrap();
        fill(&c, "site-q", "耕地保护").await;
        submit(&c, ".portal-search button[type=submit]").await;
        page_with(&c, "<mark>").await;
        audit.page(&c, "search").await;
        c.find(Locator::XPath(
            "//a[@class='doc-title'][contains(., '管理办法》的通知')]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        page_with(&c, "测自然资规〔2024〕1号").await;
        audit.page(&c, "document").await;
        c.goto(&format!(
            "{}/guide",
            agency_url.as_str().trim_end_matches('/')
        ))
        .await
        .unwrap();
        page_with(&c, "测试县人民路1号").await;
        audit.page(&c, "guide").await;

        // The annual report as published, and its first version, marked as corrected.
        let year = gongkai_web::china_today().year() - 1;
        let reports = format!("/agencies/{}/reports/{year}", server.agency_id(A).await);
        c.goto(&server.url(&reports)).await.unwrap();
        page_with(&c, "补录一件申请").await;
        audit.page(&c, "report").await;
        c.find(Locator::LinkText("第 1 版"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        page_with(&c, "已被更正").await;
        audit.page(&c, "report-earlier").await;

        // 依申请公开 from the navigation: the form sent empty shows its errors.
        c.goto(&server.url("/")).await.unwrap();
        c.find(Locator::LinkText("依申请公开"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        page_with(&c, "下一步：确认内容").await;
        audit.page(&c, "apply").await;
        submit(&c, "form.card button[type=submit]").await;
        let errors = page_with(&c, "申请尚未提交，请修改以下内容").await;
        assert!(errors.contains("请选择受理申请的机关"), "{errors}");
        // The robots' trap is out of sight.
        let trap = c.find(Locator::Id("website")).await.unwrap();
        let rect = trap.rectangle().await.unwrap();
        assert!(
            rect.0 + rect.2 <= 0.0,
            "the honeypot is on the page at {rect:?}"
        );
        audit.page(&c, "apply-errors").await;

        // Every field is reached with the Tab key, in the order of the form; the honeypot
        // never is.
        c.execute("document.getElementById('agency').focus();", vec![])
            .await
            .unwrap();
        let order = tab_order(&c, 10).await;
        let fields = [
            "applicant",
            "kind",
            "id_type",
            "id_number",
            "phone",
            "email",
            "address",
            "description",
            "form",
        ];
        let reached: Vec<&str> = order
            .iter()
            .map(String::as_str)
            .filter(|id| fields.contains(id))
            .collect();
        assert_eq!(reached, fields, "the Tab key's order: {order:?}");
        assert!(!order.iter().any(|id| id == "website"), "{order:?}");

        // The agencies are indented by their place in the tree.
        c.find(Locator::XPath(&format!(
            "//select[@id='agency']/option[contains(., '{A}')]"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        fill(&c, "applicant", "张三").await;
        chrome::select(&c, "kind", "自然人").await;
        chrome::select(&c, "id_type", "居民身份证").await;
        fill(&c, "id_number", "11010519491231002X").await;
        fill(&c, "phone", "13912345678").await;
        fill(&c, "email", "z@example.cn").await;
        fill(&c, "address", "某市某路1号").await;
        fill(&c, "description", "2024年某项目的环境影响评价批复文件").await;
        c.find(Locator::Id("form"))
            .await
            .unwrap()
            .select_by_index(1)
            .await
            .unwrap();
        submit(&c, "form.card button[type=submit]").await;
        page_with(&c, "确认申请内容").await;
        audit.page(&c, "preview").await;

        // The preview: a file attached, the application submitted.
        let dir = tempfile::tempdir().unwrap();
        let proof = dir.path().join("身份证明.pdf");
        std::fs::write(&proof, PDF).unwrap();
        c.find(Locator::Id("files"))
            .await
            .unwrap()
            .send_keys(&proof.display().to_string())
            .await
            .unwrap();
        submit(&c, "form[action='/apply/submit'] button[type=submit]").await;
        let receipt = page_with(&c, "class=\"tracking-code\"").await;
        assert!(receipt.contains("身份证明.pdf"), "{receipt}");
        assert!(receipt.contains("139****5678"), "{receipt}");
        let code = receipt
            .split("class=\"tracking-code\"><strong>")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap()
            .to_owned();
        assert_eq!(code.len(), 19, "{code}");
        let reference = receipt
            .split("<dt>申请编号</dt><dd>")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .unwrap()
            .to_owned();
        audit.page(&c, "receipt").await;
        printed_without_navigation(&c, &driver).await;

        // The officer: the application on the 工作台, awaiting confirmation.
        let officer = chrome::browser(&driver, &chromium).await;
        officer.goto(&server.url("/office")).await.unwrap();
        fill(&officer, "name", Who::OfficerA.user().unwrap()).await;
        fill(&officer, "password", common::PASSWORD).await;
        submit(&officer, "form.card button[type=submit]").await;
        let desk = page_with(&officer, &reference).await;
        let row = desk.split(&reference).nth(1).unwrap();
        let row = row.split("</tr>").next().unwrap();
        assert!(row.contains("待确认收到"), "{row}");
        officer
            .find(Locator::LinkText(&reference))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let awaiting = page_with(&officer, "确认收到申请").await;
        // Nothing to record before the confirmation: no decision's form yet.
        assert!(!awaiting.contains("记录答复"), "{awaiting}");
        shots(&officer, "portal-office-request").await;
        submit(&officer, "form[action$='/confirm'] button[type=submit]").await;
        page_with(&officer, "作出答复").await;
        chrome::select(&officer, "outcome", "予以公开").await;
        submit(
            &officer,
            "input[name=event][value=decided] ~ div.actions button",
        )
        .await;
        page_with(&officer, "作出答复：予以公开").await;
        let reply = dir.path().join("答复书.pdf");
        std::fs::write(&reply, PDF).unwrap();
        officer
            .find(Locator::Id("reply-file"))
            .await
            .unwrap()
            .send_keys(&reply.display().to_string())
            .await
            .unwrap();
        submit(&officer, "form[action$='/replies'] button[type=submit]").await;
        page_with(&officer, "/release").await;
        submit(&officer, "form[action$='/release'] button[type=submit]").await;
        let released = page_with(&officer, "已发布（").await;
        assert!(
            !released.contains("action=\"/office/replies/"),
            "{released}"
        );
        officer.close().await.unwrap();

        // The citizen tracks it: closed, disclosed, the reply to download.
        c.goto(&server.url("/")).await.unwrap();
        c.find(Locator::LinkText("申请查询"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        page_with(&c, "联系电话后四位").await;
        audit.page(&c, "track").await;
        fill(&c, "code", &code.to_lowercase()).await;
        fill(&c, "last4", "5678").await;
        submit(&c, "form.card button[type=submit]").await;
        // The form page names 答复文件 too: wait for the result page's own heading.
        let tracked = page_with(&c, "<h1>申请办理情况</h1>").await;
        assert!(
            tracked.contains("已办结") && tracked.contains("予以公开"),
            "{tracked}"
        );
        assert!(tracked.contains("下载 答复书.pdf"), "{tracked}");
        audit.page(&c, "tracked").await;
        // The download is a form posting the pair; the same post from here gets the file.
        let form = c
            .find(Locator::Css("form[action^='/track/documents/']"))
            .await
            .unwrap();
        let action = form.attr("action").await.unwrap().unwrap();
        let file = reqwest::Client::new()
            .post(server.url(&action))
            .header("origin", server.base.as_str())
            .form(&[("code", code.as_str()), ("last4", "5678")])
            .send()
            .await
            .unwrap();
        assert_eq!(file.status(), 200);
        assert_eq!(file.headers()["content-type"], "application/pdf");
        assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);

        c.close().await.unwrap();
        drop(driver);
        if audit.source.is_some() {
            assert_eq!(audit.pages, 13, "every page checked");
        }
        assert!(
            audit.findings.is_empty(),
            "axe-core found {} serious or critical violations:\n{}",
            audit.findings.len(),
            audit.findings.join("\n")
        );
        server
    })
    .await;
}

/// The receipt printed: no navigation, no search box, the tracking code shown; saved as
/// `portal-receipt-print.png`. Print media is emulated through ChromeDriver's DevTools
/// command.
async fn printed_without_navigation(c: &Client, driver: &chrome::Driver) {
    let session = c.session_id().await.unwrap().unwrap();
    let emulate = |media: &'static str| {
        reqwest::Client::new()
            .post(format!(
                "http://127.0.0.1:{}/session/{session}/goog/cdp/execute",
                driver.port
            ))
            .json(&serde_json::json!({
                "cmd": "Emulation.setEmulatedMedia", "params": {"media": media},
            }))
            .send()
    };
    assert_eq!(emulate("print").await.unwrap().status(), 200);
    let shown = c
        .execute(
            "const shown = s => { const e = document.querySelector(s);
                                  return !!e && getComputedStyle(e).display !== 'none'; };
             return [shown('.portal-nav'), shown('.portal-search'), shown('.skip'),
                     shown('.tracking-code'), shown('.no-print')];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        serde_json::json!([false, false, false, true, false]),
        "printed: navigation, search, skip link, tracking code, links"
    );
    chrome::full_shot(c, "portal-receipt-print", 800).await;
    assert_eq!(emulate("").await.unwrap().status(), 200);
    c.set_window_size(1280, 1000).await.unwrap();
}
