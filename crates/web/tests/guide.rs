//! The 政府信息公开指南 (第十二条) from the back office to the portal, on SQLite and PostgreSQL:
//! an officer publishes A's guide and anyone reads it; an agency without one says so; the
//! officer of the sibling B cannot edit A's guide (404), the supervising office and the admin
//! may not (403); mistakes are shown next to their fields; hostile text in every field comes
//! back escaped on both sides.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, B, Server, Who};

on_both!(
    an_officer_publishes_the_guide_and_the_portal_shows_it,
    only_those_who_handle_the_agency_edit_its_guide,
    mistakes_are_shown_next_to_their_fields,
    hostile_text_in_the_guide_comes_back_escaped,
);

/// A complete guide's fields for `agency`, each line field with `tag` in it.
fn fields(agency: &str, tag: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![("agency".into(), agency.into())];
    for (name, value) in [
        ("office", "办公室"),
        ("address", "人民路1号"),
        ("postcode", "223100"),
        ("hours", "工作日 9:00-17:00"),
        ("phone", "0517-1234567"),
        ("fax", "0517-7654321"),
        ("email", "gk@example.gov.cn"),
        ("website", "https://example.gov.cn/"),
        ("proactive", "按主题分类"),
        ("how_to_apply", "填写申请表"),
        ("time_limits", "二十个工作日"),
        ("fees", "不收费"),
        ("remedies", "可以申请行政复议"),
    ] {
        let value = match name {
            "email" | "website" | "phone" | "fax" | "postcode" => value.to_owned(),
            _ => format!("{value}{tag}"),
        };
        f.push((name.into(), value));
    }
    for (k, v) in [
        ("channels", "in_person"),
        ("channels", "online"),
        ("forms", "paper"),
        ("forms", "email"),
    ] {
        f.push((k.into(), v.into()));
    }
    f
}

/// A portal page as an anonymous visitor gets it: status and text.
async fn portal(server: &Server, path: &str) -> (u16, String) {
    let r = reqwest::Client::new()
        .get(server.url(path))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn as_refs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn an_officer_publishes_the_guide_and_the_portal_shows_it(server: Server) -> Server {
    let a = server.agency_id(A).await;
    let page = |id: i64| {
        let server = &server;
        async move {
            let (status, text) = portal(server, &format!("/agencies/{id}/guide")).await;
            assert_eq!(status, 200);
            text
        }
    };
    // No guide yet: the page says so plainly and names the agency.
    let before = page(a).await;
    assert!(
        before.contains(&format!("{A}尚未在本平台发布政府信息公开指南")),
        "{before}"
    );
    let officer = server.browser(Who::OfficerA).await;
    let form = officer.get_text("/office/guide").await;
    assert!(form.contains("本机关尚未发布指南"), "{form}");
    assert!(
        form.contains(r#"href="/office/guide""#),
        "in the navigation"
    );
    let r = officer
        .post("/office/guide", &as_refs(&fields(A, "")))
        .await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let saved = officer.get_text(&location).await;
    assert!(saved.contains("政府信息公开指南已发布"), "{saved}");
    assert!(
        saved.contains("value=\"人民路1号\""),
        "the form is filled in: {saved}"
    );
    assert!(saved.contains(&format!("/agencies/{a}/guide")));
    let shown = page(a).await;
    for text in [
        "测试县自然资源局政府信息公开指南",
        "人民路1号",
        "工作日 9:00-17:00",
        r#"href="tel:0517-1234567""#,
        r#"href="mailto:gk@example.gov.cn""#,
        "当面提交",
        "网上申请",
        "<li>纸质</li>",
        "<li>电子邮件</li>",
        "<h2>信息处理费</h2>",
        "<p>不收费</p>",
    ] {
        assert!(shown.contains(text), "{text} in {shown}");
    }
    assert!(!shown.contains("<li>邮寄</li>"), "only the forms chosen");
    assert!(!shown.contains("尚未在本平台发布"));
    // Edited again: the portal follows.
    let mut changed = fields(A, "");
    changed.retain(|(k, v)| !(k == "forms" && v == "email"));
    changed.push(("forms".into(), "online".into()));
    for f in &mut changed {
        if f.0 == "fees" {
            f.1 = "依照第四十二条收取信息处理费".into();
        }
    }
    let r = officer.post("/office/guide", &as_refs(&changed)).await;
    assert_eq!(r.status(), 303);
    let shown = page(a).await;
    assert!(shown.contains("<li>网上获取</li>") && !shown.contains("<li>电子邮件</li>"));
    assert!(shown.contains("依照第四十二条收取信息处理费"));
    // B has none; an unknown agency is not found.
    let b = server.agency_id(B).await;
    assert!(page(b).await.contains("尚未在本平台发布"));
    assert_eq!(portal(&server, "/agencies/999999/guide").await.0, 404);
    server
}

async fn only_those_who_handle_the_agency_edit_its_guide(server: Server) -> Server {
    let a = server.agency_id(A).await;
    for (who, want) in [
        (Who::OfficerB, 404),
        (Who::Supervisor, 403),
        (Who::Admin, 403),
    ] {
        let browser = server.browser(who).await;
        let r = browser
            .post("/office/guide", &as_refs(&fields(A, "x")))
            .await;
        assert_eq!(r.status(), want, "{who:?}");
        // Refused whatever the form holds: an invalid guide is refused the same way.
        let r = browser
            .post("/office/guide", &[("agency", A), ("office", "")])
            .await;
        assert_eq!(r.status(), want, "{who:?} with an invalid guide");
        // The form offers only the agencies the caller handles.
        let form = browser.get_text("/office/guide").await;
        assert!(!form.contains(&format!(">{A}<")), "{who:?}: {form}");
    }
    let (_, shown) = portal(&server, &format!("/agencies/{a}/guide")).await;
    assert!(shown.contains("尚未在本平台发布"), "nothing was stored");
    // B's officer edits B's guide.
    let officer_b = server.browser(Who::OfficerB).await;
    let r = officer_b
        .post("/office/guide", &as_refs(&fields(B, "")))
        .await;
    assert_eq!(r.status(), 303);
    server
}

async fn mistakes_are_shown_next_to_their_fields(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let mut bad = fields(A, "");
    bad.retain(|(k, _)| k != "forms" && k != "phone");
    for f in &mut bad {
        if f.0 == "email" {
            f.1 = "not an address".into();
        }
    }
    let r = officer.post("/office/guide", &as_refs(&bad)).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    for (field, message) in [
        ("phone", "请填写联系电话"),
        ("email", "不是有效的地址"),
        ("forms", "请至少选择一种提供信息的形式"),
    ] {
        assert!(
            page.contains(&format!("href=\"#{field}\"")),
            "{field} in the summary: {page}"
        );
        assert!(page.contains(message), "{message}");
    }
    assert!(
        page.contains("value=\"人民路1号\""),
        "what was typed is kept"
    );
    let r = officer
        .post(
            "/office/guide",
            &[("agency", A), ("forms", "carrier-pigeon")],
        )
        .await;
    assert_eq!(r.status(), 400);
    server
}

async fn hostile_text_in_the_guide_comes_back_escaped(server: Server) -> Server {
    let a = server.agency_id(A).await;
    let xss = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let officer = server.browser(Who::OfficerA).await;
    let mut hostile = fields(A, xss);
    for f in &mut hostile {
        if f.0 == "website" {
            f.1 = "https://example.gov.cn/\"><script>alert(3)</script>".to_owned();
        }
    }
    let r = officer.post("/office/guide", &as_refs(&hostile)).await;
    assert_eq!(r.status(), 303);
    let office = officer
        .get_text(&format!(
            "/office/guide?agency={}",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    let (_, portal) = portal(&server, &format!("/agencies/{a}/guide")).await;
    for (name, page) in [("office", &office), ("portal", &portal)] {
        assert!(!page.contains("<script>alert"), "{name}: {page}");
        assert!(!page.contains("<img src=x"), "{name}");
        assert!(
            page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{name}: {page}"
        );
    }
    // Every field that carries the payload shows it escaped on the portal.
    let count = portal.matches("&#60;script&#62;alert(1)").count();
    assert!(
        count >= 8,
        "office, address, hours and the five sections: {count}"
    );
    server
}
