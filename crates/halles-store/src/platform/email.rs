//! The e-mail outbox. Every message is stored first, then sent by a job when SMTP is configured;
//! without SMTP (and in demo mode) it stays in the outbox, readable by platform administrators.

use crate::db::{ms, ts, ts_opt};
use crate::platform::events::{self, EventId};
use crate::platform::jobs::{NewJob, enqueue_on};
use crate::{Store, StoreResult};
use halles_core::{CreditNoteId, EmailId, InvoiceId, OrgId, StatementId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

/// The job kind that delivers one outbox message.
pub const SEND_EMAIL_JOB: &str = "send_email";

/// A document a message carries as a PDF: a reference, read as `org` reads it and rendered
/// when the message is sent (the outbox stores this, not the PDF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Attachment {
    /// An invoice, read as its buyer (or its hub) reads it.
    Invoice {
        /// The organization that reads it.
        org: OrgId,
        /// The invoice.
        id: InvoiceId,
    },
    /// A credit note.
    CreditNote {
        /// The organization that reads it.
        org: OrgId,
        /// The credit note.
        id: CreditNoteId,
    },
    /// A producer's statement.
    ProducerStatement {
        /// The organization that reads it.
        org: OrgId,
        /// The statement.
        id: StatementId,
    },
}

/// A message in the outbox.
#[derive(Debug, Clone, Serialize)]
pub struct Email {
    /// Its id.
    pub id: EmailId,
    /// The organization it concerns.
    pub org: Option<OrgId>,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// `queued`, `sent`, `kept` (no SMTP) or `failed`.
    pub status: String,
    /// The last delivery error.
    pub error: Option<String>,
    /// When written.
    pub created_at: Timestamp,
    /// When delivered.
    pub sent_at: Option<Timestamp>,
    /// The document it carries as a PDF, rendered when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
}

impl Email {
    fn from_row(r: &AnyRow) -> StoreResult<Self> {
        Ok(Email {
            id: EmailId(r.try_get("id")?),
            org: r.try_get::<Option<i64>, _>("organization_id")?.map(OrgId),
            to: r.try_get("to_address")?,
            subject: r.try_get("subject")?,
            body: r.try_get("body_text")?,
            status: r.try_get("status")?,
            error: r.try_get("error")?,
            created_at: ts(r, "created_at")?,
            sent_at: ts_opt(r, "sent_at")?,
            attachment: r
                .try_get::<Option<String>, _>("attachment")?
                .map(|a| serde_json::from_str(&a))
                .transpose()
                .map_err(|_| crate::StoreError::Corrupt("emails.attachment"))?,
        })
    }
}

const COLUMNS: &str = "id, organization_id, to_address, subject, body_text, status, error, created_at, sent_at, attachment";

/// The payload of the [`SEND_EMAIL_JOB`] job: the outbox message to deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendEmail {
    /// The message.
    pub email_id: EmailId,
}

/// A message to write to the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// The organization it concerns.
    pub org: Option<OrgId>,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// The document it carries as a PDF.
    pub attachment: Option<Attachment>,
}

/// Writes one message and its delivery job on the caller's transaction.
pub(crate) async fn insert_email(
    conn: &mut sqlx::AnyConnection,
    email: &OutgoingEmail,
    now: Timestamp,
) -> StoreResult<EmailId> {
    let row = sqlx::query(
        "INSERT INTO emails (organization_id, to_address, subject, body_text, status, created_at, attachment) \
         VALUES ($1, $2, $3, $4, 'queued', $5, $6) RETURNING id",
    )
    .bind(email.org.map(|o| o.0))
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.body)
    .bind(ms(now))
    .bind(
        email
            .attachment
            .map(|a| serde_json::to_string(&a))
            .transpose()
            .map_err(|_| crate::StoreError::Corrupt("emails.attachment"))?,
    )
    .fetch_one(&mut *conn)
    .await?;
    let id = EmailId(row.try_get("id")?);
    enqueue_on(
        conn,
        NewJob {
            kind: SEND_EMAIL_JOB,
            payload: serde_json::to_string(&SendEmail { email_id: id })
                .map_err(|_| crate::StoreError::Corrupt("jobs.payload"))?,
            org: email.org,
            run_at: now,
            max_attempts: 8,
            dedupe_key: Some(format!("email:{id}")),
        },
        now,
    )
    .await?;
    Ok(id)
}

impl Store {
    /// Writes a message to the outbox and enqueues its delivery, in one transaction.
    pub async fn queue_email(
        &self,
        org: Option<OrgId>,
        to: &str,
        subject: &str,
        body: &str,
    ) -> StoreResult<EmailId> {
        let email = OutgoingEmail {
            org,
            to: to.to_owned(),
            subject: subject.to_owned(),
            body: body.to_owned(),
            attachment: None,
        };
        let mut tx = self.write_tx().await?;
        let id = insert_email(&mut tx, &email, self.now()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes the messages a subscriber made of an event, once: the subscriber's delivery of
    /// the event is claimed in the same transaction, so a retried delivery queues nothing
    /// twice. Returns whether they were written (false: delivered before).
    pub async fn queue_event_emails(
        &self,
        event: EventId,
        subscriber: &str,
        emails: &[OutgoingEmail],
    ) -> StoreResult<bool> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        if !events::claim_delivery(&mut tx, event, subscriber, now).await? {
            return Ok(false);
        }
        for email in emails {
            insert_email(&mut tx, email, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// One message.
    pub async fn email(&self, id: EmailId) -> StoreResult<Email> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM emails WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(crate::StoreError::NotFound)?;
        Email::from_row(&row)
    }

    /// Records the outcome of a delivery attempt: `sent`, `kept` or `failed`.
    pub async fn mark_email(
        &self,
        id: EmailId,
        status: &str,
        error: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE emails SET status = $1, error = $2, sent_at = $3 WHERE id = $4")
            .bind(status)
            .bind(error)
            .bind((status == "sent").then(|| ms(self.now())))
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The outbox, newest first, optionally for one recipient.
    pub async fn outbox(&self, to: Option<&str>, limit: i64) -> StoreResult<Vec<Email>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM emails WHERE ($1 IS NULL OR to_address = $1) \
             ORDER BY id DESC LIMIT $2"
        ))
        .bind(to)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Email::from_row).collect()
    }
}
