//! Information asked for by several applicants (第四十四条), on SQLite and PostgreSQL: two
//! applicants naming one 文号 (written two ways) and two describing one plan in other words are
//! listed as two groups, the first marked disclosable once one of its requests was answered
//! with disclosure; one applicant asking twice is no group; the page offers the catalogue's form
//! filled from a group, and the sibling's officer sees none of it.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Server, Who};
use gongkai_web::auth::form_urlencoded_component as enc;

on_both!(information_asked_for_by_several_applicants_is_listed);

async fn request(server: &Server, reference: &str, applicant: &str, description: &str) -> i64 {
    let (status, answer) = server
        .post_json(
            "/api/v1/requests",
            Who::OfficerA,
            &serde_json::json!({
                "agency": A, "reference": reference, "applicant": applicant, "kind": "自然人",
                "channel": "网上", "received": "2024-03-05", "description": description,
            }),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    answer["id"].as_i64().unwrap()
}

async fn information_asked_for_by_several_applicants_is_listed(server: Server) -> Server {
    let first = request(&server, "R-1", "张三", "申请公开测自然资发〔2024〕3号文件").await;
    request(&server, "R-2", "李四", "请提供测自然资发[2024]3号的全文").await;
    request(&server, "R-3", "王五", "某镇2023年土地征收补偿安置方案").await;
    request(
        &server,
        "R-4",
        "赵六",
        "申请公开某镇2023年土地征收补偿安置方案",
    )
    .await;
    request(&server, "R-5", "孙七", "2024年度部门预算执行情况").await;
    request(&server, "R-6", "孙七", "2024年度部门预算执行情况说明").await;
    let (status, answer) = server
        .post_json(
            &format!("/api/v1/requests/{first}/events"),
            Who::OfficerA,
            &serde_json::json!({"event": "decided", "date": "2024-03-20", "outcome": "予以公开"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");

    let path = format!("/api/v1/repeated-requests?agency={}&year=2024", enc(A));
    let list = server.get_json(&path, Who::OfficerA).await;
    let items = list["items"].as_array().unwrap_or_else(|| panic!("{list}"));
    assert_eq!(items.len(), 2, "{list}");
    let by_number = items
        .iter()
        .find(|g| g["doc_number"] == "测自然资发〔2024〕3号")
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(by_number["applicants"], 2);
    assert_eq!(by_number["disclosable"], true);
    let references: Vec<&str> = by_number["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(references, ["R-1", "R-2"]);
    let by_words = items.iter().find(|g| g["doc_number"].is_null()).unwrap();
    assert_eq!(by_words["disclosable"], false);
    assert_eq!(by_words["requests"].as_array().unwrap().len(), 2);
    assert!(
        !list.to_string().contains("R-5"),
        "one applicant asking twice is no group: {list}"
    );

    // The page offers the catalogue's form, filled from the group.
    let officer = server.browser(Who::OfficerA).await;
    let page = officer
        .get_text(&format!("/office/repeated?agency={}&year=2024", enc(A)))
        .await;
    assert!(page.contains("2 个申请人，2 件申请"), "{page}");
    // The link of the group joined by the 文号 (the other has none to fill in).
    let draft = page
        .split("href=\"/office/catalogue/new?")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|l| l.replace("&#38;", "&"))
        .find(|l| !l.ends_with("doc_number="))
        .unwrap_or_else(|| panic!("{page}"));
    let form = officer
        .get_text(&format!("/office/catalogue/new?{draft}"))
        .await;
    assert!(form.contains("value=\"测自然资发〔2024〕3号\""), "{form}");

    // B's officer sees none of A's requests.
    let r = server
        .api()
        .get(server.url(&path))
        .bearer_auth(server.token(Who::OfficerB).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    server
}
