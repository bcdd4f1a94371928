//! `gongkai report publish` on the embedded SQLite default: the report of 2024 generated from
//! the ledger is published as version 1, a correction as version 2 with its 更正说明, and a
//! year not over yet is refused.
#![allow(clippy::unwrap_used)]

mod common;

use common::{agency_with_ledger, gongkai_in as gongkai, ok, stderr};

const AGENCY: &str = "某某县自然资源局";

#[test]
fn a_report_is_published_then_corrected() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    agency_with_ledger(data, AGENCY);
    let publish = ["report", "publish", "--agency", AGENCY, "--year", "2024"];
    let out = ok(gongkai(data, &publish));
    assert!(out.contains("第 1 版"), "{out}");
    // A note on the first publication would have been refused; on a correction it is kept.
    let mut again = publish.to_vec();
    again.extend(["--note", "表三更正"]);
    let out = ok(gongkai(data, &again));
    assert!(out.contains("第 2 版"), "{out}");
    let year = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y")
        .to_string();
    let o = gongkai(
        data,
        &["report", "publish", "--agency", AGENCY, "--year", &year],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("尚未结束"), "{}", stderr(&o));
}
