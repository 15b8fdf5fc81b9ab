//! Accepting an invitation: with an existing account, or by creating one.

use crate::AppState;
use crate::ctx::Ctx;
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, SESSION_COOKIE, flash_headers, set_cookie};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::Response;
use halles_core::accounts::SESSION_DAYS;
use halles_core::validation::Validator;
use halles_store::platform::accounts::NewUser;
use halles_store::platform::organizations::{Invitation, Organization};
use halles_store::{Actor, StoreError};
use serde::Deserialize;

/// What the invitation page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mode {
    /// The link is unknown, used, revoked or expired.
    Invalid,
    /// Signed in with the invited address: one button.
    Accept,
    /// Signed in with another address.
    WrongAccount,
    /// Not signed in, and the address has an account: log in first.
    LogIn,
    /// Not signed in, no account: choose a name and a password.
    Register,
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    page: Ctx,
    mode: Mode,
    token: String,
    org_name: String,
    role: String,
    email: String,
    name: String,
    errors: FormErrors,
    login_link: String,
}

async fn page_for(
    state: &AppState,
    page: Ctx,
    token: String,
    found: Option<(Invitation, Organization)>,
    errors: FormErrors,
    name: String,
) -> Result<Response, PageError> {
    let lang = page.i18n.lang;
    let (mode, org_name, role, email) = match &found {
        None => (Mode::Invalid, String::new(), String::new(), String::new()),
        Some((inv, org)) => {
            let mode = match &page.user {
                Some(u) if u.email == inv.email => Mode::Accept,
                Some(_) => Mode::WrongAccount,
                None if state.store.user_by_email(&inv.email).await?.is_some() => Mode::LogIn,
                None => Mode::Register,
            };
            (
                mode,
                org.name.clone(),
                page.role_label(&inv.role),
                inv.email.clone(),
            )
        }
    };
    let failed = !errors.is_empty();
    let login_link = format!("{}?next={}", paths::Login, paths::Invitation(token.clone()));
    let mut res = render(
        &InvitationPage {
            page,
            mode,
            token,
            org_name,
            role,
            email,
            name,
            errors,
            login_link,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The invitation page.
pub async fn show(
    paths::Invitation(token): paths::Invitation,
    State(state): State<AppState>,
    page: Ctx,
) -> Result<Response, PageError> {
    let found = state.store.invitation_by_secret(&token).await?;
    page_for(
        &state,
        page,
        token,
        found,
        FormErrors::none(),
        String::new(),
    )
    .await
}

/// A new account's name and password (ignored when signed in).
#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// Accepts: joins the organization, creating the account first when needed.
pub async fn accept(
    paths::Invitation(token): paths::Invitation,
    State(state): State<AppState>,
    page: Ctx,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> Result<Response, PageError> {
    let Some((inv, _org)) = state.store.invitation_by_secret(&token).await? else {
        return page_for(&state, page, token, None, FormErrors::none(), String::new()).await;
    };
    let secure = state.config.secure_cookies;
    let mut cookies = Vec::new();
    let user = match &page.user {
        Some(u) if u.email == inv.email => u.clone(),
        Some(_) => {
            let found = Some((inv.clone(), _org));
            return page_for(
                &state,
                page,
                token,
                found,
                FormErrors::none(),
                String::new(),
            )
            .await;
        }
        None => {
            if state.store.user_by_email(&inv.email).await?.is_some() {
                return Ok(see_other(
                    &format!("{}?next={}", paths::Login, paths::Invitation(token.clone())),
                    [],
                ));
            }
            let mut v = Validator::new();
            v.required("name", &form.name);
            v.max_len("name", &form.name, 120);
            v.new_password(
                "password",
                &form.password,
                "password_confirm",
                &form.password_confirm,
            );
            if let Err(errs) = v.finish() {
                let errors = FormErrors::from_fields(&errs, &page.i18n);
                let found = Some((inv, _org));
                return page_for(&state, page, token, found, errors, form.name).await;
            }
            let user = state
                .store
                .create_user(
                    Actor::system(),
                    NewUser {
                        email: &inv.email,
                        name: &form.name,
                        lang: page.i18n.lang,
                        password: Some(&form.password),
                        is_platform_admin: false,
                    },
                )
                .await?;
            let secret = state.store.create_session(user.id).await?;
            cookies.push((
                SET_COOKIE,
                set_cookie(SESSION_COOKIE, &secret, Some(SESSION_DAYS * 86_400), secure),
            ));
            user
        }
    };
    match state.store.accept_invitation(&token, &user).await {
        Ok(org) => {
            cookies.extend(flash_headers(
                "success",
                "flash-invitation-accepted",
                secure,
            ));
            Ok(see_other(&paths::OrgHome(org).to_string(), cookies))
        }
        Err(StoreError::Refused(_)) => {
            page_for(&state, page, token, None, FormErrors::none(), String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}
