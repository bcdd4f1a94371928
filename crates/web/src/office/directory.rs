//! 政务公开事项标准目录 and the channel register in the back office: `/office/directory`, an
//! agency's items with the year's coverage (`subtree=1`: every unit below it, each with the
//! items it has not published — the supervising office's view), and `/office/channels`, the
//! register of portals and 政务新媒体 accounts with the year's figures. Both read only: the
//! directory and the register are edited with `gongkai directory import` and `gongkai channel`.

use crate::auth::OfficeCaller;
use crate::error::WebResult;
use crate::office::{Choice, agency_choices, selected_or_first};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::Datelike;
use gongkai_services::channels::ChannelRow;
use gongkai_services::directory::Coverage;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    pub agency: String,
    pub year: Option<String>,
    /// `1`: every unit below the agency.
    #[serde(default)]
    pub subtree: String,
    /// `1`: only the items with a gap.
    #[serde(default)]
    pub gaps: String,
}

#[derive(Debug, Template)]
#[template(path = "office/directory.html")]
pub struct DirectoryPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub agency: String,
    pub year: i32,
    pub subtree: bool,
    pub gaps_only: bool,
    pub coverage: Option<Coverage>,
}

/// `GET /office/directory?agency=…&year=…&subtree=1&gaps=1`.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<DirectoryQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let (agencies, agency, year, subtree) =
        chosen(&app, &caller, &q.agency, q.year.as_deref(), &q.subtree).await?;
    let gaps_only = q.gaps == "1";
    let coverage = if agency.is_empty() {
        None
    } else {
        let mut c = caller
            .ctx(&app, &settings)
            .directory_coverage(&agency, year, subtree)
            .await?;
        if gaps_only {
            for u in &mut c.units {
                u.coverage.items.retain(|i| i.gap);
            }
        }
        Some(c)
    };
    render(&DirectoryPage {
        layout: Layout::new(&caller, Section::Catalogue),
        agencies,
        agency,
        year,
        subtree,
        gaps_only,
        coverage,
    })
}

/// What both pages' queries choose: the agency choices, the agency (the one the query names,
/// looked up even when it is none of the caller's so that the use case answers that it is
/// unknown, never silently replaced by another; else the first of the caller's), the year
/// (this year by default) and whether the units below it are included.
async fn chosen<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
    agency: &str,
    year: Option<&str>,
    subtree: &str,
) -> WebResult<(Vec<Choice>, String, i32, bool)> {
    let year = crate::office::query_year(year)?.unwrap_or(app.settings().today.year());
    let mut agencies = agency_choices(app, caller, agency, None).await?;
    let first = selected_or_first(&mut agencies);
    let agency = match agency.trim() {
        "" => first,
        named => named.to_owned(),
    };
    Ok((agencies, agency, year, subtree == "1"))
}

#[derive(Debug, Default, Deserialize)]
pub struct ChannelsQuery {
    #[serde(default)]
    pub agency: String,
    pub year: Option<String>,
    #[serde(default)]
    pub subtree: String,
}

#[derive(Debug, Template)]
#[template(path = "office/channels.html")]
pub struct ChannelsPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub agency: String,
    pub year: i32,
    pub subtree: bool,
    pub rows: Vec<ChannelRow>,
}

/// `GET /office/channels?agency=…&year=…&subtree=1`.
pub async fn channels<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<ChannelsQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let (agencies, agency, year, subtree) =
        chosen(&app, &caller, &q.agency, q.year.as_deref(), &q.subtree).await?;
    let rows = if agency.is_empty() {
        Vec::new()
    } else {
        caller
            .ctx(&app, &settings)
            .channel_register(&agency, subtree, Some(year))
            .await?
    };
    render(&ChannelsPage {
        layout: Layout::new(&caller, Section::Catalogue),
        agencies,
        agency,
        year,
        subtree,
        rows,
    })
}
