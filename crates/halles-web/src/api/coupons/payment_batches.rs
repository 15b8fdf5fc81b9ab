//! Payment batches of approved claims.

use super::claims::ApiClaim;
use super::program_scope;
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, CouponsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, date_field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::{ClaimId, PaymentBatchId};
use halles_store::coupons::{Claim, PaymentBatch};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A payment batch of approved claims.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPaymentBatch {
    /// Id (its number).
    pub id: i64,
    /// Sum of its claims.
    pub total_cents: i64,
    /// `open` or `paid`.
    pub status: String,
    /// The day it was paid.
    pub paid_on: Option<String>,
    /// The payment's reference.
    pub reference: String,
    /// Its claims.
    pub claims: Vec<ApiClaim>,
}

fn api_batch(b: PaymentBatch, claims: Vec<Claim>) -> ApiPaymentBatch {
    ApiPaymentBatch {
        id: b.id.0,
        total_cents: b.total.0,
        status: b.status.code().into(),
        paid_on: b.paid_on.map(|d| d.to_string()),
        reference: b.reference,
        claims: claims.into_iter().map(ApiClaim::from).collect(),
    }
}

/// A program's payment batches with their claims, newest first (the operator).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/payment-batches", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id")),
    responses((status = 200, body = Vec<ApiPaymentBatch>), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn payment_batches(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiPaymentBatch>>, ApiError> {
    let program = program_scope(&state, &a.scope, path.1).await?;
    let mut out = Vec::new();
    for b in state.store.payment_batches(&program).await? {
        let (b, claims) = state.store.payment_batch(&program, b.id).await?;
        out.push(api_batch(b, claims));
    }
    Ok(Json(out))
}

/// Claims to pay together.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPaymentBatch {
    /// Approved claims not in a batch yet.
    pub claim_ids: Vec<i64>,
}

/// The operator gathers approved claims into a payment batch (`no_claims`,
/// `claim_not_approved`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/payment-batches", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id")),
    request_body = NewPaymentBatch,
    responses((status = 201, body = ApiPaymentBatch), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn create_payment_batch(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewPaymentBatch>,
) -> Result<Response, ApiError> {
    let program = program_scope(&state, &a.scope, path.1).await?;
    let ids: Vec<ClaimId> = body.claim_ids.iter().copied().map(ClaimId).collect();
    let b = state.store.create_payment_batch(&program, &ids).await?;
    let (b, claims) = state.store.payment_batch(&program, b.id).await?;
    Ok((StatusCode::CREATED, Json(api_batch(b, claims))).into_response())
}

/// The payment of a batch.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchPayment {
    /// The day it was paid.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub paid_on: String,
    /// The cheque or transfer reference.
    #[serde(default)]
    pub reference: String,
}

/// The operator marks a batch paid; each market in it is e-mailed a remittance notice
/// (`batch_paid`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/payment-batches/{bid}/payment", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("bid" = i64, Path, description = "Payment batch id")),
    request_body = BatchPayment,
    responses((status = 200, body = ApiPaymentBatch), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn pay_batch(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<BatchPayment>,
) -> Result<Json<ApiPaymentBatch>, ApiError> {
    let (program, batch) = (
        program_scope(&state, &a.scope, path.1).await?,
        PaymentBatchId(path.2),
    );
    let paid_on = date_field("paid_on", &body.paid_on)?;
    let (paid, claims) = state
        .store
        .mark_batch_paid(&program, batch, paid_on, &body.reference)
        .await?;
    // The store records the event; the worker e-mails the remittance notices.
    Ok(Json(api_batch(paid, claims)))
}
