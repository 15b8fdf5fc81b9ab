//! What a hub's own system reads and does on a cycle beyond its orders: totals by product,
//! producer and buyer, the cycle's lists as CSV or XLSX, opening, closing and copying it.

use crate::AppState;
use crate::api::auth::{ApiAccess, CyclesWrite, OrdersRead};
use crate::api::hub::cycles::ApiCycle;
use crate::api::problem::{ApiError, Problem, caller_lang};
use crate::i18n::I18n;
use crate::pages::hub::exports::{CycleList, cycle_lists, cycle_table};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use halles_core::CycleId;
use halles_core::ordering::CycleStatus;
use halles_store::hub::orders::{BuyerTotal, CycleTotals, ProducerTotal, ProductTotal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What a cycle's placed orders hold of one product.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProductTotal {
    /// The product.
    pub product_id: i64,
    /// Its French name.
    pub name_fr: String,
    /// Its English name (empty when it has none).
    pub name_en: String,
    /// Its sale unit: `kg`, `lb`, `each`, `bunch` or `case`.
    pub unit: String,
    /// Its producer.
    pub producer_id: i64,
    /// The producer's name.
    pub producer_name: String,
    /// Quantity ordered in the sale unit ("12.5").
    pub quantity: String,
    /// Amount at the producer's prices, in cents.
    pub producer_amount_cents: i64,
    /// Amount at the buyers' prices, in cents.
    pub buyer_amount_cents: i64,
}

/// What a cycle's placed orders hold of one producer's products.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProducerTotal {
    /// The producer.
    pub producer_id: i64,
    /// Its name.
    pub name: String,
    /// Amount at the producer's prices (what the hub owes it), in cents.
    pub producer_amount_cents: i64,
    /// Amount at the buyers' prices, in cents.
    pub buyer_amount_cents: i64,
}

/// A buyer's placed orders of a cycle for one delivery: a delivery day, at one pickup point or
/// delivery zone.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiBuyerTotal {
    /// The buyer.
    pub buyer_id: i64,
    /// Its name.
    pub name: String,
    /// The delivery day (YYYY-MM-DD); null only for orders kept from before delivery days.
    #[schema(value_type = Option<String>, format = Date)]
    pub delivery_day: Option<String>,
    /// The pickup point or delivery zone, if chosen.
    pub location_id: Option<i64>,
    /// Its name (empty without one).
    pub location_name: String,
    /// How many orders.
    pub orders: u32,
    /// Sum of the lines, in cents.
    pub subtotal_cents: i64,
    /// Fees, in cents.
    pub fees_cents: i64,
    /// GST and QST, in cents.
    pub taxes_cents: i64,
    /// Everything due, in cents.
    pub total_cents: i64,
}

/// Totals of a cycle's placed orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTotals {
    /// By product.
    pub by_product: Vec<ApiProductTotal>,
    /// By producer.
    pub by_producer: Vec<ApiProducerTotal>,
    /// By buyer and delivery (day, and pickup point or delivery zone).
    pub by_buyer: Vec<ApiBuyerTotal>,
}

impl From<ProductTotal> for ApiProductTotal {
    fn from(t: ProductTotal) -> Self {
        ApiProductTotal {
            product_id: t.product.id.0,
            name_fr: t.product.name_fr,
            name_en: t.product.name_en,
            unit: t.product.unit.code().into(),
            producer_id: t.product.producer.0,
            producer_name: t.product.producer_name,
            quantity: t.quantity.plain(),
            producer_amount_cents: t.producer_amount.0,
            buyer_amount_cents: t.buyer_amount.0,
        }
    }
}

impl From<ProducerTotal> for ApiProducerTotal {
    fn from(t: ProducerTotal) -> Self {
        ApiProducerTotal {
            producer_id: t.producer.0,
            name: t.name,
            producer_amount_cents: t.producer_amount.0,
            buyer_amount_cents: t.buyer_amount.0,
        }
    }
}

impl From<BuyerTotal> for ApiBuyerTotal {
    fn from(t: BuyerTotal) -> Self {
        ApiBuyerTotal {
            buyer_id: t.buyer.0,
            name: t.name,
            delivery_day: t.delivery_day.map(|d| d.to_string()),
            location_id: t.location.map(|l| l.0),
            location_name: t.location_name,
            orders: t.orders,
            subtotal_cents: t.subtotal.0,
            fees_cents: t.fees.0,
            taxes_cents: t.taxes.0,
            total_cents: t.total.0,
        }
    }
}

impl From<CycleTotals> for ApiTotals {
    fn from(t: CycleTotals) -> Self {
        ApiTotals {
            by_product: t.by_product.into_iter().map(Into::into).collect(),
            by_producer: t.by_producer.into_iter().map(Into::into).collect(),
            by_buyer: t.by_buyer.into_iter().map(Into::into).collect(),
        }
    }
}

/// Totals of a hub's cycle by product, by producer, and by buyer and location (placed orders).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/totals", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = ApiTotals), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn totals(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiTotals>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let cycle = state.store.cycle(&hs, CycleId(path.1)).await?;
    Ok(Json(state.store.cycle_totals(&hs, cycle.id).await?.into()))
}

/// The format of an export.
#[derive(Debug, Default, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// CSV, UTF-8 with a byte-order mark.
    #[default]
    Csv,
    /// An XLSX workbook of one sheet.
    Xlsx,
}

/// The query of an export.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `csv` (the default) or `xlsx`.
    #[serde(default)]
    #[param(inline)]
    pub format: ExportFormat,
}

/// One list of a hub's cycle as CSV or XLSX, its column titles in the `Accept-Language` of the
/// request (French by default): `orders`, `lines`, `products`, `producers` or `buyers`.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/export/{list}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"),
           ("list" = inline(CycleList), Path, description = "Which list"), ExportQuery),
    responses((status = 200, description = "The list", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn export(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    headers: HeaderMap,
    Path(path): Path<(i64, i64, CycleList)>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let (_, id, list) = path;
    let i18n = I18n::new(caller_lang(&headers));
    let hs = state.store.own_hub(&a.scope).await?;
    let cycle = state.store.cycle(&hs, CycleId(id)).await?;
    let (orders, totals) = cycle_lists(&state.store, &hs, &cycle).await?;
    let table = cycle_table(&i18n, list, &cycle, &orders, &totals);
    let (sheet, name) = list.file_name(&i18n, &cycle);
    let xlsx = matches!(q.format, ExportFormat::Xlsx);
    crate::pages::table_file(&table, xlsx, &sheet, &name).map_err(|e| {
        tracing::error!(error = %e, "cycle export");
        ApiError::Internal
    })
}

async fn move_cycle(
    state: &AppState,
    a: &ApiAccess<CyclesWrite>,
    id: i64,
    to: CycleStatus,
    closes_at: Option<jiff::Timestamp>,
) -> Result<Json<ApiCycle>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    if to == CycleStatus::Open {
        state.store.open_cycle(&hs, CycleId(id), closes_at).await?;
        // As on the page: opening by hand turns the standing orders into orders.
        state.store.run_standing_orders(&hs, CycleId(id)).await?;
    } else {
        state.store.set_cycle_status(&hs, CycleId(id), to).await?;
    }
    Ok(Json(state.store.cycle(&hs, CycleId(id)).await?.into()))
}

/// Opens a draft or closed cycle to orders now (standing orders are placed); another state
/// answers `status_change_not_allowed`. A cycle whose cut-off has passed needs a new one in
/// the body (`closes_at`), else `cut_off_passed` on `closes_at`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles/{id}/open", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    request_body(content = Option<super::cycles::OpenCycle>, description = "A new cut-off; may be left out while the cycle's own is ahead"),
    responses((status = 200, body = ApiCycle), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn open(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    Path(path): Path<(i64, i64)>,
    headers: axum::http::HeaderMap,
    raw: axum::body::Bytes,
) -> Result<Json<ApiCycle>, ApiError> {
    let closes_at = super::cycles::OpenCycle::read(&headers, &raw)?;
    move_cycle(&state, &a, path.1, CycleStatus::Open, closes_at).await
}

/// Closes an open cycle to orders now; another state answers `status_change_not_allowed`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles/{id}/close", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = ApiCycle), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn close(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiCycle>, ApiError> {
    move_cycle(&state, &a, path.1, CycleStatus::Closed, None).await
}

/// Copies a cycle one week later as a draft (producers, locations, fees; a trailing number in
/// its name goes up by one).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles/{id}/copy", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 201, body = ApiCycle), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn copy(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    Path(path): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let new = state
        .store
        .copy_cycle_next_week(&hs, CycleId(path.1))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiCycle::from(state.store.cycle(&hs, new).await?)),
    )
        .into_response())
}
