//! The filing workflow as a state machine, driven by arbitrary sequences of commands on both
//! paths: no path publishes a report with an error-severity finding or an unexplained warning,
//! nothing changes the report under review after submission, versions only grow, and a
//! correction always carries its 更正说明.
#![allow(clippy::unwrap_used)]

use gongkai_filing::{Action, Command, Path, Refusal, Situation, State, decide, state};
use gongkai_report::{Finding, Rule};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A report as the tests see it: what its check found.
#[derive(Debug, Clone)]
struct Report {
    findings: Vec<Finding>,
}

/// A command as generated: which, on which report, with which explanations and note.
#[derive(Debug, Clone)]
enum Cmd {
    Submit {
        report: usize,
        explain: Vec<Rule>,
        note: bool,
    },
    Return {
        comment: bool,
    },
    Clear,
    Publish {
        report: usize,
        explain: Vec<Rule>,
        note: bool,
    },
}

fn finding() -> impl Strategy<Value = Finding> {
    prop::sample::select(Rule::ALL.to_vec()).prop_map(|rule| Finding {
        rule,
        severity: rule.severity(),
        cells: Vec::new(),
        message: String::new(),
    })
}

fn reports() -> impl Strategy<Value = Vec<Report>> {
    prop::collection::vec(prop::collection::vec(finding(), 0..3), 1..5).prop_map(|all| {
        all.into_iter()
            .map(|findings| Report { findings })
            .collect()
    })
}

fn cmd() -> impl Strategy<Value = Cmd> {
    let rules = prop::collection::vec(prop::sample::select(Rule::ALL.to_vec()), 0..4);
    prop_oneof![
        (0..5usize, rules.clone(), any::<bool>()).prop_map(|(report, explain, note)| {
            Cmd::Submit {
                report,
                explain,
                note,
            }
        }),
        any::<bool>().prop_map(|comment| Cmd::Return { comment }),
        Just(Cmd::Clear),
        (0..5usize, rules, any::<bool>()).prop_map(|(report, explain, note)| Cmd::Publish {
            report,
            explain,
            note,
        }),
    ]
}

/// What the workflow has recorded: the actions, the report of each submission and
/// publication.
#[derive(Default)]
struct History {
    actions: Vec<Action>,
    submitted: Vec<Report>,
    published: Vec<(Report, Option<String>)>,
}

fn explanations(rules: &[Rule]) -> BTreeMap<Rule, String> {
    rules
        .iter()
        .map(|r| (*r, format!("{r:?} 的说明")))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_workflow_keeps_its_promises(
        filed in any::<bool>(),
        reports in reports(),
        cmds in prop::collection::vec(cmd(), 0..30),
    ) {
        let path = Path::of(filed);
        let mut h = History::default();
        for cmd in &cmds {
            let before = state(h.actions.iter().copied());
            let situation = Situation { path, state: before, published: !h.published.is_empty() };
            let note_text = |on: bool| on.then_some("更正说明");
            // The service publishes a department's cleared report as it was submitted.
            let explain = match cmd {
                Cmd::Submit { explain, .. } | Cmd::Publish { explain, .. } => explanations(explain),
                _ => BTreeMap::new(),
            };
            let (report, command);
            match cmd {
                Cmd::Submit { report: r, note, .. } => {
                    report = reports[r % reports.len()].clone();
                    command = Command::Submit { findings: &report.findings, explanations: &explain, note: note_text(*note) };
                }
                Cmd::Publish { report: r, note, .. } => {
                    report = match (path, h.submitted.last()) {
                        (Path::Filed, Some(last)) => last.clone(),
                        _ => reports[r % reports.len()].clone(),
                    };
                    command = Command::Publish { findings: &report.findings, explanations: &explain, note: note_text(*note) };
                }
                Cmd::Return { comment } => {
                    report = reports[0].clone();
                    command = Command::Return { comment: if *comment { "第三行有误" } else { " " } };
                }
                Cmd::Clear => {
                    report = reports[0].clone();
                    command = Command::Clear;
                }
            }
            let decided = decide(&situation, &command);
            match decided {
                Ok(d) => {
                    prop_assert_eq!(d.action, command.action());
                    match d.action {
                        Action::Submit => {
                            // No change once submitted: a new submission only from a draft, a
                            // return, or a published report (a correction).
                            prop_assert!(!before.locked(), "resubmitted while {:?}", before);
                            prop_assert_eq!(path, Path::Filed);
                            h.submitted.push(report.clone());
                        }
                        Action::Return | Action::Clear => {
                            prop_assert_eq!(before, State::Submitted);
                        }
                        Action::Publish => {
                            if path == Path::Filed {
                                prop_assert_eq!(before, State::Cleared);
                            }
                            h.published.push((report.clone(), d.text.clone()));
                        }
                    }
                    if matches!(d.action, Action::Submit | Action::Publish) {
                        // Every warning explained, nothing explained that was not found.
                        for f in &report.findings {
                            prop_assert!(d.explanations.contains_key(&f.rule));
                        }
                        prop_assert!(d.explanations.keys().all(|r| report.findings.iter().any(|f| f.rule == *r)));
                    }
                    h.actions.push(d.action);
                }
                Err(Refusal::ChecksFailed { findings, .. }) => {
                    prop_assert!(!findings.is_empty());
                    prop_assert!(findings.iter().all(|f| f.severity == gongkai_report::Severity::Error));
                }
                Err(_) => {}
            }
            let after = state(h.actions.iter().copied());
            if path == Path::Own {
                prop_assert!(matches!(after, State::Draft | State::Published));
            }
        }
        // No published version has an error-severity finding.
        for (report, _) in &h.published {
            prop_assert!(report.findings.iter().all(|f| f.severity != gongkai_report::Severity::Error));
        }
        // The first publication has no 更正说明, every later one has.
        for (i, (_, note)) in h.published.iter().enumerate() {
            prop_assert_eq!(note.is_some(), i > 0);
        }
        // Publication follows a clearance on the filed path, each clearance a submission.
        if path == Path::Filed {
            let clears = h.actions.iter().filter(|a| **a == Action::Clear).count();
            prop_assert!(h.published.len() <= clears);
            prop_assert!(clears <= h.submitted.len());
        }
    }
}

#[test]
fn a_clean_report_goes_the_whole_way() {
    let none = BTreeMap::new();
    let mut actions = Vec::new();
    let steps = [
        Command::Submit {
            findings: &[],
            explanations: &none,
            note: None,
        },
        Command::Return {
            comment: "表三第二行",
        },
        Command::Submit {
            findings: &[],
            explanations: &none,
            note: None,
        },
        Command::Clear,
        Command::Publish {
            findings: &[],
            explanations: &none,
            note: None,
        },
    ];
    for (i, c) in steps.iter().enumerate() {
        let s = Situation {
            path: Path::Filed,
            state: state(actions.iter().copied()),
            published: false,
        };
        let d = decide(&s, c).unwrap_or_else(|e| panic!("step {i}: {e}"));
        actions.push(d.action);
    }
    assert_eq!(state(actions), State::Published);
}

#[test]
fn refusals_say_why_with_a_stable_code() {
    let warning = Finding {
        rule: Rule::R9,
        severity: Rule::R9.severity(),
        cells: Vec::new(),
        message: String::new(),
    };
    let none = BTreeMap::new();
    let draft = Situation {
        path: Path::Filed,
        state: State::Draft,
        published: false,
    };
    let refused = decide(
        &draft,
        &Command::Submit {
            findings: std::slice::from_ref(&warning),
            explanations: &none,
            note: None,
        },
    )
    .unwrap_err();
    assert_eq!(refused.code(), "explanations_missing");
    assert!(refused.to_string().contains("R9"), "{refused}");
    // The same warning explained passes, and the explanation travels with the report.
    let explained = BTreeMap::from([(Rule::R9, " 本年新增窗口 ".to_owned())]);
    let d = decide(
        &draft,
        &Command::Submit {
            findings: std::slice::from_ref(&warning),
            explanations: &explained,
            note: None,
        },
    )
    .unwrap();
    assert_eq!(d.explanations[&Rule::R9], "本年新增窗口");
    // Submitting the government's own report does not apply; clearing a draft is refused.
    let own = Situation {
        path: Path::Own,
        ..draft
    };
    assert_eq!(
        decide(&own, &Command::Clear).unwrap_err().code(),
        "not_applicable"
    );
    assert_eq!(
        decide(&draft, &Command::Clear).unwrap_err().code(),
        "wrong_state"
    );
}
