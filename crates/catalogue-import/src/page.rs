//! Saved article pages of a government portal read into documents.
//!
//! The 政府信息公开 article pages of the common portal CMSs (TRS WCM 拓尔思, Hanweb 大汉, the
//! 国务院 policy library, the 开普云 and 政务公开平台 templates) put a metadata block above the
//! article: 索引号, 发布机构, 成文日期 … as label/value cells of a table
//! (`<td><b>索　引　号：</b></td><td>…</td>`, `<td class="t">信息索引号</td><td>…</td>`, often
//! several pairs per row), as `<dt>`/`<dd>` pairs, or as list items and divs with the label and
//! value in one element (`<li><span>发文字号：</span>…</li>`). The article itself sits in a
//! content container (`#UCAP-CONTENT`, `.TRS_Editor`, `#zoom`, `.pages_content`, …). The pages
//! also carry the `<meta name="ArticleTitle">` / `PubDate` / `ContentSource` tags that the
//! 政府网站发展指引 asks for, read when the block lacks a field.
//!
//! The reader looks for labels, not for one CMS's markup: any element whose whole text is a
//! known label takes its value from the element after it (climbing out of a `<b>` or `<span>`
//! inside the label cell), and any small element whose text is `label：value` gives that value.
//! When several labels name one field (`成文日期` and `生成日期`), the more specific wins.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use gongkai_cases::AgencyId;
use gongkai_cases::vocab::halfwidth;
use gongkai_catalogue::body::sanitise;
use gongkai_catalogue::{DocNumber, IndexNumber, NewDocument, Validity};
use scraper::{ElementRef, Html, Node, Selector};

use crate::columns::Column;
use crate::values::{check_date, date_from_text};
use crate::{ImportedDocument, ReadOptions};
use gongkai_catalogue::vocab::{ValidityWord, parse_validity, shown};

/// A field read from a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageField {
    /// The template's column name (`成文日期`).
    pub column: &'static str,
    /// Where it was found: the page's label (`生成日期`), or the element it was taken from
    /// (`<meta name="PubDate">`, `<h1>`, `<title>`).
    pub source: String,
    /// The value as written on the page.
    pub value: String,
}

/// What was read from one page, and whether it can be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageReport {
    /// The file name, as given.
    pub name: String,
    /// The encoding the page was decoded with (`UTF-8`, `GBK`, `gb18030`, …).
    pub encoding: &'static str,
    /// The fields found, in template order.
    pub found: Vec<PageField>,
    /// The template columns a page can give that this one does not (正文 included).
    pub missing: Vec<&'static str>,
    /// Why the page cannot be imported (empty when it can).
    pub problems: Vec<String>,
    /// The document, when the page can be imported.
    pub document: Option<ImportedDocument>,
}

impl PageReport {
    pub fn importable(&self) -> bool {
        self.document.is_some()
    }
}

impl fmt::Display for PageReport {
    /// `某页.html（GBK）：可以导入；已读取：索引号、信息名称……；未找到：文号`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}）：", self.name, self.encoding)?;
        if self.importable() {
            f.write_str("可以导入")?;
        } else {
            write!(f, "不能导入：{}", self.problems.join("；"))?;
        }
        if !self.found.is_empty() {
            let found: Vec<&str> = self.found.iter().map(|p| p.column).collect();
            write!(f, "；已读取：{}", found.join("、"))?;
        }
        if !self.missing.is_empty() {
            write!(f, "；未找到：{}", self.missing.join("、"))?;
        }
        Ok(())
    }
}

/// Labels of the metadata block, with the field they give and their rank (lower wins).
const LABELS: &[(&str, Column, u8)] = &[
    ("索引号", Column::IndexNumber, 0),
    ("信息索引号", Column::IndexNumber, 0),
    ("标题", Column::Title, 0),
    ("信息名称", Column::Title, 0),
    ("名称", Column::Title, 1),
    ("文件名称", Column::Title, 1),
    ("发布机构", Column::Agency, 0),
    ("发文机关", Column::Agency, 0),
    ("发布单位", Column::Agency, 1),
    ("发文单位", Column::Agency, 1),
    ("发文机构", Column::Agency, 1),
    ("制发机关", Column::Agency, 1),
    ("所属机构", Column::Agency, 2),
    ("成文日期", Column::Written, 0),
    ("发文日期", Column::Written, 1),
    ("印发日期", Column::Written, 1),
    ("生成日期", Column::Written, 2),
    ("发布日期", Column::Published, 0),
    ("公开日期", Column::Published, 1),
    ("发布时间", Column::Published, 2),
    ("文号", Column::DocNumber, 0),
    ("发文字号", Column::DocNumber, 0),
    ("文件编号", Column::DocNumber, 1),
    ("主题分类", Column::Topic, 0),
    ("信息分类", Column::Topic, 1),
    ("体裁", Column::Genre, 0),
    ("体裁分类", Column::Genre, 0),
    ("文种", Column::Genre, 0),
    ("有效性", Column::Validity, 0),
    ("效力状况", Column::Validity, 1),
    ("效力状态", Column::Validity, 1),
    ("时效性", Column::Validity, 1),
    ("废止日期", Column::Repealed, 0),
    ("失效日期", Column::Repealed, 0),
    ("公开方式", Column::Method, 0),
    ("公开形式", Column::Method, 1),
    ("公开范围", Column::Scope, 0),
];

/// The columns a page can give, in template order (for the report's "missing").
const PAGE_COLUMNS: [Column; 12] = [
    Column::IndexNumber,
    Column::Title,
    Column::Agency,
    Column::DocNumber,
    Column::Written,
    Column::Published,
    Column::Topic,
    Column::Genre,
    Column::Validity,
    Column::Method,
    Column::Scope,
    Column::Body,
];

/// Content containers of the common CMSs, most specific first.
const BODY_SELECTORS: &[&str] = &[
    "#UCAP-CONTENT",
    ".TRS_UEDITOR",
    ".TRS_Editor",
    "#zoom",
    "#Zoom",
    ".pages_content",
    ".article-content",
    ".article_content",
    ".zwnr",
    ".wzcon",
    "#content",
    ".content",
    "article",
];

/// Selectors of the title when the metadata block has none: a page heading, then the common
/// title classes.
const TITLE_SELECTORS: &[&str] = &["h1", ".article-title", ".share-title", ".title", "h2"];

/// Pages larger than this are not read: a saved article page is a few hundred KB.
const MAX_PAGE_BYTES: usize = 20 * 1024 * 1024;

/// The deepest nesting of container tags a page may have. html5ever's tree builder takes time
/// quadratic in the depth (50,000 nested `<div>`s take seconds); real article pages nest a few
/// dozen levels.
const MAX_DEPTH: usize = 2_000;

/// Container tags counted by [`nesting_depth`]: those a page closes explicitly (tags with
/// optional end tags such as `<p>` and `<li>` are closed by the parser and do not nest).
const NESTING_TAGS: [&str; 14] = [
    "div", "span", "font", "table", "section", "article", "b", "i", "strong", "em", "a", "u", "ul",
    "ol",
];

/// The deepest nesting of [`NESTING_TAGS`], counted by a plain scan of the tags (no parser):
/// an upper bound of what the parser builds, cheap to find.
fn nesting_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = bytes[i..].iter().position(|b| *b == b'<') {
        let start = i + off + 1;
        let close = bytes.get(start) == Some(&b'/');
        let name_start = if close { start + 1 } else { start };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let name = html
            .get(name_start..name_start + name_len)
            .unwrap_or("")
            .to_ascii_lowercase();
        if NESTING_TAGS.contains(&name.as_str()) {
            if close {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                max = max.max(depth);
            }
        }
        i = name_start + name_len;
    }
    max
}

/// Label cells and `label：value` elements hold short texts; longer elements are containers.
const MAX_FIELD_CHARS: usize = 400;
/// How many nodes of an element are looked at to find its short text.
const MAX_FIELD_NODES: usize = 300;

/// White space as pages write it (including the ideographic space and `&nbsp;`).
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}'
}

/// A label as compared: half-width, no white space, no trailing colon.
fn label_key(s: &str) -> String {
    let k: String = halfwidth(s).chars().filter(|c| !is_space(*c)).collect();
    k.trim_end_matches([':', '：']).to_string()
}

fn label(s: &str) -> Option<(&'static str, Column, u8)> {
    let k = label_key(s);
    if k.is_empty() || k.chars().count() > 8 {
        return None;
    }
    LABELS.iter().copied().find(|(l, _, _)| *l == k)
}

/// Whether a text holds a `label：` of its own (then it is a container of several fields).
fn has_label_colon(s: &str) -> bool {
    let k: String = halfwidth(s).chars().filter(|c| !is_space(*c)).collect();
    LABELS.iter().any(|(l, _, _)| {
        k.match_indices(l)
            .any(|(i, _)| k[i + l.len()..].starts_with([':', '：']))
    })
}

/// White space runs as one space, trimmed; placeholders such as `—  —` as empty.
fn clean(s: &str) -> String {
    let v = s
        .split(is_space)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let bare: String = v.chars().filter(|c| !is_space(*c)).collect();
    if bare.is_empty()
        || bare
            .chars()
            .all(|c| matches!(c, '-' | '—' | '/' | '\\' | '－' | '_'))
    {
        String::new()
    } else {
        v
    }
}

/// A `label：value` text that runs on into another field (`发布时间：2021-06-18　来源：某局`):
/// the value ends before the next word that starts like a label (two to six CJK characters and
/// a colon).
fn cut_at_next_label(value: &str) -> String {
    let words: Vec<&str> = value.split(' ').collect();
    let end = words
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, w)| {
            w.split_once(['：', ':']).is_some_and(|(head, _)| {
                let n = head.chars().count();
                (2..=6).contains(&n) && head.chars().all(|c| !c.is_ascii())
            })
        })
        .map_or(words.len(), |(i, _)| i);
    words[..end].join(" ")
}

/// The text of an element when it is short (a label or a `label：value`), else `None`. Bounded:
/// a container is recognised after at most [`MAX_FIELD_NODES`] nodes.
fn short_text(e: ElementRef<'_>) -> Option<String> {
    let mut out = String::new();
    for (n, node) in e.descendants().enumerate() {
        if n > MAX_FIELD_NODES || out.len() > MAX_FIELD_CHARS * 3 {
            return None;
        }
        match node.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(el) if matches!(el.name(), "script" | "style") => return None,
            _ => {}
        }
    }
    Some(out)
}

/// Decodes a page: a byte-order mark; else UTF-8 when the bytes are valid UTF-8 (a page saved by
/// a browser is re-encoded as UTF-8 but may keep its old `charset=gb2312`); else the
/// `<meta charset>`; else GB18030.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), encoding.name());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), UTF_8.name());
    }
    let declared = declared_charset(bytes)
        .filter(|e| *e != UTF_8 && *e != UTF_16LE && *e != UTF_16BE)
        .unwrap_or(GB18030);
    let (text, _) = declared.decode_without_bom_handling(bytes);
    (text.into_owned(), declared.name())
}

/// The charset a page declares in its first 4 KB (`<meta charset="gbk">`,
/// `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let label: Vec<u8> = lower[at..]
        .iter()
        .copied()
        .skip_while(|b| *b == b'"' || *b == b'\'' || *b == b' ')
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .collect();
    Encoding::for_label(&label)
}

/// A field found on the page, with its rank.
struct Found {
    rank: u8,
    source: String,
    value: String,
}

fn put(found: &mut HashMap<Column, Found>, column: Column, rank: u8, source: &str, value: String) {
    if value.is_empty() {
        return;
    }
    match found.get(&column) {
        Some(f) if f.rank <= rank => {}
        _ => {
            found.insert(
                column,
                Found {
                    rank,
                    source: source.to_string(),
                    value,
                },
            );
        }
    }
}

/// The value after a label element: the text of the next element, climbing out of the
/// label's wrappers (`<td><b>索引号：</b></td><td>…</td>`).
fn value_after(e: ElementRef<'_>) -> Option<String> {
    let mut current = e;
    for _ in 0..3 {
        if let Some(next) = current.next_siblings().find_map(ElementRef::wrap) {
            let text = short_text(next)?;
            if label(&text).is_some() || has_label_colon(&text) {
                return None;
            }
            return Some(clean(&text));
        }
        let parent = current.parent().and_then(ElementRef::wrap)?;
        // Only out of a wrapper that holds nothing but the label.
        label(&short_text(parent)?)?;
        current = parent;
    }
    None
}

/// The metadata fields of a page, outside its article (`article`): a table in the body that
/// lists 文号 and 文件名称 of other documents is not this page's metadata.
fn metadata(doc: &Html, article: Option<ego_tree::NodeId>) -> HashMap<Column, Found> {
    let mut found = HashMap::new();
    let body_root = selector("body")
        .and_then(|sel| doc.select(&sel).next())
        .unwrap_or_else(|| doc.root_element());
    for e in body_root.descendants().filter_map(ElementRef::wrap) {
        if let Some(a) = article
            && (e.id() == a || e.ancestors().any(|n| n.id() == a))
        {
            continue;
        }
        let Some(text) = short_text(e) else {
            continue;
        };
        if let Some((name, column, rank)) = label(&text) {
            if let Some(value) = value_after(e) {
                put(&mut found, column, rank, name, value);
            }
            continue;
        }
        // `label：value` in one element.
        let Some((head, rest)) = text.split_once([':', '：']) else {
            continue;
        };
        if let Some((name, column, rank)) = label(head)
            && !has_label_colon(rest)
        {
            put(
                &mut found,
                column,
                rank,
                name,
                cut_at_next_label(&clean(rest)),
            );
        }
    }
    found
}

/// A selector of this module's constants (every one is parsed in the tests); `None` never
/// happens in practice and only skips that selector.
fn selector(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

fn meta(doc: &Html, name: &str) -> Option<String> {
    let sel = selector(&format!("meta[name=\"{name}\"]"))?;
    doc.select(&sel)
        .find_map(|m| m.value().attr("content"))
        .map(clean)
        .filter(|v| !v.is_empty())
}

/// The title from the page's structure when the metadata block has none.
fn fallback_title(doc: &Html, found: &mut HashMap<Column, Found>) {
    if let Some(t) = meta(doc, "ArticleTitle") {
        put(found, Column::Title, 5, "<meta name=\"ArticleTitle\">", t);
    }
    for (i, s) in TITLE_SELECTORS.iter().enumerate() {
        let Some(sel) = selector(s) else {
            continue;
        };
        let text = doc
            .select(&sel)
            .find_map(|e| short_text(e).map(|t| clean(&t)).filter(|t| !t.is_empty()));
        if let Some(t) = text {
            let rank = 6 + u8::try_from(i).unwrap_or(0);
            put(found, Column::Title, rank, &format!("<{s}>"), t);
        }
    }
    // `<title>关于…的通知_盐湖区人民政府</title>`: the site's name after the last separator.
    if let Some(t) = selector("title").and_then(|sel| doc.select(&sel).next()) {
        let whole = clean(&t.text().collect::<String>());
        let cut = whole
            .rsplit_once(['_', '|'])
            .or_else(|| whole.rsplit_once(" - "))
            .map_or(whole.as_str(), |(head, _)| head)
            .trim()
            .to_string();
        put(found, Column::Title, 20, "<title>", cut);
    }
}

/// The article: the first content container with text, sanitised.
fn article(doc: &Html) -> Option<(String, ego_tree::NodeId, gongkai_catalogue::body::Body)> {
    for s in BODY_SELECTORS {
        let Some(sel) = selector(s) else {
            continue;
        };
        for e in doc.select(&sel) {
            let body = sanitise(&e.inner_html());
            if !body.text.is_empty() {
                return Some(((*s).to_string(), e.id(), body));
            }
        }
    }
    None
}

/// Reads one saved page. `resolve_agency` finds the agency of the page's 发布机构 (a page that
/// names none is [`ReadOptions::default_agency`]'s; the header mapping is not used).
///
/// The page is importable when it has a 索引号, a title and a 发布日期 (in the metadata block,
/// or `<meta name="PubDate">`), its agency is known, and every field found is readable (a
/// 成文日期 that is no date is a reason, not something to drop). 类别 and the 第二十条 item are
/// not on portal pages: they are left empty.
pub fn read_page(
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    resolve_agency: &dyn Fn(&str) -> Option<AgencyId>,
) -> PageReport {
    let mut report = PageReport {
        name: name.to_string(),
        encoding: UTF_8.name(),
        found: Vec::new(),
        missing: Vec::new(),
        problems: Vec::new(),
        document: None,
    };
    if bytes.len() > MAX_PAGE_BYTES {
        report.problems.push(format!(
            "文件过大（{} MB），不是保存的文章页面",
            bytes.len() / (1024 * 1024)
        ));
        return report;
    }
    let (text, encoding) = decode(bytes);
    report.encoding = encoding;
    let depth = nesting_depth(&text);
    if depth > MAX_DEPTH {
        report.problems.push(format!(
            "页面标签嵌套过深（{depth} 层，最多 {MAX_DEPTH} 层），不是正常的文章页面"
        ));
        return report;
    }
    let doc = Html::parse_document(&text);
    let body = article(&doc);
    let mut found = metadata(&doc, body.as_ref().map(|(_, id, _)| *id));
    fallback_title(&doc, &mut found);
    if let Some(p) = meta(&doc, "PubDate") {
        put(
            &mut found,
            Column::Published,
            5,
            "<meta name=\"PubDate\">",
            p,
        );
    }
    if let Some(a) = meta(&doc, "ContentSource") {
        put(
            &mut found,
            Column::Agency,
            5,
            "<meta name=\"ContentSource\">",
            a,
        );
    }
    for c in Column::ALL {
        if let Some(f) = found.get(&c) {
            report.found.push(PageField {
                column: c.header(),
                source: f.source.clone(),
                value: f.value.clone(),
            });
        }
    }
    if let Some((source, _, b)) = &body {
        report.found.push(PageField {
            column: Column::Body.header(),
            source: source.clone(),
            value: shown(&b.text),
        });
    }
    report.missing = PAGE_COLUMNS
        .iter()
        .filter(|c| {
            if **c == Column::Body {
                body.is_none()
            } else {
                !found.contains_key(c)
            }
        })
        .map(|c| c.header())
        .collect();

    let value = |c: Column| found.get(&c).map(|f| f.value.clone());
    let problems = &mut report.problems;
    let index_number = match value(Column::IndexNumber) {
        Some(raw) => {
            let n = IndexNumber::parse(&raw);
            if let Err(e) = n.check() {
                problems.push(e.to_string());
            }
            Some(n)
        }
        None => {
            problems.push("页面上没有索引号".to_string());
            None
        }
    };
    let title = value(Column::Title).unwrap_or_default();
    if title.is_empty() {
        problems.push("页面上没有信息名称（标题）".to_string());
    }
    let mut date = |c: Column| -> Option<NaiveDate> {
        let raw = value(c)?;
        match date_from_text(&raw).map(|d| check_date(d, options.today)) {
            Some(Ok(d)) => Some(d),
            Some(Err(m)) => {
                problems.push(format!("{}：{m}", c.header()));
                None
            }
            None => {
                problems.push(format!("无法识别的{}“{}”", c.header(), shown(&raw)));
                None
            }
        }
    };
    let written = date(Column::Written);
    let published = date(Column::Published);
    let repealed = date(Column::Repealed);
    if value(Column::Published).is_none() {
        problems.push("页面上没有发布日期".to_string());
    }
    if let (Some(w), Some(p)) = (written, published)
        && w > p
    {
        problems.push(format!("成文日期 {w} 晚于发布日期 {p}"));
    }
    let validity = match parse_validity(&value(Column::Validity).unwrap_or_default()) {
        Ok(ValidityWord::InForce) => Some(Validity::InForce),
        Ok(word) => match repealed {
            Some(on) if word == ValidityWord::Repealed => Some(Validity::Repealed { on, by: None }),
            Some(on) => Some(Validity::Expired { on }),
            None => {
                problems.push(
                    "有效性为失效或废止，但页面上没有废止日期：请改用表格导入并填写废止日期"
                        .to_string(),
                );
                None
            }
        },
        Err(m) => {
            problems.push(m);
            None
        }
    };
    let agency_name = value(Column::Agency).or_else(|| options.default_agency.clone());
    let agency = match &agency_name {
        Some(n) => {
            let a = resolve_agency(n);
            if a.is_none() {
                problems.push(format!("未登记的发布机构“{}”", shown(n)));
            }
            a
        }
        None => {
            problems.push("页面上没有发布机构，且导入时未指定默认机关".to_string());
            None
        }
    };

    let (Some(index_number), Some(published), Some(validity), Some(agency), true) = (
        index_number,
        published,
        validity,
        agency,
        report.problems.is_empty(),
    ) else {
        return report;
    };
    let text = |c: Column| value(c).unwrap_or_default();
    let (body_html, body_text) = body.map(|(_, _, b)| (b.html, b.text)).unwrap_or_default();
    report.document = Some(ImportedDocument {
        row: 1,
        document: NewDocument {
            agency,
            index_number,
            title,
            doc_number: DocNumber::parse(&text(Column::DocNumber)),
            written,
            published,
            category: None,
            item: None,
            topic: text(Column::Topic),
            genre: text(Column::Genre),
            method: text(Column::Method),
            scope: text(Column::Scope),
            validity,
            interprets: None,
            body_html,
            body_text,
            attachments: Vec::new(),
            items: Vec::new(),
            channels: Vec::new(),
        },
        interprets_index: None,
    });
    report
}

/// Reads saved pages given as (file name, bytes): the documents of the importable pages (each
/// with its position in `files`, from 1, as its `row`) and a report per page, in the order
/// given. A page whose 索引号 an earlier page already has is not importable.
pub fn read_pages(
    files: Vec<(String, Vec<u8>)>,
    options: &ReadOptions,
    resolve_agency: &dyn Fn(&str) -> Option<AgencyId>,
) -> (Vec<ImportedDocument>, Vec<PageReport>) {
    let mut docs = Vec::new();
    let mut reports = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (i, (name, bytes)) in files.into_iter().enumerate() {
        let mut report = read_page(&name, &bytes, options, resolve_agency);
        if let Some(mut doc) = report.document.take() {
            let key = doc.document.index_number.key();
            if let Some(first) = seen.get(&key) {
                report.problems.push(format!(
                    "索引号“{}”与 {first} 重复",
                    shown(&doc.document.index_number.raw)
                ));
            } else {
                seen.insert(key, name.clone());
                doc.row = i + 1;
                docs.push(doc.clone());
                report.document = Some(doc);
            }
        }
        reports.push(report);
    }
    (docs, reports)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn nesting_is_counted_without_parsing() {
        assert_eq!(
            nesting_depth("<div><DIV class=x><p>a<p>b</div><span></span></div>"),
            2
        );
        assert_eq!(nesting_depth("<p><p><li><li>"), 0);
        assert_eq!(nesting_depth(&"<font>".repeat(3000)), 3000);
        assert_eq!(nesting_depth("a < b <"), 0);
    }

    #[test]
    fn every_selector_parses() {
        for s in BODY_SELECTORS.iter().chain(TITLE_SELECTORS) {
            assert!(Selector::parse(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn labels_with_spaces_and_colons() {
        assert_eq!(
            label("索　引　号：").map(|l| l.1),
            Some(Column::IndexNumber)
        );
        assert_eq!(label(" 发文字号: ").map(|l| l.1), Some(Column::DocNumber));
        assert_eq!(label("索引号：1234"), None);
        assert!(has_label_colon("A 发布机构：B"));
        assert!(!has_label_colon("关于发布机构改革的通知"));
        assert_eq!(clean("—&nbsp;—".replace("&nbsp;", "\u{a0}").as_str()), "");
        assert_eq!(
            clean(" 盐政办发〔2020〕12号\u{3000}"),
            "盐政办发〔2020〕12号"
        );
    }

    #[test]
    fn declared_charsets() {
        let page = br#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>"#;
        assert_eq!(declared_charset(page).map(Encoding::name), Some("GBK"));
        assert_eq!(
            declared_charset(b"<meta charset=\"UTF-8\">").map(Encoding::name),
            Some("UTF-8")
        );
        assert_eq!(declared_charset(b"<p>no</p>"), None);
    }
}
