//! 政策解读率: the share of the normative documents (规章 and 规范性文件, 第二十条第（一）项) issued
//! in a year that have at least one 政策解读. The 条例 does not define the ratio; it is the
//! figure 政务公开 assessments (考核) ask for, built on the interpretation duty of the State
//! Council's 政务公开 work points. A document is interpreted when any entry, of any agency and of
//! any date, links to it (`interprets == Some(id)`): an interpretation is often published by a
//! department other than the issuer, or later.

use crate::model::{DocumentId, RegisterEntry};
use chrono::Datelike;
use std::collections::HashSet;

/// The 政策解读率 of a year with the documents behind it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Interpretation {
    /// Normative documents issued in the year with at least one interpretation, by id.
    pub interpreted: Vec<DocumentId>,
    /// Normative documents issued in the year without one, by id.
    pub not_interpreted: Vec<DocumentId>,
}

impl Interpretation {
    /// Normative documents issued in the year.
    pub fn issued(&self) -> usize {
        self.interpreted.len() + self.not_interpreted.len()
    }

    /// interpreted / issued, in `0.0..=1.0`; `None` when none was issued (the rate is
    /// undefined, not 0 or 100 %).
    pub fn rate(&self) -> Option<f64> {
        let issued = self.issued();
        // Counts are far below 2^52: the conversions are exact.
        (issued > 0).then(|| self.interpreted.len() as f64 / issued as f64)
    }
}

/// The 政策解读率 of `year` for the normative documents among `documents` (an agency's entries,
/// or several agencies' for a consolidated figure), issued in the year as the register counts
/// it ([`RegisterEntry::issue_date`]). `interpretations` are the entries that may link to them,
/// from every agency; passing the same slice as `documents` is fine when it holds them all.
pub fn interpretation_rate(
    documents: &[RegisterEntry],
    interpretations: &[RegisterEntry],
    year: i32,
) -> Interpretation {
    let explained: HashSet<DocumentId> = interpretations
        .iter()
        .filter_map(|e| e.interprets)
        .collect();
    let mut out = Interpretation::default();
    for e in documents
        .iter()
        .filter(|e| e.category.is_some() && e.issue_date().year() == year)
    {
        if explained.contains(&e.id) {
            out.interpreted.push(e.id);
        } else {
            out.not_interpreted.push(e.id);
        }
    }
    out.interpreted.sort_unstable();
    out.interpreted.dedup();
    out.not_interpreted.sort_unstable();
    out.not_interpreted.dedup();
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::{Category, Validity};
    use chrono::NaiveDate;
    use gongkai_cases::AgencyId;

    fn e(
        id: i64,
        agency: i64,
        category: Option<Category>,
        written: &str,
        interprets: Option<i64>,
    ) -> RegisterEntry {
        let date = NaiveDate::parse_from_str(written, "%Y-%m-%d").unwrap();
        RegisterEntry {
            id: DocumentId(id),
            agency: AgencyId(agency),
            category,
            written: Some(date),
            published: date,
            validity: Validity::InForce,
            interprets: interprets.map(DocumentId),
        }
    }

    #[test]
    fn rate_with_its_lists() {
        use Category::{NormativeDocument as N, Regulation as R};
        let agency = vec![
            e(1, 1, Some(N), "2023-03-01", None),
            e(2, 1, Some(N), "2023-05-01", None),
            e(3, 1, Some(R), "2023-07-01", None),
            e(4, 1, Some(N), "2022-12-30", None), // issued the year before
            e(5, 1, None, "2023-03-02", Some(1)), // the agency's own 解读 of 1
            e(6, 1, None, "2023-08-01", None),    // an ordinary notice: not counted
        ];
        // The 司法局 interprets document 3 in the next year; document 4 is interpreted too,
        // but it belongs to 2022.
        let others = vec![
            e(20, 2, None, "2024-01-10", Some(3)),
            e(21, 2, None, "2023-01-05", Some(4)),
        ];
        let all: Vec<RegisterEntry> = agency.iter().chain(&others).cloned().collect();
        let r = interpretation_rate(&agency, &all, 2023);
        assert_eq!(r.interpreted, [DocumentId(1), DocumentId(3)]);
        assert_eq!(r.not_interpreted, [DocumentId(2)]);
        assert_eq!(r.issued(), 3);
        assert_eq!(r.rate(), Some(2.0 / 3.0));
        // Without the other agencies' interpretations, only the agency's own counts.
        assert_eq!(
            interpretation_rate(&agency, &agency, 2023).rate(),
            Some(1.0 / 3.0)
        );
        let r = interpretation_rate(&agency, &all, 2022);
        assert_eq!(
            (r.interpreted.as_slice(), r.rate()),
            ([DocumentId(4)].as_slice(), Some(1.0))
        );
        assert_eq!(interpretation_rate(&agency, &all, 2021).rate(), None);
        assert_eq!(
            interpretation_rate(&agency, &all, 2021),
            Interpretation::default()
        );
    }
}
