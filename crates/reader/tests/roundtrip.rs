//! gongkai's own machine formats read back to the very report they were rendered from: the
//! canonical JSON, the CSV and the XLSX (its `单元格` sheet), for random reports of both formats
//! with absent cells, signed counts, money with 分, and text that a spreadsheet would take for a
//! formula or that outgrows an Excel cell.
#![allow(clippy::unwrap_used)]

use gongkai_reader::{InputKind, read};
use gongkai_render::{Target, render};
use gongkai_report::template::{self, CellKind, Format};
use gongkai_report::{Report, Section, Value};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Agency names as an untrusted source may give them.
const AGENCIES: &[&str] = &[
    "盐湖区人民政府办公室",
    "=HYPERLINK(\"http://example.invalid\",\"点击\")",
    "'某局",
    "+86某局",
    "@某局",
    "某局 \"引号\", 逗号",
];

/// Pieces of section text: plain prose, line breaks, quotes and commas (CSV), a formula start,
/// a leading quote the guard must keep, markup.
const PIECES: &[&str] = &[
    "本机关认真贯彻落实《条例》。",
    "\n",
    "\"引号\",逗号",
    "=SUM(A1:A9)",
    "-4",
    "'",
    "<b>加粗</b>",
    "第（一）项",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..6).prop_map(|p| p.concat())
}

fn report() -> impl Strategy<Value = Report> {
    (any::<bool>(), prop::sample::select(AGENCIES), 0..3i32).prop_flat_map(|(new, agency, dy)| {
        let format = if new { Format::F2021 } else { Format::F2019 };
        let year = if new { 2021 + dy } else { 2019 + dy.min(1) };
        let n = template::cells(format).len();
        (
            prop::collection::vec((any::<u32>(), prop::bool::weighted(0.15)), n),
            text(),
            prop::collection::vec(text(), Section::ALL.len()),
        )
            .prop_map(move |(cells, preamble, sections)| {
                let mut r = Report::blank(format, year, agency);
                r.preamble = preamble;
                for (s, t) in Section::ALL.iter().zip(sections) {
                    r.set_section(*s, t);
                }
                for (key, (seed, absent)) in template::cells(format).into_iter().zip(cells) {
                    let value = match key.kind() {
                        _ if absent => None,
                        CellKind::Count => Some(Value::Int(i64::from(seed % 1_000_000))),
                        CellKind::SignedCount => Some(Value::Int(i64::from(seed % 201) - 100)),
                        CellKind::Money(_) => {
                            Some(Value::Money(Decimal::new(i64::from(seed), 2).normalize()))
                        }
                    };
                    r.set(key, value).unwrap();
                }
                r
            })
    })
}

fn round_trip(report: &Report, target: Target, kind: InputKind) -> Result<(), TestCaseError> {
    let bytes = render(report, &[], target).unwrap();
    let parsed = read(&bytes).map_err(|e| TestCaseError::fail(format!("{target:?}: {e}")))?;
    prop_assert_eq!(parsed.kind, kind);
    prop_assert_eq!(&parsed.report, report, "{:?}", target);
    prop_assert!(
        parsed.warnings.is_empty(),
        "{:?}: {:?}",
        target,
        parsed.warnings
    );
    let c = parsed.completeness();
    prop_assert_eq!(c.found, c.total);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn json_csv_and_xlsx_read_back_to_the_same_report(report in report()) {
        round_trip(&report, Target::Json, InputKind::CanonicalJson)?;
        round_trip(&report, Target::Csv, InputKind::Csv)?;
        round_trip(&report, Target::Xlsx, InputKind::Xlsx)?;
    }
}

/// A section longer than an Excel cell holds (32,767 UTF-16 units) continues on the next rows
/// of the `单元格` sheet and is read back whole.
#[test]
fn a_text_longer_than_a_cell_survives_the_workbook() {
    let mut report = Report::blank(Format::F2021, 2024, "某局");
    let long = "本机关依法公开政府信息。\n".repeat(4_000);
    report.set_section(Section::S1Overview, long.trim_end());
    for target in [Target::Xlsx, Target::Csv] {
        let parsed = read(&render(&report, &[], target).unwrap()).unwrap();
        assert_eq!(parsed.report, report, "{target:?}");
    }
}
