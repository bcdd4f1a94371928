//! The public log of answered requests on the portal (issue 16 §4): each entry's title, its
//! agency, when it was received and answered, the outcome's category (第三十六–三十九条) and the
//! documents released to the applicant — the released copies only, never an original, never
//! the applicant. Searched with the catalogue's query language (every word, quoted phrases) in
//! the titles and the agencies' names, which the entries hold themselves: a search reads one
//! row per entry and completes only the entries it finds (it runs as an applicant types, see
//! `triage`).

use super::Public;
use super::catalogue::{AgencyRef, CatalogueQuery, find};
use crate::Result;
use crate::catalogue::SearchResults;
use chrono::NaiveDate;
use gongkai_cases::{Agency, AgencyId, lifecycle};
use gongkai_catalogue::Attachment;
use gongkai_search::{ParsedQuery, Search};
use gongkai_store::applications::ReplyDocumentId;
use gongkai_store::disclosures::{Disclosure, DisclosureId};
use gongkai_store::{Blobs, Store, StoreError};
use std::collections::HashMap;

/// Entries read per trip to the store while searching.
const SCAN: usize = 200;

/// An entry of the log as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicDisclosure {
    pub id: DisclosureId,
    pub agency_id: AgencyId,
    pub agency: String,
    pub title: String,
    /// The date of receipt (第三十一条).
    pub received: NaiveDate,
    /// The day of the answer and the outcome's category.
    pub decided: Option<(NaiveDate, &'static str)>,
    /// The documents released to the applicant.
    pub documents: Vec<(ReplyDocumentId, Attachment)>,
}

/// What the portal's one search box finds.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalResults {
    /// The catalogue's documents.
    pub catalogue: SearchResults,
    /// The log's entries matching the same words (see [`Public::search_portal`]).
    pub log: Vec<PublicDisclosure>,
    /// More entries of the log match than `log` holds.
    pub more_log: bool,
}

impl<S: Store> Public<'_, S> {
    /// The portal's search (issue 16 §4: the log is searchable with the catalogue): the
    /// catalogue's documents, and on the first page of a search with words, the first
    /// `log_limit` entries of the log matching the same words (of the same agency, when one is
    /// asked). The log has no 第二十条 item, year of publication, validity, topic or genre: a
    /// search narrowed by one of them is a search of documents, and shows no entry.
    pub async fn search_portal<X: Search>(
        &self,
        index: &X,
        query: CatalogueQuery,
        log_limit: usize,
    ) -> Result<PortalResults> {
        // Every field named, so that a filter added to the catalogue's query is decided here.
        let CatalogueQuery {
            text: words,
            agency: _,
            item,
            year,
            validity,
            topic,
            genre,
            newest_first: _,
            limit: _,
            after,
        } = &query;
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        let narrowed = item.is_some()
            || year.is_some()
            || validity.is_some()
            || !blank(topic)
            || !blank(genre);
        let wanted = after.is_none() && !narrowed && !words.trim().is_empty();
        let words = words.clone();
        // Whose entries: none when the log is not asked, else the agency the catalogue is
        // searched in (a name no agency bears now shows none: never another agency's).
        let log_of = match (&query.agency, wanted) {
            (_, false) => None,
            (None, true) => Some(None),
            (Some(AgencyRef::Id(id)), true) => Some(Some(*id)),
            (Some(AgencyRef::Name(name)), true) => {
                self.store().agency_by_name(name).await?.map(|a| Some(a.id))
            }
        };
        let catalogue = self.search_catalogue(index, query).await?;
        let (log, next) = match log_of {
            Some(agency) => self.disclosure_log(agency, &words, None, log_limit).await?,
            None => (Vec::new(), None),
        };
        Ok(PortalResults {
            catalogue,
            log,
            more_log: next.is_some(),
        })
    }

    /// The log, newest first: the entries of `agency` (every agency when `None`) matching
    /// `query` (empty: all), from before the entry `before`; and the cursor of the next page.
    pub async fn disclosure_log(
        &self,
        agency: Option<AgencyId>,
        query: &str,
        before: Option<DisclosureId>,
        limit: usize,
    ) -> Result<(Vec<PublicDisclosure>, Option<DisclosureId>)> {
        let tree = self.store().agencies().await?;
        let agencies = match agency {
            Some(id) => Some(vec![find(&tree, id)?.id]),
            None => None,
        };
        let names: HashMap<AgencyId, &str> = tree.iter().map(|a| (a.id, a.name.as_str())).collect();
        let needles: Vec<String> = ParsedQuery::parse(query)
            .needles()
            .into_iter()
            .map(|n| n.to_lowercase())
            .collect();
        let mut out: Vec<PublicDisclosure> = Vec::new();
        let mut cursor = before;
        loop {
            let page = self
                .store()
                .disclosures(agencies.as_deref(), cursor, SCAN)
                .await?;
            let done = page.len() < SCAN;
            for entry in page {
                cursor = Some(entry.id);
                let name = names.get(&entry.agency).copied().unwrap_or_default();
                let text = format!("{}\n{name}", entry.title).to_lowercase();
                if !needles.iter().all(|n| text.contains(n.as_str())) {
                    continue;
                }
                let Some(public) = self.public_entry(entry, &tree).await? else {
                    continue;
                };
                if out.len() == limit {
                    // One more exists: the page ends at the last one taken.
                    let next = out.last().map(|e| e.id);
                    return Ok((out, next));
                }
                out.push(public);
            }
            if done {
                return Ok((out, None));
            }
        }
    }

    /// An entry of the log ([`StoreError::NotFound`] for an unknown or withdrawn one).
    pub async fn public_disclosure(&self, id: DisclosureId) -> Result<PublicDisclosure> {
        let not_found = || StoreError::NotFound(format!("公开的答复 {}", id.0));
        let entry = self.store().disclosure(id).await?.ok_or_else(not_found)?;
        let tree = self.store().agencies().await?;
        Ok(self
            .public_entry(entry, &tree)
            .await?
            .ok_or_else(not_found)?)
    }

    /// A document of an entry with its bytes: only one released to the applicant of that
    /// entry's request ([`StoreError::NotFound`] otherwise).
    pub async fn disclosure_document<B: Blobs>(
        &self,
        blobs: &B,
        id: DisclosureId,
        document: ReplyDocumentId,
    ) -> Result<(Attachment, Vec<u8>)> {
        let entry = self.public_disclosure(id).await?;
        let not_found = || StoreError::NotFound(format!("公开答复 {} 的文件", id.0));
        let file = entry
            .documents
            .into_iter()
            .find(|(d, _)| *d == document)
            .map(|(_, f)| f)
            .ok_or_else(not_found)?;
        let bytes = blobs.get(&file.sha256).await?.ok_or_else(not_found)?;
        Ok((file, bytes))
    }

    /// What the public sees of an entry; `None` when its request is gone.
    async fn public_entry(
        &self,
        entry: Disclosure,
        tree: &[Agency],
    ) -> Result<Option<PublicDisclosure>> {
        let Some(request) = self.store().request(entry.request).await? else {
            return Ok(None);
        };
        let agency = find(tree, entry.agency)?;
        let documents = self
            .store()
            .reply_documents(entry.request)
            .await?
            .into_iter()
            // Those the officer chose, and still released (a withdrawn release hides it).
            .filter(|d| d.released.is_some() && entry.documents.contains(&d.id))
            // The released copy of a redacted document, never its original (第三十七条).
            .map(|d| (d.id, d.provided().clone()))
            .collect();
        Ok(Some(PublicDisclosure {
            id: entry.id,
            agency_id: agency.id,
            agency: agency.name,
            title: entry.title,
            received: request.data.received,
            decided: lifecycle::outcome(&request.events).map(|(on, o)| (on, o.label())),
            documents,
        }))
    }
}
