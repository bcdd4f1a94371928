//! Information asked for by several applicants (第四十四条): 多个申请人就相同政府信息向同一行政
//! 机关提出公开申请，且该政府信息属于可以公开的，行政机关可以纳入主动公开的范围. The requests of an
//! agency's subtree received in a year are grouped when they name the same 文号 or the same
//! 《title》, or when their descriptions are near-identical after jieba segmentation; a group
//! with more than one applicant is listed for the officer with the requests behind it, and
//! marked disclosable when one of them was answered with disclosure (予以公开 or 部分公开), the
//! 条例's "属于可以公开的". Accepting a group opens the catalogue's form filled from it.

use crate::{Capability, Ctx, Result};
use chrono::{Datelike, NaiveDate};
use gongkai_cases::limits::check_year;
use gongkai_cases::{Outcome, Request, lifecycle};
use gongkai_catalogue::DocNumber;
use gongkai_store::Store;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How alike two descriptions must be (shared words over all words of both, Jaccard) to count
/// as asking for the same information. Measured on rewordings of one request ("申请公开…的通知",
/// "请提供…通知全文"): they share most content words; distinct requests of one agency share
/// few beyond the agency's own name.
pub const SIMILAR: f64 = 0.6;

/// Words every request says, which tell nothing of what is asked for.
const COMMON: &[&str] = &[
    "申请",
    "公开",
    "信息",
    "政府",
    "关于",
    "提供",
    "请求",
    "要求",
    "本人",
    "我",
    "获取",
    "全文",
    "复印件",
    "文件",
    "相关",
    "有关",
    "的",
    "及",
    "和",
    "与",
];

/// One request of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub id: i64,
    pub reference: String,
    pub applicant: String,
    pub received: NaiveDate,
    pub description: String,
    /// The outcome's label once decided.
    pub outcome: Option<String>,
}

/// Information asked for by several applicants.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeated {
    /// What the requests name: a 文号, a 《title》, or the first request's description.
    pub subject: String,
    /// The 文号 the requests name, if any (for the catalogue's form).
    pub doc_number: Option<String>,
    /// The distinct applicants.
    pub applicants: usize,
    /// One of them was answered with disclosure: the information is public (第四十四条).
    pub disclosable: bool,
    pub requests: Vec<Asked>,
}

/// What grouping needs of a request.
#[derive(Debug, Clone)]
pub struct Described<'a> {
    pub applicant: &'a str,
    pub description: &'a str,
}

/// The 文号 written in a text: a run of 机关代字 before a bracketed year and `N号`.
pub fn doc_numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        if !matches!(c, '〔' | '[' | '［' | '(' | '（' | '【' | '﹝') {
            continue;
        }
        // The prefix: the Han characters (and letters) right before the bracket.
        let start = (0..i)
            .rev()
            .take_while(|&j| chars[j].is_alphabetic() && !matches!(chars[j], '《' | '》'))
            .last()
            .unwrap_or(i);
        // The number ends at the first 号 within a few characters of the bracket.
        let Some(end) = (i..chars.len().min(i + 16)).find(|&j| chars[j] == '号') else {
            continue;
        };
        if start == i {
            continue;
        }
        let before: String = chars[start..i].iter().collect();
        let prefix = agency_code(&before);
        if prefix.is_empty() {
            continue;
        }
        let piece = format!("{prefix}{}", chars[i..=end].iter().collect::<String>());
        if let Some(n) = DocNumber::parse(&piece).filter(|n| n.parts.is_some()) {
            found.push(n.normalised);
        }
    }
    found
}

/// Words a request puts before a 文号 (申请公开…, 请提供…, 某局的…), which are not part of its
/// 机关代字.
const LEADING: &[&str] = &[
    "申请公开",
    "申请获取",
    "申请",
    "公开",
    "请提供",
    "提供",
    "请",
    "要求",
    "获取",
    "查阅",
    "关于",
];

/// The 机关代字 in the characters before a 文号's bracket: after the last 的, without the verbs a
/// request starts with.
fn agency_code(before: &str) -> &str {
    let mut code = before.rsplit('的').next().unwrap_or(before);
    while let Some(rest) = LEADING.iter().find_map(|w| code.strip_prefix(w)) {
        code = rest;
    }
    code
}

/// The titles written between 《》.
pub fn titles(text: &str) -> Vec<String> {
    text.split('《')
        .skip(1)
        .filter_map(|s| s.split_once('》').map(|(t, _)| t.trim().to_owned()))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The content words of a description: jieba's words without the ones every request says.
/// The same words are indexed for finding near-identical requests at registration
/// ([`crate::similar`]).
pub fn words(text: &str) -> BTreeSet<String> {
    gongkai_search::segment::segment(text)
        .into_iter()
        .filter(|w| !COMMON.contains(&w.as_str()) && w.chars().count() > 1)
        .collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    ratio(a.intersection(b).count(), a.len(), b.len())
}

/// Jaccard's ratio of two sets of `a` and `b` elements sharing `shared`.
pub(crate) fn ratio(shared: usize, a: usize, b: usize) -> f64 {
    let all = a + b - shared;
    if all == 0 {
        return 0.0;
    }
    shared as f64 / all as f64
}

/// Every pair `(i, j)`, `i < j`, of word sets at least [`SIMILAR`] alike, without comparing
/// every pair (a year of a county's requests is thousands): two sets that alike share a word
/// among the rarest `|s| − ⌈t·|s|⌉ + 1` words of each (prefix filtering, Bayardo, Ma and
/// Srikant, "Scaling up all pairs similarity search", WWW 2007), so only the sets that share
/// such a word are compared. Exact: the same pairs as comparing all.
pub fn similar_pairs(sets: &[BTreeSet<String>]) -> Vec<(usize, usize)> {
    let mut frequency: HashMap<&str, usize> = HashMap::new();
    for set in sets {
        for w in set {
            *frequency.entry(w.as_str()).or_default() += 1;
        }
    }
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut pairs = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        let mut words: Vec<&str> = set.iter().map(String::as_str).collect();
        // One global order, rarest first: the prefixes hold the words that tell most apart.
        words.sort_by_key(|w| (frequency[w], *w));
        let prefix = &words[..prefix_len(words.len())];
        let mut candidates: BTreeSet<usize> = BTreeSet::new();
        for w in prefix {
            if let Some(earlier) = index.get(w) {
                candidates.extend(earlier.iter().copied());
            }
        }
        for j in candidates {
            if jaccard(&sets[j], set) >= SIMILAR {
                pairs.push((j, i));
            }
        }
        for w in prefix {
            index.entry(w).or_default().push(i);
        }
    }
    pairs
}

/// How many of a set's rarest words must hold a shared one (see [`similar_pairs`]): a set of `n`
/// words at least `t` alike with another shares at least `⌈t·n⌉` of them.
fn prefix_len(n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    // A hair below t·n before rounding up, so that floating point never shortens the prefix.
    let overlap = (SIMILAR * n as f64 - 1e-9).ceil().max(1.0) as usize;
    n - overlap.min(n) + 1
}

/// Groups the requests that ask for the same information: the indices of each group of more
/// than one request, with the 文号 or title that joined them, if any. `links` are pairs of
/// indices an officer linked as the same request (同一申请): grouped whatever their wording.
/// Pure.
pub fn group(
    requests: &[Described<'_>],
    links: &[(usize, usize)],
) -> Vec<(Vec<usize>, Option<String>)> {
    let n = requests.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    // The same 文号 or title: the same information.
    let mut named: HashMap<String, usize> = HashMap::new();
    let mut names: BTreeMap<usize, String> = BTreeMap::new();
    for (i, r) in requests.iter().enumerate() {
        for key in doc_numbers(r.description).into_iter().chain(
            titles(r.description)
                .into_iter()
                .map(|t| format!("《{t}》")),
        ) {
            match named.get(&key) {
                Some(&first) => {
                    union(&mut parent, first, i);
                    names.entry(first).or_insert(key);
                }
                None => {
                    named.insert(key, i);
                }
            }
        }
    }
    // Near-identical descriptions.
    let sets: Vec<BTreeSet<String>> = requests.iter().map(|r| words(r.description)).collect();
    for (i, j) in similar_pairs(&sets)
        .into_iter()
        .chain(links.iter().copied().filter(|&(i, j)| i < n && j < n))
    {
        union(&mut parent, i, j);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|g| {
            let name = g.iter().find_map(|i| names.get(i).cloned());
            (g, name)
        })
        .collect()
}

impl<S: Store> Ctx<'_, S> {
    /// The information asked for by more than one applicant among the requests of the agency
    /// and its subtree received in `year` (第四十四条), the groups with the most applicants
    /// first.
    pub async fn repeated_requests(&self, agency: &str, year: i32) -> Result<Vec<Repeated>> {
        self.limit(check_year(year, self.settings.today))?;
        let (found, tree) = self.locate(agency).await?;
        self.grant_in(&tree, &found, Capability::Read)?;
        let scope = gongkai_cases::tables::report_scope(&tree, found.id, year, true);
        let ids = self.store.request_ids(&scope, false).await?;
        let requests: Vec<Request> = self
            .store
            .requests_by_ids(&ids)
            .await?
            .into_iter()
            .filter(|r| r.data.received.year() == year)
            .collect();
        let described: Vec<Described<'_>> = requests
            .iter()
            .map(|r| Described {
                applicant: r.data.applicants.first().map_or("", |a| a.name.as_str()),
                description: &r.data.description,
            })
            .collect();
        // Requests an officer linked as the same request are one group (同一申请).
        let index: HashMap<i64, usize> = requests
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.0, i))
            .collect();
        let links: Vec<(usize, usize)> = self
            .store
            .links_of(&ids)
            .await?
            .into_iter()
            .filter_map(|l| Some((*index.get(&l.request.0)?, *index.get(&l.other.0)?)))
            .collect();
        let mut out: Vec<Repeated> = group(&described, &links)
            .into_iter()
            .filter_map(|(members, name)| {
                let applicants: BTreeSet<&str> =
                    members.iter().map(|&i| described[i].applicant).collect();
                // 第四十四条: several applicants, not one applicant asking again.
                if applicants.len() < 2 {
                    return None;
                }
                let asked: Vec<Asked> = members
                    .iter()
                    .map(|&i| {
                        let r = &requests[i];
                        Asked {
                            id: r.id.0,
                            reference: r.data.reference.clone(),
                            applicant: described[i].applicant.to_owned(),
                            received: r.data.received,
                            description: r.data.description.clone(),
                            outcome: lifecycle::outcome(&r.events)
                                .map(|(_, o)| o.label().to_owned()),
                        }
                    })
                    .collect();
                let disclosable = members.iter().any(|&i| {
                    matches!(
                        lifecycle::outcome(&requests[i].events),
                        Some((_, Outcome::Disclosed | Outcome::Partial))
                    )
                });
                let doc_number = name.as_ref().filter(|n| !n.starts_with('《')).cloned();
                Some(Repeated {
                    subject: name.unwrap_or_else(|| asked[0].description.clone()),
                    doc_number,
                    applicants: applicants.len(),
                    disclosable,
                    requests: asked,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.applicants
                .cmp(&a.applicants)
                .then(a.subject.cmp(&b.subject))
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d<'a>(applicant: &'a str, description: &'a str) -> Described<'a> {
        Described {
            applicant,
            description,
        }
    }

    #[test]
    fn doc_numbers_and_titles_are_found_in_free_text() {
        assert_eq!(
            doc_numbers("申请公开盐政办发[2020]12号文件及其附件"),
            vec!["盐政办发〔2020〕12号".to_owned()]
        );
        assert_eq!(
            doc_numbers("请提供《关于印发某办法的通知》（测政发〔2023〕第5号）"),
            vec!["测政发〔2023〕5号".to_owned()]
        );
        assert!(doc_numbers("2024年度预算").is_empty());
        assert_eq!(
            titles("《某某规划》和《某某办法》"),
            vec!["某某规划", "某某办法"]
        );
    }

    #[test]
    fn the_same_information_asked_three_ways_is_one_group() {
        let requests = [
            d("张三", "申请公开盐政办发〔2020〕12号文件"),
            d("李四", "请提供盐政办发[2020]12号的全文"),
            d("王五", "申请公开某镇2023年土地征收补偿安置方案"),
            d("赵六", "某镇2023年土地征收补偿安置方案"),
            d("钱七", "2024年度部门预算执行情况"),
        ];
        let groups = group(&requests, &[]);
        assert_eq!(groups.len(), 2, "{groups:?}");
        assert_eq!(groups[0].0, vec![0, 1]);
        assert_eq!(groups[0].1.as_deref(), Some("盐政办发〔2020〕12号"));
        assert_eq!(groups[1].0, vec![2, 3]);
        assert_eq!(groups[1].1, None);
    }

    proptest::proptest! {
        /// Prefix filtering finds exactly the pairs that comparing every pair finds.
        #[test]
        fn prefix_filtering_misses_no_similar_pair(
            sets in proptest::collection::vec(
                proptest::collection::btree_set("[a-f]{1,2}", 0..7), 0..40)
        ) {
            let mut all = Vec::new();
            for i in 0..sets.len() {
                for j in i + 1..sets.len() {
                    if jaccard(&sets[i], &sets[j]) >= SIMILAR {
                        all.push((i, j));
                    }
                }
            }
            let mut found = similar_pairs(&sets);
            found.sort_unstable();
            proptest::prop_assert_eq!(found, all);
        }
    }

    #[test]
    fn different_information_of_one_agency_is_not_grouped() {
        let requests = [
            d("张三", "某镇2023年土地征收补偿安置方案"),
            d("李四", "某镇2023年财政预算执行情况"),
        ];
        assert!(group(&requests, &[]).is_empty());
        // Linked by an officer (同一申请): one group however they are worded.
        assert_eq!(group(&requests, &[(1, 0)]), vec![(vec![0, 1], None)]);
    }
}
