//! Storage of the letter templates an agency edits (答复告知书, 补正通知书, …): one template per
//! agency and kind of letter, replacing the default shipped with gongkai. The store keeps the
//! text; what a kind is and whether a template is valid are `gongkai_letters`' (the use case
//! checks before saving).

use crate::{Draft, Result};
use gongkai_cases::AgencyId;
use std::future::Future;

/// The agencies' own letter templates.
pub trait LetterTemplates: Send + Sync {
    /// Stores the agency's template of a kind of letter (its key, `reply-withheld`), replacing
    /// the one it had. The agency must exist ([`StoreError::NotFound`](crate::StoreError::NotFound)).
    /// The audit entry says whether it was new.
    fn set_letter_template(
        &self,
        agency: AgencyId,
        kind: &str,
        body: &str,
        audit: Draft,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Removes the agency's template of a kind, so the default applies again; `false` (and no
    /// audit entry) when it had none.
    fn reset_letter_template(
        &self,
        agency: AgencyId,
        kind: &str,
        audit: Draft,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// The agency's templates, `(kind, body)` ordered by kind.
    fn letter_templates(
        &self,
        agency: AgencyId,
    ) -> impl Future<Output = Result<Vec<(String, String)>>> + Send;
}
