//! The one suite every [`Search`] implementation passes. Each function takes an empty index
//! (it clears it first all the same) and panics on a failure; a backend's test file calls each
//! on a fresh index (see `tests/conformance.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::corpus::Corpus;
use crate::{Cursor, Hit, Page, Query, Search, SearchError, Snippet, Sort, ValidityKind, segment};
use chrono::{Datelike, NaiveDate};
use gongkai_cases::AgencyId;
use gongkai_catalogue::{Document, DocumentId, Item, Validity};
use std::collections::{BTreeSet, HashMap};

/// The title of the segmentation example (a real title of 盐湖区).
pub const YANHU_TITLE: &str = "关于印发《盐湖区全面推进基层政务公开标准化规范化工作方案》的通知";

const CORPUS_SIZE: usize = 300;

/// Documents planted among the corpus: real titles, with ids above the corpus's.
pub fn planted() -> Vec<Document> {
    let titles = [
        YANHU_TITLE,
        "运城市人民政府办公室关于进一步优化营商环境的若干措施",
        "盐湖区关于做好2024年度城乡居民基本医疗保险参保缴费工作的通知",
        "关于废止《盐湖区农村危房改造补助资金管理暂行办法》的决定",
        "盐湖区应急管理局关于开展森林防火专项检查的通告",
        "关于公布盐湖区行政规范性文件清理结果的公告",
        "解州镇人民政府关于关帝庙周边环境综合整治的实施意见",
        "盐湖区住房和城乡建设管理局老旧小区改造项目征收补偿方案",
    ];
    let mut corpus = Corpus::new(99);
    titles
        .iter()
        .enumerate()
        .map(|(i, title)| {
            let mut d = corpus.document();
            d.id = DocumentId(100_000 + i as i64);
            d.revision = 100_000 + i as i64;
            d.data.title = title.to_string();
            d
        })
        .collect()
}

/// The corpus of the suite: [`CORPUS_SIZE`] generated documents and the [`planted`] ones.
pub fn documents() -> Vec<Document> {
    let mut docs = Corpus::documents(11, CORPUS_SIZE);
    docs.extend(planted());
    docs
}

async fn load<S: Search>(s: &S, docs: &[Document]) {
    s.clear().await.unwrap();
    let top = docs.iter().map(|d| d.revision).max().unwrap_or(0);
    // In two batches, as a catch-up after a restart would.
    let (a, b) = docs.split_at(docs.len() / 2);
    s.apply(a, top / 2).await.unwrap();
    s.apply(b, top).await.unwrap();
}

fn ids(page: &Page) -> Vec<i64> {
    page.hits.iter().map(|h| h.id.0).collect()
}

/// Every hit of `query`, following the cursor page by page.
pub async fn walk<S: Search>(s: &S, query: &Query) -> Vec<Hit> {
    let mut query = query.clone();
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let page = s.search(&query).await.unwrap();
        out.extend(page.hits);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return out,
        }
    }
    panic!("pagination does not end");
}

fn all(text: &str) -> Query {
    Query {
        limit: crate::MAX_LIMIT,
        ..Query::new(text)
    }
}

fn check_snippet(s: &Snippet, needles: &[String]) {
    let mut end = 0;
    for r in &s.highlights {
        assert!(
            r.start < r.end && r.end <= s.text.len(),
            "{r:?} outside {:?}",
            s.text
        );
        assert!(r.start >= end, "overlapping highlights in {:?}", s.text);
        assert!(s.text.is_char_boundary(r.start) && s.text.is_char_boundary(r.end));
        let marked = s.text[r.clone()].to_ascii_lowercase();
        assert!(
            needles
                .iter()
                .any(|n| marked.contains(&n.to_ascii_lowercase())),
            "{marked:?} is no query word of {needles:?}"
        );
        end = r.end;
    }
}

/// Every planted document is found by each word of its title (and the example by
/// 政务公开, 标准化, 规范化 and 工作方案), with highlights inside the text on a query word.
pub async fn recall<S: Search>(s: &S) {
    let docs = documents();
    load(s, &docs).await;
    for doc in planted() {
        let words: Vec<String> = segment(&doc.data.title)
            .into_iter()
            .filter(|w| w.chars().count() >= 2)
            .collect();
        assert!(!words.is_empty());
        for word in &words {
            let page = s.search(&all(word)).await.unwrap();
            assert!(
                ids(&page).contains(&doc.id.0),
                "{} not found by {word}",
                doc.data.title
            );
            let hit = page.hits.iter().find(|h| h.id == doc.id).unwrap();
            assert_eq!(hit.title.text, doc.data.title);
            assert!(!hit.title.highlights.is_empty(), "{word} not highlighted");
            check_snippet(&hit.title, std::slice::from_ref(word));
            check_snippet(&hit.snippet, std::slice::from_ref(word));
        }
        // All of them at once, too.
        let page = s.search(&all(&words.join(" "))).await.unwrap();
        assert!(ids(&page).contains(&doc.id.0), "{words:?}");
    }
    let yanhu = planted()[0].id.0;
    for word in [
        "政务公开",
        "标准化",
        "规范化",
        "工作方案",
        "\"标准化规范化\"",
    ] {
        let page = s.search(&all(word)).await.unwrap();
        assert!(
            ids(&page).contains(&yanhu),
            "{YANHU_TITLE} not found by {word}"
        );
    }
    // A phrase in the wrong order is not the phrase.
    let page = s.search(&all("\"规范化标准化\"")).await.unwrap();
    assert!(!ids(&page).contains(&yanhu));
    // A word of no document finds nothing.
    let page = s.search(&all("量子纠缠")).await.unwrap();
    assert_eq!(page.total, 0);
    assert!(page.hits.is_empty() && page.next.is_none());
    // The body is searched, 文号 too.
    let doc = &docs[3];
    let page = s.search(&all("最多跑一次")).await.unwrap();
    let expected = docs
        .iter()
        .filter(|d| d.data.body_text.contains("最多跑一次"))
        .count();
    assert_eq!(page.total as usize, expected);
    if let Some(number) = &doc.data.doc_number {
        let page = s.search(&all(&number.raw)).await.unwrap();
        assert!(
            ids(&page).contains(&doc.id.0),
            "not found by {}",
            number.raw
        );
    }
    // Title words weigh more than body words: a document with the word in its title ranks
    // above one with it only in the body.
    let page = s.search(&all("森林防火")).await.unwrap();
    let first = &docs
        .iter()
        .find(|d| d.id == page.hits[0].id)
        .unwrap()
        .data
        .title;
    assert!(first.contains("森林防火"), "first hit: {first}");
}

fn passes(doc: &Document, q: &Query) -> bool {
    let d = &doc.data;
    q.agencies.as_ref().is_none_or(|a| a.contains(&d.agency))
        && q.item.as_ref().is_none_or(|i| d.item.as_ref() == Some(i))
        && q.topic.as_ref().is_none_or(|t| &d.topic == t)
        && q.genre.as_ref().is_none_or(|g| &d.genre == g)
        && q.years
            .is_none_or(|(a, b)| (a..=b).contains(&d.published.year()))
        && q.validity
            .is_none_or(|v| ValidityKind::of(&d.validity) == v)
}

/// No document outside the filters; without words, exactly the documents inside them.
pub async fn filters<S: Search>(s: &S) {
    let docs = documents();
    load(s, &docs).await;
    let by_id: HashMap<i64, &Document> = docs.iter().map(|d| (d.id.0, d)).collect();
    let base = all("");
    let queries = vec![
        Query {
            agencies: Some(vec![AgencyId(2), AgencyId(5)]),
            ..base.clone()
        },
        Query {
            agencies: Some(vec![]),
            ..base.clone()
        },
        Query {
            item: Some(Item::Article20(1)),
            ..base.clone()
        },
        Query {
            item: Some(Item::Article21("重点领域信息".into())),
            ..base.clone()
        },
        Query {
            topic: Some("综合政务".into()),
            ..base.clone()
        },
        Query {
            genre: Some("通知".into()),
            ..base.clone()
        },
        Query {
            years: Some((2018, 2020)),
            ..base.clone()
        },
        Query {
            years: Some((2021, 2019)),
            ..base.clone()
        },
        Query {
            validity: Some(ValidityKind::Repealed),
            ..base.clone()
        },
        Query {
            validity: Some(ValidityKind::Expired),
            genre: Some("通知".into()),
            years: Some((2016, 2023)),
            ..base.clone()
        },
        Query {
            agencies: Some(vec![AgencyId(1), AgencyId(2), AgencyId(3), AgencyId(4)]),
            validity: Some(ValidityKind::InForce),
            item: Some(Item::Article20(3)),
            ..base.clone()
        },
    ];
    for q in &queries {
        let expected: BTreeSet<i64> = docs
            .iter()
            .filter(|d| passes(d, q))
            .map(|d| d.id.0)
            .collect();
        let got: BTreeSet<i64> = walk(s, q).await.iter().map(|h| h.id.0).collect();
        assert_eq!(got, expected, "filters {q:?}");
        let page = s.search(q).await.unwrap();
        assert_eq!(page.total as usize, expected.len());
        // With words: a subset of the filtered, every one containing the words.
        for text in ["通知", "政务公开", "安全生产 责任制"] {
            let q = Query {
                text: text.into(),
                ..q.clone()
            };
            let whole = walk(s, &q).await;
            for hit in &whole {
                let doc = by_id[&hit.id.0];
                assert!(passes(doc, &q), "{} outside {q:?}", hit.id);
            }
            // Small pages give the same hits in the same order (an engine that reads a page
            // from several places and merges them must merge exactly).
            let paged = walk(
                s,
                &Query {
                    limit: 3,
                    ..q.clone()
                },
            )
            .await;
            let ids = |hits: &[Hit]| hits.iter().map(|h| h.id.0).collect::<Vec<_>>();
            assert_eq!(ids(&paged), ids(&whole), "pages of 3 of {q:?}");
            // The first small page knows the total of every page (a small corpus is counted
            // exactly by every engine), however the engine found the page.
            let first = s
                .search(&Query {
                    limit: 3,
                    ..q.clone()
                })
                .await
                .unwrap();
            assert!(first.total_exact, "{q:?}");
            assert_eq!(first.total as usize, whole.len(), "total of {q:?}");
        }
    }
    // The sanity of the filters themselves: some queries above match something.
    assert!(docs.iter().any(|d| passes(d, &queries[0])));
    assert!(docs.iter().any(|d| passes(d, &queries[9])));
}

/// The total of a word found in a few titles and in more bodies, on a first page that the
/// title matches do not fill: exact, every match once, whichever way the engine read each part.
pub async fn totals<S: Search>(s: &S) {
    let mut corpus = Corpus::new(5);
    let docs: Vec<Document> = (0..40)
        .map(|i| {
            let mut d = corpus.document();
            d.id = DocumentId(1 + i);
            d.revision = 1 + i;
            d.data.title = if i < 2 {
                format!("关于全面推行河长制的实施意见（{i}）")
            } else {
                format!("关于做好防汛抗旱工作的通知（{i}）")
            };
            d.data.body_text = if i < 12 {
                "各乡镇要落实河长制，加强河湖管理保护。".into()
            } else {
                "各乡镇要做好防汛抗旱工作。".into()
            };
            d
        })
        .collect();
    load(s, &docs).await;
    for sort in [Sort::Relevance, Sort::Newest] {
        let q = Query {
            sort,
            limit: 5,
            ..Query::new("河长制")
        };
        let first = s.search(&q).await.unwrap();
        assert_eq!(first.hits.len(), 5);
        assert!(first.total_exact, "{sort:?}");
        assert_eq!(first.total, 12, "{sort:?}");
        assert_eq!(walk(s, &q).await.len(), 12, "{sort:?}");
    }
}

/// Walking the pages with the cursor gives every matching document exactly once, in order,
/// for both orders; a cursor of the other order is refused.
pub async fn pagination<S: Search>(s: &S) {
    let docs = documents();
    load(s, &docs).await;
    let by_id: HashMap<i64, &Document> = docs.iter().map(|d| (d.id.0, d)).collect();
    for (text, sort) in [
        ("政务公开", Sort::Relevance),
        ("通知", Sort::Relevance),
        ("通知", Sort::Newest),
        ("", Sort::Relevance),
        ("", Sort::Newest),
    ] {
        let whole = s.search(&Query { sort, ..all(text) }).await.unwrap();
        assert!(whole.next.is_none());
        assert!(whole.hits.len() > 7, "{text}: too few hits to page");
        let q = Query {
            sort,
            limit: 7,
            ..Query::new(text)
        };
        let first = s.search(&q).await.unwrap();
        assert_eq!(first.total, whole.total);
        let walked = walk(s, &q).await;
        let walked_ids: Vec<i64> = walked.iter().map(|h| h.id.0).collect();
        let unique: BTreeSet<i64> = walked_ids.iter().copied().collect();
        assert_eq!(unique.len(), walked_ids.len(), "{text}: a document twice");
        assert_eq!(
            walked_ids,
            ids(&whole),
            "{text} {sort:?}: pages differ from one page"
        );
        assert_eq!(walked.len() as u64, whole.total);
        if sort == Sort::Newest || text.is_empty() {
            let keys: Vec<(NaiveDate, i64)> = walked
                .iter()
                .map(|h| (by_id[&h.id.0].data.published, h.id.0))
                .collect();
            assert!(
                keys.windows(2).all(|w| w[0] > w[1]),
                "{text}: not newest first"
            );
        } else {
            assert!(
                walked
                    .windows(2)
                    .all(|w| w[0].score > w[1].score
                        || (w[0].score == w[1].score && w[0].id < w[1].id)),
                "{text}: not by score"
            );
        }
    }
    let page = s
        .search(&Query {
            limit: 3,
            ..Query::new("通知")
        })
        .await
        .unwrap();
    let relevance_cursor = page.next.unwrap();
    let err = s
        .search(&Query {
            sort: Sort::Newest,
            after: Some(relevance_cursor),
            ..Query::new("通知")
        })
        .await
        .unwrap_err();
    assert!(matches!(err, SearchError::CursorSortMismatch), "{err}");
    let err = s
        .search(&Query {
            limit: 0,
            ..Query::new("通知")
        })
        .await
        .unwrap_err();
    assert!(matches!(err, SearchError::InvalidLimit { .. }));
    // The cursor survives its string form.
    let cursor: Cursor = relevance_cursor.to_string().parse().unwrap();
    let again = s
        .search(&Query {
            limit: 3,
            after: Some(cursor),
            ..Query::new("通知")
        })
        .await
        .unwrap();
    assert!(!again.hits.is_empty());
    assert!(again.hits.iter().all(|h| !ids(&page).contains(&h.id.0)));
}

/// The revision round-trips and never goes down; an older version of a document does not
/// replace a newer one; remove and clear.
pub async fn revisions<S: Search>(s: &S) {
    s.clear().await.unwrap();
    assert_eq!(s.revision().await.unwrap(), 0);
    let mut doc = planted()[0].clone();
    doc.revision = 10;
    s.apply(std::slice::from_ref(&doc), 12).await.unwrap();
    assert_eq!(s.revision().await.unwrap(), 12);
    s.apply(&[], 5).await.unwrap();
    assert_eq!(s.revision().await.unwrap(), 12, "the revision went down");
    s.apply(&[], 20).await.unwrap();
    assert_eq!(s.revision().await.unwrap(), 20);

    // An older version arrives late: it changes nothing.
    let mut old = doc.clone();
    old.revision = 3;
    old.data.title = "骉犇靐旧标题".into();
    s.apply(std::slice::from_ref(&old), 3).await.unwrap();
    assert!(ids(&s.search(&all("骉犇靐")).await.unwrap()).is_empty());
    assert_eq!(
        ids(&s.search(&all("政务公开")).await.unwrap()),
        vec![doc.id.0]
    );

    // A newer one replaces it: one document, the new text, the new filters.
    let mut new = doc.clone();
    new.revision = 21;
    new.data.title = "骉犇靐新标题".into();
    new.data.validity = Validity::Repealed {
        on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        by: None,
    };
    s.apply(std::slice::from_ref(&new), 21).await.unwrap();
    assert_eq!(
        ids(&s.search(&all("骉犇靐")).await.unwrap()),
        vec![doc.id.0]
    );
    assert!(ids(&s.search(&all("政务公开")).await.unwrap()).is_empty());
    let repealed = Query {
        validity: Some(ValidityKind::Repealed),
        ..all("")
    };
    assert_eq!(ids(&s.search(&repealed).await.unwrap()), vec![doc.id.0]);
    assert_eq!(s.search(&all("")).await.unwrap().total, 1);

    // Two versions in one batch: the newer wins.
    let mut a = new.clone();
    a.revision = 30;
    a.data.title = "甲版本".into();
    let mut b = new.clone();
    b.revision = 31;
    b.data.title = "乙版本".into();
    s.apply(&[b, a], 31).await.unwrap();
    let page = s.search(&all("")).await.unwrap();
    assert_eq!(page.hits.len(), 1);
    assert_eq!(page.hits[0].title.text, "乙版本");

    s.remove(&[doc.id]).await.unwrap();
    assert_eq!(s.search(&all("")).await.unwrap().total, 0);
    assert_eq!(s.revision().await.unwrap(), 31, "remove keeps the revision");

    s.apply(&planted(), 100).await.unwrap();
    s.clear().await.unwrap();
    assert_eq!(s.revision().await.unwrap(), 0);
    assert_eq!(s.search(&all("")).await.unwrap().total, 0);
}

/// A query without words lists by date, newest first, whatever the requested order.
pub async fn listing<S: Search>(s: &S) {
    let docs = documents();
    load(s, &docs).await;
    let q = Query {
        agencies: Some(vec![AgencyId(3)]),
        limit: 5,
        ..Query::new("  ")
    };
    let page = s.search(&q).await.unwrap();
    let mut expected: Vec<&Document> = docs
        .iter()
        .filter(|d| d.data.agency == AgencyId(3))
        .collect();
    expected.sort_by_key(|d| std::cmp::Reverse((d.data.published, d.id)));
    let expected: Vec<i64> = expected.iter().take(5).map(|d| d.id.0).collect();
    assert_eq!(ids(&page), expected);
    assert!(page.hits.iter().all(|h| h.title.highlights.is_empty()));
    assert!(page.hits.iter().all(|h| !h.snippet.text.is_empty()));
}

/// Runs the whole suite on one index, in sequence.
pub async fn run_all<S: Search>(s: &S) {
    recall(s).await;
    filters(s).await;
    pagination(s).await;
    totals(s).await;
    revisions(s).await;
    listing(s).await;
}
