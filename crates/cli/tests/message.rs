//! `gongkai message list|reply` on the embedded SQLite default: messages left on the portal (by
//! the portal's use case, on the same database) listed with their reply time limit, one answered
//! publicly, an unknown number refused.
#![allow(clippy::unwrap_used)]

mod common;

use common::{gongkai_in as gongkai, ok};
use gongkai_services::Settings;
use gongkai_services::portal::Public;
use gongkai_services::portal::messages::MessageInput;

const AGENCY: &str = "某某县自然资源局";

#[test]
fn messages_are_listed_and_replied_to() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(gongkai(data, &["agency", "add", AGENCY]));
    let url = format!("sqlite:{}", data.join("gongkai.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = gongkai_store_sqlite::SqliteStore::open(&url).await.unwrap();
        let agency = gongkai_store::Agencies::agency_by_name(&store, AGENCY)
            .await
            .unwrap()
            .unwrap()
            .id;
        let settings = Settings::new(chrono::Local::now().date_naive());
        let public = Public::new(&store, &settings).unwrap();
        for title in ["路灯不亮", "公交站点"] {
            let input = MessageInput {
                agency,
                kind: "投诉".into(),
                title: title.into(),
                body: "请尽快处理。".into(),
                name: "张三".into(),
                phone: "13912345678".into(),
                nonce: None,
            };
            public
                .submit_message(input, chrono::Utc::now())
                .await
                .unwrap();
        }
        store.close().await;
    });
    let list = ok(gongkai(data, &["message", "list", "--agency", AGENCY]));
    assert!(
        list.contains("LY000001") && list.contains("路灯不亮"),
        "{list}"
    );
    assert!(
        list.contains("办理中") && list.contains("共 2 条"),
        "{list}"
    );
    let out = ok(gongkai(
        data,
        &[
            "message",
            "reply",
            "LY000002",
            "--body",
            "已转交公交公司。",
            "--public",
        ],
    ));
    assert!(out.contains("已答复留言 LY000002，答复已公开"), "{out}");
    let v: serde_json::Value = serde_json::from_str(&ok(gongkai(
        data,
        &[
            "message", "list", "--agency", AGENCY, "--state", "replied", "--json",
        ],
    )))
    .unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["title"], "公交站点");
    assert_eq!(v[0]["public"], true);
    let unknown = gongkai(data, &["message", "reply", "LY000099", "--body", "x"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        common::stderr(&unknown).contains("LY000099"),
        "{}",
        common::stderr(&unknown)
    );
    let verified = gongkai(data, &["audit", "verify"]);
    assert!(verified.status.success(), "{}", common::stderr(&verified));
}
