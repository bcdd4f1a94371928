//! The catalogue (`gongkai_store::Catalogue`) and the database's blobs (`gongkai_store::Blobs`),
//! written once for every [`Backend`].
//!
//! Revisions: every write of a document gives it `MAX(revision) + 1`, read inside the write's
//! transaction. Every such write is audited, so it runs in [`Sql::write_tx`], which holds the
//! audit log until it ends (SQLite: `BEGIN IMMEDIATE`, the database's one write lock;
//! PostgreSQL: `LOCK TABLE audit_log IN EXCLUSIVE MODE`, taken before the first read). Catalogue
//! writes therefore run one after the other, each reading the maximum its predecessor
//! committed, and revisions become visible in the order they were given: a reader that has seen
//! revision 7 can never later find a 6 it skipped. The unique index on `revision` is the
//! backstop should a write ever run outside that lock.

use super::{ID_CHUNK, REQUEST_CHUNK, ROW_CHUNK, Sql, conflict, id_list};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::AgencyId;
use gongkai_catalogue::{
    Attachment, Category, DocNumber, Document, DocumentId, IndexNumber, Item, NewDocument,
    RegisterEntry, Validity,
};
use gongkai_store::blobs::{check_name, sha256_hex, verify};
use gongkai_store::catalogue::{
    DocumentFilter, ItemOverview, PublicationDates, PublishedDocument, check_document,
    check_validity, index_key,
};
use gongkai_store::{ImportCounts, Result, StoreError, rules};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The columns of `documents` that [`Sql::document_row`] reads.
const DOCUMENT_COLUMNS: &str = "id, agency_id, index_number, index_parts, title, doc_number, \
     doc_number_key, doc_number_parts, written, published, category, item, topic, genre, \
     method, scope, validity, validity_on, repealed_by, interprets, body_html, body_text, \
     revision";

/// The columns a [`RegisterEntry`] is read from.
const REGISTER_COLUMNS: &str =
    "id, agency_id, category, written, published, validity, validity_on, repealed_by, interprets";

/// The ids of the channels a write's documents name, by (agency, name).
type ChannelIds = HashMap<(i64, String), i64>;

/// A value bound to a numbered parameter of a statement built at run time.
enum Param {
    Date(NaiveDate),
    Text(&'static str),
}

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
    pub async fn create_document(&self, new: NewDocument, mut audit: Draft) -> Result<Document> {
        check_document(&new)?;
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([new.agency.0])).await?;
        Self::interpreted_exist(&mut tx, new.interprets.iter().map(|d| d.0)).await?;
        let links = Self::check_links(&mut tx, &[&new]).await?;
        let revision = Self::next_revision(&mut tx).await?;
        let id = Self::insert_document(&mut tx, &new, revision).await?;
        Self::insert_attachments(&mut tx, &[(id, &new.attachments)]).await?;
        Self::insert_document_links(&mut tx, &[(id, &new)], &links).await?;
        describe(&mut audit, id, &new, revision);
        Self::finish(tx, &audit).await?;
        Ok(Document {
            id: DocumentId(id),
            revision,
            data: new,
        })
    }

    pub async fn update_document(
        &self,
        id: DocumentId,
        new: NewDocument,
        mut audit: Draft,
    ) -> Result<Document> {
        check_document(&new)?;
        if new.interprets == Some(id) {
            return Err(StoreError::Invalid(format!(
                "索引号“{}”：一条信息不能是它自己的政策解读",
                new.index_number.raw
            )));
        }
        let mut tx = self.write_tx().await?;
        let stored = Self::locked_document(&mut tx, id).await?;
        Self::agencies_exist(&mut tx, &HashSet::from([new.agency.0])).await?;
        Self::interpreted_exist(&mut tx, new.interprets.iter().map(|d| d.0)).await?;
        let links = Self::check_links(&mut tx, &[&new]).await?;
        let revision = Self::next_revision(&mut tx).await?;
        Self::replace_document(&mut tx, id.0, &new, revision, &links).await?;
        describe(&mut audit, id.0, &new, revision);
        audit.set("previous_revision", stored.revision);
        Self::finish(tx, &audit).await?;
        Ok(Document {
            id,
            revision,
            data: new,
        })
    }

    pub async fn set_validity(
        &self,
        id: DocumentId,
        validity: Validity,
        mut audit: Draft,
    ) -> Result<Document> {
        let mut tx = self.write_tx().await?;
        let mut doc = Self::locked_document(&mut tx, id).await?;
        check_validity(&doc.data, &validity)?;
        let revision = Self::next_revision(&mut tx).await?;
        let (state, on, by) = validity_columns(&validity);
        sqlx::query(
            "UPDATE documents SET validity = $1, validity_on = $2, repealed_by = $3, \
             revision = $4 WHERE id = $5",
        )
        .bind(state)
        .bind(on)
        .bind(by)
        .bind(revision)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db("保存有效性"))?;
        audit
            .set("id", id.0)
            .set("index_number", doc.data.index_number.raw.as_str())
            .set("old_validity", validity_columns(&doc.data.validity).0)
            .set("validity", state)
            .set("on", on.map(|d| d.to_string()))
            .set("by", by)
            .set("revision", revision);
        Self::finish(tx, &audit).await?;
        doc.data.validity = validity;
        doc.revision = revision;
        Ok(doc)
    }

    pub async fn document(&self, id: DocumentId) -> Result<Option<Document>> {
        let mut conn = self.conn().await?;
        let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取目录信息"))?;
        Self::one_document(&mut conn, row).await
    }

    pub async fn document_by_index(
        &self,
        agency: AgencyId,
        index_number: &str,
    ) -> Result<Option<Document>> {
        let mut conn = self.conn().await?;
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE agency_id = $1 AND index_key = $2"
        );
        let key = index_key(index_number);
        let row = sqlx::query(&sql)
            .bind(agency.0)
            .bind(key.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取目录信息"))?;
        Self::one_document(&mut conn, row).await
    }

    pub async fn documents_by_ids(&self, ids: &[DocumentId]) -> Result<Vec<Document>> {
        let mut distinct: Vec<i64> = ids.iter().map(|id| id.0).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let mut conn = self.conn().await?;
        let mut found: HashMap<i64, Document> = HashMap::with_capacity(distinct.len());
        for chunk in distinct.chunks(ID_CHUNK) {
            let sql = format!(
                "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id IN {}",
                id_list(chunk.iter().copied())
            );
            let rows = Self::rows_of(&mut conn, &sql, "读取目录信息").await?;
            let mut docs = Self::documents_of(&mut conn, &rows).await?;
            found.extend(docs.drain(..).map(|d| (d.id.0, d)));
        }
        Ok(ids
            .iter()
            .filter_map(|id| found.get(&id.0).cloned())
            .collect())
    }

    pub async fn list_documents(&self, filter: &DocumentFilter) -> Result<Vec<Document>> {
        if filter.agencies.is_empty() {
            return Ok(Vec::new());
        }
        let mut params: Vec<Param> = Vec::new();
        let next = |p: Param, params: &mut Vec<Param>| {
            params.push(p);
            format!("${}", params.len())
        };
        let mut sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE agency_id IN {}",
            id_list(filter.agencies.iter().map(|a| a.0))
        );
        if let Some(c) = filter.category {
            let p = next(Param::Text(category_str(c)), &mut params);
            sql.push_str(&format!(" AND category = {p}"));
        }
        if let Some(from) = filter.published_from {
            let p = next(Param::Date(from), &mut params);
            sql.push_str(&format!(" AND published >= {p}"));
        }
        if let Some(to) = filter.published_to {
            let p = next(Param::Date(to), &mut params);
            sql.push_str(&format!(" AND published <= {p}"));
        }
        if let Some((published, id)) = filter.after {
            // The id is an integer, inlined; the date is bound (typed for PostgreSQL).
            let p = next(Param::Date(published), &mut params);
            sql.push_str(&format!(
                " AND (published < {p} OR (published = {p} AND id < {}))",
                id.0
            ));
        }
        sql.push_str(&format!(
            " ORDER BY published DESC, id DESC LIMIT {}",
            filter.limit.max(1)
        ));
        let mut query = sqlx::query(&sql);
        for p in params {
            query = match p {
                Param::Date(d) => query.bind(d),
                Param::Text(t) => query.bind(t),
            };
        }
        let mut conn = self.conn().await?;
        let rows = query
            .fetch_all(&mut *conn)
            .await
            .map_err(db("列出目录信息"))?;
        Self::documents_of(&mut conn, &rows).await
    }

    pub async fn item_overview(&self, agency: AgencyId, per_item: usize) -> Result<ItemOverview> {
        let mut conn = self.conn().await?;
        // The count reads the index on (agency_id, item, published, id) alone; the id is an
        // integer, inlined.
        let rows = sqlx::query(&format!(
            "SELECT item, COUNT(*) AS n FROM documents WHERE agency_id = {} GROUP BY item",
            agency.0
        ))
        .fetch_all(&mut *conn)
        .await
        .map_err(db("统计目录信息"))?;
        let mut counts = Vec::with_capacity(rows.len());
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            let item: Option<String> = row.try_get("item").map_err(db("统计目录信息"))?;
            let n: i64 = row.try_get("n").map_err(db("统计目录信息"))?;
            counts.push((
                item.as_deref().map(item_from).transpose()?,
                u64::try_from(n).unwrap_or_default(),
            ));
            items.push(item);
        }
        // The newest of each item: one seek down the same index per item, however many
        // documents the agency has.
        let newest_of = |at: Option<usize>| {
            let item = at.map_or_else(|| "item IS NULL".to_owned(), |p| format!("item = ${p}"));
            format!(
                "SELECT * FROM (SELECT id FROM documents WHERE agency_id = {} AND {item} \
                 ORDER BY published DESC, id DESC LIMIT {}) AS newest",
                agency.0,
                per_item.max(1)
            )
        };
        let mut parts = Vec::with_capacity(items.len());
        let mut bound = Vec::new();
        for item in &items {
            parts.push(match item {
                Some(text) => {
                    bound.push(text.as_str());
                    newest_of(Some(bound.len()))
                }
                None => newest_of(None),
            });
        }
        if parts.is_empty() {
            return Ok(ItemOverview::default());
        }
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id IN ({}) \
             ORDER BY published DESC, id DESC",
            parts.join(" UNION ALL ")
        );
        let mut query = sqlx::query(&sql);
        for text in bound {
            query = query.bind(text);
        }
        let rows = query
            .fetch_all(&mut *conn)
            .await
            .map_err(db("列出目录信息"))?;
        let newest = Self::documents_of(&mut conn, &rows).await?;
        Ok(ItemOverview { counts, newest })
    }

    pub async fn register_entries(&self, agencies: &[AgencyId]) -> Result<Vec<RegisterEntry>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let ids = id_list(agencies.iter().map(|a| a.0));
        let theirs: Vec<String> = REGISTER_COLUMNS
            .split(", ")
            .map(|c| format!("d.{c}"))
            .collect();
        // UNION, not UNION ALL: an interpretation by one of the agencies of one of their own
        // documents is found by both halves and listed once.
        let sql = format!(
            "SELECT {REGISTER_COLUMNS} FROM documents WHERE agency_id IN {ids} \
             AND (category IS NOT NULL OR interprets IS NOT NULL) \
             UNION \
             SELECT {} FROM documents d JOIN documents t ON t.id = d.interprets \
             WHERE t.agency_id IN {ids} \
             ORDER BY id",
            theirs.join(", ")
        );
        let rows = Self::rows_of(&mut *self.conn().await?, &sql, "读取规范性文件登记").await?;
        rows.iter().map(register_row::<DB>).collect()
    }

    pub async fn publication_dates(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<PublicationDates>> {
        let (start, end) = rules::year_bounds(year)?;
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, written, published FROM documents WHERE agency_id IN {} \
             AND item IS NOT NULL AND published >= $1 AND published <= $2 ORDER BY id",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows: Vec<(i64, Option<NaiveDate>, NaiveDate)> = sqlx::query_as(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取发布日期"))?;
        Ok(rows
            .into_iter()
            .map(|(id, w, p)| (DocumentId(id), w, p))
            .collect())
    }

    pub async fn published_documents(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<PublishedDocument>> {
        let (start, end) = rules::year_bounds(year)?;
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, agency_id, published, item, interprets FROM documents \
             WHERE agency_id IN {} AND published >= $1 AND published <= $2 ORDER BY id",
            id_list(agencies.iter().map(|a| a.0))
        );
        type Row = (i64, i64, NaiveDate, Option<String>, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取本年发布的信息"))?;
        rows.into_iter()
            .map(|(id, agency, published, item, interprets)| {
                Ok(PublishedDocument {
                    id: DocumentId(id),
                    agency: AgencyId(agency),
                    published,
                    item: item.as_deref().map(item_from).transpose()?,
                    interprets: interprets.map(DocumentId),
                })
            })
            .collect()
    }

    pub async fn documents_since(&self, revision: i64, limit: usize) -> Result<Vec<Document>> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE revision > $1 ORDER BY revision \
             LIMIT {}",
            limit.max(1)
        );
        let mut conn = self.conn().await?;
        let rows = sqlx::query(&sql)
            .bind(revision)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取目录信息"))?;
        Self::documents_of(&mut conn, &rows).await
    }

    pub async fn catalogue_revision(&self) -> Result<i64> {
        sqlx::query_scalar("SELECT COALESCE(MAX(revision), 0) FROM documents")
            .fetch_one(self.0.pool())
            .await
            .map_err(db("读取目录版本"))
    }

    /// The stored documents are found (and locked) by a chunked `VALUES` join on (agency,
    /// index key); each document is then created, replaced or left alone.
    pub async fn upsert_documents(
        &self,
        docs: Vec<NewDocument>,
        mut audit: Draft,
    ) -> Result<ImportCounts> {
        let mut seen = HashSet::new();
        let mut keys = Vec::with_capacity(docs.len());
        for doc in &docs {
            check_document(doc)?;
            let key = doc.index_number.key();
            if !seen.insert((doc.agency.0, key.clone())) {
                return Err(StoreError::Conflict(format!(
                    "导入数据中索引号“{}”出现了不止一次",
                    doc.index_number.raw
                )));
            }
            keys.push(key);
        }
        let mut tx = self.write_tx().await?;
        let agencies: HashSet<i64> = docs.iter().map(|d| d.agency.0).collect();
        Self::agencies_exist(&mut tx, &agencies).await?;
        Self::interpreted_exist(
            &mut tx,
            docs.iter().filter_map(|d| d.interprets.map(|i| i.0)),
        )
        .await?;
        let pairs: Vec<(i64, &str)> = docs
            .iter()
            .zip(&keys)
            .map(|(d, k)| (d.agency.0, k.as_str()))
            .collect();
        let refs: Vec<&NewDocument> = docs.iter().collect();
        let links = Self::check_links(&mut tx, &refs).await?;
        let existing = Self::existing_documents(&mut tx, &pairs).await?;
        let mut stored: HashMap<i64, Document> = HashMap::with_capacity(existing.len());
        let ids: Vec<i64> = existing.values().copied().collect();
        for chunk in ids.chunks(ID_CHUNK) {
            let sql = format!(
                "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id IN {}",
                id_list(chunk.iter().copied())
            );
            let rows = Self::rows_of(&mut tx, &sql, "读取目录信息").await?;
            stored.extend(
                Self::documents_of(&mut tx, &rows)
                    .await?
                    .into_iter()
                    .map(|d| (d.id.0, d)),
            );
        }
        let mut counts = ImportCounts::default();
        let mut revision = Self::next_revision(&mut tx).await?;
        let first_revision = revision;
        let mut attachments: Vec<(i64, &[Attachment])> = Vec::new();
        let mut created: Vec<(i64, &NewDocument)> = Vec::new();
        for (doc, key) in docs.iter().zip(&keys) {
            match existing.get(&(doc.agency.0, key.clone())) {
                None => {
                    let id = Self::insert_document(&mut tx, doc, revision).await?;
                    attachments.push((id, &doc.attachments));
                    created.push((id, doc));
                    counts.created += 1;
                }
                Some(&id) => {
                    let current = stored.get(&id).ok_or_else(|| {
                        StoreError::Backend(format!(
                            "读取已有目录信息“{}”失败",
                            doc.index_number.raw
                        ))
                    })?;
                    if current.data == *doc {
                        counts.unchanged += 1;
                        continue;
                    }
                    if doc.interprets == Some(DocumentId(id)) {
                        return Err(StoreError::Invalid(format!(
                            "索引号“{}”：一条信息不能是它自己的政策解读",
                            doc.index_number.raw
                        )));
                    }
                    Self::replace_document(&mut tx, id, doc, revision, &links).await?;
                    counts.changed += 1;
                }
            }
            revision += 1;
        }
        Self::insert_attachments(&mut tx, &attachments).await?;
        Self::insert_document_links(&mut tx, &created, &links).await?;
        audit
            .set("created", counts.created)
            .set("changed", counts.changed)
            .set("unchanged", counts.unchanged);
        if revision > first_revision {
            audit
                .set("first_revision", first_revision)
                .set("last_revision", revision - 1);
        }
        Self::finish(tx, &audit).await?;
        Ok(counts)
    }

    /// Stores `bytes` under their SHA-256 unless they are there already. No audit entry: a
    /// blob is content, not a change of records; the document that names it is audited.
    pub async fn put_blob(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256_hex(bytes);
        let size =
            i64::try_from(bytes.len()).map_err(|_| StoreError::Invalid("附件过大".into()))?;
        sqlx::query(
            "INSERT INTO blobs (sha256, bytes, size) VALUES ($1, $2, $3) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha.as_str())
        .bind(bytes)
        .bind(size)
        .execute(self.0.write_pool())
        .await
        .map_err(db("保存附件"))?;
        Ok(sha)
    }

    pub async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        check_name(sha256)?;
        let bytes: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT bytes FROM blobs WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(self.0.pool())
                .await
                .map_err(db("读取附件"))?;
        bytes.map(|b| verify(sha256, b)).transpose()
    }

    pub async fn has_blob(&self, sha256: &str) -> Result<bool> {
        check_name(sha256)?;
        let found: Option<i64> = sqlx::query_scalar("SELECT size FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(self.0.pool())
            .await
            .map_err(db("查找附件"))?;
        Ok(found.is_some())
    }

    /// The next revision of the catalogue. Only inside [`Sql::write_tx`]: see the module
    /// documentation.
    async fn next_revision(conn: &mut DB::Connection) -> Result<i64> {
        let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(revision), 0) FROM documents")
            .fetch_one(&mut *conn)
            .await
            .map_err(db("读取目录版本"))?;
        Ok(last + 1)
    }

    /// Refuses an `interprets` naming a document that does not exist.
    async fn interpreted_exist(
        conn: &mut DB::Connection,
        ids: impl Iterator<Item = i64>,
    ) -> Result<()> {
        let wanted: HashSet<i64> = ids.collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT id FROM documents WHERE id IN {}",
            id_list(wanted.iter().copied())
        );
        let found: HashSet<i64> = sqlx::query_scalar(&sql)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("查找被解读的文件"))?
            .into_iter()
            .collect();
        let mut missing: Vec<i64> = wanted.difference(&found).copied().collect();
        missing.sort_unstable();
        match missing.first() {
            None => Ok(()),
            Some(id) => Err(StoreError::NotFound(format!(
                "政策解读所解读的文件（目录信息 id {id}）不存在"
            ))),
        }
    }

    /// The document `id` inside a write transaction, its row locked first (where the backend
    /// has row locks), or [`StoreError::NotFound`].
    async fn locked_document(conn: &mut DB::Connection, id: DocumentId) -> Result<Document> {
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = $1 {}",
            B::lock_rows("documents")
        );
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取目录信息"))?;
        Self::one_document(conn, row)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("目录信息 id {}", id.0)))
    }

    async fn one_document(
        conn: &mut DB::Connection,
        row: Option<DB::Row>,
    ) -> Result<Option<Document>> {
        let Some(row) = row else { return Ok(None) };
        Ok(Self::documents_of(conn, &[row]).await?.into_iter().next())
    }

    /// The documents of `rows` (`SELECT {DOCUMENT_COLUMNS}`), in their order, with their
    /// attachment records.
    async fn documents_of(conn: &mut DB::Connection, rows: &[DB::Row]) -> Result<Vec<Document>> {
        let mut docs: Vec<Document> = rows.iter().map(document_row::<DB>).collect::<Result<_>>()?;
        let index: HashMap<i64, usize> =
            docs.iter().enumerate().map(|(i, d)| (d.id.0, i)).collect();
        let ids: Vec<i64> = index.keys().copied().collect();
        for chunk in ids.chunks(ID_CHUNK) {
            let sql = format!(
                "SELECT document_id, sha256, name, media_type, size FROM document_attachments \
                 WHERE document_id IN {} ORDER BY document_id, position",
                id_list(chunk.iter().copied())
            );
            for row in Self::rows_of(conn, &sql, "读取附件信息").await? {
                let get = || -> Result<(i64, String, String, String, i64), sqlx::Error> {
                    Ok((
                        row.try_get("document_id")?,
                        row.try_get("sha256")?,
                        row.try_get("name")?,
                        row.try_get("media_type")?,
                        row.try_get("size")?,
                    ))
                };
                let (id, sha256, name, media_type, size) = get().map_err(db("读取附件信息"))?;
                let size = u64::try_from(size)
                    .map_err(|_| StoreError::Backend(format!("数据库中的附件大小无效：{size}")))?;
                if let Some(&i) = index.get(&id) {
                    docs[i].data.attachments.push(Attachment {
                        sha256,
                        name,
                        media_type,
                        size,
                    });
                }
            }
            let list = id_list(chunk.iter().copied());
            let items: Vec<(i64, String)> = sqlx::query_as(&format!(
                "SELECT document_id, item_code FROM document_items WHERE document_id IN {list} \
                 ORDER BY document_id, position"
            ))
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取标准目录事项"))?;
            for (id, code) in items {
                if let Some(&i) = index.get(&id) {
                    docs[i].data.items.push(code);
                }
            }
            let channels: Vec<(i64, String)> = sqlx::query_as(&format!(
                "SELECT l.document_id, c.name FROM document_channels l \
                 JOIN channels c ON c.id = l.channel_id WHERE l.document_id IN {list} \
                 ORDER BY l.document_id, l.position"
            ))
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取发布渠道"))?;
            for (id, name) in channels {
                if let Some(&i) = index.get(&id) {
                    docs[i].data.channels.push(name);
                }
            }
        }
        Ok(docs)
    }

    /// Binds a document's columns, in the order of [`WRITTEN_COLUMNS`].
    fn bind_document<'q>(
        query: sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>,
        new: &'q NewDocument,
        c: &'q Columns,
        revision: i64,
    ) -> sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>> {
        query
            .bind(new.agency.0)
            .bind(new.index_number.raw.as_str())
            .bind(c.index_key.as_str())
            .bind(c.index_parts.as_deref())
            .bind(new.title.as_str())
            .bind(new.doc_number.as_ref().map(|n| n.raw.as_str()))
            .bind(new.doc_number.as_ref().map(|n| n.normalised.as_str()))
            .bind(c.doc_number_parts.as_deref())
            .bind(new.written)
            .bind(new.published)
            .bind(new.category.map(category_str))
            .bind(c.item.as_deref())
            .bind(new.topic.as_str())
            .bind(new.genre.as_str())
            .bind(new.method.as_str())
            .bind(new.scope.as_str())
            .bind(c.validity.0)
            .bind(c.validity.1)
            .bind(c.validity.2.as_deref())
            .bind(new.interprets.map(|d| d.0))
            .bind(new.body_html.as_str())
            .bind(new.body_text.as_str())
            .bind(revision)
    }

    /// Inserts a document's row (not its attachments); returns its id. A taken (agency, index
    /// number key) is [`StoreError::Conflict`] naming it.
    async fn insert_document(
        conn: &mut DB::Connection,
        new: &NewDocument,
        revision: i64,
    ) -> Result<i64> {
        static SQL: LazyLock<String> = LazyLock::new(|| {
            let places: Vec<String> = (1..=WRITTEN_COLUMNS.len())
                .map(|i| format!("${i}"))
                .collect();
            format!(
                "INSERT INTO documents ({}) VALUES ({}) RETURNING id",
                WRITTEN_COLUMNS.join(", "),
                places.join(", ")
            )
        });
        let c = Columns::of(new)?;
        let row = Self::bind_document(sqlx::query(&SQL), new, &c, revision)
            .fetch_one(&mut *conn)
            .await
            .map_err(db("保存目录信息"))
            .map_err(conflict(taken(new)))?;
        row.try_get(0).map_err(db("保存目录信息"))
    }

    /// Writes `new` over the document `id` (its attachment records replaced).
    async fn replace_document(
        conn: &mut DB::Connection,
        id: i64,
        new: &NewDocument,
        revision: i64,
        links: &ChannelIds,
    ) -> Result<()> {
        static SQL: LazyLock<String> = LazyLock::new(|| {
            let set: Vec<String> = WRITTEN_COLUMNS
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = ${}", i + 1))
                .collect();
            format!(
                "UPDATE documents SET {} WHERE id = ${}",
                set.join(", "),
                WRITTEN_COLUMNS.len() + 1
            )
        });
        let c = Columns::of(new)?;
        Self::bind_document(sqlx::query(&SQL), new, &c, revision)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(db("保存目录信息"))
            .map_err(conflict(taken(new)))?;
        for table in [
            "document_attachments",
            "document_items",
            "document_channels",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE document_id = $1"))
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(db("保存附件信息"))?;
        }
        Self::insert_attachments(conn, &[(id, &new.attachments)]).await?;
        Self::insert_document_links(conn, &[(id, new)], links).await
    }

    /// Checks the links of documents about to be written: every 标准目录事项 is an item of the
    /// document's agency's directory, every 发布渠道 a channel the agency registered. Returns
    /// the channels' ids by (agency, name).
    async fn check_links(conn: &mut DB::Connection, docs: &[&NewDocument]) -> Result<ChannelIds> {
        let mut channels = ChannelIds::new();
        let linking: Vec<&&NewDocument> = docs
            .iter()
            .filter(|d| !d.items.is_empty() || !d.channels.is_empty())
            .collect();
        if linking.is_empty() {
            return Ok(channels);
        }
        let agencies = id_list(linking.iter().map(|d| d.agency.0).collect::<HashSet<i64>>());
        let items: HashSet<(i64, String)> = sqlx::query_as(&format!(
            "SELECT agency_id, code FROM directory_items WHERE agency_id IN {agencies}"
        ))
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取标准目录"))?
        .into_iter()
        .collect();
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
            "SELECT agency_id, name, id FROM channels WHERE agency_id IN {agencies}"
        ))
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取发布渠道"))?;
        channels.extend(rows.into_iter().map(|(a, n, id)| ((a, n), id)));
        for doc in linking {
            let a = doc.agency.0;
            if let Some(code) = doc
                .items
                .iter()
                .find(|c| !items.contains(&(a, (*c).clone())))
            {
                return Err(StoreError::Invalid(format!(
                    "索引号“{}”：标准目录事项“{code}”不在本机关的政务公开事项标准目录中",
                    doc.index_number.raw
                )));
            }
            if let Some(name) = doc
                .channels
                .iter()
                .find(|n| !channels.contains_key(&(a, (*n).clone())))
            {
                return Err(StoreError::Invalid(format!(
                    "索引号“{}”：发布渠道“{name}”不是本机关已登记的渠道",
                    doc.index_number.raw
                )));
            }
        }
        Ok(channels)
    }

    /// Inserts the item and channel links of documents just written (their old links removed).
    async fn insert_document_links(
        conn: &mut DB::Connection,
        docs: &[(i64, &NewDocument)],
        channels: &ChannelIds,
    ) -> Result<()> {
        let mut items: Vec<(i64, i64, &str)> = Vec::new();
        let mut on: Vec<(i64, i64, i64)> = Vec::new();
        for (id, doc) in docs {
            for (i, code) in doc.items.iter().enumerate() {
                items.push((*id, i as i64, code.as_str()));
            }
            for (i, name) in doc.channels.iter().enumerate() {
                let channel = channels
                    .get(&(doc.agency.0, name.clone()))
                    .ok_or_else(|| StoreError::Backend(format!("发布渠道“{name}”未找到")))?;
                on.push((*id, i as i64, *channel));
            }
        }
        Self::run_values(
            conn,
            (
                "INSERT INTO document_items (document_id, position, item_code) ",
                "",
            ),
            &items,
            ROW_CHUNK,
            "保存标准目录事项",
            |b, (id, pos, code)| {
                b.bind(*id).bind(*pos).bind(*code);
            },
        )
        .await?;
        Self::run_values(
            conn,
            (
                "INSERT INTO document_channels (document_id, position, channel_id) ",
                "",
            ),
            &on,
            ROW_CHUNK,
            "保存发布渠道",
            |b, (id, pos, channel)| {
                b.bind(*id).bind(*pos).bind(*channel);
            },
        )
        .await?;
        Ok(())
    }

    async fn insert_attachments(
        conn: &mut DB::Connection,
        owned: &[(i64, &[Attachment])],
    ) -> Result<()> {
        let mut rows: Vec<(i64, i64, &Attachment, i64)> = Vec::new();
        for (id, attachments) in owned {
            for (i, a) in attachments.iter().enumerate() {
                let size = i64::try_from(a.size)
                    .map_err(|_| StoreError::Invalid(format!("附件“{}”过大", a.name)))?;
                rows.push((*id, i as i64, a, size));
            }
        }
        let head = "INSERT INTO document_attachments (document_id, position, sha256, name, media_type, \
             size) ";
        Self::run_values(
            conn,
            (head, ""),
            &rows,
            REQUEST_CHUNK,
            "保存附件信息",
            |b, (id, pos, a, size)| {
                b.bind(*id)
                    .bind(*pos)
                    .bind(a.sha256.as_str())
                    .bind(a.name.as_str())
                    .bind(a.media_type.as_str())
                    .bind(*size);
            },
        )
        .await?;
        Ok(())
    }

    /// The stored documents under the (agency, index key) pairs of an import, locked
    /// ([`Backend::lock_rows`]): the import may replace them.
    async fn existing_documents(
        conn: &mut DB::Connection,
        keys: &[(i64, &str)],
    ) -> Result<HashMap<(i64, String), i64>> {
        let what = "查找已有目录信息";
        let tail = format!(
            ") SELECT documents.id, documents.agency_id, documents.index_key \
             FROM v JOIN documents ON documents.agency_id = v.a AND documents.index_key = v.k {}",
            B::lock_rows("documents")
        );
        let rows = Self::run_values(
            conn,
            ("WITH v(a, k) AS (", &tail),
            keys,
            REQUEST_CHUNK,
            what,
            |b, (a, k)| {
                b.bind(*a).bind(*k);
            },
        )
        .await?;
        rows.iter()
            .map(|row| {
                let get = || -> Result<_, sqlx::Error> {
                    Ok((
                        (row.try_get("agency_id")?, row.try_get("index_key")?),
                        row.try_get("id")?,
                    ))
                };
                get().map_err(db(what))
            })
            .collect()
    }
}

/// The message of a taken index number.
fn taken(new: &NewDocument) -> String {
    format!(
        "机关 id {} 已有索引号为“{}”的信息（索引号在本机关内唯一，第十二条）",
        new.agency.0, new.index_number.raw
    )
}

/// What the audit entry of a document's write says: its id, index number, title, revision and
/// the SHA-256 of its body (the body itself stays out of the log).
fn describe(audit: &mut Draft, id: i64, new: &NewDocument, revision: i64) {
    audit
        .set("id", id)
        .set("index_number", new.index_number.raw.as_str())
        .set("title", new.title.as_str())
        .set("revision", revision)
        .set("body_sha256", sha256_hex(new.body_html.as_bytes()))
        .set("attachments", new.attachments.len());
}

/// The column values of a document that are encoded rather than copied.
/// The columns a document's row is written with, in the order [`Sql::bind_document`] binds them.
const WRITTEN_COLUMNS: [&str; 23] = [
    "agency_id",
    "index_number",
    "index_key",
    "index_parts",
    "title",
    "doc_number",
    "doc_number_key",
    "doc_number_parts",
    "written",
    "published",
    "category",
    "item",
    "topic",
    "genre",
    "method",
    "scope",
    "validity",
    "validity_on",
    "repealed_by",
    "interprets",
    "body_html",
    "body_text",
    "revision",
];

struct Columns {
    index_key: String,
    index_parts: Option<String>,
    doc_number_parts: Option<String>,
    item: Option<String>,
    validity: (&'static str, Option<NaiveDate>, Option<String>),
}

impl Columns {
    fn of(new: &NewDocument) -> Result<Columns> {
        let json = |v: serde_json::Result<String>| {
            v.map_err(|e| StoreError::Backend(format!("保存目录信息：{e}")))
        };
        let (state, on, by) = validity_columns(&new.validity);
        Ok(Columns {
            index_key: new.index_number.key(),
            index_parts: new
                .index_number
                .parts
                .as_ref()
                .map(|p| json(serde_json::to_string(p)))
                .transpose()?,
            doc_number_parts: new
                .doc_number
                .as_ref()
                .and_then(|n| n.parts.as_ref())
                .map(|p| json(serde_json::to_string(p)))
                .transpose()?,
            item: new.item.as_ref().map(item_str),
            validity: (state, on, by.map(str::to_owned)),
        })
    }
}

fn category_str(c: Category) -> &'static str {
    match c {
        Category::Regulation => "regulation",
        Category::NormativeDocument => "normative_document",
    }
}

fn category_from(text: &str) -> Result<Category> {
    match text {
        "regulation" => Ok(Category::Regulation),
        "normative_document" => Ok(Category::NormativeDocument),
        _ => Err(corrupt("类别", text)),
    }
}

/// `article20:N` or `article21:NAME`.
fn item_str(item: &Item) -> String {
    match item {
        Item::Article20(n) => format!("article20:{n}"),
        Item::Article21(name) => format!("article21:{name}"),
    }
}

fn item_from(text: &str) -> Result<Item> {
    match text.split_once(':') {
        Some(("article20", n)) => n
            .parse()
            .map(Item::Article20)
            .map_err(|_| corrupt("公开事项", text)),
        Some(("article21", name)) => Ok(Item::Article21(name.to_owned())),
        _ => Err(corrupt("公开事项", text)),
    }
}

/// The `validity`, `validity_on` and `repealed_by` columns.
fn validity_columns(v: &Validity) -> (&'static str, Option<NaiveDate>, Option<&str>) {
    match v {
        Validity::InForce => ("in_force", None, None),
        Validity::Expired { on } => ("expired", Some(*on), None),
        Validity::Repealed { on, by } => ("repealed", Some(*on), by.as_deref()),
    }
}

fn validity_from(state: &str, on: Option<NaiveDate>, by: Option<String>) -> Result<Validity> {
    match (state, on) {
        ("in_force", None) => Ok(Validity::InForce),
        ("expired", Some(on)) => Ok(Validity::Expired { on }),
        ("repealed", Some(on)) => Ok(Validity::Repealed { on, by }),
        _ => Err(corrupt("有效性", state)),
    }
}

fn corrupt(what: &str, text: &str) -> StoreError {
    StoreError::Backend(format!("数据库中的{what}无法识别：{text:?}"))
}

/// A document's row (`SELECT {DOCUMENT_COLUMNS}`), without its attachments.
fn document_row<DB: Database>(row: &DB::Row) -> Result<Document>
where
    for<'s> &'s str: ColumnIndex<DB::Row>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    for<'r> NaiveDate: Decode<'r, DB> + Type<DB>,
{
    let e = db("读取目录信息");
    let text = |c: &str| -> Result<String> { row.try_get(c).map_err(&e) };
    let opt = |c: &str| -> Result<Option<String>> { row.try_get(c).map_err(&e) };
    let parts = |c: &str| -> Result<Option<serde_json::Value>> {
        opt(c)?
            .map(|t| serde_json::from_str(&t).map_err(|_| corrupt("编号结构", &t)))
            .transpose()
    };
    let index_parts = parts("index_parts")?
        .map(serde_json::from_value)
        .transpose()
        .map_err(|_| corrupt("索引号结构", ""))?;
    let doc_number = match (opt("doc_number")?, opt("doc_number_key")?) {
        (Some(raw), Some(normalised)) => Some(DocNumber {
            raw,
            normalised,
            parts: parts("doc_number_parts")?
                .map(serde_json::from_value)
                .transpose()
                .map_err(|_| corrupt("文号结构", ""))?,
        }),
        _ => None,
    };
    let category = opt("category")?.as_deref().map(category_from).transpose()?;
    let item = opt("item")?.as_deref().map(item_from).transpose()?;
    let validity = validity_from(
        &text("validity")?,
        row.try_get("validity_on").map_err(&e)?,
        opt("repealed_by")?,
    )?;
    Ok(Document {
        id: DocumentId(row.try_get("id").map_err(&e)?),
        revision: row.try_get("revision").map_err(&e)?,
        data: NewDocument {
            agency: AgencyId(row.try_get("agency_id").map_err(&e)?),
            index_number: IndexNumber {
                raw: text("index_number")?,
                parts: index_parts,
            },
            title: text("title")?,
            doc_number,
            written: row.try_get("written").map_err(&e)?,
            published: row.try_get("published").map_err(&e)?,
            category,
            item,
            topic: text("topic")?,
            genre: text("genre")?,
            method: text("method")?,
            scope: text("scope")?,
            validity,
            interprets: row
                .try_get::<Option<i64>, _>("interprets")
                .map_err(&e)?
                .map(DocumentId),
            body_html: text("body_html")?,
            body_text: text("body_text")?,
            attachments: Vec::new(),
            items: Vec::new(),
            channels: Vec::new(),
        },
    })
}

/// A register entry's row (`SELECT {REGISTER_COLUMNS}`).
fn register_row<DB: Database>(row: &DB::Row) -> Result<RegisterEntry>
where
    for<'s> &'s str: ColumnIndex<DB::Row>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
    for<'r> NaiveDate: Decode<'r, DB> + Type<DB>,
{
    let e = db("读取规范性文件登记");
    let category: Option<String> = row.try_get("category").map_err(&e)?;
    let state: String = row.try_get("validity").map_err(&e)?;
    Ok(RegisterEntry {
        id: DocumentId(row.try_get("id").map_err(&e)?),
        agency: AgencyId(row.try_get("agency_id").map_err(&e)?),
        category: category.as_deref().map(category_from).transpose()?,
        written: row.try_get("written").map_err(&e)?,
        published: row.try_get("published").map_err(&e)?,
        validity: validity_from(
            &state,
            row.try_get("validity_on").map_err(&e)?,
            row.try_get("repealed_by").map_err(&e)?,
        )?,
        interprets: row
            .try_get::<Option<i64>, _>("interprets")
            .map_err(&e)?
            .map(DocumentId),
    })
}
