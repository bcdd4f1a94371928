//! The statutory annual report of government information disclosure (政府信息公开工作年度报告),
//! as prescribed by 《中华人民共和国政府信息公开条例》第四十九条、第五十条 and the State Council
//! formats of 2019 and 2021.
//!
//! - [`keys`]: the canonical keys of every row, column, cell and section;
//! - [`template`]: what each format contains and how it is labelled;
//! - [`layout`]: the tables as positioned cells with spans, for every renderer;
//! - [`model`]: a report as values;
//! - [`json`]: canonical JSON in and out (spec §4);
//! - [`schema`]: the JSON Schema of canonical JSON, generated from the template;
//! - [`rules`]: the checks R1–R10 (spec §5), with [`prose`] reading figures from text for R8,
//!   and [`names`] telling which reports are the same agency's across years;
//! - [`spreadsheet`]: the guard against CSV injection every CSV writer and reader shares.
//!
//! This crate does no I/O: it takes values and returns values.
#![forbid(unsafe_code)]

pub mod json;
pub mod keys;
pub mod layout;
pub mod model;
pub mod names;
pub mod prose;
pub mod rules;
pub mod schema;
pub mod spreadsheet;
pub mod template;

pub use keys::{Applicant, CellKey, Section, T2Col, T2Row, T3Row, T4Col};
pub use model::{Report, Value};
pub use rules::{Finding, Rule, Severity};
pub use template::Format;
