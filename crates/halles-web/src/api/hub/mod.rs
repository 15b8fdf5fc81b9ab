//! The food hub's API: products, order cycles, availability, catalogs, orders, standing orders.

pub mod food_hub;
