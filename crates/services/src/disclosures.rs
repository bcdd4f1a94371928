//! Publishing an answered request to the portal's public log (issue 16 §4): the officer writes
//! what was asked in words fit for the public, the applicant anonymised, and the log shows it
//! with the outcome and the documents released to the applicant — no applicant, no contact, no
//! letter, no original. What several people ask for is better made public once (第四十四条);
//! the log is how the next applicant finds the answer already given.

use crate::applications::problem;
use crate::{Capability, Ctx, FieldProblem, Result, ServiceError};
use chrono::{DateTime, Utc};
use gongkai_cases::limits::MAX_NAME_CHARS;
use gongkai_cases::{Request, RequestId, lifecycle};
use gongkai_store::applications::ReplyDocumentId;
use gongkai_store::disclosures::Disclosure;
use gongkai_store::{Store, StoreError};

/// The shortest run of digits refused in a public title: 11 digits is a mobile number, longer
/// ones identity-document and bank-card numbers (第十五条: 个人隐私 is not disclosed).
const DIGIT_RUN: usize = 11;

/// What in `title` would identify the applicant of `request`: their names, the contact
/// details they gave, or a run of digits long enough to be a phone or identity number. Every
/// problem on the field `title`.
pub fn personal_data_in(title: &str, request: &Request) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for a in &request.data.applicants {
        let name = a.name.trim();
        // A one-character "name" would refuse most titles; real names have two or more.
        if name.chars().count() >= 2 && title.contains(name) {
            problem(
                &mut problems,
                "title",
                format!("标题含有申请人的姓名或名称“{name}”"),
            );
        }
    }
    let c = &request.data.contact;
    let mut contact_found = false;
    for (value, what) in [
        (&c.id_number, "身份证明号码"),
        (&c.phone, "联系电话"),
        (&c.email, "电子邮箱"),
        (&c.address, "通信地址"),
    ] {
        let value = value.trim();
        if value.chars().count() >= 4 && title.contains(value) {
            problem(&mut problems, "title", format!("标题含有申请人的{what}"));
            contact_found = true;
        }
    }
    let mut run = 0;
    let mut longest = 0;
    for ch in title.chars() {
        run = if ch.is_ascii_digit() { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    // The applicant's own number already named says more than the run of its digits.
    if longest >= DIGIT_RUN && !contact_found {
        problem(
            &mut problems,
            "title",
            format!("标题含有 {longest} 位连续数字，可能是电话或证件号码"),
        );
    }
    problems
}

impl<S: Store> Ctx<'_, S> {
    /// Publishes an answered request to the portal's log under `title` (what was asked, in the
    /// officer's words) with `documents`, chosen among those released to the applicant (the
    /// officer leaves out a reply letter that names the applicant). Refused while the request
    /// is undecided ([`StoreError::Conflict`]), and for a title that is empty, too long or
    /// names the applicant, or a document not released on this request
    /// ([`ServiceError::Fields`]).
    pub async fn publish_disclosure(
        &self,
        id: RequestId,
        title: &str,
        documents: &[ReplyDocumentId],
        at: DateTime<Utc>,
    ) -> Result<Disclosure> {
        let (request, agency, tree) = self.request_in_scope(id).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let title = title.trim();
        let mut problems = Vec::new();
        if title.is_empty() {
            problem(&mut problems, "title", "请填写公开的标题（申请公开的内容）");
        } else if title.chars().count() > MAX_NAME_CHARS {
            problem(
                &mut problems,
                "title",
                format!("标题不能超过 {MAX_NAME_CHARS} 个字"),
            );
        }
        problems.extend(personal_data_in(title, &request));
        let released: Vec<ReplyDocumentId> = self
            .store
            .reply_documents(id)
            .await?
            .into_iter()
            .filter(|d| d.released.is_some())
            .map(|d| d.id)
            .collect();
        if let Some(d) = documents.iter().find(|d| !released.contains(d)) {
            problem(
                &mut problems,
                "documents",
                format!("文件 {} 不是本申请已发布给申请人的答复文件", d.0),
            );
        }
        let mut documents = documents.to_vec();
        documents.sort();
        documents.dedup();
        if !problems.is_empty() {
            return Err(ServiceError::Fields(problems));
        }
        if lifecycle::outcome(&request.events).is_none() {
            return Err(StoreError::Conflict(format!(
                "申请 {} 尚未答复，答复后才能公开",
                request.data.reference
            ))
            .into());
        }
        let audit = self
            .draft(
                &grant,
                "request.publish_disclosure",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        Ok(self
            .store
            .publish_disclosure(id, title, &documents, at, audit)
            .await?)
    }

    /// Takes a request out of the portal's log; `false` when it was not in it.
    pub async fn withdraw_disclosure(&self, id: RequestId) -> Result<bool> {
        let (request, agency, tree) = self.request_in_scope(id).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let audit = self
            .draft(
                &grant,
                "request.withdraw_disclosure",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        Ok(self.store.withdraw_disclosure(id, audit).await?)
    }

    /// The log entry of a request the scope sees, if it is published.
    pub async fn disclosure_of(&self, id: RequestId) -> Result<Option<Disclosure>> {
        self.request_in_scope(id).await?;
        Ok(self.store.disclosure_of(id).await?)
    }
}
