//! The food hub: products and prices (`catalog`), order cycles (`cycles`), the producers'
//! availability and reminders (`availability`),
//! orders (`orders`) and standing orders (`standing`). A hub's rows are reached through a
//! [`HubScope`] (`scope`), the proof that the acting organization acts for that hub.
//! Fulfilment and billing join as sibling modules of this folder (`hub::fulfilment`,
//! `hub::billing`).

pub mod availability;
pub mod catalog;
pub mod cycles;
pub mod orders;
mod scope;
pub mod standing;

pub use scope::{HubRole, HubScope};
