//! Chinese names for weekdays and for holiday runs.
//!
//! The holiday TOML carries dates only (it mirrors the State Council notice, which is what an
//! administrator can copy). Names are derived from the dates: every statutory festival falls in
//! a fixed window of the Gregorian year, so a run of consecutive days off can be named by where
//! it lies. Anything outside the known windows is called 法定节假日, which is always true.

use chrono::{Datelike, NaiveDate, Weekday};

/// `星期一` … `星期日`.
pub fn weekday_zh(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// Month-day as a comparable number, e.g. 10-01 → 1001.
fn md(date: NaiveDate) -> u32 {
    date.month() * 100 + date.day()
}

/// Does the run `start..=end` contain the month-day `m`-`d` (of any year it spans)?
fn contains_md(start: NaiveDate, end: NaiveDate, m: u32, d: u32) -> bool {
    (start.year()..=end.year())
        .any(|y| NaiveDate::from_ymd_opt(y, m, d).is_some_and(|day| start <= day && day <= end))
}

/// Name of a run of consecutive declared days off.
///
/// Windows (2019–2026 all fit, and the lunar festivals cannot leave them):
/// * contains 01-01 (or 12-31): 元旦;
/// * starts 01-15..02-28: 春节 (lunar new year falls 01-21..02-20; runs are up to 9 days);
/// * 04-02..04-07: 清明节 (solar term, 04-04/05);
/// * contains 05-01: 劳动节;
/// * 05-28..06-30: 端午节 (lunar 5/5 falls 05-28..06-25);
/// * contains 10-01: 国庆节; an 8-day run is the golden week merged with 中秋节 (2020, 2023,
///   2025), as the ordinary golden week is 7 days;
/// * otherwise in September: 中秋节 (lunar 8/15 falls 09-07..10-08).
pub(crate) fn holiday_name(start: NaiveDate, end: NaiveDate) -> &'static str {
    let len = (end - start).num_days() + 1;
    if contains_md(start, end, 1, 1) || contains_md(start, end, 12, 31) {
        "元旦"
    } else if contains_md(start, end, 10, 1) {
        if len >= 8 {
            "中秋节、国庆节"
        } else {
            "国庆节"
        }
    } else if contains_md(start, end, 5, 1) {
        "劳动节"
    } else if (115..=228).contains(&md(start)) {
        "春节"
    } else if (402..=407).contains(&md(start)) {
        "清明节"
    } else if (528..=630).contains(&md(start)) {
        "端午节"
    } else if start.month() == 9 {
        "中秋节"
    } else {
        "法定节假日"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn names_by_window() {
        assert_eq!(holiday_name(d("2018-12-30"), d("2019-01-01")), "元旦");
        assert_eq!(holiday_name(d("2024-02-10"), d("2024-02-17")), "春节");
        assert_eq!(holiday_name(d("2020-01-24"), d("2020-02-02")), "春节");
        assert_eq!(holiday_name(d("2024-04-04"), d("2024-04-06")), "清明节");
        assert_eq!(holiday_name(d("2022-04-30"), d("2022-05-04")), "劳动节");
        assert_eq!(holiday_name(d("2025-05-31"), d("2025-06-02")), "端午节");
        assert_eq!(holiday_name(d("2024-06-10"), d("2024-06-10")), "端午节");
        assert_eq!(holiday_name(d("2024-09-15"), d("2024-09-17")), "中秋节");
        assert_eq!(holiday_name(d("2024-10-01"), d("2024-10-07")), "国庆节");
        assert_eq!(
            holiday_name(d("2023-09-29"), d("2023-10-06")),
            "中秋节、国庆节"
        );
        assert_eq!(holiday_name(d("2024-03-08"), d("2024-03-08")), "法定节假日");
        assert_eq!(weekday_zh(d("2024-10-12")), "星期六");
    }
}
