//! Benchmarks that print figures: `halles bench orders`, `halles bench redemptions` and
//! `halles bench logins`. Each runs the real server on a fresh database and drives it through
//! HTTP.

mod logins;
mod orders;
mod redemptions;

pub use logins::{LoginsBench, logins};
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
