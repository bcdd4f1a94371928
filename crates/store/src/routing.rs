//! Routing a request inside a government (签收, 转办, 协办, 退回, [`gongkai_cases::routing`]):
//! every step as a numbered row, never changed. Whether a step may follow is decided by
//! [`gongkai_cases::routing::check_next`] on the steps read; the store then refuses a step
//! whose number is not the next one, so that a step decided on a state someone else changed
//! meanwhile is a [`StoreError::Conflict`](crate::StoreError::Conflict) (409), not a second
//! dispatch.

use crate::{Draft, Result};
use chrono::{DateTime, Utc};
use gongkai_cases::routing::Step;
use gongkai_cases::{AgencyId, RequestId};
use std::future::Future;

/// The longest reason, question or answer of a step, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// A recorded routing step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingStep {
    /// 1, 2, … in the order of the steps of the request.
    pub seq: i32,
    pub step: Step,
    pub at: DateTime<Utc>,
    /// The audit actor who took it.
    pub actor: String,
}

/// The routing steps of requests.
pub trait RoutingSteps: Send + Sync {
    /// Records step `seq` of a request, which must be one more than the steps recorded
    /// ([`StoreError::Conflict`](crate::StoreError::Conflict) otherwise); the request and the
    /// agencies named must exist ([`StoreError::NotFound`](crate::StoreError::NotFound)); a
    /// note longer than [`MAX_NOTE_CHARS`] is [`StoreError::Invalid`](crate::StoreError::Invalid).
    /// The audit entry names the step. Returns the step as stored.
    fn record_routing_step(
        &self,
        request: RequestId,
        seq: i32,
        step: Step,
        audit: Draft,
    ) -> impl Future<Output = Result<RoutingStep>> + Send;

    /// The steps of a request, in order.
    fn routing_steps(
        &self,
        request: RequestId,
    ) -> impl Future<Output = Result<Vec<RoutingStep>>> + Send;

    /// What awaits `agencies`: dispatches to them not yet signed for nor returned (the last
    /// step of their request) and sub-tasks for them not yet answered, by request and step.
    fn routing_waiting(
        &self,
        agencies: &[AgencyId],
    ) -> impl Future<Output = Result<Vec<(RequestId, RoutingStep)>>> + Send;

    /// The requests whose last signature is by one of `agencies`: the requests they handle
    /// after a dispatch, ordered by id.
    fn routed_to(
        &self,
        agencies: &[AgencyId],
    ) -> impl Future<Output = Result<Vec<RequestId>>> + Send;
}
