//! Helpers shared by the reader's test files.
#![allow(clippy::unwrap_used, dead_code)]

pub mod crawl;
pub mod degrade;

use std::io::Write;

/// A minimal DOCX package: a content-types part and `word/document.xml` as given.
pub fn docx_package(document_xml: &str) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(document_xml.as_bytes()).unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}
