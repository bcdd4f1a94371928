//! What the records accept: the longest texts and the range of dates, checked at every front
//! end (the command line, the ledger import, later the web forms) before anything is stored.
//! A value outside them is refused with a message naming the field and the limit, never
//! stored silently: a 1 MB 受理编号 or a request received in the year 0 is a mistake.

use chrono::{Datelike, NaiveDate};

/// The longest 受理编号 or 案件编号, in characters.
pub const MAX_REFERENCE_CHARS: usize = 64;
/// The longest agency name (the longest real names run to about 40 characters).
pub const MAX_AGENCY_CHARS: usize = 100;
/// The longest applicant name (an organisation's full name).
pub const MAX_NAME_CHARS: usize = 200;
/// The longest free text (申请内容, a note).
pub const MAX_TEXT_CHARS: usize = 10_000;

/// The first day the 条例 applied (国务院令第492号 took effect on 2008-05-01; the 2019 revision,
/// 国务院令第711号, on 2019-05-15): no disclosure request can have been received before it.
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 5, 1).unwrap_or(NaiveDate::MIN)
}

/// Checks a text field: not longer than `max` characters, no control characters (a tab is
/// allowed, and line breaks when `multiline`). Returns the message for the officer.
pub fn check_text(field: &str, value: &str, max: usize, multiline: bool) -> Result<(), String> {
    let n = value.chars().count();
    if n > max {
        return Err(format!("{field}过长：{n} 个字符，最多 {max} 个"));
    }
    let bad = value
        .chars()
        .find(|&c| c.is_control() && c != '\t' && !(multiline && matches!(c, '\n' | '\r')));
    match bad {
        Some(c) => Err(format!(
            "{field}含有不可见的控制字符（U+{:04X}），请删除后再试",
            c as u32
        )),
        None => Ok(()),
    }
}

/// Checks a date of the records (receipt, decision, closing): not before [`earliest_date`] and
/// not after `today` (a request cannot have been received tomorrow).
pub fn check_date(field: &str, date: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if date < earliest_date() {
        return Err(format!(
            "{field} {date} 早于《政府信息公开条例》施行之日（{}）",
            earliest_date()
        ));
    }
    if date > today {
        return Err(format!("{field} {date} 晚于今天（{today}）"));
    }
    Ok(())
}

/// Checks the year of an annual report: from 2008, the first year the 条例 applied, to the
/// current year (a report of the year in progress is a draft).
pub fn check_year(year: i32, today: NaiveDate) -> Result<(), String> {
    let first = earliest_date().year();
    if year < first || year > today.year() {
        return Err(format!(
            "报告年度 {year} 不在 {first}–{} 年之间",
            today.year()
        ));
    }
    Ok(())
}

/// The kind of identity document whose number carries a check digit.
pub const RESIDENT_ID: &str = "居民身份证";

/// Checks an identity document's number: a 居民身份证 number has 18 characters whose last is
/// the check digit of GB 11643-1999 (ISO 7064 MOD 11-2; `X` for 10), so that a mistyped digit
/// is caught when it is registered; other documents are only checked as text.
pub fn check_id_number(kind: &str, number: &str) -> Result<(), String> {
    check_text("证件号码", number, 64, false)?;
    if kind.trim() != RESIDENT_ID || number.trim().is_empty() {
        return Ok(());
    }
    let n: Vec<char> = number.trim().chars().collect();
    let digits: Option<Vec<u32>> = n.iter().take(17).map(|c| c.to_digit(10)).collect();
    let (Some(digits), 18) = (digits, n.len()) else {
        return Err("居民身份证号码应为 18 位：17 位数字和 1 位校验码".into());
    };
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let expected = CHECK[(sum % 11) as usize];
    if n[17].to_ascii_uppercase() == expected {
        Ok(())
    } else {
        Err("居民身份证号码的校验码不对，请核对".into())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn resident_id_numbers_carry_their_check_digit() {
        // The example of GB 11643-1999, and the same with one digit mistyped.
        assert_eq!(
            super::check_id_number("居民身份证", "11010519491231002X"),
            Ok(())
        );
        assert_eq!(
            super::check_id_number("居民身份证", "11010519491231002x"),
            Ok(())
        );
        assert!(super::check_id_number("居民身份证", "11010519491231012X").is_err());
        assert!(super::check_id_number("居民身份证", "1101051949123100").is_err());
        // Other documents, and no number at all, are not checked for a digit.
        assert_eq!(super::check_id_number("护照", "E12345678"), Ok(()));
        assert_eq!(super::check_id_number("居民身份证", ""), Ok(()));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn texts() {
        assert!(check_text("受理编号", "YS-1", MAX_REFERENCE_CHARS, false).is_ok());
        let long = "号".repeat(MAX_REFERENCE_CHARS + 1);
        let e = check_text("受理编号", &long, MAX_REFERENCE_CHARS, false).unwrap_err();
        assert!(e.contains("65 个字符") && e.contains("最多 64"), "{e}");
        assert!(
            check_text("申请人", "a\u{0}b", 10, false)
                .unwrap_err()
                .contains("U+0000")
        );
        assert!(check_text("申请内容", "一\n二\t三", 10, true).is_ok());
        assert!(check_text("申请人", "一\n二", 10, false).is_err());
    }

    #[test]
    fn dates_and_years() {
        let today = d(2026, 12, 3);
        assert!(check_date("收到日期", d(2024, 9, 27), today).is_ok());
        assert!(check_date("收到日期", d(1, 1, 1), today).is_err());
        assert!(check_date("收到日期", d(2099, 1, 1), today).is_err());
        assert!(check_date("收到日期", today, today).is_ok());
        assert!(check_year(2024, today).is_ok());
        assert!(check_year(2026, today).is_ok());
        assert!(check_year(0, today).is_err());
        assert!(check_year(2027, today).is_err());
    }
}
