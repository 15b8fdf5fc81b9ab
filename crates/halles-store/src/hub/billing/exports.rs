//! What the accounting exports read: a hub's issued invoices with their lines, by invoice
//! date.

use crate::hub::HubScope;
use crate::hub::billing::invoices::IssuedInvoice;
use crate::{Store, StoreError, StoreResult};
use halles_core::InvoiceId;
use halles_core::refusals::Refusal;
use jiff::civil::Date;

/// The longest range an export covers, in days.
pub const RANGE_MAX_DAYS: i32 = 366;
/// The most invoices an export holds.
pub const INVOICES_MAX: i64 = 5_000;

impl Store {
    /// The hub's invoices dated from `from` to `to` (both included, at most
    /// [`RANGE_MAX_DAYS`] days, at most [`INVOICES_MAX`] invoices), oldest first, with their
    /// lines: `period_invalid` for a range the wrong way round or too long, `too_many_rows`
    /// beyond the maximum.
    pub async fn invoices_dated(
        &self,
        hs: &HubScope,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<IssuedInvoice>> {
        let hub = hs.own()?.hub();
        let days = (to - from).get_days();
        if to < from || days >= RANGE_MAX_DAYS {
            return Err(StoreError::Refused(Refusal::PeriodInvalid));
        }
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM invoices WHERE organization_id = $1 AND invoice_date >= $2 AND invoice_date <= $3 \
             ORDER BY invoice_date, id LIMIT $4",
        )
        .bind(hub.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(INVOICES_MAX + 1)
        .fetch_all(&self.pool)
        .await?;
        if i64::try_from(ids.len()).unwrap_or(i64::MAX) > INVOICES_MAX {
            return Err(StoreError::Refused(Refusal::ExportTooLarge));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.invoice(hs.tenant(), InvoiceId(id)).await?);
        }
        Ok(out)
    }
}
