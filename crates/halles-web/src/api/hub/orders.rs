//! Orders: placing, reading, changing and cancelling them.

use super::qty;
use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::refusals::Refusal;
use halles_core::{CycleId, LocationId, OrderId, OrgId, ProductId};
use halles_store::StoreError;
use halles_store::hub::HubScope;
use halles_store::hub::orders::{KeyedOrder, Order, OrderFilter, OrderInput, OrderKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An order line.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiLine {
    /// The product.
    pub product_id: i64,
    /// Quantity in the product's unit ("3", "2.5"), at most 100,000.
    #[schema(pattern = r"^([0-9]{1,5}([.,][0-9]{1,3})?|100000([.,]0{1,3})?)$")]
    pub quantity: String,
    /// The buyer's unit price in cents (ignored on input).
    #[serde(default)]
    pub unit_price_cents: i64,
    /// The producer (ignored on input).
    #[serde(default)]
    pub producer_id: i64,
}

/// An order line as stored: what the buyer ordered, at which price, from whom. The product's
/// names, unit, price and tax class are those of the day it was ordered.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiOrderLine {
    /// The product.
    pub product_id: i64,
    /// Its French name when ordered.
    pub name_fr: String,
    /// Its English name when ordered (empty when it had none).
    pub name_en: String,
    /// Its sale unit when ordered: `kg`, `lb`, `each`, `bunch` or `case`.
    pub unit: String,
    /// What a unit held when ordered ("sac de 10 lb"), empty when the product said nothing.
    pub unit_detail: String,
    /// Quantity in the sale unit ("3", "2.5").
    pub quantity: String,
    /// The buyer's unit price in cents.
    pub unit_price_cents: i64,
    /// The line's amount in cents (quantity × unit price).
    pub line_total_cents: i64,
    /// Tax class: `zero_rated`, `taxable` or `exempt`.
    pub tax_class: String,
    /// The producer.
    pub producer_id: i64,
    /// The producer's name.
    pub producer_name: String,
}

/// An order to place or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOrder {
    /// The hub (ignored when changing).
    #[serde(default)]
    pub hub_id: i64,
    /// The cycle (ignored when changing).
    #[serde(default)]
    pub cycle_id: i64,
    /// The buyer; a buyer's token may omit it, a hub's token (order by phone) must give it.
    #[serde(default)]
    pub buyer_id: Option<i64>,
    /// Pickup point or delivery zone.
    pub location_id: Option<i64>,
    /// The delivery day (YYYY-MM-DD), one of the cycle's `delivery_days`; it may be left out
    /// when the cycle has only one. A second order for the same day and location goes into
    /// the open one. Ignored when changing.
    #[serde(default)]
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub delivery_day: Option<String>,
    /// The buyer's purchase-order number.
    #[serde(default)]
    pub po_number: String,
    /// A note.
    #[serde(default)]
    pub note: String,
    /// Lines.
    #[schema(min_items = 1)]
    pub lines: Vec<ApiLine>,
}

/// An order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiOrder {
    /// Its id.
    pub id: i64,
    /// The hub.
    pub hub_id: i64,
    /// The cycle.
    pub cycle_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// The buyer's name.
    pub buyer_name: String,
    /// `placed` or `cancelled`.
    pub status: String,
    /// Pickup point or delivery zone.
    pub location_id: Option<i64>,
    /// The delivery day (YYYY-MM-DD); null only for an order kept from before delivery days.
    #[schema(format = Date)]
    pub delivery_day: Option<String>,
    /// PO number.
    pub po_number: String,
    /// Note.
    pub note: String,
    /// Lines.
    pub lines: Vec<ApiOrderLine>,
    /// Subtotal in cents.
    pub subtotal_cents: i64,
    /// Fees in cents.
    pub fees_cents: i64,
    /// GST in cents.
    pub gst_cents: i64,
    /// QST in cents.
    pub qst_cents: i64,
    /// Total in cents.
    pub total_cents: i64,
}

impl From<Order> for ApiOrder {
    fn from(o: Order) -> Self {
        let taxes = o.taxes();
        ApiOrder {
            id: o.id.0,
            hub_id: o.hub.0,
            cycle_id: o.cycle.0,
            buyer_id: o.buyer.0,
            status: o.status.code().into(),
            location_id: o.location.map(|l| l.0),
            delivery_day: o.delivery_day.map(|d| d.to_string()),
            subtotal_cents: o.subtotal().0,
            fees_cents: o.fees.0,
            gst_cents: taxes.gst.0,
            qst_cents: taxes.qst.0,
            total_cents: o.total().0,
            lines: o
                .lines
                .iter()
                .map(|l| ApiOrderLine {
                    product_id: l.product.id.0,
                    name_fr: l.product.name_fr.clone(),
                    name_en: l.product.name_en.clone(),
                    unit: l.product.unit.code().into(),
                    unit_detail: l.product.unit_detail.clone(),
                    quantity: l.quantity.plain(),
                    unit_price_cents: l.unit_price.0,
                    line_total_cents: l.total().0,
                    tax_class: l.tax_class.code().into(),
                    producer_id: l.product.producer.0,
                    producer_name: l.product.producer_name.clone(),
                })
                .collect(),
            buyer_name: o.buyer_name,
            po_number: o.po_number,
            note: o.note,
        }
    }
}

fn order_input(
    a_org: OrgId,
    body: &NewOrder,
    buyer: Option<OrgId>,
) -> Result<OrderInput, ApiError> {
    let mut lines = Vec::new();
    for (i, l) in body.lines.iter().enumerate() {
        lines.push((
            ProductId(l.product_id),
            qty(&format!("lines[{i}].quantity"), &l.quantity)?,
        ));
    }
    if lines.is_empty() {
        return Err(field("lines", "empty_order"));
    }
    let delivery_day = body
        .delivery_day
        .as_deref()
        .map(|d| d.parse().map_err(|_| field("delivery_day", "date_invalid")))
        .transpose()?;
    Ok(OrderInput {
        buyer: buyer.or(body.buyer_id.map(OrgId)).unwrap_or(a_org),
        location: body.location_id.map(LocationId),
        delivery_day,
        po_number: body.po_number.clone(),
        note: body.note.clone(),
        lines,
    })
}

/// Places an order (a buyer's token, or the hub's for a buyer). Stock is reserved at once; a
/// shortage answers `validation_failed` naming the line. A buyer has one order per cycle,
/// delivery day and pickup point or zone: when it already has an open one there, the lines are added to it (a
/// product already ordered gets the new quantity on top), the fee is charged once and the
/// minimum applies to the whole order; the answer is then 200 with that order instead of 201.
/// Send an `Idempotency-Key`: a retry answers the first response and adds nothing again.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/orders", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer, or the hub"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewOrder,
    responses((status = 201, description = "A new order", body = ApiOrder), (status = 200, description = "The lines were added to the buyer's open order of this cycle, delivery day and location", body = ApiOrder), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn place_order(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
    raw: axum::body::Bytes,
) -> Result<Response, ApiError> {
    // The key is kept in the order's own transaction (the middleware leaves this route alone),
    // so the body is read here, as raw bytes for the request's hash.
    let key = crate::api::idempotency::key_of(&headers)?;
    let body: NewOrder = crate::api::json::from_bytes(&headers, &raw)?;
    let input = order_input(a.scope.org, &body, None)?;
    let hs = state.store.hub_scope(&a.scope, OrgId(body.hub_id)).await?;
    let key = match (key, a.scope.actor.token) {
        (Some(key), Some(token)) => Some(OrderKey {
            token,
            key,
            request_hash: crate::api::idempotency::request_hash("POST", uri.path(), &raw),
        }),
        _ => None,
    };
    if let Some(k) = &key
        && let Some(seen) = state.store.order_key(&a.scope, k).await?
    {
        return order_again(&state, &hs, seen).await;
    }
    let placed = state
        .store
        .place_order_keyed(&hs, CycleId(body.cycle_id), &input, key.clone())
        .await;
    let placed = match (placed, &key) {
        (Ok(placed), _) => placed,
        // The same key committed meanwhile (a concurrent retry): answer with its order.
        (Err(StoreError::Refused(Refusal::IdempotencyKeyReused)), Some(k)) => {
            let seen = state
                .store
                .order_key(&a.scope, k)
                .await?
                .ok_or(ApiError::Internal)?;
            return order_again(&state, &hs, seen).await;
        }
        (Err(e), _) => return Err(e.into()),
    };
    let order = state.store.order(&hs, placed.order).await?;
    Ok((placed_status(placed.added), Json(ApiOrder::from(order))).into_response())
}

/// 201 for a new order, 200 when the lines went into the buyer's open order.
fn placed_status(added: bool) -> StatusCode {
    if added {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    }
}

/// The answer to a key already used for an order: the order it placed (as it is now), or the
/// refusal of a reused or unfinished key.
async fn order_again(
    state: &AppState,
    hs: &HubScope,
    seen: KeyedOrder,
) -> Result<Response, ApiError> {
    match seen {
        KeyedOrder::Placed { order, added } => {
            let order = state.store.order(hs, order).await?;
            let mut res = (placed_status(added), Json(ApiOrder::from(order))).into_response();
            res.headers_mut().insert(
                "idempotent-replayed",
                axum::http::HeaderValue::from_static("true"),
            );
            Ok(res)
        }
        KeyedOrder::Replay {
            status,
            content_type,
            body,
        } => Ok(crate::api::idempotency::replay(status, &content_type, body)),
        KeyedOrder::Mismatch => Err(ApiError::IdempotencyKeyReused),
        KeyedOrder::InProgress => Err(ApiError::IdempotencyKeyInProgress),
    }
}

/// The caller's orders: a buyer's own, or every order placed at a hub (newest first).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/orders", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub")),
    responses((status = 200, body = [ApiOrder])),
    security(("bearer" = ["orders:read"])))]
pub async fn orders(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
) -> Result<Json<Vec<ApiOrder>>, ApiError> {
    Ok(Json(
        state
            .store
            .orders_of_org(&a.scope, 200)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// The orders of a hub's cycle.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/orders", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiOrder])),
    security(("bearer" = ["orders:read"])))]
pub async fn cycle_orders(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiOrder>>, ApiError> {
    let id = path.1;
    let hs = state.store.own_hub(&a.scope).await?;
    state.store.cycle(&hs, CycleId(id)).await?;
    Ok(Json(
        state
            .store
            .cycle_orders(&hs, CycleId(id), &OrderFilter::default())
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// One order (its buyer's or its hub's).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/orders/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub"), ("id" = i64, Path, description = "Order id")),
    responses((status = 200, body = ApiOrder), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn order(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiOrder>, ApiError> {
    let id = path.1;
    Ok(Json(
        state.store.order_by_id(&a.scope, OrderId(id)).await?.into(),
    ))
}

/// Changes an order's lines and details until the cut-off.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/orders/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub"), ("id" = i64, Path, description = "Order id")),
    request_body = NewOrder,
    responses((status = 200, body = ApiOrder), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn update_order(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<NewOrder>,
) -> Result<Json<ApiOrder>, ApiError> {
    let id = path.1;
    let before = state.store.order_by_id(&a.scope, OrderId(id)).await?;
    let input = order_input(a.scope.org, &body, Some(before.buyer))?;
    let hs = state.store.hub_scope(&a.scope, before.hub).await?;
    state
        .store
        .update_order(&hs, before.id, &input)
        .await
        .map_err(ApiError::from)?;
    Ok(Json(state.store.order(&hs, before.id).await?.into()))
}

/// Cancels an order until the cut-off.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/orders/{id}/cancel", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub"), ("id" = i64, Path, description = "Order id")),
    responses((status = 200, body = ApiOrder), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn cancel_order(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiOrder>, ApiError> {
    let id = path.1;
    let before = state.store.order_by_id(&a.scope, OrderId(id)).await?;
    let hs = state.store.hub_scope(&a.scope, before.hub).await?;
    state.store.cancel_order(&hs, before.id).await?;
    Ok(Json(state.store.order(&hs, before.id).await?.into()))
}
