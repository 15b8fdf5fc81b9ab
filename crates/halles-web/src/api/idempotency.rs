//! `Idempotency-Key` on every API POST: the first response is stored and replayed for a repeat
//! with the same body; the same key with another body is refused.

use super::auth::bearer;
use super::problem::{ApiError, caller_lang};
use crate::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use halles_store::platform::idempotency::Claim;
use sha2::{Digest, Sha256};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Largest request or response body kept for replay.
const MAX_BODY: usize = 1024 * 1024;

/// Routes that keep their key in their own transaction (a sale, or an order placed: the key and
/// what it made commit together, so a crash between the two cannot make a retry do it twice),
/// so the middleware leaves them alone.
fn handles_its_own_key(path: &str) -> bool {
    path.starts_with("/api/v1/organizations/")
        && (path.ends_with("/redemptions") || path.ends_with("/orders"))
}

/// The hash that ties a key to one request: method, path and body.
pub fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method);
    hasher.update([0]);
    hasher.update(path);
    hasher.update([0]);
    hasher.update(body);
    hex::encode(hasher.finalize())
}

/// The first response of a key, replayed.
pub fn replay(status: u16, content_type: &str, body: String) -> Response {
    let mut res = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        res.headers_mut().insert(CONTENT_TYPE, v);
    }
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}

/// The middleware. Requests without the header, or that are not POST, pass straight through.
pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || handles_its_own_key(req.uri().path()) {
        return next.run(req).await;
    }
    let Some(key) = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return next.run(req).await;
    };
    let lang = caller_lang(req.headers());
    if key.is_empty() || key.len() > 255 {
        return ApiError::Validation(vec![halles_core::validation::FieldError {
            field: "Idempotency-Key".into(),
            code: "idempotency_key_invalid",
        }])
        .into_problem(lang);
    }
    // Without a valid token the handler answers 401 itself; nothing to remember.
    let token = match bearer(req.headers()) {
        Some(secret) => match state.store.token_by_secret(secret).await {
            Ok(Some(t)) => t,
            Ok(None) => return next.run(req).await,
            Err(_) => return ApiError::Internal.into_problem(lang),
        },
        None => return next.run(req).await,
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return ApiError::MalformedBody("body too large".into()).into_problem(lang);
    };
    let hash = request_hash(parts.method.as_str(), parts.uri.path(), &bytes);
    let claim = state
        .store
        .claim_idempotency_key(token.org, token.id, &key, &hash)
        .await;
    match claim {
        Err(_) => ApiError::Internal.into_problem(lang),
        Ok(Claim::Mismatch) => ApiError::IdempotencyKeyReused.into_problem(lang),
        Ok(Claim::InProgress) => ApiError::IdempotencyKeyInProgress.into_problem(lang),
        Ok(Claim::Replay {
            status,
            content_type,
            body,
        }) => replay(status, &content_type, body),
        Ok(Claim::Fresh) => {
            let res = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let status = res.status();
            if status.is_server_error() {
                let _ = state
                    .store
                    .release_idempotency_key(token.org, token.id, &key)
                    .await;
                return res;
            }
            let (rparts, rbody) = res.into_parts();
            let Ok(rbytes) = to_bytes(rbody, MAX_BODY).await else {
                let _ = state
                    .store
                    .release_idempotency_key(token.org, token.id, &key)
                    .await;
                return ApiError::Internal.into_problem(lang);
            };
            let content_type = rparts
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let text = String::from_utf8_lossy(&rbytes).into_owned();
            if state
                .store
                .finish_idempotent(
                    token.org,
                    token.id,
                    &key,
                    status.as_u16(),
                    &content_type,
                    &text,
                )
                .await
                .is_err()
            {
                let _ = state
                    .store
                    .release_idempotency_key(token.org, token.id, &key)
                    .await;
            }
            Response::from_parts(rparts, Body::from(rbytes))
        }
    }
}

/// The `Idempotency-Key` of a request whose handler keeps the key in its own transaction (an
/// order, a sale): none, or 1 to 255 characters (`idempotency_key_invalid` otherwise).
pub fn key_of(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    let key = headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if key.as_ref().is_some_and(|k| k.is_empty() || k.len() > 255) {
        return Err(crate::api::problem::field(
            "Idempotency-Key",
            "idempotency_key_invalid",
        ));
    }
    Ok(key)
}
