//! The figures from the facts of a scope and year, each with the records it counts.

use crate::keys::ActivityKey;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashSet};

/// A catalogue document as section 二 counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFact {
    pub id: i64,
    /// 发布日期.
    pub published: NaiveDate,
    /// The item of 第二十条 it is published under (1–15), if any.
    pub item: Option<u8>,
    /// A 政策解读: it interprets another document.
    pub interpretation: bool,
}

/// A public message as section 二 counts it. The caller leaves out what is not a message of
/// the public: one marked abusive, one merged into another (the other counts), one turned
/// into an information request (table 三 counts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFact {
    pub id: i64,
    pub received: NaiveDate,
    pub replied: Option<NaiveDate>,
    /// The reply is published (公开答复).
    pub public: bool,
}

/// A channel of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelFact {
    pub id: i64,
    /// The portal (门户网站) rather than a 政务新媒体 account.
    pub portal: bool,
    pub opened: NaiveDate,
    pub closed: Option<NaiveDate>,
}

/// Posts on an account in one month that are not in the catalogue (imported counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostCount {
    pub channel: i64,
    pub month: u32,
    pub posts: i64,
}

/// What section 二's figures are computed from, for one scope (an agency or a subtree) and year.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub year: i32,
    /// The scope's catalogue documents; those published in other years are ignored.
    pub documents: Vec<DocumentFact>,
    pub messages: Vec<MessageFact>,
    pub channels: Vec<ChannelFact>,
    /// (document, channel): a catalogue document recorded as published on a channel.
    pub document_channels: Vec<(i64, i64)>,
    /// Imported monthly counts of the year.
    pub post_counts: Vec<PostCount>,
    /// Page views of the year by agency.
    pub page_views: Vec<(i64, i64)>,
}

/// A record behind a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Document(i64),
    Message(i64),
    Channel(i64),
    /// An imported count of posts on a channel in a month.
    Posts {
        channel: i64,
        month: u32,
        posts: i64,
    },
    /// The page views of one agency in the year.
    Views {
        agency: i64,
        views: i64,
    },
}

/// One figure with the records it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub key: ActivityKey,
    pub value: i64,
    pub sources: Vec<Source>,
}

/// Section 二's figures of a scope and year, and which kinds of records the scope keeps (a
/// kind kept by nobody is left out of the paragraph and of the comparison rather than
/// reported as zero: a township without a message board has not "received 0 messages").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub year: i32,
    pub figures: Vec<Figure>,
    pub keeps_catalogue: bool,
    pub keeps_messages: bool,
    pub keeps_channels: bool,
    pub keeps_page_views: bool,
}

impl Activity {
    /// The figure of `key` (every key has one).
    pub fn figure(&self, key: ActivityKey) -> Option<&Figure> {
        self.figures.iter().find(|f| f.key == key)
    }

    /// The value of `key`, 0 when absent.
    pub fn value(&self, key: ActivityKey) -> i64 {
        self.figure(key).map_or(0, |f| f.value)
    }

    /// Whether the scope keeps the records `key` is computed from.
    pub fn kept(&self, key: ActivityKey) -> bool {
        use ActivityKey::*;
        match key {
            Published | PublishedItem(_) | Interpretations => self.keeps_catalogue,
            MessagesReceived | MessagesAnswered | RepliesPublic => self.keeps_messages,
            Channels | ChannelPosts => self.keeps_channels,
            PageViews => self.keeps_page_views,
        }
    }
}

fn in_year(d: NaiveDate, year: i32) -> bool {
    d.year() == year
}

/// Section 二's figures from the facts.
pub fn compute(facts: &Facts) -> Activity {
    let year = facts.year;
    let mut figures: BTreeMap<ActivityKey, Vec<Source>> = ActivityKey::all()
        .into_iter()
        .map(|k| (k, Vec::new()))
        .collect();
    let mut push = |key: ActivityKey, source: Source| {
        if let Some(v) = figures.get_mut(&key) {
            v.push(source);
        }
    };
    // 第二十条: what the agency published on its own initiative in the year, by 发布日期.
    for d in facts
        .documents
        .iter()
        .filter(|d| in_year(d.published, year))
    {
        push(ActivityKey::Published, Source::Document(d.id));
        if let Some(n) = d.item.filter(|n| (1..=15).contains(n)) {
            push(ActivityKey::PublishedItem(n), Source::Document(d.id));
        }
        if d.interpretation {
            push(ActivityKey::Interpretations, Source::Document(d.id));
        }
    }
    for m in &facts.messages {
        if in_year(m.received, year) {
            push(ActivityKey::MessagesReceived, Source::Message(m.id));
        }
        if m.replied.is_some_and(|r| in_year(r, year)) {
            push(ActivityKey::MessagesAnswered, Source::Message(m.id));
            if m.public {
                push(ActivityKey::RepliesPublic, Source::Message(m.id));
            }
        }
    }
    // An account counts when it is open on the last day of the year: "开设政务新媒体N个"
    // describes the year's end, as the 政务新媒体 register (国办发〔2018〕123号) does.
    let last_day = NaiveDate::from_ymd_opt(year, 12, 31);
    let accounts: HashSet<i64> = facts
        .channels
        .iter()
        .filter(|c| !c.portal)
        .map(|c| c.id)
        .collect();
    for c in facts.channels.iter().filter(|c| !c.portal) {
        let open = last_day.is_some_and(|end| c.opened <= end && c.closed.is_none_or(|x| x > end));
        if open {
            push(ActivityKey::Channels, Source::Channel(c.id));
        }
    }
    // Posts: each catalogue document published in the year on an account, plus the imported
    // counts of what the account posted outside the catalogue.
    let published: HashSet<i64> = facts
        .documents
        .iter()
        .filter(|d| in_year(d.published, year))
        .map(|d| d.id)
        .collect();
    let mut posts = 0i64;
    let mut pairs: Vec<(i64, i64)> = facts
        .document_channels
        .iter()
        .copied()
        .filter(|(d, c)| published.contains(d) && accounts.contains(c))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    for (d, _) in &pairs {
        posts += 1;
        push(ActivityKey::ChannelPosts, Source::Document(*d));
    }
    for p in facts
        .post_counts
        .iter()
        .filter(|p| accounts.contains(&p.channel))
    {
        posts = posts.saturating_add(p.posts);
        push(
            ActivityKey::ChannelPosts,
            Source::Posts {
                channel: p.channel,
                month: p.month,
                posts: p.posts,
            },
        );
    }
    let mut views = 0i64;
    for &(agency, v) in &facts.page_views {
        views = views.saturating_add(v);
        push(ActivityKey::PageViews, Source::Views { agency, views: v });
    }
    let figures = figures
        .into_iter()
        .map(|(key, sources)| {
            let value = match key {
                ActivityKey::ChannelPosts => posts,
                ActivityKey::PageViews => views,
                _ => i64::try_from(sources.len()).unwrap_or(i64::MAX),
            };
            Figure {
                key,
                value,
                sources,
            }
        })
        .collect();
    Activity {
        year,
        figures,
        keeps_catalogue: !facts.documents.is_empty(),
        keeps_messages: !facts.messages.is_empty(),
        keeps_channels: !accounts.is_empty(),
        keeps_page_views: !facts.page_views.is_empty(),
    }
}
