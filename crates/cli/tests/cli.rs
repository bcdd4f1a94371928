//! The `gongkai` binary as a user runs it: exit statuses, messages, files written.
#![allow(clippy::unwrap_used)]

mod common;

use common::{gongkai, stderr, stdout};
use std::path::{Path, PathBuf};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/reports/yanhu-2020.json"
);

fn seed_with(dir: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(SEED).unwrap()).unwrap();
    edit(&mut v);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    path
}

#[test]
fn check_the_seed_passes_r1_to_r4_and_warns_r9() {
    let o = gongkai(&["report", "check", SEED]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for rule in ["✓ R1", "✓ R2", "✓ R3", "✓ R4"] {
        assert!(out.contains(rule), "{rule} missing in\n{out}");
    }
    assert!(out.contains("! R9"), "{out}");
    assert!(
        out.contains("t2.central_procurement.procurement_amount"),
        "{out}"
    );
    assert!(out.contains("0 个错误，1 个警告"), "{out}");
}

#[test]
fn a_changed_table_three_cell_exits_1_naming_r1_and_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let bad = seed_with(dir.path(), "bad.json", |v| {
        v["tables"]["t3"]["carried_out"]["natural_person"] = 1.into()
    });
    let o = gongkai(&["report", "check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("✗ R1"), "{out}");
    assert!(out.contains("t3.carried_out.natural_person"), "{out}");
    let o = gongkai(&["report", "check", "--json", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"R1") && rules.contains(&"R2"), "{rules:?}");
    assert_eq!(v[0]["errors"], 2);
}

#[test]
fn unreadable_inputs_exit_2_naming_the_file_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let o = gongkai(&["report", "check", SEED, missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.json"), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("✓ R1"),
        "the readable file is still checked"
    );

    let wrong = seed_with(dir.path(), "wrong.json", |v| {
        v["tables"]["t2"]["regulations"]["issued"] = 3.into()
    });
    let o = gongkai(&["report", "check", wrong.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("wrong.json") && err.contains("$.tables.t2.regulations.issued"),
        "{err}"
    );

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, [0xff, 0xfe, 0x00]).unwrap();
    let o = gongkai(&[
        "report",
        "render",
        garbage.to_str().unwrap(),
        "--to",
        "html",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("UTF-8"), "{}", stderr(&o));
}

#[test]
fn render_writes_every_format_and_refuses_a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    for (to, magic) in [
        ("html", &b"<!DOCTYPE html>"[..]),
        ("docx", b"PK"),
        ("xlsx", b"PK"),
        ("md", "# ".as_bytes()),
        ("txt", "".as_bytes()),
        ("csv", "\u{feff}cell,value".as_bytes()),
        ("json", b"{"),
    ] {
        let out = dir.path().join(format!("seed.{to}"));
        let o = gongkai(&[
            "report",
            "render",
            SEED,
            "--to",
            to,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{to}: {}", stderr(&o));
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.len() > 100 && bytes.starts_with(magic), "{to}");
    }
    let nowhere = dir.path().join("no/such/dir/seed.html");
    let o = gongkai(&[
        "report",
        "render",
        SEED,
        "--to",
        "html",
        "-o",
        nowhere.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("输出目录不存在"), "{}", stderr(&o));
    let o = gongkai(&["report", "render", SEED, "--to", "pdf"]);
    assert_eq!(o.status.code(), Some(2), "clap rejects an unknown format");
}

#[test]
fn new_makes_a_blank_report_that_checks_as_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("blank.json");
    let o = gongkai(&[
        "report",
        "new",
        "--year",
        "2025",
        "--agency",
        "某县人民政府",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["format"], "2021");
    assert_eq!(
        v["tables"]["t3"]["op_fee_unpaid"]["total"],
        serde_json::Value::Null
    );
    assert_eq!(
        v["tables"]["t2"]["admin_fees"]["amount_wan_yuan"],
        serde_json::Value::Null
    );
    let o = gongkai(&["report", "check", "--json", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] == "R10")
    );
    let o = gongkai(&[
        "report", "new", "--format", "2019", "--year", "2020", "--agency", "x",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["tables"]["t3"]["r_other"]["total"],
        serde_json::Value::Null
    );
}

#[test]
fn diff_lists_changed_cells_and_cross_year_findings() {
    let dir = tempfile::tempdir().unwrap();
    let next = seed_with(dir.path(), "2021.json", |v| {
        v["year"] = 2021.into();
        v["tables"]["t3"]["carried_in"]["natural_person"] = 3.into();
        v["tables"]["t2"]["admin_licensing"]["decisions"] = 45242.into();
    });
    let o = gongkai(&["report", "diff", SEED, next.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("t2.admin_licensing.decisions") && out.contains("45241 → 45242"),
        "{out}"
    );
    assert!(out.contains("R5"), "{out}");
    let o = gongkai(&["report", "diff", "--json", SEED, next.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cells: Vec<&str> = v["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cell"].as_str().unwrap())
        .collect();
    assert_eq!(
        cells,
        [
            "t2.admin_licensing.decisions",
            "t3.carried_in.natural_person"
        ]
    );
    assert_eq!(v["findings"][0]["rule"], "R5");
    let o = gongkai(&["report", "diff", SEED, SEED]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn check_over_two_years_applies_r5() {
    let dir = tempfile::tempdir().unwrap();
    let next = seed_with(dir.path(), "2021.json", |v| {
        v["year"] = 2021.into();
        v["tables"]["t3"]["carried_in"]["total"] = 5.into();
    });
    let o = gongkai(&["report", "check", SEED, next.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("! R5"), "{out}");
    assert!(
        out.contains("－ R5"),
        "the earlier report has no predecessor\n{out}"
    );
}

#[test]
fn help_names_the_commands_in_chinese_and_english() {
    let out = stdout(&gongkai(&["report", "--help"]));
    for word in ["check", "检查", "render", "生成文档", "new", "diff"] {
        assert!(out.contains(word), "{word} not in\n{out}");
    }
}

/// Every help page of every command, walked from the top: defaults and possible values are
/// said in Chinese, never clap's English `[default: …]` or `[possible values: …]`.
#[test]
fn every_help_page_says_defaults_in_chinese() {
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    let mut pages = 0;
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = stdout(&gongkai(&args));
        pages += 1;
        for english in ["[default", "[possible values"] {
            assert!(
                !out.contains(english),
                "{english} in `{}`:\n{out}",
                args.join(" ")
            );
        }
        // The commands listed under 命令, each a line `  name  description`.
        let commands = out
            .split("命令:\n")
            .nth(1)
            .map(|rest| rest.split("\n\n").next().unwrap_or_default())
            .unwrap_or_default();
        for line in commands.lines() {
            if let Some(name) = line.split_whitespace().next() {
                let mut next = path.clone();
                next.push(name.to_owned());
                todo.push(next);
            }
        }
    }
    assert!(pages > 40, "walked {pages} help pages");
    let out = stdout(&gongkai(&["audit", "list", "--help"]));
    assert!(out.contains("（默认：50）"), "{out}");
}

/// Hand-computed on the 2025 arrangement: Spring Festival 2025-01-28..02-04 off, 01-26 (Sun)
/// and 02-08 (Sat) make-up working days. Trigger = receipt of the corrected request 01-15;
/// days 1–2 are 01-16/17, the pause removes 01-20..22, 01-26 and 02-08 count.
#[test]
fn deadline_across_spring_festival_with_correction_pause_and_extension() {
    let due = |extra: &[&str]| {
        let mut args = vec![
            "deadline",
            "--received",
            "2025-01-10",
            "--corrected",
            "2025-01-15",
            "--json",
        ];
        args.extend_from_slice(extra);
        let o = gongkai(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (v["due"].as_str().unwrap().to_owned(), v)
    };
    assert_eq!(due(&[]).0, "2025-02-18");
    assert_eq!(due(&["--pause", "2025-01-20..2025-01-22"]).0, "2025-02-21");
    let (d, v) = due(&["--pause", "2025-01-20..2025-01-22", "--extended"]);
    assert_eq!(d, "2025-03-21");
    let steps: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    let all = steps.join("\n");
    for needle in [
        "2025-01-26（星期日）调休上班",
        "2025-02-08（星期六）调休上班",
        "2025-01-28",
        "2025-01-15",
    ] {
        assert!(all.contains(needle), "{needle} not explained in\n{all}");
    }
    let o = gongkai(&[
        "deadline",
        "--received",
        "2024-09-27",
        "--as-of",
        "2024-10-20",
    ]);
    let out = stdout(&o);
    assert!(out.starts_with("答复期限：2024-10-30"), "{out}");
    assert!(out.contains("国庆节"), "{out}");
    let o = gongkai(&[
        "deadline",
        "--received",
        "2024-09-27",
        "--pause",
        "2024-10-10..2024-10-08",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("结束日早于开始日"), "{}", stderr(&o));
}

/// A document to publish carries its signing date (落款日期) under the agency, in any of the
/// ledger's date forms, and the time it was made.
#[test]
fn render_prints_the_signing_date_and_the_creation_time() {
    let o = gongkai(&[
        "report",
        "render",
        SEED,
        "--to",
        "html",
        "--signed",
        "2021年1月20日",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = stdout(&o);
    let signature = &html[html.find("class=\"signature\"").expect("a signature block")..];
    let agency = signature.find("盐湖区人民政府办公室").unwrap();
    let date = signature.find("2021年1月20日").unwrap();
    assert!(agency < date, "the date under the agency:\n{signature}");
    assert!(html.contains("<meta name=\"dcterms.created\""), "{html}");
    // Without --signed the agency alone closes the document.
    let html = stdout(&gongkai(&["report", "render", SEED, "--to", "html"]));
    let signature = &html[html.find("class=\"signature\"").unwrap()..];
    assert!(!signature.contains("年1月20日"), "{signature}");
}
