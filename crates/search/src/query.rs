//! What a query's text asks for: words, all required, and quoted phrases.
//!
//! `"..."` (or `“...”`) quotes a phrase: its words must follow each other. Unquoted words,
//! separated by spaces or not, are all required (AND). Within an unquoted word, a run of
//! single characters is what segmentation makes of a word in no dictionary (a place name such
//! as `盐湖区` when it is unknown); such a run is kept together as a phrase, so that `盐湖区`
//! does not match every text that has 盐, 湖 and 区 somewhere.

use crate::segment::segment;

/// One required part of a query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Clause {
    /// A word (a segment).
    Term(String),
    /// Words that must be consecutive, at least two.
    Phrase(Vec<String>),
}

impl Clause {
    /// The text to look for in a document to highlight this clause: the word, or the phrase's
    /// words written together (as Chinese text is).
    pub fn needle(&self) -> String {
        match self {
            Clause::Term(t) => t.clone(),
            Clause::Phrase(words) => words.concat(),
        }
    }
}

/// A query's text, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    /// All required; empty when the text has no word (then the query lists by filters).
    pub clauses: Vec<Clause>,
}

impl ParsedQuery {
    pub fn parse(text: &str) -> ParsedQuery {
        let mut clauses: Vec<Clause> = Vec::new();
        let mut quoted = false;
        let mut part = String::new();
        let flush = |part: &mut String, quoted: bool, clauses: &mut Vec<Clause>| {
            if quoted {
                let words = segment(part);
                match words.len() {
                    0 => {}
                    1 => clauses.extend(words.into_iter().map(Clause::Term)),
                    _ => clauses.push(Clause::Phrase(words)),
                }
            } else {
                for word in part.split_whitespace() {
                    unquoted(word, clauses);
                }
            }
            part.clear();
        };
        for c in text.chars() {
            if matches!(c, '"' | '“' | '”') {
                flush(&mut part, quoted, &mut clauses);
                quoted = !quoted;
            } else {
                part.push(c);
            }
        }
        // An unclosed quote quotes the rest.
        flush(&mut part, quoted, &mut clauses);
        let mut seen = std::collections::HashSet::new();
        clauses.retain(|c| seen.insert(c.clone()));
        ParsedQuery { clauses }
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// What to highlight in a document's text: one needle per clause.
    pub fn needles(&self) -> Vec<String> {
        self.clauses.iter().map(Clause::needle).collect()
    }
}

/// Adds the clauses of one unquoted word: its segments, runs of single characters as phrases.
fn unquoted(word: &str, clauses: &mut Vec<Clause>) {
    let mut run: Vec<String> = Vec::new();
    let end_run = |run: &mut Vec<String>, clauses: &mut Vec<Clause>| match run.len() {
        0 => {}
        1 => clauses.extend(run.drain(..).map(Clause::Term)),
        _ => clauses.push(Clause::Phrase(std::mem::take(run))),
    };
    for segment in segment(word) {
        if segment.chars().count() == 1 {
            run.push(segment);
        } else {
            end_run(&mut run, clauses);
            clauses.push(Clause::Term(segment));
        }
    }
    end_run(&mut run, clauses);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(s: &str) -> Clause {
        Clause::Term(s.to_string())
    }

    #[test]
    fn unquoted_words_are_all_required() {
        let q = ParsedQuery::parse("政务公开 标准化");
        assert_eq!(q.clauses, vec![term("政务公开"), term("标准化")]);
        let q = ParsedQuery::parse("政务公开标准化");
        assert_eq!(q.clauses, vec![term("政务公开"), term("标准化")]);
    }

    #[test]
    fn quotes_make_a_phrase() {
        let q = ParsedQuery::parse("\"推进 政务公开\" 通知");
        assert_eq!(
            q.clauses,
            vec![
                Clause::Phrase(vec!["推进".into(), "政务公开".into()]),
                term("通知")
            ]
        );
        let q = ParsedQuery::parse("“推进政务公开”");
        assert_eq!(
            q.clauses,
            vec![Clause::Phrase(vec!["推进".into(), "政务公开".into()])]
        );
    }

    #[test]
    fn single_characters_of_an_unknown_word_stay_together() {
        // 骉犇靐 is in no dictionary: its characters must follow each other.
        let q = ParsedQuery::parse("骉犇靐 通知");
        assert_eq!(q.clauses.len(), 2, "{q:?}");
        assert!(matches!(&q.clauses[0], Clause::Phrase(w) if w.concat() == "骉犇靐"));
    }

    #[test]
    fn punctuation_and_blanks_are_no_query() {
        assert!(ParsedQuery::parse("  《》，。 \"\" ").is_empty());
        assert_eq!(ParsedQuery::parse("通知 通知").clauses, vec![term("通知")]);
    }
}
