//! The catalogue's public pages (政府信息公开目录, 第十九–二十六条): the home page with the agency
//! tree and the search box.

use super::{PortalLayout, PortalSection, public};
use crate::error::WebResult;
use crate::pages::render;
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use gongkai_services::agencies::TreeRow;

/// One agency of the home page's nested lists: `close` levels of the lists above end before it
/// (after the previous agency's item); `open` starts a list inside the previous agency's item.
#[derive(Debug, Clone)]
pub struct TreeItem {
    pub id: i64,
    pub name: String,
    pub merged_into: Option<String>,
    pub open: bool,
    pub close: usize,
}

/// The rows of a depth-first tree as nested-list steps, and how many lists stay open after the
/// last one.
pub fn nested(rows: &[TreeRow]) -> (Vec<TreeItem>, usize) {
    let mut out = Vec::with_capacity(rows.len());
    let mut depth = 0usize;
    for (i, row) in rows.iter().enumerate() {
        // A row never sits more than one level below the previous one in a depth-first walk.
        let d = if i == 0 { 0 } else { row.depth.min(depth + 1) };
        out.push(TreeItem {
            id: row.agency.id.0,
            name: row.agency.name.clone(),
            merged_into: row.merged_into.clone(),
            open: i > 0 && d > depth,
            close: depth.saturating_sub(d),
        });
        depth = d;
    }
    (out, depth)
}

#[derive(Debug, Template)]
#[template(path = "portal/home.html")]
pub struct HomePage {
    pub layout: PortalLayout,
    pub tree: Vec<TreeItem>,
    /// Lists still open after the last agency.
    pub open_after: usize,
}

/// `GET /`: the agencies of the government and the search box.
pub async fn home<S: WebStore>(State(app): State<Shared<S>>) -> WebResult<Html<String>> {
    let settings = app.settings();
    let rows = public(&app, &settings)?.agencies().await?;
    let (tree, open_after) = nested(&rows);
    render(&HomePage {
        layout: PortalLayout::new("首页", PortalSection::Home),
        tree,
        open_after,
    })
}
