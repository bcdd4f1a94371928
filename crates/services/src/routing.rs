//! Routing a request inside a government (转办/交办, 签收, 退回, 协办): the use cases on
//! [`gongkai_cases::routing`]. The registering office dispatches a request to a unit of its
//! subtree; the unit signs for it or returns it with a reason; the handling unit opens
//! sub-tasks for other units, due on or before the statutory due date; the helping unit
//! answers. Each step needs [`Capability::Handle`] on the unit that takes it (web.md §1:
//! officers and approvers dispatch, sign and return), is audited, and is numbered: a step
//! decided on a state someone else changed meanwhile is a conflict. None of them touches the
//! timeline of clock events: the deadline runs from the receipt recorded at registration
//! (第三十一条, 第三十三条).

use crate::requests::WorkItem;
use crate::{Capability, Ctx, FieldProblem, Result, ServiceError, resolve};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_cases::routing::{self, Action, Routing, RoutingError, Step};
use gongkai_cases::{Agency, AgencyId, Request, RequestId, lifecycle, tables};
use gongkai_store::Store;
use gongkai_store::routing::RoutingStep;

/// One routing step as the request page and the API show it: who, when, from, to, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepLine {
    pub seq: i32,
    pub action: Action,
    /// The unit that took the step.
    pub by: String,
    /// The unit it went to (dispatch, return, sub-task).
    pub to: Option<String>,
    /// A return's reason, what a sub-task asks, an answer.
    pub text: String,
    pub due: Option<NaiveDate>,
    /// The sub-task an answer answers.
    pub task: Option<i32>,
    pub at: DateTime<Utc>,
    /// The account that took it.
    pub actor: String,
}

/// A sub-task (协办) as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubtaskLine {
    pub seq: i32,
    pub by: String,
    pub to: String,
    pub ask: String,
    pub due: NaiveDate,
    pub answer: Option<String>,
    /// Unanswered after its due date.
    pub overdue: bool,
}

/// Where a request stands inside the government.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingView {
    /// The unit handling it now (the registering agency until a unit signs for it).
    pub handling: Agency,
    /// The unit a dispatch awaits, not yet signed for nor returned.
    pub awaiting: Option<Agency>,
    pub steps: Vec<StepLine>,
    pub subtasks: Vec<SubtaskLine>,
}

/// A request waiting for a unit (a dispatch to sign, a sub-task to answer), for the 工作台.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: RequestId,
    pub reference: String,
    /// The unit it waits for.
    pub unit: String,
    /// The unit that dispatched it or opened the sub-task.
    pub from: String,
    pub at: DateTime<Utc>,
    /// A sub-task's due date.
    pub due: Option<NaiveDate>,
    pub ask: String,
}

/// What routing puts on a unit's 工作台: its own lists, computed on every look (the dispatches
/// of another agency's intake leave no audit entry of this unit, so the desk's cache would not
/// see them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutingDesk {
    /// Dispatches to the unit not yet signed for nor returned (待签收).
    pub unsigned: Vec<Waiting>,
    /// Sub-tasks for the unit unanswered after their due date (逾期协办).
    pub overdue_subtasks: Vec<Waiting>,
    /// Sub-tasks for the unit still within their due date.
    pub open_subtasks: Vec<Waiting>,
    /// The open requests the unit handles after signing for them, most urgent first.
    pub handled: Vec<WorkItem>,
}

/// The step a use case wants to take, before the unit taking it is known.
enum Want<'a> {
    Dispatch(&'a str),
    Sign,
    Return(&'a str),
    Subtask {
        to: &'a str,
        due: NaiveDate,
        ask: &'a str,
    },
    Answer {
        task: i32,
        answer: &'a str,
    },
}

fn name_of(tree: &[Agency], id: AgencyId) -> String {
    tree.iter()
        .find(|a| a.id == id)
        .map_or_else(String::new, |a| a.name.clone())
}

fn agency_of(tree: &[Agency], id: AgencyId) -> Result<Agency> {
    tree.iter()
        .find(|a| a.id == id)
        .cloned()
        .ok_or_else(|| ServiceError::Invalid(format!("编号为 {} 的机关不存在", id.0)))
}

/// A required text of a form: its field's problem when empty (422 with the field).
fn required(field: &'static str, text: &str, message: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(ServiceError::Fields(vec![FieldProblem {
            field,
            message: message.to_owned(),
        }]));
    }
    Ok(())
}

impl<S: Store> Ctx<'_, S> {
    /// The routing of a request the scope sees.
    pub async fn routing_of(&self, id: RequestId) -> Result<RoutingView> {
        let (request, _, tree) = self.request_in_scope(id).await?;
        let steps = self.store.routing_steps(id).await?;
        self.routing_view(&request, &steps, &tree)
    }

    pub(crate) fn routing_view(
        &self,
        request: &Request,
        steps: &[RoutingStep],
        tree: &[Agency],
    ) -> Result<RoutingView> {
        let plain: Vec<Step> = steps.iter().map(|s| s.step.clone()).collect();
        let routing = routing::replay(request.data.agency, &plain, tree)?;
        let today = self.settings.today;
        Ok(RoutingView {
            handling: agency_of(tree, routing.handling)?,
            awaiting: routing.pending.map(|p| agency_of(tree, p.to)).transpose()?,
            steps: steps
                .iter()
                .map(|s| StepLine {
                    seq: s.seq,
                    action: s.step.action,
                    by: name_of(tree, s.step.by),
                    to: s.step.to.map(|a| name_of(tree, a)),
                    text: s.step.text.clone(),
                    due: s.step.due,
                    task: s.step.task,
                    at: s.at,
                    actor: s.actor.clone(),
                })
                .collect(),
            subtasks: routing
                .subtasks
                .iter()
                .map(|t| SubtaskLine {
                    seq: t.seq,
                    by: name_of(tree, t.by),
                    to: name_of(tree, t.to),
                    ask: t.ask.clone(),
                    due: t.due,
                    answer: t.answer.as_ref().map(|(_, a)| a.clone()),
                    overdue: t.overdue(today),
                })
                .collect(),
        })
    }

    /// The units the handling unit may dispatch the request to: its subtree without itself,
    /// in the tree's order (the page's `<select>`).
    pub async fn dispatch_targets(&self, id: RequestId) -> Result<Vec<Agency>> {
        let view = self.routing_of(id).await?;
        let tree = self.tree().await?;
        Ok(tables::subtree(&tree, view.handling.id)
            .into_iter()
            .filter(|a| *a != view.handling.id)
            .filter_map(|a| tree.iter().find(|x| x.id == a).cloned())
            .collect())
    }

    /// The units that may be asked for help (协办): the registering government's subtree
    /// without the handling unit.
    pub async fn subtask_targets(&self, id: RequestId) -> Result<Vec<Agency>> {
        let (request, _, tree) = self.request_in_scope(id).await?;
        let view = self.routing_of(id).await?;
        Ok(tables::subtree(&tree, request.data.agency)
            .into_iter()
            .filter(|a| *a != view.handling.id)
            .filter_map(|a| tree.iter().find(|x| x.id == a).cloned())
            .collect())
    }

    /// 转办/交办: the handling unit hands the request to `to_agency`, a unit of its subtree.
    /// Needs [`Capability::Handle`] on the handling unit.
    pub async fn dispatch_request(&self, id: RequestId, to_agency: &str) -> Result<RoutingView> {
        self.route(id, Want::Dispatch(to_agency)).await
    }

    /// 签收: the unit the request was dispatched to takes it and handles it from now on.
    /// Needs [`Capability::Handle`] on that unit.
    pub async fn sign_request(&self, id: RequestId) -> Result<RoutingView> {
        self.route(id, Want::Sign).await
    }

    /// 退回: the unit the request was dispatched to sends it back to the dispatcher with a
    /// reason (required). Needs [`Capability::Handle`] on that unit.
    pub async fn return_request(&self, id: RequestId, reason: &str) -> Result<RoutingView> {
        self.route(id, Want::Return(reason)).await
    }

    /// 协办: the handling unit asks `to_agency`, another unit of the government, for help by
    /// `due`, which must fall on or before the statutory due date (第三十三条). Needs
    /// [`Capability::Handle`] on the handling unit.
    pub async fn open_subtask(
        &self,
        id: RequestId,
        to_agency: &str,
        due: NaiveDate,
        ask: &str,
    ) -> Result<RoutingView> {
        self.route(
            id,
            Want::Subtask {
                to: to_agency,
                due,
                ask,
            },
        )
        .await
    }

    /// The helping unit answers its sub-task `task`. Needs [`Capability::Handle`] on it.
    pub async fn answer_subtask(
        &self,
        id: RequestId,
        task: i32,
        answer: &str,
    ) -> Result<RoutingView> {
        self.route(id, Want::Answer { task, answer }).await
    }

    /// Takes one routing step: the steps so far read; a caller who handles none of the units
    /// involved refused first (403, or 404 where it sees nothing); the fields checked; the unit
    /// taking the step checked for [`Capability::Handle`]; the step checked by
    /// [`routing::check_next`] with the request's statutory due date; and stored as the next
    /// number (a conflict if another step came first).
    async fn route(&self, id: RequestId, want: Want<'_>) -> Result<RoutingView> {
        let (request, acting, tree) = self.request_in_scope(id).await?;
        let steps = self.store.routing_steps(id).await?;
        let plain: Vec<Step> = steps.iter().map(|s| s.step.clone()).collect();
        let routing = routing::replay(request.data.agency, &plain, &tree)?;
        let mut units = routing.involved();
        units.push(request.data.agency);
        if !units
            .iter()
            .any(|&a| self.scope.allows(a, &tree, Capability::Handle))
        {
            self.grant_in(&tree, &acting, Capability::Handle)?;
        }
        match want {
            Want::Dispatch(to) => required("to_agency", to, "请选择承办单位")?,
            Want::Return(reason) => required("reason", reason, "退回须写明理由")?,
            Want::Subtask { to, .. } => required("to_agency", to, "请选择协办单位")?,
            Want::Answer { answer, .. } => required("answer", answer, "请填写协办答复")?,
            Want::Sign => {}
        }
        let state = lifecycle::state(&request.events).map_err(gongkai_store::StoreError::from)?;
        if state.is_closed() {
            return Err(ServiceError::Routing(RoutingError::Closed));
        }
        let target = |name: &str| -> Result<AgencyId> {
            Ok(resolve(&tree, &[], name)
                .map_err(|_| {
                    ServiceError::Fields(vec![FieldProblem {
                        field: "to_agency",
                        message: format!("没有名为“{}”的机关", name.trim()),
                    }])
                })?
                .id)
        };
        let pending = || routing.pending.ok_or(RoutingError::NothingToSign);
        let (step, action) = match want {
            Want::Dispatch(to) => (
                step(Action::Dispatch, routing.handling, Some(target(to)?)),
                "request.dispatch",
            ),
            Want::Sign => (step(Action::Sign, pending()?.to, None), "request.sign"),
            Want::Return(reason) => {
                let p = pending()?;
                let mut s = step(Action::Return, p.to, Some(p.from));
                s.text = reason.trim().to_owned();
                (s, "request.return")
            }
            Want::Subtask { to, due, ask } => {
                let mut s = step(Action::Subtask, routing.handling, Some(target(to)?));
                s.due = Some(due);
                s.text = ask.trim().to_owned();
                (s, "request.subtask")
            }
            Want::Answer { task, answer } => {
                let helper = routing
                    .subtasks
                    .iter()
                    .find(|t| t.seq == task)
                    .ok_or(RoutingError::UnknownTask(task))?
                    .to;
                let mut s = step(Action::Answer, helper, None);
                s.task = Some(task);
                s.text = answer.trim().to_owned();
                (s, "request.answer_subtask")
            }
        };
        // The unit taking the step must be the caller's: Handle there (web.md §1).
        let grant = self.grant_in(&tree, &agency_of(&tree, step.by)?, Capability::Handle)?;
        // 第三十三条: the statutory due date from the receipt recorded at registration, the
        // one date a sub-task must not pass; routing never changes it.
        let due = if request.confirmation.receipt_known() {
            let cal = self.calendar().await?;
            lifecycle::deadline(&cal, &request.events, &self.settings.deadline, None)
                .ok()
                .map(|d| d.due)
        } else {
            None
        };
        routing::check_next(request.data.agency, &plain, &step, &tree, due)?;
        let audit = self
            .draft(&grant, action, format!("申请 {}", request.data.reference))
            .await?;
        let seq = Routing::next_seq(&plain);
        let recorded = self.store.record_routing_step(id, seq, step, audit).await?;
        // A dispatch tells the unit's staff "dispatched to you" (转办待签收). The step stands
        // if the message cannot be queued: the 工作台 lists the unsigned dispatch anyway.
        if let (Action::Dispatch, Some(to)) = (recorded.step.action, recorded.step.to) {
            let _ = self.notify_dispatched(id, to).await;
        }
        let mut steps = steps;
        steps.push(recorded);
        self.routing_view(&request, &steps, &tree)
    }

    /// What routing puts on the 工作台 of `agency` and the units below it that the scope sees.
    pub async fn routing_desk(&self, agency: &str) -> Result<RoutingDesk> {
        let (agency, tree) = self.locate(agency).await?;
        let units: Vec<AgencyId> = tables::subtree(&tree, agency.id)
            .into_iter()
            .filter(|&id| self.scope.reaches(id, &tree))
            .collect();
        let today = self.settings.today;
        let waiting = self.store.routing_waiting(&units).await?;
        let ids: Vec<RequestId> = waiting.iter().map(|(id, _)| *id).collect();
        let requests = self.store.requests_by_ids(&ids).await?;
        let reference = |id: RequestId| {
            requests
                .iter()
                .find(|r| r.id == id)
                .map_or_else(String::new, |r| r.data.reference.clone())
        };
        let mut desk = RoutingDesk::default();
        for (id, s) in waiting {
            // A closed request waits for nobody.
            let closed = requests
                .iter()
                .find(|r| r.id == id)
                .is_none_or(|r| lifecycle::outcome(&r.events).is_some());
            if closed {
                continue;
            }
            let line = Waiting {
                id,
                reference: reference(id),
                unit: s.step.to.map(|a| name_of(&tree, a)).unwrap_or_default(),
                from: name_of(&tree, s.step.by),
                at: s.at,
                due: s.step.due,
                ask: s.step.text.clone(),
            };
            match (s.step.action, s.step.due) {
                (Action::Dispatch, _) => desk.unsigned.push(line),
                (_, Some(due)) if due < today => desk.overdue_subtasks.push(line),
                _ => desk.open_subtasks.push(line),
            }
        }
        desk.overdue_subtasks.sort_by_key(|w| (w.due, w.id));
        desk.open_subtasks.sort_by_key(|w| (w.due, w.id));
        let handled = self.store.routed_to(&units).await?;
        let mut items = self.items(&handled, &tree, today).await?;
        items.retain(|i| !i.state.is_closed());
        items.sort_by(crate::requests::urgency);
        desk.handled = items;
        Ok(desk)
    }
}

/// A step of `action` by `by` to `to`, without text, due date or task.
fn step(action: Action, by: AgencyId, to: Option<AgencyId>) -> Step {
    Step {
        action,
        by,
        to,
        text: String::new(),
        due: None,
        task: None,
    }
}
