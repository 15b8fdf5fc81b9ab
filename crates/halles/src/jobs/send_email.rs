//! Delivers one outbox message: by SMTP (or into a folder) when configured, otherwise it is
//! `kept` in the outbox. A message that carries a document has it rendered now, from the
//! reference the outbox keeps ([`halles_web::mail::attachment_pdf`]).

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
        let attachment = match email.attachment {
            None => Ok(None),
            Some(a) => halles_web::mail::attachment_pdf(store, a).await.map(Some),
        };
        let outcome = match attachment {
            Ok(attachment) => ctx
                .mailer
                .send(&email.to, &email.subject, &email.body, attachment)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match outcome {
            Ok(()) => Ok(store.mark_email(id, "sent", None).await?),
            Err(message) => {
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
