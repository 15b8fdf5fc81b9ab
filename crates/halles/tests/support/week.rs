//! The fulfilment tests' week, past its cut-off: the hub "Pôle Nord", the farm "Ferme
//! Lavoie" offering carrots by the kilogram and whole chickens by catch weight, and the
//! hospital "Hôpital Sainte-Anne" that ordered 30 kg of carrots and 2 chickens. The worker has
//! run at the cut-off, so the farm's purchase order is issued.

use super::TestApp;
use super::world::{people, scope};
use halles_core::catalog::SaleUnit;
use halles_core::money::Cents;
use halles_core::organizations::{OrgKind, Role};
use halles_core::pricing::BuyerType;
use halles_core::quantity::Qty;
use halles_core::taxes::TaxClass;
use halles_core::{CycleId, OrderId, ProductId};
use halles_store::hub::HubScope;
use halles_store::hub::catalog::ProductInput;
use halles_store::hub::cycles::{CycleInput, LocationInput};
use halles_store::hub::orders::OrderInput;
use halles_store::platform::organizations::Organization;
pub use halles_store::testing::billing_week::product;
use jiff::SignedDuration;
use jiff::civil::Date;

/// The hospital cook's login.
pub const HOSPITAL: &str = "cuisine@hopital.example";

/// What the week differs by from one test to another.
pub struct WeekSetup {
    /// The cycle's name.
    pub cycle_name: &'static str,
    /// The chicken as the farm describes it, from [`chicken`].
    pub chicken: ProductInput,
    /// The hospital's purchase-order number and note on its order.
    pub po_number: &'static str,
    pub note: &'static str,
}

/// The whole chicken, about 2 kg a unit, weighed at packing.
pub fn chicken() -> ProductInput {
    ProductInput {
        catch_weight: true,
        est_weight_g: Some(2000),
        ..product("Poulet entier", SaleUnit::Each, TaxClass::ZeroRated)
    }
}

/// The week, once past its cut-off.
pub struct CutOffWeek {
    pub hub: Organization,
    pub farm: Organization,
    pub hospital: Organization,
    /// The hub's scope over its own hub.
    pub h: HubScope,
    /// The hospital's scope at the hub.
    pub buyer: HubScope,
    /// The farm's scope at the hub (its grid, its weights).
    pub farm_scope: HubScope,
    pub carrots: ProductId,
    pub chicken: ProductId,
    pub cycle: CycleId,
    /// The cycle's one delivery day.
    pub day: Date,
    pub order: OrderId,
}

impl CutOffWeek {
    /// Builds the week: organizations, the coordinator, farmer and hospital cook, products,
    /// the cycle and its offers, the hospital's order, then the cut-off and the worker.
    pub async fn build(app: &TestApp, setup: WeekSetup) -> CutOffWeek {
        let hub = app.org(OrgKind::Hub, "Pôle Nord").await;
        let farm = app.org(OrgKind::Producer, "Ferme Lavoie").await;
        let hospital = app.org(OrgKind::Buyer, "Hôpital Sainte-Anne").await;
        app.user(people::COORDINATOR, Some((hub.id, Role::Admin)))
            .await;
        app.user(people::FARMER, Some((farm.id, Role::Admin))).await;
        app.user(HOSPITAL, Some((hospital.id, Role::Staff))).await;
        let h = app.store.own_hub(&scope(hub.id)).await.unwrap();
        app.store.link_producer(&h, farm.id).await.unwrap();
        app.store
            .link_buyer(&h, hospital.id, BuyerType::Institution)
            .await
            .unwrap();
        let carrots = new_product(
            app,
            &farm,
            product("Carottes", SaleUnit::Kg, TaxClass::ZeroRated),
        )
        .await;
        let chicken = new_product(app, &farm, setup.chicken).await;
        let now = app.store.now();
        let day = halles_core::ordering::local_day(now + SignedDuration::from_hours(96));
        let cycle = app
            .store
            .create_cycle(
                &h,
                &CycleInput {
                    name: setup.cycle_name.into(),
                    opens_at: now + SignedDuration::from_hours(1),
                    closes_at: now + SignedDuration::from_hours(72),
                    delivery_days: vec![day],
                    delivery_note: String::new(),
                    order_fee: Cents(0),
                    producers: vec![farm.id],
                    locations: vec![LocationInput {
                        kind: "delivery".into(),
                        name: "Montréal".into(),
                        fee: Cents(0),
                        min_order: Cents(0),
                    }],
                },
            )
            .await
            .unwrap();
        let grid = app.store.hub_scope(&scope(farm.id), hub.id).await.unwrap();
        app.store
            .save_availability(
                &grid,
                cycle,
                farm.id,
                &[
                    (carrots, Some((Qty::units(100), Cents(250)))),
                    (chicken, Some((Qty::units(10), Cents(1200)))),
                ],
            )
            .await
            .unwrap();
        app.clock.advance(SignedDuration::from_hours(2));
        app.store.advance_cycles().await.unwrap();
        let loc = app.store.cycle(&h, cycle).await.unwrap().locations[0].id;
        let buyer = app
            .store
            .hub_scope(&scope(hospital.id), hub.id)
            .await
            .unwrap();
        let order = app
            .store
            .place_order(
                &buyer,
                cycle,
                &OrderInput {
                    buyer: hospital.id,
                    location: Some(loc),
                    delivery_day: None,
                    po_number: setup.po_number.into(),
                    note: setup.note.into(),
                    lines: vec![(carrots, Qty::units(30)), (chicken, Qty::units(2))],
                },
            )
            .await
            .unwrap();
        // The cut-off: the worker issues the purchase order.
        app.clock.advance(SignedDuration::from_hours(71));
        halles::worker::on_time(&app.store, &app.url).await;
        CutOffWeek {
            hub,
            farm,
            hospital,
            h,
            buyer,
            farm_scope: grid,
            carrots,
            chicken,
            cycle,
            day,
            order,
        }
    }
}

/// Adds a product to the farm's catalog.
pub async fn new_product(app: &TestApp, farm: &Organization, input: ProductInput) -> ProductId {
    app.store
        .create_product(&scope(farm.id), &input)
        .await
        .unwrap()
        .id
}
