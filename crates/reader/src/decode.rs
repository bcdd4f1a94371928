//! Bytes to text: a BOM, a declared charset (`<meta charset>`, `encoding=`), or sniffing (strict
//! UTF-8, else GB18030, which also covers GBK and GB2312).

use encoding_rs::{Encoding, GB18030, UTF_8};

/// Decodes `bytes`; `None` when no candidate encoding decodes them without errors.
pub fn decode(bytes: &[u8]) -> Option<String> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (!had_errors).then(|| text.into_owned());
    }
    if let Some(enc) = declared(bytes) {
        let enc = if enc == encoding_rs::GBK {
            GB18030
        } else {
            enc
        };
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return Some(text.into_owned());
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_owned());
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if !had_errors {
        return Some(text.into_owned());
    }
    // Pages with a few broken bytes: accept a lossy UTF-8 or GB18030 reading when it is
    // overwhelmingly clean.
    for enc in [UTF_8, GB18030] {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        let bad = text.chars().filter(|&c| c == '\u{fffd}').count();
        let total = text.chars().count().max(1);
        if bad * 1000 <= total {
            return Some(text.into_owned());
        }
    }
    None
}

/// The charset declared in the first 4 KB (`charset=gbk`, `encoding="GB2312"`).
fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    for key in [&b"charset="[..], &b"encoding="[..]] {
        let mut from = 0;
        while let Some(pos) = find(&lower[from..], key) {
            let start = from + pos + key.len();
            let rest = &lower[start..];
            let rest = rest
                .strip_prefix(b"\"")
                .or_else(|| rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let end = rest
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
                .unwrap_or(rest.len());
            if let Some(enc) = Encoding::for_label(&rest[..end]) {
                return Some(enc);
            }
            from = start;
        }
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
