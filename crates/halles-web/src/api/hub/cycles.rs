//! A hub's order cycles.

use crate::AppState;
use crate::api::auth::{ApiAccess, CatalogRead, CyclesWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, cents_field, field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::limits::Limit;
use halles_core::{CycleId, OrgId};
use halles_store::hub::cycles::{Cycle, CycleInput, LocationInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A pickup point or delivery zone.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiLocation {
    /// Its id (ignored on input).
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
    /// Delivery or pickup days.
    #[serde(default)]
    pub delivery_note: String,
    /// Fee added to each order, in cents, at most 10,000,000 ($100,000).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub order_fee_cents: i64,
    /// Producers taking part.
    #[serde(default)]
    pub producer_ids: Vec<i64>,
    /// Pickup points and delivery zones.
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
    let opens_at = body
        .opens_at
        .parse()
        .map_err(|_| field("opens_at", "instant_invalid"))?;
    let closes_at = body
        .closes_at
        .parse()
        .map_err(|_| field("closes_at", "instant_invalid"))?;
    let input = CycleInput {
        name: body.name,
        opens_at,
        closes_at,
        delivery_note: body.delivery_note,
        order_fee: cents_field("order_fee_cents", body.order_fee_cents, Limit::Movement)?,
        producers: body.producer_ids.into_iter().map(OrgId).collect(),
        locations: body
            .locations
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                Ok(LocationInput {
                    fee: cents_field(
                        &format!("locations[{i}].fee_cents"),
                        l.fee_cents,
                        Limit::Movement,
                    )?,
                    min_order: cents_field(
                        &format!("locations[{i}].min_order_cents"),
                        l.min_order_cents,
                        Limit::Movement,
                    )?,
                    kind: l.kind,
                    name: l.name,
                })
            })
            .collect::<Result<_, ApiError>>()?,
    };
    let id = state.store.create_cycle(&hs, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiCycle::from(state.store.cycle(&hs, id).await?)),
    )
        .into_response())
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
