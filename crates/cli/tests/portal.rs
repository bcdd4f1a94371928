//! `gongkai portal purge` on the embedded SQLite default: the personal data of requests decided
//! before the retention period goes, the report's figures and the audit chain stay.
#![allow(clippy::unwrap_used)]

mod common;

use common::{gongkai_in as gongkai, ok};

const AGENCY: &str = "某某县自然资源局";

fn total_received(data: &std::path::Path) -> serde_json::Value {
    let out = ok(gongkai(
        data,
        &["report", "generate", "--agency", AGENCY, "--year", "2024"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["t3"].clone()
}

#[test]
fn purge_removes_personal_data_and_keeps_figures_and_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    common::agency_with_ledger(data, AGENCY);
    let before = total_received(data);
    let show = || {
        ok(gongkai(
            data,
            &["request", "show", "YS2023-031", "--agency", AGENCY],
        ))
    };
    assert!(show().contains("张某"));
    // Within the default retention (five years) nothing of 2024 is purged.
    let v: serde_json::Value =
        serde_json::from_str(&ok(gongkai(data, &["portal", "purge", "--json"]))).unwrap();
    assert_eq!(v["requests"], 0, "{v}");
    // With a retention of 30 days, every request decided in 2024 is.
    let v: serde_json::Value = serde_json::from_str(&ok(gongkai(
        data,
        &["portal", "purge", "--retention-days", "30", "--json"],
    )))
    .unwrap();
    assert!(v["requests"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(total_received(data), before, "the figures stay");
    let after = show();
    assert!(
        !after.contains("张某") && after.contains("（已清除）"),
        "{after}"
    );
    let verified = gongkai(data, &["audit", "verify"]);
    assert!(verified.status.success(), "{}", common::stderr(&verified));
}
