//! Streams a ledger file and prints what it read and how fast, so that time and peak memory
//! can be measured (`/usr/bin/time -v`):
//! `cargo run --release -p gongkai-ledger --example stream -- FILE [--remedies FILE] [--whole]`
//! (`--whole`: the file read into memory and through `read_ledger`, for comparison).
//! Errors are printed as the reader reports them (at most 100 lines and a count).
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use gongkai_cases::AgencyId;
use gongkai_ledger::{LedgerReader, ReadOptions, read_ledger};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: stream FILE [--remedies FILE] [--whole]");
        std::process::exit(2);
    };
    let remedies = args
        .iter()
        .position(|a| a == "--remedies")
        .and_then(|i| args.get(i + 1))
        .map(|p| std::fs::read(p).unwrap());
    let whole = args.iter().any(|a| a == "--whole");
    let agency = AgencyId(1);
    let start = Instant::now();
    // (records, rows read, errors)
    let (records, rows, errors) = if whole {
        let bytes = std::fs::read(path).unwrap();
        match read_ledger(&bytes, path, remedies.as_deref(), agency) {
            Ok(l) => {
                let n = l.requests.len() + l.remedies.len();
                (n, n as u64, None)
            }
            Err(e) => (0, 0, Some(e)),
        }
    } else {
        let file = std::fs::File::open(path).unwrap();
        match LedgerReader::open(
            file,
            path,
            remedies.as_deref(),
            agency,
            ReadOptions::default(),
        ) {
            Err(e) => (0, 0, Some(e)),
            Ok(mut reader) => {
                let mut records = 0;
                while let Some(chunk) = reader.next_chunk() {
                    records += chunk.len();
                }
                let rows = reader.rows_read();
                match reader.finish() {
                    Ok(_) => (records, rows, None),
                    Err(e) => (records, rows, Some(e)),
                }
            }
        }
    };
    let secs = start.elapsed().as_secs_f64();
    if let Some(e) = &errors {
        println!("{e}");
    }
    let total = errors.as_ref().map_or(0, |e| e.total);
    #[allow(clippy::cast_precision_loss)]
    let rate = rows as f64 / secs;
    eprintln!(
        "{}: {rows} rows read, {records} records, {total} errors, {secs:.2} s, {rate:.0} rows/s",
        if whole { "read_ledger" } else { "stream" }
    );
}
