//! 文号 (发文字号): parsing and normalisation.
//!
//! The 发文字号 is made of the 机关代字, the year in 六角括号 `〔〕` and the sequence number
//! (`盐政办发〔2020〕12号`, the form 党政机关公文格式 GB/T 9704 prescribes). Catalogue exports
//! and saved pages write it with whatever the typist had at hand: `[] () （） 【】 ［］ 〈〉 ﹝﹞`,
//! full-width digits, `第12号`, `012号`, spaces. A 文号 is how the register (第二十条第（一）项)
//! and a 废止 decision name a document, so all those spellings must compare equal.

use crate::model::{DocNumber, DocNumberParts};
use crate::text::{half_width, is_space};

/// What catalogues write in the 文号 column of a document that has none.
const NO_NUMBER: &[&str] = &["无", "暂无", "无文号", "/", "\\", "-", "--", "—", "——"];

impl DocNumber {
    /// Reads a 文号. `None` for an empty cell or one that says there is none (`无`, `暂无`,
    /// `无文号`, `/`, `-`, `—`). `raw` keeps the trimmed text; `normalised` is
    /// `{prefix}〔{year}〕{number}号` when the text has the usual form (bracketed year, or
    /// `{prefix}{year}年{number}号`), otherwise the text with widths, spaces and brackets
    /// normalised.
    pub fn parse(text: &str) -> Option<DocNumber> {
        let raw = text.trim_matches(is_space);
        let compact = compact(raw);
        if compact.is_empty() || NO_NUMBER.contains(&compact.as_str()) {
            return None;
        }
        let parts = parse_parts(&compact);
        let normalised = match &parts {
            Some(p) => format!("{}〔{}〕{}号", p.prefix, p.year, p.number),
            None => compact,
        };
        Some(DocNumber {
            raw: raw.to_owned(),
            normalised,
            parts,
        })
    }
}

/// Half-width characters, no white space, every bracket pair as `〔〕`.
fn compact(text: &str) -> String {
    text.chars()
        .map(half_width)
        .filter(|&c| !is_space(c))
        .map(|c| match c {
            // After `half_width`, （ and ［ are already ( and [.
            '[' | '(' | '【' | '〈' | '﹝' | '〖' | '﹙' | '{' => '〔',
            ']' | ')' | '】' | '〉' | '﹞' | '〗' | '﹚' | '}' => '〕',
            c => c,
        })
        .collect()
}

/// `{prefix}〔{yyyy}〕[第]{n}[号]` or `{prefix}{yyyy}年[第]{n}[号]` on compact text.
fn parse_parts(text: &str) -> Option<DocNumberParts> {
    let (prefix, rest) = if let Some((prefix, rest)) = text.split_once('〔') {
        let (year, rest) = rest.split_once('〕')?;
        (prefix, (year, rest))
    } else {
        // No bracket: the year is the four digits before the first 年.
        let (head, rest) = text.split_once('年')?;
        let split = head.len().checked_sub(4)?;
        let (prefix, year) = (head.get(..split)?, head.get(split..)?);
        if prefix.ends_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        (prefix, (year, rest))
    };
    let (year, rest) = rest;
    if prefix.is_empty() || year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = rest.strip_prefix('第').unwrap_or(rest);
    let digits = rest.strip_suffix('号').unwrap_or(rest);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: u32 = digits.parse().ok()?;
    if number == 0 {
        return None;
    }
    Some(DocNumberParts {
        prefix: prefix.to_owned(),
        year: year.parse().ok()?,
        number,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parts(prefix: &str, year: i32, number: u32) -> Option<DocNumberParts> {
        Some(DocNumberParts {
            prefix: prefix.to_owned(),
            year,
            number,
        })
    }

    #[test]
    fn the_spellings_of_one_number_compare_equal() {
        for text in [
            "盐政办发〔2020〕12号",
            "盐政办发[2020]12号",
            "盐政办发（2020）12号",
            "盐政办发(2020)12号",
            "盐政办发【2020】１２号",
            "盐政办发［２０２０］12号",
            "盐政办发〈2020〉12号",
            "盐政办发﹝2020﹞12号",
            "盐政办发〔2020〕第12号",
            "盐政办发〔2020〕012号",
            "盐政办发〔2020〕12",
            " 盐政办发 〔2020〕 12 号\u{3000}",
            "盐政办发2020年12号",
            "盐政办发2020年第12号",
        ] {
            let n = DocNumber::parse(text).unwrap();
            assert_eq!(n.normalised, "盐政办发〔2020〕12号", "{text}");
            assert_eq!(n.parts, parts("盐政办发", 2020, 12), "{text}");
            assert_eq!(n.raw, text.trim_matches(is_space));
        }
        assert_eq!(
            DocNumber::parse("盐政办发[2020]12号"),
            DocNumber::parse("盐政办发〔2020〕12号")
        );
        assert_ne!(
            DocNumber::parse("盐政办发〔2020〕12号"),
            DocNumber::parse("盐政办发〔2020〕13号")
        );
    }

    #[test]
    fn real_numbers_parse() {
        let cases = [
            ("国办发〔2019〕60号", parts("国办发", 2019, 60)),
            ("国科发专〔2017〕145号", parts("国科发专", 2017, 145)),
            ("鲁政发〔2014〕20号", parts("鲁政发", 2014, 20)),
            ("呼政办发[2008]68号", parts("呼政办发", 2008, 68)),
            ("京社保发2021年9号", parts("京社保发", 2021, 9)),
            ("晋政办函〔2021〕3号", parts("晋政办函", 2021, 3)),
        ];
        for (text, expected) in cases {
            assert_eq!(DocNumber::parse(text).unwrap().parts, expected, "{text}");
        }
    }

    #[test]
    fn no_number_is_none() {
        for text in [
            "",
            "   ",
            "\u{3000}",
            "无",
            " 无 ",
            "暂无",
            "无文号",
            "/",
            "-",
            "—",
            "——",
            "－",
        ] {
            assert_eq!(DocNumber::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn other_forms_keep_a_normalised_text() {
        let cases = [
            ("国务院令第711号", "国务院令第711号"),
            ("山西省人民政府令 第２９３号", "山西省人民政府令第293号"),
            ("财预（2020）12号、13号", "财预〔2020〕12号、13号"),
            ("〔2020〕12号", "〔2020〕12号"),
            ("盐政办发〔2020〕0号", "盐政办发〔2020〕0号"),
            ("盐政办发〔20〕12号", "盐政办发〔20〕12号"),
            ("盐政办发〔2020〕12号文", "盐政办发〔2020〕12号文"),
            (
                "盐政办发〔2020〕99999999999号",
                "盐政办发〔2020〕99999999999号",
            ),
            ("20201年12号", "20201年12号"),
        ];
        for (text, normalised) in cases {
            let n = DocNumber::parse(text).unwrap();
            assert_eq!(n.parts, None, "{text}");
            assert_eq!(n.normalised, normalised, "{text}");
        }
    }

    const OPEN: [&str; 10] = ["〔", "[", "(", "（", "【", "［", "〈", "﹝", "〖", "﹙"];
    const CLOSE: [&str; 10] = ["〕", "]", ")", "）", "】", "］", "〉", "﹞", "〗", "﹚"];

    fn width(text: &str, full: &[bool]) -> String {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                if full[i % full.len()] && c.is_ascii_digit() {
                    char::from_u32(c as u32 + 0xFEE0).unwrap()
                } else {
                    c
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn variants_normalise_to_one_key(
            prefix in prop::sample::select(vec!["盐政办发", "国办发", "晋政发", "运政办函", "盐湖区自然资源局发", "国科发专"]),
            year in 1980i32..=2100,
            number in 1u32..100_000,
            open in 0usize..10,
            close in 0usize..10,
            zeros in 0usize..3,
            di in any::<bool>(),
            hao in any::<bool>(),
            full in proptest::collection::vec(any::<bool>(), 8),
            spaces in proptest::collection::vec(prop::sample::select(vec!["", " ", "\u{3000}", "\t"]), 6),
        ) {
            let variant = format!(
                "{s0}{prefix}{s1}{o}{year}{c}{s2}{di}{zeros}{number}{s3}{hao}{s4}",
                s0 = spaces[0], s1 = spaces[1], s2 = spaces[2], s3 = spaces[3], s4 = spaces[4],
                o = OPEN[open],
                year = width(&year.to_string(), &full),
                c = CLOSE[close],
                di = if di { "第" } else { "" },
                zeros = "0".repeat(zeros),
                number = width(&number.to_string(), &full[1..]),
                hao = if hao { "号" } else { "" },
            );
            let n = DocNumber::parse(&variant).unwrap();
            prop_assert_eq!(n.normalised, format!("{prefix}〔{year}〕{number}号"));
            prop_assert_eq!(n.parts, parts(prefix, year, number));
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,30}") {
            if let Some(n) = DocNumber::parse(&text) {
                prop_assert!(!n.normalised.is_empty());
                prop_assert!(!n.normalised.chars().any(is_space));
            }
        }
    }
}
