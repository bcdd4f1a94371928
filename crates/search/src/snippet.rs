//! Snippets with highlighted words: one function for both backends, so a hit looks the same
//! whichever index found it.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A piece of a document's text with the places to highlight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges inside `text`, on character boundaries, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

/// The length of a body snippet, in characters.
pub const SNIPPET_CHARS: usize = 120;

const ELLIPSIS: &str = "…";

/// Every occurrence of a needle in `text` (ASCII case ignored), as merged byte ranges in order.
fn occurrences(text: &str, needles: &[String]) -> Vec<Range<usize>> {
    let haystack = text.to_ascii_lowercase();
    let mut found: Vec<Range<usize>> = Vec::new();
    for needle in needles {
        let needle = needle.to_ascii_lowercase();
        if needle.is_empty() {
            continue;
        }
        // Both strings are UTF-8, so a match starts and ends on character boundaries.
        found.extend(
            haystack
                .match_indices(needle.as_str())
                .map(|(at, m)| at..at + m.len()),
        );
    }
    found.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The window of at most `width` characters of `text` that holds the most occurrences of the
/// `needles` (ties: the earliest), with those occurrences highlighted; `…` marks text cut off at
/// either end. Line breaks and tabs become spaces. Without occurrences, the start of the text.
pub fn snippet(text: &str, needles: &[String], width: usize) -> Snippet {
    let width = width.max(1);
    let matches = occurrences(text, needles);
    // Byte offset of every character, and the end.
    let mut bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    bounds.push(text.len());
    let chars = bounds.len() - 1;
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);

    let (from, to) = if chars <= width {
        (0, chars)
    } else if matches.is_empty() {
        (0, width)
    } else {
        // For each match as the first one in the window, count how many fit after it.
        let spans: Vec<(usize, usize)> = matches
            .iter()
            .map(|r| (char_at(r.start), char_at(r.end)))
            .collect();
        let mut best = (0usize, 0usize); // (count, index of first)
        let mut j = 0;
        for i in 0..spans.len() {
            j = j.max(i);
            while j < spans.len() && spans[j].1 <= spans[i].0 + width {
                j += 1;
            }
            if j - i > best.0 {
                best = (j - i, i);
            }
        }
        let (count, first) = best;
        let (start, _) = spans[first];
        let end = spans[first + count.max(1) - 1].1;
        // Centre the matched span in the window, within the text.
        let slack = width.saturating_sub(end - start);
        let from = start.saturating_sub(slack / 2).min(chars - width);
        (from, from + width)
    };

    let (byte_from, byte_to) = (bounds[from], bounds[to]);
    let mut out = String::with_capacity(byte_to - byte_from + 2 * ELLIPSIS.len());
    if from > 0 {
        out.push_str(ELLIPSIS);
    }
    let shift = out.len();
    out.extend(text[byte_from..byte_to].chars().map(|c| match c {
        '\n' | '\r' | '\t' => ' ',
        c => c,
    }));
    if to < chars {
        out.push_str(ELLIPSIS);
    }
    let highlights = matches
        .into_iter()
        .filter(|r| r.start >= byte_from && r.end <= byte_to)
        .map(|r| r.start - byte_from + shift..r.end - byte_from + shift)
        .collect();
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn n(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_short_text_is_whole_with_every_match() {
        let s = snippet("关于政务公开的通知", &n(&["政务公开", "通知"]), 120);
        assert_eq!(s.text, "关于政务公开的通知");
        let marked: Vec<&str> = s.highlights.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(marked, vec!["政务公开", "通知"]);
    }

    #[test]
    fn the_window_with_most_matches_wins() {
        let text = format!(
            "{}公开{}政务公开标准化规范化{}",
            "甲".repeat(200),
            "乙".repeat(200),
            "丙".repeat(200)
        );
        let s = snippet(&text, &n(&["政务公开", "标准化", "规范化"]), 40);
        assert_eq!(s.text.chars().filter(|c| *c != '…').count(), 40);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        let marked: Vec<&str> = s.highlights.iter().map(|r| &s.text[r.clone()]).collect();
        assert_eq!(marked, vec!["政务公开", "标准化", "规范化"]);
    }

    #[test]
    fn latin_case_is_ignored_and_line_breaks_become_spaces() {
        let s = snippet("GDP\n增长", &n(&["gdp"]), 120);
        assert_eq!(s.text, "GDP 增长");
        assert_eq!(s.highlights, vec![0..3]);
    }

    proptest! {
        #[test]
        fn highlights_are_inside_on_boundaries_and_cover_a_needle(
            text in "[甲乙丙丁公开政务a-cA-C \n]{0,300}",
            needles in proptest::collection::vec("[甲乙公开政务ab]{1,3}", 0..4),
            width in 1usize..150,
        ) {
            let s = snippet(&text, &needles, width);
            let lower: Vec<String> = needles.iter().map(|n| n.to_ascii_lowercase()).collect();
            let mut last_end = 0;
            for r in &s.highlights {
                prop_assert!(r.start < r.end && r.end <= s.text.len());
                prop_assert!(r.start >= last_end);
                prop_assert!(s.text.is_char_boundary(r.start) && s.text.is_char_boundary(r.end));
                let marked = s.text[r.clone()].to_ascii_lowercase();
                prop_assert!(lower.iter().any(|n| marked.contains(n.as_str())), "{marked}");
                last_end = r.end;
            }
            prop_assert!(s.text.chars().filter(|c| *c != '…').count() <= width.max(1));
        }
    }
}
