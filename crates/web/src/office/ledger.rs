//! 台账导入: an agency's ledger uploaded as XLSX or CSV, every wrong row shown with its row and
//! column, all or nothing; the template to download.

use crate::auth::{OfficeCaller, SecureMultipart};
use crate::error::{FieldError, WebError, WebResult};
use crate::office::{Choice, agency_choices};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use gongkai_access::Capability;
use gongkai_services::ServiceError;
use gongkai_services::ledger::{LedgerFile, LedgerSource};
use gongkai_store::Difference;

#[derive(Debug, Template)]
#[template(path = "ledger.html")]
pub struct LedgerPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub done: Option<String>,
    pub errors: Vec<FieldError>,
    pub error_total: usize,
    pub differences: Vec<Difference>,
    pub message: String,
}

fn blank(layout: Layout, agencies: Vec<Choice>) -> LedgerPage {
    LedgerPage {
        layout,
        agencies,
        done: None,
        errors: Vec::new(),
        error_total: 0,
        differences: Vec::new(),
        message: String::new(),
    }
}

/// `GET /office/ledger`.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
) -> WebResult<Html<String>> {
    let choices = agency_choices(&app, &caller, "", Some(Capability::Handle)).await?;
    render(&blank(Layout::new(&caller, Section::Ledger), choices))
}

/// `POST /office/ledger`: imports the uploaded ledger in one transaction.
pub async fn import<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureMultipart,
) -> WebResult<Response> {
    let agency = posted.field("agency").unwrap_or_default().to_owned();
    let apply = posted
        .field("apply_changes")
        .is_some_and(|v| v == "1" || v == "on");
    let caller = posted.caller.clone();
    let Some(file) = posted.file("file") else {
        return Err(WebError::invalid("请选择要导入的台账文件（.xlsx 或 .csv）"));
    };
    if !is_ledger(&file.bytes) {
        return Err(WebError::unsupported(
            "台账须为 Excel（.xlsx）或 CSV 文件；旧版 .xls 请先另存为 .xlsx",
        ));
    }
    let remedies = posted.file("remedies").map(|f| f.bytes.as_slice());
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let result = ctx
        .import_ledger(
            &agency,
            LedgerFile {
                name: &file.name,
                source: LedgerSource::Bytes(&file.bytes),
                remedies,
                progress: None,
            },
            apply,
        )
        .await;
    let mut out = blank(
        Layout::new(&caller, Section::Ledger),
        agency_choices(&app, &caller, &agency, Some(Capability::Handle)).await?,
    );
    let status = match result {
        Ok(done) => {
            out.done = Some(done.describe());
            StatusCode::OK
        }
        Err(ServiceError::Ledger(errors)) => {
            let web = WebError::from(ServiceError::Ledger(errors.clone()));
            out.errors = web.details;
            out.error_total = errors.total;
            out.message = format!("台账有 {} 处错误，未导入任何数据", errors.total);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(ServiceError::Differences(list)) => {
            out.message = format!(
                "台账中有 {} 处与已登记的记录不同，未导入任何数据。核对无误后，勾选“按台账更正”再导入一次。",
                list.len()
            );
            out.differences = list;
            StatusCode::CONFLICT
        }
        Err(e) => return Err(e.into()),
    };
    Ok((status, render(&out)?).into_response())
}

/// Whether an upload is a workbook (a ZIP package) or text (no NUL byte in its first
/// kilobytes), judged by content, not by the name.
fn is_ledger(bytes: &[u8]) -> bool {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];
    if bytes.starts_with(b"PK\x03\x04") {
        return true;
    }
    let head = &bytes[..bytes.len().min(4096)];
    // UTF-16 text has NUL bytes; its byte order mark says what it is.
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    utf16 || (!bytes.starts_with(OLE) && !head.contains(&0))
}

/// `GET /office/ledger/template`: the blank XLSX template with drop-down lists.
pub async fn template<S: WebStore>(OfficeCaller(_caller): OfficeCaller) -> WebResult<Response> {
    let bytes = gongkai_ledger::template().map_err(|e| WebError::internal(&e))?;
    Ok(download(bytes, XLSX, "台账模板.xlsx"))
}

/// The media type of a workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file to download, its name given both as ASCII fallback and in UTF-8 (RFC 6266).
pub fn download(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let encoded = crate::auth::form_urlencoded_component(name);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"download\"; filename*=UTF-8''{encoded}"
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
