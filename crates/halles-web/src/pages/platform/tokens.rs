//! API tokens of an organization: create (secret shown once), list, revoke.

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
use halles_core::organizations::Scope;
use halles_core::validation::Validator;
use halles_store::platform::tokens::ApiToken;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    page: Ctx,
    tokens: Vec<ApiToken>,
    scopes: Vec<Scope>,
    errors: FormErrors,
    name: String,
    chosen: Vec<Scope>,
    new_secret: Option<String>,
}

impl TokensPage {
    fn scope_label(&self, s: &Scope) -> String {
        self.page
            .t(&format!("scope-{}", s.code().replace(':', "-")))
    }
}

async fn tokens_page(
    state: &AppState,
    m: Member<AdminRole>,
    errors: FormErrors,
    name: String,
    chosen: Vec<Scope>,
    new_secret: Option<String>,
) -> Result<Response, PageError> {
    let tokens = state.store.tokens(&m.scope).await?;
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    let mut res = render(
        &TokensPage {
            page: m.ctx,
            tokens,
            scopes: Scope::ALL.to_vec(),
            errors,
            name,
            chosen,
            new_secret,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The tokens page.
pub async fn list(
    _: paths::Tokens,
    State(state): State<AppState>,
    m: Member<AdminRole>,
) -> Result<Response, PageError> {
    tokens_page(
        &state,
        m,
        FormErrors::none(),
        String::new(),
        vec![Scope::OrgRead],
        None,
    )
    .await
}

/// A new token: a name and scopes (repeated `scope` fields).
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: Vec<String>,
}

/// Creates a token and shows its secret once.
pub async fn create(
    _: paths::Tokens,
    State(state): State<AppState>,
    m: Member<AdminRole>,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, PageError> {
    let chosen: Vec<Scope> = form.scope.iter().filter_map(|s| s.parse().ok()).collect();
    let mut v = Validator::new();
    v.required("name", &form.name);
    v.max_len("name", &form.name, 80);
    if chosen.is_empty() {
        v.add("scope", "scope_required");
    }
    if let Err(errs) = v.finish() {
        let errors = FormErrors::from_fields(&errs, &m.ctx.i18n);
        return tokens_page(&state, m, errors, form.name, chosen, None).await;
    }
    let (_, secret) = state
        .store
        .create_token(&m.scope, &form.name, &chosen)
        .await?;
    tokens_page(
        &state,
        m,
        FormErrors::none(),
        String::new(),
        vec![Scope::OrgRead],
        Some(secret),
    )
    .await
}

/// Revokes a token.
pub async fn revoke(
    paths::TokenRevoke(_, id): paths::TokenRevoke,
    State(state): State<AppState>,
    m: Member<AdminRole>,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    state.store.revoke_token(&m.scope, id).await?;
    let [f, k] = flash_headers(
        "success",
        "flash-token-revoked",
        state.config.secure_cookies,
    );
    Ok(see_other(&paths::Tokens(m.org.id).to_string(), [f, k]))
}
