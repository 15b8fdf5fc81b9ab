//! Delivery: the hub's routes with their usual order of buyers and each buyer's delivery
//! details (`/tournees`), the stops of a day made from the orders, a route's manifest (a phone
//! page for the driver, and a PDF), stops renumbered, and proof of delivery with an optional
//! photo.

use super::{DayQuery, documents, hub_name, pdf};
use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render_form};
use crate::forms::FormErrors;
use crate::pages::{paths, see_other};
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use halles_core::{CycleId, OrgId, RouteId};
use halles_store::StoreError;
use halles_store::hub::cycles::Cycle;
use halles_store::hub::fulfilment::routes::{DeliveryDetails, Route, Stop, StopOutcome};
use halles_store::platform::organizations::Organization;
use serde::Deserialize;

/// The day of a form or query.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DayForm {
    jour: String,
}

/// Makes the stops of a delivery day from its orders.
pub async fn plan(
    paths::PlanRoutes(org, id): paths::PlanRoutes,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<DayForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let day = form.jour.trim().parse().ok();
    let outcome = state
        .store
        .plan_routes(&hs, id, day)
        .await
        .map(|n| format!("flash-stops-planned#{n}"));
    super::back_with(
        &state,
        outcome,
        &format!("{}#livraison", paths::Fulfilment(org, id)),
    )
}

#[derive(Template)]
#[template(path = "manifest.html")]
struct ManifestPage {
    page: Ctx,
    cycle: Cycle,
    route: Route,
    day: String,
    day_label: String,
    stops: Vec<Stop>,
    errors: FormErrors,
    /// The stop whose form came back, with what was typed.
    typed: Option<(halles_core::StopId, String, String)>,
}

impl ManifestPage {
    fn recipient(&self, s: &Stop) -> String {
        match &self.typed {
            Some((id, r, _)) if *id == s.id => r.clone(),
            _ => String::new(),
        }
    }

    fn note(&self, s: &Stop) -> String {
        match &self.typed {
            Some((id, _, n)) if *id == s.id => n.clone(),
            _ => String::new(),
        }
    }

    fn status_label(&self, s: &Stop) -> String {
        self.page.label("stop-status", s.status.code())
    }
}

async fn manifest_page(
    state: &AppState,
    m: Member<StaffRole>,
    id: CycleId,
    route: RouteId,
    q: DayQuery,
    errors: FormErrors,
    typed: Option<(halles_core::StopId, String, String)>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(state, &m).await?;
    let cycle = state.store.cycle(&hs, id).await?;
    let route = state
        .store
        .routes(&hs)
        .await?
        .into_iter()
        .find(|r| r.id == route)
        .ok_or(StoreError::NotFound)?;
    let day = q.day();
    let stops = state.store.stops(&hs, cycle.id, day, route.id).await?;
    if q.format == "pdf" {
        let hub = hub_name(state, &hs).await?;
        let doc = documents::manifest(&m.ctx.i18n, &hub, &cycle, &route.name, day, &stops);
        let bytes =
            halles_docs::document_pdf(&doc).map_err(|e| PageError::internal(m.ctx.i18n.lang, e))?;
        return Ok(pdf(bytes, &format!("manifeste-{}-{}", cycle.id, route.id)));
    }
    let failed = !errors.is_empty();
    let page = ManifestPage {
        day_label: day.map_or_else(|| "—".to_owned(), |d| m.ctx.day(d)),
        day: q.jour.clone(),
        page: m.ctx,
        cycle,
        route,
        stops,
        errors,
        typed,
    };
    let lang = page.page.i18n.lang;
    Ok(render_form(&page, lang, failed))
}

/// A route's manifest for a day: the driver's page (or its PDF with `?format=pdf`).
pub async fn manifest(
    paths::Manifest(_, id, route): paths::Manifest,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    Query(q): Query<DayQuery>,
) -> Result<Response, PageError> {
    manifest_page(&state, m, id, route, q, FormErrors::none(), None).await
}

/// Where an order goes on a route.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlaceForm {
    route: String,
    number: String,
    jour: String,
}

/// Puts an order at a place on a route (the others move down).
pub async fn place(
    paths::StopPlace(org, id, order): paths::StopPlace,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<PlaceForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let route = RouteId(form.route.trim().parse().unwrap_or(0));
    let number = form
        .number
        .trim()
        .parse::<i64>()
        .unwrap_or(1)
        .clamp(1, 10_000);
    let outcome = state
        .store
        .place_stop(&hs, order, route, number)
        .await
        .map(|()| "flash-stop-placed".to_owned());
    super::back_with(
        &state,
        outcome,
        &format!("{}?jour={}", paths::Manifest(org, id, route), form.jour),
    )
}

/// What the driver says of a stop.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MarkForm {
    outcome: String,
    recipient: String,
    note: String,
    route: String,
    jour: String,
}

/// Marks a stop delivered (with who received it) or not delivered, with the driver's
/// optional photo (a multipart form, so that a phone's camera can fill it without any script;
/// at most 8 MB, read as a picture and kept as a JPEG of at most 800 pixels).
pub async fn mark(
    paths::StopMark(org, id, stop): paths::StopMark,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    headers: axum::http::HeaderMap,
    token: Option<axum::Extension<crate::security::CsrfToken>>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (form, picture): (MarkForm, _) = stop_upload(&m, &headers, token, multipart).await?;
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let outcome = if form.outcome == "non-livre" {
        StopOutcome::Undelivered {
            note: form.note.clone(),
        }
    } else {
        StopOutcome::Delivered {
            recipient: form.recipient.clone(),
            note: form.note.clone(),
        }
    };
    let saved = match &picture {
        // A file that is not a picture goes to the store as no bytes at all, which it refuses
        // as `photo_unreadable` beside every other problem of the form (a missing recipient).
        Some(jpeg) => {
            state
                .store
                .mark_stop_with_photo(&hs, stop, &outcome, Some(jpeg.as_deref().unwrap_or(&[])))
                .await
        }
        None => state.store.mark_stop(&hs, stop, &outcome).await,
    };
    let on = StopForm {
        org,
        cycle: id,
        stop,
        route: &form.route,
        day: &form.jour,
    };
    let kept = Some((stop, form.recipient.clone(), form.note.clone()));
    on.answer(&state, m, saved, "flash-stop-marked", kept).await
}

/// Adds or replaces a stop's photo after it was marked (the driver's phone had no signal, or
/// the hub takes a better one); a file that is not a picture is shown on the stop's form.
pub async fn replace_photo(
    paths::StopPhoto(org, id, stop): paths::StopPhoto,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    headers: axum::http::HeaderMap,
    token: Option<axum::Extension<crate::security::CsrfToken>>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (form, picture): (PhotoForm, _) = stop_upload(&m, &headers, token, multipart).await?;
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    // No file, or one that is not a picture, is refused by the store like the mark's photo.
    let jpeg = picture.and_then(Result::ok).unwrap_or_default();
    let saved = state.store.set_stop_photo(&hs, stop, &jpeg).await;
    let on = StopForm {
        org,
        cycle: id,
        stop,
        route: &form.route,
        day: &form.jour,
    };
    on.answer(&state, m, saved, "flash-stop-photo", None).await
}

/// A stop's multipart form read: its fields and its photo (none chosen, a JPEG, or a file
/// that is not a picture).
async fn stop_upload<F: serde::de::DeserializeOwned>(
    m: &Member<StaffRole>,
    headers: &axum::http::HeaderMap,
    token: Option<axum::Extension<crate::security::CsrfToken>>,
    multipart: axum::extract::Multipart,
) -> Result<(F, Option<Result<Vec<u8>, ()>>), PageError> {
    let lang = m.ctx.i18n.lang;
    let token = token.as_ref().map(|t| &t.0);
    let upload = crate::pages::picture_upload(headers, token, multipart, "photo", lang).await?;
    let form = upload.form(lang)?;
    Ok((form, upload.picture))
}

/// Where a stop's form was sent from: the manifest of a route and day.
struct StopForm<'a> {
    org: OrgId,
    cycle: CycleId,
    stop: halles_core::StopId,
    route: &'a str,
    day: &'a str,
}

impl StopForm<'_> {
    /// Back to the stop on its manifest with `flash`, or the manifest again with the store's
    /// refusals on the stop's own fields (and what was typed, `kept`).
    async fn answer(
        &self,
        state: &AppState,
        m: Member<StaffRole>,
        saved: Result<(), StoreError>,
        flash: &str,
        kept: Option<(halles_core::StopId, String, String)>,
    ) -> Result<Response, PageError> {
        let (stop, route) = (self.stop, RouteId(self.route.trim().parse().unwrap_or(0)));
        match saved {
            Ok(()) => {
                let back = format!(
                    "{}?jour={}#arret-{stop}",
                    paths::Manifest(self.org, self.cycle, route),
                    self.day
                );
                let headers = flash_headers("success", flash, state.config.secure_cookies);
                Ok(see_other(&back, headers))
            }
            Err(e @ (StoreError::Invalid(_) | StoreError::Refused(_))) => {
                let errors = FormErrors::from_store(e, &format!("stop-{stop}"), &m.ctx.i18n)?;
                // Each field of the stop's form is named after the stop, so its message sits
                // there.
                let mut moved = FormErrors::none();
                for (i, (field, msg)) in errors.items.iter().enumerate() {
                    let key = format!("err-{}", errors.code_at(&i));
                    let f = if field.starts_with("stop-") {
                        field.clone()
                    } else {
                        format!("stop-{stop}-{field}")
                    };
                    moved.push_text(&f, &key, msg.clone());
                }
                let q = DayQuery {
                    jour: self.day.to_owned(),
                    format: String::new(),
                };
                manifest_page(state, m, self.cycle, route, q, moved, kept).await
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The fields sent beside a replaced photo: where to go back to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PhotoForm {
    route: String,
    jour: String,
}

/// A stop's proof-of-delivery photo, for the hub.
pub async fn photo(
    paths::StopPhoto(_, _, stop): paths::StopPhoto,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let jpeg = state
        .store
        .stop_photo(&hs, stop)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(jpeg_file(jpeg))
}

/// A photo answer: a private JPEG the browser may keep a few minutes.
pub(crate) fn jpeg_file(jpeg: Vec<u8>) -> Response {
    use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
    use axum::response::IntoResponse;
    (
        [
            (CONTENT_TYPE, "image/jpeg"),
            (CACHE_CONTROL, "private, max-age=300"),
        ],
        jpeg,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "delivery_routes.html")]
struct RoutesPage {
    page: Ctx,
    routes: Vec<Route>,
    buyers: Vec<(Organization, DeliveryDetails)>,
    prefix: String,
    errors: FormErrors,
    name: String,
}

impl RoutesPage {
    fn route_of(&self, buyer: &OrgId) -> Option<(halles_core::RouteId, usize)> {
        self.routes.iter().find_map(|r| {
            r.buyers
                .iter()
                .position(|(b, _)| b == buyer)
                .map(|i| (r.id, i + 1))
        })
    }

    fn position(&self, route: &Route, buyer: &OrgId) -> String {
        route
            .buyers
            .iter()
            .position(|(b, _)| b == buyer)
            .map(|i| (i + 1).to_string())
            .unwrap_or_default()
    }
}

async fn routes_page_with(
    state: &AppState,
    m: Member<StaffRole>,
    errors: FormErrors,
    name: String,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(state, &m).await?;
    let routes = state.store.routes(&hs).await?;
    let mut buyers = Vec::new();
    for (b, _) in state.store.hub_buyers(&hs).await? {
        let d = state.store.delivery_details(&hs, b.id).await?;
        buyers.push((b, d));
    }
    let prefix = state.store.gs1_prefix(hs.hub()).await?;
    let failed = !errors.is_empty();
    let page = RoutesPage {
        page: m.ctx,
        routes,
        buyers,
        prefix,
        errors,
        name,
    };
    let lang = page.page.i18n.lang;
    Ok(render_form(&page, lang, failed))
}

/// The hub's routes, each buyer's place on them and delivery details, the GS1 prefix.
pub async fn routes_page(
    _: paths::DeliveryRoutes,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    routes_page_with(&state, m, FormErrors::none(), String::new()).await
}

/// A new route's name.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RouteForm {
    name: String,
}

/// Creates a route.
pub async fn create_route(
    paths::DeliveryRoutes(org): paths::DeliveryRoutes,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<RouteForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    match state.store.create_route(&hs, &form.name).await {
        Ok(_) => {
            let headers = flash_headers("success", "flash-saved", state.config.secure_cookies);
            Ok(see_other(&paths::DeliveryRoutes(org).to_string(), headers))
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Refused(_))) => {
            let errors = FormErrors::from_store(e, "name", &m.ctx.i18n)?;
            routes_page_with(&state, m, errors, form.name).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Sets a route's buyers: each buyer's box gives its place (blank: not on this route).
pub async fn set_buyers(
    paths::RouteBuyers(org, route): paths::RouteBuyers,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let mut placed: Vec<(i64, OrgId)> = form
        .iter()
        .filter_map(|(k, v)| {
            let buyer = k.strip_prefix("place[")?.strip_suffix(']')?.parse().ok()?;
            let n = v.trim().parse::<i64>().ok()?;
            Some((n, OrgId(buyer)))
        })
        .collect();
    placed.sort();
    let buyers: Vec<OrgId> = placed.into_iter().map(|(_, b)| b).collect();
    state.store.set_route_buyers(&hs, route, &buyers).await?;
    let headers = flash_headers("success", "flash-saved", state.config.secure_cookies);
    Ok(see_other(&paths::DeliveryRoutes(org).to_string(), headers))
}

/// A buyer's delivery details, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DetailsForm {
    address: String,
    contact: String,
    instructions: String,
}

/// Saves a buyer's delivery details.
pub async fn set_details(
    paths::BuyerDelivery(org, buyer): paths::BuyerDelivery,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<DetailsForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    let d = DeliveryDetails {
        address: form.address,
        contact: form.contact,
        instructions: form.instructions,
    };
    match state.store.set_delivery_details(&hs, buyer, &d).await {
        Ok(()) => {
            let headers = flash_headers("success", "flash-saved", state.config.secure_cookies);
            Ok(see_other(
                &format!("{}#acheteur-{buyer}", paths::DeliveryRoutes(org)),
                headers,
            ))
        }
        Err(e @ StoreError::Invalid(_)) => {
            let errors = FormErrors::from_store(e, "address", &m.ctx.i18n)?;
            routes_page_with(&state, m, errors, String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The GS1 company prefix, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PrefixForm {
    gs1_prefix: String,
}

/// Sets the hub's GS1 company prefix (its cases then carry SSCCs).
pub async fn set_prefix(
    paths::Gs1Prefix(org): paths::Gs1Prefix,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<PrefixForm>,
) -> Result<Response, PageError> {
    let hs = crate::pages::hub::own_hub(&state, &m).await?;
    match state.store.set_gs1_prefix(&hs, &form.gs1_prefix).await {
        Ok(()) => {
            let headers = flash_headers("success", "flash-saved", state.config.secure_cookies);
            Ok(see_other(&paths::DeliveryRoutes(org).to_string(), headers))
        }
        Err(e @ StoreError::Invalid(_)) => {
            let errors = FormErrors::from_store(e, "gs1_prefix", &m.ctx.i18n)?;
            routes_page_with(&state, m, errors, String::new()).await
        }
        Err(e) => Err(e.into()),
    }
}
