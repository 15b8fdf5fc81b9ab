//! Food-coupon pages: programs and their set-up, participants and imports, cards, the
//! register and the kiosk, transactions, reports, and reimbursement claims.

pub mod cards;
pub mod claims;
pub mod import;
pub mod kiosk;
pub mod participants;
pub mod programs;
pub mod register;
pub mod reports;
pub mod transactions;
