//! The checks every backend applies before writing, so that the backends agree on what is
//! refused. The domain rules themselves live in `gongkai_cases`; this module only calls them
//! and turns their errors into [`StoreError::Invalid`].

use crate::StoreError;
use chrono::NaiveDate;
use gongkai_audit::Draft;
use gongkai_calendar::Event;
use gongkai_cases::amend::Change;
use gongkai_cases::lifecycle::{self, State};
use gongkai_cases::{NewRemedy, NewRequest, Outcome, TimelineEvent, YearFigures};
use gongkai_report::{Applicant, CellKey};

/// Validates appending `next` to the stored timeline `events` with the domain state machine
/// ([`lifecycle::check_append`]), returning the request's state afterwards.
pub fn check_append(events: &[TimelineEvent], next: &TimelineEvent) -> Result<State, StoreError> {
    Ok(lifecycle::check_append(events, next)?)
}

/// Validates a whole timeline and returns its closing (decision date and outcome), if closed.
pub fn check_timeline(
    events: &[TimelineEvent],
) -> Result<Option<(NaiveDate, Outcome)>, StoreError> {
    match lifecycle::state(events)? {
        State::Closed { decided, outcome } => Ok(Some((decided, outcome))),
        _ => Ok(None),
    }
}

/// The decision date and outcome a state records on the request row, if closed.
pub fn closing(state: State) -> Option<(NaiveDate, Outcome)> {
    match state {
        State::Closed { decided, outcome } => Some((decided, outcome)),
        _ => None,
    }
}

/// The event of `events` that closes the request: the first `Decided` with an outcome or the
/// first `CorrectionLapsed` (the events [`lifecycle::outcome`] reads). A re-import appends this
/// event to a stored request that is still open.
pub fn closing_event(events: &[TimelineEvent]) -> Option<&TimelineEvent> {
    events.iter().find(|e| {
        matches!(
            (e.event, e.outcome),
            (Event::Decided(_), Some(_)) | (Event::CorrectionLapsed(_), _)
        )
    })
}

/// The applicant kind a request counts under (spec §4): the first-named applicant's, or
/// `org_other` without applicants, as `gongkai_cases::CaseFacts::from` reads it.
pub fn counted_kind(new: &NewRequest) -> Applicant {
    new.applicants
        .first()
        .map_or(Applicant::OrgOther, |a| a.kind)
}

/// Records corrections in an audit entry: field, old and new value, personal data as
/// pseudonyms (see `gongkai_audit::Pseudonyms`), so that the log never holds a name in clear.
pub fn record_changes(audit: &mut Draft, changes: &[Change]) {
    let list: Vec<serde_json::Value> = changes
        .iter()
        .map(|c| {
            let (old, new) = if c.field.is_personal() {
                (audit.pseudonym(&c.old), audit.pseudonym(&c.new))
            } else {
                (c.old.clone(), c.new.clone())
            };
            serde_json::json!({ "field": c.field, "old": old, "new": new })
        })
        .collect();
    audit.set("changes", list);
}

/// Names the request or case of `reference` in an error about it.
pub fn name_reference(e: StoreError, reference: &str) -> StoreError {
    match e {
        StoreError::Invalid(m) => StoreError::Invalid(format!("受理编号 {reference}：{m}")),
        StoreError::Correction(m) => StoreError::Invalid(format!("编号 {reference}：{m}")),
        StoreError::Refused(t) => StoreError::Invalid(format!("受理编号 {reference}：{t}")),
        other => other,
    }
}

/// Checks a new request and its timeline: a reference; no applicant of kind `Total`; the first
/// event is `Received` on the date of receipt; the timeline passes the state machine. Returns
/// the closing to record on the row. Error messages name the request by its reference.
pub fn check_new_request(
    new: &NewRequest,
    events: &[TimelineEvent],
) -> Result<Option<(NaiveDate, Outcome)>, StoreError> {
    let named = |e: StoreError| name_reference(e, &new.reference);
    if new.reference.trim().is_empty() {
        return Err(StoreError::Invalid("受理编号不能为空".into()));
    }
    if new.applicants.iter().any(|a| a.kind == Applicant::Total) {
        return Err(named(StoreError::Invalid("申请人类型不能是“总计”".into())));
    }
    match events.first() {
        Some(first) if first.event == Event::Received(new.received) => {}
        _ => {
            return Err(named(StoreError::Invalid(
                "第一个事件必须是收到申请，日期等于收到申请日期".into(),
            )));
        }
    }
    check_timeline(events).map_err(named)
}

/// Checks a new remedy case: a reference, and a closing date not before it was received.
pub fn check_new_remedy(new: &NewRemedy) -> Result<(), StoreError> {
    if new.reference.trim().is_empty() {
        return Err(StoreError::Invalid("案件编号不能为空".into()));
    }
    if let Some((closed, _)) = new.closed
        && closed < new.received
    {
        return Err(StoreError::Invalid(format!(
            "案件编号 {}：结案日期早于收到日期",
            new.reference
        )));
    }
    Ok(())
}

/// Checks figures before they replace an agency-year's: only `t2.*` cells, each once, each
/// with a value of the cell's kind. Returns the cells as stored text.
pub fn check_figures(figures: &YearFigures) -> Result<Vec<(String, String, String)>, StoreError> {
    let mut seen = std::collections::HashSet::new();
    let mut reasons = std::collections::HashMap::new();
    for (key, reason) in &figures.reasons {
        if !figures.cells.iter().any(|(k, _)| k == key) {
            return Err(StoreError::Invalid(format!("{key} 没有数据，不能说明原因")));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(StoreError::Invalid(format!(
                "{key} 的原因超过 {MAX_REASON_CHARS} 个字"
            )));
        }
        if reasons.insert(*key, reason.as_str()).is_some() {
            return Err(StoreError::Invalid(format!("{key} 的原因重复")));
        }
    }
    figures
        .cells
        .iter()
        .map(|(key, value)| {
            if !matches!(key, CellKey::T2(..)) {
                return Err(StoreError::Invalid(format!("{key} 不是表二的数据项")));
            }
            if !value.fits(key.kind()) {
                return Err(StoreError::Invalid(format!("{key} 的值类型不对")));
            }
            if !seen.insert(*key) {
                return Err(StoreError::Invalid(format!("{key} 重复")));
            }
            let reason = reasons.get(key).copied().unwrap_or_default();
            Ok((key.to_string(), value.to_string(), reason.to_owned()))
        })
        .collect()
}

/// The longest reason of a figure entered by hand.
pub const MAX_REASON_CHARS: usize = 500;

/// 1 January and 31 December of `year`.
pub fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), StoreError> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .zip(NaiveDate::from_ymd_opt(year, 12, 31))
        .ok_or_else(|| StoreError::Invalid(format!("年份 {year} 无效")))
}
