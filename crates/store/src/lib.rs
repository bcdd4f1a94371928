//! Storage of disclosure records behind traits named by capability.
//!
//! The application services depend on these traits only; `gongkai-store-sqlite` and
//! `gongkai-store-postgres` implement them, and [`conformance`] is the one suite both run, so a
//! behaviour is specified once and checked on every backend.
//!
//! Every method that writes runs in one database transaction: either all of it is stored or
//! none of it is. Errors are [`StoreError`], which never carries a database driver type: the
//! backends translate their errors at the boundary.
//!
//! Futures returned by the traits are `Send`, so a multi-threaded web server can hold a store in
//! its state and await them from any task.
#![forbid(unsafe_code)]

pub mod codec;
#[cfg(feature = "conformance")]
pub mod conformance;
mod error;
pub mod rules;

pub use error::StoreError;
pub use gongkai_cases::{CaseFacts, RemedyFacts};

use gongkai_cases::{
    Agency, AgencyId, NewRemedy, NewRequest, Remedy, Request, RequestId, TimelineEvent, YearFigures,
};
use std::future::Future;

/// Shorthand for the results of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The agency hierarchy (机关/单位).
pub trait Agencies: Send + Sync {
    /// Creates an agency. Names are unique ([`StoreError::Conflict`]); `parent` must exist
    /// ([`StoreError::NotFound`]).
    fn create_agency(
        &self,
        name: &str,
        parent: Option<AgencyId>,
    ) -> impl Future<Output = Result<Agency>> + Send;

    /// The agency with this id, if any.
    fn agency(&self, id: AgencyId) -> impl Future<Output = Result<Option<Agency>>> + Send;

    /// The agency with exactly this name, if any.
    fn agency_by_name(&self, name: &str) -> impl Future<Output = Result<Option<Agency>>> + Send;

    /// Every agency, ordered by id (a parent is always created before its children, so parents
    /// come first).
    fn agencies(&self) -> impl Future<Output = Result<Vec<Agency>>> + Send;
}

/// Requests (依申请公开) and their append-only timelines.
pub trait Requests: Send + Sync {
    /// Registers a request with its first event, which must be `Received` on the date of
    /// receipt. The reference (受理编号) is unique within the agency ([`StoreError::Conflict`]);
    /// the agency must exist ([`StoreError::NotFound`]); at least one applicant, none of kind
    /// `Total` ([`StoreError::Invalid`]).
    fn create_request(
        &self,
        new: NewRequest,
        first: TimelineEvent,
    ) -> impl Future<Output = Result<Request>> + Send;

    /// Appends an event to a request's timeline, in one transaction: the request row is locked,
    /// the timeline loaded and the event validated by the domain state machine
    /// ([`StoreError::Invalid`] leaves nothing written), then the event is stored and, when it
    /// closes the request (`Decided`, or `CorrectionLapsed` which closes as
    /// `op_no_correction`), the decision date and outcome are recorded on the request's row.
    /// Returns the request as it now is.
    fn append_event(
        &self,
        id: RequestId,
        event: TimelineEvent,
    ) -> impl Future<Output = Result<Request>> + Send;

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
    fn create_remedy(&self, new: NewRemedy) -> impl Future<Output = Result<Remedy>> + Send;

    /// The case of `agency` with this reference, if any.
    fn remedy_by_reference(
        &self,
        agency: AgencyId,
        reference: &str,
    ) -> impl Future<Output = Result<Option<Remedy>>> + Send;

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
    /// Requests already stored and left as they were.
    pub unchanged: usize,
    /// The same counts for reconsideration and litigation cases.
    pub remedies: ImportCounts,
}

/// Created / updated / unchanged counts of one kind of record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// The ledger import (台账导入).
pub trait LedgerImport: Send + Sync {
    /// Imports a ledger in ONE transaction: all of it or, on any error, none of it.
    ///
    /// Matching is by (agency, reference), so importing the same ledger again changes nothing.
    /// A request already stored is left as it is, except that when it is still open and the
    /// imported timeline is closed, the imported closing event (`Decided`, or
    /// `CorrectionLapsed`; see [`rules::closing_event`]) is appended, validated by the state
    /// machine against the stored timeline, and the row's decision columns set. A new request's events are validated in order; an empty
    /// list stands for a single `Received` event on the date of receipt. A remedy case already
    /// stored is left as it is, except that a closing present in the import and absent from
    /// the store is recorded. A reference appearing twice in one import is a
    /// [`StoreError::Conflict`].
    fn import(
        &self,
        requests: Vec<(NewRequest, Vec<TimelineEvent>)>,
        remedies: Vec<NewRemedy>,
    ) -> impl Future<Output = Result<ImportSummary>> + Send;
}

/// An agency's table 二 figures, recorded by its officer.
pub trait Figures: Send + Sync {
    /// Replaces the agency-year's figures with `figures` (cells not listed are removed). Only
    /// `t2.*` cells whose value fits the cell's kind are accepted ([`StoreError::Invalid`]).
    fn set_figures(&self, figures: YearFigures) -> impl Future<Output = Result<()>> + Send;

    /// The figures of the agency-year, in the order they were set; `None` if never set.
    fn figures(
        &self,
        agency: AgencyId,
        year: i32,
    ) -> impl Future<Output = Result<Option<YearFigures>>> + Send;
}

/// Working-day calendar arrangements an administrator added after the release (spec §7).
pub trait CalendarOverrides: Send + Sync {
    /// The TOML texts, in the order they were added; merge them in this order over the
    /// official calendar.
    fn calendar_overrides(&self) -> impl Future<Output = Result<Vec<String>>> + Send;

    /// Stores one more TOML text. The caller validates it with `gongkai_calendar` first; the
    /// store keeps the text as given.
    fn add_calendar_override(&self, toml: &str) -> impl Future<Output = Result<()>> + Send;
}

/// Every capability: what a backend provides.
pub trait Store:
    Agencies + Requests + Remedies + LedgerImport + Figures + CalendarOverrides
{
}

impl<T> Store for T where
    T: Agencies + Requests + Remedies + LedgerImport + Figures + CalendarOverrides
{
}
