//! The released copy of a 50-page scan (each page one JPEG, A4 at 200 dpi): rasterized at
//! 150 dpi by pdftoppm, boxes painted, pages re-encoded, the PDF written. The target is
//! under 10 s on one core. The pure part (painting, encoding, writing) is measured alone too,
//! so that a change in poppler and one in this crate can be told apart.
//!
//! `cargo bench -p gongkai-redact --bench release`; skips when poppler is absent.
#![allow(clippy::unwrap_used)]

use gongkai_redact::{Area, Original, Reason, Rect, Tools, fixtures, raster};

fn main() {
    divan::main();
}

/// A4 at 200 dpi.
const SCAN: (u32, u32) = (1654, 2339);
const PAGES: usize = 50;

fn boxes() -> Vec<Area> {
    (1..=PAGES as u32)
        .map(|page| Area {
            page,
            rect: Rect {
                x: 0.1,
                y: 0.2,
                w: 0.5,
                h: 0.05,
            },
            reason: Reason::Art15,
        })
        .collect()
}

#[divan::bench(sample_count = 3)]
fn scan_50_pages_end_to_end(bencher: divan::Bencher) {
    let tools = Tools::default();
    if !tools.available(&["pdfinfo", "pdftoppm"]) {
        eprintln!("SKIPPED: poppler is not installed");
        return;
    }
    let pdf = fixtures::scanned_pdf(PAGES, SCAN.0, SCAN.1);
    let areas = boxes();
    bencher.bench(|| {
        let original = Original::open(&tools, &pdf, "application/pdf").unwrap();
        original.release(&tools, &areas).unwrap()
    });
}

#[divan::bench(sample_count = 3)]
fn scan_50_pages_rebuild_only(bencher: divan::Bencher) {
    let tools = Tools::default();
    if !tools.available(&["pdftoppm"]) {
        eprintln!("SKIPPED: poppler is not installed");
        return;
    }
    let pdf = fixtures::scanned_pdf(1, SCAN.0, SCAN.1);
    let page = tools.rasterize(&pdf, raster::DPI, None).unwrap().remove(0);
    let areas = boxes();
    bencher
        .with_inputs(|| vec![page.clone(); PAGES])
        .bench_values(|pages| raster::rebuild(pages, &areas, raster::DPI).unwrap());
}
