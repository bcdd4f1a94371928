//! Writes a generated ledger, for measuring the reader:
//! `cargo run --release -p gongkai-ledger --example generate -- ROWS OUT.csv|OUT.xlsx [--bad]`
//! (`--bad`: every row has two errors).
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)]

#[path = "../benches/support/generate.rs"]
mod generate;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(rows), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: generate ROWS OUT.csv|OUT.xlsx [--bad]");
        std::process::exit(2);
    };
    let rows: u64 = rows.parse().unwrap();
    let bad = args.iter().any(|a| a == "--bad");
    if out.ends_with(".xlsx") {
        std::fs::write(out, generate::xlsx(rows, bad).unwrap()).unwrap();
    } else {
        generate::write_csv(std::fs::File::create(out).unwrap(), rows, bad).unwrap();
    }
    let size = std::fs::metadata(out).unwrap().len();
    println!("{out}: {rows} rows, {size} bytes");
}
