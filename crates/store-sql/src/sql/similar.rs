//! The index of requests' words, same-applicant look-ups, links between requests and referrals
//! (`gongkai_store::SimilarRequests`), written once for every [`Backend`]. A look-up of
//! near-identical requests reads the postings of the new request's words in one covering index
//! scan (`request_words_postings`: word, size, request id), packed into one text by
//! [`Backend::JOIN_TEXTS`], and counts the words each request shares here: tens of thousands of
//! postings cost a few milliseconds this way, where a row each, or a look-up per candidate,
//! cost tens.

use super::{ROW_CHUNK, Sql, id_list, kept_time};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::RequestId;
use gongkai_store::similar::{Link, Overlap, Referral};
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};
use std::collections::HashMap;

/// `$from, $from+1, …` for `n` values.
fn placeholders(from: usize, n: usize) -> String {
    let list: Vec<String> = (from..from + n).map(|i| format!("${i}")).collect();
    list.join(", ")
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
    pub async fn set_request_words(&self, words: &[(RequestId, Vec<String>)]) -> Result<()> {
        if words.is_empty() {
            return Ok(());
        }
        let what = "保存申请内容的词";
        let mut tx = self.unaudited_tx().await?;
        for chunk in words.chunks(ROW_CHUNK / 4) {
            let list = id_list(chunk.iter().map(|(id, _)| id.0));
            sqlx::query(&format!(
                "DELETE FROM request_words WHERE request_id IN {list}"
            ))
            .execute(&mut *tx)
            .await
            .map_err(db(what))?;
            let mut rows: Vec<(&str, i64, i64)> = Vec::new();
            let mut sizes: HashMap<i64, Vec<i64>> = HashMap::new();
            for (id, list) in chunk {
                let mut own: Vec<&str> = list.iter().map(String::as_str).collect();
                own.sort_unstable();
                own.dedup();
                let size = own.len() as i64;
                rows.extend(own.iter().map(|w| (*w, id.0, size)));
                sizes.entry(size).or_default().push(id.0);
            }
            Self::run_values(
                &mut tx,
                ("INSERT INTO request_words (word, request_id, size) ", ""),
                &rows,
                ROW_CHUNK,
                what,
                |b, (w, id, size)| {
                    b.bind(*w).bind(*id).bind(*size);
                },
            )
            .await?;
            for (n, ids) in sizes {
                sqlx::query(&format!(
                    "UPDATE requests SET words = $1 WHERE id IN {}",
                    id_list(ids)
                ))
                .bind(n)
                .execute(&mut *tx)
                .await
                .map_err(db(what))?;
            }
        }
        tx.commit().await.map_err(db("提交事务"))
    }

    pub async fn unindexed_requests(&self, limit: usize) -> Result<Vec<(RequestId, String)>> {
        let mut conn = self.conn().await?;
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, description FROM requests WHERE words IS NULL ORDER BY id LIMIT $1",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取未索引的申请"))?;
        Ok(rows.into_iter().map(|(id, d)| (RequestId(id), d)).collect())
    }

    pub async fn word_overlaps(
        &self,
        words: &[String],
        (min, max): (i64, i64),
        except: RequestId,
    ) -> Result<Vec<Overlap>> {
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn().await?;
        let select = format!(
            "SELECT {join}(request_id || ':' || size, ',') FROM request_words \
             WHERE word IN ({all}) AND size >= $1 AND size <= $2 AND request_id <> $3",
            join = B::JOIN_TEXTS,
            all = placeholders(4, words.len()),
        );
        let mut q = sqlx::query_scalar::<_, Option<String>>(&select)
            .bind(min)
            .bind(max)
            .bind(except.0);
        for w in words {
            q = q.bind(w.as_str());
        }
        let packed = q
            .fetch_one(&mut *conn)
            .await
            .map_err(db("查找相似申请"))?
            .unwrap_or_default();
        count_postings(&packed)
    }

    pub async fn same_applicant(
        &self,
        id_number: &str,
        (name, phone): (&str, &str),
        except: RequestId,
    ) -> Result<Vec<RequestId>> {
        let mut conn = self.conn().await?;
        let (id_number, name, phone) = (id_number.trim(), name.trim(), phone.trim());
        let ids: Vec<i64> = if !id_number.is_empty() {
            sqlx::query_scalar(
                "SELECT id FROM requests WHERE id_number = $1 AND id_number <> '' AND id <> $2 \
                 ORDER BY id",
            )
            .bind(id_number)
            .bind(except.0)
            .fetch_all(&mut *conn)
            .await
        } else if !name.is_empty() && !phone.is_empty() {
            sqlx::query_scalar(
                "SELECT r.id FROM requests r JOIN applicants a \
                   ON a.request_id = r.id AND a.position = 0 \
                 WHERE r.phone = $1 AND r.phone <> '' AND a.name = $2 AND r.id <> $3 \
                 ORDER BY r.id",
            )
            .bind(phone)
            .bind(name)
            .bind(except.0)
            .fetch_all(&mut *conn)
            .await
        } else {
            Ok(Vec::new())
        }
        .map_err(db("查找同一申请人的申请"))?;
        Ok(ids.into_iter().map(RequestId).collect())
    }

    pub async fn set_link(
        &self,
        a: RequestId,
        b: RequestId,
        linked: bool,
        mut audit: Draft,
    ) -> Result<()> {
        if a == b {
            return Err(StoreError::Invalid("不能把申请与其自身关联".into()));
        }
        let (low, high) = (a.min(b), a.max(b));
        let actor = audit.actor().to_owned();
        let mut tx = self.write_tx().await?;
        let found: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM requests WHERE id IN {}",
            id_list([low.0, high.0])
        ))
        .fetch_all(&mut *tx)
        .await
        .map_err(db("读取申请"))?;
        if found.len() != 2 {
            return Err(StoreError::NotFound("要关联的申请".into()));
        }
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT request_id FROM request_links WHERE request_id = $1 AND other_id = $2",
        )
        .bind(low.0)
        .bind(high.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db("读取关联的申请"))?;
        match (linked, exists.is_some()) {
            (true, true) => {
                return Err(StoreError::Conflict("这两件申请已关联为同一申请".into()));
            }
            (false, false) => {
                return Err(StoreError::Conflict("这两件申请没有关联".into()));
            }
            (true, false) => sqlx::query(
                "INSERT INTO request_links (request_id, other_id, linked_at, linked_by) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(low.0)
            .bind(high.0)
            .bind(kept_time(Utc::now()))
            .bind(actor.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db("关联申请"))?,
            (false, true) => {
                sqlx::query("DELETE FROM request_links WHERE request_id = $1 AND other_id = $2")
                    .bind(low.0)
                    .bind(high.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db("取消关联申请"))?
            }
        };
        audit.set("request", low.0).set("other", high.0);
        Self::finish(tx, &audit).await
    }

    pub async fn links_of(&self, ids: &[RequestId]) -> Result<Vec<Link>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn().await?;
        let list = id_list(ids.iter().map(|i| i.0));
        let rows: Vec<(i64, i64, DateTime<Utc>, String)> = sqlx::query_as(&format!(
            "SELECT request_id, other_id, linked_at, linked_by FROM request_links \
             WHERE request_id IN {list} OR other_id IN {list} ORDER BY request_id, other_id"
        ))
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取关联的申请"))?;
        Ok(rows
            .into_iter()
            .map(|(a, b, at, by)| Link {
                request: RequestId(a),
                other: RequestId(b),
                at,
                by,
            })
            .collect())
    }

    pub async fn set_referral(
        &self,
        request: RequestId,
        referral: Option<Referral>,
        mut audit: Draft,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM request_referrals WHERE request_id = $1")
            .bind(request.0)
            .execute(&mut *tx)
            .await
            .map_err(db("保存负责公开的机关"))?;
        if let Some(r) = &referral {
            sqlx::query(
                "INSERT INTO request_referrals (request_id, agency, contact) VALUES ($1, $2, $3)",
            )
            .bind(request.0)
            .bind(r.agency.trim())
            .bind(r.contact.trim())
            .execute(&mut *tx)
            .await
            .map_err(db("保存负责公开的机关"))?;
            audit.set("responsible", r.agency.trim());
        }
        Self::finish(tx, &audit).await
    }

    pub async fn referral(&self, request: RequestId) -> Result<Option<Referral>> {
        let mut conn = self.conn().await?;
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT agency, contact FROM request_referrals WHERE request_id = $1")
                .bind(request.0)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db("读取负责公开的机关"))?;
        Ok(row.map(|(agency, contact)| Referral { agency, contact }))
    }
}

/// The overlaps in postings packed as `request:size,…` (a posting per word a request shares
/// with the looked-up set): each request's shared words counted, with its number of words.
fn count_postings(packed: &str) -> Result<Vec<Overlap>> {
    let mut shared: HashMap<i64, (i64, i64)> = HashMap::new();
    for posting in packed.split(',').filter(|p| !p.is_empty()) {
        let parsed = posting
            .split_once(':')
            .and_then(|(id, size)| Some((id.parse::<i64>().ok()?, size.parse::<i64>().ok()?)));
        let Some((id, size)) = parsed else {
            return Err(StoreError::Backend(format!(
                "数据库中的申请词索引无法识别：{posting:?}"
            )));
        };
        shared.entry(id).or_insert((0, size)).0 += 1;
    }
    Ok(shared
        .into_iter()
        .map(|(id, (shared, words))| Overlap {
            request: RequestId(id),
            shared,
            words,
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn counted(packed: &str) -> Vec<(i64, i64, i64)> {
        let mut got: Vec<(i64, i64, i64)> = count_postings(packed)
            .unwrap()
            .into_iter()
            .map(|o| (o.request.0, o.shared, o.words))
            .collect();
        got.sort_unstable();
        got
    }

    #[test]
    fn postings_are_counted_per_request() {
        // Request 7 shares three words and has three, request 3 two of its four, request 5
        // one, its only one.
        assert_eq!(
            counted("3:4,7:3,5:1,7:3,3:4,7:3"),
            vec![(3, 2, 4), (5, 1, 1), (7, 3, 3)]
        );
        assert!(counted("").is_empty());
    }

    #[test]
    fn a_posting_not_understood_is_an_error() {
        assert!(count_postings("4:2,x").is_err());
        assert!(count_postings("4:2,5:").is_err());
    }
}
