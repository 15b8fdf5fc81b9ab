//! API: the caller's organization, its members, invitations and audit log.

use crate::AppState;
use crate::api::auth::{AnyScope, ApiAccess, AuditRead, OrgRead, OrgWrite};
use crate::api::json::ApiJson;
use crate::api::pagination::{PageQuery, next_link};
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::LINK;
use axum::response::{IntoResponse, Response};
use halles_core::AuditId;
use halles_core::organizations::Role;
use halles_core::validation::Validator;
use halles_store::platform::audit::Filter;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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

/// A member of the organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiMember {
    /// The membership id (the pagination key).
    pub id: i64,
    /// The person's id.
    pub user_id: i64,
    /// Their name.
    pub name: String,
    /// Their e-mail.
    pub email: String,
    /// `admin`, `staff`, `cashier` or `viewer`.
    pub role: String,
    /// Whether the account is disabled.
    pub disabled: bool,
}

/// The organization's members, by membership id, paginated with `Link: rel="next"`.
#[utoipa::path(get, path = "/api/v1/organizations/{org}/members", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id; must be the token's"), PageQuery),
    responses(
        (status = 200, description = "A page of members; the `Link` header points to the next", body = [ApiMember]),
        (status = 400, description = "Unreadable cursor", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing scope org:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the token's organization", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["org:read"])))]
pub async fn members(
    State(state): State<AppState>,
    a: ApiAccess<OrgRead>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let limit = q.limit();
    let after = q.after()?.map(halles_core::MembershipId);
    let mut rows = state.store.members(&a.scope, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let last = more.then(|| rows.last().map(|m| m.id.0)).flatten();
    let body: Vec<ApiMember> = rows
        .into_iter()
        .map(|m| ApiMember {
            id: m.id.0,
            user_id: m.user_id.0,
            name: m.name,
            email: m.email,
            role: m.role.code().to_owned(),
            disabled: m.disabled,
        })
        .collect();
    let path = format!("/api/v1/organizations/{}/members", a.scope.org);
    let mut res = Json(body).into_response();
    if let Some(link) = next_link(&state, &path, limit, last, &[]) {
        res.headers_mut().insert(LINK, link);
    }
    Ok(res)
}

/// An invitation to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInvitation {
    /// The e-mail address to invite.
    #[schema(format = Email)]
    pub email: String,
    /// The role offered: `admin`, `staff`, `viewer`, or `cashier` for markets.
    #[schema(schema_with = crate::api::schemas::role)]
    pub role: String,
}

/// An invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiInvitation {
    /// Its id.
    pub id: i64,
    /// The address invited.
    pub email: String,
    /// The role offered.
    pub role: String,
    /// Until when the e-mailed link works (RFC 3339).
    pub expires_at: String,
}

/// Invites someone by e-mail. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(post, path = "/api/v1/organizations/{org}/invitations", tag = "organizations",
    params(
        ("org" = i64, Path, description = "Organization id; must be the token's"),
        ("Idempotency-Key" = Option<String>, Header, description = "Any unique string; a repeat returns the first response"),
    ),
    request_body = NewInvitation,
    responses(
        (status = 201, description = "Invitation created and e-mailed", body = ApiInvitation),
        (status = 400, description = "Body is not the expected JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing scope org:write", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the token's organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a member, or the key is in use", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the key was used with another body", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["org:write"])))]
pub async fn invite(
    State(state): State<AppState>,
    a: ApiAccess<OrgWrite>,
    ApiJson(body): ApiJson<NewInvitation>,
) -> Result<Response, ApiError> {
    let org = state.store.organization(&a.scope).await?;
    let mut v = Validator::new();
    v.email("email", &body.email);
    let role = body
        .role
        .parse::<Role>()
        .ok()
        .filter(|r| org.kind.roles().contains(r));
    if role.is_none() {
        v.add("role", "role_invalid");
    }
    let (Ok(()), Some(role)) = (v.clone().finish(), role) else {
        return Err(ApiError::Validation(v.into_errors()));
    };
    let (inv, _) = state
        .store
        .create_invitation(&a.scope, &body.email, role)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiInvitation {
            id: inv.id.0,
            email: inv.email,
            role: inv.role.code().to_owned(),
            expires_at: inv.expires_at.to_string(),
        }),
    )
        .into_response())
}

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
