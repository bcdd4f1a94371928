//! The report as an Excel workbook: one sheet per table (`表二`, `表三`, `表四`) laid out like the
//! template from the same grids as every other renderer (merged ranges for spanned cells), with
//! figures as numeric cells so that the workbook can be summed and compared, plus a sheet
//! `单元格` of `cell,value` pairs for machines.
//!
//! The `单元格` sheet has the rows of the CSV document, in the same order: `cell,value`, then
//! `format`, `year`, `agency`, one row per cell of the layout (the canonical value: 2019
//! `procurement_amount` in 元, 2021 `amount_wan_yuan` in 万元; blank when absent), `preamble` and
//! the six sections by key (`s1_overview` … `s6_other`). A figure is a number when a spreadsheet
//! number holds it exactly, else its decimal text. A text longer than a cell holds (32,767 UTF-16
//! units) continues on the next rows under the same key. `gongkai-reader` reads this sheet back
//! to the same report.
//!
//! Every text is written as a string cell (`write_string`), never as a formula, so nothing in a
//! report can run in a spreadsheet.

use crate::{RenderError, title};
use gongkai_report::layout::{self, Content, Grid, GridCell, Role, TableId};
use gongkai_report::template::{self, CellKind, MoneyUnit};
use gongkai_report::{CellKey, Report, Section, Value};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use unicode_width::UnicodeWidthStr;

/// The grid's first row: row 0 holds the title, row 1 the section heading.
pub(crate) const GRID_TOP: u32 = 2;

/// The sheet names, in table order.
pub(crate) fn sheet_name(table: TableId) -> &'static str {
    match table {
        TableId::T2 => "表二",
        TableId::T3 => "表三",
        TableId::T4 => "表四",
    }
}

/// The machine-readable sheet.
pub(crate) const CELLS_SHEET: &str = "单元格";

/// A font every Chinese spreadsheet installation has.
const FONT: &str = "宋体";
const FONT_SIZE: f64 = 11.0;
/// Points per wrapped line at `FONT_SIZE`.
const LINE_HEIGHT: f64 = 15.0;

/// The cell formats of a table sheet.
struct Formats {
    title: Format,
    heading: Format,
    header: Format,
    label: Format,
    label_centred: Format,
    note: Format,
    count: Format,
    signed: Format,
    /// 2019 采购总金额, printed in 万元; by the number of decimals (0 to [`MAX_DECIMALS`]).
    yuan_as_wan: Vec<Format>,
    /// 2021 本年收费金额（单位：万元）; by the number of decimals.
    wan_yuan: Vec<Format>,
}

/// The most decimals a money format shows: 元 with 分 and below are 万元 with up to 6 decimals,
/// and anything a spreadsheet number holds exactly fits.
const MAX_DECIMALS: usize = 15;

/// Money formats showing exactly `decimals` decimals (at least two, as money is printed),
/// with `unit` after the number when the label has no unit.
fn money_formats(figure: &Format, unit: &str) -> Vec<Format> {
    (0..=MAX_DECIMALS)
        .map(|d| {
            let decimals = "0".repeat(d.max(2));
            let unit = if unit.is_empty() {
                String::new()
            } else {
                format!("\"{unit}\"")
            };
            figure.clone().set_num_format(format!("0.{decimals}{unit}"))
        })
        .collect()
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new()
            .set_font_name(FONT)
            .set_font_size(FONT_SIZE)
            .set_align(FormatAlign::VerticalCenter);
        let boxed = base.clone().set_border(FormatBorder::Thin).set_text_wrap();
        let figure = boxed.clone().set_align(FormatAlign::Center);
        Formats {
            title: base
                .clone()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center),
            heading: base.clone().set_bold().set_align(FormatAlign::Left),
            header: boxed.clone().set_bold().set_align(FormatAlign::Center),
            label: boxed.clone().set_align(FormatAlign::Left),
            label_centred: boxed.clone().set_align(FormatAlign::Center),
            note: boxed.clone().set_font_size(9).set_align(FormatAlign::Left),
            // "0" rather than General so that large counts never turn into 1.2E+07.
            count: figure.clone().set_num_format("0"),
            // Signed counts keep their sign as printed in the template (`+3`, `0`, `-4`).
            signed: figure.clone().set_num_format("+0;-0;0"),
            // 2019 采购总金额 has no unit in its label and is stored in 元; amounts of that
            // size read as 万元 (`33633789.63万元`), so the sheet shows 万元 and says so.
            yuan_as_wan: money_formats(&figure, MoneyUnit::WanYuan.label()),
            // The 2021 fee label already says 万元.
            wan_yuan: money_formats(&figure, ""),
        }
    }

    /// The format of a figure's cell; for money, the one that shows every decimal of `shown`.
    fn figure(&self, key: CellKey, shown: Option<Value>) -> &Format {
        let decimals = match shown {
            Some(Value::Money(d)) => (d.normalize().scale() as usize).min(MAX_DECIMALS),
            _ => 2,
        };
        match key.kind() {
            CellKind::Count => &self.count,
            CellKind::SignedCount => &self.signed,
            CellKind::Money(MoneyUnit::Yuan) => &self.yuan_as_wan[decimals],
            CellKind::Money(MoneyUnit::WanYuan) => &self.wan_yuan[decimals],
        }
    }

    fn label(&self, table: TableId, cell: &GridCell) -> &Format {
        match cell.role {
            Role::Header | Role::Caption => &self.header,
            Role::Note => &self.note,
            Role::Data => &self.count,
            // Vertical groups and table 二's short labels are centred; long items flush left.
            Role::RowHeader if table != TableId::T3 || cell.row_span > 1 => &self.label_centred,
            Role::RowHeader => &self.label,
        }
    }
}

/// A figure as a spreadsheet number, when one holds it exactly: the number's shortest decimal
/// form is the figure's own (counts up to 2⁵³, money up to about 15 significant digits, which
/// covers any real amount). Otherwise `None`, and the figure is written as its text.
fn number(value: Value) -> Option<f64> {
    let text = value.to_string();
    let n: f64 = text.parse().ok()?;
    (n.is_finite() && n.to_string() == text).then_some(n)
}

/// The figure as the table sheets show it: 2019 `procurement_amount` (元) in 万元, exactly
/// (the decimal point moved four places); every other figure as it is. `None` only for an
/// amount with more decimals than a decimal holds.
fn shown(key: CellKey, value: Value) -> Option<Value> {
    match (key.kind(), value) {
        (CellKind::Money(MoneyUnit::Yuan), Value::Money(d)) => {
            crate::yuan_to_wan_yuan(d).map(Value::Money)
        }
        _ => Some(value),
    }
}

/// Renders the report as XLSX bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, RenderError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    for table in TableId::ALL {
        let grid = layout::report_grid(report, table);
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(table))?;
        write_table(sheet, report, &grid, &formats)?;
    }
    let sheet = workbook.add_worksheet();
    sheet.set_name(CELLS_SHEET)?;
    write_cells(sheet, report)?;
    Ok(workbook.save_to_buffer()?)
}

/// Column widths in Excel character units.
fn column_widths(grid: &Grid) -> Vec<f64> {
    match grid.table {
        TableId::T2 => {
            let mut w = vec![18.0; grid.columns];
            w[0] = 22.0;
            w
        }
        TableId::T3 => {
            // 10 units hold `社会公益组织` and `法律服务机构` on one line.
            let mut w = vec![10.0; grid.columns];
            w[0] = 8.0;
            w[1] = 12.0;
            w[2] = 44.0;
            w
        }
        TableId::T4 => vec![9.0; grid.columns],
    }
}

fn write_table(
    sheet: &mut Worksheet,
    report: &Report,
    grid: &Grid,
    f: &Formats,
) -> Result<(), RenderError> {
    let widths = column_widths(grid);
    for (c, &w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, w)?;
    }
    let last_col = (grid.columns - 1) as u16;
    sheet.merge_range(0, 0, 0, last_col, &title(report), &f.title)?;
    sheet.set_row_height(0, 24)?;
    let heading = template::section_heading(grid.table.section());
    sheet.merge_range(1, 0, 1, last_col, heading, &f.heading)?;

    // Excel does not grow rows for wrapped text in merged cells, so row heights are set from
    // the longest text each row must hold.
    let mut lines = vec![1usize; grid.rows];
    for cell in &grid.cells {
        let (r0, c0) = (GRID_TOP + cell.row as u32, cell.col as u16);
        let (r1, c1) = (r0 + cell.row_span as u32 - 1, c0 + cell.col_span as u16 - 1);
        let spanned = r1 != r0 || c1 != c0;
        match cell.content {
            Content::Value(key) => {
                let value = report.get(key);
                let shown = value.and_then(|v| shown(key, v));
                let format = f.figure(key, shown);
                if spanned {
                    sheet.merge_range(r0, c0, r1, c1, "", format)?;
                }
                match value {
                    Some(v) => match shown.and_then(number) {
                        Some(n) => sheet.write_number_with_format(r0, c0, n, format)?,
                        // A figure no spreadsheet number holds exactly stays exact as text.
                        None => {
                            let text = match shown {
                                Some(s) if is_yuan(key) => {
                                    format!("{s}{}", MoneyUnit::WanYuan.label())
                                }
                                Some(s) => crate::cell_text(key, Some(s)),
                                None => crate::cell_text(key, Some(v)),
                            };
                            sheet.write_string_with_format(r0, c0, text, format)?
                        }
                    },
                    // An absent figure stays blank (never 0), with its borders.
                    None => sheet.write_blank(r0, c0, format)?,
                };
            }
            Content::Text(text) => {
                let format = f.label(grid.table, cell);
                if spanned {
                    sheet.merge_range(r0, c0, r1, c1, text, format)?;
                } else {
                    sheet.write_string_with_format(r0, c0, text, format)?;
                }
                let width: f64 = widths[cell.col..cell.col + cell.col_span].iter().sum();
                // Display width counts a CJK character as 2, like Excel's character unit;
                // smaller note text takes less room.
                let scale = if cell.role == Role::Note { 0.8 } else { 1.0 };
                let needed = (text.width() as f64 * scale / (width - 1.0).max(1.0)).ceil();
                let per_row = (needed as usize).div_ceil(cell.row_span);
                for l in &mut lines[cell.row..cell.row + cell.row_span] {
                    *l = (*l).max(per_row);
                }
            }
            Content::Empty => {
                if spanned {
                    sheet.merge_range(r0, c0, r1, c1, "", &f.label)?;
                } else {
                    sheet.write_blank(r0, c0, &f.label)?;
                }
            }
        }
    }
    for (r, &n) in lines.iter().enumerate() {
        sheet.set_row_height(GRID_TOP + r as u32, n as f64 * LINE_HEIGHT + 3.0)?;
    }

    // Freeze the header rows (and table 三's label columns) where the header is one block;
    // table 二 repeats its header per block, so freezing would hide more than it helps.
    match grid.table {
        TableId::T2 => {}
        TableId::T3 => {
            sheet.set_freeze_panes(GRID_TOP + 3, 3)?;
        }
        TableId::T4 => {
            sheet.set_freeze_panes(GRID_TOP + 3, 0)?;
        }
    }

    // Print on A4, one page wide; the 15 columns of table 四 need landscape.
    sheet.set_paper_size(9);
    if grid.table == TableId::T4 {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    Ok(())
}

fn is_yuan(key: CellKey) -> bool {
    key.kind() == CellKind::Money(MoneyUnit::Yuan)
}

/// The most UTF-16 units a cell holds (Excel's limit, which `rust_xlsxwriter` enforces).
const MAX_CELL_TEXT: usize = 32_767;

/// The metadata, every cell of the report's layout (canonical values; absent figures blank),
/// the preamble and the sections, as `cell,value` rows (see the module documentation).
fn write_cells(sheet: &mut Worksheet, report: &Report) -> Result<(), RenderError> {
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, "cell", &bold)?;
    sheet.write_string_with_format(0, 1, "value", &bold)?;
    sheet.set_column_width(0, 44)?;
    sheet.set_column_width(1, 20)?;
    let mut row = 1u32;
    sheet.write_string(row, 0, "format")?;
    sheet.write_string(row, 1, report.format.as_str())?;
    row += 1;
    sheet.write_string(row, 0, "year")?;
    sheet.write_number(row, 1, f64::from(report.year))?;
    row += 1;
    write_text(sheet, &mut row, "agency", &report.agency)?;
    for (key, value) in report.cells() {
        sheet.write_string(row, 0, key.to_string())?;
        if let Some(v) = value {
            match number(v) {
                Some(n) => sheet.write_number(row, 1, n)?,
                None => sheet.write_string(row, 1, v.to_string())?,
            };
        }
        row += 1;
    }
    write_text(sheet, &mut row, "preamble", &report.preamble)?;
    for &section in Section::ALL {
        write_text(sheet, &mut row, section.key(), report.section(section))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A text under its key: one row, or as many as its length needs (continued under the same
/// key). An empty text is one row with a blank value.
fn write_text(
    sheet: &mut Worksheet,
    row: &mut u32,
    key: &str,
    text: &str,
) -> Result<(), RenderError> {
    let mut rest = text;
    loop {
        let mut units = 0;
        let cut = rest
            .char_indices()
            .find(|&(_, c)| {
                units += c.len_utf16();
                units > MAX_CELL_TEXT
            })
            .map_or(rest.len(), |(i, _)| i);
        let (chunk, tail) = rest.split_at(cut);
        sheet.write_string(*row, 0, key)?;
        if !chunk.is_empty() {
            sheet.write_string(*row, 1, chunk)?;
        }
        *row += 1;
        rest = tail;
        if rest.is_empty() {
            return Ok(());
        }
    }
}
