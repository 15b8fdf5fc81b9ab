//! A program's participant types: added, changed, deleted.

use super::programs::{program_scope, saved_or_refused};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::forms::{PerRow, Typed};
use crate::pages::paths;
use crate::security::CsrfForm;
use axum::extract::State;
use axum::response::Response;
use halles_core::ParticipantTypeId;
use halles_core::ProgramId;
use serde::{Deserialize, Serialize};

/// A new participant type: names and the match key imports use.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TypeForm {
    type_fr: String,
    type_en: String,
    type_key: String,
}

/// A type's changes, in fields named after it (`type_{id}_fr`, `_en`, `_key`), since every
/// type's form is on the same page.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TypeChangeForm {
    #[serde(flatten)]
    fields: PerRow,
}

/// A type's names and match key, trimmed.
struct TypeNames<'a> {
    fr: &'a str,
    en: &'a str,
    key: &'a str,
}

/// Adds a participant type (`ptype` none) or changes one, for the operator. A refusal comes
/// back on the program's page with what was typed, on the fields `type_` (new) or
/// `type_{id}_` (existing) starts.
async fn save_type(
    state: AppState,
    m: Member<StaffRole>,
    id: ProgramId,
    ptype: Option<ParticipantTypeId>,
    names: TypeNames<'_>,
    typed: Typed,
) -> Result<Response, PageError> {
    let prefix = ptype
        .map(|t| format!("type_{t}_"))
        .unwrap_or_else(|| "type_".into());
    let program = program_scope(&state, &m, id).await?;
    let result = match ptype {
        Some(t) => {
            state
                .store
                .update_participant_type(&program, t, names.fr, names.en, names.key)
                .await
        }
        None => state
            .store
            .add_participant_type(&program, names.fr, names.en, names.key)
            .await
            .map(|_| ()),
    };
    saved_or_refused(&state, m, id, result, typed, |code| {
        let field = if code == "name_required" { "fr" } else { "key" };
        format!("{prefix}{field}")
    })
    .await
}

/// Adds a participant type (the operator).
pub async fn add_type(
    paths::ParticipantTypes(_, id): paths::ParticipantTypes,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<TypeForm>,
) -> Result<Response, PageError> {
    let names = TypeNames {
        fr: form.type_fr.trim(),
        en: form.type_en.trim(),
        key: form.type_key.trim(),
    };
    save_type(state, m, id, None, names, Typed::of(&form)).await
}

/// Changes a participant type's names and match key (the operator).
pub async fn update_type(
    paths::ParticipantType(_, id, ptype): paths::ParticipantType,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<TypeChangeForm>,
) -> Result<Response, PageError> {
    let [fr, en, key] = ["fr", "en", "key"].map(|k| format!("type_{ptype}_{k}"));
    let names = TypeNames {
        fr: form.fields.get(&fr),
        en: form.fields.get(&en),
        key: form.fields.get(&key),
    };
    save_type(state, m, id, Some(ptype), names, Typed::of(&form)).await
}

/// Deletes a participant type nothing uses (the operator); a refusal comes back beside its form.
pub async fn delete_type(
    paths::ParticipantTypeDelete(_, id, ptype): paths::ParticipantTypeDelete,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    let result = state.store.delete_participant_type(&program, ptype).await;
    saved_or_refused(&state, m, id, result, Typed::none(), |_| {
        format!("type_{ptype}_fr")
    })
    .await
}
