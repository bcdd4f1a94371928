//! Timings of the catalogue store on a file database, run by hand:
//! `cargo test --release -p gongkai-store-sqlite --test catalogue_load -- --ignored --nocapture`
//! (`GONGKAI_LOAD_DOCS` sets the number of documents, 20,000 by default).
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongkai_catalogue::{IndexNumber, Item, NewDocument, Validity};
use gongkai_store::conformance::audit;
use gongkai_store::{Agencies, Catalogue, DocumentFilter};
use gongkai_store_sqlite::SqliteStore;
use std::time::Instant;

#[tokio::test]
#[ignore = "a measurement, run by hand"]
async fn catalogue_load() {
    let n: usize = std::env::var("GONGKAI_LOAD_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("load.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    let agency = store
        .create_agency("负载局", None, audit())
        .await
        .unwrap()
        .id;
    let body = "根据《中华人民共和国政府信息公开条例》，现将有关事项通知如下。".repeat(20);
    let doc = |i: usize| NewDocument {
        agency,
        index_number: IndexNumber::parse(&format!("11140802MB1962461X/2020-{i:06}")),
        title: format!("关于印发第{i}号工作方案的通知"),
        doc_number: None,
        written: NaiveDate::from_ymd_opt(2020, 1, 1 + (i % 28) as u32),
        published: NaiveDate::from_ymd_opt(2020, 1 + (i % 12) as u32, 1 + (i % 28) as u32).unwrap(),
        category: None,
        item: Some(Item::Article20(1)),
        topic: "综合政务".into(),
        genre: "通知".into(),
        method: "政府网站".into(),
        scope: "面向社会".into(),
        validity: Validity::InForce,
        interprets: None,
        body_html: format!("<p>{body}</p>"),
        body_text: body.clone(),
        attachments: vec![],
        items: Vec::new(),
        channels: Vec::new(),
    };
    let start = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        store
            .upsert_documents(chunk.iter().map(|&i| doc(i)).collect(), audit())
            .await
            .unwrap();
    }
    let took = start.elapsed();
    println!(
        "upsert (new) {n} documents in batches of 1000: {took:?} ({:.0}/s)",
        n as f64 / took.as_secs_f64()
    );
    let start = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        store
            .upsert_documents(chunk.iter().map(|&i| doc(i)).collect(), audit())
            .await
            .unwrap();
    }
    println!("upsert again (unchanged): {:?}", start.elapsed());
    let start = Instant::now();
    for i in n..n + 500 {
        store.create_document(doc(i), audit()).await.unwrap();
    }
    println!("create_document: {:?} each", start.elapsed() / 500);
    let mut filter = DocumentFilter {
        agencies: vec![agency],
        limit: 20,
        ..Default::default()
    };
    let start = Instant::now();
    let mut pages = 0;
    loop {
        let page = store.list_documents(&filter).await.unwrap();
        let Some(last) = page.last() else { break };
        filter.after = Some((last.data.published, last.id));
        pages += 1;
    }
    println!(
        "list_documents: {pages} pages of 20 in {:?} ({:?} a page)",
        start.elapsed(),
        start.elapsed() / pages
    );
    let start = Instant::now();
    let (mut after, mut seen) = (0, 0);
    loop {
        let page = store.documents_since(after, 1000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.revision;
        seen += page.len();
    }
    println!("documents_since: {seen} documents in {:?}", start.elapsed());
    store.close().await;
}
