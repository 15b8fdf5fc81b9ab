//! A hub's order cycles.

use crate::AppState;
use crate::api::auth::{ApiAccess, CatalogRead, CyclesWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::validation::Validator;
use halles_core::{CycleId, LocationId, OrgId};
use halles_store::hub::cycles::{Cycle, CycleChange, LocationInput};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A pickup point or delivery zone.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiLocation {
    /// Its id. On a change (`PUT`), the pickup point or zone of the cycle it keeps; 0 or
    /// left out, a new one. Ignored on creation.
    #[serde(default)]
    pub id: i64,
    /// `pickup` or `delivery`.
    #[schema(schema_with = crate::api::schemas::location_kind)]
    pub kind: String,
    /// Its name.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    /// Fee in cents, at most 10,000,000 ($100,000).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub fee_cents: i64,
    /// Minimum order subtotal in cents, at most 10,000,000 ($100,000).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub min_order_cents: i64,
}

/// An order cycle.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiCycle {
    /// Its id (ignored on input).
    #[serde(default)]
    pub id: i64,
    /// The hub (ignored on input).
    #[serde(default)]
    pub hub_id: i64,
    /// Its name.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    /// `draft`, `open`, `closed` or `completed` (ignored on input).
    #[serde(default)]
    pub status: String,
    /// Opening (RFC 3339).
    #[schema(format = DateTime, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")]
    pub opens_at: String,
    /// Cut-off (RFC 3339).
    #[schema(format = DateTime, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")]
    pub closes_at: String,
    /// Delivery days (YYYY-MM-DD), at most 14; the last not before the cut-off's day, none a
    /// year after it. Left out or empty: on creation the day after the cut-off's day, on a
    /// change the cycle's days. A day placed orders are delivered on cannot be removed
    /// (`delivery_day_in_use`).
    #[serde(default)]
    #[schema(max_items = 14, value_type = Vec<String>, format = Date)]
    pub delivery_days: Vec<String>,
    /// Delivery or pickup details, as told to buyers.
    #[serde(default)]
    pub delivery_note: String,
    /// Fee added to each order, in cents, at most 10,000,000 ($100,000).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub order_fee_cents: i64,
    /// Producers taking part (ignored on a change).
    #[serde(default)]
    pub producer_ids: Vec<i64>,
    /// Pickup points and delivery zones. On a change, every one the cycle keeps: one left out
    /// is removed, unless a placed order uses it (`location_in_use`).
    #[serde(default)]
    pub locations: Vec<ApiLocation>,
}

impl From<Cycle> for ApiCycle {
    fn from(c: Cycle) -> Self {
        ApiCycle {
            id: c.id.0,
            hub_id: c.hub.0,
            name: c.name,
            status: c.status.code().into(),
            opens_at: c.opens_at.to_string(),
            closes_at: c.closes_at.to_string(),
            delivery_days: c.delivery_days.iter().map(|d| d.to_string()).collect(),
            delivery_note: c.delivery_note,
            order_fee_cents: c.order_fee.0,
            producer_ids: c.producers.iter().map(|p| p.0).collect(),
            locations: c
                .locations
                .into_iter()
                .map(|l| ApiLocation {
                    id: l.id.0,
                    kind: l.input.kind,
                    name: l.input.name,
                    fee_cents: l.input.fee.0,
                    min_order_cents: l.input.min_order.0,
                })
                .collect(),
        }
    }
}

/// The hub's order cycles, newest first.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles", tag = "food hub",
    params(("org" = i64, Path, description = "The hub; must be the token's")),
    responses((status = 200, body = [ApiCycle])),
    security(("bearer" = ["catalog:read"])))]
pub async fn cycles(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
) -> Result<Json<Vec<ApiCycle>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(
        state
            .store
            .cycles(&hs)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// A cycle's terms read from a body by the rule the store applies again
/// (`ordering::check_cycle`), every failing field named at once. No delivery day given:
/// `default_days`.
fn terms(
    body: ApiCycle,
    default_days: impl FnOnce(Timestamp) -> Vec<Date>,
) -> Result<(CycleChange, Vec<OrgId>), ApiError> {
    let mut v = Validator::new();
    halles_core::ordering::check_cycle_name(&mut v, "name", &body.name);
    let mut instant = |name: &str, typed: &str| {
        let t = typed.parse::<Timestamp>();
        if t.is_err() {
            v.add(name, "instant_invalid");
        }
        t.ok()
    };
    let (opens_at, closes_at) = (
        instant("opens_at", &body.opens_at),
        instant("closes_at", &body.closes_at),
    );
    let mut days = Vec::new();
    for (i, d) in body.delivery_days.iter().enumerate() {
        match d.parse::<Date>() {
            Ok(d) => days.push(d),
            Err(_) => v.add(&format!("delivery_days[{i}]"), "date_invalid"),
        }
    }
    let within = |c: i64| Cents(c).within(Limit::Movement);
    let order_fee = v.amount(
        "order_fee_cents",
        within(body.order_fee_cents),
        "price_invalid",
    );
    let mut locations = Vec::new();
    for (i, l) in body.locations.into_iter().enumerate() {
        let fee = v.amount(
            &format!("locations[{i}].fee_cents"),
            within(l.fee_cents),
            "price_invalid",
        );
        let min = v.amount(
            &format!("locations[{i}].min_order_cents"),
            within(l.min_order_cents),
            "price_invalid",
        );
        if let (Some(fee), Some(min_order)) = (fee, min) {
            let id = (l.id > 0).then_some(LocationId(l.id));
            locations.push((
                id,
                LocationInput {
                    kind: l.kind,
                    name: l.name,
                    fee,
                    min_order,
                },
            ));
        }
    }
    let day_unreadable = days.len() < body.delivery_days.len();
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        if body.delivery_days.is_empty() {
            days = default_days(c);
        }
        halles_core::ordering::check_cycle_times(&mut v, o, c);
        if !day_unreadable {
            halles_core::ordering::check_delivery_days(&mut v, "delivery_days", c, &days);
        }
    }
    v.finish().map_err(ApiError::Validation)?;
    let (Some(opens_at), Some(closes_at), Some(order_fee)) = (opens_at, closes_at, order_fee)
    else {
        return Err(ApiError::Internal);
    };
    let change = CycleChange {
        name: body.name,
        opens_at,
        closes_at,
        delivery_days: days,
        delivery_note: body.delivery_note,
        order_fee,
        locations,
    };
    Ok((change, body.producer_ids.into_iter().map(OrgId).collect()))
}

/// Creates a draft cycle; it opens and closes on time by itself.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiCycle,
    responses((status = 201, body = ApiCycle), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn create_cycle(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    body: Result<ApiJson<ApiCycle>, ApiError>,
) -> Result<Response, ApiError> {
    // Order cycles are a hub's: another kind is refused before its body is read.
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    let (c, producers) = terms(body, |closes| {
        let day = halles_core::ordering::local_day(closes);
        vec![day.tomorrow().unwrap_or(day)]
    })?;
    let input = c.into_input(producers);
    let id = state.store.create_cycle(&hs, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiCycle::from(state.store.cycle(&hs, id).await?)),
    )
        .into_response())
}

/// Changes a cycle until it is completed (`cycle_completed`): name, opening, cut-off (an open
/// cycle whose cut-off moves later takes orders until the new one), delivery days, note, fee,
/// pickup points and zones. Its status and producers stay. Placed orders keep their fees.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/order-cycles/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    request_body = ApiCycle,
    responses((status = 200, body = ApiCycle), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn update_cycle(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<ApiCycle>, ApiError>,
) -> Result<Json<ApiCycle>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let id = CycleId(path.1);
    let before = state.store.cycle(&hs, id).await?;
    let ApiJson(body) = body?;
    let (change, _) = terms(body, |_| before.delivery_days.clone())?;
    state.store.update_cycle(&hs, id, &change).await?;
    Ok(Json(state.store.cycle(&hs, id).await?.into()))
}

/// What opening a cycle may change: its cut-off.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct OpenCycle {
    /// A new cut-off (RFC 3339), in the future; required when the cycle's own has passed
    /// (`cut_off_passed` on `closes_at` otherwise).
    #[serde(default)]
    #[schema(format = DateTime, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")]
    pub closes_at: Option<String>,
}

impl OpenCycle {
    /// The new cut-off asked for, from a body that may be empty.
    pub fn read(
        headers: &axum::http::HeaderMap,
        raw: &[u8],
    ) -> Result<Option<Timestamp>, ApiError> {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let body: Option<OpenCycle> = crate::api::json::from_bytes(headers, raw)?;
        body.and_then(|b| b.closes_at)
            .map(|t| t.parse().map_err(|_| field("closes_at", "instant_invalid")))
            .transpose()
    }
}

/// One cycle of the hub.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = ApiCycle), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn cycle(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiCycle>, ApiError> {
    let id = path.1;
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(state.store.cycle(&hs, CycleId(id)).await?.into()))
}
