//! Section 二 of the annual report beyond table 二 (第五十条第（一）项: 行政机关主动公开政府信息的
//! 情况): what an agency published in the year, the 政策解读 among it, the public's messages and
//! the replies made public (互动交流), the 政务新媒体 accounts and their posts, and the portal's
//! page views. Agencies type these figures into the report by hand; here they are computed from
//! the records, each traceable to the records behind it ([`Figure::sources`]), written as the
//! section's paragraph ([`paragraph`]), and compared with the figures an agency wrote in its own
//! text ([`compare`], rule R8).
//!
//! Pure: the caller loads the [`Facts`] of a scope and year.

mod compare;
mod figures;
mod keys;
mod text;

pub use compare::{Mention, compare, mentions};
pub use figures::{
    Activity, ChannelFact, DocumentFact, Facts, Figure, MessageFact, PostCount, Source, compute,
};
pub use keys::{ActivityKey, KeyError};
pub use text::paragraph;
