//! Reading inputs and writing outputs: every failure names the file and says why, and an
//! output file is either written whole or not at all.

use anyhow::{Context, Result, bail};
use gongkai_reader::{Completeness, InputKind, Parsed};
use gongkai_report::{Report, json};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an input could not be read as a report.
#[derive(Debug)]
pub struct ReadError {
    pub file: String,
    pub message: String,
}

impl std::error::Error for ReadError {}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// Reads a report from canonical JSON or from a published report (HTML, text, Markdown, and
/// whatever else [`gongkai_reader::read`] accepts), judging the input by its content.
pub fn read_report(path: &Path) -> Result<Report, ReadError> {
    read_input(path).map(|input| input.parsed.report)
}

/// A report read from a file, with where each figure was found (empty for canonical JSON).
#[derive(Debug)]
pub struct Input {
    pub parsed: Parsed,
    /// Size of the file read, for throughput figures.
    pub bytes: u64,
}

impl Input {
    /// How much of the report's tables was found. Canonical JSON states every cell (a `null` is
    /// stated too), so it counts as complete.
    pub fn completeness(&self) -> Completeness {
        completeness(&self.parsed)
    }
}

/// See [`Input::completeness`].
pub fn completeness(parsed: &Parsed) -> Completeness {
    if parsed.kind == InputKind::CanonicalJson {
        let total = parsed.report.cell_keys().len();
        Completeness {
            found: total,
            total,
        }
    } else {
        parsed.completeness()
    }
}

/// Reads a file as a report, judging its kind by content: canonical JSON is read strictly as
/// today (errors name the JSON path); anything else goes to the reader of published reports.
pub fn read_input(path: &Path) -> Result<Input, ReadError> {
    let file = path.display().to_string();
    let fail = |message: String| ReadError {
        file: file.clone(),
        message,
    };
    let bytes = fs::read(path).map_err(|e| fail(format!("无法读取文件（cannot read）：{e}")))?;
    let size = bytes.len() as u64;
    parse_bytes(&bytes)
        .map(|parsed| Input {
            parsed,
            bytes: size,
        })
        .map_err(fail)
}

/// Reads the bytes of an input as a report; the error says why not, in Chinese.
pub fn parse_bytes(bytes: &[u8]) -> Result<Parsed, String> {
    if looks_like_json(bytes) {
        let canonical = std::str::from_utf8(bytes)
            .map_err(|e| format!("不是 UTF-8 编码的文本（第 {} 字节处）", e.valid_up_to()))
            .and_then(|text| {
                json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| e.to_string())
            });
        return match canonical {
            Ok(report) => Ok(Parsed {
                report,
                provenance: BTreeMap::new(),
                kind: InputKind::CanonicalJson,
                warnings: Vec::new(),
            }),
            // A CMS answer with the page's HTML inside is a published report, not a bad
            // canonical document.
            Err(_) if gongkai_reader::sniff(bytes) == InputKind::HtmlInJson => {
                gongkai_reader::read(bytes).map_err(|e| e.to_string())
            }
            Err(e) => Err(e),
        };
    }
    gongkai_reader::read(bytes).map_err(|e| e.to_string())
}

/// Whether the input starts like a JSON document (after a BOM and white space).
fn looks_like_json(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    b.iter()
        .find(|c| !c.is_ascii_whitespace())
        .is_some_and(|&c| c == b'{' || c == b'[')
}

/// The files named: a directory is walked recursively (hidden entries skipped, files in name
/// order, every file taken whatever its extension, since inputs are judged by content); a file
/// (or a path that does not exist, which is then reported as unreadable) is taken as given.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<ReadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files, &mut errors);
        } else {
            files.push(path.clone());
        }
    }
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(ReadError {
                file: dir.display().to_string(),
                message: format!("无法读取目录（cannot read directory）：{e}"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, files, errors);
        } else if p.is_file() {
            files.push(p);
        }
    }
}

/// A file written as a stream and put in place only when complete: written to a temporary
/// file in the same directory and renamed by [`AtomicFile::finish`]; dropped unfinished, the
/// temporary file is removed.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    file: Option<std::io::BufWriter<fs::File>>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let tmp = temp_path(path)?;
        let file = fs::File::create(&tmp)
            .with_context(|| format!("无法写入（cannot write）{}", path.display()))?;
        Ok(AtomicFile {
            path: path.to_owned(),
            tmp,
            file: Some(std::io::BufWriter::new(file)),
        })
    }

    pub fn finish(mut self) -> Result<()> {
        let result = (|| -> std::io::Result<()> {
            if let Some(w) = self.file.take() {
                let f = w.into_inner().map_err(|e| e.into_error())?;
                f.sync_all()?;
            }
            fs::rename(&self.tmp, &self.path)
        })();
        result.with_context(|| format!("无法写入（cannot write）{}", self.path.display()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("file already finished")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// The temporary name next to `path`, checking that the directory exists.
fn temp_path(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!("输出目录不存在（no such directory）：{}", dir.display());
    }
    let name = path
        .file_name()
        .with_context(|| format!("输出路径不是文件名：{}", path.display()))?;
    Ok(dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a rename,
/// so a crash or a full disk never leaves a half-written document behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temp_path(path)?;
    let result = (|| -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("无法写入（cannot write）{}", path.display()));
    }
    Ok(())
}
