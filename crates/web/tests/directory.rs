//! The standard item directory's coverage in the back office and the API, on SQLite and
//! PostgreSQL: the supervising office sees, per unit, the items each has not published; an
//! officer sees his own agency's; the sibling's officer does not see A's (404); the channel
//! register with the year's documents.
//!
//! Counted by hand for 2024: A has A-1 (每年3月31日前, published 03-01: covered), A-2 (常态化,
//! nothing: a gap), A-3 (20个工作日, published 05-01: covered); B has B-1 (常态化, nothing: a
//! gap) and B-2 (每年6月30日前, published only 07-15: a gap); the government has no directory.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use chrono::NaiveDate;
use common::{A, B, GOV, Server, TestStore, Who};
use gongkai_catalogue::{IndexNumber, NewDocument, Validity};
use gongkai_catalogue_import::TableKind;
use gongkai_services::channels::ChannelInput;
use gongkai_services::{Actor, Ctx, Scope, Settings};
use gongkai_store::Store;

on_both!(the_supervising_office_sees_the_gaps_of_every_unit);

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn seed<S: Store>(store: &S) {
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let ctx = Ctx::new(store, &scope, &settings);
    let head = "事项编号,领域,事项名称,公开时限\n";
    let a = format!(
        "{head}A-1,财政,部门预算,每年3月31日前\nA-2,财政,三公经费,常态化公开\nA-3,规划,规划许可,信息形成或变更之日起20个工作日内\n"
    );
    let b = format!("{head}B-1,交通,项目审批,常态化公开\nB-2,交通,部门决算,每年6月30日前\n");
    ctx.import_directory(A, a.as_bytes(), TableKind::Csv)
        .await
        .unwrap();
    ctx.import_directory(B, b.as_bytes(), TableKind::Csv)
        .await
        .unwrap();
    ctx.add_channel(ChannelInput {
        agency: A.into(),
        platform: "微信公众号".into(),
        name: "测试资源发布".into(),
        operator: "办公室".into(),
        opened: d("2020-01-01"),
        filed: true,
    })
    .await
    .unwrap();
    let doc =
        |agency, index: &str, published: &str, items: &[&str], channels: &[&str]| NewDocument {
            agency,
            index_number: IndexNumber::parse(index),
            title: format!("{index} 文件"),
            doc_number: None,
            written: None,
            published: d(published),
            category: None,
            item: None,
            topic: String::new(),
            genre: String::new(),
            method: "政府网站".into(),
            scope: "面向社会".into(),
            validity: Validity::InForce,
            interprets: None,
            body_html: String::new(),
            body_text: String::new(),
            attachments: Vec::new(),
            items: items.iter().map(|s| (*s).to_owned()).collect(),
            channels: channels.iter().map(|s| (*s).to_owned()).collect(),
        };
    let a = ctx.agency(A).await.unwrap().id;
    let b = ctx.agency(B).await.unwrap().id;
    let grant = scope.installation().unwrap();
    let audit = gongkai_audit::Draft::new(&grant, "test.write", "目录");
    store
        .upsert_documents(
            vec![
                doc(a, "A-2024-1", "2024-03-01", &["A-1"], &["测试资源发布"]),
                doc(a, "A-2024-2", "2024-05-01", &["A-3"], &[]),
                doc(b, "B-2024-1", "2024-07-15", &["B-2"], &[]),
            ],
            audit,
        )
        .await
        .unwrap();
}

async fn the_supervising_office_sees_the_gaps_of_every_unit(server: Server) -> Server {
    match server.store.clone().unwrap() {
        TestStore::Sqlite(s) => seed(&s).await,
        TestStore::Postgres(s) => seed(&s).await,
    }
    let enc = gongkai_web::auth::form_urlencoded_component;
    let api = |agency: &str, subtree: bool| {
        format!(
            "/api/v1/directory/coverage?agency={}&year=2024&subtree={subtree}",
            enc(agency)
        )
    };
    let all = server.get_json(&api(GOV, true), Who::Supervisor).await;
    assert_eq!(all["gaps"], 3, "{all}");
    let units: Vec<(&str, bool, u64)> = all["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["agency"].as_str().unwrap(),
                u["has_directory"].as_bool().unwrap(),
                u["gaps"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(units, [(GOV, false, 0), (A, true, 1), (B, true, 2)]);
    let a_items = &all["units"][1]["items"];
    let gaps: Vec<bool> = a_items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["gap"].as_bool().unwrap())
        .collect();
    assert_eq!(gaps, [false, true, false]);
    assert_eq!(a_items[0]["publications"], 1);
    assert_eq!(a_items[0]["first"], "2024-03-01");
    let b2 = &all["units"][2]["items"][1];
    assert_eq!(b2["status"], "gap");
    assert!(
        b2["reason"]
            .as_str()
            .unwrap()
            .contains("2024-06-30 前没有公开"),
        "{b2}"
    );

    // The officer of A: A's own; not the government's subtree, which he does not see.
    let own = server.get_json(&api(A, false), Who::OfficerA).await;
    assert_eq!(own["units"].as_array().unwrap().len(), 1);
    assert_eq!(own["gaps"], 1);
    let r = server
        .api()
        .get(server.url(&api(GOV, true)))
        .bearer_auth(server.token(Who::OfficerA).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = server
        .api()
        .get(server.url(&api(A, false)))
        .bearer_auth(server.token(Who::OfficerB).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The page: per unit, only the gaps.
    let supervisor = server.browser(Who::Supervisor).await;
    let page = supervisor
        .get_text(&format!(
            "/office/directory?agency={}&year=2024&subtree=1&gaps=1",
            enc(GOV)
        ))
        .await;
    assert!(
        page.contains("2024 年各单位标准目录覆盖情况（缺口共 3 项）"),
        "{page}"
    );
    assert!(page.contains("尚未导入标准目录"), "{page}");
    for code in ["<td>A-2</td>", "<td>B-1</td>", "<td>B-2</td>"] {
        assert!(page.contains(code), "{code}: {page}");
    }
    assert!(
        !page.contains("<td>A-1</td>"),
        "a covered item among the gaps: {page}"
    );
    let supervision = supervisor.get_text("/office/supervision?year=2024").await;
    assert!(
        supervision.contains("/office/directory?year=2024&#38;subtree=1&#38;gaps=1")
            || supervision.contains("/office/directory?year=2024&amp;subtree=1&amp;gaps=1")
    );

    // The channel register with the year's catalogue documents.
    let officer = server.browser(Who::OfficerA).await;
    let channels = officer
        .get_text(&format!("/office/channels?agency={}&year=2024", enc(A)))
        .await;
    assert!(channels.contains("测试资源发布"), "{channels}");
    assert!(channels.contains("<td>微信公众号</td>"), "{channels}");
    assert!(
        channels.contains("<td>已备案</td><td>1</td><td>0</td>"),
        "{channels}"
    );
    server
}
