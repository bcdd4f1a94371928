//! Earlier requests like a new one, found at registration: the same applicant's (identity
//! number, else name and phone), and near-identical ones of others by the content words of their
//! descriptions, kept as an inverted index (word → requests, each posting with its request's
//! number of words), so that a look-up among 100,000 requests reads only the postings of the new
//! request's words. The words themselves come from the application (jieba segmentation); the
//! store keeps them. Also the links an officer makes between requests that are the same (同一申请),
//! and the agency an answer names as responsible for the information (第三十六条第（五）项).

use crate::{Draft, Result};
use chrono::{DateTime, Utc};
use gongkai_cases::RequestId;
use std::future::Future;

/// A request sharing words with the one looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlap {
    pub request: RequestId,
    /// Words shared with the looked-up set.
    pub shared: i64,
    /// The request's own number of words.
    pub words: i64,
}

/// Two requests linked as the same request, the smaller id first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub request: RequestId,
    pub other: RequestId,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// The agency responsible for the information, and how to reach it (电话、地址).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub agency: String,
    pub contact: String,
}

/// The index of requests' words, the links between requests, referrals.
pub trait SimilarRequests: Send + Sync {
    /// Replaces the words of each request (none: an empty list), in one transaction; a request
    /// so given counts as indexed. Derived data, not audited (like the catalogue's search
    /// index): the description it comes from is.
    fn set_request_words(
        &self,
        words: &[(RequestId, Vec<String>)],
    ) -> impl Future<Output = Result<()>> + Send;

    /// Up to `limit` requests whose words are not indexed yet, with their descriptions,
    /// ordered by id.
    fn unindexed_requests(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<(RequestId, String)>>> + Send;

    /// The indexed requests other than `except` with between the two `bounds` of words
    /// (inclusive) sharing one of `words` (distinct), each with how many it shares, in no
    /// particular order. How alike is alike enough is the caller's rule (第四十四条's grouping).
    fn word_overlaps(
        &self,
        words: &[String],
        bounds: (i64, i64),
        except: RequestId,
    ) -> impl Future<Output = Result<Vec<Overlap>>> + Send;

    /// The requests other than `except` with this identity number, or, when `id_number` is
    /// empty, with a first-named applicant of this name and this phone; ordered by id.
    fn same_applicant(
        &self,
        id_number: &str,
        name_phone: (&str, &str),
        except: RequestId,
    ) -> impl Future<Output = Result<Vec<RequestId>>> + Send;

    /// Links two requests as the same request (同一申请), or unlinks them (`linked` false).
    /// Both must exist (`NotFound`); a request is not linked to itself (`Invalid`); linking
    /// linked requests or unlinking unlinked ones is a `Conflict`.
    fn set_link(
        &self,
        a: RequestId,
        b: RequestId,
        linked: bool,
        audit: Draft,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The links of any of `ids`, ordered by the pair.
    fn links_of(&self, ids: &[RequestId]) -> impl Future<Output = Result<Vec<Link>>> + Send;

    /// Sets (or with `None` removes) the agency the reply names as responsible for the
    /// information (第三十六条第（五）项).
    fn set_referral(
        &self,
        request: RequestId,
        referral: Option<Referral>,
        audit: Draft,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The referral of a request, if set.
    fn referral(&self, request: RequestId)
    -> impl Future<Output = Result<Option<Referral>>> + Send;
}
