//! Property tests of the calendar arithmetic and the deadline engine.
#![allow(clippy::unwrap_used)]

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate};
use gongkai_calendar::{
    Calendar, DayKind, DeadlineInput, DeadlineSettings, Event, compute, compute_events,
    compute_events_brief,
};
use proptest::prelude::*;

static CAL: LazyLock<Calendar> = LazyLock::new(|| Calendar::official().unwrap());

/// Declared dates of the official data, by kind.
static DECLARED: LazyLock<(Vec<NaiveDate>, Vec<NaiveDate>)> = LazyLock::new(|| {
    let start = NaiveDate::from_ymd_opt(2018, 12, 1).unwrap();
    let (mut workdays, mut weekend_off) = (Vec::new(), Vec::new());
    for date in start.iter_days().take(9 * 366) {
        let weekend = date.weekday().number_from_monday() >= 6;
        match CAL.declared(date) {
            Some(DayKind::Workday) => workdays.push(date),
            Some(DayKind::Off) if weekend => weekend_off.push(date),
            _ => {}
        }
    }
    (workdays, weekend_off)
});

/// Any timeline a request may have, possible or not: a receipt and any of the other events at
/// some days after it (an event may come twice, an end without its start, …).
fn timeline() -> impl Strategy<Value = Vec<Event>> {
    let kinds: [fn(NaiveDate) -> Event; 9] = [
        Event::CorrectionRequested,
        Event::CorrectedReceived,
        Event::CorrectionLapsed,
        Event::ConsultationStarted,
        Event::ConsultationEnded,
        Event::FeeNoticeSent,
        Event::FeePaid,
        Event::ExtensionApproved,
        Event::Decided,
    ];
    (
        date(),
        prop::collection::vec((0usize..kinds.len(), 0u64..90), 0..6),
    )
        .prop_map(move |(received, others)| {
            let mut events = vec![Event::Received(received)];
            events.extend(
                others
                    .into_iter()
                    .map(|(k, after)| kinds[k](received + Days::new(after))),
            );
            events
        })
}

/// Any date 2018-06-01 .. 2028-06-01: inside, around and past the known years.
fn date() -> impl Strategy<Value = NaiveDate> {
    let base = NaiveDate::from_ymd_opt(2018, 6, 1).unwrap();
    (0u64..3653).prop_map(move |n| base + Days::new(n))
}

proptest! {
    #[test]
    fn due_is_a_working_day(t in date(), n in 1u32..80) {
        let due = CAL.add_working_days(t, n).unwrap();
        prop_assert!(CAL.is_working_day(due));
        prop_assert!(due > t);
        prop_assert_eq!(CAL.working_days_between(t, due), i64::from(n));
    }

    #[test]
    fn monotonic_in_n(t in date(), n in 0u32..80) {
        prop_assert!(CAL.add_working_days(t, n).unwrap() < CAL.add_working_days(t, n + 1).unwrap());
    }

    #[test]
    fn monotonic_in_trigger(t in date(), k in 0u64..30, n in 0u32..60) {
        let later = t + Days::new(k);
        prop_assert!(CAL.add_working_days(t, n).unwrap() <= CAL.add_working_days(later, n).unwrap());
    }

    #[test]
    fn makeup_weekend_counts(i in any::<prop::sample::Index>()) {
        let w = *i.get(&DECLARED.0);
        prop_assert!(CAL.is_working_day(w));
        let eve = w.pred_opt().unwrap();
        prop_assert_eq!(CAL.add_working_days(eve, 1), Some(w));
        prop_assert_eq!(CAL.working_days_between(eve, w), 1);
    }

    #[test]
    fn holiday_weekend_does_not_count(i in any::<prop::sample::Index>()) {
        let h = *i.get(&DECLARED.1);
        prop_assert!(!CAL.is_working_day(h));
        let eve = h.pred_opt().unwrap();
        prop_assert_ne!(CAL.add_working_days(eve, 1), Some(h));
        prop_assert_eq!(CAL.working_days_between(eve, h), 0);
    }

    #[test]
    fn pausing_never_makes_due_earlier(
        t in date(),
        pauses in prop::collection::vec((0u64..80, 0u64..20), 0..4),
        extended in any::<bool>(),
    ) {
        let mut input = DeadlineInput::new(t);
        input.extended = extended;
        let plain = compute(&CAL, &input).unwrap();
        input.pauses = pauses
            .iter()
            .map(|&(start, len)| (t + Days::new(start), t + Days::new(start + len)))
            .collect();
        let paused = compute(&CAL, &input).unwrap();
        prop_assert!(paused.due >= plain.due);
        prop_assert!(CAL.is_working_day(paused.due));
        // The due date sits exactly limit + removed working days after the trigger.
        prop_assert_eq!(
            CAL.working_days_between(paused.trigger, paused.due),
            i64::from(paused.limit_days) + paused.paused_days
        );
    }

    #[test]
    fn merging_a_new_year_makes_it_known(year in 2027i32..2200, ordinal in 1u32..=365) {
        let date = NaiveDate::from_yo_opt(year, ordinal).unwrap();
        let mut cal = CAL.clone();
        prop_assert!(cal.is_provisional(date));
        cal.merge_toml(&format!("[{year}]\noff = [\"{year}-10-01\"]\nworkday = []\n")).unwrap();
        prop_assert!(!cal.is_provisional(date));
        prop_assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(year, 10, 1).unwrap()));
    }

    /// The deadline without its explanation is the deadline: every field but `steps` agrees,
    /// and so does every refusal.
    #[test]
    fn brief_deadline_is_the_deadline(
        events in timeline(),
        as_of in prop::option::of(date()),
        fee_pause in any::<bool>(),
    ) {
        let settings = DeadlineSettings { fee_pause, ..DeadlineSettings::default() };
        let full = compute_events(&CAL, &events, &settings, as_of);
        if let Ok(d) = &full {
            prop_assert!(!d.steps.is_empty(), "the full deadline explains itself");
        }
        let full = full.map(|mut d| {
            d.steps.clear();
            d
        });
        prop_assert_eq!(compute_events_brief(&CAL, &events, &settings, as_of), full);
    }

    #[test]
    fn count_is_additive(a in date(), b in date(), c in date()) {
        prop_assert_eq!(
            CAL.working_days_between(a, b) + CAL.working_days_between(b, c),
            CAL.working_days_between(a, c)
        );
    }
}
