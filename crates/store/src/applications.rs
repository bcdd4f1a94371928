//! Online applications (the portal's 依申请公开 form, 第二十七–二十九条), their tracking code
//! (查询码), the confirmation of their receipt (第三十一条第（三）项), the reply documents released
//! to the applicant, the purge of applicants' personal data after the retention period, and the
//! rate-limit counters every server process shares.

use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::{NewRequest, Request, RequestId, TimelineEvent};
use gongkai_catalogue::Attachment;
use std::future::Future;

/// What the portal stores with an online application besides the request itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication {
    /// SHA-256 (lower-case hex) of the tracking code: the code itself is shown once to the
    /// applicant and never stored, so that a copy of the database does not open the tracking
    /// page.
    pub tracking_hash: String,
    /// When the form was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The date of receipt is the day of submission (the agency confirms online receipt
    /// automatically); otherwise the day an officer confirms.
    pub receipt_fixed: bool,
    /// The SHA-256 of the submission's one-time token (the form's token, the API's
    /// `Idempotency-Key`): the same token twice is refused ([`crate::StoreError::Conflict`])
    /// rather than stored twice; [`Applications::application_by_nonce`] finds the first.
    pub nonce: Option<String>,
    /// The SHA-256 of what was submitted under the token, to tell a retry (the same content)
    /// from another application sent under the same token.
    pub content_hash: Option<String>,
    /// The applicant's attachments, already stored as blobs.
    pub files: Vec<Attachment>,
    /// The photo of the identity document where the agency asks for one, already stored as a
    /// blob of its ENCRYPTED bytes (the name is the ciphertext's SHA-256; media type and size
    /// are the photo's).
    pub id_photo: Option<Attachment>,
}

/// A stored online application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub request: RequestId,
    pub submitted_at: DateTime<Utc>,
    /// When and by whom receipt was confirmed; `None` while it awaits.
    pub confirmed: Option<(DateTime<Utc>, String)>,
    /// [`NewApplication::content_hash`].
    pub content_hash: Option<String>,
    pub files: Vec<Attachment>,
    /// [`NewApplication::id_photo`]; `None` after the purge.
    pub id_photo: Option<Attachment>,
}

/// Database identity of a reply document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplyDocumentId(pub i64);

/// A document of the reply to a request (答复书, the information provided), stored as a blob;
/// the applicant sees it on the tracking page once it is released.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyDocument {
    pub id: ReplyDocumentId,
    pub request: RequestId,
    pub file: Attachment,
    pub added_at: DateTime<Utc>,
    pub added_by: String,
    /// When and by whom it was released to the applicant.
    pub released: Option<(DateTime<Utc>, String)>,
    /// The released copy rebuilt from the original with its boxes painted over (区分处理,
    /// 第三十七条; [`crate::redactions`]), when an approver released it so.
    pub copy: Option<Attachment>,
}

impl ReplyDocument {
    /// What the applicant gets: the released copy where there is one, else the document as
    /// added (a letter the office generated).
    pub fn provided(&self) -> &Attachment {
        self.copy.as_ref().unwrap_or(&self.file)
    }
}

/// What a purge of personal data removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purged {
    /// Requests whose applicants' names, identity documents and contact details were removed.
    pub requests: u64,
    /// Applicants' attachments removed.
    pub files: u64,
    /// Public messages whose senders' names and phone numbers were removed.
    pub messages: u64,
    /// The SHA-256 of the removed files that nothing else names any more: their bytes, gone
    /// from the database's blobs, are to be removed from any other blob store too.
    pub orphaned: Vec<String>,
}

/// The name an applicant's record keeps after the purge of personal data.
pub const PURGED_NAME: &str = "（已清除）";

/// Online applications and what follows them.
pub trait Applications: Send + Sync {
    /// Stores an online application: the request (channel online, its first event `Received`
    /// on the day of submission), awaiting confirmation, with its tracking code's hash and
    /// attachments, in one transaction with its audit entry. The rules of
    /// [`crate::Requests::create_request`] apply; a tracking hash or nonce used before is
    /// [`crate::StoreError::Conflict`].
    fn submit_application(
        &self,
        new: NewRequest,
        first: TimelineEvent,
        application: NewApplication,
        audit: Draft,
    ) -> impl Future<Output = Result<Request>> + Send;

    /// The application whose tracking code has this hash, with its request.
    fn application_by_tracking(
        &self,
        tracking_hash: &str,
    ) -> impl Future<Output = Result<Option<(Application, Request)>>> + Send;

    /// The application submitted under the one-time token with this hash
    /// ([`NewApplication::nonce`]), with its request.
    fn application_by_nonce(
        &self,
        nonce: &str,
    ) -> impl Future<Output = Result<Option<(Application, Request)>>> + Send;

    /// The online application behind a request, if it was one.
    fn application(
        &self,
        request: RequestId,
    ) -> impl Future<Output = Result<Option<Application>>> + Send;

    /// Confirms the receipt of an online application on `on` at `at`
    /// ([`gongkai_cases::online::confirm`], under the request's row lock). Returns the request
    /// as it now is.
    fn confirm_receipt(
        &self,
        id: RequestId,
        on: NaiveDate,
        at: DateTime<Utc>,
        audit: Draft,
    ) -> impl Future<Output = Result<Request>> + Send;

    /// Adds a reply document (its bytes already stored as a blob) to a request, not released.
    fn add_reply_document(
        &self,
        request: RequestId,
        file: Attachment,
        at: DateTime<Utc>,
        audit: Draft,
    ) -> impl Future<Output = Result<ReplyDocument>> + Send;

    /// Releases a reply document to the applicant. Releasing it again changes nothing.
    fn release_reply_document(
        &self,
        id: ReplyDocumentId,
        at: DateTime<Utc>,
        audit: Draft,
    ) -> impl Future<Output = Result<ReplyDocument>> + Send;

    /// The reply document with this id.
    fn reply_document(
        &self,
        id: ReplyDocumentId,
    ) -> impl Future<Output = Result<Option<ReplyDocument>>> + Send;

    /// The reply documents of a request, in the order they were added.
    fn reply_documents(
        &self,
        request: RequestId,
    ) -> impl Future<Output = Result<Vec<ReplyDocument>>> + Send;

    /// Removes the personal data of the requests decided before `decided_before`: the
    /// applicants' names (kept as [`PURGED_NAME`], their kinds kept for table 三), identity
    /// documents and contact details, and the applicants' attachments. The figures, the
    /// timelines and the audit log are untouched (the log holds pseudonyms only, so its chain
    /// still verifies). The same for the public messages whose handling ended before the day
    /// (replied, or set aside as abusive or merged and received before it): the sender's name
    /// (kept as [`PURGED_NAME`]) and phone go, the message and its reply stay. One transaction
    /// with its audit entry.
    fn purge_personal_data(
        &self,
        decided_before: NaiveDate,
        audit: Draft,
    ) -> impl Future<Output = Result<Purged>> + Send;

    /// Counts one more hit of `key` in the time slot `slot` and returns the slot's count
    /// so far, shared by every server process; slots before `forget_before` are deleted.
    fn rate_hit(
        &self,
        key: &str,
        slot: i64,
        forget_before: i64,
    ) -> impl Future<Output = Result<u32>> + Send;
}
