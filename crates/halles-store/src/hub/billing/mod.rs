//! Billing: the hub's billing settings and the buyers' terms (`settings`), invoices built
//! from what was delivered, numbered without gaps and frozen once issued (`invoices`), credit
//! notes correcting them (`credit_notes`), and what buyers owe: payments and their
//! allocations, balances, aging, statements and reminders (`receivables`); producers'
//! statements and payouts (`payouts`) and accounting exports (`exports`).

pub mod credit_notes;
pub mod exports;
pub mod invoices;
pub mod payouts;
pub mod receivables;
pub mod settings;
