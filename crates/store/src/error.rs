//! The one error type of storage.

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
    /// The data breaks a rule of the domain (a refused timeline transition, a missing applicant,
    /// a figure of the wrong kind). Nothing was written.
    #[error("数据无效：{0}")]
    Invalid(String),
    /// The database failed (connection, I/O, a constraint the store did not expect, corrupt
    /// data). The message names the operation.
    #[error("存储错误：{0}")]
    Backend(String),
}
