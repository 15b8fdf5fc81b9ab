//! The HTTP layer of Halles: server-rendered pages, the JSON API and operations endpoints.
//!
//! Tenant and role checks live in extractors ([`ctx::Member`], [`api::auth::ApiAccess`]); handlers
//! receive a checked [`halles_store::TenantScope`] and never test membership themselves.

pub mod api;
pub mod ctx;
pub mod errors;
pub mod forms;
pub mod i18n;
pub mod mail;
pub mod ops;
pub mod pages;
pub mod security;
pub mod state;

pub use state::{AppState, WebConfig};

use axum::Router;
use axum::routing::get;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The whole application: pages, API, static files and operations endpoints.
pub fn router(state: AppState) -> Router {
    // Unknown paths go through the pages' layers too, so their 404 is rendered in context
    // (the fallback answers problem details under `/api`).
    let pages = pages::routes()
        .fallback(errors::fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            errors::render_in_context,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::web_cookies,
        ));
    Router::new()
        .merge(pages)
        .merge(api::routes(state.clone()))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/static/{file}", get(ops::static_file))
        .layer(axum::middleware::from_fn(ops::record_metrics))
        .layer(RequestBodyLimitLayer::new(8 * 1024 * 1024))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn(errors::plain_rejections))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .with_state(state)
}
