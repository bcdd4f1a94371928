//! The back-end: a [`Document`] to a report, in named steps, one file each, so that a reader
//! of the code finds where each form of input is handled:
//!
//! 1. [`sections`]: the six sections by ordinal and key words, the title (agency and year);
//! 2. [`layout`]: the format from the tables' own labels, never the year (issue 14, class 5);
//! 3. [`rows`]: every figure of tables 二, 三 and 四 by the distinctive core of its row label
//!    and its position, with the column order of the header when the header can be read
//!    ([`headers`], class 3) and the template's otherwise; grids wider than their header are
//!    aligned by the data's structure ([`grid`], class 4); figures printed outside their rows
//!    are put back only where their place is determined ([`stray`], class 6);
//! 4. [`partial`]: what was not found is `null` with a warning; only a text without any table
//!    is unreadable (class 2).

mod cells;
mod grid;
mod headers;
mod layout;
mod partial;
mod rows;
mod sections;
mod stray;

use crate::document::{Block, Document};
use crate::norm::{clean, norm};
use crate::{InputKind, Parsed, ReadError};
use cells::{C, Row, paragraph_row};
use gongkai_report::{Report, Section};
use rows::{Ctx, State};
pub(crate) use sections::heading;
use sections::{agency_year, find_title, named_year, period_year, section_text, strip_signature};

/// The warning of a report read without its year (a page without the title, a copy cut
/// before the preamble): the year is left empty, never guessed.
const YEAR_UNKNOWN: &str = "年度未能确定：标题和正文都没有写明报告年度（如“2023年度”或“统计期限自2023年1月1日至2023年12月31日”），年度记为空，跨年度检查不适用";

/// Reads a report out of a document.
pub fn interpret(doc: &Document, kind: InputKind) -> Result<Parsed, ReadError> {
    let paras: Vec<(usize, &str, String)> = doc
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Paragraph(p) => Some((
                i,
                p.text.as_str(),
                if p.text.len() <= 600 {
                    norm(&p.text)
                } else {
                    String::new()
                },
            )),
            Block::Table(_) => None,
        })
        .collect();

    // Sections.
    let mut heads: [Option<usize>; 6] = [None; 6];
    let mut next = 0;
    for (i, _, n) in &paras {
        if let Some(k) = heading(n)
            && k >= next
        {
            heads[k] = Some(*i);
            next = k + 1;
        }
    }
    let first_head = heads.iter().flatten().min().copied();
    let first_table = doc.blocks.iter().position(|b| matches!(b, Block::Table(_)));
    let front_end = heads[0]
        .or(first_head)
        .or(first_table)
        .unwrap_or(doc.blocks.len());

    // Title, agency, year, preamble.
    let front: Vec<&(usize, &str, String)> =
        paras.iter().filter(|(i, _, _)| *i < front_end).collect();
    let title = find_title(&front);
    let (mut agency, mut year) = (String::new(), None);
    let mut preamble = Vec::new();
    match &title {
        Some((pos, t, rest)) => {
            (agency, year) = agency_year(t);
            if !rest.is_empty() {
                preamble.push(rest.clone());
            }
            preamble.extend(front[pos + 1..].iter().map(|p| clean(p.1).to_owned()));
        }
        None => {
            if heads[0].is_some() {
                preamble.extend(front.iter().map(|p| clean(p.1).to_owned()));
            }
            if let Some(t) = doc.title.as_deref() {
                let n = norm(t);
                let cut = n.find("年度报告").map_or(n.len(), |i| i + "年度报告".len());
                (agency, year) = agency_year(&n[..cut]);
            }
        }
    }
    let mut warnings = doc.warnings.clone();
    // Without a title, the year is determined only where the report names itself before
    // section 一 or states its statistics period: any other date in the text (the signing
    // date, `2024年1月` in a sentence) may be another year's.
    if year.is_none() {
        year = front
            .iter()
            .filter(|(_, raw, _)| raw.contains("政府信息公开"))
            .find_map(|(_, raw, _)| named_year(&norm(raw)));
    }
    if year.is_none() {
        year = paras
            .iter()
            .filter(|(_, raw, _)| raw.contains("统计"))
            .find_map(|(_, raw, _)| period_year(&norm(raw)));
    }
    if agency.is_empty() {
        warnings.push("未能从标题中识别机关名称".to_owned());
    }

    // Format from the labels (class 5).
    let evidence = layout::evidence(doc);
    let format = evidence.format(year);
    if year.is_none() {
        warnings.push(YEAR_UNKNOWN.to_owned());
    }
    warnings.extend(evidence.notes(year));
    let mut report = Report::blank(format, year.unwrap_or(Report::YEAR_UNKNOWN), agency);
    report.preamble = preamble
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n");

    // Tables.
    let mut st = State::new(report, warnings);
    let section_of =
        |i: usize| -> Option<usize> { (0..6).rev().find(|&k| heads[k].is_some_and(|h| h <= i)) };
    let mut last_table_block: [Option<usize>; 6] = [None; 6];
    for (i, block) in doc.blocks.iter().enumerate() {
        let sec = section_of(i);
        if heads.contains(&Some(i)) {
            // Rows left short by the last section's tables are settled before a new one.
            st.settle_short(false);
            st.ctx = match sec {
                Some(1) => Some(Ctx::T2),
                Some(2) => Some(Ctx::T3),
                Some(3) => Some(Ctx::T4),
                _ => None,
            };
            continue;
        }
        let table_region = match sec {
            Some(k) => (1..=3).contains(&k),
            None => first_head.is_none(),
        };
        match block {
            Block::Table(t) => {
                if let Some(k) = sec {
                    last_table_block[k] = Some(i);
                }
                let mut rows: Vec<Row<'_>> = t
                    .rows
                    .iter()
                    .map(|r| {
                        let cells = r
                            .iter()
                            .map(|c| C::new(&c.text, c.source, c.covered))
                            .collect();
                        Row::new(cells, true)
                    })
                    .collect();
                // Class 4: spacer cells the header does not have.
                st.warnings.extend(grid::drop_spacers(&mut rows));
                for row in rows {
                    st.row(row);
                }
            }
            Block::Paragraph(p) if table_region => {
                if st.row(paragraph_row(&p.text, p.source))
                    && let Some(k) = sec
                {
                    last_table_block[k] = Some(i);
                }
            }
            Block::Paragraph(_) => {}
        }
    }

    st.settle_short(false);

    // Section text.
    let found: Vec<usize> = heads.iter().flatten().copied().collect();
    let mut s5_from_s4 = None;
    for k in 0..6 {
        let Some(h) = heads[k] else { continue };
        let end = found
            .iter()
            .copied()
            .filter(|&x| x > h)
            .min()
            .unwrap_or(doc.blocks.len());
        let mut start = h + 1;
        if k == 3
            && heads[4].is_none()
            && let Some(t) = last_table_block[3]
        {
            s5_from_s4 = Some((t + 1, end));
            start = h + 1;
            let text = section_text(doc, start, t + 1, false);
            st.report.set_section(Section::ALL[k], text);
            continue;
        }
        let all = matches!(k, 0 | 4 | 5);
        let mut text = section_text(doc, start, end, all);
        if k == 5 || found.last() == Some(&h) {
            text = strip_signature(&text, &st.report.agency);
        }
        st.report.set_section(Section::ALL[k], text);
    }
    if let Some((a, b)) = s5_from_s4 {
        let text = section_text(doc, a, b, true);
        st.report.set_section(Section::S5Problems, text);
    }

    // What could not be read (class 2).
    if let Some(e) = partial::unreadable(&st, title.is_some(), found.len()) {
        return Err(e);
    }
    partial::missing(&mut st);
    Ok(Parsed {
        report: st.report,
        provenance: st.provenance,
        kind,
        warnings: st.warnings,
    })
}
