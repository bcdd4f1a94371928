//! One cell as read from XLSX or CSV, before it is interpreted by its column.

use calamine::Data;
use chrono::NaiveDate;

use crate::excel_date::date_from_number;

/// Columns from this one on are ignored: Excel has 16,384 (`XFD`), and a CSV row of a million
/// commas must not become a million cells.
pub const MAX_COLUMNS: usize = 16_384;

/// How an import reads a date typed as text. The ledger and the catalogue differ here (the
/// catalogue also takes full-width digits, a time of day and a lone Excel serial), so each
/// passes its own.
pub type TextDate = fn(&str) -> Option<NaiveDate>;

/// One cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell Excel stores as a date: the date if it is a valid calendar date, and the raw
    /// value for messages.
    Date(Option<NaiveDate>, String),
    /// Booleans, errors (`#N/A`), durations: never a valid value in a ledger or a catalogue.
    Other(String),
}

impl Cell {
    /// The cell calamine read. An ISO date-time text cell (`DateTimeIso`) is read with
    /// `text_date`.
    pub fn from_data(d: &Data, text_date: TextDate) -> Cell {
        match d {
            Data::Empty => Cell::Empty,
            Data::String(s) if s.trim().is_empty() => Cell::Empty,
            Data::String(s) => Cell::Text(s.clone()),
            #[allow(clippy::cast_precision_loss)]
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::Bool(b) => Cell::Other(if *b { "TRUE" } else { "FALSE" }.to_string()),
            Data::DateTime(dt) => {
                let v = dt.as_f64();
                let date = if dt.is_datetime() && (0.0..2_958_466.0).contains(&v) {
                    let (y, m, day, ..) = dt.to_ymd_hms_milli();
                    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(day))
                } else {
                    None
                };
                Cell::Date(date, v.to_string())
            }
            Data::DateTimeIso(s) => Cell::Date(text_date(s), s.clone()),
            Data::DurationIso(s) => Cell::Other(s.clone()),
            Data::Error(e) => Cell::Other(e.to_string()),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, trimmed. Integral numbers print without a decimal point (a 受理编号
    /// typed as `2024001` is read as `"2024001"`, an 索引号 `2020001` as `"2020001"`).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(f) => {
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    format!("{f:.0}")
                } else {
                    f.to_string()
                }
            }
            Cell::Date(Some(d), _) => d.format("%Y-%m-%d").to_string(),
            Cell::Date(None, raw) | Cell::Other(raw) => raw.clone(),
        }
    }

    /// The cell as text, untrimmed: a 正文 keeps its HTML exactly as written.
    pub fn raw_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            _ => self.text(),
        }
    }

    /// The cell as a date: `Ok(None)` when empty; `Err(raw)` when not a date. Text is read with
    /// `text_date`, a number with [`date_from_number`].
    pub fn date(&self, text_date: TextDate) -> Result<Option<NaiveDate>, String> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Text(s) if s.trim().is_empty() => Ok(None),
            Cell::Text(s) => text_date(s).map(Some).ok_or_else(|| s.trim().to_string()),
            Cell::Number(f) => date_from_number(*f).map(Some).ok_or_else(|| self.text()),
            Cell::Date(d, raw) => d.map(Some).ok_or_else(|| raw.clone()),
            Cell::Other(raw) => Err(raw.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn never(_: &str) -> Option<NaiveDate> {
        None
    }

    fn always(_: &str) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2020, 3, 5)
    }

    #[test]
    fn text_of_numbers_and_dates() {
        assert_eq!(Cell::Number(2_024_001.0).text(), "2024001");
        assert_eq!(Cell::Number(1.5).text(), "1.5");
        assert_eq!(Cell::Text("  甲 ".into()).text(), "甲");
        assert_eq!(Cell::Text("  甲 ".into()).raw_text(), "  甲 ");
        assert!(Cell::Text(" ".into()).is_empty());
        assert!(!Cell::Number(0.0).is_empty());
        assert_eq!(
            Cell::from_data(&Data::String("  ".into()), never),
            Cell::Empty
        );
        assert_eq!(
            Cell::from_data(&Data::Bool(true), never),
            Cell::Other("TRUE".into())
        );
    }

    #[test]
    fn dates_are_read_with_the_callers_parser() {
        let iso = Data::DateTimeIso("2020-03-05T00:00:00".into());
        assert_eq!(
            Cell::from_data(&iso, never),
            Cell::Date(None, "2020-03-05T00:00:00".into())
        );
        assert_eq!(
            Cell::from_data(&iso, always).date(never),
            Ok(NaiveDate::from_ymd_opt(2020, 3, 5))
        );
        let t = Cell::Text(" x ".into());
        assert_eq!(t.date(never), Err("x".into()));
        assert_eq!(t.date(always), Ok(NaiveDate::from_ymd_opt(2020, 3, 5)));
        assert_eq!(
            Cell::Number(43895.0).date(never),
            Ok(NaiveDate::from_ymd_opt(2020, 3, 5))
        );
        assert_eq!(Cell::Number(3.0).date(never), Err("3".into()));
        assert_eq!(Cell::Empty.date(never), Ok(None));
    }
}
