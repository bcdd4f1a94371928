//! The catalogue as the back office keeps it (issue 12 §2): one agency's documents page by
//! page, a document opened for editing by those whose scope reaches its agency, an edit and a
//! repeal by the document's id. Writing needs [`Capability::Handle`] on the publishing agency,
//! as entering does; an edit keeps the document's agency and its 有效性 (a repeal is its own
//! use case) and gives it the next revision, which the search index then applies.

use super::{DocumentInput, name_in, scope_of};
use crate::{Capability, Ctx, Result, ServiceError};
use chrono::NaiveDate;
use gongkai_cases::Agency;
use gongkai_catalogue::{Category, Document, DocumentId, Validity};
use gongkai_search::Search;
use gongkai_store::{Blobs, DocumentFilter, Store, StoreError};

/// A page of an agency's documents, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentPage {
    pub documents: Vec<Document>,
    /// Where the next page starts (the last document's 发布日期 and id), if there is one.
    pub next: Option<(NaiveDate, DocumentId)>,
}

/// A document opened in the back office.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficeDocument {
    pub document: Document,
    /// The publishing agency.
    pub agency: Agency,
    /// The 索引号 of the document a 政策解读 explains.
    pub interprets: Option<String>,
    /// Whether the caller may edit and repeal it.
    pub can_handle: bool,
}

impl<S: Store> Ctx<'_, S> {
    /// Whether the caller may enter and edit the documents of `agency`: the access check of
    /// [`Ctx::add_document`] alone, for a form that found mistakes before calling it (a caller
    /// who may not write is refused whatever the form holds).
    pub async fn may_handle(&self, agency: &str) -> Result<()> {
        let (agency, tree) = self.locate(agency).await?;
        self.grant_in(&tree, &agency, Capability::Handle)?;
        Ok(())
    }

    /// One page of the documents of `agency` (and, with `subtree`, of the agencies below it),
    /// newest first, optionally of a category or published in a year, after the cursor.
    pub async fn documents_page(
        &self,
        agency: &str,
        subtree: bool,
        filter: (Option<Category>, Option<i32>),
        after: Option<(NaiveDate, DocumentId)>,
        limit: usize,
    ) -> Result<DocumentPage> {
        let (agency, tree) = self.locate(agency).await?;
        let (category, year) = filter;
        let limit = limit.clamp(1, 1000);
        let mut documents = self
            .store
            .list_documents(&DocumentFilter {
                agencies: scope_of(&tree, agency.id, subtree),
                category,
                published_from: year.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)),
                published_to: year.and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)),
                limit: limit + 1,
                after,
            })
            .await?;
        let next = if documents.len() > limit {
            documents.truncate(limit);
            documents.last().map(|d| (d.data.published, d.id))
        } else {
            None
        };
        Ok(DocumentPage { documents, next })
    }

    /// A document for the back office: the scope must reach its agency (otherwise it is
    /// unknown, as any record of an agency one does not see).
    pub async fn office_document(&self, id: DocumentId) -> Result<OfficeDocument> {
        let document = self.store.document(id).await?.ok_or_else(|| unknown(id))?;
        let tree = self.tree().await?;
        let agency = tree
            .iter()
            .find(|a| a.id == document.data.agency)
            .cloned()
            .ok_or_else(|| unknown(id))?;
        if !self.scope.reaches(agency.id, &tree) {
            return Err(unknown(id));
        }
        let interprets = match document.data.interprets {
            Some(t) => self
                .store
                .document(t)
                .await?
                .map(|d| d.data.index_number.raw),
            None => None,
        };
        let can_handle = self.scope.allows(agency.id, &tree, Capability::Handle);
        Ok(OfficeDocument {
            document,
            agency,
            interprets,
            can_handle,
        })
    }

    /// Replaces a document's data with what the officer entered (checked as entering checks
    /// it), keeping its agency and its 有效性; the files uploaded are added to its attachments,
    /// or replace them when `replace_attachments`. The audit entry names the previous revision;
    /// the search index catches up.
    pub async fn edit_document<X: Search, B: Blobs>(
        &self,
        index: &X,
        blobs: &B,
        max_attachment_bytes: u64,
        id: DocumentId,
        input: DocumentInput,
        replace_attachments: bool,
    ) -> Result<Document> {
        let stored = self.store.document(id).await?.ok_or_else(|| unknown(id))?;
        let tree = self.tree().await?;
        let agency = tree
            .iter()
            .find(|a| a.id == stored.data.agency)
            .cloned()
            .ok_or_else(|| unknown(id))?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let input = DocumentInput {
            agency: agency.name.clone(),
            validity: stored.data.validity.clone(),
            ..input
        };
        let mut new = self
            .new_document(&agency, &tree, blobs, max_attachment_bytes, input)
            .await?;
        // The form has no fields for the links to the standard directory and the channels
        // (they come with an import): they are kept as they are.
        new.items = stored.data.items.clone();
        new.channels = stored.data.channels.clone();
        if !replace_attachments {
            let mut kept = stored.data.attachments.clone();
            kept.retain(|a| !new.attachments.iter().any(|n| n.sha256 == a.sha256));
            kept.append(&mut new.attachments);
            new.attachments = kept;
        }
        let mut audit = self
            .draft(
                &grant,
                "catalogue.edit",
                format!("目录 {}", new.index_number.raw),
            )
            .await?;
        audit.set("title", new.title.as_str());
        let doc = self.store.update_document(id, new, audit).await?;
        self.catch_up(index).await?;
        Ok(doc)
    }

    /// Records a document's 失效 or 废止 (or 有效 again), by its id: see
    /// [`Ctx::repeal_document`].
    pub async fn repeal_document_by_id<X: Search>(
        &self,
        index: &X,
        id: DocumentId,
        validity: Validity,
    ) -> Result<Document> {
        let stored = self.store.document(id).await?.ok_or_else(|| unknown(id))?;
        let tree = self.tree().await?;
        if !self.scope.reaches(stored.data.agency, &tree) {
            return Err(unknown(id));
        }
        let agency = name_in(&tree, stored.data.agency);
        self.repeal_document(index, &agency, &stored.data.index_number.raw, validity)
            .await
    }
}

/// A document the caller does not see, or that does not exist: the same answer.
fn unknown(id: DocumentId) -> ServiceError {
    StoreError::NotFound(format!("找不到编号为 {id} 的目录信息")).into()
}
