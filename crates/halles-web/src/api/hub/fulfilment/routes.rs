//! Delivery routes: each with its usual order of buyers; a delivery day's stops planned from
//! them and renumbered by hand; the driver's manifest; each stop delivered (with who received
//! it) or not, with the driver's photo; and what a buyer reads of its own order's delivery
//! and photo.

use super::DayQuery;
use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite, OrgWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::refusals::Refusal;
use halles_core::{CycleId, OrderId, OrgId, RouteId, StopId};
use halles_store::hub::HubScope;
use halles_store::hub::fulfilment::routes::{DeliveryDetails, Route, Stop, StopOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A buyer on a route.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRouteBuyer {
    /// The buyer.
    pub buyer_id: i64,
    /// Its name.
    pub name: String,
}

/// A delivery route with its buyers in their usual order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRoute {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its buyers, in their usual order.
    pub buyers: Vec<ApiRouteBuyer>,
}

impl From<Route> for ApiRoute {
    fn from(r: Route) -> Self {
        ApiRoute {
            id: r.id.0,
            name: r.name,
            buyers: r
                .buyers
                .into_iter()
                .map(|(b, name)| ApiRouteBuyer {
                    buyer_id: b.0,
                    name,
                })
                .collect(),
        }
    }
}

/// A new route.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewRoute {
    /// Its name, unique at the hub (`duplicate_name`), at most 80 characters.
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
}

/// A route's buyers.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RouteBuyers {
    /// The buyers the hub serves, in their usual order (a buyer is on one route at a time:
    /// naming it here takes it off any other).
    #[schema(max_items = 1000)]
    pub buyer_ids: Vec<i64>,
}

/// A buyer's delivery details.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiDeliveryDetails {
    /// Street address, at most 300 characters.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub address: String,
    /// Who to ask for, and a phone number, at most 300 characters.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub contact: String,
    /// How to deliver (door, hours, code), at most 300 characters.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub instructions: String,
}

impl From<DeliveryDetails> for ApiDeliveryDetails {
    fn from(d: DeliveryDetails) -> Self {
        ApiDeliveryDetails {
            address: d.address,
            contact: d.contact,
            instructions: d.instructions,
        }
    }
}

/// A stop of a route on a delivery day: one order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStop {
    /// Its id.
    pub id: i64,
    /// The route.
    pub route_id: i64,
    /// The order.
    pub order_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// The buyer's name.
    pub buyer_name: String,
    /// Its place on the route, from 1.
    pub number: i64,
    /// `pending`, `delivered` or `undelivered`.
    pub status: String,
    /// Who received it.
    pub recipient: String,
    /// The driver's note.
    pub note: String,
    /// When it was delivered or found undeliverable (RFC 3339).
    pub done_at: Option<String>,
    /// The buyer's delivery details.
    pub details: ApiDeliveryDetails,
    /// The order's note.
    pub order_note: String,
    /// How many cases it has.
    pub cases: i64,
    /// Whether the driver left a photo (`GET .../stops/{id}/photo`).
    pub photo: bool,
}

impl From<Stop> for ApiStop {
    fn from(s: Stop) -> Self {
        ApiStop {
            id: s.id.0,
            route_id: s.route.0,
            order_id: s.order.0,
            buyer_id: s.buyer.0,
            buyer_name: s.buyer_name,
            number: s.number,
            status: s.status.code().into(),
            recipient: s.recipient,
            note: s.note,
            done_at: s.done_at.map(|t| t.to_string()),
            details: s.details.into(),
            order_note: s.order_note,
            cases: s.cases,
            photo: s.photo,
        }
    }
}

/// What planning added.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPlanned {
    /// How many stops were added (orders of buyers on no route stay without one).
    pub added: usize,
}

/// Where an order goes on a route.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlaceStop {
    /// The route.
    pub route_id: i64,
    /// Its place, from 1 (the other stops move down; past the end: last).
    #[schema(minimum = 1)]
    pub number: i64,
}

/// A delivered stop.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Delivered {
    /// Who received it (`recipient_required`), at most 120 characters.
    #[schema(min_length = 1, max_length = 120)]
    pub recipient: String,
    /// A note, at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// A stop that could not be delivered.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Undelivered {
    /// Why (closed, refused), at most 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// What a buyer reads of its order's delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiDelivery {
    /// The order.
    pub order_id: i64,
    /// `unplanned` (on no route yet), `pending`, `delivered` or `undelivered`.
    pub status: String,
    /// Its place on its route.
    pub stop_number: Option<i64>,
    /// Who received it.
    pub recipient: String,
    /// The driver's note.
    pub note: String,
    /// When it was delivered or found undeliverable (RFC 3339).
    pub done_at: Option<String>,
    /// How many cases it was packed in (0 until it is on a route).
    pub cases: i64,
    /// Whether the driver left a photo (`GET .../orders/{id}/delivery/photo`).
    pub photo: bool,
}

async fn route_of(state: &AppState, hs: &HubScope, id: RouteId) -> Result<ApiRoute, ApiError> {
    state
        .store
        .routes(hs)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .map(Into::into)
        .ok_or(ApiError::NotFound)
}

/// The hub's routes, by name, each with its buyers in their usual order.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/routes", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    responses((status = 200, body = [ApiRoute])),
    security(("bearer" = ["orders:read"])))]
pub async fn routes(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
) -> Result<Json<Vec<ApiRoute>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(
        state
            .store
            .routes(&hs)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a route.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/routes", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"),
           ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewRoute,
    responses((status = 201, body = ApiRoute), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn create_route(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    ApiJson(body): ApiJson<NewRoute>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let id = state.store.create_route(&hs, &body.name).await?;
    let route = route_of(&state, &hs, id).await?;
    Ok((StatusCode::CREATED, Json(route)).into_response())
}

/// Sets a route's buyers in their usual order; a buyer the hub does not serve answers 404.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/routes/{id}/buyers", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Route id")),
    request_body = RouteBuyers,
    responses((status = 200, body = ApiRoute), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn set_route_buyers(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<RouteBuyers>,
) -> Result<Json<ApiRoute>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    if body.buyer_ids.len() > 1000 {
        return Err(crate::api::problem::field("buyer_ids", "too_long"));
    }
    let buyers: Vec<OrgId> = body.buyer_ids.iter().map(|b| OrgId(*b)).collect();
    let route = RouteId(path.1);
    state.store.set_route_buyers(&hs, route, &buyers).await?;
    Ok(Json(route_of(&state, &hs, route).await?))
}

/// A buyer's delivery details at the hub.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/buyers/{id}/delivery-details", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "The buyer")),
    responses((status = 200, body = ApiDeliveryDetails), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:read"])))]
pub async fn delivery_details(
    State(state): State<AppState>,
    a: ApiAccess<crate::api::auth::OrgRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiDeliveryDetails>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(
        state
            .store
            .delivery_details(&hs, OrgId(path.1))
            .await?
            .into(),
    ))
}

/// Sets a buyer's delivery details (shown on the driver's manifest).
#[utoipa::path(put, path = "/api/v1/organizations/{org}/buyers/{id}/delivery-details", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "The buyer")),
    request_body = ApiDeliveryDetails,
    responses((status = 200, body = ApiDeliveryDetails), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn set_delivery_details(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiDeliveryDetails>,
) -> Result<Json<ApiDeliveryDetails>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let d = DeliveryDetails {
        address: body.address,
        contact: body.contact,
        instructions: body.instructions,
    };
    state
        .store
        .set_delivery_details(&hs, OrgId(path.1), &d)
        .await?;
    Ok(Json(
        state
            .store
            .delivery_details(&hs, OrgId(path.1))
            .await?
            .into(),
    ))
}

/// Makes a stop of every placed order of the delivery day whose buyer is on a route and that
/// has none yet, in the route's usual order, after its stops. Before the cut-off:
/// `cycle_still_open`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles/{id}/routes/plan", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"), DayQuery,
           ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    responses((status = 200, body = ApiPlanned), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn plan(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    Query(q): Query<DayQuery>,
) -> Result<Json<ApiPlanned>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let day = q.day()?;
    let added = state.store.plan_routes(&hs, CycleId(path.1), day).await?;
    Ok(Json(ApiPlanned { added }))
}

/// A route's stops on a cycle's delivery day, in order: the driver's manifest, with each
/// buyer's delivery details and how many cases to drop.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/routes/{route}/stops", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"),
           ("route" = i64, Path, description = "Route id"), DayQuery),
    responses((status = 200, body = [ApiStop]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn stops(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64, i64)>,
    Query(q): Query<DayQuery>,
) -> Result<Json<Vec<ApiStop>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let day = q.day()?;
    state.store.cycle(&hs, CycleId(path.1)).await?;
    route_of(&state, &hs, RouteId(path.2)).await?;
    Ok(Json(
        state
            .store
            .stops(&hs, CycleId(path.1), day, RouteId(path.2))
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Puts an order on a route at a place (the other stops move down), or moves its stop there.
/// A delivered order answers `order_delivered`.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/orders/{id}/stop", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Order id")),
    request_body = PlaceStop,
    responses((status = 200, body = ApiStop), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn place_stop(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<PlaceStop>,
) -> Result<Json<ApiStop>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let order = OrderId(path.1);
    let number = body.number.clamp(1, 1000);
    state
        .store
        .place_stop(&hs, order, RouteId(body.route_id), number)
        .await?;
    let stop = state
        .store
        .order_delivery(&hs, order)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(stop.into()))
}

async fn mark(
    state: &AppState,
    a: &ApiAccess<OrdersWrite>,
    stop: i64,
    outcome: StopOutcome,
) -> Result<Json<ApiStop>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    state.store.mark_stop(&hs, StopId(stop), &outcome).await?;
    Ok(Json(state.store.stop(&hs, StopId(stop)).await?.into()))
}

/// Marks a stop delivered, with who received it: what its lines hold of each lot leaves the
/// stock and the buyer is told. A stop is marked once (`order_delivered`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/stops/{id}/delivered", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Stop id"),
           ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = Delivered,
    responses((status = 200, body = ApiStop), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn delivered(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<Delivered>,
) -> Result<Json<ApiStop>, ApiError> {
    let outcome = StopOutcome::Delivered {
        recipient: body.recipient,
        note: body.note,
    };
    mark(&state, &a, path.1, outcome).await
}

/// Marks a stop not delivered: its goods are set aside no more and stay on hand. A stop is
/// marked once (`order_delivered`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/stops/{id}/undelivered", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Stop id"),
           ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = Undelivered,
    responses((status = 200, body = ApiStop), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn undelivered(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<Undelivered>,
) -> Result<Json<ApiStop>, ApiError> {
    let outcome = StopOutcome::Undelivered { note: body.note };
    mark(&state, &a, path.1, outcome).await
}

/// An order's delivery, as its buyer (or its hub) reads it: its stop's status, who received
/// it and when, and how many cases. Only the order's buyer and hub reach it (else 404).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/orders/{id}/delivery", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub"), ("id" = i64, Path, description = "Order id")),
    responses((status = 200, body = ApiDelivery), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn delivery(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiDelivery>, ApiError> {
    let order = state.store.order_by_id(&a.scope, OrderId(path.1)).await?;
    let hs = state.store.hub_scope(&a.scope, order.hub).await?;
    let stop = state.store.order_delivery(&hs, order.id).await?;
    Ok(Json(match stop {
        Some(s) => ApiDelivery {
            order_id: order.id.0,
            status: s.status.code().into(),
            stop_number: Some(s.number),
            recipient: s.recipient,
            note: s.note,
            done_at: s.done_at.map(|t| t.to_string()),
            cases: s.cases,
            photo: s.photo,
        },
        None => ApiDelivery {
            order_id: order.id.0,
            status: "unplanned".into(),
            stop_number: None,
            recipient: String::new(),
            note: String::new(),
            done_at: None,
            cases: 0,
            photo: false,
        },
    }))
}

/// The largest photo the API takes, in bytes (as the pages).
const PHOTO_LIMIT: usize = 8 * 1024 * 1024;

/// A JPEG answer.
fn jpeg(bytes: Vec<u8>) -> Response {
    use axum::http::header::CONTENT_TYPE;
    ([(CONTENT_TYPE, "image/jpeg")], bytes).into_response()
}

/// Adds (or replaces) a stop's proof-of-delivery photo: the body is the picture itself
/// (JPEG, PNG or WebP, at most 8 MB), kept as a JPEG of at most 800 × 800 pixels. A body that
/// is not a picture answers `photo_unreadable`. Answers the stop.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/stops/{id}/photo", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Stop id")),
    request_body(content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/webp"))),
    responses((status = 200, body = ApiStop), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 413, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn set_stop_photo(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    body: axum::body::Body,
) -> Result<Json<ApiStop>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let stop = StopId(path.1);
    // The stop first: another hub's id is 404 before its body is read.
    state.store.stop(&hs, stop).await?;
    let bytes = axum::body::to_bytes(body, PHOTO_LIMIT)
        .await
        .map_err(|_| ApiError::Status(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"))?;
    let jpeg = tokio::task::spawn_blocking(move || halles_docs::photo::to_jpeg(&bytes))
        .await
        .map_err(|_| ApiError::Internal)?
        .map_err(|_| halles_store::StoreError::field("photo", Refusal::PhotoUnreadable))?;
    state.store.set_stop_photo(&hs, stop, &jpeg).await?;
    Ok(Json(state.store.stop(&hs, stop).await?.into()))
}

/// A stop's proof-of-delivery photo (JPEG), for the hub; 404 when there is none.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/stops/{id}/photo", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Stop id")),
    responses((status = 200, description = "The photo", content_type = "image/jpeg", body = Vec<u8>),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn stop_photo(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let photo = state.store.stop_photo(&hs, StopId(path.1)).await?;
    Ok(jpeg(photo.ok_or(ApiError::NotFound)?))
}

/// The photo the driver took when delivering an order (JPEG), for the order's buyer and hub
/// only (another's order is 404, as is an order without a photo).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/orders/{id}/delivery/photo", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub"), ("id" = i64, Path, description = "Order id")),
    responses((status = 200, description = "The photo", content_type = "image/jpeg", body = Vec<u8>),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn delivery_photo(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let order = state.store.order_by_id(&a.scope, OrderId(path.1)).await?;
    let hs = state.store.hub_scope(&a.scope, order.hub).await?;
    let photo = state.store.order_delivery_photo(&hs, order.id).await?;
    Ok(jpeg(photo.ok_or(ApiError::NotFound)?))
}
