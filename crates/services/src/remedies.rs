//! Reconsideration and litigation cases (行政复议、行政诉讼) without a ledger: registering a
//! case against a request, closing it with its result, listing them; table 四 follows.

use crate::{Capability, Ctx, Result, ServiceError};
use chrono::{Datelike, NaiveDate};
use gongkai_cases::limits::{MAX_REFERENCE_CHARS, check_date, check_text};
use gongkai_cases::{NewRemedy, Remedy, RemedyKind, RemedyResult, RequestId};
use gongkai_store::Store;

impl<S: Store> Ctx<'_, S> {
    /// Registers a case (案件编号 `case`) concerning the agency's request `request`, received
    /// on `received` (spec §5: each case is linked to the request it concerns).
    pub async fn add_remedy(
        &self,
        agency: &str,
        case: &str,
        request: &str,
        kind: RemedyKind,
        received: NaiveDate,
    ) -> Result<Remedy> {
        let case = case.trim();
        if case.is_empty() {
            return Err(ServiceError::Invalid("案件编号不能为空".into()));
        }
        self.limit(check_text("案件编号", case, MAX_REFERENCE_CHARS, false))?;
        self.limit(check_date("收到日期", received, self.settings.today))?;
        let agency = self.agency(agency).await?;
        self.not_merged(&self.tree().await?, &agency, received.year())?;
        let linked = self
            .store
            .request_by_reference(agency.id, request.trim())
            .await?
            .ok_or_else(|| ServiceError::UnknownRequest {
                agency: agency.name.clone(),
                reference: request.trim().to_owned(),
            })?;
        let grant = self.grant(&agency, Capability::Handle).await?;
        let mut audit = self
            .draft(&grant, "remedy.add", format!("复议诉讼案件 {case}"))
            .await?;
        audit
            .set("request", linked.data.reference.as_str())
            .set("kind", gongkai_cases::vocab::remedy_kind_label(kind))
            .set("received", received.to_string());
        let new = NewRemedy {
            agency: agency.id,
            reference: case.to_owned(),
            requests: vec![linked.data.reference],
            kind,
            received,
            closed: None,
        };
        Ok(self.store.create_remedy(new, audit).await?)
    }

    /// Closes a pending case with its result on `date`.
    pub async fn close_remedy(
        &self,
        agency: &str,
        case: &str,
        result: RemedyResult,
        date: NaiveDate,
    ) -> Result<Remedy> {
        self.limit(check_date("结案日期", date, self.settings.today))?;
        let agency = self.agency(agency).await?;
        let remedy = self
            .store
            .remedy_by_reference(agency.id, case.trim())
            .await?
            .ok_or_else(|| ServiceError::UnknownRemedy {
                agency: agency.name.clone(),
                reference: case.trim().to_owned(),
            })?;
        let grant = self.grant(&agency, Capability::Handle).await?;
        let audit = self
            .draft(
                &grant,
                "remedy.close",
                format!("复议诉讼案件 {}", remedy.data.reference),
            )
            .await?;
        Ok(self
            .store
            .close_remedy(remedy.id, (date, result), audit)
            .await?)
    }

    /// The ids of the agency's requests named by `references` (`None` for one it does not
    /// have), to link a list of cases to their requests: one reading of the agency and one of
    /// each request, no deadline computed.
    pub async fn request_ids(
        &self,
        agency: &str,
        references: &[String],
    ) -> Result<Vec<Option<RequestId>>> {
        let agency = self.agency(agency).await?;
        let mut ids = Vec::with_capacity(references.len());
        for reference in references {
            let found = self
                .store
                .request_by_reference(agency.id, reference.trim())
                .await?;
            ids.push(found.map(|r| r.id));
        }
        Ok(ids)
    }

    /// The cases of an agency; with `year`, those table 四 of that year counts (received by
    /// 31 December and not closed before 1 January).
    pub async fn list_remedies(&self, agency: &str, year: Option<i32>) -> Result<Vec<Remedy>> {
        let agency = self.agency(agency).await?;
        let all = self.store.remedies_of(&[agency.id]).await?;
        Ok(match year {
            None => all,
            Some(y) => all
                .into_iter()
                .filter(|r| {
                    r.data.received.year() <= y
                        && r.data.closed.is_none_or(|(closed, _)| closed.year() >= y)
                })
                .collect(),
        })
    }
}
