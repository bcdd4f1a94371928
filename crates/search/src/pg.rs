//! The PostgreSQL implementation, for deployments with several server processes: a table of
//! the documents' filter fields, text and a `tsvector` of their jieba segments with a GIN index.
//! No extension is needed (no zhparser): the segmentation is done here, with the same
//! [`index_tokens`] as the tantivy index, and handed to PostgreSQL as a ready `tsvector`
//! (`'word':position` with weight A for the title, B for 文号/索引号, D for the body), so that a
//! sub-word shares the position of its word exactly as in tantivy and phrases (`<->`) behave
//! the same. Queries are `tsquery` values built from the same [`ParsedQuery`].
//!
//! Relevance here is in tiers: documents with every query word in the title first, then the
//! others; newest first within a tier. Why not `ts_rank`: it reads the vector of every match,
//! and a word found in half of a million documents took a second to rank. A tier is instead
//! read by walking the date index newest first and testing each row, which stops after a page
//! of matches (a few dozen rows for a common word); a rare word, for which the walk would be
//! long, is answered from the GIN index instead. Which is cheaper is decided from the
//! planner's estimates, each statement planned for its own values. Totals are counted up to
//! [`COUNT_CAP`]; beyond it an estimate is given, marked as not exact.
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
/// than the page itself; beyond it the planner's estimate is given as "about".
pub const COUNT_CAP: i64 = 1_000;

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
    walk_rows: i64,
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
            walk_rows: WALK_ROWS,
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

    /// The same index with walks of the date index stopped after `rows` rows (at least 1),
    /// so that tests on a small corpus take the GIN index's way as a large one does.
    pub fn with_walk_rows(mut self, rows: i64) -> PgSearch {
        self.walk_rows = rows.max(1);
        self
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
        // Rows cut by another segmentation, or a table of another shape ([`crate::FORMAT`]),
        // are dropped at revision 0, and the catch-up rebuilds them.
        let format: String = sqlx::query_scalar(&format!("SELECT format FROM {t}_state"))
            .fetch_one(&mut *tx)
            .await?;
        if format != crate::FORMAT {
            sqlx::query(&format!("DROP TABLE IF EXISTS {t}"))
                .execute(&mut *tx)
                .await?;
            sqlx::query(&format!("UPDATE {t}_state SET revision = 0, format = $1"))
                .bind(crate::FORMAT)
                .execute(&mut *tx)
                .await?;
        }
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
                    title_terms TSVECTOR NOT NULL
                )"
            ),
            format!("CREATE INDEX IF NOT EXISTS {t}_terms ON {t} USING GIN (terms)"),
            format!("CREATE INDEX IF NOT EXISTS {t}_title_terms ON {t} USING GIN (title_terms)"),
            // Newest first, id descending (by date) and ascending (within a relevance tier).
            format!("CREATE INDEX IF NOT EXISTS {t}_published ON {t} (published, id)"),
            format!("CREATE INDEX IF NOT EXISTS {t}_tier_order ON {t} (published DESC, id)"),
            format!("CREATE INDEX IF NOT EXISTS {t}_agency ON {t} (agency, published, id)"),
            format!(
                "CREATE INDEX IF NOT EXISTS {t}_agency_tier_order ON {t} \
                 (agency, published DESC, id)"
            ),
            // The filters' own indexes, which the GIN index's bitmap is combined with when a
            // word is common and a filter narrows it much.
            format!("CREATE INDEX IF NOT EXISTS {t}_genre ON {t} (genre)"),
            format!("CREATE INDEX IF NOT EXISTS {t}_topic ON {t} (topic)"),
            format!("CREATE INDEX IF NOT EXISTS {t}_item ON {t} (item)"),
        ] {
            sqlx::query(&statement).execute(&mut *tx).await?;
        }
        lz4_columns(&mut tx, t).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The long columns (body and vectors) compressed with lz4 where the server has it: pglz took
/// a fifth of the server's indexing time, and a walk decompresses each row's vector. Only the
/// setting changes (rows written before keep their compression), so it is done once.
async fn lz4_columns(tx: &mut sqlx::Transaction<'_, Postgres>, t: &str) -> Result<()> {
    let has_lz4: bool = sqlx::query_scalar(
        "SELECT coalesce(bool_or('lz4' = ANY(enumvals)), false) FROM pg_settings \
         WHERE name = 'default_toast_compression'",
    )
    .fetch_one(&mut **tx)
    .await?;
    if !has_lz4 {
        return Ok(());
    }
    let columns = ["title", "body", "terms", "title_terms"];
    let pending: Vec<String> = sqlx::query_scalar(
        "SELECT attname::text FROM pg_attribute WHERE attrelid = $1::regclass \
         AND attname = ANY($2) AND attcompression <> 'l'",
    )
    .bind(t)
    .bind(&columns[..])
    .fetch_all(&mut **tx)
    .await?;
    for column in pending {
        sqlx::query(&format!(
            "ALTER TABLE {t} ALTER COLUMN {column} SET COMPRESSION lz4"
        ))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The `tsvector`s of the document's segments: the whole text — the title (weight A), the
/// numbers (B) and the body (D), positions running on across them — and the title alone,
/// which decides a document's relevance tier.
fn tsvectors(d: &Indexed) -> (TsVector, TsVector) {
    (
        TsVector::of(&[
            (&d.title, Weight::A),
            (&d.numbers, Weight::B),
            (&d.body, Weight::D),
        ]),
        TsVector::of(&[(&d.title, Weight::A)]),
    )
}

/// A `tsvector` weight, as PostgreSQL packs it in the top two bits of a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    A = 3,
    B = 2,
    D = 0,
}

/// A `tsvector` built here and sent in PostgreSQL's binary form. The text form cost the
/// server a sixth of its indexing time to parse (`tsvectorin`); the binary one is read as is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TsVector {
    /// Lexemes in byte order (PostgreSQL's own order, so the server need not sort them), each
    /// with its positions ascending, the weight in the top two bits.
    lexemes: Vec<(String, Vec<u16>)>,
}

impl TsVector {
    fn of(fields: &[(&str, Weight)]) -> TsVector {
        let mut lexemes: BTreeMap<String, Vec<u16>> = BTreeMap::new();
        let mut base = 1u32;
        for &(text, weight) in fields {
            let mut last = 0u32;
            index_tokens(text, |t| {
                // PostgreSQL keeps no lexeme longer than its limit, none empty and no NUL (the
                // binary form ends a lexeme with one).
                if t.text.len() > MAX_LEXEME_BYTES || t.text.is_empty() || t.text.contains('\0') {
                    return;
                }
                let position = (base + t.position).min(MAX_POSITION) as u16;
                last = last.max(t.position);
                let positions = lexemes.entry(t.text).or_default();
                // Positions only grow (fields in turn, tokens in order), so the last one is
                // the only possible repeat: the first token at a position keeps its weight.
                if positions.len() < MAX_POSITIONS_PER_LEXEME
                    && positions.last().map(|p| p & POSITION_BITS) != Some(position)
                {
                    positions.push(position | (weight as u16) << 14);
                }
            });
            // A gap between fields, so that a phrase does not run from one into the next.
            base = base.saturating_add(last + 2);
        }
        TsVector {
            lexemes: lexemes.into_iter().collect(),
        }
    }

    /// PostgreSQL's binary form (`tsvectorrecv`): the number of lexemes, then each lexeme as a
    /// NUL-terminated string, its number of positions and the positions, all big-endian.
    fn encode(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&(self.lexemes.len() as i32).to_be_bytes());
        for (lexeme, positions) in &self.lexemes {
            buf.extend_from_slice(lexeme.as_bytes());
            buf.push(0);
            buf.extend_from_slice(&(positions.len() as u16).to_be_bytes());
            for p in positions {
                buf.extend_from_slice(&p.to_be_bytes());
            }
        }
    }
}

/// The bits of a `tsvector` position below its weight.
const POSITION_BITS: u16 = 0x3fff;

impl sqlx::Type<Postgres> for TsVector {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        sqlx::postgres::PgTypeInfo::with_name("tsvector")
    }
}

impl sqlx::Encode<'_, Postgres> for TsVector {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> std::result::Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        self.encode(buf);
        Ok(sqlx::encode::IsNull::No)
    }
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
        push_clause(&mut out, clause);
    }
    out
}

/// The `tsquery` literal of each clause alone.
fn clause_tsqueries(parsed: &ParsedQuery) -> Vec<String> {
    parsed
        .clauses
        .iter()
        .map(|clause| {
            let mut out = String::new();
            push_clause(&mut out, clause);
            out
        })
        .collect()
}

fn push_clause(out: &mut String, clause: &Clause) {
    match clause {
        Clause::Term(t) => push_quoted(out, t),
        Clause::Phrase(words) => {
            out.push('(');
            for (j, w) in words.iter().enumerate() {
                if j > 0 {
                    out.push_str(" <-> ");
                }
                push_quoted(out, w);
            }
            out.push(')');
        }
    }
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
        Self::filters(b, query, ts);
    }

    /// Appends `AND` the conditions of the query's words and filters.
    fn filters<'a>(b: &mut QueryBuilder<'a, Postgres>, query: &'a Query, ts: Option<String>) {
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

/// The most rows of the date index a walk reads before it leaves the rest to the GIN index.
const WALK_ROWS: i64 = 20_000;

/// The fraction of a relevance score that holds the day: days below 2^20 (the year 2870) are
/// exact in an `f32` beside a tier of 1 or 2.
const DAY_SCALE: f32 = 1_048_576.0;

/// A relevance score: the tier in the integer part, the day of 发布日期 in the fraction, so that
/// scores order as (tier, newest) and a cursor gives both back exactly.
fn tier_score(tier: u8, day: i64) -> f32 {
    f32::from(tier) + day as f32 / DAY_SCALE
}

/// The tier and day of a relevance score.
fn tier_of_score(score: f32) -> Result<(u8, i64)> {
    let tier = score.floor();
    if !(1.0..=2.0).contains(&tier) {
        return Err(SearchError::InvalidCursor(score.to_string()));
    }
    Ok((tier as u8, ((score - tier) * DAY_SCALE).round() as i64))
}

/// A part of a word query's order, read in turn until a page is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    /// Relevance, first tier: every query word in the title.
    Title,
    /// Relevance, second tier: the other matches.
    Rest,
    /// By date: every match.
    Newest,
}

impl Part {
    fn of(sort: Sort) -> &'static [Part] {
        match sort {
            Sort::Relevance => &[Part::Title, Part::Rest],
            Sort::Newest => &[Part::Newest],
        }
    }

    /// What a walk pays for a row it reads, in rows the GIN index's bitmap fetches: the title's
    /// vector is in the row, the whole text's out of line (read and decompressed).
    fn walk_row_cost(self) -> f64 {
        match self {
            Part::Title => 1.0,
            Part::Rest | Part::Newest => 4.0,
        }
    }

    /// The part whose matches of a word include this part's matches of several words.
    fn bound(self) -> Part {
        match self {
            Part::Title => Part::Title,
            Part::Rest | Part::Newest => Part::Newest,
        }
    }

    fn tier(self) -> u8 {
        match self {
            Part::Title => 2,
            Part::Rest | Part::Newest => 1,
        }
    }

    /// The order of the part's rows: within a relevance tier newest first and then by id
    /// ascending (the order of equal scores everywhere), by date newest first throughout.
    fn order(self) -> &'static str {
        match self {
            Part::Title | Part::Rest => "published DESC, id ASC",
            Part::Newest => "published DESC, id DESC",
        }
    }

    /// Appends the part's match condition. The title's own vector is tested first: it is in
    /// the row, the whole text's usually out of it.
    fn push_match<'a>(self, b: &mut QueryBuilder<'a, Postgres>, ts: &str) {
        match self {
            Part::Title => {
                b.push(" AND title_terms @@ ")
                    .push_bind(ts.to_string())
                    .push("::tsquery");
            }
            Part::Rest => {
                b.push(" AND NOT (title_terms @@ ")
                    .push_bind(ts.to_string())
                    .push("::tsquery) AND terms @@ ")
                    .push_bind(ts.to_string())
                    .push("::tsquery");
            }
            Part::Newest => {
                b.push(" AND terms @@ ")
                    .push_bind(ts.to_string())
                    .push("::tsquery");
            }
        }
    }

    /// Appends "after the cursor's row" in the part's order.
    fn push_after<'a>(self, b: &mut QueryBuilder<'a, Postgres>, after: Option<(NaiveDate, i64)>) {
        let Some((date, id)) = after else { return };
        match self {
            Part::Title | Part::Rest => {
                b.push(" AND (published < ")
                    .push_bind(date)
                    .push(" OR (published = ")
                    .push_bind(date)
                    .push(" AND id > ")
                    .push_bind(id)
                    .push("))");
            }
            Part::Newest => {
                b.push(" AND (published, id) < (")
                    .push_bind(date)
                    .push(", ")
                    .push_bind(id)
                    .push(")");
            }
        }
    }
}

/// Makes the transaction's next statements find their rows through bitmaps of the GIN and
/// filter indexes: an index scan testing each row would decompress its whole vector.
async fn gin_only(tx: &mut sqlx::Transaction<'_, Postgres>) -> Result<()> {
    set_local(
        tx,
        &[
            ("enable_bitmapscan", "on"),
            ("enable_indexscan", "off"),
            ("enable_seqscan", "off"),
            ("work_mem", "64MB"),
        ],
    )
    .await
}

/// Sets the transaction's settings in one round trip.
async fn set_local(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    settings: &[(&str, &str)],
) -> Result<()> {
    let mut b: QueryBuilder<Postgres> = QueryBuilder::new("SELECT ");
    let mut list = b.separated(", ");
    for &(name, value) in settings {
        list.push("set_config(")
            .push_bind_unseparated(name.to_string())
            .push_unseparated(", ")
            .push_bind_unseparated(value.to_string())
            .push_unseparated(", true)");
    }
    b.build().execute(&mut **tx).await?;
    Ok(())
}

/// The agency whose own rows a walk reads (through the `(agency, published, id)` indexes)
/// when the query is of one agency's catalogue, the portal's usual search.
fn walked_agency(query: &Query) -> Option<i64> {
    match query.agencies.as_deref() {
        Some([agency]) => Some(agency.0),
        _ => None,
    }
}

/// Appends the conditions a walk seeks to in its index: one agency's rows, within the years.
fn push_walked<'a>(b: &mut QueryBuilder<'a, Postgres>, query: &'a Query) {
    if let Some(agency) = walked_agency(query) {
        b.push(" AND agency = ").push_bind(agency);
    }
    if let Some((first, last)) = query.date_range() {
        b.push(" AND published BETWEEN ")
            .push_bind(first)
            .push(" AND ")
            .push_bind(last);
    }
}

/// The planner's estimates a search has asked for, by part and `tsquery`.
type Estimates = std::collections::HashMap<(Part, String), f64>;

/// What a page asks of one part of the order.
struct Wanted<'a> {
    query: &'a Query,
    /// The query's `tsquery` literal.
    ts: &'a str,
    /// Each clause's `tsquery` literal, when there are several.
    clauses: &'a [String],
    part: Part,
    /// The cursor's 发布日期 and id when the cursor is in this part.
    after: Option<(NaiveDate, i64)>,
    need: i64,
    /// The rows a walk reads from ([`PgSearch::walked_rows`]).
    walked_rows: f64,
}

/// The columns of a page's rows.
const PAGE_COLUMNS: &str = "id, title, body, (published - DATE '0001-01-01' + 1)::bigint AS day";

/// The page rows of a built query.
async fn fetch_page(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    mut b: QueryBuilder<'_, Postgres>,
    part: Part,
) -> Result<Vec<PageRow>> {
    Ok(b.build()
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| page_row(r, part))
        .collect::<Result<Vec<_>, sqlx::Error>>()?)
}

/// The row of a page from a result row.
fn page_row(r: &sqlx::postgres::PgRow, part: Part) -> std::result::Result<PageRow, sqlx::Error> {
    let day: i64 = r.try_get("day")?;
    let score = match part {
        Part::Title | Part::Rest => tier_score(part.tier(), day),
        Part::Newest => 0.0,
    };
    Ok((
        r.try_get("id")?,
        score,
        r.try_get("title")?,
        r.try_get("body")?,
        day,
    ))
}

impl PgSearch {
    /// Up to `need` rows of one part of the order, after the cursor's row. A walk of the date
    /// index newest first, testing each row, when the planner's estimates say it reads fewer
    /// rows than the part has matches (a common word fills a page within a few dozen rows);
    /// otherwise, or when the walk did not fill the page, the GIN index finds every match and
    /// they are sorted. With the rows, how many matches the part has after the cursor when the
    /// GIN index found them all: counted as they are sorted (a count of its own built the same
    /// bitmaps again, a third of a slow search).
    async fn part_rows(
        &self,
        tx: &mut sqlx::Transaction<'_, Postgres>,
        memo: &mut Estimates,
        w: &Wanted<'_>,
    ) -> Result<(Vec<PageRow>, Option<i64>)> {
        if let Some(rows) = self.walk_length(tx, memo, w).await?
            && let Some(page) = self.walk(tx, w, rows).await?
        {
            return Ok((page, None));
        }
        gin_only(tx).await?;
        let mut b: QueryBuilder<Postgres> = QueryBuilder::new(format!(
            "SELECT {PAGE_COLUMNS}, count(*) OVER () AS matches FROM {}",
            self.table
        ));
        self.conditions(&mut b, w.query, None);
        w.part.push_match(&mut b, w.ts);
        w.part.push_after(&mut b, w.after);
        b.push(format!(" ORDER BY {} LIMIT ", w.part.order()))
            .push_bind(w.need);
        let found = b.build().fetch_all(&mut **tx).await?;
        let matches = match found.first() {
            Some(row) => row.try_get("matches")?,
            None => 0,
        };
        let page = found
            .iter()
            .map(|r| page_row(r, w.part))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok((page, Some(matches)))
    }

    /// How many rows a walk reads from (once a search): the agency's, within the year range.
    async fn walked_rows(
        &self,
        tx: &mut sqlx::Transaction<'_, Postgres>,
        query: &Query,
    ) -> Result<f64> {
        let mut b: QueryBuilder<Postgres> =
            QueryBuilder::new(format!("EXPLAIN SELECT 1 FROM {} WHERE TRUE", self.table));
        push_walked(&mut b, query);
        Ok((explained_rows(tx, b).await? as f64).max(1.0))
    }

    /// How many rows a walk may read, when it is likely to read fewer rows than the GIN index
    /// would fetch: a walk finds the part's matches at the rate expected among the rows it
    /// reads, and reads `need / rate` rows (each costing [`Part::walk_row_cost`]), where the
    /// GIN index fetches every match. The matches are taken at the most they can be
    /// ([`PgSearch::matches`]): a walk is then tried whenever the words may be common. It may
    /// read four times the rows expected, and at least as many as it would read at the
    /// break-even rate (where walking and fetching every match cost the same); when it has not
    /// filled the page by then, the matches are fewer than that and the GIN index fetches them.
    async fn walk_length(
        &self,
        tx: &mut sqlx::Transaction<'_, Postgres>,
        memo: &mut Estimates,
        w: &Wanted<'_>,
    ) -> Result<Option<i64>> {
        let (_, matches) = self
            .matches(tx, memo, w.query, w.ts, w.clauses, w.part)
            .await?;
        let cost = w.part.walk_row_cost();
        let expected = w.need as f64 * w.walked_rows / matches.max(1.0);
        let pays = expected * cost < matches && expected < WALK_ROWS as f64;
        let break_even = (w.need as f64 * w.walked_rows / cost).sqrt();
        let length = (4.0 * expected).max(break_even).ceil() as i64;
        Ok(pays.then(|| length.clamp(100.min(self.walk_rows), self.walk_rows)))
    }

    /// The planner's estimate of a part's matches, and the most they can be. Of several words
    /// the planner takes each as independent of the others, and words that go together
    /// (`最低` `生活` `保障`) were expected in 394 titles and found in 39,755, all fetched and
    /// sorted from the GIN index (370 ms): the matches of several words are at most those of
    /// the rarest.
    async fn matches(
        &self,
        tx: &mut sqlx::Transaction<'_, Postgres>,
        memo: &mut Estimates,
        query: &Query,
        ts: &str,
        clauses: &[String],
        part: Part,
    ) -> Result<(f64, f64)> {
        let estimate = self.part_estimate(tx, memo, query, ts, part).await?;
        if clauses.len() < 2 {
            return Ok((estimate, estimate));
        }
        let mut most = f64::INFINITY;
        for clause in clauses {
            // Not in the title is no bound of one word: in the whole text is.
            let rows = self
                .part_estimate(tx, memo, query, clause, part.bound())
                .await?;
            most = most.min(rows);
        }
        Ok((estimate, most.max(estimate)))
    }

    /// The planner's estimate of a part's matches of `ts` with the query's filters, asked once
    /// a search (the relevance tiers, the walk and the total ask for the same ones).
    async fn part_estimate(
        &self,
        tx: &mut sqlx::Transaction<'_, Postgres>,
        memo: &mut Estimates,
        query: &Query,
        ts: &str,
        part: Part,
    ) -> Result<f64> {
        let key = (part, ts.to_string());
        if let Some(&rows) = memo.get(&key) {
            return Ok(rows);
        }
        let mut b: QueryBuilder<Postgres> =
            QueryBuilder::new(format!("EXPLAIN SELECT 1 FROM {}", self.table));
        self.conditions(&mut b, query, None);
        part.push_match(&mut b, ts);
        let rows = explained_rows(tx, b).await? as f64;
        memo.insert(key, rows);
        Ok(rows)
    }

    /// Up to `need` rows of the part from a walk of the date index newest first, testing each
    /// row, or `None` when `length` rows did not give them.
    async fn walk(
        &self,
        tx: &mut sqlx::Transaction<'_, Postgres>,
        w: &Wanted<'_>,
        length: i64,
    ) -> Result<Option<Vec<PageRow>>> {
        set_local(
            tx,
            &[
                ("enable_bitmapscan", "off"),
                ("enable_indexscan", "on"),
                ("enable_seqscan", "off"),
            ],
        )
        .await?;
        // The walk reads the date index alone (within the year range, which it can seek to),
        // or one agency's rows through the agency's index; the other filters are tested on the
        // rows it reads, like the words, so that a filter without an index of its own does not
        // make it visit rows without end.
        let order = w.part.order();
        let mut b: QueryBuilder<Postgres> = QueryBuilder::new(format!(
            "SELECT {PAGE_COLUMNS} FROM (SELECT id, agency, item, topic, genre, published, \
             validity, title, body, terms, title_terms FROM {} WHERE TRUE",
            self.table
        ));
        push_walked(&mut b, w.query);
        w.part.push_after(&mut b, w.after);
        b.push(format!(" ORDER BY {order} LIMIT "))
            .push_bind(length)
            .push(") AS walked WHERE TRUE");
        Self::filters(&mut b, w.query, None);
        w.part.push_match(&mut b, w.ts);
        b.push(format!(" ORDER BY {order} LIMIT "))
            .push_bind(w.need);
        let rows = fetch_page(tx, b, w.part).await?;
        Ok((rows.len() as i64 >= w.need).then_some(rows))
    }

    /// The total of a word query: counted when the planner expects no more than [`COUNT_CAP`]
    /// (exact up to it); otherwise an estimate: of one word the planner's, of several the
    /// geometric mean of the planner's (words independent) and the rarest word's matches (words
    /// always together), the two bounds of words that go together more or less often.
    async fn count_words(
        &self,
        tx: &mut sqlx::Transaction<'_, Postgres>,
        memo: &mut Estimates,
        query: &Query,
        ts: &str,
        clauses: &[String],
    ) -> Result<(i64, bool)> {
        let t = &self.table;
        let (estimate, most) = self
            .matches(tx, memo, query, ts, clauses, Part::Newest)
            .await?;
        let guess = (estimate.max(1.0) * most.max(1.0)).sqrt().round() as i64;
        if estimate > COUNT_CAP as f64 {
            return Ok((guess, false));
        }
        // Counted from the GIN index (with the filters' indexes), never by testing the rows of
        // another index one by one.
        gin_only(tx).await?;
        let mut b: QueryBuilder<Postgres> =
            QueryBuilder::new(format!("SELECT count(*) FROM (SELECT 1 FROM {t}"));
        self.conditions(&mut b, query, Some(ts.to_string()));
        b.push(" LIMIT ")
            .push_bind(COUNT_CAP + 1)
            .push(") AS matches");
        let count: i64 = b.build_query_scalar().fetch_one(&mut **tx).await?;
        if count <= COUNT_CAP {
            return Ok((count, true));
        }
        // More than expected: the estimate was low; what was counted is a lower bound.
        Ok((guess.max(count), false))
    }
}

impl PgSearch {
    /// How many rows the planner expects the query's words and filters to match.
    async fn estimate(
        &self,
        tx: &mut sqlx::Transaction<'_, Postgres>,
        query: &Query,
        ts: Option<String>,
    ) -> Result<i64> {
        let mut b: QueryBuilder<Postgres> =
            QueryBuilder::new(format!("EXPLAIN SELECT 1 FROM {}", self.table));
        self.conditions(&mut b, query, ts);
        explained_rows(tx, b).await
    }
}

/// The rows the planner expects of an `EXPLAIN` query (0 when the plan does not say).
async fn explained_rows(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    mut b: QueryBuilder<'_, Postgres>,
) -> Result<i64> {
    let plan: Vec<String> = b.build_query_scalar().fetch_all(&mut **tx).await?;
    Ok(plan
        .first()
        .and_then(|line| estimated_rows(line))
        .unwrap_or(0))
}

/// The rows the planner expects, from the first line of a text `EXPLAIN`
/// (`Bitmap Heap Scan on t  (cost=… rows=593733 width=0)`).
fn estimated_rows(line: &str) -> Option<i64> {
    let rest = &line[line.find(" rows=")? + 6..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
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
                 title, body, terms, title_terms) "
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
                    .push_bind(terms.1.clone());
            });
            b.push(format!(
                " ON CONFLICT (id) DO UPDATE SET revision = EXCLUDED.revision, \
                 agency = EXCLUDED.agency, item = EXCLUDED.item, topic = EXCLUDED.topic, \
                 genre = EXCLUDED.genre, published = EXCLUDED.published, \
                 validity = EXCLUDED.validity, title = EXCLUDED.title, body = EXCLUDED.body, \
                 terms = EXCLUDED.terms, title_terms = EXCLUDED.title_terms WHERE {t}.revision < EXCLUDED.revision"
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
        // Every statement planned for its own values: a generic plan of a prepared statement
        // cannot tell a rare word or a small agency from a common one, and counted a common
        // word's hundred thousand rows one by one to keep one agency's (300 ms, not 50).
        set_local(&mut tx, &[("plan_cache_mode", "force_custom_plan")]).await?;
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
            if count > COUNT_CAP {
                // More than the cap: the estimate, which is at least what was counted.
                let estimate = self.estimate(&mut tx, query, None).await?;
                (rows, estimate.max(count), false)
            } else {
                (rows, count, true)
            }
        } else {
            let ts = tsquery(&parsed);
            let clauses = clause_tsqueries(&parsed);
            let walked_rows = self.walked_rows(&mut tx, query).await?;
            let mut memo = Estimates::new();
            let mut rows: Vec<PageRow> = Vec::new();
            // Every match counted while the parts were read, when the GIN index read them all.
            let mut counted = Some(0);
            let parts = Part::of(sort);
            for (i, &part) in parts.iter().enumerate() {
                let after = match (part, query.after) {
                    (_, None) => None,
                    (Part::Newest, Some(Cursor::Newest { day, id })) => {
                        Some((date_of_day(day)?, id))
                    }
                    (Part::Title | Part::Rest, Some(Cursor::Relevance { score, id })) => {
                        let (tier, day) = tier_of_score(score)?;
                        match tier.cmp(&part.tier()) {
                            // The cursor is in a later tier: this one is behind it.
                            std::cmp::Ordering::Less => continue,
                            std::cmp::Ordering::Equal => Some((date_of_day(day)?, id)),
                            std::cmp::Ordering::Greater => None,
                        }
                    }
                    _ => return Err(SearchError::CursorSortMismatch),
                };
                let need = wanted - rows.len() as i64;
                let w = Wanted {
                    query,
                    ts: &ts,
                    clauses: &clauses,
                    part,
                    after,
                    need,
                    walked_rows,
                };
                let (found, matches) = self.part_rows(&mut tx, &mut memo, &w).await?;
                rows.extend(found);
                counted = counted.zip(matches).map(|(a, b)| a + b);
                if rows.len() as i64 >= wanted {
                    if i + 1 < parts.len() {
                        counted = None;
                    }
                    break;
                }
            }
            let (total, exact) = if query.after.is_none() && (rows.len() as i64) < wanted {
                // Every match is on this page.
                (rows.len() as i64, true)
            } else if let (None, Some(counted)) = (query.after, counted) {
                (counted, true)
            } else {
                self.count_words(&mut tx, &mut memo, query, &ts, &clauses)
                    .await?
            };
            (rows, total, exact)
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
    fn a_relevance_score_gives_its_tier_and_day_back() {
        for tier in [1u8, 2] {
            for day in [0i64, 1, 738_000, 739_999, 1_048_575] {
                let score = tier_score(tier, day);
                assert_eq!(tier_of_score(score).ok(), Some((tier, day)));
            }
        }
        // Newer and higher tiers score higher.
        assert!(tier_score(2, 1) > tier_score(1, 1_048_575));
        assert!(tier_score(1, 738_001) > tier_score(1, 738_000));
        assert!(tier_of_score(0.5).is_err() && tier_of_score(7.0).is_err());
    }

    #[test]
    fn the_planner_estimate_is_read_from_the_plan() {
        let line =
            "Bitmap Heap Scan on catalogue_search  (cost=1690.26..273027.54 rows=179904 width=0)";
        assert_eq!(estimated_rows(line), Some(179_904));
        assert_eq!(estimated_rows("Result  (cost=0.00..0.01 width=4)"), None);
    }

    /// A vector as the server reads it: the binary form is PostgreSQL's (checked against the
    /// server's own text form when `GONGKAI_TEST_POSTGRES_URL` is set).
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_vector_is_sent_in_the_servers_binary_form() {
        let vector = TsVector {
            lexemes: vec![
                ("it's".into(), vec![1 | (Weight::A as u16) << 14, 5]),
                ("政务".into(), vec![2 | (Weight::B as u16) << 14, 16_383]),
            ],
        };
        let mut bytes = Vec::new();
        vector.encode(&mut bytes);
        let mut expected = vec![0, 0, 0, 2];
        expected.extend_from_slice(b"it's\0\0\x02\xc0\x01\x00\x05");
        expected.extend_from_slice("政务".as_bytes());
        expected.extend_from_slice(b"\0\0\x02\x80\x02\x3f\xff");
        assert_eq!(bytes, expected);
        let Ok(url) = std::env::var("GONGKAI_TEST_POSTGRES_URL") else {
            return;
        };
        let pool = PgPool::connect(&url).await.expect("connect");
        let text: String = sqlx::query_scalar("SELECT $1::text")
            .bind(&vector)
            .fetch_one(&pool)
            .await
            .expect("the server reads the vector");
        assert_eq!(text, "'it''s':1A,5 '政务':2B,16383");
    }

    #[test]
    fn a_documents_vector_weighs_its_fields_and_runs_positions_on() {
        let vector = TsVector::of(&[("通知", Weight::A), ("通知", Weight::D)]);
        let positions = vector
            .lexemes
            .iter()
            .find(|(lexeme, _)| lexeme == "通知")
            .map(|(_, p)| p.clone())
            .expect("the word is a lexeme");
        assert_eq!(positions.len(), 2, "{positions:?}");
        assert_eq!(positions[0] >> 14, Weight::A as u16);
        assert_eq!(positions[1] >> 14, Weight::D as u16);
        // A gap between the fields: no phrase runs from the title into the body.
        assert!((positions[1] & POSITION_BITS) > (positions[0] & POSITION_BITS) + 1);
        let sorted = vector.lexemes.windows(2).all(|w| w[0].0 < w[1].0);
        assert!(sorted, "lexemes in byte order");
    }

    #[test]
    fn literals_quote_and_weigh() {
        let mut out = String::new();
        push_quoted(&mut out, "it's\\");
        assert_eq!(out, "'it''s\\\\'");
        let parsed = ParsedQuery::parse("\"推进 政务公开\" 通知");
        assert_eq!(tsquery(&parsed), "('推进' <-> '政务公开') & '通知'");
    }
}
