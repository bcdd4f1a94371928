//! 公开时限: the time limit of a standard item, as written in a directory, read into a rule.
//!
//! Real directories write the limit as text: `信息形成或变更之日起20个工作日内`, `常态化公开`,
//! `每年3月31日前`, `实时`, `10日内`. The common forms are read into a [`TimeLimit`]; anything
//! else is kept as text ([`TimeLimit::Other`]) and only the year's publications are checked.
//!
//! The default rule of the 条例 is 第二十六条: 属于主动公开范围的政府信息，应当自该政府信息形成或者
//! 变更之日起20个工作日内及时公开。法律、法规对政府信息公开的期限另有规定的，从其规定。 A directory
//! that writes `20个工作日` repeats it; one that writes a yearly date (`每年3月31日前`, the
//! 预决算 and annual reports) or `常态化` follows a law or its own practice.

use chrono::{Datelike, NaiveDate};
use gongkai_calendar::Calendar;
use serde::Serialize;

/// A time limit read from its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TimeLimit {
    /// Within `days` working days of the information being formed or changed (第二十六条).
    WorkingDays { days: u32 },
    /// Within `days` calendar days of the information being formed or changed.
    Days { days: u32 },
    /// Every year by `month`/`day` (`day` 0: the month's last day, `每年3月底前`).
    Yearly { month: u32, day: u32 },
    /// Published continuously: 常态化公开, 实时, 长期, 动态更新, 及时.
    Ongoing,
    /// Any other text, kept as written (empty when the directory gives none).
    Other { text: String },
}

/// Words of an ongoing publication.
const ONGOING: [&str; 8] = [
    "常态化",
    "实时",
    "长期",
    "动态",
    "及时",
    "持续",
    "随时",
    "即时",
];

impl TimeLimit {
    /// Reads a 公开时限. Half- and full-width digits and Chinese numerals up to 99 are read;
    /// a number of working days wins over an ongoing word (`常态化公开，形成之日起20个工作日内`
    /// is 20 working days), a yearly date over both.
    pub fn parse(text: &str) -> TimeLimit {
        let t: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '天' => '日',
                '号' => '日',
                _ => c,
            })
            .collect();
        if let Some(rest) = t.split_once("每年").map(|(_, r)| r)
            && let Some(limit) = yearly(rest)
        {
            return limit;
        }
        if let Some(days) = number_before(&t, "工作日") {
            return TimeLimit::WorkingDays { days };
        }
        if let Some(days) = number_before(&t, "日内").or_else(|| number_before(&t, "日之内")) {
            return TimeLimit::Days { days };
        }
        if ONGOING.iter().any(|w| t.contains(w)) {
            return TimeLimit::Ongoing;
        }
        TimeLimit::Other {
            text: text.trim().to_string(),
        }
    }

    /// The rule in words, as the coverage explains it.
    pub fn describe(&self) -> String {
        match self {
            TimeLimit::WorkingDays { days } => {
                format!("信息形成或变更之日起{days}个工作日内")
            }
            TimeLimit::Days { days } => format!("信息形成或变更之日起{days}日内"),
            TimeLimit::Yearly { month, day: 0 } => format!("每年{month}月底前"),
            TimeLimit::Yearly { month, day } => format!("每年{month}月{day}日前"),
            TimeLimit::Ongoing => "常态化公开".to_string(),
            TimeLimit::Other { text } if text.is_empty() => "未写明时限".to_string(),
            TimeLimit::Other { text } => format!("时限“{text}”（未能识别，只检查本年度有无公开）"),
        }
    }

    /// For a yearly limit, its date in `year`: the day itself is in time. A day the month does
    /// not have (2月29日 in a common year, 4月31日) is the month's last day.
    pub fn due_in(&self, year: i32) -> Option<NaiveDate> {
        let TimeLimit::Yearly { month, day } = *self else {
            return None;
        };
        let last = last_day(year, month)?;
        if day == 0 || day >= last.day() {
            Some(last)
        } else {
            last.with_day(day)
        }
    }

    /// For a limit counted from the day information is formed (`written`), the last day of
    /// publication in time, on the official calendar `cal` for working days. `None` for other
    /// limits, or a date out of the calendar's range.
    pub fn deadline_from(&self, cal: &Calendar, written: NaiveDate) -> Option<NaiveDate> {
        match *self {
            TimeLimit::WorkingDays { days } => cal.add_working_days(written, days),
            TimeLimit::Days { days } => written.checked_add_days(chrono::Days::new(days.into())),
            _ => None,
        }
    }

    /// Whether information formed on `written` and published on `published` was published after
    /// a limit counted from the day it was formed: after the last day [`deadline_from`] gives
    /// (a day off after the last working day is late too). Counted with the calendar's prefix
    /// sums rather than day by day: a directory's year has thousands of publications. `false`
    /// for other limits.
    ///
    /// [`deadline_from`]: TimeLimit::deadline_from
    pub fn is_late(&self, cal: &Calendar, written: NaiveDate, published: NaiveDate) -> bool {
        match *self {
            TimeLimit::WorkingDays { days } => {
                // The `days`-th working day after `written` is the last day on time: published
                // later when more working days have passed, or exactly that many and
                // `published` is a day off after it.
                let passed = cal.working_days_between(written, published);
                let days = i64::from(days);
                passed > days || (passed == days && days > 0 && !cal.is_working_day(published))
            }
            TimeLimit::Days { days } => (published - written).num_days() > i64::from(days),
            _ => false,
        }
    }
}

/// The last day of `month` of `year`.
fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month.checked_add(1)?)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// `3月31日前`, `3月底前`, `3月末`, `第一季度`… after `每年`: a yearly date, when the text has one.
fn yearly(rest: &str) -> Option<TimeLimit> {
    let (m, after) = rest.split_once('月')?;
    let month = number(m)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    if after.starts_with('底') || after.starts_with('末') {
        return Some(TimeLimit::Yearly { month, day: 0 });
    }
    let (d, _) = after.split_once('日')?;
    let day = number(d)?;
    (1..=31)
        .contains(&day)
        .then_some(TimeLimit::Yearly { month, day })
}

/// The number written right before `marker` (`20个工作日`, `二十个工作日`, `15日内`).
fn number_before(text: &str, marker: &str) -> Option<u32> {
    let (before, _) = text.split_once(marker)?;
    let before = before.strip_suffix('个').unwrap_or(before);
    let digits: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || CHINESE.contains(c))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    number(&digits).filter(|n| *n > 0)
}

const CHINESE: [char; 11] = [
    '零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十',
];

/// A number in digits or in Chinese numerals up to 99 (`二十`, `十五`, `三十一`); the whole text.
fn number(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    if text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok().filter(|n: &u32| *n < 10_000);
    }
    let digit = |c: char| CHINESE.iter().position(|d| *d == c).filter(|p| *p < 10);
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d).map(|v| v as u32),
        ['十', u] => digit(*u).map(|u| 10 + u as u32),
        [t, '十'] => digit(*t).map(|t| t as u32 * 10),
        [t, '十', u] => Some(digit(*t)? as u32 * 10 + digit(*u)? as u32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn common_forms() {
        let cases = [
            (
                "信息形成或变更之日起20个工作日内",
                TimeLimit::WorkingDays { days: 20 },
            ),
            (
                "自形成之日起二十个工作日内",
                TimeLimit::WorkingDays { days: 20 },
            ),
            ("１５个工作日", TimeLimit::WorkingDays { days: 15 }),
            ("常态化公开", TimeLimit::Ongoing),
            ("实时", TimeLimit::Ongoing),
            ("长期公开、动态调整", TimeLimit::Ongoing),
            (
                "常态化公开，信息形成或变更之日起20个工作日内",
                TimeLimit::WorkingDays { days: 20 },
            ),
            ("每年3月31日前", TimeLimit::Yearly { month: 3, day: 31 }),
            (
                "每年十二月三十一日前",
                TimeLimit::Yearly { month: 12, day: 31 },
            ),
            ("每年6月底前公开", TimeLimit::Yearly { month: 6, day: 0 }),
            ("批准后7日内", TimeLimit::Days { days: 7 }),
            ("批准后7天内", TimeLimit::Days { days: 7 }),
            (
                "按上级要求",
                TimeLimit::Other {
                    text: "按上级要求".into(),
                },
            ),
            ("", TimeLimit::Other { text: "".into() }),
            // No day: kept as text rather than guessed.
            (
                "每年第一季度",
                TimeLimit::Other {
                    text: "每年第一季度".into(),
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(TimeLimit::parse(text), want, "{text}");
        }
    }

    #[test]
    fn yearly_dates() {
        let feb29 = TimeLimit::Yearly { month: 2, day: 29 };
        assert_eq!(feb29.due_in(2024), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(feb29.due_in(2025), NaiveDate::from_ymd_opt(2025, 2, 28));
        let june = TimeLimit::Yearly { month: 6, day: 0 };
        assert_eq!(june.due_in(2025), NaiveDate::from_ymd_opt(2025, 6, 30));
        assert_eq!(TimeLimit::Ongoing.due_in(2025), None);
    }

    #[test]
    fn working_days_on_the_official_calendar() {
        let cal = Calendar::official().unwrap();
        // 2024-09-30 (Monday) + 20 working days: the 国庆 holiday (10月1–7日) is not counted
        // and 10月12日 (Saturday) is a make-up working day.
        let limit = TimeLimit::WorkingDays { days: 20 };
        let written = NaiveDate::from_ymd_opt(2024, 9, 30).unwrap();
        let due = limit.deadline_from(&cal, written).unwrap();
        assert_eq!(cal.working_days_between(written, due), 20);
    }

    proptest! {
        /// A yearly date is a day of its year, in its month, never after the day written.
        #[test]
        fn a_yearly_date_is_in_its_year(year in 1990i32..2100, month in 1u32..=12, day in 0u32..=31) {
            let limit = TimeLimit::Yearly { month, day };
            let due = limit.due_in(year).unwrap();
            prop_assert_eq!(due.year(), year);
            prop_assert_eq!(due.month(), month);
            if day > 0 {
                prop_assert!(due.day() <= day);
            }
            // The last day of the month or the day itself.
            prop_assert!(due.day() == day || due.succ_opt().unwrap().month() != month);
        }

        /// The text a directory writes reads back into the rule it was written from.
        #[test]
        fn described_rules_read_back(days in 1u32..200, month in 1u32..=12, day in 0u32..=28) {
            for limit in [
                TimeLimit::WorkingDays { days },
                TimeLimit::Days { days },
                TimeLimit::Yearly { month, day },
                TimeLimit::Ongoing,
            ] {
                prop_assert_eq!(TimeLimit::parse(&limit.describe()), limit);
            }
        }

        /// Lateness counted with prefix sums agrees with the deadline counted day by day.
        #[test]
        fn lateness_agrees_with_the_deadline(offset in 0i64..2500, around in -6i64..7, days in 1u32..45, working in proptest::bool::ANY) {
            let cal = Calendar::official().unwrap();
            let written = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap() + chrono::Duration::days(offset);
            let limit = if working { TimeLimit::WorkingDays { days } } else { TimeLimit::Days { days } };
            let due = limit.deadline_from(&cal, written).unwrap();
            // Around the last day, where a weekend or a holiday right after it decides.
            let published = due + chrono::Duration::days(around);
            prop_assert_eq!(limit.is_late(&cal, written, published), published > due);
        }

        /// A working-day deadline is `days` working days after the day information is formed.
        #[test]
        fn working_day_deadlines_count_working_days(offset in 0i64..2000, days in 1u32..60) {
            let cal = Calendar::official().unwrap();
            let written = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap() + chrono::Duration::days(offset);
            let due = TimeLimit::WorkingDays { days }.deadline_from(&cal, written).unwrap();
            prop_assert_eq!(cal.working_days_between(written, due), i64::from(days));
            prop_assert!(cal.is_working_day(due));
        }
    }
}
