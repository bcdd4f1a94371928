//! 公开目录 in the back office (issue 12 §2): the documents of the caller's agencies with
//! filters and pages, a document entered on a form (entering it publishes it: its 发布日期 is
//! on the form), edited, repealed (失效/废止 with the date), a 政策解读 linked to the document it
//! explains; attachments uploaded with the form within `catalogue.attachment_max_mb`. Every
//! form carries the CSRF token; a mistake is shown next to its field.

use crate::auth::{OfficeCaller, SecureForm, SecureMultipart, form_urlencoded_component};
use crate::error::{WebError, WebResult};
use crate::office::requests::parse_date;
use crate::office::{Choice, agency_choices, selected_or_first};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gongkai_access::Capability;
use gongkai_catalogue::vocab::{
    ARTICLE20_ITEMS, category_label, item_label, parse_category, parse_item, validity_label,
};
use gongkai_catalogue::{Document, DocumentId, Item, Validity};
use gongkai_services::ServiceError;
use gongkai_services::catalogue::{BodyInput, DocumentInput};
use serde::Deserialize;

/// Documents per page of the list.
const PAGE: usize = 50;

/// A document in the list.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub index_number: String,
    pub title: String,
    pub doc_number: String,
    pub published: NaiveDate,
    pub category: &'static str,
    pub item: String,
    pub validity: String,
    pub in_force: bool,
}

fn row(d: &Document) -> Row {
    Row {
        id: d.id.0,
        index_number: d.data.index_number.raw.clone(),
        title: d.data.title.clone(),
        doc_number: d
            .data
            .doc_number
            .as_ref()
            .map(|n| n.raw.clone())
            .unwrap_or_default(),
        published: d.data.published,
        category: d.data.category.map_or("", category_label),
        item: d.data.item.as_ref().map(item_label).unwrap_or_default(),
        validity: validity_label(&d.data.validity),
        in_force: d.data.validity == Validity::InForce,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub year: String,
    /// `YYYY-MM-DD.id` of the last document of the previous page.
    #[serde(default)]
    pub after: String,
    #[serde(default)]
    pub saved: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "office/catalogue.html")]
pub struct ListPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub agency: String,
    pub category: String,
    pub year: String,
    pub rows: Vec<Row>,
    /// The query string of the next page.
    pub next: Option<String>,
    pub can_add: bool,
}

/// `GET /office/catalogue`: the documents of one of the caller's agencies, newest first.
pub async fn list<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<ListQuery>,
) -> WebResult<Html<String>> {
    let mut agencies = agency_choices(&app, &caller, &q.agency, None).await?;
    let first = selected_or_first(&mut agencies);
    // An agency asked for by name is looked up even when it is none of the caller's (the use
    // case answers that it is unknown), never silently replaced by another.
    let agency = match q.agency.trim() {
        "" => first,
        named => named.to_owned(),
    };
    let category = parse_category(&q.category).map_err(WebError::invalid)?;
    let year = crate::office::query_year(Some(&q.year))?;
    let after = match q.after.split_once('.') {
        None => None,
        Some((d, id)) => Some((
            d.parse::<NaiveDate>()
                .map_err(|_| WebError::bad_request("翻页参数有误"))?,
            DocumentId(
                id.parse()
                    .map_err(|_| WebError::bad_request("翻页参数有误"))?,
            ),
        )),
    };
    let settings = app.settings();
    let (rows, next) = if agency.is_empty() {
        (Vec::new(), None)
    } else {
        let page = caller
            .ctx(&app, &settings)
            .documents_page(&agency, false, (category, year), after, PAGE)
            .await?;
        let next = page.next.map(|(d, id)| {
            format!(
                "agency={}&category={}&year={}&after={d}.{}",
                form_urlencoded_component(&agency),
                form_urlencoded_component(&q.category),
                form_urlencoded_component(&q.year),
                id.0
            )
        });
        (page.documents.iter().map(row).collect(), next)
    };
    let can_add = !agency_choices(&app, &caller, "", Some(Capability::Handle))
        .await?
        .is_empty();
    let mut layout = Layout::new(&caller, Section::Catalogue);
    if q.saved.is_some() {
        layout = layout.with_notice("已保存");
    }
    render(&ListPage {
        layout,
        agencies,
        agency,
        category: q.category.trim().to_owned(),
        year: q.year.trim().to_owned(),
        rows,
        next,
        can_add,
    })
}

/// What the form shows: the values as typed.
#[derive(Debug, Clone, Default)]
pub struct FormValues {
    pub agency: String,
    pub index_number: String,
    pub title: String,
    pub doc_number: String,
    pub written: String,
    pub published: String,
    pub category: String,
    pub item: String,
    pub topic: String,
    pub genre: String,
    pub method: String,
    pub scope: String,
    pub interprets: String,
    pub body: String,
    /// `text` or `html`.
    pub body_kind: String,
}

impl FormValues {
    fn of(fields: &[(String, String)]) -> FormValues {
        let get = |k: &str| {
            fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        FormValues {
            agency: get("agency"),
            index_number: get("index_number"),
            title: get("title"),
            doc_number: get("doc_number"),
            written: get("written"),
            published: get("published"),
            category: get("category"),
            item: get("item"),
            topic: get("topic"),
            genre: get("genre"),
            method: get("method"),
            scope: get("scope"),
            interprets: get("interprets"),
            body: get("body"),
            body_kind: get("body_kind"),
        }
    }

    fn from_document(d: &Document, agency: &str, interprets: Option<String>) -> FormValues {
        let r = row(d);
        FormValues {
            agency: agency.to_owned(),
            index_number: r.index_number,
            title: r.title,
            doc_number: r.doc_number,
            written: d.data.written.map(|w| w.to_string()).unwrap_or_default(),
            published: d.data.published.to_string(),
            category: r.category.to_owned(),
            item: match &d.data.item {
                Some(Item::Article20(n)) => n.to_string(),
                Some(Item::Article21(name)) => name.clone(),
                None => String::new(),
            },
            topic: d.data.topic.clone(),
            genre: d.data.genre.clone(),
            method: d.data.method.clone(),
            scope: d.data.scope.clone(),
            interprets: interprets.unwrap_or_default(),
            body: d.data.body_html.clone(),
            body_kind: "html".into(),
        }
    }
}

/// The document being edited, on its page.
#[derive(Debug, Clone)]
pub struct Editing {
    pub id: i64,
    pub row: Row,
    pub attachments: Vec<(String, String, u64)>,
    pub can_handle: bool,
    pub repealed_on: String,
    pub repealed_by: String,
}

#[derive(Debug, Template)]
#[template(path = "office/document_form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub values: FormValues,
    /// 第二十条's items: (value, label).
    pub items: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
    pub editing: Option<Editing>,
    /// Whether the form can be saved (not for a reader of a document they may not edit).
    pub writable: bool,
    pub max_mb: u64,
}

impl FormPage {
    pub fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn items() -> Vec<(String, String)> {
    (1..=15u8)
        .map(|n| {
            let wording = ARTICLE20_ITEMS
                .get(usize::from(n) - 1)
                .copied()
                .unwrap_or_default();
            let short: String = wording.chars().take(24).collect();
            (
                n.to_string(),
                format!("{}：{short}…", item_label(&Item::Article20(n))),
            )
        })
        .collect()
}

async fn form_page<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
    values: FormValues,
    errors: Vec<(String, String)>,
    editing: Option<Editing>,
) -> WebResult<FormPage> {
    let agencies = agency_choices(app, caller, &values.agency, Some(Capability::Handle)).await?;
    Ok(FormPage {
        layout: Layout::new(caller, Section::Catalogue),
        agencies,
        values,
        items: items(),
        errors,
        writable: editing.as_ref().is_none_or(|e| e.can_handle),
        editing,
        max_mb: app.options.catalogue_attachment_max >> 20,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub agency: String,
    /// A draft's title and 文号, from information asked for by several applicants
    /// (第四十四条, `/office/repeated`).
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub doc_number: String,
}

/// `GET /office/catalogue/new`.
pub async fn new_page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<NewQuery>,
) -> WebResult<Html<String>> {
    let values = FormValues {
        agency: q.agency,
        title: q.title,
        doc_number: q.doc_number,
        published: app.settings().today.to_string(),
        body_kind: "text".into(),
        method: "政府网站".into(),
        scope: "面向社会".into(),
        ..FormValues::default()
    };
    render(&form_page(&app, &caller, values, Vec::new(), None).await?)
}

/// The document input of a posted form; each mistake with its field.
fn input_of(
    v: &FormValues,
    files: Vec<(String, Vec<u8>)>,
    errors: &mut Vec<(String, String)>,
) -> Option<DocumentInput> {
    let published = parse_date("published", &v.published, errors);
    let written = match v.written.trim() {
        "" => None,
        _ => parse_date("written", &v.written, errors),
    };
    let category = parse_category(&v.category)
        .map_err(|m| errors.push(("category".into(), m)))
        .ok()
        .flatten();
    let item = parse_item(&v.item)
        .map_err(|m| errors.push(("item".into(), m)))
        .ok()
        .flatten();
    for (field, value, what) in [
        ("index_number", &v.index_number, "索引号"),
        ("title", &v.title, "信息名称"),
    ] {
        if value.trim().is_empty() {
            errors.push((field.into(), format!("请填写{what}")));
        }
    }
    let body = match v.body_kind.as_str() {
        "html" => BodyInput::Html(v.body.clone()),
        _ => BodyInput::Text(v.body.clone()),
    };
    let non_empty = |s: &str| Some(s.trim().to_owned()).filter(|t| !t.is_empty());
    Some(DocumentInput {
        agency: v.agency.clone(),
        index_number: v.index_number.clone(),
        title: v.title.clone(),
        doc_number: non_empty(&v.doc_number),
        written,
        published: published?,
        category,
        item,
        topic: v.topic.clone(),
        genre: v.genre.clone(),
        method: v.method.clone(),
        scope: v.scope.clone(),
        validity: Validity::InForce,
        interprets: non_empty(&v.interprets),
        body,
        attachments: files,
    })
    .filter(|_| errors.is_empty())
}

/// The files of a posted form, by the name each was uploaded with.
fn files_of(posted: &SecureMultipart) -> Vec<(String, Vec<u8>)> {
    posted
        .files
        .iter()
        .filter(|(field, f)| field == "attachments" && !f.bytes.is_empty())
        .map(|(_, f)| (f.name.clone(), f.bytes.clone()))
        .collect()
}

/// Whether a use case's error is one the officer fixes on the form.
fn on_the_form(e: &ServiceError) -> bool {
    matches!(
        e,
        ServiceError::Invalid(_)
            | ServiceError::Store(
                gongkai_store::StoreError::Conflict(_) | gongkai_store::StoreError::Invalid(_)
            )
    )
}

/// `POST /office/catalogue`: enters (publishes) the document and opens it.
pub async fn create<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureMultipart,
) -> WebResult<Response> {
    let values = FormValues::of(&posted.fields);
    let files = files_of(&posted);
    let caller = posted.caller;
    let mut errors = Vec::new();
    let input = input_of(&values, files, &mut errors);
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let Some(input) = input else {
        // The access check before the form's mistakes: a caller who may not enter documents
        // for the agency is refused whatever the form holds.
        ctx.may_handle(&values.agency).await?;
        let page = form_page(&app, &caller, values, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let blobs = app.attachments.of(&app.store);
    match ctx
        .add_document(
            &app.search,
            &blobs,
            app.options.catalogue_attachment_max,
            input,
        )
        .await
    {
        Ok(doc) => {
            Ok(Redirect::to(&format!("/office/catalogue/{}?saved=1", doc.id.0)).into_response())
        }
        Err(e) if on_the_form(&e) => {
            let page = form_page(
                &app,
                &caller,
                values,
                vec![(String::new(), e.to_string())],
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn document_id(id: &str) -> WebResult<DocumentId> {
    id.parse()
        .map(DocumentId)
        .map_err(|_| WebError::not_found("找不到这条目录信息"))
}

async fn editing<S: WebStore>(
    app: &Shared<S>,
    caller: &crate::auth::Caller,
    id: DocumentId,
) -> WebResult<(Editing, FormValues)> {
    let settings = app.settings();
    let found = caller.ctx(app, &settings).office_document(id).await?;
    let d = &found.document;
    let (repealed_on, repealed_by) = match &d.data.validity {
        Validity::InForce => (String::new(), String::new()),
        Validity::Expired { on } => (on.to_string(), String::new()),
        Validity::Repealed { on, by } => (on.to_string(), by.clone().unwrap_or_default()),
    };
    Ok((
        Editing {
            id: d.id.0,
            row: row(d),
            attachments: d
                .data
                .attachments
                .iter()
                .map(|a| (a.name.clone(), a.sha256.clone(), a.size))
                .collect(),
            can_handle: found.can_handle,
            repealed_on,
            repealed_by,
        },
        FormValues::from_document(d, &found.agency.name, found.interprets),
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct DocQuery {
    #[serde(default)]
    pub saved: Option<String>,
}

/// `GET /office/catalogue/{id}`: the document on its form (read only for those who may not
/// edit it), with the repeal form.
pub async fn edit_page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Path(id): Path<String>,
    Query(q): Query<DocQuery>,
) -> WebResult<Html<String>> {
    let (editing, values) = editing(&app, &caller, document_id(&id)?).await?;
    let mut page = form_page(&app, &caller, values, Vec::new(), Some(editing)).await?;
    if q.saved.is_some() {
        page.layout = page.layout.with_notice("已保存并公开");
    }
    render(&page)
}

/// `POST /office/catalogue/{id}`: saves the edited document.
pub async fn update<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
    posted: SecureMultipart,
) -> WebResult<Response> {
    let id = document_id(&id)?;
    let values = FormValues::of(&posted.fields);
    let replace = posted.field("replace_attachments").is_some();
    let files = files_of(&posted);
    let caller = posted.caller;
    let mut errors = Vec::new();
    let input = input_of(&values, files, &mut errors);
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let result = match input {
        Some(input) => {
            let blobs = app.attachments.of(&app.store);
            ctx.edit_document(
                &app.search,
                &blobs,
                app.options.catalogue_attachment_max,
                id,
                input,
                replace,
            )
            .await
        }
        None => {
            // The access check before the form's mistakes (see `create`).
            let found = ctx.office_document(id).await?;
            ctx.may_handle(&found.agency.name).await?;
            let (editing, _) = editing(&app, &caller, id).await?;
            let page = form_page(&app, &caller, values, errors, Some(editing)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    match result {
        Ok(doc) => {
            Ok(Redirect::to(&format!("/office/catalogue/{}?saved=1", doc.id.0)).into_response())
        }
        Err(e) if on_the_form(&e) => {
            let (editing, _) = editing(&app, &caller, id).await?;
            let errors = vec![(String::new(), e.to_string())];
            let page = form_page(&app, &caller, values, errors, Some(editing)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RepealForm {
    /// `repealed` (废止), `expired` (失效) or `in_force` (有效 again).
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub by: String,
}

/// `POST /office/catalogue/{id}/repeal`: records 失效 or 废止 with its date.
pub async fn repeal<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
    posted: SecureForm<RepealForm>,
) -> WebResult<Response> {
    let id = document_id(&id)?;
    let SecureForm { caller, form } = posted;
    let on = || {
        gongkai_cases::vocab::parse_date_text(form.on.trim())
            .ok_or_else(|| WebError::invalid("请填写失效或废止的日期，如 2024-09-27"))
    };
    let validity = match form.state.as_str() {
        "repealed" => Validity::Repealed {
            on: on()?,
            by: Some(form.by.trim().to_owned()).filter(|b| !b.is_empty()),
        },
        "expired" => Validity::Expired { on: on()? },
        "in_force" => Validity::InForce,
        _ => return Err(WebError::invalid("请选择有效性：失效、废止或有效")),
    };
    let settings = app.settings();
    let doc = caller
        .ctx(&app, &settings)
        .repeal_document_by_id(&app.search, id, validity)
        .await?;
    Ok(Redirect::to(&format!("/office/catalogue/{}?saved=1", doc.id.0)).into_response())
}
