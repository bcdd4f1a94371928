//! Storage of the channel register: an agency's portal and its 政务新媒体 accounts (微信公众号,
//! 微博, 抖音, …), the catalogue documents published on each, and the monthly counts of posts
//! not in the catalogue, imported from the accounts' own statistics. What the annual report's
//! section 二 and a supervising office's 政务新媒体 check read.

use crate::{Draft, ImportCounts, Result};
use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use gongkai_catalogue::DocumentId;
use serde::Serialize;
use std::fmt;
use std::future::Future;

/// Database identity of a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ChannelId(pub i64);

impl fmt::Display for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A channel's platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Platform {
    /// 门户网站 (the government website).
    Portal,
    /// 微信公众号.
    WeChat,
    /// 微博.
    Weibo,
    /// 抖音.
    Douyin,
    /// 头条号.
    Toutiao,
    /// 客户端 (the agency's own app).
    App,
    /// Any other platform, by its name (快手, 视频号, 小程序…).
    Other(String),
}

impl Platform {
    /// The named platforms, in the order forms list them.
    pub const NAMED: [Platform; 6] = [
        Platform::Portal,
        Platform::WeChat,
        Platform::Weibo,
        Platform::Douyin,
        Platform::Toutiao,
        Platform::App,
    ];

    /// The platform's Chinese name.
    pub fn label(&self) -> &str {
        match self {
            Platform::Portal => "门户网站",
            Platform::WeChat => "微信公众号",
            Platform::Weibo => "微博",
            Platform::Douyin => "抖音",
            Platform::Toutiao => "头条号",
            Platform::App => "客户端",
            Platform::Other(name) => name,
        }
    }

    /// The platform of a name: a named platform's label or a usual variant (`网站`, `政府网站`,
    /// `微信`, `公众号`, `今日头条`, `APP`), else [`Platform::Other`] with the name trimmed.
    pub fn parse(name: &str) -> Platform {
        let n = name.trim();
        match n.to_ascii_lowercase().as_str() {
            "门户网站" | "网站" | "政府网站" | "门户" | "portal" => Platform::Portal,
            "微信公众号" | "微信" | "公众号" | "wechat" => Platform::WeChat,
            "微博" | "新浪微博" | "weibo" => Platform::Weibo,
            "抖音" | "douyin" => Platform::Douyin,
            "头条号" | "今日头条" | "头条" | "toutiao" => Platform::Toutiao,
            "客户端" | "app" | "移动客户端" => Platform::App,
            _ => Platform::Other(n.to_string()),
        }
    }
}

/// A channel of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Channel {
    pub id: ChannelId,
    pub agency: AgencyId,
    pub platform: Platform,
    /// The account's or site's name, unique within the agency: what a catalogue document's
    /// 发布渠道 names.
    pub name: String,
    /// 运营主体: who runs it (an office of the agency, a contractor).
    pub operator: String,
    /// 开设日期.
    pub opened: NaiveDate,
    /// 关停日期, once closed.
    pub closed: Option<NaiveDate>,
    /// 备案: whether the account is filed with the supervising office.
    pub filed: bool,
}

/// A channel to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChannel {
    pub agency: AgencyId,
    pub platform: Platform,
    pub name: String,
    pub operator: String,
    pub opened: NaiveDate,
    pub filed: bool,
}

/// The monthly count of posts on a channel not in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostCount {
    pub channel: ChannelId,
    pub year: i32,
    /// 1..=12.
    pub month: u32,
    pub posts: i64,
}

/// The channel register.
pub trait Channels: Send + Sync {
    /// Registers a channel. Its name is unique within the agency
    /// ([`StoreError::Conflict`](crate::StoreError::Conflict)); the agency must exist.
    fn add_channel(
        &self,
        new: NewChannel,
        audit: Draft,
    ) -> impl Future<Output = Result<Channel>> + Send;

    /// Records that a channel was closed on `on` (not before it opened, and not closed
    /// already: [`StoreError::Invalid`](crate::StoreError::Invalid)).
    fn close_channel(
        &self,
        id: ChannelId,
        on: NaiveDate,
        audit: Draft,
    ) -> impl Future<Output = Result<Channel>> + Send;

    /// The channels of `agencies`, by agency then name.
    fn channels(&self, agencies: &[AgencyId]) -> impl Future<Output = Result<Vec<Channel>>> + Send;

    /// Stores monthly counts, replacing those of the same channel and month, in one
    /// transaction with one audit entry (`created`: new months, `changed`: other counts,
    /// `unchanged`). Every channel must exist.
    fn import_post_counts(
        &self,
        counts: Vec<PostCount>,
        audit: Draft,
    ) -> impl Future<Output = Result<ImportCounts>> + Send;

    /// Imported monthly counts of posts not in the catalogue: `(channel, month 1..=12, posts)`
    /// of the channels of `agencies` in `year`, by channel and month.
    fn channel_post_counts(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<(ChannelId, u32, i64)>>> + Send;

    /// Catalogue documents of `agencies` published in `year` with the channels they were
    /// published on, by document then channel.
    fn document_channels(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<(DocumentId, ChannelId)>>> + Send;
}
