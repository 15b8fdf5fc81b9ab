//! "My account": name, language, password, e-mail (confirmed from the new address); and the
//! language switcher.

use crate::AppState;
use crate::ctx::{Ctx, SignedIn};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::{safe_next, see_other};
use crate::security::{CsrfForm, LANG_COOKIE, flash_headers, set_cookie};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::Response;
use halles_core::accounts::Lang;
use halles_core::validation::Validator;
use halles_store::Actor;

use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Ctx,
    name: String,
    lang: String,
    email: String,
    errors: FormErrors,
    pw_errors: FormErrors,
    /// The e-mail change form: what was typed, and what is wrong with it.
    new_email: String,
    mail_errors: FormErrors,
}

/// Which form of the account page came back, with its errors.
enum Refused {
    None,
    Profile(FormErrors),
    Password(FormErrors),
    Email(String, FormErrors),
}

fn account_page(s: SignedIn, name: String, lang: String, refused: Refused) -> Response {
    let l = s.ctx.i18n.lang;
    let (errors, pw_errors, new_email, mail_errors) = match refused {
        Refused::None => (
            FormErrors::none(),
            FormErrors::none(),
            String::new(),
            FormErrors::none(),
        ),
        Refused::Profile(e) => (e, FormErrors::none(), String::new(), FormErrors::none()),
        Refused::Password(e) => (FormErrors::none(), e, String::new(), FormErrors::none()),
        Refused::Email(typed, e) => (FormErrors::none(), FormErrors::none(), typed, e),
    };
    let failed = !errors.is_empty() || !pw_errors.is_empty() || !mail_errors.is_empty();
    let mut res = render(
        &AccountPage {
            email: s.user.email.clone(),
            page: s.ctx,
            name,
            lang,
            errors,
            pw_errors,
            new_email,
            mail_errors,
        },
        l,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

/// The account page.
pub async fn show(_: paths::Account, s: SignedIn) -> Response {
    let (name, lang) = (s.user.name.clone(), s.user.lang.code().to_owned());
    account_page(s, name, lang, Refused::None)
}

/// Name and language.
#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    lang: String,
}

/// Saves name and language.
pub async fn update(
    _: paths::Account,
    State(state): State<AppState>,
    s: SignedIn,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Result<Response, PageError> {
    let mut v = Validator::new();
    v.required("name", &form.name);
    v.max_len("name", &form.name, 120);
    let lang = form.lang.parse::<Lang>();
    if lang.is_err() {
        v.add("lang", "lang_invalid");
    }
    let (Ok(()), Ok(lang)) = (v.clone().finish(), lang) else {
        let errors = FormErrors::from_fields(&v.into_errors(), &s.ctx.i18n);
        return Ok(account_page(
            s,
            form.name,
            form.lang,
            Refused::Profile(errors),
        ));
    };
    state
        .store
        .update_profile(Actor::user(s.user.id), s.user.id, &form.name, lang)
        .await?;
    let [f, k] = flash_headers(
        "success",
        "flash-account-saved",
        state.config.secure_cookies,
    );
    Ok(see_other(&paths::Account.to_string(), [f, k]))
}

/// A password change.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// Changes the password after checking the current one; other sessions end.
pub async fn change_password(
    _: paths::AccountPassword,
    State(state): State<AppState>,
    s: SignedIn,
    crate::pages::ClientAddr(addr): crate::pages::ClientAddr,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let mut v = Validator::new();
    let ok = state
        .store
        // The same throttle as logging in, per person and per network address.
        .verify_login(&s.user.email, &form.current_password, &addr)
        .await?
        .is_ok();
    if !ok {
        v.add("current_password", "password_wrong");
    }
    v.new_password(
        "password",
        &form.password,
        "password_confirm",
        &form.password_confirm,
    );
    if let Err(errs) = v.finish() {
        let pw_errors = FormErrors::from_fields(&errs, &s.ctx.i18n);
        let (name, lang) = (s.user.name.clone(), s.user.lang.code().to_owned());
        return Ok(account_page(s, name, lang, Refused::Password(pw_errors)));
    }
    state
        .store
        .set_password(Actor::user(s.user.id), s.user.id, &form.password)
        .await?;
    // Changing the password ends every session, this one too: log in again.
    let [f, k] = flash_headers(
        "success",
        "flash-password-changed",
        state.config.secure_cookies,
    );
    Ok(see_other(&paths::Login.to_string(), [f, k]))
}

/// A change of e-mail.
#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    email_password: String,
}

/// Asks for a change of e-mail: after the password is checked, a link goes to the new address
/// (and a word to the old one); the change happens only when that link is used.
pub async fn request_email_change(
    _: paths::AccountEmail,
    State(state): State<AppState>,
    s: SignedIn,
    crate::pages::ClientAddr(addr): crate::pages::ClientAddr,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<Response, PageError> {
    let mut v = Validator::new();
    v.required("new_email", &form.new_email);
    v.email("new_email", &form.new_email);
    let ok = state
        .store
        .verify_login(&s.user.email, &form.email_password, &addr)
        .await?
        .is_ok();
    if !ok {
        v.add("email_password", "password_wrong");
    }
    let refuse = |s: SignedIn, errs: &[halles_core::validation::FieldError]| {
        let errors = FormErrors::from_fields(errs, &s.ctx.i18n);
        let (name, lang) = (s.user.name.clone(), s.user.lang.code().to_owned());
        account_page(
            s,
            name,
            lang,
            Refused::Email(form.new_email.clone(), errors),
        )
    };
    if let Err(errs) = v.finish() {
        return Ok(refuse(s, &errs));
    }
    match state
        .store
        .request_email_change(s.user.id, &form.new_email)
        .await
    {
        // The store records the event; the worker e-mails the link.
        Ok(_) => {}
        Err(halles_store::StoreError::Refused(code)) => {
            let mut v = Validator::new();
            v.add("new_email", code.code());
            let errs = v.into_errors();
            return Ok(refuse(s, &errs));
        }
        Err(e) => return Err(e.into()),
    }
    let [f, k] = flash_headers(
        "success",
        "flash-email-change-sent",
        state.config.secure_cookies,
    );
    Ok(see_other(&paths::Account.to_string(), [f, k]))
}

#[derive(Template)]
#[template(path = "email_change.html")]
struct EmailChangePage {
    page: Ctx,
    token: String,
    /// The new address, while the link is live.
    email: Option<String>,
}

/// The link sent to the new address: confirms the change with one button.
pub async fn email_change_form(
    paths::AccountEmailConfirm(token): paths::AccountEmailConfirm,
    State(state): State<AppState>,
    page: Ctx,
) -> Result<Response, PageError> {
    let email = state.store.email_change(&token).await?;
    let lang = page.i18n.lang;
    Ok(render(&EmailChangePage { page, token, email }, lang))
}

/// Confirms the change: the account's e-mail is the new one, and every session ends.
pub async fn confirm_email_change(
    paths::AccountEmailConfirm(token): paths::AccountEmailConfirm,
    State(state): State<AppState>,
    page: Ctx,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    match state.store.confirm_email_change(&token).await {
        Ok(_) => {
            let [f, k] = flash_headers(
                "success",
                "flash-email-changed",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::Login.to_string(), [f, k]))
        }
        Err(halles_store::StoreError::Refused(_)) => {
            let lang = page.i18n.lang;
            let mut res = render(
                &EmailChangePage {
                    page,
                    token,
                    email: None,
                },
                lang,
            );
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// The language switcher.
#[derive(Debug, Deserialize)]
pub struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: String,
}

/// Switches language: remembered in a cookie, and on the account when signed in.
pub async fn switch_language(
    _: paths::Language,
    State(state): State<AppState>,
    page: Ctx,
    CsrfForm(form): CsrfForm<LangForm>,
) -> Result<Response, PageError> {
    let lang: Lang = form.lang.parse().unwrap_or_default();
    if let Some(u) = &page.user {
        state
            .store
            .update_profile(Actor::user(u.id), u.id, &u.name, lang)
            .await?;
    }
    let cookie = set_cookie(
        LANG_COOKIE,
        lang.code(),
        Some(365 * 86_400),
        state.config.secure_cookies,
    );
    Ok(see_other(safe_next(&form.next), [(SET_COOKIE, cookie)]))
}
