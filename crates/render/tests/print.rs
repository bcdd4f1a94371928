//! The documents as printed: the DOCX converted to PDF by LibreOffice and the HTML page printed
//! by headless Chromium, then read page by page with poppler (`pdftotext -layout -f N -l N`,
//! `pdftotext -bbox`). Each page must carry its page number, table 三 must start every page it
//! is on with its header, no page may hold a single row of a table, no page but the last may
//! be less than a third full, header labels must not crumble into one character a line, and
//! the document must end with the signature block.
//!
//! The DOCX and XLSX also open in LibreOffice with the title and the figures as printed.
//!
//! Skipped (with a message, not a failure) where LibreOffice, Chromium or poppler is not
//! installed. Set `GONGKAI_PRINT_DIR` to keep the PDFs there, to look at them.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, NaiveDate};
use gongkai_render::{DocumentMeta, Target, render, render_with, title};
use gongkai_report::{Report, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn seed() -> Report {
    json::from_str(include_str!("../../../fixtures/reports/yanhu-2020.json")).unwrap()
}

/// A 2021-format report with long sections (一 and 五 run over a page each).
fn shanghai() -> Report {
    json::from_str(include_str!(
        "../../../fixtures/reports/shanghai-office-2025.json"
    ))
    .unwrap()
}

fn meta(signed: (i32, u32, u32)) -> DocumentMeta {
    DocumentMeta {
        signed_on: NaiveDate::from_ymd_opt(signed.0, signed.1, signed.2),
        created: DateTime::parse_from_rfc3339("2025-01-20T09:30:00+08:00").ok(),
    }
}

/// The program's path if it is on PATH.
fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn soffice() -> Option<PathBuf> {
    which("soffice").or_else(|| which("libreoffice"))
}

fn chromium() -> Option<PathBuf> {
    which("chromium")
        .or_else(|| which("chromium-browser"))
        .or_else(|| which("google-chrome"))
}

fn poppler() -> bool {
    which("pdftotext").is_some() && which("pdfinfo").is_some()
}

fn skipped(what: &str) {
    // Written to the process's stderr directly: the harness captures `eprintln!`, and a skip
    // should be visible in a normal `cargo test` run.
    let _ = writeln!(std::io::stderr(), "skipped: {what} not installed");
}

/// A fresh directory under the system temp dir.
fn scratch(tag: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!(
        "gongkai-print-{tag}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a command to completion, killing it (by its own id) if it takes longer than `limit`.
fn run(cmd: &mut Command, limit: Duration) -> bool {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.success();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One conversion at a time: the machine is small and both converters are heavy.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Converts a DOCX or XLSX to PDF with LibreOffice, in a private profile (parallel runs would
/// clash over a shared one), tried up to three times (a first start with a new profile
/// occasionally exits without converting on a loaded machine).
fn office_to_pdf(dir: &Path, docx: &Path) -> PathBuf {
    let soffice = soffice().unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("lo-profile").display()
    );
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let convert = || {
        run(
            Command::new(&soffice)
                .arg(&profile)
                .args(["--headless", "--convert-to", "pdf", "--outdir"])
                .arg(dir)
                .arg(docx),
            Duration::from_secs(180),
        )
    };
    // On a loaded machine LibreOffice sometimes exits 0 without writing the PDF: try again.
    let pdf = docx.with_extension("pdf");
    for _ in 0..3 {
        if convert() && pdf.is_file() {
            return pdf;
        }
    }
    panic!(
        "LibreOffice wrote no PDF of {} in three tries",
        docx.display()
    );
}

/// Prints an HTML file to PDF with headless Chromium (no browser header or footer, so the
/// page's own `@page` margin boxes print).
fn html_to_pdf(dir: &Path, html: &Path) -> PathBuf {
    let chromium = chromium().unwrap();
    let pdf = html.with_extension("pdf");
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let print = || {
        run(
            Command::new(&chromium)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-pdf-header-footer",
                ])
                .arg(format!(
                    "--user-data-dir={}",
                    dir.join("chromium-profile").display()
                ))
                .arg(format!("--print-to-pdf={}", pdf.display()))
                .arg(format!("file://{}", html.display())),
            Duration::from_secs(180),
        ) && pdf.is_file()
    };
    assert!(
        print() || print(),
        "Chromium failed to print {}",
        html.display()
    );
    pdf
}

/// Keeps a file (the PDF, the document printed) in `GONGKAI_PRINT_DIR` when it is set.
fn keep(pdf: &Path, name: &str) {
    if let Some(dir) = std::env::var_os("GONGKAI_PRINT_DIR") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(pdf, dir.join(name)).unwrap();
    }
}

/// A word on a printed page and its box, in points from the top left (`pdftotext -bbox`).
#[derive(Debug, Clone)]
struct Word {
    x_min: f64,
    y_min: f64,
    y_max: f64,
    text: String,
}

/// One printed page: its lines as `pdftotext -layout` lays them out (blank lines dropped), and
/// its words with their boxes.
#[derive(Debug)]
struct Page {
    number: usize,
    lines: Vec<String>,
    words: Vec<Word>,
}

/// A line as the eye sees it: the words sharing a baseline, left to right.
#[derive(Debug)]
struct VisualLine {
    y_min: f64,
    y_max: f64,
    text: String,
}

impl Page {
    /// The lines above the footer (the page number is the last line).
    fn body(&self) -> &[String] {
        &self.lines[..self.lines.len().saturating_sub(1)]
    }

    fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The words inside the text block (not the footer below it).
    fn body_words(&self) -> impl Iterator<Item = &Word> {
        self.words.iter().filter(|w| w.y_max <= BOTTOM + 2.0)
    }

    /// How far down the text block the lowest word reaches (0 = top, 1 = bottom).
    fn fill(&self) -> f64 {
        let lowest = self.body_words().map(|w| w.y_max).fold(TOP, f64::max);
        ((lowest - TOP) / (BOTTOM - TOP)).clamp(0.0, 1.0)
    }

    /// The free space at the foot of the text block, in points.
    fn room_left(&self) -> f64 {
        BOTTOM - self.body_words().map(|w| w.y_max).fold(TOP, f64::max)
    }

    /// The visual lines of the text block, top to bottom: words whose baselines are within
    /// 2 pt, as a table row's figures are.
    fn visual_lines(&self) -> Vec<VisualLine> {
        let mut words: Vec<&Word> = self.body_words().collect();
        words.sort_by(|a, b| {
            a.y_max
                .total_cmp(&b.y_max)
                .then(a.x_min.total_cmp(&b.x_min))
        });
        let mut lines: Vec<(Vec<&Word>, f64)> = Vec::new();
        for w in words {
            match lines.last_mut() {
                Some((line, y)) if (w.y_max - *y).abs() <= 2.0 => line.push(w),
                _ => lines.push((vec![w], w.y_max)),
            }
        }
        lines
            .into_iter()
            .map(|(mut line, _)| {
                line.sort_by(|a, b| a.x_min.total_cmp(&b.x_min));
                VisualLine {
                    y_min: line.iter().map(|w| w.y_min).fold(f64::INFINITY, f64::min),
                    y_max: line.iter().map(|w| w.y_max).fold(0.0, f64::max),
                    text: line
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                }
            })
            .collect()
    }
}

fn page_count(pdf: &Path) -> usize {
    let out = Command::new(which("pdfinfo").unwrap())
        .arg(pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(info.contains("(A4)"), "not A4: {info}");
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap()
}

fn pdftotext(pdf: &Path, page: usize, mode: &str) -> String {
    let n = page.to_string();
    let out = Command::new(which("pdftotext").unwrap())
        .args([mode, "-f", &n, "-l", &n])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed on page {page}");
    String::from_utf8(out.stdout).unwrap()
}

/// The A4 text block of both documents: 37 mm from the top, 35 mm from the bottom, in points.
const TOP: f64 = 37.0 * 72.0 / 25.4;
const BOTTOM: f64 = 297.0 * 72.0 / 25.4 - 35.0 * 72.0 / 25.4;
/// The middle of an A4 page, in points from the left.
const MIDDLE: f64 = 210.0 * 72.0 / 25.4 / 2.0;

/// The words of `pdftotext -bbox` output.
fn words(bbox: &str) -> Vec<Word> {
    let attr = |tag: &str, name: &str| -> Option<f64> {
        let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
        tag[at..].split('"').next()?.parse().ok()
    };
    bbox.split("<word ")
        .skip(1)
        .filter_map(|tag| {
            let text = tag.split_once('>')?.1.split("</word>").next()?;
            Some(Word {
                x_min: attr(tag, "xMin")?,
                y_min: attr(tag, "yMin")?,
                y_max: attr(tag, "yMax")?,
                text: text.to_owned(),
            })
        })
        .collect()
}

fn pages(pdf: &Path) -> Vec<Page> {
    (1..=page_count(pdf))
        .map(|number| Page {
            number,
            lines: pdftotext(pdf, number, "-layout")
                .lines()
                .map(|l| l.trim_end().to_owned())
                .filter(|l| !l.trim().is_empty())
                .collect(),
            words: words(&pdftotext(pdf, number, "-bbox")),
        })
        .collect()
}

/// Where the block that must not be split from a table's start ends on a page that starts
/// with that table (or its heading): the foot of table 三's second data row (three header rows
/// and two rows are kept together), of table 四's only row, or of table 二's first block (just
/// above its second caption; the last two blocks are kept together, so when the second caption
/// is the last, the whole table). `None` when no table starts at the top of the page: a page
/// continuing a table (`previous` holds rows of it) breaks where the browser or office suite
/// chose among the row groups we keep whole (up to eight rows), which only the one-third rule
/// judges.
fn kept_block_end(page: &Page, previous: &Page) -> Option<f64> {
    let lines = page.visual_lines();
    let first = lines.first()?;
    let starts = |needles: &[&str]| needles.iter().any(|n| first.text.contains(n));
    let figure_rows = |n: usize| lines.iter().filter(move |l| integers(&l.text) == n);
    let continues_t3 = !rows_with(previous, 7).is_empty();
    if starts(&["三、收到和处理", "申请人情况"]) && !continues_t3 {
        return figure_rows(7).nth(1).map(|l| l.y_max);
    }
    if starts(&["四、政府信息公开行政复议", "行政复议"]) {
        return figure_rows(15).next().map(|l| l.y_max);
    }
    if starts(&["二、主动公开政府信息情况", "第二十条第（一）项"]) {
        let captions: Vec<&VisualLine> = lines
            .iter()
            .filter(|l| l.text.contains("第二十条第"))
            .collect();
        let next_heading = lines.iter().find(|l| l.text.contains("三、收到和处理"));
        return match (captions.get(1), captions.len(), next_heading) {
            // The second block is the last: the end of the table, just above section 三.
            (Some(_), 2, Some(heading)) => lines
                .iter()
                .filter(|l| l.y_max < heading.y_min)
                .map(|l| l.y_max)
                .next_back(),
            (Some(second), _, _) => Some(second.y_min),
            (None, _, _) => None,
        };
    }
    None
}

/// Whitespace-separated tokens of a line that are integers (`0`, `45241`, `-4`).
fn integers(line: &str) -> usize {
    line.split_whitespace()
        .filter(|t| {
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        })
        .count()
}

/// The lines of a page that are data rows of table 三 (seven applicant columns: exactly seven
/// figures) or of table 四 (fifteen).
fn rows_with(page: &Page, figures: usize) -> Vec<usize> {
    page.body()
        .iter()
        .enumerate()
        .filter(|(_, l)| integers(l) == figures)
        .map(|(i, _)| i)
        .collect()
}

/// Whether a header label of `label` prints on at most two lines: with greedy line breaking,
/// that is when some line of the table header holds its first half.
fn on_two_lines_at_most(header: &[String], label: &str) -> bool {
    let chars: Vec<char> = label.chars().collect();
    let half: String = chars[..chars.len().div_ceil(2)].iter().collect();
    header.iter().any(|l| l.contains(&half))
}

/// What every printed document of a report must satisfy.
fn assert_printed_well(pages: &[Page], report: &Report, signed: &str, what: &str) {
    assert!(pages.len() >= 2, "{what}: {} page(s)", pages.len());
    let all: String = pages.iter().map(Page::text).collect::<Vec<_>>().join("\n");
    let flat: String = all.chars().filter(|c| !c.is_whitespace()).collect();
    let short_title: String = title(report).chars().take(12).collect();
    assert!(flat.contains(&short_title), "{what}: no title");

    let t3_pages: Vec<&Page> = pages
        .iter()
        .filter(|p| !rows_with(p, 7).is_empty())
        .collect();
    assert!(!t3_pages.is_empty(), "{what}: no row of table 三 found");
    for page in pages {
        let n = page.number;
        // The page number, centred at the foot of every page.
        // (pdftotext may drop the thin spaces around the figure.)
        let footer: String = page
            .lines
            .last()
            .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect())
            .unwrap_or_default();
        assert_eq!(footer, format!("—{n}—"), "{what}: page {n} footer");

        // No page but the last ends before a third of the text block (a table pushed whole
        // to the next page leaves such a page).
        if n < pages.len() {
            assert!(
                page.fill() >= 1.0 / 3.0,
                "{what}: page {n} is only {:.0}% full",
                page.fill() * 100.0
            );
        }
        // Nor does a table move whole to the next page when what must stay together at its
        // start would have fitted in the room left here.
        if let Some(next) = pages.get(n)
            && let Some(end) = kept_block_end(next, page)
        {
            let needed = end - TOP;
            assert!(
                page.room_left() < needed,
                "{what}: page {n} leaves {:.0} pt blank, but the {:.0} pt at the top of \
                 page {} that start a table would have fitted",
                page.room_left(),
                needed,
                n + 1
            );
        }

        // Table 三: every page holding its rows starts them under its header, and never holds
        // a single one of its rows.
        let rows = rows_with(page, 7);
        if let Some(&first) = rows.first() {
            let header = page
                .body()
                .iter()
                .position(|l| l.contains("申请人情况"))
                .unwrap_or_else(|| panic!("{what}: page {n} has rows of 三 but no header"));
            assert!(header < first, "{what}: page {n}: a row above the header");
            assert!(rows.len() >= 2, "{what}: page {n} holds one row of 三");
            let head = &page.body()[header..first];
            for label in ["社会公益组织", "法律服务机构", "商业企业", "科研机构"]
            {
                assert!(
                    on_two_lines_at_most(head, label),
                    "{what}: page {n}: {label} broken over more than two lines:\n{}",
                    head.join("\n")
                );
            }
            // A continuation page starts with the repeated header, not with leftovers.
            if !page.text().contains("三、收到和处理政府信息公开申请情况") {
                assert!(
                    header <= 3,
                    "{what}: page {n} does not start with the header"
                );
            }
        }
        // Table 四's single row prints under its header, and its labels stay readable.
        if let Some(&row) = rows_with(page, 15).first() {
            let header = page
                .body()
                .iter()
                .position(|l| l.contains("行政复议"))
                .unwrap_or_else(|| panic!("{what}: page {n}: row of 四 without header"));
            assert!(header < row, "{what}: page {n}: row of 四 above its header");
            let head = &page.body()[header..row];
            for label in ["结果维持", "尚未审结"] {
                assert!(
                    on_two_lines_at_most(head, label),
                    "{what}: page {n}: {label} broken over more than two lines:\n{}",
                    head.join("\n")
                );
            }
        }
    }
    assert_eq!(
        pages
            .iter()
            .filter(|p| !rows_with(p, 15).is_empty())
            .count(),
        1,
        "{what}: table 四 not found once"
    );

    // Table 二: no page holds one row of it alone; its blocks are counted by their captions
    // (第二十条第（N）项), and a page with a single caption holds that whole block only if it
    // also holds another block or the section heading above the table.
    for page in pages {
        let captions = page
            .body()
            .iter()
            .filter(|l| l.contains("第二十条第"))
            .count();
        if captions == 1 && !page.text().contains("二、主动公开政府信息情况") {
            panic!(
                "{what}: page {} holds a single block of 二:\n{}",
                page.number,
                page.text()
            );
        }
    }

    // The document ends with the signature block: the agency, then the date.
    let last = pages.last().unwrap().body();
    // (Office suites space Latin figures from CJK text; pdftotext reads that as a space.)
    let tail: Vec<String> = last
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    assert_eq!(
        tail,
        [report.agency.as_str(), signed].map(String::from),
        "{what}: the last page does not end with the signature block"
    );
    // Right-aligned: both lines start in the right half of the page.
    let page = pages.last().unwrap();
    let lines = page.visual_lines();
    for line in &lines[lines.len().saturating_sub(2)..] {
        let start = page
            .body_words()
            .filter(|w| (w.y_max - line.y_max).abs() <= 2.0)
            .map(|w| w.x_min)
            .fold(f64::INFINITY, f64::min);
        assert!(start > MIDDLE, "{what}: {:?} not right-aligned", line.text);
    }
}

fn check_docx(report: &Report, signed: (i32, u32, u32), name: &str) {
    if soffice().is_none() || !poppler() {
        return skipped("LibreOffice or poppler");
    }
    let meta = meta(signed);
    let dir = scratch(name);
    let file = dir.join(format!("{name}.docx"));
    std::fs::write(
        &file,
        render_with(report, &[], Target::Docx, &meta).unwrap(),
    )
    .unwrap();
    let pdf = office_to_pdf(&dir, &file);
    keep(&pdf, &format!("{name}-docx.pdf"));
    keep(&file, &format!("{name}.docx"));
    let signed = format!("{}年{}月{}日", signed.0, signed.1, signed.2);
    assert_printed_well(&pages(&pdf), report, &signed, &format!("{name} DOCX"));
    // LibreOffice carries the core properties into the PDF's information dictionary.
    let out = Command::new(which("pdfinfo").unwrap())
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        info.lines()
            .any(|l| l.starts_with("Author:") && l.trim_end().ends_with(report.agency.as_str())),
        "{info}"
    );
    assert!(
        info.lines()
            .any(|l| l.starts_with("Title:") && l.trim_end().ends_with(title(report).as_str())),
        "{info}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn check_html(report: &Report, signed: (i32, u32, u32), name: &str) {
    if chromium().is_none() || !poppler() {
        return skipped("Chromium or poppler");
    }
    let meta = meta(signed);
    let dir = scratch(name);
    let file = dir.join(format!("{name}.html"));
    std::fs::write(
        &file,
        render_with(report, &[], Target::Html, &meta).unwrap(),
    )
    .unwrap();
    let pdf = html_to_pdf(&dir, &file);
    keep(&pdf, &format!("{name}-html.pdf"));
    keep(&file, &format!("{name}.html"));
    let signed = format!("{}年{}月{}日", signed.0, signed.1, signed.2);
    let pages = pages(&pdf);
    assert_printed_well(&pages, report, &signed, &format!("{name} HTML"));
    // Table 三 spans two pages here, so its header is seen to repeat.
    let headers = pages
        .iter()
        .filter(|p| p.text().contains("申请人情况"))
        .count();
    assert!(headers >= 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn seed_docx_prints_well() {
    check_docx(&seed(), (2021, 1, 20), "seed");
}

#[test]
fn long_2021_docx_prints_well() {
    check_docx(&shanghai(), (2026, 1, 15), "shanghai");
}

#[test]
fn seed_html_prints_well() {
    check_html(&seed(), (2021, 1, 20), "seed");
}

#[test]
fn long_2021_html_prints_well() {
    check_html(&shanghai(), (2026, 1, 15), "shanghai");
}

/// The checks themselves catch the faults they are for.
#[test]
fn the_page_checks_see_faults() {
    assert_eq!(integers("  （七）总计   2  0  0  0  0  0  2"), 7);
    assert_eq!(integers("1.属于国家秘密  0 0 -4 +3"), 4);
    let crumbled = ["社", "会", "公", "益", "组", "织"].map(String::from);
    assert!(!on_two_lines_at_most(&crumbled, "社会公益组织"));
    let two = [
        "  社会公   法律服".to_owned(),
        "  益组织   务机构".to_owned(),
    ];
    assert!(on_two_lines_at_most(&two, "社会公益组织"));
    assert!(on_two_lines_at_most(&two, "法律服务机构"));
    let three = ["社会".to_owned(), "公益".to_owned(), "组织".to_owned()];
    assert!(!on_two_lines_at_most(&three, "社会公益组织"));
    let page = |ys: &[f64]| Page {
        number: 1,
        lines: Vec::new(),
        words: ys
            .iter()
            .map(|&y| Word {
                x_min: 90.0,
                y_min: y - 10.0,
                y_max: y,
                text: String::from("0"),
            })
            .collect(),
    };
    let half = page(&[200.0, 423.0]);
    assert!((half.fill() - (423.0 - TOP) / (BOTTOM - TOP)).abs() < 1e-9);
    assert!((half.room_left() - (BOTTOM - 423.0)).abs() < 1e-9);
    assert_eq!(half.visual_lines().len(), 2);
    // The page number below the text block does not count.
    assert_eq!(page(&[790.0]).fill(), 0.0);
    let parsed = words(r#"<word xMin="1.5" yMin="2" xMax="3" yMax="4.25">申请</word>"#);
    assert_eq!(parsed.len(), 1);
    assert_eq!((parsed[0].x_min, parsed[0].y_max), (1.5, 4.25));
    assert_eq!(parsed[0].text, "申请");
}

/// The whole text of a PDF without any white space (table cells and long titles wrap).
fn pdf_text(pdf: &Path) -> String {
    (1..=page_count(pdf))
        .map(|page| pdftotext(pdf, page, "-raw"))
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A DOCX or XLSX of the seed converted by LibreOffice: A4 (`page_count` checks), with the title and the figures as
/// printed (`needles`).
fn check_office_figures(target: Target, needles: &[&str]) {
    if soffice().is_none() || !poppler() {
        return skipped("LibreOffice or poppler");
    }
    let report = seed();
    let dir = scratch(target.name());
    let file = dir.join(format!("report.{}", target.name()));
    std::fs::write(&file, render(&report, &[], target).unwrap()).unwrap();
    let pdf = office_to_pdf(&dir, &file);
    let text = pdf_text(&pdf);
    for needle in [title(&report).as_str()].iter().chain(needles) {
        assert!(text.contains(needle), "{target:?} PDF lacks {needle}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn docx_opens_in_libreoffice_and_prints_the_figures() {
    check_office_figures(
        Target::Docx,
        &[
            "一、总体情况",
            "六、其他需要报告的事项",
            "第二十条第（九）项",
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "未经复议直接起诉",
            // 行政许可·处理决定数量, 本年增/减 with its sign, and the amount (元 in the
            // model, printed in 万元).
            "45241",
            "-4",
            "33633789.63万元",
        ],
    );
}

#[test]
fn xlsx_opens_in_libreoffice_and_prints_the_figures() {
    check_office_figures(
        Target::Xlsx,
        &[
            "三、收到和处理政府信息公开申请情况",
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "未经复议直接起诉",
            "45241",
            // Signed counts keep their sign through the number format.
            "-4",
            // The amount (336337896300 元) is a number in 万元; its format prints the unit.
            "33633789.63万元",
            // The machine sheet (pdftotext may read its two columns apart).
            "t2.admin_licensing.decisions",
        ],
    );
}
