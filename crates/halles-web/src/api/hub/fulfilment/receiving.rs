//! Receiving: what a producer brought, a lot per line, set aside for the orders that asked for
//! it; the lines it could not fill (shortages), lowered, substituted or cancelled.

use super::{day_string, optional_date};
use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite};
use crate::api::hub::orders::ApiOrder;
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, qty_field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::catalog::SaleUnit;
use halles_core::fulfilment::ShortageChoice;
use halles_core::quantity::Qty;
use halles_core::validation::FieldError;
use halles_core::{CycleId, OrderLineId, OrgId, ProductId};
use halles_store::StoreError;
use halles_store::hub::fulfilment::receiving::{Receipt, ReceiptLine, Resolution, Shortage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One product received.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiReceiptLine {
    /// The product, on the producer's purchase order for the day (`not_on_purchase_order`);
    /// with `extra`, any of the producer's own products (`unknown_product`).
    pub product_id: i64,
    /// A product the producer brought beyond its purchase order (extra, or in place of
    /// another): it enters stock as a lot, free for substitutions (or set aside for lines
    /// still waiting for that product). Its unit must be the product's (`choice_invalid`) and
    /// its quantity more than 0 (`qty_zero`).
    #[serde(default)]
    pub extra: bool,
    /// The sale unit it was ordered in.
    #[schema(schema_with = crate::api::schemas::unit)]
    pub unit: String,
    /// How much arrived, in the sale unit ("12", "2.5"; "0": nothing came), at most 100,000;
    /// whole units for products sold by the unit.
    #[schema(pattern = r"^([0-9]{1,5}([.,][0-9]{1,3})?|100000([.,]0{1,3})?)$")]
    pub quantity: String,
    /// The producer's lot code (1 to 20 letters, digits, `-`, `.`, `/`), unique at the hub;
    /// blank: one is generated.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub lot_code: String,
    /// Harvest or packing day (`YYYY-MM-DD`).
    #[serde(default)]
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub packed_on: Option<String>,
    /// Best before (`YYYY-MM-DD`).
    #[serde(default)]
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub best_before: Option<String>,
}

/// What a producer brought for a delivery day.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiReceipt {
    /// The producer.
    pub producer_id: i64,
    /// The delivery day (`YYYY-MM-DD`); left out for a cycle from before delivery days.
    #[serde(default)]
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub delivery_day: Option<String>,
    /// The products, at least one and at most 500.
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<ApiReceiptLine>,
}

/// A lot made at receiving.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiReceivedLot {
    /// The lot.
    pub id: i64,
    /// Its code, as given or generated.
    pub code: String,
    /// The product.
    pub product_id: i64,
    /// How much was received.
    pub received: String,
    /// How much of it was set aside for orders.
    pub allocated: String,
}

/// The lots of a receipt, in the receipt's order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiReceived {
    /// One lot per line.
    pub lots: Vec<ApiReceivedLot>,
}

/// An order line the lots received could not fill.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiShortageLine {
    /// The order line.
    pub line_id: i64,
    /// The order.
    pub order_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// The buyer's name.
    pub buyer_name: String,
    /// The delivery day (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub delivery_day: Option<String>,
    /// The product.
    pub product_id: i64,
    /// Its French name as ordered.
    pub name_fr: String,
    /// Its English name (empty when it has none).
    pub name_en: String,
    /// The sale unit.
    pub unit: String,
    /// The producer.
    pub producer_id: i64,
    /// What the line asks.
    pub ordered: String,
    /// What the lots set aside for it.
    pub allocated: String,
}

impl From<Shortage> for ApiShortageLine {
    fn from(s: Shortage) -> Self {
        ApiShortageLine {
            line_id: s.line.0,
            order_id: s.order.0,
            buyer_id: s.buyer.0,
            buyer_name: s.buyer_name,
            delivery_day: day_string(s.delivery_day),
            product_id: s.product.0,
            name_fr: s.name_fr,
            name_en: s.name_en,
            unit: s.unit.code().into(),
            producer_id: s.producer.0,
            ordered: s.ordered.plain(),
            allocated: s.allocated.plain(),
        }
    }
}

/// What to do with a short line.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiShortageChoice {
    /// Lower the line to what was set aside for it.
    Reduce,
    /// Lower it, and add another product in its place (`substitute`).
    Substitute,
    /// Take the line out of the order.
    Cancel,
}

/// The product put in a short line's place.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiSubstitute {
    /// The product (another one than the line's), from what the hub holds.
    pub product_id: i64,
    /// How much, in its sale unit, more than 0 and at most 100,000.
    #[schema(pattern = r"^([0-9]{1,5}([.,][0-9]{1,3})?|100000([.,]0{1,3})?)$")]
    pub quantity: String,
}

/// What the hub decides for a short line.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiResolution {
    /// `reduce`, `substitute` or `cancel`.
    pub choice: ApiShortageChoice,
    /// For `substitute`: the product and quantity (else `substitute_required`).
    #[serde(default)]
    pub substitute: Option<ApiSubstitute>,
}

/// Records what a producer brought after the cut-off: a lot per line, each set aside for the
/// orders that asked for it, oldest order first. Every problem of every line is answered at
/// once (`validation_failed`, fields such as `lines[0].lot_code`) and nothing is recorded.
/// Before the cut-off: `cycle_still_open`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles/{id}/receipts", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"),
           ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiReceipt,
    responses((status = 201, body = ApiReceived), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn receive(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiReceipt>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    if body.lines.len() > halles_core::limits::MAX_ORDER_LINES {
        return Err(ApiError::Validation(vec![FieldError::refused(
            "lines",
            halles_core::refusals::Refusal::TooManyLines,
        )]));
    }
    let delivery_day = optional_date("delivery_day", body.delivery_day.as_deref())?;
    // What cannot be read here (a quantity, a unit, a date) is answered with everything the
    // store finds wrong in the other fields: the line's quantity is then sent refused (negative),
    // so the store records nothing, and its own word on that quantity is left out.
    let mut errors: Vec<FieldError> = Vec::new();
    let mut refused: Vec<usize> = Vec::new();
    let mut lines = Vec::with_capacity(body.lines.len());
    for (i, l) in body.lines.iter().enumerate() {
        let f = |name: &str| format!("lines[{i}].{name}");
        let unit = l.unit.parse::<SaleUnit>().unwrap_or_else(|_| {
            errors.push(FieldError::new(&f("unit"), "choice_invalid"));
            SaleUnit::Each
        });
        let quantity = Qty::parse_within(&l.quantity).unwrap_or_else(|e| {
            errors.push(FieldError::new(&f("quantity"), e.code_or("qty_invalid")));
            refused.push(i);
            Qty(-1)
        });
        let mut date = |name: &str, v: &Option<String>| {
            optional_date(&f(name), v.as_deref()).unwrap_or_else(|e| {
                if let ApiError::Validation(mut fs) = e {
                    errors.append(&mut fs);
                }
                None
            })
        };
        let packed_on = date("packed_on", &l.packed_on);
        let best_before = date("best_before", &l.best_before);
        lines.push(ReceiptLine {
            product: ProductId(l.product_id),
            extra: l.extra,
            unit,
            quantity,
            lot_code: l.lot_code.clone(),
            packed_on,
            best_before,
        });
    }
    if !errors.is_empty()
        && refused.is_empty()
        && let Some(first) = lines.first_mut()
    {
        first.quantity = Qty(-1);
        refused.push(0);
    }
    let receipt = Receipt {
        producer: OrgId(body.producer_id),
        delivery_day,
        lines,
    };
    let lots = match state.store.receive(&hs, CycleId(path.1), &receipt).await {
        Ok(lots) if errors.is_empty() => lots,
        // Not reached: a refused quantity fails the store's checks.
        Ok(_) => return Err(ApiError::Internal),
        Err(StoreError::Invalid(found)) => {
            let quantity_of = |i: &usize| format!("lines[{i}].quantity");
            errors.extend(
                found
                    .into_iter()
                    .filter(|e| !refused.iter().any(|i| e.field == quantity_of(i))),
            );
            errors.sort_by_key(|e| field_order(&e.field));
            return Err(ApiError::Validation(errors));
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::with_capacity(lots.len());
    for id in lots {
        let lot = state.store.lot(&hs, id).await?;
        out.push(ApiReceivedLot {
            id: lot.id.0,
            code: lot.code,
            product_id: lot.product.0,
            received: lot.received.plain(),
            allocated: lot.allocated.plain(),
        });
    }
    Ok((StatusCode::CREATED, Json(ApiReceived { lots: out })).into_response())
}

/// Sorts field errors by line (`lines[2]` after `lines[10]` would not do), the others first.
fn field_order(field: &str) -> (usize, String) {
    let line = field
        .strip_prefix("lines[")
        .and_then(|r| r.split(']').next())
        .and_then(|n| n.parse::<usize>().ok())
        .map_or(0, |n| n + 1);
    (line, field.to_owned())
}

/// The order lines of a cycle the lots received did not fill (those whose product came in for
/// their delivery day).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/shortages", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiShortageLine]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn shortages(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiShortageLine>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    state.store.cycle(&hs, CycleId(path.1)).await?;
    Ok(Json(
        state
            .store
            .shortages(&hs, CycleId(path.1))
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Settles a short line: `reduce` lowers it to what was set aside, `substitute` also puts
/// another product in its place (set aside from what the hub holds), `cancel` takes it out of
/// the order. The buyer is told. Answers the order as it is now. A line not short answers 404;
/// a delivered order `order_delivered`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles/{id}/shortages/{line}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"),
           ("line" = i64, Path, description = "The short order line"),
           ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiResolution,
    responses((status = 200, body = ApiOrder), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn resolve_shortage(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<ApiResolution>,
) -> Result<Json<ApiOrder>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let (cycle, line) = (CycleId(path.1), OrderLineId(path.2));
    let choice = match body.choice {
        ApiShortageChoice::Reduce => ShortageChoice::Reduce,
        ApiShortageChoice::Substitute => ShortageChoice::Substitute,
        ApiShortageChoice::Cancel => ShortageChoice::Cancel,
    };
    let substitute = match &body.substitute {
        Some(s) if choice == ShortageChoice::Substitute => Some((
            ProductId(s.product_id),
            qty_field("substitute.quantity", &s.quantity)?,
        )),
        _ => None,
    };
    let order = state
        .store
        .shortages(&hs, cycle)
        .await?
        .into_iter()
        .find(|s| s.line == line)
        .ok_or(ApiError::NotFound)?
        .order;
    state
        .store
        .resolve_shortage(&hs, cycle, line, &Resolution { choice, substitute })
        .await?;
    Ok(Json(state.store.order(&hs, order).await?.into()))
}
