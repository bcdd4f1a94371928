//! `gongkai notify run [--once]`, `gongkai notify list`: the messages to applicants and staff
//! (issue 16 §3). `run` is the worker `gongkai serve` also runs: the daily scan of due-soon and
//! overdue requests, then every message due, by the SMS gateway, SMTP or into the outbox;
//! `list` shows the queue.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use anyhow::{Context, Result};
use clap::Subcommand;
use gongkai_services::notify::send::{SmsGateway, Transports, Worker, step};
use gongkai_services::notify::{
    Channel, NotificationState, NotifyRules, QuietHours, masked_address,
};
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// 发送（run）：每日扫描即将到期、已逾期的申请，发送到期的消息；不加 --once 时持续运行，Ctrl-C 停止
    Run {
        /// 只运行一轮（once）：发送此刻到期的全部消息后退出，适合 cron
        #[arg(long)]
        once: bool,
    },
    /// 列出（list）：消息队列，最新的在前（地址部分隐藏）
    List {
        /// 只列出此状态（state）：queued、sending、sent、failed
        #[arg(long)]
        state: Option<String>,
        /// 最多列出多少条（limit）
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// The use cases' rules of `[notify]`.
///
/// # Errors
/// Quiet hours not written `HH:MM-HH:MM`.
pub fn rules(c: &gongkai_config::NotifyConfig) -> Result<NotifyRules> {
    Ok(NotifyRules {
        quiet: QuietHours::parse(&c.quiet_hours)
            .map_err(|e| anyhow::anyhow!("配置 notify.quiet_hours：{e}"))?,
        sms_max_segments: usize::try_from(c.sms_max_segments).unwrap_or(usize::MAX),
        max_attempts: c.max_attempts,
    })
}

/// Where messages go, by the configuration: the SMS gateway and the `[smtp]` server where
/// configured, the outbox for a channel without.
pub fn transports(config: &gongkai_config::Config) -> Transports {
    let sms = &config.notify.sms;
    Transports {
        sms: sms.url.clone().map(|url| SmsGateway {
            url,
            sign_header: sms.sign_header.clone(),
            sign_key: sms
                .sign_key
                .as_ref()
                .map(|k| k.expose().as_bytes().to_vec()),
            timeout: std::time::Duration::from_secs(u64::from(sms.timeout_seconds)),
        }),
        smtp: super::remind::smtp_settings(config),
        from: config.smtp.from.clone(),
        outbox: config.notify.outbox.clone(),
    }
}

/// How often the worker looks at the scan: each hour (the scan queues each account's
/// messages once a day).
const SCAN_EVERY: chrono::Duration = chrono::Duration::hours(1);

pub fn run(g: &Global, cmd: NotifyCommand) -> Result<Status> {
    let env = Env::load(g)?;
    match cmd {
        NotifyCommand::Run { once } => {
            let worker = Worker::new(transports(&env.config), env.settings.notify.clone())?;
            let every = std::time::Duration::from_secs(u64::from(env.config.notify.poll_seconds));
            runtime()?.block_on(async {
                with_ctx!(env, Access::Write, |_ctx, store| {
                    let mut last_scan: Option<chrono::DateTime<chrono::Utc>> = None;
                    loop {
                        let now = chrono::Utc::now();
                        let scan = last_scan.is_none_or(|t| now - t >= SCAN_EVERY);
                        let (scanned, round) =
                            step(&worker, &store, &env.settings, scan, now).await?;
                        if scan {
                            last_scan = Some(now);
                        }
                        if once || round.claimed > 0 || scanned > 0 {
                            println!(
                                "新加入 {scanned} 条到期提醒；发送 {} 条：成功 {}，稍后重试 {}，失败 {}",
                                round.claimed, round.sent, round.retried, round.failed
                            );
                        }
                        if once {
                            break;
                        }
                        tokio::select! {
                            () = tokio::time::sleep(every) => {}
                            r = tokio::signal::ctrl_c() => {
                                r.context("无法监听 Ctrl-C")?;
                                break;
                            }
                        }
                    }
                    Ok(Status::Ok)
                })
            })
        }
        NotifyCommand::List { state, limit } => {
            let state = match state.as_deref() {
                None => None,
                Some(s) => Some(NotificationState::parse(s.trim()).ok_or_else(|| {
                    anyhow::anyhow!("不认识的状态“{s}”：应为 queued、sending、sent 或 failed")
                })?),
            };
            runtime()?.block_on(async {
                with_ctx!(env, Access::Read, |ctx| {
                    let list = ctx
                        .notification_queue(state, None, limit.clamp(1, 1000))
                        .await?;
                    let mut out = std::io::stdout().lock();
                    if list.is_empty() {
                        writeln!(out, "消息队列为空")?;
                    }
                    for n in list {
                        let channel = Channel::parse(&n.channel);
                        let address = channel
                            .map_or_else(|| n.address.clone(), |c| masked_address(c, &n.address));
                        let when = n.sent_at.unwrap_or(n.next_attempt);
                        writeln!(
                            out,
                            "{}\t{}\t{}\t{}\t{address}\t第 {} 次\t{}{}",
                            n.id.0,
                            n.state.label(),
                            n.milestone,
                            channel.map_or(n.channel.as_str(), |c| c.label()),
                            n.attempts,
                            gongkai_services::in_china(when).format("%Y-%m-%d %H:%M"),
                            n.last_error
                                .as_deref()
                                .map(|e| format!("\t{e}"))
                                .unwrap_or_default(),
                        )?;
                    }
                    Ok(Status::Ok)
                })
            })
        }
    }
}
