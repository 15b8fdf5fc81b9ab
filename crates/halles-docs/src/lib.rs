//! Documents produced by Halles. Today: tabular exports (CSV and XLSX) shared by every list,
//! product photos, and printable PDF sheets of food-coupon cards (`cards`); other PDF documents,
//! labels and UBL invoices arrive with the modules that need them.

pub mod cards;
pub mod photo;
pub mod read;
pub mod table;

pub use cards::{CardPrint, CardSheetError, CardSheetText, card_sheet};
pub use read::{ReadError, read_table};
pub use table::{Table, TableError};
