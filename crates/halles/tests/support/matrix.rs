//! The permission matrix: one row per route. For each row the kit checks every role of the
//! organization kind, an anonymous visitor, and a member (or token) of another organization.

use super::{Browser, TestApp, location};
use halles_core::OrgId;
use halles_core::organizations::{OrgKind, Role, Scope};

/// Who a row allows.
#[derive(Debug, Clone, Copy)]
pub enum Allowed {
    /// Members holding at least this role.
    Role(Role),
    /// Platform administrators only.
    PlatformAdmin,
    /// API tokens carrying this scope (`None`: any valid token).
    Token(Option<Scope>),
    /// No member of this kind of organization (the action belongs to another kind): every
    /// role gets 403.
    NoRole,
    /// No token of this kind of organization, whatever its scopes: 403.
    NoToken,
    /// A page tied to no organization (public pages, one's own account, kiosks, card
    /// holders' pages): an anonymous visitor gets `ok_status` (303 where signing in comes
    /// first).
    Anyone,
}

/// One route.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Path; `{org}` is the tested organization, `{foreign}` an id owned by the other one.
    pub path: &'static str,
    /// Who may use it.
    pub allowed: Allowed,
    /// The status an allowed caller gets with the row's (harmless) request.
    pub ok_status: u16,
}

impl Allowed {
    /// Viewers and above.
    pub const VIEWER: Allowed = Allowed::Role(Role::Viewer);
    /// Cashiers and above.
    pub const CASHIER: Allowed = Allowed::Role(Role::Cashier);
    /// Staff and administrators.
    pub const STAFF: Allowed = Allowed::Role(Role::Staff);
    /// Administrators.
    pub const ADMIN: Allowed = Allowed::Role(Role::Admin);

    /// Tokens carrying `scope`.
    pub const fn token(scope: Scope) -> Allowed {
        Allowed::Token(Some(scope))
    }
}

impl Row {
    /// A `GET` row.
    pub const fn get(path: &'static str, allowed: Allowed, ok_status: u16) -> Row {
        Row {
            method: "GET",
            path,
            allowed,
            ok_status,
        }
    }

    /// A `POST` row.
    pub const fn post(path: &'static str, allowed: Allowed, ok_status: u16) -> Row {
        Row {
            method: "POST",
            path,
            allowed,
            ok_status,
        }
    }

    /// A `PUT` row.
    pub const fn put(path: &'static str, allowed: Allowed, ok_status: u16) -> Row {
        Row {
            method: "PUT",
            path,
            allowed,
            ok_status,
        }
    }

    /// A `PATCH` row.
    pub const fn patch(path: &'static str, allowed: Allowed, ok_status: u16) -> Row {
        Row {
            method: "PATCH",
            path,
            allowed,
            ok_status,
        }
    }

    /// A `DELETE` row.
    pub const fn delete(path: &'static str, allowed: Allowed, ok_status: u16) -> Row {
        Row {
            method: "DELETE",
            path,
            allowed,
            ok_status,
        }
    }
}

/// The tenants and people a matrix run uses.
pub struct Fixture {
    pub org: OrgId,
    pub foreign: OrgId,
    /// An id of a row owned by the foreign organization (a membership).
    pub foreign_id: i64,
    pub kind: OrgKind,
    pub prefix: String,
}

impl Fixture {
    /// Two organizations of `kind`, one account per role in the first, an admin in the second.
    pub async fn new(app: &TestApp, kind: OrgKind, prefix: &str) -> Fixture {
        let org = app.org(kind, &format!("{prefix} A")).await;
        let foreign = app.org(kind, &format!("{prefix} B")).await;
        for role in kind.roles() {
            app.user(
                &format!("{prefix}-{}@a.example", role.code()),
                Some((org.id, *role)),
            )
            .await;
        }
        let b_admin = app
            .user(
                &format!("{prefix}-admin@b.example"),
                Some((foreign.id, Role::Admin)),
            )
            .await;
        let scope = halles_store::TenantScope::checked(foreign.id, halles_store::Actor::system());
        let members = app.store.members(&scope, None, 10).await.unwrap();
        let foreign_id = members
            .iter()
            .find(|m| m.user_id == b_admin.id)
            .unwrap()
            .id
            .0;
        app.platform_admin(&format!("{prefix}-platform@x.example"))
            .await;
        Fixture {
            org: org.id,
            foreign: foreign.id,
            foreign_id,
            kind,
            prefix: prefix.to_owned(),
        }
    }

    fn path(&self, row: &Row) -> String {
        row.path
            .replace("{org}", &self.org.to_string())
            .replace("{foreign}", &self.foreign_id.to_string())
    }
}

async fn send(b: &Browser, method: &str, path: &str) -> reqwest::Response {
    match method {
        "GET" => b.get(path).await,
        _ => b.post_form(path, &[]).await,
    }
}

/// Checks every row; panics with the list of every mismatch. Gives the rows back, so a test
/// can check they cover every route ([`page_routes_without_rows`]).
pub async fn check(app: &TestApp, fx: &Fixture, rows: &[Row]) -> Vec<Row> {
    let mut failures = Vec::new();
    let anon = app.client();
    let foreign_admin = app
        .logged_in(&format!("{}-admin@b.example", fx.prefix))
        .await;
    let platform = app
        .logged_in(&format!("{}-platform@x.example", fx.prefix))
        .await;
    let mut members = Vec::new();
    for role in fx.kind.roles() {
        members.push((
            *role,
            app.logged_in(&format!("{}-{}@a.example", fx.prefix, role.code()))
                .await,
        ));
    }
    for row in rows {
        let path = fx.path(row);
        let mut expect = |who: String, got: u16, want: u16| {
            if got != want {
                failures.push(format!(
                    "{} {} as {who}: got {got}, want {want}",
                    row.method, path
                ));
            }
        };
        match row.allowed {
            Allowed::Anyone => {
                let got = send(&anon, row.method, &path).await.status().as_u16();
                expect("anonymous".into(), got, row.ok_status);
            }
            Allowed::NoRole => {
                let res = send(&anon, row.method, &path).await;
                let to_login = res.status() == 303 && location(&res).starts_with("/connexion");
                expect(
                    "anonymous".into(),
                    if to_login { 303 } else { res.status().as_u16() },
                    303,
                );
                for (role, b) in &members {
                    expect(
                        format!("{role}"),
                        send(b, row.method, &path).await.status().as_u16(),
                        403,
                    );
                }
                expect(
                    "another organization's admin".into(),
                    send(&foreign_admin, row.method, &path)
                        .await
                        .status()
                        .as_u16(),
                    404,
                );
            }
            Allowed::NoToken => {
                let http = reqwest::Client::new();
                let call = |token: Option<String>| {
                    let mut req = match row.method {
                        "GET" => http.get(app.at(&path)),
                        _ => http.post(app.at(&path)).json(&serde_json::json!({})),
                    };
                    if let Some(t) = token {
                        req = req.bearer_auth(t);
                    }
                    req.send()
                };
                expect(
                    "no token".into(),
                    call(None).await.unwrap().status().as_u16(),
                    401,
                );
                let all = app.token(fx.org, &Scope::ALL).await;
                expect(
                    "token with every scope".into(),
                    call(Some(all)).await.unwrap().status().as_u16(),
                    403,
                );
                let foreign = app.token(fx.foreign, &Scope::ALL).await;
                expect(
                    "another organization's token".into(),
                    call(Some(foreign)).await.unwrap().status().as_u16(),
                    404,
                );
            }
            Allowed::Role(min) => {
                let res = send(&anon, row.method, &path).await;
                let to_login = res.status() == 303 && location(&res).starts_with("/connexion");
                expect(
                    "anonymous".into(),
                    if to_login { 303 } else { res.status().as_u16() },
                    303,
                );
                for (role, b) in &members {
                    let want = if role.satisfies(min) {
                        row.ok_status
                    } else {
                        403
                    };
                    expect(
                        format!("{role}"),
                        send(b, row.method, &path).await.status().as_u16(),
                        want,
                    );
                }
                expect(
                    "another organization's admin".into(),
                    send(&foreign_admin, row.method, &path)
                        .await
                        .status()
                        .as_u16(),
                    404,
                );
            }
            Allowed::PlatformAdmin => {
                let res = send(&anon, row.method, &path).await;
                expect("anonymous".into(), res.status().as_u16(), 303);
                for (role, b) in &members {
                    expect(
                        format!("{role}"),
                        send(b, row.method, &path).await.status().as_u16(),
                        403,
                    );
                }
                expect(
                    "platform admin".into(),
                    send(&platform, row.method, &path).await.status().as_u16(),
                    row.ok_status,
                );
            }
            Allowed::Token(scope) => {
                let http = reqwest::Client::new();
                let call = |token: Option<String>| {
                    let mut req = match row.method {
                        "GET" => http.get(app.at(&path)),
                        "PUT" => http.put(app.at(&path)).json(&serde_json::json!({})),
                        "PATCH" => http.patch(app.at(&path)).json(&serde_json::json!({})),
                        "DELETE" => http.delete(app.at(&path)),
                        _ => http.post(app.at(&path)).json(&serde_json::json!({})),
                    };
                    if let Some(t) = token {
                        req = req.bearer_auth(t);
                    }
                    req.send()
                };
                expect(
                    "no token".into(),
                    call(None).await.unwrap().status().as_u16(),
                    401,
                );
                expect(
                    "unknown token".into(),
                    call(Some("hal_nope".into()))
                        .await
                        .unwrap()
                        .status()
                        .as_u16(),
                    401,
                );
                let all = app.token(fx.org, &Scope::ALL).await;
                expect(
                    "token with every scope".into(),
                    call(Some(all)).await.unwrap().status().as_u16(),
                    row.ok_status,
                );
                if let Some(required) = scope {
                    let others: Vec<Scope> =
                        Scope::ALL.into_iter().filter(|s| *s != required).collect();
                    let lacking = app.token(fx.org, &others).await;
                    expect(
                        format!("token without {}", required.code()),
                        call(Some(lacking)).await.unwrap().status().as_u16(),
                        403,
                    );
                }
                let foreign = app.token(fx.foreign, &Scope::ALL).await;
                let status = call(Some(foreign)).await.unwrap().status().as_u16();
                // A route without an organization in its path answers for the token's own.
                let want = if row.path.contains("{org}") {
                    404
                } else {
                    row.ok_status
                };
                expect("another organization's token".into(), status, want);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "permission matrix on {}:\n{}",
        app.label(),
        failures.join("\n")
    );
    rows.to_vec()
}

/// The page routes (method, path) that no row covers. A row covers the route the server
/// would send it to: same method, same segments, a route's `{parameter}` standing for any
/// segment, and among several the one with the most fixed segments.
pub fn page_routes_without_rows(
    routes: &[(&'static str, &'static str)],
    rows: &[Row],
) -> Vec<(&'static str, &'static str)> {
    let fixed = |path: &str| path.split('/').filter(|s| !s.starts_with('{')).count();
    let matches = |row: &Row, path: &str| {
        let a: Vec<&str> = row.path.split('/').collect();
        let b: Vec<&str> = path.split('/').collect();
        a.len() == b.len() && a.iter().zip(&b).all(|(r, p)| p.starts_with('{') || r == p)
    };
    let covered: Vec<(&str, &str)> = rows
        .iter()
        .filter_map(|row| {
            routes
                .iter()
                .filter(|(method, path)| *method == row.method && matches(row, path))
                .max_by_key(|(_, path)| fixed(path))
                .copied()
        })
        .collect();
    routes
        .iter()
        .filter(|route| !covered.contains(route))
        .copied()
        .collect()
}

/// A program route sent under one program's path with another program's ids in the path, the
/// form or the body: the cross-program rows.
#[derive(Debug, Clone)]
pub struct Cross {
    /// `POST` (a page's form) or `POST` / `PUT` with a JSON body (the API).
    pub method: &'static str,
    /// The path, under the acting program.
    pub path: String,
    /// The form's fields (pages).
    pub form: Vec<(String, String)>,
    /// The JSON body (API rows; a row with one goes with the token).
    pub json: Option<serde_json::Value>,
    /// The statuses that refuse it: 404 (another program's id), 403 (a role below the
    /// route's), 422 (a form or body refused as a whole because it names such an id).
    pub refused: &'static [u16],
}

impl Cross {
    /// A page's form.
    pub fn form(path: String, form: &[(&str, String)]) -> Cross {
        Cross {
            method: "POST",
            path,
            form: form
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            json: None,
            refused: &[404, 403],
        }
    }
    /// An API call.
    pub fn api(method: &'static str, path: String, json: serde_json::Value) -> Cross {
        Cross {
            method,
            path,
            form: Vec::new(),
            json: Some(json),
            refused: &[404, 403],
        }
    }
    /// Refused with these statuses instead.
    pub fn refused(mut self, statuses: &'static [u16]) -> Cross {
        self.refused = statuses;
        self
    }
}

/// Sends every cross-program row as `who`: page rows with `browser`, API rows with `token`.
/// Each must be refused, and `state` (what the database holds of both programs) must read the
/// same after every row as before; panics with the list of every mismatch.
pub async fn check_across_programs<F, Fut>(
    app: &TestApp,
    who: &str,
    browser: &Browser,
    token: Option<&str>,
    rows: &[Cross],
    state: F,
) where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let mut failures = Vec::new();
    let http = reqwest::Client::new();
    let before = state().await;
    for row in rows {
        let status = match (&row.json, token) {
            (Some(body), Some(token)) => {
                let req = match row.method {
                    "PUT" => http.put(app.at(&row.path)),
                    _ => http.post(app.at(&row.path)),
                };
                req.bearer_auth(token)
                    .json(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
            (Some(_), None) => continue,
            (None, _) => {
                let form: Vec<(&str, &str)> = row
                    .form
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                browser.post_form(&row.path, &form).await.status().as_u16()
            }
        };
        if !row.refused.contains(&status) {
            failures.push(format!(
                "{} {} {:?} as {who}: got {status}, want one of {:?}",
                row.method, row.path, row.form, row.refused
            ));
        }
        let after = state().await;
        if after != before {
            failures.push(format!(
                "{} {} {:?} as {who} changed the database:\nbefore {before}\nafter  {after}",
                row.method, row.path, row.form
            ));
            break;
        }
    }
    assert!(
        failures.is_empty(),
        "cross-program matrix on {}:\n{}",
        app.label(),
        failures.join("\n")
    );
}

/// The API's rows, one list per kind of organization they are checked as. Every API route has
/// one ([`routes_without_rows`] over [`api_routes`] is empty, checked in `http.rs`).
pub mod api_rows {
    use super::{Allowed, Row};
    use halles_core::organizations::Scope;

    /// The caller and its organization, checked as a hub (`http.rs`).
    pub const PLATFORM: &[Row] = &[
        Row::get("/api/v1/me", Allowed::Token(None), 200),
        Row::get(
            "/api/v1/organizations/{org}",
            Allowed::token(Scope::OrgRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/members",
            Allowed::token(Scope::OrgRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/invitations",
            Allowed::token(Scope::OrgWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/audit",
            Allowed::token(Scope::AuditRead),
            200,
        ),
    ];

    /// A producer's products and availability (`food_hub.rs`).
    pub const PRODUCER: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/products",
            Allowed::token(Scope::CatalogRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/products",
            Allowed::token(Scope::CatalogWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/products/{foreign}",
            Allowed::token(Scope::CatalogRead),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/products/{foreign}",
            Allowed::token(Scope::CatalogWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/products/{foreign}/tax-statuses",
            Allowed::token(Scope::CatalogRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/products/{foreign}/tax-statuses",
            Allowed::token(Scope::CatalogWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/hubs/{foreign}/order-cycles/{foreign}/availability",
            Allowed::token(Scope::CatalogRead),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/hubs/{foreign}/order-cycles/{foreign}/availability",
            Allowed::token(Scope::CatalogWrite),
            400,
        ),
    ];

    /// A hub's order cycles (`food_hub.rs`).
    pub const HUB: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/order-cycles",
            Allowed::token(Scope::CatalogRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles",
            Allowed::token(Scope::CyclesWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}",
            Allowed::token(Scope::CatalogRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/availability",
            Allowed::token(Scope::CatalogRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/orders",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/totals",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/export/orders",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/open",
            Allowed::token(Scope::CyclesWrite),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/close",
            Allowed::token(Scope::CyclesWrite),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/copy",
            Allowed::token(Scope::CyclesWrite),
            404,
        ),
        // The hub API (issue 13): pickup points, price rules, partners (`hub_api.rs`).
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/locations",
            Allowed::token(Scope::CatalogRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/locations",
            Allowed::token(Scope::CyclesWrite),
            400,
        ),
        Row::put(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/locations/{foreign}",
            Allowed::token(Scope::CyclesWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/price-rules",
            Allowed::token(Scope::CatalogRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/price-rules",
            Allowed::token(Scope::CatalogWrite),
            400,
        ),
        Row::put(
            "/api/v1/organizations/{org}/price-rules/{foreign}",
            Allowed::token(Scope::CatalogWrite),
            400,
        ),
        Row::delete(
            "/api/v1/organizations/{org}/price-rules/{foreign}",
            Allowed::token(Scope::CatalogWrite),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producers",
            Allowed::token(Scope::OrgRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/producers",
            Allowed::token(Scope::OrgWrite),
            400,
        ),
        Row::delete(
            "/api/v1/organizations/{org}/producers/{foreign}",
            Allowed::token(Scope::OrgWrite),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/buyers",
            Allowed::token(Scope::OrgRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/buyers",
            Allowed::token(Scope::OrgWrite),
            400,
        ),
        Row::put(
            "/api/v1/organizations/{org}/buyers/{foreign}",
            Allowed::token(Scope::OrgWrite),
            400,
        ),
        Row::delete(
            "/api/v1/organizations/{org}/buyers/{foreign}",
            Allowed::token(Scope::OrgWrite),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/order-cycles/{foreign}",
            Allowed::token(Scope::CyclesWrite),
            404,
        ),
        // Buyers' tags, visibility rules and the producers' reminder (`hub_api.rs`).
        Row::put(
            "/api/v1/organizations/{org}/buyers/{foreign}/settings",
            Allowed::token(Scope::OrgWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/visibility-rules",
            Allowed::token(Scope::CatalogRead),
            200,
        ),
        Row::put(
            "/api/v1/organizations/{org}/visibility-rules/products/{foreign}",
            Allowed::token(Scope::CatalogWrite),
            400,
        ),
        Row::put(
            "/api/v1/organizations/{org}/visibility-rules/order-cycles/{foreign}",
            Allowed::token(Scope::CyclesWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producer-reminders",
            Allowed::token(Scope::CatalogRead),
            200,
        ),
        Row::put(
            "/api/v1/organizations/{org}/producer-reminders",
            Allowed::token(Scope::CyclesWrite),
            400,
        ),
    ];

    /// A buyer's catalog, orders and standing orders (`food_hub.rs`).
    pub const BUYER: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/orders",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/orders",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/orders/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/orders/{foreign}",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/orders/{foreign}/cancel",
            Allowed::token(Scope::OrdersWrite),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/hubs/{foreign}/order-cycles/{foreign}/catalog",
            Allowed::token(Scope::CatalogRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/standing-orders",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/standing-orders",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/standing-orders/{foreign}/skip",
            Allowed::token(Scope::OrdersWrite),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/standing-orders/{foreign}/stop",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
    ];

    /// A program's operator: every program route (`coupons.rs`).
    pub const OPERATOR: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/programs",
            Allowed::token(Scope::CouponsRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/participants",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/participants",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/cards",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/programs/{foreign}/participants/{foreign}",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::put(
            "/api/v1/organizations/{org}/programs/{foreign}/participants/{foreign}/allocation-schedules/{foreign}",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/participants/{foreign}/type-change-effects",
            Allowed::token(Scope::CouponsRead),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/type-conflicts",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/participants/{foreign}/return",
            Allowed::token(Scope::CouponsWrite),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/participants/{foreign}/allocation-schedules/{foreign}/loads",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/transactions",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/reports",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/envelopes/{foreign}/history",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/reserve/history",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/programs/{foreign}",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/claims",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/claims",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/claims/{foreign}/decision",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/payment-batches",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/payment-batches",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/payment-batches/{foreign}/payment",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::put(
            "/api/v1/organizations/{org}/programs/{foreign}/partners/{foreign}/markets",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/cards/{foreign}/adjustments",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/cards/{foreign}/pin-unlock",
            Allowed::token(Scope::CouponsWrite),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/cards",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/allocation-schedules",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/allocation-schedules",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::patch(
            "/api/v1/organizations/{org}/programs/{foreign}/allocation-schedules/{foreign}",
            Allowed::token(Scope::CouponsWrite),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/redemptions/{foreign}",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/redemptions",
            Allowed::token(Scope::RedemptionsWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/redemptions/{foreign}/refunds",
            Allowed::token(Scope::RedemptionsWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/participants/import",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/paper-batches",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/paper-batches",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/programs/{foreign}/paper-batches/{foreign}/coupons",
            Allowed::token(Scope::CouponsRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/paper-coupons/hand-out",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/programs/{foreign}/paper-coupons/void",
            Allowed::token(Scope::CouponsWrite),
            400,
        ),
    ];

    /// A market's card lookup and paper-coupon redemption (`coupons.rs`).
    pub const MARKET: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/cards/lookup?card=1234",
            Allowed::token(Scope::RedemptionsWrite),
            422,
        ),
        Row::post(
            "/api/v1/organizations/{org}/paper-redemptions",
            Allowed::token(Scope::RedemptionsWrite),
            400,
        ),
    ];

    /// Every list.
    /// A hub's fulfilment (issue 14): purchase orders, receiving, stock, packing, routes
    /// (`fulfilment_api.rs`).
    pub const FULFILMENT_HUB: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/purchase-orders",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/purchase-orders/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/purchase-orders/issue",
            Allowed::token(Scope::OrdersWrite),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/receipts",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/shortages",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/shortages/{foreign}",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/lots",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/lots/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/lots/{foreign}/movements",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/recalls/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/order-lines/{foreign}/weights",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/packing",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/documents/labels",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/orders/{foreign}/pack",
            Allowed::token(Scope::OrdersWrite),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/cases/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/routes",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/routes",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::put(
            "/api/v1/organizations/{org}/routes/{foreign}/buyers",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/buyers/{foreign}/delivery-details",
            Allowed::token(Scope::OrgRead),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/buyers/{foreign}/delivery-details",
            Allowed::token(Scope::OrgWrite),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/routes/plan",
            Allowed::token(Scope::OrdersWrite),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/routes/{foreign}/stops",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/orders/{foreign}/stop",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/stops/{foreign}/delivered",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/stops/{foreign}/undelivered",
            Allowed::token(Scope::OrdersWrite),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/stops/{foreign}/photo",
            Allowed::token(Scope::OrdersWrite),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/stops/{foreign}/photo",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
    ];

    /// A producer's side of fulfilment: its purchase orders, the units it weighs and its
    /// product labels (`fulfilment_api.rs`).
    pub const FULFILMENT_PRODUCER: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/hubs/{foreign}/order-cycles/{foreign}/purchase-orders",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/hubs/{foreign}/order-cycles/{foreign}/purchase-orders/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/hubs/{foreign}/order-cycles/{foreign}/weighing",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::put(
            "/api/v1/organizations/{org}/hubs/{foreign}/order-lines/{foreign}/weights",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/hubs/{foreign}/order-cycles/{foreign}/product-labels",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
    ];

    /// A buyer's side of fulfilment: its order's delivery and its photo (`fulfilment_api.rs`).
    pub const FULFILMENT_BUYER: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/orders/{foreign}/delivery",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/orders/{foreign}/delivery/photo",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
    ];

    /// The hub's fulfilment lists asked by a buyer or a producer with every scope: not their
    /// kind of work (`wrong_kind`, 403; `fulfilment_api.rs`).
    pub const FULFILMENT_NOT_A_HUB: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/purchase-orders",
            Allowed::NoToken,
            403,
        ),
        Row::get("/api/v1/organizations/{org}/lots", Allowed::NoToken, 403),
        Row::get("/api/v1/organizations/{org}/routes", Allowed::NoToken, 403),
        Row::get(
            "/api/v1/organizations/{org}/recalls/{foreign}",
            Allowed::NoToken,
            403,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/packing",
            Allowed::NoToken,
            403,
        ),
        Row::get(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/documents/labels",
            Allowed::NoToken,
            403,
        ),
        Row::post(
            "/api/v1/organizations/{org}/order-cycles/{foreign}/purchase-orders/issue",
            Allowed::NoToken,
            403,
        ),
    ];

    /// A hub's billing (issue 15, first part): settings, buyers' terms, invoices
    /// (`billing_api.rs`).
    pub const BILLING_HUB: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/billing-settings",
            Allowed::token(Scope::OrgRead),
            200,
        ),
        Row::put(
            "/api/v1/organizations/{org}/billing-settings",
            Allowed::token(Scope::OrgWrite),
            400,
        ),
        Row::put(
            "/api/v1/organizations/{org}/buyers/{foreign}/billing",
            Allowed::token(Scope::OrgWrite),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/{foreign}/pdf",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/orders/{foreign}/invoice",
            Allowed::token(Scope::OrdersWrite),
            404,
        ),
        // Credit notes and receivables (issue 15, items 3 and 4).
        Row::get(
            "/api/v1/organizations/{org}/credit-notes",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/credit-notes/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/credit-notes/{foreign}/pdf",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/invoices/{foreign}/credit-notes",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/{foreign}/balance",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/payments",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/payments",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/payments/{foreign}/allocations",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/aging",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/statements",
            Allowed::token(Scope::OrdersRead),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/statements/pdf",
            Allowed::token(Scope::OrdersRead),
            400,
        ),
    ];

    /// A buyer's invoices: its own only (`billing_api.rs`).
    pub const BILLING_BUYER: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/invoices",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/{foreign}/pdf",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/credit-notes",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/credit-notes/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/credit-notes/{foreign}/pdf",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/{foreign}/balance",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/payments",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
    ];

    /// The hub's billing asked by a buyer or a producer with every scope: not their kind of
    /// work (`wrong_kind`, 403; `billing_api.rs`).
    pub const BILLING_NOT_A_HUB: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/billing-settings",
            Allowed::NoToken,
            403,
        ),
        Row::post(
            "/api/v1/organizations/{org}/orders/{foreign}/invoice",
            Allowed::NoToken,
            403,
        ),
        Row::post(
            "/api/v1/organizations/{org}/invoices/{foreign}/credit-notes",
            Allowed::NoToken,
            403,
        ),
        Row::post(
            "/api/v1/organizations/{org}/payments",
            Allowed::NoToken,
            403,
        ),
        Row::post(
            "/api/v1/organizations/{org}/payments/{foreign}/allocations",
            Allowed::NoToken,
            403,
        ),
        Row::get("/api/v1/organizations/{org}/aging", Allowed::NoToken, 403),
    ];

    /// A hub's producer statements and payouts, and invoices as UBL (`payouts_api.rs`).
    pub const STATEMENTS_HUB: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/credit-notes/{foreign}/ubl",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/journal?from=2026-12-01&to=2026-12-31",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/billing-settings/accounts",
            Allowed::token(Scope::OrgRead),
            200,
        ),
        Row::put(
            "/api/v1/organizations/{org}/billing-settings/accounts",
            Allowed::token(Scope::OrgWrite),
            400,
        ),
        Row::post(
            "/api/v1/organizations/{org}/payments/{foreign}/void",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/export/quickbooks?from=2026-12-01&to=2026-12-31",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/{foreign}/ubl",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producer-statements",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::post(
            "/api/v1/organizations/{org}/producer-statements",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producer-statements/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producer-statements/{foreign}/pdf",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/producer-statements/{foreign}/payout",
            Allowed::token(Scope::OrdersWrite),
            400,
        ),
    ];

    /// A producer's statements: its own only; issuing and paying are the hub's (403).
    pub const STATEMENTS_PRODUCER: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/producer-statements",
            Allowed::token(Scope::OrdersRead),
            200,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producer-statements/{foreign}",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producer-statements/{foreign}/pdf",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::post(
            "/api/v1/organizations/{org}/producer-statements",
            Allowed::NoToken,
            403,
        ),
        Row::post(
            "/api/v1/organizations/{org}/producer-statements/{foreign}/payout",
            Allowed::NoToken,
            403,
        ),
    ];

    /// A buyer has no statements at all (`wrong_kind`, 403); its invoices as UBL, its own.
    pub const STATEMENTS_BUYER: &[Row] = &[
        Row::get(
            "/api/v1/organizations/{org}/credit-notes/{foreign}/ubl",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/journal?from=2026-12-01&to=2026-12-31",
            Allowed::NoToken,
            403,
        ),
        Row::get(
            "/api/v1/organizations/{org}/billing-settings/accounts",
            Allowed::NoToken,
            403,
        ),
        Row::post(
            "/api/v1/organizations/{org}/payments/{foreign}/void",
            Allowed::NoToken,
            403,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/export/quickbooks?from=2026-12-01&to=2026-12-31",
            Allowed::NoToken,
            403,
        ),
        Row::get(
            "/api/v1/organizations/{org}/invoices/{foreign}/ubl",
            Allowed::token(Scope::OrdersRead),
            404,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producer-statements",
            Allowed::NoToken,
            403,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producer-statements/{foreign}",
            Allowed::NoToken,
            403,
        ),
        Row::get(
            "/api/v1/organizations/{org}/producer-statements/{foreign}/pdf",
            Allowed::NoToken,
            403,
        ),
        Row::post(
            "/api/v1/organizations/{org}/producer-statements",
            Allowed::NoToken,
            403,
        ),
        Row::post(
            "/api/v1/organizations/{org}/producer-statements/{foreign}/payout",
            Allowed::NoToken,
            403,
        ),
    ];

    pub const ALL: &[&[Row]] = &[
        PLATFORM,
        PRODUCER,
        HUB,
        BUYER,
        OPERATOR,
        MARKET,
        FULFILMENT_HUB,
        FULFILMENT_PRODUCER,
        FULFILMENT_BUYER,
        BILLING_HUB,
        BILLING_BUYER,
        STATEMENTS_HUB,
    ];
}

/// The API's routes as `(method, path)`, read from the server's own routers.
pub fn api_routes() -> Vec<(String, String)> {
    halles_web::api::operations()
}

/// The routes no row reaches, as `METHOD path`. A row reaches a route when the methods are the
/// same and the paths have the same segments, where a route's `{name}` takes any segment; the
/// row's query string is left aside.
pub fn routes_without_rows(routes: &[(String, String)], rows: &[Row]) -> Vec<String> {
    let reaches = |row: &Row, method: &str, path: &str| {
        let row_path = row.path.split('?').next().unwrap_or_default();
        let (a, b): (Vec<&str>, Vec<&str>) =
            (row_path.split('/').collect(), path.split('/').collect());
        row.method == method
            && a.len() == b.len()
            && a.iter().zip(&b).all(|(r, p)| r == p || p.starts_with('{'))
    };
    routes
        .iter()
        .filter(|(method, path)| !rows.iter().any(|row| reaches(row, method, path)))
        .map(|(method, path)| format!("{method} {path}"))
        .collect()
}
