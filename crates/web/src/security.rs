//! What every response carries, and what every request leaves in the log.
//!
//! - Headers: a Content-Security-Policy that allows only our own scripts and styles (no inline
//!   script), `frame-ancestors 'none'`, `nosniff`, a same-origin referrer policy; API answers
//!   and pages are never cached by shared caches (they hold personal data).
//! - A request id (random, 16 hex characters), returned as `x-request-id` and on every log line
//!   of the request, so that an officer's "错误编号" finds the cause in the log.
//! - One log line per request: method, path (never the query, which may hold names), status and
//!   time. Headers, cookies, tokens and bodies are never logged.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A request's id, in its extensions for handlers that want to show it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn new_id() -> String {
    let mut bytes = [0u8; 8];
    // Without randomness the id is still unique enough from the clock.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = (nanos as u64).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The middleware: request id, the log line, the security headers.
pub async fn observe(mut req: Request, next: Next) -> Response {
    let id = new_id();
    let method = req.method().clone();
    // A calendar feed's address is its credential (`/ical/{token}.ics`): never in a log.
    let path = match req.uri().path() {
        p if p.starts_with("/ical/") => "/ical/***".to_owned(),
        p => p.to_owned(),
    };
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", id = %id, %method, %path);
    let start = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, ms, "answered");
        } else {
            tracing::info!(status, ms, "answered");
        }
    });
    let headers = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        if !h.contains_key(name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(headers, "content-security-policy", CSP);
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "same-origin");
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        headers.insert("x-request-id", v);
    }
    response
}

/// Starts the log: readable lines or JSON objects on standard error, at `info` unless
/// `RUST_LOG` says otherwise; colours only on a terminal (a log file or journal gets plain
/// text). Calling it twice is harmless.
pub fn init_logging(json: bool) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
