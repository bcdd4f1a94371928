//! Routing a request inside a government (签收, 转办, 协办, 退回): the office that registers a
//! request (often a government's unified intake) dispatches it (转办/交办) to the unit of its
//! subtree that holds the information; that unit signs for it (签收) or returns it with a reason
//! (退回) to the dispatcher, who may dispatch again; the handling unit may ask other units of the
//! government for help (协办) with sub-tasks due on or before the statutory due date, and each
//! helping unit answers its sub-task.
//!
//! Routing is internal work of the agency: **no step moves the statutory clock**. The period
//! runs from the date of receipt recorded at registration (第三十一条) for 20 working days
//! (第三十三条), whoever handles the request meanwhile; the steps are kept apart from the
//! timeline of clock events ([`crate::lifecycle`]) so that they cannot reach the deadline. The
//! handling unit is derived from the steps ([`Routing::handling`]).

use crate::{Agency, AgencyId, tables};
use chrono::NaiveDate;

/// What a routing step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// 转办/交办: the handling unit hands the request to a unit of its subtree.
    Dispatch,
    /// 签收: the unit it was dispatched to takes it; it is now the handling unit.
    Sign,
    /// 退回: the unit it was dispatched to sends it back to the dispatcher, with a reason.
    Return,
    /// 协办: the handling unit asks another unit of the government for help, by a due date.
    Subtask,
    /// The helping unit answers its sub-task.
    Answer,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Dispatch,
        Action::Sign,
        Action::Return,
        Action::Subtask,
        Action::Answer,
    ];

    /// The word in the database and the API: `dispatch`, `sign`, `return`, `subtask`, `answer`.
    pub fn key(self) -> &'static str {
        match self {
            Action::Dispatch => "dispatch",
            Action::Sign => "sign",
            Action::Return => "return",
            Action::Subtask => "subtask",
            Action::Answer => "answer",
        }
    }

    /// The word officers use: 转办, 签收, 退回, 协办, 协办答复.
    pub fn label(self) -> &'static str {
        match self {
            Action::Dispatch => "转办",
            Action::Sign => "签收",
            Action::Return => "退回",
            Action::Subtask => "协办",
            Action::Answer => "协办答复",
        }
    }

    /// An action by its key.
    pub fn parse(key: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.key() == key.trim())
    }
}

/// One routing step, as recorded (numbered from 1 in the order taken; the number of a
/// [`Action::Subtask`] step is the sub-task's number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub action: Action,
    /// The unit taking the step.
    pub by: AgencyId,
    /// The unit the step goes to: the unit dispatched to, the dispatcher a return goes back
    /// to, the helping unit of a sub-task; `None` for a signature and an answer.
    pub to: Option<AgencyId>,
    /// A return's reason, what a sub-task asks, an answer.
    pub text: String,
    /// A sub-task's due date.
    pub due: Option<NaiveDate>,
    /// The sub-task an answer answers (its step's number).
    pub task: Option<i32>,
}

/// A dispatch not yet signed for nor returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// The dispatch step's number.
    pub seq: i32,
    pub from: AgencyId,
    pub to: AgencyId,
}

/// A sub-task (协办) and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subtask {
    /// The step's number, which names the sub-task.
    pub seq: i32,
    pub by: AgencyId,
    pub to: AgencyId,
    pub ask: String,
    pub due: NaiveDate,
    /// The answer's step number and text.
    pub answer: Option<(i32, String)>,
}

impl Subtask {
    /// Unanswered after its due date.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.answer.is_none() && self.due < today
    }
}

/// Where a request stands inside the government after its routing steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    /// The agency that registered the request: its statutory clock started there.
    pub registering: AgencyId,
    /// The unit that handles the request now: the registering agency, or the last unit that
    /// signed for it.
    pub handling: AgencyId,
    /// A dispatch awaiting the unit's signature or return.
    pub pending: Option<Pending>,
    pub subtasks: Vec<Subtask>,
    /// The units that returned a dispatch (退回): they still see the request their return is a
    /// step of, without acting on it.
    pub returned: Vec<AgencyId>,
}

/// Why a routing step may not follow the steps so far.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    #[error("该申请已转办，尚待承办单位签收或退回")]
    AwaitingSignature,
    #[error("只有当前承办单位可以转办或交办该申请、发起协办")]
    NotHandling,
    #[error("只能转办给本单位的下级单位")]
    NotInSubtree,
    #[error("该申请没有待签收的转办")]
    NothingToSign,
    #[error("只有被转办的单位可以签收或退回")]
    NotAddressee,
    #[error("退回须写明理由")]
    NoReason,
    #[error("协办单位须是同一政府的其他单位")]
    BadHelper,
    /// 第三十三条: the sub-task must leave the handling unit time to answer within the period.
    #[error("协办期限 {due} 晚于法定答复期限 {statutory}（第三十三条），应不晚于 {statutory}")]
    AfterStatutoryDue {
        due: NaiveDate,
        statutory: NaiveDate,
    },
    #[error("协办须给出期限")]
    NoDue,
    #[error("没有编号为 {0} 的协办事项")]
    UnknownTask(i32),
    #[error("协办事项 {0} 已答复")]
    Answered(i32),
    #[error("只有协办单位可以答复协办事项")]
    NotHelper,
    #[error("协办答复不能为空")]
    EmptyAnswer,
    /// The request is answered: nothing is left to route.
    #[error("该申请已办结，不能再转办、签收、退回或协办")]
    Closed,
}

impl Routing {
    /// A request just registered by `registering`: no step yet.
    pub fn new(registering: AgencyId) -> Routing {
        Routing {
            registering,
            handling: registering,
            pending: None,
            subtasks: Vec::new(),
            returned: Vec::new(),
        }
    }

    /// Every unit that sees the request because of its routing: the handling unit, the unit a
    /// dispatch awaits, the units with a sub-task (answered or not), the units that returned
    /// it.
    pub fn involved(&self) -> Vec<AgencyId> {
        let mut out = vec![self.handling];
        out.extend(self.pending.map(|p| p.to));
        out.extend(self.subtasks.iter().map(|s| s.to));
        out.extend(self.returned.iter().copied());
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The next step's number.
    pub fn next_seq(steps: &[Step]) -> i32 {
        i32::try_from(steps.len()).unwrap_or(i32::MAX - 1) + 1
    }

    /// Whether `step`, numbered `seq`, may follow, and the routing after it. `tree` is every
    /// agency (for the subtree checks); `statutory_due` the request's answer deadline when one
    /// runs: a sub-task must be due on or before it.
    ///
    /// # Errors
    /// Why the step may not follow ([`RoutingError`]).
    pub fn apply(
        &mut self,
        seq: i32,
        step: &Step,
        tree: &[Agency],
        statutory_due: Option<NaiveDate>,
    ) -> Result<(), RoutingError> {
        let within = |root: AgencyId, unit: AgencyId| tables::subtree(tree, root).contains(&unit);
        match step.action {
            Action::Dispatch => {
                if self.pending.is_some() {
                    return Err(RoutingError::AwaitingSignature);
                }
                if step.by != self.handling {
                    return Err(RoutingError::NotHandling);
                }
                let to = step.to.ok_or(RoutingError::NotInSubtree)?;
                if to == step.by || !within(step.by, to) {
                    return Err(RoutingError::NotInSubtree);
                }
                self.pending = Some(Pending {
                    seq,
                    from: step.by,
                    to,
                });
            }
            Action::Sign | Action::Return => {
                let pending = self.pending.ok_or(RoutingError::NothingToSign)?;
                if step.by != pending.to {
                    return Err(RoutingError::NotAddressee);
                }
                if step.action == Action::Return {
                    if step.text.trim().is_empty() {
                        return Err(RoutingError::NoReason);
                    }
                    // Back to the dispatcher, who handles it again and may dispatch anew.
                    self.returned.push(pending.to);
                } else {
                    self.handling = pending.to;
                }
                self.pending = None;
            }
            Action::Subtask => {
                if self.pending.is_some() {
                    return Err(RoutingError::AwaitingSignature);
                }
                if step.by != self.handling {
                    return Err(RoutingError::NotHandling);
                }
                let to = step.to.ok_or(RoutingError::BadHelper)?;
                // Any other unit of the same government: the tree of the registering agency's
                // top.
                if to == step.by || !within(top(tree, self.registering), to) {
                    return Err(RoutingError::BadHelper);
                }
                let due = step.due.ok_or(RoutingError::NoDue)?;
                // 第三十三条: the answer is due within the statutory period whoever helps; a
                // sub-task due later could only make the request late.
                if let Some(statutory) = statutory_due
                    && due > statutory
                {
                    return Err(RoutingError::AfterStatutoryDue { due, statutory });
                }
                self.subtasks.push(Subtask {
                    seq,
                    by: step.by,
                    to,
                    ask: step.text.trim().to_owned(),
                    due,
                    answer: None,
                });
            }
            Action::Answer => {
                let task = step.task.ok_or(RoutingError::UnknownTask(0))?;
                let sub = self
                    .subtasks
                    .iter_mut()
                    .find(|s| s.seq == task)
                    .ok_or(RoutingError::UnknownTask(task))?;
                if sub.answer.is_some() {
                    return Err(RoutingError::Answered(task));
                }
                if step.by != sub.to {
                    return Err(RoutingError::NotHelper);
                }
                if step.text.trim().is_empty() {
                    return Err(RoutingError::EmptyAnswer);
                }
                sub.answer = Some((seq, step.text.trim().to_owned()));
            }
        }
        Ok(())
    }
}

/// The top of the tree `unit` belongs to (its government). Bounded by the tree's size, so a
/// cycle cannot loop.
fn top(tree: &[Agency], unit: AgencyId) -> AgencyId {
    let mut at = unit;
    for _ in 0..tree.len() {
        match tree.iter().find(|a| a.id == at).and_then(|a| a.parent) {
            Some(parent) => at = parent,
            None => break,
        }
    }
    at
}

/// The routing after `steps`, replayed without the due-date check (a sub-task's due date was
/// checked when it was opened, against the deadline of that day).
///
/// # Errors
/// The first step that could not have followed (a corrupt record).
pub fn replay(
    registering: AgencyId,
    steps: &[Step],
    tree: &[Agency],
) -> Result<Routing, RoutingError> {
    let mut routing = Routing::new(registering);
    for (i, step) in steps.iter().enumerate() {
        routing.apply(Routing::next_seq(&steps[..i]), step, tree, None)?;
    }
    Ok(routing)
}

/// Whether `next` may follow `steps` (the one decision of this module), and the routing after
/// it: the steps so far replayed, then `next` checked with the request's `statutory_due`.
///
/// # Errors
/// Why it may not ([`RoutingError`]).
pub fn check_next(
    registering: AgencyId,
    steps: &[Step],
    next: &Step,
    tree: &[Agency],
    statutory_due: Option<NaiveDate>,
) -> Result<Routing, RoutingError> {
    let mut routing = replay(registering, steps, tree)?;
    routing.apply(Routing::next_seq(steps), next, tree, statutory_due)?;
    Ok(routing)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::lifecycle;
    use crate::{Outcome, TimelineEvent};
    use gongkai_calendar::{Calendar, DeadlineSettings, Event};

    /// 1 县政府 (intake) → 2 自然资源局 → 4 所; 3 交通局; 5 another county.
    fn tree() -> Vec<Agency> {
        vec![
            Agency::new(AgencyId(1), "县政府", None),
            Agency::new(AgencyId(2), "县自然资源局", Some(AgencyId(1))),
            Agency::new(AgencyId(3), "县交通局", Some(AgencyId(1))),
            Agency::new(AgencyId(4), "县不动产登记中心", Some(AgencyId(2))),
            Agency::new(AgencyId(5), "邻县政府", None),
        ]
    }

    fn step(action: Action, by: i64, to: Option<i64>) -> Step {
        Step {
            action,
            by: AgencyId(by),
            to: to.map(AgencyId),
            text: "理由".into(),
            due: None,
            task: None,
        }
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, m, d).unwrap()
    }

    #[test]
    fn dispatch_return_dispatch_sign_subtask_answer() {
        let t = tree();
        let mut steps = Vec::new();
        let mut push = |s: Step, due| {
            let r = check_next(AgencyId(1), &steps, &s, &t, due);
            if r.is_ok() {
                steps.push(s);
            }
            r
        };
        // A sibling of the registering agency is not in its subtree; another county neither.
        assert_eq!(
            push(step(Action::Dispatch, 1, Some(5)), None),
            Err(RoutingError::NotInSubtree)
        );
        let r = push(step(Action::Dispatch, 1, Some(3)), None).unwrap();
        assert_eq!(r.pending.map(|p| p.to), Some(AgencyId(3)));
        assert_eq!(r.handling, AgencyId(1));
        // Only the unit dispatched to signs or returns; a return needs a reason.
        assert_eq!(
            push(step(Action::Sign, 2, None), None),
            Err(RoutingError::NotAddressee)
        );
        let mut silent = step(Action::Return, 3, None);
        silent.text = " ".into();
        assert_eq!(push(silent, None), Err(RoutingError::NoReason));
        let r = push(step(Action::Return, 3, Some(1)), None).unwrap();
        assert_eq!((r.handling, r.pending), (AgencyId(1), None));
        push(step(Action::Dispatch, 1, Some(2)), None).unwrap();
        let r = push(step(Action::Sign, 2, None), None).unwrap();
        assert_eq!(r.handling, AgencyId(2));
        // The intake no longer handles it: it cannot dispatch again.
        assert_eq!(
            push(step(Action::Dispatch, 1, Some(3)), None),
            Err(RoutingError::NotHandling)
        );
        let mut sub = step(Action::Subtask, 2, Some(3));
        sub.due = Some(day(4, 1));
        assert_eq!(
            push(sub.clone(), Some(day(3, 31))),
            Err(RoutingError::AfterStatutoryDue {
                due: day(4, 1),
                statutory: day(3, 31)
            })
        );
        assert!(
            RoutingError::AfterStatutoryDue {
                due: day(4, 1),
                statutory: day(3, 31)
            }
            .to_string()
            .contains("2025-03-31")
        );
        sub.due = Some(day(3, 31));
        let r = push(sub, Some(day(3, 31))).unwrap();
        assert_eq!(r.subtasks[0].seq, 5);
        assert!(r.subtasks[0].overdue(day(4, 1)));
        let mut answer = step(Action::Answer, 3, None);
        answer.task = Some(5);
        answer.text = "已提供相关材料".into();
        let r = push(answer.clone(), None).unwrap();
        assert_eq!(r.subtasks[0].answer.as_ref().map(|a| a.0), Some(6));
        assert!(!r.subtasks[0].overdue(day(4, 1)));
        assert_eq!(push(answer, None), Err(RoutingError::Answered(5)));
        assert_eq!(r.involved(), vec![AgencyId(2), AgencyId(3)]);
    }

    fn arb_step() -> impl proptest::strategy::Strategy<Value = (Step, Option<NaiveDate>)> {
        use proptest::prelude::*;
        (
            0..5usize,
            1..6i64,
            proptest::option::of(1..6i64),
            0..60u32,
            1..10i32,
            any::<bool>(),
        )
            .prop_map(|(a, by, to, offset, task, reason)| {
                let due = day(3, 1) + chrono::Duration::days(i64::from(offset));
                (
                    Step {
                        action: Action::ALL[a],
                        by: AgencyId(by),
                        to: to.map(AgencyId),
                        text: if reason {
                            "理由".into()
                        } else {
                            String::new()
                        },
                        due: Some(due),
                        task: Some(task),
                    },
                    Some(due),
                )
            })
    }

    proptest::proptest! {
        /// No routing step moves the statutory clock (第三十一条, 第三十三条): whatever steps are
        /// accepted, the deadline computed from the request's timeline is the one of its
        /// registration; and a sub-task due after the statutory date is always refused.
        #[test]
        fn no_step_moves_the_clock(steps in proptest::collection::vec(arb_step(), 0..30)) {
            let cal = Calendar::official().unwrap();
            let settings = DeadlineSettings::default();
            let events = vec![TimelineEvent {
                event: Event::Received(day(3, 3)),
                outcome: None::<Outcome>,
                note: String::new(),
            }];
            let due = lifecycle::deadline(&cal, &events, &settings, None).unwrap().due;
            let t = tree();
            let mut taken: Vec<Step> = Vec::new();
            for (s, _) in steps {
                let result = check_next(AgencyId(1), &taken, &s, &t, Some(due));
                if s.action == Action::Subtask && s.due.is_some_and(|d| d > due) {
                    proptest::prop_assert!(
                        matches!(result, Err(RoutingError::AfterStatutoryDue { .. })
                            | Err(RoutingError::AwaitingSignature)
                            | Err(RoutingError::NotHandling)
                            | Err(RoutingError::BadHelper)),
                        "{result:?}"
                    );
                    proptest::prop_assert!(result.is_err());
                }
                if let Ok(routing) = result {
                    taken.push(s);
                    // Every accepted sub-task is due on or before the statutory date.
                    proptest::prop_assert!(routing.subtasks.iter().all(|x| x.due <= due));
                }
                let now = lifecycle::deadline(&cal, &events, &settings, None).unwrap().due;
                proptest::prop_assert_eq!(now, due);
            }
            // The handling unit is always the registering agency or one of its subtree.
            let routing = replay(AgencyId(1), &taken, &t).unwrap();
            proptest::prop_assert!(tables::subtree(&t, AgencyId(1)).contains(&routing.handling));
        }
    }
}
