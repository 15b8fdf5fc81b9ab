//! API of the food hub: products, order cycles, availability, a buyer's catalog and orders.
//! Quantities are decimal strings in the product's sale unit ("2.5"); money is integer cents.

use crate::AppState;
use crate::api::auth::{
    ApiAccess, CatalogRead, CatalogWrite, CyclesWrite, OrdersRead, OrdersWrite,
};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, cents_field, field, qty_field};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::limits::Limit;
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::validation::FieldError;
use halles_core::{CycleId, LocationId, OrderId, OrgId, ProductId};
use halles_store::StoreError;
use halles_store::hub::catalog::{Product, ProductInput};
use halles_store::hub::cycles::{Cycle, CycleInput, LocationInput};
use halles_store::hub::orders::{KeyedOrder, Order, OrderFilter, OrderInput, OrderKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Maps store refusals of this module to problems with their field.
fn refusal(e: StoreError) -> ApiError {
    match e {
        StoreError::Shortage(p) => ApiError::Validation(vec![FieldError {
            field: format!("lines[product_id={p}]"),
            code: "shortage",
        }]),
        other => other.into(),
    }
}

fn qty(field_name: &str, s: &str) -> Result<Qty, ApiError> {
    qty_field(field_name, s)
}

/// A product (the producer's side).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiProduct {
    /// Its id (ignored on input).
    #[serde(default)]
    pub id: i64,
    /// The producer (ignored on input).
    #[serde(default)]
    pub producer_id: i64,
    /// Name in French.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name_fr: String,
    /// Name in English.
    #[serde(default)]
    pub name_en: String,
    /// `vegetables`, `fruits`, `dairy`, `meat_eggs`, `grains`, `sweet` or `prepared`.
    #[schema(schema_with = crate::api::schemas::category)]
    pub category: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// `kg`, `each`, `bunch` or `case`.
    #[schema(schema_with = crate::api::schemas::unit)]
    pub unit: String,
    /// What the unit holds ("case of 12 × 500 g").
    #[serde(default)]
    pub unit_detail: String,
    /// Sold by real weight, known at packing.
    #[serde(default)]
    pub catch_weight: bool,
    /// Estimated weight of one unit, in grams.
    #[serde(default)]
    pub est_weight_g: Option<i64>,
    /// `zero_rated`, `taxable` or `exempt`.
    #[schema(schema_with = crate::api::schemas::tax_class)]
    pub tax_class: String,
    /// `quebec_grown`, `quebec_processed` or `outside_quebec`.
    #[schema(schema_with = crate::api::schemas::origin)]
    pub origin: String,
    /// The producer's region.
    #[serde(default)]
    pub region: String,
    /// `aliments_du_quebec`, `aliments_prepares_au_quebec`, `organic`.
    #[serde(default)]
    #[schema(schema_with = crate::api::schemas::certifications)]
    pub certifications: Vec<String>,
    /// The organic certifier.
    #[serde(default)]
    pub organic_certifier: String,
    /// Offered or not.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl From<Product> for ApiProduct {
    fn from(p: Product) -> Self {
        let i = p.input;
        ApiProduct {
            id: p.id.0,
            producer_id: p.producer.0,
            name_fr: i.name_fr,
            name_en: i.name_en,
            category: i.category.code().into(),
            description: i.description,
            unit: i.unit.code().into(),
            unit_detail: i.unit_detail,
            catch_weight: i.catch_weight,
            est_weight_g: i.est_weight_g,
            tax_class: i.tax_class.code().into(),
            origin: i.origin.code().into(),
            region: i.region,
            certifications: i.certifications.iter().map(|c| c.code().into()).collect(),
            organic_certifier: i.organic_certifier,
            active: i.active,
        }
    }
}

impl ApiProduct {
    fn input(&self) -> Result<ProductInput, ApiError> {
        let mut errs = Vec::new();
        let mut code = |f: &str, ok: bool| {
            if !ok {
                errs.push(FieldError {
                    field: f.into(),
                    code: "choice_invalid",
                });
            }
        };
        let category = self.category.parse();
        code("category", category.is_ok());
        let unit = self.unit.parse();
        code("unit", unit.is_ok());
        let tax = self.tax_class.parse();
        code("tax_class", tax.is_ok());
        let origin = self.origin.parse();
        code("origin", origin.is_ok());
        let certifications: Result<Vec<_>, _> =
            self.certifications.iter().map(|c| c.parse()).collect();
        code("certifications", certifications.is_ok());
        if self.name_fr.trim().is_empty() {
            errs.push(FieldError {
                field: "name_fr".into(),
                code: "required",
            });
        }
        if self.catch_weight && self.est_weight_g.is_none_or(|g| g <= 0) {
            errs.push(FieldError {
                field: "est_weight_g".into(),
                code: "weight_required",
            });
        }
        match (category, unit, tax, origin, certifications) {
            (Ok(category), Ok(unit), Ok(tax_class), Ok(origin), Ok(certifications))
                if errs.is_empty() =>
            {
                Ok(ProductInput {
                    name_fr: self.name_fr.clone(),
                    name_en: self.name_en.clone(),
                    category,
                    description: self.description.clone(),
                    unit,
                    unit_detail: self.unit_detail.clone(),
                    catch_weight: self.catch_weight,
                    est_weight_g: self.est_weight_g,
                    tax_class,
                    origin,
                    region: self.region.clone(),
                    certifications,
                    organic_certifier: self.organic_certifier.clone(),
                    active: self.active,
                })
            }
            _ => Err(ApiError::Validation(errs)),
        }
    }
}

/// The producer's products.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/products", tag = "food hub",
    params(("org" = i64, Path, description = "The producer; must be the token's")),
    responses((status = 200, body = [ApiProduct]), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn products(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
) -> Result<Json<Vec<ApiProduct>>, ApiError> {
    Ok(Json(
        state
            .store
            .products(&a.scope)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Adds a product. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/products", tag = "food hub",
    params(("org" = i64, Path, description = "The producer; must be the token's"),
        ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiProduct,
    responses((status = 201, body = ApiProduct), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:write"])))]
pub async fn create_product(
    State(state): State<AppState>,
    a: ApiAccess<CatalogWrite>,
    ApiJson(body): ApiJson<ApiProduct>,
) -> Result<Response, ApiError> {
    let p = state.store.create_product(&a.scope, &body.input()?).await?;
    Ok((StatusCode::CREATED, Json(ApiProduct::from(p))).into_response())
}

/// One product.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/products/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("id" = i64, Path, description = "Product id")),
    responses((status = 200, body = ApiProduct), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn product(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiProduct>, ApiError> {
    let id = path.1;
    Ok(Json(
        state.store.product(&a.scope, ProductId(id)).await?.into(),
    ))
}

/// Changes a product.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/products/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("id" = i64, Path, description = "Product id")),
    request_body = ApiProduct,
    responses((status = 200, body = ApiProduct), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:write"])))]
pub async fn update_product(
    State(state): State<AppState>,
    a: ApiAccess<CatalogWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiProduct>,
) -> Result<Json<ApiProduct>, ApiError> {
    let id = path.1;
    Ok(Json(
        state
            .store
            .update_product(&a.scope, ProductId(id), &body.input()?)
            .await?
            .into(),
    ))
}

/// A pickup point or delivery zone.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiLocation {
    /// Its id (ignored on input).
    #[serde(default)]
    pub id: i64,
    /// `pickup` or `delivery`.
    #[schema(schema_with = crate::api::schemas::location_kind)]
    pub kind: String,
    /// Its name.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    /// Fee in cents, at most 10,000,000 ($100,000).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub fee_cents: i64,
    /// Minimum order subtotal in cents, at most 10,000,000 ($100,000).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub min_order_cents: i64,
}

/// An order cycle.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiCycle {
    /// Its id (ignored on input).
    #[serde(default)]
    pub id: i64,
    /// The hub (ignored on input).
    #[serde(default)]
    pub hub_id: i64,
    /// Its name.
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    /// `draft`, `open`, `closed` or `completed` (ignored on input).
    #[serde(default)]
    pub status: String,
    /// Opening (RFC 3339).
    #[schema(format = DateTime, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")]
    pub opens_at: String,
    /// Cut-off (RFC 3339).
    #[schema(format = DateTime, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")]
    pub closes_at: String,
    /// Delivery or pickup days.
    #[serde(default)]
    pub delivery_note: String,
    /// Fee added to each order, in cents, at most 10,000,000 ($100,000).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub order_fee_cents: i64,
    /// Producers taking part.
    #[serde(default)]
    pub producer_ids: Vec<i64>,
    /// Pickup points and delivery zones.
    #[serde(default)]
    pub locations: Vec<ApiLocation>,
}

impl From<Cycle> for ApiCycle {
    fn from(c: Cycle) -> Self {
        ApiCycle {
            id: c.id.0,
            hub_id: c.hub.0,
            name: c.name,
            status: c.status.code().into(),
            opens_at: c.opens_at.to_string(),
            closes_at: c.closes_at.to_string(),
            delivery_note: c.delivery_note,
            order_fee_cents: c.order_fee.0,
            producer_ids: c.producers.iter().map(|p| p.0).collect(),
            locations: c
                .locations
                .into_iter()
                .map(|l| ApiLocation {
                    id: l.id.0,
                    kind: l.input.kind,
                    name: l.input.name,
                    fee_cents: l.input.fee.0,
                    min_order_cents: l.input.min_order.0,
                })
                .collect(),
        }
    }
}

/// The hub's order cycles, newest first.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles", tag = "food hub",
    params(("org" = i64, Path, description = "The hub; must be the token's")),
    responses((status = 200, body = [ApiCycle])),
    security(("bearer" = ["catalog:read"])))]
pub async fn cycles(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
) -> Result<Json<Vec<ApiCycle>>, ApiError> {
    Ok(Json(
        state
            .store
            .cycles(a.scope.org)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a draft cycle; it opens and closes on time by itself.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/order-cycles", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiCycle,
    responses((status = 201, body = ApiCycle), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["cycles:write"])))]
pub async fn create_cycle(
    State(state): State<AppState>,
    a: ApiAccess<CyclesWrite>,
    body: Result<ApiJson<ApiCycle>, ApiError>,
) -> Result<Response, ApiError> {
    // Order cycles are a hub's: another kind is refused before its body is read.
    state
        .store
        .require_kind(&a.scope, halles_core::organizations::OrgKind::Hub)
        .await?;
    let ApiJson(body) = body?;
    let opens_at = body
        .opens_at
        .parse()
        .map_err(|_| field("opens_at", "instant_invalid"))?;
    let closes_at = body
        .closes_at
        .parse()
        .map_err(|_| field("closes_at", "instant_invalid"))?;
    let input = CycleInput {
        name: body.name,
        opens_at,
        closes_at,
        delivery_note: body.delivery_note,
        order_fee: cents_field("order_fee_cents", body.order_fee_cents, Limit::Movement)?,
        producers: body.producer_ids.into_iter().map(OrgId).collect(),
        locations: body
            .locations
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                Ok(LocationInput {
                    fee: cents_field(
                        &format!("locations[{i}].fee_cents"),
                        l.fee_cents,
                        Limit::Movement,
                    )?,
                    min_order: cents_field(
                        &format!("locations[{i}].min_order_cents"),
                        l.min_order_cents,
                        Limit::Movement,
                    )?,
                    kind: l.kind,
                    name: l.name,
                })
            })
            .collect::<Result<_, ApiError>>()?,
    };
    let id = state.store.create_cycle(&a.scope, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiCycle::from(state.store.cycle(a.scope.org, id).await?)),
    )
        .into_response())
}

/// One cycle of the hub.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = ApiCycle), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn cycle(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiCycle>, ApiError> {
    let id = path.1;
    Ok(Json(
        state.store.cycle(a.scope.org, CycleId(id)).await?.into(),
    ))
}

/// One product's offer in a cycle.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiOffer {
    /// The product.
    pub product_id: i64,
    /// Its producer (ignored on input).
    #[serde(default)]
    pub producer_id: i64,
    /// Quantity offered ("12", "2.5"); absent, null or empty: nothing this week.
    pub quantity: Option<String>,
    /// The producer's price per unit, in cents, at most 10,000,000 ($100,000).
    #[schema(minimum = 1, maximum = 10_000_000)]
    pub price_cents: Option<i64>,
    /// Quantity already ordered (ignored on input).
    #[serde(default)]
    pub reserved: String,
}

async fn grid(
    state: &AppState,
    hub: OrgId,
    cycle: CycleId,
    producer: OrgId,
) -> Result<Vec<ApiOffer>, ApiError> {
    Ok(state
        .store
        .availability_grid(hub, cycle, producer)
        .await?
        .into_iter()
        .map(|g| ApiOffer {
            product_id: g.product.id.0,
            producer_id: producer.0,
            quantity: g.quantity.map(|q| q.plain()),
            price_cents: g.price.map(|p| p.0),
            reserved: g.reserved.plain(),
        })
        .collect())
}

/// The availability of every producer of a hub's cycle.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/order-cycles/{id}/availability", tag = "food hub",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiOffer]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn hub_availability(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<Vec<ApiOffer>>, ApiError> {
    let id = path.1;
    let c = state.store.cycle(a.scope.org, CycleId(id)).await?;
    let mut all = Vec::new();
    for p in c.producers {
        all.extend(grid(&state, c.hub, c.id, p).await?);
    }
    Ok(Json(all))
}

async fn producer_cycle(
    state: &AppState,
    a: &ApiAccess<impl crate::api::auth::ScopeRequirement>,
    hub: i64,
    cycle: i64,
) -> Result<(OrgId, CycleId), ApiError> {
    let c = state.store.cycle(OrgId(hub), CycleId(cycle)).await?;
    if !c.producers.contains(&a.scope.org) {
        return Err(ApiError::NotFound);
    }
    Ok((c.hub, c.id))
}

/// A producer's own availability in a hub's cycle.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/availability", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("hub" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiOffer]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn producer_availability(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<Json<Vec<ApiOffer>>, ApiError> {
    let (hub, id) = (path.1, path.2);
    let (hub, cycle) = producer_cycle(&state, &a, hub, id).await?;
    Ok(Json(grid(&state, hub, cycle, a.scope.org).await?))
}

/// Sets a producer's availability; products left out keep their offer, `quantity: null` withdraws one.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/availability", tag = "food hub",
    params(("org" = i64, Path, description = "The producer"), ("hub" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    request_body = [ApiOffer],
    responses((status = 200, body = [ApiOffer]), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:write"])))]
pub async fn set_availability(
    State(state): State<AppState>,
    a: ApiAccess<CatalogWrite>,
    Path(path): Path<(i64, i64, i64)>,
    ApiJson(body): ApiJson<Vec<ApiOffer>>,
) -> Result<Json<Vec<ApiOffer>>, ApiError> {
    let (hub, id) = (path.1, path.2);
    let (hub, cycle) = producer_cycle(&state, &a, hub, id).await?;
    let mut entries = Vec::new();
    for (i, o) in body.iter().enumerate() {
        let quantity = o.quantity.as_deref().filter(|q| !q.trim().is_empty());
        let offer = match (quantity, o.price_cents) {
            (None, _) => None,
            (Some(q), Some(p)) if p > 0 => Some((
                qty(&format!("[{i}].quantity"), q)?,
                cents_field(&format!("[{i}].price_cents"), p, Limit::Movement)?,
            )),
            (Some(_), _) => return Err(field(&format!("[{i}].price_cents"), "price_invalid")),
        };
        entries.push((ProductId(o.product_id), offer));
    }
    state
        .store
        .save_availability(&a.scope, hub, cycle, a.scope.org, &entries)
        .await?;
    Ok(Json(grid(&state, hub, cycle, a.scope.org).await?))
}

/// A product as a buyer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCatalogItem {
    /// The product.
    pub product: ApiProduct,
    /// The producer's name.
    pub producer_name: String,
    /// The buyer's own price per unit, in cents (estimated for a catch-weight product).
    pub price_cents: i64,
    /// For a catch-weight product, the buyer's price per kilogram, in cents.
    pub price_per_kg_cents: Option<i64>,
    /// Quantity left.
    pub remaining: String,
}

/// What a buyer sees of a hub's cycle, at its own prices.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/catalog", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer"), ("hub" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Cycle id")),
    responses((status = 200, body = [ApiCatalogItem]), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn catalog(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64, i64)>,
) -> Result<Json<Vec<ApiCatalogItem>>, ApiError> {
    let (hub, id) = (path.1, path.2);
    let items = state
        .store
        .buyer_catalog(OrgId(hub), CycleId(id), a.scope.org)
        .await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| ApiCatalogItem {
                producer_name: i.producer_name,
                price_cents: i.price.0,
                price_per_kg_cents: i.price_per_kg.map(|c| c.0),
                remaining: i.remaining.plain(),
                product: i.product.into(),
            })
            .collect(),
    ))
}

/// An order line.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiLine {
    /// The product.
    pub product_id: i64,
    /// Quantity in the product's unit ("3", "2.5").
    #[schema(pattern = r"^[0-9]{1,6}([.,][0-9]{1,3})?$")]
    pub quantity: String,
    /// The buyer's unit price in cents (ignored on input).
    #[serde(default)]
    pub unit_price_cents: i64,
    /// The producer (ignored on input).
    #[serde(default)]
    pub producer_id: i64,
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
    /// `placed` or `cancelled`.
    pub status: String,
    /// Pickup point or delivery zone.
    pub location_id: Option<i64>,
    /// PO number.
    pub po_number: String,
    /// Note.
    pub note: String,
    /// Lines.
    pub lines: Vec<ApiLine>,
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
            subtotal_cents: o.subtotal().0,
            fees_cents: o.fees.0,
            gst_cents: taxes.gst.0,
            qst_cents: taxes.qst.0,
            total_cents: o.total().0,
            lines: o
                .lines
                .iter()
                .map(|l| ApiLine {
                    product_id: l.product.0,
                    quantity: l.quantity.plain(),
                    unit_price_cents: l.unit_price.0,
                    producer_id: l.producer.0,
                })
                .collect(),
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
    Ok(OrderInput {
        buyer: buyer.or(body.buyer_id.map(OrgId)).unwrap_or(a_org),
        location: body.location_id.map(LocationId),
        po_number: body.po_number.clone(),
        note: body.note.clone(),
        lines,
    })
}

/// Places an order (a buyer's token, or the hub's for a buyer). Stock is reserved at once; a
/// shortage answers `validation_failed` naming the line. Send an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/orders", tag = "food hub",
    params(("org" = i64, Path, description = "The buyer, or the hub"), ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = NewOrder,
    responses((status = 201, body = ApiOrder), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
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
    let key = headers
        .get(crate::api::idempotency::HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if key.as_ref().is_some_and(|k| k.is_empty() || k.len() > 255) {
        return Err(field("Idempotency-Key", "idempotency_key_invalid"));
    }
    let body: NewOrder = crate::api::json::from_bytes(&headers, &raw)?;
    let input = order_input(a.scope.org, &body, None)?;
    let hub = OrgId(body.hub_id);
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
        return order_again(&state, &a, hub, seen).await;
    }
    let placed = state
        .store
        .place_order_keyed(&a.scope, hub, CycleId(body.cycle_id), &input, key.clone())
        .await;
    let id = match (placed, &key) {
        (Ok(id), _) => id,
        // The same key committed meanwhile (a concurrent retry): answer with its order.
        (Err(StoreError::Refused(Refusal::IdempotencyKeyReused)), Some(k)) => {
            let seen = state
                .store
                .order_key(&a.scope, k)
                .await?
                .ok_or(ApiError::Internal)?;
            return order_again(&state, &a, hub, seen).await;
        }
        (Err(e), _) => return Err(refusal(e)),
    };
    let order = state.store.order(&a.scope, hub, id).await?;
    Ok((StatusCode::CREATED, Json(ApiOrder::from(order))).into_response())
}

/// The answer to a key already used for an order: the order it placed (as it is now), or the
/// refusal of a reused or unfinished key.
async fn order_again(
    state: &AppState,
    a: &ApiAccess<OrdersWrite>,
    hub: OrgId,
    seen: KeyedOrder,
) -> Result<Response, ApiError> {
    match seen {
        KeyedOrder::Placed(id) => {
            let order = state.store.order(&a.scope, hub, id).await?;
            let mut res = (StatusCode::CREATED, Json(ApiOrder::from(order))).into_response();
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
    params(("org" = i64, Path, description = "The buyer")),
    responses((status = 200, body = [ApiOrder])),
    security(("bearer" = ["orders:read"])))]
pub async fn orders(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
) -> Result<Json<Vec<ApiOrder>>, ApiError> {
    Ok(Json(
        state
            .store
            .orders_of_buyer(&a.scope, 200)
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
    state.store.cycle(a.scope.org, CycleId(id)).await?;
    Ok(Json(
        state
            .store
            .cycle_orders(&a.scope, CycleId(id), &OrderFilter::default())
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
    state
        .store
        .update_order(&a.scope, before.hub, before.id, &input)
        .await
        .map_err(refusal)?;
    Ok(Json(
        state
            .store
            .order(&a.scope, before.hub, before.id)
            .await?
            .into(),
    ))
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
    state
        .store
        .cancel_order(&a.scope, before.hub, before.id)
        .await?;
    Ok(Json(
        state
            .store
            .order(&a.scope, before.hub, before.id)
            .await?
            .into(),
    ))
}

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
    let id = state
        .store
        .create_standing_order(&a.scope, OrgId(body.hub_id), &input)
        .await?;
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
