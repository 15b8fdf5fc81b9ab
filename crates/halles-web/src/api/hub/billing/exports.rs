//! Invoices for accounting through the API: one invoice as UBL 2.1 XML, and a hub's invoices
//! of a date range as QuickBooks Online's invoice-import CSV.

use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead};
use crate::api::problem::{ApiError, Problem, field};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::IntoParams;

/// The invoice as UBL 2.1 XML (EN 16931: GST as the VAT per line, QST as a document-level
/// charge; see docs/ARCHITECTURE.md), for the hub that issued it or the buyer that received it.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/invoices/{id}/ubl", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), ("id" = i64, Path, description = "Invoice id")),
    responses((status = 200, description = "The invoice", content((String = "application/xml"))),
      (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn invoice_ubl(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let inv = state
        .store
        .invoice(&a.scope, halles_core::InvoiceId(path.1))
        .await?;
    let bytes = crate::pages::hub::billing::ubl::invoice_ubl(&inv).map_err(|e| {
        tracing::error!(error = %e, "invoice UBL");
        ApiError::Internal
    })?;
    Ok(crate::pages::hub::billing::exports::xml_download(
        bytes,
        &inv.invoice.number,
    ))
}

/// A date range.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Range {
    /// The first invoice date.
    #[param(format = Date)]
    pub from: String,
    /// The last invoice date (at most 366 days after `from`).
    #[param(format = Date)]
    pub to: String,
}

/// The hub's invoices dated in a range (at most 366 days and 5,000 invoices,
/// `export_too_large`), as the CSV QuickBooks Online's invoice import reads: its default
/// column names, one row per line, GST and QST statuses as its default Canadian tax codes.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/invoices/export/quickbooks", tag = "billing",
    params(("org" = i64, Path, description = "The hub"), Range),
    responses((status = 200, description = "The CSV", content((String = "text/csv"))),
      (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn quickbooks(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Query(r): Query<Range>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let from: Date = r.from.parse().map_err(|_| field("from", "date_invalid"))?;
    let to: Date = r.to.parse().map_err(|_| field("to", "date_invalid"))?;
    let invoices = state.store.invoices_dated(&hs, from, to).await?;
    let bytes = crate::pages::hub::billing::exports::quickbooks_csv(&invoices)
        .to_csv()
        .map_err(|e| {
            tracing::error!(error = %e, "QuickBooks CSV");
            ApiError::Internal
        })?;
    Ok(crate::pages::hub::billing::exports::csv_download(
        bytes,
        &format!("invoices-quickbooks-{from}-{to}"),
    ))
}
