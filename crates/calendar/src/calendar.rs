//! The official calendar (requests spec §7): which dates are working days (工作日).
//!
//! Rule (spec §7, and 第三十三条 which counts the answer period in 工作日): a working day is
//! Monday–Friday unless the State Council declares it a day off (放假), plus any weekend day it
//! declares a make-up working day (调休上班).
//!
//! Data shape (the same for the embedded file, [`Calendar::from_toml`] and
//! [`Calendar::merge_toml`]): one table per *notice* year, each with `off` and `workday` lists of
//! `"YYYY-MM-DD"` strings (TOML date literals are accepted too). A notice may reach back into the
//! previous December (the 2019 notice covers 2018-12-29..31), never further.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::names::{holiday_name, weekday_zh};

/// The verified State Council arrangement 2019–2026, embedded at build time.
pub const OFFICIAL_TOML: &str = include_str!("../data/holidays-cn.toml");

/// Errors in holiday-arrangement TOML. Messages name the year table and the date, in Chinese,
/// because an administrator reads them when adding a new year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("节假日安排不是有效的 TOML：{0}")]
    Toml(String),
    #[error("表名 [{key}] 不是有效的年份（应为通知所属年份，如 [2027]）")]
    BadYear { key: String },
    #[error("[{year}] 应为一个表，包含 off 和 workday 两个日期列表")]
    NotATable { year: i32 },
    #[error("[{year}] 含有未知的键「{key}」（只允许 off 和 workday）")]
    UnknownKey { year: i32, key: String },
    #[error("[{year}] {field} 应为日期列表，如 [\"{year}-10-01\"]")]
    NotAList { year: i32, field: &'static str },
    #[error("[{year}] {field} 中的「{value}」不是有效日期（应写作 \"YYYY-MM-DD\"）")]
    BadDate {
        year: i32,
        field: &'static str,
        value: String,
    },
    #[error("[{year}] {field} 中的 {date} 重复列出")]
    Duplicate {
        year: i32,
        field: &'static str,
        date: NaiveDate,
    },
    #[error(
        "[{year}] {field} 中的 {date} 不属于 {year} 年的安排（只能是 {year} 年内的日期，或上一年12月的日期）"
    )]
    OutsideYear {
        year: i32,
        field: &'static str,
        date: NaiveDate,
    },
    #[error("[{year}] {date} 同时列为放假（off）和调休上班（workday）")]
    OffAndWorkday { year: i32, date: NaiveDate },
    #[error("[{year}] workday 中的 {date} 是{weekday}：调休上班日只能是星期六或星期日")]
    WorkdayNotWeekend {
        year: i32,
        date: NaiveDate,
        weekday: &'static str,
    },
    #[error("{date} 在 [{off_year}] 中列为放假，在 [{workday_year}] 中却列为调休上班")]
    Conflict {
        date: NaiveDate,
        off_year: i32,
        workday_year: i32,
    },
}

/// What the State Council declared about one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 放假: not a working day, whatever the weekday.
    Off,
    /// 调休上班: a weekend day that is a working day.
    Workday,
}

/// A run of consecutive declared days off, with a name derived from its dates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Holiday {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节, 中秋节、国庆节, or 法定节假日.
    pub name: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct YearTable {
    off: Vec<NaiveDate>,
    workday: Vec<NaiveDate>,
}

/// The working-day calendar. Cheap to clone; lookups are O(log n) in the number of declared
/// dates (binary search in a sorted `Vec`), counts over any range are O(log n) too (weekday
/// arithmetic plus prefix sums of the declared exceptions).
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Notice year → its table, as given; the source of truth for merging.
    years: BTreeMap<i32, YearTable>,
    /// Union of all tables, sorted by date, one entry per date.
    overrides: Vec<(NaiveDate, DayKind)>,
    /// `prefix[i]` = sum of the working-day deltas of `overrides[..i]` (an off weekday is −1,
    /// a make-up weekend +1, an off weekend 0).
    prefix: Vec<i64>,
    /// Runs of consecutive off dates.
    holidays: Vec<Holiday>,
}

impl Calendar {
    /// The embedded, verified arrangement 2019–2026.
    ///
    /// # Errors
    /// Only if the embedded file were broken; a unit test guarantees it is not.
    pub fn official() -> Result<Self, CalendarError> {
        // Parsed once per process: a server asks for it on every work list.
        static OFFICIAL: std::sync::LazyLock<Result<Calendar, CalendarError>> =
            std::sync::LazyLock::new(|| Calendar::from_toml(OFFICIAL_TOML));
        OFFICIAL.clone()
    }

    /// A calendar from TOML text of the same shape as the embedded file.
    ///
    /// # Errors
    /// Any [`CalendarError`]: bad TOML, bad year key, bad date, a date both off and workday, a
    /// workday that is not a weekend, a date outside its notice year, a duplicate.
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        Self::build(parse_tables(text)?)
    }

    /// Merge an administrator's extra arrangement. A year table in `text` *replaces* the table of
    /// the same notice year (a supplementary notice, like the 2020 Spring Festival extension,
    /// amends a whole arrangement, and removing a date must be possible); other years are added.
    /// On error `self` is unchanged.
    ///
    /// # Errors
    /// As [`Calendar::from_toml`], plus [`CalendarError::Conflict`] when the merged union
    /// declares one date off in one year table and workday in another.
    pub fn merge_toml(&mut self, text: &str) -> Result<(), CalendarError> {
        let mut years = self.years.clone();
        years.extend(parse_tables(text)?);
        *self = Self::build(years)?;
        Ok(())
    }

    fn build(years: BTreeMap<i32, YearTable>) -> Result<Self, CalendarError> {
        // Union of all notice years; a date may appear in two tables only with the same kind.
        let mut union: BTreeMap<NaiveDate, (DayKind, i32)> = BTreeMap::new();
        for (&year, table) in &years {
            let entries = table
                .off
                .iter()
                .map(|d| (*d, DayKind::Off))
                .chain(table.workday.iter().map(|d| (*d, DayKind::Workday)));
            for (date, kind) in entries {
                match union.get(&date) {
                    Some(&(other, other_year)) if other != kind => {
                        let (off_year, workday_year) = if kind == DayKind::Off {
                            (year, other_year)
                        } else {
                            (other_year, year)
                        };
                        return Err(CalendarError::Conflict {
                            date,
                            off_year,
                            workday_year,
                        });
                    }
                    Some(_) => {}
                    None => {
                        union.insert(date, (kind, year));
                    }
                }
            }
        }
        let overrides: Vec<(NaiveDate, DayKind)> =
            union.into_iter().map(|(d, (k, _))| (d, k)).collect();
        let mut prefix = Vec::with_capacity(overrides.len() + 1);
        let mut sum = 0i64;
        prefix.push(sum);
        for &(date, kind) in &overrides {
            sum += match (kind, is_weekend(date)) {
                (DayKind::Off, false) => -1,
                (DayKind::Workday, true) => 1,
                _ => 0,
            };
            prefix.push(sum);
        }
        let mut holidays: Vec<Holiday> = Vec::new();
        for &(date, kind) in &overrides {
            if kind != DayKind::Off {
                continue;
            }
            match holidays.last_mut() {
                Some(run) if run.end.succ_opt() == Some(date) => run.end = date,
                _ => holidays.push(Holiday {
                    start: date,
                    end: date,
                    name: "",
                }),
            }
        }
        for run in &mut holidays {
            run.name = holiday_name(run.start, run.end);
        }
        Ok(Self {
            years,
            overrides,
            prefix,
            holidays,
        })
    }

    /// The notice years present, ascending.
    pub fn known_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// First notice year present.
    pub fn first_year(&self) -> Option<i32> {
        self.years.keys().next().copied()
    }

    /// Last notice year present.
    pub fn last_year(&self) -> Option<i32> {
        self.years.keys().next_back().copied()
    }

    /// True when no arrangement is known for `date`'s calendar year: after the last known year,
    /// before the first, or (should an administrator skip one) in a gap between known years.
    /// Such a date is classified by the weekday rule alone, which the next notice may overturn
    /// (spec §7: deadlines past the last known year are provisional).
    pub fn is_provisional(&self, date: NaiveDate) -> bool {
        !self.is_known_year(date.year())
    }

    /// Is there a notice table for `year`?
    pub fn is_known_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// What was declared about `date`, if anything.
    pub fn declared(&self, date: NaiveDate) -> Option<DayKind> {
        self.overrides
            .binary_search_by_key(&date, |&(d, _)| d)
            .ok()
            .map(|i| self.overrides[i].1)
    }

    /// Working day (工作日, spec §7; the unit of every period in 第三十三条): Monday–Friday unless
    /// declared off; a weekend day declared 调休上班 is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.declared(date) {
            Some(DayKind::Off) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(date),
        }
    }

    /// Number of working days `d` with `from < d <= to` (the counting convention of
    /// spec §2: the trigger date itself is never counted). If `to < from` the result is the
    /// negated count of `(to, from]`, so `between(a, b) + between(b, c) == between(a, c)`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let weekdays = weekdays_before(day_number(to) + 1) - weekdays_before(day_number(from) + 1);
        let lo = self.overrides.partition_point(|&(d, _)| d <= from);
        let hi = self.overrides.partition_point(|&(d, _)| d <= to);
        weekdays + self.prefix[hi] - self.prefix[lo]
    }

    /// Working days in the inclusive range `start..=end` (0 if `end < start`).
    pub fn working_days_in(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        if end < start {
            return 0;
        }
        match start.pred_opt() {
            Some(before) => self.working_days_between(before, end),
            // start is NaiveDate::MIN: count it by hand.
            None => i64::from(self.is_working_day(start)) + self.working_days_between(start, end),
        }
    }

    /// The `n`-th working day after `trigger` (spec §2 counting convention, used by 第三十条,
    /// 第三十三条: day 1 is the first working day *after* the trigger date). For `n >= 1` the
    /// result is always a working day; `n == 0` returns `trigger` unchanged (nothing counted).
    /// `None` only if the result would be past chrono's last representable date.
    pub fn add_working_days(&self, trigger: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut date = trigger;
        let mut left = n;
        while left > 0 {
            date = date.succ_opt()?;
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        Some(date)
    }

    /// All runs of declared days off, ascending.
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    /// Runs of declared days off that overlap `start..=end` (not clipped).
    pub fn holidays_overlapping(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> impl Iterator<Item = &Holiday> + '_ {
        let first = self.holidays.partition_point(|h| h.end < start);
        self.holidays[first..]
            .iter()
            .take_while(move |h| h.start <= end)
    }

    /// Make-up working days (调休上班) in `start..=end`, ascending.
    pub fn makeup_workdays(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> impl Iterator<Item = NaiveDate> + '_ {
        let first = self.overrides.partition_point(|&(d, _)| d < start);
        self.overrides[first..]
            .iter()
            .take_while(move |&&(d, _)| d <= end)
            .filter(|&&(_, k)| k == DayKind::Workday)
            .map(|&(d, _)| d)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Days since the common era, widened so `+ 1` never overflows.
fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// Number of Monday–Friday days whose day number is `< n`, relative to day 1 (0001-01-01, a
/// Monday in the proleptic Gregorian calendar). Only differences of this are meaningful.
fn weekdays_before(n: i64) -> i64 {
    let k = n - 1;
    k.div_euclid(7) * 5 + k.rem_euclid(7).min(5)
}

fn parse_tables(text: &str) -> Result<BTreeMap<i32, YearTable>, CalendarError> {
    let root: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| CalendarError::Toml(e.to_string().trim().to_owned()))?;
    let mut years = BTreeMap::new();
    for (key, value) in root {
        let year = key
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=9999).contains(y))
            .ok_or_else(|| CalendarError::BadYear { key: key.clone() })?;
        let toml::Value::Table(table) = value else {
            return Err(CalendarError::NotATable { year });
        };
        let mut off = Vec::new();
        let mut workday = Vec::new();
        for (field, list) in table {
            let (field, target): (&'static str, &mut Vec<NaiveDate>) = match field.as_str() {
                "off" => ("off", &mut off),
                "workday" => ("workday", &mut workday),
                _ => return Err(CalendarError::UnknownKey { year, key: field }),
            };
            let toml::Value::Array(items) = list else {
                return Err(CalendarError::NotAList { year, field });
            };
            for item in items {
                target.push(parse_date(year, field, &item)?);
            }
        }
        years.insert(year, validate_year(year, off, workday)?);
    }
    Ok(years)
}

fn parse_date(
    year: i32,
    field: &'static str,
    item: &toml::Value,
) -> Result<NaiveDate, CalendarError> {
    let parsed = match item {
        toml::Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            dt.date.and_then(|d| {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            })
        }
        _ => None,
    };
    parsed.ok_or_else(|| CalendarError::BadDate {
        year,
        field,
        value: match item {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    })
}

fn validate_year(
    year: i32,
    mut off: Vec<NaiveDate>,
    mut workday: Vec<NaiveDate>,
) -> Result<YearTable, CalendarError> {
    for (field, list) in [("off", &mut off), ("workday", &mut workday)] {
        list.sort_unstable();
        if let Some(w) = list.windows(2).find(|w| w[0] == w[1]) {
            return Err(CalendarError::Duplicate {
                year,
                field,
                date: w[0],
            });
        }
        // A notice arranges its own year and may reach back into the previous December
        // (the 2019 notice covers 2018-12-29..31); anything else is a typo in the year.
        if let Some(&date) = list
            .iter()
            .find(|d| !(d.year() == year || (d.year() == year - 1 && d.month() == 12)))
        {
            return Err(CalendarError::OutsideYear { year, field, date });
        }
    }
    if let Some(&date) = off.iter().find(|d| workday.binary_search(d).is_ok()) {
        return Err(CalendarError::OffAndWorkday { year, date });
    }
    if let Some(&date) = workday.iter().find(|d| !is_weekend(**d)) {
        return Err(CalendarError::WorkdayNotWeekend {
            year,
            date,
            weekday: weekday_zh(date),
        });
    }
    Ok(YearTable { off, workday })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_arithmetic_matches_iteration() {
        let cal = Calendar::from_toml("").expect("empty calendar");
        let start = NaiveDate::from_ymd_opt(2023, 12, 25).expect("date");
        for len in 0..40 {
            let end = start + chrono::Days::new(len);
            let mut count = 0;
            let mut d = start;
            while d < end {
                d = d.succ_opt().expect("date");
                if !is_weekend(d) {
                    count += 1;
                }
            }
            assert_eq!(cal.working_days_between(start, end), count, "len {len}");
        }
    }
}
