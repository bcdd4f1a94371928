//! Cost of a deadline: calendar lookups are binary searches over ~420 declared dates, so a
//! typical compute() is a few hundred lookups plus string formatting of the steps.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use divan::black_box;
use gongkai_calendar::{
    Calendar, DeadlineInput, DeadlineSettings, Event, compute, compute_events, compute_events_brief,
};

fn main() {
    divan::main();
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[divan::bench]
fn add_working_days_20(bencher: divan::Bencher) {
    let cal = Calendar::official().unwrap();
    let trigger = d("2024-09-27");
    bencher.bench(|| black_box(&cal).add_working_days(black_box(trigger), black_box(20)));
}

#[divan::bench]
fn compute_typical(bencher: divan::Bencher) {
    let cal = Calendar::official().unwrap();
    let mut input = DeadlineInput::new(d("2024-09-27"));
    input.pauses.push((d("2024-10-08"), d("2024-10-14")));
    input.extended = true;
    input.as_of = Some(d("2024-10-20"));
    bencher.bench(|| compute(black_box(&cal), black_box(&input)));
}

/// The same request as a timeline, with its explanation (the request's page) and without it
/// (a line of a work list).
#[divan::bench(args = [true, false])]
fn events_typical(bencher: divan::Bencher, explain: bool) {
    let cal = Calendar::official().unwrap();
    let events = [
        Event::Received(d("2024-09-27")),
        Event::ConsultationStarted(d("2024-10-08")),
        Event::ConsultationEnded(d("2024-10-14")),
        Event::ExtensionApproved(d("2024-10-20")),
    ];
    let settings = DeadlineSettings::default();
    let as_of = Some(d("2024-10-25"));
    let compute = if explain {
        compute_events
    } else {
        compute_events_brief
    };
    bencher.bench(|| compute(black_box(&cal), black_box(&events), &settings, as_of));
}

#[divan::bench]
fn working_days_in_a_year(bencher: divan::Bencher) {
    let cal = Calendar::official().unwrap();
    let (a, b) = (d("2023-12-31"), d("2024-12-31"));
    bencher.bench(|| black_box(&cal).working_days_between(black_box(a), black_box(b)));
}

#[divan::bench]
fn parse_official(bencher: divan::Bencher) {
    bencher.bench(Calendar::official);
}
