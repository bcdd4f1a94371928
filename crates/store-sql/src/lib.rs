//! The SQL both store backends share: the traits of `gongkai-store` implemented once over sqlx,
//! generic in the database, for `gongkai-store-sqlite` and `gongkai-store-postgres`.
//!
//! A backend is a type holding a connection pool. It implements [`Backend`] (its database and
//! what its dialect does differently: how a write transaction that reads first begins, row
//! locks, index hints, and how it reads the annual report's facts) and invokes
//! [`impl_store!`], which implements every `gongkai_store` trait for it with the operations of
//! [`Sql`]. The statements use numbered parameters (`$1`), which PostgreSQL and SQLite both
//! read; the multi-row `VALUES` lists of bulk statements take the database's own placeholders.
//!
//! - Every write is one transaction. Those that read before they write (appending an event,
//!   the ledger import) begin with [`Backend::BEGIN_WRITE`] and lock the rows they read with
//!   [`Backend::lock_rows`], so that two appends to one timeline are checked one after the
//!   other.
//! - The ledger import inserts with multi-row `INSERT`s of a few hundred rows, all in the one
//!   transaction: all of it is stored or none of it.
#![forbid(unsafe_code)]

mod sql;
mod values;

pub use sql::Sql;

use gongkai_cases::CaseFacts;
use gongkai_store::{Result, StoreError};
use sqlx::migrate::{Migrate, Migrator};
use sqlx::{Database, Pool};

/// What a backend gives the shared SQL: its database and pool, and where its dialect differs.
pub trait Backend: Send + Sync {
    /// The sqlx database.
    type Db: Database;

    /// The statement beginning a transaction that reads before it writes (appending an event,
    /// the ledger import).
    const BEGIN_WRITE: &'static str;

    /// The clause that ends a `SELECT` reading rows of `table` which the transaction may then
    /// change, locking them until it ends (possibly empty: see the backend).
    fn lock_rows(table: &str) -> String;

    /// The clause that follows `FROM table` to make a scan read `index` (possibly empty: see the
    /// backend).
    fn index_hint(index: &str) -> String;

    /// The connection pool.
    fn pool(&self) -> &Pool<Self::Db>;

    /// The columns the query of the annual report's facts reads of `requests` and the clause
    /// ending each of its three index range scans: a report reads hundreds of thousands of
    /// facts, so each backend reads them the fastest way it knows.
    const CASE_FACT_COLUMNS: &'static str;
    /// See [`CASE_FACT_COLUMNS`](Self::CASE_FACT_COLUMNS).
    const CASE_FACT_GROUPING: &'static str;

    /// The facts in the rows of the query of [`CASE_FACT_COLUMNS`](Self::CASE_FACT_COLUMNS),
    /// in any order.
    fn case_facts(rows: &[<Self::Db as Database>::Row]) -> Result<Vec<CaseFacts>>;
}

/// Translates a database error, naming the operation: uniqueness → `Conflict`, a missing
/// referenced row → `NotFound`, anything else → `Backend`.
pub fn db(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(format!("{what}：已存在"))
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::NotFound(format!("{what}：引用的记录不存在"))
        }
        _ => StoreError::Backend(format!("{what}：{e}")),
    }
}

/// Applies the pending migrations of `migrator` (the backend's `sqlx::migrate!()`) to the
/// database of `pool`.
pub async fn migrate<DB: Database>(pool: &Pool<DB>, migrator: Migrator) -> Result<()>
where
    DB::Connection: Migrate,
{
    migrator
        .run(pool)
        .await
        .map_err(|e| StoreError::Backend(format!("数据库迁移失败：{e}")))
}

/// What [`impl_store!`] expands to needs, reachable through this crate.
#[doc(hidden)]
pub mod __private {
    pub use gongkai_cases::{
        Agency, AgencyId, CaseFacts, NewRemedy, NewRequest, Remedy, RemedyFacts, Request,
        RequestId, TimelineEvent, YearFigures,
    };
    pub use gongkai_store::{
        Agencies, CalendarOverrides, Figures, ImportSummary, LedgerImport, Remedies, Requests,
        Result,
    };
}

/// Implements every `gongkai_store` trait for `$store`, a type implementing [`Backend`], with
/// the shared operations of [`Sql`]. (A macro because the traits and the store type both live
/// in other crates than this one.)
#[macro_export]
macro_rules! impl_store {
    // Trait methods that call the `Sql` operation of the same name.
    (@forward $($method:ident($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        $(
            async fn $method(&self, $($arg: $ty),*) -> $crate::__private::Result<$out> {
                $crate::Sql(self).$method($($arg),*).await
            }
        )*
    };
    ($store:ty) => {
        const _: () = {
            use $crate::__private::*;

            impl Agencies for $store {
                $crate::impl_store!(@forward
                    create_agency(name: &str, parent: Option<AgencyId>) -> Agency;
                    agency(id: AgencyId) -> Option<Agency>;
                    agency_by_name(name: &str) -> Option<Agency>;
                    agencies() -> Vec<Agency>;
                );
            }

            impl Requests for $store {
                $crate::impl_store!(@forward
                    create_request(new: NewRequest, first: TimelineEvent) -> Request;
                    append_event(id: RequestId, event: TimelineEvent) -> Request;
                    request(id: RequestId) -> Option<Request>;
                    requests_by_ids(ids: &[RequestId]) -> Vec<Request>;
                    request_by_reference(agency: AgencyId, reference: &str) -> Option<Request>;
                    case_facts(agencies: &[AgencyId], year: i32) -> Vec<CaseFacts>;
                );
            }

            impl Remedies for $store {
                $crate::impl_store!(@forward
                    create_remedy(new: NewRemedy) -> Remedy;
                    remedy_by_reference(agency: AgencyId, reference: &str) -> Option<Remedy>;
                    remedy_facts(agencies: &[AgencyId], year: i32) -> Vec<RemedyFacts>;
                );
            }

            impl LedgerImport for $store {
                $crate::impl_store!(@forward
                    import(
                        requests: Vec<(NewRequest, Vec<TimelineEvent>)>,
                        remedies: Vec<NewRemedy>
                    ) -> ImportSummary;
                );
            }

            impl Figures for $store {
                $crate::impl_store!(@forward
                    set_figures(figures: YearFigures) -> ();
                    figures(agency: AgencyId, year: i32) -> Option<YearFigures>;
                );
            }

            impl CalendarOverrides for $store {
                $crate::impl_store!(@forward
                    calendar_overrides() -> Vec<String>;
                    add_calendar_override(toml: &str) -> ();
                );
            }
        };
    };
}
