//! `gongkai agency …`: the agency hierarchy and 机构改革.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::values;
use anyhow::Result;
use chrono::NaiveDate;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// 登记机关（add）
    ///
    /// 可指定上级机关（--parent），形成政府及其部门、乡镇的层级；重复登记同一机关不会出错。
    Add {
        /// 机关名称
        name: String,
        /// 上级机关名称（parent agency）
        #[arg(long, value_name = "NAME")]
        parent: Option<String>,
    },
    /// 列出机关（list），按层级缩进
    List,
    /// 机关更名（rename）：此前年度的报告仍用原名称，原名称仍可用来查找
    Rename {
        /// 机关现名称（或别名、原名称）
        name: String,
        /// 新名称
        new_name: String,
        /// 新名称启用之日，默认今天
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        on: Option<NaiveDate>,
    },
    /// 调整上级机关（move）：--parent 给出新的上级，--top 设为顶层机关
    Move {
        /// 机关名称
        name: String,
        /// 新的上级机关
        #[arg(
            long,
            value_name = "NAME",
            conflicts_with = "top",
            required_unless_present = "top"
        )]
        parent: Option<String>,
        /// 设为顶层机关（不属于任何上级）
        #[arg(long)]
        top: bool,
    },
    /// 合并机关（merge）：A 并入 B，自合并之年起 A 的记录计入 B 的年度报告
    Merge {
        /// 被并入的机关
        name: String,
        /// 并入的机关
        #[arg(long, value_name = "NAME")]
        into: String,
        /// 合并生效之日，默认今天
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        on: Option<NaiveDate>,
    },
    /// 登记别名（alias）：机关在已发布报告或表格中使用的其他名称，用于查找和跨年度配对
    Alias {
        /// 机关名称
        name: String,
        /// 别名
        alias: String,
    },
}

pub fn run(g: &Global, cmd: AgencyCommand) -> Result<Status> {
    let env = Env::load(g)?;
    let today = env.settings.today;
    let access = match cmd {
        AgencyCommand::List => Access::Read,
        _ => Access::Write,
    };
    runtime()?.block_on(async {
        with_ctx!(env, access, |ctx| {
            let mut out = std::io::stdout().lock();
            match cmd {
                AgencyCommand::Add { name, parent } => {
                    let a = ctx.add_agency(&name, parent.as_deref()).await?;
                    writeln!(out, "已登记机关：{}（编号 {}）", a.name, a.id.0)?;
                }
                AgencyCommand::List => {
                    let tree = ctx.agency_tree().await?;
                    if tree.is_empty() {
                        writeln!(
                            out,
                            "尚未登记任何机关。用 gongkai agency add 名称 登记第一个机关。"
                        )?;
                    }
                    for row in tree {
                        let merged = row
                            .merged_into
                            .map(|n| format!("（已并入 {n}）"))
                            .unwrap_or_default();
                        writeln!(out, "{}{}{merged}", "  ".repeat(row.depth), row.agency.name)?;
                    }
                }
                AgencyCommand::Rename { name, new_name, on } => {
                    let on = on.unwrap_or(today);
                    let a = ctx.rename_agency(&name, &new_name, on).await?;
                    writeln!(out, "已更名：{name} → {}（自 {on} 起）", a.name)?;
                }
                AgencyCommand::Move { name, parent, .. } => {
                    let a = ctx.move_agency(&name, parent.as_deref()).await?;
                    match parent {
                        Some(p) => writeln!(out, "{} 的上级机关已调整为 {p}", a.name)?,
                        None => writeln!(out, "{} 已设为顶层机关", a.name)?,
                    }
                }
                AgencyCommand::Merge { name, into, on } => {
                    let on = on.unwrap_or(today);
                    let a = ctx.merge_agency(&name, &into, on).await?;
                    writeln!(
                        out,
                        "{} 已于 {on} 并入 {into}：自该年起其记录计入 {into} 的年度报告",
                        a.name
                    )?;
                }
                AgencyCommand::Alias { name, alias } => {
                    let a = ctx.add_alias(&name, &alias).await?;
                    writeln!(out, "已登记 {} 的别名：{alias}", a.name)?;
                }
            }
            Ok(Status::Ok)
        })
    })
}
