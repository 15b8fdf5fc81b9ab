//! Hands one domain event to every subscriber, then marks it delivered. Each subscriber's
//! output is written once (see `Store::queue_event_emails`), so a retry after a failure
//! repeats only what did not happen.

use super::{BackgroundJob, JobContext, JobError};
use halles_store::platform::events::{DELIVER_EVENT_JOB, DeliverEvent, StoredEvent};

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
    async fn deliver(self, ctx: &JobContext<'_>, event: &StoredEvent) -> Result<(), JobError> {
        match self {
            Subscriber::Email => {
                let emails =
                    halles_web::mail::for_event(ctx.store, ctx.base_url, &event.event).await?;
                if !emails.is_empty() {
                    ctx.store
                        .queue_event_emails(event.id, self.name(), &emails)
                        .await?;
                }
                Ok(())
            }
        }
    }
}

impl BackgroundJob for DeliverEvent {
    const NAME: &'static str = DELIVER_EVENT_JOB;

    async fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let event = ctx.store.event(self.event_id).await?;
        for subscriber in SUBSCRIBERS {
            subscriber.deliver(ctx, &event).await?;
        }
        ctx.store.mark_event_delivered(event.id).await?;
        Ok(())
    }
}
