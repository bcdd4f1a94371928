//! Which database a command uses, and opening it. SQLite is the embedded default (a single file
//! in the data directory, created on first use); PostgreSQL is chosen by URL.

use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;

/// The database option shared by every command that touches records.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// 数据库地址（database URL）：sqlite:路径/文件.db 或 postgres://…；
    /// 默认为数据目录中的 SQLite 文件 gongkai.db
    #[arg(
        long = "db",
        value_name = "URL",
        env = "GONGKAI_DATABASE_URL",
        global = true
    )]
    pub url: Option<String>,
}

/// The data directory: `GONGKAI_DATA_DIR`, else `$XDG_DATA_HOME/gongkai`, else
/// `~/.local/share/gongkai`, else `./gongkai-data`.
pub fn data_dir() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("GONGKAI_DATA_DIR")
        .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("gongkai")))
        .or_else(|| env("HOME").map(|h| h.join(".local/share/gongkai")))
        .unwrap_or_else(|| PathBuf::from("gongkai-data"))
}

impl DbArgs {
    /// The URL to use: the option or environment variable, else the default SQLite file.
    pub fn resolve(&self) -> String {
        match &self.url {
            Some(url) if !url.trim().is_empty() => url.trim().to_owned(),
            _ => format!("sqlite:{}", data_dir().join("gongkai.db").display()),
        }
    }

    /// Whether a database was asked for, or the default one already exists.
    pub fn exists_or_given(&self) -> bool {
        self.url.as_ref().is_some_and(|u| !u.trim().is_empty())
            || data_dir().join("gongkai.db").exists()
    }
}

/// Runs `$body` with `$store` bound to the opened backend (monomorphised per backend, so the
/// use cases stay generic over `gongkai_store::Store`).
macro_rules! with_store {
    ($db:expr, |$store:ident| $body:expr) => {{
        let url = $db.resolve();
        match crate::db::Backend::of(&url)? {
            crate::db::Backend::Sqlite => {
                let $store = gongkai_store_sqlite::SqliteStore::open(&url)
                    .await
                    .map_err(|e| anyhow::anyhow!("无法打开数据库 {url}：{e}"))?;
                let result = $body;
                $store.close().await;
                result
            }
            crate::db::Backend::Postgres => {
                let $store = gongkai_store_postgres::PgStore::connect(&url)
                    .await
                    .map_err(|e| {
                        anyhow::anyhow!("无法连接数据库 {}：{e}", crate::db::redact(&url))
                    })?;
                let result = $body;
                $store.close().await;
                result
            }
        }
    }};
}
pub(crate) use with_store;

/// The two backends.
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL names.
    pub fn of(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            bail!(
                "不支持的数据库地址 {}：应以 sqlite: 或 postgres:// 开头",
                redact(url)
            )
        }
    }
}

/// A URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A single-threaded runtime is enough for a command; the web server will bring its own.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("while starting the async runtime")
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("sqlite:/x/y.db"), "sqlite:/x/y.db");
    }
}
