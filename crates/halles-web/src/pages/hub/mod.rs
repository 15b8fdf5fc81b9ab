//! The food hub's pages: products and prices, order cycles and partners, producers'
//! availability, the buyers' shop, quick order form and orders, standing orders, and the
//! week after the cut-off (`fulfilment`).

pub mod availability;
pub mod billing;
pub mod cycles;
pub mod exports;
pub mod fulfilment;
pub mod partners;
pub mod prices;
pub mod products;
pub mod quick_order;
pub mod shop;
pub mod standing;
pub mod tax_statuses;
pub mod visibility;

use super::{Routes, paths};
use crate::AppState;
use crate::ctx::{Member, RoleRequirement};
use crate::errors::PageError;
use axum_extra::routing::TypedPath;
use halles_store::hub::HubScope;

/// The signed-in organization as a hub, for the hub's own pages: another kind of organization
/// gets 403.
pub(crate) async fn own_hub<R: RoleRequirement>(
    state: &AppState,
    m: &Member<R>,
) -> Result<HubScope, PageError> {
    cycles::hub_only(m)?;
    Ok(state.store.own_hub(&m.scope).await?)
}

/// The food hub's pages, and the old English paths that redirect to them.
pub fn routes() -> Routes {
    billing::routes(fulfilment::routes(Routes::new()))
        .typed_get(products::list)
        .typed_get(products::new_form)
        .typed_post(products::create)
        .typed_get(products::edit_form)
        .typed_post(products::update)
        .typed_post_upload(products::upload_photo)
        .typed_get(products::photo)
        .typed_get(tax_statuses::show)
        .typed_post(tax_statuses::add)
        .typed_get(availability::cycles)
        .typed_get(availability::producer_grid)
        .typed_post(availability::producer_save)
        .typed_get(cycles::cycles)
        .typed_post(cycles::create_cycle)
        .typed_get(cycles::cycle)
        .typed_post(cycles::set_status)
        .typed_post(cycles::copy)
        .typed_get(cycles::edit_form)
        .typed_post(cycles::update)
        .typed_get(cycles::open_form)
        .typed_post(cycles::open)
        .typed_get(exports::download)
        .typed_get(availability::hub_grid)
        .typed_post(availability::hub_save)
        .typed_get(availability::reminder_hours)
        .typed_post(availability::set_reminder_hours)
        .typed_get(shop::hub_catalog)
        .typed_post(shop::hub_place)
        .typed_get(shop::hub_edit)
        .typed_post(shop::hub_update)
        .typed_post(shop::hub_cancel)
        .typed_get(partners::partners)
        .typed_post(partners::link)
        .typed_get(prices::prices)
        .typed_post(prices::add_rule)
        .typed_post(prices::delete_rule)
        .typed_get(shop::shop)
        .typed_get(shop::catalog)
        .typed_post(shop::place)
        .typed_get(shop::orders)
        .typed_get(shop::order)
        .typed_get(shop::delivery_photo)
        .typed_post(shop::update)
        .typed_get(shop::edit)
        .typed_post(shop::cancel)
        .typed_get(quick_order::form)
        .typed_post(quick_order::place)
        .typed_post(standing::repeat)
        .typed_get(standing::list)
        .typed_post(standing::change)
        .typed_post(partners::buyer_settings)
        .typed_get(visibility::rules)
        .typed_post(visibility::set_product)
        .typed_post(visibility::set_cycle)
        .moved("/o/{org}/products", paths::Products::PATH)
        .moved("/o/{org}/products/new", paths::ProductNew::PATH)
        .moved("/o/{org}/products/{id}", paths::Product::PATH)
        .moved("/o/{org}/products/{id}/photo", paths::ProductPhoto::PATH)
        .moved("/o/{org}/availability", paths::Availability::PATH)
        .moved(
            "/o/{org}/availability/{hub}/{cycle}",
            paths::ProducerGrid::PATH,
        )
        .moved("/o/{org}/cycles/{id}/status", paths::CycleStatus::PATH)
        .moved("/o/{org}/cycles/{id}/copy", paths::CycleCopy::PATH)
        .moved(
            "/o/{org}/cycles/{id}/availability/{producer}",
            paths::HubGrid::PATH,
        )
        .moved(
            "/o/{org}/cycles/{id}/order-for/{buyer}",
            paths::OrderFor::PATH,
        )
        .moved("/o/{org}/cycles/{id}/orders/{order}", paths::HubOrder::PATH)
        .moved(
            "/o/{org}/cycles/{id}/orders/{order}/cancel",
            paths::HubOrderCancel::PATH,
        )
        .moved("/o/{org}/partners", paths::Partners::PATH)
        .moved("/o/{org}/partners/{what}", paths::PartnerLink::PATH)
        .moved("/o/{org}/prices", paths::Prices::PATH)
        .moved("/o/{org}/prices/{id}/delete", paths::PriceDelete::PATH)
        .moved("/o/{org}/shop", paths::Shop::PATH)
        .moved("/o/{org}/shop/{hub}/{cycle}", paths::Catalog::PATH)
        .moved("/o/{org}/orders", paths::Orders::PATH)
        .moved("/o/{org}/orders/{hub}/{id}", paths::Order::PATH)
        .moved("/o/{org}/orders/{hub}/{id}/edit", paths::OrderEdit::PATH)
        .moved(
            "/o/{org}/orders/{hub}/{id}/cancel",
            paths::OrderCancel::PATH,
        )
        .moved(
            "/o/{org}/orders/{hub}/{id}/repeat",
            paths::OrderRepeat::PATH,
        )
        .moved("/o/{org}/standing-orders", paths::StandingOrders::PATH)
        .moved(
            "/o/{org}/standing-orders/{id}/{what}",
            paths::StandingChange::PATH,
        )
}
