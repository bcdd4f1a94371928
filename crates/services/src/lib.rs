//! The use cases of disclosure work, written once over the storage traits so that the CLI and
//! the web platform share them: each takes a store and plain values and returns values or a
//! [`ServiceError`] whose message a disclosure officer understands.
#![forbid(unsafe_code)]

use chrono::NaiveDate;
use gongkai_calendar::Calendar;
use gongkai_cases::tables::{self, CaseRef, RemedyFacts};
use gongkai_cases::{
    Agency, AgencyId, Outcome, RemedyId, Request, RequestId, YearFigures, lifecycle,
};
use gongkai_ledger::LedgerErrors;
use gongkai_report::template::{self, CellKind};
use gongkai_report::{CellKey, Format, Report, Value};
use gongkai_store::{ImportSummary, Store, StoreError};
use std::collections::HashMap;

/// Why a use case could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("没有名为“{0}”的机关（先用 gongkai agency add 登记）")]
    UnknownAgency(String),
    #[error("{0}")]
    Ledger(#[from] LedgerErrors),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("放假安排有误：{0}")]
    Calendar(#[from] gongkai_calendar::CalendarError),
    #[error("{0}")]
    Invalid(String),
}

/// Shorthand for the results of this crate.
pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// The agency with this name.
pub async fn agency<S: Store>(store: &S, name: &str) -> Result<Agency> {
    store
        .agency_by_name(name)
        .await?
        .ok_or_else(|| ServiceError::UnknownAgency(name.to_owned()))
}

/// Registers an agency under an optional parent (by name).
pub async fn add_agency<S: Store>(store: &S, name: &str, parent: Option<&str>) -> Result<Agency> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::Invalid("机关名称不能为空".into()));
    }
    let parent = match parent {
        Some(p) => Some(agency(store, p).await?.id),
        None => None,
    };
    // Registering the same agency again is not an error, so scripts can be re-run; the same
    // name under another parent is.
    if let Some(existing) = store.agency_by_name(name).await? {
        if existing.parent == parent {
            return Ok(existing);
        }
        return Err(ServiceError::Invalid(format!(
            "机关“{name}”已登记在另一个上级机关之下"
        )));
    }
    Ok(store.create_agency(name, parent).await?)
}

/// What a ledger import did, for the officer.
#[derive(Debug, Clone)]
pub struct LedgerImport {
    pub agency: Agency,
    pub rows: usize,
    pub summary: ImportSummary,
}

/// Imports a ledger (台账) file for an agency: parses and validates every row first (all or
/// nothing), checks that remedy cases refer to requests that exist, then stores everything in
/// one transaction. Importing the same ledger again creates nothing.
pub async fn import_ledger<S: Store>(
    store: &S,
    agency_name: &str,
    bytes: &[u8],
    file_name: &str,
    remedies_csv: Option<&[u8]>,
) -> Result<LedgerImport> {
    let agency = agency(store, agency_name).await?;
    let ledger = gongkai_ledger::read_ledger(bytes, file_name, remedies_csv, agency.id)?;
    let mut missing = Vec::new();
    for reference in ledger.unlinked_references() {
        if store
            .request_by_reference(agency.id, reference)
            .await?
            .is_none()
        {
            missing.push(reference.to_owned());
        }
    }
    if !missing.is_empty() {
        return Err(ServiceError::Invalid(format!(
            "复议诉讼案件关联的受理编号在台账和已登记的申请中都找不到：{}",
            missing.join("、")
        )));
    }
    let rows = ledger.requests.len() + ledger.remedies.len();
    let summary = store.import(ledger.requests, ledger.remedies).await?;
    Ok(LedgerImport {
        agency,
        rows,
        summary,
    })
}

/// The agencies a report covers: the agency alone, or with every subordinate agency.
async fn scope<S: Store>(store: &S, agency: &Agency, consolidated: bool) -> Result<Vec<AgencyId>> {
    if !consolidated {
        return Ok(vec![agency.id]);
    }
    let all = store.agencies().await?;
    Ok(tables::subtree(&all, agency.id))
}

/// Table 二 figures of a scope: the agency's own, or for a consolidated report the cell-wise
/// sum over the scope (every agency of a government reports its own documents, decisions and
/// fees; the government's consolidated figure is their total).
async fn scope_figures<S: Store>(
    store: &S,
    agencies: &[AgencyId],
    year: i32,
) -> Result<Option<YearFigures>> {
    let mut total: Vec<(CellKey, Value)> = Vec::new();
    let mut any = false;
    for &id in agencies {
        let Some(f) = store.figures(id, year).await? else {
            continue;
        };
        any = true;
        for (key, value) in f.cells {
            match total.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => *v = add(*v, value),
                None => total.push((key, value)),
            }
        }
    }
    Ok(any.then(|| YearFigures {
        agency: agencies[0],
        year,
        cells: total,
    }))
}

fn add(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(x.saturating_add(y)),
        (x, y) => Value::Money(x.as_decimal() + y.as_decimal()),
    }
}

/// The annual report of an agency (or, consolidated, of a government with all its subordinate
/// agencies) for a year, computed from the records: tables 三 and 四 from the requests and
/// remedy cases, table 二 from the recorded figures.
pub async fn generate_report<S: Store>(
    store: &S,
    agency_name: &str,
    year: i32,
    consolidated: bool,
) -> Result<Report> {
    let agency = agency(store, agency_name).await?;
    let agencies = scope(store, &agency, consolidated).await?;
    let facts = store.case_facts(&agencies, year).await?;
    let remedies = store.remedy_facts(&agencies, year).await?;
    let figures = scope_figures(store, &agencies, year).await?;
    Ok(tables::generate(
        &agency.name,
        year,
        &facts,
        &remedies,
        figures.as_ref(),
    ))
}

/// One record behind a figure, for the officer's drill-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// `request` or `remedy`.
    pub kind: &'static str,
    pub agency: String,
    pub reference: String,
    pub received: NaiveDate,
    /// Decision or closing date, if any by now.
    pub closed: Option<NaiveDate>,
    /// Outcome label, or the remedy's kind and result.
    pub outcome: String,
    pub applicant: String,
}

/// The requests (or remedy cases) counted in one cell of the generated report.
pub async fn explain<S: Store>(
    store: &S,
    agency_name: &str,
    year: i32,
    cell: CellKey,
    consolidated: bool,
) -> Result<Vec<Counted>> {
    let agency = agency(store, agency_name).await?;
    let agencies = scope(store, &agency, consolidated).await?;
    let format = Format::for_year(year);
    if !matches!(cell, CellKey::T3(..) | CellKey::T4(_)) || !template::allows(format, cell) {
        return Err(ServiceError::Invalid(format!(
            "{cell} 不是 {year} 年度报告（{format} 格式）表三或表四的单元格"
        )));
    }
    let facts = store.case_facts(&agencies, year).await?;
    let remedies = store.remedy_facts(&agencies, year).await?;
    let names: HashMap<AgencyId, String> = store
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let name_of = |id: AgencyId| names.get(&id).cloned().unwrap_or_default();
    let refs = tables::explain(&facts, &remedies, year, format, cell);
    // The requests in one call: thousands of them behind a figure of a large agency-year.
    let ids: Vec<RequestId> = refs
        .iter()
        .filter_map(|r| match r {
            CaseRef::Request(id) => Some(*id),
            CaseRef::Remedy(_) => None,
        })
        .collect();
    let requests: HashMap<RequestId, Request> = store
        .requests_by_ids(&ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let remedies: HashMap<RemedyId, &RemedyFacts> = remedies.iter().map(|f| (f.id, f)).collect();
    let mut out = Vec::with_capacity(refs.len());
    for r in refs {
        match r {
            CaseRef::Request(id) => {
                let Some(req) = requests.get(&id) else {
                    continue;
                };
                out.push(counted_request(req, &name_of(req.data.agency)));
            }
            CaseRef::Remedy(id) => {
                let Some(f) = remedies.get(&id) else {
                    continue;
                };
                out.push(Counted {
                    kind: "remedy",
                    agency: name_of(f.agency),
                    reference: f.reference.clone(),
                    received: f.received,
                    closed: f.closed.map(|(d, _)| d),
                    outcome: format!(
                        "{} {}",
                        gongkai_cases::vocab::remedy_kind_label(f.kind),
                        gongkai_cases::vocab::remedy_result_label(f.closed.map(|(_, r)| r))
                    ),
                    applicant: String::new(),
                });
            }
        }
    }
    Ok(out)
}

fn counted_request(req: &Request, agency: &str) -> Counted {
    let decided = lifecycle::outcome(&req.events);
    Counted {
        kind: "request",
        agency: agency.to_owned(),
        reference: req.data.reference.clone(),
        received: req.data.received,
        closed: decided.map(|(d, _)| d),
        outcome: decided.map_or_else(
            || "办理中".to_owned(),
            |(_, o): (NaiveDate, Outcome)| o.label().to_owned(),
        ),
        applicant: req.data.applicants.first().map_or_else(String::new, |a| {
            format!("{}（{}）", a.name, template::applicant_label(a.kind))
        }),
    }
}

/// Records table 二 figures of an agency-year, keeping the figures already recorded for other
/// cells. Each cell must belong to table 二 of the year's format and hold the right kind of
/// value.
pub async fn set_figures<S: Store>(
    store: &S,
    agency_name: &str,
    year: i32,
    cells: &[(CellKey, Value)],
) -> Result<YearFigures> {
    let agency = agency(store, agency_name).await?;
    let format = Format::for_year(year);
    for &(key, value) in cells {
        if !matches!(key, CellKey::T2(..)) || !template::allows(format, key) {
            return Err(ServiceError::Invalid(format!(
                "{key} 不是 {year} 年度报告（{format} 格式）表二的单元格"
            )));
        }
        let ok = match (key.kind(), value) {
            (CellKind::Count, Value::Int(n)) => n >= 0,
            (CellKind::SignedCount, Value::Int(_)) => true,
            (CellKind::Money(_), Value::Money(d)) => !d.is_sign_negative(),
            _ => false,
        };
        if !ok {
            return Err(ServiceError::Invalid(format!(
                "{key} 的值 {value} 不合适（数量为非负整数，金额为非负数）"
            )));
        }
    }
    let mut current = store
        .figures(agency.id, year)
        .await?
        .unwrap_or(YearFigures {
            agency: agency.id,
            year,
            cells: Vec::new(),
        });
    for &(key, value) in cells {
        match current.cells.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => current.cells.push((key, value)),
        }
    }
    current.cells.sort_by_key(|(k, _)| *k);
    store.set_figures(current.clone()).await?;
    Ok(current)
}

/// The official calendar with every arrangement an administrator added, in order.
pub async fn calendar<S: Store>(store: &S) -> Result<Calendar> {
    let mut cal = Calendar::official()?;
    for toml in store.calendar_overrides().await? {
        cal.merge_toml(&toml)?;
    }
    Ok(cal)
}

/// Adds a year's holiday arrangement (the TOML shape of the embedded calendar) after checking
/// that it merges cleanly; returns the years it covers.
pub async fn import_calendar<S: Store>(store: &S, toml: &str) -> Result<Vec<i32>> {
    let years: Vec<i32> = Calendar::from_toml(toml)?.known_years().collect();
    calendar(store).await?.merge_toml(toml)?;
    store.add_calendar_override(toml).await?;
    Ok(years)
}
