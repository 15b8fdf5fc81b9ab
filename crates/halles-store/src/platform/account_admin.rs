//! What platform administrators do to accounts from the admin pages: make or unmake a platform
//! administrator (never the last one), delete an account (its row stays under a pseudonym, so
//! the audit log and the ledger still name its past actions), and the platform's settings (how
//! many days an invitation stays valid).

use super::accounts::{USER_COLUMNS, User, user_update};
use crate::db::ms;
use crate::platform::audit::{self, Action, Change};
use crate::{Actor, Store, StoreError, StoreResult};
use halles_core::UserId;
use halles_core::accounts::{INVITATION_DAYS, INVITATION_DAYS_RANGE};
use halles_core::refusals::Refusal;
use serde_json::json;

/// The name a deleted account keeps: a pseudonym made of its number, in both languages.
pub fn pseudonym(id: UserId) -> String {
    format!("Compte supprimé / Deleted account #{}", id.0)
}

/// The e-mail a deleted account keeps: unique, and no one's (`.invalid` is reserved).
fn pseudonym_email(id: UserId) -> String {
    format!("deleted-{}@deleted.invalid", id.0)
}

/// The setting that holds the invitations' validity in days.
const INVITATION_DAYS_SETTING: &str = "invitation_days";

impl Store {
    /// Enabled platform administrators other than `id`. On PostgreSQL their rows are locked
    /// until the transaction ends, so two administrators removing each other at the same
    /// moment cannot both succeed (the second one, once the first commits, sees none left);
    /// SQLite's write transactions already run one at a time.
    async fn other_platform_admins(
        &self,
        tx: &mut sqlx::AnyConnection,
        id: UserId,
    ) -> StoreResult<usize> {
        let lock = match self.backend() {
            crate::Backend::Postgres => " FOR UPDATE",
            crate::Backend::Sqlite => "",
        };
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM users WHERE is_platform_admin = $1 AND disabled_at IS NULL \
             AND deleted_at IS NULL AND id <> $2{lock}"
        ))
        .bind(true)
        .bind(id.0)
        .fetch_all(&mut *tx)
        .await?;
        Ok(ids.len())
    }

    /// Makes an account a platform administrator, or no longer one: refused for a deleted
    /// account (not found) and for the platform's last enabled administrator
    /// (`last_platform_admin`). Audited.
    pub async fn set_platform_admin(
        &self,
        actor: Actor,
        id: UserId,
        admin: bool,
    ) -> StoreResult<User> {
        let before = self.user(id).await?;
        if before.deleted_at.is_some() {
            return Err(StoreError::NotFound);
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        if !admin && self.other_platform_admins(&mut tx, id).await? == 0 {
            return Err(StoreError::Refused(Refusal::LastPlatformAdmin));
        }
        sqlx::query("UPDATE users SET is_platform_admin = $1, updated_at = $2 WHERE id = $3")
            .bind(admin)
            .bind(ms(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = User {
            is_platform_admin: admin,
            ..before.clone()
        };
        audit::record(&mut tx, user_update(actor, id, &before, &after), now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes an account. Its row stays, so what it did is still attributed (the audit log and
    /// the ledger name the account by id), but under a pseudonym: its name and e-mail become
    /// [`pseudonym`]'s, also in the audit log's records of the account and wherever the log
    /// wrote its e-mail; its password, sessions, reset and e-mail change links, memberships and
    /// monthly-report subscriptions go, and invitations to its e-mail are revoked. Refused for
    /// the platform's last enabled administrator (`last_platform_admin`) and for the only
    /// administrator of an organization (`last_admin`); a deleted account is not found.
    pub async fn delete_user(&self, actor: Actor, id: UserId) -> StoreResult<User> {
        let before = self.user(id).await?;
        if before.deleted_at.is_some() {
            return Err(StoreError::NotFound);
        }
        let now = self.now();
        let (name, email) = (pseudonym(id), pseudonym_email(id));
        let mut tx = self.write_tx().await?;
        if before.is_platform_admin && self.other_platform_admins(&mut tx, id).await? == 0 {
            return Err(StoreError::Refused(Refusal::LastPlatformAdmin));
        }
        // An organization this account is the only administrator of would be left with no one
        // to manage its members, tokens and billing: make someone else its administrator first.
        let sole_admin_of: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships m WHERE m.user_id = $1 AND m.role = 'admin' \
             AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.organization_id = m.organization_id \
             AND o.role = 'admin' AND o.user_id <> $1)",
        )
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
        if sole_admin_of > 0 {
            return Err(StoreError::Refused(Refusal::LastAdmin));
        }
        let row = sqlx::query(&format!(
            "UPDATE users SET name = $1, email = $2, password_hash = NULL, is_platform_admin = $3, \
             disabled_at = COALESCE(disabled_at, $4), deleted_at = $4, updated_at = $4 \
             WHERE id = $5 AND deleted_at IS NULL RETURNING {USER_COLUMNS}"
        ))
        .bind(&name)
        .bind(&email)
        .bind(false)
        .bind(ms(now))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let after = User::from_row(&row)?;
        for table in [
            "sessions",
            "password_resets",
            "email_changes",
            "memberships",
            "report_recipients",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "UPDATE invitations SET revoked_at = $1 WHERE email = $2 AND accepted_at IS NULL \
             AND revoked_at IS NULL",
        )
        .bind(ms(now))
        .bind(&before.email)
        .execute(&mut *tx)
        .await?;
        // The audit log keeps what was done, under the pseudonym: its e-mail wherever it was
        // written, and its name in the records of the account itself.
        let quoted = |s: &str| serde_json::Value::String(s.to_owned()).to_string();
        for (old, new, only_self) in [
            (quoted(&before.email), quoted(&email), false),
            (quoted(&before.name), quoted(&name), true),
        ] {
            sqlx::query(
                "UPDATE audit_log SET before_json = REPLACE(before_json, $1, $2), \
                 after_json = REPLACE(after_json, $1, $2) \
                 WHERE (before_json LIKE $3 OR after_json LIKE $3) \
                 AND ($4 = 0 OR (entity = 'user' AND entity_id = $5))",
            )
            .bind(&old)
            .bind(&new)
            // `%` and `_` in an address only widen the match: `REPLACE` is exact.
            .bind(format!("%{old}%"))
            .bind(i64::from(only_self))
            .bind(id.0.to_string())
            .execute(&mut *tx)
            .await?;
        }
        audit::record(
            &mut tx,
            Change {
                org: None,
                actor,
                action: Action::Delete,
                entity: "user",
                entity_id: id.to_string(),
                before: Some(json!({"deleted": false})),
                after: Some(after.audit_json()),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The platform's audit records of an account (created, changed, deleted), oldest first,
    /// for its administrators.
    pub async fn account_history(&self, id: UserId) -> StoreResult<Vec<audit::Entry>> {
        let rows: Vec<audit::EntryRow> = sqlx::query_as(
            "SELECT a.id, a.actor_user_id, u.name AS actor_name, a.actor_token_id, a.action, \
             a.entity, a.entity_id, a.before_json, a.after_json, a.at \
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
             WHERE a.organization_id IS NULL AND a.entity = 'user' AND a.entity_id = $1 ORDER BY a.id",
        )
        .bind(id.0.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(audit::Entry::try_from).collect()
    }

    /// How many days an invitation stays valid: the administrators' setting, 7 by default.
    pub async fn invitation_days(&self) -> StoreResult<i64> {
        let set: Option<i64> =
            sqlx::query_scalar("SELECT value FROM platform_settings WHERE name = $1")
                .bind(INVITATION_DAYS_SETTING)
                .fetch_optional(&self.pool)
                .await?;
        Ok(set
            .filter(|d| INVITATION_DAYS_RANGE.contains(d))
            .unwrap_or(INVITATION_DAYS))
    }

    /// Sets how many days new and resent invitations stay valid (1 to 90:
    /// `invitation_days_out_of_range` on the field `invitation_days`). Audited.
    pub async fn set_invitation_days(&self, actor: Actor, days: i64) -> StoreResult<()> {
        if !INVITATION_DAYS_RANGE.contains(&days) {
            return Err(StoreError::field(
                "invitation_days",
                Refusal::InvitationDaysOutOfRange,
            ));
        }
        let before = self.invitation_days().await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO platform_settings (name, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET value = $2, updated_at = $3",
        )
        .bind(INVITATION_DAYS_SETTING)
        .bind(days)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Change {
                org: None,
                actor,
                action: Action::Update,
                entity: "platform_setting",
                entity_id: INVITATION_DAYS_SETTING.to_owned(),
                before: Some(json!({"value": before})),
                after: Some(json!({"value": days})),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
