//! The PDF front-end: PDFs with a text layer, as 公文 are exported by WPS and Word.
//!
//! - Objects and content streams come from `lopdf`; the text-showing operators (`Tj`, `TJ`, `'`,
//!   `"`, with `Tf`, `Tm`, `Td`, `cm`, `q`/`Q`, form XObjects) are walked here, and every glyph
//!   is placed on the page.
//! - Codes become text through the font's `ToUnicode` CMap; without one, through the font's
//!   predefined CMap (`GBK-EUC-H`, `GB-EUC-H` as GBK; `UniGB-UCS2-H`, `UniGB-UTF16-H` as UTF-16)
//!   or, for simple fonts, as Latin-1. Vertical fonts (`Identity-V`: the vertical row header
//!   of table 三) are skipped: their text is a group label the back-end does not need.
//! - Glyphs are grouped into lines by baseline, sorted by x; a wide gap becomes a column gap. The
//!   lines are laid out as aligned text and read by the [`crate::text`] front-end (which joins
//!   wrapped paragraphs and splits aligned rows); every source is mapped back to
//!   [`Source::Page`]. Page footers (`-4-`, `— 4 —`) are dropped.
//!
//! Isolation: PDF parsers are a classic source of panics and pathological slowness on hostile
//! input. Extraction runs on its own thread under [`std::panic::catch_unwind`] with a time limit;
//! a panic or a timeout becomes [`ReadError::Unreadable`] for that file. A thread that overruns
//! cannot be killed, so the walk here checks a cancellation flag between operators and pages and
//! stops soon after the deadline; only a hang inside `lopdf` itself would keep running in the
//! background (a child process would contain that too, but needs a helper executable, which a
//! library cannot assume).

use crate::ReadError;
use crate::document::{Block, Document, Source};
use lopdf::{Dictionary, Object, ObjectId};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The default time limit of one extraction.
pub const TIME_LIMIT: Duration = Duration::from_secs(30);

const MAX_PAGES: usize = 2_000;
const MAX_GLYPHS: usize = 2_000_000;
const MAX_CONTENT: usize = 64 << 20;
const MAX_FORM_DEPTH: usize = 8;

/// Parses a PDF, isolated, with the default time limit.
pub fn parse(bytes: &[u8]) -> Result<Document, ReadError> {
    parse_with_limit(bytes, TIME_LIMIT)
}

/// Parses a PDF on its own thread: a panic or a run longer than `limit` is an error.
pub fn parse_with_limit(bytes: &[u8], limit: Duration) -> Result<Document, ReadError> {
    let pages = extract_isolated(bytes, limit)?;
    Ok(document(&pages))
}

/// The lines of every page (page footers dropped), isolated.
pub fn extract_isolated(bytes: &[u8], limit: Duration) -> Result<Vec<Vec<Line>>, ReadError> {
    let data: Arc<[u8]> = Arc::from(bytes);
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::channel();
    let flag = Arc::clone(&cancel);
    let spawned = std::thread::Builder::new()
        .name("gongkai-pdf".into())
        .stack_size(32 << 20)
        .spawn(move || {
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| extract(&data, &flag)));
            let _ = tx.send(result);
        });
    let handle = match spawned {
        Ok(h) => h,
        Err(e) => return Err(ReadError::Unreadable(format!("无法启动 PDF 解析线程：{e}"))),
    };
    let failed = || ReadError::Unreadable("PDF 解析失败（解析器内部错误）".into());
    match rx.recv_timeout(limit) {
        Ok(result) => {
            // The thread has sent its last message: wait for it to end, so that it leaves
            // nothing behind (found by LeakSanitizer while fuzzing).
            let _ = handle.join();
            result.unwrap_or_else(|_| Err(failed()))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            // The thread cannot be killed: tell the walk to stop and leave it detached.
            cancel.store(true, Ordering::Relaxed);
            Err(ReadError::Unreadable(format!(
                "PDF 解析超时（超过 {} 秒）",
                limit.as_secs_f32()
            )))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            let _ = handle.join();
            Err(failed())
        }
    }
}

/// The extraction without isolation: a panic propagates and nothing limits the time. For fuzzing
/// and debugging only.
pub fn extract_unisolated(bytes: &[u8]) -> Result<Vec<Vec<Line>>, ReadError> {
    extract(bytes, &AtomicBool::new(false))
}

/// A placed glyph (device space, y up).
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    /// Advance width.
    w: f64,
    size: f64,
    text: String,
}

/// A line of a page: its fields (text runs separated by wide gaps) with their x positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// (x of the field's first glyph, text).
    pub fields: Vec<(f64, String)>,
    /// Baseline.
    pub y: f64,
    /// Font size (the largest on the line).
    pub size: f64,
}

impl Line {
    /// The line's text, fields separated by a space.
    pub fn text(&self) -> String {
        self.fields
            .iter()
            .map(|f| f.1.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn extract(bytes: &[u8], cancel: &AtomicBool) -> Result<Vec<Vec<Line>>, ReadError> {
    let doc = lopdf::Document::load_mem(bytes)
        .map_err(|e| ReadError::Unreadable(format!("PDF 文件无法打开：{e}")))?;
    let mut pages = Vec::new();
    let mut fonts: HashMap<ObjectId, Arc<Font>> = HashMap::new();
    let mut glyph_count = 0usize;
    let mut unmapped = 0usize;
    for (_, page_id) in doc.get_pages().into_iter().take(MAX_PAGES) {
        if cancel.load(Ordering::Relaxed) {
            return Err(ReadError::Unreadable("PDF 解析已取消".into()));
        }
        let content = match doc.get_page_content_with_limit(page_id, MAX_CONTENT) {
            Ok(c) => c,
            Err(_) => {
                pages.push(Vec::new());
                continue;
            }
        };
        let resources = page_resources(&doc, page_id);
        let mut walker = Walker {
            doc: &doc,
            fonts: &mut fonts,
            glyphs: Vec::new(),
            cancel,
            budget: MAX_GLYPHS.saturating_sub(glyph_count),
            unmapped: 0,
        };
        walker.run(&content, &resources, IDENTITY, 0);
        glyph_count += walker.glyphs.len();
        unmapped += walker.unmapped;
        let glyphs = std::mem::take(&mut walker.glyphs);
        pages.push(lines(glyphs));
    }
    if pages.iter().all(Vec::is_empty) {
        // Glyph codes of a subset font without `ToUnicode` are glyph numbers of that font
        // alone: no table maps them back to characters, so say that rather than "a scan".
        return Err(ReadError::Unreadable(if unmapped > 0 {
            format!(
                "PDF 有{unmapped}个字形，但字体没有字符映射（ToUnicode），文字无法还原；\
                 请取得 Word/WPS 原文或网页版"
            )
        } else {
            "PDF 没有文字层（可能是扫描件）".into()
        }));
    }
    Ok(pages)
}

/// The resource dictionaries of a page, nearest first.
fn page_resources(doc: &lopdf::Document, page_id: ObjectId) -> Vec<Dictionary> {
    let mut out = Vec::new();
    if let Ok((dict, ids)) = doc.get_page_resources(page_id) {
        if let Some(d) = dict {
            out.push(d.clone());
        }
        for id in ids {
            if let Ok(d) = doc.get_dictionary(id) {
                out.push(d.clone());
            }
        }
    }
    out
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b` in the PDF row-vector convention.
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

fn matrix(ops: &[Object]) -> Option<Matrix> {
    if ops.len() < 6 {
        return None;
    }
    let mut m = [0.0; 6];
    for (i, o) in ops[ops.len() - 6..].iter().enumerate() {
        m[i] = num(o)?;
    }
    Some(m)
}

/// What a font needs for text extraction.
#[derive(Debug, Default)]
struct Font {
    /// Code ranges by byte length, from the CMap's `codespacerange`.
    codespace: Vec<(Vec<u8>, Vec<u8>)>,
    /// Bytes per code when there is no codespace.
    two_byte: bool,
    to_unicode: HashMap<u32, String>,
    fallback: Fallback,
    /// Widths (in 1/1000 text space) by code (simple fonts) or CID (Type0, Identity).
    widths: HashMap<u32, f64>,
    default_width: f64,
    vertical: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    #[default]
    Latin1,
    Gbk,
    Utf16,
    None,
}

impl Font {
    fn load(doc: &lopdf::Document, dict: &Dictionary) -> Font {
        let mut f = Font {
            default_width: 1000.0,
            ..Font::default()
        };
        let subtype = name_of(doc, dict.get(b"Subtype").ok());
        let encoding = name_of(doc, dict.get(b"Encoding").ok());
        let type0 = subtype == "Type0";
        if type0 {
            f.two_byte = true;
            f.vertical = encoding.ends_with("-V");
            f.fallback = if encoding.contains("GBK")
                || encoding.contains("GB-EUC")
                || encoding.contains("GBpc-EUC")
                || encoding.contains("GBT-EUC")
            {
                f.codespace = vec![
                    (vec![0x00], vec![0x80]),
                    (vec![0x81, 0x40], vec![0xfe, 0xfe]),
                ];
                Fallback::Gbk
            } else if encoding.contains("UCS2") || encoding.contains("UTF16") {
                Fallback::Utf16
            } else {
                Fallback::None
            };
            if let Some(desc) = deref(doc, dict.get(b"DescendantFonts").ok())
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| deref(doc, Some(o)))
                .and_then(|o| o.as_dict().ok())
            {
                if let Some(dw) = deref(doc, desc.get(b"DW").ok()).and_then(num) {
                    f.default_width = dw;
                }
                if let Some(w) = deref(doc, desc.get(b"W").ok()).and_then(|o| o.as_array().ok()) {
                    cid_widths(doc, w, &mut f.widths);
                }
            }
        } else {
            f.default_width = 500.0;
            let first = deref(doc, dict.get(b"FirstChar").ok())
                .and_then(num)
                .unwrap_or(0.0);
            if let Some(ws) = deref(doc, dict.get(b"Widths").ok()).and_then(|o| o.as_array().ok()) {
                for (i, w) in ws.iter().take(256).enumerate() {
                    if let Some(w) = deref(doc, Some(w)).and_then(num) {
                        f.widths.insert((first as u32).saturating_add(i as u32), w);
                    }
                }
            }
        }
        if let Some(Object::Stream(s)) = deref(doc, dict.get(b"ToUnicode").ok())
            && let Ok(data) = s.decompressed_content_with_limit(8 << 20)
        {
            let (space, map) = cmap(&data);
            if !map.is_empty() {
                f.to_unicode = map;
                if f.fallback != Fallback::Gbk && !space.is_empty() {
                    f.codespace = space;
                }
            }
        }
        f
    }

    /// Splits a string into codes.
    fn codes(&self, s: &[u8]) -> Vec<(u32, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < s.len() {
            let mut len = if self.two_byte { 2 } else { 1 };
            if !self.codespace.is_empty() {
                len = (1..=4)
                    .find(|&l| {
                        i + l <= s.len()
                            && self.codespace.iter().any(|(lo, hi)| {
                                lo.len() == l
                                    && (0..l).all(|k| s[i + k] >= lo[k] && s[i + k] <= hi[k])
                            })
                    })
                    .unwrap_or(len);
            }
            let len = len.min(s.len() - i);
            let code = s[i..i + len]
                .iter()
                .fold(0u32, |a, &b| (a << 8) | u32::from(b));
            out.push((code, len));
            i += len;
        }
        out
    }

    fn text(&self, code: u32, len: usize) -> String {
        if let Some(t) = self.to_unicode.get(&code) {
            return t.clone();
        }
        match self.fallback {
            Fallback::Latin1 => char::from_u32(code).map(String::from).unwrap_or_default(),
            Fallback::Gbk => {
                let bytes: Vec<u8> = (0..len).rev().map(|k| (code >> (8 * k)) as u8).collect();
                let (t, _, bad) = encoding_rs::GBK.decode(&bytes);
                if bad { String::new() } else { t.into_owned() }
            }
            Fallback::Utf16 => char::from_u32(code).map(String::from).unwrap_or_default(),
            Fallback::None => String::new(),
        }
    }

    fn width(&self, code: u32) -> f64 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }
}

fn deref<'a>(doc: &'a lopdf::Document, o: Option<&'a Object>) -> Option<&'a Object> {
    let mut o = o?;
    for _ in 0..8 {
        match o {
            Object::Reference(id) => o = doc.get_object(*id).ok()?,
            _ => return Some(o),
        }
    }
    None
}

fn name_of(doc: &lopdf::Document, o: Option<&Object>) -> String {
    match deref(doc, o) {
        Some(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
        _ => String::new(),
    }
}

/// The `/W` array of a CID font: `c [w1 w2 …]` and `c1 c2 w`.
fn cid_widths(doc: &lopdf::Document, w: &[Object], out: &mut HashMap<u32, f64>) {
    let mut i = 0;
    while i < w.len() && out.len() < 70_000 {
        let Some(first) = num(&w[i]) else {
            i += 1;
            continue;
        };
        let first = first.max(0.0) as u32;
        match deref(doc, w.get(i + 1)) {
            Some(Object::Array(ws)) => {
                for (k, v) in ws.iter().enumerate().take(70_000) {
                    if let Some(v) = num(v) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(v)) = (num(o), w.get(i + 2).and_then(num)) else {
                    return;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(70_000));
                for c in first..=last {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => return,
        }
    }
}

/// A CMap: its code space ranges and its `bfchar`/`bfrange` mappings.
#[allow(clippy::type_complexity)]
fn cmap(data: &[u8]) -> (Vec<(Vec<u8>, Vec<u8>)>, HashMap<u32, String>) {
    #[derive(Debug)]
    enum Tok {
        Hex(Vec<u8>),
        Word(Vec<u8>),
        Open,
        Close,
    }
    let mut toks = Vec::new();
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'<' if data.get(i + 1) != Some(&b'<') => {
                let end = data[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(data.len(), |p| i + p);
                let hex: Vec<u8> = data[i + 1..end]
                    .iter()
                    .filter(|b| b.is_ascii_hexdigit())
                    .copied()
                    .collect();
                let bytes = hex
                    .chunks(2)
                    .map(|c| {
                        let s = std::str::from_utf8(c).unwrap_or("0");
                        let v = u8::from_str_radix(s, 16).unwrap_or(0);
                        if c.len() == 1 { v << 4 } else { v }
                    })
                    .collect();
                toks.push(Tok::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                toks.push(Tok::Open);
                i += 1;
            }
            b']' => {
                toks.push(Tok::Close);
                i += 1;
            }
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len()
                    && !data[i].is_ascii_whitespace()
                    && !matches!(data[i], b'<' | b'[' | b']' | b'%')
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                toks.push(Tok::Word(data[start..i].to_vec()));
            }
        }
    }
    let code = |b: &[u8]| b.iter().take(4).fold(0u32, |a, &x| (a << 8) | u32::from(x));
    let utf16 = |b: &[u8]| {
        let units: Vec<u16> = b
            .chunks(2)
            .map(|c| (u16::from(c[0]) << 8) | u16::from(*c.get(1).unwrap_or(&0)))
            .collect();
        String::from_utf16_lossy(&units)
    };
    let mut space = Vec::new();
    let mut map = HashMap::new();
    let mut mode = 0u8;
    let mut k = 0;
    while k < toks.len() && map.len() < 200_000 {
        match &toks[k] {
            Tok::Word(w) => {
                mode = match w.as_slice() {
                    b"begincodespacerange" => 1,
                    b"beginbfchar" => 2,
                    b"beginbfrange" => 3,
                    _ => 0,
                };
                k += 1;
            }
            Tok::Hex(a) => match (mode, toks.get(k + 1), toks.get(k + 2)) {
                (1, Some(Tok::Hex(b)), _) => {
                    if a.len() == b.len() && !a.is_empty() && a.len() <= 4 {
                        space.push((a.clone(), b.clone()));
                    }
                    k += 2;
                }
                (2, Some(Tok::Hex(d)), _) => {
                    map.insert(code(a), utf16(d));
                    k += 2;
                }
                (3, Some(Tok::Hex(b)), Some(Tok::Hex(d))) => {
                    let (lo, hi) = (code(a), code(b));
                    let base = d.clone();
                    for (n, c) in (lo..=hi.min(lo.saturating_add(65_535))).enumerate() {
                        let mut dst = base.clone();
                        // Increment the last byte pair by n.
                        if dst.len() >= 2 {
                            let l = dst.len();
                            let v = ((u32::from(dst[l - 2]) << 8) | u32::from(dst[l - 1]))
                                .wrapping_add(n as u32);
                            dst[l - 2] = (v >> 8) as u8;
                            dst[l - 1] = v as u8;
                        }
                        map.insert(c, utf16(&dst));
                    }
                    k += 3;
                }
                (3, Some(Tok::Hex(b)), Some(Tok::Open)) => {
                    let (lo, hi) = (code(a), code(b));
                    let mut j = k + 3;
                    let mut c = lo;
                    while let Some(Tok::Hex(d)) = toks.get(j) {
                        if c <= hi {
                            map.insert(c, utf16(d));
                        }
                        c = c.saturating_add(1);
                        j += 1;
                    }
                    k = j + 1;
                }
                _ => k += 1,
            },
            _ => k += 1,
        }
    }
    (space, map)
}

struct Walker<'a> {
    doc: &'a lopdf::Document,
    fonts: &'a mut HashMap<ObjectId, Arc<Font>>,
    glyphs: Vec<Glyph>,
    cancel: &'a AtomicBool,
    budget: usize,
    /// Glyphs shown whose code has no text: no `ToUnicode` and no predefined CMap to fall
    /// back on (a subset font embedded under `Identity-H`).
    unmapped: usize,
}

#[derive(Clone)]
struct TextState {
    font: Option<Arc<Font>>,
    size: f64,
    char_space: f64,
    word_space: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

impl Walker<'_> {
    fn font(&mut self, resources: &[Dictionary], name: &[u8]) -> Option<Arc<Font>> {
        for r in resources {
            let Some(fonts) = deref(self.doc, r.get(b"Font").ok()).and_then(|o| o.as_dict().ok())
            else {
                continue;
            };
            let Ok(entry) = fonts.get(name) else {
                continue;
            };
            let id = match entry {
                Object::Reference(id) => Some(*id),
                _ => None,
            };
            if let Some(id) = id
                && let Some(f) = self.fonts.get(&id)
            {
                return Some(Arc::clone(f));
            }
            let dict = deref(self.doc, Some(entry)).and_then(|o| o.as_dict().ok())?;
            let f = Arc::new(Font::load(self.doc, dict));
            if let Some(id) = id {
                self.fonts.insert(id, Arc::clone(&f));
            }
            return Some(f);
        }
        None
    }

    fn run(&mut self, content: &[u8], resources: &[Dictionary], base: Matrix, depth: usize) {
        let Ok(ops) = lopdf::content::Content::decode(content) else {
            return;
        };
        let mut ctm = base;
        let mut stack: Vec<(Matrix, TextState)> = Vec::new();
        let mut ts = TextState {
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for (n, op) in ops.operations.iter().enumerate() {
            if n % 1024 == 0 && self.cancel.load(Ordering::Relaxed) {
                return;
            }
            if self.budget == 0 {
                return;
            }
            let a = &op.operands;
            let f = |i: usize| a.get(i).and_then(num).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push((ctm, ts.clone())),
                "Q" => {
                    if let Some((m, t)) = stack.pop() {
                        ctm = m;
                        ts = t;
                    }
                }
                "cm" => {
                    if let Some(m) = matrix(a) {
                        ctm = mul(&m, &ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let Some(Object::Name(name)) = a.first() {
                        ts.font = self.font(resources, name);
                    }
                    ts.size = f(1);
                }
                "Tc" => ts.char_space = f(0),
                "Tw" => ts.word_space = f(0),
                "Tz" => ts.scale = f(0) / 100.0,
                "TL" => ts.leading = f(0),
                "Ts" => ts.rise = f(0),
                "Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, f(0), f(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    ts.leading = -f(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, f(0), f(1)], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    if let Some(m) = matrix(a) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -ts.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if op.operator == "'" || op.operator == "\"" {
                        if op.operator == "\"" {
                            ts.word_space = f(0);
                            ts.char_space = f(1);
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -ts.leading], &tlm);
                        tm = tlm;
                    }
                    match a.last() {
                        Some(Object::String(s, _)) => self.show(s, &ts, &mut tm, &ctm),
                        Some(Object::Array(items)) if op.operator == "TJ" => {
                            for item in items {
                                match item {
                                    Object::String(s, _) => self.show(s, &ts, &mut tm, &ctm),
                                    o => {
                                        if let Some(v) = num(o) {
                                            let tx = -v / 1000.0 * ts.size * ts.scale;
                                            let vertical =
                                                ts.font.as_ref().is_some_and(|f| f.vertical);
                                            let t = if vertical {
                                                [1.0, 0.0, 0.0, 1.0, 0.0, -tx]
                                            } else {
                                                [1.0, 0.0, 0.0, 1.0, tx, 0.0]
                                            };
                                            tm = mul(&t, &tm);
                                        }
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(Object::Name(name)) = a.first() {
                        self.form(resources, name, &ctm, depth);
                    }
                }
                _ => {}
            }
        }
    }

    fn form(&mut self, resources: &[Dictionary], name: &[u8], ctm: &Matrix, depth: usize) {
        let doc = self.doc;
        let stream = resources.iter().find_map(|r| {
            let xo = deref(doc, r.get(b"XObject").ok())?.as_dict().ok()?;
            match deref(doc, xo.get(name).ok())? {
                Object::Stream(s) => Some(s),
                _ => None,
            }
        });
        let Some(s) = stream else { return };
        if name_of(doc, s.dict.get(b"Subtype").ok()) != "Form" {
            return;
        }
        let Ok(content) = s.decompressed_content_with_limit(MAX_CONTENT) else {
            return;
        };
        let m = deref(doc, s.dict.get(b"Matrix").ok())
            .and_then(|o| o.as_array().ok())
            .and_then(|a| matrix(a))
            .unwrap_or(IDENTITY);
        let mut res = Vec::new();
        if let Some(d) = deref(doc, s.dict.get(b"Resources").ok()).and_then(|o| o.as_dict().ok()) {
            res.push(d.clone());
        }
        res.extend(resources.iter().cloned());
        self.run(&content, &res, mul(&m, ctm), depth + 1);
    }

    fn show(&mut self, s: &[u8], ts: &TextState, tm: &mut Matrix, ctm: &Matrix) {
        let Some(font) = ts.font.clone() else {
            return;
        };
        for (code, len) in font.codes(s) {
            if self.budget == 0 {
                return;
            }
            let trm = mul(
                &mul(&[ts.size * ts.scale, 0.0, 0.0, ts.size, 0.0, ts.rise], tm),
                ctm,
            );
            let w0 = font.width(code) / 1000.0;
            let space = if len == 1 && code == 32 {
                ts.word_space
            } else {
                0.0
            };
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let text = font.text(code, len);
            if text.is_empty() {
                self.unmapped += 1;
            }
            if font.vertical {
                let ty = -(ts.size + ts.char_space + space);
                *tm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, ty], tm);
                continue;
            }
            let tx = (w0 * ts.size + ts.char_space + space) * ts.scale;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
            // The glyph's own width (without character spacing) in device space.
            let gw = w0 * (trm[0] * trm[0] + trm[1] * trm[1]).sqrt();
            if text.trim().is_empty() || !trm[4].is_finite() || !trm[5].is_finite() {
                continue;
            }
            self.budget -= 1;
            self.glyphs.push(Glyph {
                x: trm[4],
                y: trm[5],
                w: gw,
                size: if size.is_finite() && size > 0.0 {
                    size
                } else {
                    1.0
                },
                text,
            });
        }
    }
}

/// Groups a page's glyphs into lines, top to bottom, and each line into fields.
fn lines(mut glyphs: Vec<Glyph>) -> Vec<Line> {
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut groups: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match groups.last_mut() {
            Some(line) if (line[0].y - g.y).abs() <= 0.4 * line[0].size.max(g.size) => {
                line.push(g);
            }
            _ => groups.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut line in groups {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let size = line.iter().map(|g| g.size).fold(0.0, f64::max);
        let y = line[0].y;
        let mut fields: Vec<(f64, String)> = Vec::new();
        let mut end = f64::NEG_INFINITY;
        for g in line {
            let gap = g.x - end;
            match fields.last_mut() {
                Some(f) if gap < 1.2 * g.size => {
                    if gap > 0.3 * g.size {
                        f.1.push(' ');
                    }
                    f.1.push_str(&g.text);
                }
                _ => fields.push((g.x, g.text.clone())),
            }
            end = end.max(g.x + g.w);
        }
        out.push(Line { fields, y, size });
    }
    let last = out.len().saturating_sub(1);
    let mut i = 0;
    out.retain(|l| {
        i += 1;
        !is_footer(&l.text(), i - 1 == last)
    });
    out
}

/// `-4-`, `— 4 —`, `第 4 页`, or a bare `4` as the page's last line: a page number.
fn is_footer(t: &str, last: bool) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let dash = |c: char| matches!(c, '—' | '-' | '–' | '―' | '一' | '－');
    let (inner, marked) = match t.strip_prefix('第').and_then(|s| s.strip_suffix('页')) {
        Some(inner) => (inner, true),
        None => {
            let inner = t.trim_matches(dash);
            (inner, inner.len() < t.len())
        }
    };
    (marked || last)
        && !inner.is_empty()
        && inner.len() <= 4
        && inner.chars().all(|c| c.is_ascii_digit())
}

/// The document of extracted pages: the lines laid out as aligned text, read by the text
/// front-end, with sources mapped back to pages.
fn document(pages: &[Vec<Line>]) -> Document {
    let mut text = String::new();
    let mut map: Vec<Source> = vec![Source::Page { page: 0, line: 0 }];
    let mut prev: Option<&Line> = None;
    for (p, lines) in pages.iter().enumerate() {
        for (l, line) in lines.iter().enumerate() {
            // An indented first line opens a paragraph: a blank line keeps the text front-end
            // from joining it to the full-width line before.
            if let (Some(before), [(x, _)]) = (prev, line.fields.as_slice())
                && let [(bx, _)] = before.fields.as_slice()
                && *x > bx + 0.5 * line.size
                && (before.size - line.size).abs() < 0.5
            {
                text.push('\n');
                map.push(Source::Page {
                    page: p + 1,
                    line: l + 1,
                });
            }
            prev = Some(line);
            let mut s = String::new();
            for (i, (_, f)) in line.fields.iter().enumerate() {
                if i > 0 {
                    s.push_str("    ");
                }
                s.push_str(f);
            }
            text.push_str(&s);
            text.push('\n');
            map.push(Source::Page {
                page: p + 1,
                line: l + 1,
            });
        }
    }
    let mut doc = crate::text::parse(&text);
    let fix = |s: &mut Source| {
        if let Source::Line { line } = *s
            && let Some(m) = map.get(line)
        {
            *s = *m;
        }
    };
    for b in &mut doc.blocks {
        match b {
            Block::Paragraph(p) => fix(&mut p.source),
            Block::Table(t) => {
                for c in t.rows.iter_mut().flatten() {
                    fix(&mut c.source);
                }
            }
        }
    }
    doc
}
