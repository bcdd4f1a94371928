//! The values of catalogue cells and page fields as officers and CMSs write them: dates, 类别,
//! 第二十条项目, 有效性 and 正文. Shared by tables and pages.

use chrono::{Datelike, NaiveDate};
use gongkai_cases::vocab::{halfwidth, parse_date_text};
use gongkai_catalogue::body::{Body, sanitise};
use gongkai_sheet::from_excel_serial;

/// The earliest year of a document in a catalogue: nothing the 条例 makes public predates the
/// People's Republic.
pub(crate) const EARLIEST_YEAR: i32 = 1949;

/// A date written as text, in every form exports use (see [`parse_date_text`]); also
/// `2020年03月05日 10:22` and a lone Excel serial or `20200305` typed into a text cell.
pub(crate) fn date_from_text(s: &str) -> Option<NaiveDate> {
    let t = halfwidth(s);
    let t = t.trim();
    if let Some(d) = parse_date_text(t) {
        return Some(d);
    }
    // An Excel serial that lost its date format on the way through a CSV export: five digits
    // (1949 is serial 17898; a four-digit number is a year typed alone, not a date).
    let whole = t.split_once('.').map_or(t, |(w, _)| w);
    if whole.len() == 5 && t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return t.parse::<f64>().ok().and_then(from_excel_serial);
    }
    None
}

/// Checks that a date of a document is plausible: not before 1949, not after `today`.
pub(crate) fn check_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, String> {
    if date.year() < EARLIEST_YEAR {
        return Err(format!("日期 {date} 早于 {EARLIEST_YEAR} 年，请检查"));
    }
    if date > today {
        return Err(format!("日期 {date} 晚于今天（{today}）"));
    }
    Ok(date)
}

/// Whether a 正文 is HTML: it has a tag (`<p`, `</p`, `<br`, `<!--`). Plain text with a `<` in
/// it (`a < b`) is not.
pub(crate) fn looks_like_html(s: &str) -> bool {
    s.match_indices('<').any(|(i, _)| {
        s[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
    }) && s.contains('>')
}

/// The body of a 正文 cell: sanitised HTML, or plain text a paragraph per line.
pub(crate) fn body_of(s: &str) -> Body {
    if looks_like_html(s) {
        sanitise(s)
    } else {
        Body::from_text(s)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_the_forms_exports_use() {
        for s in [
            "2020-03-05",
            "2020/3/5",
            "2020年3月5日",
            "2020年03月05日",
            "20200305",
            "2020-03-05 10:22:00",
            "2020-03-05T10:22:00",
            "2020.3.5",
            "２０２０－０３－０５",
            "43895",
        ] {
            assert_eq!(date_from_text(s), Some(d(2020, 3, 5)), "{s}");
        }
        for s in ["2020-13-05", "2020", "三月五日", "2020-02-30", "5/3/2020"] {
            assert_eq!(date_from_text(s), None, "{s}");
        }
    }

    #[test]
    fn date_range() {
        let today = d(2024, 6, 1);
        assert!(check_date(d(1949, 1, 1), today).is_ok());
        assert!(
            check_date(d(1948, 12, 31), today)
                .unwrap_err()
                .contains("早于 1949 年")
        );
        assert!(
            check_date(d(2024, 6, 2), today)
                .unwrap_err()
                .contains("晚于今天")
        );
    }

    #[test]
    fn html_or_text() {
        assert!(looks_like_html("<p>第一条</p>"));
        assert!(looks_like_html("第一条<br/>第二条"));
        assert!(!looks_like_html("a < b 且 c > d"));
        assert!(!looks_like_html("第一条"));
        let b = body_of("第一条\n第二条");
        assert_eq!(b.html, "<p>第一条</p>\n<p>第二条</p>\n");
        let b = body_of("<p onclick=\"x()\">第一条</p><script>alert(1)</script>");
        assert_eq!(b.html, "<p>第一条</p>");
        assert_eq!(b.text, "第一条");
    }
}
