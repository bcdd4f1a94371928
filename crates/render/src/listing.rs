//! A plain table of figures — one row per unit, a header row — as an Excel workbook or a Word
//! document in the 公文 layout: what the supervising office's dashboard and its assessment
//! export. Numbers are numeric cells (percentages formatted as such) so the workbook can be
//! sorted and summed; texts are string cells, never formulas.

use crate::RenderError;
use rust_xlsxwriter::{Format, FormatBorder, Workbook};

/// One cell of a listing.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    /// A share in `0.0..=1.0`, shown as a percentage.
    Percent(f64),
    Empty,
}

impl Value {
    /// The cell as printed (DOCX, the terminal).
    pub fn text(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Number(n) => format!("{n}"),
            Value::Percent(p) => format!("{:.1}%", p * 100.0),
            Value::Empty => String::new(),
        }
    }
}

/// A titled table.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// The listing as an XLSX workbook of one sheet: the title in row 1, the headers in row 2.
pub fn xlsx(listing: &Listing) -> Result<Vec<u8>, RenderError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("督查")?;
    let font = |f: Format| f.set_font_name("宋体").set_font_size(11);
    let title = font(Format::new()).set_bold().set_font_size(14);
    let header = font(Format::new())
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let cell = font(Format::new()).set_border(FormatBorder::Thin);
    let percent = cell.clone().set_num_format("0.0%");
    sheet.write_string_with_format(0, 0, &listing.title, &title)?;
    for (c, h) in listing.headers.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| RenderError::Docx("列数过多".into()))?;
        sheet.write_string_with_format(1, c, h, &header)?;
        sheet.set_column_width(c, if c == 0 { 24 } else { 12 })?;
    }
    for (r, row) in listing.rows.iter().enumerate() {
        let r = u32::try_from(r + 2).map_err(|_| RenderError::Docx("行数过多".into()))?;
        for (c, v) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| RenderError::Docx("列数过多".into()))?;
            match v {
                Value::Text(t) => sheet.write_string_with_format(r, c, t, &cell)?,
                Value::Number(n) => sheet.write_number_with_format(r, c, *n, &cell)?,
                Value::Percent(p) => sheet.write_number_with_format(r, c, *p, &percent)?,
                Value::Empty => sheet.write_blank(r, c, &cell)?,
            };
        }
    }
    sheet.set_freeze_panes(2, 1)?;
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    Ok(book.save_to_buffer()?)
}

/// The listing as a DOCX document in the 公文 layout (title, then the table).
pub fn docx(listing: &Listing) -> Result<Vec<u8>, RenderError> {
    crate::docx::listing(listing)
}
