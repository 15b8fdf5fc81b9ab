//! Billing pages: the hub's billing settings (`settings`), the invoices a hub issued or a
//! buyer received, each downloadable as a PDF (`invoices`), and the printed invoice itself
//! (`document`), which the API prints too.

pub mod document;
pub mod invoices;
pub mod settings;

use crate::pages::Routes;

use halles_store::hub::billing::invoices::IssuedInvoice;

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
}
