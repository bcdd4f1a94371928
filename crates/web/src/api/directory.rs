//! `getDirectoryCoverage`: the coverage of an agency's 政务公开事项标准目录 in a year — each item
//! with its publications in the catalogue, the gaps flagged and explained; with `subtree`, every
//! unit below the agency the caller sees (what the supervising office follows up).

use super::{Always, ApiQuery, OnRecords, api_err};
use crate::auth::ApiCaller;
use crate::error::{ErrorBody, WebResult};
use crate::{Shared, WebStore};
use axum::Json;
use axum::extract::State;
use gongkai_services::directory::Coverage;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Which agency and year.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    pub agency: String,
    pub year: i32,
    /// Every unit below the agency the caller sees, each with its own directory.
    #[serde(default)]
    pub subtree: bool,
}

/// One item of a unit's directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    /// 事项编号.
    pub item: String,
    pub domain: String,
    pub name: String,
    /// 公开时限 as the directory writes it.
    pub time_limit: String,
    /// Catalogue documents linked to the item published in the year.
    pub publications: usize,
    /// First and last 发布日期 in the year (`YYYY-MM-DD`).
    pub first: Option<String>,
    pub last: Option<String>,
    /// Publications later than the limit after their 成文日期.
    pub late: usize,
    /// `covered`, `gap` or `not_yet_due`.
    pub status: String,
    pub gap: bool,
    /// Why the item has its status.
    pub reason: String,
}

/// One unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitCoverageOut {
    pub agency: String,
    /// Whether the unit has imported a directory.
    pub has_directory: bool,
    pub covered: usize,
    pub gaps: usize,
    pub items: Vec<ItemOut>,
}

/// The coverage of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageOut {
    pub year: i32,
    /// Items with a gap over every unit.
    pub gaps: usize,
    pub units: Vec<UnitCoverageOut>,
}

fn coverage_out(c: &Coverage) -> CoverageOut {
    CoverageOut {
        year: c.year,
        gaps: c.gaps(),
        units: c
            .units
            .iter()
            .map(|u| UnitCoverageOut {
                agency: u.agency.name.clone(),
                has_directory: u.has_directory,
                covered: u.coverage.covered,
                gaps: u.coverage.gaps,
                items: u
                    .coverage
                    .items
                    .iter()
                    .map(|i| ItemOut {
                        item: i.item.clone(),
                        domain: i.domain.clone(),
                        name: i.name.clone(),
                        time_limit: i.time_limit.clone(),
                        publications: i.publications,
                        first: i.first.map(|d| d.to_string()),
                        last: i.last.map(|d| d.to_string()),
                        late: i.late,
                        status: match i.status {
                            gongkai_directory::Status::Covered => "covered",
                            gongkai_directory::Status::Gap => "gap",
                            gongkai_directory::Status::NotYetDue => "not_yet_due",
                        }
                        .to_owned(),
                        gap: i.gap,
                        reason: i.reason.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// `GET /api/v1/directory/coverage?agency=…&year=…&subtree=…`.
#[utoipa::path(
    get,
    path = "/api/v1/directory/coverage",
    operation_id = "getDirectoryCoverage",
    tag = "catalogue-office",
    summary = "政务公开事项标准目录覆盖情况：每个事项本年度的公开条数，未在时限内公开的事项及原因；subtree 为各下级单位",
    params(CoverageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "每个单位的事项及缺口", body = CoverageOut),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 422, description = "年度无效", body = ErrorBody),
        Always,
        OnRecords,
    )
)]
pub async fn get_directory_coverage<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<CoverageQuery>,
) -> WebResult<Json<CoverageOut>> {
    let settings = app.settings();
    let coverage = caller
        .ctx(&app, &settings)
        .directory_coverage(&q.agency, q.year, q.subtree)
        .await
        .map_err(api_err)?;
    Ok(Json(coverage_out(&coverage)))
}
