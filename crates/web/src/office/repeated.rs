//! 多人申请的信息 (第四十四条): information asked for by several applicants in a year, with the
//! requests behind it; accepting it opens the catalogue's form filled from it, a draft the
//! officer completes and publishes.

use crate::auth::OfficeCaller;
use crate::error::WebResult;
use crate::office::{Choice, agency_choices};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::Datelike;
use gongkai_services::repeated::Repeated;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct RepeatedQuery {
    #[serde(default)]
    pub agency: String,
    pub year: Option<String>,
}

/// A group as shown, with the link that opens the catalogue's form filled from it.
#[derive(Debug)]
pub struct Group {
    pub repeated: Repeated,
    pub draft: String,
}

#[derive(Debug, Template)]
#[template(path = "office/repeated.html")]
pub struct RepeatedPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub agency: String,
    pub year: i32,
    pub groups: Option<Vec<Group>>,
}

/// `GET /office/repeated?agency=…&year=…`.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<RepeatedQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let year = crate::office::query_year(q.year.as_deref())?.unwrap_or(settings.today.year());
    let agencies = agency_choices(&app, &caller, &q.agency, None).await?;
    let groups = if q.agency.trim().is_empty() {
        None
    } else {
        let enc = crate::auth::form_urlencoded_component;
        let found = caller
            .ctx(&app, &settings)
            .repeated_requests(&q.agency, year)
            .await?;
        Some(
            found
                .into_iter()
                .map(|repeated| Group {
                    draft: format!(
                        "/office/catalogue/new?agency={}&title={}&doc_number={}",
                        enc(&q.agency),
                        enc(repeated
                            .subject
                            .trim_start_matches('《')
                            .trim_end_matches('》')),
                        enc(repeated.doc_number.as_deref().unwrap_or_default())
                    ),
                    repeated,
                })
                .collect(),
        )
    };
    render(&RepeatedPage {
        layout: Layout::new(&caller, Section::Reports),
        agencies,
        agency: q.agency,
        year,
        groups,
    })
}
