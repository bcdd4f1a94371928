//! Reminders end to end on SQLite: each officer's digest lists the requests of the agencies
//! they handle (with the subtree) that are overdue or due soon, with the due dates the request
//! itself shows; the calendar feed at its secret address holds every open request's deadline
//! with an alarm and the annual report due dates, parsed back by an iCalendar parser of its
//! own; digests are sent to a local SMTP sink, or written to an outbox.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use chrono::NaiveDate;
use common::{body_text, smtp_sink};
use gongkai_calendar::Event;
use gongkai_cases::Channel;
use gongkai_report::Applicant;
use gongkai_services::reminders::{
    ALARM_DAYS_BEFORE, Delivered, Delivery, Digest, SmtpSettings, calendar_feed, deliver,
};
use gongkai_services::requests::RegisterRequest;
use gongkai_services::{Actor, Ctx, Role, Scope, Settings};
use gongkai_store::Accounts;
use gongkai_store_sqlite::SqliteStore;

const GOV: &str = "提醒县人民政府";
const EDU: &str = "提醒县教育局";
const ROADS: &str = "提醒县交通局";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 12, 3)
}

fn register(agency: &str, reference: &str, received: NaiveDate) -> RegisterRequest {
    RegisterRequest {
        agency: agency.into(),
        reference: reference.into(),
        applicant: "张三".into(),
        kind: Applicant::NaturalPerson,
        channel: Channel::InPerson,
        received,
        description: "某文件".into(),
        form: "纸质".into(),
        contact: gongkai_cases::Contact::default(),
    }
}

/// A government with two departments; an officer of 教育局 (with an address), an approver of
/// the government (without), a supervisor; requests of 教育局 overdue, due soon, not yet due,
/// extended and closed, and one of 交通局 overdue.
async fn fixture() -> (SqliteStore, Settings) {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap();
    let settings = Settings::new(today());
    let scope = Scope::operator(Actor::new("测试员").unwrap());
    let ctx = Ctx::new(&store, &scope, &settings);
    ctx.add_agency(GOV, None).await.unwrap();
    ctx.add_agency(EDU, Some(GOV)).await.unwrap();
    ctx.add_agency(ROADS, Some(GOV)).await.unwrap();
    for (reference, agency, received) in [
        ("EDU-LATE", EDU, d(2026, 10, 9)),
        ("EDU-SOON", EDU, d(2026, 11, 6)),
        ("EDU-LATER", EDU, d(2026, 12, 1)),
        ("EDU-EXT", EDU, d(2026, 10, 26)),
        ("EDU-DONE", EDU, d(2026, 10, 9)),
        ("ROADS-LATE", ROADS, d(2026, 10, 12)),
    ] {
        ctx.register_request(register(agency, reference, received))
            .await
            .unwrap();
    }
    ctx.record_event(
        EDU,
        "EDU-EXT",
        Event::ExtensionApproved(d(2026, 11, 16)),
        None,
        "",
    )
    .await
    .unwrap();
    let outcome = gongkai_cases::Outcome::Disclosed;
    ctx.record_event(
        EDU,
        "EDU-DONE",
        Event::Decided(d(2026, 11, 2)),
        Some(outcome),
        "",
    )
    .await
    .unwrap();
    let password = "correct-horse-battery";
    ctx.add_user("教育局办理人", password, EDU, Role::Officer)
        .await
        .unwrap();
    ctx.set_user_email("教育局办理人", "edu@example.gov.cn")
        .await
        .unwrap();
    ctx.add_user("县政府负责人", password, GOV, Role::Approver)
        .await
        .unwrap();
    ctx.add_user("政务公开办", password, GOV, Role::Supervisor)
        .await
        .unwrap();
    (store, settings)
}

fn operator() -> Scope {
    Scope::operator(Actor::new("测试员").unwrap())
}

/// The due date and working days left the request itself shows (the one computation).
async fn shown(
    store: &SqliteStore,
    settings: &Settings,
    agency: &str,
    r: &str,
) -> (NaiveDate, i64) {
    let scope = operator();
    let view = Ctx::new(store, &scope, settings)
        .show_request(agency, r, None)
        .await
        .unwrap();
    let deadline = view.deadline.unwrap();
    (deadline.due, deadline.days_left.unwrap())
}

fn references(list: &[gongkai_services::requests::WorkItem]) -> Vec<&str> {
    list.iter().map(|i| i.reference.as_str()).collect()
}

async fn digests(store: &SqliteStore, settings: &Settings) -> Vec<Digest> {
    let scope = operator();
    Ctx::new(store, &scope, settings)
        .digests(None)
        .await
        .unwrap()
}

#[tokio::test]
async fn each_officer_gets_the_overdue_and_due_soon_requests_they_handle() {
    let (store, settings) = fixture().await;
    let soon = i64::from(settings.deadline.due_soon_days);
    // The fixture's dates put each request where its name says, by the request's own deadline.
    let (late_due, late_left) = shown(&store, &settings, EDU, "EDU-LATE").await;
    let (soon_due, soon_left) = shown(&store, &settings, EDU, "EDU-SOON").await;
    let (_, later_left) = shown(&store, &settings, EDU, "EDU-LATER").await;
    assert!(late_left < 0 && (0..=soon).contains(&soon_left) && later_left > soon);

    let all = digests(&store, &settings).await;
    // The supervisor handles nothing: no digest.
    let names: Vec<&str> = all.iter().map(|d| d.user.as_str()).collect();
    assert_eq!(names, ["县政府负责人", "教育局办理人"]);
    let officer = &all[1];
    assert_eq!(officer.email.as_deref(), Some("edu@example.gov.cn"));
    assert_eq!(references(&officer.overdue), ["EDU-LATE"]);
    assert_eq!(references(&officer.due_soon), ["EDU-SOON"]);
    assert_eq!(officer.overdue[0].due, Some(late_due));
    assert_eq!(officer.due_soon[0].due, Some(soon_due));
    let text = officer.text();
    assert!(
        text.contains(&format!(
            "EDU-LATE：答复期限 {late_due}（第三十三条第一款），已逾期 {} 个工作日",
            -late_left
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "EDU-SOON：答复期限 {soon_due}（第三十三条第一款），剩 {soon_left} 个工作日"
        )),
        "{text}"
    );
    assert!(
        !text.contains("ROADS-LATE") && !text.contains("EDU-LATER"),
        "{text}"
    );
    // The approver of the government handles the subtree: both departments' late requests,
    // the most overdue first.
    let approver = &all[0];
    let mut expected = vec![
        ("EDU-LATE", late_left),
        (
            "ROADS-LATE",
            shown(&store, &settings, ROADS, "ROADS-LATE").await.1,
        ),
    ];
    expected.sort_by_key(|(_, left)| *left);
    let got: Vec<(&str, i64)> = approver
        .overdue
        .iter()
        .map(|i| (i.reference.as_str(), i.days_left.unwrap()))
        .collect();
    assert_eq!(got, expected);
    // Counted to another day: nothing is late a month earlier.
    let scope = operator();
    let earlier = Ctx::new(&store, &scope, &settings)
        .digests(Some(d(2026, 10, 30)))
        .await
        .unwrap();
    assert!(earlier[1].overdue.is_empty(), "{:?}", earlier[1].overdue);
}

/// A property's value in a parsed component.
fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

/// A relative `TRIGGER` in seconds: the two forms of RFC 5545 a writer may choose for whole
/// days, `-P3D` and `-PT259200S`.
fn trigger_seconds(value: &str) -> i64 {
    let (sign, rest) = match value.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, value),
    };
    let seconds = if let Some(days) = rest.strip_prefix('P').and_then(|r| r.strip_suffix('D')) {
        days.parse::<i64>().unwrap() * 86_400
    } else if let Some(s) = rest.strip_prefix("PT").and_then(|r| r.strip_suffix('S')) {
        s.parse::<i64>().unwrap()
    } else {
        panic!("unexpected trigger {value}")
    };
    sign * seconds
}

fn parse(text: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("one calendar").unwrap();
    assert!(parser.next().is_none());
    cal
}

#[tokio::test]
async fn the_calendar_feed_holds_every_deadline_with_an_alarm_and_the_report_due_dates() {
    let (store, settings) = fixture().await;
    let officer = store.user_by_name("教育局办理人").await.unwrap().unwrap();
    let scope = Scope::roles(Actor::new(&officer.name).unwrap(), officer.roles.clone());
    let ctx = Ctx::new(&store, &scope, &settings);
    assert_eq!(ctx.feed_created().await.unwrap(), None);
    let token = ctx.create_feed().await.unwrap();
    assert!(ctx.feed_created().await.unwrap().is_some());

    let text = calendar_feed(&store, &settings, &token)
        .await
        .unwrap()
        .unwrap();
    let cal = parse(&text);
    let mut requests = Vec::new();
    let mut reports = Vec::new();
    for event in &cal.events {
        let uid = prop(&event.properties, "UID").unwrap();
        let start = event
            .properties
            .iter()
            .find(|p| p.name == "DTSTART")
            .unwrap();
        // All-day: a date, not a time.
        let is_date = start.params.as_ref().is_some_and(|ps| {
            ps.iter()
                .any(|(k, v)| k == "VALUE" && v.iter().any(|v| v == "DATE"))
        });
        assert!(is_date, "{start:?}");
        let date = NaiveDate::parse_from_str(start.value.as_deref().unwrap(), "%Y%m%d").unwrap();
        assert_eq!(event.alarms.len(), 1, "{uid}");
        let alarm = &event.alarms[0].properties;
        assert_eq!(prop(alarm, "ACTION"), Some("DISPLAY"));
        let before = ALARM_DAYS_BEFORE * 86_400;
        assert_eq!(trigger_seconds(prop(alarm, "TRIGGER").unwrap()), -before);
        let description = prop(&event.properties, "DESCRIPTION").unwrap().to_owned();
        if uid.starts_with("request-") {
            requests.push((
                prop(&event.properties, "SUMMARY").unwrap().to_owned(),
                date,
                description,
            ));
        } else {
            reports.push((date, description));
        }
    }
    // Every open request of 教育局 with a running deadline, none closed, none of 交通局.
    let mut open: Vec<&str> = Vec::new();
    for (summary, date, description) in &requests {
        let reference = summary.rsplit(' ').next().unwrap();
        open.push(reference);
        assert_eq!(
            *date,
            shown(&store, &settings, EDU, reference).await.0,
            "{summary}"
        );
        let article = if reference == "EDU-EXT" {
            "第三十三条第二款"
        } else {
            "第三十三条第一款"
        };
        assert!(description.contains(article), "{description}");
    }
    open.sort_unstable();
    assert_eq!(open, ["EDU-EXT", "EDU-LATE", "EDU-LATER", "EDU-SOON"]);
    // The officer sees only 教育局, a department: its report of last year and of this year,
    // each due 31 January (第四十九条).
    reports.sort();
    let dates: Vec<NaiveDate> = reports.iter().map(|(date, _)| *date).collect();
    assert_eq!(dates, [d(2026, 1, 31), d(2027, 1, 31)]);
    assert!(
        reports
            .iter()
            .all(|(_, text)| text.contains(EDU) && text.contains("第四十九条"))
    );

    // The approver of the government also sees the government's own report, due 31 March.
    let approver = store.user_by_name("县政府负责人").await.unwrap().unwrap();
    let scope = Scope::roles(Actor::new(&approver.name).unwrap(), approver.roles.clone());
    let token2 = Ctx::new(&store, &scope, &settings)
        .create_feed()
        .await
        .unwrap();
    let cal = parse(
        &calendar_feed(&store, &settings, &token2)
            .await
            .unwrap()
            .unwrap(),
    );
    let march = cal
        .events
        .iter()
        .find(|e| prop(&e.properties, "DTSTART") == Some("20270331"))
        .expect("the government's report");
    assert!(
        prop(&march.properties, "DESCRIPTION")
            .unwrap()
            .contains(GOV)
    );

    // Rotated: the old address is gone, the new one works; revoked: gone too.
    let rotated = ctx.create_feed().await.unwrap();
    assert!(
        calendar_feed(&store, &settings, &token)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        calendar_feed(&store, &settings, &rotated)
            .await
            .unwrap()
            .is_some()
    );
    ctx.revoke_feed().await.unwrap();
    assert!(
        calendar_feed(&store, &settings, &rotated)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        calendar_feed(&store, &settings, "not-a-token")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn digests_go_to_an_smtp_server_naming_each_request_and_its_due_date() {
    let (store, settings) = fixture().await;
    let all = digests(&store, &settings).await;
    let (soon_due, _) = shown(&store, &settings, EDU, "EDU-SOON").await;
    let (late_due, _) = shown(&store, &settings, EDU, "EDU-LATE").await;
    let sink = smtp_sink().await;
    let port = sink.port;
    let delivery = Delivery::Smtp(SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        starttls: false,
        credentials: None,
    });
    let done = deliver(&all, &delivery, "政务公开办 <gk@example.gov.cn>")
        .await
        .unwrap();
    // The approver has no address; the officer's digest is sent.
    assert_eq!(
        done,
        [
            Delivered::NoAddress,
            Delivered::Sent("edu@example.gov.cn".into())
        ]
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert!(message.contains("To: edu@example.gov.cn"), "{message}");
    let text = body_text(message);
    assert!(
        text.contains(&format!("EDU-SOON：答复期限 {soon_due}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("EDU-LATE：答复期限 {late_due}")),
        "{text}"
    );
}

#[tokio::test]
async fn without_a_server_each_digest_is_an_eml_file_in_the_outbox() {
    let (store, settings) = fixture().await;
    let scope = operator();
    let ctx = Ctx::new(&store, &scope, &settings);
    ctx.set_user_email("县政府负责人", "gov@example.gov.cn")
        .await
        .unwrap();
    let all = digests(&store, &settings).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let done = deliver(&all, &Delivery::Outbox(outbox.clone()), "gk@example.gov.cn")
        .await
        .unwrap();
    let files: Vec<std::path::PathBuf> = done
        .iter()
        .map(|d| match d {
            Delivered::Written(path) => path.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        files,
        [
            outbox.join("2026-12-03-县政府负责人.eml"),
            outbox.join("2026-12-03-教育局办理人.eml")
        ]
    );
    let gov = std::fs::read_to_string(&files[0]).unwrap();
    assert!(gov.contains("To: gov@example.gov.cn"), "{gov}");
    let text = body_text(&gov);
    assert!(
        text.contains("ROADS-LATE") && text.contains("EDU-LATE"),
        "{text}"
    );

    // A day on which nothing is due: nothing is written.
    let quiet = ctx.digests(Some(d(2026, 10, 12))).await.unwrap();
    let done = deliver(&quiet, &Delivery::Outbox(outbox), "gk@example.gov.cn")
        .await
        .unwrap();
    assert_eq!(done, [Delivered::Empty, Delivered::Empty]);
}
