//! Triage while an applicant writes (issue 16 §5): what is already public is suggested before
//! anyone applies for it (已主动公开，可直接查阅 — 第二十条 lists what agencies publish of their own
//! accord), and wording that makes the application a petition, a complaint or a consultation
//! brings a notice naming the right channel. The notice never blocks the application: whether
//! it is one is the agency's decision after receipt (第三十九条第一款: 申请人以政府信息公开申请的
//! 形式进行信访、投诉、举报等活动，行政机关应当告知申请人不作为政府信息公开申请处理并可以告知通过
//! 相应渠道提出).

use super::Public;
use super::catalogue::{AgencyRef, CatalogueQuery};
use super::disclosures::PublicDisclosure;
use super::messages::PublicReply;
use crate::Result;
use crate::catalogue::SearchHit;
use crate::repeated::{doc_numbers, titles, words};
use gongkai_cases::AgencyId;
use gongkai_search::Search;
use gongkai_store::Store;

/// Suggestions of each kind shown at most.
pub const SUGGESTED: usize = 5;

/// Words searched for at most: the longest content words of what the applicant wrote (a
/// search for every word of a long description would find nothing).
const TERMS: usize = 3;

/// The phrases that make an application look like another kind of matter, each with the notice
/// naming its channel (`[triage]` of the configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageRules {
    pub phrases: Vec<(String, String)>,
}

impl Default for TriageRules {
    /// The built-in list, used unless the configuration gives one (第三十九条第一款 names
    /// 信访、投诉、举报; a consultation belongs in 互动交流).
    fn default() -> Self {
        let pair = |p: &str, n: &str| (p.to_owned(), n.to_owned());
        TriageRules {
            phrases: vec![
                pair(
                    "信访",
                    "信访事项请向有关机关的信访工作机构提出（《信访工作条例》），不作为政府信息公开申请处理（《政府信息公开条例》第三十九条第一款）。",
                ),
                pair(
                    "投诉",
                    "投诉请通过12345政务服务便民热线或有关机关的投诉渠道提出，不作为政府信息公开申请处理（第三十九条第一款）。",
                ),
                pair(
                    "举报",
                    "举报请通过有关机关的举报渠道或12345政务服务便民热线提出，不作为政府信息公开申请处理（第三十九条第一款）。",
                ),
                pair(
                    "咨询",
                    "咨询政策或办事流程，可在本网站“互动交流”留言，由机关答复；申请获取政府信息才需提交本申请。",
                ),
            ],
        }
    }
}

/// A phrase found in what the applicant wrote, and its notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub phrase: String,
    pub text: String,
}

/// What the portal suggests for a text being written.
#[derive(Debug, Clone, Default)]
pub struct Triage {
    /// Catalogue documents matching it (主动公开).
    pub documents: Vec<SearchHit>,
    /// Published replies to public messages of the agency.
    pub replies: Vec<PublicReply>,
    /// Answered requests of the agency in the public log.
    pub disclosures: Vec<PublicDisclosure>,
    pub notices: Vec<Notice>,
}

impl Triage {
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
            && self.replies.is_empty()
            && self.disclosures.is_empty()
            && self.notices.is_empty()
    }
}

/// The notices whose phrase occurs in `text`, in the configured order.
pub fn notices(rules: &TriageRules, text: &str) -> Vec<Notice> {
    rules
        .phrases
        .iter()
        .filter(|(phrase, _)| !phrase.trim().is_empty() && text.contains(phrase.trim()))
        .map(|(phrase, notice)| Notice {
            phrase: phrase.trim().to_owned(),
            text: notice.clone(),
        })
        .collect()
}

/// The queries to try for `text`, most specific first: the 《titles》 and 文号 it names as
/// phrases, then its longest content words together, then fewer of them.
pub fn queries(text: &str) -> Vec<String> {
    let mut out: Vec<String> = titles(text)
        .into_iter()
        .chain(doc_numbers(text))
        .map(|t| format!("\"{}\"", t.replace('"', "")))
        .collect();
    let mut terms: Vec<String> = words(text).into_iter().collect();
    // Longest first (more telling), then in text order for equal lengths: stable.
    terms.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    terms.truncate(TERMS);
    for n in (1..=terms.len()).rev() {
        out.push(terms[..n].join(" "));
    }
    // Then each of the others alone: the longest word may be the one nothing public holds.
    for term in terms.iter().skip(1) {
        out.push(term.clone());
    }
    out.dedup();
    out
}

impl<S: Store> Public<'_, S> {
    /// What is already public that matches `text`, and the notices its wording brings; within
    /// `agency` when one is chosen. Never an error for what the applicant wrote: an empty or
    /// unsearchable text suggests nothing.
    pub async fn triage<X: Search>(
        &self,
        index: &X,
        agency: Option<AgencyId>,
        text: &str,
    ) -> Result<Triage> {
        let text = text.trim();
        let mut out = Triage {
            notices: notices(&self.settings().triage, text),
            ..Triage::default()
        };
        if text.chars().count() < 2 {
            return Ok(out);
        }
        // The wording that brought a notice says which channel, not which information: it is
        // left out of the search.
        let sought = out
            .notices
            .iter()
            .fold(text.to_owned(), |t, n| t.replace(&n.phrase, " "));
        for query in queries(&sought) {
            let found = self
                .search_catalogue(
                    index,
                    CatalogueQuery {
                        text: query.clone(),
                        agency: agency.map(AgencyRef::Id),
                        limit: SUGGESTED,
                        ..CatalogueQuery::default()
                    },
                )
                .await?;
            if out.documents.is_empty() {
                out.documents = found.hits;
            }
            if let Some(agency) = agency {
                if out.replies.is_empty() {
                    out.replies = self
                        .public_replies(agency, &query, None, SUGGESTED)
                        .await?
                        .0;
                }
                if out.disclosures.is_empty() {
                    out.disclosures = self
                        .disclosure_log(Some(agency), &query, None, SUGGESTED)
                        .await?
                        .0;
                }
            }
            if !out.documents.is_empty() && (agency.is_none() || !out.replies.is_empty()) {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_brings_its_notice_in_the_configured_order() {
        let rules = TriageRules::default();
        let found = notices(&rules, "我要举报某单位，并投诉其工作人员");
        let phrases: Vec<&str> = found.iter().map(|n| n.phrase.as_str()).collect();
        assert_eq!(phrases, ["投诉", "举报"]);
        assert!(found[0].text.contains("第三十九条"));
        assert!(notices(&rules, "申请公开某县2024年财政预算").is_empty());
    }

    #[test]
    fn titles_and_numbers_are_searched_as_phrases_first() {
        let q = queries("请公开《关于加强农村供水管理的通知》（某政发〔2024〕12号）全文");
        assert_eq!(q[0], "\"关于加强农村供水管理的通知\"");
        assert!(q[1].contains("某政发〔2024〕12号"), "{q:?}");
        // Then the content words, fewer each time, never the words every request says.
        let words_only = &q[2..];
        assert!(!words_only.is_empty());
        assert!(words_only.iter().all(|w| !w.contains("公开")), "{q:?}");
        let counts: Vec<usize> = words_only.iter().map(|w| w.split(' ').count()).collect();
        // Fewer words each time, then the words other than the longest one by one.
        assert!(
            counts
                .windows(2)
                .all(|c| c[0] == c[1] + 1 || (c[0] == 1 && c[1] == 1)),
            "{q:?}"
        );
        assert_eq!(counts.last(), Some(&1), "{q:?}");
    }
}
