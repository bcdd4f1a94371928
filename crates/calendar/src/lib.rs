#![forbid(unsafe_code)]
//! The official working-day calendar of mainland China and the statutory answer deadline of a
//! disclosure request (《中华人民共和国政府信息公开条例》, 2019 revision).
//!
//! Pure: no I/O. The verified holiday arrangement 2019–2026 is embedded with `include_str!`;
//! an administrator's extra arrangement (a new year, or a corrected year) is passed in as TOML
//! text of the same shape and merged with [`Calendar::merge_toml`].
//!
//! * [`Calendar`]: is a date a working day (工作日), counting and adding working days.
//! * [`deadline`]: the 20 (or 40) working-day answer deadline with pauses, correction restart
//!   and extension, explained step by step in Chinese.
//!
//! ```
//! use chrono::NaiveDate;
//! use gongkai_calendar::{Calendar, DeadlineInput, compute};
//!
//! let cal = Calendar::official()?;
//! // gongkai deadline --received 2024-09-27
//! let received = NaiveDate::from_ymd_opt(2024, 9, 27).expect("date");
//! let deadline = compute(&cal, &DeadlineInput::new(received))?;
//! assert_eq!(deadline.due, NaiveDate::from_ymd_opt(2024, 10, 30).expect("date"));
//! assert!(deadline.steps.iter().any(|s| s.text == "2024-10-12（星期六）调休上班，计入。"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod calendar;
pub mod deadline;
mod names;

pub use calendar::{Calendar, CalendarError, DayKind, Holiday, OFFICIAL_TOML};
pub use deadline::{
    Deadline, DeadlineError, DeadlineInput, DeadlineSettings, Event, Status, Step, StepKind,
    compute, compute_events, compute_events_brief,
};
pub use names::weekday_zh;
