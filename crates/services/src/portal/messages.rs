//! Leaving a message to an agency (互动交流: 咨询, 建议, 投诉), following it, and reading the
//! replies the agencies published (公开答复), for anyone.
//!
//! A message gets a tracking code (查询码) like an online application: shown once, stored only as
//! a hash, opened with the last four digits of the phone number given; a wrong pair is not told
//! apart from an unknown code. The sender sees the reply on the tracking page whether or not it
//! is published. Published replies are listed per agency, newest first, and searched with the
//! catalogue's query language ([`gongkai_search::ParsedQuery`]: words all required, quoted
//! phrases), the sender's name and phone never shown.

use super::Public;
use crate::applications::{
    canonical_code, derived_tracking_code, fields_hash, new_tracking_code, phone_digits,
    phone_ends_with, problem, tracking_hash,
};
use crate::messages::reply_due;
use crate::requests::mask;
use crate::{FieldProblem, Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_access::{Actor, Capability, Scope};
use gongkai_cases::AgencyId;
use gongkai_cases::limits::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
use gongkai_search::ParsedQuery;
use gongkai_store::Store;
use gongkai_store::messages::{Message, MessageId, MessageKind, NewMessage, message_number};

/// Who a message is recorded as left by in the audit log (the sender's name is personal data).
const PORTAL_ACTOR: &str = "公众（网上留言）";

/// The longest title of a message, in characters.
pub const MAX_TITLE_CHARS: usize = 100;

/// A message as the form or the API gives it.
#[derive(Debug, Clone)]
pub struct MessageInput {
    pub agency: AgencyId,
    /// `consultation`, `suggestion`, `complaint` or 咨询, 建议, 投诉.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub name: String,
    pub phone: String,
    /// The submission's one-time token (the form's token, the API's `Idempotency-Key`): the
    /// same token with the same content answers the first receipt again.
    pub nonce: Option<String>,
}

/// What the sender is told on submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReceipt {
    /// Shown once; never stored.
    pub tracking_code: String,
    pub number: String,
    pub agency: String,
    pub kind: MessageKind,
    pub title: String,
    pub received: NaiveDate,
    /// The reply time limit.
    pub due: Option<NaiveDate>,
    /// Masked (`138****0000`): a receipt may be printed.
    pub phone: String,
}

/// What the tracking page shows of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedMessage {
    pub number: String,
    pub agency: String,
    pub kind: MessageKind,
    pub title: String,
    pub body: String,
    pub received: NaiveDate,
    pub due: Option<NaiveDate>,
    pub state: &'static str,
    pub state_label: &'static str,
    /// The reply: its day, its text, whether it is published.
    pub reply: Option<(NaiveDate, String, bool)>,
}

/// A published reply as the portal lists it: no name, no phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicReply {
    pub id: MessageId,
    pub number: String,
    pub agency: String,
    pub kind: MessageKind,
    pub title: String,
    pub body: String,
    pub received: NaiveDate,
    pub replied: NaiveDate,
    pub reply: String,
}

/// Published replies read from the store per query while a search gathers a page.
const SCAN: usize = 500;

impl<S: Store> Public<'_, S> {
    /// Checks a message's fields, every problem at once ([`ServiceError::Fields`]).
    pub async fn check_message(&self, input: &MessageInput) -> Result<MessageKind> {
        let mut problems: Vec<FieldProblem> = Vec::new();
        let agencies = self.store().agencies().await?;
        if !agencies
            .iter()
            .any(|a| a.id == input.agency && a.merged.is_none())
        {
            problem(&mut problems, "agency", "请选择留言的机关");
        }
        let kind = MessageKind::parse(&input.kind);
        if kind.is_none() {
            problem(&mut problems, "kind", "请选择留言类型：咨询、建议或投诉");
        }
        for (field, label, value, max, multiline) in [
            ("title", "标题", &input.title, MAX_TITLE_CHARS, false),
            ("body", "留言内容", &input.body, MAX_TEXT_CHARS, true),
            ("name", "姓名", &input.name, MAX_NAME_CHARS, false),
        ] {
            let n = value.trim().chars().count();
            if n == 0 {
                problem(&mut problems, field, format!("请填写{label}"));
            } else if n > max {
                problem(&mut problems, field, format!("{label}不能超过 {max} 个字"));
            } else if value
                .chars()
                .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
            {
                problem(&mut problems, field, format!("{label}含有控制字符"));
            }
        }
        if let Err(m) = phone_digits(&input.phone) {
            problem(&mut problems, "phone", m);
        }
        match kind {
            Some(kind) if problems.is_empty() => Ok(kind),
            _ => Err(ServiceError::Fields(problems)),
        }
    }

    /// Leaves a message: checked (every field at once), stored with its audit entry, received
    /// today; answers the receipt with the tracking code, shown this once.
    pub async fn submit_message(
        &self,
        input: MessageInput,
        at: DateTime<Utc>,
    ) -> Result<MessageReceipt> {
        let kind = self.check_message(&input).await?;
        let tree = self.store().agencies().await?;
        let agency = tree
            .iter()
            .find(|a| a.id == input.agency)
            .cloned()
            .ok_or_else(|| ServiceError::Invalid("请选择留言的机关".into()))?;
        // The public's write: the portal scope, on any agency (第二十七条's openness, as for an
        // application).
        let scope = Scope::public(Actor::new(PORTAL_ACTOR)?);
        let grant = scope.agency(&agency, &tree, Capability::Apply)?;
        let once = input
            .nonce
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|token| {
                (
                    token,
                    gongkai_store::blobs::sha256_hex(format!("留言\0{token}").as_bytes()),
                )
            });
        let content = content_hash(&input);
        if let Some((token, nonce)) = &once
            && let Some(receipt) = self.message_sent_before(token, nonce, &content).await?
        {
            return Ok(receipt);
        }
        let code = match &once {
            Some((token, _)) => {
                derived_tracking_code(&self.key().await?, &format!("留言\0{token}"))
            }
            None => new_tracking_code()?,
        };
        let canonical =
            canonical_code(&code).ok_or_else(|| ServiceError::Invalid("查询码生成有误".into()))?;
        let today = self.settings().today;
        let new = NewMessage {
            agency: agency.id,
            kind,
            title: input.title.trim().to_owned(),
            body: input.body.trim().to_owned(),
            name: input.name.trim().to_owned(),
            phone: input.phone.trim().to_owned(),
            received: today,
            submitted_at: at,
            tracking_hash: tracking_hash(&canonical),
            nonce: once.as_ref().map(|(_, n)| n.clone()),
            content_hash: Some(content.clone()),
            from_request: None,
        };
        let audit = self
            .ctx()
            .draft(&grant, "message.submit", format!("留言 {}", agency.name))
            .await?;
        let stored = match self.store().submit_message(new, audit).await {
            Ok(m) => m,
            // The same submission sent twice at once: the other one was stored first.
            Err(gongkai_store::StoreError::Conflict(e)) => {
                let first = match &once {
                    Some((token, nonce)) => {
                        self.message_sent_before(token, nonce, &content).await?
                    }
                    None => None,
                };
                return first.ok_or_else(|| gongkai_store::StoreError::Conflict(e).into());
            }
            Err(e) => return Err(e.into()),
        };
        self.message_receipt(code, &agency.name, stored).await
    }

    /// The receipt of the message sent before under the same one-time token, if any and with
    /// the same content; the token used for another content is refused.
    async fn message_sent_before(
        &self,
        token: &str,
        nonce: &str,
        content: &str,
    ) -> Result<Option<MessageReceipt>> {
        let Some(message) = self.store().message_by_nonce(nonce).await? else {
            return Ok(None);
        };
        if message.content_hash.as_deref() != Some(content) {
            return Err(ServiceError::Invalid(
                "这份留言表（或同一 Idempotency-Key）已用于提交内容不同的留言：请重新打开留言页面填写，或换用新的 Idempotency-Key".into(),
            ));
        }
        let code = derived_tracking_code(&self.key().await?, &format!("留言\0{token}"));
        let agency = self.agency_name(message.agency).await?;
        Ok(Some(self.message_receipt(code, &agency, message).await?))
    }

    async fn agency_name(&self, id: AgencyId) -> Result<String> {
        Ok(self
            .store()
            .agency(id)
            .await?
            .map(|a| a.name)
            .unwrap_or_default())
    }

    async fn message_receipt(
        &self,
        code: String,
        agency: &str,
        m: Message,
    ) -> Result<MessageReceipt> {
        let cal = self.ctx().calendar().await?;
        Ok(MessageReceipt {
            tracking_code: code,
            number: message_number(m.id),
            agency: agency.to_owned(),
            kind: m.kind,
            due: reply_due(&cal, m.received, self.settings().messages.reply_days),
            title: m.title,
            received: m.received,
            phone: mask(&m.phone, 3, 4),
        })
    }

    /// The message with this tracking code, if `phone_last4` are the last four digits of the
    /// phone number it gave; `None` for a wrong pair exactly as for an unknown code.
    pub async fn track_message(
        &self,
        code: &str,
        phone_last4: &str,
    ) -> Result<Option<TrackedMessage>> {
        let Some(canonical) = canonical_code(code) else {
            return Ok(None);
        };
        let Some(m) = self
            .store()
            .message_by_tracking(&tracking_hash(&canonical))
            .await?
        else {
            return Ok(None);
        };
        if !phone_ends_with(&m.phone, phone_last4) {
            return Ok(None);
        }
        let cal = self.ctx().calendar().await?;
        // A message merged into another is answered there: the sender sees that reply.
        let answered = match m.merged_into {
            Some(into) => self.store().message(into).await?,
            None => None,
        };
        let reply = answered
            .as_ref()
            .unwrap_or(&m)
            .reply
            .as_ref()
            .map(|r| (r.on, r.body.clone(), r.public));
        Ok(Some(TrackedMessage {
            number: message_number(m.id),
            agency: self.agency_name(m.agency).await?,
            kind: m.kind,
            due: reply_due(&cal, m.received, self.settings().messages.reply_days),
            state: m.state_key(),
            state_label: m.state_label(),
            reply,
            title: m.title,
            body: m.body,
            received: m.received,
        }))
    }

    /// The published replies of an agency, newest first, those matching `query` (every word,
    /// quoted phrases; empty: all), from before the message `before`; and the cursor of the
    /// next page.
    pub async fn public_replies(
        &self,
        agency: AgencyId,
        query: &str,
        before: Option<MessageId>,
        limit: usize,
    ) -> Result<(Vec<PublicReply>, Option<MessageId>)> {
        let Some(agency) = self.store().agency(agency).await? else {
            return Err(
                gongkai_store::StoreError::NotFound(format!("机关 id {}", agency.0)).into(),
            );
        };
        let needles: Vec<String> = ParsedQuery::parse(query)
            .needles()
            .into_iter()
            .map(|n| n.to_lowercase())
            .collect();
        let mut out = Vec::new();
        let mut cursor = before;
        loop {
            let page = self
                .store()
                .public_replies(&[agency.id], cursor, SCAN)
                .await?;
            let done = page.len() < SCAN;
            for m in page {
                cursor = Some(m.id);
                let Some(reply) = m.reply else { continue };
                let text = format!("{}\n{}\n{}", m.title, m.body, reply.body).to_lowercase();
                if !needles.iter().all(|n| text.contains(n.as_str())) {
                    continue;
                }
                if out.len() == limit {
                    // One more exists: the page ends at the last one taken.
                    let next = out.last().map(|r: &PublicReply| r.id);
                    return Ok((out, next));
                }
                out.push(PublicReply {
                    id: m.id,
                    number: message_number(m.id),
                    agency: agency.name.clone(),
                    kind: m.kind,
                    title: m.title,
                    body: m.body,
                    received: m.received,
                    replied: reply.on,
                    reply: reply.body,
                });
            }
            if done {
                return Ok((out, None));
            }
        }
    }
}

/// The SHA-256 of what a message carries, to tell a retry from another message sent under the
/// same one-time token.
fn content_hash(input: &MessageInput) -> String {
    let agency = input.agency.0.to_string();
    fields_hash([
        agency.as_str(),
        &input.kind,
        &input.title,
        &input.body,
        &input.name,
        &input.phone,
    ])
}
