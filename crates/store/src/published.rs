//! Published annual reports (第四十九条、第五十条): each publication of an agency-year's report
//! is a frozen snapshot of its canonical JSON (spec §4), numbered 1, 2, …; a correction is a
//! new version with its 更正说明, never a change of one already published. Versions are written
//! by the filing workflow's publication step ([`Filings::record_step`](crate::Filings::record_step)).

use crate::Result;
use chrono::{DateTime, Utc};
use gongkai_cases::AgencyId;
use std::future::Future;

/// The longest 更正说明 kept, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// One published version of an agency-year's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedReport {
    pub agency: AgencyId,
    pub year: i32,
    /// 1 for the first publication, then one more per correction.
    pub version: i32,
    /// The report's canonical JSON (`gongkai_report::json`), as published.
    pub json: String,
    /// The 更正说明 of a correction (versions after the first).
    pub note: Option<String>,
    pub published_at: DateTime<Utc>,
    /// The audit actor who published it.
    pub published_by: String,
}

/// What a listing shows of one version: everything but the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedVersion {
    pub year: i32,
    pub version: i32,
    pub note: Option<String>,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
}

/// The published reports.
pub trait PublishedReports: Send + Sync {
    /// The agency's published years, newest year first, each with its latest version.
    fn published_reports(
        &self,
        agency: AgencyId,
    ) -> impl Future<Output = Result<Vec<PublishedVersion>>> + Send;

    /// Every version of an agency-year's report, newest first (empty when none is published).
    fn published_versions(
        &self,
        agency: AgencyId,
        year: i32,
    ) -> impl Future<Output = Result<Vec<PublishedVersion>>> + Send;

    /// One version of an agency-year's report (the latest when `version` is `None`), if
    /// published.
    fn published_report(
        &self,
        agency: AgencyId,
        year: i32,
        version: Option<i32>,
    ) -> impl Future<Output = Result<Option<PublishedReport>>> + Send;
}
