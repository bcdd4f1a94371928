use thiserror::Error;

/// What can go wrong in a search index. Messages are for users; the backend's own error is
/// kept as text (the domain error never carries a driver type).
#[derive(Debug, Error)]
pub enum SearchError {
    #[error("全文检索索引出错：{0}")]
    Index(String),
    #[error("全文检索数据库出错：{0}")]
    Database(String),
    #[error("翻页标记无效：{0}")]
    InvalidCursor(String),
    #[error("翻页标记与排序方式不符，请从第一页重新检索")]
    CursorSortMismatch,
    #[error("每页条数须在 1 至 {max} 之间")]
    InvalidLimit { max: usize },
    #[error("全文检索表名无效：{0}（只可用小写字母、数字和下划线）")]
    InvalidTableName(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.to_string())
    }
}

#[cfg(feature = "postgres")]
impl From<sqlx::Error> for SearchError {
    fn from(e: sqlx::Error) -> Self {
        SearchError::Database(e.to_string())
    }
}
