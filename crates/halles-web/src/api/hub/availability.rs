//! What producers offer in a hub's cycle, and a buyer's catalog at its own prices.

use super::products::ApiProduct;
use super::qty;
use crate::AppState;
use crate::api::auth::{ApiAccess, CatalogRead, CatalogWrite, CyclesWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, cents_field, field};
use axum::Json;
use axum::extract::{Path, State};
use halles_core::limits::Limit;
use halles_core::{CycleId, OrgId, ProductId};
use halles_store::hub::HubScope;
use halles_store::hub::availability::{Offer, Stock};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One product's offer in a cycle.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiOffer {
    /// The product.
    pub product_id: i64,
    /// Its producer (ignored on input).
    #[serde(default)]
    pub producer_id: i64,
    /// Quantity offered ("12", "2.5"), at most 100,000; absent, null or empty: none, or on demand.
    #[schema(pattern = r"^(([0-9]{1,5}([.,][0-9]{1,3})?)|(100000([.,]0{1,3})?))?$")]
    pub quantity: Option<String>,
    /// Offered without a stock limit (`quantity` absent): orders never run short of it.
    #[serde(default)]
    pub on_demand: bool,
    /// The producer's price per unit, in cents, at most 10,000,000 ($100,000).
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub price_cents: Option<i64>,
    /// Quantity already ordered (ignored on input).
    #[serde(default)]
    pub reserved: String,
}

async fn grid(
    state: &AppState,
    hs: &HubScope,
    cycle: CycleId,
    producer: OrgId,
) -> Result<Vec<ApiOffer>, ApiError> {
    Ok(state
        .store
        .availability_grid(hs, cycle, producer)
        .await?
        .into_iter()
        .map(|g| ApiOffer {
            product_id: g.product.id.0,
            producer_id: producer.0,
            quantity: g.quantity.map(|q| q.plain()),
            on_demand: g.on_demand,
            price_cents: g.price.map(|p| p.0),
            reserved: g.reserved.plain(),
        })
        .collect())
}

/// The availability of every producer of a hub's cycle.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/availability", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiOffer]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn hub_availability(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiOffer>>, ApiError> {
    let id = path.1;
    let hs = state.store.own_hub(&a.scope).await?;
    let c = state.store.cycle(&hs, CycleId(id)).await?;
    let mut all = Vec::new();
    for p in c.producers {
        all.extend(grid(&state, &hs, c.id, p).await?);
    }
    Ok(Json(all))
}

async fn producer_cycle(
    state: &AppState,
    a: &ApiAccess<impl crate::api::auth::ScopeRequirement>,
    hub: i64,
    cycle: i64,
) -> Result<(HubScope, CycleId), ApiError> {
    let hs = state.store.hub_scope(&a.scope, OrgId(hub)).await?;
    let c = state.store.cycle(&hs, CycleId(cycle)).await?;
    if !c.producers.contains(&a.scope.org) {
        return Err(ApiError::NotFound);
    }
    Ok((hs, c.id))
}

/// A producer's own availability in a hub's cycle.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/availability", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("hub" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiOffer]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn producer_availability(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<Json<Vec<ApiOffer>>, ApiError> {
    let (hub, id) = (path.1, path.2);
    let (hs, cycle) = producer_cycle(&state, &a, hub, id).await?;
    Ok(Json(grid(&state, &hs, cycle, a.scope.org).await?))
}

/// Sets a producer's availability; products left out keep their offer, `quantity: null` withdraws one.
///
/// `on_demand: true` (without `quantity`) offers a product without a stock limit.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/availability", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("hub" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    request_body = [ApiOffer],
    responses((status = 200, body = [ApiOffer]), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:write"])))]
pub async fn set_availability(
    State(state): State<AppState>,
    a: ApiAccess<CatalogWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<Vec<ApiOffer>>,
) -> Result<Json<Vec<ApiOffer>>, ApiError> {
    let (hub, id) = (path.1, path.2);
    let (hs, cycle) = producer_cycle(&state, &a, hub, id).await?;
    let mut entries = Vec::new();
    for (i, o) in body.iter().enumerate() {
        let quantity = o.quantity.as_deref().filter(|q| !q.trim().is_empty());
        let price = |p: Option<i64>| match p {
            Some(p) if p > 0 => cents_field(&format!("[{i}].price_cents"), p, Limit::Movement),
            _ => Err(field(&format!("[{i}].price_cents"), "price_invalid")),
        };
        let offer = match (quantity, o.on_demand) {
            (Some(_), true) => return Err(field(&format!("[{i}].quantity"), "on_demand_quantity")),
            (None, true) => Some(Offer {
                stock: Stock::OnDemand,
                price: price(o.price_cents)?,
            }),
            (None, false) => None,
            (Some(q), false) => Some(Offer::from((
                qty(&format!("[{i}].quantity"), q)?,
                price(o.price_cents)?,
            ))),
        };
        entries.push((ProductId(o.product_id), offer));
    }
    state
        .store
        .save_availability(&hs, cycle, a.scope.org, &entries)
        .await?;
    Ok(Json(grid(&state, &hs, cycle, a.scope.org).await?))
}

/// A product as a buyer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCatalogItem {
    /// The product.
    pub product: ApiProduct,
    /// The producer's name.
    pub producer_name: String,
    /// The buyer's own price per unit, in cents (estimated for a catch-weight product).
    pub price_cents: i64,
    /// For a catch-weight product, the buyer's price per kilogram, in cents.
    pub price_per_kg_cents: Option<i64>,
    /// For a product sold by the kilogram or the pound, the buyer's price per kilogram, in
    /// cents (converted exactly from a price per pound, rounded once to the cent).
    pub weight_price_per_kg_cents: Option<i64>,
    /// For a product sold by the kilogram or the pound, the buyer's price per pound, in cents.
    pub weight_price_per_lb_cents: Option<i64>,
    /// Quantity left (none to count when on demand).
    pub remaining: String,
    /// Offered without a stock limit: orders never run short of it.
    pub on_demand: bool,
}

/// What a buyer sees of a hub's cycle, at its own prices.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/catalog", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer"), ("hub" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiCatalogItem]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn catalog(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<Json<Vec<ApiCatalogItem>>, ApiError> {
    let (hub, id) = (path.1, path.2);
    let hs = state.store.hub_scope(&a.scope, OrgId(hub)).await?;
    let items = state
        .store
        .buyer_catalog(&hs, CycleId(id), a.scope.org)
        .await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| ApiCatalogItem {
                producer_name: i.producer_name,
                price_cents: i.price.0,
                price_per_kg_cents: i.price_per_kg.map(|c| c.0),
                weight_price_per_kg_cents: i.by_weight.map(|w| w.per_kg.0),
                weight_price_per_lb_cents: i.by_weight.map(|w| w.per_lb.0),
                remaining: i.remaining.plain(),
                on_demand: i.on_demand,
                product: i.product.into(),
            })
            .collect(),
    ))
}

/// When the hub reminds producers that posted nothing for an open cycle.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReminderSettings {
    /// Hours before a cycle's cut-off, 1 to 168 (a week); `reminder_hours_out_of_range`
    /// otherwise. The default is 24.
    #[schema(minimum = 1, maximum = 168)]
    pub reminder_hours: i64,
}

/// How many hours before a cycle's cut-off the hub reminds producers that posted nothing
/// (once per producer and cycle, by e-mail).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/producer-reminders", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    responses((status = 200, body = ReminderSettings), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn reminders(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
) -> Result<Json<ReminderSettings>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(ReminderSettings {
        reminder_hours: state.store.reminder_hours(&hs).await?,
    }))
}

/// Sets how many hours before a cycle's cut-off the hub reminds producers that posted nothing.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/producer-reminders", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    request_body = ReminderSettings,
    responses((status = 200, body = ReminderSettings), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn set_reminders(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    body: Result<ApiJson<ReminderSettings>, ApiError>,
) -> Result<Json<ReminderSettings>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    state
        .store
        .set_reminder_hours(&hs, body.reminder_hours)
        .await?;
    Ok(Json(ReminderSettings {
        reminder_hours: state.store.reminder_hours(&hs).await?,
    }))
}
