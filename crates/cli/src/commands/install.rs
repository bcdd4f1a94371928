//! `gongkai backup` and `gongkai migrate`: running an installation.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use anyhow::{Result, bail};
use clap::Args;
use gongkai_services::audit::Verification;
use gongkai_services::installation::Copied;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// 备份文件（新的 SQLite 文件，不能已存在）
    file: PathBuf,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// 目标数据库地址，如 postgres://user@host:5432/gongkai（必须是空数据库）
    #[arg(long, value_name = "URL")]
    to: String,
}

fn progress() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    bar
}

fn report(out: &mut impl Write, copied: &Copied) -> Result<Status> {
    writeln!(out, "{:<22} {:>10} {:>10}", "表", "源", "目标")?;
    for (t, a, b) in &copied.tables {
        let mark = if a == b { "" } else { "  ✗ 不一致" };
        writeln!(out, "{t:<22} {a:>10} {b:>10}{mark}")?;
    }
    match &copied.audit {
        Verification::Intact { entries, head } => writeln!(
            out,
            "目标数据库的审计日志完整：{entries} 条，最新哈希 {head}"
        )?,
        Verification::Broken(b) => writeln!(out, "目标数据库的审计日志不完整：{b}")?,
    }
    Ok(if copied.proved() {
        Status::Ok
    } else {
        Status::Findings
    })
}

pub fn backup(g: &Global, args: BackupArgs) -> Result<Status> {
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| {
            let copied = ctx.backup(&args.file).await?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "已备份到 {}", args.file.display())?;
            match copied {
                Some(c) => report(&mut out, &c),
                None => Ok(Status::Ok),
            }
        })
    })
}

pub fn migrate(g: &Global, args: MigrateArgs) -> Result<Status> {
    let env = Env::load(g)?;
    let target_url = args.to.trim().to_owned();
    if !(target_url.starts_with("postgres://") || target_url.starts_with("postgresql://")) {
        bail!("--to 应是 PostgreSQL 数据库地址（postgres://…）");
    }
    let shown = gongkai_config::DatabaseUrl::new(&target_url).to_string();
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| {
            let target = gongkai_store_postgres::PgStore::connect(&target_url)
                .await
                .map_err(|e| anyhow::anyhow!("无法连接目标数据库 {shown}：{e}"))?;
            let bar = progress();
            let copied = ctx
                .copy_installation(&target, |table, n| {
                    bar.set_message(format!("{table}：{n} 行"));
                })
                .await;
            bar.finish_and_clear();
            target.close().await;
            let copied = copied?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "已迁移到 {shown}")?;
            report(&mut out, &copied)
        })
    })
}
