//! API of what every organization shares: the caller, its organization, members, invitations
//! and audit log.

pub mod audit;
pub mod me;
pub mod members;
pub mod organizations;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The platform routes, each declared once by its handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(me::me))
        .routes(routes!(organizations::organization))
        .routes(routes!(members::members))
        .routes(routes!(members::invite))
        .routes(routes!(audit::audit))
}
