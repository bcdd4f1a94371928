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

/// The fixture ledger and its remedy cases.
pub const LEDGER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/ledgers/2024.csv"
);
pub const REMEDIES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/ledgers/2024-remedies.csv"
);

/// The binary with its own data directory (a fresh default database) as working directory.
pub fn command_in(data: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.args(args)
        .env("GONGKAI_DATA_DIR", data)
        .env_remove("GONGKAI_DATABASE_URL")
        .current_dir(data);
    c
}

/// Runs the binary on the data directory `data`.
pub fn gongkai_in(data: &std::path::Path, args: &[&str]) -> Output {
    command_in(data, args).output().unwrap()
}

/// The standard output of a run that must succeed.
pub fn ok(o: Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    String::from_utf8(o.stdout).unwrap()
}

/// Registers `agency` on the data directory `data` and imports the 2024 ledger and remedy
/// cases of the fixtures into it.
#[allow(dead_code)]
pub fn agency_with_ledger(data: &std::path::Path, agency: &str) {
    ok(gongkai_in(data, &["agency", "add", agency]));
    ok(gongkai_in(
        data,
        &[
            "import",
            "ledger",
            LEDGER,
            "--remedies",
            REMEDIES,
            "--agency",
            agency,
        ],
    ));
}

/// Creates the account `name` with an officer role on `agency`, its password given on
/// standard input as `user add --password-stdin` wants it.
#[allow(dead_code)]
pub fn add_officer(data: &std::path::Path, name: &str, agency: &str, password: &str) {
    use std::io::Write;
    use std::process::Stdio;
    let mut add = command_in(
        data,
        &[
            "user",
            "add",
            name,
            "--agency",
            agency,
            "--role",
            "officer",
            "--password-stdin",
        ],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    writeln!(add.stdin.take().unwrap(), "{password}").unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A fresh PostgreSQL database, dropped at the end.
pub struct PgDatabase {
    admin: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    /// A database named after the test binary (`what`), on the server of `admin`; `None` when
    /// `psql` is not installed.
    pub fn create(admin: &str, what: &str) -> Option<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("gk_cli_{what}_{}_{nanos}", std::process::id());
        let created = std::process::Command::new("psql")
            .args([admin, "-v", "ON_ERROR_STOP=1", "-c"])
            .arg(format!("CREATE DATABASE {name}"))
            .output();
        match created {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!("CREATE DATABASE failed: {}", stderr(&o)),
            Err(e) => {
                eprintln!("skipped: psql is not available ({e})");
                return None;
            }
        }
        // The same server and credentials, the new database.
        let base = admin.split('?').next().unwrap();
        let (server, _) = base.rsplit_once('/').unwrap();
        Some(PgDatabase {
            admin: admin.to_owned(),
            url: format!("{server}/{name}"),
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = std::process::Command::new("psql")
            .args([self.admin.as_str(), "-c"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .output();
    }
}

/// The binary on a data directory, on its default SQLite database or on `db` (a PostgreSQL
/// URL).
pub struct Gk<'a> {
    pub data: &'a std::path::Path,
    pub db: Option<&'a str>,
}

impl Gk<'_> {
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = command_in(self.data, args);
        if let Some(db) = self.db {
            c.args(["--db", db]);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// The standard output of a run that ends with exit status `code`.
    pub fn exits(&self, code: i32, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(
            o.status.code(),
            Some(code),
            "gongkai {}: {}{}",
            args.join(" "),
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }

    /// The standard output of a run that must succeed.
    pub fn ok(&self, args: &[&str]) -> String {
        self.exits(0, args)
    }

    /// The standard error of a run that fails with status 2.
    pub fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "gongkai {}: {}",
            args.join(" "),
            stdout(&o)
        );
        stderr(&o)
    }

    /// The JSON a run that must succeed prints.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        self.json_exiting(0, args)
    }

    /// The JSON a run that ends with exit status `code` prints.
    pub fn json_exiting(&self, code: i32, args: &[&str]) -> serde_json::Value {
        let out = self.exits(code, args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }
}
