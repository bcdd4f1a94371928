//! A CSV file read as a stream of rows: its encoding found by a first pass that decodes the
//! whole file without keeping it (so a file is refused for its encoding before any row is
//! read, as when it was read whole), then one row at a time.

use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_8};

use crate::read::{Cell, MAX_COLUMNS, Row};

/// The size of the blocks read from the source.
const BLOCK: usize = 64 * 1024;
/// How much of the first line is looked at to choose the delimiter: a header row is short; a
/// file whose first line is longer is a mistake, and holding it all is not worth it.
const FIRST_LINE_MAX: usize = 1024 * 1024;

/// How the file is encoded, and how many bytes of byte-order mark to skip.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Detected {
    encoding: &'static Encoding,
    bom: u64,
}

/// Reads up to `buf.len()` bytes, fewer only at the end of the stream.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Whether everything from `from` to the end decodes in `encoding` without a malformed
/// sequence. Constant memory: the decoded text is thrown away block by block.
fn decodes(
    src: &mut (impl Read + Seek),
    from: u64,
    encoding: &'static Encoding,
) -> io::Result<bool> {
    src.seek(SeekFrom::Start(from))?;
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut input = vec![0u8; BLOCK];
    // Any block of BLOCK bytes decodes into at most 3 × BLOCK bytes of UTF-8 (UTF-16 and
    // GB18030 alike), plus what a sequence cut at the previous block's end carries over.
    let mut output = vec![0u8; 3 * BLOCK + 16];
    loop {
        let n = read_full(src, &mut input)?;
        let last = n == 0;
        let mut block = &input[..n];
        loop {
            let (result, read, _) =
                decoder.decode_to_utf8_without_replacement(block, &mut output, last);
            block = &block[read..];
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => return Ok(false),
            }
        }
        if last {
            return Ok(true);
        }
    }
}

/// Finds the encoding as [`crate::read_ledger`] always did (the rule is `gongkai_sheet`'s, shared
/// with the catalogue import): UTF-8 with or without BOM, UTF-16 with BOM, otherwise GB18030 (a superset of GBK, what Excel writes as "CSV" on Chinese
/// Windows). `None`: no encoding decodes the file.
pub(crate) fn detect(src: &mut (impl Read + Seek)) -> io::Result<Option<Detected>> {
    src.seek(SeekFrom::Start(0))?;
    let mut head = [0u8; 3];
    let n = read_full(src, &mut head)?;
    let head = &head[..n];
    let found = match gongkai_sheet::bom(head) {
        Some((encoding, bom)) => {
            let bom = bom as u64;
            decodes(src, bom, encoding)?.then_some(Detected { encoding, bom })
        }
        None => {
            let mut found = None;
            for encoding in gongkai_sheet::WITHOUT_BOM {
                if decodes(src, 0, encoding)? {
                    found = Some(Detected { encoding, bom: 0 });
                    break;
                }
            }
            found
        }
    };
    src.seek(SeekFrom::Start(0))?;
    Ok(found)
}

/// Decodes a byte stream into UTF-8 as it is read.
struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    input_done: bool,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    finished: bool,
}

impl<R: Read> DecodingReader<R> {
    fn new(inner: R, encoding: &'static Encoding) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; BLOCK],
            in_start: 0,
            in_end: 0,
            input_done: false,
            output: vec![0; 3 * BLOCK + 16],
            out_start: 0,
            out_end: 0,
            finished: false,
        }
    }

    /// Decodes the next block into `output`; false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        while self.out_start == self.out_end {
            if self.finished {
                return Ok(false);
            }
            if self.in_start == self.in_end && !self.input_done {
                let n = read_full(&mut self.inner, &mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.input_done = n == 0;
            }
            let last = self.input_done;
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                last,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            match result {
                DecoderResult::Malformed(..) => {
                    // The first pass decoded the file: it changed since.
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "文件在读取过程中被修改",
                    ));
                }
                DecoderResult::InputEmpty if last => self.finished = true,
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
            }
        }
        Ok(true)
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || !self.fill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

/// The rows of a CSV file, one at a time.
pub(crate) struct CsvRows<'a> {
    reader: csv::Reader<Box<dyn Read + Send + 'a>>,
    record: csv::StringRecord,
    index: u32,
    done: bool,
}

impl std::fmt::Debug for CsvRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvRows")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl<'a> CsvRows<'a> {
    /// Opens `src` (already [`detect`]ed): comma- or tab-separated, whichever the first line has
    /// more of.
    pub(crate) fn open<R: Read + Seek + Send + 'a>(
        mut src: R,
        detected: Detected,
    ) -> io::Result<Self> {
        src.seek(SeekFrom::Start(detected.bom))?;
        let mut text: Box<dyn Read + Send + 'a> = if detected.encoding == UTF_8 {
            // csv checks UTF-8 itself, and the first pass found it valid.
            Box::new(BufReader::with_capacity(BLOCK, src))
        } else {
            Box::new(DecodingReader::new(src, detected.encoding))
        };
        let mut first = Vec::new();
        let mut block = vec![0u8; 8 * 1024];
        while !first.contains(&b'\n') && first.len() < FIRST_LINE_MAX {
            let n = read_full(&mut text, &mut block)?;
            if n == 0 {
                break;
            }
            first.extend_from_slice(&block[..n]);
        }
        let line = first.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let tabs = line.iter().filter(|&&b| b == b'\t').count();
        let commas = line.iter().filter(|&&b| b == b',').count();
        let delimiter = if tabs > commas { b'\t' } else { b',' };
        let text: Box<dyn Read + Send + 'a> = Box::new(Cursor::new(first).chain(text));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text);
        Ok(CsvRows {
            reader,
            record: csv::StringRecord::new(),
            index: 0,
            done: false,
        })
    }

    /// The next row (numbered from 1 by record, as Excel numbers a CSV's rows), `Ok(None)` at
    /// the end; `Err((row, message))` when the file cannot be read further.
    pub(crate) fn next_row(&mut self) -> Result<Option<Row>, (u32, String)> {
        if self.done {
            return Ok(None);
        }
        let number = self.index.saturating_add(1);
        match self.reader.read_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                Ok(None)
            }
            Ok(true) => {
                self.index = number;
                let cells = self
                    .record
                    .iter()
                    .take(MAX_COLUMNS)
                    .enumerate()
                    .filter(|(_, s)| !s.trim().is_empty())
                    .map(|(i, s)| {
                        (
                            u32::try_from(i).unwrap_or(u32::MAX),
                            Cell::Text(s.to_string()),
                        )
                    })
                    .collect();
                Ok(Some(Row { number, cells }))
            }
            Err(e) => {
                self.done = true;
                Err((number, format!("CSV 格式错误：{e}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use encoding_rs::GB18030;

    fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
        let mut src = Cursor::new(bytes);
        let d = detect(&mut src).unwrap().unwrap();
        let mut r = CsvRows::open(src, d).unwrap();
        let mut out = Vec::new();
        while let Some(row) = r.next_row().unwrap() {
            out.push(row.cells.iter().map(|(_, c)| c.text()).collect());
        }
        out
    }

    #[test]
    fn decodes_across_block_boundaries() {
        // A GBK file longer than one block, with a two-byte character cut at the block edge.
        let line = "受理编号,内容\n";
        let mut text = String::new();
        while text.len() < 3 * BLOCK {
            text.push_str(line);
        }
        let (gbk, _, bad) = GB18030.encode(&text);
        assert!(!bad);
        // The first row is one or two bytes long, so characters straddle the edge differently.
        for cut in [1, 2] {
            let mut bytes = vec![b'x'; cut];
            bytes.push(b'\n');
            bytes.extend_from_slice(&gbk);
            let got = rows(&bytes);
            assert_eq!(got.len(), 1 + text.lines().count());
            assert!(
                got[1..].iter().all(|r| r == &["受理编号", "内容"]),
                "cut {cut}"
            );
        }
    }

    #[test]
    fn utf16_and_utf8_bom() {
        let mut le = vec![0xFF, 0xFE];
        for u in "a\tb\n甲\t乙\n".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(rows(&le), [["a", "b"], ["甲", "乙"]]);
        assert_eq!(rows("\u{FEFF}x,y\n".as_bytes()), [["x", "y"]]);
        // Invalid after the BOM: no encoding.
        let mut src = Cursor::new(b"\xEF\xBB\xBF\xFF".as_slice());
        assert!(detect(&mut src).unwrap().is_none());
    }
}
