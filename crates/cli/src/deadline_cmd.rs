//! `gongkai deadline`: the statutory answer deadline of a request (第三十三条), explained.

use crate::Status;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Args;
use gongkai_calendar::{Calendar, DeadlineInput, compute};
use std::io::Write;

/// The counting conventions, printed under `gongkai deadline --help`.
pub const CONVENTIONS: &str = "计算规则（conventions）：
  · 第1个工作日是触发日（收到申请之日，或收到补正后申请之日，第三十条）之后的第一个工作日；
  · 答复期限是第20个工作日（第三十三条第一款）；经批准延期（--extended）为第40个工作日（第三十三条第二款）；
  · --pause FROM..TO：FROM 至 TO（含两端）之间的工作日不计入（征求意见、缴费等，第三十二条、第三十四条）；
  · 工作日按国务院办公厅公布的放假安排，调休上班的周末计入，放假日不计入；超出已知年份的结果标为“暂定”。";

#[derive(Debug, Args)]
pub struct DeadlineArgs {
    /// 收到申请之日（date of receipt），如 2024-09-27
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    received: NaiveDate,
    /// 收到补正后申请之日（corrected request received）：期限自此重新起算
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    corrected: Option<NaiveDate>,
    /// 不计入期限的区间 FROM..TO（含两端），可重复（pause, repeatable）
    #[arg(long, value_name = "FROM..TO", value_parser = parse_pause)]
    pause: Vec<(NaiveDate, NaiveDate)>,
    /// 已经批准延期（extension approved）：再延长20个工作日
    #[arg(long)]
    extended: bool,
    /// 以该日期计算已用和剩余天数（as of），默认今天
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// 以 JSON 输出（machine-readable）：{"due": "YYYY-MM-DD", "steps": [...], …}
    #[arg(long)]
    json: bool,
    /// 管理员导入的放假安排取自该数据库（默认数据库存在时自动使用）
    #[command(flatten)]
    db: crate::db::DbArgs,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("日期应写作 YYYY-MM-DD，而不是“{s}”"))
}

fn parse_pause(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (from, to) = s
        .split_once("..")
        .ok_or_else(|| format!("区间应写作 FROM..TO，而不是“{s}”"))?;
    Ok((parse_date(from)?, parse_date(to)?))
}

pub fn run(args: DeadlineArgs) -> Result<Status> {
    let calendar = if args.db.exists_or_given() {
        crate::db::runtime()?.block_on(async {
            crate::db::with_store!(args.db, |store| gongkai_services::calendar(&store)
                .await
                .map_err(anyhow::Error::from))
        })?
    } else {
        Calendar::official().context("while loading the official calendar")?
    };
    let input = DeadlineInput {
        received: args.received,
        corrected: args.corrected,
        pauses: args.pause,
        extended: args.extended,
        as_of: Some(
            args.as_of
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
        ),
    };
    let deadline = match compute(&calendar, &input) {
        Ok(d) => d,
        Err(e) => bail!("{e}"),
    };
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
