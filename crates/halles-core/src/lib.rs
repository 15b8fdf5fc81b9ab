//! Domain types and rules of Halles. No I/O, no async: everything here can be unit-tested alone.

pub mod accounts;
pub mod billing;
pub mod catalog;
pub mod clock;
pub mod coupons;
pub mod fulfilment;
pub mod gtin;
pub mod ids;
pub mod journal;
pub mod limits;
pub mod money;
pub mod ordering;
pub mod organizations;
pub mod payouts;
pub mod pricing;
pub mod quantity;
pub mod receivables;
pub mod refusals;
pub mod taxes;
pub mod validation;

pub use clock::{Clock, ManualClock, SystemClock};
pub use ids::*;
