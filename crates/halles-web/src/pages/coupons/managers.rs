//! A program's managers: people invited to manage this program only.

use super::programs::{back, program_page, program_scope};
use crate::AppState;
use crate::ctx::{Member, StaffRole};
use crate::errors::PageError;
use crate::forms::{FormErrors, Typed};
use crate::pages::paths;
use crate::security::CsrfForm;
use axum::extract::State;
use axum::response::Response;
use halles_store::StoreError;
use serde::{Deserialize, Serialize};

/// The e-mail address of a program's new manager.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ManagerForm {
    manager_email: String,
}

/// Invites someone by e-mail to manage this program only (the operator's staff, program
/// managers included): their membership will reach this program's pages and nothing else.
pub async fn invite_manager(
    paths::Managers(_, id): paths::Managers,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ManagerForm>,
) -> Result<Response, PageError> {
    let email = form.manager_email.trim();
    let mut v = halles_core::validation::Validator::new();
    v.email("manager_email", email);
    if let Err(errors) = v.finish() {
        let errors = FormErrors::from_fields(&errors, &m.ctx.i18n);
        return program_page(&state, Member::from_staff(m), id, errors, Typed::of(&form)).await;
    }
    let program = program_scope(&state, &m, id).await?;
    match state.store.invite_program_manager(&program, email).await {
        // The store records the event; the worker e-mails the invitation.
        Ok(_) => Ok(back(&m, id, "flash-invitation-sent", &state)),
        Err(StoreError::Refused(code)) => {
            let errors = FormErrors::one("manager_email", &format!("err-{code}"), &m.ctx.i18n);
            program_page(&state, Member::from_staff(m), id, errors, Typed::of(&form)).await
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
