//! The 政府信息公开指南 an agency publishes (第十二条): how, where and when to apply, its
//! disclosure office's address, hours and contacts, the channels by which it accepts
//! applications and the forms in which it provides information.
//!
//! It lives here, beside the requests, because it is the agency's statement of how requests
//! reach it and how they are answered: the online application offers exactly the forms of
//! provision the guide lists ([`Guide::forms`]), and its channels are those of a request
//! (第二十九条). Pure: validation and the words of the vocabulary, no storage.
//!
//! The free-text sections are plain text: each line a paragraph, shown escaped. No markup is
//! accepted, so nothing an editor types can become HTML on the public page.

use crate::limits::{MAX_NAME_CHARS, MAX_TEXT_CHARS, check_text};
use serde::{Deserialize, Serialize};

/// The longest one-line field of a guide (an address, office hours), in characters.
pub const MAX_LINE_CHARS: usize = MAX_NAME_CHARS;

/// A form in which information is provided (第四十条: 纸质、电子邮件、邮寄、当面领取、网上获取
/// as the application form of issue 12 names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvisionForm {
    /// 纸质
    Paper,
    /// 电子邮件
    Email,
    /// 邮寄
    Post,
    /// 当面领取
    Collect,
    /// 网上获取
    Online,
}

impl ProvisionForm {
    /// Every form, in the order the forms list them.
    pub const ALL: [ProvisionForm; 5] = [
        ProvisionForm::Paper,
        ProvisionForm::Email,
        ProvisionForm::Post,
        ProvisionForm::Collect,
        ProvisionForm::Online,
    ];

    /// The word the application form and the guide print.
    pub fn label(self) -> &'static str {
        match self {
            ProvisionForm::Paper => "纸质",
            ProvisionForm::Email => "电子邮件",
            ProvisionForm::Post => "邮寄",
            ProvisionForm::Collect => "当面领取",
            ProvisionForm::Online => "网上获取",
        }
    }

    /// The stable key stored and used in forms and JSON.
    pub fn key(self) -> &'static str {
        match self {
            ProvisionForm::Paper => "paper",
            ProvisionForm::Email => "email",
            ProvisionForm::Post => "post",
            ProvisionForm::Collect => "collect",
            ProvisionForm::Online => "online",
        }
    }

    /// The form a key or a label names.
    pub fn parse(text: &str) -> Option<ProvisionForm> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|f| f.key() == t || f.label() == t)
    }
}

/// A channel by which the agency accepts applications (第二十九条第一款: 书面形式，包括数据电文
/// 形式; 第二十九条: 当面提交、信函、传真、互联网).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyChannel {
    /// 当面提交
    InPerson,
    /// 信函（邮寄）
    Post,
    /// 网上申请（在线平台）
    Online,
    /// 电子邮件
    Email,
    /// 传真
    Fax,
}

impl ApplyChannel {
    /// Every channel, in the order the guide lists them.
    pub const ALL: [ApplyChannel; 5] = [
        ApplyChannel::InPerson,
        ApplyChannel::Post,
        ApplyChannel::Online,
        ApplyChannel::Email,
        ApplyChannel::Fax,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ApplyChannel::InPerson => "当面提交",
            ApplyChannel::Post => "信函（邮寄）",
            ApplyChannel::Online => "网上申请",
            ApplyChannel::Email => "电子邮件",
            ApplyChannel::Fax => "传真",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ApplyChannel::InPerson => "in_person",
            ApplyChannel::Post => "post",
            ApplyChannel::Online => "online",
            ApplyChannel::Email => "email",
            ApplyChannel::Fax => "fax",
        }
    }

    /// The channel a key or a label names (`信函` and `邮寄` name the post).
    pub fn parse(text: &str) -> Option<ApplyChannel> {
        let t = text.trim();
        if matches!(t, "信函" | "邮寄") {
            return Some(ApplyChannel::Post);
        }
        Self::ALL
            .into_iter()
            .find(|c| c.key() == t || c.label() == t)
    }
}

/// An agency's 政府信息公开指南 (第十二条).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// 政府信息公开工作机构的名称 (第十二条).
    pub office: String,
    /// 办公地址 (第十二条).
    pub address: String,
    /// 邮政编码, for letters.
    #[serde(default)]
    pub postcode: String,
    /// 办公时间 (第十二条).
    pub hours: String,
    /// 联系电话 (第十二条).
    pub phone: String,
    /// 传真号码 (第十二条).
    #[serde(default)]
    pub fax: String,
    /// 电子邮箱 (第十二条: 互联网联系方式).
    #[serde(default)]
    pub email: String,
    /// 网址 (第十二条: 互联网联系方式).
    #[serde(default)]
    pub website: String,
    /// The channels by which applications are accepted (第二十九条), none twice.
    pub channels: Vec<ApplyChannel>,
    /// The forms in which information is provided: the online application offers exactly these.
    /// Not empty, none twice.
    pub forms: Vec<ProvisionForm>,
    /// 主动公开: the classification, arrangement and how to obtain it (第十二条: 政府信息的分类、
    /// 编排体系、获取方式).
    #[serde(default)]
    pub proactive: String,
    /// 依申请公开: how to apply and what an application contains (第二十九条).
    #[serde(default)]
    pub how_to_apply: String,
    /// When an answer is due (第三十三条) and how it is given.
    #[serde(default)]
    pub time_limits: String,
    /// 信息处理费 (第四十二条).
    #[serde(default)]
    pub fees: String,
    /// 监督和救济 (第五十一条).
    #[serde(default)]
    pub remedies: String,
    /// The online application asks for a photo of the applicant's identity document
    /// (第二十九条第二款第（一）项: 申请人的身份证明), stored encrypted and purged with the rest of
    /// the applicant's personal data.
    #[serde(default)]
    pub id_photo: bool,
}

/// A field of a guide that is wrong and why (the field's name is that of [`Guide`]).
pub type GuideError = (&'static str, String);

impl Guide {
    /// The one-line fields: (name, label, required).
    pub const LINES: [(&'static str, &'static str, bool); 8] = [
        ("office", "政府信息公开工作机构", true),
        ("address", "办公地址", true),
        ("postcode", "邮政编码", false),
        ("hours", "办公时间", true),
        ("phone", "联系电话", true),
        ("fax", "传真号码", false),
        ("email", "电子邮箱", false),
        ("website", "网址", false),
    ];

    /// The free-text sections: (name, heading).
    pub const SECTIONS: [(&'static str, &'static str); 5] = [
        ("proactive", "主动公开"),
        ("how_to_apply", "依申请公开"),
        ("time_limits", "答复期限"),
        ("fees", "信息处理费"),
        ("remedies", "监督和救济"),
    ];

    /// The value of a one-line field or a section by its name (empty for an unknown name).
    pub fn field(&self, name: &str) -> &str {
        match name {
            "office" => &self.office,
            "address" => &self.address,
            "postcode" => &self.postcode,
            "hours" => &self.hours,
            "phone" => &self.phone,
            "fax" => &self.fax,
            "email" => &self.email,
            "website" => &self.website,
            "proactive" => &self.proactive,
            "how_to_apply" => &self.how_to_apply,
            "time_limits" => &self.time_limits,
            "fees" => &self.fees,
            "remedies" => &self.remedies,
            _ => "",
        }
    }

    /// The field of that name, to set it.
    pub fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        Some(match name {
            "office" => &mut self.office,
            "address" => &mut self.address,
            "postcode" => &mut self.postcode,
            "hours" => &mut self.hours,
            "phone" => &mut self.phone,
            "fax" => &mut self.fax,
            "email" => &mut self.email,
            "website" => &mut self.website,
            "proactive" => &mut self.proactive,
            "how_to_apply" => &mut self.how_to_apply,
            "time_limits" => &mut self.time_limits,
            "fees" => &mut self.fees,
            "remedies" => &mut self.remedies,
            _ => return None,
        })
    }

    /// Whether the guide offers this form of provision.
    pub fn offers(&self, form: ProvisionForm) -> bool {
        self.forms.contains(&form)
    }

    /// Every problem of the guide, each with its field: the one-line fields of
    /// [`LINES`](Self::LINES) within [`MAX_LINE_CHARS`] without line breaks, the required ones
    /// (第十二条's name, address, hours and telephone) not blank; the sections within
    /// [`MAX_TEXT_CHARS`]; an e-mail address with an `@`; a web address with `http(s)://`;
    /// at least one channel and one form, none twice. Empty: the guide may be published.
    pub fn check(&self) -> Vec<GuideError> {
        let mut errors = Vec::new();
        for (name, label, required) in Self::LINES {
            let value = self.field(name);
            if let Err(m) = check_text(label, value, MAX_LINE_CHARS, false) {
                errors.push((name, m));
            } else if required && value.trim().is_empty() {
                errors.push((name, format!("请填写{label}（《条例》第十二条）")));
            }
        }
        for (name, heading) in Self::SECTIONS {
            if let Err(m) = check_text(heading, self.field(name), MAX_TEXT_CHARS, true) {
                errors.push((name, m));
            }
        }
        let email = self.email.trim();
        if !email.is_empty()
            && !errors.iter().any(|e| e.0 == "email")
            && (email.contains(char::is_whitespace)
                || email.split('@').count() != 2
                || email.starts_with('@')
                || email.ends_with('@'))
        {
            errors.push(("email", format!("电子邮箱“{email}”不是有效的地址")));
        }
        let site = self.website.trim();
        let web_address = site.starts_with("https://") || site.starts_with("http://");
        if !(site.is_empty() || web_address || errors.iter().any(|e| e.0 == "website")) {
            errors.push(("website", "网址应以 https:// 或 http:// 开头".to_owned()));
        }
        if self.channels.is_empty() {
            errors.push(("channels", "请至少选择一种受理申请的方式".to_owned()));
        } else if has_repeat(&self.channels) {
            errors.push(("channels", "受理申请的方式有重复".to_owned()));
        }
        if self.forms.is_empty() {
            errors.push(("forms", "请至少选择一种提供信息的形式".to_owned()));
        } else if has_repeat(&self.forms) {
            errors.push(("forms", "提供信息的形式有重复".to_owned()));
        }
        errors
    }

    /// The same guide with every text trimmed, and channels and forms in their listed order.
    pub fn normalised(mut self) -> Guide {
        for (name, _, _) in Self::LINES {
            if let Some(v) = self.field_mut(name) {
                *v = v.trim().to_owned();
            }
        }
        for (name, _) in Self::SECTIONS {
            if let Some(v) = self.field_mut(name) {
                *v = v.trim().replace("\r\n", "\n");
            }
        }
        self.channels.sort_unstable();
        self.forms.sort_unstable();
        self
    }
}

fn has_repeat<T: PartialEq>(list: &[T]) -> bool {
    list.iter().enumerate().any(|(i, x)| list[..i].contains(x))
}

/// The paragraphs of a section: its non-blank lines, trimmed.
pub fn paragraphs(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn guide() -> Guide {
        Guide {
            office: "县自然资源局办公室".into(),
            address: "某某县人民路1号".into(),
            hours: "工作日 9:00–17:00".into(),
            phone: "0517-1234567".into(),
            channels: vec![ApplyChannel::InPerson, ApplyChannel::Online],
            forms: vec![ProvisionForm::Paper, ProvisionForm::Email],
            ..Guide::default()
        }
    }

    fn fields(g: &Guide) -> Vec<&'static str> {
        g.check().into_iter().map(|e| e.0).collect()
    }

    #[test]
    fn a_complete_guide_passes() {
        assert_eq!(guide().check(), vec![]);
    }

    #[test]
    fn article_12_contacts_are_required() {
        for name in ["office", "address", "hours", "phone"] {
            let mut g = guide();
            *g.field_mut(name).unwrap() = "  ".into();
            assert_eq!(fields(&g), vec![name], "{name}");
        }
    }

    #[test]
    fn forms_are_not_empty_and_not_repeated() {
        let mut g = guide();
        g.forms.clear();
        assert_eq!(fields(&g), vec!["forms"]);
        g.forms = vec![ProvisionForm::Post, ProvisionForm::Post];
        assert_eq!(fields(&g), vec!["forms"]);
        g.forms = ProvisionForm::ALL.to_vec();
        g.channels.clear();
        assert_eq!(fields(&g), vec!["channels"]);
    }

    #[test]
    fn lengths_line_breaks_and_addresses_are_checked() {
        let mut g = guide();
        g.address = "路".repeat(MAX_LINE_CHARS + 1);
        g.hours = "上午\n下午".into();
        g.email = "not an address".into();
        g.website = "javascript:alert(1)".into();
        g.fees = "费".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            fields(&g),
            vec!["address", "hours", "fees", "email", "website"]
        );
        g = guide();
        g.email = "gk@example.gov.cn".into();
        g.website = "https://example.gov.cn/".into();
        g.how_to_apply = "第一段\n\n第二段".into();
        assert_eq!(fields(&g), Vec::<&str>::new());
        assert_eq!(paragraphs(&g.how_to_apply), vec!["第一段", "第二段"]);
    }

    #[test]
    fn words_and_keys_name_forms_and_channels() {
        for f in ProvisionForm::ALL {
            assert_eq!(ProvisionForm::parse(f.key()), Some(f));
            assert_eq!(ProvisionForm::parse(f.label()), Some(f));
        }
        for c in ApplyChannel::ALL {
            assert_eq!(ApplyChannel::parse(c.key()), Some(c));
            assert_eq!(ApplyChannel::parse(c.label()), Some(c));
        }
        assert_eq!(ApplyChannel::parse("信函"), Some(ApplyChannel::Post));
        assert_eq!(ProvisionForm::parse("传真"), None);
    }

    #[test]
    fn normalising_trims_and_orders() {
        let mut g = guide();
        g.office = "  办公室 ".into();
        g.forms = vec![ProvisionForm::Online, ProvisionForm::Paper];
        g.fees = "不收费\r\n".into();
        let n = g.normalised();
        assert_eq!(n.office, "办公室");
        assert_eq!(n.forms, vec![ProvisionForm::Paper, ProvisionForm::Online]);
        assert_eq!(n.fees, "不收费");
    }
}
