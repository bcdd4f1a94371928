//! Notifications (issue 16 §3): messages to the applicant at each milestone of their request
//! and to staff, queued in the database and sent by a worker ([`send`]).
//!
//! - The applicant: the receipt (with the tracking code of an online application, known in
//!   clear only at submission), the correction notice (补正, 第三十条), the extension (延期,
//!   第三十三条第二款: the applicant must be told) and the reply (答复), by SMS to their phone
//!   and by e-mail to their address, each where the contact has one.
//! - Staff: a request dispatched to their unit ([`Ctx::notify_dispatched`]), and their requests
//!   due soon and overdue ([`Ctx::scan_deadlines`], once a day, from the reminders' digests —
//!   the same work list), by e-mail to the accounts that have an address.
//!
//! A message is queued right after its milestone is committed, not in the milestone's own
//! transaction: a new request is written by the store's shared writer queue together with
//! others, and the texts need the stored request (its reference, its new deadline). This is
//! safe: the milestone never depends on the message (a message that cannot be queued is a
//! warning, never an undone milestone), and each message has a key (request, milestone, date,
//! channel) under which the queue holds it once, so a use case run again never sends twice.
//! The cost is that a process killed between the two loses that one message, which the
//! request's page then shows as missing from its delivery status.
//!
//! Quiet hours (`notify.quiet_hours`, China time) hold back staff messages and the applicant's
//! SMS until they end: an SMS rings a phone at night, while an e-mail waits in a mailbox
//! unnoticed, so the applicant's e-mail goes at once.
//!
//! Templates are the agency's, edited in the back office and checked before they are saved
//! ([`gongkai_notify::validate`]); they are kept with the agency's letter templates, under the
//! kind `notify.MILESTONE.CHANNEL`. No variable holds an identity number, and every rendered
//! message is scrubbed of anything that looks like one.

pub mod send;

use crate::requests::mask;
use crate::{Capability, Ctx, Result, ServiceError, Warning};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_access::Role;
use gongkai_cases::lifecycle;
use gongkai_cases::{Agency, AgencyId, Request, RequestId};
pub use gongkai_notify::{Audience, Channel, Milestone, QuietHours, TemplateError};
use gongkai_notify::{Vars, default_template, render, send_time};
use gongkai_store::Store;
use gongkai_store::accounts::User;
use gongkai_store::notifications::{NewNotification, NotificationId};
pub use gongkai_store::notifications::{Notification, NotificationState};

/// When and how messages are sent (`[notify]` of the configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyRules {
    /// Staff messages and the applicant's SMS wait while these hours last.
    pub quiet: Option<QuietHours>,
    /// SMS segments a template may take.
    pub sms_max_segments: usize,
    /// Attempts before a message is failed.
    pub max_attempts: u32,
}

impl Default for NotifyRules {
    /// The configuration's defaults.
    fn default() -> Self {
        NotifyRules {
            quiet: QuietHours::parse("22:00-08:00").ok().flatten(),
            sms_max_segments: 3,
            max_attempts: 8,
        }
    }
}

/// A template of an agency as it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyTemplate {
    pub milestone: Milestone,
    pub channel: Channel,
    pub body: String,
    /// Whether the agency replaced the default.
    pub custom: bool,
}

/// The kind under which an agency's template is kept with its letter templates.
fn template_kind(milestone: Milestone, channel: Channel) -> String {
    format!("notify.{}.{}", milestone.key(), channel.key())
}

/// The agency's template of `milestone` and `channel` among its `custom` ones, else the
/// default.
fn template_among(
    custom: &[(String, String)],
    milestone: Milestone,
    channel: Channel,
) -> NotifyTemplate {
    let kind = template_kind(milestone, channel);
    match custom.iter().find(|(k, _)| *k == kind) {
        Some((_, body)) => NotifyTemplate {
            milestone,
            channel,
            body: body.clone(),
            custom: true,
        },
        None => NotifyTemplate {
            milestone,
            channel,
            body: default_template(milestone, channel).to_owned(),
            custom: false,
        },
    }
}

/// A message's delivery status as the request's page shows it: the address masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub milestone: Milestone,
    pub channel: Channel,
    /// `138****0000`, `z****@example.cn`.
    pub address: String,
    pub state: NotificationState,
    pub attempts: u32,
    /// When it was sent, or when it is (or was last) due.
    pub at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// An address as a page shows it: a phone as `138****0000`, an e-mail as `z****@example.cn`
/// (the name's first character, four stars whatever its length, and the domain).
pub fn masked_address(channel: Channel, address: &str) -> String {
    match channel {
        Channel::Sms => mask(address, 3, 4),
        Channel::Email => match address.split_once('@') {
            Some((name, domain)) => {
                let first = name.chars().next().map(String::from).unwrap_or_default();
                format!("{first}****@{domain}")
            }
            None => mask(address, 1, 0),
        },
    }
}

impl Delivery {
    fn of(n: &Notification) -> Option<Delivery> {
        let channel = Channel::parse(&n.channel)?;
        Some(Delivery {
            id: n.id.0,
            milestone: Milestone::parse(&n.milestone)?,
            channel,
            address: masked_address(channel, &n.address),
            state: n.state,
            attempts: n.attempts,
            at: n.sent_at.unwrap_or(n.next_attempt),
            last_error: n.last_error.clone(),
        })
    }
}

/// The milestone an event of the timeline is, for the applicant.
pub fn milestone_of(event: gongkai_calendar::Event) -> Option<Milestone> {
    use gongkai_calendar::Event;
    match event {
        Event::Received(_) => Some(Milestone::Received),
        Event::CorrectionRequested(_) => Some(Milestone::CorrectionRequested),
        Event::ExtensionApproved(_) => Some(Milestone::Extended),
        Event::Decided(_) => Some(Milestone::Replied),
        _ => None,
    }
}

impl<S: Store> Ctx<'_, S> {
    /// The agency's template of a milestone and channel, or the default.
    async fn template_for(
        &self,
        agency: AgencyId,
        milestone: Milestone,
        channel: Channel,
    ) -> Result<NotifyTemplate> {
        let custom = self.store.letter_templates(agency).await?;
        Ok(template_among(&custom, milestone, channel))
    }

    /// The message of `milestone` by `channel` from the agency's template with `vars`.
    async fn message(
        &self,
        agency: AgencyId,
        milestone: Milestone,
        channel: Channel,
        vars: &Vars,
    ) -> Result<gongkai_notify::Message> {
        let template = self.template_for(agency, milestone, channel).await?;
        render(channel, &template.body, vars)
            .map_err(|e| ServiceError::Invalid(format!("消息模板有误：{e}")))
    }

    /// Every template of the agency as it is used, milestone by milestone.
    pub async fn notify_templates(&self, agency: &str) -> Result<(Agency, Vec<NotifyTemplate>)> {
        let (agency, _) = self.locate(agency).await?;
        let custom = self.store.letter_templates(agency.id).await?;
        let list = Milestone::templates()
            .into_iter()
            .map(|(m, c)| template_among(&custom, m, c))
            .collect();
        Ok((agency, list))
    }

    /// Replaces the agency's template of a milestone and channel after checking it: a template
    /// that does not parse, names a variable the milestone does not have, makes an SMS longer
    /// than `notify.sms_max_segments` segments, or holds a literal that looks like an identity
    /// number is refused, saying why.
    pub async fn set_notify_template(
        &self,
        agency: &str,
        milestone: Milestone,
        channel: Channel,
        body: &str,
    ) -> Result<()> {
        let (agency, kind, audit) = self
            .template_change(agency, milestone, channel, "notify_template.set")
            .await?;
        if !milestone.channels().contains(&channel) {
            return Err(ServiceError::Invalid(format!(
                "“{}”没有{}模板",
                milestone.label(),
                channel.label()
            )));
        }
        gongkai_notify::validate(
            milestone,
            channel,
            body,
            self.settings.notify.sms_max_segments,
        )
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        Ok(self
            .store
            .set_letter_template(agency, &kind, body, audit)
            .await?)
    }

    /// Goes back to the default template; `false` when the agency had none of its own.
    pub async fn reset_notify_template(
        &self,
        agency: &str,
        milestone: Milestone,
        channel: Channel,
    ) -> Result<bool> {
        let (agency, kind, audit) = self
            .template_change(agency, milestone, channel, "notify_template.reset")
            .await?;
        Ok(self
            .store
            .reset_letter_template(agency, &kind, audit)
            .await?)
    }

    /// The access check of a change to an agency's template (those who handle its requests),
    /// the template's kind and the change's audit entry.
    async fn template_change(
        &self,
        agency: &str,
        milestone: Milestone,
        channel: Channel,
        action: &'static str,
    ) -> Result<(AgencyId, String, gongkai_audit::Draft)> {
        let (agency, tree) = self.locate(agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let kind = template_kind(milestone, channel);
        let audit = self
            .draft(&grant, action, format!("消息模板 {} {kind}", agency.name))
            .await?;
        Ok((agency.id, kind, audit))
    }

    /// The messages about a request the scope sees, with their delivery status (addresses
    /// masked), oldest first.
    pub async fn request_deliveries(&self, id: RequestId) -> Result<Vec<Delivery>> {
        self.request_in_scope(id).await?;
        let list = self.store.request_notifications(id).await?;
        Ok(list.iter().filter_map(Delivery::of).collect())
    }

    /// The queue, newest first (the operator's: the addresses are personal data).
    pub async fn notification_queue(
        &self,
        state: Option<NotificationState>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Notification>> {
        self.scope.installation()?;
        Ok(self
            .store
            .notifications(state, before.map(NotificationId), limit)
            .await?)
    }

    /// Queues the applicant's messages of `milestone` about `request` (already stored), one per
    /// channel the contact has; `tracking_code` only with the receipt of an online application.
    /// A message that cannot be made or queued is a warning: the milestone stands.
    pub(crate) async fn queue_milestone(
        &self,
        agency: &Agency,
        request: &Request,
        milestone: Milestone,
        date: NaiveDate,
        tracking_code: Option<&str>,
    ) -> Vec<Warning> {
        match self
            .try_queue_milestone(agency, request, milestone, date, tracking_code)
            .await
        {
            Ok(()) => Vec::new(),
            Err(e) => vec![Warning::NotQueued(e.to_string())],
        }
    }

    async fn try_queue_milestone(
        &self,
        agency: &Agency,
        request: &Request,
        milestone: Milestone,
        date: NaiveDate,
        tracking_code: Option<&str>,
    ) -> Result<()> {
        let contact = &request.data.contact;
        let due = if request.confirmation.receipt_known() {
            lifecycle::deadline(
                &self.calendar().await?,
                &request.events,
                &self.settings.deadline,
                None,
            )
            .ok()
            .map(|d| d.due.to_string())
        } else {
            None
        };
        let mut vars = Vars::new();
        vars.insert("agency", agency.name.clone());
        vars.insert("reference", request.data.reference.clone());
        vars.insert(
            "applicant",
            request
                .data
                .applicants
                .first()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        );
        vars.insert("date", date.to_string());
        vars.insert("due", due.unwrap_or_default());
        if milestone == Milestone::Received {
            vars.insert(
                "tracking_code",
                tracking_code.unwrap_or_default().to_owned(),
            );
        }
        let now = Utc::now();
        let mut list = Vec::new();
        for (channel, address) in [
            (Channel::Sms, contact.phone.trim()),
            (Channel::Email, contact.email.trim()),
        ] {
            if address.is_empty() {
                continue;
            }
            let message = self.message(agency.id, milestone, channel, &vars).await?;
            // An SMS rings a phone: it waits for the morning. An e-mail waits in a mailbox
            // unnoticed, so it goes at once.
            let due = match channel {
                Channel::Sms => send_time(self.settings.notify.quiet.as_ref(), now),
                Channel::Email => now,
            };
            list.push(NewNotification {
                request: Some(request.id),
                user: None,
                milestone: milestone.key().to_owned(),
                channel: channel.key().to_owned(),
                address: address.to_owned(),
                subject: message.subject,
                text: message.text,
                dedup: format!(
                    "request:{}:{}:{date}:{}",
                    request.id.0,
                    milestone.key(),
                    channel.key()
                ),
                due,
            });
        }
        self.store.queue_notifications(&list, now).await?;
        Ok(())
    }

    /// Tells the staff of `to` that `request` was dispatched to their unit (转办): an e-mail to
    /// every enabled account holding an officer or approver role on that agency that has an
    /// address, after the quiet hours. Returns how many messages were queued (none again for a
    /// request dispatched to the same unit on the same day). The caller must handle the
    /// request (the dispatching unit's officer).
    pub async fn notify_dispatched(&self, request: RequestId, to: AgencyId) -> Result<usize> {
        let (request, agency, tree) = self.request_in_scope(request).await?;
        self.grant_in(&tree, &agency, Capability::Handle)?;
        let to = tree
            .iter()
            .find(|a| a.id == to)
            .cloned()
            .ok_or_else(|| ServiceError::UnknownAgency(format!("编号 {}", to.0)))?;
        let due = lifecycle::deadline(
            &self.calendar().await?,
            &request.events,
            &self.settings.deadline,
            None,
        )
        .ok()
        .map(|d| d.due.to_string())
        .unwrap_or_default();
        let now = Utc::now();
        let day = crate::in_china(now).date_naive();
        let mut list = Vec::new();
        for user in self.store.users().await? {
            let Some(email) = staff_address(&user, to.id) else {
                continue;
            };
            let mut vars = Vars::new();
            vars.insert("user", user.name.clone());
            vars.insert("agency", to.name.clone());
            vars.insert("reference", request.data.reference.clone());
            vars.insert("due", due.clone());
            let message = self
                .message(to.id, Milestone::Dispatched, Channel::Email, &vars)
                .await?;
            list.push(NewNotification {
                request: Some(request.id),
                user: Some(user.id),
                milestone: Milestone::Dispatched.key().to_owned(),
                channel: Channel::Email.key().to_owned(),
                address: email,
                subject: message.subject,
                text: message.text,
                dedup: format!(
                    "dispatched:{}:{}:{}:{day}",
                    request.id.0, to.id.0, user.id.0
                ),
                due: send_time(self.settings.notify.quiet.as_ref(), now),
            });
        }
        Ok(usize::try_from(self.store.queue_notifications(&list, now).await?).unwrap_or(0))
    }

    /// The daily scan (the operator's): every account's requests due soon and overdue as of
    /// `as_of`, from the reminders' digests (the work list's due dates, 第三十三条), one e-mail
    /// per account and kind, after the quiet hours; a scan run again the same day queues
    /// nothing new. Returns how many messages were queued.
    pub async fn scan_deadlines(&self, as_of: Option<NaiveDate>) -> Result<usize> {
        self.scope.installation()?;
        let digests = self.digests(as_of).await?;
        let users = self.store.users().await?;
        let tree = self.tree().await?;
        let now = Utc::now();
        let mut list = Vec::new();
        for digest in digests {
            let Some(email) = digest.email.clone() else {
                continue;
            };
            let Some(user) = users.iter().find(|u| u.name == digest.user) else {
                continue;
            };
            for (milestone, items) in [
                (Milestone::DueSoon, &digest.due_soon),
                (Milestone::Overdue, &digest.overdue),
            ] {
                let Some(first) = items.first() else {
                    continue;
                };
                let lines: Vec<String> = items
                    .iter()
                    .map(|i| {
                        format!(
                            "{} {} 答复期限 {}（{}）",
                            i.agency,
                            i.reference,
                            i.due.map_or_else(String::new, |d| d.to_string()),
                            crate::reminders::article(i)
                        )
                    })
                    .collect();
                let mut vars = Vars::new();
                vars.insert("user", digest.user.clone());
                vars.insert("date", digest.as_of.to_string());
                vars.insert("count", items.len().to_string());
                vars.insert("list", lines.join("\n"));
                // The templates of the agency of the most urgent request.
                let agency = tree
                    .iter()
                    .find(|a| a.name == first.agency)
                    .map_or(AgencyId(0), |a| a.id);
                let message = self
                    .message(agency, milestone, Channel::Email, &vars)
                    .await?;
                list.push(NewNotification {
                    request: None,
                    user: Some(user.id),
                    milestone: milestone.key().to_owned(),
                    channel: Channel::Email.key().to_owned(),
                    address: email.clone(),
                    subject: message.subject,
                    text: message.text,
                    dedup: format!("{}:{}:{}", milestone.key(), user.id.0, digest.as_of),
                    due: send_time(self.settings.notify.quiet.as_ref(), now),
                });
            }
        }
        Ok(usize::try_from(self.store.queue_notifications(&list, now).await?).unwrap_or(0))
    }
}

/// The address of an enabled account holding an officer or approver role on `agency` itself.
fn staff_address(user: &User, agency: AgencyId) -> Option<String> {
    let handles = user
        .roles
        .iter()
        .any(|(a, r)| *a == agency && matches!(r, Role::Officer | Role::Approver));
    if user.disabled || !handles {
        return None;
    }
    user.email.clone().filter(|e| !e.trim().is_empty())
}
