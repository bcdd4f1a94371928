//! The annual reports' filing workflow on the command line (第四十九条), on the embedded SQLite
//! default: a department's report of 2024, generated from the ledger, is refused until each
//! warning is explained, submitted, returned with a remark, resubmitted, cleared and published;
//! the government's own report is published directly, a correction as version 2 with its
//! 更正说明; a year not over yet is refused; `report filings` lists who is late.
#![allow(clippy::unwrap_used)]

mod common;

use common::{LEDGER, REMEDIES, gongkai_in as gongkai, ok, stderr};

const GOV: &str = "某某县人民政府";
const AGENCY: &str = "某某县自然资源局";

/// The `--explain RULE=…` arguments for every rule a refusal listed on stderr (`  R10（…）：…`).
fn explanations(refused: &str) -> Vec<String> {
    let mut rules: Vec<&str> = refused
        .lines()
        .filter_map(|l| l.trim_start().split_once('（').map(|(r, _)| r))
        .filter(|r| r.starts_with('R') && r[1..].chars().all(|c| c.is_ascii_digit()))
        .collect();
    rules.dedup();
    rules
        .iter()
        .flat_map(|r| ["--explain".to_owned(), format!("{r}=已核对")])
        .collect()
}

fn run(data: &std::path::Path, args: &[&str], extra: &[String]) -> std::process::Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(extra.iter().map(String::as_str));
    gongkai(data, &all)
}

#[test]
fn a_department_files_and_the_government_publishes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(gongkai(data, &["agency", "add", GOV]));
    ok(gongkai(data, &["agency", "add", AGENCY, "--parent", GOV]));
    ok(gongkai(
        data,
        &[
            "import",
            "ledger",
            LEDGER,
            "--remedies",
            REMEDIES,
            "--agency",
            AGENCY,
        ],
    ));
    let which = ["--agency", AGENCY, "--year", "2024"];
    let with = |step: &'static str| {
        let mut v = vec!["report", step];
        v.extend(which);
        v
    };

    // Refused until every warning is explained; the findings are listed.
    let o = gongkai(data, &with("submit"));
    assert!(!o.status.success());
    let refused = stderr(&o);
    assert!(refused.contains("没有说明"), "{refused}");
    let explain = explanations(&refused);
    assert!(!explain.is_empty(), "{refused}");
    let out = ok(run(data, &with("submit"), &explain));
    assert!(out.contains("已报送待审核"), "{out}");
    // A department's report is not published before it is cleared.
    let o = gongkai(data, &with("publish"));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("审核通过后发布"), "{}", stderr(&o));

    let mut back = with("return");
    back.extend([
        "--comment",
        "请核对表三",
        "--remark",
        "t3.new_received.total=与台账不符",
    ]);
    let out = ok(gongkai(data, &back));
    assert!(
        out.contains("已退回修改") && out.contains("与台账不符"),
        "{out}"
    );
    ok(run(data, &with("submit"), &explain));
    ok(gongkai(data, &with("clear")));
    let out = ok(gongkai(data, &with("publish")));
    assert!(out.contains("第 1 版"), "{out}");
    let out = ok(gongkai(data, &with("filing")));
    for word in [
        "已发布",
        "报送",
        "退回",
        "审核通过",
        "请核对表三",
        "（第 1 版）",
    ] {
        assert!(out.contains(word), "{word}: {out}");
    }

    // The government's own report: published directly, then corrected.
    let own = ["report", "publish", "--agency", GOV, "--year", "2024"];
    let o = gongkai(data, &own);
    assert!(!o.status.success());
    let explain = explanations(&stderr(&o));
    let out = ok(run(data, &own, &explain));
    assert!(out.contains("第 1 版"), "{out}");
    let o = run(data, &own, &explain);
    assert!(!o.status.success(), "a correction needs its note");
    let mut corrected = explain.clone();
    corrected.extend(["--note".to_owned(), "表三更正".to_owned()]);
    let out = ok(run(data, &own, &corrected));
    assert!(out.contains("第 2 版"), "{out}");
    let o = gongkai(
        data,
        &["report", "submit", "--agency", GOV, "--year", "2024"],
    );
    assert!(stderr(&o).contains("不适用"), "{}", stderr(&o));

    // A year not over yet.
    let year = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y")
        .to_string();
    let o = gongkai(
        data,
        &["report", "publish", "--agency", GOV, "--year", &year],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("尚未结束"), "{}", stderr(&o));

    // The overview: both published, late (2024's reports were due in early 2025).
    let out = ok(gongkai(
        data,
        &["report", "filings", "--year", "2024", "--late"],
    ));
    assert!(out.contains(AGENCY) && out.contains(GOV), "{out}");
    assert!(out.contains("天报送") && out.contains("天发布"), "{out}");
}
