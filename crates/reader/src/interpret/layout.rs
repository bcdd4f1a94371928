//! Class 5 of issue 14, layout and year disagreeing: the format (2019 or 2021 layout) is
//! decided by the table's own labels, never by the report's year or the notice it cites. A 2023
//! report may still print the 2019 layout and a 2022 report may cite the 2019 notice under the
//! 2021 layout; when the labels and the year or the notice disagree, a note says so.

use crate::document::{Block, Document};
use crate::norm::norm;
use gongkai_report::template::Format;

/// Labels that only the 2019 layout prints.
const MARKS_2019: &[&str] = &[
    "本年新制作",
    "上一年项目",
    "采购总金额",
    "采购项目",
    "对外公开总",
];

/// Labels that only the 2021 layout prints.
const MARKS_2021: &[&str] = &[
    "本年制发",
    "本年废止",
    "现行有效",
    "收费金额",
    "本年处理决定",
];

/// What the labels say about the layout.
pub(super) struct Evidence {
    /// Labels of the 2019 layout and of the 2021 layout found.
    score: [usize; 2],
    /// Table 三 rows only the 2021 layout has (`不补正`, `缴纳费用`).
    op_rows: bool,
    /// The notice of the format's specification cited in the text, if exactly one is.
    notice: Option<Format>,
}

/// Reads the layout's evidence from every short paragraph and every table cell.
pub(super) fn evidence(doc: &Document) -> Evidence {
    let mut ev = Evidence {
        score: [0; 2],
        op_rows: false,
        notice: None,
    };
    let mut cited = [false; 2];
    let mut scan = |n: &str| {
        for m in MARKS_2019 {
            ev.score[0] += usize::from(n.contains(m));
        }
        for m in MARKS_2021 {
            ev.score[1] += usize::from(n.contains(m));
        }
        ev.op_rows |= n.contains("不补正") || n.contains("缴纳费用");
    };
    for b in &doc.blocks {
        match b {
            Block::Paragraph(p) => {
                if p.text.chars().count() <= 60 {
                    scan(&norm(&p.text));
                } else if p.text.contains("公开办函") {
                    let n = norm(&p.text);
                    cited[0] |= n.contains("2019]60号") || n.contains("2019〕60号");
                    cited[1] |= n.contains("2021]30号") || n.contains("2021〕30号");
                }
            }
            Block::Table(t) => {
                // Figures (most cells) hold no label: only text with a non-ASCII character is
                // normalised and scanned.
                for c in t.rows.iter().flatten() {
                    if !c.covered && !c.text.is_ascii() {
                        scan(&norm(&c.text));
                    }
                }
            }
        }
    }
    ev.notice = match cited {
        [true, false] => Some(Format::F2019),
        [false, true] => Some(Format::F2021),
        _ => None,
    };
    ev
}

impl Evidence {
    /// The layout the labels print; only when they say nothing, the one of the year.
    pub fn format(&self, year: Option<i32>) -> Format {
        match self.by_labels() {
            Some(f) => f,
            None => year.map_or(Format::F2021, Format::for_year),
        }
    }

    fn by_labels(&self) -> Option<Format> {
        if self.score[0] > self.score[1] {
            Some(Format::F2019)
        } else if self.score[1] > self.score[0] || self.op_rows {
            Some(Format::F2021)
        } else {
            None
        }
    }

    /// Notes, in Chinese, where the year (when known) or the cited notice would have given
    /// another layout.
    pub fn notes(&self, year: Option<i32>) -> Vec<String> {
        let Some(format) = self.by_labels() else {
            // Neither the labels nor a year: the format is recorded as the current one, said
            // so, since the cells read (tables 三 and 四 are the same in both) do not depend on it.
            return match year {
                Some(_) => Vec::new(),
                None => vec![format!(
                    "表格的栏目名称和报告年度都不能确定格式，按现行的 {} 格式记录",
                    Format::F2021
                )],
            };
        };
        let mut notes = Vec::new();
        if let Some(year) = year
            && Format::for_year(year) != format
        {
            notes.push(format!(
                "{year} 年度的报告通常使用 {} 格式，但表格的栏目名称属于 {format} 格式，按表格读作 {format} 格式",
                Format::for_year(year)
            ));
        }
        if let Some(n) = self.notice
            && n != format
        {
            notes.push(format!(
                "正文引用的是 {n} 格式的通知，但表格的栏目名称属于 {format} 格式，按表格读作 {format} 格式"
            ));
        }
        notes
    }
}
