//! The organization's members and invitations.

use crate::AppState;
use crate::api::auth::{ApiAccess, OrgRead, OrgWrite};
use crate::api::json::ApiJson;
use crate::api::pagination::{PageQuery, next_link};
use crate::api::problem::{ApiError, Problem};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::LINK;
use axum::response::{IntoResponse, Response};
use halles_core::organizations::Role;
use halles_core::validation::Validator;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    // The store records the event; the worker e-mails the invitation.
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
