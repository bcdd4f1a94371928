//! The SQL both store backends share: the traits of `gongkai-store` implemented once over sqlx,
//! generic in the database, for `gongkai-store-sqlite` and `gongkai-store-postgres`.
//!
//! A backend is a type holding a connection pool. It implements [`Backend`] (its database and
//! what its dialect does differently: how a write transaction that reads first begins, row
//! locks, index hints, and how it reads the annual report's facts) and invokes
//! [`impl_store!`], which implements every `gongkai_store` trait for it with the operations of
//! [`Sql`]. The statements use numbered parameters (`$1`), which PostgreSQL and SQLite both
//! read; the multi-row `VALUES` lists of bulk statements take the database's own placeholders.
//!
//! - Every write is one transaction, and every write reads before it writes (at least the
//!   audit log's last entry, whose hash the new entry chains to): each begins with
//!   [`Backend::BEGIN_WRITE`] and takes [`Backend::AUDIT_LOCK`], so writers wait their turn and
//!   the chain never forks, and it locks the rows it reads with [`Backend::lock_rows`].
//!   The bookkeeping of logins (failure counts, sessions) is no change of records and appends
//!   no entry: it takes no audit lock either, so that logins never wait for other writers.
//! - The ledger import inserts with multi-row `INSERT`s of a few hundred rows, all in the one
//!   transaction: all of it is stored or none of it.
#![forbid(unsafe_code)]

mod queue;
mod sql;
mod values;

pub use queue::RequestQueue;

pub use sql::{ImportTx, Sql};

use gongkai_cases::CaseFacts;
use gongkai_store::{Result, StoreError};
use sqlx::migrate::{Migrate, Migrator};
use sqlx::{Database, Pool};

/// What a backend gives the shared SQL: its database and pool, and where its dialect differs.
pub trait Backend: Send + Sync {
    /// The sqlx database.
    type Db: Database;

    /// The statement beginning a write transaction (every write reads first).
    const BEGIN_WRITE: &'static str;

    /// The statement run first in every write transaction to hold the audit log until it ends
    /// (possibly empty, when [`BEGIN_WRITE`](Self::BEGIN_WRITE) holds the database already).
    const AUDIT_LOCK: &'static str;

    /// The clause that ends a `SELECT` reading rows of `table` which the transaction may then
    /// change, locking them until it ends (possibly empty: see the backend).
    fn lock_rows(table: &str) -> String;

    /// The clause ending the `SELECT` of rows a claim of the notification queue takes, so that
    /// concurrent claims pass over each other's rows instead of waiting (possibly empty: a
    /// backend whose writers take turns anyway).
    const SKIP_LOCKED: &'static str = "";

    /// The statement that writes a consistent copy of the whole database into a new file named
    /// by `$1` while it is in use, if the backend has one.
    const SNAPSHOT: Option<&'static str>;

    /// Statements run at the end of a copy of an installation (`copy_from`), so that ids the
    /// database generates continue after the copied ones.
    fn after_copy() -> Vec<String>;

    /// The clause that follows `FROM table` to make a scan read `index` (possibly empty: see the
    /// backend).
    fn index_hint(index: &str) -> String;

    /// The connection pool.
    fn pool(&self) -> &Pool<Self::Db>;

    /// The pool every write runs on (its transactions, and the single statements of sessions,
    /// logins and idempotency keys): [`pool`](Self::pool) unless the backend queues its
    /// writers elsewhere (SQLite: one connection, see the backend).
    fn write_pool(&self) -> &Pool<Self::Db> {
        self.pool()
    }

    /// The new requests waiting to be written together (see [`RequestQueue`]): one per store,
    /// shared by its clones.
    fn request_queue(&self) -> &RequestQueue;

    /// The columns the query of the annual report's facts reads of `requests` and the clause
    /// ending each of its three index range scans: a report reads hundreds of thousands of
    /// facts, so each backend reads them the fastest way it knows.
    const CASE_FACT_COLUMNS: &'static str;
    /// See [`CASE_FACT_COLUMNS`](Self::CASE_FACT_COLUMNS).
    const CASE_FACT_GROUPING: &'static str;

    /// The facts in the rows of the query of [`CASE_FACT_COLUMNS`](Self::CASE_FACT_COLUMNS),
    /// in any order.
    fn case_facts(rows: &[<Self::Db as Database>::Row]) -> Result<Vec<CaseFacts>>;

    /// The aggregate joining texts with a separator, `NAME(text, separator)`: many small
    /// values travel as one (the postings of a near-identical look-up).
    const JOIN_TEXTS: &'static str;
}

/// Translates a database error, naming the operation: uniqueness → `Conflict`, a missing
/// referenced row → `NotFound`, anything else → `Backend`.
pub fn db(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(format!("{what}：已存在"))
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::NotFound(format!("{what}：引用的记录不存在"))
        }
        _ => StoreError::Backend(format!("{what}：{e}")),
    }
}

/// Applies the pending migrations of `migrator` (the backend's `sqlx::migrate!()`) to the
/// database of `pool`.
pub async fn migrate<DB: Database>(pool: &Pool<DB>, migrator: Migrator) -> Result<()>
where
    DB::Connection: Migrate,
{
    migrator
        .run(pool)
        .await
        .map_err(|e| StoreError::Backend(format!("数据库迁移失败：{e}")))
}

/// What [`impl_store!`] expands to needs, reachable through this crate.
#[doc(hidden)]
pub mod __private {
    pub use chrono::{DateTime, NaiveDate, Utc};
    pub use gongkai_access::Role;
    pub use gongkai_cases::amend::{Amendment, Change};
    pub use gongkai_cases::guide::Guide;
    pub use gongkai_cases::routing::Step as RouteStep;
    pub use gongkai_cases::{
        Agency, AgencyId, CaseFacts, NewRemedy, NewRequest, Remedy, RemedyFacts, RemedyId,
        RemedyResult, ReportText, Request, RequestId, TimelineEvent, YearFigures,
    };
    pub use gongkai_catalogue::{
        Attachment, Document, DocumentId, NewDocument, RegisterEntry, Validity,
    };
    pub use gongkai_directory::StandardItem;
    pub use gongkai_store::accounts::{
        Accounts, ApiToken, Credentials, KeyClaim, Session, TokenId, User, UserId,
    };
    pub use gongkai_store::applications::{
        Application, Applications, NewApplication, Purged, ReplyDocument, ReplyDocumentId,
    };
    pub use gongkai_store::catalogue::{PublicationDates, PublishedDocument};
    pub use gongkai_store::channels::{Channel, ChannelId, Channels, NewChannel, PostCount};
    pub use gongkai_store::directory::{Directory, DirectoryCounts, ItemPublication};
    pub use gongkai_store::disclosures::{Disclosure, DisclosureId, Disclosures};
    pub use gongkai_store::filings::{Filings, NewStep, Step as FilingStep};
    pub use gongkai_store::messages::{
        Message, MessageChange, MessageFacts, MessageId, Messages, NewMessage,
    };
    pub use gongkai_store::notifications::{
        Attempt, NewNotification, Notification, NotificationId, NotificationState, Notifications,
    };
    pub use gongkai_store::published::{PublishedReport, PublishedReports, PublishedVersion};
    pub use gongkai_store::redactions::{NewBox, RedactionBox, Redactions};
    pub use gongkai_store::routing::{RoutingStep, RoutingSteps};
    pub use gongkai_store::similar::{Link, Overlap, Referral, SimilarRequests};
    pub use gongkai_store::transfer::{Row, TableDef};
    pub use gongkai_store::{
        Agencies, AuditLog, Blobs, CalendarOverrides, Catalogue, ChunkReport, DocumentFilter,
        Draft, Entry, Figures, Guides, ImportCounts, ImportPolicy, ImportSession, ImportSummary,
        Installation, ItemOverview, LedgerImport, Remedies, ReportTexts, Requests, Result,
        Transfer,
    };
    pub use gongkai_store::{LetterTemplates, PageViews};
    pub use tokio;
}

/// Implements every `gongkai_store` trait for `$store`, a type implementing [`Backend`], with
/// the shared operations of [`Sql`]. (A macro because the traits and the store type both live
/// in other crates than this one.)
#[macro_export]
macro_rules! impl_store {
    // Trait methods that call the `Sql` operation of the same name.
    (@forward $($method:ident($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        $(
            async fn $method(&self, $($arg: $ty),*) -> $crate::__private::Result<$out> {
                $crate::Sql(self).$method($($arg),*).await
            }
        )*
    };
    ($store:ty) => {
        const _: () = {
            use $crate::__private::*;

            impl Agencies for $store {
                $crate::impl_store!(@forward
                    create_agency(name: &str, parent: Option<AgencyId>, audit: Draft) -> Agency;
                    rename_agency(id: AgencyId, name: &str, on: NaiveDate, audit: Draft) -> Agency;
                    move_agency(id: AgencyId, parent: Option<AgencyId>, audit: Draft) -> Agency;
                    merge_agency(id: AgencyId, into: AgencyId, on: NaiveDate, audit: Draft) -> Agency;
                    add_alias(id: AgencyId, alias: &str, audit: Draft) -> ();
                    aliases() -> Vec<(String, AgencyId)>;
                    agency(id: AgencyId) -> Option<Agency>;
                    agency_by_name(name: &str) -> Option<Agency>;
                    agencies() -> Vec<Agency>;
                );
            }

            impl Requests for $store {
                /// Queues the request and starts a task to write the queue: the request is
                /// written by whichever task takes the writer's turn first, with every other
                /// request waiting then (see [`RequestQueue`]). A task rather than this call,
                /// so that a caller that goes away (its client hung up) cannot take the
                /// others' writes with it.
                async fn create_request(
                    &self,
                    new: NewRequest,
                    first: TimelineEvent,
                    audit: Draft,
                ) -> Result<Request> {
                    let answer = $crate::Sql(self).queue_request(new, first, None, audit)?;
                    let store = self.clone();
                    tokio::spawn(async move { $crate::Sql(&store).write_queued_requests().await });
                    answer.await.unwrap_or_else(|_| {
                        Err(StoreError::Backend("保存申请：写入任务意外中止".into()))
                    })
                }

                $crate::impl_store!(@forward
                    append_event(id: RequestId, event: TimelineEvent, audit: Draft) -> Request;
                    amend_request(id: RequestId, amendment: &Amendment, audit: Draft)
                        -> (Request, Vec<Change>);
                    withdraw_event(id: RequestId, audit: Draft) -> (Request, TimelineEvent);
                    request(id: RequestId) -> Option<Request>;
                    requests_by_ids(ids: &[RequestId]) -> Vec<Request>;
                    timelines(ids: &[RequestId]) -> Vec<gongkai_store::Timeline>;
                    request_by_reference(agency: AgencyId, reference: &str) -> Option<Request>;
                    request_ids(agencies: &[AgencyId], open_only: bool) -> Vec<RequestId>;
                    case_facts(agencies: &[AgencyId], year: i32) -> Vec<CaseFacts>;
                );
            }

            impl Applications for $store {
                /// Queued with the new requests (see `create_request`).
                async fn submit_application(
                    &self,
                    new: NewRequest,
                    first: TimelineEvent,
                    application: NewApplication,
                    audit: Draft,
                ) -> Result<Request> {
                    let answer =
                        $crate::Sql(self).queue_request(new, first, Some(application), audit)?;
                    let store = self.clone();
                    tokio::spawn(async move { $crate::Sql(&store).write_queued_requests().await });
                    answer.await.unwrap_or_else(|_| {
                        Err(StoreError::Backend("保存网上申请：写入任务意外中止".into()))
                    })
                }

                $crate::impl_store!(@forward
                    application_by_tracking(tracking_hash: &str) -> Option<(Application, Request)>;
                    application_by_nonce(nonce: &str) -> Option<(Application, Request)>;
                    application(request: RequestId) -> Option<Application>;
                    confirm_receipt(id: RequestId, on: NaiveDate, at: DateTime<Utc>, audit: Draft)
                        -> Request;
                    add_reply_document(
                        request: RequestId,
                        file: Attachment,
                        at: DateTime<Utc>,
                        audit: Draft
                    ) -> ReplyDocument;
                    release_reply_document(id: ReplyDocumentId, at: DateTime<Utc>, audit: Draft)
                        -> ReplyDocument;
                    reply_document(id: ReplyDocumentId) -> Option<ReplyDocument>;
                    reply_documents(request: RequestId) -> Vec<ReplyDocument>;
                    purge_personal_data(decided_before: NaiveDate, audit: Draft) -> Purged;
                    rate_hit(key: &str, slot: i64, forget_before: i64) -> u32;
                );
            }

            impl Remedies for $store {
                $crate::impl_store!(@forward
                    create_remedy(new: NewRemedy, audit: Draft) -> Remedy;
                    close_remedy(id: RemedyId, closed: (NaiveDate, RemedyResult), audit: Draft)
                        -> Remedy;
                    remedy_by_reference(agency: AgencyId, reference: &str) -> Option<Remedy>;
                    remedies_of(agencies: &[AgencyId]) -> Vec<Remedy>;
                    remedy_facts(agencies: &[AgencyId], year: i32) -> Vec<RemedyFacts>;
                );
            }

            impl LedgerImport for $store {
                type Session = $crate::ImportTx<$store>;

                async fn begin_import(&self, policy: ImportPolicy) -> Result<Self::Session> {
                    $crate::Sql(self).begin_import(policy).await
                }
            }

            impl Figures for $store {
                $crate::impl_store!(@forward
                    set_figures(figures: YearFigures, audit: Draft) -> ();
                    figures(agency: AgencyId, year: i32) -> Option<YearFigures>;
                );
            }

            impl ReportTexts for $store {
                $crate::impl_store!(@forward
                    set_report_text(agency: AgencyId, year: i32, text: &ReportText, audit: Draft)
                        -> ();
                    report_text(agency: AgencyId, year: i32) -> Option<ReportText>;
                );
            }

            impl CalendarOverrides for $store {
                $crate::impl_store!(@forward
                    calendar_overrides() -> Vec<String>;
                    add_calendar_override(toml: &str, audit: Draft) -> ();
                );
            }

            impl AuditLog for $store {
                $crate::impl_store!(@forward
                    audit_page(after: i64, limit: usize) -> Vec<Entry>;
                    audit_recent(agency: Option<AgencyId>, limit: usize) -> Vec<Entry>;
                    audit_last() -> Option<Entry>;
                    audit_version(agencies: &[AgencyId]) -> i64;
                );
            }

            impl Installation for $store {
                $crate::impl_store!(@forward
                    installation_key() -> Vec<u8>;
                    table_counts() -> Vec<(String, i64)>;
                    snapshot_into(path: &std::path::Path) -> bool;
                );

                async fn copy_from<T: Transfer>(
                    &self,
                    source: &T,
                    progress: impl FnMut(&str, u64) + Send,
                ) -> Result<Vec<(String, i64)>> {
                    $crate::Sql(self).copy_from(source, progress).await
                }
            }

            impl Accounts for $store {
                $crate::impl_store!(@forward
                    create_user(name: &str, password_hash: &str, role: Option<(AgencyId, Role)>, audit: Draft) -> User;
                    user_by_name(name: &str) -> Option<User>;
                    user(id: UserId) -> Option<User>;
                    users() -> Vec<User>;
                    set_disabled(user: UserId, disabled: bool, audit: Draft) -> User;
                    set_password(
                        user: UserId,
                        password_hash: &str,
                        keep: Option<&[u8; 32]>,
                        audit: Draft
                    ) -> ();
                    credentials(name: &str) -> Option<Credentials>;
                    login_failed(user: UserId, lock_until: Option<DateTime<Utc>>) -> u32;
                    create_session(
                        user: UserId,
                        secret_hash: &[u8; 32],
                        csrf: &str,
                        now: DateTime<Utc>
                    ) -> ();
                    session(secret_hash: &[u8; 32]) -> Option<Session>;
                    touch_session(secret_hash: &[u8; 32], now: DateTime<Utc>) -> ();
                    delete_session(secret_hash: &[u8; 32]) -> ();
                    purge_sessions(created_before: DateTime<Utc>, seen_before: DateTime<Utc>)
                        -> u64;
                    create_token(
                        user: UserId,
                        secret_hash: &[u8; 32],
                        expires: Option<DateTime<Utc>>,
                        audit: Draft
                    ) -> ApiToken;
                    token(secret_hash: &[u8; 32]) -> Option<(ApiToken, User)>;
                    tokens_of(user: UserId) -> Vec<ApiToken>;
                    revoke_token(id: TokenId, audit: Draft) -> ();
                    claim_key(
                        user: UserId,
                        key: &str,
                        request_hash: &str,
                        now: DateTime<Utc>,
                        forget_before: DateTime<Utc>
                    ) -> KeyClaim;
                    answer_key(user: UserId, key: &str, status: u16, body: &str) -> ();
                    release_key(user: UserId, key: &str) -> ();
                    set_email(user: UserId, email: Option<&str>, audit: Draft) -> User;
                    set_feed(user: UserId, secret_hash: &[u8; 32], audit: Draft) -> DateTime<Utc>;
                    revoke_feed(user: UserId, audit: Draft) -> ();
                    feed_user(secret_hash: &[u8; 32]) -> Option<User>;
                    feed_of(user: UserId) -> Option<DateTime<Utc>>;
                );

                async fn grant_role(&self, user: UserId, agency: AgencyId, role: Role, audit: Draft)
                    -> Result<User> {
                    $crate::Sql(self).change_role(user, (agency, role), true, audit).await
                }

                async fn revoke_role(&self, user: UserId, agency: AgencyId, role: Role, audit: Draft)
                    -> Result<User> {
                    $crate::Sql(self).change_role(user, (agency, role), false, audit).await
                }
            }

            impl Catalogue for $store {
                $crate::impl_store!(@forward
                    create_document(new: NewDocument, audit: Draft) -> Document;
                    update_document(id: DocumentId, new: NewDocument, audit: Draft) -> Document;
                    set_validity(id: DocumentId, validity: Validity, audit: Draft) -> Document;
                    document(id: DocumentId) -> Option<Document>;
                    document_by_index(agency: AgencyId, index_number: &str) -> Option<Document>;
                    documents_by_ids(ids: &[DocumentId]) -> Vec<Document>;
                    list_documents(filter: &DocumentFilter) -> Vec<Document>;
                    item_overview(agency: AgencyId, per_item: usize) -> ItemOverview;
                    register_entries(agencies: &[AgencyId]) -> Vec<RegisterEntry>;
                    publication_dates(agencies: &[AgencyId], year: i32) -> Vec<PublicationDates>;
                    published_documents(agencies: &[AgencyId], year: i32) -> Vec<PublishedDocument>;
                    documents_since(revision: i64, limit: usize) -> Vec<Document>;
                    catalogue_revision() -> i64;
                    upsert_documents(docs: Vec<NewDocument>, audit: Draft) -> ImportCounts;
                );
            }

            impl Guides for $store {
                $crate::impl_store!(@forward
                    set_guide(agency: AgencyId, guide: &Guide, audit: Draft) -> ();
                    guide(agency: AgencyId) -> Option<Guide>;
                );
            }

            impl PublishedReports for $store {
                $crate::impl_store!(@forward
                    published_reports(agency: AgencyId) -> Vec<PublishedVersion>;
                    published_versions(agency: AgencyId, year: i32) -> Vec<PublishedVersion>;
                    published_report(agency: AgencyId, year: i32, version: Option<i32>) -> Option<PublishedReport>;
                );
            }

            impl Filings for $store {
                $crate::impl_store!(@forward
                    record_step(agency: AgencyId, year: i32, seq: i32, step: NewStep, audit: Draft) -> Option<i32>;
                    steps(agency: AgencyId, year: i32) -> Vec<FilingStep>;
                    steps_of(agencies: &[AgencyId], year: i32) -> Vec<(AgencyId, FilingStep)>;
                );
            }

            impl Notifications for $store {
                $crate::impl_store!(@forward
                    queue_notifications(list: &[NewNotification], now: DateTime<Utc>) -> u64;
                    claim_notifications(now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: u32)
                        -> Vec<Notification>;
                    finish_notification(id: NotificationId, attempts: u32, outcome: Attempt) -> bool;
                    request_notifications(request: RequestId) -> Vec<Notification>;
                    notifications(
                        state: Option<NotificationState>,
                        before: Option<NotificationId>,
                        limit: u32
                    ) -> Vec<Notification>;
                );
            }

            impl PageViews for $store {
                $crate::impl_store!(@forward
                    add_page_views(counts: &[(AgencyId, NaiveDate, i64)]) -> ();
                    page_views(agencies: &[AgencyId], year: i32) -> Vec<(AgencyId, i64)>;
                );
            }

            impl LetterTemplates for $store {
                $crate::impl_store!(@forward
                    set_letter_template(agency: AgencyId, kind: &str, body: &str, audit: Draft) -> ();
                    reset_letter_template(agency: AgencyId, kind: &str, audit: Draft) -> bool;
                    letter_templates(agency: AgencyId) -> Vec<(String, String)>;
                );
            }

            impl Directory for $store {
                $crate::impl_store!(@forward
                    replace_directory(agency: AgencyId, items: Vec<StandardItem>, audit: Draft) -> DirectoryCounts;
                    directory(agencies: &[AgencyId]) -> Vec<(AgencyId, StandardItem)>;
                    item_publications(agencies: &[AgencyId], year: i32) -> Vec<ItemPublication>;
                );
            }

            impl Channels for $store {
                $crate::impl_store!(@forward
                    add_channel(new: NewChannel, audit: Draft) -> Channel;
                    close_channel(id: ChannelId, on: NaiveDate, audit: Draft) -> Channel;
                    channels(agencies: &[AgencyId]) -> Vec<Channel>;
                    import_post_counts(counts: Vec<PostCount>, audit: Draft) -> ImportCounts;
                    channel_post_counts(agencies: &[AgencyId], year: i32) -> Vec<(ChannelId, u32, i64)>;
                    document_channels(agencies: &[AgencyId], year: i32) -> Vec<(DocumentId, ChannelId)>;
                );
            }

            impl Messages for $store {
                $crate::impl_store!(@forward
                    submit_message(new: NewMessage, audit: Draft) -> Message;
                    change_message(id: MessageId, change: MessageChange, audit: Draft) -> Message;
                    message(id: MessageId) -> Option<Message>;
                    message_by_tracking(tracking_hash: &str) -> Option<Message>;
                    message_by_nonce(nonce: &str) -> Option<Message>;
                    message_of_request(request: RequestId) -> Option<Message>;
                    messages_of(agencies: &[AgencyId], after: Option<MessageId>, limit: usize)
                        -> Vec<Message>;
                    public_replies(agencies: &[AgencyId], before: Option<MessageId>, limit: usize)
                        -> Vec<Message>;
                    message_facts(agencies: &[AgencyId], year: i32) -> Vec<MessageFacts>;
                );
            }

            impl Redactions for $store {
                $crate::impl_store!(@forward
                    set_redaction_boxes(document: ReplyDocumentId, boxes: Vec<NewBox>, at: DateTime<Utc>, audit: Draft)
                        -> Vec<RedactionBox>;
                    redaction_boxes(document: ReplyDocumentId) -> Vec<RedactionBox>;
                    release_redacted(document: ReplyDocumentId, copy: Attachment, at: DateTime<Utc>, audit: Draft)
                        -> ReplyDocument;
                );
            }

            impl Disclosures for $store {
                $crate::impl_store!(@forward
                    publish_disclosure(request: RequestId, title: &str, documents: &[ReplyDocumentId], at: DateTime<Utc>, audit: Draft)
                        -> Disclosure;
                    withdraw_disclosure(request: RequestId, audit: Draft) -> bool;
                    disclosure_of(request: RequestId) -> Option<Disclosure>;
                    disclosure(id: DisclosureId) -> Option<Disclosure>;
                    disclosures(agencies: Option<&[AgencyId]>, before: Option<DisclosureId>, limit: usize)
                        -> Vec<Disclosure>;
                );
            }

            impl RoutingSteps for $store {
                $crate::impl_store!(@forward
                    record_routing_step(
                        request: RequestId,
                        seq: i32,
                        step: RouteStep,
                        audit: Draft
                    ) -> RoutingStep;
                    routing_steps(request: RequestId) -> Vec<RoutingStep>;
                    routing_waiting(agencies: &[AgencyId]) -> Vec<(RequestId, RoutingStep)>;
                    routed_to(agencies: &[AgencyId]) -> Vec<RequestId>;
                );
            }

            impl SimilarRequests for $store {
                $crate::impl_store!(@forward
                    set_request_words(words: &[(RequestId, Vec<String>)]) -> ();
                    unindexed_requests(limit: usize) -> Vec<(RequestId, String)>;
                    word_overlaps(
                        words: &[String],
                        bounds: (i64, i64),
                        except: RequestId
                    ) -> Vec<Overlap>;
                    same_applicant(id_number: &str, name_phone: (&str, &str), except: RequestId)
                        -> Vec<RequestId>;
                    set_link(a: RequestId, b: RequestId, linked: bool, audit: Draft) -> ();
                    links_of(ids: &[RequestId]) -> Vec<Link>;
                    set_referral(request: RequestId, referral: Option<Referral>, audit: Draft)
                        -> ();
                    referral(request: RequestId) -> Option<Referral>;
                );
            }

            /// Attachment bytes in the database (table `blobs`), for deployments whose server
            /// processes share nothing else.
            impl Blobs for $store {
                async fn put(&self, bytes: &[u8]) -> Result<String> {
                    $crate::Sql(self).put_blob(bytes).await
                }

                async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
                    $crate::Sql(self).get_blob(sha256).await
                }

                async fn has(&self, sha256: &str) -> Result<bool> {
                    $crate::Sql(self).has_blob(sha256).await
                }

                async fn remove(&self, sha256: &str) -> Result<()> {
                    $crate::Sql(self).remove_blob(sha256).await
                }
            }

            impl Transfer for $store {
                async fn rows(
                    &self,
                    table: &'static TableDef,
                    offset: u64,
                    limit: usize,
                ) -> Result<Vec<Row>> {
                    $crate::Sql(self).rows(table, offset, limit).await
                }
            }
        };
    };
}
