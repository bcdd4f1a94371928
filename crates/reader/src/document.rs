//! The boundary between front-ends and the back-end: a document as paragraphs and tables, every
//! piece of text carrying where it came from. Front-ends (HTML, text; later DOCX, PDF) produce a
//! [`Document`]; [`crate::interpret`] reads the report out of it without knowing the input form.

use std::fmt;

/// Where a piece of text was found, so that every figure read can be traced back to the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// A table cell of an HTML or DOCX document: the table (0-based, in document order, counting
    /// only data tables), and the row and column of the cell's top-left slot in the resolved grid.
    Table {
        table: usize,
        row: usize,
        col: usize,
    },
    /// A paragraph of an HTML or DOCX document (0-based, in document order).
    Paragraph { index: usize },
    /// A line of a text or Markdown document (1-based).
    Line { line: usize },
    /// A line of a page of a PDF document (both 1-based).
    Page { page: usize, line: usize },
    /// A row of a worksheet of gongkai's XLSX workbook: the sheet (0-based, in workbook order)
    /// and the row (1-based, as a spreadsheet numbers it).
    Sheet { sheet: usize, row: usize },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Source::Table { table, row, col } => {
                write!(f, "第{}个表格第{}行第{}列", table + 1, row + 1, col + 1)
            }
            Source::Paragraph { index } => write!(f, "第{}段", index + 1),
            Source::Line { line } => write!(f, "第{line}行"),
            Source::Page { page, line } => write!(f, "第{page}页第{line}行"),
            Source::Sheet { sheet, row } => write!(f, "第{}个工作表第{row}行", sheet + 1),
        }
    }
}

/// A paragraph: one line of text, as the front-end delimits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    pub source: Source,
}

/// One slot of a table grid. Row and column spans are resolved by the front-end: a spanned cell
/// is repeated into every slot it covers, with `covered` set on all but its top-left slot and the
/// `source` of the spanning cell, so a consumer can both read a row straight across and tell
/// copies from originals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub source: Source,
    /// This slot is covered by a span of the cell at `source`.
    pub covered: bool,
}

impl Cell {
    /// An original (not covered) cell.
    pub fn new(text: impl Into<String>, source: Source) -> Cell {
        Cell {
            text: text.into(),
            source,
            covered: false,
        }
    }
}

/// A table: rows of cells. Rows may have different lengths (text tables are ragged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
}

/// A block of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
}

/// A document as the back-end sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The document's own title when it has one apart from its text (HTML `<title>`).
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    /// What the front-end could not read or had to cut (a part past its size limit, nesting
    /// past its depth limit), in Chinese: the reader's warnings start with these.
    pub warnings: Vec<String>,
}

impl Document {
    /// The document's text as a reader sees it: each paragraph on a line, each table row on a
    /// line with its cells separated by tabs.
    pub fn plain_text(&self) -> String {
        let mut lines = Vec::with_capacity(self.blocks.len());
        for block in &self.blocks {
            match block {
                Block::Paragraph(p) => lines.push(p.text.clone()),
                Block::Table(t) => lines.extend(t.rows.iter().map(|row| {
                    row.iter()
                        .map(|c| c.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\t")
                })),
            }
        }
        lines.join("\n")
    }
}
