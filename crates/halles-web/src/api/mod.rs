//! The JSON API under `/api/v1`, its OpenAPI 3.1 document and its documentation page.

pub mod auth;
pub mod coupons;
pub mod docs;
pub mod document;
pub mod hub;
pub mod idempotency;
pub mod json;
pub mod pagination;
pub mod platform;
pub mod problem;
pub mod schemas;

use crate::AppState;
use axum::Router;
use axum::routing::get;
use document::Completion;
use json::CleanText;
use std::sync::LazyLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

/// What the OpenAPI document says besides the operations: its title, tags and the problem
/// schemas the modifiers refer to. The operations and the schemas they use come from the
/// domains' routers ([`router`]).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Halles API",
        version = "1",
        description = "JSON API of Halles. Authenticate with the header Authorization: Bearer <token> (tokens are created by an organization's administrator). Errors are RFC 9457 problem details with a stable code; messages follow Accept-Language (French by default). POSTs that create something honour Idempotency-Key. Lists are paginated with a cursor and an RFC 8288 Link header."
    ),
    components(schemas(problem::Problem, problem::FieldProblem)),
    tags(
        (name = "organizations", description = "The caller's organization, members, invitations and audit log"),
        (name = "food hub", description = "Products, order cycles, availability, catalogs and orders. Quantities are decimal strings in the product's unit; money is integer cents."),
        (name = "billing", description = "A hub's billing settings and its invoices; a buyer's invoices. Money is integer cents; dates are YYYY-MM-DD."),
        (name = "coupons", description = "Food-coupon programs: schedules, participants, cards, redemptions and refunds. Money is integer cents; dates are YYYY-MM-DD.")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Every API route with its OpenAPI entry: the three domains' routers merged.
fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(platform::router())
        .merge(hub::router())
        .merge(coupons::router())
}

static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| {
    let (_, mut doc) = router().split_for_parts();
    for modifier in [&BearerAuth as &dyn Modify, &Completion, &CleanText] {
        modifier.modify(&mut doc);
    }
    doc
});

/// The OpenAPI document, generated from the handlers' annotations and completed by the
/// modifiers (`BearerAuth`, `document::Completion`, `json::CleanText`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    DOCUMENT.clone()
}

/// Every operation of the API as `(method, path)`, such as `("PUT",
/// "/api/v1/organizations/{org}/products/{id}")`: the routes the server answers, read from
/// the document the routers build.
pub fn operations() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in &DOCUMENT.paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("PUT", &item.put),
            ("POST", &item.post),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
            ("HEAD", &item.head),
            ("OPTIONS", &item.options),
            ("TRACE", &item.trace),
        ] {
            if op.is_some() {
                out.push((method.to_owned(), path.clone()));
            }
        }
    }
    out
}

/// The API routes, with problem localization and idempotency.
pub fn routes(state: AppState) -> Router<AppState> {
    let (v1, _) = router().split_for_parts();
    let v1 = v1
        .layer(axum::middleware::from_fn_with_state(
            state,
            idempotency::idempotency,
        ))
        .layer(axum::middleware::from_fn(problem::localize));
    Router::new()
        .merge(v1)
        .route("/api/openapi.json", get(docs::openapi_json))
}
