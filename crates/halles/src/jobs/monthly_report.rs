//! The monthly report of a coupon program: from the 1st, the worker's on-time tick finds the
//! programs whose report of last month has recipients and has not gone out
//! ([`enqueue_due`]) and enqueues one job each, de-duplicated by program and month; the job
//! writes the e-mails and claims the month in one transaction (`Store::send_monthly_report`),
//! so each report goes out once, across restarts and several workers.

use super::{BackgroundJob, JobContext, JobError};
use halles_core::{OrgId, ProgramId};
use halles_store::Store;
use halles_store::coupons::DueMonthlyReport;
use halles_store::platform::jobs::NewJob;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Sends a program's report of one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMonthlyReport {
    /// The program.
    pub program: ProgramId,
    /// Its operator.
    pub operator: OrgId,
    /// The first day of the month reported.
    pub month: Date,
}

impl BackgroundJob for SendMonthlyReport {
    const NAME: &'static str = "coupon_monthly_report";

    async fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let due = DueMonthlyReport {
            program: self.program,
            operator: self.operator,
            month: self.month,
        };
        let emails = halles_web::mail::monthly_report(ctx.store, ctx.base_url, &due).await?;
        ctx.store.send_monthly_report(&due, &emails).await?;
        Ok(())
    }
}

/// Enqueues the reports due today, once each; answers how many were new.
pub async fn enqueue_due(store: &Store) -> Result<usize, JobError> {
    let today = halles_core::coupons::local_date(store.now());
    let mut queued = 0;
    for due in store.due_monthly_reports(today).await? {
        let job = SendMonthlyReport {
            program: due.program,
            operator: due.operator,
            month: due.month,
        };
        let new = NewJob {
            kind: SendMonthlyReport::NAME,
            payload: serde_json::to_string(&job)?,
            org: Some(due.operator),
            run_at: store.now(),
            max_attempts: 8,
            dedupe_key: Some(format!(
                "{}:{}:{}",
                SendMonthlyReport::NAME,
                due.program,
                due.month
            )),
        };
        if store.enqueue_job(new).await?.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}
