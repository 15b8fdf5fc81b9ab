//! Benchmarks that print figures: `halles bench orders`, `halles bench redemptions` and
//! `halles bench logins` run the real server on a fresh database and drive it through HTTP;
//! `halles bench export` times a large cycle's export as the export builds it;
//! `halles bench fulfilment` times a large cycle's purchase orders, pick and packing lists and
//! labels; `halles bench billing` times the invoices of such a cycle, their PDFs and the
//! producer statements.

mod billing;
mod export;
mod fulfilment;
mod logins;
mod orders;
mod redemptions;

pub use billing::{BillingBench, billing};
pub use export::{ExportBench, export};
pub use fulfilment::{FulfilmentBench, fulfilment};
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
