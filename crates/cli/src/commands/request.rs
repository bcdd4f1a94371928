//! `gongkai request …`: registering requests, recording what happens to them, correcting what
//! was recorded wrongly, seeing one, and the work list.

use crate::Status;
use crate::commands::warn;
use crate::context::{Access, Env, Global, runtime, with_ctx};
use crate::values;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gongkai_cases::amend::Amendment;
use gongkai_cases::lifecycle::event_name;
use gongkai_cases::vocab::EventKind;
use gongkai_cases::{Channel, Outcome};
use gongkai_report::Applicant;
use gongkai_report::template::applicant_label;
use gongkai_services::requests::{RegisterRequest, WorkQuery};
use serde_json::json;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// 登记申请（add）：申请人、申请方式、收到日期、申请内容
    Add(AddArgs),
    /// 记录办理事件（event）：补正、征求意见、收费、延期、答复；不可能的顺序会被拒绝
    Event(EventArgs),
    /// 查看申请（show）：申请人、经过、状态和答复期限
    Show(ShowArgs),
    /// 工作清单（list）：一件一行，最紧急的在前；可只看未办结、即将到期或已逾期的
    List(ListArgs),
    /// 更正申请（amend）：更正已登记的办理结果、日期、申请人等，无论是否办结，理由记入审计日志
    Amend(AmendArgs),
    /// 撤回最后一个事件（withdraw-event）：误录的事件，理由记入审计日志
    WithdrawEvent(WithdrawArgs),
    /// 多人申请的信息（repeated）：一年内被两个以上申请人申请的相同信息（同一文号或《标题》，或申请
    /// 内容分词后几乎相同），可纳入主动公开（条例第四十四条）
    Repeated(RepeatedArgs),
    /// 转办（dispatch）：把申请转办（交办）给本单位的下级单位；不改变答复期限
    Dispatch(DispatchArgs),
    /// 签收（sign）：被转办的单位签收申请，成为承办单位
    Sign(RouteArgs),
    /// 退回（return）：被转办的单位写明理由退回申请，申请回到转办单位
    Return(ReturnArgs),
}

#[derive(Debug, Args)]
pub struct RouteArgs {
    /// 受理编号（reference）
    reference: String,
    /// 登记申请的机关（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
}

#[derive(Debug, Args)]
pub struct DispatchArgs {
    #[command(flatten)]
    request: RouteArgs,
    /// 承办单位（to）：当前承办单位的下级单位
    #[arg(long, value_name = "NAME")]
    to: String,
}

#[derive(Debug, Args)]
pub struct ReturnArgs {
    #[command(flatten)]
    request: RouteArgs,
    /// 退回理由（必填）
    #[arg(long, value_name = "TEXT")]
    reason: String,
}

#[derive(Debug, Args)]
pub struct RepeatedArgs {
    /// 机关名称（agency），含下级机关
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 收到申请的年度
    #[arg(long, value_parser = values::year)]
    year: i32,
    /// 以 JSON 输出：对象数组，含 subject、doc_number、applicants、disclosable、requests
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 受理编号（reference），在本机关内唯一
    #[arg(long, value_name = "REF")]
    reference: String,
    /// 申请人姓名或名称（applicant）
    #[arg(long, value_name = "NAME")]
    applicant: String,
    /// 申请人类型：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他
    #[arg(long, value_name = "KIND", value_parser = values::applicant)]
    kind: Applicant,
    /// 申请方式（channel）：当面、挂号信、平信、网上、电子邮件、传真、口头、其他
    #[arg(long, value_name = "CHANNEL", value_parser = values::channel)]
    channel: Channel,
    /// 收到日期（date of receipt，按申请方式确定，见 README），如 2024-09-27、2024年9月27日
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    received: NaiveDate,
    /// 申请内容（description）
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// 获取信息的方式（requested form），如 纸质、电子
    #[arg(long, value_name = "TEXT", default_value = "")]
    form: String,
    /// 身份证明的证件类型（identity document），如 居民身份证、护照、统一社会信用代码
    #[arg(long, value_name = "KIND", default_value = "")]
    id_kind: String,
    /// 证件号码（居民身份证号码核对校验码）
    #[arg(long, value_name = "NUMBER", default_value = "")]
    id_number: String,
    /// 联系电话（phone）
    #[arg(long, value_name = "PHONE", default_value = "")]
    phone: String,
    /// 通信地址（address）
    #[arg(long, value_name = "TEXT", default_value = "")]
    address: String,
    /// 电子邮箱（e-mail）
    #[arg(long, value_name = "EMAIL", default_value = "")]
    email: String,
    /// 获取信息的途径（delivery），如 邮寄、电子邮件、当面领取
    #[arg(long, value_name = "TEXT", default_value = "")]
    delivery: String,
}

/// An event named on the command line: the vocabulary of `gongkai_cases::vocab::EventKind`,
/// each name listed in `--help` with its meaning.
#[derive(Debug, Clone, Copy)]
pub struct EventArg(EventKind);

const EVENT_ARGS: [EventArg; EventKind::ALL.len()] = {
    let mut out = [EventArg(EventKind::Decided); EventKind::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = EventArg(EventKind::ALL[i]);
        i += 1;
    }
    out
};

impl clap::ValueEnum for EventArg {
    fn value_variants<'a>() -> &'a [Self] {
        &EVENT_ARGS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.name()).help(self.0.label()))
    }
}

#[derive(Debug, Args)]
pub struct EventArgs {
    /// 受理编号（reference）
    reference: String,
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 事件（event）
    #[arg(long, value_enum)]
    event: EventArg,
    /// 日期
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    date: NaiveDate,
    /// 办理结果（outcome），作出答复时必填，如 予以公开、属于国家秘密、重复申请
    #[arg(long, value_name = "LABEL", value_parser = values::outcome)]
    outcome: Option<Outcome>,
    /// 备注（note），如批准延期的负责人
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// 受理编号（reference）
    reference: String,
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 以该日期计算期限状态，默认今天
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    as_of: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 包括下级机关的申请
    #[arg(long)]
    subtree: bool,
    /// 只列出未办结的
    #[arg(long)]
    open: bool,
    /// 只列出剩余工作日不超过 N 天的未办结申请
    #[arg(long, value_name = "N", value_parser = values::days)]
    due_within: Option<i64>,
    /// 只列出已逾期的未办结申请
    #[arg(long)]
    overdue: bool,
    /// 以该日期计算剩余天数，默认今天
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    as_of: Option<NaiveDate>,
    /// 以 JSON 输出：对象数组，含 reference、agency、state、received、due、days_left
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AmendArgs {
    /// 受理编号（reference）
    reference: String,
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 更正理由（必填），记入审计日志
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// 正确的办理结果（须已办结）
    #[arg(long, value_name = "LABEL", value_parser = values::outcome)]
    outcome: Option<Outcome>,
    /// 正确的答复日期（须已办结）
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    decided: Option<NaiveDate>,
    /// 正确的收到日期
    #[arg(long, value_name = "DATE", value_parser = values::date)]
    received: Option<NaiveDate>,
    /// 正确的申请人类型
    #[arg(long, value_name = "KIND", value_parser = values::applicant)]
    kind: Option<Applicant>,
    /// 正确的申请方式
    #[arg(long, value_name = "CHANNEL", value_parser = values::channel)]
    channel: Option<Channel>,
    /// 正确的申请人姓名或名称
    #[arg(long, value_name = "NAME")]
    applicant: Option<String>,
}

#[derive(Debug, Args)]
pub struct WithdrawArgs {
    /// 受理编号（reference）
    reference: String,
    /// 机关名称（agency）
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 撤回理由（必填），记入审计日志
    #[arg(long, value_name = "TEXT")]
    reason: String,
}

pub fn run(g: &Global, cmd: RequestCommand) -> Result<Status> {
    let env = Env::load(g)?;
    let access = match cmd {
        RequestCommand::Show(_) | RequestCommand::List(_) | RequestCommand::Repeated(_) => {
            Access::Read
        }
        _ => Access::Write,
    };
    runtime()?.block_on(async {
        with_ctx!(env, access, |ctx| {
            let mut out = std::io::stdout().lock();
            match cmd {
                RequestCommand::Add(a) => {
                    let view = ctx
                        .register_request(RegisterRequest {
                            agency: a.agency,
                            reference: a.reference,
                            applicant: a.applicant,
                            kind: a.kind,
                            channel: a.channel,
                            received: a.received,
                            description: a.description,
                            form: a.form,
                            contact: gongkai_cases::Contact {
                                id_kind: a.id_kind,
                                id_number: a.id_number,
                                phone: a.phone,
                                address: a.address,
                                email: a.email,
                                delivery: a.delivery,
                            },
                        })
                        .await?;
                    writeln!(
                        out,
                        "已登记申请 {}（收到日期 {}）",
                        view.request.data.reference, view.request.data.received
                    )?;
                    warn(&view.warnings);
                }
                RequestCommand::Event(a) => {
                    if matches!(a.event.0, EventKind::Decided) && a.outcome.is_none() {
                        bail!("作出答复（decided）须用 --outcome 写明办理结果，如 予以公开");
                    }
                    let event = a.event.0.on(a.date);
                    let (_, state, warnings) = ctx
                        .record_event(&a.agency, &a.reference, event, a.outcome, &a.note)
                        .await?;
                    writeln!(
                        out,
                        "已记录：{} {}；当前状态：{state}",
                        a.date,
                        event_name(event)
                    )?;
                    warn(&warnings);
                }
                RequestCommand::Show(a) => {
                    let v = ctx.show_request(&a.agency, &a.reference, a.as_of).await?;
                    writeln!(
                        out,
                        "受理编号：{}（{}）",
                        v.request.data.reference, v.agency.name
                    )?;
                    for ap in &v.request.data.applicants {
                        writeln!(out, "申请人：{}（{}）", ap.name, applicant_label(ap.kind))?;
                    }
                    writeln!(out, "申请内容：{}", v.request.data.description)?;
                    writeln!(out, "状态：{}", v.state_label())?;
                    writeln!(out, "经过：")?;
                    for e in &v.request.events {
                        let outcome = e
                            .outcome
                            .map(|o| format!("：{}（{}）", o.label(), o.ground()))
                            .unwrap_or_default();
                        let note = if e.note.is_empty() {
                            String::new()
                        } else {
                            format!("（{}）", e.note)
                        };
                        writeln!(
                            out,
                            "  {} {}{outcome}{note}",
                            e.event.date(),
                            event_name(e.event)
                        )?;
                    }
                    match &v.deadline {
                        Ok(d) => {
                            writeln!(out, "答复期限：{}", d.due)?;
                            for step in &d.steps {
                                writeln!(out, "  · {}", step.text)?;
                            }
                        }
                        Err(e) => writeln!(out, "答复期限：{e}")?,
                    }
                    warn(&v.warnings);
                }
                RequestCommand::Repeated(a) => {
                    let groups = ctx.repeated_requests(&a.agency, a.year).await?;
                    if a.json {
                        let v: Vec<serde_json::Value> = groups
                            .iter()
                            .map(|g| {
                                json!({
                                    "subject": g.subject,
                                    "doc_number": g.doc_number,
                                    "applicants": g.applicants,
                                    "disclosable": g.disclosable,
                                    "requests": g.requests.iter().map(|r| json!({
                                        "reference": r.reference,
                                        "applicant": r.applicant,
                                        "received": r.received.to_string(),
                                        "outcome": r.outcome,
                                    })).collect::<Vec<_>>(),
                                })
                            })
                            .collect();
                        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                    } else if groups.is_empty() {
                        writeln!(out, "{} 年没有被两个以上申请人申请的相同信息", a.year)?;
                    } else {
                        for g in &groups {
                            let public = if g.disclosable {
                                "已有予以公开的答复"
                            } else {
                                "尚无予以公开的答复"
                            };
                            writeln!(
                                out,
                                "{}：{} 个申请人，{} 件申请，{public}",
                                g.subject,
                                g.applicants,
                                g.requests.len()
                            )?;
                            for r in &g.requests {
                                writeln!(
                                    out,
                                    "  {}  {}  收到 {}  {}",
                                    r.reference,
                                    r.applicant,
                                    r.received,
                                    r.outcome.as_deref().unwrap_or("办理中")
                                )?;
                            }
                        }
                    }
                }
                RequestCommand::List(a) => {
                    let items = ctx
                        .work_list(&WorkQuery {
                            agency: a.agency.clone(),
                            subtree: a.subtree,
                            open_only: a.open,
                            due_within: a.due_within,
                            overdue: a.overdue,
                            as_of: a.as_of,
                        })
                        .await?;
                    if a.json {
                        let v: Vec<serde_json::Value> = items
                            .iter()
                            .map(|i| {
                                json!({
                                    "reference": i.reference,
                                    "agency": i.agency,
                                    "state": i.state_key(),
                                    "state_label": i.state_label(),
                                    "received": i.received.to_string(),
                                    "due": i.due.map(|d| d.to_string()),
                                    "days_left": i.days_left,
                                })
                            })
                            .collect();
                        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
                    } else if items.is_empty() {
                        writeln!(out, "没有符合条件的申请")?;
                    } else {
                        for i in &items {
                            let left = match (i.state.is_closed(), i.days_left) {
                                (false, Some(d)) if d < 0 => format!("已逾期 {} 个工作日", -d),
                                (false, Some(d)) => format!("剩 {d} 个工作日"),
                                (false, None) => "期限未起算".to_owned(),
                                (true, _) => "已办结".to_owned(),
                            };
                            let due = i.due.map_or_else(|| "—".to_owned(), |d| d.to_string());
                            writeln!(
                                out,
                                "{}  {}  {}  收到 {}  期限 {}  {left}",
                                i.reference,
                                i.agency,
                                i.state_label(),
                                i.received,
                                due
                            )?;
                        }
                    }
                }
                RequestCommand::Amend(a) => {
                    let amendment = Amendment {
                        applicant: a.applicant,
                        kind: a.kind,
                        channel: a.channel,
                        received: a.received,
                        description: None,
                        outcome: a.outcome,
                        decided: a.decided,
                    };
                    let (req, changes) = ctx
                        .amend_request(&a.agency, &a.reference, &a.reason, &amendment)
                        .await?;
                    writeln!(out, "已更正申请 {}：", req.data.reference)?;
                    for c in &changes {
                        writeln!(out, "  {}：{} → {}", c.field, c.old, c.new)?;
                    }
                }
                RequestCommand::Dispatch(DispatchArgs { request: r, to }) => {
                    let id = ctx
                        .show_request(&r.agency, &r.reference, None)
                        .await?
                        .request
                        .id;
                    let v = ctx.dispatch_request(id, &to).await?;
                    writeln!(out, "已将申请 {} 转办至 {to}，待签收", r.reference)?;
                    routed(&mut out, &v)?;
                }
                RequestCommand::Sign(r) => {
                    let id = ctx
                        .show_request(&r.agency, &r.reference, None)
                        .await?
                        .request
                        .id;
                    let v = ctx.sign_request(id).await?;
                    writeln!(out, "已签收申请 {}", r.reference)?;
                    routed(&mut out, &v)?;
                }
                RequestCommand::Return(ReturnArgs { request: r, reason }) => {
                    let id = ctx
                        .show_request(&r.agency, &r.reference, None)
                        .await?
                        .request
                        .id;
                    let v = ctx.return_request(id, &reason).await?;
                    writeln!(out, "已退回申请 {}", r.reference)?;
                    routed(&mut out, &v)?;
                }
                RequestCommand::WithdrawEvent(a) => {
                    let (req, removed) = ctx
                        .withdraw_event(&a.agency, &a.reference, &a.reason)
                        .await?;
                    writeln!(
                        out,
                        "已撤回申请 {} 的事件：{} {}",
                        req.data.reference,
                        removed.event.date(),
                        event_name(removed.event)
                    )?;
                }
            }
            Ok(Status::Ok)
        })
    })
}

/// Where a routed request stands: its handling unit and the dispatch awaiting a signature.
fn routed(out: &mut impl Write, v: &gongkai_services::routing::RoutingView) -> Result<()> {
    writeln!(out, "承办单位：{}", v.handling.name)?;
    if let Some(a) = &v.awaiting {
        writeln!(out, "待签收：{}", a.name)?;
    }
    Ok(())
}
