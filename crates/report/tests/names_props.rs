//! The matching of agency names across years never pairs two agencies that their names tell
//! apart, and always pairs a name with itself and with its variants without a higher-level
//! place.
#![allow(clippy::unwrap_used)]

use gongkai_report::names::{groups, same_agency, split};
use proptest::prelude::*;

fn province() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["江苏省", "福建省", "内蒙古自治区", ""]).prop_map(str::to_owned)
}

fn city() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["淮安市", "南京市", "福州市", "呼和浩特市", ""])
        .prop_map(str::to_owned)
}

fn core() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["洪泽区", "鼓楼区", "新城区", "沭阳县"]),
        prop::sample::select(vec!["人民政府", "人民政府办公室", "发展和改革局"]),
    )
        .prop_map(|(p, b)| format!("{p}{b}"))
}

proptest! {
    /// Same group ⇒ same core and one prefix list ends the other.
    #[test]
    fn groups_only_pair_agreeing_names(names in prop::collection::vec((province(), city(), core()), 1..12)) {
        let names: Vec<String> = names.into_iter().map(|(p, c, k)| format!("{p}{c}{k}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let g = groups(&refs, |_| None);
        for i in 0..names.len() {
            for j in 0..names.len() {
                if g[i] == g[j] {
                    prop_assert!(same_agency(&names[i], &names[j]), "{} ~ {}", names[i], names[j]);
                }
                if names[i] == names[j] {
                    prop_assert_eq!(g[i], g[j]);
                }
            }
        }
    }

    /// A name without its higher-level places is the same agency, and splits to the same core.
    #[test]
    fn dropping_higher_level_places_keeps_the_agency(p in province(), c in city(), k in core()) {
        let full = format!("{p}{c}{k}");
        prop_assert!(same_agency(&full, &k));
        prop_assert_eq!(split(&full).core, k);
    }
}
