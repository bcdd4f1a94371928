//! Writes the sample letter of every kind to a directory, for looking at the layout:
//! `cargo run -p gongkai-letters --example sample -- target/letters`.

use gongkai_letters::{Context, Kind, Letter, default_template, render_text};
use gongkai_render::DocumentMeta;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "letters".into());
    std::fs::create_dir_all(&dir)?;
    for kind in Kind::ALL {
        let context = Context::sample(kind);
        let letter = Letter::parse(&render_text(default_template(kind), &context)?)?;
        let meta = DocumentMeta {
            signed_on: chrono::NaiveDate::from_ymd_opt(2025, 3, 24),
            created: None,
        };
        std::fs::write(
            format!("{dir}/{}.docx", kind.key()),
            letter.docx(&context.agency, &meta)?,
        )?;
    }
    Ok(())
}
