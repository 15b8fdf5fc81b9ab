//! Members of an organization: roles, removal, invitations.

use crate::AppState;
use crate::ctx::{AdminRole, Ctx, Member};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::organizations::Role;
use halles_core::validation::Validator;

use halles_store::StoreError;
use halles_store::platform::organizations::{Invitation, Member as OrgMember};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    page: Ctx,
    members: Vec<OrgMember>,
    invitations: Vec<Invitation>,
    roles: Vec<Role>,
    errors: FormErrors,
    email: String,
    role: String,
    now: jiff::Timestamp,
}

impl MembersPage {
    /// Whether an invitation's link no longer works (it can be sent again).
    fn expired(&self, inv: &Invitation) -> bool {
        inv.expires_at <= self.now
    }
}

async fn members_page(
    state: &AppState,
    m: Member<AdminRole>,
    errors: FormErrors,
    email: String,
    role: String,
) -> Result<Response, PageError> {
    let members = state.store.members(&m.scope, None, 1000).await?;
    let invitations = state.store.unanswered_invitations(&m.scope).await?;
    let now = state.store.now();
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    let mut res = render(
        &MembersPage {
            roles: m.org.kind.roles().to_vec(),
            page: m.ctx,
            members,
            invitations,
            errors,
            email,
            role,
            now,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The members page.
pub async fn list(
    _: paths::Members,
    State(state): State<AppState>,
    m: Member<AdminRole>,
) -> Result<Response, PageError> {
    members_page(&state, m, FormErrors::none(), String::new(), "staff".into()).await
}

/// The invitation form.
#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// Invites someone by e-mail.
pub async fn invite(
    _: paths::MembersInvite,
    State(state): State<AppState>,
    m: Member<AdminRole>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<Response, PageError> {
    let mut v = Validator::new();
    v.email("email", &form.email);
    let role = form
        .role
        .parse::<Role>()
        .ok()
        .filter(|r| m.org.kind.roles().contains(r));
    if role.is_none() {
        v.add("role", "role_invalid");
    }
    let (Ok(()), Some(role)) = (v.clone().finish(), role) else {
        let errors = FormErrors::from_fields(&v.into_errors(), &m.ctx.i18n);
        return members_page(&state, m, errors, form.email, form.role).await;
    };
    match state
        .store
        .create_invitation(&m.scope, &form.email, role)
        .await
    {
        Ok(_) => {
            let [f, k] = flash_headers(
                "success",
                "flash-invitation-sent",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::Members(m.org.id).to_string(), [f, k]))
        }
        Err(StoreError::Refused(code)) => {
            let errors = FormErrors::one("email", &format!("err-{code}"), &m.ctx.i18n);
            members_page(&state, m, errors, form.email, form.role).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A new role.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// Changes a member's role.
pub async fn change_role(
    paths::MemberRole(_, id): paths::MemberRole,
    State(state): State<AppState>,
    m: Member<AdminRole>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    let back = paths::Members(m.org.id).to_string();
    let Ok(role) = form.role.parse::<Role>() else {
        let [f, k] = flash_headers("error", "err-role_invalid", secure);
        return Ok(see_other(&back, [f, k]));
    };
    let [f, k] = match state.store.change_member_role(&m.scope, id, role).await {
        Ok(()) => flash_headers("success", "flash-role-changed", secure),
        Err(StoreError::Refused(code)) => flash_headers("error", flash_key(code.code()), secure),
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(&back, [f, k]))
}

fn flash_key(code: &str) -> &'static str {
    match code {
        "last_admin" => "err-last_admin",
        "role_not_allowed" => "err-role_not_allowed",
        _ => "err-internal",
    }
}

/// Removes a member.
pub async fn remove(
    paths::MemberRemove(_, id): paths::MemberRemove,
    State(state): State<AppState>,
    m: Member<AdminRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    let [f, k] = match state.store.remove_member(&m.scope, id).await {
        Ok(()) => flash_headers("success", "flash-member-removed", secure),
        Err(StoreError::Refused(code)) => flash_headers("error", flash_key(code.code()), secure),
        Err(e) => return Err(e.into()),
    };
    Ok(see_other(&paths::Members(m.org.id).to_string(), [f, k]))
}

/// Revokes a pending invitation.
pub async fn revoke_invitation(
    paths::InvitationRevoke(_, id): paths::InvitationRevoke,
    State(state): State<AppState>,
    m: Member<AdminRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    state.store.revoke_invitation(&m.scope, id).await?;
    let [f, k] = flash_headers(
        "success",
        "flash-invitation-revoked",
        state.config.secure_cookies,
    );
    Ok(see_other(&paths::Members(m.org.id).to_string(), [f, k]))
}

/// Sends an invitation again, expired or not: a new link, valid for the platform's number of
/// days from now (the old link stops working).
pub async fn resend_invitation(
    paths::InvitationResend(_, id): paths::InvitationResend,
    State(state): State<AppState>,
    m: Member<AdminRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    // The store records the event; the worker e-mails the new link.
    state.store.resend_invitation(&m.scope, id).await?;
    let [f, k] = flash_headers(
        "success",
        "flash-invitation-resent",
        state.config.secure_cookies,
    );
    Ok(see_other(&paths::Members(m.org.id).to_string(), [f, k]))
}
