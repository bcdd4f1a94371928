//! The catalogue's words as templates, pages, imports and the command line write and read
//! them: 类别, 第二十条项目, 有效性.

use crate::model::{Category, Item, Validity};
use gongkai_cases::vocab::{key, strip_ordinal};

/// 有效 / 失效 / 废止, with the date and repealing document when there are.
pub fn validity_label(v: &Validity) -> String {
    match v {
        Validity::InForce => "有效".to_owned(),
        Validity::Expired { on } => format!("{on} 失效"),
        Validity::Repealed { on, by: Some(by) } => format!("{on} 废止（{by}）"),
        Validity::Repealed { on, by: None } => format!("{on} 废止"),
    }
}

/// 类别: `规章`, `规范性文件` (also `行政规范性文件`); `Ok(None)` when empty (neither: table 二
/// does not count the document).
pub fn parse_category(s: &str) -> Result<Option<Category>, String> {
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
pub fn category_label(c: Category) -> &'static str {
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

/// The items of 第二十条 as the 条例 (国务院令第711号) words them: what an agency must publish
/// on its own initiative.
pub const ARTICLE20_ITEMS: [&str; 15] = [
    "行政法规、规章和规范性文件",
    "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    "国民经济和社会发展规划、专项规划、区域规划及相关政策",
    "国民经济和社会发展统计信息",
    "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
    "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
    "财政预算、决算信息",
    "行政事业性收费项目及其依据、标准",
    "政府集中采购项目的目录、标准及实施情况",
    "重大建设项目的批准和实施情况",
    "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    "突发公共事件的应急预案、预警信息及应对情况",
    "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    "公务员招考的职位、名额、报考条件等事项以及录用结果",
    "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
];

/// The statutory wording of an item of 第二十条 (`None` for a 第二十一条 item, which is named
/// by the agency, or an ordinal beyond fifteen).
pub fn item_wording(item: &Item) -> Option<&'static str> {
    match item {
        Item::Article20(n) => usize::from(*n)
            .checked_sub(1)
            .and_then(|i| ARTICLE20_ITEMS.get(i))
            .copied(),
        Item::Article21(_) => None,
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
pub enum ValidityWord {
    InForce,
    Expired,
    Repealed,
}

/// 有效性 as catalogues write it: `有效`/`现行有效`/`是`, `失效`/`已失效`, `废止`/`已废止`;
/// empty is 有效.
pub fn parse_validity(s: &str) -> Result<ValidityWord, String> {
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

/// A value quoted in a message, cut to its first 40 characters: a 1 MB cell must not become a
/// 1 MB message.
pub fn shown(s: &str) -> String {
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

    #[test]
    fn every_article20_item_has_its_statutory_wording() {
        assert_eq!(
            item_wording(&Item::Article20(1)),
            Some("行政法规、规章和规范性文件")
        );
        assert_eq!(
            item_wording(&Item::Article20(7)),
            Some("财政预算、决算信息")
        );
        assert!(
            item_wording(&Item::Article20(15))
                .unwrap()
                .ends_with("其他政府信息")
        );
        assert_eq!(item_wording(&Item::Article20(16)), None);
        assert_eq!(item_wording(&Item::Article20(0)), None);
        assert_eq!(item_wording(&Item::Article21("供水".into())), None);
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
}
