//! `gongkai report submit | return | clear | publish | filing | filings`: the annual reports'
//! filing workflow (第四十九条) on the command line, the same use cases as the back office's
//! pages and the API's `submitReport`, `returnReport`, `clearReport`, `publishReport`,
//! `getFiling`.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::files;
use crate::values;
use anyhow::{Result, anyhow};
use clap::Args;
use gongkai_filing::Path as FilingPath;
use gongkai_report::{Report, Rule};
use gongkai_services::ServiceError;
use gongkai_services::filing::{Filing, Remarks, parse_rule};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// An agency-year's report.
#[derive(Debug, Args)]
pub struct Which {
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    pub agency: String,
    /// 报告年度
    #[arg(long, value_parser = values::year)]
    pub year: i32,
}

/// What a submission or publication carries.
#[derive(Debug, Args)]
pub struct Carried {
    /// 报告文件（任一可读取的格式：规范 JSON、HTML、Word、PDF……）；省略时用由记录生成的报告
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// 对检查提示的说明，如 --explain R9=本年新设两个申请窗口；每条提示都须说明
    #[arg(long = "explain", value_name = "RULE=TEXT", value_parser = explanation)]
    pub explanations: Vec<(Rule, String)>,
    /// 更正说明（已发布的报告再次报送或发布时说明更正了什么）
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `report submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    pub which: Which,
    #[command(flatten)]
    pub carried: Carried,
}

/// `report return`.
#[derive(Debug, Args)]
pub struct ReturnArgs {
    #[command(flatten)]
    pub which: Which,
    /// 退回意见
    #[arg(long, value_name = "TEXT")]
    pub comment: String,
    /// 对单元格或章节的意见，如 --remark t3.granted.total=与台账不符 或 --remark s5_problems=不能只写“无”
    #[arg(long = "remark", value_name = "KEY=TEXT", value_parser = remark)]
    pub remarks: Vec<(String, String)>,
}

/// `report filings`.
#[derive(Debug, Args)]
pub struct FilingsArgs {
    /// 报告年度（默认：上一年）
    #[arg(long, value_parser = values::year)]
    pub year: Option<i32>,
    /// 只列出逾期未报送、逾期报送的报告
    #[arg(long)]
    pub late: bool,
}

fn explanation(s: &str) -> Result<(Rule, String), String> {
    let (rule, text) = s
        .split_once('=')
        .ok_or_else(|| "应为 规则=说明，如 R9=本年新设窗口".to_owned())?;
    let rule = parse_rule(rule).ok_or_else(|| format!("没有规则“{rule}”（R1–R10）"))?;
    Ok((rule, text.to_owned()))
}

fn remark(s: &str) -> Result<(String, String), String> {
    let (key, text) = s
        .split_once('=')
        .ok_or_else(|| "应为 单元格或章节=意见".to_owned())?;
    Ok((key.trim().to_owned(), text.to_owned()))
}

/// The report a file holds, read as the reader reads any published report.
fn report_of(file: Option<&std::path::Path>) -> Result<Option<Report>> {
    let Some(path) = file else { return Ok(None) };
    let (reviewed, _) =
        files::read_input(path).map_err(|e| anyhow!("{}：{}", e.file, e.message))?;
    Ok(Some(reviewed.report().clone()))
}

/// Prints a refusal's findings, one per line, before the error itself is reported.
fn refused<T>(result: Result<T, ServiceError>) -> Result<T> {
    if let Err(ServiceError::Refused(r)) = &result {
        let mut err = std::io::stderr().lock();
        for f in r.findings() {
            let _ = writeln!(
                err,
                "  {:?}（{}）：{}",
                f.rule,
                f.rule.description(),
                f.message
            );
        }
    }
    Ok(result?)
}

/// The filing, as `report filing` prints it.
fn print(filing: &Filing) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} {} 年度报告：{}（{}截止 {}，{}）",
        filing.agency.name,
        filing.year,
        filing.state.label(),
        filing.path.due_what(),
        filing.due,
        filing.timeliness.label(filing.path)
    )?;
    for s in &filing.steps {
        let at = gongkai_services::in_china(s.at).format("%Y-%m-%d %H:%M");
        let mut line = format!("  {} {at} {} {}", s.seq, s.by, s.action.label());
        if let Some(v) = s.version {
            line.push_str(&format!("（第 {v} 版）"));
        }
        if let Some(t) = &s.text {
            line.push_str(&format!("：{t}"));
        }
        writeln!(out, "{line}")?;
    }
    if let Some((_, remarks)) = filing.returned() {
        for (key, text) in remarks {
            writeln!(out, "    {key}：{text}")?;
        }
    }
    Ok(())
}

pub fn submit(g: &Global, args: SubmitArgs) -> Result<Status> {
    let report = report_of(args.carried.file.as_deref())?;
    let explanations: BTreeMap<Rule, String> = args.carried.explanations.into_iter().collect();
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Write, |ctx| {
            let filing = refused(
                ctx.submit_report(
                    &args.which.agency,
                    args.which.year,
                    report,
                    &explanations,
                    args.carried.note.as_deref(),
                )
                .await,
            )?;
            print(&filing)?;
            Ok(Status::Ok)
        })
    })
}

pub fn give_back(g: &Global, args: ReturnArgs) -> Result<Status> {
    let remarks: Remarks = args.remarks.into_iter().collect();
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Write, |ctx| {
            let filing = refused(
                ctx.return_report(&args.which.agency, args.which.year, &args.comment, &remarks)
                    .await,
            )?;
            print(&filing)?;
            Ok(Status::Ok)
        })
    })
}

pub fn clear(g: &Global, which: Which) -> Result<Status> {
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Write, |ctx| {
            let filing = refused(ctx.clear_report(&which.agency, which.year).await)?;
            print(&filing)?;
            Ok(Status::Ok)
        })
    })
}

pub fn publish(g: &Global, which: Which, carried: Carried) -> Result<Status> {
    let report = report_of(carried.file.as_deref())?;
    let explanations: BTreeMap<Rule, String> = carried.explanations.into_iter().collect();
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Write, |ctx| {
            let (_, version) = refused(
                ctx.publish_report(
                    &which.agency,
                    which.year,
                    report,
                    &explanations,
                    carried.note.as_deref(),
                )
                .await,
            )?;
            writeln!(
                std::io::stdout().lock(),
                "已发布 {} {} 年度报告（第 {version} 版）",
                which.agency,
                which.year
            )?;
            Ok(Status::Ok)
        })
    })
}

pub fn show(g: &Global, which: Which) -> Result<Status> {
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| {
            print(&ctx.filing(&which.agency, which.year).await?)?;
            Ok(Status::Ok)
        })
    })
}

pub fn list(g: &Global, args: FilingsArgs) -> Result<Status> {
    let env = Env::load(g)?;
    let year = args
        .year
        .unwrap_or_else(|| gongkai_filing::season_year(env.settings.today));
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| {
            let rows = ctx.filings(year).await?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{year} 年度报告报送情况（共 {} 个机关）", rows.len())?;
            for r in rows.iter().filter(|r| !args.late || r.timeliness.is_late()) {
                let kind = match r.path {
                    FilingPath::Filed => "报送",
                    FilingPath::Own => "本级政府",
                };
                writeln!(
                    out,
                    "  {}\t{kind}\t{}\t截止 {}\t{}{}",
                    r.agency.name,
                    r.state.label(),
                    r.due,
                    r.timeliness.label(r.path),
                    r.version
                        .map_or_else(String::new, |v| format!("\t第 {v} 版"))
                )?;
            }
            Ok(Status::Ok)
        })
    })
}
