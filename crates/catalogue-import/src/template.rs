//! The XLSX catalogue template, blank or filled, and the same columns as CSV.

use chrono::NaiveDate;
use gongkai_catalogue::{Item, NewDocument, Validity};
use gongkai_report::spreadsheet::guard;
use gongkai_sheet::xlsx::{Formats, date_check, list, options_sheet, write_date};
use rust_xlsxwriter::{DataValidationErrorStyle, Format, Workbook, Worksheet, XlsxError};

use crate::columns::{Column, HEADERS};
use gongkai_catalogue::vocab::{category_label, item_label};

/// The catalogue sheet of the template.
pub const CATALOGUE_SHEET: &str = "目录";
/// The instructions sheet (ignored when reading).
pub const INSTRUCTIONS_SHEET: &str = "说明";
/// The hidden sheet holding the drop-down lists (ignored when reading).
pub const OPTIONS_SHEET: &str = "选项";

/// The longest text an Excel cell holds.
const MAX_CELL_CHARS: usize = 32_767;

/// The template or a filled table could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("生成 XLSX 文件失败：{0}")]
    Xlsx(#[from] XlsxError),
    #[error("日期“{0}”超出 Excel 能表示的范围")]
    Date(NaiveDate),
    #[error(
        "索引号“{index}”的{column}有 {chars} 个字符，超过 Excel 单元格的上限 32767 个，请改为导出 CSV"
    )]
    CellTooLong {
        index: String,
        column: &'static str,
        chars: usize,
    },
    #[error("生成 CSV 文件失败：{0}")]
    Csv(String),
}

/// A document as a row of the table: the document and what the table writes by name rather
/// than by id.
#[derive(Debug, Clone, Copy)]
pub struct ExportRow<'a> {
    /// The name of `document.agency` (发布机构).
    pub agency: &'a str,
    pub document: &'a NewDocument,
    /// 解读对象: the 索引号 of the document `document.interprets` points at.
    pub interprets_index: Option<&'a str>,
}

/// Labels of the drop-downs.
const CATEGORIES: [&str; 2] = ["规章", "规范性文件"];
const VALIDITIES: [&str; 3] = ["有效", "失效", "废止"];

fn validity_label(v: &Validity) -> &'static str {
    match v {
        Validity::InForce => "有效",
        Validity::Expired { .. } => "失效",
        Validity::Repealed { .. } => "废止",
    }
}

fn validity_date(v: &Validity) -> Option<NaiveDate> {
    match v {
        Validity::InForce => None,
        Validity::Expired { on } | Validity::Repealed { on, .. } => Some(*on),
    }
}

/// A row's cells in [`HEADERS`] order: text, or a date.
enum Value<'a> {
    Text(std::borrow::Cow<'a, str>),
    Date(Option<NaiveDate>),
}

fn values<'a>(r: &ExportRow<'a>) -> [Value<'a>; 18] {
    let d = r.document;
    let t = |s: &'a str| Value::Text(s.into());
    [
        t(&d.index_number.raw),
        t(&d.title),
        t(r.agency),
        t(d.doc_number.as_ref().map_or("", |n| n.raw.as_str())),
        Value::Date(d.written),
        Value::Date(Some(d.published)),
        t(d.category.map_or("", category_label)),
        Value::Text(d.item.as_ref().map(item_label).unwrap_or_default().into()),
        t(&d.topic),
        t(&d.genre),
        t(validity_label(&d.validity)),
        Value::Date(validity_date(&d.validity)),
        t(&d.body_html),
        t(&d.method),
        t(&d.scope),
        t(r.interprets_index.unwrap_or("")),
        Value::Text(d.items.join("、").into()),
        Value::Text(d.channels.join("、").into()),
    ]
}

/// The blank template: sheet `目录` with [`HEADERS`] (bold, frozen), drop-down lists for 类别,
/// 第二十条项目 and 有效性, date columns formatted `yyyy-mm-dd` and checked for a date (a warning
/// only, so that `2020年3月5日` can still be typed), 索引号 and 文号 as text; sheet `说明`
/// explaining every column with an example row; and the hidden sheet `选项` holding the lists.
/// It reads back as no documents.
///
/// # Errors
/// [`TemplateError::Xlsx`] only if the XLSX writer fails.
pub fn template() -> Result<Vec<u8>, TemplateError> {
    write_table(&[])
}

/// The template filled with `rows`, so that an agency can keep editing its catalogue in a
/// spreadsheet: [`crate::read_table`] reads it back to the same documents (with the same agency
/// names resolved to the same ids), except what the table has no column for: attachments, the
/// repealing document of a 废止, and `interprets` (written as `interprets_index`). 正文 is written
/// as the sanitised HTML.
///
/// # Errors
/// [`TemplateError::CellTooLong`] when a 正文 is longer than an Excel cell holds,
/// [`TemplateError::Date`] for a date Excel cannot show.
pub fn write_table(rows: &[ExportRow<'_>]) -> Result<Vec<u8>, TemplateError> {
    let mut wb = Workbook::new();
    let Formats {
        header,
        date,
        text,
        wrap,
    } = Formats::default();
    let col = |c: Column| u16::try_from(c as usize).unwrap_or(0);
    let items: Vec<String> = (1..=15).map(|n| item_label(&Item::Article20(n))).collect();
    let items: Vec<&str> = items.iter().map(String::as_str).collect();

    {
        let ws = wb.add_worksheet().set_name(CATALOGUE_SHEET)?;
        for (i, name) in HEADERS.iter().enumerate() {
            let c = u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.write_string_with_format(0, c, *name, &header)?;
            let width = match Column::ALL[i] {
                Column::Title | Column::Body => 48.0,
                Column::IndexNumber | Column::Agency | Column::Item => 26.0,
                Column::DocNumber
                | Column::Interprets
                | Column::StandardItem
                | Column::Channels => 20.0,
                _ => 13.0,
            };
            ws.set_column_width(c, width)?;
        }
        ws.set_freeze_panes(1, 0)?;
        for c in [Column::IndexNumber, Column::DocNumber, Column::Interprets] {
            ws.set_column_format(col(c), &text)?;
        }
        for c in [Column::Written, Column::Published, Column::Repealed] {
            ws.set_column_format(col(c), &date)?;
            date_check(ws, col(c), 1949, "2020-03-05")?;
        }
        ws.set_column_format(col(Column::Body), &wrap)?;
        // 类别 and 有效性 are closed lists; a 第二十一条 item is written as its name, so the
        // 第二十条 list only warns.
        list(
            ws,
            col(Column::Category),
            OPTIONS_SHEET,
            0,
            CATEGORIES.len(),
            DataValidationErrorStyle::Stop,
            "类别",
        )?;
        list(
            ws,
            col(Column::Item),
            OPTIONS_SHEET,
            1,
            items.len(),
            DataValidationErrorStyle::Warning,
            "第二十条项目",
        )?;
        list(
            ws,
            col(Column::Validity),
            OPTIONS_SHEET,
            2,
            VALIDITIES.len(),
            DataValidationErrorStyle::Stop,
            "有效性",
        )?;

        for (i, r) in rows.iter().enumerate() {
            let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (j, value) in values(r).into_iter().enumerate() {
                let c = u16::try_from(j).map_err(|_| XlsxError::RowColumnLimitError)?;
                match value {
                    Value::Text(s) if s.is_empty() => {}
                    Value::Text(s) => {
                        let chars = s.chars().count();
                        if chars > MAX_CELL_CHARS {
                            return Err(TemplateError::CellTooLong {
                                index: r.document.index_number.raw.clone(),
                                column: HEADERS[j],
                                chars,
                            });
                        }
                        ws.write_string_with_format(row, c, s.as_ref(), &text)?;
                    }
                    Value::Date(None) => {}
                    Value::Date(Some(d)) => write_date(ws, row, c, d, &date, TemplateError::Date)?,
                }
            }
        }
    }

    {
        let ws = wb.add_worksheet().set_name(INSTRUCTIONS_SHEET)?;
        instructions(ws, &header, &wrap)?;
    }

    let lists: [(&str, &[&str]); 3] = [
        ("类别", &CATEGORIES),
        ("第二十条项目", &items),
        ("有效性", &VALIDITIES),
    ];
    options_sheet(&mut wb, OPTIONS_SHEET, &lists, 24.0, &header)?;
    Ok(wb.save_to_buffer()?)
}

/// The table as CSV (UTF-8 with BOM, which Excel opens without asking), with the columns and
/// values of [`write_table`] and dates as `yyyy-mm-dd`. A text cell a spreadsheet would take for
/// a formula is written with a leading `'` ([`guard`]), which [`crate::read_table`] drops again.
///
/// # Errors
/// [`TemplateError::Csv`] only if the CSV writer fails.
pub fn write_table_csv(rows: &[ExportRow<'_>]) -> Result<Vec<u8>, TemplateError> {
    let csv_err = |e: csv::Error| TemplateError::Csv(e.to_string());
    let mut out = Vec::new();
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(HEADERS).map_err(csv_err)?;
    for r in rows {
        let cells: Vec<String> = values(r)
            .into_iter()
            .map(|v| match v {
                Value::Text(s) => guard(&s).into_owned(),
                Value::Date(d) => d
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            })
            .collect();
        w.write_record(&cells).map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| TemplateError::Csv(e.to_string()))
}

/// What each column means, in template order: (required, explanation, example).
const EXPLAINED: [(bool, &str, &str); 18] = [
    (
        true,
        "本机关公开目录中的唯一编号，再次导入时按索引号识别同一文件；常见格式为“机关代码/年份-顺序号”。",
        "11140802MB1962461X/2020-00123",
    ),
    (
        true,
        "文件的完整标题。",
        "关于印发《盐湖区全面推进基层政务公开标准化规范化工作方案》的通知",
    ),
    (
        false,
        "发布文件的机关，须是系统中已登记的机关名称；留空时按导入时指定的默认机关。",
        "运城市盐湖区人民政府办公室",
    ),
    (
        false,
        "发文字号，括号写法〔〕[]()均可，系统统一识别；没有文号的留空。",
        "盐政办发〔2020〕12号",
    ),
    (
        false,
        "文件签发、形成的日期（《政府信息公开条例》第二十六条自此起算二十个工作日）。",
        "2020-03-05",
    ),
    (
        true,
        "在政府网站等公开的日期。日期可写作 2020-03-05、2020/3/5、2020年3月5日 或 20200305。",
        "2020-03-10",
    ),
    (
        false,
        "规章或规范性文件从下拉列表选择，其他文件留空；年度报告表二据此统计制发、废止和现行有效件数。",
        "规范性文件",
    ),
    (
        false,
        "文件属于《条例》第二十条的哪一项，从下拉列表选择；属于本地依第二十一条增加的公开事项的，直接填写事项名称。",
        "第二十条第（一）项",
    ),
    (false, "主题分类，如“城乡建设、环境保护”。", "综合政务"),
    (false, "体裁（文种），如通知、公告、意见、办法。", "通知"),
    (
        false,
        "从下拉列表选择：有效、失效、废止；留空按有效处理。",
        "有效",
    ),
    (false, "有效性为失效或废止时必填：失效或废止的日期。", ""),
    (
        false,
        "正文，可以是纯文本（每行一段）或 HTML；HTML 导入时会清除脚本等不安全内容。",
        "各乡（镇）人民政府、街道办事处，区直各部门：……",
    ),
    (false, "如“政府网站”“政府公报”。", "政府网站"),
    (false, "如“面向社会”。", "面向社会"),
    (
        false,
        "仅政策解读填写：被解读文件的索引号（可以是本次导入或已导入的文件）。",
        "",
    ),
    (
        false,
        "本文件公开的政务公开事项标准目录事项的事项编号（须在本机关的标准目录中），多个用“、”分隔。",
        "CZ-001",
    ),
    (
        false,
        "本文件发布的渠道名称（须是已登记的门户网站或政务新媒体账号），多个用“、”分隔。",
        "盐湖区人民政府网站、盐湖发布",
    ),
];

fn instructions(ws: &mut Worksheet, header: &Format, wrap: &Format) -> Result<(), XlsxError> {
    ws.set_column_width(0, 16.0)?;
    ws.set_column_width(1, 8.0)?;
    ws.set_column_width(2, 80.0)?;
    ws.set_column_width(3, 44.0)?;
    ws.write_string_with_format(0, 0, "列名", header)?;
    ws.write_string_with_format(0, 1, "是否必填", header)?;
    ws.write_string_with_format(0, 2, "填写说明", header)?;
    ws.write_string_with_format(0, 3, "示例", header)?;
    let mut row: u32 = 1;
    for (name, (required, text, example)) in HEADERS.iter().zip(EXPLAINED) {
        ws.write_string(row, 0, *name)?;
        ws.write_string(row, 1, if required { "必填" } else { "选填" })?;
        ws.write_string_with_format(row, 2, text, wrap)?;
        ws.write_string_with_format(row, 3, example, wrap)?;
        row += 1;
    }
    row += 1;
    for line in [
        "“目录”工作表每行登记一件主动公开的政府信息，第1行为表头，请勿修改表头文字；列的顺序可以调整，选填的列可以删除。",
        "导入时如有任何一行填写有误，整个文件都不会导入，系统会列出每处错误的行号和列名。",
        "其他系统导出的目录（列名不同，如“标题”“发文字号”）也可以导入：常见列名会自动识别，其余可用表头映射指定，如“标题=信息名称，发文字号=文号”。",
        "也可将“目录”工作表另存为 CSV 文件（UTF-8 或 GBK 编码）导入。",
        "示例行（按“目录”工作表的列顺序）：",
    ] {
        ws.merge_range(row, 0, row, 3, line, wrap)?;
        row += 1;
    }
    for (i, (name, (_, _, example))) in HEADERS.iter().zip(EXPLAINED).enumerate() {
        let c = u16::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(row, c, *name, header)?;
        ws.write_string(row + 1, c, example)?;
    }
    Ok(())
}
