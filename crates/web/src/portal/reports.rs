//! The published annual reports on the portal (第四十九条、第五十条): each agency's published
//! years, a year's report as its statutory HTML page (the render crate's page, in the portal's
//! layout) with the Word and Excel downloads, the earlier versions with their 更正说明, and the
//! findings of the checks when the installation chooses to show them (`portal.show_findings`).

use super::catalogue::content_disposition;
use super::{PortalLayout, PortalSection, public};
use crate::error::{WebError, WebResult};
use crate::office::reports::{FindingLine, finding_lines};
use crate::pages::render;
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use gongkai_cases::AgencyId;
use gongkai_render::{DocumentMeta, Target};

/// The media type of a Word document.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A moment as the pages print it: China's time (UTC+8), to the minute.
pub fn china_time(t: DateTime<Utc>) -> String {
    chrono::FixedOffset::east_opt(8 * 3600)
        .map(|tz| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// One published year in the listing.
#[derive(Debug, Clone)]
pub struct YearLine {
    pub year: i32,
    pub version: i32,
    pub published_at: String,
}

#[derive(Debug, Template)]
#[template(path = "portal/reports.html")]
pub struct ReportsPage {
    pub layout: PortalLayout,
    pub agency_id: i64,
    pub agency: String,
    pub years: Vec<YearLine>,
}

/// Another version in the report's page.
#[derive(Debug, Clone)]
pub struct VersionLine {
    pub version: i32,
    pub published_at: String,
    pub note: String,
    pub latest: bool,
}

/// `?version=N`: an earlier version of a published report (a correction never replaces a
/// published version: every one stays readable).
#[derive(Debug, Default, serde::Deserialize)]
pub struct VersionQuery {
    #[serde(default)]
    pub version: String,
}

#[derive(Debug, Template)]
#[template(path = "portal/report.html")]
pub struct ReportPage {
    pub layout: PortalLayout,
    pub agency_id: i64,
    pub agency: String,
    pub year: i32,
    pub version: i32,
    /// The latest version, when the one shown is an earlier one.
    pub superseded_by: Option<i32>,
    pub published_at: String,
    /// The 更正说明 of the version shown (empty for a first publication).
    pub note: String,
    /// `?version=N` for the downloads of an earlier version, else empty.
    pub version_query: String,
    /// The statutory page's content, made and escaped by `gongkai-render`.
    pub body: String,
    /// The other versions, newest first.
    pub others: Vec<VersionLine>,
    /// `Some` when the installation shows the checks' findings.
    pub findings: Option<Vec<FindingLine>>,
}

fn agency_id(id: &str) -> WebResult<AgencyId> {
    id.parse()
        .map(AgencyId)
        .map_err(|_| WebError::not_found("没有这个机关"))
}

/// `GET /agencies/{id}/reports`: the agency's published years, newest first.
pub async fn list<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = agency_id(&id)?;
    let settings = app.settings();
    let found = public(&app, &settings)?.published_reports(id).await?;
    let page = ReportsPage {
        layout: PortalLayout::new(
            format!("{}政府信息公开工作年度报告", found.agency.name),
            PortalSection::None,
        ),
        agency_id: found.agency.id.0,
        agency: found.agency.name.clone(),
        years: found
            .years
            .iter()
            .map(|v| YearLine {
                year: v.year,
                version: v.version,
                published_at: china_time(v.published_at),
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

/// `GET /agencies/{id}/reports/{year}`: the year's report as its statutory page, and
/// `…/{year}.docx`, `…/{year}.xlsx` its downloads; the latest version, or `?version=N`.
pub async fn report<S: WebStore>(
    State(app): State<Shared<S>>,
    Path((id, year)): Path<(String, String)>,
    Query(asked): Query<VersionQuery>,
) -> WebResult<Response> {
    let id = agency_id(&id)?;
    let (year, target) = match year.split_once('.') {
        None => (year.as_str(), None),
        Some((y, "docx")) => (y, Some(Target::Docx)),
        Some((y, "xlsx")) => (y, Some(Target::Xlsx)),
        Some(_) => return Err(WebError::not_found("没有这种格式的年度报告")),
    };
    let year: i32 = year
        .parse()
        .map_err(|_| WebError::not_found("没有这个年度的年度报告"))?;
    let version = match asked.version.trim() {
        "" => None,
        v => Some(
            v.parse::<i32>()
                .map_err(|_| WebError::not_found("没有这个版本的年度报告"))?,
        ),
    };
    let settings = app.settings();
    let found = public(&app, &settings)?
        .published_report(id, year, version)
        .await?;
    let published = found.snapshot.published_at;
    let china = chrono::FixedOffset::east_opt(8 * 3600);
    let meta = DocumentMeta {
        signed_on: china.map(|tz| published.with_timezone(&tz).date_naive()),
        created: china.map(|tz| published.with_timezone(&tz)),
    };
    if let Some(target) = target {
        let bytes = gongkai_render::render_with(&found.report, &found.findings, target, &meta)
            .map_err(|e| WebError::internal(&e))?;
        let media_type = match target {
            Target::Docx => DOCX,
            _ => crate::office::ledger::XLSX,
        };
        let name = match version {
            Some(v) => format!(
                "{}（第{v}版）.{}",
                gongkai_render::title(&found.report),
                target.name()
            ),
            None => format!("{}.{}", gongkai_render::title(&found.report), target.name()),
        };
        let mut response = bytes.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&content_disposition(&name))
                .unwrap_or(HeaderValue::from_static("attachment")),
        );
        return Ok(response);
    }
    let html = gongkai_render::render_with(&found.report, &found.findings, Target::Html, &meta)
        .map_err(|e| WebError::internal(&e))?;
    let html = String::from_utf8_lossy(&html);
    // The page's content without its document, head and styles: the portal's layout and
    // stylesheet hold it.
    let body = html
        .split_once("<main>")
        .and_then(|(_, rest)| rest.rsplit_once("</main>"))
        .map_or_else(String::new, |(inner, _)| inner.trim().to_owned())
        // Each table in a box that scrolls sideways on a narrow screen.
        .replace("<table ", "<div class=\"table-wrap\"><table ")
        .replace("</table>", "</table></div>");
    let latest = found.versions.iter().map(|v| v.version).max();
    let page = ReportPage {
        layout: PortalLayout::new(gongkai_render::title(&found.report), PortalSection::None),
        agency_id: found.agency.id.0,
        agency: found.agency.name.clone(),
        year,
        version: found.snapshot.version,
        superseded_by: latest.filter(|&l| l != found.snapshot.version),
        published_at: china_time(published),
        note: found.snapshot.note.clone().unwrap_or_default(),
        version_query: version.map_or_else(String::new, |v| format!("?version={v}")),
        body,
        others: found
            .versions
            .iter()
            .filter(|v| v.version != found.snapshot.version)
            .map(|v| VersionLine {
                version: v.version,
                published_at: china_time(v.published_at),
                note: v.note.clone().unwrap_or_default(),
                latest: Some(v.version) == latest,
            })
            .collect(),
        findings: app
            .options
            .show_findings
            .then(|| finding_lines(&found.findings)),
    };
    Ok(render(&page)?.into_response())
}
