//! Storage of the proactive-disclosure catalogue (政府信息公开目录, 条例 第十九–二十六条): its
//! documents with their statutory metadata and attachment records, and what the register of
//! table 二, the late-publication figures (第二十六条) and a search index read of them.
//!
//! The rules every backend keeps:
//!
//! - 第十二条: every entry carries an index number (索引号), unique within its agency. Uniqueness
//!   is decided on [`IndexNumber::key`] (widths, dashes, case and spaces normalised), so
//!   `ABC/2020-00001` and `ＡＢＣ／２０２０－００００１` are one document.
//! - Every write of a document gives it the next **revision** of the catalogue, a number that
//!   only grows. A search index records the revision it has applied and catches up with
//!   [`Catalogue::documents_since`]: a document is written with its revision in one transaction,
//!   and revisions become visible in the order they were given (see the backends), so an index
//!   that has applied revision `r` has missed nothing at or below `r`.
//! - Documents are never deleted (a repealed document stays in the catalogue with its
//!   有效性), so a revision is never given twice.
//! - The body is stored as given: the caller sanitises it first (`gongkai_catalogue::body`).
//!   Attachments are stored as records (SHA-256, name, media type, size) with the document; their
//!   bytes are in a [`Blobs`](crate::Blobs) store.

use crate::{Draft, ImportCounts, Result, StoreError};
use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use gongkai_catalogue::{
    Document, DocumentId, IndexNumber, Item, NewDocument, RegisterEntry, Validity,
};
use std::future::Future;

/// Which documents [`Catalogue::list_documents`] lists, newest first (by 发布日期, then by id),
/// one page at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentFilter {
    /// The publishing agencies. Empty lists nothing (as every listing of the store by agencies
    /// does): a caller lists every agency by naming every agency.
    pub agencies: Vec<AgencyId>,
    /// Only 规章 or only 规范性文件.
    pub category: Option<gongkai_catalogue::Category>,
    /// Published on or after this day.
    pub published_from: Option<NaiveDate>,
    /// Published on or before this day.
    pub published_to: Option<NaiveDate>,
    /// Documents per page at most (0 is taken as 1).
    pub limit: usize,
    /// The (发布日期, id) of the last document of the previous page: the page continues after
    /// it. Keyset pagination, so a deep page costs what the first does and a document published
    /// meanwhile does not shift the pages.
    pub after: Option<(NaiveDate, DocumentId)>,
}

/// [`Catalogue::item_overview`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemOverview {
    pub counts: Vec<(Option<gongkai_catalogue::Item>, u64)>,
    pub newest: Vec<Document>,
}

/// The dates late publication is computed from (第二十六条): a document's id, its 成文日期 (when
/// known) and its 发布日期.
pub type PublicationDates = (DocumentId, Option<NaiveDate>, NaiveDate);

/// A document as section 二 of the report counts it ([`Catalogue::published_documents`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedDocument {
    pub id: DocumentId,
    pub agency: AgencyId,
    /// 发布日期.
    pub published: NaiveDate,
    pub item: Option<Item>,
    /// The document it interprets, for a 政策解读.
    pub interprets: Option<DocumentId>,
}

/// The catalogue's documents.
pub trait Catalogue: Send + Sync {
    /// Stores a new document with its attachment records and gives it the next revision. The
    /// (agency, index number key) pair is unique ([`StoreError::Conflict`]); the agency must
    /// exist, and so must the document `interprets` names ([`StoreError::NotFound`]); the
    /// document must pass [`check_document`] ([`StoreError::Invalid`]).
    fn create_document(
        &self,
        new: NewDocument,
        audit: Draft,
    ) -> impl Future<Output = Result<Document>> + Send;

    /// Replaces a stored document's data (attachment records included) and gives it the next
    /// revision, with the checks of [`create_document`](Self::create_document); a document
    /// cannot interpret itself. An unknown id is [`StoreError::NotFound`].
    fn update_document(
        &self,
        id: DocumentId,
        new: NewDocument,
        audit: Draft,
    ) -> impl Future<Output = Result<Document>> + Send;

    /// Records a document's 有效性 (废止 or 失效 with its date and, for 废止, the repealing
    /// document; or 有效 again) and gives it the next revision. A date before the document was
    /// made is [`StoreError::Invalid`] (see [`check_validity`]).
    fn set_validity(
        &self,
        id: DocumentId,
        validity: Validity,
        audit: Draft,
    ) -> impl Future<Output = Result<Document>> + Send;

    /// The document with this id, if any.
    fn document(&self, id: DocumentId) -> impl Future<Output = Result<Option<Document>>> + Send;

    /// The document of `agency` whose index number has the key of `index_number` (given as
    /// written or as its key: both compare by [`IndexNumber::key`]), if any.
    fn document_by_index(
        &self,
        agency: AgencyId,
        index_number: &str,
    ) -> impl Future<Output = Result<Option<Document>>> + Send;

    /// The documents with these ids, in the order of `ids`, unknown ids skipped (a repeated id
    /// gives its document each time).
    fn documents_by_ids(
        &self,
        ids: &[DocumentId],
    ) -> impl Future<Output = Result<Vec<Document>>> + Send;

    /// One page of the documents the filter selects, newest first: by 发布日期 descending, then
    /// by id descending.
    fn list_documents(
        &self,
        filter: &DocumentFilter,
    ) -> impl Future<Output = Result<Vec<Document>>> + Send;

    /// An agency's documents by the item of 第二十条 (or 第二十一条) they are published under:
    /// how many under each (`None`: under no item), in no particular order, and the newest
    /// `per_item` of each, newest first (by 发布日期, then id).
    fn item_overview(
        &self,
        agency: AgencyId,
        per_item: usize,
    ) -> impl Future<Output = Result<ItemOverview>> + Send;

    /// What the register (table 二), late publication and the 政策解读率 read: every document of
    /// `agencies` with a category (规章 / 规范性文件) or an `interprets` link, and every document
    /// of any agency that interprets one of theirs (a 政策解读 counts whoever wrote it). Ordered
    /// by id.
    fn register_entries(
        &self,
        agencies: &[AgencyId],
    ) -> impl Future<Output = Result<Vec<RegisterEntry>>> + Send;

    /// The documents of `agencies` published in `year` under an item of 第二十条 / 第二十一条,
    /// with their 成文日期 and 发布日期: what late publication (第二十六条) is computed from.
    /// Ordered by id.
    fn publication_dates(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<PublicationDates>>> + Send;

    /// The documents of `agencies` published (发布日期) in `year`, with their item and what
    /// they interpret: what section 二's figures count. Ordered by id.
    fn published_documents(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<PublishedDocument>>> + Send;

    /// Up to `limit` documents whose revision is above `revision`, by revision: what a search
    /// index applies to catch up. A document written several times appears once, at its latest
    /// revision.
    fn documents_since(
        &self,
        revision: i64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Document>>> + Send;

    /// The catalogue's latest revision (0 while it is empty).
    fn catalogue_revision(&self) -> impl Future<Output = Result<i64>> + Send;

    /// Imports documents (a CMS export), matched by (agency, index number key), in ONE
    /// transaction: all of them are stored or none. A document not yet stored is created, a
    /// stored one whose data differs is replaced (`changed`), one that is the same is left as it
    /// is with its revision (`unchanged`): importing the same documents again changes nothing.
    /// Every document is checked as [`create_document`](Self::create_document) checks it; an
    /// index number twice in one import is [`StoreError::Conflict`]. One audit entry, with the
    /// counts.
    fn upsert_documents(
        &self,
        docs: Vec<NewDocument>,
        audit: Draft,
    ) -> impl Future<Output = Result<ImportCounts>> + Send;
}

/// The checks of a document that need no database: a title; an index number (第十二条) whose key
/// is not empty; an item of 第二十条 numbered (一)–(十五); attachment records keyed by a SHA-256;
/// a 有效性 whose date is not before the document was made ([`check_validity`]). The message
/// names the document by its index number.
///
/// # Errors
/// [`StoreError::Invalid`] naming the first problem found.
pub fn check_document(new: &NewDocument) -> Result<()> {
    let name = || format!("索引号“{}”", new.index_number.raw);
    if new.index_number.key().is_empty() {
        return Err(StoreError::Invalid(
            "索引号为空：政府信息公开目录的每一条信息都应有索引号（第十二条）".into(),
        ));
    }
    if new.title.trim().is_empty() {
        return Err(StoreError::Invalid(format!("{}的信息名称为空", name())));
    }
    if let Some(Item::Article20(n)) = new.item
        && !(1..=15).contains(&n)
    {
        return Err(StoreError::Invalid(format!(
            "{}：第二十条只有第（一）至（十五）项，没有第 {n} 项",
            name()
        )));
    }
    if let Some(Item::Article21(local)) = &new.item
        && local.trim().is_empty()
    {
        return Err(StoreError::Invalid(format!(
            "{}：第二十一条的公开事项未写名称",
            name()
        )));
    }
    for a in &new.attachments {
        if !crate::blobs::is_sha256(&a.sha256) {
            return Err(StoreError::Invalid(format!(
                "{}的附件“{}”的 SHA-256 无效：{:?}",
                name(),
                a.name,
                a.sha256
            )));
        }
    }
    check_validity(new, &new.validity)
}

/// A 失效 or 废止 date cannot come before the document was made: its 成文日期, or its 发布日期
/// when the 成文日期 is unknown. (Not the 发布日期 when both are known: an agency filling its
/// catalogue with older documents publishes documents repealed long before.)
///
/// # Errors
/// [`StoreError::Invalid`] naming the document and both dates.
pub fn check_validity(doc: &NewDocument, validity: &Validity) -> Result<()> {
    let on = match validity {
        Validity::InForce => return Ok(()),
        Validity::Expired { on } | Validity::Repealed { on, .. } => *on,
    };
    let (made, what) = match doc.written {
        Some(w) => (w, "成文日期"),
        None => (doc.published, "发布日期"),
    };
    if on < made {
        let kind = match validity {
            Validity::Repealed { .. } => "废止",
            _ => "失效",
        };
        return Err(StoreError::Invalid(format!(
            "索引号“{}”：{kind}日期 {on} 早于{what} {made}",
            doc.index_number.raw
        )));
    }
    Ok(())
}

/// The key an index number is unique by, from the text as written or from its key (the key of
/// a key is itself).
pub fn index_key(text: &str) -> String {
    IndexNumber::parse(text).key()
}
