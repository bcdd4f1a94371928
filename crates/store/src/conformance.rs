//! The one behaviour suite every backend runs (like atuin's database "story" tests).
//!
//! Each function takes a fresh store and panics on the first difference from the contract of
//! the traits. A backend runs them all with [`conformance_tests!`](crate::conformance_tests),
//! one `#[tokio::test]` per function, given a harness that makes an empty store:
//!
//! ```ignore
//! async fn harness<F, Fut>(test: F)
//! where
//!     F: FnOnce(MyStore) -> Fut,
//!     Fut: std::future::Future<Output = ()>,
//! { test(MyStore::open_empty().await).await }
//!
//! gongkai_store::conformance_tests!(harness);
//! ```
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use crate::accounts::UserId;
use crate::{Draft, ImportCounts, ImportPolicy, ImportSummary, Store, StoreError};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use gongkai_access::{Actor, Capability, Role, Scope};
use gongkai_calendar::Event;
use gongkai_cases::{
    AgencyId, ApplicantRecord, Channel, NewRemedy, NewRequest, Outcome, RemedyKind, RemedyResult,
    TimelineEvent, YearFigures,
};
use gongkai_report::{Applicant, CellKey, T2Col, T2Row, Value};

/// Every test of the suite, by name: the list [`conformance_tests!`](crate::conformance_tests)
/// expands.
#[macro_export]
macro_rules! conformance_tests {
    ($harness:path) => {
        $crate::conformance_tests!(@each $harness;
            agencies_hierarchy,
            agencies_unique_names,
            request_round_trip,
            requests_by_ids_in_bulk,
            request_uniqueness_and_references,
            concurrent_new_requests_answered_each,
            refused_transition_writes_nothing,
            correction_lapsed_closes,
            invalid_new_request_writes_nothing,
            remedy_round_trip,
            import_creates_everything,
            import_is_all_or_nothing,
            import_is_idempotent_and_adds_decisions,
            import_reports_and_applies_differences,
            import_refuses_invalid_decision,
            case_facts_year_boundary,
            remedy_facts_year_boundary,
            figures_replace,
            calendar_overrides_in_order,
            audit_chain_records_every_write,
            audit_version_follows_an_agencys_writes,
            amend_and_withdraw,
            remedy_close_and_list,
            agencies_rename_move_merge_alias,
            report_texts_replace,
            installation_key_and_counts,
            import_session_spans_chunks,
            accounts_users,
            accounts_roles,
            accounts_lockout_and_disable,
            accounts_sessions,
            accounts_tokens,
            accounts_idempotency_keys,
            catalogue_round_trip,
            catalogue_unique_index_numbers,
            catalogue_list_and_paginate,
            catalogue_item_overview,
            catalogue_validity,
            catalogue_register_entries,
            catalogue_upsert,
            catalogue_revisions,
            blobs_round_trip,
            guides_replace,
            applications_confirm_and_release,
            rate_hits_count_per_slot,
            published_reports_versions,
            filing_steps_in_order,
            accounts_email_and_feeds,
            letter_templates_replace,
            page_views_add_up,
            catalogue_published_documents,
            directory_and_channels,
            messages_life_and_facts,
            messages_purged_with_applicants,
            redaction_boxes_and_released_copy,
            notifications_queue_claim_finish,
            notifications_claimed_once,
            disclosures_and_id_photos,
            routing_steps_in_order,
            similar_words_links_referrals,
        );
    };
    (@each $harness:path; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                $harness(|store| async move { $crate::conformance::$name(&store).await }).await;
            }
        )*
    };
}

/// Runs the whole suite on one store, in the order of the macro (each test uses its own agency
/// names, so they can share a store).
pub async fn run_all<S: Store + Blobs>(store: &S) {
    agencies_hierarchy(store).await;
    agencies_unique_names(store).await;
    request_round_trip(store).await;
    requests_by_ids_in_bulk(store).await;
    request_uniqueness_and_references(store).await;
    concurrent_new_requests_answered_each(store).await;
    refused_transition_writes_nothing(store).await;
    correction_lapsed_closes(store).await;
    invalid_new_request_writes_nothing(store).await;
    remedy_round_trip(store).await;
    import_creates_everything(store).await;
    import_is_all_or_nothing(store).await;
    import_is_idempotent_and_adds_decisions(store).await;
    import_reports_and_applies_differences(store).await;
    import_refuses_invalid_decision(store).await;
    case_facts_year_boundary(store).await;
    remedy_facts_year_boundary(store).await;
    figures_replace(store).await;
    calendar_overrides_in_order(store).await;
    audit_chain_records_every_write(store).await;
    audit_version_follows_an_agencys_writes(store).await;
    amend_and_withdraw(store).await;
    remedy_close_and_list(store).await;
    agencies_rename_move_merge_alias(store).await;
    report_texts_replace(store).await;
    installation_key_and_counts(store).await;
    import_session_spans_chunks(store).await;
    accounts_users(store).await;
    accounts_roles(store).await;
    accounts_lockout_and_disable(store).await;
    accounts_sessions(store).await;
    accounts_tokens(store).await;
    accounts_idempotency_keys(store).await;
    catalogue_round_trip(store).await;
    catalogue_unique_index_numbers(store).await;
    catalogue_list_and_paginate(store).await;
    catalogue_item_overview(store).await;
    catalogue_validity(store).await;
    catalogue_register_entries(store).await;
    catalogue_upsert(store).await;
    catalogue_revisions(store).await;
    blobs_round_trip(store).await;
    guides_replace(store).await;
    applications_confirm_and_release(store).await;
    rate_hits_count_per_slot(store).await;
    published_reports_versions(store).await;
    filing_steps_in_order(store).await;
    accounts_email_and_feeds(store).await;
    letter_templates_replace(store).await;
    page_views_add_up(store).await;
    catalogue_published_documents(store).await;
    directory_and_channels(store).await;
    messages_life_and_facts(store).await;
    messages_purged_with_applicants(store).await;
    redaction_boxes_and_released_copy(store).await;
    notifications_queue_claim_finish(store).await;
    notifications_claimed_once(store).await;
    disclosures_and_id_photos(store).await;
    routing_steps_in_order(store).await;
    similar_words_links_referrals(store).await;
}

/// The audit entry of a write by the suite (the operator's grant on the whole installation).
pub fn audit() -> Draft {
    let grant = Scope::operator(Actor::new("conformance").unwrap())
        .installation()
        .unwrap();
    Draft::new(&grant, "test.write", "conformance")
}

/// A whole import under the default policy, as the suite's older tests knew it: its counts.
async fn import<S: Store>(
    store: &S,
    requests: Vec<(NewRequest, Vec<TimelineEvent>)>,
    remedies: Vec<NewRemedy>,
) -> Result<ImportSummary, StoreError> {
    let report = store
        .import(requests, remedies, ImportPolicy::default(), audit())
        .await?;
    assert!(report.differences.is_empty(), "{:?}", report.differences);
    Ok(report.summary)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ev(event: Event) -> TimelineEvent {
    TimelineEvent {
        event,
        outcome: None,
        note: String::new(),
    }
}

fn decided(date: NaiveDate, outcome: Outcome) -> TimelineEvent {
    TimelineEvent {
        event: Event::Decided(date),
        outcome: Some(outcome),
        note: "答复已送达".into(),
    }
}

fn new_request(agency: AgencyId, reference: &str, received: NaiveDate) -> NewRequest {
    NewRequest {
        agency,
        reference: reference.into(),
        applicants: vec![ApplicantRecord {
            name: "张三".into(),
            kind: Applicant::NaturalPerson,
        }],
        channel: Channel::Online,
        received,
        description: format!("{reference} 申请内容"),
        requested_form: "电子邮件".into(),
        contact: gongkai_cases::Contact {
            id_kind: "居民身份证".into(),
            id_number: "11010519491231002X".into(),
            phone: "13800000000".into(),
            address: "某市某路1号".into(),
            email: "a@example.cn".into(),
            delivery: "邮寄".into(),
        },
    }
}

fn new_remedy(agency: AgencyId, reference: &str, received: NaiveDate) -> NewRemedy {
    NewRemedy {
        agency,
        reference: reference.into(),
        requests: vec![],
        kind: RemedyKind::Reconsideration,
        received,
        closed: None,
    }
}

async fn agency<S: Store>(store: &S, name: &str) -> AgencyId {
    store.create_agency(name, None, audit()).await.unwrap().id
}

fn assert_kind<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str, kind: &str) {
    let ok = matches!(
        (&result, kind),
        (Err(StoreError::NotFound(_)), "NotFound")
            | (Err(StoreError::Conflict(_)), "Conflict")
            | (Err(StoreError::Invalid(_)), "Invalid")
            | (Err(StoreError::Refused(_)), "Refused")
            | (Err(StoreError::Correction(_)), "Correction")
            | (Err(StoreError::MessageState(_)), "MessageState")
    );
    assert!(ok, "{what}: expected {kind}, got {result:?}");
}

/// Parents and children; lookups by id and name; listing; an unknown parent.
pub async fn agencies_hierarchy<S: Store>(store: &S) {
    let root = store
        .create_agency("某区人民政府", None, audit())
        .await
        .unwrap();
    assert_eq!(root.name, "某区人民政府");
    assert_eq!(root.parent, None);
    let child = store
        .create_agency("某区教育局", Some(root.id), audit())
        .await
        .unwrap();
    assert_eq!(child.parent, Some(root.id));
    let grandchild = store
        .create_agency("某区教育局办公室", Some(child.id), audit())
        .await
        .unwrap();

    assert_eq!(store.agency(child.id).await.unwrap(), Some(child.clone()));
    assert_eq!(
        store.agency_by_name("某区教育局办公室").await.unwrap(),
        Some(grandchild.clone())
    );
    assert_eq!(store.agency_by_name("不存在的局").await.unwrap(), None);
    assert_eq!(store.agency(AgencyId(i64::MAX)).await.unwrap(), None);

    let all = store.agencies().await.unwrap();
    let pos = |a: &gongkai_cases::Agency| all.iter().position(|x| x == a).unwrap();
    assert!(pos(&root) < pos(&child) && pos(&child) < pos(&grandchild));

    assert_kind(
        store
            .create_agency("孤儿单位", Some(AgencyId(i64::MAX)), audit())
            .await,
        "unknown parent",
        "NotFound",
    );
    assert_eq!(store.agency_by_name("孤儿单位").await.unwrap(), None);
}

/// Agency names are unique.
pub async fn agencies_unique_names<S: Store>(store: &S) {
    let a = store
        .create_agency("某县财政局", None, audit())
        .await
        .unwrap();
    assert_kind(
        store.create_agency("某县财政局", None, audit()).await,
        "duplicate name",
        "Conflict",
    );
    assert_kind(
        store.create_agency("某县财政局", Some(a.id), audit()).await,
        "duplicate name under a parent",
        "Conflict",
    );
    let count = store
        .agencies()
        .await
        .unwrap()
        .iter()
        .filter(|x| x.name == "某县财政局")
        .count();
    assert_eq!(count, 1);
}

/// A request with several applicants and a full timeline reads back exactly; the decision
/// shows in the year's facts.
pub async fn request_round_trip<S: Store>(store: &S) {
    let agency = agency(store, "往返测试局").await;
    let mut new = new_request(agency, "2024-依申-001", d(2024, 3, 1));
    new.applicants.push(ApplicantRecord {
        name: "某某律师事务所".into(),
        kind: Applicant::OrgLegalService,
    });
    new.channel = Channel::RegisteredPost;
    let first = TimelineEvent {
        event: Event::Received(d(2024, 3, 1)),
        outcome: None,
        note: "挂号信签收".into(),
    };
    let created = store
        .create_request(new.clone(), first.clone(), audit())
        .await
        .unwrap();
    assert_eq!(created.data, new);
    assert_eq!(created.events, vec![first.clone()]);

    let mut expected = vec![first];
    for next in [
        TimelineEvent {
            event: Event::CorrectionRequested(d(2024, 3, 5)),
            outcome: None,
            note: "请明确文件名称".into(),
        },
        ev(Event::CorrectedReceived(d(2024, 3, 8))),
        ev(Event::ExtensionApproved(d(2024, 4, 1))),
        decided(d(2024, 4, 20), Outcome::Partial),
    ] {
        let after = store
            .append_event(created.id, next.clone(), audit())
            .await
            .unwrap();
        expected.push(next);
        assert_eq!(after.events, expected);
    }

    let read = store.request(created.id).await.unwrap().unwrap();
    assert_eq!(read.id, created.id);
    assert_eq!(read.data, new);
    assert_eq!(read.events, expected);
    assert_eq!(
        store
            .request_by_reference(agency, "2024-依申-001")
            .await
            .unwrap(),
        Some(read)
    );
    assert_eq!(
        store.request_by_reference(agency, "nope").await.unwrap(),
        None
    );
    assert_eq!(
        store
            .request(gongkai_cases::RequestId(i64::MAX))
            .await
            .unwrap(),
        None
    );

    let facts = store.case_facts(&[agency], 2024).await.unwrap();
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].id, created.id);
    assert_eq!(facts[0].agency, agency);
    assert_eq!(
        facts[0].kind,
        Applicant::NaturalPerson,
        "first-named applicant"
    );
    assert_eq!(facts[0].received, d(2024, 3, 1));
    assert_eq!(facts[0].decided, Some((d(2024, 4, 20), Outcome::Partial)));
}

/// Requests loaded in bulk are those loaded one by one, in the order asked, unknown ids
/// skipped, with every applicant and event; more ids than one `IN` list holds.
pub async fn requests_by_ids_in_bulk<S: Store>(store: &S) {
    let agency = agency(store, "批量读取局").await;
    let mut rows = Vec::new();
    for i in 0..300u64 {
        let received = d(2023, 1, 2) + chrono::Days::new(i % 200);
        let mut r = new_request(agency, &format!("BULK-{i:04}"), received);
        for k in 0..i % 3 {
            r.applicants.push(ApplicantRecord {
                name: format!("第{k}位共同申请人"),
                kind: Applicant::OrgOther,
            });
        }
        let mut events = vec![ev(Event::Received(received))];
        if i % 4 == 1 {
            events.push(ev(Event::ExtensionApproved(
                received + chrono::Days::new(15),
            )));
        }
        if i % 2 == 1 {
            events.push(decided(received + chrono::Days::new(20), Outcome::Partial));
        }
        rows.push((r, events));
    }
    import(store, rows.clone(), vec![]).await.unwrap();
    let mut ids = Vec::new();
    for (r, _) in &rows {
        let got = store
            .request_by_reference(agency, &r.reference)
            .await
            .unwrap();
        ids.push(got.unwrap().id);
    }

    // Newest first, with unknown ids between them and an id asked twice.
    let unknown = |k: i64| gongkai_cases::RequestId(i64::MAX - k);
    let mut asked = vec![unknown(0)];
    for (k, id) in ids.iter().rev().enumerate() {
        asked.push(*id);
        asked.push(unknown(k as i64 + 1));
    }
    asked.push(ids[7]);
    let mut expected = Vec::new();
    for id in &asked {
        expected.extend(store.request(*id).await.unwrap());
    }
    assert_eq!(expected.len(), 301);
    let got = store.requests_by_ids(&asked).await.unwrap();
    assert_eq!(got, expected);
    assert_eq!(got[0].id, ids[299]);
    assert_eq!(got[300].id, ids[7]);
    for (r, (new, events)) in got.iter().rev().skip(1).zip(&rows) {
        assert_eq!(&r.data, new, "applicants in order");
        assert_eq!(&r.events, events, "the whole timeline");
    }

    // More ids than one `IN` list holds: the requests in both lists, in order.
    let mut many: Vec<_> = (0..6000).map(unknown).collect();
    many.insert(10, ids[3]);
    many.push(ids[2]);
    let got = store.requests_by_ids(&many).await.unwrap();
    let got: Vec<_> = got.iter().map(|r| r.id).collect();
    assert_eq!(got, vec![ids[3], ids[2]]);

    assert_eq!(store.requests_by_ids(&[]).await.unwrap(), vec![]);
    assert_eq!(store.requests_by_ids(&[unknown(0)]).await.unwrap(), vec![]);

    // The timelines of the same requests: ordered by id, unknown ids skipped, each with the
    // request's agency, reference, receipt and every event (notes left out).
    let timelines = store.timelines(&asked).await.unwrap();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(timelines.iter().map(|t| t.id).collect::<Vec<_>>(), sorted);
    for t in &timelines {
        let whole = store.request(t.id).await.unwrap().unwrap();
        assert_eq!(
            (t.agency, t.reference.as_str(), t.received),
            (
                whole.data.agency,
                whole.data.reference.as_str(),
                whole.data.received
            )
        );
        let events: Vec<_> = whole
            .events
            .into_iter()
            .map(|e| TimelineEvent {
                note: String::new(),
                ..e
            })
            .collect();
        assert_eq!(t.events, events, "{}", t.reference);
    }
    let got: Vec<_> = store
        .timelines(&many)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    let mut want = vec![ids[2], ids[3]];
    want.sort();
    assert_eq!(got, want);
    assert!(store.timelines(&[]).await.unwrap().is_empty());
}

/// References are unique per agency, not globally; unknown agencies and requests are errors.
pub async fn request_uniqueness_and_references<S: Store>(store: &S) {
    let a = agency(store, "唯一性甲局").await;
    let b = agency(store, "唯一性乙局").await;
    let r = new_request(a, "R-1", d(2024, 1, 2));
    store
        .create_request(r.clone(), ev(Event::Received(r.received)), audit())
        .await
        .unwrap();
    assert_kind(
        store
            .create_request(r.clone(), ev(Event::Received(r.received)), audit())
            .await,
        "duplicate reference",
        "Conflict",
    );
    let rb = new_request(b, "R-1", d(2024, 1, 3));
    let in_b = store
        .create_request(rb.clone(), ev(Event::Received(rb.received)), audit())
        .await
        .unwrap();
    assert_eq!(in_b.data.agency, b);

    let ghost = new_request(AgencyId(i64::MAX), "R-1", d(2024, 1, 2));
    assert_kind(
        store
            .create_request(ghost, ev(Event::Received(d(2024, 1, 2))), audit())
            .await,
        "unknown agency",
        "NotFound",
    );
    assert_kind(
        store
            .append_event(
                gongkai_cases::RequestId(i64::MAX),
                ev(Event::ExtensionApproved(d(2024, 1, 5))),
                audit(),
            )
            .await,
        "append to unknown request",
        "NotFound",
    );
}

/// Many new requests at once (a backend may write them together): each caller gets its own
/// answer. The requests that repeat a reference are refused, and only they; every other one is
/// stored under the id it was answered with, with its own audit entry naming that id, and the
/// audit chain holds.
pub async fn concurrent_new_requests_answered_each<S: Store>(store: &S) {
    let a = agency(store, "并发登记局").await;
    let before = store.audit_last().await.unwrap().map_or(0, |e| e.seq);
    // 60 calls, of which every tenth repeats the reference of the call before it.
    let references: Vec<String> = (0..60)
        .map(|i| format!("C-{}", if i % 10 == 9 { i - 1 } else { i }))
        .collect();
    let calls = references.iter().map(|reference| {
        let r = new_request(a, reference, d(2024, 3, 4));
        store.create_request(r, ev(Event::Received(d(2024, 3, 4))), audit())
    });
    let answers = futures_util::future::join_all(calls).await;
    let mut stored = Vec::new();
    let mut refused = std::collections::BTreeMap::<&str, usize>::new();
    for (reference, answer) in references.iter().zip(answers) {
        match answer {
            Ok(request) => {
                assert_eq!(&request.data.reference, reference);
                stored.push(request);
            }
            Err(StoreError::Conflict(message)) => {
                assert!(message.contains(reference.as_str()), "{message}");
                *refused.entry(reference).or_default() += 1;
            }
            Err(other) => panic!("{reference}: {other}"),
        }
    }
    // Each repeated reference is stored once and refused once.
    assert_eq!(stored.len(), 54);
    assert_eq!(refused.len(), 6);
    assert!(refused.values().all(|&n| n == 1), "{refused:?}");
    for request in &stored {
        let back = store.request(request.id).await.unwrap().unwrap();
        assert_eq!(back.data.reference, request.data.reference);
        assert_eq!(back.events, request.events);
    }
    let mine = store.audit_page(before, 1000).await.unwrap();
    assert_eq!(
        mine.len(),
        54,
        "one entry per stored request, none for a refused one"
    );
    let named = |e: &&gongkai_audit::Entry| -> Option<i64> {
        serde_json::from_str::<serde_json::Value>(&e.summary).ok()?["id"].as_i64()
    };
    for request in &stored {
        assert_eq!(
            mine.iter()
                .filter(|e| named(e) == Some(request.id.0))
                .count(),
            1,
            "the entry of request {} in {mine:#?}",
            request.id.0
        );
    }
    let whole = store.audit_page(0, 1_000_000).await.unwrap();
    assert!(
        gongkai_audit::verify(&whole, None).is_ok(),
        "the chain holds"
    );
}

/// A transition the state machine refuses leaves the timeline and the decision columns as they
/// were.
pub async fn refused_transition_writes_nothing<S: Store>(store: &S) {
    let agency = agency(store, "拒绝转移局").await;
    let r = new_request(agency, "T-1", d(2024, 5, 6));
    let created = store
        .create_request(r.clone(), ev(Event::Received(r.received)), audit())
        .await
        .unwrap();
    let done = store
        .append_event(
            created.id,
            decided(d(2024, 5, 20), Outcome::Disclosed),
            audit(),
        )
        .await
        .unwrap();

    assert_kind(
        store
            .append_event(
                created.id,
                decided(d(2024, 5, 21), Outcome::NaNotHeld),
                audit(),
            )
            .await,
        "second decision",
        "Refused",
    );
    assert_kind(
        store
            .append_event(created.id, ev(Event::Received(d(2024, 5, 22))), audit())
            .await,
        "second Received",
        "Refused",
    );
    assert_eq!(store.request(created.id).await.unwrap().unwrap(), done);
    let facts = store.case_facts(&[agency], 2024).await.unwrap();
    assert_eq!(facts[0].decided, Some((d(2024, 5, 20), Outcome::Disclosed)));
}

/// `CorrectionLapsed` closes a request as `op_no_correction` (第三十条), on the row too; a
/// request without applicants counts as `org_other`.
pub async fn correction_lapsed_closes<S: Store>(store: &S) {
    let agency = agency(store, "补正届满局").await;
    let mut r = new_request(agency, "L-1", d(2024, 12, 2));
    r.applicants.clear();
    let created = store
        .create_request(r.clone(), ev(Event::Received(r.received)), audit())
        .await
        .unwrap();
    assert_eq!(created.data.applicants, vec![]);
    store
        .append_event(
            created.id,
            ev(Event::CorrectionRequested(d(2024, 12, 4))),
            audit(),
        )
        .await
        .unwrap();
    let open = store.case_facts(&[agency], 2024).await.unwrap();
    assert_eq!(open[0].decided, None);
    assert_eq!(open[0].kind, Applicant::OrgOther);
    store
        .append_event(
            created.id,
            ev(Event::CorrectionLapsed(d(2025, 1, 6))),
            audit(),
        )
        .await
        .unwrap();
    let facts = store.case_facts(&[agency], 2025).await.unwrap();
    assert_eq!(facts.len(), 1);
    assert_eq!(
        facts[0].decided,
        Some((d(2025, 1, 6), Outcome::OpNoCorrection))
    );
    assert_kind(
        store
            .append_event(
                created.id,
                decided(d(2025, 1, 7), Outcome::Disclosed),
                audit(),
            )
            .await,
        "decision after the lapse",
        "Refused",
    );
    let read = store.request(created.id).await.unwrap().unwrap();
    assert_eq!(read.events.len(), 3);
    assert_eq!(gongkai_cases::CaseFacts::from(&read), facts[0]);
}

/// A new request whose first event is not `Received` on the date of receipt, or with an
/// applicant of kind `Total`, is refused and not stored.
pub async fn invalid_new_request_writes_nothing<S: Store>(store: &S) {
    let agency = agency(store, "无效申请局").await;
    let r = new_request(agency, "X-1", d(2024, 5, 6));
    assert_kind(
        store
            .create_request(
                r.clone(),
                decided(d(2024, 5, 6), Outcome::Disclosed),
                audit(),
            )
            .await,
        "first event Decided",
        "Invalid",
    );
    assert_kind(
        store
            .create_request(r.clone(), ev(Event::Received(d(2024, 5, 7))), audit())
            .await,
        "Received on another day than the date of receipt",
        "Invalid",
    );
    let mut total = r.clone();
    total.applicants[0].kind = Applicant::Total;
    assert_kind(
        store
            .create_request(total, ev(Event::Received(r.received)), audit())
            .await,
        "applicant of kind Total",
        "Invalid",
    );
    assert_eq!(
        store.request_by_reference(agency, "X-1").await.unwrap(),
        None
    );
    assert!(store.case_facts(&[agency], 2024).await.unwrap().is_empty());
}

/// A remedy case with its linked request references reads back exactly.
pub async fn remedy_round_trip<S: Store>(store: &S) {
    let agency = agency(store, "复议往返局").await;
    let mut m = new_remedy(agency, "复议-2024-1", d(2024, 6, 1));
    m.requests = vec!["R-9".into(), "R-3".into()];
    m.kind = RemedyKind::LitigationAfterReconsideration;
    m.closed = Some((d(2024, 9, 1), RemedyResult::Corrected));
    let created = store.create_remedy(m.clone(), audit()).await.unwrap();
    assert_eq!(created.data, m);
    assert_eq!(
        store
            .remedy_by_reference(agency, "复议-2024-1")
            .await
            .unwrap(),
        Some(created)
    );
    assert_eq!(
        store.remedy_by_reference(agency, "nope").await.unwrap(),
        None
    );
    assert_kind(
        store.create_remedy(m, audit()).await,
        "duplicate case",
        "Conflict",
    );
}

/// A fresh import stores requests with all their events, and remedies.
pub async fn import_creates_everything<S: Store>(store: &S) {
    let agency = agency(store, "导入新建局").await;
    let mut rows = Vec::new();
    for i in 0..1200 {
        let received = d(2023, 1, 1) + chrono::Days::new(i % 300);
        let mut r = new_request(agency, &format!("IMP-{i:05}"), received);
        if i % 3 == 0 {
            r.applicants.insert(
                0,
                ApplicantRecord {
                    name: format!("公司{i}"),
                    kind: Applicant::OrgCommercial,
                },
            );
        }
        let mut events = vec![ev(Event::Received(received))];
        if i % 2 == 0 {
            events.push(decided(
                received + chrono::Days::new(10),
                Outcome::Disclosed,
            ));
        }
        rows.push((r, events));
    }
    let mut m = new_remedy(agency, "IMP-案-1", d(2023, 8, 1));
    m.requests = vec!["IMP-00004".into()];
    let summary = import(store, rows.clone(), vec![m.clone()]).await.unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            created: 1200,
            updated: 0,
            changed: 0,
            unchanged: 0,
            remedies: ImportCounts {
                created: 1,
                updated: 0,
                changed: 0,
                unchanged: 0
            },
        }
    );
    for i in [0usize, 1, 3, 599, 1199] {
        let (r, events) = &rows[i];
        let got = store
            .request_by_reference(agency, &r.reference)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&got.data, r);
        assert_eq!(&got.events, events);
    }
    assert_eq!(
        store
            .remedy_by_reference(agency, "IMP-案-1")
            .await
            .unwrap()
            .unwrap()
            .data,
        m
    );
    let facts = store.case_facts(&[agency], 2023).await.unwrap();
    assert_eq!(facts.len(), 1200);
    assert_eq!(facts.iter().filter(|f| f.decided.is_some()).count(), 600);
    assert_eq!(
        facts
            .iter()
            .filter(|f| f.kind == Applicant::OrgCommercial)
            .count(),
        400
    );

    // An empty event list means a single Received event.
    let bare = new_request(agency, "IMP-bare", d(2023, 2, 2));
    import(store, vec![(bare.clone(), vec![])], vec![])
        .await
        .unwrap();
    let got = store
        .request_by_reference(agency, "IMP-bare")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.events, vec![ev(Event::Received(d(2023, 2, 2)))]);
}

/// One invalid row, or a duplicated reference, and nothing of the batch is written (not even
/// the rows before it, in earlier internal batches, nor the remedies).
pub async fn import_is_all_or_nothing<S: Store>(store: &S) {
    let agency = agency(store, "导入原子局").await;
    let existing = new_request(agency, "AON-existing", d(2024, 1, 2));
    import(store, vec![(existing.clone(), vec![])], vec![])
        .await
        .unwrap();

    let mut rows: Vec<_> = (0..2500)
        .map(|i| {
            let r = new_request(agency, &format!("AON-{i}"), d(2024, 2, 1));
            (r, vec![ev(Event::Received(d(2024, 2, 1)))])
        })
        .collect();
    // The existing request gets a decision in this import: it must not be kept either.
    rows.push((
        existing.clone(),
        vec![
            ev(Event::Received(d(2024, 1, 2))),
            decided(d(2024, 1, 9), Outcome::Disclosed),
        ],
    ));
    let mut bad = rows.clone();
    bad[2400].1.push(decided(d(2024, 2, 5), Outcome::Disclosed));
    bad[2400].1.push(decided(d(2024, 2, 6), Outcome::Disclosed));
    let remedy = new_remedy(agency, "AON-案", d(2024, 3, 1));
    assert_kind(
        import(store, bad, vec![remedy.clone()]).await,
        "import with an invalid timeline",
        "Invalid",
    );
    let check_nothing = || async {
        assert_eq!(
            store.request_by_reference(agency, "AON-0").await.unwrap(),
            None
        );
        assert_eq!(
            store
                .request_by_reference(agency, "AON-2499")
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store.remedy_by_reference(agency, "AON-案").await.unwrap(),
            None
        );
        let facts = store.case_facts(&[agency], 2024).await.unwrap();
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].decided, None);
        let kept = store
            .request_by_reference(agency, "AON-existing")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.events.len(), 1);
    };
    check_nothing().await;

    let mut dup = rows.clone();
    dup.push(rows[10].clone());
    assert_kind(
        import(store, dup, vec![remedy.clone()]).await,
        "import with a reference twice",
        "Conflict",
    );
    check_nothing().await;

    let mut total = rows.clone();
    total[2499].0.applicants[0].kind = Applicant::Total;
    assert_kind(
        import(store, total, vec![]).await,
        "import with an applicant of kind Total",
        "Invalid",
    );
    let mut ghost_agency = rows.clone();
    ghost_agency[2499].0.agency = AgencyId(i64::MAX);
    assert!(import(store, ghost_agency, vec![]).await.is_err());
    check_nothing().await;

    // The good batch goes in whole.
    let summary = import(store, rows, vec![remedy]).await.unwrap();
    assert_eq!((summary.created, summary.updated), (2500, 1));
    assert_eq!(store.case_facts(&[agency], 2024).await.unwrap().len(), 2501);
}

/// Importing the same ledger again changes nothing; a request decided since gets its decision;
/// a remedy closed since gets its closing.
pub async fn import_is_idempotent_and_adds_decisions<S: Store>(store: &S) {
    let agency = agency(store, "导入幂等局").await;
    let open = new_request(agency, "ID-open", d(2024, 3, 1));
    let done = new_request(agency, "ID-done", d(2024, 3, 2));
    let done_events = vec![
        ev(Event::Received(d(2024, 3, 2))),
        decided(d(2024, 3, 20), Outcome::NaNotHeld),
    ];
    let other = new_request(agency, "ID-other", d(2024, 3, 3));
    let remedy = new_remedy(agency, "ID-案", d(2024, 4, 1));
    let ledger = vec![
        (open.clone(), vec![ev(Event::Received(d(2024, 3, 1)))]),
        (done.clone(), done_events.clone()),
        (other.clone(), vec![]),
    ];
    let first = import(store, ledger.clone(), vec![remedy.clone()])
        .await
        .unwrap();
    assert_eq!((first.created, first.updated, first.unchanged), (3, 0, 0));
    let again = import(store, ledger.clone(), vec![remedy.clone()])
        .await
        .unwrap();
    assert_eq!(
        again,
        ImportSummary {
            created: 0,
            updated: 0,
            changed: 0,
            unchanged: 3,
            remedies: ImportCounts {
                created: 0,
                updated: 0,
                changed: 0,
                unchanged: 1
            },
        }
    );
    let before = store
        .request_by_reference(agency, "ID-open")
        .await
        .unwrap()
        .unwrap();

    // The ledger now records a decision for the open request and the case's closing: what the
    // records lack is added, nothing else changes.
    let mut later = ledger.clone();
    later[0]
        .1
        .push(decided(d(2024, 4, 10), Outcome::NdThirdParty));
    let mut closed = remedy.clone();
    closed.closed = Some((d(2024, 6, 1), RemedyResult::Upheld));
    let third = import(store, later.clone(), vec![closed.clone()])
        .await
        .unwrap();
    assert_eq!(
        third,
        ImportSummary {
            created: 0,
            updated: 1,
            changed: 0,
            unchanged: 2,
            remedies: ImportCounts {
                created: 0,
                updated: 1,
                changed: 0,
                unchanged: 0
            },
        }
    );
    let after = store
        .request_by_reference(agency, "ID-open")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.id, before.id);
    assert_eq!(
        after.data, open,
        "only the decision is taken from a re-import"
    );
    assert_eq!(
        after.events,
        vec![
            ev(Event::Received(d(2024, 3, 1))),
            decided(d(2024, 4, 10), Outcome::NdThirdParty)
        ]
    );
    let kept = store
        .request_by_reference(agency, "ID-done")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.events, done_events);
    assert_eq!(
        store
            .remedy_by_reference(agency, "ID-案")
            .await
            .unwrap()
            .unwrap()
            .data
            .closed,
        closed.closed
    );
    let facts = store.case_facts(&[agency], 2024).await.unwrap();
    let open_facts = facts.iter().find(|f| f.id == before.id).unwrap();
    assert_eq!(
        open_facts.decided,
        Some((d(2024, 4, 10), Outcome::NdThirdParty))
    );

    let fourth = import(store, later, vec![closed]).await.unwrap();
    assert_eq!(
        (fourth.created, fourth.updated, fourth.unchanged),
        (0, 0, 3)
    );
    assert_eq!(fourth.remedies.unchanged, 1);
}

/// A re-imported row whose values differ from the records is a difference: every one is
/// reported (reference, column, recorded → file) and, under the default policy, nothing is
/// stored; with `apply_changes` they are applied in the one transaction.
pub async fn import_reports_and_applies_differences<S: Store>(store: &S) {
    let agency = agency(store, "导入差异局").await;
    let open = new_request(agency, "DF-open", d(2024, 3, 1));
    let done = new_request(agency, "DF-done", d(2024, 3, 2));
    let ledger = vec![
        (open.clone(), vec![]),
        (
            done.clone(),
            vec![
                ev(Event::Received(d(2024, 3, 2))),
                decided(d(2024, 3, 20), Outcome::NaNotHeld),
            ],
        ),
    ];
    let remedy = new_remedy(agency, "DF-案", d(2024, 4, 1));
    import(store, ledger.clone(), vec![remedy.clone()])
        .await
        .unwrap();
    let log_before = store.audit_last().await.unwrap().unwrap().seq;

    let mut later = ledger.clone();
    later[0].0.description = "改过的描述".into();
    later[1].1[1] = decided(d(2024, 3, 21), Outcome::Disclosed);
    let mut other_kind = remedy.clone();
    other_kind.kind = RemedyKind::LitigationDirect;
    let report = store
        .import(
            later.clone(),
            vec![other_kind.clone()],
            ImportPolicy::default(),
            audit(),
        )
        .await
        .unwrap();
    let listed: Vec<(&str, &str, &str, &str)> = report
        .differences
        .iter()
        .map(|x| {
            (
                x.reference.as_str(),
                x.change.field.label(),
                x.change.old.as_str(),
                x.change.new.as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("DF-open", "申请内容", "DF-open 申请内容", "改过的描述"),
            (
                "DF-done",
                "办理结果",
                "本机关不掌握相关政府信息",
                "予以公开"
            ),
            ("DF-done", "答复日期", "2024-03-20", "2024-03-21"),
            ("DF-案", "类型", "行政复议", "未经复议直接起诉"),
        ]
    );
    // Nothing was stored, not even an audit entry.
    let kept = store
        .request_by_reference(agency, "DF-open")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.data.description, "DF-open 申请内容");
    assert_eq!(
        store.audit_last().await.unwrap().unwrap().seq,
        log_before,
        "an import with differences is not committed"
    );

    let applied = store
        .import(
            later.clone(),
            vec![other_kind.clone()],
            ImportPolicy {
                apply_changes: true,
            },
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(applied.differences.len(), 4);
    assert_eq!(
        (applied.summary.changed, applied.summary.remedies.changed),
        (2, 1)
    );
    let fixed = store
        .request_by_reference(agency, "DF-done")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        gongkai_cases::lifecycle::outcome(&fixed.events),
        Some((d(2024, 3, 21), Outcome::Disclosed))
    );
    let facts = store.case_facts(&[agency], 2024).await.unwrap();
    let f = facts.iter().find(|f| f.id == fixed.id).unwrap();
    assert_eq!(f.decided, Some((d(2024, 3, 21), Outcome::Disclosed)));
    let entry = store.audit_last().await.unwrap().unwrap();
    assert_eq!(entry.seq, log_before + 1);
    assert!(entry.summary.contains("\"changed\":2"), "{}", entry.summary);
    // The file now agrees with the records.
    let again = import(store, later, vec![other_kind]).await.unwrap();
    assert_eq!((again.changed, again.unchanged), (0, 2));
}

/// A decision appended by a re-import is validated against the stored timeline: one the state
/// machine refuses fails the whole import.
pub async fn import_refuses_invalid_decision<S: Store>(store: &S) {
    let agency = agency(store, "导入校验局").await;
    let r = new_request(agency, "V-1", d(2024, 3, 10));
    let created = store
        .create_request(r.clone(), ev(Event::Received(r.received)), audit())
        .await
        .unwrap();
    store
        .append_event(
            created.id,
            ev(Event::ExtensionApproved(d(2024, 4, 1))),
            audit(),
        )
        .await
        .unwrap();
    let fresh = new_request(agency, "V-2", d(2024, 3, 11));
    // Decided before the last stored event: refused.
    let rows = vec![
        (fresh, vec![]),
        (
            r.clone(),
            vec![
                ev(Event::Received(d(2024, 3, 10))),
                decided(d(2024, 3, 20), Outcome::Disclosed),
            ],
        ),
    ];
    assert_kind(
        import(store, rows, vec![]).await,
        "stale decision",
        "Invalid",
    );
    assert_eq!(
        store.request_by_reference(agency, "V-2").await.unwrap(),
        None
    );
    assert_eq!(
        store
            .request(created.id)
            .await
            .unwrap()
            .unwrap()
            .events
            .len(),
        2
    );
}

/// `case_facts` of year Y: received on or before 31 Dec Y and not decided before 1 Jan Y, for
/// the agencies asked only.
pub async fn case_facts_year_boundary<S: Store>(store: &S) {
    let a = agency(store, "年度甲局").await;
    let b = agency(store, "年度乙局").await;
    let c = agency(store, "年度丙局").await;
    let mut ids = std::collections::HashMap::new();
    let cases: [(&str, AgencyId, NaiveDate, Option<NaiveDate>); 8] = [
        ("decided-2022", a, d(2022, 6, 1), Some(d(2022, 6, 20))),
        ("open-since-2022", a, d(2022, 12, 30), None),
        ("eve-decided-eve", a, d(2023, 12, 31), Some(d(2023, 12, 31))),
        (
            "eve-decided-newyear",
            a,
            d(2023, 12, 31),
            Some(d(2024, 1, 1)),
        ),
        ("newyear-open", a, d(2024, 1, 1), None),
        ("b-2024", b, d(2024, 7, 1), Some(d(2024, 7, 2))),
        ("b-2025", b, d(2025, 1, 1), Some(d(2025, 1, 2))),
        ("c-2024", c, d(2024, 7, 1), None),
    ];
    let mut rows = Vec::new();
    for (reference, agency, received, decided_on) in cases {
        let mut events = vec![ev(Event::Received(received))];
        if let Some(on) = decided_on {
            events.push(decided(on, Outcome::NpRepeat));
        }
        let mut r = new_request(agency, reference, received);
        if reference == "b-2024" {
            r.applicants[0].kind = Applicant::OrgResearch;
        }
        rows.push((r, events));
    }
    import(store, rows, vec![]).await.unwrap();
    for (reference, agency, ..) in cases {
        let id = store
            .request_by_reference(agency, reference)
            .await
            .unwrap()
            .unwrap()
            .id;
        ids.insert(id, reference);
    }
    let names = |year: i32, agencies: Vec<AgencyId>| {
        let ids = &ids;
        async move {
            let facts = store.case_facts(&agencies, year).await.unwrap();
            let sorted = facts.windows(2).all(|w| w[0].id < w[1].id);
            assert!(sorted, "case_facts ordered by id");
            let mut names: Vec<&str> = facts.iter().map(|f| ids[&f.id]).collect();
            names.sort_unstable();
            names
        }
    };
    assert_eq!(names(2021, vec![a, b]).await, Vec::<&str>::new());
    assert_eq!(
        names(2022, vec![a]).await,
        ["decided-2022", "open-since-2022"]
    );
    assert_eq!(
        names(2023, vec![a]).await,
        ["eve-decided-eve", "eve-decided-newyear", "open-since-2022"]
    );
    assert_eq!(
        names(2024, vec![a, b]).await,
        [
            "b-2024",
            "eve-decided-newyear",
            "newyear-open",
            "open-since-2022"
        ]
    );
    assert_eq!(
        names(2025, vec![a, b]).await,
        ["b-2025", "newyear-open", "open-since-2022"]
    );
    assert_eq!(names(2024, vec![]).await, Vec::<&str>::new());
    assert_eq!(names(2024, vec![c]).await, ["c-2024"]);

    let facts = store.case_facts(&[b], 2024).await.unwrap();
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].agency, b);
    assert_eq!(facts[0].kind, Applicant::OrgResearch);
    assert_eq!(facts[0].received, d(2024, 7, 1));
    assert_eq!(facts[0].decided, Some((d(2024, 7, 2), Outcome::NpRepeat)));
}

/// `remedy_facts` of year Y: received on or before 31 Dec Y and not closed before 1 Jan Y.
pub async fn remedy_facts_year_boundary<S: Store>(store: &S) {
    let a = agency(store, "复议年度甲局").await;
    let b = agency(store, "复议年度乙局").await;
    let mut closed_2023 = new_remedy(a, "closed-2023", d(2023, 3, 1));
    closed_2023.closed = Some((d(2023, 12, 31), RemedyResult::Upheld));
    let mut closed_newyear = new_remedy(a, "closed-newyear", d(2023, 6, 1));
    closed_newyear.kind = RemedyKind::LitigationDirect;
    closed_newyear.closed = Some((d(2024, 1, 1), RemedyResult::Other));
    let pending = new_remedy(a, "pending", d(2024, 12, 31));
    let other_agency = new_remedy(b, "b-2024", d(2024, 2, 1));
    let mut ids = std::collections::HashMap::new();
    for m in [&closed_2023, &closed_newyear, &pending] {
        let id = store.create_remedy(m.clone(), audit()).await.unwrap().id;
        ids.insert(id, m.reference.clone());
    }
    import(store, vec![], vec![other_agency]).await.unwrap();
    let names = |year: i32| {
        let ids = &ids;
        async move {
            let facts = store.remedy_facts(&[a], year).await.unwrap();
            // The facts carry the reference (案件编号) the case was stored with.
            for f in &facts {
                assert_eq!(f.reference, ids[&f.id]);
            }
            let mut names: Vec<String> = facts.iter().map(|f| ids[&f.id].clone()).collect();
            names.sort_unstable();
            names
        }
    };
    assert_eq!(names(2022).await, Vec::<String>::new());
    assert_eq!(names(2023).await, ["closed-2023", "closed-newyear"]);
    assert_eq!(names(2024).await, ["closed-newyear", "pending"]);
    assert_eq!(names(2025).await, ["pending"]);

    let facts = store.remedy_facts(&[a, b], 2024).await.unwrap();
    assert_eq!(facts.len(), 3);
    let newyear = facts
        .iter()
        .find(|f| ids.get(&f.id).map(String::as_str) == Some("closed-newyear"))
        .unwrap();
    assert_eq!(newyear.agency, a);
    assert_eq!(newyear.kind, RemedyKind::LitigationDirect);
    assert_eq!(newyear.received, d(2023, 6, 1));
    assert_eq!(newyear.closed, Some((d(2024, 1, 1), RemedyResult::Other)));
    assert!(
        facts
            .iter()
            .any(|f| f.agency == b && f.reference == "b-2024" && f.closed.is_none())
    );
}

/// `set_figures` replaces the agency-year's cells; other years and agencies are untouched;
/// cells outside table 二 or of the wrong kind are refused.
pub async fn figures_replace<S: Store>(store: &S) {
    let a = agency(store, "表二甲局").await;
    let b = agency(store, "表二乙局").await;
    assert_eq!(store.figures(a, 2024).await.unwrap(), None);
    let issued = CellKey::T2(T2Row::NormativeDocs, T2Col::Issued);
    let fees = CellKey::T2(T2Row::AdminFees, T2Col::AmountWanYuan);
    let licensing = CellKey::T2(T2Row::AdminLicensing, T2Col::Decisions);
    let first = YearFigures {
        agency: a,
        year: 2024,
        cells: vec![
            (issued, Value::Int(12)),
            (fees, Value::Money("3.25".parse().unwrap())),
            (licensing, Value::Int(0)),
        ],
        reasons: vec![(issued, "目录中缺少 2 件 2024 年初的规范性文件".to_owned())],
    };
    store.set_figures(first.clone(), audit()).await.unwrap();
    assert_eq!(store.figures(a, 2024).await.unwrap(), Some(first.clone()));
    let other_year = YearFigures {
        agency: a,
        year: 2023,
        cells: vec![(issued, Value::Int(7))],
        reasons: vec![],
    };
    store
        .set_figures(other_year.clone(), audit())
        .await
        .unwrap();
    let replaced = YearFigures {
        agency: a,
        year: 2024,
        cells: vec![(licensing, Value::Int(40))],
        reasons: vec![],
    };
    store.set_figures(replaced.clone(), audit()).await.unwrap();
    assert_eq!(
        store.figures(a, 2024).await.unwrap(),
        Some(replaced.clone())
    );
    assert_eq!(store.figures(a, 2023).await.unwrap(), Some(other_year));
    assert_eq!(store.figures(b, 2024).await.unwrap(), None);

    let emptied = YearFigures {
        agency: b,
        year: 2024,
        cells: vec![],
        reasons: vec![],
    };
    store.set_figures(emptied.clone(), audit()).await.unwrap();
    assert_eq!(store.figures(b, 2024).await.unwrap(), Some(emptied));

    let t3 = YearFigures {
        agency: a,
        year: 2024,
        cells: vec![(
            CellKey::T3(gongkai_report::T3Row::NewReceived, Applicant::Total),
            Value::Int(1),
        )],
        reasons: vec![],
    };
    assert_kind(store.set_figures(t3, audit()).await, "t3 cell", "Invalid");
    let wrong_kind = YearFigures {
        agency: a,
        year: 2024,
        cells: vec![(fees, Value::Int(3))],
        reasons: vec![],
    };
    assert_kind(
        store.set_figures(wrong_kind, audit()).await,
        "wrong kind",
        "Invalid",
    );
    assert_eq!(
        store.figures(a, 2024).await.unwrap(),
        Some(replaced.clone())
    );
    let orphan_reason = YearFigures {
        reasons: vec![(issued, "没有这一项".to_owned())],
        ..replaced.clone()
    };
    assert_kind(
        store.set_figures(orphan_reason, audit()).await,
        "reason without its cell",
        "Invalid",
    );
    let ghost = YearFigures {
        agency: AgencyId(i64::MAX),
        year: 2024,
        cells: vec![],
        reasons: vec![],
    };
    assert_kind(
        store.set_figures(ghost, audit()).await,
        "unknown agency",
        "NotFound",
    );
}

/// Calendar overrides come back in the order they were added, byte for byte.
pub async fn calendar_overrides_in_order<S: Store>(store: &S) {
    let before = store.calendar_overrides().await.unwrap();
    let texts = [
        "[2027]\nholidays = []\n# 第一次\n",
        "[2028]\nholidays = []\n# 第二次\n",
        "[2027]\n# 更正\n",
    ];
    for t in texts {
        store.add_calendar_override(t, audit()).await.unwrap();
    }
    let after = store.calendar_overrides().await.unwrap();
    assert_eq!(after.len(), before.len() + 3);
    assert_eq!(&after[..before.len()], &before[..]);
    assert_eq!(&after[before.len()..], &texts[..]);
}

/// Every write appends exactly one audit entry in its own transaction; a refused write appends
/// none; the chain verifies; personal data given to an entry as such is never stored in clear.
/// An agency's version moves with every write about it and with installation-wide writes, and
/// with nothing else.
pub async fn audit_version_follows_an_agencys_writes<S: Store>(store: &S) {
    let x = agency(store, "版本甲局").await;
    let y = agency(store, "版本乙局").await;
    let vx = store.audit_version(&[x]).await.unwrap();
    let vy = store.audit_version(&[y]).await.unwrap();
    let last = store.audit_last().await.unwrap().unwrap().seq;
    assert_eq!(
        (vx, vy),
        (last, last),
        "creating y was an installation-wide write"
    );
    let tree = store.agencies().await.unwrap();
    let on_x = tree.iter().find(|a| a.id == x).unwrap();
    let grant = Scope::operator(Actor::new("版本").unwrap())
        .agency(on_x, &tree, Capability::Handle)
        .unwrap();
    let r = new_request(x, "V-1", d(2024, 3, 1));
    store
        .create_request(
            r.clone(),
            ev(Event::Received(r.received)),
            Draft::new(&grant, "request.register", "申请 V-1"),
        )
        .await
        .unwrap();
    let wx = store.audit_version(&[x]).await.unwrap();
    assert!(wx > vx);
    assert_eq!(store.audit_version(&[y]).await.unwrap(), vy, "y untouched");
    assert_eq!(store.audit_version(&[y, x]).await.unwrap(), wx);
    agency(store, "版本丙局").await;
    let now = store.audit_last().await.unwrap().unwrap().seq;
    assert_eq!(store.audit_version(&[y]).await.unwrap(), now);
    assert_eq!(store.audit_version(&[]).await.unwrap(), now);
}

pub async fn audit_chain_records_every_write<S: Store>(store: &S) {
    let before = store.audit_last().await.unwrap().map_or(0, |e| e.seq);
    let agency = agency(store, "审计链局").await;
    let r = new_request(agency, "AU-1", d(2024, 3, 1));
    let created = store
        .create_request(r.clone(), ev(Event::Received(r.received)), audit())
        .await
        .unwrap();
    let refused = store
        .append_event(created.id, ev(Event::FeePaid(d(2024, 3, 2))), audit())
        .await;
    assert_kind(refused, "fee paid without a notice", "Refused");
    store
        .append_event(
            created.id,
            decided(d(2024, 3, 5), Outcome::Disclosed),
            audit(),
        )
        .await
        .unwrap();
    let grant = Scope::operator(Actor::new("审计员").unwrap())
        .installation()
        .unwrap();
    let mut personal = Draft::new(&grant, "request.amend", "申请 AU-1")
        .with_pseudonyms(gongkai_audit::Pseudonyms::new(b"conformance key"));
    personal.set_personal("applicant", "张三丰");
    store
        .amend_request(
            created.id,
            &gongkai_cases::amend::Amendment {
                applicant: Some("张三丰".into()),
                ..Default::default()
            },
            personal,
        )
        .await
        .unwrap();
    let entries = store.audit_page(before, 1000).await.unwrap();
    assert_eq!(entries.len(), 4, "agency, request, decision, correction");
    assert_eq!(entries[0].seq, before + 1);
    assert!(entries.iter().all(|e| e.seq > before));
    assert_eq!(entries[3].actor, "审计员");
    assert!(
        !entries[3].summary.contains("张三丰"),
        "{}",
        entries[3].summary
    );
    assert!(
        entries[3].summary.contains("hmac:"),
        "{}",
        entries[3].summary
    );
    // The request's entries name their agency.
    assert!(
        entries[1..]
            .iter()
            .all(|e| e.agency_id.is_none() || e.agency_id == Some(agency.0))
    );
    // The whole chain, page by page.
    let mut v = gongkai_audit::Verifier::new(None);
    let mut after = 0;
    loop {
        let page = store.audit_page(after, 2).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            v.push(e).unwrap();
        }
    }
    let (n, head) = v.finish().unwrap();
    assert_eq!(n, before + 4);
    assert_eq!(head, store.audit_last().await.unwrap().unwrap().hash);
    let recent = store.audit_recent(Some(agency), 10).await.unwrap();
    assert!(
        recent.windows(2).all(|w| w[0].seq > w[1].seq),
        "newest first"
    );
}

/// Corrections: an outcome, a date of receipt; the last event withdrawn; what cannot be
/// corrected is refused and leaves the request as it was. The report's facts follow.
pub async fn amend_and_withdraw<S: Store>(store: &S) {
    use gongkai_cases::amend::{Amendment, Field};
    let agency = agency(store, "更正局").await;
    let r = new_request(agency, "AM-1", d(2024, 3, 1));
    let created = store
        .create_request(r.clone(), ev(Event::Received(r.received)), audit())
        .await
        .unwrap();
    let open_outcome = Amendment {
        outcome: Some(Outcome::Partial),
        ..Default::default()
    };
    assert_kind(
        store
            .amend_request(created.id, &open_outcome, audit())
            .await,
        "outcome of an open request",
        "Correction",
    );
    store
        .append_event(
            created.id,
            decided(d(2024, 3, 20), Outcome::Disclosed),
            audit(),
        )
        .await
        .unwrap();
    let (amended, changes) = store
        .amend_request(
            created.id,
            &Amendment {
                outcome: Some(Outcome::NdThirdParty),
                kind: Some(Applicant::OrgCommercial),
                ..Default::default()
            },
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(
        changes.iter().map(|c| c.field).collect::<Vec<_>>(),
        [Field::Kind, Field::Outcome]
    );
    assert_eq!(store.request(created.id).await.unwrap().unwrap(), amended);
    let facts = store.case_facts(&[agency], 2024).await.unwrap();
    assert_eq!(facts[0].kind, Applicant::OrgCommercial);
    assert_eq!(
        facts[0].decided,
        Some((d(2024, 3, 20), Outcome::NdThirdParty))
    );
    // A date of receipt after the decision: refused, nothing changed.
    let late = Amendment {
        received: Some(d(2024, 3, 25)),
        ..Default::default()
    };
    assert_kind(
        store.amend_request(created.id, &late, audit()).await,
        "received after the decision",
        "Refused",
    );
    assert_eq!(store.request(created.id).await.unwrap().unwrap(), amended);
    // The decision withdrawn: open again, in the facts too.
    let (reopened, removed) = store.withdraw_event(created.id, audit()).await.unwrap();
    assert_eq!(removed.outcome, Some(Outcome::NdThirdParty));
    assert_eq!(reopened.events.len(), 1);
    let facts = store.case_facts(&[agency], 2024).await.unwrap();
    assert_eq!(facts[0].decided, None);
    assert_kind(
        store.withdraw_event(created.id, audit()).await,
        "the receipt",
        "Correction",
    );
    assert_eq!(
        store.request_ids(&[agency], true).await.unwrap(),
        [created.id]
    );
    store
        .append_event(
            created.id,
            decided(d(2024, 3, 21), Outcome::NpRepeat),
            audit(),
        )
        .await
        .unwrap();
    assert!(store.request_ids(&[agency], true).await.unwrap().is_empty());
    assert_eq!(
        store.request_ids(&[agency], false).await.unwrap(),
        [created.id]
    );
    assert!(store.request_ids(&[], false).await.unwrap().is_empty());
}

/// A pending case is closed once; the cases of agencies are listed with their links.
pub async fn remedy_close_and_list<S: Store>(store: &S) {
    let agency = agency(store, "结案局").await;
    let m = new_remedy(agency, "RC-1", d(2024, 4, 1));
    let created = store.create_remedy(m.clone(), audit()).await.unwrap();
    assert_kind(
        store
            .close_remedy(created.id, (d(2024, 3, 1), RemedyResult::Upheld), audit())
            .await,
        "closed before received",
        "Invalid",
    );
    let closed = store
        .close_remedy(
            created.id,
            (d(2024, 6, 1), RemedyResult::Corrected),
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(
        closed.data.closed,
        Some((d(2024, 6, 1), RemedyResult::Corrected))
    );
    assert_kind(
        store
            .close_remedy(created.id, (d(2024, 7, 1), RemedyResult::Other), audit())
            .await,
        "closed twice",
        "Invalid",
    );
    let listed = store.remedies_of(&[agency]).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].data.requests, m.requests);
    assert_eq!(listed[0].data.closed, closed.data.closed);
    let facts = store.remedy_facts(&[agency], 2024).await.unwrap();
    assert_eq!(facts[0].closed, closed.data.closed);
}

/// 机构改革: a rename keeps the former name with its date; a move refuses a cycle; a merger
/// is recorded once; an alias is unique and never a current name.
pub async fn agencies_rename_move_merge_alias<S: Store>(store: &S) {
    let gov = store
        .create_agency("改革县人民政府", None, audit())
        .await
        .unwrap();
    let land = store
        .create_agency("改革县国土资源局", Some(gov.id), audit())
        .await
        .unwrap();
    let town = store
        .create_agency("改革县某镇", Some(gov.id), audit())
        .await
        .unwrap();
    let renamed = store
        .rename_agency(land.id, "改革县自然资源局", d(2019, 3, 1), audit())
        .await
        .unwrap();
    assert_eq!(renamed.name, "改革县自然资源局");
    let read = store.agency(land.id).await.unwrap().unwrap();
    assert_eq!(read, renamed);
    assert_eq!(read.name_on(d(2018, 12, 31)), "改革县国土资源局");
    assert!(
        store
            .agency_by_name("改革县国土资源局")
            .await
            .unwrap()
            .is_none()
    );
    assert_kind(
        store
            .rename_agency(land.id, "改革县某镇", d(2020, 1, 1), audit())
            .await,
        "a name in use",
        "Conflict",
    );
    assert_kind(
        store
            .rename_agency(land.id, "改革县自然资源和规划局", d(2019, 1, 1), audit())
            .await,
        "a rename dated before the last",
        "Invalid",
    );
    // Moves.
    assert_kind(
        store.move_agency(gov.id, Some(town.id), audit()).await,
        "a cycle",
        "Invalid",
    );
    let moved = store
        .move_agency(town.id, Some(land.id), audit())
        .await
        .unwrap();
    assert_eq!(moved.parent, Some(land.id));
    // Mergers.
    let merged = store
        .merge_agency(town.id, land.id, d(2024, 3, 1), audit())
        .await
        .unwrap();
    assert_eq!(merged.merged.unwrap().into, land.id);
    assert_eq!(
        store.agency(town.id).await.unwrap().unwrap().merged,
        merged.merged
    );
    assert_kind(
        store
            .merge_agency(town.id, gov.id, d(2024, 4, 1), audit())
            .await,
        "merged twice",
        "Invalid",
    );
    assert_kind(
        store
            .merge_agency(land.id, town.id, d(2024, 4, 1), audit())
            .await,
        "merged into each other",
        "Invalid",
    );
    // Aliases.
    store
        .add_alias(land.id, "改革县资源局", audit())
        .await
        .unwrap();
    assert_kind(
        store.add_alias(gov.id, "改革县资源局", audit()).await,
        "an alias twice",
        "Conflict",
    );
    assert_kind(
        store.add_alias(gov.id, "改革县自然资源局", audit()).await,
        "a current name as alias",
        "Conflict",
    );
    assert_kind(
        store.create_agency("改革县资源局", None, audit()).await,
        "a new agency named as an alias",
        "Conflict",
    );
    let aliases = store.aliases().await.unwrap();
    assert!(aliases.contains(&("改革县资源局".to_owned(), land.id)));
    let all = store.agencies().await.unwrap();
    let land_listed = all.iter().find(|a| a.id == land.id).unwrap();
    assert_eq!(land_listed.former_names, renamed.former_names);
}

/// The report's text of an agency-year is replaced as a whole.
pub async fn report_texts_replace<S: Store>(store: &S) {
    use gongkai_cases::ReportText;
    use gongkai_report::Section;
    let agency = agency(store, "正文局").await;
    assert!(store.report_text(agency, 2024).await.unwrap().is_none());
    let text = ReportText {
        preamble: "本报告依据《条例》编制。".into(),
        sections: vec![
            (Section::S1Overview, "一年来……".into()),
            (Section::S5Problems, "存在的问题……".into()),
        ],
    };
    store
        .set_report_text(agency, 2024, &text, audit())
        .await
        .unwrap();
    assert_eq!(store.report_text(agency, 2024).await.unwrap(), Some(text));
    let shorter = ReportText {
        preamble: String::new(),
        sections: vec![(Section::S6Other, "本年度未收取信息处理费。".into())],
    };
    store
        .set_report_text(agency, 2024, &shorter, audit())
        .await
        .unwrap();
    assert_eq!(
        store.report_text(agency, 2024).await.unwrap(),
        Some(shorter)
    );
    assert!(store.report_text(agency, 2023).await.unwrap().is_none());
    assert_kind(
        store
            .set_report_text(AgencyId(999_999), 2024, &ReportText::default(), audit())
            .await,
        "unknown agency",
        "NotFound",
    );
}

/// The installation's key is made once and then always the same; the table counts cover
/// every table.
pub async fn installation_key_and_counts<S: Store>(store: &S) {
    let key = store.installation_key().await.unwrap();
    assert_eq!(key.len(), 32);
    assert!(key.iter().any(|&b| b != 0));
    assert_eq!(store.installation_key().await.unwrap(), key);
    let counts = store.table_counts().await.unwrap();
    let installation = counts.iter().find(|(t, _)| t == "installation").unwrap();
    assert_eq!(installation.1, 1);
    assert!(counts.iter().any(|(t, n)| t == "audit_log" && *n >= 0));
}

/// An import fed in chunks is one transaction: a reference repeated in a later chunk fails it,
/// and a session dropped without committing leaves nothing, audit log included.
pub async fn import_session_spans_chunks<S: Store>(store: &S) {
    use crate::ImportSession;
    let agency = agency(store, "分块导入局").await;
    let other = self::agency(store, "分块导入另一局").await;
    let log_before = store.audit_last().await.unwrap().map(|e| e.seq);
    let rows = |from: usize, to: usize| -> Vec<(NewRequest, Vec<TimelineEvent>)> {
        (from..to)
            .map(|i| {
                (
                    new_request(agency, &format!("CH-{i}"), d(2024, 5, 1)),
                    vec![],
                )
            })
            .collect()
    };
    let mut session = store.begin_import(ImportPolicy::default()).await.unwrap();
    session.add(rows(0, 600), vec![]).await.unwrap();
    assert_kind(
        session.add(rows(599, 700), vec![]).await,
        "a reference in two chunks",
        "Conflict",
    );
    drop(session);
    assert!(
        store
            .request_ids(&[agency], false)
            .await
            .unwrap()
            .is_empty()
    );

    let mut session = store.begin_import(ImportPolicy::default()).await.unwrap();
    session.add(rows(0, 600), vec![]).await.unwrap();
    session.add(rows(600, 1300), vec![]).await.unwrap();
    drop(session);
    assert!(
        store
            .request_ids(&[agency], false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.audit_last().await.unwrap().map(|e| e.seq), log_before);

    let mut session = store.begin_import(ImportPolicy::default()).await.unwrap();
    session.add(rows(0, 600), vec![]).await.unwrap();
    session.add(rows(600, 1300), vec![]).await.unwrap();
    // What the session added counts as existing; other agencies' requests do not.
    let asked: Vec<String> = ["CH-0", "CH-1299", "CH-1300", "CH-x"]
        .map(String::from)
        .to_vec();
    assert_eq!(
        session.missing_requests(agency, &asked).await.unwrap(),
        ["CH-1300", "CH-x"]
    );
    assert_eq!(
        session.missing_requests(other, &asked[..1]).await.unwrap(),
        ["CH-0"]
    );
    let summary = session.commit(audit()).await.unwrap();
    assert_eq!(summary.created, 1300);
    assert_eq!(
        store.request_ids(&[agency], false).await.unwrap().len(),
        1300
    );
    let entry = store.audit_last().await.unwrap().unwrap();
    assert_eq!(
        entry.seq,
        log_before.unwrap_or(0) + 1,
        "one entry per import"
    );
    assert!(
        entry.summary.contains("\"created\":1300"),
        "{}",
        entry.summary
    );
}

/// A moment of the accounts tests: `seconds` after a fixed instant, with nanoseconds, which
/// the stores keep to the microsecond.
fn at(base: i64, seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(base + seconds, 123_456_789).unwrap()
}

/// 1 January 2025, the accounts tests' time, and 1 January 2001: [`accounts_sessions`] purges
/// sessions of 2001 only, so that it purges no session of another test sharing the store.
const T2025: i64 = 1_735_689_600;
const T2001: i64 = 978_307_200;

/// A time as the stores keep it.
fn kept(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// A session or token secret's SHA-256 as the tests make them up, and its stored text.
fn secret(n: u8) -> ([u8; 32], String) {
    let bytes = [n; 32];
    (bytes, gongkai_audit::Hash(bytes).to_string())
}

/// A password hash as the services store it (Argon2id, PHC string).
fn phc(salt: &str) -> String {
    format!("$argon2id$v=19$m=19456,t=2,p=1${salt}$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNo")
}

/// The summary of the audit log's last entry, which must follow `before`.
async fn last_summary<S: Store>(store: &S, before: i64) -> String {
    let entry = store.audit_last().await.unwrap().unwrap();
    assert_eq!(entry.seq, before + 1, "one entry per write");
    entry.summary
}

/// The sequence number of the audit log's last entry (0 while it is empty).
async fn audit_seq<S: Store>(store: &S) -> i64 {
    store.audit_last().await.unwrap().map_or(0, |e| e.seq)
}

/// Accounts are created with no role, found by name and id, listed by name; names are unique;
/// the audit entry names the account and never holds its password hash.
pub async fn accounts_users<S: Store>(store: &S) {
    let before = audit_seq(store).await;
    let hash = phc("dXNlcnM");
    let zhang = store
        .create_user("账户甲张", &hash, None, audit())
        .await
        .unwrap();
    assert_eq!(zhang.name, "账户甲张");
    assert!(!zhang.disabled && zhang.roles.is_empty());
    assert!((Utc::now() - zhang.created).num_seconds().abs() < 60);
    let summary = last_summary(store, before).await;
    assert!(summary.contains("账户甲张"), "{summary}");
    assert!(
        !summary.contains(&hash) && !summary.contains("argon2"),
        "{summary}"
    );

    let li = store
        .create_user("account-b-li", &phc("bGk"), None, audit())
        .await
        .unwrap();
    assert_ne!(li.id, zhang.id);
    assert_kind(
        store
            .create_user("账户甲张", &phc("YWdhaW4"), None, audit())
            .await,
        "a name taken",
        "Conflict",
    );
    assert_eq!(
        audit_seq(store).await,
        before + 2,
        "a refused write has no entry"
    );
    // With its first role: one transaction, one entry; an unknown agency leaves no account.
    let office = agency(store, "账户角色局").await;
    let seq = audit_seq(store).await;
    let wang = store
        .create_user(
            "账户王",
            &phc("d2FuZw"),
            Some((office, Role::Approver)),
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(wang.roles, [(office, Role::Approver)]);
    assert_eq!(
        store.user(wang.id).await.unwrap().unwrap().roles,
        wang.roles
    );
    assert_eq!(audit_seq(store).await, seq + 1);
    assert_kind(
        store
            .create_user(
                "账户无机关",
                &phc("bm8"),
                Some((AgencyId(987_654), Role::Officer)),
                audit(),
            )
            .await,
        "an unknown agency",
        "NotFound",
    );
    assert!(store.user_by_name("账户无机关").await.unwrap().is_none());

    assert_eq!(store.user(zhang.id).await.unwrap(), Some(zhang.clone()));
    assert_eq!(
        store.user_by_name("account-b-li").await.unwrap(),
        Some(li.clone())
    );
    assert_eq!(store.user_by_name("无此账户").await.unwrap(), None);
    assert_eq!(store.user(UserId(i64::MAX)).await.unwrap(), None);
    let all = store.users().await.unwrap();
    assert!(all.contains(&zhang) && all.contains(&li));
    assert!(all.windows(2).all(|w| w[0].name < w[1].name), "by name");
    let cred = store.credentials("账户甲张").await.unwrap().unwrap();
    assert_eq!(cred.user, zhang);
    assert_eq!(cred.password_hash, hash);
    assert_eq!((cred.failed_logins, cred.locked_until), (0, None));
    assert_eq!(store.credentials("无此账户").await.unwrap(), None);
}

/// Roles are granted on existing agencies to existing accounts, granting one held changes
/// nothing (audit log included), taking back one not held is `NotFound`; an account's roles
/// are ordered by agency then role.
pub async fn accounts_roles<S: Store>(store: &S) {
    let top = agency(store, "角色测试县").await;
    let town = store
        .create_agency("角色测试县某镇", Some(top), audit())
        .await
        .unwrap()
        .id;
    let user = store
        .create_user("账户乙角色", &phc("cm9sZXM"), None, audit())
        .await
        .unwrap()
        .id;
    let before = audit_seq(store).await;
    store
        .grant_role(user, town, Role::Officer, audit())
        .await
        .unwrap();
    let summary = last_summary(store, before).await;
    assert!(
        summary.contains("账户乙角色") && summary.contains("officer"),
        "{summary}"
    );
    store
        .grant_role(user, top, Role::Supervisor, audit())
        .await
        .unwrap();
    store
        .grant_role(user, town, Role::Approver, audit())
        .await
        .unwrap();
    let seq = audit_seq(store).await;
    let again = store
        .grant_role(user, town, Role::Officer, audit())
        .await
        .unwrap();
    assert_eq!(audit_seq(store).await, seq, "a role held: nothing written");
    let expected = vec![
        (top, Role::Supervisor),
        (town, Role::Officer),
        (town, Role::Approver),
    ];
    assert_eq!(again.roles, expected);
    assert_eq!(store.user(user).await.unwrap().unwrap().roles, expected);
    let listed = store.users().await.unwrap();
    let listed = listed.iter().find(|u| u.id == user).unwrap();
    assert_eq!(listed.roles, expected);

    assert_kind(
        store
            .grant_role(user, AgencyId(i64::MAX), Role::Admin, audit())
            .await,
        "an unknown agency",
        "NotFound",
    );
    assert_kind(
        store
            .grant_role(UserId(i64::MAX), top, Role::Admin, audit())
            .await,
        "an unknown account",
        "NotFound",
    );
    assert_kind(
        store.revoke_role(user, top, Role::Admin, audit()).await,
        "a role not held",
        "NotFound",
    );
    assert_eq!(audit_seq(store).await, seq, "refused writes: no entry");

    let after = store
        .revoke_role(user, town, Role::Officer, audit())
        .await
        .unwrap();
    assert_eq!(
        after.roles,
        [(top, Role::Supervisor), (town, Role::Approver)]
    );
    assert_eq!(store.user(user).await.unwrap().unwrap(), after);
    let summary = last_summary(store, seq).await;
    assert!(summary.contains("officer"), "{summary}");
}

/// Disabling ends the account's sessions; a new password ends every other session, keeps the
/// one given and lifts the lockout; failed logins count up and the lockout is kept as given.
pub async fn accounts_lockout_and_disable<S: Store>(store: &S) {
    let user = store
        .create_user("账户丙锁定", &phc("bG9jaw"), None, audit())
        .await
        .unwrap();
    let (a, b, c) = (secret(0xa1).0, secret(0xa2).0, secret(0xa3).0);
    let now = at(T2025, 0);
    for s in [&a, &b, &c] {
        store.create_session(user.id, s, "csrf", now).await.unwrap();
    }

    let before = audit_seq(store).await;
    let lock = at(T2025, 900);
    assert_eq!(store.login_failed(user.id, None).await.unwrap(), 1);
    assert_eq!(store.login_failed(user.id, Some(lock)).await.unwrap(), 2);
    assert_eq!(store.login_failed(user.id, None).await.unwrap(), 3);
    let cred = store.credentials("账户丙锁定").await.unwrap().unwrap();
    assert_eq!(cred.failed_logins, 3);
    assert_eq!(
        cred.locked_until,
        Some(kept(lock)),
        "kept to the microsecond"
    );
    assert_eq!(
        audit_seq(store).await,
        before,
        "failed logins are not audited"
    );
    assert_kind(
        store.login_failed(UserId(i64::MAX), None).await,
        "an unknown account",
        "NotFound",
    );

    let new_hash = phc("bmV3");
    store
        .set_password(user.id, &new_hash, Some(&b), audit())
        .await
        .unwrap();
    let summary = last_summary(store, before).await;
    assert!(summary.contains("账户丙锁定"), "{summary}");
    assert!(
        !summary.contains(&new_hash) && !summary.contains("argon2"),
        "{summary}"
    );
    let cred = store.credentials("账户丙锁定").await.unwrap().unwrap();
    assert_eq!(cred.password_hash, new_hash);
    assert_eq!((cred.failed_logins, cred.locked_until), (0, None));
    assert!(store.session(&a).await.unwrap().is_none());
    assert!(store.session(&b).await.unwrap().is_some(), "kept");
    assert!(store.session(&c).await.unwrap().is_none());
    store
        .set_password(user.id, &phc("YWxs"), None, audit())
        .await
        .unwrap();
    assert!(store.session(&b).await.unwrap().is_none());
    assert_kind(
        store
            .set_password(UserId(i64::MAX), &new_hash, None, audit())
            .await,
        "an unknown account",
        "NotFound",
    );

    // A successful login clears the failures.
    store.login_failed(user.id, Some(lock)).await.unwrap();
    store
        .create_session(user.id, &a, "csrf", now)
        .await
        .unwrap();
    let cred = store.credentials("账户丙锁定").await.unwrap().unwrap();
    assert_eq!((cred.failed_logins, cred.locked_until), (0, None));

    let seq = audit_seq(store).await;
    let disabled = store.set_disabled(user.id, true, audit()).await.unwrap();
    assert!(disabled.disabled);
    assert_eq!(store.user(user.id).await.unwrap().unwrap(), disabled);
    assert!(store.session(&a).await.unwrap().is_none(), "sessions ended");
    let summary = last_summary(store, seq).await;
    assert!(summary.contains("账户丙锁定"), "{summary}");
    // A session of a disabled account is still found: the caller refuses it.
    store
        .create_session(user.id, &c, "csrf", now)
        .await
        .unwrap();
    assert!(store.session(&c).await.unwrap().unwrap().user.disabled);
    let enabled = store.set_disabled(user.id, false, audit()).await.unwrap();
    assert!(!enabled.disabled);
    assert!(
        store.session(&c).await.unwrap().is_some(),
        "enabling ends none"
    );
    assert_kind(
        store.set_disabled(UserId(i64::MAX), true, audit()).await,
        "an unknown account",
        "NotFound",
    );
}

/// Sessions: stored under the hash of their secret with their account, touched, ended,
/// purged by either timeout; times kept to the microsecond; nothing audited.
pub async fn accounts_sessions<S: Store>(store: &S) {
    let top = agency(store, "会话测试局").await;
    let user = store
        .create_user("账户丁会话", &phc("c2Vzcw"), None, audit())
        .await
        .unwrap();
    let user = store
        .grant_role(user.id, top, Role::Officer, audit())
        .await
        .unwrap();
    let before = audit_seq(store).await;
    let (a, b, c) = (secret(0xd1).0, secret(0xd2).0, secret(0xd3).0);
    store
        .create_session(user.id, &a, "csrf-a", at(T2001, 0))
        .await
        .unwrap();
    store
        .create_session(user.id, &b, "csrf-b", at(T2001, 3600))
        .await
        .unwrap();
    store
        .create_session(user.id, &c, "csrf-c", at(T2001, 7200))
        .await
        .unwrap();
    assert_kind(
        store
            .create_session(user.id, &a, "again", at(T2001, 0))
            .await,
        "a secret in use",
        "Conflict",
    );
    assert_kind(
        store
            .create_session(UserId(i64::MAX), &secret(0xd4).0, "x", at(T2001, 0))
            .await,
        "an unknown account",
        "NotFound",
    );
    let got = store.session(&b).await.unwrap().unwrap();
    assert_eq!(got.user, user, "with its account and roles");
    assert_eq!(got.csrf, "csrf-b");
    assert_eq!(got.created, kept(at(T2001, 3600)));
    assert_eq!(got.last_seen, got.created);
    assert!(store.session(&secret(0xd5).0).await.unwrap().is_none());

    store.touch_session(&b, at(T2001, 3 * 3600)).await.unwrap();
    let got = store.session(&b).await.unwrap().unwrap();
    assert_eq!(got.last_seen, kept(at(T2001, 3 * 3600)));
    assert_eq!(got.created, kept(at(T2001, 3600)));
    // A request answered late by another process does not move it back.
    store.touch_session(&b, at(T2001, 2 * 3600)).await.unwrap();
    let got = store.session(&b).await.unwrap().unwrap();
    assert_eq!(got.last_seen, kept(at(T2001, 3 * 3600)));
    store
        .touch_session(&secret(0xd5).0, at(T2001, 0))
        .await
        .unwrap();

    // Created before 00:30 (a), or last seen before 02:30 (c): b stays.
    let purged = store
        .purge_sessions(at(T2001, 1800), at(T2001, 9000))
        .await
        .unwrap();
    assert_eq!(purged, 2);
    assert!(store.session(&a).await.unwrap().is_none());
    assert!(store.session(&b).await.unwrap().is_some());
    assert!(store.session(&c).await.unwrap().is_none());
    // A threshold equal to a time purges nothing at that time.
    let kept_b = store.session(&b).await.unwrap().unwrap();
    assert_eq!(
        store
            .purge_sessions(kept_b.created, kept_b.last_seen)
            .await
            .unwrap(),
        0
    );

    store.delete_session(&b).await.unwrap();
    assert!(store.session(&b).await.unwrap().is_none());
    store.delete_session(&b).await.unwrap();

    // Times compare as times whatever their decimals (a whole second has none).
    let whole = DateTime::from_timestamp(T2001 + 86_400, 0).unwrap();
    let (d, _) = secret(0xd6);
    store
        .create_session(user.id, &d, "csrf-d", whole)
        .await
        .unwrap();
    let early = at(T2001, 0);
    let micro = chrono::Duration::microseconds(1);
    let milli = chrono::Duration::milliseconds(500);
    assert_eq!(store.purge_sessions(whole - micro, early).await.unwrap(), 0);
    assert_eq!(store.purge_sessions(whole, early).await.unwrap(), 0);
    assert_eq!(store.purge_sessions(whole + micro, early).await.unwrap(), 1);
    store
        .create_session(user.id, &d, "csrf-d", whole)
        .await
        .unwrap();
    assert_eq!(store.purge_sessions(whole + milli, early).await.unwrap(), 1);
    assert_eq!(audit_seq(store).await, before, "sessions are not audited");
}

/// API tokens: stored under the hash of their secret, found with their account (expired or
/// disabled too), listed newest first with the hash's first 8 digits, revoked; the audit
/// entries never hold the hash.
/// An `Idempotency-Key` is taken once per account: then running, then answered; freed only
/// while unanswered; forgotten after its time; and of many calls at once exactly one takes it.
pub async fn accounts_idempotency_keys<S: Store>(store: &S) {
    use crate::accounts::KeyClaim;
    let user = store
        .create_user("账户己幂等", &phc("aWRlbQ"), None, audit())
        .await
        .unwrap();
    let other = store
        .create_user("账户己另一个", &phc("b3Ro"), None, audit())
        .await
        .unwrap();
    let now = Utc::now();
    let day_ago = now - chrono::Duration::days(1);
    let claim = |user, key: &'static str, hash: &'static str| {
        store.claim_key(user, key, hash, now, day_ago)
    };
    assert_eq!(claim(user.id, "k-1", "h1").await.unwrap(), KeyClaim::New);
    let running = KeyClaim::Running {
        request_hash: "h1".into(),
    };
    assert_eq!(claim(user.id, "k-1", "h1").await.unwrap(), running);
    // What the second call sent is not recorded: the first call's hash is what it is told.
    assert_eq!(claim(user.id, "k-1", "h2").await.unwrap(), running);
    // Keys are per account.
    assert_eq!(claim(other.id, "k-1", "h1").await.unwrap(), KeyClaim::New);

    store
        .answer_key(user.id, "k-1", 201, "{\"id\":7}")
        .await
        .unwrap();
    let answered = KeyClaim::Answered {
        request_hash: "h1".into(),
        status: 201,
        body: "{\"id\":7}".into(),
    };
    assert_eq!(claim(user.id, "k-1", "h1").await.unwrap(), answered);
    // An answered key is never freed.
    store.release_key(user.id, "k-1").await.unwrap();
    assert_eq!(claim(user.id, "k-1", "h1").await.unwrap(), answered);
    // An unanswered one is.
    store.release_key(other.id, "k-1").await.unwrap();
    assert_eq!(claim(other.id, "k-1", "h3").await.unwrap(), KeyClaim::New);

    // A day later the key is forgotten and free again.
    let later = now + chrono::Duration::days(1) + chrono::Duration::seconds(1);
    assert_eq!(
        store
            .claim_key(
                user.id,
                "k-1",
                "h4",
                later,
                later - chrono::Duration::days(1)
            )
            .await
            .unwrap(),
        KeyClaim::New
    );

    // Twenty calls with one new key at once: one takes it.
    let calls = (0..20).map(|_| store.claim_key(user.id, "k-2", "h5", now, day_ago));
    let claims = futures_util::future::join_all(calls).await;
    let new = claims
        .iter()
        .filter(|c| matches!(c, Ok(KeyClaim::New)))
        .count();
    assert_eq!(new, 1, "{claims:?}");
    assert!(claims.iter().all(Result::is_ok), "{claims:?}");
}

pub async fn accounts_tokens<S: Store>(store: &S) {
    let user = store
        .create_user("账户戊令牌", &phc("dG9r"), None, audit())
        .await
        .unwrap();
    let other = store
        .create_user("账户戊另一个", &phc("b3Ro"), None, audit())
        .await
        .unwrap();
    let (one, one_hex) = secret(0xe1);
    let (two, two_hex) = secret(0xe2);
    let before = audit_seq(store).await;
    let first = store
        .create_token(user.id, &one, None, audit())
        .await
        .unwrap();
    assert_eq!(first.user, user.id);
    assert_eq!(first.prefix, one_hex[..8]);
    assert_eq!(first.expires, None);
    assert!((Utc::now() - first.created).num_seconds().abs() < 60);
    let summary = last_summary(store, before).await;
    assert!(summary.contains("账户戊令牌"), "{summary}");
    assert!(!summary.contains(&one_hex), "{summary}");

    let expired = at(T2001, 0);
    let second = store
        .create_token(user.id, &two, Some(expired), audit())
        .await
        .unwrap();
    assert_eq!(second.expires, Some(kept(expired)));
    assert_eq!(second.prefix, two_hex[..8]);
    assert_kind(
        store.create_token(other.id, &one, None, audit()).await,
        "a secret in use",
        "Conflict",
    );
    assert_kind(
        store
            .create_token(UserId(i64::MAX), &secret(0xe3).0, None, audit())
            .await,
        "an unknown account",
        "NotFound",
    );

    assert_eq!(
        store.tokens_of(user.id).await.unwrap(),
        [second.clone(), first.clone()]
    );
    assert!(store.tokens_of(other.id).await.unwrap().is_empty());
    let (found, owner) = store.token(&two).await.unwrap().unwrap();
    assert_eq!(
        (found, owner),
        (second.clone(), user.clone()),
        "expired: found"
    );
    assert!(store.token(&secret(0xe4).0).await.unwrap().is_none());
    store.set_disabled(user.id, true, audit()).await.unwrap();
    let (_, owner) = store.token(&one).await.unwrap().unwrap();
    assert!(owner.disabled, "disabled: found, the caller refuses it");

    let seq = audit_seq(store).await;
    store.revoke_token(first.id, audit()).await.unwrap();
    let summary = last_summary(store, seq).await;
    assert!(summary.contains(&first.prefix), "{summary}");
    assert!(!summary.contains(&one_hex), "{summary}");
    assert!(store.token(&one).await.unwrap().is_none());
    assert_eq!(store.tokens_of(user.id).await.unwrap(), [second]);
    assert_kind(
        store.revoke_token(first.id, audit()).await,
        "a token revoked already",
        "NotFound",
    );
    // A revoked token's id is not given again.
    let (three, _) = secret(0xe5);
    let third = store
        .create_token(user.id, &three, None, audit())
        .await
        .unwrap();
    assert!(third.id > first.id);
}

/// An account's e-mail address is set, read with the account and cleared; its calendar feed is
/// found by its hash alone, replaced when rotated (the old hash no longer finds it), one per
/// account, and revoked; the hashes never enter the audit log.
pub async fn accounts_email_and_feeds<S: Store>(store: &S) {
    let user = store
        .create_user("账户庚日历", &phc("ZmVlZA"), None, audit())
        .await
        .unwrap();
    let other = store
        .create_user("账户庚另一个", &phc("b3Ro"), None, audit())
        .await
        .unwrap();
    assert_eq!(user.email, None);
    let set = store
        .set_email(user.id, Some("zhang@example.gov.cn"), audit())
        .await
        .unwrap();
    assert_eq!(set.email.as_deref(), Some("zhang@example.gov.cn"));
    let read = store.user_by_name("账户庚日历").await.unwrap().unwrap();
    assert_eq!(read, set);
    assert!(
        store
            .users()
            .await
            .unwrap()
            .iter()
            .any(|u| u.id == user.id && u.email == set.email)
    );
    assert_kind(
        store.set_email(UserId(i64::MAX), None, audit()).await,
        "an unknown account",
        "NotFound",
    );

    let (one, one_hex) = secret(0xf1);
    let (two, two_hex) = secret(0xf2);
    assert_eq!(store.feed_of(user.id).await.unwrap(), None);
    let before = audit_seq(store).await;
    let created = store.set_feed(user.id, &one, audit()).await.unwrap();
    assert!((Utc::now() - created).num_seconds().abs() < 60);
    let summary = last_summary(store, before).await;
    assert!(summary.contains("账户庚日历"), "{summary}");
    assert!(!summary.contains(&one_hex), "{summary}");
    assert_eq!(store.feed_of(user.id).await.unwrap(), Some(created));
    assert_eq!(store.feed_user(&one).await.unwrap(), Some(set.clone()));
    assert_kind(
        store.set_feed(other.id, &one, audit()).await,
        "a secret in use by another account",
        "Conflict",
    );
    assert_eq!(store.feed_of(other.id).await.unwrap(), None);

    // Rotation: the new token works, the old one no longer does.
    store.set_feed(user.id, &two, audit()).await.unwrap();
    assert!(store.feed_user(&one).await.unwrap().is_none());
    assert_eq!(
        store.feed_user(&two).await.unwrap().map(|u| u.id),
        Some(user.id)
    );

    let seq = audit_seq(store).await;
    store.revoke_feed(user.id, audit()).await.unwrap();
    let summary = last_summary(store, seq).await;
    assert!(!summary.contains(&two_hex), "{summary}");
    assert!(store.feed_user(&two).await.unwrap().is_none());
    assert_eq!(store.feed_of(user.id).await.unwrap(), None);
    assert_kind(
        store.revoke_feed(user.id, audit()).await,
        "no feed to revoke",
        "NotFound",
    );
    // A feed left in place, for the copy test to carry over.
    store
        .set_feed(other.id, &secret(0xf3).0, audit())
        .await
        .unwrap();
    let cleared = store.set_email(user.id, None, audit()).await.unwrap();
    assert_eq!(cleared.email, None);
    store
        .set_email(other.id, Some("li@example.gov.cn"), audit())
        .await
        .unwrap();
}

/// A copy of an installation (`copy_from`) holds every row of every table of `source` (filled
/// by [`run_all`] first), accounts included, and `target` (empty before) then takes new accounts
/// and tokens after the copied ones.
pub async fn copy_keeps_every_row<S: Store, T: Store>(source: &S, target: &T) {
    let counts = target.copy_from(source, |_, _| {}).await.unwrap();
    assert_eq!(counts, source.table_counts().await.unwrap());
    for table in [
        "documents",
        "document_attachments",
        "blobs",
        "directory_items",
        "document_items",
        "channels",
        "document_channels",
        "channel_post_counts",
    ] {
        let n = counts.iter().find(|(t, _)| t == table).map_or(0, |c| c.1);
        assert!(n > 0, "the copy holds the catalogue's {table}");
    }
    for table in crate::transfer::SCHEMA {
        assert_eq!(
            every_row(source, table).await,
            every_row(target, table).await,
            "{}",
            table.name
        );
    }
    // The copy goes on giving document ids and revisions after the copied ones.
    let n = target.agencies().await.unwrap().len();
    let a = agency(target, &format!("复制后的机关{n}")).await;
    let doc = target
        .create_document(
            new_document(a, "COPY/2024-00001", "复制后", d(2024, 1, 1)),
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(doc.revision, source.catalogue_revision().await.unwrap() + 1);
    let last = source.documents_since(0, 1_000_000).await.unwrap();
    assert!(last.iter().all(|x| x.id < doc.id));
    let copied = target.user_by_name("账户戊令牌").await.unwrap();
    assert_eq!(copied, source.user_by_name("账户戊令牌").await.unwrap());
    // Named and keyed by how many accounts there are: a copy may be copied again.
    let n = target.users().await.unwrap().len();
    let name = format!("复制后的账户{n}");
    let user = target
        .create_user(&name, &phc("Y29weQ"), None, audit())
        .await;
    let mut fresh = [0xf1; 32];
    fresh[..8].copy_from_slice(&(n as u64).to_le_bytes());
    let token = target.create_token(user.unwrap().id, &fresh, None, audit());
    token.await.unwrap();
}

/// Every row of `table`, written out and sorted: the databases order text keys by different
/// collations.
async fn every_row<S: Store>(store: &S, table: &'static crate::transfer::TableDef) -> Vec<String> {
    const PAGE: usize = 5000;
    let mut all = Vec::new();
    loop {
        let page = store.rows(table, all.len() as u64, PAGE).await.unwrap();
        all.extend(page.iter().map(|row| format!("{row:?}")));
        if page.len() < PAGE {
            break;
        }
    }
    all.sort();
    all
}

/// Checks that the tables and columns a backend's database has, as `(table, column)` pairs
/// read from its catalogue (its own bookkeeping left out), are those of
/// [`transfer::SCHEMA`](crate::transfer::SCHEMA): a copy of the installation walks that list,
/// so a table or column missing from it would be left behind.
pub fn check_schema_lists(mut found: Vec<(String, String)>) {
    let mut listed: Vec<(String, String)> = crate::transfer::SCHEMA
        .iter()
        .flat_map(|t| {
            t.columns
                .iter()
                .map(|(c, _)| (t.name.to_owned(), (*c).to_owned()))
        })
        .collect();
    found.sort();
    listed.sort();
    assert_eq!(found, listed);
}

// ---------------------------------------------------------------------------------------------
// The catalogue (政府信息公开目录) and blobs.

use crate::{Blobs, DocumentFilter};
use gongkai_catalogue::{
    Attachment, Category, DocNumber, Document, DocumentId, IndexNumber, Item, NewDocument, Validity,
};
use std::collections::HashSet;

/// A document of `agency` with every field set, its index number `index`.
fn new_document(agency: AgencyId, index: &str, title: &str, published: NaiveDate) -> NewDocument {
    NewDocument {
        agency,
        index_number: IndexNumber::parse(index),
        title: title.into(),
        doc_number: DocNumber::parse("盐政办发〔2020〕12号"),
        written: Some(published - chrono::Days::new(5)),
        published,
        category: None,
        item: Some(Item::Article20(1)),
        topic: "综合政务".into(),
        genre: "通知".into(),
        method: "政府网站".into(),
        scope: "面向社会".into(),
        validity: Validity::InForce,
        interprets: None,
        body_html: format!("<p>{title}的正文。</p>"),
        body_text: format!("{title}的正文。"),
        attachments: vec![Attachment {
            sha256: crate::blobs::sha256_hex(title.as_bytes()),
            name: "附件1.pdf".into(),
            media_type: "application/pdf".into(),
            size: 1234,
        }],
        items: Vec::new(),
        channels: Vec::new(),
    }
}

/// The document as stored, without the revision the store gives it.
fn data(doc: &Document) -> &NewDocument {
    &doc.data
}

/// A document reads back exactly as created, by id, by index number in another width and in
/// bulk; an update replaces it (attachments included) under a later revision; what the store
/// refuses (unknown agency or interpreted document, a document interpreting itself, a missing
/// title, an item of 第二十条 that does not exist) writes nothing.
pub async fn catalogue_round_trip<S: Store>(store: &S) {
    let a = agency(store, "目录往返局").await;
    let mut new = new_document(
        a,
        "11140802MB1962461X/2020-00123",
        "关于印发方案的通知",
        d(2020, 5, 8),
    );
    new.category = Some(Category::NormativeDocument);
    new.attachments.push(Attachment {
        sha256: crate::blobs::sha256_hex(b"second"),
        name: "附件2.xlsx".into(),
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
        size: 99,
    });
    let created = store.create_document(new.clone(), audit()).await.unwrap();
    assert_eq!(data(&created), &new);
    assert!(created.revision > 0);
    assert_eq!(
        store.document(created.id).await.unwrap(),
        Some(created.clone())
    );
    // Full-width letters, digits and slash: the same key.
    let wide = "１１１４０８０２ＭＢ１９６２４６１Ｘ／２０２０－００１２３";
    assert_eq!(
        store.document_by_index(a, wide).await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(store.document_by_index(a, "other").await.unwrap(), None);
    assert_eq!(store.document(DocumentId(i64::MAX)).await.unwrap(), None);

    let mut second = new_document(a, "11140802MB1962461X/2020-00124", "解读", d(2020, 5, 9));
    second.interprets = Some(created.id);
    second.attachments.clear();
    second.doc_number = None;
    second.written = None;
    second.item = Some(Item::Article21("乡村振兴".into()));
    let second = store.create_document(second, audit()).await.unwrap();
    assert!(second.revision > created.revision);
    let bulk = store
        .documents_by_ids(&[second.id, DocumentId(i64::MAX), created.id, second.id])
        .await
        .unwrap();
    assert_eq!(bulk, vec![second.clone(), created.clone(), second.clone()]);

    let mut changed = new.clone();
    changed.title = "关于印发方案的通知（修订）".into();
    changed.attachments.truncate(1);
    changed.body_html = "<p>新正文</p>".into();
    let updated = store
        .update_document(created.id, changed.clone(), audit())
        .await
        .unwrap();
    assert_eq!(updated.id, created.id);
    assert!(updated.revision > second.revision);
    assert_eq!(
        store.document(created.id).await.unwrap(),
        Some(updated.clone())
    );

    let before = audit_seq(store).await;
    let revision = store.catalogue_revision().await.unwrap();
    let mut bad = new_document(AgencyId(i64::MAX), "X-1", "无机关", d(2020, 1, 1));
    assert_kind(
        store.create_document(bad.clone(), audit()).await,
        "unknown agency",
        "NotFound",
    );
    bad.agency = a;
    bad.interprets = Some(DocumentId(i64::MAX));
    assert_kind(
        store.create_document(bad.clone(), audit()).await,
        "unknown interpreted",
        "NotFound",
    );
    bad.interprets = None;
    bad.title = "  ".into();
    assert_kind(
        store.create_document(bad.clone(), audit()).await,
        "no title",
        "Invalid",
    );
    bad.title = "有标题".into();
    bad.item = Some(Item::Article20(16));
    assert_kind(
        store.create_document(bad.clone(), audit()).await,
        "item 16",
        "Invalid",
    );
    bad.item = None;
    bad.index_number = IndexNumber::parse("   ");
    assert_kind(
        store.create_document(bad.clone(), audit()).await,
        "no index number",
        "Invalid",
    );
    let mut itself = changed.clone();
    itself.interprets = Some(created.id);
    assert_kind(
        store.update_document(created.id, itself, audit()).await,
        "interprets itself",
        "Invalid",
    );
    assert_kind(
        store
            .update_document(DocumentId(i64::MAX), changed.clone(), audit())
            .await,
        "unknown document",
        "NotFound",
    );
    assert_eq!(audit_seq(store).await, before, "nothing written");
    assert_eq!(store.catalogue_revision().await.unwrap(), revision);
    assert_eq!(store.document(created.id).await.unwrap(), Some(updated));
}

/// 索引号 are unique within an agency by their key (第十二条), not across agencies.
pub async fn catalogue_unique_index_numbers<S: Store>(store: &S) {
    let a = agency(store, "索引号甲局").await;
    let b = agency(store, "索引号乙局").await;
    let first = store
        .create_document(
            new_document(a, "abc/2021-00001", "甲", d(2021, 3, 1)),
            audit(),
        )
        .await
        .unwrap();
    // Case, width, dash and spaces differ: the same key.
    for twin in [
        "ABC/2021-00001",
        "ＡＢＣ／２０２１－００００１",
        "abc / 2021—00001",
    ] {
        let result = store
            .create_document(new_document(a, twin, "重复", d(2021, 3, 2)), audit())
            .await;
        match result {
            Err(StoreError::Conflict(message)) => assert!(message.contains(twin), "{message}"),
            other => panic!("{twin}: expected Conflict, got {other:?}"),
        }
    }
    // Leading zeros are significant.
    store
        .create_document(
            new_document(a, "abc/2021-1", "不同", d(2021, 3, 2)),
            audit(),
        )
        .await
        .unwrap();
    let other = store
        .create_document(
            new_document(b, "abc/2021-00001", "乙", d(2021, 3, 1)),
            audit(),
        )
        .await
        .unwrap();
    assert_ne!(other.id, first.id);
    // Moving a document onto a taken index number is refused too.
    let taken = new_document(a, "ABC/2021-00001", "改号", d(2021, 3, 3));
    let third = store
        .create_document(
            new_document(a, "abc/2021-00003", "丙", d(2021, 3, 3)),
            audit(),
        )
        .await
        .unwrap();
    assert_kind(
        store.update_document(third.id, taken, audit()).await,
        "update onto a taken index number",
        "Conflict",
    );
    let filter = DocumentFilter {
        agencies: vec![a],
        limit: 100,
        ..Default::default()
    };
    assert_eq!(store.list_documents(&filter).await.unwrap().len(), 3);
}

/// Newest first by 发布日期 then id; pages by keyset that together give every document once;
/// filters by agency, category and dates; no agencies, no documents.
pub async fn catalogue_list_and_paginate<S: Store>(store: &S) {
    let a = agency(store, "列表甲局").await;
    let b = agency(store, "列表乙局").await;
    let mut expected = Vec::new();
    for i in 0..23u32 {
        // Several documents share a day, so the id breaks ties.
        let day = d(2022, 1 + i % 6, 1 + i % 3);
        let mut new = new_document(a, &format!("LIST/2022-{i:05}"), &format!("文件{i}"), day);
        if i % 4 == 0 {
            new.category = Some(Category::Regulation);
        }
        expected.push(store.create_document(new, audit()).await.unwrap());
    }
    store
        .create_document(
            new_document(b, "LIST/2022-00000", "乙局文件", d(2022, 3, 1)),
            audit(),
        )
        .await
        .unwrap();
    expected.sort_by_key(|x| std::cmp::Reverse((x.data.published, x.id)));

    let mut filter = DocumentFilter {
        agencies: vec![a],
        limit: 5,
        ..Default::default()
    };
    let mut pages = Vec::new();
    loop {
        let page = store.list_documents(&filter).await.unwrap();
        assert!(page.len() <= 5);
        let Some(last) = page.last() else { break };
        filter.after = Some((last.data.published, last.id));
        pages.extend(page);
    }
    assert_eq!(pages, expected);

    let regulations = store
        .list_documents(&DocumentFilter {
            agencies: vec![a],
            category: Some(Category::Regulation),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let want: Vec<&Document> = expected
        .iter()
        .filter(|x| x.data.category == Some(Category::Regulation))
        .collect();
    assert_eq!(regulations.iter().collect::<Vec<_>>(), want);
    assert_eq!(want.len(), 6);

    let range = store
        .list_documents(&DocumentFilter {
            agencies: vec![a, b],
            published_from: Some(d(2022, 3, 1)),
            published_to: Some(d(2022, 4, 30)),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        range
            .iter()
            .all(|x| x.data.published >= d(2022, 3, 1) && x.data.published <= d(2022, 4, 30))
    );
    let in_range = expected
        .iter()
        .filter(|x| x.data.published >= d(2022, 3, 1) && x.data.published <= d(2022, 4, 30))
        .count();
    assert_eq!(range.len(), in_range + 1, "and 乙局's document");
    assert!(range.iter().any(|x| x.data.agency == b));

    let none = DocumentFilter {
        limit: 100,
        ..Default::default()
    };
    assert!(store.list_documents(&none).await.unwrap().is_empty());
}

/// 废止 and 失效 with their dates; a date before the document was made is refused and writes
/// nothing; each change is a new revision.
/// An agency's documents by item: every document counted under its item (or under none), the
/// newest few of each, and nothing of another agency.
pub async fn catalogue_item_overview<S: Store>(store: &S) {
    let a = agency(store, "事项甲局").await;
    let b = agency(store, "事项乙局").await;
    let mut stored = Vec::new();
    for i in 0..17u32 {
        let day = d(2023, 1 + i % 12, 1 + i % 2);
        let mut new = new_document(a, &format!("ITEM/2023-{i:05}"), &format!("文件{i}"), day);
        new.item = match i % 4 {
            0 => None,
            1 => Some(Item::Article21("重点领域信息".into())),
            _ => Some(Item::Article20(1 + (i % 2) as u8)),
        };
        stored.push(store.create_document(new, audit()).await.unwrap());
    }
    let mut other = new_document(b, "ITEM/2023-00000", "乙局文件", d(2023, 5, 1));
    other.item = Some(Item::Article20(1));
    store.create_document(other, audit()).await.unwrap();

    let overview = store.item_overview(a, 2).await.unwrap();
    let mut counts = overview.counts.clone();
    counts.sort_by_key(|(item, _)| format!("{item:?}"));
    let mut expected: Vec<(Option<Item>, u64)> = Vec::new();
    for doc in &stored {
        match expected.iter_mut().find(|(i, _)| *i == doc.data.item) {
            Some((_, n)) => *n += 1,
            None => expected.push((doc.data.item.clone(), 1)),
        }
    }
    expected.sort_by_key(|(item, _)| format!("{item:?}"));
    assert_eq!(counts, expected);
    // The newest two of each item, newest first overall.
    let mut newest = Vec::new();
    for (item, _) in &expected {
        let mut of_item: Vec<_> = stored.iter().filter(|d| &d.data.item == item).collect();
        of_item.sort_by_key(|x| std::cmp::Reverse((x.data.published, x.id)));
        newest.extend(of_item.into_iter().take(2).cloned());
    }
    newest.sort_by_key(|x| std::cmp::Reverse((x.data.published, x.id)));
    assert_eq!(overview.newest, newest);
    assert_eq!(
        store.item_overview(b, 5).await.unwrap().counts,
        vec![(Some(Item::Article20(1)), 1)]
    );
}

pub async fn catalogue_validity<S: Store>(store: &S) {
    let a = agency(store, "有效性局").await;
    let mut new = new_document(a, "VAL/2019-00001", "某办法", d(2019, 6, 10));
    new.category = Some(Category::NormativeDocument);
    let doc = store.create_document(new.clone(), audit()).await.unwrap();
    let written = doc.data.written.unwrap();
    let before = audit_seq(store).await;
    let early = Validity::Repealed {
        on: written - chrono::Days::new(1),
        by: None,
    };
    assert_kind(
        store.set_validity(doc.id, early, audit()).await,
        "before 成文日期",
        "Invalid",
    );
    assert_eq!(audit_seq(store).await, before);
    assert_kind(
        store
            .set_validity(DocumentId(i64::MAX), Validity::InForce, audit())
            .await,
        "unknown document",
        "NotFound",
    );

    let repealed = Validity::Repealed {
        on: d(2023, 1, 1),
        by: Some("盐政发〔2022〕30号".into()),
    };
    let after = store
        .set_validity(doc.id, repealed.clone(), audit())
        .await
        .unwrap();
    assert_eq!(after.data.validity, repealed);
    assert!(after.revision > doc.revision);
    assert_eq!(store.document(doc.id).await.unwrap(), Some(after.clone()));
    assert_eq!(audit_seq(store).await, before + 1);

    let expired = Validity::Expired { on: d(2024, 6, 30) };
    let again = store
        .set_validity(doc.id, expired.clone(), audit())
        .await
        .unwrap();
    assert_eq!(
        store.document(doc.id).await.unwrap().unwrap().data.validity,
        expired
    );
    let back = store
        .set_validity(doc.id, Validity::InForce, audit())
        .await
        .unwrap();
    assert!(back.revision > again.revision);
    assert_eq!(store.document(doc.id).await.unwrap(), Some(back));

    // Without a 成文日期 the 发布日期 is the limit; a document created already repealed too.
    new.index_number = IndexNumber::parse("VAL/2019-00002");
    new.written = None;
    new.validity = Validity::Expired { on: d(2019, 6, 9) };
    assert_kind(
        store.create_document(new.clone(), audit()).await,
        "expired before published",
        "Invalid",
    );
    new.validity = Validity::Expired { on: d(2019, 6, 10) };
    store.create_document(new, audit()).await.unwrap();
}

/// The register of table 二 reads the agencies' 规章 and 规范性文件, their interpretations by
/// any agency, and the agencies' own interpretations; nothing else. Publication dates are those
/// of the documents with an item published in the year.
pub async fn catalogue_register_entries<S: Store>(store: &S) {
    let a = agency(store, "登记甲局").await;
    let b = agency(store, "登记乙局").await;
    let mut rule = new_document(a, "REG/2021-00001", "规范性文件", d(2021, 2, 1));
    rule.category = Some(Category::NormativeDocument);
    let rule = store.create_document(rule, audit()).await.unwrap();
    let mut regulation = new_document(a, "REG/2021-00002", "规章", d(2021, 12, 31));
    regulation.category = Some(Category::Regulation);
    regulation.validity = Validity::Repealed {
        on: d(2022, 3, 1),
        by: None,
    };
    let regulation = store.create_document(regulation, audit()).await.unwrap();
    let mut plain = new_document(a, "REG/2022-00003", "普通通知", d(2022, 1, 1));
    plain.item = None;
    let plain = store.create_document(plain, audit()).await.unwrap();
    let mut theirs = new_document(b, "REG/2021-00009", "乙局的解读", d(2021, 2, 3));
    theirs.interprets = Some(rule.id);
    let theirs = store.create_document(theirs, audit()).await.unwrap();
    let mut own = new_document(a, "REG/2021-00004", "甲局的解读", d(2021, 2, 2));
    own.interprets = Some(rule.id);
    let own = store.create_document(own, audit()).await.unwrap();
    // 乙局 interprets a document of its own agency that is no 规范性文件: in 乙局's register
    // (it has a link), not in 甲局's.
    let mut note = new_document(b, "REG/2021-00010", "乙局通知", d(2021, 4, 1));
    note.category = None;
    let note = store.create_document(note, audit()).await.unwrap();
    let mut note_reading = new_document(b, "REG/2021-00011", "乙局通知解读", d(2021, 4, 2));
    note_reading.interprets = Some(note.id);
    let note_reading = store.create_document(note_reading, audit()).await.unwrap();

    let entries = store.register_entries(&[a]).await.unwrap();
    let ids: Vec<DocumentId> = entries.iter().map(|e| e.id).collect();
    let mut want = vec![rule.id, regulation.id, theirs.id, own.id];
    want.sort();
    assert_eq!(ids, want);
    assert!(!ids.contains(&plain.id));
    let e = entries.iter().find(|e| e.id == regulation.id).unwrap();
    assert_eq!(e.agency, a);
    assert_eq!(e.category, Some(Category::Regulation));
    assert_eq!(e.written, regulation.data.written);
    assert_eq!(e.published, d(2021, 12, 31));
    assert_eq!(e.validity, regulation.data.validity);
    let t = entries.iter().find(|e| e.id == theirs.id).unwrap();
    assert_eq!(
        (t.agency, t.interprets, t.category),
        (b, Some(rule.id), None)
    );

    let of_b: Vec<DocumentId> = store
        .register_entries(&[b])
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(of_b, vec![theirs.id, note_reading.id]);
    assert!(store.register_entries(&[]).await.unwrap().is_empty());

    let dates = store.publication_dates(&[a], 2021).await.unwrap();
    assert_eq!(
        dates,
        vec![
            (rule.id, rule.data.written, d(2021, 2, 1)),
            (regulation.id, regulation.data.written, d(2021, 12, 31)),
            (own.id, own.data.written, d(2021, 2, 2)),
        ]
    );
    assert_eq!(
        store.publication_dates(&[a], 2022).await.unwrap(),
        vec![],
        "no item"
    );
    assert!(store.publication_dates(&[], 2021).await.unwrap().is_empty());
}

/// An import of documents is matched by index number key: created, changed, unchanged; again
/// it changes nothing (no new revision); a bad document anywhere in the batch stores nothing.
pub async fn catalogue_upsert<S: Store>(store: &S) {
    let a = agency(store, "导入目录局").await;
    let batch: Vec<NewDocument> = (1..=4)
        .map(|i| {
            new_document(
                a,
                &format!("IMP/2023-{i:05}"),
                &format!("导入{i}"),
                d(2023, 2, i),
            )
        })
        .collect();
    let before = audit_seq(store).await;
    let counts = store
        .upsert_documents(batch.clone(), audit())
        .await
        .unwrap();
    assert_eq!(
        (counts.created, counts.changed, counts.unchanged),
        (4, 0, 0)
    );
    assert_eq!(
        audit_seq(store).await,
        before + 1,
        "one entry for the import"
    );
    let revision = store.catalogue_revision().await.unwrap();
    let stored = store
        .document_by_index(a, "IMP/2023-00002")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.data, batch[1]);

    let again = store
        .upsert_documents(batch.clone(), audit())
        .await
        .unwrap();
    assert_eq!((again.created, again.changed, again.unchanged), (0, 0, 4));
    assert_eq!(
        store.catalogue_revision().await.unwrap(),
        revision,
        "no new revision"
    );

    let mut next = batch.clone();
    next[2].title = "导入3（更正）".into();
    // The same index number in full width: the same document.
    next[3].index_number = IndexNumber::parse("ＩＭＰ/2023-00004");
    next.push(new_document(a, "IMP/2023-00005", "导入5", d(2023, 2, 5)));
    let changed = store.upsert_documents(next.clone(), audit()).await.unwrap();
    assert_eq!(
        (changed.created, changed.changed, changed.unchanged),
        (1, 2, 2)
    );
    assert_eq!(store.catalogue_revision().await.unwrap(), revision + 3);
    let third = store
        .document_by_index(a, "IMP/2023-00003")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third.data.title, "导入3（更正）");
    assert!(third.revision > revision);
    let unchanged = store
        .document_by_index(a, "IMP/2023-00001")
        .await
        .unwrap()
        .unwrap();
    assert!(unchanged.revision <= revision);

    // All or nothing: a bad document (after good and changed ones) stores nothing.
    let seq = audit_seq(store).await;
    let revision = store.catalogue_revision().await.unwrap();
    let filter = DocumentFilter {
        agencies: vec![a],
        limit: 100,
        ..Default::default()
    };
    let listed = async |store: &S| store.list_documents(&filter).await.unwrap();
    let all_before = listed(store).await;
    let mut bad = next.clone();
    bad[0].title = "改了".into();
    bad.push(new_document(a, "IMP/2023-00006", "新的", d(2023, 2, 6)));
    let mut broken = new_document(a, "IMP/2023-00007", "坏的", d(2023, 2, 7));
    broken.interprets = Some(DocumentId(i64::MAX));
    bad.push(broken);
    assert_kind(
        store.upsert_documents(bad.clone(), audit()).await,
        "unknown interpreted",
        "NotFound",
    );
    bad.pop();
    let mut twice = new_document(a, "imp/2023-00006", "重复", d(2023, 2, 6));
    twice.title = "重复".into();
    bad.push(twice);
    assert_kind(
        store.upsert_documents(bad.clone(), audit()).await,
        "twice in one import",
        "Conflict",
    );
    bad.pop();
    let mut repealed_early = new_document(a, "IMP/2023-00008", "早废止", d(2023, 2, 8));
    repealed_early.validity = Validity::Repealed {
        on: d(2020, 1, 1),
        by: None,
    };
    bad.push(repealed_early);
    assert_kind(
        store.upsert_documents(bad.clone(), audit()).await,
        "repealed early",
        "Invalid",
    );
    bad.pop();
    // Found only while writing, after a change and a creation: a stored document made to
    // interpret itself.
    let fifth = store
        .document_by_index(a, "IMP/2023-00005")
        .await
        .unwrap()
        .unwrap();
    let mut itself = fifth.data.clone();
    itself.title = "导入5（改）".into();
    itself.interprets = Some(fifth.id);
    // Last in the batch, after the new 00006.
    bad.remove(4);
    bad.push(itself);
    assert_kind(
        store.upsert_documents(bad, audit()).await,
        "interprets itself",
        "Invalid",
    );
    assert_eq!(audit_seq(store).await, seq);
    assert_eq!(store.catalogue_revision().await.unwrap(), revision);
    assert_eq!(listed(store).await, all_before);
    assert_eq!(
        store.upsert_documents(Vec::new(), audit()).await.unwrap(),
        crate::ImportCounts::default()
    );
}

/// Revisions grow with every write; `documents_since` gives each document once, at its latest
/// revision, page by page; 20 creates at once each get their own revision; the audit chain
/// holds an entry per write.
pub async fn catalogue_revisions<S: Store>(store: &S) {
    let a = agency(store, "版本目录局").await;
    let start = store.catalogue_revision().await.unwrap();
    let seq = audit_seq(store).await;
    let calls = (0..20).map(|i| {
        store.create_document(
            new_document(
                a,
                &format!("REV/2024-{i:05}"),
                &format!("并发{i}"),
                d(2024, 1, 2),
            ),
            audit(),
        )
    });
    let created: Vec<Document> = futures_util::future::join_all(calls)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut revisions: Vec<i64> = created.iter().map(|x| x.revision).collect();
    revisions.sort_unstable();
    revisions.dedup();
    assert_eq!(revisions.len(), 20, "distinct revisions");
    assert!(revisions.iter().all(|&r| r > start));
    assert_eq!(store.catalogue_revision().await.unwrap(), start + 20);
    assert_eq!(audit_seq(store).await, seq + 20);

    // Two documents written again: each appears once, at its new revision, after the others.
    let first = &created[0];
    let mut renamed = first.data.clone();
    renamed.title = "并发0（改）".into();
    let first = store
        .update_document(first.id, renamed, audit())
        .await
        .unwrap();
    let second = store
        .set_validity(
            created[1].id,
            Validity::Expired {
                on: d(2024, 12, 31),
            },
            audit(),
        )
        .await
        .unwrap();
    assert!(second.revision > first.revision && first.revision > start + 20);

    let mut since = Vec::new();
    let mut after = start;
    loop {
        let page = store.documents_since(after, 7).await.unwrap();
        let Some(last) = page.last() else { break };
        assert!(page.windows(2).all(|w| w[0].revision < w[1].revision));
        after = last.revision;
        since.extend(page);
    }
    assert_eq!(since.len(), 20, "each document once");
    let ids: HashSet<DocumentId> = since.iter().map(|x| x.id).collect();
    assert_eq!(ids, created.iter().map(|x| x.id).collect());
    assert_eq!(since[18], first);
    assert_eq!(since[19], second);
    assert!(
        store
            .documents_since(second.revision, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let whole = store.audit_page(0, 1_000_000).await.unwrap();
    assert!(
        gongkai_audit::verify(&whole, None).is_ok(),
        "the chain holds"
    );
    let last = whole.last().unwrap();
    assert_eq!(last.action, "test.write");
    let summary: serde_json::Value = serde_json::from_str(&last.summary).unwrap();
    assert_eq!(summary["id"], serde_json::json!(created[1].id.0));
    assert_eq!(summary["validity"], serde_json::json!("expired"));
}

/// Blobs: stored under their SHA-256, read back, stored once however often put; unknown names
/// are absent; a name that is no SHA-256 is refused.
pub async fn blobs_round_trip<S: Blobs>(store: &S) {
    let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let sha = store.put(&pdf).await.unwrap();
    assert_eq!(sha, crate::blobs::sha256_hex(&pdf));
    assert_eq!(store.put(&pdf).await.unwrap(), sha, "idempotent");
    assert_eq!(store.get(&sha).await.unwrap(), Some(pdf.clone()));
    assert!(store.has(&sha).await.unwrap());
    let empty = store.put(b"").await.unwrap();
    assert_eq!(store.get(&empty).await.unwrap(), Some(Vec::new()));
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let big_sha = store.put(&big).await.unwrap();
    assert_eq!(store.get(&big_sha).await.unwrap().unwrap(), big);
    let unknown = crate::blobs::sha256_hex(b"never stored");
    assert_eq!(store.get(&unknown).await.unwrap(), None);
    assert!(!store.has(&unknown).await.unwrap());
    assert_kind(store.get("../../etc/passwd").await, "bad name", "Invalid");
    assert_kind(
        store.has(&sha.to_uppercase()).await,
        "upper case",
        "Invalid",
    );
}

/// An agency's guide (第十二条) is stored and replaced as a whole, every field read back as
/// written (text that looks like markup included); an invalid guide or an unknown agency
/// writes nothing; each write appends its audit entry naming the fields it changed.
pub async fn guides_replace<S: Store>(store: &S) {
    use gongkai_cases::guide::{ApplyChannel, Guide, ProvisionForm};
    let other = agency(store, "指南局二").await;
    let agency = agency(store, "指南局").await;
    assert!(store.guide(agency).await.unwrap().is_none());
    let guide = Guide {
        office: "办公室<script>alert(1)</script>".into(),
        address: "某某县人民路1号, 3楼".into(),
        postcode: "223100".into(),
        hours: "工作日 9:00–12:00，13:30–17:00".into(),
        phone: "0517-1234567".into(),
        fax: "0517-7654321".into(),
        email: "gk@example.gov.cn".into(),
        website: "https://example.gov.cn/gk".into(),
        channels: vec![
            ApplyChannel::InPerson,
            ApplyChannel::Post,
            ApplyChannel::Online,
        ],
        forms: vec![ProvisionForm::Paper, ProvisionForm::Online],
        proactive: "目录按主题分类。\n\n每条信息有索引号。".into(),
        how_to_apply: "填写申请表，\"逗号,引号\"".into(),
        time_limits: "20个工作日".into(),
        fees: "不收费".into(),
        remedies: "可申请行政复议".into(),
        id_photo: false,
    };
    let before = store.audit_last().await.unwrap().map_or(0, |e| e.seq);
    store.set_guide(agency, &guide, audit()).await.unwrap();
    assert_eq!(store.guide(agency).await.unwrap(), Some(guide.clone()));
    assert!(store.guide(other).await.unwrap().is_none());
    let changed = Guide {
        forms: ProvisionForm::ALL.to_vec(),
        fax: String::new(),
        fees: String::new(),
        id_photo: true,
        ..guide.clone()
    };
    store.set_guide(agency, &changed, audit()).await.unwrap();
    assert_eq!(store.guide(agency).await.unwrap(), Some(changed.clone()));
    let entries = store.audit_page(before, 100).await.unwrap();
    assert_eq!(entries.len(), 2, "one entry per write: {entries:#?}");
    let summary: serde_json::Value = serde_json::from_str(&entries[1].summary).unwrap();
    assert_eq!(summary["changed"], "fax,forms,fees,id_photo", "{summary}");
    assert_eq!(summary["created"], false);
    let invalid = Guide {
        forms: Vec::new(),
        ..guide.clone()
    };
    assert_kind(
        store.set_guide(agency, &invalid, audit()).await,
        "a guide without forms",
        "Invalid",
    );
    assert_kind(
        store.set_guide(AgencyId(999_999), &guide, audit()).await,
        "unknown agency",
        "NotFound",
    );
    assert_eq!(store.guide(agency).await.unwrap(), Some(changed));
    assert_eq!(store.audit_page(before, 100).await.unwrap().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Online applications (the portal).

use crate::applications::{NewApplication, PURGED_NAME};
use gongkai_cases::Confirmation;

fn application(hash: &str, receipt_fixed: bool, nonce: Option<&str>) -> NewApplication {
    NewApplication {
        tracking_hash: hash.into(),
        submitted_at: at(1_780_000_000, 0),
        receipt_fixed,
        nonce: nonce.map(str::to_owned),
        content_hash: nonce.map(|n| format!("content of {n}")),
        files: vec![Attachment {
            sha256: crate::blobs::sha256_hex(b"scan"),
            name: "身份证.png".into(),
            media_type: "image/png".into(),
            size: 4,
        }],
        id_photo: None,
    }
}

/// An online application is a request from its submission, awaiting confirmation: nothing can
/// be recorded on it until an officer confirms; a receipt not fixed at submission moves to the
/// day of confirmation, and until then the report's facts leave the request out; tracking
/// hashes and form tokens are unique; reply documents are released once.
pub async fn applications_confirm_and_release<S: Store>(store: &S) {
    let agency = agency(store, "网申测试局").await;
    let submitted = d(2026, 3, 6);
    let fixed = store
        .submit_application(
            new_request(agency, "WS-1", submitted),
            ev(Event::Received(submitted)),
            application("a1", true, Some("nonce-1")),
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(
        fixed.confirmation,
        Confirmation::Awaiting {
            receipt_fixed: true
        }
    );
    let pending = store
        .submit_application(
            new_request(agency, "WS-2", submitted),
            ev(Event::Received(submitted)),
            application("a2", false, None),
            audit(),
        )
        .await
        .unwrap();
    // Stored as answered, and read back the same way.
    assert_eq!(
        store.request(pending.id).await.unwrap(),
        Some(pending.clone())
    );
    let (found, request) = store.application_by_tracking("a1").await.unwrap().unwrap();
    assert_eq!(request, fixed);
    assert_eq!(found.request, fixed.id);
    assert_eq!(found.confirmed, None);
    assert_eq!(found.files.len(), 1);
    assert!(
        store
            .application_by_tracking("nope")
            .await
            .unwrap()
            .is_none()
    );
    // Found again by its one-time token, with the content it carried.
    let (by_nonce, request) = store
        .application_by_nonce("nonce-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((by_nonce.request, request.id), (fixed.id, fixed.id));
    assert_eq!(by_nonce.content_hash.as_deref(), Some("content of nonce-1"));
    assert_eq!(found.content_hash, by_nonce.content_hash);
    assert!(
        store
            .application_by_nonce("nonce-2")
            .await
            .unwrap()
            .is_none()
    );
    let (unsent, _) = store.application_by_tracking("a2").await.unwrap().unwrap();
    assert_eq!(unsent.content_hash, None);
    // A tracking hash or a form token used before is a conflict, and nothing is stored.
    for (reference, hash, nonce) in [("WS-3", "a1", None), ("WS-4", "a4", Some("nonce-1"))] {
        assert_kind(
            store
                .submit_application(
                    new_request(agency, reference, submitted),
                    ev(Event::Received(submitted)),
                    application(hash, true, nonce),
                    audit(),
                )
                .await,
            reference,
            "Conflict",
        );
        assert!(
            store
                .request_by_reference(agency, reference)
                .await
                .unwrap()
                .is_none()
        );
    }
    // The report counts the application whose receipt is fixed, not the other.
    let facts: Vec<_> = store
        .case_facts(&[agency], 2026)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(facts, [fixed.id]);
    let timelines = store.timelines(&[fixed.id, pending.id]).await.unwrap();
    assert_eq!(timelines[0].confirmation, fixed.confirmation);
    assert_eq!(timelines[1].confirmation, pending.confirmation);
    // Nothing can be recorded before the confirmation.
    let refused = store
        .append_event(
            pending.id,
            decided(d(2026, 3, 10), Outcome::Disclosed),
            audit(),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Confirmation(_))),
        "{refused:?}"
    );
    let early = store
        .confirm_receipt(pending.id, d(2026, 3, 5), at(1_780_000_000, 60), audit())
        .await;
    assert!(
        matches!(early, Err(StoreError::Confirmation(_))),
        "{early:?}"
    );
    // Confirmed on the 9th: received that day; the fixed one keeps the 6th.
    let confirmed = store
        .confirm_receipt(pending.id, d(2026, 3, 9), at(1_780_000_000, 60), audit())
        .await
        .unwrap();
    assert_eq!(confirmed.confirmation, Confirmation::Confirmed);
    assert_eq!(confirmed.data.received, d(2026, 3, 9));
    assert_eq!(confirmed.events[0].event, Event::Received(d(2026, 3, 9)));
    assert_eq!(
        store.request(pending.id).await.unwrap(),
        Some(confirmed.clone())
    );
    let again = store
        .confirm_receipt(pending.id, d(2026, 3, 9), at(1_780_000_000, 90), audit())
        .await;
    assert!(
        matches!(again, Err(StoreError::Confirmation(_))),
        "{again:?}"
    );
    let fixed_confirmed = store
        .confirm_receipt(fixed.id, d(2026, 3, 9), at(1_780_000_000, 60), audit())
        .await
        .unwrap();
    assert_eq!(fixed_confirmed.data.received, submitted);
    let app = store.application(fixed.id).await.unwrap().unwrap();
    assert_eq!(
        app.confirmed,
        Some((kept(at(1_780_000_000, 60)), "conformance".to_owned()))
    );
    let mut facts: Vec<_> = store
        .case_facts(&[agency], 2026)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id)
        .collect();
    facts.sort();
    assert_eq!(facts, [fixed.id, pending.id]);
    store
        .append_event(
            pending.id,
            decided(d(2026, 3, 12), Outcome::Disclosed),
            audit(),
        )
        .await
        .unwrap();

    // Reply documents: added unreleased, released once (the second release records nothing).
    let file = Attachment {
        sha256: crate::blobs::sha256_hex(b"reply"),
        name: "答复书.pdf".into(),
        media_type: "application/pdf".into(),
        size: 5,
    };
    let doc = store
        .add_reply_document(pending.id, file.clone(), at(1_780_000_000, 120), audit())
        .await
        .unwrap();
    assert_eq!(doc.released, None);
    assert_eq!(doc.file, file);
    let seq = audit_seq(store).await;
    let released = store
        .release_reply_document(doc.id, at(1_780_000_000, 180), audit())
        .await
        .unwrap();
    assert!(released.released.is_some());
    assert_eq!(audit_seq(store).await, seq + 1);
    store
        .release_reply_document(doc.id, at(1_780_000_000, 240), audit())
        .await
        .unwrap();
    assert_eq!(
        audit_seq(store).await,
        seq + 1,
        "a second release records nothing"
    );
    assert_eq!(
        store.reply_documents(pending.id).await.unwrap(),
        vec![released.clone()]
    );
    assert_eq!(store.reply_document(doc.id).await.unwrap(), Some(released));
    assert!(store.reply_documents(fixed.id).await.unwrap().is_empty());
    assert_kind(
        store
            .add_reply_document(
                gongkai_cases::RequestId(999_999),
                file,
                at(1_780_000_000, 1),
                audit(),
            )
            .await,
        "unknown request",
        "NotFound",
    );

    // The purge removes the personal data of requests decided before the day, keeps the rest.
    let purged = store
        .purge_personal_data(d(2026, 3, 13), audit())
        .await
        .unwrap();
    // (Other tests' requests decided before that day, in a shared store, are purged too.)
    assert!(purged.requests >= 1, "{purged:?}");
    // The open application still names the same file: its bytes stay.
    assert!(
        !purged.orphaned.contains(&crate::blobs::sha256_hex(b"scan")),
        "{purged:?}"
    );
    assert!(purged.files >= 1, "{purged:?}");
    let after = store.request(pending.id).await.unwrap().unwrap();
    assert_eq!(after.data.applicants[0].name, PURGED_NAME);
    assert_eq!(after.data.applicants[0].kind, Applicant::NaturalPerson);
    assert_eq!(after.data.contact.id_number, "");
    assert_eq!(after.data.contact.phone, "");
    assert_eq!(after.events, confirmed_events(&confirmed));
    assert!(
        store
            .application(pending.id)
            .await
            .unwrap()
            .unwrap()
            .files
            .is_empty()
    );
    let open = store.request(fixed.id).await.unwrap().unwrap();
    assert_eq!(
        open.data.contact.phone, "13800000000",
        "an open request keeps its data"
    );
    let twice = store
        .purge_personal_data(d(2026, 3, 13), audit())
        .await
        .unwrap();
    assert_eq!(twice.requests, 0);
}

/// The events of a confirmed request after its decision on 12 March.
fn confirmed_events(confirmed: &gongkai_cases::Request) -> Vec<TimelineEvent> {
    let mut events = confirmed.events.clone();
    events.push(decided(d(2026, 3, 12), Outcome::Disclosed));
    events
}

/// Rate-limit counters: per key and slot, shared, old slots forgotten; and a blob removed.
pub async fn rate_hits_count_per_slot<S: Store + Blobs>(store: &S) {
    let sha = store.put(b"to be purged").await.unwrap();
    assert!(store.has(&sha).await.unwrap());
    store.remove(&sha).await.unwrap();
    assert!(!store.has(&sha).await.unwrap());
    store.remove(&sha).await.unwrap();
    assert_eq!(store.rate_hit("apply:x", 100, 98).await.unwrap(), 1);
    assert_eq!(store.rate_hit("apply:x", 100, 98).await.unwrap(), 2);
    assert_eq!(store.rate_hit("apply:y", 100, 98).await.unwrap(), 1);
    assert_eq!(store.rate_hit("apply:x", 101, 99).await.unwrap(), 1);
    assert_eq!(store.rate_hit("apply:x", 100, 99).await.unwrap(), 3);
    // A slot before `forget_before` is deleted when a new slot begins.
    assert_eq!(store.rate_hit("apply:x", 200, 150).await.unwrap(), 1);
    assert_eq!(store.rate_hit("apply:x", 100, 0).await.unwrap(), 1);
}

// ---------------------------------------------------------------------------------------------
// Published annual reports (第四十九条、第五十条).

/// A published report (written by the filing workflow's publication step) is a frozen snapshot: the first publication is version 1 without a note,
/// a correction version 2 with its 更正说明, both kept and read back as written; the listing
/// names each year once with its latest version, newest year first; a note on a first
/// publication, an empty report or an unknown agency writes nothing; each publication appends
/// its audit entry.
pub async fn published_reports_versions<S: Store>(store: &S) {
    let other = agency(store, "年报发布局二").await;
    let agency = agency(store, "年报发布局").await;
    assert!(store.published_reports(agency).await.unwrap().is_empty());
    assert!(
        store
            .published_report(agency, 2023, None)
            .await
            .unwrap()
            .is_none()
    );
    let before = store.audit_last().await.unwrap().map_or(0, |e| e.seq);
    assert_kind(
        store
            .record_step(
                agency,
                2023,
                1,
                publication("{\"v\":0}", Some("更正")),
                audit(),
            )
            .await,
        "a note on a first publication",
        "Invalid",
    );
    assert_kind(
        store
            .record_step(agency, 2023, 1, publication("  ", None), audit())
            .await,
        "an empty report",
        "Invalid",
    );
    assert_kind(
        store
            .record_step(AgencyId(999_999), 2023, 1, publication("{}", None), audit())
            .await,
        "unknown agency",
        "NotFound",
    );
    let first = "{\"agency\":\"年报发布局<script>\",\"v\":1}";
    assert_eq!(
        store
            .record_step(agency, 2023, 1, publication(first, None), audit())
            .await
            .unwrap(),
        Some(1)
    );
    assert_eq!(
        store
            .record_step(agency, 2022, 1, publication("{\"v\":22}", None), audit())
            .await
            .unwrap(),
        Some(1)
    );
    let second = "{\"v\":2}";
    assert_eq!(
        store
            .record_step(
                agency,
                2023,
                2,
                publication(second, Some("  表三第（七）行更正  ")),
                audit()
            )
            .await
            .unwrap(),
        Some(2)
    );
    let latest = store
        .published_report(agency, 2023, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((latest.version, latest.json.as_str()), (2, second));
    assert_eq!(latest.note.as_deref(), Some("表三第（七）行更正"));
    assert_eq!(latest.published_by, "conformance");
    let v1 = store
        .published_report(agency, 2023, Some(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((v1.version, v1.json.as_str(), v1.note), (1, first, None));
    assert!(v1.published_at <= latest.published_at);
    assert!(
        store
            .published_report(agency, 2023, Some(3))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .published_report(other, 2023, None)
            .await
            .unwrap()
            .is_none()
    );
    let listed = store.published_reports(agency).await.unwrap();
    let years: Vec<(i32, i32)> = listed.iter().map(|v| (v.year, v.version)).collect();
    assert_eq!(years, vec![(2023, 2), (2022, 1)]);
    let versions = store.published_versions(agency, 2023).await.unwrap();
    let numbers: Vec<i32> = versions.iter().map(|v| v.version).collect();
    assert_eq!(numbers, vec![2, 1]);
    assert!(store.published_reports(other).await.unwrap().is_empty());
    let after = store.audit_last().await.unwrap().map_or(0, |e| e.seq);
    assert_eq!(
        after - before,
        3,
        "one audit entry per publication, none for a refusal"
    );
}

/// A publication step of the filing workflow.
fn publication(json: &str, note: Option<&str>) -> crate::filings::NewStep {
    crate::filings::NewStep {
        action: gongkai_filing::Action::Publish,
        report: Some(json.to_owned()),
        explanations: None,
        text: note.map(str::to_owned),
        remarks: None,
    }
}

// ---------------------------------------------------------------------------------------------
// The filing workflow (第四十九条).

/// The steps of an agency-year are numbered from 1 and read back in order with what each
/// carries; a step numbered other than next (someone acted meanwhile) writes nothing; a
/// submission must carry its report and a return must not; a publication is also the next
/// published version; the overview reads the steps of many agencies without their reports.
pub async fn filing_steps_in_order<S: Store>(store: &S) {
    use crate::filings::NewStep;
    use gongkai_filing::Action;
    let unit = agency(store, "报送局").await;
    let other = agency(store, "报送局二").await;
    assert!(store.steps(unit, 2024).await.unwrap().is_empty());
    let step = |action, report: Option<&str>, text: Option<&str>| NewStep {
        action,
        report: report.map(str::to_owned),
        explanations: report.map(|_| "{\"R9\":\"新设窗口\"}".to_owned()),
        text: text.map(str::to_owned),
        remarks: (action == Action::Return).then(|| "{\"t3.granted.total\":\"核对\"}".to_owned()),
    };
    let before = store.audit_last().await.unwrap().map_or(0, |e| e.seq);
    let submitted = "{\"v\":1}";
    assert_eq!(
        store
            .record_step(
                unit,
                2024,
                1,
                step(Action::Submit, Some(submitted), None),
                audit()
            )
            .await
            .unwrap(),
        None
    );
    // Someone else acted on an older state: the same number again, or one skipped.
    for seq in [1, 3] {
        assert_kind(
            store
                .record_step(unit, 2024, seq, step(Action::Clear, None, None), audit())
                .await,
            "a step on a state that has changed",
            "Conflict",
        );
    }
    assert_kind(
        store
            .record_step(unit, 2024, 2, step(Action::Submit, None, None), audit())
            .await,
        "a submission without its report",
        "Invalid",
    );
    assert_kind(
        store
            .record_step(
                unit,
                2024,
                2,
                step(Action::Return, Some("{}"), Some("意见")),
                audit(),
            )
            .await,
        "a return with a report",
        "Invalid",
    );
    assert_kind(
        store
            .record_step(
                AgencyId(999_999),
                2024,
                1,
                step(Action::Clear, None, None),
                audit(),
            )
            .await,
        "unknown agency",
        "NotFound",
    );
    store
        .record_step(
            unit,
            2024,
            2,
            step(Action::Return, None, Some("  表三第二行有误 ")),
            audit(),
        )
        .await
        .unwrap();
    store
        .record_step(
            unit,
            2024,
            3,
            step(Action::Submit, Some("{\"v\":2}"), None),
            audit(),
        )
        .await
        .unwrap();
    store
        .record_step(unit, 2024, 4, step(Action::Clear, None, None), audit())
        .await
        .unwrap();
    assert_eq!(
        store
            .record_step(
                unit,
                2024,
                5,
                step(Action::Publish, Some("{\"v\":2}"), None),
                audit()
            )
            .await
            .unwrap(),
        Some(1)
    );
    store
        .record_step(
            unit,
            2023,
            1,
            step(Action::Submit, Some(submitted), None),
            audit(),
        )
        .await
        .unwrap();
    let steps = store.steps(unit, 2024).await.unwrap();
    let actions: Vec<(i32, Action)> = steps.iter().map(|s| (s.seq, s.action)).collect();
    assert_eq!(
        actions,
        vec![
            (1, Action::Submit),
            (2, Action::Return),
            (3, Action::Submit),
            (4, Action::Clear),
            (5, Action::Publish)
        ]
    );
    assert_eq!(steps[0].report.as_deref(), Some(submitted));
    assert_eq!(
        steps[0].explanations.as_deref(),
        Some("{\"R9\":\"新设窗口\"}")
    );
    assert_eq!(steps[1].text.as_deref(), Some("表三第二行有误"));
    assert_eq!(
        steps[1].remarks.as_deref(),
        Some("{\"t3.granted.total\":\"核对\"}")
    );
    assert_eq!(steps[1].report, None);
    assert_eq!(
        (steps[4].version, steps[4].by.as_str()),
        (Some(1), "conformance")
    );
    assert!(steps.windows(2).all(|w| w[0].at <= w[1].at));
    let published = store
        .published_report(unit, 2024, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (published.version, published.json.as_str()),
        (1, "{\"v\":2}")
    );
    let all = store.steps_of(&[unit, other], 2024).await.unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.iter().all(|(a, s)| *a == unit && s.report.is_none()));
    assert_eq!(all[4].1.version, Some(1));
    assert!(store.steps_of(&[other], 2024).await.unwrap().is_empty());
    let after = store.audit_last().await.unwrap().map_or(0, |e| e.seq);
    assert_eq!(
        after - before,
        6,
        "one audit entry per step, none for a refusal"
    );
}

// ---------------------------------------------------------------------------------------------
// Letter templates.

/// An agency's letter template of a kind is stored, read back as written and replaced; other
/// kinds and agencies keep theirs; a reset removes it (once: a second reset changes nothing and
/// writes no audit entry); an unknown agency writes nothing.
pub async fn letter_templates_replace<S: Store>(store: &S) {
    let other = agency(store, "文书局二").await;
    let agency = agency(store, "文书局").await;
    assert!(store.letter_templates(agency).await.unwrap().is_empty());
    let body = "# 答复告知书\n> {{ applicant }}：\n“引号”<b>不转义</b>\n";
    let before = store.audit_last().await.unwrap().map_or(0, |e| e.seq);
    store
        .set_letter_template(agency, "reply-withheld", body, audit())
        .await
        .unwrap();
    store
        .set_letter_template(agency, "correction", "# 补正", audit())
        .await
        .unwrap();
    store
        .set_letter_template(other, "correction", "# 他局补正", audit())
        .await
        .unwrap();
    let kinds = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, b)| ((*k).to_owned(), (*b).to_owned()))
            .collect()
    };
    assert_eq!(
        store.letter_templates(agency).await.unwrap(),
        kinds(&[("correction", "# 补正"), ("reply-withheld", body)])
    );
    store
        .set_letter_template(agency, "correction", "# 补正通知书", audit())
        .await
        .unwrap();
    assert_eq!(
        store.letter_templates(agency).await.unwrap(),
        kinds(&[("correction", "# 补正通知书"), ("reply-withheld", body)])
    );
    let entries = store.audit_page(before, 100).await.unwrap();
    assert_eq!(entries.len(), 4, "one entry per write: {entries:#?}");
    let summary: serde_json::Value = serde_json::from_str(&entries[3].summary).unwrap();
    assert_eq!(summary["kind"], "correction", "{summary}");
    assert_eq!(summary["created"], false, "{summary}");
    assert!(
        store
            .reset_letter_template(agency, "correction", audit())
            .await
            .unwrap()
    );
    assert!(
        !store
            .reset_letter_template(agency, "correction", audit())
            .await
            .unwrap()
    );
    assert_eq!(
        store.letter_templates(agency).await.unwrap(),
        kinds(&[("reply-withheld", body)])
    );
    assert_eq!(
        store.letter_templates(other).await.unwrap(),
        kinds(&[("correction", "# 他局补正")])
    );
    assert_eq!(store.audit_page(before, 100).await.unwrap().len(), 5);
    assert_kind(
        store
            .set_letter_template(AgencyId(999_999), "correction", "# x", audit())
            .await,
        "unknown agency",
        "NotFound",
    );
    assert_eq!(store.audit_page(before, 100).await.unwrap().len(), 5);
}

/// Page views add up per agency and day, a batch is all or nothing (an unknown agency in it
/// writes none of its counts), and a year's sum covers exactly its days.
pub async fn page_views_add_up<S: Store>(store: &S) {
    let a = agency(store, "访问量局").await;
    let b = agency(store, "访问量局二").await;
    let before = store.audit_last().await.unwrap().map_or(0, |e| e.seq);
    store
        .add_page_views(&[(a, d(2024, 1, 1), 3), (b, d(2024, 12, 31), 5)])
        .await
        .unwrap();
    store
        .add_page_views(&[
            (a, d(2024, 1, 1), 4),
            (a, d(2023, 12, 31), 100),
            (a, d(2025, 1, 1), 1000),
        ])
        .await
        .unwrap();
    assert_eq!(
        store.page_views(&[a, b], 2024).await.unwrap(),
        vec![(a, 7), (b, 5)]
    );
    assert_eq!(store.page_views(&[b], 2023).await.unwrap(), vec![]);
    assert_eq!(store.page_views(&[a], 2023).await.unwrap(), vec![(a, 100)]);
    assert_kind(
        store
            .add_page_views(&[(a, d(2024, 6, 1), 1), (AgencyId(999_999), d(2024, 6, 1), 1)])
            .await,
        "unknown agency",
        "NotFound",
    );
    assert_eq!(store.page_views(&[a], 2024).await.unwrap(), vec![(a, 7)]);
    // Counting visits is no change of records: no audit entry.
    assert_eq!(
        store.audit_last().await.unwrap().map_or(0, |e| e.seq),
        before
    );
}

/// The documents of a year with their item and what they interpret, by 发布日期, of the agencies
/// asked only.
pub async fn catalogue_published_documents<S: Store>(store: &S) {
    let a = agency(store, "本年发布局").await;
    let other = agency(store, "本年发布局二").await;
    let mut first = new_document(a, "PD-1", "规范性文件", d(2024, 1, 1));
    first.item = Some(Item::Article20(1));
    let first = store.create_document(first, audit()).await.unwrap();
    let mut reading = new_document(a, "PD-2", "解读", d(2024, 12, 31));
    reading.item = None;
    reading.interprets = Some(first.id);
    let reading = store.create_document(reading, audit()).await.unwrap();
    store
        .create_document(new_document(a, "PD-3", "去年", d(2023, 12, 31)), audit())
        .await
        .unwrap();
    store
        .create_document(new_document(other, "PD-4", "他局", d(2024, 6, 1)), audit())
        .await
        .unwrap();
    let got = store.published_documents(&[a], 2024).await.unwrap();
    assert_eq!(
        got,
        vec![
            crate::catalogue::PublishedDocument {
                id: first.id,
                agency: a,
                published: d(2024, 1, 1),
                item: Some(Item::Article20(1)),
                interprets: None,
            },
            crate::catalogue::PublishedDocument {
                id: reading.id,
                agency: a,
                published: d(2024, 12, 31),
                item: None,
                interprets: Some(first.id),
            },
        ]
    );
    assert!(
        store
            .published_documents(&[], 2024)
            .await
            .unwrap()
            .is_empty()
    );
}

fn standard_item(code: &str, name: &str, limit: &str) -> gongkai_directory::StandardItem {
    gongkai_directory::StandardItem {
        code: code.into(),
        domain: "财政预决算".into(),
        name: name.into(),
        content: format!("{name}的内容"),
        basis: "《中华人民共和国预算法》".into(),
        time_limit: limit.into(),
        body: "区财政局".into(),
        channels: "政府网站".into(),
    }
}

/// The standard directory replaced whole, the catalogue's links to its items and to the
/// registered channels checked, stored, read back and read for a year; the channel register and
/// its monthly counts.
pub async fn directory_and_channels<S: Store>(store: &S) {
    use crate::channels::{NewChannel, Platform, PostCount};
    let a = agency(store, "标准目录局").await;
    let b = agency(store, "标准目录局二").await;
    let items = vec![
        standard_item("CZ-1", "部门预算", "每年3月31日前"),
        standard_item("CZ-2", "部门决算", "信息形成或变更之日起20个工作日内"),
        standard_item("CZ-3", "三公经费", "常态化公开"),
    ];
    let counts = store
        .replace_directory(a, items.clone(), audit())
        .await
        .unwrap();
    assert_eq!((counts.created, counts.removed), (3, 0));
    let twice = vec![items[0].clone(), items[0].clone()];
    assert_kind(
        store.replace_directory(a, twice, audit()).await,
        "twice",
        "Conflict",
    );
    assert_kind(
        store
            .replace_directory(AgencyId(999_999), items.clone(), audit())
            .await,
        "unknown agency",
        "NotFound",
    );
    let listed: Vec<_> = store.directory(&[a, b]).await.unwrap();
    assert_eq!(
        listed,
        items.iter().map(|i| (a, i.clone())).collect::<Vec<_>>()
    );

    let channel = |agency, platform, name: &str| NewChannel {
        agency,
        platform,
        name: name.into(),
        operator: "办公室".into(),
        opened: d(2020, 1, 1),
        filed: true,
    };
    let portal = store
        .add_channel(channel(a, Platform::Portal, "标准目录局网站"), audit())
        .await
        .unwrap();
    let wechat = store
        .add_channel(channel(a, Platform::WeChat, "标准目录局发布"), audit())
        .await
        .unwrap();
    let other = store
        .add_channel(
            channel(b, Platform::Other("快手".into()), "乙局发布"),
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(other.platform, Platform::Other("快手".into()));
    assert_kind(
        store
            .add_channel(channel(a, Platform::Weibo, "标准目录局发布"), audit())
            .await,
        "a name twice",
        "Conflict",
    );
    store
        .add_channel(channel(b, Platform::Weibo, "标准目录局发布"), audit())
        .await
        .unwrap();
    let listed = store.channels(&[a]).await.unwrap();
    assert_eq!(listed, vec![wechat.clone(), portal.clone()], "by name");

    let mut one = new_document(a, "BZML/2024-00001", "2024年部门预算", d(2024, 3, 1));
    one.items = vec!["CZ-1".into(), "CZ-2".into()];
    one.channels = vec!["标准目录局网站".into(), "标准目录局发布".into()];
    let one = store.create_document(one, audit()).await.unwrap();
    let back = store.document(one.id).await.unwrap().unwrap();
    assert_eq!(back.data.items, ["CZ-1", "CZ-2"]);
    assert_eq!(back.data.channels, ["标准目录局网站", "标准目录局发布"]);
    assert_eq!(back, one);
    let mut bad = new_document(a, "BZML/2024-00009", "未知事项", d(2024, 3, 1));
    bad.items = vec!["CZ-9".into()];
    assert_kind(
        store.create_document(bad.clone(), audit()).await,
        "unknown item",
        "Invalid",
    );
    bad.items = Vec::new();
    bad.channels = vec!["乙局发布".into()];
    assert_kind(
        store.create_document(bad, audit()).await,
        "another agency's channel",
        "Invalid",
    );

    let mut two = new_document(a, "BZML/2024-00002", "部门决算", d(2024, 5, 1));
    two.items = vec!["CZ-1".into()];
    let mut old = new_document(a, "BZML/2023-00001", "2023年预算", d(2023, 3, 1));
    old.items = vec!["CZ-1".into()];
    let imported = store
        .upsert_documents(vec![two.clone(), old.clone()], audit())
        .await
        .unwrap();
    assert_eq!(imported.created, 2);
    let again = store
        .upsert_documents(vec![two.clone(), old.clone()], audit())
        .await
        .unwrap();
    assert_eq!(again.unchanged, 2, "the links read back the same");
    two.items = vec!["CZ-3".into()];
    let changed = store.upsert_documents(vec![two], audit()).await.unwrap();
    assert_eq!(changed.changed, 1);
    let two = store
        .document_by_index(a, "BZML/2024-00002")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(two.data.items, ["CZ-3"]);

    let pubs = store.item_publications(&[a], 2024).await.unwrap();
    let seen: Vec<(&str, gongkai_catalogue::DocumentId)> =
        pubs.iter().map(|p| (p.item.as_str(), p.document)).collect();
    assert_eq!(seen, [("CZ-1", one.id), ("CZ-2", one.id), ("CZ-3", two.id)]);
    assert_eq!(pubs[0].published, d(2024, 3, 1));
    assert_eq!(pubs[0].written, Some(d(2024, 2, 25)));
    assert_eq!(store.item_publications(&[a], 2023).await.unwrap().len(), 1);
    assert!(
        store
            .item_publications(&[b], 2024)
            .await
            .unwrap()
            .is_empty()
    );

    // A new directory: CZ-1 changed, CZ-2 kept, CZ-3 dropped, CZ-4 added.
    let mut next = vec![
        standard_item("CZ-1", "部门预算（含说明）", "每年3月31日前"),
        items[1].clone(),
        standard_item("CZ-4", "政府采购", "实时"),
    ];
    let counts = store
        .replace_directory(a, next.clone(), audit())
        .await
        .unwrap();
    assert_eq!(
        (
            counts.created,
            counts.changed,
            counts.unchanged,
            counts.removed
        ),
        (1, 1, 1, 1)
    );
    next.swap(0, 2);
    store
        .replace_directory(a, next.clone(), audit())
        .await
        .unwrap();
    let order: Vec<String> = store
        .directory(&[a])
        .await
        .unwrap()
        .into_iter()
        .map(|(_, i)| i.code)
        .collect();
    assert_eq!(order, ["CZ-4", "CZ-2", "CZ-1"], "the file's order");

    assert_kind(
        store
            .close_channel(wechat.id, d(2019, 12, 31), audit())
            .await,
        "closed before opened",
        "Invalid",
    );
    let closed = store
        .close_channel(wechat.id, d(2024, 6, 30), audit())
        .await
        .unwrap();
    assert_eq!(closed.closed, Some(d(2024, 6, 30)));
    assert_kind(
        store.close_channel(wechat.id, d(2024, 7, 1), audit()).await,
        "closed twice",
        "Invalid",
    );
    assert_eq!(store.channels(&[a]).await.unwrap()[0], closed);

    let count = |channel, month, posts| PostCount {
        channel,
        year: 2024,
        month,
        posts,
    };
    let c = store
        .import_post_counts(
            vec![count(wechat.id, 1, 10), count(wechat.id, 2, 5)],
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(c.created, 2);
    let c = store
        .import_post_counts(
            vec![
                count(wechat.id, 1, 10),
                count(wechat.id, 2, 6),
                count(portal.id, 3, 1),
            ],
            audit(),
        )
        .await
        .unwrap();
    assert_eq!((c.created, c.changed, c.unchanged), (1, 1, 1));
    assert_kind(
        store
            .import_post_counts(vec![count(wechat.id, 13, 1)], audit())
            .await,
        "month 13",
        "Invalid",
    );
    assert_kind(
        store
            .import_post_counts(
                vec![count(crate::channels::ChannelId(999_999), 1, 1)],
                audit(),
            )
            .await,
        "unknown channel",
        "NotFound",
    );
    let mut got = store.channel_post_counts(&[a], 2024).await.unwrap();
    got.sort();
    let mut want = vec![(wechat.id, 1, 10), (wechat.id, 2, 6), (portal.id, 3, 1)];
    want.sort();
    assert_eq!(got, want);
    assert!(
        store
            .channel_post_counts(&[a], 2023)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .channel_post_counts(&[b], 2024)
            .await
            .unwrap()
            .is_empty()
    );
    let mut on = vec![(one.id, portal.id), (one.id, wechat.id)];
    on.sort();
    assert_eq!(store.document_channels(&[a], 2024).await.unwrap(), on);
    assert!(
        store
            .document_channels(&[a], 2023)
            .await
            .unwrap()
            .is_empty()
    );
}

fn new_message(agency: AgencyId, hash: &str, received: NaiveDate) -> crate::messages::NewMessage {
    crate::messages::NewMessage {
        agency,
        kind: crate::messages::MessageKind::Complaint,
        title: "路灯不亮<script>".into(),
        body: "某路段路灯长期不亮。".into(),
        name: "张三".into(),
        phone: "13800138000".into(),
        received,
        submitted_at: at(1_700_000_000, 0),
        tracking_hash: hash.into(),
        nonce: Some(format!("nonce-{hash}")),
        content_hash: Some("c".into()),
        from_request: None,
    }
}

/// Public messages: stored and read back by id, tracking hash, nonce and request; changed only
/// as [`crate::messages::Message::apply`] allows, a refusal writing nothing; paged by id; the
/// published replies newest first; the annual report's facts by the year of receipt or reply.
pub async fn messages_life_and_facts<S: Store>(store: &S) {
    use crate::messages::{MessageChange, MessageId, MessageKind, Reply};
    let a = agency(store, "留言局").await;
    let child = store
        .create_agency("留言局下属所", Some(a), audit())
        .await
        .unwrap()
        .id;
    let first = store
        .submit_message(new_message(a, "h-1", d(2024, 12, 30)), audit())
        .await
        .unwrap();
    let second = store
        .submit_message(new_message(a, "h-2", d(2025, 1, 2)), audit())
        .await
        .unwrap();
    assert_eq!(
        store.message(first.id).await.unwrap().as_ref(),
        Some(&first)
    );
    assert_eq!(
        store
            .message_by_tracking("h-2")
            .await
            .unwrap()
            .map(|m| m.id),
        Some(second.id)
    );
    assert_eq!(
        store
            .message_by_nonce("nonce-h-1")
            .await
            .unwrap()
            .map(|m| m.id),
        Some(first.id)
    );
    assert_eq!(first.title, "路灯不亮<script>");
    assert_eq!(first.kind, MessageKind::Complaint);
    assert!(store.message_by_tracking("h-3").await.unwrap().is_none());
    assert_kind(
        store
            .submit_message(new_message(a, "h-1", d(2025, 1, 2)), audit())
            .await,
        "a tracking hash used before",
        "Conflict",
    );
    assert_kind(
        store
            .submit_message(
                new_message(AgencyId(999_999), "h-9", d(2025, 1, 2)),
                audit(),
            )
            .await,
        "an unknown agency",
        "NotFound",
    );
    let before = audit_seq(store).await;
    // A reply to be published must exist; a refusal writes nothing, not even its entry.
    assert_kind(
        store
            .change_message(first.id, MessageChange::Publish(true), audit())
            .await,
        "publishing no reply",
        "MessageState",
    );
    assert_eq!(audit_seq(store).await, before);
    let assigned = store
        .change_message(first.id, MessageChange::Assign(child), audit())
        .await
        .unwrap();
    assert_eq!((assigned.agency, assigned.addressed), (child, a));
    let reply = Reply {
        body: "已安排维修。".into(),
        on: d(2025, 1, 6),
        at: at(1_700_100_000, 0),
        by: "officer".into(),
        public: false,
    };
    let replied = store
        .change_message(first.id, MessageChange::Reply(reply.clone()), audit())
        .await
        .unwrap();
    assert_eq!(replied.reply.as_ref().map(|r| r.on), Some(d(2025, 1, 6)));
    let published = store
        .change_message(first.id, MessageChange::Publish(true), audit())
        .await
        .unwrap();
    assert_eq!(
        store.message(first.id).await.unwrap(),
        Some(published.clone())
    );
    // The second is a duplicate of the first.
    let merged = store
        .change_message(second.id, MessageChange::Merge(first.id), audit())
        .await
        .unwrap();
    assert_eq!(merged.merged_into, Some(first.id));
    assert_kind(
        store
            .change_message(second.id, MessageChange::Reply(reply), audit())
            .await,
        "replying to a merged message",
        "MessageState",
    );
    let entries = store.audit_page(before, 100).await.unwrap();
    assert_eq!(entries.len(), 4, "one entry per write: {entries:#?}");
    assert!(!entries.iter().any(|e| e.summary.contains("13800138000")));
    // A third, turned into a request; a request of its own turned into a fourth.
    let third = store
        .submit_message(new_message(a, "h-3", d(2025, 3, 3)), audit())
        .await
        .unwrap();
    let request = store
        .create_request(
            new_request(a, "LY-R-1", d(2025, 3, 4)),
            ev(Event::Received(d(2025, 3, 4))),
            audit(),
        )
        .await
        .unwrap();
    let turned = store
        .change_message(
            third.id,
            MessageChange::TurnedIntoRequest(request.id),
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(turned.state_key(), "to_request");
    assert_eq!(
        store
            .message_of_request(request.id)
            .await
            .unwrap()
            .map(|m| m.id),
        Some(third.id)
    );
    let other = store
        .create_request(
            new_request(a, "LY-R-2", d(2025, 3, 4)),
            ev(Event::Received(d(2025, 3, 4))),
            audit(),
        )
        .await
        .unwrap();
    let mut from = new_message(a, "h-4", d(2025, 3, 10));
    from.nonce = None;
    from.from_request = Some(other.id);
    let fourth = store.submit_message(from, audit()).await.unwrap();
    assert!(fourth.from_request && !fourth.is_closed());
    let mut again = new_message(a, "h-5", d(2025, 3, 10));
    again.nonce = None;
    again.from_request = Some(other.id);
    assert_kind(
        store.submit_message(again, audit()).await,
        "a second message of one request",
        "Conflict",
    );
    // Paging by id, of the agencies asked.
    let page = store.messages_of(&[a, child], None, 2).await.unwrap();
    let ids: Vec<MessageId> = page.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![first.id, second.id]);
    let rest = store
        .messages_of(&[a, child], Some(second.id), 10)
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![third.id, fourth.id]
    );
    assert_eq!(
        store.messages_of(&[child], None, 10).await.unwrap().len(),
        1
    );
    let public = store.public_replies(&[child], None, 10).await.unwrap();
    assert_eq!(
        public.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![first.id]
    );
    assert!(
        store
            .public_replies(&[child], Some(first.id), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Taking the publication back takes it off the public list.
    store
        .change_message(first.id, MessageChange::Publish(false), audit())
        .await
        .unwrap();
    assert!(
        store
            .public_replies(&[child], None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Facts: received in the year, or replied in it.
    let facts = store.message_facts(&[a, child], 2024).await.unwrap();
    assert_eq!(
        facts.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![first.id]
    );
    let facts = store.message_facts(&[a, child], 2025).await.unwrap();
    assert_eq!(
        facts.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![first.id, second.id, third.id, fourth.id]
    );
    assert_eq!(facts[0].agency, child);
    assert_eq!(facts[0].replied, Some(d(2025, 1, 6)));
    assert!(!facts[0].public);
    assert_eq!(facts[1].merged_into, Some(first.id));
    assert_eq!(facts[2].request, Some(request.id));
    assert_eq!(facts[3].request, Some(other.id));
    assert_eq!(facts[0].kind.label(), "投诉");
    assert!(
        store
            .message_facts(&[child], 2023)
            .await
            .unwrap()
            .is_empty()
    );
}

/// The purge of personal data reaches the public messages whose handling ended before its day:
/// replied, or set aside (abusive, merged) and received before it; the sender's name and phone
/// go, the message and its reply stay; one still open, or replied on or after the day, keeps
/// them.
pub async fn messages_purged_with_applicants<S: Store>(store: &S) {
    use crate::messages::{MessageChange, Reply};
    let a = agency(store, "留言清除局").await;
    let submit = |hash: &'static str, received: NaiveDate| async move {
        store
            .submit_message(new_message(a, hash, received), audit())
            .await
            .unwrap()
    };
    let reply = |on: NaiveDate| Reply {
        body: "已答复。".into(),
        on,
        at: at(1_700_100_000, 0),
        by: "officer".into(),
        public: true,
    };
    let old = submit("purge-1", d(2020, 1, 2)).await;
    store
        .change_message(old.id, MessageChange::Reply(reply(d(2020, 1, 6))), audit())
        .await
        .unwrap();
    let abusive = submit("purge-2", d(2020, 2, 3)).await;
    store
        .change_message(
            abusive.id,
            MessageChange::Abusive(Some("广告".into())),
            audit(),
        )
        .await
        .unwrap();
    let open = submit("purge-3", d(2020, 3, 2)).await;
    let late = submit("purge-4", d(2020, 12, 28)).await;
    store
        .change_message(late.id, MessageChange::Reply(reply(d(2021, 1, 4))), audit())
        .await
        .unwrap();
    let purged = store
        .purge_personal_data(d(2021, 1, 4), audit())
        .await
        .unwrap();
    // (Other tests' messages replied before that day, in a shared store, are purged too.)
    assert!(purged.messages >= 2, "{purged:?}");
    for (m, gone) in [
        (old.id, true),
        (abusive.id, true),
        (open.id, false),
        (late.id, false),
    ] {
        let m = store.message(m).await.unwrap().unwrap();
        assert_eq!(m.name == crate::applications::PURGED_NAME, gone, "{m:?}");
        assert_eq!(m.phone.is_empty(), gone, "{m:?}");
    }
    let kept = store.message(old.id).await.unwrap().unwrap();
    assert_eq!(kept.reply.map(|r| r.body), Some("已答复。".to_owned()));
    // Again: nothing left to purge among these.
    let again = store
        .purge_personal_data(d(2021, 1, 4), audit())
        .await
        .unwrap();
    assert_eq!(again.messages, 0, "{again:?}");
}

/// Redaction (区分处理, 第三十七条): a document's boxes are replaced as a whole, in order, with
/// who marked each and when (a kept box keeps its marker); boxes off the page are refused and
/// change nothing; the release records the copy and releases the document in one write, once;
/// after it the boxes are final.
pub async fn redaction_boxes_and_released_copy<S: Store>(store: &S) {
    use crate::applications::ReplyDocumentId;
    use crate::redactions::{NewBox, SCALE};
    let agency = agency(store, "区分处理测试局").await;
    let request = store
        .create_request(
            new_request(agency, "QF-1", d(2026, 3, 2)),
            ev(Event::Received(d(2026, 3, 2))),
            audit(),
        )
        .await
        .unwrap();
    let original = Attachment {
        sha256: crate::blobs::sha256_hex(b"original"),
        name: "答复材料.pdf".into(),
        media_type: "application/pdf".into(),
        size: 8,
    };
    let doc = store
        .add_reply_document(request.id, original.clone(), at(1_790_000_000, 0), audit())
        .await
        .unwrap();
    assert_eq!(doc.copy, None);
    assert!(store.redaction_boxes(doc.id).await.unwrap().is_empty());
    let drawn = NewBox {
        page: 2,
        x: 100_000,
        y: 250_000,
        w: 300_000,
        h: 20_000,
        reason: "第十六条第二款".into(),
        pattern: false,
        added: None,
    };
    let found = NewBox {
        page: 1,
        x: 0,
        y: SCALE - 30_000,
        w: SCALE,
        h: 30_000,
        reason: "第十五条".into(),
        pattern: true,
        added: None,
    };
    let first = store
        .set_redaction_boxes(
            doc.id,
            vec![drawn.clone(), found.clone()],
            at(1_790_000_000, 60),
            audit(),
        )
        .await
        .unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(
        (first[0].page, first[0].x, first[0].w),
        (2, 100_000, 300_000)
    );
    assert_eq!(first[0].reason, "第十六条第二款");
    assert!(!first[0].pattern && first[1].pattern);
    assert_eq!(first[1].y + first[1].h, SCALE, "a box may reach the edge");
    assert_eq!(first[0].added_at, at(1_790_000_000, 60).trunc_subsecs(6));
    assert_eq!(first[0].added_by, "conformance");
    assert_eq!(store.redaction_boxes(doc.id).await.unwrap(), first);

    // Replaced: the pattern box kept (its time stays), its reason changed; the drawn one gone.
    let mut kept = first[1].kept();
    kept.reason = "第十四条".into();
    let second = store
        .set_redaction_boxes(doc.id, vec![kept], at(1_790_000_000, 120), audit())
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].reason, "第十四条");
    assert_eq!(second[0].added_at, first[1].added_at);

    // Off the page: refused, nothing written.
    let seq = audit_seq(store).await;
    let mut off = drawn.clone();
    off.x = SCALE - 10;
    assert_kind(
        store
            .set_redaction_boxes(
                doc.id,
                vec![drawn.clone(), off],
                at(1_790_000_000, 130),
                audit(),
            )
            .await,
        "a box past the right edge",
        "Invalid",
    );
    assert_eq!(store.redaction_boxes(doc.id).await.unwrap(), second);
    assert_eq!(audit_seq(store).await, seq);
    assert_kind(
        store
            .set_redaction_boxes(
                ReplyDocumentId(999_999),
                vec![],
                at(1_790_000_000, 130),
                audit(),
            )
            .await,
        "an unknown document",
        "NotFound",
    );

    // Released with its copy, in one write.
    let copy = Attachment {
        sha256: crate::blobs::sha256_hex(b"released copy"),
        name: "答复材料（区分处理）.pdf".into(),
        media_type: "application/pdf".into(),
        size: 13,
    };
    let released = store
        .release_redacted(doc.id, copy.clone(), at(1_790_000_000, 180), audit())
        .await
        .unwrap();
    assert_eq!(audit_seq(store).await, seq + 1);
    assert_eq!(released.file, original, "the original stays");
    assert_eq!(released.copy.as_ref(), Some(&copy));
    assert_eq!(released.provided(), &copy);
    assert_eq!(
        released.released,
        Some((
            at(1_790_000_000, 180).trunc_subsecs(6),
            "conformance".to_owned()
        ))
    );
    assert_eq!(
        store.reply_document(doc.id).await.unwrap(),
        Some(released.clone())
    );
    assert_eq!(
        store.reply_documents(request.id).await.unwrap(),
        vec![released]
    );

    // Final: no second release, no new boxes.
    assert_kind(
        store
            .release_redacted(doc.id, copy, at(1_790_000_000, 240), audit())
            .await,
        "a second release",
        "Conflict",
    );
    assert_kind(
        store
            .set_redaction_boxes(doc.id, vec![], at(1_790_000_000, 240), audit())
            .await,
        "boxes after the release",
        "Conflict",
    );
    assert_eq!(store.redaction_boxes(doc.id).await.unwrap(), second);
    assert_eq!(audit_seq(store).await, seq + 1);
}

/// A message of the notification suite, due at `due`.
fn notice(
    request: Option<gongkai_cases::RequestId>,
    user: Option<UserId>,
    dedup: &str,
    due: DateTime<Utc>,
) -> crate::notifications::NewNotification {
    crate::notifications::NewNotification {
        request,
        user,
        milestone: "received".into(),
        channel: if user.is_some() { "email" } else { "sms" }.into(),
        address: if user.is_some() {
            "officer@example.cn"
        } else {
            "13800000000"
        }
        .into(),
        subject: String::new(),
        text: format!("消息 {dedup}"),
        dedup: dedup.into(),
        due,
    }
}

fn hour(y: i32, m: u32, day: u32, h: u32) -> DateTime<Utc> {
    d(y, m, day).and_hms_opt(h, 0, 0).unwrap().and_utc()
}

/// The notification queue: a message is queued once per key (an unknown request adds none of
/// its batch); a claim takes the due messages, each with one more attempt, and not again while
/// its lease holds; an attempt is finished only by the claim holding it (after its lease ended
/// and another claim took it, the first finishes nothing); a retry waits for its time; sent and
/// failed messages are never claimed again; a request's messages and the queue list them.
pub async fn notifications_queue_claim_finish<S: Store>(store: &S) {
    use crate::notifications::{Attempt, NotificationState as St};
    let agency = agency(store, "消息测试局").await;
    let request = store
        .create_request(
            new_request(agency, "消息-001", d(2030, 1, 2)),
            ev(Event::Received(d(2030, 1, 2))),
            audit(),
        )
        .await
        .unwrap();
    let user = store
        .create_user("消息办理人", &phc("bXNn"), None, audit())
        .await
        .unwrap();
    let before = audit_seq(store).await;
    let t0 = hour(2030, 1, 2, 1);
    let batch = vec![
        notice(Some(request.id), None, "q-sms", t0),
        notice(Some(request.id), None, "q-later", hour(2030, 1, 3, 0)),
        notice(None, Some(user.id), "q-staff", t0),
    ];
    assert_eq!(store.queue_notifications(&batch, t0).await.unwrap(), 3);
    // The same keys again add nothing; queuing writes no audit entry.
    assert_eq!(store.queue_notifications(&batch, t0).await.unwrap(), 0);
    assert_eq!(audit_seq(store).await, before);
    assert_kind(
        store
            .queue_notifications(
                &[
                    notice(None, None, "q-orphan-ok", t0),
                    notice(
                        Some(gongkai_cases::RequestId(999_999)),
                        None,
                        "q-orphan",
                        t0,
                    ),
                ],
                t0,
            )
            .await,
        "unknown request",
        "NotFound",
    );
    let lease = hour(2030, 1, 2, 2);
    let claimed = store.claim_notifications(t0, lease, 10).await.unwrap();
    let keys: Vec<&str> = claimed.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(
        keys,
        ["消息 q-sms", "消息 q-staff"],
        "the due ones, no orphan"
    );
    assert!(
        claimed
            .iter()
            .all(|n| n.state == St::Sending && n.attempts == 1)
    );
    assert_eq!(claimed[0].request, Some(request.id));
    assert_eq!(claimed[1].user, Some(user.id));
    assert_eq!(claimed[0].next_attempt, t0);
    // Leased: not claimed again before the lease ends.
    let t1 = hour(2030, 1, 2, 1) + chrono::Duration::minutes(30);
    assert!(
        store
            .claim_notifications(t1, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let (sms, staff) = (&claimed[0], &claimed[1]);
    assert!(
        store
            .finish_notification(sms.id, 1, Attempt::Sent(t1))
            .await
            .unwrap()
    );
    // Finished already: the claim holds it no more.
    assert!(
        !store
            .finish_notification(sms.id, 1, Attempt::Failed("late".into()))
            .await
            .unwrap()
    );
    let retry_at = hour(2030, 1, 2, 5);
    assert!(
        store
            .finish_notification(
                staff.id,
                1,
                Attempt::Retry {
                    at: retry_at,
                    error: "HTTP 500".into()
                }
            )
            .await
            .unwrap()
    );
    // Not before its time; then claimed with its second attempt, its lease runs out and
    // another claim takes it over: the first claim finishes nothing.
    assert!(
        store
            .claim_notifications(hour(2030, 1, 2, 4), hour(2030, 1, 2, 6), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let second = store
        .claim_notifications(retry_at, hour(2030, 1, 2, 6), 10)
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!((second[0].id, second[0].attempts), (staff.id, 2));
    assert_eq!(second[0].last_error.as_deref(), Some("HTTP 500"));
    let third = store
        .claim_notifications(hour(2030, 1, 2, 7), hour(2030, 1, 2, 8), 10)
        .await
        .unwrap();
    assert_eq!((third[0].id, third[0].attempts), (staff.id, 3));
    assert!(
        !store
            .finish_notification(staff.id, 2, Attempt::Sent(hour(2030, 1, 2, 7)))
            .await
            .unwrap()
    );
    assert!(
        store
            .finish_notification(staff.id, 3, Attempt::Failed("HTTP 503".into()))
            .await
            .unwrap()
    );
    // The later one, due the next day, is the last; sent, nothing is left to claim.
    let last = store
        .claim_notifications(hour(2030, 1, 3, 0), hour(2030, 1, 3, 1), 10)
        .await
        .unwrap();
    assert_eq!(last.len(), 1);
    assert!(
        store
            .finish_notification(last[0].id, 1, Attempt::Sent(hour(2030, 1, 3, 0)))
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_notifications(hour(2031, 1, 1, 0), hour(2031, 1, 1, 1), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let of_request = store.request_notifications(request.id).await.unwrap();
    let states: Vec<(St, u32, Option<DateTime<Utc>>)> = of_request
        .iter()
        .map(|n| (n.state, n.attempts, n.sent_at))
        .collect();
    assert_eq!(
        states,
        [
            (St::Sent, 1, Some(t1)),
            (St::Sent, 1, Some(hour(2030, 1, 3, 0)))
        ]
    );
    let failed = store
        .notifications(Some(St::Failed), None, 10)
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_error.as_deref(), Some("HTTP 503"));
    let newest = store.notifications(None, None, 2).await.unwrap();
    assert_eq!(newest.len(), 2);
    assert!(newest[0].id > newest[1].id);
    let older = store
        .notifications(None, Some(newest[1].id), 100)
        .await
        .unwrap();
    assert!(older.iter().all(|n| n.id < newest[1].id));
    assert_eq!(older.len() + 2, 3, "the orphan's batch added nothing");
}

/// Two workers claiming from one queue at once, a few messages at a time, send every message
/// exactly once between them.
pub async fn notifications_claimed_once<S: Store>(store: &S) {
    use crate::notifications::Attempt;
    let t0 = hour(2032, 6, 1, 0);
    let batch: Vec<_> = (0..60)
        .map(|i| notice(None, None, &format!("race-{i}"), t0))
        .collect();
    assert_eq!(store.queue_notifications(&batch, t0).await.unwrap(), 60);
    let worker = || async {
        let mut sent = Vec::new();
        loop {
            let claimed = store
                .claim_notifications(t0, hour(2032, 6, 1, 1), 4)
                .await
                .unwrap();
            if claimed.is_empty() {
                return sent;
            }
            for n in claimed {
                assert!(
                    store
                        .finish_notification(n.id, n.attempts, Attempt::Sent(t0))
                        .await
                        .unwrap()
                );
                sent.push(n.id);
            }
        }
    };
    let (a, b) = futures_util::future::join(worker(), worker()).await;
    let mut all: Vec<_> = a.iter().chain(&b).copied().collect();
    all.sort();
    let before = all.len();
    all.dedup();
    assert_eq!(before, all.len(), "a message claimed twice");
    assert_eq!(all.len(), 60, "every message sent");
}

/// The public log of answered requests: an entry per request (a second one conflicts, an
/// unknown request is not found), listed newest first per agency or for all, paged by number,
/// withdrawn without trace in the list (the withdrawal audited, a second one a no-op). And the
/// encrypted identity-document photo of an application: read back with the application, gone
/// with the purge of personal data, its blob with it unless something else names it.
pub async fn disclosures_and_id_photos<S: Store + Blobs>(store: &S) {
    use crate::applications::ReplyDocumentId;
    use crate::disclosures::DisclosureId;
    let one = agency(store, "公开答复局").await;
    let two = agency(store, "公开答复局二").await;
    let received = d(2026, 3, 2);
    let mut requests = Vec::new();
    for (agency, reference) in [(one, "GK-1"), (one, "GK-2"), (two, "GK-3")] {
        let r = store
            .create_request(
                new_request(agency, reference, received),
                ev(Event::Received(received)),
                audit(),
            )
            .await
            .unwrap();
        requests.push(r.id);
    }
    let mut entries = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let title = format!("关于<b>某项目</b>的批复 {i}");
        let documents = [ReplyDocumentId(10 + i as i64), ReplyDocumentId(3)];
        let e = store
            .publish_disclosure(
                *r,
                &title,
                &documents[..i.min(2)],
                at(1_780_000_000, i as i64),
                audit(),
            )
            .await
            .unwrap();
        assert_eq!(e.request, *r);
        assert_eq!(e.title, title);
        assert_eq!(e.documents, documents[..i.min(2)]);
        assert_eq!(e.published_by, "conformance");
        entries.push(e);
    }
    assert_eq!(entries[2].agency, two);
    assert_kind(
        store
            .publish_disclosure(requests[0], "再次", &[], at(1_780_000_000, 9), audit())
            .await,
        "a request published twice",
        "Conflict",
    );
    assert_kind(
        store
            .publish_disclosure(
                gongkai_cases::RequestId(999_999),
                "无此申请",
                &[],
                at(1_780_000_000, 9),
                audit(),
            )
            .await,
        "unknown request",
        "NotFound",
    );
    assert_eq!(
        store.disclosure_of(requests[1]).await.unwrap(),
        Some(entries[1].clone())
    );
    assert_eq!(
        store.disclosure(entries[2].id).await.unwrap(),
        Some(entries[2].clone())
    );
    let of_one = store.disclosures(Some(&[one]), None, 10).await.unwrap();
    assert_eq!(of_one, vec![entries[1].clone(), entries[0].clone()]);
    let first = store.disclosures(Some(&[one, two]), None, 2).await.unwrap();
    assert_eq!(first, vec![entries[2].clone(), entries[1].clone()]);
    let next = store
        .disclosures(Some(&[one, two]), Some(first[1].id), 2)
        .await
        .unwrap();
    assert_eq!(next, vec![entries[0].clone()]);
    let all = store.disclosures(None, None, 1000).await.unwrap();
    assert!(all.len() >= 3 && all.windows(2).all(|w| w[0].id > w[1].id));
    assert!(
        store
            .disclosures(Some(&[]), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let seq = audit_seq(store).await;
    assert!(
        store
            .withdraw_disclosure(requests[0], audit())
            .await
            .unwrap()
    );
    assert_eq!(audit_seq(store).await, seq + 1);
    assert!(
        !store
            .withdraw_disclosure(requests[0], audit())
            .await
            .unwrap()
    );
    assert_eq!(
        audit_seq(store).await,
        seq + 1,
        "nothing withdrawn, nothing audited"
    );
    assert_eq!(store.disclosure_of(requests[0]).await.unwrap(), None);
    assert_eq!(
        store.disclosures(Some(&[one]), None, 10).await.unwrap(),
        vec![entries[1].clone()]
    );
    assert_eq!(
        store.disclosure(DisclosureId(i64::MAX)).await.unwrap(),
        None
    );

    // An application with its (encrypted) identity-document photo.
    let sealed = store.put(b"sealed photo bytes").await.unwrap();
    let photo = Attachment {
        sha256: sealed.clone(),
        name: "身份证.jpg".into(),
        media_type: "image/jpeg".into(),
        size: 1234,
    };
    let submitted = d(2026, 3, 6);
    let mut new = application("photo-hash", true, None);
    new.id_photo = Some(photo.clone());
    let r = store
        .submit_application(
            new_request(one, "GK-PHOTO", submitted),
            ev(Event::Received(submitted)),
            new,
            audit(),
        )
        .await
        .unwrap();
    let stored = store.application(r.id).await.unwrap().unwrap();
    assert_eq!(stored.id_photo, Some(photo));
    store
        .confirm_receipt(r.id, submitted, at(1_780_000_000, 60), audit())
        .await
        .unwrap();
    store
        .append_event(r.id, decided(d(2026, 3, 10), Outcome::Disclosed), audit())
        .await
        .unwrap();
    let purged = store
        .purge_personal_data(d(2026, 3, 11), audit())
        .await
        .unwrap();
    assert!(purged.orphaned.contains(&sealed), "{purged:?}");
    assert!(!store.has(&sealed).await.unwrap());
    assert_eq!(
        store.application(r.id).await.unwrap().unwrap().id_photo,
        None
    );
}

// Routing inside a government (签收, 转办, 协办, 退回).

/// The steps of a request are numbered from 1 and read back in order with what each carries;
/// a step numbered other than next (someone acted meanwhile) writes nothing (`Conflict`); an
/// unknown request or agency is `NotFound`. What awaits a unit: the dispatch while it is its
/// request's last step, a sub-task until it is answered; a unit handles the requests it last
/// signed for.
pub async fn routing_steps_in_order<S: Store>(store: &S) {
    use gongkai_cases::routing::{Action, Step};
    let intake = agency(store, "转办县政府").await;
    let unit = store
        .create_agency("转办县自然资源局", Some(intake), audit())
        .await
        .unwrap()
        .id;
    let helper = store
        .create_agency("转办县交通局", Some(intake), audit())
        .await
        .unwrap()
        .id;
    let request = store
        .create_request(
            new_request(intake, "ZB-1", d(2025, 3, 3)),
            ev(Event::Received(d(2025, 3, 3))),
            audit(),
        )
        .await
        .unwrap()
        .id;
    let step = |action, by, to: Option<AgencyId>, text: &str| Step {
        action,
        by,
        to,
        text: text.into(),
        due: None,
        task: None,
    };
    assert!(store.routing_steps(request).await.unwrap().is_empty());
    let first = store
        .record_routing_step(
            request,
            1,
            step(Action::Dispatch, intake, Some(unit), ""),
            audit(),
        )
        .await
        .unwrap();
    assert_eq!((first.seq, first.actor.as_str()), (1, "conformance"));
    let waiting = store.routing_waiting(&[unit, helper]).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].0, request);
    assert_eq!(waiting[0].1.step.action, Action::Dispatch);
    for seq in [1, 3] {
        assert_kind(
            store
                .record_routing_step(request, seq, step(Action::Sign, unit, None, ""), audit())
                .await,
            "a step on a state that has changed",
            "Conflict",
        );
    }
    assert_kind(
        store
            .record_routing_step(
                gongkai_cases::RequestId(999_999),
                1,
                step(Action::Sign, unit, None, ""),
                audit(),
            )
            .await,
        "unknown request",
        "NotFound",
    );
    assert_kind(
        store
            .record_routing_step(
                request,
                2,
                step(Action::Dispatch, intake, Some(AgencyId(999_999)), ""),
                audit(),
            )
            .await,
        "unknown agency",
        "NotFound",
    );
    store
        .record_routing_step(
            request,
            2,
            step(Action::Return, unit, Some(intake), "  不属于本单位职责 "),
            audit(),
        )
        .await
        .unwrap();
    assert!(store.routing_waiting(&[unit]).await.unwrap().is_empty());
    store
        .record_routing_step(
            request,
            3,
            step(Action::Dispatch, intake, Some(unit), ""),
            audit(),
        )
        .await
        .unwrap();
    store
        .record_routing_step(request, 4, step(Action::Sign, unit, None, ""), audit())
        .await
        .unwrap();
    assert_eq!(store.routed_to(&[unit]).await.unwrap(), vec![request]);
    assert!(store.routed_to(&[intake, helper]).await.unwrap().is_empty());
    let mut sub = step(Action::Subtask, unit, Some(helper), "请提供道路改造资料");
    sub.due = Some(d(2025, 3, 20));
    store
        .record_routing_step(request, 5, sub, audit())
        .await
        .unwrap();
    let waiting = store.routing_waiting(&[helper]).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].1.step.due, Some(d(2025, 3, 20)));
    let mut answer = step(Action::Answer, helper, None, "已提供");
    answer.task = Some(5);
    store
        .record_routing_step(request, 6, answer, audit())
        .await
        .unwrap();
    assert!(store.routing_waiting(&[helper]).await.unwrap().is_empty());
    let steps = store.routing_steps(request).await.unwrap();
    let actions: Vec<Action> = steps.iter().map(|s| s.step.action).collect();
    assert_eq!(
        actions,
        [
            Action::Dispatch,
            Action::Return,
            Action::Dispatch,
            Action::Sign,
            Action::Subtask,
            Action::Answer
        ]
    );
    assert_eq!(steps[1].step.text, "不属于本单位职责");
    assert_eq!(steps[1].step.to, Some(intake));
    assert_eq!(steps[5].step.task, Some(5));
    // No routing step touched the timeline.
    assert_eq!(
        store.request(request).await.unwrap().unwrap().events.len(),
        1
    );
}

/// Words are indexed, replaced when indexed again; the overlaps of a word set are counted
/// among the requests of the sizes asked having one of its words; the same applicant by identity number, else
/// by name and phone; links both ways, refused twice; a referral set, replaced and removed.
pub async fn similar_words_links_referrals<S: Store>(store: &S) {
    use crate::similar::Referral;
    let a = agency(store, "相似申请局").await;
    let mut ids = Vec::new();
    for (i, id_number) in ["XS-ID-0001", "XS-ID-0001", ""].into_iter().enumerate() {
        let mut new = new_request(a, &format!("XS-{i}"), d(2025, 3, 3));
        new.contact.id_number = id_number.into();
        new.contact.phone = "13911112222".into();
        ids.push(
            store
                .create_request(new, ev(Event::Received(d(2025, 3, 3))), audit())
                .await
                .unwrap()
                .id,
        );
    }
    // Every request of the whole suite may be unindexed when it runs on one database.
    let unindexed = store.unindexed_requests(1_000_000).await.unwrap();
    assert!(ids.iter().all(|id| unindexed.iter().any(|(u, _)| u == id)));
    let w = |list: &[&str]| {
        list.iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<String>>()
    };
    store
        .set_request_words(&[
            (ids[0], w(&["土地", "征收", "补偿"])),
            (ids[1], w(&["土地", "预算"])),
        ])
        .await
        .unwrap();
    assert!(
        !store
            .unindexed_requests(1000)
            .await
            .unwrap()
            .iter()
            .any(|(u, _)| *u == ids[0] || *u == ids[1])
    );
    let overlap =
        |request: gongkai_cases::RequestId, shared: i64, words: i64| crate::similar::Overlap {
            request,
            shared,
            words,
        };
    // In no particular order: sorted by request here.
    let overlaps = |words: &[&str], bounds: (i64, i64), except| {
        let words = w(words);
        async move {
            let mut got = store.word_overlaps(&words, bounds, except).await.unwrap();
            got.sort_by_key(|o| o.request);
            got
        }
    };
    // Every request sharing a word, however little (request 2 one of its two words).
    assert_eq!(
        overlaps(&["土地", "征收", "补偿"], (1, 10), ids[2]).await,
        vec![overlap(ids[0], 3, 3), overlap(ids[1], 1, 2)]
    );
    // Only the sizes asked: request 2 has 2 words, request 1 three; never `except`.
    assert_eq!(
        overlaps(&["土地", "征收", "补偿"], (3, 10), ids[2]).await,
        vec![overlap(ids[0], 3, 3)]
    );
    assert_eq!(
        overlaps(&["补偿", "征收", "土地"], (1, 2), ids[0]).await,
        vec![overlap(ids[1], 1, 2)]
    );
    assert!(overlaps(&["没有"], (1, 10), ids[2]).await.is_empty());
    store
        .set_request_words(&[(ids[0], w(&["预算"]))])
        .await
        .unwrap();
    // Indexed again: the old words are gone, the new size is the posting's.
    assert_eq!(
        overlaps(&["土地", "补偿", "预算"], (1, 10), ids[2]).await,
        vec![overlap(ids[0], 1, 1), overlap(ids[1], 2, 2)]
    );
    assert_eq!(
        store
            .same_applicant("XS-ID-0001", ("", ""), ids[0])
            .await
            .unwrap(),
        vec![ids[1]]
    );
    let by_phone = store
        .same_applicant("", ("张三", "13911112222"), ids[2])
        .await
        .unwrap();
    assert_eq!(by_phone, vec![ids[0], ids[1]]);
    assert!(
        store
            .same_applicant("", ("李四", "13911112222"), ids[2])
            .await
            .unwrap()
            .is_empty()
    );
    store.set_link(ids[2], ids[0], true, audit()).await.unwrap();
    assert_kind(
        store.set_link(ids[0], ids[2], true, audit()).await,
        "linked twice",
        "Conflict",
    );
    assert_kind(
        store.set_link(ids[0], ids[0], true, audit()).await,
        "linked to itself",
        "Invalid",
    );
    assert_kind(
        store
            .set_link(ids[0], gongkai_cases::RequestId(999_999), true, audit())
            .await,
        "unknown request",
        "NotFound",
    );
    let links = store.links_of(&[ids[2]]).await.unwrap();
    assert_eq!(
        (links.len(), links[0].request, links[0].other),
        (1, ids[0], ids[2])
    );
    store
        .set_link(ids[0], ids[2], false, audit())
        .await
        .unwrap();
    assert!(store.links_of(&ids).await.unwrap().is_empty());
    assert_kind(
        store.set_link(ids[0], ids[2], false, audit()).await,
        "unlinked twice",
        "Conflict",
    );
    assert_eq!(store.referral(ids[0]).await.unwrap(), None);
    for name in ["某市自然资源局", "某县交通局"] {
        let referral = Referral {
            agency: name.into(),
            contact: "电话 0000-1234567".into(),
        };
        store
            .set_referral(ids[0], Some(referral.clone()), audit())
            .await
            .unwrap();
        assert_eq!(store.referral(ids[0]).await.unwrap(), Some(referral));
    }
    store.set_referral(ids[0], None, audit()).await.unwrap();
    assert_eq!(store.referral(ids[0]).await.unwrap(), None);
}
