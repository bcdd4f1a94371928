//! The index a configuration names, as one type: front ends open it once and pass it to the
//! use cases, which are generic over [`Search`].

use crate::{DocumentId, Page, Query, Result, Search, TantivySearch};
use gongkai_catalogue::Document;
use std::path::Path;

/// The embedded tantivy index or the PostgreSQL one.
#[derive(Debug)]
pub enum AnySearch {
    Tantivy(TantivySearch),
    #[cfg(feature = "postgres")]
    Postgres(crate::PgSearch),
}

impl AnySearch {
    /// The tantivy index in `dir` (created if absent).
    pub fn tantivy(dir: &Path) -> Result<AnySearch> {
        Ok(AnySearch::Tantivy(TantivySearch::open(dir)?))
    }

    /// The index inside the PostgreSQL database at `url`.
    #[cfg(feature = "postgres")]
    pub async fn postgres(url: &str) -> Result<AnySearch> {
        Ok(AnySearch::Postgres(
            crate::PgSearch::connect(url, None).await?,
        ))
    }
}

impl Search for AnySearch {
    async fn revision(&self) -> Result<i64> {
        match self {
            AnySearch::Tantivy(s) => s.revision().await,
            #[cfg(feature = "postgres")]
            AnySearch::Postgres(s) => s.revision().await,
        }
    }

    async fn apply(&self, docs: &[Document], up_to_revision: i64) -> Result<()> {
        match self {
            AnySearch::Tantivy(s) => s.apply(docs, up_to_revision).await,
            #[cfg(feature = "postgres")]
            AnySearch::Postgres(s) => s.apply(docs, up_to_revision).await,
        }
    }

    async fn remove(&self, ids: &[DocumentId]) -> Result<()> {
        match self {
            AnySearch::Tantivy(s) => s.remove(ids).await,
            #[cfg(feature = "postgres")]
            AnySearch::Postgres(s) => s.remove(ids).await,
        }
    }

    async fn clear(&self) -> Result<()> {
        match self {
            AnySearch::Tantivy(s) => s.clear().await,
            #[cfg(feature = "postgres")]
            AnySearch::Postgres(s) => s.clear().await,
        }
    }

    async fn search(&self, query: &Query) -> Result<Page> {
        match self {
            AnySearch::Tantivy(s) => s.search(query).await,
            #[cfg(feature = "postgres")]
            AnySearch::Postgres(s) => s.search(query).await,
        }
    }
}
