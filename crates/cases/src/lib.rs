//! Disclosure requests (依申请公开) and reconsideration/litigation cases as values, and the
//! annual report's tables 三 and 四 computed from them.
#![forbid(unsafe_code)]

pub mod model;

pub use model::*;
