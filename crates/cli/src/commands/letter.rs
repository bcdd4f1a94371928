//! `gongkai letter REF --agency A [--kind KIND] -o FILE.docx`: the letter of a request
//! (答复告知书, 补正通知书, 延期答复告知书, …) as a Word document; `gongkai letter template …`:
//! the agency's templates of the letters.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::files::{emit, io_text};
use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use gongkai_services::letters::parse_kind;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LetterArgs {
    #[command(subcommand)]
    template: Option<LetterCommand>,
    /// 受理编号
    reference: Option<String>,
    /// 机关名称
    #[arg(long)]
    agency: Option<String>,
    /// 文书种类（receipt、correction、extension、consultation、fee、reply-…，见 letter template
    /// list）；不写时按申请所处的状态选择
    #[arg(long)]
    kind: Option<String>,
    /// 输出的 Word 文件（.docx）
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum LetterCommand {
    /// 文书模板（template）：列出、显示、替换、恢复默认
    #[command(subcommand)]
    Template(TemplateCommand),
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// 列出各种文书及机关是否使用自己的模板（list）
    List {
        /// 机关名称
        #[arg(long)]
        agency: String,
    },
    /// 显示机关使用的某种文书的模板（show）
    Show {
        /// 文书种类
        kind: String,
        /// 机关名称
        #[arg(long)]
        agency: String,
    },
    /// 用文件替换机关某种文书的模板，先检查模板（set）
    Set {
        /// 文书种类
        kind: String,
        /// 机关名称
        #[arg(long)]
        agency: String,
        /// 模板文件（minijinja 文本，UTF-8）
        #[arg(long)]
        file: PathBuf,
    },
    /// 恢复某种文书的默认模板（reset）
    Reset {
        /// 文书种类
        kind: String,
        /// 机关名称
        #[arg(long)]
        agency: String,
    },
}

pub fn run(g: &Global, args: LetterArgs) -> Result<Status> {
    let env = Env::load(g)?;
    if let Some(LetterCommand::Template(cmd)) = args.template {
        return template(&env, cmd);
    }
    let reference = args
        .reference
        .ok_or_else(|| anyhow!("请给出申请的受理编号"))?;
    let agency = args
        .agency
        .ok_or_else(|| anyhow!("请用 --agency 给出机关名称"))?;
    let kind = args.kind.as_deref().map(parse_kind).transpose()?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| {
            let letter = ctx.render_letter(&agency, &reference, kind).await?;
            emit(args.output.as_deref(), &letter.bytes, true)?;
            if let Some(path) = args.output.as_deref() {
                writeln!(
                    std::io::stderr().lock(),
                    "已生成{}：{}",
                    letter.kind.label(),
                    path.display()
                )?;
            }
            Ok(Status::Ok)
        })
    })
}

fn template(env: &Env, cmd: TemplateCommand) -> Result<Status> {
    runtime()?.block_on(async {
        match cmd {
            TemplateCommand::List { agency } => with_ctx!(env, Access::Read, |ctx| {
                let mut out = std::io::stdout().lock();
                for t in ctx.letter_templates(&agency).await? {
                    let source = if t.custom {
                        "本机关模板"
                    } else {
                        "默认模板"
                    };
                    writeln!(out, "{:<24} {source}  {}", t.kind.key(), t.kind.label())?;
                }
                Ok(Status::Ok)
            }),
            TemplateCommand::Show { kind, agency } => {
                let kind = parse_kind(&kind)?;
                with_ctx!(env, Access::Read, |ctx| {
                    let t = ctx.letter_template(&agency, kind).await?;
                    write!(std::io::stdout().lock(), "{}", t.body)?;
                    Ok(Status::Ok)
                })
            }
            TemplateCommand::Set { kind, agency, file } => {
                let kind = parse_kind(&kind)?;
                let body = std::fs::read_to_string(&file)
                    .map_err(|e| anyhow!("无法读取 {}：{}", file.display(), io_text(&e)))?;
                with_ctx!(env, Access::Write, |ctx| {
                    ctx.set_letter_template(&agency, kind, &body).await?;
                    writeln!(
                        std::io::stdout().lock(),
                        "已替换{agency}的模板：{}",
                        kind.label()
                    )?;
                    Ok(Status::Ok)
                })
            }
            TemplateCommand::Reset { kind, agency } => {
                let kind = parse_kind(&kind)?;
                with_ctx!(env, Access::Write, |ctx| {
                    let text = if ctx.reset_letter_template(&agency, kind).await? {
                        "已恢复默认模板"
                    } else {
                        "本来就在使用默认模板"
                    };
                    writeln!(std::io::stdout().lock(), "{text}：{}", kind.label())?;
                    Ok(Status::Ok)
                })
            }
        }
    })
}
