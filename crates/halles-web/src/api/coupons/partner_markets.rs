//! The markets where a partner's participants may spend.

use super::program_scope;
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use halles_core::OrgId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The markets where a partner's participants may spend.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PartnerMarkets {
    /// Markets of the program; empty: every market.
    pub market_ids: Vec<i64>,
}

/// Sets the markets where a partner organization's participants may spend (the operator);
/// elsewhere their cards are refused with `card_other_market`.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/programs/{id}/partners/{pid}/markets", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("pid" = i64, Path, description = "The partner organization")),
    request_body = PartnerMarkets,
    responses((status = 204, description = "Changed"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn set_partner_markets(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<PartnerMarkets>,
) -> Result<StatusCode, ApiError> {
    let markets: Vec<OrgId> = body.market_ids.iter().copied().map(OrgId).collect();
    state
        .store
        .set_partner_markets(
            &program_scope(&state, &a.scope, path.1).await?,
            OrgId(path.2),
            &markets,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
