//! Figures written in the report's prose (rule R8): "共收到政府信息公开申请8件",
//! "被申请行政复议十二件", "本年度未收到政府信息公开申请". Reads Arabic and Chinese numerals.

use crate::keys::{Applicant, CellKey, T3Row, T4Col};

/// A figure found in the text and the table cells whose sum it states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub cells: &'static [CellKey],
    pub value: i64,
    /// The words as written, for the message.
    pub quote: String,
}

const NEW_RECEIVED: &[CellKey] = &[CellKey::T3(T3Row::NewReceived, Applicant::Total)];
const CARRIED_IN: &[CellKey] = &[CellKey::T3(T3Row::CarriedIn, Applicant::Total)];
const CARRIED_OUT: &[CellKey] = &[CellKey::T3(T3Row::CarriedOut, Applicant::Total)];
const REVIEW: &[CellKey] = &[CellKey::T4(T4Col::RevTotal)];
const LITIGATION: &[CellKey] = &[
    CellKey::T4(T4Col::LitDirectTotal),
    CellKey::T4(T4Col::LitAfterRevTotal),
];

/// Phrases that introduce a figure, and what it counts. Longer phrases first: the first match
/// at a position wins.
const PHRASES: &[(&str, &[CellKey])] = &[
    ("新收政府信息公开申请", NEW_RECEIVED),
    ("收到政府信息公开申请", NEW_RECEIVED),
    ("受理政府信息公开申请", NEW_RECEIVED),
    ("收到依申请公开申请", NEW_RECEIVED),
    ("上年结转政府信息公开申请", CARRIED_IN),
    ("上年结转", CARRIED_IN),
    ("结转下年度继续办理", CARRIED_OUT),
    ("结转下年度", CARRIED_OUT),
    ("行政复议", REVIEW),
    ("行政诉讼", LITIGATION),
];

/// The first characters of [`PHRASES`].
const FIRST_CHARS: [char; 6] = ['新', '收', '受', '上', '结', '行'];

/// Words that may stand between a phrase and its number ("申请共计8件", "行政复议案件1起").
const FILLERS: &[&str] = &[
    "案件", "共计", "总计", "合计", "数量", "共", "计", "为", "了", "：", ":", "达", "数",
];

/// Units that must follow the number for it to count as a figure of the phrase.
const UNITS: &[char] = &['件', '起', '宗', '个'];

/// Every figure the text states, in order of appearance.
pub fn figures(text: &str) -> Vec<Mention> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(first) = rest.chars().next() else {
            break;
        };
        // Most characters start no phrase: test the first character before any phrase.
        let starts = FIRST_CHARS.contains(&first);
        let found_phrase = if starts {
            PHRASES.iter().find(|(p, _)| rest.starts_with(p))
        } else {
            None
        };
        let Some(&(phrase, cells)) = found_phrase else {
            i += first.len_utf8();
            continue;
        };
        let before = &text[..i];
        let negated = ["未", "没有", "无"].iter().any(|n| before.ends_with(n));
        let after = &rest[phrase.len()..];
        if negated && cells == NEW_RECEIVED {
            found.push(Mention {
                cells,
                value: 0,
                quote: format!("未{phrase}"),
            });
        } else if let Some((value, used)) = figure_after(after) {
            found.push(Mention {
                cells,
                value,
                quote: format!("{phrase}{}", &after[..used]),
            });
        }
        i += phrase.len();
    }
    found
}

/// Skips fillers, reads a number and requires a unit: returns the value and the bytes used.
fn figure_after(text: &str) -> Option<(i64, usize)> {
    let mut pos = 0;
    while let Some(f) = FILLERS.iter().find(|f| text[pos..].starts_with(**f)) {
        pos += f.len();
    }
    let (value, len) = number_at(&text[pos..])?;
    pos += len;
    let unit = text[pos..].chars().next().filter(|c| UNITS.contains(c))?;
    Some((value, pos + unit.len_utf8()))
}

/// A number at the start of `text`: Arabic digits (with thousands separators) or Chinese
/// numerals (零一二两三四五六七八九十百千万). Returns the value and the bytes it takes.
pub fn number_at(text: &str) -> Option<(i64, usize)> {
    let arabic: usize = text
        .char_indices()
        .take_while(|&(i, c)| c.is_ascii_digit() || (c == ',' && i > 0))
        .map(|(_, c)| c.len_utf8())
        .sum();
    if arabic > 0 {
        let digits: String = text[..arabic]
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        return digits.parse().ok().map(|v| (v, arabic));
    }
    let len: usize = text
        .chars()
        .take_while(|c| "零〇一二两三四五六七八九十百千万".contains(*c))
        .map(char::len_utf8)
        .sum();
    chinese_number(&text[..len]).map(|v| (v, len))
}

/// The value of a Chinese numeral such as 十二, 二十, 一百零五, 三千四百, 两万零一十.
pub fn chinese_number(s: &str) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    let (mut total, mut section, mut digit) = (0i64, 0i64, None::<i64>);
    for c in s.chars() {
        let d = match c {
            '零' | '〇' => Some(0),
            '一' => Some(1),
            '二' | '两' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        match (d, c) {
            (Some(d), _) => digit = Some(d),
            (None, '十') => {
                section += digit.unwrap_or(1) * 10;
                digit = None;
            }
            (None, '百') => {
                section += digit? * 100;
                digit = None;
            }
            (None, '千') => {
                section += digit? * 1000;
                digit = None;
            }
            (None, '万') => {
                total += (section + digit.unwrap_or(0)) * 10_000;
                section = 0;
                digit = None;
            }
            _ => return None,
        }
    }
    Some(total + section + digit.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_starts_with_a_listed_first_character() {
        for (phrase, _) in PHRASES {
            let first = phrase.chars().next().expect("phrases are not empty");
            assert!(FIRST_CHARS.contains(&first), "{phrase}");
        }
    }

    #[test]
    fn chinese_numerals() {
        for (s, v) in [
            ("零", 0),
            ("八", 8),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("二十三", 23),
            ("一百零五", 105),
            ("三千四百", 3400),
            ("两万零一十", 20010),
        ] {
            assert_eq!(chinese_number(s), Some(v), "{s}");
        }
        assert_eq!(chinese_number(""), None);
    }

    #[test]
    fn figures_in_prose() {
        let text = "2020年，共收到政府信息公开申请8件，上年结转2件；被申请行政复议十二件，行政诉讼1起。\
                    行政复议、行政诉讼情况见表四。";
        let found: Vec<(i64, &str)> = figures(text)
            .iter()
            .map(|m| (m.value, m.cells[0].to_string().leak() as &str))
            .collect();
        assert_eq!(
            found,
            vec![
                (8, "t3.new_received.total"),
                (2, "t3.carried_in.total"),
                (12, "t4.rev_total"),
                (1, "t4.lit_direct_total"),
            ]
        );
        let none = figures("本年度未收到政府信息公开申请。");
        assert_eq!(none.len(), 1);
        assert_eq!(none[0].value, 0);
        assert_eq!(figures("共收到群众来信1,234件").len(), 0);
        assert_eq!(figures("共收到政府信息公开申请1,234件")[0].value, 1234);
    }
}
