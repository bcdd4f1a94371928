//! The configuration of gongkai, layered as lldap layers it: **defaults → `gongkai.toml` →
//! environment `GONGKAI_*` → secrets from `*_FILE` paths**, each layer overriding the ones before
//! (figment merges them and remembers where every value came from). Every command reads it, and
//! the web server will. Secrets (a database URL, which may hold a password, and the audit key)
//! are redacted in `Debug` and in [`Config::to_redacted_toml`], what `gongkai config show`
//! prints.
//!
//! | key | environment | default |
//! |---|---|---|
//! | `data_dir` | `GONGKAI_DATA_DIR` | `$XDG_DATA_HOME/gongkai`, else `$HOME/.local/share/gongkai`, else `./gongkai-data` |
//! | `database.url` | `GONGKAI_DATABASE_URL`, `GONGKAI_DATABASE_URL_FILE` | `sqlite:<data_dir>/gongkai.db` |
//! | `audit.key` | `GONGKAI_AUDIT_KEY`, `GONGKAI_AUDIT_KEY_FILE` | none: the installation's own key, kept in the database |
//! | `deadline.fee_pause` | `GONGKAI_DEADLINE__FEE_PAUSE` | `true` |
//! | `deadline.due_soon_days` | `GONGKAI_DEADLINE__DUE_SOON_DAYS` | `5` |
//! | `server.addr` | `GONGKAI_SERVER__ADDR` | `127.0.0.1:8080` |
//! | `server.public_url` | `GONGKAI_SERVER__PUBLIC_URL` | none: the address served |
//! | `server.cookie_secure` | `GONGKAI_SERVER__COOKIE_SECURE` | `true` when `public_url` is `https://` |
//! | `server.session_idle_minutes` | `GONGKAI_SERVER__SESSION_IDLE_MINUTES` | `30` |
//! | `server.session_max_hours` | `GONGKAI_SERVER__SESSION_MAX_HOURS` | `12` |
//! | `server.login_max_failures` | `GONGKAI_SERVER__LOGIN_MAX_FAILURES` | `5` |
//! | `server.lockout_minutes` | `GONGKAI_SERVER__LOCKOUT_MINUTES` | `15` |
//! | `server.upload_max_mb` | `GONGKAI_SERVER__UPLOAD_MAX_MB` | `20` |
//! | `server.log_format` | `GONGKAI_SERVER__LOG_FORMAT` | `text` (or `json`) |
//! | `server.trusted_proxies` | `GONGKAI_SERVER__TRUSTED_PROXIES` | none (`["127.0.0.1"]` behind a local reverse proxy) |
//! | `catalogue.search` | `GONGKAI_CATALOGUE__SEARCH` | `auto`: `tantivy` on SQLite, `postgres` on PostgreSQL |
//! | `catalogue.attachments` | `GONGKAI_CATALOGUE__ATTACHMENTS` | `directory` (`<data_dir>/attachments`), or `database` |
//! | `catalogue.attachment_max_mb` | `GONGKAI_CATALOGUE__ATTACHMENT_MAX_MB` | `20` |
//! | `portal.auto_confirm_receipt` | `GONGKAI_PORTAL__AUTO_CONFIRM_RECEIPT` | `true`: an online application is received the day it is submitted |
//! | `portal.rate_limit_per_minute` | `GONGKAI_PORTAL__RATE_LIMIT_PER_MINUTE` | `10` applications or trackings per client address and minute |
//! | `portal.attachment_max_mb` | `GONGKAI_PORTAL__ATTACHMENT_MAX_MB` | `10` per file of an application |
//! | `portal.attachments_max` | `GONGKAI_PORTAL__ATTACHMENTS_MAX` | `5` files per application |
//! | `portal.retention_days` | `GONGKAI_PORTAL__RETENTION_DAYS` | `1825`: applicants' personal data is purged this long after the decision |
//! | `portal.show_findings` | `GONGKAI_PORTAL__SHOW_FINDINGS` | `false`: the portal shows the checks' findings beside published reports |
//! | `portal.count_views` | `GONGKAI_PORTAL__COUNT_VIEWS` | `true`: the server counts the portal's page views per agency and day |
//! | `portal.views_flush_seconds` | `GONGKAI_PORTAL__VIEWS_FLUSH_SECONDS` | `5`: how often the counts are written to the database |
//! | `smtp.host` | `GONGKAI_SMTP__HOST` | none: `gongkai remind --send` writes `.eml` files to `smtp.outbox` |
//! | `smtp.port` | `GONGKAI_SMTP__PORT` | `587` |
//! | `smtp.from` | `GONGKAI_SMTP__FROM` | `gongkai@localhost` |
//! | `smtp.username` | `GONGKAI_SMTP__USERNAME` | none: no login |
//! | `smtp.password` | `GONGKAI_SMTP_PASSWORD`, `GONGKAI_SMTP_PASSWORD_FILE` | none |
//! | `smtp.starttls` | `GONGKAI_SMTP__STARTTLS` | `true` |
//! | `smtp.outbox` | `GONGKAI_SMTP__OUTBOX` | `<data_dir>/outbox` |
//! | `letters.reconsideration_body` | `GONGKAI_LETTERS__RECONSIDERATION_BODY` | none: letters name “有管辖权的行政复议机关” |
//! | `letters.court` | `GONGKAI_LETTERS__COURT` | none: letters name “有管辖权的人民法院” |
//! | `messages.reply_days` | `GONGKAI_MESSAGES__REPLY_DAYS` | `10` working days (official calendar) to reply to a public message (互动交流) |
//! | `triage.phrases` | `GONGKAI_TRIAGE__PHRASES` | none: the built-in 信访, 投诉, 举报, 咨询, each with its notice; `[["phrase", "notice"], …]` shown while an applicant writes (第三十九条) |
//! | `id_photo.key` | `GONGKAI_ID_PHOTO_KEY`, `GONGKAI_ID_PHOTO_KEY_FILE` | none: no agency may ask for an identity-document photo; 64 hexadecimal digits (a 256-bit key) encrypt the photos at rest |
//! | `redact.tools_dir` | `GONGKAI_REDACT__TOOLS_DIR` | none: poppler's `pdftoppm`, `pdftotext`, `pdfinfo` and LibreOffice's `soffice` are found on `PATH` |
//! | `redact.timeout_seconds` | `GONGKAI_REDACT__TIMEOUT_SECONDS` | `120`: the longest one of those programs may run on a document |
//! | `notify.quiet_hours` | `GONGKAI_NOTIFY__QUIET_HOURS` | `22:00-08:00` (China time; empty: none): staff messages and applicants' SMS wait until they end |
//! | `notify.sms_max_segments` | `GONGKAI_NOTIFY__SMS_MAX_SEGMENTS` | `3` SMS segments of 70 characters a template may take |
//! | `notify.max_attempts` | `GONGKAI_NOTIFY__MAX_ATTEMPTS` | `8` attempts before a message is failed |
//! | `notify.poll_seconds` | `GONGKAI_NOTIFY__POLL_SECONDS` | `10`: how often `gongkai serve` looks for messages due |
//! | `notify.worker` | `GONGKAI_NOTIFY__WORKER` | `true`: `gongkai serve` sends the queued messages |
//! | `notify.outbox` | `GONGKAI_NOTIFY__OUTBOX` | `<data_dir>/notify-outbox`: messages of a channel not configured, one file each |
//! | `notify.sms.url` | `GONGKAI_NOTIFY__SMS__URL` | none: SMS go to `notify.outbox` |
//! | `notify.sms.sign_header` | `GONGKAI_NOTIFY__SMS__SIGN_HEADER` | none: the request is not signed |
//! | `notify.sms.sign_key` | `GONGKAI_NOTIFY_SMS_SIGN_KEY`, `GONGKAI_NOTIFY_SMS_SIGN_KEY_FILE` | none |
//! | `notify.sms.timeout_seconds` | `GONGKAI_NOTIFY__SMS__TIMEOUT_SECONDS` | `10` |
//!
//! A new section is a field of [`Raw`], a row above, its keys in `KEYS` and a block of
//! [`Config::to_redacted_toml`]. Nested keys come from the environment with `__`
//! (`GONGKAI_DEADLINE__FEE_PAUSE`); the two historical variables `GONGKAI_DATABASE_URL` and
//! `GONGKAI_DATA_DIR` keep their names. An empty variable counts as unset.
#![forbid(unsafe_code)]

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why the configuration could not be read. Messages are Chinese and name the file, key or
/// variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `--config` named a file that does not exist.
    #[error("配置文件 {0} 不存在")]
    Missing(PathBuf),
    /// The file could not be read.
    #[error("无法读取配置文件 {path}：{reason}")]
    Unreadable { path: PathBuf, reason: String },
    /// The file is not valid TOML.
    #[error("配置文件 {path} 第 {line} 行不是有效的 TOML：{reason}")]
    Syntax {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// A key gongkai does not know (a typo would otherwise be ignored silently).
    #[error("未知的配置项 {key}（来自{origin}）；可用的配置项见 gongkai config show")]
    UnknownKey { key: String, origin: String },
    /// A value of the wrong type.
    #[error("配置项 {key} 的值类型不对（来自{origin}）：应为{expected}")]
    WrongType {
        key: String,
        origin: String,
        expected: String,
    },
    /// A `*_FILE` variable naming a file that cannot be read.
    #[error("无法读取环境变量 {var} 指定的文件 {path}：{reason}")]
    SecretFile {
        var: String,
        path: PathBuf,
        reason: String,
    },
    /// A `*_FILE` variable naming an empty file.
    #[error("环境变量 {var} 指定的文件 {path} 是空的")]
    EmptySecret { var: String, path: PathBuf },
    /// Anything else figment reports.
    #[error("配置有误：{0}")]
    Other(String),
}

/// A secret: printed nowhere. `Debug` shows `Secret(***)`; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Secret<T> {
        Secret(value)
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A database URL: shown with its password as `***` (`postgres://u:***@h:5432/db`), its real
/// text only through [`DatabaseUrl::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    text: String,
    default: bool,
}

impl DatabaseUrl {
    /// A URL given by a person.
    pub fn new(text: &str) -> DatabaseUrl {
        DatabaseUrl {
            text: text.trim().to_owned(),
            default: false,
        }
    }

    /// The text to connect with.
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// Whether this is the default SQLite file in the data directory (the only database whose
    /// directory gongkai creates).
    pub fn is_default(&self) -> bool {
        self.default
    }
}

/// The URL with the password of its user information replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme + 3..];
    // The user information ends at the last `@` before the path.
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].split_once(':') {
        Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &rest[at..]),
        None => url.to_owned(),
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.text))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Where the configuration comes from: an explicit file or the working directory's
/// `gongkai.toml`, and the environment (a map, so that tests never touch the process's).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--config PATH`: must exist.
    pub explicit: Option<PathBuf>,
    /// The working directory, where an optional `gongkai.toml` is looked for.
    pub cwd: Option<PathBuf>,
    pub env: BTreeMap<String, String>,
}

impl Sources {
    /// The process's environment and the given file or working directory.
    pub fn from_process(explicit: Option<PathBuf>, cwd: PathBuf) -> Sources {
        Sources {
            explicit,
            cwd: Some(cwd),
            env: std::env::vars().collect(),
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

/// The configuration file's shape: every key gongkai reads. Unknown keys are errors.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub data_dir: Option<PathBuf>,
    #[serde(default)]
    pub database: RawDatabase,
    #[serde(default)]
    pub audit: RawAudit,
    #[serde(default)]
    pub deadline: DeadlineConfig,
    #[serde(default)]
    pub server: ServerConfig,
    #[serde(default)]
    pub catalogue: CatalogueConfig,
    #[serde(default)]
    pub portal: PortalConfig,
    #[serde(default)]
    pub smtp: RawSmtp,
    #[serde(default)]
    pub letters: LettersConfig,
    #[serde(default)]
    pub messages: MessagesConfig,
    #[serde(default)]
    pub triage: TriageConfig,
    #[serde(default)]
    pub id_photo: RawIdPhoto,
    #[serde(default)]
    pub redact: RedactConfig,
    #[serde(default)]
    pub notify: RawNotify,
}

/// The phrases that bring a notice while an applicant writes an application on the portal:
/// wording of a petition, a complaint or a consultation (第三十九条第一款), each with the notice
/// naming its channel. `None`: the built-in list (信访, 投诉, 举报, 咨询, kept with the rules
/// that use it, `gongkai_services::portal::triage`); a list replaces it as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TriageConfig {
    pub phrases: Option<Vec<(String, String)>>,
}

/// The key that encrypts applicants' identity-document photos, as the file gives it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIdPhoto {
    pub key: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDatabase {
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAudit {
    pub key: Option<String>,
}

/// How deadlines are counted (see `gongkai_calendar::DeadlineSettings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeadlineConfig {
    /// Pause the answer clock between a fee notice and payment (国办函〔2020〕109号).
    pub fee_pause: bool,
    /// A request is due soon with at most this many working days left.
    pub due_soon_days: u32,
}

impl Default for DeadlineConfig {
    fn default() -> Self {
        DeadlineConfig {
            fee_pause: true,
            due_soon_days: 5,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

/// The web server (`gongkai serve`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// The address and port to listen on.
    pub addr: String,
    /// The address people reach the server at (behind a reverse proxy), such as
    /// `https://gongkai.example.gov.cn`: the origin a form must come from, and links in pages.
    pub public_url: Option<String>,
    /// Send the session cookie only over HTTPS; default: when `public_url` is `https://`.
    pub cookie_secure: Option<bool>,
    /// A session unused this long ends.
    pub session_idle_minutes: u32,
    /// A session ends this long after login, however used.
    pub session_max_hours: u32,
    /// After this many failed logins in a row an account is locked for `lockout_minutes`.
    pub login_max_failures: u32,
    pub lockout_minutes: u32,
    /// The largest upload (a ledger, a published report) in MB.
    pub upload_max_mb: u32,
    pub log_format: LogFormat,
    /// The addresses of the reverse proxies in front of the server: from them, and only from
    /// them, `X-Forwarded-For` names the client (for the portal's rate limits per client).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: "127.0.0.1:8080".to_owned(),
            public_url: None,
            cookie_secure: None,
            session_idle_minutes: 30,
            session_max_hours: 12,
            login_max_failures: 5,
            lockout_minutes: 15,
            upload_max_mb: 20,
            log_format: LogFormat::Text,
            trusted_proxies: Vec::new(),
        }
    }
}

impl ServerConfig {
    /// Whether the session cookie carries `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.cookie_secure.unwrap_or_else(|| {
            self.public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
        })
    }
}

/// Where the catalogue's search index lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SearchBackend {
    /// `tantivy` on SQLite (one process), `postgres` on PostgreSQL (any number of processes
    /// share the database, so they must share the index too).
    #[default]
    Auto,
    /// A tantivy index in `<data_dir>/search`, private to the machine.
    Tantivy,
    /// A `tsvector` index inside the PostgreSQL database.
    Postgres,
}

/// Where the bytes of the catalogue's attachments are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AttachmentStore {
    /// Files under `<data_dir>/attachments`, named by their SHA-256.
    #[default]
    Directory,
    /// In the database: what several server processes on several machines share.
    Database,
}

/// The proactive-disclosure catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CatalogueConfig {
    pub search: SearchBackend,
    pub attachments: AttachmentStore,
    /// The largest attachment accepted, in MB.
    pub attachment_max_mb: u32,
}

impl Default for CatalogueConfig {
    fn default() -> Self {
        CatalogueConfig {
            search: SearchBackend::Auto,
            attachments: AttachmentStore::Directory,
            attachment_max_mb: 20,
        }
    }
}

/// The public portal (online applications, tracking, published reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortalConfig {
    /// The agency confirms online receipt automatically: an online application's date of
    /// receipt is the day it is submitted (第三十一条第（三）项); otherwise the day an officer
    /// confirms it.
    pub auto_confirm_receipt: bool,
    /// Applications, and tracking look-ups, per client address and minute.
    pub rate_limit_per_minute: u32,
    /// The largest file of an application, in MB.
    pub attachment_max_mb: u32,
    /// Files per application.
    pub attachments_max: u32,
    /// Days after a request's decision when its applicant's personal data is purged
    /// (`gongkai portal purge`).
    pub retention_days: u32,
    /// Show the findings of the checks beside each published annual report.
    pub show_findings: bool,
    /// Count the portal's page views per agency and day (section 二 of the report), in memory
    /// and written to the database every `views_flush_seconds` and when the server stops.
    pub count_views: bool,
    /// Seconds between writes of the page-view counts: what a killed server can lose.
    pub views_flush_seconds: u32,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            auto_confirm_receipt: true,
            rate_limit_per_minute: 10,
            attachment_max_mb: 10,
            attachments_max: 5,
            retention_days: 1825,
            show_findings: false,
            count_views: true,
            views_flush_seconds: 5,
        }
    }
}

/// Public messages (互动交流) left on the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MessagesConfig {
    /// Working days on the official calendar from a message's receipt to its reply's due day
    /// (at least 1).
    pub reply_days: u32,
}

impl Default for MessagesConfig {
    fn default() -> Self {
        MessagesConfig { reply_days: 10 }
    }
}

/// The programs that read and rebuild documents for redaction (区分处理, 第三十七条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedactConfig {
    /// A directory searched for `pdftoppm`, `pdftotext`, `pdfinfo` and `soffice` before `PATH`.
    pub tools_dir: Option<PathBuf>,
    /// The longest one program may run on a document (at least 1).
    pub timeout_seconds: u64,
}

impl Default for RedactConfig {
    fn default() -> Self {
        RedactConfig {
            tools_dir: None,
            timeout_seconds: 120,
        }
    }
}

/// What the letters to applicants name (gongkai_letters): the bodies an applicant may turn
/// to against a reply (行政复议, 60 days; 行政诉讼, 6 months).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LettersConfig {
    /// The 行政复议机关, e.g. `某某县人民政府`.
    pub reconsideration_body: String,
    /// The court of first instance, e.g. `某某县人民法院`.
    pub court: String,
}

/// Where the reminders' daily digests go (`gongkai remind --send`), as the file gives it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSmtp {
    pub host: Option<String>,
    pub port: u16,
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub starttls: bool,
    pub outbox: Option<PathBuf>,
}

impl Default for RawSmtp {
    fn default() -> Self {
        RawSmtp {
            host: None,
            // The submission port (RFC 6409), where STARTTLS is the rule.
            port: 587,
            from: "gongkai@localhost".to_owned(),
            username: None,
            password: None,
            starttls: true,
            outbox: None,
        }
    }
}

/// Where the reminders' daily digests go: an SMTP server when `host` is set, else `.eml` files
/// in `outbox`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: Option<String>,
    pub port: u16,
    /// The sender's address (`政务公开办 <gk@example.gov.cn>` or a bare address).
    pub from: String,
    pub username: Option<String>,
    /// From `GONGKAI_SMTP_PASSWORD` or the file `GONGKAI_SMTP_PASSWORD_FILE` names.
    pub password: Option<Secret<String>>,
    /// Upgrade the connection with STARTTLS, and refuse to send without it.
    pub starttls: bool,
    /// Where the `.eml` files go without a server; default `<data_dir>/outbox`.
    pub outbox: PathBuf,
}

/// The messages to applicants and staff (issue 16 §3), as the file gives them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawNotify {
    pub quiet_hours: String,
    pub sms_max_segments: u32,
    pub max_attempts: u32,
    pub poll_seconds: u32,
    pub worker: bool,
    pub outbox: Option<PathBuf>,
    pub sms: RawSms,
}

impl Default for RawNotify {
    fn default() -> Self {
        RawNotify {
            // Nobody is woken by a message at night: a message due then waits for the morning.
            quiet_hours: "22:00-08:00".to_owned(),
            sms_max_segments: 3,
            max_attempts: 8,
            poll_seconds: 10,
            worker: true,
            outbox: None,
            sms: RawSms::default(),
        }
    }
}

/// The SMS gateway, as the file gives it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSms {
    pub url: Option<String>,
    pub sign_header: Option<String>,
    pub sign_key: Option<String>,
    pub timeout_seconds: u32,
}

impl Default for RawSms {
    fn default() -> Self {
        RawSms {
            url: None,
            sign_header: None,
            sign_key: None,
            timeout_seconds: 10,
        }
    }
}

/// The messages to applicants and staff: when they may go, how often they are tried, and where
/// they go (an SMS gateway, the `[smtp]` server, else files in `outbox`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyConfig {
    /// `22:00-08:00`, China time; empty: none.
    pub quiet_hours: String,
    pub sms_max_segments: u32,
    pub max_attempts: u32,
    pub poll_seconds: u32,
    /// `gongkai serve` runs the sending worker.
    pub worker: bool,
    pub outbox: PathBuf,
    pub sms: SmsConfig,
}

/// The HTTP gateway SMS are POSTed to as `{"phone": …, "text": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsConfig {
    pub url: Option<String>,
    /// The header carrying the hex HMAC-SHA256 of the body under `sign_key`.
    pub sign_header: Option<String>,
    /// From `GONGKAI_NOTIFY_SMS_SIGN_KEY` or the file `GONGKAI_NOTIFY_SMS_SIGN_KEY_FILE` names.
    pub sign_key: Option<Secret<String>>,
    pub timeout_seconds: u32,
}

/// The configuration in effect.
#[derive(Clone)]
pub struct Config {
    data_dir: PathBuf,
    database_url: DatabaseUrl,
    audit_key: Option<Secret<String>>,
    pub deadline: DeadlineConfig,
    pub server: ServerConfig,
    pub catalogue: CatalogueConfig,
    pub portal: PortalConfig,
    pub smtp: SmtpConfig,
    pub letters: LettersConfig,
    pub messages: MessagesConfig,
    pub triage: TriageConfig,
    /// The ChaCha20-Poly1305 key of the identity-document photos (32 bytes).
    id_photo_key: Option<Secret<[u8; 32]>>,
    pub redact: RedactConfig,
    pub notify: NotifyConfig,
    /// Where each key's value came from, for [`Config::to_redacted_toml`].
    origins: BTreeMap<&'static str, String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url)
            .field("audit_key", &self.audit_key)
            .field("deadline", &self.deadline)
            .field("server", &self.server)
            .field("catalogue", &self.catalogue)
            .field("smtp", &self.smtp)
            .field("id_photo_key", &self.id_photo_key)
            .field("notify", &self.notify)
            .finish()
    }
}

/// One layer of values with the name of its source.
struct Layer {
    name: String,
    data: Dict,
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.data.clone()))
    }
}

/// A dictionary holding `value` at the dotted `key`.
fn nested(key: &str, value: Value) -> Dict {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or(key);
    let mut dict = Dict::new();
    dict.insert(last.to_owned(), value);
    for part in parts.into_iter().rev() {
        let mut outer = Dict::new();
        outer.insert(part.to_owned(), Value::from(dict));
        dict = outer;
    }
    dict
}

/// The keys whose values are secrets, with their historical and `*_FILE` variables.
const SECRETS: [(&str, &str); 5] = [
    ("database.url", "GONGKAI_DATABASE_URL"),
    ("audit.key", "GONGKAI_AUDIT_KEY"),
    ("smtp.password", "GONGKAI_SMTP_PASSWORD"),
    ("id_photo.key", "GONGKAI_ID_PHOTO_KEY"),
    ("notify.sms.sign_key", "GONGKAI_NOTIFY_SMS_SIGN_KEY"),
];

/// The other variables with a name of their own.
const NAMED: [(&str, &str); 1] = [("data_dir", "GONGKAI_DATA_DIR")];

/// Variables that are not configuration although they start with `GONGKAI_`.
const NOT_CONFIG: [&str; 1] = ["GONGKAI_TEST_POSTGRES_URL"];

/// Every key, in the order `config show` prints them.
const KEYS: [&str; 50] = [
    "data_dir",
    "database.url",
    "audit.key",
    "deadline.fee_pause",
    "deadline.due_soon_days",
    "server.addr",
    "server.public_url",
    "server.cookie_secure",
    "server.session_idle_minutes",
    "server.session_max_hours",
    "server.login_max_failures",
    "server.lockout_minutes",
    "server.upload_max_mb",
    "server.log_format",
    "server.trusted_proxies",
    "catalogue.search",
    "catalogue.attachments",
    "catalogue.attachment_max_mb",
    "portal.auto_confirm_receipt",
    "portal.rate_limit_per_minute",
    "portal.attachment_max_mb",
    "portal.attachments_max",
    "portal.retention_days",
    "portal.show_findings",
    "portal.count_views",
    "portal.views_flush_seconds",
    "smtp.host",
    "smtp.port",
    "smtp.from",
    "smtp.username",
    "smtp.password",
    "smtp.starttls",
    "smtp.outbox",
    "letters.reconsideration_body",
    "letters.court",
    "messages.reply_days",
    "triage.phrases",
    "id_photo.key",
    "redact.tools_dir",
    "redact.timeout_seconds",
    "notify.quiet_hours",
    "notify.sms_max_segments",
    "notify.max_attempts",
    "notify.poll_seconds",
    "notify.worker",
    "notify.outbox",
    "notify.sms.url",
    "notify.sms.sign_header",
    "notify.sms.sign_key",
    "notify.sms.timeout_seconds",
];

impl Config {
    /// Loads the configuration from `sources`.
    ///
    /// # Errors
    /// A missing explicit file, bad TOML, an unknown key, a value of the wrong type, an
    /// unreadable or empty secret file: each named.
    pub fn load(sources: Sources) -> Result<Config, ConfigError> {
        let mut figment = Figment::new();
        // The TOML file: `--config`, else `gongkai.toml` in the working directory if present.
        let file = match &sources.explicit {
            Some(p) if !p.exists() => return Err(ConfigError::Missing(p.clone())),
            Some(p) => Some(p.clone()),
            None => sources
                .cwd
                .as_ref()
                .map(|d| d.join("gongkai.toml"))
                .filter(|p| p.is_file()),
        };
        if let Some(path) = &file {
            figment = figment.merge(Layer {
                name: format!("配置文件 {}", path.display()),
                data: read_toml(path)?,
            });
        }
        // The environment: named variables, then `GONGKAI_SECTION__KEY`.
        for (key, var) in SECRETS.iter().chain(NAMED.iter()) {
            if let Some(v) = sources.var(var) {
                figment = figment.merge(Layer {
                    name: format!("环境变量 {var}"),
                    data: nested(key, Value::from(v.to_owned())),
                });
            }
        }
        for (var, v) in &sources.env {
            let Some(rest) = var.strip_prefix("GONGKAI_") else {
                continue;
            };
            let named = SECRETS
                .iter()
                .chain(NAMED.iter())
                .any(|(_, n)| n == var || *var == format!("{n}_FILE"));
            if named || NOT_CONFIG.contains(&var.as_str()) || v.trim().is_empty() {
                continue;
            }
            let key = rest.to_lowercase().replace("__", ".");
            let value: Value = v.parse().unwrap_or_else(|_| Value::from(v.clone()));
            figment = figment.merge(Layer {
                name: format!("环境变量 {var}"),
                data: nested(&key, value),
            });
        }
        // Secrets from files, last: a file wins over the plain variable (lldap's rule), so a
        // secret never has to be in the environment at all.
        for (key, var) in SECRETS {
            let file_var = format!("{var}_FILE");
            let Some(path) = sources.var(&file_var) else {
                continue;
            };
            let path = PathBuf::from(path);
            let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::SecretFile {
                var: file_var.clone(),
                path: path.clone(),
                reason: io_reason(&e),
            })?;
            let text = text.strip_suffix('\n').unwrap_or(&text);
            let text = text.strip_suffix('\r').unwrap_or(text);
            if text.trim().is_empty() {
                return Err(ConfigError::EmptySecret {
                    var: file_var,
                    path,
                });
            }
            figment = figment.merge(Layer {
                name: format!("文件 {file_var}={}", path.display()),
                data: nested(key, Value::from(text.to_owned())),
            });
        }
        let raw: Raw = figment.extract().map_err(|e| translate(&e))?;
        let origin = |key: &str| {
            figment
                .find_metadata(key)
                .map(|m| m.name.to_string())
                .unwrap_or_else(|| "默认".to_owned())
        };
        let mut origins = BTreeMap::new();
        for key in KEYS {
            origins.insert(key, origin(key));
        }
        let data_dir = raw
            .data_dir
            .clone()
            .unwrap_or_else(|| default_data_dir(&sources));
        let database_url = match raw.database.url.as_deref().filter(|u| !u.trim().is_empty()) {
            Some(url) => DatabaseUrl::new(url),
            None => {
                origins.insert("database.url", "默认（数据目录中的 gongkai.db）".to_owned());
                DatabaseUrl {
                    text: format!("sqlite:{}", data_dir.join("gongkai.db").display()),
                    default: true,
                }
            }
        };
        let id_photo_key = match raw.id_photo.key.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(hex) => Some(Secret::new(parse_key(hex).ok_or_else(|| {
                ConfigError::Other(format!(
                    "id_photo.key（来自{}）应为 64 位十六进制数字（256 位密钥）",
                    origin("id_photo.key")
                ))
            })?)),
        };
        let smtp = SmtpConfig {
            host: raw.smtp.host.filter(|h| !h.trim().is_empty()),
            port: raw.smtp.port,
            from: raw.smtp.from,
            username: raw.smtp.username.filter(|u| !u.is_empty()),
            password: raw.smtp.password.filter(|p| !p.is_empty()).map(Secret::new),
            starttls: raw.smtp.starttls,
            outbox: raw.smtp.outbox.unwrap_or_else(|| data_dir.join("outbox")),
        };
        let n = raw.notify;
        let notify = NotifyConfig {
            quiet_hours: n.quiet_hours.trim().to_owned(),
            sms_max_segments: n.sms_max_segments.max(1),
            max_attempts: n.max_attempts.max(1),
            poll_seconds: n.poll_seconds.max(1),
            worker: n.worker,
            outbox: n.outbox.unwrap_or_else(|| data_dir.join("notify-outbox")),
            sms: SmsConfig {
                url: n.sms.url.filter(|u| !u.trim().is_empty()),
                sign_header: n.sms.sign_header.filter(|h| !h.trim().is_empty()),
                sign_key: n.sms.sign_key.filter(|k| !k.is_empty()).map(Secret::new),
                timeout_seconds: n.sms.timeout_seconds.max(1),
            },
        };
        Ok(Config {
            notify,
            smtp,
            data_dir,
            database_url,
            audit_key: raw.audit.key.filter(|k| !k.is_empty()).map(Secret::new),
            deadline: raw.deadline,
            server: raw.server,
            catalogue: raw.catalogue,
            portal: raw.portal,
            letters: raw.letters,
            messages: raw.messages,
            triage: raw.triage,
            id_photo_key,
            redact: raw.redact,
            origins,
        })
    }

    /// Where the default database lives.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone()
    }

    /// The database in effect.
    pub fn database_url(&self) -> &DatabaseUrl {
        &self.database_url
    }

    /// The key that encrypts identity-document photos, if configured.
    pub fn id_photo_key(&self) -> Option<&Secret<[u8; 32]>> {
        self.id_photo_key.as_ref()
    }

    /// The key of the audit log's pseudonyms, if configured.
    pub fn audit_key(&self) -> Option<&Secret<String>> {
        self.audit_key.as_ref()
    }

    /// The database a command line option names, over every other layer.
    pub fn set_database_url(&mut self, url: &str) {
        self.database_url = DatabaseUrl::new(url);
        self.origins
            .insert("database.url", "命令行 --db".to_owned());
    }

    /// The configuration in effect as TOML: every key, defaults included, each with a comment
    /// saying where its value came from; secrets as `"***"` (a database URL shows only its
    /// password as `***`).
    pub fn to_redacted_toml(&self) -> String {
        let from = |key: &str| {
            self.origins
                .get(key)
                .cloned()
                .unwrap_or_else(|| "默认".to_owned())
        };
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut out = String::from("# gongkai 生效的配置（密码和密钥显示为 ***）\n\n");
        out.push_str(&format!(
            "# 来自：{}\ndata_dir = {}\n\n",
            from("data_dir"),
            quote(&self.data_dir.display().to_string())
        ));
        out.push_str(&format!(
            "[database]\n# 来自：{}\nurl = {}\n\n",
            from("database.url"),
            quote(&self.database_url.to_string())
        ));
        out.push_str("[audit]\n");
        match &self.audit_key {
            Some(_) => out.push_str(&format!("# 来自：{}\nkey = \"***\"\n\n", from("audit.key"))),
            None => out.push_str(
                "# 未设置：审计日志的假名使用本系统自己的密钥（保存在数据库中）\n# key = \"***\"\n\n",
            ),
        }
        out.push_str(&format!(
            "[deadline]\n# 来自：{}\nfee_pause = {}\n# 来自：{}\ndue_soon_days = {}\n",
            from("deadline.fee_pause"),
            self.deadline.fee_pause,
            from("deadline.due_soon_days"),
            self.deadline.due_soon_days
        ));
        let server = &self.server;
        out.push_str("\n[server]\n");
        let optional = |key: &str, value: Option<String>| match value {
            Some(v) => format!("# 来自：{}\n{key} = {v}\n", from(&format!("server.{key}"))),
            None => format!("# 未设置\n# {key} =\n"),
        };
        out.push_str(&format!(
            "# 来自：{}\naddr = {}\n",
            from("server.addr"),
            quote(&server.addr)
        ));
        out.push_str(&optional(
            "public_url",
            server.public_url.as_deref().map(quote),
        ));
        out.push_str(&optional(
            "cookie_secure",
            server.cookie_secure.map(|b| b.to_string()),
        ));
        for (key, value) in [
            ("session_idle_minutes", server.session_idle_minutes),
            ("session_max_hours", server.session_max_hours),
            ("login_max_failures", server.login_max_failures),
            ("lockout_minutes", server.lockout_minutes),
            ("upload_max_mb", server.upload_max_mb),
        ] {
            out.push_str(&format!(
                "# 来自：{}\n{key} = {value}\n",
                from(&format!("server.{key}"))
            ));
        }
        let format = match server.log_format {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        };
        out.push_str(&format!(
            "# 来自：{}\nlog_format = {}\n",
            from("server.log_format"),
            quote(format)
        ));
        let proxies: Vec<String> = server
            .trusted_proxies
            .iter()
            .map(|a| quote(&a.to_string()))
            .collect();
        out.push_str(&format!(
            "# 来自：{}\ntrusted_proxies = [{}]\n",
            from("server.trusted_proxies"),
            proxies.join(", ")
        ));
        let catalogue = &self.catalogue;
        let search = match catalogue.search {
            SearchBackend::Auto => "auto",
            SearchBackend::Tantivy => "tantivy",
            SearchBackend::Postgres => "postgres",
        };
        let attachments = match catalogue.attachments {
            AttachmentStore::Directory => "directory",
            AttachmentStore::Database => "database",
        };
        out.push_str(&format!(
            "\n[catalogue]\n# 来自：{}\nsearch = {}\n# 来自：{}\nattachments = {}\n# 来自：{}\nattachment_max_mb = {}\n",
            from("catalogue.search"),
            quote(search),
            from("catalogue.attachments"),
            quote(attachments),
            from("catalogue.attachment_max_mb"),
            catalogue.attachment_max_mb
        ));
        let portal = &self.portal;
        out.push_str("\n[portal]\n");
        for (key, value) in [
            (
                "auto_confirm_receipt",
                portal.auto_confirm_receipt.to_string(),
            ),
            (
                "rate_limit_per_minute",
                portal.rate_limit_per_minute.to_string(),
            ),
            ("attachment_max_mb", portal.attachment_max_mb.to_string()),
            ("attachments_max", portal.attachments_max.to_string()),
            ("retention_days", portal.retention_days.to_string()),
            ("show_findings", portal.show_findings.to_string()),
            ("count_views", portal.count_views.to_string()),
            (
                "views_flush_seconds",
                portal.views_flush_seconds.to_string(),
            ),
        ] {
            out.push_str(&format!(
                "# 来自：{}\n{key} = {value}\n",
                from(&format!("portal.{key}"))
            ));
        }
        out.push_str(&self.smtp_toml(&from));
        out.push_str("\n[letters]\n");
        for (key, value) in [
            ("reconsideration_body", &self.letters.reconsideration_body),
            ("court", &self.letters.court),
        ] {
            if value.is_empty() {
                out.push_str(&format!("# 未设置：文书中写“有管辖权的…”\n# {key} =\n"));
            } else {
                out.push_str(&format!(
                    "# 来自：{}\n{key} = {}\n",
                    from(&format!("letters.{key}")),
                    quote(value)
                ));
            }
        }
        out.push_str(&format!(
            "\n[messages]\n# 来自：{}\nreply_days = {}\n",
            from("messages.reply_days"),
            self.messages.reply_days
        ));
        out.push_str("\n[redact]\n");
        match &self.redact.tools_dir {
            Some(dir) => out.push_str(&format!(
                "# 来自：{}\ntools_dir = {}\n",
                from("redact.tools_dir"),
                quote(&dir.display().to_string())
            )),
            None => out.push_str(
                "# 未设置：在 PATH 中查找 pdftoppm、pdftotext、pdfinfo、soffice\n# tools_dir =\n",
            ),
        }
        out.push_str(&format!(
            "# 来自：{}\ntimeout_seconds = {}\n",
            from("redact.timeout_seconds"),
            self.redact.timeout_seconds
        ));
        out.push_str(&self.notify_toml(&from));
        out
    }

    /// The `[notify]` and `[notify.sms]` blocks of [`Config::to_redacted_toml`]: the signing
    /// key as `***`, the gateway's URL with its password as `***`.
    fn notify_toml(&self, from: &dyn Fn(&str) -> String) -> String {
        let n = &self.notify;
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let line = |key: &str, value: Option<String>| match value {
            Some(v) => format!(
                "# 来自：{}\n{} = {v}\n",
                from(&format!("notify.{key}")),
                key.rsplit('.').next().unwrap_or(key)
            ),
            None => format!("# 未设置\n# {} =\n", key.rsplit('.').next().unwrap_or(key)),
        };
        let mut out = String::from("\n[notify]\n");
        out.push_str(&line("quiet_hours", Some(quote(&n.quiet_hours))));
        out.push_str(&line(
            "sms_max_segments",
            Some(n.sms_max_segments.to_string()),
        ));
        out.push_str(&line("max_attempts", Some(n.max_attempts.to_string())));
        out.push_str(&line("poll_seconds", Some(n.poll_seconds.to_string())));
        out.push_str(&line("worker", Some(n.worker.to_string())));
        out.push_str(&line(
            "outbox",
            Some(quote(&n.outbox.display().to_string())),
        ));
        out.push_str("\n[notify.sms]\n");
        out.push_str(&line(
            "sms.url",
            n.sms.url.as_deref().map(|u| quote(&redact_url(u))),
        ));
        out.push_str(&line(
            "sms.sign_header",
            n.sms.sign_header.as_deref().map(quote),
        ));
        out.push_str(&line(
            "sms.sign_key",
            n.sms.sign_key.as_ref().map(|_| quote("***")),
        ));
        out.push_str(&line(
            "sms.timeout_seconds",
            Some(n.sms.timeout_seconds.to_string()),
        ));
        out.push_str("\n[triage]\n");
        match &self.triage.phrases {
            Some(phrases) => out.push_str(&format!(
                "# 来自：{}\nphrases = {}\n",
                from("triage.phrases"),
                toml::Value::try_from(phrases)
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            )),
            None => out.push_str("# 未设置：内置的 信访、投诉、举报、咨询 提示\n# phrases = []\n"),
        }
        out.push_str("\n[id_photo]\n");
        match &self.id_photo_key {
            Some(_) => out.push_str(&format!(
                "# 来自：{}\nkey = \"***\"\n",
                from("id_photo.key")
            )),
            None => out.push_str("# 未设置：机关不能要求上传身份证明照片\n# key = \"***\"\n"),
        }
        out
    }

    /// The `[smtp]` block of [`Config::to_redacted_toml`]: the password as `***`.
    fn smtp_toml(&self, from: &dyn Fn(&str) -> String) -> String {
        let smtp = &self.smtp;
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let line = |key: &str, value: Option<String>| match value {
            Some(v) => format!("# 来自：{}\n{key} = {v}\n", from(&format!("smtp.{key}"))),
            None => format!("# 未设置\n# {key} =\n"),
        };
        let mut out = String::from("\n[smtp]\n");
        out.push_str(&line("host", smtp.host.as_deref().map(quote)));
        out.push_str(&line("port", Some(smtp.port.to_string())));
        out.push_str(&line("from", Some(quote(&smtp.from))));
        out.push_str(&line("username", smtp.username.as_deref().map(quote)));
        out.push_str(&line(
            "password",
            smtp.password.as_ref().map(|_| quote("***")),
        ));
        out.push_str(&line("starttls", Some(smtp.starttls.to_string())));
        out.push_str(&line(
            "outbox",
            Some(quote(&smtp.outbox.display().to_string())),
        ));
        out
    }

    /// The directory of the embedded search index.
    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }

    /// The directory of attachments kept as files.
    pub fn attachments_dir(&self) -> PathBuf {
        self.data_dir.join("attachments")
    }
}

/// The default data directory: `$XDG_DATA_HOME/gongkai`, else `$HOME/.local/share/gongkai`,
/// else `./gongkai-data`.
fn default_data_dir(sources: &Sources) -> PathBuf {
    sources
        .var("XDG_DATA_HOME")
        .map(|d| Path::new(d).join("gongkai"))
        .or_else(|| {
            sources
                .var("HOME")
                .map(|h| Path::new(h).join(".local/share/gongkai"))
        })
        .unwrap_or_else(|| PathBuf::from("gongkai-data"))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_owned(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
        _ => "读取失败".to_owned(),
    }
}

/// A TOML file as a dictionary, a syntax error named by line.
fn read_toml(path: &Path) -> Result<Dict, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
        path: path.to_owned(),
        reason: io_reason(&e),
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(1, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        ConfigError::Syntax {
            path: path.to_owned(),
            line,
            reason: e.message().to_owned(),
        }
    })?;
    let value = Value::serialize(table).map_err(|e| ConfigError::Other(e.to_string()))?;
    match value {
        Value::Dict(_, dict) => Ok(dict),
        _ => Ok(Dict::new()),
    }
}

/// figment's extraction error in Chinese, naming the key and its source.
fn translate(e: &figment::Error) -> ConfigError {
    use figment::error::Kind;
    let origin = e
        .metadata
        .as_ref()
        .map_or_else(|| "默认值".to_owned(), |m| m.name.to_string());
    let path = e.path.join(".");
    // figment's path already ends with the unknown field, when it has one.
    let key = |field: &str| {
        if path.is_empty() {
            field.to_owned()
        } else if path == field || path.ends_with(&format!(".{field}")) {
            path.clone()
        } else {
            format!("{path}.{field}")
        }
    };
    match &e.kind {
        Kind::UnknownField(field, _) => ConfigError::UnknownKey {
            key: key(field),
            origin,
        },
        Kind::InvalidType(_, expected) => ConfigError::WrongType {
            key: path.clone(),
            origin: origin.clone(),
            expected: expected_text(expected),
        },
        Kind::InvalidValue(_, expected) => ConfigError::WrongType {
            key: path.clone(),
            origin: origin.clone(),
            expected: expected_text(expected),
        },
        other => ConfigError::Other(format!("{other}")),
    }
}

/// serde's "expected" words in Chinese.
fn expected_text(expected: &str) -> String {
    if expected.contains("bool") {
        "true 或 false".to_owned()
    } else if expected.contains("u32") || expected.contains("integer") {
        "非负整数".to_owned()
    } else if expected.contains("string") || expected.contains("path") {
        "文本（用引号括起）".to_owned()
    } else {
        format!("“{expected}”类型")
    }
}

/// A 256-bit key written as 64 hexadecimal digits.
fn parse_key(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::fs;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn load(dir: &Path, toml: Option<&str>, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        if let Some(t) = toml {
            fs::write(dir.join("gongkai.toml"), t).unwrap();
        }
        Config::load(Sources {
            explicit: None,
            cwd: Some(dir.to_owned()),
            env: env(vars),
        })
    }

    #[test]
    fn defaults_follow_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), None, &[("HOME", "/home/u")]).unwrap();
        assert_eq!(c.data_dir(), Path::new("/home/u/.local/share/gongkai"));
        assert_eq!(
            c.database_url().expose(),
            "sqlite:/home/u/.local/share/gongkai/gongkai.db"
        );
        assert!(c.database_url().is_default());
        assert_eq!(c.deadline, DeadlineConfig::default());
        let c = load(dir.path(), None, &[("HOME", "/h"), ("XDG_DATA_HOME", "/x")]).unwrap();
        assert_eq!(c.data_dir(), Path::new("/x/gongkai"));
        let c = load(dir.path(), None, &[("GONGKAI_DATA_DIR", "/d")]).unwrap();
        assert_eq!(c.database_url().expose(), "sqlite:/d/gongkai.db");
        // An empty variable counts as unset.
        let c = load(
            dir.path(),
            None,
            &[("HOME", "/h"), ("GONGKAI_DATA_DIR", " ")],
        )
        .unwrap();
        assert_eq!(c.data_dir(), Path::new("/h/.local/share/gongkai"));
    }

    #[test]
    fn the_server_section_layers_and_shows_every_key() {
        let dir = tempfile::tempdir().unwrap();
        let toml = "[server]\naddr = \"0.0.0.0:9000\"\npublic_url = \"https://gk.example.gov.cn\"\nupload_max_mb = 5\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\n";
        let c = load(
            dir.path(),
            Some(toml),
            &[
                ("GONGKAI_SERVER__SESSION_IDLE_MINUTES", "45"),
                ("GONGKAI_SERVER__LOG_FORMAT", "json"),
            ],
        )
        .unwrap();
        assert_eq!(c.server.addr, "0.0.0.0:9000");
        assert_eq!(c.server.upload_max_mb, 5);
        assert_eq!(
            c.server.trusted_proxies,
            vec![
                std::net::IpAddr::from([127, 0, 0, 1]),
                std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST)
            ]
        );
        assert_eq!(c.server.session_idle_minutes, 45);
        assert_eq!(c.server.session_max_hours, 12);
        assert_eq!(c.server.log_format, LogFormat::Json);
        // Secure cookies follow an https public address unless set.
        assert!(c.server.secure_cookies());
        let shown = c.to_redacted_toml();
        for key in KEYS.iter().filter_map(|k| k.strip_prefix("server.")) {
            assert!(shown.contains(&format!("{key} =")), "{key} in\n{shown}");
        }
        assert!(shown.contains("addr = \"0.0.0.0:9000\""), "{shown}");
        assert!(
            shown.contains("环境变量 GONGKAI_SERVER__SESSION_IDLE_MINUTES"),
            "{shown}"
        );
        let plain = load(dir.path(), Some("[server]\ncookie_secure = false\n"), &[]).unwrap();
        assert!(!plain.server.secure_cookies());
        let bad = load(dir.path(), Some("[server]\nupload_max_mb = \"big\"\n"), &[]);
        assert!(
            matches!(&bad, Err(ConfigError::WrongType { key, .. }) if key == "server.upload_max_mb"),
            "{bad:?}"
        );
        let bad = load(dir.path(), Some("[server]\nlog_format = \"xml\"\n"), &[]);
        assert!(bad.is_err());
    }

    #[test]
    fn the_catalogue_section_layers_and_shows_every_key() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), None, &[("GONGKAI_DATA_DIR", "/d")]).unwrap();
        assert_eq!(c.catalogue, CatalogueConfig::default());
        assert_eq!(c.search_dir(), Path::new("/d/search"));
        assert_eq!(c.attachments_dir(), Path::new("/d/attachments"));
        let toml = "[catalogue]\nsearch = \"postgres\"\nattachment_max_mb = 5\n";
        let c = load(
            dir.path(),
            Some(toml),
            &[("GONGKAI_CATALOGUE__ATTACHMENTS", "database")],
        )
        .unwrap();
        assert_eq!(c.catalogue.search, SearchBackend::Postgres);
        assert_eq!(c.catalogue.attachments, AttachmentStore::Database);
        assert_eq!(c.catalogue.attachment_max_mb, 5);
        let shown = c.to_redacted_toml();
        for key in KEYS.iter().filter_map(|k| k.strip_prefix("catalogue.")) {
            assert!(shown.contains(&format!("\n{key} =")), "{key} in\n{shown}");
        }
        assert!(shown.contains("search = \"postgres\""), "{shown}");
        assert!(
            shown.contains("环境变量 GONGKAI_CATALOGUE__ATTACHMENTS"),
            "{shown}"
        );
        let bad = load(dir.path(), Some("[catalogue]\nsearch = \"elastic\"\n"), &[]);
        assert!(bad.is_err(), "{bad:?}");
    }

    #[test]
    fn the_messages_section_sets_the_reply_time_limit() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), None, &[]).unwrap();
        assert_eq!(c.messages.reply_days, 10);
        let c = load(dir.path(), Some("[messages]\nreply_days = 15\n"), &[]).unwrap();
        assert_eq!(c.messages.reply_days, 15);
        let shown = c.to_redacted_toml();
        assert!(shown.contains("[messages]\n# 来自：配置文件"), "{shown}");
        assert!(shown.contains("reply_days = 15"), "{shown}");
        let c = load(dir.path(), None, &[("GONGKAI_MESSAGES__REPLY_DAYS", "7")]).unwrap();
        assert_eq!(c.messages.reply_days, 7);
        assert!(load(dir.path(), Some("[messages]\ndays = 3\n"), &[]).is_err());
    }

    #[test]
    fn triage_phrases_replace_the_default_list_and_the_photo_key_is_a_secret() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), None, &[]).unwrap();
        assert_eq!(c.triage.phrases, None, "the built-in list");
        assert!(c.id_photo_key().is_none());
        let file = "[triage]\nphrases = [[\"上访\", \"请到信访局\"]]\n";
        let c = load(dir.path(), Some(file), &[]).unwrap();
        assert_eq!(
            c.triage.phrases,
            Some(vec![("上访".to_owned(), "请到信访局".to_owned())])
        );
        let key = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";
        let c = load(dir.path(), None, &[("GONGKAI_ID_PHOTO_KEY", key)]).unwrap();
        let bytes = c.id_photo_key().unwrap().expose();
        assert_eq!((bytes[0], bytes[1], bytes[31]), (0x00, 0x11, 0xff));
        let shown = c.to_redacted_toml();
        assert!(
            shown.contains("[id_photo]\n# 来自：环境变量 GONGKAI_ID_PHOTO_KEY\nkey = \"***\""),
            "{shown}"
        );
        assert!(!shown.to_lowercase().contains("aabbccdd"), "{shown}");
        assert!(!format!("{c:?}").to_lowercase().contains("aabbccdd"));
        let short = load(dir.path(), None, &[("GONGKAI_ID_PHOTO_KEY", "abc")]);
        assert!(short.unwrap_err().to_string().contains("64 位十六进制"));
    }

    #[test]
    fn the_letters_section_names_the_remedy_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), None, &[]).unwrap();
        assert_eq!(c.letters, LettersConfig::default());
        assert!(c.to_redacted_toml().contains("# reconsideration_body ="));
        let toml = "[letters]\nreconsideration_body = \"某某县人民政府\"\n";
        let c = load(
            dir.path(),
            Some(toml),
            &[("GONGKAI_LETTERS__COURT", "某某县人民法院")],
        )
        .unwrap();
        assert_eq!(c.letters.reconsideration_body, "某某县人民政府");
        assert_eq!(c.letters.court, "某某县人民法院");
        let shown = c.to_redacted_toml();
        assert!(shown.contains("[letters]\n# 来自：配置文件"), "{shown}");
        assert!(
            shown.contains("reconsideration_body = \"某某县人民政府\""),
            "{shown}"
        );
        assert!(shown.contains("环境变量 GONGKAI_LETTERS__COURT"), "{shown}");
        assert!(shown.contains("court = \"某某县人民法院\""), "{shown}");
        let bad = load(dir.path(), Some("[letters]\nbody = \"x\"\n"), &[]);
        assert!(bad.is_err(), "{bad:?}");
    }

    #[test]
    fn the_portal_section_layers_and_shows_every_key() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), None, &[]).unwrap();
        assert_eq!(c.portal, PortalConfig::default());
        assert!(c.portal.auto_confirm_receipt);
        let toml = "[portal]\nauto_confirm_receipt = false\nrate_limit_per_minute = 1000\n";
        let c = load(
            dir.path(),
            Some(toml),
            &[("GONGKAI_PORTAL__RETENTION_DAYS", "30")],
        )
        .unwrap();
        assert!(!c.portal.auto_confirm_receipt);
        assert_eq!(c.portal.rate_limit_per_minute, 1000);
        assert_eq!(c.portal.retention_days, 30);
        let shown = c.to_redacted_toml();
        for key in KEYS.iter().filter_map(|k| k.strip_prefix("portal.")) {
            assert!(shown.contains(&format!("\n{key} =")), "{key} in\n{shown}");
        }
        assert!(shown.contains("auto_confirm_receipt = false"), "{shown}");
        assert!(
            shown.contains("环境变量 GONGKAI_PORTAL__RETENTION_DAYS"),
            "{shown}"
        );
        let bad = load(dir.path(), Some("[portal]\nauto_confirm = true\n"), &[]);
        assert!(bad.is_err(), "{bad:?}");
    }

    #[test]
    fn each_layer_overrides_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let toml = "data_dir = \"/from-file\"\n[database]\nurl = \"sqlite:/file.db\"\n[audit]\nkey = \"file-key\"\n[deadline]\nfee_pause = false\ndue_soon_days = 3\n";
        let c = load(dir.path(), Some(toml), &[]).unwrap();
        assert_eq!(c.data_dir(), Path::new("/from-file"));
        assert_eq!(c.database_url().expose(), "sqlite:/file.db");
        assert!(!c.database_url().is_default());
        assert_eq!(c.audit_key().unwrap().expose(), "file-key");
        assert_eq!(
            c.deadline,
            DeadlineConfig {
                fee_pause: false,
                due_soon_days: 3
            }
        );
        let secret = dir.path().join("db-url");
        fs::write(&secret, "postgres://u:from-file-secret@h/db\n").unwrap();
        let vars = [
            ("GONGKAI_DATA_DIR", "/from-env"),
            ("GONGKAI_DATABASE_URL", "sqlite:/env.db"),
            ("GONGKAI_AUDIT_KEY", "env-key"),
            ("GONGKAI_DEADLINE__FEE_PAUSE", "true"),
            ("GONGKAI_DEADLINE__DUE_SOON_DAYS", "7"),
        ];
        let c = load(dir.path(), None, &vars).unwrap();
        assert_eq!(c.data_dir(), Path::new("/from-env"));
        assert_eq!(c.database_url().expose(), "sqlite:/env.db");
        assert_eq!(c.audit_key().unwrap().expose(), "env-key");
        assert_eq!(c.deadline.due_soon_days, 7);
        assert!(c.deadline.fee_pause);
        let mut with_file = vars.to_vec();
        let secret_text = secret.display().to_string();
        with_file.push(("GONGKAI_DATABASE_URL_FILE", &secret_text));
        let c = load(dir.path(), None, &with_file).unwrap();
        assert_eq!(
            c.database_url().expose(),
            "postgres://u:from-file-secret@h/db",
            "the file wins over the variable"
        );
        let mut cli = c.clone();
        cli.set_database_url("sqlite:/cli.db");
        assert_eq!(cli.database_url().expose(), "sqlite:/cli.db");
        assert!(cli.to_redacted_toml().contains("命令行 --db"));
    }

    #[test]
    fn secrets_are_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        fs::write(&key, "the-audit-key\n").unwrap();
        let key_text = key.display().to_string();
        let c = load(
            dir.path(),
            None,
            &[
                (
                    "GONGKAI_DATABASE_URL",
                    "postgres://gk:s3cr3t-pw@db:5432/gongkai",
                ),
                ("GONGKAI_AUDIT_KEY_FILE", &key_text),
            ],
        )
        .unwrap();
        assert_eq!(c.audit_key().unwrap().expose(), "the-audit-key");
        for printed in [format!("{c:?}"), c.to_redacted_toml()] {
            assert!(!printed.contains("s3cr3t-pw"), "{printed}");
            assert!(!printed.contains("the-audit-key"), "{printed}");
        }
        let shown = c.to_redacted_toml();
        assert!(
            shown.contains("postgres://gk:***@db:5432/gongkai"),
            "{shown}"
        );
        assert!(shown.contains("环境变量 GONGKAI_DATABASE_URL"), "{shown}");
        assert!(shown.contains("文件 GONGKAI_AUDIT_KEY_FILE="), "{shown}");
        // The printed form is TOML.
        assert!(toml::from_str::<toml::Table>(&shown).is_ok(), "{shown}");
    }

    #[test]
    fn notify_reads_the_gateway_and_its_signing_key_and_never_shows_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let c = load(dir.path(), Some("data_dir = \"/d\"\n"), &[]).unwrap();
        assert_eq!(c.notify.quiet_hours, "22:00-08:00");
        assert_eq!(c.notify.outbox, Path::new("/d/notify-outbox"));
        assert_eq!(
            (c.notify.sms.url.clone(), c.notify.sms.sign_key.clone()),
            (None, None)
        );
        let key = dir.path().join("sign");
        fs::write(&key, "sms-s3cr3t\n").unwrap();
        let key_text = key.display().to_string();
        let toml = "[notify]\nquiet_hours = \"\"\nmax_attempts = 3\n[notify.sms]\nurl = \"https://sms.example.cn/send\"\nsign_header = \"X-Signature\"\n";
        let c = load(
            dir.path(),
            Some(toml),
            &[
                ("GONGKAI_NOTIFY_SMS_SIGN_KEY_FILE", &key_text),
                ("GONGKAI_NOTIFY__SMS__TIMEOUT_SECONDS", "3"),
            ],
        )
        .unwrap();
        assert_eq!(c.notify.quiet_hours, "");
        assert_eq!(c.notify.max_attempts, 3);
        assert_eq!(
            c.notify.sms.url.as_deref(),
            Some("https://sms.example.cn/send")
        );
        assert_eq!(c.notify.sms.sign_header.as_deref(), Some("X-Signature"));
        assert_eq!(
            c.notify.sms.sign_key.as_ref().unwrap().expose(),
            "sms-s3cr3t"
        );
        assert_eq!(c.notify.sms.timeout_seconds, 3);
        let shown = c.to_redacted_toml();
        for printed in [format!("{c:?}"), shown.clone()] {
            assert!(!printed.contains("sms-s3cr3t"), "{printed}");
        }
        for key in KEYS.iter().filter_map(|k| k.strip_prefix("notify.")) {
            let last = key.rsplit('.').next().unwrap();
            assert!(shown.contains(&format!("{last} =")), "{key} in\n{shown}");
        }
        assert!(shown.contains("sign_key = \"***\""), "{shown}");
        assert!(
            shown.contains("文件 GONGKAI_NOTIFY_SMS_SIGN_KEY_FILE="),
            "{shown}"
        );
        let table: toml::Table = toml::from_str(&shown).unwrap();
        assert_eq!(
            table["notify"]["sms"]["url"].as_str(),
            Some("https://sms.example.cn/send")
        );
    }

    #[test]
    fn smtp_reads_its_password_from_the_environment_and_never_shows_it() {
        let dir = tempfile::tempdir().unwrap();
        let toml = "data_dir = \"/d\"\n[smtp]\nhost = \"mail.example.cn\"\nport = 2525\nfrom = \"gk@example.cn\"\nusername = \"gk\"\nstarttls = false\n";
        let c = load(
            dir.path(),
            Some(toml),
            &[("GONGKAI_SMTP_PASSWORD", "smtp-s3cr3t")],
        )
        .unwrap();
        assert_eq!(c.smtp.host.as_deref(), Some("mail.example.cn"));
        assert_eq!((c.smtp.port, c.smtp.starttls), (2525, false));
        assert_eq!(c.smtp.password.as_ref().unwrap().expose(), "smtp-s3cr3t");
        assert_eq!(c.smtp.outbox, Path::new("/d/outbox"));
        let shown = c.to_redacted_toml();
        for printed in [format!("{c:?}"), shown.clone()] {
            assert!(!printed.contains("smtp-s3cr3t"), "{printed}");
        }
        assert!(shown.contains("password = \"***\""), "{shown}");
        assert!(shown.contains("环境变量 GONGKAI_SMTP_PASSWORD"), "{shown}");
        let table: toml::Table = toml::from_str(&shown).unwrap();
        assert_eq!(table["smtp"]["host"].as_str(), Some("mail.example.cn"));
        // Without a host: no server, the outbox.
        let c = load(dir.path(), Some("data_dir = \"/d\"\n"), &[]).unwrap();
        assert_eq!((c.smtp.host, c.smtp.password), (None, None));
    }

    #[test]
    fn mistakes_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let e = load(dir.path(), Some("[databse]\nurl = \"x\"\n"), &[]).unwrap_err();
        assert!(
            matches!(&e, ConfigError::UnknownKey { key, .. } if key == "databse"),
            "{e:?}"
        );
        assert!(e.to_string().contains("gongkai.toml"), "{e}");
        let e = load(dir.path(), Some("[deadline]\nfee_pause = \"yes\"\n"), &[]).unwrap_err();
        assert!(matches!(e, ConfigError::WrongType { .. }), "{e:?}");
        assert!(e.to_string().contains("deadline.fee_pause"), "{e}");
        let e = load(dir.path(), Some("[deadline]\nfee_pause = \n"), &[]).unwrap_err();
        assert!(matches!(e, ConfigError::Syntax { line: 2, .. }), "{e:?}");
        let _ = fs::remove_file(dir.path().join("gongkai.toml"));
        let e = load(
            dir.path(),
            None,
            &[("GONGKAI_DEADLINE__DUE_SOON_DAYS", "many")],
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("GONGKAI_DEADLINE__DUE_SOON_DAYS"),
            "{e}"
        );
        let e = load(
            dir.path(),
            None,
            &[("GONGKAI_AUDIT_KEY_FILE", "/no/such/file")],
        )
        .unwrap_err();
        assert!(matches!(e, ConfigError::SecretFile { .. }), "{e:?}");
        let empty = dir.path().join("empty");
        fs::write(&empty, "\n").unwrap();
        let e = load(
            dir.path(),
            None,
            &[("GONGKAI_AUDIT_KEY_FILE", empty.to_str().unwrap())],
        )
        .unwrap_err();
        assert!(matches!(e, ConfigError::EmptySecret { .. }), "{e:?}");
        let e = Config::load(Sources {
            explicit: Some(dir.path().join("nope.toml")),
            cwd: None,
            env: BTreeMap::new(),
        })
        .unwrap_err();
        assert!(matches!(e, ConfigError::Missing(_)));
        // The test variable is not configuration.
        assert!(
            load(
                dir.path(),
                None,
                &[("GONGKAI_TEST_POSTGRES_URL", "postgres://x")]
            )
            .is_ok()
        );
    }

    proptest::proptest! {
        /// No password, whatever characters it holds, survives redaction.
        #[test]
        fn passwords_are_redacted(pw in "[ -~]{1,30}") {
            let pw_enc: String = pw.chars().filter(|c| !matches!(c, '@' | '/' | '?' | '#')).collect();
            proptest::prop_assume!(pw_enc.len() >= 4);
            let url = format!("postgres://user:{pw_enc}@host:5432/db");
            let shown = DatabaseUrl::new(&url).to_string();
            proptest::prop_assert!(!shown.contains(&pw_enc) || "user:***@host:5432/db".contains(&pw_enc), "{}", shown);
            proptest::prop_assert!(shown.starts_with("postgres://user:***@host"), "{}", shown);
        }
    }
}
