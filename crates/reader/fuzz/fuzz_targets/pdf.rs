//! The PDF front-end. The extraction is isolated (a panic inside it is an error), so this
//! target runs the unisolated extraction to let libFuzzer see the panics the isolation hides.
#![no_main]
use gongkai_reader::InputKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gongkai_reader::pdf::extract_unisolated(data);
    let _ = gongkai_reader::read_as(InputKind::Pdf, data);
});
