//! Reading and writing the spreadsheets officers keep (a request ledger, a disclosure
//! catalogue): cells of XLSX/CSV as read, the encodings a CSV file comes in, Excel's serial
//! dates, the capped list of errors an import reports, and the pieces of an XLSX template
//! (styles, drop-down lists, date checks).
//!
//! What is here is the same in every import; what a column means, and how a date typed as text
//! is read, stays with each import (see [`Cell::from_data`] and [`Cell::date`]).
//!
//! Pure: no file-system I/O.
#![forbid(unsafe_code)]

mod cell;
mod encoding;
mod errors;
mod excel_date;
pub mod xlsx;

pub use cell::{Cell, MAX_COLUMNS, TextDate};
pub use encoding::{WITHOUT_BOM, bom, decode};
pub use errors::{ErrorList, ErrorLog, MAX_KEPT_ERRORS};
pub use excel_date::{date_from_number, from_excel_serial};
