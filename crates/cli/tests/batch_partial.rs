//! Issue 14, class 2: a batch directory of real published reports where some are partial (a
//! copy cut off mid-table, a report without table 四, one page of tables) is checked with exit
//! status 0 or 1 (findings), never 2: every partial file is read, its completeness says how
//! much, and the checks whose cells are absent are not applicable rather than errors.
#![allow(clippy::unwrap_used)]

mod common;

use common::{fixture, gongkai, stderr, stdout};
use std::collections::BTreeMap;

/// The first `keep` lines of a text.
fn cut(text: &str, keep: usize) -> String {
    text.split('\n').take(keep).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_directory_of_real_reports_some_partial_is_checked_without_trouble() {
    let dir = tempfile::tempdir().unwrap();
    let read = |n: &str| std::fs::read_to_string(fixture(n)).unwrap();
    for n in [
        "yanhu-2020.txt",
        "shanghai-office-2025.md",
        "pingtan-2019.html",
        "shuyang-fgj-2023.html",
        "huaian-2024.pdf",
    ] {
        std::fs::copy(fixture(n), dir.path().join(n)).unwrap();
    }
    let yanhu = read("yanhu-2020.txt");
    // Cut inside table 三: its first rows are there, the rest of the report is not.
    let t3 = yanhu
        .split('\n')
        .position(|l| l.contains("上年结转"))
        .unwrap();
    std::fs::write(dir.path().join("yanhu-cut.txt"), cut(&yanhu, t3 + 9)).unwrap();
    // Table 四 dropped ("no case occurred"): section 四 is a sentence.
    let md = read("shanghai-office-2025.md");
    let lines: Vec<&str> = md.split('\n').collect();
    let from = lines.iter().position(|l| l.starts_with("四、")).unwrap();
    let to = lines
        .iter()
        .position(|l| l.contains("（一）2024 年工作中"))
        .unwrap();
    let mut no_t4: Vec<&str> = lines[..=from].to_vec();
    no_t4.push("本年度未发生政府信息公开行政复议、行政诉讼案件。");
    no_t4.extend(&lines[to..]);
    std::fs::write(dir.path().join("shanghai-no-t4.md"), no_t4.join("\n")).unwrap();
    // One page of a flip-book: the title and table 三's first two rows.
    let page = "某某县交通运输局2022年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n\n\
        \t一、本年新收政府信息公开申请数量\n\t5\n\t0\n\t0\n\t0\n\t0\n\t0\n\t5\n\n\
        \t二、上年结转政府信息公开申请数量\n\t1\n\t0\n\t0\n\t0\n\t0\n\t0\n\t1\n";
    std::fs::write(dir.path().join("page.txt"), page).unwrap();

    let o = gongkai(&["report", "check", dir.path().to_str().unwrap(), "--json"]);
    let code = o.status.code();
    assert!(matches!(code, Some(0 | 1)), "{code:?}: {}", stderr(&o));
    let mut reports: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for line in stdout(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_ne!(v["type"], "unreadable", "{v}");
        if v["type"] == "report" {
            let file = v["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned();
            reports.insert(file, v);
        }
    }
    assert_eq!(reports.len(), 8, "{:?}", reports.keys());
    let ratio = |f: &str| reports[f]["completeness"]["ratio"].as_f64().unwrap();
    for f in [
        "yanhu-2020.txt",
        "shanghai-office-2025.md",
        "pingtan-2019.html",
    ] {
        assert_eq!(ratio(f), 1.0, "{f}");
    }
    for f in ["yanhu-cut.txt", "shanghai-no-t4.md", "page.txt"] {
        assert!(ratio(f) > 0.0 && ratio(f) < 1.0, "{f}: {}", ratio(f));
        // No arithmetic rule fails for cells the file does not print.
        let rules: Vec<&str> = reports[f]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["severity"] == "error")
            .map(|x| x["rule"].as_str().unwrap())
            .collect();
        assert!(rules.is_empty(), "{f}: {rules:?}");
    }
    assert_eq!(reports["page.txt"]["completeness"]["found"], 14);
    let t4_absent = reports["shanghai-no-t4.md"]["reader_warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().starts_with("未找到表四"));
    assert!(t4_absent);

    // Named one by one, the partial files are read too (exit 0 or 1, not 2).
    let named: Vec<String> = ["yanhu-cut.txt", "shanghai-no-t4.md", "page.txt"]
        .iter()
        .map(|f| dir.path().join(f).display().to_string())
        .collect();
    let mut args = vec!["report", "check"];
    args.extend(named.iter().map(String::as_str));
    let o = gongkai(&args);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
}
