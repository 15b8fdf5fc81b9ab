//! The food hub's pages: products and prices, order cycles and partners, producers'
//! availability, the buyers' shop and orders, standing orders.

pub mod availability;
pub mod cycles;
pub mod partners;
pub mod prices;
pub mod products;
pub mod shop;
pub mod standing;

use super::Routes;
use crate::AppState;
use crate::ctx::{Member, RoleRequirement};
use crate::errors::PageError;
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
    Routes::new()
        .get("/o/{org}/produits", products::list)
        .get("/o/{org}/produits/nouveau", products::new_form)
        .post("/o/{org}/produits/nouveau", products::create)
        .get("/o/{org}/produits/{id}", products::edit_form)
        .post("/o/{org}/produits/{id}", products::update)
        .post_upload("/o/{org}/produits/{id}/photo", products::upload_photo)
        .get("/photos/{file}", products::photo)
        .get("/o/{org}/disponibilites", availability::cycles)
        .get(
            "/o/{org}/disponibilites/{hub}/{cycle}",
            availability::producer_grid,
        )
        .post(
            "/o/{org}/disponibilites/{hub}/{cycle}",
            availability::producer_save,
        )
        .get("/o/{org}/cycles", cycles::cycles)
        .post("/o/{org}/cycles", cycles::create_cycle)
        .get("/o/{org}/cycles/{id}", cycles::cycle)
        .post("/o/{org}/cycles/{id}/statut", cycles::set_status)
        .post("/o/{org}/cycles/{id}/copier", cycles::copy)
        .get(
            "/o/{org}/cycles/{id}/disponibilites/{producer}",
            availability::hub_grid,
        )
        .post(
            "/o/{org}/cycles/{id}/disponibilites/{producer}",
            availability::hub_save,
        )
        .get(
            "/o/{org}/cycles/{id}/commander-pour/{buyer}",
            shop::hub_catalog,
        )
        .post(
            "/o/{org}/cycles/{id}/commander-pour/{buyer}",
            shop::hub_place,
        )
        .get("/o/{org}/cycles/{id}/commandes/{order}", shop::hub_edit)
        .post("/o/{org}/cycles/{id}/commandes/{order}", shop::hub_update)
        .post(
            "/o/{org}/cycles/{id}/commandes/{order}/annuler",
            shop::hub_cancel,
        )
        .get("/o/{org}/partenaires", partners::partners)
        .post("/o/{org}/partenaires/{what}", partners::link)
        .get("/o/{org}/prix", prices::prices)
        .post("/o/{org}/prix", prices::add_rule)
        .post("/o/{org}/prix/{id}/supprimer", prices::delete_rule)
        .get("/o/{org}/boutique", shop::shop)
        .get("/o/{org}/boutique/{hub}/{cycle}", shop::catalog)
        .post("/o/{org}/boutique/{hub}/{cycle}", shop::place)
        .get("/o/{org}/commandes", shop::orders)
        .get("/o/{org}/commandes/{hub}/{id}", shop::order)
        .post("/o/{org}/commandes/{hub}/{id}", shop::update)
        .get("/o/{org}/commandes/{hub}/{id}/modifier", shop::edit)
        .post("/o/{org}/commandes/{hub}/{id}/annuler", shop::cancel)
        .post("/o/{org}/commandes/{hub}/{id}/refaire", standing::repeat)
        .get("/o/{org}/commandes-recurrentes", standing::list)
        .post(
            "/o/{org}/commandes-recurrentes/{id}/{what}",
            standing::change,
        )
        .moved("/o/{org}/products", "/o/{org}/produits")
        .moved("/o/{org}/products/new", "/o/{org}/produits/nouveau")
        .moved("/o/{org}/products/{id}", "/o/{org}/produits/{id}")
        .moved(
            "/o/{org}/products/{id}/photo",
            "/o/{org}/produits/{id}/photo",
        )
        .moved("/o/{org}/availability", "/o/{org}/disponibilites")
        .moved(
            "/o/{org}/availability/{hub}/{cycle}",
            "/o/{org}/disponibilites/{hub}/{cycle}",
        )
        .moved("/o/{org}/cycles/{id}/status", "/o/{org}/cycles/{id}/statut")
        .moved("/o/{org}/cycles/{id}/copy", "/o/{org}/cycles/{id}/copier")
        .moved(
            "/o/{org}/cycles/{id}/availability/{producer}",
            "/o/{org}/cycles/{id}/disponibilites/{producer}",
        )
        .moved(
            "/o/{org}/cycles/{id}/order-for/{buyer}",
            "/o/{org}/cycles/{id}/commander-pour/{buyer}",
        )
        .moved(
            "/o/{org}/cycles/{id}/orders/{order}",
            "/o/{org}/cycles/{id}/commandes/{order}",
        )
        .moved(
            "/o/{org}/cycles/{id}/orders/{order}/cancel",
            "/o/{org}/cycles/{id}/commandes/{order}/annuler",
        )
        .moved("/o/{org}/partners", "/o/{org}/partenaires")
        .moved("/o/{org}/partners/{what}", "/o/{org}/partenaires/{what}")
        .moved("/o/{org}/prices", "/o/{org}/prix")
        .moved(
            "/o/{org}/prices/{id}/delete",
            "/o/{org}/prix/{id}/supprimer",
        )
        .moved("/o/{org}/shop", "/o/{org}/boutique")
        .moved(
            "/o/{org}/shop/{hub}/{cycle}",
            "/o/{org}/boutique/{hub}/{cycle}",
        )
        .moved("/o/{org}/orders", "/o/{org}/commandes")
        .moved(
            "/o/{org}/orders/{hub}/{id}",
            "/o/{org}/commandes/{hub}/{id}",
        )
        .moved(
            "/o/{org}/orders/{hub}/{id}/edit",
            "/o/{org}/commandes/{hub}/{id}/modifier",
        )
        .moved(
            "/o/{org}/orders/{hub}/{id}/cancel",
            "/o/{org}/commandes/{hub}/{id}/annuler",
        )
        .moved(
            "/o/{org}/orders/{hub}/{id}/repeat",
            "/o/{org}/commandes/{hub}/{id}/refaire",
        )
        .moved("/o/{org}/standing-orders", "/o/{org}/commandes-recurrentes")
        .moved(
            "/o/{org}/standing-orders/{id}/{what}",
            "/o/{org}/commandes-recurrentes/{id}/{what}",
        )
}
