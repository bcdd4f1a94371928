//! `Idempotency-Key` (docs/web.md §2): a creating call that carries one is answered once; the
//! same key with the same body answers that first response again and creates nothing, so that
//! an applicant's or a platform's client on a bad connection may simply retry. Keys are per
//! account and kept a day (`gongkai_services::accounts::IDEMPOTENCY_HOURS`), in the database,
//! so any `gongkai serve` process on it answers a retry.
//!
//! A key whose call has not answered (still running, or its process died mid-way) is refused
//! with 409 rather than run again: whether its write happened is unknown, and running it twice
//! is the one thing the key must prevent. A call that failed on the server's side (5xx: its
//! transaction did not commit) frees its key, so that the retry runs.

use super::api_err;
use crate::auth::Caller;
use crate::error::{WebError, WebResult};
use crate::{App, WebStore};
use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gongkai_store::accounts::KeyClaim;

/// The header's name.
const HEADER: &str = "idempotency-key";

/// What the OpenAPI document says of the header.
pub const DESCRIBED: &str = "可选。同一账户以同一键、同一内容重试时，返回第一次的答复，不再重复办理（保存 24 小时）；同一键用于不同内容：422；第一次尚未答复：409";

/// The `Idempotency-Key` of a call, if it has one: 1 to 255 visible ASCII characters (a
/// UUID, say); anything else is a 400.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        let Some(value) = parts.headers.get(HEADER) else {
            return Ok(IdempotencyKey(None));
        };
        let key = value
            .to_str()
            .ok()
            .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| {
                WebError::bad_request("Idempotency-Key 须为 1 至 255 个可见 ASCII 字符").api()
            })?;
        Ok(IdempotencyKey(Some(key.to_owned())))
    }
}

/// Answers `call` under `key`: the first time by running it (and remembering its answer), the
/// next times with the answer remembered. `operation` and `body` say what was asked: the same
/// key for something else is a 422.
pub async fn idempotent<S: WebStore, R: IntoResponse>(
    app: &App<S>,
    caller: &Caller,
    key: IdempotencyKey,
    (operation, body): (&str, &[u8]),
    call: impl Future<Output = WebResult<R>>,
) -> WebResult<Response> {
    let Some(key) = key.0 else {
        return call.await.map(IntoResponse::into_response);
    };
    let settings = app.settings();
    let ctx = caller.ctx(app, &settings);
    let user = caller.user.id;
    let (claim, asked) = ctx
        .claim_idempotency_key(user, &key, operation, body)
        .await
        .map_err(api_err)?;
    match claim {
        KeyClaim::New => {}
        KeyClaim::Answered {
            request_hash,
            status,
            body,
        } if request_hash == asked => return Ok(replay(status, body)),
        KeyClaim::Answered { .. } => return Err(reused()),
        KeyClaim::Running { request_hash } if request_hash != asked => return Err(reused()),
        KeyClaim::Running { .. } => {
            return Err(WebError::conflict(
                "使用同一 Idempotency-Key 的请求尚未答复（正在办理，或其结果未能记录）：请稍后重试，或先查询是否已办理",
            )
            .api());
        }
    }
    let response = match call.await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    let status = response.status();
    let (parts, body) = response.into_parts();
    // Our answers are small JSON documents, already in memory.
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|e| WebError::internal(&e).api())?;
    let text = std::str::from_utf8(&bytes).ok();
    let answer = text.filter(|_| !status.is_server_error());
    if let Err(e) = ctx
        .settle_idempotency_key(user, &key, answer.map(|t| (status.as_u16(), t)))
        .await
    {
        // The call's own answer still goes out; a retry will find the key unanswered (409).
        tracing::warn!(error = %e, "could not record the answer of an Idempotency-Key");
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// The remembered answer, marked as such.
fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

fn reused() -> WebError {
    WebError::invalid("这个 Idempotency-Key 已用于内容不同的另一个请求：新的请求请用新的键").api()
}
