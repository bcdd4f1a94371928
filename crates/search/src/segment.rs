//! Chinese word segmentation (分词) with jieba, the one segmentation of both backends.
//!
//! Index and query must cut text the same way, or a word the user types never meets the word
//! the document was indexed under. Two choices make that hold:
//!
//! - **No HMM.** jieba's hidden Markov model guesses words that are in no dictionary, and its
//!   guess depends on the neighbouring characters: `盐湖区` could be one word in a title and three
//!   characters in a query. Without it an unknown word is always cut into single characters, in
//!   the document and in the query alike, and the query treats such a run as a phrase
//!   ([`crate::query`]). It is also faster.
//! - **Sub-words at the word's position.** A long dictionary word is also indexed as every
//!   shorter dictionary word inside it (like jieba's search mode), all at the position of the whole
//!   word, so `政务公开` is found by `公开` while a phrase query (consecutive positions) still
//!   sees one word per position.
//!
//! The embedded dictionary of government terms ([`GOV_WORDS`]) keeps the words of the
//! catalogue's titles whole where jieba's general dictionary would cut them (`政务公开`,
//! `规范化`, `工作方案`), so that they are found by the word a user types.

use jieba_rs::Jieba;
use std::sync::OnceLock;

/// Words of government documents that jieba's general dictionary does not keep whole, one per
/// line. Without them, `关于印发《盐湖区全面推进基层政务公开标准化规范化工作方案》的通知` is cut
/// into pieces that the words a user types (政务公开, 规范化, 工作方案) do not match.
pub const GOV_WORDS: &str = include_str!("gov_words.txt");

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(|| {
        let mut jieba = Jieba::new();
        for word in GOV_WORDS.lines().map(str::trim).filter(|w| !w.is_empty()) {
            // No frequency given: jieba chooses one just high enough to keep the word whole.
            jieba.add_word(word, None, None);
        }
        jieba
    })
}

/// A token of indexed text: the word (ASCII lower-cased), its position (the number of the
/// whole word it belongs to, counting only words that are indexed) and its byte range in the
/// text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexToken {
    pub text: String,
    pub position: u32,
    pub start: usize,
    pub end: usize,
}

/// Whether a token carries meaning for search: punctuation and white space do not.
fn is_word(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric)
}

fn normalise(word: &str) -> String {
    // ASCII only: it keeps byte lengths, so offsets stay valid in the original text.
    word.to_ascii_lowercase()
}

/// Cuts `text` into words, in order, without punctuation or white space, ASCII lower-cased.
/// The words a query is made of (see [`crate::query::ParsedQuery`]).
pub fn segment(text: &str) -> Vec<String> {
    jieba()
        .cut(text, false)
        .into_iter()
        .filter(|t| is_word(t.word))
        .map(|t| normalise(t.word))
        .collect()
}

/// Calls `sink` with every token to index for `text`: each word, preceded by every shorter
/// dictionary word inside it (2 characters or more), all at the word's position.
pub fn index_tokens(text: &str, mut sink: impl FnMut(IndexToken)) {
    let jieba = jieba();
    let mut position = 0u32;
    for token in jieba.cut(text, false) {
        if !is_word(token.word) {
            continue;
        }
        let word = token.word;
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        let n = chars.len();
        let byte_at = |k: usize| if k == n { word.len() } else { chars[k].0 };
        // Every shorter dictionary word inside, not only 2 to 4 characters: `行政规范性文件`
        // must be found by `规范性文件`, which a user types as one word.
        for len in 2..n {
            {
                for i in 0..=n - len {
                    let gram = &word[byte_at(i)..byte_at(i + len)];
                    if jieba.has_word(gram) {
                        sink(IndexToken {
                            text: normalise(gram),
                            position,
                            start: token.byte_start + byte_at(i),
                            end: token.byte_start + byte_at(i + len),
                        });
                    }
                }
            }
        }
        sink(IndexToken {
            text: normalise(word),
            position,
            start: token.byte_start,
            end: token.byte_end,
        });
        position += 1;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const TITLE: &str = "关于印发《盐湖区全面推进基层政务公开标准化规范化工作方案》的通知";

    #[test]
    fn government_words_stay_whole() {
        let words = segment(TITLE);
        for w in ["政务公开", "标准化", "规范化", "工作方案", "通知"] {
            assert!(words.iter().any(|x| x == w), "{w} not in {words:?}");
        }
        assert!(!words.iter().any(|w| w == "《" || w == "》"));
    }

    #[test]
    fn sub_words_share_the_position_of_their_word() {
        let mut tokens = Vec::new();
        index_tokens("推进政务公开", |t| tokens.push(t));
        let whole = tokens.iter().find(|t| t.text == "政务公开").unwrap();
        let part = tokens.iter().find(|t| t.text == "公开").unwrap();
        assert_eq!(whole.position, part.position);
        assert_eq!(&"推进政务公开"[part.start..part.end], "公开");
        let first = tokens.iter().find(|t| t.text == "推进").unwrap();
        assert_eq!(first.position + 1, whole.position);
    }

    #[test]
    fn a_long_word_is_found_by_every_dictionary_word_inside_it() {
        let mut tokens = Vec::new();
        index_tokens("关于行政规范性文件的通知", |t| {
            tokens.push(t.text)
        });
        for query in ["规范性文件", "行政规范性文件", "文件", "规范性"] {
            for word in segment(query) {
                assert!(
                    tokens.contains(&word),
                    "{word} (of {query}) not in {tokens:?}"
                );
            }
        }
    }

    #[test]
    fn latin_is_lower_cased_with_offsets_kept() {
        let text = "关于GDP统计";
        let mut tokens = Vec::new();
        index_tokens(text, |t| tokens.push(t));
        let gdp = tokens.iter().find(|t| t.text == "gdp").unwrap();
        assert_eq!(&text[gdp.start..gdp.end], "GDP");
    }
}
