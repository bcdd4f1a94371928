//! The released copy's PDF, written from scratch: one JPEG image per page and the redaction log
//! (区分处理说明) at the end. Nothing else: no text layer over the images, no Info dictionary,
//! no XMP metadata, no annotations, attachments, outlines, forms or scripts, no object of the
//! original. Pure: values in, bytes out.

use crate::model::Area;
use std::fmt::Write as _;

/// A page of the released copy: a JPEG of the page and its size in points.
#[derive(Debug, Clone)]
pub struct PageImage {
    pub jpeg: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
    pub width_pt: f64,
    pub height_pt: f64,
}

/// A4 in points, the log page's size.
const A4: (f64, f64) = (595.0, 842.0);
const MARGIN: f64 = 56.0;
const BODY: f64 = 11.0;
const LEADING: f64 = 18.0;

/// The lines of the redaction log: which parts were withheld, where and why (第三十七条 asks
/// for the rest to be provided; the applicant learns what was not, and under which article).
pub fn log_lines(areas: &[Area], pages: usize) -> Vec<String> {
    let mut lines = vec![format!(
        "本文件依据《中华人民共和国政府信息公开条例》第三十七条作区分处理。原文件共 {pages} 页，本副本由原文件各页图像重新生成，不含原文件的文字层、元数据及其他隐藏内容。"
    )];
    if areas.is_empty() {
        lines.push("本文件没有不予公开的部分。".to_owned());
        return lines;
    }
    lines.push(format!("以下 {} 处内容不予公开（黑色遮盖）：", areas.len()));
    let pct = |v: f64| (v * 1000.0).round() / 10.0;
    for (i, a) in areas.iter().enumerate() {
        lines.push(format!(
            "{}. 第 {} 页，距左 {}%、距上 {}%，宽 {}%、高 {}%：依据{}，{}。",
            i + 1,
            a.page,
            pct(a.rect.x),
            pct(a.rect.y),
            pct(a.rect.w),
            pct(a.rect.h),
            a.reason.article(),
            a.reason.label()
        ));
    }
    lines
}

/// The width of a character in ems, near enough for wrapping (STSong-Light: CJK full width,
/// ASCII half).
fn em(c: char) -> f64 {
    if (c as u32) < 0x2E80 { 0.5 } else { 1.0 }
}

/// Lines broken to fit `width` points at `size`.
fn wrap(text: &str, size: f64, width: f64) -> Vec<String> {
    let mut out = Vec::new();
    let (mut line, mut used) = (String::new(), 0.0);
    for c in text.chars() {
        let w = em(c) * size;
        if used + w > width && !line.is_empty() {
            out.push(std::mem::take(&mut line));
            used = 0.0;
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// Text as a PDF hex string of UCS-2 code units (the encoding UniGB-UCS2-H reads).
fn ucs2_hex(text: &str) -> String {
    let mut s = String::with_capacity(text.len() * 4 + 2);
    s.push('<');
    for c in text.chars() {
        let u = u16::try_from(c as u32).unwrap_or(u16::from(b'?'));
        let _ = write!(s, "{u:04X}");
    }
    s.push('>');
    s
}

/// The content streams of the log pages.
fn log_pages(lines: &[String]) -> Vec<String> {
    let width = A4.0 - 2.0 * MARGIN;
    let mut pages = Vec::new();
    let mut content = String::new();
    let mut y = A4.1 - MARGIN;
    let heading = |content: &mut String, y: &mut f64, first: bool| {
        let title = if first {
            "区分处理说明"
        } else {
            "区分处理说明（续）"
        };
        let _ = writeln!(
            content,
            "BT /F1 18 Tf {MARGIN} {:.1} Td {} Tj ET",
            *y - 18.0,
            ucs2_hex(title)
        );
        *y -= 18.0 + LEADING * 1.5;
    };
    heading(&mut content, &mut y, true);
    for line in lines {
        for part in wrap(line, BODY, width) {
            if y < MARGIN + LEADING {
                pages.push(std::mem::take(&mut content));
                y = A4.1 - MARGIN;
                heading(&mut content, &mut y, false);
            }
            let _ = writeln!(
                content,
                "BT /F1 {BODY} Tf {MARGIN} {y:.1} Td {} Tj ET",
                ucs2_hex(&part)
            );
            y -= LEADING;
        }
        y -= LEADING * 0.4;
    }
    pages.push(content);
    pages
}

/// A ToUnicode map from UCS-2 codes to themselves, so that text extraction reads the log
/// without the viewer's CJK CMaps. Ranges may not cross a high byte (PDF 32000-1 §9.10.3), so
/// one range per high byte, surrogates left out.
fn to_unicode() -> String {
    let ranges: Vec<u32> = (0u32..=0xFF)
        .filter(|h| !(0xD8..=0xDF).contains(h))
        .collect();
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    for chunk in ranges.chunks(100) {
        let _ = writeln!(s, "{} beginbfrange", chunk.len());
        for h in chunk {
            let _ = writeln!(s, "<{h:02X}00> <{h:02X}FF> <{h:02X}00>");
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    s
}

/// A PDF being written: objects numbered from 1 in the order they are added.
pub(crate) struct Writer {
    out: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    pub(crate) fn new() -> Writer {
        // The binary comment marks the file as binary for transfer programs.
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        out.reserve(1 << 20);
        Writer {
            out,
            offsets: Vec::new(),
        }
    }

    /// The number the next object gets.
    fn next(&self) -> usize {
        self.offsets.len() + 1
    }

    /// Takes a number for an object written later with [`Writer::object_at`] (a parent that
    /// names its children, written once they are known).
    pub(crate) fn reserve(&mut self) -> usize {
        self.offsets.push(0);
        self.offsets.len()
    }

    /// Writes a reserved object.
    pub(crate) fn object_at(&mut self, n: usize, body: &str) {
        self.offsets[n - 1] = self.out.len();
        self.out
            .extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
    }

    pub(crate) fn object(&mut self, body: &str) -> usize {
        let n = self.next();
        self.offsets.push(self.out.len());
        self.out
            .extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
        n
    }

    pub(crate) fn stream(&mut self, dict: &str, data: &[u8]) -> usize {
        let n = self.next();
        self.offsets.push(self.out.len());
        self.out.extend_from_slice(
            format!("{n} 0 obj\n<< {dict} /Length {} >>\nstream\n", data.len()).as_bytes(),
        );
        self.out.extend_from_slice(data);
        self.out.extend_from_slice(b"\nendstream\nendobj\n");
        n
    }

    /// The cross-reference table and the trailer, naming `root` and nothing else.
    fn finish(self, root: usize) -> Vec<u8> {
        self.finish_with(root, "")
    }

    /// The same with more trailer entries (the test fixtures' `/Info`).
    pub(crate) fn finish_with(mut self, root: usize, trailer: &str) -> Vec<u8> {
        let xref = self.out.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len() + 1);
        for o in &self.offsets {
            let _ = writeln!(table, "{o:010} 00000 n ");
        }
        // No /Info and no /ID: nothing about the original or its author.
        let _ = write!(
            table,
            "trailer\n<< /Size {} /Root {root} 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n",
            self.offsets.len() + 1
        );
        self.out.extend_from_slice(table.as_bytes());
        self.out
    }
}

/// A page tree of these pages.
pub(crate) fn page_tree(kids: &[usize]) -> String {
    let refs: Vec<String> = kids.iter().map(|k| format!("{k} 0 R")).collect();
    format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        refs.join(" "),
        kids.len()
    )
}

/// Points of a fraction of the page, as PDF draws them (from the bottom left).
fn points(page: &PageImage, a: &Area) -> (f64, f64, f64, f64) {
    let (w, h) = (page.width_pt, page.height_pt);
    (
        a.rect.x * w,
        h - (a.rect.y + a.rect.h) * h,
        a.rect.w * w,
        a.rect.h * h,
    )
}

/// The released copy: the page images in order (the boxes already painted into them), each
/// box drawn again as a black rectangle over its image so that it prints crisply, then the
/// redaction log.
pub fn write(pages: &[PageImage], areas: &[Area]) -> Vec<u8> {
    let mut w = Writer::new();
    // Objects 1 and 2 are the catalog and the page tree; the rest follow.
    let tree = w.reserve();
    let catalog = w.object(&format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    let mut kids = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let image = w.stream(
            &format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceRGB \
                 /BitsPerComponent 8 /Filter /DCTDecode",
                page.width_px, page.height_px
            ),
            &page.jpeg,
        );
        let mut content = format!(
            "q {:.3} 0 0 {:.3} 0 0 cm /Im0 Do Q\n0 g\n",
            page.width_pt, page.height_pt
        );
        for a in areas.iter().filter(|a| a.page as usize == i + 1) {
            let (x, y, bw, bh) = points(page, a);
            let _ = writeln!(content, "{x:.3} {y:.3} {bw:.3} {bh:.3} re f");
        }
        let contents = w.stream("", content.as_bytes());
        kids.push(w.object(&format!(
            "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {:.3} {:.3}] \
             /Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {contents} 0 R >>",
            page.width_pt, page.height_pt
        )));
    }
    // The log's font: STSong-Light, one of the CJK fonts every conforming reader provides
    // (PDF 32000-1 §9.7.5.2: not embedded, so the copy stays small), UCS-2 encoded.
    let descriptor = w.object(
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 \
         /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 \
         /CapHeight 880 /StemV 93 >>",
    );
    let cid = w.object(&format!(
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> \
         /FontDescriptor {descriptor} 0 R /DW 1000 /W [1 95 500] >>"
    ));
    let unicode = w.stream("", to_unicode().as_bytes());
    let font = w.object(&format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
         /DescendantFonts [{cid} 0 R] /ToUnicode {unicode} 0 R >>"
    ));
    for content in log_pages(&log_lines(areas, pages.len())) {
        let contents = w.stream("", content.as_bytes());
        kids.push(w.object(&format!(
            "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {} {}] \
             /Resources << /Font << /F1 {font} 0 R >> >> /Contents {contents} 0 R >>",
            A4.0, A4.1
        )));
    }
    w.object_at(tree, &page_tree(&kids));
    w.finish(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Reason, Rect};

    #[test]
    fn the_log_names_every_box_and_its_article() {
        let areas = [
            Area {
                page: 1,
                rect: Rect {
                    x: 0.1,
                    y: 0.2,
                    w: 0.3,
                    h: 0.05,
                },
                reason: Reason::Art15,
            },
            Area {
                page: 2,
                rect: Rect {
                    x: 0.0,
                    y: 0.0,
                    w: 1.0,
                    h: 0.5,
                },
                reason: Reason::Art16Process,
            },
        ];
        let lines = log_lines(&areas, 2);
        assert!(
            lines[2].starts_with("1. 第 1 页，距左 10%、距上 20%"),
            "{}",
            lines[2]
        );
        assert!(lines[2].contains("依据第十五条"));
        assert!(lines[3].contains("依据第十六条第二款"));
        assert_eq!(
            log_lines(&[], 3)[1],
            "本文件没有不予公开的部分。",
            "a copy with no box says so"
        );
    }

    #[test]
    fn the_file_has_no_info_and_a_sound_cross_reference() {
        let page = PageImage {
            jpeg: vec![0xFF, 0xD8, 0xFF, 0xD9],
            width_px: 2,
            height_px: 2,
            width_pt: 100.0,
            height_pt: 100.0,
        };
        let pdf = write(&[page], &[]);
        let text = String::from_utf8_lossy(&pdf);
        assert!(!text.contains("/Info") && !text.contains("/Metadata") && !text.contains("/JS"));
        // Every offset in the table points at its object.
        let xref = text.rfind("xref\n").expect("xref");
        for (n, line) in text[xref..]
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .enumerate()
        {
            let at: usize = line[..10].parse().expect("offset");
            assert!(
                text[at..].starts_with(&format!("{} 0 obj", n + 1)),
                "object {} at {at}",
                n + 1
            );
        }
    }

    #[test]
    fn long_logs_continue_on_more_pages() {
        let many: Vec<Area> = (0..120)
            .map(|i| Area {
                page: 1,
                rect: Rect {
                    x: 0.0,
                    y: f64::from(i) / 200.0,
                    w: 0.1,
                    h: 0.001,
                },
                reason: Reason::Art14,
            })
            .collect();
        let pages = log_pages(&log_lines(&many, 1));
        assert!(pages.len() > 2, "{} pages", pages.len());
        assert!(pages[1].contains(&ucs2_hex("区分处理说明（续）")));
    }
}
