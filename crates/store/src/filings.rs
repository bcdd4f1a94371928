//! The filing workflow of the annual reports (第四十九条): every step of an agency-year's
//! report — submitted, returned, cleared, published — as a numbered row, never changed. The
//! state is the last step's ([`gongkai_filing::state`]); a submission keeps the report as
//! submitted with the explanations of its warnings; a publication is also a version of
//! [`PublishedReports`](crate::PublishedReports), written in the same transaction.

use crate::{Draft, Result};
use chrono::{DateTime, Utc};
use gongkai_cases::AgencyId;
use gongkai_filing::Action;
use std::future::Future;

/// The longest comment of a return, or 更正说明, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

/// A step to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStep {
    pub action: Action,
    /// The report's canonical JSON: the report submitted, or published.
    pub report: Option<String>,
    /// The explanations of the warnings, as JSON (`{"R9": "…"}`), with a submission or
    /// publication.
    pub explanations: Option<String>,
    /// A return's comment, or a correction's 更正说明.
    pub text: Option<String>,
    /// A return's remarks on cells or sections, as JSON (`{"t3.granted.total": "…"}`).
    pub remarks: Option<String>,
}

/// A recorded step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1, 2, … in the order of the steps.
    pub seq: i32,
    pub action: Action,
    /// The report of a submission or publication (`None` when listed without reports).
    pub report: Option<String>,
    pub explanations: Option<String>,
    pub text: Option<String>,
    pub remarks: Option<String>,
    /// The published version a publication made.
    pub version: Option<i32>,
    pub at: DateTime<Utc>,
    /// The audit actor who took the step.
    pub by: String,
}

/// The filing workflow's steps.
pub trait Filings: Send + Sync {
    /// Records the next step of an agency-year's report, numbered `seq`, which must be one more
    /// than the steps recorded ([`StoreError::Conflict`](crate::StoreError::Conflict)
    /// otherwise: someone else took a step meanwhile, and the caller decided on an old state).
    /// A publication also publishes its report as the next version of
    /// [`PublishedReports`](crate::PublishedReports) with the step's text as 更正说明, and
    /// returns that version. The agency must exist. The audit entry names the step.
    fn record_step(
        &self,
        agency: AgencyId,
        year: i32,
        seq: i32,
        step: NewStep,
        audit: Draft,
    ) -> impl Future<Output = Result<Option<i32>>> + Send;

    /// The steps of an agency-year's report in order, with their reports.
    fn steps(&self, agency: AgencyId, year: i32) -> impl Future<Output = Result<Vec<Step>>> + Send;

    /// The steps of the agencies' reports of a year, in order per agency, without their reports
    /// (the overview of a supervisor's subtree).
    fn steps_of(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<(AgencyId, Step)>>> + Send;
}
