//! The report as a Word document laid out like a 公文 (GB/T 9704): A4 with the statutory
//! margins, the title in 方正小标宋简体, headings in 黑体, body in 仿宋_GB2312, and the three tables
//! as real Word tables whose merged cells are the template's (`gridSpan` for column spans,
//! `vMerge` restart/continue for row spans), so that Word, WPS and LibreOffice all draw them as
//! the official format does.

use crate::{RenderError, cell_text, title};
use docx_rs::{
    AlignmentType, BorderType, Docx, HeightRule, LineSpacing, LineSpacingType, PageMargin,
    Paragraph, Run, RunFonts, SpecialIndentType, Table, TableBorder, TableBorderPosition,
    TableBorders, TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, VMergeType,
    WidthType,
};
use gongkai_report::Report;
use gongkai_report::keys::Section;
use gongkai_report::layout::{self, Content, Grid, GridCell, Role, Slot, TableId};
use gongkai_report::template;

/// A4 in twips (1/1440 inch).
pub(crate) const PAGE_WIDTH: u32 = 11906;
pub(crate) const PAGE_HEIGHT: u32 = 16838;

/// Millimetres to twips, rounded.
const fn mm(v: u32) -> i32 {
    ((v * 14400 + 127) / 254) as i32
}

/// 公文 margins (GB/T 9704: 天头 37 mm, 订口 28 mm; bottom and right as commonly set).
pub(crate) const MARGIN_TOP: i32 = mm(37);
pub(crate) const MARGIN_BOTTOM: i32 = mm(35);
pub(crate) const MARGIN_LEFT: i32 = mm(28);
pub(crate) const MARGIN_RIGHT: i32 = mm(26);

/// The width of the text block, which every table fills.
const TEXT_WIDTH: usize = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;

/// Font names as Chinese government documents name them; Word and WPS substitute installed
/// equivalents when these are missing, and the names are what reviewers look for.
const FONT_TITLE: &str = "方正小标宋简体";
const FONT_HEADING: &str = "黑体";
const FONT_BODY: &str = "仿宋_GB2312";
/// Latin letters and digits in a 公文 are set in Times New Roman.
const FONT_LATIN: &str = "Times New Roman";

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 五号 10.5 pt, 小五 9 pt.
const SIZE_TITLE: usize = 44;
const SIZE_BODY: usize = 32;
const SIZE_TABLE: usize = 21;
const SIZE_TABLE_SMALL: usize = 18;

/// Body line pitch: exactly 28 pt, which gives the 公文's 22 lines per page.
const LINE_BODY: i32 = 560;

/// Table cell side margins (twips): narrower than Word's default so that the 15 columns of
/// table 四 still hold two characters per line.
const CELL_MARGIN: usize = 57;

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(FONT_LATIN)
        .hi_ansi(FONT_LATIN)
        .cs(FONT_LATIN)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

/// A body paragraph: 仿宋_GB2312 三号, first line indented by two characters (2 × 16 pt).
fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FONT_BODY, SIZE_BODY))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(LINE_BODY)
                .before(0)
                .after(0),
        )
}

/// A section heading: 黑体 三号, indented like body text as 公文 first-level headings are.
fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FONT_HEADING, SIZE_BODY))
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(LINE_BODY)
                .before(0)
                .after(0),
        )
        .keep_next(true)
}

/// The title: 方正小标宋简体 二号, centred, with a blank line's space below.
fn title_paragraph(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, FONT_TITLE, SIZE_TITLE))
        .align(AlignmentType::Center)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(700)
                .before(0)
                .after(LINE_BODY as u32),
        )
        .keep_next(true)
}

/// Non-empty lines of a text, each becoming one paragraph.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// Renders the report as DOCX bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, RenderError> {
    let margin = PageMargin::new()
        .top(MARGIN_TOP)
        .bottom(MARGIN_BOTTOM)
        .left(MARGIN_LEFT)
        .right(MARGIN_RIGHT);
    let mut doc = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margin)
        .default_fonts(fonts(FONT_BODY))
        .default_size(SIZE_BODY)
        .add_paragraph(title_paragraph(&title(report)));
    for line in lines(&report.preamble) {
        doc = doc.add_paragraph(body(line));
    }
    for &section in Section::ALL {
        doc = doc.add_paragraph(heading(template::section_heading(section)));
        for line in lines(report.section(section)) {
            doc = doc.add_paragraph(body(line));
        }
        if let Some(table) = TableId::ALL.into_iter().find(|t| t.section() == section) {
            doc = doc.add_table(table_of(report, &layout::report_grid(report, table)));
            // Word glues consecutive tables and a following heading to the table otherwise;
            // an empty paragraph keeps the table apart from the next section.
            doc = doc.add_paragraph(Paragraph::new());
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// Column widths in twips, summing to the text width.
fn column_widths(grid: &Grid) -> Vec<usize> {
    let mut widths = match grid.table {
        // The label column needs room for `其他对外管理服务事项`; figures share the rest.
        TableId::T2 => {
            let label = 2400;
            let rest = (TEXT_WIDTH - label) / (grid.columns - 1);
            let mut w = vec![rest; grid.columns];
            w[0] = label;
            w
        }
        // Three label columns (vertical group, sub-group, item) wide, seven figure columns
        // narrow: five-digit counts and two-character header lines fit in 660 twips.
        TableId::T3 => {
            let figure = 660;
            let mut w = vec![figure; grid.columns];
            w[0] = 520;
            w[1] = 900;
            w[2] = TEXT_WIDTH - 520 - 900 - figure * (grid.columns - 3);
            w
        }
        TableId::T4 => vec![TEXT_WIDTH / grid.columns; grid.columns],
    };
    // Give the rounding remainder to the last column so that the table is exactly as wide as
    // the text block.
    let sum: usize = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += TEXT_WIDTH.saturating_sub(sum);
    }
    widths
}

/// One Word table from a template grid, merged cells included.
fn table_of(report: &Report, grid: &Grid) -> Table {
    let widths = column_widths(grid);
    let slots = grid.slots();
    let mut rows = Vec::with_capacity(grid.rows);
    // Table 三 has ~28 rows and must still fit one page; the others have room to breathe.
    let min_height = if grid.table == TableId::T3 {
        320.0
    } else {
        400.0
    };
    for (r, row_slots) in slots.iter().enumerate() {
        // Keeping every row but the last with the next one keeps a statutory table on one
        // page (Word and LibreOffice honour keep-with-next inside tables); a table longer
        // than a page still breaks.
        let keep = r + 1 < grid.rows;
        let mut cells = Vec::new();
        let mut c = 0;
        while c < grid.columns {
            let (index, origin) = match row_slots[c] {
                Slot::Origin(i) => (i, true),
                Slot::Covered(i) => (i, false),
            };
            let Some(cell) = grid.cells.get(index) else {
                // A hole in the template: keep the row rectangular with a plain cell.
                cells.push(TableCell::new().add_paragraph(Paragraph::new()));
                c += 1;
                continue;
            };
            if cell.col != c {
                // Horizontally covered slots are consumed by the origin's gridSpan below.
                c += 1;
                continue;
            }
            let width: usize = widths[c..c + cell.col_span].iter().sum();
            let mut tc = TableCell::new()
                .width(width, WidthType::Dxa)
                .vertical_align(VAlignType::Center);
            if cell.col_span > 1 {
                tc = tc.grid_span(cell.col_span);
            }
            if origin {
                if cell.row_span > 1 {
                    tc = tc.vertical_merge(VMergeType::Restart);
                }
                tc = tc.add_paragraph(cell_paragraph(report, grid.table, cell).keep_next(keep));
            } else {
                // A slot below the origin of a row span: Word wants a `continue` cell with the
                // same gridSpan and an (empty) paragraph.
                debug_assert!(cell.row < r);
                tc = tc
                    .vertical_merge(VMergeType::Continue)
                    .add_paragraph(table_paragraph(SIZE_TABLE).keep_next(keep));
            }
            cells.push(tc);
            c += cell.col_span;
        }
        rows.push(
            TableRow::new(cells)
                .cant_split()
                .row_height(min_height)
                .height_rule(HeightRule::AtLeast),
        );
    }
    let borders = [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ]
    .into_iter()
    .fold(TableBorders::new(), |b, pos| {
        b.set(
            TableBorder::new(pos)
                .border_type(BorderType::Single)
                .size(4),
        )
    });
    Table::new(rows)
        .set_grid(widths)
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(docx_rs::TableAlignmentType::Center)
        .set_borders(borders)
        .margins(
            TableCellMargins::new()
                .margin_left(CELL_MARGIN, WidthType::Dxa)
                .margin_right(CELL_MARGIN, WidthType::Dxa),
        )
}

/// An empty table paragraph with single line spacing and no space around it.
fn table_paragraph(size: usize) -> Paragraph {
    Paragraph::new()
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Auto)
                .line(240)
                .before(0)
                .after(0),
        )
        .size(size)
        .fonts(fonts(FONT_BODY))
}

/// The paragraph inside an origin cell: label or figure, styled by the cell's role.
fn cell_paragraph(report: &Report, table: TableId, cell: &GridCell) -> Paragraph {
    let text = match cell.content {
        Content::Text(t) => t.to_owned(),
        Content::Value(key) => cell_text(key, report.get(key)),
        Content::Empty => String::new(),
    };
    // Table 三's label columns are long and narrow: 小五 keeps them at two or three lines.
    let small = table == TableId::T3 && matches!(cell.role, Role::RowHeader | Role::Note);
    let size = if small { SIZE_TABLE_SMALL } else { SIZE_TABLE };
    let bold = matches!(cell.role, Role::Header | Role::Caption);
    // Headers, captions and figures are centred; so are labels that span several rows (the
    // vertical groups of table 三) and table 二's short row labels. Long item labels read
    // better flush left.
    let centred = match cell.role {
        Role::Header | Role::Caption | Role::Data => true,
        Role::RowHeader => table != TableId::T3 || cell.row_span > 1,
        Role::Note => false,
    };
    let mut p = table_paragraph(size).align(if centred {
        AlignmentType::Center
    } else {
        AlignmentType::Left
    });
    if !text.is_empty() {
        let mut r = run(&text, FONT_BODY, size);
        if bold {
            r = r.bold();
        }
        p = p.add_run(r);
    }
    p
}
