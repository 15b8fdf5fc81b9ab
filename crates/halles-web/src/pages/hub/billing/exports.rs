//! Invoices for accounting: each one as UBL 2.1 XML (EN 16931), for the hub that issued it
//! or the buyer that received it; a hub's invoices of a date range as the CSV QuickBooks
//! Online's invoice import reads (its default column names, so it maps them itself).

use crate::AppState;
use crate::ctx::Member;
use crate::errors::PageError;
use crate::pages::paths;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use halles_core::accounts::Lang;
use halles_core::taxes::TaxClass;
use halles_docs::Table;
use halles_store::hub::billing::invoices::IssuedInvoice;
use jiff::civil::Date;
use serde::Deserialize;

/// The invoice's UBL as a download (`application/xml`).
pub fn xml_download(bytes: Vec<u8>, number: &str) -> Response {
    (
        [
            (CONTENT_TYPE, "application/xml".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{number}.xml\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// An invoice as UBL 2.1 XML.
pub async fn invoice_ubl(
    paths::InvoiceUbl(_, id): paths::InvoiceUbl,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let inv = state.store.invoice(&m.scope, id).await?;
    let bytes =
        super::ubl::invoice_ubl(&inv).map_err(|e| PageError::internal(m.ctx.i18n.lang, e))?;
    Ok(xml_download(bytes, &inv.invoice.number))
}

/// QuickBooks Online's default invoice-import columns (Canada): one row per line, the
/// invoice's fields repeated on each.
pub const QBO_COLUMNS: [&str; 13] = [
    "Invoice number",
    "Customer",
    "Invoice date",
    "Due date",
    "Terms",
    "Memo",
    "Item(Product/Service)",
    "Item Description",
    "Item Quantity",
    "Item Rate",
    "Item Amount",
    "Item tax code",
    "Service Date",
];

/// QuickBooks Online's default Canadian tax code for a line's GST and QST statuses (a hub
/// whose company file names them otherwise maps them at import).
fn qbo_tax_code(registered: bool, gst: TaxClass, qst: TaxClass) -> &'static str {
    use TaxClass::{Exempt, Taxable};
    match (registered, gst, qst) {
        (false, _, _) => "Out of Scope",
        (true, Taxable, Taxable) => "GST/QST QC - 9.975",
        (true, Taxable, _) => "GST",
        (true, _, Taxable) => "QST QC - 9.975",
        (true, Exempt, Exempt) => "Exempt",
        _ => "Zero-rated",
    }
}

/// QuickBooks Online's name of payment terms.
fn qbo_terms(t: halles_core::billing::PaymentTerms) -> &'static str {
    use halles_core::billing::PaymentTerms::*;
    match t {
        OnReceipt => "Due on receipt",
        Net15 => "Net 15",
        Net30 => "Net 30",
    }
}

/// The invoices as QuickBooks Online's invoice import reads them: each line at its amount
/// (a catch-weight line in kilograms at its price per kilogram), then the delivery fee split
/// by the GST it bore. QuickBooks computes the taxes again from the codes; see
/// docs/ARCHITECTURE.md for the cent this can differ by.
pub fn quickbooks_csv(invoices: &[IssuedInvoice]) -> Table {
    let mut t = Table::new(QBO_COLUMNS.iter().map(|c| (*c).to_owned()).collect());
    for inv in invoices {
        let i = &inv.invoice;
        let lang: Lang = i.lang;
        let head =
            |item: String, desc: String, qty: String, rate: String, amount: String, code: &str| {
                vec![
                    i.number.clone(),
                    i.buyer_name.clone(),
                    i.invoice_date.to_string(),
                    i.due_date.to_string(),
                    qbo_terms(i.payment_terms).to_owned(),
                    if i.po_number.is_empty() {
                        String::new()
                    } else {
                        format!("PO {}", i.po_number)
                    },
                    item,
                    desc,
                    qty,
                    rate,
                    amount,
                    code.to_owned(),
                    i.delivery_date.to_string(),
                ]
            };
        for l in &inv.lines {
            let (q, rate) = match (l.weight_g, l.kg_price) {
                (Some(g), Some(k)) => (
                    format!("{}", halles_core::quantity::Qty(g)),
                    super::ubl::dec(k),
                ),
                _ => (l.quantity.to_string(), super::ubl::dec(l.unit_price)),
            };
            let mut desc = format!("{} ({})", l.name(lang), l.producer_name);
            if let Some(r) = l.substitute_for(lang) {
                desc.push_str(&format!(" · {} {r}", lang.pick("remplace", "replaces")));
            }
            t.push(head(
                l.name(lang).to_owned(),
                desc,
                q,
                rate,
                super::ubl::dec(l.amount),
                qbo_tax_code(i.registered, l.codes.gst, l.codes.qst),
            ));
        }
        let fee = lang.pick("Livraison", "Delivery");
        let parts = if i.registered {
            let (taxed, rest) = super::ubl::delivery_split(inv);
            vec![(taxed, "GST/QST QC - 9.975"), (rest, "Zero-rated")]
        } else {
            vec![(i.delivery, "Out of Scope")]
        };
        for (amount, code) in parts.into_iter().filter(|(a, _)| a.0 > 0) {
            let a = super::ubl::dec(amount);
            t.push(head(
                fee.to_owned(),
                fee.to_owned(),
                "1".into(),
                a.clone(),
                a,
                code,
            ));
        }
    }
    t
}

/// A date range typed as `du` and `au` (ISO dates).
#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    du: String,
    #[serde(default)]
    au: String,
}

/// A CSV download.
pub fn csv_download(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The hub's invoices of a date range as QuickBooks Online's import CSV.
pub async fn quickbooks(
    _: paths::InvoicesQuickBooks,
    State(state): State<AppState>,
    m: Member<crate::ctx::StaffRole>,
    Query(q): Query<RangeQuery>,
) -> Result<Response, PageError> {
    let lang = m.ctx.i18n.lang;
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let (from, to): (Date, Date) = match (q.du.trim().parse(), q.au.trim().parse()) {
        (Ok(f), Ok(t)) => (f, t),
        _ => {
            return Err(PageError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                "err-period_invalid",
            ));
        }
    };
    let invoices = match state.store.invoices_dated(&hs, from, to).await {
        Err(halles_store::StoreError::Refused(r)) => {
            let key = if r == halles_core::refusals::Refusal::ExportTooLarge {
                "err-export_too_large"
            } else {
                "err-period_invalid"
            };
            return Err(PageError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                key,
            ));
        }
        other => other?,
    };
    let bytes = quickbooks_csv(&invoices)
        .to_csv()
        .map_err(|e| PageError::internal(lang, e))?;
    Ok(csv_download(
        bytes,
        &format!("factures-quickbooks-{from}-{to}"),
    ))
}
