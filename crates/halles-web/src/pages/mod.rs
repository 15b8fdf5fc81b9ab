//! Server-rendered pages, one module per area.

pub mod coupons;
pub mod help;
pub mod home;
pub mod hub;
pub mod paths;
pub mod platform;

use crate::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use axum_extra::routing::{SecondElementIs, TypedPath};

/// The largest upload a page takes (photos, card artwork, participant lists).
const UPLOAD_LIMIT: usize = 8 * 1024 * 1024;

/// A router and the list of its routes, built by the same calls so the list is the real one
/// (the permission matrix reads it), plus the old paths that now redirect.
pub struct Routes {
    router: Router<AppState>,
    list: Vec<(&'static str, &'static str)>,
    moved: Vec<(&'static str, &'static str)>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    /// No route yet.
    pub fn new() -> Routes {
        Routes {
            router: Router::new(),
            list: Vec::new(),
            moved: Vec::new(),
        }
    }

    /// `GET path`.
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.list.push(("GET", path));
        self
    }

    /// `POST path`.
    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, post(handler));
        self.list.push(("POST", path));
        self
    }

    /// `POST path` taking an upload of up to 8 MiB.
    pub fn post_upload<H, T>(mut self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(
            path,
            post(handler).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        );
        self.list.push(("POST", path));
        self
    }

    /// `GET` at the typed path the handler takes first ([`paths`]).
    pub fn typed_get<H, T, P>(self, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: SecondElementIs<P> + 'static,
        P: TypedPath,
    {
        self.get(P::PATH, handler)
    }

    /// `POST` at the typed path the handler takes first ([`paths`]).
    pub fn typed_post<H, T, P>(self, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: SecondElementIs<P> + 'static,
        P: TypedPath,
    {
        self.post(P::PATH, handler)
    }

    /// `POST` at the typed path the handler takes first, taking an upload of up to 8 MiB.
    pub fn typed_post_upload<H, T, P>(self, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: SecondElementIs<P> + 'static,
        P: TypedPath,
    {
        self.post_upload(P::PATH, handler)
    }

    /// An old path that answers, whatever the method, a permanent redirect (308: a POST keeps
    /// its method and body) to `new`, with its parameters and query string. A `{what}`
    /// parameter's English word is put in French.
    pub fn moved(mut self, old: &'static str, new: &'static str) -> Routes {
        self.router = self.router.route(
            old,
            any(move |uri: Uri| async move { Redirect::permanent(&moved_to(old, new, &uri)) }),
        );
        self.moved.push((old, new));
        self
    }

    /// Both routers and lists together.
    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self.moved.extend(other.moved);
        self
    }

    /// Every (method, path) served, in the order declared (old paths that redirect aside).
    pub fn list(&self) -> &[(&'static str, &'static str)] {
        &self.list
    }

    /// Every (old path, new path) that redirects.
    pub fn moved_paths(&self) -> &[(&'static str, &'static str)] {
        &self.moved
    }

    /// The router.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// English words once used as a `{what}` path parameter, and their French replacement.
const MOVED_WORDS: &[(&str, &str)] = &[
    ("producers", "producteurs"),
    ("buyers", "acheteurs"),
    ("stop", "arreter"),
    ("skip", "sauter"),
];

/// Where a request to the old path pattern `old` goes: `new` with the request's parameters
/// (still percent-encoded) and its query string.
fn moved_to(old: &str, new: &str, uri: &Uri) -> String {
    let names: Vec<&str> = old.split('/').collect();
    let values: Vec<&str> = uri.path().split('/').collect();
    let mut to = new
        .split('/')
        .map(|segment| {
            if !segment.starts_with('{') {
                return segment;
            }
            let value = names
                .iter()
                .position(|name| *name == segment)
                .and_then(|i| values.get(i))
                .copied()
                .unwrap_or_default();
            if segment == "{what}" {
                MOVED_WORDS
                    .iter()
                    .find(|(en, _)| *en == value)
                    .map_or(value, |(_, fr)| fr)
            } else {
                value
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    if let Some(query) = uri.query() {
        to.push('?');
        to.push_str(query);
    }
    to
}

/// The root pages: home, help, the API's page.
pub fn root() -> Routes {
    Routes::new()
        .typed_get(home::root)
        .get(paths::ApiDocs::PATH, crate::api::docs::page)
        .typed_get(help::index_fr)
        .typed_get(help::index_en)
        .typed_get(help::guide_fr)
        .typed_get(help::guide_en)
        .typed_get(help::image)
}

/// Every page route: the root pages' and the three domains'.
pub fn all() -> Routes {
    root()
        .merge(platform::routes())
        .merge(hub::routes())
        .merge(coupons::routes())
}

/// Every page route, as a router.
pub fn routes() -> Router<AppState> {
    all().into_router()
}

/// A table as a download: XLSX when `format` is `xlsx` (money in the reader's format), CSV
/// otherwise, named `{name}.{ext}`.
pub fn download(
    p: &crate::ctx::Ctx,
    mut table: halles_docs::Table,
    format: &str,
    sheet: &str,
    name: &str,
) -> Result<Response, crate::errors::PageError> {
    table.currency = currency(p.i18n.lang);
    table_file(&table, format == "xlsx", sheet, name)
        .map_err(|e| crate::errors::PageError::internal(p.i18n.lang, e))
}

/// Where a workbook puts the dollar sign for a language.
pub fn currency(lang: halles_core::accounts::Lang) -> halles_docs::Currency {
    match lang {
        halles_core::accounts::Lang::En => halles_docs::Currency::Before,
        halles_core::accounts::Lang::Fr => halles_docs::Currency::After,
    }
}

/// A table as a file response (pages and API): an XLSX workbook with one sheet named `sheet`,
/// or CSV, as an attachment named `{name}.{ext}`.
pub fn table_file(
    table: &halles_docs::Table,
    xlsx: bool,
    sheet: &str,
    name: &str,
) -> Result<Response, halles_docs::TableError> {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    let (bytes, mime, ext) = if xlsx {
        (
            table.to_xlsx(sheet)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (table.to_csv()?, "text/csv; charset=utf-8", "csv")
    };
    Ok((
        [
            (CONTENT_TYPE, mime.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

impl crate::ctx::Ctx {
    /// The organization of this page, to build its links from [`paths`]; outside an
    /// organization, `OrgId(0)`, which is no one's.
    pub fn org(&self) -> halles_core::OrgId {
        self.current
            .as_ref()
            .map_or(halles_core::OrgId(0), |c| c.org.id)
    }
}

/// A form with nothing but its CSRF token (buttons that act).
#[derive(Debug, serde::Deserialize)]
pub struct Empty {}

/// A 303 redirect after a successful form, with optional extra headers (cookies, flash).
pub fn see_other(
    to: &str,
    extra: impl IntoIterator<Item = (axum::http::HeaderName, HeaderValue)>,
) -> Response {
    let mut res = axum::http::StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(LOCATION, v);
    }
    for (k, v) in extra {
        res.headers_mut().append(k, v);
    }
    res
}

/// A redirect target from a form, accepted only when it is a path of this site.
pub fn safe_next(next: &str) -> &str {
    // Browsers drop tabs and line breaks from a URL, so `/\t/evil.example` would become
    // `//evil.example`: no control character is allowed at all.
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
    {
        next
    } else {
        "/"
    }
}

/// The client's network address, for the login throttle: the direct peer, or the first
/// `X-Forwarded-For` entry when the app is configured to sit behind a trusted proxy.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_owned());
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientAddr(
            forwarded.or(peer).unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// A picture sent with a multipart form, after its CSRF field was checked.
pub(crate) struct PictureUpload {
    /// The picture made a resized JPEG: `None` when no file came, `Some(Err(()))` when the file
    /// is not a picture we read.
    pub picture: Option<Result<Vec<u8>, ()>>,
    /// The form's other text fields, in the order sent.
    fields: Vec<(String, String)>,
}

impl PictureUpload {
    /// The form's other fields as a typed form (a field sent twice, or one that does not read
    /// as its type, is a 400 page, as for URL-encoded forms).
    pub fn form<T: serde::de::DeserializeOwned>(
        &self,
        lang: halles_core::accounts::Lang,
    ) -> Result<T, crate::errors::PageError> {
        let bad = || {
            crate::errors::PageError::new(axum::http::StatusCode::BAD_REQUEST, lang, "err-bad-form")
        };
        let encoded = serde_html_form::to_string(&self.fields).map_err(|_| bad())?;
        serde_html_form::from_str(&encoded).map_err(|_| bad())
    }
}

/// Reads a multipart form carrying a picture in `file_field` (and `csrf`), refuses a wrong CSRF
/// token, and resizes the picture off the async threads.
pub(crate) async fn picture_upload(
    headers: &axum::http::HeaderMap,
    token: Option<&crate::security::CsrfToken>,
    mut multipart: axum::extract::Multipart,
    file_field: &str,
    lang: halles_core::accounts::Lang,
) -> Result<PictureUpload, crate::errors::PageError> {
    let mut fields = Vec::new();
    let mut bytes: Option<Vec<u8>> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            bytes = field.bytes().await.ok().map(|b| b.to_vec());
        } else {
            fields.push((name, field.text().await.unwrap_or_default()));
        }
    }
    let sent = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if !crate::security::csrf_matches(headers, token, &sent) {
        return Err(crate::errors::PageError::new(
            axum::http::StatusCode::FORBIDDEN,
            lang,
            "err-csrf",
        ));
    }
    let picture = match bytes.filter(|b| !b.is_empty()) {
        None => None,
        Some(bytes) => Some(
            tokio::task::spawn_blocking(move || halles_docs::photo::to_jpeg(&bytes))
                .await
                .map_err(|e| crate::errors::PageError::internal(lang, e))?
                .map_err(|_| ()),
        ),
    };
    Ok(PictureUpload { picture, fields })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_path_keeps_its_parameters_and_query() {
        let uri: Uri = "/o/7/orders/3/42/edit?x=1&y=%C3%A9".parse().unwrap();
        assert_eq!(
            moved_to(
                "/o/{org}/orders/{hub}/{id}/edit",
                "/o/{org}/commandes/{hub}/{id}/modifier",
                &uri
            ),
            "/o/7/commandes/3/42/modifier?x=1&y=%C3%A9"
        );
        let uri: Uri = "/o/7/partners/buyers".parse().unwrap();
        assert_eq!(
            moved_to(
                "/o/{org}/partners/{what}",
                "/o/{org}/partenaires/{what}",
                &uri
            ),
            "/o/7/partenaires/acheteurs"
        );
    }

    #[test]
    fn every_old_path_leads_to_a_served_path_and_is_not_served_itself() {
        let routes = all();
        let served: std::collections::HashSet<&str> =
            routes.list().iter().map(|(_, path)| *path).collect();
        assert!(!routes.moved_paths().is_empty());
        for (old, new) in routes.moved_paths() {
            assert!(
                served.contains(new),
                "{old} moves to {new}, which is not served"
            );
            assert!(!served.contains(old), "{old} is both served and moved");
        }
    }

    #[test]
    fn each_route_is_declared_once() {
        let routes = all();
        let mut seen = std::collections::HashSet::new();
        for route in routes.list() {
            assert!(seen.insert(route), "{route:?} is declared twice");
        }
    }
}

#[cfg(test)]
mod next_tests {
    use super::safe_next;

    /// Only a path of this site comes back; anything a browser could read as another site,
    /// once it drops tabs and line breaks, is home instead.
    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/o/1/produits?x=1"), "/o/1/produits?x=1");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "https://evil.example",
            "evil.example",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
