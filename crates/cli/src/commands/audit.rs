//! `gongkai audit …`: the audit log, and the proof that it is intact.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use anyhow::Result;
use clap::Subcommand;
use gongkai_audit::Hash;
use gongkai_services::audit::Verification;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::io::{IsTerminal, Write};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 列出审计日志（list）：最新的在前
    List {
        /// 只列出该机关的记录
        #[arg(long, value_name = "NAME")]
        agency: Option<String>,
        /// 最多列出多少条
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: usize,
        /// 以 JSON 输出（每条含全部字段和哈希）
        #[arg(long)]
        json: bool,
    },
    /// 校验哈希链（verify）：完整时退出码 0，否则 1 并指出第一条不符的记录
    Verify {
        /// 另行保存的最新哈希（gongkai audit head 的输出）：也能发现从末尾删除的记录
        #[arg(long, value_name = "HASH", value_parser = parse_hash)]
        head: Option<Hash>,
    },
    /// 打印最新哈希（head），供另行保存
    Head,
}

fn parse_hash(s: &str) -> Result<Hash, String> {
    s.parse().map_err(|e: gongkai_audit::BadHash| e.to_string())
}

pub fn run(g: &Global, cmd: AuditCommand) -> Result<Status> {
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| {
            let mut out = std::io::stdout().lock();
            match cmd {
                AuditCommand::List {
                    agency,
                    limit,
                    json,
                } => {
                    let entries = ctx.audit_list(agency.as_deref(), limit).await?;
                    if json {
                        let v: Vec<serde_json::Value> = entries
                            .iter()
                            .map(|e| {
                                json!({
                                    "seq": e.seq, "at": e.at, "actor": e.actor,
                                    "agency_id": e.agency_id, "agency": e.agency,
                                    "action": e.action, "object": e.object,
                                    "summary": serde_json::from_str::<serde_json::Value>(&e.summary)
                                        .unwrap_or(serde_json::Value::String(e.summary.clone())),
                                    "prev": e.prev.to_string(), "hash": e.hash.to_string(),
                                })
                            })
                            .collect();
                        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                    } else if entries.is_empty() {
                        writeln!(out, "审计日志中没有记录")?;
                    } else {
                        for e in &entries {
                            writeln!(
                                out,
                                "{:>6}  {}  {}  {}  {}  {}  {}",
                                e.seq, e.at, e.actor, e.agency, e.action, e.object, e.summary
                            )?;
                        }
                    }
                    Ok(Status::Ok)
                }
                AuditCommand::Verify { head } => {
                    let bar = if std::io::stderr().is_terminal() {
                        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                        if let Ok(style) = ProgressStyle::with_template("{spinner} 已校验 {pos} 条")
                        {
                            bar.set_style(style);
                        }
                        bar
                    } else {
                        ProgressBar::hidden()
                    };
                    let v = ctx
                        .audit_verify(head, |n| bar.set_position(n.unsigned_abs()))
                        .await?;
                    bar.finish_and_clear();
                    match v {
                        Verification::Intact { entries, head } => {
                            writeln!(out, "审计日志完整：共 {entries} 条记录，最新哈希 {head}")?;
                            Ok(Status::Ok)
                        }
                        Verification::Broken(b) => {
                            writeln!(out, "审计日志不完整：{b}")?;
                            Ok(Status::Findings)
                        }
                    }
                }
                AuditCommand::Head => {
                    match ctx.audit_head().await? {
                        Some((seq, hash)) => writeln!(out, "{hash}  （第 {seq} 条）")?,
                        None => writeln!(out, "审计日志中没有记录")?,
                    }
                    Ok(Status::Ok)
                }
            }
        })
    })
}
