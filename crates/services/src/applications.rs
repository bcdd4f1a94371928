//! Online applications from the officer's side: confirming their receipt on the 工作台
//! (第三十一条第（三）项), the reply documents released to the applicant, and the purge of
//! applicants' personal data after the retention period. The public's side (submitting,
//! tracking) is [`crate::portal::applications`]; the rules both sides share are here: what the
//! portal accepts ([`PortalRules`]), identity numbers (GB 11643, GB 32100), tracking codes.

use crate::{Ctx, FieldProblem, Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_access::Capability;
use gongkai_cases::routing::{self, Step};
use gongkai_cases::{Agency, AgencyId, Request, RequestId, limits};
use gongkai_store::applications::{Application, Purged, ReplyDocument, ReplyDocumentId};
use gongkai_store::{Blobs, Store};

/// What the portal accepts with an online application, and when its receipt is confirmed
/// (`[portal]` of the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortalRules {
    /// The date of receipt is the day of submission (the agency confirms online receipt
    /// automatically); otherwise the day an officer confirms (第三十一条第（三）项).
    pub auto_confirm_receipt: bool,
    /// Files per application.
    pub attachments_max: usize,
    /// The largest file, in bytes.
    pub attachment_max_bytes: u64,
    /// Days after the decision when personal data is purged.
    pub retention_days: u32,
}

impl Default for PortalRules {
    /// The configuration's defaults (`[portal]`; the front end passes the configured values).
    fn default() -> Self {
        PortalRules {
            auto_confirm_receipt: true,
            attachments_max: 5,
            attachment_max_bytes: 10 << 20,
            retention_days: 1825,
        }
    }
}

/// The identity documents an applicant may give (第二十九条第一项), as the form lists them.
pub const ID_TYPES: [&str; 7] = [
    "居民身份证",
    "护照",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
    "统一社会信用代码",
    "其他",
];

/// Checks an identity number against its document type: the check digit of an 18-digit
/// 居民身份证 number (GB 11643-1999, also the 2023 外国人永久居留身份证) and of a 统一社会信用代码
/// (GB 32100-2015). Other documents: printable characters, 4 to 30 of them.
///
/// # Errors
/// A message for the applicant.
pub fn check_id_number(id_type: &str, number: &str) -> std::result::Result<(), String> {
    let n = number.trim().to_ascii_uppercase();
    match id_type {
        // The 2023 permanent residence card has the 居民身份证's 18 digits and check digit.
        "居民身份证" => limits::check_id_number("居民身份证", &n),
        "外国人永久居留身份证" if n.len() == 18 => {
            limits::check_id_number("居民身份证", &n)
        }
        "统一社会信用代码" => credit_code(&n),
        _ if (4..=30).contains(&n.chars().count())
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ') =>
        {
            Ok(())
        }
        _ => Err("证件号码应为4至30位字母或数字".into()),
    }
}

/// GB 32100-2015: 18 characters of `0-9A-HJ-NP-RTUWXY`, the last a check character (MOD 31).
fn credit_code(n: &str) -> std::result::Result<(), String> {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let values: Option<Vec<usize>> = n.chars().map(|c| ALPHABET.find(c)).collect();
    let Some(values) = values.filter(|v| v.len() == 18) else {
        return Err("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）".into());
    };
    let sum: usize = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    if values[17] != check {
        return Err("统一社会信用代码的校验码不正确（GB 32100），请核对".into());
    }
    Ok(())
}

/// The digits of a phone number, or why it is not one: 7 to 15 digits, optionally with `+`,
/// spaces, hyphens and parentheses.
pub fn phone_digits(phone: &str) -> std::result::Result<String, String> {
    let p = phone.trim();
    if !p
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))
    {
        return Err("联系电话只能包含数字、空格和“+-()”".into());
    }
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    if !(7..=15).contains(&digits.len()) {
        return Err("联系电话应有7至15位数字".into());
    }
    Ok(digits)
}

/// The characters of a tracking code: digits and capitals without the ones read alike (0/O,
/// 1/I/L), 31 of them; 16 characters carry 79 bits.
const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 16;

/// A new tracking code (查询码) from the operating system's random source, in groups of four:
/// `K7F3-Q2MX-9RTD-HW4P`.
///
/// # Errors
/// The random source failed.
pub fn new_tracking_code() -> Result<String> {
    let mut bytes = [0u8; CODE_LEN];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Invalid(format!("无法生成查询码：{e}")))?;
    Ok(code_of(&bytes))
}

/// The tracking code of a submission sent under a one-time token (the form's token, the API's
/// `Idempotency-Key`): HMAC-SHA-256 of the token under the installation's key, so that a retry
/// of the same submission is answered the same code without the code ever being stored. The
/// database keeps only the token's SHA-256: a copy of it, key included, cannot derive a code.
pub fn derived_tracking_code(key: &[u8], token: &str) -> String {
    let tag = gongkai_audit::Pseudonyms::new(key).tag(&format!("查询码\0{token}"));
    code_of(&tag[..CODE_LEN])
}

/// Sixteen bytes as a tracking code.
fn code_of(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(CODE_LEN + 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        // 256 = 8 × 31 + 8: the first eight characters are a little likelier (9/256 against
        // 8/256), which costs under 0.1 bit of the 79.
        out.push(char::from(
            CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()],
        ));
    }
    out
}

/// The canonical form of a tracking code as typed (case, spaces and hyphens ignored), or
/// `None` if it cannot be one.
pub fn canonical_code(code: &str) -> Option<String> {
    let c: String = code
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (c.len() == CODE_LEN && c.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(c)
}

/// Whether `last4` are the last four digits of `phone`, the second factor of a tracking code
/// (compared in constant time); never for a phone with fewer than four digits (a purged one).
pub(crate) fn phone_ends_with(phone: &str, last4: &str) -> bool {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let end = digits.get(digits.len().saturating_sub(4)..).unwrap_or("");
    end.len() == 4 && same_secret(end, last4.trim())
}

/// The SHA-256 of a submission's fields (each trimmed, NUL-separated), to tell a retry under a
/// one-time token from another submission sent under it.
pub(crate) fn fields_hash<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for field in fields {
        text.push_str(field.trim());
        text.push('\0');
    }
    gongkai_store::blobs::sha256_hex(text.as_bytes())
}

/// What is stored of a tracking code: the SHA-256 of its canonical form.
pub fn tracking_hash(canonical: &str) -> String {
    gongkai_store::blobs::sha256_hex(canonical.as_bytes())
}

/// Whether two short secrets are equal, in a time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Adds a problem to a list of field problems.
pub(crate) fn problem(
    list: &mut Vec<FieldProblem>,
    field: &'static str,
    message: impl Into<String>,
) {
    list.push(FieldProblem {
        field,
        message: message.into(),
    });
}

impl<S: Store> Ctx<'_, S> {
    /// A request the scope sees, with the agency the caller acts as on it and the tree the
    /// access checks walk; one the scope does not see is not found, as if it did not exist.
    /// The scope sees a request of its agencies, and one routed to them
    /// ([`gongkai_cases::routing::Routing::involved`]); it acts as the registering agency when
    /// it reaches it, else as the handling unit when it reaches that, else as the registering
    /// agency (which it does not reach: it may look, not act).
    pub(crate) async fn request_in_scope(
        &self,
        id: RequestId,
    ) -> Result<(Request, Agency, Vec<Agency>)> {
        let not_found = || ServiceError::UnknownRequestId(id.0);
        let request = self.store.request(id).await?.ok_or_else(not_found)?;
        let tree = self.tree().await?;
        let by_id = |a: AgencyId| tree.iter().find(|x| x.id == a).cloned();
        let registering = by_id(request.data.agency).ok_or_else(not_found)?;
        if self.scope.reaches(registering.id, &tree) {
            return Ok((request, registering, tree));
        }
        // Routing (转办, 协办): the unit a request was dispatched to, the unit handling it and
        // a unit with a sub-task see it too; the handling unit also acts on it. Nobody else
        // does: a sibling of these units does not even learn that it exists (web.md §1).
        let steps: Vec<Step> = self
            .store
            .routing_steps(id)
            .await?
            .into_iter()
            .map(|s| s.step)
            .collect();
        if steps.is_empty() {
            return Err(not_found());
        }
        let routing = routing::replay(registering.id, &steps, &tree)
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        if !routing
            .involved()
            .iter()
            .any(|a| self.scope.reaches(*a, &tree))
        {
            return Err(not_found());
        }
        let acting = if self.scope.reaches(routing.handling, &tree) {
            by_id(routing.handling).ok_or_else(not_found)?
        } else {
            registering
        };
        Ok((request, acting, tree))
    }

    /// Confirms the receipt of an online application today (第三十一条第（三）项): the request
    /// leaves `awaiting_confirmation`, and its date of receipt becomes today unless the agency
    /// confirmed online receipt automatically at submission.
    pub async fn confirm_receipt(&self, id: RequestId, at: DateTime<Utc>) -> Result<Request> {
        let (request, agency, tree) = self.request_in_scope(id).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let audit = self
            .draft(
                &grant,
                "request.confirm_receipt",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        Ok(self
            .store
            .confirm_receipt(id, self.settings.today, at, audit)
            .await?)
    }

    /// The online application behind a request the scope sees, if it was one.
    pub async fn application_of(&self, id: RequestId) -> Result<Option<Application>> {
        self.request_in_scope(id).await?;
        Ok(self.store.application(id).await?)
    }

    /// Adds a reply document to a request (checked by its content like every attachment),
    /// not yet released to the applicant.
    pub async fn add_reply_document<B: Blobs>(
        &self,
        blobs: &B,
        id: RequestId,
        name: &str,
        bytes: &[u8],
        at: DateTime<Utc>,
    ) -> Result<ReplyDocument> {
        let (request, agency, tree) = self.request_in_scope(id).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let file = crate::catalogue::store_attachment(
            blobs,
            name,
            bytes,
            // An officer's file: the server's upload limit applies first.
            gongkai_blobs::DEFAULT_MAX_SIZE,
        )
        .await?;
        let audit = self
            .draft(
                &grant,
                "request.add_reply_document",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        Ok(self.store.add_reply_document(id, file, at, audit).await?)
    }

    /// Releases a reply document to the applicant's tracking page.
    pub async fn release_reply_document(
        &self,
        id: ReplyDocumentId,
        at: DateTime<Utc>,
    ) -> Result<ReplyDocument> {
        let document = self.reply_document(id).await?;
        let (request, agency, tree) = self.request_in_scope(document.request).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        if document.released.is_none() && !self.store.redaction_boxes(id).await?.is_empty() {
            // 第三十七条: a document with parts withheld leaves the office only as the copy an
            // approver releases (`release_document`), never whole.
            return Err(gongkai_store::StoreError::Conflict(format!(
                "答复文件“{}”有区分处理标记，须由负责人发布区分处理后的文件",
                document.file.name
            ))
            .into());
        }
        let audit = self
            .draft(
                &grant,
                "request.release_reply_document",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        Ok(self.store.release_reply_document(id, at, audit).await?)
    }

    /// A reply document of a request the scope sees.
    pub async fn reply_document(&self, id: ReplyDocumentId) -> Result<ReplyDocument> {
        let not_found =
            || gongkai_store::StoreError::NotFound(format!("编号为 {} 的答复文件", id.0));
        let document = self.store.reply_document(id).await?.ok_or_else(not_found)?;
        self.request_in_scope(document.request).await?;
        Ok(document)
    }

    /// A reply document of a request the scope sees, with its bytes.
    pub async fn reply_document_bytes<B: Blobs>(
        &self,
        blobs: &B,
        id: ReplyDocumentId,
    ) -> Result<(ReplyDocument, Vec<u8>)> {
        let document = self.reply_document(id).await?;
        if document.copy.is_some() || !self.store.redaction_boxes(id).await?.is_empty() {
            // The original of a redacted document shows what the applicant may not see: the
            // handling roles only.
            let (_, agency, tree) = self.request_in_scope(document.request).await?;
            self.grant_in(&tree, &agency, Capability::Handle)?;
        }
        let bytes = blobs.get(&document.file.sha256).await?.ok_or_else(|| {
            gongkai_store::StoreError::NotFound(format!("答复文件“{}”的内容", document.file.name))
        })?;
        Ok((document, bytes))
    }

    /// The reply documents of a request the scope sees.
    pub async fn reply_documents(&self, id: RequestId) -> Result<Vec<ReplyDocument>> {
        self.request_in_scope(id).await?;
        Ok(self.store.reply_documents(id).await?)
    }

    /// Purges the personal data of the requests decided more than the retention period ago
    /// (an installation-wide change: the operator's), and the bytes of the applicants' files
    /// nothing else names from `blobs`. Returns the day before which decisions were purged, and
    /// what was removed.
    pub async fn purge_personal_data<B: Blobs>(&self, blobs: &B) -> Result<(NaiveDate, Purged)> {
        let grant = self.scope.installation()?;
        let before =
            self.settings.today - chrono::Days::new(u64::from(self.settings.portal.retention_days));
        let mut audit = self
            .draft(&grant, "portal.purge", format!("{before} 前办结的申请"))
            .await?;
        audit.set("retention_days", self.settings.portal.retention_days);
        let purged = self.store.purge_personal_data(before, audit).await?;
        for sha in &purged.orphaned {
            blobs.remove(sha).await?;
        }
        Ok((before, purged))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn identity_numbers_are_checked_by_their_check_digit() {
        // GB 11643's example number.
        assert_eq!(check_id_number("居民身份证", "11010519491231002X"), Ok(()));
        assert_eq!(check_id_number("居民身份证", "11010519491231002x"), Ok(()));
        assert!(check_id_number("居民身份证", "110105194912310021").is_err());
        assert!(check_id_number("居民身份证", "1101051949123100").is_err());
        // A 统一社会信用代码 with its check character, and one digit changed.
        assert_eq!(
            check_id_number("统一社会信用代码", "91350100M000100Y43"),
            Ok(())
        );
        assert!(check_id_number("统一社会信用代码", "91350100M000100Y44").is_err());
        assert!(check_id_number("统一社会信用代码", "91350100M000100YI3").is_err());
        assert_eq!(check_id_number("护照", "E12345678"), Ok(()));
        assert!(check_id_number("护照", "<script>").is_err());
    }

    #[test]
    fn tracking_codes_are_random_and_read_back_however_typed() {
        let a = new_tracking_code().unwrap();
        let b = new_tracking_code().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 19);
        let canonical = canonical_code(&a).unwrap();
        assert_eq!(canonical.len(), 16);
        let typed = a.to_lowercase().replace('-', " ");
        assert_eq!(canonical_code(&typed).as_deref(), Some(canonical.as_str()));
        assert_eq!(canonical_code("0000-0000-0000-0000"), None);
        assert_eq!(canonical_code("ABCD"), None);
        assert_ne!(tracking_hash(&canonical), canonical);
    }

    #[test]
    fn phone_numbers_keep_their_digits() {
        assert_eq!(phone_digits("138 0013 8000").unwrap(), "13800138000");
        assert_eq!(phone_digits("(0591) 8765-4321").unwrap(), "059187654321");
        assert!(phone_digits("12345").is_err());
        assert!(phone_digits("138001380000000000").is_err());
        assert!(phone_digits("call me").is_err());
        assert!(same_secret("1234", "1234"));
        assert!(!same_secret("1234", "1235"));
        assert!(!same_secret("1234", "123"));
    }

    #[test]
    fn a_derived_code_is_the_same_for_a_retry_and_secret_without_the_key() {
        let code = derived_tracking_code(b"key-1", "token-1");
        assert_eq!(code, derived_tracking_code(b"key-1", "token-1"));
        assert_ne!(code, derived_tracking_code(b"key-1", "token-2"));
        assert_ne!(code, derived_tracking_code(b"key-2", "token-1"));
        // A well-formed code: four groups of four, read back as itself.
        assert_eq!(code.len(), CODE_LEN + 3);
        assert_eq!(canonical_code(&code).unwrap(), code.replace('-', ""));
    }
}
