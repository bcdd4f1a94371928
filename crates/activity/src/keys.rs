//! The keys of section 二's computed figures, `s2.<name>`, next to the tables' `t2.…`, `t3.…`,
//! `t4.…` (the report spec, "Section 二's figures from records").

use std::fmt;
use std::str::FromStr;

/// One figure of section 二 computed from records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActivityKey {
    /// `s2.published`: catalogue documents published (发布日期) in the year.
    Published,
    /// `s2.published.item_N`: of those, the documents under 第二十条第（N）项, 1 ≤ N ≤ 15.
    PublishedItem(u8),
    /// `s2.interpretations`: of those, the 政策解读 (documents that interpret another).
    Interpretations,
    /// `s2.messages_received`: public messages received in the year.
    MessagesReceived,
    /// `s2.messages_answered`: public messages replied to in the year.
    MessagesAnswered,
    /// `s2.replies_public`: of those, the replies made public (公开答复).
    RepliesPublic,
    /// `s2.channels`: 政务新媒体 accounts open at the end of the year (the portal is not one).
    Channels,
    /// `s2.channel_posts`: posts on those accounts in the year: the catalogue documents
    /// published on them plus the imported monthly counts of posts outside the catalogue.
    ChannelPosts,
    /// `s2.page_views`: page views of the scope's portal pages in the year.
    PageViews,
}

impl ActivityKey {
    /// Every key, in the order the paragraph and the listings use.
    pub fn all() -> Vec<ActivityKey> {
        let mut keys = vec![ActivityKey::Published];
        keys.extend((1..=15).map(ActivityKey::PublishedItem));
        keys.extend([
            ActivityKey::Interpretations,
            ActivityKey::MessagesReceived,
            ActivityKey::MessagesAnswered,
            ActivityKey::RepliesPublic,
            ActivityKey::Channels,
            ActivityKey::ChannelPosts,
            ActivityKey::PageViews,
        ]);
        keys
    }

    /// What the figure counts, in the words of a report.
    pub fn label(self) -> String {
        match self {
            ActivityKey::Published => "主动公开政府信息（条）".to_owned(),
            ActivityKey::PublishedItem(n) => {
                format!("其中第二十条第（{}）项（条）", numeral(n))
            }
            ActivityKey::Interpretations => "发布政策解读（篇）".to_owned(),
            ActivityKey::MessagesReceived => "收到公众留言（件）".to_owned(),
            ActivityKey::MessagesAnswered => "答复公众留言（件）".to_owned(),
            ActivityKey::RepliesPublic => "其中公开答复（件）".to_owned(),
            ActivityKey::Channels => "政务新媒体（个）".to_owned(),
            ActivityKey::ChannelPosts => "政务新媒体发布信息（条）".to_owned(),
            ActivityKey::PageViews => "门户网站页面访问量（次）".to_owned(),
        }
    }
}

/// 一 … 十五, the ordinals of 第二十条's items.
pub(crate) fn numeral(n: u8) -> &'static str {
    const N: [&str; 15] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
        "十五",
    ];
    usize::from(n)
        .checked_sub(1)
        .and_then(|i| N.get(i))
        .copied()
        .unwrap_or("?")
}

impl fmt::Display for ActivityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActivityKey::Published => f.write_str("s2.published"),
            ActivityKey::PublishedItem(n) => write!(f, "s2.published.item_{n}"),
            ActivityKey::Interpretations => f.write_str("s2.interpretations"),
            ActivityKey::MessagesReceived => f.write_str("s2.messages_received"),
            ActivityKey::MessagesAnswered => f.write_str("s2.messages_answered"),
            ActivityKey::RepliesPublic => f.write_str("s2.replies_public"),
            ActivityKey::Channels => f.write_str("s2.channels"),
            ActivityKey::ChannelPosts => f.write_str("s2.channel_posts"),
            ActivityKey::PageViews => f.write_str("s2.page_views"),
        }
    }
}

/// A text that is no key of section 二.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "“{0}”不是第二部分的数字：应为 s2.published、s2.published.item_1 … item_15、s2.interpretations、s2.messages_received、s2.messages_answered、s2.replies_public、s2.channels、s2.channel_posts 或 s2.page_views"
)]
pub struct KeyError(pub String);

impl FromStr for ActivityKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActivityKey::all()
            .into_iter()
            .find(|k| k.to_string() == s.trim())
            .ok_or_else(|| KeyError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_back_from_its_name() {
        let all = ActivityKey::all();
        assert_eq!(all.len(), 23);
        for k in all {
            assert_eq!(k.to_string().parse::<ActivityKey>(), Ok(k));
        }
        assert!("s2.published.item_16".parse::<ActivityKey>().is_err());
        assert!("t3.new_received.total".parse::<ActivityKey>().is_err());
    }
}
