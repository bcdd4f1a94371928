//! Redaction for partial disclosure (区分处理, 第三十七条) of the reply documents: an officer
//! uploads the document to be provided, marks the parts to withhold page by page (after a pass
//! that pre-marks identity, mobile and bank card numbers, 第十五条), and an approver releases
//! the copy rebuilt from it (web.md §1: releasing redacted documents is the approver's). The
//! original stays with the request for the handling roles; the applicant only gets the copy.
//!
//! Reading and rebuilding documents runs poppler and LibreOffice ([`gongkai_redact`]) on the
//! blocking pool, never on the async runtime's threads.

use crate::{Ctx, FieldProblem, Result, ServiceError};
use chrono::{DateTime, Utc};
use gongkai_access::Capability;
use gongkai_cases::RequestId;
use gongkai_redact::{Area, Original, Reason, Rect};
use gongkai_store::applications::{ReplyDocument, ReplyDocumentId};
use gongkai_store::redactions::{NewBox, RedactionBox};
use gongkai_store::{Blobs, Store, StoreError};

/// A reply document with its boxes and page count, as the office page and `getDocument` show
/// it.
#[derive(Debug, Clone)]
pub struct Redaction {
    pub document: ReplyDocument,
    pub boxes: Vec<RedactionBox>,
    /// The pages of the original, when it is a kind that can be redacted (PDF, DOCX, image).
    pub pages: Option<u32>,
    /// Whether the caller may mark it (and see its pages), and release it.
    pub can_handle: bool,
    pub can_release: bool,
}

/// The resolution pages are shown at in the back office.
pub const PAGE_DPI: u32 = 100;

/// The redaction programs as configured (`[redact]`): a directory searched before `PATH`, and
/// the longest one program may run, at least a second.
pub fn tools(dir: Option<std::path::PathBuf>, timeout_seconds: u64) -> gongkai_redact::Tools {
    gongkai_redact::Tools {
        dir,
        timeout: std::time::Duration::from_secs(timeout_seconds.max(1)),
    }
}

/// A stored box as the redaction crate reads it.
pub fn area(b: &RedactionBox) -> Result<Area> {
    let reason = Reason::parse(&b.reason).ok_or_else(|| {
        ServiceError::Store(StoreError::Backend(format!(
            "数据库中的区分处理理由无法识别：{}",
            b.reason
        )))
    })?;
    Ok(Area {
        page: b.page,
        rect: Rect::from_millionths([b.x, b.y, b.w, b.h]),
        reason,
    })
}

/// A box to store: the area in millionths of the page.
fn new_box(a: &Area, pattern: bool, added: Option<(DateTime<Utc>, String)>) -> NewBox {
    let [x, y, w, h] = a.rect.millionths();
    NewBox {
        page: a.page,
        x,
        y,
        w,
        h,
        reason: a.reason.article().to_owned(),
        pattern,
        added,
    }
}

/// Whether two boxes cover the same area of the same page.
fn same_place(a: &NewBox, b: &NewBox) -> bool {
    (a.page, a.x, a.y, a.w, a.h) == (b.page, b.x, b.y, b.w, b.h)
}

/// The released copy's file name: the original's, marked, as a PDF.
pub fn released_name(original: &str) -> String {
    let stem = original
        .rsplit_once('.')
        .map_or(original, |(stem, _)| stem)
        .trim();
    let stem = if stem.is_empty() {
        "答复文件"
    } else {
        stem
    };
    format!("{stem}（区分处理）.pdf")
}

/// Runs work on the blocking pool (rasterizing a document takes seconds).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::result::Result<T, gongkai_redact::Error> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ServiceError::Invalid(format!("文件处理中断：{e}")))?
        .map_err(ServiceError::Redact)
}

/// A redaction crate's box problems as form fields.
fn problems(list: Vec<gongkai_redact::Problem>) -> ServiceError {
    ServiceError::Fields(
        list.into_iter()
            .map(|p| FieldProblem {
                field: "boxes",
                message: p.message,
            })
            .collect(),
    )
}

impl<S: Store> Ctx<'_, S> {
    /// Uploads a document to be provided to the applicant (a PDF, DOCX, PNG or JPEG, checked
    /// by its content): a reply document of the request, not released, to be redacted.
    pub async fn upload_document<B: Blobs>(
        &self,
        blobs: &B,
        request: RequestId,
        name: &str,
        bytes: &[u8],
        at: DateTime<Utc>,
    ) -> Result<ReplyDocument> {
        // The kind by the content, before anything is stored.
        let kind =
            gongkai_blobs::sniff(bytes, name).map_err(|e| ServiceError::Invalid(e.to_string()))?;
        if gongkai_redact::Kind::of(kind.media_type()).is_none() {
            return Err(ServiceError::Redact(gongkai_redact::Error::Unsupported(
                kind.label().to_owned(),
            )));
        }
        self.add_reply_document(blobs, request, name, bytes, at)
            .await
    }

    /// A reply document with its boxes, for those who see its request; with `pages`, the
    /// original's page count (it is opened: seconds for a DOCX).
    pub async fn redaction<B: Blobs>(
        &self,
        blobs: &B,
        id: ReplyDocumentId,
        pages: bool,
    ) -> Result<Redaction> {
        let document = self.reply_document(id).await?;
        let (_, agency, tree) = self.request_in_scope(document.request).await?;
        let can = |c| self.scope.allows(agency.id, &tree, c);
        let (can_handle, can_release) = (can(Capability::Handle), can(Capability::Release));
        let boxes = self.store.redaction_boxes(id).await?;
        let redactable = gongkai_redact::Kind::of(&document.file.media_type).is_some();
        let pages = if pages && can_handle && redactable {
            Some(self.original(blobs, &document).await?.pages())
        } else {
            None
        };
        Ok(Redaction {
            document,
            boxes,
            pages,
            can_handle,
            can_release,
        })
    }

    /// The original of a reply document, opened (on the blocking pool).
    async fn original<B: Blobs>(&self, blobs: &B, document: &ReplyDocument) -> Result<Original> {
        let bytes = blobs.get(&document.file.sha256).await?.ok_or_else(|| {
            StoreError::NotFound(format!("答复文件“{}”的内容", document.file.name))
        })?;
        let tools = self.settings.redact.clone();
        let media_type = document.file.media_type.clone();
        blocking(move || Original::open(&tools, &bytes, &media_type)).await
    }

    /// A reply document the handling roles may work on: in scope, and the caller holds
    /// `capability` on its agency. Returns the document and the grant's audit draft.
    async fn document_for(
        &self,
        id: ReplyDocumentId,
        capability: Capability,
        action: &'static str,
    ) -> Result<(ReplyDocument, gongkai_audit::Draft)> {
        let document = self.reply_document(id).await?;
        let (request, agency, tree) = self.request_in_scope(document.request).await?;
        let grant = self.grant_in(&tree, &agency, capability)?;
        if document.released.is_some() {
            // 第三十七条: what left the office is final.
            return Err(StoreError::Conflict(format!(
                "答复文件“{}”已发布，不能再作区分处理",
                document.file.name
            ))
            .into());
        }
        let audit = self
            .draft(&grant, action, format!("申请 {}", request.data.reference))
            .await?;
        Ok((document, audit))
    }

    /// A page of a reply document's original as a PNG, for the handling roles only (it shows
    /// what the applicant may not see).
    pub async fn document_page<B: Blobs>(
        &self,
        blobs: &B,
        id: ReplyDocumentId,
        page: u32,
    ) -> Result<Vec<u8>> {
        let document = self.reply_document(id).await?;
        let (_, agency, tree) = self.request_in_scope(document.request).await?;
        self.grant_in(&tree, &agency, Capability::Handle)?;
        let original = self.original(blobs, &document).await?;
        let tools = self.settings.redact.clone();
        blocking(move || original.page_png(&tools, page, PAGE_DPI)).await
    }

    /// Saves the boxes of a reply document not yet released, replacing those it had: a box
    /// where one was keeps who marked it and when (and whether the pattern pass did). With
    /// `patterns`, the pattern pass adds a box, reason 第十五条, over every identity, mobile and
    /// bank card number not already covered by one in the same place. Returns the boxes.
    pub async fn redact_document<B: Blobs>(
        &self,
        blobs: &B,
        id: ReplyDocumentId,
        areas: Vec<Area>,
        patterns: bool,
        at: DateTime<Utc>,
    ) -> Result<Vec<RedactionBox>> {
        let (document, audit) = self
            .document_for(id, Capability::Handle, "request.redact_document")
            .await?;
        let original = self.original(blobs, &document).await?;
        gongkai_redact::validate(&areas, original.pages()).map_err(problems)?;
        let before: Vec<NewBox> = self
            .store
            .redaction_boxes(id)
            .await?
            .iter()
            .map(RedactionBox::kept)
            .collect();
        let mut boxes: Vec<NewBox> = areas
            .iter()
            .map(|a| {
                let mut b = new_box(a, false, None);
                if let Some(kept) = before.iter().find(|k| same_place(k, &b)) {
                    b.pattern = kept.pattern;
                    b.added.clone_from(&kept.added);
                }
                b
            })
            .collect();
        if patterns {
            let tools = self.settings.redact.clone();
            let found = blocking(move || original.find_patterns(&tools)).await?;
            for f in found {
                let b = new_box(&f.area(), true, None);
                if !boxes.iter().any(|k| same_place(k, &b)) {
                    boxes.push(b);
                }
            }
        }
        Ok(self.store.set_redaction_boxes(id, boxes, at, audit).await?)
    }

    /// Builds the released copy of a reply document (every page rebuilt as an image, its boxes
    /// painted black, a redaction log at the end; a document without boxes is rebuilt the same
    /// way, its metadata and hidden content gone) and releases it to the applicant's tracking
    /// page. The approver's (web.md §1).
    pub async fn release_document<B: Blobs>(
        &self,
        blobs: &B,
        id: ReplyDocumentId,
        at: DateTime<Utc>,
    ) -> Result<ReplyDocument> {
        let (document, audit) = self
            .document_for(id, Capability::Release, "request.release_document")
            .await?;
        let areas = self
            .store
            .redaction_boxes(id)
            .await?
            .iter()
            .map(area)
            .collect::<Result<Vec<_>>>()?;
        let original = self.original(blobs, &document).await?;
        let tools = self.settings.redact.clone();
        let copy = blocking(move || original.release(&tools, &areas)).await?;
        let file = crate::catalogue::store_attachment(
            blobs,
            &released_name(&document.file.name),
            &copy,
            gongkai_blobs::DEFAULT_MAX_SIZE,
        )
        .await?;
        Ok(self.store.release_redacted(id, file, at, audit).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_names_say_what_they_are() {
        assert_eq!(released_name("答复材料.docx"), "答复材料（区分处理）.pdf");
        assert_eq!(released_name("scan"), "scan（区分处理）.pdf");
        assert_eq!(released_name(".pdf"), "答复文件（区分处理）.pdf");
    }
}
