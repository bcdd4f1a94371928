//! A catalogue entry (政府信息公开目录 条目) and its parts.

use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Database identity of a catalogue document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocumentId(pub i64);

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// 索引号: the catalogue's identifier of a document. Most agencies follow the national scheme
/// (organisation code / category / year / sequence, e.g. `11140802MB1962461X/2020-00123`); the
/// text is kept as written when an agency uses another scheme.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexNumber {
    /// As written (trimmed).
    pub raw: String,
    /// The parts, when the text follows a recognised scheme.
    pub parts: Option<IndexParts>,
}

/// The parts of an [`IndexNumber`] in the usual scheme.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexParts {
    /// The agency's code (统一社会信用代码 or 组织机构代码, or a local code).
    pub agency_code: String,
    /// The category code, when the scheme has one (e.g. `01`).
    pub category: Option<String>,
    pub year: i32,
    pub sequence: u32,
}

/// 文号: a document's issuing number, such as `盐政办发〔2020〕12号`. Brackets `〔〕 [] () 【】 （）`
/// and half-/full-width variants are written differently by every agency and compare equal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocNumber {
    /// As written (trimmed).
    pub raw: String,
    /// The canonical form (`{prefix}〔{year}〕{number}号` when parsed), the key of comparisons.
    pub normalised: String,
    /// The parts, when the text has the usual form.
    pub parts: Option<DocNumberParts>,
}

impl PartialEq for DocNumber {
    fn eq(&self, other: &Self) -> bool {
        self.normalised == other.normalised
    }
}

impl Eq for DocNumber {}

impl std::hash::Hash for DocNumber {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.normalised.hash(state);
    }
}

/// The parts of a [`DocNumber`]: `盐政办发〔2020〕12号` is (`盐政办发`, 2020, 12).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocNumberParts {
    /// The issuing agency's abbreviation and the kind (机关代字), e.g. `盐政办发`.
    pub prefix: String,
    pub year: i32,
    pub number: u32,
}

/// 类别: whether a document is a 规章 or a 规范性文件, the two kinds table 二 counts in its
/// 第二十条第（一）项 block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 规章 (government rules, 立法法 第九十一、九十三条).
    Regulation,
    /// 规范性文件 (行政规范性文件).
    NormativeDocument,
}

/// What the 条例 makes a document's publication due under: an item (一)–(十五) of 第二十条, or an
/// item a local government added under 第二十一条.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// 第二十条第（n）项, 1 ≤ n ≤ 15.
    Article20(u8),
    /// A 第二十一条 item, by its name.
    Article21(String),
}

/// 有效性: whether a document is in force.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Validity {
    /// 有效.
    InForce,
    /// 失效: ceased to have effect on `on` (its term ended, or it was declared 失效 in a
    /// clean-up).
    Expired { on: NaiveDate },
    /// 废止: repealed from `on`, by the document `by` (its 文号 or title) when known.
    Repealed { on: NaiveDate, by: Option<String> },
}

/// A file attached to a document, stored content-addressed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attachment {
    /// SHA-256 of the content, lower-case hex: the key of the stored bytes.
    pub sha256: String,
    /// The file name as uploaded.
    pub name: String,
    /// The media type found from the content (not from the name).
    pub media_type: String,
    pub size: u64,
}

/// A catalogue document as entered or imported, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDocument {
    /// 发布机构.
    pub agency: AgencyId,
    /// 索引号; unique within the agency.
    pub index_number: IndexNumber,
    /// 信息名称.
    pub title: String,
    /// 文号.
    pub doc_number: Option<DocNumber>,
    /// 成文日期.
    pub written: Option<NaiveDate>,
    /// 发布日期.
    pub published: NaiveDate,
    /// 类别.
    pub category: Option<Category>,
    /// 第二十条 / 第二十一条 item.
    pub item: Option<Item>,
    /// 主题分类.
    pub topic: String,
    /// 体裁 (通知, 公告, 意见, 办法, …).
    pub genre: String,
    /// 公开方式 (e.g. 政府网站).
    pub method: String,
    /// 公开范围 (e.g. 面向社会).
    pub scope: String,
    pub validity: Validity,
    /// For a 政策解读: the document it explains.
    pub interprets: Option<DocumentId>,
    /// The body as sanitised HTML (what a page shows).
    pub body_html: String,
    /// The body as plain text (what search and snippets read).
    pub body_text: String,
    pub attachments: Vec<Attachment>,
    /// 标准目录事项: the 事项编号 of the items of the agency's standard directory this document
    /// publishes, in order, each once.
    #[serde(default)]
    pub items: Vec<String>,
    /// 发布渠道: the names of the agency's registered channels it was published on (its portal,
    /// its 政务新媒体 accounts), in order, each once.
    #[serde(default)]
    pub channels: Vec<String>,
}

/// A stored catalogue document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocumentId,
    /// A number that grows with every write of any document: what a search index has applied
    /// up to, so that it can catch up after a crash.
    pub revision: i64,
    #[serde(flatten)]
    pub data: NewDocument,
}

/// What the register (table 二, 第二十条第（一）项) and the late-publication and 政策解读率
/// figures read of a document: its dates, category, validity and what it interprets. The store
/// gives these for every document with a category or an `interprets` link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterEntry {
    pub id: DocumentId,
    pub agency: AgencyId,
    pub category: Option<Category>,
    pub written: Option<NaiveDate>,
    pub published: NaiveDate,
    pub validity: Validity,
    pub interprets: Option<DocumentId>,
}
