//! Redaction of reply documents (`gongkai_store::Redactions`), written once for every
//! [`Backend`]: the boxes of a document replaced as a whole under the document's row lock, and
//! the released copy recorded with the release in one transaction.

use super::Sql;
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use gongkai_audit::Draft;
use gongkai_catalogue::Attachment;
use gongkai_store::applications::{ReplyDocument, ReplyDocumentId};
use gongkai_store::blobs::check_name;
use gongkai_store::redactions::{NewBox, RedactionBox, SCALE};
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

/// Whether a box lies on its page: from page 1, of some area, inside the page's edges.
fn check_box(i: usize, b: &NewBox) -> Result<()> {
    let inside = b.page >= 1
        && b.w > 0
        && b.h > 0
        && u64::from(b.x) + u64::from(b.w) <= u64::from(SCALE)
        && u64::from(b.y) + u64::from(b.h) <= u64::from(SCALE);
    if inside && !b.reason.trim().is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "第 {} 个区分处理标记不在页面内或没有理由",
            i + 1
        )))
    }
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
    for<'q> Option<DateTime<Utc>>: Encode<'q, DB> + Decode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> NaiveDate: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<NaiveDate>: Encode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
{
    /// Locks a reply document's row; whether it was released.
    async fn locked_reply(conn: &mut DB::Connection, id: ReplyDocumentId) -> Result<bool> {
        let sql = format!(
            "SELECT released_at FROM reply_documents WHERE id = $1 {}",
            B::lock_rows("reply_documents")
        );
        let row: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(&sql)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取答复文件"))?;
        row.map(|released| released.is_some())
            .ok_or_else(|| StoreError::NotFound(format!("答复文件 {}", id.0)))
    }

    pub async fn set_redaction_boxes(
        &self,
        document: ReplyDocumentId,
        boxes: Vec<NewBox>,
        at: DateTime<Utc>,
        mut audit: Draft,
    ) -> Result<Vec<RedactionBox>> {
        for (i, b) in boxes.iter().enumerate() {
            check_box(i, b)?;
        }
        let at = at.trunc_subsecs(6);
        let mut tx = self.write_tx().await?;
        if Self::locked_reply(&mut tx, document).await? {
            // 第三十七条: what was released is final; a new marking would not reach the
            // applicant's copy.
            return Err(StoreError::Conflict(format!(
                "答复文件 {} 已发布，不能再修改区分处理标记",
                document.0
            )));
        }
        sqlx::query("DELETE FROM redaction_boxes WHERE document_id = $1")
            .bind(document.0)
            .execute(&mut *tx)
            .await
            .map_err(db("保存区分处理标记"))?;
        let actor = audit.actor().to_owned();
        for (position, b) in boxes.iter().enumerate() {
            let (added_at, added_by) = b.added.clone().unwrap_or((at, actor.clone()));
            sqlx::query(
                "INSERT INTO redaction_boxes (document_id, position, page, x, y, w, h, reason, \
                 pattern, added_at, added_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(document.0)
            .bind(position as i64)
            .bind(i64::from(b.page))
            .bind(i64::from(b.x))
            .bind(i64::from(b.y))
            .bind(i64::from(b.w))
            .bind(i64::from(b.h))
            .bind(b.reason.as_str())
            .bind(b.pattern)
            .bind(added_at.trunc_subsecs(6))
            .bind(added_by.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db("保存区分处理标记"))?;
        }
        audit
            .set("document", document.0)
            .set("boxes", boxes.len())
            .set("pattern", boxes.iter().filter(|b| b.pattern).count());
        let stored = Self::boxes_in(&mut tx, document).await?;
        Self::finish(tx, &audit).await?;
        Ok(stored)
    }

    pub async fn redaction_boxes(&self, document: ReplyDocumentId) -> Result<Vec<RedactionBox>> {
        Self::boxes_in(&mut *self.conn().await?, document).await
    }

    async fn boxes_in(
        conn: &mut DB::Connection,
        document: ReplyDocumentId,
    ) -> Result<Vec<RedactionBox>> {
        let rows = sqlx::query(
            "SELECT page, x, y, w, h, reason, pattern, added_at, added_by FROM redaction_boxes \
             WHERE document_id = $1 ORDER BY position",
        )
        .bind(document.0)
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取区分处理标记"))?;
        let coordinate = |v: i64| {
            u32::try_from(v)
                .map_err(|_| StoreError::Backend(format!("数据库中的区分处理坐标无效：{v}")))
        };
        rows.iter()
            .map(|row| {
                let read = || -> std::result::Result<_, sqlx::Error> {
                    Ok((
                        [
                            row.try_get::<i64, _>("page")?,
                            row.try_get::<i64, _>("x")?,
                            row.try_get::<i64, _>("y")?,
                            row.try_get::<i64, _>("w")?,
                            row.try_get::<i64, _>("h")?,
                        ],
                        row.try_get::<String, _>("reason")?,
                        row.try_get::<bool, _>("pattern")?,
                        row.try_get::<DateTime<Utc>, _>("added_at")?,
                        row.try_get::<String, _>("added_by")?,
                    ))
                };
                let ([page, x, y, w, h], reason, pattern, added_at, added_by) =
                    read().map_err(db("读取区分处理标记"))?;
                Ok(RedactionBox {
                    page: coordinate(page)?,
                    x: coordinate(x)?,
                    y: coordinate(y)?,
                    w: coordinate(w)?,
                    h: coordinate(h)?,
                    reason,
                    pattern,
                    added_at,
                    added_by,
                })
            })
            .collect()
    }

    pub async fn release_redacted(
        &self,
        document: ReplyDocumentId,
        copy: Attachment,
        at: DateTime<Utc>,
        mut audit: Draft,
    ) -> Result<ReplyDocument> {
        check_name(&copy.sha256)?;
        let size = i64::try_from(copy.size)
            .map_err(|_| StoreError::Invalid(format!("文件“{}”过大", copy.name)))?;
        let at = at.trunc_subsecs(6);
        let mut tx = self.write_tx().await?;
        if Self::locked_reply(&mut tx, document).await? {
            return Err(StoreError::Conflict(format!(
                "答复文件 {} 已发布",
                document.0
            )));
        }
        sqlx::query("UPDATE reply_documents SET released_at = $1, released_by = $2 WHERE id = $3")
            .bind(at)
            .bind(audit.actor())
            .bind(document.0)
            .execute(&mut *tx)
            .await
            .map_err(db("发布答复文件"))?;
        sqlx::query(
            "INSERT INTO released_copies (document_id, sha256, name, media_type, size, built_at, \
             built_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(document.0)
        .bind(copy.sha256.as_str())
        .bind(copy.name.as_str())
        .bind(copy.media_type.as_str())
        .bind(size)
        .bind(at)
        .bind(audit.actor())
        .execute(&mut *tx)
        .await
        .map_err(db("保存区分处理后的文件"))?;
        let released = Self::reply_in(&mut tx, "id = $1", document.0)
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("答复文件 {}", document.0)))?;
        audit
            .set("document", document.0)
            .set("name", copy.name.as_str())
            .set("sha256", copy.sha256.as_str());
        Self::finish(tx, &audit).await?;
        Ok(released)
    }
}
