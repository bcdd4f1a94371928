//! The queue of messages to applicants and staff (issue 16 §3): each message is a row, queued
//! when its milestone is recorded, claimed by one worker at a time, sent, and marked sent — or
//! retried later, or failed after the last attempt. Several `gongkai serve` processes on one
//! database share the queue: a claim takes a row for a lease (PostgreSQL skips the rows another
//! transaction is claiming, SQLite has a single writer), and only the claim that holds the row
//! may finish it, so no message is sent by two workers. (A worker that dies after sending and
//! before marking leaves the row to be claimed again when its lease ends: the one case where a
//! message may go twice, rather than never.)
//!
//! Queuing and the worker's bookkeeping append no audit entry: they change no record (the
//! milestone that queues a message has its own entry).

use crate::Result;
use crate::accounts::UserId;
use chrono::{DateTime, Utc};
use gongkai_cases::RequestId;
use std::future::Future;

/// A message's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NotificationId(pub i64);

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationState {
    /// Waiting for its time (`next_attempt`).
    Queued,
    /// Claimed by a worker until its lease ends.
    Sending,
    Sent,
    /// Given up after the last attempt.
    Failed,
}

impl NotificationState {
    pub fn key(self) -> &'static str {
        match self {
            NotificationState::Queued => "queued",
            NotificationState::Sending => "sending",
            NotificationState::Sent => "sent",
            NotificationState::Failed => "failed",
        }
    }

    pub fn parse(key: &str) -> Option<NotificationState> {
        [
            NotificationState::Queued,
            NotificationState::Sending,
            NotificationState::Sent,
            NotificationState::Failed,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            NotificationState::Queued => "待发送",
            NotificationState::Sending => "发送中",
            NotificationState::Sent => "已发送",
            NotificationState::Failed => "发送失败",
        }
    }
}

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// The request it is about, if any (a staff digest is about several).
    pub request: Option<RequestId>,
    /// The account it goes to, for a staff message.
    pub user: Option<UserId>,
    /// `received`, `correction`, … (`gongkai_notify::Milestone::key`).
    pub milestone: String,
    /// `sms` or `email`.
    pub channel: String,
    /// The phone number or e-mail address.
    pub address: String,
    /// Empty for an SMS.
    pub subject: String,
    pub text: String,
    /// Unique: queuing a message with a key already queued adds nothing, so that a milestone
    /// queued twice (a retried use case, a daily scan run twice) sends once.
    pub dedup: String,
    /// The first moment it may be sent (after quiet hours).
    pub due: DateTime<Utc>,
}

/// A queued message with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: NotificationId,
    pub request: Option<RequestId>,
    pub user: Option<UserId>,
    pub milestone: String,
    pub channel: String,
    pub address: String,
    pub subject: String,
    pub text: String,
    pub state: NotificationState,
    /// Attempts made (a claim counts one).
    pub attempts: u32,
    /// When it is (or was last) due.
    pub next_attempt: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent(DateTime<Utc>),
    /// Failed; try again at this moment.
    Retry {
        at: DateTime<Utc>,
        error: String,
    },
    /// Failed for the last time.
    Failed(String),
}

/// The queue of messages.
pub trait Notifications: Send + Sync {
    /// Queues messages, in one transaction; a message whose `dedup` key is queued already is
    /// skipped. Returns how many were added. A request or account that does not exist is
    /// [`StoreError::NotFound`](crate::StoreError::NotFound) and adds none.
    fn queue_notifications(
        &self,
        list: &[NewNotification],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Claims up to `limit` messages due at `now` (queued, or sending under a lease that ended
    /// before `now`), the longest waiting first: each becomes `sending` until `lease_until`
    /// with one more attempt. No message is claimed by two calls whose leases overlap, however
    /// many processes call at once.
    fn claim_notifications(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Notification>>> + Send;

    /// Records how the attempt of claim `attempts` of message `id` ended; `false` (and nothing
    /// written) when that claim no longer holds it (its lease ended and another worker claimed
    /// it).
    fn finish_notification(
        &self,
        id: NotificationId,
        attempts: u32,
        outcome: Attempt,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// The messages about a request, oldest first.
    fn request_notifications(
        &self,
        request: RequestId,
    ) -> impl Future<Output = Result<Vec<Notification>>> + Send;

    /// The queue, newest first: at most `limit` messages with an id below `before` (all when
    /// `None`), of `state` only when given.
    fn notifications(
        &self,
        state: Option<NotificationState>,
        before: Option<NotificationId>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Notification>>> + Send;
}
