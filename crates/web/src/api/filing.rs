//! The annual reports' filing workflow through the API (第四十九条): `getFiling`,
//! `submitReport`, `returnReport`, `clearReport`, `publishReport`, each addressed by the
//! agency's name and the year; `listFilings` for a supervisor's overview. A refused step is a
//! 409 whose error names its `code` (`checks_failed`, `explanations_missing`, `wrong_state`,
//! `not_applicable`, `correction_note`, `comment_required`) and, for the checks, the findings.

use super::{Always, ApiJson, ApiPath, ApiQuery, JsonBody, OnRecords, api_err};
use crate::auth::ApiCaller;
use crate::error::{ErrorBody, WebError, WebResult};
use crate::{Shared, WebStore};
use axum::Json;
use axum::extract::State;
use gongkai_report::{Report, Rule};
use gongkai_services::filing::{Filing, FilingRow, Remarks, parse_rule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// A version kept: a submission or a publication.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionOut {
    /// The step's number in the agency-year's history.
    pub seq: i32,
    /// `submitted` or `published`.
    pub kind: String,
    /// RFC 3339, with its offset.
    pub at: String,
    pub by: String,
    /// The 更正说明 of a correction.
    pub note: Option<String>,
    /// The published version a publication made.
    pub version: Option<i32>,
    /// The explanations of warnings the version carried, by rule (`{"R9": "…"}`).
    pub explanations: BTreeMap<String, String>,
}

/// A step of the workflow.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut {
    pub seq: i32,
    /// The state the step led to: `submitted`, `returned`, `cleared`, `published`.
    pub action: String,
    pub at: String,
    pub by: String,
    /// A return's comment or a correction's 更正说明.
    pub text: Option<String>,
    /// A return's remarks on cells or sections.
    pub remarks: BTreeMap<String, String>,
}

/// An agency-year's report in the workflow.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingOut {
    pub agency: String,
    pub year: i32,
    /// `draft`, `submitted`, `returned`, `cleared` or `published`.
    pub state: String,
    /// `filed` (a department: submitted to the supervising office) or `own` (the government's
    /// own report, published by its office).
    pub path: String,
    /// `YYYY-MM-DD`: 31 January (`filed`) or 31 March (`own`) of the next year (第四十九条).
    pub due: String,
    /// Days past the due date when done late or not done by then; `null` when on time or not
    /// yet due.
    pub days_late: Option<i64>,
    pub versions: Vec<VersionOut>,
    pub steps: Vec<StepOut>,
    /// The report last submitted (canonical JSON), if any.
    pub submitted: Option<serde_json::Value>,
}

fn at(t: chrono::DateTime<chrono::Utc>) -> String {
    gongkai_services::in_china(t).to_rfc3339()
}

fn days_late(t: gongkai_filing::Timeliness) -> Option<i64> {
    match t {
        gongkai_filing::Timeliness::Late(d) | gongkai_filing::Timeliness::Missing(d) => Some(d),
        _ => None,
    }
}

fn path_word(p: gongkai_filing::Path) -> &'static str {
    match p {
        gongkai_filing::Path::Filed => "filed",
        gongkai_filing::Path::Own => "own",
    }
}

fn filing_out(f: &Filing) -> FilingOut {
    let explanations = |s: &gongkai_store::filings::Step| {
        gongkai_services::filing::explanations_from(s.explanations.as_deref())
            .into_iter()
            .map(|(r, e)| (format!("{r:?}"), e))
            .collect()
    };
    FilingOut {
        agency: f.agency.name.clone(),
        year: f.year,
        state: f.state.as_str().to_owned(),
        path: path_word(f.path).to_owned(),
        due: f.due.to_string(),
        days_late: days_late(f.timeliness),
        versions: f
            .versions()
            .map(|s| VersionOut {
                seq: s.seq,
                kind: s.action.as_str().to_owned(),
                at: at(s.at),
                by: s.by.clone(),
                note: s.text.clone(),
                version: s.version,
                explanations: explanations(s),
            })
            .collect(),
        steps: f
            .steps
            .iter()
            .map(|s| StepOut {
                seq: s.seq,
                action: s.action.as_str().to_owned(),
                at: at(s.at),
                by: s.by.clone(),
                text: s.text.clone(),
                remarks: s
                    .remarks
                    .as_deref()
                    .and_then(|r| serde_json::from_str(r).ok())
                    .unwrap_or_default(),
            })
            .collect(),
        submitted: f
            .submitted()
            .map(|(r, _, _)| gongkai_report::json::to_value(&r, None)),
    }
}

/// The agency-year a step is on.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct FilingPath {
    /// The agency's name (or an alias, or a former name).
    pub agency: String,
    pub year: i32,
}

/// What a submission or publication carries.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportIn {
    /// The report as canonical JSON (`schema/report.schema.json`); absent: the report generated
    /// from the records. (A department's publication takes none: it publishes what was
    /// submitted and cleared.)
    #[serde(default)]
    pub report: Option<serde_json::Value>,
    /// An explanation of each rule that found a warning, by rule (`{"R9": "…"}`); an
    /// explanation of a rule without a finding is ignored.
    #[serde(default)]
    pub explanations: BTreeMap<String, String>,
    /// The 更正说明, when a version is published already.
    #[serde(default)]
    pub note: Option<String>,
}

impl ReportIn {
    fn parts(&self) -> WebResult<(Option<Report>, BTreeMap<Rule, String>)> {
        let report = match &self.report {
            None => None,
            Some(v) => Some(gongkai_report::json::from_value(v).map_err(|e| {
                WebError::invalid(format!("report 不是有效的规范 JSON：{e}")).api()
            })?),
        };
        let mut explanations = BTreeMap::new();
        for (k, v) in &self.explanations {
            let rule = parse_rule(k)
                .ok_or_else(|| WebError::invalid(format!("没有规则“{k}”（R1–R10）")).api())?;
            explanations.insert(rule, v.clone());
        }
        Ok((report, explanations))
    }
}

/// A return.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnIn {
    pub comment: String,
    /// Remarks on cells (`t3.granted.total`) or sections (`s5_problems`).
    #[serde(default)]
    pub remarks: Remarks,
}

/// `GET /api/v1/filings/{agency}/{year}`.
#[utoipa::path(
    get,
    path = "/api/v1/filings/{agency}/{year}",
    operation_id = "getFiling",
    tag = "reports",
    summary = "年度报告的报送情况：状态、截止日期、每次报送和发布的版本",
    params(FilingPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "报送情况", body = FilingOut),
        (status = 400, description = "年度不是数字", body = ErrorBody),
        (status = 409, description = "机关已并入其他机关", body = ErrorBody),
        (status = 422, description = "年度无效", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn get_filing<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(p): ApiPath<FilingPath>,
) -> WebResult<Json<FilingOut>> {
    let settings = app.settings();
    let f = caller
        .ctx(&app, &settings)
        .filing(&p.agency, p.year)
        .await
        .map_err(api_err)?;
    Ok(Json(filing_out(&f)))
}

/// `POST /api/v1/filings/{agency}/{year}/submit`.
#[utoipa::path(
    post,
    path = "/api/v1/filings/{agency}/{year}/submit",
    operation_id = "submitReport",
    tag = "reports",
    summary = "报送年度报告（部门报送政务公开办审核，第四十九条）：须通过检查，警告须说明",
    params(FilingPath),
    request_body = ReportIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "报送后的情况", body = FilingOut),
        (status = 409, description = "检查未通过（checks_failed、explanations_missing，附 findings），或状态不允许", body = ErrorBody),
        (status = 422, description = "报告或说明无效", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn submit_report<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(p): ApiPath<FilingPath>,
    ApiJson(body): ApiJson<ReportIn>,
) -> WebResult<Json<FilingOut>> {
    let (report, explanations) = body.parts()?;
    let settings = app.settings();
    let f = caller
        .ctx(&app, &settings)
        .submit_report(
            &p.agency,
            p.year,
            report,
            &explanations,
            body.note.as_deref(),
        )
        .await
        .map_err(api_err)?;
    Ok(Json(filing_out(&f)))
}

/// `POST /api/v1/filings/{agency}/{year}/return`.
#[utoipa::path(
    post,
    path = "/api/v1/filings/{agency}/{year}/return",
    operation_id = "returnReport",
    tag = "reports",
    summary = "退回报送的年度报告，附意见（政务公开办）",
    params(FilingPath),
    request_body = ReturnIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "退回后的情况", body = FilingOut),
        (status = 409, description = "状态不允许（wrong_state），或没有意见", body = ErrorBody),
        (status = 422, description = "意见所指的单元格或章节无效", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn return_report<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(p): ApiPath<FilingPath>,
    ApiJson(body): ApiJson<ReturnIn>,
) -> WebResult<Json<FilingOut>> {
    let settings = app.settings();
    let f = caller
        .ctx(&app, &settings)
        .return_report(&p.agency, p.year, &body.comment, &body.remarks)
        .await
        .map_err(api_err)?;
    Ok(Json(filing_out(&f)))
}

/// `POST /api/v1/filings/{agency}/{year}/clear`.
#[utoipa::path(
    post,
    path = "/api/v1/filings/{agency}/{year}/clear",
    operation_id = "clearReport",
    tag = "reports",
    summary = "审核通过报送的年度报告（政务公开办）",
    params(FilingPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "审核通过后的情况", body = FilingOut),
        (status = 409, description = "状态不允许（wrong_state、not_applicable）", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn clear_report<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(p): ApiPath<FilingPath>,
) -> WebResult<Json<FilingOut>> {
    let settings = app.settings();
    let f = caller
        .ctx(&app, &settings)
        .clear_report(&p.agency, p.year)
        .await
        .map_err(api_err)?;
    Ok(Json(filing_out(&f)))
}

/// The version published.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedOut {
    pub version: i32,
    /// The portal's page of the published report.
    pub url: String,
    pub filing: FilingOut,
}

/// `POST /api/v1/filings/{agency}/{year}/publish`.
#[utoipa::path(
    post,
    path = "/api/v1/filings/{agency}/{year}/publish",
    operation_id = "publishReport",
    tag = "reports",
    summary = "发布年度报告：审核通过的部门报告，或本级政府的报告（第四十九条、第五十条）",
    params(FilingPath),
    request_body = ReportIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "发布的版本", body = PublishedOut),
        (status = 409, description = "未审核通过、检查未通过或缺更正说明", body = ErrorBody),
        (status = 422, description = "报告或说明无效", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn publish_report<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiPath(p): ApiPath<FilingPath>,
    ApiJson(body): ApiJson<ReportIn>,
) -> WebResult<Json<PublishedOut>> {
    let (report, explanations) = body.parts()?;
    let settings = app.settings();
    let (f, version) = caller
        .ctx(&app, &settings)
        .publish_report(
            &p.agency,
            p.year,
            report,
            &explanations,
            body.note.as_deref(),
        )
        .await
        .map_err(api_err)?;
    Ok(Json(PublishedOut {
        version,
        url: format!("/agencies/{}/reports/{}", f.agency.id.0, f.year),
        filing: filing_out(&f),
    }))
}

/// The year of an overview.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilingsQuery {
    pub year: i32,
}

/// One agency of the overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingRowOut {
    pub agency: String,
    pub state: String,
    pub path: String,
    pub due: String,
    pub days_late: Option<i64>,
    /// The day of the first submission (`filed`) or publication (`own`).
    pub done: Option<String>,
    pub version: Option<i32>,
}

/// The overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingsOut {
    pub items: Vec<FilingRowOut>,
}

/// `GET /api/v1/filings?year=…`.
#[utoipa::path(
    get,
    path = "/api/v1/filings",
    operation_id = "listFilings",
    tag = "reports",
    summary = "各机关年度报告的报送情况（调用者可见的全部机关）：状态、截止日期、逾期天数",
    params(FilingsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "各机关的报送情况", body = FilingsOut),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 422, description = "年度无效", body = ErrorBody),
        Always,
    )
)]
pub async fn list_filings<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<FilingsQuery>,
) -> WebResult<Json<FilingsOut>> {
    let settings = app.settings();
    let rows = caller
        .ctx(&app, &settings)
        .filings(q.year)
        .await
        .map_err(api_err)?;
    Ok(Json(FilingsOut {
        items: rows.iter().map(row_out).collect(),
    }))
}

fn row_out(r: &FilingRow) -> FilingRowOut {
    FilingRowOut {
        agency: r.agency.name.clone(),
        state: r.state.as_str().to_owned(),
        path: path_word(r.path).to_owned(),
        due: r.due.to_string(),
        days_late: days_late(r.timeliness),
        done: r.done.map(|d| d.to_string()),
        version: r.version,
    }
}
