//! The DOCX and XLSX open in a real office suite: LibreOffice converts them to PDF, and the PDF
//! text holds the title and the figures as printed. Skipped (with a message, not a failure)
//! where LibreOffice is not installed.
#![allow(clippy::unwrap_used)]

use gongkai_render::{Target, render, title};
use gongkai_report::{Report, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn seed() -> Report {
    json::from_str(include_str!("../../../fixtures/reports/yanhu-2020.json")).unwrap()
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

/// A fresh directory under the system temp dir (tempfile is not a dependency here).
fn scratch(tag: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!(
        "gongkai-office-{tag}-{}-{nanos}",
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

/// Converts `file` to PDF with LibreOffice; `None` when LibreOffice is not installed.
fn to_pdf(dir: &Path, file: &Path) -> Option<PathBuf> {
    let soffice = soffice()?;
    // A private profile per conversion: the tests run in parallel and LibreOffice refuses to
    // share a profile between two running instances.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    // One conversion at a time, and a second try: under a loaded machine a first start of
    // LibreOffice with a new profile occasionally exits without converting.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let convert = || {
        run(
            Command::new(&soffice)
                .arg(&profile)
                .args(["--headless", "--convert-to", "pdf", "--outdir"])
                .arg(dir)
                .arg(file),
            Duration::from_secs(180),
        )
    };
    let ok = convert() || convert();
    assert!(ok, "LibreOffice failed to convert {}", file.display());
    let pdf = file.with_extension("pdf");
    let bytes = std::fs::read(&pdf).expect("LibreOffice wrote no PDF");
    assert!(bytes.starts_with(b"%PDF"), "{} is not a PDF", pdf.display());
    Some(pdf)
}

/// The PDF's text without any white space (table cells and long titles wrap), or `None`
/// when pdftotext is not installed.
fn pdf_text(pdf: &Path) -> Option<String> {
    let pdftotext = which("pdftotext")?;
    let txt = pdf.with_extension("txt");
    assert!(run(
        Command::new(pdftotext).arg(pdf).arg(&txt),
        Duration::from_secs(60)
    ));
    let text = std::fs::read_to_string(&txt).unwrap();
    Some(text.chars().filter(|c| !c.is_whitespace()).collect())
}

fn skipped() {
    // Written to the process's stderr directly: the test harness captures `eprintln!`, and
    // a skip should be visible in a normal `cargo test` run.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: LibreOffice not installed (soffice not on PATH)"
    );
}

#[test]
fn docx_opens_in_libreoffice_and_prints_the_figures() {
    if soffice().is_none() {
        return skipped();
    }
    let report = seed();
    let dir = scratch("docx");
    let file = dir.join("report.docx");
    std::fs::write(&file, render(&report, &[], Target::Docx).unwrap()).unwrap();
    let Some(pdf) = to_pdf(&dir, &file) else {
        return skipped();
    };
    if let Some(text) = pdf_text(&pdf) {
        for needle in [
            title(&report).as_str(),
            "一、总体情况",
            "六、其他需要报告的事项",
            "第二十条第（九）项",
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "未经复议直接起诉",
            // cell_text of 行政许可·处理决定数量, of 本年增/减 and of the amount in 元.
            "45241",
            "-4",
            "336337896300元",
        ] {
            assert!(text.contains(needle), "DOCX PDF lacks {needle}");
        }
    } else {
        eprintln!("pdftotext not installed: checked the conversion only");
    }
    if let Some(pdfinfo) = which("pdfinfo") {
        let out = Command::new(pdfinfo).arg(&pdf).output().unwrap();
        let info = String::from_utf8_lossy(&out.stdout);
        assert!(info.contains("(A4)"), "not A4: {info}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn xlsx_opens_in_libreoffice_and_prints_the_figures() {
    if soffice().is_none() {
        return skipped();
    }
    let report = seed();
    let dir = scratch("xlsx");
    let file = dir.join("report.xlsx");
    std::fs::write(&file, render(&report, &[], Target::Xlsx).unwrap()).unwrap();
    let Some(pdf) = to_pdf(&dir, &file) else {
        return skipped();
    };
    if let Some(text) = pdf_text(&pdf) {
        for needle in [
            title(&report).as_str(),
            "三、收到和处理政府信息公开申请情况",
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            "未经复议直接起诉",
            "45241",
            // Signed counts keep their sign through the number format.
            "-4",
            // The amount is a number; its format prints the unit 元.
            "336,337,896,300.00元",
            // The machine sheet (pdftotext may read its two columns apart).
            "t2.admin_licensing.decisions",
        ] {
            assert!(text.contains(needle), "XLSX PDF lacks {needle}");
        }
    } else {
        eprintln!("pdftotext not installed: checked the conversion only");
    }
    std::fs::remove_dir_all(&dir).ok();
}
