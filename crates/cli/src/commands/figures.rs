//! `gongkai figures …`: the table 二 figures of an agency-year.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::values;
use anyhow::{Context, Result};
use clap::Subcommand;
use gongkai_report::{CellKey, Value};
use rust_decimal::Decimal;
use std::io::Write;
use std::str::FromStr;

#[derive(Debug, Subcommand)]
pub enum FiguresCommand {
    /// 登记表二数据（set）：如 t2.normative_docs.issued=3 t2.admin_fees.amount_wan_yuan=1.5
    Set {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 报告年度
        #[arg(long, value_parser = values::year)]
        year: i32,
        /// KEY=VALUE，可多个
        #[arg(required = true, value_name = "KEY=VALUE")]
        cells: Vec<String>,
        /// 手工填报规章、规范性文件数据（本由公开目录计算）的原因，报告中作为注释列出
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// 查看已登记的表二数据（show）
    Show {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 报告年度
        #[arg(long, value_parser = values::year)]
        year: i32,
    },
}

/// Parses `t2.normative_docs.issued=3` into a cell and a value of the cell's kind.
fn parse_assignment(s: &str) -> Result<(CellKey, Value)> {
    let (key, value) = s
        .split_once('=')
        .with_context(|| format!("应写作 KEY=VALUE：{s}"))?;
    let key: CellKey = key.trim().parse()?;
    let value = value.trim();
    let value = match key.kind() {
        gongkai_report::template::CellKind::Money(_) => Value::Money(
            Decimal::from_str(value)
                .ok()
                .with_context(|| format!("{key} 的金额无效：{value}"))?,
        ),
        _ => Value::Int(
            value
                .parse()
                .ok()
                .with_context(|| format!("{key} 应为整数：{value}"))?,
        ),
    };
    Ok((key, value))
}

pub fn run(g: &Global, cmd: FiguresCommand) -> Result<Status> {
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        match cmd {
            FiguresCommand::Set {
                agency,
                year,
                cells,
                reason,
            } => {
                let cells = cells
                    .iter()
                    .map(|c| parse_assignment(c))
                    .collect::<Result<Vec<_>>>()?;
                with_ctx!(env, Access::Write, |ctx| {
                    let f = ctx
                        .set_figures(&agency, year, &cells, reason.as_deref())
                        .await?;
                    writeln!(
                        std::io::stdout().lock(),
                        "已登记 {agency} {year} 年表二数据 {} 项",
                        f.cells.len()
                    )?;
                    Ok(Status::Ok)
                })
            }
            FiguresCommand::Show { agency, year } => with_ctx!(env, Access::Read, |ctx| {
                let mut out = std::io::stdout().lock();
                match ctx.figures(&agency, year).await? {
                    None => writeln!(out, "{agency} {year} 年尚未登记表二数据")?,
                    Some(f) => {
                        for (k, v) in f.cells {
                            writeln!(out, "{k}={v}")?;
                        }
                    }
                }
                Ok(Status::Ok)
            }),
        }
    })
}
