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
use halles_core::{OrgId, ProductId, StandingOrderId};
use halles_store::TenantScope;
use halles_store::hub::standing::{PlacedThisWeek, StandingChange, StandingOrder};
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

/// The start of a day given as `YYYY-MM-DD`, Montréal time.
pub fn start_of_day(s: &str) -> Option<jiff::Timestamp> {
    let d: jiff::civil::Date = s.trim().parse().ok()?;
    let tz = jiff::tz::TimeZone::get(crate::i18n::TIME_ZONE).ok()?;
    d.to_zoned(tz).ok().map(|z| z.timestamp())
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
    /// From when it may run (RFC 3339): the first cycle whose cut-off is after it.
    pub starts_at: String,
    /// Last day (RFC 3339).
    pub until: String,
    /// Pickup point or delivery zone, by name.
    pub location_name: String,
    /// Lines.
    pub lines: Vec<ApiLine>,
    /// The next due cycle will be skipped.
    pub skip_next: bool,
    /// Paused: no cycle runs it until it is resumed.
    pub paused: bool,
    /// Still running.
    pub active: bool,
    /// Runs: cycle, order, outcome (`placed`, `skipped`, `failed:…`).
    pub runs: Vec<ApiRun>,
    /// What it placed in orders still open to changes (cycle open, before its cut-off): what
    /// stopping it with `take_back: true` takes out.
    pub placed_this_week: Vec<ApiPlaced>,
}

/// What a standing order placed in one order still open to changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPlaced {
    /// The cycle.
    pub cycle_id: i64,
    /// The order.
    pub order_id: i64,
    /// Products and the quantities it placed that the order still holds.
    pub lines: Vec<ApiPlacedLine>,
}

/// A product and a quantity a standing order placed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPlacedLine {
    /// The product.
    pub product_id: i64,
    /// Quantity in the product's unit ("3", "2.5").
    pub quantity: String,
}

impl From<PlacedThisWeek> for ApiPlaced {
    fn from(p: PlacedThisWeek) -> Self {
        ApiPlaced {
            cycle_id: p.cycle.0,
            order_id: p.order.0,
            lines: p
                .lines
                .into_iter()
                .map(|(product, q)| ApiPlacedLine {
                    product_id: product.0,
                    quantity: q.plain(),
                })
                .collect(),
        }
    }
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
            starts_at: s.starts_at.to_string(),
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
            paused: s.paused,
            active: s.active,
            placed_this_week: Vec::new(),
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
    /// First day it may run, `YYYY-MM-DD` (Montréal): the first cycle whose cut-off is on or
    /// after it. Absent: from now.
    #[serde(default)]
    #[schema(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub starts_on: Option<String>,
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
    let mut out = Vec::new();
    for s in state.store.standing_orders(&a.scope).await? {
        out.push(with_placed(&state, &a.scope, s).await?);
    }
    Ok(Json(out))
}

/// A standing order with what it placed this week.
async fn with_placed(
    state: &AppState,
    scope: &TenantScope,
    s: StandingOrder,
) -> Result<ApiStanding, ApiError> {
    let placed = if s.active {
        state.store.placed_this_week(scope, s.id).await?
    } else {
        Vec::new()
    };
    let mut api = ApiStanding::from(s);
    api.placed_this_week = placed.into_iter().map(Into::into).collect();
    Ok(api)
}

/// One of the caller's standing orders.
async fn one(
    state: &AppState,
    scope: &TenantScope,
    id: StandingOrderId,
) -> Result<ApiStanding, ApiError> {
    let s = state
        .store
        .standing_orders(scope)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(ApiError::NotFound)?;
    with_placed(state, scope, s).await
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
    let starts_at = match body.starts_on.as_deref() {
        Some(day) => Some(start_of_day(day).ok_or_else(|| field("starts_on", "date_invalid"))?),
        None => None,
    };
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
        starts_at,
    };
    let hs = state.store.hub_scope(&a.scope, OrgId(body.hub_id)).await?;
    let id = state.store.create_standing_order(&hs, &input).await?;
    let created = one(&state, &a.scope, id).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Skips the next due cycle (`skip`), pauses the standing order (`pause`: no cycle runs it) or
/// resumes it (`resume`: from the next cycle that opens). A stopped one answers
/// `status_change_not_allowed`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/standing-orders/{id}/{action}", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub"), ("id" = i64, Path, description = "Standing order id"),
           ("action" = inline(StandingAction), Path, description = "What to do")),
    responses((status = 200, body = ApiStanding), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn change_standing(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64, StandingAction)>,
) -> Result<Json<ApiStanding>, ApiError> {
    let id = StandingOrderId(path.1);
    let change = match path.2 {
        StandingAction::Skip => StandingChange::Skip,
        StandingAction::Pause => StandingChange::Pause,
        StandingAction::Resume => StandingChange::Resume,
    };
    state
        .store
        .change_standing_order(&a.scope, id, change)
        .await?;
    Ok(Json(one(&state, &a.scope, id).await?))
}

/// What can be done to a running standing order besides stopping it.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StandingAction {
    /// Skip the next due cycle.
    Skip,
    /// No cycle runs it until it is resumed.
    Pause,
    /// Runs again from the next cycle that opens.
    Resume,
}

/// How to stop a standing order.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StopStanding {
    /// Also take what it placed this week out of orders still open to changes (see
    /// `placed_this_week`); the buyer's own quantities stay, an order left empty is cancelled.
    pub take_back: bool,
}

/// A stopped standing order and what was taken back out of open orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStopped {
    /// The standing order, now stopped.
    pub standing_order: ApiStanding,
    /// What was taken out of each order (empty without `take_back`, or once cut-offs passed).
    pub taken_back: Vec<ApiPlaced>,
}

/// Stops a standing order for good. `take_back` says, explicitly, whether what it placed this
/// week leaves the open order (read `placed_this_week` first to ask).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/standing-orders/{id}/stop", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer or the hub"), ("id" = i64, Path, description = "Standing order id")),
    request_body = StopStanding,
    responses((status = 200, body = ApiStopped), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn stop_standing(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<StopStanding>,
) -> Result<Json<ApiStopped>, ApiError> {
    let id = StandingOrderId(path.1);
    let taken = state
        .store
        .change_standing_order(
            &a.scope,
            id,
            StandingChange::Stop {
                take_back: body.take_back,
            },
        )
        .await?;
    Ok(Json(ApiStopped {
        standing_order: one(&state, &a.scope, id).await?,
        taken_back: taken.into_iter().map(Into::into).collect(),
    }))
}
