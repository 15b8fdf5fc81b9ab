//! The food hub: products and prices (`catalog`), order cycles and availability (`cycles`),
//! orders (`orders`) and standing orders (`standing`). Fulfilment and billing join as sibling
//! modules of this folder (`hub::fulfilment`, `hub::billing`).

pub mod catalog;
pub mod cycles;
pub mod orders;
pub mod standing;
