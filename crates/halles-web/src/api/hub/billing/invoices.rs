//! Invoices: the hub's and the buyer's lists, one invoice, its PDF, and issuing one by hand.

use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite};
use crate::api::pagination::{PageQuery, page_response};
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use halles_core::{InvoiceId, OrderId};
use halles_store::hub::billing::invoices::{Invoice, InvoiceLine, IssuedInvoice};
use serde::Serialize;
use utoipa::ToSchema;

/// An invoice as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiInvoice {
    /// Its id (the pagination key, newest first).
    pub id: i64,
    /// Its number, without gaps per hub (`FAC-2026-0001`).
    pub number: String,
    /// The hub that issued it.
    pub hub_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// The order it bills.
    pub order_id: i64,
    /// Its language, the buyer's: `fr` or `en`.
    pub lang: String,
    /// Invoice date.
    #[schema(format = Date)]
    pub invoice_date: String,
    /// Delivery date.
    #[schema(format = Date)]
    pub delivery_date: String,
    /// Due date.
    #[schema(format = Date)]
    pub due_date: String,
    /// `on_receipt`, `net_15` or `net_30`.
    #[schema(schema_with = crate::api::schemas::payment_terms)]
    pub payment_terms: String,
    /// How to pay.
    pub how_to_pay: String,
    /// The buyer's purchase-order number.
    pub po_number: String,
    /// The seller's legal name, as on the invoice.
    pub seller_name: String,
    /// The seller's address.
    pub seller_address: String,
    /// Whether the seller charged GST and QST.
    pub registered: bool,
    /// GST registration number (empty when not registered).
    pub gst_number: String,
    /// QST registration number (empty when not registered).
    pub qst_number: String,
    /// How the delivery fee was taxed.
    #[schema(schema_with = crate::api::schemas::fee_taxation)]
    pub fee_taxation: String,
    /// The buyer's name, as on the invoice.
    pub buyer_name: String,
    /// The buyer's billing address.
    pub buyer_address: String,
    /// Where it was delivered.
    pub delivery_address: String,
    /// Goods before discounts, in cents.
    pub goods_cents: i64,
    /// Discounts, in cents.
    pub discount_cents: i64,
    /// Delivery fee, in cents.
    pub delivery_cents: i64,
    /// Deposits, in cents.
    pub deposits_cents: i64,
    /// Before taxes, in cents.
    pub subtotal_cents: i64,
    /// What GST was computed on, in cents.
    pub gst_base_cents: i64,
    /// What QST was computed on, in cents.
    pub qst_base_cents: i64,
    /// GST (5 %), in cents.
    pub gst_cents: i64,
    /// QST (9.975 %), in cents.
    pub qst_cents: i64,
    /// Total due, in cents.
    pub total_cents: i64,
    /// When it was issued (RFC 3339).
    pub issued_at: String,
}

impl From<Invoice> for ApiInvoice {
    fn from(i: Invoice) -> Self {
        ApiInvoice {
            id: i.id.0,
            number: i.number,
            hub_id: i.hub.0,
            buyer_id: i.buyer.0,
            order_id: i.order.0,
            lang: i.lang.code().to_owned(),
            invoice_date: i.invoice_date.to_string(),
            delivery_date: i.delivery_date.to_string(),
            due_date: i.due_date.to_string(),
            payment_terms: i.payment_terms.code().to_owned(),
            how_to_pay: i.how_to_pay,
            po_number: i.po_number,
            seller_name: i.seller_name,
            seller_address: i.seller_address,
            registered: i.registered,
            gst_number: i.gst_number,
            qst_number: i.qst_number,
            fee_taxation: i.fee_taxation.code().to_owned(),
            buyer_name: i.buyer_name,
            buyer_address: i.buyer_address,
            delivery_address: i.delivery_address,
            goods_cents: i.goods.0,
            discount_cents: i.discount.0,
            delivery_cents: i.delivery.0,
            deposits_cents: i.deposits.0,
            subtotal_cents: i.subtotal.0,
            gst_base_cents: i.gst_base.0,
            qst_base_cents: i.qst_base.0,
            gst_cents: i.gst.0,
            qst_cents: i.qst.0,
            total_cents: i.total.0,
            issued_at: i.issued_at.to_string(),
        }
    }
}

/// A line of an invoice, as delivered.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiInvoiceLine {
    /// Its place, from 1.
    pub line_no: i64,
    /// The product.
    pub product_id: i64,
    /// French name.
    pub name_fr: String,
    /// English name (empty: the French one).
    pub name_en: String,
    /// The producer.
    pub producer_name: String,
    /// Lots delivered, comma-separated.
    pub lots: String,
    /// Sale unit.
    #[schema(schema_with = crate::api::schemas::unit)]
    pub unit: String,
    /// Quantity delivered, a decimal string in the sale unit.
    pub quantity: String,
    /// Real weight in grams (a catch-weight line).
    pub weight_g: Option<i64>,
    /// Unit price, in cents.
    pub unit_price_cents: i64,
    /// Price per kilogram, in cents (a catch-weight line, billed at its real weight).
    pub kg_price_cents: Option<i64>,
    /// Amount, in cents.
    pub amount_cents: i64,
    /// GST status in force on the invoice date.
    #[schema(schema_with = crate::api::schemas::tax_class)]
    pub gst_status: String,
    /// QST status in force on the invoice date.
    #[schema(schema_with = crate::api::schemas::tax_class)]
    pub qst_status: String,
    /// The code printed on the line: the GST letter then the QST letter (T taxable,
    /// Z zero-rated, E exempt).
    pub tax_code: String,
    /// The French name of the product it replaced, when it is a substitution.
    pub substitute_for: Option<String>,
    /// What was ordered and not delivered, a decimal string.
    pub short_quantity: Option<String>,
}

impl From<InvoiceLine> for ApiInvoiceLine {
    fn from(l: InvoiceLine) -> Self {
        ApiInvoiceLine {
            line_no: l.line_no,
            product_id: l.product.0,
            tax_code: l.codes.code(),
            substitute_for: (!l.substitute_for_fr.is_empty()).then_some(l.substitute_for_fr),
            name_fr: l.name_fr,
            name_en: l.name_en,
            producer_name: l.producer_name,
            lots: l.lots,
            unit: l.unit.code().to_owned(),
            quantity: l.quantity.to_string(),
            weight_g: l.weight_g,
            unit_price_cents: l.unit_price.0,
            kg_price_cents: l.kg_price.map(|k| k.0),
            amount_cents: l.amount.0,
            gst_status: l.codes.gst.code().to_owned(),
            qst_status: l.codes.qst.code().to_owned(),
            short_quantity: l.short_quantity.map(|q| q.to_string()),
        }
    }
}

/// An invoice with its lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIssuedInvoice {
    /// The invoice.
    #[serde(flatten)]
    pub invoice: ApiInvoice,
    /// Its lines.
    pub lines: Vec<ApiInvoiceLine>,
}

impl From<IssuedInvoice> for ApiIssuedInvoice {
    fn from(i: IssuedInvoice) -> Self {
        ApiIssuedInvoice {
            invoice: i.invoice.into(),
            lines: i.lines.into_iter().map(Into::into).collect(),
        }
    }
}

/// The invoices the organization issued (a hub) or received (a buyer), newest first,
/// paginated with `Link: rel="next"`.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/invoices", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), PageQuery),
    responses((status = 200, description = "A page of invoices", body = [ApiInvoice]),
      (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn invoices(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let limit = q.limit();
    let rows = state
        .store
        .invoices(&a.scope, q.after()?.map(InvoiceId), limit + 1)
        .await?;
    let path = format!("/api/v1/organizations/{}/invoices", a.scope.org);
    Ok(page_response(
        &state,
        &path,
        limit,
        rows,
        |r| r.id.0,
        &[],
        ApiInvoice::from,
    ))
}

/// One invoice with its lines, for the hub that issued it or the buyer that received it.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/invoices/{id}", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), ("id" = i64, Path, description = "Invoice id")),
    responses((status = 200, body = ApiIssuedInvoice), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn invoice(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiIssuedInvoice>, ApiError> {
    let inv = state.store.invoice(&a.scope, InvoiceId(path.1)).await?;
    Ok(Json(inv.into()))
}

/// The invoice as a PDF, in the buyer's language.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/invoices/{id}/pdf", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), ("id" = i64, Path, description = "Invoice id")),
    responses((status = 200, description = "The invoice", content((Vec<u8> = "application/pdf"))),
      (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn invoice_pdf(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let inv = state.store.invoice(&a.scope, InvoiceId(path.1)).await?;
    let bytes = crate::pages::hub::billing::invoice_pdf(&inv).map_err(|e| {
        tracing::error!(error = %e, "invoice PDF");
        ApiError::Internal
    })?;
    let name = format!("attachment; filename=\"{}.pdf\"", inv.invoice.number);
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}

/// Issues the invoice of a delivered order by hand (the hub only; a hub that set up billing
/// with `auto_issue` gets it when the delivery is confirmed): `billing_not_set_up`,
/// `order_not_delivered`, `invoice_exists`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/orders/{id}/invoice", tag = "billing",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Order id")),
    responses((status = 201, body = ApiIssuedInvoice), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn issue_invoice(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let id = state.store.issue_invoice(&hs, OrderId(path.1)).await?;
    let inv = state.store.invoice(&a.scope, id).await?;
    Ok((StatusCode::CREATED, Json(ApiIssuedInvoice::from(inv))).into_response())
}
