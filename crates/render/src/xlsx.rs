//! The report as an Excel workbook: one sheet per table (`表二`, `表三`, `表四`) laid out like the
//! template from the same grids as every other renderer (merged ranges for spanned cells), with
//! figures as numeric cells so that the workbook can be summed and compared, plus a sheet
//! `单元格` of `cell,value` pairs for machines.

use crate::{RenderError, title};
use gongkai_report::layout::{self, Content, Grid, GridCell, Role, TableId};
use gongkai_report::template::{self, CellKind, MoneyUnit};
use gongkai_report::{CellKey, Report, Value};
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
    yuan: Format,
    wan_yuan: Format,
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
            // 2019 采购总金额 has no unit in its label: the cell format says 元.
            yuan: figure.clone().set_num_format("#,##0.00\"元\""),
            // The 2021 fee label already says 万元.
            wan_yuan: figure.set_num_format("#,##0.00##"),
        }
    }

    fn figure(&self, key: CellKey) -> &Format {
        match key.kind() {
            CellKind::Count => &self.count,
            CellKind::SignedCount => &self.signed,
            CellKind::Money(MoneyUnit::Yuan) => &self.yuan,
            CellKind::Money(MoneyUnit::WanYuan) => &self.wan_yuan,
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

/// A figure as a spreadsheet number: counts exactly, money through its decimal text (exact up
/// to 15 significant digits, which covers any real amount).
fn number(value: Value) -> Option<f64> {
    match value {
        Value::Int(n) => Some(n as f64),
        Value::Money(d) => d.to_string().parse().ok(),
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
                let format = f.figure(key);
                if spanned {
                    sheet.merge_range(r0, c0, r1, c1, "", format)?;
                }
                match report.get(key) {
                    Some(v) => match number(v) {
                        Some(n) => sheet.write_number_with_format(r0, c0, n, format)?,
                        // Never reached for a valid decimal; keep the figure visible anyway.
                        None => sheet.write_string_with_format(r0, c0, v.to_string(), format)?,
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

/// `cell,value` pairs for every cell of the report's layout; absent figures are blank.
fn write_cells(sheet: &mut Worksheet, report: &Report) -> Result<(), RenderError> {
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, "cell", &bold)?;
    sheet.write_string_with_format(0, 1, "value", &bold)?;
    sheet.set_column_width(0, 44)?;
    sheet.set_column_width(1, 20)?;
    for (i, (key, value)) in report.cells().into_iter().enumerate() {
        let row = 1 + i as u32;
        sheet.write_string(row, 0, key.to_string())?;
        if let Some(v) = value {
            match number(v) {
                Some(n) => sheet.write_number(row, 1, n)?,
                None => sheet.write_string(row, 1, v.to_string())?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}
