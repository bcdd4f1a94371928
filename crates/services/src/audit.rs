//! The audit log: what was written, by whom and when, and the proof that nobody changed it
//! since (the hash chain of `gongkai_audit`).

use crate::{Capability, Ctx, Result};
use gongkai_audit::{Break, Entry, Hash, Verifier};
use gongkai_store::Store;

/// Entries read per query while verifying: the log is never held whole.
const PAGE: usize = 10_000;

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// The chain holds: this many entries, the latest hash (the head).
    Intact { entries: i64, head: Hash },
    /// The first entry that does not match, or the missing head.
    Broken(Break),
}

impl<S: Store> Ctx<'_, S> {
    /// The latest `limit` entries, newest first, of one agency (by any of its names) or of all.
    /// The whole log is visible only installation-wide; an agency's entries to a supervisor or
    /// admin of it.
    pub async fn audit_list(&self, agency: Option<&str>, limit: usize) -> Result<Vec<Entry>> {
        let agency = match agency {
            Some(name) => {
                let agency = self.agency(name).await?;
                self.grant(&agency, Capability::ReadAudit).await?;
                Some(agency.id)
            }
            None => {
                self.scope.installation()?;
                None
            }
        };
        Ok(self.store.audit_recent(agency, limit).await?)
    }

    /// Walks the whole chain page by page; with `head` (kept elsewhere from an earlier
    /// `audit_head`), also that the chain still contains it, which catches entries removed from
    /// the end. `progress` is told how many entries were checked so far.
    pub async fn audit_verify(
        &self,
        head: Option<Hash>,
        mut progress: impl FnMut(i64),
    ) -> Result<Verification> {
        self.scope.installation()?;
        let mut v = Verifier::new(head);
        let mut after = 0;
        loop {
            let page = self.store.audit_page(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in &page {
                if let Err(b) = v.push(e) {
                    return Ok(Verification::Broken(b));
                }
            }
            progress(after);
        }
        Ok(match v.finish() {
            Ok((entries, head)) => Verification::Intact { entries, head },
            Err(b) => Verification::Broken(b),
        })
    }

    /// The latest entry's hash, to keep elsewhere (`None` for an empty log).
    pub async fn audit_head(&self) -> Result<Option<(i64, Hash)>> {
        self.scope.installation()?;
        Ok(self.store.audit_last().await?.map(|e| (e.seq, e.hash)))
    }
}
