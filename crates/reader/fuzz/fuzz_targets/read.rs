//! `read` on arbitrary bytes (every front-end, chosen by sniffing).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gongkai_reader::sniff(data);
    let _ = gongkai_reader::read(data);
});
