//! The public log of answered requests (`gongkai_store::Disclosures`), written once for every
//! [`Backend`]: one row per published request, its number generated, listed newest first.

use super::{Sql, id_list};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use gongkai_audit::Draft;
use gongkai_cases::{AgencyId, RequestId};
use gongkai_store::applications::ReplyDocumentId;
use gongkai_store::disclosures::{Disclosure, DisclosureId};
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

const COLUMNS: &str = "id, request_id, agency_id, title, documents, published_at, published_by";

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
    pub async fn publish_disclosure(
        &self,
        request: RequestId,
        title: &str,
        documents: &[ReplyDocumentId],
        at: DateTime<Utc>,
        mut audit: Draft,
    ) -> Result<Disclosure> {
        let at = at.trunc_subsecs(6);
        let ids = join_ids(documents);
        let mut tx = self.write_tx().await?;
        // Locked, so that a concurrent publication of the same request waits and then meets
        // the unique key rather than a half-written row.
        let stored = Self::locked_request(&mut tx, request).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO disclosures (request_id, agency_id, title, documents, published_at, \
             published_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(request.0)
        .bind(stored.data.agency.0)
        .bind(title)
        .bind(ids.as_str())
        .bind(at)
        .bind(audit.actor())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db("公开答复")(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("申请 {} 已在公开的答复中", stored.data.reference))
            }
            other => other,
        })?;
        audit
            .set("disclosure", id)
            .set("title", title)
            .set("documents", ids.as_str());
        let published_by = audit.actor().to_owned();
        Self::finish(tx, &audit).await?;
        Ok(Disclosure {
            id: DisclosureId(id),
            request,
            agency: stored.data.agency,
            title: title.to_owned(),
            documents: documents.to_vec(),
            published_at: at,
            published_by,
        })
    }

    pub async fn withdraw_disclosure(&self, request: RequestId, mut audit: Draft) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let removed: Vec<i64> =
            sqlx::query_scalar("DELETE FROM disclosures WHERE request_id = $1 RETURNING id")
                .bind(request.0)
                .fetch_all(&mut *tx)
                .await
                .map_err(db("撤回公开的答复"))?;
        let Some(id) = removed.first() else {
            // Nothing changed: no audit entry.
            return Ok(false);
        };
        audit.set("disclosure", *id);
        Self::finish(tx, &audit).await?;
        Ok(true)
    }

    pub async fn disclosure_of(&self, request: RequestId) -> Result<Option<Disclosure>> {
        self.one_disclosure("request_id = $1", request.0).await
    }

    pub async fn disclosure(&self, id: DisclosureId) -> Result<Option<Disclosure>> {
        self.one_disclosure("id = $1", id.0).await
    }

    async fn one_disclosure(&self, clause: &str, key: i64) -> Result<Option<Disclosure>> {
        let sql = format!("SELECT {COLUMNS} FROM disclosures WHERE {clause}");
        let row = sqlx::query(&sql)
            .bind(key)
            .fetch_optional(&mut *self.conn().await?)
            .await
            .map_err(db("读取公开的答复"))?;
        row.as_ref().map(Self::disclosure_row).transpose()
    }

    pub async fn disclosures(
        &self,
        agencies: Option<&[AgencyId]>,
        before: Option<DisclosureId>,
        limit: usize,
    ) -> Result<Vec<Disclosure>> {
        let within = match agencies {
            Some([]) => return Ok(Vec::new()),
            Some(list) => format!("AND agency_id IN {}", id_list(list.iter().map(|a| a.0))),
            None => String::new(),
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM disclosures WHERE id < $1 {within} ORDER BY id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(before.map_or(i64::MAX, |b| b.0))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&mut *self.conn().await?)
            .await
            .map_err(db("读取公开的答复"))?;
        rows.iter().map(Self::disclosure_row).collect()
    }

    fn disclosure_row(row: &DB::Row) -> Result<Disclosure> {
        let read = || -> std::result::Result<_, sqlx::Error> {
            Ok(Disclosure {
                id: DisclosureId(row.try_get("id")?),
                request: RequestId(row.try_get("request_id")?),
                agency: AgencyId(row.try_get("agency_id")?),
                title: row.try_get("title")?,
                documents: split_ids(&row.try_get::<String, _>("documents")?)?,
                published_at: row.try_get("published_at")?,
                published_by: row.try_get("published_by")?,
            })
        };
        read().map_err(db("读取公开的答复"))
    }
}

/// The documents' ids as stored: comma-separated.
fn join_ids(ids: &[ReplyDocumentId]) -> String {
    let ids: Vec<String> = ids.iter().map(|d| d.0.to_string()).collect();
    ids.join(",")
}

fn split_ids(text: &str) -> std::result::Result<Vec<ReplyDocumentId>, sqlx::Error> {
    text.split(',')
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse()
                .map(ReplyDocumentId)
                .map_err(|e| sqlx::Error::Decode(Box::new(e)))
        })
        .collect()
}
