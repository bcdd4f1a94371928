//! Canonical JSON (spec §4), in and out. Output follows template order so that files diff
//! cleanly; input is strict (unknown keys, wrong types and keys of the other format are errors
//! naming the JSON path), while figures that are merely wrong (a negative count) are accepted
//! and left to the checks.

use crate::keys::{Applicant, CellKey, Section, T2Col, T2Row, T3Row, T4Col};
use crate::model::{Report, Value};
use crate::rules::Finding;
use crate::template::{self, CellKind, Format};
use rust_decimal::Decimal;
use serde_json::{Map, Value as Json, json};
use std::str::FromStr;

/// Why a JSON document is not a report: what is wrong and where (a JSON path like
/// `$.tables.t3.new_received.total`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct JsonError {
    pub path: String,
    pub message: String,
}

fn err(path: &str, message: impl Into<String>) -> JsonError {
    JsonError {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// The canonical JSON value of a report, with `findings` when given.
pub fn to_value(report: &Report, findings: Option<&[Finding]>) -> Json {
    let mut top = Map::new();
    top.insert("format".into(), json!(report.format.as_str()));
    // `null` when the reader could not determine the year: never a made-up number.
    top.insert("year".into(), json!(report.known_year()));
    top.insert("agency".into(), json!(report.agency));
    if !report.preamble.is_empty() {
        top.insert("preamble".into(), json!(report.preamble));
    }
    let mut t2 = Map::new();
    let mut t3 = Map::new();
    let mut t4 = Map::new();
    for (key, value) in report.cells() {
        let v = value.map_or(Json::Null, value_json);
        match key {
            CellKey::T2(r, c) => insert2(&mut t2, r.key(), c.key(), v),
            CellKey::T3(r, c) => insert2(&mut t3, r.key(), c.key(), v),
            CellKey::T4(c) => {
                t4.insert(c.key().into(), v);
            }
        }
    }
    top.insert("tables".into(), json!({ "t2": t2, "t3": t3, "t4": t4 }));
    let sections: Map<String, Json> = Section::ALL
        .iter()
        .map(|&s| (s.key().to_owned(), json!(report.section(s))))
        .collect();
    top.insert("sections".into(), Json::Object(sections));
    if let Some(findings) = findings {
        top.insert("findings".into(), json!(findings));
    }
    Json::Object(top)
}

/// Canonical JSON text, pretty-printed, ending with a newline.
pub fn to_string(report: &Report, findings: Option<&[Finding]>) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report, findings))
        .unwrap_or_else(|e| unreachable!("a JSON value always serialises: {e}"));
    s.push('\n');
    s
}

fn insert2(table: &mut Map<String, Json>, row: &str, col: &str, v: Json) {
    let entry = table.entry(row).or_insert_with(|| Json::Object(Map::new()));
    if let Json::Object(m) = entry {
        m.insert(col.to_owned(), v);
    }
}

fn value_json(v: Value) -> Json {
    match v {
        Value::Int(n) => json!(n),
        Value::Money(d) => json!(d.normalize().to_string()),
    }
}

/// Parses canonical JSON text.
pub fn from_str(text: &str) -> Result<Report, JsonError> {
    let value: Json = serde_json::from_str(text).map_err(|e| {
        err(
            "$",
            format!(
                "不是有效的 JSON（第 {} 行第 {} 列）：{e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    from_value(&value)
}

/// Reads a report from a canonical JSON value.
pub fn from_value(value: &Json) -> Result<Report, JsonError> {
    let top = object(value, "$")?;
    for key in top.keys() {
        if !matches!(
            key.as_str(),
            "format" | "year" | "agency" | "preamble" | "tables" | "sections" | "findings"
        ) {
            return Err(err(&format!("$.{key}"), "未知的键（unknown key）"));
        }
    }
    let format = match top.get("format") {
        Some(Json::String(s)) => Format::parse(s).ok_or_else(|| {
            err(
                "$.format",
                format!("格式应为 \"2019\" 或 \"2021\"，而不是 \"{s}\""),
            )
        })?,
        Some(_) => return Err(err("$.format", "格式应为字符串 \"2019\" 或 \"2021\"")),
        None => return Err(err("$.format", "缺少必需的键 format")),
    };
    let year = match top.get("year") {
        Some(Json::Number(n)) => n
            .as_i64()
            .and_then(|y| i32::try_from(y).ok())
            .filter(|y| (1900..=9999).contains(y))
            .ok_or_else(|| err("$.year", format!("年度应为四位整数，而不是 {n}")))?,
        Some(Json::Null) => Report::YEAR_UNKNOWN,
        Some(_) => return Err(err("$.year", "年度应为整数")),
        None => return Err(err("$.year", "缺少必需的键 year")),
    };
    let agency = match top.get("agency") {
        Some(Json::String(s)) => s.clone(),
        Some(_) => return Err(err("$.agency", "机关名称应为字符串")),
        None => return Err(err("$.agency", "缺少必需的键 agency")),
    };
    let mut report = Report::blank(format, year, agency);
    match top.get("preamble") {
        None | Some(Json::Null) => {}
        Some(Json::String(s)) => report.preamble = s.clone(),
        Some(_) => return Err(err("$.preamble", "应为字符串")),
    }
    if let Some(tables) = top.get("tables") {
        read_tables(&mut report, tables)?;
    }
    if let Some(sections) = top.get("sections") {
        for (key, text) in object(sections, "$.sections")? {
            let path = format!("$.sections.{key}");
            let section = Section::from_key(key).ok_or_else(|| err(&path, "未知的章节键"))?;
            match text {
                Json::String(s) => report.set_section(section, s.clone()),
                Json::Null => {}
                _ => return Err(err(&path, "章节内容应为字符串")),
            }
        }
    }
    if let Some(findings) = top.get("findings") {
        // Findings are recomputed from the figures; only their shape is checked.
        if !findings.is_array() {
            return Err(err("$.findings", "应为数组"));
        }
    }
    Ok(report)
}

fn object<'a>(value: &'a Json, path: &str) -> Result<&'a Map<String, Json>, JsonError> {
    value
        .as_object()
        .ok_or_else(|| err(path, "应为对象（JSON object）"))
}

fn read_tables(report: &mut Report, tables: &Json) -> Result<(), JsonError> {
    for (table, rows) in object(tables, "$.tables")? {
        let tpath = format!("$.tables.{table}");
        match table.as_str() {
            "t2" | "t3" => {
                for (row, cols) in object(rows, &tpath)? {
                    let rpath = format!("{tpath}.{row}");
                    for (col, v) in object(cols, &rpath)? {
                        let path = format!("{rpath}.{col}");
                        let key = if table == "t2" {
                            T2Row::from_key(row)
                                .zip(T2Col::from_key(col))
                                .map(|(r, c)| CellKey::T2(r, c))
                        } else {
                            T3Row::from_key(row)
                                .zip(Applicant::from_key(col))
                                .map(|(r, c)| CellKey::T3(r, c))
                        };
                        let key =
                            key.ok_or_else(|| err(&path, "未知的单元格键（unknown cell key）"))?;
                        set_cell(report, key, v, &path)?;
                    }
                }
            }
            "t4" => {
                for (col, v) in object(rows, &tpath)? {
                    let path = format!("{tpath}.{col}");
                    let key = T4Col::from_key(col)
                        .map(CellKey::T4)
                        .ok_or_else(|| err(&path, "未知的单元格键（unknown cell key）"))?;
                    set_cell(report, key, v, &path)?;
                }
            }
            _ => return Err(err(&tpath, "未知的表格键：应为 t2、t3 或 t4")),
        }
    }
    Ok(())
}

fn set_cell(report: &mut Report, key: CellKey, v: &Json, path: &str) -> Result<(), JsonError> {
    if !template::allows(report.format, key) {
        let other = Format::ALL
            .into_iter()
            .find(|&f| f != report.format && template::allows(f, key));
        let message = match other {
            Some(f) => format!("{key} 属于 {f} 格式，不属于本报告的 {} 格式", report.format),
            None => format!("{key} 不属于 {} 格式", report.format),
        };
        return Err(err(path, message));
    }
    let value = match (v, key.kind()) {
        (Json::Null, _) => None,
        (Json::Number(n), CellKind::Count | CellKind::SignedCount) => Some(Value::Int(
            n.as_i64()
                .ok_or_else(|| err(path, format!("应为整数，而不是 {n}")))?,
        )),
        (Json::String(s), CellKind::Money(unit)) => {
            Some(Value::Money(parse_decimal(s).ok_or_else(|| {
                err(
                    path,
                    format!(
                        "金额应为以{}为单位的十进制数字符串，而不是 \"{s}\"",
                        unit.label()
                    ),
                )
            })?))
        }
        (_, CellKind::Money(unit)) => {
            return Err(err(
                path,
                format!(
                    "金额应为以{}为单位的十进制数字符串（如 \"251000\"）或 null",
                    unit.label()
                ),
            ));
        }
        (_, _) => return Err(err(path, "应为整数或 null")),
    };
    report.set(key, value).map_err(|e| err(path, e.to_string()))
}

/// A plain decimal (`123`, `-4.5`): no exponent, no unit, no thousands separators.
fn parse_decimal(s: &str) -> Option<Decimal> {
    let ok = !s.is_empty()
        && s.trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.');
    ok.then(|| Decimal::from_str(s).ok()).flatten()
}
