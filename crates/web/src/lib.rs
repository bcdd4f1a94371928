//! The web platform of gongkai: the staff back office under `/office` (server-rendered Chinese
//! pages that work without JavaScript) and the JSON API under `/api/v1` with its OpenAPI
//! document, both adapters over `gongkai-services`: a handler parses, calls one use case,
//! renders. No rule of the 条例 is written here.
//!
//! - [`routes`]: every route in one list, from which the router is built and against which the
//!   authorization matrix test runs, so that a new route without an entry fails it;
//! - [`auth`]: who is calling (a session cookie or a bearer token) and the CSRF checks;
//! - [`office`]: the back office pages; [`api`]: the JSON API; [`pages`]: the templates;
//! - [`portal`]: the public pages, without login (the catalogue, applications, the guide);
//! - [`error`]: the one error type (a Chinese page or a JSON error body, the cause logged);
//! - [`security`]: response headers (CSP, framing), request ids and logs;
//! - [`assets`]: the stylesheet and script embedded in the binary, under content-hashed names.
#![forbid(unsafe_code)]

pub mod api;
pub mod assets;
pub mod auth;
pub mod cache;
pub mod error;
pub mod office;
pub mod pages;
pub mod portal;
pub mod routes;
pub mod security;
pub mod server;
pub mod views;

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_services::Settings;
use gongkai_services::accounts::SessionPolicy;
use gongkai_services::catalogue::Attachments;
use gongkai_services::requests::DeskCache;
use gongkai_store::accounts::Accounts;
use gongkai_store::{Blobs, Store};
use std::sync::Arc;

/// What the server was configured with (`[server]`, `[deadline]`, `[audit]`).
#[derive(Debug, Clone)]
pub struct Options {
    /// The settings of the use cases; `today` is replaced by the day of each request.
    pub settings: Settings,
    pub sessions: SessionPolicy,
    /// The session cookie carries `Secure`.
    pub secure_cookies: bool,
    /// The origin forms must come from (`https://gk.example.gov.cn`), when the server is
    /// reached under another name than its own address (behind a reverse proxy).
    pub public_origin: Option<String>,
    /// The largest upload in bytes.
    pub upload_max: usize,
    /// The largest catalogue attachment in bytes (`catalogue.attachment_max_mb`).
    pub catalogue_attachment_max: u64,
    /// Online applications, and tracking look-ups, per client address and minute
    /// (`portal.rate_limit_per_minute`).
    pub rate_limit_per_minute: u32,
    /// The portal shows the checks' findings beside each published annual report
    /// (`portal.show_findings`).
    pub show_findings: bool,
    /// Count the portal's page views (`portal.count_views`), writing them every
    /// `views_flush` (`portal.views_flush_seconds`).
    pub count_views: bool,
    pub views_flush: std::time::Duration,
    /// The reverse proxies whose `X-Forwarded-For` names the client (`server.trusted_proxies`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The sender of the queued messages the server runs (`notify.worker`), if any.
    pub notify: Option<NotifyWorker>,
}

/// Where the server's sender of messages sends (`[notify]`, `[smtp]`), and how often it looks
/// for messages due (`notify.poll_seconds`).
#[derive(Debug, Clone)]
pub struct NotifyWorker {
    pub transports: gongkai_services::notify::send::Transports,
    pub every: std::time::Duration,
}

impl Options {
    /// The options of the use cases' `settings` and the `[server]` configuration.
    pub fn new(settings: Settings, server: &gongkai_config::ServerConfig) -> Options {
        Options {
            settings,
            sessions: SessionPolicy {
                idle: chrono::Duration::minutes(i64::from(server.session_idle_minutes.max(1))),
                absolute: chrono::Duration::hours(i64::from(server.session_max_hours.max(1))),
                max_failures: server.login_max_failures.max(1),
                lockout: chrono::Duration::minutes(i64::from(server.lockout_minutes)),
            },
            secure_cookies: server.secure_cookies(),
            public_origin: server
                .public_url
                .as_deref()
                .map(|u| u.trim_end_matches('/').to_owned()),
            upload_max: usize::try_from(server.upload_max_mb)
                .unwrap_or(usize::MAX >> 20)
                .saturating_mul(1 << 20),
            catalogue_attachment_max: u64::from(
                gongkai_config::CatalogueConfig::default().attachment_max_mb,
            ) << 20,
            rate_limit_per_minute: gongkai_config::PortalConfig::default().rate_limit_per_minute,
            show_findings: gongkai_config::PortalConfig::default().show_findings,
            count_views: gongkai_config::PortalConfig::default().count_views,
            views_flush: std::time::Duration::from_secs(u64::from(
                gongkai_config::PortalConfig::default().views_flush_seconds,
            )),
            trusted_proxies: server.trusted_proxies.clone(),
            notify: None,
        }
    }
}

/// The state every handler shares: the store and the options.
#[derive(Debug)]
pub struct App<S> {
    pub store: S,
    pub options: Options,
    /// The 工作台 lists, kept while nothing is written about their agencies.
    pub desks: DeskCache,
    /// The catalogue's search index (`[catalogue] search`).
    pub search: gongkai_search::AnySearch,
    /// Where the catalogue's attachments are kept (`[catalogue] attachments`).
    pub attachments: AttachmentPlace,
    /// The portal's public pages, kept for a moment ([`cache`]).
    pub pages: cache::PageCache,
    /// The portal's page views not yet written ([`views`]).
    pub views: views::ViewCounter,
}

/// Where the catalogue's attachment bytes are kept, owned by the server (the services'
/// [`Attachments`] borrows the store, which the server owns in [`App`]).
#[derive(Debug, Clone)]
pub enum AttachmentPlace {
    /// Files in a directory (the default).
    Directory(gongkai_blobs::LocalBlobs),
    /// The store's own table.
    Database,
}

impl AttachmentPlace {
    /// Files under `dir`, created if needed.
    ///
    /// # Errors
    /// The directory cannot be made or is not a directory.
    pub fn directory(dir: &std::path::Path) -> Result<Self, gongkai_store::StoreError> {
        Ok(AttachmentPlace::Directory(gongkai_blobs::LocalBlobs::open(
            dir,
        )?))
    }

    /// The attachments over `store`, for the use cases.
    pub fn of<'s, S>(&self, store: &'s S) -> Attachments<'s, S> {
        match self {
            AttachmentPlace::Directory(dir) => Attachments::Directory(dir.clone()),
            AttachmentPlace::Database => Attachments::Database(store),
        }
    }
}

/// The shared state, cheap to clone into every request.
pub type Shared<S> = Arc<App<S>>;

/// What a store must provide to serve the web platform (the catalogue's attachments may be
/// kept in it: [`AttachmentPlace::Database`]).
pub trait WebStore: Store + Accounts + Blobs + 'static {}
impl<T: Store + Accounts + Blobs + 'static> WebStore for T {}

impl<S> App<S> {
    /// The use cases' settings for a request now: today by the official calendar's time zone.
    pub fn settings(&self) -> Settings {
        Settings {
            today: china_today(),
            ..self.options.settings.clone()
        }
    }
}

/// Now.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Today in China (UTC+8), the time zone of the 条例's deadlines.
pub fn china_today() -> NaiveDate {
    gongkai_services::in_china(now()).date_naive()
}
