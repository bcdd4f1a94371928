//! The supervising office's dashboard (督查): one row per unit the caller sees, with what the
//! office follows up — open, overdue and late-answered requests (第三十三条), the annual report's
//! filing state and its failing checks (第四十九条, spec §5), implausible year-on-year changes,
//! and, where the unit keeps its catalogue here, late publications (第二十六条) and the
//! 政策解读率. The same rows feed the assessment ([`crate::assessment`]).
//!
//! Cost: the requests of the whole subtree are read in one pass (the open ones and the year's
//! case facts, each one query for every unit together); the report and catalogue figures are
//! read per unit, since the checks run on each unit's own report.

use crate::filing::FilingRow;
use crate::requests::WorkItem;
use crate::{Ctx, Result};
use chrono::NaiveDate;
use gongkai_assess::{Figure, Figures};
use gongkai_filing::{Action, Timeliness};
use gongkai_render::listing::{Listing, Value};
use gongkai_report::{Rule, Severity};
use gongkai_store::Store;
use std::collections::HashMap;

/// Where the checked report of a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportSource {
    /// The report last submitted or published in the filing workflow.
    Filed,
    /// None is filed: the report generated from the records, as it would be submitted.
    Generated,
}

/// The catalogue's figures of a unit-year.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueFigures {
    /// Documents published in the year later than 第二十六条 allows.
    pub late: usize,
    /// Normative documents issued in the year.
    pub issued: usize,
    /// 政策解读率; `None` when none was issued.
    pub interpretation: Option<f64>,
}

/// One unit of the dashboard.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub filing: FilingRow,
    /// Requests of the year: received in it, carried into it or decided in it.
    pub requests: usize,
    /// Open requests today.
    pub open: usize,
    /// Open requests past their deadline today.
    pub overdue: usize,
    /// Requests decided in the year.
    pub decided: usize,
    /// Of those, decided within their deadline.
    pub decided_on_time: usize,
    /// Decided in the year after their deadline (逾期办结).
    pub closed_late: usize,
    /// The open request received first: its reference and date of receipt.
    pub oldest_open: Option<(String, NaiveDate)>,
    pub report: ReportSource,
    /// Error- and warning-severity findings of the checks on the report.
    pub errors: usize,
    pub warnings: usize,
    /// The year-on-year changes R9 finds implausible against last year's published report.
    pub implausible: Vec<String>,
    /// `None` when the unit keeps no catalogue here.
    pub catalogue: Option<CatalogueFigures>,
    /// Items of the unit's 政务公开事项标准目录 without a publication in the year (a gap);
    /// `None` when it has imported no directory.
    pub directory_gaps: Option<usize>,
}

impl UnitRow {
    pub fn agency(&self) -> &str {
        &self.filing.agency.name
    }

    /// decided on time / decided; `None` when none was decided.
    pub fn on_time_rate(&self) -> Option<f64> {
        // Counts far below 2^52: exact.
        (self.decided > 0).then(|| self.decided_on_time as f64 / self.decided as f64)
    }

    /// What the assessment reads of the row.
    pub fn figures(&self) -> Figures {
        let mut f = Figures::new();
        let count = |n: usize| n as f64;
        f.insert(Figure::Requests, count(self.requests));
        f.insert(Figure::Open, count(self.open));
        f.insert(Figure::Overdue, count(self.overdue));
        f.insert(Figure::ClosedLate, count(self.closed_late));
        if let Some(r) = self.on_time_rate() {
            f.insert(Figure::OnTimeRate, r);
        }
        match self.filing.timeliness {
            Timeliness::OnTime => {
                f.insert(Figure::ReportOnTime, 1.0);
            }
            Timeliness::Late(_) | Timeliness::Missing(_) => {
                f.insert(Figure::ReportOnTime, 0.0);
            }
            Timeliness::Pending => {}
        }
        f.insert(Figure::ReportErrors, count(self.errors));
        f.insert(Figure::ReportWarnings, count(self.warnings));
        f.insert(Figure::ImplausibleChanges, count(self.implausible.len()));
        if let Some(c) = &self.catalogue {
            f.insert(Figure::LatePublications, count(c.late));
            if let Some(r) = c.interpretation {
                f.insert(Figure::InterpretationRate, r);
            }
        }
        if let Some(g) = self.directory_gaps {
            f.insert(Figure::DirectoryGaps, count(g));
        }
        f
    }
}

/// The columns the dashboard sorts by (`?sort=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Agency,
    Requests,
    Open,
    Overdue,
    ClosedLate,
    OnTimeRate,
    Oldest,
    State,
    Errors,
    Warnings,
    Implausible,
    LatePublications,
    InterpretationRate,
    DirectoryGaps,
}

impl Column {
    pub const ALL: [Column; 14] = [
        Column::Agency,
        Column::Requests,
        Column::Open,
        Column::Overdue,
        Column::ClosedLate,
        Column::OnTimeRate,
        Column::Oldest,
        Column::State,
        Column::Errors,
        Column::Warnings,
        Column::Implausible,
        Column::LatePublications,
        Column::InterpretationRate,
        Column::DirectoryGaps,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Column::Agency => "agency",
            Column::Requests => "requests",
            Column::Open => "open",
            Column::Overdue => "overdue",
            Column::ClosedLate => "closed_late",
            Column::OnTimeRate => "on_time_rate",
            Column::Oldest => "oldest",
            Column::State => "state",
            Column::Errors => "errors",
            Column::Warnings => "warnings",
            Column::Implausible => "implausible",
            Column::LatePublications => "late_publications",
            Column::InterpretationRate => "interpretation_rate",
            Column::DirectoryGaps => "directory_gaps",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Agency => "机关",
            Column::Requests => "本年度申请",
            Column::Open => "办理中",
            Column::Overdue => "逾期未办结",
            Column::ClosedLate => "逾期办结",
            Column::OnTimeRate => "按时答复率",
            Column::Oldest => "最早未办结申请",
            Column::State => "年度报告",
            Column::Errors => "错误",
            Column::Warnings => "警告",
            Column::Implausible => "跨年度异常",
            Column::LatePublications => "逾期公开",
            Column::InterpretationRate => "政策解读率",
            Column::DirectoryGaps => "标准目录缺项",
        }
    }

    pub fn from_key(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key.trim())
    }
}

/// Which rows the dashboard keeps (`?only=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    /// Units whose report is late or missing.
    Late,
    /// Units with overdue open requests or requests answered late.
    Overdue,
    /// Units whose report has an error or an implausible change.
    Failing,
}

impl Only {
    pub fn from_key(key: &str) -> Option<Only> {
        match key.trim() {
            "late" => Some(Only::Late),
            "overdue" => Some(Only::Overdue),
            "failing" => Some(Only::Failing),
            _ => None,
        }
    }

    pub fn keeps(self, row: &UnitRow) -> bool {
        match self {
            Only::Late => row.filing.timeliness.is_late(),
            Only::Overdue => row.overdue > 0 || row.closed_late > 0,
            Only::Failing => row.errors > 0 || !row.implausible.is_empty(),
        }
    }
}

/// Sorts rows by a column (ties by the tree's order, which `sort_by` keeps); a unit without the
/// figure sorts after those with it either way.
pub fn sort(rows: &mut [UnitRow], column: Column, desc: bool) {
    use std::cmp::Ordering;
    let key = |r: &UnitRow| -> Option<f64> {
        let n = |x: usize| Some(x as f64);
        match column {
            Column::Requests => n(r.requests),
            Column::Open => n(r.open),
            Column::Overdue => n(r.overdue),
            Column::ClosedLate => n(r.closed_late),
            Column::OnTimeRate => r.on_time_rate(),
            Column::Errors => n(r.errors),
            Column::Warnings => n(r.warnings),
            Column::Implausible => n(r.implausible.len()),
            Column::LatePublications => r.catalogue.as_ref().map(|c| c.late as f64),
            Column::InterpretationRate => r.catalogue.as_ref().and_then(|c| c.interpretation),
            Column::DirectoryGaps => r.directory_gaps.map(|g| g as f64),
            Column::Agency | Column::Oldest | Column::State => None,
        }
    };
    let order = |a: &UnitRow, b: &UnitRow| -> Ordering {
        match column {
            Column::Agency => a.agency().cmp(b.agency()),
            Column::Oldest => a
                .oldest_open
                .as_ref()
                .map(|o| o.1)
                .cmp(&b.oldest_open.as_ref().map(|o| o.1)),
            Column::State => a.filing.state.as_str().cmp(b.filing.state.as_str()),
            _ => key(a).partial_cmp(&key(b)).unwrap_or(Ordering::Equal),
        }
    };
    rows.sort_by(|a, b| {
        let none = |r: &UnitRow| match column {
            Column::Agency | Column::State => false,
            Column::Oldest => r.oldest_open.is_none(),
            _ => key(r).is_none(),
        };
        none(a).cmp(&none(b)).then_with(|| {
            let o = order(a, b);
            if desc { o.reverse() } else { o }
        })
    });
}

/// The dashboard as a table, for the XLSX export: the same columns as the page.
pub fn listing(year: i32, rows: &[UnitRow]) -> Listing {
    let mut headers: Vec<String> = Column::ALL.iter().map(|c| c.label().to_owned()).collect();
    headers.insert(7, "报送期限".into());
    headers.insert(8, "是否按时".into());
    let n = |x: usize| Value::Number(x as f64);
    Listing {
        title: format!("{year} 年度政府信息公开工作督查"),
        headers,
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Value::Text(r.agency().to_owned()),
                    n(r.requests),
                    n(r.open),
                    n(r.overdue),
                    n(r.closed_late),
                    r.on_time_rate().map_or(Value::Empty, Value::Percent),
                    r.oldest_open
                        .as_ref()
                        .map_or(Value::Empty, |(reference, received)| {
                            Value::Text(format!("{reference}（{received}）"))
                        }),
                    Value::Text(r.filing.state.label().to_owned()),
                    Value::Text(r.filing.due.to_string()),
                    Value::Text(r.filing.timeliness.label(r.filing.path)),
                    n(r.errors),
                    n(r.warnings),
                    n(r.implausible.len()),
                    r.catalogue.as_ref().map_or(Value::Empty, |c| n(c.late)),
                    r.catalogue
                        .as_ref()
                        .and_then(|c| c.interpretation)
                        .map_or(Value::Empty, Value::Percent),
                    r.directory_gaps.map_or(Value::Empty, n),
                ]
            })
            .collect(),
    }
}

/// A rate as the page shows it.
pub fn show_rate(rate: Option<f64>) -> String {
    rate.map_or_else(String::new, |r| format!("{:.1}%", r * 100.0))
}

impl<S: Store> Ctx<'_, S> {
    /// The dashboard of `year`: a row for every unit the caller sees (the supervisor's subtree;
    /// an officer's own agency and those below it), in the tree's order.
    pub async fn supervision(&self, year: i32) -> Result<Vec<UnitRow>> {
        let filings = self.filings(year).await?;
        let tree = self.tree().await?;
        let ids: Vec<_> = filings.iter().map(|f| f.agency.id).collect();
        let today = self.settings.today;
        // One pass over the subtree's requests: the open ones, and the year's case facts.
        let open = self.sorted_items(&ids, true, &tree, today).await?;
        let facts = self.store.case_facts(&ids, year).await?;
        let decided = self.decided_items(&facts, &tree, year).await?;
        let by_name = |items: Vec<WorkItem>| {
            let mut map: HashMap<String, Vec<WorkItem>> = HashMap::new();
            for i in items {
                map.entry(i.agency.clone()).or_default().push(i);
            }
            map
        };
        let open = by_name(open);
        let decided = by_name(decided);
        let mut requests: HashMap<_, usize> = HashMap::new();
        for f in &facts {
            *requests.entry(f.agency).or_default() += 1;
        }
        // Every unit's standard directory coverage in one pass (the units are the caller's).
        let units: Vec<&gongkai_cases::Agency> = filings.iter().map(|f| &f.agency).collect();
        let coverage = self.coverage_of(&units, year).await?;
        let gaps: HashMap<_, usize> = coverage
            .units
            .iter()
            .filter(|u| u.has_directory)
            .map(|u| (u.agency.id, u.coverage.gaps))
            .collect();
        let mut rows = Vec::with_capacity(filings.len());
        for filing in filings {
            let name = filing.agency.name.clone();
            let own_open = open.get(&name).map_or(&[][..], Vec::as_slice);
            let own_decided = decided.get(&name).map_or(&[][..], Vec::as_slice);
            let oldest_open = own_open
                .iter()
                .min_by(|a, b| {
                    a.received
                        .cmp(&b.received)
                        .then(a.reference.cmp(&b.reference))
                })
                .map(|i| (i.reference.clone(), i.received));
            let (report, source) = self.report_for(&filing, year).await?;
            // The checks as [`Ctx::findings`] runs them, the cross-year part kept apart.
            let cross = self
                .cross_year_findings(&filing.agency, year, &report)
                .await?;
            let mut findings = gongkai_report::rules::check(&report);
            findings.extend(cross.iter().cloned());
            let catalogue = self.register_of(&[filing.agency.id], year).await?;
            rows.push(UnitRow {
                directory_gaps: gaps.get(&filing.agency.id).copied(),
                requests: requests.get(&filing.agency.id).copied().unwrap_or(0),
                open: own_open.len(),
                overdue: own_open
                    .iter()
                    .filter(|i| i.days_left.is_some_and(|d| d < 0))
                    .count(),
                decided: own_decided.len(),
                decided_on_time: own_decided
                    .iter()
                    .filter(|i| i.days_left.is_none_or(|d| d >= 0))
                    .count(),
                closed_late: own_decided
                    .iter()
                    .filter(|i| i.days_left.is_some_and(|d| d < 0))
                    .count(),
                oldest_open,
                report: source,
                errors: findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count(),
                warnings: findings
                    .iter()
                    .filter(|f| f.severity == Severity::Warning)
                    .count(),
                implausible: cross
                    .into_iter()
                    .filter(|f| f.rule == Rule::R9)
                    .map(|f| f.message)
                    .collect(),
                catalogue: catalogue.has_catalogue.then(|| CatalogueFigures {
                    late: catalogue.late.count,
                    issued: catalogue.interpretation.issued(),
                    interpretation: catalogue.interpretation.rate(),
                }),
                filing,
            });
        }
        Ok(rows)
    }

    /// The report a row's checks read: the last one submitted or published, else the one the
    /// records give.
    async fn report_for(
        &self,
        filing: &FilingRow,
        year: i32,
    ) -> Result<(gongkai_report::Report, ReportSource)> {
        let filed = if filing.state == gongkai_filing::State::Draft && filing.version.is_none() {
            None
        } else {
            self.store
                .steps(filing.agency.id, year)
                .await?
                .into_iter()
                .rev()
                .filter(|s| matches!(s.action, Action::Submit | Action::Publish))
                .find_map(|s| gongkai_report::json::from_str(s.report.as_deref()?).ok())
        };
        Ok(match filed {
            Some(r) => (r, ReportSource::Filed),
            None => (
                self.generate_report(&filing.agency.name, year, false)
                    .await?
                    .report,
                ReportSource::Generated,
            ),
        })
    }
}
