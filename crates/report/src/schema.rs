//! The JSON Schema (draft 2020-12) of canonical JSON, generated from the template so it can
//! never drift from the code. The committed copy `schema/report.schema.json` is checked against
//! this by a test, as a published contract.

use crate::keys::{Applicant, CellKey, Section, T3Row};
use crate::template::{self, CellKind, Format};
use serde_json::{Map, Value as Json, json};

/// The schema of a canonical-JSON report.
pub fn report_schema() -> Json {
    let format_branch = |f: Format| {
        json!({
            "if": { "properties": { "format": { "const": f.as_str() } } },
            "then": { "properties": { "tables": { "$ref": format!("#/$defs/tables_{}", f.as_str()) } } }
        })
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://gongkai.invalid/schema/report.schema.json",
        "title": "政府信息公开工作年度报告（canonical JSON）",
        "description": "An annual report in gongkai's canonical JSON (spec §4). Absent cells are null; money is a decimal string in the column's canonical unit (元 for 2019 采购总金额, 万元 for 2021 收费金额). Keys of the other format are omitted. Negative counts are representable; rule R7 reports them.",
        "type": "object",
        "required": ["format", "year", "agency", "tables", "sections"],
        "additionalProperties": false,
        "properties": {
            "format": { "enum": ["2019", "2021"] },
            "year": {
                "type": ["integer", "null"],
                "minimum": 1900,
                "maximum": 9999,
                "description": "null for a published report read without any text that determines its year."
            },
            "agency": { "type": "string" },
            "preamble": { "type": "string", "description": "Text before section 一." },
            "tables": { "type": "object" },
            "sections": sections(),
            "findings": { "type": "array", "items": { "$ref": "#/$defs/finding" } }
        },
        "allOf": [format_branch(Format::F2019), format_branch(Format::F2021)],
        "$defs": {
            "count": { "type": ["integer", "null"] },
            "money": { "type": ["string", "null"], "pattern": "^[+-]?[0-9]+(\\.[0-9]+)?$" },
            "tables_2019": tables(Format::F2019),
            "tables_2021": tables(Format::F2021),
            "finding": {
                "type": "object",
                "required": ["rule", "severity", "cells", "message"],
                "additionalProperties": false,
                "properties": {
                    "rule": { "enum": ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10"] },
                    "severity": { "enum": ["error", "warning"] },
                    "cells": { "type": "array", "items": { "type": "string", "pattern": "^t[234]\\.[a-z_.]+$" } },
                    "message": { "type": "string" }
                }
            }
        }
    })
}

fn sections() -> Json {
    let props: Map<String, Json> = Section::ALL
        .iter()
        .map(|s| (s.key().to_owned(), json!({ "type": ["string", "null"] })))
        .collect();
    json!({ "type": "object", "additionalProperties": false, "properties": props })
}

fn cell_schema(key: CellKey) -> Json {
    match key.kind() {
        CellKind::Money(_) => json!({ "$ref": "#/$defs/money" }),
        _ => json!({ "$ref": "#/$defs/count" }),
    }
}

fn closed(props: Map<String, Json>) -> Json {
    json!({ "type": "object", "additionalProperties": false, "properties": props })
}

/// The `tables` object of one format. A 2021 report may also carry `t3.r_other` (a 2021 report
/// printed with the 2019 `（六）其他处理` row, spec §6).
fn tables(format: Format) -> Json {
    let mut keys = template::cells(format);
    if format == Format::F2021 {
        keys.extend(
            Applicant::ALL
                .iter()
                .map(|&c| CellKey::T3(T3Row::ROther, c)),
        );
    }
    let (mut t2, mut t3, mut t4) = (Map::new(), Map::new(), Map::new());
    for key in keys {
        let (table, row, col) = match key {
            CellKey::T2(r, c) => (&mut t2, Some(r.key()), c.key()),
            CellKey::T3(r, c) => (&mut t3, Some(r.key()), c.key()),
            CellKey::T4(c) => (&mut t4, None, c.key()),
        };
        match row {
            Some(row) => {
                let entry = table.entry(row).or_insert_with(|| Json::Object(Map::new()));
                if let Json::Object(cols) = entry {
                    cols.insert(col.to_owned(), cell_schema(key));
                }
            }
            None => {
                table.insert(col.to_owned(), cell_schema(key));
            }
        }
    }
    let rows = |m: Map<String, Json>| {
        closed(
            m.into_iter()
                .map(|(k, v)| match v {
                    Json::Object(cols) => (k, closed(cols)),
                    other => (k, other),
                })
                .collect(),
        )
    };
    let mut props = Map::new();
    props.insert("t2".into(), rows(t2));
    props.insert("t3".into(), rows(t3));
    props.insert("t4".into(), closed(t4));
    closed(props)
}
