//! The official calendar against the reference counts of spec §7, and TOML validation.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongkai_calendar::{Calendar, CalendarError, DayKind};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn reference_working_days_per_year() {
    // Spec §7 reference counts.
    let cal = Calendar::official().unwrap();
    for (year, expected) in [
        (2019, 250),
        (2020, 249),
        (2021, 250),
        (2022, 249),
        (2023, 249),
        (2024, 251),
        (2025, 248),
        (2026, 248),
    ] {
        let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
        let prev = NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap();
        assert_eq!(cal.working_days_in(start, end), expected, "{year}");
        assert_eq!(cal.working_days_between(prev, end), expected, "{year}");
        // The fast count agrees with day-by-day classification.
        let slow = start
            .iter_days()
            .take_while(|x| *x <= end)
            .filter(|x| cal.is_working_day(*x))
            .count();
        assert_eq!(slow, usize::try_from(expected).unwrap(), "{year}");
    }
}

#[test]
fn known_range_and_provisional() {
    let cal = Calendar::official().unwrap();
    assert_eq!(cal.first_year(), Some(2019));
    assert_eq!(cal.last_year(), Some(2026));
    assert_eq!(cal.known_years().count(), 8);
    assert!(!cal.is_provisional(d("2019-01-01")));
    assert!(!cal.is_provisional(d("2026-12-31")));
    assert!(cal.is_provisional(d("2027-01-01")));
    assert!(cal.is_provisional(d("2018-12-30")));
}

#[test]
fn declared_days() {
    let cal = Calendar::official().unwrap();
    // 2024-10-12 is a Saturday make-up working day; 2024-10-13 an ordinary Sunday.
    assert!(cal.is_working_day(d("2024-10-12")));
    assert_eq!(cal.declared(d("2024-10-12")), Some(DayKind::Workday));
    assert!(!cal.is_working_day(d("2024-10-13")));
    // National Day weekdays off.
    assert!(!cal.is_working_day(d("2024-10-01")));
    // The 2020 Spring Festival extension cancelled the 2020-02-01 (Saturday) make-up day.
    assert!(!cal.is_working_day(d("2020-02-01")));
    assert!(!cal.is_working_day(d("2020-01-31")));
    assert!(cal.is_working_day(d("2020-02-03")));
    // The 2019 notice reaches back into December 2018.
    assert!(cal.is_working_day(d("2018-12-29")));
    assert!(!cal.is_working_day(d("2018-12-31")));
    // An ordinary Monday outside any known year.
    assert!(cal.is_working_day(d("2030-01-07")));
}

#[test]
fn add_working_days_convention() {
    let cal = Calendar::official().unwrap();
    // Day 1 is the first working day after the trigger: 2024-09-27 (Fri) → 2024-09-29 (Sun, 调休).
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 1),
        Some(d("2024-09-29"))
    );
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 2),
        Some(d("2024-09-30"))
    );
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 3),
        Some(d("2024-10-08"))
    );
    assert_eq!(
        cal.add_working_days(d("2024-09-27"), 0),
        Some(d("2024-09-27"))
    );
    assert_eq!(
        cal.working_days_between(d("2024-09-27"), d("2024-10-08")),
        3
    );
    assert_eq!(
        cal.working_days_between(d("2024-10-08"), d("2024-09-27")),
        -3
    );
}

#[test]
fn holiday_runs_are_named() {
    let cal = Calendar::official().unwrap();
    let names: Vec<(NaiveDate, NaiveDate, &str)> = cal
        .holidays_overlapping(d("2023-09-01"), d("2023-10-31"))
        .map(|h| (h.start, h.end, h.name))
        .collect();
    assert_eq!(
        names,
        vec![(d("2023-09-29"), d("2023-10-06"), "中秋节、国庆节")]
    );
    let names: Vec<&str> = cal
        .holidays_overlapping(d("2025-01-01"), d("2025-12-31"))
        .map(|h| h.name)
        .collect();
    assert_eq!(
        names,
        vec![
            "元旦",
            "春节",
            "清明节",
            "劳动节",
            "端午节",
            "中秋节、国庆节"
        ]
    );
    let makeup: Vec<NaiveDate> = cal
        .makeup_workdays(d("2025-01-01"), d("2025-02-28"))
        .collect();
    assert_eq!(makeup, vec![d("2025-01-26"), d("2025-02-08")]);
}

#[test]
fn merge_new_year() {
    let mut cal = Calendar::official().unwrap();
    assert!(cal.is_provisional(d("2027-01-01")));
    assert!(cal.is_working_day(d("2027-01-01")));
    cal.merge_toml("[2027]\noff = [\"2027-01-01\"]\nworkday = []\n")
        .unwrap();
    assert!(!cal.is_provisional(d("2027-01-01")));
    assert!(!cal.is_working_day(d("2027-01-01")));
    assert_eq!(cal.last_year(), Some(2027));
    // Older years untouched.
    assert_eq!(cal.working_days_in(d("2024-01-01"), d("2024-12-31")), 251);
}

#[test]
fn merge_replaces_a_year_and_accepts_toml_dates() {
    let mut cal = Calendar::official().unwrap();
    // An amended 2026 with only New Year: everything else in 2026 reverts to the weekday rule.
    cal.merge_toml("[2026]\noff = [2026-01-01, 2026-01-02]\n")
        .unwrap();
    assert!(!cal.is_working_day(d("2026-01-02")));
    assert!(cal.is_working_day(d("2026-10-01")));
    assert!(!cal.is_working_day(d("2026-01-04")));
}

#[test]
fn merge_error_leaves_calendar_unchanged() {
    let mut cal = Calendar::official().unwrap();
    let err = cal
        .merge_toml("[2027]\noff = [\"2027-02-30\"]\n")
        .unwrap_err();
    assert!(matches!(err, CalendarError::BadDate { year: 2027, .. }));
    assert_eq!(cal.last_year(), Some(2026));
}

fn err(text: &str) -> CalendarError {
    Calendar::from_toml(text).unwrap_err()
}

#[test]
fn validation_errors_name_year_and_date() {
    let e = err("[2027]\noff = [\"2027-13-01\"]");
    assert_eq!(
        e.to_string(),
        "[2027] off 中的「2027-13-01」不是有效日期（应写作 \"YYYY-MM-DD\"）"
    );
    let e = err("[2027]\noff = [\"2027-10-01\"]\nworkday = [\"2027-10-01\"]");
    assert_eq!(
        e,
        CalendarError::OffAndWorkday {
            year: 2027,
            date: d("2027-10-01")
        }
    );
    assert!(e.to_string().contains("[2027] 2027-10-01 同时列为放假"));
    // 2027-10-11 is a Monday.
    let e = err("[2027]\nworkday = [\"2027-10-11\"]");
    assert_eq!(
        e.to_string(),
        "[2027] workday 中的 2027-10-11 是星期一：调休上班日只能是星期六或星期日"
    );
    let e = err("[2027]\noff = [\"2028-01-01\"]");
    assert!(matches!(
        e,
        CalendarError::OutsideYear {
            year: 2027,
            field: "off",
            ..
        }
    ));
    assert!(e.to_string().contains("2028-01-01"));
    // December of the previous year is allowed (the 2019 notice covers 2018-12-29..31).
    assert!(Calendar::from_toml("[2027]\noff = [\"2026-12-31\"]").is_ok());
    let e = err("[2027]\noff = [\"2026-11-30\"]");
    assert!(matches!(e, CalendarError::OutsideYear { .. }));
    let e = err("[2027]\noff = [\"2027-10-01\", \"2027-10-01\"]");
    assert!(matches!(e, CalendarError::Duplicate { year: 2027, .. }));
    let e = err("[abc]\noff = []");
    assert!(matches!(e, CalendarError::BadYear { .. }));
    assert!(e.to_string().contains("[abc]"));
    let e = err("[2027]\nholidays = []");
    assert!(matches!(e, CalendarError::UnknownKey { year: 2027, .. }));
    let e = err("2027 = 1");
    assert!(matches!(e, CalendarError::NotATable { year: 2027 }));
    let e = err("[2027]\noff = \"2027-10-01\"");
    assert!(matches!(
        e,
        CalendarError::NotAList {
            year: 2027,
            field: "off"
        }
    ));
    let e = err("[2027\n");
    assert!(matches!(e, CalendarError::Toml(_)));
    assert!(e.to_string().starts_with("节假日安排不是有效的 TOML"));
    // Off in one notice, workday in another.
    let e = err("[2027]\noff = [\"2026-12-26\"]\n[2026]\nworkday = [\"2026-12-26\"]");
    assert_eq!(
        e,
        CalendarError::Conflict {
            date: d("2026-12-26"),
            off_year: 2027,
            workday_year: 2026
        }
    );
}

#[test]
fn empty_calendar_is_all_provisional() {
    let cal = Calendar::from_toml("").unwrap();
    assert_eq!(cal.first_year(), None);
    assert!(cal.is_provisional(d("2024-01-01")));
    assert!(cal.is_working_day(d("2024-10-01")));
}
