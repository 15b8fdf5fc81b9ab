//! A card's PIN, checked before a sale when its program asks for one.

use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::CardId;
use halles_core::refusals::Refusal;
use sqlx::Row;

/// How many wrong PINs in a row lock a card's PIN.
pub const PIN_TRIES: i64 = 5;

impl Store {
    /// When the card's program asks for a PIN: refused without it, with a wrong one, or when
    /// [`PIN_TRIES`] wrong ones in a row locked it. Each try is claimed by a conditional update
    /// before the PIN is checked, so parallel tries never get past the limit; a right PIN
    /// starts the count again (the last try allowed too), and the try that locks the PIN is
    /// audited.
    pub(super) async fn check_pin(
        &self,
        scope: &TenantScope,
        card: CardId,
        pin: Option<&str>,
    ) -> StoreResult<()> {
        let row = sqlx::query(
            "SELECT p.pin_required, c.pin_hash, c.pin_failures FROM cards c JOIN programs p ON p.id = c.program_id \
             WHERE c.id = $1",
        )
        .bind(card.0)
        .fetch_one(&self.pool)
        .await?;
        if !crate::db::flag(&row, "pin_required")? {
            return Ok(());
        }
        let Some(hash) = row.try_get::<Option<String>, _>("pin_hash")? else {
            return Err(StoreError::Refused(Refusal::PinNotSet));
        };
        if row.try_get::<i64, _>("pin_failures")? >= PIN_TRIES {
            return Err(StoreError::Refused(Refusal::PinLocked));
        }
        let Some(pin) = pin
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
        else {
            return Err(StoreError::Refused(Refusal::PinRequired));
        };
        let mut tx = self.write_tx().await?;
        let tries: Option<i64> = sqlx::query_scalar(
            "UPDATE cards SET pin_failures = pin_failures + 1 WHERE id = $1 AND pin_failures < $2 \
             RETURNING pin_failures",
        )
        .bind(card.0)
        .bind(PIN_TRIES)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some(tries) = tries else {
            return Err(StoreError::Refused(Refusal::PinLocked));
        };
        // Argon2 takes a moment of CPU and 19 MiB: on the bounded hashing threads. When they
        // are all busy the attempt was never checked, so it is given back (not once the card
        // is locked: the lock stands, and was audited).
        let ok = match crate::platform::secrets::verify_password_bounded(&pin, Some(hash)).await {
            Ok(ok) => ok,
            Err(e) => {
                let mut tx = self.write_tx().await?;
                sqlx::query(
                    "UPDATE cards SET pin_failures = pin_failures - 1 \
                     WHERE id = $1 AND pin_failures > 0 AND pin_failures < $2",
                )
                .bind(card.0)
                .bind(PIN_TRIES)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                return Err(e);
            }
        };
        let mut tx = self.write_tx().await?;
        if ok {
            // A right PIN starts the count again. Not when parallel wrong tries claimed after
            // this one locked the card meanwhile (that lock stands); but when this try was the
            // last one allowed, no try came after it, and it clears the count it made.
            sqlx::query(
                "UPDATE cards SET pin_failures = 0 WHERE id = $1 AND (pin_failures < $2 OR $3)",
            )
            .bind(card.0)
            .bind(PIN_TRIES)
            .bind(tries >= PIN_TRIES)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        if tries < PIN_TRIES {
            return Err(StoreError::Refused(Refusal::PinWrong));
        }
        let change = crate::platform::audit::Change::by(
            scope,
            crate::platform::audit::Action::Update,
            "card",
            card,
        )
        .before(serde_json::json!({"pin_locked": false}))
        .after(serde_json::json!({"pin_locked": true, "pin_failures": tries}));
        crate::platform::audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Err(StoreError::Refused(Refusal::PinLocked))
    }
}
