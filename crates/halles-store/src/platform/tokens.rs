//! API tokens: created by an organization's administrator, stored hashed, with scopes.

use crate::db::ms;
use crate::platform::audit::{self, Action, Change, Removal};
use crate::platform::rows::{instant, instant_opt};
use crate::platform::secrets::{hash_secret, new_secret};
use crate::{Store, StoreResult, TenantScope};
use halles_core::organizations::Scope;
use halles_core::{OrgId, TokenId};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;
use sqlx::any::AnyRow;

/// The visible prefix of every token, so a leaked one is recognizable.
pub const TOKEN_PREFIX: &str = "hal_";

/// A token as listed (never with its secret).
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    /// Its id.
    pub id: TokenId,
    /// The organization it acts for.
    pub org: OrgId,
    /// A name chosen by its creator.
    pub name: String,
    /// The first characters, to recognize it.
    pub prefix: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// When created.
    pub created_at: Timestamp,
    /// When last used.
    pub last_used_at: Option<Timestamp>,
    /// When revoked.
    pub revoked_at: Option<Timestamp>,
}

/// An `api_tokens` row as listed.
#[derive(FromRow)]
struct TokenRow {
    id: i64,
    organization_id: i64,
    name: String,
    prefix: String,
    scopes: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl ApiToken {
    fn from_row(r: &AnyRow) -> StoreResult<Self> {
        let r = TokenRow::from_row(r)?;
        Ok(ApiToken {
            id: TokenId(r.id),
            org: OrgId(r.organization_id),
            name: r.name,
            prefix: r.prefix,
            scopes: Scope::parse_list(&r.scopes),
            created_at: instant(r.created_at)?,
            last_used_at: instant_opt(r.last_used_at)?,
            revoked_at: instant_opt(r.revoked_at)?,
        })
    }

    /// Whether the token carries a scope.
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

const COLUMNS: &str =
    "id, organization_id, name, prefix, scopes, created_at, last_used_at, revoked_at";

impl Store {
    /// Creates a token; returns it and its secret, shown once.
    pub async fn create_token(
        &self,
        scope: &TenantScope,
        name: &str,
        scopes: &[Scope],
    ) -> StoreResult<(ApiToken, String)> {
        let secret = format!("{TOKEN_PREFIX}{}", new_secret());
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&format!(
            "INSERT INTO api_tokens (organization_id, name, prefix, token_hash, scopes, created_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
        ))
        .bind(scope.org.0)
        .bind(name.trim())
        .bind(&secret[..TOKEN_PREFIX.len() + 6])
        .bind(hash_secret(&secret))
        .bind(Scope::join(scopes))
        .bind(scope.actor.user.map(|u| u.0))
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let token = ApiToken::from_row(&row)?;
        let change = Change::by(scope, Action::Create, "api_token", token.id)
            .after(json!({"name": token.name, "scopes": token.scopes}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    /// The organization's tokens, newest first.
    pub async fn tokens(&self, scope: &TenantScope) -> StoreResult<Vec<ApiToken>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE organization_id = $1 ORDER BY id DESC"
        ))
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(ApiToken::from_row).collect()
    }

    /// Revokes a token.
    pub async fn revoke_token(&self, scope: &TenantScope, id: TokenId) -> StoreResult<()> {
        let revoke = Removal::Revoke { live: "" };
        self.remove_owned(scope, "api_tokens", revoke, "api_token", id.0)
            .await
    }

    /// The live token behind a secret presented in an `Authorization` header.
    pub async fn token_by_secret(&self, secret: &str) -> StoreResult<Option<ApiToken>> {
        let now = self.now();
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL \
             AND (expires_at IS NULL OR expires_at > $2)"
        ))
        .bind(hash_secret(secret))
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let token = ApiToken::from_row(&row)?;
        // Record use at most once a minute, to keep reads cheap.
        if token
            .last_used_at
            .is_none_or(|t| now.duration_since(t).as_secs() > 60)
        {
            sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 WHERE organization_id = $2 AND id = $3",
            )
            .bind(ms(now))
            .bind(token.org.0)
            .bind(token.id.0)
            .execute(self.writes())
            .await?;
        }
        Ok(Some(token))
    }
}
