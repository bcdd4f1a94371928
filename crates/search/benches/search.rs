//! Indexing throughput and search latency of the tantivy index on the realistic corpus
//! (`gongkai_search::corpus`). The index is built once with `GONGKAI_BENCH_DOCS` documents
//! (default 10,000); `examples/search_load.rs` prints p50/p99 over 1,000 queries and the
//! PostgreSQL figures. Indexing is measured per 1,000 documents on one indexing thread, with
//! its commit; segmentation alone is measured beside it as the baseline it is bounded by.
#![allow(clippy::unwrap_used)]

use divan::{Bencher, black_box};
use gongkai_cases::AgencyId;
use gongkai_search::corpus::Corpus;
use gongkai_search::segment::index_tokens;
use gongkai_search::{Query, Sort, TantivySearch, ValidityKind};
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn docs() -> usize {
    std::env::var("GONGKAI_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// The index of the search benchmarks, built once.
fn index() -> &'static TantivySearch {
    static INDEX: OnceLock<TantivySearch> = OnceLock::new();
    INDEX.get_or_init(|| {
        let s = TantivySearch::in_memory().unwrap();
        let docs = Corpus::documents(1, docs());
        for chunk in docs.chunks(10_000) {
            s.apply_blocking(chunk, chunk.last().unwrap().revision)
                .unwrap();
        }
        s
    })
}

/// Segmenting 1,000 documents: the part of indexing that is jieba's.
#[divan::bench(sample_count = 10)]
fn segment_1000_docs(bencher: Bencher) {
    let docs = Corpus::documents(2, 1_000);
    bencher
        .counter(divan::counter::ItemsCount::new(1_000usize))
        .bench(|| {
            let mut n = 0usize;
            for d in &docs {
                index_tokens(&d.data.title, |_| n += 1);
                index_tokens(&d.data.body_text, |_| n += 1);
            }
            black_box(n)
        });
}

/// Indexing 1,000 documents with their commit (one indexing thread).
#[divan::bench(sample_count = 10)]
fn index_1000_docs(bencher: Bencher) {
    let docs = Corpus::documents(3, 1_000);
    bencher
        .counter(divan::counter::ItemsCount::new(1_000usize))
        .with_inputs(|| TantivySearch::in_memory().unwrap())
        .bench_values(|s| s.apply_blocking(&docs, 1_000).unwrap());
}

fn search(q: &Query) -> usize {
    index().search_blocking(q).unwrap().hits.len()
}

#[divan::bench]
fn one_word(bencher: Bencher) {
    let q = Query::new("政务公开");
    index();
    bencher.bench(|| search(black_box(&q)));
}

#[divan::bench]
fn three_words_filtered(bencher: Bencher) {
    let q = Query {
        agencies: Some(vec![AgencyId(1), AgencyId(2), AgencyId(5)]),
        validity: Some(ValidityKind::InForce),
        years: Some((2018, 2024)),
        ..Query::new("安全生产 责任制 通知")
    };
    index();
    bencher.bench(|| search(black_box(&q)));
}

#[divan::bench]
fn phrase(bencher: Bencher) {
    let q = Query::new("\"优化营商环境\"");
    index();
    bencher.bench(|| search(black_box(&q)));
}

#[divan::bench]
fn newest_by_filter_only(bencher: Bencher) {
    let q = Query {
        sort: Sort::Newest,
        genre: Some("通知".into()),
        ..Query::new("")
    };
    index();
    bencher.bench(|| search(black_box(&q)));
}

/// Page 50 of a common word: with the keyset cursor it costs what page 1 costs.
#[divan::bench(args = [1, 50])]
fn common_word_page(bencher: Bencher, page: usize) {
    let mut q = Query::new("通知");
    index();
    for _ in 1..page {
        q.after = index().search_blocking(&q).unwrap().next;
    }
    bencher.bench(|| search(black_box(&q)));
}
