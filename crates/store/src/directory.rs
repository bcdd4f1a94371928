//! Storage of the agencies' standard item directories (政务公开事项标准目录) and of what links the
//! catalogue to them: a catalogue document names the items it publishes (its 标准目录事项), and
//! [`Directory::item_publications`] reads those links for a year's coverage.
//!
//! An agency's directory is replaced whole by an import (the file is the directory), in one
//! transaction. A document's links name items by 事项编号 and are checked against its agency's
//! directory when the document is written; an item later dropped from the directory leaves the
//! links of older documents as they were (they no longer count for any item).

use crate::{Draft, Result};
use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use gongkai_catalogue::DocumentId;
use gongkai_directory::StandardItem;
use std::future::Future;

/// What replacing a directory did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectoryCounts {
    /// Items whose 事项编号 was not in the directory.
    pub created: usize,
    /// Items whose texts changed.
    pub changed: usize,
    pub unchanged: usize,
    /// Items of the directory not in the new one.
    pub removed: usize,
}

/// A catalogue document linked to a standard item ([`Directory::item_publications`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPublication {
    pub agency: AgencyId,
    /// The item's 事项编号.
    pub item: String,
    pub document: DocumentId,
    pub written: Option<NaiveDate>,
    pub published: NaiveDate,
}

/// The standard item directories.
pub trait Directory: Send + Sync {
    /// Replaces the agency's directory with `items` (in their order), in one transaction with
    /// one audit entry carrying the counts. 事项编号 are unique within the agency
    /// ([`StoreError::Conflict`](crate::StoreError::Conflict)); the agency must exist.
    fn replace_directory(
        &self,
        agency: AgencyId,
        items: Vec<StandardItem>,
        audit: Draft,
    ) -> impl Future<Output = Result<DirectoryCounts>> + Send;

    /// The directories of `agencies`, each in its order: `(agency, item)` by agency id.
    fn directory(
        &self,
        agencies: &[AgencyId],
    ) -> impl Future<Output = Result<Vec<(AgencyId, StandardItem)>>> + Send;

    /// The documents of `agencies` published in `year` with the items they are linked to, one
    /// per link, ordered by agency, item and 发布日期.
    fn item_publications(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<ItemPublication>>> + Send;
}
