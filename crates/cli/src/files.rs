//! Reading inputs and writing outputs: every failure names the file as given and says why in
//! Chinese, an output file is either written whole or not at all, `-` is standard output, and a
//! closed pipe ends the command quietly.

use anyhow::{Result, bail};
use gongkai_services::review::{self, Reviewed};
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Why an input could not be read as a report.
#[derive(Debug)]
pub struct ReadError {
    pub file: String,
    pub message: String,
    /// The input is no report at all (an image, a README): a batch skips it with a note.
    pub not_a_report: bool,
}

impl std::error::Error for ReadError {}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{}", self.file, self.message)
    }
}

/// An I/O error in Chinese (the operating system's own text is English).
pub fn io_text(e: &io::Error) -> String {
    use io::ErrorKind::*;
    match e.kind() {
        NotFound => "文件或目录不存在".to_owned(),
        PermissionDenied => "没有访问权限".to_owned(),
        AlreadyExists => "文件已存在".to_owned(),
        IsADirectory => "这是一个目录，不是文件".to_owned(),
        NotADirectory => "路径中有一项不是目录".to_owned(),
        StorageFull => "磁盘空间已满".to_owned(),
        ReadOnlyFilesystem => "文件系统是只读的".to_owned(),
        BrokenPipe => "输出已关闭".to_owned(),
        InvalidData => "内容无法读取（不是有效的文本或格式）".to_owned(),
        _ => match e.raw_os_error() {
            Some(code) => format!("读写失败（系统错误码 {code}）"),
            None => "读写失败".to_owned(),
        },
    }
}

/// Reads a file as a report, judging its kind by content, and checks it.
pub fn read_input(path: &Path) -> Result<(Reviewed, u64), ReadError> {
    let file = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| ReadError {
        file: file.clone(),
        message: format!("无法读取：{}", io_text(&e)),
        not_a_report: false,
    })?;
    let size = bytes.len() as u64;
    review::review(&bytes)
        .map(|r| (r, size))
        .map_err(|e| ReadError {
            file,
            not_a_report: e.is_not_a_report(),
            message: e.to_string(),
        })
}

/// The files named: a directory is walked recursively (hidden entries skipped, files in name
/// order, every file taken whatever its extension, since inputs are judged by content); a file
/// (or a path that does not exist, which is then reported as unreadable) is taken as given.
/// Each path found says whether it was named (true) or found in a directory.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<(PathBuf, bool)>, Vec<ReadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files, &mut errors);
        } else {
            files.push((path.clone(), true));
        }
    }
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<(PathBuf, bool)>, errors: &mut Vec<ReadError>) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(ReadError {
                file: dir.display().to_string(),
                message: format!("无法读取目录：{}", io_text(&e)),
                not_a_report: false,
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
            files.push((p, false));
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
    file: Option<io::BufWriter<fs::File>>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let tmp = temp_path(path)?;
        let file = fs::File::create(&tmp).map_err(|e| write_error(path, &e))?;
        Ok(AtomicFile {
            path: path.to_owned(),
            tmp,
            file: Some(io::BufWriter::new(file)),
        })
    }

    pub fn finish(mut self) -> Result<()> {
        let result = (|| -> io::Result<()> {
            if let Some(w) = self.file.take() {
                let f = w.into_inner().map_err(|e| e.into_error())?;
                f.sync_all()?;
            }
            fs::rename(&self.tmp, &self.path)
        })();
        result.map_err(|e| write_error(&self.path, &e))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("文件已写完")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
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

fn write_error(path: &Path, e: &io::Error) -> anyhow::Error {
    anyhow::anyhow!("无法写入 {}：{}", path.display(), io_text(e))
}

/// The temporary name next to `path`, checking that the directory exists.
fn temp_path(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!("输出目录不存在：{}", dir.display());
    }
    let Some(name) = path.file_name() else {
        bail!("输出路径不是文件名：{}", path.display());
    };
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
    let result = (|| -> io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(write_error(path, &e));
    }
    Ok(())
}

/// The kind of a table file by its extension (`.xlsx` or `.csv`); `or` names what else the
/// command takes (`，或保存网页的目录`), for the message.
pub fn table_kind(path: &Path, or: &str) -> Result<gongkai_catalogue_import::TableKind> {
    use gongkai_catalogue_import::TableKind;
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("xlsx") => Ok(TableKind::Xlsx),
        Some("csv") => Ok(TableKind::Csv),
        _ => bail!("{} 应为 .xlsx 或 .csv 文件{or}", path.display()),
    }
}

/// The bytes of an input file.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| anyhow::anyhow!("无法读取 {}：{}", path.display(), io_text(&e)))
}

/// Whether an output path means standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes a document to a file (atomically) or, without `-o` or with `-o -`, to standard
/// output; a binary document is not written to a terminal.
pub fn emit(output: Option<&Path>, bytes: &[u8], binary: bool) -> Result<()> {
    match output.filter(|p| !is_stdout(p)) {
        Some(path) => write_atomic(path, bytes),
        None => {
            if binary && io::stdout().is_terminal() {
                bail!("二进制文档不能输出到终端：请用 -o 指定输出文件");
            }
            let mut out = io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_chinese() {
        let e = io::Error::from(io::ErrorKind::NotFound);
        assert_eq!(io_text(&e), "文件或目录不存在");
        let e = io::Error::from_raw_os_error(5);
        assert!(io_text(&e).contains("系统错误码 5"));
    }
}
