//! The DOCX front-end: arbitrary packages, and arbitrary `word/document.xml` parts.
#![no_main]
use gongkai_reader::InputKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gongkai_reader::read_as(InputKind::Docx, data);
    let doc = gongkai_reader::docx::parse_xml(data);
    let _ = gongkai_reader::interpret(&doc, InputKind::Docx);
});
