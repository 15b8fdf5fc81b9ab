//! Invoices for accounting through the API: one invoice as UBL 2.1 XML, a hub's invoices
//! of a date range as QuickBooks Online's invoice-import CSV, its journal of a date range, and
//! the accounts that journal names.

use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrgRead, OrgWrite};
use crate::api::json::ApiJson;
use crate::api::problem::{ApiError, Problem, date_field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use halles_core::journal::Account;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

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
    xml_response(
        crate::pages::hub::billing::ubl::invoice_ubl(&inv),
        &inv.invoice.number,
    )
}

/// A document's UBL as a download, or an internal error (logged).
fn xml_response(
    bytes: Result<Vec<u8>, crate::pages::hub::billing::ubl::UblError>,
    number: &str,
) -> Result<Response, ApiError> {
    let bytes = bytes.map_err(|e| {
        tracing::error!(error = %e, number, "UBL");
        ApiError::Internal
    })?;
    Ok(crate::pages::hub::billing::exports::xml_download(
        bytes, number,
    ))
}

/// A table as a CSV download, or an internal error (logged).
fn csv_response(table: halles_docs::Table, name: &str) -> Result<Response, ApiError> {
    let bytes = table.to_csv().map_err(|e| {
        tracing::error!(error = %e, name, "CSV export");
        ApiError::Internal
    })?;
    Ok(crate::pages::hub::billing::exports::csv_download(
        bytes, name,
    ))
}

/// The credit note as a UBL 2.1 `CreditNote` (EN 16931, type 381, referring to its invoice;
/// taxes as on invoices), for the hub that issued it or the buyer that received it.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/credit-notes/{id}/ubl", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), ("id" = i64, Path, description = "Credit note id")),
    responses((status = 200, description = "The credit note", content((String = "application/xml"))),
      (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn credit_note_ubl(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let cn = state
        .store
        .credit_note(&a.scope, halles_core::CreditNoteId(path.1))
        .await?;
    xml_response(
        crate::pages::hub::billing::ubl::credit_note_ubl(&cn),
        &cn.note.number,
    )
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
    let from: Date = date_field("from", &r.from)?;
    let to: Date = date_field("to", &r.to)?;
    let invoices = state.store.invoices_dated(&hs, from, to).await?;
    csv_response(
        crate::pages::hub::billing::exports::quickbooks_csv(&invoices),
        &format!("invoices-quickbooks-{from}-{to}"),
    )
}

/// The hub's journal of a date range (at most 366 days, each kind of document at most 5,000,
/// `export_too_large`) as a CSV in the layout of QuickBooks Online's journal-entry import
/// (`Journal No`, `Journal Date`, `Account`, `Debits`, `Credits`, `Description`, `Name`):
/// every invoice, credit note, payment (voided ones aside), producer statement and payout, one
/// row per account of each entry, every entry balanced, on the accounts the hub names
/// (`.../billing-settings/accounts`).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/journal", tag = "billing",
    params(("org" = i64, Path, description = "The hub"), Range),
    responses((status = 200, description = "The CSV", content((String = "text/csv"))),
      (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn journal(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    headers: axum::http::HeaderMap,
    Query(r): Query<Range>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let from: Date = date_field("from", &r.from)?;
    let to: Date = date_field("to", &r.to)?;
    let j = state.store.journal(&hs, from, to).await?;
    let lang = crate::api::problem::caller_lang(&headers);
    csv_response(
        crate::pages::hub::billing::exports::journal_csv(&j, lang),
        &format!("journal-{from}-{to}"),
    )
}

/// The name of each account the hub's journal writes to, as in its chart of accounts (1 to
/// 100 characters each).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiJournalAccounts {
    /// What buyers owe.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub receivables: String,
    /// Where payments are received and payouts paid from.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub bank: String,
    /// Sales of goods taxable for GST or QST.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub sales_taxable: String,
    /// Sales of zero-rated goods.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub sales_zero_rated: String,
    /// Sales of exempt goods.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub sales_exempt: String,
    /// Discounts given on invoices.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub discounts: String,
    /// Delivery fees.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub delivery: String,
    /// Deposits.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub deposits: String,
    /// GST collected.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub gst_payable: String,
    /// QST collected.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub qst_payable: String,
    /// What the hub owes producers.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub producers_payable: String,
    /// Goods bought from producers, at their prices.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub producer_purchases: String,
    /// Losses and donations the hub bears.
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub losses: String,
}

impl ApiJournalAccounts {
    fn of(names: &BTreeMap<Account, String>) -> Result<Self, ApiError> {
        let map: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .map(|(a, n)| (a.code().to_owned(), serde_json::Value::String(n.clone())))
            .collect();
        serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| {
            tracing::error!(error = %e, "journal accounts");
            ApiError::Internal
        })
    }

    fn names(&self) -> BTreeMap<Account, String> {
        let Ok(serde_json::Value::Object(map)) = serde_json::to_value(self) else {
            return BTreeMap::new();
        };
        map.into_iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?.to_owned())))
            .collect()
    }
}

/// The accounts the hub's journal names (defaults for those it never named).
#[utoipa::path(get, path = "/api/v1/organizations/{org}/billing-settings/accounts", tag = "billing",
    params(("org" = i64, Path, description = "The hub")),
    responses((status = 200, body = ApiJournalAccounts), (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:read"])))]
pub async fn journal_accounts(
    State(state): State<AppState>,
    a: ApiAccess<OrgRead>,
) -> Result<Json<ApiJournalAccounts>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    Ok(Json(ApiJournalAccounts::of(
        &state.store.journal_accounts(&hs).await?,
    )?))
}

/// Names the accounts of the hub's journal (each required, at most 100 characters, on its
/// field). Audited.
#[utoipa::path(put, path = "/api/v1/organizations/{org}/billing-settings/accounts", tag = "billing",
    params(("org" = i64, Path, description = "The hub")),
    request_body = ApiJournalAccounts,
    responses((status = 200, body = ApiJournalAccounts), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["org:write"])))]
pub async fn set_journal_accounts(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    body: Result<ApiJson<ApiJournalAccounts>, ApiError>,
) -> Result<Json<ApiJournalAccounts>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(b) = body?;
    let saved = state.store.set_journal_accounts(&hs, &b.names()).await?;
    Ok(Json(ApiJournalAccounts::of(&saved)?))
}
