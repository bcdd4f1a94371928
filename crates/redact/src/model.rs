//! The boxes an officer marks on a document: where (a page and a rectangle in fractions of the
//! page, so that one box means the same area at any resolution) and why (an article of the
//! 条例). Pure values and their validation.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a part is withheld: the article of the 政府信息公开条例 (国务院令第711号) that exempts it.
/// A closed list, so that the redaction log always cites a real article; 第三十七条 is what
/// makes the rest of the document disclosable (区分处理), not a reason for a box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Reason {
    /// 第十四条: state secrets, information that laws and administrative regulations forbid
    /// disclosing, and information whose disclosure would endanger national, public or economic
    /// security or social stability.
    #[serde(rename = "第十四条")]
    Art14,
    /// 第十五条: trade secrets and personal privacy whose disclosure would harm a third party's
    /// lawful rights (the pattern pass's reason: identity, phone and bank card numbers).
    #[serde(rename = "第十五条")]
    Art15,
    /// 第十六条第一款: internal affairs (personnel and logistics management, internal work
    /// procedures).
    #[serde(rename = "第十六条第一款")]
    Art16Internal,
    /// 第十六条第二款: process information (discussion records, drafts, consultation letters,
    /// requests for instructions) formed while performing administrative duties.
    #[serde(rename = "第十六条第二款")]
    Art16Process,
    /// 第十六条第二款: administrative law-enforcement case files.
    #[serde(rename = "第十六条第二款（执法案卷）")]
    Art16Enforcement,
}

impl Reason {
    /// Every reason, in the order a form offers them.
    pub const ALL: [Reason; 5] = [
        Reason::Art14,
        Reason::Art15,
        Reason::Art16Internal,
        Reason::Art16Process,
        Reason::Art16Enforcement,
    ];

    /// The article, as the API, the database and the redaction log write it.
    pub fn article(self) -> &'static str {
        match self {
            Reason::Art14 => "第十四条",
            Reason::Art15 => "第十五条",
            Reason::Art16Internal => "第十六条第一款",
            Reason::Art16Process => "第十六条第二款",
            Reason::Art16Enforcement => "第十六条第二款（执法案卷）",
        }
    }

    /// What the article exempts, in the 条例's words, for the form and the log.
    pub fn label(self) -> &'static str {
        match self {
            Reason::Art14 => {
                "国家秘密、法律法规禁止公开、危及国家安全公共安全经济安全社会稳定的信息"
            }
            Reason::Art15 => "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
            Reason::Art16Internal => "内部事务信息（人事管理、后勤管理、内部工作流程等）",
            Reason::Art16Process => "过程性信息（讨论记录、过程稿、磋商信函、请示报告等）",
            Reason::Art16Enforcement => "行政执法案卷信息",
        }
    }

    /// What the article a stored reason names exempts; empty for one not in the list.
    pub fn label_of(article: &str) -> &'static str {
        Reason::parse(article)
            .map(Reason::label)
            .unwrap_or_default()
    }

    /// A reason by its article (`第十五条`) or its identifier (`Art15`, `art15`).
    pub fn parse(s: &str) -> Option<Reason> {
        let s = s.trim();
        Reason::ALL
            .into_iter()
            .find(|r| r.article() == s || format!("{r:?}").eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.article())
    }
}

/// A rectangle on a page, in fractions of the page's width and height from its top left
/// corner: the same area whatever the resolution a page is shown or rebuilt at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Millionths of a page: how rectangles are stored (exact integers on every backend).
pub const MILLIONTHS: f64 = 1_000_000.0;

impl Rect {
    /// The rectangle in millionths of the page, `[x, y, w, h]`, rounded to the nearest and
    /// kept on the page (x + w and y + h at most a million).
    pub fn millionths(&self) -> [u32; 4] {
        let m = |v: f64| (v * MILLIONTHS).round().clamp(0.0, MILLIONTHS) as u32;
        let (x, y) = (m(self.x), m(self.y));
        let (w, h) = (m(self.w).min(1_000_000 - x), m(self.h).min(1_000_000 - y));
        [x, y, w, h]
    }

    /// A rectangle from millionths of the page.
    pub fn from_millionths([x, y, w, h]: [u32; 4]) -> Rect {
        let f = |v: u32| f64::from(v) / MILLIONTHS;
        Rect {
            x: f(x),
            y: f(y),
            w: f(w),
            h: f(h),
        }
    }

    /// Whether two rectangles share any area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    /// The pixels `[x0, x1) × [y0, y1)` the rectangle covers on a `width × height` image,
    /// rounded outwards: a box always covers every pixel it touches.
    pub fn pixels(&self, width: u32, height: u32) -> (u32, u32, u32, u32) {
        let (wf, hf) = (f64::from(width), f64::from(height));
        let clamp = |v: f64, max: f64| v.clamp(0.0, max) as u32;
        // A hair of tolerance: 0.2 + 0.1 is 0.30000000000000004, which must not reach into
        // the next row.
        const EPS: f64 = 1e-9;
        (
            clamp((self.x * wf + EPS).floor(), wf),
            clamp((self.y * hf + EPS).floor(), hf),
            clamp(((self.x + self.w) * wf - EPS).ceil(), wf),
            clamp(((self.y + self.h) * hf - EPS).ceil(), hf),
        )
    }
}

/// One withheld area: a page (from 1) and a rectangle on it, with its reason.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub page: u32,
    #[serde(flatten)]
    pub rect: Rect,
    pub reason: Reason,
}

/// What is wrong with one box of a list, for the field-by-field answer (web.md §2, 422).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The box's position in the list, from 0.
    pub index: usize,
    /// The field: `page`, `x`, `y`, `w`, `h`.
    pub field: &'static str,
    pub message: String,
}

/// Checks boxes against a document of `pages` pages: a page that exists, and a rectangle of
/// some area inside the page (0 ≤ x, 0 ≤ y, x + w ≤ 1, y + h ≤ 1). A box that reaches past the
/// edge is refused rather than clipped: the officer must see what will be withheld.
pub fn validate(areas: &[Area], pages: u32) -> Result<(), Vec<Problem>> {
    // Rounding in a browser may put an edge a hair past 1.
    const SLACK: f64 = 1e-9;
    let mut problems = Vec::new();
    for (index, a) in areas.iter().enumerate() {
        let mut problem = |field, message: String| {
            problems.push(Problem {
                index,
                field,
                message,
            })
        };
        if a.page == 0 || a.page > pages {
            problem(
                "page",
                format!(
                    "第 {} 个标记的页码 {} 不存在（文件共 {pages} 页）",
                    index + 1,
                    a.page
                ),
            );
        }
        let Rect { x, y, w, h } = a.rect;
        for (field, v) in [("x", x), ("y", y), ("w", w), ("h", h)] {
            if !v.is_finite() {
                problem(field, format!("第 {} 个标记的 {field} 不是数字", index + 1));
            }
        }
        if !(x.is_finite() && y.is_finite() && w.is_finite() && h.is_finite()) {
            continue;
        }
        if x < 0.0 || x + w > 1.0 + SLACK {
            problem(
                "x",
                format!(
                    "第 {} 个标记超出页面左右边界（须 0 ≤ x 且 x + w ≤ 1）",
                    index + 1
                ),
            );
        }
        if y < 0.0 || y + h > 1.0 + SLACK {
            problem(
                "y",
                format!(
                    "第 {} 个标记超出页面上下边界（须 0 ≤ y 且 y + h ≤ 1）",
                    index + 1
                ),
            );
        }
        if w <= 0.0 {
            problem("w", format!("第 {} 个标记的宽度须大于 0", index + 1));
        }
        if h <= 0.0 {
            problem("h", format!("第 {} 个标记的高度须大于 0", index + 1));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn area(page: u32, x: f64, y: f64, w: f64, h: f64) -> Area {
        Area {
            page,
            rect: Rect { x, y, w, h },
            reason: Reason::Art15,
        }
    }

    #[test]
    fn reasons_parse_by_article_and_identifier() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.article()), Some(r));
            assert_eq!(Reason::parse(&format!("{r:?}").to_lowercase()), Some(r));
            assert_eq!(
                serde_json::to_value(r).expect("serializes"),
                serde_json::json!(r.article())
            );
        }
        // 第十六条 alone names two paragraphs with different reasons: the officer must choose.
        assert_eq!(Reason::parse("第十六条"), None);
        assert_eq!(Reason::parse("第三十七条"), None);
    }

    #[test]
    fn validation_names_the_page_and_the_edge() {
        assert_eq!(validate(&[area(1, 0.0, 0.0, 1.0, 1.0)], 1), Ok(()));
        let problems = validate(
            &[
                area(3, 0.1, 0.1, 0.1, 0.1),
                area(1, 0.95, 0.1, 0.1, 0.1),
                area(1, 0.1, -0.1, 0.1, 0.1),
                area(1, 0.1, 0.1, 0.0, 0.1),
                area(1, f64::NAN, 0.1, 0.1, 0.1),
            ],
            2,
        )
        .expect_err("all invalid");
        let fields: Vec<(usize, &str)> = problems.iter().map(|p| (p.index, p.field)).collect();
        assert_eq!(
            fields,
            vec![(0, "page"), (1, "x"), (2, "y"), (3, "w"), (4, "x")]
        );
        assert!(
            problems[0].message.contains("共 2 页"),
            "{}",
            problems[0].message
        );
    }

    proptest! {
        /// A valid box covers at least one pixel at any size, and never a pixel outside the
        /// image.
        #[test]
        fn valid_boxes_cover_pixels_inside_the_image(
            x in 0.0f64..1.0, y in 0.0f64..1.0, w in 0.0001f64..1.0, h in 0.0001f64..1.0,
            width in 1u32..3000, height in 1u32..3000,
        ) {
            let w = w.min(1.0 - x).max(1e-6);
            let h = h.min(1.0 - y).max(1e-6);
            let a = area(1, x, y, w, h);
            if validate(&[a], 1).is_ok() {
                let (x0, y0, x1, y1) = a.rect.pixels(width, height);
                prop_assert!(x0 < x1 && y0 < y1);
                prop_assert!(x1 <= width && y1 <= height);
                // Every pixel the rectangle touches is inside the covered range.
                prop_assert!(f64::from(x0) <= x * f64::from(width) + 1e-6);
                prop_assert!(f64::from(x1) >= (x + w) * f64::from(width) - 1e-6);
            }
        }

        /// Millionths round-trip within half a millionth, and stay on the page.
        #[test]
        fn millionths_round_trip(x in 0.0f64..1.0, y in 0.0f64..1.0, w in 0.0f64..1.0, h in 0.0f64..1.0) {
            let r = Rect { x, y, w: w.min(1.0 - x), h: h.min(1.0 - y) };
            let m = r.millionths();
            prop_assert!(m[0] + m[2] <= 1_000_000 && m[1] + m[3] <= 1_000_000);
            let back = Rect::from_millionths(m);
            prop_assert!((back.x - r.x).abs() <= 0.5e-6 + 1e-12);
            prop_assert!((back.w - r.w).abs() <= 1.0e-6 + 1e-12);
            prop_assert_eq!(back.millionths(), m);
        }

        /// Validation accepts exactly the boxes inside the page.
        #[test]
        fn validation_accepts_exactly_boxes_inside_the_page(
            page in 0u32..5, x in -0.5f64..1.5, y in -0.5f64..1.5, w in -0.1f64..1.2, h in -0.1f64..1.2,
        ) {
            let inside = (1..=3).contains(&page) && x >= 0.0 && y >= 0.0 && w > 0.0 && h > 0.0
                && x + w <= 1.0 + 1e-9 && y + h <= 1.0 + 1e-9;
            prop_assert_eq!(validate(&[area(page, x, y, w, h)], 3).is_ok(), inside);
        }
    }
}
