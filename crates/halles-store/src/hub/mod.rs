//! The food hub: products and prices (`catalog`), order cycles (`cycles`), the producers'
//! availability and reminders (`availability`), orders (`orders`) and standing orders
//! (`standing`); a cycle's pickup points and zones one by one (`locations`), ending partner
//! links (`partners`), checking and changing price rules (`prices`), who sees what
//! (`visibility`), what the quick order form reads (`quick_order`). A hub's rows are reached through a
//! [`HubScope`] (`scope`), the proof that the acting organization acts for that hub.
//! After the cut-off, `fulfilment` (purchase orders, receiving, stock, packing, routes);
//! then `billing` (settings, invoices).

pub mod availability;
pub mod billing;
pub mod catalog;
pub mod cycles;
pub mod fulfilment;
pub mod locations;
pub mod orders;
pub mod partners;
pub mod prices;
pub mod quick_order;
mod scope;
pub mod standing;
pub mod visibility;

pub use scope::{HubRole, HubScope};
