//! What 申请详情 offers besides the next event, as the command line does: correcting a request
//! as registered or decided (`request amend`), withdrawing the last event recorded by mistake
//! (`request withdraw-event`), and the reconsideration and litigation cases (行政复议、行政诉讼)
//! brought against the request (`remedy add|close`), from which table 四 is counted. Each is
//! one use case of `gongkai-services`, audited with the user as its actor; a correction and a
//! withdrawal need a reason, which the audit log keeps. And the list of an agency's cases
//! (`remedy list`), each linked to its request.

use crate::auth::{OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::office::{Choice, agency_choices};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use gongkai_cases::RequestId;
use gongkai_cases::amend::Amendment;
use gongkai_cases::vocab::{
    parse_applicant, parse_channel, parse_date_text, parse_outcome, parse_remedy_kind,
    parse_remedy_result,
};
use serde::Deserialize;

/// The correction form: every field left empty (or 不变) stays as it is.
#[derive(Debug, Deserialize)]
pub struct AmendForm {
    reason: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    received: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    decided: String,
}

/// A field of the form: `None` when left empty, an error naming it when it cannot be read.
fn field<T>(text: &str, name: &str, parse: impl FnOnce(&str) -> Option<T>) -> WebResult<Option<T>> {
    match text.trim() {
        "" => Ok(None),
        t => parse(t)
            .map(Some)
            .ok_or_else(|| WebError::invalid(format!("{name}“{t}”无法识别"))),
    }
}

fn date(text: &str, name: &str) -> WebResult<NaiveDate> {
    field(text, name, parse_date_text)?
        .ok_or_else(|| WebError::invalid(format!("请填写{name}，如 2024-09-27")))
}

/// `POST /office/requests/{id}/amend`.
pub async fn amend<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<AmendForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    let amendment = Amendment {
        applicant: text(&form.applicant),
        kind: field(&form.kind, "申请人类型", parse_applicant)?,
        channel: field(&form.channel, "申请方式", parse_channel)?,
        received: field(&form.received, "收到日期", parse_date_text)?,
        description: text(&form.description),
        outcome: field(&form.outcome, "办理结果", parse_outcome)?,
        decided: field(&form.decided, "答复日期", parse_date_text)?,
    };
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let view = ctx.request_by_id(RequestId(id), None).await?;
    ctx.amend_request(
        &view.agency.name,
        &view.request.data.reference,
        &form.reason,
        &amendment,
    )
    .await?;
    Ok(Redirect::to(&format!("/office/requests/{id}?amended=1")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    reason: String,
}

/// `POST /office/requests/{id}/withdraw`: the last event, recorded by mistake, taken back.
pub async fn withdraw<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<ReasonForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let view = ctx.request_by_id(RequestId(id), None).await?;
    ctx.withdraw_event(
        &view.agency.name,
        &view.request.data.reference,
        &form.reason,
    )
    .await?;
    Ok(Redirect::to(&format!("/office/requests/{id}?withdrawn=1")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RemedyForm {
    case: String,
    kind: String,
    received: String,
}

/// `POST /office/requests/{id}/remedies`: a reconsideration or litigation case against the
/// request.
pub async fn add_remedy<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<RemedyForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let kind = field(&form.kind, "案件类型", parse_remedy_kind)?
        .ok_or_else(|| WebError::invalid("请选择案件类型"))?;
    let received = date(&form.received, "收到日期")?;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let view = ctx.request_by_id(RequestId(id), None).await?;
    ctx.add_remedy(
        &view.agency.name,
        &form.case,
        &view.request.data.reference,
        kind,
        received,
    )
    .await?;
    Ok(Redirect::to(&format!("/office/requests/{id}?remedy=1#h-remedies")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CloseForm {
    case: String,
    result: String,
    date: String,
}

/// `POST /office/requests/{id}/remedies/close`: a case closed with its result.
pub async fn close_remedy<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<CloseForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let result = field(&form.result, "审理结果", parse_remedy_result)?
        .flatten()
        .ok_or_else(|| WebError::invalid("请选择审理结果：结果维持、结果纠正或其他结果"))?;
    let on = date(&form.date, "结案日期")?;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let view = ctx.request_by_id(RequestId(id), None).await?;
    ctx.close_remedy(&view.agency.name, &form.case, result, on)
        .await?;
    Ok(Redirect::to(&format!("/office/requests/{id}?remedy=1#h-remedies")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RemediesQuery {
    #[serde(default)]
    agency: String,
    /// Only the cases table 四 of this year counts.
    #[serde(default)]
    year: String,
}

/// A case in the list, with the request it concerns.
#[derive(Debug)]
pub struct CaseLine {
    pub case: String,
    pub kind: &'static str,
    pub received: NaiveDate,
    pub closed: bool,
    pub result: String,
    /// The request's reference and page (`None` when it cannot be found any more).
    pub request: String,
    pub request_id: Option<i64>,
}

#[derive(Debug, Template)]
#[template(path = "remedies.html")]
pub struct RemediesPage {
    pub layout: Layout,
    pub agencies: Vec<Choice>,
    pub year: String,
    pub cases: Vec<CaseLine>,
    pub pending: usize,
}

/// `GET /office/remedies?agency=…&year=…`: an agency's reconsideration and litigation cases;
/// with a year, those table 四 of that year counts (received by its end, not closed before it).
pub async fn remedies<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(q): Query<RemediesQuery>,
) -> WebResult<Html<String>> {
    use gongkai_cases::vocab::{remedy_kind_label, remedy_result_label};
    let agencies = agency_choices(&app, &caller, &q.agency, None).await?;
    let agency = match q.agency.trim() {
        "" => agencies
            .first()
            .map(|c| c.value.clone())
            .unwrap_or_default(),
        a => a.to_owned(),
    };
    let year = field(&q.year, "年度", |y| y.parse::<i32>().ok())?;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let mut cases = Vec::new();
    if !agency.is_empty() {
        let remedies = ctx.list_remedies(&agency, year).await?;
        let references: Vec<String> = remedies
            .iter()
            .map(|r| r.data.requests.first().cloned().unwrap_or_default())
            .collect();
        let ids = ctx.request_ids(&agency, &references).await?;
        for ((r, request), id) in remedies.into_iter().zip(references).zip(ids) {
            cases.push(CaseLine {
                case: r.data.reference,
                kind: remedy_kind_label(r.data.kind),
                received: r.data.received,
                closed: r.data.closed.is_some(),
                result: match r.data.closed {
                    Some((on, result)) => format!("{}（{on}）", remedy_result_label(Some(result))),
                    None => remedy_result_label(None).to_owned(),
                },
                request,
                request_id: id.map(|id| id.0),
            });
        }
    }
    let pending = cases.iter().filter(|c| !c.closed).count();
    render(&RemediesPage {
        layout: Layout::new(&caller, Section::Remedies),
        agencies,
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        cases,
        pending,
    })
}
