//! Chinese full-text search of the disclosure catalogue (政府信息公开目录, 第二十条–第二十六条).
//!
//! One [`Search`] trait, two implementations: [`TantivySearch`], a tantivy index in a directory
//! (the data directory's `search/`), the embedded default; and `PgSearch` (feature `postgres`),
//! a `tsvector` table in PostgreSQL for deployments with several server processes. Both cut
//! Chinese with the same jieba segmentation ([`segment`]), parse queries the same way
//! ([`ParsedQuery`]) and make snippets with the same function ([`snippet()`]);
//! `conformance` (feature `conformance`) is the one suite both pass.
//!
//! # Consistency with the database
//!
//! The database is the truth; an index is derived from it and can be rebuilt at any time. An
//! index records the highest document revision it has applied ([`Search::revision`]),
//! atomically with the documents ([`Search::apply`]): the services layer feeds it the stored
//! documents changed since then, on start and after each write. So after a crash nothing stored
//! stays unsearchable, and nothing that was not stored is in the index (it is only ever fed
//! stored documents). A document older than the version already indexed is ignored, so that
//! two writers catching up at once cannot put an old version back.
#![forbid(unsafe_code)]

mod any;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod corpus;
mod cursor;
mod error;
#[cfg(feature = "postgres")]
mod pg;
pub mod query;
pub mod segment;
pub mod snippet;
mod tantivy_index;

pub use any::AnySearch;
pub use cursor::Cursor;
pub use error::SearchError;
#[cfg(feature = "postgres")]
pub use pg::{COUNT_CAP as PG_COUNT_CAP, PgSearch};
pub use query::{Clause, ParsedQuery};
pub use segment::segment;
pub use snippet::{SNIPPET_CHARS, Snippet, snippet};
pub use tantivy_index::TantivySearch;

use chrono::{Datelike, NaiveDate};
use gongkai_cases::AgencyId;
use gongkai_catalogue::{Document, DocumentId, Item, Validity};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// Shorthand for the results of this crate.
pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// The format of an index beyond its schema (segmentation, dictionary, field contents), kept
/// with the index by both backends. Changing how text is cut changes no schema but makes an old
/// index wrong: bump this, and an index of another format is emptied on open, to be rebuilt from
/// the database (revision 0).
// 2: a long word is also indexed as every shorter dictionary word inside it.
pub(crate) const FORMAT: &str = "gongkai-search/3";

/// The most hits one page may ask for.
pub const MAX_LIMIT: usize = 1000;

/// A full-text index of catalogue documents.
///
/// Futures are `Send`, so that a multi-threaded server can hold an index in its state.
pub trait Search: Send + Sync {
    /// The highest document revision applied; 0 for an empty index.
    fn revision(&self) -> impl Future<Output = Result<i64>> + Send;

    /// Adds or replaces (by id) these stored documents and records that every revision up to
    /// `up_to_revision` is applied, in one commit: after a crash either all of it is in the
    /// index or none of it. The recorded revision never goes down. A document whose indexed
    /// version has a higher revision is left as it is.
    fn apply(
        &self,
        docs: &[Document],
        up_to_revision: i64,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Takes these documents out of the index (the revision stays).
    fn remove(&self, ids: &[DocumentId]) -> impl Future<Output = Result<()>> + Send;

    /// Empties the index; its revision becomes 0 (a rebuild starts here).
    fn clear(&self) -> impl Future<Output = Result<()>> + Send;

    /// One page of the documents that match `query`.
    fn search(&self, query: &Query) -> impl Future<Output = Result<Page>> + Send;
}

/// 有效性 without its dates: what a search filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidityKind {
    /// 有效.
    InForce,
    /// 失效.
    Expired,
    /// 废止.
    Repealed,
}

impl ValidityKind {
    pub fn of(validity: &Validity) -> ValidityKind {
        match validity {
            Validity::InForce => ValidityKind::InForce,
            Validity::Expired { .. } => ValidityKind::Expired,
            Validity::Repealed { .. } => ValidityKind::Repealed,
        }
    }

    /// The key stored in an index.
    pub fn key(self) -> &'static str {
        match self {
            ValidityKind::InForce => "in_force",
            ValidityKind::Expired => "expired",
            ValidityKind::Repealed => "repealed",
        }
    }
}

/// The key under which an index stores a document's 第二十条 / 第二十一条 item.
pub fn item_key(item: &Item) -> String {
    match item {
        Item::Article20(n) => format!("a20:{n}"),
        Item::Article21(name) => format!("a21:{name}"),
    }
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (title words weigh more than body words); ties by id, ascending. A
    /// query without words is listed by date instead.
    #[default]
    Relevance,
    /// Latest 发布日期 first; within a day, the highest id first.
    Newest,
}

/// A search: words and filters, order, page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Query {
    /// Words and `"quoted phrases"`, all required (see [`ParsedQuery`]). Empty: every document
    /// that passes the filters, newest first.
    pub text: String,
    /// Only documents of these agencies (already expanded to a subtree by the caller).
    pub agencies: Option<Vec<AgencyId>>,
    pub item: Option<Item>,
    /// 主题分类, exactly.
    pub topic: Option<String>,
    /// 体裁, exactly.
    pub genre: Option<String>,
    /// 发布日期 in these years, inclusive.
    pub years: Option<(i32, i32)>,
    pub validity: Option<ValidityKind>,
    pub sort: Sort,
    /// Hits per page, 1 to [`MAX_LIMIT`].
    pub limit: usize,
    /// Where the previous page ended ([`Page::next`]).
    pub after: Option<Cursor>,
}

impl Query {
    /// A query for `text` without filters, by relevance, 20 hits a page.
    pub fn new(text: impl Into<String>) -> Query {
        Query {
            text: text.into(),
            agencies: None,
            item: None,
            topic: None,
            genre: None,
            years: None,
            validity: None,
            sort: Sort::Relevance,
            limit: 20,
            after: None,
        }
    }

    /// The order actually used: a query without words has no relevance and is listed by date.
    pub fn effective_sort(&self, parsed: &ParsedQuery) -> Sort {
        if parsed.is_empty() {
            Sort::Newest
        } else {
            self.sort
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(SearchError::InvalidLimit { max: MAX_LIMIT });
        }
        Ok(())
    }

    /// The first and last day of the year range, if any. An inverted range matches nothing.
    pub(crate) fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let (from, to) = self.years?;
        let first = NaiveDate::from_ymd_opt(from, 1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(to, 12, 31).unwrap_or(NaiveDate::MAX);
        Some((first, last))
    }
}

/// One page of hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub hits: Vec<Hit>,
    /// How many documents match in all (every page), exactly when `total_exact`; otherwise an
    /// estimate ("about"): PostgreSQL counts up to [`PG_COUNT_CAP`] matches and beyond gives an
    /// estimate from the planner's statistics. tantivy counts exactly.
    pub total: u64,
    pub total_exact: bool,
    /// The cursor of the next page; `None` on the last page.
    pub next: Option<Cursor>,
}

/// A matching document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: DocumentId,
    /// The relevance score (backend-specific scale; 0 when listed by date).
    pub score: f32,
    /// The whole title, with the query's words highlighted.
    pub title: Snippet,
    /// About [`SNIPPET_CHARS`] characters of the body around the query's words.
    pub snippet: Snippet,
}

/// What an index keeps of a document: the filter fields and the text.
#[derive(Debug, Clone)]
pub(crate) struct Indexed {
    pub id: i64,
    pub revision: i64,
    pub agency: i64,
    pub item: Option<String>,
    pub topic: String,
    pub genre: String,
    pub published: NaiveDate,
    pub validity: &'static str,
    pub title: String,
    /// 文号 (as written and normalised) and 索引号, searchable.
    pub numbers: String,
    pub body: String,
}

impl Indexed {
    pub fn of(doc: &Document) -> Indexed {
        let d = &doc.data;
        let mut numbers = d.index_number.raw.clone();
        if let Some(n) = &d.doc_number {
            numbers.push(' ');
            numbers.push_str(&n.raw);
            if n.normalised != n.raw {
                numbers.push(' ');
                numbers.push_str(&n.normalised);
            }
        }
        Indexed {
            id: doc.id.0,
            revision: doc.revision,
            agency: d.agency.0,
            item: d.item.as_ref().map(item_key),
            topic: d.topic.clone(),
            genre: d.genre.clone(),
            published: d.published,
            validity: ValidityKind::of(&d.validity).key(),
            title: d.title.clone(),
            numbers,
            body: d.body_text.clone(),
        }
    }

    /// The documents to apply: one per id, its highest revision.
    pub fn batch(docs: &[Document]) -> Vec<Indexed> {
        let mut latest: std::collections::HashMap<i64, &Document> = Default::default();
        for doc in docs {
            let entry = latest.entry(doc.id.0).or_insert(doc);
            if doc.revision > entry.revision {
                *entry = doc;
            }
        }
        let mut out: Vec<Indexed> = latest.into_values().map(Indexed::of).collect();
        out.sort_by_key(|d| d.id);
        out
    }
}

/// Days since 0001-01-01 (CE), the integer form of a date in the tantivy index and cursors.
pub(crate) fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// The title and body snippets of a hit (the one function both backends use).
pub(crate) fn make_hit(id: i64, score: f32, title: &str, body: &str, needles: &[String]) -> Hit {
    Hit {
        id: DocumentId(id),
        score,
        title: snippet(title, needles, usize::MAX),
        snippet: snippet(body, needles, SNIPPET_CHARS),
    }
}
