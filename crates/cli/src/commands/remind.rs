//! `gongkai remind [--send] [--date D]`: every officer's daily digest of the requests due soon
//! and overdue, summed up on standard output; with `--send`, each digest with something in it
//! goes by e-mail through the `[smtp]` server, or without one into the outbox directory as an
//! `.eml` file.

use crate::Status;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::values;
use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use gongkai_services::reminders::{Delivered, Delivery, SmtpSettings, deliver};
use std::io::Write;

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// 发送（send）：配置了 [smtp] host 时经 SMTP 发送，否则每人一个 .eml 文件写入 smtp.outbox 目录
    #[arg(long)]
    send: bool,
    /// 计算到哪一天（date），默认今天
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    date: Option<NaiveDate>,
}

/// The `[smtp]` server, if configured (`smtp.host`).
pub fn smtp_settings(config: &gongkai_config::Config) -> Option<SmtpSettings> {
    let smtp = &config.smtp;
    smtp.host.as_ref().map(|host| SmtpSettings {
        host: host.clone(),
        port: smtp.port,
        starttls: smtp.starttls,
        credentials: smtp.username.clone().map(|u| {
            let password = smtp
                .password
                .as_ref()
                .map(|p| p.expose().clone())
                .unwrap_or_default();
            (u, password)
        }),
    })
}

/// Where `--send` delivers, by the configuration.
fn delivery(env: &Env) -> Delivery {
    match smtp_settings(&env.config) {
        Some(s) => Delivery::Smtp(s),
        None => Delivery::Outbox(env.config.smtp.outbox.clone()),
    }
}

pub fn run(g: &Global, args: RemindArgs) -> Result<Status> {
    let env = Env::load(g)?;
    runtime()?.block_on(async {
        with_ctx!(env, Access::Read, |ctx| {
            let digests = ctx.digests(args.date).await?;
            let delivered = if args.send {
                Some(deliver(&digests, &delivery(&env), &env.config.smtp.from).await?)
            } else {
                None
            };
            let mut out = std::io::stdout().lock();
            if digests.is_empty() {
                writeln!(
                    out,
                    "没有办理申请的用户（办理人员或负责人）。用 gongkai user add 创建。"
                )?;
            }
            for (i, d) in digests.iter().enumerate() {
                let address = d.email.as_deref().unwrap_or("无电子邮箱");
                writeln!(
                    out,
                    "{}（{address}）：已逾期 {} 件，即将到期 {} 件",
                    d.user,
                    d.overdue.len(),
                    d.due_soon.len()
                )?;
                for item in d.overdue.iter().chain(&d.due_soon) {
                    writeln!(
                        out,
                        "  {} {}  答复期限 {}（{}）",
                        item.agency,
                        item.reference,
                        item.due.map_or_else(String::new, |d| d.to_string()),
                        gongkai_services::reminders::article(item)
                    )?;
                }
                match delivered.as_ref().and_then(|list| list.get(i)) {
                    Some(Delivered::Sent(to)) => writeln!(out, "  → 已发送至 {to}")?,
                    Some(Delivered::Written(path)) => {
                        writeln!(out, "  → 已写入 {}", path.display())?;
                    }
                    Some(Delivered::NoAddress) => writeln!(
                        out,
                        "  → 未发送：没有电子邮箱（用 gongkai user email {} 地址 设置）",
                        d.user
                    )?,
                    Some(Delivered::Empty) => writeln!(out, "  → 无需提醒，未发送")?,
                    None => {}
                }
            }
            Ok(Status::Ok)
        })
    })
}
