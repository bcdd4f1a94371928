//! Prints the canonical JSON and warnings of each file read.
#![allow(clippy::unwrap_used)]
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        match gongkai_reader::read(&bytes) {
            Ok(p) => {
                println!("{}", gongkai_report::json::to_string(&p.report, None));
                for w in &p.warnings {
                    eprintln!("warning: {w}");
                }
                let c = p.completeness();
                eprintln!("{path}: {:?} {}/{}", p.kind, c.found, c.total);
            }
            Err(e) => eprintln!("{path}: error {e}"),
        }
    }
}
