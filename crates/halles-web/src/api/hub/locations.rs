//! A cycle's pickup points and delivery zones, one by one: read, add, change the name, kind,
//! fee or minimum (a cycle is created with its first ones, see `cycles`).

use crate::AppState;
use crate::api::auth::{ApiAccess, CatalogRead, CyclesWrite};
use crate::api::hub::cycles::ApiLocation;
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::money::Cents;
use halles_core::{CycleId, LocationId};
use halles_store::hub::cycles::{Location, LocationInput};

impl From<Location> for ApiLocation {
    fn from(l: Location) -> Self {
        ApiLocation {
            id: l.id.0,
            kind: l.input.kind,
            name: l.input.name,
            fee_cents: l.input.fee.0,
            min_order_cents: l.input.min_order.0,
        }
    }
}

impl ApiLocation {
    /// What the store checks (the bounds, the name and the kind, each on its field).
    fn input(self) -> LocationInput {
        LocationInput {
            kind: self.kind,
            name: self.name,
            fee: Cents(self.fee_cents),
            min_order: Cents(self.min_order_cents),
        }
    }
}

/// The pickup points and delivery zones of one of the hub's cycles.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/locations", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiLocation]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn locations(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiLocation>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(
        state
            .store
            .cycle_locations(&hs, CycleId(path.1))
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Adds a pickup point or delivery zone to a cycle that is not closed (`cycle_closed`); its
/// name is unique in the cycle (`duplicate_name`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles/{id}/locations", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    request_body = ApiLocation,
    responses((status = 201, body = ApiLocation), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn add_location(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<ApiLocation>, ApiError>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    let cycle = CycleId(path.1);
    let id = state.store.add_location(&hs, cycle, &body.input()).await?;
    let added = state
        .store
        .cycle_locations(&hs, cycle)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(ApiLocation::from(added))).into_response())
}

/// Changes a pickup point's or zone's name, kind, fee or minimum, for orders placed from now
/// on (placed orders keep their fee). Standing orders that named it follow a new name.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/order-cycles/{id}/locations/{location}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"),
           ("location" = i64, Path, description = "Location id")),
    request_body = ApiLocation,
    responses((status = 200, body = ApiLocation), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn change_location(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    Path(path): Path<(i64, i64, i64)>,
    body: Result<ApiJson<ApiLocation>, ApiError>,
) -> Result<Json<ApiLocation>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    let changed = state
        .store
        .change_location(&hs, CycleId(path.1), LocationId(path.2), &body.input())
        .await?;
    Ok(Json(changed.into()))
}
