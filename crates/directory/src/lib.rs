//! An agency's 政务公开事项标准目录 (the standard item directory of 基层政务公开标准化规范化, 国办发
//! 〔2019〕54号): items grouped by 领域, each with its content, legal basis, time limit, the body
//! that publishes it and the channels it is published on; and what a year's catalogue covers of
//! it.
//!
//! - [`StandardItem`]: an item as the directory writes it; its 公开时限 is read into a
//!   [`TimeLimit`] ([`limit`]).
//! - [`read_directory`] / [`template`]: the directory as an XLSX or CSV table with the columns
//!   [`HEADERS`], every bad row reported by row and column, all or nothing (the catalogue
//!   import's reading of cells, `gongkai_catalogue_import::cells`, is reused).
//! - [`read_post_counts`]: the monthly counts of posts on a channel that are not in the
//!   catalogue (a 政务新媒体 account's own posts).
//! - [`coverage`]: each item with its publications in a year (the catalogue documents linked to
//!   it), and whether it has a gap: no publication in the year, or for a yearly-dated item none
//!   by its date; each flag explained.
//!
//! Pure: no I/O.
#![forbid(unsafe_code)]

pub mod coverage;
pub mod limit;
mod table;

pub use coverage::{ItemCoverage, Publication, Status, UnitCoverage, coverage};
pub use gongkai_catalogue_import::split_list;
pub use limit::TimeLimit;
pub use table::{COUNT_HEADERS, HEADERS, PostCountRow, read_directory, read_post_counts, template};

use serde::Serialize;

/// One item of a standard directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandardItem {
    /// 事项编号: unique within the agency's directory; what a catalogue document names in its
    /// 标准目录事项.
    pub code: String,
    /// 领域 (e.g. 义务教育, 社会救助).
    pub domain: String,
    /// 事项名称.
    pub name: String,
    /// 公开内容（要素）.
    pub content: String,
    /// 公开依据.
    pub basis: String,
    /// 公开时限, as written (see [`StandardItem::limit`]).
    pub time_limit: String,
    /// 公开主体.
    pub body: String,
    /// 公开渠道.
    pub channels: String,
}

impl StandardItem {
    /// The time limit read into a rule.
    pub fn limit(&self) -> TimeLimit {
        TimeLimit::parse(&self.time_limit)
    }
}

/// The longest 事项编号, in characters.
pub const MAX_CODE_CHARS: usize = 50;
