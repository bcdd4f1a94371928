//! What a year's catalogue covers of a standard directory.
//!
//! A **gap** is an item with no publication in the year; for an item with a yearly date
//! (`每年3月31日前`), also one with none on or before that date in the year. In the year still
//! running, a yearly-dated item whose date has not come is not yet due ([`Status::NotYetDue`]),
//! not a gap. For items counted from the day information is formed (第二十六条's twenty working
//! days), the publications made later than the limit after their 成文日期 are counted as late:
//! published, so not a gap, but worth the supervising office's eye.

use chrono::{Datelike, NaiveDate};
use gongkai_calendar::Calendar;
use serde::Serialize;
use std::collections::HashMap;

use crate::{StandardItem, TimeLimit};

/// A catalogue document linked to a standard item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication<'a> {
    /// The item's 事项编号.
    pub item: &'a str,
    /// 成文日期, when known.
    pub written: Option<NaiveDate>,
    /// 发布日期.
    pub published: NaiveDate,
}

/// Whether an item is covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Covered,
    Gap,
    /// A yearly-dated item of the running year whose date has not come.
    NotYetDue,
}

/// One item's coverage in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemCoverage {
    /// 事项编号.
    pub item: String,
    pub domain: String,
    pub name: String,
    /// 公开时限 as written.
    pub time_limit: String,
    pub rule: TimeLimit,
    /// Documents linked to the item published in the year.
    pub publications: usize,
    /// The first and last 发布日期 in the year.
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    /// Publications later than the limit after their 成文日期 (working or calendar days).
    pub late: usize,
    pub status: Status,
    /// `status == Gap`.
    pub gap: bool,
    /// Why the item has this status, in Chinese.
    pub reason: String,
}

/// An agency's coverage: its items, in directory order, and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitCoverage {
    pub items: Vec<ItemCoverage>,
    pub covered: usize,
    pub gaps: usize,
}

/// The coverage of `items` by `publications` in `year` (publications of other years, and of
/// codes not in the directory, are ignored). `today` tells whether the year is still running;
/// `cal` counts working days.
pub fn coverage(
    items: &[StandardItem],
    publications: &[Publication<'_>],
    year: i32,
    today: NaiveDate,
    cal: &Calendar,
) -> UnitCoverage {
    let mut by_item: HashMap<&str, Vec<&Publication<'_>>> = HashMap::new();
    for p in publications.iter().filter(|p| p.published.year() == year) {
        by_item.entry(p.item).or_default().push(p);
    }
    let items: Vec<ItemCoverage> = items
        .iter()
        .map(|item| {
            let pubs = by_item
                .get(item.code.as_str())
                .map_or(&[][..], Vec::as_slice);
            one(item, pubs, year, today, cal)
        })
        .collect();
    let gaps = items.iter().filter(|i| i.gap).count();
    let covered = items.iter().filter(|i| i.status == Status::Covered).count();
    UnitCoverage {
        items,
        covered,
        gaps,
    }
}

fn one(
    item: &StandardItem,
    pubs: &[&Publication<'_>],
    year: i32,
    today: NaiveDate,
    cal: &Calendar,
) -> ItemCoverage {
    let rule = item.limit();
    let first = pubs.iter().map(|p| p.published).min();
    let last = pubs.iter().map(|p| p.published).max();
    let late = pubs
        .iter()
        .filter(|p| p.written.is_some_and(|w| rule.is_late(cal, w, p.published)))
        .count();
    let running = year >= today.year();
    let (status, mut reason) = match (rule.due_in(year), first) {
        (Some(due), Some(first)) if first <= due => (
            Status::Covered,
            format!(
                "{}，{year}年公开 {} 条，首次于 {first}",
                rule.describe(),
                pubs.len()
            ),
        ),
        (Some(due), Some(first)) => (
            Status::Gap,
            format!(
                "{}：{due} 前没有公开（本年首次公开于 {first}，晚于时限）",
                rule.describe()
            ),
        ),
        (Some(due), None) if running && today < due => (
            Status::NotYetDue,
            format!("{}：未到公开时限（{due}），本年尚无公开", rule.describe()),
        ),
        (Some(due), None) => (
            Status::Gap,
            format!(
                "{}：{due} 前没有公开，{year}年内也没有公开记录",
                rule.describe()
            ),
        ),
        (None, Some(_)) => (
            Status::Covered,
            format!("{year}年公开 {} 条（{}）", pubs.len(), rule.describe()),
        ),
        (None, None) if running => (
            Status::Gap,
            format!("{year}年截至 {today} 没有公开记录（{}）", rule.describe()),
        ),
        (None, None) => (
            Status::Gap,
            format!("{year}年内没有公开记录（{}）", rule.describe()),
        ),
    };
    if late > 0 {
        reason.push_str(&format!("；其中 {late} 条晚于时限（自成文日期起算）"));
    }
    ItemCoverage {
        item: item.code.clone(),
        domain: item.domain.clone(),
        name: item.name.clone(),
        time_limit: item.time_limit.clone(),
        rule,
        publications: pubs.len(),
        first,
        last,
        late,
        status,
        gap: status == Status::Gap,
        reason,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn item(code: &str, limit: &str) -> StandardItem {
        StandardItem {
            code: code.into(),
            domain: "财政预决算".into(),
            name: format!("事项{code}"),
            content: String::new(),
            basis: String::new(),
            time_limit: limit.into(),
            body: String::new(),
            channels: String::new(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn gaps_and_reasons() {
        let cal = Calendar::official().unwrap();
        let items = [
            item("A", "每年3月31日前"),
            item("B", "每年3月31日前"),
            item("C", "信息形成或变更之日起20个工作日内"),
            item("D", "常态化公开"),
            item("E", "每年12月31日前"),
        ];
        let pubs = [
            Publication {
                item: "A",
                written: None,
                published: d("2025-03-31"),
            },
            Publication {
                item: "B",
                written: None,
                published: d("2025-04-01"),
            },
            // Written 2025-01-02, due 20 working days later (2025-02-06 with 春节): late.
            Publication {
                item: "C",
                written: Some(d("2025-01-02")),
                published: d("2025-03-01"),
            },
            Publication {
                item: "C",
                written: Some(d("2025-05-06")),
                published: d("2025-05-07"),
            },
            // Another year and an unknown code: ignored.
            Publication {
                item: "D",
                written: None,
                published: d("2024-12-31"),
            },
            Publication {
                item: "Z",
                written: None,
                published: d("2025-06-01"),
            },
        ];
        let c = coverage(&items, &pubs, 2025, d("2026-02-01"), &cal);
        let status: Vec<Status> = c.items.iter().map(|i| i.status).collect();
        assert_eq!(
            status,
            [
                Status::Covered,
                Status::Gap,
                Status::Covered,
                Status::Gap,
                Status::Gap
            ]
        );
        assert_eq!((c.covered, c.gaps), (2, 3));
        assert!(
            c.items[1].reason.contains("2025-03-31 前没有公开"),
            "{}",
            c.items[1].reason
        );
        assert_eq!(c.items[2].publications, 2);
        assert_eq!(c.items[2].late, 1);
        assert!(c.items[2].reason.contains("1 条晚于时限"));
        assert!(c.items[3].reason.contains("2025年内没有公开记录"));
        // The running year: E's date has not come.
        let c = coverage(&items, &pubs, 2025, d("2025-06-01"), &cal);
        assert_eq!(c.items[4].status, Status::NotYetDue);
        assert!(!c.items[4].gap);
        assert_eq!(c.items[3].status, Status::Gap);
    }

    proptest! {
        /// A yearly-dated item is covered exactly when something was published by its date.
        #[test]
        fn yearly_items_are_covered_by_their_date(month in 1u32..=12, day in 0u32..=31, offsets in proptest::collection::vec(0i64..365, 0..4)) {
            let cal = Calendar::official().unwrap();
            let text = TimeLimit::Yearly { month, day }.describe();
            let items = [item("Y", &text)];
            let start = d("2023-01-01");
            let pubs: Vec<Publication<'_>> = offsets
                .iter()
                .map(|o| Publication { item: "Y", written: None, published: start + chrono::Duration::days(*o) })
                .collect();
            let c = coverage(&items, &pubs, 2023, d("2024-06-01"), &cal);
            let due = TimeLimit::Yearly { month, day }.due_in(2023).unwrap();
            let in_time = pubs.iter().any(|p| p.published <= due);
            prop_assert_eq!(c.items[0].gap, !in_time);
            prop_assert_eq!(c.items[0].publications, pubs.len());
        }
    }
}
