//! The filing workflow of an agency-year's annual report (第四十九条), modelled on the US FOIA
//! annual report's: a department's report is drafted, **submitted** to the supervising office
//! (政府信息公开工作主管部门) and locked, **returned** with comments or **cleared**, and a cleared
//! report is **published**. The government's own report (an agency at the top of the tree) is
//! drafted and published by the supervising office itself: submitting and clearing do not apply.
//!
//! The checks R1–R10 (spec §5) are the gate on every path to publication: a report with an
//! error-severity finding is neither submitted nor published, and every warning travels with a
//! written explanation. A published report is never changed: a correction is a new version with
//! its 更正说明 (第五十条 asks the report to be accurate; the portal keeps every version).
//!
//! Pure: the history comes in as the actions recorded so far, [`decide`] says whether the next
//! command may happen and what is recorded; the store keeps the history, the services load it.
#![forbid(unsafe_code)]

use chrono::{Datelike, NaiveDate};
use gongkai_report::{Finding, Rule, Severity};
use std::collections::BTreeMap;

/// Which way an agency's report goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// A department or township below a government: submitted to the supervising office by
    /// 31 January (第四十九条第一款).
    Filed,
    /// The government's own report, at the top of the tree: published by its supervising office
    /// by 31 March (第四十九条第二款).
    Own,
}

impl Path {
    /// An agency with a parent files its report with the parent's supervising office.
    pub fn of(has_parent: bool) -> Path {
        if has_parent { Path::Filed } else { Path::Own }
    }

    /// The statutory due date of the report of `year` (第四十九条): 31 January of the next year
    /// for a department, 31 March for the government's own report.
    pub fn due(self, year: i32) -> Option<NaiveDate> {
        let month = match self {
            Path::Filed => 1,
            Path::Own => 3,
        };
        // Both due dates are the 31st of their month.
        NaiveDate::from_ymd_opt(year.checked_add(1)?, month, 31)
    }

    /// What is due by then, for listings: 报送 for a department, 发布 for the government.
    pub fn due_what(self) -> &'static str {
        match self {
            Path::Filed => "报送",
            Path::Own => "发布",
        }
    }
}

/// Where an agency-year's report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    Draft,
    Submitted,
    Returned,
    Cleared,
    Published,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Draft,
        State::Submitted,
        State::Returned,
        State::Cleared,
        State::Published,
    ];

    /// The word of the API: `draft`, `submitted`, `returned`, `cleared`, `published`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Cleared => "cleared",
            State::Published => "published",
        }
    }

    /// The word of the pages.
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "草稿",
            State::Submitted => "已报送待审核",
            State::Returned => "已退回修改",
            State::Cleared => "已审核待发布",
            State::Published => "已发布",
        }
    }

    /// Whether the report is locked: submitted or cleared, nothing of the agency-year's report
    /// (its figures, its text, a new submission) changes until it is returned or published.
    pub fn locked(self) -> bool {
        matches!(self, State::Submitted | State::Cleared)
    }

    /// The state an API word names.
    pub fn parse(word: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == word)
    }
}

/// One recorded step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Submit,
    Return,
    Clear,
    Publish,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Submit,
        Action::Return,
        Action::Clear,
        Action::Publish,
    ];

    /// The state the action leaves the report in.
    pub fn result(self) -> State {
        match self {
            Action::Submit => State::Submitted,
            Action::Return => State::Returned,
            Action::Clear => State::Cleared,
            Action::Publish => State::Published,
        }
    }

    /// The word stored and shown by the API: the state it leads to.
    pub fn as_str(self) -> &'static str {
        self.result().as_str()
    }

    /// The word of the pages: 报送, 退回, 审核通过, 发布.
    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "报送",
            Action::Return => "退回",
            Action::Clear => "审核通过",
            Action::Publish => "发布",
        }
    }

    /// The action a stored word names.
    pub fn parse(word: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == word)
    }
}

/// The state after the recorded actions, in order: the last one's result, a draft before any.
pub fn state(actions: impl IntoIterator<Item = Action>) -> State {
    actions
        .into_iter()
        .last()
        .map_or(State::Draft, Action::result)
}

/// What is known of an agency-year when a command comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Situation {
    pub path: Path,
    pub state: State,
    /// Whether a version of the report is published already: the next publication is a
    /// correction, with its 更正说明.
    pub published: bool,
}

/// A command on the workflow, with what it needs to be decided.
#[derive(Debug, Clone, Copy)]
pub enum Command<'a> {
    /// Submit the report whose check found `findings`, with explanations of its warnings and,
    /// for a correction of a published report, the 更正说明.
    Submit {
        findings: &'a [Finding],
        explanations: &'a BTreeMap<Rule, String>,
        note: Option<&'a str>,
    },
    /// Return the submitted report with the supervisor's comment.
    Return { comment: &'a str },
    /// Clear the submitted report for publication.
    Clear,
    /// Publish: a department's cleared report (its findings, explanations and note are those of
    /// the submission), or the government's own report.
    Publish {
        findings: &'a [Finding],
        explanations: &'a BTreeMap<Rule, String>,
        note: Option<&'a str>,
    },
}

impl Command<'_> {
    pub fn action(&self) -> Action {
        match self {
            Command::Submit { .. } => Action::Submit,
            Command::Return { .. } => Action::Return,
            Command::Clear => Action::Clear,
            Command::Publish { .. } => Action::Publish,
        }
    }
}

/// What a command records when it is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub action: Action,
    /// The explanations of the rules that found a warning (those of rules without a finding are
    /// dropped, so that what travels with the report explains what is there).
    pub explanations: BTreeMap<Rule, String>,
    /// The 更正说明 of a correction, or the return's comment, trimmed.
    pub text: Option<String>,
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The report has error-severity findings: the statutory arithmetic does not hold.
    #[error("年度报告有 {} 处错误，须改正后才能{}", .findings.len(), .action.label())]
    ChecksFailed {
        action: Action,
        findings: Vec<Finding>,
    },
    /// Warnings without a written explanation.
    #[error("年度报告有 {} 处提示没有说明：{}，请逐条说明后再{}", .findings.len(), rules_text(.findings), .action.label())]
    Unexplained {
        action: Action,
        findings: Vec<Finding>,
    },
    /// The action does not follow from the state.
    #[error("{}的年度报告不能{}：{}", .state.label(), .action.label(), .why)]
    WrongState {
        state: State,
        action: Action,
        why: &'static str,
    },
    /// Submitting and clearing do not apply to the government's own report.
    #[error("本级政府的年度报告由政府信息公开工作主管部门直接发布，不适用{}（第四十九条第二款）", .0.label())]
    NotApplicable(Action),
    /// A correction of a published report needs its 更正说明; a first publication has none.
    #[error("{}", if *.0 { "已发布的年度报告只能以更正版本发布，请写明更正说明" } else { "首次报送或发布的年度报告没有更正说明" })]
    Note(bool),
    /// A return without a comment.
    #[error("退回须写明意见")]
    CommentRequired,
}

impl Refusal {
    /// The stable code of the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::ChecksFailed { .. } => "checks_failed",
            Refusal::Unexplained { .. } => "explanations_missing",
            Refusal::WrongState { .. } => "wrong_state",
            Refusal::NotApplicable(_) => "not_applicable",
            Refusal::Note(_) => "correction_note",
            Refusal::CommentRequired => "comment_required",
        }
    }

    /// The findings behind the refusal (empty unless the checks refused).
    pub fn findings(&self) -> &[Finding] {
        match self {
            Refusal::ChecksFailed { findings, .. } | Refusal::Unexplained { findings, .. } => {
                findings
            }
            _ => &[],
        }
    }
}

fn rules_text(findings: &[Finding]) -> String {
    let mut rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
    rules.dedup();
    rules
        .iter()
        .map(|r| format!("{r:?}"))
        .collect::<Vec<_>>()
        .join("、")
}

/// Whether `command` may happen in `situation`, and what it records.
///
/// # Errors
/// The [`Refusal`] that says why not.
pub fn decide(situation: &Situation, command: &Command<'_>) -> Result<Decision, Refusal> {
    let action = command.action();
    let state = situation.state;
    let wrong = |why| Refusal::WrongState { state, action, why };
    match (situation.path, action) {
        (Path::Own, Action::Submit | Action::Return | Action::Clear) => {
            return Err(Refusal::NotApplicable(action));
        }
        (Path::Own, Action::Publish) => {}
        (Path::Filed, Action::Submit) if state.locked() => {
            return Err(wrong("已报送的报告在退回前不能修改或重新报送"));
        }
        (Path::Filed, Action::Return | Action::Clear) if state != State::Submitted => {
            return Err(wrong("只能审核已报送的报告"));
        }
        (Path::Filed, Action::Publish) if state != State::Cleared => {
            return Err(wrong("报告须经政府信息公开工作主管部门审核通过后发布"));
        }
        (Path::Filed, _) => {}
    }
    match *command {
        Command::Return { comment } => {
            let comment = comment.trim();
            if comment.is_empty() {
                return Err(Refusal::CommentRequired);
            }
            Ok(Decision {
                action,
                explanations: BTreeMap::new(),
                text: Some(comment.to_owned()),
            })
        }
        Command::Clear => Ok(Decision {
            action,
            explanations: BTreeMap::new(),
            text: None,
        }),
        Command::Submit {
            findings,
            explanations,
            note,
        }
        | Command::Publish {
            findings,
            explanations,
            note,
        } => {
            let explanations = gate(action, findings, explanations)?;
            let note = note.map(str::trim).filter(|n| !n.is_empty());
            if situation.published != note.is_some() {
                return Err(Refusal::Note(situation.published));
            }
            Ok(Decision {
                action,
                explanations,
                text: note.map(str::to_owned),
            })
        }
    }
}

/// The checks as the gate (spec §5): no error-severity finding, and a written explanation of
/// every rule that found a warning. Returns the explanations kept.
fn gate(
    action: Action,
    findings: &[Finding],
    explanations: &BTreeMap<Rule, String>,
) -> Result<BTreeMap<Rule, String>, Refusal> {
    let errors: Vec<Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .cloned()
        .collect();
    if !errors.is_empty() {
        return Err(Refusal::ChecksFailed {
            action,
            findings: errors,
        });
    }
    let explained = |rule: Rule| {
        explanations
            .get(&rule)
            .is_some_and(|e| !e.trim().is_empty())
    };
    let unexplained: Vec<Finding> = findings
        .iter()
        .filter(|f| !explained(f.rule))
        .cloned()
        .collect();
    if !unexplained.is_empty() {
        return Err(Refusal::Unexplained {
            action,
            findings: unexplained,
        });
    }
    Ok(findings
        .iter()
        .map(|f| (f.rule, explanations[&f.rule].trim().to_owned()))
        .collect())
}

/// Whether a report was on time, by the first day it was submitted (a department) or published
/// (the government's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    /// Done by the due date.
    OnTime,
    /// Done this many days after it.
    Late(i64),
    /// Not done, and the due date has passed by this many days.
    Missing(i64),
    /// Not done yet, and not yet due.
    Pending,
}

impl Timeliness {
    /// From the due date, the day it was done (if it was) and today.
    pub fn of(due: NaiveDate, done: Option<NaiveDate>, today: NaiveDate) -> Timeliness {
        match done {
            Some(d) if d <= due => Timeliness::OnTime,
            Some(d) => Timeliness::Late((d - due).num_days()),
            None if today > due => Timeliness::Missing((today - due).num_days()),
            None => Timeliness::Pending,
        }
    }

    /// For listings: 按时, 逾期 N 天, 未报送（已逾期 N 天）, 未到期.
    pub fn label(self, path: Path) -> String {
        match self {
            Timeliness::OnTime => "按时".to_owned(),
            Timeliness::Late(d) => format!("逾期 {d} 天{}", path.due_what()),
            Timeliness::Missing(d) => format!("未{}（已逾期 {d} 天）", path.due_what()),
            Timeliness::Pending => "未到期".to_owned(),
        }
    }

    /// Whether the listing of late and missing reports names it.
    pub fn is_late(self) -> bool {
        matches!(self, Timeliness::Late(_) | Timeliness::Missing(_))
    }
}

/// The year whose report is filed in the season of `today` (the report of the year before).
pub fn season_year(today: NaiveDate) -> i32 {
    today.year() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_are_the_statutory_ones() {
        // 第四十九条: departments by 31 January, the government by 31 March, of the next year.
        assert_eq!(Path::Filed.due(2024), NaiveDate::from_ymd_opt(2025, 1, 31));
        assert_eq!(Path::Own.due(2024), NaiveDate::from_ymd_opt(2025, 3, 31));
    }

    #[test]
    fn timeliness_counts_days_past_the_due_date() {
        let due = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap_or_default();
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day);
        assert_eq!(Timeliness::of(due, d(1, 31), due), Timeliness::OnTime);
        assert_eq!(Timeliness::of(due, d(2, 3), due), Timeliness::Late(3));
        assert_eq!(
            Timeliness::of(due, None, d(2, 10).unwrap_or_default()),
            Timeliness::Missing(10)
        );
        assert_eq!(Timeliness::of(due, None, due), Timeliness::Pending);
    }

    #[test]
    fn words_round_trip() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
    }
}
