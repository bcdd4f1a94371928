//! The embedded default: a tantivy index in a directory (the data directory's `search/`).
//!
//! One process owns the index (tantivy's writer lock); several server processes share the
//! PostgreSQL implementation instead. Writes are serialised by a mutex and each `apply` is one
//! tantivy commit whose payload records the revision, so the revision and the documents are
//! made durable together. Blocking work (segmentation, indexing, searching) runs on tokio's
//! blocking threads.
//!
//! Pagination is by keyset: a page collects the top `limit + 1` hits whose sort key comes after
//! the cursor (documents before it are given a key that ranks last and dropped). A deep page
//! costs what the first page costs — one pass over the matching documents, no offset — and for
//! the date order a range on 发布日期 up to the cursor's day also shrinks that pass.

use crate::query::{Clause, ParsedQuery};
use crate::segment::index_tokens;
use crate::{
    Cursor, Indexed, Page, Query, Result, Search, SearchError, Sort, day_number, make_hit,
};
use gongkai_catalogue::{Document, DocumentId};
use std::collections::HashMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query as TQuery,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer, TokenizerManager};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, SegmentReader, TantivyDocument, Term,
};

/// The name under which the jieba tokenizer is registered.
const TOKENIZER: &str = "gongkai_jieba";

use crate::FORMAT;

/// Memory of the one indexing thread (tantivy's minimum is 15 MB).
const WRITER_MEMORY: usize = 64_000_000;

/// Relative weights of the text fields: a word in the title says more about a document than a
/// word in its body (the catalogue's 信息名称 names its subject).
const TITLE_BOOST: f32 = 3.0;
const NUMBERS_BOOST: f32 = 2.0;

/// jieba as a tantivy tokenizer: the tokens of [`index_tokens`], sub-words at their word's
/// position.
#[derive(Debug, Clone, Default)]
struct JiebaTokenizer;

#[derive(Debug)]
struct JiebaStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = JiebaStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaStream {
        let mut tokens = Vec::new();
        index_tokens(text, |t| {
            tokens.push(Token {
                offset_from: t.start,
                offset_to: t.end,
                position: t.position as usize,
                text: t.text,
                position_length: 1,
            })
        });
        JiebaStream { tokens, next: 0 }
    }
}

impl TokenStream for JiebaStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        // Only called after `advance` returned true (tantivy's contract).
        &self.tokens[self.next.saturating_sub(1)]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.saturating_sub(1);
        &mut self.tokens[i]
    }
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    revision: Field,
    agency: Field,
    item: Field,
    topic: Field,
    genre: Field,
    published: Field,
    validity: Field,
    title: Field,
    numbers: Field,
    body: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(indexing);
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | FAST | STORED),
        revision: b.add_i64_field("revision", FAST),
        agency: b.add_i64_field("agency", INDEXED | FAST),
        item: b.add_text_field("item", STRING),
        topic: b.add_text_field("topic", STRING),
        genre: b.add_text_field("genre", STRING),
        published: b.add_i64_field("published", INDEXED | FAST),
        validity: b.add_text_field("validity", STRING),
        title: b.add_text_field("title", text.clone().set_stored()),
        numbers: b.add_text_field("numbers", text.clone()),
        body: b.add_text_field("body", text.set_stored()),
    };
    (b.build(), fields)
}

fn tokenizers() -> TokenizerManager {
    let manager = TokenizerManager::default();
    manager.register(TOKENIZER, JiebaTokenizer);
    manager
}

fn payload(revision: i64) -> String {
    format!("{FORMAT} revision={revision}")
}

/// The revision in a commit payload of this format; `None` for another format.
fn parse_payload(payload: Option<&str>) -> Option<i64> {
    let rest = payload?.strip_prefix(FORMAT)?.strip_prefix(" revision=")?;
    rest.parse().ok()
}

struct Inner {
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    revision: AtomicI64,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TantivySearch")
            .field("path", &self.path)
            .field("revision", &self.revision)
            .finish_non_exhaustive()
    }
}

/// A tantivy index with jieba segmentation. Cheap to clone: clones share the index.
#[derive(Debug, Clone)]
pub struct TantivySearch {
    inner: Arc<Inner>,
}

impl TantivySearch {
    /// Opens the index in `dir` (the data directory's `search/`), creating the directory and
    /// an empty index if there is none. An index of an older schema or format is emptied
    /// (revision 0), so that the caller's catch-up rebuilds it from the database. Blocking:
    /// call it before serving, or on a blocking thread. Fails when another process has the
    /// index open.
    pub fn open(dir: impl AsRef<Path>) -> Result<TantivySearch> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)
            .map_err(|e| SearchError::Index(format!("无法创建索引目录 {}：{e}", dir.display())))?;
        let (schema, fields) = schema();
        let open = |dir: &Path| -> Result<tantivy::Result<Index>> {
            let directory = MmapDirectory::open(dir).map_err(|e| {
                SearchError::Index(format!("无法打开索引目录 {}：{e}", dir.display()))
            })?;
            Ok(Index::builder()
                .schema(schema.clone())
                .tokenizers(tokenizers())
                .open_or_create(directory))
        };
        let index = match open(dir)? {
            Ok(index) => index,
            Err(
                tantivy::TantivyError::SchemaError(_) | tantivy::TantivyError::DataCorruption(_),
            ) if dir.join("meta.json").is_file() => {
                // Another schema, or a damaged index: it is derived data, rebuilt from the
                // database (revision 0).
                std::fs::remove_dir_all(dir)
                    .and_then(|()| std::fs::create_dir_all(dir))
                    .map_err(|e| {
                        SearchError::Index(format!("无法重建索引目录 {}：{e}", dir.display()))
                    })?;
                open(dir)??
            }
            Err(e) => return Err(e.into()),
        };
        Self::start(index, fields, Some(dir.to_path_buf()))
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<TantivySearch> {
        let (schema, fields) = schema();
        let index = Index::builder()
            .schema(schema)
            .tokenizers(tokenizers())
            .create_in_ram()?;
        Self::start(index, fields, None)
    }

    fn start(index: Index, fields: Fields, path: Option<PathBuf>) -> Result<TantivySearch> {
        let writer = index
            .writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => SearchError::Index(
                    "索引已被另一个进程打开（多进程部署请使用 PostgreSQL 全文检索）".into(),
                ),
                e => e.into(),
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let metas = index.load_metas()?;
        let searcher = reader.searcher();
        let revision = match parse_payload(metas.payload.as_deref()) {
            Some(revision) => revision,
            None if searcher.num_docs() == 0 => 0,
            None => {
                // Another format: empty it, the catch-up rebuilds it.
                let mut writer = writer;
                writer.delete_all_documents()?;
                let mut commit = writer.prepare_commit()?;
                commit.set_payload(&payload(0));
                commit.commit()?;
                reader.reload()?;
                return Ok(Self::wrap(fields, reader, writer, 0, path));
            }
        };
        Ok(Self::wrap(fields, reader, writer, revision, path))
    }

    fn wrap(
        fields: Fields,
        reader: IndexReader,
        writer: IndexWriter<TantivyDocument>,
        revision: i64,
        path: Option<PathBuf>,
    ) -> TantivySearch {
        TantivySearch {
            inner: Arc::new(Inner {
                fields,
                reader,
                writer: Mutex::new(writer),
                revision: AtomicI64::new(revision),
                path,
            }),
        }
    }

    /// The directory of the index (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    /// How many documents the index holds.
    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Runs `f` with the index on a blocking thread.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| SearchError::Index(format!("检索任务异常中止：{e}")))?
    }

    /// [`Search::apply`] on the calling thread (for a rebuild that is on a blocking thread
    /// already, and for the benchmark).
    pub fn apply_blocking(&self, docs: &[Document], up_to_revision: i64) -> Result<()> {
        self.inner.apply(Indexed::batch(docs), up_to_revision)
    }

    /// [`Search::search`] on the calling thread.
    pub fn search_blocking(&self, query: &Query) -> Result<Page> {
        self.inner.search(query)
    }
}

impl Inner {
    /// Runs `write` with the writer and commits with the payload of the revision that
    /// `revision` makes of the current one; on any error the uncommitted operations are rolled
    /// back, so nothing half-done is committed later. Holding the writer's lock, the reader
    /// sees the last commit.
    fn commit(
        &self,
        revision: impl FnOnce(i64) -> i64,
        write: impl FnOnce(&mut IndexWriter<TantivyDocument>) -> Result<()>,
    ) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|poisoned| {
            // A panic mid-write left operations pending: drop them.
            let mut w = poisoned.into_inner();
            let _ = w.rollback();
            w
        });
        let revision = revision(self.revision.load(Ordering::SeqCst));
        let outcome = write(&mut writer).and_then(|()| {
            let mut commit = writer.prepare_commit()?;
            commit.set_payload(&payload(revision));
            commit.commit()?;
            Ok(())
        });
        if let Err(e) = outcome {
            let _ = writer.rollback();
            return Err(e);
        }
        self.reader.reload()?;
        self.revision.store(revision, Ordering::SeqCst);
        Ok(())
    }

    fn apply(&self, batch: Vec<Indexed>, up_to_revision: i64) -> Result<()> {
        let f = self.fields;
        self.commit(
            |current| current.max(up_to_revision),
            |writer| {
                let existing = self.indexed_revisions(&batch)?;
                for d in batch {
                    if existing.get(&d.id).is_some_and(|&r| r >= d.revision) {
                        continue;
                    }
                    writer.delete_term(Term::from_field_i64(f.id, d.id));
                    let mut doc = TantivyDocument::new();
                    doc.add_i64(f.id, d.id);
                    doc.add_i64(f.revision, d.revision);
                    doc.add_i64(f.agency, d.agency);
                    if let Some(item) = &d.item {
                        doc.add_text(f.item, item);
                    }
                    doc.add_text(f.topic, &d.topic);
                    doc.add_text(f.genre, &d.genre);
                    doc.add_i64(f.published, day_number(d.published));
                    doc.add_text(f.validity, d.validity);
                    doc.add_text(f.title, &d.title);
                    doc.add_text(f.numbers, &d.numbers);
                    doc.add_text(f.body, &d.body);
                    writer.add_document(doc)?;
                }
                Ok(())
            },
        )
    }

    /// The revision indexed now of each of these documents that is in the index.
    fn indexed_revisions(&self, batch: &[Indexed]) -> Result<HashMap<i64, i64>> {
        let searcher = self.reader.searcher();
        if searcher.num_docs() == 0 || batch.is_empty() {
            return Ok(HashMap::new());
        }
        let terms = batch
            .iter()
            .map(|d| Term::from_field_i64(self.fields.id, d.id));
        let found = searcher.search(&TermSetQuery::new(terms), &DocSetCollector)?;
        let mut out = HashMap::with_capacity(found.len());
        for DocAddress {
            segment_ord,
            doc_id,
        } in found
        {
            let fast = searcher.segment_reader(segment_ord).fast_fields();
            let id = fast.i64("id")?.first(doc_id);
            let revision = fast.i64("revision")?.first(doc_id);
            if let (Some(id), Some(revision)) = (id, revision) {
                out.insert(id, revision);
            }
        }
        Ok(out)
    }

    fn remove(&self, ids: Vec<DocumentId>) -> Result<()> {
        self.commit(
            |current| current,
            |writer| {
                for id in ids {
                    writer.delete_term(Term::from_field_i64(self.fields.id, id.0));
                }
                Ok(())
            },
        )
    }

    fn clear(&self) -> Result<()> {
        self.commit(
            |_| 0,
            |writer| {
                writer.delete_all_documents()?;
                Ok(())
            },
        )
    }

    fn text_query(&self, parsed: &ParsedQuery) -> Vec<(Occur, Box<dyn TQuery>)> {
        let f = self.fields;
        let weighted = [
            (f.title, TITLE_BOOST),
            (f.numbers, NUMBERS_BOOST),
            (f.body, 1.0),
        ];
        parsed
            .clauses
            .iter()
            .map(|clause| {
                let per_field: Vec<(Occur, Box<dyn TQuery>)> = weighted
                    .iter()
                    .map(|&(field, boost)| {
                        let q: Box<dyn TQuery> = match clause {
                            Clause::Term(t) => Box::new(TermQuery::new(
                                Term::from_field_text(field, t),
                                IndexRecordOption::WithFreqs,
                            )),
                            Clause::Phrase(words) => Box::new(PhraseQuery::new(
                                words
                                    .iter()
                                    .map(|w| Term::from_field_text(field, w))
                                    .collect(),
                            )),
                        };
                        let q: Box<dyn TQuery> = if boost == 1.0 {
                            q
                        } else {
                            Box::new(BoostQuery::new(q, boost))
                        };
                        (Occur::Should, q)
                    })
                    .collect();
                let q: Box<dyn TQuery> = Box::new(BooleanQuery::new(per_field));
                (Occur::Must, q)
            })
            .collect()
    }

    fn filters(&self, query: &Query) -> Vec<Box<dyn TQuery>> {
        let f = self.fields;
        let mut out: Vec<Box<dyn TQuery>> = Vec::new();
        if let Some(agencies) = &query.agencies {
            out.push(Box::new(TermSetQuery::new(
                agencies.iter().map(|a| Term::from_field_i64(f.agency, a.0)),
            )));
        }
        let exact = |field: Field, value: &str| -> Box<dyn TQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(item) = &query.item {
            out.push(exact(f.item, &crate::item_key(item)));
        }
        if let Some(topic) = &query.topic {
            out.push(exact(f.topic, topic));
        }
        if let Some(genre) = &query.genre {
            out.push(exact(f.genre, genre));
        }
        if let Some(validity) = query.validity {
            out.push(exact(f.validity, validity.key()));
        }
        if let Some((first, last)) = query.date_range() {
            out.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.published, day_number(first))),
                Bound::Included(Term::from_field_i64(f.published, day_number(last))),
            )));
        }
        out
    }

    fn search(&self, query: &Query) -> Result<Page> {
        query.check()?;
        let parsed = ParsedQuery::parse(&query.text);
        let sort = query.effective_sort(&parsed);
        let f = self.fields;
        let mut clauses = self.text_query(&parsed);
        if clauses.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        for filter in self.filters(query) {
            // Filters select; they must not add to the score.
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        let cursor_query = |clauses: &mut Vec<(Occur, Box<dyn TQuery>)>, day: i64| {
            // Nothing after the cursor's day can come after it in date order.
            let range = RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.published, day)),
            );
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(range), 0.0)),
            ));
        };
        let searcher = self.reader.searcher();
        let wanted = query.limit + 1;
        // (score, id, sort key for the next cursor)
        let (total, mut hits): (usize, Vec<(f32, DocAddress, Cursor)>) = match sort {
            Sort::Relevance => {
                let after = match query.after {
                    None => None,
                    Some(Cursor::Relevance { score, id }) => Some((score, -id)),
                    Some(Cursor::Newest { .. }) => return Err(SearchError::CursorSortMismatch),
                };
                let q = BooleanQuery::new(clauses);
                let top =
                    TopDocs::with_limit(wanted).tweak_score(move |segment: &SegmentReader| {
                        let ids = id_column(segment);
                        move |doc, score: f32| {
                            let Some(id) = ids.as_ref().and_then(|c| c.first(doc)) else {
                                return (f32::NEG_INFINITY, i64::MIN);
                            };
                            let key = (score, -id);
                            match after {
                                Some(after) if key >= after => (f32::NEG_INFINITY, i64::MIN),
                                _ => key,
                            }
                        }
                    });
                let (total, top) = searcher.search(&q, &(Count, top))?;
                let hits = top
                    .into_iter()
                    .filter(|((score, _), _)| score.is_finite())
                    .map(|((score, neg_id), addr)| {
                        (score, addr, Cursor::Relevance { score, id: -neg_id })
                    })
                    .collect();
                (total, hits)
            }
            Sort::Newest => {
                let after = match query.after {
                    None => None,
                    Some(Cursor::Newest { day, id }) => Some((day, id)),
                    Some(Cursor::Relevance { .. }) => return Err(SearchError::CursorSortMismatch),
                };
                // The total counts every page, so it is taken without the cursor's range.
                let total = searcher.search(&BooleanQuery::new(clauses_clone(&clauses)), &Count)?;
                if let Some((day, _)) = after {
                    cursor_query(&mut clauses, day);
                }
                let q = BooleanQuery::new(clauses);
                let top =
                    TopDocs::with_limit(wanted).tweak_score(move |segment: &SegmentReader| {
                        let ids = id_column(segment);
                        let days = segment.fast_fields().i64("published").ok();
                        move |doc, _score: f32| {
                            let id = ids.as_ref().and_then(|c| c.first(doc));
                            let day = days.as_ref().and_then(|c| c.first(doc));
                            let (Some(id), Some(day)) = (id, day) else {
                                return (i64::MIN, i64::MIN);
                            };
                            match after {
                                Some(after) if (day, id) >= after => (i64::MIN, i64::MIN),
                                _ => (day, id),
                            }
                        }
                    });
                let top = searcher.search(&q, &top)?;
                let hits = top
                    .into_iter()
                    .filter(|((day, id), _)| (*day, *id) != (i64::MIN, i64::MIN))
                    .map(|((day, id), addr)| (0.0, addr, Cursor::Newest { day, id }))
                    .collect();
                (total, hits)
            }
        };
        let next = if hits.len() > query.limit {
            hits.truncate(query.limit);
            hits.last().map(|(_, _, c)| *c)
        } else {
            None
        };
        let needles = parsed.needles();
        let mut out = Vec::with_capacity(hits.len());
        for (score, addr, cursor) in hits {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
            let id = match cursor {
                Cursor::Relevance { id, .. } | Cursor::Newest { id, .. } => id,
            };
            out.push(make_hit(id, score, text(f.title), text(f.body), &needles));
        }
        Ok(Page {
            hits: out,
            total: total as u64,
            total_exact: true,
            next,
        })
    }
}

fn id_column(segment: &SegmentReader) -> Option<tantivy::columnar::Column<i64>> {
    segment.fast_fields().i64("id").ok()
}

fn clauses_clone(clauses: &[(Occur, Box<dyn TQuery>)]) -> Vec<(Occur, Box<dyn TQuery>)> {
    clauses.iter().map(|(o, q)| (*o, q.box_clone())).collect()
}

impl Search for TantivySearch {
    async fn revision(&self) -> Result<i64> {
        Ok(self.inner.revision.load(Ordering::SeqCst))
    }

    async fn apply(&self, docs: &[Document], up_to_revision: i64) -> Result<()> {
        let batch = Indexed::batch(docs);
        self.blocking(move |inner| inner.apply(batch, up_to_revision))
            .await
    }

    async fn remove(&self, ids: &[DocumentId]) -> Result<()> {
        let ids = ids.to_vec();
        self.blocking(move |inner| inner.remove(ids)).await
    }

    async fn clear(&self) -> Result<()> {
        self.blocking(Inner::clear).await
    }

    async fn search(&self, query: &Query) -> Result<Page> {
        let query = query.clone();
        self.blocking(move |inner| inner.search(&query)).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn payload_round_trips_and_other_formats_are_unknown() {
        assert_eq!(parse_payload(Some(&payload(42))), Some(42));
        assert_eq!(parse_payload(Some("gongkai-search/0 revision=42")), None);
        assert_eq!(parse_payload(None), None);
    }

    /// An index of another schema (an older version of this crate) is emptied on open, so the
    /// catch-up from revision 0 rebuilds it.
    #[test]
    fn an_index_of_another_schema_is_rebuilt_empty() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut b = Schema::builder();
            let title = b.add_text_field("title", tantivy::schema::TEXT);
            let index = Index::create_in_dir(dir.path(), b.build()).unwrap();
            let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
            let mut doc = TantivyDocument::new();
            doc.add_text(title, "old");
            writer.add_document(doc).unwrap();
            let mut commit = writer.prepare_commit().unwrap();
            commit.set_payload("gongkai-search/0 revision=99");
            commit.commit().unwrap();
        }
        let s = TantivySearch::open(dir.path()).unwrap();
        assert_eq!(s.num_docs(), 0);
        assert_eq!(s.inner.revision.load(Ordering::SeqCst), 0);
    }

    /// The same schema with another format in the payload (segmentation changed) is emptied.
    #[test]
    fn an_index_of_another_format_is_emptied() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = TantivySearch::open(dir.path()).unwrap();
            s.apply_blocking(&crate::corpus::Corpus::documents(1, 3), 3)
                .unwrap();
            s.inner.commit(|r| r, |_| Ok(())).unwrap();
            let mut writer = s.inner.writer.lock().unwrap();
            let mut commit = writer.prepare_commit().unwrap();
            commit.set_payload("gongkai-search/0 revision=3");
            commit.commit().unwrap();
        }
        let s = TantivySearch::open(dir.path()).unwrap();
        assert_eq!(s.num_docs(), 0);
        assert_eq!(s.inner.revision.load(Ordering::SeqCst), 0);
    }
}
