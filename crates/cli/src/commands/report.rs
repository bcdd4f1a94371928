//! `gongkai report …`: check, read, render, create and compare annual reports; generate one
//! from the records, trace a figure to its records, and write the report's text.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::files::{self, ReadError};
use crate::values;
use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gongkai_reader::{InputKind, Source};
use gongkai_render::{DocumentMeta, Target};
use gongkai_report::rules::{Finding, Rule, Severity};
use gongkai_report::{CellKey, Format, Report, json, schema, template};
use gongkai_services::reports::{self, ReportWarning};
use gongkai_services::review::{Aliases, Comparison, Reviewed, Series, compare};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// Every input form the reader takes, for `--help`.
const INPUTS: &str = "可读取的格式（按内容识别，不看扩展名）：
  · 规范 JSON（canonical JSON，gongkai 的交换格式）；
  · HTML 网页（UTF-8、GBK、GB18030；含 Word 粘贴的表格、合并单元格），以及 CMS 接口返回的、内含网页 HTML 的 JSON；
  · 从网页复制的文本：每格一行、以 | 或制表符分隔的行、按空格对齐的列；Markdown 表格；
  · Word 文档（DOCX，含 WPS 保存的）；
  · 带文字层的 PDF；
  · gongkai 自己导出的 Excel（XLSX）和 CSV。";

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 检查年度报告（check）：勾稽关系与合理性规则 R1–R10，可批量
    ///
    /// 给出目录、多于 20 个文件、--dataset 或 --jobs 时进入批量模式：并行读取和检查，不是年度报告的文件
    /// 跳过并注明。退出码：0 没有“错误”级问题；1 至少一份报告有“错误”级问题（警告不影响退出码）；
    /// 2 用法有误，或直接给出的文件无法读取。
    #[command(after_help = INPUTS)]
    Check(CheckArgs),
    /// 读取已发布的年度报告（parse），输出规范 JSON 或每个单元格及其来源
    #[command(after_help = INPUTS)]
    Parse(ParseArgs),
    /// 生成文档（render）：HTML、Word、Excel、Markdown、文本、CSV、JSON
    #[command(after_help = INPUTS)]
    Render(RenderArgs),
    /// 新建空白年度报告（new）：所有单元格为 null，供填写
    New(NewArgs),
    /// 比较两份报告（diff）：逐单元格差异，以及跨年度规则 R5、R6
    #[command(after_help = INPUTS)]
    Diff(DiffArgs),
    /// 打印规范 JSON 的 JSON Schema（schema）
    Schema,
    /// 由办理记录生成年度报告（generate）：表三、表四由记录计算，表二取登记数据，正文取已设置的正文
    Generate(GenerateArgs),
    /// 追溯单元格（explain）：列出计入某个单元格的申请或案件
    Explain(ExplainArgs),
    /// 报告正文（prose）：模板、设置、查看
    #[command(subcommand)]
    Prose(ProseCommand),
    /// 报送年度报告（submit）：部门把年度报告报送政府信息公开工作主管部门审核（条例第四十九条）
    ///
    /// 报告取自 --file 给出的文件，省略时由记录生成。检查发现“错误”级问题时不能报送；每条“提示”都须用
    /// --explain 说明。报送后报告锁定，退回前不能修改其数据和正文。
    Submit(super::filing::SubmitArgs),
    /// 退回年度报告（return）：政务公开办把报送的报告退回修改，附意见
    Return(super::filing::ReturnArgs),
    /// 审核通过年度报告（clear）：政务公开办审核通过报送的报告，之后可以发布
    Clear(super::filing::Which),
    /// 发布年度报告（publish）：发布审核通过的部门报告，或本级政府自己的报告，作为新的版本
    ///
    /// 部门的报告按报送并审核通过的内容发布；本级政府（没有上级机关）的报告取自 --file 或由记录生成，
    /// 同样须通过检查。已发布的报告再次发布即为更正，须附 --note 更正说明（条例第四十九条、第五十条）。
    Publish {
        #[command(flatten)]
        which: super::filing::Which,
        #[command(flatten)]
        carried: super::filing::Carried,
    },
    /// 年度报告的报送情况（filing）：状态、截止日期、每一步的人和时间
    Filing(super::filing::Which),
    /// 各机关年度报告的报送情况（filings）：状态、是否逾期（部门 1 月 31 日、本级政府 3 月 31 日）
    Filings(super::filing::FilingsArgs),
}

#[derive(Debug, Subcommand)]
pub enum ProseCommand {
    /// 打印正文模板（template）：Markdown，标题为法定的六个部分
    Template {
        /// 输出文件；省略或 - 为标准输出
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// 设置某机关某年度报告的正文（set）：读取按模板写好的 Markdown 文件
    Set {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 报告年度
        #[arg(long, value_parser = values::year)]
        year: i32,
        /// Markdown 文件
        file: PathBuf,
    },
    /// 查看已设置的正文（show），以 Markdown 输出
    Show {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 报告年度
        #[arg(long, value_parser = values::year)]
        year: i32,
    },
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 报告年度（year）
    #[arg(long, value_parser = values::year)]
    year: i32,
    /// 汇总本机关及全部下级机关（consolidated）
    #[arg(long)]
    consolidated: bool,
    /// 输出格式，默认规范 JSON
    #[arg(long, value_name = "FORMAT", default_value = "json", value_parser = ["html", "docx", "xlsx", "md", "txt", "csv", "json"])]
    to: String,
    /// 输出文件；省略或 - 为标准输出
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// 落款日期（signed），印在 Word 和 HTML 文末机关名称之下；默认为今天
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    signed: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 报告年度
    #[arg(long, value_parser = values::year)]
    year: i32,
    /// 单元格或第二部分的数字，如 t3.nd_third_party.total、t4.rev_total、s2.replies_public
    #[arg(long, value_name = "KEY")]
    cell: String,
    /// 汇总本机关及全部下级机关
    #[arg(long)]
    consolidated: bool,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 年度报告文件或目录；目录递归读取（跳过隐藏文件）；给出同一机关多个年度时，同时检查跨年度规则
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub files: Vec<PathBuf>,
    /// 以 JSON 输出检查结果；批量模式下为 JSON Lines
    #[arg(long)]
    pub json: bool,
    /// 把每份报告的数据写成数据集（.csv 或 .jsonl），并启用批量模式
    #[arg(long, value_name = "OUT")]
    pub dataset: Option<PathBuf>,
    /// 并行线程数（默认为全部 CPU 核），并启用批量模式
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// 批量模式下文件多于 20 个时，仍逐份输出完整检查结果
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// 已发布的年度报告文件（按内容识别格式）
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// 输出规范 JSON（一个文件时为一个 JSON 对象；多个文件时为 JSON Lines）；省略时列出每个单元格的值及来源
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// 年度报告文件（规范 JSON 或已发布的报告，按内容识别）
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// 输出格式（output format）
    #[arg(long, value_name = "FORMAT", value_parser = ["html", "docx", "xlsx", "md", "txt", "csv", "json"])]
    to: String,
    /// 输出文件；省略或 - 为标准输出（docx、xlsx 不能写到终端）
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// 落款日期（signed），印在 Word 和 HTML 文末机关名称之下，如 2025-01-20；省略则只印机关名称
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    signed: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// 报告格式（format）：2019 或 2021；省略时按年度选择（2020 年及以前为 2019）
    #[arg(long, value_parser = ["2019", "2021"])]
    format: Option<String>,
    /// 报告年度（year）
    #[arg(long, value_parser = values::year)]
    year: i32,
    /// 机关名称（agency），如“某某县人民政府”
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 输出文件；省略或 - 为标准输出
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// 较早的报告
    a: PathBuf,
    /// 较晚的报告
    b: PathBuf,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

pub fn run(g: &Global, cmd: ReportCommand) -> Result<Status> {
    match cmd {
        ReportCommand::Check(args) => {
            let aliases = aliases(g)?;
            if crate::batch::is_batch(&args) {
                crate::batch::run(&args, &aliases)
            } else {
                check(args, &aliases)
            }
        }
        ReportCommand::Parse(args) => parse(args),
        ReportCommand::Render(args) => render(args),
        ReportCommand::New(args) => new(args),
        ReportCommand::Diff(args) => diff(g, args),
        ReportCommand::Generate(args) => generate(g, args),
        ReportCommand::Explain(args) => explain(g, args),
        ReportCommand::Prose(cmd) => prose(g, cmd),
        ReportCommand::Submit(args) => super::filing::submit(g, args),
        ReportCommand::Return(args) => super::filing::give_back(g, args),
        ReportCommand::Clear(which) => super::filing::clear(g, which),
        ReportCommand::Publish { which, carried } => super::filing::publish(g, which, carried),
        ReportCommand::Filing(which) => super::filing::show(g, which),
        ReportCommand::Filings(args) => super::filing::list(g, args),
        ReportCommand::Schema => {
            let text = serde_json::to_string_pretty(&schema::report_schema())?;
            writeln!(std::io::stdout().lock(), "{text}")?;
            Ok(Status::Ok)
        }
    }
}

/// The agencies' other names (aliases, former names) from the database, when there is one, for
/// pairing reports across years.
fn aliases(g: &Global) -> Result<Aliases> {
    let env = Env::load(g)?;
    if !env.has_database() {
        return Ok(Aliases::default());
    }
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| Ok(Aliases::new(
            ctx.name_variants().await?
        )))
    })
}

/// One input of `check`: the report reviewed, or why it could not be read.
struct Checked {
    file: String,
    outcome: Result<(Reviewed, Vec<Finding>), ReadError>,
}

fn check(args: CheckArgs, aliases: &Aliases) -> Result<Status> {
    let mut checked: Vec<Checked> = args
        .files
        .iter()
        .map(|path| Checked {
            file: path.display().to_string(),
            outcome: files::read_input(path).map(|(r, _)| {
                let f = r.findings.clone();
                (r, f)
            }),
        })
        .collect();
    // The cross-year rules over every readable report given.
    let mut series = Series::new();
    let mut index = Vec::new();
    for (i, c) in checked.iter().enumerate() {
        if let Ok((r, _)) = &c.outcome {
            series.add(r);
            index.push(i);
        }
    }
    let groups = series.groups(aliases);
    let has_prev = series.with_predecessor(&groups);
    for (k, finding) in series.findings(&groups) {
        if let Ok((_, findings)) = &mut checked[index[k]].outcome {
            findings.push(finding);
            findings.sort_by_key(|f| f.rule);
        }
    }
    let status = checked
        .iter()
        .map(|c| match &c.outcome {
            Err(_) => Status::Trouble,
            Ok((_, f)) => status_of(f),
        })
        .max()
        .unwrap_or(Status::Ok);
    let mut out = std::io::stdout().lock();
    if args.json {
        let items: Vec<serde_json::Value> = checked.iter().map(check_json).collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
    } else {
        for (i, c) in checked.iter().enumerate() {
            let cross_year = index
                .iter()
                .position(|&k| k == i)
                .is_some_and(|k| has_prev[k]);
            match &c.outcome {
                Ok((r, findings)) => write_check_text(
                    &mut out,
                    &c.file,
                    r,
                    findings,
                    if cross_year {
                        CrossYear::Checked
                    } else if r.report().known_year().is_none() {
                        CrossYear::YearUnknown
                    } else {
                        CrossYear::NoPredecessor
                    },
                )?,
                Err(e) => writeln!(out, "{}：无法读取 —— {}\n", c.file, e.message)?,
            }
        }
    }
    for c in &checked {
        if let Err(e) = &c.outcome {
            eprintln!("gongkai：无法读取 {e}");
        }
    }
    Ok(status)
}

/// The exit status a report's findings call for.
pub(crate) fn status_of(findings: &[Finding]) -> Status {
    if findings.iter().any(|f| f.severity == Severity::Error) {
        Status::Findings
    } else {
        Status::Ok
    }
}

fn check_json(c: &Checked) -> serde_json::Value {
    match &c.outcome {
        Ok((r, findings)) => report_json(&c.file, r, findings),
        Err(e) => json!({ "file": c.file, "error": e.message }),
    }
}

/// The JSON of one checked report: metadata, how it was read, and the findings with where each
/// of their cells was found in the input.
pub(crate) fn report_json(file: &str, r: &Reviewed, findings: &[Finding]) -> serde_json::Value {
    let report = r.report();
    let (errors, warnings) = gongkai_services::review::count(findings);
    let c = r.completeness();
    json!({
        "file": file,
        "agency": report.agency,
        "year": report.known_year(),
        "format": report.format.as_str(),
        "kind": r.parsed.kind.name(),
        "completeness": { "found": c.found, "total": c.total, "ratio": (c.ratio() * 1000.0).round() / 1000.0 },
        "errors": errors,
        "warnings": warnings,
        "findings": findings.iter().map(|f| finding_json(f, &r.parsed.provenance)).collect::<Vec<_>>(),
        "reader_warnings": r.parsed.warnings,
    })
}

/// A finding as JSON (rule, severity, cells, message) with `provenance`: for each cell found in
/// the input, where (`{"cell": "t3.r_total.total", "source": "第212行"}`).
pub(crate) fn finding_json(
    f: &Finding,
    provenance: &BTreeMap<CellKey, Source>,
) -> serde_json::Value {
    let mut v = json!(f);
    let sources: Vec<serde_json::Value> = f
        .cells
        .iter()
        .filter_map(|k| {
            provenance
                .get(k)
                .map(|s| json!({ "cell": k, "source": s.to_string() }))
        })
        .collect();
    if let Some(o) = v.as_object_mut() {
        o.insert("provenance".into(), json!(sources));
    }
    v
}

/// A cell for people: its key and, when read from a published report, where it was found.
fn cell_with_source(key: CellKey, provenance: &BTreeMap<CellKey, Source>) -> String {
    match provenance.get(&key) {
        Some(s) => format!("{key}（{s}）"),
        None => key.to_string(),
    }
}

/// A report's year for people: the year, or that it could not be determined (never 0).
pub(crate) fn shown_year(r: &Report) -> String {
    r.known_year()
        .map_or_else(|| "（年度未能确定）".to_owned(), |y| y.to_string())
}

/// Whether the cross-year rules could be applied to a report, for the text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CrossYear {
    /// Last year's report of the agency was given.
    Checked,
    /// It was not.
    NoPredecessor,
    /// The report's year could not be determined: it has no previous year.
    YearUnknown,
    /// Applied after every file is read (batch mode): shown at the end.
    Later,
}

/// Full text of one checked report: header, how it was read, every rule with its findings and
/// the cells of each finding with where they are in the input.
pub(crate) fn write_check_text(
    out: &mut impl Write,
    file: &str,
    r: &Reviewed,
    findings: &[Finding],
    cross_year: CrossYear,
) -> Result<()> {
    let report = r.report();
    let provenance = &r.parsed.provenance;
    writeln!(
        out,
        "{file}：{} {} 年度报告（{} 格式）",
        report.agency,
        shown_year(report),
        report.format
    )?;
    if r.parsed.kind != InputKind::CanonicalJson {
        let c = r.completeness();
        writeln!(
            out,
            "  读取：{}，找到 {}/{} 个单元格（{:.0}%）",
            r.parsed.kind.name(),
            c.found,
            c.total,
            c.ratio() * 100.0
        )?;
        for w in &r.parsed.warnings {
            writeln!(out, "  ? 读取提示：{w}")?;
        }
    }
    for rule in Rule::ALL {
        let hits: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
        if hits.is_empty() {
            let note = match (rule.is_cross_year(), cross_year) {
                (false, _) | (true, CrossYear::Checked) => None,
                (true, CrossYear::NoPredecessor) => Some("（未检查：需要同一机关上一年度的报告）"),
                (true, CrossYear::Later) => Some("（跨年度规则在全部文件读完后检查，结果见文末）"),
                (true, CrossYear::YearUnknown) => Some("（不适用：报告年度未能确定）"),
            };
            let mark = if note.is_some() { "－" } else { "✓" };
            writeln!(
                out,
                "  {mark} {rule:<3} {}{}",
                rule.description(),
                note.unwrap_or("")
            )?;
        }
        for f in hits {
            write_finding(out, f, provenance)?;
        }
    }
    let (errors, warnings) = gongkai_services::review::count(findings);
    writeln!(out, "  结果：{errors} 个错误，{warnings} 个警告\n")?;
    Ok(())
}

/// One finding: mark, rule, severity, message, then its cells with where each was found.
pub(crate) fn write_finding(
    out: &mut impl Write,
    f: &Finding,
    provenance: &BTreeMap<CellKey, Source>,
) -> Result<()> {
    let mark = if f.severity == Severity::Error {
        "✗"
    } else {
        "!"
    };
    writeln!(out, "  {mark} {:<3} {}：{}", f.rule, f.severity, f.message)?;
    if !f.cells.is_empty() {
        let shown: Vec<String> = f
            .cells
            .iter()
            .take(8)
            .map(|&k| cell_with_source(k, provenance))
            .collect();
        let more = if f.cells.len() > 8 {
            format!(" 等 {} 个", f.cells.len())
        } else {
            String::new()
        };
        writeln!(out, "          单元格：{}{more}", shown.join(", "))?;
    }
    Ok(())
}

/// Reads an input named on the command line, or fails naming it.
fn read(path: &std::path::Path) -> Result<Reviewed> {
    files::read_input(path)
        .map(|(r, _)| r)
        .map_err(|e| anyhow!("{e}"))
}

/// `report parse`: published reports into canonical JSON, or a listing of every cell with
/// where it was found.
fn parse(args: ParseArgs) -> Result<Status> {
    let mut status = Status::Ok;
    let mut out = std::io::stdout().lock();
    let several = args.files.len() > 1;
    for path in &args.files {
        let r = match files::read_input(path) {
            Ok((r, _)) => r,
            Err(e) => {
                eprintln!("gongkai：无法读取 {e}");
                status = Status::Trouble;
                continue;
            }
        };
        let parsed = &r.parsed;
        for w in &parsed.warnings {
            eprintln!("gongkai：{}：读取提示：{w}", path.display());
        }
        if args.json {
            if several {
                let line = serde_json::to_string(&json::to_value(&parsed.report, None))?;
                writeln!(out, "{line}")?;
            } else {
                out.write_all(json::to_string(&parsed.report, None).as_bytes())?;
            }
            continue;
        }
        let report = &parsed.report;
        let c = r.completeness();
        writeln!(
            out,
            "{}：{} {} 年度报告（{} 格式），读自 {}，找到 {}/{} 个单元格",
            path.display(),
            report.agency,
            shown_year(report),
            report.format,
            parsed.kind.name(),
            c.found,
            c.total
        )?;
        for (key, value) in report.cells() {
            let value = value.map_or_else(|| "空".to_owned(), |v| v.to_string());
            let source = parsed
                .provenance
                .get(&key)
                .map_or_else(|| "（未找到）".to_owned(), |s| s.to_string());
            writeln!(
                out,
                "  {:<48} {value:>14}  {source:<20} {}",
                key.to_string(),
                template::cell_name(report.format, key)
            )?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(status)
}

/// What a document printed now carries: the signing date given, and the creation time (the
/// DOCX core properties, the HTML `dcterms.created`).
fn document_meta(signed: Option<NaiveDate>) -> DocumentMeta {
    DocumentMeta {
        signed_on: signed,
        created: Some(chrono::Local::now().fixed_offset()),
    }
}

fn render(args: RenderArgs) -> Result<Status> {
    let target: Target = args.to.parse().map_err(anyhow::Error::msg)?;
    let r = read(&args.file)?;
    // CSV and XLSX hold the year as a number: a report whose year is unknown is not printed
    // with a made-up one (the documents say it in their title, JSON prints null).
    if r.report().known_year().is_none() && matches!(target, Target::Csv | Target::Xlsx) {
        bail!(
            "报告年度未能确定，{} 需要年度：请在 JSON 中填写 year 后再生成",
            args.to
        );
    }
    let meta = document_meta(args.signed);
    let bytes = gongkai_render::render_with(r.report(), &r.findings, target, &meta)?;
    files::emit(args.output.as_deref(), &bytes, target.is_binary())?;
    Ok(Status::Ok)
}

fn new(args: NewArgs) -> Result<Status> {
    let format = match args.format.as_deref() {
        Some(f) => Format::parse(f).unwrap_or_else(|| Format::for_year(args.year)),
        None => Format::for_year(args.year),
    };
    if args.agency.trim().is_empty() {
        bail!("机关名称（--agency）不能为空");
    }
    let report = Report::blank(format, args.year, args.agency.trim());
    files::emit(
        args.output.as_deref(),
        json::to_string(&report, None).as_bytes(),
        false,
    )?;
    Ok(Status::Ok)
}

fn diff(g: &Global, args: DiffArgs) -> Result<Status> {
    let input_a = read(&args.a)?;
    let input_b = read(&args.b)?;
    let aliases = aliases(g)?;
    let (a, b) = (input_a.report(), input_b.report());
    let (pa, pb) = (&input_a.parsed.provenance, &input_b.parsed.provenance);
    let show = |r: &Report, k| match r.get(k) {
        Some(v) => v.to_string(),
        None if template::allows(r.format, k) => "空".to_owned(),
        None => "（无此项）".to_owned(),
    };
    let Comparison {
        changed,
        sections,
        paired,
        findings: cross,
    } = compare(&input_a, &input_b, &aliases);
    let changed: Vec<CellKey> = changed.into_iter().map(|(k, _, _)| k).collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let cells: Vec<_> = changed
            .iter()
            .map(|&k| {
                json!({ "cell": k, "a": a.get(k).map(value_json), "b": b.get(k).map(value_json),
                        "a_source": pa.get(&k).map(|s| s.to_string()), "b_source": pb.get(&k).map(|s| s.to_string()) })
            })
            .collect();
        let value = json!({
            "a": { "file": args.a.display().to_string(), "agency": a.agency, "year": a.known_year(), "format": a.format.as_str(), "kind": input_a.parsed.kind.name() },
            "b": { "file": args.b.display().to_string(), "agency": b.agency, "year": b.known_year(), "format": b.format.as_str(), "kind": input_b.parsed.kind.name() },
            "cells": cells,
            "sections": sections.iter().map(|s| s.key()).collect::<Vec<_>>(),
            "findings": cross.iter().map(|f| finding_json(f, pb)).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        for (label, path, r) in [("A", &args.a, a), ("B", &args.b, b)] {
            writeln!(
                out,
                "{label}：{}（{} {} 年，{} 格式）",
                path.display(),
                r.agency,
                shown_year(r),
                r.format
            )?;
        }
        writeln!(out, "\n不同的单元格：{} 个", changed.len())?;
        for &k in &changed {
            let mut place = Vec::new();
            if let Some(s) = pa.get(&k) {
                place.push(format!("A {s}"));
            }
            if let Some(s) = pb.get(&k) {
                place.push(format!("B {s}"));
            }
            let place = if place.is_empty() {
                String::new()
            } else {
                format!("（{}）", place.join("，"))
            };
            writeln!(
                out,
                "  {k:<48} {} → {}    {}{place}",
                show(a, k),
                show(b, k),
                template::cell_name(b.format, k)
            )?;
        }
        if !sections.is_empty() {
            let names: Vec<&str> = sections
                .iter()
                .map(|&s| template::section_heading(s))
                .collect();
            writeln!(out, "\n文字不同的章节：{}", names.join("；"))?;
        }
        if !paired {
            writeln!(
                out,
                "\n跨年度规则 R5、R6：未检查（需要同一机关相邻两个年度的报告，A 在前）"
            )?;
        } else if cross.is_empty() {
            writeln!(out, "\n跨年度规则：✓ R5 结转数衔接  ✓ R6 现行有效件数衔接")?;
        } else {
            writeln!(out, "\n跨年度检查：")?;
            for f in &cross {
                write_finding(&mut out, f, pb)?;
            }
        }
    }
    Ok(if changed.is_empty() && sections.is_empty() {
        Status::Ok
    } else {
        Status::Findings
    })
}

fn value_json(v: gongkai_report::Value) -> serde_json::Value {
    match v {
        gongkai_report::Value::Int(n) => json!(n),
        gongkai_report::Value::Money(d) => json!(d.normalize().to_string()),
    }
}

fn generate(g: &Global, args: GenerateArgs) -> Result<Status> {
    let target: Target = args.to.parse().map_err(anyhow::Error::msg)?;
    let env = Env::load(g)?;
    let generated = runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| Ok::<_, anyhow::Error>(
            ctx.generate_report(&args.agency, args.year, args.consolidated)
                .await?
        ))
    })?;
    let findings = generated.findings();
    let report = &generated.report;
    let signed = args
        .signed
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let meta = document_meta(Some(signed));
    let bytes = gongkai_render::render_with(report, &findings, target, &meta)?;
    files::emit(args.output.as_deref(), &bytes, target.is_binary())?;
    let mut err = std::io::stderr().lock();
    let (agency, year) = (&args.agency, args.year);
    for w in &generated.warnings {
        let text = match w {
            ReportWarning::NoTable2Figures => format!(
                "表二（主动公开）没有登记数据，各单元格为空：规章和规范性文件用 gongkai catalogue import|add 录入公开目录后自动计算，其他数据用 gongkai figures set --agency {agency} --year {year} KEY=VALUE… 登记"
            ),
            ReportWarning::EmptySection(s) => format!(
                "“{}”没有正文：用 gongkai report prose template 取得模板，写好后用 gongkai report prose set --agency {agency} --year {year} 文件.md 设置",
                template::section_heading(*s)
            ),
        };
        writeln!(err, "gongkai：提示：{text}")?;
    }
    Ok(Status::Ok)
}

fn explain(g: &Global, args: ExplainArgs) -> Result<Status> {
    let env = Env::load(g)?;
    let explained = runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| Ok::<_, anyhow::Error>(
            ctx.explain_figure(&args.agency, args.year, &args.cell, args.consolidated)
                .await?
        ))
    })?;
    let counted = &explained.records;
    let mut out = std::io::stdout().lock();
    if args.json {
        let items: Vec<serde_json::Value> = counted
            .iter()
            .map(|c| {
                json!({ "kind": c.kind, "agency": c.agency, "reference": c.reference, "received": c.received.to_string(),
                        "closed": c.closed.map(|d| d.to_string()), "outcome": c.outcome, "applicant": c.applicant })
            })
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json!({
                "cell": explained.key,
                "count": counted.len(),
                "value": explained.value,
                "records": items
            }))?
        )?;
    } else {
        writeln!(
            out,
            "{} {} 年 {}（{}）：{}",
            args.agency, args.year, explained.name, explained.key, explained.value
        )?;
        for c in counted {
            let line = match c.kind {
                "document" => {
                    let ended = c
                        .closed
                        .map_or_else(String::new, |d| format!("  废止/失效 {d}"));
                    format!(
                        "  {}  {}  {} {}{ended}  {}  {}",
                        c.agency,
                        c.reference,
                        if explained.key.starts_with("s2.") {
                            "发布"
                        } else {
                            "成文"
                        },
                        c.received,
                        c.outcome,
                        c.applicant
                    )
                }
                "request" | "remedy" | "message" => {
                    let closed = c.closed.map_or_else(|| "—".to_owned(), |d| d.to_string());
                    format!(
                        "  {}  {}  收到 {}  办结 {}  {}  {}",
                        c.agency, c.reference, c.received, closed, c.outcome, c.applicant
                    )
                }
                _ => format!("  {}  {}  {}", c.agency, c.reference, c.outcome),
            };
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(Status::Ok)
}

fn prose(g: &Global, cmd: ProseCommand) -> Result<Status> {
    match cmd {
        ProseCommand::Template { output } => {
            files::emit(
                output.as_deref(),
                reports::prose_template().as_bytes(),
                false,
            )?;
            Ok(Status::Ok)
        }
        ProseCommand::Set { agency, year, file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow!("无法读取 {}：{}", file.display(), files::io_text(&e)))?;
            let env = Env::load(g)?;
            runtime()?.block_on(async {
                with_ctx!(env, Access::Write, |ctx| {
                    let set = ctx.set_prose(&agency, year, &text).await.map_err(|e| {
                        anyhow::Error::from(e).context(format!("{} 未设置", file.display()))
                    })?;
                    let filled: Vec<&str> = set
                        .sections
                        .iter()
                        .filter(|(_, t)| !t.trim().is_empty())
                        .map(|(s, _)| template::section_heading(*s))
                        .collect();
                    writeln!(
                        std::io::stdout().lock(),
                        "已设置 {agency} {year} 年度报告的正文：{}",
                        if filled.is_empty() {
                            "（各部分均为空）".to_owned()
                        } else {
                            filled.join("；")
                        }
                    )?;
                    Ok(Status::Ok)
                })
            })
        }
        ProseCommand::Show { agency, year } => {
            let env = Env::load(g)?;
            runtime()?.block_on(async {
                with_ctx!(env, Access::Read, |ctx| {
                    let mut out = std::io::stdout().lock();
                    match ctx.prose(&agency, year).await? {
                        None => writeln!(out, "{agency} {year} 年度报告尚未设置正文")?,
                        Some(t) => write!(out, "{}", reports::prose_markdown(&t))?,
                    }
                    Ok(Status::Ok)
                })
            })
        }
    }
}
