//! A standalone HTML5 page, fit to publish as is and to print on A4 in the style of official
//! documents (公文): no external resources, no script. Tables are written from the layout grids
//! with their row and column spans; each figure's cell carries its canonical key in
//! `data-cell`, so the page can be read back exactly.

use crate::flat::{is_subheading, paragraphs};
use crate::{DocumentMeta, escape_markup, head_rows, keep_with_next, signature_date};
use gongkai_report::layout::{self, Content, Grid, GridCell, Role, TableId};
use gongkai_report::template::section_heading;
use gongkai_report::{CellKey, Report, Section};

/// Page and typography: A4 with the 公文 margins (GB/T 9704: top 37 mm, bottom 35 mm, left
/// 28 mm, right 26 mm), title in 小标宋, headings in 黑体, body in 仿宋, with fallbacks for
/// systems without the Founder fonts.
///
/// Printing (`@media print`, measured in Chromium's PDF of the seed and of a 2021 report):
/// the page number `— 1 —` in the bottom margin box where browsers support `@page` margin
/// boxes (GB/T 9704-2012 7.5: 4号 figures between 一字线); header rows repeat on every page
/// (`thead` as `table-header-group`), rows never split, a heading or the paragraph above a
/// table stays with it, so does a numbered sub-heading with its text, and rows keep with the next row as in the Word document
/// ([`crate::keep_with_next`]: `tr.keep`).
/// Column widths are fixed per table (`colgroup`): on A4 a figure column of table 三 holds
/// three characters a line, so `社会公益组织` takes two lines, never one character a line;
/// the 15 columns of table 四 hold two.
const CSS: &str = r#"@page {
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
  @bottom-center {
    content: "— " counter(page) " —";
    font-family: "宋体", SimSun, "Songti SC", serif;
    font-size: 14pt;
    vertical-align: top;
    padding-top: 7mm;
  }
}
body {
  margin: 2em auto;
  max-width: 48em;
  padding: 0 1em;
  color: #000;
  background: #fff;
  font-family: "仿宋_GB2312", "仿宋", FangSong, STFangsong, "FangSong_GB2312", serif;
  font-size: 16pt;
  line-height: 1.75;
}
h1 {
  font-family: "方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", STZhongsong, "宋体", SimSun, serif;
  font-size: 22pt;
  font-weight: normal;
  text-align: center;
  line-height: 1.5;
  margin: 0 0 1em;
}
h2 {
  font-family: "黑体", SimHei, "Heiti SC", "Microsoft YaHei", sans-serif;
  font-size: 16pt;
  font-weight: normal;
  margin: 1em 0 0;
  text-indent: 2em;
}
p { margin: 0; text-indent: 2em; text-align: justify; }
table {
  border-collapse: collapse;
  table-layout: fixed;
  width: 100%;
  margin: 0.75em 0;
  font-size: 10.5pt;
  line-height: 1.4;
}
col.label { width: 31%; }
col.fig { width: 23%; }
table.t3 col.group { width: 5%; }
table.t3 col.subgroup { width: 10%; }
table.t3 col.label { width: 22%; }
table.t3 col.fig { width: 9%; }
table.t4 col.fig { width: auto; }
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: middle; overflow-wrap: anywhere; }
th { font-weight: normal; text-align: center; }
th[scope="row"] { text-align: left; }
th.caption { font-family: "黑体", SimHei, "Heiti SC", sans-serif; text-align: left; }
th.note { font-size: 9pt; }
td.num { text-align: center; white-space: nowrap; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
.signature { width: fit-content; margin: 1.75em 2em 0 auto; }
.signature p { text-indent: 0; text-align: left; white-space: nowrap; }
.signature p + p { padding-left: 2em; }
@media print {
  body { margin: 0; max-width: none; padding: 0; line-height: 28pt; }
  table { line-height: 1.3; }
  table.t3 { font-size: 9pt; }
  th, td { padding: 1pt 2pt; }
  h2, p.subheading, p:has(+ table) { page-break-after: avoid; break-after: avoid; }
  tr.keep { break-after: avoid; }
  .signature { break-inside: avoid; }
}
"#;

/// Renders the report as an HTML page.
pub fn render(report: &Report, meta: &DocumentMeta) -> String {
    let title = escape_markup(&crate::title(report));
    let agency = escape_markup(report.agency.trim());
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    if !agency.is_empty() {
        out.push_str(&format!("<meta name=\"author\" content=\"{agency}\">\n"));
    }
    if let Some(created) = meta.created {
        out.push_str(&format!(
            "<meta name=\"dcterms.created\" content=\"{}\">\n",
            created.to_rfc3339()
        ));
    }
    out.push_str(&format!(
        "<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n\
         <h1>{title}</h1>\n"
    ));
    push_paragraphs(&mut out, &report.preamble);
    for &section in Section::ALL {
        out.push_str(&format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            section.key(),
            escape_markup(section_heading(section))
        ));
        push_paragraphs(&mut out, report.section(section));
        for table in TableId::ALL.into_iter().filter(|t| t.section() == section) {
            push_table(
                &mut out,
                report,
                &layout::report_grid(report, table),
                &plain,
            );
        }
        out.push_str("</section>\n");
    }
    // The signature block (落款) after section 六, as in the Word document: the agency, then
    // the date when one is given.
    let date = meta.signed_on.map(signature_date);
    if !agency.is_empty() || date.is_some() {
        out.push_str("<div class=\"signature\">\n");
        out.push_str(&format!("<p>{agency}</p>\n"));
        if let Some(date) = date {
            out.push_str(&format!("<p>{date}</p>\n"));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn push_paragraphs(out: &mut String, text: &str) {
    for paragraph in paragraphs(text) {
        let class = if is_subheading(paragraph) {
            " class=\"subheading\""
        } else {
            ""
        };
        out.push_str(&format!("<p{class}>{}</p>\n", escape_markup(paragraph)));
    }
}

/// Writes a grid row by row, each origin cell once with its spans. Tables without block
/// captions (三, 四) put their header rows in `<thead>`, which browsers repeat on every printed
/// page; table 二's header rows belong to its blocks and stay in the body.
fn push_table(
    out: &mut String,
    report: &Report,
    grid: &Grid,
    decorate: &dyn Fn(CellKey) -> Decoration,
) {
    let head_rows = head_rows(grid);
    let keeps = keep_with_next(grid);
    out.push_str(&format!("<table class=\"{}\">\n", grid.table.key()));
    push_columns(out, grid);
    for (r, &keep) in keeps.iter().enumerate() {
        if r == 0 && head_rows > 0 {
            out.push_str("<thead>\n");
        }
        if r == head_rows {
            out.push_str("<tbody>\n");
        }
        // Header rows repeat on every page and need no keep of their own.
        out.push_str(if keep && r >= head_rows {
            "<tr class=\"keep\">"
        } else {
            "<tr>"
        });
        for cell in grid.row(r) {
            push_cell(out, report, cell, decorate);
        }
        out.push_str("</tr>\n");
        if r + 1 == head_rows {
            out.push_str("</thead>\n");
        }
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The `colgroup` that fixes the column widths (see [`CSS`]): the label columns by their
/// level, then the figure columns. A column is a label column when a row header starts in it
/// and no figure does.
fn push_columns(out: &mut String, grid: &Grid) {
    let label = |c: usize| {
        grid.cells
            .iter()
            .any(|cell| cell.col == c && cell.role == Role::RowHeader)
            && !grid
                .cells
                .iter()
                .any(|cell| cell.col == c && cell.role == Role::Data)
    };
    let labels = (0..grid.columns).take_while(|&c| label(c)).count();
    out.push_str("<colgroup>");
    for c in 0..grid.columns {
        let class = match (c, labels) {
            (c, _) if c >= labels => "fig",
            (c, n) if c + 1 == n => "label",
            (0, _) => "group",
            _ => "subgroup",
        };
        out.push_str(&format!("<col class=\"{class}\">"));
    }
    out.push_str("</colgroup>\n");
}

/// How a page that shows the statutory tables marks a figure: the back office links each
/// figure to the requests behind it and marks the cells a finding names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoration {
    /// The figure becomes a link to this address.
    pub href: Option<String>,
    /// A class added to the cell (`flagged`, `flagged-warn`).
    pub class: Option<&'static str>,
    /// A tooltip (`title`), such as the finding's message.
    pub title: Option<String>,
}

/// No decoration: the published document.
fn plain(_: CellKey) -> Decoration {
    Decoration::default()
}

/// One statutory table of a report as an HTML `<table>` (the same markup as the document's),
/// each figure decorated by `decorate`.
pub fn table(report: &Report, table: TableId, decorate: &dyn Fn(CellKey) -> Decoration) -> String {
    let mut out = String::new();
    push_table(
        &mut out,
        report,
        &layout::report_grid(report, table),
        decorate,
    );
    out
}

fn push_cell(
    out: &mut String,
    report: &Report,
    cell: &GridCell,
    decorate: &dyn Fn(CellKey) -> Decoration,
) {
    let decoration = match cell.content {
        Content::Value(key) => decorate(key),
        _ => Decoration::default(),
    };
    let (tag, attrs) = match (cell.role, cell.content) {
        (Role::Data, Content::Value(key)) => {
            let class = decoration
                .class
                .map_or_else(|| "num".to_owned(), |c| format!("num {c}"));
            let title = decoration
                .title
                .as_deref()
                .map(|t| format!(" title=\"{}\"", escape_markup(t)))
                .unwrap_or_default();
            (
                "td",
                format!(" class=\"{class}\" data-cell=\"{key}\"{title}"),
            )
        }
        (Role::Data, _) => ("td", String::from(" class=\"num\"")),
        (Role::Caption, _) => ("th", String::from(" class=\"caption\"")),
        (Role::Note, _) => ("th", String::from(" class=\"note\"")),
        (Role::RowHeader, _) => ("th", String::from(" scope=\"row\"")),
        (Role::Header, _) if cell.col_span > 1 => ("th", String::from(" scope=\"colgroup\"")),
        (Role::Header, _) => ("th", String::from(" scope=\"col\"")),
    };
    let mut spans = String::new();
    if cell.row_span > 1 {
        spans.push_str(&format!(" rowspan=\"{}\"", cell.row_span));
    }
    if cell.col_span > 1 {
        spans.push_str(&format!(" colspan=\"{}\"", cell.col_span));
    }
    let text = match cell.content {
        Content::Text(s) => escape_markup(s),
        Content::Value(key) => {
            let text = escape_markup(&crate::cell_text(key, report.get(key)));
            match &decoration.href {
                Some(href) if !text.is_empty() => {
                    format!("<a href=\"{}\">{text}</a>", escape_markup(href))
                }
                _ => text,
            }
        }
        Content::Empty => String::new(),
    };
    out.push_str(&format!("<{tag}{attrs}{spans}>{text}</{tag}>"));
}
