//! `gongkai import …` and `gongkai export …`: the ledger (台账) in and out.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::files::{self, io_text};
use crate::values;
use anyhow::{Result, anyhow};
use clap::Subcommand;
use gongkai_services::ledger::{LedgerFile, LedgerSource};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// 导入依申请公开台账（ledger）：XLSX 或 CSV
    ///
    /// 任何一行有误则全部不导入；重复导入不会重复登记；文件中与已登记记录不同的值逐一列出且不导入
    /// （退出码 1），确认后加 --apply-changes 在同一事务中更正。
    Ledger {
        /// 台账文件（.xlsx 或 .csv）
        file: PathBuf,
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 复议诉讼案件 CSV（remedies），当台账是 CSV 时用
        #[arg(long, value_name = "FILE")]
        remedies: Option<PathBuf>,
        /// 应用文件中与已登记记录不同的值（每项更正记入审计日志）
        #[arg(long)]
        apply_changes: bool,
    },
    /// 生成台账模板（template）：带下拉选项的 XLSX
    Template {
        /// 输出文件，默认 台账模板.xlsx；- 为标准输出
        #[arg(short, long, value_name = "OUT", default_value = "台账模板.xlsx")]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// 导出台账（ledger）：按导入模板的格式写出一个机关的申请和复议诉讼案件，再次导入不改变任何记录
    Ledger {
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 只导出该年收到的申请和案件
        #[arg(long, value_parser = values::year)]
        year: Option<i32>,
        /// 输出文件（.xlsx）；- 为标准输出
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
    },
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| anyhow!("无法读取 {}：{}", path.display(), io_text(&e)))
}

/// A counter of the rows read, on a terminal only (a pipe or a log gets the result alone).
fn rows_bar() -> ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} 已读取 {pos} 行 {per_sec} {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}

pub fn import(g: &Global, cmd: ImportCommand) -> Result<Status> {
    match cmd {
        ImportCommand::Template { output } => {
            let bytes = gongkai_ledger::template().map_err(|e| anyhow!("无法生成模板：{e}"))?;
            files::emit(Some(&output), &bytes, true)?;
            if !files::is_stdout(&output) {
                writeln!(
                    std::io::stdout().lock(),
                    "已生成台账模板：{}",
                    output.display()
                )?;
            }
            Ok(Status::Ok)
        }
        ImportCommand::Ledger {
            file,
            agency,
            remedies,
            apply_changes,
        } => {
            let env = Env::load(g)?;
            // Read as a stream: a ledger of a million rows is never held in memory.
            let source = std::fs::File::open(&file)
                .and_then(|f| {
                    if f.metadata()?.is_dir() {
                        Err(std::io::ErrorKind::IsADirectory.into())
                    } else {
                        Ok(f)
                    }
                })
                .map_err(|e| anyhow!("无法读取 {}：{}", file.display(), io_text(&e)))?;
            let remedies = remedies.as_deref().map(read).transpose()?;
            let name = file.display().to_string();
            let bar = rows_bar();
            let progress = |rows: u64| bar.set_position(rows);
            runtime()?.block_on(async {
                with_ctx!(env, Access::Write, |ctx| {
                    let done = ctx
                        .import_ledger(
                            &agency,
                            LedgerFile {
                                name: &name,
                                source: LedgerSource::File(source),
                                remedies: remedies.as_deref(),
                                progress: Some(&progress),
                            },
                            apply_changes,
                        )
                        .await;
                    bar.finish_and_clear();
                    let done =
                        done.map_err(|e| anyhow::Error::from(e).context(format!("{name} 未导入")))?;
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{name}：{}", done.describe())?;
                    for d in &done.applied {
                        writeln!(
                            out,
                            "  已更正 {} {}“{}”：{} → {}",
                            d.record, d.reference, d.change.field, d.change.old, d.change.new
                        )?;
                    }
                    Ok(Status::Ok)
                })
            })
        }
    }
}

pub fn export(g: &Global, cmd: ExportCommand) -> Result<Status> {
    let ExportCommand::Ledger {
        agency,
        year,
        output,
    } = cmd;
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| {
            let bytes = ctx.export_ledger(&agency, year).await?;
            files::emit(Some(&output), &bytes, true)?;
            if !files::is_stdout(&output) {
                writeln!(std::io::stdout().lock(), "已导出台账：{}", output.display())?;
            }
            Ok(Status::Ok)
        })
    })
}
