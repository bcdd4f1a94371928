//! Annual reports through the API: generate from the records, check a published one, explain
//! a figure.

use super::{Always, ApiBytes, ApiJson, ApiQuery, JsonBody, OnRecords, api_err};
use crate::auth::ApiCaller;
use crate::error::{ErrorBody, WebError, WebResult};
use crate::{Shared, WebStore};
use axum::Json;
use axum::extract::State;

use gongkai_report::rules;
use gongkai_services::reports::ReportWarning;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The report asked for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateIn {
    pub agency: String,
    pub year: i32,
    /// The agency and every agency below it (the supervising office's consolidated report).
    #[serde(default)]
    pub consolidated: bool,
}

/// A report with its findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    /// The report as canonical JSON (`schema/report.schema.json`), its findings included.
    pub report: serde_json::Value,
    /// Findings of R1–R10 with error severity.
    pub errors: usize,
    /// Findings with warning severity.
    pub warnings: usize,
    /// What the report still lacks (generate) or what the reader noticed (check), in Chinese.
    pub notes: Vec<String>,
    /// How the input was read (check only): `json`, `html`, `docx`, `pdf`, ….
    pub read_as: Option<String>,
    /// Cells found of the cells the layout prints (check only).
    pub completeness: Option<f64>,
}

fn report_out(
    report: &gongkai_report::Report,
    notes: Vec<String>,
    read_as: Option<String>,
    completeness: Option<f64>,
) -> ReportOut {
    let findings = rules::check(report);
    let (errors, warnings) = gongkai_services::review::count(&findings);
    ReportOut {
        report: gongkai_report::json::to_value(report, Some(&findings)),
        errors,
        warnings,
        notes,
        read_as,
        completeness,
    }
}

/// `POST /api/v1/reports/generate`.
#[utoipa::path(
    post,
    path = "/api/v1/reports/generate",
    operation_id = "generateReport",
    tag = "reports",
    summary = "由办理记录生成年度报告（表三、表四由记录计算）",
    request_body = GenerateIn,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "报告及其检查结果", body = ReportOut),
        (status = 409, description = "机关已并入其他机关", body = ErrorBody),
        JsonBody,
        Always,
        OnRecords,
    )
)]
pub async fn generate_report<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<GenerateIn>,
) -> WebResult<Json<ReportOut>> {
    let settings = app.settings();
    let generated = caller
        .ctx(&app, &settings)
        .generate_report(&body.agency, body.year, body.consolidated)
        .await
        .map_err(api_err)?;
    let notes = generated
        .warnings
        .iter()
        .map(|w| match w {
            ReportWarning::NoTable2Figures => "表二没有登记数据".to_owned(),
            ReportWarning::EmptySection(s) => format!(
                "“{}”没有正文",
                gongkai_report::template::section_heading(*s)
            ),
        })
        .collect();
    Ok(Json(report_out(&generated.report, notes, None, None)))
}

/// `POST /api/v1/reports/check`: the body is a published report in any form.
#[utoipa::path(
    post,
    path = "/api/v1/reports/check",
    operation_id = "checkReport",
    tag = "reports",
    summary = "检查已发布的年度报告（HTML、文本、Word、PDF、规范 JSON 等，请求体即文件）",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "年度报告文件"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "读出的报告及其检查结果", body = ReportOut),
        (status = 413, description = "文件过大", body = ErrorBody),
        (status = 422, description = "不是年度报告，或无法读取", body = ErrorBody),
        Always,
    )
)]
pub async fn check_report<S: WebStore>(
    ApiCaller(_caller): ApiCaller,
    ApiBytes(body): ApiBytes,
) -> WebResult<Json<ReportOut>> {
    let reviewed = gongkai_services::review::review(&body)
        .map_err(|e| WebError::invalid(e.to_string()).api())?;
    let c = reviewed.completeness();
    Ok(Json(report_out(
        reviewed.report(),
        reviewed.parsed.warnings.clone(),
        Some(reviewed.parsed.kind.name().to_owned()),
        Some(c.ratio()),
    )))
}

/// The figure asked about.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExplainQuery {
    pub agency: String,
    pub year: i32,
    /// A cell of table 三 or 四, such as `t3.nd_third_party.total` or `t4.rev_total`.
    pub cell: String,
    pub consolidated: Option<bool>,
}

/// A record behind a figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountedOut {
    /// `request` or `remedy`.
    pub kind: String,
    pub id: i64,
    pub agency: String,
    pub reference: String,
    pub received: String,
    pub closed: Option<String>,
    pub outcome: String,
}

/// The records behind a figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExplainOut {
    pub cell: String,
    /// The figure: the number of records, or for `s2.channel_posts` and `s2.page_views` the sum
    /// of the counts.
    pub value: i64,
    pub items: Vec<CountedOut>,
}

/// `GET /api/v1/reports/explain`.
#[utoipa::path(
    get,
    path = "/api/v1/reports/explain",
    operation_id = "explainCell",
    tag = "reports",
    summary = "追溯数字：列出计入表二至表四某个单元格或第二部分某个数字（s2.…）的记录",
    params(ExplainQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "计入该数字的记录", body = ExplainOut),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 409, description = "机关已并入其他机关", body = ErrorBody),
        (status = 422, description = "单元格或年度无效", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn explain_cell<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<ExplainQuery>,
) -> WebResult<Json<ExplainOut>> {
    let settings = app.settings();
    let explained = caller
        .ctx(&app, &settings)
        .explain_figure(&q.agency, q.year, &q.cell, q.consolidated.unwrap_or(false))
        .await
        .map_err(api_err)?;
    Ok(Json(ExplainOut {
        cell: explained.key,
        value: explained.value,
        items: explained
            .records
            .into_iter()
            .map(|c| CountedOut {
                kind: c.kind.to_owned(),
                id: c.id,
                agency: c.agency,
                reference: c.reference,
                received: c.received.to_string(),
                closed: c.closed.map(|d| d.to_string()),
                outcome: c.outcome,
            })
            .collect(),
    }))
}
