//! Fulfilment: what happens between a cycle's cut-off and its delivery. Purchase orders to
//! producers (`purchase_orders`), receiving lots and shortages (`receiving`), the stock ledger
//! and recalls (`stock`), weighing and packing into cases (`packing`), what producers' product
//! labels print (`labels`), delivery routes and proof of delivery with its photo (`routes`).
//! Everything here is the hub's work, after the cut-off; a producer reads its own purchase
//! orders, weighs its own products' units and prints their labels.

pub mod labels;
pub mod packing;
pub mod purchase_orders;
pub mod receiving;
pub mod routes;
pub mod stock;

use crate::hub::cycles::Cycle;
use crate::{Store, StoreError, StoreResult};
use halles_core::ordering::CycleStatus;
use halles_core::refusals::Refusal;
use halles_core::{CycleId, OrgId};
use jiff::civil::Date;

/// A delivery day as stored: the date, or empty for a cycle kept from before delivery days.
pub(crate) fn day_text(day: Option<Date>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

/// A stored delivery day read back.
pub(crate) fn day_of(text: &str) -> StoreResult<Option<Date>> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| StoreError::Corrupt("delivery_day"))
}

impl Store {
    /// The hub's cycle once ordering is over (closed or completed), else `cycle_still_open`.
    pub(crate) async fn cycle_past_cut_off(
        &self,
        hub: OrgId,
        cycle: CycleId,
    ) -> StoreResult<Cycle> {
        let c = self.cycle_of(hub, cycle).await?;
        match c.status {
            CycleStatus::Closed | CycleStatus::Completed => Ok(c),
            CycleStatus::Draft | CycleStatus::Open => {
                Err(StoreError::Refused(Refusal::CycleStillOpen))
            }
        }
    }
}
