//! Invoices for accounting: each one as UBL 2.1 XML (EN 16931), for the hub that issued it
//! or the buyer that received it; a hub's invoices of a date range as the CSV QuickBooks
//! Online's invoice import reads (its default column names, so it maps them itself); and its
//! journal of a date range in the layout of QuickBooks Online's journal-entry import, which
//! any accounting software reads as a generic journal.

use crate::AppState;
use crate::ctx::Member;
use crate::errors::PageError;
use crate::pages::paths;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use halles_core::accounts::Lang;
use halles_core::money::Cents;
use halles_core::taxes::TaxClass;
use halles_docs::Table;
use halles_store::hub::billing::exports::{EntryKind, Journal};
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

/// A credit note as a UBL 2.1 `CreditNote`.
pub async fn credit_note_ubl(
    paths::CreditNoteUbl(_, id): paths::CreditNoteUbl,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let cn = state.store.credit_note(&m.scope, id).await?;
    let bytes =
        super::ubl::credit_note_ubl(&cn).map_err(|e| PageError::internal(m.ctx.i18n.lang, e))?;
    Ok(xml_download(bytes, &cn.note.number))
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

/// The columns of QuickBooks Online's journal-entry import: the lines of one entry share
/// its number, each line a debit or a credit.
pub const JOURNAL_COLUMNS: [&str; 7] = [
    "Journal No",
    "Journal Date",
    "Account",
    "Debits",
    "Credits",
    "Description",
    "Name",
];

/// What an entry is, in a language.
fn entry_label(kind: EntryKind, lang: Lang) -> &'static str {
    match kind {
        EntryKind::Invoice => lang.pick("Facture", "Invoice"),
        EntryKind::CreditNote => lang.pick("Note de crédit", "Credit note"),
        EntryKind::Payment => lang.pick("Paiement", "Payment"),
        EntryKind::PaymentVoid => lang.pick("Paiement annulé", "Payment voided"),
        EntryKind::ProducerStatement => lang.pick("Relevé producteur", "Producer statement"),
        EntryKind::Payout => lang.pick("Versement producteur", "Producer payout"),
    }
}

/// The journal as a CSV: one row per posting, debits and credits as positive amounts in
/// their own column, the entry's number on each of its rows.
pub fn journal_csv(j: &Journal, lang: Lang) -> Table {
    let mut t = Table::new(JOURNAL_COLUMNS.iter().map(|c| (*c).to_owned()).collect());
    for e in &j.entries {
        let mut description = format!("{} {}", entry_label(e.kind, lang), e.number);
        if !e.reference.is_empty() {
            description.push_str(&format!(" ({})", e.reference));
        }
        for p in &e.postings {
            let (debit, credit) = if p.amount.0 > 0 {
                (super::ubl::dec(p.amount), String::new())
            } else {
                (String::new(), super::ubl::dec(Cents(-p.amount.0)))
            };
            t.push(vec![
                e.number.clone(),
                e.on.to_string(),
                j.account(p.account).to_owned(),
                debit,
                credit,
                description.clone(),
                e.name.clone(),
            ]);
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

/// The range typed, or the page of `period_invalid`.
fn range_of(q: &RangeQuery, lang: Lang) -> Result<(Date, Date), PageError> {
    match (q.du.trim().parse(), q.au.trim().parse()) {
        (Ok(f), Ok(t)) => Ok((f, t)),
        _ => Err(PageError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            "err-period_invalid",
        )),
    }
}

/// An export's refusal (a range too long, too many documents) as a 422 page.
fn export_refused<T>(r: Result<T, halles_store::StoreError>, lang: Lang) -> Result<T, PageError> {
    match r {
        Err(halles_store::StoreError::Refused(r)) => {
            let key = if r == halles_core::refusals::Refusal::ExportTooLarge {
                "err-export_too_large"
            } else {
                "err-period_invalid"
            };
            Err(PageError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                key,
            ))
        }
        other => Ok(other?),
    }
}

/// A table as a CSV download, or the error page.
fn csv_page(table: Table, lang: Lang, name: &str) -> Result<Response, PageError> {
    let bytes = table.to_csv().map_err(|e| PageError::internal(lang, e))?;
    Ok(csv_download(bytes, name))
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
    let (from, to) = range_of(&q, lang)?;
    let invoices = export_refused(state.store.invoices_dated(&hs, from, to).await, lang)?;
    csv_page(
        quickbooks_csv(&invoices),
        lang,
        &format!("factures-quickbooks-{from}-{to}"),
    )
}

/// The hub's journal of a date range as a CSV (QuickBooks Online's journal-entry layout).
pub async fn journal(
    _: paths::JournalExport,
    State(state): State<AppState>,
    m: Member<crate::ctx::StaffRole>,
    Query(q): Query<RangeQuery>,
) -> Result<Response, PageError> {
    let lang = m.ctx.i18n.lang;
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let (from, to) = range_of(&q, lang)?;
    let j = export_refused(state.store.journal(&hs, from, to).await, lang)?;
    csv_page(journal_csv(&j, lang), lang, &format!("journal-{from}-{to}"))
}
