//! The one error type of storage.

use gongkai_cases::TransitionError;
use gongkai_cases::amend::AmendError;

/// Why a storage operation failed. Messages are Chinese, for the officer; the variant says what
/// a caller can do about it. No variant carries a database driver type: backends translate
/// their errors into these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A record the operation refers to does not exist (an agency, a request, a parent).
    #[error("未找到：{0}")]
    NotFound(String),
    /// The record would duplicate a unique name or reference.
    #[error("重复：{0}")]
    Conflict(String),
    /// The data breaks a rule of the domain (a missing applicant, a figure of the wrong kind, a
    /// move that would make a cycle). Nothing was written.
    #[error("数据无效：{0}")]
    Invalid(String),
    /// The state machine refused an event or a timeline: the error names the event and the
    /// article of the 条例 it breaks. Nothing was written.
    #[error("{0}")]
    Refused(TransitionError),
    /// A correction that cannot be made (nothing to correct, an open request's outcome). A
    /// corrected timeline the state machine refuses is [`StoreError::Refused`]. Nothing was
    /// written.
    #[error("{0}")]
    Correction(AmendError),
    /// An online application awaits, or no longer awaits, the confirmation of its receipt
    /// (第三十一条第（三）项). Nothing was written.
    #[error("{0}")]
    Confirmation(gongkai_cases::online::ConfirmationError),
    /// A public message's state refuses the change (a merged message replied to, a reply
    /// published before it exists): see `messages::Message::apply`. Nothing was written.
    #[error("{0}")]
    MessageState(String),
    /// The database failed (connection, I/O, a constraint the store did not expect, corrupt
    /// data). The message names the operation.
    #[error("存储错误：{0}")]
    Backend(String),
}

impl From<TransitionError> for StoreError {
    fn from(e: TransitionError) -> Self {
        StoreError::Refused(e)
    }
}

impl From<AmendError> for StoreError {
    fn from(e: AmendError) -> Self {
        match e {
            AmendError::Refused(t) => StoreError::Refused(t),
            other => StoreError::Correction(other),
        }
    }
}

impl From<gongkai_cases::online::ConfirmationError> for StoreError {
    fn from(e: gongkai_cases::online::ConfirmationError) -> Self {
        StoreError::Confirmation(e)
    }
}
