//! A hub's partners: the producers it works with and the buyers it serves, each buyer at its
//! price list (buyer type).

use crate::AppState;
use crate::api::auth::{ApiAccess, OrgRead, OrgWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::OrgId;
use halles_core::catalog::WeightUnit;
use halles_core::pricing::BuyerType;
use halles_core::refusals::Refusal;
use halles_store::StoreError;
use halles_store::hub::visibility::BuyerSettings;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A producer the hub works with.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProducer {
    /// The producer's organization.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// A buyer the hub serves.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiBuyer {
    /// The buyer's organization.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its price list: `institution`, `restaurant`...
    #[schema(schema_with = crate::api::schemas::buyer_type)]
    pub buyer_type: String,
    /// Its tags at the hub, for visibility rules (sorted).
    pub tags: Vec<String>,
    /// The weight unit it reads prices in first: `kg` or `lb`.
    #[schema(schema_with = crate::api::schemas::weight_unit)]
    pub weight_unit: String,
}

/// A buyer's settings at the hub.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BuyerSettingsBody {
    /// Its tags (replacing the ones it had; empty: none). At most 10, each one word of at most
    /// 30 letters, digits, `-` or `_`, kept in lower case (`tags_invalid` otherwise).
    #[schema(schema_with = crate::api::schemas::tags)]
    pub tags: Vec<String>,
    /// The weight unit it reads prices in first, `kg` or `lb`; absent: unchanged.
    #[serde(default)]
    #[schema(schema_with = crate::api::schemas::weight_unit)]
    pub weight_unit: Option<String>,
}

/// A producer to work with.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewProducer {
    /// The producer's organization.
    pub organization_id: i64,
}

/// A buyer to serve, at a price list.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBuyer {
    /// The buyer's organization.
    pub organization_id: i64,
    /// Its price list.
    #[schema(schema_with = crate::api::schemas::buyer_type)]
    pub buyer_type: String,
}

/// A buyer's new price list.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BuyerChange {
    /// Its price list.
    #[schema(schema_with = crate::api::schemas::buyer_type)]
    pub buyer_type: String,
}

fn buyer_type(s: &str) -> Result<BuyerType, ApiError> {
    s.parse().map_err(|_| field("buyer_type", "choice_invalid"))
}

/// An organization named in a body that is not of the kind asked (or does not exist: the two
/// answer alike, so ids do not reveal what exists) is refused on its field.
fn link_refusal(e: StoreError, refusal: Refusal) -> ApiError {
    match e {
        StoreError::NotFound | StoreError::Refused(Refusal::NotAProducer | Refusal::NotABuyer) => {
            ApiError::Validation(vec![halles_core::validation::FieldError::refused(
                "organization_id",
                refusal,
            )])
        }
        other => other.into(),
    }
}

/// The producers the hub works with.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/producers", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    responses((status = 200, body = [ApiProducer]), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:read"])))]
pub async fn producers(
    State(state): State<AppState>,
    a: ApiAccess<OrgRead>,
) -> Result<Json<Vec<ApiProducer>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(
        state
            .store
            .hub_producers(&hs)
            .await?
            .into_iter()
            .map(|o| ApiProducer {
                id: o.id.0,
                name: o.name,
            })
            .collect(),
    ))
}

/// Starts working with a producer (again: nothing changes).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/producers", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    request_body = NewProducer,
    responses((status = 201, body = ApiProducer), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn link_producer(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    body: Result<ApiJson<NewProducer>, ApiError>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    let id = OrgId(body.organization_id);
    state
        .store
        .link_producer(&hs, id)
        .await
        .map_err(|e| link_refusal(e, Refusal::NotAProducer))?;
    let p = state
        .store
        .hub_producers(&hs)
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(ApiProducer {
            id: p.id.0,
            name: p.name,
        }),
    )
        .into_response())
}

/// Stops working with a producer; refused (`producer_in_open_cycle`) while it takes part in a
/// cycle that is not closed.
#[utoipa::path(delete, path = "/api/v1/organizations/{org}/producers/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "The producer's organization")),
    responses((status = 204, description = "No longer linked"), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn unlink_producer(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    Path(path): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    state.store.unlink_producer(&hs, OrgId(path.1)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The buyers the hub serves with their price lists and settings, by name.
async fn served(
    state: &AppState,
    hs: &halles_store::hub::HubScope,
) -> Result<Vec<ApiBuyer>, ApiError> {
    let mut settings = state.store.buyer_settings(hs).await?;
    Ok(state
        .store
        .hub_buyers(hs)
        .await?
        .into_iter()
        .map(|(o, t)| {
            let s = settings.remove(&o.id);
            ApiBuyer {
                id: o.id.0,
                name: o.name,
                buyer_type: t.code().to_owned(),
                tags: s.as_ref().map(|s| s.tags.clone()).unwrap_or_default(),
                weight_unit: s
                    .map_or(WeightUnit::Kg, |s| s.weight_unit)
                    .code()
                    .to_owned(),
            }
        })
        .collect())
}

async fn buyer(
    state: &AppState,
    hs: &halles_store::hub::HubScope,
    id: OrgId,
) -> Result<ApiBuyer, ApiError> {
    served(state, hs)
        .await?
        .into_iter()
        .find(|b| b.id == id.0)
        .ok_or(ApiError::NotFound)
}

/// The buyers the hub serves, with their price lists.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/buyers", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    responses((status = 200, body = [ApiBuyer]), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:read"])))]
pub async fn buyers(
    State(state): State<AppState>,
    a: ApiAccess<OrgRead>,
) -> Result<Json<Vec<ApiBuyer>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(served(&state, &hs).await?))
}

/// Starts serving a buyer at a price list (a buyer already served keeps its own: change it
/// with `PUT`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/buyers", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    request_body = NewBuyer,
    responses((status = 201, body = ApiBuyer), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn link_buyer(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    body: Result<ApiJson<NewBuyer>, ApiError>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    let (id, t) = (OrgId(body.organization_id), buyer_type(&body.buyer_type)?);
    state
        .store
        .link_buyer(&hs, id, t)
        .await
        .map_err(|e| link_refusal(e, Refusal::NotABuyer))?;
    Ok((StatusCode::CREATED, Json(buyer(&state, &hs, id).await?)).into_response())
}

/// Changes a buyer's price list.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/buyers/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "The buyer's organization")),
    request_body = BuyerChange,
    responses((status = 200, body = ApiBuyer), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn change_buyer(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<BuyerChange>, ApiError>,
) -> Result<Json<ApiBuyer>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    let id = OrgId(path.1);
    state
        .store
        .set_buyer_type(&hs, id, buyer_type(&body.buyer_type)?)
        .await?;
    Ok(Json(buyer(&state, &hs, id).await?))
}

/// Sets a buyer's tags (for visibility rules) and the weight unit it reads prices in first.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/buyers/{id}/settings", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "The buyer's organization")),
    request_body = BuyerSettingsBody,
    responses((status = 200, body = ApiBuyer), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn set_buyer_settings(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<BuyerSettingsBody>, ApiError>,
) -> Result<Json<ApiBuyer>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    let id = OrgId(path.1);
    let before = buyer(&state, &hs, id).await?;
    let tags = super::visibility::read_tags(&body.tags)?;
    let weight_unit: WeightUnit = body
        .weight_unit
        .as_deref()
        .unwrap_or(&before.weight_unit)
        .parse()
        .map_err(|_| field("weight_unit", "choice_invalid"))?;
    let settings = BuyerSettings { tags, weight_unit };
    state.store.set_buyer_settings(&hs, id, &settings).await?;
    Ok(Json(buyer(&state, &hs, id).await?))
}

/// Stops serving a buyer: its standing orders at the hub stop, its orders stay.
#[utoipa::path(delete, path = "/api/v1/organizations/{org}/buyers/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "The buyer's organization")),
    responses((status = 204, description = "No longer served"), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn unlink_buyer(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    Path(path): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    state.store.unlink_buyer(&hs, OrgId(path.1)).await?;
    Ok(StatusCode::NO_CONTENT)
}
