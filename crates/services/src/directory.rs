//! The standard item directory (政务公开事项标准目录): an agency's items imported from a table, and
//! the coverage of a year — each item with its publications in the catalogue and, flagged and
//! explained, the items without one within their time limit. A supervising office sees the
//! coverage of every unit of its subtree.
//!
//! Reading needs [`Capability::Read`] on the agency (for the subtree: on the agency, and the
//! units the scope reaches below it); importing needs [`Capability::Handle`].

use crate::{Ctx, Result, ServiceError};
use chrono::Datelike;
use gongkai_access::Capability;
use gongkai_cases::Agency;
use gongkai_cases::limits::check_year;
use gongkai_catalogue_import::TableKind;
use gongkai_directory::{Publication, StandardItem, UnitCoverage};
use gongkai_store::Store;
use gongkai_store::directory::DirectoryCounts;
use std::collections::HashMap;

/// What a directory import did.
#[derive(Debug, Clone)]
pub struct DirectoryImported {
    pub agency: Agency,
    /// Items in the file.
    pub items: usize,
    pub counts: DirectoryCounts,
}

/// One unit's coverage.
#[derive(Debug, Clone)]
pub struct CoverageUnit {
    pub agency: Agency,
    /// Whether the unit has imported a directory (without one, there is nothing to cover).
    pub has_directory: bool,
    pub coverage: UnitCoverage,
}

/// The coverage of a year: the agency's own unit first, then (for the subtree) every unit
/// below it the caller sees, in the tree's order.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub year: i32,
    pub units: Vec<CoverageUnit>,
}

impl Coverage {
    /// Items with a gap, over every unit.
    pub fn gaps(&self) -> usize {
        self.units.iter().map(|u| u.coverage.gaps).sum()
    }
}

impl<S: Store> Ctx<'_, S> {
    /// Replaces the agency's directory with the items of an XLSX or CSV table: every bad row is
    /// reported by row and column and nothing is stored unless every row is right.
    pub async fn import_directory(
        &self,
        agency: &str,
        bytes: &[u8],
        kind: TableKind,
    ) -> Result<DirectoryImported> {
        let (agency, tree) = self.locate(agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let items = gongkai_directory::read_directory(bytes, kind)
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        if items.is_empty() {
            return Err(ServiceError::Invalid(
                "文件中没有事项：标准目录至少应有一个事项".into(),
            ));
        }
        let mut audit = self
            .draft(
                &grant,
                "directory.import",
                format!("{} 的标准目录", agency.name),
            )
            .await?;
        audit.set("items", items.len());
        let n = items.len();
        let counts = self
            .store
            .replace_directory(agency.id, items, audit)
            .await?;
        Ok(DirectoryImported {
            agency,
            items: n,
            counts,
        })
    }

    /// The agency's directory, in its order.
    pub async fn directory_items(&self, agency: &str) -> Result<(Agency, Vec<StandardItem>)> {
        let (agency, tree) = self.locate(agency).await?;
        self.grant_in(&tree, &agency, Capability::Read)?;
        let items = self
            .store
            .directory(&[agency.id])
            .await?
            .into_iter()
            .map(|(_, i)| i)
            .collect();
        Ok((agency, items))
    }

    /// The coverage of `year`: of the agency's directory, or with `subtree` of every unit's
    /// own directory by its own catalogue, for every unit below the agency the caller sees.
    pub async fn directory_coverage(
        &self,
        agency: &str,
        year: i32,
        subtree: bool,
    ) -> Result<Coverage> {
        self.limit(check_year(year, self.settings.today))?;
        let (agency, tree) = self.locate(agency).await?;
        self.grant_in(&tree, &agency, Capability::Read)?;
        let units: Vec<&Agency> = self
            .units(&tree, &agency, subtree)
            .into_iter()
            .filter(|a| a.id == agency.id || a.merged.is_none_or(|m| m.on.year() > year))
            .collect();
        self.coverage_of(&units, year).await
    }

    /// The coverage of `year` of each of `units` (whose access the caller has checked): their
    /// directories and the year's publications read once for all of them.
    pub(crate) async fn coverage_of(&self, units: &[&Agency], year: i32) -> Result<Coverage> {
        let ids: Vec<_> = units.iter().map(|a| a.id).collect();
        let mut items: HashMap<_, Vec<StandardItem>> = HashMap::new();
        for (a, item) in self.store.directory(&ids).await? {
            items.entry(a).or_default().push(item);
        }
        let publications = self.store.item_publications(&ids, year).await?;
        let mut pubs: HashMap<_, Vec<Publication<'_>>> = HashMap::new();
        for p in &publications {
            pubs.entry(p.agency).or_default().push(Publication {
                item: &p.item,
                written: p.written,
                published: p.published,
            });
        }
        let cal = self.calendar().await?;
        let units = units
            .iter()
            .map(|a| {
                let own = items.get(&a.id).map_or(&[][..], Vec::as_slice);
                let published = pubs.get(&a.id).map_or(&[][..], Vec::as_slice);
                CoverageUnit {
                    agency: (*a).clone(),
                    has_directory: !own.is_empty(),
                    coverage: gongkai_directory::coverage(
                        own,
                        published,
                        year,
                        self.settings.today,
                        &cal,
                    ),
                }
            })
            .collect();
        Ok(Coverage { year, units })
    }
}
