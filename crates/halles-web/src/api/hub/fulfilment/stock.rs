//! The hub's stock: its lots, each lot's ledger, losses, donations and counts by hand, and the
//! recall report of a lot code.

use super::day_string;
use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::fulfilment::MovementKind;
use halles_core::quantity::Qty;
use halles_core::{CycleId, LotId};
use halles_store::hub::HubScope;
use halles_store::hub::fulfilment::stock::{Lot, Movement, Recipient};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A lot received at the hub, with what its ledger sums to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiLot {
    /// Its id.
    pub id: i64,
    /// Its code (the producer's, or generated at receiving).
    pub code: String,
    /// The producer.
    pub producer_id: i64,
    /// The producer's name.
    pub producer_name: String,
    /// The product.
    pub product_id: i64,
    /// Its French name.
    pub name_fr: String,
    /// Its English name (empty when it has none).
    pub name_en: String,
    /// The sale unit counted.
    pub unit: String,
    /// The cycle it was received for.
    pub cycle_id: i64,
    /// The delivery day it was received for (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub delivery_day: Option<String>,
    /// Harvest or packing day (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub packed_on: Option<String>,
    /// Best before (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub best_before: Option<String>,
    /// When it was received (RFC 3339).
    pub received_at: String,
    /// How much was received.
    pub received: String,
    /// What the hub holds of it now.
    pub on_hand: String,
    /// What of that is set aside for orders.
    pub allocated: String,
    /// What is free (on hand less allocated).
    pub free: String,
    /// Its ledger, oldest first (only when one lot is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub movements: Option<Vec<ApiMovement>>,
}

impl From<Lot> for ApiLot {
    fn from(l: Lot) -> Self {
        ApiLot {
            id: l.id.0,
            code: l.code,
            producer_id: l.producer.0,
            producer_name: l.producer_name,
            product_id: l.product.0,
            name_fr: l.name_fr,
            name_en: l.name_en,
            unit: l.unit.code().into(),
            cycle_id: l.cycle.0,
            delivery_day: day_string(l.delivery_day),
            packed_on: day_string(l.packed_on),
            best_before: day_string(l.best_before),
            received_at: l.received_at.to_string(),
            received: l.received.plain(),
            on_hand: l.on_hand.plain(),
            allocated: l.allocated.plain(),
            free: Qty(l.on_hand.0 - l.allocated.0).plain(),
            movements: None,
        }
    }
}

/// One entry of a lot's ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiMovement {
    /// Its id.
    pub id: i64,
    /// `received`, `allocated`, `released`, `packed`, `delivered`, `returned`, `lost`,
    /// `donated` or `adjusted`.
    pub kind: String,
    /// How much it moved.
    pub quantity: String,
    /// Its change of what is on hand.
    pub on_hand: String,
    /// Its change of what is allocated.
    pub allocated: String,
    /// The order concerned, if any.
    pub order_id: Option<i64>,
    /// That order's buyer.
    pub buyer_name: Option<String>,
    /// Why (losses and counts).
    pub reason: String,
    /// When (RFC 3339).
    pub at: String,
}

impl From<Movement> for ApiMovement {
    fn from(m: Movement) -> Self {
        ApiMovement {
            id: m.id.0,
            kind: m.kind.code().into(),
            quantity: m.quantity.plain(),
            on_hand: m.on_hand.plain(),
            allocated: m.allocated.plain(),
            order_id: m.order.map(|o| o.0),
            buyer_name: m.buyer_name,
            reason: m.reason,
            at: m.at.to_string(),
        }
    }
}

/// Which lots.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct LotsQuery {
    /// A cycle: its lots, held or not. Left out: every lot still held.
    #[param(minimum = 1)]
    pub cycle: Option<i64>,
}

/// What a person records of a lot.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiMovementKind {
    /// Lost, spoiled or thrown away (a reason is required).
    Lost,
    /// Given away, to a food bank say.
    Donated,
    /// Counted again (a reason is required): the quantity is the change, negative to lower.
    Adjusted,
}

/// A loss, a donation or a count.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMovement {
    /// `lost`, `donated` or `adjusted`.
    pub kind: ApiMovementKind,
    /// How much, in the lot's sale unit ("3", "2.5"), at most 100,000; for `adjusted`, the
    /// change, negative to lower ("-1.5"). A loss or donation takes at most what is free.
    #[schema(pattern = r"^-?([0-9]{1,5}([.,][0-9]{1,3})?|100000([.,]0{1,3})?)$")]
    pub quantity: String,
    /// Why, at most 500 characters (required for `lost` and `adjusted`).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

/// Who received a lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRecipient {
    /// The order.
    pub order_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// The buyer's name.
    pub buyer_name: String,
    /// The delivery day (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub delivery_day: Option<String>,
    /// How much of the lot it received.
    pub delivered: String,
    /// How much is still set aside for it (not delivered yet).
    pub allocated: String,
}

impl From<Recipient> for ApiRecipient {
    fn from(r: Recipient) -> Self {
        ApiRecipient {
            order_id: r.order.0,
            buyer_id: r.buyer.0,
            buyer_name: r.buyer_name,
            delivery_day: day_string(r.delivery_day),
            delivered: r.delivered.plain(),
            allocated: r.allocated.plain(),
        }
    }
}

/// A lot's recall report: where it came from and where it went.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRecall {
    /// The lot, with its whole ledger.
    pub lot: ApiLot,
    /// Every order that received it, or holds it set aside.
    pub recipients: Vec<ApiRecipient>,
}

async fn lot_with_movements(
    state: &AppState,
    hs: &HubScope,
    lot: LotId,
) -> Result<ApiLot, ApiError> {
    let mut api = ApiLot::from(state.store.lot(hs, lot).await?);
    api.movements = Some(
        state
            .store
            .movements(hs, lot)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    );
    Ok(api)
}

/// The hub's lots: a cycle's (`cycle`), or every lot still held, newest first.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/lots", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), LotsQuery),
    responses((status = 200, body = [ApiLot]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn lots(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Query(q): Query<LotsQuery>,
) -> Result<Json<Vec<ApiLot>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(
        state
            .store
            .lots(&hs, q.cycle.map(CycleId))
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// One lot with its ledger.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/lots/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Lot id")),
    responses((status = 200, body = ApiLot), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn lot(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiLot>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(lot_with_movements(&state, &hs, LotId(path.1)).await?))
}

/// Records a loss, a donation or a count of a lot. A loss or donation takes at most what is
/// free, a count lowers what is on hand at most to what is allocated (`not_enough_stock`);
/// losses and counts need a reason (`reason_required`). Answers the lot with its ledger.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/lots/{id}/movements", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Lot id"),
           ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewMovement,
    responses((status = 201, body = ApiLot), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn record_movement(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewMovement>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let kind = match body.kind {
        ApiMovementKind::Lost => MovementKind::Lost,
        ApiMovementKind::Donated => MovementKind::Donated,
        ApiMovementKind::Adjusted => MovementKind::Adjusted,
    };
    let typed = body.quantity.trim();
    let (negative, size) = match typed.strip_prefix('-') {
        Some(rest) if kind == MovementKind::Adjusted => (true, rest),
        _ => (false, typed),
    };
    let size = Qty::parse_within(size).map_err(|e| field("quantity", e.code_or("qty_invalid")))?;
    let quantity = if negative { Qty(-size.0) } else { size };
    state
        .store
        .record_movement(&hs, LotId(path.1), kind, quantity, &body.reason)
        .await?;
    let lot = lot_with_movements(&state, &hs, LotId(path.1)).await?;
    Ok((StatusCode::CREATED, Json(lot)).into_response())
}

/// The recall report of a lot, found by its code as printed on labels (letters compared
/// without case): the lot, its producer and receipt, every order that received it or holds it
/// set aside, and its whole ledger. An unknown code answers 404.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/recalls/{code}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("code" = String, Path, description = "The lot code")),
    responses((status = 200, body = ApiRecall), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn recall(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, String)>,
) -> Result<Json<ApiRecall>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let r = match state.store.recall(&hs, &path.1).await {
        Err(halles_store::StoreError::Refused(halles_core::refusals::Refusal::UnknownLot)) => {
            return Err(ApiError::NotFound);
        }
        other => other?,
    };
    let mut lot = ApiLot::from(r.lot);
    lot.movements = Some(r.movements.into_iter().map(Into::into).collect());
    Ok(Json(ApiRecall {
        lot,
        recipients: r.recipients.into_iter().map(Into::into).collect(),
    }))
}
