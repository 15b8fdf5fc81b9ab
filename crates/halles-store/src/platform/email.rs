//! The e-mail outbox. Every message is stored first, then sent by a job when SMTP is configured;
//! without SMTP (and in demo mode) it stays in the outbox, readable by platform administrators.

use crate::db::{ms, ts, ts_opt};
use crate::platform::jobs::NewJob;
use crate::{Store, StoreResult};
use halles_core::{EmailId, OrgId};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

/// The job kind that delivers one outbox message.
pub const SEND_EMAIL_JOB: &str = "send_email";

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
        })
    }
}

const COLUMNS: &str =
    "id, organization_id, to_address, subject, body_text, status, error, created_at, sent_at";

impl Store {
    /// Writes a message to the outbox and enqueues its delivery, in one transaction.
    pub async fn queue_email(
        &self,
        org: Option<OrgId>,
        to: &str,
        subject: &str,
        body: &str,
    ) -> StoreResult<EmailId> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO emails (organization_id, to_address, subject, body_text, status, created_at) \
             VALUES ($1, $2, $3, $4, 'queued', $5) RETURNING id",
        )
        .bind(org.map(|o| o.0))
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let id = EmailId(row.try_get("id")?);
        self.enqueue_job_on(
            &mut tx,
            NewJob {
                kind: SEND_EMAIL_JOB,
                payload: json!({"email_id": id}).to_string(),
                org,
                run_at: now,
                max_attempts: 8,
                dedupe_key: Some(format!("email:{id}")),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
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
