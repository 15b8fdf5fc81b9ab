//! Food hub store tests on SQLite and (when configured) PostgreSQL: catalog, cycles,
//! availability, price lists, orders, and the race for the last units.

mod support;

use halles_core::catalog::SaleUnit;
use halles_core::money::Cents;
use halles_core::ordering::CycleStatus;
use halles_core::organizations::OrgKind;
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::taxes::TaxClass;
use halles_core::{CycleId, ManualClock, OrgId, ProductId};
use halles_store::hub::catalog::ProductInput;
use halles_store::hub::cycles::{CycleInput, LocationInput};
use halles_store::hub::orders::{CycleTotals, OrderFilter, OrderInput, line_field};
use halles_store::hub::standing::StandingChange;
use halles_store::hub::{HubRole, HubScope};
use halles_store::{Store, StoreError};
use jiff::SignedDuration;
use std::sync::Arc;
use support::{at, product, scope};

/// The hub as `org` reaches it.
async fn hs(store: &Store, org: OrgId, hub: OrgId) -> HubScope {
    store.hub_scope(&scope(org), hub).await.unwrap()
}

struct World {
    hub: OrgId,
    farm_a: OrgId,
    farm_b: OrgId,
    daycare: OrgId,
    bistro: OrgId,
    carrots: ProductId,
    cheese: ProductId,
    jam: ProductId,
    cycle: CycleId,
}

/// The first location of the world's cycle.
async fn pickup(store: &Store, w: &World) -> halles_core::LocationId {
    let c = store.cycle(&hs(store, w.hub, w.hub).await, w.cycle).await;
    c.unwrap().locations[0].id
}

/// A new organization of this kind.
async fn world(store: &Store) -> World {
    let org = |k, n: &'static str| support::org(store, k, n);
    let hub = org(OrgKind::Hub, "Pôle").await;
    let farm_a = org(OrgKind::Producer, "Ferme A").await;
    let farm_b = org(OrgKind::Producer, "Fromagerie B").await;
    let daycare = org(OrgKind::Buyer, "CPE").await;
    let bistro = org(OrgKind::Buyer, "Bistro").await;
    let carrots = store
        .create_product(
            &scope(farm_a),
            &product("Carottes", SaleUnit::Kg, TaxClass::ZeroRated),
        )
        .await
        .unwrap()
        .id;
    let jam = store
        .create_product(
            &scope(farm_a),
            &product("Confiture", SaleUnit::Each, TaxClass::Taxable),
        )
        .await
        .unwrap()
        .id;
    let cheese = store
        .create_product(
            &scope(farm_b),
            &product("Cheddar", SaleUnit::Each, TaxClass::ZeroRated),
        )
        .await
        .unwrap()
        .id;
    let h = store.own_hub(&scope(hub)).await.unwrap();
    store.link_producer(&h, farm_a).await.unwrap();
    store.link_producer(&h, farm_b).await.unwrap();
    store
        .link_buyer(&h, daycare, BuyerType::Institution)
        .await
        .unwrap();
    store
        .link_buyer(&h, bistro, BuyerType::Restaurant)
        .await
        .unwrap();
    store
        .add_price_rule(
            &h,
            &PriceRule {
                buyer_type: None,
                buyer: None,
                product: None,
                margin: MarginBp(2000),
            },
        )
        .await
        .unwrap();
    store
        .add_price_rule(
            &h,
            &PriceRule {
                buyer_type: Some(BuyerType::Institution),
                buyer: None,
                product: None,
                margin: MarginBp(1000),
            },
        )
        .await
        .unwrap();
    let cycle = store
        .create_cycle(
            &h,
            &CycleInput {
                name: "Semaine 1".into(),
                opens_at: at("2026-11-30T13:00:00Z"),
                closes_at: at("2026-12-03T22:00:00Z"),
                delivery_days: vec![day("2026-12-04")],
                delivery_note: "Jeudi".into(),
                order_fee: Cents(200),
                producers: vec![farm_a, farm_b],
                locations: vec![LocationInput {
                    kind: "pickup".into(),
                    name: "Entrepôt".into(),
                    fee: Cents(0),
                    min_order: Cents(1000),
                }],
            },
        )
        .await
        .unwrap();
    World {
        hub,
        farm_a,
        farm_b,
        daycare,
        bistro,
        carrots,
        cheese,
        jam,
        cycle,
    }
}

/// Runs `body` on every database, the clock on Saturday, November 28th, 2026.
async fn on_every_db<F, Fut>(body: F)
where
    F: Fn(Store, Arc<ManualClock>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    support::on_every_db(at("2026-11-28T14:00:00Z"), body).await;
}

#[tokio::test]
async fn a_week_of_the_hub_availability_orders_and_totals() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let loc = pickup(&store, &w).await;
        // Producers post availability while the cycle is a draft.
        store
            .save_availability(
                &hs(&store, w.farm_a, w.hub).await,
                w.cycle,
                w.farm_a,
                &[
                    (w.carrots, Some((Qty::units(50), Cents(300)))),
                    (w.jam, Some((Qty::units(10), Cents(600)))),
                ],
            )
            .await
            .unwrap();
        store
            .save_availability(
                &hs(&store, w.farm_b, w.hub).await,
                w.cycle,
                w.farm_b,
                &[(w.cheese, Some((Qty::units(20), Cents(900))))],
            )
            .await
            .unwrap();
        let grid = store
            .availability_grid(&hs(&store, w.hub, w.hub).await, w.cycle, w.farm_a)
            .await
            .unwrap();
        assert_eq!(grid.len(), 2);
        // Not open yet.
        let order = OrderInput {
            buyer: w.daycare,
            location: Some(loc),
            delivery_day: None,
            po_number: "BC-1".into(),
            note: String::new(),
            lines: vec![(w.carrots, Qty(12_500)), (w.cheese, Qty::units(2))],
        };
        assert!(matches!(
            store
                .place_order(&hs(&store, w.daycare, w.hub).await, w.cycle, &order)
                .await,
            Err(StoreError::Refused(Refusal::CycleNotOpen))
        ));
        clock.set(at("2026-11-30T13:00:01Z"));
        let moved = store.advance_cycles().await.unwrap();
        assert_eq!(moved, vec![(w.hub, w.cycle, CycleStatus::Open)]);
        assert!(
            store.advance_cycles().await.unwrap().is_empty(),
            "running the job twice changes nothing"
        );

        // Each buyer sees its own prices: institution +10 %, restaurant +20 % (default).
        let cat = store
            .buyer_catalog(&hs(&store, w.daycare, w.hub).await, w.cycle, w.daycare)
            .await
            .unwrap();
        let carrots = cat.iter().find(|c| c.product.id == w.carrots).unwrap();
        assert_eq!(carrots.price, Cents(330));
        let cat = store
            .buyer_catalog(&hs(&store, w.bistro, w.hub).await, w.cycle, w.bistro)
            .await
            .unwrap();
        assert_eq!(
            cat.iter()
                .find(|c| c.product.id == w.carrots)
                .unwrap()
                .price,
            Cents(360)
        );

        // One cart, two producers.
        let id = store
            .place_order(&hs(&store, w.daycare, w.hub).await, w.cycle, &order)
            .await
            .unwrap();
        let placed = store
            .order(&hs(&store, w.daycare, w.hub).await, id)
            .await
            .unwrap();
        assert_eq!(placed.lines.len(), 2);
        assert_eq!(placed.subtotal(), Cents(12_500 * 330 / 1000 + 2 * 990));
        assert_eq!(placed.fees, Cents(200));
        // Another buyer cannot read it.
        assert!(matches!(
            store.order(&hs(&store, w.bistro, w.hub).await, id).await,
            Err(StoreError::NotFound)
        ));
        // Below the pickup point's minimum.
        let small = OrderInput {
            lines: vec![(w.carrots, Qty::units(1))],
            ..order.clone()
        };
        assert!(matches!(
            store
                .place_order(
                    &hs(&store, w.bistro, w.hub).await,
                    w.cycle,
                    &OrderInput {
                        buyer: w.bistro,
                        ..small
                    }
                )
                .await,
            Err(StoreError::Refused(Refusal::BelowMinimum))
        ));

        // Change, then totals by producer.
        let changed = OrderInput {
            lines: vec![(w.carrots, Qty::units(20)), (w.jam, Qty::units(2))],
            ..order.clone()
        };
        store
            .update_order(&hs(&store, w.daycare, w.hub).await, id, &changed)
            .await
            .unwrap();
        let grid = store
            .availability_grid(&hs(&store, w.hub, w.hub).await, w.cycle, w.farm_b)
            .await
            .unwrap();
        assert_eq!(grid[0].reserved, Qty::ZERO, "the cheese went back");
        let totals = store
            .cycle_totals(&hs(&store, w.hub, w.hub).await, w.cycle)
            .await
            .unwrap();
        assert_eq!(totals.by_producer.len(), 1);
        assert_eq!(
            totals.by_producer[0].producer_amount,
            Cents(20 * 300 + 2 * 600)
        );
        let o = store
            .order(&hs(&store, w.hub, w.hub).await, id)
            .await
            .unwrap();
        assert_eq!(
            o.taxes().gst_base,
            Cents(2 * 660 + 200),
            "jam and fees are taxable"
        );

        // Filters.
        let by_b = store
            .cycle_orders(
                &hs(&store, w.hub, w.hub).await,
                w.cycle,
                &OrderFilter {
                    producer: Some(w.farm_b),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(by_b.is_empty());
        // A producer cannot lower availability below what was ordered.
        assert!(matches!(
            store
                .save_availability(
                    &hs(&store, w.farm_a, w.hub).await,
                    w.cycle,
                    w.farm_a,
                    &[(w.carrots, Some((Qty::units(5), Cents(300))))]
                )
                .await,
            Err(StoreError::Refused(Refusal::BelowReserved))
        ));
        // Cancel gives everything back.
        store
            .cancel_order(&hs(&store, w.daycare, w.hub).await, id)
            .await
            .unwrap();
        let grid = store
            .availability_grid(&hs(&store, w.hub, w.hub).await, w.cycle, w.farm_a)
            .await
            .unwrap();
        assert!(grid.iter().all(|g| g.reserved == Qty::ZERO));
        // After the cut-off nothing changes.
        clock.set(at("2026-12-03T22:00:00Z"));
        assert_eq!(
            store.advance_cycles().await.unwrap(),
            vec![(w.hub, w.cycle, CycleStatus::Closed)]
        );
        assert!(
            store
                .place_order(&hs(&store, w.daycare, w.hub).await, w.cycle, &order)
                .await
                .is_err()
        );

        // Next week: copy the cycle, then copy last week's availability.
        let next = store
            .copy_cycle_next_week(&hs(&store, w.hub, w.hub).await, w.cycle)
            .await
            .unwrap();
        let offer = store
            .last_week_offer(&hs(&store, w.hub, w.hub).await, next, w.farm_a)
            .await
            .unwrap();
        assert_eq!(offer.len(), 2);
        store
            .save_availability(&hs(&store, w.farm_a, w.hub).await, next, w.farm_a, &offer)
            .await
            .unwrap();
        assert_eq!(
            store
                .availability_grid(&hs(&store, w.hub, w.hub).await, next, w.farm_a)
                .await
                .unwrap()
                .iter()
                .filter(|g| g.quantity.is_some())
                .count(),
            2
        );
        // "Nothing this week".
        let none: Vec<_> = offer
            .iter()
            .map(|(p, _)| (*p, None::<(Qty, Cents)>))
            .collect();
        store
            .save_availability(&hs(&store, w.farm_a, w.hub).await, next, w.farm_a, &none)
            .await
            .unwrap();
        assert!(
            store
                .availability_grid(&hs(&store, w.hub, w.hub).await, next, w.farm_a)
                .await
                .unwrap()
                .iter()
                .all(|g| g.quantity.is_none())
        );
        let _ = SignedDuration::ZERO;
    })
    .await;
}

#[tokio::test]
async fn buyers_racing_for_the_last_units_never_get_more_than_was_available() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        store
            .save_availability(
                &hs(&store, w.farm_b, w.hub).await,
                w.cycle,
                w.farm_b,
                &[(w.cheese, Some((Qty::units(25), Cents(900))))],
            )
            .await
            .unwrap();
        clock.set(at("2026-12-01T12:00:00Z"));
        store.advance_cycles().await.unwrap();
        let loc = pickup(&store, &w).await;
        let mut handles = Vec::new();
        for i in 0..40 {
            let s = store.clone();
            let buyer = if i % 2 == 0 { w.daycare } else { w.bistro };
            let (hub, cycle, cheese) = (w.hub, w.cycle, w.cheese);
            handles.push(tokio::spawn(async move {
                let input = OrderInput {
                    buyer,
                    location: Some(loc),
                    delivery_day: None,
                    po_number: String::new(),
                    note: String::new(),
                    lines: vec![(cheese, Qty::units(2))],
                };
                match s
                    .place_order(&hs(&s, buyer, hub).await, cycle, &input)
                    .await
                {
                    Ok(_) => 2,
                    Err(StoreError::Shortage(_)) => 0,
                    Err(e) => panic!("unexpected: {e}"),
                }
            }));
        }
        let mut sold = 0;
        for h in handles {
            sold += h.await.unwrap();
        }
        assert_eq!(sold, 24, "12 orders of 2 fit in 25, never more");
        let totals = store
            .cycle_totals(&hs(&store, w.hub, w.hub).await, w.cycle)
            .await
            .unwrap();
        assert_eq!(totals.by_product[0].quantity, Qty::units(24));
        let grid = store
            .availability_grid(&hs(&store, w.hub, w.hub).await, w.cycle, w.farm_b)
            .await
            .unwrap();
        assert_eq!(grid[0].reserved, Qty::units(24));
    })
    .await;
}

#[tokio::test]
async fn a_standing_order_becomes_an_order_once_per_cycle_with_what_is_available() {
    use halles_store::hub::standing::StandingInput;
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        store
            .save_availability(
                &hs(&store, w.farm_a, w.hub).await,
                w.cycle,
                w.farm_a,
                &[(w.carrots, Some((Qty::units(50), Cents(300))))],
            )
            .await
            .unwrap();
        store
            .save_availability(
                &hs(&store, w.farm_b, w.hub).await,
                w.cycle,
                w.farm_b,
                &[(w.cheese, Some((Qty::units(3), Cents(900))))],
            )
            .await
            .unwrap();
        let id = store
            .create_standing_order(
                &hs(&store, w.daycare, w.hub).await,
                &StandingInput {
                    buyer: w.daycare,
                    every_weeks: 1,
                    until: at("2027-02-28T00:00:00Z"),
                    location_name: "Entrepôt".into(),
                    po_number: "BC-REC".into(),
                    note: String::new(),
                    lines: vec![(w.carrots, Qty::units(10)), (w.cheese, Qty::units(5))],
                    starts_at: None,
                },
            )
            .await
            .unwrap();
        // Another buyer cannot see or change it.
        assert!(
            store
                .standing_orders(&scope(w.bistro))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            store
                .change_standing_order(
                    &scope(w.bistro),
                    id,
                    StandingChange::Stop { take_back: false }
                )
                .await,
            Err(StoreError::NotFound)
        ));

        clock.set(at("2026-11-30T13:00:01Z"));
        store.advance_cycles().await.unwrap();
        let reports = store
            .run_standing_orders(&hs(&store, w.hub, w.hub).await, w.cycle)
            .await
            .unwrap();
        assert_eq!(reports.len(), 1);
        let run = &reports[0].run;
        assert_eq!(run.outcome, "placed");
        assert_eq!(
            run.shortages,
            vec![(w.cheese, Qty::units(5), Qty::units(3))],
            "only 3 cheeses were left"
        );
        let order = store
            .order(&hs(&store, w.daycare, w.hub).await, run.order.unwrap())
            .await
            .unwrap();
        assert_eq!(order.po_number, "BC-REC");
        assert_eq!(
            order.lines.iter().map(|l| l.quantity).sum::<Qty>(),
            Qty::units(13)
        );
        // Exactly once per cycle, however often it runs.
        assert!(
            store
                .run_standing_orders(&hs(&store, w.hub, w.hub).await, w.cycle)
                .await
                .unwrap()
                .is_empty()
        );

        // Skip next week, then stop.
        store
            .change_standing_order(&scope(w.daycare), id, StandingChange::Skip)
            .await
            .unwrap();
        let next = store
            .copy_cycle_next_week(&hs(&store, w.hub, w.hub).await, w.cycle)
            .await
            .unwrap();
        clock.set(at("2026-12-07T13:00:01Z"));
        store.advance_cycles().await.unwrap();
        let reports = store
            .run_standing_orders(&hs(&store, w.hub, w.hub).await, next)
            .await
            .unwrap();
        assert_eq!(reports[0].run.outcome, "skipped");
        let listed = store.standing_orders(&scope(w.daycare)).await.unwrap();
        assert!(!listed[0].skip_next, "the skip was used");
        assert_eq!(listed[0].runs.len(), 2);
        store
            .change_standing_order(
                &scope(w.daycare),
                id,
                StandingChange::Stop { take_back: false },
            )
            .await
            .unwrap();
        assert!(!store.standing_orders(&scope(w.daycare)).await.unwrap()[0].active);
    })
    .await;
}

#[tokio::test]
async fn a_catch_weight_product_is_ordered_by_the_unit_and_priced_by_its_estimated_weight() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let chicken = store
            .create_product(
                &scope(w.farm_a),
                &ProductInput {
                    catch_weight: true,
                    est_weight_g: Some(2000),
                    ..product("Poulet entier", SaleUnit::Each, TaxClass::ZeroRated)
                },
            )
            .await
            .unwrap()
            .id;
        // The producer's price is per kg.
        store
            .save_availability(
                &hs(&store, w.farm_a, w.hub).await,
                w.cycle,
                w.farm_a,
                &[(chicken, Some((Qty::units(10), Cents(1300))))],
            )
            .await
            .unwrap();
        clock.set(at("2026-12-01T12:00:00Z"));
        store.advance_cycles().await.unwrap();
        let cat = store
            .buyer_catalog(&hs(&store, w.daycare, w.hub).await, w.cycle, w.daycare)
            .await
            .unwrap();
        let item = cat.iter().find(|c| c.product.id == chicken).unwrap();
        assert_eq!(item.price_per_kg, Some(Cents(1430)), "13,00 $/kg + 10 %");
        assert_eq!(item.price, Cents(2860), "about 2 kg a unit");
        let loc = pickup(&store, &w).await;
        let id = store
            .place_order(
                &hs(&store, w.daycare, w.hub).await,
                w.cycle,
                &OrderInput {
                    buyer: w.daycare,
                    location: Some(loc),
                    delivery_day: None,
                    po_number: String::new(),
                    note: String::new(),
                    lines: vec![(chicken, Qty::units(2))],
                },
            )
            .await
            .unwrap();
        let o = store
            .order(&hs(&store, w.daycare, w.hub).await, id)
            .await
            .unwrap();
        assert_eq!(o.lines[0].quantity, Qty::units(2), "ordered in units");
        assert_eq!(o.subtotal(), Cents(5720));
        let totals = store
            .cycle_totals(&hs(&store, w.hub, w.hub).await, w.cycle)
            .await
            .unwrap();
        assert_eq!(
            totals.by_producer[0].producer_amount,
            Cents(5200),
            "the producer's estimated amount: 2 × 2 kg × 13,00 $"
        );
    })
    .await;
}

#[tokio::test]
async fn a_hub_is_reached_by_itself_its_producers_and_its_buyers_only() {
    on_every_db(|store, _| async move {
        let w = world(&store).await;
        let stranger = support::org(&store, OrgKind::Buyer, "Épicerie").await;
        let other_farm = support::org(&store, OrgKind::Producer, "Ferme C").await;
        let other_hub = support::org(&store, OrgKind::Hub, "Autre pôle").await;
        // Each link gives its role; no link, or a hub id that is no hub, is not found.
        assert_eq!(hs(&store, w.hub, w.hub).await.role(), HubRole::Hub);
        assert_eq!(hs(&store, w.farm_a, w.hub).await.role(), HubRole::Producer);
        assert_eq!(
            hs(&store, w.daycare, w.hub).await.role(),
            HubRole::Buyer(BuyerType::Institution)
        );
        for (org, hub) in [
            (stranger, w.hub),
            (other_farm, w.hub),
            (other_hub, w.hub),
            (w.daycare, w.farm_a),
            (w.farm_a, w.farm_a),
        ] {
            assert!(matches!(
                store.hub_scope(&scope(org), hub).await,
                Err(StoreError::NotFound)
            ));
        }
        // A hub's own work needs a hub.
        assert!(matches!(
            store.own_hub(&scope(w.farm_a)).await,
            Err(StoreError::Refused(Refusal::WrongKind))
        ));
        // The hub's own reads and writes answer not found to its producers and buyers.
        let farm = hs(&store, w.farm_a, w.hub).await;
        let daycare = hs(&store, w.daycare, w.hub).await;
        for s in [&farm, &daycare] {
            assert!(matches!(store.cycles(s).await, Err(StoreError::NotFound)));
            assert!(matches!(
                store.cycle_totals(s, w.cycle).await,
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                store.link_producer(s, other_farm).await,
                Err(StoreError::NotFound)
            ));
        }
        // A producer reads its own grid, not another's; a buyer orders for itself only.
        assert!(
            store
                .availability_grid(&farm, w.cycle, w.farm_a)
                .await
                .is_ok()
        );
        assert!(matches!(
            store.availability_grid(&farm, w.cycle, w.farm_b).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.buyer_catalog(&daycare, w.cycle, w.bistro).await,
            Err(StoreError::NotFound)
        ));
        // A producer of the hub outside this cycle does not reach it.
        let h = hs(&store, w.hub, w.hub).await;
        store.link_producer(&h, other_farm).await.unwrap();
        let outside = hs(&store, other_farm, w.hub).await;
        assert!(matches!(
            store.cycle(&outside, w.cycle).await,
            Err(StoreError::NotFound)
        ));
        assert!(store.cycle(&farm, w.cycle).await.is_ok());
    })
    .await;
}

/// Expects a refusal with this code.
fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>, code: Refusal) {
    match r {
        Err(StoreError::Refused(c)) if c == code => {}
        other => panic!("expected {code}, got {other:?}"),
    }
}

/// Expects order lines refused as such: each line's product and code, all of them.
fn refused_lines<T: std::fmt::Debug>(r: Result<T, StoreError>, lines: &[(ProductId, Refusal)]) {
    let mut expected: Vec<(String, &str)> = lines
        .iter()
        .map(|(p, code)| (line_field(*p), code.code()))
        .collect();
    expected.sort();
    match r {
        Err(StoreError::Invalid(fields)) => {
            let mut got: Vec<(String, &str)> =
                fields.into_iter().map(|f| (f.field, f.code)).collect();
            got.sort();
            assert_eq!(got, expected);
        }
        other => panic!("expected {expected:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn only_what_the_cycle_offers_is_ordered_in_whole_units_where_units_are_whole() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let (farm, daycare) = (
            hs(&store, w.farm_a, w.hub).await,
            hs(&store, w.daycare, w.hub).await,
        );
        // A case, a piece or a bunch is offered whole; a kilogram divides.
        refused(
            store
                .save_availability(
                    &farm,
                    w.cycle,
                    w.farm_a,
                    &[(w.jam, Some((Qty(2_500), Cents(600))))],
                )
                .await,
            Refusal::QtyNotWhole,
        );
        store
            .save_availability(
                &farm,
                w.cycle,
                w.farm_a,
                &[
                    (w.carrots, Some((Qty(50_500), Cents(300)))),
                    (w.jam, Some((Qty::units(10), Cents(600)))),
                ],
            )
            .await
            .unwrap();
        clock.set(at("2026-12-01T12:00:00Z"));
        store.advance_cycles().await.unwrap();
        let loc = pickup(&store, &w).await;
        let order = |lines: Vec<(ProductId, Qty)>| OrderInput {
            delivery_day: None,
            buyer: w.daycare,
            location: Some(loc),
            po_number: String::new(),
            note: String::new(),
            lines,
        };
        // Cheese has no availability this week; an unknown id is not offered either; half a
        // jar is not whole: every bad line is named at once, on its own field.
        refused_lines(
            store
                .place_order(
                    &daycare,
                    w.cycle,
                    &order(vec![
                        (w.cheese, Qty::units(1)),
                        (ProductId(999_999), Qty::units(1)),
                        (w.jam, Qty(2_500)),
                        (w.carrots, Qty(1_500)),
                    ]),
                )
                .await,
            &[
                (w.cheese, Refusal::NotOffered),
                (w.jam, Refusal::QtyNotWhole),
                (ProductId(999_999), Refusal::NotOffered),
            ],
        );
        let id = store
            .place_order(
                &daycare,
                w.cycle,
                &order(vec![(w.carrots, Qty(12_500)), (w.jam, Qty::units(2))]),
            )
            .await
            .unwrap();
        // The producer withdraws the jam: it is no longer offered, though its row remains.
        let mut jam = store.product(&scope(w.farm_a), w.jam).await.unwrap().input;
        jam.active = false;
        store
            .update_product(&scope(w.farm_a), w.jam, &jam)
            .await
            .unwrap();
        refused_lines(
            store
                .place_order(&daycare, w.cycle, &order(vec![(w.jam, Qty::units(1))]))
                .await,
            &[(w.jam, Refusal::NotOffered)],
        );
        refused_lines(
            store
                .update_order(&daycare, id, &order(vec![(w.jam, Qty::units(3))]))
                .await,
            &[(w.jam, Refusal::NotOffered)],
        );
        // Nothing of the refused attempts was reserved.
        let grid = store
            .availability_grid(&farm, w.cycle, w.farm_a)
            .await
            .unwrap();
        let jam_row = grid.iter().find(|g| g.product.id == w.jam).unwrap();
        assert_eq!(jam_row.reserved, Qty::units(2));
    })
    .await;
}

#[tokio::test]
async fn a_standing_order_or_a_cycle_with_bad_values_is_refused_when_set_up() {
    on_every_db(|store, _| async move {
        let w = world(&store).await;
        let daycare = hs(&store, w.daycare, w.hub).await;
        let standing = |lines: Vec<(ProductId, Qty)>, place: &str| {
            halles_store::hub::standing::StandingInput {
                buyer: w.daycare,
                every_weeks: 1,
                until: at("2027-03-01T00:00:00Z"),
                location_name: place.into(),
                po_number: String::new(),
                note: String::new(),
                lines,
                starts_at: None,
            }
        };
        let outsider = support::org(&store, OrgKind::Producer, "Ferme hors pôle").await;
        let foreign = store
            .create_product(
                &scope(outsider),
                &product("Poireaux", SaleUnit::Each, TaxClass::ZeroRated),
            )
            .await
            .unwrap()
            .id;
        for (lines, place, code) in [
            (
                vec![(ProductId(999_999), Qty::units(1))],
                "Entrepôt",
                Refusal::UnknownProduct,
            ),
            (
                vec![(foreign, Qty::units(1))],
                "Entrepôt",
                Refusal::UnknownProduct,
            ),
            (vec![(w.carrots, Qty::ZERO)], "Entrepôt", Refusal::QtyZero),
            (vec![(w.jam, Qty(1_500))], "Entrepôt", Refusal::QtyNotWhole),
            (
                vec![(w.carrots, Qty(1_500))],
                "Quai inconnu",
                Refusal::UnknownLocation,
            ),
        ] {
            refused(
                store
                    .create_standing_order(&daycare, &standing(lines, place))
                    .await,
                code,
            );
        }
        store
            .create_standing_order(
                &daycare,
                &standing(vec![(w.carrots, Qty(1_500))], "Entrepôt"),
            )
            .await
            .unwrap();
        // A cycle needs a name, whoever asks.
        let h = hs(&store, w.hub, w.hub).await;
        let mut input = CycleInput {
            delivery_days: vec![halles_core::ordering::local_day(
                at("2026-12-10T22:00:00Z") + jiff::SignedDuration::from_hours(24),
            )],
            name: "   ".into(),
            opens_at: at("2026-12-07T13:00:00Z"),
            closes_at: at("2026-12-10T22:00:00Z"),
            delivery_note: String::new(),
            order_fee: Cents(0),
            producers: vec![w.farm_a],
            locations: vec![],
        };
        invalid(
            store.create_cycle(&h, &input).await,
            &[("name", "required")],
        );
        input.name = "Semaine 2".into();
        store.create_cycle(&h, &input).await.unwrap();
    })
    .await;
}

/// A checkout placed by its buyer.
async fn place(
    store: &Store,
    hub: OrgId,
    cycle: CycleId,
    input: &OrderInput,
) -> Result<halles_store::hub::orders::Placement, StoreError> {
    let buyer = hs(store, input.buyer, hub).await;
    store.place_order_keyed(&buyer, cycle, input, None).await
}

#[tokio::test]
async fn a_second_checkout_in_a_cycle_lands_in_the_buyers_open_order_with_one_fee() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let h = hs(&store, w.hub, w.hub).await;
        // A cycle with a pickup point and a delivery zone that charges $15 with a $50 minimum.
        let cycle = store
            .create_cycle(
                &h,
                &CycleInput {
                    delivery_days: vec![halles_core::ordering::local_day(
                        at("2026-12-03T22:00:00Z") + jiff::SignedDuration::from_hours(24),
                    )],
                    name: "Semaine 1 bis".into(),
                    opens_at: at("2026-11-30T13:00:00Z"),
                    closes_at: at("2026-12-03T22:00:00Z"),
                    delivery_note: "Jeudi".into(),
                    order_fee: Cents(0),
                    producers: vec![w.farm_a],
                    locations: vec![
                        LocationInput {
                            kind: "delivery".into(),
                            name: "Zone Est".into(),
                            fee: Cents(1500),
                            min_order: Cents(5000),
                        },
                        LocationInput {
                            kind: "pickup".into(),
                            name: "Entrepôt".into(),
                            fee: Cents(0),
                            min_order: Cents(0),
                        },
                    ],
                },
            )
            .await
            .unwrap();
        store
            .save_availability(
                &hs(&store, w.farm_a, w.hub).await,
                cycle,
                w.farm_a,
                &[
                    (w.carrots, Some((Qty::units(50), Cents(300)))),
                    (w.jam, Some((Qty::units(10), Cents(600)))),
                ],
            )
            .await
            .unwrap();
        clock.set(at("2026-12-01T12:00:00Z"));
        store.advance_cycles().await.unwrap();
        let c = store.cycle(&h, cycle).await.unwrap();
        let (zone, pickup) = (c.locations[0].id, c.locations[1].id);
        let daycare = hs(&store, w.daycare, w.hub).await;
        let checkout = |location, lines: Vec<(ProductId, Qty)>| OrderInput {
            delivery_day: None,
            buyer: w.daycare,
            location: Some(location),
            po_number: "BC-7".into(),
            note: String::new(),
            lines,
        };
        // Monday: 20 kg of carrots delivered ($66 at the institution's price, over the minimum).
        let first = place(
            &store,
            w.hub,
            cycle,
            &checkout(zone, vec![(w.carrots, Qty::units(20))]),
        )
        .await
        .unwrap();
        assert!(!first.added);
        // Wednesday: two jars of jam ($13.20 alone, under the zone's minimum) and 5 kg more.
        let mut second = checkout(
            zone,
            vec![(w.jam, Qty::units(2)), (w.carrots, Qty::units(5))],
        );
        second.note = "Livrer à la cuisine".into();
        second.po_number = String::new();
        let again = place(&store, w.hub, cycle, &second).await.unwrap();
        assert_eq!(
            again.order, first.order,
            "one order per buyer, cycle and delivery"
        );
        assert!(again.added);
        let o = store.order(&daycare, first.order).await.unwrap();
        assert_eq!(o.fees, Cents(1500), "the delivery fee is charged once");
        assert_eq!(o.po_number, "BC-7");
        assert_eq!(o.note, "Livrer à la cuisine");
        let qty = |p| o.lines.iter().find(|l| l.product.id == p).unwrap().quantity;
        assert_eq!(o.lines.len(), 2);
        assert_eq!(qty(w.carrots), Qty::units(25));
        assert_eq!(qty(w.jam), Qty::units(2));
        assert_eq!(o.subtotal(), Cents(25 * 330 + 2 * 660));
        let grid = store.availability_grid(&h, cycle, w.farm_a).await.unwrap();
        let reserved = |p| grid.iter().find(|g| g.product.id == p).unwrap().reserved;
        assert_eq!(reserved(w.carrots), Qty::units(25));
        // The catalog knows what the buyer already ordered in this cycle.
        let ordered = store
            .ordered_in_cycle(&daycare, cycle, w.daycare, None)
            .await
            .unwrap();
        assert_eq!(ordered.get(&w.carrots), Some(&Qty::units(25)));
        assert!(
            store
                .ordered_in_cycle(&daycare, cycle, w.daycare, Some(first.order))
                .await
                .unwrap()
                .is_empty()
        );
        // A checkout that cannot be served changes nothing.
        assert!(
            place(
                &store,
                w.hub,
                cycle,
                &checkout(zone, vec![(w.carrots, halles_core::limits::MAX_QTY)])
            )
            .await
            .is_err()
        );
        // Another pickup point makes a separate order; another buyer has its own.
        let elsewhere = place(
            &store,
            w.hub,
            cycle,
            &checkout(pickup, vec![(w.jam, Qty::units(1))]),
        )
        .await
        .unwrap();
        assert!(!elsewhere.added);
        assert_ne!(elsewhere.order, first.order);
        let all = store
            .cycle_orders(
                &h,
                cycle,
                &OrderFilter {
                    buyer: Some(w.daycare),
                    ..OrderFilter::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        // Once the order is cancelled, the next checkout starts a new one.
        store.cancel_order(&daycare, first.order).await.unwrap();
        let fresh = place(
            &store,
            w.hub,
            cycle,
            &checkout(zone, vec![(w.carrots, Qty::units(20))]),
        )
        .await
        .unwrap();
        assert!(!fresh.added);
        assert_ne!(fresh.order, first.order);
    })
    .await;
}

/// The world's cycle open, with carrots (kg, $3), jam ($6) and cheese ($9) on offer.
async fn open_with_stock(store: &Store, clock: &ManualClock, w: &World, stock: [i64; 3]) {
    let farm = hs(store, w.farm_a, w.hub).await;
    let entries = [
        (w.carrots, Some((Qty::units(stock[0]), Cents(300)))),
        (w.jam, Some((Qty::units(stock[1]), Cents(600)))),
    ];
    store
        .save_availability(&farm, w.cycle, w.farm_a, &entries)
        .await
        .unwrap();
    let cheese = [(w.cheese, Some((Qty::units(stock[2]), Cents(900))))];
    store
        .save_availability(
            &hs(store, w.farm_b, w.hub).await,
            w.cycle,
            w.farm_b,
            &cheese,
        )
        .await
        .unwrap();
    clock.set(at("2026-12-01T12:00:00Z"));
    store.advance_cycles().await.unwrap();
}

#[tokio::test]
async fn an_order_line_keeps_the_product_its_unit_and_price_as_they_were_when_ordered() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        open_with_stock(&store, &clock, &w, [100, 20, 20]).await;
        let (h, daycare) = (
            hs(&store, w.hub, w.hub).await,
            hs(&store, w.daycare, w.hub).await,
        );
        let loc = pickup(&store, &w).await;
        let checkout = |buyer, lines| OrderInput {
            delivery_day: None,
            buyer,
            location: Some(loc),
            po_number: String::new(),
            note: String::new(),
            lines,
        };
        // The daycare orders 10 kg of carrots and 2 jars of jam (institution: +10 %).
        let first = store
            .place_order(
                &daycare,
                w.cycle,
                &checkout(
                    w.daycare,
                    vec![(w.carrots, Qty::units(10)), (w.jam, Qty::units(2))],
                ),
            )
            .await
            .unwrap();
        let before = store.order(&daycare, first).await.unwrap();
        let totals_before = store.cycle_totals(&h, w.cycle).await.unwrap();
        // The farm renames the carrots, sells them by the bag from now on, and reprices
        // carrots, jam and cheese; the jam becomes zero-rated.
        let mut carrots = store
            .product(&scope(w.farm_a), w.carrots)
            .await
            .unwrap()
            .input;
        carrots.name_fr = "Carottes nantaises".into();
        carrots.name_en = "Nantes carrots".into();
        carrots.unit = SaleUnit::Each;
        carrots.unit_detail = "sac de 2 kg".into();
        store
            .update_product(&scope(w.farm_a), w.carrots, &carrots)
            .await
            .unwrap();
        let mut jam = store.product(&scope(w.farm_a), w.jam).await.unwrap().input;
        jam.tax_class = TaxClass::ZeroRated;
        store
            .update_product(&scope(w.farm_a), w.jam, &jam)
            .await
            .unwrap();
        let farm = hs(&store, w.farm_a, w.hub).await;
        let repriced = [
            (w.carrots, Some((Qty::units(100), Cents(500)))),
            (w.jam, Some((Qty::units(20), Cents(800)))),
        ];
        store
            .save_availability(&farm, w.cycle, w.farm_a, &repriced)
            .await
            .unwrap();
        let cheese = [(w.cheese, Some((Qty::units(20), Cents(1000))))];
        store
            .save_availability(
                &hs(&store, w.farm_b, w.hub).await,
                w.cycle,
                w.farm_b,
                &cheese,
            )
            .await
            .unwrap();

        // The past order, its totals and its lines as the export reads them are unchanged.
        let after = store.order(&daycare, first).await.unwrap();
        let line = |o: &halles_store::hub::orders::Order, p| {
            o.lines.iter().find(|l| l.product.id == p).unwrap().clone()
        };
        let old_carrots = line(&after, w.carrots);
        assert_eq!(old_carrots.product.name_fr, "Carottes");
        assert_eq!(old_carrots.product.name_en, "");
        assert_eq!(old_carrots.product.unit, SaleUnit::Kg);
        assert_eq!(old_carrots.product.unit_detail, "");
        assert_eq!(old_carrots.unit_price, Cents(330));
        assert_eq!(line(&after, w.jam).tax_class, TaxClass::Taxable);
        assert_eq!(after.total(), before.total());
        assert_eq!(after.taxes(), before.taxes());
        let totals_after = store.cycle_totals(&h, w.cycle).await.unwrap();
        assert_eq!(totals_after.by_product, totals_before.by_product);
        assert_eq!(totals_after.by_buyer, totals_before.by_buyer);
        let orders = store
            .cycle_orders(&h, w.cycle, &OrderFilter::default())
            .await
            .unwrap();
        let c = store.cycle(&h, w.cycle).await.unwrap();
        let exported = CycleTotals::of(&c, &orders);
        assert_eq!(exported.by_product, totals_before.by_product);
        let carrots_total = &exported.by_product[0];
        assert_eq!(
            (
                carrots_total.product.name_fr.as_str(),
                carrots_total.product.unit
            ),
            ("Carottes", SaleUnit::Kg)
        );

        // A new order takes today's name, unit and price (restaurant: +20 %).
        let bistro = hs(&store, w.bistro, w.hub).await;
        let second = store
            .place_order(
                &bistro,
                w.cycle,
                &checkout(w.bistro, vec![(w.carrots, Qty::units(3))]),
            )
            .await
            .unwrap();
        let new_line = line(&store.order(&bistro, second).await.unwrap(), w.carrots);
        assert_eq!(new_line.product.name_fr, "Carottes nantaises");
        assert_eq!(new_line.product.unit, SaleUnit::Each);
        assert_eq!(new_line.product.unit_detail, "sac de 2 kg");
        assert_eq!(new_line.unit_price, Cents(600));
        // The totals count the carrots once per unit they were ordered in.
        let totals = store.cycle_totals(&h, w.cycle).await.unwrap();
        let carrots_rows: Vec<_> = totals
            .by_product
            .iter()
            .filter(|t| t.product.id == w.carrots)
            .map(|t| (t.product.unit, t.quantity))
            .collect();
        assert_eq!(carrots_rows.len(), 2);
        assert!(carrots_rows.contains(&(SaleUnit::Kg, Qty::units(10))));
        assert!(carrots_rows.contains(&(SaleUnit::Each, Qty::units(3))));

        // The daycare changes its order before the cut-off. Its carrots were ordered by the
        // kilogram and are now sold by the bag: that line cannot grow.
        let edit = |carrots_kg, jam| {
            checkout(
                w.daycare,
                vec![
                    (w.carrots, Qty::units(carrots_kg)),
                    (w.jam, Qty::units(jam)),
                    (w.cheese, Qty::units(1)),
                ],
            )
        };
        refused_lines(
            store.update_order(&daycare, first, &edit(12, 2)).await,
            &[(w.carrots, Refusal::UnitChanged)],
        );
        // Lines kept as they are keep what they were ordered at, the cheese it adds takes
        // today's price.
        store
            .update_order(&daycare, first, &edit(10, 2))
            .await
            .unwrap();
        let edited = store.order(&daycare, first).await.unwrap();
        let kept = line(&edited, w.carrots);
        assert_eq!(kept.quantity, Qty::units(10));
        assert_eq!(kept.product, old_carrots.product);
        assert_eq!(kept.unit_price, Cents(330));
        let jam_line = line(&edited, w.jam);
        assert_eq!(
            (jam_line.unit_price, jam_line.tax_class),
            (Cents(660), TaxClass::Taxable)
        );
        assert_eq!(line(&edited, w.cheese).unit_price, Cents(1100));
        // The producer's price is kept too: the hub owes the farm $3 a kilogram for these.
        let totals = store.cycle_totals(&h, w.cycle).await.unwrap();
        let farm_a = totals
            .by_producer
            .iter()
            .find(|p| p.producer == w.farm_a)
            .unwrap();
        assert_eq!(farm_a.producer_amount, Cents(10 * 300 + 2 * 600 + 3 * 500));
        // The jam grows: all of it takes today's price and tax class.
        store
            .update_order(&daycare, first, &edit(10, 3))
            .await
            .unwrap();
        let jam_line = line(&store.order(&daycare, first).await.unwrap(), w.jam);
        assert_eq!(
            (jam_line.quantity, jam_line.unit_price, jam_line.tax_class),
            (Qty::units(3), Cents(880), TaxClass::ZeroRated)
        );
    })
    .await;
}

/// The short lines of a refused checkout: product, name, unit and what is left.
fn short<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Vec<(ProductId, String, SaleUnit, Qty)> {
    match r {
        Err(StoreError::Shortage(lines)) => lines
            .into_iter()
            .map(|l| (l.product.id, l.product.name_fr, l.product.unit, l.left))
            .collect(),
        other => panic!("expected a shortage, got {other:?}"),
    }
}

/// What each product of the world's cycle has reserved.
async fn reserved(store: &Store, h: &HubScope, w: &World) -> Vec<(ProductId, Qty)> {
    let mut all = Vec::new();
    for farm in [w.farm_a, w.farm_b] {
        for g in store.availability_grid(h, w.cycle, farm).await.unwrap() {
            all.push((g.product.id, g.reserved));
        }
    }
    all.sort();
    all
}

#[tokio::test]
async fn a_checkout_with_several_short_lines_names_each_with_what_is_left_and_reserves_nothing() {
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        open_with_stock(&store, &clock, &w, [5, 3, 10]).await;
        let (h, daycare) = (
            hs(&store, w.hub, w.hub).await,
            hs(&store, w.daycare, w.hub).await,
        );
        let loc = pickup(&store, &w).await;
        let checkout = |lines| OrderInput {
            delivery_day: None,
            buyer: w.daycare,
            location: Some(loc),
            po_number: String::new(),
            note: String::new(),
            lines,
        };
        let nothing = reserved(&store, &h, &w).await;
        // 8 kg of carrots (5 left), 5 jars (3 left), 2 cheeses (enough).
        let asked = checkout(vec![
            (w.carrots, Qty::units(8)),
            (w.jam, Qty::units(5)),
            (w.cheese, Qty::units(2)),
        ]);
        let got = short(store.place_order(&daycare, w.cycle, &asked).await);
        assert_eq!(
            got,
            [
                (
                    w.carrots,
                    "Carottes".to_owned(),
                    SaleUnit::Kg,
                    Qty::units(5)
                ),
                (w.jam, "Confiture".to_owned(), SaleUnit::Each, Qty::units(3)),
            ]
        );
        assert_eq!(
            reserved(&store, &h, &w).await,
            nothing,
            "nothing is reserved"
        );
        // Changing an order: what is left counts what the order already holds.
        let id = store
            .place_order(
                &daycare,
                w.cycle,
                &checkout(vec![(w.carrots, Qty::units(4)), (w.cheese, Qty::units(2))]),
            )
            .await
            .unwrap();
        let held = reserved(&store, &h, &w).await;
        let got = short(
            store
                .update_order(
                    &daycare,
                    id,
                    &checkout(vec![(w.carrots, Qty::units(6)), (w.jam, Qty::units(4))]),
                )
                .await,
        );
        assert_eq!(got.len(), 2);
        assert!(got.contains(&(w.carrots, "Carottes".into(), SaleUnit::Kg, Qty::units(5))));
        assert!(got.contains(&(w.jam, "Confiture".into(), SaleUnit::Each, Qty::units(3))));
        assert_eq!(
            reserved(&store, &h, &w).await,
            held,
            "the order is as it was"
        );
        let o = store.order(&daycare, id).await.unwrap();
        assert_eq!(o.lines.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_stopped_standing_order_takes_back_only_what_it_placed_before_the_cut_off() {
    use halles_store::hub::standing::StandingInput;
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let hub = hs(&store, w.hub, w.hub).await;
        for (farm, product, qty, price) in [
            (w.farm_a, w.carrots, 50, 300),
            (w.farm_a, w.jam, 10, 500),
            (w.farm_b, w.cheese, 10, 900),
        ] {
            store
                .save_availability(
                    &hs(&store, farm, w.hub).await,
                    w.cycle,
                    farm,
                    &[(product, Some((Qty::units(qty), Cents(price))))],
                )
                .await
                .unwrap();
        }
        let daycare = hs(&store, w.daycare, w.hub).await;
        let input = |buyer, starts: Option<&str>| StandingInput {
            buyer,
            every_weeks: 1,
            until: at("2027-02-28T00:00:00Z"),
            location_name: "Entrepôt".into(),
            po_number: String::new(),
            note: String::new(),
            lines: vec![(w.carrots, Qty::units(10)), (w.cheese, Qty::units(4))],
            starts_at: starts.map(at),
        };
        let id = store
            .create_standing_order(&daycare, &input(w.daycare, None))
            .await
            .unwrap();
        // One paused, one starting after this cycle's cut-off: neither runs now.
        let paused = store
            .create_standing_order(&daycare, &input(w.daycare, None))
            .await
            .unwrap();
        store
            .change_standing_order(&scope(w.daycare), paused, StandingChange::Pause)
            .await
            .unwrap();
        let later = store
            .create_standing_order(&daycare, &input(w.daycare, Some("2026-12-05T05:00:00Z")))
            .await
            .unwrap();
        let bistro = store
            .create_standing_order(&hs(&store, w.bistro, w.hub).await, &input(w.bistro, None))
            .await
            .unwrap();
        clock.set(at("2026-11-30T13:00:01Z"));
        store.advance_cycles().await.unwrap();
        let reports = store.run_standing_orders(&hub, w.cycle).await.unwrap();
        let mut ran: Vec<_> = reports.iter().map(|r| r.standing).collect();
        ran.sort();
        assert_eq!(
            ran,
            vec![id, bistro],
            "the paused one and the later one did not run"
        );
        let run_of = |s| {
            reports
                .iter()
                .find(|r| r.standing == s)
                .unwrap()
                .run
                .order
                .unwrap()
        };
        let (order, bistro_order) = (run_of(id), run_of(bistro));
        // The buyer adds carrots and jam by hand to the same order.
        let typed = OrderInput {
            delivery_day: None,
            buyer: w.daycare,
            location: Some(pickup(&store, &w).await),
            po_number: String::new(),
            note: String::new(),
            lines: vec![(w.carrots, Qty::units(2)), (w.jam, Qty::units(1))],
        };
        assert_eq!(
            store.place_order(&daycare, w.cycle, &typed).await.unwrap(),
            order
        );
        let placed = store.placed_this_week(&scope(w.daycare), id).await.unwrap();
        assert_eq!(placed.len(), 1);
        assert_eq!(
            placed[0].lines,
            vec![(w.carrots, Qty::units(10)), (w.cheese, Qty::units(4))]
        );
        let taken = store
            .change_standing_order(
                &scope(w.daycare),
                id,
                StandingChange::Stop { take_back: true },
            )
            .await
            .unwrap();
        assert_eq!(taken, placed);
        let after = store.order(&daycare, order).await.unwrap();
        let lines: Vec<_> = after
            .lines
            .iter()
            .map(|l| (l.product.id, l.quantity))
            .collect();
        assert_eq!(
            lines,
            vec![(w.carrots, Qty::units(2)), (w.jam, Qty::units(1))],
            "what the buyer typed stays"
        );
        let grid = store
            .availability_grid(&hs(&store, w.farm_b, w.hub).await, w.cycle, w.farm_b)
            .await
            .unwrap();
        assert_eq!(
            grid[0].reserved,
            Qty::units(4),
            "the daycare's 4 cheeses went back on offer, the bistro's stay reserved"
        );
        let listed = store.standing_orders(&scope(w.daycare)).await.unwrap();
        assert!(!listed.iter().find(|s| s.id == id).unwrap().active);

        store
            .change_standing_order(&scope(w.daycare), paused, StandingChange::Resume)
            .await
            .unwrap();
        let listed = store.standing_orders(&scope(w.daycare)).await.unwrap();
        assert!(!listed.iter().find(|s| s.id == paused).unwrap().paused);
        assert!(
            listed.iter().find(|s| s.id == later).unwrap().starts_at == at("2026-12-05T05:00:00Z")
        );

        // After the cut-off, stopping takes nothing back.
        clock.set(at("2026-12-03T22:00:01Z"));
        assert!(
            store
                .change_standing_order(
                    &scope(w.bistro),
                    bistro,
                    StandingChange::Stop { take_back: true },
                )
                .await
                .unwrap()
                .is_empty()
        );
        let kept = store
            .order(&hs(&store, w.bistro, w.hub).await, bistro_order)
            .await
            .unwrap();
        assert_eq!(kept.lines.len(), 2, "the bistro's order is as it was");
        // A stopped standing order cannot be paused again.
        assert!(matches!(
            store
                .change_standing_order(&scope(w.daycare), id, StandingChange::Pause)
                .await,
            Err(StoreError::Refused(Refusal::StatusChangeNotAllowed))
        ));
    })
    .await;
}

#[tokio::test]
async fn product_data_round_trips_and_pounds_show_in_the_buyers_unit() {
    use halles_core::catalog::{Allergen, Storage, WeightUnit};
    use halles_store::hub::catalog::ProductDetails;
    use halles_store::hub::visibility::BuyerSettings;
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let details = ProductDetails {
            allergens: vec![Allergen::Milk, Allergen::Wheat],
            storage: Some(Storage::Refrigerated),
            sku: "BEU-250".into(),
            gtin: Some("4006381333931".parse().unwrap()),
            case_size: Some(24),
        };
        let mut butter = product("Beurre", SaleUnit::Lb, TaxClass::ZeroRated);
        butter.details = details.clone();
        let created = store
            .create_product(&scope(w.farm_a), &butter)
            .await
            .unwrap();
        let read = store.product(&scope(w.farm_a), created.id).await.unwrap();
        assert_eq!(read.input.details, details);
        assert_eq!(read.input.unit, SaleUnit::Lb);
        // Changed and read back, every field of the details follows.
        butter.details.storage = Some(Storage::Frozen);
        butter.details.gtin = None;
        butter.details.allergens = vec![Allergen::Milk];
        store
            .update_product(&scope(w.farm_a), created.id, &butter)
            .await
            .unwrap();
        let read = store.product(&scope(w.farm_a), created.id).await.unwrap();
        assert_eq!(read.input.details, butter.details);

        // Carrots at 12.00 $/kg, butter at 5.44 $/lb (no margin for these numbers: the
        // bistro's rule is 20 %, so 10.00 $/kg and 4.53 $/lb from the producer).
        store
            .save_availability(
                &hs(&store, w.farm_a, w.hub).await,
                w.cycle,
                w.farm_a,
                &[
                    (w.carrots, Some((Qty::units(50), Cents(1000)))),
                    (created.id, Some((Qty(2_500), Cents(453)))),
                ],
            )
            .await
            .unwrap();
        clock.set(at("2026-12-01T12:00:00Z"));
        store.advance_cycles().await.unwrap();
        let h = store.own_hub(&scope(w.hub)).await.unwrap();
        store
            .set_buyer_settings(
                &h,
                w.bistro,
                &BuyerSettings {
                    tags: vec![],
                    weight_unit: WeightUnit::Lb,
                },
            )
            .await
            .unwrap();
        let bistro = hs(&store, w.bistro, w.hub).await;
        let items = store
            .buyer_catalog(&bistro, w.cycle, w.bistro)
            .await
            .unwrap();
        let by = |id| {
            items
                .iter()
                .find(|i| i.product.id == id)
                .and_then(|i| i.by_weight)
                .unwrap()
        };
        let carrots = by(w.carrots);
        assert_eq!(
            (carrots.per_kg, carrots.per_lb, carrots.first),
            (Cents(1200), Cents(544), WeightUnit::Lb)
        );
        let b = by(created.id);
        // 4.53 $/lb + 20 % = 5.44 $/lb, which is 11.99 $/kg (rounded once, from the pound).
        assert_eq!((b.per_lb, b.per_kg), (Cents(544), Cents(1199)));
        assert_eq!(
            items
                .iter()
                .find(|i| i.product.id == created.id)
                .unwrap()
                .product
                .input
                .details,
            butter.details
        );
        // The daycare keeps kilograms first.
        let daycare = hs(&store, w.daycare, w.hub).await;
        let items = store
            .buyer_catalog(&daycare, w.cycle, w.daycare)
            .await
            .unwrap();
        let c = items.iter().find(|i| i.product.id == w.carrots).unwrap();
        assert_eq!(c.by_weight.unwrap().first, WeightUnit::Kg);
        // Two of the two and a half pounds of butter, ordered like kilograms.
        let loc = pickup(&store, &w).await;
        store
            .place_order(
                &bistro,
                w.cycle,
                &OrderInput {
                    delivery_day: None,
                    buyer: w.bistro,
                    location: Some(loc),
                    po_number: String::new(),
                    note: String::new(),
                    lines: vec![(created.id, Qty(2_000))],
                },
            )
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_visibility_rule_hides_a_product_and_a_cycle_from_buyers_without_the_tag() {
    use halles_core::catalog::WeightUnit;
    use halles_store::hub::standing::StandingInput;
    use halles_store::hub::visibility::{BuyerSettings, Rule};
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        store
            .save_availability(
                &hs(&store, w.farm_a, w.hub).await,
                w.cycle,
                w.farm_a,
                &[
                    (w.carrots, Some((Qty::units(50), Cents(300)))),
                    (w.jam, Some((Qty::units(10), Cents(600)))),
                ],
            )
            .await
            .unwrap();
        let h = store.own_hub(&scope(w.hub)).await.unwrap();
        store
            .set_buyer_settings(
                &h,
                w.daycare,
                &BuyerSettings {
                    tags: vec!["cpe".into()],
                    weight_unit: WeightUnit::Kg,
                },
            )
            .await
            .unwrap();
        // The bistro sets up a standing order for jam before the rule exists.
        store
            .create_standing_order(
                &hs(&store, w.bistro, w.hub).await,
                &StandingInput {
                    buyer: w.bistro,
                    every_weeks: 1,
                    starts_at: None,
                    until: at("2027-02-28T00:00:00Z"),
                    location_name: "Entrepôt".into(),
                    po_number: String::new(),
                    note: String::new(),
                    lines: vec![(w.carrots, Qty::units(5)), (w.jam, Qty::units(1))],
                },
            )
            .await
            .unwrap();
        // Jam is kept for daycares.
        store
            .set_visibility(&h, Rule::Product(w.jam), &["cpe".into()])
            .await
            .unwrap();
        clock.set(at("2026-12-01T12:00:00Z"));
        store.advance_cycles().await.unwrap();
        let ids = |items: Vec<halles_store::hub::orders::CatalogItem>| {
            items.into_iter().map(|i| i.product.id).collect::<Vec<_>>()
        };
        let (daycare, bistro) = (
            hs(&store, w.daycare, w.hub).await,
            hs(&store, w.bistro, w.hub).await,
        );
        let seen = ids(store
            .buyer_catalog(&daycare, w.cycle, w.daycare)
            .await
            .unwrap());
        assert!(seen.contains(&w.jam) && seen.contains(&w.carrots));
        let seen = ids(store
            .buyer_catalog(&bistro, w.cycle, w.bistro)
            .await
            .unwrap());
        assert_eq!(seen, vec![w.carrots], "the bistro does not see the jam");
        let loc = pickup(&store, &w).await;
        let order = |buyer, p| OrderInput {
            delivery_day: None,
            buyer,
            location: Some(loc),
            po_number: String::new(),
            note: String::new(),
            lines: vec![(p, Qty::units(4))],
        };
        invalid(
            store
                .place_order(&bistro, w.cycle, &order(w.bistro, w.jam))
                .await,
            &[(&line_field(w.jam), "not_offered")],
        );
        // Not even the hub can order it for the bistro.
        invalid(
            store
                .place_order(&h, w.cycle, &order(w.bistro, w.jam))
                .await,
            &[(&line_field(w.jam), "not_offered")],
        );
        store
            .place_order(&daycare, w.cycle, &order(w.daycare, w.jam))
            .await
            .unwrap();
        // The bistro's standing order reports the jam as not offered (short of all of it).
        let reports = store.run_standing_orders(&h, w.cycle).await.unwrap();
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].run.outcome, "placed");
        assert_eq!(
            reports[0].run.shortages,
            vec![(w.jam, Qty::units(1), Qty::ZERO)]
        );
        let rules = store.visibility_rules(&h).await.unwrap();
        assert_eq!(rules.products[&w.jam], vec!["cpe".to_owned()]);

        // The whole cycle kept for daycares: the bistro neither sees it nor orders in it.
        store
            .set_visibility(&h, Rule::Cycle(w.cycle), &["cpe".into()])
            .await
            .unwrap();
        let open = |org| {
            let store = store.clone();
            async move {
                store
                    .open_cycles_for_buyer(&scope(org))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|c| c.id)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(open(w.daycare).await, vec![w.cycle]);
        assert!(open(w.bistro).await.is_empty());
        assert!(matches!(
            store.buyer_catalog(&bistro, w.cycle, w.bistro).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.cycle(&bistro, w.cycle).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .place_order(&bistro, w.cycle, &order(w.bistro, w.carrots))
                .await,
            Err(StoreError::NotFound)
        ));
        store
            .place_order(&daycare, w.cycle, &order(w.daycare, w.carrots))
            .await
            .unwrap();
        // No tags: shown to everyone again.
        store
            .set_visibility(&h, Rule::Cycle(w.cycle), &[])
            .await
            .unwrap();
        assert_eq!(open(w.bistro).await, vec![w.cycle]);
        // Only the hub sets rules, and only on its own producers' products.
        assert!(matches!(
            store
                .set_visibility(&bistro, Rule::Product(w.jam), &[])
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .set_visibility(&h, Rule::Product(ProductId(999_999)), &[])
                .await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

/// A date.
fn day(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

/// Expects field errors with these codes.
fn invalid<T: std::fmt::Debug>(r: Result<T, StoreError>, fields: &[(&str, &str)]) {
    match r {
        Err(StoreError::Invalid(errors)) => assert_eq!(
            errors
                .iter()
                .map(|e| (e.field.as_str(), e.code))
                .collect::<Vec<_>>(),
            fields
        ),
        other => panic!("expected {fields:?}, got {other:?}"),
    }
}

/// The world's cycle as its hub changes it: the same terms, its one pickup point kept.
async fn change_of(store: &Store, w: &World) -> halles_store::hub::cycles::CycleChange {
    let c = store
        .cycle(&hs(store, w.hub, w.hub).await, w.cycle)
        .await
        .unwrap();
    halles_store::hub::cycles::CycleChange {
        name: c.name,
        opens_at: c.opens_at,
        closes_at: c.closes_at,
        delivery_days: c.delivery_days,
        delivery_note: c.delivery_note,
        order_fee: c.order_fee,
        locations: c
            .locations
            .into_iter()
            .map(|l| (Some(l.id), l.input))
            .collect(),
    }
}

/// The world's cycle open on Tuesday with carrots and jam on offer.
async fn open_world(store: &Store, clock: &ManualClock) -> World {
    let w = world(store).await;
    store
        .save_availability(
            &hs(store, w.farm_a, w.hub).await,
            w.cycle,
            w.farm_a,
            &[
                (w.carrots, Some((Qty::units(50), Cents(300)))),
                (w.jam, Some((Qty::units(10), Cents(600)))),
            ],
        )
        .await
        .unwrap();
    clock.set(at("2026-12-01T12:00:00Z"));
    store.advance_cycles().await.unwrap();
    w
}

/// An order of carrots at the world's pickup point.
fn carrots(w: &World, buyer: OrgId, loc: halles_core::LocationId, kg: i64) -> OrderInput {
    OrderInput {
        buyer,
        location: Some(loc),
        delivery_day: None,
        po_number: String::new(),
        note: String::new(),
        lines: vec![(w.carrots, Qty::units(kg))],
    }
}

#[tokio::test]
async fn a_hub_edits_a_cycle_extends_its_cut_off_and_buyers_order_after_the_old_one() {
    on_every_db(|store, clock| async move {
        let w = open_world(&store, &clock).await;
        let h = hs(&store, w.hub, w.hub).await;
        let loc = pickup(&store, &w).await;
        place(&store, w.hub, w.cycle, &carrots(&w, w.daycare, loc, 10))
            .await
            .unwrap();
        let before = change_of(&store, &w).await;
        // One rule, each field named: blank name, cut-off before the opening, no delivery day.
        let mut bad = before.clone();
        bad.name = " ".into();
        bad.closes_at = at("2026-11-29T12:00:00Z");
        bad.delivery_days = vec![];
        invalid(
            store.update_cycle(&h, w.cycle, &bad).await,
            &[
                ("name", "required"),
                ("closes_at", "closes_before_opening"),
                ("delivery_days", "delivery_days_required"),
            ],
        );
        // What the daycare's order relies on stays: its pickup point and its delivery day.
        let mut gone = before.clone();
        gone.locations.clear();
        gone.delivery_days = vec![day("2026-12-05")];
        invalid(
            store.update_cycle(&h, w.cycle, &gone).await,
            &[
                ("locations", "location_in_use"),
                ("delivery_days", "delivery_day_in_use"),
            ],
        );
        // Renamed, cut-off two days later, a second delivery day, the point renamed with a
        // lower minimum, and a new zone.
        let mut ch = before.clone();
        ch.name = "Semaine 1 (prolongée)".into();
        ch.closes_at = at("2026-12-05T22:00:00Z");
        ch.delivery_days = vec![day("2026-12-06"), day("2026-12-04")];
        ch.locations[0].1.name = "Entrepôt du Pôle".into();
        ch.locations[0].1.min_order = Cents(500);
        ch.locations.push((
            None,
            LocationInput {
                kind: "delivery".into(),
                name: "Zone Est".into(),
                fee: Cents(1500),
                min_order: Cents(5000),
            },
        ));
        store.update_cycle(&h, w.cycle, &ch).await.unwrap();
        let c = store.cycle(&h, w.cycle).await.unwrap();
        assert_eq!(c.name, "Semaine 1 (prolongée)");
        assert_eq!(c.closes_at, at("2026-12-05T22:00:00Z"));
        assert_eq!(c.delivery_days, vec![day("2026-12-04"), day("2026-12-06")]);
        assert_eq!(c.locations.len(), 2);
        assert_eq!(
            c.locations[0].id, loc,
            "the point keeps its id and its orders"
        );
        assert_eq!(c.locations[0].input.name, "Entrepôt du Pôle");
        assert_eq!(c.locations[0].input.min_order, Cents(500));
        assert_eq!(c.locations[1].input.fee, Cents(1500));
        let changed = store.undelivered_events(100).await.unwrap();
        assert!(changed.iter().any(|e| matches!(
            e.event,
            halles_store::platform::events::Event::CycleChanged { cycle, .. } if cycle == w.cycle
        )));
        // Friday, after the old cut-off: the worker leaves the cycle open, and the bistro orders.
        clock.set(at("2026-12-04T12:00:00Z"));
        assert!(store.advance_cycles().await.unwrap().is_empty());
        let mut late = carrots(&w, w.bistro, loc, 2);
        late.delivery_day = Some(day("2026-12-06"));
        let o = place(&store, w.hub, w.cycle, &late).await.unwrap();
        let o = store.order(&h, o.order).await.unwrap();
        assert_eq!(o.delivery_day, Some(day("2026-12-06")));
        // A zone no order uses goes; a location of another cycle is not this one's.
        ch.locations.pop();
        store.update_cycle(&h, w.cycle, &ch).await.unwrap();
        assert_eq!(store.cycle(&h, w.cycle).await.unwrap().locations.len(), 1);
        ch.locations[0].0 = Some(halles_core::LocationId(loc.0 + 1000));
        invalid(
            store.update_cycle(&h, w.cycle, &ch).await,
            &[("locations[0]", "unknown_location")],
        );
        // The new cut-off closes it; completed, it no longer changes.
        clock.set(at("2026-12-05T22:00:00Z"));
        store.advance_cycles().await.unwrap();
        store
            .set_cycle_status(&h, w.cycle, CycleStatus::Completed)
            .await
            .unwrap();
        refused(
            store
                .update_cycle(&h, w.cycle, &change_of(&store, &w).await)
                .await,
            Refusal::CycleCompleted,
        );
    })
    .await;
}

#[tokio::test]
async fn reopening_a_cycle_after_its_cut_off_needs_a_new_cut_off_in_the_future() {
    on_every_db(|store, clock| async move {
        let w = open_world(&store, &clock).await;
        let h = hs(&store, w.hub, w.hub).await;
        let loc = pickup(&store, &w).await;
        clock.set(at("2026-12-03T23:00:00Z"));
        store.advance_cycles().await.unwrap();
        let status = |store: Store| async move { store.cycle(&h, w.cycle).await.unwrap().status };
        assert_eq!(status(store.clone()).await, CycleStatus::Closed);
        // Without a new cut-off, or with one already passed, it stays closed.
        invalid(
            store.set_cycle_status(&h, w.cycle, CycleStatus::Open).await,
            &[("closes_at", "cut_off_passed")],
        );
        invalid(
            store
                .open_cycle(&h, w.cycle, Some(at("2026-12-03T22:30:00Z")))
                .await,
            &[("closes_at", "cut_off_passed")],
        );
        // A cut-off after the delivery day is refused on the delivery days.
        invalid(
            store
                .open_cycle(&h, w.cycle, Some(at("2026-12-05T22:00:00Z")))
                .await,
            &[("delivery_days", "delivery_day_before_cut_off")],
        );
        assert_eq!(status(store.clone()).await, CycleStatus::Closed);
        store
            .open_cycle(&h, w.cycle, Some(at("2026-12-04T03:00:00Z")))
            .await
            .unwrap();
        let c = store.cycle(&h, w.cycle).await.unwrap();
        assert_eq!(
            (c.status, c.closes_at),
            (CycleStatus::Open, at("2026-12-04T03:00:00Z"))
        );
        // The worker leaves it open, and it takes orders until the new cut-off.
        clock.set(at("2026-12-04T01:00:00Z"));
        assert!(store.advance_cycles().await.unwrap().is_empty());
        place(&store, w.hub, w.cycle, &carrots(&w, w.daycare, loc, 10))
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn an_order_is_kept_per_delivery_day_each_with_its_fee_and_minimum() {
    on_every_db(|store, clock| async move {
        let w = open_world(&store, &clock).await;
        let h = hs(&store, w.hub, w.hub).await;
        let mut ch = change_of(&store, &w).await;
        ch.delivery_days = vec![day("2026-12-04"), day("2026-12-05")];
        ch.locations[0].1.fee = Cents(1500);
        store.update_cycle(&h, w.cycle, &ch).await.unwrap();
        let loc = pickup(&store, &w).await;
        let daycare = hs(&store, w.daycare, w.hub).await;
        // With two days, the buyer says which; a day the cycle does not deliver is refused.
        let mut order = carrots(&w, w.daycare, loc, 10);
        invalid(
            place(&store, w.hub, w.cycle, &order).await,
            &[("delivery_day", "delivery_day_required")],
        );
        order.delivery_day = Some(day("2026-12-07"));
        invalid(
            place(&store, w.hub, w.cycle, &order).await,
            &[("delivery_day", "unknown_delivery_day")],
        );
        // Two checkouts for Friday: one order, one fee.
        order.delivery_day = Some(day("2026-12-04"));
        let friday = place(&store, w.hub, w.cycle, &order).await.unwrap();
        let again = place(&store, w.hub, w.cycle, &order).await.unwrap();
        assert_eq!((again.order, again.added), (friday.order, true));
        // Saturday: a separate order with its own fee, and its own minimum ($10 at this point).
        order.delivery_day = Some(day("2026-12-05"));
        order.lines = vec![(w.carrots, Qty::units(2))];
        refused(
            place(&store, w.hub, w.cycle, &order).await,
            Refusal::BelowMinimum,
        );
        order.lines = vec![(w.carrots, Qty::units(4))];
        let saturday = place(&store, w.hub, w.cycle, &order).await.unwrap();
        assert!(!saturday.added);
        assert_ne!(saturday.order, friday.order);
        let f = store.order(&daycare, friday.order).await.unwrap();
        let s = store.order(&daycare, saturday.order).await.unwrap();
        assert_eq!(
            (f.delivery_day, f.fees),
            (Some(day("2026-12-04")), Cents(1700))
        );
        assert_eq!(f.lines[0].quantity, Qty::units(20));
        assert_eq!(
            (s.delivery_day, s.fees),
            (Some(day("2026-12-05")), Cents(1700))
        );
        let all = store
            .cycle_orders(&h, w.cycle, &OrderFilter::default())
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
    })
    .await;
}

/// The daycare's carrots in its order: quantity and unit price.
async fn carrot_line(store: &Store, w: &World, order: halles_core::OrderId) -> (Qty, Cents) {
    let o = store
        .order(&hs(store, w.daycare, w.hub).await, order)
        .await
        .unwrap();
    let l = o.lines.iter().find(|l| l.product.id == w.carrots).unwrap();
    (l.quantity, l.unit_price)
}

/// The farm offers carrots at a new price per kilogram (50 kg in all).
async fn reprice_carrots(store: &Store, w: &World, cents: i64) {
    store
        .save_availability(
            &hs(store, w.farm_a, w.hub).await,
            w.cycle,
            w.farm_a,
            &[(w.carrots, Some((Qty::units(50), Cents(cents))))],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_line_that_grows_takes_todays_price_in_an_edit_and_in_a_second_checkout() {
    on_every_db(|store, clock| async move {
        let w = open_world(&store, &clock).await;
        let daycare = hs(&store, w.daycare, w.hub).await;
        let loc = pickup(&store, &w).await;
        // 10 kg at $3.00 + 10 % = $3.30.
        let order = place(&store, w.hub, w.cycle, &carrots(&w, w.daycare, loc, 10))
            .await
            .unwrap()
            .order;
        reprice_carrots(&store, &w, 400).await;
        // Lowered, the line keeps what it was ordered at.
        store
            .update_order(&daycare, order, &carrots(&w, w.daycare, loc, 8))
            .await
            .unwrap();
        assert_eq!(
            carrot_line(&store, &w, order).await,
            (Qty::units(8), Cents(330))
        );
        // Grown, all of it takes today's price: not 12 kg at the old one.
        store
            .update_order(&daycare, order, &carrots(&w, w.daycare, loc, 12))
            .await
            .unwrap();
        assert_eq!(
            carrot_line(&store, &w, order).await,
            (Qty::units(12), Cents(440))
        );
        // A second checkout adding to the line does the same, with the fee counted on the whole.
        reprice_carrots(&store, &w, 500).await;
        let again = place(&store, w.hub, w.cycle, &carrots(&w, w.daycare, loc, 3))
            .await
            .unwrap();
        assert_eq!((again.order, again.added), (order, true));
        assert_eq!(
            carrot_line(&store, &w, order).await,
            (Qty::units(15), Cents(550))
        );
        let o = store.order(&daycare, order).await.unwrap();
        assert_eq!(o.subtotal(), Cents(15 * 550));
        assert_eq!(o.fees, Cents(200));
        // The farm is owed today's price on the whole line too.
        let totals = store
            .cycle_totals(&hs(&store, w.hub, w.hub).await, w.cycle)
            .await
            .unwrap();
        let farm_a = totals
            .by_producer
            .iter()
            .find(|p| p.producer == w.farm_a)
            .unwrap();
        assert_eq!(farm_a.producer_amount, Cents(15 * 500));
        // Sold in another unit since, a line cannot grow; lowering it still works.
        let mut bags = store
            .product(&scope(w.farm_a), w.carrots)
            .await
            .unwrap()
            .input;
        bags.unit = SaleUnit::Each;
        store
            .update_product(&scope(w.farm_a), w.carrots, &bags)
            .await
            .unwrap();
        refused_lines(
            store
                .update_order(&daycare, order, &carrots(&w, w.daycare, loc, 16))
                .await,
            &[(w.carrots, Refusal::UnitChanged)],
        );
        refused_lines(
            place(&store, w.hub, w.cycle, &carrots(&w, w.daycare, loc, 1)).await,
            &[(w.carrots, Refusal::UnitChanged)],
        );
        store
            .update_order(&daycare, order, &carrots(&w, w.daycare, loc, 14))
            .await
            .unwrap();
        assert_eq!(
            carrot_line(&store, &w, order).await,
            (Qty::units(14), Cents(550))
        );
    })
    .await;
}

#[tokio::test]
async fn an_order_moves_to_another_delivery_day_unless_the_buyer_has_one_there() {
    on_every_db(|store, clock| async move {
        let w = open_world(&store, &clock).await;
        let h = hs(&store, w.hub, w.hub).await;
        let mut ch = change_of(&store, &w).await;
        ch.delivery_days = vec![day("2026-12-04"), day("2026-12-05")];
        store.update_cycle(&h, w.cycle, &ch).await.unwrap();
        let daycare = hs(&store, w.daycare, w.hub).await;
        let loc = pickup(&store, &w).await;
        let mut friday = carrots(&w, w.daycare, loc, 10);
        friday.delivery_day = Some(day("2026-12-04"));
        let first = place(&store, w.hub, w.cycle, &friday).await.unwrap().order;
        // Moved to Saturday: the change is kept, not answered OK and dropped.
        let mut saturday = friday.clone();
        saturday.delivery_day = Some(day("2026-12-05"));
        store
            .update_order(&daycare, first, &saturday)
            .await
            .unwrap();
        let o = store.order(&daycare, first).await.unwrap();
        assert_eq!(o.delivery_day, Some(day("2026-12-05")));
        // A change that names no day keeps the order's.
        let mut same = friday.clone();
        same.delivery_day = None;
        same.lines = vec![(w.carrots, Qty::units(11))];
        store.update_order(&daycare, first, &same).await.unwrap();
        let o = store.order(&daycare, first).await.unwrap();
        assert_eq!(o.delivery_day, Some(day("2026-12-05")));
        // A new Friday order; moving either onto the other's delivery is refused, so the buyer
        // keeps one order per delivery.
        let second = place(&store, w.hub, w.cycle, &friday).await.unwrap();
        assert!(!second.added);
        refused(
            store.update_order(&daycare, second.order, &saturday).await,
            Refusal::OrderExistsForDelivery,
        );
        refused(
            store.update_order(&daycare, first, &friday).await,
            Refusal::OrderExistsForDelivery,
        );
        let mut unknown = friday.clone();
        unknown.delivery_day = Some(day("2026-12-09"));
        invalid(
            store.update_order(&daycare, first, &unknown).await,
            &[("delivery_day", "unknown_delivery_day")],
        );
        let all = store
            .cycle_orders(&h, w.cycle, &OrderFilter::default())
            .await
            .unwrap();
        let mut days: Vec<_> = all.iter().map(|o| o.delivery_day).collect();
        days.sort();
        assert_eq!(days, vec![Some(day("2026-12-04")), Some(day("2026-12-05"))]);
    })
    .await;
}

#[tokio::test]
async fn what_a_buyer_types_around_an_order_has_bounds() {
    use halles_store::hub::standing::StandingInput;
    on_every_db(|store, clock| async move {
        let w = open_world(&store, &clock).await;
        let daycare = hs(&store, w.daycare, w.hub).await;
        let loc = pickup(&store, &w).await;
        let mut o = carrots(&w, w.daycare, loc, 10);
        o.po_number = "P".repeat(65);
        o.note = "n".repeat(2_001);
        o.lines = vec![(w.carrots, Qty::units(1)); 501];
        invalid(
            place(&store, w.hub, w.cycle, &o).await,
            &[
                ("po_number", "too_long"),
                ("note", "too_long"),
                ("lines", "too_many_lines"),
            ],
        );
        // As many distinct products as the bound allows is a clear refusal, not a failure.
        o.po_number = "P".repeat(64);
        o.note = "n".repeat(2_000);
        o.lines = (0..500)
            .map(|i| (ProductId(1_000_000 + i), Qty::units(1)))
            .collect();
        assert!(matches!(
            place(&store, w.hub, w.cycle, &o).await,
            Err(StoreError::Invalid(_))
        ));
        let placed = place(&store, w.hub, w.cycle, &carrots(&w, w.daycare, loc, 10))
            .await
            .unwrap();
        let mut long = carrots(&w, w.daycare, loc, 10);
        long.note = "é".repeat(2_001);
        invalid(
            store.update_order(&daycare, placed.order, &long).await,
            &[("note", "too_long")],
        );
        // A second checkout whose note would take the order's past the bound.
        let mut first_note = carrots(&w, w.daycare, loc, 1);
        first_note.note = "a".repeat(1_500);
        place(&store, w.hub, w.cycle, &first_note).await.unwrap();
        let mut second_note = carrots(&w, w.daycare, loc, 1);
        second_note.note = "b".repeat(1_000);
        invalid(
            place(&store, w.hub, w.cycle, &second_note).await,
            &[("note", "too_long")],
        );
        // A standing order: the same bounds, and it ends within two years.
        let standing = |until: &str, po: usize| StandingInput {
            buyer: w.daycare,
            every_weeks: 1,
            until: at(until),
            location_name: String::new(),
            po_number: "P".repeat(po),
            note: String::new(),
            lines: vec![(w.carrots, Qty::units(10))],
            starts_at: None,
        };
        invalid(
            store
                .create_standing_order(&daycare, &standing("2027-06-01T00:00:00Z", 65))
                .await,
            &[("po_number", "too_long")],
        );
        refused(
            store
                .create_standing_order(&daycare, &standing("2029-12-01T00:00:00Z", 1))
                .await,
            Refusal::UntilTooFar,
        );
        store
            .create_standing_order(&daycare, &standing("2028-11-30T00:00:00Z", 64))
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_renamed_point_keeps_its_standing_orders_and_two_points_cannot_share_a_name() {
    use halles_store::hub::standing::StandingInput;
    on_every_db(|store, clock| async move {
        let w = open_world(&store, &clock).await;
        let h = hs(&store, w.hub, w.hub).await;
        let daycare = hs(&store, w.daycare, w.hub).await;
        let mut ch = change_of(&store, &w).await;
        ch.locations.push((
            None,
            LocationInput {
                kind: "delivery".into(),
                name: "Zone Est".into(),
                fee: Cents(0),
                min_order: Cents(0),
            },
        ));
        store.update_cycle(&h, w.cycle, &ch).await.unwrap();
        let standing = |place: &str| StandingInput {
            buyer: w.daycare,
            every_weeks: 1,
            until: at("2027-06-01T00:00:00Z"),
            location_name: place.into(),
            po_number: String::new(),
            note: String::new(),
            lines: vec![(w.carrots, Qty::units(10))],
            starts_at: None,
        };
        let at_warehouse = store
            .create_standing_order(&daycare, &standing("Entrepôt"))
            .await
            .unwrap();
        let in_zone = store
            .create_standing_order(&daycare, &standing("Zone Est"))
            .await
            .unwrap();
        // Two points named alike (even by case and spaces) are refused on the second.
        let ch = change_of(&store, &w).await;
        let mut twins = ch.clone();
        twins.locations[1].1.name = " entrepôt ".into();
        invalid(
            store.update_cycle(&h, w.cycle, &twins).await,
            &[("locations[1].name", "duplicate_name")],
        );
        // The two points swap names: each standing order follows its own point.
        let mut swapped = ch.clone();
        swapped.locations[0].1.name = "Zone Est".into();
        swapped.locations[1].1.name = "Entrepôt".into();
        store.update_cycle(&h, w.cycle, &swapped).await.unwrap();
        let listed = store.standing_orders(&scope(w.daycare)).await.unwrap();
        let place_of = |id| {
            listed
                .iter()
                .find(|s| s.id == id)
                .unwrap()
                .input
                .location_name
                .clone()
        };
        assert_eq!(place_of(at_warehouse), "Zone Est");
        assert_eq!(place_of(in_zone), "Entrepôt");
    })
    .await;
}

#[tokio::test]
async fn taking_back_a_standing_orders_lines_counts_on_demand_offers_and_fees_again() {
    use halles_store::hub::availability::{Offer, Stock};
    use halles_store::hub::standing::StandingInput;
    on_every_db(|store, clock| async move {
        let w = world(&store).await;
        let h = hs(&store, w.hub, w.hub).await;
        // Jam on demand; carrots limited.
        let farm = hs(&store, w.farm_a, w.hub).await;
        store
            .save_availability(
                &farm,
                w.cycle,
                w.farm_a,
                &[
                    (w.carrots, Some(Offer::from((Qty::units(50), Cents(300))))),
                    (
                        w.jam,
                        Some(Offer {
                            stock: Stock::OnDemand,
                            price: Cents(600),
                        }),
                    ),
                ],
            )
            .await
            .unwrap();
        // The point's fee is $15 under its minimum.
        let mut ch = change_of(&store, &w).await;
        ch.locations[0].1.fee = Cents(1500);
        ch.locations[0].1.min_order = Cents(1000);
        store.update_cycle(&h, w.cycle, &ch).await.unwrap();
        let daycare = hs(&store, w.daycare, w.hub).await;
        let standing = store
            .create_standing_order(
                &daycare,
                &StandingInput {
                    buyer: w.daycare,
                    every_weeks: 1,
                    until: at("2027-06-01T00:00:00Z"),
                    location_name: "Entrepôt".into(),
                    po_number: String::new(),
                    note: String::new(),
                    lines: vec![(w.jam, Qty::units(5))],
                    starts_at: None,
                },
            )
            .await
            .unwrap();
        clock.set(at("2026-11-30T13:00:01Z"));
        store.advance_cycles().await.unwrap();
        let reports = store.run_standing_orders(&h, w.cycle).await.unwrap();
        let order = reports[0].run.order.unwrap();
        // The buyer adds 2 kg of carrots by hand ($6.60): without the jam, the order would be
        // under the point's $10 minimum, so taking the jam back is refused and nothing changes.
        let loc = pickup(&store, &w).await;
        place(&store, w.hub, w.cycle, &carrots(&w, w.daycare, loc, 2))
            .await
            .unwrap();
        refused(
            store
                .change_standing_order(
                    &scope(w.daycare),
                    standing,
                    StandingChange::Stop { take_back: true },
                )
                .await,
            Refusal::BelowMinimum,
        );
        let o = store.order(&daycare, order).await.unwrap();
        assert_eq!(o.lines.len(), 2);
        let listed = store.standing_orders(&scope(w.daycare)).await.unwrap();
        assert!(listed[0].active, "the standing order still runs");
        // With 4 kg ($13.20) the jam goes.
        place(&store, w.hub, w.cycle, &carrots(&w, w.daycare, loc, 2))
            .await
            .unwrap();
        let jam_offer = |store: Store| async move {
            let grid = store
                .availability_grid(&hs(&store, w.farm_a, w.hub).await, w.cycle, w.farm_a)
                .await
                .unwrap();
            grid.into_iter().find(|g| g.product.id == w.jam).unwrap()
        };
        assert_eq!(jam_offer(store.clone()).await.reserved, Qty::units(5));
        store
            .change_standing_order(
                &scope(w.daycare),
                standing,
                StandingChange::Stop { take_back: true },
            )
            .await
            .unwrap();
        let jam = jam_offer(store.clone()).await;
        assert_eq!(jam.reserved, Qty::units(0), "the on-demand count went down");
        assert!(
            jam.on_demand,
            "and the offer stays on demand, with no stock"
        );
        assert_eq!(jam.quantity, None);
        let o = store.order(&daycare, order).await.unwrap();
        assert_eq!(o.lines.len(), 1);
        assert_eq!(o.subtotal(), Cents(4 * 330));
        assert_eq!(o.fees, Cents(200 + 1500), "fees counted on what stays");
    })
    .await;
}

#[tokio::test]
async fn the_demo_offers_one_product_on_demand_in_this_weeks_cycle() {
    on_every_db(|store, _clock| async move {
        halles_store::demo::load(&store).await.unwrap();
        let orgs = store.organizations().await.unwrap();
        let cpe = orgs
            .iter()
            .find(|o| o.name == "CPE Les Petits Pommiers")
            .unwrap()
            .id;
        let cycles = store.open_cycles_for_buyer(&scope(cpe)).await.unwrap();
        assert_eq!(cycles.len(), 1, "this week's cycle is open");
        let as_cpe = hs(&store, cpe, cycles[0].hub).await;
        let items = store
            .buyer_catalog(&as_cpe, cycles[0].id, cpe)
            .await
            .unwrap();
        let on_demand: Vec<&str> = items
            .iter()
            .filter(|i| i.on_demand)
            .map(|i| i.product.input.name_fr.as_str())
            .collect();
        assert_eq!(on_demand, vec![halles_store::demo::ON_DEMAND]);
        assert!(items.iter().any(|i| !i.on_demand), "the rest has a stock");
    })
    .await;
}
