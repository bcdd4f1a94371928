//! 索引号: parsing, validation and the comparison key of a catalogue entry's index number.
//!
//! 第十二条 requires the 政府信息公开目录 to carry an index (索引) for every entry; the schemes are
//! set by each province or department, not by the 条例. The forms met on government portals:
//!
//! | example | form |
//! |---|---|
//! | `000014349/2020-00012` (国务院, 9-character 组织机构代码) | code `/` year `-` sequence |
//! | `11140802MB1962461X/2020-00123` (18-character 统一社会信用代码) | code `/` year `-` sequence |
//! | `11340100003001090F/202012-00004` | code `/` year+month `-` sequence |
//! | `11140802MB1962461X-01-2020-0123` | code `-` category `-` year `-` sequence |
//! | `01527918X-2020-153077` | code `-` year `-` sequence |
//! | `01-02-2020-0001` | code `-` category `-` year `-` sequence |
//!
//! All of them are groups separated by `/` or `-` whose last two groups are the year (four
//! digits, or six/eight when the scheme writes the month or the date) and the sequence; the
//! first group is the agency code and the groups between are the category (分类号). Anything
//! else (the 21-digit schemes without separators, Chinese text) is kept as written, with no
//! parts: an agency's own scheme is legitimate, so it is never an error.
//!
//! The comparison key ([`IndexNumber::key`]) is the text with widths, dashes, case and spaces
//! normalised, not a reassembly of the parts: `…/2020-00123` and `…/2020-123` stay different,
//! because the schemes fix the width of the sequence and a catalogue may well hold both.

use crate::model::{IndexNumber, IndexParts};
use crate::text::{half_width, is_dash, is_space};
use chrono::NaiveDate;

/// What is wrong with an index number that follows the usual form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexNumberError {
    /// No text at all.
    #[error("索引号为空：政府信息公开目录的每一条信息都应有索引号（第十二条）")]
    Empty,
    /// The agency code or a category group is empty (`/2020-00012`, `CODE--2020-1`).
    #[error("索引号“{raw}”的{part}为空")]
    EmptyPart { raw: String, part: &'static str },
    /// The year group is not a year of the People's Republic's government documents.
    #[error("索引号“{raw}”中的年份 {year} 不在 1949–2100 之间")]
    YearOutOfRange { raw: String, year: i32 },
    /// A year+month or date group that is no date (`202013`, `20200230`).
    #[error("索引号“{raw}”中的日期“{group}”不是有效的年月或日期")]
    BadDate { raw: String, group: String },
    /// Sequence numbers start at 1.
    #[error("索引号“{raw}”的顺序号为 0：顺序号从 1 开始")]
    ZeroSequence { raw: String },
}

/// The earliest and latest plausible years of a government document.
const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

/// The result of matching the usual form, with what [`IndexParts`] does not keep but
/// [`IndexNumber::check`] validates.
struct Recognised {
    parts: IndexParts,
    /// The year group as written (4, 6 or 8 digits).
    year_group: String,
}

impl IndexNumber {
    /// Reads an index number. Never fails: `raw` keeps the trimmed text as written, `parts` is
    /// set when the text follows one of the usual forms (see the module documentation), even
    /// if a part is implausible — [`IndexNumber::check`] says so.
    pub fn parse(text: &str) -> IndexNumber {
        let raw = text.trim_matches(is_space).to_owned();
        let parts = recognise(&normalise(&raw)).map(|r| r.parts);
        IndexNumber { raw, parts }
    }

    /// The normalised comparison key: uniqueness of 索引号 within an agency is decided on it.
    /// Full-width characters become half-width, every dash `-`, letters upper case, white space
    /// is removed. Parts are not reassembled (leading zeros stay significant).
    pub fn key(&self) -> String {
        normalise(&self.raw)
    }

    /// Checks an index number that claims the usual form: a year in 1949–2100 (and a real month
    /// or date when the year group carries one), a sequence of at least 1, no empty group. A
    /// text in another scheme passes: only the empty text is always wrong.
    ///
    /// # Errors
    /// The first [`IndexNumberError`] found.
    pub fn check(&self) -> Result<(), IndexNumberError> {
        if self.raw.is_empty() {
            return Err(IndexNumberError::Empty);
        }
        let Some(found) = recognise(&normalise(&self.raw)) else {
            return Ok(());
        };
        let raw = || self.raw.clone();
        let parts = &found.parts;
        if parts.agency_code.is_empty() {
            return Err(IndexNumberError::EmptyPart {
                raw: raw(),
                part: "机关代码",
            });
        }
        if let Some(category) = &parts.category
            && category.split('-').any(str::is_empty)
        {
            return Err(IndexNumberError::EmptyPart {
                raw: raw(),
                part: "分类号",
            });
        }
        if !YEARS.contains(&parts.year) {
            return Err(IndexNumberError::YearOutOfRange {
                raw: raw(),
                year: parts.year,
            });
        }
        if !date_group_valid(&found.year_group) {
            return Err(IndexNumberError::BadDate {
                raw: raw(),
                group: found.year_group,
            });
        }
        if parts.sequence == 0 {
            return Err(IndexNumberError::ZeroSequence { raw: raw() });
        }
        Ok(())
    }
}

/// What an index number's agency code is, by its length, alphabet and check character. Only
/// informative: an agency may use a local code, and a typing error in the check character does
/// not make a catalogue entry unlawful, so [`IndexNumber::check`] does not look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyCode {
    /// 18 characters of the 统一社会信用代码 alphabet (GB 32100-2015); `valid` when the check
    /// character (the 18th) matches.
    CreditCode { valid: bool },
    /// 9 characters, 8 digits or capitals and a check character (组织机构代码, GB 11714-1997);
    /// `valid` when it matches.
    OrganisationCode { valid: bool },
    /// Anything else (a local code).
    Other,
}

/// The 统一社会信用代码 alphabet: digits and capitals without I, O, S, V, Z.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

impl AgencyCode {
    /// Classifies a normalised (upper-case, half-width) code.
    pub fn of(code: &str) -> AgencyCode {
        let bytes = code.as_bytes();
        if bytes.len() == 18 && bytes.iter().all(|b| CREDIT_ALPHABET.contains(b)) {
            return AgencyCode::CreditCode {
                valid: credit_check(bytes),
            };
        }
        if bytes.len() == 9
            && bytes[..8]
                .iter()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            && (bytes[8].is_ascii_digit() || bytes[8] == b'X')
        {
            return AgencyCode::OrganisationCode {
                valid: organisation_check(bytes),
            };
        }
        AgencyCode::Other
    }
}

impl IndexParts {
    /// What the agency code is (see [`AgencyCode`]).
    pub fn agency_code_kind(&self) -> AgencyCode {
        AgencyCode::of(&self.agency_code)
    }
}

/// GB 32100-2015: weights 3^i mod 31, check = (31 − Σ mod 31) mod 31 in the code's alphabet.
fn credit_check(code: &[u8]) -> bool {
    let mut sum = 0usize;
    let mut weight = 1usize;
    for b in &code[..17] {
        let Some(value) = CREDIT_ALPHABET.iter().position(|c| c == b) else {
            return false;
        };
        sum += value * weight;
        weight = weight * 3 % 31;
    }
    CREDIT_ALPHABET.get((31 - sum % 31) % 31) == Some(&code[17])
}

/// GB 11714-1997: weights 3 7 9 10 5 8 4 2 (letters count A = 10 … Z = 35), check =
/// 11 − Σ mod 11, written `X` for 10 and `0` for 11.
fn organisation_check(code: &[u8]) -> bool {
    const WEIGHTS: [usize; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let value = |b: u8| match b {
        b'0'..=b'9' => usize::from(b - b'0'),
        _ => usize::from(b - b'A') + 10,
    };
    let sum: usize = code[..8]
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| value(b) * w)
        .sum();
    let expected = match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        // 1..=9 here: the cast cannot truncate.
        n => b'0' + n as u8,
    };
    code[8] == expected
}

/// The comparison form of an index number's text (see [`IndexNumber::key`]).
fn normalise(text: &str) -> String {
    text.chars()
        .map(half_width)
        .filter(|&c| !is_space(c))
        .map(|c| match c {
            c if is_dash(c) => '-',
            // Division slash and fraction slash, which some editors substitute for `/`.
            '\u{2215}' | '\u{2044}' => '/',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Matches the usual form on normalised text.
fn recognise(text: &str) -> Option<Recognised> {
    let groups: Vec<&str> = text.split(['/', '-']).collect();
    let [first, middle @ .., year_group, sequence] = groups.as_slice() else {
        return None;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let alnum = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    if !digits(sequence) || !digits(year_group) || ![4, 6, 8].contains(&year_group.len()) {
        return None;
    }
    if !alnum(first) || !middle.iter().all(|g| alnum(g)) {
        return None;
    }
    let sequence: u32 = sequence.parse().ok()?;
    let year: i32 = year_group.get(..4)?.parse().ok()?;
    let category = (!middle.is_empty()).then(|| middle.join("-"));
    Some(Recognised {
        parts: IndexParts {
            agency_code: (*first).to_owned(),
            category,
            year,
            sequence,
        },
        year_group: (*year_group).to_owned(),
    })
}

/// A `YYYY`, `YYYYMM` or `YYYYMMDD` group names a real month or date.
fn date_group_valid(group: &str) -> bool {
    let num = |r: std::ops::Range<usize>| group.get(r).and_then(|s| s.parse::<u32>().ok());
    match group.len() {
        4 => true,
        6 => num(4..6).is_some_and(|m| (1..=12).contains(&m)),
        8 => match (
            group.get(..4).and_then(|y| y.parse::<i32>().ok()),
            num(4..6),
            num(6..8),
        ) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d).is_some(),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parts(code: &str, category: Option<&str>, year: i32, sequence: u32) -> Option<IndexParts> {
        Some(IndexParts {
            agency_code: code.to_owned(),
            category: category.map(str::to_owned),
            year,
            sequence,
        })
    }

    #[test]
    fn the_usual_forms_are_recognised() {
        let cases = [
            ("000014349/2020-00012", parts("000014349", None, 2020, 12)),
            (
                "11140802MB1962461X/2020-00123",
                parts("11140802MB1962461X", None, 2020, 123),
            ),
            (
                "113408000113408000/2021-00001",
                parts("113408000113408000", None, 2021, 1),
            ),
            (
                "11340100003001090F/202012-00004",
                parts("11340100003001090F", None, 2020, 4),
            ),
            (
                "11140802MB1962461X-01-2020-0123",
                parts("11140802MB1962461X", Some("01"), 2020, 123),
            ),
            (
                "01527918X-2020-153077",
                parts("01527918X", None, 2020, 153_077),
            ),
            ("01-02-2020-0001", parts("01", Some("02"), 2020, 1)),
            (
                "330201-001-01-20070101-12",
                parts("330201", Some("001-01"), 2007, 12),
            ),
        ];
        for (text, expected) in cases {
            let n = IndexNumber::parse(text);
            assert_eq!(n.parts, expected, "{text}");
            assert_eq!(n.raw, text);
            assert_eq!(n.check(), Ok(()), "{text}");
        }
    }

    #[test]
    fn other_schemes_are_kept_raw_and_pass() {
        for text in [
            "530000000000120200001",
            "盐湖区政府办-2020-12",
            "2020年第12号",
            "ABC/2020",
            "ABC/20-0001",
            "ABC/2020-12A",
        ] {
            let n = IndexNumber::parse(text);
            assert_eq!(n.parts, None, "{text}");
            assert_eq!(n.raw, text);
            assert_eq!(n.check(), Ok(()), "{text}");
        }
    }

    #[test]
    fn the_raw_text_is_trimmed_and_kept_as_written() {
        let n = IndexNumber::parse(" \u{3000}１１１４０８０２ｍｂ1962461x／2020－00123\t");
        assert_eq!(n.raw, "１１１４０８０２ｍｂ1962461x／2020－00123");
        assert_eq!(n.key(), "11140802MB1962461X/2020-00123");
        assert_eq!(n.parts, parts("11140802MB1962461X", None, 2020, 123));
    }

    #[test]
    fn wrong_claims_of_the_usual_form_are_reported() {
        let err = |t: &str| IndexNumber::parse(t).check().unwrap_err();
        assert!(matches!(
            err("CODE/1900-00001"),
            IndexNumberError::YearOutOfRange { year: 1900, .. }
        ));
        assert!(matches!(
            err("CODE/2101-00001"),
            IndexNumberError::YearOutOfRange { year: 2101, .. }
        ));
        assert!(matches!(
            err("CODE/2020-00000"),
            IndexNumberError::ZeroSequence { .. }
        ));
        assert!(matches!(
            err("/2020-00012"),
            IndexNumberError::EmptyPart {
                part: "机关代码",
                ..
            }
        ));
        assert!(matches!(
            err("CODE--2020-1"),
            IndexNumberError::EmptyPart {
                part: "分类号", ..
            }
        ));
        assert!(matches!(
            err("CODE/202013-00001"),
            IndexNumberError::BadDate { .. }
        ));
        assert!(matches!(
            err("CODE-20200230-1"),
            IndexNumberError::BadDate { .. }
        ));
        assert_eq!(
            IndexNumber::parse("  ").check(),
            Err(IndexNumberError::Empty)
        );
        assert_eq!(
            err("000014349/1800-00012").to_string(),
            "索引号“000014349/1800-00012”中的年份 1800 不在 1949–2100 之间"
        );
        // Boundaries are inclusive.
        assert_eq!(IndexNumber::parse("CODE/1949-1").check(), Ok(()));
        assert_eq!(IndexNumber::parse("CODE/2100-1").check(), Ok(()));
    }

    #[test]
    fn agency_codes_are_classified_with_their_check_characters() {
        // Real codes: the 国务院办公厅 credit code and 国务院's 组织机构代码 on gov.cn.
        assert_eq!(
            AgencyCode::of("11100000000013127D"),
            AgencyCode::CreditCode { valid: true }
        );
        assert_eq!(
            AgencyCode::of("91350100M000100Y43"),
            AgencyCode::CreditCode { valid: true }
        );
        assert_eq!(
            AgencyCode::of("000014349"),
            AgencyCode::OrganisationCode { valid: true }
        );
        assert_eq!(
            AgencyCode::of("01527918X"),
            AgencyCode::OrganisationCode { valid: true }
        );
        // One character changed.
        assert_eq!(
            AgencyCode::of("11100000000013128D"),
            AgencyCode::CreditCode { valid: false }
        );
        assert_eq!(
            AgencyCode::of("000014348"),
            AgencyCode::OrganisationCode { valid: false }
        );
        assert_eq!(
            AgencyCode::of("11140802MB1962461X"),
            AgencyCode::CreditCode { valid: false }
        );
        for other in ["01", "330201", "11140802MB1962461I", "1114080200000000000"] {
            assert_eq!(AgencyCode::of(other), AgencyCode::Other, "{other}");
        }
        let n = IndexNumber::parse("11100000000013127d/2021-00001");
        assert_eq!(
            n.parts.unwrap().agency_code_kind(),
            AgencyCode::CreditCode { valid: true }
        );
    }

    #[test]
    fn dashes_slashes_and_spaces_compare_equal() {
        let a = IndexNumber::parse("11140802MB1962461X-01-2020-0123");
        for variant in [
            "11140802MB1962461X—01—2020—0123",
            "11140802MB1962461X–01–2020−0123",
            "11140802mb1962461x - 01 - 2020 - 0123",
        ] {
            assert_eq!(IndexNumber::parse(variant).key(), a.key(), "{variant}");
            assert_eq!(IndexNumber::parse(variant).parts, a.parts, "{variant}");
        }
        // Leading zeros of the sequence stay significant in the key.
        assert_ne!(
            IndexNumber::parse("000014349/2020-00012").key(),
            IndexNumber::parse("000014349/2020-12").key()
        );
    }

    /// A character written in either width.
    fn widen(c: char, full: bool) -> String {
        if full && ('!'..='~').contains(&c) {
            char::from_u32(c as u32 + 0xFEE0).unwrap().to_string()
        } else {
            c.to_string()
        }
    }

    proptest! {
        #[test]
        fn width_variants_give_the_same_key_and_parts(
            code in "[0-9A-Z]{9,18}",
            category in proptest::option::of("[0-9]{2}"),
            year in 1949i32..=2100,
            sequence in 1u32..100_000,
            widths in proptest::collection::vec(any::<bool>(), 64),
            lower in any::<bool>(),
            spaces in any::<bool>(),
        ) {
            let canonical = match &category {
                Some(c) => format!("{code}-{c}-{year}-{sequence:05}"),
                None => format!("{code}/{year}-{sequence:05}"),
            };
            let mut variant = String::new();
            for (i, c) in canonical.chars().enumerate() {
                let c = if lower { c.to_ascii_lowercase() } else { c };
                variant.push_str(&widen(c, widths[i % widths.len()]));
                if spaces && i % 5 == 0 {
                    variant.push('\u{3000}');
                }
            }
            let a = IndexNumber::parse(&canonical);
            let b = IndexNumber::parse(&variant);
            prop_assert_eq!(a.key(), b.key());
            prop_assert_eq!(&a.key(), &canonical);
            prop_assert_eq!(&a.parts, &b.parts);
            prop_assert_eq!(a.parts.as_ref().map(|p| (p.year, p.sequence)), Some((year, sequence)));
            prop_assert_eq!(b.check(), Ok(()));
        }

        #[test]
        fn parse_never_panics_and_keeps_the_trimmed_text(text in "\\PC{0,40}") {
            let n = IndexNumber::parse(&text);
            prop_assert_eq!(n.raw.as_str(), text.trim_matches(is_space));
            let _ = n.check();
        }
    }
}
