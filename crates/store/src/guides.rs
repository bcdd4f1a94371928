//! Storage of each agency's 政府信息公开指南 (第十二条): one guide per agency, replaced as a
//! whole when the agency edits it.

use crate::{Draft, Result};
use gongkai_cases::AgencyId;
use gongkai_cases::guide::Guide;
use std::future::Future;

/// The agencies' guides.
pub trait Guides: Send + Sync {
    /// Stores the agency's guide, replacing the one it had. The agency must exist
    /// ([`StoreError::NotFound`](crate::StoreError::NotFound)); a guide that fails
    /// [`Guide::check`] is [`StoreError::Invalid`](crate::StoreError::Invalid) (the store is the
    /// last line: a front end checks first, to show each message next to its field). The audit
    /// entry names the fields that changed.
    fn set_guide(
        &self,
        agency: AgencyId,
        guide: &Guide,
        audit: Draft,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The agency's guide, if it has published one.
    fn guide(&self, agency: AgencyId) -> impl Future<Output = Result<Option<Guide>>> + Send;
}

/// The store's check of a guide: [`Guide::check`]'s first problem, as
/// [`StoreError::Invalid`](crate::StoreError::Invalid).
///
/// # Errors
/// When the guide has a problem.
pub fn check_guide(guide: &Guide) -> Result<()> {
    match guide.check().into_iter().next() {
        None => Ok(()),
        Some((_, message)) => Err(crate::StoreError::Invalid(format!(
            "政府信息公开指南：{message}"
        ))),
    }
}
