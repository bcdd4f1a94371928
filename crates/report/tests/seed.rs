//! The seed report (盐湖区人民政府办公室 2020, `fixtures/reports/yanhu-2020.txt`) as canonical
//! JSON written by hand from the source: what the engine reads, checks and writes back.
#![allow(clippy::unwrap_used)]

use gongkai_report::{
    Applicant, CellKey, Format, Rule, Severity, T2Col, T2Row, T3Row, T4Col, Value, json, rules,
};
use rust_decimal::Decimal;
use std::str::FromStr;

const SEED: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");

#[test]
fn the_seed_reads_with_its_printed_figures() {
    let r = json::from_str(SEED).unwrap();
    assert_eq!(
        (r.format, r.year, r.agency.as_str()),
        (Format::F2019, 2020, "盐湖区人民政府办公室")
    );
    assert_eq!(
        r.get(CellKey::T2(T2Row::AdminLicensing, T2Col::ItemsChange)),
        Some(Value::Int(-4))
    );
    assert_eq!(
        r.int(CellKey::T2(T2Row::AdminLicensing, T2Col::Decisions)),
        Some(45241)
    );
    assert_eq!(
        r.get(CellKey::T2(
            T2Row::CentralProcurement,
            T2Col::ProcurementAmount
        )),
        Some(Value::Money(Decimal::from_str("336337896300").unwrap()))
    );
    assert_eq!(
        r.int(CellKey::T3(T3Row::NewReceived, Applicant::NaturalPerson)),
        Some(2)
    );
    assert_eq!(r.int(CellKey::T4(T4Col::RevOther)), Some(1));
    // Every cell of the 2019 format is filled in the seed.
    assert!(r.cells().iter().all(|(_, v)| v.is_some()));
    assert!(
        r.section(gongkai_report::Section::S5Problems)
            .starts_with("回顾2020年")
    );
}

#[test]
fn the_seed_satisfies_r1_to_r4_and_only_warns_about_procurement() {
    let r = json::from_str(SEED).unwrap();
    let findings = rules::check(&r);
    let rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec![Rule::R9], "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.cells[0].to_string(),
        "t2.central_procurement.procurement_amount"
    );
    assert!(
        f.message.contains("336337896300") && f.message.contains("3363.38 亿元"),
        "{}",
        f.message
    );
}

#[test]
fn one_changed_cell_of_table_three_is_an_r1_error_naming_the_cell() {
    let mut r = json::from_str(SEED).unwrap();
    let key = CellKey::T3(T3Row::CarriedOut, Applicant::NaturalPerson);
    r.set(key, Some(Value::Int(1))).unwrap();
    let findings = rules::check(&r);
    let r1: Vec<_> = findings.iter().filter(|f| f.rule == Rule::R1).collect();
    assert_eq!(r1.len(), 1);
    assert!(r1[0].cells.contains(&key));
    assert_eq!(
        r1[0].message,
        "表三“自然人”列：第一项加第二项之和（2）不等于第三项加第四项之和（3）"
    );
}

#[test]
fn canonical_json_round_trips_the_hand_written_file() {
    let r = json::from_str(SEED).unwrap();
    let written = json::to_value(&r, None);
    let original: serde_json::Value = serde_json::from_str(SEED).unwrap();
    assert_eq!(written, original);
    assert_eq!(
        json::from_str(&json::to_string(&r, Some(&rules::check(&r)))).unwrap(),
        r
    );
}

/// A report whose year could not be determined (a page of a published report read without
/// its title) is `"year": null` in canonical JSON, reads back as unknown, and the cross-year
/// rules never pair it: no previous or next year of an unknown one.
#[test]
fn an_unknown_year_is_null_and_never_paired() {
    let mut r = json::from_str(SEED).unwrap();
    r.year = gongkai_report::Report::YEAR_UNKNOWN;
    let v = json::to_value(&r, None);
    assert_eq!(v["year"], serde_json::Value::Null);
    let back = json::from_str(&json::to_string(&r, None)).unwrap();
    assert_eq!(back.known_year(), None);
    assert_eq!(back, r);
    // Carried over figures that disagree, so that R5 would speak if the two were paired.
    let mut next = r.clone();
    let carried_in = CellKey::T3(T3Row::CarriedIn, Applicant::Total);
    next.set(carried_in, Some(Value::Int(999_999))).unwrap();
    assert!(rules::check_series(&[&r, &next]).is_empty());
    let mut known = json::from_str(SEED).unwrap();
    known.year = 2021;
    known.set(carried_in, Some(Value::Int(999_999))).unwrap();
    let paired = [&json::from_str(SEED).unwrap(), &known];
    assert!(!rules::check_series(&paired).is_empty());
    assert!(rules::check_series(&[&r, &known]).is_empty());
}

#[test]
fn canonical_json_follows_the_spec_shape() {
    let r = json::from_str(SEED).unwrap();
    let v = json::to_value(&r, Some(&rules::check(&r)));
    assert_eq!(
        v["tables"]["t2"]["central_procurement"]["procurement_amount"],
        "336337896300"
    );
    assert_eq!(v["tables"]["t3"]["r_total"]["natural_person"], 2);
    assert_eq!(v["tables"]["t4"]["rev_total"], 1);
    // 2021-only keys are omitted, not nulled.
    assert!(v["tables"]["t3"].get("op_other").is_none());
    assert!(v["tables"]["t2"]["regulations"].get("issued").is_none());
    assert_eq!(v["findings"][0]["rule"], "R9");
    assert_eq!(v["findings"][0]["severity"], "warning");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "format", "year", "agency", "preamble", "tables", "sections", "findings"
        ]
    );
}

#[test]
fn a_blank_report_is_all_null_and_only_incomplete() {
    for format in Format::ALL {
        let r = gongkai_report::Report::blank(format, 2025, "某县人民政府");
        let v = json::to_value(&r, None);
        let cells = r.cells();
        assert_eq!(cells.len(), gongkai_report::template::cells(format).len());
        assert_eq!(
            v["tables"]["t3"]["new_received"]["total"],
            serde_json::Value::Null
        );
        let rules: Vec<Rule> = rules::check(&r).iter().map(|f| f.rule).collect();
        assert!(rules.iter().all(|&x| x == Rule::R10), "{rules:?}");
    }
}
