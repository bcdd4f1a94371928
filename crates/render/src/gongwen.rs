//! The 公文 page (GB/T 9704) that every Word document of gongkai shares: A4 with the statutory
//! margins and the page number between 一字线, the title in 方正小标宋简体, body text in
//! 仿宋_GB2312 三号 on a 28 pt line, the signature block (落款) and the package's Chinese
//! language and core properties. The annual report ([`crate::docx`]) adds its tables to it; a
//! letter ([`letter`]) is a title, an addressee and paragraphs.

use crate::{DocumentMeta, RenderError, escape_markup, signature_date};
use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType,
    PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
};

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
pub(crate) const FOOTER_DISTANCE: i32 = mm(23);

/// The width of the text block, which every table fills.
pub(crate) const TEXT_WIDTH: usize = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;

/// Font names as Chinese government documents name them; Word and WPS substitute installed
/// equivalents when these are missing, and the names are what reviewers look for.
pub(crate) const FONT_TITLE: &str = "方正小标宋简体";
pub(crate) const FONT_HEADING: &str = "黑体";
pub(crate) const FONT_BODY: &str = "仿宋_GB2312";
/// Latin letters and digits in a 公文 are set in Times New Roman.
pub(crate) const FONT_LATIN: &str = "Times New Roman";

/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 五号 10.5 pt, 小五 9 pt.
pub(crate) const SIZE_TITLE: usize = 44;
pub(crate) const SIZE_BODY: usize = 32;
pub(crate) const SIZE_PAGE_NUMBER: usize = 28;
pub(crate) const SIZE_TABLE: usize = 21;
pub(crate) const SIZE_TABLE_SMALL: usize = 18;

/// Body line pitch: exactly 28 pt, which gives the 公文's 22 lines per page.
pub(crate) const LINE_BODY: i32 = 560;

/// One character of body text (三号, 16 pt) in twips: the unit of 公文 indents.
pub(crate) const CHAR: i32 = 320;

/// The page number's font: GB/T 9704-2012 7.5 sets it in 4号半角宋体.
pub(crate) const FONT_PAGE_NUMBER: &str = "宋体";

pub(crate) fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(FONT_LATIN)
        .hi_ansi(FONT_LATIN)
        .cs(FONT_LATIN)
}

pub(crate) fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

/// A Latin word this long (a web address) cannot be broken and would push a justified line
/// apart character by character (`告 电 子 版 可 在 …`).
pub(crate) const LONG_LATIN_WORD: usize = 12;

/// Whether a text holds an unbreakable run of at least [`LONG_LATIN_WORD`] ASCII characters.
pub(crate) fn has_long_latin_word(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_graphic())
        .any(|word| word.len() >= LONG_LATIN_WORD)
}

/// A body paragraph: 仿宋_GB2312 三号, first line indented by two characters (2 × 16 pt),
/// justified, except when it holds a web address or another long Latin word: then flush
/// left, because justification would spread the line before the word letter by letter.
pub(crate) fn body(text: &str) -> Paragraph {
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
pub(crate) fn line(text: &str, font: &str) -> Paragraph {
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
pub(crate) fn heading(text: &str) -> Paragraph {
    line(text, FONT_HEADING)
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
        .keep_next(true)
}

/// The title: 方正小标宋简体 二号, centred, with a blank line's space below.
pub(crate) fn title_paragraph(text: &str) -> Paragraph {
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
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The footer: the page number between two 一字线 (`— 3 —`), centred, from a PAGE field so
/// that every page prints its own number (GB/T 9704-2012 7.5 prints 4号半角宋体 figures
/// between 一字线; centred, as most agencies print their reports, rather than alternating
/// sides, which only makes sense for double-sided binding).
pub(crate) fn page_number_footer() -> Footer {
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

/// The estimated width of a line of body text in characters: CJK one, ASCII (Times New
/// Roman figures) half, plus the quarter character office suites add between CJK text and
/// figures (`autoSpaceDN`).
pub(crate) fn width_in_chars(text: &str) -> f64 {
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

/// The signature block (落款) after the text (the report's section 六, a letter's last
/// paragraph), laid out as GB/T 9704-2012 7.3.5.2 lays out
/// an unsealed document: one blank line below the text, the agency right-aligned two
/// characters from the margin, the date on the next line with its first character two
/// characters right of the agency's first character; when the date would then reach closer
/// than two characters to the margin, the date keeps the two characters and the agency moves
/// left. Without a date, the agency alone.
///
/// The date is placed by its start (a left indent), not by its end: the agency's name is CJK,
/// a character wide in any font, while the width of the date's figures depends on the Latin
/// font the reader's machine substitutes.
pub(crate) fn signature(agency: &str, signed_on: Option<NaiveDate>) -> Vec<Paragraph> {
    let agency = agency.trim();
    let date = signed_on.map(signature_date);
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

/// The language of the text for every run, in the document defaults: Chinese for East Asian
/// text, so that Word and WPS apply Chinese line breaking, punctuation compression and
/// proofing instead of the installer's language.
pub(crate) fn default_language(styles: &[u8]) -> Result<Vec<u8>, RenderError> {
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
pub(crate) fn core_properties(title: &str, author: &str, meta: &DocumentMeta) -> String {
    let mut xml = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties""#,
        r#" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/""#,
        r#" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    ));
    let agency = escape_markup(author.trim());
    xml.push_str(&format!("<dc:title>{}</dc:title>", escape_markup(title)));
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

/// An empty 公文 page: A4, the statutory margins, the page number footer, 仿宋_GB2312 三号 as
/// the default text.
pub(crate) fn page() -> Docx {
    let margin = PageMargin::new()
        .top(MARGIN_TOP)
        .bottom(MARGIN_BOTTOM)
        .left(MARGIN_LEFT)
        .right(MARGIN_RIGHT)
        .footer(FOOTER_DISTANCE);
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margin)
        .footer(page_number_footer())
        .default_fonts(fonts(FONT_BODY))
        .default_size(SIZE_BODY)
}

/// Packs a built document after what docx-rs 0.4 cannot write: the East Asian language of
/// the text and core properties with the title, the author and the creation time.
pub(crate) fn pack(
    mut xml: docx_rs::XMLDocx,
    title: &str,
    author: &str,
    meta: &DocumentMeta,
) -> Result<Vec<u8>, RenderError> {
    xml.styles = default_language(&xml.styles)?;
    xml.doc_props.core = core_properties(title, author, meta).into_bytes();
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// One paragraph of a letter's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A body paragraph, its first line indented by two characters.
    Body(String),
    /// A line flush with the left margin: the addressee (主送, `张三：`), a reference line.
    Flush(String),
    /// A line centred under the title: the letter's number (`〔2025〕第12号`).
    Centred(String),
}

/// A letter (告知书, 通知书, 回执) as a Word document on the 公文 page: the title, the blocks in
/// order, then the agency's signature block dated `meta.signed_on`.
///
/// # Errors
/// When docx-rs cannot pack the document.
pub fn letter(
    title: &str,
    blocks: &[Block],
    agency: &str,
    meta: &DocumentMeta,
) -> Result<Vec<u8>, RenderError> {
    let mut doc = page().add_paragraph(title_paragraph(title));
    for block in blocks {
        doc = doc.add_paragraph(match block {
            Block::Body(text) => body(text),
            Block::Flush(text) => line(text, FONT_BODY).align(AlignmentType::Left),
            // The number under the title keeps a blank line from the addressee below it.
            Block::Centred(text) => line(text, FONT_BODY)
                .align(AlignmentType::Center)
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Exact)
                        .line(LINE_BODY)
                        .before(0)
                        .after(LINE_BODY as u32),
                ),
        });
    }
    for p in signature(agency, meta.signed_on) {
        doc = doc.add_paragraph(p);
    }
    pack(doc.build(), title, agency, meta)
}
