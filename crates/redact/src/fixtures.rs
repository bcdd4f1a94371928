//! Documents with planted personal numbers, generated for the tests of this crate and of the
//! services and web crates that use it (feature `fixtures`): a text PDF that also hides the
//! numbers in its metadata, an annotation and an attachment; a scanned PDF (page images with an
//! invisible OCR layer); a DOCX; PNG and JPEG images with the numbers in their metadata.

use crate::pdf::{Writer, page_tree};
use std::fmt::Write as _;

/// Valid identity numbers (GB 11643-1999 check characters), one ending in X.
pub const ID_NUMBERS: [&str; 2] = ["11010519491231002X", "440304198506153216"];
/// An identity number whose check character is wrong: never pre-marked.
pub const INVALID_ID: &str = "110105194912310021";
/// Mobile numbers; the second is written in groups in the documents.
pub const MOBILES: [&str; 2] = ["13800138000", "13912345678"];
/// A bank card number passing the Luhn check, written in groups of four.
pub const BANK_CARD: &str = "6222020200112233446";

/// Every valid planted number: none may survive in a released copy.
pub fn planted() -> Vec<&'static str> {
    let mut all = ID_NUMBERS.to_vec();
    all.extend(MOBILES);
    all.push(BANK_CARD);
    all
}

/// The lines of text the fixtures carry.
pub fn lines() -> Vec<String> {
    let grouped = |s: &str, n: usize| {
        s.as_bytes()
            .chunks(n)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
    };
    let m = MOBILES[1];
    vec![
        "Reply to application 2024-17".to_owned(),
        format!("Applicant ID: {}", ID_NUMBERS[0]),
        format!(
            "Mobile {} or {} {} {}",
            MOBILES[0],
            &m[..3],
            &m[3..7],
            &m[7..]
        ),
        format!("Account {}", grouped(BANK_CARD, 4).join(" ")),
        format!("Agent ID {} checked", ID_NUMBERS[1]),
        format!("Wrong ID {INVALID_ID} stays"),
    ]
}

/// Metadata text that carries every planted number.
fn secret_text() -> String {
    planted().join(" ")
}

/// A text PDF of `pages` A4 pages, [`lines`] on the first in Helvetica, the planted numbers
/// also in the Info dictionary, an XMP stream, a text annotation and an embedded file.
pub fn text_pdf(pages: usize) -> Vec<u8> {
    let mut w = Writer::new();
    let tree = w.reserve();
    let font = w.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    let secret = secret_text();
    let xmp = w.stream(
        "/Type /Metadata /Subtype /XML",
        format!("<x:xmpmeta><dc:description>{secret}</dc:description></x:xmpmeta>").as_bytes(),
    );
    let attached = w.stream("/Type /EmbeddedFile", secret.as_bytes());
    let spec = w.object(&format!(
        "<< /Type /Filespec /F (ids.txt) /EF << /F {attached} 0 R >> >>"
    ));
    let annot = w.object(&format!(
        "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents ({secret}) >>"
    ));
    let mut kids = Vec::new();
    for p in 0..pages {
        let mut content = String::from("BT /F1 12 Tf\n");
        let text: Vec<String> = if p == 0 {
            lines()
        } else {
            vec![format!("Page {} of the reply", p + 1)]
        };
        for (i, line) in text.iter().enumerate() {
            let _ = writeln!(content, "1 0 0 1 72 {} Tm ({line}) Tj", 770 - 24 * i);
        }
        content.push_str("ET\n");
        let contents = w.stream("", content.as_bytes());
        let annots = if p == 0 {
            format!("/Annots [{annot} 0 R]")
        } else {
            String::new()
        };
        kids.push(w.object(&format!(
            "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 {font} 0 R >> >> /Contents {contents} 0 R {annots} >>"
        )));
    }
    w.object_at(tree, &page_tree(&kids));
    let catalog = w.object(&format!(
        "<< /Type /Catalog /Pages {tree} 0 R /Metadata {xmp} 0 R \
         /Names << /EmbeddedFiles << /Names [(ids.txt) {spec} 0 R] >> >> \
         /OpenAction << /S /JavaScript /JS (app.alert('{secret}')) >> >>"
    ));
    let info = w.object(&format!(
        "<< /Title ({secret}) /Author ({}) /Producer (fixture) >>",
        ID_NUMBERS[0]
    ));
    w.finish_with(catalog, &format!("/Info {info} 0 R "))
}

/// A page of a scan: grey noise and dark strokes, like paper with text, as a JPEG of
/// `width × height` pixels.
pub fn scan_jpeg(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state % 24) as u8;
        // Lines of "text": dark strokes in bands.
        let ink = (y / 12) % 3 == 0
            && (x / 7 + y / 12) % 5 != 0
            && x > width / 10
            && x < width - width / 10;
        let v = if ink { 40 + noise } else { 225 + noise.min(30) };
        image::Rgb([v, v, v.saturating_sub(8)])
    });
    let mut jpeg = Vec::new();
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 75).encode_image(&image);
    jpeg
}

/// A scanned PDF: each A4 page one JPEG image (`width × height` pixels), with the planted
/// numbers in an invisible OCR text layer (render mode 3) on the first page and in the Info
/// dictionary.
pub fn scanned_pdf(pages: usize, width: u32, height: u32) -> Vec<u8> {
    let jpeg = scan_jpeg(width, height, 7);
    let mut w = Writer::new();
    let tree = w.reserve();
    let font = w.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    let image = w.stream(
        &format!(
            "/Type /XObject /Subtype /Image /Width {width} /Height {height} \
             /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode"
        ),
        &jpeg,
    );
    let mut kids = Vec::new();
    for p in 0..pages {
        let mut content = String::from("q 595 0 0 842 0 0 cm /Im0 Do Q\n");
        if p == 0 {
            content.push_str("BT /F1 12 Tf 3 Tr\n");
            for (i, line) in lines().iter().enumerate() {
                let _ = writeln!(content, "1 0 0 1 72 {} Tm ({line}) Tj", 770 - 24 * i);
            }
            content.push_str("ET\n");
        }
        let contents = w.stream("", content.as_bytes());
        kids.push(w.object(&format!(
            "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 {font} 0 R >> /XObject << /Im0 {image} 0 R >> >> \
             /Contents {contents} 0 R >>"
        )));
    }
    w.object_at(tree, &page_tree(&kids));
    let catalog = w.object(&format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    let info = w.object(&format!("<< /Author ({}) >>", secret_text()));
    w.finish_with(catalog, &format!("/Info {info} 0 R "))
}

/// CRC-32 (ISO 3309), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose text chunks (`tEXt`) carry the planted numbers.
pub fn png_with_metadata() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(400, 300, image::Rgb([230, 230, 230]));
    let mut png = Vec::new();
    let _ = image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
    // After the signature (8 bytes) and IHDR (25 bytes).
    let mut chunk_data = b"Comment\0".to_vec();
    chunk_data.extend(secret_text().as_bytes());
    let mut body = b"tEXt".to_vec();
    body.extend(&chunk_data);
    let mut chunk = (chunk_data.len() as u32).to_be_bytes().to_vec();
    chunk.extend(&body);
    chunk.extend(crc32(&body).to_be_bytes());
    let mut out = png[..33].to_vec();
    out.extend(chunk);
    out.extend(&png[33..]);
    out
}

/// A JPEG whose EXIF segment (APP1) and comment (COM) carry the planted numbers.
pub fn jpeg_with_metadata() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(400, 300, image::Rgb([200, 210, 220]));
    let mut jpeg = Vec::new();
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&image);
    let segment = |marker: u8, data: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend(((data.len() + 2) as u16).to_be_bytes());
        s.extend(data);
        s
    };
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(secret_text().as_bytes());
    let mut out = jpeg[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xFE, secret_text().as_bytes()));
    out.extend(&jpeg[2..]);
    out
}

/// A DOCX with [`lines`] as paragraphs.
pub fn docx() -> Vec<u8> {
    let mut doc = docx_rs::Docx::new();
    for line in lines() {
        doc = doc
            .add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(line)));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    let _ = doc.build().pack(&mut out);
    out.into_inner()
}
