//! The edge: the programs that read documents. Poppler's `pdfinfo`, `pdftoppm` (pages as
//! pixels) and `pdftotext -bbox` (words with their boxes), and LibreOffice (`soffice
//! --headless --convert-to pdf`) for DOCX. Each runs in a temporary directory of its own with a
//! time limit, writes its output to files (no pipe to fill up), and a program that is not
//! there is named in the error.

use crate::Error;
use crate::model::Rect;
use crate::patterns::Word;
use image::RgbImage;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where the programs are and how long each may run.
#[derive(Debug, Clone)]
pub struct Tools {
    /// A directory searched before `PATH` (the configuration's `redact.tools_dir`).
    pub dir: Option<PathBuf>,
    /// The longest one program may run.
    pub timeout: Duration,
}

impl Default for Tools {
    fn default() -> Self {
        Tools {
            dir: None,
            timeout: Duration::from_secs(120),
        }
    }
}

/// The package that provides a program, for the error message.
fn package(program: &str) -> &'static str {
    match program {
        "soffice" => "LibreOffice（libreoffice-writer）",
        _ => "poppler（poppler-utils）",
    }
}

impl Tools {
    /// The program's path: in the configured directory, or on `PATH`.
    pub fn find(&self, program: &str) -> Result<PathBuf, Error> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        self.dir
            .iter()
            .cloned()
            .chain(std::env::split_paths(&path))
            .map(|d| d.join(program))
            .find(|p| p.is_file())
            .ok_or_else(|| Error::MissingProgram {
                program: program.to_owned(),
                package: package(program),
            })
    }

    /// Whether every program a document of this kind needs is there.
    pub fn available(&self, programs: &[&str]) -> bool {
        programs.iter().all(|p| self.find(p).is_ok())
    }

    /// Runs a program to completion within the time limit; its standard output and error go
    /// to files in `dir`, and the error's first lines are the message of a failure.
    fn run<I, S>(&self, program: &str, args: I, dir: &Path) -> Result<PathBuf, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let path = self.find(program)?;
        let failed = |message: String| Error::Failed {
            program: program.to_owned(),
            message,
        };
        let out = dir.join(format!("{program}.out"));
        let err = dir.join(format!("{program}.err"));
        let file = |p: &Path| std::fs::File::create(p).map_err(|e| failed(e.to_string()));
        let mut child = Command::new(path)
            .args(args)
            .current_dir(dir)
            // LibreOffice keeps its profile under HOME: one per run, so that runs never wait
            // for each other's lock.
            .env("HOME", dir)
            .stdin(Stdio::null())
            .stdout(file(&out)?)
            .stderr(file(&err)?)
            .spawn()
            .map_err(|e| failed(e.to_string()))?;
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| failed(e.to_string()))? {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Timeout {
                    program: program.to_owned(),
                    seconds: self.timeout.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        if !status.success() {
            let text = std::fs::read_to_string(&err).unwrap_or_default();
            let first: String = text.lines().take(3).collect::<Vec<_>>().join("；");
            return Err(failed(first));
        }
        Ok(out)
    }

    /// A DOCX converted to PDF by LibreOffice.
    pub fn docx_to_pdf(&self, docx: &[u8]) -> Result<Vec<u8>, Error> {
        let dir = temp()?;
        std::fs::write(dir.path().join("in.docx"), docx).map_err(io)?;
        self.run(
            "soffice",
            [
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                "out",
                "in.docx",
            ],
            dir.path(),
        )?;
        std::fs::read(dir.path().join("out/in.pdf")).map_err(|_| Error::Failed {
            program: "soffice".into(),
            message: "没有生成 PDF 文件".into(),
        })
    }

    /// The number of pages of a PDF.
    pub fn pages(&self, pdf: &[u8]) -> Result<u32, Error> {
        let dir = temp()?;
        std::fs::write(dir.path().join("in.pdf"), pdf).map_err(io)?;
        let out = self.run("pdfinfo", ["in.pdf"], dir.path())?;
        let text = std::fs::read_to_string(out).map_err(io)?;
        text.lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| Error::Failed {
                program: "pdfinfo".into(),
                message: "无法读取页数".into(),
            })
    }

    /// Pages `first..=last` (from 1; all when `None`) as RGB images at `dpi`.
    pub fn rasterize(
        &self,
        pdf: &[u8],
        dpi: u32,
        range: Option<(u32, u32)>,
    ) -> Result<Vec<RgbImage>, Error> {
        let dir = temp()?;
        std::fs::write(dir.path().join("in.pdf"), pdf).map_err(io)?;
        let mut args = vec!["-r".to_owned(), dpi.to_string()];
        if let Some((first, last)) = range {
            args.extend([
                "-f".into(),
                first.to_string(),
                "-l".into(),
                last.to_string(),
            ]);
        }
        args.extend(["in.pdf".into(), "p".into()]);
        self.run("pdftoppm", &args, dir.path())?;
        // pdftoppm numbers its files with as many digits as the last page needs: their names
        // sort in page order.
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ppm"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|f| ppm(&std::fs::read(f).map_err(io)?))
            .collect()
    }

    /// One page as a PNG at `dpi`, as the back office shows it.
    pub fn page_png(&self, pdf: &[u8], page: u32, dpi: u32) -> Result<Vec<u8>, Error> {
        let dir = temp()?;
        std::fs::write(dir.path().join("in.pdf"), pdf).map_err(io)?;
        let (p, r) = (page.to_string(), dpi.to_string());
        self.run(
            "pdftoppm",
            [
                "-png",
                "-singlefile",
                "-r",
                &r,
                "-f",
                &p,
                "-l",
                &p,
                "in.pdf",
                "page",
            ],
            dir.path(),
        )?;
        std::fs::read(dir.path().join("page.png")).map_err(io)
    }

    /// The words of every page with their boxes in fractions of the page.
    pub fn words(&self, pdf: &[u8]) -> Result<Vec<Word>, Error> {
        let dir = temp()?;
        std::fs::write(dir.path().join("in.pdf"), pdf).map_err(io)?;
        self.run("pdftotext", ["-bbox", "in.pdf", "words.html"], dir.path())?;
        let html = std::fs::read_to_string(dir.path().join("words.html")).map_err(io)?;
        Ok(parse_bbox(&html))
    }
}

fn temp() -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new()
        .prefix("gongkai-redact-")
        .tempdir()
        .map_err(io)
}

fn io(e: std::io::Error) -> Error {
    Error::Io(e.to_string())
}

/// A binary PPM (P6, 8 bits), as `pdftoppm` writes it.
fn ppm(bytes: &[u8]) -> Result<RgbImage, Error> {
    let bad = || Error::Image("pdftoppm 输出的图像无法读取".into());
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if bytes.get(at) == Some(&b'#') {
            while at < bytes.len() && bytes[at] != b'\n' {
                at += 1;
            }
            continue;
        }
        let start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if start == at {
            return Err(bad());
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).map_err(|_| bad())?);
    }
    let num = |s: &str| s.parse::<u32>().map_err(|_| bad());
    if fields[0] != "P6" || num(fields[3])? != 255 {
        return Err(bad());
    }
    let (w, h) = (num(fields[1])?, num(fields[2])?);
    // One whitespace byte ends the header.
    let data = bytes.get(at + 1..).ok_or_else(bad)?;
    let len = (w as usize) * (h as usize) * 3;
    RgbImage::from_raw(w, h, data.get(..len).ok_or_else(bad)?.to_vec()).ok_or_else(bad)
}

/// The value of attribute `name` in a tag.
fn attr(tag: &str, name: &str) -> Option<f64> {
    let key = format!("{name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    tag[start..end].parse().ok()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The words of `pdftotext -bbox` output: `<page width height>` then `<word xMin yMin xMax
/// yMax>text</word>`, in points from the top left.
pub fn parse_bbox(html: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let (mut page, mut size) = (0u32, (1.0f64, 1.0f64));
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[..=close];
        if tag.starts_with("<page ") {
            page += 1;
            size = (
                attr(tag, "width").unwrap_or(1.0).max(1.0),
                attr(tag, "height").unwrap_or(1.0).max(1.0),
            );
        } else if tag.starts_with("<word ") {
            let body = &rest[close + 1..];
            let end = body.find("</word>").unwrap_or(body.len());
            if let (Some(x0), Some(y0), Some(x1), Some(y1)) = (
                attr(tag, "xMin"),
                attr(tag, "yMin"),
                attr(tag, "xMax"),
                attr(tag, "yMax"),
            ) {
                words.push(Word {
                    page,
                    rect: Rect {
                        x: x0 / size.0,
                        y: y0 / size.1,
                        w: (x1 - x0) / size.0,
                        h: (y1 - y0) / size.1,
                    },
                    text: unescape(&body[..end]),
                });
            }
        }
        rest = &rest[close + 1..];
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_output_becomes_words_in_fractions() {
        let html = r#"<doc><page width="200.000000" height="400.000000">
<word xMin="20.0" yMin="40.0" xMax="60.0" yMax="50.0">A&amp;B</word>
</page><page width="100" height="100"><word xMin="0" yMin="0" xMax="10" yMax="10">二</word></page></doc>"#;
        let words = parse_bbox(html);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].text, "A&B");
        assert_eq!(
            words[0].rect,
            Rect {
                x: 0.1,
                y: 0.1,
                w: 0.2,
                h: 0.025
            }
        );
        assert_eq!((words[1].page, words[1].text.as_str()), (2, "二"));
    }

    #[test]
    fn ppm_is_read_with_comments() {
        let mut bytes = b"P6\n# by test\n2 1\n255\n".to_vec();
        bytes.extend([1, 2, 3, 4, 5, 6]);
        let image = ppm(&bytes).expect("reads");
        assert_eq!(image.get_pixel(1, 0).0, [4, 5, 6]);
        assert!(ppm(b"P5\n1 1\n255\n\0").is_err());
    }

    #[test]
    fn a_missing_program_is_named() {
        let tools = Tools {
            dir: None,
            timeout: Duration::from_secs(1),
        };
        let e = tools.find("gongkai-no-such-program").expect_err("absent");
        assert!(e.to_string().contains("gongkai-no-such-program"), "{e}");
    }
}
