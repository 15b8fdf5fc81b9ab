//! What every handler can reach.

use halles_store::Store;
use std::sync::Arc;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The public address, for links in e-mails (`http://127.0.0.1:8080`).
    pub base_url: String,
    /// Mark cookies `Secure` (when served over HTTPS).
    pub secure_cookies: bool,
    /// Demo mode: the login page lists the demo accounts.
    pub demo: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// The bearer token `/metrics` asks for; without one, `/metrics` answers 404.
    pub metrics_token: Option<String>,
}

impl WebConfig {
    /// Whether the app is served over HTTPS (its base URL says so): cookies are `Secure` and
    /// browsers are told to come back over HTTPS only (HSTS).
    pub fn https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Shared state of the application.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Settings.
    pub config: Arc<WebConfig>,
}

impl AppState {
    /// State over a store with settings.
    pub fn new(store: Store, config: WebConfig) -> Self {
        Self {
            store,
            config: Arc::new(config),
        }
    }

    /// An absolute link to a path of the app.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url.trim_end_matches('/'), path)
    }
}
