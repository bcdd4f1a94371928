//! `gongkai config show`: the configuration in effect, secrets hidden.

use crate::Status;
use crate::context::{Env, Global};
use anyhow::Result;
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// 显示生效的配置（show）：默认值、gongkai.toml、环境变量和 --db 的结果，密码显示为 ***
    Show,
}

pub fn run(g: &Global, cmd: ConfigCommand) -> Result<Status> {
    let ConfigCommand::Show = cmd;
    let env = Env::load(g)?;
    let mut out = std::io::stdout().lock();
    write!(out, "{}", env.config.to_redacted_toml())?;
    writeln!(out, "# 操作人（--as，默认为操作系统用户）：{}", env.actor)?;
    Ok(Status::Ok)
}
