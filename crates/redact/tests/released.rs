//! The released copy of every kind of original, read back with poppler as an applicant's
//! viewer would: no planted number in its text, its bytes (in any encoding tried) or its
//! metadata; the log names every box's article; every box is opaque in the rendered pages.
//! Skips (saying so) where poppler or LibreOffice is absent.
#![allow(clippy::unwrap_used, clippy::panic)]

use gongkai_redact::fixtures::{self, INVALID_ID};
use gongkai_redact::{Area, Original, Pattern, Reason, Rect, Tools};
use proptest::prelude::*;
use std::process::Command;

fn tools_for(programs: &[&str]) -> Option<Tools> {
    let tools = Tools::default();
    if tools.available(programs) {
        Some(tools)
    } else {
        eprintln!("SKIPPED: {programs:?} not all installed");
        None
    }
}

/// Runs a poppler program on a PDF and returns its standard output.
fn poppler(program: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(program)
        .args(args)
        .arg(&path)
        .args(if program == "pdftotext" {
            vec!["-"]
        } else {
            vec![]
        })
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every form a number could hide in among a PDF's bytes: ASCII, UTF-16 either way round,
/// hex of the ASCII or of UTF-16 (as `<…>` strings write them) in either case, and with the
/// digits spread by the spaces or hyphens of a grouped form.
fn encodings(number: &str) -> Vec<Vec<u8>> {
    let utf16be: Vec<u8> = number.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let utf16le: Vec<u8> = number.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let mut forms = vec![
        number.as_bytes().to_vec(),
        utf16be.clone(),
        utf16le,
        hex(number.as_bytes()).into_bytes(),
        hex(number.as_bytes()).to_uppercase().into_bytes(),
        hex(&utf16be).into_bytes(),
        hex(&utf16be).to_uppercase().into_bytes(),
    ];
    // The last 8 digits alone: a number split across strings leaves its tail together.
    forms.push(number.as_bytes()[number.len() - 8..].to_vec());
    forms
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What every released copy must be.
fn assert_clean(released: &[u8], areas: &[Area]) {
    assert!(released.starts_with(b"%PDF-"));
    let text = poppler("pdftotext", &[], released);
    let squeezed: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    for number in fixtures::planted() {
        assert!(!squeezed.contains(number), "{number} in the text:\n{text}");
        for form in encodings(number) {
            assert!(
                !contains(released, &form),
                "{number} in the bytes as {:?}",
                String::from_utf8_lossy(&form)
            );
        }
    }
    let info = poppler("pdfinfo", &[], released);
    for key in [
        "Title:",
        "Author:",
        "Subject:",
        "Keywords:",
        "Creator:",
        "Producer:",
        "CreationDate:",
        "ModDate:",
    ] {
        assert!(!info.contains(key), "{key} in pdfinfo:\n{info}");
    }
    assert!(info.contains("Metadata Stream: no"), "{info}");
    let raw = String::from_utf8_lossy(released);
    for key in [
        "/Info",
        "/Metadata",
        "/Annots",
        "/EmbeddedFile",
        "/JavaScript",
        "/OpenAction",
        "/AcroForm",
        "/Outlines",
    ] {
        assert!(!raw.contains(key), "{key} in the released copy");
    }
    // The log page: its title, and as many citations of each article as boxes with it.
    assert!(text.contains("区分处理说明"), "no log page:\n{text}");
    for reason in Reason::ALL {
        let boxes = areas.iter().filter(|a| a.reason == reason).count();
        // Counted in the text without its line breaks: the log wraps its lines anywhere.
        let cited = squeezed
            .matches(&format!("依据{}，", reason.article()))
            .count();
        assert_eq!(cited, boxes, "citations of {reason} in the log:\n{text}");
    }
}

/// Opens, pre-marks and releases an original; returns the boxes and the released copy.
fn release_with_patterns(tools: &Tools, bytes: &[u8], media_type: &str) -> (Vec<Area>, Vec<u8>) {
    let original = Original::open(tools, bytes, media_type).unwrap();
    let areas: Vec<Area> = original
        .find_patterns(tools)
        .unwrap()
        .iter()
        .map(gongkai_redact::Found::area)
        .collect();
    let released = original.release(tools, &areas).unwrap();
    (areas, released)
}

#[test]
fn text_pdf_loses_every_planted_number() {
    let Some(tools) = tools_for(&["pdfinfo", "pdftoppm", "pdftotext"]) else {
        return;
    };
    let pdf = fixtures::text_pdf(2);
    // The fixture does carry the numbers where a careless copy would keep them.
    let before = poppler("pdftotext", &[], &pdf);
    assert!(before.contains(fixtures::ID_NUMBERS[0]) && before.contains(INVALID_ID));
    assert!(poppler("pdfinfo", &[], &pdf).contains("Title:"));
    let original = Original::open(&tools, &pdf, "application/pdf").unwrap();
    assert_eq!(original.pages(), 2);
    let found = original.find_patterns(&tools).unwrap();
    let kinds: Vec<Pattern> = found.iter().map(|f| f.pattern).collect();
    // Two identity numbers, two mobiles (one in groups), the card in groups; not the
    // invalid identity number.
    assert_eq!(
        kinds,
        vec![
            Pattern::IdNumber,
            Pattern::Mobile,
            Pattern::Mobile,
            Pattern::BankCard,
            Pattern::IdNumber
        ]
    );
    let (areas, released) = release_with_patterns(&tools, &pdf, "application/pdf");
    assert_eq!(areas.len(), 5);
    std::fs::create_dir_all("../../target/screenshots").unwrap();
    std::fs::write("../../target/screenshots/redact-text.pdf", &released).unwrap();
    assert_clean(&released, &areas);
    // Two pages and the log.
    let info = poppler("pdfinfo", &[], &released);
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap();
    assert_eq!(pages.trim(), "3", "{info}");
    // The invalid identity number was not marked: it is still legible on the page image, so
    // it is not in the released text either (no text layer), but no box covers its line.
    let wrong_line_y = (842.0 - 770.0 + 24.0 * 5.0) / 842.0;
    assert!(
        areas
            .iter()
            .all(|a| a.rect.y + a.rect.h < wrong_line_y - 0.005)
    );
    std::fs::create_dir_all("../../target/screenshots").unwrap();
    std::fs::write("../../target/screenshots/redact-text.pdf", &released).unwrap();
}

#[test]
fn scanned_pdf_loses_its_ocr_layer_and_metadata() {
    let Some(tools) = tools_for(&["pdfinfo", "pdftoppm", "pdftotext"]) else {
        return;
    };
    let pdf = fixtures::scanned_pdf(3, 827, 1169);
    let (areas, released) = release_with_patterns(&tools, &pdf, "application/pdf");
    // The invisible OCR text is read by the pattern pass like any text.
    assert_eq!(areas.len(), 5);
    assert_clean(&released, &areas);
}

#[test]
fn docx_loses_every_planted_number() {
    let Some(tools) = tools_for(&["soffice", "pdfinfo", "pdftoppm", "pdftotext"]) else {
        return;
    };
    let docx = fixtures::docx();
    let (areas, released) = release_with_patterns(&tools, &docx, gongkai_redact::DOCX);
    assert_eq!(areas.len(), 5, "{areas:?}");
    assert_clean(&released, &areas);
}

#[test]
fn images_lose_their_metadata() {
    let Some(tools) = tools_for(&["pdfinfo", "pdftotext"]) else {
        return;
    };
    for (bytes, media_type) in [
        (fixtures::png_with_metadata(), "image/png"),
        (fixtures::jpeg_with_metadata(), "image/jpeg"),
    ] {
        assert!(contains(&bytes, fixtures::MOBILES[0].as_bytes()), "planted");
        let original = Original::open(&tools, &bytes, media_type).unwrap();
        assert_eq!(original.pages(), 1);
        // An officer's box on the image, as on any page.
        let areas = [Area {
            page: 1,
            rect: Rect {
                x: 0.1,
                y: 0.1,
                w: 0.5,
                h: 0.2,
            },
            reason: Reason::Art14,
        }];
        let released = original.release(&tools, &areas).unwrap();
        assert_clean(&released, &areas);
    }
}

#[test]
fn a_document_without_boxes_is_rebuilt_whole_and_says_so() {
    let Some(tools) = tools_for(&["pdfinfo", "pdftoppm", "pdftotext"]) else {
        return;
    };
    let original = Original::open(&tools, &fixtures::text_pdf(1), "application/pdf").unwrap();
    let released = original.release(&tools, &[]).unwrap();
    let text = poppler("pdftotext", &[], &released);
    assert!(text.contains("本文件没有不予公开的部分"), "{text}");
    // No text layer: the numbers are pixels only.
    assert!(!text.contains(fixtures::ID_NUMBERS[0]));
}

#[test]
fn boxes_off_the_document_are_refused() {
    let Some(tools) = tools_for(&["pdfinfo"]) else {
        return;
    };
    let original = Original::open(&tools, &fixtures::text_pdf(1), "application/pdf").unwrap();
    let e = original
        .release(
            &tools,
            &[Area {
                page: 2,
                rect: Rect {
                    x: 0.0,
                    y: 0.0,
                    w: 0.1,
                    h: 0.1,
                },
                reason: Reason::Art15,
            }],
        )
        .unwrap_err();
    assert!(e.to_string().contains("共 1 页"), "{e}");
    let e = Original::open(&tools, b"plain", "text/plain").unwrap_err();
    assert!(e.to_string().contains("text/plain"), "{e}");
}

/// A PDF of mid-grey pages, so that a box's black stands out from the page.
fn grey_pdf(pages: usize) -> Vec<u8> {
    fixtures::scanned_pdf(pages, 60, 85)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// For random boxes on random pages, every pixel inside each box (one pixel in from its
    /// edges) is black in the released copy as pdftoppm renders it.
    #[test]
    fn every_box_is_opaque_in_the_rendered_copy(
        boxes in proptest::collection::vec(
            (1u32..=3, 0.0f64..0.9, 0.0f64..0.9, 0.02f64..0.5, 0.02f64..0.5), 1..6),
    ) {
        let Some(tools) = tools_for(&["pdfinfo", "pdftoppm"]) else { return Ok(()) };
        let areas: Vec<Area> = boxes
            .iter()
            .map(|&(page, x, y, w, h)| Area {
                page,
                rect: Rect { x, y, w: w.min(1.0 - x), h: h.min(1.0 - y) },
                reason: Reason::Art16Internal,
            })
            .collect();
        let original = Original::open(&tools, &grey_pdf(3), "application/pdf").unwrap();
        let released = original.release(&tools, &areas).unwrap();
        let rendered = tools.rasterize(&released, 72, Some((1, 3))).unwrap();
        prop_assert_eq!(rendered.len(), 3);
        for a in &areas {
            let image = &rendered[a.page as usize - 1];
            let (x0, y0, x1, y1) = a.rect.pixels(image.width(), image.height());
            for y in (y0 + 1)..y1.saturating_sub(1) {
                for x in (x0 + 1)..x1.saturating_sub(1) {
                    let p = image.get_pixel(x, y).0;
                    prop_assert!(p.iter().all(|&c| c < 16), "pixel ({x}, {y}) of {a:?} is {p:?}");
                }
            }
        }
    }
}
