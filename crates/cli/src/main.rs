//! `gongkai`: the command line. It only translates between the outside world (files,
//! arguments, exit status) and the library crates, which do the work.
#![forbid(unsafe_code)]

mod deadline_cmd;
mod files;
mod report_cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// gongkai（公开）：政府信息公开工作平台 / government information disclosure, from requests to
/// the statutory annual report.
#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 年度报告（annual report）：检查 check、生成文档 render、新建 new、比较 diff
    #[command(subcommand)]
    Report(report_cmd::ReportCommand),
    /// 答复期限（deadline）：按官方工作日历计算依申请公开的法定答复期限，并逐步说明
    #[command(after_help = deadline_cmd::CONVENTIONS)]
    Deadline(deadline_cmd::DeadlineArgs),
}

/// Exit statuses, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything fine.
    Ok = 0,
    /// A report has an error-severity finding (or `diff` found differences).
    Findings = 1,
    /// An input could not be read, or an output could not be written.
    Trouble = 2,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Report(cmd) => report_cmd::run(cmd),
        Command::Deadline(args) => deadline_cmd::run(args),
    };
    match status {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            eprintln!("gongkai: 错误（error）: {e:#}");
            ExitCode::from(Status::Trouble as u8)
        }
    }
}
