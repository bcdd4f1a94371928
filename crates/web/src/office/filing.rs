//! 年度报告报送: the filing workflow's pages (第四十九条). The overview lists the reports of a
//! year of every agency the caller sees, with their state and whether they are late; the page of
//! one agency-year shows its steps, the report under review with its findings and explanations,
//! and the forms the caller may use in its state: submit (the agency's officers), return, clear
//! and publish (the supervising office above it; the government's own report is published by
//! its own office).

use crate::auth::{Caller, OfficeCaller, SecureForm};
use crate::error::{WebError, WebResult};
use crate::office::reports::{FindingLine, decorated_tables, finding_lines};
use crate::pages::{Layout, Section, render};
use crate::{Shared, WebStore};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use gongkai_access::Capability;
use gongkai_filing::{Action, Path, State as FilingState};
use gongkai_report::Rule;
use gongkai_services::ServiceError;
use gongkai_services::filing::{Filing, Remarks, parse_rule};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Which agency-year, and what was just done (after a step's redirect).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FilingQuery {
    #[serde(default)]
    pub agency: String,
    pub year: Option<String>,
    #[serde(default)]
    pub done: Option<String>,
    #[serde(default)]
    pub late: Option<String>,
}

fn year_of(text: Option<&str>, default: i32) -> WebResult<i32> {
    Ok(crate::office::query_year(text)?.unwrap_or(default))
}

fn link(agency: &str, year: i32) -> String {
    format!(
        "/office/filing?agency={}&year={year}",
        crate::auth::form_urlencoded_component(agency)
    )
}

/// One agency of the overview.
#[derive(Debug, Clone)]
pub struct Row {
    pub agency: String,
    pub link: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub state_key: &'static str,
    pub due: String,
    pub timeliness: String,
    pub late: bool,
    pub version: String,
}

#[derive(Debug, Template)]
#[template(path = "office/filings.html")]
pub struct FilingsPage {
    pub layout: Layout,
    pub year: i32,
    pub late_only: bool,
    pub rows: Vec<Row>,
    /// (state label, count) for the summary line.
    pub counts: Vec<(&'static str, usize)>,
    pub late: usize,
}

/// `GET /office/filings?year=…&late=1`.
pub async fn overview<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(query): Query<FilingQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let year = year_of(query.year.as_deref(), settings.today.year() - 1)?;
    let rows = caller.ctx(&app, &settings).filings(year).await?;
    let late_only = query.late.as_deref().is_some_and(|v| !v.is_empty());
    let counts = FilingState::ALL
        .iter()
        .map(|s| (s.label(), rows.iter().filter(|r| r.state == *s).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let late = rows.iter().filter(|r| r.timeliness.is_late()).count();
    let rows = rows
        .into_iter()
        .filter(|r| !late_only || r.timeliness.is_late())
        .map(|r| Row {
            link: link(&r.agency.name, year),
            agency: r.agency.name,
            kind: kind(r.path),
            state: r.state.label(),
            state_key: r.state.as_str(),
            due: r.due.to_string(),
            timeliness: r.timeliness.label(r.path),
            late: r.timeliness.is_late(),
            version: r.version.map_or_else(String::new, |v| format!("第 {v} 版")),
        })
        .collect();
    render(&FilingsPage {
        layout: Layout::new(&caller, Section::Filings),
        year,
        late_only,
        rows,
        counts,
        late,
    })
}

fn kind(path: Path) -> &'static str {
    match path {
        Path::Filed => "报送上级审核",
        Path::Own => "本级政府报告",
    }
}

/// A step as listed.
#[derive(Debug, Clone)]
pub struct StepLine {
    pub seq: i32,
    pub at: String,
    pub by: String,
    pub action: &'static str,
    pub text: String,
    pub version: String,
}

/// A warning that needs its explanation, in the submit and publish forms.
#[derive(Debug, Clone)]
pub struct Explain {
    pub rule: String,
    pub description: &'static str,
    pub messages: Vec<String>,
    pub value: String,
}

#[derive(Debug, Template)]
#[template(path = "office/filing.html")]
pub struct FilingPage {
    pub layout: Layout,
    pub agency: String,
    pub year: i32,
    pub state: &'static str,
    pub state_key: &'static str,
    pub kind: &'static str,
    pub due: String,
    pub timeliness: String,
    pub late: bool,
    pub steps: Vec<StepLine>,
    /// The last return's comment and remarks (cell or section → comment).
    pub returned: Option<(String, Vec<(String, String)>)>,
    /// What the report shown is: the submission under review, or the draft from the records.
    pub shown_what: String,
    pub tables: Vec<(String, String)>,
    pub findings: Vec<FindingLine>,
    /// The explanations that travel with the submitted report.
    pub explained: Vec<(String, String)>,
    /// The warnings to explain in the submit or publish form.
    pub to_explain: Vec<Explain>,
    pub errors: usize,
    pub can_submit: bool,
    pub can_review: bool,
    pub can_publish: bool,
    /// A version is published: the next is a correction, with its 更正说明.
    pub published: bool,
    pub portal_link: String,
    /// A refused step's message, and the form's note and comment as typed.
    pub error: String,
    pub note: String,
    pub comment: String,
}

/// `GET /office/filing?agency=…&year=…`.
pub async fn page<S: WebStore>(
    State(app): State<Shared<S>>,
    OfficeCaller(caller): OfficeCaller,
    Query(query): Query<FilingQuery>,
) -> WebResult<Html<String>> {
    let settings = app.settings();
    let year = year_of(query.year.as_deref(), settings.today.year() - 1)?;
    let mut page = filing_page(&app, &caller, &query.agency, year, &Typed::default()).await?;
    page.layout.notice = match query.done.as_deref() {
        Some("submitted") => "年度报告已报送，等待政务公开办审核".to_owned(),
        Some("returned") => "年度报告已退回".to_owned(),
        Some("cleared") => "年度报告已审核通过，可以发布".to_owned(),
        Some("published") => "年度报告已发布，公众可在门户网站查阅".to_owned(),
        _ => String::new(),
    };
    render(&page)
}

/// What a refused form had typed, shown again with the refusal.
#[derive(Debug, Default)]
struct Typed {
    error: String,
    note: String,
    comment: String,
    explanations: BTreeMap<Rule, String>,
}

async fn filing_page<S: WebStore>(
    app: &Shared<S>,
    caller: &Caller,
    agency: &str,
    year: i32,
    typed: &Typed,
) -> WebResult<FilingPage> {
    let settings = app.settings();
    let ctx = caller.ctx(app, &settings);
    let filing: Filing = ctx.filing(agency, year).await?;
    let tree: Vec<gongkai_cases::Agency> = ctx
        .agency_tree()
        .await?
        .into_iter()
        .map(|r| r.agency)
        .collect();
    let allows = |c| caller.scope.allows(filing.agency.id, &tree, c);
    let state = filing.state;
    let path = filing.path;
    let can_submit = path == Path::Filed && !state.locked() && allows(Capability::Handle);
    let can_review =
        path == Path::Filed && state == FilingState::Submitted && allows(Capability::Supervise);
    let can_publish = allows(Capability::Supervise)
        && match path {
            Path::Filed => state == FilingState::Cleared,
            Path::Own => true,
        };
    // The report shown: the submission while it is under review (or was last submitted), the
    // report generated from the records while the agency may still change it.
    let submitted = filing.submitted();
    let (report, explained, shown_what) = match submitted {
        Some((report, explanations, _))
            if path == Path::Filed
                && state != FilingState::Draft
                && state != FilingState::Returned =>
        {
            (report, explanations, "报送的报告".to_owned())
        }
        _ => (
            ctx.generate_report(&filing.agency.name, year, false)
                .await?
                .report,
            BTreeMap::new(),
            "由记录生成的报告（此刻的数据）".to_owned(),
        ),
    };
    let findings = ctx.findings(&filing.agency, year, &report).await?;
    let errors = findings
        .iter()
        .filter(|f| f.severity == gongkai_report::Severity::Error)
        .count();
    let mut to_explain: Vec<Explain> = Vec::new();
    for f in findings
        .iter()
        .filter(|f| f.severity == gongkai_report::Severity::Warning)
    {
        let rule = format!("{:?}", f.rule);
        match to_explain.iter_mut().find(|e| e.rule == rule) {
            Some(e) => e.messages.push(f.message.clone()),
            None => to_explain.push(Explain {
                value: typed.explanations.get(&f.rule).cloned().unwrap_or_default(),
                rule,
                description: f.rule.description(),
                messages: vec![f.message.clone()],
            }),
        }
    }
    let steps = filing
        .steps
        .iter()
        .map(|s| StepLine {
            seq: s.seq,
            at: crate::portal::reports::china_time(s.at),
            by: s.by.clone(),
            action: s.action.label(),
            text: s.text.clone().unwrap_or_default(),
            version: s.version.map_or_else(String::new, |v| format!("第 {v} 版")),
        })
        .collect();
    let returned = filing
        .returned()
        .map(|(c, r)| (c.to_owned(), r.into_iter().collect()));
    Ok(FilingPage {
        layout: Layout::new(caller, Section::Filings),
        agency: filing.agency.name.clone(),
        year,
        state: state.label(),
        state_key: state.as_str(),
        kind: kind(path),
        due: filing.due.to_string(),
        timeliness: filing.timeliness.label(path),
        late: filing.timeliness.is_late(),
        steps,
        returned,
        shown_what,
        tables: decorated_tables(&report, &findings, None),
        findings: finding_lines(&findings),
        explained: explained
            .into_iter()
            .map(|(r, e)| (format!("{r:?}"), e))
            .collect(),
        to_explain,
        errors,
        can_submit,
        can_review,
        can_publish,
        published: filing.published(),
        portal_link: format!("/agencies/{}/reports/{year}", filing.agency.id.0),
        error: typed.error.clone(),
        note: typed.note.clone(),
        comment: typed.comment.clone(),
    })
}

/// A step's form: the agency-year, and what the step carries.
#[derive(Debug, Deserialize)]
pub struct StepForm {
    agency: String,
    year: String,
    /// The 更正说明 of a correction.
    #[serde(default)]
    note: String,
    /// A return's comment.
    #[serde(default)]
    comment: String,
    /// A return's remarks, one per line: `t3.granted.total：意见` or `s5_problems：意见`.
    #[serde(default)]
    remarks: String,
    /// Explanations of warnings, as `explain_R9`.
    #[serde(flatten)]
    rest: BTreeMap<String, String>,
}

impl StepForm {
    fn year(&self) -> WebResult<i32> {
        self.year
            .trim()
            .parse()
            .map_err(|_| WebError::invalid("年度不是年份"))
    }

    fn explanations(&self) -> BTreeMap<Rule, String> {
        self.rest
            .iter()
            .filter_map(|(k, v)| Some((parse_rule(k.strip_prefix("explain_")?)?, v.clone())))
            .collect()
    }

    fn remarks(&self) -> WebResult<Remarks> {
        self.remarks
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                l.split_once(['：', ':', '='])
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .ok_or_else(|| {
                        WebError::invalid(format!("意见“{l}”应写成“单元格或章节：意见”"))
                    })
            })
            .collect()
    }
}

/// Runs a step, then goes back to the page: on success with its notice, on a refusal of the
/// workflow (or bad input) with the page shown again, the message next to the forms.
async fn step<S: WebStore>(
    app: Shared<S>,
    posted: SecureForm<StepForm>,
    action: Action,
) -> WebResult<Response> {
    let SecureForm { caller, form } = posted;
    let year = form.year()?;
    let settings = app.settings();
    let ctx = caller.ctx(&app, &settings);
    let explanations = form.explanations();
    let note = Some(form.note.as_str()).filter(|n| !n.trim().is_empty());
    let done = match action {
        Action::Submit => ctx
            .submit_report(&form.agency, year, None, &explanations, note)
            .await
            .map(|_| ()),
        Action::Return => {
            let remarks = form.remarks()?;
            ctx.return_report(&form.agency, year, &form.comment, &remarks)
                .await
                .map(|_| ())
        }
        Action::Clear => ctx.clear_report(&form.agency, year).await.map(|_| ()),
        Action::Publish => ctx
            .publish_report(&form.agency, year, None, &explanations, note)
            .await
            .map(|_| ()),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}&done={}",
            link(&form.agency, year),
            action.as_str()
        ))
        .into_response()),
        Err(e @ (ServiceError::Refused(_) | ServiceError::Invalid(_))) => {
            let status = match e {
                ServiceError::Refused(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let typed = Typed {
                error: e.to_string(),
                note: form.note.clone(),
                comment: form.comment.clone(),
                explanations,
            };
            let page = filing_page(&app, &caller, &form.agency, year, &typed).await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /office/filing/submit`.
pub async fn submit<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<StepForm>,
) -> WebResult<Response> {
    step(app, posted, Action::Submit).await
}

/// `POST /office/filing/return`.
pub async fn give_back<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<StepForm>,
) -> WebResult<Response> {
    step(app, posted, Action::Return).await
}

/// `POST /office/filing/clear`.
pub async fn clear<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<StepForm>,
) -> WebResult<Response> {
    step(app, posted, Action::Clear).await
}

/// `POST /office/filing/publish`.
pub async fn publish<S: WebStore>(
    State(app): State<Shared<S>>,
    posted: SecureForm<StepForm>,
) -> WebResult<Response> {
    step(app, posted, Action::Publish).await
}
