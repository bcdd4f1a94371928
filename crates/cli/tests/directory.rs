//! `gongkai directory …` and `gongkai channel …` end to end, running the built binary on a
//! temporary data directory (SQLite, and a fresh PostgreSQL database when
//! `GONGKAI_TEST_POSTGRES_URL` is set): a county government with its finance bureau and a
//! township, each bureau's standard directory imported, the catalogue linked to its items and
//! channels, and the coverage of 2025 per unit.
//!
//! The fixtures are in `crates/directory/tests/fixtures`. Gaps counted by hand for 2025:
//!
//! - 某某县财政局 (6 items): CZ-01 (每年3月31日前) published 03-20: covered. CZ-02 (每年9月30日前)
//!   published only 10-15: a gap. CZ-03 (20个工作日) written 04-01, published 06-30: covered,
//!   one late (the 20th working day after 04-01 is 04-29). CZ-04 and CZ-05 in one document of
//!   02-01: covered (CZ-04's 2024 document does not count). CZ-06 (按上级要求, kept as text):
//!   nothing in 2025, a gap. 4 covered, 2 gaps.
//! - 某某县人民政府 (2 items): ZW-01 (每年2月底前) nothing: a gap; ZW-02 (常态化) 05-01: covered.
//! - 某某县城关镇人民政府: no directory.
//!
//! Subtree from the government: 3 gaps.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Gk, PgDatabase};
use std::path::{Path, PathBuf};

const GOVERNMENT: &str = "某某县人民政府";
const FINANCE: &str = "某某县财政局";
const TOWN: &str = "某某县城关镇人民政府";

fn fixture(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../directory/tests/fixtures")
        .join(name);
    p.to_str().unwrap().to_owned()
}

fn story(gk: &Gk<'_>) {
    gk.ok(&["agency", "add", GOVERNMENT]);
    gk.ok(&["agency", "add", FINANCE, "--parent", GOVERNMENT]);
    gk.ok(&["agency", "add", TOWN, "--parent", GOVERNMENT]);

    // A bad directory: every bad row by row and column, nothing stored.
    let err = gk.fails(&[
        "directory",
        "import",
        &fixture("bad-directory.csv"),
        "--agency",
        FINANCE,
    ]);
    assert!(
        err.contains("第3行“事项编号”：事项编号“CZ-01”与第2行重复"),
        "{err}"
    );
    assert!(err.contains("第4行“领域”：必须填写领域"), "{err}");
    assert!(err.contains("第5行“事项编号”"), "{err}");
    let listed = gk.ok(&["directory", "list", "--agency", FINANCE]);
    assert!(listed.contains("尚未导入标准目录"), "{listed}");

    let out = gk.ok(&[
        "directory",
        "import",
        &fixture("finance-directory.csv"),
        "--agency",
        FINANCE,
    ]);
    assert!(
        out.contains("6 个事项（新增 6，修改 0，未变 0，删除 0）"),
        "{out}"
    );
    let again = gk.ok(&[
        "directory",
        "import",
        &fixture("finance-directory.csv"),
        "--agency",
        FINANCE,
    ]);
    assert!(again.contains("未变 6"), "{again}");
    gk.ok(&[
        "directory",
        "import",
        &fixture("government-directory.csv"),
        "--agency",
        GOVERNMENT,
    ]);
    let items = gk.json(&["directory", "list", "--agency", FINANCE, "--json"]);
    assert_eq!(items.as_array().unwrap().len(), 6);
    assert_eq!(items[2]["time_limit"], "信息形成或变更之日起20个工作日内");

    // The channels the catalogue names.
    for (platform, name) in [("门户网站", "某某县财政局网站"), ("微信公众号", "某某财政")]
    {
        gk.ok(&[
            "channel",
            "add",
            "--agency",
            FINANCE,
            "--platform",
            platform,
            "--name",
            name,
            "--operator",
            "县财政局办公室",
            "--opened",
            "2020-01-01",
            "--filed",
        ]);
    }
    let err = gk.fails(&[
        "channel",
        "add",
        "--agency",
        FINANCE,
        "--platform",
        "微博",
        "--name",
        "某某财政",
        "--opened",
        "2021-01-01",
    ]);
    assert!(err.contains("已登记名为“某某财政”的渠道"), "{err}");

    // A catalogue naming an item the directory does not have: nothing imported.
    let dir = gk.data;
    let wrong = dir.join("wrong.csv");
    std::fs::write(
        &wrong,
        "索引号,信息名称,发布日期,标准目录事项\nX-1,某文件,2025-01-02,CZ-99\n",
    )
    .unwrap();
    let err = gk.fails(&[
        "catalogue",
        "import",
        wrong.to_str().unwrap(),
        "--agency",
        FINANCE,
    ]);
    assert!(
        err.contains("标准目录事项“CZ-99”不在本机关的政务公开事项标准目录中"),
        "{err}"
    );

    gk.ok(&[
        "catalogue",
        "import",
        &fixture("finance-catalogue.csv"),
        "--agency",
        FINANCE,
    ]);
    gk.ok(&[
        "catalogue",
        "import",
        &fixture("government-catalogue.csv"),
        "--agency",
        GOVERNMENT,
    ]);

    // The bureau's coverage: gaps flagged and explained; exit status 1 (a finding).
    let cov = gk.json_exiting(
        1,
        &[
            "directory",
            "coverage",
            "--agency",
            FINANCE,
            "--year",
            "2025",
            "--json",
        ],
    );
    let cov = cov.as_array().unwrap();
    let items: Vec<&str> = cov.iter().map(|i| i["item"].as_str().unwrap()).collect();
    assert_eq!(
        items,
        ["CZ-01", "CZ-02", "CZ-03", "CZ-04", "CZ-05", "CZ-06"]
    );
    let gaps: Vec<bool> = cov.iter().map(|i| i["gap"].as_bool().unwrap()).collect();
    assert_eq!(gaps, [false, true, false, false, false, true]);
    let pubs: Vec<u64> = cov
        .iter()
        .map(|i| i["publications"].as_u64().unwrap())
        .collect();
    assert_eq!(pubs, [1, 1, 1, 1, 1, 0]);
    assert_eq!(cov[2]["late"], 1);
    let reason = cov[1]["reason"].as_str().unwrap();
    assert!(
        reason.contains("2025-09-30 前没有公开") && reason.contains("2025-10-15"),
        "{reason}"
    );
    assert!(
        cov[5]["reason"]
            .as_str()
            .unwrap()
            .contains("2025年内没有公开记录")
    );
    assert_eq!(cov[0]["rule"]["kind"], "yearly");

    // The supervising office: every unit, the township without a directory.
    let text = gk.exits(
        1,
        &[
            "directory",
            "coverage",
            "--agency",
            GOVERNMENT,
            "--year",
            "2025",
            "--subtree",
        ],
    );
    assert!(
        text.contains("某某县人民政府 2025年标准目录覆盖情况：2 个事项，已公开 1，缺口 1"),
        "{text}"
    );
    assert!(
        text.contains("某某县财政局 2025年标准目录覆盖情况：6 个事项，已公开 4，缺口 2"),
        "{text}"
    );
    assert!(
        text.contains("某某县城关镇人民政府：尚未导入标准目录"),
        "{text}"
    );
    let all = gk.json_exiting(
        1,
        &[
            "directory",
            "coverage",
            "--agency",
            GOVERNMENT,
            "--year",
            "2025",
            "--subtree",
            "--json",
        ],
    );
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 8);
    assert_eq!(all.iter().filter(|i| i["gap"] == true).count(), 3);
    // 2024: the bureau published CZ-04 only.
    let old = gk.json_exiting(
        1,
        &[
            "directory",
            "coverage",
            "--agency",
            FINANCE,
            "--year",
            "2024",
            "--json",
        ],
    );
    let covered: Vec<&str> = old
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["gap"] == false)
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    assert_eq!(covered, ["CZ-04"]);

    // The channel register with the year's figures, the monthly counts, a closing.
    let err = gk.fails(&[
        "channel",
        "counts",
        "import",
        &fixture("bad-directory.csv"),
        "--agency",
        FINANCE,
    ]);
    assert!(err.contains("找不到表头"), "{err}");
    let out = gk.ok(&[
        "channel",
        "counts",
        "import",
        &fixture("post-counts.csv"),
        "--agency",
        FINANCE,
    ]);
    assert!(out.contains("新增 3 个月"), "{out}");
    let list = gk.json(&[
        "channel",
        "list",
        "--agency",
        GOVERNMENT,
        "--subtree",
        "--year",
        "2025",
        "--json",
    ]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let wechat = list.iter().find(|c| c["name"] == "某某财政").unwrap();
    assert_eq!(wechat["platform"], "微信公众号");
    assert_eq!(wechat["documents"], 2);
    assert_eq!(wechat["posts"], 21);
    let site = list
        .iter()
        .find(|c| c["name"] == "某某县财政局网站")
        .unwrap();
    assert_eq!(site["documents"], 3);
    assert_eq!(site["posts"], 30);
    gk.ok(&[
        "channel",
        "close",
        "某某财政",
        "--agency",
        FINANCE,
        "--date",
        "2025-06-30",
    ]);
    let err = gk.fails(&[
        "channel",
        "close",
        "某某财政",
        "--agency",
        FINANCE,
        "--date",
        "2025-07-01",
    ]);
    assert!(err.contains("已于 2025-06-30 关停"), "{err}");
    let late = dir.join("late.csv");
    std::fs::write(&late, "渠道名称,月份,发布条数\n某某财政,2025-08,3\n").unwrap();
    let err = gk.fails(&[
        "channel",
        "counts",
        "import",
        late.to_str().unwrap(),
        "--agency",
        FINANCE,
    ]);
    assert!(err.contains("第2行“月份”"), "{err}");
    let text = gk.ok(&["channel", "list", "--agency", FINANCE]);
    assert!(text.contains("2025-06-30 关停"), "{text}");
}

#[test]
fn coverage_of_a_county_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&Gk {
        data: dir.path(),
        db: None,
    });
}

#[test]
fn coverage_of_a_county_on_postgres() {
    let Some(admin) = std::env::var("GONGKAI_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped: GONGKAI_TEST_POSTGRES_URL not set");
        return;
    };
    let Some(db) = PgDatabase::create(&admin, "directory") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    story(&Gk {
        data: dir.path(),
        db: Some(&db.url),
    });
}

#[test]
fn the_template_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let gk = Gk {
        data: dir.path(),
        db: None,
    };
    let out = dir.path().join("t.xlsx");
    gk.ok(&["directory", "template", "-o", out.to_str().unwrap()]);
    gk.ok(&["agency", "add", FINANCE]);
    let err = gk.fails(&[
        "directory",
        "import",
        out.to_str().unwrap(),
        "--agency",
        FINANCE,
    ]);
    assert!(err.contains("文件中没有事项"), "{err}");
}
