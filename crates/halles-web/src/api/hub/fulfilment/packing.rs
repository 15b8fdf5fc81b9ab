//! Weighing and packing: the real weight of each unit of a catch-weight line (typed by the hub,
//! or by the producer for its own products before packing), the packing list of a delivery
//! day, an order packed in numbered cases, and a case found by its scanned code.

use super::{DayQuery, day_string, linked_hub};
use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use crate::pages::hub::fulfilment::documents;
use axum::Json;
use axum::extract::{Path, Query, State};
use halles_core::fulfilment::{MAX_CASES, MAX_WEIGHED_UNITS, is_unit_weight};
use halles_core::{CaseId, CycleId, OrderId, OrderLineId};
use halles_store::hub::HubScope;
use halles_store::hub::fulfilment::packing::{Case, PackingOrder, WeighLine};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The weights of a catch-weight line.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiWeights {
    /// One weight per unit ordered, in grams, each from 1 g to 100 kg (`weight_invalid`).
    #[schema(max_items = 1000)]
    pub weights_g: Vec<i64>,
    /// Confirms a total more than 15 % away from the estimate (else
    /// `weight_out_of_tolerance`).
    #[serde(default)]
    pub confirmed: bool,
}

/// A catch-weight line to weigh.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiWeighLine {
    /// The order line.
    pub line_id: i64,
    /// The order.
    pub order_id: i64,
    /// The buyer's name.
    pub buyer_name: String,
    /// The delivery day (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub delivery_day: Option<String>,
    /// The product.
    pub product_id: i64,
    /// Its French name.
    pub name_fr: String,
    /// Its English name (empty when it has none).
    pub name_en: String,
    /// The producer.
    pub producer_id: i64,
    /// How many units (one weight each).
    pub quantity: String,
    /// The estimated weight of one unit, in grams.
    pub est_weight_g: i64,
    /// The weights typed so far, in grams (empty: not weighed).
    pub weights_g: Vec<i64>,
    /// Whether the producer typed them.
    pub by_producer: bool,
}

impl From<WeighLine> for ApiWeighLine {
    fn from(w: WeighLine) -> Self {
        ApiWeighLine {
            line_id: w.line.0,
            order_id: w.order.0,
            buyer_name: w.buyer_name,
            delivery_day: day_string(w.delivery_day),
            product_id: w.product.0,
            name_fr: w.name_fr,
            name_en: w.name_en,
            producer_id: w.producer.0,
            quantity: w.quantity.plain(),
            est_weight_g: w.est_weight_g,
            weights_g: w.weights_g,
            by_producer: w.by_producer,
        }
    }
}

/// A line's case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiCaseOfLine {
    /// The order line.
    pub line_id: i64,
    /// Its case number, from 1 (at most 200).
    #[schema(minimum = 1, maximum = 200)]
    pub case: i64,
}

/// How to pack an order.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiPack {
    /// Each line's case; a line left out goes in case 1. The numbers used are renumbered 1
    /// to N. Packing again replaces the cases.
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub cases: Vec<ApiCaseOfLine>,
}

/// A packed case.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCase {
    /// Its id.
    pub id: i64,
    /// The order.
    pub order_id: i64,
    /// Its number in the order, from 1.
    pub number: i64,
    /// How many cases the order has.
    pub of: i64,
    /// Its code (Code 128 and QR on its label).
    pub code: String,
    /// Its SSCC (18 digits) when the hub has a GS1 company prefix.
    pub sscc: Option<String>,
    /// The order lines it holds.
    pub line_ids: Vec<i64>,
}

impl From<Case> for ApiCase {
    fn from(c: Case) -> Self {
        ApiCase {
            id: c.id.0,
            order_id: c.order.0,
            number: c.number,
            of: c.of,
            code: c.code,
            sscc: c.sscc,
            line_ids: c.lines.iter().map(|l| l.0).collect(),
        }
    }
}

/// A lot set aside for a line.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiLineLot {
    /// The lot's code.
    pub code: String,
    /// How much of it.
    pub quantity: String,
}

/// A line of the packing list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPackingLine {
    /// The order line.
    pub line_id: i64,
    /// The product.
    pub product_id: i64,
    /// Its French name.
    pub name_fr: String,
    /// Its English name (empty when it has none).
    pub name_en: String,
    /// The sale unit.
    pub unit: String,
    /// Quantity to pack.
    pub quantity: String,
    /// The producer.
    pub producer_id: i64,
    /// Whether each unit is weighed (a catch-weight product).
    pub catch_weight: bool,
    /// The weights typed, in grams (empty: not weighed).
    pub weights_g: Vec<i64>,
    /// The lots set aside for it.
    pub lots: Vec<ApiLineLot>,
}

/// An order of the packing list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPackingOrder {
    /// The order.
    pub order_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// The buyer's name.
    pub buyer_name: String,
    /// The delivery day (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub delivery_day: Option<String>,
    /// The order's note.
    pub note: String,
    /// Its lines.
    pub lines: Vec<ApiPackingLine>,
    /// Its cases (none until packed).
    pub cases: Vec<ApiCase>,
    /// When it was packed (RFC 3339).
    pub packed_at: Option<String>,
}

impl From<PackingOrder> for ApiPackingOrder {
    fn from(p: PackingOrder) -> Self {
        let o = p.order;
        ApiPackingOrder {
            order_id: o.id.0,
            buyer_id: o.buyer.0,
            buyer_name: o.buyer_name,
            delivery_day: day_string(o.delivery_day),
            note: o.note,
            lines: o
                .lines
                .iter()
                .map(|l| ApiPackingLine {
                    line_id: l.id.0,
                    product_id: l.product.id.0,
                    name_fr: l.product.name_fr.clone(),
                    name_en: l.product.name_en.clone(),
                    unit: l.product.unit.code().into(),
                    quantity: l.quantity.plain(),
                    producer_id: l.product.producer.0,
                    catch_weight: l.catch_weight.is_some(),
                    weights_g: p
                        .weights
                        .get(&l.id)
                        .map(|w| w.0.clone())
                        .unwrap_or_default(),
                    lots: p
                        .lots
                        .get(&l.id)
                        .map(|v| {
                            v.iter()
                                .map(|(code, q)| ApiLineLot {
                                    code: code.clone(),
                                    quantity: q.plain(),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect(),
            cases: p.cases.into_iter().map(Into::into).collect(),
            packed_at: p.packed_at.map(|t| t.to_string()),
        }
    }
}

/// A scanned case: the case and its order as packed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiScan {
    /// The case.
    pub case: ApiCase,
    /// Its order as the packing list shows it.
    pub order: ApiPackingOrder,
}

/// A weighed line.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiWeighed {
    /// The order line.
    pub line_id: i64,
    /// The weights recorded, in grams.
    pub weights_g: Vec<i64>,
    /// Their total, in grams (what prices the line).
    pub total_g: i64,
}

async fn weigh(
    state: &AppState,
    hs: &HubScope,
    line: i64,
    body: &ApiWeights,
) -> Result<Json<ApiWeighed>, ApiError> {
    // The store checks each weight and the count; the list is bounded here first.
    if body.weights_g.len() > MAX_WEIGHED_UNITS
        || body.weights_g.iter().any(|w| !is_unit_weight(*w))
    {
        return Err(crate::api::problem::field("weights_g", "weight_invalid"));
    }
    state
        .store
        .record_weights(hs, OrderLineId(line), &body.weights_g, body.confirmed)
        .await
        .map_err(|e| match e {
            halles_store::StoreError::Invalid(mut fs) => {
                for f in &mut fs {
                    if f.field == "weights" {
                        f.field = "weights_g".into();
                    }
                }
                ApiError::Validation(fs)
            }
            other => other.into(),
        })?;
    Ok(Json(ApiWeighed {
        line_id: line,
        total_g: body.weights_g.iter().sum(),
        weights_g: body.weights_g.clone(),
    }))
}

/// Records the weight of each unit of a catch-weight line, which prices it (price per kg ×
/// real weight), until the order is delivered. A line not weighed by the unit answers
/// `weight_invalid`; before the cut-off `cycle_still_open`.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/order-lines/{id}/weights", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Order line id")),
    request_body = ApiWeights,
    responses((status = 200, body = ApiWeighed), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn record_weights(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiWeights>,
) -> Result<Json<ApiWeighed>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    weigh(&state, &hs, path.1, &body).await
}

/// A producer records the weights of a line of its own products, before the order is packed
/// (then `order_not_editable`); another producer's line answers 404.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/hubs/{hub}/order-lines/{id}/weights", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("hub" = i64, Path, description = "The hub"),
           ("id" = i64, Path, description = "Order line id")),
    request_body = ApiWeights,
    responses((status = 200, body = ApiWeighed), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn producer_weights(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<ApiWeights>,
) -> Result<Json<ApiWeighed>, ApiError> {
    let hs = linked_hub(&state, &a, path.1).await?;
    weigh(&state, &hs, path.2, &body).await
}

/// The catch-weight lines of a cycle's placed orders that a producer weighs: its own products'.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/weighing", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("hub" = i64, Path, description = "The hub"),
           ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiWeighLine]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn producer_weighing(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<Json<Vec<ApiWeighLine>>, ApiError> {
    let hs = linked_hub(&state, &a, path.1).await?;
    Ok(Json(
        state
            .store
            .lines_to_weigh(&hs, CycleId(path.2))
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// The packing list of a cycle's delivery day (every day when `delivery_day` is left out):
/// each placed order with its lines, the lots set aside for each, the weights and its cases.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/packing", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"), DayQuery),
    responses((status = 200, body = [ApiPackingOrder]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn packing_list(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
    Query(q): Query<DayQuery>,
) -> Result<Json<Vec<ApiPackingOrder>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let day = q.day()?;
    state.store.cycle(&hs, CycleId(path.1)).await?;
    Ok(Json(
        state
            .store
            .packing_list(&hs, CycleId(path.1), day)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Packs an order in numbered cases, each with its code (and SSCC when the hub has a GS1
/// company prefix). Every catch-weight line must be weighed first (`weights_missing`, on
/// `weights[<line>]`); a case number out of 1 to 200 or a line not of the order answers
/// `cases_invalid`. Answers the cases.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/orders/{id}/pack", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Order id"),
           ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiPack,
    responses((status = 200, body = [ApiCase]), (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn pack(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiPack>,
) -> Result<Json<Vec<ApiCase>>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    if body.cases.len() > MAX_WEIGHED_UNITS || body.cases.iter().any(|c| c.case > MAX_CASES) {
        return Err(crate::api::problem::field("cases", "cases_invalid"));
    }
    let cases: Vec<(OrderLineId, i64)> = body
        .cases
        .iter()
        .map(|c| (OrderLineId(c.line_id), c.case))
        .collect();
    let order = OrderId(path.1);
    let ids: Vec<CaseId> = state.store.pack_order(&hs, order, &cases).await?;
    let packed = state.store.packing_order(&hs, order).await?;
    Ok(Json(
        packed
            .cases
            .into_iter()
            .filter(|c| ids.contains(&c.id))
            .map(Into::into)
            .collect(),
    ))
}

/// The case a scanned or typed code names: its code (`C000123`) or its SSCC (18 digits, with
/// or without the `00` application identifier); with its order as packed. An unknown code
/// answers 404.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/cases/{code}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("code" = String, Path, description = "The scanned code")),
    responses((status = 200, body = ApiScan), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn scan(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, String)>,
) -> Result<Json<ApiScan>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let (order, case) = state.store.case_by_scan(&hs, &path.1).await?;
    let packed = state.store.packing_order(&hs, order).await?;
    let found = packed
        .cases
        .iter()
        .find(|c| c.id == case)
        .cloned()
        .ok_or(ApiError::NotFound)?;
    Ok(Json(ApiScan {
        case: found.into(),
        order: packed.into(),
    }))
}

/// Which document of a day, and how.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct DocumentQuery {
    /// The delivery day (`YYYY-MM-DD`), one of the cycle's; left out for a cycle from before
    /// delivery days.
    #[param(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub delivery_day: Option<String>,
    /// Labels only (`labels`, `product-labels`): `zpl` for Zebra printers, else a PDF.
    #[serde(default)]
    #[param(pattern = r"^(pdf|zpl)$")]
    pub format: Option<String>,
    /// Labels only, as PDF: `thermal` for one 4 × 6 in label a page, else letter sheets of
    /// 2 × 5.
    #[serde(default)]
    #[param(pattern = r"^(letter|thermal)$")]
    pub stock: Option<String>,
}

/// A day's fulfilment document, in the `Accept-Language` of the request (French by default):
/// `labels` (every packed case's label: PDF, or ZPL with `format=zpl`), `product-labels`
/// (producers' product labels: one per lot received and one per weighed unit, with GS1-128
/// of (01) GTIN, (13) packing day and (10) lot where the product has a GTIN, else a Code 128
/// of the lot; PDF or ZPL; 404 when there are none, `too_many_labels` past 10,000),
/// `pick-list` or `packing-lists` (PDF). The same documents as the pages print.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/documents/{document}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id"),
           ("document" = String, Path, description = "`labels`, `product-labels`, `pick-list` or `packing-lists`",
            pattern = r"^(labels|product-labels|pick-list|packing-lists)$"), DocumentQuery),
    responses((status = 200, description = "The document", content(
        (Vec<u8> = "application/pdf"), (String = "text/plain"))),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn document(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    headers: axum::http::HeaderMap,
    Path(path): Path<(i64, i64, String)>,
    Query(q): Query<DocumentQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::header::CONTENT_TYPE;
    use axum::response::IntoResponse;
    let (_, id, which) = path;
    let hs = state.store.own_hub(&a.scope).await?;
    let day = super::optional_date("delivery_day", q.delivery_day.as_deref())?;
    let cycle = state.store.cycle(&hs, CycleId(id)).await?;
    let i18n = crate::i18n::I18n::new(crate::api::problem::caller_lang(&headers));
    let hub = state.store.organization_by_id(hs.hub()).await?.name;
    let orders = state.store.packing_list(&hs, cycle.id, day).await?;
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "fulfilment document");
        ApiError::Internal
    };
    let pdf = |bytes: Vec<u8>| ([(CONTENT_TYPE, "application/pdf")], bytes).into_response();
    match which.as_str() {
        "pick-list" => {
            let pos = state.store.purchase_orders(&hs, cycle.id).await?;
            let doc = documents::pick_list(&i18n, &hub, &cycle, day, &pos, &orders);
            Ok(pdf(halles_docs::document_pdf(&doc).map_err(|e| failed(&e))?))
        }
        "packing-lists" => {
            if orders.is_empty() {
                return Err(halles_store::StoreError::NotFound.into());
            }
            let docs = documents::packing_list(&i18n, &hub, &cycle, &orders);
            Ok(pdf(
                halles_docs::documents_pdf(docs).map_err(|e| failed(&e))?
            ))
        }
        "labels" => {
            let stops = documents::stops_of(&state.store, &hs, &orders).await?;
            let labels = documents::case_labels(&i18n, &hub, &orders, &stops);
            if labels.is_empty() {
                return Err(halles_store::StoreError::NotFound.into());
            }
            let out = q.output();
            Ok(labels_answer(
                documents::draw_case_labels(&labels, out).map_err(|e| failed(&e))?,
            ))
        }
        "product-labels" => product_labels(&state, &hs, &i18n, cycle.id, day, q.output()).await,
        _ => Err(halles_store::StoreError::NotFound.into()),
    }
}

impl DocumentQuery {
    /// How labels come out.
    fn output(&self) -> documents::LabelOutput {
        documents::LabelOutput::of(
            self.format.as_deref().unwrap_or_default(),
            self.stock.as_deref().unwrap_or_default(),
        )
    }
}

/// Labels as drawn, with their content type.
fn labels_answer(d: documents::Drawn) -> axum::response::Response {
    use axum::http::header::CONTENT_TYPE;
    use axum::response::IntoResponse;
    ([(CONTENT_TYPE, d.content_type)], d.bytes).into_response()
}

/// The product labels of a cycle's day, for the hub (with prices) or a producer (its own,
/// without).
async fn product_labels(
    state: &AppState,
    hs: &halles_store::hub::HubScope,
    i18n: &crate::i18n::I18n,
    cycle: CycleId,
    day: Option<jiff::civil::Date>,
    out: documents::LabelOutput,
) -> Result<axum::response::Response, ApiError> {
    let found = state.store.product_labels(hs, cycle, day).await?;
    if found.is_empty() {
        return Err(ApiError::NotFound);
    }
    let labels = documents::product_labels(i18n, &found);
    let drawn = documents::draw_product_labels(&labels, out).map_err(|e| {
        tracing::error!(error = %e, "product labels");
        ApiError::Internal
    })?;
    Ok(labels_answer(drawn))
}

/// A producer's own product labels for a hub's cycle and delivery day, in the
/// `Accept-Language` of the request: one per lot the hub received from it and one per unit it
/// weighed, without prices (what the buyer pays is the hub's to print); PDF (letter sheets of
/// 2 × 5, or `stock=thermal`) or ZPL (`format=zpl`). 404 when there are none.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/product-labels", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("hub" = i64, Path, description = "The hub"),
           ("id" = i64, Path, description = "Cycle id"), DocumentQuery),
    responses((status = 200, description = "The labels", content(
        (Vec<u8> = "application/pdf"), (String = "text/plain"))),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn producer_product_labels(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    headers: axum::http::HeaderMap,
    Path(path): Path<(i64, i64, i64)>,
    Query(q): Query<DocumentQuery>,
) -> Result<axum::response::Response, ApiError> {
    let hs = linked_hub(&state, &a, path.1).await?;
    let day = super::optional_date("delivery_day", q.delivery_day.as_deref())?;
    let i18n = crate::i18n::I18n::new(crate::api::problem::caller_lang(&headers));
    product_labels(&state, &hs, &i18n, CycleId(path.2), day, q.output()).await
}
