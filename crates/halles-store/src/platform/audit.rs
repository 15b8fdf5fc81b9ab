//! The audit log: who changed what, in which organization, before and after, when.

use crate::db::ms;
use crate::platform::rows::instant;
use crate::{Actor, Store, StoreError, StoreResult, TenantScope};
use halles_core::{AuditId, OrgId, TokenId, UserId};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;
use sqlx::{AnyConnection, FromRow};

/// How [`Store::remove_owned`] takes a tenant's row away.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Removal {
    /// Sets `revoked_at` on a row not revoked yet; `live` adds SQL conditions the row must
    /// also meet (such as `AND accepted_at IS NULL`).
    Revoke { live: &'static str },
    /// Deletes the row.
    Delete,
}

impl Store {
    /// Revokes or deletes one row of `table` owned by the scope's organization and records the
    /// deletion of `entity` in the audit log, in one transaction: `NotFound` when no row of the
    /// organization (or, to revoke, no live one) has this id.
    pub(crate) async fn remove_owned(
        &self,
        scope: &TenantScope,
        table: &'static str,
        removal: Removal,
        entity: &'static str,
        id: i64,
    ) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let sql = match removal {
            Removal::Revoke { live } => format!(
                "UPDATE {table} SET revoked_at = $1 WHERE organization_id = $2 AND id = $3 \
                 AND revoked_at IS NULL {live}"
            ),
            Removal::Delete => {
                format!("DELETE FROM {table} WHERE organization_id = $1 AND id = $2")
            }
        };
        let query = match removal {
            Removal::Revoke { .. } => sqlx::query(&sql).bind(ms(now)),
            Removal::Delete => sqlx::query(&sql),
        };
        let n = query
            .bind(scope.org.0)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        record(&mut tx, Change::by(scope, Action::Delete, entity, id), now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// What kind of change an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Something was created.
    Create,
    /// Something was changed.
    Update,
    /// Something was deleted, revoked or removed.
    Delete,
}

impl Action {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// One change to record. Written in the same transaction as the change itself.
#[derive(Debug)]
pub struct Change<'a> {
    /// The organization concerned; `None` for platform-level changes (accounts, new organizations).
    pub org: Option<OrgId>,
    /// Who made it.
    pub actor: Actor,
    /// What was done.
    pub action: Action,
    /// The entity type, such as `membership`.
    pub entity: &'a str,
    /// The entity's id.
    pub entity_id: String,
    /// The entity before (updates and deletes).
    pub before: Option<Value>,
    /// The entity after (creates and updates).
    pub after: Option<Value>,
}

impl<'a> Change<'a> {
    /// A change made by the scope's actor in its organization, with nothing before or after yet.
    pub fn by(
        scope: &crate::TenantScope,
        action: Action,
        entity: &'a str,
        id: impl ToString,
    ) -> Self {
        Change {
            org: Some(scope.org),
            actor: scope.actor,
            action,
            entity,
            entity_id: id.to_string(),
            before: None,
            after: None,
        }
    }

    /// The entity before the change.
    pub fn before(mut self, v: Value) -> Self {
        self.before = Some(v);
        self
    }

    /// The entity after the change.
    pub fn after(mut self, v: Value) -> Self {
        self.after = Some(v);
        self
    }
}

/// Records a change on the connection (normally inside the change's transaction).
pub async fn record(
    conn: &mut AnyConnection,
    change: Change<'_>,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (organization_id, actor_user_id, actor_token_id, action, entity, \
         entity_id, before_json, after_json, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(change.org.map(|o| o.0))
    .bind(change.actor.user.map(|u| u.0))
    .bind(change.actor.token.map(|t| t.0))
    .bind(change.action.code())
    .bind(change.entity)
    .bind(change.entity_id)
    .bind(change.before.map(|v| v.to_string()))
    .bind(change.after.map(|v| v.to_string()))
    .bind(ms(at))
    .execute(conn)
    .await?;
    Ok(())
}

/// An entry as read back.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Its id.
    pub id: AuditId,
    /// The person who acted, if a person.
    pub actor_user: Option<UserId>,
    /// That person's name.
    pub actor_name: Option<String>,
    /// The token that acted, if a token.
    pub actor_token: Option<TokenId>,
    /// `create`, `update` or `delete`.
    pub action: String,
    /// Entity type.
    pub entity: String,
    /// Entity id.
    pub entity_id: String,
    /// JSON before.
    pub before: Option<Value>,
    /// JSON after.
    pub after: Option<Value>,
    /// When.
    pub at: Timestamp,
}

/// An `audit_log` row with its actor's name.
#[derive(FromRow)]
pub(crate) struct EntryRow {
    id: i64,
    actor_user_id: Option<i64>,
    actor_name: Option<String>,
    actor_token_id: Option<i64>,
    action: String,
    entity: String,
    entity_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    at: i64,
}

impl TryFrom<EntryRow> for Entry {
    type Error = crate::StoreError;
    fn try_from(r: EntryRow) -> StoreResult<Entry> {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        Ok(Entry {
            id: AuditId(r.id),
            actor_user: r.actor_user_id.map(UserId),
            actor_name: r.actor_name,
            actor_token: r.actor_token_id.map(TokenId),
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: parse(r.before_json),
            after: parse(r.after_json),
            at: instant(r.at)?,
        })
    }
}

/// Filters of the audit page and API.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only this entity type.
    pub entity: Option<String>,
    /// Only this action.
    pub action: Option<String>,
    /// Only at or after this instant.
    pub from: Option<Timestamp>,
    /// Only before this instant.
    pub until: Option<Timestamp>,
    /// Only entries older than this id (cursor).
    pub before_id: Option<AuditId>,
}

impl crate::Store {
    /// The organization's audit entries, newest first, at most `limit`.
    pub async fn audit_entries(
        &self,
        scope: &TenantScope,
        filter: &Filter,
        limit: i64,
    ) -> StoreResult<Vec<Entry>> {
        let rows: Vec<EntryRow> = sqlx::query_as(
            "SELECT a.id, a.actor_user_id, u.name AS actor_name, a.actor_token_id, a.action, \
             a.entity, a.entity_id, a.before_json, a.after_json, a.at \
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
             WHERE a.organization_id = $1 \
             AND ($2 IS NULL OR a.entity = $2) AND ($3 IS NULL OR a.action = $3) \
             AND ($4 IS NULL OR a.at >= $4) AND ($5 IS NULL OR a.at < $5) \
             AND ($6 IS NULL OR a.id < $6) \
             ORDER BY a.id DESC LIMIT $7",
        )
        .bind(scope.org.0)
        .bind(filter.entity.clone())
        .bind(filter.action.clone())
        .bind(filter.from.map(ms))
        .bind(filter.until.map(ms))
        .bind(filter.before_id.map(|i| i.0))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Entry::try_from).collect()
    }

    /// The entity types that appear in the organization's log (for the filter list).
    pub async fn audit_entities(&self, scope: &TenantScope) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT entity FROM audit_log WHERE organization_id = $1 ORDER BY entity",
        )
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?)
    }
}
