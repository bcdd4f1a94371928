//! Redaction through the API and the pages (区分处理, 第三十七条), on SQLite and PostgreSQL: the
//! officer uploads and marks (the pattern pass included) and may not release; the approver
//! releases and gets the applicant's address; the applicant's tracking lists and serves the
//! rebuilt copy only; the original stays with the handling roles. Skips without poppler.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Server, Who};
use gongkai_redact::fixtures;

on_both!(the_approver_releases_the_copy_the_applicant_downloads);

async fn the_approver_releases_the_copy_the_applicant_downloads(server: Server) -> Server {
    let tools = gongkai_redact::Tools::default();
    if !tools.available(gongkai_redact::Kind::Pdf.programs()) {
        eprintln!("SKIPPED: poppler is not installed");
        return server;
    }
    let api = server.api();
    let officer = server.token(Who::OfficerA).unwrap().to_owned();
    let approver = server.approver_of_a().await;
    // An applicant applies on the portal.
    let r = api
        .post(server.url("/api/v1/applications"))
        .json(&serde_json::json!({
            "agency": server.agency_id(A).await, "applicant": "赵六", "kind": "自然人",
            "id_type": "居民身份证", "id_number": "11010519491231002X", "phone": "13912340042",
            "description": "某项目的环评材料", "form": "网上获取",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let receipt: serde_json::Value = r.json().await.unwrap();
    let code = receipt["tracking_code"].as_str().unwrap().to_owned();
    let requests = server.requests_of_a().await;
    let request = requests["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reference"] == receipt["reference"])
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // The officer uploads: a text file is refused by its content (415), the PDF kept.
    let upload = |token: String, bytes: Vec<u8>, name: &'static str| {
        api.post(server.url(&format!("/api/v1/requests/{request}/documents")))
            .bearer_auth(token)
            .multipart(common::file_form(bytes, name))
            .send()
    };
    let r = upload(officer.clone(), "只是文字".as_bytes().to_vec(), "a.txt")
        .await
        .unwrap();
    assert_eq!(r.status(), 415, "{}", r.text().await.unwrap());
    let original = fixtures::text_pdf(2);
    let r = upload(officer.clone(), original.clone(), "环评材料.pdf")
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();

    // Marked: a drawn box and the pattern pass's five numbers (第十五条).
    let redact = |token: String, body: serde_json::Value| {
        api.post(server.url(&format!("/api/v1/documents/{id}/redaction")))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let r = redact(
        officer.clone(),
        serde_json::json!({"boxes": [{"page": 1, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.1,
                                      "reason": "第三十七条"}]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["details"][0]["field"], "boxes[0].reason", "{v}");
    let r = redact(
        officer.clone(),
        serde_json::json!({"boxes": [{"page": 2, "x": 0.1, "y": 0.05, "w": 0.5, "h": 0.05,
                                      "reason": "第十六条第一款"}], "patterns": true}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let boxes = v["boxes"].as_array().unwrap();
    assert_eq!(boxes.len(), 6, "{v}");
    assert_eq!(boxes[0]["reason"], "第十六条第一款");
    assert!(
        boxes[1..]
            .iter()
            .all(|b| b["reason"] == "第十五条" && b["pattern"] == true)
    );
    let doc = server
        .get_json(&format!("/api/v1/documents/{id}"), Who::OfficerA)
        .await;
    assert_eq!(doc["pages"], 2);
    assert_eq!(doc["boxes"].as_array().unwrap().len(), 6);
    assert!(doc["released_copy"].is_null());

    // The officer may not release it (403), the approver does.
    let release = |token: String| {
        api.post(server.url(&format!("/api/v1/documents/{id}/release")))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(release(officer.clone()).await.unwrap().status(), 403);
    let r = release(approver.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["url"], format!("/track/documents/{id}"));
    assert_eq!(v["name"], "环评材料（区分处理）.pdf");
    assert_eq!(release(approver).await.unwrap().status(), 409);
    let r = redact(officer.clone(), serde_json::json!({"boxes": []}))
        .await
        .unwrap();
    assert_eq!(r.status(), 409);

    // The applicant's tracking page lists the copy and serves it, never the original.
    let citizen = server.browser(Who::Anonymous).await;
    let page = citizen
        .post("/track", &[("code", &code), ("last4", "0042")])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("环评材料（区分处理）.pdf"), "{page}");
    let r = citizen
        .post(
            v["url"].as_str().unwrap(),
            &[("code", &code), ("last4", "0042")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let copy = r.bytes().await.unwrap().to_vec();
    assert_ne!(copy, original);
    for number in fixtures::planted() {
        assert!(
            !copy.windows(number.len()).any(|w| w == number.as_bytes()),
            "{number}"
        );
    }
    // The original: the handling roles only (the supervising office sees the request, not it).
    assert_eq!(
        server
            .browser(Who::Supervisor)
            .await
            .get(&format!("/office/replies/{id}"))
            .await
            .status(),
        403
    );
    let r = server
        .browser(Who::OfficerA)
        .await
        .get(&format!("/office/replies/{id}"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), original);
    server
}
