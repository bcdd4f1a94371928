//! Routing on the request page (转办, 签收, 退回, 协办), other requests like it (same applicant,
//! near-identical, linked as the same request), and the agency a reply names as responsible
//! for the information (第三十六条第（五）项): what the page shows and its forms' handlers.
//! Each handler parses its form, calls one use case and goes back to the request page.

use crate::auth::SecureForm;
use crate::error::{WebError, WebResult};
use crate::office::replies::{Empty, back_to};
use crate::{Shared, WebStore};
use axum::extract::{Path, State};
use axum::response::Response;
use gongkai_access::{Capability, Scope};
use gongkai_cases::vocab::parse_date_text;
use gongkai_cases::{Agency, RequestId};
use gongkai_services::Ctx;
use gongkai_services::requests::RequestView;
use gongkai_services::routing::{RoutingView, StepLine};
use gongkai_services::similar::SimilarView;
use gongkai_store::similar::Referral;
use serde::Deserialize;

/// What the request page shows of routing and of other requests, and which forms it offers.
#[derive(Debug)]
pub struct RoutingPart {
    pub routing: RoutingView,
    /// The steps with their moment in China time, as the page shows them.
    pub steps: Vec<(StepLine, String)>,
    /// The units the caller may dispatch to (the handling unit's subtree), when it may.
    pub dispatch_to: Vec<String>,
    /// The caller handles the unit a dispatch awaits: it may sign or return.
    pub can_sign: bool,
    /// The units the caller may ask for help, when it handles the request.
    pub subtask_to: Vec<String>,
    /// The sub-tasks the caller's units may answer: (number, what is asked).
    pub answerable: Vec<(i32, String)>,
    /// The statutory due date, the latest a sub-task may be due (第三十三条).
    pub latest_due: String,
    pub similar: SimilarView,
    /// The caller may link requests and name the responsible agency.
    pub can_link: bool,
    pub referral: Option<Referral>,
}

impl RoutingPart {
    /// The part of `view`'s page for the caller of `scope` (`tree`: the agencies it sees).
    pub async fn of<S: WebStore>(
        ctx: &Ctx<'_, S>,
        scope: &Scope,
        view: &RequestView,
        tree: &[Agency],
    ) -> WebResult<RoutingPart> {
        let id = view.request.id;
        let routing = view.routing.clone();
        let handles = |a: &Agency| scope.allows(a.id, tree, Capability::Handle);
        let open = !view.state.is_closed();
        let handling = open && handles(&routing.handling);
        let names = |list: Vec<Agency>| list.into_iter().map(|a| a.name).collect();
        let dispatch_to = if handling && routing.awaiting.is_none() {
            names(ctx.dispatch_targets(id).await?)
        } else {
            Vec::new()
        };
        let subtask_to = if handling && routing.awaiting.is_none() {
            names(ctx.subtask_targets(id).await?)
        } else {
            Vec::new()
        };
        let answerable = routing
            .subtasks
            .iter()
            .filter(|t| open && t.answer.is_none())
            .filter(|t| tree.iter().find(|a| a.name == t.to).is_some_and(&handles))
            .map(|t| (t.seq, t.ask.clone()))
            .collect();
        Ok(RoutingPart {
            can_sign: open && routing.awaiting.as_ref().is_some_and(&handles),
            dispatch_to,
            subtask_to,
            answerable,
            latest_due: view
                .deadline
                .as_ref()
                .map(|d| d.due.to_string())
                .unwrap_or_default(),
            similar: ctx.similar_requests(id).await?,
            can_link: handles(&view.acting),
            referral: ctx.referral_of(id).await?,
            steps: routing
                .steps
                .iter()
                .map(|s| (s.clone(), super::china_minute(&s.at)))
                .collect(),
            routing,
        })
    }
}

/// Back to the request page with a notice.
fn back(id: i64, notice: &str) -> Response {
    back_to(RequestId(id), notice)
}

#[derive(Debug, Deserialize)]
pub struct DispatchForm {
    #[serde(default)]
    to_agency: String,
}

/// `POST /office/requests/{id}/dispatch`: 转办 to a unit of the handling unit's subtree.
pub async fn dispatch<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<DispatchForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    ctx.dispatch_request(RequestId(id), &form.to_agency).await?;
    Ok(back(id, "dispatched"))
}

/// `POST /office/requests/{id}/sign`: 签收.
pub async fn sign<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<Empty>,
) -> WebResult<Response> {
    let settings = app.settings();
    let ctx = posted.caller.ctx(&app, &settings);
    ctx.sign_request(RequestId(id)).await?;
    Ok(back(id, "signed"))
}

#[derive(Debug, Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    reason: String,
}

/// `POST /office/requests/{id}/return`: 退回 with a reason.
pub async fn return_back<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<ReturnForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    ctx.return_request(RequestId(id), &form.reason).await?;
    Ok(back(id, "returned"))
}

#[derive(Debug, Deserialize)]
pub struct SubtaskForm {
    #[serde(default)]
    to_agency: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    ask: String,
}

/// `POST /office/requests/{id}/subtasks`: 协办 with a due date.
pub async fn subtask<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<SubtaskForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let due = parse_date_text(form.due.trim())
        .ok_or_else(|| WebError::invalid("请填写协办期限，如 2024-09-27"))?;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    ctx.open_subtask(RequestId(id), &form.to_agency, due, &form.ask)
        .await?;
    Ok(back(id, "subtask"))
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    task: i32,
    #[serde(default)]
    answer: String,
}

/// `POST /office/requests/{id}/answer`: the helping unit answers its sub-task.
pub async fn answer<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<AnswerForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    ctx.answer_subtask(RequestId(id), form.task, &form.answer)
        .await?;
    Ok(back(id, "answered"))
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    /// The other request's id.
    #[serde(default)]
    other: i64,
    /// `link` or `unlink`.
    #[serde(default)]
    action: String,
}

/// `POST /office/requests/{id}/links`: links (or unlinks) another request as the same request
/// (同一申请).
pub async fn link<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<LinkForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let linked = form.action != "unlink";
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    ctx.link_requests(RequestId(id), RequestId(form.other), linked)
        .await?;
    Ok(back(id, if linked { "linked" } else { "unlinked" }))
}

#[derive(Debug, Deserialize)]
pub struct ReferralForm {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    contact: String,
}

/// `POST /office/requests/{id}/referral`: the agency responsible for the information and its
/// contact, which the reply names (第三十六条第（五）项); an empty name removes it.
pub async fn referral<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<i64>,
    posted: SecureForm<ReferralForm>,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    ctx.set_referral(RequestId(id), &form.agency, &form.contact)
        .await?;
    Ok(back(id, "referral"))
}
