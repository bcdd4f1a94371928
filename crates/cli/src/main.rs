//! `gongkai`: the command line. It parses arguments, calls one use case of
//! `gongkai-services` and prints what it returns; it holds no rule of the 条例 and no store
//! call. Exit statuses: 0 fine, 1 a finding or a difference the user must look at, 2 bad usage
//! or an input or output that failed.
#![forbid(unsafe_code)]

mod batch;
mod commands;
mod context;
mod files;
mod values;
mod zh;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use commands::{
    agency, audit, calendar, catalogue, channel, config, deadline, directory, figures, guide,
    install, ledger, portal, remedy,
};
use commands::{assess, letter, message, notify, remind, report, request, web};
use std::process::ExitCode;

/// mimalloc rather than the system allocator: the batch reader makes and frees many small
/// strings per report, and a third of its time went to `malloc`/`free`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// gongkai（公开）：政府信息公开工作平台（government information disclosure），从依申请公开到法定年度报告
#[derive(Debug, Parser)]
#[command(name = "gongkai", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: context::Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 年度报告（report）：检查、读取、生成文档、由记录生成、追溯、正文
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// 申请（request）：登记、记录事件、查看、工作清单、更正
    #[command(subcommand)]
    Request(request::RequestCommand),
    /// 复议诉讼（remedy）：登记、结案、列出行政复议和行政诉讼案件
    #[command(subcommand)]
    Remedy(remedy::RemedyCommand),
    /// 机关（agency）：登记、列出、更名、调整上级、合并、别名
    #[command(subcommand)]
    Agency(agency::AgencyCommand),
    /// 导入（import）：依申请公开台账、台账模板
    #[command(subcommand)]
    Import(ledger::ImportCommand),
    /// 导出（export）：按导入模板导出台账
    #[command(subcommand)]
    Export(ledger::ExportCommand),
    /// 公开目录（catalogue）：登记、导入、检索主动公开的政府信息，规范性文件台账，订阅源
    #[command(subcommand)]
    Catalogue(catalogue::CatalogueCommand),
    /// 标准目录（directory）：政务公开事项标准目录的导入、模板和本年度覆盖情况（各单位未公开的事项）
    #[command(subcommand)]
    Directory(directory::DirectoryCommand),
    /// 渠道（channel）：门户网站和政务新媒体账号的登记、关停，每月发布条数
    #[command(subcommand)]
    Channel(channel::ChannelCommand),
    /// 政府信息公开指南（guide）：发布、显示机关的指南（第十二条）
    #[command(subcommand)]
    Guide(guide::GuideCommand),
    /// 文书（letter）：按申请的状态生成答复告知书、补正通知书等 Word 文书；管理文书模板
    Letter(letter::LetterArgs),
    /// 互动交流（message）：列出机关的留言及答复期限，答复留言
    #[command(subcommand)]
    Message(message::MessageCommand),
    /// 门户（portal）：清除办结超过保存期限的申请人个人信息
    #[command(subcommand)]
    Portal(portal::PortalCommand),
    /// 表二数据（figures）：规范性文件、行政许可/处罚/强制、收费等年度数据
    #[command(subcommand)]
    Figures(figures::FiguresCommand),
    /// 答复期限（deadline）：按官方工作日历计算法定答复期限并逐步说明
    #[command(after_help = deadline::CONVENTIONS)]
    Deadline(deadline::DeadlineArgs),
    /// 工作日历（calendar）：导入新一年的放假安排、查看已知年份
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// 审计日志（audit）：列出、校验哈希链、最新哈希
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// 配置（config）：显示生效的配置
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// 备份（backup）：在使用中生成一致的数据库副本（SQLite 文件）
    Backup(install::BackupArgs),
    /// 迁移（migrate）：把整个系统迁移到另一个数据库（如 PostgreSQL）并验证
    Migrate(install::MigrateArgs),
    /// 网页服务（serve）：工作人员后台和 JSON 接口，直到收到 SIGTERM 或 Ctrl-C
    Serve(web::ServeArgs),
    /// 用户（user）：创建、授予和撤销角色、停用、重置密码、列出
    #[command(subcommand)]
    User(web::UserCommand),
    /// 访问令牌（token）：为接口调用生成、撤销、列出
    #[command(subcommand)]
    Token(web::TokenCommand),
    /// 到期提醒（remind）：每位办理人员的每日提醒（即将到期、已逾期的申请），可发送邮件
    Remind(remind::RemindArgs),
    /// 消息通知（notify）：向申请人和工作人员发送短信、邮件的队列：发送（run）、列出（list）
    #[command(subcommand)]
    Notify(notify::NotifyCommand),
    /// 考核（assess）：按考核方案为可见的每个机关打分、排名（第四十六条）
    Assess(assess::AssessArgs),
}

/// Exit statuses, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything fine.
    Ok = 0,
    /// A report has an error-severity finding, `diff` found differences, a ledger differs from
    /// the records, the audit chain is broken.
    Findings = 1,
    /// Bad usage, or an input could not be read, or an output could not be written.
    Trouble = 2,
}

fn main() -> ExitCode {
    let cmd = zh::localize_root(Cli::command());
    let matches = match cmd.try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(&e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    let status = match cli.command {
        Command::Report(c) => report::run(&cli.global, c),
        Command::Request(c) => request::run(&cli.global, c),
        Command::Remedy(c) => remedy::run(&cli.global, c),
        Command::Agency(c) => agency::run(&cli.global, c),
        Command::Import(c) => ledger::import(&cli.global, c),
        Command::Export(c) => ledger::export(&cli.global, c),
        Command::Catalogue(c) => catalogue::run(&cli.global, c),
        Command::Directory(c) => directory::run(&cli.global, c),
        Command::Channel(c) => channel::run(&cli.global, c),
        Command::Figures(c) => figures::run(&cli.global, c),
        Command::Guide(c) => guide::run(&cli.global, c),
        Command::Message(c) => message::run(&cli.global, c),
        Command::Letter(a) => letter::run(&cli.global, a),
        Command::Portal(c) => portal::run(&cli.global, c),
        Command::Deadline(a) => deadline::run(&cli.global, a),
        Command::Calendar(c) => calendar::run(&cli.global, c),
        Command::Audit(c) => audit::run(&cli.global, c),
        Command::Config(c) => config::run(&cli.global, c),
        Command::Backup(a) => install::backup(&cli.global, a),
        Command::Migrate(a) => install::migrate(&cli.global, a),
        Command::Serve(a) => web::serve(&cli.global, a),
        Command::User(c) => web::user(&cli.global, c),
        Command::Token(c) => web::token(&cli.global, c),
        Command::Remind(a) => remind::run(&cli.global, a),
        Command::Notify(c) => notify::run(&cli.global, c),
        Command::Assess(a) => assess::run(&cli.global, a),
    };
    match status {
        Ok(status) => ExitCode::from(status as u8),
        // A closed pipe (`| head`) ends the command quietly: the reader has what it wanted.
        Err(e) if closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let code = commands::exit_status(&e);
            eprintln!("gongkai：错误：{}", commands::message(&e));
            ExitCode::from(code as u8)
        }
    }
}

/// Help and version go to standard output as they are; a usage error is worded in Chinese.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(Status::Trouble as u8)
        }
        _ => {
            eprintln!("gongkai：{}", zh::message(e));
            ExitCode::from(Status::Trouble as u8)
        }
    }
}

/// Whether the error is a write to a closed pipe.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
