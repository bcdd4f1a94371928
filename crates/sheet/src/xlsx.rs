//! The pieces of an XLSX template: its cell styles, drop-down lists kept on a hidden sheet,
//! date checks, and dates written as Excel dates.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, Formula, Workbook, Worksheet, XlsxError,
};

/// Rows (0-based, after the header) that carry the drop-downs and date checks.
pub const LAST_ROW: u32 = 9999;
/// How a template shows a date.
pub const DATE_FORMAT: &str = "yyyy-mm-dd";

/// The cell styles of a template.
#[derive(Debug, Clone)]
pub struct Formats {
    /// Header cells: bold, centred, light blue.
    pub header: Format,
    /// Date cells, as [`DATE_FORMAT`].
    pub date: Format,
    /// Text cells, so that leading zeros of a number survive.
    pub text: Format,
    /// Long text, wrapped.
    pub wrap: Format,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(0x00DD_EBF7),
            date: Format::new().set_num_format(DATE_FORMAT),
            text: Format::new().set_num_format("@"),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

/// The hidden sheet `name` holding the drop-down lists, one a column: its title in row 1, its
/// entries below. Lists live there because one of them alone may be longer than the 255
/// characters Excel allows inline.
pub fn options_sheet(
    wb: &mut Workbook,
    name: &str,
    lists: &[(&str, &[&str])],
    width: f64,
    header: &Format,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(name)?;
    for (col, (title, entries)) in lists.iter().enumerate() {
        let col = u16::try_from(col).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(0, col, *title, header)?;
        ws.set_column_width(col, width)?;
        for (i, entry) in entries.iter().enumerate() {
            let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.write_string(row, col, *entry)?;
        }
    }
    ws.set_hidden(true);
    Ok(())
}

/// A drop-down in column `col` (rows 2 to [`LAST_ROW`] + 1) from the list of `len` entries in
/// column `list_col` (0 is `A`, at most `Z`) of the sheet `options`. `style`: whether another
/// value is refused or only warned about.
pub fn list(
    ws: &mut Worksheet,
    col: u16,
    options: &str,
    list_col: u16,
    len: usize,
    style: DataValidationErrorStyle,
    title: &str,
) -> Result<(), XlsxError> {
    let letter = u8::try_from(list_col)
        .ok()
        .filter(|c| *c < 26)
        .map(|c| char::from(b'A' + c))
        .ok_or(XlsxError::RowColumnLimitError)?;
    let last = len + 1;
    let dv = DataValidation::new()
        .allow_list_formula(Formula::new(format!(
            "='{options}'!${letter}$2:${letter}${last}"
        )))
        .set_error_style(style)
        .set_error_title("输入有误")?
        .set_error_message(format!("请从下拉列表中选择{title}。"))?;
    ws.add_data_validation(1, col, LAST_ROW, col, &dv)?;
    Ok(())
}

/// A date check on column `col`: a date from 1 January of `earliest_year` to 2100. A warning
/// only, so that a text date such as `2024年3月5日` can still be typed; `example` is the date
/// the warning shows.
pub fn date_check(
    ws: &mut Worksheet,
    col: u16,
    earliest_year: u16,
    example: &str,
) -> Result<(), XlsxError> {
    let dv = DataValidation::new()
        .allow_date(DataValidationRule::Between(
            ExcelDateTime::from_ymd(earliest_year, 1, 1)?,
            ExcelDateTime::from_ymd(2100, 12, 31)?,
        ))
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("日期格式")?
        .set_error_message(format!("请填写日期，如 {example}。"))?;
    ws.add_data_validation(1, col, LAST_ROW, col, &dv)?;
    Ok(())
}

/// Writes `d` as an Excel date; a date Excel cannot show is `out_of_range(d)`.
pub fn write_date<E: From<XlsxError>>(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    d: NaiveDate,
    format: &Format,
    out_of_range: impl FnOnce(NaiveDate) -> E,
) -> Result<(), E> {
    let (Ok(y), Ok(m), Ok(day)) = (
        u16::try_from(d.year()),
        u8::try_from(d.month()),
        u8::try_from(d.day()),
    ) else {
        return Err(out_of_range(d));
    };
    let Ok(dt) = ExcelDateTime::from_ymd(y, m, day) else {
        return Err(out_of_range(d));
    };
    ws.write_datetime_with_format(row, col, &dt, format)?;
    Ok(())
}
