//! Who sees what at a hub: a product, or a whole cycle, kept for buyers carrying one of a
//! rule's tags (the buyers' tags are set with `PUT .../buyers/{id}/settings`). No rule: every
//! buyer sees it.

use crate::AppState;
use crate::api::auth::{ApiAccess, CatalogRead, CatalogWrite, CyclesWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, State};
use halles_core::catalog::check_tags;
use halles_core::{CycleId, ProductId};
use halles_store::hub::visibility::Rule;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Tags as a request body names them: at most 10, each one word of at most 30 letters, digits,
/// `-` or `_` (kept in lower case, each once, sorted; `tags_invalid` otherwise).
#[derive(Debug, Deserialize, ToSchema)]
pub struct Tags {
    /// The tags; empty: shown to every buyer.
    #[schema(schema_with = crate::api::schemas::tags)]
    pub tags: Vec<String>,
}

/// The tags of a body, checked (`tags_invalid` on `tags`).
pub fn read_tags(tags: &[String]) -> Result<Vec<String>, ApiError> {
    check_tags(tags).map_err(|code| field("tags", code))
}

/// A product's rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductRule {
    /// The product.
    pub product_id: i64,
    /// Only buyers carrying one of these tags see it (empty: every buyer).
    pub tags: Vec<String>,
}

/// A cycle's rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct CycleRule {
    /// The cycle.
    pub cycle_id: i64,
    /// Only buyers carrying one of these tags see it (empty: every buyer).
    pub tags: Vec<String>,
}

/// The hub's rules.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRules {
    /// Products kept for some tags, by id.
    pub products: Vec<ProductRule>,
    /// Cycles kept for some tags, by id.
    pub cycles: Vec<CycleRule>,
}

/// The hub's visibility rules: the products and cycles kept for some buyers' tags.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/visibility-rules", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    responses((status = 200, body = ApiRules), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn rules(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
) -> Result<Json<ApiRules>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let r = state.store.visibility_rules(&hs).await?;
    let mut products: Vec<ProductRule> = r
        .products
        .into_iter()
        .map(|(p, tags)| ProductRule {
            product_id: p.0,
            tags,
        })
        .collect();
    products.sort_by_key(|p| p.product_id);
    let mut cycles: Vec<CycleRule> = r
        .cycles
        .into_iter()
        .map(|(c, tags)| CycleRule {
            cycle_id: c.0,
            tags,
        })
        .collect();
    cycles.sort_by_key(|c| c.cycle_id);
    Ok(Json(ApiRules { products, cycles }))
}

/// Keeps a product of the hub's producers for buyers carrying one of the tags (an empty list
/// shows it to every buyer). Its catalog rows, orders and standing-order runs follow at once.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/visibility-rules/products/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "A product of one of the hub's producers")),
    request_body = Tags,
    responses((status = 200, body = ProductRule), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:write"])))]
pub async fn set_product_rule(
    State(state): State<AppState>,
    a: ApiAccess<CatalogWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<Tags>, ApiError>,
) -> Result<Json<ProductRule>, ApiError> {
    let id = ProductId(path.1);
    let tags = save(&state, &a.scope, Rule::Product(id), body).await?;
    Ok(Json(ProductRule {
        product_id: id.0,
        tags,
    }))
}

/// Keeps a cycle of the hub for buyers carrying one of the tags (an empty list shows it to
/// every buyer); to the others it does not exist (404).
#[utoipa::path(put, path = "/api/v1/organizations/{org}/visibility-rules/order-cycles/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    request_body = Tags,
    responses((status = 200, body = CycleRule), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn set_cycle_rule(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<Tags>, ApiError>,
) -> Result<Json<CycleRule>, ApiError> {
    let id = CycleId(path.1);
    let tags = save(&state, &a.scope, Rule::Cycle(id), body).await?;
    Ok(Json(CycleRule {
        cycle_id: id.0,
        tags,
    }))
}

/// Sets a rule's tags as the body names them; the tags kept.
async fn save(
    state: &AppState,
    scope: &halles_store::TenantScope,
    rule: Rule,
    body: Result<ApiJson<Tags>, ApiError>,
) -> Result<Vec<String>, ApiError> {
    let hs = state.store.own_hub(scope).await?;
    let ApiJson(body) = body?;
    let tags = read_tags(&body.tags)?;
    state.store.set_visibility(&hs, rule, &tags).await?;
    Ok(tags)
}
