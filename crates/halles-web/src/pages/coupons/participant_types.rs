//! A program's participant types: added, changed, deleted.

use super::programs::{program_scope, saved_or_refused};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::pages::paths;
use crate::security::CsrfForm;
use axum::extract::State;
use axum::response::Response;
use halles_core::ParticipantTypeId;
use halles_core::ProgramId;
use std::collections::HashMap;

/// Adds a participant type (`types`) or changes one (`types/{type}`), for the operator. A refusal
/// comes back on the program's page with what was typed.
async fn save_type(
    state: AppState,
    m: Member<StaffRole>,
    id: ProgramId,
    ptype: Option<ParticipantTypeId>,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let prefix = ptype
        .map(|t| format!("type_{t}_"))
        .unwrap_or_else(|| "type_".into());
    let get = |k: &str| {
        form.get(&format!("{prefix}{k}"))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let program = program_scope(&state, &m, id).await?;
    let result = match ptype {
        Some(t) => {
            state
                .store
                .update_participant_type(&program, t, &get("fr"), &get("en"), &get("key"))
                .await
        }
        None => state
            .store
            .add_participant_type(&program, &get("fr"), &get("en"), &get("key"))
            .await
            .map(|_| ()),
    };
    saved_or_refused(&state, m, id, result, form, |code| {
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
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    save_type(state, m, id, None, form).await
}

/// Changes a participant type's names and match key (the operator).
pub async fn update_type(
    paths::ParticipantType(_, id, ptype): paths::ParticipantType,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    save_type(state, m, id, Some(ptype), form).await
}

/// Deletes a participant type nothing uses (the operator); a refusal comes back beside its form.
pub async fn delete_type(
    paths::ParticipantTypeDelete(_, id, ptype): paths::ParticipantTypeDelete,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    let result = state.store.delete_participant_type(&program, ptype).await;
    saved_or_refused(&state, m, id, result, form, |_| format!("type_{ptype}_fr")).await
}
