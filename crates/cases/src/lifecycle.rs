//! The life of a request over its append-only timeline: a state machine that says which state
//! the request is in and refuses events that cannot happen, with a Chinese reason that cites the
//! article of 《中华人民共和国政府信息公开条例》 (国务院令第711号) it rests on.
//!
//! States (spec §2–§3):
//!
//! | state | Chinese | entered by |
//! |---|---|---|
//! | [`State::Open`] | 办理中 | `Received`, `CorrectedReceived`, the end of the last consultation, `FeePaid` |
//! | [`State::AwaitingCorrection`] | 待补正 | `CorrectionRequested` (第三十条) |
//! | [`State::Consulting`] | 征求意见中 | `ConsultationStarted` (第三十二条、第三十四条) |
//! | [`State::AwaitingFee`] | 待缴费 | `FeeNoticeSent` (国办函〔2020〕109号) |
//! | [`State::Closed`] | 已办结 | `Decided` with its outcome; `CorrectionLapsed` (outcome `OpNoCorrection`) |
//!
//! A fee that is not paid in time ends the request with a `Decided` event whose outcome is
//! [`Outcome::OpFeeUnpaid`]; there is no separate "fee lapsed" event.
//!
//! What is deliberately *not* refused: a decision from any open state (the applicant may
//! withdraw while a correction, consultation or fee is pending; a consultation still running at
//! the decision is taken to end with it, as the deadline engine does), and any outcome on a
//! bare `Received → Decided` timeline (a ledger imported from a spreadsheet records the outcome,
//! not the intermediate steps). Only outcomes that the recorded history contradicts are refused.

use crate::model::{Outcome, TimelineEvent};
use chrono::NaiveDate;
use gongkai_calendar::{Calendar, Deadline, DeadlineError, DeadlineSettings, Event};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a request stands after its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// 办理中: the answer clock runs (第三十三条).
    Open,
    /// 待补正: a correction notice was sent; the clock starts again from the corrected request
    /// (第三十条).
    AwaitingCorrection,
    /// 征求意见中: at least one consultation is running; its time does not count (第三十二条、
    /// 第三十四条).
    Consulting,
    /// 待缴费: a fee notice was sent and not yet paid (国办函〔2020〕109号).
    AwaitingFee,
    /// 已办结: decided on `decided` with `outcome` (第三十六–三十九条).
    Closed {
        decided: NaiveDate,
        outcome: Outcome,
    },
}

impl State {
    /// The state's name for programs (the CLI's and the API's JSON): `open`,
    /// `awaiting_correction`, `consulting`, `awaiting_fee`, `closed`.
    pub fn key(self) -> &'static str {
        match self {
            State::Open => "open",
            State::AwaitingCorrection => "awaiting_correction",
            State::Consulting => "consulting",
            State::AwaitingFee => "awaiting_fee",
            State::Closed { .. } => "closed",
        }
    }

    /// The state's name as officers say it.
    pub fn label(self) -> &'static str {
        match self {
            State::Open => "办理中",
            State::AwaitingCorrection => "待补正",
            State::Consulting => "征求意见中",
            State::AwaitingFee => "待缴费",
            State::Closed { .. } => "已办结",
        }
    }

    /// Whether the request is closed.
    pub fn is_closed(self) -> bool {
        matches!(self, State::Closed { .. })
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The name of a timeline event as officers say it (the deadline engine uses the same words).
pub fn event_name(event: Event) -> &'static str {
    match event {
        Event::Received(_) => "收到申请",
        Event::CorrectionRequested(_) => "发出补正通知",
        Event::CorrectedReceived(_) => "收到补正后的申请",
        Event::CorrectionLapsed(_) => "补正期限届满",
        Event::ConsultationStarted(_) => "开始征求意见",
        Event::ConsultationEnded(_) => "征求意见结束",
        Event::FeeNoticeSent(_) => "发出收费通知",
        Event::FeePaid(_) => "缴纳信息处理费",
        Event::ExtensionApproved(_) => "批准延期",
        Event::Decided(_) => "作出答复",
    }
}

/// Why an event cannot be recorded. Each message names the rule and its article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The timeline must start with the receipt (第三十一条: the date of receipt starts
    /// everything).
    #[error("第一个事件必须是“收到申请”：答复期限自收到申请之日起计算（第三十一条、第三十三条）")]
    FirstNotReceived,
    /// A second `Received`.
    #[error("申请已于 {first} 收到，一件申请只有一个收到日期；同一申请人的新申请应另行登记")]
    SecondReceipt { first: NaiveDate },
    /// Dated before the event recorded before it.
    #[error("日期早于上一个事件的日期 {previous}：时间线只能按时间先后追加")]
    BeforePrevious { previous: NaiveDate },
    /// Anything after the request was closed.
    #[error("申请已于 {decided} 办结（{}），不能再追加事件", .outcome.label())]
    AfterClosed {
        decided: NaiveDate,
        outcome: Outcome,
    },
    /// `Decided` without an outcome.
    #[error("作出答复必须写明办理结果（第三十六条至第三十九条）")]
    MissingOutcome,
    /// An outcome on any event but `Decided`.
    #[error(
        "只有“作出答复”才能带办理结果；补正期限届满的办理结果固定为“申请人无正当理由逾期不补正”（第三十条），无须另填"
    )]
    OutcomeOnNonDecision,
    /// A second correction notice (第三十条: 一次性告知).
    #[error(
        "已于 {first} 发出补正通知：补正应一次性告知申请人需要补正的事项（第三十条），不能再次要求补正"
    )]
    SecondCorrection { first: NaiveDate },
    /// A correction notice after other handling has begun.
    #[error(
        "补正通知应在收到申请之日起7个工作日内、办理其他事项之前一次性发出（第三十条）；本申请已开始征求意见、收费或延期，不能再要求补正"
    )]
    CorrectionNotFirst,
    /// `CorrectedReceived` or `CorrectionLapsed` without a pending correction notice.
    #[error("没有待补正的补正通知（第三十条）")]
    NoCorrectionPending,
    /// Consultation, fee or extension while the correction is pending.
    #[error(
        "已于 {requested} 发出补正通知，尚未收到补正：答复期限自收到补正后的申请之日起计算（第三十条），补正前不能征求意见、收费或延期"
    )]
    AwaitingCorrection { requested: NaiveDate },
    /// A second extension (第三十三条第二款: at most once, at most 20 working days).
    #[error(
        "已于 {first} 批准延期：延长答复期限只能一次，且最长不超过20个工作日（第三十三条第二款）"
    )]
    SecondExtension { first: NaiveDate },
    /// `ConsultationEnded` with no running consultation.
    #[error("没有正在进行的征求意见，不能记录征求意见结束（第三十二条、第三十四条）")]
    NoConsultation,
    /// `FeePaid` with no outstanding fee notice.
    #[error("没有待缴费的收费通知，不能记录缴费（国办函〔2020〕109号）")]
    NoFeeNotice,
    /// A consultation, or another fee notice, while a fee notice is unpaid.
    #[error(
        "已于 {since} 发出收费通知，尚未缴费：应先记录缴费，或以“申请人逾期未按收费通知要求缴纳费用”作出答复（国办函〔2020〕109号）"
    )]
    FeePending { since: NaiveDate },
    /// A fee notice during a consultation.
    #[error(
        "征求意见尚未结束：是否公开取决于征求意见的结果（第三十二条），应在征求意见结束后再发出收费通知"
    )]
    FeeDuringConsultation,
    /// An outcome that the recorded history contradicts.
    #[error("办理结果“{}”与记录不符：{why}", .outcome.label())]
    OutcomeContradicts { outcome: Outcome, why: &'static str },
}

/// A timeline that cannot be, or an event that cannot be appended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// No event at all.
    #[error("时间线为空：第一个事件必须是“收到申请”")]
    Empty,
    /// The event at `index` (0-based) cannot follow the ones before it.
    #[error("第{}个事件（{date}“{event}”）不能记录：{reason}", .index + 1)]
    Refused {
        index: usize,
        date: NaiveDate,
        /// The event's name (see [`event_name`]).
        event: &'static str,
        reason: Refusal,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Correction {
    None,
    Requested(NaiveDate),
    Received,
}

/// The machine's memory: what the state alone does not say but the rules need.
#[derive(Debug, Clone)]
struct Machine {
    received: NaiveDate,
    last: NaiveDate,
    /// Nothing but the receipt so far (a correction notice must come first, 第三十条).
    untouched: bool,
    correction_first: Option<NaiveDate>,
    correction: Correction,
    /// Running consultations: a third party and a co-producing agency may be asked at once.
    consultations: u32,
    fee_since: Option<NaiveDate>,
    extended: Option<NaiveDate>,
    closed: Option<(NaiveDate, Outcome)>,
}

impl Machine {
    fn start(first: &TimelineEvent) -> Result<Machine, Refusal> {
        let Event::Received(received) = first.event else {
            return Err(Refusal::FirstNotReceived);
        };
        if first.outcome.is_some() {
            return Err(Refusal::OutcomeOnNonDecision);
        }
        Ok(Machine {
            received,
            last: received,
            untouched: true,
            correction_first: None,
            correction: Correction::None,
            consultations: 0,
            fee_since: None,
            extended: None,
            closed: None,
        })
    }

    fn state(&self) -> State {
        if let Some((decided, outcome)) = self.closed {
            State::Closed { decided, outcome }
        } else if matches!(self.correction, Correction::Requested(_)) {
            State::AwaitingCorrection
        } else if self.fee_since.is_some() {
            State::AwaitingFee
        } else if self.consultations > 0 {
            State::Consulting
        } else {
            State::Open
        }
    }

    fn apply(&mut self, next: &TimelineEvent) -> Result<(), Refusal> {
        let e = next.event;
        let date = e.date();
        if let Some((decided, outcome)) = self.closed {
            return Err(Refusal::AfterClosed { decided, outcome });
        }
        if date < self.last {
            return Err(Refusal::BeforePrevious {
                previous: self.last,
            });
        }
        // Only a decision carries an outcome (第三十六–三十九条); `Decided` without one is
        // refused in its arm below.
        if !matches!(e, Event::Decided(_)) && next.outcome.is_some() {
            return Err(Refusal::OutcomeOnNonDecision);
        }
        // While a correction is pending, the clock has not started (第三十条): only the
        // correction's own ends and a decision (e.g. a withdrawal) may follow.
        if let Correction::Requested(requested) = self.correction
            && matches!(
                e,
                Event::ConsultationStarted(_)
                    | Event::ConsultationEnded(_)
                    | Event::FeeNoticeSent(_)
                    | Event::FeePaid(_)
                    | Event::ExtensionApproved(_)
            )
        {
            return Err(Refusal::AwaitingCorrection { requested });
        }
        match e {
            Event::Received(_) => {
                return Err(Refusal::SecondReceipt {
                    first: self.received,
                });
            }
            Event::CorrectionRequested(_) => {
                // 第三十条: 一次性告知.
                if let Some(first) = self.correction_first {
                    return Err(Refusal::SecondCorrection { first });
                }
                // 第三十条: within 7 working days of receipt, before any other handling (the
                // clock restarts from the corrected request, so an earlier extension or pause
                // would have nothing to apply to).
                if !self.untouched {
                    return Err(Refusal::CorrectionNotFirst);
                }
                self.correction_first = Some(date);
                self.correction = Correction::Requested(date);
            }
            Event::CorrectedReceived(_) => {
                if !matches!(self.correction, Correction::Requested(_)) {
                    return Err(Refusal::NoCorrectionPending);
                }
                self.correction = Correction::Received;
            }
            Event::CorrectionLapsed(_) => {
                // 第三十条: no correction in time ⇒ the request is treated as abandoned.
                if !matches!(self.correction, Correction::Requested(_)) {
                    return Err(Refusal::NoCorrectionPending);
                }
                self.closed = Some((date, Outcome::OpNoCorrection));
            }
            Event::ConsultationStarted(_) => {
                if let Some(since) = self.fee_since {
                    return Err(Refusal::FeePending { since });
                }
                self.consultations += 1;
            }
            Event::ConsultationEnded(_) => {
                if self.consultations == 0 {
                    return Err(Refusal::NoConsultation);
                }
                self.consultations -= 1;
            }
            Event::FeeNoticeSent(_) => {
                if let Some(since) = self.fee_since {
                    return Err(Refusal::FeePending { since });
                }
                if self.consultations > 0 {
                    return Err(Refusal::FeeDuringConsultation);
                }
                self.fee_since = Some(date);
            }
            Event::FeePaid(_) => {
                if self.fee_since.is_none() {
                    return Err(Refusal::NoFeeNotice);
                }
                self.fee_since = None;
            }
            Event::ExtensionApproved(_) => {
                // 第三十三条第二款: one extension of at most 20 working days.
                if let Some(first) = self.extended {
                    return Err(Refusal::SecondExtension { first });
                }
                self.extended = Some(date);
            }
            Event::Decided(_) => {
                let Some(outcome) = next.outcome else {
                    return Err(Refusal::MissingOutcome);
                };
                self.check_outcome(outcome)?;
                self.closed = Some((date, outcome));
            }
        }
        self.untouched = false;
        self.last = date;
        Ok(())
    }

    /// Outcomes that the recorded history contradicts (第三十条). Outcomes without the history
    /// that would explain them are accepted: a ledger often has the outcome and nothing else.
    fn check_outcome(&self, outcome: Outcome) -> Result<(), Refusal> {
        let why = match (outcome, self.correction) {
            (Outcome::OpNoCorrection, Correction::Received) => {
                "已收到补正后的申请，不属于逾期不补正（第三十条）"
            }
            (Outcome::NaUnclearAfterFix, Correction::Requested(_)) => {
                "尚未收到补正后的申请，不能认定“补正后申请内容仍不明确”；逾期未补正的，记录“补正期限届满”（第三十条）"
            }
            _ => return Ok(()),
        };
        Err(Refusal::OutcomeContradicts { outcome, why })
    }
}

fn refused(index: usize, event: &TimelineEvent, reason: Refusal) -> TransitionError {
    TransitionError::Refused {
        index,
        date: event.event.date(),
        event: event_name(event.event),
        reason,
    }
}

fn run(events: &[TimelineEvent]) -> Result<Machine, TransitionError> {
    let (first, rest) = events.split_first().ok_or(TransitionError::Empty)?;
    let mut machine = Machine::start(first).map_err(|r| refused(0, first, r))?;
    for (i, e) in rest.iter().enumerate() {
        machine.apply(e).map_err(|r| refused(i + 1, e, r))?;
    }
    Ok(machine)
}

/// The state of a request after its whole timeline, in recorded order.
///
/// # Errors
/// The first event that cannot follow the ones before it, with its index and reason.
pub fn state(events: &[TimelineEvent]) -> Result<State, TransitionError> {
    run(events).map(|m| m.state())
}

/// The state after appending `next` to a timeline, or why `next` cannot be appended. Equal to
/// `state(events ++ [next])`; storage calls this before writing an event.
///
/// # Errors
/// The existing timeline is invalid, or `next` is refused (its index is `events.len()`).
pub fn check_append(
    events: &[TimelineEvent],
    next: &TimelineEvent,
) -> Result<State, TransitionError> {
    if events.is_empty() {
        return state(std::slice::from_ref(next));
    }
    let mut machine = run(events)?;
    machine
        .apply(next)
        .map_err(|r| refused(events.len(), next, r))?;
    Ok(machine.state())
}

/// The decision date and outcome category of a request, if it is closed: the first `Decided`
/// event with its outcome, or the first `CorrectionLapsed` (第三十条: treated as abandoned,
/// outcome [`Outcome::OpNoCorrection`] on the day the period ran out). Reads the timeline as
/// recorded without validating it (see [`state`]); a `Decided` event without an outcome is
/// ignored.
pub fn outcome(events: &[TimelineEvent]) -> Option<(NaiveDate, Outcome)> {
    events.iter().find_map(|e| match (e.event, e.outcome) {
        (Event::Decided(d), Some(o)) => Some((d, o)),
        (Event::CorrectionLapsed(d), _) => Some((d, Outcome::OpNoCorrection)),
        _ => None,
    })
}

/// The answer deadline of a request, explained step by step: the timeline's clock events handed
/// to [`gongkai_calendar::compute_events`] (第三十条、第三十二条、第三十三条、第三十四条; fee pause
/// per `settings`).
///
/// # Errors
/// As [`gongkai_calendar::compute_events`]: inconsistent events, or a state in which no deadline
/// runs ([`DeadlineError::AwaitingCorrection`], [`DeadlineError::Abandoned`]).
pub fn deadline(
    cal: &Calendar,
    events: &[TimelineEvent],
    settings: &DeadlineSettings,
    as_of: Option<NaiveDate>,
) -> Result<Deadline, DeadlineError> {
    gongkai_calendar::compute_events(cal, &clock(events), settings, as_of)
}

/// The events of a timeline that move the answer clock, for [`gongkai_calendar`]'s deadline
/// functions ([`deadline`] is the usual one; a list of thousands of requests that shows only
/// their due dates calls [`gongkai_calendar::compute_events_brief`] with these).
pub fn clock(events: &[TimelineEvent]) -> Vec<Event> {
    events.iter().map(|e| e.event).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ev(event: Event) -> TimelineEvent {
        TimelineEvent {
            event,
            outcome: None,
            note: String::new(),
        }
    }

    fn decided(date: &str, outcome: Outcome) -> TimelineEvent {
        TimelineEvent {
            event: Event::Decided(d(date)),
            outcome: Some(outcome),
            note: String::new(),
        }
    }

    fn reason(events: &[TimelineEvent]) -> (usize, Refusal) {
        match state(events) {
            Err(TransitionError::Refused { index, reason, .. }) => (index, reason),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn legal_paths() {
        let r = ev(Event::Received(d("2024-03-01")));
        assert_eq!(state(std::slice::from_ref(&r)), Ok(State::Open));

        // correction requested → corrected → consultation (two parties) → fee → paid →
        // extension → decided
        let mut t = vec![r.clone(), ev(Event::CorrectionRequested(d("2024-03-04")))];
        assert_eq!(state(&t), Ok(State::AwaitingCorrection));
        t.push(ev(Event::CorrectedReceived(d("2024-03-08"))));
        assert_eq!(state(&t), Ok(State::Open));
        t.push(ev(Event::ConsultationStarted(d("2024-03-11"))));
        t.push(ev(Event::ConsultationStarted(d("2024-03-11"))));
        assert_eq!(state(&t), Ok(State::Consulting));
        t.push(ev(Event::ConsultationEnded(d("2024-03-20"))));
        assert_eq!(state(&t), Ok(State::Consulting));
        t.push(ev(Event::ExtensionApproved(d("2024-03-21"))));
        assert_eq!(state(&t), Ok(State::Consulting));
        t.push(ev(Event::ConsultationEnded(d("2024-03-25"))));
        assert_eq!(state(&t), Ok(State::Open));
        t.push(ev(Event::FeeNoticeSent(d("2024-03-26"))));
        assert_eq!(state(&t), Ok(State::AwaitingFee));
        t.push(ev(Event::FeePaid(d("2024-03-29"))));
        assert_eq!(state(&t), Ok(State::Open));
        t.push(ev(Event::FeeNoticeSent(d("2024-04-01"))));
        t.push(ev(Event::FeePaid(d("2024-04-01"))));
        let closed = decided("2024-04-10", Outcome::Disclosed);
        assert_eq!(
            check_append(&t, &closed),
            Ok(State::Closed {
                decided: d("2024-04-10"),
                outcome: Outcome::Disclosed
            })
        );
        t.push(closed);
        assert_eq!(outcome(&t), Some((d("2024-04-10"), Outcome::Disclosed)));

        // correction lapsed ⇒ closed with OpNoCorrection on that day
        let lapsed = vec![
            r.clone(),
            ev(Event::CorrectionRequested(d("2024-03-01"))),
            ev(Event::CorrectionLapsed(d("2024-03-20"))),
        ];
        let closed = State::Closed {
            decided: d("2024-03-20"),
            outcome: Outcome::OpNoCorrection,
        };
        assert_eq!(state(&lapsed), Ok(closed));
        assert_eq!(
            outcome(&lapsed),
            Some((d("2024-03-20"), Outcome::OpNoCorrection))
        );

        // fee not paid in time ⇒ Decided with OpFeeUnpaid
        let unpaid = vec![
            r.clone(),
            ev(Event::FeeNoticeSent(d("2024-03-05"))),
            decided("2024-04-08", Outcome::OpFeeUnpaid),
        ];
        assert!(state(&unpaid).unwrap().is_closed());
        assert_eq!(
            outcome(&unpaid),
            Some((d("2024-04-08"), Outcome::OpFeeUnpaid))
        );

        // a withdrawal while awaiting correction, and a decision while consulting
        for pending in [
            Event::CorrectionRequested(d("2024-03-02")),
            Event::ConsultationStarted(d("2024-03-02")),
        ] {
            let t = vec![
                r.clone(),
                ev(pending),
                decided("2024-03-09", Outcome::OpOther),
            ];
            assert!(state(&t).unwrap().is_closed(), "{pending:?}");
        }

        // a ledger's bare timeline accepts any outcome
        for o in Outcome::ALL {
            let t = vec![r.clone(), decided("2024-03-01", o)];
            assert!(state(&t).is_ok(), "{o:?}");
        }
        // still unclear after a correction
        let t = vec![
            r.clone(),
            ev(Event::CorrectionRequested(d("2024-03-02"))),
            ev(Event::CorrectedReceived(d("2024-03-05"))),
            decided("2024-03-20", Outcome::NaUnclearAfterFix),
        ];
        assert!(state(&t).is_ok());
    }

    #[test]
    fn refusals() {
        let r = ev(Event::Received(d("2024-03-01")));
        assert_eq!(state(&[]), Err(TransitionError::Empty));
        assert_eq!(
            reason(&[ev(Event::Decided(d("2024-03-01")))]),
            (0, Refusal::FirstNotReceived)
        );
        let mut with_outcome = r.clone();
        with_outcome.outcome = Some(Outcome::Disclosed);
        assert_eq!(reason(&[with_outcome]), (0, Refusal::OutcomeOnNonDecision));
        assert_eq!(
            reason(&[r.clone(), ev(Event::Received(d("2024-03-02")))]),
            (
                1,
                Refusal::SecondReceipt {
                    first: d("2024-03-01")
                }
            )
        );
        assert_eq!(
            reason(&[
                r.clone(),
                ev(Event::ConsultationStarted(d("2024-03-05"))),
                ev(Event::ConsultationEnded(d("2024-03-04"))),
            ]),
            (
                2,
                Refusal::BeforePrevious {
                    previous: d("2024-03-05")
                }
            )
        );
        assert_eq!(
            reason(&[r.clone(), ev(Event::ExtensionApproved(d("2024-02-29")))]),
            (
                1,
                Refusal::BeforePrevious {
                    previous: d("2024-03-01")
                }
            )
        );
        let closed = decided("2024-03-10", Outcome::NpRepeat);
        assert_eq!(
            reason(&[
                r.clone(),
                closed.clone(),
                ev(Event::ExtensionApproved(d("2024-03-11")))
            ]),
            (
                2,
                Refusal::AfterClosed {
                    decided: d("2024-03-10"),
                    outcome: Outcome::NpRepeat
                }
            )
        );
        assert_eq!(
            reason(&[
                r.clone(),
                closed.clone(),
                decided("2024-03-11", Outcome::Disclosed)
            ])
            .1,
            Refusal::AfterClosed {
                decided: d("2024-03-10"),
                outcome: Outcome::NpRepeat
            }
        );
        // CorrectionLapsed must be followed by nothing
        assert_eq!(
            reason(&[
                r.clone(),
                ev(Event::CorrectionRequested(d("2024-03-02"))),
                ev(Event::CorrectionLapsed(d("2024-03-20"))),
                ev(Event::CorrectedReceived(d("2024-03-21"))),
            ]),
            (
                3,
                Refusal::AfterClosed {
                    decided: d("2024-03-20"),
                    outcome: Outcome::OpNoCorrection
                }
            )
        );
        assert_eq!(
            reason(&[r.clone(), ev(Event::Decided(d("2024-03-02")))]),
            (1, Refusal::MissingOutcome)
        );
        let mut fee_with_outcome = ev(Event::FeeNoticeSent(d("2024-03-02")));
        fee_with_outcome.outcome = Some(Outcome::OpFeeUnpaid);
        assert_eq!(
            reason(&[r.clone(), fee_with_outcome]),
            (1, Refusal::OutcomeOnNonDecision)
        );
        let mut lapsed_with_outcome = ev(Event::CorrectionLapsed(d("2024-03-20")));
        lapsed_with_outcome.outcome = Some(Outcome::OpNoCorrection);
        assert_eq!(
            reason(&[
                r.clone(),
                ev(Event::CorrectionRequested(d("2024-03-02"))),
                lapsed_with_outcome
            ]),
            (2, Refusal::OutcomeOnNonDecision)
        );
        // 第三十条: once
        assert_eq!(
            reason(&[
                r.clone(),
                ev(Event::CorrectionRequested(d("2024-03-02"))),
                ev(Event::CorrectedReceived(d("2024-03-05"))),
                ev(Event::CorrectionRequested(d("2024-03-06"))),
            ]),
            (
                3,
                Refusal::SecondCorrection {
                    first: d("2024-03-02")
                }
            )
        );
        assert_eq!(
            reason(&[
                r.clone(),
                ev(Event::CorrectionRequested(d("2024-03-02"))),
                ev(Event::CorrectionRequested(d("2024-03-03"))),
            ])
            .1,
            Refusal::SecondCorrection {
                first: d("2024-03-02")
            }
        );
        for before in [
            Event::ExtensionApproved(d("2024-03-02")),
            Event::ConsultationStarted(d("2024-03-02")),
            Event::FeeNoticeSent(d("2024-03-02")),
        ] {
            assert_eq!(
                reason(&[
                    r.clone(),
                    ev(before),
                    ev(Event::CorrectionRequested(d("2024-03-03")))
                ]),
                (2, Refusal::CorrectionNotFirst),
                "{before:?}"
            );
        }
        for e in [
            Event::CorrectedReceived(d("2024-03-02")),
            Event::CorrectionLapsed(d("2024-03-02")),
        ] {
            assert_eq!(
                reason(&[r.clone(), ev(e)]),
                (1, Refusal::NoCorrectionPending)
            );
        }
        for e in [
            Event::ConsultationStarted(d("2024-03-03")),
            Event::ConsultationEnded(d("2024-03-03")),
            Event::FeeNoticeSent(d("2024-03-03")),
            Event::FeePaid(d("2024-03-03")),
            Event::ExtensionApproved(d("2024-03-03")),
        ] {
            assert_eq!(
                reason(&[
                    r.clone(),
                    ev(Event::CorrectionRequested(d("2024-03-02"))),
                    ev(e)
                ]),
                (
                    2,
                    Refusal::AwaitingCorrection {
                        requested: d("2024-03-02")
                    }
                ),
                "{e:?}"
            );
        }
        // 第三十三条第二款: once
        assert_eq!(
            reason(&[
                r.clone(),
                ev(Event::ExtensionApproved(d("2024-03-20"))),
                ev(Event::ExtensionApproved(d("2024-04-01"))),
            ]),
            (
                2,
                Refusal::SecondExtension {
                    first: d("2024-03-20")
                }
            )
        );
        assert_eq!(
            reason(&[r.clone(), ev(Event::ConsultationEnded(d("2024-03-02")))]),
            (1, Refusal::NoConsultation)
        );
        assert_eq!(
            reason(&[
                r.clone(),
                ev(Event::ConsultationStarted(d("2024-03-02"))),
                ev(Event::ConsultationEnded(d("2024-03-03"))),
                ev(Event::ConsultationEnded(d("2024-03-04"))),
            ]),
            (3, Refusal::NoConsultation)
        );
        assert_eq!(
            reason(&[r.clone(), ev(Event::FeePaid(d("2024-03-02")))]),
            (1, Refusal::NoFeeNotice)
        );
        for e in [
            Event::FeeNoticeSent(d("2024-03-03")),
            Event::ConsultationStarted(d("2024-03-03")),
        ] {
            assert_eq!(
                reason(&[r.clone(), ev(Event::FeeNoticeSent(d("2024-03-02"))), ev(e)]),
                (
                    2,
                    Refusal::FeePending {
                        since: d("2024-03-02")
                    }
                ),
                "{e:?}"
            );
        }
        assert_eq!(
            reason(&[
                r.clone(),
                ev(Event::ConsultationStarted(d("2024-03-02"))),
                ev(Event::FeeNoticeSent(d("2024-03-03"))),
            ]),
            (2, Refusal::FeeDuringConsultation)
        );
        assert!(matches!(
            reason(&[
                r.clone(),
                ev(Event::CorrectionRequested(d("2024-03-02"))),
                ev(Event::CorrectedReceived(d("2024-03-03"))),
                decided("2024-03-10", Outcome::OpNoCorrection),
            ]),
            (
                3,
                Refusal::OutcomeContradicts {
                    outcome: Outcome::OpNoCorrection,
                    ..
                }
            )
        ));
        assert!(matches!(
            reason(&[
                r.clone(),
                ev(Event::CorrectionRequested(d("2024-03-02"))),
                decided("2024-03-10", Outcome::NaUnclearAfterFix),
            ]),
            (
                2,
                Refusal::OutcomeContradicts {
                    outcome: Outcome::NaUnclearAfterFix,
                    ..
                }
            )
        ));
    }

    #[test]
    fn check_append_reports_the_new_index_and_the_old_errors() {
        let r = ev(Event::Received(d("2024-03-01")));
        let t = vec![r.clone(), ev(Event::ExtensionApproved(d("2024-03-20")))];
        let err = check_append(&t, &ev(Event::ExtensionApproved(d("2024-03-21")))).unwrap_err();
        let TransitionError::Refused { index, event, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!((*index, *event), (2, "批准延期"));
        let text = err.to_string();
        assert!(
            text.starts_with("第3个事件（2024-03-21“批准延期”）不能记录："),
            "{text}"
        );
        assert!(text.contains("第三十三条第二款"), "{text}");
        // an invalid existing timeline is reported at its own index
        let bad = vec![ev(Event::FeePaid(d("2024-03-01")))];
        assert!(matches!(
            check_append(&bad, &r),
            Err(TransitionError::Refused { index: 0, .. })
        ));
        // appending to nothing: the appended event is the first
        assert_eq!(check_append(&[], &r), Ok(State::Open));
        assert!(matches!(
            check_append(&[], &ev(Event::FeePaid(d("2024-03-01")))),
            Err(TransitionError::Refused {
                index: 0,
                reason: Refusal::FirstNotReceived,
                ..
            })
        ));
    }

    #[test]
    fn messages_cite_their_articles() {
        let cases: Vec<(Refusal, &str)> = vec![
            (
                Refusal::SecondCorrection {
                    first: d("2024-03-02"),
                },
                "第三十条",
            ),
            (
                Refusal::SecondExtension {
                    first: d("2024-03-02"),
                },
                "第三十三条",
            ),
            (Refusal::NoConsultation, "第三十二条"),
            (Refusal::MissingOutcome, "第三十六条"),
            (
                Refusal::FeePending {
                    since: d("2024-03-02"),
                },
                "109号",
            ),
        ];
        for (r, article) in cases {
            assert!(r.to_string().contains(article), "{r}");
        }
        assert_eq!(State::AwaitingFee.to_string(), "待缴费");
    }

    #[test]
    fn deadline_delegates_to_the_engine() {
        let cal = Calendar::official().unwrap();
        let t = vec![ev(Event::Received(d("2024-09-27")))];
        let due = deadline(&cal, &t, &DeadlineSettings::default(), None).unwrap();
        assert_eq!(due.due, d("2024-10-30"));
        let lapsed = vec![
            ev(Event::Received(d("2024-09-27"))),
            ev(Event::CorrectionRequested(d("2024-09-29"))),
            ev(Event::CorrectionLapsed(d("2024-10-20"))),
        ];
        assert!(matches!(
            deadline(&cal, &lapsed, &DeadlineSettings::default(), None),
            Err(DeadlineError::Abandoned { .. })
        ));
    }
}
