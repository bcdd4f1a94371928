//! The one error type of the web layer: it logs the cause and shows a plain Chinese message,
//! as a page (in the back office's layout, or the portal's on a public path) and as
//! `{"error": {"code", "message", "details"}}` for the API (`docs/web.md` §2). No stack trace,
//! SQL or file path ever reaches a response: a store's backend error is logged with the
//! request id and answered with a generic sentence.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_services::{AccessError, ServiceError};
use gongkai_store::StoreError;
use serde::Serialize;

/// Where the error is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// A page of the back office.
    Page,
    /// The JSON API.
    Api,
}

/// A field that was wrong, for 422 answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name, as in the request.
    pub field: String,
    pub message: String,
}

/// An error answer.
#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    /// A stable snake_case code for programs.
    pub code: &'static str,
    /// The Chinese message for people.
    pub message: String,
    pub details: Vec<FieldError>,
    /// The checks' findings behind a refused filing step.
    pub findings: Vec<FindingOut>,
    pub face: Face,
}

/// A finding of the checks R1–R10 (spec §5) that refused a step of the filing workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FindingOut {
    /// `R1` … `R10`.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: String,
    /// The cells concerned, as canonical keys.
    pub cells: Vec<String>,
    pub message: String,
}

impl From<&gongkai_report::Finding> for FindingOut {
    fn from(f: &gongkai_report::Finding) -> Self {
        FindingOut {
            rule: format!("{:?}", f.rule),
            severity: match f.severity {
                gongkai_report::Severity::Error => "error",
                gongkai_report::Severity::Warning => "warning",
            }
            .to_owned(),
            cells: f.cells.iter().map(ToString::to_string).collect(),
            message: f.message.clone(),
        }
    }
}

/// The body of every error answer of the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`, `too_large`,
    /// `unsupported_type`, `invalid`, `too_many_requests` or `internal`.
    pub code: String,
    /// What went wrong, in Chinese.
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<FieldError>,
    /// The findings that refused a step of the filing workflow (`checks_failed`,
    /// `explanations_missing`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingOut>,
}

impl WebError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        WebError {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
            findings: Vec::new(),
            face: Face::Page,
        }
    }

    /// The same error shown as the API shows errors.
    pub fn api(mut self) -> Self {
        self.face = Face::Api;
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "需要登录或有效的访问令牌",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }

    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            message,
        )
    }

    pub fn too_many(message: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
    }

    /// An unexpected failure: the cause is logged, the answer says only that it failed.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，请稍后再试；如果一再出现，请联系管理员",
        )
    }

    pub fn with_details(mut self, details: Vec<FieldError>) -> Self {
        self.details = details;
        self
    }
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        match e {
            // A scope that does not see the agency learns nothing of it, not even that it
            // exists (docs/web.md §2).
            ServiceError::Access(AccessError::Denied { .. })
            | ServiceError::UnknownAgency(_)
            | ServiceError::UnknownRequest { .. }
            | ServiceError::UnknownRequestId(_)
            | ServiceError::UnknownRemedy { .. } => WebError::not_found(e.to_string()),
            ServiceError::Access(_) => WebError::forbidden(e.to_string()),
            ServiceError::Ledger(errors) => {
                let details = errors
                    .errors
                    .iter()
                    .map(|l| FieldError {
                        field: match (l.row, l.column.as_deref()) {
                            (Some(r), Some(c)) => format!("{} 第{r}行 {c}", l.sheet),
                            (Some(r), None) => format!("{} 第{r}行", l.sheet),
                            _ => l.sheet.clone(),
                        },
                        message: l.message.clone(),
                    })
                    .collect();
                WebError::invalid(errors.to_string()).with_details(details)
            }
            ServiceError::Differences(list) => {
                let details = list
                    .iter()
                    .map(|d| FieldError {
                        field: format!("{} {} {}", d.record, d.reference, d.change.field),
                        message: format!("已登记“{}” → 文件“{}”", d.change.old, d.change.new),
                    })
                    .collect();
                WebError::conflict(format!(
                    "台账中有 {} 处与已登记的记录不同，未导入任何数据",
                    list.len()
                ))
                .with_details(details)
            }
            ServiceError::Merged { .. } | ServiceError::Routing(_) => {
                WebError::conflict(e.to_string())
            }
            // 第四十九条: the workflow's refusal, with the findings of the checks behind it.
            ServiceError::Refused(ref r) => {
                let mut w = WebError::new(StatusCode::CONFLICT, r.code(), e.to_string());
                w.findings = r.findings().iter().map(FindingOut::from).collect();
                w.details = w
                    .findings
                    .iter()
                    .map(|f| FieldError {
                        field: f.rule.clone(),
                        message: f.message.clone(),
                    })
                    .collect();
                w
            }
            ServiceError::Store(s) => s.into(),
            ServiceError::Calendar(_) | ServiceError::Invalid(_) => {
                WebError::invalid(e.to_string())
            }
            ServiceError::Redact(r) => redact_error(r),
            ServiceError::Fields(ref problems) => {
                let details = problems
                    .iter()
                    .map(|p| FieldError {
                        field: p.field.to_owned(),
                        message: p.message.clone(),
                    })
                    .collect();
                WebError::invalid(e.to_string()).with_details(details)
            }
        }
    }
}

/// A document that could not be read or rebuilt for redaction: a kind that cannot be redacted
/// is 415, bad boxes or a file the programs cannot process 422, a program missing or too slow
/// on the server 503 (the message names the program, never a path).
fn redact_error(e: gongkai_redact::Error) -> WebError {
    use gongkai_redact::Error as R;
    match e {
        R::Unsupported(_) => WebError::unsupported(e.to_string()),
        R::Invalid(ref problems) => {
            let details = problems
                .iter()
                .map(|p| FieldError {
                    field: format!("boxes[{}].{}", p.index, p.field),
                    message: p.message.clone(),
                })
                .collect();
            WebError::invalid(e.to_string()).with_details(details)
        }
        R::Failed { .. } | R::Image(_) => WebError::invalid(e.to_string()),
        R::MissingProgram { .. } | R::Timeout { .. } => {
            tracing::error!(error = %e, "redaction unavailable");
            WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                e.to_string(),
            )
        }
        R::Io(_) => WebError::internal(&e),
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => WebError::not_found(m),
            StoreError::Conflict(m) => WebError::conflict(m),
            // A refused transition cites its article: the state machine said no.
            StoreError::Refused(_)
            | StoreError::Correction(_)
            | StoreError::Confirmation(_)
            | StoreError::MessageState(_) => WebError::conflict(e.to_string()),
            StoreError::Invalid(m) => WebError::invalid(m),
            other => WebError::internal(&other),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self.face {
            Face::Api => {
                let body = ErrorBody {
                    error: ErrorDetail {
                        code: self.code.to_owned(),
                        message: self.message,
                        details: if self.findings.is_empty() {
                            self.details
                        } else {
                            Vec::new()
                        },
                        findings: self.findings,
                    },
                };
                let response = (self.status, axum::Json(body)).into_response();
                retry_after(self.status, response)
            }
            Face::Page => {
                let shown = ShownError {
                    status: self.status.as_u16(),
                    message: self.message,
                    details: self.details,
                };
                let page = crate::pages::ErrorPage::new(
                    shown.status,
                    shown.message.clone(),
                    shown.details.clone(),
                );
                let html = crate::pages::render(&page).unwrap_or_else(|_| {
                    Html("<!DOCTYPE html><title>错误</title><p>出错了</p>".to_owned())
                });
                let mut response = (self.status, html).into_response();
                // The portal's pages show it again in their own layout
                // (`portal::error_pages`, which knows the path).
                response.extensions_mut().insert(shown);
                retry_after(self.status, response)
            }
        }
    }
}

/// An error shown as a page, kept in the response's extensions: the page is rendered in the
/// back office's layout, and a layer that knows the request's path may render it again in
/// another (the portal's, [`crate::portal::error_pages`]).
#[derive(Debug, Clone)]
pub struct ShownError {
    pub status: u16,
    pub message: String,
    pub details: Vec<FieldError>,
}

/// A 429 says when to try again (the rate limits count per minute).
fn retry_after(status: StatusCode, mut response: Response) -> Response {
    if status == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("60"));
    }
    response
}

/// The result of a handler.
pub type WebResult<T> = Result<T, WebError>;
