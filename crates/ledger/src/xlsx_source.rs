//! An XLSX workbook read as a stream of rows.
//!
//! calamine's streaming cell reader borrows the workbook mutably, so it cannot live next to the
//! workbook in a reader that the caller pulls from. A worker thread owns both and sends rows
//! through a bounded channel: the rows in flight are bounded, the worker waits while the caller
//! stores a chunk, and it stops as soon as the reader is dropped. calamine still holds the
//! workbook's shared strings (the text of every cell written by Excel or rust_xlsxwriter).
//!
//! The worker first reads the first rows of every sheet ([`Peeked`]), which is all that is
//! needed to tell the sheets apart and find their header rows; then it streams the sheets of
//! [`crate::read::plan`] in order, each ending with [`Message::SheetEnd`].

use std::borrow::Cow;
use std::io::{BufReader, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, RecvError, SyncSender, sync_channel};

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError};
use gongkai_cases::vocab::parse_date_text;

use crate::read::{Cell, MAX_COLUMNS, Peeked, Row, peek_rows, plan};
use crate::{INSTRUCTIONS_SHEET, OPTIONS_SHEET};

/// Rows in flight are sent in batches of about this many cells, or this much text.
const BATCH_CELLS: usize = 16 * 1024;
const BATCH_TEXT: usize = 1024 * 1024;
/// Batches in flight.
const CHANNEL_BATCHES: usize = 2;

/// Anything a workbook can be read from, for the worker thread.
pub(crate) trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

#[derive(Debug)]
enum Message {
    /// The first rows of every sheet but the template's `说明` and `选项`, in workbook order.
    Layout(Vec<Peeked>),
    Rows(Batch),
    SheetEnd,
    /// The workbook cannot be read further: the message for the officer.
    Failed(String),
}

/// The worker's side of the channel went away: the reader was dropped.
struct Closed;

fn unreadable(e: impl std::fmt::Display) -> String {
    format!("无法读取 XLSX 文件（{e}），请确认文件未损坏")
}

const DAMAGED: &str = "无法读取 XLSX 文件（文件内容损坏），请用 Excel 打开后重新保存";

/// A cell's value on the worker: text borrowed from the shared strings while it can be.
enum Value<'a> {
    Text(Cow<'a, str>),
    Cell(Cell),
}

impl Value<'_> {
    fn into_cell(self) -> Cell {
        match self {
            Value::Text(s) => Cell::Text(s.into_owned()),
            Value::Cell(c) => c,
        }
    }
}

/// A cell of a [`Batch`]: text as a range of [`Batch::text`], anything else as it is.
#[derive(Debug)]
enum Flat {
    Text(usize, usize),
    Cell(Cell),
}

/// Rows on their way from the worker. The text of all their cells is one string: a string
/// allocated on one thread and freed on another costs glibc a lock per cell, which once made
/// this reader twice as slow as reading the sheet whole.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    text: String,
    cells: Vec<(u32, Flat)>,
    /// Each row's number and the end of its cells in `cells`.
    rows: Vec<(u32, usize)>,
}

impl Batch {
    fn is_full(&self) -> bool {
        self.cells.len() >= BATCH_CELLS || self.text.len() >= BATCH_TEXT
    }
}

/// Groups the cells of a sheet into rows: only non-empty cells, in columns below
/// [`MAX_COLUMNS`], each column at most once and in increasing order within a row (Excel always
/// writes them so; a file that repeats a cell a million times is not allowed to grow a row).
struct SheetRows<'a, RS: Read + Seek> {
    name: String,
    cells: Option<calamine::XlsxCellReader<'a, RS>>,
    pending: Option<(u32, u32, Value<'a>)>,
}

impl<'a, RS: Read + Seek> SheetRows<'a, RS> {
    fn open(wb: &'a mut Xlsx<RS>, name: &str) -> Result<Self, String> {
        let cells = match wb.worksheet_cells_reader(name) {
            Ok(c) => Some(c),
            // A chart sheet or dialog sheet holds no cells (calamine's `worksheet_range` reads
            // it as empty too).
            Err(XlsxError::NotAWorksheet(_)) => None,
            Err(e) => return Err(unreadable(format!("无法读取工作表“{name}”：{e}"))),
        };
        Ok(SheetRows {
            name: name.to_string(),
            cells,
            pending: None,
        })
    }

    fn next_cell(&mut self) -> Result<Option<(u32, u32, Value<'a>)>, String> {
        if let Some(p) = self.pending.take() {
            return Ok(Some(p));
        }
        let Some(reader) = &mut self.cells else {
            return Ok(None);
        };
        loop {
            match reader.next_cell() {
                Ok(Some(c)) => {
                    let (row, col) = c.get_position();
                    if usize::try_from(col).map_or(true, |c| c >= MAX_COLUMNS) {
                        continue;
                    }
                    let value = match c.get_value() {
                        DataRef::SharedString(s) if !s.trim().is_empty() => {
                            Value::Text(Cow::Borrowed(*s))
                        }
                        DataRef::String(s) if !s.trim().is_empty() => {
                            Value::Text(Cow::Owned(s.clone()))
                        }
                        DataRef::SharedString(_) | DataRef::String(_) => continue,
                        other => {
                            let cell = Cell::from_data(&Data::from(other.clone()), parse_date_text);
                            if cell.is_empty() {
                                continue;
                            }
                            Value::Cell(cell)
                        }
                    };
                    return Ok(Some((row, col, value)));
                }
                Ok(None) => {
                    // The reader must not be asked again after the end of the sheet data.
                    self.cells = None;
                    return Ok(None);
                }
                Err(e) => {
                    return Err(unreadable(format!("无法读取工作表“{}”：{e}", self.name)));
                }
            }
        }
    }

    /// The cells of the next non-empty row, given to `push`; its number, `None` at the end.
    fn next_row_with(
        &mut self,
        mut push: impl FnMut(u32, Value<'a>),
    ) -> Result<Option<u32>, String> {
        let Some((row, col, value)) = self.next_cell()? else {
            return Ok(None);
        };
        push(col, value);
        let mut last = col;
        while let Some((r, c, value)) = self.next_cell()? {
            if r != row {
                self.pending = Some((r, c, value));
                break;
            }
            if c > last {
                push(c, value);
                last = c;
            }
        }
        Ok(Some(row.saturating_add(1)))
    }

    /// The next non-empty row.
    fn next_row(&mut self) -> Result<Option<Row>, String> {
        let mut cells = Vec::new();
        let number = self.next_row_with(|col, value| cells.push((col, value.into_cell())))?;
        Ok(number.map(|number| Row { number, cells }))
    }

    /// Appends the next non-empty row to `batch`; its number, `None` at the end.
    fn next_row_into(&mut self, batch: &mut Batch) -> Result<Option<u32>, String> {
        let Batch { text, cells, rows } = batch;
        let number = self.next_row_with(|col, value| {
            let flat = match value {
                Value::Text(s) => {
                    let start = text.len();
                    text.push_str(&s);
                    Flat::Text(start, text.len())
                }
                Value::Cell(c) => Flat::Cell(c),
            };
            cells.push((col, flat));
        })?;
        if let Some(n) = number {
            rows.push((n, cells.len()));
        }
        Ok(number)
    }
}

fn work<RS: Read + Seek>(
    source: RS,
    tx: &SyncSender<Message>,
) -> Result<Result<(), String>, Closed> {
    let send = |m: Message| tx.send(m).map_err(|_| Closed);
    let mut wb = match Xlsx::new(source) {
        Ok(wb) => wb,
        Err(e) => return Ok(Err(unreadable(e))),
    };
    let names: Vec<String> = wb
        .sheet_names()
        .into_iter()
        .filter(|n| n != INSTRUCTIONS_SHEET && n != OPTIONS_SHEET)
        .collect();
    let mut peeks = Vec::new();
    for name in names {
        let mut rows = match SheetRows::open(&mut wb, &name) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        match peek_rows(|| rows.next_row()) {
            Ok(rows) => peeks.push(Peeked { name, rows }),
            Err(e) => return Ok(Err(e)),
        }
    }
    let tables = plan(&peeks, false);
    let names: Vec<String> = peeks.iter().map(|p| p.name.clone()).collect();
    send(Message::Layout(peeks))?;
    for table in tables {
        let Ok(header) = &table.header else {
            continue;
        };
        let mut rows = match SheetRows::open(&mut wb, &names[table.sheet]) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let mut batch = Batch::default();
        loop {
            let before = (batch.cells.len(), batch.rows.len(), batch.text.len());
            match rows.next_row_into(&mut batch) {
                Ok(Some(number)) => {
                    if number <= header.1.row {
                        // Above the data: the header and what is above it.
                        batch.cells.truncate(before.0);
                        batch.rows.truncate(before.1);
                        batch.text.truncate(before.2);
                        continue;
                    }
                    if batch.is_full() {
                        send(Message::Rows(std::mem::take(&mut batch)))?;
                    }
                }
                Ok(None) => break,
                Err(e) => return Ok(Err(e)),
            }
        }
        if !batch.rows.is_empty() {
            send(Message::Rows(batch))?;
        }
        send(Message::SheetEnd)?;
    }
    Ok(Ok(()))
}

/// The reading side of the worker.
#[derive(Debug)]
pub(crate) struct XlsxRows {
    rx: Receiver<Message>,
    batch: Batch,
    /// The next row of `batch.rows`, and where its cells start.
    next: usize,
    cell_start: usize,
}

impl XlsxRows {
    /// Starts the worker and waits for the first rows of every sheet.
    pub(crate) fn open(source: Box<dyn Source>) -> Result<(XlsxRows, Vec<Peeked>), String> {
        let (tx, rx) = sync_channel(CHANNEL_BATCHES);
        std::thread::Builder::new()
            .name("ledger-xlsx".to_string())
            .spawn(move || {
                // calamine parses untrusted zip and XML; a panic inside it must not escape.
                let result = catch_unwind(AssertUnwindSafe(|| {
                    work(BufReader::with_capacity(64 * 1024, source), &tx)
                }));
                let failure = match result {
                    Ok(Ok(Ok(()))) | Ok(Err(Closed)) => return,
                    Ok(Ok(Err(message))) => message,
                    Err(_) => DAMAGED.to_string(),
                };
                // Nobody may be listening any more: nothing to do then.
                let _ = tx.send(Message::Failed(failure));
            })
            .map_err(|e| format!("无法启动读取线程：{e}"))?;
        let rows = XlsxRows {
            rx,
            batch: Batch::default(),
            next: 0,
            cell_start: 0,
        };
        match rows.rx.recv() {
            Ok(Message::Layout(peeks)) => Ok((rows, peeks)),
            Ok(Message::Failed(e)) => Err(e),
            Ok(Message::Rows(_) | Message::SheetEnd) | Err(RecvError) => Err(DAMAGED.to_string()),
        }
    }

    /// The next row of the current sheet; `Ok(None)` at its end.
    pub(crate) fn next_row(&mut self) -> Result<Option<Row>, String> {
        loop {
            let Batch { text, cells, rows } = &mut self.batch;
            if let Some(&(number, end)) = rows.get(self.next) {
                let start = self.cell_start.min(end);
                let row = Row {
                    number,
                    cells: cells
                        .get_mut(start..end)
                        .unwrap_or_default()
                        .iter_mut()
                        .map(|(col, flat)| {
                            let cell = match flat {
                                Flat::Text(a, b) => {
                                    Cell::Text(text.get(*a..*b).unwrap_or_default().to_string())
                                }
                                Flat::Cell(c) => std::mem::replace(c, Cell::Empty),
                            };
                            (*col, cell)
                        })
                        .collect(),
                };
                self.next += 1;
                self.cell_start = end;
                return Ok(Some(row));
            }
            match self.rx.recv() {
                Ok(Message::Rows(batch)) => {
                    self.batch = batch;
                    self.next = 0;
                    self.cell_start = 0;
                }
                Ok(Message::SheetEnd) => return Ok(None),
                Ok(Message::Failed(e)) => return Err(e),
                Ok(Message::Layout(_)) | Err(RecvError) => return Err(DAMAGED.to_string()),
            }
        }
    }
}
