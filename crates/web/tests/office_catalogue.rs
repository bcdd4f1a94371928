//! The catalogue in the back office (issue 12 §2), on SQLite and PostgreSQL: an officer enters
//! a document on the form (entering publishes it) with an attachment, and the portal's search
//! finds it; an edit and a repeal (废止 with its date) show in the office and on the portal;
//! mistakes are shown next to their fields; the sibling's officer does not see A's documents
//! (404), the supervising office reads them and may not write (403), nor may the admin; a
//! hostile title comes back escaped everywhere.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Browser, Server, Who};

on_both!(
    a_document_entered_on_the_form_is_published_edited_and_repealed,
    mistakes_are_shown_next_to_their_fields,
    only_those_who_handle_the_agency_write_its_catalogue,
    a_hostile_title_comes_back_escaped,
);

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// Posts a multipart form with the session's CSRF token and, optionally, a PDF attachment.
async fn post(
    browser: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    attach: bool,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("csrf", browser.csrf.clone());
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    if attach {
        form = form.part(
            "attachments",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("实施细则.pdf"),
        );
    }
    browser
        .client
        .post(format!("{}{path}", browser.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn document<'a>(index: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("agency", A),
        ("index_number", index),
        ("title", title),
        ("doc_number", "测自然资发〔2024〕3号"),
        ("written", "2024-03-01"),
        ("published", "2024-03-05"),
        ("category", "规范性文件"),
        ("item", "1"),
        ("topic", "国土资源"),
        ("body_kind", "text"),
        (
            "body",
            "第一条 为规范宅基地审批，制定本细则。\n第二条 本细则自发布之日起施行。",
        ),
    ]
}

/// The id in a `/office/catalogue/{id}?saved=1` redirect.
fn id_of(r: &reqwest::Response) -> i64 {
    assert_eq!(r.status(), 303);
    r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/office/catalogue/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn portal(server: &Server, path: &str) -> (u16, String) {
    let r = reqwest::Client::new()
        .get(server.url(path))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn a_document_entered_on_the_form_is_published_edited_and_repealed(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let list = officer.get_text("/office").await;
    assert!(
        list.contains(r#"href="/office/catalogue""#),
        "in the navigation"
    );
    let form = officer.get_text("/office/catalogue/new").await;
    assert!(
        form.contains("发布日期") && form.contains("保存并公开"),
        "{form}"
    );
    let r = post(
        &officer,
        "/office/catalogue",
        &document("OC-001", "宅基地审批实施细则"),
        true,
    )
    .await;
    let id = id_of(&r);
    let page = officer
        .get_text(&format!("/office/catalogue/{id}?saved=1"))
        .await;
    assert!(
        page.contains("已保存并公开") && page.contains("实施细则.pdf"),
        "{page}"
    );
    let list = officer
        .get_text(&format!(
            "/office/catalogue?agency={}",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    assert!(
        list.contains("宅基地审批实施细则") && list.contains("2024-03-05"),
        "{list}"
    );
    // The portal's search finds it, and its page shows it with its attachment.
    let (status, found) = portal(&server, "/search?q=%E5%AE%85%E5%9F%BA%E5%9C%B0").await;
    assert_eq!(status, 200);
    assert!(found.contains(&format!("/documents/{id}")), "{found}");
    let (status, shown) = portal(&server, &format!("/documents/{id}")).await;
    assert_eq!(status, 200);
    assert!(shown.contains("宅基地审批实施细则") && shown.contains("实施细则.pdf"));
    // An interpretation of it, entered by its 索引号.
    let mut reading = document("OC-002", "《宅基地审批实施细则》政策解读");
    reading.retain(|(k, _)| *k != "category" && *k != "doc_number");
    reading.push(("interprets", "OC-001"));
    let r = post(&officer, "/office/catalogue", &reading, false).await;
    let reading_id = id_of(&r);
    let (_, shown) = portal(&server, &format!("/documents/{id}")).await;
    assert!(
        shown.contains(&format!("/documents/{reading_id}")),
        "the interpretation is linked: {shown}"
    );
    // Edited: the new title on both sides, the attachment kept.
    let edited = document("OC-001", "宅基地审批实施细则（修订）");
    let r = post(&officer, &format!("/office/catalogue/{id}"), &edited, false).await;
    assert_eq!(id_of(&r), id);
    let (_, shown) = portal(&server, &format!("/documents/{id}")).await;
    assert!(
        shown.contains("宅基地审批实施细则（修订）") && shown.contains("实施细则.pdf"),
        "{shown}"
    );
    let (_, found) = portal(&server, "/search?q=%E4%BF%AE%E8%AE%A2").await;
    assert!(
        found.contains(&format!("/documents/{id}")),
        "the index caught up: {found}"
    );
    // Repealed with its date: 废止 shown in the office and on the portal.
    let r = officer
        .post(
            &format!("/office/catalogue/{id}/repeal"),
            &[
                ("state", "repealed"),
                ("on", "2024-06-01"),
                ("by", "测自然资发〔2024〕9号"),
            ],
        )
        .await;
    assert_eq!(id_of(&r), id);
    let list = officer
        .get_text(&format!(
            "/office/catalogue?agency={}",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    assert!(list.contains("2024-06-01 废止"), "{list}");
    let (_, shown) = portal(&server, &format!("/documents/{id}")).await;
    assert!(
        shown.contains("废止") && shown.contains("2024-06-01"),
        "{shown}"
    );
    // A repeal date before the document was made is refused.
    let r = officer
        .post(
            &format!("/office/catalogue/{id}/repeal"),
            &[("state", "expired"), ("on", "2020-01-01")],
        )
        .await;
    assert_eq!(r.status(), 422);
    server
}

async fn mistakes_are_shown_next_to_their_fields(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let mut bad = document("", "");
    for f in &mut bad {
        if f.0 == "published" {
            f.1 = "昨天";
        }
        if f.0 == "item" {
            f.1 = "第二十条第（十六）项";
        }
    }
    let r = post(&officer, "/office/catalogue", &bad, false).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    for (field, message) in [
        ("index_number", "请填写索引号"),
        ("title", "请填写信息名称"),
        ("published", "请填写日期"),
        ("item", "第二十条"),
    ] {
        assert!(
            page.contains(&format!("href=\"#{field}\"")),
            "{field}: {page}"
        );
        assert!(page.contains(message), "{message}");
    }
    assert!(
        page.contains("测自然资发〔2024〕3号"),
        "what was typed is kept"
    );
    // A second document with the same 索引号 is refused on the form.
    let r = post(
        &officer,
        "/office/catalogue",
        &document("OC-DUP", "甲"),
        false,
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = post(
        &officer,
        "/office/catalogue",
        &document("OC-DUP", "乙"),
        false,
    )
    .await;
    assert_eq!(r.status(), 422);
    server
}

async fn only_those_who_handle_the_agency_write_its_catalogue(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let id = id_of(
        &post(
            &officer,
            "/office/catalogue",
            &document("OC-AUTH", "权限测试文件"),
            false,
        )
        .await,
    );
    let a = gongkai_web::auth::form_urlencoded_component(A);
    for (who, read, write) in [
        (Who::OfficerB, 404, 404),
        (Who::Supervisor, 200, 403),
        (Who::Admin, 200, 403),
    ] {
        let b = server.browser(who).await;
        assert_eq!(
            b.get(&format!("/office/catalogue?agency={a}"))
                .await
                .status(),
            read,
            "{who:?} list"
        );
        let page = b.get(&format!("/office/catalogue/{id}")).await;
        assert_eq!(page.status(), read, "{who:?} document");
        if read == 200 {
            let text = page.text().await.unwrap();
            assert!(
                text.contains("<fieldset disabled>"),
                "read only for {who:?}"
            );
            assert!(!text.contains("/repeal"), "no repeal form for {who:?}");
        }
        let r = post(
            &b,
            "/office/catalogue",
            &document(&format!("OC-{who:?}"), "越权"),
            false,
        )
        .await;
        assert_eq!(r.status(), write, "{who:?} create");
        let r = post(&b, "/office/catalogue", &document("", ""), false).await;
        assert_eq!(r.status(), write, "{who:?} create with mistakes");
        let r = post(
            &b,
            &format!("/office/catalogue/{id}"),
            &document("OC-AUTH", "越权修改"),
            false,
        )
        .await;
        assert_eq!(r.status(), write, "{who:?} edit");
        let r = b
            .post(
                &format!("/office/catalogue/{id}/repeal"),
                &[("state", "expired"), ("on", "2024-06-01")],
            )
            .await;
        assert_eq!(r.status(), write, "{who:?} repeal");
    }
    let (_, shown) = portal(&server, &format!("/documents/{id}")).await;
    assert!(shown.contains("权限测试文件") && !shown.contains("越权") && !shown.contains("失效"));
    server
}

async fn a_hostile_title_comes_back_escaped(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let xss = "<script>alert(1)</script>规划";
    let mut doc = document("OC-XSS", xss);
    for f in &mut doc {
        if f.0 == "body_kind" {
            f.1 = "html";
        }
        if f.0 == "body" {
            f.1 = "<p onclick=\"alert(2)\">正文</p><script>alert(3)</script>";
        }
    }
    let id = id_of(&post(&officer, "/office/catalogue", &doc, false).await);
    let list = officer
        .get_text(&format!(
            "/office/catalogue?agency={}",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    let page = officer.get_text(&format!("/office/catalogue/{id}")).await;
    let (_, shown) = portal(&server, &format!("/documents/{id}")).await;
    for (name, text) in [("list", &list), ("form", &page), ("portal", &shown)] {
        assert!(!text.contains("<script>alert"), "{name}: {text}");
        assert!(!text.contains("onclick"), "{name}");
        assert!(text.contains("&#60;script&#62;alert(1)"), "{name}: {text}");
    }
    server
}
