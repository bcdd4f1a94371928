//! The redaction page of a reply document (区分处理, 第三十七条): its pages as images (for the
//! handling roles only) with the boxes drawn over them; a box is drawn with the mouse (the
//! static script `redact.js`) or typed into the form, which works without JavaScript; the
//! pattern pass pre-marks personal numbers; the approver releases the rebuilt copy.

use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{FieldError, WebError, WebResult};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore, now};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_redact::{Area, Reason, Rect};
use gongkai_services::redaction::Redaction;
use gongkai_store::applications::ReplyDocumentId;
use gongkai_store::redactions::RedactionBox;
use std::collections::HashMap;

/// A reason as the form offers it.
#[derive(Debug)]
pub struct ReasonChoice {
    pub article: &'static str,
    pub label: &'static str,
}

/// A stored box as the page shows it: in percent for the form, in thousandths of the page for
/// the drawing.
#[derive(Debug)]
pub struct BoxLine {
    pub index: usize,
    pub page: u32,
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    /// The drawing's coordinates (an SVG of 1000 × 1000 over the page).
    pub sx: String,
    pub sy: String,
    pub sw: String,
    pub sh: String,
    pub reason: String,
    pub reason_label: String,
    pub pattern: bool,
    pub added_by: String,
}

impl BoxLine {
    fn new(index: usize, b: &RedactionBox) -> BoxLine {
        let r = Rect::from_millionths([b.x, b.y, b.w, b.h]);
        let pct = |v: f64| format!("{:.2}", v * 100.0);
        let svg = |v: f64| format!("{:.1}", v * 1000.0);
        BoxLine {
            index,
            page: b.page,
            x: pct(r.x),
            y: pct(r.y),
            w: pct(r.w),
            h: pct(r.h),
            sx: svg(r.x),
            sy: svg(r.y),
            sw: svg(r.w),
            sh: svg(r.h),
            reason: b.reason.clone(),
            reason_label: Reason::label_of(&b.reason).to_owned(),
            pattern: b.pattern,
            added_by: b.added_by.clone(),
        }
    }
}

/// A page of the document with its boxes.
#[derive(Debug)]
pub struct PageView {
    pub number: u32,
    pub boxes: Vec<BoxLine>,
}

#[derive(Debug, Template)]
#[template(path = "office/document.html")]
pub struct DocumentPage {
    pub layout: Layout,
    pub script: String,
    pub redaction: Redaction,
    pub pages: Vec<PageView>,
    pub boxes: Vec<BoxLine>,
    pub reasons: Vec<ReasonChoice>,
    /// The applicant's download of the released copy.
    pub released_url: String,
}

/// `GET /office/documents/{id}`.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let redaction = caller
        .ctx(&app, &settings)
        .redaction(&blobs, ReplyDocumentId(id), true)
        .await?;
    let boxes: Vec<BoxLine> = redaction
        .boxes
        .iter()
        .enumerate()
        .map(|(i, b)| BoxLine::new(i, b))
        .collect();
    let pages = (1..=redaction.pages.unwrap_or(0))
        .map(|number| PageView {
            number,
            boxes: redaction
                .boxes
                .iter()
                .enumerate()
                .filter(|(_, b)| b.page == number)
                .map(|(i, b)| BoxLine::new(i, b))
                .collect(),
        })
        .collect();
    let notice = if q.contains_key("saved") {
        "已保存区分处理标记。"
    } else if q.contains_key("released") {
        "已发布区分处理后的文件，申请人可在申请查询页面下载。"
    } else {
        ""
    };
    render(&DocumentPage {
        layout: Layout::new(&caller, Section::Register).with_notice(notice),
        script: crate::assets::redact_js(),
        released_url: crate::api::applicant_url(redaction.document.id),
        redaction,
        pages,
        boxes,
        reasons: Reason::ALL
            .into_iter()
            .map(|r| ReasonChoice {
                article: r.article(),
                label: r.label(),
            })
            .collect(),
    })
}

/// `GET /office/documents/{id}/pages/{page}`: a page of the original as a PNG, for the
/// handling roles only; never cached.
pub async fn page_image<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Path((id, page)): Path<(i64, String)>,
) -> WebResult<Response> {
    let page: u32 = page
        .trim_end_matches(".png")
        .parse()
        .map_err(|_| WebError::not_found("没有这一页"))?;
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let png = caller
        .ctx(&app, &settings)
        .document_page(&blobs, ReplyDocumentId(id), page)
        .await?;
    let mut response = png.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// A number of the form, in percent of the page, as a fraction.
fn percent(fields: &HashMap<String, String>, key: &str, bad: &mut Vec<FieldError>) -> f64 {
    let text = fields.get(key).map_or("", |v| v.trim());
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => v / 100.0,
        _ => {
            bad.push(FieldError {
                field: key.to_owned(),
                message: format!("“{text}”不是数字（页面的百分比）"),
            });
            0.0
        }
    }
}

/// The box of the form's fields `{prefix}page`, `{prefix}x`, … (percent of the page).
fn form_box(
    fields: &HashMap<String, String>,
    prefix: &str,
    bad: &mut Vec<FieldError>,
) -> Option<Area> {
    let page_key = format!("{prefix}page");
    let page = fields.get(&page_key).map_or("", |v| v.trim());
    let Ok(page) = page.parse::<u32>() else {
        bad.push(FieldError {
            field: page_key,
            message: format!("页码“{page}”无效"),
        });
        return None;
    };
    let rect = Rect {
        x: percent(fields, &format!("{prefix}x"), bad),
        y: percent(fields, &format!("{prefix}y"), bad),
        w: percent(fields, &format!("{prefix}w"), bad),
        h: percent(fields, &format!("{prefix}h"), bad),
    };
    let reason_key = format!("{prefix}reason");
    let reason = fields.get(&reason_key).map_or("", |v| v.trim());
    let Some(reason) = Reason::parse(reason) else {
        bad.push(FieldError {
            field: reason_key,
            message: "请选择不予公开的理由".into(),
        });
        return None;
    };
    Some(Area { page, rect, reason })
}

/// The boxes of the posted form: every `b{n}_…` row not marked for removal, in order, then the
/// new row (`new_…`) when its page is filled in.
fn posted_boxes(fields: &HashMap<String, String>) -> WebResult<Vec<Area>> {
    let mut rows: Vec<usize> = fields
        .keys()
        .filter_map(|k| k.strip_prefix('b')?.strip_suffix("_page")?.parse().ok())
        .collect();
    rows.sort_unstable();
    let mut bad = Vec::new();
    let mut areas: Vec<Area> = rows
        .into_iter()
        .filter(|n| !fields.contains_key(&format!("b{n}_remove")))
        .filter_map(|n| form_box(fields, &format!("b{n}_"), &mut bad))
        .collect();
    if fields.get("new_page").is_some_and(|p| !p.trim().is_empty()) {
        areas.extend(form_box(fields, "new_", &mut bad));
    }
    if bad.is_empty() {
        Ok(areas)
    } else {
        Err(WebError::invalid("区分处理标记填写有误").with_details(bad))
    }
}

/// `POST /office/documents/{id}/redaction`: saves the boxes of the form (and, with `patterns`,
/// adds the pattern pass's).
pub async fn redact<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<HashMap<String, String>>,
) -> WebResult<Response> {
    let areas = posted_boxes(&posted.form)?;
    let patterns = posted.form.contains_key("patterns");
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    posted
        .caller
        .ctx(&app, &settings)
        .redact_document(&blobs, ReplyDocumentId(id), areas, patterns, now())
        .await?;
    Ok(Redirect::to(&format!("/office/documents/{id}?saved")).into_response())
}

/// `POST /office/documents/{id}/release`: the approver releases the rebuilt copy.
pub async fn release<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<HashMap<String, String>>,
) -> WebResult<Response> {
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    posted
        .caller
        .ctx(&app, &settings)
        .release_document(&blobs, ReplyDocumentId(id), now())
        .await?;
    Ok(Redirect::to(&format!("/office/documents/{id}?released")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_gives_its_rows_in_order_without_the_removed() {
        let fields: HashMap<String, String> = [
            ("b1_page", "2"),
            ("b1_x", "10"),
            ("b1_y", "20"),
            ("b1_w", "30"),
            ("b1_h", "5"),
            ("b1_reason", "第十五条"),
            ("b0_page", "1"),
            ("b0_x", "0"),
            ("b0_y", "0"),
            ("b0_w", "100"),
            ("b0_h", "50"),
            ("b0_reason", "第十四条"),
            ("b0_remove", "on"),
            ("new_page", "3"),
            ("new_x", "50"),
            ("new_y", "50"),
            ("new_w", "25"),
            ("new_h", "25"),
            ("new_reason", "第十六条第一款"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let areas = posted_boxes(&fields).expect("valid");
        assert_eq!(areas.len(), 2);
        assert_eq!((areas[0].page, areas[0].reason), (2, Reason::Art15));
        assert!((areas[0].rect.x - 0.1).abs() < 1e-12);
        assert_eq!((areas[1].page, areas[1].reason), (3, Reason::Art16Internal));
        let mut broken = fields.clone();
        broken.insert("b1_x".into(), "左边".into());
        let e = posted_boxes(&broken).expect_err("not a number");
        assert_eq!(e.details[0].field, "b1_x");
    }
}
