//! Markets' reimbursement claims and the operator's decisions.

use super::program_scope;
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, CouponsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, date_field, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::ClaimId;
use halles_store::coupons::Claim;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A market's reimbursement claim for one reconciliation period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiClaim {
    /// Id.
    pub id: i64,
    /// The market that filed it.
    pub market_id: i64,
    /// The market's name.
    pub market_name: String,
    /// First day of the period.
    pub period_start: String,
    /// First day after the period.
    pub period_end: String,
    /// Redemptions less refunds at the market in the period, when filed.
    pub amount_cents: i64,
    /// `submitted`, `approved`, `rejected` or `paid`.
    pub status: String,
    /// The market's note.
    pub note: String,
    /// Why the operator refused it.
    pub reason: String,
    /// The payment batch it is in.
    pub payment_batch_id: Option<i64>,
}

impl From<Claim> for ApiClaim {
    fn from(c: Claim) -> Self {
        ApiClaim {
            id: c.id.0,
            market_id: c.market.0,
            market_name: c.market_name,
            period_start: c.period_start.to_string(),
            period_end: c.period_end.to_string(),
            amount_cents: c.amount.0,
            status: c.status.code().into(),
            note: c.note,
            reason: c.reason,
            payment_batch_id: c.batch.map(|b| b.0),
        }
    }
}

/// The claims list's filter.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ClaimsQuery {
    /// Only claims in this status.
    #[param(schema_with = crate::api::schemas::claim_status)]
    pub status: Option<String>,
}

/// A program's claims: every one for the operator, its own for a market.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/claims", tag = "coupons",
    params(("org" = i64, Path, description = "The operator or a market"), ("id" = i64, Path, description = "Program id"), ClaimsQuery),
    responses((status = 200, body = Vec<ApiClaim>), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn claims(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
    Query(q): Query<ClaimsQuery>,
) -> Result<Json<Vec<ApiClaim>>, ApiError> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(s.parse().map_err(|_| field("status", "status_invalid"))?),
    };
    let claims = state
        .store
        .claims(&program_scope(&state, &a.scope, path.1).await?, status)
        .await?;
    Ok(Json(claims.into_iter().map(ApiClaim::from).collect()))
}

/// A claim to file.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewClaim {
    /// First day of a closed reconciliation period of the program.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub period_start: String,
    /// A note for the operator.
    #[serde(default)]
    pub note: String,
}

/// A market claims what the program owes it for a closed period (`period_invalid`,
/// `period_open`, `nothing_owed`, `already_claimed`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/claims", tag = "coupons",
    params(("org" = i64, Path, description = "The market"), ("id" = i64, Path, description = "Program id")),
    request_body = NewClaim,
    responses((status = 201, body = ApiClaim), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn file_claim(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewClaim>,
) -> Result<Response, ApiError> {
    let start = date_field("period_start", &body.period_start)?;
    let c = state
        .store
        .file_claim(
            &program_scope(&state, &a.scope, path.1).await?,
            start,
            &body.note,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(ApiClaim::from(c))).into_response())
}

/// The operator's decision on a claim.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClaimDecision {
    /// Approve (`true`) or refuse (`false`).
    pub approve: bool,
    /// Why it is refused (required to refuse).
    #[serde(default)]
    pub reason: String,
}

/// The operator approves or refuses a submitted claim (`reason_required`, `claim_decided`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/claims/{cid}/decision", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("cid" = i64, Path, description = "Claim id")),
    request_body = ClaimDecision,
    responses((status = 200, body = ApiClaim), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn decide_claim(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<ClaimDecision>,
) -> Result<Json<ApiClaim>, ApiError> {
    let c = state
        .store
        .decide_claim(
            &program_scope(&state, &a.scope, path.1).await?,
            ClaimId(path.2),
            body.approve,
            &body.reason,
        )
        .await?;
    Ok(Json(ApiClaim::from(c)))
}
