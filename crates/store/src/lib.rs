//! Storage of disclosure records behind traits named by capability.
//!
//! The application services depend on these traits only; `gongkai-store-sqlite` and
//! `gongkai-store-postgres` implement them, and [`conformance`] is the one suite both run, so a
//! behaviour is specified once and checked on every backend.
//!
//! Every method that writes runs in one database transaction: either all of it is stored or
//! none of it is. Every write takes the audit entry of the use case ([`Draft`], made from the
//! access check's grant) and appends it to the hash-chained audit log in that same transaction,
//! completed with what the write did: a write is never stored without its entry, nor an entry
//! without its write. (The bookkeeping of logins, failure counts and sessions, is no change of
//! records and is not audited: see [`Accounts`].) Errors are [`StoreError`], which never carries a database driver type:
//! the backends translate their errors at the boundary.
//!
//! Futures returned by the traits are `Send`, so a multi-threaded web server can hold a store in
//! its state and await them from any task.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod applications;
pub mod blobs;
pub mod catalogue;
pub mod channels;
pub mod codec;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod directory;
pub mod disclosures;
mod error;
pub mod filings;
pub mod guides;
pub mod letters;
pub mod messages;
pub mod notifications;
pub mod published;
pub mod redactions;
pub mod routing;
pub mod rules;
pub mod similar;
pub mod transfer;
pub mod views;

pub use accounts::Accounts;
pub use applications::Applications;
pub use blobs::Blobs;
pub use catalogue::{Catalogue, DocumentFilter, ItemOverview};
pub use channels::Channels;
pub use directory::Directory;
pub use disclosures::Disclosures;
pub use error::StoreError;
pub use filings::Filings;
pub use gongkai_audit::{Draft, Entry};
pub use gongkai_cases::{CaseFacts, RemedyFacts};
pub use guides::Guides;
pub use letters::LetterTemplates;
pub use messages::Messages;
pub use notifications::Notifications;
pub use published::PublishedReports;
pub use redactions::Redactions;
pub use routing::RoutingSteps;
pub use similar::SimilarRequests;
pub use views::PageViews;

use chrono::NaiveDate;
use gongkai_cases::amend::{Amendment, Change};
use gongkai_cases::{
    Agency, AgencyId, NewRemedy, NewRequest, Remedy, RemedyId, RemedyResult, ReportText, Request,
    RequestId, TimelineEvent, YearFigures,
};
use std::future::Future;

/// A request's timeline with what a work list shows of the request ([`Requests::timelines`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub id: RequestId,
    pub agency: AgencyId,
    pub reference: String,
    pub received: NaiveDate,
    /// In order; notes empty.
    pub events: Vec<TimelineEvent>,
    /// Whether an officer has still to confirm the receipt of an online application.
    pub confirmation: gongkai_cases::Confirmation,
}

/// Shorthand for the results of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The agency hierarchy (机关/单位) and what 机构改革 does to it.
pub trait Agencies: Send + Sync {
    /// Creates an agency. Current names are unique, and no alias may equal one
    /// ([`StoreError::Conflict`]); `parent` must exist ([`StoreError::NotFound`]).
    fn create_agency(
        &self,
        name: &str,
        parent: Option<AgencyId>,
        audit: Draft,
    ) -> impl Future<Output = Result<Agency>> + Send;

    /// Gives an agency a new name from `on`; the old one becomes a former name used until
    /// `on`, so that reports of earlier years keep the name they were filed under. The new name
    /// follows the rules of [`create_agency`](Self::create_agency).
    fn rename_agency(
        &self,
        id: AgencyId,
        name: &str,
        on: NaiveDate,
        audit: Draft,
    ) -> impl Future<Output = Result<Agency>> + Send;

    /// Puts an agency under another parent (or at the top). A move that would make the agency
    /// its own ancestor is [`StoreError::Invalid`].
    fn move_agency(
        &self,
        id: AgencyId,
        parent: Option<AgencyId>,
        audit: Draft,
    ) -> impl Future<Output = Result<Agency>> + Send;

    /// Records that `id` was merged into `into` on `on` (see [`gongkai_cases::Merger`]). An
    /// agency merged already, merged into itself or into an agency merged into it, is
    /// [`StoreError::Invalid`].
    fn merge_agency(
        &self,
        id: AgencyId,
        into: AgencyId,
        on: NaiveDate,
        audit: Draft,
    ) -> impl Future<Output = Result<Agency>> + Send;

    /// Adds another name under which an agency is known (in published reports, in a
    /// colleague's spreadsheet). An alias is unique and is nobody's current name
    /// ([`StoreError::Conflict`]).
    fn add_alias(
        &self,
        id: AgencyId,
        alias: &str,
        audit: Draft,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Every alias with its agency, ordered by alias.
    fn aliases(&self) -> impl Future<Output = Result<Vec<(String, AgencyId)>>> + Send;

    /// The agency with this id, if any.
    fn agency(&self, id: AgencyId) -> impl Future<Output = Result<Option<Agency>>> + Send;

    /// The agency whose current name is exactly this, if any.
    fn agency_by_name(&self, name: &str) -> impl Future<Output = Result<Option<Agency>>> + Send;

    /// Every agency, ordered by id (a parent is always created before its children, so parents
    /// come first, unless an agency was moved later).
    fn agencies(&self) -> impl Future<Output = Result<Vec<Agency>>> + Send;
}

/// Requests (依申请公开) and their timelines.
pub trait Requests: Send + Sync {
    /// Registers a request with its first event, which must be `Received` on the date of
    /// receipt. The reference (受理编号) is unique within the agency ([`StoreError::Conflict`]);
    /// the agency must exist ([`StoreError::NotFound`]); at least one applicant, none of kind
    /// `Total` ([`StoreError::Invalid`]).
    fn create_request(
        &self,
        new: NewRequest,
        first: TimelineEvent,
        audit: Draft,
    ) -> impl Future<Output = Result<Request>> + Send;

    /// Appends an event to a request's timeline, in one transaction: the request row is locked,
    /// the timeline loaded and the event validated by the domain state machine (a refusal is
    /// [`StoreError::Refused`] and leaves nothing written), then the event is stored and, when
    /// it closes the request (`Decided`, or `CorrectionLapsed` which closes as
    /// `op_no_correction`), the decision date and outcome are recorded on the request's row.
    /// Returns the request as it now is.
    fn append_event(
        &self,
        id: RequestId,
        event: TimelineEvent,
        audit: Draft,
    ) -> impl Future<Output = Result<Request>> + Send;

    /// Corrects a request, closed or not ([`gongkai_cases::amend::apply`] on the stored
    /// request, under its row lock), and records every change, old and new value, in the audit
    /// entry (personal data as pseudonyms). Returns the corrected request and the changes.
    fn amend_request(
        &self,
        id: RequestId,
        amendment: &Amendment,
        audit: Draft,
    ) -> impl Future<Output = Result<(Request, Vec<Change>)>> + Send;

    /// Removes the last event of a request's timeline, entered by mistake
    /// ([`gongkai_cases::amend::withdraw_last`]); the removed event is in the audit entry.
    fn withdraw_event(
        &self,
        id: RequestId,
        audit: Draft,
    ) -> impl Future<Output = Result<(Request, TimelineEvent)>> + Send;

    /// The request with this id and its timeline, if any.
    fn request(&self, id: RequestId) -> impl Future<Output = Result<Option<Request>>> + Send;

    /// The requests with these ids and their timelines, in the order of `ids`: what
    /// [`request`](Self::request) gives for each id in turn, unknown ids skipped (a repeated id
    /// gives its request each time). A few queries for the lot rather than a few per request,
    /// for listing the thousands of requests behind a figure of the annual report.
    fn requests_by_ids(
        &self,
        ids: &[RequestId],
    ) -> impl Future<Output = Result<Vec<Request>>> + Send;

    /// The request of `agency` with this reference (受理编号), if any.
    fn request_by_reference(
        &self,
        agency: AgencyId,
        reference: &str,
    ) -> impl Future<Output = Result<Option<Request>>> + Send;

    /// The timelines of the requests `ids`, with what a work list shows of each (agency,
    /// reference, date of receipt), ordered by id, unknown ids skipped; the events' notes are
    /// left empty. One query per few thousand ids, lighter than whole requests: a work list of
    /// ten thousand open requests computes every deadline from these.
    fn timelines(&self, ids: &[RequestId]) -> impl Future<Output = Result<Vec<Timeline>>> + Send;

    /// The ids of the requests of `agencies`, only those not closed when `open_only`, ordered by
    /// id: what a work list loads.
    fn request_ids(
        &self,
        agencies: &[AgencyId],
        open_only: bool,
    ) -> impl Future<Output = Result<Vec<RequestId>>> + Send;

    /// The requests of `agencies` that matter for the annual report of `year`: received on or
    /// before 31 December of `year` and not decided before 1 January of `year` (new, carried
    /// in, decided in the year, carried out). Ordered by id.
    fn case_facts(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<CaseFacts>>> + Send;
}

/// Reconsideration and litigation cases (行政复议、行政诉讼).
pub trait Remedies: Send + Sync {
    /// Registers a case. The reference (案件编号) is unique within the agency.
    fn create_remedy(
        &self,
        new: NewRemedy,
        audit: Draft,
    ) -> impl Future<Output = Result<Remedy>> + Send;

    /// Records how a pending case ended. A case closed already, or a date before its receipt,
    /// is [`StoreError::Invalid`].
    fn close_remedy(
        &self,
        id: RemedyId,
        closed: (NaiveDate, RemedyResult),
        audit: Draft,
    ) -> impl Future<Output = Result<Remedy>> + Send;

    /// The case of `agency` with this reference, if any.
    fn remedy_by_reference(
        &self,
        agency: AgencyId,
        reference: &str,
    ) -> impl Future<Output = Result<Option<Remedy>>> + Send;

    /// Every case of `agencies`, ordered by id.
    fn remedies_of(
        &self,
        agencies: &[AgencyId],
    ) -> impl Future<Output = Result<Vec<Remedy>>> + Send;

    /// The cases of `agencies` that matter for table 四 of `year`: received on or before
    /// 31 December and not closed before 1 January. Ordered by id.
    fn remedy_facts(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<RemedyFacts>>> + Send;
}

/// What a ledger import did. Requests and remedy cases are counted separately.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Requests not yet in the store, now stored.
    pub created: usize,
    /// Requests already stored without a decision, to which the imported decision was appended.
    pub updated: usize,
    /// Requests already stored whose recorded values the file corrected (with
    /// [`ImportPolicy::apply_changes`]).
    pub changed: usize,
    /// Requests already stored and left as they were.
    pub unchanged: usize,
    /// The same counts for reconsideration and litigation cases.
    pub remedies: ImportCounts,
}

/// Created / updated / changed / unchanged counts of one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl ImportSummary {
    fn add(&mut self, other: ImportSummary) {
        self.created += other.created;
        self.updated += other.updated;
        self.changed += other.changed;
        self.unchanged += other.unchanged;
        self.remedies.created += other.remedies.created;
        self.remedies.updated += other.remedies.updated;
        self.remedies.changed += other.remedies.changed;
        self.remedies.unchanged += other.remedies.unchanged;
    }
}

/// What an import does with a stored record whose values the file gives differently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportPolicy {
    /// Apply the file's values (each change in the audit entry). Without it, differences are
    /// only reported and the caller does not commit.
    pub apply_changes: bool,
}

/// A stored record whose values a re-imported file gives differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// `申请` or `复议诉讼案件`.
    pub record: &'static str,
    /// 受理编号 or 案件编号.
    pub reference: String,
    pub change: Change,
}

/// What one chunk of an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChunkReport {
    pub summary: ImportSummary,
    /// Records the file gives differently, applied or not as the policy says.
    pub differences: Vec<Difference>,
}

/// A ledger import in progress: ONE transaction, fed chunk by chunk, so that a file of a
/// million rows is stored without being held in memory, and all of it or none of it lands.
/// Dropping the session without [`commit`](Self::commit) rolls everything back.
pub trait ImportSession: Send {
    /// Stores a chunk. Matching is by (agency, reference), so importing the same ledger again
    /// changes nothing. A request already stored is left as it is, except that when it is still
    /// open and the imported timeline is closed, the imported closing event (`Decided`, or
    /// `CorrectionLapsed`; see [`rules::closing_event`]) is appended, validated by the state
    /// machine against the stored timeline, and the row's decision columns set; and that values
    /// the file gives differently ([`gongkai_cases::amend::differences`]) are reported, and
    /// applied under [`ImportPolicy::apply_changes`]. A new request's events are validated in
    /// order; an empty list stands for a single `Received` event on the date of receipt. A remedy
    /// case is treated the same way. A reference appearing twice in one import (in any chunks)
    /// is a [`StoreError::Conflict`].
    fn add(
        &mut self,
        requests: Vec<(NewRequest, Vec<TimelineEvent>)>,
        remedies: Vec<NewRemedy>,
    ) -> impl Future<Output = Result<ChunkReport>> + Send;

    /// The references among `references` that name no request of `agency`, stored before or
    /// added in this session: remedy cases may concern a request of an earlier year, never one
    /// that does not exist. Read inside the session's transaction.
    fn missing_requests(
        &mut self,
        agency: AgencyId,
        references: &[String],
    ) -> impl Future<Output = Result<Vec<String>>> + Send;

    /// Appends the import's audit entry, completed with the counts, and commits.
    fn commit(self, audit: Draft) -> impl Future<Output = Result<ImportSummary>> + Send;
}

/// The ledger import (台账导入).
pub trait LedgerImport: Send + Sync {
    /// The session type of the backend.
    type Session: ImportSession;

    /// Begins an import: the transaction that [`ImportSession::commit`] ends.
    fn begin_import(
        &self,
        policy: ImportPolicy,
    ) -> impl Future<Output = Result<Self::Session>> + Send;

    /// A whole import in one call: begin, one chunk, and commit unless the file differs from
    /// the records while the policy does not apply changes (then nothing is stored and the
    /// differences are returned).
    fn import(
        &self,
        requests: Vec<(NewRequest, Vec<TimelineEvent>)>,
        remedies: Vec<NewRemedy>,
        policy: ImportPolicy,
        audit: Draft,
    ) -> impl Future<Output = Result<ChunkReport>> + Send {
        async move {
            let mut session = self.begin_import(policy).await?;
            let mut report = session.add(requests, remedies).await?;
            if report.differences.is_empty() || policy.apply_changes {
                let summary = session.commit(audit).await?;
                report.summary = summary;
            }
            Ok(report)
        }
    }
}

/// An agency's table 二 figures, recorded by its officer.
pub trait Figures: Send + Sync {
    /// Replaces the agency-year's figures with `figures` (cells not listed are removed). Only
    /// `t2.*` cells whose value fits the cell's kind are accepted ([`StoreError::Invalid`]).
    fn set_figures(
        &self,
        figures: YearFigures,
        audit: Draft,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The figures of the agency-year, in the order they were set; `None` if never set.
    fn figures(
        &self,
        agency: AgencyId,
        year: i32,
    ) -> impl Future<Output = Result<Option<YearFigures>>> + Send;
}

/// The written parts of an agency-year's report (the sections' prose), set by its officer.
pub trait ReportTexts: Send + Sync {
    /// Replaces the agency-year's text.
    fn set_report_text(
        &self,
        agency: AgencyId,
        year: i32,
        text: &ReportText,
        audit: Draft,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The agency-year's text; `None` if never set.
    fn report_text(
        &self,
        agency: AgencyId,
        year: i32,
    ) -> impl Future<Output = Result<Option<ReportText>>> + Send;
}

/// Working-day calendar arrangements an administrator added after the release (spec §7).
pub trait CalendarOverrides: Send + Sync {
    /// The TOML texts, in the order they were added; merge them in this order over the
    /// official calendar.
    fn calendar_overrides(&self) -> impl Future<Output = Result<Vec<String>>> + Send;

    /// Stores one more TOML text. The caller validates it with `gongkai_calendar` first; the
    /// store keeps the text as given.
    fn add_calendar_override(
        &self,
        toml: &str,
        audit: Draft,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// The audit log as written: entries are only ever appended, by the writes themselves.
pub trait AuditLog: Send + Sync {
    /// Up to `limit` entries with a sequence number above `after`, in order: the whole log is
    /// read page by page.
    fn audit_page(
        &self,
        after: i64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Entry>>> + Send;

    /// The latest `limit` entries, newest first, of one agency or of all.
    fn audit_recent(
        &self,
        agency: Option<AgencyId>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Entry>>> + Send;

    /// The last entry, if any.
    fn audit_last(&self) -> impl Future<Output = Result<Option<Entry>>> + Send;

    /// The sequence number of the last entry about any of `agencies` or about no agency (an
    /// installation-wide change such as the calendar), 0 when there is none. Every write leaves
    /// an entry, so what was computed from these agencies' records is still true while this
    /// number has not changed: the version a cache of a work list is checked against, in any
    /// number of processes.
    fn audit_version(&self, agencies: &[AgencyId]) -> impl Future<Output = Result<i64>> + Send;
}

/// Reading every row of every table, for copying an installation to another backend.
pub trait Transfer: Send + Sync {
    /// Up to `limit` rows of `table` after the first `offset`, in key order, one cell per
    /// column of [`transfer::TableDef::columns`].
    fn rows(
        &self,
        table: &'static transfer::TableDef,
        offset: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<transfer::Row>>> + Send;
}

/// What belongs to the installation as a whole.
pub trait Installation: Send + Sync {
    /// The installation's own secret key (32 random bytes, made on first use and kept in the
    /// database), for the pseudonyms of the audit log when the configuration gives none.
    fn installation_key(&self) -> impl Future<Output = Result<Vec<u8>>> + Send;

    /// The number of rows of every table of [`transfer::SCHEMA`], by table name: what a copy of
    /// the installation must reproduce.
    fn table_counts(&self) -> impl Future<Output = Result<Vec<(String, i64)>>> + Send;

    /// Writes a consistent copy of the whole database into a new file at `path` while it is in
    /// use, where the backend can (SQLite: `VACUUM INTO`); `false` where it cannot. An existing
    /// file is never overwritten ([`StoreError::Conflict`]).
    fn snapshot_into(&self, path: &std::path::Path) -> impl Future<Output = Result<bool>> + Send;

    /// Copies every row of `source` into this store, which must be empty (no agency, no audit
    /// entry), in ONE transaction: all of it or nothing. `progress` is told each table's name
    /// and the rows copied so far. Returns the rows copied per table.
    fn copy_from<T: Transfer>(
        &self,
        source: &T,
        progress: impl FnMut(&str, u64) + Send,
    ) -> impl Future<Output = Result<Vec<(String, i64)>>> + Send;
}

/// Every capability: what a backend provides.
pub trait Store:
    Agencies
    + Requests
    + Remedies
    + LedgerImport
    + Figures
    + ReportTexts
    + CalendarOverrides
    + AuditLog
    + Installation
    + Transfer
    + Accounts
    + Catalogue
    + Guides
    + Applications
    + PublishedReports
    + Filings
    + LetterTemplates
    + PageViews
    + Directory
    + Channels
    + Messages
    + Redactions
    + Notifications
    + Disclosures
    + RoutingSteps
    + SimilarRequests
{
}

impl<T> Store for T where
    T: Agencies
        + Requests
        + Remedies
        + LedgerImport
        + Figures
        + ReportTexts
        + CalendarOverrides
        + AuditLog
        + Installation
        + Transfer
        + Accounts
        + Catalogue
        + Guides
        + Applications
        + PublishedReports
        + Filings
        + LetterTemplates
        + PageViews
        + Directory
        + Channels
        + Messages
        + Redactions
        + Notifications
        + Disclosures
        + RoutingSteps
        + SimilarRequests
{
}

/// Adds a chunk's report to a running total.
pub fn accumulate(total: &mut ChunkReport, chunk: ChunkReport) {
    total.summary.add(chunk.summary);
    total.differences.extend(chunk.differences);
}
