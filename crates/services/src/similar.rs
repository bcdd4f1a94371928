//! Duplicates at registration: the earlier requests of the same applicant (same identity
//! number, else the same name and phone) and near-identical requests of others (the content
//! words of [`crate::repeated::words`] at least [`SIMILAR`] alike), shown with the request; an
//! officer links two requests as the same request (同一申请) or unlinks them. A link to an
//! answered request of the same applicant is what a 重复申请 decision (第三十六条第（六）项)
//! rests on; links of different applicants join their requests in the 第四十四条 groups
//! ([`crate::repeated`]). Also the agency a reply names as responsible for information this
//! agency does not hold, with its contact (第三十六条第（五）项).
//!
//! Near-identical requests are found without comparing all of them: the store reads the
//! postings of the new request's words (word → requests, each with its number of words) within
//! the sizes a ratio of [`SIMILAR`] allows, counts the words each request shares, and returns
//! the most alike; the ratio is exact.

use crate::repeated::{SIMILAR, ratio, words};
use crate::{Capability, Ctx, Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_cases::limits::{MAX_NAME_CHARS, check_text};
use gongkai_cases::{Request, RequestId, lifecycle};
use gongkai_store::Store;
use gongkai_store::similar::Referral;
use std::collections::HashMap;

/// The warning of a 重复申请 decision without a link to an answered request of the applicant.
pub const REPEAT_WITHOUT_LINK: &str = "已按“重复申请”（第三十六条第（六）项）答复，但该申请未关联同一申请人已答复的申请：请在“相似申请”中关联原申请，以便核查";

/// Requests indexed per batch when the index catches up.
const INDEX_BATCH: usize = 2000;
/// The most near-identical requests shown.
const NEAR_SHOWN: usize = 20;

/// Another request shown with one.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarLine {
    pub id: RequestId,
    pub reference: String,
    pub agency: String,
    pub applicant: String,
    pub received: NaiveDate,
    pub description: String,
    /// The outcome's label once decided.
    pub outcome: Option<String>,
    /// How alike the descriptions are (Jaccard of their content words), for near-identical ones.
    pub similarity: Option<f64>,
    /// Linked as the same request.
    pub linked: bool,
}

/// A link as shown on both requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkLine {
    pub other: RequestId,
    pub reference: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// What a request's page shows of other requests.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimilarView {
    /// The same applicant's other requests (identity number, else name and phone).
    pub same_applicant: Vec<SimilarLine>,
    /// Near-identical requests of others, most alike first.
    pub near: Vec<SimilarLine>,
    /// Requests linked as the same request (同一申请).
    pub links: Vec<LinkLine>,
    /// A linked, answered, earlier request of the same applicant: the request may be decided
    /// as 重复申请 (第三十六条第（六）项).
    pub repeat_of: Option<RequestId>,
}

/// Whether two requests are of the same applicant: the same identity number when both give
/// one, else the same first-named applicant and phone.
fn same_applicant(a: &Request, b: &Request) -> bool {
    let (ca, cb) = (&a.data.contact, &b.data.contact);
    if !ca.id_number.is_empty() && !cb.id_number.is_empty() {
        return ca.id_number == cb.id_number;
    }
    let name = |r: &Request| r.data.applicants.first().map(|x| x.name.clone());
    !ca.phone.is_empty() && ca.phone == cb.phone && name(a) == name(b)
}

impl<S: Store> Ctx<'_, S> {
    /// Indexes the words of the requests not indexed yet (new ones, imported ones, those
    /// registered before the index existed, those whose description was corrected): derived
    /// data, like the catalogue's search index, needing no permission. Returns how many.
    pub async fn index_words(&self) -> Result<usize> {
        let mut done = 0;
        loop {
            let batch = self.store.unindexed_requests(INDEX_BATCH).await?;
            if batch.is_empty() {
                return Ok(done);
            }
            let indexed: Vec<(RequestId, Vec<String>)> = batch
                .iter()
                .map(|(id, text)| (*id, words(text).into_iter().collect()))
                .collect();
            self.store.set_request_words(&indexed).await?;
            done += batch.len();
        }
    }

    /// The other requests like request `id`: the same applicant's, near-identical ones, the
    /// links, and whether it may be decided as a repeat. Only requests the scope sees.
    pub async fn similar_requests(&self, id: RequestId) -> Result<SimilarView> {
        let (request, _, tree) = self.request_in_scope(id).await?;
        self.index_words().await?;
        let contact = &request.data.contact;
        let name = request
            .data
            .applicants
            .first()
            .map_or("", |a| a.name.as_str());
        let same = self
            .store
            .same_applicant(&contact.id_number, (name, &contact.phone), id)
            .await?;
        let near = self.near_identical(&request.data.description, id).await?;
        let links = self.store.links_of(&[id]).await?;
        let linked: Vec<RequestId> = links
            .iter()
            .map(|l| if l.request == id { l.other } else { l.request })
            .collect();
        let mut wanted: Vec<RequestId> = same.clone();
        wanted.extend(near.iter().map(|(r, _)| *r));
        wanted.extend(&linked);
        wanted.sort_unstable();
        wanted.dedup();
        let others: HashMap<RequestId, Request> = self
            .store
            .requests_by_ids(&wanted)
            .await?
            .into_iter()
            .filter(|r| self.scope.reaches(r.data.agency, &tree))
            .map(|r| (r.id, r))
            .collect();
        let line = |r: &Request, similarity: Option<f64>| SimilarLine {
            id: r.id,
            reference: r.data.reference.clone(),
            agency: tree
                .iter()
                .find(|a| a.id == r.data.agency)
                .map_or_else(String::new, |a| a.name.clone()),
            applicant: r
                .data
                .applicants
                .first()
                .map_or_else(String::new, |a| a.name.clone()),
            received: r.data.received,
            description: r.data.description.clone(),
            outcome: lifecycle::outcome(&r.events).map(|(_, o)| o.label().to_owned()),
            similarity,
            linked: linked.contains(&r.id),
        };
        Ok(SimilarView {
            same_applicant: same
                .iter()
                .filter_map(|i| others.get(i))
                .map(|r| line(r, None))
                .collect(),
            near: near
                .iter()
                .filter_map(|(i, s)| others.get(i).map(|r| line(r, Some(*s))))
                .collect(),
            links: links
                .iter()
                .filter_map(|l| {
                    let other = if l.request == id { l.other } else { l.request };
                    others.get(&other).map(|r| LinkLine {
                        other,
                        reference: r.data.reference.clone(),
                        at: l.at,
                        by: l.by.clone(),
                    })
                })
                .collect(),
            repeat_of: repeat_among(&request, linked.iter().filter_map(|i| others.get(i))),
        })
    }

    /// The indexed requests other than `except` whose descriptions are at least [`SIMILAR`]
    /// alike with `description`, most alike first, at most [`NEAR_SHOWN`].
    pub async fn near_identical(
        &self,
        description: &str,
        except: RequestId,
    ) -> Result<Vec<(RequestId, f64)>> {
        let own: Vec<String> = words(description).into_iter().collect();
        let n = own.len();
        if n == 0 {
            return Ok(Vec::new());
        }
        // |a ∩ b| ≤ min(|a|, |b|), so a ratio of t needs t·n ≤ |b| ≤ n / t.
        let min = (SIMILAR * n as f64 - 1e-9).ceil() as i64;
        let max = (n as f64 / SIMILAR + 1e-9).floor() as i64;
        let mut found: Vec<(RequestId, f64)> = self
            .store
            .word_overlaps(&own, (min, max), except)
            .await?
            .into_iter()
            .map(|o| {
                let shared = usize::try_from(o.shared).unwrap_or(0);
                let theirs = usize::try_from(o.words).unwrap_or(0);
                (o.request, ratio(shared, n, theirs))
            })
            .filter(|(_, s)| *s >= SIMILAR)
            .collect();
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(NEAR_SHOWN);
        Ok(found)
    }

    /// Links request `id` with `other` as the same request (同一申请), or unlinks them. Both
    /// must be seen; [`Capability::Handle`] on the agency acting on `id`.
    pub async fn link_requests(&self, id: RequestId, other: RequestId, linked: bool) -> Result<()> {
        let (request, acting, tree) = self.request_in_scope(id).await?;
        let (other_request, _, _) = self.request_in_scope(other).await?;
        let grant = self.grant_in(&tree, &acting, Capability::Handle)?;
        let action = if linked {
            "request.link"
        } else {
            "request.unlink"
        };
        let audit = self
            .draft(
                &grant,
                action,
                format!(
                    "申请 {} 与 {}",
                    request.data.reference, other_request.data.reference
                ),
            )
            .await?;
        Ok(self.store.set_link(id, other, linked, audit).await?)
    }

    /// The linked, answered, earlier request of the same applicant that makes `request` a
    /// repeat (第三十六条第（六）项), if any.
    pub(crate) async fn repeat_of(&self, request: &Request) -> Result<Option<RequestId>> {
        let links = self.store.links_of(&[request.id]).await?;
        let ids: Vec<RequestId> = links
            .iter()
            .map(|l| {
                if l.request == request.id {
                    l.other
                } else {
                    l.request
                }
            })
            .collect();
        let others = self.store.requests_by_ids(&ids).await?;
        Ok(repeat_among(request, others.iter()))
    }

    /// Sets the agency the reply names as responsible for the information, with its contact
    /// (第三十六条第（五）项: 能够确定负责公开该政府信息的行政机关的，告知申请人该行政机关的名称、联系
    /// 方式); an empty name removes it. [`Capability::Handle`].
    pub async fn set_referral(&self, id: RequestId, agency: &str, contact: &str) -> Result<()> {
        let (request, acting, tree) = self.request_in_scope(id).await?;
        let grant = self.grant_in(&tree, &acting, Capability::Handle)?;
        self.limit(check_text("负责公开的机关", agency, MAX_NAME_CHARS, false))?;
        self.limit(check_text("联系方式", contact, MAX_NAME_CHARS * 2, false))?;
        let referral = if agency.trim().is_empty() {
            None
        } else {
            if contact.trim().is_empty() {
                return Err(ServiceError::Fields(vec![crate::FieldProblem {
                    field: "contact",
                    message: "请填写该机关的联系方式（电话、地址）".into(),
                }]));
            }
            Some(Referral {
                agency: agency.trim().to_owned(),
                contact: contact.trim().to_owned(),
            })
        };
        let audit = self
            .draft(
                &grant,
                "request.referral",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        Ok(self.store.set_referral(id, referral, audit).await?)
    }

    /// The agency a reply names as responsible for the information, if set.
    pub async fn referral_of(&self, id: RequestId) -> Result<Option<Referral>> {
        self.request_in_scope(id).await?;
        Ok(self.store.referral(id).await?)
    }
}

/// Among `others`, an answered request of `request`'s applicant received no later than it.
fn repeat_among<'a>(
    request: &Request,
    others: impl Iterator<Item = &'a Request>,
) -> Option<RequestId> {
    others
        .filter(|o| same_applicant(request, o))
        .filter(|o| o.data.received <= request.data.received && o.id != request.id)
        .find(|o| lifecycle::outcome(&o.events).is_some())
        .map(|o| o.id)
}
