//! Redaction for partial disclosure (区分处理, 政府信息公开条例第三十七条): an original (PDF,
//! DOCX, PNG or JPEG) and the boxes an officer marked become a released copy in which nothing
//! under a box survives.
//!
//! - [`model`] and [`patterns`] are pure: the boxes with their reasons (the article that exempts
//!   each part) and their validation; the pass that pre-marks identity, mobile and bank card
//!   numbers (第十五条) on the words of a page.
//! - [`raster`] and [`pdf`] are pure too: boxes painted into page pixels, and the new PDF that
//!   holds only those page images and the redaction log.
//! - [`tools`] is the edge: poppler and LibreOffice, found on `PATH` or in a configured
//!   directory.
//!
//! The released copy never reuses an object of the original: every page is rasterized, every
//! box painted black into the pixels, and a PDF written from scratch. A text layer, metadata,
//! annotations, attachments or scripts of the original cannot survive because nothing of the
//! original's structure is copied.
#![forbid(unsafe_code)]

pub mod model;
pub mod patterns;
pub mod pdf;
pub mod raster;
pub mod tools;

pub use model::{Area, Problem, Reason, Rect, validate};
pub use patterns::{Found, Pattern, Word};
pub use tools::Tools;

use image::RgbImage;

/// Why a document could not be read or rebuilt. The messages are for an officer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error(
        "服务器上没有找到程序 {program}，请安装 {package} 或在配置 redact.tools_dir 中指明其所在目录"
    )]
    MissingProgram {
        program: String,
        package: &'static str,
    },
    #[error("程序 {program} 在 {seconds} 秒内没有完成，已停止")]
    Timeout { program: String, seconds: u64 },
    #[error("程序 {program} 无法处理该文件：{message}")]
    Failed { program: String, message: String },
    #[error("只能对 PDF、DOCX、PNG 和 JPEG 文件作区分处理，该文件的类型是 {0}")]
    Unsupported(String),
    #[error("图像无法处理：{0}")]
    Image(String),
    #[error("临时文件无法读写：{0}")]
    Io(String),
    #[error("{}", .0.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<Problem>),
}

/// The media type of a DOCX (as the blob store's content check names it).
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// What kind of original a media type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Docx,
    Image,
}

impl Kind {
    /// The kind of an original of this media type (found from the content when it was
    /// uploaded), if it can be redacted.
    pub fn of(media_type: &str) -> Option<Kind> {
        match media_type {
            "application/pdf" => Some(Kind::Pdf),
            DOCX => Some(Kind::Docx),
            "image/png" | "image/jpeg" => Some(Kind::Image),
            _ => None,
        }
    }

    /// The programs reading such an original needs.
    pub fn programs(self) -> &'static [&'static str] {
        match self {
            Kind::Pdf => &["pdfinfo", "pdftoppm", "pdftotext"],
            Kind::Docx => &["soffice", "pdfinfo", "pdftoppm", "pdftotext"],
            Kind::Image => &[],
        }
    }
}

/// An original opened for redaction: a PDF (a DOCX is converted to one) or a decoded image.
#[derive(Debug)]
pub enum Original {
    Pdf {
        pdf: Vec<u8>,
        pages: u32,
    },
    /// An image's pixels only: its metadata (EXIF, PNG text chunks, ICC profile) is not read.
    Image(RgbImage),
}

impl Original {
    /// Opens an original of the given media type.
    pub fn open(tools: &Tools, bytes: &[u8], media_type: &str) -> Result<Original, Error> {
        match Kind::of(media_type).ok_or_else(|| Error::Unsupported(media_type.to_owned()))? {
            Kind::Pdf => Original::pdf(tools, bytes.to_vec()),
            Kind::Docx => Original::pdf(tools, tools.docx_to_pdf(bytes)?),
            Kind::Image => {
                let image =
                    image::load_from_memory(bytes).map_err(|e| Error::Image(e.to_string()))?;
                Ok(Original::Image(raster::flatten(image)))
            }
        }
    }

    fn pdf(tools: &Tools, pdf: Vec<u8>) -> Result<Original, Error> {
        let pages = tools.pages(&pdf)?;
        Ok(Original::Pdf { pdf, pages })
    }

    /// The number of pages.
    pub fn pages(&self) -> u32 {
        match self {
            Original::Pdf { pages, .. } => *pages,
            Original::Image(_) => 1,
        }
    }

    /// The numbers the pattern pass finds in the text of the pages (an image has no text: its
    /// numbers are for the officer's eyes).
    pub fn find_patterns(&self, tools: &Tools) -> Result<Vec<Found>, Error> {
        match self {
            Original::Pdf { pdf, .. } => Ok(patterns::find(&tools.words(pdf)?)),
            Original::Image(_) => Ok(Vec::new()),
        }
    }

    /// A page as a PNG at `dpi`, to mark boxes on.
    pub fn page_png(&self, tools: &Tools, page: u32, dpi: u32) -> Result<Vec<u8>, Error> {
        if page == 0 || page > self.pages() {
            return Err(Error::Invalid(vec![Problem {
                index: 0,
                field: "page",
                message: format!("第 {page} 页不存在（文件共 {} 页）", self.pages()),
            }]));
        }
        match self {
            Original::Pdf { pdf, .. } => tools.page_png(pdf, page, dpi),
            Original::Image(image) => {
                let mut png = Vec::new();
                image
                    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                    .map_err(|e| Error::Image(e.to_string()))?;
                Ok(png)
            }
        }
    }

    /// The released copy with these boxes: every page rasterized at [`raster::DPI`], each box
    /// painted black, a new PDF of the page images ending with the redaction log.
    pub fn release(&self, tools: &Tools, areas: &[Area]) -> Result<Vec<u8>, Error> {
        validate(areas, self.pages()).map_err(Error::Invalid)?;
        let pages = match self {
            Original::Pdf { pdf, .. } => tools.rasterize(pdf, raster::DPI, None)?,
            Original::Image(image) => vec![image.clone()],
        };
        raster::rebuild(pages, areas, raster::DPI)
    }
}

#[cfg(feature = "fixtures")]
pub mod fixtures;
