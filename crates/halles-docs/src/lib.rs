//! Documents produced by Halles. Today: tabular exports (CSV and XLSX) shared by every list;
//! PDF documents, labels and UBL invoices arrive with the modules that need them.

pub mod table;

pub use table::{Table, TableError};
