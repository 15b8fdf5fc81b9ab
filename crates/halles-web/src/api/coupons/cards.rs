//! Cards: a program's cards, new batches, a PIN unlock, and a market's card lookup.

use super::{lookup, program_scope};
use crate::AppState;
use crate::api::auth::{ApiAccess, CouponsRead, CouponsWrite, RedemptionsWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::CardId;
use halles_core::coupons::CardStatus;
use halles_store::coupons::Card;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A card.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCard {
    /// Id.
    pub id: i64,
    /// Program.
    pub program_id: i64,
    /// The 16-digit number.
    pub number: String,
    /// `unassigned`, `assigned`, `disabled`, `lost` or `gift`.
    pub status: String,
    /// Holder.
    pub participant_id: Option<i64>,
    /// Batch.
    pub batch_id: Option<i64>,
}

impl From<Card> for ApiCard {
    fn from(c: Card) -> Self {
        ApiCard {
            id: c.id.0,
            program_id: c.program.0,
            number: c.number.as_str().to_owned(),
            status: c.status.code().into(),
            participant_id: c.participant.map(|p| p.0),
            batch_id: c.batch.map(|b| b.0),
        }
    }
}

/// Card filters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CardFilter {
    /// Only this status.
    #[serde(default)]
    #[param(schema_with = crate::api::schemas::card_status)]
    pub status: Option<String>,
}

/// The cards of a program the caller may see.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/programs/{id}/cards", tag = "coupons",
    params(("org" = i64, Path, description = "Operator or partner"), ("id" = i64, Path, description = "Program id"), CardFilter),
    responses((status = 200, body = [ApiCard]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:read"])))]
pub async fn cards(
    State(state): State<AppState>,
    a: ApiAccess<CouponsRead>,
    Path(path): Path<(i64, i64)>,
    Query(f): Query<CardFilter>,
) -> Result<Json<Vec<ApiCard>>, ApiError> {
    let status = match f.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<CardStatus>()
                .map_err(|_| field("status", "choice_invalid"))?,
        ),
    };
    let list = state
        .store
        .cards(
            &program_scope(&state, &a.scope, path.1).await?,
            status,
            None,
        )
        .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// A batch to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBatch {
    /// How many cards (1 to 5000).
    #[schema(minimum = 1, maximum = 5000)]
    pub size: u32,
}

/// Creates a batch of unassigned cards (the operator).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/cards", tag = "coupons",
    params(("org" = i64, Path, description = "The operator"), ("id" = i64, Path, description = "Program id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewBatch,
    responses((status = 201, body = [ApiCard]), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn create_cards(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewBatch>,
) -> Result<Response, ApiError> {
    let (_, cards) = state
        .store
        .create_card_batch(&program_scope(&state, &a.scope, path.1).await?, body.size)
        .await?;
    let out: Vec<ApiCard> = cards.into_iter().map(Into::into).collect();
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// Unlocks a card's PIN locked after 5 wrong tries: the partner organization that holds the
/// card's participant, or the program's operator. Audited; a PIN that is not locked is left
/// as it is.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/programs/{id}/cards/{cid}/pin-unlock", tag = "coupons",
    params(("org" = i64, Path, description = "The operator or the card's partner organization"), ("id" = i64, Path, description = "Program id"), ("cid" = i64, Path, description = "Card id"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    responses((status = 204, description = "Unlocked"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["coupons:write"])))]
pub async fn unlock_pin(
    State(state): State<AppState>,
    a: ApiAccess<CouponsWrite>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let program = program_scope(&state, &a.scope, path.1).await?;
    let card = state.store.program_card(&program, CardId(path.2)).await?;
    state.store.unlock_card_pin(&a.scope, card.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A balance in one product group.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiBalance {
    /// Product group.
    pub product_group_id: i64,
    /// Cents available.
    pub balance_cents: i64,
    /// When the next part expires (RFC 3339).
    pub next_expiry: Option<String>,
}

/// A card and its balances, as a register sees it (no identity).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCardBalance {
    /// Card id.
    pub card_id: i64,
    /// Program.
    pub program_id: i64,
    /// Number.
    pub number: String,
    /// Status.
    pub status: String,
    /// Balances per product group.
    pub balances: Vec<ApiBalance>,
}

/// A card to look up.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CardQuery {
    /// The typed number or the scanned QR value.
    #[param(min_length = 1, pattern = r"\S")]
    pub card: String,
}

/// Looks up a card by number or QR value and returns its balances (a market of its program).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/cards/lookup", tag = "coupons",
    params(("org" = i64, Path, description = "The market"), CardQuery),
    responses((status = 200, body = ApiCardBalance), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["redemptions:write"])))]
pub async fn card_lookup(
    State(state): State<AppState>,
    a: ApiAccess<RedemptionsWrite>,
    Query(q): Query<CardQuery>,
) -> Result<Json<ApiCardBalance>, ApiError> {
    let card = state.store.find_card(&a.scope, &lookup(&q.card)?).await?;
    let balances = state.store.card_balances(card.id).await?;
    Ok(Json(ApiCardBalance {
        card_id: card.id.0,
        program_id: card.program.0,
        number: card.number.as_str().to_owned(),
        status: card.status.code().into(),
        balances: balances
            .into_iter()
            .map(|b| ApiBalance {
                product_group_id: b.group.0,
                balance_cents: b.balance.0,
                next_expiry: b.next_expiry.map(|t| t.to_string()),
            })
            .collect(),
    }))
}
