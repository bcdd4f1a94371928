//! What a new user hit, as tests of the binary on the embedded SQLite default: corrections,
//! the work list, remedy cases, the report's text, the audit trail, Chinese messages for every
//! mistake, dates as ledgers write them, standard output with `-o -`, closed pipes, read-only
//! files and writers in parallel.
#![allow(clippy::unwrap_used)]

mod common;

use common::{LEDGER, REMEDIES, command_in as command, gongkai_in as gongkai, ok};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/reports/yanhu-2020.json"
);
const AGENCY: &str = "某某县自然资源局";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn imported(data: &Path) {
    ok(gongkai(data, &["agency", "add", AGENCY]));
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

fn cell(data: &Path, path: &[&str]) -> serde_json::Value {
    let out = ok(gongkai(
        data,
        &["report", "generate", "--agency", AGENCY, "--year", "2024"],
    ));
    let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for p in path {
        v = v[p].take();
    }
    v
}

/// No English from the parser, the OS or number parsing in what a user reads.
fn assert_chinese(err: &str) {
    for english in [
        "error:",
        "Usage:",
        "invalid",
        "No such file",
        "os error",
        "expected",
    ] {
        assert!(!err.contains(english), "English “{english}” in: {err}");
    }
    assert!(
        err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{err}"
    );
}

#[test]
fn a_wrong_outcome_is_corrected_and_the_trail_proves_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    imported(data);
    assert_eq!(
        cell(data, &["tables", "t3", "r_disclosed", "natural_person"]),
        3
    );
    let out = ok(gongkai(
        data,
        &[
            "request",
            "amend",
            "YS2024-001",
            "--agency",
            AGENCY,
            "--reason",
            "答复书为部分公开",
            "--outcome",
            "部分公开",
            "--decided",
            "2024年1月26日",
            "--as",
            "李科长",
        ],
    ));
    assert!(out.contains("办理结果：予以公开 → 部分公开"), "{out}");
    assert!(out.contains("答复日期：2024-01-25 → 2024-01-26"), "{out}");
    assert_eq!(
        cell(data, &["tables", "t3", "r_disclosed", "natural_person"]),
        2
    );
    let explained = ok(gongkai(
        data,
        &[
            "report",
            "explain",
            "--agency",
            AGENCY,
            "--year",
            "2024",
            "--cell",
            "t3.r_partial.total",
        ],
    ));
    assert!(explained.contains("YS2024-001"), "{explained}");
    let audit = ok(gongkai(
        data,
        &["audit", "list", "--agency", AGENCY, "--json"],
    ));
    let entries: serde_json::Value = serde_json::from_str(&audit).unwrap();
    let amend = &entries[0];
    assert_eq!(amend["action"], "request.amend");
    assert_eq!(amend["actor"], "李科长");
    assert_eq!(amend["summary"]["reason"], "答复书为部分公开");
    let verified = ok(gongkai(data, &["audit", "verify"]));
    assert!(verified.contains("审计日志完整"), "{verified}");
    let head = ok(gongkai(data, &["audit", "head"]));
    let head = head.split_whitespace().next().unwrap().to_owned();
    assert_eq!(head.len(), 64);
    ok(gongkai(data, &["audit", "verify", "--head", &head]));
    // A head that is not in the chain: entries were cut off the end.
    let o = gongkai(data, &["audit", "verify", "--head", &"0".repeat(64)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("不在日志中"));
    // The last event withdrawn reopens the request; the receipt cannot be withdrawn.
    ok(gongkai(
        data,
        &[
            "request",
            "withdraw-event",
            "YS2024-001",
            "--agency",
            AGENCY,
            "--reason",
            "误录",
        ],
    ));
    let o = gongkai(
        data,
        &[
            "request",
            "withdraw-event",
            "YS2024-001",
            "--agency",
            AGENCY,
            "--reason",
            "误录",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_chinese(&text(&o.stderr));
}

#[test]
fn the_work_list_lists_overdue_requests_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    imported(data);
    let out = ok(gongkai(
        data,
        &[
            "request",
            "list",
            "--agency",
            AGENCY,
            "--open",
            "--as-of",
            "2025/1/20",
            "--json",
        ],
    ));
    let items: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 2, "{out}");
    for key in [
        "reference",
        "agency",
        "state",
        "received",
        "due",
        "days_left",
    ] {
        assert!(items[0].get(key).is_some(), "{key} missing: {out}");
    }
    let left: Vec<i64> = items
        .iter()
        .map(|i| i["days_left"].as_i64().unwrap())
        .collect();
    assert!(
        left.windows(2).all(|w| w[0] <= w[1]),
        "most urgent first: {left:?}"
    );
    assert!(left[0] < 0, "YS2024-012 is overdue on 2025-01-20: {out}");
    let overdue = ok(gongkai(
        data,
        &[
            "request",
            "list",
            "--agency",
            AGENCY,
            "--overdue",
            "--as-of",
            "2025-01-20",
        ],
    ));
    assert_eq!(overdue.lines().count(), 1, "{overdue}");
    assert!(overdue.contains("已逾期"), "{overdue}");
}

#[test]
fn a_remedy_case_without_a_ledger_feeds_table_four() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    imported(data);
    assert_eq!(cell(data, &["tables", "t4", "rev_total"]), 2);
    ok(gongkai(
        data,
        &[
            "remedy",
            "add",
            "--agency",
            AGENCY,
            "--case",
            "FY2024-09",
            "--request",
            "YS2024-005",
            "--kind",
            "行政复议",
            "--received",
            "2024-09-01",
        ],
    ));
    ok(gongkai(
        data,
        &[
            "remedy",
            "close",
            "FY2024-09",
            "--agency",
            AGENCY,
            "--result",
            "结果纠正",
            "--date",
            "2024-10-08",
        ],
    ));
    assert_eq!(cell(data, &["tables", "t4", "rev_total"]), 3);
    assert_eq!(cell(data, &["tables", "t4", "rev_corrected"]), 1);
    let list = ok(gongkai(
        data,
        &[
            "remedy", "list", "--agency", AGENCY, "--year", "2024", "--json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 4);
}

#[test]
fn the_report_text_is_written_from_a_template_and_warnings_name_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    imported(data);
    let o = gongkai(
        data,
        &[
            "report", "generate", "--agency", AGENCY, "--year", "2024", "-o", "-",
        ],
    );
    let err = text(&o.stderr);
    assert!(err.contains("gongkai figures set"), "{err}");
    assert!(err.contains("gongkai report prose set"), "{err}");
    let template = ok(gongkai(data, &["report", "prose", "template"]));
    assert!(template.contains("## 一、总体情况") && template.contains("## 六、其他需要报告的事项"));
    let filled = template
        .replace(
            "## 一、总体情况\n",
            "## 一、总体情况\n本年度共主动公开政府信息 120 条。\n",
        )
        .replace(
            "## 五、存在的主要问题及改进情况\n",
            "## 五、存在的主要问题及改进情况\n答复质量有待提高。\n",
        )
        .replace(
            "## 六、其他需要报告的事项\n",
            "## 六、其他需要报告的事项\n本年度未收取信息处理费。\n",
        );
    let file = data.join("正文.md");
    std::fs::write(&file, filled).unwrap();
    ok(gongkai(
        data,
        &[
            "report",
            "prose",
            "set",
            "--agency",
            AGENCY,
            "--year",
            "2024",
            file.to_str().unwrap(),
        ],
    ));
    ok(gongkai(
        data,
        &[
            "figures",
            "set",
            "--agency",
            AGENCY,
            "--year",
            "2024",
            "t2.normative_docs.issued=2",
            "--reason",
            "本机关的规范性文件尚未录入公开目录",
        ],
    ));
    let o = gongkai(
        data,
        &["report", "generate", "--agency", AGENCY, "--year", "2024"],
    );
    assert_eq!(text(&o.stderr), "", "nothing is missing any more");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["sections"]["s1_overview"],
        "本年度共主动公开政府信息 120 条。"
    );
}

#[test]
fn every_mistake_is_one_message_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(gongkai(data, &["agency", "add", AGENCY]));
    for args in [
        vec!["report", "check"],
        vec!["report", "chek", "x.json"],
        vec!["report", "new", "--year", "abc", "--agency", "某局"],
        vec!["request", "list", "--agency", AGENCY, "--due-within", "-3"],
        vec![
            "request",
            "add",
            "--agency",
            AGENCY,
            "--reference",
            "R1",
            "--applicant",
            "甲",
            "--kind",
            "外星人",
            "--channel",
            "网上",
            "--received",
            "2024-01-02",
            "--description",
            "x",
        ],
        vec!["deadline", "--received", "2024-13-40"],
        vec!["report", "check", "does-not-exist.json"],
        vec!["import", "ledger", "missing.csv", "--agency", AGENCY],
        vec!["request", "show", "NO-SUCH", "--agency", AGENCY],
        vec!["request", "show", "R1", "--agency", "没有这个机关"],
        vec!["report", "generate", "--agency", AGENCY, "--year", "0"],
        vec!["--bogus"],
    ] {
        let o = gongkai(data, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert_chinese(&err);
        // Once: no line repeated.
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        let mut unique = lines.clone();
        unique.dedup();
        assert_eq!(lines, unique, "{err}");
    }
    // A bad ledger row: named by file, row and column, printed once.
    let bad = data.join("bad.csv");
    std::fs::write(
        &bad,
        std::fs::read_to_string(LEDGER)
            .unwrap()
            .replace("2024-05-06", "2024-13-06"),
    )
    .unwrap();
    let o = gongkai(data, &["import", "ledger", "bad.csv", "--agency", AGENCY]);
    let err = text(&o.stderr);
    assert_eq!(err.matches("第8行“收到日期”").count(), 1, "{err}");
    assert!(err.contains("bad.csv"), "{err}");
}

#[test]
fn dates_take_the_ledger_notations_and_unknown_years_name_calendar_import() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(gongkai(data, &["agency", "add", AGENCY]));
    ok(gongkai(
        data,
        &[
            "request",
            "add",
            "--agency",
            AGENCY,
            "--reference",
            "D-1",
            "--applicant",
            "甲",
            "--kind",
            "自然人",
            "--channel",
            "当面",
            "--received",
            "2024年9月27日",
            "--description",
            "x",
        ],
    ));
    let show = ok(gongkai(
        data,
        &["request", "show", "D-1", "--agency", AGENCY],
    ));
    assert!(show.contains("2024-09-27 收到申请"), "{show}");
    let out = ok(gongkai(
        data,
        &["deadline", "--received", "2024/9/27", "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Day 1 is the make-up Sunday 09-29; the National Day week is off; Saturday 10-12 works.
    assert_eq!(v["due"], "2024-10-30");
    let out = ok(gongkai(data, &["deadline", "--received", "2026-12-20"]));
    assert!(out.contains("gongkai calendar import"), "{out}");
    assert!(!out.contains("尚无国务院公布"), "{out}");
}

#[test]
fn standard_output_empty_databases_and_missing_directories() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let o = gongkai(data, &["agency", "list"]);
    assert!(ok(o).contains("尚未登记任何机关"));
    // `-o -` writes to standard output (a pipe here), even a binary document.
    let o = gongkai(data, &["report", "render", SEED, "--to", "docx", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.starts_with(b"PK"), "a DOCX on standard output");
    let o = gongkai(data, &["import", "template", "-o", "-"]);
    assert!(o.stdout.starts_with(b"PK"));
    // A database in a directory that does not exist: an error, and no tree created.
    let missing = data.join("no/such/dir/g.db");
    let url = format!("sqlite:{}", missing.display());
    let o = gongkai(data, &["agency", "list", "--db", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("数据库目录不存在"),
        "{}",
        text(&o.stderr)
    );
    assert!(!data.join("no").exists());
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    for i in 0..50 {
        ok(gongkai(data, &["agency", "add", &format!("管道测试局{i}")]));
    }
    for args in [
        vec!["agency", "list"],
        vec!["report", "schema"],
        vec!["report", "parse", SEED],
    ] {
        let mut child = command(data, &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the command writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn four_writers_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(gongkai(data, &["agency", "add", AGENCY]));
    let children: Vec<_> = (0..4)
        .map(|w| {
            let script: Vec<String> = (0..10).map(|i| format!("W{w}-{i}")).collect();
            std::thread::spawn({
                let data = data.to_owned();
                move || {
                    for reference in script {
                        let o = gongkai(
                            &data,
                            &[
                                "request",
                                "add",
                                "--agency",
                                AGENCY,
                                "--reference",
                                &reference,
                                "--applicant",
                                "甲",
                                "--kind",
                                "自然人",
                                "--channel",
                                "网上",
                                "--received",
                                "2024-05-06",
                                "--description",
                                "x",
                            ],
                        );
                        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
                    }
                }
            })
        })
        .collect();
    for c in children {
        c.join().unwrap();
    }
    let list = ok(gongkai(
        data,
        &["request", "list", "--agency", AGENCY, "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 40);
    assert!(ok(gongkai(data, &["audit", "verify"])).contains("共 41 条"));
}

#[test]
fn a_new_database_opened_by_four_processes_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_owned();
    let children: Vec<_> = (0..4)
        .map(|w| {
            command(&data, &["agency", "add", &format!("并发局{w}")])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    assert_eq!(ok(gongkai(&data, &["agency", "list"])).lines().count(), 4);
}

/// Reading commands work on a database file this user cannot write (run as `nobody` when the
/// tests run as root, who can write any file).
#[test]
fn a_read_only_database_can_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    imported(data);
    let db = data.join("gongkai.db");
    let is_root = std::env::var("USER").is_ok_and(|u| u == "root")
        || Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| text(&o.stdout).trim() == "0");
    let setpriv = Path::new("/usr/bin/setpriv");
    if is_root && !setpriv.exists() {
        eprintln!("skipped: running as root without setpriv");
        return;
    }
    // Everything readable by everyone, nothing writable; the directory too.
    for p in [data.to_owned(), db.clone()] {
        let mode = if p.is_dir() { "555" } else { "444" };
        Command::new("chmod")
            .args([mode, p.to_str().unwrap()])
            .status()
            .unwrap();
    }
    for sidecar in ["gongkai.db-wal", "gongkai.db-shm"] {
        let p = data.join(sidecar);
        if p.exists() {
            Command::new("chmod")
                .args(["444", p.to_str().unwrap()])
                .status()
                .unwrap();
        }
    }
    let run = |args: &[&str]| -> Output {
        let mut c = if is_root {
            let mut c = Command::new(setpriv);
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_gongkai"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_gongkai"))
        };
        c.args(args)
            .env("GONGKAI_DATA_DIR", data)
            .env_remove("GONGKAI_DATABASE_URL")
            .current_dir("/")
            .output()
            .unwrap()
    };
    let o = run(&["report", "generate", "--agency", AGENCY, "--year", "2024"]);
    let out = ok(o);
    assert!(out.contains("\"new_received\""), "{out}");
    ok(run(&["agency", "list"]));
    ok(run(&["audit", "verify"]));
    let o = run(&["agency", "add", "新局"]);
    assert_eq!(o.status.code(), Some(2));
    assert_chinese(&text(&o.stderr));
    for p in [data.to_owned(), db] {
        Command::new("chmod")
            .args(["755", p.to_str().unwrap()])
            .status()
            .unwrap();
    }
}

#[test]
fn help_lists_subcommands_and_every_input_format() {
    let dir = tempfile::tempdir().unwrap();
    let help = ok(gongkai(dir.path(), &["report", "--help"]));
    assert!(help.contains("用法："), "{help}");
    for sub in [
        "check", "parse", "render", "new", "diff", "schema", "generate", "explain", "prose",
    ] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(sub))
            .unwrap_or_else(|| panic!("{sub} missing in\n{help}"));
        assert!(
            line.trim().len() > sub.len() + 4,
            "{sub} has a description: {line}"
        );
    }
    let parse = ok(gongkai(dir.path(), &["report", "parse", "--help"]));
    for format in [
        "规范 JSON",
        "HTML",
        "Markdown",
        "DOCX",
        "PDF",
        "XLSX",
        "CSV",
    ] {
        assert!(parse.contains(format), "{format} missing in\n{parse}");
    }
    assert!(!parse.contains("Options:") && !parse.contains("Print help"));
}

#[test]
fn config_show_hides_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let o = command(dir.path(), &["config", "show"])
        .env(
            "GONGKAI_DATABASE_URL",
            "postgres://gk:very-secret@db.example:5432/gongkai",
        )
        .output()
        .unwrap();
    let out = ok(o);
    assert!(
        out.contains("postgres://gk:***@db.example:5432/gongkai"),
        "{out}"
    );
    assert!(!out.contains("very-secret"));
    for key in ["data_dir", "url", "fee_pause", "due_soon_days"] {
        assert!(out.contains(key), "{key}: {out}");
    }
    // A gongkai.toml in the working directory is read, and a typo in it is named.
    std::fs::write(
        dir.path().join("gongkai.toml"),
        "[deadline]\ndue_soon_day = 3\n",
    )
    .unwrap();
    let o = gongkai(dir.path(), &["config", "show"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("deadline.due_soon_day"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn a_backup_is_taken_while_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    imported(data);
    let backup = data.join("备份.db");
    ok(gongkai(data, &["backup", backup.to_str().unwrap()]));
    let url = format!("sqlite:{}", backup.display());
    let out = ok(gongkai(
        data,
        &[
            "report", "generate", "--agency", AGENCY, "--year", "2024", "--db", &url,
        ],
    ));
    assert!(out.contains("\"new_received\""));
    let o = gongkai(data, &["backup", backup.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an existing file is never overwritten"
    );
}
