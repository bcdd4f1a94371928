//! The PostgreSQL backend of `gongkai-store`, for deployments that outgrow one machine
//! (several stateless web nodes sharing one database).
//!
//! - The schema is brought up to date by the append-only migrations in `migrations/` when the
//!   store connects; tables live in the first schema of the connection's `search_path`
//!   ([`PgStore::connect_schema`] chooses one).
//! - Every write is one transaction. Appending an event locks the request row
//!   (`SELECT … FOR UPDATE`) before loading and checking its timeline, so two appends to one
//!   request are checked one after the other; the ledger import locks the stored requests it
//!   may complete the same way.
//! - The SQL itself is `gongkai-store-sql`'s, shared with the SQLite backend; what is
//!   PostgreSQL's own is here: the pool and its `search_path`, the migrations, the row locks and
//!   the read of the annual report's facts.
#![forbid(unsafe_code)]

use chrono::NaiveDate;
use gongkai_cases::{AgencyId, CaseFacts, RequestId};
use gongkai_store::{StoreError, codec};
use gongkai_store_sql::{Backend, RequestQueue, db};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Postgres, Row};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A gongkai store in a PostgreSQL database. Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    queue: Arc<RequestQueue>,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`) and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_options(url, None).await
    }

    /// Like [`connect`](Self::connect), with the tables in `schema` (which must exist): the
    /// connections' `search_path` is set to it. Lets several stores share a database (tests,
    /// tenants).
    pub async fn connect_schema(url: &str, schema: &str) -> Result<Self> {
        Self::connect_options(url, Some(schema)).await
    }

    async fn connect_options(url: &str, schema: Option<&str>) -> Result<Self> {
        let mut options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("数据库地址无效：{e}")))?;
        if let Some(schema) = schema {
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Backend(format!("无法连接数据库：{e}")))?;
        gongkai_store_sql::migrate(&pool, sqlx::migrate!("./migrations")).await?;
        Ok(Self {
            pool,
            queue: Arc::default(),
        })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Backend for PgStore {
    type Db = Postgres;

    /// A plain transaction: what it reads and goes on to change, it locks row by row
    /// ([`lock_rows`](Self::lock_rows)).
    const BEGIN_WRITE: &'static str = "BEGIN";

    /// `EXCLUSIVE` conflicts with itself and with row writes but not with plain reads: writers
    /// append to the audit chain one at a time while readers go on.
    const AUDIT_LOCK: &'static str = "LOCK TABLE audit_log IN EXCLUSIVE MODE";

    /// `FOR UPDATE OF table`: appending an event locks the request row before loading and
    /// checking its timeline; the ledger import locks the stored records it may complete.
    fn lock_rows(table: &str) -> String {
        format!("FOR UPDATE OF {table}")
    }

    /// Concurrent claims of the notification queue (several `gongkai serve` processes) pass
    /// over the rows another claim is taking rather than wait for it.
    const SKIP_LOCKED: &'static str = "FOR UPDATE SKIP LOCKED";

    /// None: a PostgreSQL installation is backed up by copying it into a new SQLite file
    /// (`copy_from`), or with the database's own tools.
    const SNAPSHOT: Option<&'static str> = None;

    /// Each identity sequence set to the largest id copied, so the next row gets the next id.
    fn after_copy() -> Vec<String> {
        gongkai_store::transfer::GENERATED_IDS
            .iter()
            .map(|t| {
                format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), \
                     COALESCE(MAX(id), 0) + 1, false) FROM {t}"
                )
            })
            .collect()
    }

    /// Nothing: the planner chooses from statistics (the covering indexes allow index-only
    /// scans).
    fn index_hint(_index: &str) -> String {
        String::new()
    }

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn request_queue(&self) -> &RequestQueue {
        &self.queue
    }

    /// A row a request: PostgreSQL's driver reads rows cheaply.
    const CASE_FACT_COLUMNS: &'static str =
        "id, agency_id, applicant_kind, received, decided_on, outcome";
    const CASE_FACT_GROUPING: &'static str = "";
    const JOIN_TEXTS: &'static str = "string_agg";

    fn case_facts(rows: &[PgRow]) -> Result<Vec<CaseFacts>> {
        rows.iter().map(case_facts_row).collect()
    }
}

gongkai_store_sql::impl_store!(PgStore);

/// One `case_facts` row: `id, agency_id, applicant_kind, received, decided_on, outcome`, read
/// by position and the enum texts borrowed, not copied (this runs once per request counted).
fn case_facts_row(row: &PgRow) -> Result<CaseFacts> {
    let e = db("统计申请");
    let kind: &str = row.try_get(2).map_err(&e)?;
    let decided_on: Option<NaiveDate> = row.try_get(4).map_err(&e)?;
    let outcome: Option<&str> = row.try_get(5).map_err(&e)?;
    let decided = match (decided_on, outcome) {
        (Some(d), Some(o)) => Some((d, codec::outcome_from(o)?)),
        _ => None,
    };
    Ok(CaseFacts {
        id: RequestId(row.try_get(0).map_err(&e)?),
        agency: AgencyId(row.try_get(1).map_err(&e)?),
        kind: codec::applicant_from(kind)?,
        received: row.try_get(3).map_err(&e)?,
        decided,
    })
}
