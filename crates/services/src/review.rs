//! Reviewing published reports (any agency's, in any form the reader takes): one typed result
//! per report — the report, its findings with their cells, where the reader found each cell —
//! used alike by the check of a few files, the batch over thousands and the cross-year pairing.
//! Pure: bytes in, values out (the front end reads the files).

use gongkai_reader::{Completeness, Parsed, ReadError, Source};
use gongkai_report::rules::{self, Finding, Severity};
use gongkai_report::{CellKey, Report, Section, Value, names};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A published report, read and checked.
#[derive(Debug, Clone)]
pub struct Reviewed {
    /// The report with the reader's provenance and warnings.
    pub parsed: Parsed,
    /// The single-report rules' findings (R1–R4, R7–R10); the cross-year ones come from
    /// [`Series`].
    pub findings: Vec<Finding>,
}

impl Reviewed {
    pub fn report(&self) -> &Report {
        &self.parsed.report
    }

    /// How much of the report's layout was found (a canonical JSON report states every cell).
    pub fn completeness(&self) -> Completeness {
        self.parsed.completeness()
    }

    /// Error-severity and warning findings.
    pub fn counts(&self) -> (usize, usize) {
        count(&self.findings)
    }
}

/// Error-severity and warning findings of a list.
pub fn count(findings: &[Finding]) -> (usize, usize) {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    (errors, findings.len() - errors)
}

/// Reads a report in any form (canonical JSON, HTML, text, Markdown, DOCX, PDF, gongkai's own
/// XLSX and CSV) and checks it.
///
/// # Errors
/// The input is not a report, or cannot be read (the error says which, and why).
pub fn review(bytes: &[u8]) -> Result<Reviewed, ReadError> {
    let parsed = gongkai_reader::read_any(bytes)?;
    let findings = rules::check(&parsed.report);
    Ok(Reviewed { parsed, findings })
}

/// Other names of agencies, for pairing reports across years: each variant (an alias, a
/// former name) with the agency's current name.
#[derive(Debug, Clone, Default)]
pub struct Aliases(HashMap<String, String>);

impl Aliases {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Aliases {
        Aliases(
            pairs
                .into_iter()
                .map(|(v, c)| (names::normalize(&v), names::normalize(&c)))
                .collect(),
        )
    }

    fn canonical(&self, normalized: &str) -> Option<String> {
        self.0.get(normalized).cloned()
    }
}

/// Reports kept for the cross-year rules: only the cells they read
/// ([`rules::series_cells`]) and where those were found, so that a batch of tens of thousands
/// of reports stays small.
#[derive(Debug, Clone, Default)]
pub struct Series {
    reports: Vec<Report>,
    provenance: Vec<BTreeMap<CellKey, Source>>,
    cells: HashSet<CellKey>,
}

impl Series {
    pub fn new() -> Series {
        Series {
            reports: Vec::new(),
            provenance: Vec::new(),
            cells: rules::series_cells().into_iter().collect(),
        }
    }

    /// Keeps what the cross-year rules need of a reviewed report; returns its index.
    pub fn add(&mut self, r: &Reviewed) -> usize {
        let report = r.report();
        let mut small = Report::blank(report.format, report.year, report.agency.clone());
        for (k, v) in report.values().filter(|(k, _)| self.cells.contains(k)) {
            // Every key comes from a valid report of the same format, so this cannot fail.
            let _ = small.set(k, Some(v));
        }
        self.reports.push(small);
        self.provenance.push(
            r.parsed
                .provenance
                .iter()
                .filter(|(k, _)| self.cells.contains(k))
                .map(|(k, s)| (*k, *s))
                .collect(),
        );
        self.reports.len() - 1
    }

    pub fn len(&self) -> usize {
        self.reports.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    /// The reduced report of index `i`.
    pub fn report(&self, i: usize) -> &Report {
        &self.reports[i]
    }

    /// Where the cells of report `i` were found.
    pub fn provenance(&self, i: usize) -> &BTreeMap<CellKey, Source> {
        &self.provenance[i]
    }

    /// The agency group of every report: name variants and `aliases` matched
    /// ([`names::groups`]).
    pub fn groups(&self, aliases: &Aliases) -> Vec<usize> {
        let agency_names: Vec<&str> = self.reports.iter().map(|r| r.agency.as_str()).collect();
        names::groups(&agency_names, |n| aliases.canonical(n))
    }

    /// For every report, whether the previous year's report of its agency is in the series
    /// (what the cross-year rules compare it with).
    pub fn with_predecessor(&self, groups: &[usize]) -> Vec<bool> {
        let present: HashSet<(usize, i32)> = self
            .reports
            .iter()
            .zip(groups)
            .map(|(r, &g)| (g, r.year))
            .collect();
        self.reports
            .iter()
            .zip(groups)
            .map(|(r, &g)| present.contains(&(g, r.year - 1)))
            .collect()
    }

    /// The cross-year findings (R5, R6, R9's jumps), each with the index of the later report,
    /// sorted by that index and rule.
    pub fn findings(&self, groups: &[usize]) -> Vec<(usize, Finding)> {
        let refs: Vec<&Report> = self.reports.iter().collect();
        let mut out = rules::check_series_by(&refs, groups);
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.rule.cmp(&b.1.rule)));
        out
    }
}

/// Two reports compared, `a` before `b` (`gongkai report diff`, the check page's comparison
/// with the previous year).
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The cells whose figures differ, in key order, with `a`'s and `b`'s figure (`None`:
    /// empty, or not in that report's format).
    pub changed: Vec<(CellKey, Option<Value>, Option<Value>)>,
    /// The sections whose text differs.
    pub sections: Vec<Section>,
    /// Whether `b` is the next year's report of `a`'s agency (names matched with `aliases`):
    /// only then do the cross-year rules apply.
    pub paired: bool,
    /// The cross-year rules' findings on `b` (R5 carried-over requests, R6 documents in
    /// force, …), when paired.
    pub findings: Vec<Finding>,
}

/// Compares `a` with the later `b`: every cell of either report, the sections' text, and the
/// cross-year rules when they are consecutive years of one agency.
pub fn compare(a: &Reviewed, b: &Reviewed, aliases: &Aliases) -> Comparison {
    let (ra, rb) = (a.report(), b.report());
    let mut keys = ra.cell_keys();
    for k in rb.cell_keys() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.sort();
    let changed = keys
        .into_iter()
        .filter(|&k| ra.get(k) != rb.get(k))
        .map(|k| (k, ra.get(k), rb.get(k)))
        .collect();
    let sections = Section::ALL
        .iter()
        .copied()
        .filter(|&s| ra.section(s).trim() != rb.section(s).trim())
        .collect();
    let mut series = Series::new();
    series.add(a);
    series.add(b);
    let groups = series.groups(aliases);
    let paired = groups[0] == groups[1] && rb.year == ra.year + 1;
    let findings = series
        .findings(&groups)
        .into_iter()
        .filter(|(i, _)| *i == 1)
        .map(|(_, f)| f)
        .collect();
    Comparison {
        changed,
        sections,
        paired,
        findings,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use gongkai_report::{Value, json};

    const SEED: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");

    fn reviewed(report: Report) -> Reviewed {
        let bytes = json::to_string(&report, None);
        review(bytes.as_bytes()).unwrap()
    }

    /// The cross-year rules give the same findings on the kept cells as on whole reports, so
    /// keeping only [`rules::series_cells`] loses nothing.
    #[test]
    fn the_series_keeps_everything_the_cross_year_rules_read() {
        let a = json::from_str(SEED).unwrap();
        let mut b = a.clone();
        b.year += 1;
        for (k, v) in a.values() {
            if let Value::Int(n) = v {
                // Change every count, and a lot, so every cross-year rule has something to say.
                let _ = b.set(k, Some(Value::Int(n * 7 + 100)));
            }
        }
        let full = rules::check_series(&[&a, &b]);
        let mut s = Series::new();
        s.add(&reviewed(a));
        s.add(&reviewed(b));
        let groups = s.groups(&Aliases::default());
        let mut small = s.findings(&groups);
        let mut full = full;
        full.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.rule.cmp(&y.1.rule)));
        small.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.rule.cmp(&y.1.rule)));
        assert!(full.len() > 3, "{full:?}");
        assert_eq!(full, small);
    }

    /// Reports of one agency under name variants and aliases are paired; of two districts of
    /// the same name in different cities, never.
    #[test]
    fn pairing_matches_variants_and_aliases() {
        let seed: Report = json::from_str(SEED).unwrap();
        let named = |name: &str, year: i32| {
            let mut r = seed.clone();
            r.agency = name.into();
            r.year = year;
            reviewed(r)
        };
        let mut s = Series::new();
        s.add(&named("淮安市洪泽区人民政府", 2023));
        s.add(&named("洪泽区人民政府", 2024));
        s.add(&named("盐湖区政府办", 2023));
        s.add(&named("盐湖区人民政府办公室", 2024));
        let plain = s.groups(&Aliases::default());
        assert_eq!(plain[0], plain[1]);
        assert_ne!(plain[2], plain[3]);
        assert_eq!(s.with_predecessor(&plain), [false, true, false, false]);
        let aliases =
            Aliases::new([("盐湖区政府办".to_owned(), "盐湖区人民政府办公室".to_owned())]);
        let g = s.groups(&aliases);
        assert_eq!(g[2], g[3]);
        assert_eq!(s.with_predecessor(&g), [false, true, false, true]);
    }
}
