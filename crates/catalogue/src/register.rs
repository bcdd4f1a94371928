//! The normative-document register (规章 and 规范性文件, 第二十条第（一）项) and table 二's cells
//! computed from it (第五十条第（一）项: the annual report states the proactive disclosure of
//! the year).
//!
//! Decisions, each needed for the figures to reconcile year after year:
//!
//! - **Issued** on the 成文日期 (the issue asks: "a document counts as issued in the year of its
//!   成文日期"). A document without a 成文日期 counts from its 发布日期: it exists as a published
//!   document, and leaving it out would make it never issued yet possibly repealed.
//! - **Ended** on the date of its 废止 *or* 失效: both end force, so both count in 本年废止件数.
//!   Only then does 现行有效 change by exactly 本年制发 − 本年废止 from one year to the next.
//! - A document whose recorded end precedes its issue (a typing error, or a document repealed
//!   before it took effect) counts as ended on its issue date: issued and repealed in the same
//!   year, never in force. Nothing panics and the identity above still holds.
//! - Only entries with a [`Category`] count; interpretations and other documents do not.
//! - 2019 format: 本年新制作 is 本年制发 (成文日期 in the year), 本年新公开 counts 发布日期 in the
//!   year, and 对外公开总数 counts the documents published by 31 December that are in force on
//!   31 December (a repealed document stays readable but is no longer a rule the public must
//!   know, and the 2021 format's 现行有效 is the same idea).
//! - A consolidated report passes the entries of every agency it covers: every figure is a sum
//!   over documents, so the consolidated figure is the sum of the agencies' figures.

use crate::model::{Category, DocumentId, RegisterEntry, Validity};
use chrono::{Datelike, NaiveDate};
use gongkai_report::{CellKey, Format, T2Col, T2Row};

impl RegisterEntry {
    /// The date the register counts the document as issued: 成文日期, or 发布日期 without one.
    pub fn issue_date(&self) -> NaiveDate {
        self.written.unwrap_or(self.published)
    }

    /// The date the document stopped being in force (废止 or 失效), never before its issue date
    /// (see the module documentation); `None` while in force.
    pub fn end_date(&self) -> Option<NaiveDate> {
        match &self.validity {
            Validity::InForce => None,
            Validity::Expired { on } | Validity::Repealed { on, .. } => {
                Some((*on).max(self.issue_date()))
            }
        }
    }

    /// Issued on or before `date`.
    pub fn issued_by(&self, date: NaiveDate) -> bool {
        self.issue_date() <= date
    }

    /// Ended (废止 or 失效) on or before `date`.
    pub fn ended_by(&self, date: NaiveDate) -> bool {
        self.end_date().is_some_and(|end| end <= date)
    }

    /// In force at the end of `date`: issued by then and not ended by then.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.issued_by(date) && !self.ended_by(date)
    }
}

/// The register of one category as of a date: every list sorted by id.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct AsOf {
    /// Issued on or before the date.
    pub issued: Vec<DocumentId>,
    /// Ended (废止 or 失效) on or before the date.
    pub ended: Vec<DocumentId>,
    /// In force at the end of the date (`issued` minus `ended`).
    pub in_force: Vec<DocumentId>,
}

/// The register of `category` as of `date`.
pub fn as_of(entries: &[RegisterEntry], category: Category, date: NaiveDate) -> AsOf {
    let mut out = AsOf::default();
    for e in entries.iter().filter(|e| e.category == Some(category)) {
        if e.issued_by(date) {
            out.issued.push(e.id);
        }
        if e.ended_by(date) {
            out.ended.push(e.id);
        }
        if e.in_force_on(date) {
            out.in_force.push(e.id);
        }
    }
    out.issued.sort_unstable();
    out.ended.sort_unstable();
    out.in_force.sort_unstable();
    out
}

/// One figure of table 二 with the documents behind it (the drill-down).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Table2Cell {
    pub key: CellKey,
    /// Always `documents.len()`.
    pub value: u64,
    /// Sorted by id.
    pub documents: Vec<DocumentId>,
}

/// The rows of table 二 the register computes, in template order.
const ROWS: [(T2Row, Category); 2] = [
    (T2Row::Regulations, Category::Regulation),
    (T2Row::NormativeDocs, Category::NormativeDocument),
];

/// The columns of the 第二十条第（一）项 block in a format, in template order.
pub fn columns(format: Format) -> [T2Col; 3] {
    match format {
        Format::F2019 => [T2Col::MadeNew, T2Col::PublishedNew, T2Col::PublishedTotal],
        Format::F2021 => [T2Col::Issued, T2Col::Repealed, T2Col::InForce],
    }
}

/// Whether an entry counts in a column for `year` (see the module documentation).
fn counts(e: &RegisterEntry, col: T2Col, year: i32, end_of_year: NaiveDate) -> bool {
    match col {
        // 本年制发件数 (2021) and 本年新制作数量 (2019): 成文日期 in the year.
        T2Col::Issued | T2Col::MadeNew => e.issue_date().year() == year,
        // 本年废止件数: 废止 or 失效 in the year.
        T2Col::Repealed => e.end_date().is_some_and(|d| d.year() == year),
        // 现行有效件数: in force on 31 December.
        T2Col::InForce => e.in_force_on(end_of_year),
        // 本年新公开数量: 发布日期 in the year.
        T2Col::PublishedNew => e.published.year() == year,
        // 对外公开总数量: published by 31 December and in force then.
        T2Col::PublishedTotal => e.published <= end_of_year && e.in_force_on(end_of_year),
        _ => false,
    }
}

/// Table 二's 规章 and 规范性文件 cells for `year` in `format`, in template order (规章 then
/// 规范性文件, each in column order), from the entries of one agency or, for a consolidated
/// report, of all the agencies it covers. A year whose 31 December chrono cannot represent
/// gives empty cells.
pub fn table2(entries: &[RegisterEntry], year: i32, format: Format) -> Vec<Table2Cell> {
    let cols = columns(format);
    let end_of_year = NaiveDate::from_ymd_opt(year, 12, 31);
    let mut docs: [[Vec<DocumentId>; 3]; 2] = Default::default();
    if let Some(end_of_year) = end_of_year {
        for e in entries {
            let Some(row) = ROWS.iter().position(|&(_, c)| e.category == Some(c)) else {
                continue;
            };
            for (i, &col) in cols.iter().enumerate() {
                if counts(e, col, year, end_of_year) {
                    docs[row][i].push(e.id);
                }
            }
        }
    }
    let mut cells = Vec::with_capacity(6);
    for (r, &(row, _)) in ROWS.iter().enumerate() {
        for (i, &col) in cols.iter().enumerate() {
            let mut documents = std::mem::take(&mut docs[r][i]);
            documents.sort_unstable();
            cells.push(Table2Cell {
                key: CellKey::T2(row, col),
                value: documents.len() as u64,
                documents,
            });
        }
    }
    cells
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use gongkai_cases::AgencyId;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn entry(
        id: i64,
        category: Option<Category>,
        written: Option<&str>,
        published: &str,
        validity: Validity,
    ) -> RegisterEntry {
        RegisterEntry {
            id: DocumentId(id),
            agency: AgencyId(1),
            category,
            written: written.map(d),
            published: d(published),
            validity,
            interprets: None,
        }
    }

    fn repealed(on: &str) -> Validity {
        Validity::Repealed {
            on: d(on),
            by: Some("盐政发〔2023〕1号".into()),
        }
    }

    fn value(cells: &[Table2Cell], row: T2Row, col: T2Col) -> (u64, Vec<i64>) {
        let cell = cells
            .iter()
            .find(|c| c.key == CellKey::T2(row, col))
            .unwrap();
        (cell.value, cell.documents.iter().map(|d| d.0).collect())
    }

    use Category::{NormativeDocument as N, Regulation as R};

    /// A district's register over 2020–2022.
    fn district() -> Vec<RegisterEntry> {
        vec![
            // 2019 normative document, repealed in 2021.
            entry(
                1,
                Some(N),
                Some("2019-06-03"),
                "2019-06-10",
                repealed("2021-03-01"),
            ),
            // 2021 normative document, in force.
            entry(
                2,
                Some(N),
                Some("2021-02-05"),
                "2021-02-20",
                Validity::InForce,
            ),
            // Written at the end of 2021, published in 2022.
            entry(
                3,
                Some(N),
                Some("2021-12-28"),
                "2022-01-06",
                Validity::InForce,
            ),
            // 2021 regulation that expired (失效) at the end of 2021: counts as repealed.
            entry(
                4,
                Some(R),
                Some("2021-01-15"),
                "2021-01-20",
                Validity::Expired {
                    on: d("2021-12-31"),
                },
            ),
            // No 成文日期: issued on its 发布日期.
            entry(5, Some(N), None, "2021-07-01", Validity::InForce),
            // Not in the register: no category (an ordinary notice, an interpretation).
            entry(6, None, Some("2021-03-01"), "2021-03-02", Validity::InForce),
            // Repeal recorded before the issue date: issued and repealed in 2021.
            entry(
                7,
                Some(R),
                Some("2021-05-01"),
                "2021-05-10",
                repealed("2020-01-01"),
            ),
        ]
    }

    #[test]
    fn table2_2021_with_its_documents() {
        let cells = table2(&district(), 2021, Format::F2021);
        let keys: Vec<String> = cells.iter().map(|c| c.key.to_string()).collect();
        assert_eq!(
            keys,
            [
                "t2.regulations.issued",
                "t2.regulations.repealed",
                "t2.regulations.in_force",
                "t2.normative_docs.issued",
                "t2.normative_docs.repealed",
                "t2.normative_docs.in_force",
            ]
        );
        assert_eq!(
            value(&cells, T2Row::Regulations, T2Col::Issued),
            (2, vec![4, 7])
        );
        assert_eq!(
            value(&cells, T2Row::Regulations, T2Col::Repealed),
            (2, vec![4, 7])
        );
        assert_eq!(
            value(&cells, T2Row::Regulations, T2Col::InForce),
            (0, vec![])
        );
        assert_eq!(
            value(&cells, T2Row::NormativeDocs, T2Col::Issued),
            (3, vec![2, 3, 5])
        );
        assert_eq!(
            value(&cells, T2Row::NormativeDocs, T2Col::Repealed),
            (1, vec![1])
        );
        assert_eq!(
            value(&cells, T2Row::NormativeDocs, T2Col::InForce),
            (3, vec![2, 3, 5])
        );
    }

    #[test]
    fn table2_2019_format() {
        let cells = table2(&district(), 2021, Format::F2019);
        assert_eq!(
            value(&cells, T2Row::NormativeDocs, T2Col::MadeNew),
            (3, vec![2, 3, 5])
        );
        // Document 3 was written in 2021 but published in 2022.
        assert_eq!(
            value(&cells, T2Row::NormativeDocs, T2Col::PublishedNew),
            (2, vec![2, 5])
        );
        assert_eq!(
            value(&cells, T2Row::NormativeDocs, T2Col::PublishedTotal),
            (2, vec![2, 5])
        );
        let cells = table2(&district(), 2022, Format::F2019);
        assert_eq!(
            value(&cells, T2Row::NormativeDocs, T2Col::PublishedNew),
            (1, vec![3])
        );
        assert_eq!(
            value(&cells, T2Row::NormativeDocs, T2Col::PublishedTotal),
            (3, vec![2, 3, 5])
        );
        let cells = table2(&district(), 2020, Format::F2019);
        assert_eq!(
            value(&cells, T2Row::NormativeDocs, T2Col::PublishedTotal),
            (1, vec![1])
        );
        assert_eq!(
            value(&cells, T2Row::Regulations, T2Col::MadeNew),
            (0, vec![])
        );
    }

    #[test]
    fn as_of_a_date() {
        let r = as_of(&district(), N, d("2021-02-28"));
        assert_eq!(r.issued, [DocumentId(1), DocumentId(2)]);
        assert_eq!(r.ended, []);
        assert_eq!(r.in_force, [DocumentId(1), DocumentId(2)]);
        let r = as_of(&district(), N, d("2021-03-01"));
        assert_eq!(r.ended, [DocumentId(1)]);
        assert_eq!(r.in_force, [DocumentId(2)]);
        let r = as_of(&district(), R, d("2021-05-01"));
        assert_eq!(r.issued, [DocumentId(4), DocumentId(7)]);
        assert_eq!(r.ended, [DocumentId(7)]);
        assert_eq!(r.in_force, [DocumentId(4)]);
        // The day before anything was written: nothing.
        assert_eq!(as_of(&district(), N, d("2019-06-02")), AsOf::default());
    }

    #[test]
    fn a_consolidated_report_sums_the_agencies() {
        let a = district();
        let mut b = district();
        for (i, e) in b.iter_mut().enumerate() {
            e.id = DocumentId(100 + i as i64);
            e.agency = AgencyId(2);
        }
        let both: Vec<RegisterEntry> = a.iter().chain(&b).cloned().collect();
        for format in Format::ALL {
            let (ca, cb, cab) = (
                table2(&a, 2021, format),
                table2(&b, 2021, format),
                table2(&both, 2021, format),
            );
            for ((x, y), z) in ca.iter().zip(&cb).zip(&cab) {
                assert_eq!(z.key, x.key);
                assert_eq!(z.value, x.value + y.value, "{}", z.key);
            }
        }
    }

    fn date_strategy() -> impl Strategy<Value = NaiveDate> {
        (2015i32..=2026, 1u32..=365).prop_map(|(y, o)| NaiveDate::from_yo_opt(y, o).unwrap())
    }

    fn entry_strategy() -> impl Strategy<Value = RegisterEntry> {
        (
            prop::option::of(prop::sample::select(vec![R, N])),
            prop::option::weighted(0.85, date_strategy()),
            date_strategy(),
            prop::option::of((date_strategy(), any::<bool>())),
        )
            .prop_map(|(category, written, published, end)| RegisterEntry {
                id: DocumentId(0),
                agency: AgencyId(1),
                category,
                written,
                published,
                validity: match end {
                    None => Validity::InForce,
                    Some((on, true)) => Validity::Repealed { on, by: None },
                    Some((on, false)) => Validity::Expired { on },
                },
                interprets: None,
            })
    }

    fn entries_strategy() -> impl Strategy<Value = Vec<RegisterEntry>> {
        prop::collection::vec(entry_strategy(), 0..60).prop_map(|mut v| {
            for (i, e) in v.iter_mut().enumerate() {
                e.id = DocumentId(i as i64 + 1);
            }
            v
        })
    }

    proptest! {
        #[test]
        fn in_force_changes_by_issued_minus_repealed(entries in entries_strategy(), year in 2014i32..=2027) {
            let this = table2(&entries, year, Format::F2021);
            let last = table2(&entries, year - 1, Format::F2021);
            for row in [T2Row::Regulations, T2Row::NormativeDocs] {
                let get = |cells: &[Table2Cell], col| value(cells, row, col).0 as i64;
                prop_assert_eq!(
                    get(&this, T2Col::InForce) - get(&last, T2Col::InForce),
                    get(&this, T2Col::Issued) - get(&this, T2Col::Repealed),
                    "{:?} {}", row, year
                );
            }
        }

        #[test]
        fn a_date_before_issue_never_counts_a_document(entries in entries_strategy(), date in date_strategy()) {
            for category in [R, N] {
                let r = as_of(&entries, category, date);
                for e in entries.iter().filter(|e| e.issue_date() > date) {
                    prop_assert!(!r.issued.contains(&e.id));
                    prop_assert!(!r.ended.contains(&e.id));
                    prop_assert!(!r.in_force.contains(&e.id));
                }
                prop_assert_eq!(r.in_force.len(), r.issued.len() - r.ended.len());
            }
            let year = date.year();
            for format in Format::ALL {
                for cell in table2(&entries, year - 1, format) {
                    for id in &cell.documents {
                        let e = &entries[(id.0 - 1) as usize];
                        // Every column of year − 1 concerns documents issued by its end; 2019's
                        // 本年新公开 counts publication, which may precede the 成文日期 in bad data.
                        if cell.key != CellKey::T2(T2Row::Regulations, T2Col::PublishedNew)
                            && cell.key != CellKey::T2(T2Row::NormativeDocs, T2Col::PublishedNew)
                        {
                            prop_assert!(e.issue_date().year() < year, "{} {:?}", cell.key, e);
                        }
                    }
                }
            }
        }

        #[test]
        fn values_are_list_lengths_and_formats_agree(entries in entries_strategy(), year in 2014i32..=2027) {
            let f2021 = table2(&entries, year, Format::F2021);
            let f2019 = table2(&entries, year, Format::F2019);
            for cell in f2021.iter().chain(&f2019) {
                prop_assert_eq!(cell.value, cell.documents.len() as u64);
                prop_assert!(cell.documents.windows(2).all(|w| w[0] < w[1]));
                for id in &cell.documents {
                    prop_assert!(entries[(id.0 - 1) as usize].category.is_some());
                }
            }
            for row in [T2Row::Regulations, T2Row::NormativeDocs] {
                prop_assert_eq!(value(&f2021, row, T2Col::Issued), value(&f2019, row, T2Col::MadeNew));
                // 对外公开总数 never exceeds 现行有效.
                prop_assert!(value(&f2019, row, T2Col::PublishedTotal).0 <= value(&f2021, row, T2Col::InForce).0);
            }
        }
    }
}
