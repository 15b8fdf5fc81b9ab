//! Who is calling: the token and its organization.

use super::organizations::ApiOrganization;
use crate::AppState;
use crate::api::auth::{AnyScope, ApiAccess};
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// The token itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenInfo {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its scopes.
    pub scopes: Vec<String>,
}

/// Who is calling.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The organization the token acts for.
    pub organization: ApiOrganization,
    /// The token.
    pub token: ApiTokenInfo,
}

/// Who is calling: the token and its organization.
#[utoipa::path(get, path = "/api/v1/me", tag = "organizations",
    responses(
        (status = 200, description = "The token and its organization", body = Me),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn me(
    State(state): State<AppState>,
    a: ApiAccess<AnyScope>,
) -> Result<Json<Me>, ApiError> {
    let org = state.store.organization(&a.scope).await?;
    Ok(Json(Me {
        organization: org.into(),
        token: ApiTokenInfo {
            id: a.token.id.0,
            name: a.token.name.clone(),
            scopes: a.token.scopes.iter().map(|s| s.code().to_owned()).collect(),
        },
    }))
}
