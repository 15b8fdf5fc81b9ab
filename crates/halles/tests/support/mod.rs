//! A test kit that starts the real app on a free port over a real database, and the
//! permission matrix that every route adds a row to.

#![allow(dead_code)]

pub mod load;
pub mod mail;
pub mod matrix;
pub mod pdf;
pub mod requests;
pub mod week;
pub mod world;

use halles::app::{Running, start};
use halles::mailer::Mailer;
use halles_core::accounts::Lang;
use halles_core::organizations::{OrgKind, Role, Scope};
use halles_core::{Clock, ManualClock, OrgId, ProgramId};
use halles_store::platform::accounts::{NewUser, User};
use halles_store::platform::organizations::Organization;
use halles_store::testing::TestDb;
use halles_store::{Actor, Store, TenantScope};
use halles_web::WebConfig;
use reqwest::redirect::Policy;
use std::sync::Arc;

/// The password of every test account.
pub const PASSWORD: &str = "mot-de-passe-de-test";

/// The token `/metrics` asks for in tests.
pub const METRICS_TOKEN: &str = "jeton-des-mesures";

/// A running app over its own database.
pub struct TestApp {
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub url: String,
    running: Option<Running>,
    db: Option<TestDb>,
}

impl TestApp {
    /// Starts the app over `db`, with the clock at a fixed instant.
    pub async fn start(db: TestDb) -> TestApp {
        let clock = Arc::new(ManualClock::new("2026-11-28T14:00:00Z".parse().unwrap()));
        let store = db.store(clock.clone() as Arc<dyn Clock>).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let web = WebConfig {
            base_url: format!("http://{addr}"),
            secure_cookies: false,
            demo: false,
            trust_forwarded_for: false,
            metrics_token: Some(METRICS_TOKEN.to_owned()),
        };
        // No worker task: tests run jobs themselves with `run_jobs`, so nothing races them.
        let running = start(store.clone(), web, listener, None).unwrap();
        TestApp {
            url: running.url(),
            store,
            clock,
            running: Some(running),
            db: Some(db),
        }
    }

    /// Starts the app on every configured database.
    pub async fn on_every_db() -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in TestDb::all().await {
            apps.push(TestApp::start(db).await);
        }
        apps
    }

    /// The database URL.
    pub fn db_url(&self) -> &str {
        self.db.as_ref().map(|d| d.url.as_str()).unwrap_or("")
    }

    /// Which database this app runs on.
    pub fn label(&self) -> &'static str {
        self.db.as_ref().map(|d| d.label).unwrap_or("?")
    }

    /// Stops the server and removes the database.
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        self.store.close().await;
        if let Some(db) = self.db.take() {
            db.cleanup().await;
        }
    }

    /// A full URL.
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// Runs every due job (e-mails end up `kept` in the outbox).
    pub async fn run_jobs(&self) {
        while halles::worker::tick(&self.store, &Mailer::Keep, &self.url).await {}
    }

    /// Creates an organization.
    pub async fn org(&self, kind: OrgKind, name: &str) -> Organization {
        self.store
            .create_organization(Actor::system(), kind, name, Lang::Fr)
            .await
            .unwrap()
    }

    /// Creates an account, optionally as a member of `org` with `role`.
    pub async fn user(&self, email: &str, membership: Option<(OrgId, Role)>) -> User {
        let u = self
            .store
            .create_user(
                Actor::system(),
                NewUser {
                    email,
                    name: email,
                    lang: Lang::Fr,
                    password: Some(PASSWORD),
                    is_platform_admin: false,
                },
            )
            .await
            .unwrap();
        if let Some((org, role)) = membership {
            self.store
                .add_member(&TenantScope::checked(org, Actor::system()), u.id, role)
                .await
                .unwrap();
        }
        u
    }

    /// An account managing one program of `org` only: invited by e-mail, invitation accepted.
    pub async fn program_manager(&self, email: &str, org: OrgId, program: ProgramId) -> User {
        let u = self.user(email, None).await;
        let scope = TenantScope::checked(org, Actor::system());
        let program = self.store.operated_program(&scope, program).await.unwrap();
        let (_, secret) = self
            .store
            .invite_program_manager(&program, email)
            .await
            .unwrap();
        self.store.accept_invitation(&secret, &u).await.unwrap();
        u
    }

    /// A platform administrator.
    pub async fn platform_admin(&self, email: &str) -> User {
        self.store
            .create_user(
                Actor::system(),
                NewUser {
                    email,
                    name: "Admin",
                    lang: Lang::Fr,
                    password: Some(PASSWORD),
                    is_platform_admin: true,
                },
            )
            .await
            .unwrap()
    }

    /// An API token of `org` with `scopes`.
    pub async fn token(&self, org: OrgId, scopes: &[Scope]) -> String {
        self.store
            .create_token(&TenantScope::checked(org, Actor::system()), "test", scopes)
            .await
            .unwrap()
            .1
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: self.url.clone(),
        }
    }

    /// A client logged in as `email`.
    pub async fn logged_in(&self, email: &str) -> Browser {
        let b = self.client();
        let res = b
            .post_form("/connexion", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(res.status(), 303, "login of {email} failed");
        b
    }
}

/// A cookie-keeping HTTP client.
#[derive(Clone)]
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
}

impl Browser {
    /// GET a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// The CSRF token the site gave this client, read from a page's form.
    pub async fn csrf(&self) -> String {
        let html = self.get("/connexion").await.text().await.unwrap();
        let html = if html.contains("name=\"csrf\"") {
            html
        } else {
            self.get("/aide").await.text().await.unwrap()
        };
        csrf_in(&html).expect("a csrf field")
    }

    /// POST a form with the right CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.http
            .post(format!("{}{path}", self.base))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    /// POST a form exactly as given (no CSRF added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}

/// The value of the first `name="csrf"` field.
pub fn csrf_in(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")?;
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The `Location` header.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// A PNG of `width` × `height` pixels (a photo to upload).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, _| {
        image::Rgb([(x % 255) as u8, 120, 40])
    }))
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    png
}
