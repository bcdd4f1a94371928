//! Records end to end on the embedded SQLite default: register agencies, import a ledger,
//! generate the annual report and drill down. The expected figures were counted by hand on
//! `fixtures/ledgers/2024.csv` and `2024-remedies.csv`.
#![allow(clippy::unwrap_used)]

mod common;

use common::{LEDGER, REMEDIES, gongkai_in as gongkai, ok};
use std::path::Path;

const AGENCY: &str = "某某县自然资源局";
const GOVERNMENT: &str = "某某县人民政府";

fn setup(data: &Path) {
    ok(gongkai(data, &["agency", "add", GOVERNMENT]));
    ok(gongkai(
        data,
        &["agency", "add", AGENCY, "--parent", GOVERNMENT],
    ));
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
}

/// Table 三 counted by hand on the ledger: (row, [natural, commercial, research, welfare, legal,
/// other]); every other row is zero.
const HAND_COUNT: &[(&str, [i64; 6])] = &[
    ("new_received", [8, 1, 1, 1, 1, 1]),
    ("carried_in", [1, 1, 0, 0, 0, 0]),
    ("r_disclosed", [3, 1, 0, 0, 0, 0]),
    ("r_partial", [0, 1, 0, 0, 0, 0]),
    ("nd_third_party", [1, 0, 0, 0, 0, 0]),
    ("nd_process_info", [1, 0, 0, 0, 0, 0]),
    ("nd_enforcement_file", [0, 0, 0, 0, 1, 0]),
    ("na_not_held", [0, 0, 0, 1, 0, 0]),
    ("na_needs_creation", [0, 0, 1, 0, 0, 0]),
    ("np_petition", [1, 0, 0, 0, 0, 0]),
    ("np_repeat", [1, 0, 0, 0, 0, 0]),
    ("op_no_correction", [1, 0, 0, 0, 0, 0]),
    ("r_total", [8, 2, 1, 1, 1, 0]),
    ("carried_out", [1, 0, 0, 0, 0, 1]),
];

const COLUMNS: [&str; 6] = [
    "natural_person",
    "org_commercial",
    "org_research",
    "org_public_welfare",
    "org_legal_service",
    "org_other",
];

#[test]
fn a_ledger_becomes_tables_three_and_four_equal_to_a_hand_count() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let report: serde_json::Value = serde_json::from_str(&ok(gongkai(
        dir.path(),
        &["report", "generate", "--agency", AGENCY, "--year", "2024"],
    )))
    .unwrap();
    assert_eq!(report["format"], "2021");
    let t3 = report["tables"]["t3"].as_object().unwrap();
    for (row, cols) in t3 {
        let expected = HAND_COUNT
            .iter()
            .find(|(r, _)| r == row)
            .map_or([0; 6], |(_, c)| *c);
        for (i, col) in COLUMNS.iter().enumerate() {
            assert_eq!(cols[*col], expected[i], "t3.{row}.{col}");
        }
        assert_eq!(
            cols["total"],
            expected.iter().sum::<i64>(),
            "t3.{row}.total"
        );
    }
    let t4 = &report["tables"]["t4"];
    for (col, n) in [
        ("rev_upheld", 1),
        ("rev_pending", 1),
        ("rev_total", 2),
        ("lit_direct_corrected", 1),
        ("lit_direct_total", 1),
    ] {
        assert_eq!(t4[col], n, "t4.{col}");
    }
    let nonzero = t4
        .as_object()
        .unwrap()
        .values()
        .filter(|v| v.as_i64() != Some(0))
        .count();
    assert_eq!(nonzero, 5);
    // The generated report passes every arithmetic rule.
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| f["severity"] != "error"),
        "{findings:#?}"
    );
}

#[test]
fn explain_lists_the_requests_behind_a_cell_and_reimport_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let out = ok(gongkai(
        dir.path(),
        &[
            "report",
            "explain",
            "--agency",
            AGENCY,
            "--year",
            "2024",
            "--cell",
            "t3.nd_third_party.total",
            "--json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["count"], 1);
    assert_eq!(v["records"][0]["reference"], "YS2024-002");
    let out = ok(gongkai(
        dir.path(),
        &[
            "report",
            "explain",
            "--agency",
            AGENCY,
            "--year",
            "2024",
            "--cell",
            "t3.carried_in.total",
            "--json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let refs: Vec<&str> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["YS2023-031", "YS2023-032"]);
    let again = ok(gongkai(
        dir.path(),
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
    assert!(
        again.contains("新登记 0") && again.contains("未变 15"),
        "{again}"
    );
    // The consolidated report of the government includes its department.
    let report: serde_json::Value = serde_json::from_str(&ok(gongkai(
        dir.path(),
        &[
            "report",
            "generate",
            "--agency",
            GOVERNMENT,
            "--year",
            "2024",
            "--consolidated",
        ],
    )))
    .unwrap();
    assert_eq!(report["tables"]["t3"]["new_received"]["total"], 13);
    let own: serde_json::Value = serde_json::from_str(&ok(gongkai(
        dir.path(),
        &[
            "report", "generate", "--agency", GOVERNMENT, "--year", "2024",
        ],
    )))
    .unwrap();
    assert_eq!(own["tables"]["t3"]["new_received"]["total"], 0);
}

#[test]
fn a_bad_ledger_row_is_reported_by_row_and_column_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    ok(gongkai(dir.path(), &["agency", "add", AGENCY]));
    let bad = dir.path().join("bad.csv");
    let text = std::fs::read_to_string(LEDGER)
        .unwrap()
        .replace("2024-05-06", "2024-13-06");
    std::fs::write(&bad, text).unwrap();
    let o = gongkai(
        dir.path(),
        &[
            "import",
            "ledger",
            bad.to_str().unwrap(),
            "--agency",
            AGENCY,
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("第8行") && err.contains("收到日期") && err.contains("2024-13-06"),
        "{err}"
    );
    let out = ok(gongkai(
        dir.path(),
        &["report", "generate", "--agency", AGENCY, "--year", "2024"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["tables"]["t3"]["new_received"]["total"], 0,
        "nothing was imported"
    );
}

/// 150 wrong rows: each error printed once, the first 100 listed and the rest counted, so a
/// million wrong rows cannot flood the terminal.
#[test]
fn ledger_errors_are_printed_once_and_capped() {
    let dir = tempfile::tempdir().unwrap();
    ok(gongkai(dir.path(), &["agency", "add", AGENCY]));
    let bad = dir.path().join("bad.csv");
    let mut text = String::from(
        "受理编号,申请人姓名或名称,申请人类型,申请方式,收到日期,申请内容,办理结果,答复日期\n",
    );
    for i in 0..150 {
        text.push_str(&format!("E-{i},张三,自然人,飞鸽传书,2024-03-05,某文件,,\n"));
    }
    std::fs::write(&bad, text).unwrap();
    let o = gongkai(
        dir.path(),
        &[
            "import",
            "ledger",
            bad.to_str().unwrap(),
            "--agency",
            AGENCY,
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    let listed = err.matches("飞鸽传书").count();
    assert_eq!(listed, 100, "{err}");
    assert_eq!(err.matches("第2行“申请方式”").count(), 1, "once: {err}");
    assert!(err.contains("另有 50 处错误未列出（共 150 处）"), "{err}");
}

#[test]
fn figures_feed_table_two_and_an_added_calendar_year_is_used() {
    let dir = tempfile::tempdir().unwrap();
    ok(gongkai(dir.path(), &["agency", "add", AGENCY]));
    ok(gongkai(
        dir.path(),
        &[
            "figures",
            "set",
            "--agency",
            AGENCY,
            "--year",
            "2024",
            "t2.normative_docs.issued=3",
            "t2.admin_fees.amount_wan_yuan=1.25",
            "--reason",
            "本机关的规范性文件尚未录入公开目录",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&ok(gongkai(
        dir.path(),
        &["report", "generate", "--agency", AGENCY, "--year", "2024"],
    )))
    .unwrap();
    assert_eq!(v["tables"]["t2"]["normative_docs"]["issued"], 3);
    assert_eq!(v["tables"]["t2"]["admin_fees"]["amount_wan_yuan"], "1.25");
    assert_eq!(
        v["tables"]["t2"]["regulations"]["issued"],
        serde_json::Value::Null
    );
    let o = gongkai(
        dir.path(),
        &[
            "figures",
            "set",
            "--agency",
            AGENCY,
            "--year",
            "2024",
            "t3.r_total.total=3",
        ],
    );
    assert_eq!(o.status.code(), Some(2));

    // A due date in 2027 is provisional until the 2027 arrangement is imported.
    let provisional = ok(gongkai(
        dir.path(),
        &["deadline", "--received", "2026-12-20", "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&provisional).unwrap();
    assert_eq!(v["provisional"], true);
    let toml = dir.path().join("2027.toml");
    std::fs::write(
        &toml,
        "[2027]\noff = [\"2027-01-01\", \"2027-01-02\", \"2027-01-03\"]\nworkday = []\n",
    )
    .unwrap();
    ok(gongkai(
        dir.path(),
        &["calendar", "import", toml.to_str().unwrap()],
    ));
    let known = ok(gongkai(
        dir.path(),
        &["deadline", "--received", "2026-12-20", "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&known).unwrap();
    assert_eq!(v["provisional"], false);
}

#[test]
fn a_request_is_registered_and_its_timeline_refuses_impossible_events() {
    let dir = tempfile::tempdir().unwrap();
    ok(gongkai(dir.path(), &["agency", "add", AGENCY]));
    let add = [
        "request",
        "add",
        "--agency",
        AGENCY,
        "--reference",
        "YS2025-001",
        "--applicant",
        "张某",
        "--kind",
        "自然人",
        "--channel",
        "网上申请",
        "--received",
        "2025-01-10",
        "--description",
        "某地块规划许可",
    ];
    ok(gongkai(dir.path(), &add));
    let o = gongkai(dir.path(), &add);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a reference is unique within the agency"
    );
    let event = |args: &[&str]| {
        let mut all = vec!["request", "event", "YS2025-001", "--agency", AGENCY];
        all.extend_from_slice(args);
        gongkai(dir.path(), &all)
    };
    ok(event(&[
        "--event",
        "correction-requested",
        "--date",
        "2025-01-13",
    ]));
    ok(event(&[
        "--event",
        "corrected-received",
        "--date",
        "2025-01-15",
    ]));
    let second = event(&["--event", "correction-requested", "--date", "2025-01-16"]);
    assert_eq!(second.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("第三十条"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    ok(event(&[
        "--event",
        "extension-approved",
        "--date",
        "2025-02-10",
        "--note",
        "经办公室主任批准",
    ]));
    let no_outcome = event(&["--event", "decided", "--date", "2025-03-01"]);
    assert_eq!(no_outcome.status.code(), Some(2));
    ok(event(&[
        "--event",
        "decided",
        "--date",
        "2025-03-03",
        "--outcome",
        "予以公开",
    ]));
    let after = event(&["--event", "fee-paid", "--date", "2025-03-04"]);
    assert_eq!(after.status.code(), Some(2), "nothing after closing");
    let shown = ok(gongkai(
        dir.path(),
        &["request", "show", "YS2025-001", "--agency", AGENCY],
    ));
    assert!(shown.contains("已办结"), "{shown}");
    // Trigger 2025-01-15 (corrected request): the 20th working day is 2025-02-18 (see the
    // deadline test in cli.rs), the 40th with the extension 2025-03-18.
    assert!(shown.contains("答复期限：2025-03-18"), "{shown}");
    let v: serde_json::Value = serde_json::from_str(&ok(gongkai(
        dir.path(),
        &["report", "generate", "--agency", AGENCY, "--year", "2025"],
    )))
    .unwrap();
    assert_eq!(v["tables"]["t3"]["r_disclosed"]["natural_person"], 1);
}
