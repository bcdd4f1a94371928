//! `gongkai channel …`: the channel register — the agency's portal and 政务新媒体 accounts, their
//! closing, and the monthly counts of posts not in the catalogue.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::{files, values};
use anyhow::Result;
use chrono::NaiveDate;
use clap::Subcommand;
use gongkai_services::Ctx;
use gongkai_services::channels::{ChannelInput, ChannelRow};
use gongkai_store::Store;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ChannelCommand {
    /// 登记渠道（add）：门户网站或政务新媒体账号
    Add {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 平台：门户网站、微信公众号、微博、抖音、头条号、客户端，或其他平台名称
        #[arg(long, value_name = "PLATFORM")]
        platform: String,
        /// 网站或账号名称（本机关内唯一；目录信息的“发布渠道”填写它）
        #[arg(long, value_name = "NAME")]
        name: String,
        /// 运营主体
        #[arg(long, value_name = "TEXT", default_value = "")]
        operator: String,
        /// 开设日期
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        opened: NaiveDate,
        /// 已备案
        #[arg(long)]
        filed: bool,
    },
    /// 列出渠道（list）
    List {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 包括所有下级机关
        #[arg(long)]
        subtree: bool,
        /// 同时列出该年度每个渠道发布的目录信息条数和导入的其他发布条数
        #[arg(long, value_parser = values::year)]
        year: Option<i32>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 关停渠道（close）
    Close {
        /// 渠道名称
        name: String,
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 关停日期
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        date: NaiveDate,
    },
    /// 每月发布条数（counts）：未列入公开目录的发布条数
    #[command(subcommand)]
    Counts(CountsCommand),
}

#[derive(Debug, Subcommand)]
pub enum CountsCommand {
    /// 导入每月发布条数（import）：XLSX/CSV，列为 渠道名称、月份、发布条数
    ///
    /// 任何一行有误则全部不导入；已导入的月份按文件替换。
    Import {
        /// 文件（.xlsx、.csv）
        path: PathBuf,
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
    },
}

pub fn run(g: &Global, cmd: ChannelCommand) -> Result<Status> {
    let env = Env::load(g)?;
    let access = match cmd {
        ChannelCommand::List { .. } => Access::Read,
        _ => Access::Write,
    };
    runtime()?.block_on(async { with_ctx!(env, access, |ctx| run_in(ctx, cmd).await) })
}

async fn run_in<S: Store>(ctx: Ctx<'_, S>, cmd: ChannelCommand) -> Result<Status> {
    let mut out = std::io::stdout().lock();
    match cmd {
        ChannelCommand::Add {
            agency,
            platform,
            name,
            operator,
            opened,
            filed,
        } => {
            let c = ctx
                .add_channel(ChannelInput {
                    agency,
                    platform,
                    name,
                    operator,
                    opened,
                    filed,
                })
                .await?;
            writeln!(
                out,
                "已登记渠道 {}（{}，{} 开设{}）",
                c.name,
                c.platform.label(),
                c.opened,
                if c.filed {
                    "，已备案"
                } else {
                    "，未备案"
                }
            )?;
        }
        ChannelCommand::Close { name, agency, date } => {
            let c = ctx.close_channel(&agency, &name, date).await?;
            writeln!(out, "渠道 {} 已登记为于 {date} 关停", c.name)?;
        }
        ChannelCommand::List {
            agency,
            subtree,
            year,
            json,
        } => {
            let rows = ctx.channel_register(&agency, subtree, year).await?;
            if json {
                let list: Vec<_> = rows.iter().map(row_json).collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
            } else if rows.is_empty() {
                writeln!(out, "{agency} 没有登记渠道")?;
            } else {
                for r in &rows {
                    writeln!(out, "{}", row_line(r))?;
                }
            }
        }
        ChannelCommand::Counts(CountsCommand::Import { path, agency }) => {
            let kind = files::table_kind(&path, "")?;
            let bytes = files::read(&path)?;
            let c = ctx.import_post_counts(&agency, &bytes, kind).await?;
            writeln!(
                out,
                "已导入发布条数：新增 {} 个月，修改 {} 个月，未变 {} 个月",
                c.created, c.changed, c.unchanged
            )?;
        }
    }
    Ok(Status::Ok)
}

fn row_json(r: &ChannelRow) -> serde_json::Value {
    let c = &r.channel;
    json!({
        "agency": r.agency,
        "id": c.id.0,
        "platform": c.platform.label(),
        "name": c.name,
        "operator": c.operator,
        "opened": c.opened,
        "closed": c.closed,
        "filed": c.filed,
        "documents": r.documents,
        "posts": r.posts,
    })
}

fn row_line(r: &ChannelRow) -> String {
    let c = &r.channel;
    let state = match c.closed {
        Some(d) => format!("{d} 关停"),
        None => "运行中".to_string(),
    };
    let mut line = format!(
        "{}\t{}\t{}\t{}\t{} 开设\t{}\t{}",
        r.agency,
        c.platform.label(),
        c.name,
        c.operator,
        c.opened,
        state,
        if c.filed { "已备案" } else { "未备案" }
    );
    if let (Some(d), Some(p)) = (r.documents, r.posts) {
        line.push_str(&format!("\t目录信息 {d} 条\t其他发布 {p} 条"));
    }
    line
}
