//! Dates Excel stores as numbers.

use chrono::{Days, NaiveDate};
use gongkai_cases::vocab::parse_date_text;

/// An Excel serial date (1900 date system): 45356 is 2024-03-05, 43895 is 2020-03-05. The time
/// of day is ignored. Serials before 1900-03-01 (where Excel's 1900 leap-year bug lives) are
/// refused.
pub fn from_excel_serial(v: f64) -> Option<NaiveDate> {
    if !v.is_finite() {
        return None;
    }
    let days = v.floor();
    if !(61.0..2_958_466.0).contains(&days) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    base.checked_add_days(Days::new(days as u64))
}

/// A number typed in a date cell: `20240305` typed as a number, or an Excel serial.
pub fn date_from_number(v: f64) -> Option<NaiveDate> {
    if v.fract() == 0.0 && (19_000_101.0..=29_991_231.0).contains(&v) {
        return parse_date_text(&format!("{v:.0}"));
    }
    from_excel_serial(v)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn excel_dates() {
        assert_eq!(from_excel_serial(45356.0), Some(d(2024, 3, 5)));
        assert_eq!(from_excel_serial(45356.75), Some(d(2024, 3, 5)));
        assert_eq!(from_excel_serial(61.0), Some(d(1900, 3, 1)));
        assert_eq!(from_excel_serial(60.0), None);
        assert_eq!(from_excel_serial(f64::NAN), None);
        assert_eq!(from_excel_serial(f64::INFINITY), None);
        assert_eq!(date_from_number(20_240_305.0), Some(d(2024, 3, 5)));
        assert_eq!(date_from_number(43895.4), Some(d(2020, 3, 5)));
    }
}
