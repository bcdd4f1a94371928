//! `gongkai report …` on published reports (text, HTML) instead of canonical JSON: the figures
//! read are the seed's, findings quote where their cells are, and unreadable files exit 2.
#![allow(clippy::unwrap_used)]

mod common;

use common::{fixture, gongkai, stderr, stdout};

/// Flattens `tables` into `cell key → value`, as spec §4 says.
fn cells(v: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for (t, table) in v["tables"].as_object().unwrap() {
        for (k, x) in table.as_object().unwrap() {
            match x {
                serde_json::Value::Object(cols) => {
                    for (c, y) in cols {
                        out.push((format!("{t}.{k}.{c}"), y.clone()));
                    }
                }
                _ => out.push((format!("{t}.{k}"), x.clone())),
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn parse_of_the_seed_text_gives_the_seed_figures_cell_for_cell() {
    let o = gongkai(&["report", "parse", &fixture("yanhu-2020.txt"), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("yanhu-2020.json")).unwrap())
            .unwrap();
    for key in ["format", "year", "agency"] {
        assert_eq!(got[key], want[key], "{key}");
    }
    let (got_cells, want_cells) = (cells(&got), cells(&want));
    assert_eq!(got_cells.len(), want_cells.len());
    assert!(want_cells.len() > 150, "{}", want_cells.len());
    for (g, w) in got_cells.iter().zip(&want_cells) {
        assert_eq!(g, w);
    }
    assert_eq!(
        got["tables"]["t2"]["central_procurement"]["procurement_amount"],
        "336337896300"
    );
    // Several files: JSON Lines, one compact canonical object per line.
    let o = gongkai(&[
        "report",
        "parse",
        "--json",
        &fixture("yanhu-2020.txt"),
        &fixture("shanghai-office-2025.md"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["year"], 2020);
    assert_eq!(lines[1]["year"], 2025);
    // Without --json: every cell with where it was found.
    let o = gongkai(&["report", "parse", &fixture("yanhu-2020.txt")]);
    let out = stdout(&o);
    assert!(out.contains("198/198"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("t2.central_procurement.procurement_amount")
                && l.contains("336337896300")
                && l.contains("第97行")),
        "{out}"
    );
}

#[test]
fn check_of_the_seed_text_quotes_the_line_of_the_r9_cell() {
    let txt = fixture("yanhu-2020.txt");
    let o = gongkai(&["report", "check", &txt]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let r9 = out
        .lines()
        .skip_while(|l| !l.contains("! R9"))
        .nth(1)
        .unwrap_or_else(|| panic!("no R9 in\n{out}"));
    assert!(
        r9.contains("t2.central_procurement.procurement_amount（第97行）"),
        "{out}"
    );
    assert!(out.contains("读取：text，找到 198/198 个单元格"), "{out}");
    assert!(out.contains("0 个错误，1 个警告"), "{out}");

    let o = gongkai(&["report", "check", "--json", &txt]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["kind"], "text");
    assert_eq!(v[0]["completeness"]["found"], 198);
    assert_eq!(v[0]["completeness"]["ratio"], 1.0);
    let f = &v[0]["findings"][0];
    assert_eq!(f["rule"], "R9");
    let prov = f["provenance"].as_array().unwrap();
    assert!(
        prov.iter()
            .any(|p| p["cell"] == "t2.central_procurement.procurement_amount"
                && p["source"] == "第97行"),
        "{f}"
    );
}

#[test]
fn check_of_an_html_page_reads_it_by_content_and_quotes_table_cells() {
    let o = gongkai(&[
        "report",
        "check",
        "--json",
        &fixture("shuyang-fgj-2023.html"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["kind"], "html");
    assert_eq!(v[0]["agency"], "沭阳县发展和改革局");
    assert_eq!(v[0]["year"], 2023);
    assert_eq!(v[0]["errors"], 0);
    // The page's blank cells are R10 warnings, each traced to its table cell.
    let r10 = v[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "R10")
        .unwrap();
    let sources: Vec<&str> = r10["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["source"].as_str().unwrap())
        .collect();
    assert!(!sources.is_empty());
    assert!(sources.iter().all(|s| s.contains("行第")), "{sources:?}");
    // The same page copied under a misleading name is still read by content.
    let dir = tempfile::tempdir().unwrap();
    let disguised = dir.path().join("report.json");
    std::fs::copy(fixture("shuyang-fgj-2023.html"), &disguised).unwrap();
    let o = gongkai(&["report", "check", disguised.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("读取：html"), "{}", stdout(&o));
}

#[test]
fn render_from_a_published_text_gives_the_seed_document() {
    let dir = tempfile::tempdir().unwrap();
    let from_txt = dir.path().join("from-txt.json");
    let o = gongkai(&[
        "report",
        "render",
        &fixture("yanhu-2020.txt"),
        "--to",
        "json",
        "-o",
        from_txt.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let from_json = dir.path().join("from-json.json");
    let o = gongkai(&[
        "report",
        "render",
        &fixture("yanhu-2020.json"),
        "--to",
        "json",
        "-o",
        from_json.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&from_txt).unwrap()).unwrap();
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&from_json).unwrap()).unwrap();
    assert_eq!(a["tables"], b["tables"]);
    let html = dir.path().join("seed.html");
    let o = gongkai(&[
        "report",
        "render",
        &fixture("yanhu-2020.txt"),
        "--to",
        "html",
        "-o",
        html.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("盐湖区人民政府办公室") && page.contains("45241"));
}

#[test]
fn diff_between_the_seed_text_and_its_json_finds_no_cell_difference() {
    let o = gongkai(&[
        "report",
        "diff",
        "--json",
        &fixture("yanhu-2020.txt"),
        &fixture("yanhu-2020.json"),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cells"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(v["a"]["kind"], "text");
    assert_eq!(v["b"]["kind"], "json");
    let o = gongkai(&[
        "report",
        "diff",
        &fixture("yanhu-2020.txt"),
        &fixture("yanhu-2020.json"),
    ]);
    assert!(stdout(&o).contains("不同的单元格：0 个"), "{}", stdout(&o));
    // A different report does differ, and the changed cell is traced to the text's line.
    let o = gongkai(&[
        "report",
        "diff",
        &fixture("yanhu-2020.txt"),
        &fixture("shanghai-office-2025.json"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("（A 第"), "{}", stdout(&o));
}

#[test]
fn garbage_exits_2_naming_the_file_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("scan-0001.bin");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&garbage, bytes).unwrap();
    let g = garbage.to_str().unwrap();
    let seed = fixture("yanhu-2020.json");
    for args in [
        vec!["report", "check", g],
        vec!["report", "parse", "--json", g],
        vec!["report", "render", g, "--to", "html"],
        vec!["report", "diff", g, &seed],
    ] {
        let o = gongkai(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("scan-0001.bin"), "{args:?}: {err}");
        assert!(
            err.contains("无法解码") || err.contains("不是政府信息公开工作年度报告"),
            "{args:?}: {err}"
        );
    }
    // The readable file next to it is still checked.
    let o = gongkai(&["report", "check", g, &fixture("yanhu-2020.txt")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("盐湖区人民政府办公室 2020"),
        "{}",
        stdout(&o)
    );
}
