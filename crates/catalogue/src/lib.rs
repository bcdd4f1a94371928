//! The proactive-disclosure catalogue (政府信息公开目录, 条例 第十九–二十六条): what an agency
//! publishes, with the metadata of a catalogue entry, and what the annual report computes from it.
//!
//! - [`model`]: a [`Document`] and its parts: [`IndexNumber`] (索引号), [`DocNumber`] (文号),
//!   [`Category`] (规章 / 规范性文件), [`Item`] (the 第二十条 item or a 第二十一条 local item),
//!   [`Validity`] (有效 / 失效 / 废止), attachments and the link of a 政策解读 to the document it
//!   explains.
//! - [`index_number`] and [`doc_number`]: parsing, validation and the comparison keys of
//!   索引号 (第十二条) and 文号.
//! - [`register`]: the normative-document register (第二十条第（一）项) as of any date and table
//!   二's 规章 / 规范性文件 cells with the documents behind each figure.
//! - [`late`]: late publication under 第二十六条 (20 working days on the official calendar).
//! - [`interpretation`]: the 政策解读率.
//! - [`feed`]: the Atom feed of a catalogue; [`body`]: sanitised bodies; [`vocab`]: labels.
//!
//! Pure: values in, values out; storage and search are elsewhere.
#![forbid(unsafe_code)]

pub mod body;
pub mod doc_number;
pub mod feed;
pub mod index_number;
pub mod interpretation;
pub mod late;
pub mod model;
pub mod register;
mod text;
pub mod vocab;

pub use index_number::{AgencyCode, IndexNumberError};
pub use interpretation::{Interpretation, interpretation_rate};
pub use late::{Late, LateSummary, Publication, late_publications, lateness};
pub use model::*;
pub use register::{Table2Cell, table2};
