//! 依申请公开 and 申请查询 on the portal (第二十七–二十九条, 第三十一条): the online application
//! with the fields of 第二十九条, a preview, the printable receipt with its tracking code, and
//! the tracking page behind the code and the phone number's last four digits. Without
//! JavaScript: the form posts to a preview, the preview (with the attachments) to the
//! submission.

use super::abuse::{self, HONEYPOT};
use super::{PortalLayout, PortalSection, public};
use crate::error::{WebError, WebResult};
use crate::office::Choice;
use crate::pages::render;
use crate::{Shared, WebStore, now};
use askama::Template;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use gongkai_cases::AgencyId;
use gongkai_report::Applicant;
use gongkai_report::template::applicant_label;
use gongkai_services::ServiceError;
use gongkai_services::applications::ID_TYPES;
use gongkai_services::portal::applications::{ApplicationInput, Receipt, Tracked, Upload};
use gongkai_services::portal::triage::Triage;
use gongkai_store::applications::ReplyDocumentId;
use serde::Deserialize;

/// What the application form holds (every field a text, as posted).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplyForm {
    pub agency: String,
    pub applicant: String,
    pub kind: String,
    pub id_type: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub description: String,
    pub form: String,
    pub token: String,
    pub website: String,
    /// Back from the preview to change the form.
    pub edit: String,
}

impl ApplyForm {
    fn from_fields(fields: &[(String, String)]) -> ApplyForm {
        let get = |k: &str| {
            fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        ApplyForm {
            agency: get("agency"),
            applicant: get("applicant"),
            kind: get("kind"),
            id_type: get("id_type"),
            id_number: get("id_number"),
            phone: get("phone"),
            email: get("email"),
            address: get("address"),
            description: get("description"),
            form: get("form"),
            token: get("token"),
            website: get(HONEYPOT),
            edit: String::new(),
        }
    }

    fn agency_id(&self) -> Option<AgencyId> {
        self.agency.trim().parse().ok().map(AgencyId)
    }

    fn input(&self, files: Vec<Upload>, id_photo: Option<Upload>) -> ApplicationInput {
        ApplicationInput {
            agency: self.agency_id().unwrap_or(AgencyId(0)),
            applicant: self.applicant.clone(),
            kind: self.kind.clone(),
            id_type: self.id_type.clone(),
            id_number: self.id_number.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            description: self.description.clone(),
            form: self.form.clone(),
            nonce: Some(self.token.clone()),
            files,
            id_photo,
        }
    }

    /// The hidden fields that carry the form to the next step.
    fn hidden(&self) -> Vec<(&'static str, String)> {
        vec![
            ("agency", self.agency.clone()),
            ("applicant", self.applicant.clone()),
            ("kind", self.kind.clone()),
            ("id_type", self.id_type.clone()),
            ("id_number", self.id_number.clone()),
            ("phone", self.phone.clone()),
            ("email", self.email.clone()),
            ("address", self.address.clone()),
            ("description", self.description.clone()),
            ("form", self.form.clone()),
            ("token", self.token.clone()),
        ]
    }
}

#[derive(Debug, Template)]
#[template(path = "portal/apply.html")]
pub struct ApplyPage {
    pub layout: PortalLayout,
    pub values: ApplyForm,
    pub agencies: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub id_types: Vec<Choice>,
    pub forms: Vec<Choice>,
    /// (field, message); an empty field names the form as a whole.
    pub errors: Vec<(String, String)>,
    pub max_files: usize,
    pub max_file_mb: u64,
}

impl ApplyPage {
    pub fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[derive(Debug, Template)]
#[template(path = "portal/apply_preview.html")]
pub struct PreviewPage {
    pub layout: PortalLayout,
    pub hidden: Vec<(&'static str, String)>,
    /// (label, value) as the applicant gave them.
    pub facts: Vec<(&'static str, String)>,
    pub errors: Vec<(String, String)>,
    pub max_files: usize,
    pub max_file_mb: u64,
    /// The agency asks for a photo of the identity document.
    pub id_photo: bool,
    /// What is already public like what the applicant asks for, and the notices its wording
    /// brings (第三十九条): shown here for those without JavaScript, who saw none while writing.
    pub suggestions: Suggestions,
}

/// The triage of what an applicant wrote, as the preview shows it and `/apply/suggest` answers
/// it: links, never a block on the application.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Suggestions {
    pub items: Vec<Suggested>,
    pub notices: Vec<String>,
}

/// One thing already public.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggested {
    /// 主动公开, 公开答复 (a message's), 答复公开 (a request's).
    pub kind: &'static str,
    pub title: String,
    pub href: String,
    pub agency: String,
}

impl Suggestions {
    /// The suggestions of `t`, made for `agency` (the replies are that agency's).
    fn of(t: Triage, agency: Option<AgencyId>) -> Suggestions {
        let mut items: Vec<Suggested> = t
            .documents
            .into_iter()
            .map(|h| Suggested {
                kind: "主动公开",
                title: h.document.data.title,
                href: format!("/documents/{}", h.document.id.0),
                agency: h.agency,
            })
            .collect();
        items.extend(t.disclosures.into_iter().map(|d| Suggested {
            kind: "答复公开",
            title: d.title,
            href: format!("/disclosures/{}", d.id.0),
            agency: d.agency,
        }));
        if let Some(agency) = agency {
            items.extend(t.replies.into_iter().map(|r| Suggested {
                kind: "公开答复",
                href: format!(
                    "/agencies/{}/replies?q={}",
                    agency.0,
                    urlencoding(&format!("\"{}\"", r.title))
                ),
                title: r.title,
                agency: r.agency,
            }));
        }
        Suggestions {
            items,
            notices: t.notices.into_iter().map(|n| n.text).collect(),
        }
    }
}

/// `text` percent-encoded for a query string.
fn urlencoding(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// What `/apply/suggest` reads: the agency chosen (may be empty) and the text so far.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SuggestQuery {
    pub agency: String,
    pub q: String,
}

/// `GET /apply/suggest?agency=&q=`: what is already public like `q`, and the notices its
/// wording brings, as JSON for the form's script. Nothing is stored or logged of `q`.
pub async fn suggest<S: WebStore>(
    State(app): State<Shared<S>>,
    Query(q): Query<SuggestQuery>,
) -> WebResult<Response> {
    let agency = q.agency.trim().parse().ok().map(AgencyId);
    let settings = app.settings();
    // The text is capped: a suggestion needs the first words, not a whole essay.
    let text: String = q.q.chars().take(SUGGEST_CHARS).collect();
    let triage = public(&app, &settings)?
        .triage(&app.search, agency, &text)
        .await?;
    let mut response = axum::Json(Suggestions::of(triage, agency)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The characters of the text a suggestion reads.
const SUGGEST_CHARS: usize = 500;

#[derive(Debug, Template)]
#[template(path = "portal/receipt.html")]
pub struct ReceiptPage {
    pub layout: PortalLayout,
    pub receipt: Receipt,
    pub kind: String,
    pub auto_confirmed: bool,
}

#[derive(Debug, Template)]
#[template(path = "portal/track.html")]
pub struct TrackPage {
    pub layout: PortalLayout,
    pub code: String,
    pub not_found: bool,
}

#[derive(Debug, Template)]
#[template(path = "portal/tracked.html")]
pub struct TrackedPage {
    pub layout: PortalLayout,
    pub tracked: Tracked,
    /// Carried in the download forms, never in a link.
    pub code: String,
    pub last4: String,
}

impl TrackPage {
    /// Where the tracking form posts (`templates/portal/tracking_form.html`).
    pub fn action(&self) -> &'static str {
        "/track"
    }
}

pub(crate) fn no_store(html: Html<String>) -> Response {
    let mut response = html.into_response();
    // The receipt and the tracking page are the applicant's alone.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The agencies a public form offers (not those merged into another), indented by depth, by
/// id, `selected` marked.
pub(crate) async fn agency_options<S: WebStore>(
    portal: &gongkai_services::portal::Public<'_, S>,
    selected: Option<AgencyId>,
) -> WebResult<Vec<Choice>> {
    Ok(portal
        .agencies()
        .await?
        .into_iter()
        .filter(|r| r.merged_into.is_none())
        .map(|r| Choice {
            selected: Some(r.agency.id) == selected,
            label: format!("{}{}", "\u{3000}".repeat(r.depth), r.agency.name),
            value: r.agency.id.0.to_string(),
        })
        .collect())
}

/// The form page of `values` with `errors`.
async fn apply_page<S: WebStore>(
    app: &Shared<S>,
    values: ApplyForm,
    errors: Vec<(String, String)>,
) -> WebResult<ApplyPage> {
    let settings = app.settings();
    let portal = public(app, &settings)?;
    let selected = values.agency_id();
    let agencies = agency_options(&portal, selected).await?;
    let forms = match selected {
        Some(a) => portal.provision_forms(a).await?,
        None => gongkai_cases::guide::ProvisionForm::ALL.to_vec(),
    };
    let kinds = Applicant::KINDS
        .into_iter()
        .map(|k| Choice {
            selected: values.kind == k.key(),
            value: k.key().to_owned(),
            label: applicant_label(k).to_owned(),
        })
        .collect();
    let id_types = ID_TYPES
        .into_iter()
        .map(|t| Choice {
            selected: values.id_type == t,
            value: t.to_owned(),
            label: t.to_owned(),
        })
        .collect();
    let forms = forms
        .into_iter()
        .map(|f| Choice {
            selected: values.form == f.label(),
            value: f.label().to_owned(),
            label: f.label().to_owned(),
        })
        .collect();
    let rules = &settings.portal;
    Ok(ApplyPage {
        layout: PortalLayout::new("依申请公开", PortalSection::Apply),
        values,
        agencies,
        kinds,
        id_types,
        forms,
        errors,
        max_files: rules.attachments_max,
        max_file_mb: rules.attachment_max_bytes >> 20,
    })
}

/// The query of a portal form addressed to an agency (`?agency=` preselects it): the
/// application form and the message form.
#[derive(Debug, Deserialize)]
pub struct AgencyQuery {
    #[serde(default)]
    pub agency: String,
}

/// `GET /apply`: the application form (`?agency=` preselects the agency and its forms).
pub async fn form<S: WebStore>(
    State(app): State<Shared<S>>,
    Query(q): Query<AgencyQuery>,
) -> WebResult<Html<String>> {
    let values = ApplyForm {
        agency: q.agency,
        token: abuse::form_token(&app)?,
        ..ApplyForm::default()
    };
    render(&apply_page(&app, values, Vec::new()).await?)
}

/// The field problems of an error, or the error itself.
fn problems(
    e: WebError,
    service: Option<&ServiceError>,
) -> Result<Vec<(String, String)>, WebError> {
    match service {
        Some(ServiceError::Fields(list)) => Ok(list
            .iter()
            .map(|p| (p.field.to_owned(), p.message.clone()))
            .collect()),
        _ => Err(e),
    }
}

/// `POST /apply`: checks the form and shows the preview, or the form again with its errors.
pub async fn preview<S: WebStore>(
    State(app): State<Shared<S>>,
    headers: HeaderMap,
    axum::Form(values): axum::Form<ApplyForm>,
) -> WebResult<Response> {
    abuse::same_origin(&app, &headers)?;
    abuse::honeypot(Some(&values.website))?;
    abuse::check_token(&app, &values.token)?;
    if !values.edit.is_empty() {
        return Ok(render(&apply_page(&app, values, Vec::new()).await?)?.into_response());
    }
    let settings = app.settings();
    let portal = public(&app, &settings)?;
    if let Err(e) = portal
        .check_application(&values.input(Vec::new(), None))
        .await
    {
        let errors = problems(
            WebError::from(ServiceError::Invalid(e.to_string())),
            Some(&e),
        )?;
        let page = apply_page(&app, values, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    Ok(render(&preview_page(&app, &values, Vec::new()).await?)?.into_response())
}

async fn preview_page<S: WebStore>(
    app: &Shared<S>,
    values: &ApplyForm,
    errors: Vec<(String, String)>,
) -> WebResult<PreviewPage> {
    let settings = app.settings();
    let agency = match values.agency_id() {
        Some(id) => public(app, &settings)?
            .agencies()
            .await?
            .into_iter()
            .find(|r| r.agency.id == id)
            .map(|r| r.agency.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let kind = Applicant::from_key(&values.kind)
        .map(applicant_label)
        .unwrap_or_default()
        .to_owned();
    let rules = &settings.portal;
    let portal = public(app, &settings)?;
    let (id_photo, suggestions) = match values.agency_id() {
        Some(id) => (
            portal.asks_id_photo(id).await?,
            Suggestions::of(
                portal
                    .triage(&app.search, Some(id), &values.description)
                    .await?,
                Some(id),
            ),
        ),
        None => (false, Suggestions::default()),
    };
    Ok(PreviewPage {
        layout: PortalLayout::new("确认申请内容", PortalSection::Apply),
        hidden: values.hidden(),
        facts: vec![
            ("受理机关", agency),
            ("申请人姓名或者名称", values.applicant.trim().to_owned()),
            ("申请人类型", kind),
            ("证件类型", values.id_type.clone()),
            ("证件号码", values.id_number.trim().to_owned()),
            ("联系电话", values.phone.trim().to_owned()),
            ("电子邮箱", values.email.trim().to_owned()),
            ("通信地址", values.address.trim().to_owned()),
            ("所需政府信息的描述", values.description.trim().to_owned()),
            ("获取信息的方式", values.form.clone()),
        ],
        errors,
        max_files: rules.attachments_max,
        max_file_mb: rules.attachment_max_bytes >> 20,
        id_photo,
        suggestions,
    })
}

/// `POST /apply/submit` (multipart, with the attachments): stores the application and answers
/// the receipt with its tracking code, shown this once.
pub async fn submit<S: WebStore>(
    State(app): State<Shared<S>>,
    req: Request,
) -> WebResult<Response> {
    let (parts, body) = req.into_parts();
    abuse::same_origin(&app, &parts.headers)?;
    let client = abuse::client(&app, &parts);
    let req = Request::from_parts(parts, body);
    let multipart = axum::extract::Multipart::from_request(req, &app)
        .await
        .map_err(|e| WebError::bad_request(format!("提交的内容有误：{e}")))?;
    let (fields, files) = crate::auth::read_multipart(multipart, app.options.upload_max)
        .await
        .map_err(|e| *e)?;
    let values = ApplyForm::from_fields(&fields);
    abuse::honeypot(Some(&values.website))?;
    abuse::check_token(&app, &values.token)?;
    abuse::limit(&app, "apply", &client).await?;
    let mut uploads: Vec<Upload> = Vec::new();
    let mut id_photo = None;
    for (k, f) in files.into_iter().filter(|(_, f)| !f.bytes.is_empty()) {
        let upload = Upload {
            name: f.name,
            bytes: f.bytes,
        };
        match k.as_str() {
            "files" => uploads.push(upload),
            "id_photo" => id_photo = Some(upload),
            _ => {}
        }
    }
    let settings = app.settings();
    let portal = public(&app, &settings)?;
    let blobs = app.attachments.of(&app.store);
    match portal
        .submit_application(&blobs, values.input(uploads, id_photo), now())
        .await
    {
        Ok(receipt) => {
            let kind = Applicant::from_key(&values.kind)
                .map(applicant_label)
                .unwrap_or_default()
                .to_owned();
            let page = ReceiptPage {
                layout: PortalLayout::new("申请已提交", PortalSection::Apply),
                receipt,
                kind,
                auto_confirmed: settings.portal.auto_confirm_receipt,
            };
            let mut response = no_store(render(&page)?);
            *response.status_mut() = StatusCode::CREATED;
            Ok(response)
        }
        Err(ServiceError::Fields(list)) => {
            let errors = list
                .iter()
                .map(|p| (p.field.to_owned(), p.message.clone()))
                .collect();
            let page = preview_page(&app, &values, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /track`: the tracking form.
pub async fn track_form<S: WebStore>(State(_app): State<Shared<S>>) -> WebResult<Html<String>> {
    render(&TrackPage {
        layout: PortalLayout::new("申请查询", PortalSection::Track),
        code: String::new(),
        not_found: false,
    })
}

/// What the tracking form holds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TrackForm {
    pub code: String,
    pub last4: String,
}

/// A posted tracking form, from our own pages, within the client's rate limit.
pub(crate) async fn tracking_form<S: WebStore>(
    app: &Shared<S>,
    req: Request,
) -> WebResult<TrackForm> {
    let (parts, body) = req.into_parts();
    abuse::same_origin(app, &parts.headers)?;
    let client = abuse::client(app, &parts);
    let req = Request::from_parts(parts, body);
    let axum::Form(form) = axum::Form::<TrackForm>::from_request(req, app)
        .await
        .map_err(|e| WebError::bad_request(format!("表单内容有误：{}", e.body_text())))?;
    abuse::limit(app, "track", &client).await?;
    Ok(form)
}

/// `POST /track`: the application behind the code and the phone's last four digits; a wrong
/// pair is answered exactly like an unknown code (404).
pub async fn track<S: WebStore>(State(app): State<Shared<S>>, req: Request) -> WebResult<Response> {
    let form = tracking_form(&app, req).await?;
    let settings = app.settings();
    match public(&app, &settings)?
        .track(&form.code, &form.last4)
        .await?
    {
        Some(tracked) => Ok(no_store(render(&TrackedPage {
            layout: PortalLayout::new("申请查询结果", PortalSection::Track),
            tracked,
            code: form.code.trim().to_owned(),
            last4: form.last4.trim().to_owned(),
        })?)),
        None => {
            let page = TrackPage {
                layout: PortalLayout::new("申请查询", PortalSection::Track),
                code: form.code.trim().to_owned(),
                not_found: true,
            };
            Ok((StatusCode::NOT_FOUND, render(&page)?).into_response())
        }
    }
}

/// `POST /track/documents/{id}`: a reply document released to the applicant, for the code and
/// phone digits posted with it.
pub async fn document<S: WebStore>(
    State(app): State<Shared<S>>,
    Path(id): Path<String>,
    req: Request,
) -> WebResult<Response> {
    let form = tracking_form(&app, req).await?;
    let missing = || WebError::not_found("没有找到该文件，或查询码与手机号码后四位不匹配");
    let id: i64 = id.parse().map_err(|_| missing())?;
    let settings = app.settings();
    let blobs = app.attachments.of(&app.store);
    let (file, bytes) = public(&app, &settings)?
        .released_document(&blobs, &form.code, &form.last4, ReplyDocumentId(id))
        .await?
        .ok_or_else(missing)?;
    // The applicant's own file: no copy kept by a browser or a proxy.
    Ok(super::catalogue::file_response(
        &file,
        bytes,
        HeaderValue::from_static("no-store"),
    ))
}
