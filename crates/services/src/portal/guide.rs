//! Each agency's 政府信息公开指南 (第十二条) as the public reads it, and the forms of provision
//! the online application offers from it.

use super::Public;
use crate::Result;
use gongkai_cases::guide::{Guide, ProvisionForm};
use gongkai_cases::{Agency, AgencyId};
use gongkai_store::Store;

/// An agency's guide page: the agency (known even when it has published no guide yet) and its
/// guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicGuide {
    pub agency: Agency,
    /// `None` while the agency has published none: the page says so plainly.
    pub guide: Option<Guide>,
}

impl PublicGuide {
    /// The forms of provision an application to the agency may ask for: those its guide lists,
    /// or all five while it has no guide (nothing narrows them yet).
    pub fn forms(&self) -> Vec<ProvisionForm> {
        match &self.guide {
            Some(g) => g.forms.clone(),
            None => ProvisionForm::ALL.to_vec(),
        }
    }
}

impl<S: Store> Public<'_, S> {
    /// The guide of the agency with this id ([`crate::ServiceError::UnknownAgency`] when there
    /// is none).
    pub async fn guide(&self, agency: AgencyId) -> Result<PublicGuide> {
        let agency = self.agency_by_id(agency).await?;
        let guide = self.store().guide(agency.id).await?;
        Ok(PublicGuide { agency, guide })
    }
}
