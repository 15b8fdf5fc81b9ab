//! The background job queue: a table both databases share.
//!
//! A worker claims one due job with a conditional update (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, so several workers never wait on each other; SQLite has a single writer).
//! A claimed job carries a lease: if the worker dies, the job becomes due again when the lease
//! ends. Failures are retried with exponential back-off, then kept as `failed` for people to see.

use crate::db::{ms, ts, ts_opt};
use crate::{Backend, Store, StoreResult};
use halles_core::{JobId, OrgId};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// How long a claimed job is reserved for its worker.
pub const LEASE_SECONDS: i64 = 300;

/// A job as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// What to do: the name of a typed job, such as `send_email`.
    pub kind: String,
    /// Its arguments, JSON.
    pub payload: String,
    /// The organization concerned, if any.
    pub org: Option<OrgId>,
    /// `pending`, `running`, `done` or `failed`.
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// When it is due.
    pub run_at: Timestamp,
    /// The last error, if one.
    pub last_error: Option<String>,
    /// When created.
    pub created_at: Timestamp,
    /// When finished (done or failed for good).
    pub finished_at: Option<Timestamp>,
}

impl Job {
    fn from_row(r: &AnyRow) -> StoreResult<Self> {
        Ok(Job {
            id: JobId(r.try_get("id")?),
            kind: r.try_get("kind")?,
            payload: r.try_get("payload")?,
            org: r.try_get::<Option<i64>, _>("organization_id")?.map(OrgId),
            status: r.try_get("status")?,
            attempts: r.try_get("attempts")?,
            max_attempts: r.try_get("max_attempts")?,
            run_at: ts(r, "run_at")?,
            last_error: r.try_get("last_error")?,
            created_at: ts(r, "created_at")?,
            finished_at: ts_opt(r, "finished_at")?,
        })
    }
}

const COLUMNS: &str = "id, kind, payload, organization_id, status, attempts, max_attempts, \
                       run_at, last_error, created_at, finished_at";

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    /// What to do.
    pub kind: &'a str,
    /// Arguments, JSON.
    pub payload: String,
    /// The organization concerned.
    pub org: Option<OrgId>,
    /// When it is due.
    pub run_at: Timestamp,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// A key that makes a second enqueue of the same work a no-op.
    pub dedupe_key: Option<String>,
}

/// The delay before retry number `attempt` (1-based): 30 s, 1 min, 2 min... at most 6 h.
pub fn backoff(attempt: i64) -> SignedDuration {
    let secs = 30i64.saturating_mul(1i64 << attempt.clamp(1, 20).saturating_sub(1));
    SignedDuration::from_secs(secs.min(6 * 3600))
}

/// Enqueues a job on a connection (inside the caller's transaction), created at `now`.
/// Returns `None` when a job with the same de-duplication key exists.
pub async fn enqueue_on(
    conn: &mut sqlx::AnyConnection,
    job: NewJob<'_>,
    now: Timestamp,
) -> StoreResult<Option<JobId>> {
    let row = sqlx::query(
        "INSERT INTO jobs (kind, payload, organization_id, status, max_attempts, run_at, \
         dedupe_key, created_at) VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7) \
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(job.kind)
    .bind(job.payload)
    .bind(job.org.map(|o| o.0))
    .bind(job.max_attempts)
    .bind(ms(job.run_at))
    .bind(job.dedupe_key)
    .bind(ms(now))
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.try_get("id").map(JobId)).transpose()?)
}

impl Store {
    /// Enqueues a job on a connection (inside the caller's transaction).
    /// Returns `None` when a job with the same de-duplication key exists.
    pub async fn enqueue_job_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        job: NewJob<'_>,
    ) -> StoreResult<Option<JobId>> {
        enqueue_on(conn, job, self.now()).await
    }

    /// Enqueues a job.
    pub async fn enqueue_job(&self, job: NewJob<'_>) -> StoreResult<Option<JobId>> {
        let mut conn = self.pool.acquire().await?;
        self.enqueue_job_on(&mut conn, job).await
    }

    /// Claims the next due job, if any, for one lease.
    pub async fn claim_job(&self) -> StoreResult<Option<Job>> {
        let now = self.now();
        let lock = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $1 \
             WHERE id = (SELECT id FROM jobs WHERE run_at <= $2 AND \
               (status = 'pending' OR (status = 'running' AND locked_until < $2)) \
               ORDER BY run_at, id LIMIT 1 {lock}) \
             AND (status = 'pending' OR (status = 'running' AND locked_until < $2)) \
             RETURNING {COLUMNS}"
        ))
        .bind(ms(now + SignedDuration::from_secs(LEASE_SECONDS)))
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(Job::from_row).transpose()
    }

    /// Marks a claimed job done.
    pub async fn complete_job(&self, id: JobId) -> StoreResult<()> {
        sqlx::query(
            "UPDATE jobs SET status = 'done', finished_at = $1, locked_until = NULL WHERE id = $2",
        )
        .bind(ms(self.now()))
        .bind(id.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failure: retried later with back-off, or failed for good after the last attempt.
    pub async fn fail_job(&self, job: &Job, error: &str) -> StoreResult<()> {
        let now = self.now();
        if job.attempts >= job.max_attempts {
            sqlx::query(
                "UPDATE jobs SET status = 'failed', last_error = $1, finished_at = $2, \
                 locked_until = NULL WHERE id = $3",
            )
            .bind(error)
            .bind(ms(now))
            .bind(job.id.0)
            .execute(&self.pool)
            .await?;
        } else {
            sqlx::query(
                "UPDATE jobs SET status = 'pending', last_error = $1, run_at = $2, \
                 locked_until = NULL WHERE id = $3",
            )
            .bind(error)
            .bind(ms(now + backoff(job.attempts)))
            .bind(job.id.0)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// Puts a failed job back in the queue, due now, with its attempts reset (platform admin).
    pub async fn retry_job(&self, id: JobId) -> StoreResult<()> {
        sqlx::query(
            "UPDATE jobs SET status = 'pending', attempts = 0, run_at = $1, finished_at = NULL \
             WHERE id = $2 AND status = 'failed'",
        )
        .bind(ms(self.now()))
        .bind(id.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Recent jobs, newest first, optionally only one status.
    pub async fn jobs(&self, status: Option<&str>, limit: i64) -> StoreResult<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM jobs WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC LIMIT $2"
        ))
        .bind(status)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Job::from_row).collect()
    }

    /// Jobs per status, for the metrics page.
    pub async fn job_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn back_off_doubles_and_is_capped() {
        assert_eq!(backoff(1).as_secs(), 30);
        assert_eq!(backoff(2).as_secs(), 60);
        assert_eq!(backoff(3).as_secs(), 120);
        assert_eq!(backoff(30).as_secs(), 6 * 3600);
    }
}
