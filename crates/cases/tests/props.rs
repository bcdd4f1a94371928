//! Properties over random case histories: a report generated from records never breaks the
//! statutory arithmetic (R1–R4, R7), its prose agrees with its tables (R8), years chain (R5),
//! every figure is exactly the length of its drill-down list, and consolidation is a cell-wise
//! sum. And the state machine never accepts a timeline that the deadline engine finds
//! inconsistent.
#![allow(clippy::unwrap_used)]

use chrono::{Days, NaiveDate};
use gongkai_calendar::{Calendar, DeadlineError, DeadlineSettings, Event};
use gongkai_cases::lifecycle::{self, State};
use gongkai_cases::tables::{self, CaseFacts, RemedyFacts, explain, generate_as, subtree};
use gongkai_cases::{
    Agency, AgencyId, Outcome, RemedyId, RemedyKind, RemedyResult, RequestId, TimelineEvent,
};
use gongkai_report::rules::{self, Rule};
use gongkai_report::{Applicant, CellKey, Format, Report, T3Row};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const FIRST_YEAR: i32 = 2019;
const LAST_YEAR: i32 = 2026;
const AGENCIES: i64 = 5;

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap()
}

fn day(offset: u64) -> NaiveDate {
    base().checked_add_days(Days::new(offset)).unwrap()
}

/// Receipts spread over 2019–2025; decisions up to ~2.5 years later (into 2027), or never.
fn case_facts() -> impl Strategy<Value = Vec<CaseFacts>> {
    let one = (
        1..=AGENCIES,
        0..Applicant::KINDS.len(),
        0u64..7 * 365,
        prop::option::weighted(0.8, (0u64..900, 0..Outcome::ALL.len())),
    );
    prop::collection::vec(one, 0..60).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (agency, kind, received, decided))| CaseFacts {
                id: RequestId(i as i64),
                agency: AgencyId(agency),
                kind: Applicant::KINDS[kind],
                received: day(received),
                decided: decided.map(|(after, o)| (day(received + after), Outcome::ALL[o])),
            })
            .collect()
    })
}

fn remedy_facts() -> impl Strategy<Value = Vec<RemedyFacts>> {
    let kinds = [
        RemedyKind::Reconsideration,
        RemedyKind::LitigationDirect,
        RemedyKind::LitigationAfterReconsideration,
    ];
    let results = [
        RemedyResult::Upheld,
        RemedyResult::Corrected,
        RemedyResult::Other,
    ];
    let one = (
        1..=AGENCIES,
        0..3usize,
        0u64..7 * 365,
        prop::option::weighted(0.7, (0u64..700, 0..3usize)),
    );
    prop::collection::vec(one, 0..25).prop_map(move |raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (agency, kind, received, closed))| RemedyFacts {
                id: RemedyId(i as i64),
                agency: AgencyId(agency),
                reference: format!("复{i}"),
                kind: kinds[kind],
                received: day(received),
                closed: closed.map(|(after, r)| (day(received + after), results[r])),
            })
            .collect()
    })
}

/// A forest over agencies 1..=5: each agency's parent is an earlier agency or none.
fn agencies() -> impl Strategy<Value = Vec<Agency>> {
    prop::collection::vec(prop::option::of(0..AGENCIES), AGENCIES as usize).prop_map(|parents| {
        parents
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let id = i as i64 + 1;
                Agency::new(
                    AgencyId(id),
                    format!("机关{id}"),
                    p.filter(|&p| p >= 1 && p < id).map(AgencyId),
                )
            })
            .collect()
    })
}

/// Every year a fact can count in: receipts from 2019, decisions up to mid-2028.
fn years() -> std::ops::RangeInclusive<i32> {
    FIRST_YEAR - 1..=LAST_YEAR + 2
}

fn column(t: &BTreeMap<CellKey, i64>, row: T3Row) -> Vec<i64> {
    Applicant::ALL
        .iter()
        .map(|&c| t[&CellKey::T3(row, c)])
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn generated_reports_are_consistent_and_explained(
        facts in case_facts(),
        remedies in remedy_facts(),
    ) {
        for format in Format::ALL {
            let mut series: Vec<Report> = Vec::new();
            for year in years() {
                let report = generate_as(format, "某县人民政府办公室", year, &facts, &remedies, None);
                let findings = rules::check(&report);
                let bad: Vec<_> = findings
                    .iter()
                    .filter(|f| matches!(f.rule, Rule::R1 | Rule::R2 | Rule::R3 | Rule::R4 | Rule::R7 | Rule::R8))
                    .collect();
                prop_assert!(bad.is_empty(), "{format} {year}: {bad:#?}");

                let t = tables::tables(&facts, &remedies, year, format);
                // Every t3/t4 cell of the format is in the report, and its drill-down list is
                // exactly as long as the figure, with no record listed twice.
                let expected: Vec<CellKey> = tables::table_cells(format).collect();
                prop_assert_eq!(t.keys().copied().collect::<Vec<_>>(), expected);
                for (&cell, &n) in &t {
                    prop_assert_eq!(report.int(cell), Some(n));
                    let list = explain(&facts, &remedies, year, format, cell);
                    prop_assert_eq!(list.len() as i64, n, "{} {} {}", format, year, cell);
                    let distinct: BTreeSet<_> = list.iter().collect();
                    prop_assert_eq!(distinct.len(), list.len());
                }
                series.push(report);
            }
            // R5: carried_out(Y) = carried_in(Y+1), cell by cell and as sets of requests.
            let refs: Vec<&Report> = series.iter().collect();
            let r5: Vec<_> = rules::check_series(&refs)
                .into_iter()
                .filter(|(_, f)| f.rule == Rule::R5)
                .collect();
            prop_assert!(r5.is_empty(), "{r5:#?}");
            for year in FIRST_YEAR - 1..=LAST_YEAR + 1 {
                let now = tables::tables(&facts, &remedies, year, format);
                let next = tables::tables(&facts, &remedies, year + 1, format);
                prop_assert_eq!(column(&now, T3Row::CarriedOut), column(&next, T3Row::CarriedIn));
                for &col in Applicant::ALL {
                    prop_assert_eq!(
                        explain(&facts, &remedies, year, format, CellKey::T3(T3Row::CarriedOut, col)),
                        explain(&facts, &remedies, year + 1, format, CellKey::T3(T3Row::CarriedIn, col))
                    );
                }
            }
        }
        // Every request is counted in exactly one r_total over all years, if decided.
        for f in &facts {
            let decided_in: usize = years()
                .map(|y| {
                    tables::cells(f, y, Format::F2021)
                        .filter(|&c| c == CellKey::T3(T3Row::RTotal, Applicant::Total))
                        .count()
                })
                .sum();
            prop_assert_eq!(decided_in, usize::from(f.decided.is_some()));
        }
    }

    #[test]
    fn consolidation_is_the_cell_wise_sum_of_the_subtree(
        facts in case_facts(),
        remedies in remedy_facts(),
        agencies in agencies(),
        root in 1..=AGENCIES,
        year in FIRST_YEAR..=LAST_YEAR,
    ) {
        let format = Format::for_year(year);
        let ids = subtree(&agencies, AgencyId(root));
        prop_assert_eq!(ids[0], AgencyId(root));
        let set: BTreeSet<AgencyId> = ids.iter().copied().collect();
        prop_assert_eq!(set.len(), ids.len());
        // Every listed agency descends from root through parent links.
        for &id in &ids[1..] {
            let mut cur = id;
            let mut steps = 0;
            while cur != AgencyId(root) {
                let parent = agencies.iter().find(|a| a.id == cur).and_then(|a| a.parent);
                prop_assert!(parent.is_some(), "{:?} does not descend from {}", id, root);
                cur = parent.unwrap_or(cur);
                steps += 1;
                prop_assert!(steps <= AGENCIES);
            }
        }
        // ... and every agency that descends from root is listed.
        for a in &agencies {
            let mut cur = Some(a.id);
            while let Some(c) = cur {
                if c == AgencyId(root) {
                    prop_assert!(set.contains(&a.id));
                    break;
                }
                cur = agencies.iter().find(|x| x.id == c).and_then(|x| x.parent);
            }
        }
        let in_tree: Vec<CaseFacts> = facts.iter().filter(|f| set.contains(&f.agency)).copied().collect();
        let rem_in_tree: Vec<RemedyFacts> = remedies.iter().filter(|f| set.contains(&f.agency)).cloned().collect();
        let consolidated = tables::tables(&in_tree, &rem_in_tree, year, format);
        let mut sum: BTreeMap<CellKey, i64> = consolidated.keys().map(|&k| (k, 0)).collect();
        for &id in &ids {
            let own: Vec<CaseFacts> = facts.iter().filter(|f| f.agency == id).copied().collect();
            let own_rem: Vec<RemedyFacts> = remedies.iter().filter(|f| f.agency == id).cloned().collect();
            for (k, v) in tables::tables(&own, &own_rem, year, format) {
                *sum.get_mut(&k).unwrap() += v;
            }
        }
        prop_assert_eq!(consolidated, sum);
    }

    /// Build a timeline by offering random events and keeping those the machine accepts; the
    /// deadline engine must then find nothing inconsistent, and `outcome` must agree with the
    /// closed state.
    #[test]
    fn accepted_timelines_are_consistent_for_the_deadline_engine(
        start in 0u64..6 * 365,
        offers in prop::collection::vec((0..10usize, 0u64..12, prop::option::of(0..Outcome::ALL.len())), 0..30),
    ) {
        let cal = Calendar::official().unwrap();
        let mut date = day(start);
        let mut timeline = vec![TimelineEvent { event: Event::Received(date), outcome: None, note: String::new() }];
        for (kind, gap, outcome) in offers {
            let next_date = date.checked_add_days(Days::new(gap)).unwrap();
            let event = match kind {
                0 => Event::Received(next_date),
                1 => Event::CorrectionRequested(next_date),
                2 => Event::CorrectedReceived(next_date),
                3 => Event::CorrectionLapsed(next_date),
                4 => Event::ConsultationStarted(next_date),
                5 => Event::ConsultationEnded(next_date),
                6 => Event::FeeNoticeSent(next_date),
                7 => Event::FeePaid(next_date),
                8 => Event::ExtensionApproved(next_date),
                _ => Event::Decided(next_date),
            };
            let candidate = TimelineEvent { event, outcome: outcome.map(|o| Outcome::ALL[o]), note: String::new() };
            let appended = lifecycle::check_append(&timeline, &candidate);
            let mut longer = timeline.clone();
            longer.push(candidate.clone());
            prop_assert_eq!(&appended, &lifecycle::state(&longer));
            if appended.is_ok() {
                timeline = longer;
                date = next_date;
            }
        }
        let state = lifecycle::state(&timeline).unwrap();
        match state {
            State::Closed { decided, outcome } => {
                prop_assert_eq!(lifecycle::outcome(&timeline), Some((decided, outcome)));
            }
            _ => prop_assert_eq!(lifecycle::outcome(&timeline), None),
        }
        let as_of = Some(date);
        match lifecycle::deadline(&cal, &timeline, &DeadlineSettings::default(), as_of) {
            Ok(_) | Err(DeadlineError::OutOfRange) => {}
            Err(DeadlineError::AwaitingCorrection { .. }) => {
                prop_assert!(timeline.iter().any(|e| matches!(e.event, Event::CorrectionRequested(_))));
                prop_assert!(!timeline.iter().any(|e| matches!(e.event, Event::CorrectedReceived(_))));
            }
            Err(DeadlineError::Abandoned { .. }) => {
                let abandoned = matches!(state, State::Closed { outcome: Outcome::OpNoCorrection, .. });
                prop_assert!(abandoned, "{:?}", state);
            }
            Err(other) => {
                return Err(TestCaseError::fail(format!("{other} for {timeline:#?}")));
            }
        }
    }
}
