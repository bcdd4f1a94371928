//! Character-level normalisation shared by 索引号 and 文号: the same identifier is typed with
//! half- or full-width characters, different dashes and brackets, and stray spaces, depending
//! on the input method and the CMS. None of those differences is meaningful.

/// Full-width ASCII (`！`..`～`, U+FF01..U+FF5E) to ASCII, the ideographic space to a space.
pub(crate) fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            // The full-width block is ASCII shifted by 0xFEE0; the range guard keeps the
            // subtraction inside ASCII, so the conversion cannot fail.
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '\u{3000}' => ' ',
        c => c,
    }
}

/// Dashes and hyphens that stand for `-` in identifiers: hyphen, non-breaking hyphen, figure
/// dash, en dash, em dash, horizontal bar, minus sign, small and full-width hyphen-minus.
pub(crate) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2212}'
            | '\u{FE63}'
            | '\u{FF0D}'
    )
}

/// White space of any width, including the no-break space that HTML exports leave behind.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{A0}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_becomes_ascii() {
        let s: String = "１２ＡＢｃ／－＿（）".chars().map(half_width).collect();
        assert_eq!(s, "12ABc/-_()");
        assert_eq!(half_width('〔'), '〔');
        assert_eq!(half_width('\u{3000}'), ' ');
    }
}
