//! What reminders keep of an account (`gongkai_store::Accounts`, issue 13): its e-mail address
//! and its calendar feed, written once for every [`Backend`]. A feed is kept, like an API
//! token, only as the SHA-256 of its secret.

use super::{Key, Sql, USER_COLUMNS, conflict, hex, kept_time};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_store::accounts::{User, UserId};
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};

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
    /// The audit entry names the account and whether an address is set, not the address (a
    /// personal detail the log need not keep).
    pub async fn set_email(
        &self,
        user: UserId,
        email: Option<&str>,
        mut audit: Draft,
    ) -> Result<User> {
        let mut tx = self.write_tx().await?;
        let mut account = Self::locked_user(&mut tx, user).await?;
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(db("设置用户电子邮箱"))?;
        audit
            .set("user", account.name.as_str())
            .set("email_set", email.is_some());
        Self::finish(tx, &audit).await?;
        account.email = email.map(str::to_owned);
        Ok(account)
    }

    /// One feed per account: the old row goes, the new one comes, in one transaction. The
    /// audit entry says whether a feed was replaced; the hash is no part of it.
    pub async fn set_feed(
        &self,
        user: UserId,
        secret_hash: &[u8; 32],
        mut audit: Draft,
    ) -> Result<DateTime<Utc>> {
        let created = kept_time(Utc::now());
        let mut tx = self.write_tx().await?;
        let account = Self::locked_user(&mut tx, user).await?;
        // RETURNING: the backends' generic query results do not count rows.
        let replaced: Option<i64> =
            sqlx::query_scalar("DELETE FROM calendar_feeds WHERE user_id = $1 RETURNING user_id")
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db("更换日历订阅地址"))?;
        sqlx::query(
            "INSERT INTO calendar_feeds (user_id, secret_hash, created) VALUES ($1, $2, $3)",
        )
        .bind(user.0)
        .bind(hex(secret_hash).as_str())
        .bind(created)
        .execute(&mut *tx)
        .await
        .map_err(db("创建日历订阅地址"))
        .map_err(conflict("日历订阅地址已存在".into()))?;
        audit
            .set("user", account.name.as_str())
            .set("replaced", replaced.is_some());
        Self::finish(tx, &audit).await?;
        Ok(created)
    }

    pub async fn revoke_feed(&self, user: UserId, mut audit: Draft) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let account = Self::locked_user(&mut tx, user).await?;
        let deleted: Option<i64> =
            sqlx::query_scalar("DELETE FROM calendar_feeds WHERE user_id = $1 RETURNING user_id")
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db("撤销日历订阅地址"))?;
        if deleted.is_none() {
            return Err(StoreError::NotFound(format!(
                "用户 {} 没有日历订阅地址",
                account.name
            )));
        }
        audit.set("user", account.name.as_str());
        Self::finish(tx, &audit).await
    }

    pub async fn feed_user(&self, secret_hash: &[u8; 32]) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM calendar_feeds \
             JOIN users ON users.id = calendar_feeds.user_id \
             WHERE calendar_feeds.secret_hash = $1"
        );
        let hash = hex(secret_hash);
        let mut conn = self.conn().await?;
        let found = Self::with_user(&mut conn, &sql, Key::Text(&hash), |_| Ok(())).await?;
        Ok(found.map(|(user, ())| user))
    }

    pub async fn feed_of(&self, user: UserId) -> Result<Option<DateTime<Utc>>> {
        sqlx::query_scalar("SELECT created FROM calendar_feeds WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&mut *self.conn().await?)
            .await
            .map_err(db("读取日历订阅地址"))
    }
}
