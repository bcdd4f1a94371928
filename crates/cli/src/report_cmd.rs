//! `gongkai report …`: check, render, create and compare annual reports.

use crate::Status;
use crate::files::{self, Input, ReadError};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use gongkai_reader::{Completeness, InputKind, Source};
use gongkai_render::Target;
use gongkai_report::rules::{self, Finding, Rule, Severity};
use gongkai_report::{CellKey, Format, Report, json, schema, template};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 检查年度报告（check）：勾稽关系与合理性规则 R1–R10；可给出目录，批量并行检查；
    /// 有“错误”级问题时退出码为 1，无法读取输入时为 2
    Check(CheckArgs),
    /// 读取已发布的年度报告（parse）：HTML、文本、Markdown 等，按内容识别，输出规范 JSON
    Parse(ParseArgs),
    /// 生成文档（render）：HTML、Word（docx）、Excel（xlsx）、Markdown、纯文本、CSV、JSON
    Render(RenderArgs),
    /// 新建空白年度报告（new）：所有单元格为 null，供填写
    New(NewArgs),
    /// 比较两份报告（diff）：逐单元格差异，以及跨年度规则 R5、R6
    Diff(DiffArgs),
    /// 打印规范 JSON 的 JSON Schema（schema）
    Schema,
    /// 由办理记录生成年度报告（generate）：表三、表四由申请和复议诉讼记录计算，表二取已登记数据
    Generate(GenerateArgs),
    /// 追溯单元格（explain）：列出计入某个单元格的申请或案件，如 --cell t3.nd_third_party.total
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 报告年度（year）
    #[arg(long)]
    year: i32,
    /// 汇总本机关及全部下级机关（consolidated）
    #[arg(long)]
    consolidated: bool,
    /// 输出格式，默认规范 JSON
    #[arg(long, value_name = "FORMAT", default_value = "json", value_parser = ["html", "docx", "xlsx", "md", "txt", "csv", "json"])]
    to: String,
    /// 输出文件；省略时写到标准输出
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    #[command(flatten)]
    db: crate::db::DbArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[arg(long, value_name = "NAME")]
    agency: String,
    #[arg(long)]
    year: i32,
    /// 单元格（cell），如 t3.nd_third_party.total、t4.rev_total
    #[arg(long, value_name = "KEY")]
    cell: String,
    /// 汇总本机关及全部下级机关
    #[arg(long)]
    consolidated: bool,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    db: crate::db::DbArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 年度报告文件或目录：规范 JSON 或已发布的报告（HTML、文本、Markdown……，按内容识别）；
    /// 目录递归读取（跳过隐藏文件）。给出同一机关多个年度时，同时检查跨年度规则 R5、R6
    #[arg(required = true, value_name = "FILE_OR_DIR")]
    pub files: Vec<PathBuf>,
    /// 以 JSON 输出检查结果（machine-readable）；批量模式下为 JSON Lines
    #[arg(long)]
    pub json: bool,
    /// 批量模式：把每份报告的数据写成数据集（.csv 或 .jsonl），并启用批量模式
    #[arg(long, value_name = "OUT")]
    pub dataset: Option<PathBuf>,
    /// 批量模式：并行线程数（默认为全部 CPU 核），并启用批量模式
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// 批量模式下文件多于 20 个时，仍逐份输出完整检查结果
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// 已发布的年度报告文件（HTML、文本、Markdown 或规范 JSON，按内容识别）
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// 输出规范 JSON（一个文件时为一个 JSON 对象；多个文件时为 JSON Lines，每行一份）；
    /// 省略时列出每个单元格的值及其在原文中的位置
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
    /// 输出文件（output file）；省略时写到标准输出（docx、xlsx 不能写到终端）
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// 报告格式（format）：2019 或 2021；省略时按年度选择（2020 年及以前为 2019）
    #[arg(long, value_parser = ["2019", "2021"])]
    format: Option<String>,
    /// 报告年度（year）
    #[arg(long, value_parser = clap::value_parser!(i32).range(2008..=2100))]
    year: i32,
    /// 机关名称（agency），如“某某县人民政府”
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 输出文件；省略时写到标准输出
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// 较早的报告（规范 JSON 或已发布的报告）
    a: PathBuf,
    /// 较晚的报告（规范 JSON 或已发布的报告）
    b: PathBuf,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: ReportCommand) -> Result<Status> {
    match cmd {
        ReportCommand::Check(args) => {
            if crate::batch::is_batch(&args) {
                crate::batch::run(&args)
            } else {
                check(args)
            }
        }
        ReportCommand::Parse(args) => parse(args),
        ReportCommand::Render(args) => render(args),
        ReportCommand::New(args) => new(args),
        ReportCommand::Diff(args) => diff(args),
        ReportCommand::Generate(args) => generate(args),
        ReportCommand::Explain(args) => explain(args),
        ReportCommand::Schema => {
            let text = serde_json::to_string_pretty(&schema::report_schema())?;
            println!("{text}");
            Ok(Status::Ok)
        }
    }
}

/// One input of `check`: the report read with all its findings, or why it could not be read.
struct Checked {
    file: String,
    outcome: Result<(Input, Vec<Finding>), ReadError>,
}

fn check(args: CheckArgs) -> Result<Status> {
    let mut checked: Vec<Checked> = args
        .files
        .iter()
        .map(|path| Checked {
            file: path.display().to_string(),
            outcome: files::read_input(path).map(|input| {
                let f = rules::check(&input.parsed.report);
                (input, f)
            }),
        })
        .collect();
    // The cross-year rules over every readable report given.
    let readable: Vec<usize> = (0..checked.len())
        .filter(|&i| checked[i].outcome.is_ok())
        .collect();
    let reports: Vec<&Report> = readable
        .iter()
        .filter_map(|&i| {
            checked[i]
                .outcome
                .as_ref()
                .ok()
                .map(|(r, _)| &r.parsed.report)
        })
        .collect();
    let series = rules::check_series(&reports);
    // A report can be checked across years only when last year's report of its agency is given.
    let has_prev: Vec<bool> = reports
        .iter()
        .map(|r| {
            reports
                .iter()
                .any(|p| p.agency == r.agency && p.year == r.year - 1)
        })
        .collect();
    for (i, finding) in series {
        if let Ok((_, findings)) = &mut checked[readable[i]].outcome {
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
            let cross_year = readable
                .iter()
                .position(|&k| k == i)
                .is_some_and(|k| has_prev[k]);
            match &c.outcome {
                Ok((input, findings)) => write_check_text(
                    &mut out,
                    &c.file,
                    input,
                    findings,
                    if cross_year {
                        CrossYear::Checked
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
            eprintln!("gongkai: 无法读取（unreadable）{e}");
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
        Ok((input, findings)) => report_json(&c.file, input, findings),
        Err(e) => json!({ "file": c.file, "error": e.message }),
    }
}

/// The JSON of one checked report: metadata, how it was read, and the findings with where each
/// of their cells was found in the input.
pub(crate) fn report_json(file: &str, input: &Input, findings: &[Finding]) -> serde_json::Value {
    let r = &input.parsed.report;
    json!({
        "file": file,
        "agency": r.agency,
        "year": r.year,
        "format": r.format.as_str(),
        "kind": input.parsed.kind.name(),
        "completeness": completeness_json(input.completeness()),
        "errors": findings.iter().filter(|f| f.severity == Severity::Error).count(),
        "warnings": findings.iter().filter(|f| f.severity == Severity::Warning).count(),
        "findings": findings.iter().map(|f| finding_json(f, &input.parsed.provenance)).collect::<Vec<_>>(),
        "reader_warnings": input.parsed.warnings,
    })
}

pub(crate) fn completeness_json(c: Completeness) -> serde_json::Value {
    json!({ "found": c.found, "total": c.total, "ratio": (c.ratio() * 1000.0).round() / 1000.0 })
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
pub(crate) fn cell_with_source(key: CellKey, provenance: &BTreeMap<CellKey, Source>) -> String {
    match provenance.get(&key) {
        Some(s) => format!("{key}（{s}）"),
        None => key.to_string(),
    }
}

/// Whether the cross-year rules could be applied to a report, for the text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CrossYear {
    /// Last year's report of the agency was given.
    Checked,
    /// It was not.
    NoPredecessor,
    /// Applied after every file is read (batch mode): shown at the end.
    Later,
}

/// Full text of one checked report: header, how it was read, every rule with its findings and
/// the cells of each finding with where they are in the input.
pub(crate) fn write_check_text(
    out: &mut impl Write,
    file: &str,
    input: &Input,
    findings: &[Finding],
    cross_year: CrossYear,
) -> Result<()> {
    let report = &input.parsed.report;
    let provenance = &input.parsed.provenance;
    writeln!(
        out,
        "{file}：{} {} 年度报告（{} 格式）",
        report.agency, report.year, report.format
    )?;
    if input.parsed.kind != InputKind::CanonicalJson {
        let c = input.completeness();
        writeln!(
            out,
            "  读取：{}，找到 {}/{} 个单元格（{:.0}%）",
            input.parsed.kind.name(),
            c.found,
            c.total,
            c.ratio() * 100.0
        )?;
        for w in &input.parsed.warnings {
            writeln!(out, "  ? 读取提示：{w}")?;
        }
    }
    for rule in Rule::ALL {
        let hits: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
        if hits.is_empty() {
            let note = match (rule.is_cross_year(), cross_year) {
                (false, _) | (true, CrossYear::Checked) => None,
                (true, CrossYear::NoPredecessor) => Some("（未检查：需要同一机关上一年度的报告）"),
                (true, CrossYear::Later) => Some("（跨年度规则在全部文件读完后检查，见文末）"),
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
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
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

/// `report parse`: published reports into canonical JSON, or a listing of every cell with
/// where it was found.
fn parse(args: ParseArgs) -> Result<Status> {
    let mut status = Status::Ok;
    let mut out = std::io::stdout().lock();
    let several = args.files.len() > 1;
    for path in &args.files {
        let input = match files::read_input(path) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("gongkai: 无法读取（unreadable）{e}");
                status = Status::Trouble;
                continue;
            }
        };
        let parsed = &input.parsed;
        for w in &parsed.warnings {
            eprintln!("gongkai: {}：读取提示：{w}", path.display());
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
        let r = &parsed.report;
        let c = input.completeness();
        writeln!(
            out,
            "{}：{} {} 年度报告（{} 格式），读自 {}，找到 {}/{} 个单元格",
            path.display(),
            r.agency,
            r.year,
            r.format,
            parsed.kind.name(),
            c.found,
            c.total
        )?;
        for (key, value) in r.cells() {
            let value = value.map_or_else(|| "空".to_owned(), |v| v.to_string());
            let source = parsed
                .provenance
                .get(&key)
                .map_or_else(|| "（未找到）".to_owned(), |s| s.to_string());
            writeln!(
                out,
                "  {:<48} {value:>14}  {source:<20} {}",
                key.to_string(),
                template::cell_name(r.format, key)
            )?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(status)
}

fn render(args: RenderArgs) -> Result<Status> {
    let target: Target = args.to.parse().map_err(anyhow::Error::msg)?;
    let report = files::read_report(&args.file)?;
    let findings = rules::check(&report);
    let bytes = gongkai_render::render(&report, &findings, target)?;
    emit(args.output, &bytes, target.is_binary())
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
    emit(
        args.output,
        json::to_string(&report, None).as_bytes(),
        false,
    )
}

/// Writes a document to a file (atomically) or to standard output.
fn emit(output: Option<PathBuf>, bytes: &[u8], binary: bool) -> Result<Status> {
    match output {
        Some(path) => files::write_atomic(&path, bytes)?,
        None => {
            if binary && std::io::stdout().is_terminal() {
                bail!("二进制文档不能输出到终端：请用 -o 指定输出文件（use -o FILE）");
            }
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
        }
    }
    Ok(Status::Ok)
}

fn diff(args: DiffArgs) -> Result<Status> {
    let input_a = files::read_input(&args.a)?;
    let input_b = files::read_input(&args.b)?;
    let (a, b) = (&input_a.parsed.report, &input_b.parsed.report);
    let (pa, pb) = (&input_a.parsed.provenance, &input_b.parsed.provenance);
    let mut keys = a.cell_keys();
    for k in b.cell_keys() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.sort();
    let show = |r: &Report, k| match r.get(k) {
        Some(v) => v.to_string(),
        None if template::allows(r.format, k) => "空".to_owned(),
        None => "（无此项）".to_owned(),
    };
    let changed: Vec<_> = keys.into_iter().filter(|&k| a.get(k) != b.get(k)).collect();
    let sections: Vec<_> = gongkai_report::Section::ALL
        .iter()
        .copied()
        .filter(|&s| a.section(s).trim() != b.section(s).trim())
        .collect();
    let series = rules::check_series(&[a, b]);
    let cross: Vec<&Finding> = series.iter().map(|(_, f)| f).collect();
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
            "a": { "file": args.a.display().to_string(), "agency": a.agency, "year": a.year, "format": a.format.as_str(), "kind": input_a.parsed.kind.name() },
            "b": { "file": args.b.display().to_string(), "agency": b.agency, "year": b.year, "format": b.format.as_str(), "kind": input_b.parsed.kind.name() },
            "cells": cells,
            "sections": sections.iter().map(|s| s.key()).collect::<Vec<_>>(),
            "findings": cross.iter().map(|f| finding_json(f, pb)).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        writeln!(
            out,
            "A：{}（{} {} 年，{} 格式）",
            args.a.display(),
            a.agency,
            a.year,
            a.format
        )?;
        writeln!(
            out,
            "B：{}（{} {} 年，{} 格式）",
            args.b.display(),
            b.agency,
            b.year,
            b.format
        )?;
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
        if a.agency != b.agency || b.year != a.year + 1 {
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

fn generate(args: GenerateArgs) -> Result<Status> {
    let target: Target = args.to.parse().map_err(anyhow::Error::msg)?;
    let report = crate::db::runtime()?.block_on(async {
        crate::db::with_store!(args.db, |store| {
            gongkai_services::generate_report(&store, &args.agency, args.year, args.consolidated)
                .await
                .map_err(anyhow::Error::from)
        })
    })?;
    let findings = rules::check(&report);
    let bytes = gongkai_render::render(&report, &findings, target)?;
    emit(args.output, &bytes, target.is_binary())
}

fn explain(args: ExplainArgs) -> Result<Status> {
    let cell: gongkai_report::CellKey = args.cell.parse()?;
    let counted = crate::db::runtime()?.block_on(async {
        crate::db::with_store!(args.db, |store| {
            gongkai_services::explain(&store, &args.agency, args.year, cell, args.consolidated)
                .await
                .map_err(anyhow::Error::from)
        })
    })?;
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
            serde_json::to_string_pretty(
                &json!({ "cell": cell, "count": counted.len(), "records": items })
            )?
        )?;
    } else {
        let name = template::cell_name(Format::for_year(args.year), cell);
        writeln!(
            out,
            "{} {} 年 {name}（{cell}）：{} 件",
            args.agency,
            args.year,
            counted.len()
        )?;
        for c in &counted {
            let closed = c.closed.map_or_else(|| "—".to_owned(), |d| d.to_string());
            writeln!(
                out,
                "  {}  {}  收到 {}  办结 {}  {}  {}",
                c.agency, c.reference, c.received, closed, c.outcome, c.applicant
            )?;
        }
    }
    Ok(Status::Ok)
}
