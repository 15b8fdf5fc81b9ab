//! The food hub: products and prices (`catalog`), order cycles (`cycles`), the producers'
//! availability and reminders (`availability`), orders (`orders`) and standing orders
//! (`standing`); a cycle's pickup points and zones one by one (`locations`), ending partner
//! links (`partners`), checking and changing price rules (`prices`), who sees what
//! (`visibility`), what the quick order form reads (`quick_order`). A hub's rows are reached through a
//! [`HubScope`] (`scope`), the proof that the acting organization acts for that hub.
//! Fulfilment and billing join as sibling modules of this folder (`hub::fulfilment`,
//! `hub::billing`).

pub mod availability;
pub mod catalog;
pub mod cycles;
pub mod locations;
pub mod orders;
pub mod partners;
pub mod prices;
pub mod quick_order;
mod scope;
pub mod standing;
pub mod visibility;

pub use scope::{HubRole, HubScope};
