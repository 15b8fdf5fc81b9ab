//! Redemptions at a market and their refunds.

use super::{lookup, refusal};
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, RedemptionsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, cents_field, field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::{ProductGroupId, RedemptionId, RegisterId};
use halles_store::coupons::{Redemption, RedemptionInput};
use halles_store::platform::idempotency::Claim;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An amount per product group.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiGroupAmount {
    /// Product group.
    pub product_group_id: i64,
    /// Cents, at most 10,000,000 ($100,000) a line (`amount_too_large`).
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub amount_cents: i64,
    /// Cents refunded since (ignored on input).
    #[serde(default)]
    pub refunded_cents: i64,
}

/// A redemption to make. The card is proven by what only its holder has: its typed number or
/// its scanned QR value (and its PIN where the program asks for one), never an internal id.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewRedemption {
    /// The card: its 16-digit number as typed, or its scanned QR value (the `…/c/<token>` link
    /// or the bare token).
    #[serde(default)]
    pub card: Option<String>,
    /// No longer accepted: a card's internal id proves nothing; sending it answers 422
    /// `card_proof_required`.
    #[serde(default)]
    #[schema(ignore)]
    pub card_id: Option<serde_json::Value>,
    /// The register.
    #[serde(default)]
    pub register_id: Option<i64>,
    /// Amount per product group.
    pub lines: Vec<ApiGroupAmount>,
    /// The card's 4-digit PIN, when its program asks for one (`pin_required`, `pin_wrong` and
    /// `pin_not_set` answer 409 otherwise; after 5 wrong PINs in a row, `pin_locked` until the
    /// card's partner organization or the program's operator unlocks it).
    #[serde(default)]
    pub pin: Option<String>,
}

/// A redemption.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRedemption {
    /// Id.
    pub id: i64,
    /// Program.
    pub program_id: i64,
    /// Card.
    pub card_id: i64,
    /// Market.
    pub market_id: i64,
    /// Register.
    pub register_id: Option<i64>,
    /// Total paid.
    pub total_cents: i64,
    /// Total refunded.
    pub refunded_cents: i64,
    /// Per group.
    pub lines: Vec<ApiGroupAmount>,
    /// When (RFC 3339).
    pub at: String,
}

impl From<Redemption> for ApiRedemption {
    fn from(r: Redemption) -> Self {
        ApiRedemption {
            id: r.id.0,
            program_id: r.program.0,
            card_id: r.card.0,
            market_id: r.market.0,
            register_id: r.register.map(|x| x.0),
            total_cents: r.total.0,
            refunded_cents: r.refunded.0,
            lines: r
                .lines
                .into_iter()
                .map(|l| ApiGroupAmount {
                    product_group_id: l.group.0,
                    amount_cents: l.amount.0,
                    refunded_cents: l.refunded.0,
                })
                .collect(),
            at: r.at.to_string(),
        }
    }
}

/// Redeems funds on a card at the caller's market: every line or nothing. Beyond the balance
/// answers `validation_failed` with `insufficient_funds` on the line; a disabled, lost or
/// unassigned card answers 409 `card_disabled`, `card_lost` or `card_unassigned`, and a card
/// whose partner organization does not send its participants to this market
/// `card_other_market`. Send an `Idempotency-Key` so a retried request never spends twice: the
/// key is kept in the sale's own transaction; a refused redemption does not use it up.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/redemptions", tag = "coupons",
    params(("org" = i64, Path, description = "The market"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewRedemption,
    responses((status = 201, body = ApiRedemption), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["redemptions:write"])))]
pub async fn redeem(
    State(state): State<AppState>,
    a: ApiAccess<RedemptionsWrite>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let key = crate::api::idempotency::key_of(&headers)?;
    let body_json: NewRedemption = crate::api::json::from_bytes(&headers, &body)?;
    if body_json.card_id.is_some() {
        return Err(field("card_id", "card_proof_required"));
    }
    let card = match body_json.card.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => lookup(c)?,
        _ => return Err(field("card", "required")),
    };
    let input = RedemptionInput {
        card,
        register: body_json.register_id.map(RegisterId),
        lines: bounded_lines(&body_json.lines)?,
        pin: body_json.pin.clone(),
    };
    let hash = crate::api::idempotency::request_hash("POST", uri.path(), &body);
    let once = match (key, a.scope.actor.token) {
        (Some(key), Some(token)) => Some(halles_store::coupons::Once {
            token,
            key,
            request_hash: hash,
            respond: redemption_json,
        }),
        _ => None,
    };
    let done = state
        .store
        .redeem_once(&a.scope, &input, once)
        .await
        .map_err(refusal)?;
    let r = match done {
        halles_store::coupons::Redeemed::Done(r) => r,
        halles_store::coupons::Redeemed::Replay(Claim::Replay {
            status,
            content_type,
            body,
        }) => return Ok(crate::api::idempotency::replay(status, &content_type, body)),
        halles_store::coupons::Redeemed::Replay(Claim::Mismatch) => {
            return Err(ApiError::IdempotencyKeyReused);
        }
        halles_store::coupons::Redeemed::Replay(_) => {
            return Err(ApiError::IdempotencyKeyInProgress);
        }
    };
    // The holder's receipt is written by the worker, from the sale's event.
    let body = redemption_json(&r);
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

/// The JSON body of a redemption, as answered and as kept with its idempotency key.
fn redemption_json(r: &halles_store::coupons::Redemption) -> String {
    serde_json::to_string(&ApiRedemption::from(r.clone())).unwrap_or_default()
}

/// One redemption (its market or the program's operator).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/redemptions/{id}", tag = "coupons",
    params(("org" = i64, Path, description = "Market or operator"), ("id" = i64, Path, description = "Redemption id")),
    responses((status = 200, body = ApiRedemption), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn redemption(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiRedemption>, ApiError> {
    let r = state
        .store
        .redemption(&a.scope, RedemptionId(path.1))
        .await?;
    Ok(Json(r.into()))
}

/// Lines of a redemption or a refund, each within its maximum (`lines[i].amount_cents`).
fn bounded_lines(lines: &[ApiGroupAmount]) -> Result<Vec<(ProductGroupId, Cents)>, ApiError> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let amount = cents_field(
                &format!("lines[{i}].amount_cents"),
                l.amount_cents,
                Limit::Movement,
            )?;
            Ok((ProductGroupId(l.product_group_id), amount))
        })
        .collect()
}

/// A refund to make.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewRefund {
    /// Amount per product group, at most what was paid and not refunded yet.
    pub lines: Vec<ApiGroupAmount>,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// Refunds part or all of a redemption: the funds go back to the card, to the loads they came
/// from. More than was paid answers 409 `refund_exceeds_payment`; only the market that made the
/// sale refunds it (the program's operator gets 409 `refund_selling_market_only`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/redemptions/{id}/refunds", tag = "coupons",
    params(("org" = i64, Path, description = "The market"), ("id" = i64, Path, description = "Redemption id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewRefund,
    responses((status = 201, body = ApiRedemption), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["redemptions:write"])))]
pub async fn refund(
    State(state): State<AppState>,
    a: ApiAccess<RedemptionsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewRefund>,
) -> Result<Response, ApiError> {
    let lines = bounded_lines(&body.lines)?;
    let id = RedemptionId(path.1);
    state
        .store
        .refund(&a.scope, id, &lines, &body.reason)
        .await
        .map_err(refusal)?;
    let r = state.store.redemption(&a.scope, id).await?;
    Ok((StatusCode::CREATED, Json(ApiRedemption::from(r))).into_response())
}
