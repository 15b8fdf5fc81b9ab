//! The organization's audit log.

use crate::AppState;
use crate::api::auth::{ApiAccess, AuditRead};
use crate::api::pagination::{PageQuery, next_link};
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header::LINK;
use axum::response::{IntoResponse, Response};
use halles_core::AuditId;
use halles_store::platform::audit::Filter;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filters of the audit list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this entity type, such as `membership`.
    pub entity: Option<String>,
    /// Only `create`, `update` or `delete`.
    pub action: Option<String>,
    /// Only at or after this instant (RFC 3339).
    #[param(format = DateTime, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")]
    pub from: Option<String>,
    /// Only before this instant (RFC 3339).
    #[param(format = DateTime, pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")]
    pub until: Option<String>,
}

/// An audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAuditEntry {
    /// Its id (the pagination key, newest first).
    pub id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// The person who acted.
    pub actor_user_id: Option<i64>,
    /// The token that acted.
    pub actor_token_id: Option<i64>,
    /// `create`, `update` or `delete`.
    pub action: String,
    /// Entity type.
    pub entity: String,
    /// Entity id.
    pub entity_id: String,
    /// The entity before.
    #[schema(value_type = Option<serde_json::Value>)]
    pub before: Option<serde_json::Value>,
    /// The entity after.
    #[schema(value_type = Option<serde_json::Value>)]
    pub after: Option<serde_json::Value>,
}

fn instant(field: &'static str, v: &Option<String>) -> Result<Option<Timestamp>, ApiError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse().map_err(|_| {
                ApiError::Validation(vec![halles_core::validation::FieldError {
                    field: field.into(),
                    code: "instant_invalid",
                }])
            })
        })
        .transpose()
}

/// The organization's audit log, newest first, paginated with `Link: rel="next"`.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/audit", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id; must be the token's"), AuditQuery, PageQuery),
    responses(
        (status = 200, description = "A page of entries", body = [ApiAuditEntry]),
        (status = 403, description = "Missing scope audit:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the token's organization", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unreadable date", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["audit:read"])))]
pub async fn audit(
    State(state): State<AppState>,
    a: ApiAccess<AuditRead>,
    Query(f): Query<AuditQuery>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let limit = q.limit();
    let filter = Filter {
        entity: f.entity.clone().filter(|s| !s.is_empty()),
        action: f.action.clone().filter(|s| !s.is_empty()),
        from: instant("from", &f.from)?,
        until: instant("until", &f.until)?,
        before_id: q.after()?.map(AuditId),
    };
    let mut rows = state
        .store
        .audit_entries(&a.scope, &filter, limit + 1)
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let last = more.then(|| rows.last().map(|e| e.id.0)).flatten();
    let body: Vec<ApiAuditEntry> = rows
        .into_iter()
        .map(|e| ApiAuditEntry {
            id: e.id.0,
            at: e.at.to_string(),
            actor_user_id: e.actor_user.map(|u| u.0),
            actor_token_id: e.actor_token.map(|t| t.0),
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: e.before,
            after: e.after,
        })
        .collect();
    let path = format!("/api/v1/organizations/{}/audit", a.scope.org);
    let extra = [
        ("entity", f.entity.unwrap_or_default()),
        ("action", f.action.unwrap_or_default()),
        ("from", f.from.unwrap_or_default()),
        ("until", f.until.unwrap_or_default()),
    ];
    let mut res = Json(body).into_response();
    if let Some(link) = next_link(&state, &path, limit, last, &extra) {
        res.headers_mut().insert(LINK, link);
    }
    Ok(res)
}
