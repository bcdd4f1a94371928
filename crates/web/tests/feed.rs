//! The calendar feed from the back office, on SQLite and PostgreSQL: an officer creates the
//! feed's address (shown once), a calendar program reads it without a login and finds the
//! officer's open request with its alarm and the report due date; a new address ends the old
//! one; a revoked address answers 404 like one that never existed.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{Server, Who};

on_both!(an_officer_subscribes_to_the_feed_and_revokes_it);

/// The feed's address in the page that created it.
fn feed_path(page: &str) -> String {
    let at = page.find("/ical/").expect("the new address is shown");
    let end = page[at..].find(".ics").expect("an .ics address") + at + ".ics".len();
    page[at..end].to_owned()
}

async fn an_officer_subscribes_to_the_feed_and_revokes_it(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let request = officer
        .post(
            "/office/requests",
            &[
                ("agency", common::A),
                ("reference", "FEED-1"),
                ("applicant", "张三"),
                ("kind", "自然人"),
                ("channel", "当面"),
                ("received", &gongkai_web::china_today().to_string()),
                ("description", "某文件"),
            ],
        )
        .await;
    assert!(request.status().is_success() || request.status().is_redirection());
    let page = officer.get_text("/office/feed").await;
    assert!(page.contains("尚未生成订阅地址"), "{page}");

    let created = officer.post("/office/feed", &[]).await;
    assert_eq!(created.status(), 200);
    let path = feed_path(&created.text().await.unwrap());
    // Anyone with the address, without a session: the calendar.
    let anonymous = reqwest::Client::new();
    let feed = anonymous.get(server.url(&path)).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = feed.text().await.unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR"), "{text}");
    assert!(
        text.contains("FEED-1") && text.contains("BEGIN:VALARM"),
        "{text}"
    );
    assert!(text.contains("第四十九条"), "{text}");
    // The page no longer shows the address, only that one exists.
    let page = officer.get_text("/office/feed").await;
    assert!(
        !page.contains(&path) && page.contains("当前订阅地址生成于"),
        "{page}"
    );

    // A new address: the old one is gone.
    let rotated = feed_path(
        &officer
            .post("/office/feed", &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_ne!(rotated, path);
    let old = anonymous.get(server.url(&path)).send().await.unwrap();
    assert_eq!(old.status(), 404);
    let revoked = officer.post("/office/feed/revoke", &[]).await;
    assert!(revoked.status().is_success() || revoked.status().is_redirection());
    let gone = anonymous.get(server.url(&rotated)).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    server
}
