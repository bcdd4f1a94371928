//! The report as a Word document laid out like a 公文 (GB/T 9704): A4 with the statutory
//! margins, the title in 方正小标宋简体, headings in 黑体, body in 仿宋_GB2312, and the three tables
//! as real Word tables whose merged cells are the template's (`gridSpan` for column spans,
//! `vMerge` restart/continue for row spans), so that Word, WPS and LibreOffice all draw them as
//! the official format does.

use crate::flat::is_subheading;
use crate::{
    DocumentMeta, RenderError, cell_text, escape_markup, head_rows, keep_with_next, signature_date,
    title,
};
use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Footer, HeightRule, InstrPAGE, InstrText,
    LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Table,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType,
    TableRow, VAlignType, VMergeType, WidthType,
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
/// From the bottom edge of the page to the foot of the page number: GB/T 9704-2012 7.5 puts
/// the 一字线 of the page number 7 mm below the text block (35 mm − 7 mm − the 四号 line).
const FOOTER_DISTANCE: i32 = mm(23);

/// The width of the text block, which every table fills.
const TEXT_WIDTH: usize = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;

/// Font names as Chinese government documents name them; Word and WPS substitute installed
/// equivalents when these are missing, and the names are what reviewers look for.
const FONT_TITLE: &str = "方正小标宋简体";
const FONT_HEADING: &str = "黑体";
const FONT_BODY: &str = "仿宋_GB2312";
/// Latin letters and digits in a 公文 are set in Times New Roman.
const FONT_LATIN: &str = "Times New Roman";

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 五号 10.5 pt, 小五 9 pt.
const SIZE_TITLE: usize = 44;
const SIZE_BODY: usize = 32;
const SIZE_PAGE_NUMBER: usize = 28;
const SIZE_TABLE: usize = 21;
const SIZE_TABLE_SMALL: usize = 18;

/// Body line pitch: exactly 28 pt, which gives the 公文's 22 lines per page.
const LINE_BODY: i32 = 560;

/// One character of body text (三号, 16 pt) in twips: the unit of 公文 indents.
const CHAR: i32 = 320;

/// The page number's font: GB/T 9704-2012 7.5 sets it in 4号半角宋体.
const FONT_PAGE_NUMBER: &str = "宋体";

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

/// A Latin word this long (a web address) cannot be broken and would push a justified line
/// apart character by character (`告 电 子 版 可 在 …`).
const LONG_LATIN_WORD: usize = 12;

/// Whether a text holds an unbreakable run of at least [`LONG_LATIN_WORD`] ASCII characters.
fn has_long_latin_word(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_graphic())
        .any(|word| word.len() >= LONG_LATIN_WORD)
}

/// A body paragraph: 仿宋_GB2312 三号, first line indented by two characters (2 × 16 pt),
/// justified, except when it holds a web address or another long Latin word: then flush
/// left, because justification would spread the line before the word letter by letter.
fn body(text: &str) -> Paragraph {
    let align = if has_long_latin_word(text) {
        AlignmentType::Left
    } else {
        AlignmentType::Both
    };
    line(text, FONT_BODY).align(align).indent(
        None,
        Some(SpecialIndentType::FirstLine(640)),
        None,
        None,
    )
}

/// A paragraph of one run in 三号 on the body's exact line pitch ([`LINE_BODY`]),
/// with no space before or after: body text, headings and the signature block.
fn line(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, SIZE_BODY))
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
    line(text, FONT_HEADING)
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
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
pub fn render(report: &Report, meta: &DocumentMeta) -> Result<Vec<u8>, RenderError> {
    let margin = PageMargin::new()
        .top(MARGIN_TOP)
        .bottom(MARGIN_BOTTOM)
        .left(MARGIN_LEFT)
        .right(MARGIN_RIGHT)
        .footer(FOOTER_DISTANCE);
    let mut doc = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margin)
        .footer(page_number_footer())
        .default_fonts(fonts(FONT_BODY))
        .default_size(SIZE_BODY)
        .add_paragraph(title_paragraph(&title(report)));
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
    for p in signature(report, meta) {
        doc = doc.add_paragraph(p);
    }
    finish(doc, report, meta, &header_rows)
}

/// Packs the document after the three things docx-rs 0.4 cannot write: `w:tblHeader` on
/// each table's header rows, the East Asian language of the text (`w:lang`), and core
/// properties with the agency as author and the document's real creation time.
fn finish(
    doc: Docx,
    report: &Report,
    meta: &DocumentMeta,
    header_rows: &[usize],
) -> Result<Vec<u8>, RenderError> {
    let mut xml = doc.build();
    xml.document = mark_header_rows(&xml.document, header_rows)?;
    xml.styles = default_language(&xml.styles)?;
    xml.doc_props.core = core_properties(report, meta).into_bytes();
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// The footer: the page number between two 一字线 (`— 3 —`), centred, from a PAGE field so
/// that every page prints its own number (GB/T 9704-2012 7.5 prints 4号半角宋体 figures
/// between 一字线; centred, as most agencies print their reports, rather than alternating
/// sides, which only makes sense for double-sided binding).
fn page_number_footer() -> Footer {
    let text = |t: &str| run(t, FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER);
    let field = |r: Run| r.fonts(fonts(FONT_PAGE_NUMBER)).size(SIZE_PAGE_NUMBER);
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(text("— "))
            .add_run(field(
                Run::new().add_field_char(FieldCharType::Begin, false),
            ))
            .add_run(field(
                Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new())),
            ))
            .add_run(field(
                Run::new().add_field_char(FieldCharType::Separate, false),
            ))
            // The cached result, shown by viewers that do not update fields.
            .add_run(text("1"))
            .add_run(field(Run::new().add_field_char(FieldCharType::End, false)))
            .add_run(text(" —")),
    )
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

/// The estimated width of a line of body text in characters: CJK one, ASCII (Times New
/// Roman figures) half, plus the quarter character office suites add between CJK text and
/// figures (`autoSpaceDN`).
fn width_in_chars(text: &str) -> f64 {
    let mut width = 0.0;
    let mut previous: Option<bool> = None;
    for c in text.chars() {
        let ascii = c.is_ascii();
        width += if ascii { 0.5 } else { 1.0 };
        if previous.is_some_and(|p| p != ascii) {
            width += 0.25;
        }
        previous = Some(ascii);
    }
    width
}

/// The signature block (落款) after section 六, laid out as GB/T 9704-2012 7.3.5.2 lays out
/// an unsealed document: one blank line below the text, the agency right-aligned two
/// characters from the margin, the date on the next line with its first character two
/// characters right of the agency's first character; when the date would then reach closer
/// than two characters to the margin, the date keeps the two characters and the agency moves
/// left. Without a date, the agency alone.
///
/// The date is placed by its start (a left indent), not by its end: the agency's name is CJK,
/// a character wide in any font, while the width of the date's figures depends on the Latin
/// font the reader's machine substitutes.
fn signature(report: &Report, meta: &DocumentMeta) -> Vec<Paragraph> {
    let agency = report.agency.trim();
    let date = meta.signed_on.map(signature_date);
    let text_chars = TEXT_WIDTH as f64 / f64::from(CHAR);
    let w_agency = width_in_chars(agency);
    let w_date = date.as_deref().map_or(0.0, width_in_chars);
    // In characters from the left margin: where the agency starts, then the date.
    let mut agency_start = text_chars - 2.0 - w_agency;
    if agency_start + 2.0 + w_date > text_chars - 2.0 {
        agency_start = text_chars - 4.0 - w_date;
    }
    let agency_start = agency_start.max(0.0);
    let twips = |chars: f64| (chars * f64::from(CHAR)).round() as i32;
    let line = |text: &str| line(text, FONT_BODY);
    let mut out = Vec::new();
    if agency.is_empty() && date.is_none() {
        return out;
    }
    // The blank line and the agency stay with the date, so the block never splits.
    out.push(line("").keep_next(true));
    out.push(
        line(agency)
            .align(AlignmentType::Right)
            .indent(
                None,
                None,
                Some(twips((text_chars - agency_start - w_agency).max(0.0))),
                None,
            )
            .keep_next(date.is_some()),
    );
    if let Some(date) = date {
        out.push(line(&date).align(AlignmentType::Left).indent(
            Some(twips(agency_start + 2.0)),
            None,
            None,
            None,
        ));
    }
    out
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

/// The language of the text for every run, in the document defaults: Chinese for East Asian
/// text, so that Word and WPS apply Chinese line breaking, punctuation compression and
/// proofing instead of the installer's language.
fn default_language(styles: &[u8]) -> Result<Vec<u8>, RenderError> {
    const DEFAULT_RUN: &str = "<w:rPrDefault><w:rPr>";
    const LANG: &str = r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA" />"#;
    let xml = std::str::from_utf8(styles).map_err(|e| RenderError::Docx(e.to_string()))?;
    let at = xml
        .find(DEFAULT_RUN)
        .ok_or_else(|| RenderError::Docx(String::from("样式中缺少默认字符格式")))?
        + DEFAULT_RUN.len();
    Ok(format!("{}{LANG}{}", &xml[..at], &xml[at..]).into_bytes())
}

/// docProps/core.xml: the title, the agency as author, Chinese as the language and, when
/// known, the creation time (also the time of last modification: the document is new).
fn core_properties(report: &Report, meta: &DocumentMeta) -> String {
    let mut xml = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties""#,
        r#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/""#,
        r#" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    ));
    let agency = escape_markup(report.agency.trim());
    xml.push_str(&format!(
        "<dc:title>{}</dc:title>",
        escape_markup(&title(report))
    ));
    if !agency.is_empty() {
        xml.push_str(&format!("<dc:creator>{agency}</dc:creator>"));
        xml.push_str(&format!("<cp:lastModifiedBy>{agency}</cp:lastModifiedBy>"));
    }
    xml.push_str("<dc:language>zh-CN</dc:language>");
    if let Some(created) = meta.created {
        // W3CDTF in UTC, the form Word writes and every reader accepts.
        let utc = created.naive_utc().format("%Y-%m-%dT%H:%M:%SZ");
        xml.push_str(&format!(
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{utc}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{utc}</dcterms:modified>"#
        ));
    }
    xml.push_str("<cp:revision>1</cp:revision></cp:coreProperties>");
    xml
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
    let margin = PageMargin::new()
        .top(MARGIN_TOP)
        .bottom(MARGIN_BOTTOM)
        .left(MARGIN_LEFT)
        .right(MARGIN_RIGHT)
        .footer(FOOTER_DISTANCE);
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
    let doc = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margin)
        .footer(page_number_footer())
        .default_fonts(fonts(FONT_BODY))
        .default_size(SIZE_BODY)
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
