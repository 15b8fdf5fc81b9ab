//! Cursor pagination with RFC 8288 `Link` headers.

use super::problem::ApiError;
use crate::AppState;
use axum::http::HeaderValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use utoipa::IntoParams;

/// Default and largest page sizes.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page.
pub const MAX_LIMIT: i64 = 200;

/// `?limit=` and `?cursor=` of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The opaque cursor from a previous page's `Link: rel="next"`.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size, bounded.
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
    }

    /// The id the cursor points past (an empty `cursor=` is the first page).
    pub fn after(&self) -> Result<Option<i64>, ApiError> {
        let Some(c) = self.cursor.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(c)
            .map_err(|_| ApiError::InvalidCursor)?;
        let text = String::from_utf8(bytes).map_err(|_| ApiError::InvalidCursor)?;
        text.strip_prefix("id:")
            .and_then(|n| n.parse().ok())
            .map(Some)
            .ok_or(ApiError::InvalidCursor)
    }
}

/// The cursor that continues after `id`.
pub fn cursor_after(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

/// A `Link` header pointing to the next page, when there is one.
pub fn next_link(
    state: &AppState,
    path: &str,
    limit: i64,
    last_id: Option<i64>,
    extra: &[(&str, String)],
) -> Option<HeaderValue> {
    let last = last_id?;
    let mut pairs: Vec<(&str, String)> = extra
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .cloned()
        .collect();
    pairs.push(("limit", limit.to_string()));
    pairs.push(("cursor", cursor_after(last)));
    let q = serde_urlencoded::to_string(pairs).ok()?;
    HeaderValue::from_str(&format!("<{}?{}>; rel=\"next\"", state.link(path), q)).ok()
}

/// A page of a list read with one row more than `limit` (to know whether another page
/// follows): at most `limit` rows as JSON, with the `Link` to the next page when there is one.
pub fn page_response<R, B: serde::Serialize>(
    state: &AppState,
    path: &str,
    limit: i64,
    mut rows: Vec<R>,
    id_of: impl Fn(&R) -> i64,
    extra: &[(&str, String)],
    body: impl FnMut(R) -> B,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let last = more.then(|| rows.last().map(&id_of)).flatten();
    let body: Vec<B> = rows.into_iter().map(body).collect();
    let mut resp = axum::Json(body).into_response();
    if let Some(link) = next_link(state, path, limit, last, extra) {
        resp.headers_mut().insert(axum::http::header::LINK, link);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let q = PageQuery {
            limit: Some(1000),
            cursor: Some(cursor_after(42)),
        };
        assert_eq!(q.after().unwrap(), Some(42));
        assert_eq!(q.limit(), MAX_LIMIT);
        let bad = PageQuery {
            limit: None,
            cursor: Some("%%%".into()),
        };
        assert!(matches!(bad.after(), Err(ApiError::InvalidCursor)));
    }
}
