//! Applying online and following the application, for anyone (第二十七–二十九条, 第三十一条).
//!
//! A submission is a request from its first moment: registered under a generated reference,
//! channel online, awaiting an officer's confirmation of its receipt (see
//! [`gongkai_cases::online`]). The applicant gets a tracking code (查询码), shown once and stored
//! only as a hash; tracking needs the code and the last four digits of the phone number given,
//! and a wrong pair is not told apart from an unknown code.

use super::Public;
use crate::applications::{
    ID_TYPES, canonical_code, check_id_number, derived_tracking_code, fields_hash,
    new_tracking_code, phone_digits, phone_ends_with, problem, tracking_hash,
};
use crate::requests::{RECEIPT_UNCONFIRMED, masked};
use crate::{FieldProblem, Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_access::{Actor, Capability, Scope};
use gongkai_calendar::Event;
use gongkai_cases::guide::ProvisionForm;
use gongkai_cases::lifecycle::{self, State};
use gongkai_cases::limits::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
use gongkai_cases::{
    AgencyId, ApplicantRecord, Channel, Contact, NewRequest, Request, TimelineEvent, online,
};
use gongkai_catalogue::Attachment;
use gongkai_report::Applicant;
use gongkai_store::applications::{NewApplication, ReplyDocumentId};
use gongkai_store::{Blobs, Store};

/// Who an online application is recorded as made by in the audit log (the applicant's name is
/// personal data and is never written there).
const PORTAL_ACTOR: &str = "公众（网上申请）";

/// A file sent with an application.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// An online application as the form or the API gives it (第二十九条).
#[derive(Debug, Clone)]
pub struct ApplicationInput {
    pub agency: AgencyId,
    /// 申请人姓名或者名称.
    pub applicant: String,
    /// One of the six kinds' keys (`natural_person`, …) or Chinese names (自然人, …).
    pub kind: String,
    /// One of [`ID_TYPES`].
    pub id_type: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    /// 申请公开的政府信息的名称、文号或者便于查询的其他特征性描述.
    pub description: String,
    /// 获取信息的方式: one of the forms the agency's guide offers (all five without a guide).
    pub form: String,
    /// The submission's one-time token: the form's token, or the API's `Idempotency-Key`. The
    /// same token with the same content answers the first receipt again (same tracking code,
    /// nothing stored twice); with another content it is refused.
    pub nonce: Option<String>,
    pub files: Vec<Upload>,
    /// The photo of the identity document, where the agency's guide asks for one.
    pub id_photo: Option<Upload>,
}

/// What the applicant is told on submission: the receipt (回执).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Shown once; never stored.
    pub tracking_code: String,
    pub reference: String,
    pub agency: String,
    pub submitted_at: DateTime<Utc>,
    /// The day of submission.
    pub submitted: NaiveDate,
    /// The date of receipt when already fixed (automatic confirmation); `None` while it awaits
    /// an officer's confirmation.
    pub received: Option<NaiveDate>,
    /// The answer deadline the receipt starts (第三十三条), when the receipt is fixed.
    pub due: Option<NaiveDate>,
    /// As given, masked (`110***********1234`, `138****0000`): a receipt may be printed.
    pub contact: Contact,
    pub applicant: String,
    pub form: String,
    pub description: String,
    pub files: Vec<Attachment>,
}

/// What the tracking page shows of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    pub reference: String,
    pub agency: String,
    pub submitted: NaiveDate,
    /// `None` while the receipt awaits confirmation.
    pub received: Option<NaiveDate>,
    /// `awaiting_confirmation`, `open`, `awaiting_correction`, …, `closed`.
    pub state: &'static str,
    pub state_label: &'static str,
    /// The answer deadline, while one runs.
    pub due: Option<NaiveDate>,
    /// Why no deadline is shown, when none is.
    pub no_due: Option<String>,
    /// The decision: its date and the outcome's category (第三十六–三十九条).
    pub decided: Option<(NaiveDate, &'static str)>,
    /// What happened, in order: date and the event's name (no officer's notes).
    pub steps: Vec<(NaiveDate, &'static str)>,
    /// The reply documents released to the applicant.
    pub documents: Vec<(ReplyDocumentId, Attachment)>,
}

impl<S: Store> Public<'_, S> {
    /// The forms of provision an agency offers: those of its guide, or all five without one.
    pub async fn provision_forms(&self, agency: AgencyId) -> Result<Vec<ProvisionForm>> {
        let forms = self
            .store()
            .guide(agency)
            .await?
            .map(|g| g.forms)
            .filter(|f| !f.is_empty());
        Ok(forms.unwrap_or_else(|| ProvisionForm::ALL.to_vec()))
    }

    /// Checks an application's fields, every problem at once ([`ServiceError::Fields`]), as
    /// the preview does before anything is stored. The files come with the submission, after
    /// the preview: a photo the agency asks for is not missing yet.
    pub async fn check_application(&self, input: &ApplicationInput) -> Result<()> {
        self.checked(input, false).await.map(|_| ())
    }

    /// [`Public::check_application`], answering the applicant's kind and phone digits;
    /// `submitted`: the files are there, a missing photo is a problem.
    async fn checked(
        &self,
        input: &ApplicationInput,
        submitted: bool,
    ) -> Result<(Applicant, String)> {
        let mut problems: Vec<FieldProblem> = Vec::new();
        // The agency first, as the form asks for it first: one that exists and was not merged
        // into another (第二十七条: an application goes to an administrative agency).
        let agencies = self.store().agencies().await?;
        if !agencies
            .iter()
            .any(|a| a.id == input.agency && a.merged.is_none())
        {
            problem(&mut problems, "agency", "请选择受理申请的机关");
        }
        let text = |problems: &mut Vec<FieldProblem>,
                    field: &'static str,
                    label: &str,
                    value: &str,
                    max: usize,
                    required: bool| {
            let n = value.trim().chars().count();
            if required && n == 0 {
                problem(problems, field, format!("请填写{label}"));
            } else if n > max {
                problem(problems, field, format!("{label}不能超过 {max} 个字"));
            } else if value
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                problem(problems, field, format!("{label}含有控制字符"));
            }
        };
        text(
            &mut problems,
            "applicant",
            "申请人姓名或者名称",
            &input.applicant,
            MAX_NAME_CHARS,
            true,
        );
        text(
            &mut problems,
            "description",
            "所需政府信息的描述",
            &input.description,
            MAX_TEXT_CHARS,
            true,
        );
        text(
            &mut problems,
            "email",
            "电子邮箱",
            &input.email,
            MAX_NAME_CHARS,
            false,
        );
        text(
            &mut problems,
            "address",
            "通信地址",
            &input.address,
            MAX_NAME_CHARS,
            false,
        );
        // The six kinds of table 三, by key (`natural_person`) or name (自然人).
        let kind = Applicant::from_key(input.kind.trim())
            .filter(|k| Applicant::KINDS.contains(k))
            .or_else(|| gongkai_cases::vocab::parse_applicant(&input.kind));
        if kind.is_none() {
            problem(
                &mut problems,
                "kind",
                "请选择申请人类型（自然人或五类法人或其他组织之一）",
            );
        }
        if !ID_TYPES.contains(&input.id_type.trim()) {
            problem(
                &mut problems,
                "id_type",
                format!("证件类型应为：{}", ID_TYPES.join("、")),
            );
        } else if let Err(m) = check_id_number(input.id_type.trim(), &input.id_number) {
            problem(&mut problems, "id_number", m);
        }
        let digits = match phone_digits(&input.phone) {
            Ok(d) => d,
            Err(m) => {
                problem(&mut problems, "phone", m);
                String::new()
            }
        };
        let email = input.email.trim();
        if !email.is_empty() && !email.contains('@') {
            problem(&mut problems, "email", "电子邮箱格式不正确");
        }
        let forms = self.provision_forms(input.agency).await?;
        match ProvisionForm::parse(&input.form) {
            Some(f) if forms.contains(&f) => {}
            _ => {
                let offered: Vec<&str> = forms.iter().map(|f| f.label()).collect();
                problem(
                    &mut problems,
                    "form",
                    format!("获取信息的方式应为：{}", offered.join("、")),
                );
            }
        }
        if email.is_empty() && ProvisionForm::parse(&input.form) == Some(ProvisionForm::Email) {
            problem(
                &mut problems,
                "email",
                "选择以电子邮件获取信息时请填写电子邮箱",
            );
        }
        if input.address.trim().is_empty()
            && ProvisionForm::parse(&input.form) == Some(ProvisionForm::Post)
        {
            problem(&mut problems, "address", "选择邮寄获取信息时请填写通信地址");
        }
        let rules = &self.settings().portal;
        if input.files.len() > rules.attachments_max {
            problem(
                &mut problems,
                "files",
                format!("附件最多 {} 个", rules.attachments_max),
            );
        }
        for f in &input.files {
            if let Err(e) =
                gongkai_blobs::check(&f.bytes, f.name.trim(), rules.attachment_max_bytes)
            {
                problem(
                    &mut problems,
                    "files",
                    format!("附件“{}”：{e}", f.name.trim()),
                );
            }
        }
        self.check_id_photo(input, submitted, &mut problems).await?;
        match kind {
            Some(kind) if problems.is_empty() => Ok((kind, digits)),
            _ => Err(ServiceError::Fields(problems)),
        }
    }

    /// Whether the agency asks for an identity-document photo (its guide says so).
    pub async fn asks_id_photo(&self, agency: AgencyId) -> Result<bool> {
        Ok(self
            .store()
            .guide(agency)
            .await?
            .is_some_and(|g| g.id_photo))
    }

    /// The identity-document photo's problems: missing where the agency asks for one, of a
    /// kind other than a photo or a PDF, too large, or no key to encrypt it with (it is never
    /// stored in clear). A photo the agency does not ask for is refused too: it would be
    /// personal data collected for nothing.
    async fn check_id_photo(
        &self,
        input: &ApplicationInput,
        submitted: bool,
        problems: &mut Vec<FieldProblem>,
    ) -> Result<()> {
        let asks = self.asks_id_photo(input.agency).await?;
        let Some(photo) = &input.id_photo else {
            if asks && submitted {
                problem(problems, "id_photo", "本机关要求上传身份证明照片");
            }
            return Ok(());
        };
        if !asks {
            problem(problems, "id_photo", "本机关不收取身份证明照片，请勿上传");
            return Ok(());
        }
        if self.settings().id_photo_key.is_none() {
            problem(
                problems,
                "id_photo",
                "系统尚未配置照片加密密钥，暂不能接收身份证明照片，请联系本机关",
            );
        }
        let max = self.settings().portal.attachment_max_bytes;
        match gongkai_blobs::attachment(&photo.bytes, photo.name.trim(), max) {
            Err(e) => problem(problems, "id_photo", format!("身份证明照片：{e}")),
            Ok(a) if !crate::id_photo::PHOTO_TYPES.contains(&a.media_type.as_str()) => {
                problem(
                    problems,
                    "id_photo",
                    "身份证明照片应为 JPEG、PNG 图片或 PDF 文件",
                );
            }
            Ok(_) => {}
        }
        Ok(())
    }

    /// Submits an online application: checked (every field at once), its files checked by
    /// content and stored, then the request stored, awaiting confirmation; answers the receipt
    /// with the tracking code, shown this once.
    pub async fn submit_application<B: Blobs>(
        &self,
        blobs: &B,
        input: ApplicationInput,
        at: DateTime<Utc>,
    ) -> Result<Receipt> {
        let tree = self.store().agencies().await?;
        let agency = tree
            .iter()
            .find(|a| a.id == input.agency && a.merged.is_none())
            .cloned()
            .ok_or_else(|| {
                ServiceError::Fields(vec![FieldProblem {
                    field: "agency",
                    message: "请选择受理申请的机关".into(),
                }])
            })?;
        let (kind, _) = self.checked(&input, true).await?;
        // The public's one write: a scope that may apply and nothing else.
        let scope = Scope::public(Actor::new(PORTAL_ACTOR)?);
        let grant = scope.agency(&agency, &tree, Capability::Apply)?;
        let once = input
            .nonce
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|token| Once::of(token, &input));
        if let Some(once) = &once
            && let Some(receipt) = self.sent_before(once, &agency.name).await?
        {
            return Ok(receipt);
        }
        let mut files = Vec::with_capacity(input.files.len());
        for f in &input.files {
            let mut attachment = gongkai_blobs::attachment(
                &f.bytes,
                f.name.trim(),
                self.settings().portal.attachment_max_bytes,
            )
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
            attachment.sha256 = blobs.put(&f.bytes).await?;
            files.push(attachment);
        }
        let id_photo = match (&input.id_photo, self.settings().id_photo_key) {
            (Some(photo), Some(key)) => {
                let mut attachment = gongkai_blobs::attachment(
                    &photo.bytes,
                    photo.name.trim(),
                    self.settings().portal.attachment_max_bytes,
                )
                .map_err(|e| ServiceError::Invalid(e.to_string()))?;
                // Only the sealed bytes reach the blob store: their hash names the blob, the
                // photo's own hash is kept nowhere (it would confirm a guess of the photo).
                let sealed = crate::id_photo::seal(&key, &photo.bytes)?;
                attachment.sha256 = blobs.put(&sealed).await?;
                Some(attachment)
            }
            _ => None,
        };
        let code = match &once {
            Some(once) => derived_tracking_code(&self.key().await?, once.token),
            None => new_tracking_code()?,
        };
        let canonical =
            canonical_code(&code).ok_or_else(|| ServiceError::Invalid("查询码生成有误".into()))?;
        let today = self.settings().today;
        let receipt_fixed = self.settings().portal.auto_confirm_receipt;
        let form = ProvisionForm::parse(&input.form)
            .map(ProvisionForm::label)
            .unwrap_or_default()
            .to_owned();
        let new = NewRequest {
            agency: agency.id,
            reference: reference_of(today)?,
            applicants: vec![ApplicantRecord {
                name: input.applicant.trim().to_owned(),
                kind,
            }],
            channel: Channel::Online,
            received: today,
            description: input.description.trim().to_owned(),
            requested_form: form.clone(),
            contact: Contact {
                id_kind: input.id_type.trim().to_owned(),
                id_number: input.id_number.trim().to_ascii_uppercase(),
                phone: input.phone.trim().to_owned(),
                address: input.address.trim().to_owned(),
                email: input.email.trim().to_owned(),
                delivery: form.clone(),
            },
        };
        let ctx = self.ctx();
        let mut audit = ctx
            .draft(
                &grant,
                "request.submit_online",
                format!("申请 {}", new.reference),
            )
            .await?;
        audit
            .set("channel", "online")
            .set("receipt_fixed", receipt_fixed)
            .set("files", files.len());
        let first = TimelineEvent {
            event: Event::Received(today),
            outcome: None,
            note: String::new(),
        };
        let application = NewApplication {
            tracking_hash: tracking_hash(&canonical),
            submitted_at: at,
            receipt_fixed,
            nonce: once.as_ref().map(|o| o.nonce.clone()),
            content_hash: once.as_ref().map(|o| o.content.clone()),
            files: files.clone(),
            id_photo,
        };
        let stored = match self
            .store()
            .submit_application(new, first, application, audit)
            .await
        {
            Ok(stored) => stored,
            // The same submission sent twice at once: the other one was stored first.
            Err(gongkai_store::StoreError::Conflict(e)) => {
                let first = match &once {
                    Some(once) => self.sent_before(once, &agency.name).await?,
                    None => None,
                };
                return first.ok_or_else(|| gongkai_store::StoreError::Conflict(e).into());
            }
            Err(e) => return Err(e.into()),
        };
        // The receipt by SMS and e-mail, with the tracking code: at submission, the only moment
        // it is known in clear. A message that cannot be queued does not undo the application
        // (the receipt page shows the code anyway).
        let _ = ctx
            .queue_milestone(
                &agency,
                &stored,
                crate::notify::Milestone::Received,
                today,
                Some(code.as_str()),
            )
            .await;
        self.receipt(code, agency.name, (at, today), files, stored)
            .await
    }

    /// The receipt of the application sent before under the same one-time token, if there is
    /// one and it carried the same content; a token used for another content is refused
    /// (docs/web.md §2: the same key for something else).
    async fn sent_before(&self, once: &Once<'_>, agency: &str) -> Result<Option<Receipt>> {
        let Some((application, request)) = self.store().application_by_nonce(&once.nonce).await?
        else {
            return Ok(None);
        };
        if application.content_hash.as_deref() != Some(once.content.as_str()) {
            return Err(ServiceError::Invalid(
                "这份申请表（或同一 Idempotency-Key）已用于提交内容不同的申请：请重新打开申请页面填写，或换用新的 Idempotency-Key".into(),
            ));
        }
        let code = derived_tracking_code(&self.key().await?, once.token);
        let receipt = self
            .receipt(
                code,
                agency.to_owned(),
                (
                    application.submitted_at,
                    crate::in_china(application.submitted_at).date_naive(),
                ),
                application.files,
                request,
            )
            .await?;
        Ok(Some(receipt))
    }

    /// The installation's key (the configured `audit.key`, else the database's own).
    pub(in crate::portal) async fn key(&self) -> Result<Vec<u8>> {
        Ok(match &self.settings().audit_key {
            Some(k) => k.clone(),
            None => self.store().installation_key().await?,
        })
    }

    /// The receipt of a stored application: the date of receipt and the deadline it starts
    /// once the receipt is fixed, the contact masked.
    async fn receipt(
        &self,
        code: String,
        agency: String,
        (at, submitted): (DateTime<Utc>, NaiveDate),
        files: Vec<Attachment>,
        stored: Request,
    ) -> Result<Receipt> {
        let received = stored
            .confirmation
            .receipt_known()
            .then_some(stored.data.received);
        let due = match received {
            Some(_) => {
                let cal = self.ctx().calendar().await?;
                lifecycle::deadline(
                    &cal,
                    &stored.events,
                    &self.settings().deadline,
                    Some(self.settings().today),
                )
                .ok()
                .map(|d| d.due)
            }
            None => None,
        };
        Ok(Receipt {
            tracking_code: code,
            reference: stored.data.reference.clone(),
            agency,
            submitted_at: at,
            submitted,
            received,
            due,
            contact: masked(&stored.data.contact),
            applicant: stored
                .data
                .applicants
                .first()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            form: stored.data.requested_form.clone(),
            description: stored.data.description,
            files,
        })
    }

    /// The application with this tracking code, if `phone_last4` are the last four digits of
    /// the phone number it gave; `None` for a wrong pair exactly as for an unknown code.
    pub async fn track(&self, code: &str, phone_last4: &str) -> Result<Option<Tracked>> {
        let Some(request) = self.tracked_request(code, phone_last4).await? else {
            return Ok(None);
        };
        let ctx = self.ctx();
        let tree = self.store().agencies().await?;
        let agency = tree
            .iter()
            .find(|a| a.id == request.data.agency)
            .map(|a| a.name.clone())
            .unwrap_or_default();
        let state = lifecycle::state(&request.events).map_err(gongkai_store::StoreError::from)?;
        let receipt_known = request.confirmation.receipt_known();
        let (due, no_due) = if !receipt_known {
            (None, Some(RECEIPT_UNCONFIRMED.to_owned()))
        } else if let State::Closed { .. } = state {
            (None, None)
        } else {
            let cal = ctx.calendar().await?;
            match lifecycle::deadline(
                &cal,
                &request.events,
                &self.settings().deadline,
                Some(self.settings().today),
            ) {
                Ok(d) => (Some(d.due), None),
                Err(e) => (None, Some(e.to_string())),
            }
        };
        let decided = match state {
            State::Closed { decided, outcome } => Some((decided, outcome.label())),
            _ => None,
        };
        let submitted = self
            .store()
            .application(request.id)
            .await?
            .map_or(request.data.received, |a| {
                crate::in_china(a.submitted_at).date_naive()
            });
        let documents = self
            .store()
            .reply_documents(request.id)
            .await?
            .into_iter()
            .filter(|d| d.released.is_some())
            // The released copy of a redacted document, never its original (第三十七条).
            .map(|d| (d.id, d.provided().clone()))
            .collect();
        Ok(Some(Tracked {
            reference: request.data.reference.clone(),
            agency,
            submitted,
            received: receipt_known.then_some(request.data.received),
            state: online::state_key(request.confirmation, state),
            state_label: online::state_label(request.confirmation, state),
            due,
            no_due,
            decided,
            // Until the receipt is confirmed, its provisional date is no step of the request.
            steps: if receipt_known {
                request
                    .events
                    .iter()
                    .map(|e| (e.event.date(), lifecycle::event_name(e.event)))
                    .collect()
            } else {
                Vec::new()
            },
            documents,
        }))
    }

    /// A released reply document of the application with this tracking code and phone digits,
    /// with its bytes; `None` for a wrong pair, an unknown document or one not released.
    pub async fn released_document<B: Blobs>(
        &self,
        blobs: &B,
        code: &str,
        phone_last4: &str,
        id: ReplyDocumentId,
    ) -> Result<Option<(Attachment, Vec<u8>)>> {
        let Some(request) = self.tracked_request(code, phone_last4).await? else {
            return Ok(None);
        };
        let Some(document) = self.store().reply_document(id).await? else {
            return Ok(None);
        };
        if document.request != request.id || document.released.is_none() {
            return Ok(None);
        }
        // The released copy of a redacted document, never its original (第三十七条).
        let provided = document.provided().clone();
        let bytes = blobs.get(&provided.sha256).await?;
        Ok(bytes.map(|b| (provided, b)))
    }

    /// Counts one more `action` (`apply`, `track`) by the client at `address` in the minute of
    /// `at`, and answers the minute's count so far, shared by every server process. The
    /// address is kept as a keyed pseudonym, never in clear; old minutes are forgotten.
    pub async fn count_hit(&self, action: &str, address: &str, at: DateTime<Utc>) -> Result<u32> {
        let key = self.key().await?;
        let who = gongkai_audit::Pseudonyms::new(&key).of(address);
        let minute = at.timestamp().div_euclid(60);
        Ok(self
            .store()
            .rate_hit(&format!("{action}:{who}"), minute, minute - 2)
            .await?)
    }

    /// The request behind a tracking code and phone digits, or `None`.
    async fn tracked_request(&self, code: &str, phone_last4: &str) -> Result<Option<Request>> {
        let Some(canonical) = canonical_code(code) else {
            return Ok(None);
        };
        let Some((_, request)) = self
            .store()
            .application_by_tracking(&tracking_hash(&canonical))
            .await?
        else {
            return Ok(None);
        };
        // A purged application has no phone left: nothing matches, as for an unknown code.
        if !phone_ends_with(&request.data.contact.phone, phone_last4) {
            return Ok(None);
        }
        Ok(Some(request))
    }
}

/// An online application's reference (受理编号): `WS`, the day of submission and eight random
/// characters of their own (never part of the tracking code, which the reference would
/// otherwise show to everyone who sees the request). Unique within the agency with near
/// certainty; a clash is refused by the store, never overwritten.
fn reference_of(day: NaiveDate) -> Result<String> {
    let random = canonical_code(&new_tracking_code()?)
        .ok_or_else(|| ServiceError::Invalid("受理编号生成有误".into()))?;
    Ok(format!(
        "WS{}-{}",
        day.format("%Y%m%d"),
        random.get(..8).unwrap_or(&random)
    ))
}

/// A submission's one-time token (the form's token, the API's `Idempotency-Key`): the token,
/// which the tracking code is derived from and which is never stored, its SHA-256 (stored),
/// and the SHA-256 of what was sent under it.
struct Once<'a> {
    token: &'a str,
    nonce: String,
    content: String,
}

impl<'a> Once<'a> {
    fn of(token: &'a str, input: &ApplicationInput) -> Once<'a> {
        Once {
            token,
            nonce: gongkai_store::blobs::sha256_hex(token.as_bytes()),
            content: content_hash(input),
        }
    }
}

/// The SHA-256 of what an application carries (every field, each file's name and content), to
/// tell a retry from another application sent under the same one-time token.
fn content_hash(input: &ApplicationInput) -> String {
    let agency = input.agency.0.to_string();
    let files: Vec<(&str, String)> = input
        .files
        .iter()
        .map(|f| (f.name.as_str(), gongkai_store::blobs::sha256_hex(&f.bytes)))
        .collect();
    let fields = [
        agency.as_str(),
        &input.applicant,
        &input.kind,
        &input.id_type,
        &input.id_number,
        &input.phone,
        &input.email,
        &input.address,
        &input.description,
        &input.form,
    ];
    fields_hash(
        fields
            .into_iter()
            .chain(files.iter().flat_map(|(name, sha)| [*name, sha.as_str()])),
    )
}
