//! The PDF front-end on damaged input: errors, never panics or hangs.
#![cfg(feature = "pdf")]
#![allow(clippy::unwrap_used)]

use gongkai_reader::{InputKind, ReadError, Source, read, sniff};
use gongkai_report::{Report, json};
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/reports")
            .join(name),
    )
    .unwrap()
}

/// The PDF with only the pages `keep` (1-based), as a page saved from a flip-book viewer or a
/// document cut to the pages a researcher needed.
fn only_pages(bytes: &[u8], keep: &[u32]) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(bytes).unwrap();
    let drop: Vec<u32> = doc
        .get_pages()
        .keys()
        .copied()
        .filter(|p| !keep.contains(p))
        .collect();
    doc.delete_pages(&drop);
    doc.prune_objects();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Issue 14, class 2, on real PDFs: every fixture cut to each one of its pages and to pairs of
/// pages. Every cell read equals the whole report's (and the hand-written truth's), every cell
/// the whole report found on those pages is read, a cut is never complete, its year is the
/// report's or null (the cover is on page 1 only), and it is unreadable only when none of the
/// whole report's cells was on its pages.
#[test]
fn a_pdf_cut_to_some_of_its_pages_reads_what_they_hold() {
    for name in ["huaian-2024", "huaian-hongze-2023", "huaian-hongze-2024"] {
        let bytes = fixture(&format!("{name}.pdf"));
        let truth: Report =
            json::from_str(&String::from_utf8(fixture(&format!("{name}.json"))).unwrap()).unwrap();
        let full = read(&bytes).unwrap();
        assert_eq!(full.report, truth, "{name}: the whole PDF");
        let pages = lopdf::Document::load_mem(&bytes).unwrap().get_pages().len() as u32;
        assert!(pages >= 5, "{name}: {pages} pages");
        let mut cuts: Vec<Vec<u32>> = (1..=pages).map(|p| vec![p]).collect();
        cuts.extend((1..pages).map(|p| vec![p, p + 1]));
        let mut read_any_table = 0;
        for keep in cuts {
            let what = format!("{name} pages {keep:?}");
            let on_pages = full
                .provenance
                .values()
                .filter(
                    |s| matches!(s, Source::Page { page, .. } if keep.contains(&(*page as u32))),
                )
                .count();
            let cut = only_pages(&bytes, &keep);
            let p = match read(&cut) {
                Ok(p) => p,
                Err(e) => {
                    assert_eq!(
                        on_pages, 0,
                        "{what}: {e}, with {on_pages} cells on its pages"
                    );
                    continue;
                }
            };
            for key in p.report.cell_keys() {
                match p.provenance.get(&key) {
                    Some(src) => {
                        assert_eq!(
                            p.report.get(key),
                            truth.get(key),
                            "{what}: {key} from {src}"
                        );
                    }
                    None => assert_eq!(p.report.get(key), None, "{what}: {key} set, not found"),
                }
            }
            let c = p.completeness();
            assert!(c.found < c.total, "{what}: complete");
            // Every cell the whole report found on these pages is found in the cut.
            assert_eq!(c.found, on_pages, "{what}: cells found");
            // The year, when the pages do not show it, is null: never another.
            assert!(
                p.report.known_year().is_none_or(|y| y == truth.year),
                "{what}: year {}",
                p.report.year
            );
            read_any_table += usize::from(c.found > 0);
        }
        assert!(read_any_table >= 2, "{name}: {read_any_table} cuts read");
    }
}

#[test]
fn pdf_is_sniffed_by_content() {
    let bytes = fixture("huaian-2024.pdf");
    assert_eq!(sniff(&bytes), InputKind::Pdf);
    // Junk before the header, as readers accept.
    let mut junk = b"\r\n\0garbage".to_vec();
    junk.extend_from_slice(&bytes);
    assert_eq!(sniff(&junk), InputKind::Pdf);
    assert!(matches!(read(b"%PDF-1.7\n"), Err(ReadError::Unreadable(_))));
}

#[test]
fn truncated_and_damaged_pdfs_are_errors() {
    let bytes = fixture("huaian-hongze-2023.pdf");
    for cut in [8, 200, bytes.len() / 3, bytes.len() / 2, bytes.len() - 100] {
        let _ = read(&bytes[..cut]);
    }
    let mut zeroed = bytes.clone();
    for b in zeroed.iter_mut().skip(2000).step_by(97) {
        *b = 0;
    }
    let _ = read(&zeroed);
}

/// Subset fonts under `Identity-H` without `ToUnicode` (the fixtures' fonts have no `cmap`
/// either): the glyph codes cannot become text, and the error says so instead of "a scan".
#[test]
fn fonts_without_a_character_map_are_named() {
    // Same length, so the cross-reference offsets stay right.
    let bytes = fixture("huaian-hongze-2024.pdf");
    let maps = String::from_utf8_lossy(&bytes)
        .matches("/ToUnicode")
        .count();
    assert!(maps > 0);
    let mut stripped = bytes.clone();
    let pat = b"/ToUnicode";
    let mut i = 0;
    while let Some(p) = stripped[i..].windows(pat.len()).position(|w| w == pat) {
        stripped[i + p + pat.len() - 1] = b'X';
        i += p + pat.len();
    }
    match read(&stripped) {
        Err(ReadError::Unreadable(m)) => {
            assert!(m.contains("ToUnicode") && m.contains("无法还原"), "{m}");
        }
        other => panic!("{:?}", other.map(|p| p.report.year)),
    }
    assert!(read(&bytes).is_ok());
}

#[test]
fn extraction_has_a_time_limit() {
    let bytes = fixture("huaian-2024.pdf");
    let start = Instant::now();
    let r = gongkai_reader::pdf::parse_with_limit(&bytes, Duration::from_nanos(1));
    assert!(start.elapsed() < Duration::from_secs(5));
    if let Err(e) = r {
        assert!(matches!(e, ReadError::Unreadable(_)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mutated_pdf_never_panics(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..30)) {
        let mut bytes = fixture("huaian-hongze-2024.pdf");
        for (at, b, op) in edits {
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = b,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, b),
            }
        }
        let _ = gongkai_reader::pdf::extract_unisolated(&bytes);
        let _ = read(&bytes);
    }

    #[test]
    fn random_pdf_objects_never_panic(body in "(BT|ET|Tj|TJ|Tf|Td|Tm|cm|q|Q|Do|/F1|<0041>|\\(a\\)|\\[|\\]|1|-2|0\\.5|obj|endobj|stream|endstream|<<|>>| |\n){0,60}") {
        let pdf = format!("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length {}>>stream\n{}\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type0/Encoding/GBK-EUC-H/DescendantFonts[<</W[1[2 3]4 5 6]>>]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF", body.len(), body);
        let _ = gongkai_reader::pdf::extract_unisolated(pdf.as_bytes());
        let _ = read(pdf.as_bytes());
    }
}

/// Fuzzing regression (`fuzz/artifacts/pdf/crash-da39a3ee…`, the empty input): the extraction
/// thread was left detached after answering, which LeakSanitizer reported as a leak; it is
/// now joined. Empty and tiny inputs are errors.
#[test]
fn fuzz_regression_empty_and_tiny_inputs() {
    for bytes in [&b""[..], b"%PDF-", b"%PDF-1.7\n%%EOF", b"\x00"] {
        assert!(gongkai_reader::pdf::parse(bytes).is_err());
        let _ = gongkai_reader::read_as(InputKind::Pdf, bytes);
    }
}
