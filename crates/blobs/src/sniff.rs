//! What an attachment is, from its content: the check every file passes before it is stored
//! and offered for download on the portal.
//!
//! The type is decided from the bytes (magic numbers with `infer`; the entries of a ZIP
//! container for DOCX / XLSX / PPTX / OFD, which are all ZIP files; the CLSID of an OLE2
//! compound file for DOC / XLS / PPT). The name's extension must agree with what the content
//! is: a `.pdf` that is a program is refused, not renamed. Refused outright, whatever the
//! name: executables and scripts; web pages and SVG images, which a browser would run scripts
//! in if the portal ever served them inline; Office files carrying macros; ZIP archives holding
//! any of those. Accepted: PDF, OFD (the national format of 电子公文, GB/T 33190), Word, Excel
//! and PowerPoint in both generations, WPS Office files (`.wps` / `.et` / `.dps`, OLE2 or
//! OOXML inside), PNG, JPEG, GIF, WebP, plain text (UTF-8 or GBK, `.txt` / `.csv`) and ZIP
//! archives (forms packages are common attachments; the portal only offers them for download).
//! RAR, 7z and the rest are refused as unknown: nothing in them can be checked.

use gongkai_catalogue::Attachment;
use std::io::Cursor;

/// The default largest attachment: 100 MiB (a scanned document of a few hundred pages).
pub const DEFAULT_MAX_SIZE: u64 = 100 * 1024 * 1024;

/// What an accepted attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Pdf,
    /// OFD (开放版式文档, GB/T 33190): a ZIP with `OFD.xml` at its root.
    Ofd,
    Docx,
    Xlsx,
    Pptx,
    Doc,
    Xls,
    Ppt,
    /// A WPS 文字 file in the OLE2 format (`.wps`).
    Wps,
    /// A WPS 表格 file in the OLE2 format (`.et`).
    Et,
    /// A WPS 演示 file in the OLE2 format (`.dps`).
    Dps,
    Zip,
    Png,
    Jpeg,
    Gif,
    Webp,
    /// Text in UTF-8 or GBK.
    Text,
}

impl Kind {
    /// The media type the content is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Ofd => "application/ofd",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Kind::Doc => "application/msword",
            Kind::Xls => "application/vnd.ms-excel",
            Kind::Ppt => "application/vnd.ms-powerpoint",
            // The types WPS Office registers for its own formats.
            Kind::Wps => "application/wps-office.wps",
            Kind::Et => "application/wps-office.et",
            Kind::Dps => "application/wps-office.dps",
            Kind::Zip => "application/zip",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Text => "text/plain",
        }
    }

    /// The name of the format, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF 文档",
            Kind::Ofd => "OFD 版式文档",
            Kind::Docx => "Word 文档（DOCX）",
            Kind::Xlsx => "Excel 表格（XLSX）",
            Kind::Pptx => "PowerPoint 演示文稿（PPTX）",
            Kind::Doc => "Word 97-2003 文档（DOC）",
            Kind::Xls => "Excel 97-2003 表格（XLS）",
            Kind::Ppt => "PowerPoint 97-2003 演示文稿（PPT）",
            Kind::Wps => "WPS 文字文档",
            Kind::Et => "WPS 表格",
            Kind::Dps => "WPS 演示文稿",
            Kind::Zip => "ZIP 压缩包",
            Kind::Png => "PNG 图片",
            Kind::Jpeg => "JPEG 图片",
            Kind::Gif => "GIF 图片",
            Kind::Webp => "WebP 图片",
            Kind::Text => "纯文本",
        }
    }

    /// The extensions a file of this kind may have (lower case). WPS Office saves OOXML and
    /// OLE2 content under its own extensions too.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Pdf => &["pdf"],
            Kind::Ofd => &["ofd"],
            Kind::Docx => &["docx", "wps"],
            Kind::Xlsx => &["xlsx", "et"],
            Kind::Pptx => &["pptx", "dps"],
            Kind::Doc => &["doc", "wps"],
            Kind::Xls => &["xls", "et"],
            Kind::Ppt => &["ppt", "dps"],
            Kind::Wps => &["wps"],
            Kind::Et => &["et"],
            Kind::Dps => &["dps"],
            Kind::Zip => &["zip"],
            Kind::Png => &["png"],
            Kind::Jpeg => &["jpg", "jpeg", "jpe"],
            Kind::Gif => &["gif"],
            Kind::Webp => &["webp"],
            Kind::Text => &["txt", "csv", "text"],
        }
    }
}

/// Why an attachment is refused. Each message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("附件“{name}”有 {size} 字节，超过了 {limit} 字节（{limit_mib} MiB）的上限")]
    TooLarge {
        name: String,
        size: u64,
        limit: u64,
        limit_mib: u64,
    },
    #[error("附件“{name}”是空文件")]
    Empty { name: String },
    #[error("附件“{name}”是可执行程序或脚本（{what}），不能作为公开信息的附件")]
    Executable { name: String, what: String },
    #[error("附件“{name}”是网页或 SVG 图像，可能含有脚本，不能作为附件：请另存为 PDF 后上传")]
    Markup { name: String },
    #[error("附件“{name}”含有宏（{entry}），不能作为附件：请另存为不含宏的文档或 PDF")]
    Macros { name: String, entry: String },
    #[error("压缩包“{name}”中的“{entry}”是可执行程序、脚本或网页，不能作为附件")]
    ArchiveEntry { name: String, entry: String },
    #[error("附件“{name}”的扩展名 .{extension} 与其内容（{kind}）不符")]
    Mismatch {
        name: String,
        extension: String,
        kind: &'static str,
    },
    #[error(
        "附件“{name}”的格式无法识别或不在接受之列（接受 PDF、OFD、Word、Excel、PowerPoint、WPS、PNG、JPEG、GIF、WebP、纯文本和 ZIP）"
    )]
    Unknown { name: String },
}

/// Extensions refused whatever the content: programs and scripts Windows would run, and web
/// pages and SVG a browser would.
const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "exe", "dll", "com", "scr", "msi", "msp", "bat", "cmd", "ps1", "vbs", "vbe", "js", "jse",
    "wsf", "wsh", "hta", "cpl", "jar", "apk", "sh", "app", "lnk", "reg", "pif",
];
const MARKUP_EXTENSIONS: &[&str] = &[
    "html", "htm", "xhtml", "shtml", "mht", "mhtml", "svg", "svgz", "xml", "xsl", "php", "asp",
    "aspx", "jsp",
];

/// [`check`] with the limit, then the record of the attachment to store with its document.
///
/// # Errors
/// See [`check`].
pub fn attachment(bytes: &[u8], name: &str, max_size: u64) -> Result<Attachment, AttachmentError> {
    let kind = check(bytes, name, max_size)?;
    Ok(Attachment {
        sha256: gongkai_store::blobs::sha256_hex(bytes),
        name: name.to_owned(),
        media_type: kind.media_type().to_owned(),
        size: bytes.len() as u64,
    })
}

/// The size limit (`max_size` bytes), then [`sniff`].
///
/// # Errors
/// [`AttachmentError::TooLarge`] naming the limit, or what [`sniff`] says.
pub fn check(bytes: &[u8], name: &str, max_size: u64) -> Result<Kind, AttachmentError> {
    let size = bytes.len() as u64;
    if size > max_size {
        return Err(AttachmentError::TooLarge {
            name: name.to_owned(),
            size,
            limit: max_size,
            limit_mib: max_size / (1024 * 1024),
        });
    }
    sniff(bytes, name)
}

/// What the attachment `name` with content `bytes` is, if it is acceptable (see the module
/// documentation). A name without an extension is judged by its content alone.
///
/// # Errors
/// The [`AttachmentError`] saying why the file is refused.
pub fn sniff(bytes: &[u8], name: &str) -> Result<Kind, AttachmentError> {
    let owned = || name.to_owned();
    let extension = extension(name);
    let ext = extension.as_deref().unwrap_or("");
    if EXECUTABLE_EXTENSIONS.contains(&ext) {
        return Err(AttachmentError::Executable {
            name: owned(),
            what: format!(".{ext} 文件"),
        });
    }
    if MARKUP_EXTENSIONS.contains(&ext) {
        return Err(AttachmentError::Markup { name: owned() });
    }
    if bytes.is_empty() {
        return Err(AttachmentError::Empty { name: owned() });
    }
    let kind = content_kind(bytes, name, ext)?;
    match extension {
        Some(extension) if !kind.extensions().contains(&extension.as_str()) => {
            Err(AttachmentError::Mismatch {
                name: owned(),
                extension,
                kind: kind.label(),
            })
        }
        _ => Ok(kind),
    }
}

/// The lower-case extension of a file name, if it has one (`.bashrc` has none).
fn extension(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = base.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() {
        return None;
    }
    Some(ext.trim().to_lowercase())
}

/// The kind of the content; `ext` (lower case, possibly empty) only chooses between kinds the
/// content cannot tell apart (an OLE2 file of WPS Office).
fn content_kind(bytes: &[u8], name: &str, ext: &str) -> Result<Kind, AttachmentError> {
    let owned = || name.to_owned();
    let Some(found) = infer::get(bytes) else {
        return text_kind(bytes, name);
    };
    if found.matcher_type() == infer::MatcherType::App {
        return Err(AttachmentError::Executable {
            name: owned(),
            what: found.mime_type().to_owned(),
        });
    }
    match found.mime_type() {
        "application/pdf" => Ok(Kind::Pdf),
        "image/png" => Ok(Kind::Png),
        "image/jpeg" => Ok(Kind::Jpeg),
        "image/gif" => Ok(Kind::Gif),
        "image/webp" => Ok(Kind::Webp),
        "text/html" | "text/xml" => Err(AttachmentError::Markup { name: owned() }),
        "text/x-shellscript" => Err(AttachmentError::Executable {
            name: owned(),
            what: "shell 脚本".into(),
        }),
        "application/x-ole-storage"
        | "application/msword"
        | "application/vnd.ms-excel"
        | "application/vnd.ms-powerpoint" => ole_kind(found.mime_type(), name, ext),
        _ if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") => {
            zip_kind(bytes, name)
        }
        _ => Err(AttachmentError::Unknown { name: owned() }),
    }
}

/// An OLE2 compound file: Word, Excel or PowerPoint 97-2003 as `infer` reads its CLSID; a file
/// it cannot place (WPS Office writes its own) by its extension among the Office family, an
/// installer package (`.msi`, the other common OLE2 file) never.
fn ole_kind(mime: &str, name: &str, ext: &str) -> Result<Kind, AttachmentError> {
    match (ext, mime) {
        ("wps", _) => Ok(Kind::Wps),
        ("et", _) => Ok(Kind::Et),
        ("dps", _) => Ok(Kind::Dps),
        (_, "application/msword") => Ok(Kind::Doc),
        (_, "application/vnd.ms-excel") => Ok(Kind::Xls),
        (_, "application/vnd.ms-powerpoint") => Ok(Kind::Ppt),
        ("doc", _) => Ok(Kind::Doc),
        ("xls", _) => Ok(Kind::Xls),
        ("ppt", _) => Ok(Kind::Ppt),
        _ => Err(AttachmentError::Unknown {
            name: name.to_owned(),
        }),
    }
}

/// A ZIP container, by its entries: OOXML (`[Content_Types].xml` with `word/`, `xl/` or
/// `ppt/`), OFD (`OFD.xml`), or a plain archive, whose entries must not be programs or pages.
fn zip_kind(bytes: &[u8], name: &str) -> Result<Kind, AttachmentError> {
    let owned = || name.to_owned();
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| AttachmentError::Unknown { name: owned() })?;
    // Names not flagged UTF-8 (GBK from Chinese Windows) are read as CP437: the ASCII
    // extensions and directory names this looks at are the same either way.
    let entries: Vec<String> = archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|_| AttachmentError::Unknown { name: owned() })?;
    let has = |wanted: &str| entries.iter().any(|e| e.eq_ignore_ascii_case(wanted));
    let under = |dir: &str| entries.iter().any(|e| e.starts_with(dir));
    if let Some(macros) = entries
        .iter()
        .find(|e| e.to_ascii_lowercase().ends_with("vbaproject.bin"))
    {
        return Err(AttachmentError::Macros {
            name: owned(),
            entry: macros.clone(),
        });
    }
    if has("[Content_Types].xml") {
        if under("word/") {
            return Ok(Kind::Docx);
        }
        if under("xl/") {
            return Ok(Kind::Xlsx);
        }
        if under("ppt/") {
            return Ok(Kind::Pptx);
        }
    }
    if has("OFD.xml") {
        return Ok(Kind::Ofd);
    }
    for entry in &entries {
        let ext = extension(entry).unwrap_or_default();
        if EXECUTABLE_EXTENSIONS.contains(&ext.as_str())
            || MARKUP_EXTENSIONS.contains(&ext.as_str())
        {
            return Err(AttachmentError::ArchiveEntry {
                name: owned(),
                entry: entry.clone(),
            });
        }
    }
    Ok(Kind::Zip)
}

/// Content `infer` does not recognise: text if it is UTF-8 (a BOM allowed) or GBK without
/// control characters other than tab, line breaks and form feed; a web page or SVG (found by
/// their opening tags, or a `<script` anywhere) is refused; anything else is unknown.
fn text_kind(bytes: &[u8], name: &str) -> Result<Kind, AttachmentError> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(body) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            match encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(body) {
                Some(t) => t,
                None => {
                    return Err(AttachmentError::Unknown {
                        name: name.to_owned(),
                    });
                }
            }
        }
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    {
        return Err(AttachmentError::Unknown {
            name: name.to_owned(),
        });
    }
    let lower = text.to_lowercase();
    let start = lower.trim_start();
    let markup = [
        "<!doctype",
        "<html",
        "<svg",
        "<?xml",
        "<head",
        "<body",
        "<iframe",
    ]
    .iter()
    .any(|tag| start.starts_with(tag))
        || lower.contains("<script")
        || lower.contains("<svg");
    if markup {
        return Err(AttachmentError::Markup {
            name: name.to_owned(),
        });
    }
    Ok(Kind::Text)
}

#[cfg(test)]
mod tests {
    use super::extension;

    #[test]
    fn extensions() {
        assert_eq!(extension("附件1.PDF").as_deref(), Some("pdf"));
        assert_eq!(extension("a.tar.gz").as_deref(), Some("gz"));
        assert_eq!(extension("C:\\上传\\表.xlsx").as_deref(), Some("xlsx"));
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("README"), None);
        assert_eq!(extension("dir.d/README"), None);
    }
}
