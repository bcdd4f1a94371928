//! The portal's page views (`gongkai_store::PageViews`), written once for every [`Backend`]:
//! one row per agency and day, added to in place.

use super::{Sql, id_list};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_cases::AgencyId;
use gongkai_store::{Result, rules};
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
    pub async fn add_page_views(&self, counts: &[(AgencyId, NaiveDate, i64)]) -> Result<()> {
        if counts.is_empty() {
            return Ok(());
        }
        let mut tx = self.write_tx().await?;
        let agencies: HashSet<i64> = counts.iter().map(|(a, _, _)| a.0).collect();
        Self::agencies_exist(&mut tx, &agencies).await?;
        for &(agency, day, views) in counts {
            sqlx::query(
                "INSERT INTO page_views (agency_id, day, views) VALUES ($1, $2, $3) \
                 ON CONFLICT (agency_id, day) DO UPDATE SET views = page_views.views + excluded.views",
            )
            .bind(agency.0)
            .bind(day)
            .bind(views)
            .execute(&mut *tx)
            .await
            .map_err(db("记录页面访问量"))?;
        }
        tx.commit().await.map_err(db("提交事务"))
    }

    pub async fn page_views(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<(AgencyId, i64)>> {
        let (start, end) = rules::year_bounds(year)?;
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
        let sql = format!(
            "SELECT agency_id, CAST(SUM(views) AS BIGINT) FROM page_views \
             WHERE agency_id IN {} AND day >= $1 AND day <= $2 \
             GROUP BY agency_id ORDER BY agency_id",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows: Vec<(i64, i64)> = sqlx::query_as(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取页面访问量"))?;
        Ok(rows.into_iter().map(|(a, v)| (AgencyId(a), v)).collect())
    }
}
