//! The answer deadline of a disclosure request (requests spec §2), explained step by step.
//!
//! Rules, each with its article:
//! * 第三十三条第一款: answer within **20 working days** of the date of receipt.
//! * 第三十三条第二款: at most one extension of at most **20 more working days**, approved by the
//!   head of the 政府信息公开工作机构 (and it must be approved while the period still runs).
//! * 第三十条: after a correction request (补正) the period runs from the day the **corrected**
//!   request is received; the correction notice itself is due within 7 working days of receipt.
//! * 第三十二条、第三十四条: time spent consulting a third party or another agency does not count.
//! * 国办函〔2020〕109号: the interval between a fee notice and payment is paused (a setting,
//!   [`DeadlineSettings::fee_pause`], default on, because the national text could not be
//!   confirmed — spec §2).
//! * Counting convention (spec §2, the law is silent): day 1 is the first working day *after*
//!   the trigger date; the deadline is the 20th (40th) counted day, so always a working day.
//!
//! Decisions documented here because the spec leaves them open:
//! * **Pauses** are inclusive date ranges `FROM..TO`: every working day from FROM through TO is
//!   not counted. Overlapping pauses are **merged** (a third-party consultation and a
//!   consultation of a co-producing agency may legitimately run at the same time; the overlap
//!   must not be subtracted twice). Only working days after the trigger and before the deadline
//!   is reached are removed; a pause that starts after the deadline does not revive it.
//! * **DueSoon** means not yet decided, not past the due date, and at most
//!   [`DeadlineSettings::due_soon_days`] (default [`DUE_SOON_DAYS`] = 5) counted working days left.
//! * **Steps** serialize as objects `{"kind": "...", "text": "...", "from"?, "to"?, "days"?}`;
//!   `text` is the Chinese sentence a citizen can follow, the other fields are for machines.
//! * With no `as_of` and no decision, `days_used`, `days_left` and `status` are `None`: the
//!   library reads no clock (callers such as the CLI pass today's date).
//! * An extension approved after the original deadline is not applied (explained in a step):
//!   the request was already overdue.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::names::weekday_zh;

/// 第三十三条第一款.
pub const LIMIT_DAYS: u32 = 20;
/// 第三十三条第二款.
pub const EXTENSION_DAYS: u32 = 20;
/// 第三十条: the correction notice is due within this many working days of receipt.
pub const CORRECTION_NOTICE_DAYS: i64 = 7;
/// Default threshold of [`Status::DueSoon`].
pub const DUE_SOON_DAYS: u32 = 5;

/// Settings of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeadlineSettings {
    /// Pause the clock between a fee notice and payment (spec §2, 109号). Default true.
    pub fee_pause: bool,
    /// [`Status::DueSoon`] when at most this many working days are left. Default 5.
    pub due_soon_days: u32,
}

impl Default for DeadlineSettings {
    fn default() -> Self {
        Self {
            fee_pause: true,
            due_soon_days: DUE_SOON_DAYS,
        }
    }
}

/// One thing that happened to a request. Serializes as `{"event": "received", "date": "…"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", content = "date", rename_all = "snake_case")]
pub enum Event {
    /// Date of receipt (spec §1 table: by channel).
    Received(NaiveDate),
    /// 补正通知 sent (第三十条). At most once: the agency must ask once and completely.
    CorrectionRequested(NaiveDate),
    /// The corrected request is received: the clock restarts (第三十条).
    CorrectedReceived(NaiveDate),
    /// The correction period ran out without a correction: the request is abandoned.
    CorrectionLapsed(NaiveDate),
    /// Consultation of a third party or another agency starts (第三十二条、第三十四条).
    ConsultationStarted(NaiveDate),
    /// The matching consultation ends (answer received or 15 working days elapsed).
    ConsultationEnded(NaiveDate),
    /// Fee notice sent (109号).
    FeeNoticeSent(NaiveDate),
    /// Fee paid.
    FeePaid(NaiveDate),
    /// Extension approved (第三十三条第二款). At most once.
    ExtensionApproved(NaiveDate),
    /// The answer was given.
    Decided(NaiveDate),
}

impl Event {
    pub fn date(self) -> NaiveDate {
        match self {
            Self::Received(d)
            | Self::CorrectionRequested(d)
            | Self::CorrectedReceived(d)
            | Self::CorrectionLapsed(d)
            | Self::ConsultationStarted(d)
            | Self::ConsultationEnded(d)
            | Self::FeeNoticeSent(d)
            | Self::FeePaid(d)
            | Self::ExtensionApproved(d)
            | Self::Decided(d) => d,
        }
    }

    /// Order of events on the same day: a pause that starts and ends on one day must be seen
    /// starting first.
    fn rank(self) -> u8 {
        match self {
            Self::Received(_) => 0,
            Self::CorrectionRequested(_) => 1,
            Self::CorrectedReceived(_) => 2,
            Self::CorrectionLapsed(_) => 3,
            Self::ConsultationStarted(_) => 4,
            Self::FeeNoticeSent(_) => 5,
            Self::ConsultationEnded(_) => 6,
            Self::FeePaid(_) => 7,
            Self::ExtensionApproved(_) => 8,
            Self::Decided(_) => 9,
        }
    }

    fn name_zh(self) -> &'static str {
        match self {
            Self::Received(_) => "收到申请",
            Self::CorrectionRequested(_) => "发出补正通知",
            Self::CorrectedReceived(_) => "收到补正后的申请",
            Self::CorrectionLapsed(_) => "补正期限届满",
            Self::ConsultationStarted(_) => "开始征求意见",
            Self::ConsultationEnded(_) => "征求意见结束",
            Self::FeeNoticeSent(_) => "发出收费通知",
            Self::FeePaid(_) => "缴纳信息处理费",
            Self::ExtensionApproved(_) => "批准延期",
            Self::Decided(_) => "作出答复",
        }
    }
}

/// The simple input of the CLI:
/// `gongkai deadline --received D [--corrected D] [--pause FROM..TO]... [--extended] [--json]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineInput {
    pub received: NaiveDate,
    /// Date the corrected request was received (第三十条), if there was a correction.
    #[serde(default)]
    pub corrected: Option<NaiveDate>,
    /// Inclusive pauses: the working days FROM through TO are not counted. Overlaps are merged.
    #[serde(default)]
    pub pauses: Vec<(NaiveDate, NaiveDate)>,
    /// One extension of 20 working days was approved (第三十三条第二款).
    #[serde(default)]
    pub extended: bool,
    /// Evaluate `days_used`, `days_left` and `status` as of this date.
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
}

impl DeadlineInput {
    pub fn new(received: NaiveDate) -> Self {
        Self {
            received,
            corrected: None,
            pauses: Vec::new(),
            extended: false,
            as_of: None,
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Status {
    /// Open, more than `due_soon_days` working days left.
    OnTime,
    /// Open, not past the due date, at most `due_soon_days` (default 5) working days left.
    DueSoon,
    /// Open and past the due date.
    Overdue,
    /// Answered; `on_time` when on or before the due date.
    Decided { on_time: bool },
}

/// What a step explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Receipt,
    Correction,
    Convention,
    Pause,
    Holiday,
    MakeupWorkday,
    Extension,
    Due,
    Provisional,
    Decision,
    Progress,
    Note,
}

/// One line of the explanation. `text` is complete on its own; the other fields repeat its
/// dates and counts for machines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub kind: StepKind,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// Working days (counted, removed or left, by kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
}

impl Step {
    fn new(kind: StepKind, text: String) -> Self {
        Self {
            kind,
            text,
            from: None,
            to: None,
            days: None,
        }
    }

    fn dates(mut self, from: NaiveDate, to: NaiveDate) -> Self {
        self.from = Some(from);
        self.to = Some(to);
        self
    }

    fn days(mut self, days: i64) -> Self {
        self.days = Some(days);
        self
    }
}

/// The computed deadline. Serializes to JSON with at least `due` ("YYYY-MM-DD") and `steps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub received: NaiveDate,
    /// Receipt, or receipt of the corrected request (第三十条).
    pub trigger: NaiveDate,
    pub due: NaiveDate,
    /// The due date without the extension (equal to `due` when not extended).
    pub base_due: NaiveDate,
    /// 20, or 40 with an extension.
    pub limit_days: u32,
    pub extended: bool,
    /// Working days removed by pauses before the due date.
    pub paused_days: i64,
    pub as_of: Option<NaiveDate>,
    pub decided: Option<NaiveDate>,
    /// Counted working days after the trigger up to the decision (or `as_of`).
    pub days_used: Option<i64>,
    /// `limit_days - days_used`; negative once more working days have passed than allowed.
    pub days_left: Option<i64>,
    pub status: Option<Status>,
    /// Some working day between trigger and due lies in a year with no known arrangement.
    pub provisional: bool,
    pub steps: Vec<Step>,
}

impl Deadline {
    /// Pretty JSON.
    ///
    /// # Errors
    /// Never in practice (all fields serialize); the `Result` is serde_json's.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }
}

/// Nonsense input, or a request for which no deadline runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("缺少收到申请的日期")]
    MissingReceipt,
    #[error("「{what}」只能有一次（{first} 与 {second}）")]
    Duplicate {
        what: &'static str,
        first: NaiveDate,
        second: NaiveDate,
    },
    #[error("「{what}」的日期 {date} 早于收到申请之日 {received}")]
    BeforeReceipt {
        what: &'static str,
        date: NaiveDate,
        received: NaiveDate,
    },
    #[error("暂停区间 {from}..{to} 的结束日早于开始日")]
    PauseReversed { from: NaiveDate, to: NaiveDate },
    #[error("收到补正申请之日 {corrected} 早于收到申请之日 {received}")]
    CorrectedBeforeReceived {
        received: NaiveDate,
        corrected: NaiveDate,
    },
    #[error("{date}「{what}」之前没有发出补正通知")]
    NoCorrectionRequested { what: &'static str, date: NaiveDate },
    #[error("既收到补正申请（{corrected}）又记录补正期限届满（{lapsed}），二者只能有其一")]
    CorrectedAndLapsed {
        corrected: NaiveDate,
        lapsed: NaiveDate,
    },
    #[error("{date}「{what}」没有对应的开始")]
    UnmatchedEnd { what: &'static str, date: NaiveDate },
    #[error("自 {since} 起的「{what}」尚未结束，且未给出计算日（as_of），无法确定期限")]
    OpenPause {
        what: &'static str,
        since: NaiveDate,
    },
    #[error("{date} 批准延期早于起算日 {trigger}")]
    ExtensionBeforeTrigger { date: NaiveDate, trigger: NaiveDate },
    #[error("作出答复之日 {decided} 早于起算日 {trigger}")]
    DecidedBeforeTrigger {
        decided: NaiveDate,
        trigger: NaiveDate,
    },
    #[error(
        "{requested} 已发出补正通知，尚未收到补正后的申请：答复期限自收到补正申请之日起计算（第三十条）"
    )]
    AwaitingCorrection { requested: NaiveDate },
    #[error("补正期限已于 {lapsed} 届满而未补正，视为放弃申请（第三十条），不再计算答复期限")]
    Abandoned { lapsed: NaiveDate },
    #[error("日期超出可计算范围")]
    OutOfRange,
}

/// A paused interval, before merging.
#[derive(Debug, Clone)]
struct Pause {
    from: NaiveDate,
    to: NaiveDate,
    label: String,
    /// Not ended yet: `to` is provisional (the evaluation date).
    open: bool,
}

#[derive(Debug, Clone, Copy)]
enum Extension {
    No,
    /// Approved, date unknown (CLI `--extended`).
    Yes,
    ApprovedOn(NaiveDate),
}

/// The normalised request both entry points reduce to.
#[derive(Debug)]
struct Plan {
    received: NaiveDate,
    correction_requested: Option<NaiveDate>,
    corrected: Option<NaiveDate>,
    pauses: Vec<Pause>,
    extension: Extension,
    decided: Option<NaiveDate>,
    as_of: Option<NaiveDate>,
    due_soon_days: u32,
    notes: Vec<Step>,
}

const MANUAL_PAUSE: &str = "暂停计算";
const CONSULTATION: &str =
    "征求第三方或有关机关意见（第三十二条、第三十四条：征求意见的时间不计入期限）";
const FEE: &str = "等待缴纳信息处理费（国办函〔2020〕109号，按设置暂停计算）";

/// The CLI entry point.
///
/// # Errors
/// A pause ending before it starts, a corrected request before receipt, or dates past chrono's
/// range.
pub fn compute(cal: &Calendar, input: &DeadlineInput) -> Result<Deadline, DeadlineError> {
    if let Some(corrected) = input.corrected
        && corrected < input.received
    {
        return Err(DeadlineError::CorrectedBeforeReceived {
            received: input.received,
            corrected,
        });
    }
    let mut pauses = Vec::with_capacity(input.pauses.len());
    for &(from, to) in &input.pauses {
        if to < from {
            return Err(DeadlineError::PauseReversed { from, to });
        }
        pauses.push(Pause {
            from,
            to,
            label: MANUAL_PAUSE.to_owned(),
            open: false,
        });
    }
    run(
        cal,
        Plan {
            received: input.received,
            correction_requested: None,
            corrected: input.corrected,
            pauses,
            extension: if input.extended {
                Extension::Yes
            } else {
                Extension::No
            },
            decided: None,
            as_of: input.as_of,
            due_soon_days: DUE_SOON_DAYS,
            notes: Vec::new(),
        },
        true,
    )
}

/// The event-based entry point (the case record). Events may come in any order.
///
/// # Errors
/// Inconsistent events (see [`DeadlineError`]); also [`DeadlineError::AwaitingCorrection`] and
/// [`DeadlineError::Abandoned`], which are not mistakes but states in which no answer deadline
/// runs.
pub fn compute_events(
    cal: &Calendar,
    events: &[Event],
    settings: &DeadlineSettings,
    as_of: Option<NaiveDate>,
) -> Result<Deadline, DeadlineError> {
    events_deadline(cal, events, settings, as_of, true)
}

/// [`compute_events`] without the explanation: the same deadline with no `steps`. Writing the
/// explanation's sentences is most of the cost of a deadline, and a work list computes
/// thousands of deadlines to show their dates and days left alone.
///
/// # Errors
/// As [`compute_events`].
pub fn compute_events_brief(
    cal: &Calendar,
    events: &[Event],
    settings: &DeadlineSettings,
    as_of: Option<NaiveDate>,
) -> Result<Deadline, DeadlineError> {
    events_deadline(cal, events, settings, as_of, false)
}

fn events_deadline(
    cal: &Calendar,
    events: &[Event],
    settings: &DeadlineSettings,
    as_of: Option<NaiveDate>,
    explain: bool,
) -> Result<Deadline, DeadlineError> {
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| (e.date(), e.rank()));
    let received = sorted
        .iter()
        .find_map(|e| match e {
            Event::Received(d) => Some(*d),
            _ => None,
        })
        .ok_or(DeadlineError::MissingReceipt)?;

    let mut plan = Plan {
        received,
        correction_requested: None,
        corrected: None,
        pauses: Vec::new(),
        extension: Extension::No,
        decided: None,
        as_of,
        due_soon_days: settings.due_soon_days,
        notes: Vec::new(),
    };
    let mut lapsed = None;
    let mut extension_on = None;
    let mut open_consultations: Vec<NaiveDate> = Vec::new();
    let mut open_fees: Vec<NaiveDate> = Vec::new();
    let once = |slot: &mut Option<NaiveDate>, e: Event| -> Result<(), DeadlineError> {
        match *slot {
            Some(first) => Err(DeadlineError::Duplicate {
                what: e.name_zh(),
                first,
                second: e.date(),
            }),
            None => {
                *slot = Some(e.date());
                Ok(())
            }
        }
    };
    let mut seen_received = None;
    for &e in &sorted {
        let date = e.date();
        if date < received {
            return Err(DeadlineError::BeforeReceipt {
                what: e.name_zh(),
                date,
                received,
            });
        }
        match e {
            Event::Received(_) => once(&mut seen_received, e)?,
            Event::CorrectionRequested(_) => once(&mut plan.correction_requested, e)?,
            Event::CorrectedReceived(_) => {
                if plan.correction_requested.is_none() {
                    return Err(DeadlineError::NoCorrectionRequested {
                        what: e.name_zh(),
                        date,
                    });
                }
                once(&mut plan.corrected, e)?;
            }
            Event::CorrectionLapsed(_) => {
                if plan.correction_requested.is_none() {
                    return Err(DeadlineError::NoCorrectionRequested {
                        what: e.name_zh(),
                        date,
                    });
                }
                once(&mut lapsed, e)?;
            }
            Event::ConsultationStarted(_) => open_consultations.push(date),
            Event::ConsultationEnded(_) => {
                if open_consultations.is_empty() {
                    return Err(DeadlineError::UnmatchedEnd {
                        what: e.name_zh(),
                        date,
                    });
                }
                // FIFO: the earliest open consultation ends first.
                let from = open_consultations.remove(0);
                plan.pauses.push(Pause {
                    from,
                    to: date,
                    label: CONSULTATION.to_owned(),
                    open: false,
                });
            }
            Event::FeeNoticeSent(_) => open_fees.push(date),
            Event::FeePaid(_) => {
                if open_fees.is_empty() {
                    return Err(DeadlineError::UnmatchedEnd {
                        what: e.name_zh(),
                        date,
                    });
                }
                let from = open_fees.remove(0);
                if settings.fee_pause {
                    plan.pauses.push(Pause {
                        from,
                        to: date,
                        label: FEE.to_owned(),
                        open: false,
                    });
                } else {
                    plan.notes.push(
                        Step::new(
                            StepKind::Note,
                            format!(
                                "{from} 发出收费通知，{date} 缴费：按设置（fee_pause = false），缴费期间照常计算，不暂停。"
                            ),
                        )
                        .dates(from, date),
                    );
                }
            }
            Event::ExtensionApproved(_) => once(&mut extension_on, e)?,
            Event::Decided(_) => once(&mut plan.decided, e)?,
        }
    }
    if let (Some(corrected), Some(lapsed)) = (plan.corrected, lapsed) {
        return Err(DeadlineError::CorrectedAndLapsed { corrected, lapsed });
    }
    if let Some(lapsed) = lapsed {
        return Err(DeadlineError::Abandoned { lapsed });
    }
    if let (Some(requested), None) = (plan.correction_requested, plan.corrected) {
        return Err(DeadlineError::AwaitingCorrection { requested });
    }
    // A pause still running is taken to last until the decision or the evaluation date; the
    // step says so, and the due date moves on as the pause goes on.
    let open_until = plan.decided.or(as_of);
    let opens = open_consultations
        .into_iter()
        .map(|d| (d, CONSULTATION, "征求意见"))
        .chain(
            open_fees
                .into_iter()
                .filter(|_| settings.fee_pause)
                .map(|d| (d, FEE, "等待缴费")),
        );
    for (from, label, what) in opens {
        match open_until {
            Some(to) if to >= from => plan.pauses.push(Pause {
                from,
                to,
                label: label.to_owned(),
                open: true,
            }),
            _ => return Err(DeadlineError::OpenPause { what, since: from }),
        }
    }
    if let Some(d) = extension_on {
        plan.extension = Extension::ApprovedOn(d);
    }
    run(cal, plan, explain)
}

/// Merge overlapping pauses (module docs: overlaps are merged, never subtracted twice).
fn merge_pauses(mut pauses: Vec<Pause>) -> (Vec<Pause>, bool) {
    pauses.sort_by_key(|p| (p.from, p.to));
    let mut merged: Vec<Pause> = Vec::with_capacity(pauses.len());
    let mut any = false;
    for p in pauses {
        match merged.last_mut() {
            Some(last) if p.from <= last.to => {
                any = true;
                if p.to > last.to {
                    last.to = p.to;
                }
                last.open |= p.open;
                if !last.label.contains(&p.label) {
                    last.label = format!("{}；{}", last.label, p.label);
                }
            }
            _ => merged.push(p),
        }
    }
    (merged, any)
}

/// Count `target` working days after `trigger`, skipping paused working days. Returns the due
/// date and, per pause, the working days it removed. Pauses must be merged and sorted.
fn walk(
    cal: &Calendar,
    trigger: NaiveDate,
    pauses: &[Pause],
    target: u32,
) -> Option<(NaiveDate, Vec<i64>)> {
    let mut removed = vec![0i64; pauses.len()];
    let mut date = trigger;
    let mut counted = 0u32;
    let mut pi = 0usize;
    while counted < target {
        let next = date.succ_opt()?;
        while pi < pauses.len() && pauses[pi].to < next {
            pi += 1;
        }
        if let Some(p) = pauses.get(pi)
            && p.from <= next
        {
            // Jump over the whole pause: long pauses cost O(log n), not O(length).
            removed[pi] += cal.working_days_in(next, p.to);
            date = p.to;
            pi += 1;
            continue;
        }
        date = next;
        if cal.is_working_day(date) {
            counted += 1;
        }
    }
    Some((date, removed))
}

/// Counted (unpaused) working days in `(trigger, until]`.
fn used(cal: &Calendar, trigger: NaiveDate, pauses: &[Pause], until: NaiveDate) -> i64 {
    if until <= trigger {
        return 0;
    }
    let Some(first) = trigger.succ_opt() else {
        return 0;
    };
    let paused: i64 = pauses
        .iter()
        .filter(|p| p.to >= first && p.from <= until)
        .map(|p| cal.working_days_in(p.from.max(first), p.to.min(until)))
        .sum();
    cal.working_days_between(trigger, until) - paused
}

fn day(d: NaiveDate) -> String {
    format!("{d}（{}）", weekday_zh(d))
}

/// A date or a range, ready to be followed directly by a noun:
/// "2024-06-10（星期一）" or "2024-10-01 至 2024-10-07 ".
fn range(from: NaiveDate, to: NaiveDate) -> String {
    if from == to {
        day(from)
    } else {
        format!("{from} 至 {to} ")
    }
}

/// The explanation as it is written, or nothing when it is not wanted: each step is a closure,
/// so that its sentence is only formatted when it will be read.
struct Steps(Option<Vec<Step>>);

impl Steps {
    fn push(&mut self, step: impl FnOnce() -> Step) {
        if let Some(steps) = &mut self.0 {
            steps.push(step());
        }
    }
}

/// The deadline of `plan`, with its explanation when `explain`. Nothing but `steps` depends on
/// `explain`.
fn run(cal: &Calendar, plan: Plan, explain: bool) -> Result<Deadline, DeadlineError> {
    let mut steps = Steps(explain.then(Vec::new));
    let received = plan.received;
    steps.push(|| {
        Step::new(
            StepKind::Receipt,
            format!("收到申请之日：{}。", day(received)),
        )
        .dates(received, received)
    });

    // 第三十条: the correction notice is due within 7 working days; the clock restarts.
    if let Some(requested) = plan.correction_requested {
        steps.push(|| {
            let elapsed = cal.working_days_between(received, requested);
            let mut text = format!(
                "{}发出补正通知（第三十条：应自收到申请之日起 {CORRECTION_NOTICE_DAYS} 个工作日内一次性告知），为收到申请后第 {elapsed} 个工作日",
                day(requested)
            );
            if elapsed > CORRECTION_NOTICE_DAYS {
                text.push_str("，已超过 7 个工作日，不符合第三十条的要求。");
            } else {
                text.push('。');
            }
            Step::new(StepKind::Correction, text)
                .dates(requested, requested)
                .days(elapsed)
        });
    }
    let trigger = match plan.corrected {
        Some(corrected) => {
            steps.push(|| {
                Step::new(
                    StepKind::Correction,
                    format!(
                        "{}收到补正后的申请：答复期限自该日起重新计算（第三十条），此前经过的时间不计入。",
                        day(corrected)
                    ),
                )
                .dates(corrected, corrected)
            });
            corrected
        }
        None => received,
    };
    steps.push(|| {
        Step::new(
            StepKind::Convention,
            format!(
                "起算日为 {trigger}。计算方法：起算日的次一个工作日为第 1 日，答复期限为 {LIMIT_DAYS} 个工作日（第三十三条第一款），期限届满日必为工作日；星期六、星期日和法定节假日不计入，调休上班日计入。"
            ),
        )
    });

    let (pauses, overlapped) = merge_pauses(plan.pauses);
    if overlapped {
        steps.push(|| {
            Step::new(
                StepKind::Note,
                "部分暂停区间相互重叠，已合并计算，重叠的工作日只扣除一次。".to_owned(),
            )
        });
    }

    let (base_due, _) = walk(cal, trigger, &pauses, LIMIT_DAYS).ok_or(DeadlineError::OutOfRange)?;
    let extended = match plan.extension {
        Extension::No => false,
        Extension::Yes => true,
        Extension::ApprovedOn(d) if d < trigger => {
            return Err(DeadlineError::ExtensionBeforeTrigger { date: d, trigger });
        }
        Extension::ApprovedOn(d) => d <= base_due,
    };
    let limit_days = if extended {
        LIMIT_DAYS + EXTENSION_DAYS
    } else {
        LIMIT_DAYS
    };
    let (due, removed) =
        walk(cal, trigger, &pauses, limit_days).ok_or(DeadlineError::OutOfRange)?;
    if let Some(decided) = plan.decided
        && decided < trigger
    {
        return Err(DeadlineError::DecidedBeforeTrigger { decided, trigger });
    }

    if let Some(list) = &mut steps.0 {
        // Pauses, notes, holidays, make-up days and the extension form one timeline, told in date
        // order (a stable sort keeps same-day steps in the order pushed).
        let mut timeline: Vec<(NaiveDate, Step)> = Vec::new();

        // Pauses, each with the working days it removed.
        for (p, &n) in pauses.iter().zip(&removed) {
            let open = if p.open {
                format!("（尚未结束，暂计至 {}，结束后期限相应顺延）", p.to)
            } else {
                String::new()
            };
            let effect = if n > 0 {
                format!("其间 {n} 个工作日不计入期限")
            } else if p.to <= trigger {
                "在起算日之前，不影响期限".to_owned()
            } else if p.from > due {
                format!("开始于期限届满日 {due} 之后，不影响期限")
            } else {
                "其间没有工作日，不影响期限".to_owned()
            };
            timeline.push((
                p.from,
                Step::new(
                    StepKind::Pause,
                    format!("{}{}{open}：{effect}。", range(p.from, p.to), p.label),
                )
                .dates(p.from, p.to)
                .days(n),
            ));
        }
        timeline.extend(
            plan.notes
                .into_iter()
                .map(|s| (s.from.unwrap_or(trigger), s)),
        );

        // Holidays and make-up working days crossed in (trigger, due], in date order.
        if let Some(first) = trigger.succ_opt() {
            for h in cal.holidays_overlapping(first, due) {
                let (from, to) = (h.start.max(first), h.end.min(due));
                timeline.push((
                    from,
                    Step::new(
                        StepKind::Holiday,
                        format!("{}{}放假，不计入。", range(from, to), h.name),
                    )
                    .dates(from, to),
                ));
            }
            for w in cal.makeup_workdays(first, due) {
                let paused = pauses.iter().any(|p| p.from <= w && w <= p.to);
                let text = if paused {
                    format!("{}调休上班，但在暂停期间，不计入。", day(w))
                } else {
                    format!("{}调休上班，计入。", day(w))
                };
                timeline.push((w, Step::new(StepKind::MakeupWorkday, text).dates(w, w)));
            }
        }

        // 第三十三条第二款: one extension of 20 working days.
        match plan.extension {
            Extension::No => {}
            // Date of approval unknown: tell it where the original period ends.
            Extension::Yes => timeline.push((
                base_due,
                Step::new(
                    StepKind::Extension,
                    format!(
                        "经政府信息公开工作机构负责人同意并告知申请人，延长答复期限 {EXTENSION_DAYS} 个工作日（第三十三条第二款，只能延长一次）：期限由 {base_due} 延至 {due}。"
                    ),
                )
                .dates(base_due, due)
                .days(i64::from(EXTENSION_DAYS)),
            )),
            Extension::ApprovedOn(d) if extended => timeline.push((
                d,
                Step::new(
                    StepKind::Extension,
                    format!(
                        "{}经政府信息公开工作机构负责人同意延长答复期限 {EXTENSION_DAYS} 个工作日（第三十三条第二款，只能延长一次，并应告知申请人）：期限由 {base_due} 延至 {due}。",
                        day(d)
                    ),
                )
                .dates(base_due, due)
                .days(i64::from(EXTENSION_DAYS)),
            )),
            Extension::ApprovedOn(d) => timeline.push((
                d,
                Step::new(
                    StepKind::Extension,
                    format!(
                        "{d} 批准延期，但已晚于原答复期限 {base_due}：第三十三条第二款的延期应在期限届满前决定，此延期不予计入。"
                    ),
                )
                .dates(d, d)
                .days(0),
            )),
        }
        timeline.sort_by_key(|(d, _)| *d);
        list.extend(timeline.into_iter().map(|(_, s)| s));
    }

    let paused_days: i64 = removed.iter().sum();
    steps.push(|| {
        let paused_note = if paused_days > 0 {
            format!("（另有 {paused_days} 个工作日因暂停不计入）")
        } else {
            String::new()
        };
        Step::new(
            StepKind::Due,
            format!(
                "答复期限：{}，即起算日后第 {limit_days} 个计入的工作日{paused_note}。",
                day(due)
            ),
        )
        .dates(trigger, due)
        .days(i64::from(limit_days))
    });

    let unknown: Vec<i32> = match trigger.succ_opt() {
        Some(first) => (first.year()..=due.year())
            .filter(|y| !cal.is_known_year(*y))
            .collect(),
        None => Vec::new(),
    };
    let provisional = !unknown.is_empty();
    if provisional {
        // Spec §7: an administrator adds a year without a release; say how.
        steps.push(|| {
            let years: Vec<String> = unknown.iter().map(|y| format!("{y} 年")).collect();
            let known = match (cal.first_year(), cal.last_year()) {
                (Some(a), Some(b)) => format!("（已知 {a}–{b} 年）"),
                _ => String::new(),
            };
            Step::new(
                StepKind::Provisional,
                format!(
                    "期间涉及 {}，工作日历中没有该年的放假安排{known}，暂按星期一至星期五推算：此结果为暂定。国务院公布该年安排后，可用 gongkai calendar import 导入，期限随之更正。",
                    years.join("、")
                ),
            )
        });
    }

    let limit = i64::from(limit_days);
    let (days_used, days_left, status) = if let Some(decided) = plan.decided {
        let u = used(cal, trigger, &pauses, decided);
        let on_time = decided <= due;
        steps.push(|| {
            let verdict = if on_time {
                "在答复期限内".to_owned()
            } else {
                format!("晚于答复期限 {due}，属逾期答复")
            };
            Step::new(
                StepKind::Decision,
                format!("{}作出答复，已计入 {u} 个工作日，{verdict}。", day(decided)),
            )
            .dates(decided, decided)
            .days(u)
        });
        (Some(u), Some(limit - u), Some(Status::Decided { on_time }))
    } else if let Some(as_of) = plan.as_of {
        let u = used(cal, trigger, &pauses, as_of);
        let left = limit - u;
        let soon = i64::from(plan.due_soon_days);
        let status = if as_of > due {
            Status::Overdue
        } else if left <= soon {
            Status::DueSoon
        } else {
            Status::OnTime
        };
        steps.push(|| {
            let verdict = match status {
                Status::Overdue => format!("已超过答复期限 {due}，逾期未答复"),
                Status::DueSoon => {
                    format!("剩余 {left} 个工作日，即将到期（不超过 {soon} 个工作日）")
                }
                _ => format!("剩余 {left} 个工作日"),
            };
            Step::new(
                StepKind::Progress,
                format!("截至 {}，已计入 {u} 个工作日，{verdict}。", day(as_of)),
            )
            .dates(as_of, as_of)
            .days(left)
        });
        (Some(u), Some(left), Some(status))
    } else {
        (None, None, None)
    };

    Ok(Deadline {
        received,
        trigger,
        due,
        base_due,
        limit_days,
        extended,
        paused_days,
        as_of: plan.as_of,
        decided: plan.decided,
        days_used,
        days_left,
        status,
        provisional,
        steps: steps.0.unwrap_or_default(),
    })
}
