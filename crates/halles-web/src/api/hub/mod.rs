//! The food hub's API: products, order cycles and their pickup points, availability, catalogs,
//! orders, standing orders, price rules, partners (with buyers' tags), visibility rules and the
//! producers' reminder.
//! Quantities are decimal strings in the product's sale unit ("2.5"); money is integer cents.
//! Each concept has its module; this one holds what they share and the domain's router.

pub mod availability;
pub mod billing;
pub mod cycles;
pub mod fulfilment;
pub mod locations;
pub mod orders;
pub mod partners;
pub mod prices;
pub mod products;
pub mod reports;
pub mod standing;
pub mod tax_statuses;
pub mod visibility;

use crate::AppState;
use crate::api::problem::{ApiError, qty_field};
use halles_core::quantity::Qty;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The food hub's routes, each declared once by its handler's `#[utoipa::path]`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(products::products, products::create_product))
        .routes(routes!(products::product, products::update_product))
        .routes(routes!(
            tax_statuses::tax_statuses,
            tax_statuses::add_tax_status
        ))
        .routes(routes!(cycles::cycles, cycles::create_cycle))
        .routes(routes!(cycles::cycle, cycles::update_cycle))
        .routes(routes!(availability::hub_availability))
        .routes(routes!(
            availability::producer_availability,
            availability::set_availability
        ))
        .routes(routes!(availability::catalog))
        .routes(routes!(orders::orders, orders::place_order))
        .routes(routes!(orders::order, orders::update_order))
        .routes(routes!(orders::cancel_order))
        .routes(routes!(orders::cycle_orders))
        .routes(routes!(reports::totals))
        .routes(routes!(reports::export))
        .routes(routes!(reports::open))
        .routes(routes!(reports::close))
        .routes(routes!(reports::copy))
        .routes(routes!(
            standing::standing_orders,
            standing::create_standing
        ))
        .routes(routes!(standing::change_standing))
        .routes(routes!(standing::stop_standing))
        .routes(routes!(locations::locations, locations::add_location))
        .routes(routes!(locations::change_location))
        .routes(routes!(prices::price_rules, prices::add_price_rule))
        .routes(routes!(
            prices::change_price_rule,
            prices::delete_price_rule
        ))
        .routes(routes!(partners::producers, partners::link_producer))
        .routes(routes!(partners::unlink_producer))
        .routes(routes!(partners::buyers, partners::link_buyer))
        .routes(routes!(partners::change_buyer, partners::unlink_buyer))
        .routes(routes!(partners::set_buyer_settings))
        .routes(routes!(
            availability::reminders,
            availability::set_reminders
        ))
        .routes(routes!(visibility::rules))
        .routes(routes!(visibility::set_product_rule))
        .routes(routes!(visibility::set_cycle_rule))
        .merge(fulfilment_router())
        .merge(billing_router())
}

/// Billing (issue 15, first part): settings and invoices.
fn billing_router() -> OpenApiRouter<AppState> {
    use billing::{invoices, settings};
    OpenApiRouter::default()
        .routes(routes!(
            settings::billing_settings,
            settings::set_billing_settings
        ))
        .routes(routes!(settings::set_buyer_billing))
        .routes(routes!(invoices::invoices))
        .routes(routes!(invoices::invoice))
        .routes(routes!(invoices::invoice_pdf))
        .routes(routes!(invoices::issue_invoice))
        .merge(receivables_router())
        .merge(statements_router())
}

/// Credit notes and receivables (issue 15, items 3 and 4).
fn receivables_router() -> OpenApiRouter<AppState> {
    use billing::receivables as r;
    OpenApiRouter::default()
        .routes(routes!(r::credit_notes))
        .routes(routes!(r::credit_note))
        .routes(routes!(r::credit_note_pdf))
        .routes(routes!(r::issue_credit_note))
        .routes(routes!(r::invoice_balance))
        .routes(routes!(r::payments, r::record_payment))
        .routes(routes!(r::apply_credit))
        .routes(routes!(r::void_payment))
        .routes(routes!(r::aging))
        .routes(routes!(r::statement))
        .routes(routes!(r::statement_pdf))
}

/// Billing: producers' statements and payouts.
fn statements_router() -> OpenApiRouter<AppState> {
    use billing::statements as s;
    OpenApiRouter::default()
        .routes(routes!(s::statements, s::issue_statement))
        .routes(routes!(s::statement))
        .routes(routes!(s::statement_pdf))
        .routes(routes!(s::pay_statement))
        .routes(routes!(billing::exports::invoice_ubl))
        .routes(routes!(billing::exports::quickbooks))
        .routes(routes!(billing::exports::credit_note_ubl))
        .routes(routes!(billing::exports::journal))
        .routes(routes!(
            billing::exports::journal_accounts,
            billing::exports::set_journal_accounts
        ))
}

/// Fulfilment (issue 14): purchase orders, receiving, stock, packing and routes.
fn fulfilment_router() -> OpenApiRouter<AppState> {
    use fulfilment::{packing, purchase_orders as po, receiving, routes as r, stock};
    OpenApiRouter::default()
        .routes(routes!(po::purchase_orders))
        .routes(routes!(po::purchase_order))
        .routes(routes!(po::issue))
        .routes(routes!(po::producer_purchase_orders))
        .routes(routes!(po::producer_purchase_order))
        .routes(routes!(receiving::receive))
        .routes(routes!(receiving::shortages))
        .routes(routes!(receiving::resolve_shortage))
        .routes(routes!(stock::lots))
        .routes(routes!(stock::lot))
        .routes(routes!(stock::record_movement))
        .routes(routes!(stock::recall))
        .routes(routes!(packing::record_weights))
        .routes(routes!(packing::producer_weights))
        .routes(routes!(packing::producer_weighing))
        .routes(routes!(packing::packing_list))
        .routes(routes!(packing::document))
        .routes(routes!(packing::producer_product_labels))
        .routes(routes!(packing::pack))
        .routes(routes!(packing::scan))
        .routes(routes!(r::routes, r::create_route))
        .routes(routes!(r::set_route_buyers))
        .routes(routes!(r::delivery_details, r::set_delivery_details))
        .routes(routes!(r::plan))
        .routes(routes!(r::stops))
        .routes(routes!(r::place_stop))
        .routes(routes!(r::delivered))
        .routes(routes!(r::undelivered))
        .routes(routes!(r::delivery))
        .routes(routes!(r::stop_photo, r::set_stop_photo))
        .routes(routes!(r::delivery_photo))
}

fn qty(field_name: &str, s: &str) -> Result<Qty, ApiError> {
    qty_field(field_name, s)
}
