//! Section 二's paragraph, written from the figures in the words reports use, so that the
//! comparison of [`crate::compare`] reads every figure back from it.

use crate::figures::Activity;
use crate::keys::{ActivityKey, numeral};

/// The paragraph of section 二 (before table 二), one sentence per kind of record the scope
/// keeps; empty when it keeps none.
pub fn paragraph(a: &Activity) -> String {
    use ActivityKey::*;
    let mut out = String::new();
    if a.keeps_catalogue {
        out.push_str(&format!("本年度主动公开政府信息{}条", a.value(Published)));
        let items: Vec<String> = (1..=15)
            .filter(|&n| a.value(PublishedItem(n)) > 0)
            .map(|n| format!("第（{}）项{}条", numeral(n), a.value(PublishedItem(n))))
            .collect();
        if !items.is_empty() {
            out.push_str(&format!("，按《条例》第二十条分：{}", items.join("、")));
        }
        out.push_str(&format!("；发布政策解读{}篇。", a.value(Interpretations)));
    }
    if a.keeps_messages {
        out.push_str(&format!(
            "收到公众留言{}件，答复留言{}件，其中公开答复{}件。",
            a.value(MessagesReceived),
            a.value(MessagesAnswered),
            a.value(RepliesPublic)
        ));
    }
    if a.keeps_channels {
        out.push_str(&format!(
            "开设政务新媒体{}个，全年通过政务新媒体发布信息{}条。",
            a.value(Channels),
            a.value(ChannelPosts)
        ));
    }
    if a.keeps_page_views {
        out.push_str(&format!(
            "政府信息公开平台全年页面访问量{}次。",
            a.value(PageViews)
        ));
    }
    out
}
