//! The ledger (台账) in and out: importing an agency's spreadsheet of requests and remedy cases
//! (all or nothing, a re-import adding what the records lack and reporting what it gives
//! differently), and writing the records back in the import template's shape.

use crate::{Ctx, Result, ServiceError};
use chrono::Datelike;
use gongkai_cases::Agency;
use gongkai_ledger::Ledger;
use gongkai_store::{Difference, ImportPolicy, ImportSummary, Store};
use sha2::{Digest, Sha256};

/// A ledger file as read by the front end.
#[derive(Debug, Clone, Copy)]
pub struct LedgerFile<'a> {
    /// The file name, for messages (a CSV's rows are reported under it).
    pub name: &'a str,
    pub bytes: &'a [u8],
    /// A separate CSV of remedy cases, if any.
    pub remedies: Option<&'a [u8]>,
}

/// What a ledger import did.
#[derive(Debug, Clone)]
pub struct Imported {
    pub agency: Agency,
    /// Rows read: requests and remedy cases.
    pub rows: usize,
    pub summary: ImportSummary,
    /// The differences applied (with `apply_changes`).
    pub applied: Vec<Difference>,
    /// SHA-256 of the file, as the audit entry records it.
    pub sha256: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl<S: Store> Ctx<'_, S> {
    /// Imports a ledger for an agency: every row is parsed and checked first (any bad row and
    /// nothing is imported), remedy cases must refer to requests of the file or of the records,
    /// then everything is stored in one transaction with ONE audit entry (counts and the file's
    /// SHA-256). Importing the same file again changes nothing; a row that only adds what the
    /// records lack (a decision made since) is imported; a row whose recorded values differ is
    /// a difference: all of them are returned as [`ServiceError::Differences`] and nothing is
    /// imported, unless `apply_changes`, which applies them in the same transaction.
    pub async fn import_ledger(
        &self,
        agency: &str,
        file: LedgerFile<'_>,
        apply_changes: bool,
    ) -> Result<Imported> {
        let agency = self.agency(agency).await?;
        let ledger = gongkai_ledger::read_ledger(file.bytes, file.name, file.remedies, agency.id)?;
        self.check_links(&agency, &ledger).await?;
        let grant = self.grant(&agency).await?;
        let sha256 = sha256_hex(file.bytes);
        let mut audit = self
            .draft(&grant, "ledger.import", format!("台账 {}", file.name))
            .await?;
        let rows = ledger.requests.len() + ledger.remedies.len();
        audit
            .set("file", file.name)
            .set("sha256", sha256.as_str())
            .set("rows", rows);
        let policy = ImportPolicy { apply_changes };
        let mut session = self.store.begin_import(policy).await?;
        let report =
            gongkai_store::ImportSession::add(&mut session, ledger.requests, ledger.remedies)
                .await?;
        if !report.differences.is_empty() && !apply_changes {
            // Dropping the session rolls the import back.
            return Err(ServiceError::Differences(report.differences));
        }
        let changes: Vec<serde_json::Value> = report
            .differences
            .iter()
            .map(|d| {
                let (old, new) = if d.change.field.is_personal() {
                    (
                        audit.pseudonym(&d.change.old),
                        audit.pseudonym(&d.change.new),
                    )
                } else {
                    (d.change.old.clone(), d.change.new.clone())
                };
                serde_json::json!({
                    "reference": d.reference, "field": d.change.field, "old": old, "new": new,
                })
            })
            .collect();
        if !changes.is_empty() {
            audit.set("changes", changes);
        }
        let summary = gongkai_store::ImportSession::commit(session, audit).await?;
        Ok(Imported {
            agency,
            rows,
            summary,
            applied: report.differences,
            sha256,
        })
    }

    /// Remedy cases must concern a request of the file or of the records.
    async fn check_links(&self, agency: &Agency, ledger: &Ledger) -> Result<()> {
        let mut missing = Vec::new();
        for reference in ledger.unlinked_references() {
            if self
                .store
                .request_by_reference(agency.id, reference)
                .await?
                .is_none()
            {
                missing.push(reference.to_owned());
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(ServiceError::Invalid(format!(
            "复议诉讼案件关联的受理编号在台账和已登记的申请中都找不到：{}",
            missing.join("、")
        )))
    }

    /// The agency's records in the import template's shape (XLSX): its requests and remedy
    /// cases, with `year` only those received in that year. Importing the file again changes
    /// nothing. The ledger keeps the receipt and the decision of each request; corrections,
    /// consultations, fees and extensions have no columns in it.
    pub async fn export_ledger(&self, agency: &str, year: Option<i32>) -> Result<Vec<u8>> {
        let agency = self.agency(agency).await?;
        let in_year = |d: chrono::NaiveDate| year.is_none_or(|y| d.year() == y);
        let ids = self.store.request_ids(&[agency.id], false).await?;
        let requests = self.store.requests_by_ids(&ids).await?;
        let remedies = self.store.remedies_of(&[agency.id]).await?;
        let ledger = Ledger {
            requests: requests
                .into_iter()
                .filter(|r| in_year(r.data.received))
                .map(|r| (r.data, r.events))
                .collect(),
            remedies: remedies
                .into_iter()
                .filter(|r| in_year(r.data.received))
                .map(|r| r.data)
                .collect(),
        };
        gongkai_ledger::write_ledger(&ledger)
            .map_err(|e| ServiceError::Invalid(format!("无法写出台账：{e}")))
    }
}
