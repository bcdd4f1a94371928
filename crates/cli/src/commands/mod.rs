//! One module per command group. Each parses its options, calls one use case and prints the
//! result; what an error means for the exit status and which command helps is decided here.

pub mod agency;
pub mod assess;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod channel;
pub mod config;
pub mod deadline;
pub mod directory;
pub mod figures;
pub mod filing;
pub mod guide;
pub mod install;
pub mod ledger;
pub mod letter;
pub mod message;
pub mod notify;
pub mod portal;
pub mod remedy;
pub mod remind;
pub mod report;
pub mod request;
pub mod web;

use crate::Status;
use gongkai_services::{ServiceError, Warning};
use std::io::Write;

/// The exit status an error calls for: 1 when the user must look at a finding (a ledger that
/// differs from the records), 2 for everything else.
pub fn exit_status(e: &anyhow::Error) -> Status {
    match e.downcast_ref::<ServiceError>() {
        Some(ServiceError::Differences(_)) => Status::Findings,
        _ => Status::Trouble,
    }
}

/// An error for the officer: each cause once (a cause whose text its context already holds is
/// not repeated), and for the use cases' errors the command that helps.
pub fn message(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|p| p.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    let mut out = parts.join("：");
    if let Some(hint) = e.downcast_ref::<ServiceError>().and_then(hint) {
        out.push_str(hint);
    }
    out
}

/// What the command line can do about a use case's error.
fn hint(e: &ServiceError) -> Option<&'static str> {
    match e {
        ServiceError::UnknownAgency(_) => {
            Some("（先用 gongkai agency add 登记，或用 gongkai agency list 查看已登记的机关）")
        }
        ServiceError::UnknownRequest { .. } => Some("（可用 gongkai request list 查看）"),
        ServiceError::Differences(_) => Some(
            "\n确认文件中的值正确后，加 --apply-changes 重新导入，这些更正将在同一事务中写入并记入审计日志。",
        ),
        _ => None,
    }
}

/// Prints the warnings of a use case on standard error, naming the command that helps.
pub fn warn(warnings: &[Warning]) {
    let mut err = std::io::stderr().lock();
    for w in warnings {
        let text = match w {
            Warning::YearNotInCalendar { year, known } => {
                let known = known
                    .map(|(a, b)| format!("（已知 {a}–{b} 年）"))
                    .unwrap_or_default();
                format!(
                    "{year} 年不在工作日历中{known}：涉及该年的答复期限按星期一至星期五推算，为暂定结果；可用 gongkai calendar import 导入该年的放假安排"
                )
            }
            Warning::RepeatWithoutLink => gongkai_services::similar::REPEAT_WITHOUT_LINK.to_owned(),
            Warning::NotQueued(why) => {
                format!("已记录，但通知申请人的消息未能加入发送队列：{why}")
            }
        };
        let _ = writeln!(err, "gongkai：提示：{text}");
    }
}
