//! The letters of a request on the web, on SQLite and PostgreSQL: `renderLetter` answers the
//! DOCX of the request's state (and 422 for an unknown kind); the back office page preselects
//! that kind, downloads it, and stores it with the request as a reply document that only those
//! who handle the agency may add.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Server, Who};

on_both!(a_request_letter_is_rendered_downloaded_and_stored);

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
