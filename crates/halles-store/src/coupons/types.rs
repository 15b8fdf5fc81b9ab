//! A program's participant types (household-size tiers and the like) after the program was
//! made: add one, change its names and the import keys an import recognizes it by (several,
//! separated by commas, none another type's), or delete one nothing uses.

use super::ProgramScope;
use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::platform::audit::{self, Action, Change};
use halles_core::ParticipantTypeId;
use halles_core::refusals::Refusal;
use serde_json::json;

/// Names and match key of a participant type, as typed: the English name and the key default to
/// the French name.
fn cleaned<'a>(fr: &'a str, en: &'a str, key: &'a str) -> StoreResult<(&'a str, &'a str, String)> {
    let fr = fr.trim();
    if fr.is_empty() {
        return Err(StoreError::Refused(Refusal::NameRequired));
    }
    if [fr, en, key]
        .iter()
        .any(|t| !halles_core::validation::is_clean_text(t))
    {
        return Err(StoreError::Refused(Refusal::InvalidCharacters));
    }
    let en = Some(en.trim()).filter(|e| !e.is_empty()).unwrap_or(fr);
    let mut keys: Vec<String> = Vec::new();
    for k in super::programs::import_keys(key) {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    if keys.is_empty() {
        keys.push(fr.to_lowercase());
    }
    Ok((fr, en, keys.join(", ")))
}

/// Refuses import keys another type of the program already has (`duplicate_match_key`).
fn keys_free(
    types: &[super::ParticipantType],
    except: Option<ParticipantTypeId>,
    keys: &str,
) -> StoreResult<()> {
    let taken = types
        .iter()
        .filter(|t| Some(t.id) != except)
        .any(|t| super::programs::import_keys(keys).any(|k| t.import_keys().any(|o| o == k)));
    if taken {
        return Err(StoreError::Refused(Refusal::DuplicateMatchKey));
    }
    Ok(())
}

fn duplicate_key(e: sqlx::Error) -> StoreError {
    match StoreError::from(e) {
        e if e.is_unique_violation() => StoreError::Refused(Refusal::DuplicateMatchKey),
        e => e,
    }
}

impl Store {
    /// Adds a participant type at the end of a program's list (the operator).
    pub async fn add_participant_type(
        &self,
        ps: &ProgramScope,
        name_fr: &str,
        name_en: &str,
        match_key: &str,
    ) -> StoreResult<ParticipantTypeId> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let (fr, en, key) = cleaned(name_fr, name_en, match_key)?;
        keys_free(&self.participant_types(program).await?, None, &key)?;
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO participant_types (organization_id, program_id, name_fr, name_en, match_key, position) \
             VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(position) + 1, 0) FROM participant_types WHERE program_id = $2)) RETURNING id",
        )
        .bind(scope.org.0)
        .bind(program.0)
        .bind(fr)
        .bind(en)
        .bind(&key)
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate_key)?;
        let change = Change::by(scope, Action::Create, "participant_type", id)
            .after(json!({"program": program, "name_fr": fr, "name_en": en, "match_key": key}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Ok(ParticipantTypeId(id))
    }

    /// Changes a participant type's names and match key (the operator). Participants and
    /// schedule amounts keep pointing at it.
    pub async fn update_participant_type(
        &self,
        ps: &ProgramScope,
        id: ParticipantTypeId,
        name_fr: &str,
        name_en: &str,
        match_key: &str,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let (fr, en, key) = cleaned(name_fr, name_en, match_key)?;
        let before = self
            .participant_types(program)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(StoreError::NotFound)?;
        keys_free(&self.participant_types(program).await?, Some(id), &key)?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE participant_types SET name_fr = $1, name_en = $2, match_key = $3 WHERE id = $4 \
             AND program_id = $5 AND organization_id = $6",
        )
        .bind(fr)
        .bind(en)
        .bind(&key)
        .bind(id.0)
        .bind(program.0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await
        .map_err(duplicate_key)?;
        let change = Change::by(scope, Action::Update, "participant_type", id)
            .before(json!({
                "name_fr": before.name_fr,
                "name_en": before.name_en,
                "match_key": before.match_key,
            }))
            .after(json!({"name_fr": fr, "name_en": en, "match_key": key}));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a participant type nothing uses (the operator): refused while a participant has
    /// it, a schedule gives it an amount, or a ledger entry names it (`type_in_use`), and for a
    /// program's last type (`last_type`). Its zero amounts in schedules go with it.
    pub async fn delete_participant_type(
        &self,
        ps: &ProgramScope,
        id: ParticipantTypeId,
    ) -> StoreResult<()> {
        let (scope, program) = (ps.operated()?.tenant(), ps.id());
        let types = self.participant_types(program).await?;
        let before = types
            .iter()
            .find(|t| t.id == id)
            .ok_or(StoreError::NotFound)?;
        if types.len() == 1 {
            return Err(StoreError::Refused(Refusal::LastType));
        }
        let mut tx = self.write_tx().await?;
        let used: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM participants WHERE participant_type_id = $1) \
             + (SELECT COUNT(*) FROM schedule_amounts WHERE participant_type_id = $1 AND amount_cents > 0) \
             + (SELECT COUNT(*) FROM fund_entries WHERE participant_type_id = $1) AS n",
        )
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
        if used > 0 {
            return Err(StoreError::Refused(Refusal::TypeInUse));
        }
        sqlx::query(
            "DELETE FROM schedule_amounts WHERE organization_id = $1 AND participant_type_id = $2",
        )
        .bind(scope.org.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM participant_types WHERE id = $1 AND program_id = $2 AND organization_id = $3",
        )
        .bind(id.0)
        .bind(program.0)
        .bind(scope.org.0)
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Delete, "participant_type", id).before(json!({
            "name_fr": before.name_fr,
            "name_en": before.name_en,
            "match_key": before.match_key,
        }));
        audit::record(&mut tx, change, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
