//! Log in, log out, forgotten password.

use crate::AppState;
use crate::ctx::Ctx;
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::{ClientAddr, safe_next, see_other};
use crate::security::{CsrfForm, SESSION_COOKIE, flash_headers, set_cookie};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::Response;
use halles_core::accounts::SESSION_DAYS;
use halles_core::validation::Validator;
use halles_store::demo;
use halles_store::platform::accounts::LoginRefusal;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Ctx,
    errors: FormErrors,
    email: String,
    next: String,
    demo_logins: Vec<(String, String)>,
    demo_note: String,
}

fn login_page(
    state: &AppState,
    page: Ctx,
    errors: FormErrors,
    email: String,
    next: String,
) -> Response {
    let (demo_logins, demo_note) = if state.config.demo {
        (
            demo::LOGINS
                .iter()
                .map(|l| (page.t(l.role_key), l.email.to_owned()))
                .collect(),
            page.ta(
                "login-demo-password",
                &[("password", demo::PASSWORD.to_owned())],
            ),
        )
    } else {
        (Vec::new(), String::new())
    };
    let lang = page.i18n.lang;
    let mut res = render(
        &LoginPage {
            page,
            errors: errors.clone(),
            email,
            next,
            demo_logins,
            demo_note,
        },
        lang,
    );
    if !errors.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

/// Where to go after login.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The login form (or home, when already signed in).
pub async fn login_form(
    _: paths::Login,
    State(state): State<AppState>,
    page: Ctx,
    Query(q): Query<NextQuery>,
) -> Response {
    if page.user.is_some() {
        return see_other(&paths::Root.to_string(), []);
    }
    let next = q.next.unwrap_or_default();
    login_page(&state, page, FormErrors::none(), String::new(), next)
}

/// The submitted login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Checks credentials, opens a session.
pub async fn login(
    _: paths::Login,
    State(state): State<AppState>,
    page: Ctx,
    ClientAddr(addr): ClientAddr,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    let mut v = Validator::new();
    v.email("email", &form.email);
    v.required("password", &form.password);
    if let Err(errs) = v.finish() {
        let errors = FormErrors::from_fields(&errs, &page.i18n);
        return Ok(login_page(&state, page, errors, form.email, form.next));
    }
    let outcome = state
        .store
        .verify_login(&form.email, &form.password, &addr)
        .await
        .map_err(|e| PageError::store(page.i18n.lang, e))?;
    match outcome {
        Ok(user) => {
            let secret = state
                .store
                .create_session(user.id)
                .await
                .map_err(|e| PageError::internal(page.i18n.lang, e))?;
            let cookie = set_cookie(
                SESSION_COOKIE,
                &secret,
                Some(SESSION_DAYS * 86_400),
                state.config.secure_cookies,
            );
            let to = if form.next.is_empty() {
                "/"
            } else {
                safe_next(&form.next)
            };
            Ok(see_other(to, [(SET_COOKIE, cookie)]))
        }
        Err(refusal) => {
            let key = match refusal {
                LoginRefusal::BadCredentials => "err-login-failed",
                LoginRefusal::Disabled => "err-login-disabled",
                LoginRefusal::Throttled => "err-login-throttled",
            };
            let errors = FormErrors::one("email", key, &page.i18n);
            let mut res = login_page(&state, page, errors, form.email, form.next);
            if refusal == LoginRefusal::Throttled {
                *res.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            }
            Ok(res)
        }
    }
}

/// Ends the session.
pub async fn logout(
    _: paths::Logout,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    if let Some(secret) = crate::security::cookie(&headers, SESSION_COOKIE) {
        state.store.delete_session(&secret).await?;
    }
    let secure = state.config.secure_cookies;
    let [flash, mark] = flash_headers("success", "flash-logged-out", secure);
    Ok(see_other(
        "/connexion",
        [
            (SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), secure)),
            flash,
            mark,
        ],
    ))
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    page: Ctx,
    errors: FormErrors,
    email: String,
    sent: bool,
}

/// The "forgot password" form.
pub async fn forgot_form(_: paths::ForgotPassword, page: Ctx) -> Response {
    let lang = page.i18n.lang;
    render(
        &ForgotPage {
            page,
            errors: FormErrors::none(),
            email: String::new(),
            sent: false,
        },
        lang,
    )
}

/// The submitted e-mail.
#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// Sends a reset link when the account exists; answers the same either way. Requests are
/// throttled per address and per e-mail (whether or not it is an account's).
pub async fn forgot(
    _: paths::ForgotPassword,
    State(state): State<AppState>,
    page: Ctx,
    ClientAddr(addr): ClientAddr,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Response, PageError> {
    let lang = page.i18n.lang;
    let mut v = Validator::new();
    v.email("email", &form.email);
    if let Err(errs) = v.finish() {
        let errors = FormErrors::from_fields(&errs, &page.i18n);
        let mut res = render(
            &ForgotPage {
                page,
                errors,
                email: form.email,
                sent: false,
            },
            lang,
        );
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    if !state
        .store
        .allow_password_reset_request(&form.email, &addr)
        .await
        .map_err(|e| PageError::store(lang, e))?
    {
        let errors = FormErrors::one("email", "err-reset-throttled", &page.i18n);
        let mut res = render(
            &ForgotPage {
                page,
                errors,
                email: form.email,
                sent: false,
            },
            lang,
        );
        *res.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
        return Ok(res);
    }
    if let Some(user) = state.store.user_by_email(&form.email).await?
        && user.disabled_at.is_none()
    {
        // The store records the event; the worker e-mails the link.
        state.store.create_password_reset(user.id).await?;
    }
    Ok(render(
        &ForgotPage {
            page,
            errors: FormErrors::none(),
            email: form.email,
            sent: true,
        },
        lang,
    ))
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    page: Ctx,
    errors: FormErrors,
    valid: bool,
    token: String,
}

/// The new-password form behind an e-mailed link.
pub async fn reset_form(
    paths::ResetPassword(token): paths::ResetPassword,
    State(state): State<AppState>,
    page: Ctx,
) -> Result<Response, PageError> {
    let valid = state.store.password_reset_user(&token).await?.is_some();
    let lang = page.i18n.lang;
    Ok(render(
        &ResetPage {
            page,
            errors: FormErrors::none(),
            valid,
            token,
        },
        lang,
    ))
}

/// The new password.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// Sets the new password, then asks the person to log in with it.
pub async fn reset(
    paths::ResetPassword(token): paths::ResetPassword,
    State(state): State<AppState>,
    page: Ctx,
    ClientAddr(addr): ClientAddr,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, PageError> {
    let lang = page.i18n.lang;
    if !state
        .store
        .allow_password_reset_attempt(&addr)
        .await
        .map_err(|e| PageError::store(lang, e))?
    {
        let errors = FormErrors::one("password", "err-reset-throttled", &page.i18n);
        let mut res = render(
            &ResetPage {
                page,
                errors,
                valid: true,
                token,
            },
            lang,
        );
        *res.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
        return Ok(res);
    }
    let mut v = Validator::new();
    v.new_password(
        "password",
        &form.password,
        "password_confirm",
        &form.password_confirm,
    );
    if let Err(errs) = v.finish() {
        let errors = FormErrors::from_fields(&errs, &page.i18n);
        let mut res = render(
            &ResetPage {
                page,
                errors,
                valid: true,
                token,
            },
            lang,
        );
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    match state
        .store
        .complete_password_reset(&token, &form.password)
        .await
    {
        Ok(_) => {
            let [flash, mark] = flash_headers(
                "success",
                "flash-password-reset",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::Login.to_string(), [flash, mark]))
        }
        Err(halles_store::StoreError::Refused(_)) => Ok(render(
            &ResetPage {
                page,
                errors: FormErrors::none(),
                valid: false,
                token,
            },
            lang,
        )),
        Err(e) => Err(PageError::store(lang, e)),
    }
}
