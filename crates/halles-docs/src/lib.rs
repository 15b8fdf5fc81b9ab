//! Documents produced by Halles. Today: tabular exports (CSV and XLSX) shared by every list, and
//! product photos; PDF documents, labels and UBL invoices arrive with the modules that need them.

pub mod photo;
pub mod table;

pub use table::{Table, TableError};
