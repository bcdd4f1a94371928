//! The letters of a request (答复告知书, 补正通知书, 延期答复告知书, …) from the agency's
//! templates ([`gongkai_letters`]): rendered as DOCX for the officer, and stored with the
//! request as a reply document, which the officer releases to the applicant's tracking page
//! as any other ([`Ctx::release_reply_document`]). An agency's officers replace a template
//! ([`Capability::Handle`], as they edit the guide); everyone whose scope reaches the agency
//! reads them.

use crate::requests::RequestView;
use crate::{Capability, Ctx, Result, ServiceError};
use chrono::{DateTime, Utc};
use gongkai_cases::{Agency, RequestId};
use gongkai_letters::{Facts, LetterError, default_template, letter_date, render_docx};

pub use gongkai_letters::Kind;
use gongkai_store::applications::ReplyDocument;
use gongkai_store::{Blobs, Store};

/// A letter rendered for a request.
#[derive(Debug, Clone)]
pub struct LetterFile {
    pub kind: Kind,
    /// `答复告知书-2025-001.docx`: the title and the request's reference.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The template of one kind of letter as an agency uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateView {
    pub kind: Kind,
    pub body: String,
    /// Whether the agency replaced the default.
    pub custom: bool,
}

/// The kind a name means, or why none does.
///
/// # Errors
/// [`ServiceError::Invalid`] listing the names.
pub fn parse_kind(name: &str) -> Result<Kind> {
    Kind::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.key()).collect();
        ServiceError::Invalid(format!(
            "未知的文书种类“{}”：应为 {}",
            name.trim(),
            names.join("、")
        ))
    })
}

fn letter_error(e: LetterError) -> ServiceError {
    ServiceError::Invalid(format!("无法生成文书：{e}"))
}

impl<S: Store> Ctx<'_, S> {
    /// The letter of `kind` for the request `reference` of `agency`, or, without a kind, the
    /// one that fits where the request stands ([`Kind::for_request`]).
    pub async fn render_letter(
        &self,
        agency: &str,
        reference: &str,
        kind: Option<Kind>,
    ) -> Result<LetterFile> {
        let view = self.show_request(agency, reference, None).await?;
        self.letter_of(&view, kind).await
    }

    /// [`Ctx::render_letter`] for a request by its id (the web platform's addresses).
    pub async fn render_letter_by_id(
        &self,
        id: RequestId,
        kind: Option<Kind>,
    ) -> Result<LetterFile> {
        let view = self.request_by_id(id, None).await?;
        self.letter_of(&view, kind).await
    }

    /// Renders the letter and stores it with the request as a reply document, not yet
    /// released (the officer releases it to the applicant's tracking page).
    pub async fn store_letter<B: Blobs>(
        &self,
        blobs: &B,
        id: RequestId,
        kind: Option<Kind>,
        at: DateTime<Utc>,
    ) -> Result<ReplyDocument> {
        let letter = self.render_letter_by_id(id, kind).await?;
        self.add_reply_document(blobs, id, &letter.file_name, &letter.bytes, at)
            .await
    }

    async fn letter_of(&self, view: &RequestView, kind: Option<Kind>) -> Result<LetterFile> {
        let request = &view.request;
        let kind = kind.unwrap_or_else(|| Kind::for_request(&request.events));
        let template = self.template_of(&view.agency, kind).await?;
        // 第三十六条第（五）项: the reply names the agency responsible for the information.
        let referral = self.store.referral(request.id).await?;
        let facts = Facts {
            responsible: referral
                .as_ref()
                .map(|r| (r.agency.as_str(), r.contact.as_str())),
            agency: &view.agency.name,
            due: view.deadline.as_ref().ok().map(|d| d.due),
            // A letter bears the day of the event it follows (the decision, the notice), so
            // that one printed again later reads as the one sent.
            date: letter_date(kind, request).unwrap_or(self.settings.today),
            remedies: &self.settings.letters,
        };
        let bytes = render_docx(kind, &template.body, request, &facts).map_err(letter_error)?;
        let short = kind.title().trim_start_matches("政府信息公开");
        Ok(LetterFile {
            kind,
            file_name: format!("{short}-{}.docx", request.data.reference),
            bytes,
        })
    }

    /// The templates of every kind as the agency uses them.
    pub async fn letter_templates(&self, agency: &str) -> Result<Vec<TemplateView>> {
        let (agency, _) = self.locate(agency).await?;
        let custom = self.store.letter_templates(agency.id).await?;
        Ok(Kind::ALL
            .into_iter()
            .map(|kind| view_of(kind, &custom))
            .collect())
    }

    /// The template of one kind as the agency uses it.
    pub async fn letter_template(&self, agency: &str, kind: Kind) -> Result<TemplateView> {
        let (agency, _) = self.locate(agency).await?;
        self.template_of(&agency, kind).await
    }

    async fn template_of(&self, agency: &Agency, kind: Kind) -> Result<TemplateView> {
        let custom = self.store.letter_templates(agency.id).await?;
        Ok(view_of(kind, &custom))
    }

    /// Replaces the agency's template of a kind after checking it
    /// ([`gongkai_letters::validate`]): a template that does not parse or fails on a sample
    /// request is refused, naming its line.
    pub async fn set_letter_template(&self, agency: &str, kind: Kind, body: &str) -> Result<()> {
        let (agency, tree) = self.locate(agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        gongkai_letters::validate(kind, body)
            .map_err(|e| ServiceError::Invalid(format!("{}：{e}", kind.label())))?;
        let audit = self
            .draft(
                &grant,
                "letter_template.set",
                format!("文书模板 {} {}", agency.name, kind.key()),
            )
            .await?;
        Ok(self
            .store
            .set_letter_template(agency.id, kind.key(), body, audit)
            .await?)
    }

    /// Goes back to the default template of a kind; `false` when the agency had none of its
    /// own.
    pub async fn reset_letter_template(&self, agency: &str, kind: Kind) -> Result<bool> {
        let (agency, tree) = self.locate(agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let audit = self
            .draft(
                &grant,
                "letter_template.reset",
                format!("文书模板 {} {}", agency.name, kind.key()),
            )
            .await?;
        Ok(self
            .store
            .reset_letter_template(agency.id, kind.key(), audit)
            .await?)
    }
}

/// The agency's template of `kind` among its `custom` ones, else the default.
fn view_of(kind: Kind, custom: &[(String, String)]) -> TemplateView {
    match custom.iter().find(|(k, _)| k == kind.key()) {
        Some((_, body)) => TemplateView {
            kind,
            body: body.clone(),
            custom: true,
        },
        None => TemplateView {
            kind,
            body: default_template(kind).to_owned(),
            custom: false,
        },
    }
}
