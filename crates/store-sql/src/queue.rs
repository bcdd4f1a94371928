//! Group commit of new requests. A new request is one small write, and on SQLite the writes of
//! a process take turns on one connection: each turn costs a `BEGIN`, a `COMMIT` (an fsync)
//! and one trip to the connection's thread per statement, which capped `createRequest` at
//! ~1,300 a second however many clients called it. So new requests wait in a queue, and
//! whoever takes the writer's turn writes every request waiting at that moment in ONE
//! transaction with multi-row `INSERT`s and answers each caller after the commit: nothing is
//! acknowledged before it is stored. If that transaction fails (one of the requests repeats a
//! reference, say), the group is written again one request at a time, so that each caller gets
//! its own answer and no request fails for another's fault.

use chrono::NaiveDate;
use gongkai_audit::Draft;
use gongkai_cases::{Confirmation, NewRequest, Outcome, Request, RequestId, TimelineEvent};
use gongkai_store::Result;
use gongkai_store::applications::NewApplication;
use tokio::sync::{Mutex, MutexGuard, oneshot};

/// New requests written together at most: bounded so that one turn stays short.
pub(crate) const GROUP_MAX: usize = 64;

/// The new requests waiting for the writer, and the writer's turn. Each store holds one.
#[derive(Default)]
pub struct RequestQueue {
    waiting: std::sync::Mutex<Vec<Queued>>,
    turn: Mutex<()>,
}

impl std::fmt::Debug for RequestQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestQueue").finish_non_exhaustive()
    }
}

/// A checked new request waiting to be written, and where its answer goes.
pub(crate) struct Queued {
    pub new: NewRequest,
    pub events: Vec<TimelineEvent>,
    pub closing: Option<(NaiveDate, Outcome)>,
    /// What the portal stores with an online application.
    pub application: Option<NewApplication>,
    pub audit: Draft,
    pub answer: oneshot::Sender<Result<Request>>,
}

impl Queued {
    /// Answers the caller: its request as stored under `id`, or why it was not. (A caller that
    /// has gone away is not told; its request is stored all the same.)
    pub(crate) fn answer(self, id: Result<i64>) {
        let confirmation = match &self.application {
            Some(a) => Confirmation::Awaiting {
                receipt_fixed: a.receipt_fixed,
            },
            None => Confirmation::Confirmed,
        };
        let answer = id.map(|id| Request {
            id: RequestId(id),
            data: self.new,
            events: self.events,
            confirmation,
        });
        let _ = self.answer.send(answer);
    }
}

impl RequestQueue {
    pub(crate) fn push(&self, queued: Queued) {
        self.lock().push(queued);
    }

    /// Waits for the writer's turn (first come, first served).
    pub(crate) async fn turn(&self) -> MutexGuard<'_, ()> {
        self.turn.lock().await
    }

    /// The oldest [`GROUP_MAX`] waiting requests, taken off the queue.
    pub(crate) fn take(&self) -> Vec<Queued> {
        let mut waiting = self.lock();
        let n = waiting.len().min(GROUP_MAX);
        waiting.drain(..n).collect()
    }

    /// The queue; a panic elsewhere while it was held leaves it as sound as before (a push or
    /// a drain is all that ever happens under the lock).
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Queued>> {
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
