//! Deadlines hand-computed from data/holidays-cn.toml (the working is in the comments).
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongkai_calendar::{
    Calendar, DeadlineError, DeadlineInput, DeadlineSettings, Event, Status, StepKind, compute,
    compute_events,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cal() -> Calendar {
    Calendar::official().unwrap()
}

fn texts(dl: &gongkai_calendar::Deadline) -> Vec<&str> {
    dl.steps.iter().map(|s| s.text.as_str()).collect()
}

/// Received Fri 2024-09-27. 09-28 Sat off; 09-29 Sun 调休 = day 1; 09-30 = 2; 10-01..07 国庆;
/// 10-08..11 = 3..6; 10-12 Sat 调休 = 7; 10-14..18 = 8..12; 10-21..25 = 13..17;
/// 10-28, 29, 30 = 18, 19, 20.
#[test]
fn national_day_2024_with_makeup_weekends() {
    let dl = compute(&cal(), &DeadlineInput::new(d("2024-09-27"))).unwrap();
    assert_eq!(dl.due, d("2024-10-30"));
    assert_eq!(dl.limit_days, 20);
    assert!(!dl.provisional);
    assert_eq!(dl.status, None);
    let t = texts(&dl);
    assert!(
        t.contains(&"2024-09-29（星期日）调休上班，计入。"),
        "{t:#?}"
    );
    assert!(
        t.contains(&"2024-10-01 至 2024-10-07 国庆节放假，不计入。"),
        "{t:#?}"
    );
    assert!(
        t.contains(&"2024-10-12（星期六）调休上班，计入。"),
        "{t:#?}"
    );
    assert!(
        t.last()
            .unwrap()
            .starts_with("答复期限：2024-10-30（星期三）")
    );
    // Steps are in order: receipt, convention, crossings, due.
    let kinds: Vec<StepKind> = dl.steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            StepKind::Receipt,
            StepKind::Convention,
            StepKind::MakeupWorkday,
            StepKind::Holiday,
            StepKind::MakeupWorkday,
            StepKind::Due
        ]
    );
}

/// Extension: 10-31 = 21, 11-01 = 22, 11-04..08 = 23..27, 11-11..15 = 28..32,
/// 11-18..22 = 33..37, 11-25, 26, 27 = 38, 39, 40 (no holidays in November 2024).
#[test]
fn extension_adds_twenty_working_days() {
    let mut input = DeadlineInput::new(d("2024-09-27"));
    input.extended = true;
    let dl = compute(&cal(), &input).unwrap();
    assert_eq!(dl.base_due, d("2024-10-30"));
    assert_eq!(dl.due, d("2024-11-27"));
    assert_eq!(dl.limit_days, 40);
    assert!(dl.extended);
    assert!(
        texts(&dl)
            .iter()
            .any(|t| t.contains("第三十三条第二款") && t.contains("由 2024-10-30 延至 2024-11-27"))
    );
}

/// Received Mon 2025-01-20. 01-21..24 = 1..4; 01-26 Sun 调休 = 5; 01-27 = 6; 01-28..02-04 春节;
/// 02-05..07 = 7..9; 02-08 Sat 调休 = 10; 02-10..14 = 11..15; 02-17..21 = 16..20.
#[test]
fn spring_festival_2025() {
    let dl = compute(&cal(), &DeadlineInput::new(d("2025-01-20"))).unwrap();
    assert_eq!(dl.due, d("2025-02-21"));
    let t = texts(&dl);
    assert!(
        t.contains(&"2025-01-28 至 2025-02-04 春节放假，不计入。"),
        "{t:#?}"
    );
    assert!(
        t.contains(&"2025-01-26（星期日）调休上班，计入。"),
        "{t:#?}"
    );
    assert!(
        t.contains(&"2025-02-08（星期六）调休上班，计入。"),
        "{t:#?}"
    );
}

/// Received Wed 2023-09-27. 09-28 = 1; 09-29..10-06 中秋节、国庆节; 10-07 Sat, 10-08 Sun 调休 =
/// 2, 3; 10-09..13 = 4..8; 10-16..20 = 9..13; 10-23..27 = 14..18; 10-30, 31 = 19, 20.
#[test]
fn mid_autumn_and_national_day_2023() {
    let dl = compute(&cal(), &DeadlineInput::new(d("2023-09-27"))).unwrap();
    assert_eq!(dl.due, d("2023-10-31"));
    assert!(texts(&dl).contains(&"2023-09-29 至 2023-10-06 中秋节、国庆节放假，不计入。"));
}

/// Correction restart (第三十条). Received Tue 2024-01-30; corrected request Mon 2024-02-05.
/// From 02-05: 02-06..09 = 1..4; 02-10..17 春节; 02-18 Sun 调休 = 5; 02-19..23 = 6..10;
/// 02-26..03-01 = 11..15; 03-04..08 = 16..20 → 2024-03-08.
/// Without the correction: 01-31, 02-01, 02-02 = 1..3; 02-04 Sun 调休 = 4; 02-05..09 = 5..9;
/// 02-18 = 10; 02-19..23 = 11..15; 02-26..03-01 = 16..20 → 2024-03-01.
#[test]
fn correction_restarts_the_clock() {
    let plain = compute(&cal(), &DeadlineInput::new(d("2024-01-30"))).unwrap();
    assert_eq!(plain.due, d("2024-03-01"));
    let mut input = DeadlineInput::new(d("2024-01-30"));
    input.corrected = Some(d("2024-02-05"));
    let dl = compute(&cal(), &input).unwrap();
    assert_eq!(dl.trigger, d("2024-02-05"));
    assert_eq!(dl.due, d("2024-03-08"));
    assert!(
        texts(&dl)
            .iter()
            .any(|t| t.contains("收到补正后的申请") && t.contains("第三十条"))
    );
    // The 02-04 make-up day is before the new trigger and is not mentioned.
    assert!(!texts(&dl).iter().any(|t| t.contains("2024-02-04")));
}

/// Consultation pause 2024-10-08..10-14 on the 2024-09-27 request: working days inside are
/// 10-08, 09, 10, 11, 12 (Sat 调休), 14 = 6, so day 20 moves from 10-30 six working days on:
/// 10-31, 11-01, 11-04, 05, 06, 07 → 2024-11-07.
#[test]
fn consultation_pause() {
    let mut input = DeadlineInput::new(d("2024-09-27"));
    input.pauses.push((d("2024-10-08"), d("2024-10-14")));
    let dl = compute(&cal(), &input).unwrap();
    assert_eq!(dl.due, d("2024-11-07"));
    assert_eq!(dl.paused_days, 6);
    let t = texts(&dl);
    assert!(
        t.contains(&"2024-10-08 至 2024-10-14 暂停计算：其间 6 个工作日不计入期限。"),
        "{t:#?}"
    );
    assert!(
        t.contains(&"2024-10-12（星期六）调休上班，但在暂停期间，不计入。"),
        "{t:#?}"
    );

    // The same through events, with a decision on time and an extension inside the period.
    let events = [
        Event::Received(d("2024-09-27")),
        Event::ConsultationStarted(d("2024-10-08")),
        Event::ConsultationEnded(d("2024-10-14")),
        Event::Decided(d("2024-11-07")),
    ];
    let dl = compute_events(&cal(), &events, &DeadlineSettings::default(), None).unwrap();
    assert_eq!(dl.due, d("2024-11-07"));
    assert_eq!(dl.status, Some(Status::Decided { on_time: true }));
    assert_eq!(dl.days_used, Some(20));
    assert!(
        texts(&dl)
            .iter()
            .any(|t| t.contains("第三十二条、第三十四条"))
    );
}

/// Full case: received Tue 2024-01-30, correction asked 02-01, corrected 02-05 (due 03-08, see
/// above), consultation 02-19..02-23 (5 working days) → day 20 moves from 03-08 to
/// 03-11..15 → 03-15; extension approved 03-12 → +20: 03-18..22 = 21..25, 03-25..29 = 26..30,
/// 04-01..03 = 31..33, 04-04..06 清明, 04-07 Sun 调休 = 34, 04-08..12 = 35..39, 04-15 = 40.
#[test]
fn full_case_with_correction_consultation_and_extension() {
    let events = [
        Event::Decided(d("2024-04-16")),
        Event::Received(d("2024-01-30")),
        Event::CorrectionRequested(d("2024-02-01")),
        Event::CorrectedReceived(d("2024-02-05")),
        Event::ConsultationStarted(d("2024-02-19")),
        Event::ConsultationEnded(d("2024-02-23")),
        Event::ExtensionApproved(d("2024-03-12")),
    ];
    let dl = compute_events(&cal(), &events, &DeadlineSettings::default(), None).unwrap();
    assert_eq!(dl.trigger, d("2024-02-05"));
    assert_eq!(dl.base_due, d("2024-03-15"));
    assert_eq!(dl.due, d("2024-04-15"));
    assert_eq!(dl.paused_days, 5);
    assert_eq!(dl.status, Some(Status::Decided { on_time: false }));
    assert_eq!(dl.days_used, Some(41));
    assert_eq!(dl.days_left, Some(-1));
    let t = texts(&dl);
    assert!(
        t.iter()
            .any(|t| t.contains("2024-04-04 至 2024-04-06 清明节放假")),
        "{t:#?}"
    );
    assert!(
        t.iter()
            .any(|t| t.contains("2024-04-07（星期日）调休上班，计入")),
        "{t:#?}"
    );
    // The explanation is a timeline: Spring Festival (02-10) before the consultation (02-19),
    // the extension (03-12) before Qingming (04-04).
    let pos = |needle: &str| t.iter().position(|t| t.contains(needle)).unwrap();
    assert!(pos("春节放假") < pos("征求第三方"));
    assert!(pos("征求第三方") < pos("延长答复期限"));
    assert!(pos("延长答复期限") < pos("清明节放假"));
    assert!(pos("清明节放假") < pos("答复期限：2024-04-15"));
    assert!(
        t.iter()
            .any(|t| t.contains("发出补正通知") && t.contains("第 2 个工作日")),
        "{t:#?}"
    );
}

#[test]
fn late_extension_is_not_applied() {
    let events = [
        Event::Received(d("2024-09-27")),
        Event::ExtensionApproved(d("2024-10-31")),
    ];
    let dl = compute_events(&cal(), &events, &DeadlineSettings::default(), None).unwrap();
    assert_eq!(dl.due, d("2024-10-30"));
    assert!(!dl.extended);
    assert!(texts(&dl).iter().any(|t| t.contains("不予计入")));
}

/// Fee notice 2024-10-08, paid 2024-10-14: paused by default (6 working days, as above), not
/// paused with `fee_pause = false`.
#[test]
fn fee_pause_is_a_setting() {
    let events = [
        Event::Received(d("2024-09-27")),
        Event::FeeNoticeSent(d("2024-10-08")),
        Event::FeePaid(d("2024-10-14")),
    ];
    let on = compute_events(&cal(), &events, &DeadlineSettings::default(), None).unwrap();
    assert_eq!(on.due, d("2024-11-07"));
    let off_settings = DeadlineSettings {
        fee_pause: false,
        ..DeadlineSettings::default()
    };
    let off = compute_events(&cal(), &events, &off_settings, None).unwrap();
    assert_eq!(off.due, d("2024-10-30"));
    assert!(texts(&off).iter().any(|t| t.contains("fee_pause = false")));
}

/// Status as of a date: due 2024-10-30. As of 10-23 (Wed): used = 15 (day 15 is 10-23) → 5
/// left → DueSoon. As of 10-22: 14 used, 6 left → OnTime. As of 10-31 → Overdue.
#[test]
fn status_as_of() {
    let mut input = DeadlineInput::new(d("2024-09-27"));
    input.as_of = Some(d("2024-10-22"));
    let dl = compute(&cal(), &input).unwrap();
    assert_eq!(
        (dl.days_used, dl.days_left, dl.status),
        (Some(14), Some(6), Some(Status::OnTime))
    );
    input.as_of = Some(d("2024-10-23"));
    let dl = compute(&cal(), &input).unwrap();
    assert_eq!(
        (dl.days_used, dl.days_left, dl.status),
        (Some(15), Some(5), Some(Status::DueSoon))
    );
    input.as_of = Some(d("2024-10-30"));
    assert_eq!(
        compute(&cal(), &input).unwrap().status,
        Some(Status::DueSoon)
    );
    input.as_of = Some(d("2024-10-31"));
    let dl = compute(&cal(), &input).unwrap();
    assert_eq!((dl.days_left, dl.status), (Some(-1), Some(Status::Overdue)));
}

/// Open consultation: paused up to as_of.
#[test]
fn open_consultation_runs_to_as_of() {
    let events = [
        Event::Received(d("2024-09-27")),
        Event::ConsultationStarted(d("2024-10-08")),
    ];
    let err = compute_events(&cal(), &events, &DeadlineSettings::default(), None).unwrap_err();
    assert!(matches!(err, DeadlineError::OpenPause { .. }));
    let dl = compute_events(
        &cal(),
        &events,
        &DeadlineSettings::default(),
        Some(d("2024-10-14")),
    )
    .unwrap();
    assert_eq!(dl.due, d("2024-11-07"));
    assert!(texts(&dl).iter().any(|t| t.contains("尚未结束")));
}

/// Received Tue 2026-12-15: 12-16..18 = 1..3, 12-21..25 = 4..8, 12-28..31 = 9..12, then 2027
/// (unknown): 01-01 Fri = 13, 01-04..08 = 14..18, 01-11, 12 = 19, 20 → provisional 2027-01-12.
/// With a merged [2027] that declares 01-01 off: 01-13.
#[test]
fn provisional_past_last_known_year() {
    let mut c = cal();
    let input = DeadlineInput::new(d("2026-12-15"));
    let dl = compute(&c, &input).unwrap();
    assert_eq!(dl.due, d("2027-01-12"));
    assert!(dl.provisional);
    assert!(
        dl.steps
            .iter()
            .any(|s| s.kind == StepKind::Provisional && s.text.contains("2027 年"))
    );
    c.merge_toml("[2027]\noff = [\"2027-01-01\"]").unwrap();
    let dl = compute(&c, &input).unwrap();
    assert_eq!(dl.due, d("2027-01-13"));
    assert!(!dl.provisional);
}

#[test]
fn overlapping_pauses_are_merged() {
    let mut input = DeadlineInput::new(d("2024-09-27"));
    input.pauses = vec![
        (d("2024-10-08"), d("2024-10-11")),
        (d("2024-10-10"), d("2024-10-14")),
    ];
    let dl = compute(&cal(), &input).unwrap();
    assert_eq!(dl.due, d("2024-11-07"));
    assert_eq!(dl.paused_days, 6);
    assert!(
        dl.steps
            .iter()
            .any(|s| s.kind == StepKind::Note && s.text.contains("合并"))
    );
}

#[test]
fn nonsense_is_rejected() {
    let mut input = DeadlineInput::new(d("2024-09-27"));
    input.pauses.push((d("2024-10-14"), d("2024-10-08")));
    assert_eq!(
        compute(&cal(), &input).unwrap_err().to_string(),
        "暂停区间 2024-10-14..2024-10-08 的结束日早于开始日"
    );
    let mut input = DeadlineInput::new(d("2024-09-27"));
    input.corrected = Some(d("2024-09-26"));
    assert!(matches!(
        compute(&cal(), &input).unwrap_err(),
        DeadlineError::CorrectedBeforeReceived { .. }
    ));
    let s = DeadlineSettings::default();
    let c = cal();
    let run = |events: &[Event]| compute_events(&c, events, &s, None).unwrap_err();
    assert_eq!(
        run(&[Event::Decided(d("2024-10-01"))]),
        DeadlineError::MissingReceipt
    );
    assert!(matches!(
        run(&[
            Event::Received(d("2024-09-27")),
            Event::ExtensionApproved(d("2024-10-08")),
            Event::ExtensionApproved(d("2024-10-09")),
        ]),
        DeadlineError::Duplicate {
            what: "批准延期",
            ..
        }
    ));
    assert!(matches!(
        run(&[
            Event::Received(d("2024-09-27")),
            Event::ConsultationEnded(d("2024-10-08"))
        ]),
        DeadlineError::UnmatchedEnd { .. }
    ));
    assert!(matches!(
        run(&[
            Event::Received(d("2024-09-27")),
            Event::Decided(d("2024-09-20"))
        ]),
        DeadlineError::BeforeReceipt { .. }
    ));
    assert!(matches!(
        run(&[
            Event::Received(d("2024-09-27")),
            Event::CorrectedReceived(d("2024-10-08"))
        ]),
        DeadlineError::NoCorrectionRequested { .. }
    ));
    assert_eq!(
        run(&[
            Event::Received(d("2024-09-27")),
            Event::CorrectionRequested(d("2024-09-30"))
        ]),
        DeadlineError::AwaitingCorrection {
            requested: d("2024-09-30")
        }
    );
    assert_eq!(
        run(&[
            Event::Received(d("2024-09-27")),
            Event::CorrectionRequested(d("2024-09-30")),
            Event::CorrectionLapsed(d("2024-10-20")),
        ]),
        DeadlineError::Abandoned {
            lapsed: d("2024-10-20")
        }
    );
}

#[test]
fn json_shape() {
    let mut input = DeadlineInput::new(d("2024-09-27"));
    input.as_of = Some(d("2024-10-08"));
    let dl = compute(&cal(), &input).unwrap();
    let v: serde_json::Value = serde_json::from_str(&dl.to_json().unwrap()).unwrap();
    assert_eq!(v["due"], "2024-10-30");
    assert_eq!(v["limit_days"], 20);
    assert_eq!(v["status"]["kind"], "on_time");
    let steps = v["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .all(|s| s["text"].is_string() && s["kind"].is_string())
    );
    assert_eq!(steps[0]["kind"], "receipt");
    // Events round-trip as {"event": ..., "date": ...}.
    let e: Event =
        serde_json::from_str(r#"{"event":"consultation_started","date":"2024-10-08"}"#).unwrap();
    assert_eq!(e, Event::ConsultationStarted(d("2024-10-08")));
}
