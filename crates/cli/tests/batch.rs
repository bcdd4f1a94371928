//! `gongkai report check DIR`: a few hundred generated reports in several forms, a couple of
//! garbage files and two consecutive years of one agency, checked in one batch. The summary,
//! the cross-year findings and the dataset are compared with what the generated reports are
//! known to contain.
#![allow(clippy::unwrap_used)]

mod common;

use common::gongkai;
use gongkai_render::Target;
use gongkai_report::rules::{self, Rule, Severity};
use gongkai_report::template::{self, CellKind};
use gongkai_report::{Applicant, CellKey, Format, Report, Section, T3Row, T4Col, Value};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A small deterministic generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n) as i64
    }
}

/// A report whose tables 三 and 四 add up (R1–R4 hold), with random figures; `carried_in`
/// fixes this year's carried-in figures of the six applicant columns.
fn report(rng: &mut Rng, year: i32, agency: &str, carried_in: Option<[i64; 6]>) -> Report {
    let format = Format::for_year(year);
    let mut r = Report::blank(format, year, agency);
    let set = |r: &mut Report, k: CellKey, v: Value| r.set(k, Some(v)).unwrap();
    for k in template::cells(format) {
        if let CellKey::T2(..) = k {
            let v = match k.kind() {
                CellKind::Count => Value::Int(rng.below(60)),
                CellKind::SignedCount => Value::Int(rng.below(11) - 5),
                CellKind::Money(_) => Value::Money(Decimal::new(rng.below(1_000_000), 2)),
            };
            set(&mut r, k, v);
        }
    }
    let rows = rules::outcome_rows(&r);
    for (i, &col) in Applicant::KINDS.iter().enumerate() {
        let mut total = 0;
        for &row in &rows {
            let n = rng.below(4);
            total += n;
            set(&mut r, CellKey::T3(row, col), Value::Int(n));
        }
        let cin = carried_in.map_or_else(|| rng.below(3), |c| c[i]);
        let cout = cin + rng.below(3);
        set(&mut r, CellKey::T3(T3Row::RTotal, col), Value::Int(total));
        set(&mut r, CellKey::T3(T3Row::CarriedIn, col), Value::Int(cin));
        set(
            &mut r,
            CellKey::T3(T3Row::CarriedOut, col),
            Value::Int(cout),
        );
        set(
            &mut r,
            CellKey::T3(T3Row::NewReceived, col),
            Value::Int(total + cout - cin),
        );
    }
    for row in r.t3_rows() {
        let sum: i64 = Applicant::KINDS
            .iter()
            .map(|&c| r.int(CellKey::T3(row, c)).unwrap())
            .sum();
        set(&mut r, CellKey::T3(row, Applicant::Total), Value::Int(sum));
    }
    for group in T4Col::ALL.chunks(5) {
        let mut total = 0;
        for &c in &group[..4] {
            let n = rng.below(3);
            total += n;
            set(&mut r, CellKey::T4(c), Value::Int(n));
        }
        set(&mut r, CellKey::T4(group[4]), Value::Int(total));
    }
    for &s in Section::ALL {
        r.set_section(s, "本机关认真贯彻落实条例，依法做好政府信息公开工作。");
    }
    r
}

fn write(dir: &Path, name: &str, report: &Report, target: &str) -> PathBuf {
    let target: Target = target.parse().unwrap();
    let findings = rules::check(report);
    let bytes = gongkai_render::render(report, &findings, target).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

const A: [char; 10] = ['东', '西', '南', '北', '中', '上', '下', '前', '后', '左'];
const B: [char; 10] = ['山', '水', '林', '田', '湖', '河', '江', '海', '原', '岭'];
const C: [&str; 3] = ["县人民政府", "县教育局", "县交通运输局"];

#[test]
fn a_directory_of_hundreds_of_reports_is_checked_in_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("reports");
    let mut rng = Rng(20_260_131);
    // file name → the report written into it.
    let mut written: HashMap<String, Report> = HashMap::new();
    let targets = ["html", "md", "txt", "json"];
    for i in 0..240usize {
        let sub = root.join(format!("batch-{}", i % 3));
        std::fs::create_dir_all(&sub).unwrap();
        let agency = format!("{}{}{}", A[i % 10], B[(i / 10) % 10], C[i / 100]);
        let year = 2019 + rng.below(7) as i32;
        let mut r = report(&mut rng, year, &agency, None);
        if i % 7 == 0 {
            // One wrong figure: R2 (its row) and R3 (its column) see it.
            let k = CellKey::T3(T3Row::RDisclosed, Applicant::NaturalPerson);
            let n = r.int(k).unwrap();
            r.set(k, Some(Value::Int(n + 1))).unwrap();
        }
        let target = targets[i % 4];
        // Extensions say nothing: inputs are judged by content.
        let name = format!("r{i:03}.{}", if i % 5 == 0 { "dat" } else { target });
        let path = write(&sub, &name, &r, target);
        written.insert(path.display().to_string(), r);
    }
    // Two consecutive years of one agency, carry-over broken in the natural-person column.
    let agency = "连续县人民政府";
    let y1 = report(&mut rng, 2022, agency, None);
    let mut carried = [0; 6];
    for (i, &c) in Applicant::KINDS.iter().enumerate() {
        carried[i] = y1.int(CellKey::T3(T3Row::CarriedOut, c)).unwrap();
    }
    carried[0] += 1;
    let y2 = report(&mut rng, 2023, agency, Some(carried));
    let p1 = write(&root, "series-2022.txt", &y1, "txt");
    let p2 = write(&root, "series-2023.html", &y2, "html");
    written.insert(p1.display().to_string(), y1);
    written.insert(p2.display().to_string(), y2);
    // Garbage, and a hidden file that must be skipped.
    let garbage1 = root.join("garbage-1.html");
    std::fs::write(
        &garbage1,
        (0..3000u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let garbage2 = root.join("batch-1").join("garbage-2.txt");
    std::fs::write(&garbage2, "这是一份会议通知，与年度报告无关。\n").unwrap();
    std::fs::write(root.join(".hidden.txt"), [0xffu8; 64]).unwrap();

    // What the reports are known to contain.
    let mut expected_rules: BTreeMap<Rule, usize> = BTreeMap::new();
    for r in written.values() {
        for f in rules::check(r) {
            if f.severity == Severity::Error {
                *expected_rules.entry(f.rule).or_default() += 1;
            }
        }
    }
    let originals: Vec<&Report> = written.values().collect();
    let series = rules::check_series(&originals);
    let expected_r5 = series.iter().filter(|(_, f)| f.rule == Rule::R5).count();
    assert_eq!(expected_r5, 2, "natural person and total columns");
    assert!(expected_rules[&Rule::R2] >= 30 && expected_rules[&Rule::R3] >= 30);

    let csv_path = dir.path().join("x.csv");
    let o = gongkai(&[
        "report",
        "check",
        root.to_str().unwrap(),
        "--json",
        "--dataset",
        csv_path.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    // Error-severity findings make it 1; files that are no report, found in the directory,
    // are skipped with a note and change nothing.
    assert_eq!(
        o.status.code(),
        Some(1),
        "worst status: error findings\n{stderr}"
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let of_type =
        |t: &str| -> Vec<&serde_json::Value> { lines.iter().filter(|l| l["type"] == t).collect() };

    // The summary.
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["files"], 244, "hidden file skipped");
    assert_eq!(summary["read_fully"], 242, "{summary}");
    assert_eq!(summary["read_partly"], 0);
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["skipped"], 2);
    for rule in [Rule::R1, Rule::R2, Rule::R3, Rule::R4, Rule::R7] {
        let want = expected_rules.get(&rule).copied().unwrap_or(0);
        let got = summary["by_rule"][rule.to_string()]["findings"]
            .as_u64()
            .unwrap_or(0);
        assert_eq!(got as usize, want, "{rule}: {summary}");
    }
    assert_eq!(summary["by_rule"]["R5"]["findings"], 2, "{summary}");
    assert_eq!(summary["worst"][0]["errors"], 2, "{summary}");
    assert_eq!(summary["worst"].as_array().unwrap().len(), 10);
    assert!(summary["files_per_second"].as_f64().unwrap() > 0.0);

    // Per-report lines: one per readable file, each with its kind and completeness.
    let reports = of_type("report");
    assert_eq!(reports.len(), 242);
    for r in &reports {
        let file = r["file"].as_str().unwrap();
        let original = &written[file];
        assert_eq!(r["agency"], original.agency.as_str(), "{file}");
        assert_eq!(r["year"], original.year, "{file}");
        assert_eq!(r["completeness"]["ratio"], 1.0, "{file}");
        let errors = rules::check(original)
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        assert_eq!(r["errors"], errors, "{file}");
    }
    // Cross-year: R5 on the later report, with where the cell is in its page.
    let cross = of_type("cross_year");
    let r5: Vec<_> = cross
        .iter()
        .filter(|c| c["finding"]["rule"] == "R5")
        .collect();
    assert_eq!(r5.len(), 2, "{cross:?}");
    for c in &r5 {
        assert_eq!(c["file"], p2.display().to_string());
        let cell = c["finding"]["cells"][0].as_str().unwrap();
        assert!(cell.starts_with("t3.carried_in."), "{cell}");
        let src = c["finding"]["provenance"][0]["source"].as_str().unwrap();
        assert!(src.contains("表格") && src.contains("行第"), "{src}");
    }
    // Garbage: named, skipped as no report.
    let bad = of_type("skipped");
    let mut bad_files: Vec<&str> = bad.iter().map(|b| b["file"].as_str().unwrap()).collect();
    bad_files.sort();
    assert_eq!(
        bad_files,
        [garbage2.to_str().unwrap(), garbage1.to_str().unwrap()]
    );
    assert!(of_type("unreadable").is_empty());
    assert!(!stderr.contains(".hidden"));

    // The dataset: BOM, header, one row per readable report with its figures.
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let mut rdr = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header[..8],
        [
            "file",
            "agency",
            "year",
            "format",
            "kind",
            "completeness",
            "errors",
            "warnings"
        ]
    );
    let mut all_keys: Vec<CellKey> = Format::ALL
        .iter()
        .flat_map(|&f| template::cells(f))
        .collect();
    all_keys.sort();
    all_keys.dedup();
    let key_names: Vec<String> = all_keys.iter().map(|k| k.to_string()).collect();
    assert_eq!(header[8..], key_names[..]);
    let mut rows = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        rows += 1;
        let original = &written[&rec[0]];
        assert_eq!(&rec[1], original.agency);
        assert_eq!(rec[2], original.year.to_string());
        assert_eq!(&rec[3], original.format.as_str());
        assert_eq!(&rec[5], "1.000");
        let kind = &rec[4];
        assert!(
            ["html", "markdown", "text", "json"].contains(&kind),
            "{kind}"
        );
        for (i, k) in all_keys.iter().enumerate() {
            let want = original.get(*k).map(|v| v.to_string()).unwrap_or_default();
            assert_eq!(rec[8 + i], want, "{} {k}", &rec[0]);
        }
    }
    assert_eq!(rows, 242);

    // Human output over more than 20 files: one line per file, then the summary.
    let o = gongkai(&["report", "check", root.to_str().unwrap(), "--jobs", "1"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    let per_file = out
        .lines()
        .filter(|l| l.starts_with(root.to_str().unwrap()))
        .filter(|l| l.contains("个错误，") || l.contains("跳过 —— 不是年度报告"))
        .count();
    assert_eq!(per_file, 244, "{out}");
    assert!(!out.contains("✓ R1"), "short lines only");
    assert!(
        out.contains(
            "汇总：共 244 个文件；完整读取 242，部分读取 0，无法读取 0，不是年度报告而跳过 2"
        ),
        "{out}"
    );
    assert!(
        out.contains("跨年度检查") && out.contains("series-2023.html"),
        "{out}"
    );
    assert!(out.contains("错误最多的报告"), "{out}");
    assert!(out.contains("份/秒"), "{out}");

    // The JSON Lines dataset: one object per report with its canonical tables.
    let jsonl = dir.path().join("x.jsonl");
    let o = gongkai(&[
        "report",
        "check",
        p1.to_str().unwrap(),
        p2.to_str().unwrap(),
        "--dataset",
        jsonl.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let objs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 2);
    let later = objs.iter().find(|o| o["year"] == 2023).unwrap();
    assert_eq!(
        later["tables"]["t3"]["carried_in"]["natural_person"],
        carried[0]
    );
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("! R5"), "two files: full detail\n{out}");
}

#[test]
fn a_dataset_with_an_unknown_extension_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let o = gongkai(&[
        "report",
        "check",
        dir.path().to_str().unwrap(),
        "--dataset",
        dir.path().join("x.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".csv 或 .jsonl"));
}

/// The output and the dataset come in file order whatever the number of threads, so that two
/// runs over the same files can be compared line by line.
#[test]
fn batch_output_does_not_depend_on_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/reports");
    let run = |jobs: &str| {
        let dataset = dir.path().join(format!("d{jobs}.csv"));
        let o = gongkai(&[
            "report",
            "check",
            fixtures.to_str().unwrap(),
            "--json",
            "--jobs",
            jobs,
            "--dataset",
            dataset.to_str().unwrap(),
        ]);
        let out = String::from_utf8(o.stdout).unwrap();
        // The summary's last line holds timings.
        let lines: Vec<String> = out
            .lines()
            .filter(|l| !l.contains("\"type\":\"summary\""))
            .map(str::to_owned)
            .collect();
        (lines, std::fs::read(dataset).unwrap())
    };
    let (one, d1) = run("1");
    let (two, d2) = run("2");
    assert!(one.len() >= 10, "{one:?}");
    assert_eq!(one, two);
    assert_eq!(d1, d2);
    let files: Vec<String> = one
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "report")
        .map(|v| v["file"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
}

/// A report from an untrusted source whose agency name is a spreadsheet formula: the CSV
/// dataset carries it as text (`'=HYPERLINK(…)`), which a spreadsheet never runs.
#[test]
fn the_csv_dataset_never_carries_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(7);
    let name = "=HYPERLINK(\"http://example.invalid\",\"点击\")";
    let path = write(
        dir.path(),
        "@bad.json",
        &report(&mut rng, 2023, name, None),
        "json",
    );
    let csv = dir.path().join("x.csv");
    let o = gongkai(&[
        "report",
        "check",
        path.to_str().unwrap(),
        "--dataset",
        csv.to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(2), "{}", common::stderr(&o));
    let mut rows = csv::Reader::from_path(&csv).unwrap();
    let record = rows.records().next().unwrap().unwrap();
    let fields: Vec<&str> = record.iter().collect();
    assert!(fields.contains(&format!("'{name}").as_str()), "{fields:?}");
    assert!(
        fields.iter().all(|f| !f.starts_with(['=', '+', '@'])),
        "{fields:?}"
    );
}

/// A hostile page (200,000 nested `<div>`s around a report, which once overflowed the stack
/// and killed the whole run) among ordinary reports: every file is checked, the hostile one
/// read past its wrappers with a warning, the dataset written, no temporary file left.
#[test]
fn a_batch_survives_a_page_of_deeply_nested_markup() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("reports");
    std::fs::create_dir_all(&root).unwrap();
    let mut rng = Rng(99);
    for (i, place) in A.iter().take(5).enumerate() {
        let r = report(&mut rng, 2023, &format!("某县{place}局"), None);
        write(&root, &format!("r{i}.html"), &r, "html");
    }
    let hostile = report(&mut rng, 2023, "某县深层局", None);
    let page =
        String::from_utf8(gongkai_render::render(&hostile, &[], Target::Html).unwrap()).unwrap();
    let body = &page[page.find("<body").unwrap()..page.rfind("</body>").unwrap()];
    let body = &body[body.find('>').unwrap() + 1..];
    let depth = 200_000;
    let nested = format!(
        "<html><body>{}{body}{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    std::fs::write(root.join("deep.html"), nested).unwrap();
    let dataset = dir.path().join("out.jsonl");
    let o = gongkai(&[
        "report",
        "check",
        root.to_str().unwrap(),
        "--json",
        "--dataset",
        dataset.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&dataset)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 6, "every file in the dataset");
    let deep = rows.iter().find(|r| r["agency"] == "某县深层局").unwrap();
    assert_eq!(
        deep["tables"]["t3"]["new_received"]["total"],
        hostile
            .int(CellKey::T3(T3Row::NewReceived, Applicant::Total))
            .unwrap()
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "reports" && n != "out.jsonl")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
