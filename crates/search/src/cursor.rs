//! The keyset cursor of pagination: where the previous page ended, as a sort key. A page after
//! it is "the first `limit` hits whose key comes after the cursor's", which costs the same on
//! page 1 and page 1,000 (no offset to skip), and stays stable when documents are added before
//! the cursor's position.

use crate::SearchError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Where a page ended: opaque to callers, written as a short string for URLs
/// (`r3f8ccccd.123` or `n738000.123`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cursor {
    /// By relevance: the last hit's score and id (score descending, id ascending).
    Relevance { score: f32, id: i64 },
    /// By date: the last hit's 发布日期 (days since CE) and id (both descending).
    Newest { day: i64, id: i64 },
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The score's bits, so that it comes back exactly.
            Cursor::Relevance { score, id } => write!(f, "r{:x}.{id}", score.to_bits()),
            Cursor::Newest { day, id } => write!(f, "n{day}.{id}"),
        }
    }
}

impl FromStr for Cursor {
    type Err = SearchError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || SearchError::InvalidCursor(s.chars().take(40).collect());
        let (kind, rest) = s.split_at_checked(1).ok_or_else(bad)?;
        let (key, id) = rest.split_once('.').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        match kind {
            "r" => {
                let bits = u32::from_str_radix(key, 16).map_err(|_| bad())?;
                let score = f32::from_bits(bits);
                if !score.is_finite() {
                    return Err(bad());
                }
                Ok(Cursor::Relevance { score, id })
            }
            "n" => Ok(Cursor::Newest {
                day: key.parse().map_err(|_| bad())?,
                id,
            }),
            _ => Err(bad()),
        }
    }
}

impl Serialize for Cursor {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn cursors_round_trip(score in proptest::num::f32::NORMAL | proptest::num::f32::ZERO, day in -1000i64..1_000_000, id in any::<i64>()) {
            for c in [Cursor::Relevance { score, id }, Cursor::Newest { day, id }] {
                let back: Cursor = c.to_string().parse().unwrap();
                prop_assert_eq!(back, c);
            }
        }
    }

    #[test]
    fn garbage_is_refused() {
        for s in ["", "x1.2", "r.2", "rzz.1", "n12", "n1.x", "r7fc00000.1"] {
            assert!(s.parse::<Cursor>().is_err(), "{s}");
        }
    }
}
