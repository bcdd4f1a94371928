//! The portal's page views, counted by the server itself per agency and day (issue 15): no
//! cookie, no script, no personal data — a count of pages served. The server adds its counts in
//! batches every few seconds and when it stops; what section 二 of the report reads is the sum.

use crate::Result;
use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use std::future::Future;

/// Page views of the portal.
pub trait PageViews: Send + Sync {
    /// Adds `(agency, day, views)` counts to the stored ones, in one transaction: all of them
    /// or none (a server that cannot write keeps them and tries again). Not audited: counting
    /// visits changes no record. An agency that does not exist is
    /// [`StoreError::NotFound`](crate::StoreError::NotFound).
    fn add_page_views(
        &self,
        counts: &[(AgencyId, NaiveDate, i64)],
    ) -> impl Future<Output = Result<()>> + Send;

    /// The page views of each of `agencies` in `year` (agencies without any left out), ordered
    /// by agency.
    fn page_views(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> impl Future<Output = Result<Vec<(AgencyId, i64)>>> + Send;
}
