//! Manual loads and corrections on a card.

use super::program_scope;
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use halles_core::limits::Limit;
use halles_core::money::Cents;
use halles_core::{CardId, EnvelopeId, ProductGroupId};
use halles_store::StoreError;
use halles_store::coupons::FundSource;
use serde::Deserialize;
use utoipa::ToSchema;

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
    /// A load (positive amount) draws on an envelope of the card holder's partner
    /// organization (`envelope_id`) or on the program's reserve (`from_reserve: true`): exactly
    /// one of the two (`fund_source_required`); refused when it holds too little
    /// (`over_budget`, `reserve_too_low`) or the envelope is another partner's
    /// (`envelope_other_partner`). A correction (negative) names neither: each cent goes back
    /// where it came from.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub envelope_id: Option<i64>,
    /// See `envelope_id`.
    #[serde(default)]
    pub from_reserve: bool,
}

/// A manual load or correction on a card (the operator), written to the ledger with its reason
/// (`reason_required`, `insufficient_funds`), drawing on the envelope or reserve it names.
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
    // The program and card first (another program's card is not found), then the source.
    let source = match (body.envelope_id, body.from_reserve) {
        (Some(e), false) if e > 0 => Some(FundSource::Envelope(EnvelopeId(e))),
        (None, true) => Some(FundSource::Reserve),
        (None, false) if body.amount_cents < 0 => None,
        _ => return Err(field("envelope_id", "fund_source_required")),
    };
    state
        .store
        .adjust_funds(
            &program,
            card,
            ProductGroupId(body.product_group_id),
            amount,
            source,
            &body.reason,
        )
        .await
        .map_err(|e| match e {
            StoreError::Insufficient(_) => field("amount_cents", "insufficient_funds"),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
