//! The food hub's pages: products and prices, order cycles and partners, producers'
//! availability, the buyers' shop and orders, standing orders.

pub mod availability;
pub mod cycles;
pub mod products;
pub mod shop;
pub mod standing;
