//! The portal's page views, counted by the server itself (issue 15, section 二 of the report):
//! a page of an agency served with 200 adds one to that agency's count of the day (China time).
//! No cookie, no script, no address or other personal data is kept: a count per agency and day.
//!
//! Counts are kept in memory and written to the database by [`flush`] every
//! `portal.views_flush_seconds` and once more when the server stops gracefully; a killed
//! process loses at most the counts of its last interval. A write that fails puts its counts
//! back, so a database that is down for a while loses nothing either.
//!
//! Which agency a page is of: its path (`/agencies/{id}`, `/agencies/{id}/catalogue`, its guide,
//! its reports), or, for a page whose path does not name it (a document), the agency its handler
//! names in the [`AGENCY_HEADER`] of the response, which this middleware removes. Pages of no
//! agency (the home page, search, applying, tracking) and anything but an HTML page (feeds,
//! downloads, attachments, assets) are not counted.

use crate::{Shared, WebStore};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use std::collections::HashMap;
use std::sync::Mutex;

/// The response header a handler names its page's agency in (never sent to the client).
pub const AGENCY_HEADER: HeaderName = HeaderName::from_static("x-gongkai-agency");

/// The header value naming `agency`, for a handler to add to its response.
pub fn agency_header(agency: AgencyId) -> (HeaderName, HeaderValue) {
    (AGENCY_HEADER, HeaderValue::from(agency.0))
}

/// The counts not yet written, by agency and day.
#[derive(Debug, Default)]
pub struct ViewCounter {
    counts: Mutex<HashMap<(AgencyId, NaiveDate), i64>>,
}

impl ViewCounter {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(AgencyId, NaiveDate), i64>> {
        // A panic while the lock was held leaves counts that are still sound.
        self.counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds `n` views of `agency`'s pages on `day`.
    pub fn add(&self, agency: AgencyId, day: NaiveDate, n: i64) {
        *self.lock().entry((agency, day)).or_insert(0) += n;
    }

    /// Takes every count out, leaving none.
    fn take(&self) -> Vec<(AgencyId, NaiveDate, i64)> {
        self.lock()
            .drain()
            .map(|((agency, day), n)| (agency, day, n))
            .collect()
    }

    /// The counts not yet written (for tests and the load example).
    pub fn pending(&self) -> i64 {
        self.lock().values().sum()
    }
}

/// Writes the counts kept so far. On failure they are put back for the next attempt (an
/// unknown agency, merged away meanwhile, is dropped with its counts rather than block the
/// others forever).
pub async fn flush<S: WebStore>(store: &S, counter: &ViewCounter) {
    let counts = counter.take();
    if counts.is_empty() {
        return;
    }
    match store.add_page_views(&counts).await {
        Ok(()) => {}
        Err(gongkai_store::StoreError::NotFound(_)) => {
            // Write agency by agency so that only the unknown one's counts are lost.
            for c in counts {
                if let Err(e) = store.add_page_views(&[c]).await
                    && !matches!(e, gongkai_store::StoreError::NotFound(_))
                {
                    counter.add(c.0, c.1, c.2);
                }
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "页面访问量未能写入数据库，稍后重试");
            for (agency, day, n) in counts {
                counter.add(agency, day, n);
            }
        }
    }
}

/// The agency a path is a page of: `/agencies/{id}` and the pages under it, except feeds and
/// downloads.
fn agency_of_path(path: &str) -> Option<AgencyId> {
    let rest = path.strip_prefix("/agencies/")?;
    let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
    if tail.ends_with(".atom") || tail.ends_with(".docx") || tail.ends_with(".xlsx") {
        return None;
    }
    id.parse().ok().map(AgencyId)
}

/// The middleware: counts each HTML page of an agency served with 200 to a GET.
pub async fn count<S: WebStore>(
    State(app): State<Shared<S>>,
    req: Request,
    next: Next,
) -> Response {
    let counted = app.options.count_views && req.method() == Method::GET;
    let by_path = agency_of_path(req.uri().path());
    let mut response = next.run(req).await;
    let named = response
        .headers_mut()
        .remove(AGENCY_HEADER)
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .map(AgencyId);
    if !counted || response.status() != StatusCode::OK {
        return response;
    }
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if let Some(agency) = named.or(by_path).filter(|_| html) {
        app.views.add(agency, crate::china_today(), 1);
    }
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_an_agency_by_path() {
        assert_eq!(agency_of_path("/agencies/3"), Some(AgencyId(3)));
        assert_eq!(agency_of_path("/agencies/3/catalogue"), Some(AgencyId(3)));
        assert_eq!(
            agency_of_path("/agencies/3/reports/2024"),
            Some(AgencyId(3))
        );
        assert_eq!(agency_of_path("/agencies/3/feed.atom"), None);
        assert_eq!(agency_of_path("/agencies/3/reports/2024.docx"), None);
        assert_eq!(agency_of_path("/agencies/x"), None);
        assert_eq!(agency_of_path("/documents/3"), None);
        assert_eq!(agency_of_path("/"), None);
    }

    #[test]
    fn counts_add_and_are_taken_once() {
        let c = ViewCounter::default();
        let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        c.add(AgencyId(1), day, 1);
        c.add(AgencyId(1), day, 2);
        c.add(AgencyId(2), day, 1);
        assert_eq!(c.pending(), 4);
        let mut taken = c.take();
        taken.sort();
        assert_eq!(taken, vec![(AgencyId(1), day, 3), (AgencyId(2), day, 1)]);
        assert_eq!(c.pending(), 0);
        assert!(c.take().is_empty());
    }
}
