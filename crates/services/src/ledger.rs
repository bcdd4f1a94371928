//! The ledger (台账) in and out: importing an agency's spreadsheet of requests and remedy cases
//! (all or nothing, a re-import adding what the records lack and reporting what it gives
//! differently), and writing the records back in the import template's shape.

use crate::{Capability, Ctx, Result, ServiceError};
use chrono::Datelike;
use gongkai_cases::Agency;
use gongkai_ledger::{Ledger, LedgerErrors, LedgerReader, ReadOptions};
use gongkai_store::{Difference, ImportPolicy, ImportSession, ImportSummary, Store};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};

/// A ledger file given by the front end.
pub struct LedgerFile<'a> {
    /// The file name, for messages (a CSV's rows are reported under it).
    pub name: &'a str,
    pub source: LedgerSource<'a>,
    /// A separate CSV of remedy cases, if any.
    pub remedies: Option<&'a [u8]>,
    /// Called with the number of rows read so far, after every chunk, for a progress display.
    pub progress: Option<&'a (dyn Fn(u64) + Send + Sync)>,
}

impl std::fmt::Debug for LedgerFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LedgerFile")
            .field("name", &self.name)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl<'a> LedgerFile<'a> {
    /// A ledger held in memory (an upload), with no separate remedies and no progress display.
    pub fn bytes(name: &'a str, bytes: &'a [u8]) -> Self {
        LedgerFile {
            name,
            source: LedgerSource::Bytes(bytes),
            remedies: None,
            progress: None,
        }
    }
}

/// Where a ledger's content is.
#[derive(Debug)]
pub enum LedgerSource<'a> {
    /// An open file, read as a stream: a million-row ledger is never held in memory.
    File(std::fs::File),
    /// Bytes already in memory.
    Bytes(&'a [u8]),
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

impl Imported {
    /// What the import did, in one sentence for the officer.
    pub fn describe(&self) -> String {
        let s = &self.summary;
        format!(
            "{} 的台账已导入（{} 行）。申请：新登记 {}，补记办理结果 {}，更正 {}，未变 {}；复议诉讼：新登记 {}，补记结案 {}，更正 {}，未变 {}",
            self.agency.name,
            self.rows,
            s.created,
            s.updated,
            s.changed,
            s.unchanged,
            s.remedies.created,
            s.remedies.updated,
            s.remedies.changed,
            s.remedies.unchanged
        )
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a whole file, read through once and rewound.
fn sha256_of_file(file: &mut std::fs::File) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    file.seek(SeekFrom::Start(0))?;
    loop {
        match file.read(&mut buf)? {
            0 => break,
            n => hasher.update(&buf[..n]),
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(hex(&hasher.finalize()))
}

impl<S: Store> Ctx<'_, S> {
    /// Imports a ledger for an agency, all or nothing, in one transaction with ONE audit entry
    /// (counts and the file's SHA-256). The file is read as a stream of chunks, each stored as
    /// it comes, so that memory stays flat whatever the file's size; any wrong row (all are
    /// read and counted, the first [`gongkai_ledger::MAX_KEPT_ERRORS`] kept) and the
    /// transaction is rolled back. Remedy cases must refer to requests of the file or of the
    /// records. Importing the same file again changes nothing; a row that only adds what the
    /// records lack (a decision made since) is imported; a row whose recorded values differ is
    /// a difference: all of them are returned as [`ServiceError::Differences`] and nothing is
    /// imported, unless `apply_changes`, which applies them in the same transaction.
    ///
    /// Reading and parsing run on the calling thread between the store's awaits: a front end
    /// serving others at the same time calls this from a blocking-friendly task.
    pub async fn import_ledger(
        &self,
        agency: &str,
        file: LedgerFile<'_>,
        apply_changes: bool,
    ) -> Result<Imported> {
        let agency = self.agency(agency).await?;
        let grant = self.grant(&agency, Capability::Handle).await?;
        let options = ReadOptions::new(self.settings.today);
        let unreadable = |e: std::io::Error| {
            ServiceError::Ledger(LedgerErrors::from(gongkai_ledger::LedgerError {
                sheet: file.name.to_owned(),
                row: None,
                column: None,
                message: format!("无法读取文件：{e}"),
            }))
        };
        let (sha256, mut reader) = match file.source {
            LedgerSource::File(mut f) => {
                let sha256 = sha256_of_file(&mut f).map_err(unreadable)?;
                let reader = LedgerReader::open(f, file.name, file.remedies, agency.id, options)?;
                (sha256, reader)
            }
            LedgerSource::Bytes(bytes) => (
                hex(&Sha256::digest(bytes)),
                LedgerReader::from_bytes(bytes, file.name, file.remedies, agency.id, options)?,
            ),
        };
        let mut audit = self
            .draft(&grant, "ledger.import", format!("台账 {}", file.name))
            .await?;
        let policy = ImportPolicy { apply_changes };
        // Dropping the session anywhere below rolls the whole import back.
        let mut session = self.store.begin_import(policy).await?;
        let mut differences = Vec::new();
        let mut rows = 0;
        while let Some(chunk) = reader.next_chunk() {
            if let Some(progress) = file.progress {
                progress(reader.rows_read());
            }
            // Once a row is wrong nothing will be stored: read on only to report every error.
            if reader.has_errors() {
                continue;
            }
            rows += chunk.len();
            let (requests, remedies) = chunk.into_records();
            let report = session.add(requests, remedies).await?;
            differences.extend(report.differences);
        }
        let summary = reader.finish()?;
        let missing = session
            .missing_requests(agency.id, &summary.unlinked_references)
            .await?;
        if !missing.is_empty() {
            return Err(ServiceError::Invalid(format!(
                "复议诉讼案件关联的受理编号在台账和已登记的申请中都找不到：{}",
                missing.join("、")
            )));
        }
        if !differences.is_empty() && !apply_changes {
            return Err(ServiceError::Differences(differences));
        }
        audit
            .set("file", file.name)
            .set("sha256", sha256.as_str())
            .set("rows", rows);
        let changes: Vec<serde_json::Value> = differences
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
        let summary = session.commit(audit).await?;
        // The imported requests' words, for finding near-identical ones at registration
        // (crate::similar); a failure leaves them to the next look-up, the import stands.
        let _ = self.index_words().await;
        Ok(Imported {
            agency,
            rows,
            summary,
            applied: differences,
            sha256,
        })
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
