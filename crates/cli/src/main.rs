//! `gongkai`: the command line. It only translates between the outside world (files,
//! arguments, exit status) and the library crates, which do the work.
#![forbid(unsafe_code)]

mod batch;
mod db;
mod deadline_cmd;
mod files;
mod records_cmd;
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
    /// 机关（agency）：登记 add、列出 list
    #[command(subcommand)]
    Agency(records_cmd::AgencyCommand),
    /// 导入（import）：依申请公开台账 ledger、台账模板 template
    #[command(subcommand)]
    Import(records_cmd::ImportCommand),
    /// 表二数据（figures）：规范性文件、行政许可/处罚/强制、收费等年度数据
    #[command(subcommand)]
    Figures(records_cmd::FiguresCommand),
    /// 工作日历（calendar）：导入新一年的放假安排 import、查看 show
    #[command(subcommand)]
    Calendar(records_cmd::CalendarCommand),
    /// 申请（request）：查看一件申请的经过、状态和答复期限
    #[command(subcommand)]
    Request(RequestCommand),
}

#[derive(Debug, Subcommand)]
enum RequestCommand {
    /// 登记申请（add）：申请人、申请方式、收到日期、申请内容
    Add(records_cmd::RequestAddArgs),
    /// 记录办理事件（event）：补正、征求意见、收费、延期、答复；不可能的顺序会被拒绝
    Event(records_cmd::RequestEventArgs),
    /// 查看申请（show）：申请人、经过、状态和答复期限
    Show(records_cmd::RequestShowArgs),
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
        Command::Agency(cmd) => records_cmd::agency(cmd),
        Command::Import(cmd) => records_cmd::import(cmd),
        Command::Figures(cmd) => records_cmd::figures(cmd),
        Command::Calendar(cmd) => records_cmd::calendar(cmd),
        Command::Request(RequestCommand::Add(args)) => records_cmd::request_add(args),
        Command::Request(RequestCommand::Event(args)) => records_cmd::request_event(args),
        Command::Request(RequestCommand::Show(args)) => records_cmd::request_show(args),
    };
    match status {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            eprintln!("gongkai: 错误（error）: {e:#}");
            ExitCode::from(Status::Trouble as u8)
        }
    }
}
