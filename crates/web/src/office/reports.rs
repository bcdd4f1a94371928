//! 年度报告: an agency-year's report generated from the records (consolidated for a supervising
//! office), shown as the statutory tables with each finding next to its cells and every figure
//! of tables 三 and 四 a link to the records behind it; table 二 figures entered in a form;
//! downloads in every format.

use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::office::ledger::download as file_download;
use crate::office::{Choice, agency_choices};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use gongkai_access::Capability;
use gongkai_render::{Decoration, DocumentMeta, Target};
use gongkai_report::layout::TableId;
use gongkai_report::rules::{Finding, Severity};
use gongkai_report::template::{self, CellKind};
use gongkai_report::{CellKey, Format, Report, Value};
use gongkai_services::reports::{Counted, ReportWarning};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub agency: String,
    pub year: Option<String>,
    #[serde(default)]
    pub consolidated: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub cell: Option<String>,
}

impl ReportQuery {
    fn consolidated(&self) -> bool {
        self.consolidated
            .as_deref()
            .is_some_and(|v| v == "1" || v == "on" || v == "true")
    }

    fn year(&self) -> WebResult<Option<i32>> {
        crate::office::query_year(self.year.as_deref())
    }

    /// The query string of the same report, for links.
    fn link(&self, year: i32) -> String {
        let mut q = format!(
            "agency={}&year={year}",
            crate::auth::form_urlencoded_component(&self.agency)
        );
        if self.consolidated() {
            q.push_str("&consolidated=1");
        }
        q
    }
}

/// A table 二 cell in the figures form.
#[derive(Debug, Clone)]
pub struct FigureField {
    pub key: String,
    pub label: String,
    pub value: String,
}

/// A finding as shown.
#[derive(Debug, Clone)]
pub struct FindingLine {
    pub rule: String,
    pub error: bool,
    pub message: String,
    pub cells: String,
}

#[derive(Debug, Template)]
#[template(path = "reports.html")]
pub struct ReportsPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub query: ReportQuery,
    pub year: i32,
    pub can_consolidate: bool,
    pub shown: Option<Shown>,
}

/// A generated report on the page.
#[derive(Debug)]
pub struct Shown {
    pub title: String,
    pub link: String,
    /// The statutory tables, by section heading, as HTML made by `gongkai-render` (escaped
    /// there), decorated with findings and links.
    pub tables: Vec<(String, String)>,
    pub findings: Vec<FindingLine>,
    pub warnings: Vec<String>,
    pub formats: Vec<(&'static str, &'static str)>,
    pub figures: Vec<FigureField>,
    /// The report's text as Markdown, for the form (the template when none is set).
    pub prose: String,
    pub can_handle: bool,
    /// The versions published of this agency-year: (version, published at, 更正说明).
    pub published: Vec<(i32, String, String)>,
    /// The filing workflow's state of this agency-year (第四十九条), and its page.
    pub filing_state: &'static str,
    pub filing_link: String,
    /// The portal's page of the published report.
    pub portal_link: String,
    /// Section 二's figures from the records: (label, key, value, link to the records).
    pub activity: Vec<(String, String, i64, String)>,
    /// The agency wrote section 二 itself (its figures are checked against these).
    pub own_section_two: bool,
    /// Section 二's text as the report prints it.
    pub section_two: String,
}

/// The downloads offered, with their labels.
const FORMATS: [(&str, &str); 7] = [
    ("docx", "Word"),
    ("xlsx", "Excel"),
    ("html", "网页"),
    ("md", "Markdown"),
    ("txt", "文本"),
    ("csv", "CSV"),
    ("json", "规范 JSON"),
];

/// The statutory tables of `report`, decorated: findings mark their cells, figures of tables
/// 三 and 四 link to the records behind them, and table 二's 规章 and 规范性文件 figures to the
/// catalogue documents behind them.
pub fn decorated_tables(
    report: &Report,
    findings: &[Finding],
    explain: Option<&dyn Fn(CellKey) -> String>,
) -> Vec<(String, String)> {
    let mut marks: HashMap<CellKey, (bool, String)> = HashMap::new();
    for f in findings {
        for cell in &f.cells {
            let entry = marks.entry(*cell).or_insert((false, String::new()));
            entry.0 |= f.severity == Severity::Error;
            if !entry.1.is_empty() {
                entry.1.push('；');
            }
            entry.1.push_str(&f.message);
        }
    }
    let decorate = |key: CellKey| {
        let mark = marks.get(&key);
        Decoration {
            href: explain
                .filter(|_| {
                    matches!(key, CellKey::T3(..) | CellKey::T4(_))
                        || gongkai_services::reports::from_catalogue(key)
                })
                .map(|f| f(key)),
            class: mark.map(|(error, _)| if *error { "flagged" } else { "flagged-warn" }),
            title: mark.map(|(_, m)| m.clone()),
        }
    };
    TableId::ALL
        .into_iter()
        .map(|t| {
            (
                template::section_heading(t.section()).to_owned(),
                gongkai_render::html_table(report, t, &decorate),
            )
        })
        .collect()
}

/// The findings of a report as shown.
pub fn finding_lines(findings: &[Finding]) -> Vec<FindingLine> {
    findings
        .iter()
        .map(|f| FindingLine {
            rule: format!("{:?}", f.rule),
            error: f.severity == Severity::Error,
            message: f.message.clone(),
            cells: f
                .cells
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("，"),
        })
        .collect()
}

/// `GET /office/reports`.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(query): Query<ReportQuery>,
) -> WebResult<Html<String>> {
    render(&reports_page(&app, &caller, query).await?)
}

/// The reports page of `query`.
async fn reports_page<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
    query: ReportQuery,
) -> WebResult<ReportsPage> {
    let settings = app.settings();
    let ctx = caller.ctx(app, &settings);
    let year = query.year()?.unwrap_or(settings.today.year() - 1);
    let agencies = agency_choices(app, caller, &query.agency, None).await?;
    let can_consolidate = caller.scope.is_operator()
        || caller
            .scope
            .granted()
            .iter()
            .any(|(_, r)| r.allows(Capability::Consolidate));
    let shown = if query.agency.trim().is_empty() || query.year.is_none() {
        None
    } else {
        let generated = ctx
            .generate_report(&query.agency, year, query.consolidated())
            .await?;
        let findings = generated.findings();
        let link = query.link(year);
        let activity = gongkai_activity::ActivityKey::all()
            .into_iter()
            .filter(|k| generated.activity.kept(*k))
            .map(|k| {
                (
                    k.label(),
                    k.to_string(),
                    generated.activity.value(k),
                    format!("/office/reports/explain?{link}&cell={k}"),
                )
            })
            .collect();
        let own_section_two = generated.own_section_two;
        let report = generated.report;
        let section_two = report
            .section(gongkai_report::Section::S2Proactive)
            .to_owned();
        let explain = |key: CellKey| format!("/office/reports/explain?{link}&cell={key}");
        let agency = ctx.agency(&query.agency).await?;
        let tree = ctx.agency_tree().await?;
        let all: Vec<gongkai_cases::Agency> = tree.iter().map(|r| r.agency.clone()).collect();
        let can_handle =
            !query.consolidated() && caller.scope.allows(agency.id, &all, Capability::Handle);
        let prose = match ctx.prose(&query.agency, year).await? {
            Some(text) => gongkai_services::reports::prose_markdown(&text),
            None => gongkai_services::reports::prose_template(),
        };
        let figures = template::cells(report.format)
            .into_iter()
            .filter(|k| matches!(k, CellKey::T2(..)))
            .map(|k| FigureField {
                key: k.to_string(),
                label: template::cell_name(report.format, k),
                value: report.get(k).map(|v| v.to_string()).unwrap_or_default(),
            })
            .collect();
        let published = if query.consolidated() {
            Vec::new()
        } else {
            ctx.published_versions(&query.agency, year)
                .await?
                .into_iter()
                .map(|v| {
                    (
                        v.version,
                        crate::portal::reports::china_time(v.published_at),
                        v.note.unwrap_or_default(),
                    )
                })
                .collect()
        };
        Some(Shown {
            published,
            filing_state: if query.consolidated() {
                ""
            } else {
                ctx.filing(&query.agency, year).await?.state.label()
            },
            filing_link: format!(
                "/office/filing?agency={}&year={year}",
                crate::auth::form_urlencoded_component(&query.agency)
            ),
            portal_link: format!("/agencies/{}/reports/{year}", agency.id.0),
            title: gongkai_render::title(&report),
            tables: decorated_tables(&report, &findings, Some(&explain)),
            findings: finding_lines(&findings),
            warnings: generated
                .warnings
                .iter()
                .map(|w| match w {
                    ReportWarning::NoTable2Figures => {
                        "表二（主动公开）没有登记数据，各单元格为空：请在下方填写".to_owned()
                    }
                    ReportWarning::EmptySection(s) => format!(
                        "“{}”没有正文：请在下方“报告正文”中填写",
                        template::section_heading(*s)
                    ),
                })
                .collect(),
            formats: FORMATS.to_vec(),
            link,
            figures,
            prose,
            can_handle,
            activity,
            own_section_two,
            section_two,
        })
    };
    Ok(ReportsPage {
        layout: Layout::new(caller, Section::Reports),
        agencies,
        query,
        year,
        can_consolidate,
        shown,
    })
}

/// `GET /office/reports/download?agency=…&year=…&format=docx`: the report as a file.
pub async fn download_report<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
    query: &ReportQuery,
) -> WebResult<Response> {
    let settings = app.settings();
    let year = query
        .year()?
        .ok_or_else(|| WebError::invalid("请给出年度"))?;
    let format = query.format.as_deref().unwrap_or("docx");
    let target: Target = format
        .parse()
        .map_err(|_| WebError::invalid(format!("不支持的格式“{format}”")))?;
    let generated = caller
        .ctx(app, &settings)
        .generate_report(&query.agency, year, query.consolidated())
        .await?;
    let findings = generated.findings();
    let meta = DocumentMeta {
        signed_on: Some(settings.today),
        created: Some(crate::now().fixed_offset()),
    };
    let bytes = gongkai_render::render_with(&generated.report, &findings, target, &meta)
        .map_err(|e| WebError::internal(&e))?;
    let content_type = match target {
        Target::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Target::Xlsx => crate::office::ledger::XLSX,
        Target::Html => "text/html; charset=utf-8",
        Target::Json => "application/json",
        Target::Csv => "text/csv; charset=utf-8",
        Target::Markdown => "text/markdown; charset=utf-8",
        Target::Text => "text/plain; charset=utf-8",
    };
    let name = format!(
        "{}.{}",
        gongkai_render::title(&generated.report),
        target.name()
    );
    Ok(file_download(bytes, content_type, &name))
}

/// `GET /office/reports/download`.
pub async fn download<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(query): Query<ReportQuery>,
) -> WebResult<Response> {
    download_report(&app, &caller, &query).await
}

#[derive(Debug, Deserialize)]
pub struct ProseForm {
    agency: String,
    year: String,
    prose: String,
}

/// `POST /office/reports/prose`: the report's text of an agency-year, as Markdown under the
/// statutory sections' headings.
pub async fn set_prose<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<ProseForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let year: i32 = form
        .year
        .trim()
        .parse()
        .map_err(|_| WebError::invalid("年度不是年份"))?;
    let settings = app.settings();
    caller
        .ctx(&app, &settings)
        .set_prose(&form.agency, year, &form.prose)
        .await?;
    let back = ReportQuery {
        agency: form.agency,
        ..ReportQuery::default()
    };
    Ok(Redirect::to(&format!("/office/reports?{}", back.link(year))).into_response())
}

#[derive(Debug, Template)]
#[template(path = "explain.html")]
pub struct ExplainPage {
    pub layout: Layout,
    pub cell: String,
    pub cell_name: String,
    pub back: String,
    /// The figure: the number of records, or the sum of the counts (posts, page views).
    pub value: i64,
    pub counted: Vec<Counted>,
}

/// `GET /office/reports/explain?…&cell=t3.nd_third_party.total`: the records behind a figure.
pub async fn explain<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(query): Query<ReportQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let year = query
        .year()?
        .ok_or_else(|| WebError::invalid("请给出年度"))?;
    let cell = query.cell.as_deref().unwrap_or_default();
    if cell.trim().is_empty() {
        return Err(WebError::invalid("请给出单元格或第二部分的数字"));
    }
    let explained = caller
        .ctx(&app, &settings)
        .explain_figure(&query.agency, year, cell, query.consolidated())
        .await?;
    render(&ExplainPage {
        layout: Layout::new(&caller, Section::Reports),
        cell: explained.key,
        cell_name: explained.name,
        back: format!("/office/reports?{}", query.link(year)),
        value: explained.value,
        counted: explained.records,
    })
}

/// The figures form: `agency`, `year` and one field per table 二 cell key. Read as plain
/// pairs (a flattened struct would not take the year as a number from a form).
pub type FiguresForm = Vec<(String, String)>;

/// `POST /office/reports/figures`: the table 二 figures of an agency-year; empty fields are
/// left as they were.
pub async fn set_figures<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<FiguresForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    };
    let agency = field("agency").to_owned();
    let year: i32 = field("year")
        .parse()
        .map_err(|_| WebError::invalid("年度不是年份"))?;
    let format = Format::for_year(year);
    let mut cells = Vec::new();
    for (key, text) in form.iter().filter(|(k, _)| k.starts_with("t2.")) {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let key: CellKey = key
            .parse()
            .map_err(|_| WebError::invalid(format!("不认识的单元格 {key}")))?;
        let value = match key.kind() {
            CellKind::Money(_) => text
                .parse::<rust_decimal::Decimal>()
                .map(Value::Money)
                .map_err(|_| {
                    WebError::invalid(format!("{} 应为金额", template::cell_name(format, key)))
                })?,
            _ => text.parse::<i64>().map(Value::Int).map_err(|_| {
                WebError::invalid(format!("{} 应为整数", template::cell_name(format, key)))
            })?,
        };
        cells.push((key, value));
    }
    let settings = app.settings();
    caller
        .ctx(&app, &settings)
        .set_figures(&agency, year, &cells, Some(field("reason")))
        .await?;
    let back = ReportQuery {
        agency,
        ..ReportQuery::default()
    };
    Ok(Redirect::to(&format!("/office/reports?{}", back.link(year))).into_response())
}
