//! API authentication: a bearer token, its organization and its scopes, checked in an extractor.

use super::problem::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use halles_core::organizations::Scope;
use halles_store::platform::tokens::ApiToken;
use halles_store::{Actor, TenantScope};
use std::marker::PhantomData;

/// The scope a route requires.
pub trait ScopeRequirement: Send + Sync + 'static {
    /// The scope, or `None` for any valid token.
    const SCOPE: Option<Scope>;
}

macro_rules! scope_marker {
    ($($(#[$doc:meta])* $name:ident => $scope:expr),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl ScopeRequirement for $name {
            const SCOPE: Option<Scope> = $scope;
        }
    )*};
}

scope_marker!(
    /// Any valid token.
    AnyScope => None,
    /// `org:read`.
    OrgRead => Some(Scope::OrgRead),
    /// `org:write`.
    OrgWrite => Some(Scope::OrgWrite),
    /// `audit:read`.
    AuditRead => Some(Scope::AuditRead),
    /// `catalog:read`.
    CatalogRead => Some(Scope::CatalogRead),
    /// `catalog:write`.
    CatalogWrite => Some(Scope::CatalogWrite),
    /// `cycles:write`.
    CyclesWrite => Some(Scope::CyclesWrite),
    /// `orders:read`.
    OrdersRead => Some(Scope::OrdersRead),
    /// `orders:write`.
    OrdersWrite => Some(Scope::OrdersWrite),
    /// `coupons:read`.
    CouponsRead => Some(Scope::CouponsRead),
    /// `coupons:write`.
    CouponsWrite => Some(Scope::CouponsWrite),
    /// `redemptions:write`.
    RedemptionsWrite => Some(Scope::RedemptionsWrite),
);

/// A caller whose token is valid, belongs to the organization named `{org}` in the path (if the
/// path names one) and carries `S`'s scope. Another organization's id answers 404.
#[derive(Debug, Clone)]
pub struct ApiAccess<S: ScopeRequirement = AnyScope> {
    /// The token.
    pub token: ApiToken,
    /// The scope to pass to the store.
    pub scope: TenantScope,
    _s: PhantomData<S>,
}

/// The token secret of a request's `Authorization: Bearer` header.
pub fn bearer(parts: &axum::http::HeaderMap) -> Option<&str> {
    parts
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl<S: ScopeRequirement> FromRequestParts<AppState> for ApiAccess<S> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = bearer(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let token = state
            .store
            .token_by_secret(secret)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        // A kiosk's token opens its register's kiosk pages, and no API route at all.
        if token.has(Scope::Kiosk) {
            return Err(ApiError::Unauthorized);
        }
        if let Some(org) = crate::ctx::org_param(parts, state).await
            && org != token.org
        {
            return Err(ApiError::NotFound);
        }
        if let Some(required) = S::SCOPE
            && !token.has(required)
        {
            return Err(ApiError::InsufficientScope(required.code()));
        }
        Ok(ApiAccess {
            scope: TenantScope::checked(token.org, Actor::token(token.id)),
            token,
            _s: PhantomData,
        })
    }
}
