//! What is the ledger's own in reading cells: header keys, today's date, values in messages.
//! Dates Excel stores as numbers are `gongkai_sheet`'s, shared with the catalogue import.
//! The words themselves (applicant kinds, channels, outcomes, dates as text) are
//! `gongkai_cases::vocab`, shared with every other front end.

use chrono::{Days, NaiveDate};
use gongkai_cases::vocab::key;

/// The key of a header cell: like [`key`], also without the `*` some templates use to mark
/// required columns.
pub(crate) fn header_key(s: &str) -> String {
    key(s).trim_matches('*').to_string()
}

/// Today's date in China (UTC+8, no daylight saving), from the system clock: the 条例's days
/// are Beijing days, and a ledger row received this morning in Beijing must not be "tomorrow".
pub(crate) fn today_in_china() -> NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = secs.saturating_add(8 * 3600) / 86_400;
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_days(Days::new(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// A value quoted in a message, cut to its first 40 characters: a 1 MB cell must not become a
/// 1 MB message.
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}……", &s[..i]),
        None => s.to_string(),
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
    fn long_values_are_cut_in_messages() {
        assert_eq!(shown("短"), "短");
        let long = "字".repeat(100);
        assert_eq!(shown(&long), format!("{}……", "字".repeat(40)));
        assert_eq!(shown(&"a".repeat(40)), "a".repeat(40));
    }

    #[test]
    fn today_is_a_plausible_date() {
        let today = today_in_china();
        assert!(today > d(2025, 1, 1) && today < d(2200, 1, 1), "{today}");
    }
}
