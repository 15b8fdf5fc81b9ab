//! User accounts, sessions, password resets and the login throttle.

use crate::db::ms;
use crate::platform::audit::{self, Action, Change};
use crate::platform::rows::{Flag, instant, instant_opt, parsed};
use crate::platform::secrets::{
    hash_password_bounded, hash_secret, new_secret, verify_password_bounded,
};
use crate::{Actor, Store, StoreError, StoreResult};
use halles_core::UserId;
use halles_core::accounts::{
    FORGOT_PER_ACCOUNT, LOGIN_PER_ACCOUNT, LOGIN_PER_ACCOUNT_AND_ADDRESS, LOGIN_PER_ADDRESS, Lang,
    PASSWORD_RESET_MINUTES, RESET_PER_ADDRESS, SESSION_DAYS,
};
use halles_core::refusals::Refusal;
use halles_core::validation::normalize_email;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;
use sqlx::any::AnyRow;

/// A user account.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Lower-cased e-mail, unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Preferred language.
    pub lang: Lang,
    /// May administer the whole platform.
    pub is_platform_admin: bool,
    /// When the account was disabled, if it was.
    pub disabled_at: Option<Timestamp>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was deleted, if it was: its e-mail and name are then a pseudonym.
    pub deleted_at: Option<Timestamp>,
}

/// A `users` row as stored ([`USER_COLUMNS`]).
#[derive(FromRow)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    lang: String,
    is_platform_admin: Flag,
    disabled_at: Option<i64>,
    created_at: i64,
    deleted_at: Option<i64>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> StoreResult<User> {
        Ok(User {
            id: UserId(r.id),
            email: r.email,
            name: r.name,
            lang: parsed(&r.lang, "lang")?,
            is_platform_admin: r.is_platform_admin.into(),
            disabled_at: instant_opt(r.disabled_at)?,
            created_at: instant(r.created_at)?,
            deleted_at: instant_opt(r.deleted_at)?,
        })
    }
}

/// A user with the password hash, for logging in.
#[derive(FromRow)]
struct LoginRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: Option<String>,
}

impl User {
    pub(crate) fn from_row(r: &AnyRow) -> StoreResult<User> {
        UserRow::from_row(r)?.try_into()
    }

    pub(crate) fn audit_json(&self) -> serde_json::Value {
        json!({"email": self.email, "name": self.name, "lang": self.lang,
               "is_platform_admin": self.is_platform_admin,
               "disabled": self.disabled_at.is_some()})
    }
}

pub(crate) const USER_COLUMNS: &str =
    "id, email, name, lang, is_platform_admin, disabled_at, created_at, deleted_at";

/// A new account to create.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// E-mail (normalized on the way in).
    pub email: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Preferred language.
    pub lang: Lang,
    /// Initial password; `None` leaves the account without one until a reset.
    pub password: Option<&'a str>,
    /// Platform administrator flag.
    pub is_platform_admin: bool,
}

/// Why a log-in was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Unknown e-mail or wrong password (never says which).
    BadCredentials,
    /// The account is disabled.
    Disabled,
    /// Too many recent failures for this e-mail or address.
    Throttled,
}

/// A signed-in session as seen by a request.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// The account.
    pub user: User,
}

impl Store {
    /// Creates an account; refuses a duplicate e-mail with `Refused(Refusal::EmailTaken)`.
    pub async fn create_user(&self, actor: Actor, new: NewUser<'_>) -> StoreResult<User> {
        let hash = match new.password {
            Some(p) => Some(hash_password_bounded(p).await?),
            None => None,
        };
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(&format!(
            "INSERT INTO users (email, name, lang, password_hash, is_platform_admin, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {USER_COLUMNS}"
        ))
        .bind(normalize_email(new.email))
        .bind(new.name.trim())
        .bind(new.lang.code())
        .bind(hash)
        .bind(new.is_platform_admin)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)
        .map_err(|e| {
            if e.is_unique_violation() {
                StoreError::Refused(Refusal::EmailTaken)
            } else {
                e
            }
        })?;
        let user = User::from_row(&row)?;
        audit::record(
            &mut tx,
            Change {
                org: None,
                actor,
                action: Action::Create,
                entity: "user",
                entity_id: user.id.to_string(),
                before: None,
                after: Some(user.audit_json()),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Finds an account by id.
    pub async fn user(&self, id: UserId) -> StoreResult<User> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        User::from_row(&row)
    }

    /// Finds an account by e-mail (case-insensitive).
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(normalize_email(email))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(User::from_row).transpose()
    }

    /// Every account, by name (platform administration).
    pub async fn users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY name, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(User::from_row).collect()
    }

    /// Checks credentials, applying the throttle, and records the attempt.
    ///
    /// Each attempt is counted before the password is checked, by one conditional upsert per
    /// throttle key (the account from this address, the account from anywhere, this address
    /// for any account), so parallel attempts cannot all pass a count read beforehand. Failures
    /// from one address slow down that address: the owner elsewhere only meets the generous
    /// per-account cap. A success takes its attempt back. `Busy` when too many passwords are
    /// being checked at once (nothing is counted then).
    pub async fn verify_login(
        &self,
        email: &str,
        password: &str,
        address: &str,
    ) -> StoreResult<Result<User, LoginRefusal>> {
        let email = normalize_email(email);
        let keys = [
            (
                format!("login:pair:{email}|{address}"),
                LOGIN_PER_ACCOUNT_AND_ADDRESS,
            ),
            (format!("login:account:{email}"), LOGIN_PER_ACCOUNT),
            (format!("login:address:{address}"), LOGIN_PER_ADDRESS),
        ];
        for (key, limit) in &keys {
            if !self.throttle_hit(key, limit).await? {
                return Ok(Err(LoginRefusal::Throttled));
            }
        }
        let found: Option<LoginRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        ))
        .bind(&email)
        .fetch_optional(&self.pool)
        .await?;
        let (user, hash) = match found {
            Some(r) => (Some(User::try_from(r.user)?), r.password_hash),
            None => (None, None),
        };
        let ok = match verify_password_bounded(password, hash).await {
            Ok(ok) => ok,
            Err(e) => {
                for (key, limit) in &keys {
                    self.throttle_undo(key, limit).await?;
                }
                return Err(e);
            }
        };
        let outcome = match user {
            Some(u) if ok && u.disabled_at.is_some() => Err(LoginRefusal::Disabled),
            Some(u) if ok => Ok(u),
            _ => Err(LoginRefusal::BadCredentials),
        };
        if outcome.is_ok() {
            self.throttle_clear(&keys[0].0).await?;
            for (key, limit) in &keys[1..] {
                self.throttle_undo(key, limit).await?;
            }
        }
        sqlx::query(
            "INSERT INTO login_attempts (email, address, succeeded, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&email)
        .bind(address)
        .bind(outcome.is_ok())
        .bind(ms(self.now()))
        .execute(self.writes())
        .await?;
        Ok(outcome)
    }

    /// Counts a "forgot password" request for `email` from `address`: whether it may send a
    /// link (per account and per address, in the database; counted whether or not the account
    /// exists, so the answer reveals nothing).
    pub async fn allow_password_reset_request(
        &self,
        email: &str,
        address: &str,
    ) -> StoreResult<bool> {
        let email = normalize_email(email);
        Ok(self
            .throttle_hit(&format!("reset:address:{address}"), &RESET_PER_ADDRESS)
            .await?
            && self
                .throttle_hit(&format!("forgot:account:{email}"), &FORGOT_PER_ACCOUNT)
                .await?)
    }

    /// Counts a new-password submission from `address`: whether it may be tried.
    pub async fn allow_password_reset_attempt(&self, address: &str) -> StoreResult<bool> {
        self.throttle_hit(&format!("reset:address:{address}"), &RESET_PER_ADDRESS)
            .await
    }

    /// Opens a session and returns its secret (for the cookie); only the hash is stored.
    pub async fn create_session(&self, user: UserId) -> StoreResult<String> {
        let secret = new_secret();
        let now = self.now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(hash_secret(&secret))
        .bind(user.0)
        .bind(ms(now))
        .bind(ms(now + SignedDuration::from_hours(24 * SESSION_DAYS)))
        .execute(&self.pool)
        .await?;
        Ok(secret)
    }

    /// The user behind a session secret, if the session is live and the account enabled.
    /// Extends the session's expiry when used.
    pub async fn session_user(&self, secret: &str) -> StoreResult<Option<User>> {
        let now = self.now();
        let hash = hash_secret(secret);
        let row = sqlx::query(&format!(
            "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(&hash)
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(ms(now))
            .bind(ms(now + SignedDuration::from_hours(24 * SESSION_DAYS)))
            .bind(&hash)
            .execute(&self.pool)
            .await?;
        Ok(Some(User::from_row(&row)?))
    }

    /// Ends a session.
    pub async fn delete_session(&self, secret: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash_secret(secret))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Changes a user's name and language.
    pub async fn update_profile(
        &self,
        actor: Actor,
        id: UserId,
        name: &str,
        lang: Lang,
    ) -> StoreResult<User> {
        let before = self.user(id).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE users SET name = $1, lang = $2, updated_at = $3 WHERE id = $4")
            .bind(name.trim())
            .bind(lang.code())
            .bind(ms(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = User {
            name: name.trim().to_owned(),
            lang,
            ..before.clone()
        };
        audit::record(&mut tx, user_update(actor, id, &before, &after), now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets a new password, ends every session of the account and voids every reset link
    /// still outstanding.
    pub async fn set_password(&self, actor: Actor, id: UserId, password: &str) -> StoreResult<()> {
        let hash = hash_password_bounded(password).await?;
        self.set_password_hash(actor, id, hash).await
    }

    /// Stores a password hash: see [`Store::set_password`].
    async fn set_password_hash(&self, actor: Actor, id: UserId, hash: String) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let n = sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(ms(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(ms(now))
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            Change {
                org: None,
                actor,
                action: Action::Update,
                entity: "user_password",
                entity_id: id.to_string(),
                before: None,
                after: None,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables or re-enables an account; disabling ends its sessions and tokens stay scoped to orgs.
    pub async fn set_user_disabled(
        &self,
        actor: Actor,
        id: UserId,
        disabled: bool,
    ) -> StoreResult<User> {
        let before = self.user(id).await?;
        if before.deleted_at.is_some() {
            return Err(StoreError::NotFound);
        }
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3")
            .bind(disabled.then(|| ms(now)))
            .bind(ms(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        let after = User {
            disabled_at: disabled.then_some(now),
            ..before.clone()
        };
        audit::record(&mut tx, user_update(actor, id, &before, &after), now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Starts a password reset for an enabled account: returns the secret for the e-mailed link.
    pub async fn create_password_reset(&self, id: UserId) -> StoreResult<String> {
        let secret = new_secret();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hash_secret(&secret))
        .bind(id.0)
        .bind(ms(now))
        .bind(ms(now + SignedDuration::from_mins(PASSWORD_RESET_MINUTES)))
        .execute(&mut *tx)
        .await?;
        let asked = crate::platform::events::Event::PasswordResetAsked {
            user: id,
            secret: secret.clone(),
        };
        crate::platform::events::record(&mut tx, asked, now).await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// The account a live, unused reset secret belongs to.
    pub async fn password_reset_user(&self, secret: &str) -> StoreResult<Option<UserId>> {
        let user: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL \
             AND expires_at > $2",
        )
        .bind(hash_secret(secret))
        .bind(ms(self.now()))
        .fetch_optional(&self.pool)
        .await?;
        Ok(user.map(UserId))
    }

    /// Uses a reset secret once to set a new password. Refuses a used or expired one.
    pub async fn complete_password_reset(
        &self,
        secret: &str,
        password: &str,
    ) -> StoreResult<UserId> {
        // Hash first: a busy server leaves the link unused.
        let hash = hash_password_bounded(password).await?;
        let now = self.now();
        // Claim the secret: a conditional update, so two submissions cannot both use it.
        let user = UserId(
            sqlx::query_scalar(
                "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 \
                 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
            )
            .bind(ms(now))
            .bind(hash_secret(secret))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::Refused(Refusal::ResetInvalid))?,
        );
        self.set_password_hash(Actor::user(user), user, hash)
            .await?;
        Ok(user)
    }

    /// Starts a change of e-mail: returns the secret of the link to send to the new address
    /// (valid as long as a password reset) and that address as stored. Refused when the
    /// address is another account's (`email_taken`).
    pub async fn request_email_change(
        &self,
        id: UserId,
        new_email: &str,
    ) -> StoreResult<(String, String)> {
        let email = normalize_email(new_email);
        if self.user_by_email(&email).await?.is_some() {
            return Err(StoreError::Refused(Refusal::EmailTaken));
        }
        let secret = new_secret();
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO email_changes (token_hash, user_id, new_email, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash_secret(&secret))
        .bind(id.0)
        .bind(&email)
        .bind(ms(now))
        .bind(ms(now + SignedDuration::from_mins(PASSWORD_RESET_MINUTES)))
        .execute(&mut *tx)
        .await?;
        let asked = crate::platform::events::Event::EmailChangeAsked {
            user: id,
            new_email: email.clone(),
            secret: secret.clone(),
        };
        crate::platform::events::record(&mut tx, asked, now).await?;
        tx.commit().await?;
        Ok((secret, email))
    }

    /// The new address a live, unused change secret leads to.
    pub async fn email_change(&self, secret: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT new_email FROM email_changes WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(hash_secret(secret))
        .bind(ms(self.now()))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Uses a change secret once: the account's e-mail becomes the new address, and every
    /// session of the account ends. Refused when used or expired (`email_change_invalid`) or
    /// when the address was taken meanwhile (`email_taken`).
    pub async fn confirm_email_change(&self, secret: &str) -> StoreResult<User> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let (id, email): (i64, String) = sqlx::query_as(
            "UPDATE email_changes SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
             AND expires_at > $1 RETURNING user_id, new_email",
        )
        .bind(ms(now))
        .bind(hash_secret(secret))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Refused(Refusal::EmailChangeInvalid))?;
        let id = UserId(id);
        let before = self.user(id).await?;
        sqlx::query("UPDATE users SET email = $1, updated_at = $2 WHERE id = $3")
            .bind(&email)
            .bind(ms(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                e if e.is_unique_violation() => StoreError::Refused(Refusal::EmailTaken),
                e => e,
            })?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = User {
            email,
            ..before.clone()
        };
        audit::record(
            &mut tx,
            user_update(Actor::user(id), id, &before, &after),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// The audit record of a change to an account.
pub(crate) fn user_update(
    actor: Actor,
    id: UserId,
    before: &User,
    after: &User,
) -> Change<'static> {
    Change {
        org: None,
        actor,
        action: Action::Update,
        entity: "user",
        entity_id: id.to_string(),
        before: Some(before.audit_json()),
        after: Some(after.audit_json()),
    }
}
