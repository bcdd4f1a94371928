//! The queue of messages (`gongkai_store::Notifications`), written once for every
//! [`Backend`]. A claim is one `UPDATE … WHERE id IN (SELECT … LIMIT n)` that moves due rows to
//! `sending` with a lease and returns them: on PostgreSQL the inner `SELECT` locks the rows it
//! picks and skips those another claim is locking ([`Backend::SKIP_LOCKED`]), and the outer
//! condition is checked again on each row, so two claims never take one row; SQLite runs every
//! write on its one writer connection, one statement after the other. Finishing an attempt names
//! the claim (its attempt count): a claim whose lease ran out and was taken over finishes
//! nothing.

use super::Sql;
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use gongkai_cases::RequestId;
use gongkai_store::accounts::UserId;
use gongkai_store::notifications::{
    Attempt, NewNotification, Notification, NotificationId, NotificationState,
};
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

/// The columns every read returns, in [`Sql::notification_of`]'s order.
const COLUMNS: &str = "id, request_id, user_id, milestone, channel, address, subject, body, state, \
                       attempts, next_attempt, last_error, created, sent_at";

/// The states a claim takes: queued and due, or sending under a lease that ended.
const CLAIMABLE: &str =
    "((state = 'queued' AND next_attempt <= $1) OR (state = 'sending' AND lease_until < $1))";

/// A moment of the queue as both backends keep it: whole seconds, because SQLite compares
/// the moments of a claim as text, which orders them truly only in one format (sqlx writes a
/// fraction only when there is one).
fn kept(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(0)
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
    pub async fn queue_notifications(
        &self,
        list: &[NewNotification],
        now: DateTime<Utc>,
    ) -> Result<u64> {
        if list.is_empty() {
            return Ok(0);
        }
        // No audit entry: queuing changes no record (the milestone has its own entry).
        let mut tx = self.unaudited_tx().await?;
        let mut added = 0;
        for n in list {
            let rows = sqlx::query(
                "INSERT INTO notifications (request_id, user_id, milestone, channel, address, \
                 subject, body, dedup, state, attempts, next_attempt, created) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $10) \
                 ON CONFLICT (dedup) DO NOTHING RETURNING id",
            )
            .bind(n.request.map(|r| r.0))
            .bind(n.user.map(|u| u.0))
            .bind(n.milestone.as_str())
            .bind(n.channel.as_str())
            .bind(n.address.as_str())
            .bind(n.subject.as_str())
            .bind(n.text.as_str())
            .bind(n.dedup.as_str())
            .bind(kept(n.due))
            .bind(kept(now))
            .fetch_all(&mut *tx)
            .await
            .map_err(db("加入待发消息"))?;
            added += rows.len() as u64;
        }
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(added)
    }

    pub async fn claim_notifications(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Notification>> {
        let sql = format!(
            "UPDATE notifications SET state = 'sending', attempts = attempts + 1, \
             lease_until = $2 \
             WHERE id IN (SELECT id FROM notifications WHERE {CLAIMABLE} \
             ORDER BY next_attempt, id LIMIT $3 {skip}) AND {CLAIMABLE} \
             RETURNING {COLUMNS}",
            skip = B::SKIP_LOCKED,
        );
        let rows = sqlx::query(&sql)
            .bind(kept(now))
            .bind(kept(lease_until))
            .bind(i64::from(limit))
            .fetch_all(self.0.write_pool())
            .await
            .map_err(db("领取待发消息"))?;
        let mut out = rows
            .iter()
            .map(Self::notification_of)
            .collect::<Result<Vec<_>>>()?;
        // `RETURNING` keeps no order.
        out.sort_by_key(|n| (n.next_attempt, n.id));
        Ok(out)
    }

    pub async fn finish_notification(
        &self,
        id: NotificationId,
        attempts: u32,
        outcome: Attempt,
    ) -> Result<bool> {
        let (state, next, error, sent): (&str, Option<DateTime<Utc>>, Option<String>, _) =
            match outcome {
                Attempt::Sent(at) => ("sent", None, None, Some(kept(at))),
                Attempt::Retry { at, error } => ("queued", Some(kept(at)), Some(error), None),
                Attempt::Failed(error) => ("failed", None, Some(error), None),
            };
        let rows = sqlx::query(
            "UPDATE notifications SET state = $1, next_attempt = COALESCE($2, next_attempt), \
             last_error = COALESCE($3, last_error), sent_at = $4, lease_until = NULL \
             WHERE id = $5 AND state = 'sending' AND attempts = $6 RETURNING id",
        )
        .bind(state)
        .bind(next)
        .bind(error.as_deref())
        .bind(sent)
        .bind(id.0)
        .bind(i64::from(attempts))
        .fetch_all(self.0.write_pool())
        .await
        .map_err(db("记录消息发送结果"))?;
        Ok(!rows.is_empty())
    }

    pub async fn request_notifications(&self, request: RequestId) -> Result<Vec<Notification>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM notifications WHERE request_id = $1 ORDER BY id"
        ))
        .bind(request.0)
        .fetch_all(self.0.pool())
        .await
        .map_err(db("读取申请的消息"))?;
        rows.iter().map(Self::notification_of).collect()
    }

    pub async fn notifications(
        &self,
        state: Option<NotificationState>,
        before: Option<NotificationId>,
        limit: u32,
    ) -> Result<Vec<Notification>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM notifications \
             WHERE ($1 = '' OR state = $1) AND id < $2 ORDER BY id DESC LIMIT $3"
        ))
        .bind(state.map_or("", NotificationState::key))
        .bind(before.map_or(i64::MAX, |b| b.0))
        .bind(i64::from(limit))
        .fetch_all(self.0.pool())
        .await
        .map_err(db("读取待发消息"))?;
        rows.iter().map(Self::notification_of).collect()
    }

    /// A row of [`COLUMNS`].
    fn notification_of(row: &DB::Row) -> Result<Notification> {
        let e = db("读取消息");
        let state: String = row.try_get(8usize).map_err(&e)?;
        let attempts: i64 = row.try_get(9usize).map_err(&e)?;
        Ok(Notification {
            id: NotificationId(row.try_get(0usize).map_err(&e)?),
            request: row
                .try_get::<Option<i64>, usize>(1)
                .map_err(&e)?
                .map(RequestId),
            user: row
                .try_get::<Option<i64>, usize>(2)
                .map_err(&e)?
                .map(UserId),
            milestone: row.try_get(3usize).map_err(&e)?,
            channel: row.try_get(4usize).map_err(&e)?,
            address: row.try_get(5usize).map_err(&e)?,
            subject: row.try_get(6usize).map_err(&e)?,
            text: row.try_get(7usize).map_err(&e)?,
            state: NotificationState::parse(&state)
                .ok_or_else(|| StoreError::Backend(format!("未知的消息状态“{state}”")))?,
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            next_attempt: row.try_get(10usize).map_err(&e)?,
            last_error: row.try_get(11usize).map_err(&e)?,
            created: row.try_get(12usize).map_err(&e)?,
            sent_at: row.try_get(13usize).map_err(&e)?,
        })
    }
}
