//! Section 二's figures: hand-counted facts, the paragraph read back by the comparison, and the
//! comparison catching every figure written differently.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongkai_activity::{
    Activity, ActivityKey, ChannelFact, DocumentFact, Facts, MessageFact, PostCount, Source,
    compare, compute, mentions, paragraph,
};
use proptest::prelude::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn doc(id: i64, published: NaiveDate, item: Option<u8>, interpretation: bool) -> DocumentFact {
    DocumentFact {
        id,
        published,
        item,
        interpretation,
    }
}

/// A year of one agency, counted by hand below.
fn year_2024() -> Facts {
    Facts {
        year: 2024,
        documents: vec![
            doc(1, day(2024, 1, 2), Some(1), false),
            doc(2, day(2024, 3, 5), Some(1), false),
            doc(3, day(2024, 3, 6), None, true),
            doc(4, day(2024, 12, 31), Some(5), false),
            doc(5, day(2023, 12, 31), Some(1), false), // last year: not counted
            doc(6, day(2025, 1, 1), Some(1), true),    // next year: not counted
        ],
        messages: vec![
            MessageFact {
                id: 10,
                received: day(2023, 12, 28),
                replied: Some(day(2024, 1, 3)),
                public: true,
            },
            MessageFact {
                id: 11,
                received: day(2024, 6, 1),
                replied: Some(day(2024, 6, 10)),
                public: false,
            },
            MessageFact {
                id: 12,
                received: day(2024, 12, 30),
                replied: Some(day(2025, 1, 6)),
                public: true,
            },
        ],
        channels: vec![
            ChannelFact {
                id: 20,
                portal: true,
                opened: day(2015, 1, 1),
                closed: None,
            },
            ChannelFact {
                id: 21,
                portal: false,
                opened: day(2019, 1, 1),
                closed: None,
            },
            ChannelFact {
                id: 22,
                portal: false,
                opened: day(2020, 1, 1),
                closed: Some(day(2024, 6, 30)), // closed during the year
            },
            ChannelFact {
                id: 23,
                portal: false,
                opened: day(2024, 12, 31),
                closed: None,
            },
        ],
        document_channels: vec![(1, 21), (1, 20), (2, 21), (5, 21), (4, 22)],
        post_counts: vec![
            PostCount {
                channel: 21,
                month: 1,
                posts: 30,
            },
            PostCount {
                channel: 22,
                month: 2,
                posts: 7,
            },
        ],
        page_views: vec![(1, 1_000), (2, 234)],
    }
}

#[test]
fn a_year_counted_by_hand() {
    let a = compute(&year_2024());
    use ActivityKey::*;
    assert_eq!(a.value(Published), 4);
    assert_eq!(a.value(PublishedItem(1)), 2);
    assert_eq!(a.value(PublishedItem(5)), 1);
    assert_eq!(a.value(PublishedItem(2)), 0);
    assert_eq!(a.value(Interpretations), 1);
    // Received in 2024: 11 and 12; replied in 2024: 10 and 11, of which 10 publicly.
    assert_eq!(a.value(MessagesReceived), 2);
    assert_eq!(a.value(MessagesAnswered), 2);
    assert_eq!(a.value(RepliesPublic), 1);
    // Open on 31 December: 21 and 23 (the portal is no 新媒体 account; 22 closed in June).
    assert_eq!(a.value(Channels), 2);
    // Documents 1 and 2 on account 21 (document 5 was published in 2023; 4 is on 22, and
    // the portal is no account: 22 has closed, but its posts of the year still count), plus
    // the imported 30 and 7.
    assert_eq!(a.value(ChannelPosts), 1 + 1 + 1 + 30 + 7);
    assert_eq!(a.value(PageViews), 1_234);
    let posts = &a.figure(ChannelPosts).unwrap().sources;
    assert!(posts.contains(&Source::Posts {
        channel: 21,
        month: 1,
        posts: 30
    }));
    assert_eq!(
        a.figure(Published).unwrap().sources,
        vec![
            Source::Document(1),
            Source::Document(2),
            Source::Document(3),
            Source::Document(4)
        ]
    );
}

#[test]
fn the_paragraph_states_every_figure() {
    let a = compute(&year_2024());
    let text = paragraph(&a);
    assert_eq!(
        text,
        "本年度主动公开政府信息4条，按《条例》第二十条分：第（一）项2条、第（五）项1条；发布政策解读1篇。\
         收到公众留言2件，答复留言2件，其中公开答复1件。\
         开设政务新媒体2个，全年通过政务新媒体发布信息40条。\
         政府信息公开平台全年页面访问量1234次。"
    );
    assert!(compare(&text, &a).is_empty());
}

#[test]
fn an_agency_without_records_of_a_kind_gets_no_sentence_for_it() {
    let facts = Facts {
        year: 2024,
        documents: vec![doc(1, day(2024, 5, 1), Some(2), false)],
        ..Facts::default()
    };
    let a = compute(&facts);
    let text = paragraph(&a);
    assert!(text.contains("主动公开政府信息1条"), "{text}");
    assert!(!text.contains("留言") && !text.contains("新媒体") && !text.contains("访问量"));
    // Nor is a figure of a kind it keeps no records of compared.
    assert!(compare("公开答复留言14件，网站访问量2000万次。", &a).is_empty());
}

#[test]
fn the_seed_reports_wording_is_read() {
    // The wording of real reports (the seed's among them).
    let text = "全年主动公开政府信息3,327条，发布政策解读材料25篇。公开答复留言14件。\
                开设政务新媒体账号12个，全年发布信息1815条；政府网站访问量2000余万次。";
    let m = mentions(text);
    let got: Vec<(ActivityKey, i64)> = m.iter().map(|m| (m.key, m.value)).collect();
    assert_eq!(
        got,
        vec![
            (ActivityKey::Published, 3327),
            (ActivityKey::Interpretations, 25),
            (ActivityKey::RepliesPublic, 14),
            (ActivityKey::Channels, 12),
            (ActivityKey::ChannelPosts, 1815),
            (ActivityKey::PageViews, 20_000_000),
        ]
    );
    // "发布信息" outside a sentence about 新媒体 is not a count of posts.
    assert!(mentions("门户网站发布信息200条。").is_empty());
    // Chinese numerals.
    assert_eq!(mentions("公开答复十四件")[0].value, 14);
}

#[test]
fn approximate_figures_are_compared_at_their_precision() {
    let m = |s: &str| mentions(s).remove(0);
    let exact = m("访问量2012万次");
    assert!(exact.agrees(20_123_456) && exact.agrees(20_115_000));
    assert!(!exact.agrees(20_300_000) && !exact.agrees(20_000_000));
    let more = m("访问量2000余万次");
    assert!(more.agrees(20_123_456) && !more.agrees(19_999_999) && !more.agrees(31_000_000));
    let about = m("主动公开政府信息约1800条");
    assert!(about.agrees(1815) && about.agrees(1750) && !about.agrees(1950));
    let nearly = m("主动公开政府信息近2000条");
    assert!(nearly.agrees(1950) && !nearly.agrees(2001));
    let decimal = m("访问量1.2万次");
    assert_eq!(decimal.value, 12_000);
    assert!(decimal.agrees(12_345) && !decimal.agrees(13_100));
    let plain = m("公开答复留言14件");
    assert!(plain.agrees(14) && !plain.agrees(13) && !plain.agrees(15));
}

#[test]
fn every_figure_written_differently_is_reported() {
    let a = compute(&year_2024());
    let text = "本年度主动公开政府信息5条；发布政策解读1篇。收到公众留言2件，答复留言2件，\
                其中公开答复3件。开设政务新媒体2个，全年发布信息40条。访问量1234次。";
    let findings = compare(text, &a);
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(findings.len(), 2, "{messages:?}");
    assert!(messages[0].contains("主动公开政府信息5条") && messages[0].contains("为 4"));
    assert!(messages[1].contains("公开答复3件") && messages[1].contains("s2.replies_public"));
    assert!(findings.iter().all(|f| f.rule == gongkai_report::Rule::R8));
}

fn arb_facts() -> impl Strategy<Value = Facts> {
    let date = (2023i32..=2025, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| day(y, m, d));
    let docs = prop::collection::vec(
        (date.clone(), prop::option::of(1u8..=15), any::<bool>()),
        0..40,
    );
    let msgs = prop::collection::vec(
        (date.clone(), prop::option::of(0i64..40), any::<bool>()),
        0..30,
    );
    let chans = prop::collection::vec(
        (any::<bool>(), date.clone(), prop::option::of(date.clone())),
        0..6,
    );
    let links = prop::collection::vec((0i64..40, 0i64..6), 0..30);
    let counts = prop::collection::vec((0i64..6, 1u32..=12, 0i64..5_000), 0..10);
    let views = prop::collection::vec((0i64..5, 0i64..100_000_000), 0..4);
    (docs, msgs, chans, links, counts, views).prop_map(
        |(docs, msgs, chans, links, counts, views)| Facts {
            year: 2024,
            documents: docs
                .into_iter()
                .enumerate()
                .map(|(i, (p, item, interp))| doc(i as i64, p, item, interp))
                .collect(),
            messages: msgs
                .into_iter()
                .enumerate()
                .map(|(i, (r, after, public))| MessageFact {
                    id: i as i64,
                    received: r,
                    replied: after.map(|n| r + chrono::Days::new(n as u64)),
                    public,
                })
                .collect(),
            channels: chans
                .into_iter()
                .enumerate()
                .map(|(i, (portal, opened, closed))| ChannelFact {
                    id: i as i64,
                    portal,
                    opened,
                    closed: closed.filter(|c| *c >= opened),
                })
                .collect(),
            document_channels: links,
            post_counts: counts
                .into_iter()
                .map(|(channel, month, posts)| PostCount {
                    channel,
                    month,
                    posts,
                })
                .collect(),
            page_views: views,
        },
    )
}

proptest! {
    /// The paragraph states every figure the scope keeps, read back exactly, and agrees with
    /// itself; each count is the number of its records.
    #[test]
    fn the_paragraph_reads_back(facts in arb_facts()) {
        let a = compute(&facts);
        let text = paragraph(&a);
        prop_assert!(compare(&text, &a).is_empty(), "{}", text);
        for m in mentions(&text) {
            prop_assert_eq!(m.value, a.value(m.key), "{}", m.quote);
        }
        for f in &a.figures {
            if !matches!(f.key, ActivityKey::ChannelPosts | ActivityKey::PageViews) {
                prop_assert_eq!(f.value, f.sources.len() as i64);
            }
        }
        prop_assert!(a.value(ActivityKey::RepliesPublic) <= a.value(ActivityKey::MessagesAnswered));
        let items: i64 = (1..=15).map(|n| a.value(ActivityKey::PublishedItem(n))).sum();
        prop_assert!(items <= a.value(ActivityKey::Published));
    }

    /// A figure written one off in the paragraph is always reported.
    #[test]
    fn a_figure_one_off_is_reported(facts in arb_facts(), pick in 0usize..8) {
        let a = compute(&facts);
        let keys = [
            ActivityKey::Published,
            ActivityKey::Interpretations,
            ActivityKey::MessagesReceived,
            ActivityKey::MessagesAnswered,
            ActivityKey::RepliesPublic,
            ActivityKey::Channels,
            ActivityKey::ChannelPosts,
            ActivityKey::PageViews,
        ];
        let key = keys[pick];
        prop_assume!(a.kept(key));
        let mut wrong: Activity = a.clone();
        for f in &mut wrong.figures {
            if f.key == key {
                f.value += 1;
            }
        }
        let findings = compare(&paragraph(&wrong), &a);
        prop_assert_eq!(findings.len(), 1);
        prop_assert!(findings[0].message.contains(&key.to_string()));
    }
}
