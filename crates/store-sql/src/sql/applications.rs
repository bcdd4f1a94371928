//! Online applications (`gongkai_store::Applications`), written once for every [`Backend`].
//!
//! An application is stored with its request in the request queue's group commit
//! ([`Sql::queue_request`]): the portal's submissions are the writes most likely to arrive many
//! at once. `requests.awaiting` says whether an officer has confirmed the receipt (see the
//! migration `0009_applications.sql`).

use super::{ROW_CHUNK, Sql, id_list};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use gongkai_audit::Draft;
use gongkai_cases::{Confirmation, NewRequest, Outcome, Request, RequestId, online};
use gongkai_catalogue::Attachment;
use gongkai_store::applications::{
    Application, NewApplication, PURGED_NAME, Purged, ReplyDocument, ReplyDocumentId,
};
use gongkai_store::blobs::check_name;
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

/// The value of `requests.awaiting` for a confirmation.
fn awaiting_value(c: Confirmation) -> i32 {
    match c {
        Confirmation::Confirmed => 0,
        Confirmation::Awaiting {
            receipt_fixed: true,
        } => 1,
        Confirmation::Awaiting {
            receipt_fixed: false,
        } => 2,
    }
}

/// The confirmation `requests.awaiting` stands for.
pub(super) fn confirmation_from(value: i32) -> Result<Confirmation> {
    match value {
        0 => Ok(Confirmation::Confirmed),
        1 => Ok(Confirmation::Awaiting {
            receipt_fixed: true,
        }),
        2 => Ok(Confirmation::Awaiting {
            receipt_fixed: false,
        }),
        other => Err(StoreError::Backend(format!(
            "数据库中的确认状态无法识别：{other}"
        ))),
    }
}

/// What an online application must be: made online, and not already closed (an application
/// is answered after its receipt is confirmed, never in the same step).
pub(super) fn check_submission(
    new: &NewRequest,
    closing: Option<(NaiveDate, Outcome)>,
) -> Result<()> {
    if new.channel != gongkai_cases::Channel::Online {
        return Err(StoreError::Invalid(
            "网上申请的提交方式必须是“网上申请”".into(),
        ));
    }
    if closing.is_some() {
        return Err(StoreError::Invalid("网上申请提交时不能已经办结".into()));
    }
    Ok(())
}

const APPLICATION_COLUMNS: &str =
    "request_id, submitted_at, confirmed_at, confirmed_by, content_hash";
const REPLY_COLUMNS: &str = "id, request_id, sha256, name, media_type, size, added_at, added_by, \
     released_at, released_by";

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
    /// Writes the applications of requests just inserted in the same transaction: their rows,
    /// their files, and the requests' `awaiting`.
    pub(super) async fn insert_applications(
        conn: &mut DB::Connection,
        submitted: &[(i64, &NewApplication)],
    ) -> Result<()> {
        let head = "INSERT INTO applications (request_id, tracking_hash, nonce, content_hash, \
             submitted_at) ";
        Self::run_values(
            conn,
            (head, ""),
            submitted,
            ROW_CHUNK,
            "保存网上申请",
            |b, (id, a)| {
                b.bind(*id)
                    .bind(a.tracking_hash.as_str())
                    .bind(a.nonce.as_deref())
                    .bind(a.content_hash.as_deref())
                    .bind(a.submitted_at.trunc_subsecs(6));
            },
        )
        .await?;
        let mut files: Vec<(i64, i64, &Attachment, i64)> = Vec::new();
        for (id, a) in submitted {
            for (i, f) in a.files.iter().enumerate() {
                let size = i64::try_from(f.size)
                    .map_err(|_| StoreError::Invalid(format!("附件“{}”过大", f.name)))?;
                files.push((*id, i as i64, f, size));
            }
        }
        let head = "INSERT INTO application_files (request_id, position, sha256, name, media_type, \
             size) ";
        Self::run_values(
            conn,
            (head, ""),
            &files,
            ROW_CHUNK,
            "保存申请附件",
            |b, (id, pos, f, size)| {
                b.bind(*id)
                    .bind(*pos)
                    .bind(f.sha256.as_str())
                    .bind(f.name.as_str())
                    .bind(f.media_type.as_str())
                    .bind(*size);
            },
        )
        .await?;
        let mut photos: Vec<(i64, &Attachment, i64)> = Vec::new();
        for (id, a) in submitted {
            if let Some(p) = &a.id_photo {
                let size = i64::try_from(p.size)
                    .map_err(|_| StoreError::Invalid(format!("附件“{}”过大", p.name)))?;
                photos.push((*id, p, size));
            }
        }
        let head =
            "INSERT INTO application_id_photos (request_id, sha256, name, media_type, size) ";
        Self::run_values(
            conn,
            (head, ""),
            &photos,
            ROW_CHUNK,
            "保存身份证明照片",
            |b, (id, p, size)| {
                b.bind(*id)
                    .bind(p.sha256.as_str())
                    .bind(p.name.as_str())
                    .bind(p.media_type.as_str())
                    .bind(*size);
            },
        )
        .await?;
        for fixed in [true, false] {
            let ids: Vec<i64> = submitted
                .iter()
                .filter(|(_, a)| a.receipt_fixed == fixed)
                .map(|(id, _)| *id)
                .collect();
            if ids.is_empty() {
                continue;
            }
            let value = awaiting_value(Confirmation::Awaiting {
                receipt_fixed: fixed,
            });
            sqlx::query(&format!(
                "UPDATE requests SET awaiting = $1 WHERE id IN {}",
                id_list(ids)
            ))
            .bind(value)
            .execute(&mut *conn)
            .await
            .map_err(db("保存网上申请"))?;
        }
        Ok(())
    }

    pub async fn application_by_tracking(
        &self,
        tracking_hash: &str,
    ) -> Result<Option<(Application, Request)>> {
        self.application_where("tracking_hash", tracking_hash).await
    }

    pub async fn application_by_nonce(
        &self,
        nonce: &str,
    ) -> Result<Option<(Application, Request)>> {
        self.application_where("nonce", nonce).await
    }

    /// The application whose unique `column` (`tracking_hash`, `nonce`) holds `value`.
    async fn application_where(
        &self,
        column: &str,
        value: &str,
    ) -> Result<Option<(Application, Request)>> {
        let mut conn = self.conn().await?;
        let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE {column} = $1");
        let row = sqlx::query(&sql)
            .bind(value)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取网上申请"))?;
        let Some(row) = row else { return Ok(None) };
        let mut application = Self::application_row(&row)?;
        application.files = Self::application_files(&mut conn, application.request).await?;
        application.id_photo = Self::id_photo(&mut conn, application.request).await?;
        let request = Self::load_request(&mut conn, "id = $1", (application.request.0, None))
            .await?
            .ok_or_else(|| StoreError::Backend("网上申请对应的申请记录缺失".into()))?;
        Ok(Some((application, request)))
    }

    pub async fn application(&self, request: RequestId) -> Result<Option<Application>> {
        let mut conn = self.conn().await?;
        let sql = format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE request_id = $1");
        let row = sqlx::query(&sql)
            .bind(request.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取网上申请"))?;
        let Some(row) = row else { return Ok(None) };
        let mut application = Self::application_row(&row)?;
        application.files = Self::application_files(&mut conn, request).await?;
        application.id_photo = Self::id_photo(&mut conn, request).await?;
        Ok(Some(application))
    }

    fn application_row(row: &DB::Row) -> Result<Application> {
        let read = || -> std::result::Result<_, sqlx::Error> {
            let at: Option<DateTime<Utc>> = row.try_get("confirmed_at")?;
            let by: Option<String> = row.try_get("confirmed_by")?;
            Ok(Application {
                request: RequestId(row.try_get("request_id")?),
                submitted_at: row.try_get("submitted_at")?,
                confirmed: at.zip(by),
                content_hash: row.try_get("content_hash")?,
                files: Vec::new(),
                id_photo: None,
            })
        };
        read().map_err(db("读取网上申请"))
    }

    async fn id_photo(conn: &mut DB::Connection, request: RequestId) -> Result<Option<Attachment>> {
        let row = sqlx::query(
            "SELECT sha256, name, media_type, size FROM application_id_photos WHERE request_id = $1",
        )
        .bind(request.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db("读取身份证明照片"))?;
        row.as_ref().map(attachment_row::<DB>).transpose()
    }

    async fn application_files(
        conn: &mut DB::Connection,
        request: RequestId,
    ) -> Result<Vec<Attachment>> {
        let rows = sqlx::query(
            "SELECT sha256, name, media_type, size FROM application_files WHERE request_id = $1 \
             ORDER BY position",
        )
        .bind(request.0)
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取申请附件"))?;
        rows.iter().map(attachment_row::<DB>).collect()
    }

    pub async fn confirm_receipt(
        &self,
        id: RequestId,
        on: NaiveDate,
        at: DateTime<Utc>,
        mut audit: Draft,
    ) -> Result<Request> {
        // The store keeps microseconds, as for every moment.
        let at = at.trunc_subsecs(6);
        let mut tx = self.write_tx().await?;
        let stored = Self::locked_request(&mut tx, id).await?;
        let confirmed = online::confirm(&stored, on)?;
        Self::replace_request(&mut tx, &confirmed).await?;
        sqlx::query("UPDATE requests SET awaiting = 0 WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db("确认收到申请"))?;
        sqlx::query(
            "UPDATE applications SET confirmed_at = $1, confirmed_by = $2 WHERE request_id = $3",
        )
        .bind(at)
        .bind(audit.actor())
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db("确认收到申请"))?;
        audit.set("received", confirmed.data.received.to_string());
        Self::finish(tx, &audit).await?;
        Ok(confirmed)
    }

    pub async fn add_reply_document(
        &self,
        request: RequestId,
        file: Attachment,
        at: DateTime<Utc>,
        mut audit: Draft,
    ) -> Result<ReplyDocument> {
        check_name(&file.sha256)?;
        let at = at.trunc_subsecs(6);
        let size = i64::try_from(file.size)
            .map_err(|_| StoreError::Invalid(format!("文件“{}”过大", file.name)))?;
        let mut tx = self.write_tx().await?;
        Self::locked_request(&mut tx, request).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reply_documents (request_id, sha256, name, media_type, size, added_at, \
             added_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(request.0)
        .bind(file.sha256.as_str())
        .bind(file.name.as_str())
        .bind(file.media_type.as_str())
        .bind(size)
        .bind(at)
        .bind(audit.actor())
        .fetch_one(&mut *tx)
        .await
        .map_err(db("保存答复文件"))?;
        audit
            .set("document", id)
            .set("name", file.name.as_str())
            .set("sha256", file.sha256.as_str());
        let added_by = audit.actor().to_owned();
        Self::finish(tx, &audit).await?;
        Ok(ReplyDocument {
            id: ReplyDocumentId(id),
            request,
            file,
            added_at: at,
            added_by,
            released: None,
            copy: None,
        })
    }

    pub async fn release_reply_document(
        &self,
        id: ReplyDocumentId,
        at: DateTime<Utc>,
        mut audit: Draft,
    ) -> Result<ReplyDocument> {
        let at = at.trunc_subsecs(6);
        let mut tx = self.write_tx().await?;
        let released: Vec<i64> = sqlx::query_scalar(
            "UPDATE reply_documents SET released_at = $1, released_by = $2 \
             WHERE id = $3 AND released_at IS NULL RETURNING id",
        )
        .bind(at)
        .bind(audit.actor())
        .bind(id.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(db("发布答复文件"))?;
        let document = Self::reply_in(&mut tx, "id = $1", id.0)
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("答复文件 {}", id.0)))?;
        if released.is_empty() {
            // Released before: nothing to record.
            return Ok(document);
        }
        audit
            .set("document", id.0)
            .set("name", document.file.name.as_str());
        Self::finish(tx, &audit).await?;
        Ok(document)
    }

    pub async fn reply_document(&self, id: ReplyDocumentId) -> Result<Option<ReplyDocument>> {
        Ok(Self::reply_in(&mut *self.conn().await?, "id = $1", id.0)
            .await?
            .pop())
    }

    pub async fn reply_documents(&self, request: RequestId) -> Result<Vec<ReplyDocument>> {
        Self::reply_in(&mut *self.conn().await?, "request_id = $1", request.0).await
    }

    pub(super) async fn reply_in(
        conn: &mut DB::Connection,
        filter: &str,
        value: i64,
    ) -> Result<Vec<ReplyDocument>> {
        let sql = format!("SELECT {REPLY_COLUMNS} FROM reply_documents WHERE {filter} ORDER BY id");
        let rows = sqlx::query(&sql)
            .bind(value)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取答复文件"))?;
        let mut documents = rows
            .iter()
            .map(|row| {
                let read = || -> std::result::Result<_, sqlx::Error> {
                    let at: Option<DateTime<Utc>> = row.try_get("released_at")?;
                    let by: Option<String> = row.try_get("released_by")?;
                    Ok((
                        row.try_get::<i64, _>("id")?,
                        row.try_get::<i64, _>("request_id")?,
                        row.try_get::<DateTime<Utc>, _>("added_at")?,
                        row.try_get::<String, _>("added_by")?,
                        at.zip(by),
                    ))
                };
                let (id, request, added_at, added_by, released) =
                    read().map_err(db("读取答复文件"))?;
                Ok(ReplyDocument {
                    id: ReplyDocumentId(id),
                    request: RequestId(request),
                    file: attachment_row::<DB>(row)?,
                    added_at,
                    added_by,
                    released,
                    copy: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Their released copies (区分处理, 第三十七条), from their own table.
        let sql = format!(
            "SELECT document_id, sha256, name, media_type, size FROM released_copies \
             WHERE document_id IN (SELECT id FROM reply_documents WHERE {filter})"
        );
        let rows = sqlx::query(&sql)
            .bind(value)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取区分处理后的文件"))?;
        for row in &rows {
            let id: i64 = row
                .try_get("document_id")
                .map_err(db("读取区分处理后的文件"))?;
            if let Some(d) = documents.iter_mut().find(|d| d.id.0 == id) {
                d.copy = Some(attachment_row::<DB>(row)?);
            }
        }
        Ok(documents)
    }

    pub async fn purge_personal_data(
        &self,
        decided_before: NaiveDate,
        mut audit: Draft,
    ) -> Result<Purged> {
        let mut tx = self.write_tx().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM requests WHERE decided_on < $1 AND (id_number <> '' OR phone <> '' \
             OR address <> '' OR email <> '' OR id IN (SELECT request_id FROM applicants \
             WHERE name <> $2) OR id IN (SELECT request_id FROM application_files) \
             OR id IN (SELECT request_id FROM application_id_photos)) ORDER BY id",
        )
        .bind(decided_before)
        .bind(PURGED_NAME)
        .fetch_all(&mut *tx)
        .await
        .map_err(db("清除个人信息"))?;
        let mut purged = Purged::default();
        for chunk in ids.chunks(super::ID_CHUNK) {
            let list = id_list(chunk.iter().copied());
            sqlx::query(&format!(
                "UPDATE requests SET id_number = '', phone = '', address = '', email = '' \
                 WHERE id IN {list}"
            ))
            .execute(&mut *tx)
            .await
            .map_err(db("清除个人信息"))?;
            sqlx::query(&format!(
                "UPDATE applicants SET name = $1 WHERE request_id IN {list}"
            ))
            .bind(PURGED_NAME)
            .execute(&mut *tx)
            .await
            .map_err(db("清除个人信息"))?;
            // The messages sent to the applicant hold their phone, address and name too.
            sqlx::query(&format!(
                "UPDATE notifications SET address = '', subject = '', body = '' \
                 WHERE request_id IN {list} AND user_id IS NULL"
            ))
            .execute(&mut *tx)
            .await
            .map_err(db("清除个人信息"))?;
            let mut files: Vec<String> = sqlx::query_scalar(&format!(
                "DELETE FROM application_files WHERE request_id IN {list} RETURNING sha256"
            ))
            .fetch_all(&mut *tx)
            .await
            .map_err(db("清除申请附件"))?;
            // The encrypted identity-document photos go with the other files.
            let photos: Vec<String> = sqlx::query_scalar(&format!(
                "DELETE FROM application_id_photos WHERE request_id IN {list} RETURNING sha256"
            ))
            .fetch_all(&mut *tx)
            .await
            .map_err(db("清除身份证明照片"))?;
            files.extend(photos);
            purged.files += files.len() as u64;
            // The bytes of those files, unless something else names them (a blob is shared by
            // identical files). Only these: a blob just stored for a document being entered
            // is named by nothing yet, and must stay.
            for sha in files {
                let named: i64 = sqlx::query_scalar(
                    "SELECT (SELECT COUNT(*) FROM document_attachments WHERE sha256 = $1) \
                     + (SELECT COUNT(*) FROM application_files WHERE sha256 = $1) \
                     + (SELECT COUNT(*) FROM application_id_photos WHERE sha256 = $1) \
                     + (SELECT COUNT(*) FROM reply_documents WHERE sha256 = $1) \
                     + (SELECT COUNT(*) FROM released_copies WHERE sha256 = $1)",
                )
                .bind(sha.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(db("清除申请附件"))?;
                if named == 0 && !purged.orphaned.contains(&sha) {
                    sqlx::query("DELETE FROM blobs WHERE sha256 = $1")
                        .bind(sha.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(db("清除申请附件"))?;
                    purged.orphaned.push(sha);
                }
            }
        }
        purged.requests = ids.len() as u64;
        // Public messages whose handling ended before the day: their senders' names and phones.
        let messages: Vec<i64> = sqlx::query_scalar(
            "UPDATE messages SET name = $1, phone = '' \
             WHERE (replied_on < $2 \
                    OR ((abusive IS NOT NULL OR merged_into IS NOT NULL) AND received < $2)) \
             AND (name <> $1 OR phone <> '') RETURNING id",
        )
        .bind(PURGED_NAME)
        .bind(decided_before)
        .fetch_all(&mut *tx)
        .await
        .map_err(db("清除留言人信息"))?;
        purged.messages = messages.len() as u64;
        audit
            .set("decided_before", decided_before.to_string())
            .set("requests", purged.requests)
            .set("messages", purged.messages)
            .set("files", purged.files)
            .set("orphaned", purged.orphaned.len());
        Self::finish(tx, &audit).await?;
        Ok(purged)
    }

    pub async fn remove_blob(&self, sha256: &str) -> Result<()> {
        check_name(sha256)?;
        sqlx::query("DELETE FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .execute(self.0.write_pool())
            .await
            .map_err(db("删除附件"))?;
        Ok(())
    }

    pub async fn rate_hit(&self, key: &str, slot: i64, forget_before: i64) -> Result<u32> {
        let mut conn = self
            .0
            .write_pool()
            .acquire()
            .await
            .map_err(db("连接数据库"))?;
        let hits: i64 = sqlx::query_scalar(
            "INSERT INTO rate_hits (key, slot, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (key, slot) DO UPDATE SET hits = rate_hits.hits + 1 RETURNING hits",
        )
        .bind(key)
        .bind(slot)
        .fetch_one(&mut *conn)
        .await
        .map_err(db("记录访问次数"))?;
        if hits == 1 {
            // The first hit of a slot clears the old ones: once per key and slot, not per hit.
            sqlx::query("DELETE FROM rate_hits WHERE slot < $1")
                .bind(forget_before)
                .execute(&mut *conn)
                .await
                .map_err(db("记录访问次数"))?;
        }
        Ok(u32::try_from(hits).unwrap_or(u32::MAX))
    }

    /// The requests of `agencies` whose date of receipt is not yet known: the report leaves
    /// them out until an officer confirms them (第三十一条第（三）项).
    pub(super) async fn receipt_unknown(
        &self,
        agencies: &[gongkai_cases::AgencyId],
    ) -> Result<Vec<i64>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query_scalar(&format!(
            "SELECT id FROM requests WHERE awaiting = 2 AND agency_id IN {}",
            id_list(agencies.iter().map(|a| a.0))
        ))
        .fetch_all(self.0.pool())
        .await
        .map_err(db("读取待确认的申请"))
    }
}

/// An attachment from the columns `sha256, name, media_type, size`.
fn attachment_row<DB>(row: &DB::Row) -> Result<Attachment>
where
    DB: Database,
    for<'s> &'s str: ColumnIndex<DB::Row>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB> + Type<DB>,
{
    let read = || -> std::result::Result<_, sqlx::Error> {
        Ok((
            row.try_get::<String, _>("sha256")?,
            row.try_get::<String, _>("name")?,
            row.try_get::<String, _>("media_type")?,
            row.try_get::<i64, _>("size")?,
        ))
    };
    let (sha256, name, media_type, size) = read().map_err(db("读取附件信息"))?;
    Ok(Attachment {
        sha256,
        name,
        media_type,
        size: u64::try_from(size).unwrap_or(0),
    })
}
