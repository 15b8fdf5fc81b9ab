//! Idempotency keys for API POSTs: the first response is kept and replayed for the same key.
//!
//! A claimed key without a response is a lease: `created_at` is when it was last claimed. A
//! server killed while handling the request (or a request cut by the server's timeout) leaves
//! its key without a response; once [`LEASE`] has passed, a retry of the same request claims it
//! again, atomically (a conditional `UPDATE`, so two retries never both win), instead of
//! answering "in progress" forever.

use crate::db::ms;
use crate::{Store, StoreError, StoreResult};
use halles_core::{OrgId, TokenId};
use sqlx::FromRow;

/// How long a claimed key without a response belongs to the request that claimed it. Longer
/// than the server's request timeout (30 s), so a key past its lease is held by no live request.
pub const LEASE: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);

/// What is stored for a claimed key.
#[derive(FromRow)]
pub(crate) struct KeyRow {
    pub(crate) request_hash: String,
    pub(crate) status_code: Option<i64>,
    pub(crate) content_type: Option<String>,
    pub(crate) response_body: Option<String>,
}

/// What a key's first use left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: the caller handles the request, then calls [`Store::finish_idempotent`].
    Fresh,
    /// The same request is being handled right now (claimed less than [`LEASE`] ago).
    InProgress,
    /// The key was used with a different request body.
    Mismatch,
    /// The stored first response: replay it.
    Replay {
        /// HTTP status.
        status: u16,
        /// Content type.
        content_type: String,
        /// Body.
        body: String,
    },
}

impl Store {
    /// Claims a key for a token (or claims again a key whose lease ran out without a response),
    /// or tells what its first use left.
    pub async fn claim_idempotency_key(
        &self,
        org: OrgId,
        token: TokenId,
        key: &str,
        request_hash: &str,
    ) -> StoreResult<Claim> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (organization_id, token_id, idem_key, request_hash, \
             created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(org.0)
        .bind(token.0)
        .bind(key)
        .bind(request_hash)
        .bind(ms(self.now()))
        .execute(self.writes())
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Claim::Fresh);
        }
        // The same request whose lease ran out (its server died): claim it again.
        let reclaimed = sqlx::query(
            "UPDATE idempotency_keys SET created_at = $1 WHERE organization_id = $2 \
             AND token_id = $3 AND idem_key = $4 AND request_hash = $5 \
             AND status_code IS NULL AND created_at <= $6",
        )
        .bind(ms(self.now()))
        .bind(org.0)
        .bind(token.0)
        .bind(key)
        .bind(request_hash)
        .bind(ms(self.now()) - LEASE.as_millis() as i64)
        .execute(self.writes())
        .await?
        .rows_affected();
        if reclaimed == 1 {
            return Ok(Claim::Fresh);
        }
        let row: KeyRow = sqlx::query_as(
            "SELECT request_hash, status_code, content_type, response_body FROM idempotency_keys \
             WHERE organization_id = $1 AND token_id = $2 AND idem_key = $3",
        )
        .bind(org.0)
        .bind(token.0)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        if row.request_hash != request_hash {
            return Ok(Claim::Mismatch);
        }
        Ok(match row.status_code {
            None => Claim::InProgress,
            Some(s) => Claim::Replay {
                status: u16::try_from(s).map_err(|_| StoreError::Corrupt("status_code"))?,
                content_type: row.content_type.unwrap_or_default(),
                body: row.response_body.unwrap_or_default(),
            },
        })
    }

    /// Stores the first response for a claimed key.
    pub async fn finish_idempotent(
        &self,
        org: OrgId,
        token: TokenId,
        key: &str,
        status: u16,
        content_type: &str,
        body: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET status_code = $1, content_type = $2, response_body = $3 \
             WHERE organization_id = $4 AND token_id = $5 AND idem_key = $6",
        )
        .bind(i64::from(status))
        .bind(content_type)
        .bind(body)
        .bind(org.0)
        .bind(token.0)
        .bind(key)
        .execute(self.writes())
        .await?;
        Ok(())
    }

    /// Releases a claimed key whose request failed on the server, so the client may retry.
    pub async fn release_idempotency_key(
        &self,
        org: OrgId,
        token: TokenId,
        key: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE organization_id = $1 AND token_id = $2 \
             AND idem_key = $3 AND status_code IS NULL",
        )
        .bind(org.0)
        .bind(token.0)
        .bind(key)
        .execute(self.writes())
        .await?;
        Ok(())
    }
}

/// A page form's one-time key (an idempotency key of no token, named after the form, the
/// person and the key the form carried), kept with its answer in the write's own transaction
/// by the writes that take one, so a form is written once or not at all: no key left claimed
/// without its write, nor a write without its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormKey {
    /// The organization the form acts for.
    pub org: OrgId,
    /// The key's name.
    pub name: String,
    /// The hash of what the form carried.
    pub request_hash: String,
}

impl FormKey {
    /// Keeps the key with the write's answer (`body`, a 303) on the write's transaction:
    /// `idempotency_key_reused` when the key was taken meanwhile (the caller's transaction is
    /// then rolled back, and [`Store::form_key`] tells what the first use left).
    pub(crate) async fn keep_in(
        &self,
        tx: &mut sqlx::AnyConnection,
        body: &str,
        now: jiff::Timestamp,
    ) -> StoreResult<()> {
        let kept = sqlx::query(
            "INSERT INTO idempotency_keys (organization_id, token_id, idem_key, request_hash, status_code, \
             content_type, response_body, created_at) VALUES ($1, 0, $2, $3, 303, 'text/plain', $4, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(self.org.0)
        .bind(&self.name)
        .bind(&self.request_hash)
        .bind(body)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if kept == 1 {
            Ok(())
        } else {
            Err(StoreError::Refused(
                halles_core::refusals::Refusal::IdempotencyKeyReused,
            ))
        }
    }
}

impl Store {
    /// What a page form's one-time key left, if it was used: [`Claim::Replay`] once its write
    /// was done, [`Claim::Mismatch`] for another form's values, [`Claim::InProgress`] for a key
    /// claimed and not answered.
    pub async fn form_key(&self, key: &FormKey) -> StoreResult<Option<Claim>> {
        let row: Option<KeyRow> = sqlx::query_as(
            "SELECT request_hash, status_code, content_type, response_body FROM idempotency_keys \
             WHERE organization_id = $1 AND token_id = 0 AND idem_key = $2",
        )
        .bind(key.org.0)
        .bind(&key.name)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.request_hash != key.request_hash {
            return Ok(Some(Claim::Mismatch));
        }
        Ok(Some(match row.status_code {
            None => Claim::InProgress,
            Some(s) => Claim::Replay {
                status: u16::try_from(s).map_err(|_| StoreError::Corrupt("status_code"))?,
                content_type: row.content_type.unwrap_or_default(),
                body: row.response_body.unwrap_or_default(),
            },
        }))
    }
}
