//! Bad canonical JSON: a clear error naming the JSON path, or (for readable but wrong figures)
//! a finding. Never a panic.
#![allow(clippy::unwrap_used)]

use gongkai_report::{Rule, json, rules};
use serde_json::{Value, json};

const SEED: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");

fn seed() -> Value {
    serde_json::from_str(SEED).unwrap()
}

fn error_of(v: &Value) -> (String, String) {
    let e = json::from_value(v).unwrap_err();
    (e.path, e.message)
}

#[test]
fn invalid_json_says_where() {
    let e = json::from_str("{\"format\": \"2019\",\n \"year\": }").unwrap_err();
    assert_eq!(e.path, "$");
    assert!(e.message.contains("第 2 行"), "{}", e.message);
}

#[test]
fn unknown_keys_are_errors_with_their_path() {
    let mut v = seed();
    v["tables"]["t3"]["new_received"]["natual_person"] = json!(1);
    assert_eq!(error_of(&v).0, "$.tables.t3.new_received.natual_person");
    let mut v = seed();
    v["extra"] = json!(1);
    assert_eq!(error_of(&v).0, "$.extra");
    let mut v = seed();
    v["tables"]["t5"] = json!({});
    assert_eq!(error_of(&v).0, "$.tables.t5");
    let mut v = seed();
    v["sections"]["s7"] = json!("");
    assert_eq!(error_of(&v).0, "$.sections.s7");
}

#[test]
fn wrong_types_are_errors_with_their_path() {
    let mut v = seed();
    v["tables"]["t4"]["rev_total"] = json!("1");
    assert_eq!(error_of(&v).0, "$.tables.t4.rev_total");
    let mut v = seed();
    v["tables"]["t3"]["r_total"]["total"] = json!(2.5);
    let (path, message) = error_of(&v);
    assert_eq!(path, "$.tables.t3.r_total.total");
    assert!(message.contains("整数"), "{message}");
    let mut v = seed();
    v["tables"]["t2"]["central_procurement"]["procurement_amount"] = json!(100);
    assert_eq!(
        error_of(&v).0,
        "$.tables.t2.central_procurement.procurement_amount"
    );
    let mut v = seed();
    v["tables"]["t2"]["central_procurement"]["procurement_amount"] = json!("33633789.63万");
    assert_eq!(
        error_of(&v).0,
        "$.tables.t2.central_procurement.procurement_amount"
    );
    let mut v = seed();
    v["year"] = json!("2020");
    assert_eq!(error_of(&v).0, "$.year");
    let mut v = seed();
    v["format"] = json!("2020");
    assert_eq!(error_of(&v).0, "$.format");
    let mut v = seed();
    v.as_object_mut().unwrap().remove("agency");
    assert_eq!(error_of(&v).0, "$.agency");
}

#[test]
fn a_2021_key_in_a_2019_report_names_the_format() {
    let mut v = seed();
    v["tables"]["t2"]["regulations"]["issued"] = json!(1);
    let (path, message) = error_of(&v);
    assert_eq!(path, "$.tables.t2.regulations.issued");
    assert!(message.contains("2021"), "{message}");
    let mut v = seed();
    v["tables"]["t3"]["op_other"] = json!({ "total": 0 });
    assert_eq!(error_of(&v).0, "$.tables.t3.op_other.total");
}

#[test]
fn negative_counts_are_read_and_reported_by_r7() {
    let mut v = seed();
    v["tables"]["t3"]["np_repeat"]["org_other"] = json!(-1);
    let r = json::from_value(&v).unwrap();
    let findings = rules::check(&r);
    let r7: Vec<_> = findings.iter().filter(|f| f.rule == Rule::R7).collect();
    assert_eq!(r7.len(), 1);
    assert_eq!(r7[0].cells[0].to_string(), "t3.np_repeat.org_other");
    // A signed 本年增/减 may be negative.
    assert!(
        !findings
            .iter()
            .any(|f| f.rule == Rule::R7 && f.cells[0].to_string().contains("items_change"))
    );
}

#[test]
fn missing_cells_are_null_and_flagged_by_r10() {
    let mut v = seed();
    v["tables"]["t4"]
        .as_object_mut()
        .unwrap()
        .remove("rev_pending");
    v["tables"]["t3"]["carried_in"]["org_research"] = Value::Null;
    let r = json::from_value(&v).unwrap();
    let findings = rules::check(&r);
    let r10: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == Rule::R10)
        .flat_map(|f| f.cells.iter().map(|c| c.to_string()))
        .collect();
    assert_eq!(r10, ["t3.carried_in.org_research", "t4.rev_pending"]);
    // R4 cannot be judged with a part missing, so it is not applied.
    assert!(!findings.iter().any(|f| f.rule == Rule::R4));
}
