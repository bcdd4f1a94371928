//! `gongkai report …`: check, render, create and compare annual reports.

use crate::Status;
use crate::files::{self, ReadError};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use gongkai_render::Target;
use gongkai_report::rules::{self, Finding, Rule, Severity};
use gongkai_report::{Format, Report, json, schema, template};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 检查年度报告（check）：勾稽关系与合理性规则 R1–R10；有“错误”级问题时退出码为 1，
    /// 无法读取输入时为 2
    Check(CheckArgs),
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
    /// 年度报告文件（canonical JSON）；给出同一机关多个年度时，同时检查跨年度规则 R5、R6
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// 以 JSON 输出检查结果（machine-readable）
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// 年度报告文件（canonical JSON）
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
    /// 较早的报告（canonical JSON）
    a: PathBuf,
    /// 较晚的报告（canonical JSON）
    b: PathBuf,
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: ReportCommand) -> Result<Status> {
    match cmd {
        ReportCommand::Check(args) => check(args),
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

/// One input of `check`: the report with all its findings, or why it could not be read.
struct Checked {
    file: String,
    outcome: Result<(Report, Vec<Finding>), ReadError>,
}

fn check(args: CheckArgs) -> Result<Status> {
    let mut checked: Vec<Checked> = args
        .files
        .iter()
        .map(|path| Checked {
            file: path.display().to_string(),
            outcome: files::read_report(path).map(|r| {
                let f = rules::check(&r);
                (r, f)
            }),
        })
        .collect();
    // The cross-year rules over every readable report given.
    let readable: Vec<usize> = (0..checked.len())
        .filter(|&i| checked[i].outcome.is_ok())
        .collect();
    let reports: Vec<&Report> = readable
        .iter()
        .filter_map(|&i| checked[i].outcome.as_ref().ok().map(|(r, _)| r))
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
            Ok((_, f)) if f.iter().any(|f| f.severity == Severity::Error) => Status::Findings,
            Ok(_) => Status::Ok,
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
            write_check_text(&mut out, c, cross_year)?;
        }
    }
    for c in &checked {
        if let Err(e) = &c.outcome {
            eprintln!("gongkai: 无法读取（unreadable）{e}");
        }
    }
    Ok(status)
}

fn check_json(c: &Checked) -> serde_json::Value {
    match &c.outcome {
        Ok((r, findings)) => json!({
            "file": c.file,
            "agency": r.agency,
            "year": r.year,
            "format": r.format.as_str(),
            "errors": findings.iter().filter(|f| f.severity == Severity::Error).count(),
            "warnings": findings.iter().filter(|f| f.severity == Severity::Warning).count(),
            "findings": findings,
        }),
        Err(e) => json!({ "file": c.file, "error": e.message }),
    }
}

fn write_check_text(out: &mut impl Write, c: &Checked, cross_year: bool) -> Result<()> {
    let (report, findings) = match &c.outcome {
        Ok(x) => x,
        Err(e) => {
            writeln!(out, "{}：无法读取 —— {}\n", c.file, e.message)?;
            return Ok(());
        }
    };
    writeln!(
        out,
        "{}：{} {} 年度报告（{} 格式）",
        c.file, report.agency, report.year, report.format
    )?;
    for rule in Rule::ALL {
        let hits: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
        if hits.is_empty() {
            let mark = if rule.is_cross_year() && !cross_year {
                "－"
            } else {
                "✓"
            };
            let note = if mark == "－" {
                "（未检查：需要同一机关上一年度的报告）"
            } else {
                ""
            };
            writeln!(out, "  {mark} {rule:<3} {}{note}", rule.description())?;
        }
        for f in hits {
            let mark = if f.severity == Severity::Error {
                "✗"
            } else {
                "!"
            };
            writeln!(out, "  {mark} {rule:<3} {}：{}", f.severity, f.message)?;
            if !f.cells.is_empty() {
                let shown: Vec<String> = f.cells.iter().take(8).map(|k| k.to_string()).collect();
                let more = if f.cells.len() > 8 {
                    format!(" 等 {} 个", f.cells.len())
                } else {
                    String::new()
                };
                writeln!(out, "          单元格：{}{more}", shown.join(", "))?;
            }
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
    let a = files::read_report(&args.a)?;
    let b = files::read_report(&args.b)?;
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
    let series = rules::check_series(&[&a, &b]);
    let cross: Vec<&Finding> = series.iter().map(|(_, f)| f).collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        let cells: Vec<_> = changed
            .iter()
            .map(|&k| json!({ "cell": k, "a": a.get(k).map(value_json), "b": b.get(k).map(value_json) }))
            .collect();
        let value = json!({
            "a": { "file": args.a.display().to_string(), "agency": a.agency, "year": a.year, "format": a.format.as_str() },
            "b": { "file": args.b.display().to_string(), "agency": b.agency, "year": b.year, "format": b.format.as_str() },
            "cells": cells,
            "sections": sections.iter().map(|s| s.key()).collect::<Vec<_>>(),
            "findings": cross,
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
            writeln!(
                out,
                "  {k:<48} {} → {}    {}",
                show(&a, k),
                show(&b, k),
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
                writeln!(out, "  ! {} {}：{}", f.rule, f.severity, f.message)?;
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
