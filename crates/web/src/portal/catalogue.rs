//! The catalogue's public pages (政府信息公开目录, 第十九–二十六条): the home page with the agency
//! tree and the search box, each agency's page with its 法定主动公开内容 by 第二十条 item, the
//! catalogue with filters and full-text search, document pages, attachment downloads and the
//! Atom feed.

use super::{PortalLayout, PortalSection, public};
use crate::error::{WebError, WebResult};
use crate::pages::render;
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use gongkai_cases::{Agency, AgencyId};
use gongkai_catalogue::vocab::{
    category_label, item_label, item_wording, parse_item, validity_label,
};
use gongkai_catalogue::{Document, DocumentId, Item};
use gongkai_search::{Snippet, ValidityKind};
use gongkai_services::agencies::TreeRow;
use gongkai_services::portal::catalogue::{AgencyOverview, AgencyRef, CatalogueQuery, ItemGroup};
use gongkai_services::portal::disclosures::{PortalResults, PublicDisclosure};
use serde::Deserialize;

/// Documents per page of the catalogue.
pub const PAGE_SIZE: usize = 20;
/// Entries of the public log shown with a search's documents.
const LOG_SHOWN: usize = 5;

/// Entries of an agency's feed.
pub const FEED_ENTRIES: usize = 50;

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

/// A document in a list: what a line of it shows.
#[derive(Debug, Clone)]
pub struct DocLine {
    pub id: i64,
    pub title: String,
    pub published: NaiveDate,
    pub index_number: String,
    pub doc_number: String,
    pub validity: String,
    pub in_force: bool,
}

impl DocLine {
    fn of(d: &Document) -> DocLine {
        DocLine {
            id: d.id.0,
            title: d.data.title.clone(),
            published: d.data.published,
            index_number: d.data.index_number.raw.clone(),
            doc_number: d
                .data
                .doc_number
                .as_ref()
                .map(|n| n.raw.clone())
                .unwrap_or_default(),
            validity: validity_label(&d.data.validity),
            in_force: ValidityKind::of(&d.data.validity) == ValidityKind::InForce,
        }
    }
}

/// An item of the agency's page with its documents and the link to all of them.
#[derive(Debug, Clone)]
pub struct ItemSection {
    pub label: String,
    pub wording: String,
    pub documents: Vec<DocLine>,
    pub count: u64,
    /// More documents than those listed.
    pub more: bool,
    /// The catalogue filtered by the item.
    pub href: String,
}

#[derive(Debug, Template)]
#[template(path = "portal/agency.html")]
pub struct AgencyPage {
    pub layout: PortalLayout,
    pub agency: Agency,
    pub ancestors: Vec<Agency>,
    pub children: Vec<Agency>,
    pub items: Vec<ItemSection>,
    pub without_item: u64,
    pub newest: Vec<DocLine>,
    pub total: u64,
}

/// The value of `item=` for an item: `3` for 第二十条第（三）项, the name of a 第二十一条 item.
fn item_param(item: &Item) -> String {
    match item {
        Item::Article20(n) => n.to_string(),
        Item::Article21(name) => name.clone(),
    }
}

fn item_section(agency: AgencyId, g: &ItemGroup) -> ItemSection {
    ItemSection {
        label: g.label.clone(),
        wording: g.wording.unwrap_or_default().to_owned(),
        documents: g.documents.iter().map(DocLine::of).collect(),
        count: g.count,
        more: g.count > g.documents.len() as u64,
        href: format!(
            "/agencies/{}/catalogue?{}",
            agency.0,
            query_string(&[("item", &item_param(&g.item))])
        ),
    }
}

/// `GET /agencies/{id}`: the agency's page.
pub async fn agency<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
) -> WebResult<Html<String>> {
    let id = agency_id(&id)?;
    let settings = app.settings();
    let AgencyOverview {
        agency,
        ancestors,
        children,
        groups,
        without_item,
        newest,
        total,
    } = public(&app, &settings)?.agency_overview(id).await?;
    let mut layout = PortalLayout::new(agency.name.clone(), PortalSection::None);
    layout.feeds.push((
        format!("{} 政府信息公开目录", agency.name),
        format!("/agencies/{}/feed.atom", id.0),
    ));
    render(&AgencyPage {
        layout,
        items: groups.iter().map(|g| item_section(id, g)).collect(),
        agency,
        ancestors,
        children,
        without_item,
        newest: newest.iter().map(DocLine::of).collect(),
        total,
    })
}

/// The catalogue page's query: every field text, so that no query string is refused before
/// the page can say what is wrong with it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CatalogueParams {
    #[serde(default)]
    pub q: String,
    /// The agency's id (on `/search`; the agency's catalogue has it in its path).
    #[serde(default)]
    pub agency: String,
    /// `3` for 第二十条第（三）项 (or its label), the name of a 第二十一条 item.
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub year: String,
    /// `in_force`, `expired` or `repealed`.
    #[serde(default)]
    pub validity: String,
    /// `newest` (the order without words), else by relevance.
    #[serde(default)]
    pub sort: String,
    /// The cursor of the page before.
    #[serde(default)]
    pub after: String,
}

impl CatalogueParams {
    /// The use case's query, or what is wrong with a filter.
    pub fn query(&self, agency: Option<AgencyRef>, limit: usize) -> WebResult<CatalogueQuery> {
        let item = parse_item(&self.item).map_err(WebError::invalid)?;
        let year = match self.year.trim() {
            "" => None,
            y => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (1949..=9999).contains(y))
                    .ok_or_else(|| WebError::invalid(format!("年份“{}”无效", shown(y))))?,
            ),
        };
        let validity = validity_kind(&self.validity)?;
        Ok(CatalogueQuery {
            text: self.q.clone(),
            agency,
            item,
            year,
            validity,
            topic: None,
            genre: None,
            newest_first: self.sort == "newest",
            limit,
            after: Some(self.after.clone()).filter(|a| !a.is_empty()),
        })
    }
}

/// `in_force`, `expired`, `repealed` (or the Chinese words); empty is any.
pub fn validity_kind(s: &str) -> WebResult<Option<ValidityKind>> {
    Ok(match s.trim() {
        "" => None,
        "in_force" | "有效" => Some(ValidityKind::InForce),
        "expired" | "失效" => Some(ValidityKind::Expired),
        "repealed" | "废止" => Some(ValidityKind::Repealed),
        other => {
            return Err(WebError::invalid(format!(
                "有效性“{}”无效：应为 in_force、expired 或 repealed",
                shown(other)
            )));
        }
    })
}

/// A value quoted in a message, cut short.
fn shown(s: &str) -> String {
    gongkai_catalogue::vocab::shown(s)
}

/// A part of a highlighted text: the text, and whether it is a match.
pub type Part = (String, bool);

/// A snippet as parts, in order.
pub fn parts(snippet: &Snippet) -> Vec<Part> {
    let text = &snippet.text;
    let mut out = Vec::new();
    let mut at = 0;
    for r in &snippet.highlights {
        // The ranges are on character boundaries, in order; anything else is skipped.
        let (Some(before), Some(hit)) = (text.get(at..r.start), text.get(r.start..r.end)) else {
            continue;
        };
        if !before.is_empty() {
            out.push((before.to_owned(), false));
        }
        if !hit.is_empty() {
            out.push((hit.to_owned(), true));
        }
        at = r.end;
    }
    if let Some(rest) = text.get(at..)
        && !rest.is_empty()
    {
        out.push((rest.to_owned(), false));
    }
    out
}

/// A hit as a page lists it.
#[derive(Debug, Clone)]
pub struct HitLine {
    pub doc: DocLine,
    pub agency: String,
    pub agency_id: i64,
    pub title: Vec<Part>,
    pub snippet: Vec<Part>,
    pub item: String,
}

/// One option of a filter's drop-down.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Template)]
#[template(path = "portal/catalogue.html")]
pub struct CataloguePage {
    pub layout: PortalLayout,
    /// The agency whose catalogue this is; `None` on `/search` over every agency.
    pub agency: Option<Agency>,
    /// Where the filters' form is sent.
    pub action: String,
    pub params: CatalogueParams,
    pub items: Vec<Choice>,
    pub validities: Vec<Choice>,
    pub hits: Vec<HitLine>,
    pub total: u64,
    pub total_exact: bool,
    /// The next page's link.
    pub next: Option<String>,
    /// The first page's link, when this is a later page.
    pub first: Option<String>,
    /// What is wrong with the query, shown instead of results.
    pub error: String,
    /// The public log's entries matching the words (issue 16 §4), on a search's first page.
    pub log: Vec<PublicDisclosure>,
    /// The log searched with the same words, when more entries match than are shown.
    pub more_log: Option<String>,
}

/// A query string of non-empty pairs.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        out.append_pair(k, v);
    }
    out.finish()
}

fn page_link(action: &str, p: &CatalogueParams, after: &str) -> String {
    let qs = query_string(&[
        ("q", &p.q),
        ("agency", &p.agency),
        ("item", &p.item),
        ("year", &p.year),
        ("validity", &p.validity),
        ("sort", &p.sort),
        ("after", after),
    ]);
    if qs.is_empty() {
        action.to_owned()
    } else {
        format!("{action}?{qs}")
    }
}

fn item_choices(selected: &str) -> Vec<Choice> {
    let chosen = parse_item(selected).ok().flatten();
    let mut out: Vec<Choice> = (1..=15u8)
        .map(|n| {
            let item = Item::Article20(n);
            Choice {
                value: n.to_string(),
                label: format!(
                    "{}　{}",
                    item_label(&item),
                    item_wording(&item).unwrap_or_default()
                ),
                selected: chosen.as_ref() == Some(&item),
            }
        })
        .collect();
    if let Some(item @ Item::Article21(name)) = &chosen {
        out.push(Choice {
            value: name.clone(),
            label: item_label(item),
            selected: true,
        });
    }
    out
}

fn validity_choices(selected: &str) -> Vec<Choice> {
    let chosen = validity_kind(selected).ok().flatten();
    [
        (ValidityKind::InForce, "in_force", "有效"),
        (ValidityKind::Expired, "expired", "失效"),
        (ValidityKind::Repealed, "repealed", "废止"),
    ]
    .into_iter()
    .map(|(k, value, label)| Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected: chosen == Some(k),
    })
    .collect()
}

/// A search hit as lists show it.
pub fn hit_line(h: &gongkai_services::catalogue::SearchHit) -> HitLine {
    HitLine {
        doc: DocLine::of(&h.document),
        agency: h.agency.clone(),
        agency_id: h.document.data.agency.0,
        title: parts(&h.hit.title),
        snippet: parts(&h.hit.snippet),
        item: h
            .document
            .data
            .item
            .as_ref()
            .map(item_label)
            .unwrap_or_default(),
    }
}

async fn catalogue_page<S: WebStore>(
    app: &Shared<S>,
    agency: Option<AgencyId>,
    mut params: CatalogueParams,
) -> WebResult<Response> {
    let settings = app.settings();
    let public = public(app, &settings)?;
    let (agency, action) = match agency {
        Some(id) => {
            params.agency.clear();
            (
                Some(public.agency_by_id(id).await?),
                format!("/agencies/{}/catalogue", id.0),
            )
        }
        None => (None, "/search".to_owned()),
    };
    let on = match (&agency, params.agency.trim()) {
        (Some(a), _) => Some(AgencyRef::Id(a.id)),
        (None, "") => None,
        (None, id) => Some(AgencyRef::Id(agency_id(id)?)),
    };
    let title = match &agency {
        Some(a) => format!("{} 政府信息公开目录", a.name),
        None if params.q.trim().is_empty() => "政府信息公开目录".to_owned(),
        None => format!("检索：{}", params.q.trim()),
    };
    let mut layout = PortalLayout::new(title, PortalSection::None);
    layout.query = params.q.clone();
    if let Some(a) = &agency {
        layout.feeds.push((
            format!("{} 政府信息公开目录", a.name),
            format!("/agencies/{}/feed.atom", a.id.0),
        ));
    }
    let mut page = CataloguePage {
        layout,
        agency,
        items: item_choices(&params.item),
        validities: validity_choices(&params.validity),
        hits: Vec::new(),
        total: 0,
        total_exact: true,
        next: None,
        first: None,
        error: String::new(),
        log: Vec::new(),
        more_log: None,
        action,
        params,
    };
    // A wrong filter or cursor is said on the page, with the form to correct it (422).
    let log_agency = match &on {
        Some(AgencyRef::Id(id)) => Some(id.0),
        _ => None,
    };
    let found: WebResult<PortalResults> = async {
        let query = page.params.query(on, PAGE_SIZE)?;
        Ok(public.search_portal(&app.search, query, LOG_SHOWN).await?)
    }
    .await;
    match found {
        Ok(PortalResults {
            catalogue: results,
            log,
            more_log,
        }) => {
            if more_log {
                let agency = log_agency.map(|a| a.to_string()).unwrap_or_default();
                page.more_log = Some(format!(
                    "/disclosures?{}",
                    query_string(&[("q", page.params.q.trim()), ("agency", &agency)])
                ));
            }
            page.log = log;
            page.hits = results.hits.iter().map(hit_line).collect();
            page.total = results.total;
            page.total_exact = results.total_exact;
            page.next = results
                .next
                .map(|c| page_link(&page.action, &page.params, &c));
            if !page.params.after.is_empty() {
                page.first = Some(page_link(&page.action, &page.params, ""));
            }
            Ok(render(&page)?.into_response())
        }
        Err(e) if e.status.as_u16() == 422 => {
            page.error = e.message.clone();
            Ok((e.status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `GET /search`: the catalogue of every agency (or of `agency=`), searched and filtered.
pub async fn search<S: WebStore>(
    State(app): State<Shared<S>>,
    Query(params): Query<CatalogueParams>,
) -> WebResult<Response> {
    catalogue_page(&app, None, params).await
}

/// `GET /agencies/{id}/catalogue`: the agency's catalogue, searched and filtered.
pub async fn agency_catalogue<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
    Query(params): Query<CatalogueParams>,
) -> WebResult<Response> {
    let id = agency_id(&id)?;
    catalogue_page(&app, Some(id), params).await
}

/// An agency id of a path or query; anything else is no agency (404).
pub fn agency_id(s: &str) -> WebResult<AgencyId> {
    s.trim()
        .parse::<i64>()
        .map(AgencyId)
        .map_err(|_| WebError::not_found("没有这个机关"))
}

fn document_id(s: &str) -> WebResult<DocumentId> {
    s.trim()
        .parse::<i64>()
        .map(DocumentId)
        .map_err(|_| WebError::not_found("没有这条政府信息"))
}

/// An attachment as the document page lists it.
#[derive(Debug, Clone)]
pub struct AttachmentLine {
    pub name: String,
    pub href: String,
    pub media_type: String,
    pub size: String,
}

/// A size as people read it.
fn size_text(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} 字节"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[derive(Debug, Template)]
#[template(path = "portal/document.html")]
pub struct DocumentPage {
    pub layout: PortalLayout,
    pub doc: DocLine,
    pub agency: String,
    pub agency_id: i64,
    pub written: Option<NaiveDate>,
    pub category: String,
    pub item: String,
    pub item_wording: String,
    pub topic: String,
    pub genre: String,
    pub body_html: String,
    pub attachments: Vec<AttachmentLine>,
    /// The document this 政策解读 explains.
    pub interprets: Option<DocLine>,
    /// The 政策解读 of this document.
    pub interpretations: Vec<DocLine>,
}

/// `GET /documents/{id}`: a document with its metadata, body, attachments and 政策解读.
pub async fn document<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
) -> WebResult<impl axum::response::IntoResponse> {
    let id = document_id(&id)?;
    let settings = app.settings();
    let found = public(&app, &settings)?.document(id).await?;
    let view = &found.view;
    let d = &view.document.data;
    // The page is of the document's agency: its page views count there (crate::views).
    let header = crate::views::agency_header(d.agency);
    let page = render(&DocumentPage {
        layout: PortalLayout::new(d.title.clone(), PortalSection::None),
        doc: DocLine::of(&view.document),
        agency: view.agency.clone(),
        agency_id: d.agency.0,
        written: d.written,
        category: d
            .category
            .map(category_label)
            .unwrap_or_default()
            .to_owned(),
        item: d.item.as_ref().map(item_label).unwrap_or_default(),
        item_wording: d
            .item
            .as_ref()
            .and_then(item_wording)
            .unwrap_or_default()
            .to_owned(),
        topic: d.topic.clone(),
        genre: d.genre.clone(),
        body_html: found.body_html.clone(),
        attachments: d
            .attachments
            .iter()
            .map(|a| AttachmentLine {
                name: a.name.clone(),
                href: format!("/documents/{}/attachments/{}", id.0, a.sha256),
                media_type: a.media_type.clone(),
                size: size_text(a.size),
            })
            .collect(),
        interprets: view.interprets.as_ref().map(DocLine::of),
        interpretations: view.interpretations.iter().map(DocLine::of).collect(),
    })?;
    Ok(([header], page))
}

/// `filename*` of RFC 6266 (RFC 8187's encoding): UTF-8, every byte outside `attr-char`
/// percent-encoded.
pub fn content_disposition(name: &str) -> String {
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    // An ASCII fallback for old clients: the name's ASCII letters, or `attachment`, keeping
    // the extension.
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.bytes().all(|b| b.is_ascii_alphanumeric()) && e.len() <= 8)
        .unwrap_or("");
    let fallback = if ext.is_empty() {
        "attachment".to_owned()
    } else {
        format!("attachment.{ext}")
    };
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// `GET /documents/{id}/attachments/{sha256}`: the file, with the media type found from its
/// content when it was attached.
pub async fn attachment<S: WebStore>(
    State(app): State<Shared<S>>,
    Path((id, sha256)): Path<(String, String)>,
) -> WebResult<Response> {
    let id = document_id(&id)?;
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let (attachment, bytes) = public(&app, &settings)?
        .attachment(&blobs, id, &sha256)
        .await?;
    Ok(file_response(
        &attachment,
        bytes,
        HeaderValue::from_static("public, max-age=86400"),
    ))
}

/// A file as a download: its type (never sniffed by the browser), its name, how long it may
/// be kept.
pub(crate) fn file_response(
    file: &gongkai_catalogue::Attachment,
    bytes: Vec<u8>,
    cache: HeaderValue,
) -> Response {
    let media_type = HeaderValue::from_str(&file.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&content_disposition(&file.name))
        .unwrap_or(HeaderValue::from_static("attachment"));
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, media_type);
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, cache);
    response
}

/// The origin links in a feed are made absolute with: the configured public URL, else the
/// `Host` the request was sent to.
pub(crate) fn origin<S>(app: &crate::App<S>, headers: &HeaderMap) -> String {
    if let Some(o) = &app.options.public_origin {
        return o.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// `GET /agencies/{id}/feed.atom`: the agency's newest documents as an Atom feed.
pub async fn feed<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let id = agency_id(&id)?;
    let settings = app.settings();
    let base = origin(&app, &headers);
    let xml = public(&app, &settings)?
        .feed(
            id,
            &format!("{base}/agencies/{}/feed.atom", id.0),
            &format!("{base}/documents/"),
            FEED_ENTRIES,
        )
        .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn row(id: i64, depth: usize) -> TreeRow {
        TreeRow {
            agency: Agency::new(AgencyId(id), format!("机关{id}"), None),
            depth,
            merged_into: None,
        }
    }

    /// The home page's list of agencies for these rows, each link written as its id.
    fn markup(rows: &[TreeRow]) -> String {
        let (tree, open_after) = nested(rows);
        let page = HomePage {
            layout: PortalLayout::new("首页", PortalSection::Home),
            tree,
            open_after,
        }
        .render()
        .unwrap();
        let Some(list) = page.split("<ul class=\"agency-tree\">").nth(1) else {
            return String::new();
        };
        let mut list = format!("<ul>{}", list.split("</section>").next().unwrap());
        for row in rows {
            let id = row.agency.id.0;
            list = list.replace(
                &format!("<a href=\"/agencies/{id}\">机关{id}</a>"),
                &id.to_string(),
            );
        }
        list.replace('\n', "")
    }

    #[test]
    fn the_tree_nests_and_every_list_is_closed() {
        let rows = [
            row(1, 0),
            row(2, 1),
            row(3, 2),
            row(4, 1),
            row(5, 0),
            row(6, 1),
        ];
        assert_eq!(
            markup(&rows),
            "<ul><li>1<ul><li>2<ul><li>3</li></ul></li><li>4</li></ul></li><li>5<ul><li>6</li></ul></li></ul>"
        );
        // Ending deep closes every level.
        assert_eq!(
            markup(&[row(1, 0), row(2, 1), row(3, 2)]),
            "<ul><li>1<ul><li>2<ul><li>3</li></ul></li></ul></li></ul>"
        );
        assert_eq!(markup(&[]), "", "no list without agencies");
    }

    #[test]
    fn a_snippet_becomes_parts_with_its_matches_marked() {
        let text = "为加强耕地保护，严格保护耕地".to_owned();
        let at = |s: &str, nth: usize| text.match_indices(s).nth(nth).unwrap().0;
        let (a, b) = (at("耕地", 0), at("耕地", 1));
        let snippet = Snippet {
            text: text.clone(),
            highlights: vec![a..a + "耕地".len(), b..b + "耕地".len()],
        };
        let got = parts(&snippet);
        let marked: Vec<&str> = got.iter().filter(|p| p.1).map(|p| p.0.as_str()).collect();
        assert_eq!(marked, ["耕地", "耕地"]);
        assert_eq!(got.iter().map(|p| p.0.as_str()).collect::<String>(), text);
        // A range off a character boundary is skipped, not a panic.
        let broken = Snippet {
            text: text.clone(),
            highlights: vec![1..4, 40..41],
        };
        assert!(parts(&broken).iter().all(|p| !p.1));
    }

    #[test]
    fn a_file_name_is_encoded_per_rfc_6266() {
        assert_eq!(
            content_disposition("办法 全文.pdf"),
            "attachment; filename=\"attachment.pdf\"; filename*=UTF-8''%E5%8A%9E%E6%B3%95%20%E5%85%A8%E6%96%87.pdf"
        );
        // Quotes and line breaks cannot reach the header.
        let hostile = content_disposition("a\"\r\nX-Evil: 1");
        assert!(
            !hostile.contains('\r') && !hostile.contains("\"\r"),
            "{hostile}"
        );
        assert!(hostile.starts_with("attachment; filename=\"attachment\";"));
    }
}
