//! Running an installation: a backup while it is in use, and moving a whole installation to
//! another database (a county that outgrows one SQLite file moves to PostgreSQL with one
//! command), proved by the row counts of every table and by the audit chain on the target.

use crate::audit::Verification;
use crate::{Ctx, Result, ServiceError};
use gongkai_store::Store;
use std::path::Path;

/// What a copy of the installation did and how it was proved.
#[derive(Debug, Clone)]
pub struct Copied {
    /// Per table: rows in the source, rows in the target.
    pub tables: Vec<(String, i64, i64)>,
    /// The audit chain verified on the target.
    pub audit: Verification,
}

impl Copied {
    /// Whether every count matches and the target's chain is intact with the source's head.
    pub fn proved(&self) -> bool {
        self.tables.iter().all(|(_, a, b)| a == b)
            && matches!(self.audit, Verification::Intact { .. })
    }
}

impl<S: Store> Ctx<'_, S> {
    /// Copies the whole installation into `target`, an empty database of any backend, in one
    /// transaction, then proves the copy: the same number of rows in every table, and the audit
    /// chain intact on the target, ending with the source's latest hash. Installation-wide.
    pub async fn copy_installation<T: Store>(
        &self,
        target: &T,
        progress: impl FnMut(&str, u64) + Send,
    ) -> Result<Copied> {
        self.scope.installation()?;
        let source_counts = self.store.table_counts().await?;
        let head = self.store.audit_last().await?.map(|e| e.hash);
        let target_counts = target.copy_from(self.store, progress).await?;
        let tables = source_counts
            .iter()
            .map(|(t, n)| {
                let m = target_counts
                    .iter()
                    .find(|(u, _)| u == t)
                    .map_or(0, |(_, m)| *m);
                (t.clone(), *n, m)
            })
            .collect();
        let on_target = Ctx::new(target, self.scope, self.settings);
        let audit = on_target.audit_verify(head, |_| {}).await?;
        Ok(Copied { tables, audit })
    }

    /// A consistent copy of the installation in a new SQLite file at `path`, taken while it is
    /// in use: SQLite's own snapshot, or for PostgreSQL a copy of every table into the new file.
    /// The file must not exist. Installation-wide.
    pub async fn backup(&self, path: &Path) -> Result<Option<Copied>> {
        self.scope.installation()?;
        if path.exists() {
            return Err(ServiceError::Invalid(format!(
                "{} 已存在：备份不会覆盖已有文件",
                path.display()
            )));
        }
        if self.store.snapshot_into(path).await? {
            return Ok(None);
        }
        let url = format!("sqlite:{}", path.display());
        let target = gongkai_store_sqlite::SqliteStore::open(&url).await?;
        let copied = self.copy_installation(&target, |_, _| {}).await;
        target.close().await;
        if copied.is_err() {
            // Never leave half a backup behind.
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        copied.map(Some)
    }
}
