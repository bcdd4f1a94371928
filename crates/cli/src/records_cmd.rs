//! Commands over the records database: agencies, ledger import, table 二 figures, the
//! calendar's added years, and one request's timeline.

use crate::Status;
use crate::db::{DbArgs, runtime, with_store};
use crate::files;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use gongkai_report::{CellKey, Value};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// 登记机关（add agency），可指定上级机关（--parent），形成政府及其部门、乡镇的层级
    Add {
        /// 机关名称
        name: String,
        /// 上级机关名称（parent agency）
        #[arg(long, value_name = "NAME")]
        parent: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// 列出所有机关（list agencies），按层级缩进
    List {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// 导入依申请公开台账（import ledger）：XLSX 或 CSV；任何一行有误则全部不导入；重复导入不会重复登记
    Ledger {
        /// 台账文件（.xlsx 或 .csv）
        file: PathBuf,
        /// 机关名称（agency）
        #[arg(long, value_name = "NAME")]
        agency: String,
        /// 复议诉讼案件 CSV（remedies），当台账是 CSV 时用
        #[arg(long, value_name = "FILE")]
        remedies: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// 生成台账模板（template）：带下拉选项的 XLSX
    Template {
        /// 输出文件，默认 台账模板.xlsx
        #[arg(short, long, value_name = "OUT", default_value = "台账模板.xlsx")]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum FiguresCommand {
    /// 登记表二数据（set figures）：如 t2.normative_docs.issued=3 t2.admin_fees.amount_wan_yuan=1.5
    Set {
        #[arg(long, value_name = "NAME")]
        agency: String,
        #[arg(long)]
        year: i32,
        /// KEY=VALUE，可多个
        #[arg(required = true, value_name = "KEY=VALUE")]
        cells: Vec<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// 查看已登记的表二数据（show figures）
    Show {
        #[arg(long, value_name = "NAME")]
        agency: String,
        #[arg(long)]
        year: i32,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// 导入新一年的放假安排（import）：与内置日历相同的 TOML 格式，无需升级软件
    Import {
        /// TOML 文件，如 [2027] off = [...] workday = [...]
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// 显示已知的年份（show known years）
    Show {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Args)]
pub struct RequestShowArgs {
    /// 受理编号（reference）
    reference: String,
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 以该日期计算期限状态，默认今天
    #[arg(long, value_name = "DATE")]
    as_of: Option<chrono::NaiveDate>,
    #[command(flatten)]
    db: DbArgs,
}

pub fn agency(cmd: AgencyCommand) -> Result<Status> {
    runtime()?.block_on(async {
        match cmd {
            AgencyCommand::Add { name, parent, db } => with_store!(db, |store| {
                let a = gongkai_services::add_agency(&store, &name, parent.as_deref()).await?;
                println!("已登记机关：{}（编号 {}）", a.name, a.id.0);
                Ok(Status::Ok)
            }),
            AgencyCommand::List { db } => with_store!(db, |store| {
                use gongkai_store::Agencies;
                let all = store.agencies().await?;
                // Depth by walking parents; bounded so that a cycle cannot loop forever.
                let depth = |id: gongkai_cases::AgencyId| {
                    let parent = |id| all.iter().find(|x| x.id == id).and_then(|x| x.parent);
                    std::iter::successors(parent(id), |&p| parent(p))
                        .take(all.len())
                        .count()
                };
                for root in all.iter().filter(|a| a.parent.is_none()) {
                    for id in gongkai_cases::tables::subtree(&all, root.id) {
                        if let Some(a) = all.iter().find(|a| a.id == id) {
                            println!("{}{}", "  ".repeat(depth(a.id)), a.name);
                        }
                    }
                }
                Ok(Status::Ok)
            }),
        }
    })
}

pub fn import(cmd: ImportCommand) -> Result<Status> {
    match cmd {
        ImportCommand::Template { output } => {
            let bytes = gongkai_ledger::template().context("while writing the template")?;
            files::write_atomic(&output, &bytes)?;
            println!("已生成台账模板：{}", output.display());
            Ok(Status::Ok)
        }
        ImportCommand::Ledger {
            file,
            agency,
            remedies,
            db,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let remedies = match &remedies {
                Some(p) => {
                    Some(std::fs::read(p).with_context(|| format!("无法读取 {}", p.display()))?)
                }
                None => None,
            };
            let name = file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            runtime()?.block_on(async {
                with_store!(db, |store| {
                    let done = gongkai_services::import_ledger(&store, &agency, &bytes, &name, remedies.as_deref())
                        .await
                        .with_context(|| format!("{} 未导入（nothing imported）", file.display()))?;
                    let s = done.summary;
                    println!(
                        "{}：{} 的台账已导入。申请：新登记 {}，补记办理结果 {}，未变 {}；复议诉讼：新登记 {}，补记结案 {}，未变 {}",
                        file.display(),
                        done.agency.name,
                        s.created,
                        s.updated,
                        s.unchanged,
                        s.remedies.created,
                        s.remedies.updated,
                        s.remedies.unchanged
                    );
                    Ok(Status::Ok)
                })
            })
        }
    }
}

/// Parses `t2.normative_docs.issued=3` into a cell and a value of the cell's kind.
fn parse_assignment(s: &str) -> Result<(CellKey, Value)> {
    let (key, value) = s
        .split_once('=')
        .with_context(|| format!("应写作 KEY=VALUE：{s}"))?;
    let key: CellKey = key.trim().parse()?;
    let value = value.trim();
    let value = match key.kind() {
        gongkai_report::template::CellKind::Money(_) => Value::Money(
            Decimal::from_str(value).with_context(|| format!("{key} 的金额无效：{value}"))?,
        ),
        _ => Value::Int(
            value
                .parse()
                .with_context(|| format!("{key} 应为整数：{value}"))?,
        ),
    };
    Ok((key, value))
}

pub fn figures(cmd: FiguresCommand) -> Result<Status> {
    runtime()?.block_on(async {
        match cmd {
            FiguresCommand::Set {
                agency,
                year,
                cells,
                db,
            } => {
                let cells = cells
                    .iter()
                    .map(|c| parse_assignment(c))
                    .collect::<Result<Vec<_>>>()?;
                with_store!(db, |store| {
                    let f = gongkai_services::set_figures(&store, &agency, year, &cells).await?;
                    println!("已登记 {agency} {year} 年表二数据 {} 项", f.cells.len());
                    Ok(Status::Ok)
                })
            }
            FiguresCommand::Show { agency, year, db } => with_store!(db, |store| {
                use gongkai_store::Figures;
                let a = gongkai_services::agency(&store, &agency).await?;
                match store.figures(a.id, year).await? {
                    None => println!("{agency} {year} 年尚未登记表二数据"),
                    Some(f) => {
                        for (k, v) in f.cells {
                            println!("{k}={v}");
                        }
                    }
                }
                Ok(Status::Ok)
            }),
        }
    })
}

pub fn calendar(cmd: CalendarCommand) -> Result<Status> {
    runtime()?.block_on(async {
        match cmd {
            CalendarCommand::Import { file, db } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("无法读取 {}", file.display()))?;
                with_store!(db, |store| {
                    let years = gongkai_services::import_calendar(&store, &text)
                        .await
                        .with_context(|| format!("{} 未导入", file.display()))?;
                    println!("已导入放假安排：{years:?} 年");
                    Ok(Status::Ok)
                })
            }
            CalendarCommand::Show { db } => with_store!(db, |store| {
                let cal = gongkai_services::calendar(&store).await?;
                let years: Vec<String> = cal.known_years().map(|y| y.to_string()).collect();
                println!("已知放假安排的年份：{}", years.join("、"));
                Ok(Status::Ok)
            }),
        }
    })
}

pub fn request_show(args: RequestShowArgs) -> Result<Status> {
    runtime()?.block_on(async {
        let db = args.db.clone();
        with_store!(db, |store| {
            use gongkai_store::Requests;
            let a = gongkai_services::agency(&store, &args.agency).await?;
            let Some(req) = store.request_by_reference(a.id, &args.reference).await? else {
                bail!("{} 没有受理编号为 {} 的申请", a.name, args.reference);
            };
            let cal = gongkai_services::calendar(&store).await?;
            println!("受理编号：{}（{}）", req.data.reference, a.name);
            for ap in &req.data.applicants {
                println!(
                    "申请人：{}（{}）",
                    ap.name,
                    gongkai_report::template::applicant_label(ap.kind)
                );
            }
            println!("申请内容：{}", req.data.description);
            let state = gongkai_cases::lifecycle::state(&req.events)?;
            println!("状态：{state}");
            println!("经过：");
            for e in &req.events {
                let outcome = e
                    .outcome
                    .map(|o| format!("：{}（{}）", o.label(), o.ground()))
                    .unwrap_or_default();
                println!(
                    "  {} {}{outcome}",
                    e.event.date(),
                    gongkai_cases::lifecycle::event_name(e.event)
                );
            }
            let as_of = args
                .as_of
                .unwrap_or_else(|| chrono::Local::now().date_naive());
            match gongkai_cases::lifecycle::deadline(
                &cal,
                &req.events,
                &Default::default(),
                Some(as_of),
            ) {
                Ok(d) => {
                    println!("答复期限：{}", d.due);
                    for step in &d.steps {
                        println!("  · {}", step.text);
                    }
                }
                Err(e) => println!("答复期限：{e}"),
            }
            Ok(Status::Ok)
        })
    })
}

#[derive(Debug, Args)]
pub struct RequestAddArgs {
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
    #[arg(long, value_name = "KIND")]
    kind: String,
    /// 申请方式（channel）：当面、挂号信、平信、网上、电子邮件、传真、口头、其他
    #[arg(long, value_name = "CHANNEL")]
    channel: String,
    /// 收到日期（date of receipt，按申请方式确定，见 README）
    #[arg(long, value_name = "DATE")]
    received: String,
    /// 申请内容（description）
    #[arg(long, value_name = "TEXT")]
    description: String,
    /// 获取信息的方式（requested form），如 纸质、电子
    #[arg(long, value_name = "TEXT", default_value = "")]
    form: String,
    #[command(flatten)]
    db: DbArgs,
}

/// The events an officer records, by their command-line names.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EventName {
    /// 发出补正通知（第三十条）
    CorrectionRequested,
    /// 收到补正后的申请：期限重新起算
    CorrectedReceived,
    /// 补正期限届满未补正：按“申请人无正当理由逾期不补正”办结
    CorrectionLapsed,
    /// 开始征求意见（第三十二条、第三十四条）
    ConsultationStarted,
    /// 征求意见结束
    ConsultationEnded,
    /// 发出收费通知（国办函〔2020〕109号）
    FeeNoticeSent,
    /// 缴纳信息处理费
    FeePaid,
    /// 批准延期（第三十三条第二款）
    ExtensionApproved,
    /// 作出答复（需 --outcome）
    Decided,
}

#[derive(Debug, Args)]
pub struct RequestEventArgs {
    /// 受理编号（reference）
    reference: String,
    #[arg(long, value_name = "NAME")]
    agency: String,
    /// 事件（event）
    #[arg(long, value_enum)]
    event: EventName,
    /// 日期
    #[arg(long, value_name = "DATE")]
    date: String,
    /// 办理结果（outcome），作出答复时必填，如 予以公开、属于国家秘密、重复申请
    #[arg(long, value_name = "LABEL")]
    outcome: Option<String>,
    /// 备注（note），如批准延期的负责人
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
    #[command(flatten)]
    db: DbArgs,
}

fn date(s: &str) -> Result<chrono::NaiveDate> {
    gongkai_cases::vocab::parse_date_text(s)
        .with_context(|| format!("无法识别的日期“{s}”（如 2024-03-05）"))
}

pub fn request_add(args: RequestAddArgs) -> Result<Status> {
    let kind = gongkai_cases::vocab::parse_applicant(&args.kind).with_context(|| {
        format!(
            "申请人类型“{}”应为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他",
            args.kind
        )
    })?;
    let channel = gongkai_cases::vocab::parse_channel(&args.channel).with_context(|| {
        format!(
            "申请方式“{}”应为：当面、挂号信、平信、网上、电子邮件、传真、口头、其他",
            args.channel
        )
    })?;
    let received = date(&args.received)?;
    runtime()?.block_on(async {
        with_store!(args.db, |store| {
            use gongkai_store::Requests;
            let a = gongkai_services::agency(&store, &args.agency).await?;
            let new = gongkai_cases::NewRequest {
                agency: a.id,
                reference: args.reference.trim().to_owned(),
                applicants: vec![gongkai_cases::ApplicantRecord {
                    name: args.applicant.clone(),
                    kind,
                }],
                channel,
                received,
                description: args.description.clone(),
                requested_form: args.form.clone(),
            };
            let first = gongkai_cases::TimelineEvent {
                event: gongkai_calendar::Event::Received(received),
                outcome: None,
                note: String::new(),
            };
            let req = store.create_request(new, first).await?;
            println!(
                "已登记申请 {}（{}，收到日期 {received}）",
                req.data.reference, a.name
            );
            Ok(Status::Ok)
        })
    })
}

pub fn request_event(args: RequestEventArgs) -> Result<Status> {
    use gongkai_calendar::Event;
    let d = date(&args.date)?;
    let event = match args.event {
        EventName::CorrectionRequested => Event::CorrectionRequested(d),
        EventName::CorrectedReceived => Event::CorrectedReceived(d),
        EventName::CorrectionLapsed => Event::CorrectionLapsed(d),
        EventName::ConsultationStarted => Event::ConsultationStarted(d),
        EventName::ConsultationEnded => Event::ConsultationEnded(d),
        EventName::FeeNoticeSent => Event::FeeNoticeSent(d),
        EventName::FeePaid => Event::FeePaid(d),
        EventName::ExtensionApproved => Event::ExtensionApproved(d),
        EventName::Decided => Event::Decided(d),
    };
    let outcome = match (&args.outcome, args.event) {
        (Some(label), _) => Some(
            gongkai_cases::vocab::parse_outcome(label)
                .with_context(|| format!("无法识别的办理结果“{label}”"))?,
        ),
        (None, EventName::Decided) => {
            bail!("作出答复（decided）须用 --outcome 写明办理结果，如 予以公开")
        }
        (None, _) => None,
    };
    runtime()?.block_on(async {
        with_store!(args.db, |store| {
            use gongkai_store::Requests;
            let a = gongkai_services::agency(&store, &args.agency).await?;
            let Some(req) = store.request_by_reference(a.id, &args.reference).await? else {
                bail!("{} 没有受理编号为 {} 的申请", a.name, args.reference);
            };
            let next = gongkai_cases::TimelineEvent {
                event,
                outcome,
                note: args.note.clone(),
            };
            let req = store.append_event(req.id, next).await?;
            let state = gongkai_cases::lifecycle::state(&req.events)?;
            println!(
                "已记录：{} {}；当前状态：{state}",
                d,
                gongkai_cases::lifecycle::event_name(event)
            );
            Ok(Status::Ok)
        })
    })
}
