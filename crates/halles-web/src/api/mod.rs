//! The JSON API under `/api/v1`, its OpenAPI 3.1 document and its documentation page.

pub mod auth;
pub mod docs;
pub mod idempotency;
pub mod json;
pub mod organizations;
pub mod pagination;
pub mod problem;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The OpenAPI document, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Halles API",
        version = "1",
        description = "JSON API of Halles. Authenticate with the header Authorization: Bearer <token> (tokens are created by an organization's administrator). Errors are RFC 9457 problem details with a stable code; messages follow Accept-Language (French by default). POSTs that create something honour Idempotency-Key. Lists are paginated with a cursor and an RFC 8288 Link header."
    ),
    paths(
        organizations::me,
        organizations::organization,
        organizations::members,
        organizations::invite,
        organizations::audit,
    ),
    components(schemas(
        problem::Problem,
        problem::FieldProblem,
        organizations::Me,
        organizations::ApiTokenInfo,
        organizations::ApiOrganization,
        organizations::ApiMember,
        organizations::NewInvitation,
        organizations::ApiInvitation,
        organizations::ApiAuditEntry,
    )),
    modifiers(&BearerAuth),
    tags((name = "organizations", description = "The caller's organization, members, invitations and audit log"))
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

/// The API routes, with problem localization and idempotency.
pub fn routes(state: AppState) -> Router<AppState> {
    let v1 = Router::new()
        .route("/api/v1/me", get(organizations::me))
        .route(
            "/api/v1/organizations/{org}",
            get(organizations::organization),
        )
        .route(
            "/api/v1/organizations/{org}/members",
            get(organizations::members),
        )
        .route(
            "/api/v1/organizations/{org}/invitations",
            post(organizations::invite),
        )
        .route(
            "/api/v1/organizations/{org}/audit",
            get(organizations::audit),
        )
        .layer(axum::middleware::from_fn_with_state(
            state,
            idempotency::idempotency,
        ))
        .layer(axum::middleware::from_fn(problem::localize));
    Router::new()
        .merge(v1)
        .route("/api/openapi.json", get(docs::openapi_json))
}
