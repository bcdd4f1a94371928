//! The filing workflow of the annual reports (第四十九条): a department submits its report to
//! the supervising office, which returns it with comments or clears it, then publishes it; the
//! government's own report is published by its supervising office directly. The checks R1–R10
//! are the gate (spec §5), warnings travel with their explanations, every submission and
//! publication is kept. The rules of the workflow are [`gongkai_filing`]'s; this layer loads the
//! history, checks who may act, and records the step.

use crate::{Capability, Ctx, Result, ServiceError};
use chrono::NaiveDate;
use gongkai_cases::Agency;
use gongkai_cases::limits::check_year;
pub use gongkai_filing::Timeliness;
use gongkai_filing::{Action, Command, Path, Situation, State, decide};
use gongkai_report::{CellKey, Finding, Report, Rule, Section, rules};
use gongkai_store::Store;
use gongkai_store::filings::{NewStep, Step};
use std::collections::BTreeMap;

/// An agency-year's report in the workflow.
#[derive(Debug, Clone)]
pub struct Filing {
    pub agency: Agency,
    pub year: i32,
    pub path: Path,
    pub state: State,
    /// 第四十九条: 31 January for a department, 31 March for the government's own report.
    pub due: NaiveDate,
    /// By the first submission (a department) or publication (the government).
    pub timeliness: Timeliness,
    /// Every step, in order, with the reports submitted and published.
    pub steps: Vec<Step>,
}

impl Filing {
    /// The report under review or last submitted (a department's), with the explanations of
    /// its warnings.
    pub fn submitted(&self) -> Option<(Report, BTreeMap<Rule, String>, Option<String>)> {
        let last = self
            .steps
            .iter()
            .rev()
            .find(|s| s.action == Action::Submit)?;
        let report = gongkai_report::json::from_str(last.report.as_deref()?).ok()?;
        Some((
            report,
            explanations_from(last.explanations.as_deref()),
            last.text.clone(),
        ))
    }

    /// The versions kept: every submission and publication, in order.
    pub fn versions(&self) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .filter(|s| matches!(s.action, Action::Submit | Action::Publish))
    }

    /// Whether a version of the report is published.
    pub fn published(&self) -> bool {
        self.steps.iter().any(|s| s.action == Action::Publish)
    }

    /// The last return's comment and remarks, while the report stands returned.
    pub fn returned(&self) -> Option<(&str, BTreeMap<String, String>)> {
        let last = self.steps.last().filter(|s| s.action == Action::Return)?;
        let remarks = last
            .remarks
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .unwrap_or_default();
        Some((last.text.as_deref().unwrap_or_default(), remarks))
    }
}

/// One agency of a supervisor's overview.
#[derive(Debug, Clone)]
pub struct FilingRow {
    pub agency: Agency,
    pub path: Path,
    pub state: State,
    pub due: NaiveDate,
    pub timeliness: Timeliness,
    /// The day of the first submission (a department) or publication (the government).
    pub done: Option<NaiveDate>,
    /// The latest published version.
    pub version: Option<i32>,
}

/// A supervisor's remarks on a returned report: a cell key (`t3.granted.total`) or a section
/// (`s5_problems`) → the comment.
pub type Remarks = BTreeMap<String, String>;

impl<S: Store> Ctx<'_, S> {
    /// The agency-year's report in the workflow.
    pub async fn filing(&self, agency: &str, year: i32) -> Result<Filing> {
        self.limit(check_year(year, self.settings.today))?;
        let (agency, tree) = self.locate(agency).await?;
        self.not_merged(&tree, &agency, year)?;
        let steps = self.store.steps(agency.id, year).await?;
        Ok(self.filing_of(agency, year, steps))
    }

    fn filing_of(&self, agency: Agency, year: i32, steps: Vec<Step>) -> Filing {
        let path = Path::of(agency.parent.is_some());
        let (state, done, _) = summary(path, &steps);
        let due = due(path, year);
        Filing {
            agency,
            year,
            path,
            state,
            due,
            timeliness: Timeliness::of(due, done, self.settings.today),
            steps,
        }
    }

    /// Submits a department's report of `year` to the supervising office (第四十九条第一款):
    /// `report` as entered or imported, or the report generated from the records when `None`;
    /// `explanations` of the warnings its checks find (by rule); `note` the 更正说明 when a
    /// version is published already.
    ///
    /// # Errors
    /// [`ServiceError::Refused`] with the findings when the checks find an error or an
    /// unexplained warning, when the report is under review, or for the government's own
    /// report; the caller may not handle the agency.
    pub async fn submit_report(
        &self,
        agency: &str,
        year: i32,
        report: Option<Report>,
        explanations: &BTreeMap<Rule, String>,
        note: Option<&str>,
    ) -> Result<Filing> {
        let filing = self.filing(agency, year).await?;
        let grant = self.grant(&filing.agency, Capability::Handle).await?;
        self.year_over(year)?;
        let report = match report {
            Some(r) => self.same_report(&filing.agency, year, r)?,
            None => self.generate_report(agency, year, false).await?.report,
        };
        let findings = self.findings(&filing.agency, year, &report).await?;
        let decision = decide(
            &situation(&filing),
            &Command::Submit {
                findings: &findings,
                explanations,
                note,
            },
        )?;
        let step = NewStep {
            action: Action::Submit,
            report: Some(gongkai_report::json::to_string(&report, None)),
            explanations: Some(explanations_json(&decision.explanations)),
            text: decision.text,
            remarks: None,
        };
        self.record(filing, &grant, "report.submit", step).await
    }

    /// Returns a submitted report to the department with the supervisor's comment, and remarks
    /// on cells or sections.
    pub async fn return_report(
        &self,
        agency: &str,
        year: i32,
        comment: &str,
        remarks: &Remarks,
    ) -> Result<Filing> {
        let filing = self.filing(agency, year).await?;
        let grant = self.grant(&filing.agency, Capability::Supervise).await?;
        for (key, text) in remarks {
            if key.parse::<CellKey>().is_err() && Section::from_key(key).is_none() {
                return Err(ServiceError::Invalid(format!(
                    "意见所指的“{key}”不是表格单元格或章节"
                )));
            }
            if text.trim().is_empty() {
                return Err(ServiceError::Invalid(format!("“{key}”的意见为空")));
            }
        }
        let decision = decide(&situation(&filing), &Command::Return { comment })?;
        let step = NewStep {
            action: Action::Return,
            report: None,
            explanations: None,
            text: decision.text,
            remarks: (!remarks.is_empty())
                .then(|| serde_json::to_string(remarks).unwrap_or_else(|_| "{}".to_owned())),
        };
        self.record(filing, &grant, "report.return", step).await
    }

    /// Clears a submitted report for publication.
    pub async fn clear_report(&self, agency: &str, year: i32) -> Result<Filing> {
        let filing = self.filing(agency, year).await?;
        let grant = self.grant(&filing.agency, Capability::Supervise).await?;
        let decision = decide(&situation(&filing), &Command::Clear)?;
        let step = NewStep {
            action: decision.action,
            report: None,
            explanations: None,
            text: None,
            remarks: None,
        };
        self.record(filing, &grant, "report.clear", step).await
    }

    /// Publishes the agency's report of `year` (第四十九条、第五十条) as its next version:
    /// a department's report as it was submitted and cleared; the government's own report
    /// (`report`, or the one generated from the records) after the same checks, its warnings
    /// explained, with `note` the 更正说明 of a correction. A department's correction carries
    /// the note it was submitted with. Returns the version.
    pub async fn publish_report(
        &self,
        agency: &str,
        year: i32,
        report: Option<Report>,
        explanations: &BTreeMap<Rule, String>,
        note: Option<&str>,
    ) -> Result<(Filing, i32)> {
        let filing = self.filing(agency, year).await?;
        let grant = self.grant(&filing.agency, Capability::Supervise).await?;
        self.year_over(year)?;
        let (report, explanations, note) = match filing.path {
            Path::Own => {
                let report = match report {
                    Some(r) => self.same_report(&filing.agency, year, r)?,
                    None => self.generate_report(agency, year, false).await?.report,
                };
                (report, explanations.clone(), note.map(str::to_owned))
            }
            Path::Filed => {
                if report.is_some() {
                    return Err(ServiceError::Invalid(
                        "部门的年度报告按报送并审核通过的内容发布，不能另附报告".into(),
                    ));
                }
                match filing.submitted() {
                    Some(s) => s,
                    // Cleared, yet what was submitted does not read back: never publish
                    // something else in its place.
                    None if filing.state == State::Cleared => {
                        return Err(gongkai_store::StoreError::Backend(
                            "报送的年度报告无法读取，未发布".into(),
                        )
                        .into());
                    }
                    // Never submitted: the workflow refuses it below, by its state.
                    None => (
                        Report::blank(gongkai_report::Format::for_year(year), year, ""),
                        BTreeMap::new(),
                        None,
                    ),
                }
            }
        };
        let findings = self.findings(&filing.agency, year, &report).await?;
        let decision = decide(
            &situation(&filing),
            &Command::Publish {
                findings: &findings,
                explanations: &explanations,
                note: note.as_deref(),
            },
        )?;
        let step = NewStep {
            action: Action::Publish,
            report: Some(gongkai_report::json::to_string(&report, None)),
            explanations: Some(explanations_json(&decision.explanations)),
            text: decision.text,
            remarks: None,
        };
        let filing = self.record(filing, &grant, "report.publish", step).await?;
        let version = filing
            .steps
            .last()
            .and_then(|s| s.version)
            .ok_or_else(|| ServiceError::Invalid("发布未生成版本".into()))?;
        Ok((filing, version))
    }

    /// The reports of `year` of every agency the caller sees (the supervisor's subtree), in the
    /// tree's order: state, due date, on time or late.
    pub async fn filings(&self, year: i32) -> Result<Vec<FilingRow>> {
        self.limit(check_year(year, self.settings.today))?;
        let tree = self.tree().await?;
        let agencies: Vec<&Agency> = self
            .scope
            .visible(&tree)
            .into_iter()
            .filter(|a| self.not_merged(&tree, a, year).is_ok())
            .collect();
        let ids: Vec<_> = agencies.iter().map(|a| a.id).collect();
        let mut steps: BTreeMap<i64, Vec<Step>> = BTreeMap::new();
        for (agency, step) in self.store.steps_of(&ids, year).await? {
            steps.entry(agency.0).or_default().push(step);
        }
        Ok(agencies
            .into_iter()
            .map(|agency| {
                let path = Path::of(agency.parent.is_some());
                let own = steps.get(&agency.id.0).map_or(&[][..], Vec::as_slice);
                let (state, done, version) = summary(path, own);
                let due = due(path, year);
                FilingRow {
                    agency: agency.clone(),
                    path,
                    state,
                    due,
                    timeliness: Timeliness::of(due, done, self.settings.today),
                    done,
                    version,
                }
            })
            .collect())
    }

    /// Refuses a change of the agency-year's report while it is submitted or cleared: the
    /// report under review is what was submitted (the FOIA model: locked after submission).
    pub(crate) async fn unlocked(&self, agency: &Agency, year: i32) -> Result<()> {
        let steps = self.store.steps(agency.id, year).await?;
        let state = gongkai_filing::state(steps.iter().map(|s| s.action));
        if state.locked() {
            return Err(ServiceError::Refused(gongkai_filing::Refusal::WrongState {
                state,
                action: Action::Submit,
                why: "报告已报送，退回前不能修改其数据和正文",
            }));
        }
        Ok(())
    }

    /// The checks of a report (spec §5), with the cross-year rules against the agency's
    /// published report of the year before when there is one.
    pub async fn findings(
        &self,
        agency: &Agency,
        year: i32,
        report: &Report,
    ) -> Result<Vec<Finding>> {
        let mut findings = rules::check(report);
        // R8 on section 二: the figures written there against the records (the paragraph
        // gongkai wrote agrees unless the records changed since).
        let activity = self.activity_of(&[agency.id], year).await?;
        findings.extend(gongkai_activity::compare(
            report.section(gongkai_report::Section::S2Proactive),
            &activity,
        ));
        findings.extend(self.cross_year_findings(agency, year, report).await?);
        Ok(findings)
    }

    /// The cross-year checks of a report (R5, R6, R9's year-on-year changes) against the
    /// agency's published report of the year before; none when there is none.
    pub async fn cross_year_findings(
        &self,
        agency: &Agency,
        year: i32,
        report: &Report,
    ) -> Result<Vec<Finding>> {
        let before = self
            .store
            .published_report(agency.id, year - 1, None)
            .await?;
        let Some(prev) = before.and_then(|p| gongkai_report::json::from_str(&p.json).ok()) else {
            return Ok(Vec::new());
        };
        Ok(rules::check_series(&[&prev, report])
            .into_iter()
            .filter(|(i, _)| *i == 1)
            .map(|(_, f)| f)
            .collect())
    }

    /// The report of a year is filed after the year (第四十九条: the report of the year before).
    fn year_over(&self, year: i32) -> Result<()> {
        if year >= chrono::Datelike::year(&self.settings.today) {
            return Err(ServiceError::Invalid(format!(
                "{year} 年度尚未结束，不能报送或发布该年度的年度报告"
            )));
        }
        Ok(())
    }

    /// A report entered or imported for the agency-year: its year must be the year, and its
    /// agency the agency (by any of its names), so that no other agency's file is filed.
    fn same_report(&self, agency: &Agency, year: i32, report: Report) -> Result<Report> {
        if report.known_year() != Some(year) {
            return Err(ServiceError::Invalid(format!(
                "所附报告的年度不是 {year} 年"
            )));
        }
        let named = report.agency.trim();
        if !named.is_empty() && !agency.has_name(named) && agency.name != named {
            return Err(ServiceError::Invalid(format!(
                "所附报告是“{named}”的，不是“{}”的",
                agency.name
            )));
        }
        Ok(report)
    }

    /// Records the step, allowed by `grant`, with its audit entry (`action`), on the history the
    /// decision was made on (a step taken meanwhile by someone else is a conflict), and returns
    /// the filing after it.
    async fn record(
        &self,
        filing: Filing,
        grant: &gongkai_access::Grant,
        action: &'static str,
        step: NewStep,
    ) -> Result<Filing> {
        let audit = self
            .draft(grant, action, format!("年度报告 {} 年", filing.year))
            .await?;
        let seq = i32::try_from(filing.steps.len() + 1)
            .map_err(|_| ServiceError::Invalid("报送步骤过多".into()))?;
        self.store
            .record_step(filing.agency.id, filing.year, seq, step, audit)
            .await?;
        let steps = self.store.steps(filing.agency.id, filing.year).await?;
        Ok(self.filing_of(filing.agency, filing.year, steps))
    }
}

fn situation(filing: &Filing) -> Situation {
    Situation {
        path: filing.path,
        state: filing.state,
        published: filing.published(),
    }
}

fn due(path: Path, year: i32) -> NaiveDate {
    // A year check_year accepted has a next year.
    path.due(year).unwrap_or(NaiveDate::MAX)
}

/// The state, the day the report was first done (submitted by a department, published by the
/// government; China time), and the latest published version.
fn summary(path: Path, steps: &[Step]) -> (State, Option<NaiveDate>, Option<i32>) {
    let state = gongkai_filing::state(steps.iter().map(|s| s.action));
    let done_by = match path {
        Path::Filed => Action::Submit,
        Path::Own => Action::Publish,
    };
    let done = steps
        .iter()
        .find(|s| s.action == done_by)
        .map(|s| crate::in_china(s.at).date_naive());
    let version = steps.iter().filter_map(|s| s.version).max();
    (state, done, version)
}

/// Explanations as stored: `{"R9": "…"}`.
fn explanations_json(explanations: &BTreeMap<Rule, String>) -> String {
    let map: BTreeMap<String, &String> = explanations
        .iter()
        .map(|(r, e)| (format!("{r:?}"), e))
        .collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".to_owned())
}

/// Explanations from their stored JSON (an unreadable one reads as none).
pub fn explanations_from(json: Option<&str>) -> BTreeMap<Rule, String> {
    let map: BTreeMap<String, String> = json
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    map.into_iter()
        .filter_map(|(k, v)| parse_rule(&k).map(|r| (r, v)))
        .collect()
}

/// A rule by its id (`R9`), as the API's explanations name it.
pub fn parse_rule(id: &str) -> Option<Rule> {
    Rule::ALL
        .into_iter()
        .find(|r| format!("{r:?}").eq_ignore_ascii_case(id.trim()))
}
