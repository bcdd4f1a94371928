//! Load figures of the full-text search: builds a corpus of N documents (env
//! `GONGKAI_BENCH_DOCS`, default 10,000), indexes it and prints documents/s, index size on disk,
//! memory, and search latency p50/p99 over 1,000 one- to three-word queries with filters — for
//! the tantivy index and, when `GONGKAI_TEST_POSTGRES_URL` is set, for PostgreSQL (in a schema
//! of its own, dropped afterwards).
//!
//! ```sh
//! GONGKAI_BENCH_DOCS=100000 cargo run --release -p gongkai-search --example search_load
//! ```
//!
//! `GONGKAI_BENCH_ENGINES=postgres|tantivy` measures one engine; `GONGKAI_BENCH_KEEP=1` keeps
//! the PostgreSQL schema and `GONGKAI_BENCH_SCHEMA=name` searches a kept one again without
//! loading; `GONGKAI_BENCH_SLOW=N` runs the N slowest queries again (default 5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// The allocator the CLI indexes with (`gongkai catalogue reindex`): segmentation makes and
/// frees a string per word.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use gongkai_cases::AgencyId;
use gongkai_catalogue::Document;
use gongkai_search::corpus::{AGENCIES, Corpus, GENRES, QUERY_WORDS as WORDS};
use gongkai_search::{PgSearch, Query, Search, Sort, TantivySearch, ValidityKind};
use std::time::{Duration, Instant};

const QUERIES: usize = 1_000;
const BATCH: usize = 10_000;

/// A tiny deterministic generator for the queries.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn queries(n: usize) -> Vec<Query> {
    let mut r = Rng(0x5eed);
    (0..n)
        .map(|_| {
            let words: Vec<&str> = (0..1 + r.below(3))
                .map(|_| WORDS[r.below(WORDS.len())])
                .collect();
            let mut q = Query::new(words.join(" "));
            match r.below(5) {
                0 => {}
                1 => {
                    q.agencies = Some(
                        (0..1 + r.below(4))
                            .map(|_| AgencyId(1 + r.below(AGENCIES.len()) as i64))
                            .collect(),
                    )
                }
                2 => {
                    let y = 2015 + r.below(10) as i32;
                    q.years = Some((y, y + r.below(3) as i32));
                }
                3 => q.validity = Some(ValidityKind::InForce),
                _ => q.genre = Some(GENRES[r.below(GENRES.len())].to_string()),
            }
            if r.below(4) == 0 {
                q.sort = Sort::Newest;
            }
            q
        })
        .collect()
}

/// The corpus in batches, generated as needed (a million documents do not fit in memory).
fn batches(n: usize, size: usize) -> impl Iterator<Item = Vec<Document>> {
    let mut corpus = Corpus::new(1);
    let mut left = n;
    std::iter::from_fn(move || {
        let take = left.min(size);
        left -= take;
        (take > 0).then(|| (0..take).map(|_| corpus.document()).collect())
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut times: Vec<Duration>, hits: u64) {
    times.sort();
    println!(
        "{name}: {} queries, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} hits in all)",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        hits
    );
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| {
                    let m = e.metadata().unwrap();
                    if m.is_dir() {
                        dir_size(&e.path())
                    } else {
                        m.len()
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deep pages cost what the first costs: the time of page 1 and page 50 of a common word.
fn deep_page_tantivy(s: &TantivySearch) {
    let mut q = Query {
        limit: 20,
        ..Query::new("通知")
    };
    let mut times = Vec::new();
    for page in 1..=50 {
        let t = Instant::now();
        let p = s.search_blocking(&q).unwrap();
        if page == 1 || page == 50 {
            times.push((page, t.elapsed()));
        }
        match p.next {
            Some(c) => q.after = Some(c),
            None => break,
        }
    }
    for (page, t) in times {
        println!(
            "tantivy: page {page} of 通知 by relevance: {:.2} ms",
            t.as_secs_f64() * 1e3
        );
    }
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("GONGKAI_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let t = Instant::now();
    let mut chars = 0usize;
    for batch in batches(n, BATCH) {
        chars += batch
            .iter()
            .map(|d| d.data.body_text.chars().count() + d.data.title.chars().count())
            .sum::<usize>();
    }
    println!(
        "corpus: {n} documents, {:.0} characters on average, made in {:.1} s (made again below, \
         batch by batch, not kept in memory; that time is counted in the indexing rates)",
        chars as f64 / n as f64,
        t.elapsed().as_secs_f64()
    );
    let qs = queries(QUERIES);

    let engines = std::env::var("GONGKAI_BENCH_ENGINES").unwrap_or_default();
    if engines.is_empty() || engines.contains("tantivy") {
        bench_tantivy(n, &qs);
    }
    if engines.is_empty() || engines.contains("postgres") {
        bench_postgres(n, &qs).await;
    }
}

fn bench_tantivy(n: usize, qs: &[Query]) {
    // tantivy
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let s = TantivySearch::open(&path).unwrap();
    let t = Instant::now();
    for chunk in batches(n, BATCH) {
        let top = chunk.last().map(|d| d.revision).unwrap_or(0);
        s.apply_blocking(&chunk, top).unwrap();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "tantivy: indexed {n} documents in {secs:.1} s: {:.0} documents/s (one indexing thread, a commit every {BATCH})",
        n as f64 / secs
    );
    println!(
        "tantivy: index size on disk {:.1} MB; memory {}",
        dir_size(&path) as f64 / 1e6,
        memory()
    );
    // Warm up the page cache and the dictionary as a running server would be.
    for q in qs.iter().take(50) {
        s.search_blocking(q).unwrap();
    }
    let mut times = Vec::with_capacity(qs.len());
    let mut hits = 0;
    for q in qs {
        let t = Instant::now();
        let page = s.search_blocking(q).unwrap();
        times.push(t.elapsed());
        hits += page.hits.len() as u64;
    }
    report("tantivy", times, hits);
    deep_page_tantivy(&s);
    drop(s);
}

async fn bench_postgres(n: usize, qs: &[Query]) {
    let url = match std::env::var("GONGKAI_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            println!("postgres: skipped (GONGKAI_TEST_POSTGRES_URL not set)");
            return;
        }
    };
    // A schema kept by an earlier run (`GONGKAI_BENCH_KEEP`) is searched again without loading.
    let reuse = std::env::var("GONGKAI_BENCH_SCHEMA").ok();
    let schema = reuse
        .clone()
        .unwrap_or_else(|| format!("search_load_{}", std::process::id()));
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    if reuse.is_none() {
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
    }
    let pg = PgSearch::connect(&url, Some(&schema)).await.unwrap();
    if reuse.is_none() {
        let t = Instant::now();
        for chunk in batches(n, 1_000) {
            let top = chunk.last().map(|d| d.revision).unwrap_or(0);
            pg.apply(&chunk, top).await.unwrap();
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "postgres: indexed {n} documents in {secs:.1} s: {:.0} documents/s",
            n as f64 / secs
        );
    }
    sqlx::query(&format!("VACUUM ANALYZE {schema}.catalogue_search"))
        .execute(&admin)
        .await
        .unwrap();
    let size: i64 = sqlx::query_scalar(&format!(
        "SELECT pg_total_relation_size('{schema}.catalogue_search')"
    ))
    .fetch_one(&admin)
    .await
    .unwrap();
    println!("postgres: table with indexes {:.1} MB", size as f64 / 1e6);
    for q in qs.iter().take(50) {
        pg.search(q).await.unwrap();
    }
    let mut times = Vec::with_capacity(qs.len());
    let mut hits = 0;
    let mut slowest: Vec<(Duration, &Query)> = Vec::new();
    for q in qs {
        let t = Instant::now();
        let page = pg.search(q).await.unwrap();
        times.push(t.elapsed());
        slowest.push((t.elapsed(), q));
        hits += page.hits.len() as u64;
    }
    report("postgres", times, hits);
    slowest.sort_by_key(|e| std::cmp::Reverse(e.0));
    // The slowest queries again, each its fastest of three: slow by its own cost, or only by
    // the moment it ran (a cold page, another process)?
    let again = std::env::var("GONGKAI_BENCH_SLOW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    for (t, q) in slowest.iter().take(again) {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            pg.search(q).await.unwrap();
            best = best.min(t.elapsed());
        }
        println!(
            "postgres: slow: {:.1} ms (again: {:.1} ms) {:?} {:?} agencies={:?} years={:?} validity={:?} genre={:?}",
            t.as_secs_f64() * 1e3,
            best.as_secs_f64() * 1e3,
            q.text,
            q.sort,
            q.agencies,
            q.years,
            q.validity,
            q.genre
        );
    }
    pg.pool().close().await;
    if reuse.is_some() || std::env::var("GONGKAI_BENCH_KEEP").is_ok() {
        println!("postgres: schema {schema} kept");
        return;
    }
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&admin)
        .await
        .unwrap();
}
