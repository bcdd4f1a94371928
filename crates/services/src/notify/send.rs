//! Sending the queued messages: a [`Worker`] claims the messages due (each for a lease, so that
//! several `gongkai serve` processes never send one message twice), sends each, and records
//! how it went — sent; failed, and tried again after a back-off that doubles (30 s to 6 h,
//! [`gongkai_notify::backoff`]); or failed for good after `notify.max_attempts`.
//!
//! Transports: an SMS is POSTed to the gateway as JSON `{"phone": …, "text": …}`, signed when
//! configured with the hex HMAC-SHA256 of the body in the header the configuration names; a
//! 2xx answer is delivered, anything else (or no answer within the timeout) a failure. An
//! e-mail goes through the `[smtp]` server, as the reminders do. A channel with neither
//! writes one file per message into the outbox directory, atomically.

use super::NotifyRules;
use crate::reminders::{Delivery, Sink, SmtpSettings, mail, write_atomically};
use crate::{Result, ServiceError};
use chrono::{DateTime, Duration, Utc};
use gongkai_notify::{Channel, backoff, send_time};
use gongkai_store::Store;
use gongkai_store::notifications::{Attempt, Notification};
use hmac::Mac;
use std::path::PathBuf;

/// The HTTP gateway SMS are POSTed to (`[notify.sms]`).
#[derive(Debug, Clone)]
pub struct SmsGateway {
    pub url: String,
    /// The header carrying the hex HMAC-SHA256 of the body under `sign_key`, if any.
    pub sign_header: Option<String>,
    pub sign_key: Option<Vec<u8>>,
    pub timeout: std::time::Duration,
}

/// Where messages go.
#[derive(Debug, Clone)]
pub struct Transports {
    /// None: SMS are written to the outbox.
    pub sms: Option<SmsGateway>,
    /// None: e-mails are written to the outbox as `.eml` files.
    pub smtp: Option<SmtpSettings>,
    /// The sender of the e-mails (`smtp.from`).
    pub from: String,
    pub outbox: PathBuf,
}

/// What one round of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub sent: usize,
    /// Failed, to be tried again.
    pub retried: usize,
    /// Failed for good.
    pub failed: usize,
}

/// Messages claimed per round.
const BATCH: u32 = 20;

/// How long a claim holds its messages beyond the sending timeout: a worker that dies leaves
/// them to another after this.
const LEASE_MARGIN_SECONDS: i64 = 120;

/// The hex HMAC-SHA256 of `body` under `key`: the signature an SMS gateway checks.
pub fn signature(key: &[u8], body: &[u8]) -> String {
    #[allow(clippy::expect_used)]
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sends the queued messages.
#[derive(Debug)]
pub struct Worker {
    transports: Transports,
    rules: NotifyRules,
    http: reqwest::Client,
    sink: SinkDebug,
}

/// The e-mail sink (no `Debug` of its own).
struct SinkDebug(Sink);

impl std::fmt::Debug for SinkDebug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sink")
    }
}

impl Worker {
    /// A worker sending through `transports` under `rules` (quiet hours, attempts).
    ///
    /// # Errors
    /// The outbox cannot be created, or the HTTP client cannot start.
    pub fn new(transports: Transports, rules: NotifyRules) -> Result<Worker> {
        let timeout = transports
            .sms
            .as_ref()
            .map_or(std::time::Duration::from_secs(10), |g| g.timeout);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| ServiceError::Invalid(format!("无法启动短信网关客户端：{e}")))?;
        let delivery = match &transports.smtp {
            Some(s) => Delivery::Smtp(s.clone()),
            None => Delivery::Outbox(transports.outbox.clone()),
        };
        let sink = SinkDebug(Sink::open(&delivery)?);
        std::fs::create_dir_all(&transports.outbox).map_err(|e| {
            ServiceError::Invalid(format!("无法创建 {}：{e}", transports.outbox.display()))
        })?;
        Ok(Worker {
            transports,
            rules,
            http,
            sink,
        })
    }

    /// Claims the messages due at `now` (a batch), sends each and records how it went.
    ///
    /// # Errors
    /// The store failed (a message's own failure is recorded on it, not returned).
    pub async fn round<S: Store>(&self, store: &S, now: DateTime<Utc>) -> Result<Round> {
        let timeout = self
            .transports
            .sms
            .as_ref()
            .map_or(10, |g| g.timeout.as_secs());
        let lease =
            now + Duration::seconds(i64::try_from(timeout).unwrap_or(60) + LEASE_MARGIN_SECONDS);
        let claimed = store.claim_notifications(now, lease, BATCH).await?;
        let mut round = Round {
            claimed: claimed.len(),
            ..Round::default()
        };
        for n in claimed {
            let outcome = match self.send(&n).await {
                Ok(()) => {
                    round.sent += 1;
                    Attempt::Sent(Utc::now().max(now))
                }
                Err(error) if n.attempts >= self.rules.max_attempts => {
                    round.failed += 1;
                    Attempt::Failed(error)
                }
                Err(error) => {
                    round.retried += 1;
                    let at = now + backoff(n.attempts);
                    // A staff message or an SMS tried again still waits for the morning.
                    let at = if n.user.is_some() || n.channel == Channel::Sms.key() {
                        send_time(self.rules.quiet.as_ref(), at)
                    } else {
                        at
                    };
                    Attempt::Retry { at, error }
                }
            };
            store.finish_notification(n.id, n.attempts, outcome).await?;
        }
        Ok(round)
    }

    /// Rounds until nothing is due at `now`: what `gongkai notify run --once` does.
    ///
    /// # Errors
    /// The store failed.
    pub async fn drain<S: Store>(&self, store: &S, now: DateTime<Utc>) -> Result<Round> {
        let mut total = Round::default();
        loop {
            let r = self.round(store, now).await?;
            if r.claimed == 0 {
                return Ok(total);
            }
            total.claimed += r.claimed;
            total.sent += r.sent;
            total.retried += r.retried;
            total.failed += r.failed;
        }
    }

    /// Sends one message; the error says why not, without its address (kept with the message,
    /// shown masked).
    async fn send(&self, n: &Notification) -> std::result::Result<(), String> {
        if n.address.trim().is_empty() {
            return Err("收件地址已按保存期限清除".into());
        }
        match Channel::parse(&n.channel) {
            Some(Channel::Sms) => match &self.transports.sms {
                Some(gateway) => self.post_sms(gateway, n).await,
                None => self
                    .write(&format!("{}.sms.txt", n.id.0), &sms_file(n))
                    .map(|_| ()),
            },
            Some(Channel::Email) => {
                let masked = super::masked_address(Channel::Email, &n.address);
                let message = mail(&self.transports.from, &n.address, &n.subject, &n.text)
                    .map_err(|e| e.to_string().replace(n.address.as_str(), &masked))?;
                // Named masked in the error, which the request's page shows.
                self.sink
                    .0
                    .put(&masked, &format!("{}.eml", n.id.0), message)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            None => Err(format!("未知的发送方式“{}”", n.channel)),
        }
    }

    async fn post_sms(
        &self,
        gateway: &SmsGateway,
        n: &Notification,
    ) -> std::result::Result<(), String> {
        let body = serde_json::to_vec(&serde_json::json!({ "phone": n.address, "text": n.text }))
            .map_err(|e| e.to_string())?;
        let mut request = self
            .http
            .post(&gateway.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        if let (Some(header), Some(key)) = (&gateway.sign_header, &gateway.sign_key) {
            request = request.header(header.as_str(), signature(key, &body));
        }
        let answer = request
            .body(body)
            .send()
            .await
            .map_err(|e| format!("短信网关无法访问：{}", without_url(&e)))?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("短信网关答复 HTTP {}", status.as_u16()))
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> std::result::Result<PathBuf, String> {
        write_atomically(&self.transports.outbox, name, bytes).map_err(|e| e.to_string())
    }
}

/// A reqwest error without the URL (which may carry the gateway's credentials).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "超时"
    } else if e.is_connect() {
        "连接失败"
    } else {
        "请求失败"
    };
    kind.to_owned()
}

/// An SMS as a file of the outbox: the phone, a blank line, the text.
fn sms_file(n: &Notification) -> Vec<u8> {
    format!("To: {}\n\n{}\n", n.address, n.text).into_bytes()
}

/// Who the worker's daily scan acts as in the audit log's terms (it writes no record).
const WORKER_ACTOR: &str = "消息发送";

/// One step of a running worker (`gongkai serve`, `gongkai notify run`): the daily scan of
/// due-soon and overdue requests when `scan` says it is time (it queues each account's
/// messages once a day, whenever it runs), then every message due at `now`.
///
/// # Errors
/// The store failed.
pub async fn step<S: Store>(
    worker: &Worker,
    store: &S,
    settings: &crate::Settings,
    scan: bool,
    now: DateTime<Utc>,
) -> Result<(usize, Round)> {
    let scanned = if scan {
        let scope = crate::Scope::operator(crate::Actor::new(WORKER_ACTOR)?);
        crate::Ctx::new(store, &scope, settings)
            .scan_deadlines(None)
            .await?
    } else {
        0
    };
    Ok((scanned, worker.drain(store, now).await?))
}
