//! A document's body: sanitised HTML for pages and its plain text for search and snippets.
//!
//! Bodies come from officers' editors, CMS exports and saved portal pages: HTML from anywhere,
//! which the portal will serve to the public. It is sanitised with ammonia (an allow-list of
//! tags and attributes, no script, no event handler, no `style`, only safe URL schemes) before
//! it is stored, so that no page ever has to trust it.

use gongkai_reader::html::{MAX_WRAPPER_DEPTH, bound_nesting};
use scraper::{Html, Node};

/// A sanitised body and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// Safe to put into a page as it is.
    pub html: String,
    /// Paragraphs separated by one line break, runs of white space collapsed.
    pub text: String,
}

/// Elements after which the text starts a new line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "section",
    "article",
    "dd",
    "dt",
    "hr",
];

/// Sanitises `html` and extracts its text. Wrappers nested deeper than real pages nest are
/// unwrapped first (their text kept): html5ever's cost grows with the depth, and a hostile body
/// of 100,000 nested `<div>`s would take minutes.
pub fn sanitise(html: &str) -> Body {
    let (html, _) = bound_nesting(html, MAX_WRAPPER_DEPTH);
    let html = ammonia::Builder::default()
        // Government pages often centre titles and right-align signatures with `align`.
        .add_generic_attributes(["align"])
        .clean(&html)
        .to_string();
    let text = text_of(&html);
    Body { html, text }
}

impl Body {
    /// A body given as plain text: each line a paragraph, escaped.
    pub fn from_text(text: &str) -> Body {
        let mut html = String::new();
        let mut lines = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            html.push_str("<p>");
            escape_into(&mut html, line);
            html.push_str("</p>\n");
            lines.push(collapse(line));
        }
        Body {
            html,
            text: lines.join("\n"),
        }
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// White space runs (including the full-width space and `&nbsp;`) as one space, trimmed.
fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of sanitised HTML, a line per block.
fn text_of(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let mut raw = String::new();
    // Iterative walk: a hostile body may nest deeper than the stack allows for recursion.
    for edge in doc.root_element().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Text(t) => raw.push_str(t),
                Node::Element(e) if e.name() == "br" => raw.push('\n'),
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(e) = node.value()
                    && BLOCKS.contains(&e.name())
                {
                    raw.push('\n');
                }
            }
        }
    }
    raw.lines()
        .map(collapse)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_styles_are_removed_and_the_text_kept() {
        let body = sanitise(
            r#"<p style="color:red" onclick="x()">第一条　为了<b>规范</b>管理</p><script>alert(1)</script>
               <p align="right">盐湖区人民政府<br>2020年3月5日</p><a href="javascript:alert(1)">链接</a>
               <img src=x onerror=alert(1)><iframe src="https://evil.example"></iframe>"#,
        );
        for bad in [
            "script",
            "onclick",
            "onerror",
            "style=",
            "javascript:",
            "iframe",
        ] {
            assert!(!body.html.contains(bad), "{bad} survived: {}", body.html);
        }
        assert!(body.html.contains(r#"align="right""#), "{}", body.html);
        assert_eq!(
            body.text,
            "第一条 为了规范管理\n盐湖区人民政府\n2020年3月5日\n链接"
        );
    }

    #[test]
    fn tables_keep_one_line_per_row() {
        let body = sanitise(
            "<table><tr><td>项目</td><td>数量</td></tr><tr><td>规章</td><td>3</td></tr></table>",
        );
        assert_eq!(body.text, "项目数量\n规章3");
        assert!(body.html.contains("<td>规章</td>"));
    }

    #[test]
    fn plain_text_becomes_escaped_paragraphs() {
        let body = Body::from_text("一、总则\n\n  <b>不是标签</b> & 符号 \n");
        assert_eq!(
            body.html,
            "<p>一、总则</p>\n<p>&lt;b&gt;不是标签&lt;/b&gt; &amp; 符号</p>\n"
        );
        assert_eq!(body.text, "一、总则\n<b>不是标签</b> & 符号");
        assert_eq!(sanitise(&body.html).text, body.text);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(100_000) + "深" + &"</div>".repeat(100_000);
        assert_eq!(sanitise(&html).text, "深");
    }
}
