//! Online applications (the portal's 依申请公开 form) before and at the confirmation of their
//! receipt.
//!
//! An application made through the internet is received on the day both sides confirm its
//! receipt (第三十一条第（三）项; spec §1). An online application is a request from the moment it
//! is submitted, in the state `awaiting_confirmation` until an officer confirms its receipt. Its
//! date of receipt is the day of submission when the agency confirms online receipt
//! automatically, otherwise the day the officer confirms. While it awaits, nothing else can be
//! recorded on it: every period of the 条例 runs from the date of receipt (第三十三条).

use crate::lifecycle::State;
use crate::model::{Confirmation, Request};
use chrono::NaiveDate;
use gongkai_calendar::Event;

/// Why a receipt cannot be confirmed, or why a request cannot be handled yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmationError {
    /// An event or a correction on an online application whose receipt is not confirmed.
    #[error(
        "网上申请尚未确认收到：以双方确认之日为收到申请之日（第三十一条第（三）项），请先确认收到再办理"
    )]
    Unconfirmed,
    /// A confirmation of a request that does not await one.
    #[error("该申请的收到已经确认，无须再次确认")]
    NotAwaiting,
    /// A confirmation dated before the application was submitted.
    #[error("确认收到的日期 {on} 早于网上提交的日期 {submitted}")]
    BeforeSubmission { on: NaiveDate, submitted: NaiveDate },
    /// The timeline of an awaiting application holds more than its submission.
    #[error("待确认收到的申请不应有其他办理记录")]
    Handled,
}

/// The state's name for programs of a request, with its confirmation: `awaiting_confirmation`
/// while an online application awaits it, otherwise the timeline's state
/// ([`State::key`]).
pub fn state_key(confirmation: Confirmation, state: State) -> &'static str {
    if confirmation.is_awaiting() {
        "awaiting_confirmation"
    } else {
        state.key()
    }
}

/// The state's name as officers say it ([`State::label`]), with its confirmation.
pub fn state_label(confirmation: Confirmation, state: State) -> &'static str {
    if confirmation.is_awaiting() {
        "待确认收到"
    } else {
        state.label()
    }
}

/// Refuses handling a request that awaits the confirmation of its receipt.
///
/// # Errors
/// [`ConfirmationError::Unconfirmed`].
pub fn check_confirmed(request: &Request) -> Result<(), ConfirmationError> {
    if request.confirmation.is_awaiting() {
        Err(ConfirmationError::Unconfirmed)
    } else {
        Ok(())
    }
}

/// The request once an officer confirmed its receipt on `on`: confirmed, and, when the date of
/// receipt was not fixed at submission, received on `on` (第三十一条第（三）项), its first event
/// moved to that day.
///
/// # Errors
/// The request does not await confirmation, has been handled already, or `on` precedes the
/// submission.
pub fn confirm(request: &Request, on: NaiveDate) -> Result<Request, ConfirmationError> {
    let Confirmation::Awaiting { receipt_fixed } = request.confirmation else {
        return Err(ConfirmationError::NotAwaiting);
    };
    if request.events.len() != 1 {
        return Err(ConfirmationError::Handled);
    }
    let submitted = request.data.received;
    if on < submitted {
        return Err(ConfirmationError::BeforeSubmission { on, submitted });
    }
    let mut confirmed = request.clone();
    confirmed.confirmation = Confirmation::Confirmed;
    if !receipt_fixed {
        confirmed.data.received = on;
        if let Some(first) = confirmed.events.first_mut() {
            first.event = Event::Received(on);
        }
    }
    Ok(confirmed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{
        AgencyId, ApplicantRecord, Channel, NewRequest, Outcome, RequestId, TimelineEvent,
    };
    use gongkai_report::Applicant;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn submitted(receipt_fixed: bool) -> Request {
        Request {
            id: RequestId(1),
            data: NewRequest {
                agency: AgencyId(1),
                reference: "WS-1".into(),
                applicants: vec![ApplicantRecord {
                    name: "张三".into(),
                    kind: Applicant::NaturalPerson,
                }],
                channel: Channel::Online,
                received: d("2026-03-06"),
                description: "某文件".into(),
                requested_form: "电子邮件".into(),
                contact: Default::default(),
            },
            events: vec![TimelineEvent {
                event: Event::Received(d("2026-03-06")),
                outcome: None,
                note: String::new(),
            }],
            confirmation: Confirmation::Awaiting { receipt_fixed },
        }
    }

    #[test]
    fn a_receipt_not_fixed_is_the_day_of_confirmation() {
        let r = confirm(&submitted(false), d("2026-03-09")).unwrap();
        assert_eq!(r.data.received, d("2026-03-09"));
        assert_eq!(r.events[0].event, Event::Received(d("2026-03-09")));
        assert_eq!(r.confirmation, Confirmation::Confirmed);
    }

    #[test]
    fn a_fixed_receipt_stays_the_day_of_submission() {
        let r = confirm(&submitted(true), d("2026-03-09")).unwrap();
        assert_eq!(r.data.received, d("2026-03-06"));
        assert_eq!(r.events[0].event, Event::Received(d("2026-03-06")));
        assert_eq!(r.confirmation, Confirmation::Confirmed);
    }

    #[test]
    fn refusals() {
        assert_eq!(
            confirm(&submitted(false), d("2026-03-05")),
            Err(ConfirmationError::BeforeSubmission {
                on: d("2026-03-05"),
                submitted: d("2026-03-06")
            })
        );
        let done = confirm(&submitted(false), d("2026-03-06")).unwrap();
        assert_eq!(
            confirm(&done, d("2026-03-07")),
            Err(ConfirmationError::NotAwaiting)
        );
        assert_eq!(check_confirmed(&done), Ok(()));
        let mut handled = submitted(true);
        handled.events.push(TimelineEvent {
            event: Event::Decided(d("2026-03-07")),
            outcome: Some(Outcome::Disclosed),
            note: String::new(),
        });
        assert_eq!(
            confirm(&handled, d("2026-03-07")),
            Err(ConfirmationError::Handled)
        );
        assert_eq!(
            check_confirmed(&submitted(true)),
            Err(ConfirmationError::Unconfirmed)
        );
    }

    #[test]
    fn the_state_says_awaiting_until_confirmed() {
        let awaiting = Confirmation::Awaiting {
            receipt_fixed: true,
        };
        assert_eq!(state_key(awaiting, State::Open), "awaiting_confirmation");
        assert_eq!(state_label(awaiting, State::Open), "待确认收到");
        assert_eq!(state_key(Confirmation::Confirmed, State::Open), "open");
        assert!(
            !Confirmation::Awaiting {
                receipt_fixed: false
            }
            .receipt_known()
        );
        assert!(awaiting.receipt_known());
    }
}
