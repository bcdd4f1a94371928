//! Exact year-boundary cases of tables 三 and 四 (spec §4, §5), and consolidation.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::tables::{self, CaseFacts, CaseRef, RemedyFacts, cells, explain, subtree};
use gongkai_cases::{
    Agency, AgencyId, ApplicantRecord, Channel, NewRemedy, NewRequest, Outcome, Remedy, RemedyId,
    RemedyKind, RemedyResult, Request, RequestId, TimelineEvent, YearFigures,
};
use gongkai_report::rules::{Rule, check};
use gongkai_report::{Applicant, CellKey, Format, Section, T2Col, T2Row, T3Row, T4Col, Value};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn case(id: i64, kind: Applicant, received: &str, decided: Option<(&str, Outcome)>) -> CaseFacts {
    CaseFacts {
        id: RequestId(id),
        agency: AgencyId(1),
        kind,
        received: d(received),
        decided: decided.map(|(s, o)| (d(s), o)),
    }
}

fn remedy(
    id: i64,
    kind: RemedyKind,
    received: &str,
    closed: Option<(&str, RemedyResult)>,
) -> RemedyFacts {
    RemedyFacts {
        id: RemedyId(id),
        agency: AgencyId(1),
        reference: format!("复{id}"),
        kind,
        received: d(received),
        closed: closed.map(|(s, r)| (d(s), r)),
    }
}

fn t3(row: T3Row, col: Applicant) -> CellKey {
    CellKey::T3(row, col)
}

#[test]
fn a_request_open_over_new_year_is_carried_out_then_carried_in_and_decided() {
    let f = case(
        7,
        Applicant::OrgResearch,
        "2023-12-30",
        Some(("2024-01-05", Outcome::NdThirdParty)),
    );
    let in_2023: Vec<CellKey> = cells(&f, 2023, Format::F2021).collect();
    assert_eq!(
        in_2023,
        vec![
            t3(T3Row::NewReceived, Applicant::OrgResearch),
            t3(T3Row::NewReceived, Applicant::Total),
            t3(T3Row::CarriedOut, Applicant::OrgResearch),
            t3(T3Row::CarriedOut, Applicant::Total),
        ]
    );
    let in_2024: Vec<CellKey> = cells(&f, 2024, Format::F2021).collect();
    assert_eq!(
        in_2024,
        vec![
            t3(T3Row::CarriedIn, Applicant::OrgResearch),
            t3(T3Row::CarriedIn, Applicant::Total),
            t3(T3Row::NdThirdParty, Applicant::OrgResearch),
            t3(T3Row::NdThirdParty, Applicant::Total),
            t3(T3Row::RTotal, Applicant::OrgResearch),
            t3(T3Row::RTotal, Applicant::Total),
        ]
    );
    // Not in any other year.
    assert_eq!(cells(&f, 2022, Format::F2021).count(), 0);
    assert_eq!(cells(&f, 2025, Format::F2021).count(), 0);

    let t23 = tables::tables(&[f], &[], 2023, Format::F2021);
    let t24 = tables::tables(&[f], &[], 2024, Format::F2021);
    assert_eq!(t23[&t3(T3Row::CarriedOut, Applicant::Total)], 1);
    assert_eq!(t23[&t3(T3Row::RTotal, Applicant::Total)], 0);
    assert_eq!(t24[&t3(T3Row::CarriedIn, Applicant::OrgResearch)], 1);
    assert_eq!(t24[&t3(T3Row::NewReceived, Applicant::Total)], 0);
    assert_eq!(t24[&t3(T3Row::NdThirdParty, Applicant::OrgResearch)], 1);
    assert_eq!(t24[&t3(T3Row::CarriedOut, Applicant::Total)], 0);
    assert_eq!(
        explain(
            &[f],
            &[],
            2024,
            Format::F2021,
            t3(T3Row::CarriedIn, Applicant::Total)
        ),
        vec![CaseRef::Request(RequestId(7))]
    );
}

#[test]
fn decided_on_the_last_and_first_day_of_the_year() {
    let dec31 = case(
        1,
        Applicant::NaturalPerson,
        "2024-12-01",
        Some(("2024-12-31", Outcome::Disclosed)),
    );
    let jan1 = case(
        2,
        Applicant::NaturalPerson,
        "2024-12-01",
        Some(("2025-01-01", Outcome::Disclosed)),
    );
    let recv_jan1 = case(3, Applicant::NaturalPerson, "2025-01-01", None);
    let facts = [dec31, jan1, recv_jan1];
    let t24 = tables::tables(&facts, &[], 2024, Format::F2021);
    assert_eq!(t24[&t3(T3Row::NewReceived, Applicant::Total)], 2);
    assert_eq!(t24[&t3(T3Row::RDisclosed, Applicant::Total)], 1);
    assert_eq!(t24[&t3(T3Row::CarriedOut, Applicant::Total)], 1);
    let t25 = tables::tables(&facts, &[], 2025, Format::F2021);
    assert_eq!(t25[&t3(T3Row::CarriedIn, Applicant::Total)], 1);
    assert_eq!(t25[&t3(T3Row::NewReceived, Applicant::Total)], 1);
    assert_eq!(t25[&t3(T3Row::RTotal, Applicant::Total)], 1);
    assert_eq!(t25[&t3(T3Row::CarriedOut, Applicant::Total)], 1);
    assert_eq!(
        explain(
            &facts,
            &[],
            2025,
            Format::F2021,
            t3(T3Row::CarriedOut, Applicant::NaturalPerson)
        ),
        vec![CaseRef::Request(RequestId(3))]
    );
}

#[test]
fn other_endings_are_one_row_in_2019_and_three_in_2021() {
    let facts = [
        case(
            1,
            Applicant::OrgCommercial,
            "2020-03-01",
            Some(("2020-04-01", Outcome::OpNoCorrection)),
        ),
        case(
            2,
            Applicant::OrgCommercial,
            "2020-03-01",
            Some(("2020-04-01", Outcome::OpFeeUnpaid)),
        ),
        case(
            3,
            Applicant::OrgCommercial,
            "2020-03-01",
            Some(("2020-04-01", Outcome::OpOther)),
        ),
    ];
    let t19 = tables::tables(&facts, &[], 2020, Format::F2019);
    assert_eq!(t19[&t3(T3Row::ROther, Applicant::OrgCommercial)], 3);
    assert!(!t19.contains_key(&t3(T3Row::OpFeeUnpaid, Applicant::Total)));
    let t21 = tables::tables(&facts, &[], 2020, Format::F2021);
    assert!(!t21.contains_key(&t3(T3Row::ROther, Applicant::Total)));
    for row in [T3Row::OpNoCorrection, T3Row::OpFeeUnpaid, T3Row::OpOther] {
        assert_eq!(t21[&t3(row, Applicant::OrgCommercial)], 1);
    }
    // Every cell of the format present, zeros included, and nothing else.
    let expected: Vec<CellKey> = tables::table_cells(Format::F2021).collect();
    assert_eq!(t21.keys().copied().collect::<Vec<_>>(), expected);
    assert_eq!(t21.len(), 26 * 7 - 7 + 15);
}

#[test]
fn a_remedy_closed_after_new_year_is_pending_at_year_end() {
    let r = remedy(
        5,
        RemedyKind::LitigationDirect,
        "2024-06-01",
        Some(("2025-01-10", RemedyResult::Corrected)),
    );
    let t24 = tables::tables(&[], std::slice::from_ref(&r), 2024, Format::F2021);
    assert_eq!(t24[&CellKey::T4(T4Col::LitDirectPending)], 1);
    assert_eq!(t24[&CellKey::T4(T4Col::LitDirectCorrected)], 0);
    assert_eq!(t24[&CellKey::T4(T4Col::LitDirectTotal)], 1);
    let t25 = tables::tables(&[], std::slice::from_ref(&r), 2025, Format::F2021);
    assert_eq!(t25[&CellKey::T4(T4Col::LitDirectCorrected)], 1);
    assert_eq!(t25[&CellKey::T4(T4Col::LitDirectPending)], 0);
    assert_eq!(t25[&CellKey::T4(T4Col::LitDirectTotal)], 1);
    let t26 = tables::tables(&[], std::slice::from_ref(&r), 2026, Format::F2021);
    assert_eq!(t26[&CellKey::T4(T4Col::LitDirectTotal)], 0);
    let t23 = tables::tables(&[], std::slice::from_ref(&r), 2023, Format::F2021);
    assert_eq!(t23[&CellKey::T4(T4Col::LitDirectTotal)], 0);

    let closed_dec31 = remedy(
        6,
        RemedyKind::Reconsideration,
        "2024-06-01",
        Some(("2024-12-31", RemedyResult::Upheld)),
    );
    let after = remedy(
        7,
        RemedyKind::LitigationAfterReconsideration,
        "2024-02-01",
        None,
    );
    let all = [r, closed_dec31, after];
    let t = tables::tables(&[], &all, 2024, Format::F2019);
    assert_eq!(t[&CellKey::T4(T4Col::RevUpheld)], 1);
    assert_eq!(t[&CellKey::T4(T4Col::RevTotal)], 1);
    assert_eq!(t[&CellKey::T4(T4Col::LitAfterRevPending)], 1);
    assert_eq!(
        explain(
            &[],
            &all,
            2024,
            Format::F2019,
            CellKey::T4(T4Col::LitDirectPending)
        ),
        vec![CaseRef::Remedy(RemedyId(5))]
    );
}

fn ev(event: Event, outcome: Option<Outcome>) -> TimelineEvent {
    TimelineEvent {
        event,
        outcome,
        note: String::new(),
    }
}

#[test]
fn facts_from_records() {
    let req = Request {
        id: RequestId(9),
        data: NewRequest {
            agency: AgencyId(3),
            reference: "2024-009".into(),
            applicants: vec![
                ApplicantRecord {
                    name: "某律师事务所".into(),
                    kind: Applicant::OrgLegalService,
                },
                ApplicantRecord {
                    name: "张三".into(),
                    kind: Applicant::NaturalPerson,
                },
            ],
            channel: Channel::RegisteredPost,
            received: d("2024-02-01"),
            description: "某项目环评批复".into(),
            requested_form: "纸质".into(),
            contact: Default::default(),
        },
        events: vec![
            ev(Event::Received(d("2024-02-01")), None),
            ev(Event::CorrectionRequested(d("2024-02-02")), None),
            ev(Event::CorrectionLapsed(d("2024-03-01")), None),
        ],
        confirmation: Default::default(),
    };
    let f = CaseFacts::from(&req);
    assert_eq!(f.id, RequestId(9));
    assert_eq!(f.agency, AgencyId(3));
    assert_eq!(f.kind, Applicant::OrgLegalService, "first-named applicant");
    assert_eq!(f.decided, Some((d("2024-03-01"), Outcome::OpNoCorrection)));

    let rem = Remedy {
        id: RemedyId(4),
        data: NewRemedy {
            agency: AgencyId(3),
            reference: "复2024-1".into(),
            requests: vec!["2024-009".into()],
            kind: RemedyKind::Reconsideration,
            received: d("2024-04-01"),
            closed: Some((d("2024-06-01"), RemedyResult::Other)),
        },
    };
    let r = RemedyFacts::from(&rem);
    assert_eq!(
        (r.id, r.reference.as_str(), r.kind, r.closed),
        (
            RemedyId(4),
            "复2024-1",
            RemedyKind::Reconsideration,
            Some((d("2024-06-01"), RemedyResult::Other))
        )
    );
}

#[test]
fn generated_report_has_tables_figures_and_agreeing_prose() {
    let facts = [
        case(1, Applicant::NaturalPerson, "2023-11-01", None),
        case(
            2,
            Applicant::NaturalPerson,
            "2024-03-01",
            Some(("2024-03-20", Outcome::Disclosed)),
        ),
        case(3, Applicant::OrgOther, "2024-12-20", None),
    ];
    let rems = [remedy(1, RemedyKind::Reconsideration, "2024-05-01", None)];
    let figures = YearFigures {
        agency: AgencyId(1),
        year: 2024,
        cells: vec![
            (
                CellKey::T2(T2Row::Regulations, T2Col::Issued),
                Value::Int(2),
            ),
            // not in the 2021 format: left out
            (
                CellKey::T2(T2Row::Regulations, T2Col::MadeNew),
                Value::Int(9),
            ),
        ],
        reasons: vec![],
    };
    let report = tables::generate("某县交通运输局", 2024, &facts, &rems, Some(&figures));
    assert_eq!(report.format, Format::F2021);
    assert_eq!(
        report.int(CellKey::T2(T2Row::Regulations, T2Col::Issued)),
        Some(2)
    );
    assert_eq!(
        report.get(CellKey::T2(T2Row::Regulations, T2Col::MadeNew)),
        None
    );
    assert_eq!(
        report.get(CellKey::T2(T2Row::NormativeDocs, T2Col::Issued)),
        None
    );
    assert_eq!(
        report.int(t3(T3Row::NewReceived, Applicant::Total)),
        Some(2)
    );
    assert_eq!(report.int(t3(T3Row::CarriedIn, Applicant::Total)), Some(1));
    assert_eq!(report.int(t3(T3Row::CarriedOut, Applicant::Total)), Some(2));
    assert_eq!(report.int(CellKey::T4(T4Col::RevPending)), Some(1));
    let s3 = report.section(Section::S3Requests);
    assert!(s3.contains("新收政府信息公开申请2件"), "{s3}");
    assert!(s3.contains("结转下年度继续办理2件"), "{s3}");
    assert!(
        report
            .section(Section::S4ReviewLitigation)
            .contains("行政复议1件")
    );
    let findings = check(&report);
    assert!(
        findings.iter().all(|f| matches!(f.rule, Rule::R10)),
        "{findings:#?}"
    );
    // A changed figure is caught by R8 against the generated sentence: the sentence is read.
    let mut wrong = report.clone();
    wrong
        .set(
            t3(T3Row::NewReceived, Applicant::Total),
            Some(Value::Int(5)),
        )
        .unwrap();
    assert!(check(&wrong).iter().any(|f| f.rule == Rule::R8));
}

fn agency(id: i64, parent: Option<i64>) -> Agency {
    Agency::new(AgencyId(id), format!("机关{id}"), parent.map(AgencyId))
}

#[test]
fn subtree_lists_descendants_once_even_with_cycles() {
    let agencies = [
        agency(1, None),
        agency(2, Some(1)),
        agency(3, Some(1)),
        agency(4, Some(3)),
        agency(5, None),
        agency(6, Some(5)),
    ];
    assert_eq!(
        subtree(&agencies, AgencyId(1)),
        vec![AgencyId(1), AgencyId(2), AgencyId(3), AgencyId(4)]
    );
    assert_eq!(
        subtree(&agencies, AgencyId(3)),
        vec![AgencyId(3), AgencyId(4)]
    );
    assert_eq!(subtree(&agencies, AgencyId(99)), vec![AgencyId(99)]);
    // 1 → 2 → 3 → 1
    let cycle = [
        agency(1, Some(3)),
        agency(2, Some(1)),
        agency(3, Some(2)),
        agency(4, Some(4)),
    ];
    assert_eq!(
        subtree(&cycle, AgencyId(2)),
        vec![AgencyId(2), AgencyId(3), AgencyId(1)]
    );
    assert_eq!(subtree(&cycle, AgencyId(4)), vec![AgencyId(4)]);
}

/// 机构改革: an agency merged into another counts in the successor's reports from the year of
/// the merger on, and a report keeps the name its agency bore at the end of its year.
#[test]
fn mergers_move_records_to_the_successor_from_their_year_and_names_follow_the_year() {
    use gongkai_cases::tables::{owner_in, report_scope};
    use gongkai_cases::{FormerName, Merger};
    // 1 government; 2 and 3 its departments; 4 under 3; 3 merged into 2 on 2024-03-01;
    // 5 outside the government, merged into 2 as well.
    let mut tree = vec![
        agency(1, None),
        agency(2, Some(1)),
        agency(3, Some(1)),
        agency(4, Some(3)),
        agency(5, None),
    ];
    let on = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    tree[2].merged = Some(Merger {
        into: AgencyId(2),
        on,
    });
    tree[4].merged = Some(Merger {
        into: AgencyId(2),
        on,
    });
    let ids = |v: Vec<AgencyId>| v.into_iter().map(|a| a.0).collect::<Vec<_>>();
    assert_eq!(ids(report_scope(&tree, AgencyId(2), 2023, false)), [2]);
    assert_eq!(
        ids(report_scope(&tree, AgencyId(2), 2024, false)),
        [2, 3, 5]
    );
    assert_eq!(ids(report_scope(&tree, AgencyId(3), 2023, false)), [3]);
    assert!(report_scope(&tree, AgencyId(3), 2024, false).is_empty());
    // The government's consolidated report: its subtree, and from 2024 also 5 (merged into 2),
    // and 4 stays (its parent 3 was merged, 4 itself was not).
    assert_eq!(
        ids(report_scope(&tree, AgencyId(1), 2023, true)),
        [1, 2, 3, 4]
    );
    assert_eq!(
        ids(report_scope(&tree, AgencyId(1), 2024, true)),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(owner_in(&tree, AgencyId(3), 2023), AgencyId(3));
    assert_eq!(owner_in(&tree, AgencyId(3), 2024), AgencyId(2));
    // A cycle of mergers ends.
    tree[1].merged = Some(Merger {
        into: AgencyId(3),
        on,
    });
    let _ = owner_in(&tree, AgencyId(3), 2024);

    let mut renamed = agency(7, None);
    renamed.name = "某县自然资源局".into();
    renamed.former_names = vec![FormerName {
        name: "某县国土资源局".into(),
        until: NaiveDate::from_ymd_opt(2019, 3, 1).unwrap(),
    }];
    let end = |y| NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
    assert_eq!(renamed.name_on(end(2018)), "某县国土资源局");
    assert_eq!(renamed.name_on(end(2019)), "某县自然资源局");
    assert!(renamed.has_name("某县国土资源局"));
}
