//! Tables 三 and 四 of a year computed from the records: the single source of truth for both the
//! generated report and the drill-down from any figure to the requests or cases behind it.
//!
//! Everything rests on one function, [`cells`], which says in which cells a request or a remedy
//! case counts for a year. [`tables`] adds those cells up, [`explain`] lists the records that
//! [`cells`] puts in a given cell; so a figure and its list cannot disagree.
//!
//! The rules (spec §4 and §5):
//!
//! - a request counts in year Y if it was received on or before 31 December Y and was not
//!   decided before 1 January Y. It is `new_received` if received in Y, `carried_in`
//!   otherwise; it is in its outcome row and `r_total` if decided in Y, `carried_out` otherwise
//!   (still open on 31 December). So each counted request is on exactly one side of each half
//!   of R1 (`new_received + carried_in = r_total + carried_out`), and carried_out(Y) is the same
//!   set of requests as carried_in(Y+1), which is R5.
//! - a request counts under the applicant kind of its first-named applicant (spec §4), and in
//!   the `total` column.
//! - a remedy case counts in year Y if it was received on or before 31 December Y and not closed
//!   before 1 January Y, by its status on 31 December Y (spec §5): closed in Y ⇒ its result,
//!   otherwise 尚未审结; and in its group's total.

use crate::lifecycle;
use crate::model::{
    Agency, AgencyId, Outcome, Remedy, RemedyId, RemedyKind, RemedyResult, Request, RequestId,
    YearFigures,
};
use chrono::{Datelike, NaiveDate};
use gongkai_report::keys::T4_GROUPS;
use gongkai_report::{Applicant, CellKey, Format, Report, Section, T3Row, T4Col, Value, template};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What table 三 needs of a request: a compact projection that storage can return cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaseFacts {
    pub id: RequestId,
    pub agency: AgencyId,
    /// The first-named applicant's kind (spec §4). `Applicant::Total` is not a kind; it is
    /// counted as `org_other` (see [`applicant_column`]).
    pub kind: Applicant,
    pub received: NaiveDate,
    /// Decision date and outcome; `None` while open.
    pub decided: Option<(NaiveDate, Outcome)>,
}

/// What table 四 needs of a reconsideration or litigation case, and its reference for the
/// drill-down (remedy cases are few: carrying the text costs nothing that matters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RemedyFacts {
    pub id: RemedyId,
    pub agency: AgencyId,
    /// 案件编号, unique within the agency.
    pub reference: String,
    pub kind: RemedyKind,
    pub received: NaiveDate,
    /// Closing date and result; `None` while pending.
    pub closed: Option<(NaiveDate, RemedyResult)>,
}

impl From<&Request> for CaseFacts {
    /// The first-named applicant's kind (a request without applicants counts as `org_other`,
    /// the residual column), and the decision as [`lifecycle::outcome`] reads the timeline.
    fn from(r: &Request) -> CaseFacts {
        CaseFacts {
            id: r.id,
            agency: r.data.agency,
            kind: r
                .data
                .applicants
                .first()
                .map_or(Applicant::OrgOther, |a| a.kind),
            received: r.data.received,
            decided: lifecycle::outcome(&r.events),
        }
    }
}

impl From<&Remedy> for RemedyFacts {
    fn from(r: &Remedy) -> RemedyFacts {
        RemedyFacts {
            id: r.id,
            agency: r.data.agency,
            reference: r.data.reference.clone(),
            kind: r.data.kind,
            received: r.data.received,
            closed: r.data.closed,
        }
    }
}

/// A record behind a figure: a request (table 三) or a remedy case (table 四).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum CaseRef {
    Request(RequestId),
    Remedy(RemedyId),
}

/// Either kind of fact, for [`cells`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact<'a> {
    Case(&'a CaseFacts),
    Remedy(&'a RemedyFacts),
}

impl<'a> From<&'a CaseFacts> for Fact<'a> {
    fn from(f: &'a CaseFacts) -> Self {
        Fact::Case(f)
    }
}

impl<'a> From<&'a RemedyFacts> for Fact<'a> {
    fn from(f: &'a RemedyFacts) -> Self {
        Fact::Remedy(f)
    }
}

impl Fact<'_> {
    /// The record this fact describes.
    pub fn case_ref(self) -> CaseRef {
        match self {
            Fact::Case(f) => CaseRef::Request(f.id),
            Fact::Remedy(f) => CaseRef::Remedy(f.id),
        }
    }
}

/// The table 三 column of an applicant kind. `Applicant::Total` is not a kind (model.rs says a
/// record never holds it); should one slip through it is counted as `org_other`, the residual
/// column, so that R2 still holds.
pub fn applicant_column(kind: Applicant) -> Applicant {
    match kind {
        Applicant::Total => Applicant::OrgOther,
        k => k,
    }
}

/// The table 四 columns of a kind of remedy: upheld, corrected, other, pending, total.
fn t4_group(kind: RemedyKind) -> [T4Col; 5] {
    match kind {
        RemedyKind::Reconsideration => T4_GROUPS[0],
        RemedyKind::LitigationDirect => T4_GROUPS[1],
        RemedyKind::LitigationAfterReconsideration => T4_GROUPS[2],
    }
}

/// The most cells one fact counts in: a request is in two rows (one of `new_received` /
/// `carried_in`, and either its outcome row with `r_total` or `carried_out`), each in its
/// applicant column and `total`.
const MAX_CELLS: usize = 6;

/// The cells of table 三 or 四 in which `fact` counts for `year` in a report of `format` (the
/// `total` columns included). The only place that says so: [`tables`] and [`explain`] are
/// built on it. See the module documentation for the rules.
pub fn cells<'a>(
    fact: impl Into<Fact<'a>>,
    year: i32,
    format: Format,
) -> impl Iterator<Item = CellKey> {
    let mut out = [None; MAX_CELLS];
    match fact.into() {
        Fact::Case(f) => {
            // Received after the year, or decided before it: not in this year's table (§4).
            let decided_year = f.decided.map(|(d, _)| d.year());
            if f.received.year() <= year && decided_year.is_none_or(|y| y >= year) {
                let col = applicant_column(f.kind);
                let first = if f.received.year() == year {
                    T3Row::NewReceived
                } else {
                    T3Row::CarriedIn
                };
                let mut rows = [Some(first), None, None];
                match f.decided {
                    // Counted in the year its outcome is decided (§4).
                    Some((d, o)) if d.year() == year => {
                        rows[1] = Some(o.row(format));
                        rows[2] = Some(T3Row::RTotal);
                    }
                    // Still open on 31 December: carried over to next year (§4).
                    _ => rows[1] = Some(T3Row::CarriedOut),
                }
                for (i, row) in rows.into_iter().flatten().enumerate() {
                    out[2 * i] = Some(CellKey::T3(row, col));
                    out[2 * i + 1] = Some(CellKey::T3(row, Applicant::Total));
                }
            }
        }
        Fact::Remedy(f) => {
            let closed_year = f.closed.map(|(d, _)| d.year());
            if f.received.year() <= year && closed_year.is_none_or(|y| y >= year) {
                let [upheld, corrected, other, pending, total] = t4_group(f.kind);
                // By its status on 31 December (§5).
                let col = match f.closed {
                    Some((d, result)) if d.year() == year => match result {
                        RemedyResult::Upheld => upheld,
                        RemedyResult::Corrected => corrected,
                        RemedyResult::Other => other,
                    },
                    _ => pending,
                };
                out[0] = Some(CellKey::T4(col));
                out[1] = Some(CellKey::T4(total));
            }
        }
    }
    out.into_iter().flatten()
}

/// Number of table 三 rows and columns, for the dense counters of [`tables`].
const T3_ROWS: usize = T3Row::ALL.len();
const T3_COLS: usize = Applicant::ALL.len();
const DENSE: usize = T3_ROWS * T3_COLS + T4Col::ALL.len();

/// The slot of a table 三/四 cell in a dense counter array (`None` for table 二).
fn slot(key: CellKey) -> Option<usize> {
    match key {
        CellKey::T3(row, col) => Some(row as usize * T3_COLS + col as usize),
        CellKey::T4(col) => Some(T3_ROWS * T3_COLS + col as usize),
        CellKey::T2(..) => None,
    }
}

/// The table 三 and 四 cells of a format, in canonical order.
pub fn table_cells(format: Format) -> impl Iterator<Item = CellKey> {
    template::cells(format)
        .into_iter()
        .filter(|k| !matches!(k, CellKey::T2(..)))
}

/// Tables 三 and 四 of `year` in a report of `format`: every cell of the format present, zeros
/// included. Linear in the number of facts (a fixed-size counter array, converted at the end).
pub fn tables(
    facts: &[CaseFacts],
    remedies: &[RemedyFacts],
    year: i32,
    format: Format,
) -> BTreeMap<CellKey, i64> {
    let mut counts = [0i64; DENSE];
    let all = facts
        .iter()
        .flat_map(|f| cells(f, year, format))
        .chain(remedies.iter().flat_map(|f| cells(f, year, format)));
    for key in all {
        if let Some(i) = slot(key) {
            counts[i] += 1;
        }
    }
    table_cells(format)
        .map(|k| (k, slot(k).map_or(0, |i| counts[i])))
        .collect()
}

/// The records behind a figure: every request (for a table 三 cell) or remedy case (for a table
/// 四 cell) that [`cells`] counts in `cell`, in input order. Its length is the figure that
/// [`tables`] gives. Table 二 cells have no records behind them: empty.
pub fn explain(
    facts: &[CaseFacts],
    remedies: &[RemedyFacts],
    year: i32,
    format: Format,
    cell: CellKey,
) -> Vec<CaseRef> {
    let hit = |fact: Fact<'_>| cells(fact, year, format).any(|c| c == cell);
    match cell {
        CellKey::T3(..) => facts
            .iter()
            .map(Fact::Case)
            .filter(|&f| hit(f))
            .map(Fact::case_ref)
            .collect(),
        CellKey::T4(_) => remedies
            .iter()
            .map(Fact::Remedy)
            .filter(|&f| hit(f))
            .map(Fact::case_ref)
            .collect(),
        CellKey::T2(..) => Vec::new(),
    }
}

/// The annual report of `year` generated from the records, in the format the State Council
/// prescribes for that year ([`Format::for_year`]). See [`generate_as`].
pub fn generate(
    agency_name: &str,
    year: i32,
    facts: &[CaseFacts],
    remedies: &[RemedyFacts],
    figures: Option<&YearFigures>,
) -> Report {
    generate_as(
        Format::for_year(year),
        agency_name,
        year,
        facts,
        remedies,
        figures,
    )
}

/// The annual report of `year` in `format`, generated from the records:
///
/// - table 二 from the officer's `figures` (the caller passes that year's); without them every
///   table 二 cell stays absent (`null`, which R10 reports). A figure whose cell is not in the
///   format, or of the wrong type, is left out: storage should validate figures on write with
///   `gongkai_report::template::allows`;
/// - tables 三 and 四 from [`tables`], every cell present;
/// - sections 三 and 四 get one factual sentence each, worded so that rule R8 reads the same
///   figures as the tables. The other sections are the officer's to write.
pub fn generate_as(
    format: Format,
    agency_name: &str,
    year: i32,
    facts: &[CaseFacts],
    remedies: &[RemedyFacts],
    figures: Option<&YearFigures>,
) -> Report {
    let mut report = Report::blank(format, year, agency_name);
    for &(key, value) in figures.map_or(&[][..], |f| f.cells.as_slice()) {
        if matches!(key, CellKey::T2(..)) {
            // Refused only for a cell outside the format or a value of the wrong type.
            report.set(key, Some(value)).ok();
        }
    }
    let t = tables(facts, remedies, year, format);
    for (&key, &n) in &t {
        // Every key comes from the format's own cell list: `set` cannot refuse it.
        report.set(key, Some(Value::Int(n))).ok();
    }
    let get = |key: CellKey| t.get(&key).copied().unwrap_or(0);
    let t3 = |row: T3Row| get(CellKey::T3(row, Applicant::Total));
    let t4 = |col: T4Col| get(CellKey::T4(col));
    report.set_section(
        Section::S3Requests,
        format!(
            "{year}年，本机关新收政府信息公开申请{}件，上年结转政府信息公开申请{}件；本年度办结{}件，结转下年度继续办理{}件。具体情况见下表。",
            t3(T3Row::NewReceived),
            t3(T3Row::CarriedIn),
            t3(T3Row::RTotal),
            t3(T3Row::CarriedOut),
        ),
    );
    report.set_section(
        Section::S4ReviewLitigation,
        format!(
            "{year}年，本机关因政府信息公开被申请行政复议{}件（其中尚未审结{}件），被提起行政诉讼{}件（其中尚未审结{}件）。具体情况见下表。",
            t4(T4Col::RevTotal),
            t4(T4Col::RevPending),
            t4(T4Col::LitDirectTotal) + t4(T4Col::LitAfterRevTotal),
            t4(T4Col::LitDirectPending) + t4(T4Col::LitAfterRevPending),
        ),
    );
    report
}

/// An agency and all its subordinate agencies, for consolidation (a government with its
/// departments and townships): `root` first, then descendants breadth-first, children in id
/// order. A cycle in the parent links (bad data) cannot loop: each agency is listed once.
/// `root` is listed even if it is not in `agencies`.
pub fn subtree(agencies: &[Agency], root: AgencyId) -> Vec<AgencyId> {
    let mut children: HashMap<AgencyId, Vec<AgencyId>> = HashMap::new();
    for a in agencies {
        if let Some(parent) = a.parent {
            children.entry(parent).or_default().push(a.id);
        }
    }
    for list in children.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    let mut seen = HashSet::from([root]);
    let mut out = vec![root];
    let mut next = 0;
    while let Some(&id) = out.get(next) {
        next += 1;
        for &child in children.get(&id).map_or(&[][..], Vec::as_slice) {
            if seen.insert(child) {
                out.push(child);
            }
        }
    }
    out
}

/// The agency whose reports count `agency`'s records in `year`: the agency itself, or, when it
/// was merged into another (机构改革) in or before that year, the agency it was merged into,
/// followed along a chain of mergers. Bounded by the number of agencies, so a cycle ends.
pub fn owner_in(agencies: &[Agency], agency: AgencyId, year: i32) -> AgencyId {
    let by_id: HashMap<AgencyId, &Agency> = agencies.iter().map(|a| (a.id, a)).collect();
    owner(&by_id, agency, year)
}

fn owner(by_id: &HashMap<AgencyId, &Agency>, agency: AgencyId, year: i32) -> AgencyId {
    let mut at = agency;
    for _ in 0..by_id.len() {
        match by_id.get(&at).and_then(|a| a.merged) {
            Some(m) if m.on.year() <= year => at = m.into,
            _ => break,
        }
    }
    at
}

/// The agencies whose records a report of `root` for `year` counts: `root` alone, or with
/// `consolidated` every agency of its subtree; and in either case every agency merged into one
/// of those in or before `year` (its records, carried-over requests included, are the
/// successor's from then on). An agency of the subtree that was merged into an agency outside
/// it no longer counts here. Ordered by id.
pub fn report_scope(
    agencies: &[Agency],
    root: AgencyId,
    year: i32,
    consolidated: bool,
) -> Vec<AgencyId> {
    let heads: HashSet<AgencyId> = if consolidated {
        subtree(agencies, root).into_iter().collect()
    } else {
        HashSet::from([root])
    };
    let by_id: HashMap<AgencyId, &Agency> = agencies.iter().map(|a| (a.id, a)).collect();
    let mut scope: Vec<AgencyId> = agencies
        .iter()
        .map(|a| a.id)
        .filter(|&id| heads.contains(&owner(&by_id, id, year)))
        .collect();
    scope.sort_unstable();
    scope
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dense_slots_are_distinct() {
        let mut seen = HashSet::new();
        for f in Format::ALL {
            for k in table_cells(f) {
                let s = slot(k).unwrap();
                assert!(s < DENSE);
                seen.insert((s, k));
            }
        }
        let slots: HashSet<usize> = seen.iter().map(|(s, _)| *s).collect();
        assert_eq!(slots.len(), seen.len());
    }

    #[test]
    fn total_kind_goes_to_the_residual_column() {
        let f = CaseFacts {
            id: RequestId(1),
            agency: AgencyId(1),
            kind: Applicant::Total,
            received: d("2024-05-01"),
            decided: None,
        };
        let c: Vec<CellKey> = cells(&f, 2024, Format::F2021).collect();
        assert_eq!(
            c,
            vec![
                CellKey::T3(T3Row::NewReceived, Applicant::OrgOther),
                CellKey::T3(T3Row::NewReceived, Applicant::Total),
                CellKey::T3(T3Row::CarriedOut, Applicant::OrgOther),
                CellKey::T3(T3Row::CarriedOut, Applicant::Total),
            ]
        );
    }
}
