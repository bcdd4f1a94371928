//! `gongkai catalogue …` end to end, running the built binary on a temporary data directory:
//! a county's catalogue imported from a CSV file and read back through search, the register
//! behind table 二, the annual report, the drill-down and the Atom feed (on SQLite and, when
//! `GONGKAI_TEST_POSTGRES_URL` is set, on a fresh PostgreSQL database); saved portal pages; and
//! a SIGKILL during an import and during a reindex, after which the store and the search index
//! still agree (all or nothing; the index catches up).
//!
//! The expected figures were counted by hand on `tests/catalogue/county.csv` and
//! `tests/catalogue/interpretations.csv` (see [`story`]).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Gk, PgDatabase, stderr};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const GOVERNMENT: &str = "某某县人民政府";
const DEPARTMENT: &str = "某某县司法局";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/catalogue")
        .join(name)
}

/// A directory holding two of the saved portal pages of the catalogue-import crate's fixtures
/// (the others are for its own cases: a page without 索引号, a GBK page made in its test).
fn saved_pages() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalogue-import/tests/pages");
    for name in ["govcn-policy.html", "hanweb-table.html"] {
        std::fs::copy(pages.join(name), dir.path().join(name)).unwrap();
    }
    dir
}

/// The binary on a data directory, on its default SQLite database or on `db`.
/// What this file's cases ask of the binary besides [`Gk`]'s own.
impl Gk<'_> {
    /// `catalogue search QUERY --json` with more arguments.
    fn search(&self, query: &str, more: &[&str]) -> Value {
        let mut args = vec!["catalogue", "search", query, "--json"];
        args.extend_from_slice(more);
        self.json(&args)
    }

    /// A register cell's value.
    fn register(&self, agency: &str, year: &str, more: &[&str]) -> Value {
        let mut args = vec![
            "catalogue",
            "register",
            "--agency",
            agency,
            "--year",
            year,
            "--json",
        ];
        args.extend_from_slice(more);
        self.json(&args)
    }
}

/// The 索引号 of each hit, in order.
fn index_numbers(page: &Value) -> Vec<String> {
    page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["index_number"].as_str().unwrap().to_owned())
        .collect()
}

/// The value of a register cell by key (`t2.normative_docs.issued`).
fn cell(register: &Value, key: &str) -> u64 {
    register["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no cell {key} in {register:#}"))["value"]
        .as_u64()
        .unwrap()
}

/// The ids of documents by 索引号, from `catalogue list`.
fn ids(gk: &Gk<'_>) -> std::collections::HashMap<String, u64> {
    let list = gk.json(&[
        "catalogue",
        "list",
        "--agency",
        GOVERNMENT,
        "--subtree",
        "--json",
    ]);
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["index_number"].as_str().unwrap().to_owned(),
                d["id"].as_u64().unwrap(),
            )
        })
        .collect()
}

const NORMATIVE: [&str; 5] = [
    "GF-2023-001",
    "GF-2023-002",
    "GF-2024-001",
    "GF-2024-002",
    "GF-2024-003",
];

/// The county's story. The fixture, by hand:
///
/// | 索引号 | agency | 类别 | 成文 | 发布 | 有效性 |
/// |---|---|---|---|---|---|
/// | GF-2023-001 | 县政府 | 规范性文件 | 2023-03-01 | 2023-03-10 | 有效 |
/// | GF-2023-002 | 县政府 | 规范性文件 | 2023-06-01 | 2023-06-08 | 废止 2024-05-20 |
/// | GF-2024-001 | 县政府 | 规范性文件 | 2024-02-01 | 2024-02-06 | 有效 (interpreted by JD-2024-001) |
/// | GF-2024-002 | 县政府 | 规范性文件 | 2024-10-14 | 2024-11-29 | 有效 (late: 34 working days, no holiday between) |
/// | GF-2024-003 | 司法局 | 规范性文件 | 2024-04-01 | 2024-04-03 | 有效 |
/// | GZ-2024-001 | 县政府 | 规章 | 2024-07-01 | 2024-07-05 | 有效 |
/// | TZ-2024-001 | 县政府 | — | 2024-07-30 | 2024-08-01 | 有效 |
/// | JD-2024-001 | 县政府 | — (政策解读 of GF-2024-001) | 2024-02-06 | 2024-02-07 | 有效 |
///
/// 县政府 2024 (2021 format): normative issued 2 (GF-2024-001, -002), repealed 1 (GF-2023-002),
/// in force 3 (GF-2023-001, GF-2024-001, -002); regulations 1/0/1; late 1; 解读率 1/3
/// (GF-2024-001 of GF-2024-001, GF-2024-002, GZ-2024-001). Consolidated adds GF-2024-003.
fn story(gk: &Gk<'_>) {
    let started = Instant::now();
    gk.ok(&["agency", "add", GOVERNMENT]);
    gk.ok(&["agency", "add", DEPARTMENT, "--parent", GOVERNMENT]);

    // The template is an XLSX workbook (a ZIP with worksheets).
    let template = gk.data.join("模板.xlsx");
    gk.ok(&["catalogue", "template", "-o", template.to_str().unwrap()]);
    let bytes = std::fs::read(&template).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "not a ZIP");
    assert!(
        bytes.windows(13).any(|w| w == b"xl/worksheets"),
        "no worksheets in the template"
    );

    // Import; importing the same file again changes nothing.
    let county = fixture("county.csv");
    let county = county.to_str().unwrap();
    let interpretations = fixture("interpretations.csv");
    let interpretations = interpretations.to_str().unwrap();
    let out = gk.ok(&["catalogue", "import", county, "--agency", GOVERNMENT]);
    assert!(
        out.contains("目录导入完成：新增 7 条，更新 0 条，未变 0 条"),
        "{out}"
    );
    let out = gk.ok(&[
        "catalogue",
        "import",
        interpretations,
        "--agency",
        GOVERNMENT,
    ]);
    assert!(
        out.contains("目录导入完成：新增 1 条，更新 0 条，未变 0 条"),
        "{out}"
    );
    let out = gk.ok(&["catalogue", "import", county, "--agency", GOVERNMENT]);
    assert!(
        out.contains("目录导入完成：新增 0 条，更新 0 条，未变 7 条"),
        "{out}"
    );

    // Lists: the government's own 7, 8 with the department's.
    let own = gk.json(&["catalogue", "list", "--agency", GOVERNMENT, "--json"]);
    assert_eq!(own.as_array().unwrap().len(), 7, "{own:#}");
    let ids = ids(gk);
    assert_eq!(ids.len(), 8, "{ids:?}");
    let normative_2024 = gk.json(&[
        "catalogue",
        "list",
        "--agency",
        GOVERNMENT,
        "--category",
        "规范性文件",
        "--year",
        "2024",
        "--json",
    ]);
    assert_eq!(
        normative_2024
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["index_number"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["GF-2024-002", "GF-2024-001"],
        "newest first"
    );

    // Search: every normative document says 规范性文件 in its body, nothing else does.
    let all = gk.search("规范性文件", &[]);
    assert_eq!(all["total"], 5, "{all:#}");
    assert_eq!(
        index_numbers(&all).into_iter().collect::<BTreeSet<_>>(),
        NORMATIVE.iter().map(|s| s.to_string()).collect()
    );
    let dog = all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["index_number"] == "GF-2024-002")
        .unwrap();
    assert_eq!(
        dog["title"],
        "某某县人民政府关于印发《某某县养犬管理办法》的通知"
    );
    assert_eq!(dog["id"], ids["GF-2024-002"]);
    assert_eq!(dog["agency"], GOVERNMENT);
    assert!(
        dog["snippet"].as_str().unwrap().contains("【"),
        "the snippet marks the match: {dog:#}"
    );
    // The agency alone, the agency and those below it, the department alone.
    let own = gk.search("规范性文件", &["--agency", GOVERNMENT]);
    assert_eq!(own["total"], 4, "{own:#}");
    assert!(!index_numbers(&own).contains(&"GF-2024-003".to_owned()));
    let subtree = gk.search("规范性文件", &["--agency", GOVERNMENT, "--subtree"]);
    assert_eq!(subtree["total"], 5, "{subtree:#}");
    let department = gk.search("规范性文件", &["--agency", DEPARTMENT]);
    assert_eq!(index_numbers(&department), ["GF-2024-003"]);
    // Newest first, by 发布日期.
    let newest = gk.search("规范性文件", &["--newest"]);
    assert_eq!(
        index_numbers(&newest),
        [
            "GF-2024-002",
            "GF-2024-003",
            "GF-2024-001",
            "GF-2023-002",
            "GF-2023-001"
        ]
    );
    // Pages of two, by relevance and by date: every document once, and the date order kept.
    for order in [&[][..], &["--newest"][..]] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut more = vec!["--limit", "2"];
            more.extend_from_slice(order);
            if let Some(a) = &after {
                more.extend(["--after", a.as_str()]);
            }
            let page = gk.search("规范性文件", &more);
            assert_eq!(page["total"], 5);
            let hits = index_numbers(&page);
            assert!(hits.len() <= 2, "{page:#}");
            seen.extend(hits);
            pages += 1;
            assert!(pages <= 5, "the pages do not end: {seen:?}");
            match page["next"].as_str() {
                Some(next) => after = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(pages, 3, "{order:?}: {seen:?}");
        let unique: BTreeSet<_> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "duplicates: {seen:?}");
        assert_eq!(unique.len(), 5, "{seen:?}");
        if !order.is_empty() {
            assert_eq!(seen, index_numbers(&newest));
        }
    }

    // A document: the interpretation both ways, and the late publication.
    let explained = gk.json(&[
        "catalogue",
        "show",
        "GF-2024-001",
        "--agency",
        GOVERNMENT,
        "--json",
    ]);
    assert_eq!(
        explained["interpretations"],
        serde_json::json!(["JD-2024-001"])
    );
    assert_eq!(explained["late_working_days"], Value::Null);
    assert_eq!(explained["written"], "2024-02-01");
    let interpretation = gk.json(&[
        "catalogue",
        "show",
        "JD-2024-001",
        "--agency",
        GOVERNMENT,
        "--json",
    ]);
    assert_eq!(interpretation["interprets"], "GF-2024-001");
    let late = gk.json(&[
        "catalogue",
        "show",
        "GF-2024-002",
        "--agency",
        GOVERNMENT,
        "--json",
    ]);
    // 2024-10-15 … 2024-11-29: 13 working days in October, 21 in November.
    assert_eq!(late["late_working_days"], 34);
    assert_eq!(late["doc_number"], "某政发〔2024〕9号");
    assert_eq!(late["category"], "规范性文件");
    let text = gk.ok(&["catalogue", "show", "GF-2024-002", "--agency", GOVERNMENT]);
    assert!(text.contains("成文后第 34 个工作日才发布"), "{text}");

    // The register, 2021 format.
    let register = gk.register(GOVERNMENT, "2024", &[]);
    assert_eq!(register["format"], "2021");
    assert_eq!(register["has_catalogue"], true);
    let expected = [
        ("t2.normative_docs.issued", 2),
        ("t2.normative_docs.repealed", 1),
        ("t2.normative_docs.in_force", 3),
        ("t2.regulations.issued", 1),
        ("t2.regulations.repealed", 0),
        ("t2.regulations.in_force", 1),
    ];
    for (key, n) in expected {
        assert_eq!(cell(&register, key), n, "{key}: {register:#}");
    }
    let issued: Vec<u64> = register["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "t2.normative_docs.issued")
        .unwrap()["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap())
        .collect();
    assert_eq!(issued, [ids["GF-2024-001"], ids["GF-2024-002"]]);
    assert_eq!(register["late_count"], 1);
    assert_eq!(register["late"][0]["id"], ids["GF-2024-002"]);
    assert_eq!(register["late"][0]["working_days"], 34);
    let rate = register["interpretation_rate"].as_f64().unwrap();
    assert!((rate - 1.0 / 3.0).abs() < 1e-9, "{rate}");
    assert_eq!(
        register["interpreted"],
        serde_json::json!([ids["GF-2024-001"]])
    );
    // 2023: the two issued that year, both still in force at its end.
    let y2023 = gk.register(GOVERNMENT, "2023", &[]);
    for (key, n) in [
        ("t2.normative_docs.issued", 2),
        ("t2.normative_docs.repealed", 0),
        ("t2.normative_docs.in_force", 2),
        ("t2.regulations.issued", 0),
    ] {
        assert_eq!(cell(&y2023, key), n, "2023 {key}: {y2023:#}");
    }
    // Consolidated: the department's GF-2024-003 too.
    let consolidated = gk.register(GOVERNMENT, "2024", &["--consolidated"]);
    for (key, n) in [
        ("t2.normative_docs.issued", 3),
        ("t2.normative_docs.repealed", 1),
        ("t2.normative_docs.in_force", 4),
        ("t2.regulations.issued", 1),
    ] {
        assert_eq!(cell(&consolidated, key), n, "consolidated {key}");
    }
    let rate = consolidated["interpretation_rate"].as_f64().unwrap();
    assert!((rate - 0.25).abs() < 1e-9, "{rate}");

    // The annual report takes table 二's rows from the catalogue.
    let report_args = [
        "report", "generate", "--agency", GOVERNMENT, "--year", "2024", "--to", "json",
    ];
    let report = gk.json(&report_args);
    assert_eq!(report["format"], "2021");
    let t2 = &report["tables"]["t2"];
    for (key, n) in expected {
        let mut path = key.split('.').skip(1);
        let (row, col) = (path.next().unwrap(), path.next().unwrap());
        assert_eq!(t2[row][col], n, "report {key}: {t2:#}");
    }
    // Section 二's paragraph is written from the catalogue (the agency wrote none).
    let s2 = report["sections"]["s2_proactive"].as_str().unwrap();
    assert!(s2.starts_with("本年度主动公开政府信息"), "{s2}");

    // A figure of the catalogue entered by hand needs a reason, which the report then states.
    let set = ["figures", "set", "--agency", GOVERNMENT, "--year", "2024"];
    let o = gk.run(&[&set[..], &["t2.normative_docs.issued=9"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("须说明原因"), "{}", stderr(&o));
    let unchanged = gk.json(&report_args);
    assert_eq!(unchanged["tables"]["t2"]["normative_docs"]["issued"], 2);
    gk.ok(&[
        &set[..],
        &["t2.normative_docs.issued=9", "--reason", "某某"],
    ]
    .concat());
    let report = gk.json(&report_args);
    assert_eq!(report["tables"]["t2"]["normative_docs"]["issued"], 9);
    assert_eq!(report["tables"]["t2"]["normative_docs"]["in_force"], 3);
    let s2 = report["sections"]["s2_proactive"].as_str().unwrap();
    let (paragraph, note) = s2.split_once("\n\n").unwrap();
    assert!(paragraph.starts_with("本年度主动公开政府信息"), "{s2}");
    assert!(note.starts_with("注"), "{note}");
    assert!(note.contains("9 件"), "{note}");
    assert!(note.contains("公开目录记录 2 件"), "{note}");
    assert!(note.contains("原因：某某"), "{note}");

    // The drill-down lists the catalogue's documents behind the cell.
    let explain = [
        "report",
        "explain",
        "--cell",
        "t2.normative_docs.issued",
        "--agency",
        GOVERNMENT,
        "--year",
        "2024",
    ];
    let text = gk.ok(&explain);
    assert!(text.contains("GF-2024-001"), "{text}");
    assert!(
        text.contains("某某县人民政府关于印发《某某县养犬管理办法》的通知"),
        "{text}"
    );
    assert!(!text.contains("GF-2023-"), "{text}");
    let explained = gk.json(&[&explain[..], &["--json"]].concat());
    assert_eq!(explained["count"], 2);
    let references: Vec<_> = explained["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(references, ["GF-2024-001", "GF-2024-002"]);

    // A repeal moves one document from in force to repealed.
    let out = gk.ok(&[
        "catalogue",
        "repeal",
        "GF-2024-001",
        "--agency",
        GOVERNMENT,
        "--date",
        "2024-06-30",
    ]);
    assert!(out.contains("废止"), "{out}");
    let after = gk.register(GOVERNMENT, "2024", &[]);
    assert_eq!(cell(&after, "t2.normative_docs.issued"), 2);
    assert_eq!(cell(&after, "t2.normative_docs.repealed"), 2);
    assert_eq!(cell(&after, "t2.normative_docs.in_force"), 2);
    assert_eq!(cell(&after, "t2.regulations.in_force"), 1);
    // … and the index knows it at once.
    let repealed = gk.search("规范性文件", &["--validity", "废止"]);
    assert_eq!(
        index_numbers(&repealed)
            .into_iter()
            .collect::<BTreeSet<_>>(),
        ["GF-2023-002", "GF-2024-001"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );

    // The Atom feed of the government's own documents, newest first.
    let feed = gk.ok(&[
        "catalogue",
        "feed",
        "--agency",
        GOVERNMENT,
        "--url",
        "https://x/feed.xml",
        "--document-url",
        "https://x/d/",
    ]);
    assert!(feed.starts_with("<?xml"), "{feed}");
    assert!(
        feed.contains(r#"<feed xmlns="http://www.w3.org/2005/Atom""#),
        "{feed}"
    );
    assert_eq!(feed.matches("<entry>").count(), 7, "{feed}");
    assert!(feed.contains("<title>某某县人民政府 政府信息公开目录</title>"));
    for title in [
        "某某县城乡规划管理规定",
        "《某某县农村饮水安全管理办法》政策解读",
        "某某县人民政府办公室关于开展防汛检查的通知",
    ] {
        assert!(feed.contains(&format!("<title>{title}")), "{title}: {feed}");
    }
    assert!(
        !feed.contains("人民调解"),
        "the department's document is not in the government's feed"
    );
    let first = feed.find("养犬管理办法").unwrap();
    let oldest = feed.find("城市管理办法").unwrap();
    assert!(first < oldest, "newest first");
    assert!(feed.contains(&format!(
        r#"<link href="https://x/d/{}" rel="alternate""#,
        ids["GF-2024-002"]
    )));
    eprintln!(
        "county story ({}): {:.1} s",
        gk.db.map_or("SQLite", |_| "PostgreSQL"),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn a_county_catalogue_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&Gk {
        data: dir.path(),
        db: None,
    });
}

#[test]
fn a_county_catalogue_on_postgres() {
    let Some(admin) = std::env::var("GONGKAI_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped: GONGKAI_TEST_POSTGRES_URL not set");
        return;
    };
    let Some(db) = PgDatabase::create(&admin, "catalogue") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    story(&Gk {
        data: dir.path(),
        db: Some(&db.url),
    });
    // The index is PostgreSQL's own (catalogue.search = auto): no tantivy directory was made.
    let search_dir = dir.path().join("search");
    assert!(
        !search_dir.exists(),
        "a tantivy index was created at {}",
        search_dir.display()
    );
}

/// The 解读对象 of an interpretation may be a document of the same file (the catalogue-import
/// crate documents it: "the use case finds its id among stored documents or in the same file").
#[test]
fn an_interpretation_of_a_document_in_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let gk = Gk {
        data: dir.path(),
        db: None,
    };
    gk.ok(&["agency", "add", GOVERNMENT]);
    gk.ok(&["agency", "add", DEPARTMENT, "--parent", GOVERNMENT]);
    let county = std::fs::read_to_string(fixture("county.csv")).unwrap();
    let interpretations = std::fs::read_to_string(fixture("interpretations.csv")).unwrap();
    let row = interpretations.lines().nth(1).unwrap();
    let both = dir.path().join("both.csv");
    std::fs::write(&both, format!("{county}{row}\n")).unwrap();
    let out = gk.ok(&[
        "catalogue",
        "import",
        both.to_str().unwrap(),
        "--agency",
        GOVERNMENT,
    ]);
    assert!(out.contains("新增 8 条"), "{out}");
    let shown = gk.json(&[
        "catalogue",
        "show",
        "JD-2024-001",
        "--agency",
        GOVERNMENT,
        "--json",
    ]);
    assert_eq!(shown["interprets"], "GF-2024-001");
}

#[test]
fn saved_pages_are_imported_with_a_report_of_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let gk = Gk {
        data: dir.path(),
        db: None,
    };
    gk.ok(&["agency", "add", "国务院办公厅"]);
    gk.ok(&["agency", "add", "无锡市锡山区人民政府"]);
    let pages = saved_pages();
    let pages = pages.path().to_str().unwrap();
    let out = gk.ok(&["catalogue", "import", pages, "--agency", "国务院办公厅"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].starts_with(
            "govcn-policy.html（UTF-8）：可以导入；已读取：索引号、信息名称、发布机构"
        ),
        "{out}"
    );
    assert!(
        lines[1].starts_with(
            "hanweb-table.html（UTF-8）：可以导入；已读取：索引号、信息名称、发布机构"
        ),
        "{out}"
    );
    assert!(lines[1].contains("废止日期"), "{out}");
    assert_eq!(lines[2], "目录导入完成：新增 2 条，更新 0 条，未变 0 条");

    // Each page's 发布机构 decides the catalogue it joins.
    let policy = gk.search("政务公开", &[]);
    assert_eq!(
        index_numbers(&policy),
        ["000014349/2020-00036"],
        "{policy:#}"
    );
    let hit = &policy["hits"][0];
    assert_eq!(
        hit["title"],
        "国务院办公厅关于进一步加强政务公开标准化规范化建设的意见"
    );
    assert_eq!(hit["agency"], "国务院办公厅");
    assert_eq!(hit["doc_number"], "国办发〔2020〕7号");
    let xishan = gk.search("规范性文件", &["--agency", "无锡市锡山区人民政府"]);
    assert_eq!(
        index_numbers(&xishan),
        ["014034703/2023-01127"],
        "{xishan:#}"
    );
    assert!(
        xishan["hits"][0]["validity"]
            .as_str()
            .unwrap()
            .contains("废止"),
        "{xishan:#}"
    );
    let shown = gk.json(&[
        "catalogue",
        "show",
        "000014349/2020-00036",
        "--agency",
        "国务院办公厅",
        "--json",
    ]);
    assert_eq!(shown["written"], "2020-03-05");
    assert_eq!(shown["published"], "2020-03-10");
    // Again: nothing new.
    let out = gk.ok(&["catalogue", "import", pages, "--agency", "国务院办公厅"]);
    assert!(
        out.ends_with("目录导入完成：新增 0 条，更新 0 条，未变 2 条\n"),
        "{out}"
    );
}

const MANY: usize = 20_000;

/// `catalogue list` count of the government's documents.
fn stored(gk: &Gk<'_>) -> usize {
    gk.json(&[
        "catalogue",
        "list",
        "--agency",
        GOVERNMENT,
        "--limit",
        "100000",
        "--json",
    ])
    .as_array()
    .unwrap()
    .len()
}

/// `catalogue search` total for the word every generated document has.
fn searchable(gk: &Gk<'_>) -> u64 {
    gk.search("防汛抗旱", &["--limit", "1"])["total"]
        .as_u64()
        .unwrap()
}

/// Starts `args` and SIGKILLs it after `delay`; whether it was still running then.
fn kill_after(gk: &Gk<'_>, args: &[&str], delay: Duration) -> bool {
    let mut child = gk
        .command(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    if let Some(status) = child.try_wait().unwrap() {
        assert!(status.success(), "gongkai {} failed", args.join(" "));
        return false;
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(9));
    true
}

#[test]
fn a_kill_during_import_or_reindex_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("索引号,信息名称,发布日期,正文\n");
    for i in 1..=MANY {
        csv.push_str(&format!(
            "PL-2024-{i:05},某某县人民政府关于第{i}号批量事项的通知,2024-03-01,批量测试正文：防汛抗旱，第{i}条。\n"
        ));
    }
    let file = dir.path().join("many.csv");
    std::fs::write(&file, csv).unwrap();
    let file = file.to_str().unwrap();
    let import = ["catalogue", "import", file, "--agency", GOVERNMENT];

    // Kill an import: all or nothing, and the index agrees with the store. A slow machine
    // may still be reading the file; a fast one may be done: shorter delays then.
    let mut killed = false;
    let mut attempt = 0;
    for delay in [2500, 1200, 600, 300, 100] {
        attempt += 1;
        let data = dir.path().join(format!("import-{attempt}"));
        std::fs::create_dir(&data).unwrap();
        let gk = Gk {
            data: &data,
            db: None,
        };
        gk.ok(&["agency", "add", GOVERNMENT]);
        let t = Instant::now();
        killed = kill_after(&gk, &import, Duration::from_millis(delay));
        let n = stored(&gk);
        eprintln!(
            "import {} after {delay} ms ({:.1} s): {n} documents stored",
            if killed { "killed" } else { "finished" },
            t.elapsed().as_secs_f64()
        );
        assert!(n == 0 || n == MANY, "a killed import stored {n} documents");
        assert_eq!(searchable(&gk), n as u64, "search and store disagree");
        if !killed {
            continue;
        }
        // Then a full import; the index catches up with it.
        let t = Instant::now();
        let out = gk.ok(&import);
        eprintln!(
            "import of {MANY} documents: {:.1} s",
            t.elapsed().as_secs_f64()
        );
        if n == 0 {
            assert!(out.contains(&format!("新增 {MANY} 条")), "{out}");
        } else {
            assert!(out.contains(&format!("未变 {MANY} 条")), "{out}");
        }
        assert_eq!(stored(&gk), MANY);
        assert_eq!(searchable(&gk), MANY as u64);

        // Kill another import late, when the store has likely committed and the index is
        // catching up: whatever it left, the next search brings the index up to the store.
        let late = dir.path().join("import-late");
        std::fs::create_dir(&late).unwrap();
        let gk_late = Gk {
            data: &late,
            db: None,
        };
        gk_late.ok(&["agency", "add", GOVERNMENT]);
        let delay = Duration::from_millis(delay * 2);
        let was = kill_after(&gk_late, &import, delay);
        let n = stored(&gk_late);
        eprintln!(
            "import {} after {} ms: {n} documents stored",
            if was { "killed" } else { "finished" },
            delay.as_millis()
        );
        assert!(n == 0 || n == MANY, "a killed import stored {n} documents");
        assert_eq!(searchable(&gk_late), n as u64, "search and store disagree");

        // Kill a reindex half-way: the next search finds every document again.
        let mut reindex_killed = false;
        for delay in [2500, 1000, 300] {
            let was = kill_after(&gk, &["catalogue", "reindex"], Duration::from_millis(delay));
            eprintln!(
                "reindex {} after {delay} ms",
                if was { "killed" } else { "finished" }
            );
            let found = searchable(&gk);
            assert_eq!(
                found, MANY as u64,
                "after a killed reindex the search finds {found} of {MANY}"
            );
            // The search's catch-up is stored: a second search agrees.
            assert_eq!(searchable(&gk), MANY as u64);
            if was {
                reindex_killed = true;
                break;
            }
        }
        assert!(reindex_killed, "every reindex finished before the kill");
        // A complete reindex afterwards indexes every document once.
        let out = gk.ok(&["catalogue", "reindex"]);
        assert!(out.contains(&format!("{MANY} 条信息")), "{out}");
        assert_eq!(searchable(&gk), MANY as u64);
        break;
    }
    assert!(killed, "every import finished before it could be killed");
}
