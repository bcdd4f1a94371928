//! `gongkai remedy …`: reconsideration and litigation cases without a ledger.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::values;
use anyhow::Result;
use chrono::NaiveDate;
use clap::Subcommand;
use gongkai_cases::vocab::{remedy_kind_label, remedy_result_label};
use gongkai_cases::{RemedyKind, RemedyResult};
use serde_json::json;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum RemedyCommand {
    /// 登记复议诉讼案件（add）：关联一件申请，表四随之计算
    Add {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 案件编号（case reference）
        #[arg(long = "case", value_name = "REF")]
        case: String,
        /// 关联的受理编号（the request the case concerns）
        #[arg(long, value_name = "REF")]
        request: String,
        /// 类型：行政复议、未经复议直接起诉、复议后起诉
        #[arg(long, value_name = "KIND", value_parser = values::remedy_kind)]
        kind: RemedyKind,
        /// 收到日期（复议申请书或起诉状副本送达之日）
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        received: NaiveDate,
    },
    /// 结案（close）：结果维持、结果纠正或其他结果
    Close {
        /// 案件编号
        #[arg(value_name = "CASE")]
        case: String,
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 结果：结果维持、结果纠正、其他结果
        #[arg(long, value_name = "RESULT", value_parser = values::remedy_result)]
        result: RemedyResult,
        /// 结案日期
        #[arg(long, value_name = "DATE", value_parser = values::date)]
        date: NaiveDate,
    },
    /// 列出案件（list）：--year 只列出该年度表四计入的案件
    List {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 年度
        #[arg(long, value_parser = values::year)]
        year: Option<i32>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

pub fn run(g: &Global, cmd: RemedyCommand) -> Result<Status> {
    let env = Env::load(g)?;
    let access = match cmd {
        RemedyCommand::List { .. } => Access::Read,
        _ => Access::Write,
    };
    runtime()?.block_on(async {
        with_ctx!(env, access, |ctx| {
            let mut out = std::io::stdout().lock();
            match cmd {
                RemedyCommand::Add {
                    agency,
                    case,
                    request,
                    kind,
                    received,
                } => {
                    let r = ctx
                        .add_remedy(&agency, &case, &request, kind, received)
                        .await?;
                    writeln!(
                        out,
                        "已登记{}案件 {}（关联申请 {}，收到日期 {}）",
                        remedy_kind_label(r.data.kind),
                        r.data.reference,
                        r.data.requests.join("、"),
                        r.data.received
                    )?;
                }
                RemedyCommand::Close {
                    case,
                    agency,
                    result,
                    date,
                } => {
                    let r = ctx.close_remedy(&agency, &case, result, date).await?;
                    writeln!(
                        out,
                        "案件 {} 已于 {date} 结案：{}",
                        r.data.reference,
                        remedy_result_label(Some(result))
                    )?;
                }
                RemedyCommand::List { agency, year, json } => {
                    let list = ctx.list_remedies(&agency, year).await?;
                    if json {
                        let v: Vec<serde_json::Value> = list
                            .iter()
                            .map(|r| {
                                json!({
                                    "case": r.data.reference,
                                    "requests": r.data.requests,
                                    "kind": remedy_kind_label(r.data.kind),
                                    "received": r.data.received.to_string(),
                                    "closed": r.data.closed.map(|(d, _)| d.to_string()),
                                    "result": remedy_result_label(r.data.closed.map(|(_, x)| x)),
                                })
                            })
                            .collect();
                        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                    } else if list.is_empty() {
                        writeln!(out, "没有复议诉讼案件")?;
                    } else {
                        for r in &list {
                            let closed = r
                                .data
                                .closed
                                .map_or_else(|| "—".to_owned(), |(d, _)| d.to_string());
                            writeln!(
                                out,
                                "{}  {}  关联 {}  收到 {}  结案 {closed}  {}",
                                r.data.reference,
                                remedy_kind_label(r.data.kind),
                                r.data.requests.join("、"),
                                r.data.received,
                                remedy_result_label(r.data.closed.map(|(_, x)| x))
                            )?;
                        }
                    }
                }
            }
            Ok(Status::Ok)
        })
    })
}
