//! The PostgreSQL implementation, for deployments with several server processes: a table of
//! the documents' filter fields, text and a `tsvector` of their jieba segments with a GIN index.
//! No extension is needed (no zhparser): the segmentation is done here, with the same
//! [`index_tokens`] as the tantivy index, and handed to PostgreSQL as a ready `tsvector`
//! (`'word':position` with weight A for the title, B for 文号/索引号, D for the body), so that a
//! sub-word shares the position of its word exactly as in tantivy and phrases (`<->`) behave
//! the same. Queries are `tsquery` values built from the same [`ParsedQuery`]; relevance is
//! `ts_rank`.
//!
//! The revision is a one-row state table written in the same transaction as the documents. A
//! row is only replaced by a higher revision (`ON CONFLICT … WHERE`), so several processes
//! catching up at once cannot put an old version back.

use crate::query::{Clause, ParsedQuery};
use crate::segment::index_tokens;
use crate::{Cursor, Indexed, Page, Query, Result, Search, SearchError, Sort, make_hit};
use chrono::NaiveDate;
use gongkai_catalogue::{Document, DocumentId};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

/// The default table name.
pub const TABLE: &str = "catalogue_search";

/// The count of matches stops here: counting a million matches of a common word costs more
/// than the page itself, and a page shows "more than 10,000".
pub const COUNT_CAP: i64 = 10_000;

/// PostgreSQL's limits of a `tsvector`: positions go up to 16,383, a lexeme keeps at most 256
/// positions and is at most 2 KB.
const MAX_POSITION: u32 = 16_383;
const MAX_POSITIONS_PER_LEXEME: usize = 256;
const MAX_LEXEME_BYTES: usize = 2_000;

/// A full-text index in PostgreSQL. Cheap to clone: clones share the pool.
#[derive(Debug, Clone)]
pub struct PgSearch {
    pool: PgPool,
    table: String,
}

impl PgSearch {
    /// Opens the index in the default table ([`TABLE`]) of the pool's database, creating its
    /// tables if absent (several processes may do this at once).
    pub async fn open(pool: PgPool) -> Result<PgSearch> {
        Self::open_table(pool, TABLE).await
    }

    /// Opens the index in `table` (and `{table}_state`), created if absent. The name is
    /// lower-case letters, digits and `_`.
    pub async fn open_table(pool: PgPool, table: &str) -> Result<PgSearch> {
        let valid = table
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && table.len() <= 48
            && table
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(SearchError::InvalidTableName(table.to_string()));
        }
        let search = PgSearch {
            pool,
            table: table.to_string(),
        };
        search.create().await?;
        Ok(search)
    }

    /// Connects to `url` (optionally with `search_path` set to `schema`) and opens the default
    /// table.
    pub async fn connect(url: &str, schema: Option<&str>) -> Result<PgSearch> {
        let mut options = PgConnectOptions::from_str(url)
            .map_err(|e| SearchError::Database(format!("数据库地址无效：{e}")))?;
        if let Some(schema) = schema {
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Self::open(pool).await
    }

    /// The pool (to close it).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn create(&self) -> Result<()> {
        let t = &self.table;
        let mut tx = self.pool.begin().await?;
        // Two processes creating the same tables at once would collide on the catalog; the lock
        // makes the second wait and then find them.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("gongkai-search:{t}"))
            .execute(&mut *tx)
            .await?;
        for statement in [
            format!(
                "CREATE TABLE IF NOT EXISTS {t} (
                    id BIGINT PRIMARY KEY,
                    revision BIGINT NOT NULL,
                    agency BIGINT NOT NULL,
                    item TEXT,
                    topic TEXT NOT NULL,
                    genre TEXT NOT NULL,
                    published DATE NOT NULL,
                    validity TEXT NOT NULL,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL,
                    terms TSVECTOR NOT NULL,
                    rank_terms TSVECTOR NOT NULL
                )"
            ),
            // Kept in the row (compressed), not in TOAST: ranking reads it for every match.
            format!("ALTER TABLE {t} ALTER COLUMN rank_terms SET STORAGE MAIN"),
            format!("CREATE INDEX IF NOT EXISTS {t}_terms ON {t} USING GIN (terms)"),
            format!("CREATE INDEX IF NOT EXISTS {t}_published ON {t} (published, id)"),
            format!("CREATE INDEX IF NOT EXISTS {t}_agency ON {t} (agency, published, id)"),
            format!(
                "CREATE TABLE IF NOT EXISTS {t}_state (
                    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
                    revision BIGINT NOT NULL
                )"
            ),
            format!("INSERT INTO {t}_state (revision) VALUES (0) ON CONFLICT DO NOTHING"),
            format!(
                "ALTER TABLE {t}_state ADD COLUMN IF NOT EXISTS format TEXT NOT NULL DEFAULT ''"
            ),
        ] {
            sqlx::query(&statement).execute(&mut *tx).await?;
        }
        // Rows cut by another segmentation ([`crate::FORMAT`]) are wrong although the schema
        // is the same: empty the table at revision 0, and the catch-up rebuilds it.
        let format: String = sqlx::query_scalar(&format!("SELECT format FROM {t}_state"))
            .fetch_one(&mut *tx)
            .await?;
        if format != crate::FORMAT {
            sqlx::query(&format!("TRUNCATE {t}"))
                .execute(&mut *tx)
                .await?;
            sqlx::query(&format!("UPDATE {t}_state SET revision = 0, format = $1"))
                .bind(crate::FORMAT)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// How much of the body the ranking vector holds, in bytes (about 100 characters).
const RANK_BODY_BYTES: usize = 300;

/// The `tsvector` literals of the document's segments: the title (weight A), the numbers (B)
/// and the body (D), positions running on across them; the whole text (what matches) and the
/// ranking vector, which stops after the body's opening.
///
/// Why two: `ts_rank` reads the vector of every matching row, and a whole body's vector (several
/// KB) lives out of line in TOAST; ranking a common word's tens of thousands of matches by it
/// took half a second at 100,000 documents. The short vector stays in the row.
fn tsvectors(d: &Indexed) -> (String, String) {
    (tsvector(d, usize::MAX), tsvector(d, RANK_BODY_BYTES))
}

fn tsvector(d: &Indexed, body_bytes: usize) -> String {
    let mut lexemes: BTreeMap<String, Vec<(u32, char)>> = BTreeMap::new();
    let mut base = 1u32;
    for (text, weight) in [(&d.title, 'A'), (&d.numbers, 'B'), (&d.body, 'D')] {
        let mut last = 0u32;
        let limit = if weight == 'D' {
            body_bytes
        } else {
            usize::MAX
        };
        index_tokens(text, |t| {
            if t.text.len() > MAX_LEXEME_BYTES || t.start >= limit {
                return;
            }
            let position = (base + t.position).min(MAX_POSITION);
            last = last.max(t.position);
            let positions = lexemes.entry(t.text).or_default();
            if positions.len() < MAX_POSITIONS_PER_LEXEME
                && positions.last().map(|p| p.0) != Some(position)
            {
                positions.push((position, weight));
            }
        });
        // A gap between fields, so that a phrase does not run from one into the next.
        base = base.saturating_add(last + 2);
    }
    let mut out = String::new();
    for (lexeme, positions) in lexemes {
        if !out.is_empty() {
            out.push(' ');
        }
        push_quoted(&mut out, &lexeme);
        out.push(':');
        for (i, (position, weight)) in positions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&position.to_string());
            if *weight != 'D' {
                out.push(*weight);
            }
        }
    }
    out
}

/// A lexeme in a `tsvector`/`tsquery` literal: in single quotes, `'` doubled and `\` escaped.
fn push_quoted(out: &mut String, lexeme: &str) {
    out.push('\'');
    for c in lexeme.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
}

/// The `tsquery` literal of a parsed query: clauses joined by `&`, a phrase's words by `<->`.
fn tsquery(parsed: &ParsedQuery) -> String {
    let mut out = String::new();
    for (i, clause) in parsed.clauses.iter().enumerate() {
        if i > 0 {
            out.push_str(" & ");
        }
        match clause {
            Clause::Term(t) => push_quoted(&mut out, t),
            Clause::Phrase(words) => {
                out.push('(');
                for (j, w) in words.iter().enumerate() {
                    if j > 0 {
                        out.push_str(" <-> ");
                    }
                    push_quoted(&mut out, w);
                }
                out.push(')');
            }
        }
    }
    out
}

/// A row of a page: id, score, title, body, day number of 发布日期.
type PageRow = (i64, f32, String, String, i64);

/// `date` of a cursor's day number.
fn date_of_day(day: i64) -> Result<NaiveDate> {
    i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| SearchError::InvalidCursor(day.to_string()))
}

impl PgSearch {
    /// Appends the `WHERE` conditions of the query's words and filters.
    fn conditions<'a>(
        &self,
        b: &mut QueryBuilder<'a, Postgres>,
        query: &'a Query,
        ts: Option<String>,
    ) {
        b.push(" WHERE TRUE");
        if let Some(ts) = ts {
            b.push(" AND terms @@ ").push_bind(ts).push("::tsquery");
        }
        if let Some(agencies) = &query.agencies {
            let ids: Vec<i64> = agencies.iter().map(|a| a.0).collect();
            b.push(" AND agency = ANY(").push_bind(ids).push(")");
        }
        if let Some(item) = &query.item {
            b.push(" AND item = ").push_bind(crate::item_key(item));
        }
        if let Some(topic) = &query.topic {
            b.push(" AND topic = ").push_bind(topic.as_str());
        }
        if let Some(genre) = &query.genre {
            b.push(" AND genre = ").push_bind(genre.as_str());
        }
        if let Some(validity) = query.validity {
            b.push(" AND validity = ").push_bind(validity.key());
        }
        if let Some((first, last)) = query.date_range() {
            b.push(" AND published BETWEEN ")
                .push_bind(first)
                .push(" AND ")
                .push_bind(last);
        }
    }
}

impl Search for PgSearch {
    async fn revision(&self) -> Result<i64> {
        let sql = format!("SELECT revision FROM {}_state", self.table);
        Ok(sqlx::query_scalar(&sql).fetch_one(&self.pool).await?)
    }

    async fn apply(&self, docs: &[Document], up_to_revision: i64) -> Result<()> {
        let batch = Indexed::batch(docs);
        let t = &self.table;
        // Segmentation is CPU work: off the async threads.
        let rows = tokio::task::spawn_blocking(move || {
            batch
                .into_iter()
                .map(|d| {
                    let terms = tsvectors(&d);
                    (d, terms)
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| SearchError::Database(format!("分词任务异常中止：{e}")))?;
        let mut tx = self.pool.begin().await?;
        // Rows in chunks: one statement per chunk, within PostgreSQL's 65,535 parameters.
        for chunk in rows.chunks(500) {
            let mut b: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                "INSERT INTO {t} (id, revision, agency, item, topic, genre, published, validity, \
                 title, body, terms, rank_terms) "
            ));
            b.push_values(chunk, |mut row, (d, terms)| {
                row.push_bind(d.id)
                    .push_bind(d.revision)
                    .push_bind(d.agency)
                    .push_bind(d.item.clone())
                    .push_bind(d.topic.clone())
                    .push_bind(d.genre.clone())
                    .push_bind(d.published)
                    .push_bind(d.validity)
                    .push_bind(d.title.clone())
                    .push_bind(d.body.clone())
                    .push_bind(terms.0.clone())
                    .push_unseparated("::tsvector")
                    .push_bind(terms.1.clone())
                    .push_unseparated("::tsvector");
            });
            b.push(format!(
                " ON CONFLICT (id) DO UPDATE SET revision = EXCLUDED.revision, \
                 agency = EXCLUDED.agency, item = EXCLUDED.item, topic = EXCLUDED.topic, \
                 genre = EXCLUDED.genre, published = EXCLUDED.published, \
                 validity = EXCLUDED.validity, title = EXCLUDED.title, body = EXCLUDED.body, \
                 terms = EXCLUDED.terms, rank_terms = EXCLUDED.rank_terms WHERE {t}.revision < EXCLUDED.revision"
            ));
            b.build().execute(&mut *tx).await?;
        }
        sqlx::query(&format!(
            "UPDATE {t}_state SET revision = GREATEST(revision, $1)"
        ))
        .bind(up_to_revision)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn remove(&self, ids: &[DocumentId]) -> Result<()> {
        let ids: Vec<i64> = ids.iter().map(|i| i.0).collect();
        sqlx::query(&format!("DELETE FROM {} WHERE id = ANY($1)", self.table))
            .bind(ids)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn clear(&self) -> Result<()> {
        let t = &self.table;
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!("DELETE FROM {t}"))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!("UPDATE {t}_state SET revision = 0"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn search(&self, query: &Query) -> Result<Page> {
        query.check()?;
        let parsed = ParsedQuery::parse(&query.text);
        let sort = query.effective_sort(&parsed);
        let t = &self.table;
        let wanted = query.limit as i64 + 1;
        let mut tx = self.pool.begin().await?;
        // (id, score, title, body, day); the total and whether it is exact.
        let (rows, total, exact): (Vec<PageRow>, i64, bool) = if parsed.is_empty() {
            // A listing by date: the date index gives the page; the count stops at the cap.
            let after = match query.after {
                None => None,
                Some(Cursor::Newest { day, id }) => Some((date_of_day(day)?, id)),
                Some(Cursor::Relevance { .. }) => {
                    return Err(SearchError::CursorSortMismatch);
                }
            };
            let mut b: QueryBuilder<Postgres> =
                QueryBuilder::new(format!("SELECT count(*) FROM (SELECT 1 FROM {t}"));
            self.conditions(&mut b, query, None);
            b.push(" LIMIT ")
                .push_bind(COUNT_CAP + 1)
                .push(") AS matches");
            let count: i64 = b.build_query_scalar().fetch_one(&mut *tx).await?;
            let mut b: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                "SELECT id, 0::real AS score, title, body, \
                     (published - DATE '0001-01-01' + 1)::bigint AS day FROM {t}"
            ));
            self.conditions(&mut b, query, None);
            if let Some((date, id)) = after {
                b.push(" AND (published, id) < (")
                    .push_bind(date)
                    .push(", ")
                    .push_bind(id)
                    .push(")");
            }
            b.push(" ORDER BY published DESC, id DESC LIMIT ")
                .push_bind(wanted);
            let rows = b
                .build()
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        r.try_get("id")?,
                        r.try_get("score")?,
                        r.try_get("title")?,
                        r.try_get("body")?,
                        r.try_get("day")?,
                    ))
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            (rows, count.min(COUNT_CAP), count <= COUNT_CAP)
        } else {
            // Words: the GIN index answers which rows match without reading their vectors
            // (a plain `&` query needs no recheck); the planner, misjudging how many rows a
            // word matches, otherwise walks the table or the date index and decompresses
            // every row's whole vector (a second at 100,000 documents). The matches are
            // read once: ranked (or dated) and counted in the same pass, so the total is
            // exact; only the page's rows are joined back for their text.
            for setting in [
                "SET LOCAL enable_seqscan = off",
                "SET LOCAL enable_indexscan = off",
                "SET LOCAL work_mem = '64MB'",
            ] {
                sqlx::query(setting).execute(&mut *tx).await?;
            }
            let ts = tsquery(&parsed);
            let mut b: QueryBuilder<Postgres> =
                QueryBuilder::new("WITH matches AS MATERIALIZED (SELECT id, ");
            let order = match sort {
                Sort::Relevance => {
                    b.push("ts_rank(rank_terms, ")
                        .push_bind(ts.clone())
                        .push("::tsquery) AS score, 0::bigint AS day");
                    "m.score DESC, m.id ASC"
                }
                Sort::Newest => {
                    b.push("0::real AS score, (published - DATE '0001-01-01' + 1)::bigint AS day");
                    "m.day DESC, m.id DESC"
                }
            };
            b.push(format!(" FROM {t}"));
            self.conditions(&mut b, query, Some(ts));
            b.push("), page AS (SELECT m.id, m.score, m.day FROM matches m WHERE TRUE");
            match (sort, query.after) {
                (_, None) => {}
                (Sort::Relevance, Some(Cursor::Relevance { score, id })) => {
                    b.push(" AND (m.score < ")
                        .push_bind(score)
                        .push("::real OR (m.score = ")
                        .push_bind(score)
                        .push("::real AND m.id > ")
                        .push_bind(id)
                        .push("))");
                }
                (Sort::Newest, Some(Cursor::Newest { day, id })) => {
                    b.push(" AND (m.day, m.id) < (")
                        .push_bind(day)
                        .push(", ")
                        .push_bind(id)
                        .push(")");
                }
                _ => return Err(SearchError::CursorSortMismatch),
            }
            b.push(format!(" ORDER BY {order} LIMIT "))
                .push_bind(wanted)
                .push(format!(
                    ") SELECT c.total, m.id, m.score, m.day, d.title, d.body \
                         FROM (SELECT count(*) AS total FROM matches) AS c \
                         LEFT JOIN page AS m ON TRUE LEFT JOIN {t} AS d ON d.id = m.id \
                         ORDER BY {order}"
                ));
            let mut total = 0;
            let mut rows = Vec::new();
            for r in b.build().fetch_all(&mut *tx).await? {
                total = r.try_get("total")?;
                let id: Option<i64> = r.try_get("id")?;
                if let Some(id) = id {
                    rows.push((
                        id,
                        r.try_get("score")?,
                        r.try_get("title")?,
                        r.try_get("body")?,
                        r.try_get("day")?,
                    ));
                }
            }
            (rows, total, true)
        };
        tx.commit().await?;

        let next = (rows.len() > query.limit)
            .then(|| {
                rows.get(query.limit - 1)
                    .map(|&(id, score, _, _, day)| match sort {
                        Sort::Relevance => Cursor::Relevance { score, id },
                        Sort::Newest => Cursor::Newest { day, id },
                    })
            })
            .flatten();
        let needles = parsed.needles();
        let limit = query.limit;
        // Snippets are CPU work on long bodies: off the async threads.
        let hits = tokio::task::spawn_blocking(move || {
            rows.into_iter()
                .take(limit)
                .map(|(id, score, title, body, _)| make_hit(id, score, &title, &body, &needles))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| SearchError::Database(format!("摘要任务异常中止：{e}")))?;
        Ok(Page {
            hits,
            total: total.max(0) as u64,
            total_exact: exact,
            next,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_quote_and_weigh() {
        let mut out = String::new();
        push_quoted(&mut out, "it's\\");
        assert_eq!(out, "'it''s\\\\'");
        let parsed = ParsedQuery::parse("\"推进 政务公开\" 通知");
        assert_eq!(tsquery(&parsed), "('推进' <-> '政务公开') & '通知'");
    }
}
