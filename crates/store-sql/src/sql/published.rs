//! The published annual reports (`gongkai_store::PublishedReports`, 第四十九条、第五十条),
//! written once for every [`Backend`]: one row per version, never updated, written by the filing
//! workflow's publication step (`sql/filings.rs`).

use super::Sql;
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_cases::AgencyId;
use gongkai_store::published::{MAX_NOTE_CHARS, PublishedReport, PublishedVersion};
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::HashSet;

/// The columns of a listing, in the order [`version_of`] reads them.
const LISTED: &str = "year, version, note, published_at, published_by";

impl<B, DB> Sql<'_, B>
where
    B: Backend<Db = DB>,
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'s> &'s str: ColumnIndex<DB::Row> + Encode<'s, DB> + Type<DB>,
    for<'s> Option<&'s str>: Encode<'s, DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> NaiveDate: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<NaiveDate>: Encode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> Option<String>: Decode<'r, DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
{
    /// Publishes `json` as the agency-year's next version in the write's transaction (which
    /// holds the audit log's lock, so two publications cannot take one number); the filing
    /// workflow's publication step calls it (`Filings::record_step`).
    pub(super) async fn insert_published(
        tx: &mut DB::Connection,
        agency: AgencyId,
        year: i32,
        json: &str,
        note: Option<&str>,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<i32> {
        if json.trim().is_empty() {
            return Err(StoreError::Invalid("发布的年度报告为空".into()));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
            return Err(StoreError::Invalid(format!(
                "更正说明不能超过 {MAX_NOTE_CHARS} 字"
            )));
        }
        Self::agencies_exist(&mut *tx, &HashSet::from([agency.0])).await?;
        let latest: Option<i32> = sqlx::query_scalar(
            "SELECT MAX(version) FROM published_reports WHERE agency_id = $1 AND year = $2",
        )
        .bind(agency.0)
        .bind(year)
        .fetch_one(&mut *tx)
        .await
        .map_err(db("读取已发布的年度报告"))?;
        let version = latest.unwrap_or(0) + 1;
        if version == 1 && note.is_some() {
            return Err(StoreError::Invalid(
                "首次发布的年度报告没有更正说明：更正说明随更正后的版本发布".into(),
            ));
        }
        if version > 1 && note.is_none() {
            return Err(StoreError::Invalid(
                "已发布的年度报告只能以更正版本发布，须有更正说明".into(),
            ));
        }
        sqlx::query(
            "INSERT INTO published_reports (agency_id, year, version, report, note, \
             published_at, published_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(agency.0)
        .bind(year)
        .bind(version)
        .bind(json)
        .bind(note)
        .bind(at)
        .bind(actor)
        .execute(&mut *tx)
        .await
        .map_err(db("发布年度报告"))?;
        Ok(version)
    }

    pub async fn published_reports(&self, agency: AgencyId) -> Result<Vec<PublishedVersion>> {
        let mut conn = self.conn().await?;
        let select = format!(
            "SELECT {LISTED} FROM published_reports p WHERE agency_id = $1 AND version = \
             (SELECT MAX(version) FROM published_reports q \
              WHERE q.agency_id = p.agency_id AND q.year = p.year) ORDER BY year DESC"
        );
        let rows = sqlx::query(&select)
            .bind(agency.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取已发布的年度报告"))?;
        rows.iter().map(version_of::<DB>).collect()
    }

    pub async fn published_versions(
        &self,
        agency: AgencyId,
        year: i32,
    ) -> Result<Vec<PublishedVersion>> {
        let mut conn = self.conn().await?;
        let select = format!(
            "SELECT {LISTED} FROM published_reports WHERE agency_id = $1 AND year = $2 \
             ORDER BY version DESC"
        );
        let rows = sqlx::query(&select)
            .bind(agency.0)
            .bind(year)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取已发布的年度报告"))?;
        rows.iter().map(version_of::<DB>).collect()
    }

    pub async fn published_report(
        &self,
        agency: AgencyId,
        year: i32,
        version: Option<i32>,
    ) -> Result<Option<PublishedReport>> {
        let mut conn = self.conn().await?;
        let select = format!(
            "SELECT {LISTED}, report FROM published_reports WHERE agency_id = $1 AND year = $2 \
             AND ($3 = 0 OR version = $3) ORDER BY version DESC LIMIT 1"
        );
        let row = sqlx::query(&select)
            .bind(agency.0)
            .bind(year)
            .bind(version.unwrap_or(0))
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取已发布的年度报告"))?;
        let Some(row) = row else { return Ok(None) };
        let v = version_of::<DB>(&row)?;
        let json: String = row.try_get(5usize).map_err(db("读取已发布的年度报告"))?;
        Ok(Some(PublishedReport {
            agency,
            year: v.year,
            version: v.version,
            json,
            note: v.note,
            published_at: v.published_at,
            published_by: v.published_by,
        }))
    }
}

/// A version of the columns [`LISTED`].
fn version_of<DB>(row: &DB::Row) -> Result<PublishedVersion>
where
    DB: Database,
    usize: ColumnIndex<DB::Row>,
    for<'q> i32: Decode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Decode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> Option<String>: Decode<'r, DB>,
{
    Ok(PublishedVersion {
        year: row.try_get(0usize).map_err(db("读取已发布的年度报告"))?,
        version: row.try_get(1usize).map_err(db("读取已发布的年度报告"))?,
        note: row.try_get(2usize).map_err(db("读取已发布的年度报告"))?,
        published_at: row.try_get(3usize).map_err(db("读取已发布的年度报告"))?,
        published_by: row.try_get(4usize).map_err(db("读取已发布的年度报告"))?,
    })
}
