//! The ledger read as a stream of chunks.

use std::collections::VecDeque;
use std::io::{self, Cursor, Read, Seek, SeekFrom};

use gongkai_cases::AgencyId;

use crate::csv_source::{self, CsvRows};
use crate::read::{
    Header, Kind, Peeked, Row, Rules, TableCtx, file_error, labels, missing_ledger, peek_rows,
    plan, sheet_error, table_header,
};
use crate::xlsx_source::{Source, XlsxRows};
use crate::{Chunk, LedgerErrors, REMEDY_SHEET, ReadOptions, Summary};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Where the rest of a table's rows come from.
#[derive(Debug)]
enum Rest<'a> {
    Csv(CsvRows<'a>),
    /// From the XLSX worker, which sends exactly the rows after the header.
    Xlsx,
}

/// A sheet still to be read, or being read.
#[derive(Debug)]
struct Table<'a> {
    name: String,
    kind: Kind,
    csv: bool,
    header: Result<Header, Vec<crate::LedgerError>>,
    /// Rows already read (while looking for the header) that come after it.
    pending: VecDeque<Row>,
    rest: Rest<'a>,
}

/// A ledger (台账) read chunk by chunk, for a caller that stores records as they come.
///
/// ```text
/// let mut reader = LedgerReader::open(file, "台账.csv", None, agency, ReadOptions::default())?;
/// begin transaction
/// while let Some(chunk) = reader.next_chunk() {
///     if !reader.has_errors() { store chunk }   // still read on: every error is counted
/// }
/// match reader.finish() { Ok(summary) => commit, Err(errors) => roll back, report errors }
/// ```
///
/// What `open` finds wrong with the file as a whole (unreadable, not an encoding it knows, an
/// old `.xls`) is its error. Everything else is collected as the rows are read, without
/// stopping: wrong headers and a file without a ledger sheet are known when `open` returns
/// ([`LedgerReader::has_errors`]), wrong rows as they are read; a chunk holds only rows without
/// errors. A 受理编号 (or 案件编号) given twice is an error of its second row, wherever the first
/// was. [`LedgerReader::finish`] reads what is left and returns the errors, or a [`Summary`]
/// with the remedy cases' references to requests that are not in the file.
///
/// Memory: the references read so far (for duplicates), one chunk, and the reader's buffers; for
/// XLSX also the workbook's shared strings, which calamine keeps. The sheets and the errors
/// are in the order and words of [`crate::read_ledger`], which is this reader collected.
#[derive(Debug)]
pub struct LedgerReader<'a> {
    rules: Rules,
    chunk_size: usize,
    file_label: String,
    tables: VecDeque<Table<'a>>,
    current: Option<Table<'a>>,
    xlsx: Option<XlsxRows>,
    /// Wrong headers or no ledger sheet: known at `open`, logged when their sheet comes.
    header_problems: bool,
    requests: usize,
    remedies: usize,
    rows_read: u64,
    done: bool,
}

fn io_error(label: &str, e: &io::Error) -> LedgerErrors {
    file_error(label, format!("无法读取文件：{e}"))
}

/// Opens a CSV file (after checking its encoding) and reads its first rows.
fn open_csv<'a, R: Read + Seek + Send + 'a>(
    mut src: R,
    sheet: &str,
    label: &str,
) -> Result<(Peeked, CsvRows<'a>), LedgerErrors> {
    let detected = csv_source::detect(&mut src)
        .map_err(|e| io_error(label, &e))?
        .ok_or_else(|| {
            file_error(
                sheet,
                "无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV 文件",
            )
        })?;
    let mut rows = CsvRows::open(src, detected).map_err(|e| io_error(label, &e))?;
    let peek = peek_rows(|| rows.next_row()).map_err(|(row, message)| {
        LedgerErrors::from(sheet_error(sheet, Some(row), None, message))
    })?;
    Ok((
        Peeked {
            name: sheet.to_string(),
            rows: peek,
        },
        rows,
    ))
}

impl<'a> LedgerReader<'a> {
    /// Opens a ledger: an XLSX workbook (recognised by its zip signature, whatever `file_name`
    /// says) or a CSV file (UTF-8 with or without BOM, UTF-16 with BOM, or GBK/GB18030; comma-
    /// or tab-separated), such as an open [`std::fs::File`]. A CSV is read twice, the first time
    /// only to check its encoding; neither pass holds it in memory. `file_name` only names the
    /// source in messages, as in [`crate::read_ledger`]; `remedies_csv` holds further remedy
    /// cases (sheet `复议诉讼`).
    ///
    /// The source must be `'static` because a workbook is read on a worker thread.
    pub fn open<R: Read + Seek + Send + 'static>(
        source: R,
        file_name: &str,
        remedies_csv: Option<&'a [u8]>,
        agency: AgencyId,
        options: ReadOptions,
    ) -> Result<Self, LedgerErrors> {
        Self::open_with(
            source,
            |r| Ok(Box::new(r)),
            file_name,
            remedies_csv,
            agency,
            options,
        )
    }

    /// [`LedgerReader::open`] on a file held in memory. A workbook is copied for the worker
    /// thread (it is compressed: small next to its records); a CSV is not.
    pub fn from_bytes(
        bytes: &'a [u8],
        file_name: &str,
        remedies_csv: Option<&'a [u8]>,
        agency: AgencyId,
        options: ReadOptions,
    ) -> Result<Self, LedgerErrors> {
        Self::open_borrowed(Cursor::new(bytes), file_name, remedies_csv, agency, options)
    }

    pub(crate) fn open_borrowed<R: Read + Seek + Send + 'a>(
        source: R,
        file_name: &str,
        remedies_csv: Option<&'a [u8]>,
        agency: AgencyId,
        options: ReadOptions,
    ) -> Result<Self, LedgerErrors> {
        Self::open_with(
            source,
            |mut r| {
                let mut bytes = Vec::new();
                r.read_to_end(&mut bytes)?;
                Ok(Box::new(Cursor::new(bytes)))
            },
            file_name,
            remedies_csv,
            agency,
            options,
        )
    }

    fn open_with<R: Read + Seek + Send + 'a>(
        mut source: R,
        to_worker: impl FnOnce(R) -> io::Result<Box<dyn Source>>,
        file_name: &str,
        remedies_csv: Option<&'a [u8]>,
        agency: AgencyId,
        options: ReadOptions,
    ) -> Result<Self, LedgerErrors> {
        let (file_label, csv_sheet) = labels(file_name);
        let mut magic = [0u8; 8];
        let n = (|| -> io::Result<usize> {
            source.seek(SeekFrom::Start(0))?;
            let mut n = 0;
            while n < magic.len() {
                match source.read(&mut magic[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            source.seek(SeekFrom::Start(0))?;
            Ok(n)
        })()
        .map_err(|e| io_error(&file_label, &e))?;
        let magic = &magic[..n];

        let mut reader = LedgerReader {
            rules: Rules::new(agency, options.today),
            chunk_size: options.chunk_size.max(1),
            file_label: file_label.clone(),
            tables: VecDeque::new(),
            current: None,
            xlsx: None,
            header_problems: false,
            requests: 0,
            remedies: 0,
            rows_read: 0,
            done: false,
        };
        let mut preamble = Vec::new();
        if magic.starts_with(ZIP_MAGIC) {
            let worker_source = to_worker(source).map_err(|e| io_error(&file_label, &e))?;
            let (rows, peeks) = XlsxRows::open(worker_source)
                .map_err(|message| file_error(&file_label, message))?;
            let planned = plan(&peeks, false);
            preamble = missing_ledger(&peeks, &planned, &file_label);
            for p in planned {
                reader.tables.push_back(Table {
                    name: peeks[p.sheet].name.clone(),
                    kind: p.kind,
                    csv: false,
                    header: p.header.map(|(_, h)| h),
                    pending: VecDeque::new(),
                    rest: Rest::Xlsx,
                });
            }
            reader.xlsx = Some(rows);
        } else if magic.starts_with(OLE_MAGIC) {
            return Err(file_error(
                &file_label,
                "不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入",
            ));
        } else {
            let (peek, rest) = open_csv(source, &csv_sheet, &file_label)?;
            reader.push_csv(peek, rest, Kind::Requests);
        }
        if let Some(bytes) = remedies_csv {
            let (peek, rest) = open_csv(Cursor::new(bytes), REMEDY_SHEET, REMEDY_SHEET)?;
            if !peek.rows.is_empty() {
                reader.push_csv(peek, rest, Kind::Remedies);
            }
        }
        reader.header_problems =
            !preamble.is_empty() || reader.tables.iter().any(|t| t.header.is_err());
        for e in preamble {
            reader.rules.errors.push(e);
        }
        Ok(reader)
    }

    fn push_csv(&mut self, peek: Peeked, rest: CsvRows<'a>, kind: Kind) {
        let (pending, header) = match table_header(&peek, kind) {
            Ok((index, h)) => (peek.rows.into_iter().skip(index + 1).collect(), Ok(h)),
            Err(e) => (VecDeque::new(), Err(e)),
        };
        self.tables.push_back(Table {
            name: peek.name,
            kind,
            csv: true,
            header,
            pending,
            rest: Rest::Csv(rest),
        });
    }

    /// Whether an error has been found so far, including the wrong headers and the missing
    /// ledger sheet known from `open` on (their sheet's turn may not have come yet). A caller
    /// can stop storing chunks then: [`LedgerReader::finish`] will fail.
    pub fn has_errors(&self) -> bool {
        self.header_problems || self.rules.errors.total() > 0
    }

    /// How many non-empty rows below the headers have been read so far, good or bad: for a
    /// progress display.
    pub fn rows_read(&self) -> u64 {
        self.rows_read
    }

    /// How many errors have been found so far.
    pub fn error_count(&self) -> usize {
        self.rules.errors.total()
    }

    /// The next records, at most [`ReadOptions::chunk_size`], all of one sheet; `None` at the
    /// end of the file (or when it cannot be read further, which `finish` reports).
    pub fn next_chunk(&mut self) -> Option<Chunk> {
        loop {
            if self.done {
                return None;
            }
            if self.current.is_none() {
                let Some(table) = self.tables.pop_front() else {
                    self.done = true;
                    return None;
                };
                if let Err(errors) = &table.header {
                    for e in errors {
                        self.rules.errors.push(e.clone());
                    }
                    continue;
                }
                self.current = Some(table);
            }
            if let Some(chunk) = self.fill_chunk() {
                return Some(chunk);
            }
        }
    }

    /// Reads rows of the current table until a chunk is full or the table ends.
    fn fill_chunk(&mut self) -> Option<Chunk> {
        let table = self.current.as_mut()?;
        let Ok(header) = &table.header else {
            self.current = None;
            return None;
        };
        let sheet = self.rules.sheet(&table.name);
        let ctx = TableCtx {
            sheet,
            csv: table.csv,
            header,
        };
        let mut chunk = Chunk {
            sheet: table.name.clone(),
            ..Chunk::default()
        };
        loop {
            let next = match table.pending.pop_front() {
                Some(row) => Ok(Some(row)),
                None => match &mut table.rest {
                    Rest::Csv(rows) => rows
                        .next_row()
                        .map_err(|(row, m)| sheet_error(&table.name, Some(row), None, m)),
                    Rest::Xlsx => match &mut self.xlsx {
                        Some(x) => x
                            .next_row()
                            .map_err(|m| sheet_error(&self.file_label, None, None, m)),
                        None => Ok(None),
                    },
                },
            };
            match next {
                Ok(Some(row)) => {
                    if row.cells.is_empty() {
                        continue;
                    }
                    self.rows_read += 1;
                    match table.kind {
                        Kind::Requests => {
                            if let Some(r) = self.rules.request(&ctx, &row) {
                                chunk.requests.push(r);
                            }
                        }
                        Kind::Remedies => {
                            if let Some(r) = self.rules.remedy(&ctx, &row) {
                                chunk.remedies.push(r);
                            }
                        }
                    }
                    if chunk.len() >= self.chunk_size {
                        break;
                    }
                }
                Ok(None) => {
                    self.current = None;
                    break;
                }
                Err(e) => {
                    // Nothing read from this file counts any more.
                    self.rules.errors.fatal(e);
                    self.current = None;
                    self.tables.clear();
                    self.xlsx = None;
                    self.done = true;
                    return None;
                }
            }
        }
        self.requests += chunk.requests.len();
        self.remedies += chunk.remedies.len();
        (!chunk.is_empty()).then_some(chunk)
    }

    /// Reads what is left (throwing its records away) and returns what was wrong, or what the
    /// ledger held.
    pub fn finish(mut self) -> Result<Summary, LedgerErrors> {
        while self.next_chunk().is_some() {}
        let unlinked_references = self.rules.take_unlinked();
        let errors = std::mem::take(&mut self.rules.errors);
        match errors.into_errors() {
            Some(e) => Err(e),
            None => Ok(Summary {
                requests: self.requests,
                remedies: self.remedies,
                unlinked_references,
            }),
        }
    }
}

impl Iterator for LedgerReader<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        self.next_chunk()
    }
}
