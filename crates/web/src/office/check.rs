//! 检查报告: a published report uploaded in any form the reader takes (HTML, text, Word, PDF,
//! gongkai's own files), shown as the statutory tables with each finding next to its cells and
//! where the reader found each figure.

use crate::auth::{OfficeCaller, SecureMultipart};
use crate::error::{WebError, WebResult};
use crate::office::reports::{FindingLine, decorated_tables, finding_lines};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A checked report on the page.
#[derive(Debug)]
pub struct Checked {
    pub file: String,
    pub title: String,
    pub kind: String,
    pub found: usize,
    pub total: usize,
    pub tables: Vec<(String, String)>,
    pub findings: Vec<FindingLine>,
    pub reader_warnings: Vec<String>,
}

#[derive(Debug, Template)]
#[template(path = "check.html")]
pub struct CheckPage {
    pub layout: Layout,
    pub checked: Option<Checked>,
    pub error: String,
}

/// `GET /office/check`.
pub async fn page<S: WebStore>(OfficeCaller(caller): OfficeCaller) -> WebResult<Html<String>> {
    render(&CheckPage {
        layout: Layout::new(&caller, Section::Check),
        checked: None,
        error: String::new(),
    })
}

/// `POST /office/check`: reads and checks the uploaded report. Nothing is stored.
pub async fn check<S: WebStore>(
    State(_app): State<Shared<S>>,
    posted: SecureMultipart,
) -> WebResult<Response> {
    let layout = Layout::new(&posted.caller, Section::Check);
    let Some(file) = posted.file("file") else {
        return Err(WebError::invalid("请选择要检查的年度报告文件"));
    };
    let page = match gongkai_services::review::review(&file.bytes) {
        Ok(reviewed) => {
            let c = reviewed.completeness();
            CheckPage {
                layout,
                checked: Some(Checked {
                    file: file.name.clone(),
                    title: gongkai_render::title(reviewed.report()),
                    kind: reviewed.parsed.kind.name().to_owned(),
                    found: c.found,
                    total: c.total,
                    tables: decorated_tables(reviewed.report(), &reviewed.findings, None),
                    findings: finding_lines(&reviewed.findings),
                    reader_warnings: reviewed.parsed.warnings.clone(),
                }),
                error: String::new(),
            }
        }
        Err(e) => {
            let page = CheckPage {
                layout,
                checked: None,
                error: format!("{}：{e}", file.name),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    Ok(render(&page)?.into_response())
}
