//! A program's managers: people invited to manage this program only.

use super::programs::{back, program_page, program_scope};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::security::CsrfForm;
use axum::extract::State;
use axum::response::Response;
use halles_store::StoreError;
use std::collections::HashMap;

/// Invites someone by e-mail to manage this program only (the operator's staff, program
/// managers included): their membership will reach this program's pages and nothing else.
pub async fn invite_manager(
    paths::Managers(_, id): paths::Managers,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let email = form.get("manager_email").map(|s| s.trim()).unwrap_or("");
    let mut v = halles_core::validation::Validator::new();
    v.email("manager_email", email);
    if let Err(errors) = v.finish() {
        let errors = FormErrors::from_fields(&errors, &m.ctx.i18n);
        return program_page(&state, Member::from_staff(m), id, errors, form).await;
    }
    let program = program_scope(&state, &m, id).await?;
    match state.store.invite_program_manager(&program, email).await {
        // The store records the event; the worker e-mails the invitation.
        Ok(_) => Ok(back(&m, id, "flash-invitation-sent", &state)),
        Err(StoreError::Refused(code)) => {
            let errors = FormErrors {
                items: vec![("manager_email".into(), m.ctx.i18n.t(&format!("err-{code}")))],
            };
            program_page(&state, Member::from_staff(m), id, errors, form).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Takes a manager off this program (their membership, limited to it, ends).
pub async fn remove_manager(
    paths::ManagerRemove(_, id, member): paths::ManagerRemove,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let program = program_scope(&state, &m, id).await?;
    state.store.remove_program_manager(&program, member).await?;
    Ok(back(&m, id, "flash-saved", &state))
}
