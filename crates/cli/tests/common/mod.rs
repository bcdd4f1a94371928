//! What the CLI test binaries share: running the built `gongkai` and reading what it printed.
// Each test binary uses only some of these.
#![allow(dead_code, clippy::unwrap_used)]

use std::process::{Command, Output};

/// The published reports of `fixtures/reports`.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reports");

/// The path of a fixture report.
pub fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// Runs the built binary with these arguments.
pub fn gongkai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
