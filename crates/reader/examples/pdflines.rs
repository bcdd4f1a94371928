//! Prints the lines extracted from a PDF with the x of every field (front-end debugging).
#![allow(clippy::unwrap_used)]
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        match gongkai_reader::pdf::extract_isolated(&bytes, gongkai_reader::pdf::TIME_LIMIT) {
            Ok(pages) => {
                for (p, lines) in pages.iter().enumerate() {
                    for (l, line) in lines.iter().enumerate() {
                        let fields: Vec<String> = line
                            .fields
                            .iter()
                            .map(|(x, t)| format!("[{x:.0}]{t}"))
                            .collect();
                        println!(
                            "{}:{} y={:.0} s={:.1} {}",
                            p + 1,
                            l + 1,
                            line.y,
                            line.size,
                            fields.join(" ")
                        );
                    }
                }
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
}
