//! The public log of answered requests (issue 16): an officer publishes a request that has been
//! answered — under a title the officer writes, the applicant anonymised — and the portal lists
//! it with the documents released to the applicant, so that the next applicant finds the answer
//! already given (第四十四条 in spirit: what several ask for is better made public).

use crate::applications::ReplyDocumentId;
use crate::{Draft, Result};
use chrono::{DateTime, Utc};
use gongkai_cases::{AgencyId, RequestId};
use std::future::Future;

/// Database identity of an entry of the log: its public number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DisclosureId(pub i64);

/// An entry of the public log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    pub id: DisclosureId,
    pub request: RequestId,
    /// The request's agency, copied at publication: the log is listed per agency.
    pub agency: AgencyId,
    /// What was asked, as the officer wrote it for the public (no personal data).
    pub title: String,
    /// The reply documents shown with it, chosen among those released to the applicant.
    pub documents: Vec<ReplyDocumentId>,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
}

/// The public log of answered requests.
pub trait Disclosures: Send + Sync {
    /// Puts a request in the log under `title` with `documents`. A request already in it is
    /// [`StoreError::Conflict`](crate::StoreError::Conflict); an unknown request
    /// [`StoreError::NotFound`](crate::StoreError::NotFound). Whether the request may be
    /// published (answered, anonymised, the documents released) is the use case's check.
    fn publish_disclosure(
        &self,
        request: RequestId,
        title: &str,
        documents: &[ReplyDocumentId],
        at: DateTime<Utc>,
        audit: Draft,
    ) -> impl Future<Output = Result<Disclosure>> + Send;

    /// Takes a request out of the log; `false` (and no audit entry) when it was not in it.
    fn withdraw_disclosure(
        &self,
        request: RequestId,
        audit: Draft,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// The entry of a request, if it is in the log.
    fn disclosure_of(
        &self,
        request: RequestId,
    ) -> impl Future<Output = Result<Option<Disclosure>>> + Send;

    /// An entry by its number.
    fn disclosure(
        &self,
        id: DisclosureId,
    ) -> impl Future<Output = Result<Option<Disclosure>>> + Send;

    /// Up to `limit` entries of `agencies` (every agency when `None`), newest first, from before
    /// the entry `before` (keyset paging).
    fn disclosures(
        &self,
        agencies: Option<&[AgencyId]>,
        before: Option<DisclosureId>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Disclosure>>> + Send;
}
