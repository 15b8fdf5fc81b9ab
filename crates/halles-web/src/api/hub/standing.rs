//! Standing orders, placed again in every cycle.

use super::orders::ApiLine;
use super::qty;
use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::{OrgId, ProductId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The end of a day given as `YYYY-MM-DD` (or an RFC 3339 instant), Montréal time.
pub fn end_of_day(s: &str) -> Option<jiff::Timestamp> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t);
    }
    let d: jiff::civil::Date = s.trim().parse().ok()?;
    let tz = jiff::tz::TimeZone::get(crate::i18n::TIME_ZONE).ok()?;
    d.at(23, 59, 59, 0).to_zoned(tz).ok().map(|z| z.timestamp())
}

/// A standing order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStanding {
    /// Its id.
    pub id: i64,
    /// The hub.
    pub hub_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// Every how many weeks.
    pub every_weeks: i64,
    /// Last day (RFC 3339).
    pub until: String,
    /// Pickup point or delivery zone, by name.
    pub location_name: String,
    /// Lines.
    pub lines: Vec<ApiLine>,
    /// The next due cycle will be skipped.
    pub skip_next: bool,
    /// Still running.
    pub active: bool,
    /// Runs: cycle, order, outcome (`placed`, `skipped`, `failed:…`).
    pub runs: Vec<ApiRun>,
}

/// One run of a standing order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRun {
    /// The cycle.
    pub cycle_id: i64,
    /// The order it became.
    pub order_id: Option<i64>,
    /// `placed`, `skipped` or `failed:<code>`.
    pub outcome: String,
    /// Products short: wanted and got.
    pub shortages: Vec<ApiShortage>,
}

/// A product the standing order could not fully get.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiShortage {
    /// The product.
    pub product_id: i64,
    /// Quantity wanted.
    pub wanted: String,
    /// Quantity ordered.
    pub got: String,
}

impl From<halles_store::hub::standing::StandingOrder> for ApiStanding {
    fn from(s: halles_store::hub::standing::StandingOrder) -> Self {
        ApiStanding {
            id: s.id.0,
            hub_id: s.hub.0,
            buyer_id: s.input.buyer.0,
            every_weeks: s.input.every_weeks,
            until: s.input.until.to_string(),
            location_name: s.input.location_name,
            lines: s
                .input
                .lines
                .iter()
                .map(|(p, q)| ApiLine {
                    product_id: p.0,
                    quantity: q.plain(),
                    unit_price_cents: 0,
                    producer_id: 0,
                })
                .collect(),
            skip_next: s.skip_next,
            active: s.active,
            runs: s
                .runs
                .into_iter()
                .map(|r| ApiRun {
                    cycle_id: r.cycle.0,
                    order_id: r.order.map(|o| o.0),
                    outcome: r.outcome,
                    shortages: r
                        .shortages
                        .iter()
                        .map(|(p, w, g)| ApiShortage {
                            product_id: p.0,
                            wanted: w.plain(),
                            got: g.plain(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A standing order to set up.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewStanding {
    /// The hub.
    pub hub_id: i64,
    /// The buyer; a buyer's token may omit it, a hub's token must give it.
    #[serde(default)]
    pub buyer_id: Option<i64>,
    /// Every how many weeks (1 to 8).
    #[schema(minimum = 1, maximum = 8)]
    pub every_weeks: i64,
    /// Last day: `YYYY-MM-DD` (Montréal) or RFC 3339.
    #[schema(schema_with = crate::api::schemas::day_or_instant)]
    pub until: String,
    /// Pickup point or delivery zone, by name; the first one when absent.
    #[serde(default)]
    pub location_name: String,
    /// PO number for the orders.
    #[serde(default)]
    pub po_number: String,
    /// A note.
    #[serde(default)]
    pub note: String,
    /// Lines.
    #[schema(min_items = 1)]
    pub lines: Vec<ApiLine>,
}

/// The caller's standing orders (a buyer's own, or those a hub holds).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/standing-orders", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub")),
    responses((status = 200, body = [ApiStanding])),
    security(("bearer" = ["orders:read"])))]
pub async fn standing_orders(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
) -> Result<Json<Vec<ApiStanding>>, ApiError> {
    Ok(Json(
        state
            .store
            .standing_orders(&a.scope)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Sets up a standing order; each time a cycle of the hub opens, it becomes an order with what is
/// available, and shortages are reported to the buyer. Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/standing-orders", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewStanding,
    responses((status = 201, body = ApiStanding), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn create_standing(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    ApiJson(body): ApiJson<NewStanding>,
) -> Result<Response, ApiError> {
    let until = end_of_day(&body.until).ok_or_else(|| field("until", "instant_invalid"))?;
    let mut lines = Vec::new();
    for (i, l) in body.lines.iter().enumerate() {
        lines.push((
            ProductId(l.product_id),
            qty(&format!("lines[{i}].quantity"), &l.quantity)?,
        ));
    }
    let input = halles_store::hub::standing::StandingInput {
        buyer: body.buyer_id.map(OrgId).unwrap_or(a.scope.org),
        every_weeks: body.every_weeks,
        until,
        location_name: body.location_name,
        po_number: body.po_number,
        note: body.note,
        lines,
    };
    let hs = state.store.hub_scope(&a.scope, OrgId(body.hub_id)).await?;
    let id = state.store.create_standing_order(&hs, &input).await?;
    let created = state
        .store
        .standing_orders(&a.scope)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(ApiStanding::from(created))).into_response())
}

/// Skips the next due cycle (`skip`) or stops the standing order (`stop`).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/standing-orders/{id}/{action}", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub"), ("id" = i64, Path, description = "Standing order id"), ("action" = String, Path, description = "`skip` or `stop`")),
    responses((status = 200, body = ApiStanding), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn change_standing(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64, String)>,
) -> Result<Json<ApiStanding>, ApiError> {
    let (id, action) = (halles_core::StandingOrderId(path.1), path.2);
    let stop = match action.as_str() {
        "stop" => true,
        "skip" => false,
        _ => return Err(ApiError::NotFound),
    };
    state
        .store
        .change_standing_order(&a.scope, id, stop)
        .await?;
    let s = state
        .store
        .standing_orders(&a.scope)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(s.into()))
}
