//! The reminder to a producer that posted nothing as a cycle's cut-off nears (its hub's
//! reminder time before it, 24 hours unless the hub chose otherwise). The worker's on-time
//! tick finds the reminders due ([`enqueue_due`]) and enqueues one job each, de-duplicated by
//! hub, cycle and producer; the job writes the e-mails and claims the reminder in one
//! transaction (`Store::send_reminder`), so each producer is reminded once per cycle, even
//! with several workers.

use super::{BackgroundJob, JobContext, JobError};
use halles_core::{CycleId, OrgId};
use halles_store::Store;
use halles_store::hub::availability::DueReminder;
use halles_store::platform::jobs::NewJob;
use serde::{Deserialize, Serialize};

/// Reminds one producer of one cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindProducer {
    /// The hub.
    pub hub: OrgId,
    /// The cycle.
    pub cycle: CycleId,
    /// The producer.
    pub producer: OrgId,
}

impl BackgroundJob for RemindProducer {
    const NAME: &'static str = "availability_reminder";

    async fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let due = DueReminder {
            hub: self.hub,
            cycle: self.cycle,
            producer: self.producer,
        };
        let emails = halles_web::mail::availability_reminder(ctx.store, ctx.base_url, due).await?;
        ctx.store.send_reminder(due, &emails).await?;
        Ok(())
    }
}

/// Enqueues the reminders due now, once each; answers how many were new.
pub async fn enqueue_due(store: &Store) -> Result<usize, JobError> {
    let mut queued = 0;
    for due in store.due_reminders().await? {
        let job = RemindProducer {
            hub: due.hub,
            cycle: due.cycle,
            producer: due.producer,
        };
        let new = NewJob {
            kind: RemindProducer::NAME,
            payload: serde_json::to_string(&job)?,
            org: Some(due.hub),
            run_at: store.now(),
            max_attempts: 8,
            dedupe_key: Some(format!(
                "{}:{}:{}:{}",
                RemindProducer::NAME,
                due.hub,
                due.cycle,
                due.producer
            )),
        };
        if store.enqueue_job(new).await?.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}
