//! Public messages (互动交流): what anyone may leave to an agency on the portal — a 咨询, a 建议
//! or a 投诉 — with a name, a phone number and a tracking code (查询码, stored as a hash only), and
//! what the agency does with it: assigns it within its subtree, merges duplicates, marks abuse,
//! replies and publishes the reply (公开答复) or keeps it private, or turns it into a request
//! (依申请公开) when it really is one. A request answered as a 信访举报投诉 (第三十九条) may become
//! a message the other way; both records are kept and linked.
//!
//! The rules of a message's life are [`Message::apply`], pure, applied by the store under the
//! message's row lock, so that every backend refuses the same changes.

use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::{AgencyId, RequestId};
use std::future::Future;

/// Database identity of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(pub i64);

/// What a message is (the portal's three kinds of 互动交流).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageKind {
    /// 咨询
    Consultation,
    /// 建议
    Suggestion,
    /// 投诉
    Complaint,
}

impl MessageKind {
    pub const ALL: [MessageKind; 3] = [
        MessageKind::Consultation,
        MessageKind::Suggestion,
        MessageKind::Complaint,
    ];

    /// The word in the API and the database: `consultation`, `suggestion`, `complaint`.
    pub fn key(self) -> &'static str {
        match self {
            MessageKind::Consultation => "consultation",
            MessageKind::Suggestion => "suggestion",
            MessageKind::Complaint => "complaint",
        }
    }

    /// 咨询, 建议, 投诉.
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::Consultation => "咨询",
            MessageKind::Suggestion => "建议",
            MessageKind::Complaint => "投诉",
        }
    }

    /// A kind by its key or its Chinese label.
    pub fn parse(text: &str) -> Option<MessageKind> {
        let t = text.trim();
        MessageKind::ALL
            .into_iter()
            .find(|k| k.key().eq_ignore_ascii_case(t) || k.label() == t)
    }
}

/// A message as submitted (or as turned from a request), before it has a database identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The agency it is addressed to.
    pub agency: AgencyId,
    pub kind: MessageKind,
    pub title: String,
    pub body: String,
    /// Who left it, and how to reach them: personal data, masked to those who do not handle
    /// the agency's messages, a pseudonym in the audit log.
    pub name: String,
    pub phone: String,
    /// The day it was received, from which the reply time limit runs.
    pub received: NaiveDate,
    pub submitted_at: DateTime<Utc>,
    /// SHA-256 (lower-case hex) of the tracking code: the code is shown once and never stored.
    pub tracking_hash: String,
    /// The SHA-256 of the submission's one-time token (the form's token, the API's
    /// `Idempotency-Key`): the same token twice is a [`crate::StoreError::Conflict`].
    pub nonce: Option<String>,
    /// The SHA-256 of what was submitted under the token, to tell a retry from another message.
    pub content_hash: Option<String>,
    /// The request (answered as 信访举报投诉, 第三十九条) this message was turned from.
    pub from_request: Option<RequestId>,
}

/// The agency's reply to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub body: String,
    /// The day of the (first) reply: what the time limit is measured against.
    pub on: NaiveDate,
    pub at: DateTime<Utc>,
    pub by: String,
    /// Published on the portal (公开答复); otherwise only the sender sees it, on the tracking page.
    pub public: bool,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: MessageId,
    /// The agency that handles it now (the one addressed, or the one it was assigned to).
    pub agency: AgencyId,
    /// The agency the sender addressed.
    pub addressed: AgencyId,
    pub kind: MessageKind,
    pub title: String,
    pub body: String,
    pub name: String,
    pub phone: String,
    pub received: NaiveDate,
    pub submitted_at: DateTime<Utc>,
    /// [`NewMessage::content_hash`].
    pub content_hash: Option<String>,
    pub reply: Option<Reply>,
    /// Marked as abusive (恶意、辱骂、广告…), with the officer's reason: closed without a reply.
    pub abusive: Option<String>,
    /// Merged into this message, a duplicate of it: closed, answered there.
    pub merged_into: Option<MessageId>,
    /// The request it was turned into, or turned from ([`Message::from_request`]).
    pub request: Option<RequestId>,
    /// The message was made from a request answered as 信访举报投诉 (第三十九条), not left on the
    /// portal.
    pub from_request: bool,
}

/// What an officer does to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageChange {
    /// Hands it to another agency (of the officer's subtree).
    Assign(AgencyId),
    /// Closes it as a duplicate of another message, which is answered instead.
    Merge(MessageId),
    /// Marks it as abusive with a reason (`Some`), or takes the mark back (`None`).
    Abusive(Option<String>),
    /// Replies, or corrects the reply (the day of the first reply is kept).
    Reply(Reply),
    /// Publishes the reply on the portal, or takes it back.
    Publish(bool),
    /// Records the request it was turned into.
    TurnedIntoRequest(RequestId),
}

impl MessageChange {
    /// The audit log's word for the change.
    pub fn action(&self) -> &'static str {
        match self {
            MessageChange::Assign(_) => "message.assign",
            MessageChange::Merge(_) => "message.merge",
            MessageChange::Abusive(_) => "message.abusive",
            MessageChange::Reply(_) => "message.reply",
            MessageChange::Publish(_) => "message.publish",
            MessageChange::TurnedIntoRequest(_) => "message.to_request",
        }
    }
}

impl Message {
    /// Whether the message needs nothing more: replied, merged, marked abusive, or turned into
    /// a request (then the request's own deadline runs).
    pub fn is_closed(&self) -> bool {
        self.reply.is_some()
            || self.merged_into.is_some()
            || self.abusive.is_some()
            || (self.request.is_some() && !self.from_request)
    }

    /// The state's name for programs: `open`, `replied`, `merged`, `abusive`, `to_request`.
    pub fn state_key(&self) -> &'static str {
        if self.merged_into.is_some() {
            "merged"
        } else if self.abusive.is_some() {
            "abusive"
        } else if self.reply.is_some() {
            "replied"
        } else if self.request.is_some() && !self.from_request {
            "to_request"
        } else {
            "open"
        }
    }

    /// The state as officers and senders say it.
    pub fn state_label(&self) -> &'static str {
        match self.state_key() {
            "merged" => "已合并",
            "abusive" => "已标记为不当留言",
            "replied" => "已答复",
            "to_request" => "已转为政府信息公开申请",
            _ => "办理中",
        }
    }

    /// The message after `change`, or why the change cannot be made. `target` is the message
    /// named by [`MessageChange::Merge`] (the store reads it under its lock too).
    ///
    /// # Errors
    /// A message in the wrong state for the change, in words for the officer.
    pub fn apply(
        &self,
        change: &MessageChange,
        target: Option<&Message>,
    ) -> std::result::Result<Message, String> {
        let mut next = self.clone();
        let handled_elsewhere = || {
            if self.merged_into.is_some() {
                Err("该留言已合并到其他留言，请在合并后的留言中办理".to_owned())
            } else if self.request.is_some() && !self.from_request {
                Err("该留言已转为政府信息公开申请，请按申请办理".to_owned())
            } else {
                Ok(())
            }
        };
        match change {
            MessageChange::Assign(agency) => {
                handled_elsewhere()?;
                if self.reply.is_some() {
                    return Err("已答复的留言不能再交办".into());
                }
                next.agency = *agency;
            }
            MessageChange::Merge(into) => {
                handled_elsewhere()?;
                if self.reply.is_some() {
                    return Err("已答复的留言不能合并".into());
                }
                let Some(target) = target.filter(|t| t.id == *into) else {
                    return Err(format!("找不到要合并到的留言（编号 {}）", into.0));
                };
                if target.id == self.id {
                    return Err("留言不能合并到它自己".into());
                }
                if target.merged_into.is_some() {
                    return Err("要合并到的留言本身已合并到其他留言".into());
                }
                next.merged_into = Some(*into);
            }
            MessageChange::Abusive(reason) => {
                handled_elsewhere()?;
                if reason.is_some() && self.reply.as_ref().is_some_and(|r| r.public) {
                    return Err("答复已公开的留言不能标记为不当留言：请先撤回公开".into());
                }
                next.abusive = reason.clone();
            }
            MessageChange::Reply(reply) => {
                handled_elsewhere()?;
                if self.abusive.is_some() {
                    return Err("已标记为不当留言的留言不予答复：如属误标，请先取消标记".into());
                }
                let mut reply = reply.clone();
                if let Some(first) = &self.reply {
                    reply.on = first.on;
                }
                if reply.on < self.received {
                    return Err(format!(
                        "答复日期 {} 早于收到留言的日期 {}",
                        reply.on, self.received
                    ));
                }
                next.reply = Some(reply);
            }
            MessageChange::Publish(public) => {
                let Some(reply) = &mut next.reply else {
                    return Err("留言尚未答复，没有可以公开的答复".into());
                };
                if *public && self.abusive.is_some() {
                    return Err("不当留言的答复不能公开".into());
                }
                reply.public = *public;
            }
            MessageChange::TurnedIntoRequest(request) => {
                handled_elsewhere()?;
                if self.from_request {
                    return Err("该留言由申请转来，不能再转为申请".into());
                }
                if self.reply.is_some() || self.abusive.is_some() {
                    return Err("已答复或已标记为不当留言的留言不能转为申请".into());
                }
                next.request = Some(*request);
            }
        }
        Ok(next)
    }
}

/// One message as the annual report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFacts {
    pub id: MessageId,
    /// The agency the message is addressed to / assigned to (the one handling it).
    pub agency: AgencyId,
    pub tracking_code: String,
    pub kind: MessageKind,
    pub title: String,
    pub received: NaiveDate,
    pub replied: Option<NaiveDate>,
    /// Reply published (公开答复).
    pub public: bool,
    pub abusive: bool,
    pub merged_into: Option<MessageId>,
    /// Turned into this request (or turned from it, for a message made from a request).
    pub request: Option<RequestId>,
}

/// Public messages and what the agencies do with them.
pub trait Messages: Send + Sync {
    /// Stores a new message with its audit entry. The agency (and the request it was turned
    /// from, if any) must exist ([`crate::StoreError::NotFound`]); a tracking hash or nonce used
    /// before, or a second message from one request, is [`crate::StoreError::Conflict`].
    fn submit_message(
        &self,
        new: NewMessage,
        audit: Draft,
    ) -> impl Future<Output = Result<Message>> + Send;

    /// Changes a message ([`Message::apply`] under its row lock; a refusal is
    /// [`crate::StoreError::MessageState`] and writes nothing), with its audit entry. Returns
    /// the message as it now is.
    fn change_message(
        &self,
        id: MessageId,
        change: MessageChange,
        audit: Draft,
    ) -> impl Future<Output = Result<Message>> + Send;

    /// The message with this id.
    fn message(&self, id: MessageId) -> impl Future<Output = Result<Option<Message>>> + Send;

    /// The message whose tracking code has this hash.
    fn message_by_tracking(
        &self,
        tracking_hash: &str,
    ) -> impl Future<Output = Result<Option<Message>>> + Send;

    /// The message submitted under the one-time token with this hash.
    fn message_by_nonce(&self, nonce: &str)
    -> impl Future<Output = Result<Option<Message>>> + Send;

    /// The message linked to a request (turned into it, or made from it), if any.
    fn message_of_request(
        &self,
        request: RequestId,
    ) -> impl Future<Output = Result<Option<Message>>> + Send;

    /// Up to `limit` messages handled by `agencies` with an id above `after`, by id: a page of
    /// a keyset-paged list (an insert between pages neither skips nor repeats one).
    fn messages_of(
        &self,
        agencies: &[AgencyId],
        after: Option<MessageId>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Message>>> + Send;

    /// Up to `limit` messages of `agencies` whose reply is published, with an id below
    /// `before`, newest first.
    fn public_replies(
        &self,
        agencies: &[AgencyId],
        before: Option<MessageId>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Message>>> + Send;

    /// Every message of those agencies received in `year` or replied in `year`, by id.
    /// The tracking code is never stored: [`MessageFacts::tracking_code`] is the message's
    /// public number (`LY` and the id), which the sender does not need to keep secret.
    fn message_facts(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<MessageFacts>>> + Send;
}

/// The number a message is known by in the back office and the report (`LY000042`): the
/// tracking code itself is a secret and is never stored.
pub fn message_number(id: MessageId) -> String {
    format!("LY{:06}", id.0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn message(id: i64) -> Message {
        Message {
            id: MessageId(id),
            agency: AgencyId(1),
            addressed: AgencyId(1),
            kind: MessageKind::Consultation,
            title: "t".into(),
            body: "b".into(),
            name: "n".into(),
            phone: "13800000000".into(),
            received: d("2024-03-05"),
            submitted_at: Utc::now(),
            content_hash: None,
            reply: None,
            abusive: None,
            merged_into: None,
            request: None,
            from_request: false,
        }
    }

    fn reply(on: &str, public: bool) -> Reply {
        Reply {
            body: "答复".into(),
            on: d(on),
            at: Utc::now(),
            by: "officer".into(),
            public,
        }
    }

    #[test]
    fn kinds_read_by_key_or_label() {
        for k in MessageKind::ALL {
            assert_eq!(MessageKind::parse(k.key()), Some(k));
            assert_eq!(MessageKind::parse(k.label()), Some(k));
        }
        assert_eq!(MessageKind::parse("举报"), None);
    }

    #[test]
    fn a_message_closes_one_way_only() {
        let m = message(1);
        assert!(!m.is_closed());
        let replied = m
            .apply(&MessageChange::Reply(reply("2024-03-06", false)), None)
            .unwrap();
        assert!(replied.is_closed());
        assert_eq!(replied.state_key(), "replied");
        // A correction keeps the day of the first reply.
        let again = replied
            .apply(&MessageChange::Reply(reply("2024-03-20", true)), None)
            .unwrap();
        assert_eq!(again.reply.as_ref().unwrap().on, d("2024-03-06"));
        assert!(
            again
                .apply(&MessageChange::Merge(MessageId(2)), Some(&message(2)))
                .is_err()
        );
        assert!(
            again
                .apply(&MessageChange::TurnedIntoRequest(RequestId(1)), None)
                .is_err()
        );
        // Published replies cannot be marked abusive before they are taken back.
        assert!(
            again
                .apply(&MessageChange::Abusive(Some("广告".into())), None)
                .is_err()
        );
        assert!(m.apply(&MessageChange::Publish(true), None).is_err());
        assert!(
            m.apply(&MessageChange::Reply(reply("2024-03-01", false)), None)
                .is_err()
        );
    }

    #[test]
    fn merging_needs_an_unmerged_other_message() {
        let m = message(1);
        assert!(
            m.apply(&MessageChange::Merge(MessageId(1)), Some(&m))
                .is_err()
        );
        let mut merged = message(2);
        merged.merged_into = Some(MessageId(3));
        assert!(
            m.apply(&MessageChange::Merge(MessageId(2)), Some(&merged))
                .is_err()
        );
        let done = m
            .apply(&MessageChange::Merge(MessageId(3)), Some(&message(3)))
            .unwrap();
        assert_eq!(done.state_key(), "merged");
        assert!(
            done.apply(&MessageChange::Reply(reply("2024-03-06", false)), None)
                .is_err()
        );
    }
}
