//! Persistence for Halles: one code base over SQLite and PostgreSQL through sqlx's `Any` driver.
//!
//! Every query is plain SQL written once, with `$n` placeholders that both databases accept.
//! Tenant-owned rows are reached through a [`TenantScope`], which only the web layer's
//! extractors (and trusted commands) create, so a query cannot forget its organization.

pub mod coupons;
mod db;
pub mod demo;
mod error;
pub mod hub;
pub mod platform;
pub mod testing;

pub use db::{Backend, Store, StoreOptions};
pub use error::{StoreError, StoreResult};

use halles_core::{OrgId, TokenId, UserId};

/// Who is making a change: a signed-in person, an API token, or the system itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The person, when a person acts (also set for tokens: the token's creator is not the actor).
    pub user: Option<UserId>,
    /// The API token, when a token acts.
    pub token: Option<TokenId>,
}

impl Actor {
    /// A signed-in person.
    pub fn user(id: UserId) -> Self {
        Self {
            user: Some(id),
            token: None,
        }
    }
    /// An API token.
    pub fn token(id: TokenId) -> Self {
        Self {
            user: None,
            token: Some(id),
        }
    }
    /// The platform itself (background jobs, commands run by an operator).
    pub fn system() -> Self {
        Self {
            user: None,
            token: None,
        }
    }
}

/// The organization a request acts for, and who acts. Tenant-owned queries take one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantScope {
    /// The tenant.
    pub org: OrgId,
    /// Who acts within it.
    pub actor: Actor,
}

impl TenantScope {
    /// A scope whose membership or token has already been checked by the caller.
    pub fn checked(org: OrgId, actor: Actor) -> Self {
        Self { org, actor }
    }
}
