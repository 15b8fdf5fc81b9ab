//! Billing through the API: the hub's billing settings and buyers' terms (`settings`), and
//! invoices (`invoices`): a hub lists, reads and prints the invoices it issued and issues one
//! by hand; a buyer lists, reads and prints the invoices it received, and only those; credit
//! notes, payments, aging and statements (`receivables`). Reads need `orders:read`, issuing
//! and recording `orders:write`, settings `org:read`/`org:write`.

pub mod exports;
pub mod invoices;
pub mod receivables;
pub mod settings;
pub mod statements;
