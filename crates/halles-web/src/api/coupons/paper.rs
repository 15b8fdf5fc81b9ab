//! Paper coupons: batches issued by the operator, the hand-out recorded by the batch's partner,
//! voiding, and redemption at a market's register by scanned QR value or typed serial.

use super::program_scope;
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, CouponsWrite, RedemptionsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, date_field, field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::{EnvelopeId, OrgId, PaperBatchId, ParticipantId, ProductGroupId, RegisterId};
use halles_store::coupons::{FundSource, PaperBatch, PaperBatchInput, PaperCoupon, PaperLookup};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A batch of paper coupons.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPaperBatch {
    /// Id.
    pub id: i64,
    /// Program.
    pub program_id: i64,
    /// The product group its coupons pay for.
    pub product_group_id: i64,
    /// The partner organization that hands them out.
    pub partner_id: i64,
    /// The envelope its money came from; none: the program's reserve.
    pub envelope_id: Option<i64>,
    /// Each coupon's value.
    pub value_cents: i64,
    /// How many coupons.
    pub size: i64,
    /// The last day a coupon can be redeemed.
    #[schema(format = Date)]
    pub expires_on: String,
    /// Coupons issued (not handed out yet), handed out, redeemed, expired and voided.
    pub issued: i64,
    /// See `issued`.
    pub handed_out: i64,
    /// See `issued`.
    pub redeemed: i64,
    /// See `issued`.
    pub expired: i64,
    /// See `issued`.
    pub voided: i64,
    /// When it was issued (RFC 3339).
    pub created_at: String,
}

impl From<PaperBatch> for ApiPaperBatch {
    fn from(b: PaperBatch) -> Self {
        let [issued, handed_out, redeemed, expired, voided] = b.counts;
        ApiPaperBatch {
            id: b.id.0,
            program_id: b.program.0,
            product_group_id: b.group.0,
            partner_id: b.partner.0,
            envelope_id: b.envelope,
            value_cents: b.value.0,
            size: b.size,
            expires_on: b.expires_on.to_string(),
            issued,
            handed_out,
            redeemed,
            expired,
            voided,
            created_at: b.created_at.to_string(),
        }
    }
}

/// A paper coupon (its QR value is printed only, never listed).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPaperCoupon {
    /// Id.
    pub id: i64,
    /// Batch.
    pub batch_id: i64,
    /// The 14-digit serial.
    pub serial: String,
    /// `issued`, `handed_out`, `redeemed`, `expired` or `voided`.
    #[schema(schema_with = crate::api::schemas::paper_status)]
    pub status: String,
    /// What it is worth.
    pub value_cents: i64,
    /// The product group it pays for.
    pub product_group_id: i64,
    /// The last day it can be redeemed.
    #[schema(format = Date)]
    pub expires_on: String,
    /// The partner organization that hands it out.
    pub partner_id: i64,
    /// The participant it was handed to, when known.
    pub participant_id: Option<i64>,
    /// When it was handed out (RFC 3339).
    pub handed_out_at: Option<String>,
    /// When it was redeemed (RFC 3339).
    pub redeemed_at: Option<String>,
    /// The market where it was redeemed.
    pub market_id: Option<i64>,
    /// The register where it was redeemed.
    pub register_id: Option<i64>,
}

impl From<PaperCoupon> for ApiPaperCoupon {
    fn from(c: PaperCoupon) -> Self {
        ApiPaperCoupon {
            id: c.id.0,
            batch_id: c.batch.0,
            serial: c.serial.as_str().to_owned(),
            status: c.status.code().into(),
            value_cents: c.value.0,
            product_group_id: c.group.0,
            expires_on: c.expires_on.to_string(),
            partner_id: c.partner.0,
            participant_id: c.participant.map(|p| p.0),
            handed_out_at: c.handed_out_at.map(|t| t.to_string()),
            redeemed_at: c.redeemed_at.map(|t| t.to_string()),
            market_id: c.market.map(|m| m.0),
            register_id: c.register.map(|r| r.0),
        }
    }
}

/// A batch to issue.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPaperBatch {
    /// The product group (one of the program's, not the loyalty group).
    pub product_group_id: i64,
    /// Each coupon's value: more than 0, at most 10,000,000 ($100,000); the batch at most
    /// $10,000,000 (`budget_too_large`).
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub value_cents: i64,
    /// How many coupons (1 to 1,000, `paper_batch_size`).
    #[schema(minimum = 1, maximum = 1000)]
    pub size: u32,
    /// The last day the coupons can be redeemed: tomorrow to two years ahead
    /// (`paper_expiry_invalid`).
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub expires_on: String,
    /// The partner organization that hands them out (`not_a_partner`).
    pub partner_id: i64,
    /// The money comes from an envelope of that partner (`envelope_id`,
    /// `envelope_other_partner`, `over_budget`) or from the program's reserve
    /// (`from_reserve: true`, `reserve_too_low`): exactly one of the two
    /// (`fund_source_required`).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub envelope_id: Option<i64>,
    /// See `envelope_id`.
    #[serde(default)]
    pub from_reserve: bool,
}

/// The batch issued and its coupons.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIssuedBatch {
    /// The batch.
    pub batch: ApiPaperBatch,
    /// Its coupons.
    pub coupons: Vec<ApiPaperCoupon>,
}

/// A program's paper-coupon batches: the operator's all, a partner's those it hands out.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/paper-batches", tag = "coupons",
    params(("org" = i64, Path, description = "The operator or a partner"), ("id" = i64, Path, description = "Program id")),
    responses((status = 200, body = [ApiPaperBatch]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn paper_batches(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiPaperBatch>>, ApiError> {
    let program = program_scope(&state, &a.scope, path.1).await?;
    let list = state.store.paper_batches(&program).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Issues a batch of paper coupons (the operator), drawing its whole value at once on the
/// partner's envelope or the program's reserve.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/paper-batches", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewPaperBatch,
    responses((status = 201, body = ApiIssuedBatch), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn issue_paper_batch(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewPaperBatch>,
) -> Result<Response, ApiError> {
    let expires_on = date_field("expires_on", &body.expires_on)?;
    if body.value_cents <= 0 {
        return Err(field("value_cents", "invalid_amount"));
    }
    let value = Cents(body.value_cents)
        .within(Limit::Movement)
        .map_err(|e| field("value_cents", e.code()))?;
    let source = match (body.envelope_id, body.from_reserve) {
        (Some(e), false) if e > 0 => FundSource::Envelope(EnvelopeId(e)),
        (None, true) => FundSource::Reserve,
        _ => return Err(field("envelope_id", "fund_source_required")),
    };
    let program = program_scope(&state, &a.scope, path.1).await?;
    let (batch, coupons) = state
        .store
        .issue_paper_batch(
            &program,
            &PaperBatchInput {
                group: ProductGroupId(body.product_group_id),
                value,
                size: body.size,
                expires_on,
                partner: OrgId(body.partner_id),
                source,
            },
        )
        .await?;
    let out = ApiIssuedBatch {
        batch: batch.into(),
        coupons: coupons.into_iter().map(Into::into).collect(),
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// The coupons of a batch (the operator, or the partner that hands them out).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/paper-batches/{bid}/coupons", tag = "coupons",
    params(("org" = i64, Path, description = "The operator or the batch's partner"), ("id" = i64, Path, description = "Program id"), ("bid" = i64, Path, description = "Batch id")),
    responses((status = 200, body = [ApiPaperCoupon]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn paper_coupons(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<Json<Vec<ApiPaperCoupon>>, ApiError> {
    let program = program_scope(&state, &a.scope, path.1).await?;
    let list = state
        .store
        .paper_coupons(&program, PaperBatchId(path.2))
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// A coupon named by what is printed on it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaperCouponRef {
    /// Its scanned QR value (`HP-…`) or its typed 14-digit serial, spaces and dashes allowed
    /// (`paper_serial_invalid` when a digit is wrong: the last one checks the others).
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^\s*(HP-\S+|[0-9][0-9 -]*)\s*$"
    )]
    pub coupon: String,
    /// When handing out: the participant of the batch's partner who got it, if known.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub participant_id: Option<i64>,
    /// When redeeming: the register.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub register_id: Option<i64>,
}

/// The coupon a request names (`coupon` field problems otherwise).
fn paper_lookup(coupon: &str) -> Result<PaperLookup, ApiError> {
    Ok(PaperLookup::parse(coupon)?)
}

/// Records that a coupon was handed out (the batch's partner or the operator): only a coupon
/// recorded so is redeemable (`paper_state` when it was handed out before or is closed,
/// `paper_expired` past its last day). Audited.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/paper-coupons/hand-out", tag = "coupons",
    params(("org" = i64, Path, description = "The batch's partner or the operator"), ("id" = i64, Path, description = "Program id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = PaperCouponRef,
    responses((status = 200, body = ApiPaperCoupon), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn hand_out(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<PaperCouponRef>,
) -> Result<Json<ApiPaperCoupon>, ApiError> {
    let lookup = paper_lookup(&body.coupon)?;
    let program = program_scope(&state, &a.scope, path.1).await?;
    let c = state
        .store
        .hand_out_paper(&program, &lookup, body.participant_id.map(ParticipantId))
        .await?;
    Ok(Json(c.into()))
}

/// Voids a coupon not redeemed yet (the operator): its value goes back to its envelope or the
/// reserve (`paper_state` otherwise). Audited.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/paper-coupons/void", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = PaperCouponRef,
    responses((status = 200, body = ApiPaperCoupon), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn void(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<PaperCouponRef>,
) -> Result<Json<ApiPaperCoupon>, ApiError> {
    let lookup = paper_lookup(&body.coupon)?;
    let program = program_scope(&state, &a.scope, path.1).await?;
    Ok(Json(
        state.store.void_paper(&program, &lookup).await?.into(),
    ))
}

/// Redeems a paper coupon at the caller's market, named by its scanned QR value or typed
/// serial, once: a coupon not handed out answers 409 `paper_not_handed_out`, one redeemed
/// already `paper_redeemed` (also to the second of two registers at the same instant), past
/// its last day `paper_expired`, voided `paper_voided`; a coupon whose partner does not send
/// its participants to this market `card_other_market`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/paper-redemptions", tag = "coupons",
    params(("org" = i64, Path, description = "The market"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = PaperCouponRef,
    responses((status = 201, body = ApiPaperCoupon), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["redemptions:write"])))]
pub async fn redeem(
    State(state): State<AppState>,
    a: ApiAccess<RedemptionsWrite>,
    ApiJson(body): ApiJson<PaperCouponRef>,
) -> Result<Response, ApiError> {
    let lookup = paper_lookup(&body.coupon)?;
    let c = state
        .store
        .redeem_paper(&a.scope, &lookup, body.register_id.map(RegisterId))
        .await?;
    Ok((StatusCode::CREATED, Json(ApiPaperCoupon::from(c))).into_response())
}
