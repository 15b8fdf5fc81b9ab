//! A producer's products.

use crate::AppState;
use crate::api::auth::{ApiAccess, CatalogRead, CatalogWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::ProductId;
use halles_core::catalog::{Allergen, Storage, check_packaging};
use halles_core::fulfilment::is_unit_weight;
use halles_core::validation::FieldError;
use halles_core::validation::Validator;
use halles_store::hub::catalog::{Product, ProductDetails, ProductInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    /// `kg`, `lb`, `each`, `bunch` or `case`.
    #[schema(schema_with = crate::api::schemas::unit)]
    pub unit: String,
    /// What the unit holds ("case of 12 × 500 g").
    #[serde(default)]
    pub unit_detail: String,
    /// Sold by real weight, known at packing.
    #[serde(default)]
    pub catch_weight: bool,
    /// Estimated weight of one unit, in grams (1 g to 100 kg).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100_000)]
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
    /// Canada's priority allergens it contains: `eggs`, `milk`, `mustard`, `peanuts`,
    /// `crustaceans_molluscs`, `fish`, `sesame`, `soy`, `sulphites`, `tree_nuts`,
    /// `wheat_triticale`.
    #[serde(default)]
    #[schema(schema_with = crate::api::schemas::allergens)]
    pub allergens: Vec<String>,
    /// `frozen`, `refrigerated` or `ambient`; absent when not said.
    #[serde(default)]
    #[schema(schema_with = crate::api::schemas::storage)]
    pub storage: Option<String>,
    /// The producer's own code.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub sku: String,
    /// GS1 trade item number: 8, 12, 13 or 14 digits, the last being the mod-10 check digit
    /// (a wrong one is refused `gtin_check`).
    #[serde(default)]
    #[schema(pattern = r"^([0-9]{8}|[0-9]{12,14})$")]
    pub gtin: Option<String>,
    /// Units per case.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10000)]
    pub case_size: Option<i64>,
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
            allergens: i
                .details
                .allergens
                .iter()
                .map(|a| a.code().into())
                .collect(),
            storage: i.details.storage.map(|s| s.code().into()),
            sku: i.details.sku,
            gtin: i.details.gtin.map(String::from),
            case_size: i.details.case_size,
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
        let allergens: Result<Vec<Allergen>, _> =
            self.allergens.iter().map(|c| c.parse()).collect();
        code("allergens", allergens.is_ok());
        let storage: Result<Option<Storage>, _> =
            self.storage.as_deref().map(str::parse).transpose();
        code("storage", storage.is_ok());
        let mut v = Validator::new();
        let packaging = check_packaging(
            &mut v,
            &self.sku,
            self.gtin.as_deref().unwrap_or_default(),
            self.case_size,
        );
        errs.extend(v.into_errors());
        if self.name_fr.trim().is_empty() {
            errs.push(FieldError {
                field: "name_fr".into(),
                code: "required",
            });
        }
        if self.est_weight_g.is_some_and(|g| !is_unit_weight(g)) {
            errs.push(FieldError {
                field: "est_weight_g".into(),
                code: "weight_invalid",
            });
        } else if self.catch_weight && self.est_weight_g.is_none() {
            errs.push(FieldError {
                field: "est_weight_g".into(),
                code: "weight_required",
            });
        }
        match (
            (category, unit, tax, origin, certifications),
            (allergens, storage, packaging),
        ) {
            (
                (Ok(category), Ok(unit), Ok(tax_class), Ok(origin), Ok(certifications)),
                (Ok(allergens), Ok(storage), Some(packaging)),
            ) if errs.is_empty() => Ok(ProductInput {
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
                details: ProductDetails::new(allergens, storage, packaging),
            }),
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
