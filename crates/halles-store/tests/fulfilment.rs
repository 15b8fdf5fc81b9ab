//! Fulfilment store tests on SQLite and (when configured) PostgreSQL: a hub's whole week after
//! the cut-off (purchase orders, receiving with a shortage and a substitution, weighing,
//! packing, routes, delivery), the stock ledger back to zero, the recall report, and who may
//! do what.

mod support;

use halles_core::catalog::SaleUnit;
use halles_core::fulfilment::{MovementKind, ShortageChoice, StopStatus};
use halles_core::money::Cents;
use halles_core::ordering::CycleStatus;
use halles_core::organizations::OrgKind;
use halles_core::pricing::{BuyerType, MarginBp, PriceRule};
use halles_core::quantity::Qty;
use halles_core::refusals::Refusal;
use halles_core::taxes::TaxClass;
use halles_core::{CycleId, ManualClock, OrderId, OrgId, ProductId};
use halles_store::hub::catalog::ProductInput;
use halles_store::hub::cycles::{CycleInput, LocationInput};
use halles_store::hub::fulfilment::receiving::{Receipt, ReceiptLine, Resolution};
use halles_store::hub::fulfilment::routes::{DeliveryDetails, StopOutcome};
use halles_store::hub::orders::OrderInput;
use halles_store::hub::{HubRole, HubScope};
use halles_store::platform::events::Event;
use halles_store::{Store, StoreError};
use support::{at, product, refused, scope};

async fn hs(store: &Store, org: OrgId, hub: OrgId) -> HubScope {
    store.hub_scope(&scope(org), hub).await.unwrap()
}

fn day(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

struct Week {
    hub: OrgId,
    farm: OrgId,
    dairy: OrgId,
    hospital: OrgId,
    daycare: OrgId,
    carrots: ProductId,
    lettuce: ProductId,
    chicken: ProductId,
    cheese: ProductId,
    cycle: CycleId,
    hospital_order: OrderId,
    daycare_order: OrderId,
}

/// A hub with a farm (carrots by the kg, lettuce by the head, whole chickens weighed at
/// packing) and a dairy (cheese), a hospital and a daycare that ordered, the cycle closed.
async fn week(store: &Store, clock: &ManualClock) -> Week {
    let org = |k, n: &'static str| support::org(store, k, n);
    let hub = org(OrgKind::Hub, "Pôle Nord").await;
    let farm = org(OrgKind::Producer, "Ferme Lavoie").await;
    let dairy = org(OrgKind::Producer, "Laiterie du Lac").await;
    let hospital = org(OrgKind::Buyer, "Hôpital Sainte-Anne").await;
    let daycare = org(OrgKind::Buyer, "CPE Les Pousses").await;
    let new = |owner, input| async move {
        store
            .create_product(&scope(owner), &input)
            .await
            .unwrap()
            .id
    };
    let carrots = new(farm, product("Carottes", SaleUnit::Kg, TaxClass::ZeroRated)).await;
    let lettuce = new(farm, product("Laitue", SaleUnit::Each, TaxClass::ZeroRated)).await;
    let chicken = new(
        farm,
        ProductInput {
            catch_weight: true,
            est_weight_g: Some(2000),
            ..product("Poulet entier", SaleUnit::Each, TaxClass::ZeroRated)
        },
    )
    .await;
    let cheese = new(
        dairy,
        product("Cheddar", SaleUnit::Each, TaxClass::ZeroRated),
    )
    .await;
    let h = store.own_hub(&scope(hub)).await.unwrap();
    store.link_producer(&h, farm).await.unwrap();
    store.link_producer(&h, dairy).await.unwrap();
    store
        .link_buyer(&h, hospital, BuyerType::Institution)
        .await
        .unwrap();
    store
        .link_buyer(&h, daycare, BuyerType::Institution)
        .await
        .unwrap();
    // Institutions pay the producers' prices plus 10 %.
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
                name: "Semaine 49".into(),
                opens_at: at("2026-11-30T13:00:00Z"),
                closes_at: at("2026-12-03T22:00:00Z"),
                delivery_days: vec![day("2026-12-05")],
                delivery_note: String::new(),
                order_fee: Cents(0),
                producers: vec![farm, dairy],
                locations: vec![LocationInput {
                    kind: "delivery".into(),
                    name: "Livraison Montréal".into(),
                    fee: Cents(0),
                    min_order: Cents(0),
                }],
            },
        )
        .await
        .unwrap();
    store
        .save_availability(
            &hs(store, farm, hub).await,
            cycle,
            farm,
            &[
                (carrots, Some((Qty::units(100), Cents(250)))),
                (lettuce, Some((Qty::units(40), Cents(200)))),
                (chicken, Some((Qty::units(10), Cents(1200)))),
            ],
        )
        .await
        .unwrap();
    store
        .save_availability(
            &hs(store, dairy, hub).await,
            cycle,
            dairy,
            &[(cheese, Some((Qty::units(20), Cents(900))))],
        )
        .await
        .unwrap();
    clock.set(at("2026-12-01T12:00:00Z"));
    store.advance_cycles().await.unwrap();
    let loc = store.cycle(&h, cycle).await.unwrap().locations[0].id;
    let place = |buyer, lines| async move {
        store
            .place_order(
                &hs(store, buyer, hub).await,
                cycle,
                &OrderInput {
                    buyer,
                    location: Some(loc),
                    delivery_day: None,
                    po_number: String::new(),
                    note: String::new(),
                    lines,
                },
            )
            .await
            .unwrap()
    };
    let hospital_order = place(
        hospital,
        vec![
            (carrots, Qty::units(30)),
            (lettuce, Qty::units(10)),
            (chicken, Qty::units(3)),
        ],
    )
    .await;
    let daycare_order = place(
        daycare,
        vec![
            (carrots, Qty::units(12)),
            (lettuce, Qty::units(6)),
            (cheese, Qty::units(4)),
        ],
    )
    .await;
    clock.set(at("2026-12-03T22:00:01Z"));
    store.advance_cycles().await.unwrap();
    assert_eq!(
        store.cycle(&h, cycle).await.unwrap().status,
        CycleStatus::Closed
    );
    Week {
        hub,
        farm,
        dairy,
        hospital,
        daycare,
        carrots,
        lettuce,
        chicken,
        cheese,
        cycle,
        hospital_order,
        daycare_order,
    }
}

fn receipt_line(product: ProductId, unit: SaleUnit, q: i64, code: &str) -> ReceiptLine {
    ReceiptLine {
        product,
        extra: false,
        unit,
        quantity: Qty::units(q),
        lot_code: code.into(),
        packed_on: Some(day("2026-12-04")),
        best_before: Some(day("2026-12-12")),
    }
}

#[tokio::test]
async fn a_hub_runs_its_week_from_the_cut_off_to_the_delivery_and_every_unit_is_accounted_for() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, &clock).await;
        let h = hs(&store, w.hub, w.hub).await;

        // Purchase orders: one per producer for the day, issued once by the worker.
        let pos = store.purchase_orders(&h, w.cycle).await.unwrap();
        assert_eq!(pos.len(), 2);
        assert!(pos.iter().all(|p| p.changed() && p.issued.is_none()));
        let issued = store.issue_due_purchase_orders().await.unwrap();
        assert_eq!(issued.len(), 1);
        assert_eq!(issued[0].2.len(), 2);
        assert!(store.issue_due_purchase_orders().await.unwrap().is_empty());
        let farm_po = store
            .purchase_orders(&h, w.cycle)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.producer == w.farm)
            .unwrap();
        assert!(!farm_po.changed());
        assert_eq!(farm_po.issued.as_ref().unwrap().revision, 1);
        let asked: Vec<_> = farm_po
            .lines
            .iter()
            .map(|l| (l.name_fr.as_str(), l.quantity))
            .collect();
        assert_eq!(
            asked,
            vec![
                ("Carottes", Qty::units(42)),
                ("Laitue", Qty::units(16)),
                ("Poulet entier", Qty::units(3)),
            ]
        );
        // $2.50 × 42 + $2.00 × 16 + 3 chickens estimated at 2 kg × $12.00.
        assert_eq!(farm_po.total(), Cents(10_500 + 3_200 + 7_200));
        let events = store.undelivered_events(500).await.unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e.event, Event::PurchaseOrderIssued { .. }))
                .count(),
            2
        );
        // A producer reads only its own purchase order.
        let farm_view = store
            .purchase_orders(&hs(&store, w.farm, w.hub).await, w.cycle)
            .await
            .unwrap();
        assert_eq!(farm_view.len(), 1);
        assert_eq!(farm_view[0].producer, w.farm);

        // Receiving: every problem of every line at once, nothing recorded.
        let bad = Receipt {
            producer: w.farm,
            delivery_day: Some(day("2026-12-05")),
            lines: vec![
                receipt_line(w.cheese, SaleUnit::Each, 4, ""),
                receipt_line(w.lettuce, SaleUnit::Each, 1, "LOT 1"),
                ReceiptLine {
                    quantity: Qty(2_500),
                    ..receipt_line(w.chicken, SaleUnit::Each, 0, "")
                },
            ],
        };
        match store.receive(&h, w.cycle, &bad).await {
            Err(StoreError::Invalid(f)) => {
                let got: Vec<_> = f.iter().map(|e| (e.field.as_str(), e.code)).collect();
                assert_eq!(
                    got,
                    vec![
                        ("lines[0].product", "not_on_purchase_order"),
                        ("lines[1].lot_code", "lot_code_invalid"),
                        ("lines[2].quantity", "qty_not_whole"),
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(store.lots(&h, Some(w.cycle)).await.unwrap().is_empty());
        // The farm brings 40 kg of carrots (2 short), all the lettuce, a chicken more than asked;
        // the dairy all its cheese.
        let lots = store
            .receive(
                &h,
                w.cycle,
                &Receipt {
                    producer: w.farm,
                    delivery_day: Some(day("2026-12-05")),
                    lines: vec![
                        receipt_line(w.carrots, SaleUnit::Kg, 40, "CAR-49"),
                        receipt_line(w.lettuce, SaleUnit::Each, 16, ""),
                        receipt_line(w.chicken, SaleUnit::Each, 4, "POU-49"),
                    ],
                },
            )
            .await
            .unwrap();
        assert_eq!(lots.len(), 3);
        let lettuce_lot = store.lot(&h, lots[1]).await.unwrap();
        assert_eq!(lettuce_lot.code, format!("L261203-{}", lots[1].0));
        refused(
            store
                .receive(
                    &h,
                    w.cycle,
                    &Receipt {
                        producer: w.farm,
                        delivery_day: Some(day("2026-12-05")),
                        lines: vec![receipt_line(w.carrots, SaleUnit::Kg, 1, "car-49")],
                    },
                )
                .await,
            Refusal::LotCodeTaken,
        );
        store
            .receive(
                &h,
                w.cycle,
                &Receipt {
                    producer: w.dairy,
                    delivery_day: Some(day("2026-12-05")),
                    lines: vec![receipt_line(w.cheese, SaleUnit::Each, 4, "")],
                },
            )
            .await
            .unwrap();
        // The carrots go to the oldest order first: the hospital gets its 30, the daycare 10 of 12.
        let short = store.shortages(&h, w.cycle).await.unwrap();
        assert_eq!(short.len(), 1);
        assert_eq!(
            (short[0].order, short[0].ordered, short[0].allocated),
            (w.daycare_order, Qty::units(12), Qty::units(10))
        );
        // The hub lowers the daycare's carrots and puts the spare chicken in their place.
        refused(
            store
                .resolve_shortage(
                    &h,
                    w.cycle,
                    short[0].line,
                    &Resolution {
                        choice: ShortageChoice::Substitute,
                        substitute: None,
                    },
                )
                .await,
            Refusal::SubstituteRequired,
        );
        // The daycare's lettuce line exists: a substitute of the same product is refused.
        refused(
            store
                .resolve_shortage(
                    &h,
                    w.cycle,
                    short[0].line,
                    &Resolution {
                        choice: ShortageChoice::Substitute,
                        substitute: Some((w.lettuce, Qty::units(2))),
                    },
                )
                .await,
            Refusal::AlreadyOrdered,
        );
        store
            .resolve_shortage(
                &h,
                w.cycle,
                short[0].line,
                &Resolution {
                    choice: ShortageChoice::Substitute,
                    substitute: Some((w.chicken, Qty::units(1))),
                },
            )
            .await
            .unwrap();
        let daycare_hs = hs(&store, w.daycare, w.hub).await;
        let adjusted = store.order(&daycare_hs, w.daycare_order).await.unwrap();
        let carrots = adjusted
            .lines
            .iter()
            .find(|l| l.product.id == w.carrots)
            .unwrap();
        assert_eq!(
            (carrots.quantity, carrots.ordered_quantity),
            (Qty::units(10), Some(Qty::units(12)))
        );
        assert!(store.shortages(&h, w.cycle).await.unwrap().is_empty());
        let events = store.undelivered_events(500).await.unwrap();
        assert!(events.iter().any(|e| matches!(
            e.event,
            Event::OrderAdjusted { order, .. } if order == w.daycare_order
        )));
        // The purchase order still asks what was ordered: no revision for a shortage.
        let farm_po = store
            .purchase_orders(&h, w.cycle)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.producer == w.farm)
            .unwrap();
        assert_eq!(
            farm_po
                .lines
                .iter()
                .map(|l| l.name_fr.as_str())
                .collect::<Vec<_>>(),
            vec!["Carottes", "Laitue", "Poulet entier"]
        );

        // Weighing: the producer weighs the hospital's chickens on its phone; the price follows.
        let hospital_hs = hs(&store, w.hospital, w.hub).await;
        let order = store.order(&hospital_hs, w.hospital_order).await.unwrap();
        let chicken = order
            .lines
            .iter()
            .find(|l| l.product.id == w.chicken)
            .unwrap();
        let estimated = chicken.total();
        // 3 × 2 kg × $12.00 + 10 % (institution price list): $79.20.
        assert_eq!(estimated, Cents(7_920));
        let farm_hs = hs(&store, w.farm, w.hub).await;
        let dairy_hs = hs(&store, w.dairy, w.hub).await;
        assert!(matches!(
            store
                .record_weights(&dairy_hs, chicken.id, &[2100, 1950, 2200], false)
                .await,
            Err(StoreError::NotFound)
        ));
        refused(
            store
                .record_weights(&farm_hs, chicken.id, &[2100, 1950], false)
                .await,
            Refusal::WeightInvalid,
        );
        refused(
            store
                .record_weights(&farm_hs, chicken.id, &[2100, 1950, 0], false)
                .await,
            Refusal::WeightInvalid,
        );
        // 8.1 kg for an estimate of 6 kg: asked to confirm.
        refused(
            store
                .record_weights(&farm_hs, chicken.id, &[2700, 2700, 2700], false)
                .await,
            Refusal::WeightOutOfTolerance,
        );
        store
            .record_weights(&farm_hs, chicken.id, &[2100, 1950, 2200], false)
            .await
            .unwrap();
        let order = store.order(&hospital_hs, w.hospital_order).await.unwrap();
        let chicken = order
            .lines
            .iter()
            .find(|l| l.product.id == w.chicken)
            .unwrap();
        // 6.25 kg × $13.20: $82.50, and the farm is owed 6.25 × $12.00 = $75.00.
        assert_eq!(chicken.total(), Cents(8_250));
        assert_eq!(chicken.producer_total(), Cents(7_500));
        let totals = store.cycle_totals(&h, w.cycle).await.unwrap();
        let farm_total = totals
            .by_producer
            .iter()
            .find(|p| p.producer == w.farm)
            .unwrap();
        assert!(farm_total.producer_amount.0 >= 7_500);
        // The hub corrects one weight until delivery.
        store
            .record_weights(&h, chicken.id, &[2100, 1950, 2150], false)
            .await
            .unwrap();

        // Packing: the daycare's order cannot be packed before its chicken is weighed.
        let daycare_pack = store.packing_order(&h, w.daycare_order).await.unwrap();
        let sub = daycare_pack
            .order
            .lines
            .iter()
            .find(|l| l.product.id == w.chicken)
            .unwrap();
        assert_eq!(sub.substitute_for, Some(carrots.id));
        assert_eq!(
            daycare_pack.lots.get(&sub.id).unwrap(),
            &vec![("POU-49".to_owned(), Qty::units(1))]
        );
        refused(
            store.pack_order(&h, w.daycare_order, &[]).await,
            Refusal::WeightsMissing,
        );
        store
            .record_weights(&h, sub.id, &[1900], false)
            .await
            .unwrap();
        // The hospital's order in two cases: vegetables in 1, chickens in 2.
        let chicken_line = chicken.id;
        let cases = store
            .pack_order(&h, w.hospital_order, &[(chicken_line, 7)])
            .await
            .unwrap();
        assert_eq!(cases.len(), 2, "case numbers 1 and 7 become 1 and 2");
        let packed = store.packing_order(&h, w.hospital_order).await.unwrap();
        assert_eq!(
            packed
                .cases
                .iter()
                .map(|c| (c.number, c.of, c.lines.len()))
                .collect::<Vec<_>>(),
            vec![(1, 2, 2), (2, 2, 1)]
        );
        assert_eq!(
            packed.lots.get(&chicken_line).unwrap(),
            &vec![("POU-49".to_owned(), Qty::units(3))]
        );
        // Scanning a case's code (any case of letters) finds it; another hub's code is unknown.
        let code = packed.cases[1].code.clone();
        assert_eq!(
            store.case_by_scan(&h, &code.to_lowercase()).await.unwrap(),
            (w.hospital_order, cases[1])
        );
        assert!(store.case_by_scan(&h, "C999999").await.is_err());
        // With a GS1 company prefix, the case's SSCC finds it too.
        store.set_gs1_prefix(&h, "0614141").await.unwrap();
        let packed = store.packing_order(&h, w.hospital_order).await.unwrap();
        let sscc = packed.cases[1].sscc.clone().unwrap();
        assert_eq!(sscc.len(), 18);
        assert_eq!(
            store
                .case_by_scan(&h, &format!("(00){sscc}"))
                .await
                .unwrap(),
            (w.hospital_order, cases[1])
        );
        store.pack_order(&h, w.daycare_order, &[]).await.unwrap();

        // Routes: the hospital and the daycare on one route, the daycare first.
        let route = store.create_route(&h, "Nord").await.unwrap();
        refused(
            store.create_route(&h, " nord ").await,
            Refusal::DuplicateName,
        );
        store
            .set_route_buyers(&h, route, &[w.daycare, w.hospital])
            .await
            .unwrap();
        store
            .set_delivery_details(
                &h,
                w.hospital,
                &DeliveryDetails {
                    address: "1200, rue Sainte-Anne, Montréal".into(),
                    contact: "Cuisine, 514 555-0101".into(),
                    instructions: "Quai B, avant 10 h".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .plan_routes(&h, w.cycle, Some(day("2026-12-05")))
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store
                .plan_routes(&h, w.cycle, Some(day("2026-12-05")))
                .await
                .unwrap(),
            0
        );
        let stops = store
            .stops(&h, w.cycle, Some(day("2026-12-05")), route)
            .await
            .unwrap();
        assert_eq!(
            stops
                .iter()
                .map(|s| (s.number, s.buyer))
                .collect::<Vec<_>>(),
            vec![(1, w.daycare), (2, w.hospital)]
        );
        assert_eq!(stops[1].cases, 2);
        assert_eq!(stops[1].details.instructions, "Quai B, avant 10 h");
        // The hospital first today.
        store
            .place_stop(&h, w.hospital_order, route, 1)
            .await
            .unwrap();
        let stops = store
            .stops(&h, w.cycle, Some(day("2026-12-05")), route)
            .await
            .unwrap();
        assert_eq!(
            stops
                .iter()
                .map(|s| (s.number, s.buyer))
                .collect::<Vec<_>>(),
            vec![(1, w.hospital), (2, w.daycare)]
        );
        // Delivered: a name is needed; then the goods leave the stock.
        refused(
            store
                .mark_stop(
                    &h,
                    stops[0].id,
                    &StopOutcome::Delivered {
                        recipient: " ".into(),
                        note: String::new(),
                    },
                )
                .await,
            Refusal::RecipientRequired,
        );
        store
            .mark_stop(
                &h,
                stops[0].id,
                &StopOutcome::Delivered {
                    recipient: "Mme Tremblay".into(),
                    note: "Quai B".into(),
                },
            )
            .await
            .unwrap();
        refused(
            store
                .record_weights(&h, chicken_line, &[2000, 2000, 2000], false)
                .await,
            Refusal::OrderDelivered,
        );
        // The daycare was closed: its goods come back to stock.
        store
            .mark_stop(
                &h,
                stops[1].id,
                &StopOutcome::Undelivered {
                    note: "Fermé".into(),
                },
            )
            .await
            .unwrap();
        let stops = store
            .stops(&h, w.cycle, Some(day("2026-12-05")), route)
            .await
            .unwrap();
        assert_eq!(
            stops.iter().map(|s| s.status).collect::<Vec<_>>(),
            vec![StopStatus::Delivered, StopStatus::Undelivered]
        );

        // The recall report of the carrots lists exactly the hospital as having received them,
        // and the daycare's share is back in stock, free.
        let recall = store.recall(&h, "car-49").await.unwrap();
        assert_eq!(recall.lot.producer, w.farm);
        let received: Vec<_> = recall
            .recipients
            .iter()
            .map(|r| (r.buyer, r.delivered))
            .collect();
        assert_eq!(received, vec![(w.hospital, Qty::units(30))]);
        assert_eq!(recall.lot.on_hand, Qty::units(10));
        assert_eq!(recall.lot.free(), Qty::units(10));
        refused(store.recall(&h, "NOPE").await, Refusal::UnknownLot);

        // The daycare's order goes out again the next day: what came back is set aside again,
        // and comes back once more when the daycare is still closed.
        let free_before: Vec<_> = store
            .lots(&h, Some(w.cycle))
            .await
            .unwrap()
            .iter()
            .map(|l| (l.code.clone(), l.free()))
            .collect();
        store
            .place_stop(&h, w.daycare_order, route, 1)
            .await
            .unwrap();
        let cheese = store
            .lots(&h, Some(w.cycle))
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.product == w.cheese)
            .unwrap();
        assert_eq!(
            (cheese.allocated, cheese.free()),
            (Qty::units(4), Qty::ZERO)
        );
        let again = store
            .stops(&h, w.cycle, Some(day("2026-12-05")), route)
            .await
            .unwrap();
        let daycare_stop = again.iter().find(|s| s.buyer == w.daycare).unwrap();
        assert_eq!(
            (daycare_stop.number, daycare_stop.status),
            (1, StopStatus::Pending)
        );
        store
            .mark_stop(
                &h,
                daycare_stop.id,
                &StopOutcome::Undelivered {
                    note: "Encore fermé".into(),
                },
            )
            .await
            .unwrap();
        let free_after: Vec<_> = store
            .lots(&h, Some(w.cycle))
            .await
            .unwrap()
            .iter()
            .map(|l| (l.code.clone(), l.free()))
            .collect();
        assert_eq!(free_after, free_before);

        // Leftovers: the daycare's returned goods are donated, a lettuce was lost; a loss needs
        // a reason and cannot take more than is free.
        let lots = store.lots(&h, Some(w.cycle)).await.unwrap();
        for lot in &lots {
            if lot.free().0 == 0 {
                continue;
            }
            refused(
                store
                    .record_movement(&h, lot.id, MovementKind::Lost, lot.free(), " ")
                    .await,
                Refusal::ReasonRequired,
            );
            refused(
                store
                    .record_movement(&h, lot.id, MovementKind::Donated, Qty(lot.free().0 + 1), "")
                    .await,
                Refusal::NotEnoughStock,
            );
            store
                .record_movement(
                    &h,
                    lot.id,
                    MovementKind::Donated,
                    lot.free(),
                    "Banque alimentaire",
                )
                .await
                .unwrap();
        }
        // Every lot's ledger balances to zero: nothing on hand, nothing set aside.
        let lots = store.lots(&h, Some(w.cycle)).await.unwrap();
        assert_eq!(lots.len(), 4);
        for lot in &lots {
            assert_eq!(
                (lot.on_hand, lot.allocated),
                (Qty::ZERO, Qty::ZERO),
                "{}",
                lot.code
            );
            let ledger = store.movements(&h, lot.id).await.unwrap();
            let out: i64 = ledger
                .iter()
                .filter(|m| {
                    matches!(
                        m.kind,
                        MovementKind::Delivered | MovementKind::Donated | MovementKind::Lost
                    )
                })
                .map(|m| m.quantity.0)
                .sum();
            assert_eq!(
                Qty(out),
                lot.received,
                "{}: every unit received went somewhere",
                lot.code
            );
        }
        assert!(
            store.lots(&h, None).await.unwrap().is_empty(),
            "nothing held"
        );
    })
    .await;
}

#[tokio::test]
async fn fulfilment_waits_for_the_cut_off_and_stays_with_the_hub() {
    support::on_every_db(at("2026-11-28T14:00:00Z"), |store, clock| async move {
        let w = week(&store, &clock).await;
        let h = hs(&store, w.hub, w.hub).await;
        // Reopened with a later cut-off: nothing of fulfilment until it passes.
        store
            .open_cycle(&h, w.cycle, Some(at("2026-12-04T12:00:00Z")))
            .await
            .unwrap();
        refused(
            store.issue_purchase_orders(&h, w.cycle).await,
            Refusal::CycleStillOpen,
        );
        refused(
            store
                .receive(
                    &h,
                    w.cycle,
                    &Receipt {
                        producer: w.farm,
                        delivery_day: Some(day("2026-12-05")),
                        lines: vec![receipt_line(w.carrots, SaleUnit::Kg, 1, "")],
                    },
                )
                .await,
            Refusal::CycleStillOpen,
        );
        clock.set(at("2026-12-04T12:00:01Z"));
        store.advance_cycles().await.unwrap();
        let first = store.issue_purchase_orders(&h, w.cycle).await.unwrap();
        assert_eq!(first.len(), 2);
        assert!(
            store
                .issue_purchase_orders(&h, w.cycle)
                .await
                .unwrap()
                .is_empty()
        );
        // A buyer and a producer do none of the hub's work.
        for org in [w.hospital, w.farm] {
            let other = hs(&store, org, w.hub).await;
            assert_ne!(other.role(), HubRole::Hub);
            assert!(matches!(
                store.issue_purchase_orders(&other, w.cycle).await,
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                store.lots(&other, None).await,
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                store.packing_list(&other, w.cycle, None).await,
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                store.routes(&other).await,
                Err(StoreError::NotFound)
            ));
            assert!(matches!(
                store.create_route(&other, "X").await,
                Err(StoreError::NotFound)
            ));
        }
        // A buyer does not read purchase orders.
        assert!(matches!(
            store
                .purchase_orders(&hs(&store, w.hospital, w.hub).await, w.cycle)
                .await,
            Err(StoreError::NotFound)
        ));
        // Another hub reaches nothing of this one's.
        let other_hub = support::org(&store, OrgKind::Hub, "Autre pôle").await;
        let other = store.own_hub(&scope(other_hub)).await.unwrap();
        assert!(store.purchase_orders(&other, w.cycle).await.is_err());
        assert!(store.packing_order(&other, w.hospital_order).await.is_err());
        assert!(store.case_by_scan(&other, "C000001").await.is_err());
        let _ = (w.lettuce, w.dairy);
    })
    .await;
}
