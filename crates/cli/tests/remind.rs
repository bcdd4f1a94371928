//! `gongkai remind` on the binary: the officer's digest names the overdue request with the
//! due date the work list shows, and `--send` without an SMTP server writes it to the outbox
//! under the data directory; `config show` shows the `[smtp]` section with its password hidden.
#![allow(clippy::unwrap_used)]

mod common;

use common::{add_officer, agency_with_ledger, command_in, gongkai_in as gongkai, ok};

const AGENCY: &str = "提醒县自然资源局";

#[test]
fn the_digest_names_the_overdue_request_and_goes_to_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    agency_with_ledger(data, AGENCY);
    add_officer(data, "办理人", AGENCY, "correct-horse-battery");
    // The overdue requests and their due dates as the work list has them.
    let list = ok(gongkai(
        data,
        &[
            "request",
            "list",
            "--agency",
            AGENCY,
            "--overdue",
            "--as-of",
            "2025-01-20",
            "--json",
        ],
    ));
    let overdue: serde_json::Value = serde_json::from_str(&list).unwrap();
    let overdue = overdue.as_array().unwrap();
    assert!(!overdue.is_empty(), "{list}");

    // Without an address: listed, not sent.
    let out = ok(gongkai(data, &["remind", "--send", "--date", "2025-01-20"]));
    assert!(out.contains("未发送：没有电子邮箱"), "{out}");
    ok(gongkai(
        data,
        &["user", "email", "办理人", "ban@example.gov.cn"],
    ));
    let out = ok(gongkai(data, &["remind", "--send", "--date", "2025-01-20"]));
    assert!(
        out.contains(&format!(
            "办理人（ban@example.gov.cn）：已逾期 {} 件",
            overdue.len()
        )),
        "{out}"
    );
    for item in overdue {
        let line = format!(
            "{} {}  答复期限 {}",
            item["agency"].as_str().unwrap(),
            item["reference"].as_str().unwrap(),
            item["due"].as_str().unwrap()
        );
        assert!(out.contains(&line), "{line} in {out}");
    }
    let file = data.join("outbox").join("2025-01-20-办理人.eml");
    assert!(out.contains(&format!("已写入 {}", file.display())), "{out}");
    let eml = std::fs::read_to_string(&file).unwrap();
    assert!(eml.contains("To: ban@example.gov.cn"), "{eml}");
    assert!(eml.contains("Subject: "), "{eml}");

    let shown = ok(command_in(data, &["config", "show"])
        .env("GONGKAI_SMTP_PASSWORD", "smtp-pw-secret")
        .output()
        .unwrap());
    assert!(
        shown.contains("[smtp]") && shown.contains("password = \"***\""),
        "{shown}"
    );
    assert!(!shown.contains("smtp-pw-secret"), "{shown}");
}
