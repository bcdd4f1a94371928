//! Public messages (`gongkai_store::Messages`, issue 15), written once for every [`Backend`]: one
//! row per message (see the migration `0017_messages.sql`); a change reads the row under its
//! lock, applies [`Message::apply`] and writes the row back, with its audit entry, in one
//! transaction.

use super::{Key, Sql, id_list, kept_time};
use crate::{Backend, db};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::{AgencyId, RequestId};
use gongkai_store::messages::{
    Message, MessageChange, MessageFacts, MessageId, MessageKind, NewMessage, Reply, message_number,
};
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::HashSet;

/// The columns a [`Message`] is read from.
const MESSAGE_COLUMNS: &str = "id, agency_id, addressed_id, kind, title, body, name, phone, \
     received, submitted_at, content_hash, reply_body, replied_on, replied_at, replied_by, \
     public, abusive, merged_into, request_id, from_request";

fn kind_from(text: &str) -> Result<MessageKind> {
    MessageKind::ALL
        .into_iter()
        .find(|k| k.key() == text)
        .ok_or_else(|| StoreError::Backend(format!("数据库中的留言类型无法识别：{text:?}")))
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
    /// The audit entry names the message's number and kind; the sender's name and phone only
    /// as pseudonyms.
    pub async fn submit_message(&self, new: NewMessage, mut audit: Draft) -> Result<Message> {
        let submitted_at = kept_time(new.submitted_at);
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([new.agency.0])).await?;
        if let Some(request) = new.from_request {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM requests WHERE id = $1")
                .bind(request.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db("查找申请"))?;
            if found.is_none() {
                return Err(StoreError::NotFound(format!("申请 id {}", request.0)));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (agency_id, addressed_id, kind, title, body, name, phone, \
             received, submitted_at, tracking_hash, nonce, content_hash, request_id, \
             from_request) \
             VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(new.agency.0)
        .bind(new.kind.key())
        .bind(new.title.as_str())
        .bind(new.body.as_str())
        .bind(new.name.as_str())
        .bind(new.phone.as_str())
        .bind(new.received)
        .bind(submitted_at)
        .bind(new.tracking_hash.as_str())
        .bind(new.nonce.as_deref())
        .bind(new.content_hash.as_deref())
        .bind(new.from_request.map(|r| r.0))
        .bind(new.from_request.is_some())
        .fetch_one(&mut *tx)
        .await
        .map_err(db("保存留言"))?;
        audit
            .set("id", id)
            .set("number", message_number(MessageId(id)))
            .set("kind", new.kind.key())
            .set("received", new.received.to_string());
        if !new.name.trim().is_empty() {
            audit.set_personal("name", new.name.trim());
        }
        if !new.phone.trim().is_empty() {
            audit.set_personal("phone", new.phone.trim());
        }
        if let Some(r) = new.from_request {
            audit.set("from_request", r.0);
        }
        Self::finish(tx, &audit).await?;
        Ok(Message {
            id: MessageId(id),
            agency: new.agency,
            addressed: new.agency,
            kind: new.kind,
            title: new.title,
            body: new.body,
            name: new.name,
            phone: new.phone,
            received: new.received,
            submitted_at,
            content_hash: new.content_hash,
            reply: None,
            abusive: None,
            merged_into: None,
            request: new.from_request,
            from_request: new.from_request.is_some(),
        })
    }

    pub async fn change_message(
        &self,
        id: MessageId,
        change: MessageChange,
        mut audit: Draft,
    ) -> Result<Message> {
        let mut tx = self.write_tx().await?;
        let current = Self::locked_message(&mut tx, id).await?;
        let target = match &change {
            MessageChange::Merge(into) if *into != id => {
                Some(Self::locked_message(&mut tx, *into).await?)
            }
            MessageChange::Merge(_) => Some(current.clone()),
            _ => None,
        };
        let next = current
            .apply(&change, target.as_ref())
            .map_err(StoreError::MessageState)?;
        if let MessageChange::Assign(agency) = change {
            Self::agencies_exist(&mut tx, &HashSet::from([agency.0])).await?;
        }
        if let MessageChange::TurnedIntoRequest(request) = change {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM requests WHERE id = $1")
                .bind(request.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db("查找申请"))?;
            if found.is_none() {
                return Err(StoreError::NotFound(format!("申请 id {}", request.0)));
            }
        }
        let reply = next.reply.as_ref();
        sqlx::query(
            "UPDATE messages SET agency_id = $1, reply_body = $2, replied_on = $3, \
             replied_at = $4, replied_by = $5, public = $6, abusive = $7, merged_into = $8, \
             request_id = $9 WHERE id = $10",
        )
        .bind(next.agency.0)
        .bind(reply.map(|r| r.body.as_str()))
        .bind(reply.map(|r| r.on))
        .bind(reply.map(|r| kept_time(r.at)))
        .bind(reply.map(|r| r.by.as_str()))
        .bind(reply.is_some_and(|r| r.public))
        .bind(next.abusive.as_deref())
        .bind(next.merged_into.map(|m| m.0))
        .bind(next.request.map(|r| r.0))
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db("修改留言"))
        .map_err(super::conflict("该申请已与另一条留言关联".into()))?;
        audit.set("number", message_number(id));
        match &change {
            MessageChange::Assign(a) => {
                audit.set("from", current.agency.0).set("to", a.0);
            }
            MessageChange::Merge(into) => {
                audit.set("into", message_number(*into));
            }
            MessageChange::Abusive(reason) => {
                audit.set("abusive", reason.is_some());
                if let Some(r) = reason {
                    audit.set("reason", r.as_str());
                }
            }
            MessageChange::Reply(r) => {
                audit
                    .set("public", r.public)
                    .set("corrected", current.reply.is_some());
            }
            MessageChange::Publish(p) => {
                audit.set("public", *p);
            }
            MessageChange::TurnedIntoRequest(r) => {
                audit.set("request", r.0);
            }
        }
        Self::finish(tx, &audit).await?;
        let mut next = next;
        if let Some(r) = &mut next.reply {
            r.at = kept_time(r.at);
        }
        Ok(next)
    }

    /// The message `id` inside a write transaction, locked, or [`StoreError::NotFound`].
    async fn locked_message(conn: &mut DB::Connection, id: MessageId) -> Result<Message> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1 {}",
            B::lock_rows("messages")
        );
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取留言"))?
            .ok_or_else(|| StoreError::NotFound(format!("留言 {}", message_number(id))))?;
        Self::message_row(&row)
    }

    fn message_row(row: &DB::Row) -> Result<Message> {
        let read = || -> std::result::Result<_, sqlx::Error> {
            let body: Option<String> = row.try_get("reply_body")?;
            let on: Option<NaiveDate> = row.try_get("replied_on")?;
            let at: Option<DateTime<Utc>> = row.try_get("replied_at")?;
            let by: Option<String> = row.try_get("replied_by")?;
            let public: bool = row.try_get("public")?;
            let reply = match (body, on, at, by) {
                (Some(body), Some(on), Some(at), Some(by)) => Some(Reply {
                    body,
                    on,
                    at,
                    by,
                    public,
                }),
                _ => None,
            };
            let kind: String = row.try_get("kind")?;
            let merged: Option<i64> = row.try_get("merged_into")?;
            let request: Option<i64> = row.try_get("request_id")?;
            Ok((
                kind,
                Message {
                    id: MessageId(row.try_get("id")?),
                    agency: AgencyId(row.try_get("agency_id")?),
                    addressed: AgencyId(row.try_get("addressed_id")?),
                    kind: MessageKind::Consultation,
                    title: row.try_get("title")?,
                    body: row.try_get("body")?,
                    name: row.try_get("name")?,
                    phone: row.try_get("phone")?,
                    received: row.try_get("received")?,
                    submitted_at: row.try_get("submitted_at")?,
                    content_hash: row.try_get("content_hash")?,
                    reply,
                    abusive: row.try_get("abusive")?,
                    merged_into: merged.map(MessageId),
                    request: request.map(RequestId),
                    from_request: row.try_get("from_request")?,
                },
            ))
        };
        let (kind, mut message) = read().map_err(db("读取留言"))?;
        message.kind = kind_from(&kind)?;
        Ok(message)
    }

    /// The message whose `filter` (binding `$1`) holds.
    async fn message_where(&self, filter: &str, key: Key<'_>) -> Result<Option<Message>> {
        let sql = format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE {filter}");
        let row = key
            .bind(sqlx::query(&sql))
            .fetch_optional(&mut *self.conn().await?)
            .await
            .map_err(db("读取留言"))?;
        row.as_ref().map(Self::message_row).transpose()
    }

    pub async fn message(&self, id: MessageId) -> Result<Option<Message>> {
        self.message_where("id = $1", Key::Id(id.0)).await
    }

    pub async fn message_by_tracking(&self, tracking_hash: &str) -> Result<Option<Message>> {
        self.message_where("tracking_hash = $1", Key::Text(tracking_hash))
            .await
    }

    pub async fn message_by_nonce(&self, nonce: &str) -> Result<Option<Message>> {
        self.message_where("nonce = $1", Key::Text(nonce)).await
    }

    pub async fn message_of_request(&self, request: RequestId) -> Result<Option<Message>> {
        self.message_where("request_id = $1", Key::Id(request.0))
            .await
    }

    pub async fn messages_of(
        &self,
        agencies: &[AgencyId],
        after: Option<MessageId>,
        limit: usize,
    ) -> Result<Vec<Message>> {
        self.messages_page(
            agencies,
            "id > $1 ORDER BY id",
            after.map_or(0, |a| a.0),
            limit,
        )
        .await
    }

    pub async fn public_replies(
        &self,
        agencies: &[AgencyId],
        before: Option<MessageId>,
        limit: usize,
    ) -> Result<Vec<Message>> {
        let clause = "id < $1 AND public = TRUE AND replied_on IS NOT NULL \
                      AND abusive IS NULL AND merged_into IS NULL ORDER BY id DESC";
        self.messages_page(agencies, clause, before.map_or(i64::MAX, |b| b.0), limit)
            .await
    }

    /// Up to `limit` messages of `agencies` by `clause` (a condition on `$1` = `key` and an
    /// order).
    async fn messages_page(
        &self,
        agencies: &[AgencyId],
        clause: &str,
        key: i64,
        limit: usize,
    ) -> Result<Vec<Message>> {
        if agencies.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE agency_id IN {} AND {clause} LIMIT $2",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows = sqlx::query(&sql)
            .bind(key)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&mut *self.conn().await?)
            .await
            .map_err(db("读取留言"))?;
        rows.iter().map(Self::message_row).collect()
    }

    pub async fn message_facts(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<MessageFacts>> {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Err(StoreError::Invalid(format!("年度 {year} 无效")));
        };
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE agency_id IN {} \
             AND ((received >= $1 AND received <= $2) \
             OR (replied_on >= $1 AND replied_on <= $2)) ORDER BY id",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows = sqlx::query(&sql)
            .bind(first)
            .bind(last)
            .fetch_all(&mut *self.conn().await?)
            .await
            .map_err(db("读取留言统计"))?;
        rows.iter()
            .map(|row| {
                let m = Self::message_row(row)?;
                debug_assert!(
                    m.received.year() == year
                        || m.reply.as_ref().is_some_and(|r| r.on.year() == year)
                );
                Ok(MessageFacts {
                    tracking_code: message_number(m.id),
                    id: m.id,
                    agency: m.agency,
                    kind: m.kind,
                    title: m.title,
                    received: m.received,
                    replied: m.reply.as_ref().map(|r| r.on),
                    public: m.reply.as_ref().is_some_and(|r| r.public),
                    abusive: m.abusive.is_some(),
                    merged_into: m.merged_into,
                    request: m.request,
                })
            })
            .collect()
    }
}
