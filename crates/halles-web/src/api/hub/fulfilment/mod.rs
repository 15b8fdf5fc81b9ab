//! Fulfilment through the API: what a hub does between a cycle's cut-off and its delivery.
//! Purchase orders to producers (`purchase_orders`), receiving lots and settling shortages
//! (`receiving`), the stock ledger and recalls (`stock`), weighing and packing in cases
//! (`packing`), delivery routes and proof of delivery (`routes`).
//!
//! The hub's own work is under `/organizations/{org}/...` with the hub's token. A producer reads
//! its own purchase orders and weighs its own products under
//! `/organizations/{org}/hubs/{hub}/...` with its token; a buyer reads its order's delivery.
//! Reads need `orders:read`, changes `orders:write` (a buyer's delivery details, partner data,
//! `org:write` as the other buyer routes). Quantities are decimal strings in the sale unit.

pub mod packing;
pub mod purchase_orders;
pub mod receiving;
pub mod routes;
pub mod stock;

use crate::AppState;
use crate::api::auth::{ApiAccess, ScopeRequirement};
use crate::api::problem::{ApiError, date_field};
use halles_core::OrgId;
use halles_store::hub::HubScope;
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::IntoParams;

/// The delivery day a list is for.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct DayQuery {
    /// The delivery day (`YYYY-MM-DD`), one of the cycle's; left out for a cycle from before
    /// delivery days.
    #[param(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub delivery_day: Option<String>,
}

impl DayQuery {
    /// The day, or `date_invalid` on `delivery_day`.
    pub fn day(&self) -> Result<Option<Date>, ApiError> {
        optional_date("delivery_day", self.delivery_day.as_deref())
    }
}

/// An optional `YYYY-MM-DD` field (blank: none), or `date_invalid` on it.
pub fn optional_date(name: &str, s: Option<&str>) -> Result<Option<Date>, ApiError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => date_field(name, d).map(Some),
    }
}

/// The hub as a producer (or the hub itself) reaches it through `/hubs/{hub}/...`; no link
/// answers 404.
pub async fn linked_hub<S: ScopeRequirement>(
    state: &AppState,
    a: &ApiAccess<S>,
    hub: i64,
) -> Result<HubScope, ApiError> {
    Ok(state.store.hub_scope(&a.scope, OrgId(hub)).await?)
}

/// A date as `YYYY-MM-DD`.
pub fn day_string(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}
