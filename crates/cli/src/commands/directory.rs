//! `gongkai directory …`: the agency's 政务公开事项标准目录 — import it from a table, list it, and
//! see which items the year's catalogue has not published (coverage, per unit with
//! `--subtree`).

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::files;
use anyhow::{Result, anyhow};
use clap::Subcommand;
use gongkai_directory::Status as ItemStatus;
use gongkai_services::Ctx;
use gongkai_services::directory::Coverage;
use gongkai_store::Store;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// 导入标准目录（import）：XLSX/CSV，列为 事项编号、领域、事项名称、公开内容、公开依据、公开时限、公开主体、公开渠道
    ///
    /// 文件即本机关的完整目录：导入后替换原有目录。任何一行有误则全部不导入。
    Import {
        /// 文件（.xlsx、.csv）
        path: PathBuf,
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
    },
    /// 生成标准目录导入模板（template）
    Template {
        /// 输出文件；- 为标准输出
        #[arg(short, long, value_name = "OUT", default_value = "标准目录模板.xlsx")]
        output: PathBuf,
    },
    /// 列出标准目录（list）：按目录顺序
    List {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
    /// 标准目录覆盖情况（coverage）：每个事项本年度的公开条数，标出未在时限内公开的事项并说明原因
    ///
    /// 有缺口时退出码为 1。
    Coverage {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 年度
        #[arg(long, value_parser = crate::values::year)]
        year: i32,
        /// 包括所有下级机关（按单位列出各自目录的覆盖情况）
        #[arg(long)]
        subtree: bool,
        /// 以 JSON 输出：对象数组，每个事项一个（item、publications、gap 等）
        #[arg(long)]
        json: bool,
    },
}

pub fn run(g: &Global, cmd: DirectoryCommand) -> Result<Status> {
    if let DirectoryCommand::Template { output } = &cmd {
        let bytes = gongkai_directory::template().map_err(|e| anyhow!("无法生成模板：{e}"))?;
        files::emit(Some(output), &bytes, true)?;
        if !files::is_stdout(output) {
            eprintln!("已生成标准目录模板 {}", output.display());
        }
        return Ok(Status::Ok);
    }
    let env = Env::load(g)?;
    let access = match cmd {
        DirectoryCommand::Import { .. } => Access::Write,
        _ => Access::Read,
    };
    runtime()?.block_on(async { with_ctx!(env, access, |ctx| run_in(ctx, cmd).await) })
}

async fn run_in<S: Store>(ctx: Ctx<'_, S>, cmd: DirectoryCommand) -> Result<Status> {
    let mut out = std::io::stdout().lock();
    match cmd {
        DirectoryCommand::Template { .. } => Ok(Status::Ok),
        DirectoryCommand::Import { path, agency } => {
            let kind = files::table_kind(&path, "")?;
            let bytes = files::read(&path)?;
            let done = ctx.import_directory(&agency, &bytes, kind).await?;
            let c = done.counts;
            writeln!(
                out,
                "已导入 {} 的标准目录：{} 个事项（新增 {}，修改 {}，未变 {}，删除 {}）",
                done.agency.name, done.items, c.created, c.changed, c.unchanged, c.removed
            )?;
            Ok(Status::Ok)
        }
        DirectoryCommand::List { agency, json } => {
            let (agency, items) = ctx.directory_items(&agency).await?;
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
            } else if items.is_empty() {
                writeln!(out, "{} 尚未导入标准目录", agency.name)?;
            } else {
                for i in &items {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}",
                        i.code,
                        i.domain,
                        i.name,
                        i.time_limit,
                        i.limit().describe()
                    )?;
                }
            }
            Ok(Status::Ok)
        }
        DirectoryCommand::Coverage {
            agency,
            year,
            subtree,
            json,
        } => {
            let coverage = ctx.directory_coverage(&agency, year, subtree).await?;
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&coverage_json(&coverage))?
                )?;
            } else {
                write!(out, "{}", coverage_text(&coverage))?;
            }
            Ok(if coverage.gaps() > 0 {
                Status::Findings
            } else {
                Status::Ok
            })
        }
    }
}

/// One object per item, each with its unit.
fn coverage_json(c: &Coverage) -> serde_json::Value {
    let items: Vec<serde_json::Value> = c
        .units
        .iter()
        .flat_map(|u| {
            u.coverage.items.iter().map(|i| {
                json!({
                    "agency": u.agency.name,
                    "item": i.item,
                    "domain": i.domain,
                    "name": i.name,
                    "time_limit": i.time_limit,
                    "rule": i.rule,
                    "publications": i.publications,
                    "first": i.first,
                    "last": i.last,
                    "late": i.late,
                    "status": i.status,
                    "gap": i.gap,
                    "reason": i.reason,
                })
            })
        })
        .collect();
    serde_json::Value::Array(items)
}

fn status_label(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Covered => "已公开",
        ItemStatus::Gap => "缺口",
        ItemStatus::NotYetDue => "未到期",
    }
}

/// Per unit: a summary line, then every item (gaps marked), then the reasons of the gaps.
fn coverage_text(c: &Coverage) -> String {
    let mut s = String::new();
    for u in &c.units {
        if !u.has_directory {
            s.push_str(&format!("{}：尚未导入标准目录\n", u.agency.name));
            continue;
        }
        let cov = &u.coverage;
        s.push_str(&format!(
            "{} {}年标准目录覆盖情况：{} 个事项，已公开 {}，缺口 {}\n",
            u.agency.name,
            c.year,
            cov.items.len(),
            cov.covered,
            cov.gaps
        ));
        for i in &cov.items {
            s.push_str(&format!(
                "  {}{}\t{}\t{}\t本年公开 {} 条\t{}\t{}\n",
                if i.gap { "✗ " } else { "  " },
                i.item,
                i.domain,
                i.name,
                i.publications,
                status_label(i.status),
                i.reason
            ));
        }
    }
    s
}
