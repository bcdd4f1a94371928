//! The text each enum is stored as, shared by every backend so that a database written by one
//! reads the same through another. The strings are the snake_case names of the domain's serde
//! form; they are part of the schema: never rename one, add new ones.

use crate::StoreError;
use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::{Channel, Outcome, RemedyKind, RemedyResult};
use gongkai_report::template::CellKind;
use gongkai_report::{Applicant, CellKey, Value};
use std::str::FromStr;

/// Declares `to_str`/`from_str` pairs for a fieldless enum.
macro_rules! text_codec {
    ($ty:ident, $to:ident, $from:ident { $($variant:ident => $text:literal,)* }) => {
        #[doc = concat!("The stored text of a [`", stringify!($ty), "`].")]
        pub fn $to(value: $ty) -> &'static str {
            match value { $($ty::$variant => $text,)* }
        }

        #[doc = concat!("Reads a stored [`", stringify!($ty), "`]; unknown text is a corrupt database.")]
        pub fn $from(text: &str) -> Result<$ty, StoreError> {
            match text {
                $($text => Ok($ty::$variant),)*
                other => Err(corrupt(stringify!($ty), other)),
            }
        }
    };
}

fn corrupt(what: &str, text: &str) -> StoreError {
    StoreError::Backend(format!("数据库中的 {what} 值无法识别：{text:?}"))
}

text_codec!(Channel, channel_str, channel_from {
    InPerson => "in_person",
    RegisteredPost => "registered_post",
    OrdinaryPost => "ordinary_post",
    Online => "online",
    Email => "email",
    Fax => "fax",
    Oral => "oral",
    Other => "other",
});

text_codec!(Outcome, outcome_str, outcome_from {
    Disclosed => "disclosed",
    Partial => "partial",
    NdStateSecret => "nd_state_secret",
    NdLawProhibited => "nd_law_prohibited",
    NdSecurityStability => "nd_security_stability",
    NdThirdParty => "nd_third_party",
    NdInternalAffairs => "nd_internal_affairs",
    NdProcessInfo => "nd_process_info",
    NdEnforcementFile => "nd_enforcement_file",
    NdAdminInquiry => "nd_admin_inquiry",
    NaNotHeld => "na_not_held",
    NaNeedsCreation => "na_needs_creation",
    NaUnclearAfterFix => "na_unclear_after_fix",
    NpPetition => "np_petition",
    NpRepeat => "np_repeat",
    NpPublication => "np_publication",
    NpMassUnjustified => "np_mass_unjustified",
    NpConfirmReissue => "np_confirm_reissue",
    OpNoCorrection => "op_no_correction",
    OpFeeUnpaid => "op_fee_unpaid",
    OpOther => "op_other",
});

text_codec!(RemedyKind, remedy_kind_str, remedy_kind_from {
    Reconsideration => "reconsideration",
    LitigationDirect => "litigation_direct",
    LitigationAfterReconsideration => "litigation_after_reconsideration",
});

text_codec!(RemedyResult, remedy_result_str, remedy_result_from {
    Upheld => "upheld",
    Corrected => "corrected",
    Other => "other",
});

/// The stored text of an applicant kind: its canonical report key (`natural_person`, …).
pub fn applicant_str(kind: Applicant) -> &'static str {
    kind.key()
}

/// Reads a stored applicant kind.
pub fn applicant_from(text: &str) -> Result<Applicant, StoreError> {
    Applicant::from_key(text)
        .filter(|k| *k != Applicant::Total)
        .ok_or_else(|| corrupt("Applicant", text))
}

/// The stored kind of a timeline event (its date is stored in its own column).
pub fn event_kind_str(event: Event) -> &'static str {
    match event {
        Event::Received(_) => "received",
        Event::CorrectionRequested(_) => "correction_requested",
        Event::CorrectedReceived(_) => "corrected_received",
        Event::CorrectionLapsed(_) => "correction_lapsed",
        Event::ConsultationStarted(_) => "consultation_started",
        Event::ConsultationEnded(_) => "consultation_ended",
        Event::FeeNoticeSent(_) => "fee_notice_sent",
        Event::FeePaid(_) => "fee_paid",
        Event::ExtensionApproved(_) => "extension_approved",
        Event::Decided(_) => "decided",
    }
}

/// Rebuilds a timeline event from its stored kind and date.
pub fn event_from(kind: &str, date: NaiveDate) -> Result<Event, StoreError> {
    Ok(match kind {
        "received" => Event::Received(date),
        "correction_requested" => Event::CorrectionRequested(date),
        "corrected_received" => Event::CorrectedReceived(date),
        "correction_lapsed" => Event::CorrectionLapsed(date),
        "consultation_started" => Event::ConsultationStarted(date),
        "consultation_ended" => Event::ConsultationEnded(date),
        "fee_notice_sent" => Event::FeeNoticeSent(date),
        "fee_paid" => Event::FeePaid(date),
        "extension_approved" => Event::ExtensionApproved(date),
        "decided" => Event::Decided(date),
        other => return Err(corrupt("Event", other)),
    })
}

/// Reads a stored figure: the cell key (`t2.normative_docs.issued`) and the value as
/// [`Value`]'s `Display` wrote it. The cell's kind decides between a count and money.
pub fn figure_from(key: &str, value: &str) -> Result<(CellKey, Value), StoreError> {
    let key = CellKey::from_str(key).map_err(|_| corrupt("CellKey", key))?;
    let value = match key.kind() {
        CellKind::Money(_) => rust_decimal::Decimal::from_str(value)
            .map(Value::Money)
            .map_err(|_| corrupt("Value", value))?,
        _ => value
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| corrupt("Value", value))?,
    };
    Ok((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_round_trips() {
        for o in Outcome::ALL {
            assert_eq!(outcome_from(outcome_str(o)), Ok(o));
        }
        for k in Applicant::KINDS {
            assert_eq!(applicant_from(applicant_str(k)), Ok(k));
        }
        assert!(applicant_from("total").is_err());
        let d = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap_or_default();
        for e in [
            Event::Received(d),
            Event::CorrectionRequested(d),
            Event::CorrectedReceived(d),
            Event::CorrectionLapsed(d),
            Event::ConsultationStarted(d),
            Event::ConsultationEnded(d),
            Event::FeeNoticeSent(d),
            Event::FeePaid(d),
            Event::ExtensionApproved(d),
            Event::Decided(d),
        ] {
            assert_eq!(event_from(event_kind_str(e), d), Ok(e));
        }
        assert!(channel_from("pigeon").is_err());
    }
}
