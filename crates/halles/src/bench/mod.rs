//! Benchmarks that print figures: `halles bench orders` and `halles bench redemptions`. Each
//! runs the real server on a fresh database and drives it through the HTTP API.

mod orders;
mod redemptions;

pub use orders::{OrdersBench, orders};
pub use redemptions::{RedemptionsBench, redemptions};

use std::time::Duration;

/// The latency at percentile `p` (0 to 1) of sorted durations.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted
        .get(((sorted.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or_default()
}
