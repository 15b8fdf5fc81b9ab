//! Pages every organization shares: signing in, the account, members and invitations, API
//! tokens, the audit log, and the platform administration.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod invitations;
pub mod members;
pub mod tokens;

use super::{Routes, paths};
use axum_extra::routing::TypedPath;

/// The platform's pages, and the old English paths that redirect to them.
pub fn routes() -> Routes {
    Routes::new()
        .typed_get(auth::login_form)
        .typed_post(auth::login)
        .typed_post(auth::logout)
        .typed_post(account::switch_language)
        .typed_get(auth::forgot_form)
        .typed_post(auth::forgot)
        .typed_get(auth::reset_form)
        .typed_post(auth::reset)
        .typed_get(invitations::show)
        .typed_post(invitations::accept)
        .typed_get(account::show)
        .typed_post(account::update)
        .typed_post(account::change_password)
        .typed_post(account::request_email_change)
        .typed_get(account::email_change_form)
        .typed_post(account::confirm_email_change)
        .typed_get(super::home::org_home)
        .typed_get(members::list)
        .typed_post(members::invite)
        .typed_post(members::change_role)
        .typed_post(members::remove)
        .typed_post(members::revoke_invitation)
        .typed_post(members::resend_invitation)
        .typed_get(audit::list)
        .typed_get(audit::export)
        .typed_get(tokens::list)
        .typed_post(tokens::create)
        .typed_post(tokens::revoke)
        .typed_get(admin::organizations)
        .typed_post(admin::create_organization)
        .typed_post(admin::change_organization)
        .typed_get(admin::users)
        .typed_post(admin::disable_user)
        .typed_post(admin::enable_user)
        .typed_post(admin::promote_user)
        .typed_post(admin::demote_user)
        .typed_post(admin::delete_user)
        .typed_get(admin::settings)
        .typed_post(admin::save_settings)
        .typed_get(admin::outbox)
        .typed_get(admin::jobs)
        .typed_post(admin::retry_job)
        .moved("/login", paths::Login::PATH)
        .moved("/logout", paths::Logout::PATH)
        .moved("/lang", paths::Language::PATH)
        .moved("/password/forgot", paths::ForgotPassword::PATH)
        .moved("/password/reset/{token}", paths::ResetPassword::PATH)
        .moved("/account", paths::Account::PATH)
        .moved("/account/password", paths::AccountPassword::PATH)
        .moved("/account/courriel", paths::AccountEmail::PATH)
        .moved(
            "/account/courriel/{token}",
            paths::AccountEmailConfirm::PATH,
        )
        .moved("/o/{org}/members", paths::Members::PATH)
        .moved("/o/{org}/members/invite", paths::MembersInvite::PATH)
        .moved("/o/{org}/members/{id}/role", paths::MemberRole::PATH)
        .moved("/o/{org}/members/{id}/remove", paths::MemberRemove::PATH)
        .moved(
            "/o/{org}/invitations/{id}/revoke",
            paths::InvitationRevoke::PATH,
        )
        .moved("/o/{org}/audit/export", paths::AuditExport::PATH)
        .moved("/o/{org}/tokens", paths::Tokens::PATH)
        .moved("/o/{org}/tokens/{id}/revoke", paths::TokenRevoke::PATH)
        .moved("/admin/users", paths::AdminUsers::PATH)
        .moved("/admin/users/{id}/disable", paths::AdminUserDisable::PATH)
        .moved("/admin/users/{id}/enable", paths::AdminUserEnable::PATH)
        .moved("/admin/outbox", paths::AdminOutbox::PATH)
        .moved("/admin/jobs", paths::AdminJobs::PATH)
        .moved("/admin/jobs/{id}/retry", paths::AdminJobRetry::PATH)
}
