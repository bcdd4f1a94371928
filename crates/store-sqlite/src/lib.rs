//! The embedded SQLite backend of `gongkai-store`: one database file, zero setup.
//!
//! - The file is created on first use (its directory must exist: a mistyped path is an error,
//!   not a new tree); the schema is brought up to date by the append-only migrations in
//!   `migrations/` when the store is opened, inside one `BEGIN IMMEDIATE` transaction, so that
//!   several processes opening a brand-new file at once migrate it one after the other.
//! - A file that cannot be written (read-only permissions or medium) opens read-only
//!   ([`Access::Read`]): every read works, every write fails with a clear error.
//! - WAL journal (readers never block the writer), foreign keys on, `synchronous = FULL` (a
//!   committed transaction survives a power cut as well as a killed process), a busy timeout so
//!   that concurrent writers wait for each other instead of failing.
//! - Every write is one transaction. Those that read before they write (appending an event,
//!   the ledger import) begin with `BEGIN IMMEDIATE`, taking the write lock first: SQLite's
//!   equivalent of locking the request row, so that two appends to one timeline are checked one
//!   after the other.
//! - The SQL itself is `gongkai-store-sql`'s, shared with the PostgreSQL backend; what is
//!   SQLite's own is here: the pool and its pragmas, the migrations, `BEGIN IMMEDIATE`, the
//!   `INDEXED BY` hints and the packed read of the annual report's facts.
#![forbid(unsafe_code)]

use chrono::NaiveDate;
use gongkai_cases::{AgencyId, CaseFacts, RequestId};
use gongkai_store::{StoreError, codec};
use gongkai_store_sql::{Backend, RequestQueue, db};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A gongkai store in one SQLite file. Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// The connections that read.
    pool: SqlitePool,
    /// The one connection that writes (the same pool as `pool` for an in-memory or read-only
    /// database): see [`Backend::write_pool`].
    writer: SqlitePool,
    queue: Arc<RequestQueue>,
    read_only: bool,
}

/// What a command needs of the database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reading and writing: the file is created and migrated as needed.
    Write,
    /// Reading only: a file that cannot be written is opened read-only instead of failing
    /// (`attempt to write a readonly database`); a writable one is opened as for writing.
    Read,
}

/// How long a connection waits for another writer before giving up: writers wait their turn.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether this process may write the file: its permission bits say so for other users, and
/// opening it for writing tells the truth for root (who may write any file) and read-only media.
fn writable(path: &std::path::Path) -> bool {
    std::fs::OpenOptions::new().append(true).open(path).is_ok()
}

/// Whether an error is SQLite's `SQLITE_BUSY` (any of its extended codes).
fn is_busy(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| c & 0xff == 5)
}

/// Opens the pool, retrying while the file is busy for up to [`BUSY_TIMEOUT`]. The first
/// connection switches a new file to WAL, which takes an exclusive lock, and SQLite answers
/// `SQLITE_BUSY` at once, without its busy handler, to the processes opening the same new file
/// at that moment (seen: 1 in 6 runs of four processes at once).
async fn connect(
    pool: SqlitePoolOptions,
    options: SqliteConnectOptions,
) -> std::result::Result<SqlitePool, sqlx::Error> {
    let start = std::time::Instant::now();
    let mut wait = Duration::from_millis(5);
    loop {
        match pool.clone().connect_with(options.clone()).await {
            Err(e) if is_busy(&e) && start.elapsed() < BUSY_TIMEOUT => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_millis(200));
            }
            result => return result,
        }
    }
}

impl SqliteStore {
    /// Opens (creating the file if needed, in a directory that must exist) the database at
    /// `url` (`sqlite:path/to/file.db`, `sqlite://path`, or `sqlite::memory:` for a private
    /// in-memory database) for reading and writing, and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(url, Access::Write).await
    }

    /// Opens the database at `url` as `access` says (see [`Access`]).
    pub async fn open_with(url: &str, access: Access) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("数据库地址 {url} 无效：{e}")))?;
        let in_memory = options.get_filename().as_os_str() == ":memory:"
            || url.contains(":memory:")
            || url.contains("mode=memory");
        let path = options.get_filename().to_owned();
        if !in_memory {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            if let Some(dir) = dir
                && !dir.is_dir()
            {
                return Err(StoreError::Backend(format!(
                    "数据库目录不存在：{}（请先创建该目录，或检查 --db 的路径）",
                    dir.display()
                )));
            }
        }
        let read_only = match access {
            Access::Write => false,
            Access::Read => !in_memory && path.exists() && !writable(&path),
        };
        let options = if read_only {
            // No journal-mode change and no file creation: both would write. `immutable`: a
            // WAL database can otherwise not be read where its `-shm` file cannot be made (a
            // read-only directory or medium); nobody can write the file, so nothing changes
            // under the reader. But an immutable database is read from its main file alone:
            // while committed transactions still sit in a `-wal` file (a writer that did not
            // checkpoint on exit), SQLite must read them too, which it can from existing
            // `-wal` and `-shm` files without writing.
            let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
            let pending_wal = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
            options
                .read_only(true)
                .immutable(!pending_wal)
                .create_if_missing(false)
        } else {
            options.create_if_missing(true).journal_mode(if in_memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            })
        };
        let options = options
            .synchronous(SqliteSynchronous::Full)
            // The statement journal of each multi-row INSERT in memory rather than in a
            // temporary file: writing it was a sixth of a large import's time (perf), and a
            // 1M-row ledger imports in 43 s instead of 57 s. (A larger page cache did not help.)
            .pragma("temp_store", "memory")
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool_options = SqlitePoolOptions::new()
            // An in-memory database exists once per connection: keep exactly one.
            .max_connections(if in_memory { 1 } else { 4 })
            .min_connections(u32::from(in_memory))
            .acquire_timeout(BUSY_TIMEOUT)
            .idle_timeout(if in_memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(if in_memory {
                None
            } else {
                Some(Duration::from_secs(1800))
            });
        let opened = |e| StoreError::Backend(format!("无法打开数据库 {url}：{e}"));
        let pool = connect(pool_options.clone(), options.clone())
            .await
            .map_err(opened)?;
        // The writes of this process queue for ONE connection of their own. SQLite lets one
        // transaction write at a time; with writers on several connections, those that find
        // the lock taken wait in SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between
        // tries: at 8 concurrent `createRequest`s the p99 was 58 ms and the throughput that
        // of one client. Queued in the pool instead, each writer starts the moment the one
        // before it commits. (Other processes still wait for each other in the busy handler.)
        let writer = if in_memory || read_only {
            pool.clone()
        } else {
            connect(pool_options.max_connections(1), options)
                .await
                .map_err(opened)?
        };
        let store = Self {
            pool,
            writer,
            queue: Arc::default(),
            read_only,
        };
        if read_only {
            store.check_schema().await?;
        } else {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// Whether the store was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Applies the pending migrations in ONE write transaction (`BEGIN IMMEDIATE`): a second
    /// process opening the same new file waits for it (busy timeout), then finds the schema
    /// up to date. Each migration runs as a savepoint inside it.
    async fn migrate(&self) -> Result<()> {
        let migrator = sqlx::migrate!("./migrations");
        if self.pending(&migrator).await? == 0 {
            return Ok(());
        }
        let mut tx = self
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db("开始数据库迁移"))?;
        migrator
            .run_direct(&mut *tx)
            .await
            .map_err(|e| StoreError::Backend(format!("数据库迁移失败：{e}")))?;
        tx.commit().await.map_err(db("提交数据库迁移"))
    }

    /// How many migrations of `migrator` the database has not applied (all of them for a new
    /// file): read without writing.
    async fn pending(&self, migrator: &sqlx::migrate::Migrator) -> Result<usize> {
        let exists: Option<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db("读取数据库版本"))?;
        if exists.is_none() {
            return Ok(migrator.iter().count());
        }
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await
                .map_err(db("读取数据库版本"))?;
        Ok(migrator
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count())
    }

    /// A read-only database must already have this version's schema: it cannot be migrated.
    async fn check_schema(&self) -> Result<()> {
        let pending = self.pending(&sqlx::migrate!("./migrations")).await?;
        if pending > 0 {
            return Err(StoreError::Backend(format!(
                "数据库文件只读，且其结构比本程序旧 {pending} 个版本：请以可写方式运行一次任一命令（如 gongkai agency list）完成升级"
            )));
        }
        Ok(())
    }

    /// Closes every connection (checkpointing the WAL).
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// `PRAGMA integrity_check`: `["ok"]` for a sound file, otherwise the problems found.
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await
            .map_err(db("检查数据库完整性"))
    }
}

impl Backend for SqliteStore {
    type Db = Sqlite;

    /// Takes the database's write lock first: SQLite's equivalent of locking the rows read.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";

    /// Nothing: `BEGIN IMMEDIATE` holds the database's one write lock already.
    const AUDIT_LOCK: &'static str = "";

    /// Nothing: SQLite has no row locks, and [`BEGIN_WRITE`](Self::BEGIN_WRITE) already holds
    /// the write lock of the whole database.
    fn lock_rows(_table: &str) -> String {
        String::new()
    }

    /// `VACUUM INTO`: a consistent copy while other connections read and write.
    const SNAPSHOT: Option<&'static str> = Some("VACUUM INTO $1");

    /// Nothing: an explicit id above the largest moves SQLite's rowid and AUTOINCREMENT
    /// counters on by itself.
    fn after_copy() -> Vec<String> {
        Vec::new()
    }

    /// `INDEXED BY`, so that the plan does not depend on statistics: without it SQLite may
    /// answer the facts query's third scan (received before the year and still open) from the
    /// `received` index, reading every earlier request.
    fn index_hint(index: &str) -> String {
        format!("INDEXED BY {index}")
    }

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    fn request_queue(&self) -> &RequestQueue {
        &self.queue
    }

    /// The facts of each agency packed into ONE text by `group_concat`, so that each scan of
    /// `facts_sql` returns one row per agency. A row costs sqlx's SQLite driver a few
    /// microseconds (it crosses from the connection's worker thread to the caller one row at a
    /// time); a consolidated report reads hundreds of thousands of facts, so they travel packed,
    /// and unpacking them (`unpack_facts`) costs a fraction of that. A request's facts are
    /// separated by `,`: `id,applicant_kind,received,decided_on,outcome` (the last two empty
    /// while open); requests by `;`.
    const CASE_FACT_COLUMNS: &'static str = "agency_id, group_concat(id || ',' || applicant_kind \
         || ',' || received || ',' || ifnull(decided_on, '') || ',' || ifnull(outcome, ''), ';') \
         AS facts";
    const CASE_FACT_GROUPING: &'static str = "GROUP BY agency_id";
    const JOIN_TEXTS: &'static str = "group_concat";

    fn case_facts(rows: &[SqliteRow]) -> Result<Vec<CaseFacts>> {
        let mut facts = Vec::new();
        for row in rows {
            let agency: i64 = row.try_get(0).map_err(db("统计申请"))?;
            let packed: &str = row.try_get(1).map_err(db("统计申请"))?;
            unpack_facts(AgencyId(agency), packed, &mut facts)?;
        }
        Ok(facts)
    }
}

gongkai_store_sql::impl_store!(SqliteStore);

/// A stored date (`YYYY-MM-DD`, sqlx's text encoding of `NaiveDate`) read without the general
/// format parser.
fn packed_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = text[..4].parse().ok()?;
    let m: u32 = text[5..7].parse().ok()?;
    let d: u32 = text[8..].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Unpacks the facts of `agency` that `case_facts`' query packed into one text (as
/// [`Backend::CASE_FACT_COLUMNS`] says) onto `out`.
fn unpack_facts(agency: AgencyId, packed: &str, out: &mut Vec<CaseFacts>) -> Result<()> {
    let corrupt =
        |record: &str| StoreError::Backend(format!("数据库中的申请统计数据无法识别：{record:?}"));
    for record in packed.split(';') {
        let mut f = record.split(',');
        let mut next = || f.next().ok_or_else(|| corrupt(record));
        let id: i64 = next()?.parse().map_err(|_| corrupt(record))?;
        let kind = codec::applicant_from(next()?)?;
        let received = packed_date(next()?).ok_or_else(|| corrupt(record))?;
        let decided = match (next()?, next()?) {
            ("", "") => None,
            (d, o) => Some((
                packed_date(d).ok_or_else(|| corrupt(record))?,
                codec::outcome_from(o)?,
            )),
        };
        out.push(CaseFacts {
            id: RequestId(id),
            agency,
            kind,
            received,
            decided,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// The shared SQL numbers its parameters (`$1`), uses one several times (`facts_sql`) and
    /// need not name them in order: SQLite binds them by number, as PostgreSQL does.
    #[tokio::test]
    async fn numbered_parameters() {
        let store = super::SqliteStore::open("sqlite::memory:").await.unwrap();
        let text: String = sqlx::query_scalar("SELECT $2 || '-' || $1 || '-' || $2")
            .bind("a")
            .bind("b")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(text, "b-a-b");
        store.close().await;
    }
}
