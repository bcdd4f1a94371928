//! A short-lived cache of the portal's public pages: the catalogue, document pages, agency
//! pages, guides, published reports and feeds are the same for every visitor, and read far more
//! often than they change. A page is kept for [`TTL`]; any write through this process (a
//! non-GET request to the back office or the API) empties the cache at once, so an officer sees
//! a document on the portal as soon as it is published. Another server process on the same
//! database shows it within [`TTL`].
//!
//! Not cached: the back office, the API, the application and tracking pages (a form token, an
//! applicant's own data), attachments and downloads (large), and anything but a 200.

use crate::{Shared, WebStore};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a page is served from the cache.
pub const TTL: Duration = Duration::from_secs(2);
/// Pages kept at most (a crawler walking every page cannot grow it without bound).
const MAX_PAGES: usize = 2_000;
/// The largest page kept.
const MAX_BYTES: usize = 4 << 20;

#[derive(Debug, Clone)]
struct Page {
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
}

/// The cached pages by path and query.
#[derive(Debug, Default)]
pub struct PageCache {
    pages: Mutex<HashMap<String, Page>>,
}

impl PageCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Page>> {
        // A panic while the lock was held leaves a map that is still sound.
        self.pages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, key: &str) -> Option<Page> {
        self.lock()
            .get(key)
            .filter(|p| p.at.elapsed() < TTL)
            .cloned()
    }

    fn put(&self, key: String, page: Page) {
        let mut pages = self.lock();
        if pages.len() >= MAX_PAGES {
            pages.retain(|_, p| p.at.elapsed() < TTL);
            if pages.len() >= MAX_PAGES {
                pages.clear();
            }
        }
        pages.insert(key, page);
    }

    /// Forgets every page (after a write).
    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// Whether a GET of `path` is a public page the same for every visitor.
fn cacheable(path: &str) -> bool {
    path == "/"
        || path == "/search"
        || (path.starts_with("/agencies/") && !path.ends_with(".docx") && !path.ends_with(".xlsx"))
        || (path.starts_with("/documents/") && !path.contains("/attachments/"))
}

/// The middleware: serves a cached page, keeps a fresh one, empties the cache on writes.
pub async fn pages<S: WebStore>(
    State(app): State<Shared<S>>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    if method != Method::GET && method != Method::HEAD {
        if path.starts_with("/office") || path.starts_with("/api/") {
            let response = next.run(req).await;
            app.pages.clear();
            return response;
        }
        return next.run(req).await;
    }
    if method != Method::GET || !cacheable(&path) {
        return next.run(req).await;
    }
    let key = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_owned());
    if let Some(page) = app.pages.get(&key) {
        let mut response = Body::from(page.body).into_response();
        *response.headers_mut() = page.headers;
        return response;
    }
    let response = next.run(req).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    // Only a page whose size is known and small (a rendered page is one buffer): a stream is
    // passed on untouched.
    use axum::body::HttpBody;
    let small = response
        .body()
        .size_hint()
        .exact()
        .is_some_and(|n| n <= MAX_BYTES as u64);
    if !small {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    app.pages.put(
        key,
        Page {
            at: Instant::now(),
            headers: parts.headers.clone(),
            body: body.clone(),
        },
    );
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_pages_are_kept() {
        for path in [
            "/",
            "/search",
            "/agencies/3",
            "/agencies/3/catalogue",
            "/documents/9",
        ] {
            assert!(cacheable(path), "{path}");
        }
        for path in [
            "/apply",
            "/track",
            "/office",
            "/office/requests/1",
            "/api/v1/agencies",
            "/documents/9/attachments/abc",
            "/agencies/3/reports/2024.docx",
            "/agencies/3/reports/2024.xlsx",
            "/static/app.css",
        ] {
            assert!(!cacheable(path), "{path}");
        }
    }
}
