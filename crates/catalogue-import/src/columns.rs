//! The columns of a catalogue table, and how other names (a CMS export's headers) map onto them.

use gongkai_cases::vocab::key;

/// A column of the catalogue template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    IndexNumber,
    Title,
    Agency,
    DocNumber,
    Written,
    Published,
    Category,
    Item,
    Topic,
    Genre,
    Validity,
    Repealed,
    Body,
    Method,
    Scope,
    Interprets,
    StandardItem,
    Channels,
}

/// The template's headers, in template order: the thirteen columns of the issue, then the five
/// optional ones.
pub const HEADERS: [&str; 18] = [
    "索引号",
    "信息名称",
    "发布机构",
    "文号",
    "成文日期",
    "发布日期",
    "类别",
    "第二十条项目",
    "主题分类",
    "体裁",
    "有效性",
    "废止日期",
    "正文",
    "公开方式",
    "公开范围",
    "解读对象",
    "标准目录事项",
    "发布渠道",
];

impl Column {
    /// Every column, in template order (the order of [`HEADERS`]).
    pub const ALL: [Column; 18] = [
        Column::IndexNumber,
        Column::Title,
        Column::Agency,
        Column::DocNumber,
        Column::Written,
        Column::Published,
        Column::Category,
        Column::Item,
        Column::Topic,
        Column::Genre,
        Column::Validity,
        Column::Repealed,
        Column::Body,
        Column::Method,
        Column::Scope,
        Column::Interprets,
        Column::StandardItem,
        Column::Channels,
    ];

    /// The template's header of the column.
    pub fn header(self) -> &'static str {
        let i = Column::ALL.iter().position(|c| *c == self).unwrap_or(0);
        HEADERS[i]
    }

    /// The columns a table must have: the catalogue's key (索引号), the document's name, and the
    /// date of publication, from which 第二十六条's twenty working days are counted.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::IndexNumber | Column::Title | Column::Published
        )
    }

    /// The column whose template header is `name` (compared by [`header_key`]).
    pub fn from_header(name: &str) -> Option<Column> {
        let k = header_key(name);
        Column::ALL
            .iter()
            .copied()
            .find(|c| header_key(c.header()) == k)
    }
}

/// The comparison key of a header: [`key`] (half-width, no spaces or quotes) without the `*`
/// some templates use to mark required columns and without a trailing colon.
pub fn header_key(s: &str) -> String {
    key(s)
        .trim_matches(|c| c == '*' || c == ':' || c == '：')
        .to_string()
}

/// The names CMS exports and portals use for the template's columns (TRS WCM, Hanweb 大汉,
/// 政府信息公开平台 exports and the 国务院 policy library's labels), for every column that has one.
const SYNONYMS: &[(&str, Column)] = &[
    ("信息索引号", Column::IndexNumber),
    ("索引编号", Column::IndexNumber),
    ("标题", Column::Title),
    ("名称", Column::Title),
    ("信息标题", Column::Title),
    ("文件名称", Column::Title),
    ("文件标题", Column::Title),
    ("题名", Column::Title),
    ("所属机构", Column::Agency),
    ("发文机关", Column::Agency),
    ("发文机构", Column::Agency),
    ("发文单位", Column::Agency),
    ("发布单位", Column::Agency),
    ("制发机关", Column::Agency),
    ("成文单位", Column::Agency),
    ("发文字号", Column::DocNumber),
    ("文件编号", Column::DocNumber),
    ("发文文号", Column::DocNumber),
    ("文件字号", Column::DocNumber),
    ("发文日期", Column::Written),
    ("生成日期", Column::Written),
    ("印发日期", Column::Written),
    ("发布时间", Column::Published),
    ("公开日期", Column::Published),
    ("公开时间", Column::Published),
    ("文件类别", Column::Category),
    ("条例项目", Column::Item),
    ("第二十条事项", Column::Item),
    ("信息分类", Column::Topic),
    ("主题", Column::Topic),
    ("文种", Column::Genre),
    ("体裁分类", Column::Genre),
    ("时效性", Column::Validity),
    ("效力状态", Column::Validity),
    ("效力状况", Column::Validity),
    ("有效状态", Column::Validity),
    ("失效日期", Column::Repealed),
    ("废止时间", Column::Repealed),
    ("内容", Column::Body),
    ("正文内容", Column::Body),
    ("信息内容", Column::Body),
    ("被解读文件索引号", Column::Interprets),
    ("标准化目录事项", Column::StandardItem),
    ("目录事项", Column::StandardItem),
    ("事项编号", Column::StandardItem),
    ("发布平台", Column::Channels),
    ("发布账号", Column::Channels),
];

/// How a file's headers map onto the template's columns: the template's own headers, the
/// built-in [synonyms](HeaderMapping::builtin) of CMS exports, and the user's own entries, which
/// come first.
///
/// The user's mapping is text, one entry `源列名=模板列名` per item, items separated by commas,
/// semicolons (half- or full-width), `、` or line breaks, e.g. `标题=信息名称，发文字号=文号`. An
/// entry with nothing after `=` (`生成日期=`) makes the file's column ignored: the way out when
/// two columns of an export map to the same template column. A plain text field of a CLI option
/// or web form, rather than TOML: nothing in it needs nesting.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeaderMapping {
    /// The user's entries: source header key → column, `None` to ignore it.
    user: Vec<(String, Option<Column>)>,
}

/// A user's header mapping that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("表头映射“{0}”缺少“=”，应写作“源列名=模板列名”")]
    Syntax(String),
    #[error("表头映射“{entry}”的目标“{target}”不是模板的列名（模板的列名为：{}）", HEADERS.join("、"))]
    UnknownTarget { entry: String, target: String },
    #[error("表头映射“{0}”缺少源列名")]
    EmptySource(String),
}

impl HeaderMapping {
    /// The built-in synonyms only.
    pub fn builtin() -> Self {
        HeaderMapping::default()
    }

    /// The built-in synonyms and the user's `text` (see the type's documentation).
    pub fn parse(text: &str) -> Result<Self, MappingError> {
        let mut user = Vec::new();
        for entry in text
            .split([',', '，', ';', '；', '、', '\n', '\r'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let Some((source, target)) = entry.split_once(['=', '＝']) else {
                return Err(MappingError::Syntax(entry.to_string()));
            };
            let source = header_key(source);
            if source.is_empty() {
                return Err(MappingError::EmptySource(entry.to_string()));
            }
            let column = if target.trim().is_empty() {
                None
            } else {
                Some(
                    Column::from_header(target).ok_or_else(|| MappingError::UnknownTarget {
                        entry: entry.to_string(),
                        target: target.trim().to_string(),
                    })?,
                )
            };
            // A later entry for the same source replaces an earlier one.
            user.retain(|(s, _): &(String, Option<Column>)| *s != source);
            user.push((source, column));
        }
        Ok(HeaderMapping { user })
    }

    /// The column a file's header stands for: `Some(None)` when the user said to ignore it,
    /// `None` when it is not a column of the catalogue (a CMS's 点击量 and the like).
    pub fn column(&self, header: &str) -> Option<Option<Column>> {
        let k = header_key(header);
        if k.is_empty() {
            return None;
        }
        if let Some((_, c)) = self.user.iter().find(|(s, _)| *s == k) {
            return Some(*c);
        }
        if let Some(c) = Column::from_header(&k) {
            return Some(Some(c));
        }
        SYNONYMS
            .iter()
            .find(|(s, _)| header_key(s) == k)
            .map(|(_, c)| Some(*c))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn headers_and_columns_agree() {
        for (c, h) in Column::ALL.iter().zip(HEADERS) {
            assert_eq!(c.header(), h);
            assert_eq!(Column::from_header(h), Some(*c));
        }
        assert_eq!(Column::from_header(" *索引号："), Some(Column::IndexNumber));
    }

    #[test]
    fn builtin_synonyms_and_user_entries() {
        let m = HeaderMapping::builtin();
        assert_eq!(m.column("标题"), Some(Some(Column::Title)));
        assert_eq!(m.column("发文字号"), Some(Some(Column::DocNumber)));
        assert_eq!(m.column("生成日期"), Some(Some(Column::Written)));
        assert_eq!(m.column("点击量"), None);
        let m = HeaderMapping::parse("题目=信息名称，生成日期=；标题 = 主题分类").unwrap();
        assert_eq!(m.column("题目"), Some(Some(Column::Title)));
        assert_eq!(m.column("生成日期"), Some(None));
        assert_eq!(m.column("标题"), Some(Some(Column::Topic)));
        assert_eq!(m.column("发文字号"), Some(Some(Column::DocNumber)));
    }

    #[test]
    fn bad_mappings() {
        assert_eq!(
            HeaderMapping::parse("标题信息名称"),
            Err(MappingError::Syntax("标题信息名称".into()))
        );
        let e = HeaderMapping::parse("标题=名字").unwrap_err();
        assert!(matches!(e, MappingError::UnknownTarget { .. }), "{e}");
        assert!(e.to_string().contains("“名字”不是模板的列名"), "{e}");
        assert_eq!(
            HeaderMapping::parse("=文号"),
            Err(MappingError::EmptySource("=文号".into()))
        );
    }
}
