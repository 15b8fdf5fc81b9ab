//! Throttles in the database, so they hold across app servers: each attempt is counted and
//! decided in one conditional upsert, so parallel attempts cannot all slip past a count.

use crate::db::ms;
use crate::{Store, StoreResult};
use halles_core::accounts::Throttle;
use jiff::SignedDuration;

impl Store {
    /// Counts one attempt on `key` and says whether it may go ahead. The first `free`
    /// attempts pass; then each one must come after the previous one's delay, which doubles
    /// up to the throttle's maximum. A refused attempt changes nothing; a key left alone for
    /// the throttle's window starts over.
    pub async fn throttle_hit(&self, key: &str, limit: &Throttle) -> StoreResult<bool> {
        let now = self.now();
        let now_ms = ms(now);
        let stale = ms(now - SignedDuration::from_millis(limit.window_ms));
        let first_delay = if limit.free <= 1 {
            limit.first_delay_ms
        } else {
            0
        };
        // The delay after this attempt, from the row as it was (`throttles.*` are old values).
        let delay = "CASE WHEN throttles.last_at < $4 THEN $2 \
                      WHEN throttles.hits + 1 < $5 THEN 0 \
                      WHEN throttles.delay_ms = 0 THEN $6 \
                      WHEN throttles.delay_ms * 2 > $7 THEN $7 \
                      ELSE throttles.delay_ms * 2 END";
        let row = sqlx::query(&format!(
            "INSERT INTO throttles (throttle_key, hits, delay_ms, next_at, last_at) \
             VALUES ($1, 1, $2, $3 + $2, $3) \
             ON CONFLICT (throttle_key) DO UPDATE SET \
               hits = CASE WHEN throttles.last_at < $4 THEN 1 ELSE throttles.hits + 1 END, \
               delay_ms = {delay}, next_at = $3 + {delay}, last_at = $3 \
             WHERE throttles.next_at <= $3 OR throttles.last_at < $4 \
             RETURNING hits"
        ))
        .bind(key)
        .bind(first_delay)
        .bind(now_ms)
        .bind(stale)
        .bind(limit.free)
        .bind(limit.first_delay_ms)
        .bind(limit.max_delay_ms)
        .fetch_optional(self.writes())
        .await?;
        Ok(row.is_some())
    }

    /// Takes back one attempt on `key` (a log-in that succeeded counts against nobody); back
    /// under the free attempts, the key waits no more.
    pub async fn throttle_undo(&self, key: &str, limit: &Throttle) -> StoreResult<()> {
        sqlx::query(
            "UPDATE throttles SET hits = hits - 1, \
               delay_ms = CASE WHEN hits - 1 < $2 THEN 0 ELSE delay_ms END, \
               next_at = CASE WHEN hits - 1 < $2 THEN last_at ELSE next_at END \
             WHERE throttle_key = $1 AND hits > 0",
        )
        .bind(key)
        .bind(limit.free)
        .execute(self.writes())
        .await?;
        Ok(())
    }

    /// Forgets `key` altogether.
    pub async fn throttle_clear(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM throttles WHERE throttle_key = $1")
            .bind(key)
            .execute(self.writes())
            .await?;
        Ok(())
    }

    /// Forgets keys left alone for a day (run by the worker).
    pub async fn purge_throttles(&self) -> StoreResult<u64> {
        let before = ms(self.now() - SignedDuration::from_hours(24));
        Ok(sqlx::query("DELETE FROM throttles WHERE last_at < $1")
            .bind(before)
            .execute(self.writes())
            .await?
            .rows_affected())
    }
}
