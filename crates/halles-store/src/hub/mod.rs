//! The food hub: products and prices (`catalog`), order cycles and availability (`cycles`),
//! orders (`orders`), standing orders (`standing`) and who sees what (`visibility`). A hub's rows are reached through a
//! [`HubScope`] (`scope`), the proof that the acting organization acts for that hub.
//! Fulfilment and billing join as sibling modules of this folder (`hub::fulfilment`,
//! `hub::billing`).

pub mod catalog;
pub mod cycles;
pub mod orders;
mod scope;
pub mod standing;
pub mod visibility;

pub use scope::{HubRole, HubScope};
