//! Billing pages: the hub's billing settings (`settings`), the invoices a hub issued or a
//! buyer received, each downloadable as a PDF (`invoices`), and the printed invoice itself
//! (`document`), which the API prints too.

pub mod document;
pub mod exports;
pub mod invoices;
pub mod settings;
pub mod statement_document;
pub mod statements;
pub mod ubl;

use crate::pages::Routes;

use halles_store::hub::billing::invoices::IssuedInvoice;
use halles_store::hub::billing::payouts::IssuedStatement;

/// A producer's statement as a PDF, in the producer's language.
pub fn statement_pdf(s: &IssuedStatement) -> Result<Vec<u8>, halles_docs::DocumentError> {
    halles_docs::document_pdf(&statement_document::statement_document(s))
}

/// The invoice as a PDF, in the buyer's language.
pub fn invoice_pdf(inv: &IssuedInvoice) -> Result<Vec<u8>, halles_docs::DocumentError> {
    halles_docs::document_pdf(&document::invoice_document(inv))
}

/// The billing pages.
pub fn routes(r: Routes) -> Routes {
    r.typed_get(settings::form)
        .typed_post(settings::save)
        .typed_get(invoices::list)
        .typed_get(invoices::download)
        .typed_post(invoices::issue)
        .typed_get(statements::list)
        .typed_post(statements::issue)
        .typed_post(statements::pay)
        .typed_get(statements::download)
        .typed_get(exports::invoice_ubl)
        .typed_get(exports::quickbooks)
}
