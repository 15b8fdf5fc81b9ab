//! Delivers one outbox message: by SMTP when configured, otherwise it is `kept` in the outbox.

use super::{BackgroundJob, JobContext, JobError};
use halles_store::platform::email::{SEND_EMAIL_JOB, SendEmail};

impl BackgroundJob for SendEmail {
    const NAME: &'static str = SEND_EMAIL_JOB;

    async fn run(&self, ctx: &JobContext<'_>) -> Result<(), JobError> {
        let (store, id) = (ctx.store, self.email_id);
        let email = store.email(id).await?;
        if !ctx.mailer.sends() {
            return Ok(store.mark_email(id, "kept", None).await?);
        }
        match ctx
            .mailer
            .send(&email.to, &email.subject, &email.body)
            .await
        {
            Ok(()) => Ok(store.mark_email(id, "sent", None).await?),
            Err(e) => {
                let message = e.to_string();
                let status = if ctx.job.attempts >= ctx.job.max_attempts {
                    "failed"
                } else {
                    "queued"
                };
                if let Err(e) = store.mark_email(id, status, Some(&message)).await {
                    tracing::warn!(email = %id, error = %e, "could not record a delivery failure");
                }
                Err(JobError::Failed(message))
            }
        }
    }
}
