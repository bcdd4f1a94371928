//! The pattern pass: pre-marks the personal numbers a reply must not disclose (第十五条,
//! personal privacy) on the words of a document with their positions, before the officer
//! looks: identity numbers (18 characters with a valid GB 11643-1999 check character), mainland
//! mobile numbers (1[3-9] and nine digits, also written in groups) and bank card numbers (16 to
//! 19 digits passing the Luhn check). Pure: words in, rectangles out.
//!
//! Numbers are read across word boundaries on one line: `138 0013 8000`, `6222-0200-…`, or an
//! identity number the PDF happens to split into two words, are one number each.

use crate::model::{Area, Reason, Rect};

/// A word of a page and where it is, in fractions of the page (as `pdftotext -bbox` gives it,
/// divided by the page size).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The page, from 1.
    pub page: u32,
    pub rect: Rect,
    pub text: String,
}

/// What the pass found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// 居民身份证号码 (GB 11643-1999).
    IdNumber,
    /// 手机号码.
    Mobile,
    /// 银行卡号.
    BankCard,
}

impl Pattern {
    pub fn label(self) -> &'static str {
        match self {
            Pattern::IdNumber => "身份证号码",
            Pattern::Mobile => "手机号码",
            Pattern::BankCard => "银行卡号",
        }
    }
}

/// One number found, and the area that covers it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub pattern: Pattern,
    pub page: u32,
    pub rect: Rect,
}

impl Found {
    /// The box it becomes: personal privacy, 第十五条, until the officer says otherwise.
    pub fn area(&self) -> Area {
        Area {
            page: self.page,
            rect: self.rect,
            reason: Reason::Art15,
        }
    }
}

/// The check character of an identity number's first 17 digits (GB 11643-1999 §4: ISO 7064
/// MOD 11-2).
fn id_check(digits: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize]
}

/// Whether 18 characters are shaped like an identity number: 17 digits, then a digit or X,
/// with a birth date (characters 7 to 14) that could be one. Such a string is an identity
/// number or nothing: an invalid one is not pre-marked, not even as a bank card.
fn id_shaped(s: &[u8]) -> bool {
    if s.len() != 18 || !s[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !(s[17].is_ascii_digit() || s[17] == b'X') {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| s[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let (year, month, day) = (num(6..10), num(10..12), num(12..14));
    (1900..=2099).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Whether a string is a valid identity number (the check character included).
pub fn is_id_number(s: &str) -> bool {
    let s = s.as_bytes();
    id_shaped(s) && id_check(&s[..17]) == s[17]
}

/// Whether digits pass the Luhn check (ISO/IEC 7812), as bank card numbers do.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// What a run of characters is, if it is one of the numbers.
pub fn classify(s: &str) -> Option<Pattern> {
    let b = s.as_bytes();
    if id_shaped(b) {
        return (id_check(&b[..17]) == b[17]).then_some(Pattern::IdNumber);
    }
    if !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mobile = |m: &[u8]| m.len() == 11 && m[0] == b'1' && (b'3'..=b'9').contains(&m[1]);
    if mobile(b) || (b.len() == 13 && b.starts_with(b"86") && mobile(&b[2..])) {
        return Some(Pattern::Mobile);
    }
    if (16..=19).contains(&b.len()) && luhn(s) {
        return Some(Pattern::BankCard);
    }
    None
}

/// A character of a line and the part of its word it occupies.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    c: char,
    rect: Rect,
}

/// The character as the numbers are read: full-width digits as ASCII, `x` as `X`.
fn normal(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        'x' | 'ｘ' | 'Ｘ' => 'X',
        _ => c,
    }
}

/// Characters that may separate the groups of one number.
fn separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '－' | '‐' | '—' | '\u{3000}')
}

/// The characters of a word, each with its share of the word's box: a wide (CJK, full-width)
/// character takes about twice the width of a narrow one.
fn glyphs(word: &Word, out: &mut Vec<Glyph>) {
    let weight = |c: char| if (c as u32) >= 0x2E80 { 1.0 } else { 0.55 };
    let total: f64 = word.text.chars().map(weight).sum();
    if total <= 0.0 {
        return;
    }
    let mut at = 0.0;
    for c in word.text.chars() {
        let share = weight(c) / total;
        out.push(Glyph {
            c: normal(c),
            rect: Rect {
                x: word.rect.x + word.rect.w * at,
                y: word.rect.y,
                w: word.rect.w * share,
                h: word.rect.h,
            },
        });
        at += share;
    }
}

/// The words of one page grouped into lines (their vertical centres within half a line of each
/// other), each line from left to right.
fn lines(words: &[&Word]) -> Vec<Vec<Word>> {
    let mut sorted: Vec<&Word> = words.to_vec();
    let centre = |w: &Word| w.rect.y + w.rect.h / 2.0;
    sorted.sort_by(|a, b| centre(a).total_cmp(&centre(b)));
    let mut lines: Vec<Vec<Word>> = Vec::new();
    for w in sorted {
        match lines.last_mut() {
            Some(line)
                if {
                    let last = &line[line.len() - 1];
                    (centre(last) - centre(w)).abs() < 0.5 * last.rect.h.min(w.rect.h).max(1e-9)
                } =>
            {
                line.push(w.clone())
            }
            _ => lines.push(vec![w.clone()]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.rect.x.total_cmp(&b.rect.x));
    }
    lines
}

/// The union of rectangles.
fn union(rects: impl Iterator<Item = Rect>) -> Option<Rect> {
    rects.fold(None, |acc: Option<Rect>, r| {
        Some(match acc {
            None => r,
            Some(a) => {
                let (x0, y0) = (a.x.min(r.x), a.y.min(r.y));
                let (x1, y1) = ((a.x + a.w).max(r.x + r.w), (a.y + a.h).max(r.y + r.h));
                Rect {
                    x: x0,
                    y: y0,
                    w: x1 - x0,
                    h: y1 - y0,
                }
            }
        })
    })
}

/// A rectangle grown by a margin on every side and kept on the page: glyphs overshoot the box
/// a text extractor reports, and the character widths above are estimates.
fn padded(r: Rect) -> Rect {
    let (mx, my) = (r.h * 0.3, r.h * 0.15);
    let (x0, y0) = ((r.x - mx).max(0.0), (r.y - my).max(0.0));
    let (x1, y1) = ((r.x + r.w + mx).min(1.0), (r.y + r.h + my).min(1.0));
    Rect {
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
    }
}

/// The numbers on one line: runs of digit groups joined by at most two separators (a space
/// between words counts as one), and within a run, from the left, the longest span of whole
/// groups that is a number.
fn scan_line(page: u32, line: &[Word], found: &mut Vec<Found>) {
    let mut chars = Vec::new();
    for (i, w) in line.iter().enumerate() {
        if i > 0 {
            chars.push(Glyph {
                c: ' ',
                rect: w.rect,
            });
        }
        glyphs(w, &mut chars);
    }
    let digit = |c: char| c.is_ascii_digit() || c == 'X';
    // Groups of (digits, their glyphs), runs of groups.
    let mut runs: Vec<Vec<(String, Vec<Rect>)>> = Vec::new();
    let mut run: Vec<(String, Vec<Rect>)> = Vec::new();
    let mut gap = 0;
    let mut group: Option<(String, Vec<Rect>)> = None;
    for g in &chars {
        if digit(g.c) {
            let grp = group.get_or_insert_with(|| (String::new(), Vec::new()));
            grp.0.push(g.c);
            grp.1.push(g.rect);
            gap = 0;
        } else {
            if let Some(grp) = group.take() {
                run.push(grp);
            }
            gap += 1;
            if !separator(g.c) || gap > 2 {
                if !run.is_empty() {
                    runs.push(std::mem::take(&mut run));
                }
                gap = if separator(g.c) { gap } else { 3 };
            }
        }
    }
    if let Some(grp) = group.take() {
        run.push(grp);
    }
    if !run.is_empty() {
        runs.push(run);
    }
    for run in runs {
        let mut i = 0;
        while i < run.len() {
            let mut best = None;
            let mut digits = String::new();
            for (j, (g, _)) in run.iter().enumerate().skip(i) {
                digits.push_str(g);
                if digits.len() > 21 {
                    break;
                }
                if let Some(p) = classify(&digits) {
                    best = Some((j, p));
                }
            }
            match best {
                Some((j, pattern)) => {
                    let rect = union(run[i..=j].iter().flat_map(|(_, r)| r.iter().copied()));
                    if let Some(rect) = rect {
                        found.push(Found {
                            pattern,
                            page,
                            rect: padded(rect),
                        });
                    }
                    i = j + 1;
                }
                None => i += 1,
            }
        }
    }
}

/// Every number the pass finds on the words of a document, page by page, top to bottom.
pub fn find(words: &[Word]) -> Vec<Found> {
    let mut pages: Vec<u32> = words.iter().map(|w| w.page).collect();
    pages.sort_unstable();
    pages.dedup();
    let mut found = Vec::new();
    for page in pages {
        let on_page: Vec<&Word> = words.iter().filter(|w| w.page == page).collect();
        for line in lines(&on_page) {
            scan_line(page, &line, &mut found);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A valid identity number for the first 17 digits.
    fn with_check(first17: &str) -> String {
        let c = id_check(first17.as_bytes()) as char;
        format!("{first17}{c}")
    }

    /// Digits completed with a Luhn check digit.
    fn with_luhn(body: &str) -> String {
        (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|s| luhn(s))
            .expect("one check digit fits")
    }

    /// Words laid out on one line from x = 0.1, each 0.01 per character.
    fn line(page: u32, y: f64, words: &[&str]) -> Vec<Word> {
        let mut x = 0.1;
        words
            .iter()
            .map(|t| {
                let w = 0.01 * t.chars().count() as f64;
                let word = Word {
                    page,
                    rect: Rect { x, y, w, h: 0.02 },
                    text: (*t).to_owned(),
                };
                x += w + 0.01;
                word
            })
            .collect()
    }

    #[test]
    fn identity_numbers_need_their_check_character() {
        assert!(is_id_number("11010519491231002X"));
        assert!(!is_id_number("110105194912310021"));
        assert_eq!(classify("11010519491231002X"), Some(Pattern::IdNumber));
        // Shaped like an identity number but its check fails: nothing, not a bank card.
        let wrong = "110105194912310021";
        assert_eq!(classify(wrong), None);
    }

    #[test]
    fn mobiles_and_cards() {
        assert_eq!(classify("13800138000"), Some(Pattern::Mobile));
        assert_eq!(classify("8613800138000"), Some(Pattern::Mobile));
        assert_eq!(classify("12800138000"), None);
        assert!(luhn("4539578763621486"));
        assert!(!luhn("4539578763621487"));
        let card = with_luhn("622202020011223");
        assert_eq!(classify(&card), Some(Pattern::BankCard));
    }

    #[test]
    fn numbers_are_found_across_words_and_separators() {
        let id = with_check("11010519900307123");
        let (a, b) = id.split_at(10);
        let card = with_luhn("622848001234567");
        let grouped: Vec<String> = card
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let mut words = line(1, 0.1, &["身份证号：", a, b]);
        words.extend(line(
            1,
            0.2,
            &["电话", "138", "0013", "8000", "或", "139-0013-9000"],
        ));
        words.extend(line(
            2,
            0.3,
            &[
                &format!("卡号{}", grouped[0]),
                &grouped[1],
                &grouped[2],
                &grouped[3],
            ],
        ));
        words.extend(line(2, 0.4, &["110105194912310021", "12345"]));
        let found = find(&words);
        let kinds: Vec<(u32, Pattern)> = found.iter().map(|f| (f.page, f.pattern)).collect();
        assert_eq!(
            kinds,
            vec![
                (1, Pattern::IdNumber),
                (1, Pattern::Mobile),
                (1, Pattern::Mobile),
                (2, Pattern::BankCard),
            ]
        );
        // The identity number's box covers both of its words and not the label.
        let id_box = found[0].rect;
        assert!(id_box.x <= words[1].rect.x && id_box.x > words[0].rect.x);
        assert!(id_box.x + id_box.w >= words[2].rect.x + words[2].rect.w);
        // The first mobile covers its three groups and stops before “或”.
        let m = found[1].rect;
        assert!(m.x <= words[4].rect.x);
        assert!(m.x + m.w >= words[6].rect.x + words[6].rect.w);
        assert!(m.x + m.w < words[7].rect.x + words[7].rect.w);
    }

    #[test]
    fn numbers_on_different_lines_are_not_joined() {
        let mut words = line(1, 0.1, &["138001"]);
        words.extend(line(1, 0.2, &["38000"]));
        assert!(find(&words).is_empty());
    }

    proptest! {
        /// Any valid identity number is found however it is split into words; changing its
        /// check character makes it disappear.
        #[test]
        fn every_valid_identity_number_is_found(
            area in 110000u32..660000, year in 1900u32..2025, month in 1u32..13, day in 1u32..29,
            seq in 0u32..1000, split in 1usize..17,
        ) {
            let id = with_check(&format!("{area}{year}{month:02}{day:02}{seq:03}"));
            let (a, b) = id.split_at(split);
            let found = find(&line(1, 0.5, &["号码", a, b, "。"]));
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].pattern, Pattern::IdNumber);
            let wrong_check = if id.ends_with('0') { '1' } else { '0' };
            let wrong = format!("{}{wrong_check}", &id[..17]);
            prop_assert!(find(&line(1, 0.5, &[&wrong])).is_empty());
        }

        /// Any mobile number is found written whole, in 3-4-4 groups or with hyphens.
        #[test]
        fn every_mobile_is_found(second in 3u8..10, rest in 0u32..1_000_000_000, style in 0u8..3) {
            let m = format!("1{second}{rest:09}");
            let words: Vec<String> = match style {
                0 => vec![m.clone()],
                1 => vec![m[..3].to_owned(), m[3..7].to_owned(), m[7..].to_owned()],
                _ => vec![format!("{}-{}-{}", &m[..3], &m[3..7], &m[7..])],
            };
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            let found = find(&line(3, 0.5, &refs));
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].pattern, Pattern::Mobile);
            prop_assert_eq!(found[0].page, 3);
            prop_assert_eq!(found[0].area().reason, Reason::Art15);
        }

        /// Found boxes stay on the page.
        #[test]
        fn found_boxes_are_valid(x in 0.0f64..0.7, text in "[0-9 ]{11,40}") {
            let words = vec![Word { page: 1, rect: Rect { x, y: 0.0, w: 0.29, h: 0.01 }, text }];
            let areas: Vec<Area> = find(&words).iter().map(Found::area).collect();
            prop_assert!(crate::model::validate(&areas, 1).is_ok());
        }
    }
}
