//! A product's GST and QST statuses by date: its producer or a hub it works with reads the
//! history and adds a status from a day; invoices use the status in force on their date.

use crate::AppState;
use crate::api::auth::{ApiAccess, CatalogRead, CatalogWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use halles_core::ProductId;
use halles_core::taxes::{DatedCodes, TaxClass, TaxCodes};
use halles_core::validation::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// GST and QST statuses from a day on.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiTaxStatus {
    /// First day in force (`YYYY-MM-DD`, years 2000 to 2100).
    #[schema(format = Date, example = "2026-07-15", pattern = r"^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub from: String,
    /// GST status: `zero_rated`, `taxable` or `exempt`.
    #[schema(schema_with = crate::api::schemas::tax_class)]
    pub gst: String,
    /// QST status: `zero_rated`, `taxable` or `exempt`.
    #[schema(schema_with = crate::api::schemas::tax_class)]
    pub qst: String,
}

impl From<DatedCodes> for ApiTaxStatus {
    fn from(d: DatedCodes) -> Self {
        ApiTaxStatus {
            from: d.from.to_string(),
            gst: d.codes.gst.code().into(),
            qst: d.codes.qst.code().into(),
        }
    }
}

/// A product's tax history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApiTaxStatuses {
    /// The product.
    pub product_id: i64,
    /// The product's own tax class, for both taxes before the first dated status.
    #[schema(schema_with = crate::api::schemas::tax_class)]
    pub tax_class: String,
    /// The dated statuses, oldest first.
    pub statuses: Vec<ApiTaxStatus>,
}

impl ApiTaxStatus {
    /// The day and statuses, each problem on its field (`date_invalid`, `choice_invalid`).
    fn parsed(&self) -> Result<(jiff::civil::Date, TaxCodes), ApiError> {
        let from = self.from.trim().parse::<jiff::civil::Date>();
        let gst = self.gst.parse::<TaxClass>();
        let qst = self.qst.parse::<TaxClass>();
        match (from, gst, qst) {
            (Ok(from), Ok(gst), Ok(qst)) => Ok((from, TaxCodes { gst, qst })),
            (from, gst, qst) => {
                let mut errs = Vec::new();
                if from.is_err() {
                    errs.push(FieldError::new("from", "date_invalid"));
                }
                if gst.is_err() {
                    errs.push(FieldError::new("gst", "choice_invalid"));
                }
                if qst.is_err() {
                    errs.push(FieldError::new("qst", "choice_invalid"));
                }
                Err(ApiError::Validation(errs))
            }
        }
    }
}

async fn history(
    state: &AppState,
    scope: &halles_store::TenantScope,
    id: ProductId,
) -> Result<ApiTaxStatuses, ApiError> {
    let (class, statuses) = state.store.tax_statuses(scope, id).await?;
    Ok(ApiTaxStatuses {
        product_id: id.0,
        tax_class: class.code().into(),
        statuses: statuses.into_iter().map(Into::into).collect(),
    })
}

/// A product's GST and QST statuses by date, for its producer or a hub it works with.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/products/{id}/tax-statuses", tag = "food hub",
    params(("org" = i64, Path, description = "The producer, or a hub it works with"), ("id" = i64, Path, description = "Product id")),
    responses((status = 200, body = ApiTaxStatuses), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:read"])))]
pub async fn tax_statuses(
    State(state): State<AppState>,
    a: ApiAccess<CatalogRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiTaxStatuses>, ApiError> {
    Ok(Json(history(&state, &a.scope, ProductId(path.1)).await?))
}

/// Adds GST and QST statuses from a day on (a status on the same day replaces it); answers
/// the history. Audited.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/products/{id}/tax-statuses", tag = "food hub",
    params(("org" = i64, Path, description = "The producer, or a hub it works with"), ("id" = i64, Path, description = "Product id")),
    request_body = ApiTaxStatus,
    responses((status = 201, body = ApiTaxStatuses), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["catalog:write"])))]
pub async fn add_tax_status(
    State(state): State<AppState>,
    a: ApiAccess<CatalogWrite>,
    Path(path): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ApiTaxStatus>,
) -> Result<Response, ApiError> {
    let id = ProductId(path.1);
    // An unknown product answers 404 before its body is judged.
    state.store.tax_statuses(&a.scope, id).await?;
    let (from, codes) = body.parsed()?;
    state
        .store
        .set_tax_status(&a.scope, id, from, codes)
        .await?;
    let out = history(&state, &a.scope, id).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}
