//! The hub's week after the cut-off, one page per step: the cycle's preparation page (purchase
//! orders, receiving, shortages, packing, delivery and documents at a glance), a producer's
//! purchase order and its receiving form (`purchase_orders`), packing an order with its weights
//! and cases (`packing`), routes, manifests and proof of delivery (`delivery`), the stock and
//! recalls (`stock`), and the producer's side: its purchase orders and weighing its own
//! products (`producer`). Documents in PDF and ZPL come from `documents`.

pub mod delivery;
pub mod documents;
pub mod packing;
pub mod producer;
pub mod purchase_orders;
pub mod stock;

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::pages::{Routes, paths};
use askama::Template;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use halles_core::CycleId;
use halles_core::refusals::Refusal;
use halles_store::hub::HubScope;
use halles_store::hub::cycles::Cycle;
use halles_store::hub::fulfilment::labels::LabelledProduct;
use halles_store::hub::fulfilment::packing::PackingOrder;
use halles_store::hub::fulfilment::purchase_orders::PurchaseOrder;
use halles_store::hub::fulfilment::receiving::Shortage;
use halles_store::hub::fulfilment::routes::Route;
use jiff::civil::Date;
use serde::Deserialize;

/// The fulfilment pages.
pub fn routes(r: Routes) -> Routes {
    r.typed_get(overview)
        .typed_post(purchase_orders::issue)
        .typed_get(purchase_orders::purchase_order)
        .typed_get(purchase_orders::receive_form)
        .typed_post(purchase_orders::receive)
        .typed_post(purchase_orders::resolve)
        .typed_get(packing::pack_form)
        .typed_post(packing::pack)
        .typed_post(packing::weigh)
        .typed_get(packing::scan)
        .typed_get(packing::document)
        .typed_post(delivery::plan)
        .typed_get(delivery::manifest)
        .typed_post(delivery::place)
        .typed_post_upload(delivery::mark)
        .typed_get(delivery::photo)
        .typed_post_upload(delivery::replace_photo)
        .typed_get(delivery::routes_page)
        .typed_post(delivery::create_route)
        .typed_post(delivery::set_buyers)
        .typed_post(delivery::set_details)
        .typed_post(delivery::set_prefix)
        .typed_get(stock::stock)
        .typed_get(stock::lot)
        .typed_post(stock::movement)
        .typed_get(stock::recall)
        .typed_get(producer::list)
        .typed_get(producer::purchase_order)
        .typed_get(producer::product_labels)
        .typed_post(producer::weigh)
}

/// A delivery day in a query (`?jour=2026-12-05`); blank or unreadable: none.
#[derive(Debug, Default, Deserialize)]
pub struct DayQuery {
    #[serde(default)]
    jour: String,
    #[serde(default)]
    format: String,
}

impl DayQuery {
    /// The day asked for.
    pub fn day(&self) -> Option<Date> {
        self.jour.trim().parse().ok()
    }
}

/// A PDF answer, shown in the browser (`inline`), named for saving.
pub(crate) fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Labels as drawn: a PDF shown in the browser, ZPL downloaded, named for saving.
pub(crate) fn labels_file(d: documents::Drawn, name: &str) -> Response {
    let disposition = if d.extension == "pdf" {
        "inline"
    } else {
        "attachment"
    };
    (
        [
            (CONTENT_TYPE, d.content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{name}.{}\"", d.extension),
            ),
        ],
        d.bytes,
    )
        .into_response()
}

/// The product labels of a day found, or the page that says why none print: none yet (404,
/// `no_product_labels`), too many at once (422, `too_many_labels`).
pub(crate) fn labels_or_message(
    found: Result<Vec<LabelledProduct>, halles_store::StoreError>,
    i18n: &crate::i18n::I18n,
) -> Result<Vec<LabelledProduct>, PageError> {
    use axum::http::StatusCode;
    match found {
        Ok(labels) if labels.is_empty() => Err(PageError::new(
            StatusCode::NOT_FOUND,
            i18n.lang,
            "err-no_product_labels",
        )),
        Ok(labels) => Ok(labels),
        Err(halles_store::StoreError::Refused(Refusal::TooManyLabels)) => Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            i18n.lang,
            "err-too_many_labels",
        )),
        Err(e) => Err(PageError::store(i18n.lang, e)),
    }
}

/// Back to `to` with the outcome of an action as a one-time message: the success key, or the
/// refusal's message (a field's refusal by its code).
pub(crate) fn back_with(
    state: &AppState,
    outcome: Result<String, halles_store::StoreError>,
    to: &str,
) -> Result<Response, PageError> {
    use halles_store::StoreError;
    let (kind, key) = match outcome {
        Ok(key) => ("success", key),
        Err(StoreError::Refused(r)) => ("error", format!("err-{r}")),
        Err(StoreError::Invalid(f)) => (
            "error",
            format!("err-{}", f.first().map_or("invalid", |e| e.code)),
        ),
        Err(e) => return Err(e.into()),
    };
    let headers = crate::security::flash_headers(kind, &key, state.config.secure_cookies);
    Ok(crate::pages::see_other(to, headers))
}

/// The hub's name, as its documents print it.
pub(crate) async fn hub_name(state: &AppState, hs: &HubScope) -> Result<String, PageError> {
    Ok(state.store.organization_by_id(hs.hub()).await?.name)
}

/// The orders of a day, for a packing page: each with its packing state.
pub struct DayOrders {
    /// The delivery day.
    pub day: Option<Date>,
    /// Its orders.
    pub orders: Vec<PackingOrder>,
}

#[derive(Template)]
#[template(path = "fulfilment.html")]
struct OverviewPage {
    page: Ctx,
    cycle: Cycle,
    pos: Vec<PurchaseOrder>,
    shortages: Vec<Shortage>,
    days: Vec<DayOrders>,
    routes: Vec<Route>,
    substitutes: Vec<(halles_core::ProductId, String)>,
    lots: usize,
}

impl OverviewPage {
    fn day_value(&self, d: &Option<Date>) -> String {
        d.map(|d| d.to_string()).unwrap_or_default()
    }

    fn day_label(&self, d: &Option<Date>) -> String {
        d.map_or_else(|| "—".to_owned(), |d| self.page.day(d))
    }

    fn packed(&self, d: &DayOrders) -> usize {
        d.orders.iter().filter(|o| o.packed_at.is_some()).count()
    }
}

/// A cycle's preparation page: every step after the cut-off, with what is left to do.
pub async fn overview(
    paths::Fulfilment(_, CycleId(id)): paths::Fulfilment,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let hs = super::own_hub(&state, &m).await?;
    let cycle = state.store.cycle(&hs, CycleId(id)).await?;
    let pos = state.store.purchase_orders(&hs, cycle.id).await?;
    let shortages = state.store.shortages(&hs, cycle.id).await?;
    let mut days = Vec::new();
    for day in state.store.order_days(&hs, cycle.id).await? {
        let orders = state.store.packing_list(&hs, cycle.id, day).await?;
        days.push(DayOrders { day, orders });
    }
    let routes = state.store.routes(&hs).await?;
    let lots = state.store.lots(&hs, Some(cycle.id)).await?;
    // What a short line can be replaced by: what the hub holds, free.
    let mut substitutes: Vec<(halles_core::ProductId, String)> = lots
        .iter()
        .filter(|l| l.free().0 > 0)
        .map(|l| (l.product, l.name(m.ctx.i18n.lang).to_owned()))
        .collect();
    substitutes.sort_by(|a, b| a.1.cmp(&b.1));
    substitutes.dedup_by(|a, b| a.0 == b.0);
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &OverviewPage {
            page: m.ctx,
            cycle,
            pos,
            shortages,
            days,
            routes,
            substitutes,
            lots: lots.len(),
        },
        lang,
    ))
}
