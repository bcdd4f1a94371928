//! Disclosure requests (依申请公开) and reconsideration/litigation cases as values, and the
//! annual report's tables 三 and 四 computed from them.
//!
//! - [`guide`]: the agency's 政府信息公开指南 (第十二条): how to apply, the channels and forms;
//! - [`model`]: the records (agencies, requests with their timeline, outcomes, remedies);
//! - [`amend`]: corrections of recorded requests and remedy cases, and the differences of a
//!   re-imported ledger row;
//! - [`lifecycle`]: the state machine of a request over its timeline, and its deadline;
//! - [`routing`]: dispatch, signature, return and sub-tasks inside a government, which never
//!   move the statutory clock;
//! - [`limits`]: the longest texts and the range of dates the records accept;
//! - [`tables`]: tables 三/四 of a year from the records, drill-down, report generation and
//!   consolidation over an agency's subtree;
//! - [`vocab`]: the words officers type for applicant kinds, channels, outcomes, remedies and
//!   dates, shared by every front end.
#![forbid(unsafe_code)]

pub mod amend;
pub mod guide;
pub mod lifecycle;
pub mod limits;
pub mod model;
pub mod online;
pub mod routing;
pub mod tables;
pub mod vocab;

pub use lifecycle::{Refusal, State, TransitionError};
pub use model::*;
pub use tables::{CaseFacts, CaseRef, Fact, RemedyFacts};
