//! Billing, first part: the hub's billing settings and the buyers' terms (`settings`), and
//! invoices built from what was delivered, numbered without gaps and frozen once issued
//! (`invoices`). Credit notes, payments, statements and payouts come next.

pub mod exports;
pub mod invoices;
pub mod payouts;
pub mod settings;
