//! The catalogue's words as templates, pages and the command line write them.

use crate::model::{Category, Item, Validity};

/// The label of a category (类别).
pub fn category_label(c: Category) -> &'static str {
    match c {
        Category::Regulation => "规章",
        Category::NormativeDocument => "规范性文件",
    }
}

/// 有效 / 失效 / 废止, with the date and repealing document when there are.
pub fn validity_label(v: &Validity) -> String {
    match v {
        Validity::InForce => "有效".to_owned(),
        Validity::Expired { on } => format!("{on} 失效"),
        Validity::Repealed { on, by: Some(by) } => format!("{on} 废止（{by}）"),
        Validity::Repealed { on, by: None } => format!("{on} 废止"),
    }
}

const NUMERALS: [&str; 15] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五",
];

/// The label of an item: `第二十条第（三）项`; a 第二十一条 item is written as its name.
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
