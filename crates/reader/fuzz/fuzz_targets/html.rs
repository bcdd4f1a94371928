//! The HTML front-end and the back-end on arbitrary text.
#![no_main]
use gongkai_reader::InputKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gongkai_reader::read_as(InputKind::Html, data);
    let _ = gongkai_reader::read_as(InputKind::HtmlInJson, data);
});
