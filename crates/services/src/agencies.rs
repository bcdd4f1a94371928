//! The agency hierarchy and 机构改革: registering agencies, renaming, moving and merging them,
//! and the other names they are known by.

use crate::{Capability, Ctx, Result, ServiceError};
use chrono::NaiveDate;
use gongkai_cases::limits::{MAX_AGENCY_CHARS, check_text};
use gongkai_cases::{Agency, tables};
use gongkai_store::Store;

/// One line of the agency tree: the agency and how deep it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    pub agency: Agency,
    pub depth: usize,
    /// The name of the agency it was merged into, if merged.
    pub merged_into: Option<String>,
}

impl<S: Store> Ctx<'_, S> {
    /// Checks an agency name typed by a person.
    fn agency_name(&self, name: &str) -> Result<String> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ServiceError::Invalid("机关名称不能为空".into()));
        }
        self.limit(check_text("机关名称", name, MAX_AGENCY_CHARS, false))?;
        Ok(name.to_owned())
    }

    /// Registers an agency under an optional parent. Registering the same agency under the same
    /// parent again is not an error (scripts can be re-run); the same name under another parent
    /// is. A top-level agency needs installation-wide rights, a child the rights on its parent.
    pub async fn add_agency(&self, name: &str, parent: Option<&str>) -> Result<Agency> {
        let name = self.agency_name(name)?;
        let parent = match parent {
            Some(p) => Some(self.agency(p).await?),
            None => None,
        };
        if let Some(existing) = self.store.agency_by_name(&name).await? {
            if existing.parent == parent.as_ref().map(|p| p.id) {
                return Ok(existing);
            }
            return Err(ServiceError::Invalid(format!(
                "机关“{name}”已登记在另一个上级机关之下"
            )));
        }
        let grant = match &parent {
            Some(p) => self.grant(p, Capability::Administer).await?,
            None => self.scope.installation()?,
        };
        let audit = self
            .draft(&grant, "agency.add", format!("机关 {name}"))
            .await?;
        Ok(self
            .store
            .create_agency(&name, parent.map(|p| p.id), audit)
            .await?)
    }

    /// Renames an agency from `on` (机构改革): reports of earlier years keep the old name, and
    /// the old name still finds the agency.
    pub async fn rename_agency(&self, name: &str, new_name: &str, on: NaiveDate) -> Result<Agency> {
        let agency = self.agency(name).await?;
        let new_name = self.agency_name(new_name)?;
        let grant = self.grant(&agency, Capability::Administer).await?;
        let audit = self
            .draft(&grant, "agency.rename", format!("机关 {}", agency.name))
            .await?;
        Ok(self
            .store
            .rename_agency(agency.id, &new_name, on, audit)
            .await?)
    }

    /// Puts an agency under another parent, or at the top: rights on the agency and on the new
    /// parent (installation-wide for the top) are both needed.
    pub async fn move_agency(&self, name: &str, parent: Option<&str>) -> Result<Agency> {
        let agency = self.agency(name).await?;
        let grant = self.grant(&agency, Capability::Administer).await?;
        let parent = match parent {
            Some(p) => {
                let p = self.agency(p).await?;
                self.grant(&p, Capability::Administer).await?;
                Some(p.id)
            }
            None => {
                self.scope.installation()?;
                None
            }
        };
        let audit = self
            .draft(&grant, "agency.move", format!("机关 {}", agency.name))
            .await?;
        Ok(self.store.move_agency(agency.id, parent, audit).await?)
    }

    /// Merges an agency into another from `on`: from that year on its records count in the
    /// successor's reports, and it files none of its own.
    pub async fn merge_agency(&self, name: &str, into: &str, on: NaiveDate) -> Result<Agency> {
        let agency = self.agency(name).await?;
        let into = self.agency(into).await?;
        let grant = self.grant(&agency, Capability::Administer).await?;
        self.grant(&into, Capability::Administer).await?;
        let mut audit = self
            .draft(&grant, "agency.merge", format!("机关 {}", agency.name))
            .await?;
        audit.set("into_name", into.name.as_str());
        Ok(self
            .store
            .merge_agency(agency.id, into.id, on, audit)
            .await?)
    }

    /// Another name under which an agency is known: found by it, and reports printed under it
    /// are paired with the agency's across years.
    pub async fn add_alias(&self, name: &str, alias: &str) -> Result<Agency> {
        let agency = self.agency(name).await?;
        let alias = self.agency_name(alias)?;
        let grant = self.grant(&agency, Capability::Administer).await?;
        let audit = self
            .draft(&grant, "agency.alias", format!("机关 {}", agency.name))
            .await?;
        self.store.add_alias(agency.id, &alias, audit).await?;
        Ok(agency)
    }

    /// The agencies the scope reaches, as a tree: each root followed by its subtree, depth
    /// first by id.
    pub async fn agency_tree(&self) -> Result<Vec<TreeRow>> {
        let all = self.tree().await?;
        let visible: Vec<&Agency> = self.scope.visible(&all);
        let shown = |id| visible.iter().any(|a| a.id == id);
        let name_of = |id| all.iter().find(|a| a.id == id).map(|a| a.name.clone());
        let mut out = Vec::with_capacity(visible.len());
        // Roots: visible agencies whose parent is not visible.
        for root in visible.iter().filter(|a| !a.parent.is_some_and(&shown)) {
            let base = depth(&all, root.id);
            for id in tables::subtree(&all, root.id) {
                if let Some(a) = all.iter().find(|a| a.id == id) {
                    out.push(TreeRow {
                        agency: a.clone(),
                        depth: depth(&all, id) - base,
                        merged_into: a.merged.and_then(|m| name_of(m.into)),
                    });
                }
            }
        }
        Ok(out)
    }

    /// The other names agencies are known by, with the agency's current name.
    pub async fn aliases(&self) -> Result<Vec<(String, String)>> {
        let all = self.tree().await?;
        Ok(self
            .store
            .aliases()
            .await?
            .into_iter()
            .filter(|(_, id)| self.scope.reaches(*id, &all))
            .filter_map(|(alias, id)| {
                all.iter()
                    .find(|a| a.id == id)
                    .map(|a| (alias, a.name.clone()))
            })
            .collect())
    }
}

/// How many ancestors an agency has; bounded by the tree's size, so a cycle ends.
fn depth(all: &[Agency], id: gongkai_cases::AgencyId) -> usize {
    let parent = |id| all.iter().find(|x| x.id == id).and_then(|x| x.parent);
    std::iter::successors(parent(id), |&p| parent(p))
        .take(all.len())
        .count()
}

impl<S: Store> Ctx<'_, S> {
    /// Every other name an agency is known by — its aliases and its former names — with its
    /// current name: what pairs published reports printed under different names across years.
    pub async fn name_variants(&self) -> Result<Vec<(String, String)>> {
        let mut out = self.aliases().await?;
        for a in self.scope.visible(&self.tree().await?) {
            out.extend(
                a.former_names
                    .iter()
                    .map(|f| (f.name.clone(), a.name.clone())),
            );
        }
        Ok(out)
    }
}
