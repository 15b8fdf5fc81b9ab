//! Billing pages: the hub's billing settings (`settings`), the invoices a hub issued or a
//! buyer received, each downloadable as a PDF (`invoices`), and the printed invoice itself
//! (`document`), which the API prints too.

pub mod document;
pub mod exports;
pub mod invoices;
pub mod receivables;
pub mod settings;
pub mod statement_document;
pub mod statements;
pub mod ubl;

use crate::pages::Routes;

use halles_store::hub::billing::credit_notes::IssuedCreditNote;
use halles_store::hub::billing::invoices::IssuedInvoice;
use halles_store::hub::billing::payouts::IssuedStatement;
use halles_store::hub::billing::receivables::Statement;

/// A producer's statement as a PDF, in the producer's language.
pub fn producer_statement_pdf(s: &IssuedStatement) -> Result<Vec<u8>, halles_docs::DocumentError> {
    halles_docs::document_pdf(&statement_document::statement_document(s))
}

/// The invoice as a PDF, in the buyer's language.
pub fn invoice_pdf(inv: &IssuedInvoice) -> Result<Vec<u8>, halles_docs::DocumentError> {
    halles_docs::document_pdf(&document::invoice_document(inv))
}

/// The credit note as a PDF, in the buyer's language.
pub fn credit_note_pdf(cn: &IssuedCreditNote) -> Result<Vec<u8>, halles_docs::DocumentError> {
    halles_docs::document_pdf(&document::credit_note_document(cn))
}

/// The statement of account as a PDF, in the buyer's language.
pub fn statement_pdf(s: &Statement) -> Result<Vec<u8>, halles_docs::DocumentError> {
    halles_docs::document_pdf(&document::statement_document(s))
}

/// The billing pages.
pub fn routes(r: Routes) -> Routes {
    r.typed_get(settings::form)
        .typed_post(settings::save)
        .typed_get(invoices::list)
        .typed_get(invoices::download)
        .typed_post(invoices::issue)
        .typed_get(receivables::invoice)
        .typed_post(receivables::issue_credit_note)
        .typed_get(receivables::credit_notes)
        .typed_get(receivables::credit_note_pdf)
        .typed_get(receivables::payments)
        .typed_post(receivables::record_payment)
        .typed_get(receivables::aging)
        .typed_get(receivables::statement)
        .typed_get(receivables::statement_pdf)
        .typed_post(receivables::set_reminders)
        .typed_get(statements::list)
        .typed_post(statements::issue)
        .typed_post(statements::pay)
        .typed_get(statements::download)
        .typed_get(exports::invoice_ubl)
        .typed_get(exports::quickbooks)
        .typed_get(exports::journal)
        .typed_get(exports::credit_note_ubl)
        .typed_get(settings::accounts)
        .typed_post(settings::save_accounts)
        .typed_post(receivables::void_payment)
        .typed_post(receivables::apply_credit)
}
