//! Pages every organization shares: signing in, the account, members and invitations, API
//! tokens, the audit log, and the platform administration.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod invitations;
pub mod members;
pub mod tokens;

use super::Routes;

/// The platform's pages, and the old English paths that redirect to them.
pub fn routes() -> Routes {
    Routes::new()
        .get("/connexion", auth::login_form)
        .post("/connexion", auth::login)
        .post("/deconnexion", auth::logout)
        .post("/langue", account::switch_language)
        .get("/mot-de-passe/oublie", auth::forgot_form)
        .post("/mot-de-passe/oublie", auth::forgot)
        .get("/mot-de-passe/nouveau/{token}", auth::reset_form)
        .post("/mot-de-passe/nouveau/{token}", auth::reset)
        .get("/invitations/{token}", invitations::show)
        .post("/invitations/{token}", invitations::accept)
        .get("/compte", account::show)
        .post("/compte", account::update)
        .post("/compte/mot-de-passe", account::change_password)
        .post("/compte/courriel", account::request_email_change)
        .get("/compte/courriel/{token}", account::email_change_form)
        .post("/compte/courriel/{token}", account::confirm_email_change)
        .get("/o/{org}", super::home::org_home)
        .get("/o/{org}/membres", members::list)
        .post("/o/{org}/membres/inviter", members::invite)
        .post("/o/{org}/membres/{id}/role", members::change_role)
        .post("/o/{org}/membres/{id}/retirer", members::remove)
        .post(
            "/o/{org}/invitations/{id}/revoquer",
            members::revoke_invitation,
        )
        .get("/o/{org}/audit", audit::list)
        .get("/o/{org}/audit/exporter", audit::export)
        .get("/o/{org}/jetons", tokens::list)
        .post("/o/{org}/jetons", tokens::create)
        .post("/o/{org}/jetons/{id}/revoquer", tokens::revoke)
        .get("/admin", admin::organizations)
        .post("/admin", admin::create_organization)
        .post(
            "/admin/organisations/{id}/{action}",
            admin::change_organization,
        )
        .get("/admin/utilisateurs", admin::users)
        .post("/admin/utilisateurs/{id}/desactiver", admin::disable_user)
        .post("/admin/utilisateurs/{id}/activer", admin::enable_user)
        .get("/admin/envois", admin::outbox)
        .get("/admin/taches", admin::jobs)
        .post("/admin/taches/{id}/relancer", admin::retry_job)
        .moved("/login", "/connexion")
        .moved("/logout", "/deconnexion")
        .moved("/lang", "/langue")
        .moved("/password/forgot", "/mot-de-passe/oublie")
        .moved("/password/reset/{token}", "/mot-de-passe/nouveau/{token}")
        .moved("/account", "/compte")
        .moved("/account/password", "/compte/mot-de-passe")
        .moved("/account/courriel", "/compte/courriel")
        .moved("/account/courriel/{token}", "/compte/courriel/{token}")
        .moved("/o/{org}/members", "/o/{org}/membres")
        .moved("/o/{org}/members/invite", "/o/{org}/membres/inviter")
        .moved("/o/{org}/members/{id}/role", "/o/{org}/membres/{id}/role")
        .moved(
            "/o/{org}/members/{id}/remove",
            "/o/{org}/membres/{id}/retirer",
        )
        .moved(
            "/o/{org}/invitations/{id}/revoke",
            "/o/{org}/invitations/{id}/revoquer",
        )
        .moved("/o/{org}/audit/export", "/o/{org}/audit/exporter")
        .moved("/o/{org}/tokens", "/o/{org}/jetons")
        .moved(
            "/o/{org}/tokens/{id}/revoke",
            "/o/{org}/jetons/{id}/revoquer",
        )
        .moved("/admin/users", "/admin/utilisateurs")
        .moved(
            "/admin/users/{id}/disable",
            "/admin/utilisateurs/{id}/desactiver",
        )
        .moved(
            "/admin/users/{id}/enable",
            "/admin/utilisateurs/{id}/activer",
        )
        .moved("/admin/outbox", "/admin/envois")
        .moved("/admin/jobs", "/admin/taches")
        .moved("/admin/jobs/{id}/retry", "/admin/taches/{id}/relancer")
}
