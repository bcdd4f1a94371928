//! Requests (依申请公开): registering one, recording what happens to it, correcting what was
//! recorded wrongly, seeing where it stands against its statutory deadline, and the work list
//! of an agency's requests, most urgent first.

use crate::notify::{Milestone, milestone_of};
use crate::{Capability, Ctx, Result, ServiceError, Warning, date_warnings};
use chrono::{Datelike, NaiveDate};
use gongkai_calendar::{Deadline, Event};
use gongkai_cases::amend::{Amendment, Change};
use gongkai_cases::lifecycle::{self, State};
use gongkai_cases::limits::{
    MAX_NAME_CHARS, MAX_REFERENCE_CHARS, MAX_TEXT_CHARS, check_date, check_id_number, check_text,
};
use gongkai_cases::{
    Agency, AgencyId, ApplicantRecord, Channel, Contact, NewRequest, Outcome, Request, RequestId,
    TimelineEvent, tables,
};
use gongkai_report::Applicant;
use gongkai_store::Store;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A request as an officer registers it.
#[derive(Debug, Clone)]
pub struct RegisterRequest {
    pub agency: String,
    /// 受理编号, unique within the agency.
    pub reference: String,
    /// The first-named applicant (the request counts under its kind, spec §4).
    pub applicant: String,
    pub kind: Applicant,
    pub channel: Channel,
    /// The date of receipt by the channel's rule (第三十一条).
    pub received: NaiveDate,
    pub description: String,
    /// How the applicant asked to receive the information.
    pub form: String,
    /// The identity document, contact details and channel of delivery (第二十九条).
    pub contact: Contact,
}

/// A request with where it stands: its agency, its state and its deadline (or why none runs).
#[derive(Debug, Clone)]
pub struct RequestView {
    /// The agency that registered the request.
    pub agency: Agency,
    /// The agency the caller acts as on it: the registering one, or the unit handling it after
    /// a dispatch (转办) when the caller reaches only that unit.
    pub acting: Agency,
    pub request: Request,
    pub state: State,
    /// The deadline explained (第三十三条), or why no deadline runs (awaiting correction, …).
    pub deadline: std::result::Result<Deadline, String>,
    pub warnings: Vec<Warning>,
    /// The applicant's identity and contact as this caller may see them (docs/web.md §4): in
    /// full to those who handle the agency's requests, [`masked`] to everyone else who sees
    /// the request (the supervising office, an admin). `request.data.contact` is left empty,
    /// so that no front end can show more than this by mistake.
    pub contact: Contact,
    /// The online application behind the request, if it was made on the portal.
    pub application: Option<gongkai_store::applications::Application>,
    /// The reply documents added for the applicant, released or not.
    pub replies: Vec<gongkai_store::applications::ReplyDocument>,
    /// Where the request stands inside the government (转办, 签收, 协办): the handling unit and
    /// every routing step, none of which moves `deadline`.
    pub routing: crate::routing::RoutingView,
}

/// Why an online application has no deadline yet.
pub const RECEIPT_UNCONFIRMED: &str = "网上申请尚待确认收到：以双方确认之日为收到申请之日（第三十一条第（三）项），答复期限自该日起计算（第三十三条）";

impl RequestView {
    /// The state's name for programs: `awaiting_confirmation` while an online application
    /// awaits an officer's confirmation, else [`State::key`].
    pub fn state_key(&self) -> &'static str {
        gongkai_cases::online::state_key(self.request.confirmation, self.state)
    }

    /// The state as officers say it (待确认收到, 办理中, …).
    pub fn state_label(&self) -> &'static str {
        gongkai_cases::online::state_label(self.request.confirmation, self.state)
    }
}

/// What the work list shows.
#[derive(Debug, Clone, Default)]
pub struct WorkQuery {
    pub agency: String,
    /// The agency's subordinate agencies too.
    pub subtree: bool,
    /// Only requests not closed.
    pub open_only: bool,
    /// Only open requests with at most this many working days left.
    pub due_within: Option<i64>,
    /// Only open requests past their deadline.
    pub overdue: bool,
    /// The day the days are counted to; default today.
    pub as_of: Option<NaiveDate>,
}

/// One line of the work list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    pub id: RequestId,
    pub reference: String,
    pub agency: String,
    pub state: State,
    /// Whether an officer has still to confirm the receipt of an online application.
    pub confirmation: gongkai_cases::Confirmation,
    /// The date of receipt (for an online application whose receipt awaits confirmation, the
    /// day of submission).
    pub received: NaiveDate,
    /// The answer deadline; `None` while none runs (awaiting correction, an online application
    /// not yet confirmed) or when it cannot be computed.
    pub due: Option<NaiveDate>,
    /// Working days left as of the list's day, negative when overdue; for a closed request,
    /// the days that were left when it was answered.
    pub days_left: Option<i64>,
    /// Whether an extension was approved (第三十三条第二款): the deadline is 40 working days.
    pub extended: bool,
}

impl WorkItem {
    /// The state's name for programs ([`RequestView::state_key`]).
    pub fn state_key(&self) -> &'static str {
        gongkai_cases::online::state_key(self.confirmation, self.state)
    }

    /// The state as officers say it.
    pub fn state_label(&self) -> &'static str {
        gongkai_cases::online::state_label(self.confirmation, self.state)
    }
}

impl<S: Store> Ctx<'_, S> {
    /// Checks the texts and dates of a request against [`gongkai_cases::limits`].
    fn check_request_input(&self, r: &RegisterRequest) -> Result<()> {
        let reference = r.reference.trim();
        if reference.is_empty() {
            return Err(ServiceError::Invalid("受理编号不能为空".into()));
        }
        self.limit(check_text(
            "受理编号",
            reference,
            MAX_REFERENCE_CHARS,
            false,
        ))?;
        self.limit(check_text("申请人", &r.applicant, MAX_NAME_CHARS, false))?;
        self.limit(check_text("申请内容", &r.description, MAX_TEXT_CHARS, true))?;
        self.limit(check_text("获取信息的方式", &r.form, MAX_NAME_CHARS, false))?;
        let c = &r.contact;
        for (field, value) in [
            ("证件类型", &c.id_kind),
            ("联系电话", &c.phone),
            ("通信地址", &c.address),
            ("电子邮箱", &c.email),
            ("获取信息的途径", &c.delivery),
        ] {
            self.limit(check_text(field, value, MAX_NAME_CHARS, false))?;
        }
        self.limit(check_id_number(&c.id_kind, &c.id_number))?;
        self.limit(check_date("收到日期", r.received, self.settings.today))
    }

    /// Registers a request with its receipt (第二十九条、第三十一条), and returns it with where it
    /// stands.
    pub async fn register_request(&self, r: RegisterRequest) -> Result<RequestView> {
        self.check_request_input(&r)?;
        let (agency, tree) = self.locate(&r.agency).await?;
        self.not_merged(&tree, &agency, r.received.year())?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let reference = r.reference.trim().to_owned();
        let mut audit = self
            .draft(&grant, "request.register", format!("申请 {reference}"))
            .await?;
        audit
            .set_personal("applicant", &r.applicant)
            .set("kind", r.kind.key())
            .set("received", r.received.to_string());
        // Identity and contact only as keyed pseudonyms: the log says that they were given and
        // lets one match them, never what they are.
        for (field, value) in [
            ("id_number", &r.contact.id_number),
            ("phone", &r.contact.phone),
            ("email", &r.contact.email),
        ] {
            if !value.trim().is_empty() {
                audit.set_personal(field, value.trim());
            }
        }
        let contact = Contact {
            id_kind: r.contact.id_kind.trim().to_owned(),
            id_number: r.contact.id_number.trim().to_uppercase(),
            phone: r.contact.phone.trim().to_owned(),
            address: r.contact.address.trim().to_owned(),
            email: r.contact.email.trim().to_owned(),
            delivery: r.contact.delivery.trim().to_owned(),
        };
        let new = NewRequest {
            agency: agency.id,
            reference,
            applicants: vec![ApplicantRecord {
                name: r.applicant.trim().to_owned(),
                kind: r.kind,
            }],
            channel: r.channel,
            received: r.received,
            description: r.description,
            requested_form: r.form,
            contact,
        };
        let first = TimelineEvent {
            event: Event::Received(r.received),
            outcome: None,
            note: String::new(),
        };
        let request = self.store.create_request(new, first, audit).await?;
        // The words for finding near-identical requests: derived data, which the next look-up
        // indexes anyway if this fails (crate::similar), so the registration stands.
        let _ = self.index_words().await;
        // The applicant is told the request was received (by the channels their contact has).
        let told = self
            .queue_milestone(&agency, &request, Milestone::Received, r.received, None)
            .await;
        let mut view = self.view(agency, request, None, &tree).await?;
        view.warnings.extend(told);
        Ok(view)
    }

    /// The request of an agency by its reference.
    async fn find_request(&self, agency: &Agency, reference: &str) -> Result<Request> {
        self.store
            .request_by_reference(agency.id, reference.trim())
            .await?
            .ok_or_else(|| ServiceError::UnknownRequest {
                agency: agency.name.clone(),
                reference: reference.trim().to_owned(),
            })
    }

    /// Records what happened to a request. The state machine refuses what cannot happen, with
    /// the article it breaks (`StoreError::Refused`).
    pub async fn record_event(
        &self,
        agency: &str,
        reference: &str,
        event: Event,
        outcome: Option<Outcome>,
        note: &str,
    ) -> Result<(Request, State, Vec<Warning>)> {
        let (agency, tree) = self.locate(agency).await?;
        let request = self.find_request(&agency, reference).await?;
        self.record_on(request, &agency, &tree, event, outcome, note)
            .await
    }

    /// [`Ctx::record_event`] for a request by its id (the web platform's addresses): also by the
    /// unit handling it after a dispatch (转办), which acts on it as on its own.
    pub async fn record_event_by_id(
        &self,
        id: RequestId,
        event: Event,
        outcome: Option<Outcome>,
        note: &str,
    ) -> Result<(Request, State, Vec<Warning>)> {
        let (request, acting, tree) = self.request_in_scope(id).await?;
        self.record_on(request, &acting, &tree, event, outcome, note)
            .await
    }

    /// Records `event` on `request`, acting as `agency`.
    async fn record_on(
        &self,
        request: Request,
        agency: &Agency,
        tree: &[Agency],
        event: Event,
        outcome: Option<Outcome>,
        note: &str,
    ) -> Result<(Request, State, Vec<Warning>)> {
        self.limit(check_date("日期", event.date(), self.settings.today))?;
        self.limit(check_text("备注", note, MAX_TEXT_CHARS, true))?;
        // Only the head of the agency (负责人) approves an extension (第三十三条第二款).
        let capability = match event {
            Event::ExtensionApproved(_) => Capability::ApproveExtension,
            _ => Capability::Handle,
        };
        let grant = self.grant_in(tree, agency, capability)?;
        let audit = self
            .draft(
                &grant,
                "request.event",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        let next = TimelineEvent {
            event,
            outcome,
            note: note.to_owned(),
        };
        let request = self.store.append_event(request.id, next, audit).await?;
        let state = lifecycle::state(&request.events).map_err(gongkai_store::StoreError::from)?;
        let mut warnings = date_warnings(&self.calendar().await?, event.date());
        // 第三十六条第（六）项: a repeat is one of an answered request of the same applicant;
        // without a link to one, nothing on record shows it.
        if outcome == Some(Outcome::NpRepeat) && self.repeat_of(&request).await?.is_none() {
            warnings.push(Warning::RepeatWithoutLink);
        }
        // The applicant is told of a correction notice (第三十条), an extension (第三十三条第二款)
        // and the reply.
        if let Some(milestone) = milestone_of(event).filter(|m| *m != Milestone::Received) {
            warnings.extend(
                self.queue_milestone(agency, &request, milestone, event.date(), None)
                    .await,
            );
        }
        Ok((request, state, warnings))
    }

    /// Corrects a recorded request, closed or not, with a reason kept in the audit log with the
    /// old and new values (names as pseudonyms); the report and the drill-down follow.
    pub async fn amend_request(
        &self,
        agency: &str,
        reference: &str,
        reason: &str,
        amendment: &Amendment,
    ) -> Result<(Request, Vec<Change>)> {
        let reason = self.reason(reason)?;
        for date in [amendment.received, amendment.decided]
            .into_iter()
            .flatten()
        {
            self.limit(check_date("日期", date, self.settings.today))?;
        }
        if let Some(name) = &amendment.applicant {
            self.limit(check_text("申请人", name, MAX_NAME_CHARS, false))?;
        }
        if let Some(text) = &amendment.description {
            self.limit(check_text("申请内容", text, MAX_TEXT_CHARS, true))?;
        }
        let agency = self.agency(agency).await?;
        let request = self.find_request(&agency, reference).await?;
        let grant = self.grant(&agency, Capability::Handle).await?;
        let mut audit = self
            .draft(
                &grant,
                "request.amend",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        audit.set("reason", reason);
        Ok(self
            .store
            .amend_request(request.id, amendment, audit)
            .await?)
    }

    /// Removes the last event of a request's timeline, entered by mistake, with a reason.
    pub async fn withdraw_event(
        &self,
        agency: &str,
        reference: &str,
        reason: &str,
    ) -> Result<(Request, TimelineEvent)> {
        let reason = self.reason(reason)?;
        let agency = self.agency(agency).await?;
        let request = self.find_request(&agency, reference).await?;
        let grant = self.grant(&agency, Capability::Handle).await?;
        let mut audit = self
            .draft(
                &grant,
                "request.withdraw_event",
                format!("申请 {}", request.data.reference),
            )
            .await?;
        audit.set("reason", reason);
        Ok(self.store.withdraw_event(request.id, audit).await?)
    }

    /// A correction's reason: required, one paragraph.
    pub(crate) fn reason(&self, reason: &str) -> Result<String> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ServiceError::Invalid("请写明更正的理由".into()));
        }
        self.limit(check_text("理由", reason, MAX_TEXT_CHARS, true))?;
        Ok(reason.to_owned())
    }

    /// A request with its state and its deadline as of `as_of` (default today).
    pub async fn show_request(
        &self,
        agency: &str,
        reference: &str,
        as_of: Option<NaiveDate>,
    ) -> Result<RequestView> {
        let (agency, tree) = self.locate(agency).await?;
        let request = self.find_request(&agency, reference).await?;
        self.view(agency, request, as_of, &tree).await
    }

    /// A request by its id (the web platform's addresses), with where it stands. A request of
    /// an agency the scope does not see is not found, as if it did not exist.
    pub async fn request_by_id(
        &self,
        id: RequestId,
        as_of: Option<NaiveDate>,
    ) -> Result<RequestView> {
        let (request, agency, tree) = self.request_in_scope(id).await?;
        self.view(agency, request, as_of, &tree).await
    }

    /// A request with its state and deadline as of `as_of` (default today), and its contact as
    /// the caller may see it (`tree`: the agencies the access check walks).
    async fn view(
        &self,
        agency: Agency,
        mut request: Request,
        as_of: Option<NaiveDate>,
        tree: &[Agency],
    ) -> Result<RequestView> {
        let contact = std::mem::take(&mut request.data.contact);
        // `agency` is the one the caller acts as (the handling unit after a dispatch): its
        // officers handle the request and see the contact; the page names the registering one.
        let contact = if self.scope.allows(agency.id, tree, Capability::Handle) {
            contact
        } else {
            masked(&contact)
        };
        let acting = agency.clone();
        let agency = tree
            .iter()
            .find(|a| a.id == request.data.agency)
            .cloned()
            .unwrap_or(agency);
        let cal = self.calendar().await?;
        let state = lifecycle::state(&request.events).map_err(gongkai_store::StoreError::from)?;
        let as_of = as_of.unwrap_or(self.settings.today);
        let deadline = if request.confirmation.receipt_known() {
            lifecycle::deadline(&cal, &request.events, &self.settings.deadline, Some(as_of))
                .map_err(|e| e.to_string())
        } else {
            Err(RECEIPT_UNCONFIRMED.to_owned())
        };
        let warnings = date_warnings(&cal, request.data.received);
        let application = self.store.application(request.id).await?;
        let replies = self.store.reply_documents(request.id).await?;
        let steps = self.store.routing_steps(request.id).await?;
        let routing = self.routing_view(&request, &steps, tree)?;
        Ok(RequestView {
            routing,
            agency,
            acting,
            request,
            state,
            deadline,
            warnings,
            contact,
            application,
            replies,
        })
    }

    /// The requests of an agency (and, with `subtree`, of the agencies below it), filtered as
    /// asked, most urgent first: the fewest working days left (overdue first), then those with
    /// no running deadline, then closed ones; ties by date of receipt and reference.
    pub async fn work_list(&self, q: &WorkQuery) -> Result<Vec<WorkItem>> {
        let (agency, tree) = self.locate(&q.agency).await?;
        let agencies: Vec<AgencyId> = if q.subtree {
            self.seen_subtree(&tree, agency.id)
        } else {
            vec![agency.id]
        };
        let open_only = q.open_only || q.overdue || q.due_within.is_some();
        let as_of = q.as_of.unwrap_or(self.settings.today);
        Ok(self
            .sorted_items(&agencies, open_only, &tree, as_of)
            .await?
            .into_iter()
            .filter(|i| {
                (!q.overdue || i.days_left.is_some_and(|d| d < 0))
                    && q.due_within
                        .is_none_or(|n| i.days_left.is_some_and(|d| d <= n))
            })
            .collect())
    }

    /// What the 工作台 of an agency and its subtree shows today: the open requests, most
    /// urgent first, and those answered late this year. Remembered in `cache` while nothing
    /// is written about these agencies ([`gongkai_store::AuditLog::audit_version`]), so that a
    /// desk of ten thousand open requests is computed once per change rather than on every
    /// look.
    pub async fn desk(&self, cache: &DeskCache, agency: &str) -> Result<Arc<DeskLists>> {
        let (agency, tree) = self.locate(agency).await?;
        let agencies = self.seen_subtree(&tree, agency.id);
        let today = self.settings.today;
        // The lists depend on the agencies and the day alone: whoever asks sees the same lines.
        let key = DeskKey {
            agencies: agencies.clone(),
            today,
        };
        // Read before the lists: a write in between makes the lists newer than their version,
        // never older, and the next look computes them again.
        let version = self.store.audit_version(&agencies).await?;
        if let Some(lists) = cache.get(&key, version) {
            return Ok(lists);
        }
        // One computation per desk at a time: those who find the desk changed at the same
        // moment wait for the first of them instead of each computing it again (8 officers
        // looking while requests arrived spent 8× the work and waited 0.5 s each).
        let turn = cache.turn(&key);
        let _turn = turn.lock().await;
        if let Some(lists) = cache.get(&key, version) {
            return Ok(lists);
        }
        let version = self.store.audit_version(&agencies).await?;
        let lists = Arc::new(DeskLists {
            open: self.sorted_items(&agencies, true, &tree, today).await?,
            closed_late: self.closed_late(&agencies, &tree, today.year()).await?,
        });
        cache.put(key, version, Arc::clone(&lists));
        Ok(lists)
    }

    /// The requests of `agencies` (open ones only when `open_only`), most urgent first.
    pub(crate) async fn sorted_items(
        &self,
        agencies: &[AgencyId],
        open_only: bool,
        tree: &[Agency],
        as_of: NaiveDate,
    ) -> Result<Vec<WorkItem>> {
        let ids = self.store.request_ids(agencies, open_only).await?;
        let mut items: Vec<WorkItem> = self
            .items(&ids, tree, as_of)
            .await?
            .into_iter()
            .filter(|i| !open_only || !i.state.is_closed())
            .collect();
        items.sort_by(urgency);
        Ok(items)
    }

    /// A page of an agency's requests in the order they were registered (by id), after the
    /// request `after`: at most `limit` lines and the id to continue after when there are
    /// more. Keyset paging: requests registered between two pages are neither skipped nor
    /// repeated.
    pub async fn request_page(
        &self,
        agency: &str,
        after: Option<RequestId>,
        limit: usize,
    ) -> Result<(Vec<WorkItem>, Option<RequestId>)> {
        let agency = self.agency(agency).await?;
        let tree = self.tree().await?;
        let ids = self.store.request_ids(&[agency.id], false).await?;
        let mut page: Vec<RequestId> = ids
            .into_iter()
            .filter(|id| after.is_none_or(|a| *id > a))
            .take(limit.saturating_add(1))
            .collect();
        let more = page.len() > limit;
        page.truncate(limit);
        let next = if more { page.last().copied() } else { None };
        let mut items = self.items(&page, &tree, self.settings.today).await?;
        items.sort_by_key(|i| i.id);
        Ok((items, next))
    }

    /// The requests of `agencies` answered in `year` after their deadline (逾期办结), most
    /// overdue first: what a supervisor follows up (督办).
    async fn closed_late(
        &self,
        agencies: &[AgencyId],
        tree: &[Agency],
        year: i32,
    ) -> Result<Vec<WorkItem>> {
        let facts = self.store.case_facts(agencies, year).await?;
        let mut items: Vec<WorkItem> = self
            .decided_items(&facts, tree, year)
            .await?
            .into_iter()
            .filter(|i| i.days_left.is_some_and(|d| d < 0))
            .collect();
        items.sort_by(|a, b| {
            a.days_left
                .cmp(&b.days_left)
                .then(a.received.cmp(&b.received))
        });
        Ok(items)
    }

    /// The work-list lines of the requests among `facts` decided in `year`: for each, the
    /// working days that were left when it was answered (negative: 逾期办结).
    pub(crate) async fn decided_items(
        &self,
        facts: &[tables::CaseFacts],
        tree: &[Agency],
        year: i32,
    ) -> Result<Vec<WorkItem>> {
        let ids: Vec<RequestId> = facts
            .iter()
            .filter(|f| f.decided.is_some_and(|(d, _)| d.year() == year))
            .map(|f| f.id)
            .collect();
        Ok(self
            .items(&ids, tree, self.settings.today)
            .await?
            .into_iter()
            .filter(|i| i.state.is_closed())
            .collect())
    }

    /// An agency and the agencies below it that the scope sees.
    fn seen_subtree(&self, tree: &[Agency], agency: AgencyId) -> Vec<AgencyId> {
        tables::subtree(tree, agency)
            .into_iter()
            .filter(|&id| self.scope.reaches(id, tree))
            .collect()
    }

    /// The work-list lines of the requests `ids`, their days counted to `as_of`.
    pub(crate) async fn items(
        &self,
        ids: &[RequestId],
        tree: &[Agency],
        as_of: NaiveDate,
    ) -> Result<Vec<WorkItem>> {
        let timelines = self.store.timelines(ids).await?;
        let cal = self.calendar().await?;
        let name_of = |id: AgencyId| {
            tree.iter()
                .find(|a| a.id == id)
                .map_or_else(String::new, |a| a.name.clone())
        };
        Ok(timelines
            .into_iter()
            .filter_map(|t| {
                let state = lifecycle::state(&t.events).ok()?;
                // Only the due date and the days left are shown: no explanation.
                let deadline = gongkai_calendar::compute_events_brief(
                    &cal,
                    &lifecycle::clock(&t.events),
                    &self.settings.deadline,
                    Some(as_of),
                )
                .ok()
                .filter(|_| t.confirmation.receipt_known());
                Some(WorkItem {
                    id: t.id,
                    agency: name_of(t.agency),
                    reference: t.reference,
                    state,
                    confirmation: t.confirmation,
                    received: t.received,
                    due: deadline.as_ref().map(|d| d.due),
                    extended: deadline.as_ref().is_some_and(|d| d.extended),
                    days_left: deadline.and_then(|d| d.days_left),
                })
            })
            .collect())
    }
}

/// `s` with all but its first `keep_start` and last `keep_end` characters starred; a text too
/// short to keep anything is starred whole.
pub(crate) fn mask(s: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_start || i >= chars.len() - keep_end {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// The contact as those who do not handle the agency's requests see it (docs/web.md §4):
/// `110***********1234`, `138****0000`; the address and e-mail not at all.
pub fn masked(c: &Contact) -> Contact {
    let hidden = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            "（不显示）".to_owned()
        }
    };
    Contact {
        id_kind: c.id_kind.clone(),
        id_number: mask(&c.id_number, 3, 4),
        phone: mask(&c.phone, 3, 4),
        address: hidden(&c.address),
        email: hidden(&c.email),
        delivery: c.delivery.clone(),
    }
}

/// What a 工作台 shows ([`Ctx::desk`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskLists {
    /// The open requests, most urgent first.
    pub open: Vec<WorkItem>,
    /// The requests answered this year after their deadline, most overdue first.
    pub closed_late: Vec<WorkItem>,
}

/// What remembered desk lists were computed for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct DeskKey {
    agencies: Vec<AgencyId>,
    today: NaiveDate,
}

/// Desk lists remembered between calls in one process ([`Ctx::desk`]); each is checked
/// against the database's version of its agencies before it is used, so any number of
/// processes may write meanwhile.
#[derive(Debug, Default)]
pub struct DeskCache {
    desks: Mutex<HashMap<DeskKey, Remembered>>,
    /// The turn to compute each desk.
    turns: Mutex<HashMap<DeskKey, Arc<tokio::sync::Mutex<()>>>>,
}

/// Desk lists and the audit log's version they were computed at.
type Remembered = (i64, Arc<DeskLists>);

/// How many desks a cache keeps; past it, it starts again empty.
const CACHED_DESKS: usize = 256;

impl DeskCache {
    /// The lists of `key` if they were computed at `version` or later: the version is read
    /// before the lists, so lists of a later version hold every write up to `version` too.
    fn get(&self, key: &DeskKey, version: i64) -> Option<Arc<DeskLists>> {
        let desks = self.desks.lock().unwrap_or_else(|e| e.into_inner());
        desks
            .get(key)
            .filter(|(v, _)| *v >= version)
            .map(|(_, lists)| Arc::clone(lists))
    }

    fn put(&self, key: DeskKey, version: i64, lists: Arc<DeskLists>) {
        let mut desks = self.desks.lock().unwrap_or_else(|e| e.into_inner());
        if desks.len() >= CACHED_DESKS {
            desks.clear();
        }
        desks.insert(key, (version, lists));
    }

    /// The lock whose holder computes the desk of `key`.
    fn turn(&self, key: &DeskKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        if turns.len() >= CACHED_DESKS {
            // Only those no one holds or waits for: a holder's lock stays the lock of its key.
            turns.retain(|_, turn| Arc::strong_count(turn) > 1);
        }
        Arc::clone(turns.entry(key.clone()).or_default())
    }
}

/// The work list's order (see [`Ctx::work_list`]).
pub(crate) fn urgency(a: &WorkItem, b: &WorkItem) -> Ordering {
    let rank = |i: &WorkItem| match (i.state.is_closed(), i.days_left) {
        (false, Some(_)) => 0,
        (false, None) => 1,
        (true, _) => 2,
    };
    rank(a)
        .cmp(&rank(b))
        .then_with(|| match (a.state.is_closed(), b.state.is_closed()) {
            (false, false) => a.days_left.cmp(&b.days_left),
            _ => Ordering::Equal,
        })
        .then(a.received.cmp(&b.received))
        .then_with(|| a.reference.cmp(&b.reference))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_what_tells_numbers_apart() {
        let c = Contact {
            id_kind: "居民身份证".into(),
            id_number: "11010519491231002X".into(),
            phone: "13800001234".into(),
            address: "某市某路1号".into(),
            email: "a@example.cn".into(),
            delivery: "邮寄".into(),
        };
        let m = masked(&c);
        assert_eq!(m.id_number, "110***********002X");
        assert_eq!(m.phone, "138****1234");
        assert_eq!(
            (m.address.as_str(), m.email.as_str()),
            ("（不显示）", "（不显示）")
        );
        assert_eq!((m.id_kind, m.delivery), (c.id_kind, c.delivery));
        // Too short to keep anything: starred whole; nothing given stays nothing.
        assert_eq!(mask("1234567", 3, 4), "*******");
        assert_eq!(masked(&Contact::default()), Contact::default());
    }
}
