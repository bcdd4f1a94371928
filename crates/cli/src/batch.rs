//! `gongkai report check` over many files: directories walked, files read, checked and their
//! output rendered in parallel (rayon), a chunk of files at a time; each chunk's results are
//! written to the output and to a dataset in file order, so that two runs give the same output
//! whatever the number of threads; the cross-year rules applied over the whole set at the end,
//! and a summary.
//!
//! Memory stays bounded whatever the number of files: a chunk holds a few hundred files'
//! rendered outputs; the main thread keeps, per readable report, only the few figures the
//! cross-year rules need (the [`Series`] of `gongkai-services`), with where they were found,
//! and a few counts.
//!
//! A file that is no report at all (an image, a README found in the directory) is skipped with
//! a note; a file named on the command line that cannot be read makes the exit status 2.

use crate::Status;
use crate::commands::report::{self, CheckArgs, CrossYear};
use crate::files::{self, AtomicFile};
use anyhow::{Result, bail};
use gongkai_report::rules::{Finding, Rule, Severity};
use gongkai_report::spreadsheet::guard as csv_text;
use gongkai_report::{CellKey, Format, json, template};
use gongkai_services::review::{Aliases, Reviewed, Series};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

/// Above this many files, batch mode prints one line per file unless `--verbose`.
const SHORT_OUTPUT_ABOVE: usize = 20;

/// Files per thread read in one chunk: enough that a slow file (a large PDF) at the end of a
/// chunk leaves the other threads idle only briefly, few enough to keep memory small.
const CHUNK_PER_JOB: usize = 256;

/// How many of the worst reports the summary lists.
const WORST_SHOWN: usize = 10;

/// Whether `check` runs in batch mode: a directory is given, or a dataset or a number of jobs
/// is asked for, or more than [`SHORT_OUTPUT_ABOVE`] files are given.
pub fn is_batch(args: &CheckArgs) -> bool {
    args.dataset.is_some()
        || args.jobs.is_some()
        || args.files.len() > SHORT_OUTPUT_ABOVE
        || args.files.iter().any(|p| p.is_dir())
}

/// Each worker's stack: generous, so that no input can exhaust it (the readers bound their
/// own nesting too).
const WORKER_STACK: usize = 16 << 20;

/// What a worker sends back for one file.
struct Outcome {
    file: String,
    bytes: u64,
    /// Named on the command line (not found in a directory).
    named: bool,
    result: Result<Checked, files::ReadError>,
}

/// A readable file, checked, with its output already rendered: the workers do everything per
/// file, so that the main thread, which only tallies and writes in order of arrival, never
/// becomes the bottleneck.
struct Checked {
    findings: Vec<Finding>,
    complete: bool,
    /// The file's part of the output (a JSON line, a full text or one line).
    output: Vec<u8>,
    /// The file's dataset row.
    row: Option<Row>,
    /// The report, for the cross-year rules (reduced by the main thread).
    reviewed: Box<Reviewed>,
}

/// What a worker needs to render a file's output.
struct Render<'a> {
    json: bool,
    detail: bool,
    dataset: Option<DatasetKind>,
    columns: &'a [CellKey],
}

/// What is kept of a readable report for the summary.
struct Kept {
    file: String,
    errors: usize,
    warnings: usize,
}

/// The dataset being written, row by row as reports come.
enum Dataset {
    Csv(Box<csv::Writer<AtomicFile>>),
    Jsonl(AtomicFile),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DatasetKind {
    Csv,
    Jsonl,
}

/// One report's dataset row, rendered by a worker.
enum Row {
    Csv(Vec<String>),
    Jsonl(String),
}

/// The columns of the CSV dataset after the metadata: every cell key of both formats, in
/// canonical order.
fn dataset_cells() -> Vec<CellKey> {
    let mut keys: Vec<CellKey> = Format::ALL
        .iter()
        .flat_map(|&f| template::cells(f))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

const DATASET_META: [&str; 8] = [
    "file",
    "agency",
    "year",
    "format",
    "kind",
    "completeness",
    "errors",
    "warnings",
];

impl Dataset {
    fn create(path: &Path) -> Result<Dataset> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "csv" => {
                let mut file = AtomicFile::create(path)?;
                file.write_all("\u{feff}".as_bytes())?;
                let mut w = csv::Writer::from_writer(file);
                let header: Vec<String> = DATASET_META
                    .iter()
                    .map(|s| (*s).to_owned())
                    .chain(dataset_cells().iter().map(|k| k.to_string()))
                    .collect();
                w.write_record(&header)?;
                Ok(Dataset::Csv(Box::new(w)))
            }
            "jsonl" | "ndjson" => Ok(Dataset::Jsonl(AtomicFile::create(path)?)),
            _ => bail!(
                "数据集文件应以 .csv 或 .jsonl 结尾（dataset must be .csv or .jsonl）：{}",
                path.display()
            ),
        }
    }

    fn kind(&self) -> DatasetKind {
        match self {
            Dataset::Csv(_) => DatasetKind::Csv,
            Dataset::Jsonl(_) => DatasetKind::Jsonl,
        }
    }

    fn write(&mut self, row: &Row) -> Result<()> {
        match (self, row) {
            (Dataset::Csv(w), Row::Csv(cells)) => w.write_record(cells)?,
            (Dataset::Jsonl(f), Row::Jsonl(line)) => {
                f.write_all(line.as_bytes())?;
                f.write_all(b"\n")?;
            }
            _ => bail!("数据集的行与文件格式不符"),
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        match self {
            Dataset::Csv(w) => {
                let file = w
                    .into_inner()
                    .map_err(|e| anyhow::anyhow!("无法写入数据集：{}", e.error()))?;
                file.finish()
            }
            Dataset::Jsonl(f) => f.finish(),
        }
    }
}

/// A report's dataset row: the metadata, then every cell of [`dataset_cells`] (CSV) or the
/// canonical tables (JSON Lines).
fn dataset_row(
    kind: DatasetKind,
    columns: &[CellKey],
    file: &str,
    input: &Reviewed,
    errors: usize,
    warnings: usize,
) -> Result<Row> {
    let r = input.report();
    Ok(match kind {
        DatasetKind::Csv => {
            // Text from an untrusted report must not become a spreadsheet formula.
            let mut row: Vec<String> = vec![
                csv_text(file).into_owned(),
                csv_text(&r.agency).into_owned(),
                r.known_year().map(|y| y.to_string()).unwrap_or_default(),
                r.format.as_str().to_owned(),
                input.parsed.kind.name().to_owned(),
                format!("{:.3}", input.completeness().ratio()),
                errors.to_string(),
                warnings.to_string(),
            ];
            row.extend(
                columns
                    .iter()
                    .map(|&k| r.get(k).map(|v| v.to_string()).unwrap_or_default()),
            );
            Row::Csv(row)
        }
        DatasetKind::Jsonl => {
            let canonical = json::to_value(r, None);
            let line = json!({
                "file": file,
                "agency": r.agency,
                "year": r.known_year(),
                "format": r.format.as_str(),
                "kind": input.parsed.kind.name(),
                "completeness": input.completeness().ratio(),
                "errors": errors,
                "warnings": warnings,
                "tables": canonical["tables"],
            });
            Row::Jsonl(serde_json::to_string(&line)?)
        }
    })
}

/// Running totals for the summary.
#[derive(Default)]
struct Tally {
    files: usize,
    fully: usize,
    partly: usize,
    failed: usize,
    /// Files that are no report at all, skipped.
    skipped: usize,
    bytes: u64,
    /// Per rule: findings, and reports with at least one.
    by_rule: BTreeMap<Rule, (usize, usize)>,
    status: Option<Status>,
}

impl Tally {
    fn rule_counts(&mut self, findings: &[Finding]) {
        let mut seen = Vec::new();
        for f in findings {
            let e = self.by_rule.entry(f.rule).or_default();
            e.0 += 1;
            if !seen.contains(&f.rule) {
                seen.push(f.rule);
                e.1 += 1;
            }
        }
    }

    fn worsen(&mut self, s: Status) {
        self.status = Some(self.status.map_or(s, |t| t.max(s)));
    }
}

/// Runs `check` in batch mode.
pub fn run(args: &CheckArgs, aliases: &Aliases) -> Result<Status> {
    let started = Instant::now();
    let (paths, walk_errors) = files::collect_inputs(&args.files);
    let mut dataset = args.dataset.as_deref().map(Dataset::create).transpose()?;
    let jobs = args
        .jobs
        .map_or_else(rayon::current_num_threads, usize::from);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(WORKER_STACK)
        .build()?;
    let detail = args.verbose || paths.len() <= SHORT_OUTPUT_ABOVE;
    let bar = if std::io::stderr().is_terminal() {
        let bar =
            ProgressBar::with_draw_target(Some(paths.len() as u64), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} 份 {per_sec} 剩余 {eta} {wide_msg}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };

    let mut tally = Tally::default();
    let mut kept: Vec<Kept> = Vec::new();
    let mut series = Series::new();
    let mut out = std::io::stdout().lock();

    for e in &walk_errors {
        tally.files += 1;
        tally.failed += 1;
        unchecked(
            &mut out,
            &bar,
            args.json,
            (Unchecked::Unreadable, &e.file, &e.message),
        )?;
    }

    // Workers read, check and render a chunk; the main thread tallies and writes it in order.
    let columns = dataset_cells();
    let render = Render {
        json: args.json,
        detail,
        dataset: dataset.as_ref().map(Dataset::kind),
        columns: &columns,
    };
    for chunk in paths.chunks(CHUNK_PER_JOB * jobs) {
        let outcomes: Vec<Outcome> = pool.install(|| {
            chunk
                .par_iter()
                .map(|(p, named)| process(p, *named, &render))
                .collect()
        });
        for outcome in outcomes {
            tally.files += 1;
            tally.bytes += outcome.bytes;
            bar.inc(1);
            match outcome.result {
                Err(e) if e.not_a_report && !outcome.named => {
                    tally.skipped += 1;
                    unchecked(
                        &mut out,
                        &bar,
                        args.json,
                        (Unchecked::Skipped, &outcome.file, &e.message),
                    )?;
                }
                Err(e) => {
                    tally.failed += 1;
                    // Only a file the user named makes the run fail: one found in a directory
                    // is reported and the others are checked.
                    if outcome.named {
                        tally.worsen(Status::Trouble);
                    }
                    unchecked(
                        &mut out,
                        &bar,
                        args.json,
                        (Unchecked::Unreadable, &outcome.file, &e.message),
                    )?;
                }
                Ok(checked) => {
                    if checked.complete {
                        tally.fully += 1;
                    } else {
                        tally.partly += 1;
                    }
                    tally.rule_counts(&checked.findings);
                    tally.worsen(report::status_of(&checked.findings));
                    if let (Some(d), Some(row)) = (dataset.as_mut(), &checked.row) {
                        d.write(row)?;
                    }
                    bar.suspend(|| out.write_all(&checked.output))?;
                    let (errors, warnings) = checked.reviewed.counts();
                    series.add(&checked.reviewed);
                    kept.push(Kept {
                        file: outcome.file,
                        errors,
                        warnings,
                    });
                }
            }
        }
    }
    bar.finish_and_clear();

    // The cross-year rules over the whole set, by agency (name variants and aliases matched).
    let groups = series.groups(aliases);
    let pairs = series
        .with_predecessor(&groups)
        .into_iter()
        .filter(|&p| p)
        .count();
    let mut series_findings: Vec<(usize, Finding)> = series.findings(&groups);
    series_findings.sort_by(|a, b| {
        kept[a.0]
            .file
            .cmp(&kept[b.0].file)
            .then(a.1.rule.cmp(&b.1.rule))
    });
    for (i, f) in &series_findings {
        tally.rule_counts(std::slice::from_ref(f));
        let k = &mut kept[*i];
        if f.severity == Severity::Error {
            k.errors += 1;
        } else {
            k.warnings += 1;
        }
    }
    if args.json {
        for (i, f) in &series_findings {
            let (k, r) = (&kept[*i], series.report(*i));
            let v = json!({
                "type": "cross_year",
                "file": k.file,
                "agency": r.agency,
                "year": r.known_year(),
                "finding": report::finding_json(f, series.provenance(*i)),
            });
            writeln!(out, "{}", serde_json::to_string(&v)?)?;
        }
    } else {
        // Every report's text said the cross-year rules are listed here: always say what they
        // found, even nothing.
        writeln!(
            out,
            "\n跨年度检查（R5、R6 及 R9 跨年度异常增减，按机关配对，共 {pairs} 份报告有上一年度的报告）："
        )?;
        if series_findings.is_empty() {
            writeln!(out, "  未发现问题")?;
        }
        let mut last = None;
        for (i, f) in &series_findings {
            let (k, r) = (&kept[*i], series.report(*i));
            if last != Some(*i) {
                writeln!(out, "{}：{} {} 年", k.file, r.agency, report::shown_year(r))?;
                last = Some(*i);
            }
            report::write_finding(&mut out, f, series.provenance(*i))?;
        }
    }
    // Cross-year rules are warnings; the status only changes through the single-report rules.
    let cross_year_reports = series_findings.len();

    if let Some(d) = dataset {
        d.finish()?;
    }

    // The summary.
    let seconds = started.elapsed().as_secs_f64().max(1e-9);
    let mut worst: Vec<(usize, &Kept)> = kept
        .iter()
        .enumerate()
        .filter(|(_, k)| k.errors > 0)
        .collect();
    worst.sort_by(|(_, a), (_, b)| {
        b.errors
            .cmp(&a.errors)
            .then(b.warnings.cmp(&a.warnings))
            .then(a.file.cmp(&b.file))
    });
    worst.truncate(WORST_SHOWN);
    let files_per_s = tally.files as f64 / seconds;
    let mb_per_s = tally.bytes as f64 / 1e6 / seconds;
    if args.json {
        let by_rule: serde_json::Map<String, serde_json::Value> = tally
            .by_rule
            .iter()
            .map(|(r, (n, reports))| {
                (
                    r.to_string(),
                    json!({ "findings": n, "reports": reports, "severity": r.severity() }),
                )
            })
            .collect();
        let v = json!({
            "type": "summary",
            "files": tally.files,
            "read_fully": tally.fully,
            "read_partly": tally.partly,
            "failed": tally.failed,
            "by_rule": by_rule,
            "cross_year_findings": cross_year_reports,
            "skipped": tally.skipped,
            "worst": worst.iter().map(|&(i, k)| json!({
                "file": k.file, "agency": series.report(i).agency, "year": series.report(i).known_year(),
                "errors": k.errors, "warnings": k.warnings,
            })).collect::<Vec<_>>(),
            "jobs": jobs,
            "bytes": tally.bytes,
            "seconds": (seconds * 1000.0).round() / 1000.0,
            "files_per_second": files_per_s.round(),
            "mb_per_second": (mb_per_s * 100.0).round() / 100.0,
            "dataset": args.dataset.as_ref().map(|p| p.display().to_string()),
        });
        writeln!(out, "{}", serde_json::to_string(&v)?)?;
    } else {
        writeln!(
            out,
            "\n汇总：共 {} 个文件；完整读取 {}，部分读取 {}，无法读取 {}，不是年度报告而跳过 {}",
            tally.files, tally.fully, tally.partly, tally.failed, tally.skipped
        )?;
        if tally.by_rule.is_empty() {
            writeln!(out, "未发现问题")?;
        } else {
            writeln!(out, "按规则：")?;
            for (rule, (n, reports)) in &tally.by_rule {
                writeln!(
                    out,
                    "  {rule:<3} {}：{n} 处，涉及 {reports} 份报告 —— {}",
                    rule.severity(),
                    rule.description()
                )?;
            }
        }
        if !worst.is_empty() {
            writeln!(out, "错误最多的报告：")?;
            for (i, k) in &worst {
                let r = series.report(*i);
                writeln!(
                    out,
                    "  {}：{} {} 年，{} 个错误，{} 个警告",
                    k.file,
                    r.agency,
                    report::shown_year(r),
                    k.errors,
                    k.warnings
                )?;
            }
        }
        writeln!(
            out,
            "用时 {seconds:.2} 秒，{files_per_s:.0} 份/秒，{mb_per_s:.1} MB/秒（{jobs} 个线程，共 {:.1} MB）",
            tally.bytes as f64 / 1e6
        )?;
        if let Some(p) = &args.dataset {
            writeln!(out, "数据集：{}", p.display())?;
        }
    }
    out.flush()?;
    Ok(tally.status.unwrap_or(Status::Ok))
}

/// Reads, checks and renders one file (in a worker).
/// Reads, checks and renders one file. A panic in a reader (a bug an unforeseen input could
/// still reach) is caught and reported as that file being unreadable: one file never ends a
/// batch of thousands, and the others are still checked and the dataset written.
fn process(path: &Path, named: bool, render: &Render<'_>) -> Outcome {
    let file = path.display().to_string();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        process_file(path, named, render)
    }))
    .unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Outcome {
            bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            named,
            result: Err(files::ReadError {
                file: file.clone(),
                message: format!("读取时发生内部错误，已跳过该文件（{what}）"),
                not_a_report: false,
            }),
            file,
        }
    })
}

fn process_file(path: &Path, named: bool, render: &Render<'_>) -> Outcome {
    let file = path.display().to_string();
    match files::read_input(path) {
        Ok((reviewed, bytes)) => {
            let result = checked(&file, reviewed, render).map_err(|e| files::ReadError {
                file: file.clone(),
                message: format!("{e:#}"),
                not_a_report: false,
            });
            Outcome {
                file,
                bytes,
                named,
                result,
            }
        }
        Err(e) => Outcome {
            bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            file,
            named,
            result: Err(e),
        },
    }
}

/// Renders a checked file's output and dataset row.
fn checked(file: &str, input: Reviewed, render: &Render<'_>) -> Result<Checked> {
    let (errors, warnings) = input.counts();
    let c = input.completeness();
    let mut output = Vec::new();
    if render.json {
        let mut v = report::report_json(file, &input, &input.findings);
        if let Some(o) = v.as_object_mut() {
            o.insert("type".into(), json!("report"));
        }
        serde_json::to_writer(&mut output, &v)?;
        output.push(b'\n');
    } else if render.detail {
        report::write_check_text(&mut output, file, &input, &input.findings, CrossYear::Later)?;
    } else {
        let r = input.report();
        writeln!(
            output,
            "{file}：{} {} 年（{}，读取 {:.0}%）：{errors} 个错误，{warnings} 个警告",
            r.agency,
            report::shown_year(r),
            input.parsed.kind.name(),
            c.ratio() * 100.0
        )?;
    }
    let row = render
        .dataset
        .map(|kind| dataset_row(kind, render.columns, file, &input, errors, warnings))
        .transpose()?;
    Ok(Checked {
        findings: input.findings.clone(),
        complete: c.found >= c.total,
        output,
        row,
        reviewed: Box::new(input),
    })
}

/// A file that was not checked, and why.
#[derive(Clone, Copy)]
enum Unchecked {
    /// No report at all: skipped with a note.
    Skipped,
    /// A report that could not be read: also said on standard error.
    Unreadable,
}

/// Notes a file that was not checked: on the output (a line, or a JSON object), and on
/// standard error when it could not be read.
fn unchecked(
    out: &mut impl Write,
    bar: &ProgressBar,
    as_json: bool,
    (kind, file, message): (Unchecked, &str, &str),
) -> Result<()> {
    bar.suspend(|| -> Result<()> {
        let (tag, field, text) = match kind {
            Unchecked::Skipped => (
                "skipped",
                "reason",
                format!("{file}：跳过 —— 不是年度报告（{message}）"),
            ),
            Unchecked::Unreadable => (
                "unreadable",
                "error",
                format!("{file}：无法读取 —— {message}"),
            ),
        };
        if as_json {
            let v = json!({ "type": tag, "file": file, field: message });
            writeln!(out, "{}", serde_json::to_string(&v)?)?;
        } else {
            writeln!(out, "{text}")?;
        }
        if let Unchecked::Unreadable = kind {
            eprintln!("gongkai：无法读取 {file}：{message}");
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_columns_are_the_union_of_both_formats_in_canonical_order() {
        let cells = dataset_cells();
        for f in Format::ALL {
            for k in template::cells(f) {
                assert!(cells.contains(&k), "{k}");
            }
        }
        assert!(cells.windows(2).all(|w| w[0] < w[1]));
    }
}
