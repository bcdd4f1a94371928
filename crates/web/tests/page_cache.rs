//! The cache of the portal's public pages, on SQLite and PostgreSQL: a page is served again
//! from the cache, and a write through the back office shows on the portal at once.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{GOV, Server, Who};

on_both!(a_write_shows_on_the_portal_at_once);

async fn a_write_shows_on_the_portal_at_once(server: Server) -> Server {
    let citizen = server.browser(Who::Anonymous).await;
    let home = citizen.get_text("/").await;
    assert!(!home.contains("新设的局"));
    // Served again: the same page.
    assert_eq!(citizen.get_text("/").await, home);
    let admin = server.browser(Who::Admin).await;
    let r = admin
        .post("/office/agencies", &[("name", "新设的局"), ("parent", GOV)])
        .await;
    assert_eq!(r.status(), 303);
    let home = citizen.get_text("/").await;
    assert!(home.contains("新设的局"), "{home}");
    // The application form is never cached: each has its own token.
    let a = citizen.get_text("/apply").await;
    let b = citizen.get_text("/apply").await;
    assert_ne!(a, b);
    server
}
