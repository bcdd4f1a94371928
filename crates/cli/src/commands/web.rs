//! `gongkai serve`, `gongkai user …` and `gongkai token …`: the web platform and its accounts.

use crate::Status;
use crate::commands::catalogue::{attachment_place, open_index};
use crate::context::{Access, Backend, Env, Global, runtime, with_ctx};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use gongkai_services::Role;
use std::io::{IsTerminal, Read, Write};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址和端口（addr），默认取配置 server.addr（127.0.0.1:8080）
    #[arg(long, value_name = "ADDR")]
    addr: Option<String>,
}

/// `gongkai serve`: the back office and the API until SIGTERM or Ctrl-C.
pub fn serve(g: &Global, args: ServeArgs) -> Result<Status> {
    let env = Env::load(g)?;
    env.prepare()?;
    let server = env.config.server.clone();
    gongkai_web::security::init_logging(server.log_format == gongkai_config::LogFormat::Json);
    let addr = args.addr.unwrap_or_else(|| server.addr.clone());
    let mut options = gongkai_web::Options::new(env.settings.clone(), &server);
    options.rate_limit_per_minute = env.config.portal.rate_limit_per_minute;
    options.show_findings = env.config.portal.show_findings;
    options.count_views = env.config.portal.count_views;
    options.views_flush =
        std::time::Duration::from_secs(u64::from(env.config.portal.views_flush_seconds.max(1)));
    options.catalogue_attachment_max = u64::from(env.config.catalogue.attachment_max_mb) << 20;
    options.notify = env.config.notify.worker.then(|| gongkai_web::NotifyWorker {
        transports: super::notify::transports(&env.config),
        every: std::time::Duration::from_secs(u64::from(env.config.notify.poll_seconds)),
    });
    let url = env.url();
    let shown = env.shown_url();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时")?;
    runtime.block_on(async {
        let listener = gongkai_web::server::bind(&addr).await?;
        let local = listener
            .local_addr()
            .map_or(addr.clone(), |a| a.to_string());
        tracing::info!(addr = %local, database = %shown, "gongkai serve: listening");
        eprintln!(
            "gongkai：正在 http://{local}/office 提供服务（公众门户 http://{local}/，数据库 {shown}），Ctrl-C 停止"
        );
        let stop = gongkai_web::server::stop_signal();
        let backend = Backend::of(&url, &shown)?;
        // The catalogue's index and attachments, opened as the catalogue commands open them.
        let search = open_index(&env, matches!(backend, Backend::Postgres)).await?;
        let attachments = attachment_place(&env)?;
        match backend {
            Backend::Sqlite => {
                let store = gongkai_store_sqlite::SqliteStore::open(&url)
                    .await
                    .map_err(|e| anyhow::anyhow!("无法打开数据库 {shown}：{e}"))?;
                gongkai_web::server::serve(
                    listener,
                    store.clone(),
                    search,
                    attachments,
                    options,
                    stop,
                )
                .await?;
                store.close().await;
            }
            Backend::Postgres => {
                let store = gongkai_store_postgres::PgStore::connect(&url)
                    .await
                    .map_err(|e| anyhow::anyhow!("无法连接数据库 {shown}：{e}"))?;
                gongkai_web::server::serve(
                    listener,
                    store.clone(),
                    search,
                    attachments,
                    options,
                    stop,
                )
                .await?;
                store.close().await;
            }
        }
        eprintln!("gongkai：已停止");
        Ok(Status::Ok)
    })
}

fn role(s: &str) -> std::result::Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        format!("不认识的角色“{s}”：应为 officer（办理人员）、approver（负责人）、supervisor（政务公开办）或 admin（管理员）")
    })
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 创建用户（add）：初始角色授予在一个机关上，对其下级机关同样有效；密码从标准输入读取
    Add {
        /// 用户名
        name: String,
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 角色（role）：officer、approver、supervisor 或 admin
        #[arg(long, value_name = "ROLE", value_parser = role)]
        role: Role,
        /// 从标准输入读取密码（第一行），不在命令行上出现
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// 授予角色（grant）：一个用户可有多个角色
    Grant {
        name: String,
        #[arg(long, value_name = "NAME")]
        agency: String,
        #[arg(long, value_name = "ROLE", value_parser = role)]
        role: Role,
    },
    /// 撤销角色（revoke）
    Revoke {
        name: String,
        #[arg(long, value_name = "NAME")]
        agency: String,
        #[arg(long, value_name = "ROLE", value_parser = role)]
        role: Role,
    },
    /// 停用用户（disable）：不能再登录，登录会话和访问令牌随即失效
    Disable { name: String },
    /// 重新启用用户（enable）
    Enable { name: String },
    /// 重置密码（password）：密码从标准输入读取，该用户的全部登录会话结束
    Password {
        name: String,
        /// 从标准输入读取新密码（第一行）
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// 设置电子邮箱（email）：每日提醒（gongkai remind --send）发往此地址；省略地址则清除
    Email {
        name: String,
        /// 电子邮箱地址（address）
        address: Option<String>,
    },
    /// 列出用户（list）及其角色
    List {
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
    },
}

/// The first line of standard input: a password, never echoed, never an argument (an argument
/// is visible to every user of the machine in the process list).
fn password_from_stdin() -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("密码：");
        let _ = std::io::stderr().flush();
    }
    let mut text = String::new();
    stdin
        .lock()
        .take(64 * 1024)
        .read_to_string(&mut text)
        .context("无法从标准输入读取密码")?;
    let line = text.lines().next().unwrap_or("").to_owned();
    if line.is_empty() {
        bail!("标准输入中没有密码");
    }
    Ok(line)
}

pub fn user(g: &Global, cmd: UserCommand) -> Result<Status> {
    let password = match &cmd {
        UserCommand::Add { .. } | UserCommand::Password { .. } => Some(password_from_stdin()?),
        _ => None,
    };
    let env = Env::load(g)?;
    let access = match cmd {
        UserCommand::List { .. } => Access::Read,
        _ => Access::Write,
    };
    runtime()?.block_on(async {
        with_ctx!(env, access, |ctx| {
            let mut out = std::io::stdout().lock();
            let password = password.unwrap_or_default();
            match cmd {
                UserCommand::Add {
                    name, agency, role, ..
                } => {
                    let u = ctx.add_user(&name, &password, &agency, role).await?;
                    writeln!(out, "已创建用户 {}：{} 在“{agency}”", u.name, role.label())?;
                }
                UserCommand::Grant { name, agency, role } => {
                    ctx.grant_role(&name, &agency, role).await?;
                    writeln!(out, "已授予 {name} 在“{agency}”的{}角色", role.label())?;
                }
                UserCommand::Revoke { name, agency, role } => {
                    ctx.revoke_role(&name, &agency, role).await?;
                    writeln!(out, "已撤销 {name} 在“{agency}”的{}角色", role.label())?;
                }
                UserCommand::Disable { name } => {
                    ctx.set_user_disabled(&name, true).await?;
                    writeln!(out, "已停用用户 {name}，其登录会话和访问令牌已失效")?;
                }
                UserCommand::Enable { name } => {
                    ctx.set_user_disabled(&name, false).await?;
                    writeln!(out, "已启用用户 {name}")?;
                }
                UserCommand::Password { name, .. } => {
                    ctx.reset_password(&name, &password).await?;
                    writeln!(out, "已重置 {name} 的密码，其登录会话已结束")?;
                }
                UserCommand::Email { name, address } => {
                    let u = ctx
                        .set_user_email(&name, address.as_deref().unwrap_or(""))
                        .await?;
                    match u.email {
                        Some(e) => writeln!(out, "已设置 {name} 的电子邮箱：{e}")?,
                        None => writeln!(out, "已清除 {name} 的电子邮箱")?,
                    }
                }
                UserCommand::List { json } => {
                    let users = ctx.list_users().await?;
                    let tree = ctx.agency_tree().await?;
                    let name_of = |id: gongkai_cases::AgencyId| {
                        tree.iter()
                            .find(|r| r.agency.id == id)
                            .map_or_else(|| format!("机关 {}", id.0), |r| r.agency.name.clone())
                    };
                    if json {
                        let v: Vec<serde_json::Value> = users
                            .iter()
                            .map(|u| {
                                serde_json::json!({
                                    "name": u.name,
                                    "disabled": u.disabled,
                                    "created": u.created.to_rfc3339(),
                                    "email": u.email,
                                    "roles": u.roles.iter().map(|(a, r)| serde_json::json!({
                                        "agency": name_of(*a), "role": r.as_str(),
                                    })).collect::<Vec<_>>(),
                                })
                            })
                            .collect();
                        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                    } else if users.is_empty() {
                        writeln!(out, "尚无用户。用 gongkai user add 名称 --agency 机关 --role officer --password-stdin 创建。")?;
                    } else {
                        for u in &users {
                            let roles: Vec<String> = u
                                .roles
                                .iter()
                                .map(|(a, r)| format!("{}（{}）", name_of(*a), r.label()))
                                .collect();
                            let state = if u.disabled { "  [已停用]" } else { "" };
                            writeln!(out, "{}{state}  {}", u.name, roles.join("、"))?;
                        }
                    }
                }
            }
            Ok(Status::Ok)
        })
    })
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// 生成访问令牌（create）：只在标准输出打印一次，数据库只保存其 SHA-256
    Create {
        /// 用户名（user）
        #[arg(long, value_name = "NAME")]
        user: String,
        /// 有效天数（expires），省略则在撤销前一直有效
        #[arg(long, value_name = "DAYS")]
        expires: Option<u32>,
    },
    /// 撤销访问令牌（revoke）：以 token list 显示的前缀指明
    Revoke {
        #[arg(long, value_name = "NAME")]
        user: String,
        /// 令牌前缀（至少 4 个字符）
        prefix: String,
    },
    /// 列出用户的访问令牌（list）
    List {
        #[arg(long, value_name = "NAME")]
        user: String,
    },
}

pub fn token(g: &Global, cmd: TokenCommand) -> Result<Status> {
    let env = Env::load(g)?;
    let access = match cmd {
        TokenCommand::List { .. } => Access::Read,
        _ => Access::Write,
    };
    runtime()?.block_on(async {
        with_ctx!(env, access, |ctx| {
            let mut out = std::io::stdout().lock();
            match cmd {
                TokenCommand::Create { user, expires } => {
                    let (secret, token) =
                        ctx.create_token(&user, expires, chrono::Utc::now()).await?;
                    // The token alone on standard output, for a script to capture.
                    writeln!(out, "{secret}")?;
                    let until = token.expires.map_or_else(
                        || "撤销前一直有效".to_owned(),
                        |e| format!("有效至 {}", e.to_rfc3339()),
                    );
                    eprintln!(
                        "gongkai：已为 {user} 生成访问令牌（前缀 {}，{until}）；令牌只显示这一次",
                        token.prefix
                    );
                }
                TokenCommand::Revoke { user, prefix } => {
                    let token = ctx.revoke_token(&user, &prefix).await?;
                    writeln!(out, "已撤销 {user} 的访问令牌 {}", token.prefix)?;
                }
                TokenCommand::List { user } => {
                    let tokens = ctx.tokens(&user).await?;
                    if tokens.is_empty() {
                        writeln!(out, "{user} 没有访问令牌")?;
                    }
                    for t in tokens {
                        let until = t.expires.map_or_else(
                            || "长期有效".to_owned(),
                            |e| format!("有效至 {}", e.to_rfc3339()),
                        );
                        writeln!(
                            out,
                            "{}  生成于 {}  {until}",
                            t.prefix,
                            t.created.to_rfc3339()
                        )?;
                    }
                }
            }
            Ok(Status::Ok)
        })
    })
}
