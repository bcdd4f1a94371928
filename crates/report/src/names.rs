//! Which published reports come from the same agency, for the cross-year rules (R5, R6, R9).
//!
//! Agencies print their names inconsistently from year to year: `淮安市洪泽区人民政府` one year,
//! `洪泽区人民政府` the next. A leading higher-level place name (province, prefecture-level city,
//! autonomous prefecture, league, region) may be absent. Matching must never pair two different
//! agencies, though: `南京市鼓楼区人民政府` and `福州市鼓楼区人民政府` are different districts, and a
//! report that prints only `鼓楼区人民政府` could be either, so it is paired with neither.
//!
//! A name is split into the higher-level place prefixes it starts with and the rest (its
//! *core*). Two names agree when their cores are equal and one prefix list ends the other
//! (`[江苏省, 淮安市]` ends with `[淮安市]`; `[]` ends every list). Names of one core are grouped
//! around the longest prefix lists that do not agree with each other; a name that agrees with
//! exactly one of them joins it, a name that agrees with several stays alone.

use std::collections::HashMap;

/// The suffixes of higher-level administrative divisions that may be left out before a lower
/// one. Longest first, so that `自治州` is not read as `州`.
const HIGHER_LEVEL: [&str; 7] = ["特别行政区", "自治区", "自治州", "地区", "省", "市", "盟"];

/// The suffixes that end a place name at any level, to tell whether what remains after a
/// prefix still starts with a place (`洪泽区…`), or is only the body of the name (`人民政府`,
/// `市场监督管理局`).
const PLACE: [&str; 12] = [
    "自治县",
    "自治旗",
    "街道",
    "新区",
    "区",
    "县",
    "市",
    "旗",
    "镇",
    "乡",
    "州",
    "盟",
];

/// The characters that end a place name by themselves; the proper part of a name has none.
/// (`州` is not one: it ends the proper part of many city names, `福州市`, `杭州市`.)
const ENDS: &str = "省市区县旗镇乡";

/// The longest a place name's proper part is taken to be (`内蒙古` 3, `新疆维吾尔` 5).
const MAX_PLACE_CHARS: usize = 8;

/// A name as compared: without white space, full-width ASCII (brackets included) as ASCII.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The place name at the start of `s` ending in one of `suffixes`, if any: its length in
/// bytes. The proper part has 2 to [`MAX_PLACE_CHARS`] characters, none of which ends a place.
fn leading_place(s: &str, suffixes: &[&str]) -> Option<usize> {
    for (chars, (i, c)) in s.char_indices().enumerate() {
        if chars >= 2
            && let Some(sfx) = suffixes.iter().find(|x| s[i..].starts_with(**x))
        {
            return Some(i + sfx.len());
        }
        // A character that ends a place ends the proper part: `市场…` is not a place.
        if ENDS.contains(c) || chars >= MAX_PLACE_CHARS {
            return None;
        }
    }
    None
}

/// A name split into its leading higher-level places and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The higher-level place prefixes, outermost first (`["江苏省", "淮安市"]`).
    pub prefixes: Vec<String>,
    /// The rest (`洪泽区人民政府`).
    pub core: String,
}

/// Splits a normalized name: a prefix is taken off only while what remains still starts with a
/// place name, so `淮安市人民政府` keeps its city (it is the city's government).
pub fn split(name: &str) -> Split {
    let mut prefixes = Vec::new();
    let mut rest = name;
    while let Some(len) = leading_place(rest, &HIGHER_LEVEL) {
        let after = &rest[len..];
        if leading_place(after, &PLACE).is_none() {
            break;
        }
        prefixes.push(rest[..len].to_owned());
        rest = after;
    }
    Split {
        prefixes,
        core: rest.to_owned(),
    }
}

/// Whether one prefix list ends the other.
fn agree(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.ends_with(short)
}

/// Whether two agency names name the same agency as far as the names tell (see the module).
pub fn same_agency(a: &str, b: &str) -> bool {
    let (a, b) = (split(&normalize(a)), split(&normalize(b)));
    a.core == b.core && agree(&a.prefixes, &b.prefixes)
}

/// A group number for each name: names with the same number are one agency. `alias` maps a
/// normalized name to the normalized name it stands for (an alias an administrator declared),
/// or returns `None`. Numbers are dense, from 0, in order of first appearance.
pub fn groups(names: &[&str], alias: impl Fn(&str) -> Option<String>) -> Vec<usize> {
    let splits: Vec<Split> = names
        .iter()
        .map(|n| {
            let n = normalize(n);
            split(&alias(&n).unwrap_or(n))
        })
        .collect();
    // The distinct prefix lists of each core.
    let mut by_core: HashMap<&str, Vec<&[String]>> = HashMap::new();
    for s in &splits {
        let lists = by_core.entry(&s.core).or_default();
        if !lists.contains(&s.prefixes.as_slice()) {
            lists.push(&s.prefixes);
        }
    }
    // Each name's representative: the one maximal list (not ended by another list of its core)
    // it agrees with, or its own list when it agrees with several.
    let mut numbers: HashMap<(&str, &[String]), usize> = HashMap::new();
    splits
        .iter()
        .map(|s| {
            let lists = &by_core[s.core.as_str()];
            let maximal: Vec<&[String]> = lists
                .iter()
                .copied()
                .filter(|l| !lists.iter().any(|m| m.len() > l.len() && m.ends_with(l)))
                .filter(|l| agree(l, &s.prefixes))
                .collect();
            let representative = match maximal.as_slice() {
                [one] => *one,
                _ => s.prefixes.as_slice(),
            };
            let next = numbers.len();
            *numbers.entry((&s.core, representative)).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(name: &str) -> (Vec<String>, String) {
        let s = split(&normalize(name));
        (s.prefixes, s.core)
    }

    fn owned(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn splits_higher_level_places_only_before_a_place() {
        assert_eq!(
            parts("江苏省淮安市洪泽区人民政府"),
            (owned(&["江苏省", "淮安市"]), "洪泽区人民政府".to_owned())
        );
        assert_eq!(
            parts("淮安市人民政府"),
            (owned(&[]), "淮安市人民政府".to_owned())
        );
        assert_eq!(
            parts("淮安市市场监督管理局"),
            (owned(&[]), "淮安市市场监督管理局".to_owned())
        );
        assert_eq!(
            parts("淮安市洪泽区市场监督管理局"),
            (owned(&["淮安市"]), "洪泽区市场监督管理局".to_owned())
        );
        assert_eq!(
            parts("内蒙古自治区呼和浩特市新城区人民政府"),
            (
                owned(&["内蒙古自治区", "呼和浩特市"]),
                "新城区人民政府".to_owned()
            )
        );
        assert_eq!(
            parts("上海市人民政府办公厅"),
            (owned(&[]), "上海市人民政府办公厅".to_owned())
        );
        assert_eq!(
            parts("甘孜藏族自治州康定市人民政府"),
            (owned(&["甘孜藏族自治州"]), "康定市人民政府".to_owned())
        );
    }

    #[test]
    fn variants_match_and_different_places_do_not() {
        assert!(same_agency("淮安市洪泽区人民政府", "洪泽区人民政府"));
        assert!(same_agency(
            "江苏省淮安市洪泽区人民政府",
            "淮安市 洪泽区人民政府"
        ));
        assert!(same_agency("洪泽区人民政府", "洪泽区人民政府"));
        assert!(!same_agency("南京市鼓楼区人民政府", "福州市鼓楼区人民政府"));
        assert!(same_agency(
            "福建省福州市鼓楼区人民政府",
            "福州市鼓楼区人民政府"
        ));
        assert!(!same_agency("洪泽区人民政府", "洪泽区人民政府办公室"));
        assert!(!same_agency("淮安市人民政府", "人民政府"));
    }

    #[test]
    fn groups_pair_variants_but_never_an_ambiguous_name() {
        let names = [
            "淮安市洪泽区人民政府",
            "洪泽区人民政府",
            "南京市鼓楼区人民政府",
            "福州市鼓楼区人民政府",
            "鼓楼区人民政府",
            "江苏省淮安市洪泽区人民政府",
        ];
        let g = groups(&names, |_| None);
        assert_eq!(g[0], g[1]);
        assert_eq!(g[0], g[5]);
        assert_ne!(g[2], g[3]);
        assert_ne!(g[4], g[2]);
        assert_ne!(g[4], g[3]);
        // Dense numbers in order of first appearance.
        assert_eq!(g, vec![0, 0, 1, 2, 3, 0]);
    }

    #[test]
    fn aliases_join_names_the_rules_cannot() {
        let names = ["盐湖区政府办", "盐湖区人民政府办公室"];
        assert_ne!(groups(&names, |_| None)[0], groups(&names, |_| None)[1]);
        let g = groups(&names, |n| {
            (n == "盐湖区政府办").then(|| "盐湖区人民政府办公室".to_owned())
        });
        assert_eq!(g[0], g[1]);
    }
}
