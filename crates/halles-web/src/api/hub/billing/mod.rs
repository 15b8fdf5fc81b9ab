//! Billing through the API: the hub's billing settings and buyers' terms (`settings`), and
//! invoices (`invoices`): a hub lists, reads and prints the invoices it issued and issues one
//! by hand; a buyer lists, reads and prints the invoices it received, and only those. Reads
//! need `orders:read`, issuing `orders:write`, settings `org:read`/`org:write`.

pub mod exports;
pub mod invoices;
pub mod settings;
pub mod statements;
