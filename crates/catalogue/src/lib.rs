//! The proactive-disclosure catalogue (政府信息公开目录, 条例 第十九–二十六条): what an agency
//! publishes, with the metadata of a catalogue entry, and what the annual report computes from it.
//!
//! - [`model`]: a [`Document`] and its parts: [`IndexNumber`] (索引号), [`DocNumber`] (文号),
//!   [`Category`] (规章 / 规范性文件), [`Item`] (the 第二十条 item or a 第二十一条 local item),
//!   [`Validity`] (有效 / 失效 / 废止), attachments and the link of a 政策解读 to the document it
//!   explains.
//!
//! Pure: values in, values out; storage and search are elsewhere.
#![forbid(unsafe_code)]

pub mod model;

pub use model::*;
