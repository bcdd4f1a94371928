//! The standard item directories (`gongkai_store::Directory`), written once for every
//! [`Backend`]: an agency's items replaced whole in one transaction, and the catalogue's links
//! to them read for a year's coverage.

use super::{ROW_CHUNK, Sql, id_list};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::AgencyId;
use gongkai_catalogue::DocumentId;
use gongkai_directory::StandardItem;
use gongkai_store::directory::{DirectoryCounts, ItemPublication};
use gongkai_store::{Result, StoreError, rules};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::{HashMap, HashSet};

/// The columns of `directory_items` an item is read from, in [`item_row`]'s order.
const ITEM_COLUMNS: &str = "agency_id, code, domain, name, content, basis, time_limit, body, channels";

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
    pub async fn replace_directory(
        &self,
        agency: AgencyId,
        items: Vec<StandardItem>,
        mut audit: Draft,
    ) -> Result<DirectoryCounts> {
        let mut seen = HashSet::new();
        if let Some(twice) = items.iter().find(|i| !seen.insert(i.code.as_str())) {
            return Err(StoreError::Conflict(format!(
                "事项编号“{}”出现了不止一次",
                twice.code
            )));
        }
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([agency.0])).await?;
        let sql = format!("SELECT {ITEM_COLUMNS} FROM directory_items WHERE agency_id = $1");
        let old: HashMap<String, StandardItem> = sqlx::query(&sql)
            .bind(agency.0)
            .fetch_all(&mut *tx)
            .await
            .map_err(db("读取标准目录"))?
            .iter()
            .map(|r| item_row::<DB>(r).map(|(_, i)| (i.code.clone(), i)))
            .collect::<Result<_>>()?;
        let mut counts = DirectoryCounts::default();
        for item in &items {
            match old.get(&item.code) {
                None => counts.created += 1,
                Some(o) if o == item => counts.unchanged += 1,
                Some(_) => counts.changed += 1,
            }
        }
        let kept: HashSet<&str> = items.iter().map(|i| i.code.as_str()).collect();
        counts.removed = old.keys().filter(|c| !kept.contains(c.as_str())).count();
        sqlx::query("DELETE FROM directory_items WHERE agency_id = $1")
            .bind(agency.0)
            .execute(&mut *tx)
            .await
            .map_err(db("保存标准目录"))?;
        let rows: Vec<(usize, &StandardItem)> = items.iter().enumerate().collect();
        Self::run_values(
            &mut tx,
            (
                "INSERT INTO directory_items (agency_id, code, position, domain, name, content, \
                 basis, time_limit, body, channels) ",
                "",
            ),
            &rows,
            ROW_CHUNK / 10,
            "保存标准目录",
            |b, (pos, item)| {
                b.bind(agency.0)
                    .bind(item.code.as_str())
                    .bind(*pos as i64)
                    .bind(item.domain.as_str())
                    .bind(item.name.as_str())
                    .bind(item.content.as_str())
                    .bind(item.basis.as_str())
                    .bind(item.time_limit.as_str())
                    .bind(item.body.as_str())
                    .bind(item.channels.as_str());
            },
        )
        .await?;
        audit
            .set("items", items.len())
            .set("created", counts.created)
            .set("changed", counts.changed)
            .set("unchanged", counts.unchanged)
            .set("removed", counts.removed);
        Self::finish(tx, &audit).await?;
        Ok(counts)
    }

    pub async fn directory(&self, agencies: &[AgencyId]) -> Result<Vec<(AgencyId, StandardItem)>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM directory_items WHERE agency_id IN {} \
             ORDER BY agency_id, position",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows = Self::rows_of(&mut *self.conn().await?, &sql, "读取标准目录").await?;
        rows.iter()
            .map(|r| item_row::<DB>(r).map(|(a, i)| (AgencyId(a), i)))
            .collect()
    }

    pub async fn item_publications(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<ItemPublication>> {
        let (start, end) = rules::year_bounds(year)?;
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT d.agency_id, l.item_code, d.id, d.written, d.published \
             FROM documents d JOIN document_items l ON l.document_id = d.id \
             WHERE d.agency_id IN {} AND d.published >= $1 AND d.published <= $2 \
             ORDER BY d.agency_id, l.item_code, d.published, d.id",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows: Vec<(i64, String, i64, Option<NaiveDate>, NaiveDate)> = sqlx::query_as(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取标准目录事项的公开"))?;
        Ok(rows
            .into_iter()
            .map(|(a, item, id, written, published)| ItemPublication {
                agency: AgencyId(a),
                item,
                document: DocumentId(id),
                written,
                published,
            })
            .collect())
    }
}

/// An item's row (`SELECT {ITEM_COLUMNS}`): its agency and the item.
fn item_row<DB: Database>(row: &DB::Row) -> Result<(i64, StandardItem)>
where
    usize: ColumnIndex<DB::Row>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
{
    let get = || -> std::result::Result<_, sqlx::Error> {
        Ok((
            row.try_get::<i64, usize>(0)?,
            StandardItem {
                code: row.try_get(1)?,
                domain: row.try_get(2)?,
                name: row.try_get(3)?,
                content: row.try_get(4)?,
                basis: row.try_get(5)?,
                time_limit: row.try_get(6)?,
                body: row.try_get(7)?,
                channels: row.try_get(8)?,
            },
        ))
    };
    get().map_err(db("读取标准目录"))
}
