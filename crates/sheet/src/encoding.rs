//! The encodings a CSV file comes in: UTF-8 with or without BOM, UTF-16 with BOM, otherwise
//! GB18030 (a superset of GBK, what Excel writes as "CSV" on Chinese Windows).

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// The encoding a byte-order mark at the start of `head` names, and the mark's length.
pub fn bom(head: &[u8]) -> Option<(&'static Encoding, usize)> {
    if head.starts_with(b"\xEF\xBB\xBF") {
        Some((UTF_8, 3))
    } else if head.starts_with(b"\xFF\xFE") {
        Some((UTF_16LE, 2))
    } else if head.starts_with(b"\xFE\xFF") {
        Some((UTF_16BE, 2))
    } else {
        None
    }
}

/// Without a byte-order mark, the encodings tried in this order: the first that decodes the
/// whole file without a malformed sequence is the file's.
pub const WITHOUT_BOM: [&Encoding; 2] = [UTF_8, GB18030];

/// Decodes a whole file (see the module's rule). `None`: no encoding decodes it.
pub fn decode(bytes: &[u8]) -> Option<(String, &'static Encoding)> {
    let (encoding, text) = match bom(bytes) {
        Some((encoding, len)) => (
            encoding,
            encoding.decode_without_bom_handling_and_without_replacement(
                bytes.get(len..).unwrap_or_default(),
            )?,
        ),
        None => WITHOUT_BOM.into_iter().find_map(|encoding| {
            encoding
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|text| (encoding, text))
        })?,
    };
    Some((text.into_owned(), encoding))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encodings() {
        let (gbk, _, _) = GB18030.encode("索引号,信息名称\n");
        assert_eq!(decode(&gbk).unwrap(), ("索引号,信息名称\n".into(), GB18030));
        assert_eq!(decode("甲".as_bytes()).unwrap(), ("甲".into(), UTF_8));
        assert_eq!(decode(b"\xEF\xBB\xBFa").unwrap(), ("a".into(), UTF_8));
        assert_eq!(decode(b"\xFF\xFEa\x00").unwrap(), ("a".into(), UTF_16LE));
        assert_eq!(decode(b"\xFE\xFF\x00a").unwrap(), ("a".into(), UTF_16BE));
        // A BOM decides: invalid UTF-8 after a UTF-8 BOM is not tried as GB18030.
        assert!(decode(b"\xEF\xBB\xBF\xFF").is_none());
        assert_eq!(bom(b"\xFF"), None);
    }
}
