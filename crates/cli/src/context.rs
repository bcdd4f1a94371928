//! What every command starts from: the global options, the configuration, who is acting, and
//! the store opened for reading or for writing, wrapped in the use cases' context.

use anyhow::{Context as _, Result};
use clap::Args;
use gongkai_services::{Actor, Settings};
use std::path::PathBuf;

/// Options every command takes, before or after its name.
#[derive(Debug, Clone, Default, Args)]
pub struct Global {
    /// 配置文件（config file）；默认为当前目录下的 gongkai.toml（若存在）
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// 数据库地址（database URL）：sqlite:路径/文件.db 或 postgres://…；默认为数据目录中的 gongkai.db
    #[arg(long = "db", global = true, value_name = "URL")]
    pub db: Option<String>,
    /// 操作人（actor），记入审计日志；默认为操作系统用户名
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub actor: Option<String>,
}

/// The configuration in effect and who acts.
#[derive(Debug, Clone)]
pub struct Env {
    pub config: gongkai_config::Config,
    pub actor: Actor,
    pub settings: Settings,
}

/// Whether a command writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Env {
    /// Loads the configuration (defaults → gongkai.toml → environment → secret files, then the
    /// command line's `--db`) and the actor.
    pub fn load(g: &Global) -> Result<Env> {
        let cwd = std::env::current_dir().context("无法确定当前目录")?;
        let sources = gongkai_config::Sources::from_process(g.config.clone(), cwd);
        let mut config = gongkai_config::Config::load(sources)?;
        if let Some(url) = g.db.as_deref().filter(|u| !u.trim().is_empty()) {
            config.set_database_url(url.trim());
        }
        let name = g.actor.clone().unwrap_or_else(os_user);
        let actor = Actor::new(&name).context("--as 给出的操作人无效")?;
        let today = chrono::Local::now().date_naive();
        let mut settings = Settings::new(today);
        settings.deadline.fee_pause = config.deadline.fee_pause;
        settings.deadline.due_soon_days = config.deadline.due_soon_days;
        settings.audit_key = config.audit_key().map(|k| k.expose().as_bytes().to_vec());
        settings.portal = portal_rules(&config.portal);
        settings.messages.reply_days = config.messages.reply_days.max(1);
        if let Some(phrases) = &config.triage.phrases {
            settings.triage = gongkai_services::portal::triage::TriageRules {
                phrases: phrases.clone(),
            };
        }
        settings.id_photo_key = config
            .id_photo_key()
            .map(|k| gongkai_services::id_photo::PhotoKey::new(*k.expose()));
        settings.redact = gongkai_services::redaction::tools(
            config.redact.tools_dir.clone(),
            config.redact.timeout_seconds,
        );
        settings.notify = crate::commands::notify::rules(&config.notify)?;
        settings.letters = gongkai_letters::Remedies {
            reconsideration_body: config.letters.reconsideration_body.clone(),
            court: config.letters.court.clone(),
        };
        Ok(Env {
            config,
            actor,
            settings,
        })
    }

    /// The database URL in effect (with its password, for connecting).
    pub fn url(&self) -> String {
        self.config.database_url().expose().to_owned()
    }

    /// The URL as it may be shown.
    pub fn shown_url(&self) -> String {
        self.config.database_url().to_string()
    }

    /// Whether a database was named, or the default one exists already.
    pub fn has_database(&self) -> bool {
        !self.config.database_url().is_default()
            || self.config.data_dir().join("gongkai.db").exists()
    }

    /// Creates the data directory for the default database, which just works on a fresh
    /// machine; a database named explicitly must be in a directory that exists.
    pub fn prepare(&self) -> Result<()> {
        if self.config.database_url().is_default() {
            let dir = self.config.data_dir();
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
        }
        Ok(())
    }
}

/// The operating system's user name, for the audit log when `--as` is not given.
fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "本机用户".to_owned())
}

/// A single-threaded runtime is enough for a command; the web server will bring its own.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")
}

/// The backend a URL names.
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str, shown: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("不支持的数据库地址 {shown}：应以 sqlite: 或 postgres:// 开头")
        }
    }
}

/// Runs `$body` with `$ctx` bound to the use cases' context over the opened store
/// (monomorphised per backend, so the use cases stay generic over `gongkai_store::Store`), and
/// `$store` to the store itself. The store is closed afterwards.
macro_rules! with_ctx {
    ($env:expr, $access:expr, |$ctx:ident| $body:expr) => {
        $crate::context::with_ctx!($env, $access, |$ctx, _store| $body)
    };
    ($env:expr, $access:expr, |$ctx:ident, $store:ident| $body:expr) => {{
        let env: &$crate::context::Env = &$env;
        env.prepare()?;
        let url = env.url();
        let shown = env.shown_url();
        let scope = gongkai_services::Scope::operator(env.actor.clone());
        match $crate::context::Backend::of(&url, &shown)? {
            $crate::context::Backend::Sqlite => {
                let access = match $access {
                    $crate::context::Access::Read => gongkai_store_sqlite::Access::Read,
                    $crate::context::Access::Write => gongkai_store_sqlite::Access::Write,
                };
                let $store = gongkai_store_sqlite::SqliteStore::open_with(&url, access)
                    .await
                    .map_err(|e| anyhow::anyhow!("无法打开数据库 {shown}：{e}"))?;
                let $ctx = gongkai_services::Ctx::new(&$store, &scope, &env.settings);
                let result = $body;
                $store.close().await;
                result
            }
            $crate::context::Backend::Postgres => {
                let $store = gongkai_store_postgres::PgStore::connect(&url)
                    .await
                    .map_err(|e| anyhow::anyhow!("无法连接数据库 {shown}：{e}"))?;
                let $ctx = gongkai_services::Ctx::new(&$store, &scope, &env.settings);
                let result = $body;
                $store.close().await;
                result
            }
        }
    }};
}
pub(crate) use with_ctx;

/// What the use cases need of the `[portal]` configuration.
pub fn portal_rules(
    c: &gongkai_config::PortalConfig,
) -> gongkai_services::applications::PortalRules {
    gongkai_services::applications::PortalRules {
        auto_confirm_receipt: c.auto_confirm_receipt,
        attachments_max: usize::try_from(c.attachments_max).unwrap_or(usize::MAX),
        attachment_max_bytes: u64::from(c.attachment_max_mb).saturating_mul(1 << 20),
        retention_days: c.retention_days,
    }
}
