//! Accounts and web security (issue 11): the log-in throttle under parallel attempts, rate
//! limits on forgotten passwords, reset links, common passwords, refused characters, problem
//! details, cache and transport headers, metrics, and actions reserved to one kind of
//! organization. Each on SQLite and, when configured, PostgreSQL.

mod support;

use halles_core::organizations::{OrgKind, Role, Scope};
use halles_core::refusals::Refusal;
use halles_store::platform::accounts::LoginRefusal;
use halles_store::testing::TestDb;
use halles_store::{Actor, TenantScope};
use jiff::SignedDuration;
use serde_json::{Value, json};
use support::mail::link_in;
use support::matrix::{Allowed, Fixture, Row, check};
use support::world::{World, bonne_bouffe};
use support::{PASSWORD, TestApp};

const OWNER: &str = "proprietaire@ferme.example";

#[tokio::test]
async fn twenty_parallel_wrong_passwords_are_checked_at_most_five_times() {
    for app in TestApp::on_every_db().await {
        app.user(OWNER, None).await;
        let b = app.client();
        let csrf = b.csrf().await;
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let http = b.http.clone();
            let url = app.at("/connexion");
            let csrf = csrf.clone();
            tasks.push(tokio::spawn(async move {
                http.post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("email", OWNER),
                        ("password", "pas-le-bon-mot"),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        let checked = statuses.iter().filter(|s| **s == 422).count();
        let throttled = statuses.iter().filter(|s| **s == 429).count();
        assert!(
            checked <= 5,
            "on {}: {checked} of 20 parallel attempts were checked: {statuses:?}",
            app.label()
        );
        assert_eq!(checked + throttled, 20, "{statuses:?}");
        app.stop().await;
    }
}

#[tokio::test]
async fn the_owner_logs_in_from_elsewhere_and_waits_seconds_not_minutes_at_the_attacked_address() {
    for app in TestApp::on_every_db().await {
        app.user(OWNER, None).await;
        let attacker = "203.0.113.9";
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let store = app.store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .verify_login(OWNER, "pas-le-bon-mot", attacker)
                    .await
                    .unwrap()
            }));
        }
        let mut refused = Vec::new();
        for t in tasks {
            refused.push(t.await.unwrap().unwrap_err());
        }
        let checked = refused
            .iter()
            .filter(|r| **r == LoginRefusal::BadCredentials)
            .count();
        assert!(checked <= 5, "on {}: {checked} checked", app.label());
        // The owner, from another address, is not locked out by someone else's failures.
        assert!(
            app.store
                .verify_login(OWNER, PASSWORD, "198.51.100.7")
                .await
                .unwrap()
                .is_ok(),
            "on {}",
            app.label()
        );
        // At the attacked address, a delay that grows: refused now, allowed a second later.
        assert_eq!(
            app.store
                .verify_login(OWNER, PASSWORD, attacker)
                .await
                .unwrap()
                .unwrap_err(),
            LoginRefusal::Throttled
        );
        app.clock.advance(SignedDuration::from_secs(1));
        assert!(
            app.store
                .verify_login(OWNER, PASSWORD, attacker)
                .await
                .unwrap()
                .is_ok()
        );
        app.stop().await;
    }
}

/// The reset link of an e-mail in the outbox.
fn reset_path(body: &str) -> String {
    link_in(body, "/mot-de-passe/nouveau/")
}

#[tokio::test]
async fn thirty_forgotten_password_requests_send_a_bounded_number_of_e_mails() {
    for app in TestApp::on_every_db().await {
        app.user(OWNER, None).await;
        let b = app.client();
        let mut statuses = Vec::new();
        for _ in 0..30 {
            statuses.push(
                b.post_form("/mot-de-passe/oublie", &[("email", OWNER)])
                    .await
                    .status()
                    .as_u16(),
            );
        }
        app.run_jobs().await;
        let sent = app.mail_to(OWNER).await.len();
        assert!(
            sent <= 3,
            "on {}: {sent} e-mails for 30 requests",
            app.label()
        );
        assert!(sent >= 1);
        assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 30 - sent);
        let res = b
            .post_form("/mot-de-passe/oublie", &[("email", OWNER)])
            .await;
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("data-error=\"reset-throttled\"")
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_password_change_kills_every_other_reset_link_and_common_passwords_are_refused() {
    for app in TestApp::on_every_db().await {
        app.user(OWNER, None).await;
        let b = app.client();
        for _ in 0..2 {
            b.post_form("/mot-de-passe/oublie", &[("email", OWNER)])
                .await;
        }
        app.run_jobs().await;
        let mail = app.mail_to(OWNER).await;
        assert_eq!(mail.len(), 2);
        let (first, second) = (reset_path(&mail[0].body), reset_path(&mail[1].body));
        assert_ne!(first, second);
        // `password123` is refused, and the page says why.
        let res = b
            .post_form(
                &first,
                &[
                    ("password", "password123"),
                    ("password_confirm", "password123"),
                ],
            )
            .await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("data-error=\"password_common\""), "{html}");
        let res = b
            .post_form(
                &first,
                &[
                    ("password", "une-phrase-bien-a-moi"),
                    ("password_confirm", "une-phrase-bien-a-moi"),
                ],
            )
            .await;
        assert_eq!(res.status(), 303);
        // The other link died with the change.
        assert!(
            b.get(&second)
                .await
                .text()
                .await
                .unwrap()
                .contains("data-error=\"reset_invalid\""),
            "on {}",
            app.label()
        );
        let res = b
            .post_form(
                &second,
                &[
                    ("password", "une-autre-phrase-a-moi"),
                    ("password_confirm", "une-autre-phrase-a-moi"),
                ],
            )
            .await;
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("data-error=\"reset_invalid\"")
        );
        assert!(
            app.store
                .verify_login(OWNER, "une-phrase-bien-a-moi", "192.0.2.1")
                .await
                .unwrap()
                .is_ok()
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_name_with_control_or_direction_characters_comes_back_with_the_message() {
    for app in TestApp::on_every_db().await {
        let partner = app.org(OrgKind::PartnerOrg, "Entraide").await;
        app.user(OWNER, Some((partner.id, Role::Staff))).await;
        let b = app.logged_in(OWNER).await;
        for name in ["Marie\u{202E}eiraM", "Marie\u{0}"] {
            let page = b.send("/compte", &[("name", name), ("lang", "fr")]).await;
            assert_eq!(page.status, 422, "{name:?}");
            assert_eq!(page.field_errors(), ["name"], "{name:?}");
            assert!(page.has_error("invalid_characters"), "{page:?}");
        }
        let saved = app.store.user_by_email(OWNER).await.unwrap().unwrap();
        assert_eq!(saved.name, OWNER);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_api_refuses_such_characters_and_bad_e_mails_and_ignores_fields_it_does_not_read() {
    for app in TestApp::on_every_db().await {
        let pp = World::partner_program(&app, bonne_bouffe()).await;
        let kind = app.store.participant_types(pp.program).await.unwrap()[0].id;
        let api = app.api(&app.token(pp.partner.id, &[Scope::CouponsWrite]).await);
        let path = format!(
            "/organizations/{}/programs/{}/participants",
            pp.partner.id, pp.program
        );
        let participant = |name: &str, email: &str| {
            json!({"participant_type_id": kind.0, "name": name, "email": email,
                   "consent_on": "2026-11-01", "consent_purpose": "programme"})
        };
        for (body, field, code) in [
            (
                participant("Jean\u{202E}naeJ", ""),
                "name",
                "invalid_characters",
            ),
            (participant("Jean\u{0}", ""), "name", "invalid_characters"),
            (
                participant("Jean", "pas-un-courriel"),
                "email",
                "email_invalid",
            ),
        ] {
            let res = api.post_json(&path, &body).await;
            assert_eq!(res.field_error(), (422, field, code), "on {}", app.label());
            assert_eq!(res.content_type, "application/problem+json");
        }
        // A field the API does not read is ignored, whatever it holds.
        let mut body = participant("Jean", "jean@exemple.ca");
        body["inconnu\u{6}"] = json!("x\u{202E}\u{0}");
        assert_eq!(api.post_json(&path, &body).await.status, 201);
        app.stop().await;
    }
}

#[tokio::test]
async fn unreadable_and_too_large_requests_answer_problem_details_or_a_page() {
    let app = TestApp::start(TestDb::sqlite()).await;
    let org = app.org(OrgKind::Hub, "Pôle").await;
    let token = app.token(org.id, &Scope::ALL).await;
    let http = reqwest::Client::new();
    let members = app.at(&format!("/api/v1/organizations/{}/members", org.id));
    let cycles = app.at(&format!("/api/v1/organizations/{}/order-cycles", org.id));
    let bad_query = http
        .get(format!("{members}?limit=beaucoup"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let malformed = http
        .post(&cycles)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    for (res, status, code) in [
        (bad_query, 400, "bad_request"),
        (malformed, 400, "malformed_body"),
    ] {
        assert_eq!(res.status(), status);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], code, "{problem}");
    }
    // A body announced larger than the limit is refused before it is read.
    let path = format!("/api/v1/organizations/{}/order-cycles", org.id);
    let head = format!("Authorization: Bearer {token}\r\nContent-Type: application/json\r\n");
    let answer = announce_large_body(&app, &path, &head).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("\"code\":\"body_too_large\""), "{answer}");
    // Pages: a form too large gets a page in the visitor's language.
    let head = "Content-Type: application/x-www-form-urlencoded\r\n";
    let answer = announce_large_body(&app, "/connexion", head).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("text/html"), "{answer}");
    assert!(answer.contains("data-error=\"too-large\""), "{answer}");
    assert!(answer.contains("trop volumineux"), "in French: {answer}");
    app.stop().await;
}

/// Sends a POST whose headers announce a 9 MiB body, sends no body, and reads the answer.
async fn announce_large_body(app: &TestApp, path: &str, headers: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.url.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&host).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Length: {}\r\n\
         Connection: close\r\n\r\n",
        9 * 1024 * 1024
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn pages_and_the_api_are_never_cached_https_sends_hsts_and_metrics_need_the_token() {
    let app = TestApp::start(TestDb::sqlite()).await;
    let org = app.org(OrgKind::Hub, "Pôle").await;
    app.user(OWNER, Some((org.id, Role::Admin))).await;
    let b = app.logged_in(OWNER).await;
    let token = app.token(org.id, &Scope::ALL).await;
    let page = b.get(&format!("/o/{}", org.id)).await;
    let api = reqwest::Client::new()
        .get(app.at("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let login = app.client().get("/connexion").await;
    for res in [&page, &api, &login] {
        assert_eq!(res.headers()["cache-control"], "no-store", "{}", res.url());
        assert!(
            !res.headers().contains_key("strict-transport-security"),
            "no HSTS over http"
        );
    }
    let css = b.get("/static/app.css").await;
    assert_eq!(css.headers()["cache-control"], "public, max-age=3600");
    // /metrics: refused without the token or with another one.
    let http = reqwest::Client::new();
    assert_eq!(b.get("/metrics").await.status(), 401);
    let wrong = http
        .get(app.at("/metrics"))
        .bearer_auth("devine")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = http
        .get(app.at("/metrics"))
        .bearer_auth(support::METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert!(
        right
            .text()
            .await
            .unwrap()
            .contains("halles_http_requests_total")
    );
    app.stop().await;

    // Served over https: HSTS on every answer; without a metrics token, no /metrics at all.
    let db = TestDb::sqlite();
    let clock = std::sync::Arc::new(halles_core::ManualClock::new(
        "2026-11-28T14:00:00Z".parse().unwrap(),
    ));
    let store = db.store(clock).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let web = halles_web::WebConfig {
        base_url: "https://halles.example".into(),
        secure_cookies: true,
        demo: false,
        trust_forwarded_for: false,
        metrics_token: None,
    };
    let running = halles::app::start(store.clone(), web, listener, None).unwrap();
    for path in ["/login", "/api/v1/me", "/metrics"] {
        let res = http
            .get(format!("{}{path}", running.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers()["strict-transport-security"],
            halles_web::security::HSTS,
            "{path}"
        );
        if path == "/metrics" {
            assert_eq!(res.status(), 404);
        }
    }
    running.stop().await;
    store.close().await;
    db.cleanup().await;
}

#[tokio::test]
async fn only_hubs_create_order_cycles_and_only_markets_create_registers() {
    for app in TestApp::on_every_db().await {
        let cycles = [
            Row::get("/o/{org}/cycles", Allowed::NoRole, 403),
            Row::post("/o/{org}/cycles", Allowed::NoRole, 403),
            Row::post(
                "/api/v1/organizations/{org}/order-cycles",
                Allowed::NoToken,
                403,
            ),
        ];
        let registers = [
            Row::get("/o/{org}/caisses", Allowed::NoRole, 403),
            Row::post("/o/{org}/caisses", Allowed::NoRole, 403),
        ];
        for (kind, prefix) in [
            (OrgKind::Producer, "prod"),
            (OrgKind::Funder, "fond"),
            (OrgKind::Market, "marc"),
        ] {
            let fx = Fixture::new(&app, kind, prefix).await;
            check(&app, &fx, &cycles).await;
            if kind != OrgKind::Market {
                check(&app, &fx, &registers).await;
            }
        }
        // The store refuses too, whatever the caller.
        let farm = app.org(OrgKind::Producer, "Ferme").await;
        let scope = TenantScope::checked(farm.id, Actor::system());
        assert!(matches!(
            app.store.create_register(&scope, "Comptoir").await,
            Err(halles_store::StoreError::Refused(Refusal::WrongKind))
        ));
        app.stop().await;
    }
}

#[tokio::test]
async fn program_group_and_type_names_with_control_or_direction_characters_are_refused() {
    for app in TestApp::on_every_db().await {
        let w = World::coupon_program(&app).await;
        let before = app.store.program_by_id(w.program).await.unwrap();
        let op = app.logged_in(support::world::people::OPERATOR).await;
        for bad in ["Prog\u{202E}exe.gpj", "Programme\u{0}nul"] {
            // A new program.
            let page = op
                .send(
                    &format!("/o/{}/programmes", w.operator.id),
                    &[
                        ("name", bad),
                        ("starts_on", "2027-01-01"),
                        ("ends_on", "2027-12-31"),
                    ],
                )
                .await;
            assert_eq!(page.status, 422, "{bad:?}");
            assert_eq!(page.field_errors(), ["name"], "{bad:?}");
            assert!(page.has_error("invalid_characters"), "{page:?}");
            // The program's settings: its name, public name and public address.
            for field in ["set_name", "set_public_name", "set_public_address"] {
                let mut fields = vec![
                    ("set_name", "Bonne Bouffe"),
                    ("set_public_name", "Bons santé"),
                    ("set_public_address", "1234, rue Ontario Est"),
                    ("set_starts_on", "2026-01-01"),
                    ("set_ends_on", "2027-12-31"),
                    ("set_report_period", "month"),
                ];
                for f in fields.iter_mut().filter(|f| f.0 == field) {
                    f.1 = bad;
                }
                let page = op.send(&w.program_page("/reglages"), &fields).await;
                assert_eq!(page.status, 422, "{field} {bad:?}");
                assert!(page.has_error("invalid_characters"), "{field}: {page:?}");
            }
            // A product group, and a participant type.
            let page = op
                .send(
                    &w.program_page("/groupes"),
                    &[("group_fr", bad), ("group_en", "")],
                )
                .await;
            assert_eq!(page.status, 422, "{bad:?}");
            assert!(page.has_error("invalid_characters"), "{page:?}");
            let page = op
                .send(
                    &w.program_page("/types"),
                    &[("type_fr", bad), ("type_key", "x")],
                )
                .await;
            assert_eq!(page.status, 422, "{bad:?}");
            assert!(page.has_error("invalid_characters"), "{page:?}");
        }
        // Nothing was kept.
        let after = app.store.program_by_id(w.program).await.unwrap();
        assert_eq!(
            (after.name, after.public_name, after.public_address),
            (before.name, before.public_name, before.public_address)
        );
        app.stop().await;
    }
}
