//! `searchCatalogue`: the catalogue's full-text search for anyone (the catalogue is public,
//! 第十九条), the same use case and the same hits as the portal's catalogue page.

use super::{ApiQuery, api_err};
use crate::error::{ErrorBody, WebResult};
use crate::portal::catalogue::{CatalogueParams, Part, hit_line};
use crate::portal::public;
use crate::{Shared, WebStore};
use axum::Json;
use axum::extract::State;
use gongkai_cases::AgencyId;
use gongkai_services::portal::catalogue::AgencyRef;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The largest page of `searchCatalogue`.
pub const MAX_LIMIT: usize = 100;

/// The default page of `searchCatalogue`.
pub const DEFAULT_LIMIT: usize = 20;

/// The query of `searchCatalogue`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words (all required) and `"phrases"`; empty lists by the filters, newest first.
    pub q: Option<String>,
    /// Only this agency's documents: its id, or its name (current, alias or former).
    pub agency: Option<String>,
    /// 第二十条 item: `3` for 第二十条第（三）项; or the name of a 第二十一条 item.
    pub item: Option<String>,
    /// Published in this year.
    pub year: Option<String>,
    /// `in_force`, `expired` or `repealed`.
    pub validity: Option<String>,
    /// `newest` for newest first; by relevance otherwise (when there are words).
    pub sort: Option<String>,
    /// At most this many items (default 20, at most 100).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A piece of highlighted text: a match of the query's words when `highlight`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TextPart {
    pub text: String,
    pub highlight: bool,
}

fn text_parts(parts: Vec<Part>) -> Vec<TextPart> {
    parts
        .into_iter()
        .map(|(text, highlight)| TextPart { text, highlight })
        .collect()
}

/// One document found.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueHit {
    pub id: i64,
    /// 信息名称.
    pub title: String,
    /// The title with the query's words highlighted.
    pub title_highlights: Vec<TextPart>,
    /// 发布机构.
    pub agency: String,
    pub agency_id: i64,
    /// 发布日期, `YYYY-MM-DD`.
    #[schema(value_type = String, format = Date)]
    pub published: chrono::NaiveDate,
    /// 索引号.
    pub index_number: String,
    /// 文号; `null` when none.
    pub doc_number: Option<String>,
    /// 有效性 as written (`有效`, `2024-01-01 废止`).
    pub validity: String,
    /// 第二十条 item (`第二十条第（三）项`) or 第二十一条 item; `null` when none.
    pub item: Option<String>,
    /// The document's public page.
    pub url: String,
    /// About 120 characters of the body around the query's words, highlighted.
    pub snippet: Vec<TextPart>,
}

/// A page of `searchCatalogue`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CataloguePage {
    pub items: Vec<CatalogueHit>,
    /// How many documents match in all: exactly when `total_exact`, else an estimate.
    pub total: u64,
    pub total_exact: bool,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/catalogue/search`.
#[utoipa::path(
    get,
    path = "/api/v1/catalogue/search",
    operation_id = "searchCatalogue",
    tag = "catalogue",
    summary = "检索政府信息公开目录（公开，无需令牌）：关键词、筛选、高亮摘要，按游标翻页",
    params(SearchQuery),
    security(()),
    responses(
        (status = 200, description = "一页检索结果", body = CataloguePage),
        (status = 400, description = "查询参数有误", body = ErrorBody),
        (status = 404, description = "没有这个机关", body = ErrorBody),
        (status = 422, description = "筛选条件或 cursor 无效", body = ErrorBody),
        (status = 500, description = "服务器内部错误", body = ErrorBody),
    )
)]
pub async fn search_catalogue<S: WebStore>(
    State(app): State<Shared<S>>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> WebResult<Json<CataloguePage>> {
    let agency = q.agency.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let agency = agency.map(|a| match a.parse::<i64>() {
        Ok(id) => AgencyRef::Id(AgencyId(id)),
        Err(_) => AgencyRef::Name(a.to_owned()),
    });
    let params = CatalogueParams {
        q: q.q.unwrap_or_default(),
        agency: String::new(),
        item: q.item.unwrap_or_default(),
        year: q.year.unwrap_or_default(),
        validity: q.validity.unwrap_or_default(),
        sort: q.sort.unwrap_or_default(),
        after: q.cursor.unwrap_or_default(),
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let query = params.query(agency, limit).map_err(api_err)?;
    let settings = app.settings();
    let results = public(&app, &settings)
        .map_err(api_err)?
        .search_catalogue(&app.search, query)
        .await
        .map_err(api_err)?;
    Ok(Json(CataloguePage {
        items: results
            .hits
            .iter()
            .map(|h| {
                let line = hit_line(h);
                CatalogueHit {
                    id: line.doc.id,
                    title: line.doc.title,
                    title_highlights: text_parts(line.title),
                    agency: line.agency,
                    agency_id: line.agency_id,
                    published: line.doc.published,
                    index_number: line.doc.index_number,
                    doc_number: Some(line.doc.doc_number).filter(|n| !n.is_empty()),
                    validity: line.doc.validity,
                    item: Some(line.item).filter(|i| !i.is_empty()),
                    url: format!("/documents/{}", line.doc.id),
                    snippet: text_parts(line.snippet),
                }
            })
            .collect(),
        total: results.total,
        total_exact: results.total_exact,
        next_cursor: results.next,
    }))
}
