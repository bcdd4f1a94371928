//! A report as values: metadata, the figures of tables 二/三/四 and the six text sections.

use crate::keys::{CellKey, Section};
use crate::template::{self, CellKind, Format};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;

/// One figure. Which variant a cell holds is fixed by its [`CellKind`]; out-of-range values
/// (a negative count) are representable so that the checks can report them (rule R7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    /// A count or a signed count.
    Int(i64),
    /// Money in the column's canonical unit.
    Money(Decimal),
}

impl Value {
    /// The integer, if this is a count.
    pub fn as_int(self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(n),
            Value::Money(_) => None,
        }
    }

    /// The value as an exact decimal.
    pub fn as_decimal(self) -> Decimal {
        match self {
            Value::Int(n) => Decimal::from(n),
            Value::Money(d) => d,
        }
    }

    /// Whether this variant fits the kind of cell.
    pub fn fits(self, kind: CellKind) -> bool {
        matches!(
            (self, kind),
            (Value::Int(_), CellKind::Count | CellKind::SignedCount)
                | (Value::Money(_), CellKind::Money(_))
        )
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Money(d) => write!(f, "{}", d.normalize()),
        }
    }
}

/// A report in either format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub format: Format,
    /// The report's year, or [`Report::YEAR_UNKNOWN`] for a published report read without any
    /// text that determines it: read it through [`Report::known_year`]. A sentinel rather than
    /// an `Option` because every report the project makes has a year and only the reader meets
    /// one without; canonical JSON prints the unknown year as `null`.
    pub year: i32,
    pub agency: String,
    /// The figures that are present. A cell of the format that is not here is absent (`null`):
    /// blank, `/`, `无` in a published table are data about the report and stay visible.
    cells: BTreeMap<CellKey, Value>,
    /// Text before section 一 (the usual "根据《条例》……" paragraph).
    pub preamble: String,
    /// The six sections' text, in order.
    pub sections: [String; 6],
}

/// A value put into a cell that the report's format does not have, or of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CellError {
    #[error("{key} 不属于 {format} 格式的年度报告")]
    NotInFormat { key: CellKey, format: Format },
    #[error("{key} 的值类型不对：应为{expected}")]
    WrongType {
        key: CellKey,
        expected: &'static str,
    },
}

impl Report {
    /// The year of a report whose year could not be determined. Never a real report's year:
    /// canonical JSON takes years from 1900 only.
    pub const YEAR_UNKNOWN: i32 = 0;

    /// The year, `None` when it could not be determined ([`Report::YEAR_UNKNOWN`]).
    pub fn known_year(&self) -> Option<i32> {
        (self.year != Report::YEAR_UNKNOWN).then_some(self.year)
    }

    /// A blank report: every cell absent, every section empty.
    pub fn blank(format: Format, year: i32, agency: impl Into<String>) -> Report {
        Report {
            format,
            year,
            agency: agency.into(),
            cells: BTreeMap::new(),
            preamble: String::new(),
            sections: Default::default(),
        }
    }

    /// The value of a cell; `None` when absent or not in the format.
    pub fn get(&self, key: CellKey) -> Option<Value> {
        self.cells.get(&key).copied()
    }

    /// The integer value of a count cell.
    pub fn int(&self, key: CellKey) -> Option<i64> {
        self.get(key).and_then(Value::as_int)
    }

    /// Sets (or with `None`, clears) a cell, refusing keys outside the format and values of the
    /// wrong type.
    pub fn set(&mut self, key: CellKey, value: Option<Value>) -> Result<(), CellError> {
        if !template::allows(self.format, key) {
            return Err(CellError::NotInFormat {
                key,
                format: self.format,
            });
        }
        match value {
            None => {
                self.cells.remove(&key);
            }
            Some(v) if v.fits(key.kind()) => {
                self.cells.insert(key, v);
            }
            Some(_) => {
                let expected = match key.kind() {
                    CellKind::Money(_) => "金额（十进制字符串）",
                    _ => "整数",
                };
                return Err(CellError::WrongType { key, expected });
            }
        }
        Ok(())
    }

    /// The present figures, in canonical order.
    pub fn values(&self) -> impl Iterator<Item = (CellKey, Value)> + '_ {
        self.cells.iter().map(|(&k, &v)| (k, v))
    }

    /// Every cell of this report's layout in canonical order, with its value or `None`. This is
    /// the format's cells, plus `r_other` in a 2021 report printed in the 2019 layout.
    pub fn cells(&self) -> Vec<(CellKey, Option<Value>)> {
        self.cell_keys()
            .into_iter()
            .map(|k| (k, self.get(k)))
            .collect()
    }

    /// The keys of [`Report::cells`].
    pub fn cell_keys(&self) -> Vec<CellKey> {
        let mut keys = template::cells(self.format);
        if self.format == Format::F2021 && self.uses_mixed_other_row() {
            keys.extend(
                crate::keys::Applicant::ALL
                    .iter()
                    .map(|&c| CellKey::T3(crate::keys::T3Row::ROther, c)),
            );
            keys.sort();
        }
        keys
    }

    /// The cells this report's layout prints: [`Report::cell_keys`], except that a 2021 report
    /// printed with the 2019 `（六）其他处理` row (spec §6) has that row in place of the three rows
    /// `1.`–`3.` under it, which it cannot be expected to hold. What completeness counts and
    /// what the empty-cells check (R10) looks at.
    pub fn printed_cells(&self) -> Vec<CellKey> {
        use crate::keys::T3Row;
        let mixed = self.uses_mixed_other_row();
        self.cell_keys()
            .into_iter()
            .filter(|k| {
                !mixed
                    || !matches!(
                        k,
                        CellKey::T3(
                            T3Row::OpNoCorrection | T3Row::OpFeeUnpaid | T3Row::OpOther,
                            _
                        )
                    )
            })
            .collect()
    }

    /// The table 三 rows of this report's layout: the format's rows, except that a 2021 report
    /// printed with the 2019 `（六）其他处理` row has `r_other` in place of the three `op_*` rows.
    pub fn t3_rows(&self) -> Vec<crate::keys::T3Row> {
        use crate::keys::T3Row;
        let mut rows = template::t3_rows(self.format);
        if self.uses_mixed_other_row() {
            rows.retain(|r| {
                !matches!(
                    r,
                    T3Row::OpNoCorrection | T3Row::OpFeeUnpaid | T3Row::OpOther
                )
            });
            rows.insert(rows.len() - 2, T3Row::ROther);
        }
        rows
    }

    /// Whether a 2021 report printed `（六）其他处理` as one row (spec §6, mixed layouts).
    pub fn uses_mixed_other_row(&self) -> bool {
        self.format == Format::F2021
            && self
                .cells
                .keys()
                .any(|k| matches!(k, CellKey::T3(crate::keys::T3Row::ROther, _)))
    }

    /// The text of a section.
    pub fn section(&self, section: Section) -> &str {
        &self.sections[section as usize]
    }

    /// Sets the text of a section.
    pub fn set_section(&mut self, section: Section, text: impl Into<String>) {
        self.sections[section as usize] = text.into();
    }
}
