//! Corrections of recorded requests and remedy cases: a wrong outcome, a mistyped date of
//! receipt, an applicant counted under the wrong kind. A correction produces the record as it
//! should have been and the list of changes (field, old value, new value) that the audit log
//! keeps; the corrected timeline must still pass the state machine ([`crate::lifecycle`]), so a
//! correction can never make a request that could not have happened.
//!
//! Also the comparison of a re-imported ledger row with the stored record
//! ([`differences`]), which reports what the file says differently.

use crate::lifecycle::{self, TransitionError};
use crate::model::{
    ApplicantRecord, Channel, NewRemedy, NewRequest, Outcome, Remedy, RemedyKind, RemedyResult,
    Request, TimelineEvent,
};
use crate::vocab;
use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_report::Applicant;
use gongkai_report::template::applicant_label;
use serde::Serialize;
use std::fmt;

/// A field of a request or remedy case that can be corrected, named as the ledger's column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 申请人姓名或名称 (of the first-named applicant): personal data.
    Applicant,
    /// 申请人类型 (of the first-named applicant): the table 三 column.
    Kind,
    /// 申请方式
    Channel,
    /// 收到日期
    Received,
    /// 申请内容
    Description,
    /// 办理结果
    Outcome,
    /// 答复日期
    Decided,
    /// Remedy: 类型
    RemedyKind,
    /// Remedy: 关联受理编号
    RemedyRequests,
    /// Remedy: 收到日期
    RemedyReceived,
    /// Remedy: 结果
    RemedyResult,
    /// Remedy: 结案日期
    RemedyClosed,
}

impl Field {
    /// The ledger column the field is kept in (`gongkai_ledger::REQUEST_HEADERS` and
    /// `REMEDY_HEADERS` spell them the same).
    pub fn label(self) -> &'static str {
        match self {
            Field::Applicant => "申请人姓名或名称",
            Field::Kind => "申请人类型",
            Field::Channel => "申请方式",
            Field::Received | Field::RemedyReceived => "收到日期",
            Field::Description => "申请内容",
            Field::Outcome => "办理结果",
            Field::Decided => "答复日期",
            Field::RemedyKind => "类型",
            Field::RemedyRequests => "关联受理编号",
            Field::RemedyResult => "结果",
            Field::RemedyClosed => "结案日期",
        }
    }

    /// Whether the field holds personal data (a name), which the audit log keeps only as a
    /// keyed hash, so that a later purge of personal data never has to touch the log.
    pub fn is_personal(self) -> bool {
        matches!(self, Field::Applicant)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One corrected field: what was recorded and what it is now, as officers write them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub field: Field,
    pub old: String,
    pub new: String,
}

/// The corrections asked for a request: each `Some` is a new value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amendment {
    pub applicant: Option<String>,
    pub kind: Option<Applicant>,
    pub channel: Option<Channel>,
    pub received: Option<NaiveDate>,
    pub description: Option<String>,
    pub outcome: Option<Outcome>,
    pub decided: Option<NaiveDate>,
}

impl Amendment {
    /// Whether nothing is to change.
    pub fn is_empty(&self) -> bool {
        *self == Amendment::default()
    }
}

/// Why a correction cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmendError {
    /// Nothing to correct.
    #[error("没有要更正的内容：请至少给出一项新的值")]
    Nothing,
    /// An outcome or decision date for a request that is not closed.
    #[error("申请尚未办结，没有可更正的办理结果或答复日期：办结请用 request event --event decided")]
    NotClosed,
    /// The corrected timeline breaks a rule of the 条例.
    #[error("更正后的办理经过不成立：{0}")]
    Refused(#[from] TransitionError),
    /// Only the receipt is recorded: there is no event to withdraw.
    #[error("只有“收到申请”一个事件，没有可撤回的事件；收到日期可用 request amend --received 更正")]
    NothingToWithdraw,
    /// A remedy case closed before it was received.
    #[error("结案日期 {closed} 早于收到日期 {received}")]
    ClosedBeforeReceived {
        received: NaiveDate,
        closed: NaiveDate,
    },
}

/// The text of an outcome in a change: its label.
fn outcome_text(o: Option<Outcome>) -> String {
    o.map_or_else(|| "办理中".to_owned(), |o| o.label().to_owned())
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map_or_else(String::new, |d| d.to_string())
}

/// Records a change of `field` from `old` to `new` when they differ.
fn note(changes: &mut Vec<Change>, field: Field, old: String, new: String) {
    if old != new {
        changes.push(Change { field, old, new });
    }
}

/// The index of the event that closed the request (the first `Decided` with an outcome, or the
/// first `CorrectionLapsed`, as [`lifecycle::outcome`] reads it).
fn closing_index(events: &[TimelineEvent]) -> Option<usize> {
    events.iter().position(|e| {
        matches!(
            (e.event, e.outcome),
            (Event::Decided(_), Some(_)) | (Event::CorrectionLapsed(_), _)
        )
    })
}

/// The request as corrected by `a`, and what changed. The date of receipt moves the `Received`
/// event with it; an outcome or decision date corrects the event that closed the request (a
/// `CorrectionLapsed` whose outcome is corrected to anything else becomes the `Decided` event of
/// that day). The corrected timeline is checked by the state machine.
///
/// # Errors
/// Nothing to change; an outcome or decision date for an open request; a corrected timeline
/// the state machine refuses.
pub fn apply(request: &Request, a: &Amendment) -> Result<(Request, Vec<Change>), AmendError> {
    if a.is_empty() {
        return Err(AmendError::Nothing);
    }
    let mut r = request.clone();
    let mut changes = Vec::new();
    let first = r.data.applicants.first().cloned();
    if a.applicant.is_some() || a.kind.is_some() {
        let old = first.clone().unwrap_or(ApplicantRecord {
            name: String::new(),
            kind: Applicant::OrgOther,
        });
        let new = ApplicantRecord {
            name: a.applicant.clone().unwrap_or_else(|| old.name.clone()),
            kind: a.kind.unwrap_or(old.kind),
        };
        note(
            &mut changes,
            Field::Applicant,
            old.name.clone(),
            new.name.clone(),
        );
        note(
            &mut changes,
            Field::Kind,
            applicant_label(old.kind).to_owned(),
            applicant_label(new.kind).to_owned(),
        );
        match r.data.applicants.first_mut() {
            Some(slot) => *slot = new,
            None => r.data.applicants.push(new),
        }
    }
    if let Some(c) = a.channel {
        note(
            &mut changes,
            Field::Channel,
            vocab::channel_label(r.data.channel).to_owned(),
            vocab::channel_label(c).to_owned(),
        );
        r.data.channel = c;
    }
    if let Some(d) = a.description.as_ref() {
        note(
            &mut changes,
            Field::Description,
            r.data.description.clone(),
            d.clone(),
        );
        r.data.description.clone_from(d);
    }
    if let Some(d) = a.received {
        note(
            &mut changes,
            Field::Received,
            r.data.received.to_string(),
            d.to_string(),
        );
        r.data.received = d;
        if let Some(e) = r.events.first_mut()
            && matches!(e.event, Event::Received(_))
        {
            e.event = Event::Received(d);
        }
    }
    if a.outcome.is_some() || a.decided.is_some() {
        let i = closing_index(&r.events).ok_or(AmendError::NotClosed)?;
        let (old_date, old_outcome) =
            lifecycle::outcome(&r.events[i..]).ok_or(AmendError::NotClosed)?;
        let date = a.decided.unwrap_or(old_date);
        let outcome = a.outcome.unwrap_or(old_outcome);
        note(
            &mut changes,
            Field::Outcome,
            outcome_text(Some(old_outcome)),
            outcome_text(Some(outcome)),
        );
        note(
            &mut changes,
            Field::Decided,
            old_date.to_string(),
            date.to_string(),
        );
        let e = &mut r.events[i];
        match e.event {
            // 第三十条: a lapsed correction closes as op_no_correction on that day; any other
            // outcome means the request was in fact answered.
            Event::CorrectionLapsed(_) if outcome == Outcome::OpNoCorrection => {
                e.event = Event::CorrectionLapsed(date);
            }
            _ => {
                e.event = Event::Decided(date);
                e.outcome = Some(outcome);
            }
        }
    }
    if changes.is_empty() {
        return Err(AmendError::Nothing);
    }
    lifecycle::state(&r.events)?;
    Ok((r, changes))
}

/// The request without its last timeline event (one entered by mistake), and that event. The
/// receipt itself cannot be withdrawn.
///
/// # Errors
/// Only the receipt is recorded.
pub fn withdraw_last(request: &Request) -> Result<(Request, TimelineEvent), AmendError> {
    if request.events.len() <= 1 {
        return Err(AmendError::NothingToWithdraw);
    }
    let mut r = request.clone();
    let removed = r.events.pop().ok_or(AmendError::NothingToWithdraw)?;
    // A prefix of a valid timeline is valid; checked anyway, since the stored one is read back.
    lifecycle::state(&r.events)?;
    Ok((r, removed))
}

/// What a re-imported ledger row says differently from the stored request, as the correction
/// that would make the record agree with the file. What the file only adds is not a
/// difference: a decision the record lacks is appended by the import as before, and what the
/// record knows and the file leaves blank (a decision recorded since the file was written) is
/// kept. The ledger has no column for the requested form, so it is not compared.
pub fn differences(
    stored: &Request,
    file: &NewRequest,
    file_events: &[TimelineEvent],
) -> Amendment {
    let mut a = Amendment::default();
    let (old, new) = (stored.data.applicants.first(), file.applicants.first());
    if let (Some(old), Some(new)) = (old, new) {
        if old.name != new.name {
            a.applicant = Some(new.name.clone());
        }
        if old.kind != new.kind {
            a.kind = Some(new.kind);
        }
    }
    if stored.data.channel != file.channel {
        a.channel = Some(file.channel);
    }
    if stored.data.received != file.received {
        a.received = Some(file.received);
    }
    if stored.data.description != file.description {
        a.description = Some(file.description.clone());
    }
    if let (Some((sd, so)), Some((fd, fo))) = (
        lifecycle::outcome(&stored.events),
        lifecycle::outcome(file_events),
    ) {
        if so != fo {
            a.outcome = Some(fo);
        }
        if sd != fd {
            a.decided = Some(fd);
        }
    }
    a
}

/// The corrections asked for a remedy case: each `Some` is a new value (`closed: Some(None)`
/// reopens it as 尚未审结).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemedyAmendment {
    pub kind: Option<RemedyKind>,
    pub requests: Option<Vec<String>>,
    pub received: Option<NaiveDate>,
    pub closed: Option<Option<(NaiveDate, RemedyResult)>>,
}

impl RemedyAmendment {
    pub fn is_empty(&self) -> bool {
        *self == RemedyAmendment::default()
    }
}

/// The remedy case as corrected, and what changed.
///
/// # Errors
/// Nothing to change; a closing date before the receipt.
pub fn apply_remedy(
    remedy: &Remedy,
    a: &RemedyAmendment,
) -> Result<(Remedy, Vec<Change>), AmendError> {
    let mut r = remedy.clone();
    let mut changes = Vec::new();
    if let Some(k) = a.kind {
        note(
            &mut changes,
            Field::RemedyKind,
            vocab::remedy_kind_label(r.data.kind).to_owned(),
            vocab::remedy_kind_label(k).to_owned(),
        );
        r.data.kind = k;
    }
    if let Some(refs) = &a.requests {
        note(
            &mut changes,
            Field::RemedyRequests,
            r.data.requests.join("、"),
            refs.join("、"),
        );
        r.data.requests.clone_from(refs);
    }
    if let Some(d) = a.received {
        note(
            &mut changes,
            Field::RemedyReceived,
            r.data.received.to_string(),
            d.to_string(),
        );
        r.data.received = d;
    }
    if let Some(closed) = a.closed {
        let result = |c: Option<(NaiveDate, RemedyResult)>| {
            vocab::remedy_result_label(c.map(|(_, r)| r)).to_owned()
        };
        note(
            &mut changes,
            Field::RemedyResult,
            result(r.data.closed),
            result(closed),
        );
        note(
            &mut changes,
            Field::RemedyClosed,
            date_text(r.data.closed.map(|(d, _)| d)),
            date_text(closed.map(|(d, _)| d)),
        );
        r.data.closed = closed;
    }
    if changes.is_empty() {
        return Err(AmendError::Nothing);
    }
    if let Some((closed, _)) = r.data.closed
        && closed < r.data.received
    {
        return Err(AmendError::ClosedBeforeReceived {
            received: r.data.received,
            closed,
        });
    }
    Ok((r, changes))
}

/// What a re-imported remedy row says differently from the stored case (see [`differences`]:
/// a closing the record lacks is not a difference, the import records it).
pub fn remedy_differences(stored: &Remedy, file: &NewRemedy) -> RemedyAmendment {
    let mut a = RemedyAmendment::default();
    if stored.data.kind != file.kind {
        a.kind = Some(file.kind);
    }
    if stored.data.requests != file.requests {
        a.requests = Some(file.requests.clone());
    }
    if stored.data.received != file.received {
        a.received = Some(file.received);
    }
    if stored.data.closed.is_some() && file.closed.is_some() && stored.data.closed != file.closed {
        a.closed = Some(file.closed);
    }
    a
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{AgencyId, RemedyId, RequestId};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn ev(event: Event, outcome: Option<Outcome>) -> TimelineEvent {
        TimelineEvent {
            event,
            outcome,
            note: String::new(),
        }
    }

    fn request(events: Vec<TimelineEvent>) -> Request {
        Request {
            id: RequestId(1),
            data: NewRequest {
                agency: AgencyId(1),
                reference: "YS-1".into(),
                applicants: vec![ApplicantRecord {
                    name: "张三".into(),
                    kind: Applicant::NaturalPerson,
                }],
                channel: Channel::Online,
                received: d("2024-03-01"),
                description: "某文件".into(),
                requested_form: String::new(),
                contact: Default::default(),
            },
            events,
            confirmation: Default::default(),
        }
    }

    fn decided() -> Request {
        request(vec![
            ev(Event::Received(d("2024-03-01")), None),
            ev(Event::Decided(d("2024-03-20")), Some(Outcome::Disclosed)),
        ])
    }

    #[test]
    fn an_outcome_is_corrected_with_its_old_value() {
        let a = Amendment {
            outcome: Some(Outcome::Partial),
            ..Amendment::default()
        };
        let (r, changes) = apply(&decided(), &a).unwrap();
        assert_eq!(
            lifecycle::outcome(&r.events),
            Some((d("2024-03-20"), Outcome::Partial))
        );
        assert_eq!(
            changes,
            [Change {
                field: Field::Outcome,
                old: "予以公开".into(),
                new: "部分公开".into()
            }]
        );
    }

    #[test]
    fn the_date_of_receipt_moves_the_received_event() {
        let a = Amendment {
            received: Some(d("2024-02-28")),
            kind: Some(Applicant::OrgCommercial),
            ..Amendment::default()
        };
        let (r, changes) = apply(&decided(), &a).unwrap();
        assert_eq!(r.data.received, d("2024-02-28"));
        assert_eq!(r.events[0].event, Event::Received(d("2024-02-28")));
        assert_eq!(r.data.applicants[0].kind, Applicant::OrgCommercial);
        let fields: Vec<Field> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, [Field::Kind, Field::Received]);
    }

    #[test]
    fn a_correction_that_breaks_the_timeline_is_refused() {
        // Received after the decision: the timeline would go backwards.
        let a = Amendment {
            received: Some(d("2024-03-25")),
            ..Amendment::default()
        };
        assert!(matches!(
            apply(&decided(), &a),
            Err(AmendError::Refused(TransitionError::Refused { .. }))
        ));
        let open = request(vec![ev(Event::Received(d("2024-03-01")), None)]);
        let a = Amendment {
            outcome: Some(Outcome::Partial),
            ..Amendment::default()
        };
        assert_eq!(apply(&open, &a), Err(AmendError::NotClosed));
        assert_eq!(
            apply(&decided(), &Amendment::default()),
            Err(AmendError::Nothing)
        );
        // The same value again is nothing to correct either.
        let same = Amendment {
            outcome: Some(Outcome::Disclosed),
            ..Amendment::default()
        };
        assert_eq!(apply(&decided(), &same), Err(AmendError::Nothing));
    }

    #[test]
    fn a_lapsed_correction_becomes_a_decision_when_its_outcome_is_corrected() {
        let r = request(vec![
            ev(Event::Received(d("2024-03-01")), None),
            ev(Event::CorrectionRequested(d("2024-03-04")), None),
            ev(Event::CorrectionLapsed(d("2024-03-29")), None),
        ]);
        let a = Amendment {
            outcome: Some(Outcome::OpOther),
            ..Amendment::default()
        };
        let (r, _) = apply(&r, &a).unwrap();
        assert_eq!(
            r.events[2],
            ev(Event::Decided(d("2024-03-29")), Some(Outcome::OpOther))
        );
    }

    #[test]
    fn the_last_event_is_withdrawn_but_never_the_receipt() {
        let (r, removed) = withdraw_last(&decided()).unwrap();
        assert_eq!(r.events.len(), 1);
        assert_eq!(removed.outcome, Some(Outcome::Disclosed));
        assert_eq!(withdraw_last(&r), Err(AmendError::NothingToWithdraw));
    }

    #[test]
    fn differences_ignore_what_the_file_only_adds_or_leaves_out() {
        let stored = request(vec![ev(Event::Received(d("2024-03-01")), None)]);
        let file = decided();
        // The file adds a decision: not a difference.
        assert!(differences(&stored, &file.data, &file.events).is_empty());
        // The record knows a decision the file leaves out: not a difference.
        assert!(differences(&file, &stored.data, &stored.events).is_empty());
        let mut other = decided();
        other.data.applicants[0].name = "李四".into();
        other.events[1].outcome = Some(Outcome::NpRepeat);
        let a = differences(&file, &other.data, &other.events);
        assert_eq!(a.applicant.as_deref(), Some("李四"));
        assert_eq!(a.outcome, Some(Outcome::NpRepeat));
        assert_eq!(a.decided, None);
        // Applying the differences makes the record agree with the file.
        let (fixed, _) = apply(&file, &a).unwrap();
        assert!(differences(&fixed, &other.data, &other.events).is_empty());
    }

    #[test]
    fn remedy_corrections() {
        let remedy = Remedy {
            id: RemedyId(1),
            data: NewRemedy {
                agency: AgencyId(1),
                reference: "FY-1".into(),
                requests: vec!["YS-1".into()],
                kind: RemedyKind::Reconsideration,
                received: d("2024-04-01"),
                closed: None,
            },
        };
        let a = RemedyAmendment {
            closed: Some(Some((d("2024-05-01"), RemedyResult::Upheld))),
            ..RemedyAmendment::default()
        };
        let (r, changes) = apply_remedy(&remedy, &a).unwrap();
        assert_eq!(r.data.closed, Some((d("2024-05-01"), RemedyResult::Upheld)));
        assert_eq!(changes.len(), 2);
        let early = RemedyAmendment {
            closed: Some(Some((d("2024-03-01"), RemedyResult::Upheld))),
            ..RemedyAmendment::default()
        };
        assert!(matches!(
            apply_remedy(&remedy, &early),
            Err(AmendError::ClosedBeforeReceived { .. })
        ));
        let mut file = remedy.data.clone();
        file.kind = RemedyKind::LitigationDirect;
        file.closed = Some((d("2024-05-01"), RemedyResult::Upheld));
        // The kind differs; the closing is only added.
        let diff = remedy_differences(&remedy, &file);
        assert_eq!(diff.kind, Some(RemedyKind::LitigationDirect));
        assert_eq!(diff.closed, None);
    }
}
