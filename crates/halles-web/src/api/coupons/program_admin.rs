//! API of what a program's operator and markets settle between them, and of the operator's
//! settings: reimbursement claims and payment batches, program settings, the markets where each
//! partner's participants may spend, and manual loads or corrections on a card.

use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, CouponsWrite};
use crate::api::coupons::programs::program_scope;
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, date_field, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::coupons::ReportPeriod;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::validation::FieldError;
use halles_core::{CardId, ClaimId, OrgId, PaymentBatchId, ProductGroupId};
use halles_store::StoreError;
use halles_store::coupons::{Claim, PaymentBatch, ProgramSettings};
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
    let p = program.program();
    // The notices are a courtesy: a failure to queue one never undoes the payment.
    let base = &state.config.base_url;
    if let Err(e) = crate::mail::remittance_notices(&state.store, base, p, &paid, &claims).await {
        tracing::warn!(error = %e, "remittance notices not queued");
    }
    Ok(Json(api_batch(paid, claims)))
}

/// A program's settings, as the operator changes them (anonymity and off-platform allocations
/// stay as chosen at creation).
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiProgramSettings {
    /// Name.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    /// The name participants see (empty: the name).
    #[serde(default)]
    pub public_name: String,
    /// The address participants see on their balance page.
    #[serde(default)]
    pub public_address: String,
    /// First day.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub starts_on: String,
    /// Last day.
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub ends_on: String,
    /// Reconciliation period: `month`, `week` or `day`.
    #[schema(schema_with = crate::api::schemas::report_period)]
    pub report_period: String,
    /// Whether partner organizations give out cards themselves.
    pub partners_assign_cards: bool,
    /// Whether cards need their 4-digit PIN.
    pub pin_required: bool,
}

/// Changes a program's settings (the operator).
#[utoipa::path(put, path = "/api/v1/organizations/{org}/programs/{id}", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id")),
    request_body = ApiProgramSettings,
    responses((status = 204, description = "Changed"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn update_program(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiProgramSettings>,
) -> Result<StatusCode, ApiError> {
    let mut errors = Vec::new();
    if body.name.trim().is_empty() {
        errors.push(FieldError {
            field: "name".into(),
            code: "required",
        });
    }
    let starts_on = body.starts_on.parse().ok();
    let ends_on = body.ends_on.parse().ok();
    for (name, d) in [("starts_on", starts_on), ("ends_on", ends_on)] {
        if d.is_none() {
            errors.push(FieldError {
                field: name.into(),
                code: "date_invalid",
            });
        }
    }
    let period: Option<ReportPeriod> = body.report_period.parse().ok();
    if period.is_none() {
        errors.push(FieldError {
            field: "report_period".into(),
            code: "report_period_invalid",
        });
    }
    let (Some(starts_on), Some(ends_on), Some(report_period), true) =
        (starts_on, ends_on, period, errors.is_empty())
    else {
        return Err(ApiError::Validation(errors));
    };
    let settings = ProgramSettings {
        name: body.name.trim().to_owned(),
        public_name: body.public_name.trim().to_owned(),
        public_address: body.public_address.trim().to_owned(),
        starts_on,
        ends_on,
        report_period,
        partners_assign_cards: body.partners_assign_cards,
        pin_required: body.pin_required,
    };
    state
        .store
        .update_program(&program_scope(&state, &a.scope, path.1).await?, &settings)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

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

/// A manual load or correction.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAdjustment {
    /// The product group.
    pub product_group_id: i64,
    /// Cents to add (positive) or take off (negative, at most the balance); at most
    /// 10,000,000 ($100,000) either way (`amount_too_large`).
    #[schema(minimum = -10_000_000, maximum = 10_000_000)]
    pub amount_cents: i64,
    /// Why (required; kept in the ledger).
    #[schema(min_length = 1, pattern = r"\S")]
    pub reason: String,
}

/// A manual load or correction on a card (the operator), written to the ledger with its reason
/// (`reason_required`, `insufficient_funds`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/cards/{cid}/adjustments", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("cid" = i64, Path, description = "Card id")),
    request_body = NewAdjustment,
    responses((status = 204, description = "Written"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn adjust(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<NewAdjustment>,
) -> Result<StatusCode, ApiError> {
    if body.amount_cents == 0 {
        return Err(field("amount_cents", "amount_invalid"));
    }
    let amount = Cents(body.amount_cents)
        .within_signed(Limit::Movement)
        .map_err(|e| field("amount_cents", e.code()))?;
    let program = program_scope(&state, &a.scope, path.1).await?;
    let card = CardId(path.2);
    state.store.program_card(&program, card).await?;
    state
        .store
        .adjust_funds(
            &program,
            card,
            ProductGroupId(body.product_group_id),
            amount,
            &body.reason,
        )
        .await
        .map_err(|e| match e {
            StoreError::Insufficient(_) => field("amount_cents", "insufficient_funds"),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
