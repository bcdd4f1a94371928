//! The agencies' letter templates (`gongkai_store::LetterTemplates`), written once for every
//! [`Backend`]: one row per agency and kind, replaced in the write's transaction.

use super::Sql;
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::AgencyId;
use gongkai_store::Result;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};
use std::collections::HashSet;

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
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
{
    pub async fn set_letter_template(
        &self,
        agency: AgencyId,
        kind: &str,
        body: &str,
        mut audit: Draft,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([agency.0])).await?;
        let removed = Self::delete_template(&mut tx, agency, kind, "保存文书模板").await?;
        sqlx::query("INSERT INTO letter_templates (agency_id, kind, body) VALUES ($1, $2, $3)")
            .bind(agency.0)
            .bind(kind)
            .bind(body)
            .execute(&mut *tx)
            .await
            .map_err(db("保存文书模板"))?;
        audit.set("kind", kind).set("created", !removed);
        Self::finish(tx, &audit).await
    }

    pub async fn reset_letter_template(
        &self,
        agency: AgencyId,
        kind: &str,
        mut audit: Draft,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let removed = Self::delete_template(&mut tx, agency, kind, "恢复默认文书模板").await?;
        if !removed {
            // Nothing changed: no audit entry.
            return Ok(false);
        }
        audit.set("kind", kind);
        Self::finish(tx, &audit).await?;
        Ok(true)
    }

    /// Deletes the agency's template of a kind; whether there was one (counted by `RETURNING`:
    /// the generic driver API has no count of affected rows).
    async fn delete_template(
        conn: &mut DB::Connection,
        agency: AgencyId,
        kind: &str,
        what: &'static str,
    ) -> Result<bool> {
        let removed = sqlx::query(
            "DELETE FROM letter_templates WHERE agency_id = $1 AND kind = $2 RETURNING kind",
        )
        .bind(agency.0)
        .bind(kind)
        .fetch_all(&mut *conn)
        .await
        .map_err(db(what))?;
        Ok(!removed.is_empty())
    }

    pub async fn letter_templates(&self, agency: AgencyId) -> Result<Vec<(String, String)>> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query(
            "SELECT kind, body FROM letter_templates WHERE agency_id = $1 ORDER BY kind",
        )
        .bind(agency.0)
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取文书模板"))?;
        rows.iter()
            .map(|row| {
                Ok((
                    sqlx::Row::try_get::<String, usize>(row, 0).map_err(db("读取文书模板"))?,
                    sqlx::Row::try_get::<String, usize>(row, 1).map_err(db("读取文书模板"))?,
                ))
            })
            .collect()
    }
}
