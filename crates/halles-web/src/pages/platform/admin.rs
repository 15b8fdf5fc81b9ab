//! Platform administration: organizations, accounts (disabled, made platform administrators,
//! deleted under a pseudonym), the platform's settings, the e-mail outbox and background jobs.

use crate::AppState;
use crate::ctx::{Ctx, PlatformAdmin};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::UserId;
use halles_core::accounts::Lang;
use halles_core::organizations::{OrgKind, Role};
use halles_core::refusals::Refusal;
use halles_core::validation::Validator;
use halles_store::platform::accounts::User;
use halles_store::platform::email::Email;
use halles_store::platform::jobs::Job;
use halles_store::platform::organizations::Organization;
use halles_store::{Actor, TenantScope};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin_orgs.html")]
struct OrgsPage {
    page: Ctx,
    orgs: Vec<Organization>,
    archived: Vec<Organization>,
    kinds: Vec<OrgKind>,
    errors: FormErrors,
    kind: String,
    name: String,
    admin_email: String,
}

async fn orgs_page(
    state: &AppState,
    page: Ctx,
    errors: FormErrors,
    kind: String,
    name: String,
    admin_email: String,
) -> Result<Response, PageError> {
    let orgs = state.store.organizations().await?;
    let archived = state.store.archived_organizations().await?;
    let lang = page.i18n.lang;
    let failed = !errors.is_empty();
    let mut res = render(
        &OrgsPage {
            page,
            orgs,
            archived,
            kinds: OrgKind::ALL.to_vec(),
            errors,
            kind,
            name,
            admin_email,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// Organizations of the platform.
pub async fn organizations(
    _: paths::Admin,
    State(state): State<AppState>,
    a: PlatformAdmin,
) -> Result<Response, PageError> {
    orgs_page(
        &state,
        a.ctx,
        FormErrors::none(),
        "hub".into(),
        String::new(),
        String::new(),
    )
    .await
}

/// A new organization and the e-mail of its first administrator.
#[derive(Debug, Deserialize)]
pub struct OrgForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    admin_email: String,
}

/// Creates an organization and invites its first administrator.
pub async fn create_organization(
    _: paths::Admin,
    State(state): State<AppState>,
    a: PlatformAdmin,
    CsrfForm(form): CsrfForm<OrgForm>,
) -> Result<Response, PageError> {
    let mut v = Validator::new();
    let kind = form.kind.parse::<OrgKind>();
    if kind.is_err() {
        v.add("kind", "kind_invalid");
    }
    v.required("name", &form.name);
    v.max_len("name", &form.name, 160);
    v.email("admin_email", &form.admin_email);
    let (Ok(()), Ok(kind)) = (v.clone().finish(), kind) else {
        let errors = FormErrors::from_fields(&v.into_errors(), &a.ctx.i18n);
        return orgs_page(
            &state,
            a.ctx,
            errors,
            form.kind,
            form.name,
            form.admin_email,
        )
        .await;
    };
    let org = state
        .store
        .create_organization(Actor::user(a.user.id), kind, &form.name, Lang::Fr)
        .await?;
    let scope = TenantScope::checked(org.id, Actor::user(a.user.id));
    state
        .store
        .create_invitation(&scope, &form.admin_email, Role::Admin)
        .await?;
    let [f, k] = flash_headers("success", "flash-org-created", state.config.secure_cookies);
    Ok(see_other(&paths::Admin.to_string(), [f, k]))
}

/// A rename, or an archive (`archived` = 1) or restore (0).
#[derive(Debug, Deserialize)]
pub struct OrgChangeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    archived: String,
}

/// Renames (`renommer`), archives or restores (`archiver`) an organization. A refusal comes
/// back on the organizations page.
pub async fn change_organization(
    paths::AdminOrganization(org, action): paths::AdminOrganization,
    State(state): State<AppState>,
    a: PlatformAdmin,
    CsrfForm(form): CsrfForm<OrgChangeForm>,
) -> Result<Response, PageError> {
    let actor = Actor::user(a.user.id);
    let result = match action.as_str() {
        "renommer" => {
            state
                .store
                .rename_organization(actor, org, &form.name)
                .await
        }
        "archiver" => {
            state
                .store
                .set_organization_archived(actor, org, form.archived == "1")
                .await
        }
        _ => return Err(halles_store::StoreError::NotFound.into()),
    };
    match result {
        Ok(()) => {
            let [f, k] = flash_headers("success", "flash-saved", state.config.secure_cookies);
            Ok(see_other(&paths::Admin.to_string(), [f, k]))
        }
        Err(halles_store::StoreError::Refused(code)) => {
            let key = if code == Refusal::NameRequired {
                "err-required".to_owned()
            } else {
                format!("err-{code}")
            };
            let errors = FormErrors::one(&format!("org_{org}"), &key, &a.ctx.i18n);
            orgs_page(
                &state,
                a.ctx,
                errors,
                "hub".into(),
                String::new(),
                String::new(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    page: Ctx,
    users: Vec<User>,
}

/// Every account.
pub async fn users(
    _: paths::AdminUsers,
    State(state): State<AppState>,
    a: PlatformAdmin,
) -> Result<Response, PageError> {
    let users = state.store.users().await?;
    let lang = a.ctx.i18n.lang;
    Ok(render(&UsersPage { page: a.ctx, users }, lang))
}

async fn set_disabled(
    state: &AppState,
    a: &PlatformAdmin,
    id: UserId,
    disabled: bool,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    if id == a.user.id {
        let [f, k] = flash_headers("error", "err-disable-self", secure);
        return Ok(see_other(&paths::AdminUsers.to_string(), [f, k]));
    }
    state
        .store
        .set_user_disabled(Actor::user(a.user.id), id, disabled)
        .await?;
    let key = if disabled {
        "flash-user-disabled"
    } else {
        "flash-user-enabled"
    };
    let [f, k] = flash_headers("success", key, secure);
    Ok(see_other(&paths::AdminUsers.to_string(), [f, k]))
}

/// Disables an account: it can no longer log in, its sessions end.
pub async fn disable_user(
    paths::AdminUserDisable(id): paths::AdminUserDisable,
    State(state): State<AppState>,
    a: PlatformAdmin,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    set_disabled(&state, &a, id, true).await
}

/// Re-enables an account.
pub async fn enable_user(
    paths::AdminUserEnable(id): paths::AdminUserEnable,
    State(state): State<AppState>,
    a: PlatformAdmin,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    set_disabled(&state, &a, id, false).await
}

/// Where an account action comes back: the accounts page with a flash message.
fn back_to_users(state: &AppState, kind: &str, key: &str) -> Response {
    let [f, k] = flash_headers(kind, key, state.config.secure_cookies);
    see_other(&paths::AdminUsers.to_string(), [f, k])
}

/// A refusal of the store as a flash message on the accounts page; anything else as an error.
fn refused_to_users(state: &AppState, e: halles_store::StoreError) -> Result<Response, PageError> {
    match e {
        halles_store::StoreError::Refused(r) => {
            Ok(back_to_users(state, "error", &format!("err-{}", r.code())))
        }
        e => Err(e.into()),
    }
}

async fn set_platform_admin(
    state: &AppState,
    a: &PlatformAdmin,
    id: UserId,
    admin: bool,
) -> Result<Response, PageError> {
    match state
        .store
        .set_platform_admin(Actor::user(a.user.id), id, admin)
        .await
    {
        Ok(_) if admin => Ok(back_to_users(state, "success", "flash-user-promoted")),
        Ok(_) => Ok(back_to_users(state, "success", "flash-user-demoted")),
        Err(e) => refused_to_users(state, e),
    }
}

/// Makes an account a platform administrator.
pub async fn promote_user(
    paths::AdminUserPromote(id): paths::AdminUserPromote,
    State(state): State<AppState>,
    a: PlatformAdmin,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    set_platform_admin(&state, &a, id, true).await
}

/// Makes a platform administrator an ordinary account (never the last one, nor oneself).
pub async fn demote_user(
    paths::AdminUserDemote(id): paths::AdminUserDemote,
    State(state): State<AppState>,
    a: PlatformAdmin,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    if id == a.user.id {
        return Ok(back_to_users(&state, "error", "err-demote-self"));
    }
    set_platform_admin(&state, &a, id, false).await
}

/// The deletion's confirmation box.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

/// Deletes an account, once its box is ticked: it stays under a pseudonym in the audit log and
/// the ledger. Not one's own account.
pub async fn delete_user(
    paths::AdminUserDelete(id): paths::AdminUserDelete,
    State(state): State<AppState>,
    a: PlatformAdmin,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<Response, PageError> {
    if id == a.user.id {
        return Ok(back_to_users(&state, "error", "err-delete-self"));
    }
    if form.confirm != "1" {
        return Ok(back_to_users(&state, "error", "err-delete-confirm"));
    }
    match state.store.delete_user(Actor::user(a.user.id), id).await {
        Ok(_) => Ok(back_to_users(&state, "success", "flash-user-deleted")),
        Err(e) => refused_to_users(&state, e),
    }
}

#[derive(Template)]
#[template(path = "admin_settings.html")]
struct SettingsPage {
    page: Ctx,
    errors: FormErrors,
    invitation_days: String,
}

/// The platform's settings.
pub async fn settings(
    _: paths::AdminSettings,
    State(state): State<AppState>,
    a: PlatformAdmin,
) -> Result<Response, PageError> {
    let days = state.store.invitation_days().await?;
    let lang = a.ctx.i18n.lang;
    Ok(render(
        &SettingsPage {
            page: a.ctx,
            errors: FormErrors::none(),
            invitation_days: days.to_string(),
        },
        lang,
    ))
}

/// The settings form.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    invitation_days: String,
}

/// Saves the platform's settings: an invitation's validity, 1 to 90 days.
pub async fn save_settings(
    _: paths::AdminSettings,
    State(state): State<AppState>,
    a: PlatformAdmin,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<Response, PageError> {
    let days = form.invitation_days.trim().parse::<i64>().unwrap_or(0);
    match state
        .store
        .set_invitation_days(Actor::user(a.user.id), days)
        .await
    {
        Ok(()) => {
            let [f, k] = flash_headers(
                "success",
                "flash-settings-saved",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::AdminSettings.to_string(), [f, k]))
        }
        Err(e) => {
            let errors = FormErrors::from_store(e, "invitation_days", &a.ctx.i18n)?;
            let lang = a.ctx.i18n.lang;
            let mut res = render(
                &SettingsPage {
                    page: a.ctx,
                    errors,
                    invitation_days: form.invitation_days,
                },
                lang,
            );
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

/// Filter of the outbox.
#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    to: String,
}

#[derive(Template)]
#[template(path = "admin_outbox.html")]
struct OutboxPage {
    page: Ctx,
    emails: Vec<Email>,
    to: String,
}

impl OutboxPage {
    fn status_key(&self, status: &str) -> &'static str {
        match status {
            "sent" => "admin-outbox-sent",
            "kept" => "admin-outbox-kept",
            "failed" => "admin-outbox-failed",
            _ => "admin-outbox-queued",
        }
    }
}

/// The e-mail outbox: what was sent, or kept when no mail server is configured.
pub async fn outbox(
    _: paths::AdminOutbox,
    State(state): State<AppState>,
    a: PlatformAdmin,
    Query(q): Query<OutboxQuery>,
) -> Result<Response, PageError> {
    let to = q.to.trim().to_lowercase();
    let emails = state
        .store
        .outbox((!to.is_empty()).then_some(to.as_str()), 200)
        .await?;
    let lang = a.ctx.i18n.lang;
    Ok(render(
        &OutboxPage {
            page: a.ctx,
            emails,
            to,
        },
        lang,
    ))
}

/// Filter of the jobs page.
#[derive(Debug, Deserialize)]
pub struct JobsQuery {
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "admin_jobs.html")]
struct JobsPage {
    page: Ctx,
    jobs: Vec<Job>,
    status: String,
    counts: Vec<(String, i64)>,
}

/// Background jobs, failures first in mind.
pub async fn jobs(
    _: paths::AdminJobs,
    State(state): State<AppState>,
    a: PlatformAdmin,
    Query(q): Query<JobsQuery>,
) -> Result<Response, PageError> {
    let status = q.status.clone();
    let jobs = state
        .store
        .jobs((!status.is_empty()).then_some(status.as_str()), 200)
        .await?;
    let counts = state.store.job_counts().await?;
    let lang = a.ctx.i18n.lang;
    Ok(render(
        &JobsPage {
            page: a.ctx,
            jobs,
            status,
            counts,
        },
        lang,
    ))
}

/// Puts a failed job back in the queue.
pub async fn retry_job(
    paths::AdminJobRetry(id): paths::AdminJobRetry,
    State(state): State<AppState>,
    _a: PlatformAdmin,
    CsrfForm(_): CsrfForm<crate::pages::Empty>,
) -> Result<Response, PageError> {
    state.store.retry_job(id).await?;
    let [f, k] = flash_headers("success", "flash-job-retried", state.config.secure_cookies);
    Ok(see_other(
        &format!("{}?status=failed", paths::AdminJobs),
        [f, k],
    ))
}
