//! The use cases end to end, each on SQLite and, when `GONGKAI_TEST_POSTGRES_URL` names a
//! server, on PostgreSQL in a fresh schema: what an officer does, and what the audit log, the
//! report and the drill-down make of it. The audit chain is also tampered with behind the
//! program's back (a row edited, deleted, inserted; the end cut off), through a second
//! connection to the same database.
#![allow(clippy::unwrap_used, clippy::panic)]

use chrono::NaiveDate;
use gongkai_audit::Break;
use gongkai_calendar::Event;
use gongkai_cases::amend::{Amendment, Field};
use gongkai_cases::{Channel, Outcome, RemedyKind, RemedyResult, State};
use gongkai_catalogue::{Category, Item, Validity};
use gongkai_report::{Applicant, CellKey, Section, T3Row, T4Col, Value};
use gongkai_search::{Search, TantivySearch};
use gongkai_services::audit::Verification;
use gongkai_services::catalogue::{Attachments, BodyInput, DocumentInput, SearchInput};
use gongkai_services::ledger::LedgerFile;
use gongkai_services::reports::ReportWarning;
use gongkai_services::requests::{DeskCache, RegisterRequest, WorkQuery};
use gongkai_services::{AccessError, Actor, Ctx, Role, Scope, ServiceError, Settings, Warning};
use gongkai_store::{Blobs, Store, StoreError};
use gongkai_store_postgres::PgStore;
use gongkai_store_sqlite::SqliteStore;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

mod common;

const LEDGER: &[u8] = include_bytes!("../../../fixtures/ledgers/2024.csv");
const REMEDIES: &[u8] = include_bytes!("../../../fixtures/ledgers/2024-remedies.csv");

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn settings() -> Settings {
    Settings::new(d(2026, 12, 3))
}

fn operator() -> Scope {
    Scope::operator(Actor::new("测试员").unwrap())
}

/// SQL run behind the program's back on the test's database, through its own connection.
enum Raw {
    Sqlite(String),
    Postgres { url: String, schema: String },
}

impl Raw {
    async fn exec(&self, sql: &str) {
        match self {
            Raw::Sqlite(url) => {
                let pool = sqlx::SqlitePool::connect(url).await.unwrap();
                sqlx::query(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Raw::Postgres { url, schema } => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                let mut conn = pool.acquire().await.unwrap();
                sqlx::query(&format!("SET search_path TO {schema}"))
                    .execute(&mut *conn)
                    .await
                    .unwrap();
                sqlx::query(sql).execute(&mut *conn).await.unwrap();
                drop(conn);
                pool.close().await;
            }
        }
    }
}

fn pg_url() -> Option<String> {
    std::env::var("GONGKAI_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

fn schema_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "gk_svc_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(SqliteStore, Raw) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("g.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    test(store.clone(), Raw::Sqlite(url)).await;
    store.close().await;
}

async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(PgStore, Raw) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(url) = pg_url() else {
        eprintln!("skipped: GONGKAI_TEST_POSTGRES_URL not set");
        return;
    };
    let schema = schema_name();
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    let store = PgStore::connect_schema(&url, &schema).await.unwrap();
    let raw = Raw::Postgres {
        url: url.clone(),
        schema: schema.clone(),
    };
    let outcome = tokio::spawn(test(store.clone(), raw)).await;
    store.close().await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// One `#[tokio::test]` per backend for each test function.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::on_sqlite(|s, raw| async move { super::$name(&s, &raw).await }).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::on_postgres(|s, raw| async move { super::$name(&s, &raw).await }).await;
                }
            )*
        }
    };
}

on_both!(
    requests_from_registration_to_correction,
    the_work_list_puts_the_most_urgent_first,
    a_remembered_desk_follows_every_write,
    bad_input_is_refused_with_its_limit,
    remedy_cases_feed_table_four,
    a_reimported_ledger_reports_and_applies_differences,
    an_exported_ledger_imports_without_changes,
    the_report_text_and_what_is_missing,
    renames_and_mergers_follow_the_year,
    the_audit_chain_catches_tampering,
    a_scope_reaches_only_its_subtree,
    an_installation_is_copied_and_backed_up,
    a_streamed_ledger_is_all_or_nothing,
    sessions_are_marked_once_a_minute_and_end_when_idle,
    the_catalogue_feeds_table_two_and_is_searchable,
    an_online_application_is_confirmed_decided_and_purged,
    letters_follow_the_request_and_the_agencys_templates,
    the_dashboard_counts_each_unit_and_the_sample_scheme_scores_it,
    a_district_runs_its_reporting_season,
    an_unreadable_submission_is_not_published,
    section_two_is_computed_from_the_records,
    an_answer_is_published_anonymised_and_a_photo_kept_sealed,
    a_request_is_routed_without_moving_its_clock,
    duplicates_are_found_at_registration_and_linked,
    a_redacted_document_reaches_the_applicant_as_its_copy,
    the_applicant_is_told_once_per_milestone_by_sms_and_email,
    two_workers_send_each_message_once,
    staff_are_told_of_dispatches_and_deadlines_once,
    templates_are_checked_before_they_are_saved,
);

fn register(agency: &str, reference: &str, received: NaiveDate) -> RegisterRequest {
    RegisterRequest {
        agency: agency.into(),
        reference: reference.into(),
        applicant: "张三".into(),
        kind: Applicant::NaturalPerson,
        channel: Channel::Online,
        received,
        description: "某文件".into(),
        form: "电子".into(),
        contact: gongkai_cases::Contact {
            id_kind: "居民身份证".into(),
            id_number: "11010519491231002x".into(),
            phone: "13800001234".into(),
            address: "某市某路1号".into(),
            email: "zhang@example.cn".into(),
            delivery: "邮寄".into(),
        },
    }
}

async fn requests_from_registration_to_correction<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("测试县人民政府", None).await.unwrap();
    ctx.add_agency("测试县自然资源局", Some("测试县人民政府"))
        .await
        .unwrap();
    let agency = "测试县自然资源局";
    let view = ctx
        .register_request(register(agency, "YS-1", d(2024, 3, 1)))
        .await
        .unwrap();
    assert!(view.warnings.is_empty());
    assert_eq!(view.request.events.len(), 1);
    // Registered with where it stands: open, 20 working days from 1 March 2024.
    assert_eq!(view.state, State::Open);
    assert_eq!(view.deadline.as_ref().unwrap().due, d(2024, 3, 29));
    // A refused event is the typed error of the state machine.
    let e = ctx
        .record_event(agency, "YS-1", Event::FeePaid(d(2024, 3, 4)), None, "")
        .await
        .unwrap_err();
    assert!(
        matches!(e, ServiceError::Store(StoreError::Refused(_))),
        "{e:?}"
    );
    let (_, state, _) = ctx
        .record_event(
            agency,
            "YS-1",
            Event::Decided(d(2024, 3, 20)),
            Some(Outcome::Disclosed),
            "",
        )
        .await
        .unwrap();
    assert!(state.is_closed());
    let cell = CellKey::T3(T3Row::RDisclosed, Applicant::Total);
    let report = ctx
        .generate_report(agency, 2024, false)
        .await
        .unwrap()
        .report;
    assert_eq!(report.get(cell), Some(Value::Int(1)));

    // The outcome was wrong: corrected, with the reason; the report and the drill-down follow.
    let (_, changes) = ctx
        .amend_request(
            agency,
            "YS-1",
            "答复书载明部分公开，登记有误",
            &Amendment {
                outcome: Some(Outcome::Partial),
                applicant: Some("张三丰".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        changes.iter().map(|c| c.field).collect::<Vec<_>>(),
        [Field::Applicant, Field::Outcome]
    );
    let report = ctx
        .generate_report(agency, 2024, false)
        .await
        .unwrap()
        .report;
    assert_eq!(report.get(cell), Some(Value::Int(0)));
    let partial = CellKey::T3(T3Row::RPartial, Applicant::Total);
    assert_eq!(report.get(partial), Some(Value::Int(1)));
    let behind = ctx.explain(agency, 2024, partial, false).await.unwrap();
    assert_eq!(behind.len(), 1);
    assert_eq!(behind[0].reference, "YS-1");
    assert_eq!(behind[0].outcome, "部分公开");
    // The consolidated report of the government counts it too.
    let all = ctx
        .generate_report("测试县人民政府", 2024, true)
        .await
        .unwrap()
        .report;
    assert_eq!(all.get(partial), Some(Value::Int(1)));

    // The audit entry of the correction: actor, reason, old and new values, the names as
    // pseudonyms only.
    let entry = ctx.audit_list(Some(agency), 1).await.unwrap().remove(0);
    assert_eq!(entry.action, "request.amend");
    assert_eq!(entry.actor, "测试员");
    assert!(
        entry.summary.contains("答复书载明部分公开"),
        "{}",
        entry.summary
    );
    assert!(entry.summary.contains("予以公开") && entry.summary.contains("部分公开"));
    assert!(
        !entry.summary.contains("张三"),
        "no name in clear: {}",
        entry.summary
    );
    assert!(entry.summary.contains("hmac:"), "{}", entry.summary);

    // A reason is required; the decision withdrawn reopens the request.
    assert!(matches!(
        ctx.withdraw_event(agency, "YS-1", "  ").await,
        Err(ServiceError::Invalid(_))
    ));
    let (r, removed) = ctx
        .withdraw_event(agency, "YS-1", "答复日期录错，重新记录")
        .await
        .unwrap();
    assert_eq!(removed.outcome, Some(Outcome::Partial));
    assert_eq!(r.events.len(), 1);
    let view = ctx.show_request(agency, "YS-1", None).await.unwrap();
    assert_eq!(view.state, State::Open);
    assert!(view.deadline.is_ok());
    let report = ctx
        .generate_report(agency, 2024, false)
        .await
        .unwrap()
        .report;
    assert_eq!(report.get(partial), Some(Value::Int(0)));
    assert_eq!(
        report.get(CellKey::T3(T3Row::CarriedOut, Applicant::Total)),
        Some(Value::Int(1))
    );
    assert!(matches!(
        ctx.show_request(agency, "YS-404", None).await,
        Err(ServiceError::UnknownRequest { .. })
    ));
}

async fn the_work_list_puts_the_most_urgent_first<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("清单县人民政府", None).await.unwrap();
    ctx.add_agency("清单县某局", Some("清单县人民政府"))
        .await
        .unwrap();
    for (agency, reference, received) in [
        ("清单县某局", "A-late", d(2024, 11, 1)),
        ("清单县某局", "A-early", d(2024, 10, 8)),
        ("清单县人民政府", "G-mid", d(2024, 10, 20)),
        ("清单县某局", "A-done", d(2024, 9, 2)),
    ] {
        ctx.register_request(register(agency, reference, received))
            .await
            .unwrap();
    }
    ctx.record_event(
        "清单县某局",
        "A-done",
        Event::Decided(d(2024, 9, 10)),
        Some(Outcome::Disclosed),
        "",
    )
    .await
    .unwrap();
    let q = |open_only, overdue, due_within| WorkQuery {
        agency: "清单县人民政府".into(),
        subtree: true,
        open_only,
        due_within,
        overdue,
        as_of: Some(d(2024, 11, 12)),
    };
    let all = ctx.work_list(&q(false, false, None)).await.unwrap();
    let refs: Vec<&str> = all.iter().map(|i| i.reference.as_str()).collect();
    assert_eq!(refs, ["A-early", "G-mid", "A-late", "A-done"]);
    // Received 2024-10-08: day 1 is 10-09, Saturday 10-12 is a make-up working day (调休上班),
    // so the 20th working day is 2024-11-04, and by 11-12 it is overdue.
    assert_eq!(all[0].due, Some(d(2024, 11, 4)));
    assert!(all[0].days_left.unwrap() < 0);
    assert!(
        all.windows(2)
            .take(2)
            .all(|w| w[0].days_left <= w[1].days_left)
    );
    let overdue = ctx.work_list(&q(false, true, None)).await.unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].reference, "A-early");
    let soon = ctx.work_list(&q(false, false, Some(10))).await.unwrap();
    assert!(soon.iter().all(|i| i.days_left.unwrap() <= 10));
    assert!(soon.iter().any(|i| i.reference == "G-mid"));
    let open = ctx.work_list(&q(true, false, None)).await.unwrap();
    assert_eq!(open.len(), 3);
    let own = ctx
        .work_list(&WorkQuery {
            subtree: false,
            ..q(false, false, None)
        })
        .await
        .unwrap();
    assert_eq!(own.len(), 1, "the government's own requests only");
}

/// The 工作台's remembered list is never shown stale: each kind of write that changes what
/// it shows (a new request, a decision, a renamed agency, a new holiday arrangement) is seen
/// on the next look, by any user, and a look with no write in between is the same list.
async fn a_remembered_desk_follows_every_write<S: Store>(store: &S, _raw: &Raw) {
    let scope = operator();
    let settings = Settings::new(d(2026, 12, 28));
    let ctx = Ctx::new(store, &scope, &settings);
    let cache = DeskCache::default();
    ctx.add_agency("缓存县某局", None).await.unwrap();
    // A fresh use-case context each time, as for each web request.
    let look = |agency: &'static str| {
        let (scope, settings, cache) = (&scope, &settings, &cache);
        async move {
            Ctx::new(store, scope, settings)
                .desk(cache, agency)
                .await
                .unwrap()
        }
    };
    let desk = || async {
        look("缓存县某局")
            .await
            .open
            .iter()
            .map(|i| (i.reference.clone(), i.agency.clone(), i.due))
            .collect::<Vec<_>>()
    };
    assert!(desk().await.is_empty());
    ctx.register_request(register("缓存县某局", "C-1", d(2026, 12, 24)))
        .await
        .unwrap();
    // 20 working days after 2026-12-24 with 2027 by the weekday rule alone.
    assert_eq!(
        desk().await,
        [(
            "C-1".to_owned(),
            "缓存县某局".to_owned(),
            Some(d(2027, 1, 21))
        )]
    );
    assert!(
        Arc::ptr_eq(&look("缓存县某局").await, &look("缓存县某局").await),
        "no write: the same list, not computed again"
    );
    ctx.register_request(register("缓存县某局", "C-2", d(2026, 12, 21)))
        .await
        .unwrap();
    let refs: Vec<String> = desk().await.into_iter().map(|(r, _, _)| r).collect();
    assert_eq!(refs, ["C-2", "C-1"], "the new request, most urgent first");
    ctx.record_event(
        "缓存县某局",
        "C-2",
        Event::Decided(d(2026, 12, 28)),
        Some(Outcome::Disclosed),
        "",
    )
    .await
    .unwrap();
    let refs: Vec<String> = desk().await.into_iter().map(|(r, _, _)| r).collect();
    assert_eq!(refs, ["C-1"], "the decided request leaves the desk");
    // Received 2 November, due 30 November, answered 28 December: answered late this year.
    ctx.register_request(register("缓存县某局", "C-3", d(2026, 11, 2)))
        .await
        .unwrap();
    assert!(look("缓存县某局").await.closed_late.is_empty());
    ctx.record_event(
        "缓存县某局",
        "C-3",
        Event::Decided(d(2026, 12, 28)),
        Some(Outcome::Disclosed),
        "",
    )
    .await
    .unwrap();
    let late: Vec<String> = look("缓存县某局")
        .await
        .closed_late
        .iter()
        .map(|i| i.reference.clone())
        .collect();
    assert_eq!(late, ["C-3"], "on the list of late answers (督办)");
    ctx.rename_agency("缓存县某局", "缓存县新局", d(2026, 12, 28))
        .await
        .unwrap();
    assert_eq!(look("缓存县新局").await.open[0].agency, "缓存县新局");
    // Monday 2027-01-04 declared off: one working day fewer, the deadline a day later.
    ctx.import_calendar("[2027]\noff = [\"2027-01-04\"]\nworkday = []\n")
        .await
        .unwrap();
    assert_eq!(look("缓存县新局").await.open[0].due, Some(d(2027, 1, 22)));
}

async fn bad_input_is_refused_with_its_limit<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    let long_name = "局".repeat(30_000);
    let e = ctx.add_agency(&long_name, None).await.unwrap_err();
    assert!(e.to_string().contains("最多 100"), "{e}");
    ctx.add_agency("限值局", None).await.unwrap();
    let mut bad = register("限值局", "R\u{0}1", d(2024, 3, 1));
    assert!(
        ctx.register_request(bad.clone())
            .await
            .unwrap_err()
            .to_string()
            .contains("U+0000")
    );
    bad.reference = "号".repeat(1 << 20);
    assert!(
        ctx.register_request(bad.clone())
            .await
            .unwrap_err()
            .to_string()
            .contains("最多 64")
    );
    for received in [d(1, 1, 1), d(2099, 1, 1)] {
        let mut r = register("限值局", "R-date", received);
        r.reference = format!("R-{received}");
        assert!(matches!(
            ctx.register_request(r).await,
            Err(ServiceError::Invalid(_))
        ));
    }
    assert!(matches!(
        ctx.generate_report("限值局", 0, false).await,
        Err(ServiceError::Invalid(_))
    ));
    // A resident ID number with a mistyped digit is refused (GB 11643 check digit); a good one
    // is stored as given, upper-cased, and the audit log keeps only its pseudonym.
    let mut typo = register("限值局", "R-id", d(2024, 3, 1));
    typo.contact.id_number = "11010519491231012X".into();
    let e = ctx.register_request(typo).await.unwrap_err();
    assert!(e.to_string().contains("校验码"), "{e}");
    let stored = ctx
        .register_request(register("限值局", "R-id", d(2024, 3, 1)))
        .await
        .unwrap();
    assert_eq!(stored.contact.id_number, "11010519491231002X");
    assert_eq!(stored.contact.delivery, "邮寄");
    assert_eq!(
        stored.request.data.contact,
        gongkai_cases::Contact::default(),
        "the view's copy is the only one a front end gets"
    );
    let entry = store.audit_last().await.unwrap().unwrap();
    for personal in ["11010519491231002", "13800001234", "zhang@example.cn"] {
        assert!(
            !entry.summary.contains(personal),
            "{personal} in {}",
            entry.summary
        );
    }
    assert!(entry.summary.contains("id_number") && entry.summary.contains("hmac:"));
    // A year the calendar lacks is accepted, with a warning.
    let warnings = ctx
        .register_request(register("限值局", "R-2015", d(2015, 6, 1)))
        .await
        .unwrap()
        .warnings;
    assert_eq!(
        warnings,
        [Warning::YearNotInCalendar {
            year: 2015,
            known: Some((2019, 2026))
        }]
    );
    // Nothing of the refused writes was stored: R-id and R-2015 alone.
    let list = ctx
        .work_list(&WorkQuery {
            agency: "限值局".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
}

async fn remedy_cases_feed_table_four<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("复议局", None).await.unwrap();
    ctx.register_request(register("复议局", "YS-9", d(2024, 2, 1)))
        .await
        .unwrap();
    assert!(matches!(
        ctx.add_remedy(
            "复议局",
            "FY-1",
            "YS-404",
            RemedyKind::Reconsideration,
            d(2024, 4, 1)
        )
        .await,
        Err(ServiceError::UnknownRequest { .. })
    ));
    ctx.add_remedy(
        "复议局",
        "FY-1",
        "YS-9",
        RemedyKind::Reconsideration,
        d(2024, 4, 1),
    )
    .await
    .unwrap();
    ctx.add_remedy(
        "复议局",
        "SS-1",
        "YS-9",
        RemedyKind::LitigationDirect,
        d(2024, 5, 1),
    )
    .await
    .unwrap();
    ctx.close_remedy("复议局", "FY-1", RemedyResult::Corrected, d(2024, 6, 1))
        .await
        .unwrap();
    let t = ctx
        .generate_report("复议局", 2024, false)
        .await
        .unwrap()
        .report;
    assert_eq!(t.get(CellKey::T4(T4Col::RevCorrected)), Some(Value::Int(1)));
    assert_eq!(t.get(CellKey::T4(T4Col::RevTotal)), Some(Value::Int(1)));
    assert_eq!(
        t.get(CellKey::T4(T4Col::LitDirectPending)),
        Some(Value::Int(1))
    );
    assert_eq!(
        ctx.list_remedies("复议局", Some(2024)).await.unwrap().len(),
        2
    );
    assert!(
        ctx.list_remedies("复议局", Some(2023))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        ctx.close_remedy("复议局", "FY-1", RemedyResult::Upheld, d(2024, 7, 1))
            .await,
        Err(ServiceError::Store(StoreError::Invalid(_)))
    ));
}

fn ledger(bytes: &[u8]) -> LedgerFile<'_> {
    LedgerFile {
        remedies: Some(REMEDIES),
        ..LedgerFile::bytes("2024.csv", bytes)
    }
}

async fn a_reimported_ledger_reports_and_applies_differences<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("台账局", None).await.unwrap();
    let first = ctx
        .import_ledger("台账局", ledger(LEDGER), false)
        .await
        .unwrap();
    assert_eq!(first.summary.created, 15);
    assert_eq!(first.sha256.len(), 64);
    let again = ctx
        .import_ledger("台账局", ledger(LEDGER), false)
        .await
        .unwrap();
    assert_eq!((again.summary.created, again.summary.unchanged), (0, 15));
    let entry = ctx.audit_list(Some("台账局"), 1).await.unwrap().remove(0);
    assert_eq!(entry.action, "ledger.import");
    assert!(entry.summary.contains(&again.sha256), "{}", entry.summary);
    assert!(
        entry.summary.contains("\"unchanged\":15"),
        "{}",
        entry.summary
    );

    // The file now says YS2024-001 was only partly disclosed, and a different date of receipt.
    let text = std::str::from_utf8(LEDGER).unwrap();
    let changed = text
        .replace(
            "YS2024-001,李某,自然人,当面,2024年1月8日,本村土地征收批复,予以公开",
            "YS2024-001,李某,自然人,当面,2024年1月9日,本村土地征收批复,部分公开",
        )
        .into_bytes();
    let log = ctx.audit_list(None, 1).await.unwrap()[0].seq;
    let e = ctx
        .import_ledger("台账局", ledger(&changed), false)
        .await
        .unwrap_err();
    let ServiceError::Differences(list) = &e else {
        panic!("{e:?}")
    };
    let listed: Vec<(&str, &str, &str, &str)> = list
        .iter()
        .map(|d| {
            (
                d.reference.as_str(),
                d.change.field.label(),
                d.change.old.as_str(),
                d.change.new.as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("YS2024-001", "收到日期", "2024-01-08", "2024-01-09"),
            ("YS2024-001", "办理结果", "予以公开", "部分公开"),
        ]
    );
    assert!(
        e.to_string()
            .contains("YS2024-001“办理结果”：已登记“予以公开” → 文件“部分公开”"),
        "{e}"
    );
    assert_eq!(
        ctx.audit_list(None, 1).await.unwrap()[0].seq,
        log,
        "nothing imported"
    );
    let applied = ctx
        .import_ledger("台账局", ledger(&changed), true)
        .await
        .unwrap();
    assert_eq!(applied.summary.changed, 1);
    assert_eq!(applied.applied.len(), 2);
    let view = ctx
        .show_request("台账局", "YS2024-001", None)
        .await
        .unwrap();
    assert_eq!(view.request.data.received, d(2024, 1, 9));
    let report = ctx
        .generate_report("台账局", 2024, false)
        .await
        .unwrap()
        .report;
    assert_eq!(
        report.get(CellKey::T3(T3Row::RPartial, Applicant::NaturalPerson)),
        Some(Value::Int(1))
    );
}

/// A ledger of several chunks read from a file: a wrong last row, read after thousands of rows
/// were already added to the transaction, leaves nothing stored and no audit entry; fixed, the
/// file is one import with one entry.
async fn a_streamed_ledger_is_all_or_nothing<S: Store>(store: &S, _raw: &Raw) {
    use gongkai_services::ledger::LedgerSource;
    use std::io::{Seek, Write};
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("分块局", None).await.unwrap();
    let rows = 2 * gongkai_ledger::DEFAULT_CHUNK_SIZE + 10;
    let write = |last_date: &str| {
        let mut file = tempfile::tempfile().unwrap();
        writeln!(file, "{}", gongkai_ledger::REQUEST_HEADERS.join(",")).unwrap();
        for i in 0..rows {
            let received = if i + 1 == rows {
                last_date
            } else {
                "2024-03-05"
            };
            writeln!(
                file,
                "FK-{i},张三,自然人,网上,{received},某文件,予以公开,2024-03-20"
            )
            .unwrap();
        }
        file.rewind().unwrap();
        file
    };
    let seen = std::sync::Mutex::new(0u64);
    let progress = |n: u64| *seen.lock().unwrap() = n;
    let import = |file| LedgerFile {
        name: "分块.csv",
        source: LedgerSource::File(file),
        remedies: None,
        progress: Some(&progress),
    };
    let log = ctx.audit_list(None, 1).await.unwrap()[0].seq;
    let err = ctx
        .import_ledger("分块局", import(write("2024-13-01")), false)
        .await
        .unwrap_err();
    let ServiceError::Ledger(errors) = err else {
        panic!("{err:?}")
    };
    assert_eq!(errors.total, 1);
    assert_eq!(errors.errors[0].row, Some(u32::try_from(rows + 1).unwrap()));
    assert_eq!(*seen.lock().unwrap(), u64::try_from(rows).unwrap());
    let listed = |open_only| WorkQuery {
        agency: "分块局".into(),
        subtree: false,
        open_only,
        due_within: None,
        overdue: false,
        as_of: None,
    };
    assert!(ctx.work_list(&listed(false)).await.unwrap().is_empty());
    assert_eq!(ctx.audit_list(None, 1).await.unwrap()[0].seq, log);

    let done = ctx
        .import_ledger("分块局", import(write("2024-03-06")), false)
        .await
        .unwrap();
    assert_eq!((done.rows, done.summary.created), (rows, rows));
    assert_eq!(ctx.work_list(&listed(false)).await.unwrap().len(), rows);
    assert_eq!(ctx.audit_list(None, 1).await.unwrap()[0].seq, log + 1);
}

async fn an_exported_ledger_imports_without_changes<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("导出局", None).await.unwrap();
    ctx.import_ledger("导出局", ledger(LEDGER), false)
        .await
        .unwrap();
    let xlsx = ctx.export_ledger("导出局", None).await.unwrap();
    let back = ctx
        .import_ledger("导出局", LedgerFile::bytes("台账.xlsx", &xlsx), false)
        .await
        .unwrap();
    assert_eq!(
        back.summary.created + back.summary.updated + back.summary.changed,
        0
    );
    assert_eq!(back.summary.unchanged, 15);
    assert_eq!(back.summary.remedies.unchanged, 3);
    let year = ctx.export_ledger("导出局", Some(2023)).await.unwrap();
    ctx.add_agency("导出局二", None).await.unwrap();
    let part = ctx
        .import_ledger("导出局二", LedgerFile::bytes("2023.xlsx", &year), false)
        .await
        .unwrap();
    assert_eq!(part.summary.created, 2, "the two requests received in 2023");
}

async fn the_report_text_and_what_is_missing<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("正文县人民政府", None).await.unwrap();
    let g = ctx
        .generate_report("正文县人民政府", 2024, false)
        .await
        .unwrap();
    assert!(g.warnings.contains(&ReportWarning::NoTable2Figures));
    for s in [Section::S1Overview, Section::S5Problems, Section::S6Other] {
        assert!(
            g.warnings.contains(&ReportWarning::EmptySection(s)),
            "{s:?}"
        );
    }
    let md = "# 报告\n\n根据《条例》编制。\n\n## 一、总体情况\n\n本年度公开信息 3327 条。\n\n## 五、存在的主要问题及改进情况\n\n问题在于……\n\n## 六、其他需要报告的事项\n\n本年度未收取信息处理费。\n";
    ctx.set_prose("正文县人民政府", 2024, md).await.unwrap();
    ctx.set_figures(
        "正文县人民政府",
        2024,
        &[(
            CellKey::T2(
                gongkai_report::T2Row::NormativeDocs,
                gongkai_report::T2Col::Issued,
            ),
            Value::Int(3),
        )],
        Some("本机关的规范性文件目录尚未录入系统"),
    )
    .await
    .unwrap();
    let g = ctx
        .generate_report("正文县人民政府", 2024, false)
        .await
        .unwrap();
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    assert_eq!(g.report.preamble, "根据《条例》编制。");
    assert_eq!(
        g.report.section(Section::S1Overview),
        "本年度公开信息 3327 条。"
    );
    // The generated sentence of section 三 stays when the officer wrote none.
    assert!(!g.report.section(Section::S3Requests).is_empty());
    // R10 no longer complains about the sections.
    let r10: Vec<_> = gongkai_report::rules::check(&g.report)
        .into_iter()
        .filter(|f| f.rule == gongkai_report::Rule::R10 && f.cells.is_empty())
        .collect();
    assert!(r10.is_empty(), "{r10:?}");
    assert!(ctx.prose("正文县人民政府", 2023).await.unwrap().is_none());
}

async fn renames_and_mergers_follow_the_year<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("改革县人民政府", None).await.unwrap();
    ctx.add_agency("改革县国土资源局", Some("改革县人民政府"))
        .await
        .unwrap();
    ctx.add_agency("改革县规划局", Some("改革县人民政府"))
        .await
        .unwrap();
    ctx.register_request(register("改革县国土资源局", "T-1", d(2018, 6, 1)))
        .await
        .unwrap();
    ctx.rename_agency("改革县国土资源局", "改革县自然资源局", d(2019, 3, 1))
        .await
        .unwrap();
    // The old name still finds the agency; the report of 2018 is filed under it.
    let r2018 = ctx
        .generate_report("改革县国土资源局", 2018, false)
        .await
        .unwrap();
    assert_eq!(r2018.report.agency, "改革县国土资源局");
    let r2019 = ctx
        .generate_report("改革县自然资源局", 2019, false)
        .await
        .unwrap();
    assert_eq!(r2019.report.agency, "改革县自然资源局");
    // 规划局 merged into 自然资源局 in 2024: its open request carries over to the successor.
    ctx.register_request(register("改革县规划局", "P-1", d(2023, 12, 20)))
        .await
        .unwrap();
    ctx.merge_agency("改革县规划局", "改革县自然资源局", d(2024, 3, 1))
        .await
        .unwrap();
    let carried = CellKey::T3(T3Row::CarriedIn, Applicant::Total);
    let r = ctx
        .generate_report("改革县自然资源局", 2024, false)
        .await
        .unwrap()
        .report;
    // T-1 (open since 2018) and P-1 are both carried into 2024.
    assert_eq!(r.get(carried), Some(Value::Int(2)));
    let old = ctx
        .generate_report("改革县规划局", 2023, false)
        .await
        .unwrap()
        .report;
    assert_eq!(
        old.get(CellKey::T3(T3Row::CarriedOut, Applicant::Total)),
        Some(Value::Int(1))
    );
    assert!(matches!(
        ctx.generate_report("改革县规划局", 2024, false).await,
        Err(ServiceError::Merged { .. })
    ));
    assert!(matches!(
        ctx.register_request(register("改革县规划局", "P-2", d(2024, 5, 1)))
            .await,
        Err(ServiceError::Merged { .. })
    ));
    // The government's consolidated report counts P-1 once.
    let all = ctx
        .generate_report("改革县人民政府", 2024, true)
        .await
        .unwrap()
        .report;
    assert_eq!(all.get(carried), Some(Value::Int(2)));
    ctx.add_alias("改革县自然资源局", "改革县资源局")
        .await
        .unwrap();
    let variants = ctx.name_variants().await.unwrap();
    assert!(variants.contains(&("改革县资源局".into(), "改革县自然资源局".into())));
    assert!(variants.contains(&("改革县国土资源局".into(), "改革县自然资源局".into())));
    assert_eq!(
        ctx.agency("改革县资源局").await.unwrap().name,
        "改革县自然资源局"
    );
    let tree = ctx.agency_tree().await.unwrap();
    let merged = tree
        .iter()
        .find(|r| r.agency.name == "改革县规划局")
        .unwrap();
    assert_eq!(merged.merged_into.as_deref(), Some("改革县自然资源局"));
}

async fn the_audit_chain_catches_tampering<S: Store>(store: &S, raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("审计局", None).await.unwrap();
    for i in 0..4 {
        ctx.register_request(register("审计局", &format!("AU-{i}"), d(2024, 3, 1)))
            .await
            .unwrap();
    }
    let verify = |head| async move { ctx.audit_verify(head, |_| {}).await.unwrap() };
    let Verification::Intact { entries, head } = verify(None).await else {
        panic!("a fresh chain is intact")
    };
    assert_eq!(entries, 5);
    assert_eq!(ctx.audit_head().await.unwrap(), Some((5, head)));
    // The last entry removed: the chain still holds, but the head kept elsewhere is missing.
    raw.exec("CREATE TABLE audit_kept AS SELECT * FROM audit_log WHERE seq = 5")
        .await;
    raw.exec("DELETE FROM audit_log WHERE seq = 5").await;
    assert!(matches!(
        verify(None).await,
        Verification::Intact { entries: 4, .. }
    ));
    assert_eq!(
        verify(Some(head)).await,
        Verification::Broken(Break::HeadMissing { head, entries: 4 })
    );
    raw.exec("INSERT INTO audit_log SELECT * FROM audit_kept")
        .await;
    raw.exec("DROP TABLE audit_kept").await;
    assert!(matches!(
        verify(Some(head)).await,
        Verification::Intact { .. }
    ));
    // Edited behind the program's back.
    raw.exec("UPDATE audit_log SET actor = '别人' WHERE seq = 3")
        .await;
    assert_eq!(
        verify(None).await,
        Verification::Broken(Break::Edited { seq: 3 })
    );
    raw.exec("UPDATE audit_log SET actor = '测试员' WHERE seq = 3")
        .await;
    assert!(matches!(verify(None).await, Verification::Intact { .. }));
    // Deleted, then the rest renumbered.
    raw.exec("DELETE FROM audit_log WHERE seq = 2").await;
    assert_eq!(
        verify(None).await,
        Verification::Broken(Break::Gap {
            seq: 3,
            expected: 2
        })
    );
    // Renumbered in two steps (PostgreSQL checks the key row by row).
    raw.exec("UPDATE audit_log SET seq = -(seq - 1) WHERE seq > 2")
        .await;
    raw.exec("UPDATE audit_log SET seq = -seq WHERE seq < 0")
        .await;
    assert!(matches!(
        verify(None).await,
        Verification::Broken(Break::Edited { seq: 2 })
    ));
    // Inserted at the end with a made-up hash.
    raw.exec(
        "INSERT INTO audit_log (seq, at, actor, agency_id, agency, action, object, summary, prev, hash) \
         SELECT seq + 1, at, actor, agency_id, agency, action, object, summary, hash, hash \
         FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
    )
    .await;
    assert!(matches!(verify(None).await, Verification::Broken(_)));
}

/// Roles on subtrees: writes elsewhere are refused, installation-wide changes too, and each
/// role does what `docs/web.md` §1 lets it do.
async fn a_scope_reaches_only_its_subtree<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    let gov = ctx.add_agency("范围县人民政府", None).await.unwrap();
    let town = ctx
        .add_agency("范围县某镇", Some("范围县人民政府"))
        .await
        .unwrap();
    ctx.add_agency("邻县人民政府", None).await.unwrap();
    let limited = Scope::roles(
        Actor::new("镇办理人员").unwrap(),
        vec![(town.id, Role::Officer)],
    );
    let mine = Ctx::new(store, &limited, &settings);
    mine.register_request(register("范围县某镇", "Z-1", d(2024, 3, 1)))
        .await
        .unwrap();
    // An officer handles requests but approves no extension (第三十三条第二款) and manages
    // no agency; a supervisor of the government sees the township but registers nothing.
    assert!(matches!(
        mine.record_event(
            "范围县某镇",
            "Z-1",
            Event::ExtensionApproved(d(2024, 3, 20)),
            None,
            ""
        )
        .await,
        Err(ServiceError::Access(AccessError::NotAllowed { .. }))
    ));
    assert!(matches!(
        mine.add_alias("范围县某镇", "某镇").await,
        Err(ServiceError::Access(AccessError::NotAllowed { .. }))
    ));
    let head = Scope::roles(
        Actor::new("镇负责人").unwrap(),
        vec![(town.id, Role::Approver)],
    );
    Ctx::new(store, &head, &settings)
        .record_event(
            "范围县某镇",
            "Z-1",
            Event::ExtensionApproved(d(2024, 3, 20)),
            None,
            "",
        )
        .await
        .unwrap();
    let office = Scope::roles(
        Actor::new("政务公开办").unwrap(),
        vec![(gov.id, Role::Supervisor)],
    );
    let office = Ctx::new(store, &office, &settings);
    assert!(office.show_request("范围县某镇", "Z-1", None).await.is_ok());
    assert!(matches!(
        office
            .register_request(register("范围县某镇", "Z-3", d(2024, 3, 1)))
            .await,
        Err(ServiceError::Access(AccessError::NotAllowed { .. }))
    ));
    assert!(
        office
            .generate_report("范围县人民政府", 2024, true)
            .await
            .is_ok()
    );
    assert!(matches!(
        mine.generate_report("范围县某镇", 2024, true).await,
        Err(ServiceError::Access(AccessError::NotAllowed { .. }))
    ));
    for agency in ["范围县人民政府", "邻县人民政府"] {
        assert!(matches!(
            mine.register_request(register(agency, "Z-2", d(2024, 3, 1)))
                .await,
            Err(ServiceError::Access(AccessError::Denied { .. }))
        ));
    }
    assert!(matches!(
        mine.import_calendar("[2027]\noff = [\"2027-01-01\"]\nworkday = []\n")
            .await,
        Err(ServiceError::Access(AccessError::NotOperator { .. }))
    ));
    assert!(matches!(
        mine.audit_verify(None, |_| {}).await,
        Err(ServiceError::Access(AccessError::NotOperator { .. }))
    ));
    let tree = mine.agency_tree().await.unwrap();
    assert_eq!(tree.len(), 1);
    assert_eq!(tree[0].agency.id, town.id);
}

/// The whole installation copied into an empty database (of the other backend where there is
/// one), proved by the counts and the audit chain; a backup is a database of its own.
async fn an_installation_is_copied_and_backed_up<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("迁移县人民政府", None).await.unwrap();
    ctx.add_agency("迁移县某局", Some("迁移县人民政府"))
        .await
        .unwrap();
    ctx.import_ledger("迁移县某局", ledger(LEDGER), false)
        .await
        .unwrap();
    ctx.rename_agency("迁移县某局", "迁移县新局", d(2025, 1, 1))
        .await
        .unwrap();
    ctx.add_alias("迁移县新局", "迁移县局").await.unwrap();
    ctx.set_prose("迁移县新局", 2024, "## 一、总体情况\n概述\n")
        .await
        .unwrap();
    let guide = gongkai_cases::guide::Guide {
        office: "办公室".into(),
        address: "人民路1号".into(),
        hours: "工作日".into(),
        phone: "0517-1234567".into(),
        channels: vec![gongkai_cases::guide::ApplyChannel::Online],
        forms: vec![gongkai_cases::guide::ProvisionForm::Paper],
        fees: "不收费".into(),
        ..Default::default()
    };
    ctx.set_guide("迁移县新局", guide.clone())
        .await
        .unwrap()
        .unwrap();
    ctx.import_calendar("[2027]\noff = [\"2027-01-01\"]\nworkday = []\n")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target_url = format!("sqlite:{}", dir.path().join("copy.db").display());
    let target = SqliteStore::open(&target_url).await.unwrap();
    let copied = ctx.copy_installation(&target, |_, _| {}).await.unwrap();
    assert!(copied.proved(), "{copied:?}");
    assert!(
        copied
            .tables
            .iter()
            .any(|(t, n, _)| t == "requests" && *n == 15)
    );
    // The copy works as an installation: same report, and it takes the next write.
    let on_copy = Ctx::new(&target, &scope, &settings);
    assert_eq!(
        on_copy.guide("迁移县新局").await.unwrap().guide,
        Some(guide),
        "the guide is copied"
    );
    let a = ctx
        .generate_report("迁移县新局", 2024, false)
        .await
        .unwrap()
        .report;
    let b = on_copy
        .generate_report("迁移县新局", 2024, false)
        .await
        .unwrap()
        .report;
    assert_eq!(a, b);
    on_copy
        .register_request(register("迁移县新局", "NEW-1", d(2025, 2, 1)))
        .await
        .unwrap();
    assert!(matches!(
        on_copy.audit_verify(None, |_| {}).await.unwrap(),
        Verification::Intact { .. }
    ));
    // A second copy into a database that is no longer empty is refused.
    assert!(ctx.copy_installation(&target, |_, _| {}).await.is_err());
    target.close().await;

    // PostgreSQL as the target, when there is one: the copy the README's `migrate` makes.
    if let Some(url) = pg_url() {
        let schema = schema_name();
        let admin = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let pg = PgStore::connect_schema(&url, &schema).await.unwrap();
        let copied = ctx.copy_installation(&pg, |_, _| {}).await;
        let on_pg = Ctx::new(&pg, &scope, &settings);
        let next = on_pg
            .register_request(register("迁移县新局", "PG-1", d(2025, 2, 1)))
            .await;
        pg.close().await;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        assert!(copied.unwrap().proved());
        next.unwrap();
    }

    let backup = dir.path().join("backup.db");
    ctx.backup(&backup).await.unwrap();
    assert!(ctx.backup(&backup).await.is_err(), "never overwritten");
    let restored = SqliteStore::open(&format!("sqlite:{}", backup.display()))
        .await
        .unwrap();
    let on_backup = Ctx::new(&restored, &scope, &settings);
    let c = on_backup
        .generate_report("迁移县新局", 2024, false)
        .await
        .unwrap()
        .report;
    assert_eq!(a, c);
    restored.close().await;
}

/// A session's use is recorded at most once a minute (not a write per page), and a session
/// unused for the idle timeout ends: the minute of slack never keeps one alive longer.
async fn sessions_are_marked_once_a_minute_and_end_when_idle<S: Store>(store: &S, _raw: &Raw) {
    use gongkai_services::accounts::{Auth, SessionPolicy, secret_hash};
    let scope = operator();
    let settings = settings();
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("会话局", None).await.unwrap();
    ctx.add_user("会话用户", "correct-horse-battery", "会话局", Role::Officer)
        .await
        .unwrap();
    let policy = SessionPolicy::default();
    let auth = Auth::new(store, policy);
    let t0 = chrono::Utc::now();
    let login = auth
        .login("会话用户", "correct-horse-battery", t0)
        .await
        .unwrap()
        .unwrap();
    let last_seen = || async {
        store
            .session(&secret_hash(&login.secret))
            .await
            .unwrap()
            .map(|s| s.last_seen)
    };
    let seen_at_login = last_seen().await.unwrap();
    let secs = chrono::Duration::seconds;
    // Within the minute: valid, and nothing written.
    assert!(
        auth.session(&login.secret, t0 + secs(30))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(last_seen().await, Some(seen_at_login));
    // After it: valid, and its use recorded.
    let t1 = t0 + secs(90);
    assert!(auth.session(&login.secret, t1).await.unwrap().is_some());
    let seen = last_seen().await.unwrap();
    assert!((seen - t1).num_milliseconds().abs() < 1, "{seen} vs {t1}");
    // Idle from t1 for the whole timeout: ended, and deleted.
    let late = t1 + policy.idle + secs(1);
    assert!(auth.session(&login.secret, late).await.unwrap().is_none());
    assert_eq!(last_seen().await, None);
}

/// A login's password check runs off the async threads: on a runtime of ONE thread, another
/// task keeps running while it is checked (on the async thread it would stop for the whole
/// Argon2 computation, and every other request of the server with it).
#[test]
fn a_login_leaves_the_server_free_while_it_checks_the_password() {
    use gongkai_services::accounts::{Auth, SessionPolicy};
    use std::sync::atomic::{AtomicBool, AtomicU64};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = SqliteStore::open("sqlite::memory:").await.unwrap();
        let (scope, settings) = (operator(), settings());
        let ctx = Ctx::new(&store, &scope, &settings);
        ctx.add_agency("登录局", None).await.unwrap();
        ctx.add_user("登录用户", "correct-horse-battery", "登录局", Role::Officer)
            .await
            .unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let turns = Arc::new(AtomicU64::new(0));
        let other = tokio::spawn({
            let (done, turns) = (Arc::clone(&done), Arc::clone(&turns));
            async move {
                while !done.load(Ordering::Relaxed) {
                    turns.fetch_add(1, Ordering::Relaxed);
                    tokio::task::yield_now().await;
                }
            }
        });
        let auth = Auth::new(&store, SessionPolicy::default());
        let now = chrono::Utc::now();
        let wrong = auth.login("登录用户", "wrong-password-here", now).await;
        assert!(matches!(wrong, Ok(Err(_))));
        let before = turns.load(Ordering::Relaxed);
        let right = auth.login("登录用户", "correct-horse-battery", now).await;
        assert!(matches!(right, Ok(Ok(_))));
        done.store(true, Ordering::Relaxed);
        other.await.unwrap();
        let during = turns.load(Ordering::Relaxed) - before;
        assert!(
            during > 10_000,
            "the other task ran {during} times while a password was checked"
        );
    });
}

fn document(agency: &str, index: &str, title: &str, published: NaiveDate) -> DocumentInput {
    DocumentInput {
        agency: agency.into(),
        index_number: index.into(),
        title: title.into(),
        doc_number: None,
        written: None,
        published,
        category: None,
        item: None,
        topic: String::new(),
        genre: String::new(),
        method: "政府网站".into(),
        scope: "面向社会".into(),
        validity: Validity::InForce,
        interprets: None,
        body: BodyInput::Text(String::new()),
        attachments: vec![],
    }
}

/// A small but real PDF: what the content check of attachments accepts.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

async fn the_catalogue_feeds_table_two_and_is_searchable<S: Store + Blobs>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("目录县人民政府", None).await.unwrap();
    ctx.add_agency("目录县司法局", Some("目录县人民政府"))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = TantivySearch::open(dir.path().join("search")).unwrap();
    let blobs = Attachments::<S>::directory(&dir.path().join("files")).unwrap();
    let max = 1024 * 1024;
    let normative = |index: &str, title: &str, written: NaiveDate, published: NaiveDate| {
        let mut doc = document("目录县人民政府", index, title, published);
        doc.written = Some(written);
        doc.category = Some(Category::NormativeDocument);
        doc.item = Some(Item::Article20(1));
        doc.doc_number = Some(format!(
            "目政发[{}]{}号",
            written.format("%Y"),
            &index[index.len() - 2..]
        ));
        doc
    };
    // 2023: one issued (in force at the end of 2023); 2024: two issued, the 2023 one repealed.
    let mut first = normative(
        "MLX/2023-00001",
        "关于印发《目录县行政规范性文件管理办法》的通知",
        d(2023, 5, 4),
        d(2023, 5, 10),
    );
    first.body = BodyInput::Html(
        "<p>第一条 为了规范<b>行政规范性文件</b>管理。</p><script>alert(1)</script>".into(),
    );
    first.attachments = vec![("办法全文.pdf".into(), PDF.to_vec())];
    let first = ctx.add_document(&index, &blobs, max, first).await.unwrap();
    assert!(
        !first.data.body_html.contains("script"),
        "{}",
        first.data.body_html
    );
    assert_eq!(
        first.data.doc_number.as_ref().unwrap().normalised,
        "目政发〔2023〕1号"
    );
    ctx.add_document(
        &index,
        &blobs,
        max,
        normative(
            "MLX/2024-00002",
            "目录县公共资源交易管理暂行办法",
            d(2024, 2, 1),
            d(2024, 2, 5),
        ),
    )
    .await
    .unwrap();
    // Published 2024-04-30, 成文 2024-03-01: more than 20 working days (第二十六条).
    let late = ctx
        .add_document(
            &index,
            &blobs,
            max,
            normative(
                "MLX/2024-00003",
                "目录县城市绿化管理办法",
                d(2024, 3, 1),
                d(2024, 4, 30),
            ),
        )
        .await
        .unwrap();
    let mut reading = document(
        "目录县司法局",
        "SFJ/2024-00001",
        "《目录县公共资源交易管理暂行办法》政策解读",
        d(2024, 2, 6),
    );
    reading.interprets = Some("MLX/2024-00002".into());
    ctx.add_document(&index, &blobs, max, reading)
        .await
        .unwrap();
    ctx.repeal_document(
        &index,
        "目录县人民政府",
        "mlx/2023-00001",
        Validity::Repealed {
            on: d(2024, 6, 30),
            by: Some("目政发〔2024〕2号".into()),
        },
    )
    .await
    .unwrap();

    // The register, as of the end of 2024 (2021 format).
    let register = ctx.register("目录县人民政府", 2024, false).await.unwrap();
    let value = |row, col| {
        register
            .cells
            .iter()
            .find(|c| c.key == CellKey::T2(row, col))
            .map(|c| c.value)
            .unwrap()
    };
    use gongkai_report::{T2Col, T2Row};
    assert_eq!(value(T2Row::NormativeDocs, T2Col::Issued), 2);
    assert_eq!(value(T2Row::NormativeDocs, T2Col::Repealed), 1);
    assert_eq!(value(T2Row::NormativeDocs, T2Col::InForce), 2);
    assert_eq!(value(T2Row::Regulations, T2Col::Issued), 0);
    assert_eq!(
        register
            .late
            .documents
            .iter()
            .map(|(id, _)| *id)
            .collect::<Vec<_>>(),
        [late.id]
    );
    // One of the two issued in 2024 is interpreted (by another agency): 50 %.
    assert_eq!(register.interpretation.rate(), Some(0.5));

    // The generated report takes them; a figure typed over one needs a reason and is noted.
    let g = ctx
        .generate_report("目录县人民政府", 2024, false)
        .await
        .unwrap();
    let issued = CellKey::T2(T2Row::NormativeDocs, T2Col::Issued);
    assert_eq!(g.report.int(issued), Some(2));
    assert_eq!(
        g.report
            .int(CellKey::T2(T2Row::NormativeDocs, T2Col::InForce)),
        Some(2)
    );
    let refused = ctx
        .set_figures("目录县人民政府", 2024, &[(issued, Value::Int(5))], None)
        .await;
    assert!(
        matches!(refused, Err(ServiceError::Invalid(_))),
        "{refused:?}"
    );
    ctx.set_figures(
        "目录县人民政府",
        2024,
        &[(issued, Value::Int(5))],
        Some("三件文件在目录之外"),
    )
    .await
    .unwrap();
    let g = ctx
        .generate_report("目录县人民政府", 2024, false)
        .await
        .unwrap();
    assert_eq!(g.report.int(issued), Some(5));
    let s2 = g.report.section(Section::S2Proactive);
    assert!(
        s2.contains("填报 5 件，公开目录记录 2 件；原因：三件文件在目录之外"),
        "{s2}"
    );
    // The drill-down lists the documents the catalogue counts.
    let counted = ctx
        .explain("目录县人民政府", 2024, issued, false)
        .await
        .unwrap();
    let refs: Vec<&str> = counted.iter().map(|c| c.reference.as_str()).collect();
    assert_eq!(refs, ["MLX/2024-00002", "MLX/2024-00003"]);
    // A consolidated report sums the government's and the department's figures.
    let c = ctx
        .generate_report("目录县人民政府", 2024, true)
        .await
        .unwrap();
    assert_eq!(c.report.int(issued), Some(5));

    // Search: Chinese words, a filter, the attachment back, a page of the document.
    let hits = |text: &str, agency: Option<&str>| {
        let input = SearchInput {
            text: text.into(),
            agency: agency.map(Into::into),
            limit: 10,
            ..SearchInput::default()
        };
        let index = &index;
        let ctx = &ctx;
        async move {
            ctx.search_catalogue(index, input)
                .await
                .unwrap()
                .hits
                .into_iter()
                .map(|h| h.document.data.index_number.raw)
                .collect::<Vec<_>>()
        }
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    // `管理暂行办法` is not `管理办法`: the words must stand in the text as typed.
    assert_eq!(
        sorted(hits("管理办法", None).await),
        ["MLX/2023-00001", "MLX/2024-00003"]
    );
    assert_eq!(
        sorted(hits("暂行办法", None).await),
        ["MLX/2024-00002", "SFJ/2024-00001"]
    );
    assert_eq!(hits("规范性文件", None).await, ["MLX/2023-00001"]);
    assert_eq!(
        hits("暂行办法", Some("目录县司法局")).await,
        ["SFJ/2024-00001"]
    );
    let sha = &first.data.attachments[0].sha256;
    let (attachment, bytes) = ctx.attachment(&blobs, first.id, sha).await.unwrap();
    assert_eq!(
        (attachment.media_type.as_str(), bytes.as_slice()),
        ("application/pdf", PDF)
    );
    let view = ctx
        .document_view("目录县人民政府", "MLX/2024-00002")
        .await
        .unwrap();
    assert_eq!(view.interpretations.len(), 1);
    assert_eq!(view.late, None);
    assert!(
        ctx.document_view("目录县人民政府", "MLX/2024-00003")
            .await
            .unwrap()
            .late
            .is_some()
    );

    // A fresh index catches up with everything stored; an index ahead of the store (a
    // database restored from an older backup) is emptied and rebuilt.
    let fresh = TantivySearch::open(dir.path().join("fresh")).unwrap();
    assert_eq!(ctx.catch_up(&fresh).await.unwrap(), 4);
    let ahead = TantivySearch::open(dir.path().join("ahead")).unwrap();
    ahead.apply(&[], 1_000_000).await.unwrap();
    ctx.catch_up(&ahead).await.unwrap();
    assert_eq!(
        ahead.revision().await.unwrap(),
        store.catalogue_revision().await.unwrap()
    );

    // Bad input and access: an attachment that is not what its name says, an unknown
    // 解读对象, an officer of the department writing into the government's catalogue.
    let mut fake = document(
        "目录县人民政府",
        "MLX/2024-00009",
        "附件不符",
        d(2024, 7, 1),
    );
    fake.attachments = vec![("通知.pdf".into(), b"MZ\x90\x00 not a pdf".to_vec())];
    assert!(ctx.add_document(&index, &blobs, max, fake).await.is_err());
    let mut orphan = document(
        "目录县人民政府",
        "MLX/2024-00010",
        "无对象的解读",
        d(2024, 7, 1),
    );
    orphan.interprets = Some("NONE/1".into());
    assert!(ctx.add_document(&index, &blobs, max, orphan).await.is_err());
    let dept = ctx.agency("目录县司法局").await.unwrap();
    let officer = Scope::roles(
        Actor::new("司法局办理人员").unwrap(),
        vec![(dept.id, Role::Officer)],
    );
    let theirs = Ctx::new(store, &officer, &settings);
    let denied = theirs
        .add_document(
            &index,
            &blobs,
            max,
            document("目录县人民政府", "X/1", "越权", d(2024, 7, 1)),
        )
        .await;
    assert!(matches!(denied, Err(ServiceError::Access(_))), "{denied:?}");
}

/// An online application where the agency confirms receipt by hand: no date of receipt and no
/// deadline until the officer confirms (第三十一条第（三）项), then received that day; after
/// the retention period its applicant's personal data and files are purged, the request's
/// figures stay, tracking finds nothing, and the audit chain still verifies.
async fn an_online_application_is_confirmed_decided_and_purged<S: Store + Blobs>(
    store: &S,
    _raw: &Raw,
) {
    use gongkai_services::portal::Public;
    use gongkai_services::portal::applications::{ApplicationInput, Upload};
    let scope = operator();
    let mut submitted_on = Settings::new(d(2026, 3, 6));
    submitted_on.portal.auto_confirm_receipt = false;
    let ctx = Ctx::new(store, &scope, &submitted_on);
    let agency = ctx.add_agency("网申县政府", None).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let blobs = gongkai_blobs::LocalBlobs::open(dir.path()).unwrap();
    let input = ApplicationInput {
        agency: agency.id,
        applicant: "王五".into(),
        kind: "自然人".into(),
        id_type: "居民身份证".into(),
        id_number: "11010519491231002X".into(),
        phone: "13912345678".into(),
        email: String::new(),
        address: "某路1号".into(),
        description: "某项目的批复".into(),
        form: "邮寄".into(),
        nonce: None,
        files: vec![Upload {
            name: "证明.txt".into(),
            bytes: "王五的身份证明".as_bytes().to_vec(),
        }],
        id_photo: None,
    };
    let public = Public::new(store, &submitted_on).unwrap();
    let receipt = public
        .submit_application(&blobs, input, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(receipt.received, None);
    assert_eq!(receipt.due, None);
    let file = receipt.files[0].sha256.clone();
    assert!(blobs.has(&file).await.unwrap());
    let tracked = public
        .track(&receipt.tracking_code, "5678")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (tracked.state, tracked.received, tracked.due),
        ("awaiting_confirmation", None, None)
    );
    // Not in the year's report while its receipt is unknown.
    let facts = store.case_facts(&[agency.id], 2026).await.unwrap();
    assert!(facts.is_empty(), "{facts:?}");

    // Confirmed on Monday the 9th: received that day, due 20 working days later.
    let monday = Settings::new(d(2026, 3, 9));
    let id = store
        .request_by_reference(agency.id, &receipt.reference)
        .await
        .unwrap()
        .unwrap()
        .id;
    let confirmed = Ctx::new(store, &scope, &monday)
        .confirm_receipt(id, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(confirmed.data.received, d(2026, 3, 9));
    let tracked = Public::new(store, &monday)
        .unwrap()
        .track(&receipt.tracking_code, "5678")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tracked.state, "open");
    assert_eq!(tracked.received, Some(d(2026, 3, 9)));
    assert_eq!(
        tracked.due,
        Some(d(2026, 4, 7)),
        "20 working days after 9 March (清明 on 4–6 April)"
    );
    Ctx::new(store, &scope, &monday)
        .record_event(
            "网申县政府",
            &receipt.reference,
            Event::Decided(d(2026, 3, 9)),
            Some(Outcome::Disclosed),
            "",
        )
        .await
        .unwrap();

    // Past the retention period: purged.
    let later = Settings::new(d(2026, 3, 9) + chrono::Days::new(1826));
    let later_ctx = Ctx::new(store, &scope, &later);
    let (before, purged) = later_ctx.purge_personal_data(&blobs).await.unwrap();
    assert_eq!(before, d(2026, 3, 10));
    assert_eq!((purged.requests, purged.files), (1, 1));
    assert!(
        !blobs.has(&file).await.unwrap(),
        "the applicant's file is gone"
    );
    let request = store.request(id).await.unwrap().unwrap();
    assert_eq!(request.data.applicants[0].name, "（已清除）");
    assert_eq!(request.data.applicants[0].kind, Applicant::NaturalPerson);
    assert_eq!(request.data.contact.id_number, "");
    assert_eq!(request.data.contact.phone, "");
    assert_eq!(store.case_facts(&[agency.id], 2026).await.unwrap().len(), 1);
    assert!(
        Public::new(store, &later)
            .unwrap()
            .track(&receipt.tracking_code, "5678")
            .await
            .unwrap()
            .is_none()
    );
    let verified = later_ctx.audit_verify(None, |_| {}).await.unwrap();
    assert!(
        matches!(verified, Verification::Intact { .. }),
        "{verified:?}"
    );
    // No entry of the log holds the applicant's name, identity or phone number in clear.
    for e in store.audit_page(0, 10_000).await.unwrap() {
        for secret in ["王五", "11010519491231002X", "13912345678"] {
            assert!(
                !e.summary.contains(secret) && !e.object.contains(secret),
                "{e:?}"
            );
        }
    }
}

/// The text of a Word document as the project's reader reads it.
fn docx_text(bytes: &[u8]) -> String {
    gongkai_reader::docx::parse(bytes).unwrap().plain_text()
}

/// The letter that fits a request follows its state (登记回执, then 补正通知书, then the
/// 答复告知书 of its outcome), filled from the request with the configured remedies; an
/// agency's template replaces the default once it passes the trial render, a broken one is
/// refused naming its line, and a letter stored with the request is one of its reply
/// documents.
async fn letters_follow_the_request_and_the_agencys_templates<S: Store + Blobs>(
    store: &S,
    _raw: &Raw,
) {
    use gongkai_services::letters::Kind;
    let scope = operator();
    let mut settings = settings();
    settings.letters.reconsideration_body = "文书县人民政府".into();
    settings.letters.court = "文书县人民法院".into();
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("文书县交通运输局", None).await.unwrap();
    let agency = "文书县交通运输局";
    let mut r = register(agency, "WS-1", d(2026, 3, 2));
    r.applicant = "赵文书".into();
    ctx.register_request(r).await.unwrap();
    let due = ctx
        .show_request(agency, "WS-1", None)
        .await
        .unwrap()
        .deadline
        .unwrap()
        .due;

    let receipt = ctx.render_letter(agency, "WS-1", None).await.unwrap();
    assert_eq!(receipt.kind, Kind::Receipt);
    assert_eq!(receipt.file_name, "申请登记回执-WS-1.docx");
    let text = docx_text(&receipt.bytes);
    for needle in [
        "赵文书",
        "WS-1",
        "2026年3月2日",
        &format!(
            "{}年{}月{}日前作出答复",
            due.format("%Y"),
            due.format("%-m"),
            due.format("%-d")
        ),
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }

    ctx.record_event(
        agency,
        "WS-1",
        Event::CorrectionRequested(d(2026, 3, 4)),
        None,
        "请写明文件的年度",
    )
    .await
    .unwrap();
    let correction = ctx.render_letter(agency, "WS-1", None).await.unwrap();
    assert_eq!(correction.kind, Kind::Correction);
    let text = docx_text(&correction.bytes);
    assert!(text.contains("请写明文件的年度"), "{text}");
    assert!(
        text.contains("2026年3月4日"),
        "the letter bears the notice's date: {text}"
    );

    // The agency's own template, then back to the default.
    let broken = "# 补正通知书\n> {{ applicant }}：\n请补正：{{ note | nosuchfilter }}\n";
    match ctx
        .set_letter_template(agency, Kind::Correction, broken)
        .await
    {
        Err(ServiceError::Invalid(m)) => assert!(m.contains("第 3 行"), "{m}"),
        other => panic!("{other:?}"),
    }
    let own = "# 补正通知书\n> {{ applicant }}：\n本局自拟：{{ note }}\n";
    ctx.set_letter_template(agency, Kind::Correction, own)
        .await
        .unwrap();
    let view = ctx.letter_template(agency, Kind::Correction).await.unwrap();
    assert!(view.custom);
    assert_eq!(view.body, own);
    let text = docx_text(&ctx.render_letter(agency, "WS-1", None).await.unwrap().bytes);
    assert!(text.contains("本局自拟：请写明文件的年度"), "{text}");
    assert!(
        ctx.reset_letter_template(agency, Kind::Correction)
            .await
            .unwrap()
    );
    let text = docx_text(&ctx.render_letter(agency, "WS-1", None).await.unwrap().bytes);
    assert!(!text.contains("本局自拟"), "{text}");
    let listed = ctx.letter_templates(agency).await.unwrap();
    assert_eq!(listed.len(), Kind::ALL.len());
    assert!(listed.iter().all(|t| !t.custom));

    ctx.record_event(
        agency,
        "WS-1",
        Event::CorrectedReceived(d(2026, 3, 9)),
        None,
        "",
    )
    .await
    .unwrap();
    ctx.record_event(
        agency,
        "WS-1",
        Event::Decided(d(2026, 3, 20)),
        Some(Outcome::NdStateSecret),
        "",
    )
    .await
    .unwrap();
    let reply = ctx.render_letter(agency, "WS-1", None).await.unwrap();
    assert_eq!(reply.kind, Kind::ReplyWithheld);
    let text = docx_text(&reply.bytes);
    for needle in [
        "赵文书",
        "2026年3月20日",
        "第十四条和第三十六条第（三）项",
        "60日内向文书县人民政府申请行政复议",
        "6个月内向文书县人民法院提起行政诉讼",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
    // A named kind is rendered whatever the state.
    let named = ctx
        .render_letter(agency, "WS-1", Some(Kind::Extension))
        .await
        .unwrap();
    assert_eq!(named.kind, Kind::Extension);

    // Stored with the request as a reply document, not yet released.
    let dir = tempfile::tempdir().unwrap();
    let blobs = gongkai_blobs::LocalBlobs::open(dir.path()).unwrap();
    let id = ctx
        .show_request(agency, "WS-1", None)
        .await
        .unwrap()
        .request
        .id;
    let stored = ctx
        .store_letter(&blobs, id, None, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(stored.file.name, "申请答复告知书-WS-1.docx");
    assert!(stored.released.is_none());
    let (_, bytes) = ctx.reply_document_bytes(&blobs, stored.id).await.unwrap();
    assert_eq!(bytes, reply.bytes);
    let view = ctx.show_request(agency, "WS-1", None).await.unwrap();
    assert_eq!(view.replies.len(), 1);
}

/// The supervising office's dashboard of a small subtree, and the sample assessment scheme
/// applied to it, every figure and score computed by hand below.
async fn the_dashboard_counts_each_unit_and_the_sample_scheme_scores_it<S: Store>(
    store: &S,
    _raw: &Raw,
) {
    use gongkai_services::dashboard::{self, Column, Only};
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("督查县人民政府", None).await.unwrap();
    for unit in ["督查县甲局", "督查县乙局", "督查县丙局"] {
        ctx.add_agency(unit, Some("督查县人民政府")).await.unwrap();
    }
    // (unit, reference, received, decided). 甲: A1 and A2 answered within 20 working days
    // (第三十三条); A3, received 2025-03-03, is due 2025-03-31 and was answered in June (逾期办结);
    // A4 is still open on 2026-12-03, long past its deadline. 乙: three answered in a week.
    // 丙: one answered in a week.
    let cases = [
        ("督查县甲局", "A1", d(2025, 3, 3), Some(d(2025, 3, 10))),
        ("督查县甲局", "A2", d(2025, 3, 3), Some(d(2025, 3, 11))),
        ("督查县甲局", "A3", d(2025, 3, 3), Some(d(2025, 6, 2))),
        ("督查县甲局", "A4", d(2025, 11, 3), None),
        ("督查县乙局", "B1", d(2025, 5, 6), Some(d(2025, 5, 12))),
        ("督查县乙局", "B2", d(2025, 5, 6), Some(d(2025, 5, 12))),
        ("督查县乙局", "B3", d(2025, 5, 6), Some(d(2025, 5, 12))),
        ("督查县丙局", "C1", d(2025, 9, 1), Some(d(2025, 9, 5))),
    ];
    for (unit, reference, received, decided) in cases {
        ctx.register_request(register(unit, reference, received))
            .await
            .unwrap();
        if let Some(on) = decided {
            ctx.record_event(
                unit,
                reference,
                Event::Decided(on),
                Some(Outcome::Disclosed),
                "",
            )
            .await
            .unwrap();
        }
    }
    let rows = ctx.supervision(2025).await.unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.agency(),
                r.requests,
                r.open,
                r.overdue,
                r.decided,
                r.decided_on_time,
                r.closed_late,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("督查县人民政府", 0, 0, 0, 0, 0, 0),
            ("督查县甲局", 4, 1, 1, 3, 2, 1),
            ("督查县乙局", 3, 0, 0, 3, 3, 0),
            ("督查县丙局", 1, 0, 0, 1, 1, 0),
        ]
    );
    let a = &rows[1];
    assert_eq!(a.oldest_open, Some(("A4".to_owned(), d(2025, 11, 3))));
    // Nothing filed: the reports generated from the records are checked, and hold together.
    for r in &rows {
        assert_eq!(r.report, dashboard::ReportSource::Generated);
        assert_eq!(r.errors, 0, "{}", r.agency());
        assert!(r.implausible.is_empty() && r.catalogue.is_none());
        // Due 31 January (31 March for the government) 2026, not done by 2026-12-03.
        assert!(r.filing.timeliness.is_late());
    }
    let mut sorted = rows.clone();
    dashboard::sort(&mut sorted, Column::OnTimeRate, false);
    let order: Vec<&str> = sorted.iter().map(|r| r.agency()).collect();
    // 甲 2/3 < 乙 = 丙 1 (tree order kept); the government decided none: last.
    assert_eq!(
        order,
        ["督查县甲局", "督查县乙局", "督查县丙局", "督查县人民政府"]
    );
    let overdue: Vec<&str> = rows
        .iter()
        .filter(|r| Only::Overdue.keeps(r))
        .map(|r| r.agency())
        .collect();
    assert_eq!(overdue, ["督查县甲局"]);
    // The export reads back: a row per unit, figures as numbers.
    let bytes = gongkai_render::listing::xlsx(&dashboard::listing(2025, &rows)).unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "督查").unwrap();
    let cells: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(cells[1][0], "机关");
    assert_eq!(cells[3][..5], ["督查县甲局", "4", "1", "1", "1"]);
    assert_eq!(cells.len(), 2 + 4);

    // The sample scheme (docs/assessment.sample.toml), by hand. No catalogue: the two
    // catalogue items (20 of the 100) are left out. Every report is overdue (report_on_time 0:
    // 0 of 20) and without error (report_errors 0: 10 of 10).
    // 甲: on_time_rate 2/3 < 0.75: 0 of 30; overdue 1 ≤ 2: 50 % of 20 = 10;
    //     (0 + 10 + 0 + 10) / 80 × 100 = 25.
    // 乙: rate 1.0: 30; overdue 0: 20; (30 + 20 + 0 + 10) / 80 × 100 = 75.
    // 丙: as 乙, 75, but 1 request < min_requests 3: 不参与排名.
    // 政府: no request decided: on_time_rate left out; (20 + 0 + 10) / 50 × 100 = 60,
    //     0 requests: 不参与排名.
    let scheme = gongkai_assess::Scheme::parse(gongkai_assess::SAMPLE).unwrap();
    let result = ctx.assess(2025, &scheme, None).await.unwrap();
    let scores: Vec<(&str, f64, Option<usize>)> = result
        .units
        .iter()
        .map(|u| (u.unit.as_str(), u.total, u.rank))
        .collect();
    assert_eq!(
        scores,
        [
            ("督查县乙局", 75.0, Some(1)),
            ("督查县甲局", 25.0, Some(2)),
            ("督查县丙局", 75.0, None),
            ("督查县人民政府", 60.0, None),
        ]
    );
    let only = ctx.assess(2025, &scheme, Some("督查县甲局")).await.unwrap();
    // 乙's 2024 report, published straight into the store, counted 500 new requests; the 3 of
    // 2025 are a fall beyond fivefold over at least 100 (R9's year-on-year check).
    let b = ctx.agency("督查县乙局").await.unwrap();
    let mut before = ctx
        .generate_report("督查县乙局", 2024, false)
        .await
        .unwrap()
        .report;
    let new_total = CellKey::T3(T3Row::NewReceived, Applicant::Total);
    before.set(new_total, Some(Value::Int(500))).unwrap();
    let grant = scope.installation().unwrap();
    store
        .record_step(
            b.id,
            2024,
            1,
            gongkai_store::filings::NewStep {
                action: gongkai_filing::Action::Publish,
                report: Some(gongkai_report::json::to_string(&before, None)),
                explanations: None,
                text: None,
                remarks: None,
            },
            gongkai_store::Draft::new(&grant, "test.publish", "2024"),
        )
        .await
        .unwrap();
    let rows = ctx.supervision(2025).await.unwrap();
    let b_row = rows.iter().find(|r| r.agency() == "督查县乙局").unwrap();
    assert_eq!(b_row.implausible.len(), 1, "{:?}", b_row.implausible);
    assert!(
        b_row.implausible[0].contains("500"),
        "{:?}",
        b_row.implausible
    );
    assert!(Only::Failing.keeps(b_row));
    assert!(
        rows.iter()
            .filter(|r| r.agency() != "督查县乙局")
            .all(|r| r.implausible.is_empty())
    );
    assert_eq!(only.units.len(), 1);
    let docx = gongkai_render::listing::docx(&gongkai_services::assessment::listing(&result));
    assert!(docx.unwrap().starts_with(b"PK"));
}

/// The reporting season of a district with the seed's shape (第四十九条): a government, 21
/// townships and 39 departments, each with generated requests of 2025. Every unit's officer
/// submits its report with the warnings explained, and finds it locked; the supervising office
/// returns five with a comment, they are submitted again, and the office clears and publishes
/// all sixty, then the government's own report; the overview shows every report on time, the
/// dashboard and the sample assessment cover all sixty-one, and a reply letter is produced.
async fn a_district_runs_its_reporting_season<S: Store + Blobs>(store: &S, _raw: &Raw) {
    use std::collections::BTreeMap;
    let year = 2025;
    // 20 January: within the season, before the departments' due date.
    let settings = Settings::new(d(2026, 1, 20));
    let op = operator();
    let ctx = Ctx::new(store, &op, &settings);
    let gov = "季县人民政府";
    let gov_id = ctx.add_agency(gov, None).await.unwrap().id;
    let units: Vec<String> = (1..=21)
        .map(|i| format!("季县第{i}镇人民政府"))
        .chain((1..=39).map(|i| format!("季县第{i}局")))
        .collect();
    let outcomes = [Outcome::Disclosed, Outcome::Partial, Outcome::NaNotHeld];
    for (k, unit) in units.iter().enumerate() {
        ctx.add_agency(unit, Some(gov)).await.unwrap();
        for n in 0..k % 4 {
            let reference = format!("J{k}-{n}");
            let month = 3 + n as u32;
            ctx.register_request(register(unit, &reference, d(year, month, 2)))
                .await
                .unwrap();
            if n % 2 == 0 {
                ctx.record_event(
                    unit,
                    &reference,
                    Event::Decided(d(year, month, 20)),
                    Some(outcomes[k % 3]),
                    "",
                )
                .await
                .unwrap();
            }
        }
    }
    let office_scope = Scope::roles(
        Actor::new("季县政务公开办").unwrap(),
        vec![(gov_id, Role::Supervisor)],
    );
    let office = Ctx::new(store, &office_scope, &settings);
    let submit = |scope: Scope, unit: String| {
        let settings = settings.clone();
        async move {
            let ctx = Ctx::new(store, &scope, &settings);
            let agency = ctx.agency(&unit).await.unwrap();
            let report = ctx
                .generate_report(&unit, year, false)
                .await
                .unwrap()
                .report;
            let explanations: BTreeMap<_, _> = ctx
                .findings(&agency, year, &report)
                .await
                .unwrap()
                .into_iter()
                .map(|f| (f.rule, "已核对".to_owned()))
                .collect();
            let filing = ctx
                .submit_report(&unit, year, None, &explanations, None)
                .await
                .unwrap();
            assert_eq!(filing.state.as_str(), "submitted", "{unit}");
            // Locked while under review; and an officer clears nothing.
            assert!(matches!(
                ctx.set_prose(&unit, year, "## 一、总体情况\n\n改。\n")
                    .await,
                Err(ServiceError::Refused(_))
            ));
            assert!(matches!(
                ctx.clear_report(&unit, year).await,
                Err(ServiceError::Access(_))
            ));
        }
    };
    let officer = |unit: &str, id| {
        Scope::roles(
            Actor::new(&format!("{unit}办理人员")).unwrap(),
            vec![(id, Role::Officer)],
        )
    };
    let mut ids = Vec::new();
    for unit in &units {
        let id = ctx.agency(unit).await.unwrap().id;
        ids.push(id);
        submit(officer(unit, id), unit.clone()).await;
    }
    for (unit, id) in units.iter().zip(&ids).take(5) {
        office
            .return_report(unit, year, "请补写存在的主要问题", &BTreeMap::new())
            .await
            .unwrap();
        submit(officer(unit, *id), unit.clone()).await;
    }
    for unit in &units {
        office.clear_report(unit, year).await.unwrap();
        let (filing, version) = office
            .publish_report(unit, year, None, &BTreeMap::new(), None)
            .await
            .unwrap();
        assert_eq!(version, 1);
        assert_eq!(filing.state.as_str(), "published");
    }
    let own = ctx.generate_report(gov, year, false).await.unwrap().report;
    let gov_agency = ctx.agency(gov).await.unwrap();
    let explained: BTreeMap<_, _> = office
        .findings(&gov_agency, year, &own)
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.rule, "已核对".to_owned()))
        .collect();
    office
        .publish_report(gov, year, None, &explained, None)
        .await
        .unwrap();

    // The overview: sixty-one reports, all published, each late exactly when it was done (the
    // day its step was recorded, by the clock) after its due date.
    let rows = office.filings(year).await.unwrap();
    assert_eq!(rows.len(), 61);
    for r in &rows {
        assert_eq!(r.state.as_str(), "published", "{}", r.agency.name);
        let done = r.done.unwrap();
        assert_eq!(r.timeliness.is_late(), done > r.due, "{}", r.agency.name);
    }
    assert_eq!(
        rows.iter().filter(|r| r.due == d(2026, 3, 31)).count(),
        1,
        "only the government's own report is due by 31 March"
    );
    let returned = office.filing(&units[0], year).await.unwrap();
    assert_eq!(
        returned.steps.len(),
        5,
        "submit, return, submit, clear, publish"
    );
    assert_eq!(returned.versions().count(), 3);
    assert_eq!(office.filing(&units[9], year).await.unwrap().steps.len(), 3);

    // The dashboard and the sample assessment cover every unit.
    assert_eq!(office.supervision(year).await.unwrap().len(), 61);
    let scheme = gongkai_assess::Scheme::parse(gongkai_assess::SAMPLE).unwrap();
    let assessed = office.assess(year, &scheme, None).await.unwrap();
    assert_eq!(assessed.units.len(), 61);
    assert!(assessed.units.iter().any(|u| u.rank == Some(1)));

    // A reply letter for a decided request of a township.
    let letter = ctx.render_letter(&units[1], "J1-0", None).await.unwrap();
    assert!(
        letter.file_name.ends_with("-J1-0.docx"),
        "{}",
        letter.file_name
    );
    assert!(letter.file_name.contains("答复"), "{}", letter.file_name);
    assert_eq!(&letter.bytes[..2], b"PK");
}

/// A cleared report whose submission no longer reads back (changed behind the program's back)
/// is not published: nothing else is put in its place, and no version is written.
async fn an_unreadable_submission_is_not_published<S: Store + Blobs>(store: &S, raw: &Raw) {
    use std::collections::BTreeMap;
    let (op, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &op, &settings);
    ctx.add_agency("损坏县人民政府", None).await.unwrap();
    let unit = "损坏县教育局";
    ctx.add_agency(unit, Some("损坏县人民政府")).await.unwrap();
    let agency = ctx.agency(unit).await.unwrap();
    let report = ctx.generate_report(unit, 2025, false).await.unwrap().report;
    let explained: BTreeMap<_, _> = ctx
        .findings(&agency, 2025, &report)
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.rule, "已核对".to_owned()))
        .collect();
    ctx.submit_report(unit, 2025, None, &explained, None)
        .await
        .unwrap();
    ctx.clear_report(unit, 2025).await.unwrap();
    raw.exec("UPDATE filing_steps SET report = '{' WHERE action = 'submitted'")
        .await;
    let refused = ctx
        .publish_report(unit, 2025, None, &BTreeMap::new(), None)
        .await;
    assert!(
        matches!(refused, Err(ServiceError::Store(StoreError::Backend(_)))),
        "{refused:?}"
    );
    assert!(ctx.published_versions(unit, 2025).await.unwrap().is_empty());
}

/// Section 二's figures from the records (issue 15): a year of an agency's catalogue and portal
/// visits, counted by hand; the paragraph the report carries; each figure traced; the agency's
/// own text checked against them (R8), also when its report is submitted.
async fn section_two_is_computed_from_the_records<S: Store + Blobs>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    let gov = "二部分县人民政府";
    let bureau = "二部分县教育局";
    ctx.add_agency(gov, None).await.unwrap();
    ctx.add_agency(bureau, Some(gov)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = TantivySearch::open(dir.path().join("search")).unwrap();
    let blobs = Attachments::<S>::directory(&dir.path().join("files")).unwrap();
    let add = |agency: &'static str, n: u32, published: NaiveDate, item: Option<u8>| {
        let mut doc = document(
            agency,
            &format!("EB/{n:05}"),
            &format!("文件{n}"),
            published,
        );
        doc.item = item.map(Item::Article20);
        let (ctx, index, blobs) = (&ctx, &index, &blobs);
        async move { ctx.add_document(index, blobs, 1 << 20, doc).await.unwrap() }
    };
    // The government in 2024: three under (一), one under (十一), one under no item, one
    // interpretation of the first; one of 2023 and one of 2025 that do not count.
    add(gov, 1, d(2024, 1, 2), Some(1)).await;
    add(gov, 2, d(2024, 5, 6), Some(1)).await;
    add(gov, 3, d(2024, 12, 31), Some(1)).await;
    add(gov, 4, d(2024, 7, 1), Some(11)).await;
    add(gov, 5, d(2024, 8, 1), None).await;
    let mut reading = document(gov, "EB/00006", "文件1的解读", d(2024, 1, 3));
    reading.interprets = Some("EB/00001".into());
    ctx.add_document(&index, &blobs, 1 << 20, reading)
        .await
        .unwrap();
    add(gov, 7, d(2023, 12, 31), Some(1)).await;
    add(gov, 8, d(2025, 1, 1), Some(1)).await;
    // The bureau: two in 2024 under (十一).
    add(bureau, 9, d(2024, 3, 1), Some(11)).await;
    add(bureau, 10, d(2024, 3, 2), Some(11)).await;
    let g = store.agency_by_name(gov).await.unwrap().unwrap().id;
    let g0 = g;
    let b = store.agency_by_name(bureau).await.unwrap().unwrap().id;
    store
        .add_page_views(&[
            (g, d(2024, 1, 1), 1_000),
            (g, d(2024, 12, 31), 234),
            (g, d(2025, 1, 1), 9),
            (b, d(2024, 6, 1), 66),
        ])
        .await
        .unwrap();

    // Its accounts: the portal (no 新媒体 account), a WeChat account open all year, a Weibo
    // account closed in June; posts outside the catalogue imported by month.
    for (platform, name, opened) in [
        ("门户网站", "二部分县政府网", d(2015, 1, 1)),
        ("微信公众号", "二部分发布", d(2019, 1, 1)),
        ("微博", "二部分微博", d(2020, 1, 1)),
    ] {
        ctx.add_channel(gongkai_services::channels::ChannelInput {
            agency: gov.into(),
            platform: platform.into(),
            name: name.into(),
            operator: "县政府办".into(),
            opened,
            filed: true,
        })
        .await
        .unwrap();
    }
    let counts = "渠道名称,月份,发布条数\n二部分发布,2024-01,30\n二部分发布,2024-02,12\n二部分微博,2024-03,5\n二部分发布,2023-12,99\n";
    ctx.import_post_counts(
        gov,
        counts.as_bytes(),
        gongkai_catalogue_import::TableKind::Csv,
    )
    .await
    .unwrap();
    ctx.close_channel(gov, "二部分微博", d(2024, 6, 30))
        .await
        .unwrap();

    // Public messages to the government in 2024: one answered publicly, one privately, one
    // not yet answered at the year's end (answered in 2025), one marked abusive; and one
    // received in 2023 but answered publicly in 2024.
    let message_ids = {
        use gongkai_services::portal::Public;
        use gongkai_services::portal::messages::MessageInput;
        let mut ids = Vec::new();
        for (n, received) in [
            d(2024, 5, 6),
            d(2024, 6, 3),
            d(2024, 12, 30),
            d(2024, 7, 1),
            d(2023, 12, 28),
        ]
        .into_iter()
        .enumerate()
        {
            let on = Settings::new(received);
            Public::new(store, &on)
                .unwrap()
                .submit_message(
                    MessageInput {
                        agency: g0,
                        kind: "咨询".into(),
                        title: format!("留言{n}"),
                        body: "请问如何办理？".into(),
                        name: "李四".into(),
                        phone: "13900001234".into(),
                        nonce: None,
                    },
                    chrono::Utc::now(),
                )
                .await
                .unwrap();
            let id = store
                .message_facts(&[g0], chrono::Datelike::year(&received))
                .await
                .unwrap()
                .into_iter()
                .find(|m| m.title == format!("留言{n}"))
                .unwrap()
                .id;
            ids.push(id);
        }
        ids
    };
    let reply = |id, on: NaiveDate, public: bool| {
        let scope = &scope;
        async move {
            let at = Settings::new(on);
            Ctx::new(store, scope, &at)
                .reply_message(id, "答复如下。", public, chrono::Utc::now())
                .await
                .unwrap();
        }
    };
    reply(message_ids[0], d(2024, 5, 8), true).await;
    reply(message_ids[1], d(2024, 6, 5), false).await;
    reply(message_ids[2], d(2025, 1, 3), true).await;
    reply(message_ids[4], d(2024, 1, 2), true).await;
    ctx.mark_abusive(message_ids[3], Some("广告"))
        .await
        .unwrap();

    let generated = ctx.generate_report(gov, 2024, false).await.unwrap();
    assert!(!generated.own_section_two);
    assert_eq!(
        generated.report.section(Section::S2Proactive),
        "本年度主动公开政府信息6条，按《条例》第二十条分：第（一）项3条、第（十一）项1条；发布政策解读1篇。\
         收到公众留言3件，答复留言3件，其中公开答复2件。\
         开设政务新媒体1个，全年通过政务新媒体发布信息47条。\
         政府信息公开平台全年页面访问量1234次。"
    );
    // The posts of 2024: 30 + 12 on the WeChat account and 5 on the Weibo account before it
    // closed (the account itself is not open at the year's end); December 2023 is another year.
    let posts = ctx
        .explain_figure(gov, 2024, "s2.channel_posts", false)
        .await
        .unwrap();
    assert_eq!(posts.value, 47);
    assert_eq!(posts.records.len(), 3);
    assert!(
        posts.records[0].outcome.contains("1 月目录外发布 30 条"),
        "{:?}",
        posts.records
    );
    let public = ctx
        .explain_figure(gov, 2024, "s2.replies_public", false)
        .await
        .unwrap();
    let titles: Vec<&str> = public.records.iter().map(|c| c.outcome.as_str()).collect();
    assert_eq!(
        titles,
        ["咨询：留言0（公开答复）", "咨询：留言4（公开答复）"]
    );
    let accounts = ctx
        .explain_figure(gov, 2024, "s2.channels", false)
        .await
        .unwrap();
    assert_eq!(accounts.records.len(), 1);
    assert_eq!(accounts.records[0].outcome, "二部分发布");
    assert!(
        generated
            .findings()
            .iter()
            .all(|f| f.rule != gongkai_report::Rule::R8)
    );
    // The consolidated report counts the bureau too.
    let all = ctx.generate_report(gov, 2024, true).await.unwrap();
    assert!(
        all.report.section(Section::S2Proactive).starts_with(
            "本年度主动公开政府信息8条，按《条例》第二十条分：第（一）项3条、第（十一）项3条"
        ),
        "{}",
        all.report.section(Section::S2Proactive)
    );
    assert!(
        all.report
            .section(Section::S2Proactive)
            .contains("访问量1300次")
    );

    // Each figure traced to its records.
    let items = ctx
        .explain_figure(gov, 2024, "s2.published.item_1", false)
        .await
        .unwrap();
    assert_eq!(items.value, 3);
    let refs: Vec<&str> = items.records.iter().map(|c| c.reference.as_str()).collect();
    assert_eq!(refs, ["EB/00001", "EB/00002", "EB/00003"]);
    let readings = ctx
        .explain_figure(gov, 2024, "s2.interpretations", false)
        .await
        .unwrap();
    assert_eq!(readings.records[0].outcome, "文件1的解读");
    let views = ctx
        .explain_figure(gov, 2024, "s2.page_views", true)
        .await
        .unwrap();
    assert_eq!(views.value, 1_300);
    assert_eq!(views.records.len(), 2);
    assert!(matches!(
        ctx.explain_figure(gov, 2024, "s2.nonsense", false).await,
        Err(ServiceError::Invalid(_))
    ));

    // The bureau's standard directory: two items, neither published under in 2024; the
    // supervising office's dashboard counts the gaps (the government has no directory).
    let directory = "事项编号,领域,事项名称,公开内容,公开依据,公开时限,公开主体,公开渠道\n\
        JY-01,教育,招生政策,招生入学政策,《义务教育法》,每年6月30日前,二部分县教育局,政府网站\n\
        JY-02,教育,学校名录,学校名录及联系方式,《条例》第二十条,信息形成之日起20个工作日内,二部分县教育局,政府网站\n";
    ctx.import_directory(
        bureau,
        directory.as_bytes(),
        gongkai_catalogue_import::TableKind::Csv,
    )
    .await
    .unwrap();
    let rows = ctx.supervision(2024).await.unwrap();
    let gaps = |name: &str| {
        rows.iter()
            .find(|r| r.agency() == name)
            .unwrap()
            .directory_gaps
    };
    assert_eq!(gaps(bureau), Some(2));
    assert_eq!(gaps(gov), None);

    // The agency writes its own section 二: its figures are checked against the records.
    let prose = "## 二、主动公开政府信息情况\n全年主动公开政府信息7条，发布政策解读1篇，网站访问量约1200次。\n";
    ctx.set_prose(gov, 2024, prose).await.unwrap();
    let own = ctx.generate_report(gov, 2024, false).await.unwrap();
    assert!(own.own_section_two);
    assert!(
        own.report
            .section(Section::S2Proactive)
            .starts_with("全年主动公开政府信息7条")
    );
    let r8: Vec<String> = own
        .findings()
        .into_iter()
        .filter(|f| f.rule == gongkai_report::Rule::R8)
        .map(|f| f.message)
        .collect();
    // 7 is not 6; "约1200" is 1234 at its precision (within a hundred).
    assert_eq!(r8.len(), 1, "{r8:?}");
    assert!(
        r8[0].contains("主动公开政府信息7条") && r8[0].contains("s2.published"),
        "{r8:?}"
    );
    // A department submitting its report is asked to explain that warning, as any other.
    let prose = "## 二、主动公开政府信息情况\n本年度主动公开政府信息2条，页面访问量70次。\n";
    ctx.set_prose(bureau, 2024, prose).await.unwrap();
    let refused = ctx
        .submit_report(bureau, 2024, None, &Default::default(), None)
        .await
        .unwrap_err();
    let ServiceError::Refused(gongkai_filing::Refusal::Unexplained { findings, .. }) = refused
    else {
        panic!("{refused:?}")
    };
    let r8: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == gongkai_report::Rule::R8)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(r8.len(), 1, "{r8:?}");
    assert!(
        r8[0].contains("页面访问量70次") && r8[0].contains("为 66"),
        "{r8:?}"
    );
}

/// Issue 16 §4–5. An agency whose guide asks for an identity-document photo: an application
/// without it, or with a text file, is refused on the field `id_photo`; the photo is stored
/// sealed (its bytes appear nowhere in the blob store) and opened only for those who handle the
/// agency's requests. While the applicant writes, the catalogue's document and the log's entry
/// are suggested and a 投诉 brings the notice of 第三十九条. The answered request is published to
/// the log under a title without the applicant, with the released data file and not the reply
/// letter; the log searches the title, never the applicant; withdrawing takes it off.
async fn an_answer_is_published_anonymised_and_a_photo_kept_sealed<S: Store + Blobs>(
    store: &S,
    _raw: &Raw,
) {
    use gongkai_cases::guide::{ApplyChannel, Guide, ProvisionForm};
    use gongkai_services::id_photo::PhotoKey;
    use gongkai_services::portal::Public;
    use gongkai_services::portal::applications::{ApplicationInput, Upload};
    let scope = operator();
    let mut settings = Settings::new(d(2026, 3, 6));
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("公开县政府", None).await.unwrap();
    let agency = ctx
        .add_agency("公开县水利局", Some("公开县政府"))
        .await
        .unwrap();
    let guide = Guide {
        office: "办公室".into(),
        address: "人民路1号".into(),
        hours: "工作日".into(),
        phone: "0517-1234567".into(),
        channels: vec![ApplyChannel::Online],
        forms: vec![ProvisionForm::Email],
        id_photo: true,
        ..Default::default()
    };
    // Without a key no photo may be asked for: it would be stored in clear.
    let refused = ctx.set_guide("公开县水利局", guide.clone()).await.unwrap();
    assert!(
        refused
            .as_ref()
            .is_err_and(|p| p.iter().any(|(f, _)| *f == "id_photo")),
        "{refused:?}"
    );
    settings.id_photo_key = Some(PhotoKey::new([42; 32]));
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.set_guide("公开县水利局", guide).await.unwrap().unwrap();

    // A catalogue document the triage will find.
    let dir = tempfile::tempdir().unwrap();
    let index = TantivySearch::open(dir.path().join("search")).unwrap();
    let blobs = Attachments::<S>::directory(&dir.path().join("files")).unwrap();
    ctx.add_document(
        &index,
        &blobs,
        1 << 20,
        document(
            "公开县水利局",
            "SL/2026-00001",
            "农村供水工程建设管理办法",
            d(2026, 1, 5),
        ),
    )
    .await
    .unwrap();

    let photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 identity card of 11010519491231002X".to_vec();
    let input = |photo: Option<Upload>| ApplicationInput {
        agency: agency.id,
        applicant: "赵六".into(),
        kind: "自然人".into(),
        id_type: "居民身份证".into(),
        id_number: "11010519491231002X".into(),
        phone: "13912340000".into(),
        email: "zhao@example.cn".into(),
        address: String::new(),
        description: "请公开本县农村供水工程的建设资金使用情况".into(),
        form: "电子邮件".into(),
        nonce: None,
        files: vec![],
        id_photo: photo,
    };
    let public = Public::new(store, &settings).unwrap();
    let fields_of = |e: ServiceError| match e {
        ServiceError::Fields(list) => list.iter().map(|p| p.field).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    // The preview does not ask for the photo yet; the submission does.
    public.check_application(&input(None)).await.unwrap();
    let missing = public
        .submit_application(&blobs, input(None), chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(fields_of(missing), ["id_photo"]);
    let text = Upload {
        name: "身份证.txt".into(),
        bytes: "赵六的身份证".as_bytes().to_vec(),
    };
    let wrong = public
        .submit_application(&blobs, input(Some(text)), chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(fields_of(wrong), ["id_photo"]);
    let jpeg = Upload {
        name: "身份证.jpg".into(),
        bytes: photo.clone(),
    };
    let receipt = public
        .submit_application(&blobs, input(Some(jpeg)), chrono::Utc::now())
        .await
        .unwrap();
    let id = store
        .request_by_reference(agency.id, &receipt.reference)
        .await
        .unwrap()
        .unwrap()
        .id;
    let sealed = store
        .application(id)
        .await
        .unwrap()
        .unwrap()
        .id_photo
        .unwrap();
    assert_eq!(
        (sealed.media_type.as_str(), sealed.size),
        ("image/jpeg", photo.len() as u64)
    );
    let stored = blobs.get(&sealed.sha256).await.unwrap().unwrap();
    assert!(!stored.windows(18).any(|w| w == b"11010519491231002X"));
    assert!(
        !stored.windows(4).any(|w| w == b"JFIF"),
        "sealed, not the JPEG"
    );
    let (_, opened) = ctx.id_photo(&blobs, id).await.unwrap().unwrap();
    assert_eq!(opened, photo);
    let supervisor = Scope::roles(
        Actor::new("公开办").unwrap(),
        vec![(agency_id(store, "公开县政府").await, Role::Supervisor)],
    );
    let denied = Ctx::new(store, &supervisor, &settings)
        .id_photo(&blobs, id)
        .await;
    assert!(matches!(denied, Err(ServiceError::Access(_))), "{denied:?}");

    // Not yet answered: not published.
    let early = ctx
        .publish_disclosure(
            id,
            "本县农村供水工程建设资金使用情况",
            &[],
            chrono::Utc::now(),
        )
        .await;
    assert!(
        matches!(early, Err(ServiceError::Store(StoreError::Conflict(_)))),
        "{early:?}"
    );
    ctx.confirm_receipt(id, chrono::Utc::now()).await.unwrap();
    ctx.record_event(
        "公开县水利局",
        &receipt.reference,
        Event::Decided(d(2026, 3, 6)),
        Some(Outcome::Disclosed),
        "",
    )
    .await
    .unwrap();
    let letter = ctx
        .add_reply_document(
            &blobs,
            id,
            "答复告知书（赵六）.pdf",
            PDF,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let data = ctx
        .add_reply_document(
            &blobs,
            id,
            "资金使用情况表.csv",
            "项目,金额\n供水,100\n".as_bytes(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let draft = ctx
        .add_reply_document(
            &blobs,
            id,
            "内部底稿.csv",
            "底稿\n".as_bytes(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    for doc in [&letter, &data] {
        ctx.release_reply_document(doc.id, chrono::Utc::now())
            .await
            .unwrap();
    }
    for (title, why) in [
        ("赵六申请的供水资金", "the applicant's name"),
        ("电话13912340000的申请", "the phone"),
        ("编号 1234567890123 的申请", "a long run of digits"),
        ("", "empty"),
    ] {
        let e = ctx
            .publish_disclosure(id, title, &[], chrono::Utc::now())
            .await
            .unwrap_err();
        assert_eq!(fields_of(e), ["title"], "{why}");
    }
    let e = ctx
        .publish_disclosure(id, "供水资金", &[draft.id], chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(fields_of(e), ["documents"], "an unreleased document");
    let entry = ctx
        .publish_disclosure(
            id,
            "本县农村供水工程建设资金使用情况",
            &[data.id],
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(entry.documents, vec![data.id]);
    let again = ctx
        .publish_disclosure(id, "再公开一次", &[], chrono::Utc::now())
        .await;
    assert!(
        matches!(again, Err(ServiceError::Store(StoreError::Conflict(_)))),
        "{again:?}"
    );

    // The portal: found by its words, never by the applicant; its documents only those chosen.
    let (found, next) = public
        .disclosure_log(Some(agency.id), "供水 资金", None, 10)
        .await
        .unwrap();
    assert_eq!(next, None);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].title, "本县农村供水工程建设资金使用情况");
    assert_eq!(found[0].decided, Some((d(2026, 3, 6), "予以公开")));
    assert_eq!(found[0].documents.len(), 1);
    assert_eq!(found[0].documents[0].0, data.id);
    for q in ["赵六", "13912340000", "答复告知书"] {
        let (none, _) = public.disclosure_log(None, q, None, 10).await.unwrap();
        assert!(none.is_empty(), "{q}: {none:?}");
    }
    let (_, bytes) = public
        .disclosure_document(&blobs, entry.id, data.id)
        .await
        .unwrap();
    assert_eq!(bytes, "项目,金额\n供水,100\n".as_bytes());
    for hidden in [letter.id, draft.id] {
        let e = public.disclosure_document(&blobs, entry.id, hidden).await;
        assert!(
            matches!(e, Err(ServiceError::Store(StoreError::NotFound(_)))),
            "{e:?}"
        );
    }

    // Triage while the next applicant writes: the document and the entry; a 投诉 brings its
    // notice without anything being refused.
    let triage = public
        .triage(
            &index,
            Some(agency.id),
            "我想投诉：农村供水工程的资金去哪了",
        )
        .await
        .unwrap();
    let titles: Vec<&str> = triage
        .documents
        .iter()
        .map(|h| h.document.data.title.as_str())
        .collect();
    assert_eq!(titles, ["农村供水工程建设管理办法"]);
    assert_eq!(triage.disclosures.len(), 1, "{:?}", triage.disclosures);
    let phrases: Vec<&str> = triage.notices.iter().map(|n| n.phrase.as_str()).collect();
    assert_eq!(phrases, ["投诉"]);
    let nothing = public
        .triage(
            &index,
            Some(agency.id),
            "申请公开本县2025年度养老金发放名册",
        )
        .await
        .unwrap();
    assert!(
        nothing.documents.is_empty() && nothing.notices.is_empty(),
        "{nothing:?}"
    );

    // The portal's search box: the entry beside the documents, for the agency by id or name;
    // none for a search narrowed by a year.
    use gongkai_services::portal::catalogue::{AgencyRef, CatalogueQuery};
    let searched = |agency: Option<AgencyRef>, year: Option<i32>| {
        let query = CatalogueQuery {
            text: "供水 资金".into(),
            agency,
            year,
            limit: 10,
            ..CatalogueQuery::default()
        };
        let (public, index) = (&public, &index);
        async move { public.search_portal(index, query, 5).await }
    };
    let logged = |r: &gongkai_services::portal::disclosures::PortalResults| {
        r.log.iter().map(|e| e.id).collect::<Vec<_>>()
    };
    for agency in [
        None,
        Some(AgencyRef::Id(agency.id)),
        Some(AgencyRef::Name(agency.name.clone())),
    ] {
        let r = searched(agency.clone(), None).await.unwrap();
        assert_eq!(logged(&r), [entry.id], "{agency:?}");
        assert!(!r.more_log);
    }
    let narrowed = searched(None, Some(2026)).await.unwrap();
    assert!(narrowed.log.is_empty());
    // A name no agency bears: the catalogue's search says so, no other agency's entries.
    let unknown = searched(Some(AgencyRef::Name("没有这个机关".into())), None).await;
    assert!(unknown.is_err(), "{unknown:?}");

    assert!(ctx.withdraw_disclosure(id).await.unwrap());
    assert!(!ctx.withdraw_disclosure(id).await.unwrap());
    let gone = public.public_disclosure(entry.id).await;
    assert!(
        matches!(gone, Err(ServiceError::Store(StoreError::NotFound(_)))),
        "{gone:?}"
    );
}

async fn agency_id<S: Store>(store: &S, name: &str) -> gongkai_cases::AgencyId {
    store
        .agencies()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.name == name)
        .unwrap()
        .id
}

/// Routing inside a government (转办, 签收, 退回, 协办), from the intake to the decision: a unit
/// sees the request only once it is dispatched to it (or asked for help), a sibling never; a
/// return needs a reason and sends it back; the unit that signed handles and decides it; a
/// sub-task due after the statutory date is refused with that date; an answered sub-task leaves
/// the desk; a step decided on a stale state conflicts; every step is audited and on the
/// request's routing with who and when; and the due date never moves.
async fn a_request_is_routed_without_moving_its_clock<S: Store>(store: &S, _raw: &Raw) {
    use gongkai_cases::routing::{Action, RoutingError};
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    let gov = ctx.add_agency("转办县人民政府", None).await.unwrap();
    let land = ctx
        .add_agency("转办县自然资源局", Some("转办县人民政府"))
        .await
        .unwrap();
    let roads = ctx
        .add_agency("转办县交通局", Some("转办县人民政府"))
        .await
        .unwrap();
    let officer =
        |name: &str, agency| Scope::roles(Actor::new(name).unwrap(), vec![(agency, Role::Officer)]);
    let (intake_scope, land_scope, roads_scope) = (
        officer("县政府办理人员", gov.id),
        officer("自然资源局办理人员", land.id),
        officer("交通局办理人员", roads.id),
    );
    let intake = Ctx::new(store, &intake_scope, &settings);
    let unit = Ctx::new(store, &land_scope, &settings);
    let sibling = Ctx::new(store, &roads_scope, &settings);
    let view = intake
        .register_request(register("转办县人民政府", "ZB-1", d(2026, 11, 2)))
        .await
        .unwrap();
    let id = view.request.id;
    let due = view.deadline.as_ref().unwrap().due;
    let due_now = || async {
        intake
            .request_by_id(id, None)
            .await
            .unwrap()
            .deadline
            .unwrap()
            .due
    };
    // Before any dispatch, the units see nothing of it.
    for ctx in [&unit, &sibling] {
        assert!(matches!(
            ctx.request_by_id(id, None).await,
            Err(ServiceError::UnknownRequestId(_))
        ));
    }
    // Dispatched to the wrong unit, which returns it: a reason is required.
    intake.dispatch_request(id, "转办县交通局").await.unwrap();
    assert_eq!(
        sibling.request_by_id(id, None).await.unwrap().request.id,
        id
    );
    assert!(matches!(
        unit.request_by_id(id, None).await,
        Err(ServiceError::UnknownRequestId(_))
    ));
    assert!(matches!(
        sibling.return_request(id, "  ").await,
        Err(ServiceError::Fields(f)) if f[0].field == "reason"
    ));
    // Only the unit it was dispatched to (or those above it) signs or returns: its sibling
    // does not even see it.
    assert!(matches!(
        unit.sign_request(id).await,
        Err(ServiceError::UnknownRequestId(_))
    ));
    let routed = sibling
        .return_request(id, "不属于本单位职责")
        .await
        .unwrap();
    assert_eq!((routed.handling.id, routed.awaiting), (gov.id, None));
    // The unit that returned it still sees it (its return is a step of it, like 已办 in an
    // OA system), but acts on it no more.
    assert_eq!(
        sibling.request_by_id(id, None).await.unwrap().request.id,
        id
    );
    assert!(sibling.sign_request(id).await.is_err());
    assert!(sibling.dispatch_request(id, "转办县教育局").await.is_err());
    assert_eq!(due_now().await, due);
    // Dispatched again, to the right unit: on its desk until signed; seen, not yet handled.
    intake
        .dispatch_request(id, "转办县自然资源局")
        .await
        .unwrap();
    let desk = unit.routing_desk("转办县自然资源局").await.unwrap();
    assert_eq!(desk.unsigned.len(), 1);
    assert_eq!(
        (desk.unsigned[0].id, desk.unsigned[0].from.as_str()),
        (id, "转办县人民政府")
    );
    assert!(
        unit.record_event_by_id(id, Event::ConsultationStarted(d(2026, 11, 10)), None, "")
            .await
            .is_err()
    );
    let routed = unit.sign_request(id).await.unwrap();
    assert_eq!(routed.handling.id, land.id);
    assert!(
        unit.routing_desk("转办县自然资源局")
            .await
            .unwrap()
            .unsigned
            .is_empty()
    );
    assert_eq!(
        unit.routing_desk("转办县自然资源局").await.unwrap().handled[0].id,
        id
    );
    assert_eq!(due_now().await, due);
    // A step decided on a state someone else changed meanwhile: the fourth step exists.
    let grant = Scope::operator(Actor::new("另一人").unwrap())
        .installation()
        .unwrap();
    let stale = store
        .record_routing_step(
            id,
            4,
            gongkai_cases::routing::Step {
                action: Action::Sign,
                by: land.id,
                to: None,
                text: String::new(),
                due: None,
                task: None,
            },
            gongkai_audit::Draft::new(&grant, "request.sign", "stale"),
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    // A sub-task due after the statutory date is refused with that date; on it, accepted.
    let late = unit
        .open_subtask(
            id,
            "转办县交通局",
            due.succ_opt().unwrap(),
            "请提供道路资料",
        )
        .await;
    match late {
        Err(ServiceError::Routing(e @ RoutingError::AfterStatutoryDue { .. })) => {
            assert!(e.to_string().contains(&due.to_string()), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let routed = unit
        .open_subtask(id, "转办县交通局", due, "请提供道路资料")
        .await
        .unwrap();
    let task = routed.subtasks[0].seq;
    // The helping unit sees the request, answers its sub-task, and handles nothing else.
    assert_eq!(
        sibling.request_by_id(id, None).await.unwrap().request.id,
        id
    );
    assert!(
        sibling
            .record_event_by_id(
                id,
                Event::Decided(d(2026, 12, 1)),
                Some(Outcome::Disclosed),
                ""
            )
            .await
            .is_err()
    );
    // Past its due date (today is after the statutory date), an open sub-task is overdue.
    let desk = sibling.routing_desk("转办县交通局").await.unwrap();
    assert_eq!(desk.overdue_subtasks.len(), 1, "{desk:?}");
    assert_eq!(desk.overdue_subtasks[0].due, Some(due));
    let routed = sibling
        .answer_subtask(id, task, "已提供道路改造资料")
        .await
        .unwrap();
    assert_eq!(
        routed.subtasks[0].answer.as_deref(),
        Some("已提供道路改造资料")
    );
    assert!(
        sibling
            .routing_desk("转办县交通局")
            .await
            .unwrap()
            .overdue_subtasks
            .is_empty()
    );
    // The unit that signed decides; the clock never moved.
    unit.record_event_by_id(
        id,
        Event::Decided(d(2026, 12, 1)),
        Some(Outcome::Disclosed),
        "",
    )
    .await
    .unwrap();
    assert_eq!(due_now().await, due);
    assert!(matches!(
        intake.dispatch_request(id, "转办县交通局").await,
        Err(ServiceError::Routing(RoutingError::Closed))
    ));
    let steps = intake.request_by_id(id, None).await.unwrap().routing.steps;
    let seen: Vec<(Action, &str)> = steps.iter().map(|s| (s.action, s.actor.as_str())).collect();
    assert_eq!(
        seen,
        [
            (Action::Dispatch, "县政府办理人员"),
            (Action::Return, "交通局办理人员"),
            (Action::Dispatch, "县政府办理人员"),
            (Action::Sign, "自然资源局办理人员"),
            (Action::Subtask, "自然资源局办理人员"),
            (Action::Answer, "交通局办理人员"),
        ]
    );
    assert_eq!(steps[1].text, "不属于本单位职责");
    let actions: Vec<String> = store
        .audit_recent(None, 20)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "request.dispatch",
        "request.return",
        "request.sign",
        "request.subtask",
        "request.answer_subtask",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

/// At registration the same applicant's other requests (identity number) and near-identical
/// ones of others are found, a different request is not; a link of different applicants joins
/// their requests in the 第四十四条 groups whatever their wording; a 重复申请 decision is
/// suggested by a link to the applicant's answered request, and warned of without one.
async fn duplicates_are_found_at_registration_and_linked<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("相似县自然资源局", None).await.unwrap();
    let mut ids = Vec::new();
    let asks = [
        (
            "张三",
            "11010519491231002X",
            "申请公开某镇2023年土地征收补偿安置方案",
        ),
        (
            "李四",
            "110105199003071239",
            "请提供某镇2023年土地征收补偿安置方案全文",
        ),
        ("王五", "", "2024年度部门预算执行情况"),
        (
            "张三",
            "11010519491231002X",
            "某镇2023年土地征收补偿安置方案",
        ),
    ];
    for (i, (name, id_number, text)) in asks.into_iter().enumerate() {
        let mut r = register(
            "相似县自然资源局",
            &format!("XS-{i}"),
            d(2026, 3, 2 + i as u32),
        );
        r.applicant = name.into();
        r.description = text.into();
        r.contact.id_number = id_number.into();
        if id_number.is_empty() {
            r.contact.id_kind = String::new();
            r.contact.phone = "13900009999".into();
        }
        ids.push(ctx.register_request(r).await.unwrap().request.id);
    }
    let seen = ctx.similar_requests(ids[0]).await.unwrap();
    let same: Vec<_> = seen.same_applicant.iter().map(|l| l.id).collect();
    assert_eq!(same, vec![ids[3]]);
    let near: Vec<_> = seen.near.iter().map(|l| l.id).collect();
    assert!(near.contains(&ids[1]) && near.contains(&ids[3]), "{seen:?}");
    assert!(!near.contains(&ids[2]), "{seen:?}");
    assert!(seen.near.iter().all(|l| l.similarity.unwrap() >= 0.6));
    // 王五's request says something else: grouped with the others only once linked.
    assert!(
        !groups(&ctx, "相似县自然资源局")
            .await
            .concat()
            .contains(&ids[2].0)
    );
    ctx.link_requests(ids[2], ids[0], true).await.unwrap();
    assert!(
        groups(&ctx, "相似县自然资源局")
            .await
            .iter()
            .any(|g| g.contains(&ids[2].0) && g.contains(&ids[1].0))
    );
    let linked = ctx.similar_requests(ids[0]).await.unwrap();
    assert_eq!(linked.links[0].other, ids[2]);
    assert!(matches!(
        ctx.link_requests(ids[0], ids[2], true).await,
        Err(ServiceError::Store(StoreError::Conflict(_)))
    ));
    ctx.link_requests(ids[0], ids[2], false).await.unwrap();
    assert!(ctx.similar_requests(ids[2]).await.unwrap().links.is_empty());
    // 第三十六条第（六）项: 张三 asks again; a repeat without a link warns, with one is suggested.
    ctx.record_event_by_id(
        ids[0],
        Event::Decided(d(2026, 3, 20)),
        Some(Outcome::Disclosed),
        "",
    )
    .await
    .unwrap();
    let (_, _, warnings) = ctx
        .record_event_by_id(
            ids[3],
            Event::Decided(d(2026, 3, 25)),
            Some(Outcome::NpRepeat),
            "",
        )
        .await
        .unwrap();
    assert!(
        warnings.contains(&Warning::RepeatWithoutLink),
        "{warnings:?}"
    );
    let mut again = register("相似县自然资源局", "XS-9", d(2026, 4, 1));
    again.description = "再次申请某镇2023年土地征收补偿安置方案".into();
    let again = ctx.register_request(again).await.unwrap().request.id;
    ctx.link_requests(again, ids[0], true).await.unwrap();
    assert_eq!(
        ctx.similar_requests(again).await.unwrap().repeat_of,
        Some(ids[0])
    );
    let (_, _, warnings) = ctx
        .record_event_by_id(
            again,
            Event::Decided(d(2026, 4, 3)),
            Some(Outcome::NpRepeat),
            "",
        )
        .await
        .unwrap();
    assert!(
        !warnings.contains(&Warning::RepeatWithoutLink),
        "{warnings:?}"
    );
}

/// The 第四十四条 groups of an agency's requests of 2026, as request ids.
async fn groups<S: Store>(ctx: &Ctx<'_, S>, agency: &str) -> Vec<Vec<i64>> {
    ctx.repeated_requests(agency, 2026)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.requests.iter().map(|r| r.id).collect())
        .collect()
}

/// Redaction (区分处理, 第三十七条) from upload to the applicant: the officer uploads a PDF and
/// runs the pattern pass (five numbers marked 第十五条, not the invalid identity number), draws a
/// box of their own; the officer may not release (the approver's, web.md §1), nor release the
/// document whole by the old path; the approver releases the rebuilt copy; the applicant's
/// tracking lists and serves the copy, never the original; the boxes are then final. Skips
/// without poppler.
async fn a_redacted_document_reaches_the_applicant_as_its_copy<S: Store + Blobs>(
    store: &S,
    _raw: &Raw,
) {
    use gongkai_redact::{Area, Reason, Rect, fixtures};
    use gongkai_services::portal::Public;
    use gongkai_services::portal::applications::ApplicationInput;
    if !gongkai_redact::Tools::default().available(gongkai_redact::Kind::Pdf.programs()) {
        eprintln!("SKIPPED: poppler is not installed");
        return;
    }
    let scope = operator();
    let today = Settings::new(d(2026, 3, 9));
    let ctx = Ctx::new(store, &scope, &today);
    let agency = ctx.add_agency("区分县政府", None).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let blobs = gongkai_blobs::LocalBlobs::open(dir.path()).unwrap();
    let input = ApplicationInput {
        agency: agency.id,
        applicant: "赵六".into(),
        kind: "自然人".into(),
        id_type: "居民身份证".into(),
        id_number: "11010519491231002X".into(),
        phone: "13912340042".into(),
        email: String::new(),
        address: "某路2号".into(),
        description: "某项目的环评材料".into(),
        form: "网上获取".into(),
        nonce: None,
        files: vec![],
        id_photo: None,
    };
    let public = Public::new(store, &today).unwrap();
    let receipt = public
        .submit_application(&blobs, input, chrono::Utc::now())
        .await
        .unwrap();
    let request = store
        .request_by_reference(agency.id, &receipt.reference)
        .await
        .unwrap()
        .unwrap()
        .id;
    let officer = Scope::roles(
        Actor::new("区分办理人员").unwrap(),
        vec![(agency.id, Role::Officer)],
    );
    let approver = Scope::roles(
        Actor::new("区分负责人").unwrap(),
        vec![(agency.id, Role::Approver)],
    );
    let as_officer = Ctx::new(store, &officer, &today);
    let as_approver = Ctx::new(store, &approver, &today);

    // A text file is no document to redact: refused by its content before anything is kept.
    let refused = as_officer
        .upload_document(
            &blobs,
            request,
            "说明.pdf",
            "纯文本".as_bytes(),
            chrono::Utc::now(),
        )
        .await;
    assert!(refused.is_err(), "{refused:?}");
    let pdf = fixtures::text_pdf(2);
    let document = as_officer
        .upload_document(&blobs, request, "环评材料.pdf", &pdf, chrono::Utc::now())
        .await
        .unwrap();
    let drawn = Area {
        page: 2,
        rect: Rect {
            x: 0.1,
            y: 0.05,
            w: 0.5,
            h: 0.05,
        },
        reason: Reason::Art16Process,
    };
    let boxes = as_officer
        .redact_document(&blobs, document.id, vec![drawn], true, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(boxes.len(), 6, "the drawn box and five numbers");
    assert!(!boxes[0].pattern && boxes[0].reason == "第十六条第二款");
    assert!(
        boxes[1..]
            .iter()
            .all(|b| b.pattern && b.reason == "第十五条" && b.page == 1)
    );
    assert_eq!(boxes[0].added_by, "区分办理人员");
    // Saved again with the pattern pass: the same boxes, no duplicates, who marked them kept.
    let areas: Vec<Area> = boxes
        .iter()
        .map(|b| gongkai_services::redaction::area(b).unwrap())
        .collect();
    let again = as_officer
        .redact_document(&blobs, document.id, areas, true, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(again, boxes);
    // A box past the edge or on a page the document lacks: refused, naming it.
    let off = Area { page: 3, ..drawn };
    let e = as_officer
        .redact_document(&blobs, document.id, vec![off], false, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("共 2 页"), "{e}");

    // The officer may not release it, neither as a copy nor whole.
    let denied = as_officer
        .release_document(&blobs, document.id, chrono::Utc::now())
        .await;
    assert!(matches!(denied, Err(ServiceError::Access(_))), "{denied:?}");
    let whole = as_officer
        .release_reply_document(document.id, chrono::Utc::now())
        .await;
    assert!(
        matches!(
            whole,
            Err(ServiceError::Store(gongkai_store::StoreError::Conflict(_)))
        ),
        "{whole:?}"
    );
    assert!(
        public
            .track(&receipt.tracking_code, "0042")
            .await
            .unwrap()
            .unwrap()
            .documents
            .is_empty()
    );

    // The approver releases the rebuilt copy.
    let released = as_approver
        .release_document(&blobs, document.id, chrono::Utc::now())
        .await
        .unwrap();
    let copy = released.copy.clone().unwrap();
    assert_eq!(copy.name, "环评材料（区分处理）.pdf");
    assert_eq!(copy.media_type, "application/pdf");
    assert_eq!(released.file, document.file, "the original stays");
    assert_eq!(released.released.as_ref().unwrap().1, "区分负责人");
    let bytes = blobs.get(&copy.sha256).await.unwrap().unwrap();
    for number in fixtures::planted() {
        assert!(
            !bytes.windows(number.len()).any(|w| w == number.as_bytes()),
            "{number}"
        );
    }

    // The applicant sees and downloads the copy only.
    let tracked = public
        .track(&receipt.tracking_code, "0042")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tracked.documents, vec![(document.id, copy.clone())]);
    let (served, served_bytes) = public
        .released_document(&blobs, &receipt.tracking_code, "0042", document.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(served, copy);
    assert_eq!(served_bytes, bytes);
    assert_ne!(served_bytes, pdf);

    // Final: no new boxes, no second release.
    let e = as_officer
        .redact_document(&blobs, document.id, vec![], false, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Store(gongkai_store::StoreError::Conflict(_))
        ),
        "{e:?}"
    );
    let e = as_approver
        .release_document(&blobs, document.id, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Store(gongkai_store::StoreError::Conflict(_))
        ),
        "{e:?}"
    );
}

// Notifications (issue 16 §3).

use gongkai_services::notify::send::{SmsGateway, Transports, Worker, signature};
use gongkai_services::notify::{Channel as NotifyChannel, Milestone, NotificationState};
use gongkai_services::reminders::SmtpSettings;

/// The applicant's identity number the fixtures register (GB 11643's example).
const ID_NUMBER: &str = "11010519491231002X";
const SIGN_KEY: &[u8] = b"gateway-shared-secret";

/// Settings without quiet hours: the tests send at once whatever the time of day.
fn loud_settings() -> Settings {
    let mut s = settings();
    s.notify.quiet = None;
    s
}

fn transports(
    sms: &common::HttpSink,
    smtp: &common::SmtpSink,
    outbox: &std::path::Path,
) -> Transports {
    Transports {
        sms: Some(SmsGateway {
            url: sms.url.clone(),
            sign_header: Some("X-Signature".into()),
            sign_key: Some(SIGN_KEY.to_vec()),
            timeout: std::time::Duration::from_secs(5),
        }),
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: smtp.port,
            starttls: false,
            credentials: None,
        }),
        from: "政务公开办 <gk@example.gov.cn>".into(),
        outbox: outbox.to_owned(),
    }
}

/// A request through received → correction requested → corrected → extended → replied, the
/// applicant's identity number in the request (and typed into their name): the gateway, which
/// fails its first request with 500, and the SMTP server each receive exactly one message per
/// milestone, none again after the retry that succeeded, none with the identity number; every
/// SMS is signed; the request's delivery status says sent, with two attempts for the retried.
async fn the_applicant_is_told_once_per_milestone_by_sms_and_email<S: Store>(
    store: &S,
    _raw: &Raw,
) {
    let (scope, settings) = (operator(), loud_settings());
    let ctx = Ctx::new(store, &scope, &settings);
    let agency = "通知县自然资源局";
    ctx.add_agency(agency, None).await.unwrap();
    let mut new = register(agency, "TZ-1", d(2026, 11, 2));
    new.applicant = format!("张三（{ID_NUMBER}）");
    new.contact.id_number = ID_NUMBER.into();
    let view = ctx.register_request(new).await.unwrap();
    assert!(view.warnings.is_empty(), "{:?}", view.warnings);
    for (event, outcome) in [
        (Event::CorrectionRequested(d(2026, 11, 3)), None),
        (Event::CorrectedReceived(d(2026, 11, 5)), None),
        (Event::ExtensionApproved(d(2026, 11, 20)), None),
        (Event::Decided(d(2026, 12, 1)), Some(Outcome::Disclosed)),
    ] {
        let (_, _, warnings) = ctx
            .record_event(agency, "TZ-1", event, outcome, "")
            .await
            .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
    }
    // The same milestone recorded again (a use case retried) queues nothing new.
    let before = ctx.request_deliveries(view.request.id).await.unwrap().len();
    assert_eq!(before, 8, "four milestones by two channels");

    let sms = common::http_sink(1).await;
    let smtp = common::smtp_sink().await;
    let outbox = tempfile::tempdir().unwrap();
    let worker = Worker::new(
        transports(&sms, &smtp, outbox.path()),
        settings.notify.clone(),
    )
    .unwrap();
    let now = chrono::Utc::now() + chrono::Duration::seconds(1);
    let first = worker.drain(store, now).await.unwrap();
    assert_eq!((first.claimed, first.sent, first.retried), (8, 7, 1));
    // Before its back-off ends the failed one waits; after it, it is sent.
    assert_eq!(worker.drain(store, now).await.unwrap().claimed, 0);
    let later = now + chrono::Duration::seconds(31);
    let second = worker.drain(store, later).await.unwrap();
    assert_eq!((second.claimed, second.sent), (1, 1));
    // Nothing is left: no message goes twice.
    let much_later = now + chrono::Duration::hours(24);
    assert_eq!(worker.drain(store, much_later).await.unwrap().claimed, 0);

    let posted = sms.posted();
    assert_eq!(posted.len(), 5, "one failure and four deliveries");
    assert_eq!(posted[0].status, 500);
    for p in &posted {
        let expected = signature(SIGN_KEY, &p.body);
        assert_eq!(p.signature.as_deref(), Some(expected.as_str()), "signed");
    }
    let delivered = sms.delivered();
    assert_eq!(delivered.len(), 4);
    let texts: Vec<&str> = delivered
        .iter()
        .map(|v| v["text"].as_str().unwrap())
        .collect();
    assert!(delivered.iter().all(|v| v["phone"] == "13800001234"));
    for word in ["已收到", "补正", "延长答复期限", "作出答复"] {
        assert_eq!(
            texts.iter().filter(|t| t.contains(word)).count(),
            1,
            "one SMS for “{word}”: {texts:?}"
        );
    }
    let mails = smtp.messages();
    assert_eq!(mails.len(), 4, "one e-mail per milestone");
    let bodies: Vec<String> = mails.iter().map(|m| common::body_text(m)).collect();
    for word in [
        "收到您的政府信息公开申请",
        "补正通知书",
        "延长答复期限",
        "作出答复",
    ] {
        assert_eq!(
            bodies.iter().filter(|b| b.contains(word)).count(),
            1,
            "one e-mail for “{word}”"
        );
    }
    assert!(mails.iter().all(|m| m.contains("To: zhang@example.cn")));
    // The identity number is in no message, though it is in the request and in a value.
    for text in texts.iter().map(|t| t.to_string()).chain(bodies.clone()) {
        assert!(!text.to_uppercase().contains(ID_NUMBER), "{text}");
    }
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("张三（110***********002X）"))
    );
    // The extension's messages carry the new due date (40 working days, 第三十三条第二款).
    let due = ctx
        .request_by_id(view.request.id, Some(d(2026, 11, 20)))
        .await
        .unwrap()
        .deadline
        .unwrap()
        .due;
    assert!(
        texts.iter().any(|t| t.contains(&due.to_string())),
        "{texts:?}"
    );

    let deliveries = ctx.request_deliveries(view.request.id).await.unwrap();
    assert_eq!(deliveries.len(), 8);
    assert!(
        deliveries
            .iter()
            .all(|d| d.state == NotificationState::Sent)
    );
    let retried: Vec<_> = deliveries.iter().filter(|d| d.attempts == 2).collect();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].channel, NotifyChannel::Sms);
    assert_eq!(retried[0].milestone, Milestone::Received);
    assert_eq!(
        retried[0].last_error.as_deref(),
        Some("短信网关答复 HTTP 500")
    );
    assert!(deliveries.iter().any(|d| d.address == "138****1234"));
    assert!(deliveries.iter().any(|d| d.address == "z****@example.cn"));
    // Nothing went to the outbox: both channels are configured.
    assert_eq!(std::fs::read_dir(outbox.path()).unwrap().count(), 0);

    // Without a gateway or a server, each message is a file of the outbox.
    let bare = tempfile::tempdir().unwrap();
    let worker = Worker::new(
        Transports {
            sms: None,
            smtp: None,
            from: "gk@example.gov.cn".into(),
            outbox: bare.path().to_owned(),
        },
        settings.notify.clone(),
    )
    .unwrap();
    let view = ctx
        .register_request(register(agency, "TZ-2", d(2026, 12, 1)))
        .await
        .unwrap();
    let round = worker
        .drain(store, chrono::Utc::now() + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!((round.claimed, round.sent), (2, 2));
    let mut names: Vec<String> = std::fs::read_dir(bare.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let ids: Vec<i64> = ctx
        .request_deliveries(view.request.id)
        .await
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    let mut expected = [format!("{}.sms.txt", ids[0]), format!("{}.eml", ids[1])];
    expected.sort();
    assert_eq!(names, expected);
    let sms_file =
        std::fs::read_to_string(bare.path().join(format!("{}.sms.txt", ids[0]))).unwrap();
    assert!(
        sms_file.starts_with("To: 13800001234\n\n【通知县自然资源局】"),
        "{sms_file}"
    );
}

/// Two workers (two `gongkai serve` processes) draining one queue at once send every message
/// once between them.
async fn two_workers_send_each_message_once<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), loud_settings());
    let ctx = Ctx::new(store, &scope, &settings);
    let agency = "并发通知局";
    ctx.add_agency(agency, None).await.unwrap();
    for i in 0..12 {
        let mut r = register(agency, &format!("BF-{i}"), d(2026, 12, 1));
        r.contact.email = String::new();
        ctx.register_request(r).await.unwrap();
    }
    let sms = common::http_sink(0).await;
    let smtp = common::smtp_sink().await;
    let outbox = tempfile::tempdir().unwrap();
    let make = || {
        Worker::new(
            transports(&sms, &smtp, outbox.path()),
            settings.notify.clone(),
        )
        .unwrap()
    };
    let (a, b) = (make(), make());
    let now = chrono::Utc::now() + chrono::Duration::seconds(1);
    let (ra, rb) = tokio::join!(a.drain(store, now), b.drain(store, now));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, 12);
    assert_eq!(sms.posted().len(), 12, "each message posted once");
    let mut texts: Vec<String> = sms
        .delivered()
        .iter()
        .map(|v| v["text"].as_str().unwrap().to_owned())
        .collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 12);
}

/// A dispatch tells the officers and approvers of the receiving unit who have an address, once
/// a day; the daily scan tells each account of its due-soon and overdue requests once a day.
async fn staff_are_told_of_dispatches_and_deadlines_once<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), loud_settings());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency("转办县人民政府", None).await.unwrap();
    ctx.add_agency("转办县教育局", Some("转办县人民政府"))
        .await
        .unwrap();
    let password = "correct-horse-battery";
    for (name, role, email) in [
        ("教育局甲", Role::Officer, Some("jia@example.gov.cn")),
        ("教育局乙", Role::Approver, None),
        ("教育局丙", Role::Supervisor, Some("bing@example.gov.cn")),
    ] {
        ctx.add_user(name, password, "转办县教育局", role)
            .await
            .unwrap();
        if let Some(e) = email {
            ctx.set_user_email(name, e).await.unwrap();
        }
    }
    let view = ctx
        .register_request(register("转办县人民政府", "ZB-1", d(2026, 10, 9)))
        .await
        .unwrap();
    let edu = ctx.agency("转办县教育局").await.unwrap();
    assert_eq!(
        ctx.notify_dispatched(view.request.id, edu.id)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        ctx.notify_dispatched(view.request.id, edu.id)
            .await
            .unwrap(),
        0
    );
    let to_staff: Vec<_> = ctx
        .request_deliveries(view.request.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.milestone == Milestone::Dispatched)
        .collect();
    assert_eq!(to_staff.len(), 1);
    assert_eq!(to_staff[0].address, "j****@example.gov.cn");
    // A request of 教育局 overdue on 3 December 2026: its officer is told, once.
    ctx.register_request(register("转办县教育局", "ZB-2", d(2026, 10, 9)))
        .await
        .unwrap();
    assert_eq!(ctx.scan_deadlines(None).await.unwrap(), 1);
    assert_eq!(ctx.scan_deadlines(None).await.unwrap(), 0);
    let queue = ctx
        .notification_queue(Some(NotificationState::Queued), None, 100)
        .await
        .unwrap();
    let overdue: Vec<_> = queue.iter().filter(|n| n.milestone == "overdue").collect();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].address, "jia@example.gov.cn");
    assert!(
        overdue[0].text.contains("转办县教育局 ZB-2"),
        "{}",
        overdue[0].text
    );
    // Only the operator lists the queue.
    let officer = Scope::roles(
        Actor::new("教育局甲").unwrap(),
        vec![(edu.id, Role::Officer)],
    );
    let as_officer = Ctx::new(store, &officer, &settings);
    assert!(as_officer.notification_queue(None, None, 10).await.is_err());
}

/// A template is checked before it is saved, and the saved one is what the next message says.
async fn templates_are_checked_before_they_are_saved<S: Store>(store: &S, _raw: &Raw) {
    let (scope, settings) = (operator(), loud_settings());
    let ctx = Ctx::new(store, &scope, &settings);
    let agency = "模板县交通局";
    ctx.add_agency(agency, None).await.unwrap();
    for (body, why) in [
        ("{{ id_number }}", "未知变量“id_number”"),
        ("{{ agency }}请联系 11010519491231002X", "身份证号码"),
        (&*"很".repeat(211), "短信过长"),
        ("{% if %}", "模板第 1 行有误"),
    ] {
        let e = ctx
            .set_notify_template(agency, Milestone::Replied, NotifyChannel::Sms, body)
            .await
            .unwrap_err();
        assert!(e.to_string().contains(why), "{body}: {e}");
    }
    // Staff messages have no SMS.
    assert!(
        ctx.set_notify_template(agency, Milestone::Overdue, NotifyChannel::Sms, "x")
            .await
            .is_err()
    );
    ctx.set_notify_template(
        agency,
        Milestone::Received,
        NotifyChannel::Sms,
        "【{{ agency }}】已收到{{ reference }}。",
    )
    .await
    .unwrap();
    let (_, list) = ctx.notify_templates(agency).await.unwrap();
    let custom: Vec<_> = list.iter().filter(|t| t.custom).collect();
    assert_eq!(custom.len(), 1);
    let view = ctx
        .register_request(register(agency, "MB-1", d(2026, 12, 1)))
        .await
        .unwrap();
    let queue = ctx.notification_queue(None, None, 1000).await.unwrap();
    let sms: Vec<_> = queue
        .iter()
        .filter(|n| n.request == Some(view.request.id) && n.channel == "sms")
        .collect();
    assert_eq!(sms[0].text, "【模板县交通局】已收到MB-1。");
    assert!(
        ctx.reset_notify_template(agency, Milestone::Received, NotifyChannel::Sms)
            .await
            .unwrap()
    );
}
