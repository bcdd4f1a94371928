//! 答复公开 and triage on the portal (issue 16 §4–5), on SQLite and PostgreSQL: the officer
//! publishes an answered request from its page with the released document chosen; anyone finds
//! it in the log, reads it, downloads the document, never the applicant's name; hostile text in
//! the title comes back escaped; the application form's suggestions answer JSON with what is
//! public and the notice of 第三十九条; withdrawing takes the entry off the portal. The same
//! through the API (`publishDisclosure`, `withdrawDisclosure`).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Server, Who, escaped};

on_both!(
    an_answer_is_published_to_the_log_and_suggested,
    the_api_publishes_and_withdraws_an_answer
);

const HOSTILE: &str = "<script>alert('x')</script>";

/// A request of A received today through the API, by A's officer: its id.
async fn register(server: &Server, reference: &str, applicant: &str, description: &str) -> i64 {
    let today = gongkai_web::china_today().to_string();
    let (status, answer) = server
        .post_json(
            "/api/v1/requests",
            Who::OfficerA,
            &serde_json::json!({
                "agency": A, "reference": reference, "applicant": applicant, "kind": "自然人",
                "channel": "网上", "received": today, "description": description,
            }),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
    answer["id"].as_i64().unwrap()
}

/// Request `id` decided today as 予以公开.
async fn decide(server: &Server, id: i64) {
    let today = gongkai_web::china_today().to_string();
    let (status, answer) = server
        .post_json(
            &format!("/api/v1/requests/{id}/events"),
            Who::OfficerA,
            &serde_json::json!({"event": "decided", "date": today, "outcome": "予以公开"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
}

async fn an_answer_is_published_to_the_log_and_suggested(server: Server) -> Server {
    let id = register(&server, "GK-LOG-1", "钱七", "某水库的除险加固批复").await;
    let officer = server.browser(Who::OfficerA).await;
    let page = format!("/office/requests/{id}");
    // Undecided: nothing to publish yet.
    assert!(!officer.get_text(&page).await.contains("h-disclosure"));
    decide(&server, id).await;
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
    // The portal's one search box finds it with the catalogue's documents (first page, no
    // filter the log has no field for).
    let search = citizen.get_text("/search?q=%E9%99%A4%E9%99%A9").await;
    assert!(search.contains("答复公开中的结果"), "{search}");
    assert!(
        search.contains(&format!("href=\"/disclosures/{entry}\"")),
        "{search}"
    );
    assert!(search.contains(&escaped(&title)) && !search.contains(HOSTILE));
    let narrowed = citizen
        .get_text("/search?q=%E9%99%A4%E9%99%A9&year=2024")
        .await;
    assert!(!narrowed.contains("答复公开中的结果"), "{narrowed}");
    let agency_a = server.agency_id(A).await;
    let of_a = citizen
        .get_text(&format!(
            "/agencies/{agency_a}/catalogue?q=%E9%99%A4%E9%99%A9"
        ))
        .await;
    assert!(
        of_a.contains(&format!("href=\"/disclosures/{entry}\"")),
        "{of_a}"
    );
    let other = server.agency_id(common::B).await;
    let of_b = citizen
        .get_text(&format!("/agencies/{other}/catalogue?q=%E9%99%A4%E9%99%A9"))
        .await;
    assert!(!of_b.contains("答复公开中的结果"), "{of_b}");
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

/// `publishDisclosure` and `withdrawDisclosure`: refused before the answer (409), with the
/// applicant's name in the title (422), to those who may not (403) or do not see the request
/// (404); published once (a retry with the same `Idempotency-Key` answers the same entry, a
/// second publication is a 409); withdrawn (204, and 204 again: it is not in the log either way).
async fn the_api_publishes_and_withdraws_an_answer(server: Server) -> Server {
    let id = register(&server, "GK-LOG-API", "孙八", "某大桥的竣工验收报告").await;
    let path = format!("/api/v1/requests/{id}/disclosure");
    let body = serde_json::json!({"title": "某大桥竣工验收报告", "documents": []});
    let (status, answer) = server.post_json(&path, Who::OfficerA, &body).await;
    assert_eq!(status, 409, "undecided: {answer}");
    decide(&server, id).await;
    let (status, answer) = server
        .post_json(
            &path,
            Who::OfficerA,
            &serde_json::json!({"title": "孙八要的验收报告", "documents": []}),
        )
        .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["details"][0]["field"], "title", "{answer}");
    let (status, answer) = server
        .post_json(
            &path,
            Who::OfficerA,
            &serde_json::json!({"title": "某大桥竣工验收报告", "documents": [999_999]}),
        )
        .await;
    assert_eq!(status, 422, "a document not released on it: {answer}");
    assert_eq!(server.post_json(&path, Who::Supervisor, &body).await.0, 403);
    assert_eq!(server.post_json(&path, Who::OfficerB, &body).await.0, 404);

    let publish = |key: &'static str| {
        server
            .api()
            .post(server.url(&path))
            .bearer_auth(server.token(Who::OfficerA).unwrap())
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let first = publish("publish-once").await.unwrap();
    assert_eq!(first.status(), 201);
    let entry: serde_json::Value = first.json().await.unwrap();
    assert_eq!(entry["request_id"], id, "{entry}");
    assert_eq!(entry["title"], "某大桥竣工验收报告", "{entry}");
    let url = entry["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("/disclosures/{}", entry["id"]));
    let retried = publish("publish-once").await.unwrap();
    assert_eq!(retried.status(), 201);
    assert_eq!(retried.json::<serde_json::Value>().await.unwrap(), entry);
    assert_eq!(publish("publish-twice").await.unwrap().status(), 409);
    let citizen = server.browser(Who::Anonymous).await;
    let shown = citizen.get_text(&url).await;
    assert!(
        shown.contains("某大桥竣工验收报告") && !shown.contains("孙八"),
        "{shown}"
    );

    let withdraw = |who: Who| {
        server
            .api()
            .delete(server.url(&path))
            .bearer_auth(server.token(who).unwrap())
            .send()
    };
    assert_eq!(withdraw(Who::Supervisor).await.unwrap().status(), 403);
    assert_eq!(withdraw(Who::OfficerA).await.unwrap().status(), 204);
    assert_eq!(citizen.get(&url).await.status(), 404);
    assert_eq!(withdraw(Who::OfficerA).await.unwrap().status(), 204);
    server
}
