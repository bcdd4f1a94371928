//! 检查报告: a published report uploaded in any form the reader takes (HTML, text, Word, PDF,
//! gongkai's own files), shown as the statutory tables with each finding next to its cells and
//! where the reader found each figure; with the previous year's report beside it, the two
//! compared as `gongkai report diff` does (the cross-year rules R5 and R6, the cells that
//! changed).

use crate::auth::{OfficeCaller, SecureMultipart};
use crate::error::{WebError, WebResult};
use crate::office::reports::{FindingLine, decorated_tables, finding_lines};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_report::template;
use gongkai_services::review::{Aliases, compare};

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

/// The checked report set against the previous year's.
#[derive(Debug)]
pub struct Compared {
    pub file: String,
    /// `None` when the reader could not determine it.
    pub previous_year: Option<i32>,
    /// Whether the two are consecutive years of one agency (else R5, R6 are not checked).
    pub paired: bool,
    pub findings: Vec<FindingLine>,
    /// Name of the cell, the previous figure, this report's figure.
    pub changed: Vec<(String, String, String)>,
    pub sections: Vec<&'static str>,
}

#[derive(Debug, Template)]
#[template(path = "check.html")]
pub struct CheckPage {
    pub layout: Layout,
    pub checked: Option<Checked>,
    pub compared: Option<Compared>,
    pub error: String,
}

/// A figure as the comparison shows it.
fn shown(v: Option<gongkai_report::Value>) -> String {
    v.map_or_else(|| "空".to_owned(), |v| v.to_string())
}

/// `GET /office/check`.
pub async fn page<S: WebStore>(OfficeCaller(caller): OfficeCaller) -> WebResult<Html<String>> {
    render(&CheckPage {
        layout: Layout::new(&caller, Section::Check),
        checked: None,
        compared: None,
        error: String::new(),
    })
}

/// `POST /office/check`: reads and checks the uploaded report, and compares it with the
/// previous year's when that is uploaded too. Nothing is stored.
pub async fn check<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureMultipart,
) -> WebResult<Response> {
    let layout = Layout::new(&posted.caller, Section::Check);
    let Some(file) = posted.file("file") else {
        return Err(WebError::invalid("请选择要检查的年度报告文件"));
    };
    let unreadable = |name: &str, e: &dyn std::fmt::Display| {
        let page = CheckPage {
            layout: Layout::new(&posted.caller, Section::Check),
            checked: None,
            compared: None,
            error: format!("{name}：{e}"),
        };
        Ok::<_, WebError>((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
    };
    let previous = match posted.file("previous") {
        None => None,
        Some(p) => match gongkai_services::review::review(&p.bytes) {
            Ok(r) => Some((p.name.clone(), r)),
            Err(e) => return unreadable(&p.name, &e),
        },
    };
    let page = match gongkai_services::review::review(&file.bytes) {
        Ok(reviewed) => {
            let compared = match previous {
                None => None,
                Some((name, before)) => {
                    let settings = app.settings();
                    let ctx = posted.caller.ctx(&app, &settings);
                    let aliases = Aliases::new(ctx.name_variants().await?);
                    let c = compare(&before, &reviewed, &aliases);
                    let format = reviewed.report().format;
                    Some(Compared {
                        file: name,
                        previous_year: before.report().known_year(),
                        paired: c.paired,
                        findings: finding_lines(&c.findings),
                        changed: c
                            .changed
                            .into_iter()
                            .map(|(k, a, b)| (template::cell_name(format, k), shown(a), shown(b)))
                            .collect(),
                        sections: c
                            .sections
                            .iter()
                            .map(|&s| template::section_heading(s))
                            .collect(),
                    })
                }
            };
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
                compared,
                error: String::new(),
            }
        }
        Err(e) => return unreadable(&file.name, &e),
    };
    Ok(render(&page)?.into_response())
}
