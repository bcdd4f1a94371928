//! The report as a Word document laid out like a 公文 (GB/T 9704): A4 with the statutory
//! margins, the title in 方正小标宋简体, headings in 黑体, body in 仿宋_GB2312, and the three tables
//! as real Word tables whose merged cells are the template's (`gridSpan` for column spans,
//! `vMerge` restart/continue for row spans), so that Word, WPS and LibreOffice all draw them as
//! the official format does.

use crate::flat::is_subheading;
use crate::gongwen::{
    FONT_BODY, FONT_HEADING, LINE_BODY, SIZE_TABLE, SIZE_TABLE_SMALL, TEXT_WIDTH, body,
    default_language, fonts, heading, lines, pack, page, run, signature, title_paragraph,
};
use crate::{DocumentMeta, RenderError, cell_text, head_rows, keep_with_next, title};
use docx_rs::{
    AlignmentType, BorderType, Docx, HeightRule, LineSpacing, LineSpacingType, Paragraph, Table,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType,
    TableRow, VAlignType, VMergeType, WidthType,
};
use gongkai_report::Report;
use gongkai_report::keys::Section;
use gongkai_report::layout::{self, Content, Grid, GridCell, Role, Slot, TableId};
use gongkai_report::template;

/// Table cell side margins (twips): narrower than Word's default so that the 15 columns of
/// table 四 still hold two characters per line.
const CELL_MARGIN: usize = 57;

/// Renders the report as DOCX bytes.
pub fn render(report: &Report, meta: &DocumentMeta) -> Result<Vec<u8>, RenderError> {
    let mut doc = page().add_paragraph(title_paragraph(&title(report)));
    for line in lines(&report.preamble) {
        doc = doc.add_paragraph(body(line));
    }
    // The header rows of each table in document order, for `w:tblHeader` (see `finish`).
    let mut header_rows = Vec::new();
    for &section in Section::ALL {
        let table = TableId::ALL.into_iter().find(|t| t.section() == section);
        doc = doc.add_paragraph(heading(template::section_heading(section)));
        let text: Vec<&str> = lines(report.section(section)).collect();
        for (i, line) in text.iter().enumerate() {
            // The paragraph just above a table stays on the table's first page, a numbered
            // sub-heading on the page of its text.
            let above_table = table.is_some() && i + 1 == text.len();
            doc = doc.add_paragraph(body(line).keep_next(above_table || is_subheading(line)));
        }
        if let Some(table) = table {
            let grid = layout::report_grid(report, table);
            header_rows.push(head_rows(&grid));
            doc = doc.add_table(table_of(report, &grid));
            // Word glues consecutive tables and a following heading to the table otherwise;
            // an empty paragraph keeps the table apart from the next section.
            doc = doc.add_paragraph(spacer());
        }
    }
    for p in signature(&report.agency, meta.signed_on) {
        doc = doc.add_paragraph(p);
    }
    finish(doc, report, meta, &header_rows)
}

/// Packs the document after adding what docx-rs 0.4 cannot write: `w:tblHeader` on each
/// table's header rows (the language and core properties are [`pack`]'s).
fn finish(
    doc: Docx,
    report: &Report,
    meta: &DocumentMeta,
    header_rows: &[usize],
) -> Result<Vec<u8>, RenderError> {
    let mut xml = doc.build();
    xml.document = mark_header_rows(&xml.document, header_rows)?;
    pack(xml, &title(report), &report.agency, meta)
}

/// The empty paragraph after a table: half a body line, so that it separates the table from
/// the next heading without leaving a visible gap where it falls at the top of a page.
fn spacer() -> Paragraph {
    Paragraph::new().line_spacing(
        LineSpacing::new()
            .line_rule(LineSpacingType::Exact)
            .line(LINE_BODY / 2)
            .before(0)
            .after(0),
    )
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
        // narrow: 660 twips hold any five-digit count and three characters of a 小五 header
        // a line (`社会公益组织` on two lines, never three). The vertical group label
        // (`三、本年度办理结果`) gets three characters a line too: three lines, which the two
        // rows kept under it hold (see `keep_with_next`).
        TableId::T3 => {
            let figure = 660;
            let (group, subgroup) = (660, 900);
            let mut w = vec![figure; grid.columns];
            w[0] = group;
            w[1] = subgroup;
            w[2] = TEXT_WIDTH - group - subgroup - figure * (grid.columns - 3);
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
    let keeps = keep_with_next(grid);
    for (r, row_slots) in slots.iter().enumerate() {
        let keep = keeps[r];
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

/// Adds `<w:tblHeader/>` to the first `header_rows[k]` rows of the `k`-th table of the
/// document part as docx-rs writes it (`<w:tbl>`, then rows `<w:tr>` each opening with
/// `<w:trPr>`, which every row of ours has since every row is `cantSplit`).
fn mark_header_rows(document: &[u8], header_rows: &[usize]) -> Result<Vec<u8>, RenderError> {
    const TABLE: &str = "<w:tbl>";
    const ROW_PROPS: &str = "<w:tr><w:trPr>";
    let xml = std::str::from_utf8(document).map_err(|e| RenderError::Docx(e.to_string()))?;
    let mut out = String::with_capacity(xml.len() + 64 * header_rows.len());
    let mut rest = xml;
    for &rows in header_rows {
        let at = rest
            .find(TABLE)
            .ok_or_else(|| RenderError::Docx(String::from("文档中缺少表格")))?;
        out.push_str(&rest[..at + TABLE.len()]);
        rest = &rest[at + TABLE.len()..];
        for _ in 0..rows {
            let at = rest
                .find(ROW_PROPS)
                .ok_or_else(|| RenderError::Docx(String::from("表格缺少表头行")))?;
            out.push_str(&rest[..at + ROW_PROPS.len()]);
            out.push_str("<w:tblHeader />");
            rest = &rest[at + ROW_PROPS.len()..];
        }
    }
    out.push_str(rest);
    Ok(out.into_bytes())
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
    // Table 三's labels are long and its columns narrow: 小五 keeps row labels at two or three
    // lines and the applicant headers at two (three characters a line in a figure column).
    let small =
        table == TableId::T3 && matches!(cell.role, Role::RowHeader | Role::Note | Role::Header);
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

/// A [`crate::listing::Listing`] as a document: the 公文 page and title, then the table in
/// 小五 with its header row repeated on every page.
pub(crate) fn listing(listing: &crate::listing::Listing) -> Result<Vec<u8>, RenderError> {
    let columns = listing.headers.len().max(1);
    let width = TEXT_WIDTH / columns;
    let cell = |text: &str, font: &str| {
        TableCell::new()
            .add_paragraph(
                Paragraph::new()
                    .add_run(run(text, font, SIZE_TABLE_SMALL))
                    .align(AlignmentType::Center),
            )
            .width(width, WidthType::Dxa)
            .vertical_align(VAlignType::Center)
    };
    // A row height gives every row its `w:trPr`, where the header row's mark goes.
    let row = |cells: Vec<TableCell>| {
        TableRow::new(cells)
            .row_height(360.0)
            .height_rule(HeightRule::AtLeast)
    };
    let mut rows = vec![row(listing
        .headers
        .iter()
        .map(|h| cell(h, FONT_HEADING))
        .collect())];
    for r in &listing.rows {
        rows.push(row(r.iter().map(|v| cell(&v.text(), FONT_BODY)).collect()));
    }
    let table = Table::new(rows)
        .layout(TableLayoutType::Fixed)
        .set_grid(vec![width; columns])
        .width(TEXT_WIDTH, WidthType::Dxa);
    // The 公文 page of every document gongkai writes (`gongwen::page`).
    let doc = page()
        .add_paragraph(title_paragraph(&listing.title))
        .add_table(table);
    let mut xml = doc.build();
    xml.document = mark_header_rows(&xml.document, &[1])?;
    xml.styles = default_language(&xml.styles)?;
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
