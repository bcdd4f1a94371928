//! The catalogue on the public portal (issue 12 §1), without login, on SQLite and PostgreSQL:
//! the agency tree, an agency's 法定主动公开内容 by 第二十条 item, search with highlights,
//! filters and pages by cursor, document pages with their 政策解读 and attachments, the Atom
//! feed, `searchCatalogue`, and hostile text shown escaped on every page.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use chrono::NaiveDate;
use common::{A, B, GOV, Server, TestStore, document as input};
use gongkai_catalogue::{Category, Item};
use gongkai_search::AnySearch;
use gongkai_services::catalogue::{BodyInput, DocumentInput};
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_web::{AttachmentPlace, WebStore};
use std::collections::HashSet;

on_both!(
    the_home_lists_every_agency_and_an_agency_groups_its_documents_by_item,
    search_highlights_filters_narrow_and_pages_neither_repeat_nor_skip,
    a_document_shows_its_metadata_interpretations_attachment_and_feed,
    a_hostile_title_is_shown_escaped_on_every_page,
    an_error_on_a_portal_page_is_shown_in_the_portals_layout,
);

/// A small but real PDF: what the content check of attachments accepts.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

const HOSTILE: &str = "<script>alert(1)</script>恶意标题";

/// How many 工作动态 documents of item (二) A has: more than a page.
const NOTICES: usize = 24;

struct Seeded {
    rules: i64,
    interpretation: i64,
    budget: i64,
    hostile: i64,
    road: i64,
    pdf: String,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The documents, entered through the services as an officer's tools do (with an index of
/// their own: the server's catches up with the store when it is searched).
async fn seed<S: WebStore>(store: &S, attachments: &AttachmentPlace) -> Seeded {
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let ctx = Ctx::new(store, &scope, &settings);
    let dir = tempfile::tempdir().unwrap();
    let index = AnySearch::tantivy(dir.path()).unwrap();
    let blobs = attachments.of(store);
    let max = 1 << 20;
    let add = |doc: DocumentInput| {
        let (ctx, index, blobs) = (&ctx, &index, &blobs);
        async move { ctx.add_document(index, blobs, max, doc).await.unwrap().id.0 }
    };
    let mut rules = input(
        A,
        "TESTA/2024-00001",
        "关于印发《测试县耕地保护管理办法》的通知",
        d(2024, 3, 5),
    );
    rules.doc_number = Some("测自然资规〔2024〕1号".into());
    rules.written = Some(d(2024, 3, 1));
    rules.category = Some(Category::NormativeDocument);
    rules.item = Some(Item::Article20(1));
    rules.topic = "国土资源".into();
    rules.body = BodyInput::Html(
        "<p>为加强<b>耕地占补平衡</b>管理，制定本办法。</p><script>alert(2)</script>".into(),
    );
    rules.attachments = vec![("管理办法 全文.pdf".into(), PDF.to_vec())];
    let rules = add(rules).await;
    let mut interpretation = input(
        A,
        "TESTA/2024-00002",
        "《测试县耕地保护管理办法》政策解读",
        d(2024, 3, 6),
    );
    interpretation.interprets = Some("TESTA/2024-00001".into());
    interpretation.item = Some(Item::Article20(1));
    interpretation.body = BodyInput::Text("一、制定背景\n二、主要内容".into());
    let interpretation = add(interpretation).await;
    let mut budget = input(
        A,
        "TESTA/2024-00003",
        "测试县自然资源局2024年部门预算",
        d(2024, 2, 1),
    );
    budget.item = Some(Item::Article20(7));
    budget.body = BodyInput::Text("部门预算收支总表".into());
    let budget = add(budget).await;
    let mut hostile = input(A, "TESTA/2024-00099", HOSTILE, d(2024, 1, 10));
    hostile.item = Some(Item::Article20(7));
    hostile.body = BodyInput::Text("恶意标题的正文".into());
    let hostile = add(hostile).await;
    for n in 1..=NOTICES {
        let mut notice = input(
            A,
            &format!("TESTA/2023-{n:05}"),
            &format!("测试县自然资源局工作动态第{n}期"),
            d(2023, 1, 1) + chrono::Days::new(n as u64 * 7),
        );
        notice.item = Some(Item::Article20(2));
        notice.body = BodyInput::Text(format!("本期工作动态共{n}条"));
        add(notice).await;
    }
    let mut road = input(
        B,
        "TESTB/2023-00001",
        "测试县交通运输局2023年道路养护计划",
        d(2023, 4, 1),
    );
    road.item = Some(Item::Article20(3));
    road.body = BodyInput::Text("道路养护的计划".into());
    let road = add(road).await;
    Seeded {
        rules,
        interpretation,
        budget,
        hostile,
        road,
        pdf: gongkai_store::blobs::sha256_hex(PDF),
    }
}

async fn seeded(server: &Server) -> Seeded {
    match server.store.clone().unwrap() {
        TestStore::Sqlite(s) => seed(&s, &server.attachments).await,
        TestStore::Postgres(s) => seed(&s, &server.attachments).await,
    }
}

/// Anonymous GET: status and body.
async fn get(server: &Server, path: &str) -> (u16, String) {
    let r = server.api().get(server.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn page(server: &Server, path: &str) -> String {
    let (status, body) = get(server, path).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// The agencies' ids by name, from the home page's links.
async fn agency_ids(server: &Server) -> Vec<(String, i64)> {
    let home = page(server, "/").await;
    home.split("<a href=\"/agencies/")
        .skip(1)
        .map(|s| {
            let (id, rest) = s.split_once("\">").unwrap();
            let name = rest.split('<').next().unwrap();
            (name.to_owned(), id.parse().unwrap())
        })
        .collect()
}

async fn id_of(server: &Server, name: &str) -> i64 {
    agency_ids(server)
        .await
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} not on the home page"))
        .1
}

/// An anonymous GET of the API, its JSON.
async fn json(server: &Server, path: &str) -> serde_json::Value {
    let r = server.api().get(server.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.unwrap()
}

/// The ids of a `searchCatalogue` page, in order.
fn item_ids(page: &serde_json::Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// The documents a result list links to, in order.
fn listed(page: &str) -> Vec<i64> {
    let Some(list) = page.split("<ol class=\"docs\">").nth(1) else {
        return Vec::new();
    };
    let list = list.split("</ol>").next().unwrap();
    list.split("<a class=\"doc-title\" href=\"/documents/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// The link of the next page, unescaped.
fn next_link(page: &str) -> Option<String> {
    let at = page.find("rel=\"next\"")?;
    let before = &page[..at];
    let href = before.rsplit("href=\"").next()?.split('"').next()?;
    // Askama writes `&` in an attribute as `&#38;`, as a browser reads it.
    Some(href.replace("&#38;", "&").replace("&amp;", "&"))
}

async fn the_home_lists_every_agency_and_an_agency_groups_its_documents_by_item(
    server: Server,
) -> Server {
    let s = seeded(&server).await;
    let home = page(&server, "/").await;
    for name in [GOV, A, B] {
        assert!(home.contains(&format!("\">{name}</a>")), "{name} in {home}");
    }
    // Nested lists: the departments inside the government's item.
    let gov = home.find(GOV).unwrap();
    let nested = home[gov..].find("<ul>").unwrap() + gov;
    assert!(home[nested..].contains(A) && home[nested..].contains(B));
    assert!(home.contains("action=\"/search\""), "the search box");

    let a = id_of(&server, A).await;
    let agency = page(&server, &format!("/agencies/{a}")).await;
    for link in [
        format!("/agencies/{a}/guide"),
        format!("/agencies/{a}/catalogue"),
        format!("/agencies/{a}/reports"),
        format!("/apply?agency={a}"),
    ] {
        assert!(agency.contains(&format!("href=\"{link}\"")), "{link}");
    }
    assert!(agency.contains(&format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{A} 政府信息公开目录\" href=\"/agencies/{a}/feed.atom\">"
    )));
    // The groups in the order of 第二十条, each with the 条例's wording and its documents.
    let mandatory = agency.split("id=\"mandatory\"").nth(1).unwrap();
    let mandatory = mandatory.split("id=\"newest-h\"").next().unwrap();
    let at = |needle: &str| {
        mandatory
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {mandatory}"))
    };
    let (one, two, seven) = (
        at("第二十条第（一）项"),
        at("第二十条第（二）项"),
        at("第二十条第（七）项"),
    );
    assert!(one < two && two < seven);
    assert!(at("行政法规、规章和规范性文件") > one);
    assert!(at("财政预算、决算信息") > seven);
    let doc = |id: i64| at(&format!("href=\"/documents/{id}\""));
    for id in [s.rules, s.interpretation] {
        assert!(
            doc(id) > one && doc(id) < two,
            "document {id} under item (一)"
        );
    }
    for id in [s.budget, s.hostile] {
        assert!(doc(id) > seven, "document {id} under item (七)");
    }
    // Item (二) shows its newest five and links to all of them.
    assert!(mandatory.contains(&format!("查看该事项全部 {NOTICES} 条")));
    assert!(mandatory.contains(&format!("href=\"/agencies/{a}/catalogue?item=2\"")));
    assert!(
        !mandatory.contains("第二十条第（三）项"),
        "B's item is not A's"
    );
    // Unknown agencies are not found.
    for path in [
        "/agencies/999999",
        "/agencies/x",
        "/agencies/999999/catalogue",
    ] {
        assert_eq!(get(&server, path).await.0, 404, "{path}");
    }
    server
}

async fn search_highlights_filters_narrow_and_pages_neither_repeat_nor_skip(
    server: Server,
) -> Server {
    let s = seeded(&server).await;
    let a = id_of(&server, A).await;
    // A word of the body: found, and highlighted in the snippet.
    let found = page(&server, "/search?q=%E8%80%95%E5%9C%B0").await; // 耕地
    let ids = listed(&found);
    assert!(ids.contains(&s.rules), "{ids:?}");
    assert!(!ids.contains(&s.budget));
    let hit = found
        .split(&format!("href=\"/documents/{}\"", s.rules))
        .nth(1)
        .unwrap()
        .split("</li>")
        .next()
        .unwrap();
    assert!(
        hit.contains("<p class=\"snippet\">") && hit.contains("<mark>耕地</mark>"),
        "{hit}"
    );
    assert!(
        found.contains("value=\"耕地\""),
        "the query stays in the box"
    );
    // The same through searchCatalogue, in the same order.
    let api = json(&server, "/api/v1/catalogue/search?q=%E8%80%95%E5%9C%B0").await;
    assert_eq!(item_ids(&api), ids);
    let first = &api["items"][0];
    assert_eq!(first["url"], format!("/documents/{}", first["id"]));
    let rules = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == s.rules)
        .unwrap();
    assert_eq!(rules["agency"], A);
    assert_eq!(rules["index_number"], "TESTA/2024-00001");
    assert_eq!(rules["published"], "2024-03-05");
    assert!(
        rules["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["highlight"] == true && p["text"] == "耕地"),
        "{rules}"
    );
    // The agency by name or id answers the same.
    for agency in [A.to_owned(), a.to_string()] {
        let by = json(
            &server,
            &format!(
                "/api/v1/catalogue/search?q=%E8%80%95%E5%9C%B0&agency={}",
                gongkai_web::auth::form_urlencoded_component(&agency)
            ),
        )
        .await;
        assert_eq!(by["items"].as_array().unwrap().len(), ids.len(), "{by}");
    }

    // Filters narrow: item (七), a year, validity.
    let seven = listed(&page(&server, "/search?item=7").await);
    assert_eq!(
        seven.iter().copied().collect::<HashSet<_>>(),
        HashSet::from([s.budget, s.hostile])
    );
    let year = listed(&page(&server, "/search?year=2023&item=3").await);
    assert_eq!(year, vec![s.road]);
    let of_b = listed(&page(&server, "/search?year=2023&item=2").await);
    assert!(!of_b.contains(&s.road) && !of_b.is_empty());
    assert!(listed(&page(&server, "/search?validity=repealed").await).is_empty());
    // A wrong filter is said on the page (422), with the form.
    let (status, body) = get(&server, "/search?validity=maybe").await;
    assert_eq!(status, 422);
    assert!(body.contains("有效性") && body.contains("<form"), "{body}");

    // Item (二) of A: 24 documents, two pages by cursor, none repeated or skipped.
    let path = format!("/agencies/{a}/catalogue?item=2");
    let one = page(&server, &path).await;
    assert!(one.contains(&format!("共 {NOTICES} 条")), "{one}");
    let first_page = listed(&one);
    assert_eq!(first_page.len(), 20);
    let next = next_link(&one).unwrap();
    assert!(
        next.starts_with(&format!("/agencies/{a}/catalogue?")),
        "{next}"
    );
    let two = page(&server, &next).await;
    let second_page = listed(&two);
    assert_eq!(
        second_page.len(),
        NOTICES - 20,
        "{next}: {first_page:?} then {second_page:?}"
    );
    assert!(next_link(&two).is_none(), "no page after the last");
    let all: HashSet<i64> = first_page.iter().chain(&second_page).copied().collect();
    assert_eq!(all.len(), NOTICES, "a document repeated");
    // Newest first across the pages: the ids were entered oldest first.
    let mut sorted = first_page.clone();
    sorted.extend(&second_page);
    assert!(sorted.windows(2).all(|w| w[0] > w[1]), "{sorted:?}");
    // The API pages the same way.
    let api = json(
        &server,
        &format!("/api/v1/catalogue/search?agency={a}&item=2&limit=20"),
    )
    .await;
    assert_eq!(item_ids(&api), first_page);
    assert!(api["next_cursor"].is_string());
    let r = server
        .api()
        .get(server.url("/api/v1/catalogue/search?cursor=garbage"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    server
}

async fn a_document_shows_its_metadata_interpretations_attachment_and_feed(
    server: Server,
) -> Server {
    let s = seeded(&server).await;
    let a = id_of(&server, A).await;
    let doc = page(&server, &format!("/documents/{}", s.rules)).await;
    for fact in [
        "<dt>索引号</dt><dd>TESTA/2024-00001</dd>",
        "<dt>文号</dt><dd>测自然资规〔2024〕1号</dd>",
        "<dt>成文日期</dt><dd><time datetime=\"2024-03-01\">2024-03-01</time></dd>",
        "<dt>发布日期</dt><dd><time datetime=\"2024-03-05\">2024-03-05</time></dd>",
        "<dt>有效性</dt><dd>有效</dd>",
        "<dt>类别</dt><dd>规范性文件</dd>",
        "<dt>公开事项</dt><dd>第二十条第（一）项：行政法规、规章和规范性文件</dd>",
    ] {
        assert!(doc.contains(fact), "{fact} in {doc}");
    }
    assert!(doc.contains(&format!(
        "<dt>发布机构</dt><dd><a href=\"/agencies/{a}\">{A}</a></dd>"
    )));
    // The sanitised body: its markup kept, the script gone.
    assert!(doc.contains("<b>耕地占补平衡</b>"), "{doc}");
    assert!(!doc.contains("alert(2)"));
    // The interpretation both ways.
    assert!(doc.contains(&format!("href=\"/documents/{}\"", s.interpretation)));
    let interpretation = page(&server, &format!("/documents/{}", s.interpretation)).await;
    assert!(interpretation.contains(&format!("解读的文件：<a href=\"/documents/{}\">", s.rules)));

    // The attachment: its bytes, its media type, its name per RFC 6266.
    let href = format!("/documents/{}/attachments/{}", s.rules, s.pdf);
    assert!(doc.contains(&format!("href=\"{href}\"")), "{doc}");
    let r = server.api().get(server.url(&href)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"attachment.pdf\""),
        "{disposition}"
    );
    assert!(
        disposition.ends_with(
            "filename*=UTF-8''%E7%AE%A1%E7%90%86%E5%8A%9E%E6%B3%95%20%E5%85%A8%E6%96%87.pdf"
        ),
        "{disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    // Another document's id, an unknown digest, an unknown document: not found.
    for path in [
        format!("/documents/{}/attachments/{}", s.budget, s.pdf),
        format!("/documents/{}/attachments/{}", s.rules, "0".repeat(64)),
        "/documents/999999".to_owned(),
        "/documents/abc".to_owned(),
    ] {
        assert_eq!(get(&server, &path).await.0, 404, "{path}");
    }

    // The feed: Atom, the newest first.
    let r = server
        .api()
        .get(server.url(&format!("/agencies/{a}/feed.atom")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let xml = r.text().await.unwrap();
    let feed = atom_syndication::Feed::read_from(xml.as_bytes()).unwrap();
    assert_eq!(feed.entries.len(), 4 + NOTICES);
    assert_eq!(
        feed.entries[0].title.value,
        "《测试县耕地保护管理办法》政策解读"
    );
    assert!(
        feed.entries[0].links[0]
            .href
            .ends_with(&format!("/documents/{}", s.interpretation)),
        "{:?}",
        feed.entries[0].links
    );
    assert!(
        feed.entries
            .iter()
            .all(|e| !e.title.value.contains("道路养护"))
    );
    assert_eq!(get(&server, "/agencies/999999/feed.atom").await.0, 404);
    server
}

async fn a_hostile_title_is_shown_escaped_on_every_page(server: Server) -> Server {
    let s = seeded(&server).await;
    let a = id_of(&server, A).await;
    let pages = [
        format!("/agencies/{a}"),
        format!("/agencies/{a}/catalogue"),
        format!("/agencies/{a}/catalogue?item=7"),
        "/search?q=%E6%81%B6%E6%84%8F".to_owned(), // 恶意
        format!("/documents/{}", s.hostile),
    ];
    for path in &pages {
        let body = page(&server, path).await;
        assert!(!body.contains("<script>alert(1)"), "{path}: {body}");
        assert!(
            body.contains("&#60;script&#62;alert(1)&#60;/script&#62;恶意标题")
                || body.contains("&#60;script&#62;alert(1)&#60;/script&#62;<mark>恶意</mark>"),
            "{path}: the title, escaped: {body}"
        );
    }
    let feed = page(&server, &format!("/agencies/{a}/feed.atom")).await;
    assert!(!feed.contains("<script>alert(1)"), "{feed}");
    let api = page(&server, "/api/v1/catalogue/search?item=7").await;
    let v: serde_json::Value = serde_json::from_str(&api).unwrap();
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["title"] == HOSTILE)
    );
    server
}

/// A page of the portal: its layout (header, search box, 首页), not the back office's.
fn portal(body: &str) -> bool {
    body.contains("class=\"portal\"")
        && body.contains("<a href=\"/\">首页</a>")
        && body.contains("id=\"site-q\"")
        && !body.contains("href=\"/office\">工作台</a>")
}

/// A 404, 422 or 429 on a portal path is a page of the portal (its header, search box and 首页),
/// not of the back office; the back office's errors keep its look; the API answers JSON.
async fn an_error_on_a_portal_page_is_shown_in_the_portals_layout(server: Server) -> Server {
    async fn shown_in_the_portal(r: reqwest::Response, status: u16, says: &str) {
        let path = r.url().path().to_owned();
        assert_eq!(r.status().as_u16(), status, "{path}");
        assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
        assert!(r.headers().contains_key("content-security-policy"));
        let body = r.text().await.unwrap();
        assert!(portal(&body), "{path}: {body}");
        assert!(body.contains(says), "{path}: {body}");
        assert!(body.contains("返回首页"), "{path}: {body}");
    }
    for (path, status, says) in [
        ("/agencies/999999", 404, "999999"),
        ("/agencies/999999/guide", 404, "机关"),
        ("/documents/999999", 404, "999999"),
        ("/no-such-page", 404, "没有这个页面"),
    ] {
        let r = server.api().get(server.url(path)).send().await.unwrap();
        shown_in_the_portal(r, status, says).await;
    }
    // A 422 (the honeypot of the application form) and a 429 (too many look-ups, with when
    // to try again).
    let citizen = server.browser(common::Who::Anonymous).await;
    let r = citizen
        .post("/apply", &[("website", "https://spam.example")])
        .await;
    shown_in_the_portal(r, 422, "提交的内容无法受理").await;
    let mut refused = None;
    for _ in 0..=common::RATE_LIMIT {
        let r = citizen
            .post(
                "/track",
                &[("code", "2345-6789-ABCD-EFGH"), ("last4", "0000")],
            )
            .await;
        if r.status() == 429 {
            refused = Some(r);
            break;
        }
    }
    let refused = refused.expect("the look-ups are limited");
    assert_eq!(refused.headers()["retry-after"], "60");
    shown_in_the_portal(refused, 429, "频繁").await;
    // The back office's look where the path is the back office's, logged in or not.
    let officer = server.browser(common::Who::OfficerA).await;
    for r in [
        officer.get("/office/requests/999999").await,
        officer.get("/office/no-such-page").await,
        server
            .api()
            .get(server.url("/office/no-such-page"))
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(r.status(), 404);
        let body = r.text().await.unwrap();
        assert!(
            !portal(&body) && !body.contains("class=\"portal\""),
            "{body}"
        );
        assert!(body.contains("找不到所要的内容"), "{body}");
    }
    // Nor is the API's path the portal's.
    let r = server
        .api()
        .get(server.url("/api/v1/no-such-operation"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(!portal(&r.text().await.unwrap()));
    server
}
