//! The real app on a free port, over SQLite and (when configured) PostgreSQL.

mod support;

use halles_core::organizations::{OrgKind, Role, Scope};
use jiff::SignedDuration;
use serde_json::{Value, json};
use support::mail::link_in;
use support::matrix::{Allowed, Fixture, Row, api_rows, check, page_routes_without_rows};
use support::{PASSWORD, TestApp, location};

#[tokio::test]
async fn a_person_logs_in_in_french_and_a_wrong_password_keeps_what_was_typed() {
    for app in TestApp::on_every_db().await {
        let org = app.org(OrgKind::Hub, "Pôle du test").await;
        app.user("marie@pole.example", Some((org.id, Role::Admin)))
            .await;
        let b = app.client();
        let res = b.get("/").await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), "/connexion");
        let html = b.get("/connexion").await.text().await.unwrap();
        assert!(html.contains("<html lang=\"fr\">"));
        assert!(html.contains("Connexion"));

        let res = b
            .post_form(
                "/connexion",
                &[("email", "marie@pole.example"), ("password", "mauvais")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("error-summary"));
        assert!(html.contains("data-error=\"login-failed\""));
        // The wording itself, once: the sign-in page speaks French by default.
        assert!(html.contains("Courriel ou mot de passe incorrect."));
        assert!(
            html.contains("value=\"marie@pole.example\""),
            "the typed e-mail comes back"
        );

        let res = b
            .post_form(
                "/connexion",
                &[("email", "marie@pole.example"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 303);
        let set_cookie: Vec<_> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let session = set_cookie
            .iter()
            .find(|c| c.starts_with("halles_session="))
            .unwrap();
        assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
        let res = b.get("/").await;
        assert_eq!(location(&res), format!("/o/{}", org.id));
        let home = b.get(&format!("/o/{}", org.id)).await.text().await.unwrap();
        assert!(home.contains("Pôle du test"));
        assert!(home.contains("Membres"));

        // English, remembered on the account.
        let res = b
            .post_form(
                "/langue",
                &[("lang", "en"), ("next", &format!("/o/{}", org.id))],
            )
            .await;
        assert_eq!(res.status(), 303);
        let home = b.get(&format!("/o/{}", org.id)).await.text().await.unwrap();
        assert!(home.contains("<html lang=\"en\">") && home.contains("Members"));

        let res = b.post_form("/deconnexion", &[]).await;
        assert_eq!(location(&res), "/connexion");
        assert_eq!(b.get(&format!("/o/{}", org.id)).await.status(), 303);
        app.stop().await;
    }
}

/// Errors are pages like the others: in the viewer's language, inside the signed-in layout,
/// whether a handler met them (a missing product) or no route matched.
#[tokio::test]
async fn an_english_user_gets_errors_in_english_inside_the_signed_in_layout() {
    for app in TestApp::on_every_db().await {
        let org = app.org(OrgKind::Producer, "Ferme anglaise").await;
        app.user("en@ferme.example", Some((org.id, Role::Admin)))
            .await;
        let b = app.logged_in("en@ferme.example").await;
        let res = b
            .post_form("/langue", &[("lang", "en"), ("next", "/")])
            .await;
        assert_eq!(res.status(), 303);
        for path in [
            format!("/o/{}/produits/999999", org.id),
            format!("/o/{}/no-such-page", org.id),
        ] {
            let res = b.get(&path).await;
            assert_eq!(res.status(), 404, "{path}");
            let html = res.text().await.unwrap();
            assert!(html.contains("<html lang=\"en\">"), "{path}: {html}");
            assert!(html.contains("This page does not exist"), "{path}");
            assert!(html.contains("/deconnexion"), "{path}: signed-in layout");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused() {
    for app in TestApp::on_every_db().await {
        let org = app.org(OrgKind::Hub, "Pôle").await;
        app.user("a@pole.example", Some((org.id, Role::Admin)))
            .await;
        let b = app.client();
        let _ = b.get("/connexion").await; // receives the CSRF cookie
        let res = b
            .post_raw(
                "/connexion",
                &[("email", "a@pole.example"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 403);
        let res = b
            .post_raw(
                "/connexion",
                &[
                    ("csrf", "forged-value-forged-value-forged-value"),
                    ("email", "a@pole.example"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status(), 403);
        // A signed-in person's form too.
        let b = app.logged_in("a@pole.example").await;
        let path = format!("/o/{}/membres/inviter", org.id);
        let res = b
            .post_raw(&path, &[("email", "x@y.example"), ("role", "staff")])
            .await;
        assert_eq!(res.status(), 403);
        assert!(
            app.store
                .pending_invitations(&halles_store::TenantScope::checked(
                    org.id,
                    halles_store::Actor::system()
                ))
                .await
                .unwrap()
                .is_empty()
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn every_route_refuses_the_wrong_role_and_another_organization() {
    for app in TestApp::on_every_db().await {
        let hub = Fixture::new(&app, OrgKind::Hub, "hub").await;
        let rows = [
            Row::get("/o/{org}", Allowed::VIEWER, 200),
            Row::get("/o/{org}/membres", Allowed::ADMIN, 200),
            Row::post("/o/{org}/membres/inviter", Allowed::ADMIN, 422),
            Row::post("/o/{org}/membres/{foreign}/role", Allowed::ADMIN, 303),
            Row::post("/o/{org}/membres/{foreign}/retirer", Allowed::ADMIN, 404),
            Row::post(
                "/o/{org}/invitations/{foreign}/revoquer",
                Allowed::ADMIN,
                404,
            ),
            Row::post(
                "/o/{org}/invitations/{foreign}/renvoyer",
                Allowed::ADMIN,
                404,
            ),
            Row::get("/o/{org}/audit", Allowed::ADMIN, 200),
            Row::get("/o/{org}/audit/exporter", Allowed::ADMIN, 200),
            Row::get("/o/{org}/jetons", Allowed::ADMIN, 200),
            Row::post("/o/{org}/jetons", Allowed::ADMIN, 422),
            Row::post("/o/{org}/jetons/{foreign}/revoquer", Allowed::ADMIN, 404),
            Row::get("/admin", Allowed::PlatformAdmin, 200),
            Row::get("/admin/utilisateurs", Allowed::PlatformAdmin, 200),
            Row::get("/admin/envois", Allowed::PlatformAdmin, 200),
            Row::get("/admin/taches", Allowed::PlatformAdmin, 200),
            Row::post("/admin", Allowed::PlatformAdmin, 422),
            Row::get("/admin/reglages", Allowed::PlatformAdmin, 200),
            Row::post("/admin/reglages", Allowed::PlatformAdmin, 422),
        ];
        check(&app, &hub, &rows).await;
        check(&app, &hub, api_rows::PLATFORM).await;
        let beyond = [
            Row::get("/", Allowed::Anyone, 303),
            Row::get("/aide", Allowed::Anyone, 200),
            Row::get("/help", Allowed::Anyone, 200),
            Row::get("/aide/hub", Allowed::Anyone, 200),
            Row::get("/help/hub", Allowed::Anyone, 200),
            Row::get("/aide/img/manifeste-telephone.png", Allowed::Anyone, 200),
            Row::get("/api/docs", Allowed::Anyone, 200),
            Row::get("/connexion", Allowed::Anyone, 200),
            Row::post("/connexion", Allowed::Anyone, 422),
            Row::post("/deconnexion", Allowed::Anyone, 303),
            Row::post("/langue", Allowed::Anyone, 303),
            Row::get("/mot-de-passe/oublie", Allowed::Anyone, 200),
            Row::post("/mot-de-passe/oublie", Allowed::Anyone, 422),
            Row::get("/mot-de-passe/nouveau/nope", Allowed::Anyone, 200),
            Row::post("/mot-de-passe/nouveau/nope", Allowed::Anyone, 422),
            Row::get("/invitations/nope", Allowed::Anyone, 200),
            Row::post("/invitations/nope", Allowed::Anyone, 200),
            Row::get("/compte", Allowed::Anyone, 303),
            Row::post("/compte", Allowed::Anyone, 303),
            Row::post("/compte/mot-de-passe", Allowed::Anyone, 303),
            Row::post("/compte/courriel", Allowed::Anyone, 303),
            Row::get("/compte/courriel/nope", Allowed::Anyone, 200),
            Row::post("/compte/courriel/nope", Allowed::Anyone, 422),
            Row::post(
                "/admin/organisations/999999/renommer",
                Allowed::PlatformAdmin,
                422,
            ),
            Row::post(
                "/admin/utilisateurs/999999/desactiver",
                Allowed::PlatformAdmin,
                404,
            ),
            Row::post(
                "/admin/utilisateurs/999999/activer",
                Allowed::PlatformAdmin,
                404,
            ),
            Row::post(
                "/admin/utilisateurs/999999/nommer-administrateur",
                Allowed::PlatformAdmin,
                404,
            ),
            Row::post(
                "/admin/utilisateurs/999999/retirer-administrateur",
                Allowed::PlatformAdmin,
                404,
            ),
            Row::post(
                "/admin/utilisateurs/999999/supprimer",
                Allowed::PlatformAdmin,
                303,
            ),
            Row::post("/admin/taches/999999/relancer", Allowed::PlatformAdmin, 303),
        ];
        check(&app, &hub, &beyond).await;
        let routes = halles_web::pages::root().merge(halles_web::pages::platform::routes());
        assert_eq!(
            page_routes_without_rows(routes.list(), &[&rows[..], &beyond[..]].concat()),
            Vec::<(&str, &str)>::new(),
            "platform page routes without a row in the permission matrix"
        );
        // Markets have cashiers: the same rows hold with one more role.
        let market = Fixture::new(&app, OrgKind::Market, "market").await;
        check(&app, &market, &rows[..3]).await;
        // The foreign membership touched by the role change is untouched.
        let scope = halles_store::TenantScope::checked(hub.foreign, halles_store::Actor::system());
        let members = app.store.members(&scope, None, 10).await.unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].role, Role::Admin);
        app.stop().await;
    }
}

#[tokio::test]
async fn an_api_token_reads_its_organization_and_nothing_else() {
    for app in TestApp::on_every_db().await {
        let mine = app.org(OrgKind::Buyer, "CPE des Bouleaux").await;
        let other = app.org(OrgKind::Buyer, "CPE voisin").await;
        let token = app.token(mine.id, &[Scope::OrgRead]).await;
        let http = reqwest::Client::new();
        let res = http
            .get(app.at(&format!("/api/v1/organizations/{}", mine.id)))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["name"], "CPE des Bouleaux");
        assert_eq!(body["kind"], "buyer");

        let res = http
            .get(app.at(&format!("/api/v1/organizations/{}", other.id)))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "not_found");
        assert_eq!(problem["status"], 404);

        let res = http
            .get(app.at(&format!("/api/v1/organizations/{}/audit", mine.id)))
            .bearer_auth(&token)
            .header("accept-language", "en-CA,en;q=0.9")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "insufficient_scope");
        assert_eq!(
            problem["detail"],
            "This token does not have the permission audit:read."
        );

        let res = http.get(app.at("/api/v1/me")).send().await.unwrap();
        assert_eq!(res.status(), 401);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "unauthorized");
        assert!(
            problem["detail"].as_str().unwrap().contains("jeton"),
            "French by default"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_key_a_crashed_server_left_in_progress_completes_when_retried_after_its_lease() {
    for app in TestApp::on_every_db().await {
        let org = app.org(OrgKind::Hub, "Pôle").await;
        let secret = app.token(org.id, &[Scope::OrgWrite, Scope::OrgRead]).await;
        let token = app.store.token_by_secret(&secret).await.unwrap().unwrap();
        let path = format!("/api/v1/organizations/{}/invitations", org.id);
        let body =
            serde_json::to_vec(&json!({"email": "panne@ferme.example", "role": "staff"})).unwrap();
        // What a server killed in the middle of this request leaves: the key claimed, no answer.
        let hash = halles_web::api::idempotency::request_hash("POST", &path, &body);
        app.store
            .claim_idempotency_key(org.id, token.id, "k-crash", &hash)
            .await
            .unwrap();
        let send = || {
            reqwest::Client::new()
                .post(app.at(&path))
                .bearer_auth(&secret)
                .header("Idempotency-Key", "k-crash")
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
        };
        let res = send().await.unwrap();
        assert_eq!(
            res.status(),
            409,
            "within the lease, another request may hold it"
        );
        app.clock
            .advance(halles_store::platform::idempotency::LEASE);
        let res = send().await.unwrap();
        assert_eq!(res.status(), 201, "after the lease, the retry completes");
        let res = send().await.unwrap();
        assert_eq!(res.status(), 201);
        assert_eq!(res.headers()["idempotent-replayed"], "true");
        let scope = halles_store::TenantScope::checked(org.id, halles_store::Actor::system());
        assert_eq!(
            app.store.pending_invitations(&scope).await.unwrap().len(),
            1
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_idempotent_post_replays_its_first_response() {
    for app in TestApp::on_every_db().await {
        let org = app.org(OrgKind::Hub, "Pôle").await;
        let token = app.token(org.id, &[Scope::OrgWrite, Scope::OrgRead]).await;
        let http = reqwest::Client::new();
        let url = app.at(&format!("/api/v1/organizations/{}/invitations", org.id));
        let body = json!({"email": "nouvelle@ferme.example", "role": "staff"});
        let first = http
            .post(&url)
            .bearer_auth(&token)
            .header("Idempotency-Key", "k-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), 201);
        let first: Value = first.json().await.unwrap();
        let again = http
            .post(&url)
            .bearer_auth(&token)
            .header("Idempotency-Key", "k-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: Value = again.json().await.unwrap();
        assert_eq!(first, again);
        let scope = halles_store::TenantScope::checked(org.id, halles_store::Actor::system());
        assert_eq!(
            app.store.pending_invitations(&scope).await.unwrap().len(),
            1,
            "one invitation, not two"
        );

        let other = json!({"email": "autre@ferme.example", "role": "staff"});
        let res = http
            .post(&url)
            .bearer_auth(&token)
            .header("Idempotency-Key", "k-1")
            .json(&other)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "idempotency_key_reused");

        // Validation errors name each field.
        let res = http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({"email": "pas-un-courriel", "role": "chef"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "validation_failed");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["email", "role"]);

        let res = http
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "malformed_body");

        // The invitation went to the outbox.
        app.run_jobs().await;
        let mail = app.mail_to("nouvelle@ferme.example").await;
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].status, "kept");
        assert!(mail[0].body.contains(&format!("{}/invitations/", app.url)));
        app.stop().await;
    }
}

#[tokio::test]
async fn lists_are_paginated_with_a_link_header() {
    for app in TestApp::on_every_db().await {
        let org = app.org(OrgKind::Producer, "Ferme").await;
        for i in 0..5 {
            app.user(&format!("m{i}@ferme.example"), Some((org.id, Role::Staff)))
                .await;
        }
        let token = app.token(org.id, &[Scope::OrgRead]).await;
        let http = reqwest::Client::new();
        let mut url = app.at(&format!("/api/v1/organizations/{}/members?limit=2", org.id));
        let mut seen = Vec::new();
        loop {
            let res = http.get(&url).bearer_auth(&token).send().await.unwrap();
            assert_eq!(res.status(), 200);
            let link = res
                .headers()
                .get("link")
                .map(|v| v.to_str().unwrap().to_owned());
            let page: Vec<Value> = res.json().await.unwrap();
            assert!(page.len() <= 2);
            seen.extend(page.iter().map(|m| m["email"].as_str().unwrap().to_owned()));
            match link {
                Some(l) => {
                    assert!(l.ends_with("; rel=\"next\""), "{l}");
                    url = l[1..l.find('>').unwrap()].to_owned();
                }
                None => break,
            }
        }
        assert_eq!(seen.len(), 5);
        let res = http
            .get(app.at(&format!(
                "/api/v1/organizations/{}/members?cursor=@@",
                org.id
            )))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_an_e_mailed_link_once() {
    for app in TestApp::on_every_db().await {
        app.user("oubli@ferme.example", None).await;
        let b = app.client();
        let res = b
            .post_form("/mot-de-passe/oublie", &[("email", "oubli@ferme.example")])
            .await;
        assert_eq!(res.status(), 200);
        // Unknown addresses get the same answer.
        let res = b
            .post_form(
                "/mot-de-passe/oublie",
                &[("email", "personne@ferme.example")],
            )
            .await;
        assert_eq!(res.status(), 200);
        app.run_jobs().await;
        let mail = app.mail_to("oubli@ferme.example").await;
        assert_eq!(mail.len(), 1);
        let body = &mail[0].body;
        let path = link_in(body, "/mot-de-passe/nouveau/");
        let res = b
            .post_form(
                &path,
                &[("password", "court"), ("password_confirm", "court")],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("data-error=\"password_too_short\"")
        );
        let res = b
            .post_form(
                &path,
                &[
                    ("password", "un-tout-nouveau"),
                    ("password_confirm", "un-tout-nouveau"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        let res = b
            .post_form(
                &path,
                &[
                    ("password", "encore-un-autre"),
                    ("password_confirm", "encore-un-autre"),
                ],
            )
            .await;
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("data-error=\"reset_invalid\"")
        );
        let res = b
            .post_form(
                "/connexion",
                &[
                    ("email", "oubli@ferme.example"),
                    ("password", "un-tout-nouveau"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        // Links expire after an hour.
        let _ = b
            .post_form("/mot-de-passe/oublie", &[("email", "oubli@ferme.example")])
            .await;
        app.clock.advance(SignedDuration::from_mins(61));
        app.run_jobs().await;
        let late = &app.mail_to("oubli@ferme.example").await[0].body;
        let path = link_in(late, "/mot-de-passe/nouveau/");
        assert!(
            b.get(&path)
                .await
                .text()
                .await
                .unwrap()
                .contains("data-error=\"reset_invalid\"")
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_and_a_disabled_account_is_locked_out() {
    for app in TestApp::on_every_db().await {
        let org = app.org(OrgKind::Market, "Marché").await;
        let u = app
            .user("caisse@marche.example", Some((org.id, Role::Cashier)))
            .await;
        let b = app.client();
        for _ in 0..5 {
            let res = b
                .post_form(
                    "/connexion",
                    &[("email", "caisse@marche.example"), ("password", "non")],
                )
                .await;
            assert_eq!(res.status(), 422);
        }
        let res = b
            .post_form(
                "/connexion",
                &[("email", "caisse@marche.example"), ("password", PASSWORD)],
            )
            .await;
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("data-error=\"login-throttled\"")
        );
        app.clock.advance(SignedDuration::from_mins(16));
        let b = app.logged_in("caisse@marche.example").await;
        assert_eq!(b.get(&format!("/o/{}", org.id)).await.status(), 200);
        app.store
            .set_user_disabled(halles_store::Actor::system(), u.id, true)
            .await
            .unwrap();
        assert_eq!(
            b.get(&format!("/o/{}", org.id)).await.status(),
            303,
            "the session ended"
        );
        let res = app
            .client()
            .post_form(
                "/connexion",
                &[("email", "caisse@marche.example"), ("password", PASSWORD)],
            )
            .await;
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("data-error=\"login-disabled\"")
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn an_invited_person_creates_an_account_and_joins() {
    for app in TestApp::on_every_db().await {
        let org = app.org(OrgKind::PartnerOrg, "Entraide").await;
        app.user("resp@entraide.example", Some((org.id, Role::Admin)))
            .await;
        let admin = app.logged_in("resp@entraide.example").await;
        let res = admin
            .post_form(
                &format!("/o/{}/membres/inviter", org.id),
                &[("email", "pas-un-courriel"), ("role", "staff")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(
            html.contains("value=\"pas-un-courriel\"")
                && html.contains("data-error=\"email_invalid\"")
        );
        let res = admin
            .post_form(
                &format!("/o/{}/membres/inviter", org.id),
                &[("email", "benevole@entraide.example"), ("role", "staff")],
            )
            .await;
        assert_eq!(res.status(), 303);
        app.run_jobs().await;
        let body = &app.mail_to("benevole@entraide.example").await[0].body;
        let path = link_in(body, "/invitations/");
        let newcomer = app.client();
        assert!(
            newcomer
                .get(&path)
                .await
                .text()
                .await
                .unwrap()
                .contains("Créer mon compte")
        );
        let res = newcomer
            .post_form(
                &path,
                &[
                    ("name", "Bénévole"),
                    ("password", "une-phrase-secrete"),
                    ("password_confirm", "une-phrase-secrete"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(location(&res), format!("/o/{}", org.id));
        assert_eq!(newcomer.get(&format!("/o/{}", org.id)).await.status(), 200);
        // The link works once.
        assert!(
            app.client()
                .get(&path)
                .await
                .text()
                .await
                .unwrap()
                .contains("data-error=\"invitation_invalid\"")
        );
        // The audit log shows who did what.
        let audit = admin
            .get(&format!("/o/{}/audit?entity=membership", org.id))
            .await
            .text()
            .await
            .unwrap();
        assert!(audit.contains("Bénévole"));
        let csv = admin
            .get(&format!("/o/{}/audit/exporter?format=csv", org.id))
            .await;
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(csv.text().await.unwrap().contains("invitation"));
        app.stop().await;
    }
}

#[tokio::test]
async fn operations_endpoints_and_security_headers() {
    let app = TestApp::start(halles_store::testing::TestDb::sqlite()).await;
    let b = app.client();
    assert_eq!(b.get("/healthz").await.text().await.unwrap(), "ok");
    assert_eq!(b.get("/readyz").await.status(), 200);
    let res = b.get("/connexion").await;
    let h = res.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert!(
        !h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("unsafe-inline")
    );
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let metrics = b
        .http
        .get(app.at("/metrics"))
        .bearer_auth(support::METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("halles_http_requests_total"), "{metrics}");
    let doc: Value = b.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["paths"]["/api/v1/organizations/{org}/invitations"]["post"].is_object());
    let docs = b.get("/api/docs").await.text().await.unwrap();
    assert!(
        docs.contains("POST /api/v1/organizations/{org}/invitations")
            && docs.contains("idempotency_key_reused")
    );
    for path in [
        "/aide",
        "/help",
        "/aide/hub",
        "/help/market",
        "/mot-de-passe/oublie",
    ] {
        assert_eq!(b.get(path).await.status(), 200, "{path}");
    }
    assert_eq!(b.get("/aide/nope").await.status(), 404);
    // The guides' screenshots: shown with their description, served as PNG, nothing else.
    let guide = b.get("/aide/hub").await.text().await.unwrap();
    assert!(
        guide.contains(
            "<img src=\"/aide/img/preparation-telephone.png\" alt=\"La page de préparation"
        ),
        "{guide}"
    );
    let img = b.get("/aide/img/preparation-telephone.png").await;
    assert_eq!(img.status(), 200);
    assert_eq!(img.headers()["content-type"], "image/png");
    assert_eq!(b.get("/aide/img/nope.png").await.status(), 404);
    assert_eq!(b.get("/aide/img/..%2FCargo.toml").await.status(), 404);
    let res = b.get("/api/v1/nothing-here").await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    app.stop().await;
}

#[tokio::test]
async fn a_new_e_mail_is_confirmed_from_the_new_address_before_it_counts() {
    for app in TestApp::on_every_db().await {
        app.user("ancien@ferme.example", None).await;
        app.user("pris@ferme.example", None).await;
        let b = app.logged_in("ancien@ferme.example").await;
        // A wrong password or an address already used comes back with what was typed.
        let res = b
            .post_form(
                "/compte/courriel",
                &[
                    ("new_email", "nouveau@ferme.example"),
                    ("email_password", "non"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("nouveau@ferme.example"));
        let res = b
            .post_form(
                "/compte/courriel",
                &[
                    ("new_email", "pris@ferme.example"),
                    ("email_password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("data-error=\"email_taken\"")
        );
        let res = b
            .post_form(
                "/compte/courriel",
                &[
                    ("new_email", "Nouveau@Ferme.example"),
                    ("email_password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        // Nothing changes until the link sent to the new address is used; the old one is told.
        assert!(
            app.store
                .user_by_email("ancien@ferme.example")
                .await
                .unwrap()
                .is_some()
        );
        app.run_jobs().await;
        let told = app.mail_to("ancien@ferme.example").await;
        assert!(
            told.iter()
                .any(|m| m.body.contains("nouveau@ferme.example"))
        );
        let mail = app.mail_to("nouveau@ferme.example").await;
        assert_eq!(mail.len(), 1, "{mail:?}");
        let body = &mail[0].body;
        let path = link_in(body, "/compte/courriel/");
        let other = app.client();
        let html = other.get(&path).await.text().await.unwrap();
        assert!(html.contains("nouveau@ferme.example"), "{html}");
        assert_eq!(other.post_form(&path, &[]).await.status(), 303);
        assert_eq!(other.post_form(&path, &[]).await.status(), 422, "once");
        // The old session ended; the new address logs in.
        assert_eq!(b.get("/compte").await.status(), 303);
        app.logged_in("nouveau@ferme.example").await;
        assert!(
            app.store
                .user_by_email("ancien@ferme.example")
                .await
                .unwrap()
                .is_none()
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_platform_admin_renames_archives_and_restores_organizations() {
    use halles_core::organizations::OrgKind;
    for app in TestApp::on_every_db().await {
        app.platform_admin("admin@halles.example").await;
        let market = app.org(OrgKind::Market, "Marché Jarry").await;
        app.user("gestion@m.example", Some((market.id, Role::Admin)))
            .await;
        let admin = app.logged_in("admin@halles.example").await;
        let m = market.id;
        let res = admin
            .post_form(
                &format!("/admin/organisations/{m}/renommer"),
                &[("name", " ")],
            )
            .await;
        assert_eq!(res.status(), 422);
        let res = admin
            .post_form(
                &format!("/admin/organisations/{m}/renommer"),
                &[("name", "Marché Jarry Est")],
            )
            .await;
        assert_eq!(res.status(), 303);
        assert_eq!(
            app.store.organization_by_id(m).await.unwrap().name,
            "Marché Jarry Est"
        );
        // Archived: its people can no longer open it; restored, they can again.
        let staff = app.logged_in("gestion@m.example").await;
        assert_eq!(staff.get(&format!("/o/{m}/caisses")).await.status(), 200);
        let archive = format!("/admin/organisations/{m}/archiver");
        assert_eq!(
            admin
                .post_form(&archive, &[("archived", "1")])
                .await
                .status(),
            303
        );
        assert_ne!(staff.get(&format!("/o/{m}/caisses")).await.status(), 200);
        let html = admin.get("/admin").await.text().await.unwrap();
        assert!(html.contains("Organisations archivées"), "{html}");
        assert_eq!(
            admin
                .post_form(&archive, &[("archived", "0")])
                .await
                .status(),
            303
        );
        assert_eq!(staff.get(&format!("/o/{m}/caisses")).await.status(), 200);
        // Only the platform's administrators.
        assert_eq!(
            staff
                .post_form(&archive, &[("archived", "1")])
                .await
                .status(),
            403
        );
        app.stop().await;
    }
}

#[test]
fn every_api_route_has_a_permission_row() {
    let routes = support::matrix::api_routes();
    assert!(routes.len() >= 50, "{routes:?}");
    let rows = api_rows::ALL.concat();
    let missing = support::matrix::routes_without_rows(&routes, &rows);
    assert!(
        missing.is_empty(),
        "API routes without a matrix row: {missing:#?}"
    );
}

#[test]
fn a_route_whose_row_is_removed_is_reported() {
    let routes = support::matrix::api_routes();
    let gone = "/api/v1/organizations/{org}/products/{foreign}";
    let rows: Vec<Row> = api_rows::ALL
        .concat()
        .into_iter()
        .filter(|r| !(r.method == "PUT" && r.path == gone))
        .collect();
    assert_eq!(
        support::matrix::routes_without_rows(&routes, &rows),
        ["PUT /api/v1/organizations/{org}/products/{id}"]
    );
}

/// The matrix reads the real page route list: take one row away and its route is reported.
#[test]
fn a_page_route_without_a_row_is_reported() {
    let routes = halles_web::pages::all();
    let rows: Vec<Row> = routes
        .list()
        .iter()
        .map(|(method, path)| Row {
            method,
            path,
            allowed: Allowed::Anyone,
            ok_status: 200,
        })
        .collect();
    assert_eq!(
        page_routes_without_rows(routes.list(), &rows),
        Vec::<(&str, &str)>::new()
    );
    for removed in [0, rows.len() / 2, rows.len() - 1] {
        let mut fewer = rows.clone();
        let row = fewer.remove(removed);
        assert_eq!(
            page_routes_without_rows(routes.list(), &fewer),
            [(row.method, row.path)],
            "{} {} has no row",
            row.method,
            row.path
        );
    }
}

/// Every old English page path answers a permanent redirect (308: a POST keeps its method and
/// body) to its French path, parameters and query string kept; and a POST sent to an old
/// path with its body still lands where it used to.
#[tokio::test]
async fn old_page_paths_redirect_permanently_to_the_french_ones() {
    for app in TestApp::on_every_db().await {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let routes = halles_web::pages::all();
        assert!(routes.moved_paths().len() >= 40);
        let fill = |path: &str| {
            path.split('/')
                .map(|s| match s {
                    "{what}" if path.contains("partners") => "buyers",
                    "{what}" => "skip",
                    s if s.starts_with('{') => "12",
                    s => s,
                })
                .collect::<Vec<_>>()
                .join("/")
        };
        for (old, new) in routes.moved_paths() {
            let want = fill(new)
                .replace("/partenaires/skip", "/partenaires/acheteurs")
                .replace("/12/skip", "/12/sauter");
            for method in [reqwest::Method::GET, reqwest::Method::POST] {
                let res = http
                    .request(
                        method.clone(),
                        app.at(&format!("{}?a=1&b=%C3%A9", fill(old))),
                    )
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 308, "{method} {old}");
                assert_eq!(
                    location(&res),
                    format!("{want}?a=1&b=%C3%A9"),
                    "{method} {old}"
                );
            }
        }
        // A browser following it sends the same POST: logging in at the old path works.
        app.user("ancien@ferme.example", None).await;
        let follows = support::Browser {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            base: app.at(""),
        };
        let res = follows
            .post_form(
                "/login",
                &[
                    ("email", "ancien@ferme.example"),
                    ("password", PASSWORD),
                    ("next", "/compte"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.url().path(), "/compte");
        app.stop().await;
    }
}

/// A crash between a change's commit and its delivery loses nothing: the events wait,
/// undelivered, and the next run of the worker delivers each once; a delivery repeated (two
/// workers, or a crash before the batch was marked) writes nothing twice; an event whose
/// delivery fails goes to its own job and holds up no other.
#[tokio::test]
async fn events_recorded_while_no_worker_ran_are_delivered_once_later() {
    use halles_store::platform::events::{self, Event};
    use sqlx::Connection;
    for app in TestApp::on_every_db().await {
        let user = app.user("reprise@ferme.example", None).await;
        for _ in 0..2 {
            app.store.create_password_reset(user.id).await.unwrap();
        }
        // An event no subscriber can deliver: its account does not exist.
        let mut conn = sqlx::AnyConnection::connect(app.db_url()).await.unwrap();
        let lost = Event::PasswordResetAsked {
            user: halles_core::UserId(i64::from(i32::MAX)),
            secret: "perdu".into(),
        };
        let lost = events::record(&mut conn, lost, app.store.now())
            .await
            .unwrap();
        app.store.create_password_reset(user.id).await.unwrap();
        let outbox = || async {
            app.store
                .outbox(Some("reprise@ferme.example"), 10)
                .await
                .unwrap()
                .len()
        };
        assert_eq!(app.store.undelivered_events(100).await.unwrap().len(), 4);
        assert_eq!(outbox().await, 0, "nothing delivered while no worker ran");

        app.run_jobs().await;
        assert_eq!(outbox().await, 3, "one e-mail per event");
        let left = app.store.undelivered_events(100).await.unwrap();
        assert!(left.is_empty(), "{left:?}");
        let failed = app.store.event(lost).await.unwrap();
        assert!(failed.delivered_at.is_none(), "left to its job");
        let jobs = app.store.jobs(Some("pending"), 10).await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].kind, events::DELIVER_EVENT_JOB);

        app.run_jobs().await;
        assert_eq!(outbox().await, 3, "not delivered twice");
        // As if the worker died before marking its batch: delivered again, sent once.
        sqlx::query("UPDATE events SET delivered_at = NULL WHERE id <> $1")
            .bind(lost.0)
            .execute(&mut conn)
            .await
            .unwrap();
        app.run_jobs().await;
        assert_eq!(outbox().await, 3, "a repeated delivery sends nothing");
        assert!(app.store.undelivered_events(100).await.unwrap().is_empty());
        conn.close().await.unwrap();
        app.stop().await;
    }
}
