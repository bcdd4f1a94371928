//! Late publication (第二十六条): information to be published proactively (第二十条, and the
//! local items of 第二十一条) "应当自该政府信息形成或者变更之日起20个工作日内及时公开".
//!
//! The period is counted like every period of the 条例 on the official calendar (工作日, with
//! holidays and 调休上班 days): day 1 is the first working day after the 成文日期, the 20th
//! working day after it is the last day on time, and a publication on any later date — the
//! 21st working day, or a weekend after the 20th — is late. This is
//! [`Calendar::add_working_days`]`(written, 20)` as the deadline; the number of working days
//! reported is [`Calendar::working_days_between`] (working days `d` with
//! `written < d <= published`).
//!
//! A document without a 成文日期 cannot be judged; it is listed apart, never counted on time or
//! late. A 发布日期 before the 成文日期 (a data error) is not late.

use crate::model::{Document, DocumentId};
use chrono::{Datelike, NaiveDate};
use gongkai_calendar::Calendar;

/// 第二十六条's period: 20 working days.
pub const PERIOD_WORKING_DAYS: u32 = 20;

/// The publication deadline of information formed (成文) on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PublicationDeadline {
    /// The last day on time: the 20th working day after the 成文日期.
    pub last_day: NaiveDate,
    /// Some day of the period falls in a year the calendar has no official arrangement for, so
    /// it was counted by the weekday rule alone and the next 国务院办公厅 notice may move it.
    pub provisional: bool,
}

/// The publication deadline for information formed on `written`. `None` only past chrono's last
/// date.
pub fn publication_deadline(cal: &Calendar, written: NaiveDate) -> Option<PublicationDeadline> {
    let last_day = cal.add_working_days(written, PERIOD_WORKING_DAYS)?;
    Some(PublicationDeadline {
        last_day,
        provisional: any_provisional(cal, written, last_day),
    })
}

/// A publication after the deadline of 第二十六条.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Late {
    /// Working days from the 成文日期 to the 发布日期 (`written < d <= published`): more than
    /// 20, or exactly 20 when published on a day off after the 20th working day.
    pub working_days: i64,
    /// The last day on time.
    pub deadline: NaiveDate,
    /// Whether the decision rests on a year without an official arrangement (see
    /// [`PublicationDeadline::provisional`]); the figure may change when the notice comes.
    pub provisional: bool,
}

/// Whether information formed on `written` and published on `published` was published late
/// under 第二十六条; `None` when on time (or published before it was written).
pub fn lateness(cal: &Calendar, written: NaiveDate, published: NaiveDate) -> Option<Late> {
    let deadline = publication_deadline(cal, written)?;
    if published <= deadline.last_day {
        return None;
    }
    Some(Late {
        working_days: cal.working_days_between(written, published),
        deadline: deadline.last_day,
        // Beyond the deadline the days after it do not change the decision, but the deadline
        // itself may move: only the period matters.
        provisional: deadline.provisional,
    })
}

/// True when a year in `from..=to` has no official arrangement.
fn any_provisional(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> bool {
    (from.year()..=to.year()).any(|y| !cal.is_known_year(y))
}

/// What the late-publication count reads of a document: the store gives one for every
/// document that has a 第二十条 / 第二十一条 item (the register entries carry no item, and
/// 第二十六条 covers every item, not only normative documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Publication {
    pub id: DocumentId,
    /// 成文日期 (when the information was formed or changed).
    pub written: Option<NaiveDate>,
    /// 发布日期.
    pub published: NaiveDate,
}

impl Publication {
    /// The publication facts of a stored document, `None` when it has no item (第二十六条 does
    /// not reach it).
    pub fn of(doc: &Document) -> Option<Publication> {
        doc.data.item.as_ref()?;
        Some(Publication {
            id: doc.id,
            written: doc.data.written,
            published: doc.data.published,
        })
    }
}

/// The late publications of an agency-year (or of several agencies, for a consolidated view).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct LateSummary {
    /// The late documents with their working days from 成文日期 to 发布日期, by id.
    pub documents: Vec<(DocumentId, i64)>,
    /// `documents.len()`.
    pub count: usize,
    /// Published in the year without a 成文日期: cannot be judged, by id.
    pub undated: Vec<DocumentId>,
    /// Documents of the year (late or on time) whose deadline is provisional, by id.
    pub provisional: Vec<DocumentId>,
}

/// Late publications among `publications` published in `year` (counted by 发布日期: the year
/// the late publication happened, which is the year whose report accounts for it).
pub fn late_publications(cal: &Calendar, publications: &[Publication], year: i32) -> LateSummary {
    let mut out = LateSummary::default();
    for p in publications.iter().filter(|p| p.published.year() == year) {
        let Some(written) = p.written else {
            out.undated.push(p.id);
            continue;
        };
        if publication_deadline(cal, written).is_some_and(|d| d.provisional) {
            out.provisional.push(p.id);
        }
        if let Some(late) = lateness(cal, written, p.published) {
            out.documents.push((p.id, late.working_days));
        }
    }
    out.documents.sort_unstable();
    out.undated.sort_unstable();
    out.provisional.sort_unstable();
    out.count = out.documents.len();
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> Calendar {
        Calendar::official().unwrap()
    }

    #[test]
    fn across_the_2024_spring_festival() {
        // 2024: 2月10日至17日放假调休，2月4日（星期日）、2月18日（星期日）上班.
        let cal = cal();
        let written = d("2024-02-05");
        // Working days after 5 Feb: 6, 7, 8, 9 (4), then 18 (Sunday, make-up), 19–23 (10),
        // 26 Feb – 1 Mar (15), 4–8 Mar (20).
        let deadline = publication_deadline(&cal, written).unwrap();
        assert_eq!(deadline.last_day, d("2024-03-08"));
        assert!(!deadline.provisional);
        assert_eq!(lateness(&cal, written, d("2024-03-08")), None);
        // Saturday after the 20th working day: still 20 working days, but after the last day.
        assert_eq!(
            lateness(&cal, written, d("2024-03-09")),
            Some(Late {
                working_days: 20,
                deadline: d("2024-03-08"),
                provisional: false
            })
        );
        assert_eq!(
            lateness(&cal, written, d("2024-03-11"))
                .unwrap()
                .working_days,
            21
        );
        // Without the holiday the weekday rule would have ended on 1 March; on the official
        // calendar 1 March is only the 15th working day.
        assert_eq!(lateness(&cal, written, d("2024-03-01")), None);
        assert_eq!(cal.working_days_between(written, d("2024-03-01")), 15);
        // Published before written: not late.
        assert_eq!(lateness(&cal, written, d("2024-01-01")), None);
        assert_eq!(lateness(&cal, written, written), None);
    }

    proptest::proptest! {
        /// The deadline is the 20th working day: publishing on it is on time, the next day is
        /// late; and late means more than 20 working days, or 20 with a day off after the
        /// 20th working day.
        #[test]
        fn late_exactly_after_the_20th_working_day(
            written in 0u64..3650,
            delay in 0u64..80,
        ) {
            let cal = cal();
            let written = d("2019-01-01") + chrono::Days::new(written);
            let published = written + chrono::Days::new(delay);
            let deadline = publication_deadline(&cal, written).unwrap().last_day;
            proptest::prop_assert!(cal.is_working_day(deadline));
            proptest::prop_assert_eq!(cal.working_days_between(written, deadline), 20);
            proptest::prop_assert_eq!(lateness(&cal, written, deadline), None);
            proptest::prop_assert!(lateness(&cal, written, deadline + chrono::Days::new(1)).is_some());
            let days = cal.working_days_between(written, published);
            let expected = days > 20 || (days == 20 && !cal.is_working_day(published));
            let late = lateness(&cal, written, published);
            proptest::prop_assert_eq!(late.is_some(), expected);
            if let Some(late) = late {
                proptest::prop_assert_eq!(late.working_days, days);
                proptest::prop_assert_eq!(late.provisional, deadline.year() > cal.last_year().unwrap());
            }
        }
    }

    #[test]
    fn a_year_without_an_arrangement_is_provisional() {
        let cal = cal();
        let last = cal.last_year().unwrap();
        let written = NaiveDate::from_ymd_opt(last + 1, 3, 2).unwrap();
        assert!(publication_deadline(&cal, written).unwrap().provisional);
        let late = lateness(
            &cal,
            written,
            NaiveDate::from_ymd_opt(last + 1, 6, 1).unwrap(),
        )
        .unwrap();
        assert!(late.provisional);
        // A period that runs from December into an unknown year is provisional too.
        let december = NaiveDate::from_ymd_opt(last, 12, 20).unwrap();
        assert!(publication_deadline(&cal, december).unwrap().provisional);
        assert!(
            !publication_deadline(&cal, d("2024-06-03"))
                .unwrap()
                .provisional
        );
    }

    #[test]
    fn late_publications_of_a_year() {
        let cal = cal();
        let p = |id: i64, written: Option<&str>, published: &str| Publication {
            id: DocumentId(id),
            written: written.map(d),
            published: d(published),
        };
        let pubs = [
            p(1, Some("2024-02-05"), "2024-03-08"), // on time, last day
            p(2, Some("2024-02-05"), "2024-03-11"), // 21 working days
            p(3, Some("2023-11-01"), "2024-01-15"), // written in 2023, late, counted in 2024
            p(4, None, "2024-05-06"),               // no 成文日期
            p(5, Some("2023-01-03"), "2023-06-01"), // late, but in 2023
            p(6, Some("2024-09-30"), "2024-10-08"), // across 国庆: 1 working day
        ];
        let s = late_publications(&cal, &pubs, 2024);
        assert_eq!(s.count, 2);
        assert_eq!(
            s.documents,
            [
                (DocumentId(2), 21),
                (
                    DocumentId(3),
                    cal.working_days_between(d("2023-11-01"), d("2024-01-15"))
                )
            ]
        );
        assert_eq!(s.documents[1].1, 52);
        assert_eq!(s.undated, [DocumentId(4)]);
        assert_eq!(s.provisional, []);
        let s = late_publications(&cal, &pubs, 2023);
        assert_eq!(s.count, 1);
        assert_eq!(s.documents[0].0, DocumentId(5));
    }
}
