//! `gongkai assess`: the sample scheme applied to an agency with the fixture ledger, as a
//! table on the terminal, an XLSX read back and a DOCX; a broken scheme refused with its line,
//! an unknown figure by its name.
#![allow(clippy::unwrap_used)]

mod common;

use calamine::DataType;
use common::{agency_with_ledger, gongkai_in as gongkai, ok, stderr};

const AGENCY: &str = "考核县人民政府";
const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/assessment.sample.toml"
);

#[test]
fn the_sample_scheme_scores_the_units_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    agency_with_ledger(data, AGENCY);
    let args = ["assess", "--year", "2024", "--scheme", SAMPLE];
    let out = ok(gongkai(data, &args));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains("2024 年度"), "{out}");
    assert!(lines[1].starts_with("名次\t机关\t总分"), "{out}");
    let row: Vec<&str> = lines[2].split('\t').collect();
    assert_eq!(row[1], AGENCY);
    // The fixture ledger holds far more requests than min_requests: the unit is ranked first.
    assert_eq!(row[0], "1", "{out}");
    let total: f64 = row[2].parse().unwrap();
    assert!((0.0..=100.0).contains(&total));

    let xlsx = data.join("考核.xlsx");
    let mut with_output = args.to_vec();
    with_output.extend(["-o", xlsx.to_str().unwrap()]);
    ok(gongkai(data, &with_output));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "督查").unwrap();
    assert_eq!(sheet.get_value((2, 1)).unwrap().to_string(), AGENCY);
    assert_eq!(
        sheet.get_value((2, 2)).unwrap().get_float(),
        Some(total),
        "the workbook's total is the terminal's"
    );

    let docx = data.join("考核.docx");
    let mut with_output = args.to_vec();
    with_output.extend(["-o", docx.to_str().unwrap()]);
    ok(gongkai(data, &with_output));
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));

    let broken = data.join("broken.toml");
    std::fs::write(
        &broken,
        "min_requests = 1\n\n[[item]]\nname = \"x\"\nweight = = 3\n",
    )
    .unwrap();
    let o = gongkai(
        data,
        &[
            "assess",
            "--year",
            "2024",
            "--scheme",
            broken.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("第 5 行"), "{}", stderr(&o));
    std::fs::write(
        &broken,
        "[[item]]\nname = \"x\"\nweight = 3\nfigure = \"speed\"\nbands = [{ min = 1, points = 100 }]\n",
    )
    .unwrap();
    let o = gongkai(
        data,
        &[
            "assess",
            "--year",
            "2024",
            "--scheme",
            broken.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("未知的指标“speed”"), "{}", stderr(&o));
}
