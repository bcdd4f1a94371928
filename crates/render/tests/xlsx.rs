//! Read-back tests of the XLSX renderer with calamine: each table sheet is compared cell by cell
//! with the template grid (labels where the template prints them, figures as numbers, absent
//! figures blank), and the merged regions with the grid's spans.
#![allow(clippy::unwrap_used)]

use calamine::{Data, Dimensions, Reader, Xlsx, open_workbook_from_rs};
use gongkai_render::{Target, render, title};
use gongkai_report::layout::{self, Content, Grid, Slot, TableId};
use gongkai_report::template::{self, CellKind, Format};
use gongkai_report::{CellKey, Report, Value, json};
use proptest::prelude::*;
use serde_json::{Value as Json, json};
use std::collections::BTreeSet;
use std::io::Cursor;

/// Rows above the grid: the title and the section heading.
const GRID_TOP: usize = 2;

fn seed() -> Report {
    json::from_str(include_str!("../../../fixtures/reports/yanhu-2020.json")).unwrap()
}

fn open(report: &Report) -> Xlsx<Cursor<Vec<u8>>> {
    let bytes = render(report, &[], Target::Xlsx).unwrap();
    open_workbook_from_rs(Cursor::new(bytes)).expect("the XLSX must open")
}

fn sheet_name(table: TableId) -> &'static str {
    match table {
        TableId::T2 => "表二",
        TableId::T3 => "表三",
        TableId::T4 => "表四",
    }
}

/// A figure as the number the `单元格` sheet must hold: its canonical value.
fn number(v: Value) -> f64 {
    match v {
        Value::Int(n) => n as f64,
        Value::Money(d) => d.to_string().parse().unwrap(),
    }
}

/// A figure as the number a table sheet must show: the 2019 procurement amount, stored in 元,
/// in 万元 as agencies print it (the decimal point moved four places, never rounded).
fn shown_number(key: CellKey, v: Value) -> f64 {
    match (key.kind(), v) {
        (CellKind::Money(template::MoneyUnit::Yuan), Value::Money(d)) => {
            let mut wan = d;
            wan.set_scale(d.scale() + 4).unwrap();
            wan.normalize().to_string().parse().unwrap()
        }
        _ => number(v),
    }
}

fn is_blank(d: Option<&Data>) -> bool {
    matches!(d, None | Some(Data::Empty))
}

fn numeric(d: Option<&Data>) -> Option<f64> {
    match d {
        Some(Data::Float(f)) => Some(*f),
        Some(Data::Int(n)) => Some(*n as f64),
        _ => None,
    }
}

fn region(r0: usize, c0: usize, r1: usize, c1: usize) -> (u32, u32, u32, u32) {
    (r0 as u32, c0 as u32, r1 as u32, c1 as u32)
}

/// One table sheet against its grid: every slot, then the merged regions.
fn assert_sheet_matches(wb: &mut Xlsx<Cursor<Vec<u8>>>, report: &Report, grid: &Grid) {
    let name = sheet_name(grid.table);
    let range = wb.worksheet_range(name).unwrap();
    let at = |r: usize, c: usize| range.get_value((r as u32, c as u32));
    assert_eq!(at(0, 0), Some(&Data::String(title(report))), "{name} title");
    let heading = template::section_heading(grid.table.section());
    assert_eq!(at(1, 0), Some(&Data::String(heading.into())), "{name}");
    let slots = grid.slots();
    for (r, row) in slots.iter().enumerate() {
        for (c, slot) in row.iter().enumerate() {
            let got = at(GRID_TOP + r, c);
            let cell = match slot {
                Slot::Origin(i) => &grid.cells[*i],
                Slot::Covered(_) => {
                    assert!(is_blank(got), "{name} ({r},{c}) covered but holds {got:?}");
                    continue;
                }
            };
            match cell.content {
                Content::Text(t) => {
                    assert_eq!(got, Some(&Data::String(t.into())), "{name} ({r},{c})")
                }
                Content::Empty => assert!(is_blank(got), "{name} ({r},{c}): {got:?}"),
                Content::Value(key) => match report.get(key) {
                    Some(v) => assert_eq!(
                        numeric(got),
                        Some(shown_number(key, v)),
                        "{name} ({r},{c}) {key}: {got:?} should be the number {v}"
                    ),
                    None => assert!(is_blank(got), "{name} {key} absent but {got:?}"),
                },
            }
        }
    }
    // Nothing outside the title, heading and grid.
    let (h, w) = range.get_size();
    let end = range.end().unwrap();
    assert!(
        (end.0 as usize) < GRID_TOP + grid.rows && (end.1 as usize) < grid.columns,
        "{name}: {h}x{w} cells, ends at {end:?}"
    );

    let merged: BTreeSet<_> = wb
        .merge_cells_by_sheet_name(name)
        .unwrap()
        .iter()
        .map(|d: &Dimensions| (d.start.0, d.start.1, d.end.0, d.end.1))
        .collect();
    let last = grid.columns - 1;
    let mut want: BTreeSet<_> = [region(0, 0, 0, last), region(1, 0, 1, last)].into();
    for c in &grid.cells {
        if c.row_span > 1 || c.col_span > 1 {
            let r0 = GRID_TOP + c.row;
            want.insert(region(
                r0,
                c.col,
                r0 + c.row_span - 1,
                c.col + c.col_span - 1,
            ));
        }
    }
    assert_eq!(merged, want, "{name}: merged regions");
}

/// The `单元格` sheet lists every cell of the layout with its numeric value, blanks for absent.
fn assert_cells_sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, report: &Report) {
    let range = wb.worksheet_range("单元格").unwrap();
    let at = |r: usize, c: usize| range.get_value((r as u32, c as u32));
    assert_eq!(at(0, 0), Some(&Data::String("cell".into())));
    assert_eq!(at(0, 1), Some(&Data::String("value".into())));
    let text = |s: &str| Some(Data::String(s.into()));
    assert_eq!(at(1, 0).cloned(), text("format"));
    assert_eq!(at(1, 1).cloned(), text(report.format.as_str()));
    assert_eq!(at(2, 0).cloned(), text("year"));
    assert_eq!(numeric(at(2, 1)), Some(f64::from(report.year)));
    assert_eq!(at(3, 0).cloned(), text("agency"));
    assert_eq!(at(3, 1).cloned(), text(&report.agency));
    let cells = report.cells();
    let first = 4;
    for (i, (key, value)) in cells.iter().enumerate() {
        assert_eq!(at(first + i, 0).cloned(), text(&key.to_string()));
        match value {
            Some(v) => assert_eq!(numeric(at(first + i, 1)), Some(number(*v)), "{key}"),
            None => assert!(is_blank(at(first + i, 1)), "{key}"),
        }
    }
    // Then the preamble and the six sections by key, each on one row when it fits a cell.
    let texts = first + cells.len();
    assert_eq!(at(texts, 0).cloned(), text("preamble"));
    for (i, section) in gongkai_report::Section::ALL.iter().enumerate() {
        assert_eq!(
            at(texts + 1 + i, 0).cloned(),
            text(section.key()),
            "{section:?}"
        );
        let body = report.section(*section);
        if body.is_empty() {
            assert!(is_blank(at(texts + 1 + i, 1)));
        } else {
            assert_eq!(at(texts + 1 + i, 1).cloned(), text(body));
        }
    }
    assert_eq!(
        range.height(),
        texts + 1 + gongkai_report::Section::ALL.len()
    );
}

fn assert_workbook(report: &Report) {
    let mut wb = open(report);
    assert_eq!(wb.sheet_names(), ["表二", "表三", "表四", "单元格"]);
    for table in TableId::ALL {
        assert_sheet_matches(&mut wb, report, &layout::grid(report.format, table));
    }
    assert_cells_sheet(&mut wb, report);
}

#[test]
fn seed_workbook_matches_the_template_cell_by_cell() {
    let report = seed();
    assert_workbook(&report);
    // Spot checks independent of the grid walk: 处理决定数量 of 行政许可 and the procurement
    // amount in 元 are numbers, at the places the template gives them.
    let mut wb = open(&report);
    let t2 = wb.worksheet_range("表二").unwrap();
    // Block (一) takes grid rows 0–3; block (五) is caption, header, then 行政许可 on row 6.
    assert_eq!(
        t2.get_value((GRID_TOP as u32 + 6, 0)),
        Some(&Data::String("行政许可".into()))
    );
    assert_eq!(
        numeric(t2.get_value((GRID_TOP as u32 + 6, 3))),
        Some(45241.0)
    );
    assert_eq!(numeric(t2.get_value((GRID_TOP as u32 + 6, 2))), Some(-4.0));
    // 采购总金额 336337896300 元 shows as 33633789.63 万元, with its unit in the cell format.
    let last = t2.end().unwrap().0;
    assert_eq!(numeric(t2.get_value((last, 2))), Some(33_633_789.63));
}

#[test]
fn absent_figures_are_blank_never_zero() {
    let mut report = seed();
    let key = CellKey::T3(
        gongkai_report::T3Row::NewReceived,
        gongkai_report::Applicant::Total,
    );
    report.set(key, None).unwrap();
    assert_workbook(&report);
    let blank = Report::blank(Format::F2021, 2023, "某某县交通运输局");
    assert_workbook(&blank);
    let mut wb = open(&blank);
    for table in TableId::ALL {
        let range = wb.worksheet_range(sheet_name(table)).unwrap();
        assert!(
            range
                .used_cells()
                .all(|(_, _, d)| numeric(Some(d)).is_none()),
            "{table:?}: a blank report has no numbers"
        );
    }
}

/// Builds a report through canonical JSON: counts possibly negative, signed changes, money
/// with 0–2 decimals.
fn report_from(f2021: bool, values: &[Option<(u64, u32)>]) -> Report {
    let format = if f2021 { Format::F2021 } else { Format::F2019 };
    let mut tables = json!({ "t2": {}, "t3": {}, "t4": {} });
    for (key, v) in template::cells(format).into_iter().zip(values) {
        let value = match (v, key.kind()) {
            (None, _) => Json::Null,
            (Some((n, _)), CellKind::Count) => json!(*n as i64 - 5),
            (Some((n, _)), CellKind::SignedCount) => json!((n % 2001) as i64 - 1000),
            (Some((n, scale)), CellKind::Money(_)) => {
                let p = 10u64.pow(*scale);
                if *scale == 0 {
                    json!(n.to_string())
                } else {
                    json!(format!("{}.{:0w$}", n / p, n % p, w = *scale as usize))
                }
            }
        };
        let path = key.to_string();
        let parts: Vec<&str> = path.split('.').collect();
        match key {
            CellKey::T4(_) => tables["t4"][parts[1]] = value,
            _ => {
                let table = &mut tables[parts[0]];
                if table.get(parts[1]).is_none() {
                    table[parts[1]] = json!({});
                }
                table[parts[1]][parts[2]] = value;
            }
        }
    }
    let doc = json!({
        "format": format.as_str(),
        "year": if f2021 { 2022 } else { 2020 },
        "agency": "某某市生态环境局",
        "tables": tables,
    });
    json::from_value(&doc).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any report, either format: every figure is a number at its statutory place, every
    /// absent figure blank, every merge the template's.
    #[test]
    fn random_reports_read_back_cell_by_cell(
        f2021 in any::<bool>(),
        values in prop::collection::vec(
            prop::option::weighted(0.8, (0u64..20_000_000, 0u32..3)),
            200,
        ),
    ) {
        let report = report_from(f2021, &values);
        let expected = values.iter().take(report.cell_keys().len()).filter(|v| v.is_some()).count();
        prop_assert_eq!(report.values().count(), expected);
        assert_workbook(&report);
    }
}
