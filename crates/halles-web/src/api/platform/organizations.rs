//! The caller's organization.

use crate::AppState;
use crate::api::auth::{ApiAccess, OrgRead};
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// An organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiOrganization {
    /// Its id.
    pub id: i64,
    /// `hub`, `producer`, `buyer`, `program_operator`, `partner_org`, `market` or `funder`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Language of its documents: `fr` or `en`.
    pub lang: String,
    /// Creation time (RFC 3339).
    pub created_at: String,
}

impl From<halles_store::platform::organizations::Organization> for ApiOrganization {
    fn from(o: halles_store::platform::organizations::Organization) -> Self {
        Self {
            id: o.id.0,
            kind: o.kind.code().to_owned(),
            name: o.name,
            lang: o.lang.code().to_owned(),
            created_at: o.created_at.to_string(),
        }
    }
}

/// One organization: the caller's own.
#[utoipa::path(get, path = "/api/v1/organizations/{org}", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id; must be the token's")),
    responses(
        (status = 200, description = "The organization", body = ApiOrganization),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing scope org:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the token's organization", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["org:read"])))]
pub async fn organization(
    State(state): State<AppState>,
    a: ApiAccess<OrgRead>,
) -> Result<Json<ApiOrganization>, ApiError> {
    Ok(Json(state.store.organization(&a.scope).await?.into()))
}
