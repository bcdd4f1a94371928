//! A standalone HTML5 page, fit to publish as is and to print on A4 in the style of official
//! documents (公文): no external resources, no script. Tables are written from the layout grids
//! with their row and column spans; each figure's cell carries its canonical key in
//! `data-cell`, so the page can be read back exactly.

use crate::flat::paragraphs;
use gongkai_report::layout::{self, Content, Grid, GridCell, Role, TableId};
use gongkai_report::template::section_heading;
use gongkai_report::{Report, Section};

/// Page and typography: A4 with the 公文 margins (GB/T 9704: top 37 mm, bottom 35 mm, left
/// 28 mm, right 26 mm), title in 小标宋, headings in 黑体, body in 仿宋, with fallbacks for
/// systems without the Founder fonts.
const CSS: &str = r#"@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
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
  width: 100%;
  margin: 0.75em 0;
  font-size: 10.5pt;
  line-height: 1.4;
}
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: middle; }
th { font-weight: normal; text-align: center; }
th[scope="row"] { text-align: left; }
th.caption { font-family: "黑体", SimHei, "Heiti SC", sans-serif; text-align: left; }
th.note { font-size: 9pt; }
td.num { text-align: center; white-space: nowrap; font-variant-numeric: tabular-nums; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
@media print {
  body { margin: 0; max-width: none; padding: 0; line-height: 28pt; }
  table { line-height: 1.3; }
  h2 { page-break-after: avoid; break-after: avoid; }
}
"#;

/// Renders the report as an HTML page.
pub fn render(report: &Report) -> String {
    let title = escape(&crate::title(report));
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n\
         <h1>{title}</h1>\n"
    );
    push_paragraphs(&mut out, &report.preamble);
    for &section in Section::ALL {
        out.push_str(&format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            section.key(),
            escape(section_heading(section))
        ));
        push_paragraphs(&mut out, report.section(section));
        for table in TableId::ALL.into_iter().filter(|t| t.section() == section) {
            push_table(&mut out, report, &layout::report_grid(report, table));
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn push_paragraphs(out: &mut String, text: &str) {
    for paragraph in paragraphs(text) {
        out.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
    }
}

/// Writes a grid row by row, each origin cell once with its spans. Tables without block
/// captions (三, 四) put their header rows in `<thead>`, which browsers repeat on every printed
/// page; table 二's header rows belong to its blocks and stay in the body.
fn push_table(out: &mut String, report: &Report, grid: &Grid) {
    let has_captions = grid.cells.iter().any(|c| c.role == Role::Caption);
    let head_rows = if has_captions {
        0
    } else {
        (0..grid.rows)
            .take_while(|&r| grid.row(r).all(|c| c.role != Role::Data))
            .count()
    };
    out.push_str(&format!("<table class=\"{}\">\n", grid.table.key()));
    for r in 0..grid.rows {
        if r == 0 && head_rows > 0 {
            out.push_str("<thead>\n");
        }
        if r == head_rows {
            out.push_str("<tbody>\n");
        }
        out.push_str("<tr>");
        for cell in grid.row(r) {
            push_cell(out, report, cell);
        }
        out.push_str("</tr>\n");
        if r + 1 == head_rows {
            out.push_str("</thead>\n");
        }
    }
    out.push_str("</tbody>\n</table>\n");
}

fn push_cell(out: &mut String, report: &Report, cell: &GridCell) {
    let (tag, attrs) = match (cell.role, cell.content) {
        (Role::Data, Content::Value(key)) => ("td", format!(" class=\"num\" data-cell=\"{key}\"")),
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
        Content::Text(s) => escape(s),
        Content::Value(key) => escape(&crate::cell_text(key, report.get(key))),
        Content::Empty => String::new(),
    };
    out.push_str(&format!("<{tag}{attrs}{spans}>{text}</{tag}>"));
}

/// Escapes text for element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}
