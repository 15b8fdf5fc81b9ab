//! Purchase orders: what each producer brings for a cycle's delivery day, as the orders stand,
//! with the revisions the hub issued.

use super::{DayQuery, day_string, linked_hub};
use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite};
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, Query, State};
use halles_core::{CycleId, OrgId};
use halles_store::hub::HubScope;
use halles_store::hub::fulfilment::purchase_orders::{Issued, PoLine, PurchaseOrder};
use serde::Serialize;
use utoipa::ToSchema;

/// One product (in one sale unit) of a purchase order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPoLine {
    /// The product.
    pub product_id: i64,
    /// Its French name as ordered.
    pub name_fr: String,
    /// Its English name (empty when it has none).
    pub name_en: String,
    /// The sale unit: `kg`, `lb`, `each`, `bunch` or `case`.
    pub unit: String,
    /// What one unit holds ("sac de 2 kg"), possibly empty.
    pub unit_detail: String,
    /// How much to bring, in the sale unit ("12", "2.5").
    pub quantity: String,
    /// At the producer's prices, in cents (estimated for catch-weight products).
    pub amount_cents: i64,
}

impl From<PoLine> for ApiPoLine {
    fn from(l: PoLine) -> Self {
        ApiPoLine {
            product_id: l.product.0,
            name_fr: l.name_fr,
            name_en: l.name_en,
            unit: l.unit.code().into(),
            unit_detail: l.unit_detail,
            quantity: l.quantity.plain(),
            amount_cents: l.amount.0,
        }
    }
}

/// A revision of a purchase order as issued to its producer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRevision {
    /// Its id.
    pub id: i64,
    /// 1 for the first issue, then 2, 3...
    pub revision: i64,
    /// When it was issued (RFC 3339).
    pub issued_at: String,
    /// Its lines (none: everything it held was cancelled).
    pub lines: Vec<ApiPoLine>,
}

impl From<Issued> for ApiRevision {
    fn from(i: Issued) -> Self {
        ApiRevision {
            id: i.id.0,
            revision: i.revision,
            issued_at: i.issued_at.to_string(),
            lines: i.lines.into_iter().map(Into::into).collect(),
        }
    }
}

/// A producer's purchase order for one delivery day of a cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPurchaseOrder {
    /// The number printed on it: cycle, producer and last revision (`PO-12-4-2`).
    pub number: String,
    /// The hub.
    pub hub_id: i64,
    /// The cycle.
    pub cycle_id: i64,
    /// The producer.
    pub producer_id: i64,
    /// The producer's name.
    pub producer_name: String,
    /// The delivery day (`YYYY-MM-DD`); null for a cycle from before delivery days.
    #[schema(format = Date)]
    pub delivery_day: Option<String>,
    /// What the orders hold now.
    pub lines: Vec<ApiPoLine>,
    /// The total at the producer's prices, in cents.
    pub total_cents: i64,
    /// Whether the orders changed since the last revision was issued (or none was): issuing
    /// makes a new revision of it.
    pub changed: bool,
    /// The last revision issued, if any.
    pub issued: Option<ApiRevision>,
    /// Every revision issued, oldest first (only when one purchase order is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revisions: Option<Vec<ApiRevision>>,
}

impl From<PurchaseOrder> for ApiPurchaseOrder {
    fn from(p: PurchaseOrder) -> Self {
        ApiPurchaseOrder {
            number: p.number("PO"),
            changed: p.changed(),
            total_cents: p.total().0,
            hub_id: p.hub.0,
            cycle_id: p.cycle.0,
            producer_id: p.producer.0,
            producer_name: p.producer_name,
            delivery_day: day_string(p.delivery_day),
            lines: p.lines.into_iter().map(Into::into).collect(),
            issued: p.issued.map(Into::into),
            revisions: None,
        }
    }
}

/// The revisions issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIssued {
    /// The ids of the revisions just issued (empty: nothing changed since the last ones).
    pub issued: Vec<i64>,
    /// The cycle's purchase orders as they stand now.
    pub purchase_orders: Vec<ApiPurchaseOrder>,
}

async fn list(
    state: &AppState,
    hs: &HubScope,
    cycle: i64,
) -> Result<Vec<ApiPurchaseOrder>, ApiError> {
    Ok(state
        .store
        .purchase_orders(hs, CycleId(cycle))
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

async fn one(
    state: &AppState,
    hs: &HubScope,
    cycle: i64,
    producer: i64,
    q: &DayQuery,
) -> Result<ApiPurchaseOrder, ApiError> {
    let day = q.day()?;
    let (po, revisions) = state
        .store
        .purchase_order(hs, CycleId(cycle), OrgId(producer), day)
        .await?;
    let mut api = ApiPurchaseOrder::from(po);
    api.revisions = Some(revisions.into_iter().map(Into::into).collect());
    Ok(api)
}

/// Every producer's purchase orders of a hub's cycle, by delivery day and producer.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/purchase-orders", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiPurchaseOrder]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn purchase_orders(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiPurchaseOrder>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(list(&state, &hs, path.1).await?))
}

/// One producer's purchase order for a delivery day, with every revision issued.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/purchase-orders/{producer}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"),
           ("producer" = i64, Path, description = "The producer"), DayQuery),
    responses((status = 200, body = ApiPurchaseOrder), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn purchase_order(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64, i64)>,
    Query(q): Query<DayQuery>,
) -> Result<Json<ApiPurchaseOrder>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(one(&state, &hs, path.1, path.2, &q).await?))
}

/// Issues a revision of every purchase order of the cycle whose orders changed since its last
/// one (the first issue after the cut-off); each producer is told. Before the cut-off:
/// `cycle_still_open`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles/{id}/purchase-orders/issue", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"),
           ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    responses((status = 200, body = ApiIssued), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn issue(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiIssued>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let issued = state
        .store
        .issue_purchase_orders(&hs, CycleId(path.1))
        .await?;
    Ok(Json(ApiIssued {
        issued: issued.into_iter().map(|i| i.0).collect(),
        purchase_orders: list(&state, &hs, path.1).await?,
    }))
}

/// A producer's own purchase orders of a hub's cycle.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/purchase-orders", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("hub" = i64, Path, description = "The hub"),
           ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiPurchaseOrder]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn producer_purchase_orders(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<Json<Vec<ApiPurchaseOrder>>, ApiError> {
    let hs = linked_hub(&state, &a, path.1).await?;
    Ok(Json(list(&state, &hs, path.2).await?))
}

/// A producer's own purchase order for a delivery day, with every revision issued (`producer`
/// is the caller; another producer answers 404).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/purchase-orders/{producer}", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("hub" = i64, Path, description = "The hub"),
           ("id" = i64, Path, description = "Cycle id"), ("producer" = i64, Path, description = "The producer (the caller)"), DayQuery),
    responses((status = 200, body = ApiPurchaseOrder), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn producer_purchase_order(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64, i64, i64)>,
    Query(q): Query<DayQuery>,
) -> Result<Json<ApiPurchaseOrder>, ApiError> {
    let hs = linked_hub(&state, &a, path.1).await?;
    Ok(Json(one(&state, &hs, path.2, path.3, &q).await?))
}
