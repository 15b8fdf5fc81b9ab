//! Server-rendered pages, one module per area.

pub mod coupons;
pub mod help;
pub mod home;
pub mod hub;
pub mod platform;

use crate::AppState;
use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use coupons::{
    cards, claims, import, kiosk, participants, programs, register, reports, transactions,
};
use hub::{availability, cycles, products, shop, standing};
use platform::{account, admin, audit, auth, invitations, members, tokens};

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::root))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/lang", post(account::switch_language))
        .route(
            "/password/forgot",
            get(auth::forgot_form).post(auth::forgot),
        )
        .route(
            "/password/reset/{token}",
            get(auth::reset_form).post(auth::reset),
        )
        .route(
            "/invitations/{token}",
            get(invitations::show).post(invitations::accept),
        )
        .route("/account", get(account::show).post(account::update))
        .route("/account/password", post(account::change_password))
        .route("/account/courriel", post(account::request_email_change))
        .route(
            "/account/courriel/{token}",
            get(account::email_change_form).post(account::confirm_email_change),
        )
        .route("/o/{org}", get(home::org_home))
        .route("/o/{org}/members", get(members::list))
        .route("/o/{org}/members/invite", post(members::invite))
        .route("/o/{org}/members/{id}/role", post(members::change_role))
        .route("/o/{org}/members/{id}/remove", post(members::remove))
        .route(
            "/o/{org}/invitations/{id}/revoke",
            post(members::revoke_invitation),
        )
        .route("/o/{org}/audit", get(audit::list))
        .route("/o/{org}/audit/export", get(audit::export))
        .route("/o/{org}/tokens", get(tokens::list).post(tokens::create))
        .route("/o/{org}/tokens/{id}/revoke", post(tokens::revoke))
        .route(
            "/admin",
            get(admin::organizations).post(admin::create_organization),
        )
        .route(
            "/admin/organisations/{id}/{action}",
            post(admin::change_organization),
        )
        .route("/admin/users", get(admin::users))
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .route("/admin/users/{id}/enable", post(admin::enable_user))
        .route("/admin/outbox", get(admin::outbox))
        .route("/admin/jobs", get(admin::jobs))
        .route("/admin/jobs/{id}/retry", post(admin::retry_job))
        .route("/api/docs", get(crate::api::docs::page))
        .route("/o/{org}/products", get(products::list))
        .route(
            "/o/{org}/products/new",
            get(products::new_form).post(products::create),
        )
        .route(
            "/o/{org}/products/{id}",
            get(products::edit_form).post(products::update),
        )
        .route("/o/{org}/availability", get(availability::cycles))
        .route(
            "/o/{org}/availability/{hub}/{cycle}",
            get(availability::producer_grid).post(availability::producer_save),
        )
        .route(
            "/o/{org}/cycles",
            get(cycles::cycles).post(cycles::create_cycle),
        )
        .route("/o/{org}/cycles/{id}", get(cycles::cycle))
        .route("/o/{org}/cycles/{id}/status", post(cycles::set_status))
        .route("/o/{org}/cycles/{id}/copy", post(cycles::copy))
        .route(
            "/o/{org}/cycles/{id}/availability/{producer}",
            get(availability::hub_grid).post(availability::hub_save),
        )
        .route(
            "/o/{org}/cycles/{id}/order-for/{buyer}",
            get(shop::hub_catalog).post(shop::hub_place),
        )
        .route("/o/{org}/partners", get(cycles::partners))
        .route("/o/{org}/partners/{what}", post(cycles::link))
        .route(
            "/o/{org}/prices",
            get(cycles::prices).post(cycles::add_rule),
        )
        .route("/o/{org}/prices/{id}/delete", post(cycles::delete_rule))
        .route("/o/{org}/shop", get(shop::shop))
        .route(
            "/o/{org}/shop/{hub}/{cycle}",
            get(shop::catalog).post(shop::place),
        )
        .route("/o/{org}/orders", get(shop::orders))
        .route(
            "/o/{org}/orders/{hub}/{id}",
            get(shop::order).post(shop::update),
        )
        .route("/o/{org}/orders/{hub}/{id}/edit", get(shop::edit))
        .route("/o/{org}/orders/{hub}/{id}/cancel", post(shop::cancel))
        .route("/o/{org}/orders/{hub}/{id}/repeat", post(standing::repeat))
        .route("/o/{org}/standing-orders", get(standing::list))
        .route(
            "/o/{org}/standing-orders/{id}/{what}",
            post(standing::change),
        )
        .route(
            "/o/{org}/cycles/{id}/orders/{order}",
            get(shop::hub_edit).post(shop::hub_update),
        )
        .route(
            "/o/{org}/cycles/{id}/orders/{order}/cancel",
            post(shop::hub_cancel),
        )
        .route(
            "/o/{org}/products/{id}/photo",
            post(products::upload_photo)
                .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route("/photos/{file}", get(products::photo))
        .route(
            "/o/{org}/programmes",
            get(programs::list).post(programs::create),
        )
        .route("/o/{org}/programmes/{id}", get(programs::show))
        .route(
            "/o/{org}/programmes/{id}/versements",
            post(programs::create_schedule),
        )
        .route(
            "/o/{org}/programmes/{id}/membres",
            post(programs::add_member),
        )
        .route("/o/{org}/programmes/{id}/archiver", post(programs::archive))
        .route(
            "/o/{org}/programmes/{id}/versements/{sid}/archiver",
            post(programs::archive),
        )
        .route(
            "/o/{org}/programmes/{id}/groupes/{group}/{action}",
            post(programs::group_action),
        )
        .route(
            "/o/{org}/programmes/{id}/reglages",
            post(programs::settings),
        )
        .route(
            "/o/{org}/programmes/{id}/illustration",
            post(programs::card_artwork)
                .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/o/{org}/programmes/{id}/membres/{member}/retirer",
            post(programs::remove_member),
        )
        .route(
            "/o/{org}/programmes/{id}/partenaires/{partner}/marches",
            post(programs::set_partner_markets),
        )
        .route("/o/{org}/programmes/{id}/types", post(programs::add_type))
        .route(
            "/o/{org}/programmes/{id}/types/{ptype}",
            post(programs::update_type),
        )
        .route(
            "/o/{org}/programmes/{id}/types/{ptype}/supprimer",
            post(programs::delete_type),
        )
        .route(
            "/o/{org}/programmes/{id}/enveloppes/{envelope}/supprimer",
            post(programs::delete_envelope),
        )
        .route(
            "/o/{org}/programmes/{id}/groupes-marches",
            post(programs::add_market_group),
        )
        .route(
            "/o/{org}/programmes/{id}/groupes-marches/marche",
            post(programs::place_market),
        )
        .route(
            "/o/{org}/programmes/{id}/groupes",
            post(programs::add_group),
        )
        .route(
            "/o/{org}/programmes/{id}/enveloppes",
            post(programs::set_envelope),
        )
        .route(
            "/o/{org}/programmes/{id}/participants",
            get(participants::participants).post(participants::enrol),
        )
        .route(
            "/o/{org}/programmes/{id}/participants/export",
            get(participants::export_participants),
        )
        .route(
            "/o/{org}/programmes/{id}/participants/import",
            get(import::form)
                .post(import::submit)
                .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/o/{org}/programmes/{id}/participants/import/modele",
            get(import::template),
        )
        .route(
            "/o/{org}/programmes/{id}/participants/{pid}",
            get(participants::participant),
        )
        .route(
            "/o/{org}/programmes/{id}/participants/{pid}/{action}",
            post(participants::participant_action),
        )
        .route(
            "/o/{org}/programmes/{id}/cartes",
            get(cards::cards).post(cards::create_batch),
        )
        .route(
            "/o/{org}/programmes/{id}/cartes/{card}/{action}",
            post(cards::card_action),
        )
        .route(
            "/o/{org}/programmes/{id}/lots/{batch}/pdf",
            get(cards::batch_pdf),
        )
        .route("/o/{org}/programmes/{id}/rapports", get(reports::report))
        .route(
            "/o/{org}/programmes/{id}/mouvements",
            get(transactions::log),
        )
        .route(
            "/o/{org}/programmes/{id}/soldes",
            get(transactions::balances),
        )
        .route(
            "/o/{org}/programmes/{id}/gestionnaires",
            post(programs::invite_manager),
        )
        .route(
            "/o/{org}/programmes/{id}/gestionnaires/{member}/retirer",
            post(programs::remove_manager),
        )
        .route(
            "/o/{org}/programmes/{id}/reclamations",
            get(claims::claims).post(claims::file),
        )
        .route(
            "/o/{org}/programmes/{id}/reclamations/{claim}/{action}",
            post(claims::decide),
        )
        .route(
            "/o/{org}/programmes/{id}/paiements",
            post(claims::create_batch),
        )
        .route(
            "/o/{org}/programmes/{id}/paiements/{batch}",
            get(claims::batch),
        )
        .route(
            "/o/{org}/programmes/{id}/paiements/{batch}/paye",
            post(claims::pay),
        )
        .route("/o/{org}/caisse", get(register::start))
        .route(
            "/o/{org}/caisses",
            get(register::registers).post(register::create_register),
        )
        .route("/o/{org}/caisses/{id}/borne", post(register::kiosk_action))
        .route(
            "/o/{org}/caisses/{id}/retirer",
            post(register::retire_register),
        )
        .route("/borne/{secret}", get(kiosk::start))
        .route("/borne/{secret}/carte", post(kiosk::card))
        .route("/borne/{secret}/payer", post(kiosk::pay))
        .route("/o/{org}/caisse/carte", post(register::card))
        .route("/o/{org}/caisse/vente", post(register::pay))
        .route("/o/{org}/caisse/recus/{id}", get(register::receipt))
        .route(
            "/o/{org}/caisse/recus/{id}/rembourser",
            post(register::refund),
        )
        .route("/c/{token}", get(register::public_card))
        .route("/c/{token}/courriels", post(register::unsubscribe))
        .route("/aide", get(help::index_fr))
        .route("/help", get(help::index_en))
        .route("/aide/{guide}", get(help::guide_fr))
        .route("/help/{guide}", get(help::guide_en))
}

/// A table as a download: XLSX when `format` is `xlsx`, CSV otherwise, named `{name}.{ext}`.
pub fn download(
    p: &crate::ctx::Ctx,
    table: halles_docs::Table,
    format: &str,
    sheet: &str,
    name: &str,
) -> Result<Response, crate::errors::PageError> {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    let (bytes, mime, ext) = if format == "xlsx" {
        (
            table.to_xlsx(sheet),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (table.to_csv(), "text/csv; charset=utf-8", "csv")
    };
    let bytes = bytes.map_err(|e| crate::errors::PageError::internal(p.i18n.lang, e))?;
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
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
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
    /// The form's other text fields.
    pub fields: std::collections::HashMap<String, String>,
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
    let mut fields = std::collections::HashMap::new();
    let mut bytes: Option<Vec<u8>> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            bytes = field.bytes().await.ok().map(|b| b.to_vec());
        } else {
            fields.insert(name, field.text().await.unwrap_or_default());
        }
    }
    let sent = fields.get("csrf").cloned().unwrap_or_default();
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
