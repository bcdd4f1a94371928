//! `gongkai portal …`: what the public portal leaves behind, namely the applicants' personal
//! data, purged after the retention period (`portal.retention_days`).

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use anyhow::Result;
use clap::Subcommand;
use serde_json::json;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum PortalCommand {
    /// 清除个人信息（purge）：办结超过保存期限（portal.retention_days）的申请，删除申请人的
    /// 姓名、证件号码、联系方式和附件；统计数字、办理经过和审计日志保留，审计哈希链仍可校验
    Purge {
        /// 保存期限（天），默认取配置 portal.retention_days
        #[arg(long, value_name = "DAYS")]
        retention_days: Option<u32>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

pub fn run(g: &Global, cmd: PortalCommand) -> Result<Status> {
    let mut env = Env::load(g)?;
    let PortalCommand::Purge {
        retention_days,
        json,
    } = cmd;
    if let Some(days) = retention_days {
        env.settings.portal.retention_days = days;
    }
    let attachments = crate::commands::catalogue::attachment_place(&env)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Write, |ctx, store| {
            let blobs = attachments.of(&store);
            let (before, purged) = ctx.purge_personal_data(&blobs).await?;
            let mut out = std::io::stdout().lock();
            if json {
                let v = json!({
                    "decided_before": before.to_string(),
                    "requests": purged.requests,
                    "files": purged.files,
                    "messages": purged.messages,
                });
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                writeln!(
                    out,
                    "已清除 {} 件 {before} 前办结的申请的个人信息（申请人附件 {} 个），{} 条留言的留言人姓名和电话",
                    purged.requests, purged.files, purged.messages
                )?;
            }
            Ok(Status::Ok)
        })
    })
}
