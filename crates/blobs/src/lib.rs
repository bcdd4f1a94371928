//! The attachments of the catalogue (政府信息公开目录): where their bytes live and what may be
//! stored.
//!
//! - [`LocalBlobs`]: the default [`Blobs`] store of a single machine, a directory of files named
//!   by the SHA-256 of their content (`ab/cd/abcd…`). A blob is written to a temporary file in
//!   its final directory, flushed to disk and renamed into place, so a blob is either whole or
//!   absent, whenever the process dies; it is checked against its name when read. (Deployments
//!   with several server processes keep blobs in the database instead: the SQL backends
//!   implement [`Blobs`] too.)
//! - [`sniff`] and [`check`]: what an attachment is, decided from its content, never from its
//!   name, and whether the portal may offer it for download: PDF, OFD, Word, Excel, PowerPoint
//!   and WPS documents, images, plain text and ZIP archives are accepted; executables, web pages
//!   and SVG (which can carry scripts), and a name whose extension says something else than the
//!   content (a `.pdf` that is a program) are refused with a Chinese message naming the file.
#![forbid(unsafe_code)]

mod local;
mod sniff;

pub use gongkai_store::Blobs;
pub use local::LocalBlobs;
pub use sniff::{AttachmentError, DEFAULT_MAX_SIZE, Kind, attachment, check, sniff};
