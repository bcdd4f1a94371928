//! `gongkai deadline`: the statutory answer deadline of a request (第三十三条), explained.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::values;
use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use gongkai_calendar::DeadlineInput;
use gongkai_services::calendar;
use std::io::Write;

/// The counting conventions, printed under `gongkai deadline --help`.
pub const CONVENTIONS: &str = "计算规则（conventions）：
  · 第1个工作日是触发日（收到申请之日，或收到补正后申请之日，第三十条）之后的第一个工作日；
  · 答复期限是第20个工作日（第三十三条第一款）；经批准延期（--extended）为第40个工作日（第三十三条第二款）；
  · --pause FROM..TO：FROM 至 TO（含两端）之间的工作日不计入（征求意见、缴费等，第三十二条、第三十四条）；
  · 工作日按国务院办公厅公布的放假安排，调休上班的周末计入，放假日不计入；超出已知年份的结果标为“暂定”。
  · 日期可写作 2024-09-27、2024/9/27 或 2024年9月27日。";

#[derive(Debug, Args)]
pub struct DeadlineArgs {
    /// 收到申请之日（date of receipt），如 2024-09-27
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    received: NaiveDate,
    /// 收到补正后申请之日（corrected request received）：期限自此重新起算
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    corrected: Option<NaiveDate>,
    /// 不计入期限的区间 FROM..TO（含两端），可重复（pause, repeatable）
    #[arg(long, value_name = "FROM..TO", value_parser = parse_pause)]
    pause: Vec<(NaiveDate, NaiveDate)>,
    /// 已经批准延期（extension approved）：再延长20个工作日
    #[arg(long)]
    extended: bool,
    /// 以该日期计算已用和剩余天数（as of），默认今天
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    as_of: Option<NaiveDate>,
    /// 以 JSON 输出（machine-readable）：{"due": "YYYY-MM-DD", "steps": [...], …}
    #[arg(long)]
    json: bool,
}

fn parse_pause(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (from, to) = s
        .split_once("..")
        .ok_or_else(|| format!("区间应写作 FROM..TO，而不是“{s}”"))?;
    Ok((values::date(from)?, values::date(to)?))
}

pub fn run(g: &Global, args: DeadlineArgs) -> Result<Status> {
    let env = Env::load(g)?;
    // Arrangements an administrator imported live in the database, when there is one.
    let cal = if env.has_database() {
        runtime()?.block_on(async {
            with_ctx!(env, Access::Read, |ctx| Ok::<_, anyhow::Error>(
                ctx.calendar().await?
            ))
        })?
    } else {
        calendar::official()?
    };
    let input = DeadlineInput {
        received: args.received,
        corrected: args.corrected,
        pauses: args.pause,
        extended: args.extended,
        as_of: Some(args.as_of.unwrap_or(env.settings.today)),
    };
    let deadline = calendar::deadline(&cal, &input)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", deadline.to_json()?)?;
    } else {
        let provisional = if deadline.provisional {
            "（暂定：超出已知放假安排的年份）"
        } else {
            ""
        };
        writeln!(out, "答复期限：{}{provisional}", deadline.due)?;
        for (i, step) in deadline.steps.iter().enumerate() {
            writeln!(out, "{:>3}. {}", i + 1, step.text)?;
        }
    }
    Ok(Status::Ok)
}
