//! The Atom feed (RFC 4287) of an agency's catalogue, or of one category of it: what a reader,
//! a journalist's monitor or another government's portal subscribes to instead of visiting the
//! page every day. The portal serves it; this module only writes the XML.

use crate::model::Document;
use atom_syndication::{Category, Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{FixedOffset, NaiveDate};

/// What a feed is about and where its links point.
#[derive(Debug, Clone)]
pub struct FeedInfo {
    /// The feed's title, e.g. `某某县人民政府 政府信息公开目录`.
    pub title: String,
    /// The publishing agency's name (the entries' author).
    pub agency: String,
    /// The feed's own address (`rel="self"`), which is also its permanent id.
    pub self_url: String,
    /// The address of a document's page is this followed by the document's id.
    pub document_url_prefix: String,
}

/// How many characters of the body an entry's summary shows.
const SUMMARY_CHARS: usize = 200;

/// China Standard Time: dates of the catalogue are dates in China.
fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

fn at_midnight(date: NaiveDate) -> FixedDateTime {
    date.and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_local_timezone(china())
        .single()
        .unwrap_or_default()
}

/// The feed of `documents` (newest first, as given; a feed usually carries the latest 50).
/// The feed's `updated` is the newest 发布日期, or `today` when there is none.
pub fn atom(info: &FeedInfo, documents: &[Document], today: NaiveDate) -> String {
    let updated = documents
        .iter()
        .map(|d| d.data.published)
        .max()
        .unwrap_or(today);
    let author = Person {
        name: info.agency.clone(),
        ..Default::default()
    };
    let entries = documents
        .iter()
        .map(|d| {
            let url = format!("{}{}", info.document_url_prefix, d.id);
            let mut categories: Vec<Category> = [d.data.topic.as_str(), d.data.genre.as_str()]
                .into_iter()
                .filter(|t| !t.is_empty())
                .map(|t| Category {
                    term: t.to_owned(),
                    ..Default::default()
                })
                .collect();
            if let Some(c) = d.data.category {
                categories.push(Category {
                    term: crate::vocab::category_label(c).to_owned(),
                    ..Default::default()
                });
            }
            let summary: String = d.data.body_text.chars().take(SUMMARY_CHARS).collect();
            let title = match &d.data.doc_number {
                Some(n) => format!("{}（{}）", d.data.title, n.normalised),
                None => d.data.title.clone(),
            };
            Entry {
                id: url.clone(),
                title: Text::plain(title),
                updated: at_midnight(d.data.published),
                published: Some(at_midnight(d.data.published)),
                authors: vec![author.clone()],
                links: vec![Link {
                    href: url,
                    rel: "alternate".to_owned(),
                    mime_type: Some("text/html".to_owned()),
                    ..Default::default()
                }],
                categories,
                summary: Some(Text::plain(summary)),
                content: Some(Content {
                    content_type: Some("html".to_owned()),
                    value: Some(d.data.body_html.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let feed = Feed {
        id: info.self_url.clone(),
        title: Text::plain(info.title.clone()),
        updated: at_midnight(updated),
        authors: vec![author],
        links: vec![Link {
            href: info.self_url.clone(),
            rel: "self".to_owned(),
            mime_type: Some("application/atom+xml".to_owned()),
            ..Default::default()
        }],
        lang: Some("zh-CN".to_owned()),
        entries,
        ..Default::default()
    };
    feed.to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::body::sanitise;
    use crate::model::*;
    use gongkai_cases::AgencyId;

    fn doc(id: i64, title: &str, published: NaiveDate) -> Document {
        let body = sanitise("<p>第一条 为了规范 <b>R&amp;D</b> 管理 &lt;暂行&gt;</p>");
        Document {
            id: DocumentId(id),
            revision: id,
            data: NewDocument {
                agency: AgencyId(1),
                index_number: IndexNumber::parse(&format!("000014349/2020-{id:05}")),
                title: title.to_owned(),
                doc_number: DocNumber::parse("盐政办发[2020]12号"),
                written: Some(published),
                published,
                category: Some(crate::Category::NormativeDocument),
                item: Some(Item::Article20(1)),
                topic: "综合政务".into(),
                genre: "通知".into(),
                method: "政府网站".into(),
                scope: "面向社会".into(),
                validity: Validity::InForce,
                interprets: None,
                body_html: body.html,
                body_text: body.text,
                attachments: vec![],
                items: Vec::new(),
                channels: Vec::new(),
            },
        }
    }

    #[test]
    fn a_feed_reads_back_with_its_entries_escaped() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let docs = vec![
            doc(2, "关于印发《A&B <管理> 办法》的通知", d("2020-03-09")),
            doc(1, "关于做好政务公开工作的通知", d("2020-01-02")),
        ];
        let info = FeedInfo {
            title: "盐湖区人民政府 政府信息公开目录".into(),
            agency: "盐湖区人民政府".into(),
            self_url: "https://gk.example.gov.cn/portal/feed/1.xml".into(),
            document_url_prefix: "https://gk.example.gov.cn/portal/documents/".into(),
        };
        let xml = atom(&info, &docs, d("2020-12-31"));
        let feed: Feed = xml.parse().unwrap();
        assert_eq!(feed.title.value, "盐湖区人民政府 政府信息公开目录");
        assert_eq!(feed.updated.to_rfc3339(), "2020-03-09T00:00:00+08:00");
        assert_eq!(feed.entries.len(), 2);
        let e = &feed.entries[0];
        assert_eq!(
            e.title.value,
            "关于印发《A&B <管理> 办法》的通知（盐政办发〔2020〕12号）"
        );
        assert_eq!(
            e.links[0].href,
            "https://gk.example.gov.cn/portal/documents/2"
        );
        let terms: Vec<&str> = e.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(terms, ["综合政务", "通知", "规范性文件"]);
        assert_eq!(
            e.summary.as_ref().unwrap().value,
            "第一条 为了规范 R&D 管理 <暂行>"
        );
        assert!(
            e.content
                .as_ref()
                .unwrap()
                .value
                .as_deref()
                .unwrap()
                .contains("<b>R&amp;D</b>")
        );
        // No raw markup of a title leaks into the XML.
        assert!(!xml.contains("<管理>"), "{xml}");
        // An empty catalogue is still a valid feed, updated today.
        let empty: Feed = atom(&info, &[], d("2020-12-31")).parse().unwrap();
        assert_eq!(empty.entries.len(), 0);
        assert_eq!(empty.updated.to_rfc3339(), "2020-12-31T00:00:00+08:00");
    }
}
