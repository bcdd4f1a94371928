//! `gongkai calendar …`: the working-day calendar's added years.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::files::io_text;
use anyhow::{Result, anyhow};
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// 导入新一年的放假安排（import）：与内置日历相同的 TOML 格式，无需升级软件
    Import {
        /// TOML 文件，如 [2027] off = [...] workday = [...]
        file: PathBuf,
    },
    /// 显示已知放假安排的年份（show）
    Show,
}

pub fn run(g: &Global, cmd: CalendarCommand) -> Result<Status> {
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        match cmd {
            CalendarCommand::Import { file } => {
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| anyhow!("无法读取 {}：{}", file.display(), io_text(&e)))?;
                with_ctx!(env, Access::Write, |ctx| {
                    let years = ctx.import_calendar(&text).await.map_err(|e| {
                        anyhow::Error::from(e).context(format!("{} 未导入", file.display()))
                    })?;
                    let years: Vec<String> = years.iter().map(|y| format!("{y} 年")).collect();
                    writeln!(
                        std::io::stdout().lock(),
                        "已导入放假安排：{}",
                        years.join("、")
                    )?;
                    Ok(Status::Ok)
                })
            }
            CalendarCommand::Show => with_ctx!(env, Access::Read, |ctx| {
                let cal = ctx.calendar().await?;
                let years: Vec<String> = cal.known_years().map(|y| y.to_string()).collect();
                writeln!(
                    std::io::stdout().lock(),
                    "已知放假安排的年份：{}",
                    years.join("、")
                )?;
                Ok(Status::Ok)
            }),
        }
    })
}
