//! The committed JSON Schema is the generated one, and it accepts what the code emits.
#![allow(clippy::unwrap_used)]

use gongkai_report::{Format, Report, json, rules, schema};
use serde_json::json;

const COMMITTED: &str = include_str!("../../../schema/report.schema.json");
const SEED: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");

#[test]
fn the_committed_schema_is_up_to_date() {
    let committed: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    assert_eq!(
        committed,
        schema::report_schema(),
        "schema/report.schema.json is stale: regenerate it with `gongkai report schema > schema/report.schema.json`"
    );
}

#[test]
fn the_schema_accepts_what_the_code_emits_and_rejects_other_formats_keys() {
    let validator = jsonschema::validator_for(&schema::report_schema()).unwrap();
    let seed = json::from_str(SEED).unwrap();
    let emitted = json::to_value(&seed, Some(&rules::check(&seed)));
    assert!(
        validator.is_valid(&emitted),
        "{:?}",
        validator
            .iter_errors(&emitted)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    for format in Format::ALL {
        let blank = json::to_value(&Report::blank(format, 2025, "某县人民政府"), None);
        assert!(validator.is_valid(&blank), "{format}");
    }
    let mut wrong = emitted.clone();
    wrong["tables"]["t2"]["regulations"]["issued"] = json!(1);
    assert!(!validator.is_valid(&wrong));
    let mut wrong = emitted;
    wrong["tables"]["t2"]["central_procurement"]["procurement_amount"] = json!(1);
    assert!(!validator.is_valid(&wrong));
}
