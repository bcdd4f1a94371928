//! The stylesheet and the script, embedded in the binary (no CDN, no build step), served under
//! names that carry a hash of their content (`/static/app.3f2a9c1b.css`) with a year-long
//! cache lifetime: a new release changes the name, so a browser never keeps a stale copy.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The name it is served under, hash included.
    pub name: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

fn asset(stem: &str, ext: &str, content_type: &'static str, bytes: &'static [u8]) -> Asset {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    Asset {
        name: format!("{stem}.{hash}.{ext}"),
        content_type,
        bytes,
    }
}

/// Every asset.
pub static ASSETS: LazyLock<[Asset; 4]> = LazyLock::new(|| {
    [
        asset(
            "app",
            "css",
            "text/css; charset=utf-8",
            include_bytes!("../static/app.css"),
        ),
        asset(
            "app",
            "js",
            "text/javascript; charset=utf-8",
            include_bytes!("../static/app.js"),
        ),
        asset(
            "portal",
            "css",
            "text/css; charset=utf-8",
            include_bytes!("../static/portal.css"),
        ),
        asset(
            "redact",
            "js",
            "text/javascript; charset=utf-8",
            include_bytes!("../static/redact.js"),
        ),
    ]
});

/// The path of the stylesheet, for templates.
pub fn css() -> String {
    format!("/static/{}", ASSETS[0].name)
}

/// The path of the script, for templates.
pub fn js() -> String {
    format!("/static/{}", ASSETS[1].name)
}

/// The path of the public portal's stylesheet, for templates.
pub fn portal_css() -> String {
    format!("/static/{}", ASSETS[2].name)
}

/// The path of the redaction page's drawing script, for templates.
pub fn redact_js() -> String {
    format!("/static/{}", ASSETS[3].name)
}

/// `GET /static/{name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = asset.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
