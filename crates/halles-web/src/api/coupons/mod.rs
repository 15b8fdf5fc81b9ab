//! The food-coupon API: programs, schedules, participants, cards, redemptions, refunds, claims
//! and payment batches.

pub mod program_admin;
pub mod programs;
