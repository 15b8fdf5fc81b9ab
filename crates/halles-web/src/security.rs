//! Security headers, cookies, CSRF tokens and flash messages.

use axum::extract::{FromRequest, Request};
use axum::http::header::{CACHE_CONTROL, COOKIE, HeaderValue, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

/// The session cookie (server-side session secret).
pub const SESSION_COOKIE: &str = "halles_session";
/// The CSRF cookie; every form carries the same value in a hidden field.
pub const CSRF_COOKIE: &str = "halles_csrf";
/// The language chosen by a visitor who is not signed in.
pub const LANG_COOKIE: &str = "halles_lang";
/// A one-time message shown on the next page.
pub const FLASH_COOKIE: &str = "halles_flash";

/// The Content-Security-Policy: no inline script or style, nothing from elsewhere, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// HSTS, sent when the base URL is https: a year, this host only.
pub const HSTS: &str = "max-age=31536000";

/// Adds the security headers to every response. Responses that say nothing about caching
/// (every page, every API answer; static files say otherwise) get `Cache-Control: no-store`,
/// so no personal data stays in a shared computer's cache or a proxy.
pub async fn headers(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.https() {
        h.insert("strict-transport-security", HeaderValue::from_static(HSTS));
    }
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), geolocation=(), microphone=()"),
    );
    res
}

/// Reads one cookie from request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Path=/"))
}

/// This request's CSRF token (from its cookie, or new).
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// A one-time message: a translation key and whether it is an error.
#[derive(Debug, Clone)]
pub struct Flash {
    /// `success` or `error`.
    pub kind: String,
    /// The translation key of the message.
    pub key: String,
}

/// Gives each visitor a CSRF cookie, reads and clears the flash cookie.
pub async fn web_cookies(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let existing = cookie(req.headers(), CSRF_COOKIE).filter(|c| c.len() >= 32);
    let token = existing
        .clone()
        .unwrap_or_else(halles_store::platform::secrets::new_secret);
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let flash = cookie(req.headers(), FLASH_COOKIE).and_then(|v| {
        v.split_once(':').map(|(k, m)| Flash {
            kind: k.to_owned(),
            key: m.to_owned(),
        })
    });
    let had_flash = flash.is_some();
    if let Some(f) = flash {
        req.extensions_mut().insert(f);
    }
    let secure = state.config.secure_cookies;
    let mut res = next.run(req).await;
    if existing.is_none() {
        res.headers_mut()
            .append(SET_COOKIE, set_cookie(CSRF_COOKIE, &token, None, secure));
    }
    // A flash is shown once: cleared by the page that shows it, kept across a redirect.
    if had_flash
        && !res.status().is_redirection()
        && !res.headers().contains_key(SET_COOKIE_FLASH_MARK)
    {
        res.headers_mut()
            .append(SET_COOKIE, set_cookie(FLASH_COOKIE, "", Some(0), secure));
    }
    res.headers_mut().remove(SET_COOKIE_FLASH_MARK);
    res
}

/// Internal marker header: this response sets a new flash, do not clear it.
const SET_COOKIE_FLASH_MARK: &str = "x-halles-flash-set";

/// Headers that set a flash message for the next page.
pub fn flash_headers(
    kind: &str,
    key: &str,
    secure: bool,
) -> [(axum::http::HeaderName, HeaderValue); 2] {
    [
        (
            SET_COOKIE,
            set_cookie(FLASH_COOKIE, &format!("{kind}:{key}"), Some(300), secure),
        ),
        (
            axum::http::HeaderName::from_static(SET_COOKIE_FLASH_MARK),
            HeaderValue::from_static("1"),
        ),
    ]
}

/// Whether a CSRF value sent with a form matches this request's token (for forms that are not
/// URL-encoded, such as photo uploads; URL-encoded forms use [`CsrfForm`]).
pub fn csrf_matches(headers: &HeaderMap, token: Option<&CsrfToken>, sent: &str) -> bool {
    cookie(headers, CSRF_COOKIE).is_some()
        && token.is_some_and(|t| !sent.is_empty() && t.0.as_bytes().ct_eq(sent.as_bytes()).into())
}

/// A form submission whose CSRF field matched the visitor's cookie.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let expected = req.extensions().get::<CsrfToken>().map(|t| t.0.clone());
        let had_cookie = cookie(req.headers(), CSRF_COOKIE).is_some();
        let lang = crate::ctx::lang_hint(req.headers());
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(axum::response::IntoResponse::into_response)?;
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let sent = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let ok = had_cookie
            && expected
                .as_deref()
                .is_some_and(|e| !sent.is_empty() && e.as_bytes().ct_eq(sent.as_bytes()).into());
        if !ok {
            return Err(
                crate::errors::PageError::new(StatusCode::FORBIDDEN, lang, "err-csrf")
                    .into_response_plain(),
            );
        }
        serde_html_form::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|_| {
                crate::errors::PageError::new(StatusCode::BAD_REQUEST, lang, "err-bad-form")
                    .into_response_plain()
            })
    }
}
