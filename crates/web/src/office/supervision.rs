//! 督查与考核: the supervising office's dashboard of its subtree (`/office/supervision`,
//! sortable, filterable, exported as XLSX) and the assessment of its units under a scoring
//! scheme pasted or uploaded as TOML (`/office/assessment`, exported as XLSX or DOCX).

use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::office::ledger::{XLSX, download};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use gongkai_assess::Scheme;
use gongkai_services::assessment::{self, Assessment};
use gongkai_services::dashboard::{self, Column, Only, UnitRow, show_rate};
use serde::Deserialize;

/// `?year=&sort=&desc=&only=&format=`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SupervisionQuery {
    pub year: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub desc: Option<String>,
    #[serde(default)]
    pub only: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
}

fn year_of(text: Option<&str>, default: i32) -> WebResult<i32> {
    Ok(crate::office::query_year(text)?.unwrap_or(default))
}

/// A column heading: its label and the link that sorts by it (the other way when it is the
/// current order).
#[derive(Debug, Clone)]
pub struct Heading {
    pub label: &'static str,
    pub href: String,
    pub current: &'static str,
}

/// One unit as shown.
#[derive(Debug, Clone)]
pub struct Line {
    pub agency: String,
    pub filing: String,
    pub requests: usize,
    pub open: usize,
    pub overdue: usize,
    pub closed_late: usize,
    pub on_time: String,
    pub oldest: String,
    pub state: &'static str,
    pub timeliness: String,
    pub late: bool,
    pub errors: usize,
    pub warnings: usize,
    pub generated: bool,
    pub implausible: Vec<String>,
    pub late_publications: String,
    pub interpretation: String,
    pub directory_gaps: String,
    /// The unit's coverage page.
    pub directory: String,
}

#[derive(Debug, Template)]
#[template(path = "office/supervision.html")]
pub struct SupervisionPage {
    pub layout: Layout,
    pub year: i32,
    pub only: String,
    pub headings: Vec<Heading>,
    pub lines: Vec<Line>,
    pub total: usize,
    pub xlsx: String,
    pub consolidated: Option<String>,
}

fn line(r: &UnitRow, year: i32) -> Line {
    Line {
        agency: r.agency().to_owned(),
        filing: format!(
            "/office/filing?agency={}&year={year}",
            crate::auth::form_urlencoded_component(r.agency())
        ),
        requests: r.requests,
        open: r.open,
        overdue: r.overdue,
        closed_late: r.closed_late,
        on_time: show_rate(r.on_time_rate()),
        oldest: r
            .oldest_open
            .as_ref()
            .map_or_else(String::new, |(reference, d)| format!("{reference}（{d}）")),
        state: r.filing.state.label(),
        timeliness: r.filing.timeliness.label(r.filing.path),
        late: r.filing.timeliness.is_late(),
        errors: r.errors,
        warnings: r.warnings,
        generated: r.report == dashboard::ReportSource::Generated,
        implausible: r.implausible.clone(),
        late_publications: r
            .catalogue
            .as_ref()
            .map_or_else(|| "—".to_owned(), |c| c.late.to_string()),
        interpretation: r
            .catalogue
            .as_ref()
            .map_or_else(|| "—".to_owned(), |c| show_rate(c.interpretation)),
        directory_gaps: r
            .directory_gaps
            .map_or_else(|| "—".to_owned(), |g| g.to_string()),
        directory: format!(
            "/office/directory?agency={}&year={year}",
            crate::auth::form_urlencoded_component(r.agency())
        ),
    }
}

/// `GET /office/supervision`.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<SupervisionQuery>,
) -> WebResult<Response> {
    let settings = app.settings();
    let year = year_of(q.year.as_deref(), settings.today.year() - 1)?;
    let sort = match q.sort.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            Some(Column::from_key(s).ok_or_else(|| WebError::invalid(format!("不能按“{s}”排序")))?)
        }
    };
    let desc = q.desc.as_deref().is_some_and(|d| d == "1");
    let only = match q.only.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Only::from_key(s).ok_or_else(|| {
            WebError::invalid(format!("筛选条件“{s}”无效（late、overdue 或 failing）"))
        })?),
    };
    let ctx = caller.ctx(&app, &settings);
    let all = ctx.supervision(year).await?;
    let total = all.len();
    // The consolidated report of the subtree: the top of what the caller sees.
    let top = all
        .iter()
        .find(|r| {
            r.filing
                .agency
                .parent
                .is_none_or(|p| !all.iter().any(|o| o.filing.agency.id == p))
        })
        .map(|r| r.agency().to_owned());
    let mut rows: Vec<UnitRow> = all
        .into_iter()
        .filter(|r| only.is_none_or(|o| o.keeps(r)))
        .collect();
    if let Some(c) = sort {
        dashboard::sort(&mut rows, c, desc);
    }
    if q.format.as_deref() == Some("xlsx") {
        let bytes = gongkai_render::listing::xlsx(&dashboard::listing(year, &rows))
            .map_err(|e| WebError::internal(&e))?;
        return Ok(download(bytes, XLSX, &format!("{year}年度督查.xlsx")));
    }
    let only_key = q.only.clone().unwrap_or_default();
    let base = |extra: &str| {
        format!(
            "/office/supervision?year={year}{}{extra}",
            if only_key.is_empty() {
                String::new()
            } else {
                format!("&only={only_key}")
            }
        )
    };
    let headings = Column::ALL
        .into_iter()
        .map(|c| {
            let is = sort == Some(c);
            Heading {
                label: c.label(),
                href: base(&format!(
                    "&sort={}{}",
                    c.key(),
                    if is && !desc { "&desc=1" } else { "" }
                )),
                current: match (is, desc) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
            }
        })
        .collect();
    let xlsx = base(&format!(
        "{}&format=xlsx",
        sort.map_or_else(String::new, |c| format!(
            "&sort={}{}",
            c.key(),
            if desc { "&desc=1" } else { "" }
        ))
    ));
    Ok(render(&SupervisionPage {
        layout: Layout::new(&caller, Section::Supervision),
        year,
        only: only_key,
        headings,
        lines: rows.iter().map(|r| line(r, year)).collect(),
        total,
        xlsx,
        consolidated: top.map(|t| {
            format!(
                "/office/reports?agency={}&year={year}&consolidated=1",
                crate::auth::form_urlencoded_component(&t)
            )
        }),
    })?
    .into_response())
}

/// The assessment form: the year, the agency (optional) and the scheme.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssessForm {
    pub year: Option<String>,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub scheme: String,
    /// `xlsx` or `docx` to download; else the page.
    #[serde(default)]
    pub format: String,
}

/// A unit's line of the ranking.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub rank: String,
    pub unit: String,
    pub total: String,
    pub note: String,
    /// (item, figure shown, points, score, compared)
    pub lines: Vec<(String, String, String, String, bool)>,
}

#[derive(Debug, Template)]
#[template(path = "office/assessment.html")]
pub struct AssessmentPage {
    pub layout: Layout,
    pub year: i32,
    pub agency: String,
    pub scheme: String,
    pub error: String,
    pub items: Vec<String>,
    pub ranked: Vec<Ranked>,
}

fn ranked(a: &Assessment) -> Vec<Ranked> {
    a.units
        .iter()
        .map(|u| Ranked {
            rank: u.rank.map_or_else(|| "—".to_owned(), |r| r.to_string()),
            unit: u.unit.clone(),
            total: format!("{:.2}", u.total),
            note: if u.ranked {
                String::new()
            } else {
                assessment::unranked_note(&a.scheme)
            },
            lines: u
                .lines
                .iter()
                .map(|l| {
                    (
                        l.item.clone(),
                        l.value
                            .map_or_else(|| "无此项".to_owned(), |v| l.figure.show(v)),
                        l.points.map_or_else(String::new, |p| format!("{p}")),
                        l.score.map_or_else(String::new, |s| format!("{s:.2}")),
                        l.compared,
                    )
                })
                .collect(),
        })
        .collect()
}

/// `GET /office/assessment`: the form with the sample scheme.
pub async fn assessment_form<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
) -> WebResult<Response> {
    let settings = app.settings();
    Ok(render(&AssessmentPage {
        layout: Layout::new(&caller, Section::Supervision),
        year: settings.today.year() - 1,
        agency: String::new(),
        scheme: gongkai_assess::SAMPLE.to_owned(),
        error: String::new(),
        items: Vec::new(),
        ranked: Vec::new(),
    })?
    .into_response())
}

/// `POST /office/assessment`: scores the units; a broken scheme is shown with its line.
pub async fn assess<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<AssessForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let year = year_of(form.year.as_deref(), settings.today.year() - 1)?;
    let page = |error: String, items: Vec<String>, ranked: Vec<Ranked>| AssessmentPage {
        layout: Layout::new(&caller, Section::Supervision),
        year,
        agency: form.agency.clone(),
        scheme: form.scheme.clone(),
        error,
        items,
        ranked,
    };
    let scheme = match Scheme::parse(&form.scheme) {
        Ok(s) => s,
        Err(e) => {
            let mut response =
                render(&page(e.to_string(), Vec::new(), Vec::new()))?.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(response);
        }
    };
    let agency = Some(form.agency.trim()).filter(|a| !a.is_empty());
    let result = caller
        .ctx(&app, &settings)
        .assess(year, &scheme, agency)
        .await?;
    let table = assessment::listing(&result);
    let name = format!("{year}年度考核");
    match form.format.as_str() {
        "xlsx" => Ok(download(
            gongkai_render::listing::xlsx(&table).map_err(|e| WebError::internal(&e))?,
            XLSX,
            &format!("{name}.xlsx"),
        )),
        "docx" => Ok(download(
            gongkai_render::listing::docx(&table).map_err(|e| WebError::internal(&e))?,
            DOCX,
            &format!("{name}.docx"),
        )),
        _ => Ok(render(&page(
            String::new(),
            scheme
                .items
                .iter()
                .map(|i| format!("{}（{}，满分 {}）", i.name, i.figure.label(), i.weight))
                .collect(),
            ranked(&result),
        ))?
        .into_response()),
    }
}

/// The media type of a Word document.
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
