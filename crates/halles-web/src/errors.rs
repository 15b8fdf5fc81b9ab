//! Errors of pages: one type, rendered once as a page in the viewer's language.

use crate::ctx::Ctx;
use crate::i18n::I18n;
use askama::Template;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use halles_core::accounts::Lang;

/// A page that could not be served as asked.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    lang: Lang,
    key: &'static str,
    redirect: Option<String>,
}

impl PageError {
    /// An error page with a status and a message key.
    pub fn new(status: StatusCode, lang: Lang, key: &'static str) -> Self {
        Self {
            status,
            lang,
            key,
            redirect: None,
        }
    }

    /// Send an anonymous visitor to the login page, coming back here afterwards.
    pub fn login(next: &str) -> Self {
        let target = format!(
            "/connexion?next={}",
            serde_urlencoded::to_string([("n", next)])
                .unwrap_or_default()
                .trim_start_matches("n=")
        );
        Self {
            status: StatusCode::SEE_OTHER,
            lang: Lang::Fr,
            key: "",
            redirect: Some(target),
        }
    }

    /// An unexpected failure: logged in full, shown as a polite message.
    pub fn internal(lang: Lang, error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "page failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, lang, "err-internal")
    }

    /// A failure of the store, seen by a visitor in `lang`: a missing row is 404, a server
    /// too busy checking passwords is 503 (with `Retry-After`), anything else is logged as 500.
    pub fn store(lang: Lang, e: halles_store::StoreError) -> Self {
        match e {
            halles_store::StoreError::NotFound => {
                PageError::new(StatusCode::NOT_FOUND, lang, "err-not-found")
            }
            halles_store::StoreError::Busy => {
                PageError::new(StatusCode::SERVICE_UNAVAILABLE, lang, "err-busy")
            }
            // A form that did not show these on its fields.
            halles_store::StoreError::Invalid(_) => {
                PageError::new(StatusCode::UNPROCESSABLE_ENTITY, lang, "form-error-summary")
            }
            other => PageError::internal(lang, other),
        }
    }

    /// The response, without the site layout (used where no context can be loaded).
    pub fn into_response_plain(self) -> Response {
        self.into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Ctx,
    status: u16,
    message: String,
    /// The message's code (its key without `err-`), as `data-error`.
    code: &'static str,
}

/// A context for pages rendered without a signed-in person (errors, fallbacks).
pub fn anonymous_ctx(lang: Lang, path: &str) -> Ctx {
    Ctx {
        i18n: I18n::new(lang),
        user: None,
        memberships: Vec::new(),
        current: None,
        csrf: String::new(),
        flash: None,
        path: path.to_owned(),
    }
}

impl PageError {
    /// The error page in `page`'s language and layout (with `Retry-After` when busy).
    fn render_with(&self, page: Ctx) -> Response {
        let message = page.t(self.key);
        let body = ErrorPage {
            page,
            status: self.status.as_u16(),
            message,
            code: self.key.strip_prefix("err-").unwrap_or(self.key),
        }
        .render()
        .unwrap_or_else(|_| "Erreur / Error".to_owned());
        let mut res = (self.status, Html(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(RETRY_AFTER_SECS),
            );
        }
        res
    }
}

/// A page error rendered without the viewer's context, for [`render_in_context`] to render
/// again in the viewer's language and signed-in layout.
#[derive(Debug, Clone, Copy)]
struct Unrendered {
    status: StatusCode,
    key: &'static str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let Some(to) = &self.redirect {
            return Redirect::to(to).into_response();
        }
        let mut res = self.render_with(anonymous_ctx(self.lang, "/"));
        res.extensions_mut().insert(Unrendered {
            status: self.status,
            key: self.key,
        });
        res
    }
}

/// Renders the pages' errors in the viewer's language, inside the signed-in layout: an error
/// is raised where the viewer is not known yet (a store refusal, an extractor), so it is
/// rendered here again with the context of the request that met it.
pub async fn render_in_context(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::extract::FromRequestParts;
    let slot = crate::ctx::CtxSlot::default();
    req.extensions_mut().insert(slot.clone());
    // What loading the context reads, should the handler not have loaded it.
    let uri = req.uri().clone();
    let cookies: Vec<_> = req
        .headers()
        .get_all(axum::http::header::COOKIE)
        .iter()
        .cloned()
        .collect();
    let csrf = req
        .extensions()
        .get::<crate::security::CsrfToken>()
        .cloned();
    let flash = req.extensions().get::<crate::security::Flash>().cloned();
    let res = next.run(req).await;
    let Some(error) = res.extensions().get::<Unrendered>().copied() else {
        return res;
    };
    let page = match slot.0.get() {
        Some(page) => page.clone(),
        None => {
            let mut again = axum::http::Request::new(());
            *again.uri_mut() = uri;
            for c in cookies {
                again.headers_mut().append(axum::http::header::COOKIE, c);
            }
            if let Some(t) = csrf {
                again.extensions_mut().insert(t);
            }
            if let Some(f) = flash {
                again.extensions_mut().insert(f);
            }
            let (mut parts, ()) = again.into_parts();
            match Ctx::from_request_parts(&mut parts, &state).await {
                Ok(page) => page,
                Err(_) => return res,
            }
        }
    };
    let lang = page.i18n.lang;
    let mut out = PageError::new(error.status, lang, error.key).render_with(page);
    for (name, value) in res.headers() {
        if name != axum::http::header::CONTENT_TYPE
            && name != axum::http::header::CONTENT_LENGTH
            && name != axum::http::header::RETRY_AFTER
        {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out
}

impl From<halles_store::StoreError> for PageError {
    fn from(e: halles_store::StoreError) -> Self {
        PageError::store(Lang::Fr, e)
    }
}

/// How long a visitor told "busy" (503) should wait, in seconds.
pub const RETRY_AFTER_SECS: &str = "2";

/// Renders a template, or a logged error page.
pub fn render(t: &impl Template, lang: Lang) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError::internal(lang, e).into_response(),
    }
}

/// Renders a form page: 422 when it comes back with errors (so tests and tools see the refusal),
/// 200 otherwise.
pub fn render_form(t: &impl Template, lang: Lang, failed: bool) -> Response {
    let mut res = render(t, lang);
    if failed && res.status() == StatusCode::OK {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

/// Refusals written as plain text before any handler ran (axum's unreadable path, query or
/// body, the body-size limit, the time limit) become problem details under `/api` and a page
/// in the visitor's language elsewhere.
pub async fn plain_rejections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let api_lang = crate::api::problem::caller_lang(req.headers());
    let page_lang = crate::ctx::lang_hint(req.headers());
    let res = next.run(req).await;
    let status = res.status();
    let code = match status {
        StatusCode::BAD_REQUEST
        | StatusCode::METHOD_NOT_ALLOWED
        | StatusCode::LENGTH_REQUIRED
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY => "bad_request",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        _ => return res,
    };
    let plain = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !plain {
        return res;
    }
    let allow = res.headers().get(axum::http::header::ALLOW).cloned();
    let mut out = if api {
        let code = if code == "request_timeout" {
            "bad_request"
        } else {
            code
        };
        crate::api::problem::ApiError::Status(status, code).into_problem(api_lang)
    } else {
        let key = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "err-too-large"
        } else if status == StatusCode::REQUEST_TIMEOUT {
            "err-busy"
        } else {
            "err-bad-request"
        };
        PageError::new(status, page_lang, key).into_response()
    };
    if let Some(allow) = allow {
        out.headers_mut().insert(axum::http::header::ALLOW, allow);
    }
    out
}

/// Unknown paths: problem details under `/api`, a page elsewhere.
pub async fn fallback(uri: Uri, headers: axum::http::HeaderMap) -> Response {
    if uri.path().starts_with("/api/") {
        let lang = crate::api::problem::caller_lang(&headers);
        return crate::api::problem::ApiError::NotFound
            .into_problem(lang)
            .into_response();
    }
    PageError::new(
        StatusCode::NOT_FOUND,
        crate::ctx::lang_hint(&headers),
        "err-not-found",
    )
    .into_response()
}
