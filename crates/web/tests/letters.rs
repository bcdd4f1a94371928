//! The letters of a request on the web, on SQLite and PostgreSQL: `renderLetter` answers the
//! DOCX of the request's state (and 422 for an unknown kind); the back office page preselects
//! that kind, downloads it, and stores it with the request as a reply document that only those
//! who handle the agency may add.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Server, Who};

on_both!(
    a_request_letter_is_rendered_downloaded_and_stored,
    a_stored_letter_is_released_to_the_tracking_page,
);

fn docx_text(bytes: &[u8]) -> String {
    gongkai_reader::docx::parse(bytes).unwrap().plain_text()
}

async fn a_request_letter_is_rendered_downloaded_and_stored(server: Server) -> Server {
    let token = server.token(Who::OfficerA).unwrap().to_owned();
    let today = gongkai_web::china_today().to_string();
    let created: serde_json::Value = server
        .api()
        .post(server.url("/api/v1/requests"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "agency": A, "reference": "LT-1", "applicant": "孙文书", "kind": "自然人",
            "channel": "当面", "received": today, "description": "某项目的批复",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{created}"));
    let decided = server
        .api()
        .post(server.url(&format!("/api/v1/requests/{id}/events")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"event": "decided", "date": today, "outcome": "属于四类过程性信息"}))
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), 200, "{}", decided.text().await.unwrap());

    let letter = server
        .api()
        .get(server.url(&format!("/api/v1/requests/{id}/letter")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(letter.status(), 200);
    assert_eq!(
        letter.headers()["content-type"],
        gongkai_web::portal::reports::DOCX
    );
    let text = docx_text(&letter.bytes().await.unwrap());
    assert!(text.contains("孙文书"), "{text}");
    assert!(
        text.contains("第十六条第二款和第三十六条第（三）项"),
        "{text}"
    );
    let unknown = server
        .api()
        .get(server.url(&format!("/api/v1/requests/{id}/letter?kind=memo")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 422);
    let body: serde_json::Value = unknown.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("未知的文书种类"),
        "{body}"
    );

    // The back office: the reply's kind preselected, downloaded, then stored.
    let officer = server.browser(Who::OfficerA).await;
    let page = officer.get_text(&format!("/office/requests/{id}")).await;
    assert!(
        page.contains("<option value=\"reply-withheld\" selected>"),
        "{page}"
    );
    let download = officer
        .get(&format!("/office/requests/{id}/letter?kind=receipt"))
        .await;
    assert_eq!(download.status(), 200);
    assert!(docx_text(&download.bytes().await.unwrap()).contains("登记回执"));
    let supervisor = server.browser(Who::Supervisor).await;
    let r = supervisor
        .post(&format!("/office/requests/{id}/letters"), &[("kind", "")])
        .await;
    assert_eq!(r.status(), 403);
    let r = officer
        .post(&format!("/office/requests/{id}/letters"), &[("kind", "")])
        .await;
    assert_eq!(r.status(), 303);
    let page = officer.get_text(&format!("/office/requests/{id}")).await;
    assert!(page.contains("申请答复告知书-LT-1.docx"), "{page}");
    assert!(page.contains("未发布"), "{page}");
    server
}

/// An online application's 登记回执, stored with the request and released, is what the
/// applicant finds on tracking: the letters go the way of every reply document.
async fn a_stored_letter_is_released_to_the_tracking_page(server: Server) -> Server {
    let agency = server.agency_id(A).await;
    let applied: serde_json::Value = server
        .api()
        .post(server.url("/api/v1/applications"))
        .json(&serde_json::json!({
            "agency": agency, "applicant": "周文书", "kind": "natural_person",
            "id_type": "居民身份证", "id_number": "11010519491231002X", "phone": "13912345678",
            "description": "某项目的批复", "form": "网上获取",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = applied["tracking_code"]
        .as_str()
        .unwrap_or_else(|| panic!("{applied}"));
    let reference = applied["reference"].as_str().unwrap();
    let id = server.requests_of_a().await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reference"] == reference)
        .and_then(|r| r["id"].as_i64())
        .unwrap();
    let officer = server.browser(Who::OfficerA).await;
    let r = officer
        .post(
            &format!("/office/requests/{id}/letters"),
            &[("kind", "receipt")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let track = || async {
        let v: serde_json::Value = server
            .api()
            .post(server.url("/api/v1/applications/track"))
            .json(&serde_json::json!({"tracking_code": code, "phone_last4": "5678"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["documents"].as_array().unwrap().clone()
    };
    assert!(track().await.is_empty(), "not released yet");
    let reply = common::first_reply(&officer.get_text(&format!("/office/requests/{id}")).await);
    let r = officer
        .post(&format!("/office/replies/{reply}/release"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let documents = track().await;
    assert_eq!(documents.len(), 1, "{documents:?}");
    assert_eq!(
        documents[0]["name"],
        format!("申请登记回执-{reference}.docx"),
        "{documents:?}"
    );
    server
}
