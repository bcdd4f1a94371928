//! `getSupervision`: the supervising office's dashboard of its subtree (one row per unit the
//! caller sees), as the page `/office/supervision` shows it.

use super::{Always, ApiQuery, api_err};
use crate::auth::ApiCaller;
use crate::error::{ErrorBody, WebResult};
use crate::{Shared, WebStore};
use axum::Json;
use axum::extract::State;
use gongkai_services::dashboard::UnitRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Which year.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SupervisionQuery {
    pub year: i32,
}

/// One unit of the dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitOut {
    pub agency: String,
    /// Requests of the year (received in it, carried into it or decided in it).
    pub requests: usize,
    pub open: usize,
    pub overdue: usize,
    /// Decided in the year after their deadline (逾期办结).
    pub closed_late: usize,
    pub decided: usize,
    /// decided on time / decided, `0.0`–`1.0`; `null` when none was decided.
    pub on_time_rate: Option<f64>,
    /// The oldest open request's reference and date of receipt (`YYYY-MM-DD`).
    pub oldest_open: Option<(String, String)>,
    /// The report's filing state (`draft` … `published`).
    pub report_state: String,
    pub report_due: String,
    pub report_late: bool,
    /// `filed` (the report submitted or published) or `generated` (from the records).
    pub report_source: String,
    pub report_errors: usize,
    pub report_warnings: usize,
    /// R9's year-on-year findings against last year's published report.
    pub implausible_changes: Vec<String>,
    /// `null` when the unit keeps no catalogue here.
    pub late_publications: Option<usize>,
    pub interpretation_rate: Option<f64>,
    /// Items of the unit's standard directory without a publication in the year; `null`
    /// without a directory.
    pub directory_gaps: Option<usize>,
}

/// The dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionOut {
    pub year: i32,
    pub items: Vec<UnitOut>,
}

fn unit_out(r: &UnitRow) -> UnitOut {
    UnitOut {
        agency: r.agency().to_owned(),
        requests: r.requests,
        open: r.open,
        overdue: r.overdue,
        closed_late: r.closed_late,
        decided: r.decided,
        on_time_rate: r.on_time_rate(),
        oldest_open: r
            .oldest_open
            .as_ref()
            .map(|(reference, d)| (reference.clone(), d.to_string())),
        report_state: r.filing.state.as_str().to_owned(),
        report_due: r.filing.due.to_string(),
        report_late: r.filing.timeliness.is_late(),
        report_source: match r.report {
            gongkai_services::dashboard::ReportSource::Filed => "filed",
            gongkai_services::dashboard::ReportSource::Generated => "generated",
        }
        .to_owned(),
        report_errors: r.errors,
        report_warnings: r.warnings,
        implausible_changes: r.implausible.clone(),
        late_publications: r.catalogue.as_ref().map(|c| c.late),
        interpretation_rate: r.catalogue.as_ref().and_then(|c| c.interpretation),
        directory_gaps: r.directory_gaps,
    }
}

/// `GET /api/v1/supervision?year=…`.
#[utoipa::path(
    get,
    path = "/api/v1/supervision",
    operation_id = "getSupervision",
    tag = "reports",
    summary = "政务公开督查：调用者可见的每个机关的申请办理、年度报告报送和检查、目录情况",
    params(SupervisionQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "每个机关一行", body = SupervisionOut),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 422, description = "年度无效", body = ErrorBody),
        Always,
    )
)]
pub async fn get_supervision<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<SupervisionQuery>,
) -> WebResult<Json<SupervisionOut>> {
    let settings = app.settings();
    let rows = caller
        .ctx(&app, &settings)
        .supervision(q.year)
        .await
        .map_err(api_err)?;
    Ok(Json(SupervisionOut {
        year: q.year,
        items: rows.iter().map(unit_out).collect(),
    }))
}
