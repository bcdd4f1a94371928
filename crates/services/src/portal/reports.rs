//! The published annual reports (第四十九条、第五十条) as the public reads them: each agency's
//! published years, and a year's report in its latest version with the earlier versions and
//! their 更正说明, and the findings of the checks (R1–R10, spec §5) computed from the snapshot
//! (whether a page shows them is the portal's configuration).

use super::Public;
use crate::{Result, ServiceError};
use gongkai_cases::{Agency, AgencyId};
use gongkai_report::rules::{self, Finding};
use gongkai_report::{Report, json};
use gongkai_store::published::{PublishedReport, PublishedVersion};
use gongkai_store::{Store, StoreError};

/// An agency's published years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedYears {
    pub agency: Agency,
    /// Newest year first, each with its latest version.
    pub years: Vec<PublishedVersion>,
}

/// A year's published report as the portal shows it.
#[derive(Debug, Clone)]
pub struct PublicReport {
    pub agency: Agency,
    /// The latest version, as published.
    pub snapshot: PublishedReport,
    /// The snapshot's report.
    pub report: Report,
    /// The checks' findings on the snapshot (the single-report rules).
    pub findings: Vec<Finding>,
    /// Every version, newest first (the latest included).
    pub versions: Vec<PublishedVersion>,
}

impl<S: Store> Public<'_, S> {
    /// The published years of the agency with this id ([`ServiceError::UnknownAgency`] when
    /// there is none).
    pub async fn published_reports(&self, agency: AgencyId) -> Result<PublishedYears> {
        let agency = self.agency_by_id(agency).await?;
        let years = self.store().published_reports(agency.id).await?;
        Ok(PublishedYears { agency, years })
    }

    /// A published version of the agency's report of `year` (`None`: the latest), with its
    /// findings and every version ([`StoreError::NotFound`] when there is no such version).
    pub async fn published_report(
        &self,
        agency: AgencyId,
        year: i32,
        version: Option<i32>,
    ) -> Result<PublicReport> {
        let agency = self.agency_by_id(agency).await?;
        let snapshot = self
            .store()
            .published_report(agency.id, year, version)
            .await?
            .ok_or_else(|| match version {
                Some(v) => {
                    StoreError::NotFound(format!("{}的 {year} 年度报告没有第 {v} 版", agency.name))
                }
                None => StoreError::NotFound(format!("{}没有发布 {year} 年度报告", agency.name)),
            })?;
        let report = json::from_str(&snapshot.json).map_err(|e| {
            ServiceError::Store(StoreError::Backend(format!(
                "已发布的 {year} 年度报告无法读取：{e}"
            )))
        })?;
        let findings = rules::check(&report);
        let versions = self.store().published_versions(agency.id, year).await?;
        Ok(PublicReport {
            agency,
            snapshot,
            report,
            findings,
            versions,
        })
    }
}
