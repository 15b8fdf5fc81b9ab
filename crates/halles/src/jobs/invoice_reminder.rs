//! The reminder of an overdue invoice: the worker's on-time tick finds the reminders due
//! ([`enqueue_due`]: one per invoice and week overdue, for invoices with something left to pay,
//! of buyers whose hub did not switch them off) and enqueues one job each, de-duplicated by
//! hub, invoice and week; the job writes the e-mails and claims the reminder in one transaction
//! (`Store::send_invoice_reminder`), so each goes out once, even with several workers.

use super::{BackgroundJob, JobContext, JobError};
use halles_core::{InvoiceId, OrgId};
use halles_store::Store;
use halles_store::hub::billing::receivables::DueInvoiceReminder;
use halles_store::platform::jobs::NewJob;
use serde::{Deserialize, Serialize};

/// Reminds a buyer of one overdue invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindInvoice {
    /// The hub.
    pub hub: OrgId,
    /// The buyer.
    pub buyer: OrgId,
    /// The invoice.
    pub invoice: InvoiceId,
    /// Which week overdue (0: the first).
    pub period: i64,
}

impl RemindInvoice {
    fn due(&self) -> DueInvoiceReminder {
        DueInvoiceReminder {
            hub: self.hub,
            buyer: self.buyer,
            invoice: self.invoice,
            period: self.period,
        }
    }
}

impl BackgroundJob for RemindInvoice {
    const NAME: &'static str = "invoice_reminder";

    async fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let emails =
            halles_web::mail::invoice_reminder(ctx.store, ctx.base_url, self.due()).await?;
        ctx.store.send_invoice_reminder(self.due(), &emails).await?;
        Ok(())
    }
}

/// Enqueues the reminders due now, once each; answers how many were new.
pub async fn enqueue_due(store: &Store) -> Result<usize, JobError> {
    let mut queued = 0;
    for due in store.due_invoice_reminders().await? {
        let job = RemindInvoice {
            hub: due.hub,
            buyer: due.buyer,
            invoice: due.invoice,
            period: due.period,
        };
        let new = NewJob {
            kind: RemindInvoice::NAME,
            payload: serde_json::to_string(&job)?,
            org: Some(due.hub),
            run_at: store.now(),
            max_attempts: 8,
            dedupe_key: Some(format!(
                "{}:{}:{}:{}",
                RemindInvoice::NAME,
                due.hub,
                due.invoice,
                due.period
            )),
        };
        if store.enqueue_job(new).await?.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}
