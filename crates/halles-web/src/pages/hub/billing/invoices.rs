//! The invoices a hub issued or a buyer received, each as a PDF; issuing one by hand.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::pages::hub::fulfilment::{back_with, pdf};
use crate::pages::paths;
use crate::security::CsrfForm;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use halles_store::hub::billing::invoices::Invoice;
use serde::Deserialize;

/// Invoices a page.
const PAGE: i64 = 200;

#[derive(Template)]
#[template(path = "invoices.html")]
struct InvoicesPage {
    page: Ctx,
    invoices: Vec<Invoice>,
    issued: bool,
    balances: std::collections::HashMap<
        halles_core::InvoiceId,
        halles_store::hub::billing::receivables::Receivable,
    >,
}

impl InvoicesPage {
    /// What is left to pay on an invoice, and its status's message key.
    fn balance(&self, i: &Invoice) -> (halles_core::money::Cents, &'static str) {
        match self.balances.get(&i.id) {
            Some(r) => (r.balance(), super::receivables::status_key(r.status)),
            None => (i.total, "invoice-status-unpaid"),
        }
    }
}

/// The invoices the organization issued (a hub) or received (a buyer), newest first.
pub async fn list(
    _: paths::Invoices,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let invoices = state.store.invoices(&m.scope, None, PAGE).await?;
    let issued = m.org.kind == halles_core::organizations::OrgKind::Hub;
    let balances = state
        .store
        .receivables(&m.scope, None)
        .await?
        .into_iter()
        .map(|r| (r.invoice, r))
        .collect();
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &InvoicesPage {
            page: m.ctx,
            invoices,
            issued,
            balances,
        },
        lang,
    ))
}

/// An invoice as a PDF, in the buyer's language, for the hub or the buyer.
pub async fn download(
    paths::InvoicePdf(_, id): paths::InvoicePdf,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let inv = state.store.invoice(&m.scope, id).await?;
    let bytes = super::invoice_pdf(&inv).map_err(|e| PageError::internal(m.ctx.i18n.lang, e))?;
    Ok(pdf(bytes, &inv.invoice.number))
}

/// Nothing but the CSRF field.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

/// Issues the invoice of a delivered order by hand, back to its page.
pub async fn issue(
    paths::IssueInvoice(org, order): paths::IssueInvoice,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let outcome = state
        .store
        .issue_invoice(&hs, order)
        .await
        .map(|_| "flash-invoice-issued".to_owned());
    back_with(&state, outcome, &paths::Order(org, org, order).to_string())
}
