//! The use cases of disclosure work: the one layer every front end calls (the `gongkai`
//! command line now, the web platform next). A front end parses its input, calls one use case
//! and renders what it returns; it holds no rule of the 条例 and no store call.
//!
//! Every use case runs in a [`Ctx`]: the store, the caller's [`Scope`] (which only an access
//! check makes) and the [`Settings`]. A use case on an agency checks that the scope reaches it;
//! a write gets its [`gongkai_access::Grant`] from that check and records an audit entry in the
//! write's own transaction. Errors are [`ServiceError`]s, whose messages say what is wrong
//! without naming any front end's commands; warnings are typed values the front end words.
//!
//! - [`accounts`]: users and their roles, API tokens, logins and sessions;
//! - [`agencies`]: register, rename, move, merge, alias, the tree;
//! - [`requests`]: register, record an event, correct, withdraw an event, show, the work list;
//! - [`routing`]: dispatch (转办), signature (签收), return (退回) and sub-tasks (协办) inside a
//!   government, none of which moves the statutory clock;
//! - [`similar`]: earlier requests of the same applicant and near-identical ones at
//!   registration, links of the same request (同一申请), the responsible agency of a reply;
//! - [`remedies`]: reconsideration and litigation cases;
//! - [`ledger`]: the 台账 import (with the differences of a re-import) and export;
//! - [`catalogue`]: the proactive-disclosure catalogue, its search index, attachments and the
//!   register behind table 二;
//! - [`directory`], [`channels`]: the 政务公开事项标准目录 with the year's coverage of its items
//!   per unit, and the register of the portal and 政务新媒体 accounts with their monthly counts;
//! - [`guide`]: the agency's 政府信息公开指南 (第十二条), edited by its officers;
//! - [`reports`]: the annual report from the records, drill-down, table 二 figures, the text;
//! - [`filing`]: the annual reports' filing workflow — submitted, returned, cleared, published;
//! - [`repeated`]: information asked for by several applicants, to publish proactively
//!   (第四十四条);
//! - [`dashboard`], [`assessment`]: the supervising office's dashboard of its subtree and the
//!   assessment (考核) of its units under a scoring scheme;
//! - [`review`]: published reports read, checked and paired across years;
//! - [`reminders`]: each officer's due-soon and overdue requests as a daily digest (e-mail or
//!   outbox) and as a calendar feed at a secret address;
//! - [`portal`]: the public's use cases, without login ([`portal::Public`]): the catalogue,
//!   online applications and their tracking, the 政府信息公开指南;
//! - [`letters`]: the letters of a request from the agency's templates, and the templates;
//! - [`messages`]: public messages (互动交流) in the back office — their reply time limit and
//!   the overdue ones, assignment, duplicates, abuse, replies published or private, and the
//!   conversions message ⇄ request;
//! - [`notify`]: messages to the applicant at each milestone and to staff, queued in the
//!   database and sent by SMS gateway, SMTP or into an outbox, with quiet hours and retries;
//! - [`calendar`], [`audit`], [`installation`]: the holiday calendar, the audit log, backups
//!   and moving an installation to PostgreSQL.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod activity;
pub mod agencies;
pub mod applications;
pub mod assessment;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod channels;
pub mod dashboard;
pub mod directory;
pub mod disclosures;
pub mod filing;
pub mod guide;
pub mod id_photo;
pub mod installation;
pub mod ledger;
pub mod letters;
pub mod messages;
pub mod notify;
pub mod portal;
pub mod redaction;
pub mod remedies;
pub mod reminders;
pub mod repeated;
pub mod reports;
pub mod requests;
pub mod review;
pub mod routing;
pub mod similar;

pub use gongkai_access::{AccessError, Actor, Capability, Role, Scope};

use chrono::{Datelike, NaiveDate};
use gongkai_access::Grant;
use gongkai_audit::{Draft, Pseudonyms};
use gongkai_calendar::DeadlineSettings;
use gongkai_cases::{Agency, AgencyId, tables};
use gongkai_ledger::LedgerErrors;
use gongkai_store::{Difference, Store, StoreError};

/// Why a use case could not be carried out. Messages are Chinese, for the officer, and name no
/// command of any front end.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No agency has, or had, this name or alias.
    #[error("没有名为“{0}”的机关")]
    UnknownAgency(String),
    /// No request of the agency has this reference.
    #[error("{agency} 没有受理编号为 {reference} 的申请")]
    UnknownRequest { agency: String, reference: String },
    /// No request the scope sees has this id.
    #[error("找不到编号为 {0} 的申请")]
    UnknownRequestId(i64),
    /// No remedy case of the agency has this reference.
    #[error("{agency} 没有案件编号为 {reference} 的复议诉讼案件")]
    UnknownRemedy { agency: String, reference: String },
    /// The scope does not reach the agency, or the change is installation-wide.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The ledger file has wrong rows; nothing was imported.
    #[error(transparent)]
    Ledger(#[from] LedgerErrors),
    /// A re-imported ledger gives recorded values differently; nothing was imported.
    #[error("{}", differences_text(.0))]
    Differences(Vec<Difference>),
    /// The agency was merged into another: from that year on it has no records or report of its
    /// own.
    #[error("“{agency}”已于 {on} 并入“{into}”，{year} 年度的申请和报告属于“{into}”")]
    Merged {
        agency: String,
        into: String,
        on: NaiveDate,
        year: i32,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("放假安排有误：{0}")]
    Calendar(#[from] gongkai_calendar::CalendarError),
    /// Bad input: the message says what and where.
    #[error("{0}")]
    Invalid(String),
    /// The filing workflow refused a step (第四十九条): the state does not allow it, or the
    /// checks found an error or an unexplained warning.
    #[error(transparent)]
    Refused(#[from] gongkai_filing::Refusal),
    /// A routing step (转办, 签收, 退回, 协办) that may not follow the steps so far.
    #[error(transparent)]
    Routing(#[from] gongkai_cases::routing::RoutingError),
    /// Bad fields of a form (an online application): each with its message.
    #[error("{}", fields_text(.0))]
    Fields(Vec<FieldProblem>),
    /// A document could not be read or rebuilt for redaction (区分处理): a kind that cannot be
    /// redacted, a program missing on the server, a file it cannot process.
    #[error(transparent)]
    Redact(#[from] gongkai_redact::Error),
}

/// A field of a form and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's name, as the API and the form call it (`id_number`).
    pub field: &'static str,
    pub message: String,
}

fn fields_text(list: &[FieldProblem]) -> String {
    let parts: Vec<&str> = list.iter().map(|p| p.message.as_str()).collect();
    format!("填写有误：{}", parts.join("；"))
}

/// How many differences the message of [`ServiceError::Differences`] lists by name.
pub const DIFFERENCES_LISTED: usize = 100;

fn differences_text(list: &[Difference]) -> String {
    let mut out = format!(
        "台账中有 {} 处与已登记的记录不同，未导入任何数据：",
        list.len()
    );
    for d in list.iter().take(DIFFERENCES_LISTED) {
        out.push_str(&format!(
            "\n  {} {}“{}”：已登记“{}” → 文件“{}”",
            d.record, d.reference, d.change.field, d.change.old, d.change.new
        ));
    }
    if list.len() > DIFFERENCES_LISTED {
        out.push_str(&format!(
            "\n  ……另有 {} 处未列出",
            list.len() - DIFFERENCES_LISTED
        ));
    }
    out
}

/// A moment in China time (UTC+8), the time zone of the 条例's dates.
pub fn in_china(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::FixedOffset> {
    use chrono::Offset;
    // Eight hours is within the range `east_opt` accepts: UTC is a fallback never taken.
    let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| chrono::Utc.fix());
    at.with_timezone(&tz)
}

/// Shorthand for the results of this crate.
pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// What the use cases need to know of the installation's configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How deadlines are counted (the fee pause, "due soon").
    pub deadline: DeadlineSettings,
    /// The key of the audit log's pseudonyms; `None`: the installation's own key, kept in the
    /// database.
    pub audit_key: Option<Vec<u8>>,
    /// Today, by the official calendar's time zone: dates of the records may not lie after it,
    /// and work lists count from it.
    pub today: NaiveDate,
    /// What the portal accepts with an online application, and when its receipt is confirmed.
    pub portal: applications::PortalRules,
    /// The bodies the applicant may turn to, as the letters name them.
    pub letters: gongkai_letters::Remedies,
    /// The reply time limit of public messages.
    pub messages: messages::MessageRules,
    /// The phrases that bring a notice on the portal's application form (第三十九条).
    pub triage: portal::triage::TriageRules,
    /// The key that encrypts identity-document photos; without it no photo is accepted.
    pub id_photo_key: Option<id_photo::PhotoKey>,
    /// The programs that read and rebuild documents for redaction (`[redact]`).
    pub redact: gongkai_redact::Tools,
    /// When messages to applicants and staff may go, and how templates are checked.
    pub notify: notify::NotifyRules,
}

impl Settings {
    /// Default deadline rules and the installation's key, as of `today`.
    pub fn new(today: NaiveDate) -> Settings {
        Settings {
            deadline: DeadlineSettings::default(),
            audit_key: None,
            today,
            portal: applications::PortalRules::default(),
            letters: gongkai_letters::Remedies::default(),
            messages: messages::MessageRules::default(),
            triage: portal::triage::TriageRules::default(),
            id_photo_key: None,
            redact: gongkai_redact::Tools::default(),
            notify: notify::NotifyRules::default(),
        }
    }
}

/// A use case's surroundings: the store, who is calling and what they reach, the settings.
/// Three references: copied freely.
#[derive(Debug)]
pub struct Ctx<'a, S> {
    pub store: &'a S,
    pub scope: &'a Scope,
    pub settings: &'a Settings,
}

impl<S> Clone for Ctx<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Ctx<'_, S> {}

/// A warning about input that was accepted: the front end words it (and may name the command
/// that helps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A date in a year the working-day calendar does not know: deadlines that run through it
    /// are provisional.
    YearNotInCalendar {
        year: i32,
        known: Option<(i32, i32)>,
    },
    /// A request decided as 重复申请 (第三十六条第（六）项) without a link to an answered
    /// request of the same applicant: allowed, but nothing on record shows the earlier one.
    RepeatWithoutLink,
    /// The milestone was recorded, but its message to the applicant could not be queued: why.
    NotQueued(String),
}

impl<'a, S: Store> Ctx<'a, S> {
    pub fn new(store: &'a S, scope: &'a Scope, settings: &'a Settings) -> Ctx<'a, S> {
        Ctx {
            store,
            scope,
            settings,
        }
    }

    /// Every agency (the tree the access checks walk).
    pub(crate) async fn tree(&self) -> Result<Vec<Agency>> {
        Ok(self.store.agencies().await?)
    }

    /// The agency a name given by a person means: its current name, then an alias, then a
    /// former name (after a rename, the old name still finds the agency). The scope must reach
    /// it.
    pub async fn agency(&self, name: &str) -> Result<Agency> {
        Ok(self.locate(name).await?.0)
    }

    /// [`Ctx::agency`] with the tree it was found in, for the access check that follows
    /// ([`Ctx::grant_in`]): one reading of the agencies per use case. The aliases are read only
    /// when the name is no agency's current name.
    pub(crate) async fn locate(&self, name: &str) -> Result<(Agency, Vec<Agency>)> {
        let tree = self.tree().await?;
        let current = tree.iter().find(|a| a.name == name.trim()).cloned();
        let agency = match current {
            Some(a) => a,
            None => resolve(&tree, &self.store.aliases().await?, name)?,
        };
        if !self.scope.reaches(agency.id, &tree) {
            return Err(AccessError::Denied {
                actor: self.scope.actor().to_string(),
                agency: agency.name.clone(),
            }
            .into());
        }
        Ok((agency, tree))
    }

    /// The access check of `capability` on `agency`.
    pub(crate) async fn grant(&self, agency: &Agency, capability: Capability) -> Result<Grant> {
        self.grant_in(&self.tree().await?, agency, capability)
    }

    /// The access check of `capability` on `agency`, in a tree already read.
    pub(crate) fn grant_in(
        &self,
        tree: &[Agency],
        agency: &Agency,
        capability: Capability,
    ) -> Result<Grant> {
        Ok(self.scope.agency(agency, tree, capability)?)
    }

    /// The audit entry of a write allowed by `grant`, with the pseudonyms' key.
    pub(crate) async fn draft(
        &self,
        grant: &Grant,
        action: &'static str,
        object: impl Into<String>,
    ) -> Result<Draft> {
        let key = match &self.settings.audit_key {
            Some(k) => k.clone(),
            None => self.store.installation_key().await?,
        };
        Ok(Draft::new(grant, action, object).with_pseudonyms(Pseudonyms::new(&key)))
    }

    /// The agencies whose records a report of `agency` for `year` counts (see
    /// [`tables::report_scope`]); an agency merged into another by then has none of its own.
    pub(crate) async fn report_scope(
        &self,
        agency: &Agency,
        year: i32,
        consolidated: bool,
    ) -> Result<Vec<AgencyId>> {
        let tree = self.tree().await?;
        self.not_merged(&tree, agency, year)?;
        Ok(tables::report_scope(&tree, agency.id, year, consolidated))
    }

    /// Refuses records or a report of a merged agency for the year of its merger or later.
    pub(crate) fn not_merged(&self, tree: &[Agency], agency: &Agency, year: i32) -> Result<()> {
        match agency.merged {
            Some(m) if m.on.year() <= year => Err(ServiceError::Merged {
                agency: agency.name.clone(),
                into: tree
                    .iter()
                    .find(|a| a.id == m.into)
                    .map_or_else(String::new, |a| a.name.clone()),
                on: m.on,
                year,
            }),
            _ => Ok(()),
        }
    }

    /// `root`, and with `subtree` every agency below it the scope reaches, in the tree's order
    /// (a supervising office's units).
    pub(crate) fn units<'t>(
        &self,
        tree: &'t [Agency],
        root: &'t Agency,
        subtree: bool,
    ) -> Vec<&'t Agency> {
        if !subtree {
            return vec![root];
        }
        tables::subtree(tree, root.id)
            .into_iter()
            .filter(|id| self.scope.reaches(*id, tree))
            .filter_map(|id| tree.iter().find(|a| a.id == id))
            .collect()
    }

    /// Checks an input against a limit of [`gongkai_cases::limits`].
    pub(crate) fn limit(&self, check: std::result::Result<(), String>) -> Result<()> {
        check.map_err(ServiceError::Invalid)
    }
}

/// The agency `name` means among `tree` and `aliases` (see [`Ctx::agency`]).
pub fn resolve(tree: &[Agency], aliases: &[(String, AgencyId)], name: &str) -> Result<Agency> {
    let name = name.trim();
    let by_id = |id: AgencyId| tree.iter().find(|a| a.id == id);
    let found = tree
        .iter()
        .find(|a| a.name == name)
        .or_else(|| {
            aliases
                .iter()
                .find(|(alias, _)| alias == name)
                .and_then(|(_, id)| by_id(*id))
        })
        .or_else(|| {
            // A former name, if only one agency ever bore it.
            let mut former = tree.iter().filter(|a| a.has_name(name));
            match (former.next(), former.next()) {
                (Some(a), None) => Some(a),
                _ => None,
            }
        });
    found
        .cloned()
        .ok_or_else(|| ServiceError::UnknownAgency(name.to_owned()))
}

/// The warnings a date of the records calls for.
pub(crate) fn date_warnings(cal: &gongkai_calendar::Calendar, date: NaiveDate) -> Vec<Warning> {
    if cal.is_known_year(date.year()) {
        return Vec::new();
    }
    vec![Warning::YearNotInCalendar {
        year: date.year(),
        known: cal.first_year().zip(cal.last_year()),
    }]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use gongkai_cases::FormerName;

    #[test]
    fn names_resolve_by_current_name_alias_then_former_name() {
        let mut land = Agency::new(AgencyId(2), "县自然资源局", Some(AgencyId(1)));
        land.former_names.push(FormerName {
            name: "县国土资源局".into(),
            until: NaiveDate::from_ymd_opt(2019, 3, 1).unwrap(),
        });
        let tree = vec![Agency::new(AgencyId(1), "县人民政府", None), land];
        let aliases = vec![("县资源局".to_owned(), AgencyId(2))];
        for name in ["县自然资源局", " 县资源局 ", "县国土资源局"] {
            assert_eq!(
                resolve(&tree, &aliases, name).unwrap().id,
                AgencyId(2),
                "{name}"
            );
        }
        assert!(matches!(
            resolve(&tree, &aliases, "县交通局"),
            Err(ServiceError::UnknownAgency(_))
        ));
    }
}
