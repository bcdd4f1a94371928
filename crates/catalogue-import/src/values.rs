//! The values of catalogue cells and page fields as officers and CMSs write them: dates, 类别,
//! 第二十条项目, 有效性 and 正文. Shared by tables and pages.

use chrono::{Datelike, Days, NaiveDate};
use gongkai_cases::vocab::{halfwidth, key, parse_date_text, strip_ordinal};
use gongkai_catalogue::body::{Body, sanitise};
use gongkai_catalogue::{Category, Item};

/// The earliest year of a document in a catalogue: nothing the 条例 makes public predates the
/// People's Republic.
pub(crate) const EARLIEST_YEAR: i32 = 1949;

/// A date written as text, in every form exports use (see [`parse_date_text`]); also
/// `2020年03月05日 10:22` and a lone Excel serial or `20200305` typed into a text cell.
pub(crate) fn date_from_text(s: &str) -> Option<NaiveDate> {
    let t = halfwidth(s);
    let t = t.trim();
    if let Some(d) = parse_date_text(t) {
        return Some(d);
    }
    // An Excel serial that lost its date format on the way through a CSV export: five digits
    // (1949 is serial 17898; a four-digit number is a year typed alone, not a date).
    let whole = t.split_once('.').map_or(t, |(w, _)| w);
    if whole.len() == 5 && t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return t.parse::<f64>().ok().and_then(from_excel_serial);
    }
    None
}

/// An Excel serial date (1900 date system): 43895 is 2020-03-05. The time of day is ignored.
/// Serials before 1900-03-01 (where Excel's 1900 leap-year bug lives) are refused.
pub(crate) fn from_excel_serial(v: f64) -> Option<NaiveDate> {
    if !v.is_finite() {
        return None;
    }
    let days = v.floor();
    if !(61.0..2_958_466.0).contains(&days) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    base.checked_add_days(Days::new(days as u64))
}

/// A number in a date cell: `20200305` typed as a number, or an Excel serial.
pub(crate) fn date_from_number(v: f64) -> Option<NaiveDate> {
    if v.fract() == 0.0 && (19_000_101.0..=29_991_231.0).contains(&v) {
        return parse_date_text(&format!("{v:.0}"));
    }
    from_excel_serial(v)
}

/// Checks that a date of a document is plausible: not before 1949, not after `today`.
pub(crate) fn check_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, String> {
    if date.year() < EARLIEST_YEAR {
        return Err(format!("日期 {date} 早于 {EARLIEST_YEAR} 年，请检查"));
    }
    if date > today {
        return Err(format!("日期 {date} 晚于今天（{today}）"));
    }
    Ok(date)
}

/// 类别: `规章`, `规范性文件` (also `行政规范性文件`); `Ok(None)` when empty (neither: table 二
/// does not count the document).
pub(crate) fn parse_category(s: &str) -> Result<Option<Category>, String> {
    match key(s).as_str() {
        "" | "无" | "其他" => Ok(None),
        "规章" | "政府规章" | "部门规章" => Ok(Some(Category::Regulation)),
        "规范性文件" | "行政规范性文件" => Ok(Some(Category::NormativeDocument)),
        _ => Err(format!(
            "无法识别的类别“{}”，应为“规章”“规范性文件”或留空",
            shown(s)
        )),
    }
}

/// The label of a category, as the template's drop-down writes it.
pub(crate) fn category_label(c: Category) -> &'static str {
    match c {
        Category::Regulation => "规章",
        Category::NormativeDocument => "规范性文件",
    }
}

const NUMERALS: [&str; 15] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五",
];

/// The label of an item, as the template's drop-down writes it: `第二十条第（三）项`; a
/// 第二十一条 item is written as its name.
pub fn item_label(item: &Item) -> String {
    match item {
        Item::Article20(n) => {
            let numeral = usize::from(*n)
                .checked_sub(1)
                .and_then(|i| NUMERALS.get(i))
                .copied()
                .unwrap_or("?");
            format!("第二十条第（{numeral}）项")
        }
        Item::Article21(name) => name.clone(),
    }
}

/// An ordinal 1–15 written in Chinese numerals or digits.
fn ordinal(s: &str) -> Option<u8> {
    if let Ok(n) = s.parse::<u8>() {
        return (1..=15).contains(&n).then_some(n);
    }
    let i = NUMERALS.iter().position(|n| *n == s)?;
    u8::try_from(i + 1).ok()
}

/// 第二十条项目 as written in catalogues: `第二十条第（三）项`, `第二十条第3项`, `（三）`, `三`, `3`
/// are item (三) of 第二十条 (第二十条 lists fifteen items; anything beyond is an error); the name
/// of a 第二十一条 item (with or without a `第二十一条：` prefix) is that item. `Ok(None)` when
/// empty.
pub fn parse_item(s: &str) -> Result<Option<Item>, String> {
    let k = key(s);
    if k.is_empty() {
        return Ok(None);
    }
    let unknown = || {
        format!(
            "无法识别的第二十条项目“{}”，应为“第二十条第（一）项”至“第二十条第（十五）项”，或第二十一条事项的名称",
            shown(s)
        )
    };
    let article20 = k
        .strip_prefix("第二十条")
        .or_else(|| k.strip_prefix("第20条"))
        .or_else(|| k.strip_prefix("条例第二十条"));
    if let Some(rest) = article20 {
        let rest = rest.strip_prefix('第').unwrap_or(rest);
        let rest = rest.strip_suffix('项').unwrap_or(rest);
        let rest = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .unwrap_or(rest);
        return ordinal(rest)
            .map(|n| Some(Item::Article20(n)))
            .ok_or_else(unknown);
    }
    // A bare ordinal: `(三)`, `三`, `3`, `3.`.
    let bare = k
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(&k);
    let bare = bare.strip_suffix(['.', '、']).unwrap_or(bare);
    if let Some(n) = ordinal(bare) {
        return Ok(Some(Item::Article20(n)));
    }
    if bare
        .chars()
        .all(|c| c.is_ascii_digit() || "一二三四五六七八九十百".contains(c))
    {
        return Err(unknown());
    }
    let name = s.trim();
    let name = ["第二十一条", "第21条"]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .map_or(name, |rest| {
            rest.trim_start_matches([':', '：', ' ', '\u{3000}', '、'])
        });
    let name = strip_ordinal(name).trim();
    if name.is_empty() {
        return Err(unknown());
    }
    Ok(Some(Item::Article21(name.to_string())))
}

/// What 有效性 says, before the date is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValidityWord {
    InForce,
    Expired,
    Repealed,
}

/// 有效性 as catalogues write it: `有效`/`现行有效`/`是`, `失效`/`已失效`, `废止`/`已废止`;
/// empty is 有效.
pub(crate) fn parse_validity(s: &str) -> Result<ValidityWord, String> {
    match key(s).as_str() {
        "" | "有效" | "现行有效" | "是" | "继续有效" | "有效期内" => {
            Ok(ValidityWord::InForce)
        }
        "失效" | "已失效" | "否" | "宣布失效" | "已过期" => Ok(ValidityWord::Expired),
        "废止" | "已废止" | "宣布废止" => Ok(ValidityWord::Repealed),
        _ => Err(format!(
            "无法识别的有效性“{}”，应为“有效”“失效”或“废止”",
            shown(s)
        )),
    }
}

/// Whether a 正文 is HTML: it has a tag (`<p`, `</p`, `<br`, `<!--`). Plain text with a `<` in
/// it (`a < b`) is not.
pub(crate) fn looks_like_html(s: &str) -> bool {
    s.match_indices('<').any(|(i, _)| {
        s[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
    }) && s.contains('>')
}

/// The body of a 正文 cell: sanitised HTML, or plain text a paragraph per line.
pub(crate) fn body_of(s: &str) -> Body {
    if looks_like_html(s) {
        sanitise(s)
    } else {
        Body::from_text(s)
    }
}

/// A value quoted in a message, cut to its first 40 characters: a 1 MB cell must not become a
/// 1 MB message.
pub(crate) fn shown(s: &str) -> String {
    const MAX: usize = 40;
    let s = s.trim();
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}……", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_the_forms_exports_use() {
        for s in [
            "2020-03-05",
            "2020/3/5",
            "2020年3月5日",
            "2020年03月05日",
            "20200305",
            "2020-03-05 10:22:00",
            "2020-03-05T10:22:00",
            "2020.3.5",
            "２０２０－０３－０５",
            "43895",
        ] {
            assert_eq!(date_from_text(s), Some(d(2020, 3, 5)), "{s}");
        }
        for s in ["2020-13-05", "2020", "三月五日", "2020-02-30", "5/3/2020"] {
            assert_eq!(date_from_text(s), None, "{s}");
        }
        assert_eq!(date_from_number(43895.4), Some(d(2020, 3, 5)));
        assert_eq!(date_from_number(20_200_305.0), Some(d(2020, 3, 5)));
        assert_eq!(from_excel_serial(60.0), None);
        assert_eq!(from_excel_serial(f64::INFINITY), None);
    }

    #[test]
    fn date_range() {
        let today = d(2024, 6, 1);
        assert!(check_date(d(1949, 1, 1), today).is_ok());
        assert!(
            check_date(d(1948, 12, 31), today)
                .unwrap_err()
                .contains("早于 1949 年")
        );
        assert!(
            check_date(d(2024, 6, 2), today)
                .unwrap_err()
                .contains("晚于今天")
        );
    }

    #[test]
    fn items() {
        for (s, n) in [
            ("第二十条第（一）项", 1),
            ("第二十条第(十五)项", 15),
            ("第二十条第3项", 3),
            ("第20条第（十二）项", 12),
            ("（三）", 3),
            ("三", 3),
            ("7", 7),
        ] {
            assert_eq!(parse_item(s), Ok(Some(Item::Article20(n))), "{s}");
            if !s.starts_with('第') {
                continue;
            }
            assert_eq!(
                parse_item(&item_label(&Item::Article20(n))),
                Ok(Some(Item::Article20(n)))
            );
        }
        for n in 1..=15 {
            let label = item_label(&Item::Article20(n));
            assert_eq!(parse_item(&label), Ok(Some(Item::Article20(n))), "{label}");
        }
        assert!(parse_item("第二十条第（十六）项").is_err());
        assert!(parse_item("16").is_err());
        assert!(parse_item("第二十一条").is_err());
        assert_eq!(
            parse_item("第二十一条：农村危房改造"),
            Ok(Some(Item::Article21("农村危房改造".into())))
        );
        assert_eq!(
            parse_item("农村危房改造"),
            Ok(Some(Item::Article21("农村危房改造".into())))
        );
        assert_eq!(parse_item("  "), Ok(None));
    }

    #[test]
    fn categories_and_validity() {
        assert_eq!(parse_category("规章"), Ok(Some(Category::Regulation)));
        assert_eq!(
            parse_category(" 行政规范性文件 "),
            Ok(Some(Category::NormativeDocument))
        );
        assert_eq!(parse_category(""), Ok(None));
        assert!(
            parse_category("红头文件")
                .unwrap_err()
                .contains("无法识别的类别“红头文件”")
        );
        assert_eq!(parse_validity("现行有效"), Ok(ValidityWord::InForce));
        assert_eq!(parse_validity(""), Ok(ValidityWord::InForce));
        assert_eq!(parse_validity("已废止"), Ok(ValidityWord::Repealed));
        assert_eq!(parse_validity("失效"), Ok(ValidityWord::Expired));
        assert!(parse_validity("部分有效").is_err());
    }

    #[test]
    fn html_or_text() {
        assert!(looks_like_html("<p>第一条</p>"));
        assert!(looks_like_html("第一条<br/>第二条"));
        assert!(!looks_like_html("a < b 且 c > d"));
        assert!(!looks_like_html("第一条"));
        let b = body_of("第一条\n第二条");
        assert_eq!(b.html, "<p>第一条</p>\n<p>第二条</p>\n");
        let b = body_of("<p onclick=\"x()\">第一条</p><script>alert(1)</script>");
        assert_eq!(b.html, "<p>第一条</p>");
        assert_eq!(b.text, "第一条");
    }
}
