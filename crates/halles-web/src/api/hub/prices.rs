//! A hub's price rules, what its prices page does: each buyer pays the producer's price plus
//! the margin of the most specific rule that matches it (buyer, product, buyer type).

use crate::AppState;
use crate::api::auth::{ApiAccess, CatalogRead, CatalogWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_core::{OrgId, PriceRuleId, ProductId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A price rule; one naming nothing is the hub's default margin.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiPriceRule {
    /// Its id (ignored on input).
    #[serde(default)]
    pub id: i64,
    /// The buyer type (price list) it applies to: `institution`, `restaurant`..., or `null`.
    #[serde(default)]
    #[schema(schema_with = crate::api::schemas::buyer_type_or_null)]
    pub buyer_type: Option<String>,
    /// The one buyer it applies to (a buyer the hub serves), or `null`.
    #[serde(default)]
    pub buyer_id: Option<i64>,
    /// The one product it applies to (of a producer the hub works with), or `null`.
    #[serde(default)]
    pub product_id: Option<i64>,
    /// The margin added to the producer's price, in basis points (1500 = 15 %), 0 to 100,000.
    #[schema(minimum = 0, maximum = 100_000)]
    pub margin_bp: i64,
}

impl ApiPriceRule {
    fn from_rule(id: PriceRuleId, r: PriceRule) -> Self {
        ApiPriceRule {
            id: id.0,
            buyer_type: r.buyer_type.map(|t| t.code().to_owned()),
            buyer_id: r.buyer.map(|b| b.0),
            product_id: r.product.map(|p| p.0),
            margin_bp: r.margin.0,
        }
    }

    fn rule(&self) -> Result<PriceRule, ApiError> {
        let buyer_type = match self.buyer_type.as_deref() {
            Some(t) => Some(
                t.parse::<BuyerType>()
                    .map_err(|_| field("buyer_type", "choice_invalid"))?,
            ),
            None => None,
        };
        Ok(PriceRule {
            buyer_type,
            buyer: self.buyer_id.map(OrgId),
            product: self.product_id.map(ProductId),
            margin: MarginBp(self.margin_bp),
        })
    }
}

/// The hub's price rules.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/price-rules", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    responses((status = 200, body = [ApiPriceRule]), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn price_rules(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
) -> Result<Json<Vec<ApiPriceRule>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(
        state
            .store
            .price_rules(&hs)
            .await?
            .into_iter()
            .map(|(id, r)| ApiPriceRule::from_rule(id, r))
            .collect(),
    ))
}

/// Adds a price rule. A buyer it names must be one the hub serves, a product one of its
/// producers'.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/price-rules", tag = "food hub",
    params(("org" = i64, Path, description = "The hub")),
    request_body = ApiPriceRule,
    responses((status = 201, body = ApiPriceRule), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:write"])))]
pub async fn add_price_rule(
    State(state): State<AppState>,
    a: ApiAccess<CatalogWrite>,
    body: Result<ApiJson<ApiPriceRule>, ApiError>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    let rule = body.rule()?;
    let id = state.store.add_price_rule(&hs, &rule).await?;
    Ok((StatusCode::CREATED, Json(ApiPriceRule::from_rule(id, rule))).into_response())
}

/// Changes a price rule: what it applies to and its margin. Orders already placed keep their
/// prices.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/price-rules/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Price rule id")),
    request_body = ApiPriceRule,
    responses((status = 200, body = ApiPriceRule), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:write"])))]
pub async fn change_price_rule(
    State(state): State<AppState>,
    a: ApiAccess<CatalogWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<ApiPriceRule>, ApiError>,
) -> Result<Json<ApiPriceRule>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(body) = body?;
    let (id, rule) = (PriceRuleId(path.1), body.rule()?);
    state.store.change_price_rule(&hs, id, &rule).await?;
    Ok(Json(ApiPriceRule::from_rule(id, rule)))
}

/// Removes a price rule.
#[utoipa::path(delete, path = "/api/v1/organizations/{org}/price-rules/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Price rule id")),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:write"])))]
pub async fn delete_price_rule(
    State(state): State<AppState>,
    a: ApiAccess<CatalogWrite>,
    Path(path): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    state
        .store
        .delete_price_rule(&hs, PriceRuleId(path.1))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
