//! The 政府信息公开指南 (第十二条) in the back office: an agency's officers and approvers edit
//! it ([`Capability::Handle`], as they edit the catalogue: docs/web.md §1), everyone whose scope
//! reaches the agency reads it. The public reads it through
//! [`Public::guide`](crate::portal::Public::guide).

use crate::{Capability, Ctx, Result};
use gongkai_cases::Agency;
use gongkai_cases::guide::{Guide, GuideError};
use gongkai_store::Store;

/// An agency's guide as the back office shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideView {
    pub agency: Agency,
    /// `None` until the agency publishes one.
    pub guide: Option<Guide>,
}

impl<S: Store> Ctx<'_, S> {
    /// Publishes the agency's guide, replacing the one it had: the access check first (an
    /// agency the caller may not edit is refused before the guide is looked at), then the guide
    /// trimmed and checked ([`Guide::check`]): `Ok(Err(problems))` lists every problem with its
    /// field and stores nothing; `Ok(Ok(guide))` is the guide as stored, with its audit entry.
    pub async fn set_guide(
        &self,
        agency: &str,
        guide: Guide,
    ) -> Result<std::result::Result<Guide, Vec<GuideError>>> {
        let (agency, tree) = self.locate(agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let guide = guide.normalised();
        let mut problems = guide.check();
        // A photo is never stored in clear: without the key, none may be asked for.
        if guide.id_photo && self.settings.id_photo_key.is_none() {
            problems.push((
                "id_photo",
                "未配置 id_photo.key（照片加密密钥），不能要求申请人上传身份证明照片".into(),
            ));
        }
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let audit = self
            .draft(&grant, "guide.set", format!("公开指南 {}", agency.name))
            .await?;
        self.store.set_guide(agency.id, &guide, audit).await?;
        Ok(Ok(guide))
    }

    /// The agency's guide, if it has one (the scope must reach the agency).
    pub async fn guide(&self, agency: &str) -> Result<GuideView> {
        let (agency, _) = self.locate(agency).await?;
        let guide = self.store.guide(agency.id).await?;
        Ok(GuideView { agency, guide })
    }
}
