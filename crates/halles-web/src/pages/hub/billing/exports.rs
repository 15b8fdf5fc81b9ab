//! Invoices for accounting: each one as UBL 2.1 XML (EN 16931), for the hub that issued it
//! or the buyer that received it.

use crate::AppState;
use crate::ctx::Member;
use crate::errors::PageError;
use crate::pages::paths;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

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
