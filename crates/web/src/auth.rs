//! Who is calling, and whether a state-changing form really comes from our own pages.
//!
//! - Pages: a session cookie (`gongkai_session`, HttpOnly, SameSite=Lax, Secure when
//!   configured) holds a random secret of which the database keeps the SHA-256; without a
//!   valid session a page redirects to the login page.
//! - The API: `Authorization: Bearer <token>`; without a valid token 401.
//! - Every state-changing form goes through [`SecureForm`] or [`SecureMultipart`], which check
//!   the request's origin (`Sec-Fetch-Site`, else `Origin`, against our own) and the session's
//!   CSRF token in the form: a handler cannot read a posted form any other way, so it cannot
//!   forget the check.

use crate::error::{WebError, WebResult};
use crate::{Shared, WebStore, now};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use gongkai_services::accounts::{Auth, scope_of};
use gongkai_services::{Ctx, Scope, Settings};
use gongkai_store::accounts::User;
use serde::de::DeserializeOwned;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "gongkai_session";

/// A caller who passed authentication: the account, its scope, and for a page session its
/// cookie's secret and CSRF token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub scope: Scope,
    /// The session's CSRF token (empty for an API token).
    pub csrf: String,
    /// The session cookie's secret (`None` for an API token).
    pub session: Option<String>,
}

impl Caller {
    /// The use cases as this caller, with `settings`.
    pub fn ctx<'a, S: WebStore>(
        &'a self,
        app: &'a crate::App<S>,
        settings: &'a Settings,
    ) -> Ctx<'a, S> {
        Ctx::new(&app.store, &self.scope, settings)
    }
}

pub use gongkai_services::applications::same_secret;

/// The caller of a page request: the session of the cookie, or a redirect to the login page.
#[derive(Debug, Clone)]
pub struct OfficeCaller(pub Caller);

/// Where the login page sends the user back to: a path of our own, never another site.
pub fn login_redirect(path_and_query: &str) -> Response {
    let next = if path_and_query.starts_with("/office") && !path_and_query.starts_with("//") {
        path_and_query
    } else {
        "/office"
    };
    let encoded: String = form_urlencoded_component(next);
    Redirect::to(&format!("/office/login?next={encoded}")).into_response()
}

/// Percent-encodes a query component (RFC 3986 unreserved characters kept).
pub fn form_urlencoded_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The session of a request's cookie, if valid now.
async fn session_caller<S: WebStore>(
    headers: &HeaderMap,
    app: &Shared<S>,
) -> WebResult<Option<Caller>> {
    let jar = CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    let secret = cookie.value().to_owned();
    let auth = Auth::new(&app.store, app.options.sessions);
    let Some((user, csrf)) = auth.session(&secret, now()).await? else {
        return Ok(None);
    };
    let scope = scope_of(&user)?;
    Ok(Some(Caller {
        user,
        scope,
        csrf,
        session: Some(secret),
    }))
}

impl<S: WebStore> FromRequestParts<Shared<S>> for OfficeCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Shared<S>) -> Result<Self, Response> {
        match session_caller(&parts.headers, app).await {
            Ok(Some(caller)) => Ok(OfficeCaller(caller)),
            Ok(None) => Err(login_redirect(
                parts.uri.path_and_query().map_or("/office", |p| p.as_str()),
            )),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// The caller of an API request, by its bearer token; 401 without a valid one.
#[derive(Debug, Clone)]
pub struct ApiCaller(pub Caller);

impl<S: WebStore> FromRequestParts<Shared<S>> for ApiCaller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &Shared<S>) -> Result<Self, WebError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| WebError::unauthorized().api())?;
        let auth = Auth::new(&app.store, app.options.sessions);
        let user = auth
            .token(token, now())
            .await
            .map_err(|e| WebError::from(e).api())?
            .ok_or_else(|| WebError::unauthorized().api())?;
        let scope = scope_of(&user).map_err(|e| WebError::from(e).api())?;
        Ok(ApiCaller(Caller {
            user,
            scope,
            csrf: String::new(),
            session: None,
        }))
    }
}

/// Whether a state-changing request comes from our own pages: `Sec-Fetch-Site` (sent by every
/// current browser) must say so; without it, an `Origin` must be ours (the configured public
/// origin, or the `Host` the request was sent to).
pub fn same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // No browser signal at all (a script, an old client): the CSRF token decides.
        return true;
    };
    if let Some(public) = public_origin {
        return origin == public;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin == format!("http://{host}") || origin == format!("https://{host}")
}

fn refused_origin() -> WebError {
    WebError::forbidden("请求来源不是本系统的页面，已拒绝（跨站请求）")
}

fn refused_token() -> WebError {
    WebError::forbidden("页面已过期或来源不明（缺少有效的表单令牌），请刷新页面后重试")
}

/// The first checks of every state-changing form: our own origin, then a valid session.
async fn posting_caller<S: WebStore>(
    parts: &mut Parts,
    app: &Shared<S>,
) -> Result<Caller, Response> {
    if !same_origin(&parts.headers, app.options.public_origin.as_deref()) {
        return Err(refused_origin().into_response());
    }
    let OfficeCaller(caller) = OfficeCaller::from_request_parts(parts, app).await?;
    Ok(caller)
}

/// The last check: the form's CSRF token is the session's.
fn check_token(given: Option<&str>, caller: &Caller) -> Result<(), WebError> {
    if given.is_some_and(|t| same_secret(t, &caller.csrf)) {
        Ok(())
    } else {
        Err(refused_token())
    }
}

/// A posted form of a logged-in page session, whose origin and CSRF token were checked.
#[derive(Debug)]
pub struct SecureForm<T> {
    pub caller: Caller,
    pub form: T,
}

/// The fields of a posted form, with the CSRF token taken out.
fn split_csrf(body: &[u8]) -> (Option<String>, Vec<(String, String)>) {
    let mut csrf = None;
    let mut rest = Vec::new();
    for (k, v) in form_urlencoded::parse(body) {
        if k == "csrf" {
            csrf = Some(v.into_owned());
        } else {
            rest.push((k.into_owned(), v.into_owned()));
        }
    }
    (csrf, rest)
}

impl<S: WebStore, T: DeserializeOwned> FromRequest<Shared<S>> for SecureForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, app: &Shared<S>) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let caller = posting_caller(&mut parts, app).await?;
        let bytes = axum::body::to_bytes(body, app.options.upload_max)
            .await
            .map_err(|_| WebError::too_large("提交的内容过大").into_response())?;
        let (csrf, fields) = split_csrf(&bytes);
        check_token(csrf.as_deref(), &caller).map_err(IntoResponse::into_response)?;
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let form = serde_urlencoded::from_str(&encoded)
            .map_err(|e| WebError::bad_request(format!("表单内容有误：{e}")).into_response())?;
        Ok(SecureForm { caller, form })
    }
}

/// A file posted with a form.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A posted multipart form (an upload) of a logged-in page session, origin and CSRF token
/// checked, its text fields and files read within the upload limit.
#[derive(Debug)]
pub struct SecureMultipart {
    pub caller: Caller,
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, Upload)>,
}

impl SecureMultipart {
    /// A text field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A non-empty file of the form.
    pub fn file(&self, name: &str) -> Option<&Upload> {
        self.files
            .iter()
            .find(|(k, f)| k == name && !f.bytes.is_empty())
            .map(|(_, f)| f)
    }
}

impl<S: WebStore> FromRequest<Shared<S>> for SecureMultipart {
    type Rejection = Response;

    async fn from_request(req: Request, app: &Shared<S>) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let caller = posting_caller(&mut parts, app).await?;
        let req = Request::from_parts(parts, body);
        let multipart = axum::extract::Multipart::from_request(req, app)
            .await
            .map_err(|e| WebError::bad_request(format!("上传内容有误：{e}")).into_response())?;
        let (fields, files) = read_multipart(multipart, app.options.upload_max)
            .await
            .map_err(|e| (*e).into_response())?;
        let csrf = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str());
        check_token(csrf, &caller).map_err(IntoResponse::into_response)?;
        Ok(SecureMultipart {
            caller,
            fields,
            files,
        })
    }
}

/// The text fields and the files of a multipart form, read within `limit` bytes in all.
///
/// # Errors
/// A malformed form (400) or one past the limit (413).
pub async fn read_multipart(
    mut multipart: axum::extract::Multipart,
    limit: usize,
) -> Result<(Vec<(String, String)>, Vec<(String, Upload)>), Box<WebError>> {
    let too_large = || {
        Box::new(WebError::too_large(format!(
            "上传的文件过大（上限 {} MB）",
            limit >> 20
        )))
    };
    let mut fields = Vec::new();
    let mut files = Vec::new();
    let mut total = 0usize;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(Box::new(WebError::bad_request(format!(
                    "上传内容有误：{e}"
                ))));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|_| too_large())?;
        total = total.saturating_add(bytes.len());
        if total > limit {
            return Err(too_large());
        }
        match file_name {
            Some(file_name) => files.push((
                name,
                Upload {
                    name: file_name,
                    bytes: bytes.to_vec(),
                },
            )),
            None => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok((fields, files))
}

/// The session cookie carrying `secret`.
pub fn session_cookie(secret: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, secret))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .build()
}

/// A cookie that removes the session cookie.
pub fn expired_cookie(secure: bool) -> Cookie<'static> {
    let mut c = session_cookie(String::new(), secure);
    c.make_removal();
    c
}
