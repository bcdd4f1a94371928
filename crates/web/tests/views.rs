//! The portal's page views (issue 15): counted by the server per agency and day, without
//! cookies; under concurrent load the counts add up exactly after a graceful stop (N pages of an
//! agency served → N views stored), pages of no agency, feeds, errors and the back office are
//! not counted, and a running server writes its counts within seconds. Both backends.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use chrono::Datelike;
use common::{A, B, Server, TestStore, Who, document};
use gongkai_search::AnySearch;
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_store::PageViews;
use gongkai_web::WebStore;

on_both!(
    page_views_add_up_exactly_after_a_graceful_stop,
    a_running_server_writes_its_counts_within_seconds,
);

/// A document of A (its page counts for A though its path does not name A).
async fn seed<S: WebStore>(store: &S, server: &Server) -> (i64, i64, i64) {
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let ctx = Ctx::new(store, &scope, &settings);
    let dir = tempfile::tempdir().unwrap();
    let index = AnySearch::tantivy(dir.path()).unwrap();
    let doc = ctx
        .add_document(
            &index,
            &server.attachments.of(store),
            1 << 20,
            document(
                A,
                "VIEWS/2024-1",
                "访问量测试文件",
                gongkai_web::china_today(),
            ),
        )
        .await
        .unwrap();
    let a = store.agency_by_name(A).await.unwrap().unwrap().id.0;
    let b = store.agency_by_name(B).await.unwrap().unwrap().id.0;
    (a, b, doc.id.0)
}

async fn seeded(server: &Server) -> (i64, i64, i64) {
    match server.store.clone().unwrap() {
        TestStore::Sqlite(s) => seed(&s, server).await,
        TestStore::Postgres(s) => seed(&s, server).await,
    }
}

async fn views(server: &Server, agency: i64) -> i64 {
    let year = gongkai_web::china_today().year();
    let id = [gongkai_cases::AgencyId(agency)];
    let got = match server.store.clone().unwrap() {
        TestStore::Sqlite(s) => s.page_views(&id, year).await.unwrap(),
        TestStore::Postgres(s) => s.page_views(&id, year).await.unwrap(),
    };
    got.first().map_or(0, |(_, v)| *v)
}

/// GETs `path` `n` times, eight at a time, each answered with `status`.
async fn load(server: &Server, path: String, n: usize, status: u16) {
    let client = server.api();
    let url = server.url(&path);
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in 0..n.div_ceil(8) {
        let (client, url) = (client.clone(), url.clone());
        let here = 8.min(n - chunk * 8);
        tasks.spawn(async move {
            for _ in 0..here {
                let r = client.get(&url).send().await.unwrap();
                assert_eq!(r.status().as_u16(), status, "{url}");
                // The header naming the agency is the server's own: never sent.
                assert!(r.headers().get("x-gongkai-agency").is_none());
                r.bytes().await.unwrap();
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}

async fn page_views_add_up_exactly_after_a_graceful_stop(mut server: Server) -> Server {
    let (a, b, doc) = seeded(&server).await;
    tokio::join!(
        load(&server, format!("/agencies/{a}"), 120, 200),
        load(&server, format!("/agencies/{a}/catalogue"), 50, 200),
        load(&server, format!("/documents/{doc}"), 70, 200),
        load(&server, format!("/agencies/{b}"), 33, 200),
        // Not pages of an agency's: a feed, the home page, search, a page that does not exist.
        load(&server, format!("/agencies/{a}/feed.atom"), 9, 200),
        load(&server, "/".to_owned(), 9, 200),
        load(&server, "/search?q=测试".to_owned(), 5, 200),
        load(&server, "/agencies/999999".to_owned(), 5, 404),
    );
    // The back office is no portal page.
    let officer = server.browser(Who::OfficerA).await;
    assert_eq!(officer.get("/office").await.status(), 200);
    server.halt().await;
    assert_eq!(views(&server, a).await, 120 + 50 + 70);
    assert_eq!(views(&server, b).await, 33);
    server
}

async fn a_running_server_writes_its_counts_within_seconds(server: Server) -> Server {
    let (a, _, _) = seeded(&server).await;
    load(&server, format!("/agencies/{a}/catalogue"), 10, 200).await;
    // `portal.views_flush_seconds` is 5 by default: written within twice that, while running.
    let mut seen = 0;
    for _ in 0..100 {
        seen = views(&server, a).await;
        if seen == 10 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen, 10);
    server
}
