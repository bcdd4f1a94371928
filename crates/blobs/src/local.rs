//! Blobs in a local directory.

use gongkai_store::blobs::{check_name, sha256_hex, verify};
use gongkai_store::{Blobs, Result, StoreError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A directory of blobs: the blob `abcd…` is the file `ab/cd/abcd…`, so that no directory
/// holds more than a few thousand files even with millions of attachments. Cheap to clone.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    /// The blob store in `root`, created if it does not exist (its parent must).
    ///
    /// # Errors
    /// [`StoreError::Backend`] naming the directory when it cannot be made.
    pub fn open(root: impl Into<PathBuf>) -> Result<LocalBlobs> {
        let root = root.into();
        if let Err(e) = std::fs::create_dir(&root)
            && e.kind() != std::io::ErrorKind::AlreadyExists
        {
            return Err(io("创建附件目录", &root, &e));
        }
        if !root.is_dir() {
            return Err(StoreError::Backend(format!(
                "附件目录 {} 不是目录",
                root.display()
            )));
        }
        Ok(LocalBlobs { root })
    }

    /// The directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob `sha256` (checked already) lives.
    fn path(&self, sha256: &str) -> PathBuf {
        self.root
            .join(&sha256[..2])
            .join(&sha256[2..4])
            .join(sha256)
    }

    /// Writes `bytes` as the blob `sha256` unless it is there already: into a temporary file of
    /// the final directory, flushed to disk, renamed into place, and the directory flushed so
    /// that the name survives a power cut too.
    fn write(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(sha256);
        if path.is_file() {
            return Ok(());
        }
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(|e| io("创建附件目录", dir, &e))?;
        let mut file = tempfile::Builder::new()
            .prefix(".incoming-")
            .tempfile_in(dir)
            .map_err(|e| io("创建临时文件", dir, &e))?;
        file.write_all(bytes)
            .and_then(|()| file.as_file().sync_all())
            .map_err(|e| io("写入附件", file.path(), &e))?;
        // Another process may have stored the same blob meanwhile: the rename replaces it with
        // identical bytes, atomically.
        file.persist(&path)
            .map_err(|e| io("保存附件", &path, &e.error))?;
        sync_dir(dir)
    }

    /// The bytes of the blob `sha256` (checked already), if it exists, checked against it.
    fn read(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let path = self.path(sha256);
        match std::fs::read(&path) {
            Ok(bytes) => verify(sha256, bytes).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("读取附件", &path, &e)),
        }
    }
}

/// Flushes a directory's entries (the rename of a blob into it). Where directories cannot be
/// opened as files (not Unix), the rename is as durable as the file system makes it.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io("同步附件目录", dir, &e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn io(what: &str, path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::Backend(format!("{what} {}：{e}", path.display()))
}

/// The file system is used on tokio's blocking threads: a large attachment never stalls the
/// server's other requests.
impl Blobs for LocalBlobs {
    async fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256_hex(bytes);
        let (store, name, bytes) = (self.clone(), sha.clone(), bytes.to_vec());
        blocking(move || store.write(&name, &bytes)).await?;
        Ok(sha)
    }

    async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        check_name(sha256)?;
        let (store, name) = (self.clone(), sha256.to_owned());
        blocking(move || store.read(&name)).await
    }

    async fn has(&self, sha256: &str) -> Result<bool> {
        check_name(sha256)?;
        let path = self.path(sha256);
        blocking(move || Ok(path.is_file())).await
    }

    async fn remove(&self, sha256: &str) -> Result<()> {
        check_name(sha256)?;
        let path = self.path(sha256);
        blocking(move || match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Backend(format!(
                "无法删除附件 {}：{e}",
                path.display()
            ))),
        })
        .await
    }
}

/// Runs `f` on a blocking thread.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Backend(format!("附件存取任务意外中止：{e}")))?
}
