//! `gongkai guide …`: an agency's 政府信息公开指南 (第十二条), published from a TOML file and
//! shown as text or JSON.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::files::io_text;
use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use gongkai_cases::guide::{Guide, paragraphs};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum GuideCommand {
    /// 发布机关的政府信息公开指南（set）：TOML 文件，字段见 README
    Set {
        /// 机关名称
        #[arg(long)]
        agency: String,
        /// TOML 文件：office、address、hours、phone、channels、forms 等
        #[arg(long)]
        file: PathBuf,
    },
    /// 显示机关的政府信息公开指南（show）
    Show {
        /// 机关名称
        #[arg(long)]
        agency: String,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(g: &Global, cmd: GuideCommand) -> Result<Status> {
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        match cmd {
            GuideCommand::Set { agency, file } => {
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| anyhow!("无法读取 {}：{}", file.display(), io_text(&e)))?;
                let guide: Guide = toml::from_str(&text)
                    .map_err(|e| anyhow!("{} 不是有效的指南：{e}", file.display()))?;
                with_ctx!(env, Access::Write, |ctx| {
                    match ctx.set_guide(&agency, guide).await? {
                        Ok(_) => {
                            writeln!(std::io::stdout().lock(), "已发布{agency}的政府信息公开指南")?;
                            Ok(Status::Ok)
                        }
                        Err(problems) => {
                            let lines: Vec<String> = problems
                                .iter()
                                .map(|(field, m)| format!("  {field}：{m}"))
                                .collect();
                            bail!("{} 未发布：\n{}", file.display(), lines.join("\n"))
                        }
                    }
                })
            }
            GuideCommand::Show { agency, json } => with_ctx!(env, Access::Read, |ctx| {
                let view = ctx.guide(&agency).await?;
                let mut out = std::io::stdout().lock();
                if json {
                    let value = serde_json::json!({
                        "agency": view.agency.name,
                        "guide": view.guide,
                    });
                    writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
                    return Ok(Status::Ok);
                }
                let Some(guide) = view.guide else {
                    writeln!(out, "{}尚未发布政府信息公开指南", view.agency.name)?;
                    return Ok(Status::Ok);
                };
                writeln!(out, "{}政府信息公开指南", view.agency.name)?;
                for (name, label, _) in Guide::LINES {
                    let value = guide.field(name);
                    if !value.is_empty() {
                        writeln!(out, "{label}：{value}")?;
                    }
                }
                let channels: Vec<&str> = guide.channels.iter().map(|c| c.label()).collect();
                let forms: Vec<&str> = guide.forms.iter().map(|f| f.label()).collect();
                writeln!(out, "受理申请的方式：{}", channels.join("、"))?;
                writeln!(out, "提供信息的形式：{}", forms.join("、"))?;
                for (name, heading) in Guide::SECTIONS {
                    let text = guide.field(name);
                    if !text.is_empty() {
                        writeln!(out, "\n{heading}")?;
                        for p in paragraphs(text) {
                            writeln!(out, "  {p}")?;
                        }
                    }
                }
                Ok(Status::Ok)
            }),
        }
    })
}
