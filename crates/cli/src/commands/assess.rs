//! `gongkai assess --year Y --scheme FILE [--agency GOV] [-o out.xlsx|out.docx]`: the
//! assessment (考核, 第四十六条) of every unit the caller sees under a scoring scheme, as a
//! table on standard output or a workbook / document chosen by the output's extension — the
//! same use case as the back office's `/office/assessment`.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::files;
use crate::values;
use anyhow::{Result, anyhow, bail};
use clap::Args;
use gongkai_services::assessment;
use std::io::Write;
use std::path::PathBuf;

/// `assess`.
#[derive(Debug, Args)]
pub struct AssessArgs {
    /// 考核年度
    #[arg(long, value_parser = values::year)]
    pub year: i32,
    /// 考核方案（TOML，格式见 docs/assessment.sample.toml）
    #[arg(long, value_name = "FILE")]
    pub scheme: PathBuf,
    /// 只考核该机关及其下级机关
    #[arg(long, value_name = "NAME")]
    pub agency: Option<String>,
    /// 输出文件：.xlsx 或 .docx；省略时在终端列出
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(g: &Global, args: AssessArgs) -> Result<Status> {
    let text = std::fs::read_to_string(&args.scheme).map_err(|e| {
        anyhow!(
            "无法读取考核方案 {}：{}",
            args.scheme.display(),
            files::io_text(&e)
        )
    })?;
    let scheme = gongkai_assess::Scheme::parse(&text)
        .map_err(|e| anyhow!("{}：{e}", args.scheme.display()))?;
    let kind = args
        .output
        .as_ref()
        .filter(|p| !files::is_stdout(p))
        .map(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .unwrap_or_default()
        });
    if let Some(k) = kind.as_deref().filter(|k| !matches!(*k, "xlsx" | "docx")) {
        bail!("输出文件须为 .xlsx 或 .docx，而不是“{k}”");
    }
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| {
            let result = ctx
                .assess(args.year, &scheme, args.agency.as_deref())
                .await?;
            let table = assessment::listing(&result);
            match (kind.as_deref(), args.output.as_deref()) {
                (Some("xlsx"), Some(path)) => {
                    files::write_atomic(path, &gongkai_render::listing::xlsx(&table)?)?;
                }
                (Some(_), Some(path)) => {
                    files::write_atomic(path, &gongkai_render::listing::docx(&table)?)?;
                }
                _ => {
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{}", table.title)?;
                    writeln!(out, "{}", table.headers.join("\t"))?;
                    for row in &table.rows {
                        let cells: Vec<String> = row.iter().map(|v| v.text()).collect();
                        writeln!(out, "{}", cells.join("\t"))?;
                    }
                }
            }
            Ok(Status::Ok)
        })
    })
}
