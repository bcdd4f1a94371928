//! Reading inputs and writing outputs: every failure names the file and says why, and an
//! output file is either written whole or not at all.

use anyhow::{Context, Result, bail};
use gongkai_report::{Report, json};
use std::fs;
use std::io::Write;
use std::path::Path;

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

/// Reads a report from canonical JSON.
pub fn read_report(path: &Path) -> Result<Report, ReadError> {
    let file = path.display().to_string();
    let fail = |message: String| ReadError {
        file: file.clone(),
        message,
    };
    let bytes = fs::read(path).map_err(|e| fail(format!("无法读取文件（cannot read）：{e}")))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        fail(format!(
            "不是 UTF-8 编码的文本（第 {} 字节处）",
            e.valid_up_to()
        ))
    })?;
    json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| fail(e.to_string()))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a rename,
/// so a crash or a full disk never leaves a half-written document behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
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
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
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
