//! Public messages (互动交流) from the agency's side: the list of an agency's messages with their
//! reply time limit (working days on the official calendar, `[messages] reply_days`) and the
//! overdue ones, a message with what can be done to it, and the officer's acts — assign it
//! within the subtree, merge a duplicate, mark abuse, reply (公开答复 or privately), publish or
//! withdraw the reply, turn a message that really is an information request into a request, and
//! a request answered as 信访举报投诉 (第三十九条) into a message. The public's side (leaving a
//! message, tracking it, the published replies) is [`crate::portal::messages`].
//!
//! Every write needs [`Capability::Handle`] on the message's agency (web.md §1: officers and
//! approvers "edit and publish public replies"); the supervising office and admins read.

use crate::applications::{canonical_code, new_tracking_code, tracking_hash};
use crate::requests::{RegisterRequest, RequestView, mask};
use crate::{Capability, Ctx, Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_calendar::{Calendar, Event};
use gongkai_cases::limits::{MAX_TEXT_CHARS, check_text};
use gongkai_cases::{
    Agency, AgencyId, Channel, Confirmation, Contact, NewRequest, Outcome, Request, RequestId,
    TimelineEvent, online, tables,
};
use gongkai_report::Applicant;
use gongkai_store::Store;
use gongkai_store::messages::{
    Message, MessageChange, MessageId, MessageKind, NewMessage, Reply, message_number,
};

/// The reply time limit of messages (`[messages]` of the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRules {
    /// Working days, on the official calendar, from the day a message is received to the day
    /// its reply is due (at least 1).
    pub reply_days: u32,
}

impl Default for MessageRules {
    /// The configuration's default (`messages.reply_days = 10`).
    fn default() -> Self {
        MessageRules { reply_days: 10 }
    }
}

/// The day a reply is due: the `days`-th working day after the day of receipt (day 1 is the
/// first working day after it, the counting convention of the 条例's periods), at least one.
/// `None` only past the calendar's last representable date.
pub fn reply_due(cal: &Calendar, received: NaiveDate, days: u32) -> Option<NaiveDate> {
    cal.add_working_days(received, days.max(1))
}

/// The day of receipt of the request a message is turned into: the message came in online, and
/// an online application is received on the day both sides confirm it (第三十一条第（三）项, the
/// rule of [`online::confirm`]): the message's own day when the agency confirms online receipt
/// automatically (`portal.auto_confirm_receipt`), otherwise `today`, the day the officer
/// confirms it by turning it into a request.
pub fn request_received(message: &Message, auto_confirm: bool, today: NaiveDate) -> NaiveDate {
    let submitted = Request {
        id: RequestId(0),
        data: NewRequest {
            agency: message.agency,
            reference: String::new(),
            applicants: Vec::new(),
            channel: Channel::Online,
            received: message.received,
            description: String::new(),
            requested_form: String::new(),
            contact: Contact::default(),
        },
        events: vec![TimelineEvent {
            event: Event::Received(message.received),
            outcome: None,
            note: String::new(),
        }],
        confirmation: Confirmation::Awaiting {
            receipt_fixed: auto_confirm,
        },
    };
    online::confirm(&submitted, today.max(message.received))
        .map_or(message.received, |r| r.data.received)
}

/// Which messages a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MessageFilter {
    #[default]
    All,
    /// Not yet closed (replied, merged, marked abusive or turned into a request).
    Open,
    /// Open and past the reply time limit.
    Overdue,
    /// Replied.
    Replied,
}

impl MessageFilter {
    /// By its word in a query (`open`, `overdue`, `replied`; anything else: all).
    pub fn parse(text: &str) -> MessageFilter {
        match text.trim() {
            "open" => MessageFilter::Open,
            "overdue" => MessageFilter::Overdue,
            "replied" => MessageFilter::Replied,
            _ => MessageFilter::All,
        }
    }
}

/// One line of a list of messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageItem {
    pub id: MessageId,
    /// `LY000042`.
    pub number: String,
    pub agency: String,
    pub kind: MessageKind,
    pub title: String,
    pub received: NaiveDate,
    /// The day the reply is (or was) due.
    pub due: Option<NaiveDate>,
    /// Working days left as of the list's day while open (negative when overdue).
    pub days_left: Option<i64>,
    pub overdue: bool,
    pub state: &'static str,
    pub state_label: &'static str,
    pub replied: Option<NaiveDate>,
    pub public: bool,
}

/// A message with what the back office shows of it.
#[derive(Debug, Clone)]
pub struct MessageView {
    pub message: Message,
    pub number: String,
    /// The agency handling it.
    pub agency: Agency,
    /// The agency the sender chose.
    pub addressed: String,
    pub due: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub overdue: bool,
    /// The sender's phone as this caller may see it: in full to those who handle the agency's
    /// messages, `138****0000` to others (web.md §4). `message.phone` is emptied.
    pub phone: String,
    /// The request it was turned into (or from): its id and reference.
    pub request: Option<(RequestId, String)>,
    /// The message it was merged into, and those merged into it.
    pub merged_into: Option<String>,
    pub duplicates: Vec<(MessageId, String)>,
    /// Whether the caller may act on it.
    pub can_handle: bool,
    /// The agencies the caller may assign it to (name, indented label).
    pub assignable: Vec<(String, String)>,
}

/// What a list of messages shows.
#[derive(Debug, Clone, Default)]
pub struct MessageQuery {
    /// The agency's name (or alias); empty: every agency the caller sees.
    pub agency: String,
    /// The agency's subordinate agencies too.
    pub subtree: bool,
    pub filter: MessageFilter,
}

/// Messages read from the store per query while a list is gathered.
const SCAN: usize = 1000;

impl<S: Store> Ctx<'_, S> {
    /// The reply time limit of a message and the working days left as of today (negative when
    /// overdue); `(None, None)` when the calendar cannot count that far.
    fn message_due(&self, cal: &Calendar, m: &Message) -> (Option<NaiveDate>, Option<i64>, bool) {
        let due = reply_due(cal, m.received, self.settings.messages.reply_days);
        let Some(due) = due else {
            return (None, None, false);
        };
        if m.is_closed() {
            return (Some(due), None, false);
        }
        let left = cal.working_days_between(self.settings.today, due);
        (Some(due), Some(left), self.settings.today > due)
    }

    fn item(&self, cal: &Calendar, tree: &[Agency], m: Message) -> MessageItem {
        let (due, days_left, overdue) = self.message_due(cal, &m);
        MessageItem {
            id: m.id,
            number: message_number(m.id),
            agency: tree
                .iter()
                .find(|a| a.id == m.agency)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            kind: m.kind,
            state: m.state_key(),
            state_label: m.state_label(),
            replied: m.reply.as_ref().map(|r| r.on),
            public: m.reply.as_ref().is_some_and(|r| r.public),
            title: m.title,
            received: m.received,
            due,
            days_left,
            overdue,
        }
    }

    /// The agencies a list of messages covers: the one asked (with its subtree), or every
    /// agency the caller sees.
    async fn message_agencies(&self, agency: &str, subtree: bool) -> Result<Vec<AgencyId>> {
        let tree = self.tree().await?;
        if agency.trim().is_empty() {
            return Ok(self.scope.visible(&tree).iter().map(|a| a.id).collect());
        }
        let (agency, tree) = self.locate(agency).await?;
        Ok(if subtree {
            tables::subtree(&tree, agency.id)
                .into_iter()
                .filter(|id| self.scope.reaches(*id, &tree))
                .collect()
        } else {
            vec![agency.id]
        })
    }

    /// The messages of an agency (and its subtree, or of every agency the caller sees), oldest
    /// first, filtered: the back office's list, with the overdue ones on demand.
    pub async fn message_list(&self, q: &MessageQuery) -> Result<Vec<MessageItem>> {
        let agencies = self.message_agencies(&q.agency, q.subtree).await?;
        let tree = self.tree().await?;
        let cal = self.calendar().await?;
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self.store.messages_of(&agencies, after, SCAN).await?;
            let done = page.len() < SCAN;
            after = page.last().map(|m| m.id);
            for m in page {
                let item = self.item(&cal, &tree, m);
                let keep = match q.filter {
                    MessageFilter::All => true,
                    MessageFilter::Open => item.state == "open",
                    MessageFilter::Overdue => item.overdue,
                    MessageFilter::Replied => item.replied.is_some(),
                };
                if keep {
                    out.push(item);
                }
            }
            if done {
                break;
            }
        }
        Ok(out)
    }

    /// A page of an agency's messages by id (keyset-paged like the requests' list), and the
    /// cursor of the next page.
    pub async fn message_page(
        &self,
        agency: &str,
        subtree: bool,
        after: Option<MessageId>,
        limit: usize,
    ) -> Result<(Vec<MessageItem>, Option<MessageId>)> {
        if agency.trim().is_empty() {
            return Err(ServiceError::Invalid("请指定机关（agency）".into()));
        }
        let agencies = self.message_agencies(agency, subtree).await?;
        let tree = self.tree().await?;
        let cal = self.calendar().await?;
        let mut page = self
            .store
            .messages_of(&agencies, after, limit.saturating_add(1))
            .await?;
        let more = page.len() > limit;
        page.truncate(limit);
        let next = if more {
            page.last().map(|m| m.id)
        } else {
            None
        };
        let items = page
            .into_iter()
            .map(|m| self.item(&cal, &tree, m))
            .collect();
        Ok((items, next))
    }

    /// A message the scope sees, with its agency and the tree; one it does not see is not
    /// found, as if it did not exist.
    async fn message_in_scope(&self, id: MessageId) -> Result<(Message, Agency, Vec<Agency>)> {
        let not_found = || {
            ServiceError::Store(gongkai_store::StoreError::NotFound(format!(
                "留言 {}",
                message_number(id)
            )))
        };
        let message = self.store.message(id).await?.ok_or_else(not_found)?;
        let tree = self.tree().await?;
        if !self.scope.reaches(message.agency, &tree) {
            return Err(not_found());
        }
        let agency = tree
            .iter()
            .find(|a| a.id == message.agency)
            .cloned()
            .ok_or_else(not_found)?;
        Ok((message, agency, tree))
    }

    /// A message with its time limit, its links and what the caller may do.
    pub async fn message_view(&self, id: MessageId) -> Result<MessageView> {
        let (mut message, agency, tree) = self.message_in_scope(id).await?;
        let cal = self.calendar().await?;
        let (due, days_left, overdue) = self.message_due(&cal, &message);
        let can_handle = self.scope.allows(agency.id, &tree, Capability::Handle);
        let phone = std::mem::take(&mut message.phone);
        let phone = if can_handle {
            phone
        } else {
            mask(&phone, 3, 4)
        };
        let request = match message.request {
            Some(r) => self
                .store
                .request(r)
                .await?
                .map(|req| (r, req.data.reference)),
            None => None,
        };
        // Those merged into it: among the messages of its agency (duplicates are merged within
        // one agency's list, where the officer sees both).
        let mut duplicates = Vec::new();
        let mut after = None;
        loop {
            let page = self.store.messages_of(&[agency.id], after, SCAN).await?;
            let done = page.len() < SCAN;
            after = page.last().map(|m| m.id);
            duplicates.extend(
                page.iter()
                    .filter(|m| m.merged_into == Some(id))
                    .map(|m| (m.id, message_number(m.id))),
            );
            if done {
                break;
            }
        }
        let assignable = if can_handle && !message.is_closed() {
            let rows = self.agency_tree().await?;
            rows.into_iter()
                .filter(|r| {
                    r.merged_into.is_none()
                        && self.scope.allows(r.agency.id, &tree, Capability::Handle)
                })
                .map(|r| {
                    (
                        r.agency.name.clone(),
                        format!("{}{}", "\u{3000}".repeat(r.depth), r.agency.name),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(MessageView {
            number: message_number(message.id),
            addressed: tree
                .iter()
                .find(|a| a.id == message.addressed)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            merged_into: message.merged_into.map(message_number),
            message,
            agency,
            due,
            days_left,
            overdue,
            phone,
            request,
            duplicates,
            can_handle,
            assignable,
        })
    }

    /// Changes a message the caller handles, with the audit entry of the change.
    async fn change(
        &self,
        message: &Message,
        agency: &Agency,
        tree: &[Agency],
        change: MessageChange,
    ) -> Result<Message> {
        let grant = self.grant_in(tree, agency, Capability::Handle)?;
        let audit = self
            .draft(
                &grant,
                change.action(),
                format!("留言 {}", message_number(message.id)),
            )
            .await?;
        Ok(self.store.change_message(message.id, change, audit).await?)
    }

    /// Hands a message to another agency the caller handles (within the caller's subtree).
    pub async fn assign_message(&self, id: MessageId, to: &str) -> Result<Message> {
        let (message, agency, tree) = self.message_in_scope(id).await?;
        self.grant_in(&tree, &agency, Capability::Handle)?;
        let (target, tree) = self.locate(to).await?;
        if target.merged.is_some() {
            return Err(ServiceError::Invalid(format!(
                "“{}”已并入其他机关，不能再交办给它",
                target.name
            )));
        }
        // The caller must handle the target as well: assignment stays inside the subtree.
        self.grant_in(&tree, &target, Capability::Handle)?;
        self.change(&message, &agency, &tree, MessageChange::Assign(target.id))
            .await
    }

    /// Closes a message as a duplicate of another one the caller handles.
    pub async fn merge_message(&self, id: MessageId, into: MessageId) -> Result<Message> {
        let (message, agency, tree) = self.message_in_scope(id).await?;
        let (_, target_agency, _) = self.message_in_scope(into).await?;
        self.grant_in(&tree, &target_agency, Capability::Handle)?;
        self.change(&message, &agency, &tree, MessageChange::Merge(into))
            .await
    }

    /// Marks a message as abusive with a reason, or takes the mark back (`None`).
    pub async fn mark_abusive(&self, id: MessageId, reason: Option<&str>) -> Result<Message> {
        let reason = match reason.map(str::trim) {
            Some("") => return Err(ServiceError::Invalid("请写明标记为不当留言的理由".into())),
            Some(r) => {
                self.limit(check_text("理由", r, MAX_TEXT_CHARS, true))?;
                Some(r.to_owned())
            }
            None => None,
        };
        let (message, agency, tree) = self.message_in_scope(id).await?;
        self.change(&message, &agency, &tree, MessageChange::Abusive(reason))
            .await
    }

    /// Replies to a message today (or corrects the reply), published on the portal when
    /// `public` (公开答复), otherwise shown only to the sender on the tracking page.
    pub async fn reply_message(
        &self,
        id: MessageId,
        body: &str,
        public: bool,
        at: DateTime<Utc>,
    ) -> Result<Message> {
        let body = body.trim();
        if body.is_empty() {
            return Err(ServiceError::Fields(vec![crate::FieldProblem {
                field: "body",
                message: "请填写答复内容".into(),
            }]));
        }
        self.limit(check_text("答复内容", body, MAX_TEXT_CHARS, true))?;
        let (message, agency, tree) = self.message_in_scope(id).await?;
        let reply = Reply {
            body: body.to_owned(),
            on: self.settings.today,
            at,
            by: self.scope.actor().name().to_owned(),
            public,
        };
        self.change(&message, &agency, &tree, MessageChange::Reply(reply))
            .await
    }

    /// Publishes a message's reply on the portal, or withdraws it.
    pub async fn publish_reply(&self, id: MessageId, public: bool) -> Result<Message> {
        let (message, agency, tree) = self.message_in_scope(id).await?;
        self.change(&message, &agency, &tree, MessageChange::Publish(public))
            .await
    }

    /// Turns a message that really is an information request into a request of its agency:
    /// registered by [`Ctx::register_request`] (channel online, received on the day
    /// [`request_received`] gives), the message kept and linked to it both ways.
    /// `reference` defaults to the message's number.
    pub async fn message_to_request(
        &self,
        id: MessageId,
        reference: &str,
        kind: Applicant,
    ) -> Result<(Message, RequestView)> {
        let (message, agency, tree) = self.message_in_scope(id).await?;
        self.grant_in(&tree, &agency, Capability::Handle)?;
        // Refused before anything is registered when the message's state does not allow it.
        message
            .apply(&MessageChange::TurnedIntoRequest(RequestId(0)), None)
            .map_err(gongkai_store::StoreError::MessageState)?;
        let reference = match reference.trim() {
            "" => message_number(message.id),
            r => r.to_owned(),
        };
        let received = request_received(
            &message,
            self.settings.portal.auto_confirm_receipt,
            self.settings.today,
        );
        let view = self
            .register_request(RegisterRequest {
                agency: agency.name.clone(),
                reference,
                applicant: message.name.clone(),
                kind,
                channel: Channel::Online,
                received,
                description: format!("{}\n{}", message.title, message.body),
                form: String::new(),
                contact: Contact {
                    phone: message.phone.clone(),
                    ..Contact::default()
                },
            })
            .await?;
        let linked = self
            .change(
                &message,
                &agency,
                &tree,
                MessageChange::TurnedIntoRequest(view.request.id),
            )
            .await?;
        Ok((linked, view))
    }

    /// Turns a request answered as a 信访、举报、投诉 (第三十九条, outcome `np_petition`) into a
    /// message of its agency, kept and linked both ways: received on the day of the answer, to
    /// be replied to within the messages' time limit.
    pub async fn request_to_message(&self, id: RequestId, kind: MessageKind) -> Result<Message> {
        let (request, agency, tree) = self.request_in_scope(id).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let decided = request.events.iter().rev().find_map(|e| match e.event {
            Event::Decided(on) if e.outcome == Some(Outcome::NpPetition) => Some(on),
            _ => None,
        });
        let Some(decided) = decided else {
            return Err(gongkai_store::StoreError::MessageState(
                "只有以“信访举报投诉类申请”（第三十九条）作出答复的申请才能转为留言".into(),
            )
            .into());
        };
        if self.store.message_of_request(id).await?.is_some() {
            return Err(
                gongkai_store::StoreError::MessageState("该申请已与一条留言关联".into()).into(),
            );
        }
        let code = new_tracking_code()?;
        let canonical =
            canonical_code(&code).ok_or_else(|| ServiceError::Invalid("查询码生成有误".into()))?;
        let description = request.data.description.trim();
        let title: String = description
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(60)
            .collect();
        let new = NewMessage {
            agency: agency.id,
            kind,
            title: if title.is_empty() {
                format!("申请 {} 转来", request.data.reference)
            } else {
                title
            },
            body: description.to_owned(),
            name: request
                .data
                .applicants
                .first()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            phone: request.data.contact.phone.clone(),
            received: decided,
            submitted_at: chrono::Utc::now(),
            // Nobody holds this code: the applicant follows the request.
            tracking_hash: tracking_hash(&canonical),
            nonce: None,
            content_hash: None,
            from_request: Some(id),
        };
        let mut audit = self
            .draft(
                &grant,
                "message.from_request",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        audit.set("request", id.0);
        Ok(self.store.submit_message(new, audit).await?)
    }

    /// The message linked to a request the scope sees (turned into it or made from it).
    pub async fn message_of_request(&self, id: RequestId) -> Result<Option<(MessageId, String)>> {
        self.request_in_scope(id).await?;
        Ok(self
            .store
            .message_of_request(id)
            .await?
            .map(|m| (m.id, message_number(m.id))))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn cal() -> Calendar {
        Calendar::official().unwrap()
    }

    proptest! {
        /// The reply is due on a working day, after the day of receipt, exactly `days` working
        /// days later on the official calendar (holidays and make-up days included).
        #[test]
        fn the_reply_is_due_n_working_days_later(offset in 0i64..(365 * 6), days in 1u32..40) {
            let cal = cal();
            let received = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
                + chrono::Days::new(u64::try_from(offset).unwrap());
            let due = reply_due(&cal, received, days).unwrap();
            prop_assert!(cal.is_working_day(due), "{due} is no working day");
            prop_assert!(due > received);
            prop_assert_eq!(cal.working_days_between(received, due), i64::from(days));
            // And no earlier day would do: the day before has one working day fewer.
            let before = due.pred_opt().unwrap();
            prop_assert_eq!(cal.working_days_between(received, before), i64::from(days) - 1);
        }
    }

    #[test]
    fn a_request_made_of_a_message_is_received_by_the_online_rule() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let message = Message {
            id: MessageId(1),
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
        };
        // Online receipt confirmed automatically: the day the message came in.
        assert_eq!(
            request_received(&message, true, d("2024-03-12")),
            d("2024-03-05")
        );
        // Otherwise the day both sides confirm: the day the officer turns it into a request.
        assert_eq!(
            request_received(&message, false, d("2024-03-12")),
            d("2024-03-12")
        );
        // Never before the message itself.
        assert_eq!(
            request_received(&message, false, d("2024-03-01")),
            d("2024-03-05")
        );
    }

    #[test]
    fn the_spring_festival_does_not_count() {
        let cal = cal();
        // 2024: 2月10日–17日 off, 2月4日 and 2月18日 (Sundays) make-up working days.
        let received = NaiveDate::from_ymd_opt(2024, 2, 8).unwrap();
        // 2月9日 (Fri) is day 1; the holiday is skipped; 2月18日 (Sun, 调休上班) is day 2.
        assert_eq!(
            reply_due(&cal, received, 2),
            NaiveDate::from_ymd_opt(2024, 2, 18)
        );
        // No limit is shorter than a day.
        assert_eq!(
            reply_due(&cal, received, 0),
            NaiveDate::from_ymd_opt(2024, 2, 9)
        );
    }
}
