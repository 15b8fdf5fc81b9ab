//! Credit notes and receivables through the API: credit notes (list, read, PDF, issue on an
//! invoice), an invoice's balance, payments (list, record with allocations, apply a credit),
//! the hub's aging report and a buyer's statement of account (JSON or PDF). A hub sees and
//! writes its own; a buyer reads only what concerns it.

use crate::AppState;
use crate::api::auth::{ApiAccess, OrdersRead, OrdersWrite};
use crate::api::json::ApiJson;
use crate::api::pagination::{PageQuery, page_response};
use crate::api::problem::{ApiError, Problem, field};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use halles_core::money::Cents;
use halles_core::quantity::Qty;
use halles_core::receivables::{AgingBucket, PaymentMethod, month_period};
use halles_core::{CreditNoteId, InvoiceId, OrgId, PaymentId};
use halles_store::hub::billing::credit_notes::{
    CreditLineInput, CreditNote, IssuedCreditNote, NewCreditNote,
};
use halles_store::hub::billing::receivables::{
    AgingReport, Allocation, NewPayment, Payment, Receivable, Statement,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A PDF response, for download.
fn pdf_file(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A credit note.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCreditNote {
    /// Its id (the pagination key, newest first).
    pub id: i64,
    /// Its number, without gaps per hub (`AV-2026-0001`).
    pub number: String,
    /// The hub that issued it.
    pub hub_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// The invoice it corrects.
    pub invoice_id: i64,
    /// The invoice's number.
    pub invoice_number: String,
    /// Its date.
    #[schema(format = Date)]
    pub credit_date: String,
    /// Why it was issued.
    pub reason: String,
    /// Whether it reverses the whole invoice.
    pub full: bool,
    /// Its language, the buyer's: `fr` or `en`.
    pub lang: String,
    /// The seller's legal name, as on the invoice.
    pub seller_name: String,
    /// The buyer's name, as on the invoice.
    pub buyer_name: String,
    /// Goods credited, in cents.
    pub goods_cents: i64,
    /// Delivery fee credited, in cents (a full note only).
    pub delivery_cents: i64,
    /// Before taxes, in cents.
    pub subtotal_cents: i64,
    /// GST base credited, in cents.
    pub gst_base_cents: i64,
    /// QST base credited, in cents.
    pub qst_base_cents: i64,
    /// GST credited, in cents.
    pub gst_cents: i64,
    /// QST credited, in cents.
    pub qst_cents: i64,
    /// Total credited, in cents.
    pub total_cents: i64,
    /// When it was issued (RFC 3339).
    pub issued_at: String,
}

impl From<CreditNote> for ApiCreditNote {
    fn from(n: CreditNote) -> Self {
        ApiCreditNote {
            id: n.id.0,
            number: n.number,
            hub_id: n.hub.0,
            buyer_id: n.buyer.0,
            invoice_id: n.invoice.0,
            invoice_number: n.invoice_number,
            credit_date: n.credit_date.to_string(),
            reason: n.reason,
            full: n.full,
            lang: n.lang.code().to_owned(),
            seller_name: n.seller_name,
            buyer_name: n.buyer_name,
            goods_cents: n.goods.0,
            delivery_cents: n.delivery.0,
            subtotal_cents: n.subtotal.0,
            gst_base_cents: n.gst_base.0,
            qst_base_cents: n.qst_base.0,
            gst_cents: n.gst.0,
            qst_cents: n.qst.0,
            total_cents: n.total.0,
            issued_at: n.issued_at.to_string(),
        }
    }
}

/// A credited line.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCreditNoteLine {
    /// The invoice line's number.
    pub line_no: i64,
    /// French name.
    pub name_fr: String,
    /// English name.
    pub name_en: String,
    /// Quantity credited, a decimal string, when given.
    pub quantity: Option<String>,
    /// Amount credited before taxes, in cents.
    pub amount_cents: i64,
    /// The tax code of the invoice line (GST letter, QST letter).
    pub tax_code: String,
}

/// A credit note with its lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIssuedCreditNote {
    /// The note.
    #[serde(flatten)]
    pub note: ApiCreditNote,
    /// Its lines.
    pub lines: Vec<ApiCreditNoteLine>,
}

impl From<IssuedCreditNote> for ApiIssuedCreditNote {
    fn from(c: IssuedCreditNote) -> Self {
        ApiIssuedCreditNote {
            note: c.note.into(),
            lines: c
                .lines
                .into_iter()
                .map(|l| ApiCreditNoteLine {
                    line_no: l.line_no,
                    tax_code: l.codes.code(),
                    name_fr: l.name_fr,
                    name_en: l.name_en,
                    quantity: l.quantity.map(|q| q.to_string()),
                    amount_cents: l.amount.0,
                })
                .collect(),
        }
    }
}

/// A line to credit: an amount, or a quantity credited at the line's price per unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiCreditLineInput {
    /// The invoice line's number.
    #[schema(minimum = 1, maximum = 10000)]
    pub line_no: i64,
    /// Quantity credited, a decimal string (at most the line's quantity).
    pub quantity: Option<String>,
    /// Amount credited before taxes, in cents (at most what is left of the line).
    #[schema(minimum = 1, maximum = 100000000)]
    pub amount_cents: Option<i64>,
}

/// A credit note to issue.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiNewCreditNote {
    /// Why, 1 to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
    /// The lines to credit (1 to 500); absent or null: the whole invoice.
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Option<Vec<ApiCreditLineInput>>,
}

/// The credit notes the organization issued (a hub) or received (a buyer), newest first.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/credit-notes", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), PageQuery),
    responses((status = 200, description = "A page of credit notes", body = [ApiCreditNote]),
      (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn credit_notes(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let limit = q.limit();
    let rows = state
        .store
        .credit_notes(&a.scope, q.after()?.map(CreditNoteId), limit + 1)
        .await?;
    let path = format!("/api/v1/organizations/{}/credit-notes", a.scope.org);
    Ok(page_response(
        &state,
        &path,
        limit,
        rows,
        |r| r.id.0,
        &[],
        ApiCreditNote::from,
    ))
}

/// One credit note with its lines, for the hub or the buyer.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/credit-notes/{id}", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), ("id" = i64, Path, description = "Credit note id")),
    responses((status = 200, body = ApiIssuedCreditNote), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn credit_note(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiIssuedCreditNote>, ApiError> {
    let cn = state
        .store
        .credit_note(&a.scope, CreditNoteId(path.1))
        .await?;
    Ok(Json(cn.into()))
}

/// The credit note as a PDF, in the buyer's language.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/credit-notes/{id}/pdf", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), ("id" = i64, Path, description = "Credit note id")),
    responses((status = 200, description = "The credit note", content((Vec<u8> = "application/pdf"))),
      (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn credit_note_pdf(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let cn = state
        .store
        .credit_note(&a.scope, CreditNoteId(path.1))
        .await?;
    let bytes = crate::pages::hub::billing::credit_note_pdf(&cn).map_err(|e| {
        tracing::error!(error = %e, "credit note PDF");
        ApiError::Internal
    })?;
    Ok(pdf_file(bytes, &cn.note.number))
}

/// Issues a credit note on an invoice the hub issued: the whole invoice (`lines` absent),
/// or lines: `reason` required; `invoice_partly_credited`, `credit_note_empty`,
/// `unknown_invoice_line`, `invalid_amount`, `credit_exceeds_line`, `credit_exceeds_invoice`.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/invoices/{id}/credit-notes", tag = "billing",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Invoice id"),
      ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiNewCreditNote,
    responses((status = 201, body = ApiIssuedCreditNote), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn issue_credit_note(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<ApiNewCreditNote>, ApiError>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(b) = body?;
    let lines = match b.lines {
        None => None,
        Some(lines) => {
            if lines.len() > 500 {
                return Err(field("lines", "too_many_lines"));
            }
            let mut out = Vec::with_capacity(lines.len());
            for l in lines {
                let quantity = match l.quantity.as_deref() {
                    None => None,
                    Some(q) => Some(
                        Qty::parse_input(q).ok_or_else(|| field("quantity", "invalid_amount"))?,
                    ),
                };
                out.push(CreditLineInput {
                    line_no: l.line_no,
                    quantity,
                    amount: l.amount_cents.map(Cents),
                });
            }
            Some(out)
        }
    };
    let id = state
        .store
        .issue_credit_note(
            &hs,
            InvoiceId(path.1),
            &NewCreditNote {
                reason: b.reason,
                lines,
            },
        )
        .await?;
    let cn = state.store.credit_note(&a.scope, id).await?;
    Ok((StatusCode::CREATED, Json(ApiIssuedCreditNote::from(cn))).into_response())
}

/// What is owed on an invoice.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiInvoiceBalance {
    /// The invoice.
    pub invoice_id: i64,
    /// Its number.
    pub number: String,
    /// Its due date.
    #[schema(format = Date)]
    pub due_date: String,
    /// Its total, in cents.
    pub total_cents: i64,
    /// Credited by credit notes, in cents.
    pub credited_cents: i64,
    /// Paid (payments allocated), in cents.
    pub paid_cents: i64,
    /// Left to pay, in cents.
    pub balance_cents: i64,
    /// `unpaid`, `partly_paid`, `paid` or `overdue`.
    pub status: String,
}

impl From<Receivable> for ApiInvoiceBalance {
    fn from(r: Receivable) -> Self {
        ApiInvoiceBalance {
            invoice_id: r.invoice.0,
            balance_cents: r.balance().0,
            number: r.number,
            due_date: r.due_date.to_string(),
            total_cents: r.money.total.0,
            credited_cents: r.money.credited.0,
            paid_cents: r.money.paid.0,
            status: r.status.code().to_owned(),
        }
    }
}

/// What is owed on an invoice today, for the hub or the buyer.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/invoices/{id}/balance", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), ("id" = i64, Path, description = "Invoice id")),
    responses((status = 200, body = ApiInvoiceBalance), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn invoice_balance(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Path(path): Path<(i64, i64)>,
) -> Result<Json<ApiInvoiceBalance>, ApiError> {
    Ok(Json(
        state
            .store
            .receivable(&a.scope, InvoiceId(path.1))
            .await?
            .into(),
    ))
}

/// A part of a payment applied to an invoice.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiAllocation {
    /// The invoice (of the payment's buyer).
    pub invoice_id: i64,
    /// Amount applied, in cents (at most what is left on the invoice).
    #[schema(minimum = 1, maximum = 100000000)]
    pub amount_cents: i64,
}

/// A payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPayment {
    /// Its id (the pagination key, newest first).
    pub id: i64,
    /// The hub paid.
    pub hub_id: i64,
    /// The buyer that paid.
    pub buyer_id: i64,
    /// `cheque`, `interac`, `cash`, `card` or `other`.
    #[schema(schema_with = crate::api::schemas::payment_method)]
    pub method: String,
    /// The day it was received.
    #[schema(format = Date)]
    pub received_on: String,
    /// Amount, in cents.
    pub amount_cents: i64,
    /// Reference (cheque number, Interac confirmation).
    pub reference: String,
    /// Allocated to invoices, in cents; the rest is the buyer's credit.
    pub allocated_cents: i64,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    /// When it was voided (RFC 3339): a voided payment counts nowhere.
    pub voided_at: Option<String>,
    /// Why it was voided (empty when it was not).
    pub void_reason: String,
}

impl From<Payment> for ApiPayment {
    fn from(p: Payment) -> Self {
        ApiPayment {
            id: p.id.0,
            hub_id: p.hub.0,
            buyer_id: p.buyer.0,
            method: p.method.code().to_owned(),
            received_on: p.received_on.to_string(),
            amount_cents: p.amount.0,
            reference: p.reference,
            allocated_cents: p.allocated.0,
            recorded_at: p.recorded_at.to_string(),
            voided_at: p.voided.as_ref().map(|v| v.at.to_string()),
            void_reason: p.voided.map(|v| v.reason).unwrap_or_default(),
        }
    }
}

/// A payment with its allocations.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPaymentDetail {
    /// The payment.
    #[serde(flatten)]
    pub payment: ApiPayment,
    /// Its allocations.
    pub allocations: Vec<ApiAllocation>,
}

impl From<(Payment, Vec<Allocation>)> for ApiPaymentDetail {
    fn from((p, a): (Payment, Vec<Allocation>)) -> Self {
        ApiPaymentDetail {
            payment: p.into(),
            allocations: a
                .into_iter()
                .map(|a| ApiAllocation {
                    invoice_id: a.invoice.0,
                    amount_cents: a.amount.0,
                })
                .collect(),
        }
    }
}

/// A payment to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiNewPayment {
    /// The buyer that paid (served by the hub).
    pub buyer_id: i64,
    /// `cheque`, `interac`, `cash`, `card` or `other`.
    #[schema(schema_with = crate::api::schemas::payment_method)]
    pub method: String,
    /// The day it was received, from 2000-01-01 to today.
    #[schema(format = Date)]
    pub received_on: String,
    /// Amount in cents, 1 to 100,000,000 (1,000,000.00 $).
    #[schema(minimum = 1, maximum = 100000000)]
    pub amount_cents: i64,
    /// Reference, at most 100 characters.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub reference: String,
    /// What to apply to which invoices (at most 100); the rest is the buyer's credit.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub allocations: Vec<ApiAllocation>,
}

/// Allocations of what is left of a payment (the buyer's credit).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiApplyCredit {
    /// At least one, at most 100.
    #[schema(min_items = 1, max_items = 100)]
    pub allocations: Vec<ApiAllocation>,
}

fn parts(allocations: &[ApiAllocation]) -> Result<Vec<(InvoiceId, Cents)>, ApiError> {
    if allocations.len() > 100 {
        return Err(field("allocations", "too_many_lines"));
    }
    Ok(allocations
        .iter()
        .map(|a| (InvoiceId(a.invoice_id), Cents(a.amount_cents)))
        .collect())
}

/// The payments query: one buyer's only (a hub).
#[derive(Debug, Deserialize, IntoParams)]
pub struct PaymentsQuery {
    /// Only this buyer's payments.
    pub buyer_id: Option<i64>,
}

/// The payments a hub received (or a buyer made), newest first.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/payments", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), PaymentsQuery, PageQuery),
    responses((status = 200, description = "A page of payments", body = [ApiPayment]),
      (status = 403, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn payments(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Query(b): Query<PaymentsQuery>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let limit = q.limit();
    let rows = state
        .store
        .payments(
            &a.scope,
            b.buyer_id.map(OrgId),
            q.after()?.map(PaymentId),
            limit + 1,
        )
        .await?;
    let path = format!("/api/v1/organizations/{}/payments", a.scope.org);
    Ok(page_response(
        &state,
        &path,
        limit,
        rows,
        |r| r.id.0,
        &[],
        ApiPayment::from,
    ))
}

/// Records a buyer's payment and its allocations (the hub): `invalid_amount`,
/// `amount_too_large`, `date_invalid`, `allocation_exceeds_balance`,
/// `allocation_exceeds_payment`. Send an `Idempotency-Key`: a retry records nothing again.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/payments", tag = "billing",
    params(("org" = i64, Path, description = "The hub"),
      ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiNewPayment,
    responses((status = 201, body = ApiPaymentDetail), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn record_payment(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    body: Result<ApiJson<ApiNewPayment>, ApiError>,
) -> Result<Response, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(b) = body?;
    let method: PaymentMethod = b
        .method
        .parse()
        .map_err(|_| field("method", "choice_invalid"))?;
    let received_on = b
        .received_on
        .parse()
        .map_err(|_| field("received_on", "date_invalid"))?;
    let id = state
        .store
        .record_payment(
            &hs,
            &NewPayment {
                buyer: OrgId(b.buyer_id),
                method,
                received_on,
                amount: Cents(b.amount_cents),
                reference: b.reference,
                allocations: parts(&b.allocations)?,
            },
        )
        .await?;
    let p = state.store.payment(&a.scope, id).await?;
    Ok((StatusCode::CREATED, Json(ApiPaymentDetail::from(p))).into_response())
}

/// Applies what is left of a payment (the buyer's credit) to its invoices (the hub).
#[utoipa::path(post, path = "/api/v1/organizations/{org}/payments/{id}/allocations", tag = "billing",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Payment id"),
      ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiApplyCredit,
    responses((status = 200, body = ApiPaymentDetail), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn apply_credit(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<ApiApplyCredit>, ApiError>,
) -> Result<Json<ApiPaymentDetail>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(b) = body?;
    let id = PaymentId(path.1);
    state
        .store
        .apply_credit(&hs, id, &parts(&b.allocations)?)
        .await?;
    Ok(Json(state.store.payment(&a.scope, id).await?.into()))
}

/// Why a payment is voided.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiVoidPayment {
    /// Why (required, at most 500 characters).
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Voids a payment recorded by mistake (the hub): it stays, marked voided, its allocations
/// released (its invoices owe again what it paid), and counts nowhere; record the right one
/// again with `POST .../payments`. `payment_voided` the second time.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/payments/{id}/void", tag = "billing",
    params(("org" = i64, Path, description = "The hub"), ("id" = i64, Path, description = "Payment id"),
      ("Idempotency-Key" = Option<String>, Header, description = "A repeat returns the first response")),
    request_body = ApiVoidPayment,
    responses((status = 200, body = ApiPaymentDetail), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 409, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:write"])))]
pub async fn void_payment(
    State(state): State<AppState>,
    a: ApiAccess<OrdersWrite>,
    Path(path): Path<(i64, i64)>,
    body: Result<ApiJson<ApiVoidPayment>, ApiError>,
) -> Result<Json<ApiPaymentDetail>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let ApiJson(b) = body?;
    let id = PaymentId(path.1);
    state.store.void_payment(&hs, id, &b.reason).await?;
    Ok(Json(state.store.payment(&a.scope, id).await?.into()))
}

/// Amounts by how long past due, in cents.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAging {
    /// Not yet due.
    pub current_cents: i64,
    /// 1 to 30 days past due.
    pub days_1_30_cents: i64,
    /// 31 to 60 days.
    pub days_31_60_cents: i64,
    /// 61 to 90 days.
    pub days_61_90_cents: i64,
    /// More than 90 days.
    pub over_90_cents: i64,
    /// Everything owed.
    pub total_cents: i64,
}

impl From<halles_core::receivables::Aging> for ApiAging {
    fn from(a: halles_core::receivables::Aging) -> Self {
        ApiAging {
            current_cents: a.get(AgingBucket::Current).0,
            days_1_30_cents: a.get(AgingBucket::Days1To30).0,
            days_31_60_cents: a.get(AgingBucket::Days31To60).0,
            days_61_90_cents: a.get(AgingBucket::Days61To90).0,
            over_90_cents: a.get(AgingBucket::Over90).0,
            total_cents: a.total().0,
        }
    }
}

/// A buyer's row of the aging report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAgingRow {
    /// The buyer.
    pub buyer_id: i64,
    /// Its name.
    pub name: String,
    /// What it owes.
    pub aging: ApiAging,
    /// Its credit, in cents.
    pub credit_cents: i64,
}

/// The hub's aging report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAgingReport {
    /// The day.
    #[schema(format = Date)]
    pub on: String,
    /// One row per buyer that owes something or has a credit.
    pub rows: Vec<ApiAgingRow>,
    /// Every buyer together.
    pub total: ApiAging,
    /// Every buyer's credit, in cents.
    pub credit_cents: i64,
}

impl From<AgingReport> for ApiAgingReport {
    fn from(r: AgingReport) -> Self {
        ApiAgingReport {
            on: r.on.to_string(),
            rows: r
                .rows
                .into_iter()
                .map(|x| ApiAgingRow {
                    buyer_id: x.buyer.0,
                    name: x.name,
                    aging: x.aging.into(),
                    credit_cents: x.credit.0,
                })
                .collect(),
            total: r.total.into(),
            credit_cents: r.credit.0,
        }
    }
}

/// The aging report's day.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AgingQuery {
    /// The day (YYYY-MM-DD); today when absent.
    #[param(format = Date, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub on: Option<String>,
}

/// The hub's aging report: each buyer's open balances by days past due, and its credit.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/aging", tag = "billing",
    params(("org" = i64, Path, description = "The hub"), AgingQuery),
    responses((status = 200, body = ApiAgingReport), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn aging(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Query(q): Query<AgingQuery>,
) -> Result<Json<ApiAgingReport>, ApiError> {
    let hs = state.store.own_hub(&a.scope).await?;
    let on = match q.on.as_deref() {
        Some(d) => d.parse().map_err(|_| field("on", "date_invalid"))?,
        None => halles_core::ordering::local_day(state.store.now()),
    };
    Ok(Json(state.store.aging(&hs, on).await?.into()))
}

/// A line of a statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStatementEntry {
    /// Its day.
    #[schema(format = Date)]
    pub on: String,
    /// `invoice`, `credit_note` or `payment`.
    pub kind: String,
    /// The document's number, or the payment's reference.
    pub reference: String,
    /// Amount in cents: positive for an invoice, negative for a credit note or a payment.
    pub amount_cents: i64,
    /// The balance after it, in cents.
    pub balance_cents: i64,
}

/// A buyer's statement of account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiStatementOfAccount {
    /// The hub.
    pub hub_id: i64,
    /// The buyer.
    pub buyer_id: i64,
    /// First day.
    #[schema(format = Date)]
    pub from: String,
    /// Last day.
    #[schema(format = Date)]
    pub to: String,
    /// Owed the day before `from`, in cents.
    pub opening_cents: i64,
    /// Every invoice, credit note and payment of the period.
    pub entries: Vec<ApiStatementEntry>,
    /// Invoiced, in cents.
    pub invoiced_cents: i64,
    /// Credited, in cents.
    pub credited_cents: i64,
    /// Paid, in cents.
    pub paid_cents: i64,
    /// Owed on `to` (opening + invoiced − credited − paid), in cents.
    pub closing_cents: i64,
    /// What is owed on `to` by how late it is.
    pub aging: ApiAging,
    /// The buyer's credit on `to`, in cents.
    pub credit_cents: i64,
}

impl From<Statement> for ApiStatementOfAccount {
    fn from(s: Statement) -> Self {
        ApiStatementOfAccount {
            hub_id: s.hub.0,
            buyer_id: s.buyer.0,
            from: s.from.to_string(),
            to: s.to.to_string(),
            opening_cents: s.opening.0,
            entries: s
                .entries
                .into_iter()
                .map(|e| ApiStatementEntry {
                    on: e.on.to_string(),
                    kind: e.kind.code().to_owned(),
                    reference: e.reference,
                    amount_cents: e.amount.0,
                    balance_cents: e.balance.0,
                })
                .collect(),
            invoiced_cents: s.invoiced.0,
            credited_cents: s.credited.0,
            paid_cents: s.paid.0,
            closing_cents: s.closing.0,
            aging: s.aging.into(),
            credit_cents: s.credit.0,
        }
    }
}

/// Which statement: the other side and the month.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StatementQuery {
    /// The buyer (when the organization is the hub) or the hub (when it is the buyer).
    pub with: i64,
    /// The month, `YYYY-MM`, years 2000 to 2100.
    #[param(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")]
    pub month: String,
}

async fn statement_of(
    state: &AppState,
    a: &ApiAccess<OrdersRead>,
    q: &StatementQuery,
) -> Result<Statement, ApiError> {
    let (from, to) = month_period(&q.month).ok_or_else(|| field("month", "period_invalid"))?;
    let org = state.store.organization_by_id(a.scope.org).await?;
    let (hub, buyer) = if org.kind == halles_core::organizations::OrgKind::Hub {
        (a.scope.org, OrgId(q.with))
    } else {
        (OrgId(q.with), a.scope.org)
    };
    Ok(state
        .store
        .statement(&a.scope, hub, buyer, from, to)
        .await?)
}

/// A buyer's monthly statement of account, for the hub or the buyer itself.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/statements", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), StatementQuery),
    responses((status = 200, body = ApiStatementOfAccount), (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn statement(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Query(q): Query<StatementQuery>,
) -> Result<Json<ApiStatementOfAccount>, ApiError> {
    Ok(Json(statement_of(&state, &a, &q).await?.into()))
}

/// The statement as a PDF, in the buyer's language.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/statements/pdf", tag = "billing",
    params(("org" = i64, Path, description = "The hub or the buyer"), StatementQuery),
    responses((status = 200, description = "The statement", content((Vec<u8> = "application/pdf"))),
      (status = 403, body = Problem, content_type = "application/problem+json"),
      (status = 404, body = Problem, content_type = "application/problem+json"),
      (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = ["orders:read"])))]
pub async fn statement_pdf(
    State(state): State<AppState>,
    a: ApiAccess<OrdersRead>,
    Query(q): Query<StatementQuery>,
) -> Result<Response, ApiError> {
    let s = statement_of(&state, &a, &q).await?;
    let bytes = crate::pages::hub::billing::statement_pdf(&s).map_err(|e| {
        tracing::error!(error = %e, "statement PDF");
        ApiError::Internal
    })?;
    Ok(pdf_file(
        bytes,
        &format!("statement-{}-{}", s.buyer, q.month),
    ))
}
