//! 答复公开 and triage on the portal (issue 16 §4–5), on SQLite and PostgreSQL: the officer
//! publishes an answered request from its page with the released document chosen; anyone finds
//! it in the log, reads it, downloads the document, never the applicant's name; hostile text in
//! the title comes back escaped; the application form's suggestions answer JSON with what is
//! public and the notice of 第三十九条; withdrawing takes the entry off the portal.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Server, Who, escaped};

on_both!(an_answer_is_published_to_the_log_and_suggested);

const HOSTILE: &str = "<script>alert('x')</script>";

async fn an_answer_is_published_to_the_log_and_suggested(server: Server) -> Server {
    let today = gongkai_web::china_today().to_string();
    let (status, answer) = server
        .post_json(
            "/api/v1/requests",
            Who::OfficerA,
            &serde_json::json!({
                "agency": A, "reference": "GK-LOG-1", "applicant": "钱七", "kind": "自然人",
                "channel": "网上", "received": today, "description": "某水库的除险加固批复",
            }),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    let id = answer["id"].as_i64().unwrap();
    let officer = server.browser(Who::OfficerA).await;
    let page = format!("/office/requests/{id}");
    // Undecided: nothing to publish yet.
    assert!(!officer.get_text(&page).await.contains("h-disclosure"));
    let (status, answer) = server
        .post_json(
            &format!("/api/v1/requests/{id}/events"),
            Who::OfficerA,
            &serde_json::json!({"event": "decided", "date": today, "outcome": "予以公开"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let upload = reqwest::multipart::Form::new()
        .text("csrf", officer.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes("工程,批复\n除险加固,同意\n".as_bytes().to_vec())
                .file_name("批复清单.csv"),
        );
    let r = officer
        .client
        .post(server.url(&format!("/office/requests/{id}/replies")))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let reply = common::first_reply(&officer.get_text(&page).await);
    let r = officer
        .post(&format!("/office/replies/{reply}/release"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let detail = officer.get_text(&page).await;
    assert!(detail.contains("action=\"/office/requests/"), "{detail}");
    assert!(
        detail.contains(&format!("name=\"documents\" value=\"{reply}\"")),
        "{detail}"
    );

    // The applicant's name in the title is refused next to its field; a supervisor may not.
    let reply_s = reply.to_string();
    let r = officer
        .post(
            &format!("{page}/disclosure"),
            &[("title", "钱七要的批复"), ("documents", &reply_s)],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("申请人的姓名"));
    let supervisor = server.browser(Who::Supervisor).await;
    let title = format!("某水库除险加固的批复{HOSTILE}");
    let r = supervisor
        .post(&format!("{page}/disclosure"), &[("title", &title)])
        .await;
    assert_eq!(r.status(), 403);
    let r = officer
        .post(
            &format!("{page}/disclosure"),
            &[("title", &title), ("documents", &reply_s)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let detail = officer.get_text(&page).await;
    assert!(detail.contains("撤回公开"), "{detail}");

    // The portal, for anyone: found by its words, escaped, without the applicant.
    let citizen = server.browser(Who::Anonymous).await;
    let log = citizen.get_text("/disclosures?q=%E9%99%A4%E9%99%A9").await;
    assert!(log.contains(&escaped(&title)), "{log}");
    assert!(!log.contains(HOSTILE));
    assert!(!log.contains("钱七"));
    let entry = log
        .split("href=\"/disclosures/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let none = citizen.get_text("/disclosures?q=%E9%92%B1%E4%B8%83").await;
    assert!(
        !none.contains(&escaped(&title)),
        "searching the applicant finds nothing"
    );
    let shown = citizen.get_text(&format!("/disclosures/{entry}")).await;
    assert!(
        shown.contains("予以公开") && shown.contains("批复清单.csv"),
        "{shown}"
    );
    assert!(!shown.contains("钱七"));
    let file = citizen
        .get(&format!("/disclosures/{entry}/documents/{reply}"))
        .await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        file.bytes().await.unwrap().as_ref(),
        "工程,批复\n除险加固,同意\n".as_bytes()
    );

    // Triage: the entry is suggested for similar wording; a 举报 brings its notice.
    let agency = server.agency_id(A).await;
    let json: serde_json::Value = citizen
        .get(&format!(
            "/apply/suggest?agency={agency}&q=%E6%88%91%E8%A6%81%E4%B8%BE%E6%8A%A5%EF%BC%8C%E6%9F%90%E6%B0%B4%E5%BA%93%E9%99%A4%E9%99%A9%E5%8A%A0%E5%9B%BA"
        ))
        .await
        .json()
        .await
        .unwrap();
    let items = json["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["kind"] == "答复公开" && i["href"] == format!("/disclosures/{entry}")),
        "{json}"
    );
    let notices = json["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{json}");
    assert!(notices[0].as_str().unwrap().contains("举报"));

    // Withdrawn: gone from the portal.
    let r = officer
        .post(&format!("{page}/disclosure/withdraw"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        citizen.get(&format!("/disclosures/{entry}")).await.status(),
        404
    );
    server
}
