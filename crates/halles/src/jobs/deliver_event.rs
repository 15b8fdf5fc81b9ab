//! Delivers domain events to every subscriber, then marks them delivered: in batches by the
//! worker's poll ([`deliver_pending`]), or one by one by the [`DELIVER_EVENT_JOB`] job of an
//! event whose delivery failed. Each subscriber's output is written once (see
//! `Store::queue_event_emails`), so a repeated delivery writes only what did not happen.

use super::{BackgroundJob, JobContext, JobError};
use halles_store::Store;
use halles_store::platform::events::{
    DELIVER_EVENT_JOB, DELIVERY_BATCH, DeliverEvent, StoredEvent,
};

/// Who hears about events. Webhooks come next: one variant and its arm in `deliver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subscriber {
    /// The e-mails an event asks for (`halles_web::mail::for_event`), written to the outbox.
    Email,
}

/// Every subscriber, in delivery order.
pub const SUBSCRIBERS: &[Subscriber] = &[Subscriber::Email];

impl Subscriber {
    /// Its stable name, kept with each delivery.
    pub fn name(self) -> &'static str {
        match self {
            Subscriber::Email => "email",
        }
    }

    /// Delivers one event.
    async fn deliver(
        self,
        store: &Store,
        base_url: &str,
        event: &StoredEvent,
    ) -> Result<(), JobError> {
        match self {
            Subscriber::Email => {
                let emails = halles_web::mail::for_event(store, base_url, &event.event).await?;
                if !emails.is_empty() {
                    store
                        .queue_event_emails(event.id, self.name(), &emails)
                        .await?;
                }
                Ok(())
            }
        }
    }
}

/// Hands one event to every subscriber.
async fn deliver(store: &Store, base_url: &str, event: &StoredEvent) -> Result<(), JobError> {
    for subscriber in SUBSCRIBERS {
        subscriber.deliver(store, base_url, event).await?;
    }
    Ok(())
}

/// Delivers the oldest undelivered events, in id order, one batch of at most
/// [`DELIVERY_BATCH`], and marks the batch delivered. An event whose delivery fails is handed
/// to its own job and the others go on. Answers how many events it took (0: none was waiting).
pub async fn deliver_pending(store: &Store, base_url: &str) -> Result<usize, JobError> {
    let batch = store.undelivered_events(DELIVERY_BATCH).await?;
    let taken = batch.len();
    let mut delivered = Vec::with_capacity(taken);
    for event in batch {
        match deliver(store, base_url, &event).await {
            Ok(()) => delivered.push(event),
            Err(e) => {
                tracing::warn!(event = %event.id, error = %e, "event delivery failed; a job retries it");
                store.defer_event_delivery(&event).await?;
            }
        }
    }
    store.mark_events_delivered(&delivered).await?;
    Ok(taken)
}

impl BackgroundJob for DeliverEvent {
    const NAME: &'static str = DELIVER_EVENT_JOB;

    async fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let event = ctx.store.event(self.event_id).await?;
        if event.delivered_at.is_none() {
            deliver(ctx.store, ctx.base_url, &event).await?;
            ctx.store.mark_events_delivered(&[event]).await?;
        }
        Ok(())
    }
}
