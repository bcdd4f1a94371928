//! The XLSX ledger template, blank or filled.

use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::Outcome;
use gongkai_report::Applicant;
use gongkai_report::template::applicant_label;
use gongkai_sheet::xlsx::{Formats, date_check, list, options_sheet, write_date};
use rust_xlsxwriter::{DataValidationErrorStyle, Format, Workbook, Worksheet, XlsxError};

use crate::{
    INSTRUCTIONS_SHEET, Ledger, OPTIONS_SHEET, REMEDY_HEADERS, REMEDY_SHEET, REQUEST_HEADERS,
    REQUEST_SHEET,
};
use gongkai_cases::vocab::{
    CHANNEL_LABELS, REMEDY_KIND_LABELS, REMEDY_RESULT_LABELS, channel_label, remedy_kind_label,
    remedy_result_label,
};
use gongkai_report::spreadsheet::guard;

/// The template could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("生成 XLSX 文件失败：{0}")]
    Xlsx(#[from] XlsxError),
    #[error("日期“{0}”超出 Excel 能表示的范围")]
    Date(NaiveDate),
    #[error("生成 CSV 文件失败：{0}")]
    Csv(String),
}

/// The earliest date the template's date check accepts without a warning, and its example.
const EARLIEST_YEAR: u16 = 1990;
const EXAMPLE_DATE: &str = "2024-03-05";

/// The blank ledger template: sheet `台账` with [`REQUEST_HEADERS`], sheet `复议诉讼` with
/// [`REMEDY_HEADERS`], sheet `说明` with instructions, and the hidden sheet `选项` holding the
/// drop-down lists. Headers are bold and frozen; 申请人类型, 申请方式, 办理结果, 类型 and 结果
/// have drop-down lists; date columns are formatted `yyyy-mm-dd` and checked for a date
/// (warning only, so text dates such as `2024年3月5日` can still be typed); number columns are
/// text, so leading zeros survive. No example row: the blank template reads back as an empty
/// [`Ledger`].
pub fn template() -> Result<Vec<u8>, TemplateError> {
    build(&Ledger::default())
}

/// The template filled with `ledger`, so that an agency can keep editing imported records.
/// Reading the result back with [`crate::read_ledger`] or [`crate::LedgerReader`] gives `ledger`
/// again, except that: only the first applicant's kind is kept and several applicants' names
/// are joined with `、`; of the timeline only the date of receipt and the last `Decided` event
/// (date and outcome) are written; `requested_form` and the agency are not written.
pub fn write_ledger(ledger: &Ledger) -> Result<Vec<u8>, TemplateError> {
    build(ledger)
}

/// A ledger as two CSV files (UTF-8 with BOM, which Excel opens without asking): the requests
/// with [`REQUEST_HEADERS`] and the remedy cases with [`REMEDY_HEADERS`], the shapes
/// [`crate::read_ledger`] reads (the remedies as its `remedies_csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerCsv {
    pub requests: Vec<u8>,
    pub remedies: Vec<u8>,
}

/// The ledger as CSV, with what [`write_ledger`] writes and reading back the same way. A text
/// cell that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, tab or
/// CR) is written with a leading `'`, which the reader drops again (CSV injection: an exported
/// file opened in Excel must not run what an applicant typed). Dates are `yyyy-mm-dd`.
pub fn write_ledger_csv(ledger: &Ledger) -> Result<LedgerCsv, TemplateError> {
    let csv_err = |e: csv::Error| TemplateError::Csv(e.to_string());
    let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let writer = || {
        let mut out = Vec::new();
        out.extend_from_slice(b"\xEF\xBB\xBF");
        csv::WriterBuilder::new().from_writer(out)
    };

    let mut w = writer();
    w.write_record(REQUEST_HEADERS).map_err(csv_err)?;
    for (req, events) in &ledger.requests {
        let names: Vec<&str> = req.applicants.iter().map(|a| a.name.as_str()).collect();
        let kind = req
            .applicants
            .first()
            .map_or("", |a| applicant_label(a.kind));
        let (outcome, decided) = last_decision(events)
            .map_or((String::new(), String::new()), |(d, o)| {
                (o.label().to_string(), date(d))
            });
        w.write_record([
            guard(&req.reference).as_ref(),
            guard(&names.join("、")).as_ref(),
            kind,
            channel_label(req.channel),
            &date(req.received),
            guard(&req.description).as_ref(),
            &outcome,
            &decided,
        ])
        .map_err(csv_err)?;
    }
    let requests = w
        .into_inner()
        .map_err(|e| TemplateError::Csv(e.to_string()))?;

    let mut w = writer();
    w.write_record(REMEDY_HEADERS).map_err(csv_err)?;
    for r in &ledger.remedies {
        w.write_record([
            guard(&r.reference).as_ref(),
            guard(&r.requests.join("、")).as_ref(),
            remedy_kind_label(r.kind),
            remedy_result_label(r.closed.map(|(_, res)| res)),
            &date(r.received),
            &r.closed.map(|(d, _)| date(d)).unwrap_or_default(),
        ])
        .map_err(csv_err)?;
    }
    let remedies = w
        .into_inner()
        .map_err(|e| TemplateError::Csv(e.to_string()))?;
    Ok(LedgerCsv { requests, remedies })
}

/// The last decision of a timeline: what the ledger's 办理结果 and 答复日期 show.
fn last_decision(events: &[gongkai_cases::TimelineEvent]) -> Option<(NaiveDate, Outcome)> {
    events
        .iter()
        .rev()
        .find_map(|e| match (e.event, e.outcome) {
            (Event::Decided(d), Some(o)) => Some((d, o)),
            _ => None,
        })
}

fn build(ledger: &Ledger) -> Result<Vec<u8>, TemplateError> {
    let mut wb = Workbook::new();
    let Formats {
        header,
        date,
        text,
        wrap,
    } = Formats::default();

    // Lists on the hidden sheet: the outcome list alone is longer than the 255 characters
    // Excel allows inline, so every list lives there, one per column.
    let applicants: Vec<&str> = Applicant::KINDS
        .iter()
        .map(|a| applicant_label(*a))
        .collect();
    let channels: Vec<&str> = CHANNEL_LABELS.iter().map(|(l, _)| *l).collect();
    let outcomes: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
    let kinds: Vec<&str> = REMEDY_KIND_LABELS.iter().map(|(l, _)| *l).collect();
    let results: Vec<&str> = REMEDY_RESULT_LABELS.iter().map(|(l, _)| *l).collect();
    let lists: [(&str, &[&str]); 5] = [
        ("申请人类型", &applicants),
        ("申请方式", &channels),
        ("办理结果", &outcomes),
        ("类型", &kinds),
        ("结果", &results),
    ];

    // 台账
    {
        let ws = wb.add_worksheet().set_name(REQUEST_SHEET)?;
        let widths = [16.0, 22.0, 14.0, 12.0, 13.0, 48.0, 30.0, 13.0];
        headers(ws, &REQUEST_HEADERS, &widths, &header)?;
        ws.set_column_format(0, &text)?;
        ws.set_column_format(5, &wrap)?;
        ws.set_column_format(4, &date)?;
        ws.set_column_format(7, &date)?;
        list(
            ws,
            2,
            OPTIONS_SHEET,
            0,
            lists[0].1.len(),
            DataValidationErrorStyle::Stop,
            "申请人类型",
        )?;
        list(
            ws,
            3,
            OPTIONS_SHEET,
            1,
            lists[1].1.len(),
            DataValidationErrorStyle::Stop,
            "申请方式",
        )?;
        list(
            ws,
            6,
            OPTIONS_SHEET,
            2,
            lists[2].1.len(),
            DataValidationErrorStyle::Stop,
            "办理结果",
        )?;
        date_check(ws, 4, EARLIEST_YEAR, EXAMPLE_DATE)?;
        date_check(ws, 7, EARLIEST_YEAR, EXAMPLE_DATE)?;
        for (i, (req, events)) in ledger.requests.iter().enumerate() {
            let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            let names: Vec<&str> = req.applicants.iter().map(|a| a.name.as_str()).collect();
            let kind = req
                .applicants
                .first()
                .map_or("", |a| applicant_label(a.kind));
            ws.write_string_with_format(row, 0, &req.reference, &text)?;
            ws.write_string(row, 1, names.join("、"))?;
            ws.write_string(row, 2, kind)?;
            ws.write_string(row, 3, channel_label(req.channel))?;
            write_date(ws, row, 4, req.received, &date, TemplateError::Date)?;
            ws.write_string_with_format(row, 5, &req.description, &wrap)?;
            if let Some((d, o)) = last_decision(events) {
                ws.write_string(row, 6, o.label())?;
                write_date(ws, row, 7, d, &date, TemplateError::Date)?;
            }
        }
    }

    // 复议诉讼
    {
        let ws = wb.add_worksheet().set_name(REMEDY_SHEET)?;
        let widths = [16.0, 28.0, 18.0, 12.0, 13.0, 13.0];
        headers(ws, &REMEDY_HEADERS, &widths, &header)?;
        ws.set_column_format(0, &text)?;
        ws.set_column_format(1, &text)?;
        ws.set_column_format(4, &date)?;
        ws.set_column_format(5, &date)?;
        list(
            ws,
            2,
            OPTIONS_SHEET,
            3,
            lists[3].1.len(),
            DataValidationErrorStyle::Stop,
            "类型",
        )?;
        list(
            ws,
            3,
            OPTIONS_SHEET,
            4,
            lists[4].1.len(),
            DataValidationErrorStyle::Stop,
            "结果",
        )?;
        date_check(ws, 4, EARLIEST_YEAR, EXAMPLE_DATE)?;
        date_check(ws, 5, EARLIEST_YEAR, EXAMPLE_DATE)?;
        for (i, r) in ledger.remedies.iter().enumerate() {
            let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.write_string_with_format(row, 0, &r.reference, &text)?;
            ws.write_string_with_format(row, 1, r.requests.join("、"), &text)?;
            ws.write_string(row, 2, remedy_kind_label(r.kind))?;
            ws.write_string(row, 3, remedy_result_label(r.closed.map(|(_, res)| res)))?;
            write_date(ws, row, 4, r.received, &date, TemplateError::Date)?;
            if let Some((d, _)) = r.closed {
                write_date(ws, row, 5, d, &date, TemplateError::Date)?;
            }
        }
    }

    // 说明
    {
        let ws = wb.add_worksheet().set_name(INSTRUCTIONS_SHEET)?;
        ws.set_column_width(0, 110.0)?;
        ws.write_string_with_format(0, 0, "填写说明", &header)?;
        for (i, line) in INSTRUCTIONS.iter().enumerate() {
            let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.write_string_with_format(row, 0, *line, &wrap)?;
        }
    }

    // 选项 (hidden)
    options_sheet(&mut wb, OPTIONS_SHEET, &lists, 40.0, &header)?;

    Ok(wb.save_to_buffer()?)
}

const INSTRUCTIONS: [&str; 14] = [
    "一、“台账”工作表每行登记一件政府信息公开申请，第1行为表头，请勿修改表头文字；列的顺序可以调整。",
    "二、受理编号：本机关内唯一，不得重复；再次导入时按受理编号识别同一件申请。",
    "三、申请人姓名或名称：自然人填姓名，法人或其他组织填名称；多人共同申请的，按第一申请人填写申请人类型。",
    "四、申请人类型：从下拉列表选择：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他。",
    "五、申请方式：从下拉列表选择：当面、挂号信、平信、网上、电子邮件、传真、口头、其他。",
    "六、收到日期：按《政府信息公开条例》第三十一条确定的收到申请之日，格式如 2024-03-05（也可写 2024/3/5、2024年3月5日、2024.3.5）。",
    "七、办理结果：从下拉列表选择年度报告表三中的办理结果；尚在办理中的，办理结果和答复日期都留空。",
    "八、答复日期：填写办理结果的必须填写答复日期，且不得早于收到日期。",
    "九、“复议诉讼”工作表每行登记一件行政复议或行政诉讼案件；案件编号不得重复。",
    "十、关联受理编号：案件涉及的申请的受理编号，多个的用顿号“、”或逗号分隔；可以是往年台账中的申请。",
    "十一、类型：行政复议、未经复议直接起诉、复议后起诉。",
    "十二、结果：结果维持、结果纠正、其他结果、尚未审结；尚未审结的不填结案日期，其余必须填写结案日期。",
    "十三、空行会被忽略。导入时如有任何一行填写有误，整个文件都不会导入，系统会列出每处错误的工作表、行号和列名。",
    "十四、也可将两个工作表分别另存为 CSV 文件（UTF-8 或 GBK 编码）导入。",
];

fn headers(
    ws: &mut Worksheet,
    names: &[&str],
    widths: &[f64],
    format: &Format,
) -> Result<(), XlsxError> {
    for (i, (name, width)) in names.iter().zip(widths).enumerate() {
        let col = u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(0, col, *name, format)?;
        ws.set_column_width(col, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
