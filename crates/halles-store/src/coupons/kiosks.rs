//! Kiosk mode: a register that card holders use themselves, opened by a secret link. The link
//! carries an API token with the `kiosk` scope only (no API route accepts it), so the market can
//! turn the kiosk off or renew its link at any time, and the audit log and the ledger name the
//! kiosk as the actor of its sales.

use crate::db::{Store, ms};
use crate::error::{StoreError, StoreResult};
use crate::platform::audit::{self, Action, Change};
use crate::platform::secrets::{hash_secret, new_secret};
use crate::platform::tokens::TOKEN_PREFIX;
use crate::{Actor, TenantScope};
use halles_core::organizations::Scope;
use halles_core::{OrgId, RegisterId, TokenId};
use serde_json::json;

/// A register of a market, with whether its kiosk mode is on.
#[derive(Debug, Clone)]
pub struct RegisterInfo {
    /// Its id.
    pub id: RegisterId,
    /// Its name.
    pub name: String,
    /// Whether card holders can use it themselves through a kiosk link.
    pub kiosk: bool,
}

/// A live kiosk: the register behind a secret link.
#[derive(Debug, Clone)]
pub struct Kiosk {
    /// The register.
    pub register: RegisterId,
    /// Its name.
    pub register_name: String,
    /// Its market.
    pub market: OrgId,
    /// The market's name.
    pub market_name: String,
    /// The token the link carries (the actor of the kiosk's sales).
    pub token: TokenId,
}

impl Kiosk {
    /// The scope the kiosk's sales run in: its market, acted by its token.
    pub fn scope(&self) -> TenantScope {
        TenantScope::checked(self.market, Actor::token(self.token))
    }
}

impl Store {
    /// The market's active registers, with their kiosk state.
    pub async fn register_list(&self, scope: &TenantScope) -> StoreResult<Vec<RegisterInfo>> {
        let rows = sqlx::query_as::<_, (i64, String, Option<i64>)>(
            "SELECT r.id, r.name, (SELECT t.id FROM api_tokens t WHERE t.organization_id = r.organization_id \
             AND t.id = r.kiosk_token_id AND t.revoked_at IS NULL) AS kiosk_token_id \
             FROM registers r WHERE r.organization_id = $1 AND r.active = $2 ORDER BY r.id",
        )
        .bind(scope.org.0)
        .bind(true)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, kiosk)| RegisterInfo {
                id: RegisterId(id),
                name,
                kiosk: kiosk.is_some(),
            })
            .collect())
    }

    /// Turns a register's kiosk mode on, or renews its link: a new secret, and the previous
    /// link stops working at once. Returns the secret, shown once.
    pub async fn open_kiosk(
        &self,
        scope: &TenantScope,
        register: RegisterId,
    ) -> StoreResult<String> {
        self.set_kiosk(scope, register, true)
            .await?
            .ok_or(StoreError::Corrupt("kiosk_token"))
    }

    /// Turns a register's kiosk mode off: its link stops working at once.
    pub async fn close_kiosk(&self, scope: &TenantScope, register: RegisterId) -> StoreResult<()> {
        self.set_kiosk(scope, register, false).await.map(|_| ())
    }

    /// Renames an active register of the acting market (its administrator), audited; its past
    /// sales show the new name too (they name the register by id).
    pub async fn rename_register(
        &self,
        scope: &TenantScope,
        register: RegisterId,
        name: &str,
    ) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let before: String = sqlx::query_scalar(
            "SELECT name FROM registers WHERE id = $1 AND organization_id = $2 AND active = $3",
        )
        .bind(register.0)
        .bind(scope.org.0)
        .bind(true)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let name = name.trim();
        let mut v = halles_core::validation::Validator::new();
        if v.required("name", name) {
            v.max_len("name", name, 120);
        }
        v.finish()?;
        sqlx::query("UPDATE registers SET name = $1 WHERE id = $2 AND organization_id = $3")
            .bind(name)
            .bind(register.0)
            .bind(scope.org.0)
            .execute(&mut *tx)
            .await?;
        let change = Change::by(scope, Action::Update, "register", register)
            .before(json!({"name": before}))
            .after(json!({"name": name}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }

    /// Retires a register (its market's administrator): it leaves the list and takes no more
    /// sales, its kiosk link dies, and its past sales keep its name in the reports.
    pub async fn retire_register(
        &self,
        scope: &TenantScope,
        register: RegisterId,
    ) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE organization_id = $2 AND revoked_at IS NULL \
             AND id = (SELECT kiosk_token_id FROM registers WHERE id = $3 AND organization_id = $2)",
        )
        .bind(ms(now))
        .bind(scope.org.0)
        .bind(register.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let retired = sqlx::query(
            "UPDATE registers SET active = $1 WHERE id = $2 AND organization_id = $3 AND active = $4",
        )
        .bind(false)
        .bind(register.0)
        .bind(scope.org.0)
        .bind(true)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if retired != 1 {
            return Err(StoreError::NotFound);
        }
        let change = Change::by(scope, Action::Delete, "register", register)
            .after(json!({"active": false, "kiosk_closed": n == 1}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }

    async fn set_kiosk(
        &self,
        scope: &TenantScope,
        register: RegisterId,
        on: bool,
    ) -> StoreResult<Option<String>> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let (name, old) = sqlx::query_as::<_, (String, Option<i64>)>(
            "SELECT name, kiosk_token_id FROM registers WHERE id = $1 AND organization_id = $2 AND active = $3",
        )
        .bind(register.0)
        .bind(scope.org.0)
        .bind(true)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if let Some(old) = old {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE organization_id = $2 AND id = $3 AND revoked_at IS NULL",
            )
            .bind(ms(now))
            .bind(scope.org.0)
            .bind(old)
            .execute(&mut *tx)
            .await?;
        }
        let secret = on.then(|| format!("{TOKEN_PREFIX}{}", new_secret()));
        let token: Option<i64> = match &secret {
            Some(secret) => Some(
                sqlx::query_scalar(
                    "INSERT INTO api_tokens (organization_id, name, prefix, token_hash, scopes, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(scope.org.0)
                .bind(format!("Kiosque · {name}"))
                .bind(&secret[..TOKEN_PREFIX.len() + 6])
                .bind(hash_secret(secret))
                .bind(Scope::Kiosk.code())
                .bind(scope.actor.user.map(|u| u.0))
                .bind(ms(now))
                .fetch_one(&mut *tx)
                .await?,
            ),
            None => None,
        };
        sqlx::query(
            "UPDATE registers SET kiosk_token_id = $1 WHERE id = $2 AND organization_id = $3",
        )
        .bind(token)
        .bind(register.0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "register", register)
            .before(json!({"kiosk": old.is_some()}))
            .after(json!({"kiosk": on, "kiosk_token": token}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// The kiosk behind a secret link, if its mode is on and the link is the current one.
    pub async fn kiosk(&self, secret: &str) -> StoreResult<Option<Kiosk>> {
        let Some(token) = self.token_by_secret(secret).await? else {
            return Ok(None);
        };
        if !token.scopes.contains(&Scope::Kiosk) {
            return Ok(None);
        }
        let row = sqlx::query_as::<_, (i64, String, String)>(
            "SELECT r.id, r.name, o.name AS market_name FROM registers r JOIN organizations o ON o.id = r.organization_id \
             WHERE r.organization_id = $1 AND r.kiosk_token_id = $2 AND r.active = $3",
        )
        .bind(token.org.0)
        .bind(token.id.0)
        .bind(true)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id, register_name, market_name)| Kiosk {
            register: RegisterId(id),
            register_name,
            market: token.org,
            market_name,
            token: token.id,
        }))
    }
}
