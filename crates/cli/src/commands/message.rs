//! `gongkai message …`: public messages (互动交流) of an agency with their reply time limit, and
//! a reply, published on the portal or not — the same use cases as the back office's pages.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use anyhow::Result;
use clap::Subcommand;
use gongkai_services::messages::{MessageFilter, MessageQuery};
use gongkai_store::messages::MessageId;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum MessageCommand {
    /// 列出机关的留言（list）：编号、类型、标题、收到日期、答复期限、状态
    List {
        /// 机关名称
        #[arg(long)]
        agency: String,
        /// 含下级机关
        #[arg(long)]
        subtree: bool,
        /// 只看：open（办理中）、overdue（已超期）、replied（已答复）
        #[arg(long, default_value = "")]
        state: String,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 答复留言（reply）：留言编号（LY000042 或 42），答复内容；--public 在门户网站公开答复
    Reply {
        /// 留言编号
        id: String,
        /// 答复内容
        #[arg(long)]
        body: String,
        /// 公开答复
        #[arg(long)]
        public: bool,
    },
}

/// A message's id from its number (`LY000042`) or the bare number.
fn message_id(text: &str) -> Result<MessageId> {
    let t = text.trim();
    let digits = t
        .strip_prefix("LY")
        .or_else(|| t.strip_prefix("ly"))
        .unwrap_or(t);
    Ok(MessageId(digits.parse().map_err(|_| {
        anyhow::anyhow!("留言编号应为 LY000042 或数字，而不是“{t}”")
    })?))
}

pub fn run(g: &Global, cmd: MessageCommand) -> Result<Status> {
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        match cmd {
            MessageCommand::List {
                agency,
                subtree,
                state,
                json,
            } => with_ctx!(env, Access::Read, |ctx| {
                let items = ctx
                    .message_list(&MessageQuery {
                        agency,
                        subtree,
                        filter: MessageFilter::parse(&state),
                    })
                    .await?;
                let mut out = std::io::stdout().lock();
                if json {
                    let list: Vec<serde_json::Value> = items
                        .iter()
                        .map(|i| {
                            serde_json::json!({
                                "id": i.id.0, "number": i.number, "agency": i.agency,
                                "kind": i.kind.key(), "title": i.title,
                                "received": i.received.to_string(),
                                "due": i.due.map(|d| d.to_string()),
                                "days_left": i.days_left, "overdue": i.overdue,
                                "state": i.state, "public": i.public,
                            })
                        })
                        .collect();
                    writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
                    return Ok(Status::Ok);
                }
                for i in &items {
                    let due = i.due.map_or_else(String::new, |d| d.to_string());
                    let late = if i.overdue { "（已超期）" } else { "" };
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t收到 {}\t期限 {due}{late}\t{}",
                        i.number,
                        i.agency,
                        i.kind.label(),
                        i.title,
                        i.received,
                        i.state_label
                    )?;
                }
                writeln!(out, "共 {} 条", items.len())?;
                Ok(Status::Ok)
            }),
            MessageCommand::Reply { id, body, public } => {
                let id = message_id(&id)?;
                with_ctx!(env, Access::Write, |ctx| {
                    let message = ctx
                        .reply_message(id, &body, public, chrono::Utc::now())
                        .await?;
                    writeln!(
                        std::io::stdout().lock(),
                        "已答复留言 {}{}",
                        gongkai_store::messages::message_number(message.id),
                        if public { "，答复已公开" } else { "" }
                    )?;
                    Ok(Status::Ok)
                })
            }
        }
    })
}
