//! Redaction of reply documents (区分处理, 第三十七条): the boxes marked on a document and the
//! released copy rebuilt from them. A reply document ([`crate::applications::ReplyDocument`])
//! stays the one concept of "a document provided to the applicant": its original is what the
//! handling roles see, its released copy ([`ReplyDocument::copy`]) what the applicant gets.
//!
//! [`ReplyDocument::copy`]: crate::applications::ReplyDocument::copy

use crate::Result;
use crate::applications::{ReplyDocument, ReplyDocumentId};
use chrono::{DateTime, Utc};
use gongkai_audit::Draft;
use gongkai_catalogue::Attachment;
use std::future::Future;

/// Coordinates are stored in millionths of the page: exact integers on both backends.
pub const SCALE: u32 = 1_000_000;

/// A box on a page of a document: where (millionths of the page's width and height from its
/// top left corner), why (the article of the 条例, as `gongkai_redact::Reason` writes it), and
/// whether the pattern pass marked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBox {
    /// The page, from 1.
    pub page: u32,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub reason: String,
    /// Marked by the pattern pass (identity, mobile, bank card numbers), not drawn.
    pub pattern: bool,
    /// Who marked it and when, for a box kept from before; `None`: this write's actor, now.
    pub added: Option<(DateTime<Utc>, String)>,
}

/// A stored box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactionBox {
    pub page: u32,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub reason: String,
    pub pattern: bool,
    pub added_at: DateTime<Utc>,
    pub added_by: String,
}

impl RedactionBox {
    /// The box as it would be saved again unchanged (keeping who marked it and when).
    pub fn kept(&self) -> NewBox {
        NewBox {
            page: self.page,
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
            reason: self.reason.clone(),
            pattern: self.pattern,
            added: Some((self.added_at, self.added_by.clone())),
        }
    }
}

/// The boxes and released copies of reply documents.
pub trait Redactions: Send + Sync {
    /// Replaces the boxes of a reply document not yet released, in one transaction with its
    /// audit entry; returns them as stored. A released document's boxes are final
    /// ([`crate::StoreError::Conflict`]); a box off the page's edges is
    /// [`crate::StoreError::Invalid`].
    fn set_redaction_boxes(
        &self,
        document: ReplyDocumentId,
        boxes: Vec<NewBox>,
        at: DateTime<Utc>,
        audit: Draft,
    ) -> impl Future<Output = Result<Vec<RedactionBox>>> + Send;

    /// The boxes of a reply document, in order.
    fn redaction_boxes(
        &self,
        document: ReplyDocumentId,
    ) -> impl Future<Output = Result<Vec<RedactionBox>>> + Send;

    /// Records the released copy of a reply document (its bytes already stored as a blob) and
    /// releases the document to the applicant, in one transaction with its audit entry. A
    /// document released before is [`crate::StoreError::Conflict`], and nothing changes.
    fn release_redacted(
        &self,
        document: ReplyDocumentId,
        copy: Attachment,
        at: DateTime<Utc>,
        audit: Draft,
    ) -> impl Future<Output = Result<ReplyDocument>> + Send;
}
