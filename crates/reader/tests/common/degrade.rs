//! Degraders for issue 14: each turns a report's input (a fixture or a rendered report) into
//! one of the degenerate forms real published reports take, as plain string edits, so that the
//! original's truth JSON stays the truth for every cell the degraded form still holds.
#![allow(dead_code)]

/// The first `keep` lines: a copy cut off (a flip-book page, a truncated download).
pub fn cut_lines(text: &str, keep: usize) -> String {
    text.split('\n').take(keep).collect::<Vec<_>>().join("\n")
}

/// Without lines `from..to` (1-based, `to` excluded): a report that drops a table.
pub fn drop_lines(text: &str, from: usize, to: usize) -> String {
    text.split('\n')
        .enumerate()
        .filter(|(i, _)| *i + 1 < from || *i + 1 >= to)
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text copied from a browser without the tabs: one cell per line, rows separated by blank
/// lines (an empty cell, a line of just a tab, becomes a blank line too).
pub fn untab(text: &str) -> String {
    text.split('\n')
        .map(|l| l.trim_start_matches('\t'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every label longer than `at` characters of a one-cell-per-line copy broken after its
/// `at`-th character, as a PDF conversion wraps a narrow cell (`本年新` over `制作数量`).
pub fn wrap_labels(text: &str, at: usize) -> String {
    text.split('\n')
        .map(|l| {
            let t = l.trim_start_matches('\t');
            let n = t.chars().count();
            let figure = t
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '/' | '万' | '元'));
            if n > at + 1 && !figure && n < 40 {
                let cut: usize = t.char_indices().nth(at).map_or(t.len(), |(i, _)| i);
                let tabs = &l[..l.len() - t.len()];
                format!("{tabs}{}\n{tabs}{}", &t[..cut], &t[cut..])
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Table 四's header of a Markdown or text rendering replaced by the vertical headers of a PDF's
/// text: one character per line, each line a column (`结 结 其 尚`).
pub fn vertical_t4_header(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(i) = lines
        .iter()
        .position(|l| l.contains("结果维持") && l.contains("复议后"))
    else {
        return text.to_owned();
    };
    let vertical = "行政复议\n结 结 其 尚\n果 果 他 未\n维 纠 结 审 总\n持 正 果 结 计";
    let mut out: Vec<String> = lines[..i].iter().map(|s| (*s).to_owned()).collect();
    out.push(vertical.to_owned());
    // A Markdown separator line under the header goes with it.
    let mut rest = i + 1;
    if lines
        .get(rest)
        .is_some_and(|l| l.trim_start().starts_with('|') && l.contains("---"))
    {
        rest += 1;
    }
    out.extend(lines[rest..].iter().map(|s| (*s).to_owned()));
    out.join("\n")
}

/// The text of an HTML fragment without its tags.
fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in s.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            _ if !tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", "").trim().to_owned()
}

/// Whether a cell's text is a figure or blank, roughly as a person reads it.
fn numeric(t: &str) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    t.is_empty()
        || t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '/' | '-'))
}

/// The `<td>`/`<th>` elements of a row of markup: (start, end) byte ranges.
fn cells(tr: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = tr[i..].find("<t") {
        let s = i + off;
        let name = &tr[s + 1..(s + 3).min(tr.len())];
        if name != "td" && name != "th" {
            i = s + 2;
            continue;
        }
        let close = format!("</{name}>");
        let Some(e) = tr[s..].find(&close) else { break };
        out.push((s, s + e + close.len()));
        i = s + e + close.len();
    }
    out
}

/// Word-pasted HTML whose table 三 data rows carry an empty spacer cell after their first
/// figure (under 自然人) that the header does not have; with `header`, the header row that
/// holds 自然人 gets the spacer too (both forms occur).
pub fn spacer_cells(html: &str, header: bool) -> String {
    let mut out = String::with_capacity(html.len() + 4096);
    let mut rest = html;
    while let Some(s) = rest.find("<tr") {
        let Some(e) = rest[s..].find("</tr>") else {
            break;
        };
        let e = s + e + "</tr>".len();
        out.push_str(&rest[..s]);
        let tr = &rest[s..e];
        let cs = cells(tr);
        let texts: Vec<String> = cs.iter().map(|&(a, b)| strip_tags(&tr[a..b])).collect();
        let first_value = texts.iter().rposition(|t| !numeric(t)).map_or(0, |i| i + 1);
        let values = texts.len() - first_value;
        let t3_data = values == 7 && texts[first_value..].iter().any(|t| !t.trim().is_empty());
        let at = if t3_data {
            cs.get(first_value).map(|&(_, b)| b)
        } else if header {
            texts
                .iter()
                .position(|t| t.replace(' ', "").contains("自然人"))
                .map(|i| cs[i].1)
        } else {
            None
        };
        match at {
            Some(at) => {
                out.push_str(&tr[..at]);
                out.push_str("<td>&nbsp;</td>");
                out.push_str(&tr[at..]);
            }
            None => out.push_str(tr),
        }
        rest = &rest[e..];
    }
    out.push_str(rest);
    out
}

/// Every cell's content opened with `&nbsp;`.
pub fn nbsp_cells(html: &str) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    while let Some(s) = rest.find("<td") {
        let Some(e) = rest[s..].find('>') else { break };
        out.push_str(&rest[..s + e + 1]);
        out.push_str("&nbsp;");
        rest = &rest[s + e + 1..];
    }
    out.push_str(rest);
    out
}

/// Short label cells (header labels and row names up to twelve characters) one character per
/// paragraph, as Word pastes a narrow column.
pub fn char_paragraph_headers(html: &str) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    while let Some(s) = rest.find("<tr") {
        let Some(e) = rest[s..].find("</tr>") else {
            break;
        };
        let e = s + e;
        out.push_str(&rest[..s]);
        let tr = &rest[s..e];
        let mut last = 0;
        for (a, b) in cells(tr) {
            let text = strip_tags(&tr[a..b]);
            let n = text.chars().filter(|c| !c.is_whitespace()).count();
            if numeric(&text) || !(2..=12).contains(&n) {
                continue;
            }
            let Some(open) = tr[a..b].find('>') else {
                continue;
            };
            let close = b - "</td>".len();
            out.push_str(&tr[last..a + open + 1]);
            for c in text.chars().filter(|c| !c.is_whitespace()) {
                out.push_str(&format!("<p>{c}</p>"));
            }
            last = close;
        }
        out.push_str(&tr[last..]);
        rest = &rest[e..];
    }
    out.push_str(rest);
    out
}

/// The report's year changed in its title and text, and the notice of the other format cited:
/// a 2023 report printing the 2019 layout, a 2022 report citing the 2019 notice.
pub fn swap_year(text: &str, from: i32, to: i32) -> String {
    let other_notice = if to >= 2021 {
        "《关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）"
    } else {
        "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
    };
    let swapped = text
        .replace(&format!("{from}年"), &format!("{to}年"))
        .replace(&format!("{from} 年"), &format!("{to} 年"));
    // The notice in a paragraph of its own after the title's line.
    let mut lines: Vec<String> = swapped.split('\n').map(str::to_owned).collect();
    let at = lines
        .iter()
        .position(|l| l.contains("年度报告"))
        .map_or(0, |i| i + 1);
    lines.insert(
        at.min(lines.len()),
        format!("根据{other_notice}要求，编制本年度报告，现予公布，以下数据为全年统计数据。"),
    );
    lines.join("\n")
}

/// A 2021-format Markdown rendering whose table 二 first block lost its `本年废止件数` column:
/// each row's repealed figure printed on a line of its own above the table (with `note` under
/// it when given, as the Shanghai converter did), the rows one figure short. Returns the text
/// and the figures moved, in order.
pub fn stray_repealed(md: &str, note: Option<&str>) -> (String, Vec<String>) {
    stray_repealed_at(md, note, false)
}

/// [`stray_repealed`] with the figures printed above the table, or with `below`, under its
/// last row.
pub fn stray_repealed_at(md: &str, note: Option<&str>, below: bool) -> (String, Vec<String>) {
    let lines: Vec<&str> = md.split('\n').collect();
    let Some(h) = lines.iter().position(|l| l.contains("本年废止件数")) else {
        return (md.to_owned(), Vec::new());
    };
    let mut rows = Vec::new();
    let mut moved = Vec::new();
    let mut i = h + 2;
    while let Some(l) = lines.get(i).filter(|l| l.trim_start().starts_with('|')) {
        let mut cells: Vec<&str> = l
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if cells.len() == 4 {
            moved.push(cells.remove(2).to_owned());
        }
        rows.push(format!("| {} |", cells.join(" | ")));
        i += 1;
    }
    let mut strays = Vec::new();
    for f in &moved {
        strays.push(f.clone());
        if let Some(n) = note {
            strays.push(n.to_owned());
        }
    }
    let mut out: Vec<String> = lines[..h].iter().map(|s| (*s).to_owned()).collect();
    if !below {
        out.append(&mut strays);
    }
    out.push(lines[h].to_owned());
    out.push(lines[h + 1].to_owned());
    out.extend(rows);
    out.append(&mut strays);
    out.extend(lines[i..].iter().map(|s| (*s).to_owned()));
    (out.join("\n"), moved)
}

/// Every year of the text removed: four digits (`19xx`, `20xx`) followed by `年`, as a reader
/// of the text sees them: across spaces, line breaks and HTML tags (`20</span><span>23年`). A
/// copy in which nothing determines the report's year.
pub fn strip_years(text: &str) -> String {
    // The characters outside tags, with their byte offsets in `text`.
    let mut visible: Vec<(usize, char)> = Vec::new();
    let mut tag = false;
    for (i, c) in text.char_indices() {
        match c {
            '<' => tag = true,
            '>' if tag => tag = false,
            _ if !tag && !c.is_whitespace() => visible.push((i, c)),
            _ => {}
        }
    }
    // And every character, tags or not: a `<` in a script or a sentence misleads the tag scan.
    let all: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .collect();
    let mut drop = std::collections::HashSet::new();
    for visible in [&visible, &all] {
        years_in(visible, &mut drop);
    }
    text.char_indices()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, c)| c)
        .collect()
}

/// The offsets of the digits of every year (`19xx`/`20xx` then `年`) of a list of characters.
fn years_in(visible: &[(usize, char)], drop: &mut std::collections::HashSet<usize>) {
    for w in 0..visible.len().saturating_sub(4) {
        let d: String = visible[w..w + 4].iter().map(|&(_, c)| c).collect();
        let before = w.checked_sub(1).map(|p| visible[p].1);
        if d.chars().all(|c| c.is_ascii_digit())
            && (d.starts_with("19") || d.starts_with("20"))
            && !before.is_some_and(|c| c.is_ascii_digit())
            && visible[w + 4].1 == '年'
        {
            drop.extend(visible[w..w + 4].iter().map(|&(i, _)| i));
        }
    }
}

/// Without its title line (the first line naming the 年度报告, at most 80 characters), with a
/// sentence and a signing date of the following year added where the title was and at the
/// end: a flip-book page without the cover, whose only dates are not the report's year.
pub fn untitled(text: &str, next_year: i32) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let at = lines
        .iter()
        .position(|l| l.contains("年度报告") && l.chars().count() <= 80)
        .unwrap_or(0);
    lines[at] = format!("{next_year}年1月，本机关编制了本报告。");
    lines.push(format!("{next_year}年1月20日"));
    lines.join("\n")
}

/// Markdown data rows (a label and at least three figures) with one figure inside the row
/// printed on a line of its own, the row going on below it without a label, as a PDF
/// conversion breaks a row at a wrapped cell: `| 行政许可 | 12 |`, `5`, `| 30 |`. Every
/// `every`-th such row is broken, at its `at`-th figure (never the first or the last).
/// Returns the text and how many rows were broken.
pub fn split_row_figure(md: &str, every: usize, at: usize) -> (String, usize) {
    let mut n = 0;
    let mut broken = 0;
    let lines: Vec<String> = md
        .split('\n')
        .map(|l| {
            let t = l.trim();
            if !t.starts_with('|') || t.contains("---") {
                return l.to_owned();
            }
            let cells: Vec<&str> = t.trim_matches('|').split('|').map(str::trim).collect();
            let label = cells.first().is_some_and(|c| !numeric(c));
            let figures = cells.len().saturating_sub(1);
            if !label || figures < 3 || !cells[1..].iter().all(|c| numeric(c)) {
                return l.to_owned();
            }
            n += 1;
            if n % every != 0 {
                return l.to_owned();
            }
            broken += 1;
            let k = 2 + at % (figures - 2);
            format!(
                "| {} |\n{}\n| {} |",
                cells[..k].join(" | "),
                cells[k],
                cells[k + 1..].join(" | ")
            )
        })
        .collect();
    (lines.join("\n"), broken)
}
