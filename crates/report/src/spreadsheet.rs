//! Text written to a CSV file that people open in a spreadsheet, guarded against CSV injection.
//!
//! A cell starting with `=`, `+`, `-` or `@` is a formula in Excel, LibreOffice and Google
//! Sheets; a leading tab or carriage return is stripped by some of them, which would expose the
//! character after it (OWASP, "CSV Injection"). A report's agency name or prose, a ledger's
//! 受理编号 or an applicant's name may come from an untrusted source (`=HYPERLINK(…)`), so every
//! CSV text gongkai writes goes through [`guard`]: a leading `'` (a spreadsheet's "text follows")
//! before such a character. Figures are numbers and are written as they are (`-4`).
//!
//! The guard is undone exactly by [`unguard`], so gongkai reads its own CSV back unchanged: a
//! text that already starts with `'` followed by a formula character or another `'` gets one
//! more `'`, and [`unguard`] removes one leading `'` when, and only when, a formula character or
//! a `'` follows it.

use std::borrow::Cow;

/// What makes a spreadsheet take a cell for a formula, or hide the character after it.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn starts_formula(s: &str) -> bool {
    s.starts_with(FORMULA_START)
}

/// A text as a CSV cell for spreadsheets: with a leading `'` when it would start like a formula,
/// or when it starts with `'` before such a character or another `'`.
pub fn guard(text: &str) -> Cow<'_, str> {
    let escaped = text
        .strip_prefix('\'')
        .is_some_and(|rest| starts_formula(rest) || rest.starts_with('\''));
    if starts_formula(text) || escaped {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The inverse of [`guard`]: a `'` before a formula character or another `'` is dropped; a `'`
/// before anything else was typed as it is and stays.
pub fn unguard(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_formula(rest) || rest.starts_with('\'') => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_prefixes_are_guarded_and_unguarded_exactly() {
        for (plain, written) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("=1+1", "'=1+1"),
            ("+86 10", "'+86 10"),
            ("-3", "'-3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("'abc", "'abc"),
            ("'", "'"),
            ("YS-1", "YS-1"),
            ("盐湖区", "盐湖区"),
            ("", ""),
        ] {
            assert_eq!(guard(plain), written, "{plain:?}");
            assert_eq!(unguard(written), plain, "{written:?}");
        }
    }
}
