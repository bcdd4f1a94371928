//! Reminders (issue 13): what each officer has to answer soon or is late with, as a daily
//! digest (`gongkai remind`), sent by e-mail or left in an outbox, and as a calendar feed a
//! calendar program subscribes to at a secret address.
//!
//! The lists are the work list's ([`Ctx::work_list`]): the due dates are the one computation
//! of `gongkai_cases::lifecycle` on the official calendar (第三十三条), not a second one. An
//! officer's requests are those of the agencies their officer or approver roles are on, with
//! the agencies below them (a role holds for the subtree).
//!
//! A feed's address holds a random 256-bit token of which the store keeps only the SHA-256,
//! like an API token's: the address is the credential, so a calendar program needs no login;
//! rotating it (a new address) or revoking it ends the old one at once.

use crate::accounts::{new_secret, secret_hash};
use crate::requests::{WorkItem, WorkQuery, urgency};
use crate::{Actor, Capability, Ctx, Result, Scope, ServiceError, Settings};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use gongkai_filing::{Path as ReportPath, State as ReportState};
use gongkai_store::Store;
use gongkai_store::accounts::User;
use icalendar::{Alarm, Component, EventLike};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// How many days before a deadline a calendar program reminds (the feed's `VALARM`).
pub const ALARM_DAYS_BEFORE: i64 = 3;

/// The article that sets a request's answer deadline: 20 working days (第三十三条第一款), or
/// 40 once an extension was approved (第三十三条第二款).
pub fn article(item: &WorkItem) -> &'static str {
    if item.extended {
        "第三十三条第二款"
    } else {
        "第三十三条第一款"
    }
}

/// One user's daily digest.
#[derive(Debug, Clone)]
pub struct Digest {
    /// The account's name.
    pub user: String,
    pub email: Option<String>,
    /// The day the working days are counted to.
    pub as_of: NaiveDate,
    /// The threshold of "due soon", in working days (`deadline.due_soon_days`).
    pub due_soon_days: i64,
    /// Open requests with at most `due_soon_days` working days left, the most urgent first.
    pub due_soon: Vec<WorkItem>,
    /// Open requests past their deadline, the most overdue first.
    pub overdue: Vec<WorkItem>,
}

impl Digest {
    /// Whether there is nothing to remind of.
    pub fn is_empty(&self) -> bool {
        self.due_soon.is_empty() && self.overdue.is_empty()
    }

    /// The message's subject.
    pub fn subject(&self) -> String {
        format!(
            "政府信息公开申请办理提醒（{}）：已逾期 {} 件，即将到期 {} 件",
            self.as_of,
            self.overdue.len(),
            self.due_soon.len()
        )
    }

    /// The message's text: one line per request with its agency, reference, due date and the
    /// article of the deadline.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{}：\n\n截至 {}，您办理的政府信息公开申请中，已逾期 {} 件，{} 个工作日内到期 {} 件。\n",
            self.user,
            self.as_of,
            self.overdue.len(),
            self.due_soon_days,
            self.due_soon.len()
        );
        let line = |i: &WorkItem, left: String| {
            format!(
                "  {} {}：答复期限 {}（{}），{left}\n",
                i.agency,
                i.reference,
                i.due.map_or_else(String::new, |d| d.to_string()),
                article(i)
            )
        };
        if !self.overdue.is_empty() {
            out.push_str("\n【已逾期】\n");
            for i in &self.overdue {
                let days = -i.days_left.unwrap_or_default();
                out.push_str(&line(i, format!("已逾期 {days} 个工作日")));
            }
        }
        if !self.due_soon.is_empty() {
            out.push_str("\n【即将到期】\n");
            for i in &self.due_soon {
                let days = i.days_left.unwrap_or_default();
                out.push_str(&line(i, format!("剩 {days} 个工作日")));
            }
        }
        out.push_str(
            "\n逾期未答复的，申请人可以依法申请行政复议或者提起行政诉讼（第五十一条）。\n本邮件由政府信息公开系统自动发送。\n",
        );
        out
    }
}

impl<S: Store> Ctx<'_, S> {
    /// The open requests with a deadline of the agencies `roles` allow handling, with their
    /// subtrees, counted to `as_of`, the most urgent first (each once, however many roles
    /// reach it).
    async fn handled(
        &self,
        roles: &[(gongkai_cases::AgencyId, crate::Role)],
        as_of: NaiveDate,
    ) -> Result<Vec<WorkItem>> {
        let tree = self.tree().await?;
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        for (id, role) in roles {
            let Some(agency) = tree.iter().find(|a| a.id == *id) else {
                continue;
            };
            if !role.allows(Capability::Handle) {
                continue;
            }
            let query = WorkQuery {
                agency: agency.name.clone(),
                subtree: true,
                open_only: true,
                as_of: Some(as_of),
                ..WorkQuery::default()
            };
            for item in self.work_list(&query).await? {
                if item.due.is_some() && seen.insert(item.id) {
                    items.push(item);
                }
            }
        }
        items.sort_by(urgency);
        Ok(items)
    }

    /// The daily digest of every enabled account the scope administers (every one for the
    /// operator) that handles requests, as of `as_of` (default today). Digests with nothing
    /// in them are included: the caller decides whether to send them.
    pub async fn digests(&self, as_of: Option<NaiveDate>) -> Result<Vec<Digest>> {
        let as_of = as_of.unwrap_or(self.settings.today);
        let soon = i64::from(self.settings.deadline.due_soon_days);
        let mut out = Vec::new();
        for user in self.list_users().await? {
            if user.disabled || !user.roles.iter().any(|(_, r)| r.allows(Capability::Handle)) {
                continue;
            }
            let items = self.handled(&user.roles, as_of).await?;
            let (overdue, rest): (Vec<WorkItem>, Vec<WorkItem>) = items
                .into_iter()
                .partition(|i| i.days_left.is_some_and(|d| d < 0));
            let due_soon = rest
                .into_iter()
                .filter(|i| i.days_left.is_some_and(|d| (0..=soon).contains(&d)))
                .collect();
            out.push(Digest {
                user: user.name,
                email: user.email,
                as_of,
                due_soon_days: soon,
                due_soon,
                overdue,
            });
        }
        Ok(out)
    }

    /// The calling account itself.
    async fn own_user(&self) -> Result<User> {
        let name = self.scope.actor().name();
        self.store
            .user_by_name(name)
            .await?
            .ok_or_else(|| ServiceError::Invalid("当前账号不存在".into()))
    }

    /// A new secret address of the caller's calendar feed, replacing the one it had. Returns
    /// the token, shown once and never stored.
    pub async fn create_feed(&self) -> Result<String> {
        let user = self.own_user().await?;
        let token = new_secret()?;
        let audit = self
            .draft(
                &self.scope.own_account(),
                "feed.create",
                format!("用户 {}", user.name),
            )
            .await?;
        self.store
            .set_feed(user.id, &secret_hash(&token), audit)
            .await?;
        Ok(token)
    }

    /// Ends the caller's calendar feed: its address answers 404 from now on.
    pub async fn revoke_feed(&self) -> Result<()> {
        let user = self.own_user().await?;
        let audit = self
            .draft(
                &self.scope.own_account(),
                "feed.revoke",
                format!("用户 {}", user.name),
            )
            .await?;
        Ok(self.store.revoke_feed(user.id, audit).await?)
    }

    /// When the caller's calendar feed was created, if it has one.
    pub async fn feed_created(&self) -> Result<Option<DateTime<Utc>>> {
        let user = self.own_user().await?;
        Ok(self.store.feed_of(user.id).await?)
    }

    /// Sets (or, with an empty address, clears) the e-mail address of an account the scope
    /// administers, where its daily digest is sent.
    pub async fn set_user_email(&self, name: &str, email: &str) -> Result<User> {
        let email = email.trim();
        let email = (!email.is_empty()).then_some(email);
        if let Some(e) = email {
            check_email(e)?;
        }
        let user = self.managed_user(name).await?;
        let grant = self.account_grant(&user).await?;
        let audit = self
            .draft(&grant, "user.email", format!("用户 {}", user.name))
            .await?;
        Ok(self.store.set_email(user.id, email, audit).await?)
    }
}

/// An address as mail is sent to (`user@domain`, by lettre's rules: the same that sending
/// will apply, so an address accepted here is never refused by `deliver`).
fn check_email(email: &str) -> Result<()> {
    email
        .parse::<lettre::Address>()
        .map(|_| ())
        .map_err(|_| ServiceError::Invalid(format!("电子邮箱“{email}”格式不正确")))
}

/// The calendar feed of the account whose feed token is `token`, as iCalendar text; `None`
/// when no feed has this token or its account is disabled (the address then answers as if it
/// never existed). Every open request the account handles is an all-day event on its due date
/// with an alarm [`ALARM_DAYS_BEFORE`] days before; the annual reports of the agencies the
/// account sees are events on their due dates (第四十九条), this year's and next.
pub async fn calendar_feed<S: Store>(
    store: &S,
    settings: &Settings,
    token: &str,
) -> Result<Option<String>> {
    let Some(user) = store.feed_user(&secret_hash(token.trim())).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    let scope = Scope::roles(Actor::new(&user.name)?, user.roles.clone());
    let ctx = Ctx::new(store, &scope, settings);
    let items = ctx.handled(&user.roles, settings.today).await?;
    // The annual reports still due, last year's and this year's (第四十九条): a department's
    // until it is submitted (again, after a return), the government's until it is published.
    let mut reports = Vec::new();
    for year in [settings.today.year() - 1, settings.today.year()] {
        for row in ctx.filings(year).await? {
            let done = match row.path {
                ReportPath::Filed => {
                    !matches!(row.state, ReportState::Draft | ReportState::Returned)
                }
                ReportPath::Own => row.state == ReportState::Published,
            };
            if !done {
                reports.push((row.due, year, row.agency.name));
            }
        }
    }
    Ok(Some(feed_text(&user.name, &items, &reports)))
}

/// The feed's iCalendar text (see [`calendar_feed`]).
fn feed_text(user: &str, items: &[WorkItem], due_reports: &[(NaiveDate, i32, String)]) -> String {
    let mut cal = icalendar::Calendar::new();
    cal.name(&format!("政府信息公开办理期限（{user}）"));
    for item in items {
        let Some(due) = item.due else { continue };
        let summary = format!("答复期限：{} {}", item.agency, item.reference);
        let description = format!(
            "{} 受理编号 {} 的政府信息公开申请（{}，收到日期 {}）应于 {due} 前答复（{}）。",
            item.agency,
            item.reference,
            item.state_label(),
            item.received,
            article(item)
        );
        cal.push(
            icalendar::Event::new()
                // Stable: a calendar program updates the event when the deadline moves.
                .uid(&format!("request-{}@gongkai", item.id.0))
                .summary(&summary)
                .description(&description)
                .all_day(due)
                .alarm(Alarm::display(&summary, -Duration::days(ALARM_DAYS_BEFORE)))
                .done(),
        );
    }
    // One event per due date, naming the agencies whose reports fall due then.
    let mut reports: BTreeMap<(NaiveDate, i32), Vec<&str>> = BTreeMap::new();
    for (due, year, name) in due_reports {
        reports
            .entry((*due, *year))
            .or_default()
            .push(name.as_str());
    }
    for ((due, year), names) in reports {
        let summary = match names.as_slice() {
            [one] => format!("年度报告期限：{one} {year} 年度"),
            _ => format!("年度报告期限：{} 个机关 {year} 年度", names.len()),
        };
        let description = format!(
            "{year} 年度政府信息公开工作年度报告应于 {due} 前提交或公布（第四十九条）：{}。",
            names.join("、")
        );
        cal.push(
            icalendar::Event::new()
                .uid(&format!("report-{year}-{due}@gongkai"))
                .summary(&summary)
                .description(&description)
                .all_day(due)
                .alarm(Alarm::display(&summary, -Duration::days(ALARM_DAYS_BEFORE)))
                .done(),
        );
    }
    cal.done().to_string()
}

/// Where digests go.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// Sent through an SMTP server.
    Smtp(SmtpSettings),
    /// Written as one `.eml` file per user into this directory.
    Outbox(PathBuf),
}

/// An SMTP server to send through.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// Upgrade the connection with STARTTLS (required when set); without it the connection
    /// stays plain (a relay on the same machine).
    pub starttls: bool,
    /// User name and password, when the server requires a login.
    pub credentials: Option<(String, String)>,
}

/// What became of one digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Sent to this address.
    Sent(String),
    /// Written to this file.
    Written(PathBuf),
    /// Nothing to remind of: not sent.
    Empty,
    /// The account has no e-mail address.
    NoAddress,
}

/// The digest as an e-mail from `from`; `None` when the account has no address.
fn message(digest: &Digest, from: &str) -> Result<Option<lettre::Message>> {
    let Some(to) = &digest.email else {
        return Ok(None);
    };
    mail(from, to, &digest.subject(), &digest.text()).map(Some)
}

/// A plain-text e-mail from `from` to `to`.
pub(crate) fn mail(from: &str, to: &str, subject: &str, text: &str) -> Result<lettre::Message> {
    use lettre::message::header::{ContentTransferEncoding, ContentType};
    let bad =
        |what: &str, e: &dyn std::fmt::Display| ServiceError::Invalid(format!("{what}无效：{e}"));
    let from: lettre::message::Mailbox = from.parse().map_err(|e| bad("发件人地址", &e))?;
    let to: lettre::message::Mailbox = to.parse().map_err(|e| bad("收件人地址", &e))?;
    // Base64: the text is Chinese, and every server passes it unchanged.
    let body =
        lettre::message::Body::new_with_encoding(text.to_owned(), ContentTransferEncoding::Base64)
            .map_err(|_| ServiceError::Invalid("邮件正文无法编码".into()))?;
    lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| bad("邮件", &e))
}

/// A file name for an account's digest: the date and the name, with anything a file system
/// might not take replaced by `_`.
fn outbox_name(digest: &Digest) -> String {
    let name: String = digest
        .user
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}-{name}.eml", digest.as_of)
}

/// Where [`deliver`] and the notifications' worker put e-mails.
pub(crate) enum Sink {
    Smtp(lettre::AsyncSmtpTransport<lettre::Tokio1Executor>),
    Dir(PathBuf),
}

impl Sink {
    pub(crate) fn open(delivery: &Delivery) -> Result<Sink> {
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::{AsyncSmtpTransport, Tokio1Executor};
        match delivery {
            Delivery::Smtp(s) => {
                let builder = if s.starttls {
                    AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host).map_err(|e| {
                        ServiceError::Invalid(format!("SMTP 服务器 {} 无效：{e}", s.host))
                    })?
                } else {
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
                };
                let mut builder = builder.port(s.port);
                if let Some((user, password)) = &s.credentials {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Ok(Sink::Smtp(builder.build()))
            }
            Delivery::Outbox(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
                Ok(Sink::Dir(dir.clone()))
            }
        }
    }

    /// Sends `mail` to `to`, or writes it to the file `file_name` of the outbox.
    pub(crate) async fn put(
        &self,
        to: &str,
        file_name: &str,
        mail: lettre::Message,
    ) -> Result<Delivered> {
        use lettre::AsyncTransport;
        match self {
            Sink::Smtp(smtp) => {
                smtp.send(mail)
                    .await
                    .map_err(|e| ServiceError::Invalid(format!("向 {to} 发送邮件失败：{e}")))?;
                Ok(Delivered::Sent(to.to_owned()))
            }
            Sink::Dir(dir) => Ok(Delivered::Written(write_atomically(
                dir,
                file_name,
                &mail.formatted(),
            )?)),
        }
    }
}

/// Writes `bytes` as the file `name` of `dir` atomically (a temporary file in `dir`, flushed,
/// then renamed): a program reading the outbox never sees half a message.
pub(crate) fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    use std::io::Write;
    let path = dir.join(name);
    let mut file = tempfile::Builder::new()
        .prefix(".writing-")
        .tempfile_in(dir)
        .map_err(|e| io_error(dir, &e))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| io_error(&path, &e))?;
    file.persist(&path).map_err(|e| io_error(&path, &e.error))?;
    Ok(path)
}

/// Sends (or writes) each digest that has something in it, from the address `from`; one
/// answer per digest, in order. Stops at the first failure of the server or the directory
/// (the digests before it are delivered).
pub async fn deliver(
    digests: &[Digest],
    delivery: &Delivery,
    from: &str,
) -> Result<Vec<Delivered>> {
    let sink = Sink::open(delivery)?;
    let mut out = Vec::new();
    for digest in digests {
        if digest.is_empty() {
            out.push(Delivered::Empty);
            continue;
        }
        match message(digest, from)? {
            Some(mail) => {
                let to = digest.email.as_deref().unwrap_or_default();
                out.push(sink.put(to, &outbox_name(digest), mail).await?);
            }
            None => out.push(Delivered::NoAddress),
        }
    }
    Ok(out)
}

fn io_error(path: &Path, e: &std::io::Error) -> ServiceError {
    ServiceError::Invalid(format!("无法写入 {}：{e}", path.display()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn addresses_are_checked_for_their_shape() {
        for good in ["a@example.cn", "zhang.san@gov.example.cn"] {
            assert!(check_email(good).is_ok(), "{good}");
        }
        for bad in ["", "a", "a@", "@b.cn", "a b@c.cn", "a@b@c.cn", "张三"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
